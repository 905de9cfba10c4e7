//! The audit trail (操作痕迹): every write appends a chained entry; editing,
//! removing, reordering or forging an entry is found by `Audit::verify`; the
//! log reads newest first with filters, and exports as CSV.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use taoli_core::audit::{AuditChange, AuditQuery};
use taoli_core::export::ExportFormat;
use taoli_core::revision::{Action, Operation};
use taoli_core::sheets::Template;
use taoli_core::store::{AuditBreak, AuditBreakReason, migrations::MIGRATIONS};
use taoli_core::{NewSchool, NewTeacher, SchoolFile};
use tempfile::TempDir;

const ZHANG_SAN: &str = "11010519491231002X";
const LI_SI: &str = "110105198001011238";

/// A school with 张三 and 李四, 张三's 基本信息 entered and then changed.
fn school(dir: &TempDir) -> (PathBuf, SchoolFile, String) {
    let path = dir.path().join("school.taoli");
    let mut file = accounts::create(
        &path,
        &NewSchool {
            code: "2151012345".into(),
            name: "桃李镇中心小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap();
    let zhang = add(&mut file, "张三", ZHANG_SAN);
    add(&mut file, "李四", LI_SI);
    set(&mut file, &zhang, &[("民族", "汉族"), ("性别", "女")]);
    set(&mut file, &zhang, &[("民族", "回族")]);
    (path, file, zhang)
}

fn add(file: &mut SchoolFile, name: &str, id_number: &str) -> String {
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: "1".into(),
            id_number: id_number.into(),
        })
        .unwrap()
        .id
}

fn set(file: &mut SchoolFile, teacher: &str, pairs: &[(&str, &str)]) {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    file.data_entry()
        .set_fields(teacher, "基本信息", &pairs)
        .unwrap();
}

/// Changes the file behind Taoli's back, as someone with a SQLite tool would.
fn tamper(path: &Path, sql: &str) {
    let conn = accounts::raw_connection(path);
    conn.execute_batch(sql).unwrap();
}

/// Where `Audit::verify` finds the chain of the file at `path` broken.
fn first_break(path: &Path) -> AuditBreak {
    accounts::open(path)
        .unwrap()
        .audit()
        .verify()
        .unwrap()
        .broken
        .expect("the chain is broken")
}

/// The id of the entry that registered the first teacher.
fn first_teacher_entry(path: &Path) -> i64 {
    let conn = accounts::raw_connection(path);
    conn.query_row(
        "SELECT min(id) FROM revision WHERE entity = 'teacher' AND action = 'create'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn revision_count(path: &Path) -> i64 {
    let conn = accounts::raw_connection(path);
    conn.query_row("SELECT COUNT(*) FROM revision", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn every_write_extends_an_intact_chain() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    let check = file.audit().verify().unwrap();
    assert!(check.intact(), "{check:?}");
    file.close().unwrap();
    assert_eq!(check.entries as i64, revision_count(&path));
    assert_eq!(check.head.as_ref().map(String::len), Some(64));
}

#[test]
fn each_entry_carries_its_hash() {
    let dir = TempDir::new().unwrap();
    let (_, file, _) = school(&dir);
    let revisions = file.audit().revisions().unwrap();
    assert!(revisions.iter().all(|r| r.hash.len() == 64));
    let mut hashes: Vec<&str> = revisions.iter().map(|r| r.hash.as_str()).collect();
    hashes.dedup();
    assert_eq!(hashes.len(), revisions.len());
}

#[test]
fn an_edited_entry_breaks_the_chain_at_that_entry() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    let edited = first_teacher_entry(&path);
    tamper(
        &path,
        &format!(
            "UPDATE revision SET new_value = replace(new_value, '张三', '章三') WHERE id = {edited}"
        ),
    );
    let check = accounts::open(&path).unwrap().audit().verify().unwrap();
    let broken = check.broken.expect("the edit is found");
    assert_eq!(broken.id, edited);
    assert_eq!(broken.reason, AuditBreakReason::Altered);
    assert!(
        broken.reason.to_string().contains("改动"),
        "{}",
        broken.reason
    );
    assert!(check.head.is_none());
}

#[test]
fn a_changed_operator_breaks_the_chain() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    tamper(&path, "UPDATE revision SET actor = '李老师' WHERE id = 2");
    let check = accounts::open(&path).unwrap().audit().verify().unwrap();
    assert_eq!(check.broken.unwrap().id, 2);
}

#[test]
fn a_removed_entry_breaks_the_chain_and_names_the_gap() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    tamper(&path, "DELETE FROM revision WHERE id = 3");
    let broken = first_break(&path);
    assert_eq!(broken.id, 4);
    assert_eq!(
        broken.reason,
        AuditBreakReason::MissingOrAltered { first: 3, last: 3 }
    );
    assert!(
        broken.reason.to_string().contains("第 3 至 3 条记录缺失"),
        "{}",
        broken.reason
    );
}

