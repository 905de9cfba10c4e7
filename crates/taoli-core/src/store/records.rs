//! Indicator records in the school file. Every change bumps the record's
//! version and writes a revision with the old and new values.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Row};

use super::{SchoolFile, revisions};
use crate::error::{EntryError, TeacherError};
use crate::error::{Error, Result};
use crate::record::{Fields, IndicatorRecord};
use crate::revision::{Action, Entity};
use crate::time::now;

const COLUMNS: &str = "id, teacher_id, group_code, row_order, fields, version, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<IndicatorRecord> {
    let fields: String = r.get(4)?;
    let fields = serde_json::from_str(&fields).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(IndicatorRecord {
        id: r.get(0)?,
        teacher_id: r.get(1)?,
        group_code: r.get(2)?,
        row_order: r.get(3)?,
        fields,
        version: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

pub(crate) fn by_id(conn: &Connection, id: &str) -> Result<IndicatorRecord> {
    find_by_id(conn, id)?.ok_or_else(|| Error::Entry(EntryError::RecordNotFound(id.to_owned())))
}

/// One record as stored, if there is one.
pub(crate) fn find_by_id(conn: &Connection, id: &str) -> Result<Option<IndicatorRecord>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM record WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

/// A teacher's record of a single-record group (基本信息), if they have one,
/// read on the caller's connection or transaction.
pub(crate) fn of_group(
    conn: &Connection,
    teacher_id: &str,
    group: &str,
) -> Result<Option<IndicatorRecord>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM record WHERE teacher_id = ?1 AND group_code = ?2
                 ORDER BY row_order LIMIT 1"
            ),
            (teacher_id, group),
            from_row,
        )
        .optional()?)
}

/// Writes a new record of a stored teacher after the group's existing rows,
/// with its revision, inside the caller's transaction.
pub(crate) fn insert(
    tx: &rusqlite::Transaction<'_>,
    actor: &crate::revision::Actor,
    teacher_id: &str,
    group_code: &str,
    fields: Fields,
) -> Result<IndicatorRecord> {
    let id = uuid::Uuid::now_v7().to_string();
    tx.execute(
        "INSERT INTO record (id, teacher_id, group_code, row_order, fields, version, updated_at)
         VALUES (?1, ?2, ?3,
                 (SELECT COALESCE(MAX(row_order), 0) + 1 FROM record WHERE teacher_id = ?2 AND group_code = ?3),
                 ?4, 1, ?5)",
        (&id, teacher_id, group_code, serde_json::Value::Object(fields).to_string(), now()),
    )?;
    let record = by_id(tx, &id)?;
    revisions::record(
        tx,
        actor,
        Entity::Record,
        &record.id,
        Some(teacher_id),
        Action::Create,
        None,
        Some(&serde_json::to_value(&record)?),
    )?;
    Ok(record)
}

/// Adds a record to a stored teacher's information group, after the
/// group's existing rows; refused when the teacher is not on file.
pub(crate) fn add(
    tx: &rusqlite::Transaction<'_>,
    actor: &crate::revision::Actor,
    teacher_id: &str,
    group_code: &str,
    fields: Fields,
) -> Result<IndicatorRecord> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM teacher WHERE id = ?1)",
        [teacher_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(TeacherError::TeacherNotFound(teacher_id.to_owned()).into());
    }
    insert(tx, actor, teacher_id, group_code, fields)
}

/// Replaces a record's fields, with its revision. `expected_version` is the
/// version the edit started from; a record changed in the meantime is refused.
pub(crate) fn update(
    tx: &rusqlite::Transaction<'_>,
    actor: &crate::revision::Actor,
    record_id: &str,
    expected_version: i64,
    fields: Fields,
) -> Result<IndicatorRecord> {
    let old = by_id(tx, record_id)?;
    if old.version != expected_version {
        return Err(EntryError::StaleRecord {
            expected: expected_version,
            current: old.version,
        }
        .into());
    }
    tx.execute(
        "UPDATE record SET fields = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
        (
            record_id,
            serde_json::Value::Object(fields).to_string(),
            now(),
        ),
    )?;
    let new = by_id(tx, record_id)?;
    revisions::record(
        tx,
        actor,
        Entity::Record,
        record_id,
        Some(&new.teacher_id),
        Action::Update,
        Some(&serde_json::to_value(&old)?),
        Some(&serde_json::to_value(&new)?),
    )?;
    Ok(new)
}

