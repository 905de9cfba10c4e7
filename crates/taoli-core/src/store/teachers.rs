//! Teachers in the school file.

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use super::{SchoolFile, revisions};
use crate::account::Actor;
use crate::error::TeacherError;
use crate::error::{Error, Result};
use crate::revision::{Action, Entity};
use crate::teacher::{Teacher, ValidNewTeacher, id_type_name};
use crate::time::now;

const COLUMNS: &str = "id, name, id_type, id_number, version, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Teacher> {
    let id_type: String = r.get(2)?;
    Ok(Teacher {
        id: r.get(0)?,
        name: r.get(1)?,
        id_type_name: id_type_name(&id_type),
        id_type,
        id_number: r.get(3)?,
        version: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

pub(crate) fn find(conn: &Connection, id_type: &str, id_number: &str) -> Result<Option<Teacher>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM teacher WHERE id_type = ?1 AND id_number = ?2"),
            (id_type, id_number),
            from_row,
        )
        .optional()?)
}

/// One teacher as stored, if there is one.
pub(crate) fn find_by_id(conn: &Connection, id: &str) -> Result<Option<Teacher>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM teacher WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

/// Inserts a teacher with their revision. Refuses a second teacher with the
/// same ID type and number.
pub(crate) fn insert(
    tx: &Transaction<'_>,
    actor: &Actor,
    valid: &ValidNewTeacher,
) -> Result<Teacher> {
    if let Some(existing) = find(tx, &valid.id_type.code, &valid.id_number)? {
        return Err(TeacherError::DuplicateTeacher {
            id_type_name: valid.id_type.name.clone(),
            id_number: valid.id_number.clone(),
            existing_name: existing.name,
        }
        .into());
    }
    let id = uuid::Uuid::now_v7().to_string();
    let at = now();
    tx.execute(
        "INSERT INTO teacher (id, id_type, id_number, name, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
        (&id, &valid.id_type.code, &valid.id_number, &valid.name, &at),
    )?;
    let teacher = tx.query_row(
        &format!("SELECT {COLUMNS} FROM teacher WHERE id = ?1"),
        [&id],
        from_row,
    )?;
    revisions::record(
        tx,
        actor,
        Entity::Teacher,
        &teacher.id,
        Some(&teacher.id),
        Action::Create,
        None,
        Some(&serde_json::to_value(&teacher)?),
    )?;
    Ok(teacher)
}

/// Corrects a teacher's name, ID type and number, with its revision (the
/// reason kept in the entry as `correction_reason`). Refuses an ID another
/// teacher holds.
pub(crate) fn correct(
    tx: &Transaction<'_>,
    actor: &Actor,
    teacher_id: &str,
    valid: &ValidNewTeacher,
    reason: &str,
) -> Result<Teacher> {
    let old = find_by_id(tx, teacher_id)?
        .ok_or_else(|| Error::Teacher(TeacherError::TeacherNotFound(teacher_id.to_owned())))?;
    if let Some(existing) = find(tx, &valid.id_type.code, &valid.id_number)?
        && existing.id != old.id
    {
        return Err(TeacherError::DuplicateTeacher {
            id_type_name: valid.id_type.name.clone(),
            id_number: valid.id_number.clone(),
            existing_name: existing.name,
        }
        .into());
    }
    tx.execute(
        "UPDATE teacher SET name = ?2, id_type = ?3, id_number = ?4, version = version + 1,
                updated_at = ?5 WHERE id = ?1",
        (
            teacher_id,
            &valid.name,
            &valid.id_type.code,
            &valid.id_number,
            now(),
        ),
    )?;
    let new = find_by_id(tx, teacher_id)?
        .ok_or_else(|| Error::Teacher(TeacherError::TeacherNotFound(teacher_id.to_owned())))?;
    let mut after = serde_json::to_value(&new)?;
    if let Some(object) = after.as_object_mut() {
        object.insert("correction_reason".into(), reason.into());
    }
    revisions::record(
        tx,
        actor,
        Entity::Teacher,
        teacher_id,
        Some(teacher_id),
        Action::Update,
        Some(&serde_json::to_value(&old)?),
        Some(&after),
    )?;
    Ok(new)
}

