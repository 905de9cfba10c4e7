//! `taoli-upstream`: the reference upstream server for Taoli's batch protocol.
//!
//! ```text
//! taoli-upstream migrate --db DATABASE [--check]
//! taoli-upstream serve --db DATABASE --listen 127.0.0.1:PORT [--pool N] [--tls-cert FILE --tls-key FILE]
//!                      [--rate-per-minute N …] [--request-timeout SECONDS] [--admin] [--fault-…]
//! taoli-upstream fingerprint --db DATABASE
//! taoli-upstream enroll-code --db DATABASE --school CODE [--valid-days N]
//! taoli-upstream review --db DATABASE --batch ID --record ID (--accept | --return REASON) [--deliver-twice]
//! taoli-upstream revoke-key --db DATABASE --key-id ID
//! taoli-upstream register-school --db DATABASE --school CODE --name NAME --county CODE
//! taoli-upstream add-officer --db DATABASE --username U --name NAME --org CODE --role ROLE < password
//! taoli-upstream reset-password --db DATABASE --username U < password
//! taoli-upstream set-review-levels --db DATABASE county,city
//! taoli-upstream notify --db DATABASE --school CODE [--school CODE …] --message TEXT
//! ```
//!
//! DATABASE is a SQLite file (made and migrated when missing: the embedded
//! default) or a PostgreSQL connection string (`postgresql://user@host/db`,
//! migrated once with `migrate`); `TAOLI_UPSTREAM_DB` gives it too.
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
use taoli_upstream::db::console::Actor;
use taoli_upstream::db::review_levels::ReviewLevels;
use taoli_upstream::db::{DEFAULT_POOL_SIZE, Location};
use taoli_upstream::officer::Role;
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

/// Where the database is.
#[derive(Debug, clap::Args)]
struct DbArgs {
    /// 数据库：SQLite 文件（不存在时新建），或 PostgreSQL 连接串 postgresql://用户@主机/库名
    /// / The database: a SQLite file (created when missing) or a PostgreSQL connection string.
    #[arg(long, env = "TAOLI_UPSTREAM_DB")]
    db: String,
    /// 最多同时打开的数据库连接数 / The most database connections to hold open.
    #[arg(long, default_value_t = DEFAULT_POOL_SIZE, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pool: u32,
}

impl DbArgs {
    fn location(&self) -> Location {
        Location {
            database: self.db.clone(),
            pool_size: self.pool,
        }
    }

