//! The school's own switches (`school_setting`, migration 15): a key and
//! `on` / `off`, who changed it and when. Every change is audited with the
//! value before and after (entity `school`, entity id the key).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::json;

use crate::error::Result;
use crate::revision::{Action, Actor, Entity};
use crate::store::revisions;

/// Whether switch `key` is on (a switch never set is off).
pub(crate) fn is_on(conn: &Connection, key: &str) -> Result<bool> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM school_setting WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?;
    Ok(value.as_deref() == Some("on"))
}

/// Turns switch `key` on or off, audited; nothing is written when it
/// already is.
pub(crate) fn set(tx: &Transaction<'_>, actor: &Actor, key: &str, on: bool) -> Result<()> {
    let was = is_on(tx, key)?;
    if was == on {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO school_setting (key, value, changed_at, changed_by)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (key) DO UPDATE SET value = ?2, changed_at = ?3, changed_by = ?4",
        params![
            key,
            if on { "on" } else { "off" },
            crate::time::now(),
            actor.name()
        ],
    )?;
    revisions::record(
        tx,
        actor,
        Entity::School,
        key,
        None,
        Action::Update,
        Some(&json!({ key: was })),
        Some(&json!({ key: on })),
    )
}
