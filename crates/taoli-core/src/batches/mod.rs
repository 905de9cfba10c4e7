//! Reporting to the upstream system (上报, issue #7, `docs/batches.md`): the
//! school's side of the batch protocol `taoli-batch/1` (`docs/protocol.md`).
//!
//! - **Enrollment** ([`Reporting::enroll`]): the school's Ed25519
//!   signing key is made here, kept in the keychain (or, where there is
//!   none, in the school file wrapped under the 系统管理员 password:
//!   [`KeyAccess`]), registered with the one-time 报送码, and the upstream's
//!   receipt key is pinned.
//! - **The outbox** (`outbox.rs`): a batch is built from every teacher
//!   and record changed since the last received batch ([`plan`]), signed,
//!   uploaded resumably and idempotently ([`deliver`] over [`http`]), and
//!   kept with its signed receipt forever. Each step is one transaction, so
//!   a batch survives a crash exactly where it stood.
//! - **Reviews** are pulled by cursor and applied once per `review_id`:
//!   退回 puts a record back to the clerk with the reason, 生效 makes it
//!   effective. A review never changes the school's data.
//! - **Offline carry** ([`carry`]): a `.taolibatch` file any Taoli can
//!   upload, and a receipt file that comes back.
//! - **A restored school file** (`recover`): refused `sequence_replayed`
//!   because it lost batches the upstream received, it takes them back with
//!   their receipts and numbers its next batch after them.
//! - **The school's own review** ([`SchoolReview`], `review.rs`): with the
//!   school's setting on, a batch waits built for the 系统管理员's approval
//!   before it is signed and sent, or is returned with a note.
//! - **Status** ([`OutboxStatus`]): per teacher 待上传 / 待审核 / 上传中 /
//!   已接收 / 已退回 / 已生效, per batch, the next deadline ([`deadline`]) and what is
//!   still missing.

mod backoff;
pub mod carry;
pub mod deadline;
mod deliver;
mod http;
mod keys;
mod notices;
pub(crate) mod outbox;
pub(crate) mod plan;
mod recover;
pub(crate) mod review;
mod sync;
pub(crate) mod transport;
mod worker;

use serde::Serialize;
use ts_rs::TS;

pub use backoff::Backoff;
pub use carry::{
    BATCH_FILE_EXTENSION, BatchFile, RECEIPT_FILE_EXTENSION, UploadedFile, upload_file,
};
pub use deadline::NextDeadline;
pub use keys::{KeyAccess, KeyPlace};
pub use notices::UpstreamNotice;
pub use outbox::ReviewsApplied;
pub use review::{
    PendingReview, ReturnedBatch, ReviewApproval, ReviewChange, ReviewField, ReviewStatus,
    ReviewTeacher, ReviewWarning, SchoolReview, WaitingBatch,
};
pub use sync::{SubmitOptions, SubmitOutcome, SyncOptions, SyncReport};
pub use transport::TransportSettings;
pub use worker::{SyncPass, SyncWorker, WorkerOptions};

use crate::error::messages::{self, Locale};
use crate::protocol::Refusal;
use crate::store::SchoolFile;

/// Where a batch stands in the school's outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    /// Made from the changes, not yet signed (the signing key was not at hand).
    Built,
    /// Signed; not yet sent.
    Signed,
    /// Being sent: the upstream may hold part of it.
    Uploading,
    /// The upstream holds it whole: its signed receipt is kept.
    Received,
    /// Every record of it has been reviewed.
    Reviewed,
    /// The upstream refused it for good (the refusal is kept); its records
    /// go in a new batch.
    Refused,
}

