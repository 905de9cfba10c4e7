//! The session policy of the open school file (`taoli_core::workspace`), as
//! the app and the CLI use it: the key kept in the keychain, the day's
//! backup taken once a day, the sync worker started with a session and
//! stopped when it ends. Real school files in temporary folders; the
//! keychain is a `MemorySecretStore` (the real one is tested in keychain.rs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use taoli_core::batches::WorkerOptions;
use taoli_core::error::FileError;
use taoli_core::recent::RecentFiles;
use taoli_core::secrets::{MemorySecretStore, SecretStore};
use taoli_core::store::BackupReason;
use taoli_core::workspace::Workspace;
use taoli_core::{Error, NewSchool, NewUser, Role};
use tempfile::TempDir;

use accounts::{ADMIN, CLERK, PASSWORD, VIEWER, admin, clerk, viewer};

fn school(code: &str) -> NewSchool {
    NewSchool {
        code: code.into(),
        name: "桃李镇中心小学".into(),
        school_type: "211".into(),
        region_code: None,
    }
}

/// A keychain shared by the workspaces of one "computer".
fn keychain() -> Arc<dyn SecretStore> {
    Arc::new(MemorySecretStore::new())
}

/// A worker that never reaches a pass while a test runs: its start and stop
/// are what is tested, not its passes (tests/sync_worker.rs).
fn idle() -> WorkerOptions {
    WorkerOptions {
        first_pass: Duration::from_secs(3600),
        ..WorkerOptions::every(Duration::from_secs(3600))
    }
}

/// The app's workspace: recent files, the daily backup, a sync worker.
fn app(keychain: &Arc<dyn SecretStore>, config: &Path) -> Workspace {
    Workspace::new(Some(Arc::clone(keychain)))
        .with_recent_files(config.to_owned())
        .with_daily_backup()
        .with_sync_worker(idle(), Arc::new(|_| {}))
}

/// A school with its 系统管理员 and the clerk (信息管理员, who reports),
/// made on the computer of `keychain` and closed.
fn made(path: &Path, code: &str, keychain: &Arc<dyn SecretStore>) {
    let mut ws = Workspace::new(Some(Arc::clone(keychain)));
    ws.create(path, &school(code), &admin()).unwrap();
    ws.add_user(&NewUser {
        name: CLERK.to_owned(),
        role: Role::InfoManager,
        password: PASSWORD.to_owned(),
    })
    .unwrap();
    ws.close().unwrap();
}

fn daily_backups(path: &Path) -> usize {
    let mut file = accounts::open_as(path, &admin()).unwrap();
    let n = file
        .backups()
        .list()
        .unwrap()
        .iter()
        .filter(|b| b.reason == BackupReason::Daily)
        .count();
    file.sign_out();
    file.close().unwrap();
    n
}

struct Dir {
    dir: TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir {
            dir: TempDir::new().unwrap(),
        }
    }
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

#[test]
fn a_created_school_opens_again_from_the_kept_key_without_a_password() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    let keys = keychain();
    let mut ws = app(&keys, &dir.file("config"));
    ws.create(&path, &school("3201010001"), &admin()).unwrap();
    ws.close().unwrap();

    let mut again = app(&keys, &dir.file("config"));
    let opened = again.open(&path).unwrap();
    assert_eq!(opened.school.code, "3201010001");
    assert!(opened.session.is_none(), "opening signs nobody in");
    again.close().unwrap();

    // Another computer (another keychain) needs the 系统管理员 password.
    let mut elsewhere = app(&keychain(), &dir.file("config"));
    assert!(matches!(
        elsewhere.open(&path),
        Err(Error::File(FileError::FileKeyNeeded(_)))
    ));
}

#[test]
fn opening_with_the_password_keeps_the_key_for_next_time() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    let mut made = Workspace::new(None);
    made.create(&path, &school("3201010002"), &admin()).unwrap();
    made.close().unwrap();

    let keys = keychain();
    let mut ws = Workspace::new(Some(Arc::clone(&keys)));
    assert!(matches!(
        ws.open(&path),
        Err(Error::File(FileError::FileKeyNeeded(_)))
    ));
    assert!(matches!(
        ws.open_with_password(&path, "not-the-password-1"),
        Err(Error::File(FileError::WrongFilePassword(_)))
    ));
    ws.open_with_password(&path, PASSWORD).unwrap();
    ws.close().unwrap();

    let mut next = Workspace::new(Some(keys));
    next.open(&path).unwrap();
    next.close().unwrap();
}

#[test]
fn a_new_admin_password_is_kept_as_the_new_key() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    let keys = keychain();
    let mut ws = Workspace::new(Some(Arc::clone(&keys)));
    ws.create(&path, &school("3201010003"), &admin()).unwrap();
    ws.change_password(ADMIN, Some(PASSWORD), "another-pass-2026")
        .unwrap();
    ws.close().unwrap();

    let mut next = Workspace::new(Some(keys));
    next.open(&path).unwrap();
    next.close().unwrap();
    // The old password no longer opens it: the key did change.
    let mut elsewhere = Workspace::new(None);
    assert!(matches!(
        elsewhere.open_with_password(&path, PASSWORD),
        Err(Error::File(FileError::WrongFilePassword(_)))
    ));
}

