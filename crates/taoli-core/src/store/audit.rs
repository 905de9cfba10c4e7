//! The audit trail (操作痕迹): the revision history, chained. Each entry's
//! hash is SHA-256 over the previous entry's hash and the entry's own fields,
//! so editing, removing or reordering an entry breaks the chain from there
//! on; removing the newest entries is caught by SQLite's own counter of the
//! highest id handed out (`sqlite_sequence`).
//!
//! The chain proves the history was not changed by hand without recomputing
//! every later hash; it is not a signature. With the file encrypted (#6) only
//! someone holding its key could rewrite it.

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use std::path::Path;

use super::{SchoolFile, change_sets, revisions};
use crate::account::Actor;
use crate::error::Result;
use crate::revision::{Action, Entity};

/// The previous hash of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an entry that its hash covers, in order.
pub(crate) struct Entry<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub teacher_id: Option<&'a str>,
    pub action: &'a str,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
}

/// The hash of `entry` following `previous`: hex SHA-256 over the previous
/// hash and each field, every field length-prefixed (so no two different
/// entries hash the same input) and a missing value told from an empty one.
pub(crate) fn hash(previous: &str, entry: &Entry<'_>) -> String {
    let mut sha = Sha256::new();
    sha.update(b"taoli-audit-v1\0");
    sha.update(previous.as_bytes());
    let mut field = |value: Option<&str>| match value {
        None => sha.update(b"-"),
        Some(v) => {
            sha.update(b"+");
            sha.update((v.len() as u64).to_le_bytes());
            sha.update(v.as_bytes());
        }
    };
    field(Some(entry.at));
    field(Some(entry.actor));
    field(Some(entry.entity));
    field(Some(entry.entity_id));
    field(entry.teacher_id);
    field(Some(entry.action));
    field(entry.old_value);
    field(entry.new_value);
    hex::encode(sha.finalize())
}

