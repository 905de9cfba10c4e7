//! Internal failures: [`InternalError`].

use super::{Error, ErrorKind, Locale, messages, shown};

/// Failures inside Taoli (a panic caught at the boundary, a broken embedded
/// catalog, an export, the statistics, the sheets or the secrets failing for
/// a reason the clerk cannot fix): codes `internal.*`. Always
/// [`ErrorKind::Internal`].
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum InternalError {
    /// A panic caught at the boundary (`panic_report`): the operation was
    /// not done and the school file is as it was before it.
    Panicked {
        code: String,
        file: String,
    },

    Catalog {
        file: &'static str,
        detail: String,
    },

    ExportFailed(String),

    StatsFailed(String),

    SheetsFailed(String),

    SecretsFailed(String),
}

impl InternalError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            InternalError::Panicked { .. } => "internal.panic",
            InternalError::Catalog { .. } => "internal.catalog",
            InternalError::ExportFailed(..) => "internal.export",
            InternalError::StatsFailed(..) => "internal.stats",
            InternalError::SheetsFailed(..) => "internal.sheets",
            InternalError::SecretsFailed(..) => "internal.secrets",
        }
    }

    /// The catalog key of this error's message: its [`InternalError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, _locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            InternalError::Panicked { code, file } => {
                vec![("code", shown(code)), ("file", shown(file))]
            }
            InternalError::Catalog { file, detail } => {
                vec![("file", shown(file)), ("detail", shown(detail))]
            }
            InternalError::ExportFailed(detail) => vec![("detail", shown(detail))],
            InternalError::StatsFailed(detail) => vec![("detail", shown(detail))],
            InternalError::SheetsFailed(detail) => vec![("detail", shown(detail))],
            InternalError::SecretsFailed(detail) => vec![("detail", shown(detail))],
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
        ErrorKind::Internal
    }
}

impl From<InternalError> for Error {
    fn from(error: InternalError) -> Error {
        Error::Internal(error)
    }
}
