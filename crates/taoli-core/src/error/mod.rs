//! The one error type of `taoli-core`.
//!
//! Every message is written for the clerk at the screen: it says what is wrong
//! and how to put it right. The messages are data, one catalog per locale
//! (`crates/taoli-core/messages/zh-CN.toml`, `en.toml`, see [`messages`]),
//! keyed by [`Error::code`]; each variant names its arguments
//! ([`Error::arguments`]) and [`Error::message`] puts them in. `Display` is
//! the Simplified Chinese message. [`Error::kind`] separates the clerk's
//! input (something they can fix) from internal failures (something to
//! report), which the CLI turns into exit codes 1 and 2.

pub mod messages;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::account::{Permission, Role};
pub use messages::{Locale, SharedLocale};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a failure is the user's to fix or ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input was wrong; the message says how to fix it.
    User,
    /// Something failed inside Taoli or the machine (disk, database engine).
    Internal,
}

#[derive(Debug)]
pub enum Error {
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

    UnknownIndicatorSet {
        given: String,
        valid: String,
    },

    UnknownCodeTable(String),

    ProvincePack {
        pack: String,
        reason: String,
    },

    InvalidRegionCode(String),

    EmptyTeacherName,

    TeacherNameTooLong {
        name: String,
        len: usize,
        max: usize,
    },

