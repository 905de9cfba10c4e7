//! `taoli export` through the real binary: every format, where each goes
//! without `-o`, a workbook that `taoli import` reads back, and the refusals
//! (exit code 1 with a Chinese message saying what to do).

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
use support::taoli;

const ZHANG_SAN_ID: &str = "11010519491231002X";
const SCHOOL_NAME: &str = "桃李镇中心小学";

fn init(dir: &TempDir, file: &str) -> PathBuf {
    let path = dir.path().join(file);
    taoli()
        .arg("init")
        .arg(&path)
        .args([
            "--code",
            "2151012345",
            "--name",
            SCHOOL_NAME,
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

/// A school with 张三, a few of his 基本信息 values (birth date and gender as
/// his ID number says: an import fills in missing ones from it) and one 学习经历.
fn school_with_zhang_san(dir: &TempDir) -> PathBuf {
    let path = init(dir, "school.taoli");
    taoli()
        .args(["teacher", "add"])
        .arg(&path)
        .args(["--name", "张三", "--id-number", ZHANG_SAN_ID])
        .assert()
        .success();
    taoli()
        .args(["teacher", "set"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID])
        .args([
            "性别=女",
            "出生日期=1949-12-31",
            "民族=汉族",
            "政治面貌=01,04",
        ])
        .args(["参加工作年月=2005-09", "是否在编=是"])
        .assert()
        .success();
    taoli()
        .args(["record", "add"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "--group", "学习经历"])
        .args(["获得学历=大学本科", "入学年月=2001-09"])
        .assert()
        .success();
    path
}

fn is_xlsx(path: &Path) -> bool {
    fs::read(path).unwrap().starts_with(b"PK\x03\x04")
}

fn export_json(school: &Path) -> serde_json::Value {
    let out = taoli().arg("export").arg(school).output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn export_template_writes_a_workbook_where_o_says() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    let out = dir.path().join("模板.xlsx");
    taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "template", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("已生成导入模板"));
    assert!(is_xlsx(&out));
}

#[test]
fn export_template_without_o_is_named_after_the_school_in_the_current_folder() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    taoli()
        .current_dir(dir.path())
        .arg("export")
        .arg(&school)
        .args(["--format", "template"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "{SCHOOL_NAME}-导入模板.xlsx"
        )));
    assert!(is_xlsx(
        &dir.path().join(format!("{SCHOOL_NAME}-导入模板.xlsx"))
    ));
}

#[test]
fn export_xlsx_without_o_never_overwrites_an_earlier_one() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    let first = dir.path().join(format!("{SCHOOL_NAME}-教师数据.xlsx"));
    fs::write(&first, b"filled in by the clerk").unwrap();
    taoli()
        .current_dir(dir.path())
        .arg("export")
        .arg(&school)
        .args(["--format", "xlsx"])
        .assert()
        .success();
    assert_eq!(fs::read(&first).unwrap(), b"filled in by the clerk");
    assert!(is_xlsx(
        &dir.path().join(format!("{SCHOOL_NAME}-教师数据(2).xlsx"))
    ));
}

#[test]
fn an_exported_xlsx_imports_back_into_an_empty_school() {
    let dir = TempDir::new().unwrap();
    let school = school_with_zhang_san(&dir);
    let workbook = dir.path().join("data.xlsx");
    taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "xlsx", "-o"])
        .arg(&workbook)
        .assert()
        .success()
        .stdout(predicate::str::contains("taoli import"));
    let fresh = init(&dir, "fresh.taoli");
    taoli()
        .arg("import")
        .arg(&fresh)
        .arg(&workbook)
        .assert()
        .success();
    let (before, after) = (export_json(&school), export_json(&fresh));
    let fields = |export: &serde_json::Value| -> Vec<serde_json::Value> {
        export["teachers"][0]["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| serde_json::json!([r["group_code"], r["row_order"], r["fields"]]))
            .collect()
    };
    assert_eq!(after["teachers"][0]["name"], "张三");
    assert_eq!(fields(&after), fields(&before));
}

