//! Reporting to the upstream (issue #7, docs/batches.md) against the real
//! reference server on 127.0.0.1: enrollment, batches, receipts, reviews,
//! the edit-in-flight rule, faults on the link, refusals, offline carry.
//! One behaviour per test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;
#[path = "support/throttle.rs"]
mod throttle;
#[path = "support/upstream.rs"]
mod upstream;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use taoli_core::audit::AuditQuery;
use taoli_core::batches::{
    Backoff, BatchFile, BatchState, KeyAccess, KeyPlace, SubmitOptions, SyncOptions, UploadStatus,
};
use taoli_core::error::messages::Locale;
use taoli_core::error::{AccountError, BatchError};
use taoli_core::protocol::{Payload, RefusalCode, SignedReceipt, SigningKey};
use taoli_core::revision::Operation;
use taoli_core::secrets::{MemorySecretStore, SigningKeyStore};
use taoli_core::status_changes::NewStatusChange;
use taoli_core::status_event::EventState;
use taoli_core::store::BackupReason;
use taoli_core::{Error, SchoolFile, Teacher};
use taoli_upstream::Faults;
use tempfile::TempDir;
use upstream::{BASIC_VERSION, SCHOOL, Upstream, add_complete_teacher, new_school};

/// Quick retries, so that tests of a failing link take milliseconds.
fn fast() -> SyncOptions {
    SyncOptions {
        backoff: Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(20),
            attempts: 5,
        },
        ..SyncOptions::default()
    }
}

fn submit_options() -> SubmitOptions {
    SubmitOptions {
        change_reason: None,
        sync: fast(),
    }
}

/// A school file with the clerk signed in, and this test's keychain.
struct School {
    _dir: TempDir,
    path: PathBuf,
    file: SchoolFile,
    keychain: MemorySecretStore,
}

impl School {
    fn new() -> School {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("school.taoli");
        let file = accounts::create(&path, &new_school()).unwrap();
        School {
            _dir: dir,
            path,
            file,
            keychain: MemorySecretStore::new(),
        }
    }

    fn enroll(&mut self, upstream: &Upstream) {
        self.enroll_at(upstream, &upstream.url());
    }

    /// Enrolls with `upstream`, reached at `url` (through a proxy).
    fn enroll_at(&mut self, upstream: &Upstream, url: &str) {
        let code = upstream.code(SCHOOL);
        let keys = KeyAccess::new(Some(&self.keychain), None);
        self.file
            .reporting()
            .enroll(url, &code, &keys, fast().backoff)
            .unwrap();
    }

    fn teacher(&mut self, name: &str, n: u32) -> Teacher {
        add_complete_teacher(&mut self.file, name, n)
    }

    fn submit(&mut self) -> taoli_core::batches::SubmitOutcome {
        self.submit_with(&submit_options())
    }

    fn submit_with(&mut self, options: &SubmitOptions) -> taoli_core::batches::SubmitOutcome {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        self.file.reporting().submit(&keys, options).unwrap()
    }

    fn sync(&mut self) -> taoli_core::batches::SyncReport {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        self.file.reporting().sync(&keys, &fast()).unwrap()
    }

    fn status_of(&mut self, teacher: &Teacher) -> taoli_core::batches::TeacherUpload {
        self.file
            .reporting()
            .outbox_status()
            .unwrap()
            .teachers
            .into_iter()
            .find(|t| t.teacher_id == teacher.id)
            .unwrap()
    }

    /// The payload of a batch as the school file keeps it.
    fn payload(&self, batch: &str) -> Payload {
        let conn = accounts::raw_connection(&self.path);
        let bytes: Vec<u8> = conn
            .query_row("SELECT payload FROM batch WHERE id = ?1", [batch], |r| {
                r.get(0)
            })
            .unwrap();
        Payload::decode(&bytes).unwrap()
    }
}

fn set_basic(file: &mut SchoolFile, teacher: &Teacher, field: &str, value: &str) {
    file.data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[(field.to_owned(), value.to_owned())],
        )
        .unwrap();
}

fn basic_record_id(file: &SchoolFile, teacher: &Teacher) -> String {
    file.teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .unwrap()
        .id
}

// ----- the teachers the tests report -----

#[test]
fn a_complete_teacher_has_nothing_to_fix() {
    let mut school = School::new();
    school.teacher("张三", 1);
    let report = school.file.validation().report().unwrap();
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
}

// ----- enrollment -----

#[test]
fn enrolling_keeps_the_key_in_the_keychain_and_pins_the_upstream_key() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let enrollment = school.file.reporting().enrollment().unwrap().unwrap();
    assert_eq!(enrollment.key_place, KeyPlace::Keychain);
    assert_eq!(enrollment.school, SCHOOL);
    let key = SigningKey::load(&school.keychain, SCHOOL).unwrap().unwrap();
    assert_eq!(key.key_id(), enrollment.key_id);
    let server_key = upstream.db().server_key().unwrap();
    assert_eq!(enrollment.upstream_key_id, server_key.key_id());
    let registered = upstream
        .db()
        .school_key(&enrollment.key_id)
        .unwrap()
        .unwrap();
    assert_eq!(registered.school, SCHOOL);
}

#[test]
fn a_notice_from_the_county_is_kept_at_the_next_sync() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    upstream.notify("请于3月31日前完成报送");
    let report = school.sync();
    assert_eq!(report.notices, 1);
    assert!(report.notice_error.is_none());
    let notices = school.file.reporting().notices().unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].message, "请于3月31日前完成报送");
    assert_eq!(notices[0].from, "上级教育行政部门");
    assert!(notices[0].read_at.is_none());
}

#[test]
fn a_notice_is_kept_once_however_often_the_school_syncs() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    upstream.notify("请尽快报送");
    school.sync();
    let again = school.sync();
    assert_eq!(again.notices, 0);
    upstream.notify("再次提醒");
    assert_eq!(school.sync().notices, 1);
    let messages: Vec<String> = school
        .file
        .reporting()
        .notices()
        .unwrap()
        .into_iter()
        .map(|n| n.message)
        .collect();
    assert_eq!(messages, ["再次提醒", "请尽快报送"]);
}

#[test]
fn marking_notices_read_keeps_them_and_says_how_many_were_unread() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    upstream.notify("请尽快报送");
    school.sync();
    assert_eq!(school.file.reporting().mark_notices_read().unwrap(), 1);
    assert_eq!(school.file.reporting().mark_notices_read().unwrap(), 0);
    let notices = school.file.reporting().notices().unwrap();
    assert!(notices[0].read_at.is_some());
}

#[test]
fn without_a_keychain_the_key_is_kept_wrapped_under_the_admin_password() {
    let upstream = Upstream::start();
    let mut school = School::new();
    let code = upstream.code(SCHOOL);
    let keys = KeyAccess::new(None, Some(accounts::PASSWORD));
    let enrollment = school
        .file
        .reporting()
        .enroll(&upstream.url(), &code, &keys, fast().backoff)
        .unwrap();
    assert_eq!(enrollment.key_place, KeyPlace::SchoolFile);
    let conn = accounts::raw_connection(&school.path);
    let wrapped: String = conn
        .query_row("SELECT wrapped_key FROM enrollment", [], |r| r.get(0))
        .unwrap();
    assert!(wrapped.contains("\"kdf\":\"argon2id\""), "{wrapped}");
    // The key is usable with the password, and only with it (in a session
    // that has not unlocked it yet: tests/sync_worker.rs).
    school.teacher("张三", 1);
    let outcome = school
        .file
        .reporting()
        .submit(&keys, &submit_options())
        .unwrap();
    assert_eq!(outcome.sync.received.len(), 1);
    school.file.sign_in(&accounts::clerk()).unwrap();
    let without = KeyAccess::new(None, None);
    assert!(matches!(
        school.file.reporting().sync(&without, &fast()),
        Err(Error::Batch(BatchError::AdminPasswordNeeded))
    ));
}

