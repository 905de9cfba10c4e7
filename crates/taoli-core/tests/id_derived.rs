#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! What a resident ID number gives: a teacher registered with a valid
//! 居民身份证 number gets the 出生日期 and 性别 it states, as an imported one
//! does; a different value where the personnel file (档案) differs stays
//! possible, with the ID-agreement warning and its written reason.

#[path = "support/accounts.rs"]
mod accounts;

use taoli_core::record::Fields;
use taoli_core::validate::WarningRef;
use taoli_core::{NewSchool, NewTeacher, SchoolFile, Teacher};
use tempfile::TempDir;

/// 11010519491231002X: born 1949-12-31, 17th digit 2 (even): female.
const WOMAN: &str = "11010519491231002X";

fn school(dir: &TempDir) -> SchoolFile {
    accounts::create(
        &dir.path().join("s.taoli"),
        &NewSchool {
            code: "2151012345".into(),
            name: "某小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap()
}

fn add(file: &mut SchoolFile, name: &str, id_type: &str, id_number: &str) -> Teacher {
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: id_type.into(),
            id_number: id_number.into(),
        })
        .unwrap()
}

fn basic(file: &SchoolFile, teacher: &Teacher) -> Option<Fields> {
    file.teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .map(|r| r.fields)
}

#[test]
fn a_teacher_added_with_a_resident_id_gets_the_birth_date_and_gender_it_states() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let teacher = add(&mut file, "张三", "1", WOMAN);
    let fields = basic(&file, &teacher).unwrap();
    assert_eq!(fields["birth_date"], "1949-12-31");
    assert_eq!(fields["gender"], "2");
    assert_eq!(fields.len(), 2, "{fields:?}");
}

#[test]
fn the_id_is_read_after_the_usual_cleaning() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let teacher = add(&mut file, "张三", "居民身份证", " 11010519491231002x ");
    assert_eq!(basic(&file, &teacher).unwrap()["birth_date"], "1949-12-31");
}

#[test]
fn a_teacher_added_with_a_passport_gets_no_basic_information() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let teacher = add(&mut file, "John Smith", "A", "E12345678");
    assert!(basic(&file, &teacher).is_none());
}

#[test]
fn a_new_teacher_s_birth_date_and_gender_are_not_reported_missing() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    add(&mut file, "张三", "1", WOMAN);
    let report = file.validation().report().unwrap();
    let missing: Vec<_> = report
        .problems
        .iter()
        .filter(|p| matches!(p.field.as_deref(), Some("birth_date" | "gender")))
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn the_values_and_their_teacher_are_written_with_revisions_in_the_audit_chain() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let teacher = add(&mut file, "张三", "1", WOMAN);
    let history = file.teachers().history(&teacher.id).unwrap();
    assert_eq!(history.len(), 2, "the teacher and the 基本信息 record");
    assert!(file.audit().verify().unwrap().intact());
}

#[test]
fn a_birth_date_the_personnel_file_gives_differently_is_kept_with_the_warning_and_its_reason() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let teacher = add(&mut file, "张三", "1", WOMAN);
    file.data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("出生日期".into(), "1950-01-02".into())],
        )
        .unwrap();
    assert_eq!(basic(&file, &teacher).unwrap()["birth_date"], "1950-01-02");
    file.validation()
        .explain_warning(
            &WarningRef {
                teacher_id: &teacher.id,
                rule: "birth_date_matches_id",
                field: None,
                row_order: None,
            },
            "以人事档案为准",
        )
        .unwrap();
    let report = file.validation().report().unwrap();
    let warning = report
        .problems
        .iter()
        .find(|p| p.rule == "birth_date_matches_id")
        .unwrap();
    assert_eq!(warning.reason.as_deref(), Some("以人事档案为准"));
}

#[test]
fn the_school_says_what_an_id_number_gives_for_the_form() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let values = file.data_entry().id_derived_values("1", WOMAN).unwrap();
    let got: Vec<(&str, &str, &str, &str)> = values
        .iter()
        .map(|v| {
            (
                v.field.as_str(),
                v.label.as_str(),
                v.value.as_str(),
                v.shown.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("birth_date", "出生日期", "1949-12-31", "1949-12-31"),
            ("gender", "性别", "2", "女")
        ]
    );
}

#[test]
fn an_id_number_still_being_typed_gives_nothing() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    assert!(
        file.data_entry()
            .id_derived_values("1", "1101051949")
            .unwrap()
            .is_empty()
    );
    assert!(
        file.data_entry()
            .id_derived_values("1", "110105194912310021")
            .unwrap()
            .is_empty()
    );
}
