//! The school's own review before upload (学校负责人审核, issue #17,
//! `docs/batches.md`, "The review gate").
//!
//! An optional school setting (`review_before_upload`, off by default,
//! changed by the 系统管理员). With it on, a batch built for the clerk
//! (`Reporting::submit`, `build_batch`, `export_batch`) is written in the
//! same transaction as waiting for review (`batch_review`, state
//! `awaiting`): it stays built, never signed nor sent, and no other batch is
//! built while it waits. The 系统管理员 ([`Permission::BatchesReview`]) reads
//! what it carries per teacher ([`SchoolReview::pending`]: before → after by
//! indicator label, the warnings that travel with their written reasons),
//! then either approves it ([`SchoolReview::approve`]: the approval is
//! recorded with the account, the batch is signed under that account and
//! uploaded as any other) or returns it with a note
//! ([`SchoolReview::send_back`]: the batch is dropped, its changes unsent
//! again, the note kept for the clerk until the next batch).
//!
//! Without the setting nothing of this applies: no batch waits.

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;
use serde_json::{Value, json};
use ts_rs::TS;

use super::plan::EntityKind;
use super::sync::SyncReport;
use super::{BatchSummary, KeyAccess, Reporting, SyncOptions};
use crate::account::Permission;
use crate::catalog::EffectiveCatalog;
use crate::error::messages::{self, Locale};
use crate::error::{BatchError, Result};
use crate::protocol::{self, ChangeOp, Payload};
use crate::revision::{Action, Actor, Entity};
use crate::sheets::content::Printer;
use crate::store::{SchoolFile, revisions, school_settings};

/// The setting's key in `school_setting`.
const REVIEW_SETTING: &str = "review_before_upload";

/// The school's own review (学校负责人审核): its setting, the batch that
/// waits, approval and return.
///
/// A service of the school file, reached with [`SchoolFile::school_review`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct SchoolReview<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

/// Where the school's review stands: for the 报送 page and the 待审核 view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewStatus {
    /// Batches wait for the 系统管理员's approval before upload.
    pub required: bool,
    /// The batch that waits, if one does.
    pub waiting: Option<WaitingBatch>,
    /// The last batch returned (退回), until a batch is built after it.
    pub returned: Option<ReturnedBatch>,
}

/// A batch waiting for the school's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WaitingBatch {
    pub batch_id: String,
    #[ts(type = "number")]
    pub sequence: i64,
    #[ts(type = "number")]
    pub record_count: i64,
    pub submitted_at: String,
    pub submitted_by: String,
}

/// A batch the 系统管理员 returned, with the note for the clerk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReturnedBatch {
    pub batch_id: String,
    #[ts(type = "number")]
    pub sequence: i64,
    pub note: String,
    pub returned_at: String,
    pub returned_by: String,
    pub submitted_by: String,
}

/// The waiting batch as the 系统管理员 reviews it: per teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PendingReview {
    pub batch: WaitingBatch,
    pub teachers: Vec<ReviewTeacher>,
}

/// One teacher's changes in the waiting batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewTeacher {
    pub teacher_id: String,
    pub name: String,
    pub changes: Vec<ReviewChange>,
    /// The warnings that travel with the batch, with their written reasons.
    pub warnings: Vec<ReviewWarning>,
}

/// One change the batch carries: what kind, which information, and its
/// values before (as last uploaded) → after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewChange {
    /// The change's kind (`new_teacher`, `update_record` …).
    pub op: String,
    /// The kind in Chinese and in English.
    pub op_label: String,
    pub op_label_en: String,
    /// The information group, for a record.
    pub group: Option<String>,
    pub group_name: Option<String>,
    pub group_name_en: Option<String>,
    pub fields: Vec<ReviewField>,
    /// The reason sent with it (变更申请, a removal, a status change).
    pub reason: Option<String>,
}

/// One value a change makes, by indicator label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewField {
    pub code: String,
    pub label: String,
    pub label_en: String,
    /// As last uploaded (none for something new).
    pub before: Option<String>,
    /// As the batch carries it (none once removed or cleared).
    pub after: Option<String>,
}

/// An accepted warning (提醒) that travels with the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewWarning {
    pub rule: String,
    pub message: String,
    pub message_en: String,
    /// The clerk's written reason.
    pub reason: String,
}

/// What an approval did: the batch, signed, and the upload pass that sent it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReviewApproval {
    pub batch: BatchSummary,
    pub sync: SyncReport,
}

