//! Data entry: [`EntryError`].

use super::{Error, ErrorKind, Locale, Particular, Worded, messages, shown};

/// Entering and changing a teacher's records: an assignment, a field, a value
/// (`entry.*`), a record (`record.*`), a warning's reason (`warning.*`) and a
/// pending value (`pending.*`).
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum EntryError {
    BadAssignment(String),

    /// `field` as the clerk wrote it; `valid` lists the group's indicators
    /// (label and code).
    UnknownField {
        group: Box<Worded>,
        field: String,
        valid: Box<Worded>,
    },

    /// `group` as the clerk wrote it; `valid` lists the set's groups.
    UnknownGroup {
        group: String,
        valid: Box<Worded>,
    },

    InvalidValue {
        field: Box<Worded>,
        value: String,
        problem: Particular,
    },

    DerivedField(Worded),

    IdentityField(Worded),

    MultiRecordGroup(Worded),

    SingleRecordGroup(Worded),

    RecordNotFound(String),

    StaleRecord {
        expected: i64,
        current: i64,
    },

    EmptyWarningReason,

    NoSuchWarning {
        teacher: String,
        rule: String,
    },

    ErrorNeedsFixing(String),

    PendingValueNotFound(String),
}

impl EntryError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            EntryError::BadAssignment(..) => "entry.bad_assignment",
            EntryError::UnknownField { .. } => "entry.unknown_field",
            EntryError::UnknownGroup { .. } => "entry.unknown_group",
            EntryError::InvalidValue { .. } => "entry.invalid_value",
            EntryError::DerivedField(..) => "entry.derived_field",
            EntryError::IdentityField(..) => "entry.identity_field",
            EntryError::MultiRecordGroup(..) => "entry.multi_record_group",
            EntryError::SingleRecordGroup(..) => "entry.single_record_group",
            EntryError::RecordNotFound(..) => "record.not_found",
            EntryError::StaleRecord { .. } => "record.stale",
            EntryError::EmptyWarningReason => "warning.reason_empty",
            EntryError::NoSuchWarning { .. } => "warning.not_found",
            EntryError::ErrorNeedsFixing(..) => "warning.is_error",
            EntryError::PendingValueNotFound(..) => "pending.not_found",
        }
    }

    /// The catalog key of this error's message: its [`EntryError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            EntryError::BadAssignment(text) => vec![("text", shown(text))],
            EntryError::UnknownField {
                group,
                field,
                valid,
            } => vec![
                ("group", group.get(locale).to_owned()),
                ("field", shown(field)),
                ("valid", valid.get(locale).to_owned()),
            ],
            EntryError::UnknownGroup { group, valid } => {
                vec![
                    ("group", shown(group)),
                    ("valid", valid.get(locale).to_owned()),
                ]
            }
            EntryError::InvalidValue {
                field,
                value,
                problem,
            } => vec![
                ("field", field.get(locale).to_owned()),
                ("value", shown(value)),
                ("problem", problem.message(locale)),
            ],
            EntryError::DerivedField(field) => vec![("field", field.get(locale).to_owned())],
            EntryError::IdentityField(field) => vec![("field", field.get(locale).to_owned())],
            EntryError::MultiRecordGroup(group) => vec![("group", group.get(locale).to_owned())],
            EntryError::SingleRecordGroup(group) => vec![("group", group.get(locale).to_owned())],
            EntryError::RecordNotFound(record) => vec![("record", shown(record))],
            EntryError::StaleRecord { expected, current } => {
                vec![("expected", shown(expected)), ("current", shown(current))]
            }
            EntryError::EmptyWarningReason => vec![],
            EntryError::NoSuchWarning { teacher, rule } => {
                vec![("teacher", shown(teacher)), ("rule", shown(rule))]
            }
            EntryError::ErrorNeedsFixing(problem) => vec![("problem", shown(problem))],
            EntryError::PendingValueNotFound(id) => vec![("id", shown(id))],
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

impl From<EntryError> for Error {
    fn from(error: EntryError) -> Error {
        Error::Entry(error)
    }
}
