//! What a rush measured and found: counted as it runs ([`Counters`]),
//! summed up at the end ([`Report`]), said for people (Chinese first) and
//! as one JSON line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

/// What went wrong on the way, by kind, and how often the clients tried
/// again. Shared by every school's task.
#[derive(Debug, Default)]
pub struct Counters {
    /// A request that got no answer: refused or broken connection, timeout.
    pub link: AtomicU64,
    /// A refused connection the round-robin passed on to the next
    /// upstream (the school never saw it).
    pub failed_over: AtomicU64,
    /// A `5xx` answer.
    pub server_error: AtomicU64,
    /// `409 offset_mismatch`: resumed from the `Upload-Offset` it named.
    pub offset_mismatch: AtomicU64,
    /// `429`: waited as `Retry-After` said.
    pub too_many_requests: AtomicU64,
    /// Requests sent again (after any of the above).
    pub retries: AtomicU64,
    /// Refusals for good, and answers the client could not believe
    /// (`receipt_invalid`, `malformed_response`), by code.
    refused: Mutex<BTreeMap<String, u64>>,
}

impl Counters {
    pub fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn refused(&self, code: &str) {
        let mut refused = self
            .refused
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = refused.entry(code.to_owned()).or_insert(0);
        *n = n.saturating_add(1);
    }

    pub fn errors(&self) -> Errors {
        Errors {
            link: self.link.load(Ordering::Relaxed),
            failed_over: self.failed_over.load(Ordering::Relaxed),
            server_error: self.server_error.load(Ordering::Relaxed),
            offset_mismatch: self.offset_mismatch.load(Ordering::Relaxed),
            too_many_requests: self.too_many_requests.load(Ordering::Relaxed),
            refused: self
                .refused
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
        }
    }
}

/// The errors met, by kind. Only `refused` loses a batch; the others were
/// retried.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Errors {
    pub link: u64,
    pub failed_over: u64,
    pub server_error: u64,
    pub offset_mismatch: u64,
    pub too_many_requests: u64,
    pub refused: BTreeMap<String, u64>,
}

/// Upload latency (manifest `POST` to verified receipt), in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    /// The percentiles of `samples` (nearest rank).
    pub fn of(samples: &mut [Duration]) -> Latency {
        samples.sort_unstable();
        let at = |q: f64| -> f64 {
            if samples.is_empty() {
                return 0.0;
            }
            let last = samples.len().saturating_sub(1);
            // Nearest rank: ceil(q·n) − 1, within the samples.
            let rank = (q * samples.len() as f64).ceil() as usize;
            let i = rank.saturating_sub(1).min(last);
            samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Latency {
            p50_ms: at(0.50),
            p90_ms: at(0.90),
            p99_ms: at(0.99),
            max_ms: at(1.0),
        }
    }
}

/// What the database holds against what the schools sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Batches the schools sent (and hold receipts for).
    pub sent: u64,
    /// Batches the database holds received exactly once, by id and by
    /// school and sequence, with every record once.
    pub exactly_once: u64,
    /// Sent batches the database does not hold received.
    pub lost: u64,
    /// Batches held more than once (a school's sequence taken twice, a
    /// record stored twice) or held without having been sent.
    pub duplicated: u64,
    /// Receipts the schools hold that verify with the upstream's key and
    /// against their manifests.
    pub receipts_verified: u64,
    /// Of them, byte for byte the receipt the database keeps.
    pub receipts_match_database: u64,
    pub records_expected: u64,
    pub records_stored: u64,
    /// Connections to the rush's database left after every upstream
    /// stopped, other than the checker's own.
    pub database_connections_left: u64,
    /// The clients' TCP connections to the upstreams still open after the
    /// rush (None where the system cannot tell).
    pub client_connections_left: Option<u64>,
    /// Upstream processes that did not end by themselves on SIGINT.
    pub upstreams_killed_at_stop: u64,
}

impl Verification {
    /// Nothing lost, nothing twice, every receipt good, nothing left open.
    pub fn is_clean(&self) -> bool {
        self.lost == 0
            && self.duplicated == 0
            && self.exactly_once == self.sent
            && self.receipts_verified == self.sent
            && self.receipts_match_database == self.sent
            && self.records_stored == self.records_expected
            && self.database_connections_left == 0
            && self.client_connections_left.unwrap_or(0) == 0
            && self.upstreams_killed_at_stop == 0
    }
}

/// PostgreSQL alone ingesting the same rows with COPY, in the same run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Floor {
    pub batch_rows: u64,
    pub record_rows: u64,
    pub copy_seconds: f64,
    /// The rush's wall time over the COPY's.
    pub ratio: f64,
}

/// What the rush's rows take on disk (tables with their indexes and
/// TOAST), before the floor's tables are made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Storage {
    pub batch_bytes: u64,
    pub batch_record_bytes: u64,
    pub database_bytes: u64,
    /// `batch` and `batch_record` over the batches received.
    pub bytes_per_batch: u64,
}

/// CPU seconds each party used during the rush (Linux; None where
/// unknown): the upstream processes (until stopped or killed), the
/// PostgreSQL server (only a cluster the rush started), and the load
/// generator itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cpu {
    pub upstreams_seconds: Option<f64>,
    pub postgres_seconds: Option<f64>,
    pub generator_seconds: Option<f64>,
}

/// One statement's share of the database's time (`pg_stat_statements`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub query: String,
    pub calls: u64,
    pub total_ms: f64,
    pub mean_ms: f64,
}