impl BatchState {
    pub const ALL: [BatchState; 6] = [
        BatchState::Built,
        BatchState::Signed,
        BatchState::Uploading,
        BatchState::Received,
        BatchState::Reviewed,
        BatchState::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Built => "built",
            BatchState::Signed => "signed",
            BatchState::Uploading => "uploading",
            BatchState::Received => "received",
            BatchState::Reviewed => "reviewed",
            BatchState::Refused => "refused",
        }
    }

    /// The state the audit trail stored as `label` (已生成 …).
    pub(crate) fn from_label(label: &str) -> Option<BatchState> {
        BatchState::ALL.into_iter().find(|s| s.label() == label)
    }

    pub(crate) fn parse(text: &str) -> Option<BatchState> {
        BatchState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The step in `locale` (已生成, 已签名 …).
    pub fn said(self, locale: Locale) -> String {
        messages::word(locale, "batch_state", self.as_str())
    }

    /// The step as the audit trail stores it (已生成, 已签名 …): stored
    /// words never change; the batch list shows [`BatchSummary::status`].
    pub fn label(self) -> &'static str {
        match self {
            BatchState::Built => "已生成",
            BatchState::Signed => "已签名",
            BatchState::Uploading => "上传中",
            BatchState::Received => "已接收",
            BatchState::Reviewed => "已审核",
            BatchState::Refused => "被拒收",
        }
    }

    /// Not yet received nor refused: the one batch that may be in flight.
    pub fn in_flight(self) -> bool {
        matches!(
            self,
            BatchState::Built | BatchState::Signed | BatchState::Uploading
        )
    }

    /// The upstream gave its receipt.
    pub fn received(self) -> bool {
        matches!(self, BatchState::Received | BatchState::Reviewed)
    }
}

/// Where a teacher's information stands with the upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UploadStatus {
    /// 已退回: the reviewer returned something; fix it and report again.
    Returned,
    /// 待上传: changes not yet in any batch (held back while there are errors).
    Pending,
    /// 待审核: in a batch built and waiting for the school's own review
    /// (学校负责人审核, [`SchoolReview`]) before it is signed and sent.
    AwaitingReview,
    /// 上传中: in a batch not yet received.
    Uploading,
    /// 已接收: received, waiting for review.
    Received,
    /// 已生效: everything accepted.
    Effective,
}

impl UploadStatus {
    pub const ALL: [UploadStatus; 6] = [
        UploadStatus::Returned,
        UploadStatus::Pending,
        UploadStatus::AwaitingReview,
        UploadStatus::Uploading,
        UploadStatus::Received,
        UploadStatus::Effective,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UploadStatus::Returned => "returned",
            UploadStatus::Pending => "pending",
            UploadStatus::AwaitingReview => "awaiting_review",
            UploadStatus::Uploading => "uploading",
            UploadStatus::Received => "received",
            UploadStatus::Effective => "effective",
        }
    }

    /// The status in `locale` (待上传, 已生效 …).
    pub fn said(self, locale: Locale) -> String {
        messages::word(locale, "upload_status", self.as_str())
    }

    /// The status in Chinese (待上传, 已生效 …), for scripts reading `--json`.
    pub fn label(self) -> String {
        self.said(Locale::ZhCn)
    }
}

/// Where a batch stands, in the clerk's words: a teacher's six
/// ([`UploadStatus`]) and 被拒收.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    Returned,
    Pending,
    /// 待审核: built, waiting for the school's own review before it is signed.
    AwaitingReview,
    Uploading,
    Received,
    Effective,
    /// 被拒收: the upstream refused the whole batch.
    Refused,
}

impl BatchStatus {
    pub const ALL: [BatchStatus; 7] = [
        BatchStatus::Returned,
        BatchStatus::Pending,
        BatchStatus::AwaitingReview,
        BatchStatus::Uploading,
        BatchStatus::Received,
        BatchStatus::Effective,
        BatchStatus::Refused,
    ];

    /// A batch in `state` of which `returned` records came back returned;
    /// `awaiting_review` when it waits for the school's own review.
    pub(crate) fn of(state: BatchState, returned: i64, awaiting_review: bool) -> BatchStatus {
        match state {
            BatchState::Built if awaiting_review => BatchStatus::AwaitingReview,
            BatchState::Built | BatchState::Signed => BatchStatus::Pending,
            BatchState::Uploading => BatchStatus::Uploading,
            BatchState::Received => BatchStatus::Received,
            BatchState::Reviewed if returned > 0 => BatchStatus::Returned,
            BatchState::Reviewed => BatchStatus::Effective,
            BatchState::Refused => BatchStatus::Refused,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Returned => "returned",
            BatchStatus::Pending => "pending",
            BatchStatus::AwaitingReview => "awaiting_review",
            BatchStatus::Uploading => "uploading",
            BatchStatus::Received => "received",
            BatchStatus::Effective => "effective",
            BatchStatus::Refused => "refused",
        }
    }

    /// The status in `locale` (待上传 … 被拒收).
    pub fn said(self, locale: Locale) -> String {
        messages::word(locale, "batch_status", self.as_str())
    }
}

