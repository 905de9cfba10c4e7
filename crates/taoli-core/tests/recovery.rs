//! The recovery code (恢复码, docs/encryption.md): losing the 系统管理员
//! password and the keychain no longer loses the school file and its
//! backups. Real encrypted school files in temporary folders, real recovery
//! files beside them; a "new PC" is an empty `MemorySecretStore` (the OS
//! keychain cannot run here; `tests/at_rest.rs` does the same).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use taoli_core::audit::AuditQuery;
use taoli_core::error::{AccountError, FileError, RecoveryError, SecretsError};
use taoli_core::recovery::{
    CODE_BITS, GROUP_CHARS, GROUPS, RecoveryCode, sidecar_in, sidecar_path,
};
use taoli_core::revision::Operation;
use taoli_core::secrets::MemorySecretStore;
use taoli_core::store::{BackupReason, raw_connection};
use taoli_core::{Credentials, Error, NewSchool, NewTeacher, NewUser, Role, SchoolFile};
use tempfile::TempDir;

const ADMIN: &str = "张校长";
const PASSWORD: &str = "taoli-test-pass";
const NEW_PASSWORD: &str = "新的密码-2027";
const ZHANG_SAN: &str = "11010519491231002X";

fn demo_school() -> NewSchool {
    NewSchool {
        code: "2151012345".into(),
        name: "桃李镇中心小学".into(),
        school_type: "211".into(),
        region_code: None,
    }
}

fn admin() -> Credentials {
    Credentials::new(ADMIN, PASSWORD)
}

/// A new school file made with its recovery code (as `taoli init` and the
/// app make them), with 张三, closed. Returns the path and the code as written.
fn school_with_code(dir: &TempDir) -> (PathBuf, String) {
    let path = dir.path().join("桃李镇中心小学.taoli");
    let code = RecoveryCode::generate().unwrap();
    let mut file =
        SchoolFile::create_with_recovery_code(&path, &demo_school(), &admin(), &code).unwrap();
    file.accounts()
        .add(&NewUser {
            name: "王老师".into(),
            role: Role::InfoManager,
            password: PASSWORD.into(),
        })
        .unwrap();
    file.sign_in(&Credentials::new("王老师", PASSWORD)).unwrap();
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: "张三".into(),
            id_type: "1".into(),
            id_number: ZHANG_SAN.into(),
        })
        .unwrap();
    file.close().unwrap();
    (path, code.display().to_string())
}

/// The file opened with the 系统管理员 password, signed in as the 系统管理员.
fn open_as_admin(path: &Path, password: &str) -> SchoolFile {
    let mut file = SchoolFile::open_with_password(path, password, &MemorySecretStore::new())
        .unwrap_or_else(|e| panic!("{e}"));
    file.sign_in(&Credentials::new(ADMIN, password))
        .unwrap_or_else(|e| panic!("{e}"));
    file
}

fn teacher_names(file: &SchoolFile) -> Vec<String> {
    file.teachers()
        .all()
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect()
}