    InvalidTeacherName {
        name: String,
        chars: String,
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

    BadAssignment(String),

    UnknownField {
        group: String,
        field: String,
        valid: String,
    },

    UnknownGroup {
        group: String,
        valid: String,
    },

    InvalidValue {
        field: String,
        value: String,
        problem: String,
    },

    DerivedField(String),

    IdentityField(String),

    MultiRecordGroup(String),

    SingleRecordGroup(String),

    EmptyWarningReason,

    NoSuchWarning {
        teacher: String,
        rule: String,
    },

    ErrorNeedsFixing(String),

    RecordNotFound(String),

    StaleRecord {
        expected: i64,
        current: i64,
    },

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
        detail: String,
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

    PendingValueNotFound(String),

    ImportAlreadyUndone {
        id: String,
        at: String,
    },

    UndoBlocked {
        teachers: String,
    },

    StalePreview {
        reason: StaleReason,
    },

    /// The plan was committed already (and settled): a second commit would
    /// write its rows twice.
    ImportAlreadyCommitted,

    ExportGroupRequired {
        valid: String,
    },

    ExportGroupNotUsed {
        format: String,
    },

    ExportStyleNotUsed {
        style: String,
    },

    ExportUnwritable {
        path: PathBuf,
        detail: Particular,
    },

    ExportFailed(String),

    InvalidAuditDate(String),

    StatsUnwritable {
        path: PathBuf,
        detail: Particular,
    },

    StatsFailed(String),

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

    SheetsFailed(String),

    InvalidFingerprint(String),

    FingerprintNotPrinted {
        teacher: String,
        fingerprint: String,
        printed: String,
    },

    FileExists(PathBuf),

    FileNotFound(PathBuf),

    BackupFailed {
        folder: PathBuf,
        detail: Particular,
    },

    BackupUnusable {
        path: PathBuf,
        detail: Particular,
    },

    BackupOfAnotherSchool {
        path: PathBuf,
        found: String,
        expected: String,
    },

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

    RecoveryCodeMalformed {
        detail: String,
    },

    WrongRecoveryCode(PathBuf),

    RecoverySidecarMissing {
        path: PathBuf,
        name: String,
    },

    RecoverySidecarDamaged {
        path: PathBuf,
        detail: String,
    },

    RecoverySidecarOfAnotherFile {
        sidecar: PathBuf,
        path: PathBuf,
    },

    RecoveryKeysDoNotOpen {
        sidecar: PathBuf,
        path: PathBuf,
    },

    RecoveryAccountNeeded {
        names: String,
    },

    RecoveryAccountUnknown {
        name: String,
        names: String,
    },

    RecoveryNoAdmin(PathBuf),

    RecoveryNotNeeded(PathBuf),

    NotEncrypted(PathBuf),

    EncryptFailed {
        path: PathBuf,
        detail: String,
    },

    RekeyFailed {
        path: PathBuf,
        detail: String,
    },

    BackupKeyMismatch(PathBuf),

    KeychainUnavailable {
        detail: String,
    },

    WrongPassword,

    WrappedKeyDamaged {
        detail: String,
    },

    WrappedKeyUnsupported {
        version: u64,
        supported: u32,
    },

    EmptyPassword {
        min: usize,
    },

    WeakPassword {
        len: usize,
        min: usize,
    },

    PasswordHashInvalid {
        detail: String,
    },

    SecretsFailed(String),

    UnknownRole(String),

    /// The signed-in `role` may not do what `permission` covers.
    NotPermitted {
        role: Role,
        permission: Permission,
    },

    NotSignedIn,

    /// A call that needs an open school file while none is (the app's
    /// workspace, `crate::workspace`).
    NoSchoolOpen,

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

    NotEnrolled,

    InvalidUpstreamUrl(String),

    UpstreamUnreachable {
        upstream: String,
        detail: Particular,
    },

    SigningKeyMissing {
        detail: Particular,
    },

    AdminPasswordNeeded,

    SigningKeyPasswordWrong,

    WrongAdminPassword,

    BatchInFlight {
        sequence: i64,
        batch_id: String,
    },

    BatchFileUnreadable {
        path: PathBuf,
        detail: String,
    },

    ReceiptFileUnreadable {
        path: PathBuf,
        detail: String,
    },

    ReceiptOfAnotherBatch {
        batch_id: String,
    },

    NoReceiptYet {
        sequence: i64,
        batch_id: String,
    },

    BatchNotFound(String),

    SyncWorkerFailed(String),

    UpstreamHistoryMismatch {
        sequence: u64,
    },

    InvalidChangeReason {
        max: usize,
    },
    /// The upstream (or the client checking its answer) refused: the
    /// refusal's own message, in English from its code
    /// (`Refusal::message_in_english`, `docs/protocol.md`).
    Refused(crate::protocol::Refusal),

    /// Making or reading a signing key failed (the protocol crate's own
    /// error, `internal.secrets` as before it had one; its own messages).
    Protocol(crate::protocol::Error),

    SchoolFileInUse {
        path: PathBuf,
        holder: Option<Box<crate::store::LockHolder>>,
    },

    NetworkShareOneConnection,

    DiskFull {
        folder: PathBuf,
        needed_mb: u64,
    },

    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    Database(rusqlite::Error),

    Json(serde_json::Error),

    Catalog {
        file: &'static str,
        detail: String,
    },

    /// A panic caught at the boundary (`panic_report`): the operation was
    /// not done and the school file is as it was before it.
    Panicked {
        code: String,
        file: String,
    },
}

impl fmt::Display for Error {
    /// The Simplified Chinese message (the CLI's and every log's).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Locale::ZhCn))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Database(e) => Some(e),
            Error::Json(e) => Some(e),
            Error::Refused(e) => Some(e),
            Error::Protocol(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::protocol::Refusal> for Error {
    fn from(refusal: crate::protocol::Refusal) -> Error {
        Error::Refused(refusal)
    }
}

impl From<crate::protocol::Error> for Error {
    fn from(error: crate::protocol::Error) -> Error {
        Error::Protocol(error)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Error {
        Error::Database(error)
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Error {
        Error::Json(error)
    }
}

/// What changed in the school file after an import's preview
/// ([`Error::StalePreview`]), said from the catalogs (`import.stale.*`).
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

/// A particular inside a message: what another part said (a library's or
/// the system's text, kept as it is), one of Taoli's own sentences (from the
/// catalogs, `particular.*`), or another of Taoli's errors; the last two are
/// said in the message's language.
#[derive(Debug)]
pub enum Particular {
    Text(String),
    Said {
        key: &'static str,
        args: Vec<(&'static str, String)>,
    },
    Error(Box<Error>),
}

impl Particular {
    /// One of Taoli's own sentences, by its catalog key.
    pub fn said(key: &'static str, args: Vec<(&'static str, String)>) -> Particular {
        Particular::Said { key, args }
    }

    /// The particular in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        match self {
            Particular::Text(text) => text.clone(),
            Particular::Said { key, args } => messages::render(locale, key, args),
            Particular::Error(error) => error.message(locale),
        }
    }
}

impl From<String> for Particular {
    fn from(text: String) -> Particular {
        Particular::Text(text)
    }
}

impl From<Error> for Particular {
    fn from(error: Error) -> Particular {
        Particular::Error(Box::new(error))
    }
}

impl fmt::Display for Particular {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Locale::ZhCn))
    }
}

/// An argument as a message shows it.
trait Shown {
    fn shown(&self) -> String;
}

impl Shown for String {
    fn shown(&self) -> String {
        self.clone()
    }
}

impl Shown for &str {
    fn shown(&self) -> String {
        (*self).to_owned()
    }
}

impl Shown for PathBuf {
    fn shown(&self) -> String {
        self.display().to_string()
    }
}

