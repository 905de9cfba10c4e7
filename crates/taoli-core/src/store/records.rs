//! Indicator records in the school file. Every change bumps the record's
//! version and writes a revision with the old and new values.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{SchoolFile, revisions};
use crate::account::Permission;
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

fn by_id(conn: &Connection, id: &str) -> Result<IndicatorRecord> {
    find_by_id(conn, id)?.ok_or_else(|| Error::RecordNotFound(id.to_owned()))
}

/// One record as stored, if there is one.
pub(super) fn find_by_id(conn: &Connection, id: &str) -> Result<Option<IndicatorRecord>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM record WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

impl SchoolFile {
    /// Adds a record to a teacher's information group, after the existing rows.
    pub fn add_record(
        &mut self,
        teacher_id: &str,
        group_code: &str,
        fields: Fields,
    ) -> Result<IndicatorRecord> {
        let actor = &self.require(Permission::TeachersEdit)?;
        self.write(|tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM teacher WHERE id = ?1)",
                [teacher_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(Error::TeacherNotFound(teacher_id.to_owned()));
            }
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
        })
    }

    /// Replaces a record's fields. `expected_version` is the version the edit
    /// started from; a record changed in the meantime is refused.
    pub fn update_record(
        &mut self,
        record_id: &str,
        expected_version: i64,
        fields: Fields,
    ) -> Result<IndicatorRecord> {
        let actor = &self.require(Permission::TeachersEdit)?;
        self.write(|tx| {
            let old = by_id(tx, record_id)?;
            if old.version != expected_version {
                return Err(Error::StaleRecord {
                    expected: expected_version,
                    current: old.version,
                });
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
        })
    }

    /// Removes a record; its last values stay in the revision history.
    pub fn delete_record(&mut self, record_id: &str) -> Result<()> {
        let actor = &self.require(Permission::TeachersEdit)?;
        self.write(|tx| {
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
        })
    }

    /// One record by id (masked values for a role that reads masked).
    pub fn record(&self, record_id: &str) -> Result<IndicatorRecord> {
        self.require(Permission::TeachersView)?;
        let record = self.stored_record(record_id)?;
        Ok(self.shown_records(vec![record])?.remove(0))
    }

    /// Every record of the school, by teacher, group and row order (masked
    /// values for a role that reads masked).
    pub fn all_records(&self) -> Result<Vec<IndicatorRecord>> {
        self.require(Permission::TeachersView)?;
        self.shown_records(self.stored_all_records()?)
    }

    /// A teacher's records, by group and row order (masked values for a role
    /// that reads masked).
    pub fn records(&self, teacher_id: &str) -> Result<Vec<IndicatorRecord>> {
        self.require(Permission::TeachersView)?;
        self.shown_records(self.stored_records(teacher_id)?)
    }

    /// Records as the signed-in account may see them: values of the masked
    /// field types (ID and phone numbers) hidden for a role that reads masked.
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
                if !crate::account::is_masked_type(field.kind) {
                    continue;
                }
                if let Some(serde_json::Value::String(value)) = record.fields.get_mut(&field.code) {
                    *value = crate::account::mask(value);
                }
            }
        }
        Ok(records)
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