#[test]
fn the_daily_backup_is_taken_once_a_day() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    let keys = keychain();
    let mut ws = app(&keys, &dir.file("config"));
    ws.create(&path, &school("3201010004"), &admin()).unwrap();
    assert_eq!(ws.daily_backup_problem(), None);
    ws.close().unwrap();
    assert_eq!(daily_backups(&path), 1, "creating the school takes it");

    let mut again = app(&keys, &dir.file("config"));
    again.open(&path).unwrap();
    again.sign_in(&admin()).unwrap();
    again.sign_out().unwrap();
    again.sign_in(&admin()).unwrap();
    again.close().unwrap();
    assert_eq!(
        daily_backups(&path),
        1,
        "signing in again the same day does not"
    );
}

#[test]
fn a_workspace_without_the_daily_backup_takes_none() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    let mut ws = Workspace::new(Some(keychain()));
    ws.create(&path, &school("3201010005"), &admin()).unwrap();
    ws.close().unwrap();
    assert_eq!(daily_backups(&path), 0);
}

#[test]
fn a_failed_daily_backup_is_said_and_the_clerk_still_signs_in() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    // A file where the backup folder would be: the backup cannot be made.
    std::fs::write(dir.file("school-备份"), b"not a folder").unwrap();
    let mut ws = app(&keychain(), &dir.file("config"));
    let opened = ws.create(&path, &school("3201010006"), &admin()).unwrap();
    assert!(opened.session.is_some());
    assert!(ws.daily_backup_problem().is_some());
    ws.close().unwrap();
}

#[test]
fn the_sync_worker_runs_from_sign_in_until_sign_out() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    let keys = keychain();
    made(&path, "3201010007", &keys);
    let mut ws = app(&keys, &dir.file("config"));
    let slot = ws.worker_slot();
    assert_eq!(slot.current().unwrap_err().code, "account.not_signed_in");

    ws.open(&path).unwrap();
    assert_eq!(slot.current().unwrap_err().code, "account.not_signed_in");
    ws.sign_in(&clerk()).unwrap();
    let first = slot.current().unwrap();
    assert!(!first.stopped());

    ws.sign_out().unwrap();
    assert!(first.stopped());
    assert_eq!(slot.current().unwrap_err().code, "account.not_signed_in");

    ws.sign_in(&clerk()).unwrap();
    let second = slot.current().unwrap();
    assert!(!second.stopped());
    ws.lock().unwrap();
    assert!(second.stopped());

    ws.unlock(PASSWORD).unwrap();
    let third = slot.current().unwrap();
    assert!(!third.stopped());
    ws.close().unwrap();
    assert!(third.stopped());
    assert!(ws.file().is_none());
}

#[test]
fn opening_another_school_stops_the_worker_of_the_one_before() {
    let dir = Dir::new();
    let one = dir.file("one.taoli");
    let two = dir.file("two.taoli");
    let keys = keychain();
    made(&one, "3201010008", &keys);
    made(&two, "3201010009", &keys);

    let mut ws = app(&keys, &dir.file("config"));
    ws.open(&one).unwrap();
    ws.sign_in(&clerk()).unwrap();
    let worker = ws.worker_slot().current().unwrap();
    let opened = ws.open(&two).unwrap();
    assert_eq!(opened.school.code, "3201010009");
    assert!(worker.stopped(), "the worker of the school before stops");
    assert!(ws.worker_slot().current().is_err());
    assert_eq!(ws.file().unwrap().path(), two.as_path());

    // Both are on the recent list, the one opened last first.
    let recent = RecentFiles::load(&dir.file("config")).list();
    assert_eq!(recent.len(), 2);
    assert_eq!(recent[0].school_code, "3201010009");
    ws.close().unwrap();
}

#[test]
fn a_session_that_may_not_report_has_no_worker_and_says_why() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    let keys = keychain();
    let mut ws = app(&keys, &dir.file("config"));
    ws.create(&path, &school("3201010010"), &admin()).unwrap();
    // The 系统管理员 does not report.
    assert_eq!(
        ws.worker_slot().current().unwrap_err().code,
        "account.not_permitted"
    );
    ws.add_user(&NewUser {
        name: VIEWER.to_owned(),
        role: Role::InfoViewer,
        password: PASSWORD.to_owned(),
    })
    .unwrap();
    ws.sign_out().unwrap();
    ws.sign_in(&viewer()).unwrap();
    assert_eq!(
        ws.worker_slot().current().unwrap_err().code,
        "account.not_permitted"
    );
    ws.close().unwrap();
}

#[test]
fn without_a_sync_worker_signing_in_starts_none_and_calls_need_an_open_school() {
    let dir = Dir::new();
    let path = dir.file("school.taoli");
    let mut ws = Workspace::new(Some(keychain()));
    assert!(matches!(
        ws.sign_in(&admin()),
        Err(Error::File(FileError::NoSchoolOpen))
    ));
    assert_eq!(
        Error::File(FileError::NoSchoolOpen).code(),
        "app.no_school_open"
    );
    ws.create(&path, &school("3201010011"), &admin()).unwrap();
    assert!(ws.worker_slot().current().is_err());
    let file = ws.into_file().unwrap();
    assert!(file.session().is_some());
    file.close().unwrap();
}