#[test]
fn removing_the_newest_entries_is_found() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    let last = revision_count(&path);
    tamper(
        &path,
        &format!("DELETE FROM revision WHERE id >= {}", last - 1),
    );
    // Signing in to check writes a newer entry, chained to what is left:
    // the numbers in between are missing.
    let broken = first_break(&path);
    assert!(
        broken
            .reason
            .to_string()
            .contains(&format!("第 {} 至 {} 条记录缺失", last - 1, last)),
        "{}",
        broken.reason
    );
}

#[test]
fn swapped_entries_break_the_chain() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    // Swap the contents (hashes included) of entries 2 and 3.
    tamper(
        &path,
        "UPDATE revision SET id = -2 WHERE id = 2;
         UPDATE revision SET id = 2 WHERE id = 3;
         UPDATE revision SET id = 3 WHERE id = -2;",
    );
    let broken = first_break(&path);
    assert_eq!(broken.id, 2);
}

#[test]
fn an_entry_written_around_taoli_is_found() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = school(&dir);
    file.close().unwrap();
    tamper(
        &path,
        "INSERT INTO revision (at, actor, entity, entity_id, action)
         VALUES ('2026-11-22T00:00:00.000Z', '某人', 'teacher', 'x', 'delete')",
    );
    let broken = first_break(&path);
    assert_eq!(broken.reason, AuditBreakReason::Unhashed);
    assert!(
        broken.reason.to_string().contains("没有校验值"),
        "{}",
        broken.reason
    );
}

/// Builds a file as Taoli wrote it before the audit chain (schema 6), with
/// two revisions: plaintext, without accounts.
fn file_before_the_chain(path: &Path) {
    let conn = Connection::open(path).unwrap();
    for m in MIGRATIONS.iter().filter(|m| m.version <= 6) {
        conn.execute_batch(m.sql).unwrap();
        conn.execute(
            "INSERT INTO migration_log VALUES (?1, ?2, '2026-01-01T00:00:00.000Z', '0.0.1')",
            (m.version, m.name),
        )
        .unwrap();
    }
    conn.pragma_update(None, "user_version", 6).unwrap();
    conn.execute_batch(
        "INSERT INTO school (id, code, name, school_type, created_at, updated_at)
           VALUES (1, '2151012345', '旧版学校', '211', 'x', 'x');
         INSERT INTO teacher VALUES ('t1', '1', '11010519491231002X', '张三', 1, 'x', 'x');
         INSERT INTO revision (at, actor, entity, entity_id, action, new_value)
           VALUES ('2026-01-01T00:00:00.000Z', '王老师', 'school', '2151012345', 'create', '{}');
         INSERT INTO revision (at, actor, entity, entity_id, teacher_id, action, new_value)
           VALUES ('2026-01-02T00:00:00.000Z', '王老师', 'teacher', 't1', 't1', 'create', '{\"name\":\"张三\"}');",
    )
    .unwrap();
}

#[test]
fn an_older_file_is_chained_when_opened_and_verifies() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.taoli");
    file_before_the_chain(&path);
    let mut file = SchoolFile::open(&path).unwrap();
    file.create_first_admin(&accounts::admin()).unwrap();
    assert!(
        file.is_encrypted(),
        "the first 系统管理员's password encrypts it"
    );
    let check = file.audit().verify().unwrap();
    assert!(check.intact(), "{check:?}");
    // The two entries of the older file, then the new 系统管理员's account.
    assert_eq!(check.entries, 3);
    file.accounts()
        .add(&taoli_core::NewUser {
            name: accounts::CLERK.to_owned(),
            role: taoli_core::Role::InfoManager,
            password: accounts::PASSWORD.to_owned(),
        })
        .unwrap();
    file.sign_in(&accounts::clerk()).unwrap();
    add(&mut file, "李四", LI_SI);
    assert!(file.audit().verify().unwrap().intact());
}

