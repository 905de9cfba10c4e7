//! `taoli-rush`: the deadline rush (issue #18). Simulated schools enroll
//! with one-time codes and upload signed batches of 300 teachers to real
//! `taoli-upstream serve` processes over one PostgreSQL database, as in
//! the last day before 31 March: many at once or at a fixed rate, with
//! retries, backoff and jitter, through a round-robin over one or more
//! processes, one of which may be killed mid-rush. Afterwards the database
//! is checked (every batch exactly once, every receipt good, no connection
//! left open) and PostgreSQL alone ingests the same rows with COPY, the
//! floor the rush is compared with (docs/benchmarks.md, docs/scaling.md).
//!
//! [`pgcluster`] is the throwaway PostgreSQL cluster the rush runs over,
//! which the upstream's tests share too.

// Unit tests may index and count freely (docs/reliability.md, "Lints");
// the non-test build of this crate is linted in full.
#![cfg_attr(
    test,
    allow(
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::arithmetic_side_effects,
        clippy::unwrap_used
    )
)]

pub mod check;
pub mod client;
pub mod error;
pub mod floor;
pub mod pgcluster;
pub mod report;
pub mod roster;
pub mod rush;
pub mod upstreams;

pub use error::{Error, Result};
pub use report::Report;
pub use rush::{Config, run};
