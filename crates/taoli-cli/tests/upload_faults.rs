#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! The upload fault campaign, short: 50 seeded runs of a school reporting
//! through a link that cuts requests and answers, answers 500 before and
//! after committing, delivers requests twice and late, delays them,
//! restarts the upstream under them and kills the client, each run checked
//! to end with every batch held upstream exactly once and nothing lost
//! (`tests/support/upload_faults.rs` says how). The long campaign, 1,000
//! runs and more: `cargo bench -p taoli-cli --bench upload_faults`.

#[path = "../../taoli-core/tests/support/upstream.rs"]
mod upstream;

#[path = "support/upload_faults.rs"]
mod campaign;

use std::path::Path;
use std::time::Instant;

use campaign::{Kind, Start, Totals, campaign};

/// The seed of the runs in the test suite.
const SEED: u64 = 0xFA17;

#[test]
fn fifty_runs_of_upload_faults_end_with_every_batch_held_exactly_once_and_nothing_lost() {
    let started = Instant::now();
    let start = Start::new(Path::new(env!("CARGO_BIN_EXE_taoli")));
    let mut totals = Totals::default();
    // TAOLI_UPLOAD_FAULT_RUNS=N runs a longer campaign through the same test
    // (in the debug build; the bench is the release one).
    let runs = std::env::var("TAOLI_UPLOAD_FAULT_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    campaign(&start, runs, SEED, &mut totals);
    totals.print(started.elapsed());
    assert!(totals.failures.is_empty(), "{:#?}", totals.failures);
    assert_eq!((totals.lost, totals.duplicated), (0, 0));
    assert_eq!(totals.held_exactly_once, totals.batches);
    // Every kind of fault was injected (the seed decides how often).
    for kind in [
        Kind::CutRequest,
        Kind::CutResponse,
        Kind::FailBeforeCommit,
        Kind::FailAfterCommit,
        Kind::Duplicate,
        Kind::Late,
        Kind::Delay,
        Kind::Restart,
        Kind::ClientKill,
    ] {
        assert!(
            totals.faults.get(&kind).copied().unwrap_or(0) > 0,
            "no {} injected",
            kind.name()
        );
    }
}