/// Removes a teacher and everything kept of them (records, sign-offs,
/// status history …, by the schema's cascade), with one revision whose old
/// value keeps the teacher, their records and the reason.
pub(crate) fn remove(
    tx: &Transaction<'_>,
    actor: &Actor,
    teacher_id: &str,
    records: &[crate::record::IndicatorRecord],
    reason: &str,
) -> Result<Teacher> {
    let old = find_by_id(tx, teacher_id)?
        .ok_or_else(|| Error::Teacher(TeacherError::TeacherNotFound(teacher_id.to_owned())))?;
    let mut kept = serde_json::to_value(&old)?;
    if let Some(object) = kept.as_object_mut() {
        object.insert("records".into(), serde_json::to_value(records)?);
        object.insert("removal_reason".into(), reason.into());
    }
    tx.execute("DELETE FROM teacher WHERE id = ?1", [teacher_id])?;
    revisions::record(
        tx,
        actor,
        Entity::Teacher,
        teacher_id,
        Some(teacher_id),
        Action::Delete,
        Some(&kept),
        None,
    )?;
    Ok(old)
}

/// Ends a merge: removes `merged` (whose records moved to `kept`), with
/// two entries: `kept`'s names the teacher merged into them
/// (`merged_from`, which their history follows) and the reason; `merged`'s
/// removal keeps what they had.
pub(crate) fn merge_into(
    tx: &Transaction<'_>,
    actor: &Actor,
    merged: &str,
    kept: &str,
    records: &[crate::record::IndicatorRecord],
    reason: &str,
) -> Result<()> {
    let gone = remove(tx, actor, merged, records, reason)?;
    let keep = find_by_id(tx, kept)?
        .ok_or_else(|| Error::Teacher(TeacherError::TeacherNotFound(kept.to_owned())))?;
    let mut after = serde_json::to_value(&keep)?;
    if let Some(object) = after.as_object_mut() {
        object.insert("merged_from".into(), serde_json::to_value(&gone)?);
        object.insert("merge_reason".into(), reason.into());
    }
    revisions::record(
        tx,
        actor,
        Entity::Teacher,
        kept,
        Some(kept),
        Action::Update,
        Some(&serde_json::to_value(&keep)?),
        Some(&after),
    )
}

impl SchoolFile {
    /// A teacher as the signed-in account may see it.
    pub(crate) fn shown(&self, mut teacher: Teacher) -> Teacher {
        if self.masked() {
            teacher.id_number =
                crate::account::mask(&teacher.id_number, crate::catalog::FieldType::IdNumber);
        }
        teacher
    }

    /// One teacher as stored, for the core's own use (no check, no mask).
    pub(crate) fn stored_teacher(&self, teacher_id: &str) -> Result<Teacher> {
        find_by_id(&self.conn, teacher_id)?
            .ok_or_else(|| Error::Teacher(TeacherError::TeacherNotFound(teacher_id.to_owned())))
    }

    /// Every teacher as stored, for the core's own use (no check, no mask).
    pub(crate) fn stored_teachers(&self) -> Result<Vec<Teacher>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM teacher ORDER BY created_at, id"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn stored_teacher_by_id_number(
        &self,
        id_type: Option<&str>,
        id_number: &str,
    ) -> Result<Teacher> {
        let id_number = crate::id_number::normalize(id_number);
        let found = match id_type {
            Some(code) => {
                let id_type = crate::catalog::catalog()?.id_type(code)?;
                find(&self.conn, &id_type.code, &id_number)?
            }
            None => self
                .conn
                .query_row(
                    &format!(
                        "SELECT {COLUMNS} FROM teacher WHERE id_number = ?1 ORDER BY id_type LIMIT 1"
                    ),
                    [&id_number],
                    from_row,
                )
                .optional()?,
        };
        found.ok_or(Error::Teacher(TeacherError::TeacherNotFound(id_number)))
    }
}