    /// The database, ready for work.
    fn open(&self) -> Result<Db, Error> {
        Db::connect(&self.location())
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 升级数据库表结构（PostgreSQL 在首次启动和每次升级前执行）/ Apply the database's pending migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
        /// 只列出待执行的迁移，不执行 / Only list the pending migrations.
        #[arg(long)]
        check: bool,
    },
    /// 启动服务 / Serve the protocol, the /review page and (with --admin) /admin/faults.
    Serve {
        #[command(flatten)]
        db: DbArgs,
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
        #[command(flatten)]
        db: DbArgs,
    },
    /// 为学校生成一次性报送码 / Issue a school a one-time enrollment code.
    EnrollCode {
        #[command(flatten)]
        db: DbArgs,
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
        #[command(flatten)]
        db: DbArgs,
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
    /// 登记学校（在所在县下）/ Register a school under its county.
    RegisterSchool {
        #[command(flatten)]
        db: DbArgs,
        /// 学校标识码（10 位数字）/ The school's 10-digit code.
        #[arg(long)]
        school: String,
        /// 学校名称 / The school's name.
        #[arg(long)]
        name: String,
        /// 所在县（区）的 6 位行政区划代码 / The county's 6-digit division code.
        #[arg(long)]
        county: String,
    },
    /// 新建控制台账号（密码从标准输入读一行）/ Add a console account (password: one line on stdin).
    AddOfficer {
        #[command(flatten)]
        db: DbArgs,
        /// 用户名 / The username.
        #[arg(long)]
        username: String,
        /// 姓名 / The officer's name.
        #[arg(long)]
        name: String,
        /// 所在单位：省、市或县的 6 位行政区划代码 / The unit: a province, city or county code.
        #[arg(long)]
        org: String,
        /// 角色：系统管理员、信息管理员或信息查询员 / system_admin, info_admin or info_query.
        #[arg(long)]
        role: String,
    },
    /// 重设控制台账号的密码并解除锁定（新密码从标准输入读一行）/ Reset a console account's password (stdin).
    ResetPassword {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
    },
    /// 给学校发督促提醒（学校下次同步时看到）/ Send schools a reminder they see at their next sync.
    Notify {
        #[command(flatten)]
        db: DbArgs,
        /// 学校标识码，可写多次 / A school's code; repeat for several.
        #[arg(long = "school", required = true)]
        schools: Vec<String>,
        /// 提醒内容 / The message.
        #[arg(long)]
        message: String,
    },
    /// 设置逐级审核的级别，如 county 或 county,city / Set the levels that review, in turn.
    SetReviewLevels {
        #[command(flatten)]
        db: DbArgs,
        /// county、county,city 或 county,city,province（也可写 县,市,省）
        levels: String,
    },
    /// 停用学校的签名密钥 / Revoke a school's signing key.
    RevokeKey {
        #[command(flatten)]
        db: DbArgs,
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
                Error::Database(_)
                | Error::Postgres(_)
                | Error::Pool(_)
                | Error::Storage(_)
                | Error::Io(_)
                | Error::ServerKeyDamaged(_) => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Migrate { db, check } => {
            let db = Db::connect_unmigrated(&db.location())?;
            if check {
                let pending = db.pending_migrations()?;
                if pending.is_empty() {
                    println!("{}：表结构已是最新", db.describe());
                } else {
                    println!("{}：待执行 {}", db.describe(), pending.join(" "));
                }
                return Ok(());
            }
            let applied = db.migrate()?;
            if applied.is_empty() {
                println!("{}：表结构已是最新，无需升级", db.describe());
            } else {
                println!("{}：已执行 {}", db.describe(), applied.join(" "));
            }
            Ok(())
        }
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
            let db = db.open()?;
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
            println!("{}", db.open()?.server_key()?.public_key().fingerprint());
            Ok(())
        }
        Command::EnrollCode {
            db,
            school,
            valid_days,
        } => {
            let code = db.open()?.issue_enrollment_code(&school, valid_days)?;
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
            let result = db.open()?.review(
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
        Command::RegisterSchool {
            db,
            school,
            name,
            county,
        } => {
            db.open()?
                .register_school(&Actor::operator(), &school, &name, &county)?;
            println!("已登记 {school} {name}");
            Ok(())
        }
        Command::AddOfficer {
            db,
            username,
            name,
            org,
            role,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                Error::BadRequest(format!(
                    "角色「{role}」应为系统管理员、信息管理员或信息查询员（system_admin、info_admin、info_query）"
                ))
            })?;
            let password = read_password()?;
            db.open()?
                .add_officer(&Actor::operator(), &username, &name, &org, role, &password)?;
            println!("已新建账号 {username}（{}）", role.label());
            Ok(())
        }
        Command::ResetPassword { db, username } => {
            let password = read_password()?;
            db.open()?
                .reset_password(&Actor::operator(), &username, &password)?;
            println!("已重设 {username} 的密码");
            Ok(())
        }
        Command::Notify {
            db,
            schools,
            message,
        } => {
            let sent = db
                .open()?
                .send_notices(&Actor::operator(), &schools, &message)?;
            println!("已向 {sent} 所学校发送提醒");
            Ok(())
        }
        Command::SetReviewLevels { db, levels } => {
            let levels = ReviewLevels::parse(&levels)?;
            db.open()?.set_review_levels(&Actor::operator(), &levels)?;
            let names: Vec<&str> = levels.0.iter().map(|l| l.label()).collect();
            println!("审核级别：{}", names.join(" → "));
            Ok(())
        }
        Command::RevokeKey { db, key_id } => {
            db.open()?.revoke_key(&key_id)?;
            println!("{key_id} 已停用");
            Ok(())
        }
    }
}

/// The password, as one line on standard input (so it is in no command
/// line and no shell history).
fn read_password() -> Result<String, Error> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
