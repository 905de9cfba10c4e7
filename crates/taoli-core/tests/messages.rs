//! The message catalogs (`crates/taoli-core/messages/`): every error code
//! has a template in both, each template names exactly its error's
//! arguments, the Chinese is what it always was, and the English is English.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use taoli_core::account::Permission;
use taoli_core::error::messages::{self, Locale, placeholders, template};
use taoli_core::error::{Particular, StaleReason};
use taoli_core::id_number::IdProblem;
use taoli_core::protocol::{Refusal, RefusalCode};
use taoli_core::store::{LockHolder, computer_name};
use taoli_core::{Error, ErrorKind, ErrorPayload, Role};

/// One value of every variant (and each shape of a lock holder).
fn every_variant() -> Vec<Error> {
    let mut all = vec![
        Error::InvalidSchoolCode("x".to_owned()),
        Error::EmptySchoolName,
        Error::SchoolNameTooLong { len: 1, max: 1 },
        Error::UnknownSchoolType("x".to_owned()),
        Error::SchoolTypeOutOfScope {
            code: "x".to_owned(),
            name: "x".to_owned(),
            reason: "x".to_owned(),
        },
        Error::UnknownIndicatorSet {
            given: "x".to_owned(),
            valid: "x".to_owned(),
        },
        Error::UnknownCodeTable("x".to_owned()),
        Error::ProvincePack {
            pack: "x".to_owned(),
            reason: "x".to_owned(),
        },
        Error::InvalidRegionCode("x".to_owned()),
        Error::EmptyTeacherName,
        Error::TeacherNameTooLong {
            name: "x".to_owned(),
            len: 1,
            max: 1,
        },
        Error::InvalidTeacherName {
            name: "x".to_owned(),
            chars: "x".to_owned(),
        },
        Error::UnknownIdType("x".to_owned(), "x".to_owned()),
        Error::InvalidIdNumber {
            id_number: "x".to_owned(),
            problem: IdProblem::Empty,
        },
        Error::DuplicateTeacher {
            id_type_name: "x".to_owned(),
            id_number: "x".to_owned(),
            existing_name: "x".to_owned(),
        },
        Error::TeacherNotFound("x".to_owned()),
        Error::BadAssignment("x".to_owned()),
        Error::UnknownField {
            group: "x".to_owned(),
            field: "x".to_owned(),
            valid: "x".to_owned(),
        },
        Error::UnknownGroup {
            group: "x".to_owned(),
            valid: "x".to_owned(),
        },
        Error::InvalidValue {
            field: "x".to_owned(),
            value: "x".to_owned(),
            problem: "x".to_owned(),
        },
        Error::DerivedField("x".to_owned()),
        Error::IdentityField("x".to_owned()),
        Error::MultiRecordGroup("x".to_owned()),
        Error::SingleRecordGroup("x".to_owned()),
        Error::EmptyWarningReason,
        Error::NoSuchWarning {
            teacher: "x".to_owned(),
            rule: "x".to_owned(),
        },
        Error::ErrorNeedsFixing("x".to_owned()),
        Error::RecordNotFound("x".to_owned()),
        Error::StaleRecord {
            expected: 1,
            current: 1,
        },
        Error::RosterUnreadable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        },
        Error::EmptyRoster(PathBuf::from("a.taoli")),
        Error::RosterIsWebPage(PathBuf::from("a.taoli")),
        Error::NotASpreadsheet(PathBuf::from("a.taoli")),
        Error::MixedEncoding {
            path: PathBuf::from("a.taoli"),
            utf8_line: 1,
            other_line: 1,
        },
        Error::UnterminatedQuote {
            path: PathBuf::from("a.taoli"),
            line: 1,
        },
        Error::RosterTooLarge {
            path: PathBuf::from("a.taoli"),
            cells: 1,
            max: 1,
        },
        Error::RosterPasswordProtected(PathBuf::from("a.taoli")),
        Error::CorruptRoster {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        },
        Error::UnknownSheet {
            given: "x".to_owned(),
            valid: "x".to_owned(),
        },
        Error::TooManyRows {
            sheet: "x".to_owned(),
            rows: 1,
        },
        Error::NoHeaderRow {
            sheet: "x".to_owned(),
        },
        Error::NoIdentityColumn {
            sheet: "x".to_owned(),
            missing: "x".to_owned(),
        },
        Error::BadColumnMapping("x".to_owned()),
        Error::UnknownColumn("x".to_owned()),
        Error::UnknownMappingTarget {
            target: "x".to_owned(),
        },
        Error::ImportNotFound("x".to_owned()),
        Error::NothingToUndo,
        Error::PendingValueNotFound("x".to_owned()),
        Error::ImportAlreadyUndone {
            id: "x".to_owned(),
            at: "x".to_owned(),
        },
        Error::UndoBlocked {
            teachers: "x".to_owned(),
        },
        Error::StalePreview {
            reason: StaleReason::RecordChanged,
        },
        Error::ImportAlreadyCommitted,
        Error::ExportGroupRequired {
            valid: "x".to_owned(),
        },
        Error::ExportGroupNotUsed {
            format: "x".to_owned(),
        },
        Error::ExportStyleNotUsed {
            style: "x".to_owned(),
        },
        Error::ExportUnwritable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        },
        Error::ExportFailed("x".to_owned()),
        Error::InvalidAuditDate("x".to_owned()),
        Error::StatsUnwritable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        },
        Error::StatsFailed("x".to_owned()),
        Error::NoChineseFont,
        Error::UnusableFont {
            path: PathBuf::from("a.taoli"),
            problem: "x".to_owned(),
        },
        Error::SheetTemplate {
            template: "x".to_owned(),
            detail: "x".to_owned().into(),
        },
        Error::NoSheetsToPrint,
        Error::SheetsUnwritable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        },
        Error::SheetsFailed("x".to_owned()),
        Error::InvalidFingerprint("x".to_owned()),
        Error::FingerprintNotPrinted {
            teacher: "x".to_owned(),
            fingerprint: "x".to_owned(),
            printed: "x".to_owned(),
        },
        Error::FileExists(PathBuf::from("a.taoli")),
        Error::FileNotFound(PathBuf::from("a.taoli")),
        Error::BackupFailed {
            folder: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        },
        Error::BackupUnusable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        },
        Error::BackupOfAnotherSchool {
            path: PathBuf::from("a.taoli"),
            found: "x".to_owned(),
            expected: "x".to_owned(),
        },
        Error::NotASchoolFile(PathBuf::from("a.taoli")),
        Error::NewerSchoolFile {
            path: PathBuf::from("a.taoli"),
            found: 1,
            supported: 1,
        },
        Error::CorruptSchoolFile {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned().into(),
        },
        Error::FileKeyNeeded(PathBuf::from("a.taoli")),
        Error::WrongFilePassword(PathBuf::from("a.taoli")),
        Error::AlreadyEncrypted(PathBuf::from("a.taoli")),
        Error::RecoveryCodeMalformed {
            detail: "x".to_owned(),
        },
        Error::WrongRecoveryCode(PathBuf::from("a.taoli")),
        Error::RecoverySidecarMissing {
            path: PathBuf::from("a.taoli"),
            name: "x".to_owned(),
        },
        Error::RecoverySidecarDamaged {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        },
        Error::RecoverySidecarOfAnotherFile {
            sidecar: PathBuf::from("a.taoli"),
            path: PathBuf::from("a.taoli"),
        },
        Error::RecoveryKeysDoNotOpen {
            sidecar: PathBuf::from("a.taoli"),
            path: PathBuf::from("a.taoli"),
        },
        Error::RecoveryAccountNeeded {
            names: "x".to_owned(),
        },
        Error::RecoveryAccountUnknown {
            name: "x".to_owned(),
            names: "x".to_owned(),
        },
        Error::RecoveryNoAdmin(PathBuf::from("a.taoli")),
        Error::RecoveryNotNeeded(PathBuf::from("a.taoli")),
        Error::NotEncrypted(PathBuf::from("a.taoli")),
        Error::EncryptFailed {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        },
        Error::RekeyFailed {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        },
        Error::BackupKeyMismatch(PathBuf::from("a.taoli")),
        Error::KeychainUnavailable {
            detail: "x".to_owned(),
        },
        Error::WrongPassword,
        Error::WrappedKeyDamaged {
            detail: "x".to_owned(),
        },
        Error::WrappedKeyUnsupported {
            version: 1,
            supported: 1,
        },
        Error::EmptyPassword { min: 1 },
        Error::WeakPassword { len: 1, min: 1 },
        Error::PasswordHashInvalid {
            detail: "x".to_owned(),
        },
        Error::SecretsFailed("x".to_owned()),
        Error::UnknownRole("x".to_owned()),
        Error::NotPermitted {
            role: Role::InfoViewer,
            permission: Permission::UsersManage,
        },
        Error::NotSignedIn,
        Error::NoSchoolOpen,
        Error::SessionLocked,
        Error::EmptyUserName,
        Error::InvalidUserName {
            name: "x".to_owned(),
            max: 1,
        },
        Error::UserExists("x".to_owned()),
        Error::UserNotFound("x".to_owned()),
        Error::SignInFailed {
            left: 1,
            limit: 1,
            minutes: 1,
        },
        Error::AccountLocked {
            name: "x".to_owned(),
            limit: 1,
            minutes: 1,
        },
        Error::AccountDisabled("x".to_owned()),
        Error::NoUsersYet,
        Error::UsersExist,
        Error::FirstUserMustBeAdmin,
        Error::WrongCurrentPassword,
        Error::LastAdmin("x".to_owned()),
        Error::NotEnrolled,
        Error::InvalidUpstreamUrl("x".to_owned()),
        Error::UpstreamUnreachable {
            upstream: "x".to_owned(),
            detail: "x".to_owned().into(),
        },
        Error::SigningKeyMissing {
            detail: "x".to_owned().into(),
        },
        Error::AdminPasswordNeeded,
        Error::SigningKeyPasswordWrong,
        Error::WrongAdminPassword,
        Error::BatchInFlight {
            sequence: 1,
            batch_id: "x".to_owned(),
        },
        Error::BatchFileUnreadable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        },
        Error::ReceiptFileUnreadable {
            path: PathBuf::from("a.taoli"),
            detail: "x".to_owned(),
        },
        Error::ReceiptOfAnotherBatch {
            batch_id: "x".to_owned(),
        },
        Error::NoReceiptYet {
            sequence: 1,
            batch_id: "x".to_owned(),
        },
        Error::BatchNotFound("x".to_owned()),
        Error::SyncWorkerFailed("x".to_owned()),
        Error::UpstreamHistoryMismatch { sequence: 1 },
        Error::InvalidChangeReason { max: 1 },
        Error::Refused(Refusal::new(RefusalCode::KeyRevoked)),
        Error::Protocol(taoli_core::protocol::Error::Random("x".to_owned())),
        Error::SchoolFileInUse {
            path: PathBuf::from("a.taoli"),
            holder: None,
        },
        Error::NetworkShareOneConnection,
        Error::DiskFull {
            folder: PathBuf::from("a.taoli"),
            needed_mb: 1,
        },
        Error::Io {
            path: PathBuf::from("a.taoli"),
            source: std::io::Error::other("x"),
        },
        Error::Database(rusqlite::Error::QueryReturnedNoRows),
        Error::Json(serde_json::from_str::<u8>("x").unwrap_err()),
        Error::Catalog {
            file: "f",
            detail: "x".to_owned(),
        },
        Error::Panicked {
            code: "x".to_owned(),
            file: "x".to_owned(),
        },
    ];
    for computer in [computer_name(), "OFFICE-PC".to_owned()] {
        for account in [Some("Wang".to_owned()), None] {
            for os_user in ["clerk", ""] {
                all.push(Error::SchoolFileInUse {
                    path: PathBuf::from("a.taoli"),
                    holder: Some(Box::new(LockHolder {
                        computer: computer.clone(),
                        os_user: os_user.to_owned(),
                        account: account.clone(),
                        pid: 7,
                        since: "not a time".to_owned(),
                    })),
                });
            }
        }
    }
    all
}