/// The audit trail's account entries, as `path: after` lines.
fn account_changes(file: &mut SchoolFile) -> Vec<String> {
    let page = file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::Account),
            ..AuditQuery::default()
        })
        .unwrap();
    page.entries
        .iter()
        .flat_map(|e| {
            e.changes
                .iter()
                .map(|c| format!("{}: {}", c.path, c.after.clone().unwrap_or_default()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `code` with one character changed (in group `group`, from 0).
fn with_typo(code: &str, group: usize) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    let at = group * (GROUP_CHARS + 1) + 1;
    chars[at] = if chars[at] == '7' { '8' } else { '7' };
    chars.into_iter().collect()
}

#[test]
fn a_code_is_seven_groups_of_five_with_140_random_bits() {
    let code = RecoveryCode::generate().unwrap();
    let groups = code.groups();
    assert_eq!(groups.len(), GROUPS);
    assert!(groups.iter().all(|g| g.chars().count() == GROUP_CHARS));
    const { assert!(CODE_BITS >= 128) };
    let text = code.display();
    assert!(
        text.chars()
            .all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"ILOU".contains(c))),
        "{}",
        text.as_str()
    );
    assert_ne!(
        RecoveryCode::generate().unwrap().display().as_str(),
        text.as_str()
    );
}

#[test]
fn reading_a_code_forgives_case_spaces_dashes_and_full_width_characters() {
    let code = RecoveryCode::generate().unwrap();
    let written = code.display().to_string();
    let plain: String = written.chars().filter(|c| *c != '-').collect();
    let full_width: String = written
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    for typed in [
        written.to_lowercase(),
        plain.clone(),
        code.groups().join("  "),
        code.groups().join(" — "),
        full_width,
        written.replace('0', "O").replace('1', "l"),
    ] {
        let back = RecoveryCode::parse(&typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
        assert_eq!(back.display().as_str(), written, "{typed}");
    }
}

#[test]
fn a_typo_is_named_by_its_group_and_the_code_is_never_echoed() {
    let written = RecoveryCode::generate().unwrap().display().to_string();
    for group in 0..GROUPS {
        let typo = with_typo(&written, group);
        let err = RecoveryCode::parse(&typo).expect_err("a typo is caught");
        assert!(
            matches!(
                err,
                Error::Recovery(RecoveryError::RecoveryCodeMalformed { .. })
            ),
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains(&format!("第 {} 组", group + 1)), "{text}");
        assert!(!text.contains(&typo[..5]), "{text}");
    }
    let short = &written[..written.len() - 6];
    let text = RecoveryCode::parse(short).err().unwrap().to_string();
    assert!(text.contains("应有 35 个字符"), "{text}");
    let text = RecoveryCode::parse(&written.replacen(|c: char| c.is_ascii_digit(), "U", 1))
        .err()
        .unwrap()
        .to_string();
    assert!(text.contains("「U」不是恢复码里会有的字符"), "{text}");
    // Two groups swapped are caught too (the group's number is in its check).
    let groups: Vec<&str> = written.split('-').collect();
    let mut swapped = groups.clone();
    swapped.swap(0, 1);
    if groups[0] != groups[1] {
        assert!(RecoveryCode::parse(&swapped.join("-")).is_err());
    }
}

#[test]
fn a_new_file_is_recovered_after_losing_the_password_and_the_keychain() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school_with_code(&dir);
    assert!(sidecar_path(&path).is_file(), "the recovery file is beside");

    // A new PC: no key in its keychain, and the password is forgotten.
    let new_pc = MemorySecretStore::new();
    assert!(matches!(
        SchoolFile::open_with_store(&path, &new_pc).unwrap_err(),
        Error::File(FileError::FileKeyNeeded(_))
    ));
    assert!(matches!(
        SchoolFile::open_with_password(&path, "忘了是什么了啊", &new_pc).unwrap_err(),
        Error::File(FileError::WrongFilePassword(_))
    ));

    let mut file =
        SchoolFile::recover_with_code(&path, &code, None, None, NEW_PASSWORD, &new_pc).unwrap();
    let session = file.session().unwrap();
    assert_eq!(session.name, ADMIN);
    assert_eq!(session.role, Role::SystemAdmin);
    assert_eq!(teacher_names(&file), ["张三"]);
    assert!(
        account_changes(&mut file).contains(&"用恢复码重设密码: true".to_owned()),
        "{:?}",
        account_changes(&mut file)
    );
    file.close().unwrap();

    // The new key is in the keychain; the new password opens and signs in;
    // the old one does neither.
    let mut file = SchoolFile::open_with_store(&path, &new_pc).unwrap();
    file.sign_in(&Credentials::new(ADMIN, NEW_PASSWORD))
        .unwrap();
    assert!(file.sign_in(&admin()).is_err());
    file.close().unwrap();
    assert!(matches!(
        SchoolFile::open_with_password(&path, PASSWORD, &MemorySecretStore::new()).unwrap_err(),
        Error::File(FileError::WrongFilePassword(_))
    ));
    // The code still works after it was used.
    SchoolFile::open_with_recovery_code(&path, &code, None).unwrap();
}

/// A school file from before recovery codes: its schema one migration
/// older, without the recovery tables, and no recovery file beside it.
fn make_pre_feature(path: &Path) {
    let conn = raw_connection(
        path,
        Some(
            &taoli_core::store::FileKey::derive(
                PASSWORD,
                taoli_core::store::file_salt(path).unwrap().unwrap(),
            )
            .unwrap(),
        ),
    )
    .unwrap();
    conn.execute_batch(
        "DROP TABLE recovery_code; DROP TABLE file_key_history; DROP TABLE pending_value;
         DELETE FROM migration_log
           WHERE name IN ('0011_recovery_code', '0012_pending_values', '0013_import_change_sets',
                          '0014_status_events', '0015_school_review', '0016_identity_corrections',
                          '0017_status_writes', '0018_upstream_notices');
         -- Migration 13 keeps the change sets it finds.
         PRAGMA user_version = 10;",
    )
    .unwrap();
    conn.close().unwrap();
}

#[test]
fn an_existing_file_gets_its_code_at_the_admins_sign_in_and_recovers_with_it() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("老文件.taoli");
    let mut file = SchoolFile::create(&path, &demo_school(), &admin()).unwrap();
    file.accounts()
        .add(&NewUser {
            name: "王老师".into(),
            role: Role::InfoManager,
            password: PASSWORD.into(),
        })
        .unwrap();
    file.close().unwrap();
    make_pre_feature(&path);

    // A 信息管理员's sign-in is not asked for a code; the 系统管理员's is.
    let mut file =
        SchoolFile::open_with_password(&path, PASSWORD, &MemorySecretStore::new()).unwrap();
    file.sign_in(&Credentials::new("王老师", PASSWORD)).unwrap();
    assert!(!file.recovery_codes().missing().unwrap());
    file.sign_in(&admin()).unwrap();
    assert!(file.recovery_codes().missing().unwrap());
    assert!(!sidecar_path(&path).exists());

    let (code, shown) = file.recovery_codes().new_code().unwrap();
    assert_eq!(shown.groups.len(), GROUPS);
    // Shown, not yet kept: nothing changes until the 系统管理员 confirms.
    assert!(file.recovery_codes().missing().unwrap());
    let status = file.recovery_codes().set(&code).unwrap();
    assert!(status.has_code);
    assert_eq!(status.keys, 1);
    assert!(!file.recovery_codes().missing().unwrap());
    assert!(
        account_changes(&mut file).contains(&"生成恢复码: true".to_owned()),
        "{:?}",
        account_changes(&mut file)
    );
    file.close().unwrap();
    assert!(sidecar_path(&path).is_file());

    let file = SchoolFile::recover_with_code(
        &path,
        &shown.code,
        None,
        None,
        NEW_PASSWORD,
        &MemorySecretStore::new(),
    )
    .unwrap();
    assert_eq!(file.session().unwrap().name, ADMIN);
    file.close().unwrap();
    open_as_admin(&path, NEW_PASSWORD).close().unwrap();
}