#[test]
fn without_a_keychain_enrolling_needs_the_right_admin_password() {
    let upstream = Upstream::start();
    let mut school = School::new();
    let code = upstream.code(SCHOOL);
    let none = KeyAccess::new(None, None);
    assert!(matches!(
        school
            .file
            .reporting()
            .enroll(&upstream.url(), &code, &none, fast().backoff),
        Err(Error::Batch(BatchError::AdminPasswordNeeded))
    ));
    let wrong = KeyAccess::new(None, Some("not-the-password"));
    assert!(matches!(
        school
            .file
            .reporting()
            .enroll(&upstream.url(), &code, &wrong, fast().backoff),
        Err(Error::Batch(BatchError::WrongAdminPassword))
    ));
    // Nothing reached the upstream: the code is still good.
    assert!(school.file.reporting().enrollment().unwrap().is_none());
    school.enroll_with(&upstream, &code);
}

impl School {
    fn enroll_with(&mut self, upstream: &Upstream, code: &str) {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        self.file
            .reporting()
            .enroll(&upstream.url(), code, &keys, fast().backoff)
            .unwrap();
    }
}

#[test]
fn a_used_enrollment_code_is_refused_with_its_code() {
    let upstream = Upstream::start();
    let mut first = School::new();
    let code = upstream.code(SCHOOL);
    first.enroll_with(&upstream, &code);
    let mut second = School::new();
    let keys = KeyAccess::new(Some(&second.keychain), None);
    let error = second
        .file
        .reporting()
        .enroll(&upstream.url(), &code, &keys, fast().backoff)
        .unwrap_err();
    assert_eq!(error.code(), "protocol.enrollment_code_invalid");
    assert!(error.to_string().contains("报送码"), "{error}");
}

#[test]
fn an_unreachable_upstream_is_a_chinese_message_and_no_enrollment() {
    let mut school = School::new();
    let keys = KeyAccess::new(Some(&school.keychain), None);
    let error = school
        .file
        .reporting()
        .enroll(
            "http://127.0.0.1:9",
            "AAAA-BBBB-CCCC-DDDD",
            &keys,
            fast().backoff,
        )
        .unwrap_err();
    assert_eq!(error.code(), "batches.upstream_unreachable");
    assert!(error.to_string().contains("连不上上级系统"), "{error}");
    assert!(school.file.reporting().enrollment().unwrap().is_none());
}

#[test]
fn a_used_enrollment_code_is_refused_in_english_without_chinese() {
    let upstream = Upstream::start();
    let mut first = School::new();
    let code = upstream.code(SCHOOL);
    first.enroll_with(&upstream, &code);
    let mut second = School::new();
    let keys = KeyAccess::new(Some(&second.keychain), None);
    let error = second
        .file
        .reporting()
        .enroll(&upstream.url(), &code, &keys, fast().backoff)
        .unwrap_err();
    let english = error.message(Locale::En);
    assert!(
        english.ends_with("(the enrollment code was already used)"),
        "{english}"
    );
    assert!(!has_chinese(&english), "{english}");
    assert!(error.to_string().ends_with("（报送码已经用过）"), "{error}");
}

#[test]
fn an_unreachable_upstream_is_said_in_english_in_the_english_message() {
    let mut school = School::new();
    let keys = KeyAccess::new(Some(&school.keychain), None);
    let error = school
        .file
        .reporting()
        .enroll(
            "http://127.0.0.1:9",
            "AAAA-BBBB-CCCC-DDDD",
            &keys,
            fast().backoff,
        )
        .unwrap_err();
    let english = error.message(Locale::En);
    assert!(
        english.contains(
            "Cannot reach the upstream (http://127.0.0.1:9): no connection could be made ("
        ),
        "{english}"
    );
    assert!(!has_chinese(&english), "{english}");
    assert!(
        error
            .to_string()
            .contains("连不上上级系统（http://127.0.0.1:9）：无法建立连接（"),
        "{error}"
    );
}

/// Chinese characters and the full-width punctuation around them.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    })
}

#[test]
fn submitting_before_enrolling_says_how_to_enroll() {
    let mut school = School::new();
    school.teacher("张三", 1);
    let keys = KeyAccess::new(Some(&school.keychain), None);
    let error = school
        .file
        .reporting()
        .submit(&keys, &submit_options())
        .unwrap_err();
    assert!(matches!(error, Error::Batch(BatchError::NotEnrolled)));
    assert!(error.to_string().contains("taoli enroll"), "{error}");
}

// ----- a batch and its receipt -----

#[test]
fn submitting_builds_signs_uploads_and_keeps_a_verified_receipt() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    school.teacher("李四", 2);
    let outcome = school.submit();
    let built = outcome.built.unwrap();
    assert_eq!(built.sequence, 1);
    assert_eq!(built.base_batch, None);
    assert_eq!(built.state, BatchState::Received);
    assert_eq!(built.state_label, "已接收");
    // Two teachers, each with 基本信息, 学习经历, 工作经历, 岗位聘任.
    assert_eq!(built.record_count, 10);
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(
        upstream.records(&built.id).len(),
        usize::try_from(built.record_count).unwrap()
    );
    let stored = upstream.payload(&built.id).unwrap();
    assert_eq!(
        taoli_core::protocol::sha256_hex(&stored),
        built.payload_sha256
    );
    // The receipt is kept, and verifies with the pinned key.
    let receipts = school.file.reporting().receipts().unwrap();
    assert_eq!(receipts.len(), 1);
    let signed = SignedReceipt::decode(receipts[0].receipt.as_bytes()).unwrap();
    let server_key = upstream.db().server_key().unwrap().public_key();
    let receipt = signed.verify(&server_key).unwrap();
    assert_eq!(receipt.batch_id, built.id);
    assert_eq!(receipt.records.len(), 10);
}

#[test]
fn the_next_batch_follows_the_last_received_one() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let first = school.submit().built.unwrap();
    set_basic(&mut school.file, &teacher, "民族", "02");
    let second = school.submit().built.unwrap();
    assert_eq!(second.sequence, 2);
    assert_eq!(second.base_batch.as_deref(), Some(first.id.as_str()));
    assert_eq!(second.record_count, 1);
    let payload = school.payload(&second.id);
    assert_eq!(payload.changes[0].op.as_str(), "update_record");
    assert_eq!(payload.changes[0].base_version, Some(BASIC_VERSION));
    assert_eq!(payload.changes[0].version, Some(BASIC_VERSION + 1));
    assert_eq!(upstream.received(SCHOOL), 2);
}

#[test]
fn nothing_changed_builds_no_batch() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    school.submit();
    let again = school.submit();
    assert!(again.built.is_none());
    assert_eq!(upstream.batches().len(), 1);
}

#[test]
fn a_backup_is_made_before_each_batch_is_built() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    school.submit();
    let backups = school.file.backups().list().unwrap();
    assert!(
        backups
            .iter()
            .any(|b| b.reason == BackupReason::BeforeBatch && b.file_name.contains("报送前")),
        "{backups:?}"
    );
}

