//! `taoli teacher status|history` and `taoli teacher list --departed|--all`
//! through the real binary: a change of 人员状态 that takes effect at once,
//! one that waits for the county and its withdrawal, the history as a table
//! and as JSON, the departed listed apart, and refusals that say what to do.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

mod support;
use support::{add_teacher, init_school, taoli, taoli_as_admin};

const ZHANG_SAN_ID: &str = "11010519491231002X";
const LI_SI_ID: &str = "110105198001011238";

/// A school of two teachers in post (人员状态 100).
fn school(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    init_school(&path);
    for (name, id) in [("张三", ZHANG_SAN_ID), ("李四", LI_SI_ID)] {
        add_teacher(&path, name, id);
        taoli()
            .args(["teacher", "set"])
            .arg(&path)
            .args(["--id-number", id, "人员状态=100"])
            .assert()
            .success();
    }
    path
}

/// The school with a province pack under which the school records a
/// departure at once.
fn school_deciding_departures(dir: &TempDir) -> PathBuf {
    let path = school(dir);
    let pack = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/province/status-changes-school-decides.toml");
    taoli_as_admin()
        .args(["province", "use"])
        .arg(&path)
        .arg(&pack)
        .assert()
        .success();
    path
}

fn status(path: &Path, id: &str, rest: &[&str]) -> assert_cmd::assert::Assert {
    taoli()
        .args(["teacher", "status"])
        .arg(path)
        .args(["--id-number", id])
        .args(rest)
        .assert()
}

#[test]
fn a_change_the_school_decides_is_reported_in_effect() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    status(
        &path,
        ZHANG_SAN_ID,
        &[
            "--to",
            "进修",
            "--date",
            "2026-09-01",
            "--reason",
            "脱产进修一年",
        ],
    )
    .success()
    .stdout(predicate::str::contains(
        "已变动：张三 自 2026-09-01 起为 204 进修",
    ));
}

#[test]
fn a_departure_the_county_approves_is_reported_as_waiting() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    status(
        &path,
        ZHANG_SAN_ID,
        &[
            "--to",
            "301",
            "--date",
            "2026-08-31",
            "--reason",
            "到龄退休",
            "--evidence",
            "桃教人〔2026〕12号",
        ],
    )
    .success()
    .stdout(predicate::str::contains("需上级审核"));
}

#[test]
fn a_waiting_change_can_be_withdrawn() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    status(
        &path,
        ZHANG_SAN_ID,
        &[
            "--to",
            "306",
            "--date",
            "2026-08-31",
            "--reason",
            "辞职",
            "--evidence",
            "辞职申请",
        ],
    )
    .success();
    status(&path, ZHANG_SAN_ID, &["--withdraw"])
        .success()
        .stdout(predicate::str::contains(
            "已撤回 张三 变动为「306 辞职」的申请",
        ));
}

#[test]
fn withdrawing_with_nothing_waiting_says_so() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    status(&path, ZHANG_SAN_ID, &["--withdraw"])
        .failure()
        .stderr(predicate::str::contains("没有等待上级审核的变动"));
}

#[test]
fn a_change_without_evidence_it_needs_is_refused_saying_what_to_add() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    status(
        &path,
        ZHANG_SAN_ID,
        &[
            "--to",
            "退休",
            "--date",
            "2026-08-31",
            "--reason",
            "到龄退休",
        ],
    )
    .failure()
    .stderr(predicate::str::contains("需要填写证明材料"));
}

#[test]
fn the_history_lists_each_event_with_its_state() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    status(
        &path,
        ZHANG_SAN_ID,
        &[
            "--to",
            "202",
            "--date",
            "2026-03-01",
            "--reason",
            "借调到县教育局",
        ],
    )
    .success();
    taoli()
        .args(["teacher", "history"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID])
        .assert()
        .success()
        .stdout(predicate::str::contains("张三：现为 202"))
        .stdout(predicate::str::contains("建档时"))
        .stdout(predicate::str::contains("2026-03-01\t202"))
        .stdout(predicate::str::contains("借调到县教育局"));
}

