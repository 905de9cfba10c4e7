//! The validation engine, rule by rule and set by set. Each case starts from a
//! teacher whose record is complete and correct, changes one thing, and names
//! the problem that must appear.

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
        name: "张三".into(),
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

/// A complete, correct 基本信息 for a 中小学 teacher on the establishment.
fn basic() -> Fields {
    fields(json!({
        "gender": "2", "nationality": "156", "birth_date": "1949-12-31",
        "ethnicity": "01", "political_status": ["13"],
        "work_start_month": "1970-09", "school_entry_month": "1980-09",
        "staff_source": "101", "staff_category": "A1", "on_establishment": "1",
        "contract": "1", "normal_major_graduate": "1", "special_ed_trained": "0",
        "special_ed_certificate": "0", "it_ability": "3", "free_normal_student": "0",
        "grassroots_project": "0", "special_grade_teacher": "0", "key_teacher": "0",
        "mental_health_teacher": "0", "personnel_status": "100"
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
    let validator = Validator::new(catalog().unwrap(), set).unwrap();
    validator.teacher(&teacher(), records)
}

/// The problems of the 中小学 teacher whose 基本信息 is `basic()` changed by `change`.
fn with_basic(change: impl FnOnce(&mut Fields)) -> Vec<Problem> {
    let mut b = basic();
    change(&mut b);
    problems_in("primary_secondary", &[record("basic", 1, b)])
}

fn set(f: &mut Fields, key: &str, value: Value) {
    f.insert(key.into(), value);
}

/// Asserts that exactly one problem of `rule` on `field` with `severity` was found.
fn assert_one(problems: &[Problem], rule: &str, field: &str, severity: Severity) -> Problem {
    let found: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.rule == rule && p.field.as_deref() == Some(field))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {rule} on {field}, got {problems:#?}"
    );
    assert_eq!(found[0].severity, severity);
    found[0].clone()
}

#[test]
fn a_complete_correct_record_has_no_problems() {
    assert_eq!(with_basic(|_| {}), Vec::new());
}

#[test]
fn a_teacher_without_basic_information_lacks_every_required_field() {
    let problems = problems_in("primary_secondary", &[]);
    let required: Vec<&str> = problems.iter().filter_map(|p| p.field.as_deref()).collect();
    assert!(
        required.contains(&"gender") && required.contains(&"work_start_month"),
        "{required:?}"
    );
    assert!(
        !required.contains(&"name"),
        "identity comes from the teacher row"
    );
    assert!(
        problems
            .iter()
            .all(|p| p.rule == "required" && p.severity == Severity::Error)
    );
}

#[test]
fn messages_name_teacher_group_field_value_and_expectation() {
    let problems = with_basic(|b| set(b, "ethnicity", json!("99")));
    let p = assert_one(&problems, "format", "ethnicity", Severity::Error);
    assert_eq!(
        p.message,
        "张三 · 基本信息 · 民族：「99」不在「民族」代码表中"
    );
    assert_eq!(p.value.as_deref(), Some("99"));
    assert!(
        p.message_en
            .starts_with("张三 · Basic information · Ethnicity:"),
        "{}",
        p.message_en
    );
}

#[test]
fn a_label_typed_instead_of_a_code_is_named_with_its_code() {
    let problems = with_basic(|b| set(b, "ethnicity", json!("汉族")));
    let p = assert_one(&problems, "format", "ethnicity", Severity::Error);
    assert!(p.message.contains("应填代码 01"), "{}", p.message);
}

#[test]
fn field_format_checks() {
    // (field, bad value, words the message must contain)
    let cases: &[(&str, Value, &str)] = &[
        ("birth_date", json!("1949-02-30"), "应为年-月-日"),
        ("work_start_month", json!("1970.9"), "应为年-月"),
        ("work_start_month", json!("2999-01"), "晚于今天"),
        ("gender", json!("男"), "应填代码 1"),
        ("political_status", json!(["01", "01"]), "重复"),
        ("on_establishment", json!("是"), "不在"),
        ("staff_source", json!("30"), ""),
    ];
    for (field, value, words) in cases {
        let problems = with_basic(|b| set(b, field, value.clone()));
        if words.is_empty() {
            assert!(
                problems.iter().all(|p| p.field.as_deref() != Some(field)),
                "{field}: {problems:#?}"
            );
            continue;
        }
        let p = assert_one(&problems, "format", field, Severity::Error);
        assert!(p.message.contains(words), "{field}: {}", p.message);
    }
}

#[test]
fn a_heading_code_cannot_be_chosen() {
    let problems = with_basic(|b| set(b, "personnel_status", json!("200")));
    let p = assert_one(&problems, "format", "personnel_status", Severity::Error);
    assert!(p.message.contains("分类标题"), "{}", p.message);
}

#[test]
fn birth_date_differing_from_the_id_is_a_warning() {
    let problems = with_basic(|b| set(b, "birth_date", json!("1950-01-01")));
    let p = assert_one(
        &problems,
        "birth_date_matches_id",
        "birth_date",
        Severity::Warning,
    );
    assert!(p.message.contains("1949-12-31"), "{}", p.message);
}

#[test]
fn gender_differing_from_the_id_is_a_warning() {
    let problems = with_basic(|b| set(b, "gender", json!("1")));
    assert_one(&problems, "gender_matches_id", "gender", Severity::Warning);
}

#[test]
fn work_must_start_after_birth() {
    let problems = with_basic(|b| set(b, "work_start_month", json!("1949-10")));
    assert_one(
        &problems,
        "work_start_after_birth",
        "work_start_month",
        Severity::Error,
    );
}

#[test]
fn joining_the_school_cannot_precede_starting_work() {
    let problems = with_basic(|b| set(b, "school_entry_month", json!("1969-09")));
    let p = assert_one(
        &problems,
        "school_entry_not_before_work_start",
        "school_entry_month",
        Severity::Error,
    );
    assert!(
        p.message.contains("实为 1969-09，参加工作年月 1970-09"),
        "{}",
        p.message
    );
}

#[test]
fn foreign_nationals_have_no_ethnicity() {
    let problems = with_basic(|b| set(b, "nationality", json!("840")));
    assert_one(
        &problems,
        "foreign_nationals_have_no_ethnicity_or_political_status",
        "ethnicity",
        Severity::Error,
    );
}

#[test]
fn foreign_nationals_without_ethnicity_are_not_asked_for_it() {
    let problems = with_basic(|b| {
        set(b, "nationality", json!("840"));
        b.remove("ethnicity");
        b.remove("political_status");
    });
    assert_eq!(problems, Vec::new());
}

#[test]
fn political_status_12_and_13_stand_alone() {
    let problems = with_basic(|b| set(b, "political_status", json!(["01", "13"])));
    assert_one(
        &problems,
        "political_status_12_13_stand_alone",
        "political_status",
        Severity::Error,
    );
    assert_eq!(
        with_basic(|b| set(b, "political_status", json!(["01", "04"]))),
        Vec::new()
    );
}

#[test]
fn staff_off_the_establishment_need_an_employment_form() {
    let problems = with_basic(|b| set(b, "on_establishment", json!("0")));
    assert!(
        problems
            .iter()
            .any(|p| p.field.as_deref() == Some("employment_form")),
        "{problems:#?}"
    );
}

#[test]
fn staff_on_the_establishment_have_no_employment_form() {
    let problems = with_basic(|b| set(b, "employment_form", json!("1")));
    assert_one(
        &problems,
        "no_employment_form_when_on_establishment",
        "employment_form",
        Severity::Error,
    );
}

#[test]
fn grassroots_dates_only_with_a_project() {
    let problems = with_basic(|b| set(b, "grassroots_start_month", json!("2010-09")));
    assert_one(
        &problems,
        "grassroots_period_only_with_a_project",
        "grassroots_start_month",
        Severity::Error,
    );
}

#[test]
fn grassroots_end_cannot_precede_its_start() {
    let problems = with_basic(|b| {
        set(b, "grassroots_project", json!("101"));
        set(b, "grassroots_start_month", json!("2010-09"));
        set(b, "grassroots_end_month", json!("2009-09"));
    });
    assert_one(
        &problems,
        "grassroots_end_not_before_start",
        "grassroots_end_month",
        Severity::Error,
    );
}

#[test]
fn highest_education_must_agree_with_the_education_history() {
    let mut b = basic();
    set(&mut b, "highest_education", json!("31"));
    let education = |level: &str, row| {
        record(
            "education",
            row,
            fields(json!({"education": level, "degree_level": "0", "study_mode": "1"})),
        )
    };
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, b),
            education("61", 1),
            education("21", 2),
        ],
    );
    let p = assert_one(
        &problems,
        "highest_education_from_education_history",
        "highest_education",
        Severity::Warning,
    );
    assert!(p.message.contains("应为「21」"), "{}", p.message);
}