#[test]
fn a_teacher_with_errors_is_left_out_of_the_batch() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let good = school.teacher("张三", 1);
    let bad = school.teacher("李四", 2);
    // 民族 is required: without it, an error.
    set_basic(&mut school.file, &bad, "ethnicity", "");
    let built = school.submit().built.unwrap();
    let payload = school.payload(&built.id);
    assert!(payload.changes.iter().all(|c| c.teacher_id == good.id));
    let status = school.status_of(&bad);
    assert_eq!(status.status, UploadStatus::Pending);
    assert!(status.errors > 0);
    assert_eq!(
        status.held_back,
        Some(taoli_core::batches::HeldBack::Errors {
            count: status.errors
        })
    );
    assert!(
        status
            .held_back
            .unwrap()
            .message(taoli_core::Locale::ZhCn)
            .contains("错误")
    );
    let overall = school.file.reporting().outbox_status().unwrap();
    assert_eq!(overall.missing.teachers_with_errors, 1);
    assert!(overall.missing.unsent_changes > 0);
}

#[test]
fn a_warning_travels_with_its_written_reason() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    // A birth date that differs from the ID number: a warning.
    set_basic(&mut school.file, &teacher, "出生日期", "1970-01-11");
    let problem = school
        .file
        .validation()
        .report()
        .unwrap()
        .problems
        .into_iter()
        .find(|p| p.teacher_id == teacher.id)
        .unwrap();
    assert_eq!(problem.severity, taoli_core::catalog::Severity::Warning);
    // Without a reason the teacher waits.
    assert!(school.submit().built.is_none());
    assert_eq!(
        school.status_of(&teacher).held_back,
        Some(taoli_core::batches::HeldBack::UnexplainedWarnings { count: 1 })
    );
    school
        .file
        .validation()
        .explain_warning(
            &taoli_core::validate::WarningRef {
                teacher_id: &teacher.id,
                rule: &problem.rule,
                field: problem.field.as_deref(),
                row_order: None,
            },
            "以人事档案为准",
        )
        .unwrap();
    let built = school.submit().built.unwrap();
    let payload = school.payload(&built.id);
    assert_eq!(payload.warning_reasons.len(), 1);
    assert_eq!(payload.warning_reasons[0].reason, "以人事档案为准");
    assert_eq!(payload.warning_reasons[0].rule, problem.rule);
}

// ----- reviews -----

#[test]
fn a_returned_record_shows_its_reason_and_goes_again_once_fixed() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let first = school.submit().built.unwrap();
    let basic = basic_record_id(&school.file, &teacher);
    let returned = format!("record:{basic}@{BASIC_VERSION}");
    for record in upstream.records(&first.id) {
        if record == returned {
            upstream.send_back(&first.id, &record, "民族与户籍登记不一致，请核对");
        } else {
            upstream.accept(&first.id, &record);
        }
    }
    let report = school.sync();
    assert_eq!(report.reviews.returned, 1);
    assert_eq!(report.reviews.accepted, 4);
    let status = school.status_of(&teacher);
    assert_eq!(status.status, UploadStatus::Returned);
    assert_eq!(status.status_label, "已退回");
    assert_eq!(status.returned[0].reason, "民族与户籍登记不一致，请核对");
    assert_eq!(status.returned[0].group_name.as_deref(), Some("基本信息"));
    assert!(!status.returned[0].superseded);
    // The fix goes again, as an update of the returned version.
    set_basic(&mut school.file, &teacher, "民族", "02");
    assert_eq!(school.status_of(&teacher).status, UploadStatus::Pending);
    let second = school.submit().built.unwrap();
    let payload = school.payload(&second.id);
    assert_eq!(payload.changes.len(), 1);
    assert_eq!(payload.changes[0].op.as_str(), "update_record");
    assert_eq!(payload.changes[0].base_version, Some(BASIC_VERSION));
    upstream.accept_all(&second.id, 1);
    school.sync();
    let status = school.status_of(&teacher);
    assert_eq!(status.status, UploadStatus::Effective);
    assert_eq!(status.status_label, "已生效");
    let batches = school.file.reporting().batches().unwrap();
    assert_eq!(batches[0].state, BatchState::Reviewed);
    assert_eq!(batches[0].state_label, "已生效");
    assert_eq!(batches[1].state_label, "已退回");
}

#[test]
fn a_review_delivered_twice_is_applied_once() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    upstream.accept_all(&batch.id, 2);
    let report = school.sync();
    assert_eq!(report.reviews.accepted, 5);
    assert_eq!(report.reviews.duplicates, 5);
    let conn = accounts::raw_connection(&school.path);
    let kept: i64 = conn
        .query_row("SELECT count(*) FROM review_result", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 5);
    let entries = school
        .file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::Upload),
            ..AuditQuery::default()
        })
        .unwrap();
    let decisions = entries
        .entries
        .iter()
        .filter(|e| e.changes.iter().any(|c| c.path == "审核结果"))
        .count();
    assert_eq!(decisions, 5);
    // Asking again brings nothing new.
    let again = school.sync();
    assert_eq!(again.reviews.accepted + again.reviews.duplicates, 0);
}

#[test]
fn an_accepted_record_changed_later_goes_as_a_change_request_with_the_reason() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let first = school.submit().built.unwrap();
    upstream.accept_all(&first.id, 1);
    school.sync();
    set_basic(&mut school.file, &teacher, "民族", "02");
    // Without a reason it waits, and the status says why.
    assert!(school.submit().built.is_none());
    let status = school.file.reporting().outbox_status().unwrap();
    assert_eq!(status.missing.changes_needing_reason, 1);
    let options = SubmitOptions {
        change_reason: Some("民族登记有误，以户口簿为准".into()),
        sync: fast(),
    };
    let second = school.submit_with(&options).built.unwrap();
    let change = &school.payload(&second.id).changes[0];
    assert_eq!(change.op.as_str(), "change_request");
    assert_eq!(change.reason.as_deref(), Some("民族登记有误，以户口簿为准"));
    // Only the changed value travels.
    assert_eq!(change.fields.len(), 1);
    assert_eq!(change.fields["ethnicity"], json!("02"));
}

#[test]
fn a_change_request_after_an_import_is_compared_with_what_the_import_wrote() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    // An import replaces 民族: recorded in its change set, not as a revision.
    let roster = school.path.with_file_name("花名册.csv");
    std::fs::write(
        &roster,
        format!("姓名,身份证件号,民族\n张三,{},回族\n", teacher.id_number),
    )
    .unwrap();
    let options = taoli_core::import::ImportOptions {
        on_conflict: taoli_core::import::OnConflict::Take,
        ..Default::default()
    };
    let mut source = taoli_core::import::open(&roster).unwrap();
    let mut plan = school.file.imports().plan(&mut source, &options).unwrap();
    school
        .file
        .imports()
        .commit(&mut plan, &mut |_, _| {})
        .unwrap();
    let first = school.submit().built.unwrap();
    upstream.accept_all(&first.id, 1);
    school.sync();
    set_basic(&mut school.file, &teacher, "民族", "02");
    let options = SubmitOptions {
        change_reason: Some("民族登记有误".into()),
        sync: fast(),
    };
    let second = school.submit_with(&options).built.unwrap();
    let change = &school.payload(&second.id).changes[0];
    // Only the value changed since the import's travels.
    assert_eq!(change.fields.len(), 1, "{:?}", change.fields);
    assert_eq!(change.fields["ethnicity"], json!("02"));
}

