//! The `warning_reason` table: written reasons for accepted warnings, read and
//! written on a transaction. Explaining a warning (which warnings may be
//! explained, by whom) belongs to the validation feature, which calls down here.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction};

use super::SchoolFile;
use crate::error::Result;

/// Reasons by teacher, keyed by (rule, record, field): the key the
/// validation engine gives each of its problems.
pub type WarningReasons = HashMap<String, HashMap<(String, String, String), String>>;

/// A written reason, as a row of the table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WarningReasonRow<'a> {
    pub(crate) teacher_id: &'a str,
    pub(crate) rule: &'a str,
    pub(crate) record_key: &'a str,
    pub(crate) field: &'a str,
    pub(crate) reason: &'a str,
    pub(crate) actor: &'a str,
    pub(crate) at: &'a str,
}

/// Keeps a reason, replacing an earlier one for the same warning.
pub(crate) fn put_warning_reason(tx: &Transaction<'_>, row: &WarningReasonRow<'_>) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO warning_reason (teacher_id, rule, record_key, field, reason, actor, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (
            row.teacher_id,
            row.rule,
            row.record_key,
            row.field,
            row.reason,
            row.actor,
            row.at,
        ),
    )?;
    Ok(())
}

/// Every stored reason.
pub(crate) fn warning_reasons(conn: &Connection) -> Result<WarningReasons> {
    let mut stmt =
        conn.prepare("SELECT teacher_id, rule, record_key, field, reason FROM warning_reason")?;
    let mut out = WarningReasons::new();
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            (r.get(1)?, r.get(2)?, r.get(3)?),
            r.get::<_, String>(4)?,
        ))
    })?;
    for row in rows {
        let (teacher, key, reason) = row?;
        out.entry(teacher).or_default().insert(key, reason);
    }
    Ok(out)
}

impl SchoolFile {
    /// Every stored reason, without a permission check: for the features
    /// that show warnings to whoever may already see them.
    pub(crate) fn stored_warning_reasons(&self) -> Result<WarningReasons> {
        warning_reasons(&self.conn)
    }
}
