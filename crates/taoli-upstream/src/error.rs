//! The one error type of `taoli-upstream`.
//!
//! A protocol refusal ([`Error::Refused`]) is answered with its own code,
//! status and Chinese message, and its particulars in English when they are
//! words; anything else is the server's own failure, logged in full and
//! answered as `server_error`.

use std::net::SocketAddr;
use std::path::PathBuf;

use taoli_protocol::{Refusal, RefusalCode};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Refused(#[from] Refusal),

    #[error("无法打开上游数据库 {path}：{source}。请确认路径正确、文件夹可写。")]
    OpenDatabase {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error(
        "{path} 不是参考上游服务器的数据库（{detail}）。请换一个文件，或用一个新文件名让服务器新建。"
    )]
    NotOurDatabase { path: PathBuf, detail: String },

    #[error("数据库操作失败：{0}")]
    Database(#[from] rusqlite::Error),

    #[error("无法监听 {addr}：{source}。请换一个端口，或确认没有别的程序占用它。")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },

    #[error("服务运行出错：{0}")]
    Io(#[from] std::io::Error),

    #[error("学校标识码应为 10 位数字，实为「{0}」。")]
    InvalidSchoolCode(String),

    #[error("报送码有效天数应为 0–{max} 天，实为 {0} 天。请改小 --valid-days。", max = crate::db::MAX_VALID_DAYS)]
    InvalidValidDays(u32),

    #[error("找不到批次 {0}。请在 /review 页面上核对批次编号。")]
    BatchNotFound(String),

    #[error("批次 {batch} 中没有记录「{record}」。请在 /review 页面上核对记录编号。")]
    RecordNotFound { batch: String, record: String },

    #[error("批次 {batch} 的记录「{record}」已经审核为「{decision}」，不能再次审核。")]
    AlreadyReviewed {
        batch: String,
        record: String,
        decision: String,
    },

    #[error("批次 {0} 还没有收齐，不能审核。")]
    BatchNotReceived(String),

    #[error("退回时要写明理由（1–{max} 个字），学校会看到它并据此改正。")]
    ReasonRequired { max: usize },

    #[error("找不到密钥 {0}。")]
    KeyNotFound(String),

    #[error("服务器的回执签名密钥已损坏：{0}。请从备份恢复数据库。")]
    ServerKeyDamaged(String),

    #[error(
        "无法读取 TLS {what} {path}：{detail}。请确认它是 PEM 格式的{what}文件，且与另一个文件配对。"
    )]
    Tls {
        what: &'static str,
        path: PathBuf,
        detail: String,
    },

    #[error("限流设置有误：{0}")]
    InvalidLimits(String),

    /// Making or reading the receipt-signing key failed.
    #[error("{0}")]
    Protocol(#[from] taoli_protocol::Error),
}

impl Error {
    /// The refusal the client is sent: the error's own for a protocol
    /// refusal, `server_error` for the server's failures.
    pub fn refusal(&self) -> Refusal {
        match self {
            Error::Refused(refusal) => refusal.clone(),
            Error::BatchNotFound(id) => Refusal::with_details(
                RefusalCode::BatchNotFound,
                format!("批次 {id}"),
                format!("batch {id}"),
            ),
            _ => Refusal::new(RefusalCode::ServerError),
        }
    }

    /// A refusal with the code's own message.
    pub fn refused(code: RefusalCode) -> Error {
        Error::Refused(Refusal::new(code))
    }

    /// A refusal with particulars, in Chinese and in English
    /// ([`Refusal::with_details`]).
    pub fn refused_with(
        code: RefusalCode,
        detail: impl std::fmt::Display,
        detail_en: impl std::fmt::Display,
    ) -> Error {
        Error::Refused(Refusal::with_details(code, detail, detail_en))
    }
}