// ----- the edit-in-flight rule (docs/batches.md) -----

/// A batch built and signed, not yet sent: the link is down.
fn batch_in_flight(school: &mut School, upstream_url: &str) -> String {
    // Point the enrollment at a closed port so the upload cannot happen.
    let conn = accounts::raw_connection(&school.path);
    conn.execute("UPDATE enrollment SET upstream = ?1", [upstream_url])
        .unwrap();
    drop(conn);
    let outcome = school.submit();
    assert!(outcome.sync.pending.is_some());
    outcome.built.unwrap().id
}

fn restore_upstream(school: &School, upstream: &Upstream) {
    let conn = accounts::raw_connection(&school.path);
    conn.execute("UPDATE enrollment SET upstream = ?1", [upstream.url()])
        .unwrap();
}

#[test]
fn an_edit_made_while_its_record_is_in_flight_goes_in_the_next_batch() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let in_flight = batch_in_flight(&mut school, "http://127.0.0.1:9");
    set_basic(&mut school.file, &teacher, "民族", "02");
    // The batch in flight keeps the version it carries.
    let carried = school.payload(&in_flight);
    let basic = basic_record_id(&school.file, &teacher);
    let change = carried
        .changes
        .iter()
        .find(|c| c.record_id.as_deref() == Some(&basic))
        .unwrap();
    assert_eq!(change.version, Some(BASIC_VERSION));
    assert_eq!(change.fields["ethnicity"], json!("01"));
    // No second batch while one is in flight.
    let error = school.file.reporting().build_batch(None).unwrap_err();
    assert_eq!(error.code(), "batches.in_flight");
    assert_eq!(school.status_of(&teacher).status, UploadStatus::Pending);
    // Once it arrives, the edit goes as the next version.
    restore_upstream(&school, &upstream);
    let outcome = school.submit();
    assert_eq!(outcome.sync.received.len(), 2);
    let next = outcome.built.unwrap();
    let changes = school.payload(&next.id).changes;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].op.as_str(), "update_record");
    assert_eq!(changes[0].base_version, Some(BASIC_VERSION));
    assert_eq!(changes[0].version, Some(BASIC_VERSION + 1));
    assert_eq!(changes[0].fields["ethnicity"], json!("02"));
    assert_eq!(upstream.received(SCHOOL), 2);
}

#[test]
fn a_review_of_the_old_version_never_overwrites_the_newer_edit() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let first = school.submit().built.unwrap();
    // Edited while its first reported version waits for review …
    set_basic(&mut school.file, &teacher, "民族", "02");
    // … and then that version is returned.
    let basic = basic_record_id(&school.file, &teacher);
    upstream.send_back(
        &first.id,
        &format!("record:{basic}@{BASIC_VERSION}"),
        "民族有误",
    );
    school.sync();
    let record = school.file.teachers().record(&basic).unwrap();
    assert_eq!(record.fields["ethnicity"], json!("02"));
    assert_eq!(record.version, BASIC_VERSION + 1);
    let status = school.status_of(&teacher);
    // The newer edit already answers the reason: it waits to be sent.
    assert_eq!(status.status, UploadStatus::Pending);
    assert!(status.returned[0].superseded);
    let next = school.submit().built.unwrap();
    assert_eq!(
        school.payload(&next.id).changes[0].version,
        Some(BASIC_VERSION + 1)
    );
}

// ----- faults on the link -----

#[test]
fn a_500_after_commit_is_retried_to_exactly_one_received_batch() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    upstream.set_faults(Faults {
        fail_after_commit: 2,
        ..Faults::default()
    });
    let outcome = school.submit();
    let built = outcome.built.unwrap();
    assert_eq!(built.state, BatchState::Received, "{:?}", outcome.sync);
    assert_eq!(built.attempts, 2);
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(upstream.batches().len(), 1);
    assert_eq!(
        taoli_core::protocol::sha256_hex(&upstream.payload(&built.id).unwrap()),
        built.payload_sha256
    );
}

#[test]
fn a_connection_dropped_mid_body_resumes_from_the_bytes_held() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    for n in 0..5 {
        school.teacher(&format!("教师{n}"), n);
    }
    upstream.set_faults(Faults {
        drop_after_bytes: Some(300),
        drop_times: 2,
        ..Faults::default()
    });
    let outcome = school.submit();
    let built = outcome.built.unwrap();
    assert!(built.payload_bytes > 600, "{}", built.payload_bytes);
    assert_eq!(built.state, BatchState::Received, "{:?}", outcome.sync);
    assert_eq!(built.attempts, 2);
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(
        taoli_core::protocol::sha256_hex(&upstream.payload(&built.id).unwrap()),
        built.payload_sha256
    );
}

#[test]
fn a_submit_through_a_256_kbit_line_is_received_exactly_once() {
    let upstream = Upstream::start();
    let addr = upstream
        .url()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let line = throttle::Throttle::start(addr, throttle::KBIT_256);
    let mut school = School::new();
    school.enroll_at(&upstream, &line.url());
    for n in 0..5 {
        school.teacher(&format!("教师{n}"), n);
    }
    line.reset();
    let outcome = school.submit();
    let built = outcome.built.unwrap();
    assert_eq!(built.state, BatchState::Received, "{:?}", outcome.sync);
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(upstream.batches().len(), 1);
    assert_eq!(
        taoli_core::protocol::sha256_hex(&upstream.payload(&built.id).unwrap()),
        built.payload_sha256
    );
    assert_eq!(school.file.reporting().receipts().unwrap().len(), 1);
    // It all went through the line: the manifest once, the payload whole.
    let traffic = line.traffic();
    let manifests = traffic
        .requests
        .iter()
        .filter(|r| *r == "POST /v1/batches")
        .count();
    assert_eq!(manifests, 1, "{:?}", traffic.requests);
    assert!(traffic.up > u64::try_from(built.payload_bytes).unwrap());
}

#[test]
fn an_unreachable_upstream_keeps_the_batch_for_the_next_sync() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let batch = batch_in_flight(&mut school, "http://127.0.0.1:9");
    let summary = school.file.reporting().batches().unwrap().remove(0);
    assert_eq!(summary.id, batch);
    assert_eq!(summary.state, BatchState::Uploading);
    assert_eq!(summary.attempts, 5);
    assert!(summary.last_error.unwrap().contains("连不上上级系统"));
    let english = summary.last_error_en.unwrap();
    assert!(
        english.contains("127.0.0.1:9") && !english.contains("连不上"),
        "{english}"
    );
    assert_eq!(school.status_of(&teacher).status, UploadStatus::Uploading);
    restore_upstream(&school, &upstream);
    let report = school.sync();
    assert_eq!(report.received.len(), 1);
    assert_eq!(report.received[0].id, batch);
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(school.status_of(&teacher).status, UploadStatus::Received);
}

#[test]
fn a_skewed_clock_is_corrected_from_the_upstreams_date() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    upstream.accept_all(&batch.id, 1);
    for skew in [chrono::TimeDelta::hours(3), chrono::TimeDelta::hours(-5)] {
        let keys = KeyAccess::new(Some(&school.keychain), None);
        let options = SyncOptions {
            clock_offset: skew,
            ..fast()
        };
        let report = school.file.reporting().sync(&keys, &options).unwrap();
        assert!(report.review_error.is_none(), "{:?}", report.review_error);
    }
    let batches = school.file.reporting().batches().unwrap();
    assert_eq!(batches[0].state, BatchState::Reviewed);
    assert_eq!(batches[0].accepted, 5);
}

