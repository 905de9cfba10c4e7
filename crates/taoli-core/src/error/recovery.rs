//! Recovering an encrypted school file: [`RecoveryError`].

use super::{Error, ErrorKind, Locale, Particular, Worded, messages, shown};
use std::path::PathBuf;

/// A recovery code and its sidecar file: codes `recovery.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum RecoveryError {
    RecoveryCodeMalformed { detail: Particular },

    WrongRecoveryCode(PathBuf),

    RecoverySidecarMissing { path: PathBuf, name: String },

    RecoverySidecarDamaged { path: PathBuf, detail: Particular },

    RecoverySidecarOfAnotherFile { sidecar: PathBuf, path: PathBuf },

    RecoveryKeysDoNotOpen { sidecar: PathBuf, path: PathBuf },

    RecoveryAccountNeeded { names: Worded },

    RecoveryAccountUnknown { name: String, names: Worded },

    RecoveryNoAdmin(PathBuf),

    RecoveryNotNeeded(PathBuf),
}

impl RecoveryError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            RecoveryError::RecoveryCodeMalformed { .. } => "recovery.code_malformed",
            RecoveryError::WrongRecoveryCode(..) => "recovery.wrong_code",
            RecoveryError::RecoverySidecarMissing { .. } => "recovery.sidecar_missing",
            RecoveryError::RecoverySidecarDamaged { .. } => "recovery.sidecar_damaged",
            RecoveryError::RecoverySidecarOfAnotherFile { .. } => {
                "recovery.sidecar_of_another_file"
            }
            RecoveryError::RecoveryKeysDoNotOpen { .. } => "recovery.keys_do_not_open",
            RecoveryError::RecoveryAccountNeeded { .. } => "recovery.account_needed",
            RecoveryError::RecoveryAccountUnknown { .. } => "recovery.account_unknown",
            RecoveryError::RecoveryNoAdmin(..) => "recovery.no_admin",
            RecoveryError::RecoveryNotNeeded(..) => "recovery.not_needed",
        }
    }

    /// The catalog key of this error's message: its [`RecoveryError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            RecoveryError::RecoveryCodeMalformed { detail } => {
                vec![("detail", detail.message(locale))]
            }
            RecoveryError::WrongRecoveryCode(path) => vec![("path", shown(path))],
            RecoveryError::RecoverySidecarMissing { path, name } => {
                vec![("path", shown(path)), ("name", shown(name))]
            }
            RecoveryError::RecoverySidecarDamaged { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            RecoveryError::RecoverySidecarOfAnotherFile { sidecar, path } => {
                vec![("sidecar", shown(sidecar)), ("path", shown(path))]
            }
            RecoveryError::RecoveryKeysDoNotOpen { sidecar, path } => {
                vec![("sidecar", shown(sidecar)), ("path", shown(path))]
            }
            RecoveryError::RecoveryAccountNeeded { names } => {
                vec![("names", names.get(locale).to_owned())]
            }
            RecoveryError::RecoveryAccountUnknown { name, names } => {
                vec![
                    ("name", shown(name)),
                    ("names", names.get(locale).to_owned()),
                ]
            }
            RecoveryError::RecoveryNoAdmin(path) => vec![("path", shown(path))],
            RecoveryError::RecoveryNotNeeded(path) => vec![("path", shown(path))],
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

impl From<RecoveryError> for Error {
    fn from(error: RecoveryError) -> Error {
        Error::Recovery(error)
    }
}
