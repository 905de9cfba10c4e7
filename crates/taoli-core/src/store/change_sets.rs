//! Change sets: a bulk write (a roster import) recorded on the audit chain as
//! one entry instead of a revision per written row.
//!
//! The changes are gathered per teacher, each as the revision it replaces
//! would have recorded it (entity, entity id, action, before, after), and
//! stored one deflated row per teacher in `import_change`. The chained entry
//! written last names the rows (`first..=last`) and holds the SHA-256 over
//! them, so `audit verify` finds a row edited, removed or reordered as
//! surely as an edited revision (see [`check`]).
//!
//! Readers get the changes back as [`Revision`]s ([`revisions_for_teacher`],
//! [`revisions_of_entry`]): the entry's id, time, actor and hash, with each
//! change's own entity, action and values. Nothing else in Taoli reads the
//! rows' bodies.

use std::io::Read;

use flate2::read::DeflateDecoder;
use flate2::{Compress, Compression, FlushCompress, Status};
use rusqlite::{Connection, Transaction};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::audit::AuditBreakReason;
use super::revisions::Chain;
use crate::account::Actor;
use crate::error::FileError;
use crate::error::{Error, Particular, Result};
use crate::revision::{Action, Entity, Revision};

/// The key of the change set's summary in its entry's value.
const SUMMARY_KEY: &str = "change_set";

/// What a change set's entry records of it: its rows and their hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub(crate) struct Summary {
    /// The first and last `import_change` row; none when nothing was written.
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub rows: u64,
    pub changes: u64,
    /// Hex SHA-256 over the rows, in order ([`RowHasher`]).
    pub sha256: String,
}

impl Summary {
    /// The summary an entry's value holds, if it is a change set's entry.
    pub(crate) fn of(value: Option<&Value>) -> Option<Summary> {
        serde_json::from_value(value?.get(SUMMARY_KEY)?.clone()).ok()
    }
}

/// SHA-256 over a change set's rows: each row's id, teacher and body,
/// length-prefixed, so no two different row lists hash the same.
struct RowHasher(Sha256);

impl RowHasher {
    fn new() -> RowHasher {
        let mut sha = Sha256::new();
        sha.update(b"taoli-change-set-v1\0");
        RowHasher(sha)
    }

    fn row(&mut self, id: i64, teacher_id: &str, body: &[u8]) {
        self.0.update(id.to_le_bytes());
        self.0.update((teacher_id.len() as u64).to_le_bytes());
        self.0.update(teacher_id.as_bytes());
        self.0.update((body.len() as u64).to_le_bytes());
        self.0.update(body);
    }

    fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// A change set being written in one transaction. Changes come in teacher by
/// teacher; a teacher's changes are stored as one row when the next
/// teacher's begin (a teacher met again later gets a row of their own).
pub(crate) struct ChangeSetWriter {
    run_id: String,
    hasher: RowHasher,
    first: Option<i64>,
    last: Option<i64>,
    rows: u64,
    changes: u64,
    /// The teacher whose changes `body` gathers, and the JSON list so far.
    teacher: Option<String>,
    body: Vec<u8>,
    /// One deflate stream, reset for each row: a new one per row would
    /// allocate and clear its tables a hundred thousand times over.
    deflate: Compress,
    compressed: Vec<u8>,
}

impl ChangeSetWriter {
    /// A change set for the bulk write `run_id` (an `import_run`).
    pub(crate) fn new(run_id: &str) -> ChangeSetWriter {
        ChangeSetWriter {
            run_id: run_id.to_owned(),
            hasher: RowHasher::new(),
            first: None,
            last: None,
            rows: 0,
            changes: 0,
            teacher: None,
            body: Vec::with_capacity(4096),
            deflate: Compress::new(Compression::fast(), false),
            compressed: Vec::with_capacity(4096),
        }
    }

    /// Adds one change of `teacher_id`'s, as a revision would record it:
    /// `old` and `new` are the entity before and after, as JSON text.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn change(
        &mut self,
        tx: &Transaction<'_>,
        teacher_id: &str,
        entity: Entity,
        entity_id: &str,
        action: Action,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        // A change stands for the revision it replaces, for a test's injected panic too.
        crate::panic_report::injection_point("revision", entity.as_str());
        if self.teacher.as_deref() != Some(teacher_id) {
            self.flush(tx)?;
            self.teacher = Some(teacher_id.to_owned());
        }
        self.body
            .push(if self.body.is_empty() { b'[' } else { b',' });
        self.body.extend_from_slice(b"{\"entity\":\"");
        self.body.extend_from_slice(entity.as_str().as_bytes());
        self.body.extend_from_slice(b"\",\"entity_id\":");
        serde_json::to_writer(&mut self.body, entity_id)?;
        self.body.extend_from_slice(b",\"action\":\"");
        self.body.extend_from_slice(action.as_str().as_bytes());
        self.body.extend_from_slice(b"\",\"old\":");
        self.body
            .extend_from_slice(old.unwrap_or("null").as_bytes());
        self.body.extend_from_slice(b",\"new\":");
        self.body
            .extend_from_slice(new.unwrap_or("null").as_bytes());
        self.body.push(b'}');
        self.changes = self.changes.saturating_add(1);
        Ok(())
    }

