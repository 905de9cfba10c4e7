//! Values waiting for the clerk (待修正).
//!
//! A roster cell the import cannot read with certainty — a code not in the
//! table, a date that is not a date — does not cost the teacher their row:
//! the record is imported with that field empty, and the cell's text is kept
//! here with why. Validation reports it as an error until the field is filled
//! (single-record groups) or the clerk clears it; the teacher form lists it
//! beside the field. Undoing the import removes what it kept.

use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;

use crate::account::Permission;
use crate::error::EntryError;
use crate::error::Result;
use crate::store::SchoolFile;

/// One value waiting for the clerk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PendingValue {
    pub id: String,
    pub teacher_id: String,
    /// The information group (信息项) and indicator the value was for.
    pub group: String,
    pub field: String,
    /// The text as the roster had it.
    pub raw: String,
    /// Why it could not be taken.
    pub problem: String,
    /// Where it came from: 「工作表『教师信息』第 12 行 F 列」.
    pub source: String,
    /// The import that kept it.
    pub import_id: Option<String>,
    pub created_at: String,
}

/// The values waiting for the clerk (待修正): reading and clearing them.
///
/// A service of the school file, reached with [`SchoolFile::pending`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Pending<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl Pending<'_> {
    /// The open 待修正 values, of one teacher when given. A role that reads
    /// masked sees that a value is waiting, not its text.
    pub fn values(&self, teacher_id: Option<&str>) -> Result<Vec<PendingValue>> {
        self.school.require(Permission::TeachersView)?;
        let mut values = stored_pending(self.school, teacher_id)?;
        if self.school.masked() {
            for value in &mut values {
                value.raw = "＊＊＊".to_owned();
            }
        }
        Ok(values)
    }

    /// Clears one 待修正 value: the clerk has checked that the field is
    /// right as it is (left empty, or filled in the form).
    pub fn clear(&mut self, id: &str) -> Result<()> {
        let actor = self.school.require(Permission::TeachersEdit)?;
        let at = crate::time::now();
        if self.clear_stored_pending(id.trim(), &at, actor.name())? {
            Ok(())
        } else {
            Err(EntryError::PendingValueNotFound(id.trim().to_owned()).into())
        }
    }
}

// Reading the rows (`pending_value`); the writes of the import and its
// undo are the store's (`store/pending.rs`).

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

impl Pending<'_> {
    /// Marks one open value cleared by `by`; false when there is none by that id.
    pub(crate) fn clear_stored_pending(&mut self, id: &str, at: &str, by: &str) -> Result<bool> {
        self.school.write(|tx| {
            if get(tx, id)?.is_none() {
                return Ok(false);
            }
            crate::store::pending::clear(tx, id, at, by)?;
            Ok(true)
        })
    }
}

/// Every open 待修正 value (of one teacher when given), unmasked.
pub(crate) fn stored_pending(
    school: &SchoolFile,
    teacher_id: Option<&str>,
) -> Result<Vec<PendingValue>> {
    open(&school.conn, teacher_id)
}

/// The 待修正 values still open, as validation errors: a value for a field
/// of a single-record group that now holds a value is answered and left out.
pub(crate) fn problems(
    open: &[PendingValue],
    teachers: &[crate::teacher::Teacher],
    records: &std::collections::HashMap<String, Vec<crate::record::IndicatorRecord>>,
    effective: &crate::catalog::EffectiveCatalog,
) -> Vec<crate::validate::Problem> {
    let mut out = Vec::new();
    for value in open {
        let Some(teacher) = teachers.iter().find(|t| t.id == value.teacher_id) else {
            continue;
        };
        let Some(group) = effective.group(&value.group) else {
            continue;
        };
        let label = group
            .field(&value.field)
            .map_or_else(|| value.field.clone(), |f| f.label.clone());
        let label_en = group
            .field(&value.field)
            .map_or_else(|| value.field.clone(), |f| f.label_en.clone());
        let filled = !group.multi
            && records.get(&teacher.id).is_some_and(|rs| {
                rs.iter().any(|r| {
                    r.group_code == value.group
                        && r.fields
                            .get(&value.field)
                            .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
                })
            });
        if filled {
            continue;
        }
        out.push(crate::validate::Problem {
            teacher_id: teacher.id.clone(),
            teacher_name: teacher.name.clone(),
            group: group.id.clone(),
            group_name: group.name.clone(),
            record_id: None,
            row_order: None,
            field: Some(value.field.clone()),
            field_label: Some(label.clone()),
            value: Some(value.raw.clone()),
            severity: crate::catalog::Severity::Error,
            rule: PENDING_RULE.to_owned(),
            message: format!(
                "{} · {} · {label}：待修正 — 导入时{}写的是「{}」，{}。请按人事档案填写；确认应为空的，在教师信息中清除这一条",
                teacher.name, group.name, value.source, value.raw, value.problem
            ),
            message_en: format!(
                "{} · {} · {label_en}: to correct — the roster ({}) had \"{}\", which could not be taken. Fill it in, or clear this entry in the teacher's form if it should stay empty",
                teacher.name, group.name_en, value.source, value.raw
            ),
            reason: None,
        });
    }
    out
}

/// The rule id of a 待修正 validation error.
pub const PENDING_RULE: &str = "pending";
