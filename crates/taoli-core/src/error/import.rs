//! Importing a roster: [`ImportError`].

use super::{Error, ErrorKind, Locale, Particular, Worded, messages, shown};
use std::path::PathBuf;

/// Reading a roster, mapping its columns, committing and undoing an import:
/// codes `import.*`.
///
/// `Display` is the Simplified Chinese message, as [`Error`]'s is.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message(Locale::ZhCn))]
pub enum ImportError {
    RosterUnreadable {
        path: PathBuf,
        detail: String,
    },

    EmptyRoster(PathBuf),

    RosterIsWebPage(PathBuf),

    NotASpreadsheet(PathBuf),

    MixedEncoding {
        path: PathBuf,
        utf8_line: usize,
        other_line: usize,
    },

    UnterminatedQuote {
        path: PathBuf,
        line: usize,
    },

    RosterTooLarge {
        path: PathBuf,
        cells: u64,
        max: u64,
    },

    RosterPasswordProtected(PathBuf),

    CorruptRoster {
        path: PathBuf,
        detail: Particular,
    },

    UnknownSheet {
        given: String,
        valid: String,
    },

    TooManyRows {
        sheet: String,
        rows: usize,
    },

    NoHeaderRow {
        sheet: String,
    },

    NoIdentityColumn {
        sheet: String,
        missing: String,
    },

    BadColumnMapping(String),

    UnknownColumn(String),

    UnknownMappingTarget {
        target: String,
    },

    ImportNotFound(String),

    NothingToUndo,

    ImportAlreadyUndone {
        id: String,
        at: String,
    },

    UndoBlocked {
        teachers: Box<Worded>,
    },

    StalePreview {
        reason: StaleReason,
    },

    /// The plan was committed already (and settled): a second commit would
    /// write its rows twice.
    ImportAlreadyCommitted,

    /// A one-pass import's planning stopped because its writing had
    /// stopped; the writing's own error is the one reported, this one only
    /// should that be lost.
    ImportStopped,
}

impl ImportError {
    /// A stable, machine-readable name for the failure (for the UI and
    /// scripts); [`Error::code`] is this one.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::RosterUnreadable { .. } => "import.unreadable",
            ImportError::EmptyRoster(..) => "import.empty_file",
            ImportError::RosterIsWebPage(..) => "import.web_page",
            ImportError::NotASpreadsheet(..) => "import.not_spreadsheet",
            ImportError::MixedEncoding { .. } => "import.mixed_encoding",
            ImportError::UnterminatedQuote { .. } => "import.unterminated_quote",
            ImportError::RosterTooLarge { .. } => "import.too_large",
            ImportError::RosterPasswordProtected(..) => "import.password_protected",
            ImportError::CorruptRoster { .. } => "import.corrupt",
            ImportError::UnknownSheet { .. } => "import.sheet_unknown",
            ImportError::TooManyRows { .. } => "import.too_many_rows",
            ImportError::NoHeaderRow { .. } => "import.no_header",
            ImportError::NoIdentityColumn { .. } => "import.no_identity_column",
            ImportError::BadColumnMapping(..) => "import.bad_mapping",
            ImportError::UnknownColumn(..) => "import.column_unknown",
            ImportError::UnknownMappingTarget { .. } => "import.target_unknown",
            ImportError::ImportNotFound(..) => "import.not_found",
            ImportError::NothingToUndo => "import.nothing_to_undo",
            ImportError::ImportAlreadyUndone { .. } => "import.already_undone",
            ImportError::UndoBlocked { .. } => "import.undo_blocked",
            ImportError::StalePreview { .. } => "import.stale_preview",
            ImportError::ImportAlreadyCommitted => "import.already_committed",
            ImportError::ImportStopped => "import.stopped",
        }
    }

    /// The catalog key of this error's message: its [`ImportError::code`].
    pub fn message_key(&self) -> &'static str {
        self.code()
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            ImportError::RosterUnreadable { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            ImportError::EmptyRoster(path) => vec![("path", shown(path))],
            ImportError::RosterIsWebPage(path) => vec![("path", shown(path))],
            ImportError::NotASpreadsheet(path) => vec![("path", shown(path))],
            ImportError::MixedEncoding {
                path,
                utf8_line,
                other_line,
            } => vec![
                ("path", shown(path)),
                ("utf8_line", shown(utf8_line)),
                ("other_line", shown(other_line)),
            ],
            ImportError::UnterminatedQuote { path, line } => {
                vec![("path", shown(path)), ("line", shown(line))]
            }
            ImportError::RosterTooLarge { path, cells, max } => vec![
                ("path", shown(path)),
                ("cells", shown(cells)),
                ("max", shown(max)),
            ],
            ImportError::RosterPasswordProtected(path) => vec![("path", shown(path))],
            ImportError::CorruptRoster { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            ImportError::UnknownSheet { given, valid } => {
                vec![("given", shown(given)), ("valid", shown(valid))]
            }
            ImportError::TooManyRows { sheet, rows } => {
                vec![("sheet", shown(sheet)), ("rows", shown(rows))]
            }
            ImportError::NoHeaderRow { sheet } => vec![("sheet", shown(sheet))],
            ImportError::NoIdentityColumn { sheet, missing } => {
                vec![("sheet", shown(sheet)), ("missing", shown(missing))]
            }
            ImportError::BadColumnMapping(text) => vec![("text", shown(text))],
            ImportError::UnknownColumn(header) => vec![("header", shown(header))],
            ImportError::UnknownMappingTarget { target } => vec![("target", shown(target))],
            ImportError::ImportNotFound(id) => vec![("id", shown(id))],
            ImportError::NothingToUndo => vec![],
            ImportError::ImportAlreadyUndone { id, at } => {
                vec![("id", shown(id)), ("at", shown(at))]
            }
            ImportError::UndoBlocked { teachers } => {
                vec![("teachers", teachers.get(locale).to_owned())]
            }
            ImportError::StalePreview { reason } => vec![("detail", reason.message(locale))],
            ImportError::ImportAlreadyCommitted | ImportError::ImportStopped => vec![],
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

impl From<ImportError> for Error {
    fn from(error: ImportError) -> Error {
        Error::Import(error)
    }
}

/// What changed in the school file after an import's preview
/// ([`ImportError::StalePreview`]), said from the catalogs (`import.stale.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaleReason {
    /// A teacher the plan registers was registered meanwhile.
    TeacherRegistered { id_number: String },
    /// A teacher the plan renames was changed meanwhile.
    TeacherChanged { name: String },
    /// A record the plan writes was changed or deleted meanwhile.
    RecordChanged,
    /// The plan does not match its own preview.
    PlanMismatch,
}

impl StaleReason {
    fn key(&self) -> &'static str {
        match self {
            StaleReason::TeacherRegistered { .. } => "import.stale.teacher_registered",
            StaleReason::TeacherChanged { .. } => "import.stale.teacher_changed",
            StaleReason::RecordChanged => "import.stale.record_changed",
            StaleReason::PlanMismatch => "import.stale.plan_mismatch",
        }
    }

    fn arguments(&self) -> Vec<(&'static str, String)> {
        match self {
            StaleReason::TeacherRegistered { id_number } => vec![("id_number", id_number.clone())],
            StaleReason::TeacherChanged { name } => vec![("name", name.clone())],
            StaleReason::RecordChanged | StaleReason::PlanMismatch => vec![],
        }
    }

    /// The reason in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        messages::render(locale, self.key(), &self.arguments())
    }
}