/// The variant's name. No wildcard: a new variant does not compile here
/// until it is named, and then `every_variant_has_a_sample` wants a value.
fn variant(error: &Error) -> &'static str {
    match error {
        Error::InvalidSchoolCode { .. } => "InvalidSchoolCode",
        Error::EmptySchoolName => "EmptySchoolName",
        Error::SchoolNameTooLong { .. } => "SchoolNameTooLong",
        Error::UnknownSchoolType { .. } => "UnknownSchoolType",
        Error::SchoolTypeOutOfScope { .. } => "SchoolTypeOutOfScope",
        Error::UnknownIndicatorSet { .. } => "UnknownIndicatorSet",
        Error::UnknownCodeTable { .. } => "UnknownCodeTable",
        Error::ProvincePack { .. } => "ProvincePack",
        Error::InvalidRegionCode { .. } => "InvalidRegionCode",
        Error::EmptyTeacherName => "EmptyTeacherName",
        Error::TeacherNameTooLong { .. } => "TeacherNameTooLong",
        Error::InvalidTeacherName { .. } => "InvalidTeacherName",
        Error::UnknownIdType { .. } => "UnknownIdType",
        Error::InvalidIdNumber { .. } => "InvalidIdNumber",
        Error::DuplicateTeacher { .. } => "DuplicateTeacher",
        Error::TeacherNotFound { .. } => "TeacherNotFound",
        Error::BadAssignment { .. } => "BadAssignment",
        Error::UnknownField { .. } => "UnknownField",
        Error::UnknownGroup { .. } => "UnknownGroup",
        Error::InvalidValue { .. } => "InvalidValue",
        Error::DerivedField { .. } => "DerivedField",
        Error::IdentityField { .. } => "IdentityField",
        Error::MultiRecordGroup { .. } => "MultiRecordGroup",
        Error::SingleRecordGroup { .. } => "SingleRecordGroup",
        Error::EmptyWarningReason => "EmptyWarningReason",
        Error::NoSuchWarning { .. } => "NoSuchWarning",
        Error::ErrorNeedsFixing { .. } => "ErrorNeedsFixing",
        Error::RecordNotFound { .. } => "RecordNotFound",
        Error::StaleRecord { .. } => "StaleRecord",
        Error::RosterUnreadable { .. } => "RosterUnreadable",
        Error::EmptyRoster { .. } => "EmptyRoster",
        Error::RosterIsWebPage { .. } => "RosterIsWebPage",
        Error::NotASpreadsheet { .. } => "NotASpreadsheet",
        Error::MixedEncoding { .. } => "MixedEncoding",
        Error::UnterminatedQuote { .. } => "UnterminatedQuote",
        Error::RosterTooLarge { .. } => "RosterTooLarge",
        Error::RosterPasswordProtected { .. } => "RosterPasswordProtected",
        Error::CorruptRoster { .. } => "CorruptRoster",
        Error::UnknownSheet { .. } => "UnknownSheet",
        Error::TooManyRows { .. } => "TooManyRows",
        Error::NoHeaderRow { .. } => "NoHeaderRow",
        Error::NoIdentityColumn { .. } => "NoIdentityColumn",
        Error::BadColumnMapping { .. } => "BadColumnMapping",
        Error::UnknownColumn { .. } => "UnknownColumn",
        Error::UnknownMappingTarget { .. } => "UnknownMappingTarget",
        Error::ImportNotFound { .. } => "ImportNotFound",
        Error::NothingToUndo => "NothingToUndo",
        Error::PendingValueNotFound { .. } => "PendingValueNotFound",
        Error::ImportAlreadyUndone { .. } => "ImportAlreadyUndone",
        Error::UndoBlocked { .. } => "UndoBlocked",
        Error::StalePreview { .. } => "StalePreview",
        Error::ImportAlreadyCommitted => "ImportAlreadyCommitted",
        Error::ExportGroupRequired { .. } => "ExportGroupRequired",
        Error::ExportGroupNotUsed { .. } => "ExportGroupNotUsed",
        Error::ExportStyleNotUsed { .. } => "ExportStyleNotUsed",
        Error::ExportUnwritable { .. } => "ExportUnwritable",
        Error::ExportFailed { .. } => "ExportFailed",
        Error::InvalidAuditDate { .. } => "InvalidAuditDate",
        Error::StatsUnwritable { .. } => "StatsUnwritable",
        Error::StatsFailed { .. } => "StatsFailed",
        Error::NoChineseFont => "NoChineseFont",
        Error::UnusableFont { .. } => "UnusableFont",
        Error::SheetTemplate { .. } => "SheetTemplate",
        Error::NoSheetsToPrint => "NoSheetsToPrint",
        Error::SheetsUnwritable { .. } => "SheetsUnwritable",
        Error::SheetsFailed { .. } => "SheetsFailed",
        Error::InvalidFingerprint { .. } => "InvalidFingerprint",
        Error::FingerprintNotPrinted { .. } => "FingerprintNotPrinted",
        Error::FileExists { .. } => "FileExists",
        Error::FileNotFound { .. } => "FileNotFound",
        Error::BackupFailed { .. } => "BackupFailed",
        Error::BackupUnusable { .. } => "BackupUnusable",
        Error::BackupOfAnotherSchool { .. } => "BackupOfAnotherSchool",
        Error::NotASchoolFile { .. } => "NotASchoolFile",
        Error::NewerSchoolFile { .. } => "NewerSchoolFile",
        Error::CorruptSchoolFile { .. } => "CorruptSchoolFile",
        Error::FileKeyNeeded { .. } => "FileKeyNeeded",
        Error::WrongFilePassword { .. } => "WrongFilePassword",
        Error::AlreadyEncrypted { .. } => "AlreadyEncrypted",
        Error::RecoveryCodeMalformed { .. } => "RecoveryCodeMalformed",
        Error::WrongRecoveryCode { .. } => "WrongRecoveryCode",
        Error::RecoverySidecarMissing { .. } => "RecoverySidecarMissing",
        Error::RecoverySidecarDamaged { .. } => "RecoverySidecarDamaged",
        Error::RecoverySidecarOfAnotherFile { .. } => "RecoverySidecarOfAnotherFile",
        Error::RecoveryKeysDoNotOpen { .. } => "RecoveryKeysDoNotOpen",
        Error::RecoveryAccountNeeded { .. } => "RecoveryAccountNeeded",
        Error::RecoveryAccountUnknown { .. } => "RecoveryAccountUnknown",
        Error::RecoveryNoAdmin { .. } => "RecoveryNoAdmin",
        Error::RecoveryNotNeeded { .. } => "RecoveryNotNeeded",
        Error::NotEncrypted { .. } => "NotEncrypted",
        Error::EncryptFailed { .. } => "EncryptFailed",
        Error::RekeyFailed { .. } => "RekeyFailed",
        Error::BackupKeyMismatch { .. } => "BackupKeyMismatch",
        Error::KeychainUnavailable { .. } => "KeychainUnavailable",
        Error::WrongPassword => "WrongPassword",
        Error::WrappedKeyDamaged { .. } => "WrappedKeyDamaged",
        Error::WrappedKeyUnsupported { .. } => "WrappedKeyUnsupported",
        Error::EmptyPassword { .. } => "EmptyPassword",
        Error::WeakPassword { .. } => "WeakPassword",
        Error::PasswordHashInvalid { .. } => "PasswordHashInvalid",
        Error::SecretsFailed { .. } => "SecretsFailed",
        Error::UnknownRole { .. } => "UnknownRole",
        Error::NotPermitted { .. } => "NotPermitted",
        Error::NotSignedIn => "NotSignedIn",
        Error::NoSchoolOpen => "NoSchoolOpen",
        Error::SessionLocked => "SessionLocked",
        Error::EmptyUserName => "EmptyUserName",
        Error::InvalidUserName { .. } => "InvalidUserName",
        Error::UserExists { .. } => "UserExists",
        Error::UserNotFound { .. } => "UserNotFound",
        Error::SignInFailed { .. } => "SignInFailed",
        Error::AccountLocked { .. } => "AccountLocked",
        Error::AccountDisabled { .. } => "AccountDisabled",
        Error::NoUsersYet => "NoUsersYet",
        Error::UsersExist => "UsersExist",
        Error::FirstUserMustBeAdmin => "FirstUserMustBeAdmin",
        Error::WrongCurrentPassword => "WrongCurrentPassword",
        Error::LastAdmin { .. } => "LastAdmin",
        Error::NotEnrolled => "NotEnrolled",
        Error::InvalidUpstreamUrl { .. } => "InvalidUpstreamUrl",
        Error::UpstreamUnreachable { .. } => "UpstreamUnreachable",
        Error::SigningKeyMissing { .. } => "SigningKeyMissing",
        Error::AdminPasswordNeeded => "AdminPasswordNeeded",
        Error::SigningKeyPasswordWrong => "SigningKeyPasswordWrong",
        Error::WrongAdminPassword => "WrongAdminPassword",
        Error::BatchInFlight { .. } => "BatchInFlight",
        Error::BatchFileUnreadable { .. } => "BatchFileUnreadable",
        Error::ReceiptFileUnreadable { .. } => "ReceiptFileUnreadable",
        Error::ReceiptOfAnotherBatch { .. } => "ReceiptOfAnotherBatch",
        Error::NoReceiptYet { .. } => "NoReceiptYet",
        Error::BatchNotFound { .. } => "BatchNotFound",
        Error::SyncWorkerFailed { .. } => "SyncWorkerFailed",
        Error::UpstreamHistoryMismatch { .. } => "UpstreamHistoryMismatch",
        Error::InvalidChangeReason { .. } => "InvalidChangeReason",
        Error::Refused { .. } => "Refused",
        Error::Protocol { .. } => "Protocol",
        Error::SchoolFileInUse { .. } => "SchoolFileInUse",
        Error::NetworkShareOneConnection => "NetworkShareOneConnection",
        Error::DiskFull { .. } => "DiskFull",
        Error::Io { .. } => "Io",
        Error::Database { .. } => "Database",
        Error::Json { .. } => "Json",
        Error::Catalog { .. } => "Catalog",
        Error::Panicked { .. } => "Panicked",
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
    assert_eq!(sampled.len(), 144, "{sampled:?}");
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
            Error::InvalidSchoolCode("123".to_owned()),
            "学校标识码应为 10 位数字，实为「123」。请核对学校标识码后重新输入。",
        ),
        (
            Error::SchoolNameTooLong { len: 70, max: 60 },
            "学校名称最多 60 个字，实为 70 个字。请填写学校的规范全称。",
        ),
        (
            Error::UnknownIdType("Z".to_owned(), "1 居民身份证".to_owned()),
            "身份证件类型「Z」不存在。有效类型：1 居民身份证。",
        ),
        (
            Error::UnterminatedQuote {
                path: PathBuf::from("名单.csv"),
                line: 4,
            },
            "花名册 名单.csv 第 4 行有一个没有配对的英文双引号（\"）：从它开始到文件末尾的内容都会被读进同一个单元格，后面的行都会丢失，所以没有导入。请用记事本或 WPS 打开这个文件，在第 4 行删掉多余的引号或补上配对的引号，然后重新导入。",
        ),
        (
            Error::DiskFull {
                folder: PathBuf::from("/mnt/u"),
                needed_mb: 12,
            },
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
            Error::NotPermitted {
                role: Role::InfoViewer,
                permission: Permission::TeachersEdit,
            },
            "信息查询员不能录入、修改、删除教师信息，填写提醒理由。请用信息管理员的账号登录后再做。",
        ),
        (
            Error::Protocol(taoli_core::protocol::Error::Random("无熵".to_owned())),
            "密钥处理失败：无法从操作系统取得随机数（无熵）",
        ),
        (
            Error::SchoolFileInUse {
                path: PathBuf::from("a.taoli"),
                holder: None,
            },
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
    let error = Error::NotPermitted {
        role: Role::InfoViewer,
        permission: Permission::UsersManage,
    };
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
fn a_payload_is_rendered_in_its_locale_with_the_same_code() {
    let error = Error::WrongPassword;
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
    let error = Error::InvalidIdNumber {
        id_number: "51072219851340123X".to_owned(),
        problem: IdProblem::BirthDate {
            date: "19851340".to_owned(),
        },
    };
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
    let error = Error::BackupUnusable {
        path: PathBuf::from("备份.taoli"),
        detail: Particular::said("particular.not_a_school_file", vec![]),
    };
    let english = error.message(Locale::En);
    assert!(
        english.contains("it is not a Taoli school file"),
        "{english}"
    );
    assert!(error.to_string().contains("不是桃李学校文件"), "{error}");
}

#[test]
fn a_particular_that_is_another_error_is_said_in_the_message_s_language() {
    let error = Error::BackupUnusable {
        path: PathBuf::from("backup.taoli"),
        detail: Error::EmptySchoolName.into(),
    };
    let english = error.message(Locale::En);
    assert!(
        english.contains(&Error::EmptySchoolName.message(Locale::En)),
        "{english}"
    );
    assert!(!english.chars().any(is_cjk), "{english}");
}