#[test]
fn education_history_starts_at_senior_high() {
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            record(
                "education",
                1,
                fields(json!({"education": "71", "degree_level": "0", "study_mode": "1"})),
            ),
        ],
    );
    let p = assert_one(
        &problems,
        "education_history_starts_at_senior_high",
        "education",
        Severity::Error,
    );
    assert!(
        p.message.starts_with("张三 · 学习经历 第1条 · 获得学历："),
        "{}",
        p.message
    );
}

#[test]
fn graduation_must_follow_enrollment() {
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            record(
                "education",
                1,
                fields(
                    json!({"education": "21", "degree_level": "4", "study_mode": "1",
                    "enrollment_month": "1968-09", "graduation_month": "1968-07"}),
                ),
            ),
        ],
    );
    assert_one(
        &problems,
        "graduation_after_enrollment",
        "graduation_month",
        Severity::Error,
    );
}

#[test]
fn a_degree_name_must_belong_to_its_level() {
    let table = catalog().unwrap().code_table("degree_name").unwrap();
    let masters = table
        .codes
        .iter()
        .find(|c| c.parent.as_deref() == Some("3"))
        .unwrap();
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            record(
                "education",
                1,
                fields(
                    json!({"education": "21", "degree_level": "4", "degree_name": masters.code, "study_mode": "1"}),
                ),
            ),
        ],
    );
    assert_one(
        &problems,
        "degree_name_belongs_to_degree_level",
        "degree_name",
        Severity::Error,
    );
}