#[test]
fn a_backup_made_before_a_password_change_opens_with_the_code() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school_with_code(&dir);
    let usb = dir.path().join("U盘");
    let mut file = open_as_admin(&path, PASSWORD);
    let old_backup = PathBuf::from(file.backups().now(BackupReason::Manual).unwrap().path);
    let chosen = PathBuf::from(file.backups().to_folder(&usb).unwrap().path);
    assert!(
        sidecar_in(&file.backups().folder(), &path).is_file(),
        "a recovery file goes with the automatic backups"
    );
    assert!(
        sidecar_in(&usb, &path).is_file(),
        "and with a backup to a chosen folder"
    );
    file.change_password(ADMIN, Some(PASSWORD), NEW_PASSWORD)
        .unwrap();
    let status = file.recovery_codes().status().unwrap();
    assert_eq!(status.keys, 2, "the current key and the one before");
    file.close().unwrap();

    // The backup is under the old key: the new password does not open it,
    // the code does, from the recovery file in the backup folder (which
    // followed the password change) and from the one on the USB stick
    // (which did not, and needs no newer key).
    assert!(matches!(
        SchoolFile::open_with_password(&old_backup, NEW_PASSWORD, &MemorySecretStore::new())
            .unwrap_err(),
        Error::File(FileError::WrongFilePassword(_))
    ));
    let opened = SchoolFile::open_with_recovery_code(&old_backup, &code, None).unwrap();
    assert_eq!(opened.school().unwrap().name, "桃李镇中心小学");
    opened.close().unwrap();
    SchoolFile::open_with_recovery_code(&chosen, &code, None)
        .unwrap()
        .close()
        .unwrap();
    // And the school file itself.
    SchoolFile::open_with_recovery_code(&path, &code, None)
        .unwrap()
        .close()
        .unwrap();
}

