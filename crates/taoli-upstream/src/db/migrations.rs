//! The migrations of both engines, from the files in `migrations/`, and
//! the one way they are applied: in order, each in the transaction that
//! records it in `schema_migration`, under a lock so two processes
//! migrating at once apply each migration once.

use crate::db::sql::{Migration, Tx, args};
use crate::error::{Error, Result};

pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_batches",
        sql: include_str!("../../migrations/sqlite/0001_batches.sql"),
    },
    Migration {
        version: 2,
        name: "0002_console",
        sql: include_str!("../../migrations/sqlite/0002_console.sql"),
    },
    Migration {
        version: 3,
        name: "0003_notices",
        sql: include_str!("../../migrations/sqlite/0003_notices.sql"),
    },
    Migration {
        version: 4,
        name: "0004_review_levels",
        sql: include_str!("../../migrations/sqlite/0004_review_levels.sql"),
    },
    Migration {
        version: 5,
        name: "0005_rush",
        sql: include_str!("../../migrations/sqlite/0005_rush.sql"),
    },
    Migration {
        version: 6,
        name: "0006_teacher_columns",
        sql: include_str!("../../migrations/sqlite/0006_teacher_columns.sql"),
    },
];

pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_batches",
        sql: include_str!("../../migrations/postgres/0001_batches.sql"),
    },
    Migration {
        version: 2,
        name: "0002_console",
        sql: include_str!("../../migrations/postgres/0002_console.sql"),
    },
    Migration {
        version: 3,
        name: "0003_notices",
        sql: include_str!("../../migrations/postgres/0003_notices.sql"),
    },
    Migration {
        version: 4,
        name: "0004_review_levels",
        sql: include_str!("../../migrations/postgres/0004_review_levels.sql"),
    },
    Migration {
        version: 5,
        name: "0005_rush",
        sql: include_str!("../../migrations/postgres/0005_rush.sql"),
    },
    Migration {
        version: 6,
        name: "0006_teacher_columns",
        sql: include_str!("../../migrations/postgres/0006_teacher_columns.sql"),
    },
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migration (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// The migrations of `all` that `tx`'s database has not applied. A database
/// that has applied one this build does not know was migrated by a newer
/// `taoli-upstream`, and is refused.
pub(crate) fn pending(tx: &mut dyn Tx, all: &'static [Migration]) -> Result<Vec<Migration>> {
    tx.execute(LEDGER, &[])?;
    let applied: Vec<i64> = tx
        .query("SELECT version FROM schema_migration ORDER BY version", &[])?
        .iter()
        .map(|row| row.int(0))
        .collect::<Result<_>>()?;
    if let Some(newer) = applied
        .iter()
        .find(|v| !all.iter().any(|m| m.version == **v))
    {
        return Err(Error::DatabaseNewer { version: *newer });
    }
    Ok(all
        .iter()
        .filter(|m| !applied.contains(&m.version))
        .copied()
        .collect())
}

/// Applies the pending migrations of `all`; their names.
pub(crate) fn apply(tx: &mut dyn Tx, all: &'static [Migration]) -> Result<Vec<&'static str>> {
    tx.lock("schema_migration")?;
    let mut names = Vec::new();
    for migration in pending(tx, all)? {
        tx.execute_script(migration.sql)?;
        tx.execute(
            "INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)",
            args![migration.version, migration.name, taoli_protocol::now()],
        )?;
        names.push(migration.name);
    }
    Ok(names)
}
