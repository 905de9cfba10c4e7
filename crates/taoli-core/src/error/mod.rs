//! The error type of `taoli-core`: [`Error`], which wraps one error enum
//! per domain ([`ImportError`], [`FileError`], [`AccountError`] …, each in
//! its own module here) and the foreign errors that belong to none (I/O,
//! SQLite, JSON, the protocol crate's).
//!
//! Every message is written for the clerk at the screen: it says what is wrong
//! and how to put it right. The messages are data, one catalog per locale
//! (`crates/taoli-core/messages/zh-CN.toml`, `en.toml`, see [`messages`]),
//! keyed by [`Error::code`]; each variant names its arguments
//! ([`Error::arguments`]) and [`Error::message`] puts them in. `Display` is
//! the Simplified Chinese message, for [`Error`] and each domain's enum
//! alike. [`Error::kind`] separates the clerk's input (something they can
//! fix) from internal failures (something to report), which the CLI turns
//! into exit codes 1 and 2. Each domain's enum answers `code`, `arguments`,
//! `message` and `kind` itself; [`Error`]'s delegate to it, so a code is the
//! same whichever of the two is asked.

mod account;
mod backup;
mod batch;
mod entry;
mod export;
mod file;
mod import;
mod internal;
pub mod messages;
mod recovery;
mod school;
mod secrets;
mod sheets;
mod teacher;
mod worded;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

pub use account::AccountError;
pub use backup::BackupError;
pub use batch::BatchError;
pub use entry::EntryError;
pub use export::ExportError;
pub use file::FileError;
pub use import::{ImportError, StaleReason};
pub use internal::InternalError;
pub use messages::{Locale, SharedLocale};
pub use recovery::RecoveryError;
pub use school::SchoolError;
pub use secrets::SecretsError;
pub use sheets::SheetsError;
pub use teacher::TeacherError;
pub use worded::Worded;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a failure is the user's to fix or ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input was wrong; the message says how to fix it.
    User,
    /// Something failed inside Taoli or the machine (disk, database engine).
    Internal,
}

/// A failure of `taoli-core`: one domain's error, or a foreign one that
/// belongs to no domain. `?` turns a domain's error into this one
/// (`From<ImportError> for Error` …).
#[derive(Debug)]
pub enum Error {
    /// The school's particulars and its catalogs (`school.*`, `catalog.*`).
    School(SchoolError),
    /// A teacher's identity (`teacher.*`).
    Teacher(TeacherError),
    /// Entering records, warnings, pending values (`entry.*`, `record.*`,
    /// `warning.*`, `pending.*`).
    Entry(EntryError),
    /// Importing a roster (`import.*`).
    Import(ImportError),
    /// Exports, statistics, the audit log (`export.*`, `stats.*`, `audit.*`).
    Export(ExportError),
    /// Sign-off sheets (`sheets.*`, `signoff.*`).
    Sheets(SheetsError),
    /// The school file and the disk it is on (`file.*`, `disk.full`,
    /// `app.no_school_open`).
    File(FileError),
    /// Backups (`backup.*`).
    Backup(BackupError),
    /// Recovering an encrypted school file (`recovery.*`).
    Recovery(RecoveryError),
    /// Passwords and keys (`secrets.*`).
    Secrets(SecretsError),
    /// Accounts and sessions (`account.*`).
    Account(AccountError),
    /// Reporting batches upstream (`batches.*`).
    Batch(BatchError),
    /// Failures inside Taoli (`internal.*` but the foreign errors below).
    Internal(InternalError),

    /// The upstream (or the client checking its answer) refused: the
    /// refusal's own message, in English from its code
    /// (`Refusal::message_in_english`, `docs/protocol.md`).
    Refused(crate::protocol::Refusal),

    /// Making or reading a signing key failed (the protocol crate's own
    /// error, `internal.secrets` as before it had one; its own messages).
    Protocol(crate::protocol::Error),

    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    Database(rusqlite::Error),

    Json(serde_json::Error),
}

