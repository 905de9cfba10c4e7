//! `taoli-core`: everything Taoli knows and does, with no UI and no Tauri.
//!
//! The CLI (`taoli-cli`) and the desktop shell (`src-tauri`) only translate
//! between their users and the functions here. See `docs/ARCHITECTURE.md`.

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

pub mod account;
pub mod audit;
pub mod backups;
pub mod batches;
pub mod bindings;
pub mod catalog;
pub mod correction_request;
pub(crate) mod correction_requests;
pub mod derived;
pub mod duplicates;
pub mod entry;
pub mod error;
pub mod export;
pub mod fsio;
pub mod id_derived;
pub mod id_number;
pub mod import;
pub mod panic_report;
pub mod pending;
pub mod protocol;
pub mod recent;
pub mod record;
pub mod recovery;
pub mod revision;
pub mod school;
pub mod search;
pub mod secrets;
pub mod services;
pub mod sheets;
pub mod stats;
pub mod status_changes;
pub mod status_event;
pub mod store;
pub mod teacher;
pub mod teachers;
pub mod text;
mod time;
pub mod validate;
pub mod workbench;
pub mod workspace;

pub use account::{Actor, NewUser, Role, Session};
pub use error::{Error, ErrorKind, ErrorPayload, Locale, Result, SharedLocale};
pub use school::{NewSchool, School};
pub use store::Credentials;
pub use store::SchoolFile;
pub use teacher::{NewTeacher, Teacher};
