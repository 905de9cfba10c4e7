//! Passwords and keys: [`SecretsError`].

use super::{Error, ErrorKind, Locale, Particular, messages, shown};

/// Passwords, the key they wrap and the system keychain: codes `secrets.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum SecretsError {
    KeychainUnavailable { detail: Particular },

    WrongPassword,

    WrappedKeyDamaged { detail: Particular },

    WrappedKeyUnsupported { version: u64, supported: u32 },

    EmptyPassword { min: usize },

    WeakPassword { len: usize, min: usize },

    PasswordHashInvalid { detail: Particular },
}

impl SecretsError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            SecretsError::KeychainUnavailable { .. } => "secrets.keychain_unavailable",
            SecretsError::WrongPassword => "secrets.wrong_password",
            SecretsError::WrappedKeyDamaged { .. } => "secrets.wrapped_key_damaged",
            SecretsError::WrappedKeyUnsupported { .. } => "secrets.wrapped_key_unsupported",
            SecretsError::EmptyPassword { .. } => "secrets.password_empty",
            SecretsError::WeakPassword { .. } => "secrets.password_weak",
            SecretsError::PasswordHashInvalid { .. } => "secrets.password_hash_invalid",
        }
    }

    /// The catalog key of this error's message: its [`SecretsError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            SecretsError::KeychainUnavailable { detail } => {
                vec![("detail", detail.message(locale))]
            }
            SecretsError::WrongPassword => vec![],
            SecretsError::WrappedKeyDamaged { detail } => vec![("detail", detail.message(locale))],
            SecretsError::WrappedKeyUnsupported { version, supported } => {
                vec![("version", shown(version)), ("supported", shown(supported))]
            }
            SecretsError::EmptyPassword { min } => vec![("min", shown(min))],
            SecretsError::WeakPassword { len, min } => {
                vec![("len", shown(len)), ("min", shown(min))]
            }
            SecretsError::PasswordHashInvalid { detail } => {
                vec![("detail", detail.message(locale))]
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
        ErrorKind::User
    }
}

impl From<SecretsError> for Error {
    fn from(error: SecretsError) -> Error {
        Error::Secrets(error)
    }
}