#[test]
fn an_import_recorded_before_change_sets_still_undoes_and_verifies() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old.taoli");
    file_before_the_chain(&path);
    // The teacher came with a record, in an import that wrote a revision
    // per row (entries 2 and 3), as imports did up to schema 12.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "INSERT INTO record VALUES ('r1', 't1', 'basic', 1, '{\"ethnicity\":\"01\"}', 1, 'x');
         INSERT INTO revision (at, actor, entity, entity_id, teacher_id, action, new_value)
           VALUES ('2026-01-02T00:00:00.000Z', '王老师', 'record', 'r1', 't1', 'create', '{\"id\":\"r1\"}');
         INSERT INTO import_run (id, at, actor, file_name, sheets, on_conflict, counts,
                                 teachers_created, records_written, first_revision, last_revision)
           VALUES ('run1', '2026-01-02T00:00:00.000Z', '王老师', '花名册.xlsx', '[]', 'keep', '{}', 1, 1, 2, 3);",
    )
    .unwrap();
    drop(conn);
    let mut file = SchoolFile::open(&path).unwrap();
    file.create_first_admin(&accounts::admin()).unwrap();
    assert!(file.audit().verify().unwrap().intact());
    file.accounts()
        .add(&taoli_core::NewUser {
            name: accounts::CLERK.to_owned(),
            role: taoli_core::Role::InfoManager,
            password: accounts::PASSWORD.to_owned(),
        })
        .unwrap();
    file.sign_in(&accounts::clerk()).unwrap();
    let undone = file.imports().undo(None).unwrap();
    assert_eq!((undone.teachers_removed, undone.records_removed), (1, 1));
    assert!(file.teachers().all().unwrap().is_empty());
    assert!(file.audit().verify().unwrap().intact());
}

#[test]
fn an_export_to_a_file_is_recorded() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    let out = dir.path().join("教师数据.xlsx");
    file.exports()
        .to_file(ExportFormat::Xlsx, None, &out)
        .unwrap();
    let page = file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::Export),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(page.total, 1);
    let entry = &page.entries[0];
    assert_eq!(entry.subject, "教师数据.xlsx");
    assert!(
        entry
            .changes
            .iter()
            .any(|c| c.path == "格式" && c.after.as_deref() == Some("xlsx")),
        "{:?}",
        entry.changes
    );
    assert!(file.audit().verify().unwrap().intact());
}

#[test]
fn printing_and_signing_are_in_the_log() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, zhang) = school(&dir);
    let printed = file
        .sheets()
        .print(
            std::slice::from_ref(&zhang),
            &Template::built_in(),
            &dir.path().join("s.pdf"),
        )
        .unwrap();
    file.sheets()
        .signoff(&zhang, &printed.sheets[0].fingerprint)
        .unwrap();
    let log = file.audit().log(&AuditQuery::default()).unwrap();
    assert_eq!(log.entries[0].operation, Operation::Signoff);
    assert_eq!(log.entries[1].operation, Operation::SheetPrint);
    assert_eq!(log.entries[0].subject, printed.sheets[0].fingerprint);
    assert_eq!(log.entries[0].teacher_name.as_deref(), Some("张三"));
}

#[test]
fn the_log_is_newest_first_and_shows_before_and_after() {
    let dir = TempDir::new().unwrap();
    let (_, file, _) = school(&dir);
    let log = file.audit().log(&AuditQuery::default()).unwrap();
    let newest = &log.entries[0];
    assert_eq!(newest.operation, Operation::Record);
    assert_eq!(newest.action, Action::Update);
    assert_eq!(newest.subject, "基本信息");
    assert_eq!(
        newest.changes,
        [AuditChange {
            path: "民族".into(),
            before: Some("汉族".into()),
            after: Some("回族".into()),
        }],
        "only the indicator changed, by its label, codes as their names"
    );
    assert!(log.entries.windows(2).all(|w| w[0].id > w[1].id));
}

#[test]
fn a_new_teacher_shows_their_identity_by_label() {
    let dir = TempDir::new().unwrap();
    let (_, file, zhang) = school(&dir);
    let log = file
        .audit()
        .log(&AuditQuery {
            teacher_id: Some(zhang),
            operation: Some(Operation::Teacher),
            ..AuditQuery::default()
        })
        .unwrap();
    let added = &log.entries[0];
    assert_eq!(added.subject, ZHANG_SAN);
    let paths: Vec<&str> = added.changes.iter().map(|c| c.path.as_str()).collect();
    assert!(
        paths.contains(&"姓名") && paths.contains(&"身份证件号"),
        "{paths:?}"
    );
    assert!(
        !paths.contains(&"version") && !paths.contains(&"id"),
        "{paths:?}"
    );
}