/// Whether batches wait for the school's review, as `conn` keeps it.
pub(crate) fn review_required(conn: &rusqlite::Connection) -> Result<bool> {
    school_settings::is_on(conn, REVIEW_SETTING)
}

/// Whether batch `batch_id` waits for the school's review.
pub(crate) fn awaits_review(conn: &rusqlite::Connection, batch_id: &str) -> Result<bool> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM batch_review WHERE batch_id = ?1 AND state = 'awaiting'",
            [batch_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}

/// Marks the batch just written in `tx` as waiting for review, when the
/// school requires it (inside the transaction that writes the batch, so a
/// batch built under the setting is never sent unreviewed).
pub(crate) fn hold_for_review(
    tx: &Transaction<'_>,
    actor: &Actor,
    batch_id: &str,
    sequence: i64,
    record_count: i64,
    created_at: &str,
) -> Result<()> {
    if !review_required(tx)? {
        return Ok(());
    }
    tx.execute(
        "INSERT INTO batch_review (batch_id, sequence, record_count, submitted_at, submitted_by, state)
         VALUES (?1, ?2, ?3, ?4, ?5, 'awaiting')",
        params![batch_id, sequence, record_count, created_at, actor.name()],
    )?;
    revisions::record(
        tx,
        actor,
        Entity::Upstream,
        batch_id,
        None,
        Action::Update,
        None,
        Some(&json!({ "review": "awaiting" })),
    )
}

/// The batch that waits for the school's review, if one does.
pub(crate) fn waiting_batch(conn: &rusqlite::Connection) -> Result<Option<WaitingBatch>> {
    Ok(conn
        .query_row(
            "SELECT r.batch_id, r.sequence, r.record_count, r.submitted_at, r.submitted_by
             FROM batch_review r JOIN batch b ON b.id = r.batch_id
             WHERE r.state = 'awaiting' AND b.state = 'built'
             ORDER BY r.rowid DESC LIMIT 1",
            [],
            |r| {
                Ok(WaitingBatch {
                    batch_id: r.get(0)?,
                    sequence: r.get(1)?,
                    record_count: r.get(2)?,
                    submitted_at: r.get(3)?,
                    submitted_by: r.get(4)?,
                })
            },
        )
        .optional()?)
}

