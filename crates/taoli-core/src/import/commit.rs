//! Committing an import plan ([`Imports::commit`]): in one
//! transaction, with the backup taken just before it, the plan's writes in
//! order, gathered per teacher into the import's change set; then the
//! clerk's column corrections, the cells kept on a 待修正 error, the record
//! of the import (`import_run`), and last the import's one entry on the
//! audit chain, which holds the change set's hash (`store/change_sets.rs`).
//! The undo (`undo.rs`) reads the change set back.

use rusqlite::Transaction;

use super::plan::{Person, StoredRecord, WorkingRecord, Write};
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
            let (written, changes) = apply_writes(tx, plan, &run, progress)?;
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
            let run = record_run(tx, plan, actor, run, &written, entry)?;
            progress(total, total);
            Ok(run)
        });
        self.school.conn.pragma_update(None, "cache_size", -2000)?;
        result
    }
}

/// What the plan's writes left behind.
struct Written {
    /// Each person's teacher id: stored, or registered by this import; none
    /// for a person the plan does not register.
    teacher_ids: Vec<Option<String>>,
    teachers_created: usize,
    records_written: usize,
}

/// The import's id and time.
struct Run {
    id: String,
    at: String,
}

/// Carries out the plan's writes in order, each change gathered into the
/// import's change set, telling `progress` every 500 writes.
fn apply_writes(
    tx: &Transaction<'_>,
    plan: &ImportPlan,
    run: &Run,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(Written, ChangeSetWriter)> {
    let total = plan.writes.len();
    let mut writer = Writer {
        tx,
        plan,
        at: &run.at,
        changes: ChangeSetWriter::new(&run.id),
        written: Written {
            teacher_ids: plan
                .persons
                .iter()
                .map(|p| p.existing.as_ref().map(|t| t.id.clone()))
                .collect(),
            teachers_created: 0,
            records_written: 0,
        },
    };
    for (done, write) in plan.writes.iter().enumerate() {
        if done % 500 == 0 {
            progress(done, total);
        }
        match write {
            Write::NewTeacher { person } => writer.new_teacher(*person)?,
            Write::RenameTeacher { person } => writer.rename_teacher(*person)?,
            Write::AddRecord {
                person,
                group,
                index,
                numbered,
            } => writer.add_record(*person, group, *index, *numbered)?,
            Write::UpdateRecord {
                person,
                group,
                index,
            } => writer.update_record(*person, group, *index)?,
        }
    }
    Ok((writer.written, writer.changes))
}

/// One commit's writes under way.
struct Writer<'a, 't> {
    tx: &'a Transaction<'t>,
    plan: &'a ImportPlan,
    at: &'a str,
    changes: ChangeSetWriter,
    written: Written,
}

impl Writer<'_, '_> {
    /// Registers a new teacher; refused as a stale preview when someone
    /// registered the same ID number since.
    fn new_teacher(&mut self, person: usize) -> Result<()> {
        let (tx, at) = (self.tx, self.at);
        let p = planned_person(self.plan, person)?;
        let id = uuid::Uuid::now_v7().to_string();
        let inserted = tx
            .prepare_cached(
                "INSERT INTO teacher (id, id_type, id_number, name, version, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
            )?
            .execute((&id, &p.id_type, &p.id_number, &p.name, at));
        if let Err(rusqlite::Error::SqliteFailure(e, _)) = &inserted
            && e.code == rusqlite::ErrorCode::ConstraintViolation
        {
            return Err(ImportError::StalePreview {
                reason: StaleReason::TeacherRegistered {
                    id_number: p.id_number.clone(),
                },
            }
            .into());
        }
        inserted?;
        let json = teacher_json(&id, &p.name, &p.id_type, &p.id_number, 1, at, at)?;
        self.changes.change(
            tx,
            &id,
            Entity::Teacher,
            &id,
            Action::Create,
            None,
            Some(&json.to_string()),
        )?;
        if let Some(slot) = self.written.teacher_ids.get_mut(person) {
            *slot = Some(id);
        }
        self.written.teachers_created = self.written.teachers_created.saturating_add(1);
        Ok(())
    }

    /// Renames a stored teacher; refused as a stale preview when the row
    /// changed since.
    fn rename_teacher(&mut self, person: usize) -> Result<()> {
        let (tx, at) = (self.tx, self.at);
        let p = planned_person(self.plan, person)?;
        let (Some(old), Some(name)) = (&p.existing, &p.rename) else {
            return Ok(());
        };
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
        )?;
        Ok(())
    }

    /// Creates a record (numbered by the plan, or after the teacher's stored
    /// rows of the group); nothing for a person not registered.
    fn add_record(
        &mut self,
        person: usize,
        group: &str,
        index: usize,
        numbered: bool,
    ) -> Result<()> {
        let (tx, at) = (self.tx, self.at);
        let Some(teacher_id) = self
            .written
            .teacher_ids
            .get(person)
            .and_then(Option::as_deref)
        else {
            return Ok(());
        };
        let fields = planned_fields(self.plan, person, group, index);
        let row_order: i64 = if numbered {
            i64::try_from(index).map_or(i64::MAX, |i| i.saturating_add(1))
        } else {
            tx.prepare_cached(
                "SELECT COALESCE(MAX(row_order), 0) + 1 FROM record WHERE teacher_id = ?1 AND group_code = ?2",
            )?
            .query_row((teacher_id, group), |r| r.get(0))?
        };
        let id = uuid::Uuid::now_v7().to_string();
        let text = fields;
        tx.prepare_cached(
            "INSERT INTO record (id, teacher_id, group_code, row_order, fields, version, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
        )?
        .execute((&id, teacher_id, group, row_order, text, at))?;
        // The record as `IndicatorRecord` serializes, built around the
        // fields' JSON rather than serializing them twice.
        let json = format!(
            r#"{{"id":"{id}","teacher_id":"{teacher_id}","group_code":{},"row_order":{row_order},"fields":{text},"version":1,"updated_at":"{at}"}}"#,
            serde_json::to_string(group)?
        );
        self.changes.change(
            tx,
            teacher_id,
            Entity::Record,
            &id,
            Action::Create,
            None,
            Some(&json),
        )?;
        self.written.records_written = self.written.records_written.saturating_add(1);
        Ok(())
    }

    /// Replaces a stored record's fields; refused as a stale preview when
    /// the record changed or went since.
    fn update_record(&mut self, person: usize, group: &str, index: usize) -> Result<()> {
        let (tx, at) = (self.tx, self.at);
        let stale = || {
            Error::Import(ImportError::StalePreview {
                reason: StaleReason::RecordChanged,
            })
        };
        let planned = planned_record(self.plan, person, group, index);
        let fields = planned.map_or("{}", |r| &*r.text);
        let Some(StoredRecord {
            id: record_id,
            version,
        }) = planned.and_then(|r| r.stored.as_deref())
        else {
            return Err(stale());
        };
        let (record_id, version) = (record_id.as_str(), *version);
        let old = record_by_id(tx, record_id)?.ok_or_else(stale)?;
        if old.version != version {
            return Err(stale());
        }
        tx.prepare_cached(
            "UPDATE record SET fields = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
        )?
        .execute((record_id, fields, at))?;
        let new = IndicatorRecord {
            fields: serde_json::from_str(fields)?,
            version: old.version.saturating_add(1),
            updated_at: at.to_owned(),
            ..old.clone()
        };
        self.changes.change(
            tx,
            &old.teacher_id,
            Entity::Record,
            record_id,
            Action::Update,
            Some(&serde_json::to_string(&old)?),
            Some(&serde_json::to_string(&new)?),
        )?;
        self.written.records_written = self.written.records_written.saturating_add(1);
        Ok(())
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

/// The fields a write stores, as JSON text: the plan's working record it points to.
fn planned_fields<'p>(plan: &'p ImportPlan, person: usize, group: &str, index: usize) -> &'p str {
    planned_record(plan, person, group, index).map_or("{}", |r| &*r.text)
}

fn planned_record<'p>(
    plan: &'p ImportPlan,
    person: usize,
    group: &str,
    index: usize,
) -> Option<&'p WorkingRecord> {
    plan.states
        .get(person)
        .and_then(|s| s.records.get(group))
        .and_then(|r| r.get(index))
}

/// The person a write of the plan is for. The planner hands out only its own
/// positions, so a miss means the plan is not the one previewed.
fn planned_person(plan: &ImportPlan, person: usize) -> Result<&Person> {
    plan.persons.get(person).ok_or_else(|| {
        Error::Import(ImportError::StalePreview {
            reason: StaleReason::PlanMismatch,
        })
    })
}
