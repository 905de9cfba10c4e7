//! Undoing a committed import as a whole ([`Imports::undo`]): the
//! import's revisions (`first_revision..=last_revision` of its `import_run`)
//! are read back newest first and each write is taken back with its own
//! revision, in one transaction; refused, naming the teachers, when anything
//! the import wrote was changed afterwards.

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde_json::Value;

use super::runs::{RUN_COLUMNS, record_by_id, run_from_row, teacher_json};
use super::{ImportRun, UndoResult};
use crate::account::{Actor, Permission};
use crate::error::{Error, Result};
use crate::import::Imports;
use crate::record::{Fields, IndicatorRecord};
use crate::revision::{Action, Entity};
use crate::store::{pending, revisions};
use crate::time::now;

impl Imports<'_> {
    /// Undoes a committed import as a whole (the latest one not yet undone
    /// when `id` is none). Refuses, naming the teachers, when anything the
    /// import wrote was changed afterwards.
    pub fn undo(&mut self, id: Option<&str>) -> Result<UndoResult> {
        let actor = &self.school.require(Permission::Import)?;
        let (mut run, first, last) = find_run(&self.school.conn, id)?;
        if let Some(at) = &run.undone_at {
            return Err(Error::ImportAlreadyUndone {
                id: run.id.clone(),
                at: at.clone(),
            });
        }
        let at = now();
        let mut result = UndoResult {
            import: run.clone(),
            teachers_removed: 0,
            records_removed: 0,
            records_restored: 0,
        };
        self.school.write(|tx| {
            if let (Some(first), Some(last)) = (first, last) {
                refuse_if_changed_since(tx, first, last)?;
                let mut undo = Undo {
                    tx,
                    actor,
                    at: &at,
                    result: &mut result,
                };
                undo.take_back(first, last)?;
            }
            pending::delete_for_import(tx, &run.id)?;
            mark_undone(tx, &run.id, actor, &at)
        })?;
        run.undone_at = Some(at);
        run.undone_by = Some(actor.name().to_owned());
        result.import = run;
        Ok(result)
    }
}

/// The import to undo, with the range of its revisions: the one named, or
/// the latest not yet undone.
fn find_run(conn: &Connection, id: Option<&str>) -> Result<(ImportRun, Option<i64>, Option<i64>)> {
    Ok(match id {
        Some(id) => conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM import_run WHERE id = ?1"),
                [id.trim()],
                run_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::ImportNotFound(id.to_owned()))?,
        None => conn
            .query_row(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM import_run WHERE undone_at IS NULL ORDER BY at DESC, id DESC LIMIT 1"
                ),
                [],
                run_from_row,
            )
            .optional()?
            .ok_or(Error::NothingToUndo)?,
    })
}

