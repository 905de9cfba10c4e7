//! The outbox in the school file (`docs/batches.md`): the enrollment, the
//! batches with their payloads and receipts, the records each batch
//! carries, and the review results. Every state change of a batch is one
//! transaction with its audit entry (entity `upstream`), so a crash or a
//! restart finds each batch exactly where it stood.
//!
//! The network side is the rest of `crate::batches`; this module holds the
//! outbox's rules and reads and writes its tables through the store.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::account::{Actor, Permission};
use crate::batches::Reporting;
use crate::batches::plan::{
    self, EntityKind, Inputs, ItemRow, ItemStatus, Standing, TeacherAssessment,
};
use crate::batches::{
    BatchState, BatchStatus, BatchSummary, EnrollmentInfo, HeldBack, KeyPlace, Missing,
    OutboxStatus, ReceiptInfo, ReturnedRecord, StatusCounts, TeacherUpload, UploadStatus,
};
use crate::catalog::EffectiveCatalog;
use crate::error::messages::Locale;
use crate::error::{BatchError, SecretsError};
use crate::error::{Error, Result};
use crate::protocol::{
    self, Change, ChangeOp, Payload, PublicKey, PublicKeyWire, Refusal, RefusalCode, ReviewPage,
};
use crate::record::IndicatorRecord;
use crate::revision::{Action, Entity};
use crate::sheets::SignoffLack;
use crate::store::backups::{BackupReason, record_backup};
use crate::store::{SchoolFile, change_sets, revisions};
use crate::teacher::Teacher;
use crate::time::now;
use crate::validate::Problem;

/// The enrollment as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredEnrollment {
    pub upstream: String,
    pub school: String,
    pub key_id: String,
    pub key_place: KeyPlace,
    pub wrapped_key: Option<String>,
    pub upstream_key: PublicKey,
    pub enrolled_at: String,
    pub enrolled_by: String,
    pub review_cursor: u64,
}

/// A key made for an enrollment still waiting for its answer.
#[derive(Debug, Clone)]
pub(crate) struct PendingEnrollment {
    pub upstream: String,
    pub key_id: String,
    pub key_place: KeyPlace,
    pub wrapped_key: Option<String>,
}

/// A batch as stored, bytes included.
#[derive(Debug, Clone)]
pub(crate) struct BatchRow {
    pub id: String,
    pub sequence: i64,
    pub base_batch: Option<String>,
    pub state: BatchState,
    pub created_at: String,
    pub record_count: i64,
    pub payload: Vec<u8>,
    pub payload_sha256: String,
    pub envelope: Option<Vec<u8>>,
}

/// What applying a page of review results did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct ReviewsApplied {
    /// Results applied for the first time.
    #[ts(type = "number")]
    pub accepted: usize,
    #[ts(type = "number")]
    pub returned: usize,
    /// Deliveries of a result already applied (dropped).
    #[ts(type = "number")]
    pub duplicates: usize,
    /// Results about batches this school file does not hold (kept, not applied).
    #[ts(type = "number")]
    pub unknown: usize,
}

impl ReviewsApplied {
    pub(crate) fn add(&mut self, other: ReviewsApplied) {
        self.accepted = self.accepted.saturating_add(other.accepted);
        self.returned = self.returned.saturating_add(other.returned);
        self.duplicates = self.duplicates.saturating_add(other.duplicates);
        self.unknown = self.unknown.saturating_add(other.unknown);
    }
}

/// What went wrong with a batch's last upload, in both languages, as the
/// `last_error` column keeps it (JSON; a file from before keeps Chinese
/// text, read as both).
#[derive(Debug, Serialize, Deserialize)]
struct LastError {
    zh: String,
    en: String,
}

impl LastError {
    fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| self.zh.clone())
    }

    fn from_stored(text: &str) -> LastError {
        serde_json::from_str(text).unwrap_or_else(|_| LastError {
            zh: text.to_owned(),
            en: text.to_owned(),
        })
    }
}

fn refusal_json(refusal: &Refusal) -> String {
    refusal.to_json()
}

fn enrollment_from_row(r: &Row<'_>) -> rusqlite::Result<(StoredEnrollmentRaw, String)> {
    Ok((
        StoredEnrollmentRaw {
            upstream: r.get(0)?,
            school: r.get(1)?,
            key_id: r.get(2)?,
            key_place: r.get(3)?,
            wrapped_key: r.get(4)?,
            enrolled_at: r.get(6)?,
            enrolled_by: r.get(7)?,
            review_cursor: r.get(8)?,
        },
        r.get(5)?,
    ))
}

struct StoredEnrollmentRaw {
    upstream: String,
    school: String,
    key_id: String,
    key_place: String,
    wrapped_key: Option<String>,
    enrolled_at: String,
    enrolled_by: String,
    review_cursor: i64,
}

const BATCH_COLUMNS: &str = "b.id, b.sequence, b.base_batch, b.state, b.created_at, b.created_by, b.record_count,
     length(b.payload), b.payload_sha256, b.key_id, b.signed_at, b.exported_at, b.attempts, b.last_error,
     b.received_at, b.receipt, b.refusal,
     (SELECT count(*) FROM batch_item i WHERE i.batch_id = b.id AND i.status = 'accepted'),
     (SELECT count(*) FROM batch_item i WHERE i.batch_id = b.id AND i.status = 'returned'),
     (SELECT count(*) FROM batch_item i WHERE i.batch_id = b.id AND i.status = 'pending'),
     b.recovered_at,
     EXISTS (SELECT 1 FROM batch_review r WHERE r.batch_id = b.id AND r.state = 'awaiting')";

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<BatchSummary> {
    let state: String = r.get(3)?;
    let state = BatchState::parse(&state).unwrap_or(BatchState::Refused);
    let receipt: Option<Vec<u8>> = r.get(15)?;
    let refusal: Option<String> = r.get(16)?;
    let last_error: Option<String> = r.get(13)?;
    let last_error = last_error.map(|text| LastError::from_stored(&text));
    let refusal = refusal.and_then(|text| Refusal::decode(text.as_bytes()).ok());
    let returned: i64 = r.get(18)?;
    let status = BatchStatus::of(state, returned, r.get(21)?);
    Ok(BatchSummary {
        id: r.get(0)?,
        sequence: r.get(1)?,
        base_batch: r.get(2)?,
        state,
        status,
        state_label: status.said(Locale::ZhCn),
        created_at: r.get(4)?,
        created_by: r.get(5)?,
        record_count: r.get(6)?,
        payload_bytes: r.get(7)?,
        payload_sha256: r.get(8)?,
        key_id: r.get(9)?,
        signed_at: r.get(10)?,
        exported_at: r.get(11)?,
        attempts: r.get(12)?,
        last_error: last_error.as_ref().map(|e| e.zh.clone()),
        last_error_en: last_error.map(|e| e.en),
        received_at: r.get(14)?,
        receipt_sha256: receipt.map(|bytes| protocol::sha256_hex(&bytes)),
        refusal_en: refusal.as_ref().map(Refusal::message_in_english),
        refusal,
        accepted: r.get(17)?,
        returned,
        pending: r.get(19)?,
        recovered_at: r.get(20)?,
    })
}

fn batch_row_from(r: &Row<'_>) -> rusqlite::Result<BatchRow> {
    let state: String = r.get(3)?;
    Ok(BatchRow {
        id: r.get(0)?,
        sequence: r.get(1)?,
        base_batch: r.get(2)?,
        state: BatchState::parse(&state).unwrap_or(BatchState::Refused),
        created_at: r.get(4)?,
        record_count: r.get(5)?,
        payload: r.get(6)?,
        payload_sha256: r.get(7)?,
        envelope: r.get(8)?,
    })
}

const BATCH_ROW_COLUMNS: &str =
    "id, sequence, base_batch, state, created_at, record_count, payload, payload_sha256, envelope";

/// The audit entry of a batch moving from one state to another.
fn record_transition(
    tx: &Transaction<'_>,
    actor: &Actor,
    batch_id: &str,
    from: BatchState,
    to: Value,
) -> Result<()> {
    revisions::record(
        tx,
        actor,
        Entity::Upstream,
        batch_id,
        None,
        Action::Update,
        Some(&json!({ "state": from.label() })),
        Some(&to),
    )
}

/// A new batch ready to be written: the plan's payload and what it carries.
pub(crate) struct NewBatch {
    pub id: String,
    pub sequence: i64,
    pub base_batch: Option<String>,
    pub created_at: String,
    pub payload: Vec<u8>,
    pub changes: Vec<plan::PlannedChange>,
}

