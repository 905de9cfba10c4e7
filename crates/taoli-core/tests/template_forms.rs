#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! A filled copy of a national import template: `*` required markers and
//! line-broken format hints in the headers, dropdown values in the
//! 「代码-名称」 form, the template's own typo (心里健康), and its code sheet
//! placed before the data. Every row imports with every value right.

#[path = "support/accounts.rs"]
mod accounts;

use std::path::{Path, PathBuf};

use taoli_core::NewSchool;
use taoli_core::import::{ImportOptions, open};
use tempfile::TempDir;

fn school(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    let school = NewSchool {
        code: "2151072201".into(),
        name: "XX县第一小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    accounts::create(&path, &school).unwrap().close().unwrap();
    path
}

fn id(date: &str, seq: u32) -> String {
    let first17 = format!("510722{date}{seq:03}");
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

const HEADERS: [&str; 7] = [
    "*姓名",
    "*身份证件号",
    "*性别",
    "*出生日期\n(yyyy-MM-dd)",
    "*民族",
    "*政治面貌",
    "*是否心里健康教育教师",
];

/// The template: its code sheet 基础信息 first, then 教师信息.
fn template(dir: &Path, rows: &[[String; 7]]) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let codes = book.add_worksheet();
    codes.set_name("基础信息").unwrap();
    for (j, h) in ["性别", "民族", "政治面貌", "是否"].iter().enumerate() {
        codes.write_string(0, j as u16, *h).unwrap();
    }
    for (i, v) in ["1-男", "2-女"].iter().enumerate() {
        codes.write_string(i as u32 + 1, 0, *v).unwrap();
    }
    for (i, v) in ["01-汉族", "02-蒙古族", "03-回族"].iter().enumerate() {
        codes.write_string(i as u32 + 1, 1, *v).unwrap();
    }
    for (i, v) in ["01-中共党员", "13-群众"].iter().enumerate() {
        codes.write_string(i as u32 + 1, 2, *v).unwrap();
    }
    for (i, v) in ["0-否", "1-是"].iter().enumerate() {
        codes.write_string(i as u32 + 1, 3, *v).unwrap();
    }
    let data = book.add_worksheet();
    data.set_name("教师信息").unwrap();
    for (j, h) in HEADERS.iter().enumerate() {
        data.write_string(0, j as u16, *h).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            data.write_string(i as u32 + 1, j as u16, v).unwrap();
        }
    }
    let path = dir.join("教师信息导入模板.xlsx");
    book.save(&path).unwrap();
    path
}

fn rows() -> Vec<[String; 7]> {
    vec![
        [
            "张三".into(),
            id("19850304", 101),
            "1-男".into(),
            "1985-03-04".into(),
            "01-汉族".into(),
            "01-中共党员".into(),
            "0-否".into(),
        ],
        [
            "李　四".into(),
            id("19900215", 102),
            "2-女".into(),
            "1990-02-15".into(),
            "03-回族".into(),
            "13-群众".into(),
            "1-专职".into(),
        ],
    ]
}

#[test]
fn the_templates_code_sheet_is_passed_over_and_the_preview_says_so() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = template(dir.path(), &rows());
    let mut file = accounts::open(&school).unwrap();
    let plan = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &ImportOptions::default())
        .unwrap();
    let read: Vec<&str> = plan
        .preview
        .sheets
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(read, ["教师信息"]);
    assert_eq!(plan.preview.skipped_sheets.len(), 1);
    assert_eq!(plan.preview.skipped_sheets[0].name, "基础信息");
}

#[test]
fn every_row_of_a_filled_template_imports_with_every_value_right() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let rows = rows();
    let roster = template(dir.path(), &rows);
    let mut file = accounts::open(&school).unwrap();
    let mut plan = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &ImportOptions::default())
        .unwrap();
    assert_eq!(
        plan.preview.counts.new, 2,
        "{:?}",
        plan.preview.problem_groups
    );
    assert!(plan.pending.is_empty(), "{:?}", plan.pending);
    file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    let want = [
        ("张三", "1", "1985-03-04", "01", "01", "0"),
        ("李四", "2", "1990-02-15", "03", "13", "1"),
    ];
    for (row, (name, gender, birth, ethnicity, political, mental)) in rows.iter().zip(want) {
        let teacher = file.teachers().by_id_number(None, &row[1]).unwrap();
        assert_eq!(teacher.name, name);
        let basic = file
            .teachers()
            .records(&teacher.id)
            .unwrap()
            .into_iter()
            .find(|r| r.group_code == "basic")
            .unwrap()
            .fields;
        assert_eq!(basic["gender"], gender);
        assert_eq!(basic["birth_date"], birth);
        assert_eq!(basic["ethnicity"], ethnicity);
        assert_eq!(basic["political_status"], serde_json::json!([political]));
        assert_eq!(basic["mental_health_teacher"], mental);
    }
}

#[test]
fn a_sheet_the_clerk_chose_without_name_columns_is_still_refused_with_the_reason() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = template(dir.path(), &rows());
    let mut file = accounts::open(&school).unwrap();
    let options = ImportOptions {
        sheets: vec!["基础信息".into()],
        ..ImportOptions::default()
    };
    let err = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &options)
        .unwrap_err();
    assert!(err.to_string().contains("基础信息"), "{err}");
}
