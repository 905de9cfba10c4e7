//! The school's own review before upload (学校负责人审核, issue #17,
//! docs/batches.md "The review gate"), against the real reference server
//! on 127.0.0.1: the setting, the batch that waits, approval and return.
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
#[path = "support/upstream.rs"]
mod upstream;

use std::path::PathBuf;
use std::time::Duration;

use taoli_core::audit::AuditQuery;
use taoli_core::batches::{
    Backoff, BatchState, BatchStatus, KeyAccess, SubmitOptions, SubmitOutcome, SyncOptions,
    UploadStatus,
};
use taoli_core::error::{AccountError, BatchError};
use taoli_core::revision::Operation;
use taoli_core::secrets::MemorySecretStore;
use taoli_core::{Error, Locale, SchoolFile, Teacher};
use tempfile::TempDir;
use upstream::{SCHOOL, Upstream, add_complete_teacher, new_school};

fn fast() -> SyncOptions {
    SyncOptions {
        backoff: Backoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(20),
            attempts: 3,
        },
        ..SyncOptions::default()
    }
}

/// An enrolled school file with the clerk signed in, and its keychain.
struct School {
    _dir: TempDir,
    _path: PathBuf,
    file: SchoolFile,
    keychain: MemorySecretStore,
}

impl School {
    fn enrolled(upstream: &Upstream) -> School {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("school.taoli");
        let file = accounts::create(&path, &new_school()).unwrap();
        let mut school = School {
            _dir: dir,
            _path: path,
            file,
            keychain: MemorySecretStore::new(),
        };
        let code = upstream.code(SCHOOL);
        let keys = KeyAccess::new(Some(&school.keychain), None);
        school
            .file
            .reporting()
            .enroll(&upstream.url(), &code, &keys, fast().backoff)
            .unwrap();
        school
    }

    /// As [`School::enrolled`], with the review required (set by the 系统管理员).
    fn reviewed(upstream: &Upstream) -> School {
        let mut school = School::enrolled(upstream);
        school.as_admin();
        school.file.school_review().set_required(true).unwrap();
        school.as_clerk();
        school
    }

    fn as_admin(&mut self) {
        self.file.sign_in(&accounts::admin()).unwrap();
    }

    fn as_clerk(&mut self) {
        self.file.sign_in(&accounts::clerk()).unwrap();
    }

    fn teacher(&mut self, name: &str, n: u32) -> Teacher {
        add_complete_teacher(&mut self.file, name, n)
    }

    fn try_submit(&mut self) -> taoli_core::Result<SubmitOutcome> {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        let options = SubmitOptions {
            change_reason: None,
            sync: fast(),
        };
        self.file.reporting().submit(&keys, &options)
    }

    fn submit(&mut self) -> SubmitOutcome {
        self.try_submit().unwrap()
    }

    fn approve(&mut self) -> taoli_core::batches::ReviewApproval {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        self.file.school_review().approve(&keys, &fast()).unwrap()
    }

    fn status_of(&mut self, teacher: &Teacher) -> UploadStatus {
        self.file
            .reporting()
            .outbox_status()
            .unwrap()
            .teachers
            .into_iter()
            .find(|t| t.teacher_id == teacher.id)
            .unwrap()
            .status
    }
}

#[test]
fn without_the_setting_a_submit_uploads_as_before() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    school.teacher("张三", 1);
    let outcome = school.submit();
    let built = outcome.built.unwrap();
    assert_eq!(built.state, BatchState::Received);
    assert_eq!(upstream.received(SCHOOL), 1);
    let status = school.file.school_review().status().unwrap();
    assert!(!status.required);
    assert!(status.waiting.is_none());
}

#[test]
fn the_review_is_off_until_the_system_admin_turns_it_on() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    assert!(!school.file.school_review().status().unwrap().required);
    school.as_admin();
    let status = school.file.school_review().set_required(true).unwrap();
    assert!(status.required);
}

#[test]
fn only_the_system_admin_may_change_the_setting() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let refused = school.file.school_review().set_required(true).unwrap_err();
    assert!(
        matches!(refused, Error::Account(AccountError::NotPermitted { .. })),
        "{refused:?}"
    );
}

#[test]
fn changing_the_setting_is_audited() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.as_admin();
    let log = school
        .file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::School),
            ..AuditQuery::default()
        })
        .unwrap();
    let entry = log
        .entries
        .iter()
        .find(|e| e.changes.iter().any(|c| c.path == "报送前须学校负责人审核"))
        .expect("the setting's entry");
    assert_eq!(entry.actor, accounts::ADMIN);
}

