//! Table access for values waiting for the clerk (待修正, `pending_value`):
//! the writes the import and its undo make in their own transactions. What
//! the rows mean, reading them and who may clear them: [`crate::pending`].

use rusqlite::Transaction;

use crate::error::Result;

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

pub(crate) fn clear(tx: &Transaction<'_>, id: &str, at: &str, by: &str) -> Result<()> {
    tx.execute(
        "UPDATE pending_value SET cleared_at = ?2, cleared_by = ?3 WHERE id = ?1",
        (id, at, by),
    )?;
    Ok(())
}
