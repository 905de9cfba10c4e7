//! `taoli-rush`: the deadline rush against real `taoli-upstream` processes
//! over PostgreSQL (docs/benchmarks.md, "The deadline rush").
//!
//! ```text
//! taoli-rush [--schools N] [--batches-per-school K] [--teachers T]
//!            [--concurrency C | --rate R] [--processes M] [--pool P]
//!            [--kill-one-after SECONDS] [--db CONNECTION] [--upstream-bin PATH]
//!            [--upstream-arg ARG]… [--no-floor] [--not-durable] [--json]
//! ```
//!
//! Prints a summary (Chinese first) and one JSON line; exits 0 when every
//! batch was received exactly once and nothing was left open, 1 when a
//! check failed, 2 when the rush could not run.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use taoli_rush::client::Retry;
use taoli_rush::pgcluster;

#[derive(Debug, Parser)]
#[command(
    name = "taoli-rush",
    version,
    about = "截止日前的上报高峰：模拟学校向 taoli-upstream（PostgreSQL）登记并上报签名批次，核对每批恰好一次 / The deadline rush against taoli-upstream over PostgreSQL"
)]
struct Cli {
    /// 学校数 / Schools that enroll and report.
    #[arg(long, default_value_t = 200)]
    schools: usize,
    /// 每校批次数（依次上报）/ Batches each school sends, one after the other.
    #[arg(long, default_value_t = 1)]
    batches_per_school: usize,
    /// 每批教师数（每人两条记录）/ New teachers in a batch (two records each).
    #[arg(long, default_value_t = 300)]
    teachers: usize,
    /// 同时上报的学校数 / Batches in flight at once.
    #[arg(long, default_value_t = 200)]
    concurrency: usize,
    /// 改为固定速率（批/秒）/ A fixed rate of batches a second instead.
    #[arg(long)]
    rate: Option<f64>,
    /// 上游进程数（轮询分发）/ taoli-upstream processes behind a round-robin.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    processes: u16,
    /// 每个上游进程的数据库连接池 / Each process's --pool.
    #[arg(long, default_value_t = taoli_upstream::db::DEFAULT_POOL_SIZE)]
    pool: u32,
    /// 开始后这么多秒强行结束一个上游进程 / SIGKILL one process this many seconds into the rush.
    #[arg(long, value_name = "SECONDS")]
    kill_one_after: Option<f64>,
    /// PostgreSQL 连接串（库须已存在）；不给则临时建一个集群 / A PostgreSQL database; a throwaway cluster when absent.
    #[arg(long)]
    db: Option<String>,
    /// taoli-upstream 程序 / The taoli-upstream binary (default: beside this program).
    #[arg(long)]
    upstream_bin: Option<PathBuf>,
    /// 传给每个 serve 的参数 / An argument for every `serve` (repeat).
    #[arg(long = "upstream-arg", allow_hyphen_values = true)]
    upstream_args: Vec<String>,
    /// 不测 COPY 基准 / Skip the COPY floor.
    #[arg(long)]
    no_floor: bool,
    /// 临时集群不落盘（fsync 关）/ The throwaway cluster without fsync.
    #[arg(long)]
    not_durable: bool,
    /// 每次上报前随机等待的上限（毫秒）/ Each school waits up to this long before each batch.
    #[arg(long, default_value_t = 50)]
    jitter_ms: u64,
    /// 放弃前的尝试次数 / Attempts before a batch is given up.
    #[arg(long, default_value_t = 40)]
    attempts: u32,
    /// 内容的随机种子 / Seeds the teachers' content.
    #[arg(long, default_value_t = 20260331)]
    seed: u64,
    /// 上游日志目录 / Where the upstreams' logs go (kept).
    #[arg(long)]
    log_dir: Option<PathBuf>,
    /// 只输出 JSON 一行 / Print the JSON line only.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut cluster = pgcluster::Options::for_measurement();
    cluster.durable = !cli.not_durable;
    let config = taoli_rush::Config {
        schools: cli.schools,
        batches_per_school: cli.batches_per_school,
        teachers: cli.teachers,
        concurrency: cli.concurrency,
        rate: cli.rate,
        processes: usize::from(cli.processes),
        pool: cli.pool,
        kill_one_after: cli
            .kill_one_after
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64),
        upstream_args: cli.upstream_args,
        upstream_bin: cli.upstream_bin,
        database: cli.db,
        cluster,
        floor: !cli.no_floor,
        seed: cli.seed,
        jitter: Duration::from_millis(cli.jitter_ms),
        retry: Retry {
            attempts: cli.attempts,
            ..Retry::default()
        },
        log_dir: cli.log_dir,
    };
    match taoli_rush::run(&config) {
        Ok(report) => {
            if !cli.json {
                print!("{}", report.summary());
            }
            println!("{}", report.json());
            if report.is_clean() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(error) => {
            eprintln!("taoli-rush：{error}");
            ExitCode::from(2)
        }
    }
}
