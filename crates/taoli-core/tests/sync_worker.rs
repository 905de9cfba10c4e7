//! The app's side of reporting (docs/batches.md, "The app's sync worker"),
//! against the real reference server on 127.0.0.1: a second handle of the
//! school file for the same session, the signing key unlocked once a
//! session, the worker's passes and when it stops, receipts exported.
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
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use taoli_core::audit::AuditQuery;
use taoli_core::batches::{
    Backoff, KeyAccess, SubmitOptions, SyncOptions, SyncPass, SyncWorker, UploadStatus,
    WorkerOptions,
};
use taoli_core::error::{AccountError, BatchError};
use taoli_core::secrets::{MemorySecretStore, SecretStore};
use taoli_core::{Error, SchoolFile, Teacher};
use taoli_upstream::Faults;
use tempfile::TempDir;
use upstream::{SCHOOL, Upstream, add_complete_teacher, new_school};

/// Long enough for any pass on 127.0.0.1; a test that waits this long for
/// something fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// Quick retries, so that tests of a failing link take milliseconds.
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

/// Passes `interval` apart, the first at once, retries after a tenth of it.
fn every(interval: Duration) -> WorkerOptions {
    WorkerOptions {
        first_pass: Duration::ZERO,
        sync: fast(),
        ..WorkerOptions::every(interval)
    }
}

/// A school file with the clerk signed in, and a keychain of its own.
struct School {
    _dir: TempDir,
    path: PathBuf,
    file: SchoolFile,
    keychain: Arc<MemorySecretStore>,
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
            keychain: Arc::new(MemorySecretStore::new()),
        }
    }

    fn keychain(&self) -> Option<Arc<dyn SecretStore>> {
        Some(Arc::clone(&self.keychain) as Arc<dyn SecretStore>)
    }

    fn enroll(&mut self, upstream: &Upstream) {
        let code = upstream.code(SCHOOL);
        let keys = KeyAccess::new(Some(&*self.keychain), None);
        self.file
            .reporting()
            .enroll(&upstream.url(), &code, &keys, fast().backoff)
            .unwrap();
    }

    /// Enrolled with the key kept in the school file under the 系统管理员
    /// password, as on a computer without a keychain.
    fn enroll_without_keychain(&mut self, upstream: &Upstream) {
        let code = upstream.code(SCHOOL);
        let keys = KeyAccess::new(None, Some(accounts::PASSWORD));
        self.file
            .reporting()
            .enroll(&upstream.url(), &code, &keys, fast().backoff)
            .unwrap();
    }

    fn teacher(&mut self, name: &str, n: u32) -> Teacher {
        add_complete_teacher(&mut self.file, name, n)
    }

    fn submit(&mut self) -> taoli_core::batches::SubmitOutcome {
        let keys = KeyAccess::new(Some(&*self.keychain), None);
        let options = SubmitOptions {
            change_reason: None,
            sync: fast(),
        };
        self.file.reporting().submit(&keys, &options).unwrap()
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

    /// Starts the worker; its passes arrive on the receiver.
    fn worker(&self, options: WorkerOptions) -> (SyncWorker, Receiver<SyncPass>) {
        self.worker_with(self.keychain(), options)
    }

    fn worker_with(
        &self,
        keychain: Option<Arc<dyn SecretStore>>,
        options: WorkerOptions,
    ) -> (SyncWorker, Receiver<SyncPass>) {
        let (tell, passes) = channel();
        let tell = Mutex::new(tell);
        let worker = SyncWorker::start(&self.file, keychain, options, move |pass| {
            let _ = tell.lock().unwrap().send(pass.clone());
        })
        .unwrap();
        (worker, passes)
    }
}

/// The next pass the worker tells.
fn next_pass(passes: &Receiver<SyncPass>) -> SyncPass {
    passes
        .recv_timeout(PATIENCE)
        .expect("the worker told no pass")
}