/// A match on an [`Error`] that passes the call on to each domain's enum
/// (`$error => $body`) and takes the foreign errors' arms as given: every
/// variant is named, so a new domain does not compile until it is here.
macro_rules! each_domain {
    ($self:expr, $error:ident => $body:expr, { $($foreign:tt)* }) => {
        match $self {
            Error::School($error) => $body,
            Error::Teacher($error) => $body,
            Error::Entry($error) => $body,
            Error::Import($error) => $body,
            Error::Export($error) => $body,
            Error::Sheets($error) => $body,
            Error::File($error) => $body,
            Error::Backup($error) => $body,
            Error::Recovery($error) => $body,
            Error::Secrets($error) => $body,
            Error::Account($error) => $body,
            Error::Batch($error) => $body,
            Error::Internal($error) => $body,
            $($foreign)*
        }
    };
}

impl fmt::Display for Error {
    /// The Simplified Chinese message (the CLI's and every log's).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Locale::ZhCn))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Database(e) => Some(e),
            Error::Json(e) => Some(e),
            Error::Refused(e) => Some(e),
            Error::Protocol(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::protocol::Refusal> for Error {
    fn from(refusal: crate::protocol::Refusal) -> Error {
        Error::Refused(refusal)
    }
}

impl From<crate::protocol::Error> for Error {
    fn from(error: crate::protocol::Error) -> Error {
        Error::Protocol(error)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Error {
        Error::Database(error)
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Error {
        Error::Json(error)
    }
}

/// A particular inside a message: what another part said (a library's or
/// the system's text, kept as it is), one of Taoli's own sentences (from the
/// catalogs, `particular.*`), or another of Taoli's errors; the last two are
/// said in the message's language.
#[derive(Debug)]
pub enum Particular {
    Text(String),
    Said {
        key: &'static str,
        args: Vec<(&'static str, String)>,
    },
    Error(Box<Error>),
    /// Worded in both languages where it was raised (its arguments differ by
    /// language: a list, a label).
    Worded(Box<Worded>),
}

impl Particular {
    /// One of Taoli's own sentences, by its catalog key.
    pub fn said(key: &'static str, args: Vec<(&'static str, String)>) -> Particular {
        Particular::Said { key, args }
    }

    /// The particular in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Particular::Text(text) => text.clone(),
            Particular::Said { key, args } => messages::render(locale, key, args),
            Particular::Error(error) => error.message(locale),
            Particular::Worded(worded) => worded.get(locale).to_owned(),
        }
    }
}

impl From<String> for Particular {
    fn from(text: String) -> Particular {
        Particular::Text(text)
    }
}

impl From<Worded> for Particular {
    fn from(worded: Worded) -> Particular {
        Particular::Worded(Box::new(worded))
    }
}

impl From<Error> for Particular {
    fn from(error: Error) -> Particular {
        Particular::Error(Box::new(error))
    }
}

impl fmt::Display for Particular {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Locale::ZhCn))
    }
}

/// An argument as a message shows it.
trait Shown {
    fn shown(&self) -> String;
}

impl Shown for String {
    fn shown(&self) -> String {
        self.clone()
    }
}

impl Shown for &str {
    fn shown(&self) -> String {
        (*self).to_owned()
    }
}

impl Shown for PathBuf {
    fn shown(&self) -> String {
        self.display().to_string()
    }
}

