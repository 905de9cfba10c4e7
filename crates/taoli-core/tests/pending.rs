#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Forgiving rows: a roster row is refused only for who it is; any other cell
//! the import cannot take is kept as written on a 待修正 error, the teacher is
//! imported with that field empty, and what the ID gives is always filled.

#[path = "support/accounts.rs"]
mod accounts;

use std::path::{Path, PathBuf};

use calamine::Reader;
use taoli_core::import::{ImportOptions, MessageSeverity, RowStatus, open};
use taoli_core::pending::PENDING_RULE;
use taoli_core::{NewSchool, SchoolFile};
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

fn roster(dir: &TempDir, text: &str) -> PathBuf {
    let path = dir.path().join("花名册.csv");
    std::fs::write(&path, text).unwrap();
    path
}

fn import(school: &Path, roster: &Path) -> taoli_core::import::ImportPlan {
    let mut file = accounts::open(school).unwrap();
    let mut roster = open(roster).unwrap();
    let mut plan = file
        .imports()
        .plan(&mut roster, &ImportOptions::default())
        .unwrap();
    file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    file.close().unwrap();
    plan
}

fn basic(file: &SchoolFile, id_number: &str) -> serde_json::Map<String, serde_json::Value> {
    let teacher = file.teachers().by_id_number(None, id_number).unwrap();
    file.teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .unwrap()
        .fields
}

#[test]
fn a_row_with_an_unknown_code_is_imported_with_that_field_empty() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族,政治面貌\n张三,{zhang},火星族,中共党员\n"),
    );
    let plan = import(&school, &roster);
    assert_eq!(plan.preview.counts.new, 1);
    assert_eq!(plan.preview.counts.refused, 0);
    let file = accounts::open(&school).unwrap();
    let fields = basic(&file, &zhang);
    assert!(!fields.contains_key("ethnicity"), "{fields:?}");
    assert_eq!(fields["political_status"], serde_json::json!(["01"]));
}

#[test]
fn the_derived_gender_and_birth_date_are_filled_on_a_row_with_a_bad_cell() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let li = id("19900215", 102);
    let roster = roster(&dir, &format!("姓名,身份证件号,民族\n李四,{li},火星族\n"));
    import(&school, &roster);
    let file = accounts::open(&school).unwrap();
    let fields = basic(&file, &li);
    assert_eq!(fields["birth_date"], "1990-02-15");
    assert_eq!(fields["gender"], "2");
}

#[test]
fn the_unreadable_cell_is_kept_as_a_pending_value_with_its_source() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族\n张三,{zhang},火星族\n"),
    );
    import(&school, &roster);
    let mut file = accounts::open(&school).unwrap();
    let pending = file.pending().values(None).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].field, "ethnicity");
    assert_eq!(pending[0].raw, "火星族");
    assert!(
        pending[0].source.contains("第 2 行"),
        "{}",
        pending[0].source
    );
    assert!(pending[0].source.contains("C 列"), "{}", pending[0].source);
}

#[test]
fn validation_reports_a_pending_value_as_an_error_naming_the_raw_text() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族\n张三,{zhang},火星族\n"),
    );
    import(&school, &roster);
    let mut file = accounts::open(&school).unwrap();
    let report = file.validation().report().unwrap();
    let pending: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.rule == PENDING_RULE)
        .collect();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].severity, taoli_core::catalog::Severity::Error);
    assert!(
        pending[0].message.contains("火星族"),
        "{}",
        pending[0].message
    );
    assert!(
        pending[0].message.contains("待修正"),
        "{}",
        pending[0].message
    );
}

#[test]
fn filling_the_field_answers_the_pending_value() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族\n张三,{zhang},火星族\n"),
    );
    import(&school, &roster);
    let mut file = accounts::open(&school).unwrap();
    let teacher = file.teachers().by_id_number(None, &zhang).unwrap();
    let record = file
        .teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .unwrap();
    let mut fields = record.fields.clone();
    fields.insert("ethnicity".into(), "01".into());
    file.data_entry()
        .update_record(&record.id, record.version, fields)
        .unwrap();
    let report = file.validation().report().unwrap();
    assert!(!report.problems.iter().any(|p| p.rule == PENDING_RULE));
}

#[test]
fn a_cleared_pending_value_is_no_longer_reported() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族\n张三,{zhang},火星族\n"),
    );
    import(&school, &roster);
    let mut file = accounts::open(&school).unwrap();
    let pending = file.pending().values(None).unwrap();
    file.pending().clear(&pending[0].id).unwrap();
    assert!(file.pending().values(None).unwrap().is_empty());
    assert!(
        !file
            .validation()
            .report()
            .unwrap()
            .problems
            .iter()
            .any(|p| p.rule == PENDING_RULE)
    );
}