/// The school's registration with the upstream, as the status shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EnrollmentInfo {
    pub upstream: String,
    pub school: String,
    /// The school's signing key's id.
    pub key_id: String,
    /// Where this computer keeps the signing key.
    pub key_place: KeyPlace,
    /// The pinned upstream receipt key's id.
    pub upstream_key_id: String,
    /// The pinned receipt key's fingerprint (16 groups of 4 hex digits),
    /// for the clerk to compare with the one the county printed.
    pub upstream_fingerprint: String,
    pub enrolled_at: String,
    pub enrolled_by: String,
    /// The review results are asked for after this cursor.
    #[ts(type = "number")]
    pub review_cursor: u64,
}

/// One batch of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BatchSummary {
    pub id: String,
    #[ts(type = "number")]
    pub sequence: i64,
    /// The received batch this one builds on.
    pub base_batch: Option<String>,
    pub state: BatchState,
    /// 待上传 / 待审核 / 上传中 / 已接收 / 已退回 / 已生效, or 被拒收.
    pub status: BatchStatus,
    /// [`BatchSummary::status`] in Chinese, for scripts reading `--json`.
    pub state_label: String,
    pub created_at: String,
    pub created_by: String,
    #[ts(type = "number")]
    pub record_count: i64,
    /// The compressed payload's size in bytes.
    #[ts(type = "number")]
    pub payload_bytes: i64,
    pub payload_sha256: String,
    pub key_id: Option<String>,
    pub signed_at: Option<String>,
    pub exported_at: Option<String>,
    /// Failed upload attempts so far, and the last failure.
    #[ts(type = "number")]
    pub attempts: i64,
    pub last_error: Option<String>,
    /// The same in English.
    pub last_error_en: Option<String>,
    /// When the upstream had it whole, by the upstream's clock (the receipt's).
    pub received_at: Option<String>,
    /// SHA-256 of the kept receipt envelope.
    pub receipt_sha256: Option<String>,
    pub refusal: Option<Refusal>,
    /// The refusal said in English ([`Refusal::message_in_english`]), for
    /// the English window; `refusal.message` is the Chinese.
    pub refusal_en: Option<String>,
    /// Its records: accepted (生效), returned (退回), waiting (待审核).
    #[ts(type = "number")]
    pub accepted: i64,
    #[ts(type = "number")]
    pub returned: i64,
    #[ts(type = "number")]
    pub pending: i64,
    /// When this school file took the batch back from the upstream, having
    /// lost it to a restore from an older backup (its receipt verified
    /// again); None for a batch made and sent from this file.
    pub recovered_at: Option<String>,
}

/// A record the reviewer returned, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReturnedRecord {
    pub batch_id: String,
    /// The change's id in the batch.
    pub change_id: String,
    /// The information group (`basic` …) for a record, none for the teacher's identity.
    pub group: Option<String>,
    pub group_name: Option<String>,
    pub reason: String,
    /// The version the reviewer saw; the teacher's data may have moved on.
    #[ts(type = "number | null")]
    pub version: Option<i64>,
    /// Whether a newer edit already answers it (the next batch carries it).
    pub superseded: bool,
}

/// One teacher's reporting status.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TeacherUpload {
    pub teacher_id: String,
    pub name: String,
    /// Masked for a role that reads masked.
    pub id_number: String,
    pub status: UploadStatus,
    pub status_label: String,
    /// Changes not yet in any batch.
    #[ts(type = "number")]
    pub unsent: usize,
    /// Errors that hold the teacher back.
    #[ts(type = "number")]
    pub errors: usize,
    /// Warnings without a written reason (提醒理由), which hold the teacher back too.
    #[ts(type = "number")]
    pub unexplained_warnings: usize,
    /// Why unsent changes wait; the shells say it in the clerk's language
    /// ([`HeldBack::message`], the UI's own strings).
    pub held_back: Option<HeldBack>,
    /// What the reviewer returned (not yet answered by a newer edit, or answered).
    pub returned: Vec<ReturnedRecord>,
}

/// Why a teacher's changes wait instead of going in the next batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeldBack {
    /// Errors to correct first (the 校验 page; `taoli validate`).
    Errors {
        #[ts(type = "number")]
        count: usize,
    },
    /// Warnings whose reason (提醒理由) is not written yet.
    UnexplainedWarnings {
        #[ts(type = "number")]
        count: usize,
    },
    /// A change to what the county holds as 生效: a 变更申请, which needs a reason.
    NeedsChangeReason,
    /// The school requires a signed, current 信息确认表 before upload, and
    /// this teacher's is unsigned or older than their information.
    Signoff { lack: crate::sheets::SignoffLack },
}

