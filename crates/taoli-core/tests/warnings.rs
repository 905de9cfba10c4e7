//! Warnings may stand with a written reason kept with the record; errors may not.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use taoli_core::error::EntryError;
use taoli_core::error::Error;
use taoli_core::validate::WarningRef;
use taoli_core::{NewSchool, NewTeacher, SchoolFile};

/// A school with 张三 (female by her ID number) entered as male: a warning.
fn school(dir: &tempfile::TempDir) -> (SchoolFile, String) {
    let mut file = accounts::create(
        &dir.path().join("s.taoli"),
        &NewSchool {
            code: "2151012345".into(),
            name: "某小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap();
    let teacher = file
        .data_entry()
        .add_teacher(&NewTeacher {
            name: "张三".into(),
            id_type: "1".into(),
            id_number: "11010519491231002X".into(),
        })
        .unwrap();
    file.data_entry()
        .set_fields(&teacher.id, "基本信息", &[("性别".into(), "男".into())])
        .unwrap();
    (file, teacher.id)
}

fn warning<'a>(teacher_id: &'a str, rule: &'a str) -> WarningRef<'a> {
    WarningRef {
        teacher_id,
        rule,
        field: None,
        row_order: None,
    }
}

#[test]
fn an_explained_warning_carries_its_reason_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, id) = school(&dir);
    file.validation()
        .explain_warning(&warning(&id, "gender_matches_id"), "以人事档案为准")
        .unwrap();
    let report = file.validation().report().unwrap();
    let p = report
        .problems
        .iter()
        .find(|p| p.rule == "gender_matches_id")
        .unwrap();
    assert_eq!(p.reason.as_deref(), Some("以人事档案为准"));
    assert_eq!(report.explained, 1);
}

#[test]
fn an_error_cannot_be_explained_away() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, id) = school(&dir);
    let err = file
        .validation()
        .explain_warning(&warning(&id, "required"), "以后再填")
        .unwrap_err();
    assert!(
        matches!(err, Error::Entry(EntryError::ErrorNeedsFixing(_))),
        "{err}"
    );
}

#[test]
fn a_reason_for_a_warning_that_is_not_there_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, id) = school(&dir);
    let err = file
        .validation()
        .explain_warning(&warning(&id, "birth_date_matches_id"), "以人事档案为准")
        .unwrap_err();
    assert!(
        matches!(err, Error::Entry(EntryError::NoSuchWarning { .. })),
        "{err}"
    );
}

#[test]
fn an_empty_reason_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, id) = school(&dir);
    let err = file
        .validation()
        .explain_warning(&warning(&id, "gender_matches_id"), "  ")
        .unwrap_err();
    assert!(matches!(err, Error::Entry(EntryError::EmptyWarningReason)));
}

#[test]
fn explaining_a_warning_leaves_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, id) = school(&dir);
    file.validation()
        .explain_warning(&warning(&id, "gender_matches_id"), "以人事档案为准")
        .unwrap();
    let last = file.teachers().history(&id).unwrap().pop().unwrap();
    assert_eq!(
        last.new_value.unwrap()["warning_reason"]["reason"],
        "以人事档案为准"
    );
}
