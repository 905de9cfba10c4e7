//! The record of committed imports (`import_run`) and the column
//! corrections the school remembers (`import_mapping`, used by
//! `learned.rs`): reading them, and the rows the commit (`commit.rs`) and
//! the undo (`undo.rs`) share.

use rusqlite::{OptionalExtension, Row, Transaction};
use serde_json::Value;

use super::learned::Remembered;
use super::{ImportCounts, ImportRun, OnConflict};
use crate::account::Permission;
use crate::error::Result;
use crate::import::Imports;
use crate::record::IndicatorRecord;
use crate::teacher::{Teacher, id_type_name};

pub(super) const RUN_COLUMNS: &str = "id, at, actor, file_name, sheets, on_conflict, counts, teachers_created, records_written, undone_at, undone_by, first_revision, last_revision, audit_entry";

/// How an import's writes are recorded on the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Recorded {
    /// As one entry holding its change set (`store/change_sets.rs`): the
    /// entry's id.
    ChangeSet(i64),
    /// As a revision per written row, `first..=last` (imports committed
    /// before change sets, schema 12 and older).
    Revisions(i64, i64),
    /// Nothing was written.
    Nothing,
}

pub(super) fn run_from_row(r: &Row<'_>) -> rusqlite::Result<(ImportRun, Recorded)> {
    let json = |i: usize| -> rusqlite::Result<Value> {
        let text: String = r.get(i)?;
        serde_json::from_str(&text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    let counts = json(6)?;
    let count = |k: &str| counts.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
    let on_conflict: String = r.get(5)?;
    Ok((
        ImportRun {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            file_name: r.get(3)?,
            sheets: serde_json::from_value(json(4)?).unwrap_or_default(),
            on_conflict: if on_conflict == "take" {
                OnConflict::Take
            } else {
                OnConflict::Keep
            },
            counts: ImportCounts {
                total: count("total"),
                new: count("new"),
                update: count("update"),
                unchanged: count("unchanged"),
                refused: count("refused"),
            },
            teachers_created: r.get::<_, i64>(7)? as usize,
            records_written: r.get::<_, i64>(8)? as usize,
            undone_at: r.get(9)?,
            undone_by: r.get(10)?,
        },
        match (r.get(13)?, r.get(11)?, r.get(12)?) {
            (Some(entry), _, _) => Recorded::ChangeSet(entry),
            (None, Some(first), Some(last)) => Recorded::Revisions(first, last),
            _ => Recorded::Nothing,
        },
    ))
}

pub(super) fn teacher_json(
    id: &str,
    name: &str,
    id_type: &str,
    id_number: &str,
    version: i64,
    created_at: &str,
    updated_at: &str,
) -> Result<Value> {
    Ok(serde_json::to_value(Teacher {
        id: id.to_owned(),
        name: name.to_owned(),
        id_type: id_type.to_owned(),
        id_type_name: id_type_name(id_type),
        id_number: id_number.to_owned(),
        version,
        created_at: created_at.to_owned(),
        updated_at: updated_at.to_owned(),
    })?)
}

pub(super) fn record_by_id(tx: &Transaction<'_>, id: &str) -> Result<Option<IndicatorRecord>> {
    Ok(tx
        .prepare_cached(
            "SELECT id, teacher_id, group_code, row_order, fields, version, updated_at FROM record WHERE id = ?1",
        )?
        .query_row([id], |r| {
            let fields: String = r.get(4)?;
            Ok(IndicatorRecord {
                id: r.get(0)?,
                teacher_id: r.get(1)?,
                group_code: r.get(2)?,
                row_order: r.get(3)?,
                fields: serde_json::from_str(&fields).unwrap_or_default(),
                version: r.get(5)?,
                updated_at: r.get(6)?,
            })
        })
        .optional()?)
}

impl Imports<'_> {
    /// The column corrections the school remembers, newest first: what
    /// [`Remembered::apply`] gives a later roster, for the same header layout
    /// or by header name (`import/learned.rs`). Targets no longer in the
    /// school's catalog (after a province pack change) are left out.
    pub fn remembered_choices(&self) -> Result<Remembered> {
        self.school.require(Permission::Import)?;
        let effective = self.school.effective_catalog()?;
        let mut stmt = self.school.conn.prepare(
            "SELECT layout, header, target FROM import_mapping ORDER BY at DESC, layout, header",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Remembered::new(&effective, rows))
    }

    /// Every committed import, newest first.
    pub fn runs(&self) -> Result<Vec<ImportRun>> {
        self.school.require(Permission::Import)?;
        let mut stmt = self.school.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM import_run ORDER BY at DESC, id DESC"
        ))?;
        let rows = stmt.query_map([], run_from_row)?;
        Ok(rows
            .map(|r| r.map(|(run, _)| run))
            .collect::<rusqlite::Result<_>>()?)
    }
}
