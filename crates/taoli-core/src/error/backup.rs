//! Backups: [`BackupError`].

use super::{Error, ErrorKind, Locale, Particular, messages, shown};
use std::path::PathBuf;

/// Making and restoring a backup: codes `backup.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum BackupError {
    BackupFailed {
        folder: PathBuf,
        detail: Particular,
    },

    BackupUnusable {
        path: PathBuf,
        detail: Particular,
    },

    BackupOfAnotherSchool {
        path: PathBuf,
        found: String,
        expected: String,
    },

    BackupKeyMismatch(PathBuf),
}

impl BackupError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            BackupError::BackupFailed { .. } => "backup.failed",
            BackupError::BackupUnusable { .. } => "backup.unusable",
            BackupError::BackupOfAnotherSchool { .. } => "backup.other_school",
            BackupError::BackupKeyMismatch(..) => "backup.key_mismatch",
        }
    }

    /// The catalog key of this error's message: its [`BackupError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            BackupError::BackupFailed { folder, detail } => {
                vec![
                    ("folder", shown(folder)),
                    ("detail", detail.message(locale)),
                ]
            }
            BackupError::BackupUnusable { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            BackupError::BackupOfAnotherSchool {
                path,
                found,
                expected,
            } => vec![
                ("path", shown(path)),
                ("found", shown(found)),
                ("expected", shown(expected)),
            ],
            BackupError::BackupKeyMismatch(path) => vec![("path", shown(path))],
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
        ErrorKind::User
    }
}

impl From<BackupError> for Error {
    fn from(error: BackupError) -> Error {
        Error::Backup(error)
    }
}