#[test]
fn with_the_setting_a_submit_builds_the_batch_but_does_not_upload_it() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    let teacher = school.teacher("张三", 1);
    let outcome = school.submit();
    let built = outcome.built.unwrap();
    assert_eq!(built.state, BatchState::Built);
    assert!(built.signed_at.is_none());
    assert_eq!(upstream.received(SCHOOL), 0);
    let status = school.file.school_review().status().unwrap();
    assert_eq!(status.waiting.unwrap().batch_id, built.id);
    assert_eq!(school.status_of(&teacher), UploadStatus::AwaitingReview);
}

#[test]
fn a_teacher_in_the_waiting_batch_reads_awaiting_review_until_it_is_approved() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    let teacher = school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    let status = school.file.reporting().outbox_status().unwrap();
    let row = status
        .teachers
        .iter()
        .find(|t| t.teacher_id == teacher.id)
        .unwrap();
    assert_eq!(row.status, UploadStatus::AwaitingReview);
    assert_eq!(row.status_label, "待审核");
    assert_eq!(row.status.said(Locale::En), "Awaiting review");
    assert_eq!(status.counts.awaiting_review, 1);
    assert_eq!(status.counts.uploading, 0);
    let waiting = status.batches.iter().find(|b| b.id == batch.id).unwrap();
    assert_eq!(waiting.status, BatchStatus::AwaitingReview);
    assert_eq!(waiting.state_label, "待审核");
    school.as_admin();
    school.approve();
    school.as_clerk();
    let status = school.file.reporting().outbox_status().unwrap();
    let row = status
        .teachers
        .iter()
        .find(|t| t.teacher_id == teacher.id)
        .unwrap();
    assert!(
        matches!(row.status, UploadStatus::Uploading | UploadStatus::Received),
        "{:?}",
        row.status
    );
    assert_eq!(status.counts.awaiting_review, 0);
    let sent = status.batches.iter().find(|b| b.id == batch.id).unwrap();
    assert_ne!(sent.status, BatchStatus::AwaitingReview);
}

#[test]
fn a_sync_leaves_the_waiting_batch_unsent() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.teacher("张三", 1);
    school.submit();
    let keys = KeyAccess::new(Some(&school.keychain), None);
    let report = school.file.reporting().sync(&keys, &fast()).unwrap();
    assert!(report.received.is_empty());
    assert_eq!(upstream.received(SCHOOL), 0);
}

#[test]
fn a_waiting_batch_cannot_be_signed_or_submitted_again() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    let keys = KeyAccess::new(Some(&school.keychain), None);
    let signing = school.file.reporting().sign_batch(&keys).unwrap_err();
    assert!(
        matches!(signing, Error::Batch(BatchError::AwaitingReview { sequence }) if sequence == batch.sequence),
        "{signing:?}"
    );
    let again = school.try_submit().unwrap_err();
    assert!(
        matches!(again, Error::Batch(BatchError::AwaitingReview { .. })),
        "{again:?}"
    );
}

#[test]
fn the_admin_sees_each_teachers_changes_by_indicator_label() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.teacher("张三", 1);
    school.teacher("李四", 2);
    school.submit();
    school.as_admin();
    let pending = school.file.school_review().pending().unwrap().unwrap();
    let names: Vec<&str> = pending.teachers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["张三", "李四"]);
    let zhang = &pending.teachers[0];
    let fields: Vec<_> = zhang.changes.iter().flat_map(|c| &c.fields).collect();
    let name = fields.iter().find(|f| f.label == "姓名").expect("姓名");
    assert_eq!(name.before, None);
    assert_eq!(name.after.as_deref(), Some("张三"));
}

#[test]
fn a_changed_value_shows_as_uploaded_before_and_now_after() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.teacher("张三", 1);
    school.submit();
    school.as_admin();
    school.file.school_review().set_required(true).unwrap();
    school.as_clerk();
    school
        .file
        .data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("ethnicity".to_owned(), "02".to_owned())],
        )
        .unwrap();
    school.submit().built.unwrap();
    school.as_admin();
    let pending = school.file.school_review().pending().unwrap().unwrap();
    let changed: Vec<_> = pending.teachers[0]
        .changes
        .iter()
        .flat_map(|c| &c.fields)
        .filter(|f| f.code == "ethnicity")
        .collect();
    assert_eq!(changed.len(), 1, "{:#?}", pending.teachers[0].changes);
    assert!(changed[0].before.is_some());
    assert_ne!(changed[0].before, changed[0].after);
}

