//! `taoli import`, `import-undo` and `import-history` through the real binary:
//! the committed messy rosters give their expected results, a commit can be
//! undone, and bad files are refused with the school file unchanged.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "../../taoli-core/tests/support/expected.rs"]
#[allow(dead_code)] // The core's own import tests use all of it.
mod expected;

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

mod support;
use support::taoli;

fn init(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    taoli()
        .arg("init")
        .arg(&path)
        .args([
            "--code",
            "2151072201",
            "--name",
            "XX县第一小学",
            "--type",
            "211",
            "--admin",
            support::ADMIN,
        ])
        .assert()
        .success();
    support::add_user(&path, support::CLERK, "信息管理员");
    path
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap()
}

/// A copy of a committed roster in `dir`, so files written beside it stay there.
fn roster(dir: &TempDir, name: &str) -> PathBuf {
    let to = dir.path().join(name);
    fs::copy(expected::rosters_dir().join(name), &to).unwrap();
    to
}

fn teacher_count(school: &Path) -> usize {
    let out = taoli()
        .args(["teacher", "list", "--json"])
        .arg(school)
        .output()
        .unwrap();
    json(&out.stdout).as_array().unwrap().len()
}

#[test]
fn a_dry_run_of_every_committed_roster_gives_its_expected_results() {
    for path in expected::expected_files() {
        let want = expected::load(&path);
        let dir = TempDir::new().unwrap();
        let school = init(&dir);
        let (sheets, map) = expected::options(&want);
        let mut cmd = taoli();
        cmd.arg("import")
            .arg(&school)
            .arg(expected::rosters_dir().join(want["file"].as_str().unwrap()))
            .args(["--dry-run", "--json"]);
        for s in &sheets {
            cmd.args(["--sheet", s]);
        }
        for m in &map {
            cmd.args(["--map", m]);
        }
        let out = cmd.output().unwrap();
        let got = json(&out.stdout);
        assert_eq!(got["dry_run"], true);
        let problems = expected::mismatches(&want, &got);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            path.display(),
            problems.join("\n")
        );
    }
}

#[test]
fn a_dry_run_writes_nothing_to_the_school_file() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    let before = support::accounts::data_snapshot(&school);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(roster(&dir, "gbk.csv"))
        .arg("--dry-run")
        .assert()
        .stdout(predicate::str::contains("这是预览，学校文件没有改动"));
    assert_eq!(support::accounts::data_snapshot(&school), before);
}

#[test]
fn an_import_with_refused_rows_commits_the_rest_writes_them_beside_the_roster_and_exits_1() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    let legacy = roster(&dir, "legacy-messy.xlsx");
    let out = taoli()
        .arg("import")
        .arg(&school)
        .arg(&legacy)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let got = json(&out.stdout);
    let new = got["counts"]["new"].as_u64().unwrap() as usize;
    assert_eq!(
        got["import"]["teachers_created"].as_u64().unwrap() as usize,
        new
    );
    assert_eq!(teacher_count(&school), new);
    let refused = dir.path().join("legacy-messy-未通过.xlsx");
    assert_eq!(got["refused_workbook"], refused.display().to_string());
    assert!(refused.exists());
}

#[test]
fn a_clean_import_exits_0_and_says_how_to_undo_it() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(roster(&dir, "template.xlsx"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("已导入").and(predicate::str::contains("taoli import-undo")),
        );
}

#[test]
fn import_undo_takes_back_the_latest_import() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(roster(&dir, "template.xlsx"))
        .assert()
        .success();
    assert!(teacher_count(&school) > 0);
    taoli()
        .arg("import-undo")
        .arg(&school)
        .assert()
        .success()
        .stdout(predicate::str::contains("已撤销导入"));
    assert_eq!(teacher_count(&school), 0);
}

