//! Reporting batches upstream: [`BatchError`].

use super::{Error, ErrorKind, Locale, Particular, messages, shown};
use std::path::PathBuf;

/// Enrolment with the county's upstream, the signing key, batches, receipts
/// and the sync worker: codes `batches.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum BatchError {
    NotEnrolled,

    InvalidUpstreamUrl(String),

    UpstreamUnreachable {
        upstream: String,
        detail: Particular,
    },

    SigningKeyMissing {
        detail: Particular,
    },

    AdminPasswordNeeded,

    SigningKeyPasswordWrong,

    WrongAdminPassword,

    BatchInFlight {
        sequence: i64,
        batch_id: String,
    },

    BatchFileUnreadable {
        path: PathBuf,
        detail: Particular,
    },

    ReceiptFileUnreadable {
        path: PathBuf,
        detail: Particular,
    },

    ReceiptOfAnotherBatch {
        batch_id: String,
    },

    NoReceiptYet {
        sequence: i64,
        batch_id: String,
    },

    BatchNotFound(String),

    SyncWorkerFailed(String),

    UpstreamHistoryMismatch {
        sequence: u64,
    },

    InvalidChangeReason {
        max: usize,
    },

    /// The school's review is required and a batch already waits for it.
    AwaitingReview {
        sequence: i64,
    },

    /// Nothing waits for the school's review.
    NothingAwaitingReview,

    /// A return without a note, or one too long.
    InvalidReturnNote {
        max: usize,
    },

    /// The upstream's address is plain `http://` to another computer, and
    /// the school has not allowed it (`allow_plain_http`).
    PlainHttpRefused {
        upstream: String,
    },

    /// The upstream answered `429 rate_limited`: it asks this school to
    /// wait about `minutes` minutes (its `Retry-After`, at most an hour).
    UpstreamBusy {
        upstream: String,
        minutes: u64,
    },
}

impl BatchError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            BatchError::NotEnrolled => "batches.not_enrolled",
            BatchError::InvalidUpstreamUrl(..) => "batches.upstream_url_invalid",
            BatchError::UpstreamUnreachable { .. } => "batches.upstream_unreachable",
            BatchError::SigningKeyMissing { .. } => "batches.signing_key_missing",
            BatchError::AdminPasswordNeeded => "batches.admin_password_needed",
            BatchError::SigningKeyPasswordWrong => "batches.signing_key_password_wrong",
            BatchError::WrongAdminPassword => "batches.admin_password_wrong",
            BatchError::BatchInFlight { .. } => "batches.in_flight",
            BatchError::BatchFileUnreadable { .. } => "batches.file_unreadable",
            BatchError::ReceiptFileUnreadable { .. } => "batches.receipt_file_unreadable",
            BatchError::ReceiptOfAnotherBatch { .. } => "batches.receipt_of_another_batch",
            BatchError::NoReceiptYet { .. } => "batches.no_receipt_yet",
            BatchError::BatchNotFound(..) => "batches.batch_not_found",
            BatchError::SyncWorkerFailed(..) => "batches.sync_worker_failed",
            BatchError::UpstreamHistoryMismatch { .. } => "batches.upstream_history_mismatch",
            BatchError::InvalidChangeReason { .. } => "batches.change_reason_invalid",
            BatchError::AwaitingReview { .. } => "batches.awaiting_review",
            BatchError::NothingAwaitingReview => "batches.nothing_awaiting_review",
            BatchError::InvalidReturnNote { .. } => "batches.return_note_invalid",
            BatchError::PlainHttpRefused { .. } => "batches.plain_http_refused",
            BatchError::UpstreamBusy { .. } => "batches.upstream_busy",
        }
    }

    /// The catalog key of this error's message: its [`BatchError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            BatchError::NotEnrolled => vec![],
            BatchError::InvalidUpstreamUrl(url) => vec![("url", shown(url))],
            BatchError::UpstreamUnreachable { upstream, detail } => {
                vec![
                    ("upstream", shown(upstream)),
                    ("detail", detail.message(locale)),
                ]
            }
            BatchError::SigningKeyMissing { detail } => vec![("detail", detail.message(locale))],
            BatchError::AdminPasswordNeeded => vec![],
            BatchError::SigningKeyPasswordWrong => vec![],
            BatchError::WrongAdminPassword => vec![],
            BatchError::BatchInFlight { sequence, batch_id } => {
                vec![("sequence", shown(sequence)), ("batch_id", shown(batch_id))]
            }
            BatchError::BatchFileUnreadable { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            BatchError::ReceiptFileUnreadable { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            BatchError::ReceiptOfAnotherBatch { batch_id } => vec![("batch_id", shown(batch_id))],
            BatchError::NoReceiptYet { sequence, batch_id } => {
                vec![("sequence", shown(sequence)), ("batch_id", shown(batch_id))]
            }
            BatchError::BatchNotFound(id) => vec![("id", shown(id))],
            BatchError::SyncWorkerFailed(detail) => vec![("detail", shown(detail))],
            BatchError::UpstreamHistoryMismatch { sequence } => vec![("sequence", shown(sequence))],
            BatchError::InvalidChangeReason { max } => vec![("max", shown(max))],
            BatchError::AwaitingReview { sequence } => vec![("sequence", shown(sequence))],
            BatchError::NothingAwaitingReview => vec![],
            BatchError::InvalidReturnNote { max } => vec![("max", shown(max))],
            BatchError::PlainHttpRefused { upstream } => vec![("upstream", shown(upstream))],
            BatchError::UpstreamBusy { upstream, minutes } => {
                vec![("upstream", shown(upstream)), ("minutes", shown(minutes))]
            }
        }
    }

    /// The message in `locale`: the catalog's template of this error's code
    /// with its arguments put in.
    pub fn message(&self, locale: Locale) -> String {
        messages::render(locale, self.message_key(), &self.arguments(locale))
    }

    /// Whether the clerk can fix it ([`ErrorKind::User`]) or it is ours
    /// ([`ErrorKind::Internal`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            BatchError::SyncWorkerFailed(_) => ErrorKind::Internal,
            _ => ErrorKind::User,
        }
    }
}

impl From<BatchError> for Error {
    fn from(error: BatchError) -> Error {
        Error::Batch(error)
    }
}