macro_rules! shown_as_display {
    ($($ty:ty),*) => {$(
        impl Shown for $ty {
            fn shown(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
shown_as_display!(usize, u32, u64, i64);

fn shown(value: &impl Shown) -> String {
    value.shown()
}

impl Error {
    /// The message in `locale`: the catalog's template of this error's code
    /// with its arguments put in. A refusal and the protocol crate's own
    /// errors say their own messages; a wrapped foreign error (I/O, SQLite,
    /// JSON) keeps its own text inside the sentence.
    pub fn message(&self, locale: Locale) -> String {
        match (self, locale) {
            (Error::Refused(refusal), Locale::ZhCn) => refusal.message.clone(),
            (Error::Refused(refusal), Locale::En) => refusal.message_in_english(),
            (Error::Protocol(error), Locale::ZhCn) => error.to_string(),
            (Error::Protocol(error), Locale::En) => error.message_in_english(),
            _ => messages::render(locale, self.message_key(), &self.arguments(locale)),
        }
    }

    /// The catalog key of this error's message: its [`Error::code`], but for
    /// a file in use, whose message depends on who holds it
    /// (`file.in_use.this_computer`, `file.in_use.other_computer`).
    pub fn message_key(&self) -> &'static str {
        match self {
            Error::SchoolFileInUse { holder, .. } => {
                crate::store::LockHolder::refusal_arguments(holder.as_deref(), Locale::ZhCn).0
            }
            _ => self.code(),
        }
    }

    /// The named arguments of this error's message, as its template names
    /// them (`{path}`, `{detail}` …). Most do not depend on `locale`; a
    /// role's and a permission's names and a lock holder's do. A refusal
    /// has none (its message is the protocol crate's, per refusal code); the
    /// protocol crate's own error gives its Chinese text as `detail`, which
    /// fits `internal.secrets` (its English is the crate's own too).
    pub fn arguments(&self, locale: Locale) -> Vec<(&'static str, String)> {
        match self {
            Error::NotPermitted { role, permission } => {
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
            Error::SchoolFileInUse { holder, .. } => {
                crate::store::LockHolder::refusal_arguments(holder.as_deref(), locale).1
            }
            Error::Refused(_) => vec![],
            Error::Protocol(error) => vec![("detail", error.to_string())],
            Error::InvalidSchoolCode(value) => vec![("value", shown(value))],
            Error::EmptySchoolName => vec![],
            Error::SchoolNameTooLong { len, max } => vec![("len", shown(len)), ("max", shown(max))],
            Error::UnknownSchoolType(code) => vec![("code", shown(code))],
            Error::SchoolTypeOutOfScope { code, name, reason } => vec![
                ("code", shown(code)),
                ("name", shown(name)),
                ("reason", shown(reason)),
            ],
            Error::UnknownIndicatorSet { given, valid } => {
                vec![("given", shown(given)), ("valid", shown(valid))]
            }
            Error::UnknownCodeTable(table) => vec![("table", shown(table))],
            Error::ProvincePack { pack, reason } => {
                vec![("pack", shown(pack)), ("reason", shown(reason))]
            }
            Error::InvalidRegionCode(value) => vec![("value", shown(value))],
            Error::EmptyTeacherName => vec![],
            Error::TeacherNameTooLong { name, len, max } => vec![
                ("name", shown(name)),
                ("len", shown(len)),
                ("max", shown(max)),
            ],
            Error::InvalidTeacherName { name, chars } => {
                vec![("name", shown(name)), ("chars", shown(chars))]
            }
            Error::UnknownIdType(given, valid) => {
                vec![("given", shown(given)), ("valid", shown(valid))]
            }
            Error::InvalidIdNumber { id_number, problem } => {
                vec![
                    ("id_number", shown(id_number)),
                    ("problem", problem.message(locale)),
                ]
            }
            Error::DuplicateTeacher {
                id_type_name,
                id_number,
                existing_name,
            } => vec![
                ("id_type_name", shown(id_type_name)),
                ("id_number", shown(id_number)),
                ("existing_name", shown(existing_name)),
            ],
            Error::TeacherNotFound(id_number) => vec![("id_number", shown(id_number))],
            Error::BadAssignment(text) => vec![("text", shown(text))],
            Error::UnknownField {
                group,
                field,
                valid,
            } => vec![
                ("group", shown(group)),
                ("field", shown(field)),
                ("valid", shown(valid)),
            ],
            Error::UnknownGroup { group, valid } => {
                vec![("group", shown(group)), ("valid", shown(valid))]
            }
            Error::InvalidValue {
                field,
                value,
                problem,
            } => vec![
                ("field", shown(field)),
                ("value", shown(value)),
                ("problem", shown(problem)),
            ],
            Error::DerivedField(field) => vec![("field", shown(field))],
            Error::IdentityField(field) => vec![("field", shown(field))],
            Error::MultiRecordGroup(group) => vec![("group", shown(group))],
            Error::SingleRecordGroup(group) => vec![("group", shown(group))],
            Error::EmptyWarningReason => vec![],
            Error::NoSuchWarning { teacher, rule } => {
                vec![("teacher", shown(teacher)), ("rule", shown(rule))]
            }
            Error::ErrorNeedsFixing(problem) => vec![("problem", shown(problem))],
            Error::RecordNotFound(record) => vec![("record", shown(record))],
            Error::StaleRecord { expected, current } => {
                vec![("expected", shown(expected)), ("current", shown(current))]
            }
            Error::RosterUnreadable { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            Error::EmptyRoster(path) => vec![("path", shown(path))],
            Error::RosterIsWebPage(path) => vec![("path", shown(path))],
            Error::NotASpreadsheet(path) => vec![("path", shown(path))],
            Error::MixedEncoding {
                path,
                utf8_line,
                other_line,
            } => vec![
                ("path", shown(path)),
                ("utf8_line", shown(utf8_line)),
                ("other_line", shown(other_line)),
            ],
            Error::UnterminatedQuote { path, line } => {
                vec![("path", shown(path)), ("line", shown(line))]
            }
            Error::RosterTooLarge { path, cells, max } => vec![
                ("path", shown(path)),
                ("cells", shown(cells)),
                ("max", shown(max)),
            ],
            Error::RosterPasswordProtected(path) => vec![("path", shown(path))],
            Error::CorruptRoster { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            Error::UnknownSheet { given, valid } => {
                vec![("given", shown(given)), ("valid", shown(valid))]
            }
            Error::TooManyRows { sheet, rows } => {
                vec![("sheet", shown(sheet)), ("rows", shown(rows))]
            }
            Error::NoHeaderRow { sheet } => vec![("sheet", shown(sheet))],
            Error::NoIdentityColumn { sheet, missing } => {
                vec![("sheet", shown(sheet)), ("missing", shown(missing))]
            }
            Error::BadColumnMapping(text) => vec![("text", shown(text))],
            Error::UnknownColumn(header) => vec![("header", shown(header))],
            Error::UnknownMappingTarget { target } => vec![("target", shown(target))],
            Error::ImportNotFound(id) => vec![("id", shown(id))],
            Error::NothingToUndo => vec![],
            Error::PendingValueNotFound(id) => vec![("id", shown(id))],
            Error::ImportAlreadyUndone { id, at } => vec![("id", shown(id)), ("at", shown(at))],
            Error::UndoBlocked { teachers } => vec![("teachers", shown(teachers))],
            Error::StalePreview { reason } => vec![("detail", reason.message(locale))],
            Error::ImportAlreadyCommitted => vec![],
            Error::ExportGroupRequired { valid } => vec![("valid", shown(valid))],
            Error::ExportGroupNotUsed { format } => vec![("format", shown(format))],
            Error::ExportStyleNotUsed { style } => vec![("style", shown(style))],
            Error::ExportUnwritable { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            Error::ExportFailed(detail) => vec![("detail", shown(detail))],
            Error::InvalidAuditDate(value) => vec![("value", shown(value))],
            Error::StatsUnwritable { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            Error::StatsFailed(detail) => vec![("detail", shown(detail))],
            Error::NoChineseFont => vec![],
            Error::UnusableFont { path, problem } => {
                vec![("path", shown(path)), ("problem", shown(problem))]
            }
            Error::SheetTemplate { template, detail } => {
                vec![
                    ("template", shown(template)),
                    ("detail", detail.message(locale)),
                ]
            }
            Error::NoSheetsToPrint => vec![],
            Error::SheetsUnwritable { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            Error::SheetsFailed(detail) => vec![("detail", shown(detail))],
            Error::InvalidFingerprint(value) => vec![("value", shown(value))],
            Error::FingerprintNotPrinted {
                teacher,
                fingerprint,
                printed,
            } => vec![
                ("teacher", shown(teacher)),
                ("fingerprint", shown(fingerprint)),
                ("printed", shown(printed)),
            ],
            Error::FileExists(path) => vec![("path", shown(path))],
            Error::FileNotFound(path) => vec![("path", shown(path))],
            Error::BackupFailed { folder, detail } => {
                vec![
                    ("folder", shown(folder)),
                    ("detail", detail.message(locale)),
                ]
            }
            Error::BackupUnusable { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            Error::BackupOfAnotherSchool {
                path,
                found,
                expected,
            } => vec![
                ("path", shown(path)),
                ("found", shown(found)),
                ("expected", shown(expected)),
            ],
            Error::NotASchoolFile(path) => vec![("path", shown(path))],
            Error::NewerSchoolFile {
                path,
                found,
                supported,
            } => vec![
                ("path", shown(path)),
                ("found", shown(found)),
                ("supported", shown(supported)),
            ],
            Error::CorruptSchoolFile { path, detail } => {
                vec![("path", shown(path)), ("detail", detail.message(locale))]
            }
            Error::FileKeyNeeded(path) => vec![("path", shown(path))],
            Error::WrongFilePassword(path) => vec![("path", shown(path))],
            Error::AlreadyEncrypted(path) => vec![("path", shown(path))],
            Error::RecoveryCodeMalformed { detail } => vec![("detail", shown(detail))],
            Error::WrongRecoveryCode(path) => vec![("path", shown(path))],
            Error::RecoverySidecarMissing { path, name } => {
                vec![("path", shown(path)), ("name", shown(name))]
            }
            Error::RecoverySidecarDamaged { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            Error::RecoverySidecarOfAnotherFile { sidecar, path } => {
                vec![("sidecar", shown(sidecar)), ("path", shown(path))]
            }
            Error::RecoveryKeysDoNotOpen { sidecar, path } => {
                vec![("sidecar", shown(sidecar)), ("path", shown(path))]
            }
            Error::RecoveryAccountNeeded { names } => vec![("names", shown(names))],
            Error::RecoveryAccountUnknown { name, names } => {
                vec![("name", shown(name)), ("names", shown(names))]
            }
            Error::RecoveryNoAdmin(path) => vec![("path", shown(path))],
            Error::RecoveryNotNeeded(path) => vec![("path", shown(path))],
            Error::NotEncrypted(path) => vec![("path", shown(path))],
            Error::EncryptFailed { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            Error::RekeyFailed { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            Error::BackupKeyMismatch(path) => vec![("path", shown(path))],
            Error::KeychainUnavailable { detail } => vec![("detail", shown(detail))],
            Error::WrongPassword => vec![],
            Error::WrappedKeyDamaged { detail } => vec![("detail", shown(detail))],
            Error::WrappedKeyUnsupported { version, supported } => {
                vec![("version", shown(version)), ("supported", shown(supported))]
            }
            Error::EmptyPassword { min } => vec![("min", shown(min))],
            Error::WeakPassword { len, min } => vec![("len", shown(len)), ("min", shown(min))],
            Error::PasswordHashInvalid { detail } => vec![("detail", shown(detail))],
            Error::SecretsFailed(detail) => vec![("detail", shown(detail))],
            Error::UnknownRole(role) => vec![("role", shown(role))],
            Error::NotSignedIn => vec![],
            Error::NoSchoolOpen => vec![],
            Error::SessionLocked => vec![],
            Error::EmptyUserName => vec![],
            Error::InvalidUserName { name, max } => {
                vec![("name", shown(name)), ("max", shown(max))]
            }
            Error::UserExists(name) => vec![("name", shown(name))],
            Error::UserNotFound(name) => vec![("name", shown(name))],
            Error::SignInFailed {
                left,
                limit,
                minutes,
            } => vec![
                ("left", shown(left)),
                ("limit", shown(limit)),
                ("minutes", shown(minutes)),
            ],
            Error::AccountLocked {
                name,
                limit,
                minutes,
            } => vec![
                ("name", shown(name)),
                ("limit", shown(limit)),
                ("minutes", shown(minutes)),
            ],
            Error::AccountDisabled(name) => vec![("name", shown(name))],
            Error::NoUsersYet => vec![],
            Error::UsersExist => vec![],
            Error::FirstUserMustBeAdmin => vec![],
            Error::WrongCurrentPassword => vec![],
            Error::LastAdmin(name) => vec![("name", shown(name))],
            Error::NotEnrolled => vec![],
            Error::InvalidUpstreamUrl(url) => vec![("url", shown(url))],
            Error::UpstreamUnreachable { upstream, detail } => {
                vec![
                    ("upstream", shown(upstream)),
                    ("detail", detail.message(locale)),
                ]
            }
            Error::SigningKeyMissing { detail } => vec![("detail", detail.message(locale))],
            Error::AdminPasswordNeeded => vec![],
            Error::SigningKeyPasswordWrong => vec![],
            Error::WrongAdminPassword => vec![],
            Error::BatchInFlight { sequence, batch_id } => {
                vec![("sequence", shown(sequence)), ("batch_id", shown(batch_id))]
            }
            Error::BatchFileUnreadable { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            Error::ReceiptFileUnreadable { path, detail } => {
                vec![("path", shown(path)), ("detail", shown(detail))]
            }
            Error::ReceiptOfAnotherBatch { batch_id } => vec![("batch_id", shown(batch_id))],
            Error::NoReceiptYet { sequence, batch_id } => {
                vec![("sequence", shown(sequence)), ("batch_id", shown(batch_id))]
            }
            Error::BatchNotFound(id) => vec![("id", shown(id))],
            Error::SyncWorkerFailed(detail) => vec![("detail", shown(detail))],
            Error::UpstreamHistoryMismatch { sequence } => vec![("sequence", shown(sequence))],
            Error::InvalidChangeReason { max } => vec![("max", shown(max))],
            Error::NetworkShareOneConnection => vec![],
            Error::DiskFull { folder, needed_mb } => {
                vec![("folder", shown(folder)), ("needed_mb", shown(needed_mb))]
            }
            Error::Io { path, source } => {
                vec![("path", shown(path)), ("detail", source.to_string())]
            }
            Error::Database(detail) => vec![("detail", detail.to_string())],
            Error::Json(detail) => vec![("detail", detail.to_string())],
            Error::Catalog { file, detail } => {
                vec![("file", shown(file)), ("detail", shown(detail))]
            }
            Error::Panicked { code, file } => vec![("code", shown(code)), ("file", shown(file))],
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. }
            | Error::Database(_)
            | Error::Json(_)
            | Error::Catalog { .. }
            | Error::ExportFailed(_)
            | Error::StatsFailed(_)
            | Error::SheetsFailed(_)
            | Error::SecretsFailed(_)
            | Error::Protocol(_)
            | Error::SyncWorkerFailed(_)
            | Error::Panicked { .. } => ErrorKind::Internal,
            Error::Refused(refusal)
                if matches!(
                    refusal.code,
                    crate::protocol::RefusalCode::ServerError
                        | crate::protocol::RefusalCode::MalformedResponse
                        | crate::protocol::RefusalCode::Unknown
                ) =>
            {
                ErrorKind::Internal
            }
            _ => ErrorKind::User,
        }
    }

    /// A stable, machine-readable name for the failure (for the UI and scripts).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidSchoolCode(_) => "school.code_invalid",
            Error::InvalidAuditDate(_) => "audit.date_invalid",
            Error::EmptySchoolName => "school.name_empty",
            Error::SchoolNameTooLong { .. } => "school.name_too_long",
            Error::UnknownSchoolType(_) => "school.type_unknown",
            Error::SchoolTypeOutOfScope { .. } => "school.type_out_of_scope",
            Error::InvalidRegionCode(_) => "school.region_invalid",
            Error::UnknownIndicatorSet { .. } => "catalog.set_unknown",
            Error::UnknownCodeTable(_) => "catalog.code_table_unknown",
            Error::ProvincePack { .. } => "catalog.province_pack_refused",
            Error::EmptyTeacherName => "teacher.name_empty",
            Error::TeacherNameTooLong { .. } => "teacher.name_too_long",
            Error::InvalidTeacherName { .. } => "teacher.name_invalid",
            Error::UnknownIdType(..) => "teacher.id_type_unknown",
            Error::InvalidIdNumber { .. } => "teacher.id_number_invalid",
            Error::DuplicateTeacher { .. } => "teacher.duplicate",
            Error::TeacherNotFound(_) => "teacher.not_found",
            Error::RecordNotFound(_) => "record.not_found",
            Error::EmptyWarningReason => "warning.reason_empty",
            Error::NoSuchWarning { .. } => "warning.not_found",
            Error::ErrorNeedsFixing(_) => "warning.is_error",
            Error::BadAssignment(_) => "entry.bad_assignment",
            Error::UnknownField { .. } => "entry.unknown_field",
            Error::UnknownGroup { .. } => "entry.unknown_group",
            Error::InvalidValue { .. } => "entry.invalid_value",
            Error::DerivedField(_) => "entry.derived_field",
            Error::IdentityField(_) => "entry.identity_field",
            Error::MultiRecordGroup(_) => "entry.multi_record_group",
            Error::SingleRecordGroup(_) => "entry.single_record_group",
            Error::StaleRecord { .. } => "record.stale",
            Error::RosterUnreadable { .. } => "import.unreadable",
            Error::EmptyRoster(_) => "import.empty_file",
            Error::RosterIsWebPage(_) => "import.web_page",
            Error::NotASpreadsheet(_) => "import.not_spreadsheet",
            Error::RosterPasswordProtected(_) => "import.password_protected",
            Error::MixedEncoding { .. } => "import.mixed_encoding",
            Error::UnterminatedQuote { .. } => "import.unterminated_quote",
            Error::RosterTooLarge { .. } => "import.too_large",
            Error::CorruptRoster { .. } => "import.corrupt",
            Error::UnknownSheet { .. } => "import.sheet_unknown",
            Error::TooManyRows { .. } => "import.too_many_rows",
            Error::NoHeaderRow { .. } => "import.no_header",
            Error::NoIdentityColumn { .. } => "import.no_identity_column",
            Error::BadColumnMapping(_) => "import.bad_mapping",
            Error::UnknownColumn(_) => "import.column_unknown",
            Error::UnknownMappingTarget { .. } => "import.target_unknown",
            Error::ImportNotFound(_) => "import.not_found",
            Error::NothingToUndo => "import.nothing_to_undo",
            Error::PendingValueNotFound(_) => "pending.not_found",
            Error::ImportAlreadyUndone { .. } => "import.already_undone",
            Error::UndoBlocked { .. } => "import.undo_blocked",
            Error::StalePreview { .. } => "import.stale_preview",
            Error::ImportAlreadyCommitted => "import.already_committed",
            Error::ExportGroupRequired { .. } => "export.group_required",
            Error::ExportGroupNotUsed { .. } => "export.group_not_used",
            Error::ExportStyleNotUsed { .. } => "export.style_not_used",
            Error::ExportUnwritable { .. } => "export.unwritable",
            Error::StatsUnwritable { .. } => "stats.unwritable",
            Error::NoChineseFont => "sheets.no_font",
            Error::UnusableFont { .. } => "sheets.font_unusable",
            Error::SheetTemplate { .. } => "sheets.template_invalid",
            Error::NoSheetsToPrint => "sheets.nothing_to_print",
            Error::SheetsUnwritable { .. } => "sheets.unwritable",
            Error::InvalidFingerprint(_) => "signoff.fingerprint_invalid",
            Error::FingerprintNotPrinted { .. } => "signoff.not_printed",
            Error::FileExists(_) => "file.exists",
            Error::BackupFailed { .. } => "backup.failed",
            Error::BackupUnusable { .. } => "backup.unusable",
            Error::BackupOfAnotherSchool { .. } => "backup.other_school",
            Error::FileNotFound(_) => "file.not_found",
            Error::NotASchoolFile(_) => "file.not_school_file",
            Error::NewerSchoolFile { .. } => "file.newer_version",
            Error::CorruptSchoolFile { .. } => "file.corrupt",
            Error::FileKeyNeeded(_) => "file.key_needed",
            Error::WrongFilePassword(_) => "file.wrong_password",
            Error::AlreadyEncrypted(_) => "file.already_encrypted",
            Error::RecoveryCodeMalformed { .. } => "recovery.code_malformed",
            Error::WrongRecoveryCode(_) => "recovery.wrong_code",
            Error::RecoverySidecarMissing { .. } => "recovery.sidecar_missing",
            Error::RecoverySidecarDamaged { .. } => "recovery.sidecar_damaged",
            Error::RecoverySidecarOfAnotherFile { .. } => "recovery.sidecar_of_another_file",
            Error::RecoveryKeysDoNotOpen { .. } => "recovery.keys_do_not_open",
            Error::RecoveryAccountNeeded { .. } => "recovery.account_needed",
            Error::RecoveryAccountUnknown { .. } => "recovery.account_unknown",
            Error::RecoveryNoAdmin(_) => "recovery.no_admin",
            Error::RecoveryNotNeeded(_) => "recovery.not_needed",
            Error::NotEncrypted(_) => "file.not_encrypted",
            Error::EncryptFailed { .. } => "file.encrypt_failed",
            Error::RekeyFailed { .. } => "file.rekey_failed",
            Error::BackupKeyMismatch(_) => "backup.key_mismatch",
            Error::KeychainUnavailable { .. } => "secrets.keychain_unavailable",
            Error::WrongPassword => "secrets.wrong_password",
            Error::WrappedKeyDamaged { .. } => "secrets.wrapped_key_damaged",
            Error::WrappedKeyUnsupported { .. } => "secrets.wrapped_key_unsupported",
            Error::EmptyPassword { .. } => "secrets.password_empty",
            Error::WeakPassword { .. } => "secrets.password_weak",
            Error::PasswordHashInvalid { .. } => "secrets.password_hash_invalid",
            Error::UnknownRole(_) => "account.role_unknown",
            Error::NotPermitted { .. } => "account.not_permitted",
            Error::NotSignedIn => "account.not_signed_in",
            Error::NoSchoolOpen => "app.no_school_open",
            Error::SessionLocked => "account.session_locked",
            Error::EmptyUserName => "account.name_empty",
            Error::InvalidUserName { .. } => "account.name_invalid",
            Error::UserExists(_) => "account.exists",
            Error::UserNotFound(_) => "account.not_found",
            Error::SignInFailed { .. } => "account.sign_in_failed",
            Error::AccountLocked { .. } => "account.locked",
            Error::AccountDisabled(_) => "account.disabled",
            Error::NoUsersYet => "account.none_yet",
            Error::UsersExist => "account.users_exist",
            Error::FirstUserMustBeAdmin => "account.first_must_be_admin",
            Error::LastAdmin(_) => "account.last_admin",
            Error::NotEnrolled => "batches.not_enrolled",
            Error::InvalidUpstreamUrl(_) => "batches.upstream_url_invalid",
            Error::UpstreamUnreachable { .. } => "batches.upstream_unreachable",
            Error::SigningKeyMissing { .. } => "batches.signing_key_missing",
            Error::AdminPasswordNeeded => "batches.admin_password_needed",
            Error::WrongAdminPassword => "batches.admin_password_wrong",
            Error::SigningKeyPasswordWrong => "batches.signing_key_password_wrong",
            Error::BatchInFlight { .. } => "batches.in_flight",
            Error::BatchFileUnreadable { .. } => "batches.file_unreadable",
            Error::ReceiptFileUnreadable { .. } => "batches.receipt_file_unreadable",
            Error::ReceiptOfAnotherBatch { .. } => "batches.receipt_of_another_batch",
            Error::InvalidChangeReason { .. } => "batches.change_reason_invalid",
            Error::NoReceiptYet { .. } => "batches.no_receipt_yet",
            Error::BatchNotFound(_) => "batches.batch_not_found",
            Error::SyncWorkerFailed(_) => "batches.sync_worker_failed",
            Error::Panicked { .. } => "internal.panic",
            Error::UpstreamHistoryMismatch { .. } => "batches.upstream_history_mismatch",
            Error::WrongCurrentPassword => "account.wrong_current_password",
            Error::SchoolFileInUse { .. } => "file.in_use",
            Error::NetworkShareOneConnection => "file.network_share_one_connection",
            Error::DiskFull { .. } => "disk.full",
            Error::Refused(refusal) => refusal.code.error_code(),
            Error::Io { .. } => "internal.io",
            Error::Database(_) => "internal.database",
            Error::Json(_) => "internal.json",
            Error::Catalog { .. } => "internal.catalog",
            Error::ExportFailed(_) => "internal.export",
            Error::StatsFailed(_) => "internal.stats",
            Error::SheetsFailed(_) => "internal.sheets",
            Error::SecretsFailed(_) | Error::Protocol(_) => "internal.secrets",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// A full disk (or quota) under `folder`, where about `wanted` bytes
    /// were to be written: the message says how much more room is needed.
    pub fn disk_full(folder: &Path, wanted: u64) -> Error {
        const MIB: u64 = 1024 * 1024;
        let free = crate::fsio::available_bytes(folder).unwrap_or(0);
        let short = wanted.saturating_sub(free).max(1);
        Error::DiskFull {
            folder: folder.to_owned(),
            needed_mb: short.div_ceil(MIB),
        }
    }

    /// Whether this failure is a full disk: SQLite's SQLITE_FULL, or an I/O
    /// error with ErrorKind::StorageFull (ENOSPC, os error 28).
    pub fn is_disk_full(&self) -> bool {
        match self {
            Error::DiskFull { .. } => true,
            Error::Database(e) => is_sqlite_full(e),
            Error::Io { source, .. } => crate::fsio::is_storage_full(source),
            _ => false,
        }
    }

    /// This failure, or [`Error::DiskFull`] when it is a full disk under
    /// `folder` where about `wanted` bytes were to be written.
    pub fn or_disk_full(self, folder: &Path, wanted: u64) -> Error {
        match self {
            Error::DiskFull { .. } => self,
            other if other.is_disk_full() => Error::disk_full(folder, wanted),
            other => other,
        }
    }
}

/// Whether SQLite failed for a full disk.
pub(crate) fn is_sqlite_full(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

/// An error as the UI receives it: what went wrong, in words and as a code.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub code: String,
    pub kind: ErrorKind,
    pub message: String,
}

impl ErrorPayload {
    /// `error` as the UI receives it, its message in `locale`.
    pub fn new(error: &Error, locale: Locale) -> ErrorPayload {
        ErrorPayload {
            code: error.code().to_owned(),
            kind: error.kind(),
            message: error.message(locale),
        }
    }

    /// A failure of the app's own (not the core's), its message the
    /// catalogs' entry `code` with `args` (`app.task_failed` …).
    pub fn app(
        code: &'static str,
        kind: ErrorKind,
        args: &[(&str, String)],
        locale: Locale,
    ) -> ErrorPayload {
        ErrorPayload {
            code: code.to_owned(),
            kind,
            message: messages::render(locale, code, args),
        }
    }
}