/// Waits until `condition` holds.
fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let until = Instant::now() + PATIENCE;
    while !condition() {
        assert!(Instant::now() < until, "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ----- a second handle for the same session -----

#[test]
fn a_second_handle_acts_for_the_signed_in_account() {
    let school = School::new();
    let second = school.file.second_handle().unwrap();
    assert_eq!(second.session(), school.file.session());
    assert_eq!(second.session().unwrap().name, accounts::CLERK);
}

#[test]
fn nobody_signed_in_has_no_second_handle() {
    let mut school = School::new();
    school.file.sign_out();
    assert!(matches!(
        school.file.second_handle(),
        Err(Error::Account(AccountError::NotSignedIn))
    ));
}

#[test]
fn a_second_handle_is_refused_once_the_session_is_locked() {
    let mut school = School::new();
    let mut second = school.file.second_handle().unwrap();
    school.file.lock();
    assert!(matches!(
        second.reporting().enrollment(),
        Err(Error::Account(AccountError::SessionLocked))
    ));
}

#[test]
fn a_second_handle_is_refused_once_signed_out() {
    let mut school = School::new();
    let mut second = school.file.second_handle().unwrap();
    school.file.sign_out();
    assert!(matches!(
        second.reporting().enrollment(),
        Err(Error::Account(AccountError::NotSignedIn))
    ));
}

#[test]
fn a_second_handle_is_refused_once_someone_else_signs_in() {
    let mut school = School::new();
    let mut second = school.file.second_handle().unwrap();
    school.file.sign_in(&accounts::viewer()).unwrap();
    assert!(matches!(
        second.reporting().enrollment(),
        Err(Error::Account(AccountError::NotSignedIn))
    ));
}

#[test]
fn a_second_handles_work_does_not_keep_the_session_awake() {
    let mut school = School::new();
    school.file.set_idle_limit(Duration::from_millis(300));
    let mut second = school.file.second_handle().unwrap();
    let until = Instant::now() + Duration::from_millis(600);
    while Instant::now() < until {
        let _ = second.reporting().enrollment();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(matches!(
        school.file.search().teachers(""),
        Err(Error::Account(AccountError::SessionLocked))
    ));
}

#[test]
fn the_first_handle_reads_and_writes_while_a_sync_on_the_second_waits_on_the_network() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    upstream.set_faults(Faults {
        delay_ms: 1500,
        ..Faults::default()
    });
    let mut second = school.file.second_handle().unwrap();
    let keychain = Arc::clone(&school.keychain);
    let started = Instant::now();
    let submit = std::thread::spawn(move || {
        let keys = KeyAccess::new(Some(&*keychain), None);
        let options = SubmitOptions {
            change_reason: None,
            sync: fast(),
        };
        second.reporting().submit(&keys, &options).unwrap()
    });
    std::thread::sleep(Duration::from_millis(300));
    let before = Instant::now();
    school.teacher("李四", 2);
    assert_eq!(school.file.search().teachers("").unwrap().total, 2);
    assert!(
        before.elapsed() < Duration::from_millis(1000),
        "the first handle waited {:?}",
        before.elapsed()
    );
    let outcome = submit.join().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(1500));
    assert_eq!(outcome.sync.received.len(), 1);
}

// ----- the signing key kept in the school file -----

#[test]
fn a_key_kept_in_the_school_file_needs_the_password_once_a_session() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll_without_keychain(&upstream);
    school.teacher("张三", 1);
    let options = SubmitOptions {
        change_reason: None,
        sync: fast(),
    };
    let outcome = school
        .file
        .reporting()
        .submit(&KeyAccess::new(None, None), &options)
        .unwrap();
    assert_eq!(outcome.sync.received.len(), 1);
}

#[test]
fn a_new_session_asks_for_the_password_again() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll_without_keychain(&upstream);
    school.teacher("张三", 1);
    school.file.lock();
    school.file.unlock(accounts::PASSWORD).unwrap();
    let options = SubmitOptions {
        change_reason: None,
        sync: fast(),
    };
    assert!(matches!(
        school
            .file
            .reporting()
            .submit(&KeyAccess::new(None, None), &options),
        Err(Error::Batch(BatchError::AdminPasswordNeeded))
    ));
    let outcome = school
        .file
        .reporting()
        .submit(&KeyAccess::new(None, Some(accounts::PASSWORD)), &options)
        .unwrap();
    assert_eq!(outcome.sync.received.len(), 1);
}

