//! Undoing a committed import as a whole ([`Imports::undo`]): the
//! import's changes are read back (its change set, or for an import
//! committed before change sets its revisions
//! `first_revision..=last_revision`) and each write is taken back, newest
//! first, with its own revision, in one transaction; refused, naming the
//! teachers, when anything the import wrote was changed afterwards.

use std::collections::{BTreeSet, HashSet};

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde_json::Value;

use super::runs::{RUN_COLUMNS, Recorded, record_by_id, run_from_row, teacher_json};
use super::{ImportRun, UndoResult};
use crate::account::{Actor, Permission};
use crate::error::ImportError;
use crate::error::messages::{listed, render};
use crate::error::{Result, Worded};
use crate::import::Imports;
use crate::record::{Fields, IndicatorRecord};
use crate::revision::{Action, Entity};
use crate::store::change_sets::{self, Summary};
use crate::store::{pending, revisions};
use crate::time::now;

impl Imports<'_> {
    /// Undoes a committed import as a whole (the latest one not yet undone
    /// when `id` is none). Refuses, naming the teachers, when anything the
    /// import wrote was changed afterwards.
    pub fn undo(&mut self, id: Option<&str>) -> Result<UndoResult> {
        let actor = &self.school.require(Permission::Import)?;
        let (mut run, recorded) = find_run(&self.school.conn, id)?;
        if let Some(at) = &run.undone_at {
            return Err(ImportError::ImportAlreadyUndone {
                id: run.id.clone(),
                at: at.clone(),
            }
            .into());
        }
        let at = now();
        let mut result = UndoResult {
            import: run.clone(),
            teachers_removed: 0,
            records_removed: 0,
            records_restored: 0,
        };
        self.school.write(|tx| {
            if let Some((after, written)) = written_changes(tx, recorded)? {
                refuse_if_changed_since(tx, after, &written)?;
                let mut undo = Undo {
                    tx,
                    actor,
                    at: &at,
                    result: &mut result,
                };
                undo.take_back(written)?;
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

/// The import to undo, with how its writes are recorded: the one named, or
/// the latest not yet undone.
fn find_run(conn: &Connection, id: Option<&str>) -> Result<(ImportRun, Recorded)> {
    Ok(match id {
        Some(id) => conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM import_run WHERE id = ?1"),
                [id.trim()],
                run_from_row,
            )
            .optional()?
            .ok_or_else(|| ImportError::ImportNotFound(id.to_owned()))?,
        None => conn
            .query_row(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM import_run WHERE undone_at IS NULL ORDER BY at DESC, id DESC LIMIT 1"
                ),
                [],
                run_from_row,
            )
            .optional()?
            .ok_or(ImportError::NothingToUndo)?,
    })
}

/// One write of the import, as its undo needs it.
struct Written {
    entity: String,
    entity_id: String,
    action: String,
    /// The entity before the write, if it was there.
    old: Option<Value>,
}

/// The import's writes in the order they were made, with the id of the
/// last audit entry that records them; none when it wrote nothing.
fn written_changes(
    tx: &Transaction<'_>,
    recorded: Recorded,
) -> Result<Option<(i64, Vec<Written>)>> {
    Ok(match recorded {
        Recorded::Nothing => None,
        Recorded::Revisions(first, last) => {
            let written = tx
                .prepare(
                    "SELECT entity, entity_id, action, old_value FROM revision
                     WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
                )?
                .query_map((first, last), |r| {
                    let old: Option<String> = r.get(3)?;
                    Ok(Written {
                        entity: r.get(0)?,
                        entity_id: r.get(1)?,
                        action: r.get(2)?,
                        old: old.and_then(|t| serde_json::from_str(&t).ok()),
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Some((last, written))
        }
        Recorded::ChangeSet(entry) => {
            let value: Option<String> = tx
                .query_row(
                    "SELECT new_value FROM revision WHERE id = ?1",
                    [entry],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let value: Option<Value> = value.and_then(|t| serde_json::from_str(&t).ok());
            let Some(summary) = Summary::of(value.as_ref()) else {
                return Ok(Some((entry, Vec::new())));
            };
            let written = change_sets::rows(tx, &summary)?
                .into_iter()
                .flat_map(|row| row.changes)
                .map(|c| Written {
                    entity: c.entity,
                    entity_id: c.entity_id,
                    action: c.action,
                    old: c.old,
                })
                .collect();
            Some((entry, written))
        }
    })
}

/// Refuses the undo when anything recorded after audit entry `after` (a
/// revision, or a later import's change set) touched what the import
/// wrote, naming (up to 20 of) the teachers concerned.
fn refuse_if_changed_since(tx: &Transaction<'_>, after: i64, written: &[Written]) -> Result<()> {
    let touched: HashSet<&str> = written.iter().map(|w| w.entity_id.as_str()).collect();
    let mut blocked = BTreeSet::new();
    let mut later = tx.prepare(
        "SELECT r.entity_id, COALESCE(t.name, json_extract(r.new_value, '$.name'), r.teacher_id)
         FROM revision r LEFT JOIN teacher t ON t.id = r.teacher_id
         WHERE r.id > ?1",
    )?;
    let mut rows = later.query([after])?;
    while let Some(r) = rows.next()? {
        let entity_id: String = r.get(0)?;
        if touched.contains(entity_id.as_str())
            && let Some(name) = r.get::<_, Option<String>>(1)?
        {
            blocked.insert(name);
        }
    }
    let mut later_sets = tx.prepare(
        "SELECT c.teacher_id, COALESCE(t.name, c.teacher_id), c.body
         FROM import_change c JOIN import_run i ON i.id = c.run_id
         LEFT JOIN teacher t ON t.id = c.teacher_id
         WHERE i.audit_entry > ?1",
    )?;
    let mut rows = later_sets.query([after])?;
    while let Some(r) = rows.next()? {
        let body = r.get_ref(2)?.as_blob().unwrap_or_default();
        let changes = change_sets::decode(tx, body)?;
        if changes
            .iter()
            .any(|c| touched.contains(c.entity_id.as_str()))
        {
            blocked.insert(r.get::<_, String>(1)?);
        }
    }
    if blocked.is_empty() {
        return Ok(());
    }
    let teachers = Worded::said_in("list.people", |locale| {
        let more = if blocked.len() > 20 {
            render(
                locale,
                "list.more_people",
                &[("count", blocked.len().to_string())],
            )
        } else {
            String::new()
        };
        vec![
            ("names", listed(locale, blocked.iter().take(20).cloned())),
            ("more", more),
        ]
    });
    Err(ImportError::UndoBlocked {
        teachers: Box::new(teachers),
    }
    .into())
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
    /// Takes back every write of the import, newest first.
    fn take_back(&mut self, written: Vec<Written>) -> Result<()> {
        for Written {
            entity,
            entity_id,
            action,
            old,
        } in written.into_iter().rev()
        {
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
