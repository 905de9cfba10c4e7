//! The audit trail (操作痕迹) as the clerk and an inspector read it: the
//! 操作记录 page's queries, its labels and its CSV (`log.rs`), and what an
//! import wrote for each teacher, read from its change set (`imported.rs`).
//!
//! The chain itself (each entry's hash, `Audit::verify`) is the store's
//! (`store/audit.rs`): this module only reads the revisions it wrote.

mod imported;
mod log;

pub use log::{Audit, AuditChange, AuditEntry, AuditPage, AuditQuery, audit_file_name};