/// The hash of the newest entry (the chain's head), or the genesis value.
pub(crate) fn head(conn: &Connection) -> Result<String> {
    let head: Option<Option<String>> = conn
        .prepare_cached("SELECT hash FROM revision ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(head.flatten().unwrap_or_else(|| GENESIS.to_owned()))
}

/// Hashes, in order, the entries written before the chain existed (the Rust
/// step of migration 0007). Run in the migration's transaction.
pub(crate) fn seal_unchained(tx: &Transaction<'_>) -> Result<()> {
    let rows: Vec<(i64, Row)> = {
        let mut stmt = tx.prepare(
            "SELECT id, at, actor, entity, entity_id, teacher_id, action, old_value, new_value
             FROM revision WHERE hash IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, Row::read(r, 1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut previous = GENESIS.to_owned();
    let mut update = tx.prepare("UPDATE revision SET hash = ?1 WHERE id = ?2")?;
    for (id, row) in rows {
        previous = hash(&previous, &row.entry());
        update.execute((&previous, id))?;
    }
    Ok(())
}

/// An entry as read back for checking.
struct Row {
    at: String,
    actor: String,
    entity: String,
    entity_id: String,
    teacher_id: Option<String>,
    action: String,
    old_value: Option<String>,
    new_value: Option<String>,
}

impl Row {
    fn read(r: &rusqlite::Row<'_>, from: usize) -> rusqlite::Result<Row> {
        Ok(Row {
            at: r.get(from)?,
            actor: r.get(from.saturating_add(1))?,
            entity: r.get(from.saturating_add(2))?,
            entity_id: r.get(from.saturating_add(3))?,
            teacher_id: r.get(from.saturating_add(4))?,
            action: r.get(from.saturating_add(5))?,
            old_value: r.get(from.saturating_add(6))?,
            new_value: r.get(from.saturating_add(7))?,
        })
    }

    fn entry(&self) -> Entry<'_> {
        Entry {
            at: &self.at,
            actor: &self.actor,
            entity: &self.entity,
            entity_id: &self.entity_id,
            teacher_id: self.teacher_id.as_deref(),
            action: &self.action,
            old_value: self.old_value.as_deref(),
            new_value: self.new_value.as_deref(),
        }
    }
}

/// What `taoli audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditCheck {
    /// Entries checked.
    #[ts(type = "number")]
    pub entries: u64,
    /// The newest entry's hash, when the chain holds: note it down (or print
    /// it) to show later that nothing before it changed.
    pub head: Option<String>,
    /// The first place the chain breaks, if it does.
    pub broken: Option<AuditBreak>,
}

impl AuditCheck {
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditBreak {
    /// The entry whose hash does not hold (for removed newest entries: the
    /// first id missing).
    #[ts(type = "number")]
    pub id: i64,
    /// When the entry says it was made, if it is there.
    pub at: Option<String>,
    /// What was found, for a clerk or an inspector: said in their language
    /// by the shells ([`AuditBreakReason::message`]; Display is Chinese).
    pub reason: AuditBreakReason,
}

/// What [`verify`] found where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditBreakReason {
    /// The entry has no hash: it was written around Taoli.
    Unhashed,
    /// The entry's content was edited, or it changed places with another.
    Altered,
    /// Entries `first..=last` are missing, or this entry was edited.
    MissingOrAltered {
        #[ts(type = "number")]
        first: i64,
        #[ts(type = "number")]
        last: i64,
    },
    /// Entries `first..=last` were removed (this entry still chains).
    Removed {
        #[ts(type = "number")]
        first: i64,
        #[ts(type = "number")]
        last: i64,
    },
    /// The newest entries `first..=last` were removed.
    NewestRemoved {
        #[ts(type = "number")]
        first: i64,
        #[ts(type = "number")]
        last: i64,
    },
    /// An import's change set was edited or reordered.
    ChangeSetAltered,
    /// An import's change set has `found` rows where its entry recorded `expected`.
    ChangeSetRows {
        #[ts(type = "number")]
        expected: u64,
        #[ts(type = "number")]
        found: u64,
    },
    /// An import's entry does not hold its change set's hash.
    ChangeSetUnsealed,
}

impl AuditBreakReason {
    /// What was found, in `locale` (the catalogs' `audit_break.*`).
    pub fn message(&self, locale: crate::error::Locale) -> String {
        use crate::error::messages::render;
        let range = |key, first: &i64, last: &i64| {
            render(
                locale,
                key,
                &[("first", first.to_string()), ("last", last.to_string())],
            )
        };
        match self {
            AuditBreakReason::Unhashed => render(locale, "audit_break.unhashed", &[]),
            AuditBreakReason::Altered => render(locale, "audit_break.altered", &[]),
            AuditBreakReason::MissingOrAltered { first, last } => {
                range("audit_break.missing_or_altered", first, last)
            }
            AuditBreakReason::Removed { first, last } => range("audit_break.removed", first, last),
            AuditBreakReason::NewestRemoved { first, last } => render(
                locale,
                "audit_break.newest_removed",
                &[
                    (
                        "count",
                        last.saturating_sub(*first).saturating_add(1).to_string(),
                    ),
                    ("first", first.to_string()),
                    ("last", last.to_string()),
                ],
            ),
            AuditBreakReason::ChangeSetAltered => {
                render(locale, "audit_break.change_set_altered", &[])
            }
            AuditBreakReason::ChangeSetRows { expected, found } => render(
                locale,
                "audit_break.change_set_rows",
                &[
                    ("expected", expected.to_string()),
                    ("found", found.to_string()),
                ],
            ),
            AuditBreakReason::ChangeSetUnsealed => {
                render(locale, "audit_break.change_set_unsealed", &[])
            }
        }
    }
}

impl std::fmt::Display for AuditBreakReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::error::Locale::ZhCn))
    }
}

impl SchoolFile {
    /// Records that the school's data left it: an export in `format` (of
    /// `group`, for a CSV) to `destination` (the screen when none), `bytes`
    /// long, by an account already checked.
    pub(crate) fn log_export(
        &mut self,
        actor: &Actor,
        format: &str,
        group: Option<&str>,
        destination: Option<&Path>,
        bytes: usize,
    ) -> Result<()> {
        self.log_styled_export(actor, format, None, group, destination, bytes)
    }

