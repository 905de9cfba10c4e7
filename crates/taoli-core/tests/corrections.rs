//! Corrections and removal (更正、删除) before a teacher was ever reported:
//! the name, ID type and number take the corrected values at once, audited
//! with the reason; a teacher entered by mistake is removed, the audit entry
//! keeping what was removed. (After a report: tests/batches.rs.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

#[path = "support/accounts.rs"]
mod accounts;
#[path = "support/teachers.rs"]
mod teachers;

use taoli_core::entry::IdentityCorrection;
use taoli_core::error::{Error, TeacherError};
use taoli_core::revision::Action;
use taoli_core::{NewTeacher, SchoolFile, Teacher};
use teachers::{resident_id, school, teacher_error};
use tempfile::TempDir;

fn teacher(file: &mut SchoolFile, name: &str, sequence: &str) -> Teacher {
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: "1".into(),
            id_number: resident_id(sequence),
        })
        .unwrap()
}

fn correction(teacher: &Teacher, name: &str, id_number: &str, reason: &str) -> IdentityCorrection {
    IdentityCorrection {
        teacher_id: teacher.id.clone(),
        name: name.into(),
        id_type: teacher.id_type.clone(),
        id_number: id_number.into(),
        reason: reason.into(),
        evidence: None,
    }
}

#[test]
fn a_teacher_never_reported_takes_the_corrected_id_number_at_once() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let right = resident_id("003");
    file.data_entry()
        .correct_identity(&correction(&zhang, "张老师", &right, "身份证号录入错误"))
        .unwrap();
    let now = file.teachers().get(&zhang.id).unwrap();
    assert_eq!((now.id_number.as_str(), now.version), (right.as_str(), 2));
}

#[test]
fn a_corrected_name_is_kept_with_its_reason_in_the_audit_trail() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老帅", "001");
    file.data_entry()
        .correct_identity(&correction(
            &zhang,
            "张老师",
            &zhang.id_number,
            "姓名录入错字",
        ))
        .unwrap();
    let history = file.teachers().history(&zhang.id).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.action, Action::Update);
    let after = last.new_value.as_ref().unwrap();
    assert_eq!(after["name"], "张老师");
    assert_eq!(after["correction_reason"], "姓名录入错字");
    assert_eq!(last.old_value.as_ref().unwrap()["name"], "张老帅");
}

#[test]
fn a_correction_without_a_reason_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老帅", "001");
    let err = file
        .data_entry()
        .correct_identity(&correction(&zhang, "张老师", &zhang.id_number, " "))
        .unwrap_err();
    assert!(matches!(
        teacher_error(err),
        TeacherError::CorrectionReasonMissing
    ));
}

#[test]
fn a_correction_that_changes_nothing_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .data_entry()
        .correct_identity(&correction(&zhang, "张老师", &zhang.id_number, "核对"))
        .unwrap_err();
    assert!(matches!(
        teacher_error(err),
        TeacherError::CorrectionUnchanged { .. }
    ));
}

#[test]
fn a_correction_to_an_id_another_teacher_holds_is_refused_naming_them() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let li = teacher(&mut file, "李老师", "003");
    let err = file
        .data_entry()
        .correct_identity(&correction(&zhang, "张老师", &li.id_number, "录入错误"))
        .unwrap_err();
    assert!(err.to_string().contains("已登记给教师「李老师」"), "{err}");
    assert_eq!(
        file.teachers().get(&zhang.id).unwrap().id_number,
        zhang.id_number
    );
}

#[test]
fn a_correction_to_an_invalid_id_number_is_refused_saying_why() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file
        .data_entry()
        .correct_identity(&correction(
            &zhang,
            "张老师",
            "110105198503150010",
            "录入错误",
        ))
        .unwrap_err();
    assert!(matches!(
        teacher_error(err),
        TeacherError::InvalidIdNumber { .. }
    ));
}

#[test]
fn a_teacher_entered_by_mistake_is_removed_and_the_audit_keeps_what_was_removed() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    file.data_entry()
        .set_fields(&zhang.id, "基本信息", &[("民族".into(), "汉族".into())])
        .unwrap();
    file.data_entry()
        .remove_teacher(&zhang.id, "重复录入")
        .unwrap();
    assert!(file.teachers().all().unwrap().is_empty());
    let history = file.teachers().history(&zhang.id).unwrap();
    let removal = history.last().unwrap();
    assert_eq!(removal.action, Action::Delete);
    let kept = removal.old_value.as_ref().unwrap();
    assert_eq!(kept["name"], "张老师");
    assert_eq!(kept["removal_reason"], "重复录入");
    assert_eq!(kept["records"][0]["fields"]["ethnicity"], "01");
}

#[test]
fn a_removal_without_a_reason_is_refused_and_removes_nothing() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老师", "001");
    let err = file.data_entry().remove_teacher(&zhang.id, "").unwrap_err();
    assert!(matches!(
        teacher_error(err),
        TeacherError::RemovalReasonMissing
    ));
    assert_eq!(file.teachers().all().unwrap().len(), 1);
}

#[test]
fn an_information_viewer_can_neither_correct_nor_remove() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let zhang = teacher(&mut file, "张老帅", "001");
    file.sign_in(&accounts::viewer()).unwrap();
    let corrected =
        file.data_entry()
            .correct_identity(&correction(&zhang, "张老师", &zhang.id_number, "错字"));
    assert!(matches!(corrected, Err(Error::Account(_))));
    assert!(matches!(
        file.data_entry().remove_teacher(&zhang.id, "误录"),
        Err(Error::Account(_))
    ));
}
