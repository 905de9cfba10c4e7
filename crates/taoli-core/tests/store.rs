//! The school file: how it is created, opened, migrated, refused, and how every
//! change leaves a revision.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use taoli_core::error::Error;
use taoli_core::error::{EntryError, FileError, TeacherError};
use taoli_core::record::Fields;
use taoli_core::revision::{Action, Entity};
use taoli_core::store::{APPLICATION_ID, CURRENT_SCHEMA_VERSION, migrations::MIGRATIONS};
use taoli_core::{NewSchool, NewTeacher, SchoolFile};
use tempfile::TempDir;

fn demo_school() -> NewSchool {
    NewSchool {
        code: "2151012345".into(),
        name: "桃李镇中心小学".into(),
        school_type: "211".into(),
        region_code: Some("510722".into()),
    }
}

fn zhang_san() -> NewTeacher {
    NewTeacher {
        name: "张三".into(),
        id_type: "1".into(),
        id_number: "11010519491231002X".into(),
    }
}

fn new_file(dir: &TempDir) -> (PathBuf, SchoolFile) {
    let path = dir.path().join("school.taoli");
    let file = accounts::create(&path, &demo_school()).unwrap();
    (path, file)
}

fn fields(json: serde_json::Value) -> Fields {
    json.as_object().unwrap().clone()
}

/// Builds a file as a Taoli release with only the first `version` migrations
/// would have written it: plaintext, without accounts (open it with
/// [`accounts::open_older`], which encrypts it).
fn file_at_schema_version(path: &Path, version: i64) {
    let conn = Connection::open(path).unwrap();
    for m in MIGRATIONS.iter().filter(|m| m.version <= version) {
        conn.execute_batch(m.sql).unwrap();
        conn.execute(
            "INSERT INTO migration_log VALUES (?1, ?2, '2026-01-01T00:00:00.000Z', '0.0.1')",
            (m.version, m.name),
        )
        .unwrap();
    }
    conn.pragma_update(None, "user_version", version).unwrap();
    conn.execute(
        "INSERT INTO school (id, code, name, school_type, created_at, updated_at)
         VALUES (1, '2151012345', '旧版学校', '211', 'x', 'x')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO teacher VALUES ('t1', '1', '11010519491231002X', '张三', 1, 'x', 'x')",
        [],
    )
    .unwrap();
}

#[test]
fn a_created_file_reopens_with_its_school() {
    let dir = TempDir::new().unwrap();
    let (path, file) = new_file(&dir);
    file.close().unwrap();
    let school = accounts::open(&path).unwrap().school().unwrap();
    assert_eq!(school.code, "2151012345");
    assert_eq!(school.name, "桃李镇中心小学");
    assert_eq!(school.indicator_set.unwrap().name, "中小学");
    assert_eq!(school.county_code.as_deref(), Some("510722"));
}

#[test]
fn a_created_file_records_its_schema_version_and_application_id() {
    let dir = TempDir::new().unwrap();
    let (path, file) = new_file(&dir);
    assert_eq!(file.schema_version().unwrap(), CURRENT_SCHEMA_VERSION);
    file.close().unwrap();
    let conn = accounts::raw_connection(&path);
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    assert_eq!(app_id, APPLICATION_ID);
}

#[test]
fn an_open_file_uses_the_write_ahead_log() {
    let dir = TempDir::new().unwrap();
    let (path, file) = new_file(&dir);
    drop(file);
    let conn = accounts::raw_connection(&path);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn create_refuses_to_overwrite_an_existing_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("school.taoli");
    fs::write(&path, b"precious").unwrap();
    let err = accounts::create(&path, &demo_school()).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::FileExists(_))),
        "{err}"
    );
    assert_eq!(fs::read(&path).unwrap(), b"precious");
}

#[test]
fn a_refused_create_leaves_no_file_behind() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("school.taoli");
    let mut school = demo_school();
    school.school_type = "366".into();
    accounts::create(&path, &school).unwrap_err();
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn an_older_file_is_backed_up_then_migrated() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.taoli");
    file_at_schema_version(&path, 1);
    let before = fs::read(&path).unwrap();

    let file = accounts::open_older(&path).unwrap();
    assert_eq!(file.schema_version().unwrap(), CURRENT_SCHEMA_VERSION);
    assert_eq!(file.teachers().all().unwrap()[0].name, "张三");
    file.close().unwrap();

    let backups: Vec<PathBuf> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".taoli.v1-"))
        .collect();
    assert_eq!(backups.len(), 1, "one backup of the version-1 file");
    // Encrypted with the file when its first 系统管理员 was created.
    let backup = accounts::raw_connection(&backups[0]);
    let version: i64 = backup
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    assert!(before.len() <= fs::metadata(&backups[0]).unwrap().len() as usize);
}

#[test]
fn a_migrated_file_accepts_records() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.taoli");
    file_at_schema_version(&path, 1);
    let mut file = accounts::open_older(&path).unwrap();
    file.data_entry()
        .add_record("t1", "基本信息", fields(serde_json::json!({"XB": "2"})))
        .unwrap();
    assert_eq!(file.teachers().records("t1").unwrap().len(), 1);
}