/// Refuses the undo when a revision after the import touched anything the
/// import wrote, naming (up to 20 of) the teachers concerned.
fn refuse_if_changed_since(tx: &Transaction<'_>, first: i64, last: i64) -> Result<()> {
    let blocked: Vec<String> = tx
        .prepare(
            "SELECT DISTINCT COALESCE(t.name, json_extract(r.new_value, '$.name'), r.teacher_id)
             FROM revision r LEFT JOIN teacher t ON t.id = r.teacher_id
             WHERE r.id > ?2 AND r.entity_id IN (SELECT entity_id FROM revision WHERE id BETWEEN ?1 AND ?2)
             ORDER BY 1",
        )?
        .query_map((first, last), |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    if blocked.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = blocked.iter().take(20).cloned().collect();
    let more = if blocked.len() > 20 {
        format!(" 等 {} 位", blocked.len())
    } else {
        String::new()
    };
    Err(Error::UndoBlocked {
        teachers: format!("{}{more}", shown.join("、")),
    })
}

/// Marks the import undone, by whom and when.
fn mark_undone(tx: &Transaction<'_>, import_id: &str, actor: &Actor, at: &str) -> Result<()> {
    tx.execute(
        "UPDATE import_run SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
        (import_id, at, actor.name()),
    )?;
    Ok(())
}

/// One undo under way: takes back the import's writes and counts them.
struct Undo<'a, 't> {
    tx: &'a Transaction<'t>,
    actor: &'a Actor,
    at: &'a str,
    result: &'a mut UndoResult,
}

impl Undo<'_, '_> {
    /// Takes back every write of the revisions `first..=last`, newest first.
    fn take_back(&mut self, first: i64, last: i64) -> Result<()> {
        let written: Vec<(String, String, String, Option<String>)> = self
            .tx
            .prepare(
                "SELECT entity, entity_id, action, old_value FROM revision
                 WHERE id BETWEEN ?1 AND ?2 ORDER BY id DESC",
            )?
            .query_map((first, last), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (entity, entity_id, action, old_value) in written {
            let old: Option<Value> = old_value.and_then(|t| serde_json::from_str(&t).ok());
            match (entity.as_str(), action.as_str()) {
                ("record", "create") => self.remove_record(&entity_id)?,
                ("record", "update") => self.restore_record(&entity_id, old.as_ref())?,
                ("teacher", "create") => self.remove_teacher(&entity_id)?,
                ("teacher", "update") => self.restore_teacher_name(&entity_id, old.as_ref())?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Deletes a record the import created, if it is still there.
    fn remove_record(&mut self, id: &str) -> Result<()> {
        let tx = self.tx;
        if let Some(current) = record_by_id(tx, id)? {
            tx.execute("DELETE FROM record WHERE id = ?1", [id])?;
            revisions::record(
                tx,
                self.actor,
                Entity::Record,
                id,
                Some(&current.teacher_id),
                Action::Delete,
                Some(&serde_json::to_value(&current)?),
                None,
            )?;
            self.result.records_removed = self.result.records_removed.saturating_add(1);
        }
        Ok(())
    }

    /// Puts back the fields a record had before the import updated it.
    fn restore_record(&mut self, id: &str, old: Option<&Value>) -> Result<()> {
        let tx = self.tx;
        let Some(current) = record_by_id(tx, id)? else {
            return Ok(());
        };
        let fields: Fields = old
            .and_then(|o| o.get("fields"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        tx.execute(
            "UPDATE record SET fields = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
            (id, Value::Object(fields.clone()).to_string(), self.at),
        )?;
        let restored = IndicatorRecord {
            fields,
            version: current.version.saturating_add(1),
            updated_at: self.at.to_owned(),
            ..current.clone()
        };
        revisions::record(
            tx,
            self.actor,
            Entity::Record,
            id,
            Some(&current.teacher_id),
            Action::Update,
            Some(&serde_json::to_value(&current)?),
            Some(&serde_json::to_value(&restored)?),
        )?;
        self.result.records_restored = self.result.records_restored.saturating_add(1);
        Ok(())
    }

    /// Deletes a teacher the import registered, if they are still there.
    fn remove_teacher(&mut self, id: &str) -> Result<()> {
        let tx = self.tx;
        let Some(current) = teacher_as_json(tx, id)? else {
            return Ok(());
        };
        tx.execute("DELETE FROM teacher WHERE id = ?1", [id])?;
        revisions::record(
            tx,
            self.actor,
            Entity::Teacher,
            id,
            Some(id),
            Action::Delete,
            Some(&current),
            None,
        )?;
        self.result.teachers_removed = self.result.teachers_removed.saturating_add(1);
        Ok(())
    }

    /// Puts back the name a teacher had before the import renamed them.
    fn restore_teacher_name(&mut self, id: &str, old: Option<&Value>) -> Result<()> {
        let tx = self.tx;
        let Some(name) = old.and_then(|o| o.get("name")).and_then(Value::as_str) else {
            return Ok(());
        };
        let Some(before) = teacher_as_json(tx, id)? else {
            return Ok(());
        };
        tx.execute(
            "UPDATE teacher SET name = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
            (id, name, self.at),
        )?;
        // The entry shows the row as it is now stored (its version and
        // time), not the copy the import replaced.
        let after = teacher_as_json(tx, id)?;
        revisions::record(
            tx,
            self.actor,
            Entity::Teacher,
            id,
            Some(id),
            Action::Update,
            Some(&before),
            after.as_ref(),
        )?;
        Ok(())
    }
}

/// A stored teacher as their revisions show them, if they are there.
fn teacher_as_json(tx: &Transaction<'_>, id: &str) -> Result<Option<Value>> {
    tx.query_row(
        "SELECT id, name, id_type, id_number, version, created_at, updated_at FROM teacher WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        },
    )
    .optional()?
    .map(|(name, id_type, id_number, version, created, updated)| {
        teacher_json(id, &name, &id_type, &id_number, version, &created, &updated)
    })
    .transpose()
}
