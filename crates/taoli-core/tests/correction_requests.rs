//! Identity corrections after 生效 (更正申请, issue #17,
//! docs/status-changes.md "Corrections"): the teacher keeps the identity
//! the county holds until it accepts the correction, which goes upstream as
//! a 变更申请 of the identity; against the real reference server on
//! 127.0.0.1. One behaviour per test. (Before a report: tests/corrections.rs.)

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

use taoli_core::batches::{
    Backoff, KeyAccess, SubmitOptions, SyncOptions, TeacherUpload, UploadStatus,
};
use taoli_core::correction_request::RequestState;
use taoli_core::entry::{CorrectionOutcome, IdentityCorrection};
use taoli_core::error::{Error, TeacherError};
use taoli_core::protocol::{ChangeOp, Payload};
use taoli_core::secrets::MemorySecretStore;
use taoli_core::{SchoolFile, Teacher};
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
            _dir: dir,
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

    /// A teacher the county accepted whole (生效).
    fn effective_teacher(&mut self, upstream: &Upstream) -> Teacher {
        let teacher = add_complete_teacher(&mut self.file, "张三", 1);
        let batch = self.submit().expect("the teacher is reported");
        upstream.accept_all(&batch, 1);
        self.sync();
        self.file.teachers().get(&teacher.id).unwrap()
    }

    /// Submits; the id of the batch built, if any.
    fn submit(&mut self) -> Option<String> {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        let options = SubmitOptions {
            change_reason: None,
            sync: fast(),
        };
        let outcome = self.file.reporting().submit(&keys, &options).unwrap();
        outcome.built.map(|b| b.id)
    }

    fn sync(&mut self) {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        self.file.reporting().sync(&keys, &fast()).unwrap();
    }

    fn payload(&self, batch: &str) -> Payload {
        let conn = accounts::raw_connection(&self.path);
        let bytes: Vec<u8> = conn
            .query_row("SELECT payload FROM batch WHERE id = ?1", [batch], |r| {
                r.get(0)
            })
            .unwrap();
        Payload::decode(&bytes).unwrap()
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

    fn try_rename(
        &mut self,
        teacher: &Teacher,
        name: &str,
    ) -> taoli_core::Result<CorrectionOutcome> {
        self.file
            .data_entry()
            .correct_identity(&IdentityCorrection {
                teacher_id: teacher.id.clone(),
                name: name.into(),
                id_type: teacher.id_type.clone(),
                id_number: teacher.id_number.clone(),
                reason: "姓名录入错字，以户口簿为准".into(),
                evidence: Some("户口簿复印件".into()),
            })
    }

    fn rename(&mut self, teacher: &Teacher, name: &str) -> CorrectionOutcome {
        self.try_rename(teacher, name).unwrap()
    }

    fn name_on_file(&self, teacher: &Teacher) -> String {
        self.file.teachers().get(&teacher.id).unwrap().name
    }
}

#[test]
fn a_correction_of_a_teacher_in_effect_waits_and_the_identity_in_effect_stays() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    let outcome = school.rename(&teacher, "张珊");
    let request = outcome.request.expect("a request for the county");
    assert_eq!(request.state, RequestState::Pending);
    assert_eq!(
        (request.old_name.as_str(), request.name.as_str()),
        ("张三", "张珊")
    );
    assert!(!request.sent);
    assert_eq!(school.name_on_file(&teacher), "张三");
    assert_eq!(outcome.teacher.version, teacher.version);
}

#[test]
fn the_request_goes_in_the_next_batch_as_a_change_request_of_the_identity() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    school.rename(&teacher, "张珊");
    assert_eq!(school.upload_of(&teacher).status, UploadStatus::Pending);
    let batch = school.submit().expect("a batch with the request");
    let payload = school.payload(&batch);
    let change = &payload.changes[0];
    assert_eq!(payload.changes.len(), 1);
    assert_eq!(change.op, ChangeOp::ChangeRequest);
    assert!(change.id.starts_with("correction:"));
    assert!(change.record_id.is_none());
    assert_eq!(change.fields.len(), 1);
    assert_eq!(change.fields["name"], "张珊");
    assert_eq!(
        (change.base_version, change.version),
        (Some(teacher.version), Some(teacher.version + 1))
    );
    assert_eq!(
        change.reason.as_deref(),
        Some("姓名录入错字，以户口簿为准 / 户口簿复印件")
    );
    assert_eq!(school.upload_of(&teacher).status, UploadStatus::Received);
}