impl HeldBack {
    /// What the clerk reads, in `locale` (the catalogs' `held_back.*`).
    pub fn message(self, locale: crate::Locale) -> String {
        use crate::error::messages::render;
        match self {
            HeldBack::Errors { count } => {
                render(locale, "held_back.errors", &[("count", count.to_string())])
            }
            HeldBack::UnexplainedWarnings { count } => render(
                locale,
                "held_back.unexplained_warnings",
                &[("count", count.to_string())],
            ),
            HeldBack::NeedsChangeReason => render(locale, "held_back.needs_change_reason", &[]),
            HeldBack::Signoff {
                lack: crate::sheets::SignoffLack::Unsigned,
            } => render(locale, "held_back.signoff_unsigned", &[]),
            HeldBack::Signoff {
                lack: crate::sheets::SignoffLack::Stale,
            } => render(locale, "held_back.signoff_stale", &[]),
        }
    }
}

/// How many teachers are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct StatusCounts {
    #[ts(type = "number")]
    pub returned: usize,
    #[ts(type = "number")]
    pub pending: usize,
    /// In a batch waiting for the school's own review (待审核).
    #[ts(type = "number")]
    pub awaiting_review: usize,
    #[ts(type = "number")]
    pub uploading: usize,
    #[ts(type = "number")]
    pub received: usize,
    #[ts(type = "number")]
    pub effective: usize,
}

/// What still stands between the school and a complete report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Missing {
    /// Teachers held back by errors (fix them).
    #[ts(type = "number")]
    pub teachers_with_errors: usize,
    /// Teachers held back by warnings without a written reason.
    #[ts(type = "number")]
    pub teachers_with_unexplained_warnings: usize,
    /// Changes not yet in any batch (including the held back ones).
    #[ts(type = "number")]
    pub unsent_changes: usize,
    /// Of those, changes to information already in effect: they go as
    /// 变更申请 and need a reason (`SubmitOptions::change_reason`).
    #[ts(type = "number")]
    pub changes_needing_reason: usize,
    /// Records returned by the reviewer and not yet corrected.
    #[ts(type = "number")]
    pub returned_records: usize,
    /// Teachers with changes to send, and neither errors nor unexplained
    /// warnings, whose signed, current 信息确认表 the school requires first
    /// (the sign-off gate).
    #[ts(type = "number")]
    pub teachers_without_signoff: usize,
    /// A batch built but not yet received by the upstream.
    pub batch_in_flight: bool,
    /// The school is not enrolled yet.
    pub not_enrolled: bool,
}

impl Missing {
    /// Nothing is missing: everything is sent and nothing waits for the clerk.
    pub fn is_empty(&self) -> bool {
        self == &Missing::default()
    }
}

/// Everything about the school's reporting: per teacher, per batch, the next
/// deadline and what is missing.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OutboxStatus {
    pub enrollment: Option<EnrollmentInfo>,
    /// Newest first.
    pub batches: Vec<BatchSummary>,
    /// In the order the teachers were registered.
    pub teachers: Vec<TeacherUpload>,
    pub counts: StatusCounts,
    /// The next reporting deadline.
    pub deadline: Option<NextDeadline>,
    pub missing: Missing,
}

/// A kept receipt (回执).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReceiptInfo {
    pub batch_id: String,
    #[ts(type = "number")]
    pub sequence: i64,
    #[ts(type = "number")]
    pub record_count: i64,
    /// By the upstream's clock.
    pub received_at: String,
    /// The upstream key that signed it (the pinned one).
    pub key_id: String,
    pub receipt_sha256: String,
    /// The signed receipt envelope, exactly as the upstream sent it.
    pub receipt: String,
}

/// What importing a receipt file did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReceiptImport {
    pub batch: BatchSummary,
    /// False when the file's receipt was already kept.
    pub newly_received: bool,
}

/// What a batch export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BatchExport {
    pub batch: BatchSummary,
    pub path: String,
    #[ts(type = "number")]
    pub bytes: usize,
}
/// Reporting to the upstream (上报): enrollment (登记), building, signing,
/// submitting and syncing batches, the outbox, receipts and the batch and
/// receipt files carried by hand.
///
/// A service of the school file, reached with [`SchoolFile::reporting`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Reporting<'a> {
    pub(crate) school: &'a mut SchoolFile,
}