#[test]
fn only_the_latest_work_experience_is_open_ended() {
    let work = |start: &str, end: Option<&str>, row| {
        let mut f = fields(json!({"employer": "某小学", "start_month": start}));
        if let Some(end) = end {
            f.insert("end_month".into(), json!(end));
        }
        record("work", row, f)
    };
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            work("1970-09", None, 1),
            work("1980-09", Some("1990-01"), 2),
        ],
    );
    let flagged: Vec<Option<i64>> = problems
        .iter()
        .filter(|p| p.rule == "latest_work_is_open_ended")
        .map(|p| p.row_order)
        .collect();
    assert_eq!(flagged, [Some(1), Some(2)]);
}

#[test]
fn overlapping_work_periods_are_a_warning() {
    let work = |start: &str, end: &str, row| {
        record(
            "work",
            row,
            fields(json!({"employer": "某校", "start_month": start, "end_month": end})),
        )
    };
    let mut last = fields(json!({"employer": "本校", "start_month": "1985-09"}));
    last.remove("end_month");
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            work("1970-09", "1980-12", 1),
            work("1980-09", "1985-08", 2),
            record("work", 3, last),
        ],
    );
    let p = assert_one(
        &problems,
        "work_periods_do_not_overlap",
        "start_month",
        Severity::Warning,
    );
    assert_eq!(p.row_order, Some(2));
}

#[test]
fn pay_is_reported_for_past_years_only() {
    let this_year = chrono::Datelike::year(&chrono::Local::now().date_naive());
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            record(
                "pay",
                1,
                fields(json!({"year": this_year.to_string(), "five_insurances": ["0"]})),
            ),
        ],
    );
    assert_one(
        &problems,
        "pay_year_before_current_year",
        "year",
        Severity::Error,
    );
}