#[test]
fn a_second_handle_signs_with_the_key_its_session_unlocked() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll_without_keychain(&upstream);
    school.teacher("张三", 1);
    let mut second = school.file.second_handle().unwrap();
    let options = SubmitOptions {
        change_reason: None,
        sync: fast(),
    };
    let outcome = second
        .reporting()
        .submit(&KeyAccess::new(None, None), &options)
        .unwrap();
    assert_eq!(outcome.sync.received.len(), 1);
}

// ----- the worker -----

#[test]
fn a_viewer_has_no_worker() {
    let mut school = School::new();
    school.file.sign_in(&accounts::viewer()).unwrap();
    let started = SyncWorker::start(&school.file, None, every(Duration::from_secs(60)), |_| {});
    assert!(matches!(
        started,
        Err(Error::Account(AccountError::NotPermitted { .. }))
    ));
}

#[test]
fn the_first_pass_pulls_the_reviews_and_says_what_changed() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    upstream.send_back(
        &batch.id,
        &format!("teacher:{}@1", teacher.id),
        "姓名与户籍不一致",
    );
    let (_worker, passes) = school.worker(every(Duration::from_secs(60)));
    let pass = next_pass(&passes);
    assert!(pass.error.is_none(), "{:?}", pass.error);
    assert_eq!(pass.report.as_ref().unwrap().reviews.returned, 1);
    assert!(pass.changed);
    assert_eq!(school.status_of(&teacher), UploadStatus::Returned);
}

#[test]
fn a_pass_that_changed_nothing_says_so() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let (_worker, passes) = school.worker(every(Duration::from_secs(60)));
    let pass = next_pass(&passes);
    assert!(pass.report.is_some());
    assert!(!pass.changed);
}

#[test]
fn the_worker_syncs_again_after_the_interval() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    let (_worker, passes) = school.worker(every(Duration::from_millis(300)));
    assert!(!next_pass(&passes).changed);
    upstream.accept_all(&batch.id, 1);
    let pass = next_pass(&passes);
    assert!(pass.changed);
    assert_eq!(school.status_of(&teacher), UploadStatus::Effective);
}

#[test]
fn the_next_pass_is_due_one_interval_after_a_pass_that_went_through() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let (_worker, passes) = school.worker(every(Duration::from_secs(600)));
    let pass = next_pass(&passes);
    let at = chrono::DateTime::parse_from_rfc3339(&pass.at).unwrap();
    let next = chrono::DateTime::parse_from_rfc3339(pass.next_at.as_deref().unwrap()).unwrap();
    let wait = (next - at).num_seconds();
    assert!((598..=601).contains(&wait), "{wait} s");
}

#[test]
fn an_upstream_that_does_not_answer_costs_one_short_question_not_a_sync() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    drop(upstream);
    let (_worker, passes) = school.worker(every(Duration::from_secs(60)));
    let pass = next_pass(&passes);
    assert!(pass.report.is_none());
    assert_eq!(
        pass.error.as_ref().unwrap().code,
        "batches.upstream_unreachable"
    );
    assert!(pass.error.unwrap().message.contains("连不上上级系统"));
}