/// A batch the upstream received that this school file had lost (it was
/// restored from an older backup), its receipt verified: to be kept again.
pub(crate) struct RecoveredBatch<'a> {
    pub manifest: &'a protocol::Manifest,
    /// The signed receipt envelope, as the upstream gave it.
    pub receipt: &'a [u8],
    pub received_at: &'a str,
    /// The compressed payload, its SHA-256 checked against the manifest.
    pub payload: &'a [u8],
    pub changes: &'a [Change],
}

/// Whether any batch not refused carried something of the teacher: then
/// the upstream holds them, and removing them is no longer the school's.
pub(crate) fn ever_reported(school: &SchoolFile, teacher_id: &str) -> Result<bool> {
    Ok(school.conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM batch_item i JOIN batch b ON b.id = i.batch_id
                        WHERE i.teacher_id = ?1 AND b.state <> 'refused')",
        [teacher_id],
        |r| r.get(0),
    )?)
}

/// The entity a change names: a record when it has a record id, else the
/// teacher's identity (as the planner makes them).
fn entity_of(change: &Change) -> (EntityKind, &str) {
    match &change.record_id {
        Some(record) => (EntityKind::Record, record.as_str()),
        None => (EntityKind::Teacher, change.teacher_id.as_str()),
    }
}

/// After a batch is taken back: an entity it carried at version *c* that
/// this file holds at a version not above *c*, with other values (or values
/// that cannot be compared: a 变更申请 carries only the changed ones), is
/// older here than what the upstream has. It moves to version *c* + 1, with
/// its revision, so that the next batch carries the file's values as the
/// newer version. Equal values at version *c* are what the upstream has.
fn realign(tx: &Transaction<'_>, actor: &Actor, change: &Change) -> Result<()> {
    let Some(carried) = change.version else {
        return Ok(()); // a removal: the planner re-adds what the file still has
    };
    let full = matches!(
        change.op,
        ChangeOp::NewTeacher
            | ChangeOp::UpdateTeacher
            | ChangeOp::NewRecord
            | ChangeOp::UpdateRecord
    );
    match entity_of(change) {
        (EntityKind::Teacher, id) => {
            let Some(teacher) = crate::store::teachers::find_by_id(tx, id)? else {
                return Ok(());
            };
            let same = teacher.version == carried
                && full
                && plan::identity_fields(&teacher) == change.fields;
            if teacher.version <= carried && !same {
                raise_version(
                    tx,
                    actor,
                    EntityKind::Teacher,
                    id,
                    id,
                    &teacher,
                    carried.saturating_add(1),
                )?;
            }
        }
        (EntityKind::Record, id) => {
            let Some(record) = crate::store::records::find_by_id(tx, id)? else {
                return Ok(());
            };
            if record.fields.is_empty() {
                return Ok(()); // emptied: reported as removed
            }
            let same = record.version == carried && full && record.fields == change.fields;
            if record.version <= carried && !same {
                let teacher = record.teacher_id.clone();
                raise_version(
                    tx,
                    actor,
                    EntityKind::Record,
                    id,
                    &teacher,
                    &record,
                    carried.saturating_add(1),
                )?;
            }
        }
    }
    Ok(())
}

/// Moves a teacher or a record (`old`, as stored) to `version`, its values
/// unchanged, with the revision of it (old → new as stored).
fn raise_version<T: serde::Serialize>(
    tx: &Transaction<'_>,
    actor: &Actor,
    kind: EntityKind,
    id: &str,
    teacher_id: &str,
    old: &T,
    version: i64,
) -> Result<()> {
    let (table, entity) = match kind {
        EntityKind::Teacher => ("teacher", Entity::Teacher),
        EntityKind::Record => ("record", Entity::Record),
    };
    tx.execute(
        &format!("UPDATE {table} SET version = ?2, updated_at = ?3 WHERE id = ?1"),
        params![id, version, now()],
    )?;
    let new = match kind {
        EntityKind::Teacher => {
            crate::store::teachers::find_by_id(tx, id)?.map(serde_json::to_value)
        }
        EntityKind::Record => crate::store::records::find_by_id(tx, id)?.map(serde_json::to_value),
    }
    .transpose()?;
    revisions::record(
        tx,
        actor,
        entity,
        id,
        Some(teacher_id),
        Action::Update,
        Some(&serde_json::to_value(old)?),
        new.as_ref(),
    )
}

/// The school as reporting sees it: teachers, records, their validation
/// problems and every change carried so far.
struct ReportingInputs {
    teachers: Vec<Teacher>,
    records: Vec<IndicatorRecord>,
    problems: Vec<Problem>,
    items: Vec<ItemRow>,
    signoff: HashMap<String, SignoffLack>,
}

impl ReportingInputs {
    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            teachers: &self.teachers,
            records: &self.records,
            problems: &self.problems,
            items: &self.items,
            signoff: &self.signoff,
        }
    }
}