#[test]
fn clearing_a_pending_value_twice_says_it_is_gone() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族\n张三,{zhang},火星族\n"),
    );
    import(&school, &roster);
    let mut file = accounts::open(&school).unwrap();
    let id = file.pending().values(None).unwrap()[0].id.clone();
    file.pending().clear(&id).unwrap();
    let err = file.pending().clear(&id).unwrap_err();
    assert_eq!(err.code(), "pending.not_found");
}

#[test]
fn undoing_the_import_removes_its_pending_values() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族\n张三,{zhang},火星族\n"),
    );
    import(&school, &roster);
    let mut file = accounts::open(&school).unwrap();
    file.imports().undo(None).unwrap();
    assert!(file.pending().values(None).unwrap().is_empty());
}

#[test]
fn a_reader_sees_that_a_value_is_pending_but_not_its_text() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,参加工作年月\n张三,{zhang},去年九月\n"),
    );
    import(&school, &roster);
    let mut file = accounts::open_as(&school, &accounts::viewer()).unwrap();
    let pending = file.pending().values(None).unwrap();
    assert_eq!(pending.len(), 1);
    assert!(!pending[0].raw.contains("九月"));
}

#[test]
fn a_bad_id_number_still_refuses_the_row() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let good = id("19850304", 101);
    let wrong_check = if good.ends_with('0') { "1" } else { "0" };
    let bad = format!("{}{wrong_check}", &good[..17]);
    let roster = roster(&dir, &format!("姓名,身份证件号,民族\n张三,{bad},汉族\n"));
    let plan = import(&school, &roster);
    assert_eq!(plan.preview.counts.refused, 1);
    assert_eq!(plan.preview.rows[0].status, RowStatus::Refused);
}

#[test]
fn a_code_and_name_that_disagree_are_kept_pending_naming_both() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族\n张三,{zhang},01-蒙古族\n"),
    );
    let plan = import(&school, &roster);
    let message = plan.preview.rows[0]
        .messages
        .iter()
        .find(|m| m.severity == MessageSeverity::Error && m.field.as_deref() == Some("民族"))
        .unwrap();
    assert!(message.text.contains("汉族"), "{}", message.text);
    assert!(message.text.contains("蒙古族"), "{}", message.text);
}

#[test]
fn the_refused_rows_workbook_lists_pending_cells_on_their_own_sheet() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let zhang = id("19850304", 101);
    let roster = roster(
        &dir,
        &format!("姓名,身份证件号,民族\n张三,{zhang},火星族\n"),
    );
    let plan = import(&school, &roster);
    let out = dir.path().join("未通过.xlsx");
    taoli_core::import::refused::write_refused_rows(&plan, &out).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let sheet = book
        .worksheet_range(taoli_core::import::refused::PENDING_SHEET)
        .unwrap();
    let row: Vec<String> = sheet
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row[3], "张三");
    assert_eq!(row[5], "民族");
    assert_eq!(row[6], "火星族");
}

#[test]
fn a_spaced_label_repeated_down_a_column_is_one_grouped_note() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let mut text = String::from("姓名,身份证件号,民族\n");
    for i in 0..30 {
        text.push_str(&format!("教师{i},{},汉 族\n", id("19850304", 200 + i)));
    }
    let plan = import(&school, &roster(&dir, &text));
    assert_eq!(plan.preview.counts.new, 30);
    assert_eq!(plan.preview.notes.len(), 1, "{:?}", plan.preview.notes);
    let note = &plan.preview.notes[0];
    assert_eq!(note.count, 30);
    assert!(
        note.text.starts_with("民族（C 列）30 行写成了『汉 族』"),
        "{}",
        note.text
    );
    assert!(note.text.contains("已按『汉族』"), "{}", note.text);
}

#[test]
fn the_same_problem_on_many_rows_is_one_grouped_line_with_a_count() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let mut text = String::from("姓名,身份证件号,民族\n");
    for i in 0..12 {
        text.push_str(&format!("教师{i},{},火星族\n", id("19850304", 300 + i)));
    }
    let plan = import(&school, &roster(&dir, &text));
    let groups: Vec<_> = plan
        .preview
        .problem_groups
        .iter()
        .filter(|g| g.field.as_deref() == Some("民族"))
        .collect();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].count, 12);
    assert!(
        groups[0].text.starts_with("民族（C 列）12 行"),
        "{}",
        groups[0].text
    );
}
