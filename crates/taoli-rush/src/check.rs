//! After the rush: what the database holds against what the schools sent
//! and the receipts they hold, and what was left open.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use postgres::Client;
use taoli_protocol::{PublicKey, SignedReceipt, SigningKey, sha256_hex};

use crate::error::{Error, Result};
use crate::report::{Statement, Verification};
use crate::roster::Batch;

/// A batch the rush planned, and the receipt its school holds (None when
/// the school never got one).
#[derive(Debug)]
pub struct Sent<'a> {
    pub batch: &'a Batch,
    pub pinned: &'a PublicKey,
    pub receipt: Option<&'a [u8]>,
}

/// Compares the database with what was sent: every planned batch received
/// exactly once (by batch id, and by school and sequence), each of its
/// records once, each receipt the schools hold verified with the pinned
/// upstream key (which must be the database's own receipt key) and byte
/// for byte the one stored. Fills in everything but what was left open.
pub fn verify(client: &mut Client, sent: &[Sent<'_>]) -> Result<Verification> {
    let secret: Vec<u8> = client
        .query_one("SELECT secret FROM server_key WHERE id = 1", &[])?
        .try_get(0)?;
    let upstream_key = SigningKey::from_bytes(&secret)?.public_key();

    struct Held {
        school: String,
        sequence: i64,
        receipt_sha256: Option<String>,
    }
    let mut held: HashMap<String, Held> = HashMap::new();
    for row in client.query(
        "SELECT batch_id, school, sequence, encode(sha256(receipt), 'hex')
         FROM batch WHERE state = 'received'",
        &[],
    )? {
        held.insert(
            row.try_get(0)?,
            Held {
                school: row.try_get(1)?,
                sequence: row.try_get(2)?,
                receipt_sha256: row.try_get(3)?,
            },
        );
    }
    let mut records: HashMap<String, (i64, i64)> = HashMap::new();
    for row in client.query(
        "SELECT batch_id, count(*), count(DISTINCT record) FROM batch_record GROUP BY batch_id",
        &[],
    )? {
        records.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
    }
    let twice: i64 = client
        .query_one(
            "SELECT count(*) FROM (SELECT school, sequence FROM batch WHERE state = 'received'
             GROUP BY school, sequence HAVING count(*) > 1) AS t",
            &[],
        )?
        .try_get(0)?;

    let mut v = Verification {
        sent: sent.len() as u64,
        duplicated: u64::try_from(twice).unwrap_or(0),
        ..Verification::default()
    };
    let planned: HashSet<&str> = sent.iter().map(|s| s.batch.id.as_str()).collect();
    // Received batches nobody sent.
    v.duplicated = v.duplicated.saturating_add(
        held.keys()
            .filter(|id| !planned.contains(id.as_str()))
            .count() as u64,
    );
    for (id, (all, distinct)) in &records {
        if all != distinct || !planned.contains(id.as_str()) {
            v.duplicated = v.duplicated.saturating_add(1);
        }
        if planned.contains(id.as_str()) {
            v.records_stored = v
                .records_stored
                .saturating_add(u64::try_from(*distinct).unwrap_or(0));
        }
    }
    for s in sent {
        let manifest = &s.batch.manifest;
        v.records_expected = v.records_expected.saturating_add(manifest.record_count);
        if let Some(receipt) = s.receipt {
            let good = s.pinned.key_id() == upstream_key.key_id()
                && SignedReceipt::decode(receipt)
                    .and_then(|r| r.verify_for(s.pinned, manifest))
                    .is_ok();
            if good {
                v.receipts_verified = v.receipts_verified.saturating_add(1);
            }
        }
        let Some(h) = held.get(&s.batch.id) else {
            v.lost = v.lost.saturating_add(1);
            continue;
        };
        if let (Some(receipt), Some(stored)) = (s.receipt, &h.receipt_sha256)
            && sha256_hex(receipt) == *stored
        {
            v.receipts_match_database = v.receipts_match_database.saturating_add(1);
        }
        let stored = records.get(&s.batch.id).copied().unwrap_or((0, 0));
        let whole =
            u64::try_from(stored.0).ok() == Some(manifest.record_count) && stored.0 == stored.1;
        if h.school == manifest.school
            && u64::try_from(h.sequence).ok() == Some(manifest.sequence)
            && whole
        {
            v.exactly_once = v.exactly_once.saturating_add(1);
        }
    }
    Ok(v)
}

