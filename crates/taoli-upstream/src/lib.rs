//! `taoli-upstream`: the reference upstream server for Taoli's batch
//! protocol `taoli-batch/1` (`docs/protocol.md`), and its executable
//! specification.
//!
//! It enrolls schools with one-time codes, verifies and stores signed
//! batches (resumable, idempotent by batch id), signs receipts with its own
//! key (made on first start, kept in its SQLite database), lets a reviewer
//! accept or return records (`review` command, `/review` page), serves the
//! results by cursor, and injects faults for tests ([`Faults`]). The wire
//! types and codecs are `taoli_protocol` (crates/taoli-protocol), shared with the client.

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

pub mod console;
pub mod db;
pub mod error;
pub mod labels;
pub mod limits;
pub mod officer;
pub mod org;
mod review_page;
mod server;
pub mod tls;

pub use db::Db;
pub use error::{Error, Result};
pub use limits::Limits;
pub use server::{Faults, ServeOptions, Server};
pub use tls::TlsFiles;
