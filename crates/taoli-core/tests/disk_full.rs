//! A full disk (磁盘空间不足): on a real, nearly full disk — a small tmpfs
//! the test mounts (as root, here and in CI), with the school file on it and
//! a filler file leaving a few kilobytes — an import, a teacher edit, a
//! backup and building a batch each end in [`FileError::DiskFull`]: a Chinese
//! message that says the disk is full and what to free, with the stable
//! code `disk.full`. The school file's content is unchanged (every table,
//! read with SQLite, the same as before; the audit chain holds), nothing
//! half-written is left behind, and once there is room the same operation
//! succeeds.
//!
//! Where mounting is not allowed (not root), each test prints why and passes
//! without running.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;
#[path = "support/small_disk.rs"]
mod small_disk;
#[path = "support/upstream.rs"]
mod upstream;

use std::path::{Path, PathBuf};
use std::time::Duration;

use small_disk::SmallDisk;
use taoli_core::batches::{Backoff, KeyAccess};
use taoli_core::error::FileError;
use taoli_core::import::{ImportOptions, open};
use taoli_core::secrets::MemorySecretStore;
use taoli_core::store::BackupReason;
use taoli_core::{Error, SchoolFile};
use upstream::{SCHOOL, Upstream, add_complete_teacher, new_school};

/// The tmpfs: room for the school file, its log and a backup or two.
const DISK_KIB: u64 = 6 * 1024;
/// What the filler leaves free.
const LEFT_KIB: u64 = 4;

/// A school with a few complete teachers on a small disk, the clerk signed in.
fn school_on(disk: &SmallDisk) -> (PathBuf, SchoolFile) {
    let path = disk.path().join("2151012345-桃李镇中心小学.taoli");
    let mut file = accounts::create(&path, &new_school()).unwrap();
    for n in 1..=3 {
        add_complete_teacher(&mut file, &format!("教师{n}"), n);
    }
    (path, file)
}

/// Every row of every table of the school file, as SQLite reads it.
fn content(path: &Path) -> Vec<String> {
    let conn = accounts::raw_connection(path);
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut rows = Vec::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY rowid"))
            .unwrap();
        let columns = stmt.column_count();
        let mut query = stmt.query([]).unwrap();
        while let Some(row) = query.next().unwrap() {
            let values: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            rows.push(format!("{table}: {}", values.join(" | ")));
        }
    }
    rows
}

/// The failure is the disk-full error: its code, and a message that says
/// the disk is full, how much more room it needs, and what to do.
fn assert_disk_full(error: &Error) {
    assert_eq!(error.code(), "disk.full", "{error}");
    let message = error.to_string();
    assert!(message.starts_with("磁盘空间不足："), "{message}");
    assert!(message.contains("还需要约"), "{message}");
    assert!(message.contains(" MB"), "{message}");
    assert!(message.contains("请删除不用的文件"), "{message}");
    assert!(
        matches!(error, Error::File(FileError::DiskFull { needed_mb, .. }) if *needed_mb >= 1),
        "{error:?}"
    );
}

/// No `.partial` file anywhere on the disk.
fn assert_nothing_half_written(disk: &SmallDisk) {
    let mut folders = vec![disk.path().to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                assert!(
                    !name.ends_with(".partial") && !name.ends_with(".partial-journal"),
                    "left behind: {}",
                    path.display()
                );
            }
        }
    }
}

/// The file after the failure: the same content as before, the audit chain
/// whole; closed and reopened once there is room, the same still.
fn assert_unchanged(disk: &SmallDisk, path: &Path, file: SchoolFile, before: &[String]) {
    assert_eq!(content(path), before, "the school file changed");
    let check = file.audit().verify().unwrap();
    assert!(check.broken.is_none(), "{check:?}");
    // Closing moves the log into the file, which needs room.
    disk.empty_filler();
    file.close().unwrap();
    assert_eq!(content(path), before, "the school file changed once closed");
    let reopened = accounts::open(path).unwrap();
    assert!(reopened.audit().verify().unwrap().broken.is_none());
}

#[test]
fn a_teacher_edit_on_a_full_disk_is_refused_and_changes_nothing() {
    let Some(disk) = SmallDisk::mount(DISK_KIB) else {
        return;
    };
    let (path, mut file) = school_on(&disk);
    let teacher = file.teachers().all().unwrap().remove(0);
    let before = content(&path);
    disk.fill_leaving(LEFT_KIB);
    let error = file
        .data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("political_status".to_owned(), "01".to_owned())],
        )
        .unwrap_err();
    assert_disk_full(&error);
    assert_nothing_half_written(&disk);
    assert_unchanged(&disk, &path, file, &before);
    // With room again, the same edit is saved.
    let mut file = accounts::open(&path).unwrap();
    file.data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("political_status".to_owned(), "01".to_owned())],
        )
        .unwrap();
}

#[test]
fn a_backup_on_a_full_disk_is_refused_and_leaves_no_partial_copy() {
    let Some(disk) = SmallDisk::mount(DISK_KIB) else {
        return;
    };
    let (path, mut file) = school_on(&disk);
    let before = content(&path);
    disk.fill_leaving(LEFT_KIB);
    let error = file.backups().now(BackupReason::Manual).unwrap_err();
    assert_disk_full(&error);
    assert!(
        error.to_string().contains("-备份"),
        "names the backup folder: {error}"
    );
    assert_nothing_half_written(&disk);
    assert_eq!(file.backups().list().unwrap(), Vec::new());
    assert_unchanged(&disk, &path, file, &before);
    // With room again, the same backup is made.
    let mut file = accounts::open(&path).unwrap();
    file.backups().now(BackupReason::Manual).unwrap();
}

#[test]
fn an_import_on_a_full_disk_is_refused_and_imports_nothing() {
    let Some(disk) = SmallDisk::mount(DISK_KIB) else {
        return;
    };
    let (path, mut file) = school_on(&disk);
    let roster =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rosters/legacy-messy.xlsx");
    let mut plan = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &ImportOptions::default())
        .unwrap();
    let teachers = file.teachers().all().unwrap().len();
    let before = content(&path);
    disk.fill_leaving(LEFT_KIB);
    let error = file
        .imports()
        .commit(&mut plan, &mut |_, _| {})
        .unwrap_err();
    assert_disk_full(&error);
    assert_eq!(file.teachers().all().unwrap().len(), teachers);
    assert_nothing_half_written(&disk);
    assert_unchanged(&disk, &path, file, &before);
}

#[test]
fn building_a_batch_on_a_full_disk_is_refused_and_builds_none() {
    let Some(disk) = SmallDisk::mount(DISK_KIB) else {
        return;
    };
    let upstream = Upstream::start();
    let (path, mut file) = school_on(&disk);
    let keychain = MemorySecretStore::new();
    let keys = KeyAccess::new(Some(&keychain), None);
    let backoff = Backoff {
        initial: Duration::from_millis(5),
        max: Duration::from_millis(20),
        attempts: 3,
    };
    file.reporting()
        .enroll(&upstream.url(), &upstream.code(SCHOOL), &keys, backoff)
        .unwrap();
    let before = content(&path);
    disk.fill_leaving(LEFT_KIB);
    let carry = disk.path().join("第1批.taolibatch");
    let error = file
        .reporting()
        .export_batch(&keys, None, &carry)
        .unwrap_err();
    assert_disk_full(&error);
    assert!(!carry.exists());
    assert!(file.reporting().outbox_status().unwrap().batches.is_empty());
    assert_nothing_half_written(&disk);
    assert_unchanged(&disk, &path, file, &before);
}