// ----- refusals -----

#[test]
fn a_revoked_key_refuses_the_batch_and_its_records_go_after_enrolling_again() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let key_id = school
        .file
        .reporting()
        .enrollment()
        .unwrap()
        .unwrap()
        .key_id;
    upstream.db().revoke_key(&key_id).unwrap();
    let outcome = school.submit();
    assert_eq!(outcome.sync.refused.len(), 1);
    let refused = &outcome.sync.refused[0];
    assert_eq!(refused.state, BatchState::Refused);
    assert_eq!(
        refused.refusal.as_ref().unwrap().code,
        RefusalCode::KeyRevoked
    );
    assert_eq!(refused.state_label, "被拒收");
    school.enroll(&upstream);
    let again = school.submit().built.unwrap();
    assert_eq!(again.sequence, 1);
    assert_eq!(again.record_count, refused.record_count);
    assert_eq!(upstream.received(SCHOOL), 1);
}

// ----- a school file restored from an old backup (docs/batches.md) -----

/// Makes a backup of the school file as it is now (in a folder of its own).
fn backup(school: &mut School) -> PathBuf {
    let folder = school.path.with_file_name("backups");
    PathBuf::from(school.file.backups().to_folder(&folder).unwrap().path)
}

/// Restores `backup` over the school file, as the 系统管理员 does, and
/// signs the clerk in again.
fn restore(school: &mut School, backup: &Path) {
    school.file.sign_in(&accounts::admin()).unwrap();
    school.file.backups().restore(backup).unwrap();
    school.file.sign_in(&accounts::clerk()).unwrap();
}

/// A school with two teachers that made a backup, then sent two batches (the
/// second changing 张三's 民族), then restored the backup: it has lost both
/// batches, and 张三's change.
struct Restored {
    upstream: Upstream,
    school: School,
    zhang: Teacher,
    li: Teacher,
    /// The two batches sent before the restore, and their receipts' SHA-256.
    sent: Vec<(String, String)>,
}

fn restored_from_before_two_batches() -> Restored {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let zhang = school.teacher("张三", 1);
    let li = school.teacher("李四", 2);
    let old = backup(&mut school);
    let first = school.submit().built.unwrap();
    set_basic(&mut school.file, &zhang, "民族", "02");
    let second = school.submit().built.unwrap();
    let receipts = school.file.reporting().receipts().unwrap();
    let sent = [first, second]
        .iter()
        .map(|b| {
            let receipt = receipts.iter().find(|r| r.batch_id == b.id).unwrap();
            (b.id.clone(), receipt.receipt_sha256.clone())
        })
        .collect();
    restore(&mut school, &old);
    assert!(school.file.reporting().batches().unwrap().is_empty());
    Restored {
        upstream,
        school,
        zhang,
        li,
        sent,
    }
}

#[test]
fn a_file_restored_from_before_two_batches_reports_its_changes_after_them() {
    let mut r = restored_from_before_two_batches();
    set_basic(&mut r.school.file, &r.li, "民族", "03");
    let outcome = r.school.submit();
    assert!(outcome.sync.complete(), "{:?}", outcome.sync);
    assert_eq!(outcome.sync.replayed.len(), 1);
    assert_eq!(outcome.sync.recovered.len(), 2);
    let built = outcome.built.unwrap();
    assert_eq!(built.state, BatchState::Received);
    assert_eq!(built.sequence, 3);
    assert_eq!(built.base_batch.as_deref(), Some(r.sent[1].0.as_str()));
    // The upstream holds each batch once: the two sent before, and this one.
    assert_eq!(r.upstream.received(SCHOOL), 3);
    let held: Vec<String> = r.upstream.batches().into_iter().map(|(id, _)| id).collect();
    assert_eq!(held, [r.sent[0].0.clone(), r.sent[1].0.clone(), built.id]);
    let status = r.school.file.reporting().outbox_status().unwrap();
    assert_eq!(status.missing.unsent_changes, 0);
    assert!(!status.missing.batch_in_flight);
}

#[test]
fn the_receipts_of_the_batches_lost_to_a_restore_are_taken_back_and_kept() {
    let mut r = restored_from_before_two_batches();
    r.school.submit();
    let receipts = r.school.file.reporting().receipts().unwrap();
    for (batch, sha256) in &r.sent {
        let kept = receipts.iter().find(|k| k.batch_id == *batch).unwrap();
        assert_eq!(kept.receipt_sha256, *sha256);
        let summary = r
            .school
            .file
            .reporting()
            .batches()
            .unwrap()
            .into_iter()
            .find(|b| b.id == *batch)
            .unwrap();
        assert!(summary.recovered_at.is_some());
        assert_eq!(summary.state, BatchState::Received);
    }
}

#[test]
fn a_value_the_restore_took_back_goes_up_as_the_newer_version() {
    let mut r = restored_from_before_two_batches();
    let basic = basic_record_id(&r.school.file, &r.zhang);
    let built = r.school.submit().built.unwrap();
    // The upstream had 张三's 民族 02 as the version after the first; the
    // restored file has 01, which goes as the version after that.
    let changes = r.school.payload(&built.id).changes;
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].record_id.as_deref(), Some(basic.as_str()));
    assert_eq!(changes[0].op.as_str(), "update_record");
    assert_eq!(changes[0].base_version, Some(BASIC_VERSION + 1));
    assert_eq!(changes[0].version, Some(BASIC_VERSION + 2));
    assert_eq!(changes[0].fields["ethnicity"], json!("01"));
    assert_eq!(
        r.school.file.teachers().record(&basic).unwrap().version,
        BASIC_VERSION + 2
    );
}

#[test]
fn review_results_of_the_batches_taken_back_count_before_the_next_batch() {
    let mut r = restored_from_before_two_batches();
    r.upstream.accept_all(&r.sent[0].0, 1);
    r.upstream.accept_all(&r.sent[1].0, 1);
    // 李四's record, in effect upstream, changed in the restored file: a
    // 变更申请 with only the changed value.
    set_basic(&mut r.school.file, &r.li, "民族", "03");
    let options = SubmitOptions {
        change_reason: Some("民族登记有误，以户口簿为准".into()),
        sync: fast(),
    };
    let built = r.school.submit_with(&options).built.unwrap();
    let changes = r.school.payload(&built.id).changes;
    let li_basic = basic_record_id(&r.school.file, &r.li);
    let change = changes
        .iter()
        .find(|c| c.record_id.as_deref() == Some(li_basic.as_str()))
        .unwrap();
    assert_eq!(change.op.as_str(), "change_request");
    assert_eq!(change.fields.len(), 1);
    assert_eq!(change.fields["ethnicity"], json!("03"));
    let li = r.school.status_of(&r.li);
    assert_eq!(li.status, UploadStatus::Received);
}

#[test]
fn a_file_restored_from_before_a_batch_it_sent_sends_nothing_twice() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let old = backup(&mut school);
    let sent = school.submit().built.unwrap();
    restore(&mut school, &old);
    let outcome = school.submit();
    assert!(outcome.sync.complete(), "{:?}", outcome.sync);
    assert_eq!(outcome.sync.recovered[0].id, sent.id);
    assert!(outcome.built.is_none(), "{:?}", outcome.built);
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(upstream.batches().len(), 1);
}

