//! The rush's own failures: what kept it from running or from checking.
//! What the upstream answered during the rush is not an error here: it is
//! counted ([`crate::report::Counters`]).

/// A failure of the rush, Chinese first (an operator reads it).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "没有安装 PostgreSQL（apt install postgresql，或以 PG_BINDIR 指明其程序目录）/ PostgreSQL is not installed"
    )]
    NoPostgres,

    #[error("无法运行 {program} / cannot run it: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },

    #[error("命令失败 / a command failed: {command}: {output}")]
    CommandFailed { command: String, output: String },

    #[error(
        "找不到 taoli-upstream 程序：请先 cargo build -p taoli-upstream，或用 --upstream-bin 指明 / the taoli-upstream binary was not found"
    )]
    UpstreamBinary,

    #[error("上游进程没有启动 / an upstream process did not start: {0}")]
    UpstreamStart(String),

    #[error("数据库出错 / database: {}", said(.0))]
    Postgres(#[from] postgres::Error),

    #[error("上游的存储出错 / the upstream's store: {0}")]
    Upstream(#[from] taoli_upstream::Error),

    #[error("协议处理出错 / protocol: {0}")]
    Protocol(#[from] taoli_protocol::Error),

    #[error("协议文档被拒 / a protocol document was refused: {0}")]
    Refusal(#[from] taoli_protocol::Refusal),

    #[error("HTTP 客户端出错 / HTTP client: {0}")]
    Http(#[from] reqwest::Error),

    #[error("读写文件出错 / I/O: {0}")]
    Io(#[from] std::io::Error),

    #[error("参数有误 / the settings cannot run: {0}")]
    Settings(String),

    #[error("检查未通过 / a check failed: {0}")]
    Check(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A PostgreSQL error with what the server said (its Display alone is
/// "db error").
fn said(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({}): {}", db.severity(), db.code().code(), db.message()),
        None => error.to_string(),
    }
}
