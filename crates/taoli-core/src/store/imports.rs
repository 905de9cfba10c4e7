//! Committing an import plan, the record of committed imports, undoing one,
//! and the column corrections the school remembers (`import_mapping`, used
//! by `import/learned.rs`).

use rusqlite::{OptionalExtension, Row, Transaction};
use serde_json::Value;

use super::{BackupReason, SchoolFile, backups, revisions};
use crate::error::{Error, Result};
use crate::import::learned::Remembered;
use crate::import::plan::{Person, Write};
use crate::import::{ImportCounts, ImportPlan, ImportRun, OnConflict, UndoResult};
use crate::record::{Fields, IndicatorRecord};
use crate::revision::{Action, Entity};
use crate::teacher::{Teacher, id_type_name};
use crate::time::now;

const RUN_COLUMNS: &str = "id, at, actor, file_name, sheets, on_conflict, counts, teachers_created, records_written, undone_at, undone_by, first_revision, last_revision";

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<(ImportRun, Option<i64>, Option<i64>)> {
    let json = |i: usize| -> rusqlite::Result<Value> {
        let text: String = r.get(i)?;
        serde_json::from_str(&text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    let counts = json(6)?;
    let count = |k: &str| counts.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
    let on_conflict: String = r.get(5)?;
    Ok((
        ImportRun {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            file_name: r.get(3)?,
            sheets: serde_json::from_value(json(4)?).unwrap_or_default(),
            on_conflict: if on_conflict == "take" {
                OnConflict::Take
            } else {
                OnConflict::Keep
            },
            counts: ImportCounts {
                total: count("total"),
                new: count("new"),
                update: count("update"),
                unchanged: count("unchanged"),
                refused: count("refused"),
            },
            teachers_created: r.get::<_, i64>(7)? as usize,
            records_written: r.get::<_, i64>(8)? as usize,
            undone_at: r.get(9)?,
            undone_by: r.get(10)?,
        },
        r.get(11)?,
        r.get(12)?,
    ))
}

fn teacher_json(
    id: &str,
    name: &str,
    id_type: &str,
    id_number: &str,
    version: i64,
    created_at: &str,
    updated_at: &str,
) -> Result<Value> {
    Ok(serde_json::to_value(Teacher {
        id: id.to_owned(),
        name: name.to_owned(),
        id_type: id_type.to_owned(),
        id_type_name: id_type_name(id_type),
        id_number: id_number.to_owned(),
        version,
        created_at: created_at.to_owned(),
        updated_at: updated_at.to_owned(),
    })?)
}

fn record_by_id(tx: &Transaction<'_>, id: &str) -> Result<Option<IndicatorRecord>> {
    Ok(tx
        .prepare_cached(
            "SELECT id, teacher_id, group_code, row_order, fields, version, updated_at FROM record WHERE id = ?1",
        )?
        .query_row([id], |r| {
            let fields: String = r.get(4)?;
            Ok(IndicatorRecord {
                id: r.get(0)?,
                teacher_id: r.get(1)?,
                group_code: r.get(2)?,
                row_order: r.get(3)?,
                fields: serde_json::from_str(&fields).unwrap_or_default(),
                version: r.get(5)?,
                updated_at: r.get(6)?,
            })
        })
        .optional()?)
}

/// The fields a write stores, as JSON text: the plan's working record it points to.
fn planned_fields<'p>(plan: &'p ImportPlan, person: usize, group: &str, index: usize) -> &'p str {
    plan.states
        .get(person)
        .and_then(|s| s.records.get(group))
        .and_then(|r| r.get(index))
        .map_or("{}", |r| &*r.text)
}

fn max_revision(tx: &Transaction<'_>) -> Result<i64> {
    Ok(tx.query_row("SELECT IFNULL(MAX(id), 0) FROM revision", [], |r| r.get(0))?)
}