#[test]
fn after_a_failed_link_the_next_pass_comes_sooner_than_the_interval() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    drop(upstream);
    let (_worker, passes) = school.worker(every(Duration::from_secs(60)));
    let started = Instant::now();
    next_pass(&passes);
    next_pass(&passes);
    next_pass(&passes);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_batch_a_submit_could_not_send_is_sent_by_the_worker() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let teacher = school.teacher("张三", 1);
    upstream.set_faults(Faults {
        drop_after_bytes: Some(10),
        drop_times: 1000,
        ..Faults::default()
    });
    let (worker, passes) = school.worker(every(Duration::from_secs(2)));
    // The first pass, before the submit: nothing to send.
    next_pass(&passes);
    let outcome = worker.submit(None, None).unwrap();
    assert!(outcome.sync.pending.is_some());
    let told = next_pass(&passes);
    assert!(told.report.unwrap().waiting());
    assert_eq!(school.status_of(&teacher), UploadStatus::Uploading);
    upstream.set_faults(Faults::default());
    let pass = next_pass(&passes);
    assert_eq!(pass.report.unwrap().received.len(), 1);
    assert_eq!(upstream.received(SCHOOL), 1);
    assert_eq!(school.status_of(&teacher), UploadStatus::Received);
}

#[test]
fn a_submit_through_the_worker_is_its_last_pass() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let (worker, passes) = school.worker(every(Duration::from_secs(60)));
    next_pass(&passes);
    let outcome = worker.submit(None, None).unwrap();
    assert!(outcome.built.is_some());
    let last = worker.last_pass().unwrap();
    assert!(last.changed);
    assert_eq!(last.report.unwrap().received.len(), 1);
}

#[test]
fn enrolling_through_the_worker_runs_a_pass_soon() {
    let upstream = Upstream::start();
    let school = School::new();
    let (worker, passes) = school.worker(every(Duration::from_secs(600)));
    let code = upstream.code(SCHOOL);
    let enrolled = worker.enroll(&upstream.url(), &code, None).unwrap();
    assert_eq!(enrolled.school, SCHOOL);
    let pass = next_pass(&passes);
    assert!(pass.error.is_none(), "{:?}", pass.error);
}

#[test]
fn a_worker_whose_key_needs_the_password_waits_for_the_clerk() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll_without_keychain(&upstream);
    // A new session: the key is locked again.
    school.file.sign_in(&accounts::clerk()).unwrap();
    let (worker, passes) = school.worker_with(None, every(Duration::from_secs(600)));
    let pass = next_pass(&passes);
    assert_eq!(
        pass.error.as_ref().unwrap().code,
        "batches.admin_password_needed"
    );
    assert!(matches!(
        worker.sync_now(None),
        Err(Error::Batch(BatchError::AdminPasswordNeeded))
    ));
    let pass = worker.sync_now(Some(accounts::PASSWORD)).unwrap();
    assert!(pass.error.is_none(), "{:?}", pass.error);
    assert_eq!(
        next_pass(&passes).at,
        pass.at,
        "the clerk's pass is told too"
    );
    // Unlocked for the session: the worker's own passes sign too.
    worker.wake();
    let pass = next_pass(&passes);
    assert!(pass.error.is_none(), "{:?}", pass.error);
    assert!(pass.report.is_some());
}

#[test]
fn a_school_not_enrolled_has_nothing_to_sync_now() {
    let school = School::new();
    let (worker, _passes) = school.worker(every(Duration::from_secs(600)));
    assert!(matches!(
        worker.sync_now(None),
        Err(Error::Batch(BatchError::NotEnrolled))
    ));
}

#[test]
fn the_worker_stops_by_itself_once_the_session_is_locked() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let (worker, passes) = school.worker(every(Duration::from_millis(100)));
    next_pass(&passes);
    school.file.lock();
    eventually("the worker stops", || worker.stopped());
    while passes.try_recv().is_ok() {}
    std::thread::sleep(Duration::from_millis(400));
    assert!(passes.try_recv().is_err(), "a pass after the lock");
}

#[test]
fn a_stopped_worker_tells_no_more_passes() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    let (worker, passes) = school.worker(every(Duration::from_millis(100)));
    next_pass(&passes);
    worker.stop();
    while passes.try_recv().is_ok() {}
    std::thread::sleep(Duration::from_millis(400));
    assert!(passes.try_recv().is_err(), "a pass after stop");
    assert!(worker.stopped());
}

// ----- receipts and file names -----

