//! Accounts and sessions: [`AccountError`].

use super::{Error, ErrorKind, Locale, messages, shown};
use crate::account::{Permission, Role};

/// Accounts, roles, signing in and the session's permissions: codes
/// `account.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum AccountError {
    UnknownRole(String),

    /// The signed-in `role` may not do what `permission` covers.
    NotPermitted {
        role: Role,
        permission: Permission,
    },

    NotSignedIn,

    SessionLocked,

    EmptyUserName,

    InvalidUserName {
        name: String,
        max: usize,
    },

    UserExists(String),

    UserNotFound(String),

    SignInFailed {
        left: u32,
        limit: u32,
        minutes: u32,
    },

    AccountLocked {
        name: String,
        limit: u32,
        minutes: i64,
    },

    AccountDisabled(String),

    NoUsersYet,

    UsersExist,

    FirstUserMustBeAdmin,

    WrongCurrentPassword,

    LastAdmin(String),
}

impl AccountError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::UnknownRole(..) => "account.role_unknown",
            AccountError::NotPermitted { .. } => "account.not_permitted",
            AccountError::NotSignedIn => "account.not_signed_in",
            AccountError::SessionLocked => "account.session_locked",
            AccountError::EmptyUserName => "account.name_empty",
            AccountError::InvalidUserName { .. } => "account.name_invalid",
            AccountError::UserExists(..) => "account.exists",
            AccountError::UserNotFound(..) => "account.not_found",
            AccountError::SignInFailed { .. } => "account.sign_in_failed",
            AccountError::AccountLocked { .. } => "account.locked",
            AccountError::AccountDisabled(..) => "account.disabled",
            AccountError::NoUsersYet => "account.none_yet",
            AccountError::UsersExist => "account.users_exist",
            AccountError::FirstUserMustBeAdmin => "account.first_must_be_admin",
            AccountError::WrongCurrentPassword => "account.wrong_current_password",
            AccountError::LastAdmin(..) => "account.last_admin",
        }
    }

    /// The catalog key of this error's message: its [`AccountError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            AccountError::UnknownRole(role) => vec![("role", shown(role))],
            AccountError::NotPermitted { role, permission } => {
                let (label, action, or): (fn(Role) -> &'static str, _, _) = match locale {
                    Locale::ZhCn => (Role::label, permission.label(), "或"),
                    Locale::En => (Role::label_en, permission.label_en(), " or "),
                };
                let roles: Vec<&str> = Role::ALL
                    .into_iter()
                    .filter(|r| r.allows(*permission))
                    .map(label)
                    .collect();
                vec![
                    ("role", label(*role).to_owned()),
                    ("action", action.to_owned()),
                    ("roles", roles.join(or)),
                ]
            }
            AccountError::NotSignedIn => vec![],
            AccountError::SessionLocked => vec![],
            AccountError::EmptyUserName => vec![],
            AccountError::InvalidUserName { name, max } => {
                vec![("name", shown(name)), ("max", shown(max))]
            }
            AccountError::UserExists(name) => vec![("name", shown(name))],
            AccountError::UserNotFound(name) => vec![("name", shown(name))],
            AccountError::SignInFailed {
                left,
                limit,
                minutes,
            } => vec![
                ("left", shown(left)),
                ("limit", shown(limit)),
                ("minutes", shown(minutes)),
            ],
            AccountError::AccountLocked {
                name,
                limit,
                minutes,
            } => vec![
                ("name", shown(name)),
                ("limit", shown(limit)),
                ("minutes", shown(minutes)),
            ],
            AccountError::AccountDisabled(name) => vec![("name", shown(name))],
            AccountError::NoUsersYet => vec![],
            AccountError::UsersExist => vec![],
            AccountError::FirstUserMustBeAdmin => vec![],
            AccountError::WrongCurrentPassword => vec![],
            AccountError::LastAdmin(name) => vec![("name", shown(name))],
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

impl From<AccountError> for Error {
    fn from(error: AccountError) -> Error {
        Error::Account(error)
    }
}