/// Client connections to the checker's database other than its own,
/// waited for up to `patience` to go (a backend notices its client is gone
/// on its next read). PostgreSQL's own workers are not connections: after
/// millions of rows an autovacuum worker is busy on the tables for a while,
/// and `pg_stat_activity` lists it under the database.
pub fn connections_left(client: &mut Client, patience: Duration) -> Result<u64> {
    let started = Instant::now();
    loop {
        let n: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND backend_type = 'client backend'",
                &[],
            )?
            .try_get(0)?;
        if n == 0 || started.elapsed() >= patience {
            return Ok(u64::try_from(n).unwrap_or(0));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// This process's open TCP connections to 127.0.0.1 on `ports` (Linux:
/// its socket descriptors matched with `/proc/self/net/tcp*`); None where
/// the system cannot tell.
pub fn client_connections_to(ports: &[u16]) -> Option<u64> {
    let fds = std::fs::read_dir("/proc/self/fd").ok()?;
    let inodes: HashSet<String> = fds
        .filter_map(|e| {
            let target = std::fs::read_link(e.ok()?.path()).ok()?;
            let text = target.to_str()?;
            text.strip_prefix("socket:[")?
                .strip_suffix(']')
                .map(str::to_owned)
        })
        .collect();
    let mut n = 0u64;
    for table in ["/proc/self/net/tcp", "/proc/self/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let mut fields = line.split_whitespace();
            let remote = fields.nth(2);
            let state = fields.next();
            let inode = fields.nth(5);
            let (Some(remote), Some(state), Some(inode)) = (remote, state, inode) else {
                continue;
            };
            let port = remote
                .rsplit(':')
                .next()
                .and_then(|p| u16::from_str_radix(p, 16).ok());
            // 0A is a listening socket; a closed one has no descriptor.
            if state != "0A" && port.is_some_and(|p| ports.contains(&p)) && inodes.contains(inode) {
                n = n.saturating_add(1);
            }
        }
    }
    Some(n)
}

/// The statements that took the most of the database's time in this
/// database, if `pg_stat_statements` is loaded (empty otherwise).
pub fn top_statements(client: &mut Client, limit: i64) -> Vec<Statement> {
    let rows = client.query(
        "SELECT regexp_replace(query, '\\s+', ' ', 'g'), calls, total_exec_time, mean_exec_time
         FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         ORDER BY total_exec_time DESC LIMIT $1",
        &[&limit],
    );
    let Ok(rows) = rows else {
        return Vec::new();
    };
    rows.iter()
        .filter_map(|r| {
            let query: String = r.try_get(0).ok()?;
            let calls: i64 = r.try_get(1).ok()?;
            Some(Statement {
                query: query.chars().take(110).collect(),
                calls: u64::try_from(calls).unwrap_or(0),
                total_ms: r.try_get(2).ok()?,
                mean_ms: r.try_get(3).ok()?,
            })
        })
        .collect()
}

/// CPU seconds (user and system) process `pid` has used, and with
/// `children` also its children it has waited for (Linux `/proc`; None
/// elsewhere or once it is gone).
pub fn cpu_seconds(pid: u32, children: bool) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's closing parenthesis: state is the
    // 3rd field of the line, utime the 14th, stime 15th, cutime 16th,
    // cstime 17th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|f| f.parse().ok())
        .collect();
    let take = if children { 4 } else { 2 };
    let ticks: u64 = fields.iter().take(take).sum();
    // The kernel reports in USER_HZ, 100 a second on Linux.
    Some(ticks as f64 / 100.0)
}

/// CPU seconds the PostgreSQL server whose postmaster is `pid` has used:
/// the postmaster, the backends it has reaped, and those still running.
pub fn server_cpu_seconds(postmaster: u32) -> Option<f64> {
    let mut total = cpu_seconds(postmaster, true)?;
    let children =
        std::fs::read_to_string(format!("/proc/{postmaster}/task/{postmaster}/children"))
            .unwrap_or_default();
    for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
        total += cpu_seconds(child, false).unwrap_or(0.0);
    }
    Some(total)
}

/// What the upstream's tables take on disk, with their indexes and TOAST.
pub fn storage(client: &mut Client, batches: u64) -> Result<crate::report::Storage> {
    let row = client.query_one(
        "SELECT pg_total_relation_size('batch'), pg_total_relation_size('batch_record'),
                pg_database_size(current_database())",
        &[],
    )?;
    let size = |i: usize| -> Result<u64> {
        let v: i64 = row.try_get(i)?;
        Ok(u64::try_from(v).unwrap_or(0))
    };
    let (batch_bytes, batch_record_bytes) = (size(0)?, size(1)?);
    Ok(crate::report::Storage {
        batch_bytes,
        batch_record_bytes,
        database_bytes: size(2)?,
        bytes_per_batch: batch_bytes
            .saturating_add(batch_record_bytes)
            .checked_div(batches)
            .unwrap_or(0),
    })
}

/// Loads `pg_stat_statements` into the database and empties it, when the
/// server has it preloaded; whether it did.
pub fn reset_statements(client: &mut Client) -> bool {
    client
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();",
        )
        .is_ok()
}

/// A database connection for the checks.
pub fn connect(database: &str) -> Result<Client> {
    Client::connect(database, postgres::NoTls).map_err(Error::from)
}