#[test]
fn none_of_the_five_insurances_stands_alone() {
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            record(
                "pay",
                1,
                fields(json!({"year": "2020", "five_insurances": ["0", "1"]})),
            ),
        ],
    );
    assert_one(
        &problems,
        "five_insurances_none_stands_alone",
        "five_insurances",
        Severity::Error,
    );
}

#[test]
fn pay_amounts_stay_in_range() {
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            record(
                "pay",
                1,
                fields(json!({"year": "2020", "annual_salary": 123456789.0})),
            ),
        ],
    );
    let p = assert_one(&problems, "format", "annual_salary", Severity::Error);
    assert!(p.message.contains("不能大于"), "{}", p.message);
}

#[test]
fn an_exchange_goes_somewhere_else() {
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            record(
                "exchange",
                1,
                fields(json!({"exchange_type": "1", "start_month": "2020-09",
                    "original_unit": "甲小学", "exchange_unit": "甲小学"})),
            ),
        ],
    );
    assert_one(
        &problems,
        "exchange_unit_differs_from_original",
        "exchange_unit",
        Severity::Error,
    );
}

#[test]
fn a_concurrent_post_differs_from_the_post() {
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, basic()),
            record(
                "post",
                1,
                fields(
                    json!({"post_category": "1", "post_level": "998", "start_month": "2000-01",
                    "concurrent": "1", "concurrent_post_category": "1"}),
                ),
            ),
        ],
    );
    assert_one(
        &problems,
        "concurrent_post_differs_from_post",
        "concurrent_post_category",
        Severity::Error,
    );
}

#[test]
fn secondary_vocational_requires_native_place_and_primary_does_not() {
    let missing = |set: &str| {
        problems_in(set, &[record("basic", 1, basic())])
            .iter()
            .any(|p| p.field.as_deref() == Some("native_place") && p.rule == "required")
    };
    assert!(missing("secondary_vocational"));
    assert!(!missing("primary_secondary"));
}

#[test]
fn kindergarten_requires_preschool_training_and_names_the_kindergarten() {
    let problems = problems_in("kindergarten", &[]);
    assert!(
        problems
            .iter()
            .any(|p| p.field.as_deref() == Some("preschool_trained"))
    );
    let entry = problems
        .iter()
        .find(|p| p.field.as_deref() == Some("school_entry_month"))
        .unwrap();
    assert!(entry.message.contains("进本园年月"), "{}", entry.message);
}

#[test]
fn a_wrong_check_character_is_named_exactly() {
    let mut t = teacher();
    t.id_number = "110105194912310020".into();
    let validator = Validator::new(catalog().unwrap(), "primary_secondary").unwrap();
    let problems = validator.teacher(&t, &[record("basic", 1, basic())]);
    let p = assert_one(&problems, "format", "id_number", Severity::Error);
    assert_eq!(
        p.message,
        "张三 · 基本信息 · 身份证件号：第18位校验码应为 X，实为 0"
    );
}

#[test]
fn the_school_of_the_highest_education_must_agree_too() {
    let mut b = basic();
    set(&mut b, "highest_education", json!("21"));
    set(&mut b, "highest_education_school", json!("乙师范学院"));
    let problems = problems_in(
        "primary_secondary",
        &[
            record("basic", 1, b),
            record(
                "education",
                1,
                fields(
                    json!({"education": "21", "education_institution": "甲师范大学",
                    "degree_level": "0", "study_mode": "1"}),
                ),
            ),
        ],
    );
    let p = assert_one(
        &problems,
        "highest_education_from_education_history",
        "highest_education_school",
        Severity::Warning,
    );
    assert!(p.message.contains("应为「甲师范大学」"), "{}", p.message);
}

#[test]
fn a_missing_required_field_is_reported_once() {
    let problems = with_basic(|b| {
        b.remove("political_status");
    });
    let about: Vec<&str> = problems
        .iter()
        .filter(|p| p.field.as_deref() == Some("political_status"))
        .map(|p| p.rule.as_str())
        .collect();
    assert_eq!(about, ["required"]);
}