#[test]
fn the_admin_sees_the_warnings_that_travel_with_their_reasons() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    let teacher = school.teacher("张三", 1);
    // A birth date that differs from the ID number: a warning.
    school
        .file
        .data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("出生日期".to_owned(), "1970-01-11".to_owned())],
        )
        .unwrap();
    let problem = school
        .file
        .validation()
        .report()
        .unwrap()
        .problems
        .into_iter()
        .find(|p| p.teacher_id == teacher.id)
        .unwrap();
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
    school.submit().built.unwrap();
    school.as_admin();
    let pending = school.file.school_review().pending().unwrap().unwrap();
    let warnings = &pending.teachers[0].warnings;
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].rule, problem.rule);
    assert_eq!(warnings[0].reason, "以人事档案为准");
    assert!(!warnings[0].message.is_empty());
}

#[test]
fn the_clerk_cannot_review() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.teacher("张三", 1);
    school.submit();
    let refused = school.file.school_review().pending().unwrap_err();
    assert!(
        matches!(refused, Error::Account(AccountError::NotPermitted { .. })),
        "{refused:?}"
    );
}

#[test]
fn approving_signs_and_uploads_the_batch_under_the_admins_account() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    school.as_admin();
    let approval = school.approve();
    assert_eq!(approval.batch.id, batch.id);
    assert_eq!(approval.batch.state, BatchState::Received);
    assert_eq!(upstream.received(SCHOOL), 1);
    let log = school
        .file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::Upload),
            ..AuditQuery::default()
        })
        .unwrap();
    let approved = log
        .entries
        .iter()
        .find(|e| {
            e.changes
                .iter()
                .any(|c| c.after.as_deref() == Some("approved"))
        })
        .expect("the approval's entry");
    assert_eq!(approved.actor, accounts::ADMIN);
    assert!(
        approved
            .changes
            .iter()
            .any(|c| c.after.as_deref() == Some(accounts::ADMIN))
    );
    assert!(
        school
            .file
            .school_review()
            .status()
            .unwrap()
            .waiting
            .is_none()
    );
}

#[test]
fn approving_with_nothing_waiting_says_so() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.as_admin();
    let keys = KeyAccess::new(Some(&school.keychain), None);
    let refused = school
        .file
        .school_review()
        .approve(&keys, &fast())
        .unwrap_err();
    assert!(
        matches!(refused, Error::Batch(BatchError::NothingAwaitingReview)),
        "{refused:?}"
    );
}

#[test]
fn returning_drops_the_batch_and_its_changes_wait_again() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    let teacher = school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    school.as_admin();
    let returned = school
        .file
        .school_review()
        .send_back("张三的学历请再核对")
        .unwrap();
    assert_eq!(returned.batch_id, batch.id);
    school.as_clerk();
    assert!(
        school
            .file
            .reporting()
            .batches()
            .unwrap()
            .iter()
            .all(|b| b.id != batch.id)
    );
    assert_eq!(school.status_of(&teacher), UploadStatus::Pending);
    assert_eq!(upstream.received(SCHOOL), 0);
}

#[test]
fn the_return_note_is_shown_to_the_clerk_until_the_next_batch() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.teacher("张三", 1);
    school.submit();
    school.as_admin();
    school
        .file
        .school_review()
        .send_back("张三的学历请再核对")
        .unwrap();
    school.as_clerk();
    let status = school.file.school_review().status().unwrap();
    let returned = status.returned.unwrap();
    assert_eq!(returned.note, "张三的学历请再核对");
    assert_eq!(returned.returned_by, accounts::ADMIN);
    school.submit().built.unwrap();
    let status = school.file.school_review().status().unwrap();
    assert!(status.returned.is_none());
    assert!(status.waiting.is_some());
}

#[test]
fn a_return_needs_a_note() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.teacher("张三", 1);
    school.submit();
    school.as_admin();
    let refused = school.file.school_review().send_back("  ").unwrap_err();
    assert!(
        matches!(refused, Error::Batch(BatchError::InvalidReturnNote { .. })),
        "{refused:?}"
    );
    assert!(
        school
            .file
            .school_review()
            .status()
            .unwrap()
            .waiting
            .is_some()
    );
}

#[test]
fn turning_the_setting_off_does_not_release_a_waiting_batch() {
    let upstream = Upstream::start();
    let mut school = School::reviewed(&upstream);
    school.teacher("张三", 1);
    school.submit();
    school.as_admin();
    school.file.school_review().set_required(false).unwrap();
    school.as_clerk();
    let keys = KeyAccess::new(Some(&school.keychain), None);
    school.file.reporting().sync(&keys, &fast()).unwrap();
    assert_eq!(upstream.received(SCHOOL), 0);
    assert!(
        school
            .file
            .school_review()
            .status()
            .unwrap()
            .waiting
            .is_some()
    );
}