#[test]
fn a_kept_receipt_is_exported_byte_for_byte_and_recorded() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    let kept = school.file.reporting().receipts().unwrap().remove(0);
    let path = school.path.with_file_name("第1批回执.taolireceipt");
    let exported = school
        .file
        .reporting()
        .export_receipt(&batch.id, &path)
        .unwrap();
    assert_eq!(exported.receipt_sha256, kept.receipt_sha256);
    assert_eq!(std::fs::read(&path).unwrap(), kept.receipt.as_bytes());
    let log = school
        .file
        .audit()
        .log(&AuditQuery {
            operation: Some(taoli_core::revision::Operation::Export),
            ..AuditQuery::default()
        })
        .unwrap();
    assert!(
        log.entries
            .iter()
            .any(|e| e.subject.contains("第1批回执.taolireceipt")),
        "{:#?}",
        log.entries
    );
}

#[test]
fn an_exported_receipt_imports_back_as_already_kept() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    let path = school.path.with_file_name("回执.taolireceipt");
    school
        .file
        .reporting()
        .export_receipt(&batch.id, &path)
        .unwrap();
    let imported = school.file.reporting().import_receipt(&path).unwrap();
    assert!(!imported.newly_received);
    assert_eq!(imported.batch.id, batch.id);
}

#[test]
fn a_batch_not_yet_received_has_no_receipt_to_export() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let batch = school.file.reporting().build_batch(None).unwrap().unwrap();
    let path = school.path.with_file_name("回执.taolireceipt");
    let refused = school.file.reporting().export_receipt(&batch.id, &path);
    assert!(
        matches!(
            &refused,
            Err(Error::Batch(BatchError::NoReceiptYet { sequence: 1, .. }))
        ),
        "{refused:?}"
    );
    assert!(!path.exists());
}

#[test]
fn a_viewer_may_not_export_a_receipt() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    school.teacher("张三", 1);
    let batch = school.submit().built.unwrap();
    school.file.sign_in(&accounts::viewer()).unwrap();
    let path = school.path.with_file_name("回执.taolireceipt");
    assert!(matches!(
        school.file.reporting().export_receipt(&batch.id, &path),
        Err(Error::Account(AccountError::NotPermitted { .. }))
    ));
}

#[test]
fn the_proposed_file_names_name_the_school_and_the_batch() {
    let upstream = Upstream::start();
    let mut school = School::new();
    school.enroll(&upstream);
    assert_eq!(
        school.file.reporting().batch_file_name().unwrap(),
        "桃李镇中心小学-第1批.taolibatch"
    );
    school.teacher("张三", 1);
    school.submit();
    assert_eq!(
        school.file.reporting().batch_file_name().unwrap(),
        "桃李镇中心小学-第2批.taolibatch"
    );
    assert_eq!(
        school.file.reporting().receipt_file_name(1).unwrap(),
        "桃李镇中心小学-第1批回执.taolireceipt"
    );
}

#[test]
fn without_a_keychain_enrolling_through_the_worker_asks_for_the_password_and_says_a_wrong_code() {
    let upstream = Upstream::start();
    let school = School::new();
    let (worker, _passes) = school.worker_with(None, every(Duration::from_secs(600)));
    assert!(matches!(
        worker.enroll(&upstream.url(), "AAAA-BBBB-CCCC-DDDD", None),
        Err(Error::Batch(BatchError::AdminPasswordNeeded))
    ));
    let wrong = worker.enroll(
        &upstream.url(),
        "AAAA-BBBB-CCCC-DDDD",
        Some(accounts::PASSWORD),
    );
    assert!(
        matches!(&wrong, Err(Error::Refused(r)) if r.code == taoli_core::protocol::RefusalCode::EnrollmentCodeInvalid),
        "{wrong:?}"
    );
    let code = upstream.code(SCHOOL);
    let enrolled = worker
        .enroll(&upstream.url(), &code, Some(accounts::PASSWORD))
        .unwrap();
    assert_eq!(
        enrolled.key_place,
        taoli_core::batches::KeyPlace::SchoolFile
    );
}