macro_rules! shown_as_display {
    ($($ty:ty),*) => {$(
        impl Shown for $ty {
            fn shown(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
shown_as_display!(usize, u32, u64, i64);

fn shown(value: &impl Shown) -> String {
    value.shown()
}

impl Error {
    /// The message in `locale`: the catalog's template of this error's code
    /// with its arguments put in. A refusal and the protocol crate's own
    /// errors say their own messages; a wrapped foreign error (I/O, SQLite,
    /// JSON) keeps its own text inside the sentence.
    pub fn message(&self, locale: Locale) -> String {
        each_domain!(self, error => error.message(locale), {
            Error::Refused(refusal) => match locale {
                Locale::ZhCn => refusal.message.clone(),
                Locale::En => refusal.message_in_english(),
            },
            Error::Protocol(error) => match locale {
                Locale::ZhCn => error.to_string(),
                Locale::En => error.message_in_english(),
            },
            Error::Io { .. } | Error::Database(_) | Error::Json(_) => {
                messages::render(locale, self.code(), &self.arguments(locale))
            }
        })
    }

    /// The catalog key of this error's message: its [`Error::code`], but for
    /// a file in use, whose message depends on who holds it
    /// (`file.in_use.this_computer`, `file.in_use.other_computer`).
    pub fn message_key(&self) -> &'static str {
        each_domain!(self, error => error.message_key(), {
            Error::Refused(_)
            | Error::Protocol(_)
            | Error::Io { .. }
            | Error::Database(_)
            | Error::Json(_) => self.code(),
        })
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …). Most do not depend on `locale`; a
    /// role's and a permission's names and a lock holder's do. A refusal
    /// has none (its message is the protocol crate's, per refusal code); the
    /// protocol crate's own error gives its Chinese text as `detail`, which
    /// fits `internal.secrets` (its English is the crate's own too).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        each_domain!(self, error => error.arguments(locale), {
            Error::Refused(_) => vec![],
            Error::Protocol(error) => vec![("detail", error.to_string())],
            Error::Io { path, source } => {
                vec![("path", shown(path)), ("detail", source.to_string())]
            }
            Error::Database(detail) => vec![("detail", detail.to_string())],
            Error::Json(detail) => vec![("detail", detail.to_string())],
        })
    }

    /// Whether the clerk can fix it ([`ErrorKind::User`]) or it is ours
    /// ([`ErrorKind::Internal`]).
    pub fn kind(&self) -> ErrorKind {
        each_domain!(self, error => error.kind(), {
            Error::Io { .. } | Error::Database(_) | Error::Json(_) | Error::Protocol(_) => {
                ErrorKind::Internal
            }
            Error::Refused(refusal)
                if matches!(
                    refusal.code,
                    crate::protocol::RefusalCode::ServerError
                        | crate::protocol::RefusalCode::MalformedResponse
                        | crate::protocol::RefusalCode::Unknown
                ) =>
            {
                ErrorKind::Internal
            }
            Error::Refused(_) => ErrorKind::User,
        })
    }

    /// A stable, machine-readable name for the failure (for the UI and scripts).
    pub fn code(&self) -> &'static str {
        each_domain!(self, error => error.code(), {
            Error::Refused(refusal) => refusal.code.error_code(),
            Error::Io { .. } => "internal.io",
            Error::Database(_) => "internal.database",
            Error::Json(_) => "internal.json",
            Error::Protocol(_) => "internal.secrets",
        })
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// A full disk (or quota) under `folder`, where about `wanted` bytes
    /// were to be written: the message says how much more room is needed.
    pub fn disk_full(folder: &Path, wanted: u64) -> Error {
        const MIB: u64 = 1024 * 1024;
        let free = crate::fsio::available_bytes(folder).unwrap_or(0);
        let short = wanted.saturating_sub(free).max(1);
        Error::File(FileError::DiskFull {
            folder: folder.to_owned(),
            needed_mb: short.div_ceil(MIB),
        })
    }

    /// Whether this failure is a full disk: SQLite's SQLITE_FULL, or an I/O
    /// error with ErrorKind::StorageFull (ENOSPC, os error 28).
    pub fn is_disk_full(&self) -> bool {
        match self {
            Error::File(FileError::DiskFull { .. }) => true,
            Error::Database(e) => is_sqlite_full(e),
            Error::Io { source, .. } => crate::fsio::is_storage_full(source),
            _ => false,
        }
    }

    /// This failure, or [`FileError::DiskFull`] when it is a full disk under
    /// `folder` where about `wanted` bytes were to be written.
    pub fn or_disk_full(self, folder: &Path, wanted: u64) -> Error {
        match self {
            Error::File(FileError::DiskFull { .. }) => self,
            other if other.is_disk_full() => Error::disk_full(folder, wanted),
            other => other,
        }
    }
}

/// Whether SQLite failed for a full disk.
pub(crate) fn is_sqlite_full(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

/// An error as the UI receives it: what went wrong, in words and as a code.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub code: String,
    pub kind: ErrorKind,
    pub message: String,
}

impl ErrorPayload {
    /// `error` as the UI receives it, its message in `locale`.
    pub fn new(error: &Error, locale: Locale) -> ErrorPayload {
        ErrorPayload {
            code: error.code().to_owned(),
            kind: error.kind(),
            message: error.message(locale),
        }
    }

    /// A failure of the app's own (not the core's), its message the
    /// catalogs' entry `code` with `args` (`app.task_failed` …).
    pub fn app(
        code: &'static str,
        kind: ErrorKind,
        args: &[(&str, String)],
        locale: Locale,
    ) -> ErrorPayload {
        ErrorPayload {
            code: code.to_owned(),
            kind,
            message: messages::render(locale, code, args),
        }
    }
}