    /// Stores the gathered teacher's changes as one row.
    fn flush(&mut self, tx: &Transaction<'_>) -> Result<()> {
        let Some(teacher_id) = self.teacher.take() else {
            return Ok(());
        };
        self.body.push(b']');
        self.deflate_body(tx)?;
        self.body.clear();
        let compressed = &self.compressed;
        tx.prepare_cached(
            "INSERT INTO import_change (run_id, teacher_id, body) VALUES (?1, ?2, ?3)",
        )?
        .execute((&self.run_id, &teacher_id, compressed))?;
        let id = tx.last_insert_rowid();
        self.hasher.row(id, &teacher_id, compressed);
        self.first.get_or_insert(id);
        self.last = Some(id);
        self.rows = self.rows.saturating_add(1);
        Ok(())
    }

    /// Deflates `body` into `compressed`, growing it until the stream ends.
    fn deflate_body(&mut self, tx: &Transaction<'_>) -> Result<()> {
        self.deflate.reset();
        self.compressed.clear();
        self.compressed
            .reserve(self.body.len().saturating_div(2).saturating_add(64));
        loop {
            let read = usize::try_from(self.deflate.total_in()).unwrap_or(usize::MAX);
            let rest = self.body.get(read..).unwrap_or_default();
            let status = self
                .deflate
                .compress_vec(rest, &mut self.compressed, FlushCompress::Finish)
                // Deflating into memory fails only with the memory itself.
                .map_err(|e| Error::io(tx.path().unwrap_or_default())(e.into()))?;
            if status == Status::StreamEnd {
                return Ok(());
            }
            self.compressed.reserve(self.body.len().saturating_add(64));
        }
    }

    /// Stores what is still gathered and writes the change set's entry on
    /// the audit chain (entity `import`, entity id the run's id): `summary`
    /// (what the clerk reads of the import) with the change set's rows and
    /// hash added. Gives back the entry's id.
    pub(crate) fn finish(
        mut self,
        tx: &Transaction<'_>,
        chain: &mut Chain,
        at: &str,
        actor: &Actor,
        mut summary: Map<String, Value>,
    ) -> Result<i64> {
        self.flush(tx)?;
        let ChangeSetWriter {
            run_id,
            hasher,
            first,
            last,
            rows,
            changes,
            ..
        } = self;
        let set = Summary {
            first,
            last,
            rows,
            changes,
            sha256: hasher.finish(),
        };
        summary.insert(SUMMARY_KEY.to_owned(), serde_json::to_value(&set)?);
        chain.record_text(
            tx,
            at,
            actor,
            Entity::Import,
            &run_id,
            None,
            Action::Create,
            None,
            Some(&Value::Object(summary).to_string()),
        )?;
        Ok(tx.last_insert_rowid())
    }
}

/// Adds `import_run.audit_entry` (the import's entry on the chain) where
/// the file does not have it: the Rust step of migration 0013, which, like
/// its SQL, creates only what is missing.
pub(crate) fn add_audit_entry_column(tx: &Transaction<'_>) -> Result<()> {
    let has: bool = tx.query_row(
        "SELECT COUNT(*) > 0 FROM pragma_table_info('import_run') WHERE name = 'audit_entry'",
        [],
        |r| r.get(0),
    )?;
    if !has {
        tx.execute_batch("ALTER TABLE import_run ADD COLUMN audit_entry INTEGER")?;
    }
    Ok(())
}

/// One change as a change set's row stores it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct StoredChange {
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// A row of a change set: one teacher's changes.
#[derive(Debug, Clone)]
pub(crate) struct ChangeRow {
    pub teacher_id: String,
    pub changes: Vec<StoredChange>,
}

/// The changes a row's body holds.
pub(crate) fn decode(conn: &Connection, body: &[u8]) -> Result<Vec<StoredChange>> {
    let mut text = Vec::with_capacity(body.len().saturating_mul(3));
    DeflateDecoder::new(body)
        .read_to_end(&mut text)
        .map_err(|_| corrupt(conn))?;
    serde_json::from_slice(&text).map_err(|_| corrupt(conn))
}