    /// [`SchoolFile::log_export`] naming the export's style (`national`;
    /// none for Taoli's own, which the entry does not name).
    pub(crate) fn log_styled_export(
        &mut self,
        actor: &Actor,
        format: &str,
        style: Option<&str>,
        group: Option<&str>,
        destination: Option<&Path>,
        bytes: usize,
    ) -> Result<()> {
        let file_name = destination.and_then(Path::file_name).map_or_else(
            || "（屏幕输出）".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut detail = serde_json::json!({
            "format": format,
            "group": group,
            "path": destination.map(|p| p.display().to_string()),
            "bytes": bytes,
        });
        if let (Some(style), Some(object)) = (style, detail.as_object_mut()) {
            object.insert("style".to_owned(), serde_json::Value::from(style));
        }
        self.write(|tx| {
            revisions::record(
                tx,
                actor,
                Entity::Export,
                &file_name,
                None,
                Action::Create,
                None,
                Some(&detail),
            )
        })
    }
}

/// What is wrong with the change set an import's entry holds (its rows
/// edited, removed, added or reordered); None for any other entry.
fn change_set_problem(conn: &Connection, row: &Row) -> Result<Option<AuditBreakReason>> {
    if row.entity != Entity::Import.as_str() {
        return Ok(None);
    }
    let value: Option<serde_json::Value> = row
        .new_value
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok());
    match change_sets::Summary::of(value.as_ref()) {
        Some(summary) => change_sets::check(conn, &summary),
        None => Ok(Some(AuditBreakReason::ChangeSetUnsealed)),
    }
}

/// Checks the whole audit chain, oldest entry first.
pub(crate) fn verify(conn: &Connection) -> Result<AuditCheck> {
    let mut stmt = conn.prepare(
        "SELECT id, hash, at, actor, entity, entity_id, teacher_id, action, old_value, new_value
         FROM revision ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut previous = GENESIS.to_owned();
    let mut entries = 0u64;
    let mut last_id = 0i64;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let stored: Option<String> = r.get(1)?;
        let row = Row::read(r, 2)?;
        entries = entries.saturating_add(1);
        let expected = hash(&previous, &row.entry());
        let reason = match stored {
            None => Some(AuditBreakReason::Unhashed),
            Some(ref s) if *s != expected => Some(if id != last_id.saturating_add(1) {
                AuditBreakReason::MissingOrAltered {
                    first: last_id.saturating_add(1),
                    last: id.saturating_sub(1),
                }
            } else {
                AuditBreakReason::Altered
            }),
            // Entries are numbered without gaps (AUTOINCREMENT, and a
            // rolled-back entry takes its number back with it): a gap
            // whose next entry still chains means entries were removed
            // and later ones written after them.
            Some(_) if id != last_id.saturating_add(1) => Some(AuditBreakReason::Removed {
                first: last_id.saturating_add(1),
                last: id.saturating_sub(1),
            }),
            Some(_) => change_set_problem(conn, &row)?,
        };
        if let Some(reason) = reason {
            return Ok(AuditCheck {
                entries,
                head: None,
                broken: Some(AuditBreak {
                    id,
                    at: Some(row.at),
                    reason,
                }),
            });
        }
        previous = expected;
        last_id = id;
    }
    let handed_out: i64 = conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'revision'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    if handed_out > last_id {
        return Ok(AuditCheck {
            entries,
            head: None,
            broken: Some(AuditBreak {
                id: last_id.saturating_add(1),
                at: None,
                reason: AuditBreakReason::NewestRemoved {
                    first: last_id.saturating_add(1),
                    last: handed_out,
                },
            }),
        });
    }
    Ok(AuditCheck {
        entries,
        head: (entries > 0).then_some(previous),
        broken: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(old: Option<&'a str>, new: Option<&'a str>) -> Entry<'a> {
        Entry {
            at: "2026-11-22T10:00:00.000Z",
            actor: "王老师",
            entity: "record",
            entity_id: "r1",
            teacher_id: Some("t1"),
            action: "update",
            old_value: old,
            new_value: new,
        }
    }

    #[test]
    fn a_missing_value_hashes_differently_from_an_empty_one() {
        assert_ne!(
            hash(GENESIS, &entry(None, Some("{}"))),
            hash(GENESIS, &entry(Some(""), Some("{}")))
        );
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        assert_ne!(
            hash(GENESIS, &entry(Some("{\"a\":1}"), Some("{}"))),
            hash(GENESIS, &entry(Some("{\"a\":1}{}"), None))
        );
    }

    #[test]
    fn the_hash_depends_on_the_previous_one() {
        let e = entry(None, Some("{}"));
        assert_ne!(hash(GENESIS, &e), hash(&hash(GENESIS, &e), &e));
    }
}
