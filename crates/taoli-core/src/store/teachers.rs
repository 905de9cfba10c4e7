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

fn find(conn: &Connection, id_type: &str, id_number: &str) -> Result<Option<Teacher>> {
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
