//! `taoli audit` through the real binary: verify says the trail is intact
//! (exit 0) or where it was tampered with (exit 1); list shows the log newest
//! first with before → after; export writes a CSV and is itself recorded, as
//! is every `taoli export`.

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

const ZHANG_SAN_ID: &str = "11010519491231002X";

/// A school with 张三, her 民族 entered and then changed.
fn school(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    init_school(&path);
    add_teacher(&path, "张三", ZHANG_SAN_ID);
    for ethnicity in ["民族=汉族", "民族=回族"] {
        taoli()
            .args(["teacher", "set"])
            .arg(&path)
            .args(["--id-number", ZHANG_SAN_ID, ethnicity])
            .assert()
            .success();
    }
    path
}

fn tamper(path: &Path, sql: &str) {
    support::accounts::raw_connection(path)
        .execute_batch(sql)
        .unwrap();
}

#[test]
fn verify_says_an_untouched_trail_is_intact() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["audit", "verify"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("操作记录完整：共"))
        .stdout(predicate::str::contains("校验链未被改动"));
}

#[test]
fn verify_names_the_tampered_entry_and_exits_1() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    tamper(&path, "UPDATE revision SET actor = '李老师' WHERE id = 3");
    taoli()
        .args(["audit", "verify"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("第 3 条").and(predicate::str::contains("被改动过")));
}

#[test]
fn verify_json_gives_the_break() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    tamper(&path, "DELETE FROM revision WHERE id = 2");
    let out = taoli()
        .args(["audit", "verify", "--json"])
        .arg(&path)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let check: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(check["broken"]["id"], 3);
    assert_eq!(check["head"], serde_json::Value::Null);
}

#[test]
fn list_shows_the_newest_change_first_with_before_and_after() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let out = taoli()
        .args(["audit", "list"])
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // Newest first: the sign-ins of the commands (账号), then the last change.
    let first_change = text
        .lines()
        .find(|l| l.trim_start().starts_with(char::is_numeric) && !l.contains("账号"))
        .unwrap();
    assert!(
        first_change.contains("信息记录修改") && first_change.contains("张三"),
        "{text}"
    );
    assert!(text.contains("民族：汉族 → 回族"), "{text}");
    assert!(text.contains("账号登录"), "{text}");
}

#[test]
fn list_narrows_to_one_kind_of_operation() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let out = taoli()
        .args(["audit", "list", "--json", "--operation", "teacher"])
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let page: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["entries"][0]["operation"], "teacher");
}

#[test]
fn a_malformed_day_is_refused_with_exit_1() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["audit", "list", "--from", "2026/3/31"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("年-月-日"));
}

#[test]
fn export_writes_the_log_as_csv_and_records_the_export() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let csv = dir.path().join("操作记录.csv");
    taoli()
        .args(["audit", "export", "-o"])
        .arg(&csv)
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("已导出操作记录"));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with("\u{feff}编号,时间,操作人".as_bytes()));
    taoli()
        .args(["audit", "list", "--operation", "export"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("操作记录.csv"));
}

#[test]
fn every_export_is_recorded_in_the_trail() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["export", "--format", "csv", "--group", "基本信息"])
        .arg(&path)
        .assert()
        .success();
    let out = taoli()
        .args(["audit", "list", "--json", "--operation", "export"])
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let page: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["entries"][0]["actor"], "测试员");
    taoli()
        .args(["audit", "verify"])
        .arg(&path)
        .assert()
        .success();
}