#[test]
fn a_newer_file_is_refused_and_left_unchanged() {
    let dir = TempDir::new().unwrap();
    let (path, file) = new_file(&dir);
    drop(file);
    {
        let conn = accounts::raw_connection(&path);
        conn.pragma_update(None, "user_version", CURRENT_SCHEMA_VERSION + 1)
            .unwrap();
    }
    let before = fs::read(&path).unwrap();
    let err = accounts::open(&path).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::NewerSchoolFile { found, .. }) if found == CURRENT_SCHEMA_VERSION + 1),
        "{err}"
    );
    assert!(err.to_string().contains("升级桃李"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_corrupted_file_is_refused_with_a_clear_message() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = new_file(&dir);
    for i in 0..200 {
        let id = format!("{:06}19800101{:03}", 110105, i);
        let check = taoli_core::id_number::check_character(&id).unwrap();
        file.data_entry()
            .add_teacher(&NewTeacher {
                name: format!("教师{i}"),
                id_type: "1".into(),
                id_number: format!("{id}{check}"),
            })
            .unwrap();
    }
    file.close().unwrap();
    let mut bytes = fs::read(&path).unwrap();
    let page_size = 4096;
    assert!(bytes.len() > 4 * page_size, "enough pages to damage one");
    for b in &mut bytes[3 * page_size..3 * page_size + 512] {
        *b = 0xA5;
    }
    fs::write(&path, &bytes).unwrap();

    let err = accounts::open(&path).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::CorruptSchoolFile { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("已损坏"), "{err}");
    assert_eq!(
        fs::read(&path).unwrap(),
        bytes,
        "a refused file is not touched"
    );
}

#[test]
fn a_file_that_is_not_a_school_file_is_refused() {
    let dir = TempDir::new().unwrap();
    let text = dir.path().join("roster.taoli");
    fs::write(&text, "姓名,身份证号\n张三,11010519491231002X\n").unwrap();
    assert!(matches!(
        accounts::open(&text).unwrap_err(),
        Error::File(FileError::NotASchoolFile(_))
    ));

    let empty = dir.path().join("empty.taoli");
    fs::write(&empty, b"").unwrap();
    assert!(matches!(
        accounts::open(&empty).unwrap_err(),
        Error::File(FileError::NotASchoolFile(_))
    ));
}

#[test]
fn another_sqlite_database_is_refused_and_left_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    let before = fs::read(&path).unwrap();
    assert!(matches!(
        accounts::open(&path).unwrap_err(),
        Error::File(FileError::NotASchoolFile(_))
    ));
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_missing_file_is_reported_as_missing() {
    let dir = TempDir::new().unwrap();
    let err = accounts::open(&dir.path().join("nowhere.taoli")).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::FileNotFound(_))),
        "{err}"
    );
}

#[test]
fn a_teacher_survives_reopening() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = new_file(&dir);
    file.data_entry().add_teacher(&zhang_san()).unwrap();
    file.close().unwrap();
    let teachers = accounts::open(&path).unwrap().teachers().all().unwrap();
    assert_eq!(teachers.len(), 1);
    assert_eq!(teachers[0].name, "张三");
    assert_eq!(teachers[0].id_type_name, "居民身份证");
}

#[test]
fn the_same_id_type_and_number_is_refused_the_second_time() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    file.data_entry().add_teacher(&zhang_san()).unwrap();
    let mut again = zhang_san();
    again.name = "张叁".into();
    again.id_number = "11010519491231002x".into();
    let err = file.data_entry().add_teacher(&again).unwrap_err();
    assert!(
        matches!(err, Error::Teacher(TeacherError::DuplicateTeacher { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("张三"), "{err}");
    assert_eq!(file.teachers().all().unwrap().len(), 1);
}

#[test]
fn creating_the_school_writes_a_revision() {
    let dir = TempDir::new().unwrap();
    let (_, file) = new_file(&dir);
    let revisions = file.audit().revisions().unwrap();
    assert_eq!(revisions[0].entity, Entity::School);
    assert_eq!(
        revisions
            .iter()
            .filter(|r| r.entity == Entity::School)
            .count(),
        1
    );
    assert_eq!(revisions[0].action, Action::Create);
    assert_eq!(revisions[0].actor, accounts::ADMIN);
}

#[test]
fn adding_a_teacher_writes_a_revision_with_the_new_value() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    let teacher = file.data_entry().add_teacher(&zhang_san()).unwrap();
    // The other revision is the 基本信息 his ID number gives (tests/id_derived.rs).
    let revisions: Vec<_> = file
        .teachers()
        .history(&teacher.id)
        .unwrap()
        .into_iter()
        .filter(|r| r.entity == Entity::Teacher)
        .collect();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].action, Action::Create);
    assert_eq!(revisions[0].old_value, None);
    assert_eq!(revisions[0].new_value.as_ref().unwrap()["name"], "张三");
}

