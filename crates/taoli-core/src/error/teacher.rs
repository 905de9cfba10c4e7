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

    /// A 人员状态 that is not in the code table.
    StatusUnknown(String),
    /// A heading of the code table (200, 300), not a status one can have.
    StatusHeading {
        status: Box<Worded>,
    },
    StatusDateInvalid(String),
    StatusPending {
        name: String,
        status: Box<Worded>,
    },
    StatusUnchanged {
        name: String,
        status: Box<Worded>,
    },
    StatusDateBeforeLatest {
        date: String,
        latest: String,
    },
    StatusReasonMissing,
    StatusNoteTooLong {
        len: usize,
        max: usize,
    },
    StatusEvidenceMissing {
        status: Box<Worded>,
    },
    StatusEventNotFound(String),
    StatusNotPending(String),
    StatusNothingPending {
        name: String,
    },
    /// A 人员状态 on file changed as a plain value, not as a change.
    StatusThroughChange {
        name: String,
    },
    CorrectionReasonMissing,
    CorrectionUnchanged {
        name: String,
    },
    /// A correction of the teacher's identity already waits for the county.
    CorrectionPending {
        name: String,
    },
    /// No correction of the teacher's identity waits or came back returned.
    CorrectionNothingOpen {
        name: String,
    },
    RemovalReasonMissing,
    MergeReasonMissing,
    MergeWithItself {
        name: String,
    },
    MergeAfterReport {
        name: String,
    },
    RemovalAfterReport {
        name: String,
    },
    /// An information group the teacher's status locks.
    GroupLockedByStatus {
        name: String,
        group: Box<Worded>,
        status: Box<Worded>,
    },
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
            TeacherError::StatusUnknown(..) => "teacher.status.unknown",
            TeacherError::StatusHeading { .. } => "teacher.status.heading",
            TeacherError::StatusDateInvalid(..) => "teacher.status.date_invalid",
            TeacherError::StatusPending { .. } => "teacher.status.pending",
            TeacherError::StatusUnchanged { .. } => "teacher.status.unchanged",
            TeacherError::StatusDateBeforeLatest { .. } => "teacher.status.date_before_latest",
            TeacherError::StatusReasonMissing => "teacher.status.reason_missing",
            TeacherError::StatusNoteTooLong { .. } => "teacher.status.note_too_long",
            TeacherError::StatusEvidenceMissing { .. } => "teacher.status.evidence_missing",
            TeacherError::StatusEventNotFound(..) => "teacher.status.event_not_found",
            TeacherError::StatusNotPending(..) => "teacher.status.not_pending",
            TeacherError::StatusNothingPending { .. } => "teacher.status.nothing_pending",
            TeacherError::GroupLockedByStatus { .. } => "teacher.status.group_locked",
            TeacherError::StatusThroughChange { .. } => "teacher.status.through_change",
            TeacherError::CorrectionReasonMissing => "teacher.correction.reason_missing",
            TeacherError::CorrectionUnchanged { .. } => "teacher.correction.unchanged",
            TeacherError::CorrectionPending { .. } => "teacher.correction.pending",
            TeacherError::CorrectionNothingOpen { .. } => "teacher.correction.nothing_open",
            TeacherError::RemovalReasonMissing => "teacher.removal.reason_missing",
            TeacherError::RemovalAfterReport { .. } => "teacher.removal.after_report",
            TeacherError::MergeReasonMissing => "teacher.merge.reason_missing",
            TeacherError::MergeWithItself { .. } => "teacher.merge.itself",
            TeacherError::MergeAfterReport { .. } => "teacher.merge.after_report",
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
            TeacherError::StatusUnknown(given) => vec![("given", shown(given))],
            TeacherError::StatusHeading { status }
            | TeacherError::StatusEvidenceMissing { status } => {
                vec![("status", status.get(locale).to_owned())]
            }
            TeacherError::StatusDateInvalid(date) => vec![("date", shown(date))],
            TeacherError::StatusPending { name, status }
            | TeacherError::StatusUnchanged { name, status } => vec![
                ("name", shown(name)),
                ("status", status.get(locale).to_owned()),
            ],
            TeacherError::StatusDateBeforeLatest { date, latest } => {
                vec![("date", shown(date)), ("latest", shown(latest))]
            }
            TeacherError::StatusReasonMissing => vec![],
            TeacherError::StatusThroughChange { name }
            | TeacherError::StatusNothingPending { name }
            | TeacherError::CorrectionUnchanged { name }
            | TeacherError::CorrectionPending { name }
            | TeacherError::CorrectionNothingOpen { name }
            | TeacherError::RemovalAfterReport { name }
            | TeacherError::MergeWithItself { name }
            | TeacherError::MergeAfterReport { name } => vec![("name", shown(name))],
            TeacherError::CorrectionReasonMissing
            | TeacherError::RemovalReasonMissing
            | TeacherError::MergeReasonMissing => vec![],
            TeacherError::StatusNoteTooLong { len, max } => {
                vec![("len", shown(len)), ("max", shown(max))]
            }
            TeacherError::StatusEventNotFound(id) | TeacherError::StatusNotPending(id) => {
                vec![("id", shown(id))]
            }
            TeacherError::GroupLockedByStatus {
                name,
                group,
                status,
            } => vec![
                ("name", shown(name)),
                ("group", group.get(locale).to_owned()),
                ("status", status.get(locale).to_owned()),
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

impl From<TeacherError> for Error {
    fn from(error: TeacherError) -> Error {
        Error::Teacher(error)
    }
}
