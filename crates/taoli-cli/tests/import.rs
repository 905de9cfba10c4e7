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