/// Moves a record to another teacher (a merge), after that teacher's rows
/// of its group, with its revision.
pub(crate) fn reparent(
    tx: &rusqlite::Transaction<'_>,
    actor: &crate::revision::Actor,
    record_id: &str,
    teacher_id: &str,
) -> Result<IndicatorRecord> {
    let old = by_id(tx, record_id)?;
    tx.execute(
        "UPDATE record SET teacher_id = ?2,
                row_order = (SELECT COALESCE(MAX(row_order), 0) + 1 FROM record
                             WHERE teacher_id = ?2 AND group_code = ?3),
                version = version + 1, updated_at = ?4
         WHERE id = ?1",
        (record_id, teacher_id, &old.group_code, now()),
    )?;
    let new = by_id(tx, record_id)?;
    revisions::record(
        tx,
        actor,
        Entity::Record,
        record_id,
        Some(teacher_id),
        Action::Update,
        Some(&serde_json::to_value(&old)?),
        Some(&serde_json::to_value(&new)?),
    )?;
    Ok(new)
}

/// Removes a record; its last values stay in the revision history.
pub(crate) fn delete(
    tx: &rusqlite::Transaction<'_>,
    actor: &crate::revision::Actor,
    record_id: &str,
) -> Result<()> {
    let old = by_id(tx, record_id)?;
    tx.execute("DELETE FROM record WHERE id = ?1", [record_id])?;
    revisions::record(
        tx,
        actor,
        Entity::Record,
        record_id,
        Some(&old.teacher_id),
        Action::Delete,
        Some(&serde_json::to_value(&old)?),
        None,
    )
}

impl SchoolFile {
    /// Records as the signed-in account may see them: for a role that reads
    /// masked, values of the masked field types (ID and phone numbers) with
    /// their middle hidden and dates of birth as their year.
    pub(crate) fn shown_records(
        &self,
        mut records: Vec<IndicatorRecord>,
    ) -> Result<Vec<IndicatorRecord>> {
        if !self.masked() {
            return Ok(records);
        }
        let effective = self.effective_catalog()?;
        for record in &mut records {
            let Some(group) = effective.group(&record.group_code) else {
                continue;
            };
            for field in &group.fields {
                let masked = crate::account::is_masked_type(field.kind);
                let year_only = crate::account::is_year_only_field(&group.id, &field.code);
                if !masked && !year_only {
                    continue;
                }
                if let Some(serde_json::Value::String(value)) = record.fields.get_mut(&field.code) {
                    *value = if year_only {
                        crate::account::year_only(value)
                    } else {
                        crate::account::mask(value, field.kind)
                    };
                }
            }
        }
        Ok(records)
    }

    /// For a role that reads masked: each teacher's values that it may not
    /// see in full (the ID number, phone numbers, the date of birth), each
    /// with what it is shown instead, longest first, by teacher id. For
    /// text that quotes values (validation messages).
    pub(crate) fn masked_values(&self) -> Result<HashMap<String, Vec<(String, String)>>> {
        let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for teacher in self.stored_teachers()? {
            let shown = self.shown(teacher.clone()).id_number;
            out.entry(teacher.id)
                .or_default()
                .push((teacher.id_number, shown));
        }
        let records = self.stored_all_records()?;
        let shown = self.shown_records(records.clone())?;
        for (full, shown) in records.iter().zip(&shown) {
            for (code, value) in &full.fields {
                let (Some(full_text), Some(shown_text)) = (
                    value.as_str(),
                    shown.fields.get(code).and_then(|v| v.as_str()),
                ) else {
                    continue;
                };
                if full_text != shown_text && !full_text.is_empty() {
                    out.entry(full.teacher_id.clone())
                        .or_default()
                        .push((full_text.to_owned(), shown_text.to_owned()));
                }
            }
        }
        for pairs in out.values_mut() {
            pairs.sort_by_key(|(full, _)| std::cmp::Reverse(full.chars().count()));
        }
        Ok(out)
    }

    /// One record as stored, for the core's own use (no check, no mask).
    pub(crate) fn stored_record(&self, record_id: &str) -> Result<IndicatorRecord> {
        by_id(&self.conn, record_id)
    }

    /// Every record as stored, for the core's own use (no check, no mask).
    pub(crate) fn stored_all_records(&self) -> Result<Vec<IndicatorRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM record ORDER BY teacher_id, group_code, row_order"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A teacher's records as stored, for the core's own use (no check, no mask).
    pub(crate) fn stored_records(&self, teacher_id: &str) -> Result<Vec<IndicatorRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM record WHERE teacher_id = ?1 ORDER BY group_code, row_order"
        ))?;
        let rows = stmt.query_map([teacher_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
