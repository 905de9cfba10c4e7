//! Backups (备份) and restore (恢复): checked copies named for their time and
//! reason, made before every import and once a day, pruned to the newest ten
//! and one a month, recorded in the audit trail; a restore checks the backup,
//! keeps the file as it was, and is itself recorded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::fs;
use std::path::{Path, PathBuf};

use taoli_core::audit::AuditQuery;
use taoli_core::error::BackupError;
use taoli_core::error::Error;
use taoli_core::import::{ImportOptions, open};
use taoli_core::revision::Operation;
use taoli_core::store::{BackupReason, KEEP_RECENT};
use taoli_core::{NewSchool, NewTeacher, SchoolFile};
use tempfile::TempDir;

fn school_at(path: &Path, code: &str) -> SchoolFile {
    accounts::create(
        path,
        &NewSchool {
            code: code.into(),
            name: "桃李镇中心小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap()
}

fn add(file: &mut SchoolFile, name: &str, id_number: &str) {
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: "1".into(),
            id_number: id_number.into(),
        })
        .unwrap();
}

fn school(dir: &TempDir) -> (PathBuf, SchoolFile) {
    let path = dir.path().join("2151012345-桃李镇中心小学.taoli");
    let mut file = school_at(&path, "2151012345");
    add(&mut file, "张三", "11010519491231002X");
    (path, file)
}

fn names(file: &SchoolFile) -> Vec<String> {
    file.teachers()
        .all()
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect()
}

fn files_in(folder: &Path) -> usize {
    fs::read_dir(folder).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn a_backup_is_a_checked_copy_named_for_its_time_and_reason() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    assert!(backup.file_name.starts_with("2151012345-桃李镇中心小学-"));
    assert!(
        backup.file_name.ends_with("-手动.taoli"),
        "{}",
        backup.file_name
    );
    assert_eq!(
        Path::new(&backup.path).parent().unwrap(),
        dir.path().join("2151012345-桃李镇中心小学-备份")
    );
    let copy = accounts::open(Path::new(&backup.path)).unwrap();
    assert_eq!(names(&copy), ["张三"]);
}

#[test]
fn a_backup_is_recorded_in_the_audit_trail() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    let log = file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::Backup),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(log.total, 1);
    assert_eq!(log.entries[0].subject, backup.file_name);
    assert!(file.audit().verify().unwrap().intact());
}

#[test]
fn an_import_is_preceded_by_a_backup_without_it() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let roster = dir.path().join("花名册.csv");
    fs::write(&roster, "姓名,身份证件号\n李四,110105198001011238\n").unwrap();
    let mut plan = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &ImportOptions::default())
        .unwrap();
    file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    let backups = file.backups().list().unwrap();
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0].reason, BackupReason::BeforeImport);
    let before = accounts::open(Path::new(&backups[0].path)).unwrap();
    assert_eq!(names(&before), ["张三"]);
    assert_eq!(names(&file), ["张三", "李四"]);
}

#[test]
fn the_daily_backup_is_made_once_a_day() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let first = file.backups().daily_if_due().unwrap();
    assert_eq!(first.unwrap().reason, BackupReason::Daily);
    assert!(file.backups().daily_if_due().unwrap().is_none());
    assert_eq!(file.backups().list().unwrap().len(), 1);
}

#[test]
fn automatic_backups_keep_the_newest_ten_and_the_newest_of_each_month() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let folder = file.backups().folder();
    fs::create_dir_all(&folder).unwrap();
    // Twelve older backups this year: two in each of six months.
    for month in 1..=6 {
        for day in [3, 20] {
            let name =
                format!("2151012345-桃李镇中心小学-2025{month:02}{day:02}-080000-每日.taoli");
            fs::write(folder.join(name), b"old").unwrap();
        }
    }
    for _ in 0..KEEP_RECENT {
        file.backups().now(BackupReason::Manual).unwrap();
    }
    let kept = file.backups().list().unwrap();
    let old: Vec<&str> = kept
        .iter()
        .filter(|b| b.made_at.starts_with("2025"))
        .map(|b| b.made_at.as_str())
        .collect();
    assert_eq!(kept.len() - old.len(), KEEP_RECENT);
    assert_eq!(
        old,
        [
            "2025-06-20 08:00:00",
            "2025-05-20 08:00:00",
            "2025-04-20 08:00:00",
            "2025-03-20 08:00:00",
            "2025-02-20 08:00:00",
            "2025-01-20 08:00:00"
        ],
        "one per month, the newest of it"
    );
}

