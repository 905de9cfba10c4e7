//! `taoli-upstream`: the reference upstream server for Taoli's batch protocol.
//!
//! ```text
//! taoli-upstream serve --db FILE --listen 127.0.0.1:PORT [--tls-cert FILE --tls-key FILE]
//!                      [--rate-per-minute N …] [--request-timeout SECONDS] [--admin] [--fault-…]
//! taoli-upstream fingerprint --db FILE
//! taoli-upstream enroll-code --db FILE --school CODE [--valid-days N]
//! taoli-upstream review --db FILE --batch ID --record ID (--accept | --return REASON) [--deliver-twice]
//! taoli-upstream revoke-key --db FILE --key-id ID
//! ```
//!
//! Exit codes: 0 success, 1 the operator's input was refused, 2 the server failed.

// Unit tests may index and count freely (docs/reliability.md, "Lints");
// the non-test build of this crate is linted in full.
#![cfg_attr(
    test,
    allow(
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::arithmetic_side_effects
    )
)]

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgGroup, Parser, Subcommand};
use taoli_protocol::Decision;
use taoli_upstream::{Db, Error, Faults, Limits, ServeOptions, Server, TlsFiles};

#[derive(Debug, Parser)]
#[command(
    name = "taoli-upstream",
    version,
    about = "桃李批次协议（taoli-batch/1）的参考上游服务器 / The reference upstream server for Taoli's batch protocol"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 启动服务 / Serve the protocol, the /review page and (with --admin) /admin/faults.
    Serve {
        /// 数据库文件（不存在时新建）/ The database file (created when missing).
        #[arg(long)]
        db: PathBuf,
        /// 监听地址，端口 0 表示任选空闲端口 / Address to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:8750")]
        listen: SocketAddr,
        /// TLS 证书（PEM，含中间证书）；与 --tls-key 一起给出时提供 HTTPS / The TLS certificate chain (PEM); with --tls-key, serve HTTPS.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS 私钥（PEM）/ The TLS certificate's private key (PEM).
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// 每所学校每分钟平均可发的请求数，0 表示不限 / Requests per minute one school may make on average; 0 turns it off.
        #[arg(long, value_name = "N", default_value_t = Limits::default().school_per_minute)]
        rate_per_minute: u32,
        /// 每所学校可一次连续发出的请求数 / Requests one school may make at once.
        #[arg(long, value_name = "N", default_value_t = Limits::default().school_burst)]
        rate_burst: u32,
        /// 不指明学校的请求，每个地址每分钟的请求数，0 表示不限 / Per address, per minute, for requests that name no school; 0 turns it off.
        #[arg(long, value_name = "N", default_value_t = Limits::default().address_per_minute)]
        address_rate_per_minute: u32,
        /// 不指明学校的请求，每个地址可一次连续发出的请求数 / Per address, at once, for requests that name no school.
        #[arg(long, value_name = "N", default_value_t = Limits::default().address_burst)]
        address_rate_burst: u32,
        /// 从 X-Forwarded-For 读取客户端地址（只在反向代理之后使用）/ Take the client's address from X-Forwarded-For (only behind a reverse proxy).
        #[arg(long)]
        trust_forwarded_for: bool,
        /// 一个请求（含上传数据）最多用多少秒 / The longest one request may take, its body included (seconds).
        #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().request_timeout.as_secs())]
        request_timeout: u64,
        /// 客户端发送请求头最多用多少秒 / The longest a client may take to send a request's headers (seconds).
        #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().header_timeout.as_secs())]
        header_timeout: u64,
        /// 开放 /admin/faults（只用于测试）/ Enable /admin/faults (tests only).
        #[arg(long)]
        admin: bool,
        /// 上传数据收到这么多字节后断开连接 / Drop a payload upload's connection after this many body bytes.
        #[arg(long, value_name = "BYTES")]
        fault_drop_after: Option<u64>,
        /// 断开几次上传（默认 1）/ How many uploads to drop (default 1).
        #[arg(long, value_name = "N", default_value_t = 1)]
        fault_drop_times: u32,
        /// 接下来这么多次成功的写入保存后仍答复 500 / Answer the next N successful writes with 500 after committing.
        #[arg(long, value_name = "N", default_value_t = 0)]
        fault_500_after_commit: u32,
        /// 接下来这么多次写入（POST、PUT）不处理，直接答复 500 / Answer the next N writes with 500 before handling them.
        #[arg(long, value_name = "N", default_value_t = 0)]
        fault_500_before_commit: u32,
        /// 每个请求先等这么多毫秒 / Wait this long before every request.
        #[arg(long, value_name = "MS", default_value_t = 0)]
        fault_delay_ms: u64,
        /// 每条审核结果发送两次 / Deliver every review result twice.
        #[arg(long)]
        fault_duplicate_reviews: bool,
    },
    /// 显示回执签名公钥的指纹，供县里打印给学校核对 / Print the receipt-signing key's fingerprint, for the county to print for schools.
    Fingerprint {
        #[arg(long)]
        db: PathBuf,
    },
    /// 为学校生成一次性报送码 / Issue a school a one-time enrollment code.
    EnrollCode {
        #[arg(long)]
        db: PathBuf,
        /// 学校标识码（10 位数字）/ The school's 10-digit code.
        #[arg(long)]
        school: String,
        /// 有效天数 / Days the code stays valid.
        #[arg(long, default_value_t = 30)]
        valid_days: u32,
    },
    /// 审核一条记录：生效或退回 / Accept or return one record.
    #[command(group(ArgGroup::new("decision").required(true).args(["accept", "return_reason"])))]
    Review {
        #[arg(long)]
        db: PathBuf,
        /// 批次编号 / The batch id.
        #[arg(long)]
        batch: String,
        /// 记录编号（批次数据中的 id）/ The record's id in the batch.
        #[arg(long)]
        record: String,
        /// 生效 / Accept.
        #[arg(long)]
        accept: bool,
        /// 退回，并写明理由 / Return, with the reason.
        #[arg(long = "return", value_name = "REASON")]
        return_reason: Option<String>,
        /// 故障注入：这条结果发送两次 / Fault: deliver this result twice.
        #[arg(long)]
        deliver_twice: bool,
    },
    /// 停用学校的签名密钥 / Revoke a school's signing key.
    RevokeKey {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        key_id: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("taoli-upstream：{error}");
            match error {
                Error::Database(_) | Error::Io(_) | Error::ServerKeyDamaged(_) => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Serve {
            db,
            listen,
            tls_cert,
            tls_key,
            rate_per_minute,
            rate_burst,
            address_rate_per_minute,
            address_rate_burst,
            trust_forwarded_for,
            request_timeout,
            header_timeout,
            admin,
            fault_drop_after,
            fault_drop_times,
            fault_500_after_commit,
            fault_500_before_commit,
            fault_delay_ms,
            fault_duplicate_reviews,
        } => {
            let faults = Faults {
                drop_after_bytes: fault_drop_after,
                drop_times: fault_drop_times,
                fail_after_commit: fault_500_after_commit,
                fail_before_commit: fault_500_before_commit,
                delay_ms: fault_delay_ms,
                duplicate_reviews: fault_duplicate_reviews,
            };
            let options = ServeOptions {
                limits: Limits {
                    school_per_minute: rate_per_minute,
                    school_burst: rate_burst,
                    address_per_minute: address_rate_per_minute,
                    address_burst: address_rate_burst,
                    request_timeout: Duration::from_secs(request_timeout),
                    header_timeout: Duration::from_secs(header_timeout),
                    trust_forwarded_for,
                },
                tls: tls_cert
                    .zip(tls_key)
                    .map(|(cert, key)| TlsFiles { cert, key }),
            };
            let db = Db::open(&db)?;
            let fingerprint = db.server_key()?.public_key().fingerprint();
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let server = Server::start_with(db, listen, admin, faults, options).await?;
                // The first line of stdout stays where it listens (scripts
                // and tests read it); the fingerprint goes to stderr, where
                // an operator sees it and a closed reader cannot stop us.
                println!("taoli-upstream listening on {}", server.url());
                let _ = writeln!(
                    std::io::stderr(),
                    "回执签名公钥指纹 / receipt key fingerprint: {fingerprint}"
                );
                tokio::select! {
                    () = server.wait() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
                Ok(())
            })
        }
        Command::Fingerprint { db } => {
            println!(
                "{}",
                Db::open(&db)?.server_key()?.public_key().fingerprint()
            );
            Ok(())
        }
        Command::EnrollCode {
            db,
            school,
            valid_days,
        } => {
            let code = Db::open(&db)?.issue_enrollment_code(&school, valid_days)?;
            println!("{code}");
            Ok(())
        }
        Command::Review {
            db,
            batch,
            record,
            accept,
            return_reason,
            deliver_twice,
        } => {
            let decision = if accept {
                Decision::Accepted
            } else {
                Decision::Returned
            };
            let deliveries = if deliver_twice { 2 } else { 1 };
            let result = Db::open(&db)?.review(
                &batch,
                &record,
                decision,
                return_reason.as_deref(),
                deliveries,
            )?;
            println!(
                "{} {} {}（cursor {}）",
                result.batch_id,
                result.record,
                decision.label(),
                result.cursor
            );
            Ok(())
        }
        Command::RevokeKey { db, key_id } => {
            Db::open(&db)?.revoke_key(&key_id)?;
            println!("{key_id} 已停用");
            Ok(())
        }
    }
}
