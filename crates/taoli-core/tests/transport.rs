//! How the school's computer reaches the upstream (issue #18, "Transport"
//! and "Limits"; docs/batches.md, "Transport"), against the real reference
//! server on 127.0.0.1: the upstream's `429` and `Retry-After` obeyed, plain
//! `http://` to another computer refused unless the 系统管理员 allows it,
//! and the upstream's key fingerprint kept with the enrollment. One
//! behaviour per test.

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
use std::time::{Duration, Instant};

use taoli_core::audit::AuditQuery;
use taoli_core::batches::{Backoff, KeyAccess, SyncOptions, SyncReport, SyncWorker, WorkerOptions};
use taoli_core::error::messages::Locale;
use taoli_core::error::{AccountError, BatchError};
use taoli_core::revision::Operation;
use taoli_core::secrets::MemorySecretStore;
use taoli_core::{Error, SchoolFile};
use taoli_upstream::Limits;
use tempfile::TempDir;
use upstream::{SCHOOL, Upstream, new_school};

/// Retries that wait up to `max` (a pass obeys a `Retry-After` up to it).
fn options(max: Duration) -> SyncOptions {
    SyncOptions {
        backoff: Backoff {
            initial: Duration::from_millis(5),
            max,
            attempts: 5,
        },
        ..SyncOptions::default()
    }
}

/// A school's requests one a second after the first (`Retry-After: 1`).
fn one_a_second() -> Limits {
    Limits {
        school_per_minute: 60,
        school_burst: 1,
        ..Limits::default()
    }
}

/// One request a minute per school: a `Retry-After` of about a minute.
fn one_a_minute() -> Limits {
    Limits {
        school_per_minute: 1,
        school_burst: 1,
        ..Limits::default()
    }
}

struct School {
    _dir: TempDir,
    #[allow(dead_code)]
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

    fn enroll_at(&mut self, url: &str, code: &str) -> taoli_core::Result<()> {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        self.file
            .reporting()
            .enroll(url, code, &keys, options(Duration::from_millis(20)).backoff)
            .map(|_| ())
    }

    fn enrolled(upstream: &Upstream) -> School {
        let mut school = School::new();
        school
            .enroll_at(&upstream.url(), &upstream.code(SCHOOL))
            .unwrap();
        school
    }

    fn sync(&mut self, options: &SyncOptions) -> SyncReport {
        let keys = KeyAccess::new(Some(&self.keychain), None);
        self.file.reporting().sync(&keys, options).unwrap()
    }

    fn as_admin(&mut self) {
        self.file.sign_in(&accounts::admin()).unwrap();
    }
}

// ------------------------------------------------------------ rate limits

#[test]
fn a_pass_waits_out_a_short_retry_after_and_finishes() {
    let upstream = Upstream::start_limited(one_a_second());
    let mut school = School::enrolled(&upstream);
    let started = Instant::now();
    let report = school.sync(&options(Duration::from_secs(5)));
    assert!(report.complete(), "{report:?}");
    // The enrollment spent the school's one request: the review results
    // waited for the upstream's Retry-After of a second.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_retry_after_longer_than_a_pass_waits_ends_the_pass_with_the_minutes_to_wait() {
    let upstream = Upstream::start_limited(one_a_minute());
    let mut school = School::enrolled(&upstream);
    let started = Instant::now();
    let report = school.sync(&options(Duration::from_secs(5)));
    assert!(started.elapsed() < Duration::from_secs(5));
    let error = report.review_error.expect("the reviews wait");
    assert_eq!(error.code, "batches.upstream_busy", "{}", error.message);
    assert!(
        error.message.contains("繁忙") && error.message.contains("约 1 分钟后自动重试"),
        "{}",
        error.message
    );
}

#[test]
fn nothing_is_sent_to_the_upstream_before_its_retry_after_is_over() {
    let mut upstream = Upstream::start_limited(one_a_minute());
    let mut school = School::enrolled(&upstream);
    school.sync(&options(Duration::from_secs(5)));
    // Were a request sent now, it would find nobody there.
    upstream.stop();
    let report = school.sync(&options(Duration::from_secs(5)));
    let error = report.review_error.expect("the reviews still wait");
    assert_eq!(error.code, "batches.upstream_busy", "{}", error.message);
}

