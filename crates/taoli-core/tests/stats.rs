//! The school's statistics (统计): each dimension counted on a small school
//! built here, ages at the edges of their bands on a fixed day, missing values
//! in 「未填」, derived fields taken from their source group as the catalog's
//! rules say, and the workbook with a table and a chart per dimension.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use serde_json::json;
use taoli_core::error::Error;
use taoli_core::error::ExportError;
use taoli_core::id_number::check_character;
use taoli_core::stats::{ChartKind, Dimension, MISSING_KEY, SchoolStats, StatsDimension, workbook};
use taoli_core::{NewSchool, NewTeacher, SchoolFile, Teacher};
use tempfile::TempDir;

/// The day every test counts ages on.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

fn school(dir: &TempDir) -> SchoolFile {
    accounts::create(
        &dir.path().join("school.taoli"),
        &NewSchool {
            code: "2151012345".into(),
            name: "桃李镇中心小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap()
}

/// A valid resident ID number for someone born on `birth` (YYYYMMDD);
/// `sequence` tells people apart (odd: a man).
fn resident_id(birth: &str, sequence: &str) -> String {
    let first17 = format!("110105{birth}{sequence}");
    format!("{first17}{}", check_character(&first17).unwrap())
}

fn add(file: &mut SchoolFile, name: &str, id_number: &str) -> Teacher {
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: "1".into(),
            id_number: id_number.into(),
        })
        .unwrap()
}

/// A teacher with a passport: nothing of 基本信息 filled from the number.
fn add_passport_holder(file: &mut SchoolFile, name: &str, number: &str) -> Teacher {
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: "A".into(),
            id_number: number.into(),
        })
        .unwrap()
}

/// A teacher born on 1990-01-01 (by the ID number) with nothing else filled.
fn add_plain(file: &mut SchoolFile, name: &str, sequence: &str) -> Teacher {
    add(file, name, &resident_id("19900101", sequence))
}

fn set(file: &mut SchoolFile, teacher: &Teacher, assignments: &[(&str, &str)]) {
    let assignments: Vec<(String, String)> = assignments
        .iter()
        .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
        .collect();
    file.data_entry()
        .set_fields(&teacher.id, "基本信息", &assignments)
        .unwrap();
}

fn add_row(file: &mut SchoolFile, teacher: &Teacher, group: &str, assignments: &[(&str, &str)]) {
    let assignments: Vec<(String, String)> = assignments
        .iter()
        .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
        .collect();
    file.data_entry()
        .add_group_record(&teacher.id, group, &assignments)
        .unwrap();
}

fn stats(file: &SchoolFile) -> SchoolStats {
    file.stats().count_as_of(today()).unwrap()
}

fn dimension(stats: &SchoolStats, id: Dimension) -> &StatsDimension {
    stats.dimension(id).unwrap()
}

/// The dimension's buckets as (label, count), in order.
fn counts(stats: &SchoolStats, id: Dimension) -> Vec<(String, usize)> {
    dimension(stats, id)
        .buckets
        .iter()
        .map(|b| (b.label.clone(), b.count))
        .collect()
}

fn count_of(stats: &SchoolStats, id: Dimension, label: &str) -> usize {
    dimension(stats, id)
        .buckets
        .iter()
        .find(|b| b.label == label)
        .map_or(0, |b| b.count)
}

fn pairs(expected: &[(&str, usize)]) -> Vec<(String, usize)> {
    expected
        .iter()
        .map(|(l, c)| ((*l).to_owned(), *c))
        .collect()
}

#[test]
fn every_dimension_counts_every_teacher_once_in_its_total() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let a = add_plain(&mut file, "张一", "001");
    add_plain(&mut file, "张二", "003");
    add_plain(&mut file, "张三", "005");
    set(&mut file, &a, &[("性别", "男"), ("民族", "汉族")]);
    let stats = stats(&file);
    assert_eq!(stats.teachers, 3);
    let ids: Vec<Dimension> = stats.dimensions.iter().map(|d| d.id).collect();
    assert_eq!(
        ids,
        [
            Dimension::Gender,
            Dimension::Age,
            Dimension::HighestEducation,
            Dimension::CurrentTitle,
            Dimension::Ethnicity,
            Dimension::PoliticalStatus,
            Dimension::OnEstablishment,
            Dimension::StaffCategory,
        ]
    );
    for d in &stats.dimensions {
        assert_eq!(d.total, 3, "{:?}", d.id);
        let sum: usize = d.buckets.iter().map(|b| b.count).sum();
        assert_eq!(sum, 3, "{:?}", d.id);
    }
}

