//! Committing an import plan ([`Imports::commit`]): in one
//! transaction, with the backup taken just before it, the plan's writes in
//! order ([`Executor`]), each change gathered per teacher into the
//! import's change set as it is made; then the clerk's column corrections,
//! the cells kept on a 待修正 error, the record of the import
//! (`import_run`), and last the import's one entry on the audit chain,
//! which holds the change set's hash (`store/change_sets.rs`). The one-pass
//! import (`pipeline.rs`) runs the same steps with the writes coming from
//! the planner as it goes. The undo (`undo.rs`) reads the change set back.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{OptionalExtension, Transaction};

use super::plan::StoredRecord;
use super::runs::{record_by_id, teacher_json};
use super::{ImportPlan, ImportRun, OnConflict};
use crate::account::{Actor, Permission};
use crate::error::ImportError;
use crate::error::{Error, Result, StaleReason};
use crate::import::Imports;
use crate::record::IndicatorRecord;
use crate::revision::{Action, Entity};
use crate::store::backups::{self, BackupReason};
use crate::store::change_sets::ChangeSetWriter;
use crate::store::{pending, revisions};
use crate::teacher::Teacher;
use crate::time::now;

impl Imports<'_> {
    /// Writes a plan's accepted rows in one transaction, records the import,
    /// and remembers the clerk's column corrections. `progress` is told
    /// (writes done, writes in all) as the commit goes. A committed plan is
    /// settled ([`ImportPlan::settle`]): what only the commit needed is let
    /// go, and it is never committed again. A failed commit leaves the plan
    /// whole, to try again.
    pub fn commit(
        &mut self,
        plan: &mut ImportPlan,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportRun> {
        let run = self.commit_plan(plan, progress)?;
        plan.settle();
        Ok(run)
    }

    fn commit_plan(
        &mut self,
        plan: &ImportPlan,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportRun> {
        let actor = &self.school.require(Permission::Import)?;
        if plan.is_settled() {
            return Err(ImportError::ImportAlreadyCommitted.into());
        }
        let total = plan.writes.len();
        self.in_import_transaction(|tx, run| {
            let mut executor = Executor::new(tx, &run, false);
            for done in 0..total {
                if done % 500 == 0 {
                    progress(done, total);
                }
                executor.execute(plan.ready(done)?)?;
            }
            let run = finish_import(tx, plan, actor, run, executor)?;
            progress(total, total);
            Ok(run)
        })
    }

    /// Runs `write` in the import's transaction: the backup taken just
    /// before it and recorded in it (all or nothing), a bigger page cache
    /// for the bulk write meanwhile.
    pub(super) fn in_import_transaction<T>(
        &mut self,
        write: impl FnOnce(&Transaction<'_>, Run) -> Result<T>,
    ) -> Result<T> {
        let actor = &self.school.require(Permission::Import)?;
        // The school as it was, in case the import was not what the clerk
        // meant; recorded in the import's own transaction (all or nothing).
        let backup = self.school.automatic_backup(BackupReason::BeforeImport)?;
        // A bulk write: a bigger page cache keeps SQLite from spilling pages
        // to the WAL before the commit.
        self.school.conn.pragma_update(None, "cache_size", -8_192)?;
        let result = self.school.write(|tx| {
            backups::record_backup(tx, &backup, actor)?;
            let run = Run {
                id: uuid::Uuid::now_v7().to_string(),
                at: now(),
            };
            write(tx, run)
        });
        self.school.conn.pragma_update(None, "cache_size", -2000)?;
        result
    }
}

/// The import's id and time.
pub(super) struct Run {
    pub id: String,
    pub at: String,
}

/// After the writes: the remembered corrections, the 待修正 cells, the
/// record of the import and its entry on the chain, which seals the change
/// set the writes gathered.
pub(super) fn finish_import(
    tx: &Transaction<'_>,
    plan: &ImportPlan,
    actor: &Actor,
    run: Run,
    executor: Executor<'_, '_>,
) -> Result<ImportRun> {
    let (written, changes) = executor.finish(plan);
    remember_corrections(tx, plan, actor, &run.at)?;
    keep_pending_cells(tx, plan, &written.teacher_ids, &run.id, &run.at)?;
    let summary = serde_json::json!({
        "file_name": plan.preview.file_name,
        "teachers_created": written.teachers_created,
        "records_written": written.records_written,
    });
    let serde_json::Value::Object(summary) = summary else {
        unreachable!("a JSON object literal")
    };
    let entry = changes.finish(
        tx,
        &mut revisions::Chain::start(tx)?,
        &run.at,
        actor,
        summary,
    )?;
    record_run(tx, plan, actor, run, &written, entry)
}

/// One write taken out of the plan, with what it writes: the commit takes
/// them from a finished plan ([`ImportPlan::ready`]), the one-pass import
/// from the planner as it goes.
#[derive(Debug)]
pub(crate) enum Ready {
    /// Registers the person at this position of the plan.
    NewTeacher {
        person: usize,
        name: String,
        id_type: String,
        id_number: String,
    },
    /// Renames a stored teacher.
    RenameTeacher { old: Box<Teacher>, name: String },
    /// Creates a record of the person at this position: a stored teacher
    /// (their id), or one this import registers. `row_order` is the plan's
    /// for a new teacher; a stored teacher's row goes after their others.
    /// `write` is the write's position in the plan.
    AddRecord {
        write: u32,
        person: usize,
        stored_teacher: Option<String>,
        group: Arc<str>,
        row_order: Option<i64>,
        text: Box<str>,
    },
    /// Replaces a stored record's fields, if it is still as the plan saw it.
    UpdateRecord {
        stored: StoredRecord,
        text: Box<str>,
    },
    /// A record an earlier write of this import made or updated, changed in
    /// the plan since (a later row or sheet of the same teacher): its fields
    /// now. Only the one-pass import sends these.
    Refresh { record: Refreshed, text: Box<str> },
    /// Nothing to write.
    Nothing,
}

/// Which record a [`Ready::Refresh`] writes over.
#[derive(Debug)]
pub(crate) enum Refreshed {
    /// A stored record the import updated.
    Stored(String),
    /// A new teacher's record: the person and the row the plan numbered.
    Numbered {
        person: usize,
        group: Arc<str>,
        row_order: i64,
    },
    /// A stored teacher's new record, by the position of the write that
    /// made it.
    Added(u32),
}

/// What the plan's writes left behind.
pub(super) struct Written {
    /// Each person's teacher id: stored, or registered by this import; none
    /// for a person the plan does not register.
    pub teacher_ids: Vec<Option<String>>,
    pub teachers_created: usize,
    pub records_written: usize,
}

/// Carries out an import's writes in order in its transaction, each change
/// gathered into the import's change set as it is made.
pub(crate) struct Executor<'a, 't> {
    tx: &'a Transaction<'t>,
    at: String,
    changes: ChangeSetWriter,
    /// The teachers this import registered, by the person's position.
    new_ids: Vec<Option<uuid::Uuid>>,
    /// The records made for stored teachers, by the write's position, for a
    /// [`Refreshed::Added`]; kept only while a one-pass import may send one.
    added: Option<HashMap<u32, uuid::Uuid>>,
    writes: usize,
    teachers_created: usize,
    records_written: usize,
}

impl<'a, 't> Executor<'a, 't> {
    /// An executor for the import `run`; `refreshes` when writes may be
    /// sent again (the one-pass import).
    pub(super) fn new(tx: &'a Transaction<'t>, run: &Run, refreshes: bool) -> Executor<'a, 't> {
        Executor {
            tx,
            at: run.at.clone(),
            changes: ChangeSetWriter::new(&run.id),
            new_ids: Vec::new(),
            added: refreshes.then(HashMap::new),
            writes: 0,
            teachers_created: 0,
            records_written: 0,
        }
    }

    /// How many of the plan's writes were carried out so far.
    pub(super) fn writes_done(&self) -> usize {
        self.writes
    }

    /// Carries out one write.
    pub(super) fn execute(&mut self, ready: Ready) -> Result<()> {
        match ready {
            Ready::NewTeacher {
                person,
                name,
                id_type,
                id_number,
            } => self.new_teacher(person, &name, &id_type, &id_number)?,
            Ready::RenameTeacher { old, name } => self.rename_teacher(&old, &name)?,
            Ready::AddRecord {
                write,
                person,
                stored_teacher,
                group,
                row_order,
                text,
            } => self.add_record(
                write,
                person,
                stored_teacher.as_deref(),
                &group,
                row_order,
                &text,
            )?,
            Ready::UpdateRecord { stored, text } => self.update_record(&stored, &text)?,
            Ready::Refresh { record, text } => return self.refresh(record, &text),
            Ready::Nothing => {}
        }
        self.writes = self.writes.saturating_add(1);
        Ok(())
    }

    /// What the writes left behind, with each person's teacher id, and the
    /// change set to seal.
    fn finish(self, plan: &ImportPlan) -> (Written, ChangeSetWriter) {
        let teacher_ids = plan
            .persons
            .iter()
            .enumerate()
            .map(|(i, p)| match &p.existing {
                Some(t) => Some(t.id.clone()),
                None => self
                    .new_ids
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|id| id.to_string()),
            })
            .collect();
        let written = Written {
            teacher_ids,
            teachers_created: self.teachers_created,
            records_written: self.records_written,
        };
        (written, self.changes)
    }

    fn new_id(&self, person: usize) -> Option<uuid::Uuid> {
        self.new_ids.get(person).copied().flatten()
    }

    /// Registers a new teacher; refused as a stale preview when someone
    /// registered the same ID number since.
    fn new_teacher(
        &mut self,
        person: usize,
        name: &str,
        id_type: &str,
        id_number: &str,
    ) -> Result<()> {
        let (tx, at) = (self.tx, self.at.as_str());
        let id = uuid::Uuid::now_v7();
        let id_text = id.to_string();
        let inserted = tx
            .prepare_cached(
                "INSERT INTO teacher (id, id_type, id_number, name, version, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
            )?
            .execute((&id_text, id_type, id_number, name, at));
        if let Err(rusqlite::Error::SqliteFailure(e, _)) = &inserted
            && e.code == rusqlite::ErrorCode::ConstraintViolation
        {
            return Err(ImportError::StalePreview {
                reason: StaleReason::TeacherRegistered {
                    id_number: id_number.to_owned(),
                },
            }
            .into());
        }
        inserted?;
        let json = teacher_json(&id_text, name, id_type, id_number, 1, at, at)?;
        self.changes.change(
            tx,
            &id_text,
            Entity::Teacher,
            &id_text,
            Action::Create,
            None,
            Some(&json.to_string()),
        )?;
        if self.new_ids.len() <= person {
            self.new_ids.resize(person.saturating_add(1), None);
        }
        if let Some(slot) = self.new_ids.get_mut(person) {
            *slot = Some(id);
        }
        self.teachers_created = self.teachers_created.saturating_add(1);
        Ok(())
    }

    /// Renames a stored teacher; refused as a stale preview when the row
    /// changed since.
    fn rename_teacher(&mut self, old: &Teacher, name: &str) -> Result<()> {
        let (tx, at) = (self.tx, self.at.as_str());
        let changed = tx
            .prepare_cached(
                "UPDATE teacher SET name = ?2, version = version + 1, updated_at = ?3
                 WHERE id = ?1 AND version = ?4",
            )?
            .execute((&old.id, name, at, old.version))?;
        if changed == 0 {
            return Err(ImportError::StalePreview {
                reason: StaleReason::TeacherChanged {
                    name: old.name.clone(),
                },
            }
            .into());
        }
        let before = serde_json::to_value(old)?;
        let after = teacher_json(
            &old.id,
            name,
            &old.id_type,
            &old.id_number,
            old.version.saturating_add(1),
            &old.created_at,
            at,
        )?;
        self.changes.change(
            tx,
            &old.id,
            Entity::Teacher,
            &old.id,
            Action::Update,
            Some(&before.to_string()),
            Some(&after.to_string()),
        )
    }

    /// Creates a record (numbered by the plan, or after the teacher's stored
    /// rows of the group); nothing for a person not registered.
    fn add_record(
        &mut self,
        write: u32,
        person: usize,
        stored_teacher: Option<&str>,
        group: &str,
        row_order: Option<i64>,
        text: &str,
    ) -> Result<()> {
        let (tx, at) = (self.tx, self.at.as_str());
        let new_id;
        let teacher_id = match stored_teacher {
            Some(id) => id,
            None => match self.new_id(person) {
                Some(id) => {
                    new_id = id.to_string();
                    new_id.as_str()
                }
                None => return Ok(()),
            },
        };
        let row_order: i64 = match row_order {
            Some(n) => n,
            None => tx
                .prepare_cached(
                    "SELECT COALESCE(MAX(row_order), 0) + 1 FROM record WHERE teacher_id = ?1 AND group_code = ?2",
                )?
                .query_row((teacher_id, group), |r| r.get(0))?,
        };
        let id = uuid::Uuid::now_v7();
        let id_text = id.to_string();
        tx.prepare_cached(
            "INSERT INTO record (id, teacher_id, group_code, row_order, fields, version, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
        )?
        .execute((&id_text, teacher_id, group, row_order, text, at))?;
        // The record as `IndicatorRecord` serializes, built around the
        // fields' JSON rather than serializing them twice.
        let json = format!(
            r#"{{"id":"{id_text}","teacher_id":"{teacher_id}","group_code":{},"row_order":{row_order},"fields":{text},"version":1,"updated_at":"{at}"}}"#,
            serde_json::to_string(group)?
        );
        self.changes.change(
            tx,
            teacher_id,
            Entity::Record,
            &id_text,
            Action::Create,
            None,
            Some(&json),
        )?;
        if stored_teacher.is_some()
            && let Some(added) = &mut self.added
        {
            added.insert(write, id);
        }
        self.records_written = self.records_written.saturating_add(1);
        Ok(())
    }

    /// Replaces a stored record's fields; refused as a stale preview when
    /// the record changed or went since.
    fn update_record(&mut self, stored: &StoredRecord, text: &str) -> Result<()> {
        let (tx, at) = (self.tx, self.at.as_str());
        let stale = || {
            Error::Import(ImportError::StalePreview {
                reason: StaleReason::RecordChanged,
            })
        };
        let old = record_by_id(tx, &stored.id)?.ok_or_else(stale)?;
        if old.version != stored.version {
            return Err(stale());
        }
        tx.prepare_cached(
            "UPDATE record SET fields = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
        )?
        .execute((&stored.id, text, at))?;
        let new = IndicatorRecord {
            fields: serde_json::from_str(text)?,
            version: old.version.saturating_add(1),
            updated_at: at.to_owned(),
            ..old.clone()
        };
        self.changes.change(
            tx,
            &old.teacher_id,
            Entity::Record,
            &stored.id,
            Action::Update,
            Some(&serde_json::to_string(&old)?),
            Some(&serde_json::to_string(&new)?),
        )?;
        self.records_written = self.records_written.saturating_add(1);
        Ok(())
    }

    /// Writes the fields the plan now has over a record this import made
    /// or updated earlier, and records the change: in the trail the record
    /// is written, then corrected, by the same import (its version stays:
    /// it is one write of the import).
    fn refresh(&mut self, record: Refreshed, text: &str) -> Result<()> {
        let tx = self.tx;
        let id = match record {
            Refreshed::Stored(id) => Some(id),
            Refreshed::Numbered {
                person,
                group,
                row_order,
            } => match self.new_id(person) {
                Some(teacher) => tx
                    .prepare_cached(
                        "SELECT id FROM record WHERE teacher_id = ?1 AND group_code = ?2 AND row_order = ?3",
                    )?
                    .query_row((teacher.to_string(), &*group, row_order), |r| r.get(0))
                    .optional()?,
                None => None,
            },
            Refreshed::Added(write) => self
                .added
                .as_ref()
                .and_then(|a| a.get(&write))
                .map(uuid::Uuid::to_string),
        };
        let Some(old) = id.map(|id| record_by_id(tx, &id)).transpose()?.flatten() else {
            return Ok(());
        };
        tx.prepare_cached("UPDATE record SET fields = ?2 WHERE id = ?1")?
            .execute((&old.id, text))?;
        let new = IndicatorRecord {
            fields: serde_json::from_str(text)?,
            ..old.clone()
        };
        self.changes.change(
            tx,
            &old.teacher_id,
            Entity::Record,
            &old.id,
            Action::Update,
            Some(&serde_json::to_string(&old)?),
            Some(&serde_json::to_string(&new)?),
        )
    }
}

/// Remembers the clerk's column corrections (`import_mapping`) for the
/// next roster of the same layout or with the same headers.
fn remember_corrections(
    tx: &Transaction<'_>,
    plan: &ImportPlan,
    actor: &Actor,
    at: &str,
) -> Result<()> {
    for (layout, header, target) in &plan.remember {
        tx.prepare_cached(
            "INSERT INTO import_mapping (layout, header, target, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (layout, header) DO UPDATE SET target = excluded.target, actor = excluded.actor, at = excluded.at",
        )?
        .execute((layout, header, target, actor.name(), at))?;
    }
    Ok(())
}

/// Keeps each cell the import could not read on a 待修正 error of its
/// teacher, naming where in the roster it was; the undo removes them.
fn keep_pending_cells(
    tx: &Transaction<'_>,
    plan: &ImportPlan,
    teacher_ids: &[Option<String>],
    import_id: &str,
    at: &str,
) -> Result<()> {
    for cell in &plan.pending {
        let Some(teacher_id) = teacher_ids.get(cell.person).and_then(Option::as_deref) else {
            continue;
        };
        let source = format!(
            "工作表「{}」第 {} 行 {} 列",
            cell.sheet, cell.row, cell.column
        );
        let row = pending::NewPending {
            teacher_id,
            group: &cell.group,
            field: &cell.field,
            raw: &cell.raw,
            problem: &cell.problem,
            source: &source,
        };
        pending::insert(tx, &row, Some(import_id), at)?;
    }
    Ok(())
}

/// Records the import (`import_run`) with what it wrote and its entry on
/// the audit chain, and gives it back as the clerk sees it.
fn record_run(
    tx: &Transaction<'_>,
    plan: &ImportPlan,
    actor: &Actor,
    run: Run,
    written: &Written,
    audit_entry: i64,
) -> Result<ImportRun> {
    let Run { id, at } = run;
    let preview = &plan.preview;
    let sheets: Vec<&str> = preview.sheets.iter().map(|s| s.name.as_str()).collect();
    tx.execute(
        "INSERT INTO import_run (id, at, actor, file_name, sheets, on_conflict, counts,
                                 teachers_created, records_written, audit_entry)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        (
            &id,
            &at,
            actor.name(),
            &preview.file_name,
            serde_json::to_string(&sheets)?,
            match preview.on_conflict {
                OnConflict::Keep => "keep",
                OnConflict::Take => "take",
            },
            serde_json::to_string(&preview.counts)?,
            written.teachers_created as i64,
            written.records_written as i64,
            audit_entry,
        ),
    )?;
    Ok(ImportRun {
        id,
        at,
        actor: actor.name().to_owned(),
        file_name: preview.file_name.clone(),
        sheets: sheets.into_iter().map(str::to_owned).collect(),
        on_conflict: preview.on_conflict,
        counts: preview.counts,
        teachers_created: written.teachers_created,
        records_written: written.records_written,
        undone_at: None,
        undone_by: None,
    })
}