#[test]
fn the_sync_workers_next_pass_comes_no_sooner_than_the_upstreams_retry_after() {
    let upstream = Upstream::start_limited(one_a_minute());
    let mut school = School::enrolled(&upstream);
    let keychain: std::sync::Arc<dyn taoli_core::secrets::SecretStore> =
        std::sync::Arc::new(std::mem::take(&mut school.keychain));
    // Passes 20 s apart, retries sooner: the upstream's minute wins.
    let options = WorkerOptions {
        first_pass: Duration::ZERO,
        sync: options(Duration::from_millis(20)),
        ..WorkerOptions::every(Duration::from_secs(20))
    };
    let (tell, passes) = std::sync::mpsc::channel();
    let tell = std::sync::Mutex::new(tell);
    let _worker = SyncWorker::start(&school.file, Some(keychain), options, move |pass| {
        let _ = tell.lock().unwrap().send(pass.clone());
    })
    .unwrap();
    let pass = passes.recv_timeout(Duration::from_secs(30)).unwrap();
    let error = pass.report.and_then(|r| r.review_error).expect("busy");
    assert_eq!(error.code, "batches.upstream_busy");
    let at = chrono::DateTime::parse_from_rfc3339(&pass.at).unwrap();
    let next = chrono::DateTime::parse_from_rfc3339(pass.next_at.as_deref().unwrap()).unwrap();
    let wait = (next - at).num_seconds();
    assert!((50..=61).contains(&wait), "{wait} s");
}

#[test]
fn the_wait_is_said_in_english_too() {
    let error = Error::Batch(BatchError::UpstreamBusy {
        upstream: "https://jsgl.example.gov.cn".to_owned(),
        minutes: 7,
    });
    let english = error.message(Locale::En);
    assert!(english.contains("about 7 minutes"), "{english}");
}

// --------------------------------------------------------------- plain http

#[test]
fn plain_http_to_another_computer_is_refused_saying_how_to_fix_it() {
    let mut school = School::new();
    let refused = school
        .enroll_at("http://jsgl.example.gov.cn", "7KQ2-M9XD-4HVA-PT3R")
        .unwrap_err();
    assert!(
        matches!(refused, Error::Batch(BatchError::PlainHttpRefused { .. })),
        "{refused:?}"
    );
    let message = refused.to_string();
    assert!(message.contains("https://"), "{message}");
    assert!(message.contains("系统管理员"), "{message}");
    assert!(school.file.reporting().enrollment().unwrap().is_none());
}

#[test]
fn plain_http_to_this_computer_is_allowed() {
    let upstream = Upstream::start();
    assert!(upstream.url().starts_with("http://127.0.0.1:"));
    let mut school = School::enrolled(&upstream);
    assert!(school.file.reporting().enrollment().unwrap().is_some());
}

#[test]
fn plain_http_to_another_address_goes_once_the_system_admin_allows_it() {
    let upstream = Upstream::start();
    // 0.0.0.0 is not this computer's loopback name, though Linux connects
    // it to this computer: the rule applies, and the upstream answers.
    let elsewhere = upstream.url().replace("127.0.0.1", "0.0.0.0");
    let mut school = School::new();
    school.as_admin();
    let settings = school.file.reporting().set_allow_plain_http(true).unwrap();
    assert!(settings.allow_plain_http);
    school.file.sign_in(&accounts::clerk()).unwrap();
    school
        .enroll_at(&elsewhere, &upstream.code(SCHOOL))
        .unwrap();
}

#[test]
fn only_the_system_admin_may_allow_plain_http() {
    let mut school = School::new();
    let refused = school
        .file
        .reporting()
        .set_allow_plain_http(true)
        .unwrap_err();
    assert!(
        matches!(refused, Error::Account(AccountError::NotPermitted { .. })),
        "{refused:?}"
    );
    assert!(
        !school
            .file
            .reporting()
            .transport()
            .unwrap()
            .allow_plain_http
    );
}

#[test]
fn allowing_plain_http_is_audited_with_the_account() {
    let mut school = School::new();
    school.as_admin();
    school.file.reporting().set_allow_plain_http(true).unwrap();
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
        .find(|e| e.changes.iter().any(|c| c.path == "允许不加密的 http 地址"))
        .expect("the setting's entry");
    assert_eq!(entry.actor, accounts::ADMIN);
}

// -------------------------------------------------------------- fingerprint

#[test]
fn the_enrollment_keeps_the_upstreams_key_fingerprint_as_the_upstream_prints_it() {
    let upstream = Upstream::start();
    let mut school = School::enrolled(&upstream);
    let enrollment = school.file.reporting().enrollment().unwrap().unwrap();
    // What `taoli-upstream fingerprint` prints (its own tests check that).
    let expected = upstream
        .db()
        .server_key()
        .unwrap()
        .public_key()
        .fingerprint();
    assert_eq!(enrollment.upstream_fingerprint, expected);
    assert_eq!(enrollment.upstream_fingerprint.split(' ').count(), 16);
}