#[test]
fn gender_is_counted_by_the_code_table_labels() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    for (name, seq, gender) in [("甲", "001", "男"), ("乙", "003", "1"), ("丙", "002", "女")] {
        let t = add_plain(&mut file, name, seq);
        set(&mut file, &t, &[("性别", gender)]);
    }
    add_passport_holder(&mut file, "丁", "E12345678");
    let stats = stats(&file);
    assert_eq!(
        counts(&stats, Dimension::Gender),
        pairs(&[("男", 2), ("女", 1), ("未填", 1)])
    );
    assert_eq!(dimension(&stats, Dimension::Gender).chart, ChartKind::Pie);
}

#[test]
fn gender_shows_both_selectable_codes_even_when_one_has_nobody() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let t = add_plain(&mut file, "甲", "001");
    set(&mut file, &t, &[("性别", "男")]);
    let stats = stats(&file);
    assert_eq!(
        counts(&stats, Dimension::Gender),
        pairs(&[("男", 1), ("女", 0), ("未填", 0)])
    );
}

#[test]
fn ages_24_and_25_fall_in_different_bands() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let turns_25_today = add_plain(&mut file, "甲", "001");
    set(&mut file, &turns_25_today, &[("出生日期", "2001-06-15")]);
    let turns_25_tomorrow = add_plain(&mut file, "乙", "003");
    set(&mut file, &turns_25_tomorrow, &[("出生日期", "2001-06-16")]);
    let stats = stats(&file);
    let ages = dimension(&stats, Dimension::Age);
    assert_eq!(ages.count("le24"), 1);
    assert_eq!(ages.count("25-29"), 1);
}

#[test]
fn ages_59_and_60_fall_in_different_bands() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let sixty = add_plain(&mut file, "甲", "001");
    set(&mut file, &sixty, &[("出生日期", "1966-06-15")]);
    let fifty_nine = add_plain(&mut file, "乙", "003");
    set(&mut file, &fifty_nine, &[("出生日期", "1966-06-16")]);
    let stats = stats(&file);
    let ages = dimension(&stats, Dimension::Age);
    assert_eq!(ages.count("55-59"), 1);
    assert_eq!(ages.count("ge60"), 1);
}

#[test]
fn age_bands_are_listed_youngest_first_with_unknown_last() {
    let dir = TempDir::new().unwrap();
    let file = school(&dir);
    let stats = stats(&file);
    let labels: Vec<String> = counts(&stats, Dimension::Age)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(
        labels,
        [
            "≤24", "25–29", "30–34", "35–39", "40–44", "45–49", "50–54", "55–59", "≥60", "未知"
        ]
    );
}

#[test]
fn age_comes_from_the_id_number_when_the_birth_date_is_not_filled() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    add(&mut file, "甲", &resident_id("19840301", "001"));
    let stats = stats(&file);
    assert_eq!(dimension(&stats, Dimension::Age).count("40-44"), 1);
}

#[test]
fn the_filled_birth_date_wins_over_the_id_number() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let t = add(&mut file, "甲", &resident_id("19840301", "001"));
    set(&mut file, &t, &[("出生日期", "1996-03-01")]);
    let stats = stats(&file);
    assert_eq!(dimension(&stats, Dimension::Age).count("30-34"), 1);
}

#[test]
fn age_is_unknown_without_a_birth_date_or_a_resident_id_number() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: "Anna Smith".into(),
            id_type: "A".into(),
            id_number: "E12345678".into(),
        })
        .unwrap();
    let stats = stats(&file);
    let ages = dimension(&stats, Dimension::Age);
    let unknown = ages.bucket(MISSING_KEY).unwrap();
    assert_eq!((unknown.label.as_str(), unknown.count), ("未知", 1));
}

#[test]
fn highest_education_is_derived_from_the_highest_of_the_education_rows() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let t = add_plain(&mut file, "甲", "001");
    add_row(&mut file, &t, "学习经历", &[("获得学历", "大学专科毕业")]);
    add_row(&mut file, &t, "学习经历", &[("获得学历", "大学本科毕业")]);
    let stats = stats(&file);
    assert_eq!(
        counts(&stats, Dimension::HighestEducation),
        pairs(&[("大学本科毕业", 1), ("未填", 0)])
    );
}

#[test]
fn a_stored_highest_education_is_counted_as_stored() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let t = add_plain(&mut file, "甲", "001");
    add_row(&mut file, &t, "学习经历", &[("获得学历", "大学本科毕业")]);
    // Into the 基本信息 that add_teacher wrote from the ID number.
    let basic = file
        .teachers()
        .records(&t.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .unwrap();
    let mut fields = basic.fields.clone();
    fields.insert("highest_education".into(), json!("14"));
    file.data_entry()
        .update_record(&basic.id, basic.version, fields)
        .unwrap();
    let stats = stats(&file);
    assert_eq!(
        count_of(&stats, Dimension::HighestEducation, "硕士研究生毕业"),
        1
    );
    assert_eq!(
        count_of(&stats, Dimension::HighestEducation, "大学本科毕业"),
        0
    );
}