#[test]
fn changing_the_code_makes_the_old_one_fail_and_is_audited() {
    let dir = TempDir::new().unwrap();
    let (path, old_code) = school_with_code(&dir);
    let mut file = open_as_admin(&path, PASSWORD);
    file.backups().now(BackupReason::Manual).unwrap();
    file.change_password(ADMIN, Some(PASSWORD), NEW_PASSWORD)
        .unwrap();
    let before = file.recovery_codes().status().unwrap().code_id;
    let (code, shown) = file.recovery_codes().new_code().unwrap();
    let status = file.recovery_codes().set(&code).unwrap();
    assert_ne!(status.code_id, before);
    assert_eq!(status.code_id.as_deref(), Some(shown.code_id.as_str()));
    assert_eq!(status.keys, 2, "the new code opens the older backups too");
    assert!(
        account_changes(&mut file).contains(&"更换恢复码: true".to_owned()),
        "{:?}",
        account_changes(&mut file)
    );
    let backup_folder = file.backups().folder();
    file.close().unwrap();

    let err = SchoolFile::open_with_recovery_code(&path, &old_code, None).unwrap_err();
    assert!(
        matches!(err, Error::Recovery(RecoveryError::WrongRecoveryCode(_))),
        "{err}"
    );
    SchoolFile::open_with_recovery_code(&path, &shown.code, None)
        .unwrap()
        .close()
        .unwrap();
    // The recovery file in the backup folder follows the new code.
    let err = SchoolFile::open_with_recovery_code(
        &path,
        &old_code,
        Some(&sidecar_in(&backup_folder, &path)),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Recovery(RecoveryError::WrongRecoveryCode(_))),
        "{err}"
    );
}

#[test]
fn a_wrong_code_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school_with_code(&dir);
    let other = RecoveryCode::generate().unwrap().display().to_string();
    let bytes = std::fs::read(&path).unwrap();
    let sidecar = std::fs::read(sidecar_path(&path)).unwrap();
    let store = MemorySecretStore::new();

    let err =
        SchoolFile::recover_with_code(&path, &other, None, None, NEW_PASSWORD, &store).unwrap_err();
    assert!(
        matches!(err, Error::Recovery(RecoveryError::WrongRecoveryCode(_))),
        "{err}"
    );
    assert!(err.to_string().contains("文件未作任何改动"), "{err}");
    let err = SchoolFile::recover_with_code(
        &path,
        &with_typo(&code, 3),
        None,
        None,
        NEW_PASSWORD,
        &store,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Recovery(RecoveryError::RecoveryCodeMalformed { .. })
        ),
        "{err}"
    );

    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(std::fs::read(sidecar_path(&path)).unwrap(), sidecar);
    let salt = taoli_core::store::file_salt(&path).unwrap().unwrap();
    assert!(
        taoli_core::store::recall_file_key(&store, &salt)
            .unwrap()
            .is_none(),
        "nothing kept in the keychain"
    );
    open_as_admin(&path, PASSWORD).close().unwrap();
}