fn corrupt(conn: &Connection) -> Error {
    Error::File(FileError::CorruptSchoolFile {
        path: conn.path().unwrap_or_default().into(),
        detail: Particular::said("particular.change_set_unreadable", vec![]),
    })
}

/// The rows `first..=last` of a change set, in order.
pub(crate) fn rows(conn: &Connection, summary: &Summary) -> Result<Vec<ChangeRow>> {
    let (Some(first), Some(last)) = (summary.first, summary.last) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT id, teacher_id, body FROM import_change WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let raw: Vec<(i64, String, Vec<u8>)> = stmt
        .query_map((first, last), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    raw.into_iter()
        .map(|(_, teacher_id, body)| {
            Ok(ChangeRow {
                teacher_id,
                changes: decode(conn, &body)?,
            })
        })
        .collect()
}

/// Whether a change set's rows are as its entry recorded them: None when
/// they are, or what is wrong, for the audit check.
pub(crate) fn check(conn: &Connection, summary: &Summary) -> Result<Option<AuditBreakReason>> {
    let mut hasher = RowHasher::new();
    let mut rows = 0u64;
    if let (Some(first), Some(last)) = (summary.first, summary.last) {
        let mut stmt = conn.prepare(
            "SELECT id, teacher_id, body FROM import_change WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
        )?;
        let mut found = stmt.query((first, last))?;
        while let Some(r) = found.next()? {
            let id: i64 = r.get(0)?;
            let teacher_id: String = r.get(1)?;
            let body = r.get_ref(2)?.as_blob().unwrap_or_default();
            hasher.row(id, &teacher_id, body);
            rows = rows.saturating_add(1);
        }
    }
    Ok(if rows != summary.rows {
        Some(AuditBreakReason::ChangeSetRows {
            expected: summary.rows,
            found: rows,
        })
    } else if hasher.finish() != summary.sha256 {
        Some(AuditBreakReason::ChangeSetAltered)
    } else {
        None
    })
}

/// A change set's entry as the rows' revisions carry it.
#[derive(Debug, Clone)]
pub(crate) struct EntryMeta {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub hash: String,
}

/// The revisions a row stands for: its changes, each with the entry's id,
/// time, actor and hash.
pub(crate) fn revisions_of_row(entry: &EntryMeta, row: &ChangeRow) -> Vec<Revision> {
    row.changes
        .iter()
        .map(|change| Revision {
            id: entry.id,
            at: entry.at.clone(),
            actor: entry.actor.clone(),
            entity: Entity::parse(&change.entity).unwrap_or(Entity::Record),
            entity_id: change.entity_id.clone(),
            teacher_id: Some(row.teacher_id.clone()),
            action: Action::parse(&change.action).unwrap_or(Action::Update),
            old_value: change.old.clone(),
            new_value: change.new.clone(),
            hash: entry.hash.clone(),
        })
        .collect()
}

/// The revisions every change set of the file stands for, or only those
/// of one teacher's, with their entries' ids: oldest first.
pub(crate) fn revisions(conn: &Connection, teacher_id: Option<&str>) -> Result<Vec<Revision>> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.at, r.actor, r.hash, c.id, c.teacher_id, c.body
         FROM import_change c
         JOIN import_run i ON i.id = c.run_id
         JOIN revision r ON r.id = i.audit_entry
         WHERE ?1 IS NULL OR c.teacher_id = ?1
         ORDER BY c.id",
    )?;
    let raw: Vec<(EntryMeta, i64, String, Vec<u8>)> = stmt
        .query_map([teacher_id], |r| {
            Ok((
                EntryMeta {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    hash: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                },
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (entry, _, teacher_id, body) in raw {
        let row = ChangeRow {
            teacher_id,
            changes: decode(conn, &body)?,
        };
        out.extend(revisions_of_row(&entry, &row));
    }
    Ok(out)
}

/// The newest value a change set recorded for an entity at `version`
/// (`new.version`), with its entry's id: looked up among the changes of
/// the teacher the entity belongs to.
pub(crate) fn value_at_version(
    conn: &Connection,
    teacher_id: &str,
    entity: Entity,
    entity_id: &str,
    version: i64,
) -> Result<Option<(i64, Value)>> {
    let found = revisions(conn, Some(teacher_id))?
        .into_iter()
        .filter(|r| r.entity == entity && r.entity_id == entity_id)
        .filter_map(|r| {
            let new = r.new_value?;
            (new.get("version").and_then(Value::as_i64) == Some(version)).then_some((r.id, new))
        })
        .max_by_key(|(id, _)| *id);
    Ok(found)
}
