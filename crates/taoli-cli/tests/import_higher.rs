//! `taoli import` of a small 高校 roster through the real binary: a 大学
//! (办学类型 411) reports the 高校 set, so the roster's 高等学校 headers (学缘结构,
//! 所在二级单位, 导师类别, 现主要从事学科领域 …) map to that set's fields and
//! its values to that set's code tables.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use serde_json::Value;
use tempfile::TempDir;

mod support;
use support::taoli;

/// A 大学 (办学类型 411) with the test clerk.
fn university(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("university.taoli");
    taoli()
        .arg("init")
        .arg(&path)
        .args([
            "--code",
            "4151010001",
            "--name",
            "桃李大学",
            "--type",
            "411",
            "--admin",
            support::ADMIN,
        ])
        .assert()
        .success();
    support::add_user(&path, support::CLERK, "信息管理员");
    path
}

/// A resident ID number with a valid check character.
fn id(first17: &str) -> String {
    let check = taoli_core::id_number::check_character(first17).unwrap();
    format!("{first17}{check}")
}

const BASIC_HEADERS: [&str; 20] = [
    "*姓名",
    "*身份证件类型",
    "*身份证件号",
    "*性别",
    "*出生日期\n(yyyy-MM-dd)",
    "*国籍/地区",
    "*民族",
    "*政治面貌",
    "*婚姻状况",
    "*健康状况",
    "*参加工作年月",
    "*进本校年月",
    "*教职工来源",
    "*学缘结构",
    "*教职工类别",
    "*是否在编",
    "*签订合同情况",
    "所在二级单位",
    "*人员状态",
    "教职工号",
];

const TEACHING_HEADERS: [&str; 9] = [
    "*姓名",
    "*身份证件号",
    "*年度",
    "*学期",
    "*导师类别",
    "现主要从事学科领域",
    "*是否为本科生上课",
    "课程教学课时数",
    "其他工作折合课时数",
];

/// Two 高校 teachers on 基本信息 and one 教育教学 row each, with the values as
/// a clerk writes them (names, not codes).
fn write_roster(path: &Path, wang: &str, zhao: &str) {
    let basic: [[&str; 20]; 2] = [
        [
            "王教授",
            "居民身份证",
            wang,
            "男",
            "1975-03-08",
            "中国",
            "汉族",
            "中共党员",
            "已婚",
            "健康或良好",
            "2003-07",
            "2003-07",
            "应届毕业生",
            "外校（境外）",
            "专任教师",
            "是",
            "聘用合同",
            "计算机科学与技术学院",
            "在本单位任职",
            "T0001",
        ],
        [
            "赵研究员",
            "居民身份证",
            zhao,
            "女",
            "1982-11-20",
            "中国",
            "回族",
            "群众",
            "未婚",
            "健康或良好",
            "2010-09",
            "2012-01",
            "调入",
            "本校",
            "科研机构人员",
            "是",
            "聘用合同",
            "先进材料研究院",
            "在本单位任职",
            "T0002",
        ],
    ];
    let teaching: [[&str; 9]; 2] = [
        [
            "王教授",
            wang,
            "2024",
            "下半年",
            "博士生导师",
            "计算机科学与技术",
            "是",
            "64",
            "12.5",
        ],
        [
            "赵研究员",
            zhao,
            "2024",
            "上半年",
            "硕导",
            "材料科学与工程",
            "否",
            "0",
            "40",
        ],
    ];
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("基本信息").unwrap();
    for (col, header) in BASIC_HEADERS.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    for (row, values) in basic.iter().enumerate() {
        for (col, value) in values.iter().enumerate() {
            sheet
                .write_string(row as u32 + 1, col as u16, *value)
                .unwrap();
        }
    }
    let sheet = workbook.add_worksheet().set_name("教育教学").unwrap();
    for (col, header) in TEACHING_HEADERS.iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    for (row, values) in teaching.iter().enumerate() {
        for (col, value) in values.iter().enumerate() {
            sheet
                .write_string(row as u32 + 1, col as u16, *value)
                .unwrap();
        }
    }
    workbook.save(path).unwrap();
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap()
}

/// The exported fields of `group` for the teacher with `id_number`.
fn records(export: &Value, id_number: &str, group: &str) -> Vec<Value> {
    let teacher = export["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t.to_string().contains(id_number))
        .unwrap_or_else(|| panic!("no teacher {id_number} in {export:#}"));
    teacher["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["group_code"] == group)
        .map(|r| r["fields"].clone())
        .collect()
}

#[test]
fn a_university_roster_imports_into_the_university_set_with_its_own_codes() {
    let dir = TempDir::new().unwrap();
    let school = university(&dir);
    let (wang, zhao) = (id("11010519750308001"), id("31010419821120002"));
    let roster = dir.path().join("高校教师信息.xlsx");
    write_roster(&roster, &wang, &zhao);

    let out = taoli()
        .arg("import")
        .arg(&school)
        .arg(&roster)
        .arg("--json")
        .output()
        .unwrap();
    let got = json(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{got:#}");
    assert_eq!(got["counts"]["refused"], 0, "{got:#}");
    assert_eq!(got["import"]["teachers_created"], 2, "{got:#}");

    let out = taoli().arg("export").arg(&school).output().unwrap();
    let export = json(&out.stdout);
    let basic = &records(&export, &wang, "basic")[0];
    assert_eq!(basic["academic_origin"], "3");
    assert_eq!(basic["staff_category"], "A1");
    assert_eq!(basic["secondary_unit"], "计算机科学与技术学院");
    assert_eq!(basic["marital_status"], "20");
    let basic = &records(&export, &zhao, "basic")[0];
    assert_eq!(basic["academic_origin"], "1");
    assert_eq!(
        basic["staff_category"], "B",
        "the 高校 table's 科研机构人员"
    );

    let teaching = &records(&export, &wang, "teaching")[0];
    assert_eq!(teaching["year"], "2024");
    assert_eq!(teaching["term"], "2");
    assert_eq!(teaching["supervisor_type"], "1");
    assert_eq!(teaching["discipline"], "0812");
    assert_eq!(teaching["teaches_undergraduates"], "1");
    let teaching = &records(&export, &zhao, "teaching")[0];
    assert_eq!(teaching["term"], "1");
    assert_eq!(teaching["supervisor_type"], "2");
    assert_eq!(teaching["discipline"], "0805");
}

#[test]
fn an_imported_university_teacher_is_validated_against_the_university_set() {
    let dir = TempDir::new().unwrap();
    let school = university(&dir);
    let (wang, zhao) = (id("11010519750308001"), id("31010419821120002"));
    let roster = dir.path().join("高校教师信息.xlsx");
    write_roster(&roster, &wang, &zhao);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(&roster)
        .assert()
        .success();
    let out = taoli()
        .args(["validate", "--json"])
        .arg(&school)
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_eq!(report["set"], "university");
    let problems = report["problems"].as_array().unwrap();
    let basic_required: Vec<&Value> = problems
        .iter()
        .filter(|p| p["rule"] == "required" && p["group"] == "basic")
        .collect();
    assert!(basic_required.is_empty(), "{basic_required:#?}");
    assert!(
        !problems
            .iter()
            .any(|p| p["field"] == "normal_major_graduate"),
        "a 中小学 field was asked for: {problems:#?}"
    );
}
