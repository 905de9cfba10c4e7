//! Exports and reports: [`ExportError`].

use super::{Error, ErrorKind, Locale, Particular, messages, shown};
use std::path::PathBuf;

/// Writing an export, the statistics workbook, the audit log's dates: codes
/// `export.*`, `stats.*` and `audit.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum ExportError {
    ExportGroupRequired { valid: String },

    ExportGroupNotUsed { format: String },

    ExportStyleNotUsed { style: String },

    ExportUnwritable { path: PathBuf, detail: Particular },

    StatsUnwritable { path: PathBuf, detail: Particular },

    InvalidAuditDate(String),
}

impl ExportError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::ExportGroupRequired { .. } => "export.group_required",
            ExportError::ExportGroupNotUsed { .. } => "export.group_not_used",
            ExportError::ExportStyleNotUsed { .. } => "export.style_not_used",
            ExportError::ExportUnwritable { .. } => "export.unwritable",
            ExportError::StatsUnwritable { .. } => "stats.unwritable",
            ExportError::InvalidAuditDate(..) => "audit.date_invalid",
        }
    }

    /// The catalog key of this error's message: its [`ExportError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            ExportError::ExportGroupRequired { valid } => vec![("valid", shown(valid))],
            ExportError::ExportGroupNotUsed { format } => vec![("format", shown(format))],
            ExportError::ExportStyleNotUsed { style } => vec![("style", shown(style))],
            ExportError::ExportUnwritable { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            ExportError::StatsUnwritable { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            ExportError::InvalidAuditDate(value) => vec![("value", shown(value))],
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

impl From<ExportError> for Error {
    fn from(error: ExportError) -> Error {
        Error::Export(error)
    }
}