#[test]
fn a_short_new_password_is_refused_before_the_file_is_touched() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school_with_code(&dir);
    let bytes = std::fs::read(&path).unwrap();
    let err =
        SchoolFile::recover_with_code(&path, &code, None, None, "123", &MemorySecretStore::new())
            .unwrap_err();
    assert!(
        matches!(err, Error::Secrets(SecretsError::WeakPassword { .. })),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn with_two_admins_the_recovery_asks_which_and_lifts_that_ones_lock() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school_with_code(&dir);
    let mut file = open_as_admin(&path, PASSWORD);
    file.accounts()
        .add(&NewUser {
            name: "李副校长".into(),
            role: Role::SystemAdmin,
            password: PASSWORD.into(),
        })
        .unwrap();
    // 李副校长 locks the account with wrong passwords.
    for _ in 0..5 {
        let _ = file.sign_in(&Credentials::new("李副校长", "not-the-password"));
    }
    assert!(matches!(
        file.sign_in(&Credentials::new("李副校长", PASSWORD))
            .unwrap_err(),
        Error::Account(AccountError::AccountLocked { .. })
    ));
    file.close().unwrap();

    assert_eq!(
        SchoolFile::recovery_accounts(&path, &code, None).unwrap(),
        ["张校长", "李副校长"]
    );
    let store = MemorySecretStore::new();
    let err =
        SchoolFile::recover_with_code(&path, &code, None, None, NEW_PASSWORD, &store).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Recovery(RecoveryError::RecoveryAccountNeeded { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("张校长、李副校长"), "{err}");
    let err =
        SchoolFile::recover_with_code(&path, &code, None, Some("王老师"), NEW_PASSWORD, &store)
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Recovery(RecoveryError::RecoveryAccountUnknown { .. })
        ),
        "{err}"
    );

    let mut file =
        SchoolFile::recover_with_code(&path, &code, None, Some("李副校长"), NEW_PASSWORD, &store)
            .unwrap();
    assert_eq!(file.session().unwrap().name, "李副校长");
    file.sign_in(&Credentials::new("李副校长", NEW_PASSWORD))
        .unwrap();
    file.close().unwrap();
}

#[test]
fn a_recovery_file_that_cannot_be_written_stops_the_password_change_before_the_file_is_rekeyed() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school_with_code(&dir);
    let sidecar = sidecar_path(&path);
    let before = std::fs::read(&sidecar).unwrap();
    // The temporary file the recovery file is written through cannot be made.
    let mut blocked = sidecar.as_os_str().to_owned();
    blocked.push(".writing");
    std::fs::create_dir(PathBuf::from(&blocked)).unwrap();

    let mut file = open_as_admin(&path, PASSWORD);
    file.change_password(ADMIN, Some(PASSWORD), NEW_PASSWORD)
        .unwrap_err();
    file.close().unwrap();
    std::fs::remove_dir(PathBuf::from(&blocked)).unwrap();

    // The recovery file is whole and as it was, the file still under the
    // old password, and the code opens it.
    assert_eq!(std::fs::read(&sidecar).unwrap(), before);
    open_as_admin(&path, PASSWORD).close().unwrap();
    SchoolFile::open_with_recovery_code(&path, &code, None)
        .unwrap()
        .close()
        .unwrap();
}

#[test]
fn every_write_of_the_recovery_file_leaves_a_whole_file_and_no_temporary() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school_with_code(&dir);
    let mut file = open_as_admin(&path, PASSWORD);
    for (i, password) in ["第二个密码-abc", "第三个密码-abc", "第四个密码-abc"]
        .iter()
        .enumerate()
    {
        let current = if i == 0 {
            PASSWORD
        } else {
            ["第二个密码-abc", "第三个密码-abc"][i - 1]
        };
        file.change_password(ADMIN, Some(current), password)
            .unwrap();
        let text = std::fs::read_to_string(sidecar_path(&path)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["format"], "taoli-recovery");
        assert_eq!(json["keys"].as_array().unwrap().len(), i + 2);
    }
    file.close().unwrap();
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".writing"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    SchoolFile::open_with_recovery_code(&path, &code, None)
        .unwrap()
        .close()
        .unwrap();
}

