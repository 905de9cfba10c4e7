//! Versioned schema migrations, one SQL file each.
//!
//! The file's schema version is SQLite's `user_version`. Migrations only ever
//! append to this list; a released migration is never edited.

use rusqlite::{Connection, Transaction};

use crate::error::Result;
use crate::time::now;

#[derive(Debug)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// A step in Rust after the SQL, in the same transaction (what SQL cannot
    /// do, such as hashing).
    pub then: Option<fn(&Transaction<'_>) -> Result<()>>,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("migrations/", $name, ".sql")),
            then: None,
        }
    };
    ($version:literal, $name:literal, then $step:path) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("migrations/", $name, ".sql")),
            then: Some($step),
        }
    };
}

pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_school_and_teachers"),
    migration!(2, "0002_records_and_revisions"),
    migration!(3, "0003_province_pack"),
    migration!(4, "0004_warning_reasons"),
    migration!(5, "0005_imports"),
    migration!(6, "0006_signoffs"),
    migration!(7, "0007_audit_chain", then super::audit::seal_unchained),
    migration!(8, "0008_accounts"),
    migration!(9, "0009_outbox"),
    migration!(10, "0010_recovered_batches"),
    migration!(11, "0011_recovery_code"),
    migration!(12, "0012_pending_values"),
    migration!(13, "0013_import_change_sets", then super::change_sets::add_audit_entry_column),
    migration!(14, "0014_status_events"),
    migration!(15, "0015_school_review"),
    migration!(16, "0016_identity_corrections"),
    migration!(17, "0017_status_writes"),
    migration!(18, "0018_upstream_notices"),
];

/// The schema version this build of Taoli writes.
pub const CURRENT_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings a file at schema version `from` up to [`CURRENT_SCHEMA_VERSION`],
/// every pending migration in one transaction: a crash or a failure halfway
/// leaves the file at `from`, never at a version in between.
pub(crate) fn apply(conn: &mut Connection, from: i64) -> Result<()> {
    let tx = conn.transaction()?;
    for migration in MIGRATIONS.iter().filter(|m| m.version > from) {
        tx.execute_batch(migration.sql)?;
        if let Some(step) = migration.then {
            step(&tx)?;
        }
        tx.execute(
            "INSERT INTO migration_log (version, name, applied_at, taoli_version) VALUES (?1, ?2, ?3, ?4)",
            (migration.version, migration.name, now(), env!("CARGO_PKG_VERSION")),
        )?;
        tx.pragma_update(None, "user_version", migration.version)?;
    }
    tx.commit()?;
    Ok(())
}
