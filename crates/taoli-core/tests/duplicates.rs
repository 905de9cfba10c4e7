//! Duplicate teachers (疑似重复): the same ID number under two ID types, or
//! the same name and date of birth, are flagged; merging keeps one teacher
//! with both teachers' records and both histories.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

#[path = "support/accounts.rs"]
mod accounts;

use taoli_core::duplicates::DuplicateReason;
use taoli_core::error::{Error, TeacherError};
use taoli_core::id_number::check_character;
use taoli_core::{NewSchool, NewTeacher, SchoolFile, Teacher};
use tempfile::TempDir;

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

fn resident_id(birth: &str, sequence: &str) -> String {
    let first17 = format!("110105{birth}{sequence}");
    format!("{first17}{}", check_character(&first17).unwrap())
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

#[test]
fn the_same_number_under_two_id_types_is_flagged() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let id = resident_id("19850315", "001");
    add(&mut file, "张老师", "1", &id);
    add(&mut file, "张老师", "A", &id);
    let pairs = file.duplicates().find().unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0].reason, DuplicateReason::SameIdNumber);
}

#[test]
fn the_same_name_and_date_of_birth_is_flagged() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    add(&mut file, "李老师", "1", &resident_id("19850315", "002"));
    let other = add(&mut file, "李老师", "A", "E12345678");
    file.data_entry()
        .set_fields(
            &other.id,
            "基本信息",
            &[("出生日期".into(), "1985-03-15".into())],
        )
        .unwrap();
    let pairs = file.duplicates().find().unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0].reason, DuplicateReason::SameNameAndBirthDate);
}

#[test]
fn namesakes_born_on_other_days_are_not_flagged() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    add(&mut file, "王芳", "1", &resident_id("19850315", "002"));
    add(&mut file, "王芳", "1", &resident_id("19900101", "004"));
    assert!(file.duplicates().find().unwrap().is_empty());
}

#[test]
fn a_merge_keeps_one_teacher_with_both_teachers_records() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let id = resident_id("19850315", "001");
    let kept = add(&mut file, "张老师", "1", &id);
    let merged = add(&mut file, "张老师", "A", &id);
    file.data_entry()
        .set_fields(&merged.id, "基本信息", &[("民族".into(), "汉族".into())])
        .unwrap();
    file.data_entry()
        .add_group_record(
            &merged.id,
            "学习经历",
            &[("获得学历".into(), "大学本科毕业".into())],
        )
        .unwrap();
    file.duplicates()
        .merge(&kept.id, &merged.id, "同一人用两种证件重复登记")
        .unwrap();
    assert_eq!(file.teachers().all().unwrap().len(), 1);
    let records = file.teachers().records(&kept.id).unwrap();
    let basic = records.iter().find(|r| r.group_code == "basic").unwrap();
    assert_eq!(basic.fields["ethnicity"], "01");
    assert!(records.iter().any(|r| r.group_code == "education"));
    assert!(file.duplicates().find().unwrap().is_empty());
}

#[test]
fn a_merged_teachers_history_stays_readable_under_the_kept_one() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let id = resident_id("19850315", "001");
    let kept = add(&mut file, "张老师", "1", &id);
    let merged = add(&mut file, "张老师", "A", &id);
    file.duplicates()
        .merge(&kept.id, &merged.id, "重复登记")
        .unwrap();
    let history = file.teachers().history(&kept.id).unwrap();
    assert!(
        history.iter().any(|r| r.entity_id == merged.id),
        "the merged teacher's entries"
    );
    let merge = history.iter().rfind(|r| r.entity_id == kept.id).unwrap();
    assert_eq!(
        merge.new_value.as_ref().unwrap()["merge_reason"],
        "重复登记"
    );
}

#[test]
fn a_merge_without_a_reason_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let id = resident_id("19850315", "001");
    let kept = add(&mut file, "张老师", "1", &id);
    let merged = add(&mut file, "张老师", "A", &id);
    let err = file
        .duplicates()
        .merge(&kept.id, &merged.id, "")
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Teacher(TeacherError::MergeReasonMissing)
    ));
    assert_eq!(file.teachers().all().unwrap().len(), 2);
}

#[test]
fn a_teacher_cannot_be_merged_with_themselves() {
    let dir = TempDir::new().unwrap();
    let mut file = school(&dir);
    let kept = add(&mut file, "张老师", "1", &resident_id("19850315", "001"));
    let err = file
        .duplicates()
        .merge(&kept.id, &kept.id, "重复")
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Teacher(TeacherError::MergeWithItself { .. })
    ));
}
