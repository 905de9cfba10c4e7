//! What an import wrote, as the log shows it: one entry per teacher under
//! the import's own entry on the chain, read from its change set
//! (`store/change_sets.rs`).
//!
//! A change set's rows are contiguous (`first..=last`, recorded in the
//! import's entry), so the newest of them are read by row id, never by
//! scanning every teacher an import of a whole county wrote.

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;

use super::log::{self, Shown, where_clause};
use super::{AuditChange, AuditEntry};
use crate::error::Result;
use crate::revision::{Action, Entity, Operation, Revision};
use crate::store::change_sets::{self, ChangeRow, EntryMeta, Summary};

/// The conditions on an import's own entry (who, when) a log query has.
pub(super) struct EntryFilter<'a> {
    pub conditions: &'a [String],
    pub params: &'a [SqlValue],
}

/// One teacher's changes under an import: the import's entry and the
/// change set's row.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    pub entry: i64,
    pub row: i64,
}

/// How many teachers' changes the matching imports wrote (only `teacher`'s
/// when one is given), and the newest `end` of them (all when none),
/// newest first.
pub(super) fn units(
    conn: &Connection,
    filter: &EntryFilter<'_>,
    teacher: Option<&str>,
    end: Option<usize>,
) -> Result<(usize, Vec<Unit>)> {
    let entries = entries(conn, filter)?;
    let wanted = end.unwrap_or(usize::MAX);
    let mut total = 0usize;
    let mut units = Vec::new();
    for (entry, run_id, summary) in entries {
        let rows: Vec<i64> = match teacher {
            Some(teacher) => conn
                .prepare_cached(
                    "SELECT id FROM import_change WHERE teacher_id = ?1 AND run_id = ?2 ORDER BY id DESC",
                )?
                .query_map((teacher, &run_id), |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            None => {
                total = total.saturating_add(usize::try_from(summary.rows).unwrap_or(0));
                let (Some(first), Some(last)) = (summary.first, summary.last) else {
                    continue;
                };
                let still = wanted.saturating_sub(units.len());
                if still == 0 {
                    continue;
                }
                conn.prepare_cached(
                    "SELECT id FROM import_change WHERE id BETWEEN ?1 AND ?2 ORDER BY id DESC LIMIT ?3",
                )?
                .query_map(
                    (first, last, i64::try_from(still).unwrap_or(i64::MAX)),
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<_>>()?
            }
        };
        if teacher.is_some() {
            total = total.saturating_add(rows.len());
        }
        let still = wanted.saturating_sub(units.len());
        units.extend(rows.into_iter().take(still).map(|row| Unit { entry, row }));
    }
    Ok((total, units))
}

/// The imports' own entries matching `filter`, newest first, with their
/// import's id and change set.
fn entries(conn: &Connection, filter: &EntryFilter<'_>) -> Result<Vec<(i64, String, Summary)>> {
    let mut conditions = vec!["r.entity = 'import'".to_owned()];
    conditions.extend(filter.conditions.iter().cloned());
    let mut stmt = conn.prepare(&format!(
        "SELECT r.id, r.entity_id, r.new_value FROM revision r {} ORDER BY r.id DESC",
        where_clause(&conditions)
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(filter.params.iter()), |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, run_id, value) = row?;
        let value = value.and_then(|t| serde_json::from_str(&t).ok());
        if let Some(summary) = Summary::of(value.as_ref()) {
            out.push((id, run_id, summary));
        }
    }
    Ok(out)
}

/// What an import wrote for one teacher, as one entry under the import's
/// own: each change's values, the record's group and row before each
/// indicator's label, numbered by the teacher's place in the change set.
pub(super) fn entry(conn: &Connection, unit: &Unit, shown: &Shown<'_>) -> Result<AuditEntry> {
    let (teacher_id, body, name, meta, file_name, first) = conn.query_row(
        "SELECT c.teacher_id, c.body, t.name, r.id, r.at, r.actor, r.hash, i.file_name,
                json_extract(r.new_value, '$.change_set.first')
         FROM import_change c JOIN import_run i ON i.id = c.run_id
         JOIN revision r ON r.id = i.audit_entry
         LEFT JOIN teacher t ON t.id = c.teacher_id
         WHERE c.id = ?1",
        [unit.row],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Option<String>>(2)?,
                EntryMeta {
                    id: r.get(3)?,
                    at: r.get(4)?,
                    actor: r.get(5)?,
                    hash: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                },
                r.get::<_, String>(7)?,
                r.get::<_, Option<i64>>(8)?,
            ))
        },
    )?;
    let row = ChangeRow {
        teacher_id: teacher_id.clone(),
        changes: change_sets::decode(conn, &body)?,
    };
    let revisions: Vec<Revision> = change_sets::revisions_of_row(&meta, &row);
    let registered = revisions
        .iter()
        .any(|r| r.entity == Entity::Teacher && r.action == Action::Create);
    let mut changes = Vec::new();
    let mut teacher_name = name;
    for revision in revisions {
        let shown_entry = log::entry(revision, teacher_name.clone(), shown);
        teacher_name = teacher_name.or(shown_entry.teacher_name);
        let group = (shown_entry.operation == Operation::Record).then_some(shown_entry.subject);
        changes.extend(shown_entry.changes.into_iter().map(|c| AuditChange {
            path: match &group {
                Some(group) => format!("{group} · {}", c.path),
                None => c.path,
            },
            ..c
        }));
    }
    Ok(AuditEntry {
        id: meta.id,
        part: first.map_or(1, |first| unit.row.saturating_sub(first).saturating_add(1)),
        at: meta.at,
        actor: meta.actor,
        operation: Operation::Import,
        action: if registered {
            Action::Create
        } else {
            Action::Update
        },
        teacher_id: Some(teacher_id),
        teacher_name,
        subject: file_name,
        changes,
        hash: meta.hash,
    })
}
