//! Sign-off sheets: [`SheetsError`].

use super::{Error, ErrorKind, Locale, Particular, messages, shown};
use std::path::PathBuf;

/// Printing the sign-off sheets (font, template, where they go) and checking
/// a signed one's fingerprint: codes `sheets.*` and `signoff.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum SheetsError {
    NoChineseFont,

    UnusableFont {
        path: PathBuf,
        problem: String,
    },

    SheetTemplate {
        template: String,
        detail: Particular,
    },

    NoSheetsToPrint,

    SheetsUnwritable {
        path: PathBuf,
        detail: String,
    },

    InvalidFingerprint(String),

    FingerprintNotPrinted {
        teacher: String,
        fingerprint: String,
        printed: String,
    },
}

impl SheetsError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            SheetsError::NoChineseFont => "sheets.no_font",
            SheetsError::UnusableFont { .. } => "sheets.font_unusable",
            SheetsError::SheetTemplate { .. } => "sheets.template_invalid",
            SheetsError::NoSheetsToPrint => "sheets.nothing_to_print",
            SheetsError::SheetsUnwritable { .. } => "sheets.unwritable",
            SheetsError::InvalidFingerprint(..) => "signoff.fingerprint_invalid",
            SheetsError::FingerprintNotPrinted { .. } => "signoff.not_printed",
        }
    }

    /// The catalog key of this error's message: its [`SheetsError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            SheetsError::NoChineseFont => vec![],
            SheetsError::UnusableFont { path, problem } => {
                vec![("path", shown(path)), ("problem", shown(problem))]
            }
            SheetsError::SheetTemplate { template, detail } => {
                vec![
                    ("template", shown(template)),
                    ("detail", detail.message(locale)),
                ]
            }
            SheetsError::NoSheetsToPrint => vec![],
            SheetsError::SheetsUnwritable { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            SheetsError::InvalidFingerprint(value) => vec![("value", shown(value))],
            SheetsError::FingerprintNotPrinted {
                teacher,
                fingerprint,
                printed,
            } => vec![
                ("teacher", shown(teacher)),
                ("fingerprint", shown(fingerprint)),
                ("printed", shown(printed)),
            ],
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

impl From<SheetsError> for Error {
    fn from(error: SheetsError) -> Error {
        Error::Sheets(error)
    }
}
