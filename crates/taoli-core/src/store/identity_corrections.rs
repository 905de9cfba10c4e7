//! The `identity_correction` table: identity corrections asked of the
//! county, read and written on a transaction. What a request may be and
//! what its decision does is the feature's (`correction_requests.rs`).

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

use super::revisions;
use crate::account::Actor;
use crate::correction_request::{CHANGE_PREFIX, CorrectionRequest, RequestState};
use crate::error::Result;
use crate::revision::{Action, Entity};
use crate::teacher::id_type_name;

const COLUMNS: &str = "c.id, c.teacher_id, c.name, c.id_type, c.id_number, c.old_name, \
                       c.old_id_type, c.old_id_number, c.reason, c.evidence, c.state, \
                       c.decision_note, c.decided_at, c.created_at, c.created_by";

/// Whether a batch that was not refused carried the request.
const SENT: &str = "EXISTS (SELECT 1 FROM batch_item i JOIN batch b ON b.id = i.batch_id
                    WHERE i.change_id = ?PREFIX || c.id AND b.state <> 'refused')";

fn select(filter: &str, order: &str) -> String {
    format!(
        "SELECT {COLUMNS}, {} FROM identity_correction c {filter} {order}",
        SENT.replace("?PREFIX", &format!("'{CHANGE_PREFIX}'"))
    )
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<CorrectionRequest> {
    let id_type: String = r.get(3)?;
    let old_id_type: String = r.get(6)?;
    Ok(CorrectionRequest {
        id: r.get(0)?,
        teacher_id: r.get(1)?,
        name: r.get(2)?,
        id_type_name: id_type_name(&id_type),
        id_type,
        id_number: r.get(4)?,
        old_name: r.get(5)?,
        old_id_type_name: id_type_name(&old_id_type),
        old_id_type,
        old_id_number: r.get(7)?,
        reason: r.get(8)?,
        evidence: r.get(9)?,
        state: RequestState::parse(&r.get::<_, String>(10)?),
        decision_note: r.get(11)?,
        decided_at: r.get(12)?,
        created_at: r.get(13)?,
        created_by: r.get(14)?,
        sent: r.get(15)?,
    })
}

/// A teacher's requests, oldest first.
pub(crate) fn of_teacher(conn: &Connection, teacher_id: &str) -> Result<Vec<CorrectionRequest>> {
    let mut stmt = conn.prepare(&select(
        "WHERE c.teacher_id = ?1",
        "ORDER BY c.created_at, c.id",
    ))?;
    let rows = stmt.query_map([teacher_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every request in `state`, oldest first.
pub(crate) fn in_state(conn: &Connection, state: RequestState) -> Result<Vec<CorrectionRequest>> {
    let mut stmt = conn.prepare(&select("WHERE c.state = ?1", "ORDER BY c.created_at, c.id"))?;
    let rows = stmt.query_map([state.as_str()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One request by id.
pub(crate) fn by_id(conn: &Connection, id: &str) -> Result<Option<CorrectionRequest>> {
    Ok(conn
        .query_row(&select("WHERE c.id = ?1", ""), [id], from_row)
        .optional()?)
}

/// Writes a request with its audit entry (entity `teacher`, entity id
/// `correction:<id>`), inside the caller's transaction.
pub(crate) fn insert(
    tx: &Transaction<'_>,
    actor: &Actor,
    request: &CorrectionRequest,
) -> Result<()> {
    tx.execute(
        "INSERT INTO identity_correction
             (id, teacher_id, name, id_type, id_number, old_name, old_id_type, old_id_number,
              reason, evidence, state, decision_note, decided_at, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        rusqlite::params![
            request.id,
            request.teacher_id,
            request.name,
            request.id_type,
            request.id_number,
            request.old_name,
            request.old_id_type,
            request.old_id_number,
            request.reason,
            request.evidence,
            request.state.as_str(),
            request.decision_note,
            request.decided_at,
            request.created_at,
            request.created_by,
        ],
    )?;
    revisions::record(
        tx,
        actor,
        Entity::Teacher,
        &request.change_id(),
        Some(&request.teacher_id),
        Action::Create,
        None,
        Some(&serde_json::json!({ "correction_request": request })),
    )
}

/// Moves a request to `state` (with the reviewer's note), with its audit entry.
pub(crate) fn decide(
    tx: &Transaction<'_>,
    actor: &Actor,
    old: &CorrectionRequest,
    state: RequestState,
    note: Option<&str>,
    at: &str,
) -> Result<CorrectionRequest> {
    tx.execute(
        "UPDATE identity_correction SET state = ?2, decision_note = ?3, decided_at = ?4 WHERE id = ?1",
        (&old.id, state.as_str(), note, at),
    )?;
    let new = CorrectionRequest {
        state,
        decision_note: note.map(str::to_owned),
        decided_at: Some(at.to_owned()),
        ..old.clone()
    };
    revisions::record(
        tx,
        actor,
        Entity::Teacher,
        &old.change_id(),
        Some(&old.teacher_id),
        Action::Update,
        Some(&serde_json::json!({ "correction_request": old })),
        Some(&serde_json::json!({ "correction_request": new })),
    )?;
    Ok(new)
}