fn last_returned(conn: &rusqlite::Connection) -> Result<Option<ReturnedBatch>> {
    let last = conn
        .query_row(
            "SELECT batch_id, sequence, note, decided_at, decided_by, submitted_by, state
             FROM batch_review ORDER BY rowid DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    ReturnedBatch {
                        batch_id: r.get(0)?,
                        sequence: r.get(1)?,
                        note: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        returned_at: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        returned_by: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                        submitted_by: r.get(5)?,
                    },
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((returned, state)) = last else {
        return Ok(None);
    };
    if state != "returned" {
        return Ok(None);
    }
    // A batch built since (the setting turned off meanwhile) answers it.
    let later: i64 = conn.query_row(
        "SELECT count(*) FROM batch WHERE created_at > ?1",
        [&returned.returned_at],
        |r| r.get(0),
    )?;
    Ok((later == 0).then_some(returned))
}

impl SchoolReview<'_> {
    /// Whether batches wait for the 系统管理员's approval, the batch that
    /// waits and the last note of a return: what the 报送 page shows.
    pub fn status(&self) -> Result<ReviewStatus> {
        self.school.require(Permission::TeachersView)?;
        let conn = &self.school.conn;
        Ok(ReviewStatus {
            required: review_required(conn)?,
            waiting: waiting_batch(conn)?,
            returned: last_returned(conn)?,
        })
    }

    /// Turns the review before upload on or off (系统管理员: settings).
    /// Turning it off does not release a batch that already waits: it is
    /// still approved or returned.
    pub fn set_required(&mut self, required: bool) -> Result<ReviewStatus> {
        let actor = self.school.require(Permission::SettingsManage)?;
        self.school
            .write(|tx| school_settings::set(tx, &actor, REVIEW_SETTING, required))?;
        self.status()
    }

    /// The batch that waits, per teacher: each change with its values as
    /// last uploaded → as the batch carries them, by indicator label, and
    /// the warnings that travel with their reasons. None when nothing waits.
    pub fn pending(&mut self) -> Result<Option<PendingReview>> {
        self.school.require(Permission::BatchesReview)?;
        let Some(batch) = waiting_batch(&self.school.conn)? else {
            return Ok(None);
        };
        let payload: Vec<u8> = self.school.conn.query_row(
            "SELECT payload FROM batch WHERE id = ?1",
            [&batch.batch_id],
            |r| r.get(0),
        )?;
        let payload = Payload::decode(&payload)?;
        let effective = self.school.effective_catalog()?;
        let catalog = self.school.catalog()?;
        let printer = Printer::new(&effective, &catalog);
        let mut teachers: Vec<ReviewTeacher> = Vec::new();
        for change in &payload.changes {
            let at = match teachers
                .iter()
                .position(|t| t.teacher_id == change.teacher_id)
            {
                Some(at) => at,
                None => {
                    teachers.push(ReviewTeacher {
                        teacher_id: change.teacher_id.clone(),
                        name: self.teacher_name(&change.teacher_id, change)?,
                        changes: Vec::new(),
                        warnings: Vec::new(),
                    });
                    teachers.len().saturating_sub(1)
                }
            };
            let reporting = Reporting {
                school: &mut *self.school,
            };
            let reviewed = review_change(&reporting, change, &effective, &printer);
            if let Some(teacher) = teachers.get_mut(at) {
                teacher.changes.push(reviewed);
            }
        }
        for reason in &payload.warning_reasons {
            let rule = catalog.rules().iter().find(|r| r.id == reason.rule);
            let warning = ReviewWarning {
                rule: reason.rule.clone(),
                message: rule.map(|r| r.message.clone()).unwrap_or_default(),
                message_en: rule.map(|r| r.message_en.clone()).unwrap_or_default(),
                reason: reason.reason.clone(),
            };
            if let Some(teacher) = teachers
                .iter_mut()
                .find(|t| t.teacher_id == reason.teacher_id)
            {
                teacher.warnings.push(warning);
            }
        }
        Ok(Some(PendingReview { batch, teachers }))
    }

    /// The teacher's name now, else as the change carries it.
    fn teacher_name(&self, teacher_id: &str, change: &protocol::Change) -> Result<String> {
        let name: Option<String> = self
            .school
            .conn
            .query_row(
                "SELECT name FROM teacher WHERE id = ?1",
                [teacher_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(name
            .or_else(|| {
                change
                    .fields
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| teacher_id.to_owned()))
    }

    /// Approves the batch that waits (批准): the approval is recorded with
    /// the 系统管理员's account, then the batch is signed (the school's key,
    /// which `keys` reaches as for any signing: the keychain, or the
    /// 系统管理员 password) and uploaded; review results are pulled as in a
    /// sync. A link that fails leaves the signed batch in the outbox, sent
    /// by the next sync as any other.
    pub fn approve(
        &mut self,
        keys: &KeyAccess<'_>,
        options: &SyncOptions,
    ) -> Result<ReviewApproval> {
        let actor = self.school.require(Permission::BatchesReview)?;
        let waiting = waiting_batch(&self.school.conn)?.ok_or(BatchError::NothingAwaitingReview)?;
        let reporting = Reporting {
            school: &mut *self.school,
        };
        let enrollment = reporting.required_enrollment()?;
        // The key first: a wrong password leaves the batch waiting.
        let key = reporting.signing_key(&enrollment, keys)?;
        self.school.write(|tx| {
            let changed = tx.execute(
                "UPDATE batch_review SET state = 'approved', decided_at = ?2, decided_by = ?3
                 WHERE batch_id = ?1 AND state = 'awaiting'",
                params![waiting.batch_id, protocol::now(), actor.name()],
            )?;
            if changed == 0 {
                return Err(BatchError::NothingAwaitingReview.into());
            }
            revisions::record(
                tx,
                &actor,
                Entity::Upstream,
                &waiting.batch_id,
                None,
                Action::Update,
                Some(&json!({ "review": "awaiting" })),
                Some(&json!({ "review": "approved", "approved_by": actor.name() })),
            )
        })?;
        let mut reporting = Reporting {
            school: &mut *self.school,
        };
        let mut report = SyncReport::default();
        reporting.send_in_flight(&actor, &enrollment, &key, options, &mut report)?;
        reporting.pull_reviews(&actor, &enrollment, &key, options, &mut report)?;
        Ok(ReviewApproval {
            batch: reporting.batch_summary(&waiting.batch_id)?,
            sync: report,
        })
    }

    /// Returns the batch that waits (退回) with `note` for the clerk: the
    /// batch is dropped (the upstream never saw it), so its changes are
    /// unsent again and go in the next batch, as a refused batch's do; the
    /// note is kept and shown on the 报送 page until the next batch.
    pub fn send_back(&mut self, note: &str) -> Result<ReturnedBatch> {
        let actor = self.school.require(Permission::BatchesReview)?;
        let note = note.trim();
        if note.is_empty() || note.chars().count() > protocol::MAX_REASON_CHARS {
            return Err(BatchError::InvalidReturnNote {
                max: protocol::MAX_REASON_CHARS,
            }
            .into());
        }
        let waiting = waiting_batch(&self.school.conn)?.ok_or(BatchError::NothingAwaitingReview)?;
        self.school.write(|tx| {
            let changed = tx.execute(
                "UPDATE batch_review SET state = 'returned', decided_at = ?2, decided_by = ?3, note = ?4
                 WHERE batch_id = ?1 AND state = 'awaiting'",
                params![waiting.batch_id, protocol::now(), actor.name(), note],
            )?;
            if changed == 0 {
                return Err(BatchError::NothingAwaitingReview.into());
            }
            tx.execute(
                "DELETE FROM batch_item WHERE batch_id = ?1",
                [&waiting.batch_id],
            )?;
            tx.execute(
                "DELETE FROM batch WHERE id = ?1 AND state = 'built'",
                [&waiting.batch_id],
            )?;
            revisions::record(
                tx,
                &actor,
                Entity::Upstream,
                &waiting.batch_id,
                None,
                Action::Update,
                Some(&json!({ "review": "awaiting" })),
                Some(&json!({
                    "review": "returned",
                    "returned_by": actor.name(),
                    "note": note,
                })),
            )
        })?;
        last_returned(&self.school.conn)?.ok_or_else(|| BatchError::NothingAwaitingReview.into())
    }
}

/// One change of the batch as the review shows it: its values as last
/// uploaded (the revision of the version the upstream saw) → as carried.
fn review_change(
    reporting: &Reporting<'_>,
    change: &protocol::Change,
    effective: &EffectiveCatalog,
    printer: &Printer<'_>,
) -> ReviewChange {
    let (kind, entity_id) = match &change.record_id {
        Some(record) => (EntityKind::Record, record.as_str()),
        None => (EntityKind::Teacher, change.teacher_id.as_str()),
    };
    let before = change
        .base_version
        .and_then(|v| reporting.fields_at_version(kind, entity_id, v))
        .unwrap_or_default();
    let after = &change.fields;
    let group_id = change.group.clone();
    let group = group_id
        .as_deref()
        .and_then(|g| effective.group(g))
        .or_else(|| effective.group(crate::validate::BASIC_GROUP));
    let mut codes: Vec<&String> = after.keys().collect();
    let removal = matches!(change.op, ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord);
    if removal || change.op != ChangeOp::ChangeRequest {
        for code in before.keys() {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    // In the catalog's order, as the form and the sheets list them.
    let rank = |code: &str| {
        group
            .and_then(|g| g.fields.iter().position(|f| f.code == code))
            .unwrap_or(usize::MAX)
    };
    codes.sort_by_key(|code| rank(code));
    let fields = codes
        .into_iter()
        .filter_map(|code| {
            let old = before.get(code);
            let new = if removal { None } else { after.get(code) };
            let field = group.and_then(|g| g.field(code)).or_else(|| {
                effective
                    .groups
                    .iter()
                    .find_map(|g| g.fields.iter().find(|f| &f.code == code))
            });
            let (label, label_en, old, new) = match field {
                Some(field) => (
                    field.label.clone(),
                    field.label_en.clone(),
                    shown(printer.text(field, old)),
                    shown(printer.text(field, new)),
                ),
                None => {
                    let key = format!("audit.item.teacher.{code}");
                    (
                        messages::render(Locale::ZhCn, &key, &[]),
                        messages::render(Locale::En, &key, &[]),
                        plain(old),
                        plain(new),
                    )
                }
            };
            (old != new).then(|| ReviewField {
                code: code.clone(),
                label,
                label_en,
                before: old,
                after: new,
            })
        })
        .collect();
    let group = group_id.as_deref().and_then(|g| effective.group(g));
    ReviewChange {
        op: change.op.as_str().to_owned(),
        op_label: messages::word(Locale::ZhCn, "change_op", change.op.as_str()),
        op_label_en: messages::word(Locale::En, "change_op", change.op.as_str()),
        group: group_id.clone(),
        group_name: group.map(|g| g.name.clone()),
        group_name_en: group.map(|g| g.name_en.clone()),
        fields,
        reason: change.reason.clone(),
    }
}

fn shown(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

fn plain(value: Option<&Value>) -> Option<String> {
    match value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    }
}
