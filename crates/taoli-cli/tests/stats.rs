//! `taoli stats` through the real binary: the tables in Chinese (English with
//! TAOLI_LANG=en), `--json` in the documented shape, `--xlsx` writing the
//! workbook, and the refusals (exit code 1 with a message saying what to do).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::fs;
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

mod support;
use support::{add_teacher, init_school, taoli};

const ZHANG_SAN_ID: &str = "11010519491231002X";
const LI_SI_ID: &str = "110105198001011238";

/// A school of two: 张三 with her 基本信息 and a 学习经历 row, 李四 with nothing.
fn school(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    init_school(&path);
    for (name, id) in [("张三", ZHANG_SAN_ID), ("李四", LI_SI_ID)] {
        add_teacher(&path, name, id);
    }
    taoli()
        .args(["teacher", "set"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID])
        .args(["性别=女", "民族=汉族", "政治面貌=01,04", "是否在编=是"])
        .assert()
        .success();
    taoli()
        .args(["record", "add"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "--group", "学习经历"])
        .args(["获得学历=大学本科"])
        .assert()
        .success();
    path
}

fn stats_json(path: &Path) -> serde_json::Value {
    let out = taoli()
        .args(["stats", "--json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn stats_prints_a_table_per_dimension_in_chinese() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let mut assert = taoli().arg("stats").arg(&path).assert().success();
    for heading in [
        "桃李镇中心小学 教师统计",
        "共 2 人",
        "性别",
        "年龄",
        "最高学历",
        "现任专业技术职务",
        "民族",
        "政治面貌",
        "是否在编",
        "教职工类别",
    ] {
        assert = assert.stdout(predicate::str::contains(heading));
    }
    assert
        .stdout(predicate::str::contains("  女\t1\t50.0%"))
        .stdout(predicate::str::contains("  大学本科毕业\t1\t50.0%"))
        .stdout(predicate::str::contains("  未填\t1\t50.0%"))
        .stdout(predicate::str::contains("  合计\t2"));
}

#[test]
fn stats_speaks_english_with_taoli_lang_en() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .env("TAOLI_LANG", "en")
        .arg("stats")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("teachers as of"))
        .stdout(predicate::str::contains("Gender"))
        .stdout(predicate::str::contains("  Female\t1\t50.0%"))
        .stdout(predicate::str::contains("  Not filled\t1"))
        .stdout(predicate::str::contains("  Total\t2"))
        .stdout(predicate::str::contains("合计").not());
}

#[test]
fn stats_json_totals_equal_the_teacher_count() {
    let dir = TempDir::new().unwrap();
    let stats = stats_json(&school(&dir));
    assert_eq!(stats["teachers"], 2);
    let dimensions = stats["dimensions"].as_array().unwrap();
    assert_eq!(dimensions.len(), 8);
    for d in dimensions {
        assert_eq!(d["total"], 2, "{}", d["id"]);
    }
}

#[test]
fn stats_json_counts_each_political_status_of_a_teacher() {
    let dir = TempDir::new().unwrap();
    let stats = stats_json(&school(&dir));
    let political = stats["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "political_status")
        .unwrap();
    assert_eq!(political["multi"], true);
    let count = |key: &str| {
        political["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["key"] == key)
            .map(|b| b["count"].clone())
    };
    assert_eq!(count("01"), Some(1.into()));
    assert_eq!(count("04"), Some(1.into()));
    assert_eq!(count("missing"), Some(1.into()));
}

#[test]
fn stats_xlsx_writes_a_workbook_and_says_so() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let out = dir.path().join("统计.xlsx");
    taoli()
        .arg("stats")
        .arg(&path)
        .arg("--xlsx")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("已把 2 位教师的统计表和图表写入"));
    assert!(fs::read(&out).unwrap().starts_with(b"PK\x03\x04"));
}

#[test]
fn stats_xlsx_into_a_missing_folder_is_refused_and_says_so() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .arg("stats")
        .arg(&path)
        .arg("--xlsx")
        .arg(dir.path().join("没有这个文件夹").join("统计.xlsx"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("无法写入统计表"))
        .stderr(predicate::str::contains("文件夹不存在"));
}

#[test]
fn stats_json_and_xlsx_together_are_refused() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let out = dir.path().join("统计.xlsx");
    taoli()
        .args(["stats", "--json", "--xlsx"])
        .arg(&out)
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("命令行参数有误"));
    assert!(!out.exists());
}

#[test]
fn every_stats_argument_has_english_help() {
    taoli()
        .env("TAOLI_LANG", "en")
        .args(["stats", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Count the school's teachers"))
        .stdout(predicate::str::contains("The school file"))
        .stdout(predicate::str::contains(
            "Print JSON (shape: docs/stats-json.md)",
        ))
        .stdout(predicate::str::contains(
            "Write the tables with their charts",
        ))
        .stdout(predicate::str::contains("学校文件").not())
        .stdout(predicate::str::contains("输出 JSON").not());
}
