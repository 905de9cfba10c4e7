//! A school file on a network share (网络共享文件夹) and the lock beside an
//! open school file (文件锁).
//!
//! SMB and NFS cannot be mounted on the test machine (its kernel has no
//! cifs or nfs module), and a real sshfs mount per test would be slow
//! (`crates/taoli-cli/tests/sshfs.rs` makes one), so these tests name a
//! temporary folder to be treated as a network share (`store::share::treat_as_network_share`, the
//! in-process form of `TAOLI_TEST_NETWORK_SHARE`); everything past the
//! detection is real: the real SQLite file, its journal mode and locks.
//! The detection itself is tested on real mountinfo and mount text in
//! `store/share.rs`. The two-program lock test is
//! `crates/taoli-cli/tests/file_lock.rs`.

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

use taoli_core::batches::{SyncWorker, WorkerOptions};
use taoli_core::error::FileError;
use taoli_core::store::{LockHolder, lock_path, share};
use taoli_core::{Error, NewSchool, NewTeacher, SchoolFile};
use tempfile::TempDir;

fn new_school() -> NewSchool {
    NewSchool {
        code: "2151012345".into(),
        name: "桃李镇中心小学".into(),
        school_type: "211".into(),
        region_code: None,
    }
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

/// A folder treated as a network share, and the path of a school file in it.
fn share_folder() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    share::treat_as_network_share(dir.path());
    let path = dir.path().join("2151012345-桃李镇中心小学.taoli");
    (dir, path)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The journal mode the closed file is in, as SQLite reads it.
fn journal_mode(path: &Path) -> String {
    accounts::raw_connection(path)
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap()
}

fn names(file: &SchoolFile) -> Vec<String> {
    file.teachers()
        .all()
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect()
}

#[test]
fn a_file_on_a_network_share_is_kept_in_a_rollback_journal_not_the_write_ahead_log() {
    let (_dir, path) = share_folder();
    let mut file = accounts::create(&path, &new_school()).unwrap();
    add(&mut file, "张三", "11010519491231002X");
    assert!(!with_suffix(&path, "-wal").exists(), "no write-ahead log");
    assert!(
        !with_suffix(&path, "-shm").exists(),
        "no shared memory file"
    );
    file.close().unwrap();
    assert_eq!(journal_mode(&path), "delete");
}

#[test]
fn a_file_on_a_network_share_keeps_sqlites_lock_while_it_is_open() {
    let (_dir, path) = share_folder();
    let mut file = accounts::create(&path, &new_school()).unwrap();
    add(&mut file, "张三", "11010519491231002X");
    // Any other connection — another program that ignored the lock file —
    // cannot even read it.
    let other = accounts::raw_connection(&path);
    let read = other.query_row("SELECT count(*) FROM teacher", [], |r| r.get::<_, i64>(0));
    assert!(read.is_err(), "read past the exclusive lock: {read:?}");
    drop(other);
    file.close().unwrap();
    let other = accounts::raw_connection(&path);
    let count: i64 = other
        .query_row("SELECT count(*) FROM teacher", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn a_file_left_in_write_ahead_log_mode_on_a_local_disk_opens_on_a_network_share() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("学校.taoli");
    let mut file = accounts::create(&path, &new_school()).unwrap();
    add(&mut file, "张三", "11010519491231002X");
    file.close().unwrap();
    assert_eq!(journal_mode(&path), "wal");
    // The folder is shared (or the file copied onto a share) afterwards.
    share::treat_as_network_share(dir.path());
    let file = accounts::open(&path).unwrap();
    assert!(file.network_share().is_some());
    assert_eq!(names(&file), ["张三"]);
    file.close().unwrap();
    assert_eq!(journal_mode(&path), "delete");
}

#[test]
fn the_notice_says_where_the_file_is_and_offers_copying_it_to_this_computer() {
    let (dir, path) = share_folder();
    let file = accounts::create(&path, &new_school()).unwrap();
    let share = file.network_share().unwrap();
    assert!(
        share
            .notice(taoli_core::Locale::ZhCn)
            .starts_with("这个学校文件在网络共享文件夹上（")
    );
    assert!(
        share
            .notice(taoli_core::Locale::ZhCn)
            .contains(&dir.path().canonicalize().unwrap().display().to_string())
    );
    assert!(
        share
            .notice(taoli_core::Locale::ZhCn)
            .contains("两台电脑不能同时打开")
    );
    assert!(
        share
            .notice(taoli_core::Locale::ZhCn)
            .contains("「复制到本机」")
    );
    let local = TempDir::new().unwrap();
    let local_file = accounts::create(&local.path().join("本机.taoli"), &new_school()).unwrap();
    assert_eq!(local_file.network_share(), None);
}

#[test]
fn a_second_handle_and_the_sync_worker_are_refused_on_a_network_share_with_the_reason() {
    let (_dir, path) = share_folder();
    let file = accounts::create(&path, &new_school()).unwrap();
    let error = file.second_handle().unwrap_err();
    assert!(
        matches!(error, Error::File(FileError::NetworkShareOneConnection)),
        "{error:?}"
    );
    assert_eq!(error.code(), "file.network_share_one_connection");
    assert!(error.to_string().contains("复制到本机"), "{error}");
    let worker = SyncWorker::start(&file, None, WorkerOptions::default(), |_| {});
    assert!(
        matches!(
            worker,
            Err(Error::File(FileError::NetworkShareOneConnection))
        ),
        "{worker:?}"
    );
}

#[test]
fn copying_to_this_computer_opens_a_checked_local_copy_signed_in_as_before() {
    let (_dir, path) = share_folder();
    let mut file = accounts::create(&path, &new_school()).unwrap();
    add(&mut file, "张三", "11010519491231002X");
    let local = TempDir::new().unwrap();
    let mut copy = file.copy_to_this_computer(local.path()).unwrap();
    assert_eq!(
        copy.path(),
        local.path().join("2151012345-桃李镇中心小学.taoli")
    );
    assert_eq!(copy.network_share(), None);
    assert_eq!(copy.session().unwrap().name, accounts::CLERK);
    assert_eq!(names(&copy), ["张三"]);
    assert!(copy.audit().verify().unwrap().broken.is_none());
    // The copy works as a local file: a second handle, the write-ahead log.
    add(&mut copy, "李四", "110105194912310046");
    assert!(copy.second_handle().is_ok());
    let copied_to = copy.path().to_owned();
    copy.close().unwrap();
    assert_eq!(journal_mode(&copied_to), "wal");
    // The file on the share is as it was, with the copy recorded.
    assert_eq!(names(&file), ["张三"]);
    let log = file
        .audit()
        .log(&taoli_core::audit::AuditQuery::default())
        .unwrap();
    assert!(
        log.entries
            .iter()
            .any(|e| format!("{e:?}").contains("复制到本机")),
        "the copy is in the audit trail"
    );
    // A second copy into the same folder does not overwrite the first.
    let again = file.copy_to_this_computer(local.path()).unwrap();
    assert_eq!(
        again.path(),
        local.path().join("2151012345-桃李镇中心小学(2).taoli")
    );
}

#[test]
fn a_plaintext_file_on_a_network_share_is_encrypted_when_the_admin_signs_in() {
    let made = TempDir::new().unwrap();
    let encrypted = made.path().join("加密.taoli");
    let mut file = accounts::create(&encrypted, &new_school()).unwrap();
    add(&mut file, "张三", "11010519491231002X");
    file.close().unwrap();
    let (_dir, path) = share_folder();
    accounts::plaintext_copy(&encrypted, &path);
    let mut file = SchoolFile::open(&path).unwrap();
    file.sign_in(&accounts::admin()).unwrap();
    assert!(file.is_encrypted());
    assert_eq!(names(&file), ["张三"]);
    // The password changed: the file is rewritten under the new key, on
    // the share as anywhere.
    file.change_password(
        accounts::ADMIN,
        Some(accounts::PASSWORD),
        "taoli-new-pass-2",
    )
    .unwrap();
    file.sign_in(&accounts::clerk()).unwrap();
    add(&mut file, "李四", "110105194912310046");
    file.close().unwrap();
    let file = SchoolFile::open_with_password(
        &path,
        "taoli-new-pass-2",
        &taoli_core::secrets::MemorySecretStore::new(),
    )
    .unwrap();
    assert!(file.network_share().is_some());
    assert!(file.is_encrypted());
    drop(file);
}

#[test]
fn the_lock_file_names_who_has_the_file_open_and_goes_when_it_is_closed() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("学校.taoli");
    let file = accounts::create(&path, &new_school()).unwrap();
    let lock = lock_path(&path);
    assert_eq!(lock, dir.path().join("学校.taoli.lock"));
    let holder: LockHolder = serde_json::from_slice(&std::fs::read(&lock).unwrap()).unwrap();
    assert_eq!(holder.account.as_deref(), Some(accounts::CLERK));
    assert_eq!(holder.pid, std::process::id());
    assert_eq!(holder.computer, taoli_core::store::computer_name());
    // A second handle of the same session shares it.
    let second = file.second_handle().unwrap();
    file.close().unwrap();
    assert!(lock.exists(), "still held by the second handle");
    second.close().unwrap();
    assert!(!lock.exists(), "removed with the last handle");
}

#[test]
fn signing_out_and_in_again_updates_the_account_in_the_lock_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("学校.taoli");
    let mut file = accounts::create(&path, &new_school()).unwrap();
    let holder = || -> LockHolder {
        serde_json::from_slice(&std::fs::read(lock_path(&path)).unwrap()).unwrap()
    };
    file.sign_out();
    assert_eq!(holder().account, None);
    file.sign_in(&accounts::viewer()).unwrap();
    assert_eq!(holder().account.as_deref(), Some(accounts::VIEWER));
}

#[test]
fn a_lock_file_left_by_a_program_that_ended_is_taken_over() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("学校.taoli");
    accounts::create(&path, &new_school())
        .unwrap()
        .close()
        .unwrap();
    let stale = LockHolder {
        computer: "办公室电脑".into(),
        os_user: "clerk".into(),
        account: Some("王老师".into()),
        pid: 999_999,
        since: "2026-11-22T10:32:00+08:00".into(),
    };
    std::fs::write(lock_path(&path), serde_json::to_vec(&stale).unwrap()).unwrap();
    let file = accounts::open(&path).unwrap();
    let holder: LockHolder =
        serde_json::from_slice(&std::fs::read(lock_path(&path)).unwrap()).unwrap();
    assert_eq!(holder.pid, std::process::id());
    drop(file);
    assert!(!lock_path(&path).exists());
}