#[test]
fn the_log_narrows_to_one_teacher() {
    let dir = TempDir::new().unwrap();
    let (_, file, zhang) = school(&dir);
    let log = file
        .audit()
        .log(&AuditQuery {
            teacher_id: Some(zhang.clone()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(
        log.total, 4,
        "added, 出生日期 and 性别 from the ID number, 基本信息 entered, then changed"
    );
    assert!(
        log.entries
            .iter()
            .all(|e| e.teacher_id.as_deref() == Some(zhang.as_str()))
    );
}

#[test]
fn the_log_narrows_to_an_operator_and_lists_everyone() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: "赵六".into(),
            id_type: "1".into(),
            id_number: "110105198001010016".into(),
        })
        .unwrap();
    let log = file
        .audit()
        .log(&AuditQuery {
            actor: Some("李老师".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert!(log.entries.iter().all(|e| e.actor == "李老师"));
    assert!(log.actors.contains(&"王老师".to_owned()));
}

#[test]
fn the_log_narrows_to_days() {
    let dir = TempDir::new().unwrap();
    let (_, file, _) = school(&dir);
    let all = file.audit().log(&AuditQuery::default()).unwrap().total;
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let from_today = file
        .audit()
        .log(&AuditQuery {
            from: Some(today.clone()),
            to: Some(today),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(from_today.total, all);
    let long_ago = file
        .audit()
        .log(&AuditQuery {
            to: Some("2000-01-01".into()),
            ..AuditQuery::default()
        })
        .unwrap();
    assert_eq!(long_ago.total, 0);
}

#[test]
fn a_malformed_day_is_refused_in_chinese() {
    let dir = TempDir::new().unwrap();
    let (_, file, _) = school(&dir);
    let err = file
        .audit()
        .log(&AuditQuery {
            from: Some("2026/3/31".into()),
            ..AuditQuery::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("年-月-日"), "{err}");
}

#[test]
fn the_log_pages() {
    let dir = TempDir::new().unwrap();
    let (_, file, _) = school(&dir);
    let page = file
        .audit()
        .log(&AuditQuery {
            offset: 1,
            limit: 2,
            ..AuditQuery::default()
        })
        .unwrap();
    let all = file.audit().log(&AuditQuery::default()).unwrap();
    assert_eq!(page.entries.len(), 2);
    assert_eq!(page.entries[0].id, all.entries[1].id);
    assert_eq!(page.total, all.total);
}

#[test]
fn the_csv_export_opens_in_excel_and_keeps_typed_formulas_as_text() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: "=HYPERLINK(\"x\")".into(),
            id_type: "1".into(),
            id_number: "110105198001010016".into(),
        })
        .unwrap();
    let csv = file.audit().csv(&AuditQuery::default()).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(text.starts_with("编号,时间,操作人,操作"));
    assert!(text.contains("\r\n"));
    assert!(
        !text.contains(",=HYPERLINK"),
        "a formula would run in Excel"
    );
}

/// The log asked for in English.
fn in_english(query: AuditQuery) -> AuditQuery {
    AuditQuery {
        locale: taoli_core::Locale::En,
        ..query
    }
}

#[test]
fn the_log_names_a_teacher_s_identity_in_the_language_asked_for() {
    let dir = TempDir::new().unwrap();
    let (_, file, zhang) = school(&dir);
    let log = file
        .audit()
        .log(&in_english(AuditQuery {
            teacher_id: Some(zhang),
            operation: Some(Operation::Teacher),
            ..AuditQuery::default()
        }))
        .unwrap();
    let paths: Vec<&str> = log.entries[0]
        .changes
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    assert!(
        paths.contains(&"Name") && paths.contains(&"ID number"),
        "{paths:?}"
    );
}

#[test]
fn a_stored_word_is_shown_in_the_language_asked_for() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = school(&dir);
    file.backups()
        .now(taoli_core::store::BackupReason::Manual)
        .unwrap();
    let query = AuditQuery {
        operation: Some(Operation::Backup),
        ..AuditQuery::default()
    };
    let reason = |query: &AuditQuery| {
        let log = file.audit().log(query).unwrap();
        let change = log.entries[0]
            .changes
            .iter()
            .find(|c| c.path == "Reason" || c.path == "原因")
            .cloned();
        change.unwrap()
    };
    let chinese = reason(&query);
    let english = reason(&in_english(query.clone()));
    assert_eq!(
        (chinese.path.as_str(), chinese.after.as_deref()),
        ("原因", Some("手动"))
    );
    assert_eq!(
        (english.path.as_str(), english.after.as_deref()),
        ("Reason", Some("manual"))
    );
}

#[test]
fn the_csv_in_english_has_english_columns_and_words() {
    let dir = TempDir::new().unwrap();
    let (_, file, _) = school(&dir);
    let csv = file
        .audit()
        .csv(&in_english(AuditQuery::default()))
        .unwrap();
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        text.starts_with("No.,Time,Operator,Operation,Action,Teacher"),
        "{}",
        &text[..80]
    );
    assert!(text.contains(",Information,changed,"), "{text}");
    assert!(!text.contains("修改"), "{text}");
}

#[test]
fn the_audit_file_name_follows_the_language() {
    use taoli_core::audit::audit_file_name;
    assert_eq!(
        audit_file_name("桃李镇中心小学", taoli_core::Locale::ZhCn),
        "桃李镇中心小学-操作记录.csv"
    );
    assert_eq!(
        audit_file_name("桃李镇中心小学", taoli_core::Locale::En),
        "桃李镇中心小学-audit-log.csv"
    );
}