#[test]
fn the_history_as_json_has_the_events() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    status(
        &path,
        ZHANG_SAN_ID,
        &["--to", "204", "--date", "2026-09-01", "--reason", "进修"],
    )
    .success();
    let out = taoli()
        .args(["teacher", "history"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["current"], "204");
    assert_eq!(json["events"][1]["reason"], "进修");
    assert_eq!(json["events"][1]["state"], "in_effect");
}

#[test]
fn the_teacher_list_leaves_out_the_departed_and_says_how_many() {
    let dir = TempDir::new().unwrap();
    let path = school_deciding_departures(&dir);
    status(
        &path,
        LI_SI_ID,
        &["--to", "307", "--date", "2026-01-05", "--reason", "离职"],
    )
    .success();
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("张三"))
        .stdout(predicate::str::contains("李四").not())
        .stdout(predicate::str::contains("另有离校教师 1 人"));
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .arg("--departed")
        .assert()
        .success()
        .stdout(predicate::str::contains("李四"))
        .stdout(predicate::str::contains("张三").not());
}

#[test]
fn status_messages_are_in_english_with_taoli_lang_en() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .env("TAOLI_LANG", "en")
        .args(["teacher", "status"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID])
        .args([
            "--to",
            "204",
            "--date",
            "2026-09-01",
            "--reason",
            "further study",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Changed: 张三 is 204"));
}

#[test]
fn a_typo_in_a_name_is_corrected_with_its_reason() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["teacher", "correct"])
        .arg(&path)
        .args([
            "--id-number",
            ZHANG_SAN_ID,
            "--name",
            "张珊",
            "--reason",
            "姓名录入错字",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("已更正：张三"))
        .stdout(predicate::str::contains("→ 张珊"));
}

#[test]
fn a_correction_without_a_reason_is_refused_by_the_command_line() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["teacher", "correct"])
        .arg(&path)
        .args([
            "--id-number",
            ZHANG_SAN_ID,
            "--name",
            "张珊",
            "--reason",
            " ",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("请写明更正的理由"));
}

#[test]
fn a_teacher_entered_by_mistake_is_removed() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["teacher", "remove"])
        .arg(&path)
        .args(["--id-number", LI_SI_ID, "--reason", "重复录入"])
        .assert()
        .success()
        .stdout(predicate::str::contains("已删除教师 李四"));
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("李四").not());
}

#[test]
fn a_teacher_registered_twice_is_listed_and_merged() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["teacher", "add"])
        .arg(&path)
        .args([
            "--name",
            "张三",
            "--id-type",
            "A",
            "--id-number",
            ZHANG_SAN_ID,
        ])
        .assert()
        .success();
    taoli()
        .args(["teacher", "duplicates"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("证件号相同"))
        .stdout(predicate::str::contains("共 1 组"));
    taoli()
        .args(["teacher", "merge"])
        .arg(&path)
        .args(["--keep", ZHANG_SAN_ID, "--keep-id-type", "1"])
        .args(["--merge", ZHANG_SAN_ID, "--merge-id-type", "A"])
        .args(["--reason", "同一人用两种证件重复登记"])
        .assert()
        .success()
        .stdout(predicate::str::contains("已合并"));
    taoli()
        .args(["teacher", "duplicates"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("没有疑似重复的教师"));
}

#[test]
fn teacher_list_status_lists_the_teachers_in_that_status() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    status(
        &path,
        LI_SI_ID,
        &[
            "--to",
            "进修",
            "--date",
            "2026-09-01",
            "--reason",
            "脱产进修一年",
        ],
    )
    .success();
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .args(["--status", "进修"])
        .assert()
        .success()
        .stdout(predicate::str::contains("李四"))
        .stdout(predicate::str::contains("张三").not());
}

#[test]
fn teacher_list_with_an_unknown_status_says_so() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["teacher", "list"])
        .arg(&path)
        .args(["--status", "不存在的状态"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("不存在的状态"));
}
