//! Sign-off as a gate (issue #17, docs/batches.md "The sign-off gate"): a
//! school setting that holds back a teacher's changes until they signed a
//! sheet of their current information, against the real reference server
//! on 127.0.0.1. One behaviour per test.

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
    Backoff, HeldBack, KeyAccess, SubmitOptions, SyncOptions, TeacherUpload, UploadStatus,
};
use taoli_core::error::AccountError;
use taoli_core::protocol::{ChangeOp, Payload};
use taoli_core::revision::Operation;
use taoli_core::secrets::MemorySecretStore;
use taoli_core::sheets::{SignoffLack, Template};
use taoli_core::status_changes::NewStatusChange;
use taoli_core::{Error, SchoolFile, Teacher};
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
    dir: TempDir,
    path: PathBuf,
    file: SchoolFile,
    keychain: MemorySecretStore,
}

impl School {
    fn enrolled(upstream: &Upstream) -> School {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("school.taoli");
        let file = accounts::create(&path, &new_school()).unwrap();
        let mut school = School {
            dir,
            path,
            file,
            keychain: MemorySecretStore::new(),
        };
        let keys = KeyAccess::new(Some(&school.keychain), None);
        school
            .file
            .reporting()
            .enroll(
                &upstream.url(),
                &upstream.code(SCHOOL),
                &keys,
                fast().backoff,
            )
            .unwrap();
        school
    }

    /// As [`School::enrolled`], with the gate on (set by the 系统管理员).
    fn gated(upstream: &Upstream) -> School {
        let mut school = School::enrolled(upstream);
        school.set_gate(true);
        school
    }

    fn set_gate(&mut self, on: bool) {
        self.file.sign_in(&accounts::admin()).unwrap();
        self.file.sheets().set_signoff_required(on).unwrap();
        self.file.sign_in(&accounts::clerk()).unwrap();
    }

    fn teacher(&mut self, name: &str, n: u32) -> Teacher {
        add_complete_teacher(&mut self.file, name, n)
    }

    /// Prints the teacher's sheet as it is now and records their signature.
    fn sign(&mut self, teacher: &Teacher) -> String {
        let pdf = self.dir.path().join("sheet.pdf");
        let printed = self
            .file
            .sheets()
            .print(
                std::slice::from_ref(&teacher.id),
                &Template::built_in(),
                &pdf,
            )
            .unwrap();
        let fingerprint = printed.sheets[0].fingerprint.clone();
        self.file
            .sheets()
            .signoff(&teacher.id, &fingerprint)
            .unwrap();
        fingerprint
    }

    /// Submits, and the payload of the batch built, if any.
    fn submit(&mut self) -> Option<Payload> {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        let options = SubmitOptions {
            change_reason: None,
            sync: fast(),
        };
        let built = self
            .file
            .reporting()
            .submit(&keys, &options)
            .unwrap()
            .built?;
        let conn = accounts::raw_connection(&self.path);
        let bytes: Vec<u8> = conn
            .query_row(
                "SELECT payload FROM batch WHERE id = ?1",
                [&built.id],
                |r| r.get(0),
            )
            .unwrap();
        Some(Payload::decode(&bytes).unwrap())
    }

    fn upload_of(&mut self, teacher: &Teacher) -> TeacherUpload {
        self.file
            .reporting()
            .outbox_status()
            .unwrap()
            .teachers
            .into_iter()
            .find(|t| t.teacher_id == teacher.id)
            .unwrap()
    }

    fn change_status(&mut self, teacher: &Teacher, status: &str) {
        self.file
            .status_changes()
            .change(&NewStatusChange {
                teacher_id: teacher.id.clone(),
                status: status.into(),
                effective_date: "2026-11-01".into(),
                reason: "本人申请".into(),
                evidence: Some("县教人〔2026〕12号".into()),
            })
            .unwrap();
    }
}

fn carries(payload: &Payload, teacher: &Teacher) -> bool {
    payload.changes.iter().any(|c| c.teacher_id == teacher.id)
}

#[test]
fn without_the_gate_an_unsigned_teacher_goes_upstream() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.teacher("张三", 1);
    let payload = school.submit().expect("a batch");
    assert!(carries(&payload, &teacher));
    assert!(!school.file.sheets().signoff_gate().unwrap().required);
}

#[test]
fn with_the_gate_an_unsigned_teacher_is_held_back_and_says_why() {
    let upstream = Upstream::start();
    let mut school = School::gated(&upstream);
    let teacher = school.teacher("张三", 1);
    let upload = school.upload_of(&teacher);
    assert_eq!(upload.status, UploadStatus::Pending);
    assert_eq!(
        upload.held_back,
        Some(HeldBack::Signoff {
            lack: SignoffLack::Unsigned
        })
    );
    let message = upload.held_back.unwrap().message(taoli_core::Locale::ZhCn);
    assert!(message.contains("签字"), "{message}");
    let status = school.file.reporting().outbox_status().unwrap();
    assert_eq!(status.missing.teachers_without_signoff, 1);
    assert!(school.submit().is_none(), "nothing else to send");
}

