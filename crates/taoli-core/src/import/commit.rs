//! Committing an import plan ([`Imports::commit`]): in one
//! transaction, with the backup taken just before it, the plan's writes in
//! order ([`Executor`]); then the import's change set, gathered per teacher
//! from what the writes did ([`record_changes`]); the clerk's column
//! corrections, the cells kept on a 待修正 error, the record of the import
//! (`import_run`), and last the import's one entry on the audit chain,
//! which holds the change set's hash (`store/change_sets.rs`). The one-pass
//! import (`pipeline.rs`) runs the same steps with the writes coming from
//! the planner as it goes. The undo (`undo.rs`) reads the change set back.

use std::sync::Arc;

use rusqlite::Transaction;

use super::plan::{StoredRecord, Write};
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
            let mut executor = Executor::new(tx, &run.at);
            for (done, write) in plan.writes.iter().enumerate() {
                if done % 500 == 0 {
                    progress(done, total);
                }
                executor.execute(plan.ready(write)?)?;
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

/// After the writes: the change set, the remembered corrections, the
/// 待修正 cells, the record of the import and its entry on the chain.
pub(super) fn finish_import(
    tx: &Transaction<'_>,
    plan: &ImportPlan,
    actor: &Actor,
    run: Run,
    executor: Executor<'_, '_>,
) -> Result<ImportRun> {
    let written = executor.finish(plan);
    let changes = record_changes(tx, plan, &written, &run)?;
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
    AddRecord {
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
    /// The record the write at this position made or updated changed in the
    /// plan since: its fields now.
    Refresh { write: u32, text: Box<str> },
    /// Nothing to write.
    Nothing,
}

/// What a write did, kept for the change set: a plan's half a million
/// writes each leave one (32 bytes).
#[derive(Debug)]
enum Done {
    Teacher(uuid::Uuid),
    Renamed,
    Added { id: uuid::Uuid, row_order: i64 },
    Updated(Box<IndicatorRecord>),
    Nothing,
}

/// What the plan's writes left behind.
pub(super) struct Written {
    /// Each person's teacher id: stored, or registered by this import; none
    /// for a person the plan does not register.
    pub teacher_ids: Vec<Option<String>>,
    pub teachers_created: usize,
    pub records_written: usize,
    /// What each write did, in the plan's order.
    done: Vec<Done>,
}

/// Carries out an import's writes in order in its transaction.
pub(crate) struct Executor<'a, 't> {
    tx: &'a Transaction<'t>,
    at: String,
    /// The teachers this import registered, by the person's position.
    new_ids: Vec<Option<uuid::Uuid>>,
    done: Vec<Done>,
    teachers_created: usize,
    records_written: usize,
}

impl<'a, 't> Executor<'a, 't> {
    pub(super) fn new(tx: &'a Transaction<'t>, at: &str) -> Executor<'a, 't> {
        Executor {
            tx,
            at: at.to_owned(),
            new_ids: Vec::new(),
            done: Vec::new(),
            teachers_created: 0,
            records_written: 0,
        }
    }

    /// How many writes were carried out so far.
    pub(super) fn writes_done(&self) -> usize {
        self.done.len()
    }

    /// Carries out one write.
    pub(super) fn execute(&mut self, ready: Ready) -> Result<()> {
        let done = match ready {
            Ready::NewTeacher {
                person,
                name,
                id_type,
                id_number,
            } => self.new_teacher(person, &name, &id_type, &id_number)?,
            Ready::RenameTeacher { old, name } => self.rename_teacher(&old, &name)?,
            Ready::AddRecord {
                person,
                stored_teacher,
                group,
                row_order,
                text,
            } => self.add_record(person, stored_teacher.as_deref(), &group, row_order, &text)?,
            Ready::UpdateRecord { stored, text } => self.update_record(&stored, &text)?,
            Ready::Refresh { write, text } => {
                self.refresh(write, &text)?;
                return Ok(());
            }
            Ready::Nothing => Done::Nothing,
        };
        self.done.push(done);
        Ok(())
    }

    /// What the writes left behind, with each person's teacher id.
    fn finish(self, plan: &ImportPlan) -> Written {
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
        Written {
            teacher_ids,
            teachers_created: self.teachers_created,
            records_written: self.records_written,
            done: self.done,
        }
    }

    /// Registers a new teacher; refused as a stale preview when someone
    /// registered the same ID number since.
    fn new_teacher(
        &mut self,
        person: usize,
        name: &str,
        id_type: &str,
        id_number: &str,
    ) -> Result<Done> {
        let id = uuid::Uuid::now_v7();
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO teacher (id, id_type, id_number, name, version, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
            )?
            .execute((id.to_string(), id_type, id_number, name, &self.at));
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
        if self.new_ids.len() <= person {
            self.new_ids.resize(person.saturating_add(1), None);
        }
        if let Some(slot) = self.new_ids.get_mut(person) {
            *slot = Some(id);
        }
        self.teachers_created = self.teachers_created.saturating_add(1);
        Ok(Done::Teacher(id))
    }

    /// Renames a stored teacher; refused as a stale preview when the row
    /// changed since.
    fn rename_teacher(&mut self, old: &Teacher, name: &str) -> Result<Done> {
        let changed = self
            .tx
            .prepare_cached(
                "UPDATE teacher SET name = ?2, version = version + 1, updated_at = ?3
                 WHERE id = ?1 AND version = ?4",
            )?
            .execute((&old.id, name, &self.at, old.version))?;
        if changed == 0 {
            return Err(ImportError::StalePreview {
                reason: StaleReason::TeacherChanged {
                    name: old.name.clone(),
                },
            }
            .into());
        }
        Ok(Done::Renamed)
    }

    /// Creates a record (numbered by the plan, or after the teacher's stored
    /// rows of the group); nothing for a person not registered.
    fn add_record(
        &mut self,
        person: usize,
        stored_teacher: Option<&str>,
        group: &str,
        row_order: Option<i64>,
        text: &str,
    ) -> Result<Done> {
        let new_id;
        let teacher_id = match stored_teacher {
            Some(id) => id,
            None => match self.new_ids.get(person).copied().flatten() {
                Some(id) => {
                    new_id = id.to_string();
                    new_id.as_str()
                }
                None => return Ok(Done::Nothing),
            },
        };
        let row_order: i64 = match row_order {
            Some(n) => n,
            None => self
                .tx
                .prepare_cached(
                    "SELECT COALESCE(MAX(row_order), 0) + 1 FROM record WHERE teacher_id = ?1 AND group_code = ?2",
                )?
                .query_row((teacher_id, group), |r| r.get(0))?,
        };
        let id = uuid::Uuid::now_v7();
        self.tx
            .prepare_cached(
                "INSERT INTO record (id, teacher_id, group_code, row_order, fields, version, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
            )?
            .execute((id.to_string(), teacher_id, group, row_order, text, &self.at))?;
        self.records_written = self.records_written.saturating_add(1);
        Ok(Done::Added { id, row_order })
    }

    /// Replaces a stored record's fields; refused as a stale preview when
    /// the record changed or went since.
    fn update_record(&mut self, stored: &StoredRecord, text: &str) -> Result<Done> {
        let stale = || {
            Error::Import(ImportError::StalePreview {
                reason: StaleReason::RecordChanged,
            })
        };
        let old = record_by_id(self.tx, &stored.id)?.ok_or_else(stale)?;
        if old.version != stored.version {
            return Err(stale());
        }
        self.tx
            .prepare_cached(
                "UPDATE record SET fields = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
            )?
            .execute((&stored.id, text, &self.at))?;
        self.records_written = self.records_written.saturating_add(1);
        Ok(Done::Updated(Box::new(old)))
    }

    /// Writes the fields the plan now has for the record an earlier write
    /// made or updated.
    fn refresh(&mut self, write: u32, text: &str) -> Result<()> {
        let id = match self.done.get(write as usize) {
            Some(Done::Added { id, .. }) => id.to_string(),
            Some(Done::Updated(old)) => old.id.clone(),
            _ => return Ok(()),
        };
        self.tx
            .prepare_cached("UPDATE record SET fields = ?2 WHERE id = ?1")?
            .execute((id, text))?;
        Ok(())
    }
}

/// The import's change set: each write's change as the revision it
/// replaces would have recorded it, from the plan as finished (the fields
/// the record was left with) and what the write did.
fn record_changes(
    tx: &Transaction<'_>,
    plan: &ImportPlan,
    written: &Written,
    run: &Run,
) -> Result<ChangeSetWriter> {
    let at = run.at.as_str();
    let mut changes = ChangeSetWriter::new(&run.id);
    for (write, done) in plan.writes.iter().zip(&written.done) {
        match (write, done) {
            (Write::NewTeacher { person }, Done::Teacher(id)) => {
                let p = plan.person(*person)?;
                let id = id.to_string();
                let json = teacher_json(&id, &p.name, &p.id_type, &p.id_number, 1, at, at)?;
                changes.change(
                    tx,
                    &id,
                    Entity::Teacher,
                    &id,
                    Action::Create,
                    None,
                    Some(&json.to_string()),
                )?;
            }
            (Write::RenameTeacher { person }, Done::Renamed) => {
                let p = plan.person(*person)?;
                let (Some(old), Some(name)) = (&p.existing, &p.rename) else {
                    continue;
                };
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
                changes.change(
                    tx,
                    &old.id,
                    Entity::Teacher,
                    &old.id,
                    Action::Update,
                    Some(&before.to_string()),
                    Some(&after.to_string()),
                )?;
            }
            (
                Write::AddRecord {
                    person,
                    group,
                    index,
                    ..
                },
                Done::Added { id, row_order },
            ) => {
                let Some(teacher_id) = written.teacher_ids.get(*person).and_then(Option::as_deref)
                else {
                    continue;
                };
                let text = plan.fields_of(*person, group, *index);
                // The record as `IndicatorRecord` serializes, built around
                // the fields' JSON rather than serializing them twice.
                let json = format!(
                    r#"{{"id":"{id}","teacher_id":"{teacher_id}","group_code":{},"row_order":{row_order},"fields":{text},"version":1,"updated_at":"{at}"}}"#,
                    serde_json::to_string(&**group)?
                );
                changes.change(
                    tx,
                    teacher_id,
                    Entity::Record,
                    &id.to_string(),
                    Action::Create,
                    None,
                    Some(&json),
                )?;
            }
            (
                Write::UpdateRecord {
                    person,
                    group,
                    index,
                },
                Done::Updated(old),
            ) => {
                let new = IndicatorRecord {
                    fields: serde_json::from_str(plan.fields_of(*person, group, *index))?,
                    version: old.version.saturating_add(1),
                    updated_at: at.to_owned(),
                    ..(**old).clone()
                };
                changes.change(
                    tx,
                    &old.teacher_id,
                    Entity::Record,
                    &old.id,
                    Action::Update,
                    Some(&serde_json::to_string(old)?),
                    Some(&serde_json::to_string(&new)?),
                )?;
            }
            _ => {}
        }
    }
    Ok(changes)
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