#[test]
fn current_title_is_that_of_the_latest_title_appointment() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let t = add_plain(&mut file, "甲", "001");
    add_row(
        &mut file,
        &t,
        "专业技术职务聘任",
        &[
            ("聘任专业技术职务", "一级教师"),
            ("聘任开始年月", "2018-09"),
        ],
    );
    add_row(
        &mut file,
        &t,
        "专业技术职务聘任",
        &[
            ("聘任专业技术职务", "二级教师"),
            ("聘任开始年月", "2010-09"),
        ],
    );
    let stats = stats(&file);
    assert_eq!(
        counts(&stats, Dimension::CurrentTitle),
        pairs(&[("一级教师", 1), ("未填", 0)])
    );
}

#[test]
fn ethnicity_is_han_minority_or_unfilled() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    for (name, seq, ethnicity) in [
        ("甲", "001", "汉族"),
        ("乙", "003", "蒙古族"),
        ("丙", "005", "回族"),
    ] {
        let t = add_plain(&mut file, name, seq);
        set(&mut file, &t, &[("民族", ethnicity)]);
    }
    add_plain(&mut file, "丁", "007");
    let stats = stats(&file);
    assert_eq!(
        counts(&stats, Dimension::Ethnicity),
        pairs(&[("汉族", 1), ("少数民族", 2), ("未填", 1)])
    );
}

#[test]
fn each_political_status_of_a_teacher_counts_once() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let both = add_plain(&mut file, "甲", "001");
    set(&mut file, &both, &[("政治面貌", "中共党员、民革会员")]);
    let member = add_plain(&mut file, "乙", "003");
    set(&mut file, &member, &[("政治面貌", "中共党员")]);
    let stats = stats(&file);
    let political = dimension(&stats, Dimension::PoliticalStatus);
    assert!(political.multi);
    assert_eq!(political.total, 2);
    assert_eq!(
        counts(&stats, Dimension::PoliticalStatus),
        pairs(&[("中共党员", 2), ("民革会员", 1), ("未填", 0)])
    );
}

#[test]
fn on_establishment_is_yes_no_or_unfilled() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let on = add_plain(&mut file, "甲", "001");
    set(&mut file, &on, &[("是否在编", "是")]);
    let off = add_plain(&mut file, "乙", "003");
    set(&mut file, &off, &[("是否在编", "否")]);
    add_plain(&mut file, "丙", "005");
    let stats = stats(&file);
    let counted = counts(&stats, Dimension::OnEstablishment);
    assert_eq!(counted.len(), 3);
    for expected in pairs(&[("是", 1), ("否", 1), ("未填", 1)]) {
        assert!(counted.contains(&expected), "{counted:?}");
    }
}

#[test]
fn staff_category_uses_the_labels_of_the_school_s_set() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let t = add_plain(&mut file, "甲", "001");
    set(&mut file, &t, &[("教职工类别", "专任教师")]);
    let stats = stats(&file);
    assert_eq!(
        counts(&stats, Dimension::StaffCategory),
        pairs(&[("专任教师", 1), ("未填", 0)])
    );
}

#[test]
fn a_teacher_with_nothing_filled_is_unfilled_everywhere_but_age_and_gender() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    add_plain(&mut file, "甲", "001");
    let stats = stats(&file);
    // 出生日期 and 性别 are what the ID number gives (tests/id_derived.rs).
    assert_eq!(count_of(&stats, Dimension::Gender, "男"), 1);
    let rest = stats
        .dimensions
        .iter()
        .filter(|d| d.id != Dimension::Age && d.id != Dimension::Gender);
    for d in rest {
        let missing = d.buckets.last().unwrap();
        assert!(missing.missing, "{:?}", d.id);
        assert_eq!(
            (missing.key.as_str(), missing.label.as_str(), missing.count),
            (MISSING_KEY, "未填", 1),
            "{:?}",
            d.id
        );
    }
    assert_eq!(dimension(&stats, Dimension::Age).count(MISSING_KEY), 0);
}

#[test]
fn the_day_counted_on_is_part_of_the_statistics() {
    let dir = TempDir::new().unwrap();
    let file = school(&dir);
    let stats = stats(&file);
    assert_eq!(stats.as_of, "2026-06-15");
    assert_eq!(stats.school_name, "桃李镇中心小学");
    assert_eq!(stats.set, "primary_secondary");
}

