//! Writing and reading the revision history.

use rusqlite::{Connection, Transaction};

use super::{audit, change_sets};
use crate::error::Result;
use crate::revision::{Action, Actor, Entity, Revision};
use crate::time::now;

/// Writes one revision (an audit entry) in `tx`, chained after the newest.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    tx: &Transaction<'_>,
    actor: &Actor,
    entity: Entity,
    entity_id: &str,
    teacher_id: Option<&str>,
    action: Action,
    old_value: Option<&serde_json::Value>,
    new_value: Option<&serde_json::Value>,
) -> Result<()> {
    Chain::start(tx)?.record(
        tx, actor, entity, entity_id, teacher_id, action, old_value, new_value,
    )
}

/// [`record`] with the time given and the values already as JSON text.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_text(
    tx: &Transaction<'_>,
    at: &str,
    actor: &Actor,
    entity: Entity,
    entity_id: &str,
    teacher_id: Option<&str>,
    action: Action,
    old_value: Option<&str>,
    new_value: Option<&str>,
) -> Result<()> {
    Chain::start(tx)?.record_text(
        tx, at, actor, entity, entity_id, teacher_id, action, old_value, new_value,
    )
}

/// The audit chain's head held for a run of writes in one transaction (a
/// bulk write such as an import): the head is read once instead of before
/// every entry. Every revision the transaction writes meanwhile must go
/// through the same `Chain`, or the chain would fork.
pub(crate) struct Chain {
    head: String,
}

impl Chain {
    pub(crate) fn start(tx: &Transaction<'_>) -> Result<Chain> {
        Ok(Chain {
            head: audit::head(tx)?,
        })
    }

    /// [`record`] with the time given and the values already as JSON text.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_text(
        &mut self,
        tx: &Transaction<'_>,
        at: &str,
        actor: &Actor,
        entity: Entity,
        entity_id: &str,
        teacher_id: Option<&str>,
        action: Action,
        old_value: Option<&str>,
        new_value: Option<&str>,
    ) -> Result<()> {
        crate::panic_report::injection_point("revision", entity.as_str());
        let entry = audit::Entry {
            at,
            actor: actor.name(),
            entity: entity.as_str(),
            entity_id,
            teacher_id,
            action: action.as_str(),
            old_value,
            new_value,
        };
        let hash = audit::hash(&self.head, &entry);
        tx.prepare_cached(
            "INSERT INTO revision (at, actor, entity, entity_id, teacher_id, action, old_value, new_value, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute((
            at,
            entry.actor,
            entry.entity,
            entity_id,
            teacher_id,
            entry.action,
            old_value,
            new_value,
            &hash,
        ))?;
        self.head = hash;
        Ok(())
    }

    /// [`record`] through the chain.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record(
        &mut self,
        tx: &Transaction<'_>,
        actor: &Actor,
        entity: Entity,
        entity_id: &str,
        teacher_id: Option<&str>,
        action: Action,
        old_value: Option<&serde_json::Value>,
        new_value: Option<&serde_json::Value>,
    ) -> Result<()> {
        self.record_text(
            tx,
            &now(),
            actor,
            entity,
            entity_id,
            teacher_id,
            action,
            old_value.map(serde_json::Value::to_string).as_deref(),
            new_value.map(serde_json::Value::to_string).as_deref(),
        )
    }
}

/// A revision from a row whose first ten columns are `id, at, actor,
/// entity, entity_id, teacher_id, action, old_value, new_value, hash`.
pub(crate) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Revision> {
    let json = |i: usize| -> rusqlite::Result<Option<serde_json::Value>> {
        let text: Option<String> = r.get(i)?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    };
    let entity: String = r.get(3)?;
    let action: String = r.get(6)?;
    Ok(Revision {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        entity: Entity::parse(&entity).unwrap_or(Entity::Record),
        entity_id: r.get(4)?,
        teacher_id: r.get(5)?,
        action: Action::parse(&action).unwrap_or(Action::Update),
        old_value: json(7)?,
        new_value: json(8)?,
        hash: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
    })
}

pub(crate) fn read(conn: &Connection, teacher_id: Option<&str>) -> Result<Vec<Revision>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, entity, entity_id, teacher_id, action, old_value, new_value, hash
         FROM revision WHERE ?1 IS NULL OR teacher_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([teacher_id], from_row)?;
    let mut revisions: Vec<Revision> = rows.collect::<rusqlite::Result<_>>()?;
    // An import's changes carry its entry's id; the sort is stable, so they
    // follow the entry itself.
    revisions.extend(change_sets::revisions(conn, teacher_id)?);
    revisions.sort_by_key(|r| r.id);
    Ok(revisions)
}

/// By teacher, the reason of their latest identity correction (更正): the
/// `correction_reason` its revision keeps.
pub(crate) fn correction_reasons(
    conn: &rusqlite::Connection,
) -> Result<std::collections::HashMap<String, String>> {
    let mut stmt = conn.prepare(
        "SELECT entity_id, json_extract(new_value, '$.correction_reason') FROM revision
         WHERE entity = 'teacher' AND json_extract(new_value, '$.correction_reason') IS NOT NULL
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut reasons = std::collections::HashMap::new();
    for row in rows {
        let (teacher, reason) = row?;
        reasons.insert(teacher, reason);
    }
    Ok(reasons)
}

/// The teachers merged into `teacher_id`, each with the ones merged into
/// them, as the `merged_from` of its entries names them.
pub(crate) fn merged_into(conn: &rusqlite::Connection, teacher_id: &str) -> Result<Vec<String>> {
    let mut found: Vec<String> = Vec::new();
    let mut stack = vec![teacher_id.to_owned()];
    let mut stmt = conn.prepare(
        "SELECT json_extract(new_value, '$.merged_from.id') FROM revision
         WHERE entity = 'teacher' AND entity_id = ?1
           AND json_extract(new_value, '$.merged_from.id') IS NOT NULL",
    )?;
    while let Some(id) = stack.pop() {
        let rows = stmt.query_map([&id], |r| r.get::<_, String>(0))?;
        for merged in rows {
            let merged = merged?;
            if merged != teacher_id && !found.contains(&merged) {
                found.push(merged.clone());
                stack.push(merged);
            }
        }
    }
    Ok(found)
}
