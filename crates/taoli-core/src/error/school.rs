//! The school and its catalogs: [`SchoolError`].

use super::{Error, ErrorKind, Locale, Worded, messages, shown};

/// What is wrong with the school's own particulars (its code, name, type,
/// region) or with the catalogs it is set up with (indicator sets, code
/// tables, province packs): codes `school.*` and `catalog.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum SchoolError {
    InvalidSchoolCode(String),

    EmptySchoolName,

    SchoolNameTooLong {
        len: usize,
        max: usize,
    },

    UnknownSchoolType(String),

    SchoolTypeOutOfScope {
        code: String,
        name: String,
        reason: String,
    },

    InvalidRegionCode(String),

    UnknownIndicatorSet {
        given: String,
        valid: Box<Worded>,
    },

    UnknownCodeTable(String),

    ProvincePack {
        pack: String,
        reason: String,
    },
}

impl SchoolError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            SchoolError::InvalidSchoolCode(..) => "school.code_invalid",
            SchoolError::EmptySchoolName => "school.name_empty",
            SchoolError::SchoolNameTooLong { .. } => "school.name_too_long",
            SchoolError::UnknownSchoolType(..) => "school.type_unknown",
            SchoolError::SchoolTypeOutOfScope { .. } => "school.type_out_of_scope",
            SchoolError::InvalidRegionCode(..) => "school.region_invalid",
            SchoolError::UnknownIndicatorSet { .. } => "catalog.set_unknown",
            SchoolError::UnknownCodeTable(..) => "catalog.code_table_unknown",
            SchoolError::ProvincePack { .. } => "catalog.province_pack_refused",
        }
    }

    /// The catalog key of this error's message: its [`SchoolError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            SchoolError::InvalidSchoolCode(value) => vec![("value", shown(value))],
            SchoolError::EmptySchoolName => vec![],
            SchoolError::SchoolNameTooLong { len, max } => {
                vec![("len", shown(len)), ("max", shown(max))]
            }
            SchoolError::UnknownSchoolType(code) => vec![("code", shown(code))],
            SchoolError::SchoolTypeOutOfScope { code, name, reason } => vec![
                ("code", shown(code)),
                ("name", shown(name)),
                ("reason", shown(reason)),
            ],
            SchoolError::InvalidRegionCode(value) => vec![("value", shown(value))],
            SchoolError::UnknownIndicatorSet { given, valid } => {
                vec![
                    ("given", shown(given)),
                    ("valid", valid.get(locale).to_owned()),
                ]
            }
            SchoolError::UnknownCodeTable(table) => vec![("table", shown(table))],
            SchoolError::ProvincePack { pack, reason } => {
                vec![("pack", shown(pack)), ("reason", shown(reason))]
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

impl From<SchoolError> for Error {
    fn from(error: SchoolError) -> Error {
        Error::School(error)
    }
}