#[test]
fn the_json_has_the_documented_shape() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let t = add_plain(&mut file, "甲", "001");
    set(&mut file, &t, &[("性别", "男")]);
    let value = serde_json::to_value(stats(&file)).unwrap();
    assert_eq!(value["teachers"], 1);
    let gender = &value["dimensions"][0];
    assert_eq!(gender["id"], "gender");
    assert_eq!(gender["name"], "性别");
    assert_eq!(gender["chart"], "pie");
    assert_eq!(gender["total"], 1);
    assert_eq!(
        gender["buckets"][0],
        json!({ "key": "1", "label": "男", "label_en": "Male", "count": 1, "missing": false })
    );
    assert_eq!(value["dimensions"][1]["id"], "age");
}

// ── The workbook ─────────────────────────────────────────────────────────────

/// A school of three: two men with an education row, one woman.
fn small_school(dir: &TempDir) -> SchoolFile {
    let mut file = school(dir);
    for (name, seq, gender) in [
        ("甲", "001", "男"),
        ("乙", "003", "男"),
        ("丙", "002", "女"),
    ] {
        let t = add_plain(&mut file, name, seq);
        set(&mut file, &t, &[("性别", gender)]);
        add_row(&mut file, &t, "学习经历", &[("获得学历", "大学本科毕业")]);
    }
    file
}

fn sheet_rows(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), [workbook::SHEET]);
    let range = book.worksheet_range(workbook::SHEET).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// The table row whose first cell is `label`, after the header row `dimension`.
fn table_row(rows: &[Vec<Data>], dimension: &str, label: &str) -> Vec<String> {
    let start = rows
        .iter()
        .position(|r| r.first().map(text).as_deref() == Some(dimension))
        .unwrap_or_else(|| panic!("no table {dimension}"));
    rows[start..]
        .iter()
        .find(|r| r.first().map(text).as_deref() == Some(label))
        .map(|r| r.iter().take(3).map(text).collect())
        .unwrap_or_else(|| panic!("no row {label} in {dimension}"))
}

#[test]
fn the_workbook_has_one_sheet_with_a_table_per_dimension() {
    let dir = TempDir::new().unwrap();
    let stats = stats(&small_school(&dir));
    let rows = sheet_rows(workbook::build(&stats).unwrap());
    assert_eq!(text(&rows[0][0]), "桃李镇中心小学 教师统计");
    assert_eq!(table_row(&rows, "性别", "性别"), ["性别", "人数", "占比"]);
    assert_eq!(table_row(&rows, "性别", "男")[..2], ["男", "2"]);
    assert_eq!(table_row(&rows, "性别", "女")[..2], ["女", "1"]);
    assert_eq!(table_row(&rows, "性别", "合计")[..2], ["合计", "3"]);
    assert_eq!(
        table_row(&rows, "最高学历", "大学本科毕业")[..2],
        ["大学本科毕业", "3"]
    );
    for d in &stats.dimensions {
        let missing = d.buckets.last().unwrap();
        table_row(&rows, &d.name, &missing.label);
    }
}

#[test]
fn the_workbook_shows_shares_of_the_total() {
    let dir = TempDir::new().unwrap();
    let stats = stats(&small_school(&dir));
    let rows = sheet_rows(workbook::build(&stats).unwrap());
    let share: f64 = table_row(&rows, "性别", "男")[2].parse().unwrap();
    assert!((share - 2.0 / 3.0).abs() < 1e-9, "{share}");
}

/// The chart parts inside an .xlsx (a zip), listed by Python's zipfile.
fn chart_parts(path: &Path) -> Vec<String> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith('xl/charts/chart')))",
        ])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_written_workbook_holds_a_native_chart_per_dimension() {
    let dir = TempDir::new().unwrap();
    let stats = stats(&small_school(&dir));
    let path = dir.path().join("统计.xlsx");
    workbook::write(&stats, &path).unwrap();
    let charts = chart_parts(&path);
    assert_eq!(charts.len(), stats.dimensions.len(), "{charts:?}");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(
        table_row(&sheet_rows(bytes), "性别", "男")[..2],
        ["男", "2"]
    );
}

#[test]
fn a_workbook_into_a_missing_folder_is_refused_and_says_so() {
    let dir = TempDir::new().unwrap();
    let stats = stats(&small_school(&dir));
    let path = dir.path().join("没有这个文件夹").join("统计.xlsx");
    let error = workbook::write(&stats, &path).unwrap_err();
    assert!(
        matches!(error, Error::Export(ExportError::StatsUnwritable { .. })),
        "{error}"
    );
    assert_eq!(error.code(), "stats.unwritable");
    assert!(error.to_string().contains("文件夹不存在"), "{error}");
}
