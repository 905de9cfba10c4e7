//! The CLI's own failures (how to sign in from a command line), beside the
//! core's, which pass through as they are.

use taoli_core::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Core(#[from] taoli_core::Error),

    #[error(
        "请用 --user 账号名 指明用哪个账号登录（也可设置环境变量 TAOLI_USER）；密码放在环境变量 TAOLI_PASSWORD 中，或在提示时输入。"
    )]
    UserNeeded,

    #[error(
        "没有得到{what}：{detail}。请把它放在环境变量 {variable} 中，或在终端中运行本命令，按提示输入。"
    )]
    NoPassword {
        what: &'static str,
        variable: &'static str,
        detail: String,
    },

    #[error(
        "这个学校文件已加密，这台电脑上还没有它的密钥，输入的密码也打不开它。请用系统管理员的账号和密码在这台电脑上登录一次（之后其他账号也能打开），或把系统管理员的密码放在环境变量 TAOLI_ADMIN_PASSWORD 中。"
    )]
    FileKeyMissing,

    #[error("两次输入的密码不一样，没有做任何改动。请重新运行，两次输入同一个密码。")]
    PasswordsDiffer,
}

impl CliError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            CliError::Core(e) => e.kind(),
            _ => ErrorKind::User,
        }
    }
}

pub type Result<T> = std::result::Result<T, CliError>;