/// Everything a rush measured and found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub schools: u64,
    pub batches_per_school: u64,
    pub teachers_per_batch: u64,
    pub records_per_batch: u64,
    pub payload_bytes_mean: u64,
    pub concurrency: u64,
    pub processes: u64,
    pub pool_per_process: u64,
    pub rate_per_second: Option<f64>,
    pub killed_after_seconds: Option<f64>,
    pub durable: bool,
    pub enroll_seconds: f64,
    pub rush_seconds: f64,
    pub batches_accepted: u64,
    pub batches_per_minute: f64,
    pub latency: Latency,
    pub errors: Errors,
    pub retries: u64,
    /// Batches given up on after every retry (counted as lost too).
    pub gave_up: u64,
    pub verification: Verification,
    pub storage: Storage,
    pub cpu: Cpu,
    pub floor: Option<Floor>,
    pub top_statements: Vec<Statement>,
}

impl Report {
    /// Whether the rush kept every batch exactly once with nothing refused
    /// and nothing left open.
    pub fn is_clean(&self) -> bool {
        self.verification.is_clean() && self.errors.refused.is_empty() && self.gave_up == 0
    }

    /// One JSON line.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// For people, Chinese first.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let v = &self.verification;
        let e = &self.errors;
        let _ = writeln!(
            s,
            "学校 {} 所，每校 {} 批，每批 {} 名教师（{} 条记录，压缩后平均 {} 字节）/ schools, batches each, teachers and records a batch",
            self.schools,
            self.batches_per_school,
            self.teachers_per_batch,
            self.records_per_batch,
            self.payload_bytes_mean
        );
        let mode = match self.rate_per_second {
            Some(rate) => format!("固定速率 {rate}/秒 / fixed rate per second"),
            None => format!("同时上报 {} 所 / concurrent schools", self.concurrency),
        };
        let _ = writeln!(
            s,
            "{mode}；上游进程 {} 个，每个连接池 {}；{} / upstream processes, pool each",
            self.processes,
            self.pool_per_process,
            if self.durable {
                "PostgreSQL 持久化（fsync 开）/ durable"
            } else {
                "PostgreSQL 不落盘（fsync 关）/ not durable"
            }
        );
        if let Some(after) = self.killed_after_seconds {
            let _ = writeln!(
                s,
                "第 {after:.1} 秒强行结束了一个上游进程（SIGKILL）/ one upstream killed"
            );
        }
        let _ = writeln!(
            s,
            "登记用时 {:.1} 秒 / enrollment; 上报用时 {:.1} 秒，收到 {} 批，每分钟 {:.0} 批 / rush wall time, accepted, per minute",
            self.enroll_seconds, self.rush_seconds, self.batches_accepted, self.batches_per_minute
        );
        let l = &self.latency;
        let _ = writeln!(
            s,
            "上报延迟（清单到回执）/ upload latency: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms
        );
        let _ = writeln!(
            s,
            "出错 / errors: 连接 link {}, 转到另一进程 failed over {}, 5xx {}, offset_mismatch {}, 429 {}, 拒收 refused {:?}；重试 retries {}，放弃 gave up {}",
            e.link,
            e.failed_over,
            e.server_error,
            e.offset_mismatch,
            e.too_many_requests,
            e.refused,
            self.retries,
            self.gave_up
        );
        let _ = writeln!(
            s,
            "核对数据库 / checked: 发出 sent {}，恰好一次 exactly once {}，丢失 lost {}，重复 duplicated {}；回执验证通过 receipts verified {}，与库中一致 same as stored {}；记录 records {}/{}",
            v.sent,
            v.exactly_once,
            v.lost,
            v.duplicated,
            v.receipts_verified,
            v.receipts_match_database,
            v.records_stored,
            v.records_expected
        );
        let _ = writeln!(
            s,
            "结束后遗留连接 / left open: 数据库 database {}，客户端 clients {}，未按 SIGINT 退出的上游 upstreams killed at stop {}",
            v.database_connections_left,
            v.client_connections_left
                .map_or_else(|| "?".to_owned(), |n| n.to_string()),
            v.upstreams_killed_at_stop
        );
        let show = |v: Option<f64>| v.map_or_else(|| "?".to_owned(), |v| format!("{v:.0}"));
        let _ = writeln!(
            s,
            "上报期间的 CPU 秒 / CPU seconds during the rush: 上游 upstreams {}，PostgreSQL {}，压测程序 generator {}（墙钟 wall {:.0} 秒）",
            show(self.cpu.upstreams_seconds),
            show(self.cpu.postgres_seconds),
            show(self.cpu.generator_seconds),
            self.rush_seconds
        );
        let st = &self.storage;
        let _ = writeln!(
            s,
            "占用空间 / on disk: batch {:.1} MB，batch_record {:.1} MB，每批 {:.1} KB / per batch；整库 database {:.1} MB",
            st.batch_bytes as f64 / 1e6,
            st.batch_record_bytes as f64 / 1e6,
            st.bytes_per_batch as f64 / 1e3,
            st.database_bytes as f64 / 1e6
        );
        if let Some(f) = &self.floor {
            let _ = writeln!(
                s,
                "COPY 基准 / the COPY floor: {} 批 + {} 条记录用时 {:.1} 秒；上报用时是它的 {:.2} 倍 / rush time over COPY time",
                f.batch_rows, f.record_rows, f.copy_seconds, f.ratio
            );
        }
        if !self.top_statements.is_empty() {
            let _ = writeln!(s, "数据库用时最多的语句 / where the database's time went:");
            for t in &self.top_statements {
                let _ = writeln!(
                    s,
                    "  {:>10.0} ms {:>9} 次 calls {:>8.3} ms  {}",
                    t.total_ms, t.calls, t.mean_ms, t.query
                );
            }
        }
        let _ = writeln!(
            s,
            "{}",
            if self.is_clean() {
                "结果：每一批恰好一次，无丢失、无重复、无遗留连接 / every batch exactly once"
            } else {
                "结果：未通过核对 / the checks FAILED"
            }
        );
        s
    }
}