#[test]
fn with_the_gate_a_teacher_who_signed_the_current_sheet_goes_with_the_signoff() {
    let upstream = Upstream::start();
    let mut school = School::gated(&upstream);
    let signed = school.teacher("张三", 1);
    let unsigned = school.teacher("李四", 2);
    let fingerprint = school.sign(&signed);
    let payload = school.submit().expect("a batch");
    assert!(carries(&payload, &signed));
    assert!(!carries(&payload, &unsigned));
    assert!(
        payload
            .changes
            .iter()
            .all(|c| c.signoff.as_ref().map(|s| s.fingerprint.as_str())
                == Some(fingerprint.as_str()))
    );
    assert!(school.upload_of(&unsigned).held_back.is_some());
}

#[test]
fn an_edit_after_signing_holds_the_teacher_back_until_a_new_sheet_is_signed() {
    let upstream = Upstream::start();
    let mut school = School::gated(&upstream);
    let teacher = school.teacher("张三", 1);
    school.sign(&teacher);
    school
        .file
        .data_entry()
        .set_fields(
            &teacher.id,
            "基本信息",
            &[("民族".to_owned(), "回族".to_owned())],
        )
        .unwrap();
    assert_eq!(
        school.upload_of(&teacher).held_back,
        Some(HeldBack::Signoff {
            lack: SignoffLack::Stale
        })
    );
    assert!(school.submit().is_none());
    school.sign(&teacher);
    let payload = school.submit().expect("a batch after signing again");
    assert!(carries(&payload, &teacher));
}

#[test]
fn a_status_change_after_signing_waits_for_a_new_signature() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.teacher("张三", 1);
    school.submit().expect("the teacher is reported");
    school.set_gate(true);
    school.sign(&teacher);
    // 201 takes effect at once and rewrites the 人员状态 the sheet prints.
    school.change_status(&teacher, "201");
    assert_eq!(
        school.upload_of(&teacher).held_back,
        Some(HeldBack::Signoff {
            lack: SignoffLack::Stale
        })
    );
    assert!(
        school.submit().is_none(),
        "the change waits for the signature"
    );
    school.sign(&teacher);
    let payload = school.submit().expect("a batch after signing again");
    assert!(
        payload
            .changes
            .iter()
            .any(|c| c.op == ChangeOp::StatusChange && c.teacher_id == teacher.id)
    );
}

#[test]
fn a_teacher_whose_leaving_waits_for_the_county_is_not_asked_to_sign() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.teacher("张三", 1);
    school.submit().expect("the teacher is reported");
    school.set_gate(true);
    school.change_status(&teacher, "301");
    assert!(school.upload_of(&teacher).held_back.is_none());
    let gaps = school.file.sheets().gaps().unwrap();
    assert!(gaps.unsigned.iter().all(|t| t.id != teacher.id));
    let payload = school.submit().expect("the status change goes");
    assert!(
        payload
            .changes
            .iter()
            .any(|c| c.op == ChangeOp::StatusChange && c.teacher_id == teacher.id)
    );
}

#[test]
fn a_status_change_waiting_for_the_county_is_printed_on_the_sheet() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.teacher("张三", 1);
    school.submit().expect("the teacher is reported");
    let before = school
        .file
        .sheets()
        .current_fingerprints(Some(&teacher.id))
        .unwrap();
    school.change_status(&teacher, "301");
    let sheets = school
        .file
        .sheets()
        .gather(std::slice::from_ref(&teacher.id))
        .unwrap();
    let basic = &sheets.teachers[0].info.groups[0];
    assert!(
        basic.fields.iter().any(|f| f.value.contains("退休")),
        "{:?}",
        basic.fields
    );
    assert_ne!(sheets.teachers[0].fingerprint, before[&teacher.id]);
}

#[test]
fn the_gate_counts_the_teachers_it_would_hold_back() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let signed = school.teacher("张三", 1);
    school.teacher("李四", 2);
    school.sign(&signed);
    let gate = school.file.sheets().signoff_gate().unwrap();
    assert_eq!((gate.required, gate.unsigned, gate.stale), (false, 1, 0));
}

#[test]
fn only_the_system_admin_may_turn_the_gate_on() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let refused = school.file.sheets().set_signoff_required(true).unwrap_err();
    assert!(
        matches!(refused, Error::Account(AccountError::NotPermitted { .. })),
        "{refused:?}"
    );
}

#[test]
fn turning_the_gate_on_is_audited_with_the_account() {
    let upstream = Upstream::start();
    let mut school = School::gated(&upstream);
    school.file.sign_in(&accounts::admin()).unwrap();
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
        .find(|e| e.changes.iter().any(|c| c.path == "报送前须本人签字确认"))
        .expect("the setting's entry");
    assert_eq!(entry.actor, accounts::ADMIN);
}
