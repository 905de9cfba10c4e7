//! Table access for values waiting for the clerk (待修正, `pending_value`).
//! What they mean and who may clear them: [`crate::pending`].

use rusqlite::{OptionalExtension, Transaction};

use crate::error::Result;
use crate::pending::PendingValue;

/// One row to keep.
pub(crate) struct NewPending<'a> {
    pub teacher_id: &'a str,
    pub group: &'a str,
    pub field: &'a str,
    pub raw: &'a str,
    pub problem: &'a str,
    pub source: &'a str,
}

pub(crate) fn insert(
    tx: &Transaction<'_>,
    row: &NewPending<'_>,
    import_id: Option<&str>,
    at: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO pending_value (id, teacher_id, group_code, field_code, raw, problem, source, import_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute((
        uuid::Uuid::now_v7().to_string(),
        row.teacher_id,
        row.group,
        row.field,
        row.raw,
        row.problem,
        row.source,
        import_id,
        at,
    ))?;
    Ok(())
}

pub(crate) fn delete_for_import(tx: &Transaction<'_>, import_id: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM pending_value WHERE import_id = ?1",
        [import_id],
    )?;
    Ok(())
}

const COLUMNS: &str =
    "id, teacher_id, group_code, field_code, raw, problem, source, import_id, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingValue> {
    Ok(PendingValue {
        id: r.get(0)?,
        teacher_id: r.get(1)?,
        group: r.get(2)?,
        field: r.get(3)?,
        raw: r.get(4)?,
        problem: r.get(5)?,
        source: r.get(6)?,
        import_id: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// Every value not cleared, oldest first; of one teacher when given.
pub(crate) fn open(
    conn: &rusqlite::Connection,
    teacher_id: Option<&str>,
) -> Result<Vec<PendingValue>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM pending_value
         WHERE cleared_at IS NULL AND (?1 IS NULL OR teacher_id = ?1)
         ORDER BY created_at, rowid"
    ))?;
    let rows = stmt
        .query_map([teacher_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn get(tx: &Transaction<'_>, id: &str) -> Result<Option<PendingValue>> {
    Ok(tx
        .query_row(
            &format!("SELECT {COLUMNS} FROM pending_value WHERE id = ?1 AND cleared_at IS NULL"),
            [id],
            from_row,
        )
        .optional()?)
}

pub(crate) fn clear(tx: &Transaction<'_>, id: &str, at: &str, by: &str) -> Result<()> {
    tx.execute(
        "UPDATE pending_value SET cleared_at = ?2, cleared_by = ?3 WHERE id = ?1",
        (id, at, by),
    )?;
    Ok(())
}

impl super::SchoolFile {
    /// Every open 待修正 value (of one teacher when given), unmasked.
    pub(crate) fn stored_pending(&self, teacher_id: Option<&str>) -> Result<Vec<PendingValue>> {
        open(&self.conn, teacher_id)
    }

    /// Marks one open value cleared by `by`; false when there is none by that id.
    pub(crate) fn clear_stored_pending(&mut self, id: &str, at: &str, by: &str) -> Result<bool> {
        self.write(|tx| {
            if get(tx, id)?.is_none() {
                return Ok(false);
            }
            clear(tx, id, at, by)?;
            Ok(true)
        })
    }
}
