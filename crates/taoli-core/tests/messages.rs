//! The message catalogs (`crates/taoli-core/messages/`): every error code
//! has a template in both, each template names exactly its error's
//! arguments, the Chinese is what it always was, and the English is English.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use taoli_core::account::Permission;
use taoli_core::error::messages::{self, Locale, placeholders, template};
use taoli_core::error::{
    AccountError, BackupError, BatchError, EntryError, ExportError, FileError, ImportError,
    InternalError, RecoveryError, SchoolError, SecretsError, SheetsError, TeacherError,
};
use taoli_core::error::{Particular, StaleReason, Worded};
use taoli_core::id_number::IdProblem;
use taoli_core::protocol::{Refusal, RefusalCode};
use taoli_core::store::{LockHolder, computer_name};
use taoli_core::{Error, ErrorKind, ErrorPayload, Role};

/// The same text in both languages.
fn worded(text: &str) -> Worded {
    Worded {
        zh: text.to_owned(),
        en: text.to_owned(),
    }
}

/// One value of every variant (and each shape of a lock holder).
fn every_variant() -> Vec<Error> {
    let mut all = vec![
        Error::School(SchoolError::InvalidSchoolCode("x".to_owned())),
        Error::School(SchoolError::EmptySchoolName),
        Error::School(SchoolError::SchoolNameTooLong { len: 1, max: 1 }),
        Error::School(SchoolError::UnknownSchoolType("x".to_owned())),
        Error::School(SchoolError::SchoolTypeOutOfScope {
            code: "x".to_owned(),
            name: "x".to_owned(),
            reason: "x".to_owned(),
        }),
        Error::School(SchoolError::UnknownIndicatorSet {
            given: "x".to_owned(),
            valid: Box::new(worded("x")),
        }),
        Error::School(SchoolError::UnknownCodeTable("x".to_owned())),
        Error::School(SchoolError::ProvincePack {
            pack: "x".to_owned(),
            reason: "x".to_owned(),
        }),
        Error::School(SchoolError::InvalidRegionCode("x".to_owned())),
        Error::Teacher(TeacherError::EmptyTeacherName),
        Error::Teacher(TeacherError::TeacherNameTooLong {
            name: "x".to_owned(),
            len: 1,
            max: 1,
        }),
        Error::Teacher(TeacherError::InvalidTeacherName {
            name: "x".to_owned(),
            chars: Box::new(worded("x")),
        }),
        Error::Teacher(TeacherError::UnknownIdType("x".to_owned(), "x".to_owned())),
        Error::Teacher(TeacherError::InvalidIdNumber {
            id_number: "x".to_owned(),
            problem: IdProblem::Empty,
        }),
        Error::Teacher(TeacherError::DuplicateTeacher {
            id_type_name: "x".to_owned(),
            id_number: "x".to_owned(),
            existing_name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::TeacherNotFound("x".to_owned())),
        Error::Teacher(TeacherError::StatusUnknown("x".to_owned())),
        Error::Teacher(TeacherError::StatusHeading {
            status: Box::new(worded("x")),
        }),
        Error::Teacher(TeacherError::StatusDateInvalid("x".to_owned())),
        Error::Teacher(TeacherError::StatusPending {
            name: "x".to_owned(),
            status: Box::new(worded("x")),
        }),
        Error::Teacher(TeacherError::StatusUnchanged {
            name: "x".to_owned(),
            status: Box::new(worded("x")),
        }),
        Error::Teacher(TeacherError::StatusDateBeforeLatest {
            date: "x".to_owned(),
            latest: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::StatusReasonMissing),
        Error::Teacher(TeacherError::StatusNoteTooLong { len: 1, max: 1 }),
        Error::Teacher(TeacherError::StatusEvidenceMissing {
            status: Box::new(worded("x")),
        }),
        Error::Teacher(TeacherError::StatusEventNotFound("x".to_owned())),
        Error::Teacher(TeacherError::StatusNotPending("x".to_owned())),
        Error::Teacher(TeacherError::StatusNothingPending {
            name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::StatusThroughChange {
            name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::CorrectionReasonMissing),
        Error::Teacher(TeacherError::CorrectionUnchanged {
            name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::CorrectionPending {
            name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::CorrectionNothingOpen {
            name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::RemovalReasonMissing),
        Error::Teacher(TeacherError::MergeReasonMissing),
        Error::Teacher(TeacherError::MergeWithItself {
            name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::MergeAfterReport {
            name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::RemovalAfterReport {
            name: "x".to_owned(),
        }),
        Error::Teacher(TeacherError::GroupLockedByStatus {
            name: "x".to_owned(),
            group: Box::new(worded("x")),
            status: Box::new(worded("x")),
        }),
        Error::Entry(EntryError::BadAssignment("x".to_owned())),
        Error::Entry(EntryError::UnknownField {
            group: Box::new(worded("x")),
            field: "x".to_owned(),
            valid: Box::new(worded("x")),
        }),
        Error::Entry(EntryError::UnknownGroup {
            group: "x".to_owned(),
            valid: Box::new(worded("x")),
        }),
        Error::Entry(EntryError::InvalidValue {
            field: Box::new(worded("x")),
            value: "x".to_owned(),
            problem: "x".to_owned().into(),
        }),
        Error::Entry(EntryError::DerivedField(worded("x"))),
        Error::Entry(EntryError::IdentityField(worded("x"))),
        Error::Entry(EntryError::MultiRecordGroup(worded("x"))),
        Error::Entry(EntryError::SingleRecordGroup(worded("x"))),
        Error::Entry(EntryError::EmptyWarningReason),
        Error::Entry(EntryError::NoSuchWarning {
            teacher: "x".to_owned(),
            rule: "x".to_owned(),
        }),
        Error::Entry(EntryError::ErrorNeedsFixing("x".to_owned())),
        Error::Entry(EntryError::RecordNotFound("x".to_owned())),
        Error::Entry(EntryError::StaleRecord {
            expected: 1,
            current: 1,
        }),
        Error::Import(ImportError::RosterUnreadable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        }),
        Error::Import(ImportError::EmptyRoster(PathBuf::from("a.taoli"))),
        Error::Import(ImportError::RosterIsWebPage(PathBuf::from("a.taoli"))),
        Error::Import(ImportError::NotASpreadsheet(PathBuf::from("a.taoli"))),
        Error::Import(ImportError::MixedEncoding {
            path: PathBuf::from("a.taoli"),
            utf8_line: 1,
            other_line: 1,
        }),
        Error::Import(ImportError::UnterminatedQuote {
            path: PathBuf::from("a.taoli"),
            line: 1,
        }),
        Error::Import(ImportError::RosterTooLarge {
            path: PathBuf::from("a.taoli"),
            cells: 1,
            max: 1,
        }),
        Error::Import(ImportError::RosterPasswordProtected(PathBuf::from(
            "a.taoli",
        ))),
        Error::Import(ImportError::CorruptRoster {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Import(ImportError::UnknownSheet {
            given: "x".to_owned(),
            valid: "x".to_owned(),
        }),
        Error::Import(ImportError::TooManyRows {
            sheet: "x".to_owned(),
            rows: 1,
        }),
        Error::Import(ImportError::NoHeaderRow {
            sheet: "x".to_owned(),
        }),
        Error::Import(ImportError::NoIdentityColumn {
            sheet: "x".to_owned(),
            missing: "x".to_owned(),
        }),
        Error::Import(ImportError::BadColumnMapping("x".to_owned())),
        Error::Import(ImportError::UnknownColumn("x".to_owned())),
        Error::Import(ImportError::UnknownMappingTarget {
            target: "x".to_owned(),
        }),
        Error::Import(ImportError::ImportNotFound("x".to_owned())),
        Error::Import(ImportError::NothingToUndo),
        Error::Entry(EntryError::PendingValueNotFound("x".to_owned())),
        Error::Import(ImportError::ImportAlreadyUndone {
            id: "x".to_owned(),
            at: "x".to_owned(),
        }),
        Error::Import(ImportError::UndoBlocked {
            teachers: Box::new(worded("x")),
        }),
        Error::Import(ImportError::StalePreview {
            reason: StaleReason::RecordChanged,
        }),
        Error::Import(ImportError::ImportAlreadyCommitted),
        Error::Import(ImportError::ImportStopped),
        Error::Export(ExportError::ExportGroupRequired {
            valid: "x".to_owned(),
        }),
        Error::Export(ExportError::ExportGroupNotUsed {
            format: "x".to_owned(),
        }),
        Error::Export(ExportError::ExportStyleNotUsed {
            style: "x".to_owned(),
        }),
        Error::Export(ExportError::ExportUnwritable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Internal(InternalError::ExportFailed("x".to_owned())),
        Error::Export(ExportError::InvalidAuditDate("x".to_owned())),
        Error::Export(ExportError::StatsUnwritable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Internal(InternalError::StatsFailed("x".to_owned())),
        Error::Sheets(SheetsError::NoChineseFont),
        Error::Sheets(SheetsError::UnusableFont {
            path: PathBuf::from("a.taoli"),
            problem: "x".to_owned(),
        }),
        Error::Sheets(SheetsError::SheetTemplate {
            template: "x".to_owned(),
            detail: "x".to_owned().into(),
        }),
        Error::Sheets(SheetsError::NoSheetsToPrint),
        Error::Sheets(SheetsError::SheetsUnwritable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        }),
        Error::Internal(InternalError::SheetsFailed("x".to_owned())),
        Error::Sheets(SheetsError::InvalidFingerprint("x".to_owned())),
        Error::Sheets(SheetsError::FingerprintNotPrinted {
            teacher: "x".to_owned(),
            fingerprint: "x".to_owned(),
            printed: "x".to_owned(),
        }),
        Error::File(FileError::FileExists(PathBuf::from("a.taoli"))),
        Error::File(FileError::FileNotFound(PathBuf::from("a.taoli"))),
        Error::Backup(BackupError::BackupFailed {
            folder: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Backup(BackupError::BackupUnusable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Backup(BackupError::BackupOfAnotherSchool {
            path: PathBuf::from("a.taoli"),
            found: "x".to_owned(),
            expected: "x".to_owned(),
        }),
        Error::File(FileError::NotASchoolFile(PathBuf::from("a.taoli"))),
        Error::File(FileError::NewerSchoolFile {
            path: PathBuf::from("a.taoli"),
            found: 1,
            supported: 1,
        }),
        Error::File(FileError::CorruptSchoolFile {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::File(FileError::FileKeyNeeded(PathBuf::from("a.taoli"))),
        Error::File(FileError::WrongFilePassword(PathBuf::from("a.taoli"))),
        Error::File(FileError::AlreadyEncrypted(PathBuf::from("a.taoli"))),
        Error::Recovery(RecoveryError::RecoveryCodeMalformed {
            detail: "x".to_owned().into(),
        }),
        Error::Recovery(RecoveryError::WrongRecoveryCode(PathBuf::from("a.taoli"))),
        Error::Recovery(RecoveryError::RecoverySidecarMissing {
            path: PathBuf::from("a.taoli"),
            name: "x".to_owned(),
        }),
        Error::Recovery(RecoveryError::RecoverySidecarDamaged {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Recovery(RecoveryError::RecoverySidecarOfAnotherFile {
            sidecar: PathBuf::from("a.taoli"),
            path: PathBuf::from("a.taoli"),
        }),
        Error::Recovery(RecoveryError::RecoveryKeysDoNotOpen {
            sidecar: PathBuf::from("a.taoli"),
            path: PathBuf::from("a.taoli"),
        }),
        Error::Recovery(RecoveryError::RecoveryAccountNeeded { names: worded("x") }),
        Error::Recovery(RecoveryError::RecoveryAccountUnknown {
            name: "x".to_owned(),
            names: worded("x"),
        }),
        Error::Recovery(RecoveryError::RecoveryNoAdmin(PathBuf::from("a.taoli"))),
        Error::Recovery(RecoveryError::RecoveryNotNeeded(PathBuf::from("a.taoli"))),
        Error::File(FileError::NotEncrypted(PathBuf::from("a.taoli"))),
        Error::File(FileError::EncryptFailed {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::File(FileError::RekeyFailed {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Backup(BackupError::BackupKeyMismatch(PathBuf::from("a.taoli"))),
        Error::Secrets(SecretsError::KeychainUnavailable {
            detail: "x".to_owned().into(),
        }),
        Error::Secrets(SecretsError::WrongPassword),
        Error::Secrets(SecretsError::WrappedKeyDamaged {
            detail: "x".to_owned().into(),
        }),
        Error::Secrets(SecretsError::WrappedKeyUnsupported {
            version: 1,
            supported: 1,
        }),
        Error::Secrets(SecretsError::EmptyPassword { min: 1 }),
        Error::Secrets(SecretsError::WeakPassword { len: 1, min: 1 }),
        Error::Secrets(SecretsError::PasswordHashInvalid {
            detail: "x".to_owned().into(),
        }),
        Error::Internal(InternalError::SecretsFailed("x".to_owned())),
        Error::Account(AccountError::UnknownRole("x".to_owned())),
        Error::Account(AccountError::NotPermitted {
            role: Role::InfoViewer,
            permission: Permission::UsersManage,
        }),
        Error::Account(AccountError::NotSignedIn),
        Error::File(FileError::NoSchoolOpen),
        Error::Account(AccountError::SessionLocked),
        Error::Account(AccountError::EmptyUserName),
        Error::Account(AccountError::InvalidUserName {
            name: "x".to_owned(),
            max: 1,
        }),
        Error::Account(AccountError::UserExists("x".to_owned())),
        Error::Account(AccountError::UserNotFound("x".to_owned())),
        Error::Account(AccountError::SignInFailed {
            left: 1,
            limit: 1,
            minutes: 1,
        }),
        Error::Account(AccountError::AccountLocked {
            name: "x".to_owned(),
            limit: 1,
            minutes: 1,
        }),
        Error::Account(AccountError::AccountDisabled("x".to_owned())),
        Error::Account(AccountError::NoUsersYet),
        Error::Account(AccountError::UsersExist),
        Error::Account(AccountError::FirstUserMustBeAdmin),
        Error::Account(AccountError::WrongCurrentPassword),
        Error::Account(AccountError::LastAdmin("x".to_owned())),
        Error::Batch(BatchError::NotEnrolled),
        Error::Batch(BatchError::InvalidUpstreamUrl("x".to_owned())),
        Error::Batch(BatchError::UpstreamUnreachable {
            upstream: "x".to_owned(),
            detail: "x".to_owned().into(),
        }),
        Error::Batch(BatchError::SigningKeyMissing {
            detail: "x".to_owned().into(),
        }),
        Error::Batch(BatchError::AdminPasswordNeeded),
        Error::Batch(BatchError::SigningKeyPasswordWrong),
        Error::Batch(BatchError::WrongAdminPassword),
        Error::Batch(BatchError::BatchInFlight {
            sequence: 1,
            batch_id: "x".to_owned(),
        }),
        Error::Batch(BatchError::BatchFileUnreadable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Batch(BatchError::ReceiptFileUnreadable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        }),
        Error::Batch(BatchError::ReceiptOfAnotherBatch {
            batch_id: "x".to_owned(),
        }),
        Error::Batch(BatchError::NoReceiptYet {
            sequence: 1,
            batch_id: "x".to_owned(),
        }),
        Error::Batch(BatchError::BatchNotFound("x".to_owned())),
        Error::Batch(BatchError::SyncWorkerFailed("x".to_owned())),
        Error::Batch(BatchError::UpstreamHistoryMismatch { sequence: 1 }),
        Error::Batch(BatchError::InvalidChangeReason { max: 1 }),
        Error::Batch(BatchError::AwaitingReview { sequence: 3 }),
        Error::Batch(BatchError::NothingAwaitingReview),
        Error::Batch(BatchError::InvalidReturnNote { max: 500 }),
        Error::Batch(BatchError::PlainHttpRefused {
            upstream: "http://jsgl.example.gov.cn".to_owned(),
        }),
        Error::Batch(BatchError::UpstreamBusy {
            upstream: "https://jsgl.example.gov.cn".to_owned(),
            minutes: 3,
        }),
        Error::Refused(Refusal::new(RefusalCode::KeyRevoked)),
        Error::Protocol(taoli_core::protocol::Error::Random("x".to_owned())),
        Error::File(FileError::SchoolFileInUse {
            path: PathBuf::from("a.taoli"),
            holder: None,
        }),
        Error::File(FileError::NetworkShareOneConnection),
        Error::File(FileError::DiskFull {
            folder: PathBuf::from("a.taoli"),
            needed_mb: 1,
        }),
        Error::Io {
            path: PathBuf::from("a.taoli"),
            source: std::io::Error::other("x"),
        },
        Error::Database(rusqlite::Error::QueryReturnedNoRows),
        Error::Json(serde_json::from_str::<u8>("x").unwrap_err()),
        Error::Internal(InternalError::Catalog {
            file: "f",
            detail: "x".to_owned(),
        }),
        Error::Internal(InternalError::Panicked {
            code: "x".to_owned(),
            file: "x".to_owned(),
        }),
    ];
    for computer in [computer_name(), "OFFICE-PC".to_owned()] {
        for account in [Some("Wang".to_owned()), None] {
            for os_user in ["clerk", ""] {
                all.push(Error::File(FileError::SchoolFileInUse {
                    path: PathBuf::from("a.taoli"),
                    holder: Some(Box::new(LockHolder {
                        computer: computer.clone(),
                        os_user: os_user.to_owned(),
                        account: account.clone(),
                        pid: 7,
                        since: "not a time".to_owned(),
                    })),
                }));
            }
        }
    }
    all
}

/// The variant's name. No wildcard: a new variant of `Error` or of any
/// domain's enum does not compile here until it is named, and then
/// `every_variant_has_a_sample` wants a value.
fn variant(error: &Error) -> &'static str {
    match error {
        Error::School(SchoolError::InvalidSchoolCode { .. }) => "InvalidSchoolCode",
        Error::School(SchoolError::EmptySchoolName) => "EmptySchoolName",
        Error::School(SchoolError::SchoolNameTooLong { .. }) => "SchoolNameTooLong",
        Error::School(SchoolError::UnknownSchoolType { .. }) => "UnknownSchoolType",
        Error::School(SchoolError::SchoolTypeOutOfScope { .. }) => "SchoolTypeOutOfScope",
        Error::School(SchoolError::UnknownIndicatorSet { .. }) => "UnknownIndicatorSet",
        Error::School(SchoolError::UnknownCodeTable { .. }) => "UnknownCodeTable",
        Error::School(SchoolError::ProvincePack { .. }) => "ProvincePack",
        Error::School(SchoolError::InvalidRegionCode { .. }) => "InvalidRegionCode",
        Error::Teacher(TeacherError::EmptyTeacherName) => "EmptyTeacherName",
        Error::Teacher(TeacherError::TeacherNameTooLong { .. }) => "TeacherNameTooLong",
        Error::Teacher(TeacherError::InvalidTeacherName { .. }) => "InvalidTeacherName",
        Error::Teacher(TeacherError::UnknownIdType { .. }) => "UnknownIdType",
        Error::Teacher(TeacherError::InvalidIdNumber { .. }) => "InvalidIdNumber",
        Error::Teacher(TeacherError::DuplicateTeacher { .. }) => "DuplicateTeacher",
        Error::Teacher(TeacherError::TeacherNotFound { .. }) => "TeacherNotFound",
        Error::Teacher(TeacherError::StatusUnknown { .. }) => "StatusUnknown",
        Error::Teacher(TeacherError::StatusHeading { .. }) => "StatusHeading",
        Error::Teacher(TeacherError::StatusDateInvalid { .. }) => "StatusDateInvalid",
        Error::Teacher(TeacherError::StatusPending { .. }) => "StatusPending",
        Error::Teacher(TeacherError::StatusUnchanged { .. }) => "StatusUnchanged",
        Error::Teacher(TeacherError::StatusDateBeforeLatest { .. }) => "StatusDateBeforeLatest",
        Error::Teacher(TeacherError::StatusReasonMissing) => "StatusReasonMissing",
        Error::Teacher(TeacherError::StatusNoteTooLong { .. }) => "StatusNoteTooLong",
        Error::Teacher(TeacherError::StatusEvidenceMissing { .. }) => "StatusEvidenceMissing",
        Error::Teacher(TeacherError::StatusEventNotFound { .. }) => "StatusEventNotFound",
        Error::Teacher(TeacherError::StatusNotPending { .. }) => "StatusNotPending",
        Error::Teacher(TeacherError::StatusNothingPending { .. }) => "StatusNothingPending",
        Error::Teacher(TeacherError::StatusThroughChange { .. }) => "StatusThroughChange",
        Error::Teacher(TeacherError::GroupLockedByStatus { .. }) => "GroupLockedByStatus",
        Error::Teacher(TeacherError::CorrectionReasonMissing) => "CorrectionReasonMissing",
        Error::Teacher(TeacherError::CorrectionUnchanged { .. }) => "CorrectionUnchanged",
        Error::Teacher(TeacherError::CorrectionPending { .. }) => "CorrectionPending",
        Error::Teacher(TeacherError::CorrectionNothingOpen { .. }) => "CorrectionNothingOpen",
        Error::Teacher(TeacherError::RemovalReasonMissing) => "RemovalReasonMissing",
        Error::Teacher(TeacherError::MergeReasonMissing) => "MergeReasonMissing",
        Error::Teacher(TeacherError::MergeWithItself { .. }) => "MergeWithItself",
        Error::Teacher(TeacherError::MergeAfterReport { .. }) => "MergeAfterReport",
        Error::Teacher(TeacherError::RemovalAfterReport { .. }) => "RemovalAfterReport",
        Error::Entry(EntryError::BadAssignment { .. }) => "BadAssignment",
        Error::Entry(EntryError::UnknownField { .. }) => "UnknownField",
        Error::Entry(EntryError::UnknownGroup { .. }) => "UnknownGroup",
        Error::Entry(EntryError::InvalidValue { .. }) => "InvalidValue",
        Error::Entry(EntryError::DerivedField { .. }) => "DerivedField",
        Error::Entry(EntryError::IdentityField { .. }) => "IdentityField",
        Error::Entry(EntryError::MultiRecordGroup { .. }) => "MultiRecordGroup",
        Error::Entry(EntryError::SingleRecordGroup { .. }) => "SingleRecordGroup",
        Error::Entry(EntryError::EmptyWarningReason) => "EmptyWarningReason",
        Error::Entry(EntryError::NoSuchWarning { .. }) => "NoSuchWarning",
        Error::Entry(EntryError::ErrorNeedsFixing { .. }) => "ErrorNeedsFixing",
        Error::Entry(EntryError::RecordNotFound { .. }) => "RecordNotFound",
        Error::Entry(EntryError::StaleRecord { .. }) => "StaleRecord",
        Error::Import(ImportError::RosterUnreadable { .. }) => "RosterUnreadable",
        Error::Import(ImportError::EmptyRoster { .. }) => "EmptyRoster",
        Error::Import(ImportError::RosterIsWebPage { .. }) => "RosterIsWebPage",
        Error::Import(ImportError::NotASpreadsheet { .. }) => "NotASpreadsheet",
        Error::Import(ImportError::MixedEncoding { .. }) => "MixedEncoding",
        Error::Import(ImportError::UnterminatedQuote { .. }) => "UnterminatedQuote",
        Error::Import(ImportError::RosterTooLarge { .. }) => "RosterTooLarge",
        Error::Import(ImportError::RosterPasswordProtected { .. }) => "RosterPasswordProtected",
        Error::Import(ImportError::CorruptRoster { .. }) => "CorruptRoster",
        Error::Import(ImportError::UnknownSheet { .. }) => "UnknownSheet",
        Error::Import(ImportError::TooManyRows { .. }) => "TooManyRows",
        Error::Import(ImportError::NoHeaderRow { .. }) => "NoHeaderRow",
        Error::Import(ImportError::NoIdentityColumn { .. }) => "NoIdentityColumn",
        Error::Import(ImportError::BadColumnMapping { .. }) => "BadColumnMapping",
        Error::Import(ImportError::UnknownColumn { .. }) => "UnknownColumn",
        Error::Import(ImportError::UnknownMappingTarget { .. }) => "UnknownMappingTarget",
        Error::Import(ImportError::ImportNotFound { .. }) => "ImportNotFound",
        Error::Import(ImportError::NothingToUndo) => "NothingToUndo",
        Error::Entry(EntryError::PendingValueNotFound { .. }) => "PendingValueNotFound",
        Error::Import(ImportError::ImportAlreadyUndone { .. }) => "ImportAlreadyUndone",
        Error::Import(ImportError::UndoBlocked { .. }) => "UndoBlocked",
        Error::Import(ImportError::StalePreview { .. }) => "StalePreview",
        Error::Import(ImportError::ImportAlreadyCommitted) => "ImportAlreadyCommitted",
        Error::Import(ImportError::ImportStopped) => "ImportStopped",
        Error::Export(ExportError::ExportGroupRequired { .. }) => "ExportGroupRequired",
        Error::Export(ExportError::ExportGroupNotUsed { .. }) => "ExportGroupNotUsed",
        Error::Export(ExportError::ExportStyleNotUsed { .. }) => "ExportStyleNotUsed",
        Error::Export(ExportError::ExportUnwritable { .. }) => "ExportUnwritable",
        Error::Internal(InternalError::ExportFailed { .. }) => "ExportFailed",
        Error::Export(ExportError::InvalidAuditDate { .. }) => "InvalidAuditDate",
        Error::Export(ExportError::StatsUnwritable { .. }) => "StatsUnwritable",
        Error::Internal(InternalError::StatsFailed { .. }) => "StatsFailed",
        Error::Sheets(SheetsError::NoChineseFont) => "NoChineseFont",
        Error::Sheets(SheetsError::UnusableFont { .. }) => "UnusableFont",
        Error::Sheets(SheetsError::SheetTemplate { .. }) => "SheetTemplate",
        Error::Sheets(SheetsError::NoSheetsToPrint) => "NoSheetsToPrint",
        Error::Sheets(SheetsError::SheetsUnwritable { .. }) => "SheetsUnwritable",
        Error::Internal(InternalError::SheetsFailed { .. }) => "SheetsFailed",
        Error::Sheets(SheetsError::InvalidFingerprint { .. }) => "InvalidFingerprint",
        Error::Sheets(SheetsError::FingerprintNotPrinted { .. }) => "FingerprintNotPrinted",
        Error::File(FileError::FileExists { .. }) => "FileExists",
        Error::File(FileError::FileNotFound { .. }) => "FileNotFound",
        Error::Backup(BackupError::BackupFailed { .. }) => "BackupFailed",
        Error::Backup(BackupError::BackupUnusable { .. }) => "BackupUnusable",
        Error::Backup(BackupError::BackupOfAnotherSchool { .. }) => "BackupOfAnotherSchool",
        Error::File(FileError::NotASchoolFile { .. }) => "NotASchoolFile",
        Error::File(FileError::NewerSchoolFile { .. }) => "NewerSchoolFile",
        Error::File(FileError::CorruptSchoolFile { .. }) => "CorruptSchoolFile",
        Error::File(FileError::FileKeyNeeded { .. }) => "FileKeyNeeded",
        Error::File(FileError::WrongFilePassword { .. }) => "WrongFilePassword",
        Error::File(FileError::AlreadyEncrypted { .. }) => "AlreadyEncrypted",
        Error::Recovery(RecoveryError::RecoveryCodeMalformed { .. }) => "RecoveryCodeMalformed",
        Error::Recovery(RecoveryError::WrongRecoveryCode { .. }) => "WrongRecoveryCode",
        Error::Recovery(RecoveryError::RecoverySidecarMissing { .. }) => "RecoverySidecarMissing",
        Error::Recovery(RecoveryError::RecoverySidecarDamaged { .. }) => "RecoverySidecarDamaged",
        Error::Recovery(RecoveryError::RecoverySidecarOfAnotherFile { .. }) => {
            "RecoverySidecarOfAnotherFile"
        }
        Error::Recovery(RecoveryError::RecoveryKeysDoNotOpen { .. }) => "RecoveryKeysDoNotOpen",
        Error::Recovery(RecoveryError::RecoveryAccountNeeded { .. }) => "RecoveryAccountNeeded",
        Error::Recovery(RecoveryError::RecoveryAccountUnknown { .. }) => "RecoveryAccountUnknown",
        Error::Recovery(RecoveryError::RecoveryNoAdmin { .. }) => "RecoveryNoAdmin",
        Error::Recovery(RecoveryError::RecoveryNotNeeded { .. }) => "RecoveryNotNeeded",
        Error::File(FileError::NotEncrypted { .. }) => "NotEncrypted",
        Error::File(FileError::EncryptFailed { .. }) => "EncryptFailed",
        Error::File(FileError::RekeyFailed { .. }) => "RekeyFailed",
        Error::Backup(BackupError::BackupKeyMismatch { .. }) => "BackupKeyMismatch",
        Error::Secrets(SecretsError::KeychainUnavailable { .. }) => "KeychainUnavailable",
        Error::Secrets(SecretsError::WrongPassword) => "WrongPassword",
        Error::Secrets(SecretsError::WrappedKeyDamaged { .. }) => "WrappedKeyDamaged",
        Error::Secrets(SecretsError::WrappedKeyUnsupported { .. }) => "WrappedKeyUnsupported",
        Error::Secrets(SecretsError::EmptyPassword { .. }) => "EmptyPassword",
        Error::Secrets(SecretsError::WeakPassword { .. }) => "WeakPassword",
        Error::Secrets(SecretsError::PasswordHashInvalid { .. }) => "PasswordHashInvalid",
        Error::Internal(InternalError::SecretsFailed { .. }) => "SecretsFailed",
        Error::Account(AccountError::UnknownRole { .. }) => "UnknownRole",
        Error::Account(AccountError::NotPermitted { .. }) => "NotPermitted",
        Error::Account(AccountError::NotSignedIn) => "NotSignedIn",
        Error::File(FileError::NoSchoolOpen) => "NoSchoolOpen",
        Error::Account(AccountError::SessionLocked) => "SessionLocked",
        Error::Account(AccountError::EmptyUserName) => "EmptyUserName",
        Error::Account(AccountError::InvalidUserName { .. }) => "InvalidUserName",
        Error::Account(AccountError::UserExists { .. }) => "UserExists",
        Error::Account(AccountError::UserNotFound { .. }) => "UserNotFound",
        Error::Account(AccountError::SignInFailed { .. }) => "SignInFailed",
        Error::Account(AccountError::AccountLocked { .. }) => "AccountLocked",
        Error::Account(AccountError::AccountDisabled { .. }) => "AccountDisabled",
        Error::Account(AccountError::NoUsersYet) => "NoUsersYet",
        Error::Account(AccountError::UsersExist) => "UsersExist",
        Error::Account(AccountError::FirstUserMustBeAdmin) => "FirstUserMustBeAdmin",
        Error::Account(AccountError::WrongCurrentPassword) => "WrongCurrentPassword",
        Error::Account(AccountError::LastAdmin { .. }) => "LastAdmin",
        Error::Batch(BatchError::NotEnrolled) => "NotEnrolled",
        Error::Batch(BatchError::InvalidUpstreamUrl { .. }) => "InvalidUpstreamUrl",
        Error::Batch(BatchError::UpstreamUnreachable { .. }) => "UpstreamUnreachable",
        Error::Batch(BatchError::SigningKeyMissing { .. }) => "SigningKeyMissing",
        Error::Batch(BatchError::AdminPasswordNeeded) => "AdminPasswordNeeded",
        Error::Batch(BatchError::SigningKeyPasswordWrong) => "SigningKeyPasswordWrong",
        Error::Batch(BatchError::WrongAdminPassword) => "WrongAdminPassword",
        Error::Batch(BatchError::BatchInFlight { .. }) => "BatchInFlight",
        Error::Batch(BatchError::BatchFileUnreadable { .. }) => "BatchFileUnreadable",
        Error::Batch(BatchError::ReceiptFileUnreadable { .. }) => "ReceiptFileUnreadable",
        Error::Batch(BatchError::ReceiptOfAnotherBatch { .. }) => "ReceiptOfAnotherBatch",
        Error::Batch(BatchError::NoReceiptYet { .. }) => "NoReceiptYet",
        Error::Batch(BatchError::BatchNotFound { .. }) => "BatchNotFound",
        Error::Batch(BatchError::SyncWorkerFailed { .. }) => "SyncWorkerFailed",
        Error::Batch(BatchError::UpstreamHistoryMismatch { .. }) => "UpstreamHistoryMismatch",
        Error::Batch(BatchError::InvalidChangeReason { .. }) => "InvalidChangeReason",
        Error::Batch(BatchError::AwaitingReview { .. }) => "AwaitingReview",
        Error::Batch(BatchError::NothingAwaitingReview) => "NothingAwaitingReview",
        Error::Batch(BatchError::InvalidReturnNote { .. }) => "InvalidReturnNote",
        Error::Batch(BatchError::PlainHttpRefused { .. }) => "PlainHttpRefused",
        Error::Batch(BatchError::UpstreamBusy { .. }) => "UpstreamBusy",
        Error::Refused { .. } => "Refused",
        Error::Protocol { .. } => "Protocol",
        Error::File(FileError::SchoolFileInUse { .. }) => "SchoolFileInUse",
        Error::File(FileError::NetworkShareOneConnection) => "NetworkShareOneConnection",
        Error::File(FileError::DiskFull { .. }) => "DiskFull",
        Error::Io { .. } => "Io",
        Error::Database { .. } => "Database",
        Error::Json { .. } => "Json",
        Error::Internal(InternalError::Catalog { .. }) => "Catalog",
        Error::Internal(InternalError::Panicked { .. }) => "Panicked",
    }
}

/// The keys of the app's own messages (src-tauri/src/state.rs).
const APP_KEYS: [&str; 3] = [
    "app.no_import_pending",
    "app.task_failed",
    "app.cannot_open",
];

/// Chinese an English message may keep: values a clerk types or reads as
/// they are (an indicator set, a sheet's footer word, column names, the
/// role names beside their English ones).
const ALLOWED_CHINESE: [&str; 12] = [
    "中小学",
    "民族=汉族",
    "来校时间=进本校年月",
    "基本信息",
    "姓名",
    "身份证件号",
    "指纹",
    "系统管理员",
    "信息管理员",
    "信息查询员",
    // After the longer terms that hold them.
    "学习经历.毕业年月",
    "进本校年月",
];

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

fn names(args: &[(&str, String)]) -> BTreeSet<String> {
    args.iter().map(|(n, _)| (*n).to_owned()).collect()
}

#[test]
fn the_shipped_catalogs_parse() {
    for locale in Locale::ALL {
        assert!(
            messages::catalog(locale).is_ok(),
            "{locale:?}: {:?}",
            messages::catalog(locale).err()
        );
    }
}

#[test]
fn every_variant_has_a_sample() {
    let sampled: BTreeSet<&str> = every_variant().iter().map(variant).collect();
    assert_eq!(sampled.len(), 173, "{sampled:?}");
}

/// What a domain's enum says of itself.
struct Said {
    domain: &'static str,
    code: &'static str,
    kind: ErrorKind,
    chinese: String,
    english: String,
}

/// What the domain's enum inside `error` says of itself, or None for a
/// foreign error `Error` carries itself.
fn domain(error: &Error) -> Option<Said> {
    macro_rules! said {
        ($domain:literal, $e:expr) => {
            Some(Said {
                domain: $domain,
                code: $e.code(),
                kind: $e.kind(),
                chinese: $e.to_string(),
                english: $e.message(Locale::En),
            })
        };
    }
    match error {
        Error::School(e) => said!("School", e),
        Error::Teacher(e) => said!("Teacher", e),
        Error::Entry(e) => said!("Entry", e),
        Error::Import(e) => said!("Import", e),
        Error::Export(e) => said!("Export", e),
        Error::Sheets(e) => said!("Sheets", e),
        Error::File(e) => said!("File", e),
        Error::Backup(e) => said!("Backup", e),
        Error::Recovery(e) => said!("Recovery", e),
        Error::Secrets(e) => said!("Secrets", e),
        Error::Account(e) => said!("Account", e),
        Error::Batch(e) => said!("Batch", e),
        Error::Internal(e) => said!("Internal", e),
        Error::Refused(_)
        | Error::Protocol(_)
        | Error::Io { .. }
        | Error::Database(_)
        | Error::Json(_) => None,
    }
}

/// The code prefixes each domain's enum holds.
fn prefixes(domain: &str) -> &'static [&'static str] {
    match domain {
        "School" => &["school.", "catalog."],
        "Teacher" => &["teacher."],
        "Entry" => &["entry.", "record.", "warning.", "pending."],
        "Import" => &["import."],
        "Export" => &["export.", "stats.", "audit."],
        "Sheets" => &["sheets.", "signoff."],
        "File" => &["file.", "disk.", "app."],
        "Backup" => &["backup."],
        "Recovery" => &["recovery."],
        "Secrets" => &["secrets."],
        "Account" => &["account."],
        "Batch" => &["batches."],
        "Internal" => &["internal."],
        other => panic!("no domain {other}"),
    }
}

#[test]
fn a_domain_s_error_says_what_the_crate_error_says() {
    let mut domains = BTreeSet::new();
    for error in every_variant() {
        let Some(said) = domain(&error) else {
            continue;
        };
        let code = said.code;
        domains.insert(said.domain);
        assert_eq!(code, error.code(), "{}", variant(&error));
        assert_eq!(said.kind, error.kind(), "{code}");
        assert_eq!(said.chinese, error.to_string(), "{code}");
        assert_eq!(said.chinese, error.message(Locale::ZhCn), "{code}");
        assert_eq!(said.english, error.message(Locale::En), "{code}");
    }
    assert_eq!(domains.len(), 13, "{domains:?}");
}

#[test]
fn each_domain_holds_the_codes_of_its_prefixes() {
    for error in every_variant() {
        let code = error.code();
        match domain(&error) {
            Some(said) => assert!(
                prefixes(said.domain).iter().any(|p| code.starts_with(p)),
                "{}: {code}",
                said.domain
            ),
            None => assert!(
                code.starts_with("internal.") || code.starts_with("protocol."),
                "{code}"
            ),
        }
    }
}

#[test]
fn a_domain_s_error_becomes_the_crate_error_with_question_mark() {
    fn undo() -> Result<(), Error> {
        Err(ImportError::NothingToUndo)?;
        Ok(())
    }
    let error = undo().unwrap_err();
    assert!(matches!(error, Error::Import(ImportError::NothingToUndo)));
    assert_eq!(error.code(), "import.nothing_to_undo");
}

#[test]
fn every_code_has_a_template_in_both_catalogs() {
    for error in every_variant() {
        if matches!(error, Error::Refused(_)) {
            continue; // the protocol crate's own messages, per refusal code
        }
        for locale in Locale::ALL {
            assert!(
                template(locale, error.message_key()).is_some(),
                "{} has no {locale:?} template",
                error.message_key()
            );
        }
    }
    for key in APP_KEYS {
        for locale in Locale::ALL {
            assert!(template(locale, key).is_some(), "{key} {locale:?}");
        }
    }
}

#[test]
fn both_catalogs_have_the_same_keys() {
    let zh: BTreeSet<&String> = messages::catalog(Locale::ZhCn).unwrap().keys().collect();
    let en: BTreeSet<&String> = messages::catalog(Locale::En).unwrap().keys().collect();
    assert_eq!(zh, en);
}

#[test]
fn each_template_names_exactly_its_variant_s_arguments() {
    for error in every_variant() {
        if matches!(error, Error::Refused(_)) {
            continue;
        }
        for locale in Locale::ALL {
            let wanted = names(&error.arguments(locale));
            let template = template(locale, error.message_key()).unwrap();
            let used: BTreeSet<String> = placeholders(template)
                .into_iter()
                .map(str::to_owned)
                .collect();
            assert_eq!(
                used,
                wanted,
                "{} ({locale:?}): {template}",
                error.message_key()
            );
        }
    }
}

#[test]
fn the_two_catalogs_use_the_same_placeholders_for_every_key() {
    let zh = messages::catalog(Locale::ZhCn).unwrap();
    for (key, chinese) in zh {
        let english = template(Locale::En, key).unwrap_or_default();
        assert_eq!(placeholders(chinese), placeholders(english), "{key}");
    }
}

#[test]
fn chinese_rendering_is_the_text_it_always_was() {
    let cases = [
        (
            Error::School(SchoolError::InvalidSchoolCode("123".to_owned())),
            "学校标识码应为 10 位数字，实为「123」。请核对学校标识码后重新输入。",
        ),
        (
            Error::School(SchoolError::SchoolNameTooLong { len: 70, max: 60 }),
            "学校名称最多 60 个字，实为 70 个字。请填写学校的规范全称。",
        ),
        (
            Error::Teacher(TeacherError::UnknownIdType(
                "Z".to_owned(),
                "1 居民身份证".to_owned(),
            )),
            "身份证件类型「Z」不存在。有效类型：1 居民身份证。",
        ),
        (
            Error::Import(ImportError::UnterminatedQuote {
                path: PathBuf::from("名单.csv"),
                line: 4,
            }),
            "花名册 名单.csv 第 4 行有一个没有配对的英文双引号（\"）：从它开始到文件末尾的内容都会被读进同一个单元格，后面的行都会丢失，所以没有导入。请用记事本或 WPS 打开这个文件，在第 4 行删掉多余的引号或补上配对的引号，然后重新导入。",
        ),
        (
            Error::File(FileError::DiskFull {
                folder: PathBuf::from("/mnt/u"),
                needed_mb: 12,
            }),
            "磁盘空间不足：/mnt/u 所在的磁盘还需要约 12 MB。请删除不用的文件或把学校文件复制到空间更大的磁盘后重试。学校文件没有改动。",
        ),
        (
            Error::Io {
                path: PathBuf::from("a.taoli"),
                source: std::io::Error::other("坏了"),
            },
            "读写文件 a.taoli 失败：坏了。请检查磁盘空间和文件权限。",
        ),
        (
            Error::Account(AccountError::NotPermitted {
                role: Role::InfoViewer,
                permission: Permission::TeachersEdit,
            }),
            "信息查询员不能录入、修改、删除教师信息，填写提醒理由。请用信息管理员的账号登录后再做。",
        ),
        (
            Error::Protocol(taoli_core::protocol::Error::Random("无熵".to_owned())),
            "密钥处理失败：无法从操作系统取得随机数（无熵）",
        ),
        (
            Error::File(FileError::SchoolFileInUse {
                path: PathBuf::from("a.taoli"),
                holder: None,
            }),
            "另一个桃李窗口或命令（在这台电脑或另一台电脑上）正在使用这个学校文件。请关闭它后再打开；如果它所在的电脑已经关机或死机，请等几分钟后再试。",
        ),
        (
            Error::Refused(Refusal::with_detail(RefusalCode::WrongSchool, "5100000001")),
            "学校标识码与登记的学校不一致：这个签名密钥或报送码属于另一所学校。请核对本校的学校标识码；如果无误，请向县教育局申请本校的报送码。（5100000001）",
        ),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
        assert_eq!(error.message(Locale::ZhCn), text);
    }
}

#[test]
fn english_rendering_has_no_chinese_but_the_allowed_terms() {
    for error in every_variant() {
        let mut english = error.message(Locale::En);
        for term in ALLOWED_CHINESE {
            english = english.replace(term, "");
        }
        assert!(
            !english.chars().any(is_cjk),
            "{}: {}",
            error.code(),
            error.message(Locale::En)
        );
    }
    for key in APP_KEYS {
        let english = messages::render(Locale::En, key, &[]);
        assert!(!english.chars().any(is_cjk), "{key}: {english}");
    }
}

#[test]
fn english_names_the_roles_in_english() {
    let error = Error::Account(AccountError::NotPermitted {
        role: Role::InfoViewer,
        permission: Permission::UsersManage,
    });
    assert_eq!(
        error.message(Locale::En),
        "The Information viewer role may not do this (Manage accounts). Sign in with an account of the System administrator role, then try again."
    );
}

#[test]
fn a_wrapped_foreign_error_keeps_its_text_in_english() {
    let error = Error::Io {
        path: PathBuf::from("a.taoli"),
        source: std::io::Error::other("no room"),
    };
    assert_eq!(
        error.message(Locale::En),
        "Reading or writing the file a.taoli failed: no room. Check the disk space and the file’s permissions."
    );
}

#[test]
fn a_refusal_in_english_is_its_code_s_english_message() {
    let error = Error::Refused(Refusal::new(RefusalCode::KeyRevoked));
    assert_eq!(
        error.message(Locale::En),
        RefusalCode::KeyRevoked.message_en()
    );
    assert_eq!(error.code(), "protocol.key_revoked");
}

#[test]
fn a_refusal_with_english_particulars_is_said_with_them_in_english() {
    let error = Error::Refused(Refusal::with_details(
        RefusalCode::EnrollmentCodeInvalid,
        "报送码已过期",
        "the enrollment code has expired",
    ));
    assert_eq!(
        error.message(Locale::En),
        format!(
            "{} (the enrollment code has expired)",
            RefusalCode::EnrollmentCodeInvalid.message_en()
        )
    );
    assert_eq!(
        error.message(Locale::ZhCn),
        format!(
            "{}（报送码已过期）",
            RefusalCode::EnrollmentCodeInvalid.message()
        )
    );
}

/// The `.rs` files under `dir`.
fn rust_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text from `(` at the start of `text` to its matching `)`.
fn in_parentheses(text: &str) -> &str {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth = depth.saturating_add(1),
            ')' if depth <= 1 => return text.get(..=at).unwrap_or(text),
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    text
}

#[test]
fn no_refusal_is_made_with_particulars_in_chinese_only() {
    // `Refusal::with_detail` is for particulars that read the same in every
    // language; words go through `with_details`, in English too.
    let crates = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for name in ["taoli-protocol", "taoli-upstream", "taoli-core"] {
        rust_files(&crates.join(name).join("src"), &mut files);
    }
    let mut chinese_only = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        for (at, name) in source.match_indices("with_detail(") {
            let from = at.saturating_add(name.len()).saturating_sub(1);
            let arguments = in_parentheses(source.get(from..).unwrap_or_default());
            if arguments.chars().any(is_cjk) {
                let line = source.get(..at).unwrap_or_default().lines().count();
                chinese_only.push(format!("{}:{line}: {arguments}", file.display()));
            }
        }
    }
    assert!(chinese_only.is_empty(), "{chinese_only:#?}");
}

#[test]
fn why_the_upstream_could_not_be_reached_is_said_in_the_message_s_language() {
    let ways = [
        ("particular.link.reading_broke", "读取答复时连接中断（x）"),
        ("particular.link.timed_out", "等待上级系统答复超时（x）"),
        ("particular.link.no_connection", "无法建立连接（x）"),
        ("particular.link.broken", "连接中断（x）"),
    ];
    for (key, chinese) in ways {
        let error = Error::Batch(BatchError::UpstreamUnreachable {
            upstream: "http://127.0.0.1:9".to_owned(),
            detail: Particular::said(key, vec![("detail", "x".to_owned())]),
        });
        assert!(
            error.to_string().starts_with(&format!(
                "连不上上级系统（http://127.0.0.1:9）：{chinese}。"
            )),
            "{key}: {error}"
        );
        let english = error.message(Locale::En);
        assert!(english.contains(" (x). "), "{key}: {english}");
        assert!(!english.chars().any(is_cjk), "{key}: {english}");
    }
}

#[test]
fn a_payload_is_rendered_in_its_locale_with_the_same_code() {
    let error = Error::Secrets(SecretsError::WrongPassword);
    let chinese = ErrorPayload::new(&error, Locale::ZhCn);
    let english = ErrorPayload::new(&error, Locale::En);
    assert_eq!(chinese.code, "secrets.wrong_password");
    assert_eq!(english.code, chinese.code);
    assert_eq!(english.kind, ErrorKind::User);
    assert_eq!(chinese.message, error.to_string());
    assert!(
        english.message.starts_with("The password is wrong"),
        "{}",
        english.message
    );
}

#[test]
fn an_app_payload_takes_its_message_from_the_catalogs() {
    let payload = ErrorPayload::app(
        "app.task_failed",
        ErrorKind::Internal,
        &[("detail", "join".to_owned())],
        Locale::En,
    );
    assert_eq!(payload.code, "app.task_failed");
    assert!(payload.message.contains("(join)"), "{}", payload.message);
}

#[test]
fn locale_serializes_as_the_ui_s_tags() {
    assert_eq!(serde_json::to_string(&Locale::ZhCn).unwrap(), "\"zh-CN\"");
    assert_eq!(
        serde_json::from_str::<Locale>("\"en\"").unwrap(),
        Locale::En
    );
}

/// One of every ID number problem.
fn every_id_problem() -> Vec<IdProblem> {
    vec![
        IdProblem::Empty,
        IdProblem::OldResidentId,
        IdProblem::ResidentIdLength { len: 17 },
        IdProblem::NotADigit {
            position: 3,
            found: 'O',
        },
        IdProblem::BirthDate {
            date: "19851340".to_owned(),
        },
        IdProblem::CheckCharacter {
            expected: 'X',
            found: '3',
        },
        IdProblem::TaiwanPermit {
            id: "12345".to_owned(),
        },
        IdProblem::ForeignPermanentResidence {
            id: "AB1".to_owned(),
        },
        IdProblem::TooLong { max: 18, len: 20 },
        IdProblem::Character { found: '#' },
    ]
}

#[test]
fn each_id_number_problem_template_names_exactly_its_arguments() {
    for problem in every_id_problem() {
        for locale in Locale::ALL {
            let wanted = names(&problem.arguments());
            let template = template(locale, problem.key()).unwrap();
            let used: BTreeSet<String> = placeholders(template)
                .into_iter()
                .map(str::to_owned)
                .collect();
            assert_eq!(used, wanted, "{} ({locale:?}): {template}", problem.key());
        }
    }
}

#[test]
fn an_invalid_id_number_is_explained_in_english_in_the_english_message() {
    let error = Error::Teacher(TeacherError::InvalidIdNumber {
        id_number: "51072219851340123X".to_owned(),
        problem: IdProblem::BirthDate {
            date: "19851340".to_owned(),
        },
    });
    let english = error.message(Locale::En);
    assert!(
        english.contains("“19851340” is not a valid date"),
        "{english}"
    );
    assert!(!english.chars().any(is_cjk), "{english}");
    assert_eq!(
        error.to_string(),
        "身份证件号「51072219851340123X」有误：第7–14位应为出生日期，「19851340」不是有效日期。"
    );
}

#[test]
fn a_particular_of_taoli_s_own_is_said_in_the_message_s_language() {
    let error = Error::Backup(BackupError::BackupUnusable {
        path: PathBuf::from("备份.taoli"),
        detail: Particular::said("particular.not_a_school_file", vec![]),
    });
    let english = error.message(Locale::En);
    assert!(
        english.contains("it is not a Taoli school file"),
        "{english}"
    );
    assert!(error.to_string().contains("不是桃李学校文件"), "{error}");
}

#[test]
fn a_particular_that_is_another_error_is_said_in_the_message_s_language() {
    let error = Error::Backup(BackupError::BackupUnusable {
        path: PathBuf::from("backup.taoli"),
        detail: Error::School(SchoolError::EmptySchoolName).into(),
    });
    let english = error.message(Locale::En);
    assert!(
        english.contains(&Error::School(SchoolError::EmptySchoolName).message(Locale::En)),
        "{english}"
    );
    assert!(!english.chars().any(is_cjk), "{english}");
}

/// A word's key under `word.`, the Chinese the audit trail stores for it
/// (where it has one), and how the code says it.
type Word = (String, Option<&'static str>, Box<dyn Fn(Locale) -> String>);

/// Every word the code names (`word.<kind>.<code>`).
fn every_word() -> Vec<Word> {
    use taoli_core::batches::{BatchState, BatchStatus, KeyPlace, UploadStatus};
    use taoli_core::revision::{Action, Operation};
    use taoli_core::store::BackupReason;
    let mut words: Vec<Word> = Vec::new();
    for v in Operation::ALL {
        words.push((
            format!("operation.{}", v.as_str()),
            None,
            Box::new(move |l| v.said(l)),
        ));
    }
    for v in Action::ALL {
        words.push((
            format!("action.{}", v.as_str()),
            None,
            Box::new(move |l| v.said(l)),
        ));
    }
    for v in BatchState::ALL {
        words.push((
            format!("batch_state.{}", v.as_str()),
            Some(v.label()),
            Box::new(move |l| v.said(l)),
        ));
    }
    for v in UploadStatus::ALL {
        words.push((
            format!("upload_status.{}", v.as_str()),
            None,
            Box::new(move |l| v.said(l)),
        ));
    }
    for v in BatchStatus::ALL {
        words.push((
            format!("batch_status.{}", v.as_str()),
            None,
            Box::new(move |l| v.said(l)),
        ));
    }
    for v in BackupReason::ALL {
        words.push((
            format!("backup_reason.{}", v.as_str()),
            Some(v.label()),
            Box::new(move |l| v.said(l)),
        ));
    }
    for v in KeyPlace::ALL {
        words.push((
            format!("key_place.{}", v.as_str()),
            Some(v.label()),
            Box::new(move |l| v.said(l)),
        ));
    }
    words
}

#[test]
fn every_word_the_code_names_is_in_both_catalogs() {
    for (key, _, _) in every_word() {
        for locale in Locale::ALL {
            assert!(
                template(locale, &format!("word.{key}")).is_some(),
                "{locale:?}: word.{key}"
            );
        }
    }
}

#[test]
fn a_word_said_in_chinese_is_the_word_the_trail_stores() {
    for (key, stored, said) in every_word() {
        if let Some(stored) = stored {
            assert_eq!(said(Locale::ZhCn), stored, "word.{key}");
        }
    }
}

#[test]
fn a_word_said_in_english_has_no_chinese() {
    for (key, _, said) in every_word() {
        let english = said(Locale::En);
        assert!(!english.chars().any(is_cjk), "word.{key}: {english}");
    }
}

/// Fields of the first indicator set, one of each kind asked for.
fn field_of(kind: taoli_core::catalog::FieldType) -> taoli_core::catalog::EffectiveField {
    let catalog = taoli_core::catalog::catalog().unwrap();
    let set = &catalog.sets()[0];
    let effective = catalog.effective(&set.id).unwrap();
    effective
        .groups
        .iter()
        .flat_map(|g| g.fields.iter())
        .find(|f| f.kind == kind && !f.derived)
        .cloned()
        .unwrap()
}

#[test]
fn a_value_of_the_wrong_form_is_explained_in_english_in_english() {
    use taoli_core::catalog::FieldType;
    for kind in [FieldType::Date, FieldType::YearMonth, FieldType::Number] {
        let field = field_of(kind);
        let error = taoli_core::entry::normalize_value(&field, None, "abc").unwrap_err();
        let english = error.message(Locale::En);
        assert!(english.contains(&field.label_en), "{english}");
        assert!(!english.chars().any(is_cjk), "{english}");
        assert!(
            error.message(Locale::ZhCn).contains("应为"),
            "{}",
            error.message(Locale::ZhCn)
        );
    }
}

#[test]
fn a_code_not_in_its_table_is_explained_with_the_table_s_english_name_in_english() {
    use taoli_core::catalog::FieldType;
    let field = field_of(FieldType::Code);
    let catalog = taoli_core::catalog::catalog().unwrap();
    let table = catalog
        .code_table(field.code_table.as_deref().unwrap())
        .unwrap();
    let error = taoli_core::entry::normalize_value(&field, Some(table), "zzz").unwrap_err();
    let english = error.message(Locale::En);
    assert!(english.contains(&table.name_en), "{english}");
    assert!(!english.chars().any(is_cjk), "{english}");
    assert!(error.message(Locale::ZhCn).contains(&table.name));
}

#[test]
fn a_yes_no_field_takes_yes_and_no_in_english() {
    use taoli_core::catalog::FieldType;
    let field = field_of(FieldType::YesNo);
    let catalog = taoli_core::catalog::catalog().unwrap();
    let table = catalog
        .code_table(field.code_table.as_deref().unwrap())
        .unwrap();
    let normalize = |raw| taoli_core::entry::normalize_value(&field, Some(table), raw).unwrap();
    assert_eq!(normalize("Yes"), serde_json::json!("1"));
    assert_eq!(normalize("no"), serde_json::json!("0"));
}

#[test]
fn a_mistyped_recovery_code_is_explained_in_english_in_english() {
    use taoli_core::recovery::RecoveryCode;
    for typed in ["ABCD", "ABCD-EFGH-我"] {
        let Err(error) = RecoveryCode::parse(typed) else {
            panic!("{typed} was read as a code")
        };
        let english = error.message(Locale::En);
        let shown = english.replace('我', "");
        assert!(!shown.chars().any(is_cjk), "{english}");
        assert!(
            error.message(Locale::ZhCn).contains("恢复码"),
            "{}",
            error.message(Locale::ZhCn)
        );
    }
}
