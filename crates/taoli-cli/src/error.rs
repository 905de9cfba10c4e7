//! The CLI's own failures (how to sign in from a command line), beside the
//! core's, which pass through as they are.

use taoli_core::ErrorKind;

use crate::lang::Lang;

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
    /// The message in the CLI's language (`TAOLI_LANG=en`): the core's from
    /// its catalogs, the CLI's own here. `Display` is the Chinese one.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CliError::Core(e), lang) => e.message(lang.locale()),
            (_, Lang::Zh) => self.to_string(),
            (CliError::UserNeeded, Lang::En) => "Name the account to sign in with by --user NAME (or the TAOLI_USER environment variable); give the password in the TAOLI_PASSWORD environment variable, or type it when asked.".to_owned(),
            (CliError::NoPassword { what, variable, detail }, Lang::En) => format!(
                "Did not get the {}: {detail}. Put it in the {variable} environment variable, or run this command in a terminal and type it when asked.",
                english_what(what)
            ),
            (CliError::FileKeyMissing, Lang::En) => "This school file is encrypted, this computer does not have its key yet, and the password given does not open it. Sign in once on this computer with the system administrator's account and password (other accounts can open it after that), or put the system administrator's password in the TAOLI_ADMIN_PASSWORD environment variable.".to_owned(),
            (CliError::PasswordsDiffer, Lang::En) => "The two passwords typed differ; nothing was changed. Run the command again and type the same password twice.".to_owned(),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            CliError::Core(e) => e.kind(),
            _ => ErrorKind::User,
        }
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// What was asked for, in English (the `what` of [`CliError::NoPassword`]).
fn english_what(what: &str) -> &str {
    match what {
        "密码" => "password",
        "系统管理员的密码" => "system administrator's password",
        "备份时的密码" => "password the backup was made under",
        "新密码" => "new password",
        "恢复码" => "recovery code",
        other => other,
    }
}