#[test]
fn lost_batches_whose_receipts_do_not_verify_are_not_kept() {
    let mut r = restored_from_before_two_batches();
    // The school file pins another upstream key than the one that signed.
    let forged = SigningKey::generate().unwrap().public_key().to_wire();
    accounts::raw_connection(&r.school.path)
        .execute(
            "UPDATE enrollment SET upstream_key = ?1",
            [serde_json::to_string(&forged).unwrap()],
        )
        .unwrap();
    let outcome = r.school.submit();
    let error = outcome.sync.recovery_error.unwrap();
    assert_eq!(error.code, "protocol.receipt_invalid");
    assert_eq!(
        outcome.sync.refused[0].refusal.as_ref().unwrap().code,
        RefusalCode::SequenceReplayed
    );
    assert!(r.school.file.reporting().receipts().unwrap().is_empty());
    assert_eq!(r.upstream.received(SCHOOL), 2);
}

#[test]
fn an_upstream_history_that_does_not_follow_the_files_is_not_taken_back() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    school.submit();
    let old = backup(&mut school);
    set_basic(&mut school.file, &teacher, "民族", "02");
    school.submit();
    set_basic(&mut school.file, &teacher, "民族", "03");
    school.submit();
    restore(&mut school, &old);
    // The restored file's first batch is not the one the upstream holds.
    let conn = accounts::raw_connection(&school.path);
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         UPDATE batch_item SET batch_id = '0190f5e4-7a3b-7c4d-8e5f-0123456789ab';
         UPDATE batch SET id = '0190f5e4-7a3b-7c4d-8e5f-0123456789ab';",
    )
    .unwrap();
    drop(conn);
    set_basic(&mut school.file, &teacher, "民族", "04");
    let outcome = school.submit();
    let error = outcome.sync.recovery_error.unwrap();
    assert_eq!(error.code, "batches.upstream_history_mismatch");
    assert_eq!(school.file.reporting().receipts().unwrap().len(), 1);
    assert_eq!(upstream.received(SCHOOL), 3);
}

// ----- offline carry -----

fn export(school: &mut School) -> (PathBuf, taoli_core::batches::BatchExport) {
    let path = school.path.with_file_name("第1批.taolibatch");
    let keys = KeyAccess::new(Some(&school.keychain), None);
    let exported = school
        .file
        .reporting()
        .export_batch(&keys, None, &path)
        .unwrap()
        .unwrap();
    (path, exported)
}

fn upload(path: &Path, url: Option<&str>) -> taoli_core::Result<taoli_core::batches::UploadedFile> {
    taoli_core::batches::upload_file(path, url, None, fast().backoff)
}

#[test]
fn an_exported_batch_uploads_from_anywhere_and_its_receipt_comes_back() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let (path, exported) = export(&mut school);
    assert_eq!(exported.batch.state, BatchState::Signed);
    assert!(exported.batch.exported_at.is_some());
    // Another computer, no school file: the file names the upstream.
    let uploaded = upload(&path, None).unwrap();
    assert_eq!(uploaded.batch_id, exported.batch.id);
    assert_eq!(upstream.received(SCHOOL), 1);
    let receipt = PathBuf::from(&uploaded.receipt_path);
    assert_eq!(receipt.extension().unwrap(), "taolireceipt");
    let imported = school.file.reporting().import_receipt(&receipt).unwrap();
    assert!(imported.newly_received);
    assert_eq!(imported.batch.state, BatchState::Received);
    assert_eq!(school.status_of(&teacher).status, UploadStatus::Received);
    // A sync afterwards sends nothing twice.
    school.sync();
    assert_eq!(upstream.batches().len(), 1);
    // Importing it again changes nothing.
    assert!(
        !school
            .file
            .reporting()
            .import_receipt(&receipt)
            .unwrap()
            .newly_received
    );
}

#[test]
fn an_exported_batch_uploaded_twice_is_received_once() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let (path, _) = export(&mut school);
    let first = upload(&path, None).unwrap();
    let second = upload(&path, None).unwrap();
    assert_eq!(first.receipt_sha256, second.receipt_sha256);
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(upstream.batches().len(), 1);
}

#[test]
fn a_tampered_payload_is_refused_payload_hash_mismatch() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let (path, _) = export(&mut school);
    let mut file = BatchFile::read(&path).unwrap();
    let last = file.payload.len() - 9;
    file.payload[last] ^= 0x55;
    std::fs::write(&path, file.encode().unwrap()).unwrap();
    let error = upload(&path, None).unwrap_err();
    assert_eq!(error.code(), "protocol.payload_hash_mismatch");
    assert_eq!(upstream.received(SCHOOL), 0);
}

#[test]
fn a_tampered_manifest_is_refused_bad_signature() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let (path, _) = export(&mut school);
    let mut file = BatchFile::read(&path).unwrap();
    let mut envelope: serde_json::Value = serde_json::from_slice(&file.envelope).unwrap();
    let signed = taoli_core::protocol::SignedManifest::decode(&file.envelope).unwrap();
    let mut manifest = signed.unverified_manifest().unwrap();
    manifest.created_at = "2020-01-01T00:00:00.000Z".into();
    envelope["manifest"] = json!(base64(&manifest.canonical_bytes()));
    file.envelope = serde_json::to_vec(&envelope).unwrap();
    std::fs::write(&path, file.encode().unwrap()).unwrap();
    let error = upload(&path, None).unwrap_err();
    assert_eq!(error.code(), "protocol.bad_signature");
    assert_eq!(upstream.batches().len(), 0);
}

fn base64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

#[test]
fn a_batch_taken_to_an_upstream_that_never_enrolled_the_school_is_refused_key_unknown() {
    let upstream = Upstream::start();
    let elsewhere = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let (path, _) = export(&mut school);
    let error = upload(&path, Some(&elsewhere.url())).unwrap_err();
    assert_eq!(error.code(), "protocol.key_unknown");
    assert_eq!(elsewhere.batches().len(), 0);
}

#[test]
fn a_receipt_not_signed_by_the_pinned_key_is_refused_receipt_invalid() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let (path, exported) = export(&mut school);
    let uploaded = upload(&path, None).unwrap();
    // The same receipt, signed again by a key that is not the pinned one.
    let signed = SignedReceipt::decode(&std::fs::read(&uploaded.receipt_path).unwrap()).unwrap();
    let receipt = taoli_core::protocol::Receipt::decode(&signed.receipt_bytes).unwrap();
    let forger = SigningKey::generate().unwrap();
    let forged = SignedReceipt::sign(&receipt, &forger);
    std::fs::write(&uploaded.receipt_path, forged.encode()).unwrap();
    let error = school
        .file
        .reporting()
        .import_receipt(Path::new(&uploaded.receipt_path))
        .unwrap_err();
    assert_eq!(error.code(), "protocol.receipt_invalid");
    let batch = school.file.reporting().batches().unwrap().remove(0);
    assert_eq!(batch.id, exported.batch.id);
    assert_eq!(batch.state, BatchState::Signed);
}

// ----- roles, status, audit -----

#[test]
fn a_viewer_cannot_submit_but_reads_the_status() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    school.file.sign_in(&accounts::viewer()).unwrap();
    let keys = KeyAccess::new(Some(&school.keychain), None);
    let error = school
        .file
        .reporting()
        .submit(&keys, &submit_options())
        .unwrap_err();
    assert!(
        matches!(error, Error::Account(AccountError::NotPermitted { .. })),
        "{error}"
    );
    assert!(error.to_string().contains("信息查询员"), "{error}");
    let error = school.file.reporting().sync(&keys, &fast()).unwrap_err();
    assert!(matches!(
        error,
        Error::Account(AccountError::NotPermitted { .. })
    ));
    let status = school.file.reporting().outbox_status().unwrap();
    assert!(status.teachers[0].id_number.contains('*'));
    assert_eq!(upstream.batches().len(), 0);
}