#[test]
fn the_recovery_file_holds_no_name_or_id_number() {
    let dir = TempDir::new().unwrap();
    let (path, _) = school_with_code(&dir);
    let bytes = std::fs::read(sidecar_path(&path)).unwrap();
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    for needle in [ZHANG_SAN, "张三", "桃李镇中心小学", "2151012345", ADMIN] {
        for form in [needle.as_bytes().to_vec(), utf16(needle)] {
            assert!(
                !bytes.windows(form.len()).any(|w| w == form.as_slice()),
                "{needle} is in the recovery file"
            );
        }
    }
}

#[test]
fn restoring_a_backup_keeps_the_files_code() {
    let dir = TempDir::new().unwrap();
    let (path, old_code) = school_with_code(&dir);
    let mut file = open_as_admin(&path, PASSWORD);
    let backup = PathBuf::from(file.backups().now(BackupReason::Manual).unwrap().path);
    let (code, shown) = file.recovery_codes().new_code().unwrap();
    file.recovery_codes().set(&code).unwrap();
    file.backups().restore(&backup).unwrap();
    assert_eq!(
        file.recovery_codes().status().unwrap().code_id.as_deref(),
        Some(shown.code_id.as_str())
    );
    file.close().unwrap();
    SchoolFile::open_with_recovery_code(&path, &shown.code, None)
        .unwrap()
        .close()
        .unwrap();
    assert!(SchoolFile::open_with_recovery_code(&path, &old_code, None).is_err());
}

#[test]
fn a_missing_recovery_file_is_named_and_written_again_by_the_status() {
    let dir = TempDir::new().unwrap();
    let (path, code) = school_with_code(&dir);
    std::fs::remove_file(sidecar_path(&path)).unwrap();
    let err = SchoolFile::open_with_recovery_code(&path, &code, None).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Recovery(RecoveryError::RecoverySidecarMissing { .. })
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("桃李镇中心小学.taoli.恢复"),
        "{err}"
    );

    let mut file = open_as_admin(&path, PASSWORD);
    assert!(file.recovery_codes().status().unwrap().repaired);
    assert!(!file.recovery_codes().status().unwrap().repaired);
    file.close().unwrap();
    SchoolFile::open_with_recovery_code(&path, &code, None)
        .unwrap()
        .close()
        .unwrap();
}

#[test]
fn only_a_system_admin_sees_or_changes_the_code() {
    let dir = TempDir::new().unwrap();
    let (path, _) = school_with_code(&dir);
    let mut file =
        SchoolFile::open_with_password(&path, PASSWORD, &MemorySecretStore::new()).unwrap();
    file.sign_in(&Credentials::new("王老师", PASSWORD)).unwrap();
    assert!(matches!(
        file.recovery_codes().new_code().unwrap_err(),
        Error::Account(AccountError::NotPermitted { .. })
    ));
    assert!(matches!(
        file.recovery_codes().status().unwrap_err(),
        Error::Account(AccountError::NotPermitted { .. })
    ));
}

/// The PDF's text without white space and dashes.
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

#[test]
fn the_sheet_prints_the_code_the_school_and_the_recovery_files_name() {
    let dir = TempDir::new().unwrap();
    let (path, _) = school_with_code(&dir);
    let mut file = open_as_admin(&path, PASSWORD);
    let (code, shown) = file.recovery_codes().new_code().unwrap();
    let pdf = dir.path().join("保管单.pdf");
    file.recovery_sheet().write(&code, &pdf).unwrap();
    file.recovery_codes().set(&code).unwrap();
    assert!(file.recovery_codes().is_current(&code).unwrap());
    file.close().unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("恢复码保管单"), "{text}");
    assert!(text.contains("桃李镇中心小学"), "{text}");
    assert!(
        text.contains(&shown.groups.concat()),
        "{} not in {text}",
        shown.code
    );
    assert!(text.contains("桃李镇中心小学.taoli.恢复"), "{text}");
    assert!(text.contains(&shown.code_id), "{text}");
    assert!(text.contains("保险柜"), "{text}");
}
