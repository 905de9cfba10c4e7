//! The batch protocol `taoli-batch/1` (`docs/protocol.md`): the
//! `taoli-protocol` crate, re-exported so that the rest of the core, the CLI
//! and the app name it `taoli_core::protocol`, plus the one thing about the
//! protocol that is the school's computer's business: the keychain account
//! its signing key is kept under ([`crate::secrets::SigningKeyStore`]).

pub use taoli_protocol::*;

pub use crate::secrets::signing_key_account;