#[test]
fn a_backup_to_a_chosen_folder_is_the_clerks_own() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let usb = dir.path().join("U盘");
    for _ in 0..(KEEP_RECENT + 2) {
        file.backups().to_folder(&usb).unwrap();
    }
    assert_eq!(files_in(&usb), KEEP_RECENT + 2, "never pruned");
    assert!(
        file.backups().list().unwrap().is_empty(),
        "not among the automatic ones"
    );
}

#[test]
fn an_unwritable_folder_is_refused_in_chinese_and_nothing_recorded() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let blocked = dir.path().join("文件而非文件夹");
    fs::write(&blocked, b"x").unwrap();
    let revisions = file.audit().revisions().unwrap().len();
    let err = file.backups().to_folder(&blocked).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::BackupFailed { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("无法备份到"), "{err}");
    assert_eq!(file.audit().revisions().unwrap().len(), revisions);
}

#[test]
fn restoring_brings_back_the_data_backed_up_and_keeps_the_file_as_it_was() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    add(&mut file, "李四", "110105198001011238");
    file.sign_in(&accounts::admin()).unwrap();
    let safety = file.backups().restore(Path::new(&backup.path)).unwrap();
    assert_eq!(names(&file), ["张三"]);
    assert_eq!(safety.reason, BackupReason::BeforeRestore);
    let before = accounts::open(Path::new(&safety.path)).unwrap();
    assert_eq!(names(&before), ["张三", "李四"]);
}

#[test]
fn a_restore_is_recorded_and_the_chain_still_verifies() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    add(&mut file, "李四", "110105198001011238");
    file.sign_in(&accounts::admin()).unwrap();
    file.backups().restore(Path::new(&backup.path)).unwrap();
    let newest = &file.audit().log(&AuditQuery::default()).unwrap().entries[0];
    assert_eq!(newest.operation, Operation::Backup);
    assert!(
        newest.changes.iter().any(|c| c.path == "从此备份恢复"),
        "{:?}",
        newest.changes
    );
    assert!(file.audit().verify().unwrap().intact());
}

#[test]
fn a_damaged_backup_is_refused_and_the_file_unchanged() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    let mut bytes = fs::read(&backup.path).unwrap();
    let half = bytes.len() / 2;
    bytes.truncate(half);
    let damaged = dir.path().join("坏备份.taoli");
    fs::write(&damaged, &bytes).unwrap();
    add(&mut file, "李四", "110105198001011238");
    file.sign_in(&accounts::admin()).unwrap();
    let revisions = file.audit().revisions().unwrap().len();
    let err = file.backups().restore(&damaged).unwrap_err();
    assert!(err.to_string().contains("不能用来恢复"), "{err}");
    assert_eq!(names(&file), ["张三", "李四"]);
    assert_eq!(file.audit().revisions().unwrap().len(), revisions);
}

#[test]
fn a_file_that_is_not_a_school_file_is_refused() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let text = dir.path().join("笔记.taoli");
    fs::write(&text, "这不是数据库").unwrap();
    file.sign_in(&accounts::admin()).unwrap();
    let err = file.backups().restore(&text).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::BackupUnusable { .. })),
        "{err}"
    );
}

#[test]
fn a_backup_of_another_school_is_refused() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = school(&dir);
    let mut other = school_at(&dir.path().join("别校.taoli"), "2151099999");
    let theirs = other.backups().now(BackupReason::Manual).unwrap();
    file.sign_in(&accounts::admin()).unwrap();
    // Encrypted under the other school's key: this file's key does not open it.
    let err = file.backups().restore(Path::new(&theirs.path)).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::BackupKeyMismatch(_))),
        "{err}"
    );
    assert!(err.to_string().contains("另一份加密的学校文件"), "{err}");
    // With the other school's password it opens, and is of another school.
    let err = file
        .backups()
        .restore_with_password(Path::new(&theirs.path), accounts::PASSWORD)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Backup(BackupError::BackupOfAnotherSchool { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("2151099999"), "{err}");
    assert_eq!(names(&file), ["张三"]);
}