impl SchoolFile {
    /// The column corrections the school remembers, newest first: what
    /// [`Remembered::apply`] gives a later roster, for the same header layout
    /// or by header name (`import/learned.rs`). Targets no longer in the
    /// school's catalog (after a province pack change) are left out.
    pub fn remembered_choices(&self) -> Result<Remembered> {
        self.require(crate::account::Permission::Import)?;
        let effective = self.effective_catalog()?;
        let mut stmt = self.conn.prepare(
            "SELECT layout, header, target FROM import_mapping ORDER BY at DESC, layout, header",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Remembered::new(&effective, rows))
    }

    /// Writes a plan's accepted rows in one transaction, records the import,
    /// and remembers the clerk's column corrections. `progress` is told
    /// (writes done, writes in all) as the commit goes.
    pub fn commit_import(
        &mut self,
        plan: &ImportPlan,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportRun> {
        let actor = &self.require(crate::account::Permission::Import)?;
        let total = plan.writes.len();
        // The school as it was, in case the import was not what the clerk
        // meant; recorded in the import's own transaction (all or nothing).
        let backup = self.automatic_backup(BackupReason::BeforeImport)?;
        // A bulk write: a bigger page cache keeps SQLite from spilling pages
        // to the WAL before the commit.
        self.conn.pragma_update(None, "cache_size", -8_192)?;
        let result = self.write(|tx| {
            backups::record_backup(tx, &backup, actor)?;
            let at = now();
            let base = max_revision(tx)?;
            let mut chain = revisions::Chain::start(tx)?;
            let mut teacher_ids: Vec<Option<String>> = plan
                .persons
                .iter()
                .map(|p| p.existing.as_ref().map(|t| t.id.clone()))
                .collect();
            let mut teachers_created = 0usize;
            let mut records_written = 0usize;
            for (done, write) in plan.writes.iter().enumerate() {
                if done % 500 == 0 {
                    progress(done, total);
                }
                match write {
                    Write::NewTeacher { person } => {
                        let p = planned_person(plan, *person)?;
                        let id = uuid::Uuid::now_v7().to_string();
                        let inserted = tx
                            .prepare_cached(
                                "INSERT INTO teacher (id, id_type, id_number, name, version, created_at, updated_at)
                                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
                            )?
                            .execute((&id, &p.id_type, &p.id_number, &p.name, &at));
                        if let Err(rusqlite::Error::SqliteFailure(e, _)) = &inserted
                            && e.code == rusqlite::ErrorCode::ConstraintViolation
                        {
                            return Err(Error::StalePreview {
                                detail: format!("证件号 {} 的教师已在预览后登记", p.id_number),
                            });
                        }
                        inserted?;
                        let json = teacher_json(&id, &p.name, &p.id_type, &p.id_number, 1, &at, &at)?;
                        chain.record_text(
                            tx,
                            &at,
                            actor,
                            Entity::Teacher,
                            &id,
                            Some(&id),
                            Action::Create,
                            None,
                            Some(&json.to_string()),
                        )?;
                        if let Some(slot) = teacher_ids.get_mut(*person) {
                            *slot = Some(id);
                        }
                        teachers_created = teachers_created.saturating_add(1);
                    }
                    Write::RenameTeacher { person } => {
                        let p = planned_person(plan, *person)?;
                        let (Some(old), Some(name)) = (&p.existing, &p.rename) else { continue };
                        let changed = tx
                            .prepare_cached(
                                "UPDATE teacher SET name = ?2, version = version + 1, updated_at = ?3
                                 WHERE id = ?1 AND version = ?4",
                            )?
                            .execute((&old.id, name, &at, old.version))?;
                        if changed == 0 {
                            return Err(Error::StalePreview {
                                detail: format!("教师「{}」已在预览后被修改", old.name),
                            });
                        }
                        let before = serde_json::to_value(old)?;
                        let after = teacher_json(
                            &old.id,
                            name,
                            &old.id_type,
                            &old.id_number,
                            old.version.saturating_add(1),
                            &old.created_at,
                            &at,
                        )?;
                        chain.record(
                            tx,
                            actor,
                            Entity::Teacher,
                            &old.id,
                            Some(&old.id),
                            Action::Update,
                            Some(&before),
                            Some(&after),
                        )?;
                    }
                    Write::AddRecord {
                        person,
                        group,
                        index,
                        row_order,
                    } => {
                        let Some(teacher_id) = teacher_ids.get(*person).and_then(Option::as_deref)
                        else {
                            continue;
                        };
                        let fields = planned_fields(plan, *person, group, *index);
                        let row_order = match row_order {
                            Some(n) => *n,
                            None => tx
                                .prepare_cached(
                                    "SELECT COALESCE(MAX(row_order), 0) + 1 FROM record WHERE teacher_id = ?1 AND group_code = ?2",
                                )?
                                .query_row((teacher_id, &**group), |r| r.get(0))?,
                        };
                        let id = uuid::Uuid::now_v7().to_string();
                        let text = fields;
                        tx.prepare_cached(
                            "INSERT INTO record (id, teacher_id, group_code, row_order, fields, version, updated_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
                        )?
                        .execute((&id, teacher_id, &**group, row_order, text, &at))?;
                        // The record as `IndicatorRecord` serializes, built
                        // around the fields' JSON rather than serializing them twice.
                        let json = format!(
                            r#"{{"id":"{id}","teacher_id":"{teacher_id}","group_code":{},"row_order":{row_order},"fields":{text},"version":1,"updated_at":"{at}"}}"#,
                            serde_json::to_string(group)?
                        );
                        chain.record_text(
                            tx,
                            &at,
                            actor,
                            Entity::Record,
                            &id,
                            Some(teacher_id),
                            Action::Create,
                            None,
                            Some(&json),
                        )?;
                        records_written = records_written.saturating_add(1);
                    }
                    Write::UpdateRecord {
                        person,
                        group,
                        index,
                        record_id,
                        version,
                    } => {
                        let fields = planned_fields(plan, *person, group, *index);
                        let stale = || Error::StalePreview {
                            detail: "有记录在预览后被修改或删除".into(),
                        };
                        let old = record_by_id(tx, record_id)?.ok_or_else(stale)?;
                        if old.version != *version {
                            return Err(stale());
                        }
                        tx.prepare_cached(
                            "UPDATE record SET fields = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
                        )?
                        .execute((record_id, fields, &at))?;
                        let new = IndicatorRecord {
                            fields: serde_json::from_str(fields)?,
                            version: old.version.saturating_add(1),
                            updated_at: at.clone(),
                            ..old.clone()
                        };
                        chain.record(
                            tx,
                            actor,
                            Entity::Record,
                            record_id,
                            Some(&old.teacher_id),
                            Action::Update,
                            Some(&serde_json::to_value(&old)?),
                            Some(&serde_json::to_value(&new)?),
                        )?;
                        records_written = records_written.saturating_add(1);
                    }
                }
            }
            let last = max_revision(tx)?;
            let (first, last) = if last > base {
                (Some(base.saturating_add(1)), Some(last))
            } else {
                (None, None)
            };
            for (layout, header, target) in &plan.remember {
                tx.prepare_cached(
                    "INSERT INTO import_mapping (layout, header, target, actor, at) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (layout, header) DO UPDATE SET target = excluded.target, actor = excluded.actor, at = excluded.at",
                )?
                .execute((layout, header, target, actor.name(), &at))?;
            }
            let preview = &plan.preview;
            let id = uuid::Uuid::now_v7().to_string();
            for cell in &plan.pending {
                let Some(teacher_id) = teacher_ids.get(cell.person).and_then(Option::as_deref)
                else {
                    continue;
                };
                let source = format!("工作表「{}」第 {} 行 {} 列", cell.sheet, cell.row, cell.column);
                let row = super::pending::NewPending {
                    teacher_id,
                    group: &cell.group,
                    field: &cell.field,
                    raw: &cell.raw,
                    problem: &cell.problem,
                    source: &source,
                };
                super::pending::insert(tx, &row, Some(&id), &at)?;
            }
            let sheets: Vec<&str> = preview.sheets.iter().map(|s| s.name.as_str()).collect();
            tx.execute(
                "INSERT INTO import_run (id, at, actor, file_name, sheets, on_conflict, counts,
                                         teachers_created, records_written, first_revision, last_revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
                    teachers_created as i64,
                    records_written as i64,
                    first,
                    last,
                ),
            )?;
            progress(total, total);
            Ok(ImportRun {
                id,
                at: at.clone(),
                actor: actor.name().to_owned(),
                file_name: preview.file_name.clone(),
                sheets: sheets.into_iter().map(str::to_owned).collect(),
                on_conflict: preview.on_conflict,
                counts: preview.counts,
                teachers_created,
                records_written,
                undone_at: None,
                undone_by: None,
            })
        });
        self.conn.pragma_update(None, "cache_size", -2000)?;
        result
    }