#[test]
fn the_status_names_the_next_deadline_and_what_is_missing() {
    let mut school = School::new();
    school.teacher("张三", 1);
    let status = school.file.reporting().outbox_status().unwrap();
    let deadline = status.deadline.unwrap();
    assert!(
        deadline.date.ends_with("-03-31") || deadline.date.ends_with("-09-30"),
        "{deadline:?}"
    );
    assert!(deadline.days_left >= 0 && deadline.days_left <= 366);
    assert!(status.missing.not_enrolled);
    assert_eq!(status.missing.unsent_changes, 5);
    assert_eq!(status.counts.pending, 1);
}

#[test]
fn a_province_pack_sets_its_own_deadlines() {
    let pack = taoli_core::catalog::ProvincePack::parse(
        "[pack]\nid = \"p\"\nname = \"示例省\"\nversion = \"1\"\n\n[[deadline]]\nmonth = 12\nday = 31\nlabel = \"全年数据更新完毕\"\nlabel_en = \"The whole year updated\"\n",
        "pack.toml",
    )
    .unwrap();
    let catalog = taoli_core::catalog::catalog()
        .unwrap()
        .with_pack(&pack)
        .unwrap();
    assert_eq!(catalog.deadlines().len(), 1);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let next = taoli_core::batches::deadline::next_deadline(catalog.deadlines(), today).unwrap();
    assert_eq!(next.date, "2026-12-31");
    assert_eq!(next.label, "全年数据更新完毕");
}

#[test]
fn enrolling_building_signing_uploading_and_the_receipt_are_in_the_audit_trail() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    let log = school
        .file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::Upload),
            ..AuditQuery::default()
        })
        .unwrap();
    let states: Vec<String> = log
        .entries
        .iter()
        .rev()
        .filter(|e| e.subject == batch.id)
        .filter_map(|e| {
            e.changes
                .iter()
                .find(|c| c.path == "状态")
                .and_then(|c| c.after.clone())
        })
        .collect();
    assert_eq!(states, ["已生成", "已签名", "上传中", "已接收"]);
    assert!(log.entries.iter().any(|e| e.subject == "enrollment"));
    assert!(school.file.audit().verify().unwrap().intact());
}

#[test]
fn a_key_kept_in_the_school_file_follows_its_admins_own_password_change() {
    let upstream = Upstream::start();
    let mut school = School::new();
    let code = upstream.code(SCHOOL);
    let old = KeyAccess::new(None, Some(accounts::PASSWORD));
    school
        .file
        .reporting()
        .enroll(&upstream.url(), &code, &old, fast().backoff)
        .unwrap();
    school.file.sign_in(&accounts::admin()).unwrap();
    let new_password = "a-new-admin-pass";
    school
        .file
        .change_password(accounts::ADMIN, Some(accounts::PASSWORD), new_password)
        .unwrap();
    school.file.sign_in(&accounts::clerk()).unwrap();
    school.teacher("张三", 1);
    let stale = school.file.reporting().sync(&old, &fast()).unwrap_err();
    assert_eq!(stale.code(), "batches.signing_key_password_wrong");
    assert!(stale.to_string().contains("重新登记"), "{stale}");
    let new = KeyAccess::new(None, Some(new_password));
    let outcome = school
        .file
        .reporting()
        .submit(&new, &submit_options())
        .unwrap();
    assert_eq!(outcome.sync.received.len(), 1);
}

#[test]
fn a_record_deleted_after_it_was_reported_goes_as_a_removal() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    school.submit();
    let work = school
        .file
        .teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "work")
        .unwrap();
    school.file.data_entry().delete_record(&work.id).unwrap();
    let second = school.submit().built.unwrap();
    let changes = school.payload(&second.id).changes;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].op.as_str(), "remove_record");
    assert_eq!(changes[0].record_id.as_deref(), Some(work.id.as_str()));
    assert_eq!(changes[0].base_version, Some(1));
    assert!(changes[0].reason.as_deref().unwrap().contains("删除"));
    assert!(school.submit().built.is_none());
}

#[test]
fn removing_a_record_in_effect_waits_for_a_reason() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let first = school.submit().built.unwrap();
    upstream.accept_all(&first.id, 1);
    school.sync();
    let work = school
        .file
        .teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "work")
        .unwrap();
    school.file.data_entry().delete_record(&work.id).unwrap();
    assert!(school.submit().built.is_none());
    let options = SubmitOptions {
        change_reason: Some("工作经历重复录入".into()),
        sync: fast(),
    };
    let second = school.submit_with(&options).built.unwrap();
    let change = &school.payload(&second.id).changes[0];
    assert_eq!(change.op.as_str(), "remove_record");
    assert_eq!(change.reason.as_deref(), Some("工作经历重复录入"));
}

// ----- status changes (在职情况变动) -----

fn status_change(teacher: &Teacher, status: &str, evidence: Option<&str>) -> NewStatusChange {
    NewStatusChange {
        teacher_id: teacher.id.clone(),
        status: status.to_owned(),
        effective_date: "2026-08-31".to_owned(),
        reason: "到龄退休".to_owned(),
        evidence: evidence.map(str::to_owned),
    }
}

/// A teacher the upstream has received and put in effect.
fn effective_teacher(school: &mut School, upstream: &Upstream) -> Teacher {
    let teacher = school.teacher("张三", 1);
    let first = school.submit().built.unwrap();
    upstream.accept_all(&first.id, 1);
    school.sync();
    teacher
}

fn status_on_file(school: &School, teacher: &Teacher) -> Option<String> {
    school
        .file
        .teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .and_then(|r| r.fields.get("personnel_status").cloned())
        .and_then(|v| v.as_str().map(str::to_owned))
}

#[test]
fn a_status_change_goes_upstream_as_its_own_kind_of_change() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = effective_teacher(&mut school, &upstream);
    let event = school
        .file
        .status_changes()
        .change(&status_change(&teacher, "301", Some("桃教人〔2026〕12号")))
        .unwrap();
    let batch = school.submit().built.unwrap();
    let payload = school.payload(&batch.id);
    let reported = payload
        .changes
        .iter()
        .find(|c| c.op.as_str() == "status_change")
        .unwrap();
    let status = reported.status.as_ref().unwrap();
    assert_eq!(
        (
            status.event_id.as_str(),
            status.code.as_str(),
            status.effective_date.as_str()
        ),
        (event.id.as_str(), "301", "2026-08-31")
    );
    assert_eq!(status.evidence.as_deref(), Some("桃教人〔2026〕12号"));
}

#[test]
fn a_status_change_is_reported_once() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = effective_teacher(&mut school, &upstream);
    school
        .file
        .status_changes()
        .change(&status_change(&teacher, "301", Some("文号")))
        .unwrap();
    let batch = school.submit().built.unwrap();
    upstream.accept_all(&batch.id, 1);
    school.sync();
    // The 基本信息 the accepted change wrote is what the county accepted:
    // nothing goes again, neither the change nor a 变更申请 of 人员状态.
    assert!(school.submit().built.is_none());
    assert_eq!(
        school.status_of(&teacher).status,
        taoli_core::batches::UploadStatus::Effective
    );
}

