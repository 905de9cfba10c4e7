//! The `status_event` table: a teacher's status history, read and written
//! on a transaction. What a change may be and what it does is the status
//! feature's (`status_changes.rs`), which calls down here.

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use super::revisions;
use crate::account::Actor;
use crate::error::Result;
use crate::revision::{Action, Entity};
use crate::status_event::{EventKind, EventState, StatusEvent};

const COLUMNS: &str = "id, teacher_id, status, effective_date, reason, evidence, kind, state, \
                       decision_note, decided_at, created_at, created_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<StatusEvent> {
    Ok(StatusEvent {
        id: r.get(0)?,
        teacher_id: r.get(1)?,
        status: r.get(2)?,
        effective_date: r.get(3)?,
        reason: r.get(4)?,
        evidence: r.get(5)?,
        kind: EventKind::parse(&r.get::<_, String>(6)?),
        state: EventState::parse(&r.get::<_, String>(7)?),
        decision_note: r.get(8)?,
        decided_at: r.get(9)?,
        created_at: r.get(10)?,
        created_by: r.get(11)?,
    })
}

/// A teacher's events, oldest first: the initial one (the status they had
/// when their history began, whatever its date), then by effective date and
/// when made.
pub(crate) fn of_teacher(conn: &Connection, teacher_id: &str) -> Result<Vec<StatusEvent>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM status_event WHERE teacher_id = ?1
         ORDER BY kind <> 'initial', effective_date, created_at, id"
    ))?;
    let rows = stmt.query_map([teacher_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every event of the school, by teacher, oldest first.
pub(crate) fn all(conn: &Connection) -> Result<Vec<StatusEvent>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM status_event
         ORDER BY teacher_id, kind <> 'initial', effective_date, created_at, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One event by id.
pub(crate) fn by_id(conn: &Connection, id: &str) -> Result<Option<StatusEvent>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM status_event WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

/// Writes an event with its audit entry (entity `teacher`, entity id
/// `status:<event id>`), inside the caller's transaction.
pub(crate) fn insert(tx: &Transaction<'_>, actor: &Actor, event: &StatusEvent) -> Result<()> {
    tx.execute(
        &format!(
            "INSERT INTO status_event ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        rusqlite::params![
            event.id,
            event.teacher_id,
            event.status,
            event.effective_date,
            event.reason,
            event.evidence,
            event.kind.as_str(),
            event.state.as_str(),
            event.decision_note,
            event.decided_at,
            event.created_at,
            event.created_by,
        ],
    )?;
    revisions::record(
        tx,
        actor,
        Entity::Teacher,
        &format!("status:{}", event.id),
        Some(&event.teacher_id),
        Action::Create,
        None,
        Some(&serde_json::json!({ "status_event": event })),
    )
}

/// Moves an event to `state` (with the reviewer's note), with its audit entry.
pub(crate) fn decide(
    tx: &Transaction<'_>,
    actor: &Actor,
    old: &StatusEvent,
    state: EventState,
    note: Option<&str>,
    at: &str,
) -> Result<StatusEvent> {
    tx.execute(
        "UPDATE status_event SET state = ?2, decision_note = ?3, decided_at = ?4 WHERE id = ?1",
        (&old.id, state.as_str(), note, at),
    )?;
    let new = StatusEvent {
        state,
        decision_note: note.map(str::to_owned),
        decided_at: Some(at.to_owned()),
        ..old.clone()
    };
    revisions::record(
        tx,
        actor,
        Entity::Teacher,
        &format!("status:{}", old.id),
        Some(&old.teacher_id),
        Action::Update,
        Some(&serde_json::json!({ "status_event": old })),
        Some(&serde_json::json!({ "status_event": new })),
    )?;
    Ok(new)
}

/// Keeps which version of 基本信息 (`record_id`, `base_version` →
/// `version`) the change `event_id` wrote its 人员状态 into.
pub(crate) fn record_write(
    tx: &Transaction<'_>,
    event_id: &str,
    record_id: &str,
    base_version: i64,
    version: i64,
) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO status_write (event_id, record_id, base_version, version)
         VALUES (?1, ?2, ?3, ?4)",
        (event_id, record_id, base_version, version),
    )?;
    Ok(())
}
