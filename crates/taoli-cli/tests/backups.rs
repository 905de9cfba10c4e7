//! `taoli backup`, `backup-list` and `restore` through the real binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

mod support;
use support::{add_teacher, init_school, taoli};

fn school(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("桃李.taoli");
    init_school(&path);
    add_teacher(&path, "张三", "11010519491231002X");
    path
}

fn backup_json(path: &Path, extra: &[&str]) -> serde_json::Value {
    let out = taoli()
        .args(["backup", "--json"])
        .args(extra)
        .arg(path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn teacher_names(path: &Path) -> String {
    let out = taoli()
        .args(["teacher", "list"])
        .arg(path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_backup_goes_to_the_folder_beside_the_school_file_and_is_listed() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let backup = backup_json(&path, &[]);
    assert_eq!(backup["reason"], "manual");
    assert!(backup["path"].as_str().unwrap().contains("桃李-备份/桃李-"));
    taoli()
        .arg("backup-list")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("手动").and(predicate::str::contains("共 1 份")));
}

#[test]
fn a_backup_to_a_chosen_folder_lands_there() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let usb = dir.path().join("U盘");
    let backup = backup_json(&path, &["--to", usb.to_str().unwrap()]);
    assert!(Path::new(backup["path"].as_str().unwrap()).starts_with(&usb));
}

#[test]
fn restore_brings_back_the_backup_and_says_where_the_file_as_it_was_went() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let backup = backup_json(&path, &[]);
    add_teacher(&path, "李四", "110105198001011238");
    support::taoli_as_admin()
        .arg("restore")
        .arg(&path)
        .arg(backup["path"].as_str().unwrap())
        .assert()
        .success()
        .stdout(predicate::str::contains("恢复前的文件已备份为"));
    let names = teacher_names(&path);
    assert!(names.contains("张三") && !names.contains("李四"), "{names}");
    taoli()
        .args(["audit", "verify"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn restoring_a_file_that_is_not_a_backup_is_refused_with_exit_1() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let junk = dir.path().join("笔记.taoli");
    std::fs::write(&junk, "不是数据库").unwrap();
    support::taoli_as_admin()
        .arg("restore")
        .arg(&path)
        .arg(&junk)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("不能用来恢复"));
    assert!(teacher_names(&path).contains("张三"));
}

#[test]
fn a_backup_from_before_a_password_change_restores_with_the_password_of_that_time() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let backup = backup_json(&path, &[]);
    add_teacher(&path, "李四", "110105198001011238");
    const NEW: &str = "a-new-admin-password";
    support::taoli_as_admin()
        .args(["user", "passwd"])
        .arg(&path)
        .env("TAOLI_NEW_PASSWORD", NEW)
        .assert()
        .success();
    let as_admin_now = || {
        let mut cmd = support::taoli_as_admin();
        cmd.env("TAOLI_PASSWORD", NEW)
            .env("TAOLI_ADMIN_PASSWORD", NEW);
        cmd
    };
    // Without the old password there is nothing to open the backup with.
    as_admin_now()
        .arg("restore")
        .arg(&path)
        .arg(backup["path"].as_str().unwrap())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("TAOLI_BACKUP_PASSWORD"));
    as_admin_now()
        .env("TAOLI_BACKUP_PASSWORD", support::PASSWORD)
        .arg("restore")
        .arg(&path)
        .arg(backup["path"].as_str().unwrap())
        .assert()
        .success();
    let mut list = taoli();
    list.env("TAOLI_ADMIN_PASSWORD", NEW)
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("张三").and(predicate::str::contains("李四").not()));
}
