//! Teachers: [`TeacherError`].

use super::{Error, ErrorKind, Locale, Worded, messages, shown};

/// A teacher's identity (name, ID type and number) and finding one: codes
/// `teacher.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum TeacherError {
    EmptyTeacherName,

    TeacherNameTooLong {
        name: String,
        len: usize,
        max: usize,
    },

    InvalidTeacherName {
        name: String,
        chars: Box<Worded>,
    },

    UnknownIdType(String, String),

    InvalidIdNumber {
        id_number: String,
        problem: crate::id_number::IdProblem,
    },

    DuplicateTeacher {
        id_type_name: String,
        id_number: String,
        existing_name: String,
    },

    TeacherNotFound(String),
}

impl TeacherError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            TeacherError::EmptyTeacherName => "teacher.name_empty",
            TeacherError::TeacherNameTooLong { .. } => "teacher.name_too_long",
            TeacherError::InvalidTeacherName { .. } => "teacher.name_invalid",
            TeacherError::UnknownIdType(..) => "teacher.id_type_unknown",
            TeacherError::InvalidIdNumber { .. } => "teacher.id_number_invalid",
            TeacherError::DuplicateTeacher { .. } => "teacher.duplicate",
            TeacherError::TeacherNotFound(..) => "teacher.not_found",
        }
    }

    /// The catalog key of this error's message: its [`TeacherError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            TeacherError::EmptyTeacherName => vec![],
            TeacherError::TeacherNameTooLong { name, len, max } => vec![
                ("name", shown(name)),
                ("len", shown(len)),
                ("max", shown(max)),
            ],
            TeacherError::InvalidTeacherName { name, chars } => {
                vec![
                    ("name", shown(name)),
                    ("chars", chars.get(locale).to_owned()),
                ]
            }
            TeacherError::UnknownIdType(given, valid) => {
                vec![("given", shown(given)), ("valid", shown(valid))]
            }
            TeacherError::InvalidIdNumber { id_number, problem } => {
                vec![
                    ("id_number", shown(id_number)),
                    ("problem", problem.message(locale)),
                ]
            }
            TeacherError::DuplicateTeacher {
                id_type_name,
                id_number,
                existing_name,
            } => vec![
                ("id_type_name", shown(id_type_name)),
                ("id_number", shown(id_number)),
                ("existing_name", shown(existing_name)),
            ],
            TeacherError::TeacherNotFound(id_number) => vec![("id_number", shown(id_number))],
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

impl From<TeacherError> for Error {
    fn from(error: TeacherError) -> Error {
        Error::Teacher(error)
    }
}