#[test]
fn accepted_the_teacher_takes_the_corrected_identity_and_nothing_goes_again() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    school.rename(&teacher, "张珊");
    let batch = school.submit().unwrap();
    upstream.accept_all(&batch, 1);
    school.sync();
    assert_eq!(school.name_on_file(&teacher), "张珊");
    assert_eq!(school.upload_of(&teacher).status, UploadStatus::Effective);
    assert!(
        school
            .file
            .data_entry()
            .correction_request(&teacher.id)
            .unwrap()
            .is_none()
    );
    assert!(
        school.submit().is_none(),
        "the accepted correction went again"
    );
}

#[test]
fn returned_the_identity_stays_and_the_note_shows_until_the_request_is_withdrawn() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    school.rename(&teacher, "张珊");
    let batch = school.submit().unwrap();
    let change = school.payload(&batch).changes[0].id.clone();
    upstream.send_back(&batch, &change, "请附户口簿复印件");
    school.sync();
    assert_eq!(school.name_on_file(&teacher), "张三");
    let upload = school.upload_of(&teacher);
    assert_eq!(upload.status, UploadStatus::Returned);
    assert_eq!(upload.returned[0].reason, "请附户口簿复印件");
    assert!(upload.returned[0].group.is_none());
    let open = school
        .file
        .data_entry()
        .correction_request(&teacher.id)
        .unwrap()
        .unwrap();
    assert_eq!(open.state, RequestState::Returned);
    let withdrawn = school
        .file
        .data_entry()
        .withdraw_correction(&teacher.id)
        .unwrap();
    assert_eq!(withdrawn.state, RequestState::Withdrawn);
    assert_eq!(school.upload_of(&teacher).status, UploadStatus::Effective);
}

#[test]
fn a_second_correction_while_one_waits_is_refused() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    school.rename(&teacher, "张珊");
    let refused = school.try_rename(&teacher, "张姗").unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Teacher(TeacherError::CorrectionPending { .. })
        ),
        "{refused:?}"
    );
}

#[test]
fn after_a_return_a_new_request_answers_it() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    school.rename(&teacher, "张珊");
    let batch = school.submit().unwrap();
    let change = school.payload(&batch).changes[0].id.clone();
    upstream.send_back(&batch, &change, "姓名应为张姗");
    school.sync();
    let again = school.rename(&teacher, "张姗").request.unwrap();
    assert_eq!(again.state, RequestState::Pending);
    let upload = school.upload_of(&teacher);
    assert_eq!(upload.status, UploadStatus::Pending);
    assert!(upload.returned.is_empty());
}

#[test]
fn a_waiting_request_can_be_withdrawn_and_nothing_goes() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    school.rename(&teacher, "张珊");
    school
        .file
        .data_entry()
        .withdraw_correction(&teacher.id)
        .unwrap();
    assert!(school.submit().is_none());
}

#[test]
fn nothing_to_withdraw_is_said_so() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    let refused = school
        .file
        .data_entry()
        .withdraw_correction(&teacher.id)
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Teacher(TeacherError::CorrectionNothingOpen { .. })
        ),
        "{refused:?}"
    );
}

#[test]
fn the_sheet_prints_the_identity_asked_for() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = school.effective_teacher(&upstream);
    let before = school
        .file
        .sheets()
        .current_fingerprints(Some(&teacher.id))
        .unwrap()[&teacher.id]
        .clone();
    school.rename(&teacher, "张珊");
    let sheets = school
        .file
        .sheets()
        .gather(std::slice::from_ref(&teacher.id))
        .unwrap();
    assert_eq!(sheets.teachers[0].info.name, "张珊");
    assert_ne!(sheets.teachers[0].fingerprint, before);
}

#[test]
fn a_teacher_reported_but_not_yet_in_effect_is_corrected_at_once() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let teacher = add_complete_teacher(&mut school.file, "张三", 1);
    school.submit().expect("the teacher is reported");
    let outcome = school.rename(&teacher, "张珊");
    assert!(outcome.request.is_none());
    assert_eq!(school.name_on_file(&teacher), "张珊");
}
