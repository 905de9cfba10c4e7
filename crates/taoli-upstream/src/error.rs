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

    #[error("PostgreSQL 数据库操作失败：{0}")]
    Postgres(#[from] postgres::Error),

    #[error("数据库连接串写得不对（{detail}）。应形如 postgresql://用户@主机:端口/数据库名。")]
    DatabaseUrl { detail: String },

    #[error(
        "连不上数据库 {database}（{detail}）。请确认 PostgreSQL 正在运行、地址和用户名正确、pg_hba.conf 允许这台机器连接。"
    )]
    ConnectDatabase { database: String, detail: String },

    #[error("数据库连接都在忙，等不到空闲的连接（{0}）。请稍后再试；常见时可调大 --pool。")]
    Pool(String),

    #[error(
        "数据库 {database} 的表结构还没有升级（待执行：{pending}）。请先运行 taoli-upstream migrate --db 同一个数据库，再启动服务。"
    )]
    MigrationsPending { database: String, pending: String },

    #[error(
        "这个数据库已由较新版本的 taoli-upstream 升级过（迁移 {version}），这个版本读不懂它。请用较新的版本。"
    )]
    DatabaseNewer { version: i64 },

    #[error("数据库内容与预期不符：{0}")]
    Storage(String),

    #[error("用户名或密码不对。请核对后重试；连续输错 5 次账号会锁定 15 分钟。")]
    SignInFailed,

    #[error(
        "密码连续输错次数太多，账号已锁定到 {until}（北京时间）。到时再试，或请本级系统管理员重设密码。"
    )]
    AccountLocked { until: String },

    #[error("这个账号已停用。请联系本级系统管理员。")]
    AccountDisabled,

    #[error("还没有登录，或登录已过期。请重新登录。")]
    NotSignedIn,

    #[error("页面已过期（防伪令牌不符）。请刷新页面后再操作。")]
    CsrfMismatch,

    #[error("「{role}」不能做这件事，需要{needs}。")]
    Forbidden { role: String, needs: String },

    #[error("这所学校或单位不在「{org}」的管辖范围内。")]
    OutsideScope { org: String },

    #[error("行政区划代码「{0}」不在区划表里。请核对 6 位代码（如 510722）。")]
    UnknownRegion(String),

    #[error("「{0}」不是县级区划代码，学校只能登记在县（区）下。")]
    NotACounty(String),

    #[error("学校名称不能为空。")]
    SchoolNameMissing,

    #[error("学校 {0} 还没有登记。请先在「学校管理」登记学校及其所在县。")]
    SchoolNotRegistered(String),

    #[error("用户名「{0}」不合适：只能用 1–32 个英文字母、数字、下划线、点或短横线。")]
    InvalidUsername(String),

    #[error("用户名「{0}」已有人用。请换一个。")]
    UsernameTaken(String),

    #[error("没有用户名为「{0}」的账号。")]
    UnknownOfficer(String),

    #[error("{0}")]
    BadRequest(String),

    #[error("这条记录正等待{level}级审核，不在你这一级。")]
    WaitingElsewhere { level: String },

    #[error("{level}级是第一级审核，没有下级可以退回。")]
    NothingBelow { level: String },

    #[error("提醒内容应为 1–{max} 个字。")]
    NoticeLength { max: usize },

    #[error("密码太弱：至少 {min} 位，要有字母和数字，且不能与用户名相同。")]
    WeakPassword { min: usize },

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
    /// Whether it is about one record of a bulk decision (reviewed
    /// meanwhile, outside the subtree, waiting at another level …), so the
    /// others go on and it is listed as not decided.
    pub fn is_about_one_record(&self) -> bool {
        matches!(
            self,
            Error::AlreadyReviewed { .. }
                | Error::RecordNotFound { .. }
                | Error::BatchNotFound(_)
                | Error::BatchNotReceived(_)
                | Error::OutsideScope { .. }
                | Error::WaitingElsewhere { .. }
        )
    }

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