#[test]
fn updating_a_record_bumps_its_version_and_keeps_old_and_new() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    let teacher = file.data_entry().add_teacher(&zhang_san()).unwrap();
    let record = file
        .data_entry()
        .add_record(
            &teacher.id,
            "基本信息",
            fields(serde_json::json!({"MZ": "01"})),
        )
        .unwrap();
    assert_eq!(record.version, 1);
    let updated = file
        .data_entry()
        .update_record(&record.id, 1, fields(serde_json::json!({"MZ": "02"})))
        .unwrap();
    assert_eq!(updated.version, 2);

    let last = file.teachers().history(&teacher.id).unwrap().pop().unwrap();
    assert_eq!(last.action, Action::Update);
    assert_eq!(last.old_value.unwrap()["fields"]["MZ"], "01");
    assert_eq!(last.new_value.unwrap()["fields"]["MZ"], "02");
}

#[test]
fn an_edit_of_a_stale_version_is_refused() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    let teacher = file.data_entry().add_teacher(&zhang_san()).unwrap();
    let record = file
        .data_entry()
        .add_record(&teacher.id, "学习经历", Fields::new())
        .unwrap();
    file.data_entry()
        .update_record(&record.id, 1, Fields::new())
        .unwrap();
    let err = file
        .data_entry()
        .update_record(&record.id, 1, Fields::new())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Entry(EntryError::StaleRecord { current: 2, .. })
        ),
        "{err}"
    );
}

#[test]
fn deleting_a_record_keeps_its_last_values_in_the_history() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    let teacher = file.data_entry().add_teacher(&zhang_san()).unwrap();
    let record = file
        .data_entry()
        .add_record(
            &teacher.id,
            "工作经历",
            fields(serde_json::json!({"RZDWMC": "某小学"})),
        )
        .unwrap();
    file.data_entry().delete_record(&record.id).unwrap();
    assert!(
        file.teachers()
            .records(&teacher.id)
            .unwrap()
            .iter()
            .all(|r| r.group_code != "工作经历")
    );
    let last = file.teachers().history(&teacher.id).unwrap().pop().unwrap();
    assert_eq!(last.action, Action::Delete);
    assert_eq!(last.old_value.unwrap()["fields"]["RZDWMC"], "某小学");
}

#[test]
fn rows_of_a_multi_record_group_keep_their_order() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    let teacher = file.data_entry().add_teacher(&zhang_san()).unwrap();
    for school in ["甲中学", "乙大学"] {
        file.data_entry()
            .add_record(
                &teacher.id,
                "学习经历",
                fields(serde_json::json!({"YXMC": school})),
            )
            .unwrap();
    }
    let orders: Vec<i64> = file
        .teachers()
        .records(&teacher.id)
        .unwrap()
        .iter()
        .filter(|r| r.group_code == "学习经历")
        .map(|r| r.row_order)
        .collect();
    assert_eq!(orders, [1, 2]);
}

#[test]
fn export_holds_the_school_teachers_and_records() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    let teacher = file.data_entry().add_teacher(&zhang_san()).unwrap();
    file.data_entry()
        .add_record(
            &teacher.id,
            "学习经历",
            fields(serde_json::json!({"YXMC": "甲中学"})),
        )
        .unwrap();
    let export = serde_json::to_value(file.exports().document().unwrap()).unwrap();
    assert_eq!(export["format"], "taoli.school");
    assert_eq!(export["school"]["code"], "2151012345");
    assert_eq!(export["teachers"][0]["name"], "张三");
    let records = export["teachers"][0]["records"].as_array().unwrap();
    let education = records
        .iter()
        .find(|r| r["group_code"] == "学习经历")
        .unwrap();
    assert_eq!(education["fields"]["YXMC"], "甲中学");
}

#[test]
fn finding_teachers_reports_the_matches_and_the_school_total() {
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    file.data_entry().add_teacher(&zhang_san()).unwrap();
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: "李四".into(),
            id_type: "1".into(),
            id_number: "110105198001011238".into(),
        })
        .unwrap();
    let listing = file.search().teachers("ls").unwrap();
    assert_eq!(listing.total, 2);
    let names: Vec<_> = listing.teachers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["李四"]);
}

#[test]
fn saving_the_form_keeps_derived_values_it_does_not_send() {
    use taoli_core::entry::RecordDraft;
    let dir = TempDir::new().unwrap();
    let (_, mut file) = new_file(&dir);
    let teacher = file.data_entry().add_teacher(&zhang_san()).unwrap();
    let record = file
        .data_entry()
        .add_record(
            &teacher.id,
            "basic",
            fields(serde_json::json!({"highest_education": "21", "ethnicity": "01"})),
        )
        .unwrap();
    let saved = file
        .data_entry()
        .save_draft(&RecordDraft {
            teacher_id: teacher.id.clone(),
            group: "basic".into(),
            record_id: Some(record.id.clone()),
            expected_version: Some(record.version),
            fields: fields(serde_json::json!({"ethnicity": "汉族", "gender": "2"})),
        })
        .unwrap();
    assert_eq!(saved.fields["highest_education"], "21");
    assert_eq!(saved.fields["ethnicity"], "01");
    assert_eq!(saved.fields["gender"], "2");
}