#[test]
fn import_history_lists_each_import_with_its_id() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(roster(&dir, "template.xlsx"))
        .assert()
        .success();
    let out = taoli()
        .args(["import-history", "--json"])
        .arg(&school)
        .output()
        .unwrap();
    let runs = json(&out.stdout);
    assert_eq!(runs[0]["file_name"], "template.xlsx");
    let id = runs[0]["id"].as_str().unwrap().to_owned();
    taoli()
        .arg("import-undo")
        .arg(&school)
        .arg(&id)
        .assert()
        .success();
    taoli()
        .arg("import-undo")
        .arg(&school)
        .arg(&id)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("已于"));
}

#[test]
fn a_bad_file_is_refused_with_a_chinese_message_and_the_school_file_unchanged() {
    let want = expected::load(&expected::rosters_dir().join("expected/bad-files.json"));
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    let before = support::accounts::data_snapshot(&school);
    for file in want.as_object().unwrap().keys() {
        taoli()
            .arg("import")
            .arg(&school)
            .arg(expected::rosters_dir().join(file))
            .assert()
            .code(1)
            .stderr(predicate::str::is_match("[\u{4e00}-\u{9fff}]").unwrap());
        assert_eq!(
            support::accounts::data_snapshot(&school),
            before,
            "{file} changed the school file"
        );
    }
}

#[test]
fn a_mapping_without_an_equals_sign_is_refused_with_the_expected_form() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(roster(&dir, "gbk.csv"))
        .args(["--map", "来校时间"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("表头=指标"));
}

#[test]
fn unknown_columns_are_listed_never_silently_dropped() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(roster(&dir, "legacy-messy.xlsx"))
        .arg("--dry-run")
        .assert()
        .stdout(
            predicate::str::contains("未识别、不导入的列")
                .and(predicate::str::contains("家庭成员")),
        );
}

/// A valid resident ID number for a birth date (YYYYMMDD) and sequence.
fn resident_id(date: &str, seq: u32) -> String {
    let first17 = format!("510722{date}{seq:03}");
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

/// Twelve teachers whose 民族 no code table has, and thirty written 「汉 族」.
fn repetitive_roster(dir: &TempDir) -> PathBuf {
    let mut text = String::from("姓名,身份证件号,民族\n");
    for i in 0..12 {
        text.push_str(&format!(
            "教师{i},{},火星族\n",
            resident_id("19850304", 100 + i)
        ));
    }
    for i in 0..30 {
        text.push_str(&format!(
            "老师{i},{},汉 族\n",
            resident_id("19900101", 300 + i)
        ));
    }
    let path = dir.path().join("花名册.csv");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_problem_repeated_down_a_column_is_printed_once_with_its_count() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    let out = taoli()
        .arg("import")
        .arg(&school)
        .arg(repetitive_roster(&dir))
        .arg("--dry-run")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().filter(|l| l.contains("火星族")).count(),
        1,
        "{stdout}"
    );
    assert!(stdout.contains("民族（C 列）12 行"), "{stdout}");
    assert!(
        stdout.contains("民族（C 列）30 行写成了『汉 族』"),
        "{stdout}"
    );
}

#[test]
fn json_keeps_every_rows_own_message_beside_the_grouped_lines() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    let out = taoli()
        .arg("import")
        .arg(&school)
        .arg(repetitive_roster(&dir))
        .args(["--dry-run", "--json"])
        .output()
        .unwrap();
    let got = json(&out.stdout);
    let per_row = got["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["messages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["code"] == "import.pending_correction")
        })
        .count();
    assert_eq!(per_row, 12);
    let group = got["problem_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["code"] == "import.pending_correction")
        .unwrap();
    assert_eq!(group["count"], 12);
    assert_eq!(got["notes"][0]["count"], 30);
}

#[test]
fn an_import_with_cells_to_correct_writes_them_beside_the_roster() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(repetitive_roster(&dir))
        .assert()
        .success()
        .stdout(predicate::str::contains("待修正"));
    assert_eq!(teacher_count(&school), 42);
    assert!(dir.path().join("花名册-未通过.xlsx").exists());
}