#[test]
fn a_departure_the_county_accepts_takes_effect_and_leaves_the_roster() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = effective_teacher(&mut school, &upstream);
    school
        .file
        .status_changes()
        .change(&status_change(&teacher, "301", Some("文号")))
        .unwrap();
    assert_eq!(status_on_file(&school, &teacher).as_deref(), Some("100"));
    let batch = school.submit().built.unwrap();
    upstream.accept_all(&batch.id, 1);
    school.sync();
    assert_eq!(status_on_file(&school, &teacher).as_deref(), Some("301"));
    let departed = school.file.status_changes().departed().unwrap();
    assert_eq!(departed.len(), 1);
    assert_eq!(departed[0].teacher.id, teacher.id);
}

#[test]
fn a_departure_the_county_returns_stays_returned_with_its_reason() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = effective_teacher(&mut school, &upstream);
    let event = school
        .file
        .status_changes()
        .change(&status_change(&teacher, "301", Some("文号")))
        .unwrap();
    let batch = school.submit().built.unwrap();
    upstream.send_back(
        &batch.id,
        &format!("status:{}", event.id),
        "退休审批文件未到，请补充",
    );
    school.sync();
    assert_eq!(status_on_file(&school, &teacher).as_deref(), Some("100"));
    let timeline = school.file.status_changes().timeline(&teacher.id).unwrap();
    let returned = timeline.events.iter().find(|e| e.id == event.id).unwrap();
    assert_eq!(returned.state, EventState::Returned);
    assert_eq!(
        returned.decision_note.as_deref(),
        Some("退休审批文件未到，请补充")
    );
    assert!(
        timeline.pending.is_none(),
        "a returned change waits no more"
    );
}

#[test]
fn a_status_change_of_a_teacher_the_upstream_has_not_seen_travels_with_the_teacher() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    school
        .file
        .status_changes()
        .change(&NewStatusChange {
            teacher_id: teacher.id.clone(),
            status: "204".to_owned(),
            effective_date: "2026-09-01".to_owned(),
            reason: "进修".to_owned(),
            evidence: None,
        })
        .unwrap();
    let batch = school.submit().built.unwrap();
    let ops: Vec<&str> = school
        .payload(&batch.id)
        .changes
        .iter()
        .map(|c| c.op.as_str())
        .collect();
    assert!(
        ops.contains(&"new_teacher") && ops.contains(&"status_change"),
        "{ops:?}"
    );
}

#[test]
fn a_status_change_the_school_decides_goes_once_without_a_basic_change_request() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = effective_teacher(&mut school, &upstream);
    school
        .file
        .status_changes()
        .change(&NewStatusChange {
            teacher_id: teacher.id.clone(),
            status: "204".to_owned(),
            effective_date: "2026-09-01".to_owned(),
            reason: "赴师范大学进修".to_owned(),
            evidence: None,
        })
        .unwrap();
    let status = school.status_of(&teacher);
    assert_eq!((status.unsent, status.held_back), (1, None));
    let batch = school.submit().built.unwrap();
    let ops: Vec<String> = school
        .payload(&batch.id)
        .changes
        .iter()
        .map(|c| c.op.as_str().to_owned())
        .collect();
    assert_eq!(ops, ["status_change"]);
    upstream.accept_all(&batch.id, 1);
    school.sync();
    assert!(school.submit().built.is_none());
    assert_eq!(
        school.status_of(&teacher).status,
        taoli_core::batches::UploadStatus::Effective
    );
}

#[test]
fn an_unsent_edit_before_a_status_change_goes_with_it_as_a_change_request() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = effective_teacher(&mut school, &upstream);
    school
        .file
        .data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("民族".to_owned(), "回族".to_owned())],
        )
        .unwrap();
    school
        .file
        .status_changes()
        .change(&NewStatusChange {
            teacher_id: teacher.id.clone(),
            status: "204".to_owned(),
            effective_date: "2026-09-01".to_owned(),
            reason: "赴师范大学进修".to_owned(),
            evidence: None,
        })
        .unwrap();
    let options = SubmitOptions {
        change_reason: Some("民族录入错误".to_owned()),
        sync: fast(),
    };
    let batch = school.submit_with(&options).built.unwrap();
    let payload = school.payload(&batch.id);
    let request = payload
        .changes
        .iter()
        .find(|c| c.op.as_str() == "change_request")
        .expect("the edit is not hidden behind the change of status");
    let mut fields: Vec<&String> = request.fields.keys().collect();
    fields.sort();
    assert_eq!(fields, ["ethnicity", "personnel_status"]);
}

#[test]
fn a_reported_teacher_cannot_be_removed_and_is_told_what_to_do_instead() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    school.submit().built.unwrap();
    let err = school
        .file
        .data_entry()
        .remove_teacher(&teacher.id, "误录")
        .unwrap_err();
    assert!(err.to_string().contains("已经报送过"), "{err}");
    assert!(err.to_string().contains("变动"), "{err}");
}

#[test]
fn a_correction_of_a_teacher_in_effect_goes_as_a_change_request_with_its_reason() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = effective_teacher(&mut school, &upstream);
    school
        .file
        .data_entry()
        .correct_identity(&taoli_core::entry::IdentityCorrection {
            teacher_id: teacher.id.clone(),
            name: "张珊".into(),
            id_type: teacher.id_type.clone(),
            id_number: teacher.id_number.clone(),
            reason: "姓名录入错字，以户口簿为准".into(),
            evidence: None,
        })
        .unwrap();
    let batch = school.submit().built.unwrap();
    let payload = school.payload(&batch.id);
    let request = payload
        .changes
        .iter()
        .find(|c| c.op.as_str() == "change_request" && c.record_id.is_none())
        .unwrap();
    assert_eq!(
        request.reason.as_deref(),
        Some("姓名录入错字，以户口簿为准")
    );
    assert_eq!(request.fields["name"], "张珊");
}

#[test]
fn a_reported_teacher_cannot_be_merged_away() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let reported = school.teacher("张三", 1);
    school.submit().built.unwrap();
    let other = school
        .file
        .data_entry()
        .add_teacher(&taoli_core::NewTeacher {
            name: "张三".into(),
            id_type: "A".into(),
            id_number: reported.id_number.clone(),
        })
        .unwrap();
    let err = school
        .file
        .duplicates()
        .merge(&other.id, &reported.id, "重复登记")
        .unwrap_err();
    assert!(err.to_string().contains("不能被合并掉"), "{err}");
}

#[test]
fn the_changes_of_a_teacher_who_signed_carry_the_signoff() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let signed = school.teacher("张三", 1);
    let unsigned = school.teacher("李四", 2);
    let pdf = school.path.with_file_name("sheet.pdf");
    let printed = school
        .file
        .sheets()
        .print(
            std::slice::from_ref(&signed.id),
            &taoli_core::sheets::Template::built_in(),
            &pdf,
        )
        .unwrap();
    let fingerprint = printed.sheets[0].fingerprint.clone();
    school
        .file
        .sheets()
        .signoff(&signed.id, &fingerprint)
        .unwrap();
    let batch = school.submit().built.unwrap();
    let payload = school.payload(&batch.id);
    for change in &payload.changes {
        if change.teacher_id == signed.id {
            assert_eq!(
                change.signoff.as_ref().map(|s| s.fingerprint.as_str()),
                Some(fingerprint.as_str())
            );
        } else {
            assert_eq!(change.teacher_id, unsigned.id);
            assert!(change.signoff.is_none());
        }
    }
}