#[test]
fn export_csv_goes_to_standard_output_with_a_bom_and_crlf() {
    let dir = TempDir::new().unwrap();
    let school = school_with_zhang_san(&dir);
    let out = taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "csv", "--group", "基本信息"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\r\n张三,居民身份证,11010519491231002X,"),
        "{text}"
    );
}

#[test]
fn export_csv_takes_the_group_s_id() {
    let dir = TempDir::new().unwrap();
    let school = school_with_zhang_san(&dir);
    let out = dir.path().join("education.csv");
    taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "csv", "--group", "education", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = String::from_utf8(fs::read(&out).unwrap()).unwrap();
    assert!(text.contains("大学本科"), "{text}");
}

#[test]
fn export_csv_without_a_group_is_refused_with_the_groups_listed() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "csv"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--group"))
        .stderr(predicate::str::contains("基本信息、联系方式、学习经历"));
}

#[test]
fn export_csv_of_an_unknown_group_is_refused_with_the_valid_ones() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "csv", "--group", "工资"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("「工资」"))
        .stderr(predicate::str::contains("可用的信息项：基本信息"));
}

#[test]
fn export_group_is_refused_for_a_workbook() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    taoli()
        .current_dir(dir.path())
        .arg("export")
        .arg(&school)
        .args(["--format", "template", "--group", "基本信息"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--group 只用于 CSV"));
    // Only the school file and its recovery file: no export was written.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn export_into_a_missing_folder_is_refused_and_says_so() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "xlsx", "-o"])
        .arg(dir.path().join("没有这个文件夹").join("数据.xlsx"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("无法写入导出文件"))
        .stderr(predicate::str::contains("文件夹不存在"));
}

#[test]
fn export_json_into_a_missing_folder_is_refused_the_same_way() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    taoli()
        .arg("export")
        .arg(&school)
        .arg("-o")
        .arg(dir.path().join("没有这个文件夹").join("school.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("无法写入导出文件"));
}

#[test]
fn export_help_lists_every_format_in_chinese() {
    taoli()
        .args(["export", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("空白导入模板"))
        .stdout(predicate::str::contains("--group"))
        .stdout(predicate::str::contains("json, template, xlsx, csv"));
}

#[test]
fn every_export_argument_has_english_help() {
    taoli()
        .env("TAOLI_LANG", "en")
        .args(["export", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("The school file"))
        .stdout(predicate::str::contains(
            "Output format: json the whole school",
        ))
        .stdout(predicate::str::contains(
            "The information group of a CSV export",
        ))
        .stdout(predicate::str::contains("Write to this file"))
        .stdout(predicate::str::contains("导出格式").not())
        .stdout(predicate::str::contains("写入此文件").not());
}

// ---------------------------------------------------------------- --national

#[test]
fn export_national_writes_the_template_s_headers_and_code_dash_name_values() {
    let dir = TempDir::new().unwrap();
    let school = school_with_zhang_san(&dir);
    let out = taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "csv", "--group", "基本信息", "--national"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "*是否心里健康教育教师",
        "\"*出生日期\n(yyyy-MM-dd)\"",
        "1-居民身份证",
        "2-女",
        "01-汉族",
        "01-中共党员、04-民革会员",
        "1-是",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}

#[test]
fn export_national_xlsx_without_o_says_so_in_its_name() {
    let dir = TempDir::new().unwrap();
    let school = school_with_zhang_san(&dir);
    let name = format!("{SCHOOL_NAME}-教师数据-国家模板格式.xlsx");
    taoli()
        .current_dir(dir.path())
        .arg("export")
        .arg(&school)
        .args(["--format", "xlsx", "--national"])
        .assert()
        .success()
        .stdout(predicate::str::contains("国家模板格式"))
        .stdout(predicate::str::contains(name.as_str()));
    assert!(is_xlsx(&dir.path().join(name)));
}

#[test]
fn export_national_json_is_refused_with_what_to_do() {
    let dir = TempDir::new().unwrap();
    let school = init(&dir, "school.taoli");
    taoli()
        .arg("export")
        .arg(&school)
        .args(["--format", "json", "--national"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("国家模板格式只用于表格导出"))
        .stderr(predicate::str::contains("--format xlsx"));
}
