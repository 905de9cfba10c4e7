#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The deadline rush in the test command (issue #18), against this crate's
//! own `taoli-upstream` binary (the `taoli-rush` crate drives real `serve`
//! processes, and only this crate's tests can ask cargo for its binary):
//! a soak at a fixed rate, modelled on ODK Central's, and a rush through
//! two processes over one PostgreSQL database with one killed mid-way.
//! The full-size figures are `taoli-rush`'s (docs/benchmarks.md).

use std::path::PathBuf;
use std::time::Duration;

use taoli_rush::{Config, Report};

/// A rush of this binary over a fresh database of the test cluster, no
/// COPY floor.
fn config() -> Config {
    Config {
        upstream_bin: Some(PathBuf::from(env!("CARGO_BIN_EXE_taoli-upstream"))),
        database: Some(support_database()),
        floor: false,
        ..Config::default()
    }
}

fn support_database() -> String {
    taoli_rush::pgcluster::shared()
        .and_then(|c| c.fresh_database())
        .expect("the test PostgreSQL")
}

fn run(config: &Config) -> Report {
    // The rush runs blocking store work and a runtime of its own.
    let report = taoli_rush::run(config).expect("the rush ran");
    println!("{}", report.summary());
    report
}

/// Every batch sent is held exactly once, each record once, and every
/// receipt the schools hold verifies with the upstream key and is the
/// one stored; nothing was refused or given up.
fn assert_exactly_once(report: &Report, batches: u64) {
    let v = &report.verification;
    assert_eq!(v.sent, batches, "{report:?}");
    assert_eq!(report.batches_accepted, batches, "{report:?}");
    assert_eq!(v.exactly_once, batches, "{report:?}");
    assert_eq!((v.lost, v.duplicated), (0, 0), "{report:?}");
    assert_eq!(v.receipts_verified, batches, "{report:?}");
    assert_eq!(v.receipts_match_database, batches, "{report:?}");
    assert_eq!(v.records_stored, v.records_expected, "{report:?}");
    assert!(report.errors.refused.is_empty(), "{report:?}");
    assert_eq!(report.gave_up, 0, "{report:?}");
}

/// After the upstreams stopped: no connection of theirs left in
/// `pg_stat_activity`, no socket of the clients left open, and every
/// process ended by itself on SIGINT.
fn assert_nothing_left_open(report: &Report) {
    let v = &report.verification;
    assert_eq!(v.database_connections_left, 0, "{report:?}");
    assert_eq!(v.client_connections_left, Some(0), "{report:?}");
    assert_eq!(v.upstreams_killed_at_stop, 0, "{report:?}");
}

/// ODK Central's soak holds 50 small submissions a second for 30 s
/// against a release build. This one holds 10 batches a second (20
/// records each) for 30 s against a debug build on a 2-core machine that
/// other builds share: a debug upstream spends about 0.05 s of CPU on a
/// 100-record batch (`taoli-rush`'s CPU count), so 10 a second of 20
/// records takes a small part of one core, and a busy machine does not make
/// the test flaky. The release figures at full size are in
/// docs/benchmarks.md.
#[test]
fn a_thirty_second_soak_at_ten_batches_a_second_keeps_every_batch_exactly_once_and_leaves_nothing_open()
 {
    let config = Config {
        schools: 300,
        batches_per_school: 1,
        teachers: 10,
        rate: Some(10.0),
        concurrency: 300,
        ..config()
    };
    let report = run(&config);
    assert_exactly_once(&report, 300);
    assert_nothing_left_open(&report);
    // It ran at the rate, for the 30 s (the last batch starts at 29.9 s).
    assert!(report.rush_seconds >= 29.9, "{report:?}");
}

#[test]
fn a_rush_through_two_upstreams_with_one_killed_mid_rush_keeps_every_batch_exactly_once() {
    let config = Config {
        schools: 20,
        batches_per_school: 5,
        teachers: 10,
        // 100 batches over 5 s, so the kill at 2 s falls mid-rush.
        rate: Some(20.0),
        concurrency: 20,
        processes: 2,
        kill_one_after: Some(Duration::from_secs(2)),
        ..config()
    };
    let report = run(&config);
    assert!(report.killed_after_seconds.is_some(), "{report:?}");
    // Requests met the dead process (broken mid-request, or refused and
    // passed on by the round-robin) and were taken by the other.
    assert!(
        report.errors.link + report.errors.failed_over > 0,
        "{report:?}"
    );
    assert_exactly_once(&report, 100);
    assert_nothing_left_open(&report);
}
