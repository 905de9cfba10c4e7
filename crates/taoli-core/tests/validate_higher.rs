//! Validation of 高职 and 高校 teachers against their own sets: a complete,
//! correct record passes, a missing field of the set is named, and the
//! 中小学 set's fields are not asked for.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use serde_json::{Value, json};
use taoli_core::Teacher;
use taoli_core::catalog::{Severity, catalog};
use taoli_core::record::{Fields, IndicatorRecord};
use taoli_core::validate::{Problem, Validator};

fn teacher() -> Teacher {
    Teacher {
        id: "t1".into(),
        name: "李四".into(),
        id_type: "1".into(),
        id_type_name: "居民身份证".into(),
        // Born 1949-12-31, 17th digit 2: female.
        id_number: "11010519491231002X".into(),
        version: 1,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

fn fields(v: Value) -> Fields {
    v.as_object().unwrap().clone()
}

/// A complete, correct 基本信息 for a 高校 专任教师 on the establishment.
fn university_basic() -> Fields {
    fields(json!({
        "gender": "2", "nationality": "156", "birth_date": "1949-12-31",
        "ethnicity": "01", "political_status": ["01"], "marital_status": "20",
        "health": "1", "academic_origin": "2", "work_start_month": "1975-09",
        "school_entry_month": "1980-09", "secondary_unit": "计算机科学与技术学院",
        "staff_source": "101", "staff_category": "A1", "on_establishment": "1",
        "contract": "1", "personnel_status": "100"
    }))
}

/// The same teacher at a 高职: no 是否为本科生上课 asked, 双师型 required.
fn vocational_basic() -> Fields {
    let mut basic = university_basic();
    basic.insert("double_qualified_teacher".into(), json!("1"));
    basic
}

/// One 教育教学 row of a 高校 teacher for the second half of 2024.
fn university_teaching() -> Fields {
    fields(json!({
        "year": "2024", "term": "2", "supervisor_type": "2", "discipline": "0812",
        "teaches_undergraduates": "1", "teaching_hours": 64, "other_work_hours": 12.5
    }))
}

fn record(group: &str, row: i64, f: Fields) -> IndicatorRecord {
    IndicatorRecord {
        id: format!("{group}-{row}"),
        teacher_id: "t1".into(),
        group_code: group.into(),
        row_order: row,
        fields: f,
        version: 1,
        updated_at: String::new(),
    }
}

fn problems_in(set: &str, records: &[IndicatorRecord]) -> Vec<Problem> {
    Validator::new(catalog().unwrap(), set)
        .unwrap()
        .teacher(&teacher(), records)
}

fn university(change: impl FnOnce(&mut Fields, &mut Fields)) -> Vec<Problem> {
    let (mut basic, mut teaching) = (university_basic(), university_teaching());
    change(&mut basic, &mut teaching);
    problems_in(
        "university",
        &[record("basic", 1, basic), record("teaching", 1, teaching)],
    )
}

fn required_problem<'a>(problems: &'a [Problem], field: &str) -> &'a Problem {
    problems
        .iter()
        .find(|p| p.rule == "required" && p.field.as_deref() == Some(field))
        .unwrap_or_else(|| panic!("no required problem on {field}: {problems:#?}"))
}

#[test]
fn a_complete_correct_university_teacher_has_no_problems() {
    assert_eq!(university(|_, _| {}), Vec::new());
}

#[test]
fn a_university_teacher_without_academic_origin_is_told_it_is_required() {
    let problems = university(|basic, _| {
        basic.remove("academic_origin");
    });
    let p = required_problem(&problems, "academic_origin");
    assert_eq!(p.severity, Severity::Error);
    assert!(p.message.contains("学缘结构"), "{}", p.message);
    assert_eq!(problems.len(), 1, "{problems:#?}");
}

#[test]
fn a_university_teaching_row_without_a_supervisor_type_is_named() {
    let problems = university(|_, teaching| {
        teaching.remove("supervisor_type");
    });
    let p = required_problem(&problems, "supervisor_type");
    assert!(p.message.contains("教育教学"), "{}", p.message);
    assert!(p.message.contains("导师类别"), "{}", p.message);
}

#[test]
fn a_university_teacher_is_not_asked_for_the_primary_secondary_fields() {
    let problems = problems_in("university", &[]);
    let asked: Vec<&str> = problems.iter().filter_map(|p| p.field.as_deref()).collect();
    assert!(asked.contains(&"academic_origin"), "{asked:?}");
    for k12 in [
        "normal_major_graduate",
        "it_ability",
        "key_teacher",
        "grassroots_project",
    ] {
        assert!(!asked.contains(&k12), "{k12} asked: {asked:?}");
    }
}

#[test]
fn a_primary_secondary_staff_category_code_is_refused_in_university() {
    let problems = university(|basic, _| {
        basic.insert("staff_category".into(), json!("A9"));
    });
    assert!(
        problems
            .iter()
            .any(|p| p.rule == "format" && p.field.as_deref() == Some("staff_category")),
        "{problems:#?}"
    );
    assert_eq!(
        university(|basic, _| {
            basic.insert("staff_category".into(), json!("B"));
        }),
        Vec::new()
    );
}

#[test]
fn a_university_term_takes_the_half_year_codes() {
    let problems = university(|_, teaching| {
        teaching.insert("term".into(), json!("3"));
    });
    assert!(
        problems
            .iter()
            .any(|p| p.rule == "format" && p.field.as_deref() == Some("term")),
        "{problems:#?}"
    );
}

#[test]
fn a_complete_correct_higher_vocational_teacher_has_no_problems() {
    let problems = problems_in(
        "higher_vocational",
        &[record("basic", 1, vocational_basic())],
    );
    assert_eq!(problems, Vec::new());
}

#[test]
fn a_higher_vocational_teacher_without_double_qualified_is_told_it_is_required() {
    let mut basic = vocational_basic();
    basic.remove("double_qualified_teacher");
    let problems = problems_in("higher_vocational", &[record("basic", 1, basic)]);
    let p = required_problem(&problems, "double_qualified_teacher");
    assert!(p.message.contains("双师型"), "{}", p.message);
}
