//! The school file: [`FileError`].

use super::{Error, ErrorKind, Locale, Particular, messages, shown};
use std::path::PathBuf;

/// Opening, creating, encrypting and locking the school file, whether one is
/// open at all, and a full disk: codes `file.*`, `disk.full` and
/// `app.no_school_open`. A full disk is this one variant (`DiskFull`)
/// whatever reported it.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum FileError {
    FileExists(PathBuf),

    FileNotFound(PathBuf),

    NotASchoolFile(PathBuf),

    NewerSchoolFile {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    CorruptSchoolFile {
        path: PathBuf,
        detail: Particular,
    },

    FileKeyNeeded(PathBuf),

    WrongFilePassword(PathBuf),

    AlreadyEncrypted(PathBuf),

    NotEncrypted(PathBuf),

    EncryptFailed {
        path: PathBuf,
        detail: Particular,
    },

    RekeyFailed {
        path: PathBuf,
        detail: Particular,
    },

    SchoolFileInUse {
        path: PathBuf,
        holder: Option<Box<crate::store::LockHolder>>,
    },

    NetworkShareOneConnection,

    DiskFull {
        folder: PathBuf,
        needed_mb: u64,
    },

    /// A call that needs an open school file while none is (the app's
    /// workspace, `crate::workspace`).
    NoSchoolOpen,
}

impl FileError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::FileExists(..) => "file.exists",
            FileError::FileNotFound(..) => "file.not_found",
            FileError::NotASchoolFile(..) => "file.not_school_file",
            FileError::NewerSchoolFile { .. } => "file.newer_version",
            FileError::CorruptSchoolFile { .. } => "file.corrupt",
            FileError::FileKeyNeeded(..) => "file.key_needed",
            FileError::WrongFilePassword(..) => "file.wrong_password",
            FileError::AlreadyEncrypted(..) => "file.already_encrypted",
            FileError::NotEncrypted(..) => "file.not_encrypted",
            FileError::EncryptFailed { .. } => "file.encrypt_failed",
            FileError::RekeyFailed { .. } => "file.rekey_failed",
            FileError::SchoolFileInUse { .. } => "file.in_use",
            FileError::NetworkShareOneConnection => "file.network_share_one_connection",
            FileError::DiskFull { .. } => "disk.full",
            FileError::NoSchoolOpen => "app.no_school_open",
        }
    }

    /// The catalog key of this error's message: its [`FileError::code`], but
    /// for a file in use, whose message depends on who holds it
    /// (`file.in_use.this_computer`, `file.in_use.other_computer`).
    pub fn message_key(&self) -> &'static str {
        match self {
            FileError::SchoolFileInUse { holder, .. } => {
                crate::store::LockHolder::refusal_arguments(holder.as_deref(), Locale::ZhCn).0
            }
            _ => self.code(),
        }
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            FileError::FileExists(path) => vec![("path", shown(path))],
            FileError::FileNotFound(path) => vec![("path", shown(path))],
            FileError::NotASchoolFile(path) => vec![("path", shown(path))],
            FileError::NewerSchoolFile {
                path,
                found,
                supported,
            } => vec![
                ("path", shown(path)),
                ("found", shown(found)),
                ("supported", shown(supported)),
            ],
            FileError::CorruptSchoolFile { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            FileError::FileKeyNeeded(path) => vec![("path", shown(path))],
            FileError::WrongFilePassword(path) => vec![("path", shown(path))],
            FileError::AlreadyEncrypted(path) => vec![("path", shown(path))],
            FileError::NotEncrypted(path) => vec![("path", shown(path))],
            FileError::EncryptFailed { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            FileError::RekeyFailed { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            FileError::SchoolFileInUse { holder, .. } => {
                crate::store::LockHolder::refusal_arguments(holder.as_deref(), locale).1
            }
            FileError::NetworkShareOneConnection => vec![],
            FileError::DiskFull { folder, needed_mb } => {
                vec![("folder", shown(folder)), ("needed_mb", shown(needed_mb))]
            }
            FileError::NoSchoolOpen => vec![],
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

impl From<FileError> for Error {
    fn from(error: FileError) -> Error {
        Error::File(error)
    }
}