impl Reporting<'_> {
    // ----- reads for the core's own use (unchecked) -----

    /// The enrollment, or [`BatchError::NotEnrolled`].
    pub(crate) fn required_enrollment(&self) -> Result<StoredEnrollment> {
        stored_enrollment(self.school)?.ok_or(Error::Batch(BatchError::NotEnrolled))
    }

    pub(crate) fn pending_enrollment(&self) -> Result<Option<PendingEnrollment>> {
        Ok(self.school
            .conn
            .query_row(
                "SELECT upstream, key_id, key_place, wrapped_key FROM enrollment_pending WHERE id = 1",
                [],
                |r| {
                    let place: String = r.get(2)?;
                    Ok(PendingEnrollment {
                        upstream: r.get(0)?,
                        key_id: r.get(1)?,
                        key_place: KeyPlace::parse(&place),
                        wrapped_key: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Whether `password` is the password of an active 系统管理员.
    pub(crate) fn is_admin_password(&self, password: &str) -> Result<bool> {
        let mut stmt = self.school.conn.prepare(
            "SELECT password_hash FROM account WHERE role = 'system_admin' AND disabled_at IS NULL",
        )?;
        let hashes = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for hash in hashes {
            if crate::secrets::verify_password(&hash, password)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub(crate) fn batch_row(&self, batch_id: &str) -> Result<Option<BatchRow>> {
        Ok(self
            .school
            .conn
            .query_row(
                &format!("SELECT {BATCH_ROW_COLUMNS} FROM batch WHERE id = ?1"),
                [batch_id],
                batch_row_from,
            )
            .optional()?)
    }

    /// The batch built but not yet received or refused, if there is one
    /// (there is at most one).
    pub(crate) fn batch_in_flight(&self) -> Result<Option<BatchRow>> {
        Ok(self
            .school
            .conn
            .query_row(
                &format!(
                    "SELECT {BATCH_ROW_COLUMNS} FROM batch
                     WHERE state IN ('built', 'signed', 'uploading') ORDER BY rowid LIMIT 1"
                ),
                [],
                batch_row_from,
            )
            .optional()?)
    }

    /// The last batch the upstream received: (sequence, id).
    pub(crate) fn last_received(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .school
            .conn
            .query_row(
                "SELECT sequence, id FROM batch WHERE state IN ('received', 'reviewed')
                 ORDER BY sequence DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// What the next batch and the 报送 status are worked out from,
    /// read once ([`ReportingInputs::inputs`]).
    fn reporting_inputs(&self) -> Result<ReportingInputs> {
        Ok(ReportingInputs {
            teachers: self.school.stored_teachers()?,
            records: self.school.stored_all_records()?,
            problems: crate::validate::validation_report(self.school)?.problems,
            items: self.carried_items()?,
            signoff: crate::sheets::held_for_signoff(self.school)?,
        })
    }

    /// Every change carried by a batch that was not refused, oldest batch
    /// first; and, right after a `status_change` that reported a change of
    /// status which wrote 基本信息's 人员状态 (`status_write`), that version
    /// of 基本信息 as carried by it, standing as the change does: the county
    /// hears of the new 人员状态 once, from the change of status, and never
    /// again as a 变更申请 of 基本信息. Only where the version it was written
    /// over is the one last carried, so that no edit of the clerk's is hidden.
    fn carried_items(&self) -> Result<Vec<ItemRow>> {
        let items = self.batch_items()?;
        let writes = self.reported_status_writes()?;
        if writes.is_empty() {
            return Ok(items);
        }
        let mut out: Vec<ItemRow> = Vec::with_capacity(items.len().saturating_add(writes.len()));
        let mut pending = writes.into_iter().peekable();
        let mut batches = items
            .iter()
            .map(|i| i.batch_id.as_str())
            .collect::<Vec<_>>();
        batches.dedup();
        let sequences = self.batch_sequences()?;
        let mut index = 0;
        for batch in batches {
            let sequence = sequences.get(batch).copied().unwrap_or(0);
            // Reported by an earlier batch that carried nothing else.
            while let Some(write) = pending.next_if(|w| w.sequence < sequence) {
                push_written(&mut out, write);
            }
            while let Some(item) = items.get(index).filter(|i| i.batch_id == batch) {
                out.push(item.clone());
                index = index.saturating_add(1);
            }
            while let Some(write) = pending.next_if(|w| w.sequence == sequence) {
                push_written(&mut out, write);
            }
        }
        for write in pending {
            push_written(&mut out, write);
        }
        Ok(out)
    }

    /// Every batch's sequence, by id (read once for the planner's items).
    fn batch_sequences(&self) -> Result<HashMap<String, i64>> {
        let mut stmt = self.school.conn.prepare("SELECT id, sequence FROM batch")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The writes of 人员状态 whose change of status a batch (not refused)
    /// reported, with that batch and how its change stands, by batch.
    fn reported_status_writes(&self) -> Result<Vec<StatusWrite>> {
        let mut stmt = self.school.conn.prepare(
            "SELECT i.batch_id, b.state, b.sequence, i.change_id, i.teacher_id, i.status, i.reason,
                    w.record_id, w.base_version, w.version
             FROM status_write w
             JOIN batch_item i ON i.change_id = 'status:' || w.event_id
             JOIN batch b ON b.id = i.batch_id
             WHERE b.state <> 'refused'
             ORDER BY b.sequence, b.rowid, i.rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StatusWrite {
                sequence: r.get(2)?,
                base_version: r.get(8)?,
                item: ItemRow {
                    batch_id: r.get(0)?,
                    batch_state: BatchState::parse(&r.get::<_, String>(1)?)
                        .unwrap_or(BatchState::Refused),
                    change_id: r.get(3)?,
                    op: ChangeOp::ChangeRequest,
                    teacher_id: r.get(4)?,
                    entity: EntityKind::Record,
                    entity_id: r.get(7)?,
                    group_code: Some(crate::catalog::BASIC_GROUP.to_owned()),
                    version: Some(r.get(9)?),
                    status: ItemStatus::parse(&r.get::<_, String>(5)?),
                    reason: r.get(6)?,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every change carried by a batch that was not refused, as stored.
    fn batch_items(&self) -> Result<Vec<ItemRow>> {
        let mut stmt = self.school.conn.prepare(
            "SELECT i.batch_id, b.state, i.change_id, i.op, i.teacher_id, i.entity, i.entity_id,
                    i.group_code, i.version, i.status, i.reason
             FROM batch_item i JOIN batch b ON b.id = i.batch_id
             WHERE b.state <> 'refused' AND i.op <> 'status_change'
               AND NOT (i.change_id LIKE 'correction:%' AND i.status <> 'accepted')
             ORDER BY b.sequence, b.rowid, i.rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            let state: String = r.get(1)?;
            let op: String = r.get(3)?;
            let entity: String = r.get(5)?;
            let status: String = r.get(9)?;
            Ok((state, op, entity, status, {
                ItemRow {
                    batch_id: r.get(0)?,
                    batch_state: BatchState::Built,
                    change_id: r.get(2)?,
                    op: ChangeOp::NewTeacher,
                    teacher_id: r.get(4)?,
                    entity: EntityKind::Teacher,
                    entity_id: r.get(6)?,
                    group_code: r.get(7)?,
                    version: r.get(8)?,
                    status: ItemStatus::Pending,
                    reason: r.get(10)?,
                }
            }))
        })?;
        let mut items = Vec::new();
        for row in rows {
            let (state, op, entity, status, mut item) = row?;
            item.batch_state = BatchState::parse(&state).unwrap_or(BatchState::Refused);
            item.op = serde_json::from_value(Value::String(op))?;
            item.entity = EntityKind::parse(&entity).unwrap_or(EntityKind::Record);
            item.status = ItemStatus::parse(&status);
            items.push(item);
        }
        Ok(items)
    }

    /// The values an entity had at `version`, from its revisions: a
    /// record's fields, or a teacher's identity.
    pub(crate) fn fields_at_version(
        &self,
        kind: EntityKind,
        id: &str,
        version: i64,
    ) -> Option<Map<String, Value>> {
        if let Some(recovered) = self.recovered_fields(kind, id, version) {
            return recovered;
        }
        let conn = &self.school.conn;
        let revised: Option<(i64, String)> = conn
            .query_row(
                "SELECT id, new_value FROM revision
                 WHERE entity = ?1 AND entity_id = ?2 AND json_extract(new_value, '$.version') = ?3
                 ORDER BY id DESC LIMIT 1",
                params![kind.as_str(), id, version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        let revised = revised.and_then(|(at, text)| Some((at, serde_json::from_str(&text).ok()?)));
        let imported = self.imported_value_at_version(kind, id, version);
        let (_, value) = match (revised, imported) {
            (Some(r), Some(i)) => Some(if i.0 > r.0 { i } else { r }),
            (r, i) => r.or(i),
        }?;
        match kind {
            EntityKind::Record => value.get("fields")?.as_object().cloned(),
            EntityKind::Teacher => Some(
                ["name", "id_type", "id_number"]
                    .into_iter()
                    .filter_map(|k| value.get(k).map(|v| (k.to_owned(), v.clone())))
                    .collect(),
            ),
        }
    }

    /// The entity at `version` as an import's change set recorded it, with
    /// the import's entry id (`store/change_sets.rs`).
    fn imported_value_at_version(
        &self,
        kind: EntityKind,
        id: &str,
        version: i64,
    ) -> Option<(i64, Value)> {
        let conn = &self.school.conn;
        let teacher_id: String = match kind {
            EntityKind::Teacher => id.to_owned(),
            // A record removed since is still named by its removal's revision.
            EntityKind::Record => conn
                .query_row(
                    "SELECT teacher_id FROM record WHERE id = ?1
                     UNION ALL
                     SELECT teacher_id FROM revision WHERE entity = 'record' AND entity_id = ?1
                       AND teacher_id IS NOT NULL
                     LIMIT 1",
                    [id],
                    |r| r.get(0),
                )
                .ok()?,
        };
        let entity = match kind {
            EntityKind::Teacher => Entity::Teacher,
            EntityKind::Record => Entity::Record,
        };
        change_sets::value_at_version(conn, &teacher_id, entity, id, version)
            .ok()
            .flatten()
    }

    /// The values a batch taken back from the upstream carried for an
    /// entity at `version`: what the upstream has, where this file's own
    /// revisions of that version (made after the backup it was restored
    /// from) may differ. `Some(None)` when such a batch carried only part
    /// of them (a 变更申请); None when no batch taken back carried it.
    fn recovered_fields(
        &self,
        kind: EntityKind,
        id: &str,
        version: i64,
    ) -> Option<Option<Map<String, Value>>> {
        let (payload, change_id): (Vec<u8>, String) = self
            .school
            .conn
            .query_row(
                "SELECT b.payload, i.change_id FROM batch_item i JOIN batch b ON b.id = i.batch_id
                 WHERE i.entity = ?1 AND i.entity_id = ?2 AND i.version = ?3
                   AND b.recovered_at IS NOT NULL AND b.state <> 'refused'
                 ORDER BY b.sequence DESC LIMIT 1",
                params![kind.as_str(), id, version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok()?;
        let payload = Payload::decode(&payload).ok();
        let change = payload
            .as_ref()
            .and_then(|p| p.changes.iter().find(|c| c.id == change_id));
        Some(change.and_then(|c| match c.op {
            ChangeOp::NewTeacher
            | ChangeOp::UpdateTeacher
            | ChangeOp::NewRecord
            | ChangeOp::UpdateRecord => Some(c.fields.clone()),
            _ => None,
        }))
    }

    fn stored_batch_summaries(&self, only: Option<&str>) -> Result<Vec<BatchSummary>> {
        let mut stmt = self.school.conn.prepare(&format!(
            "SELECT {BATCH_COLUMNS} FROM batch b WHERE ?1 IS NULL OR b.id = ?1 ORDER BY b.rowid DESC"
        ))?;
        let rows = stmt.query_map([only], summary_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn batch_summary(&self, batch_id: &str) -> Result<BatchSummary> {
        self.stored_batch_summaries(Some(batch_id))?
            .into_iter()
            .next()
            .ok_or_else(|| {
                Error::Batch(BatchError::ReceiptOfAnotherBatch {
                    batch_id: batch_id.to_owned(),
                })
            })
    }

    // ----- writes for the core's own use (each one transaction) -----

    /// Remembers the key made for an enrollment before it is sent.
    pub(crate) fn save_pending_enrollment(&mut self, pending: &PendingEnrollment) -> Result<()> {
        self.school.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO enrollment_pending (id, upstream, key_id, key_place, wrapped_key, created_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5)",
                params![
                    pending.upstream,
                    pending.key_id,
                    pending.key_place.as_str(),
                    pending.wrapped_key,
                    now()
                ],
            )?;
            Ok(())
        })
    }

    /// Records an answered enrollment: the new key and the pinned upstream
    /// key replace any earlier enrollment; a batch in flight under the old
    /// key will be refused (`key_revoked`), so it is closed and its records
    /// go in the next batch.
    pub(crate) fn complete_enrollment(
        &mut self,
        actor: &Actor,
        enrollment: &StoredEnrollment,
    ) -> Result<()> {
        let old = stored_enrollment(self.school)?;
        self.school.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO enrollment (id, upstream, school, key_id, key_place, wrapped_key, upstream_key,
                                                    enrolled_at, enrolled_by, review_cursor)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    enrollment.upstream,
                    enrollment.school,
                    enrollment.key_id,
                    enrollment.key_place.as_str(),
                    enrollment.wrapped_key,
                    serde_json::to_string(&enrollment.upstream_key.to_wire())?,
                    enrollment.enrolled_at,
                    enrollment.enrolled_by,
                    i64::try_from(enrollment.review_cursor).unwrap_or(0),
                ],
            )?;
            tx.execute("DELETE FROM enrollment_pending", [])?;
            let revoked = Refusal::with_details(
                RefusalCode::KeyRevoked,
                "本校已重新登记，这一批次作废",
                "the school enrolled again, so this batch is void",
            );
            let in_flight: Vec<(String, String)> = tx
                .prepare("SELECT id, state FROM batch WHERE state IN ('built', 'signed', 'uploading')")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, state) in in_flight {
                tx.execute(
                    "UPDATE batch SET state = 'refused', refusal = ?2, closed_at = ?3 WHERE id = ?1",
                    params![id, refusal_json(&revoked), now()],
                )?;
                record_transition(
                    tx,
                    actor,
                    &id,
                    BatchState::parse(&state).unwrap_or(BatchState::Built),
                    json!({ "state": BatchState::Refused.label(), "refusal": revoked.message }),
                )?;
            }
            revisions::record(
                tx,
                actor,
                Entity::Upstream,
                "enrollment",
                None,
                if old.is_some() {
                    Action::Update
                } else {
                    Action::Create
                },
                old.as_ref()
                    .map(|o| json!({ "upstream": o.upstream, "key_id": o.key_id }))
                    .as_ref(),
                Some(&json!({
                    "upstream": enrollment.upstream,
                    "key_id": enrollment.key_id,
                    "key_place": enrollment.key_place.label(),
                    "upstream_key_id": enrollment.upstream_key.key_id(),
                })),
            )
        })
    }

    /// Marks a built batch signed with `envelope`.
    pub(crate) fn mark_signed(
        &mut self,
        actor: &Actor,
        batch_id: &str,
        key_id: &str,
        envelope: &[u8],
    ) -> Result<()> {
        self.school.write(|tx| {
            let changed = tx.execute(
                "UPDATE batch SET state = 'signed', key_id = ?2, envelope = ?3, signed_at = ?4
                 WHERE id = ?1 AND state = 'built'",
                params![batch_id, key_id, envelope, now()],
            )?;
            if changed == 1 {
                record_transition(
                    tx,
                    actor,
                    batch_id,
                    BatchState::Built,
                    json!({ "state": BatchState::Signed.label(), "key_id": key_id }),
                )?;
            }
            Ok(())
        })
    }

    /// Marks a signed batch as being uploaded (before the first byte goes).
    pub(crate) fn mark_uploading(
        &mut self,
        actor: &Actor,
        batch_id: &str,
        upstream: &str,
    ) -> Result<()> {
        self.school.write(|tx| {
            let changed = tx.execute(
                "UPDATE batch SET state = 'uploading' WHERE id = ?1 AND state = 'signed'",
                [batch_id],
            )?;
            if changed == 1 {
                record_transition(
                    tx,
                    actor,
                    batch_id,
                    BatchState::Signed,
                    json!({ "state": BatchState::Uploading.label(), "upstream": upstream }),
                )?;
            }
            Ok(())
        })
    }

    /// Counts a failed upload attempt and keeps what went wrong, in both
    /// languages.
    pub(crate) fn note_upload_failure(&mut self, batch_id: &str, error: &Error) -> Result<()> {
        let said = LastError {
            zh: error.message(Locale::ZhCn),
            en: error.message(Locale::En),
        };
        self.school.write(|tx| {
            tx.execute(
                "UPDATE batch SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                params![batch_id, said.to_stored()],
            )?;
            Ok(())
        })
    }

    /// Keeps a verified receipt: the batch is received. Nothing changes when
    /// it already was.
    pub(crate) fn mark_received(
        &mut self,
        actor: &Actor,
        batch_id: &str,
        receipt: &[u8],
        received_at: &str,
        from_file: Option<&str>,
    ) -> Result<bool> {
        self.school.write(|tx| {
            let state: String =
                tx.query_row("SELECT state FROM batch WHERE id = ?1", [batch_id], |r| {
                    r.get(0)
                })?;
            let state = BatchState::parse(&state).unwrap_or(BatchState::Refused);
            if !state.in_flight() {
                return Ok(false);
            }
            tx.execute(
                "UPDATE batch SET state = 'received', receipt = ?2, received_at = ?3, closed_at = ?4, last_error = NULL
                 WHERE id = ?1",
                params![batch_id, receipt, received_at, now()],
            )?;
            record_transition(
                tx,
                actor,
                batch_id,
                state,
                json!({
                    "state": BatchState::Received.label(),
                    "received_at": received_at,
                    "receipt_sha256": protocol::sha256_hex(receipt),
                    "path": from_file,
                }),
            )?;
            Ok(true)
        })
    }

    /// Closes a batch the upstream refused for good.
    pub(crate) fn mark_refused(
        &mut self,
        actor: &Actor,
        batch_id: &str,
        refusal: &Refusal,
    ) -> Result<()> {
        self.school.write(|tx| {
            let state: String =
                tx.query_row("SELECT state FROM batch WHERE id = ?1", [batch_id], |r| {
                    r.get(0)
                })?;
            let state = BatchState::parse(&state).unwrap_or(BatchState::Refused);
            if !state.in_flight() {
                return Ok(());
            }
            tx.execute(
                "UPDATE batch SET state = 'refused', refusal = ?2, closed_at = ?3, last_error = ?4 WHERE id = ?1",
                params![
                    batch_id,
                    refusal_json(refusal),
                    now(),
                    LastError {
                        zh: refusal.message.clone(),
                        en: refusal.message_in_english(),
                    }
                    .to_stored()
                ],
            )?;
            record_transition(
                tx,
                actor,
                batch_id,
                state,
                json!({
                    "state": BatchState::Refused.label(),
                    "refusal": format!("{}：{}", refusal.code, refusal.message),
                }),
            )
        })
    }

    /// Records that a batch was written to a `.taolibatch` file (an export).
    pub(crate) fn mark_exported(
        &mut self,
        actor: &Actor,
        batch_id: &str,
        path: &std::path::Path,
        bytes: usize,
    ) -> Result<()> {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.school.write(|tx| {
            tx.execute(
                "UPDATE batch SET exported_at = ?2 WHERE id = ?1",
                params![batch_id, now()],
            )?;
            revisions::record(
                tx,
                actor,
                Entity::Export,
                &file_name,
                None,
                Action::Create,
                None,
                Some(&json!({
                    "format": crate::batches::BATCH_FILE_EXTENSION,
                    "batch_id": batch_id,
                    "path": path.display().to_string(),
                    "bytes": bytes,
                })),
            )
        })
    }

    /// Applies a page of review results in one transaction: each
    /// `review_id` once (a repeated delivery is dropped), the decision on the
    /// change it names, a batch whose every change is decided marked
    /// reviewed, and the cursor moved to the page's `next`. The school's
    /// data is never touched: a review only says where it stands.
    pub(crate) fn apply_review_page(
        &mut self,
        actor: &Actor,
        page: &ReviewPage,
    ) -> Result<ReviewsApplied> {
        self.school.write(|tx| {
            let mut applied = ReviewsApplied::default();
            let mut touched: Vec<&str> = Vec::new();
            let at = now();
            for result in &page.results {
                if apply_review(tx, actor, result, &at, &mut applied)?
                    && !touched.contains(&result.batch_id.as_str())
                {
                    touched.push(&result.batch_id);
                }
            }
            for batch_id in touched {
                close_reviewed_batch(tx, actor, batch_id)?;
            }
            tx.execute(
                "UPDATE enrollment SET review_cursor = max(review_cursor, ?1) WHERE id = 1",
                [i64::try_from(page.next).unwrap_or(i64::MAX)],
            )?;
            Ok(applied)
        })
    }

    /// Keeps a batch taken back from the upstream (its receipt verified
    /// with the pinned key, its payload against the receipt) as received,
    /// in one transaction: the batch with its receipt and payload, the
    /// changes it carried, the entities this file holds older than it
    /// carried moved past it ([`realign`]), and the audit entry. A batch
    /// this file still has (not yet received here) is only marked received.
    pub(crate) fn keep_recovered_batch(
        &mut self,
        actor: &Actor,
        batch: &RecoveredBatch<'_>,
    ) -> Result<()> {
        let manifest = batch.manifest;
        self.school.write(|tx| {
            let at = now();
            let receipt_sha256 = protocol::sha256_hex(batch.receipt);
            let existing: Option<String> = tx
                .query_row(
                    "SELECT state FROM batch WHERE id = ?1",
                    [&manifest.batch_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(state) = existing {
                let state = BatchState::parse(&state).unwrap_or(BatchState::Refused);
                if state.received() {
                    return Ok(());
                }
                tx.execute(
                    "UPDATE batch SET state = 'received', receipt = ?2, received_at = ?3, closed_at = ?4,
                                      recovered_at = ?4, refusal = NULL, last_error = NULL
                     WHERE id = ?1",
                    params![manifest.batch_id, batch.receipt, batch.received_at, at],
                )?;
                return record_transition(
                    tx,
                    actor,
                    &manifest.batch_id,
                    state,
                    json!({
                        "state": BatchState::Received.label(),
                        "received_at": batch.received_at,
                        "receipt_sha256": receipt_sha256,
                        "recovered": true,
                    }),
                );
            }
            tx.execute(
                "INSERT INTO batch (id, sequence, base_batch, state, created_at, created_by, record_count, payload,
                                    payload_sha256, key_id, receipt, received_at, closed_at, recovered_at)
                 VALUES (?1, ?2, ?3, 'received', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                params![
                    manifest.batch_id,
                    i64::try_from(manifest.sequence).unwrap_or(i64::MAX),
                    manifest.previous_batch,
                    manifest.created_at,
                    actor.name(),
                    batch.changes.len() as i64,
                    batch.payload,
                    manifest.payload_sha256,
                    manifest.key_id,
                    batch.receipt,
                    batch.received_at,
                    at
                ],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO batch_item (batch_id, change_id, op, teacher_id, entity, entity_id, group_code, version, base_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for change in batch.changes {
                let (entity, entity_id) = entity_of(change);
                insert.execute(params![
                    manifest.batch_id,
                    change.id,
                    change.op.as_str(),
                    change.teacher_id,
                    entity.as_str(),
                    entity_id,
                    change.group,
                    change.version,
                    change.base_version
                ])?;
                // A correction request's values are the teacher's only once
                // the county accepts it: nothing here is older than it.
                if crate::correction_request::request_of(&change.id).is_none() {
                    realign(tx, actor, change)?;
                }
            }
            revisions::record(
                tx,
                actor,
                Entity::Upstream,
                &manifest.batch_id,
                None,
                Action::Create,
                None,
                Some(&json!({
                    "state": BatchState::Received.label(),
                    "sequence": manifest.sequence,
                    "record_count": batch.changes.len(),
                    "payload_bytes": batch.payload.len(),
                    "payload_sha256": manifest.payload_sha256,
                    "received_at": batch.received_at,
                    "receipt_sha256": receipt_sha256,
                    "recovered": true,
                })),
            )
        })
    }

    /// Writes a new batch (state built) with the changes it carries, and
    /// records it and the backup made before it, in one transaction.
    fn insert_batch(
        &mut self,
        actor: &Actor,
        batch: &NewBatch,
        backup: &crate::store::Backup,
    ) -> Result<()> {
        self.school.write(|tx| {
            let sha = protocol::sha256_hex(&batch.payload);
            tx.execute(
                "INSERT INTO batch (id, sequence, base_batch, state, created_at, created_by, record_count, payload, payload_sha256)
                 VALUES (?1, ?2, ?3, 'built', ?4, ?5, ?6, ?7, ?8)",
                params![
                    batch.id,
                    batch.sequence,
                    batch.base_batch,
                    batch.created_at,
                    actor.name(),
                    batch.changes.len() as i64,
                    batch.payload,
                    sha
                ],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO batch_item (batch_id, change_id, op, teacher_id, entity, entity_id, group_code, version, base_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for planned in &batch.changes {
                let change = &planned.change;
                insert.execute(params![
                    batch.id,
                    change.id,
                    change.op.as_str(),
                    change.teacher_id,
                    planned.entity.as_str(),
                    planned.entity_id,
                    planned.group_code,
                    change.version,
                    change.base_version
                ])?;
            }
            record_backup(tx, backup, actor)?;
            revisions::record(
                tx,
                actor,
                Entity::Upstream,
                &batch.id,
                None,
                Action::Create,
                None,
                Some(&json!({
                    "state": BatchState::Built.label(),
                    "sequence": batch.sequence,
                    "record_count": batch.changes.len(),
                    "payload_bytes": batch.payload.len(),
                    "payload_sha256": sha,
                })),
            )?;
            // With the school's review required, it waits for it (same
            // transaction: never sent unreviewed).
            super::review::hold_for_review(
                tx,
                actor,
                &batch.id,
                batch.sequence,
                batch.changes.len() as i64,
                &batch.created_at,
            )
        })
    }

    /// Builds the next batch (批次): every teacher and record changed since
    /// the batches the upstream received, of every teacher without errors
    /// (and without warnings lacking a reason), as a gzip payload, after an
    /// automatic backup (报送前). `change_reason` is the reason sent with
    /// 变更申请 (changes to information in effect upstream); without it those
    /// changes wait. None when there is nothing to send. Refused while
    /// another batch is in flight ([`BatchError::BatchInFlight`]): one batch at a
    /// time, so sequences never collide. Not signed yet: see
    /// [`Reporting::sign_batch`].
    pub fn build_batch(&mut self, change_reason: Option<&str>) -> Result<Option<BatchSummary>> {
        let actor = self.school.require(Permission::BatchesSubmit)?;
        let enrollment = self.required_enrollment()?;
        let change_reason = match change_reason.map(str::trim) {
            Some(r) if r.is_empty() || r.chars().count() > protocol::MAX_REASON_CHARS => {
                return Err(BatchError::InvalidChangeReason {
                    max: protocol::MAX_REASON_CHARS,
                }
                .into());
            }
            other => other,
        };
        if let Some(batch) = self.batch_in_flight()? {
            return Err(BatchError::BatchInFlight {
                sequence: batch.sequence,
                batch_id: batch.id,
            }
            .into());
        }
        let inputs = self.reporting_inputs()?;
        let assessed = plan::assess(&inputs.inputs());
        let old_fields =
            |kind: EntityKind, id: &str, version: i64| self.fields_at_version(kind, id, version);
        let reasons = self.reasons(&assessed, change_reason)?;
        let mut planned = plan::plan(&assessed, &reasons, &old_fields);
        let status_changes = self.status_changes_to_report(&planned.changes, &inputs)?;
        // A 变更申请 of 基本信息 that only writes the 人员状态 of a change of
        // status this batch reports is told by that change: it goes once.
        let covered = self.written_by(
            status_changes
                .iter()
                .filter_map(|c| plan::status_event_of(&c.change.id).map(str::to_owned)),
        )?;
        planned.changes.retain(|c| {
            !covered.contains(&(c.entity_id.clone(), c.change.base_version, c.change.version))
        });
        planned.changes.extend(status_changes);
        let corrections = self.correction_requests_to_report(&inputs)?;
        planned.changes.extend(corrections);
        if planned.changes.is_empty() {
            return Ok(None);
        }
        // Each change of a teacher whose current information is what they
        // signed carries that sign-off (签字确认).
        let marks = self.signoff_marks()?;
        for planned in &mut planned.changes {
            planned.change.signoff = marks.get(&planned.change.teacher_id).cloned();
        }
        let (sequence, base_batch) = match self.last_received()? {
            Some((sequence, id)) => (sequence.saturating_add(1), Some(id)),
            None => (1, None),
        };
        let id = uuid::Uuid::now_v7().hyphenated().to_string();
        let mut payload = Payload::new(&enrollment.school, &id);
        payload.changes = planned.changes.iter().map(|c| c.change.clone()).collect();
        payload.warning_reasons = planned.warning_reasons;
        let bytes = payload.encode()?;
        let batch = NewBatch {
            id,
            sequence,
            base_batch,
            created_at: protocol::now(),
            payload: bytes,
            changes: planned.changes,
        };
        let backup = self.school.automatic_backup(BackupReason::BeforeBatch)?;
        self.insert_batch(&actor, &batch, &backup)?;
        self.batch_summary(&batch.id).map(Some)
    }

    /// The reasons changes that need one may go with: the clerk's, and the
    /// status changes' and corrections' own, read only when some unsent
    /// change needs a reason (the status reads this on every sync pass).
    fn reasons<'r>(
        &self,
        assessed: &[TeacherAssessment<'_>],
        clerk: Option<&'r str>,
    ) -> Result<plan::Reasons<'r>> {
        let needed = assessed
            .iter()
            .any(|t| t.unsent().any(|e| e.needs_reason()));
        if !needed {
            return Ok(plan::Reasons {
                clerk,
                ..plan::Reasons::default()
            });
        }
        Ok(plan::Reasons {
            clerk,
            status: crate::status_changes::status_reasons(self.school)?,
            corrections: crate::store::revisions::correction_reasons(&self.school.conn)?,
        })
    }

    /// By teacher, the sign-off of their current information, if they signed it.
    fn signoff_marks(
        &mut self,
    ) -> Result<std::collections::HashMap<String, protocol::SignoffMark>> {
        Ok(self
            .school
            .sheets()
            .signoff_states()?
            .into_iter()
            .filter_map(|(teacher, state)| match state {
                crate::sheets::SignoffState::Signed {
                    current, signed_at, ..
                } => Some((
                    teacher,
                    protocol::SignoffMark {
                        fingerprint: current,
                        signed_at,
                    },
                )),
                _ => None,
            })
            .collect())
    }

    /// The changes of status the next batch reports (`status_change`, one
    /// per event): those not yet carried by a batch that was not refused,
    /// of teachers the upstream has been sent or this batch sends (a change
    /// of a teacher it has never seen waits for the teacher), and not held
    /// back by the sign-off gate.
    fn status_changes_to_report(
        &self,
        planned: &[plan::PlannedChange],
        inputs: &ReportingInputs,
    ) -> Result<Vec<plan::PlannedChange>> {
        let known: HashSet<&str> = inputs
            .items
            .iter()
            .filter(|i| i.entity == EntityKind::Teacher)
            .map(|i| i.teacher_id.as_str())
            .chain(planned.iter().map(|c| c.change.teacher_id.as_str()))
            .collect();
        Ok(self
            .uncarried_status_changes()?
            .into_iter()
            .filter(|e| known.contains(e.teacher_id.as_str()))
            .filter(|e| !inputs.signoff.contains_key(&e.teacher_id))
            .map(|e| plan::status_change_for(plan::status_change_id(&e.id), e))
            .collect())
    }

    /// The identity corrections the next batch asks the county for (one
    /// 变更申请 of the teacher's identity each, `correction:<id>`): those
    /// waiting and not yet carried by a batch that was not refused, of
    /// teachers the sign-off gate does not hold back.
    fn correction_requests_to_report(
        &self,
        inputs: &ReportingInputs,
    ) -> Result<Vec<plan::PlannedChange>> {
        let mut out = Vec::new();
        for request in crate::correction_requests::awaiting_county(self.school)?.into_values() {
            if request.sent || inputs.signoff.contains_key(&request.teacher_id) {
                continue;
            }
            let Some(teacher) = inputs.teachers.iter().find(|t| t.id == request.teacher_id) else {
                continue;
            };
            out.push(plan::correction_request_for(&request, teacher));
        }
        out.sort_by(|a, b| a.change.id.cmp(&b.change.id));
        Ok(out)
    }

    /// By teacher, their open identity correction (waiting for the county,
    /// or returned) and the batch that carried it, if one did.
    fn open_corrections(&self) -> Result<HashMap<String, OpenCorrection>> {
        let mut stmt = self.school.conn.prepare(
            "SELECT i.change_id, i.batch_id, b.state FROM batch_item i JOIN batch b ON b.id = i.batch_id
             WHERE i.change_id LIKE 'correction:%' AND b.state <> 'refused'",
        )?;
        let carriers: HashMap<String, (String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        let open = crate::correction_requests::awaiting_county(self.school)?
            .into_iter()
            .chain(crate::correction_requests::returned(self.school)?);
        Ok(open
            .map(|(teacher, request)| {
                let batch = carriers.get(&request.change_id()).map(|(id, state)| {
                    (
                        id.clone(),
                        BatchState::parse(state).unwrap_or(BatchState::Built),
                    )
                });
                (teacher, OpenCorrection { request, batch })
            })
            .collect())
    }

    /// The versions of 基本信息 the changes of status `events` wrote their
    /// 人员状态 into: (record, version written over, version written).
    fn written_by(&self, events: impl Iterator<Item = String>) -> Result<HashSet<WrittenVersion>> {
        let mut stmt = self.school.conn.prepare_cached(
            "SELECT record_id, base_version, version FROM status_write WHERE event_id = ?1",
        )?;
        let mut out = HashSet::new();
        for event in events {
            if let Some((record, base, version)) = stmt
                .query_row([&event], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?
            {
                out.insert((record, Some(base), Some(version)));
            }
        }
        Ok(out)
    }

    /// The changes of status no batch that was not refused carried yet.
    fn uncarried_status_changes(&self) -> Result<Vec<crate::status_event::StatusEvent>> {
        let mut stmt = self.school.conn.prepare(
            "SELECT i.change_id FROM batch_item i JOIN batch b ON b.id = i.batch_id
             WHERE i.op = 'status_change' AND b.state <> 'refused'",
        )?;
        let carried: HashSet<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(crate::status_changes::reportable(self.school)?
            .into_iter()
            .filter(|e| !carried.contains(&plan::status_change_id(&e.id)))
            .collect())
    }

    // ----- public reads -----

    /// The school's enrollment with the upstream, if it has one.
    pub fn enrollment(&self) -> Result<Option<EnrollmentInfo>> {
        self.school.require(Permission::TeachersView)?;
        Ok(stored_enrollment(self.school)?.map(|e| EnrollmentInfo {
            upstream: e.upstream,
            school: e.school,
            key_id: e.key_id,
            key_place: e.key_place,
            upstream_key_id: e.upstream_key.key_id(),
            upstream_fingerprint: e.upstream_key.fingerprint(),
            enrolled_at: e.enrolled_at,
            enrolled_by: e.enrolled_by,
            review_cursor: e.review_cursor,
        }))
    }

    /// The file name the save dialog proposes for the batch a `.taolibatch`
    /// export writes: the one in flight, or the next one
    /// (`桃李镇中心小学-第3批.taolibatch`).
    pub fn batch_file_name(&self) -> Result<String> {
        self.school.require(Permission::TeachersView)?;
        let sequence = match self.batch_in_flight()? {
            Some(batch) => batch.sequence,
            None => self
                .last_received()?
                .map_or(1, |(sequence, _)| sequence.saturating_add(1)),
        };
        Ok(format!(
            "{}-第{sequence}批.{}",
            crate::text::file_name_safe(self.school.school()?.name.trim()),
            crate::batches::BATCH_FILE_EXTENSION
        ))
    }

    /// The file name the save dialog proposes for the receipt of batch
    /// `sequence` (`桃李镇中心小学-第3批回执.taolireceipt`).
    pub fn receipt_file_name(&self, sequence: i64) -> Result<String> {
        self.school.require(Permission::TeachersView)?;
        Ok(format!(
            "{}-第{sequence}批回执.{}",
            crate::text::file_name_safe(self.school.school()?.name.trim()),
            crate::batches::RECEIPT_FILE_EXTENSION
        ))
    }

    /// Every batch of the outbox, newest first.
    pub fn batches(&self) -> Result<Vec<BatchSummary>> {
        self.school.require(Permission::TeachersView)?;
        self.stored_batch_summaries(None)
    }

    /// Every kept receipt (回执), newest first: the evidence of what the
    /// school reported and when the upstream had it.
    pub fn receipts(&self) -> Result<Vec<ReceiptInfo>> {
        self.school.require(Permission::TeachersView)?;
        let mut stmt = self.school.conn.prepare(
            "SELECT id, sequence, record_count, received_at, receipt FROM batch
             WHERE receipt IS NOT NULL ORDER BY sequence DESC, rowid DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Vec<u8>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (batch_id, sequence, record_count, received_at, receipt) = row?;
            let key_id = protocol::SignedReceipt::decode(&receipt)
                .map(|s| s.key_id)
                .unwrap_or_default();
            out.push(ReceiptInfo {
                batch_id,
                sequence,
                record_count,
                received_at: received_at.unwrap_or_default(),
                key_id,
                receipt_sha256: protocol::sha256_hex(&receipt),
                receipt: String::from_utf8_lossy(&receipt).into_owned(),
            });
        }
        Ok(out)
    }

    /// Where the school's reporting stands: each teacher (待上传 / 待审核 /
    /// 上传中 / 已接收 / 已退回 / 已生效, with the reviewer's reasons), each batch, the
    /// next deadline and what is still missing.
    pub fn outbox_status(&self) -> Result<OutboxStatus> {
        self.school.require(Permission::TeachersView)?;
        let enrollment = self.enrollment()?;
        let inputs = self.reporting_inputs()?;
        let assessed = plan::assess(&inputs.inputs());
        let effective = self.school.effective_catalog()?;
        let reasons = self.reasons(&assessed, None)?;
        let old_fields =
            |kind: EntityKind, id: &str, version: i64| self.fields_at_version(kind, id, version);
        // The batch waiting for the school's own review: its teachers read 待审核.
        let awaiting = super::review::waiting_batch(&self.school.conn)?.map(|w| w.batch_id);
        let mut counts = StatusCounts::default();
        let mut missing = Missing {
            not_enrolled: enrollment.is_none(),
            batch_in_flight: self.batch_in_flight()?.is_some(),
            ..Missing::default()
        };
        let mut status_changes: HashMap<String, usize> = HashMap::new();
        let uncarried = self.uncarried_status_changes()?;
        let covered = self.written_by(uncarried.iter().map(|e| e.id.clone()))?;
        for event in uncarried {
            let count = status_changes.entry(event.teacher_id).or_default();
            *count = count.saturating_add(1);
        }
        // A 变更申请 of 基本信息 a change of status will report is not
        // counted apart from it.
        let told_by_status = |e: &plan::EntityAssessment<'_>| match &e.standing {
            Standing::Unsent(unsent) => {
                covered.contains(&(e.id.clone(), unsent.base, unsent.version))
            }
            _ => false,
        };
        let corrections = self.open_corrections()?;
        let mut teachers = Vec::with_capacity(assessed.len());
        for teacher in &assessed {
            let correction = corrections.get(&teacher.teacher_id);
            let unsent = teacher
                .unsent()
                .filter(|e| !told_by_status(e))
                .count()
                .saturating_add(
                    status_changes
                        .get(&teacher.teacher_id)
                        .copied()
                        .unwrap_or_default(),
                )
                .saturating_add(usize::from(correction.is_some_and(|c| c.unsent())));
            let needing_reason = teacher
                .unsent()
                .filter(|e| !told_by_status(e))
                .filter(|e| e.needs_reason())
                .filter(|e| match &e.standing {
                    Standing::Unsent(unsent) => reasons
                        .reason_for(&teacher.teacher_id, e, unsent, &old_fields)
                        .is_none(),
                    _ => true,
                })
                .count();
            missing.unsent_changes = missing.unsent_changes.saturating_add(unsent);
            missing.changes_needing_reason = missing
                .changes_needing_reason
                .saturating_add(needing_reason);
            let Some(stored) = teacher.teacher else {
                continue;
            };
            let (mut status, mut returned) =
                upload_status(teacher, &effective, awaiting.as_deref());
            if let Some(correction) = correction {
                status = status.min(correction.status(awaiting.as_deref()));
                returned.extend(correction.returned());
            }
            count_status(&mut counts, status);
            count_missing(&mut missing, teacher, unsent, &returned);
            let shown = self.school.shown(stored.clone());
            teachers.push(TeacherUpload {
                teacher_id: stored.id.clone(),
                name: stored.name.clone(),
                id_number: shown.id_number,
                status,
                status_label: status.label(),
                unsent,
                errors: teacher.errors,
                unexplained_warnings: teacher.unexplained_warnings,
                held_back: held_back(teacher, unsent, needing_reason),
                returned,
            });
        }
        let today = chrono::Local::now().date_naive();
        let deadline =
            crate::batches::deadline::next_deadline(self.school.catalog()?.deadlines(), today);
        Ok(OutboxStatus {
            enrollment,
            batches: self.stored_batch_summaries(None)?,
            teachers,
            counts,
            deadline,
            missing,
        })
    }
}

/// A version of 基本信息 a change of status wrote: (record, version written
/// over, version written), as a planned change names them.
type WrittenVersion = (String, Option<i64>, Option<i64>);

/// A write of 人员状态 into 基本信息 whose change of status a batch reported.
struct StatusWrite {
    sequence: i64,
    /// The version it was written over.
    base_version: i64,
    /// 基本信息 at the version written, as the batch's change carries it.
    item: ItemRow,
}

/// Adds `write`'s version of 基本信息 as carried, when the version it was
/// written over is the last one carried (so no unsent edit hides behind it).
fn push_written(out: &mut Vec<ItemRow>, write: StatusWrite) {
    let last = out
        .iter()
        .rev()
        .find(|i| i.entity == EntityKind::Record && i.entity_id == write.item.entity_id);
    if last.and_then(|i| i.version) == Some(write.base_version) {
        out.push(write.item);
    }
}

/// A teacher's open identity correction, as the 报送 status counts it.
struct OpenCorrection {
    request: crate::correction_request::CorrectionRequest,
    /// The batch that carried it and the batch's state.
    batch: Option<(String, BatchState)>,
}

impl OpenCorrection {
    /// Waiting for the next batch.
    fn unsent(&self) -> bool {
        self.request.state == crate::correction_request::RequestState::Pending
            && self.batch.is_none()
    }

    /// Where it stands; `awaiting` is the batch waiting for the school's
    /// review, if one does.
    fn status(&self, awaiting: Option<&str>) -> UploadStatus {
        if self.request.state == crate::correction_request::RequestState::Returned {
            return UploadStatus::Returned;
        }
        match &self.batch {
            None => UploadStatus::Pending,
            Some((id, _)) if Some(id.as_str()) == awaiting => UploadStatus::AwaitingReview,
            Some((_, state)) if state.in_flight() => UploadStatus::Uploading,
            Some(_) => UploadStatus::Received,
        }
    }

    /// The return, for the teacher's returned list (the identity: no group).
    fn returned(&self) -> Option<ReturnedRecord> {
        if self.request.state != crate::correction_request::RequestState::Returned {
            return None;
        }
        Some(ReturnedRecord {
            batch_id: self
                .batch
                .as_ref()
                .map(|(id, _)| id.clone())
                .unwrap_or_default(),
            change_id: self.request.change_id(),
            group: None,
            group_name: None,
            reason: self.request.decision_note.clone().unwrap_or_default(),
            version: None,
            superseded: false,
        })
    }
}

/// Keeps one review result and, the first time a pending change is decided,
/// applies it to its batch item (audited). Whether it was applied; the
/// counts say what became of it.
fn apply_review(
    tx: &Transaction<'_>,
    actor: &Actor,
    result: &protocol::ReviewResult,
    at: &str,
    applied: &mut ReviewsApplied,
) -> Result<bool> {
    let item: Option<(String, String, String)> = tx
        .query_row(
            "SELECT teacher_id, status, op FROM batch_item WHERE batch_id = ?1 AND change_id = ?2",
            params![result.batch_id, result.record],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO review_result
             (review_id, cursor, batch_id, change_id, decision, reason, reviewed_at, applied_at, known)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            result.review_id,
            i64::try_from(result.cursor).unwrap_or(i64::MAX),
            result.batch_id,
            result.record,
            result.decision.as_str(),
            result.reason,
            result.reviewed_at,
            at,
            i64::from(item.is_some()),
        ],
    )?;
    if inserted == 0 {
        applied.duplicates = applied.duplicates.saturating_add(1);
        return Ok(false);
    }
    let Some((teacher_id, status, op)) = item else {
        applied.unknown = applied.unknown.saturating_add(1);
        return Ok(false);
    };
    if status != ItemStatus::Pending.as_str() {
        // A change is decided once; a second decision is kept in
        // review_result only.
        applied.duplicates = applied.duplicates.saturating_add(1);
        return Ok(false);
    }
    tx.execute(
        "UPDATE batch_item SET status = ?3, reason = ?4, review_id = ?5, reviewed_at = ?6
         WHERE batch_id = ?1 AND change_id = ?2",
        params![
            result.batch_id,
            result.record,
            result.decision.as_str(),
            result.reason,
            result.review_id,
            result.reviewed_at
        ],
    )?;
    if op == ChangeOp::StatusChange.as_str()
        && let Some(event_id) = plan::status_event_of(&result.record)
    {
        crate::status_changes::decided_upstream(
            tx,
            actor,
            event_id,
            result.decision == protocol::Decision::Accepted,
            result.reason.as_deref(),
        )?;
    }
    if op == ChangeOp::ChangeRequest.as_str()
        && let Some(request_id) = crate::correction_request::request_of(&result.record)
    {
        let applied_version = crate::correction_requests::decided_upstream(
            tx,
            actor,
            request_id,
            result.decision == protocol::Decision::Accepted,
            result.reason.as_deref(),
        )?;
        // The version accepting it made is the one the change names, so the
        // teacher stands in effect at it and nothing goes upstream again.
        if let Some(version) = applied_version {
            tx.execute(
                "UPDATE batch_item SET version = ?3 WHERE batch_id = ?1 AND change_id = ?2",
                params![result.batch_id, result.record, version],
            )?;
        }
    }
    let count = match result.decision {
        protocol::Decision::Accepted => &mut applied.accepted,
        protocol::Decision::Returned => &mut applied.returned,
    };
    *count = count.saturating_add(1);
    revisions::record(
        tx,
        actor,
        Entity::Upstream,
        &result.record,
        Some(&teacher_id),
        Action::Update,
        None,
        Some(&json!({
            "batch_id": result.batch_id,
            "decision": result.decision.label(),
            "reason": result.reason,
        })),
    )?;
    Ok(true)
}

/// A received batch with no change left pending becomes reviewed (audited).
fn close_reviewed_batch(tx: &Transaction<'_>, actor: &Actor, batch_id: &str) -> Result<()> {
    let pending: i64 = tx.query_row(
        "SELECT count(*) FROM batch_item WHERE batch_id = ?1 AND status = 'pending'",
        [batch_id],
        |r| r.get(0),
    )?;
    if pending > 0 {
        return Ok(());
    }
    let changed = tx.execute(
        "UPDATE batch SET state = 'reviewed' WHERE id = ?1 AND state = 'received'",
        [batch_id],
    )?;
    if changed == 1 {
        record_transition(
            tx,
            actor,
            batch_id,
            BatchState::Received,
            json!({ "state": BatchState::Reviewed.label() }),
        )?;
    }
    Ok(())
}

/// A teacher's upload status (the least advanced of their identity's and
/// records'), and what the reviewer returned of them. Something carried by
/// the batch `awaiting` (waiting for the school's own review) is 待审核.
fn upload_status(
    teacher: &TeacherAssessment<'_>,
    effective: &EffectiveCatalog,
    awaiting: Option<&str>,
) -> (UploadStatus, Vec<ReturnedRecord>) {
    let mut returned = Vec::new();
    let mut status = UploadStatus::Effective;
    for entity in &teacher.entities {
        let here = match &entity.standing {
            Standing::Unsent(_) => UploadStatus::Pending,
            Standing::InFlight
                if awaiting.is_some()
                    && entity.latest.map(|item| item.batch_id.as_str()) == awaiting =>
            {
                UploadStatus::AwaitingReview
            }
            Standing::InFlight => UploadStatus::Uploading,
            Standing::Received => UploadStatus::Received,
            Standing::Returned => UploadStatus::Returned,
            Standing::Effective => UploadStatus::Effective,
        };
        status = status.min(here);
        if let Some(latest) = entity.latest
            && latest.status == ItemStatus::Returned
        {
            returned.push(ReturnedRecord {
                batch_id: latest.batch_id.clone(),
                change_id: latest.change_id.clone(),
                group: entity.group.clone(),
                group_name: entity
                    .group
                    .as_deref()
                    .and_then(|id| effective.group(id).map(|g| g.name.clone())),
                reason: latest.reason.clone().unwrap_or_default(),
                version: latest.version,
                // Changed since it was returned: the change waits to go again.
                superseded: !matches!(entity.standing, Standing::Returned),
            });
        }
    }
    (status, returned)
}

fn count_status(counts: &mut StatusCounts, status: UploadStatus) {
    let count = match status {
        UploadStatus::Returned => &mut counts.returned,
        UploadStatus::Pending => &mut counts.pending,
        UploadStatus::AwaitingReview => &mut counts.awaiting_review,
        UploadStatus::Uploading => &mut counts.uploading,
        UploadStatus::Received => &mut counts.received,
        UploadStatus::Effective => &mut counts.effective,
    };
    *count = count.saturating_add(1);
}

/// What a teacher adds to the school's to-do list: their returned records
/// still to correct, and errors or unexplained warnings.
fn count_missing(
    missing: &mut Missing,
    teacher: &TeacherAssessment<'_>,
    unsent: usize,
    returned: &[ReturnedRecord],
) {
    let to_correct = returned.iter().filter(|r| !r.superseded).count();
    missing.returned_records = missing.returned_records.saturating_add(to_correct);
    if teacher.errors > 0 {
        missing.teachers_with_errors = missing.teachers_with_errors.saturating_add(1);
    } else if teacher.unexplained_warnings > 0 {
        missing.teachers_with_unexplained_warnings =
            missing.teachers_with_unexplained_warnings.saturating_add(1);
    } else if teacher.signoff.is_some() && unsent > 0 {
        missing.teachers_without_signoff = missing.teachers_without_signoff.saturating_add(1);
    }
}

/// Why a teacher's unsent changes wait, if something holds them back.
fn held_back(
    teacher: &TeacherAssessment<'_>,
    unsent: usize,
    needing_reason: usize,
) -> Option<HeldBack> {
    if unsent == 0 {
        None
    } else if teacher.errors > 0 {
        Some(HeldBack::Errors {
            count: teacher.errors,
        })
    } else if teacher.unexplained_warnings > 0 {
        Some(HeldBack::UnexplainedWarnings {
            count: teacher.unexplained_warnings,
        })
    } else if let Some(lack) = teacher.signoff {
        Some(HeldBack::Signoff { lack })
    } else if needing_reason > 0 {
        Some(HeldBack::NeedsChangeReason)
    } else {
        None
    }
}

/// The enrollment as the school file keeps it (unchecked: the core's own
/// read, for the reporting service and the store's password change).
pub(crate) fn stored_enrollment(school: &SchoolFile) -> Result<Option<StoredEnrollment>> {
    let row = school
        .conn
        .query_row(
            "SELECT upstream, school, key_id, key_place, wrapped_key, upstream_key, enrolled_at, enrolled_by, review_cursor
             FROM enrollment WHERE id = 1",
            [],
            enrollment_from_row,
        )
        .optional()?;
    let Some((raw, upstream_key)) = row else {
        return Ok(None);
    };
    let wire: PublicKeyWire = serde_json::from_str(&upstream_key)?;
    let upstream_key = PublicKey::from_wire(&wire, RefusalCode::ReceiptInvalid)?;
    Ok(Some(StoredEnrollment {
        upstream: raw.upstream,
        school: raw.school,
        key_id: raw.key_id,
        key_place: KeyPlace::parse(&raw.key_place),
        wrapped_key: raw.wrapped_key,
        upstream_key,
        enrolled_at: raw.enrolled_at,
        enrolled_by: raw.enrolled_by,
        review_cursor: u64::try_from(raw.review_cursor).unwrap_or(0),
    }))
}

/// The one method a feature keeps on the handle: the store calls it
/// (docs/ARCHITECTURE.md, "The store is the bottom layer"; allowed in
/// `tests/architecture.rs`) when a 系统管理员's own password change re-wraps
/// the signing key in the same transaction.
impl SchoolFile {
    /// The signing key kept in the school file, wrapped anew under
    /// `new_password`, when it is wrapped under `current` now; None when
    /// there is no such key or another password wraps it.
    pub(crate) fn rewrapped_signing_key(
        &self,
        current: &str,
        new_password: &str,
    ) -> Result<Option<String>> {
        let Some(enrollment) = stored_enrollment(self)? else {
            return Ok(None);
        };
        let Some(wrapped) = enrollment.wrapped_key else {
            return Ok(None);
        };
        let secret = match crate::secrets::unwrap(
            &crate::secrets::WrappedKey::from_json(&wrapped)?,
            current,
        ) {
            Ok(secret) => secret,
            Err(Error::Secrets(SecretsError::WrongPassword)) => return Ok(None),
            Err(other) => return Err(other),
        };
        Ok(Some(
            crate::secrets::wrap(&secret, new_password)?.to_json()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::LastError;

    #[test]
    fn a_last_error_is_kept_in_both_languages() {
        let kept = LastError {
            zh: "连不上上级系统".into(),
            en: "Cannot reach the upstream".into(),
        }
        .to_stored();
        let read = LastError::from_stored(&kept);
        assert_eq!(
            (read.zh.as_str(), read.en.as_str()),
            ("连不上上级系统", "Cannot reach the upstream")
        );
    }

    #[test]
    fn a_last_error_an_older_taoli_kept_as_text_reads_as_it_was() {
        let read = LastError::from_stored("连不上上级系统（http://127.0.0.1:9）");
        assert_eq!(read.zh, "连不上上级系统（http://127.0.0.1:9）");
        assert_eq!(read.en, read.zh);
    }
}
