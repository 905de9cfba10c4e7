#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! The upload fault campaign, long (docs/reliability.md, "Upload fault
//! campaign"): the same runs as `tests/upload_faults.rs`, as many as asked,
//! printing the faults injected by kind and the totals (runs, batches,
//! held exactly once, lost, duplicated). Exits 1 if any run failed.
//!
//! ```sh
//! cargo bench -p taoli-cli --bench upload_faults -- --runs 1000 --seed 1
//! ```

#[path = "../../taoli-core/tests/support/upstream.rs"]
mod upstream;

#[path = "../tests/support/upload_faults.rs"]
mod campaign;

use std::path::Path;
use std::time::Instant;

use campaign::{Start, Totals, campaign};

fn main() {
    let mut runs = 1000u64;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs),
            "--seed" => seed = args.next().and_then(|n| n.parse().ok()).unwrap_or(seed),
            // `cargo bench` passes --bench; other flags are not ours.
            _ => {}
        }
    }
    let started = Instant::now();
    let start = Start::new(Path::new(env!("CARGO_BIN_EXE_taoli")));
    let mut totals = Totals::default();
    // In pieces of 100 runs, each from its own seed, with progress between.
    let mut done = 0;
    while done < runs {
        let piece = (runs - done).min(100);
        campaign(&start, piece, seed.wrapping_add(done), &mut totals);
        done += piece;
        eprintln!(
            "{done} runs, {:.0?}: {} batches, {} held exactly once, {} lost, {} duplicated, {} failed",
            started.elapsed(),
            totals.batches,
            totals.held_exactly_once,
            totals.lost,
            totals.duplicated,
            totals.failures.len()
        );
    }
    totals.print(started.elapsed());
    if !totals.failures.is_empty() || totals.lost > 0 || totals.duplicated > 0 {
        std::process::exit(1);
    }
}