    /// Every committed import, newest first.
    pub fn imports(&self) -> Result<Vec<ImportRun>> {
        self.require(crate::account::Permission::Import)?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM import_run ORDER BY at DESC, id DESC"
        ))?;
        let rows = stmt.query_map([], run_from_row)?;
        Ok(rows
            .map(|r| r.map(|(run, _, _)| run))
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Undoes a committed import as a whole (the latest one not yet undone
    /// when `id` is none). Refuses, naming the teachers, when anything the
    /// import wrote was changed afterwards.
    pub fn undo_import(&mut self, id: Option<&str>) -> Result<UndoResult> {
        let actor = &self.require(crate::account::Permission::Import)?;
        let found = match id {
            Some(id) => self
                .conn
                .query_row(
                    &format!("SELECT {RUN_COLUMNS} FROM import_run WHERE id = ?1"),
                    [id.trim()],
                    run_from_row,
                )
                .optional()?
                .ok_or_else(|| Error::ImportNotFound(id.to_owned()))?,
            None => self
                .conn
                .query_row(
                    &format!(
                        "SELECT {RUN_COLUMNS} FROM import_run WHERE undone_at IS NULL ORDER BY at DESC, id DESC LIMIT 1"
                    ),
                    [],
                    run_from_row,
                )
                .optional()?
                .ok_or(Error::NothingToUndo)?,
        };
        let (mut run, first, last) = found;
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
        self.write(|tx| {
            if let (Some(first), Some(last)) = (first, last) {
                let blocked: Vec<String> = tx
                    .prepare(
                        "SELECT DISTINCT COALESCE(t.name, json_extract(r.new_value, '$.name'), r.teacher_id)
                         FROM revision r LEFT JOIN teacher t ON t.id = r.teacher_id
                         WHERE r.id > ?2 AND r.entity_id IN (SELECT entity_id FROM revision WHERE id BETWEEN ?1 AND ?2)
                         ORDER BY 1",
                    )?
                    .query_map((first, last), |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<_>>()?;
                if !blocked.is_empty() {
                    let shown: Vec<String> = blocked.iter().take(20).cloned().collect();
                    let more = if blocked.len() > 20 {
                        format!(" 等 {} 位", blocked.len())
                    } else {
                        String::new()
                    };
                    return Err(Error::UndoBlocked {
                        teachers: format!("{}{more}", shown.join("、")),
                    });
                }
                let written: Vec<(String, String, String, Option<String>)> = tx
                    .prepare(
                        "SELECT entity, entity_id, action, old_value FROM revision
                         WHERE id BETWEEN ?1 AND ?2 ORDER BY id DESC",
                    )?
                    .query_map((first, last), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                for (entity, entity_id, action, old_value) in written {
                    let old: Option<Value> = old_value.and_then(|t| serde_json::from_str(&t).ok());
                    match (entity.as_str(), action.as_str()) {
                        ("record", "create") => {
                            if let Some(current) = record_by_id(tx, &entity_id)? {
                                tx.execute("DELETE FROM record WHERE id = ?1", [&entity_id])?;
                                revisions::record(
                                    tx,
                                    actor,
                                    Entity::Record,
                                    &entity_id,
                                    Some(&current.teacher_id),
                                    Action::Delete,
                                    Some(&serde_json::to_value(&current)?),
                                    None,
                                )?;
                                result.records_removed = result.records_removed.saturating_add(1);
                            }
                        }
                        ("record", "update") => {
                            let Some(current) = record_by_id(tx, &entity_id)? else { continue };
                            let fields: Fields = old
                                .as_ref()
                                .and_then(|o| o.get("fields"))
                                .and_then(Value::as_object)
                                .cloned()
                                .unwrap_or_default();
                            tx.execute(
                                "UPDATE record SET fields = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
                                (&entity_id, Value::Object(fields.clone()).to_string(), &at),
                            )?;
                            let restored = IndicatorRecord {
                                fields,
                                version: current.version.saturating_add(1),
                                updated_at: at.clone(),
                                ..current.clone()
                            };
                            revisions::record(
                                tx,
                                actor,
                                Entity::Record,
                                &entity_id,
                                Some(&current.teacher_id),
                                Action::Update,
                                Some(&serde_json::to_value(&current)?),
                                Some(&serde_json::to_value(&restored)?),
                            )?;
                            result.records_restored = result.records_restored.saturating_add(1);
                        }
                        ("teacher", "create") => {
                            let current = tx
                                .query_row(
                                    "SELECT id, name, id_type, id_number, version, created_at, updated_at FROM teacher WHERE id = ?1",
                                    [&entity_id],
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
                                .optional()?;
                            let Some((name, id_type, id_number, version, created, updated)) = current else {
                                continue;
                            };
                            tx.execute("DELETE FROM teacher WHERE id = ?1", [&entity_id])?;
                            let json = teacher_json(&entity_id, &name, &id_type, &id_number, version, &created, &updated)?;
                            revisions::record(
                                tx,
                                actor,
                                Entity::Teacher,
                                &entity_id,
                                Some(&entity_id),
                                Action::Delete,
                                Some(&json),
                                None,
                            )?;
                            result.teachers_removed = result.teachers_removed.saturating_add(1);
                        }
                        ("teacher", "update") => {
                            let Some(name) = old.as_ref().and_then(|o| o.get("name")).and_then(Value::as_str) else {
                                continue;
                            };
                            let read = |tx: &Transaction<'_>| -> Result<Option<Value>> {
                                tx.query_row(
                                    "SELECT id, name, id_type, id_number, version, created_at, updated_at FROM teacher WHERE id = ?1",
                                    [&entity_id],
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
                                    teacher_json(&entity_id, &name, &id_type, &id_number, version, &created, &updated)
                                })
                                .transpose()
                            };
                            let Some(before) = read(tx)? else {
                                continue;
                            };
                            tx.execute(
                                "UPDATE teacher SET name = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
                                (&entity_id, name, &at),
                            )?;
                            // The entry shows the row as it is now stored (its
                            // version and time), not the copy the import replaced.
                            let after = read(tx)?;
                            revisions::record(
                                tx,
                                actor,
                                Entity::Teacher,
                                &entity_id,
                                Some(&entity_id),
                                Action::Update,
                                Some(&before),
                                after.as_ref(),
                            )?;
                        }
                        _ => {}
                    }
                }
            }
            super::pending::delete_for_import(tx, &run.id)?;
            tx.execute(
                "UPDATE import_run SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
                (&run.id, &at, actor.name()),
            )?;
            Ok(())
        })?;
        run.undone_at = Some(at);
        run.undone_by = Some(actor.name().to_owned());
        result.import = run;
        Ok(result)
    }
}

/// The person a write of the plan is for. The planner hands out only its own
/// positions, so a miss means the plan is not the one previewed.
fn planned_person(plan: &ImportPlan, person: usize) -> Result<&Person> {
    plan.persons.get(person).ok_or_else(|| Error::StalePreview {
        detail: "导入计划与预览对不上".to_owned(),
    })
}
