//! The clerk's home (工作台, issue #17): its figures are the counts of the
//! lists that resolve them, gathered from the validation report, the
//! sign-offs and the outbox in one call. One behaviour per test.
//!
//! Printing a sheet needs a Chinese font (Debian: fonts-noto-cjk).

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

use std::collections::HashSet;
use std::path::PathBuf;
use std::slice;
use std::time::Duration;

use taoli_core::batches::{Backoff, KeyAccess, SubmitOptions, SyncOptions};
use taoli_core::catalog::{Severity, catalog};
use taoli_core::error::AccountError;
use taoli_core::secrets::MemorySecretStore;
use taoli_core::sheets::Template;
use taoli_core::workbench::WorkbenchSummary;
use taoli_core::{Error, NewTeacher, SchoolFile, Teacher};
use tempfile::TempDir;
use upstream::{BASIC_VERSION, SCHOOL, Upstream, add_complete_teacher, new_school};

/// A school file with the clerk signed in.
struct School {
    dir: TempDir,
    path: PathBuf,
    file: SchoolFile,
}

impl School {
    fn new() -> School {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("school.taoli");
        let file = accounts::create(&path, &new_school()).unwrap();
        School { dir, path, file }
    }

    fn summary(&mut self) -> WorkbenchSummary {
        self.file.workbench().summary().unwrap()
    }

    /// A teacher with every required field filled: no error.
    fn complete(&mut self, name: &str, n: u32) -> Teacher {
        add_complete_teacher(&mut self.file, name, n)
    }

    /// A teacher with only their identity: required fields missing, errors.
    fn bare(&mut self, name: &str, id_number: &str) -> Teacher {
        self.file
            .data_entry()
            .add_teacher(&NewTeacher {
                name: name.into(),
                id_type: "1".into(),
                id_number: id_number.into(),
            })
            .unwrap()
    }

    fn set_basic(&mut self, teacher: &Teacher, field: &str, value: &str) {
        self.file
            .data_entry()
            .set_fields(
                &teacher.id,
                "基本信息",
                &[(field.to_owned(), value.to_owned())],
            )
            .unwrap();
    }

    /// Prints the teacher's sheet and marks it signed.
    fn sign(&mut self, teacher: &Teacher) {
        let pdf = self.dir.path().join("sheets.pdf");
        let printed = self
            .file
            .sheets()
            .print(slice::from_ref(&teacher.id), &Template::built_in(), &pdf)
            .unwrap();
        self.file
            .sheets()
            .signoff(&teacher.id, &printed.sheets[0].fingerprint)
            .unwrap();
    }
}

/// Quick retries, so that a test against the upstream takes milliseconds.
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

#[test]
fn the_deadline_is_the_next_reporting_deadline_with_its_days_left() {
    let mut school = School::new();
    let today = chrono::Local::now().date_naive();
    let expected =
        taoli_core::batches::deadline::next_deadline(catalog().unwrap().deadlines(), today);
    let deadline = school.summary().deadline;
    assert!(deadline.is_some());
    assert_eq!(deadline, expected);
}

#[test]
fn an_empty_school_has_nothing_waiting() {
    let mut school = School::new();
    let summary = school.summary();
    assert_eq!(summary.completeness.teachers, 0);
    assert_eq!(summary.completeness.without_errors, 0);
    assert_eq!(summary.signoffs.teachers, 0);
    assert_eq!(summary.reporting.unsent_changes, 0);
    assert_eq!(summary.reporting.returned_records, 0);
    assert!(!summary.reporting.enrolled);
}

#[test]
fn completeness_counts_the_teachers_without_errors_out_of_all() {
    let mut school = School::new();
    school.complete("张三", 1);
    school.complete("李四", 2);
    school.bare("王五", "11010519491231002X");
    let completeness = school.summary().completeness;
    assert_eq!(completeness.teachers, 3);
    assert_eq!(completeness.without_errors, 2);
    assert_eq!(completeness.with_errors, 1);
}

#[test]
fn the_teachers_with_errors_are_those_the_validation_report_lists_with_errors() {
    let mut school = School::new();
    school.complete("张三", 1);
    school.bare("王五", "11010519491231002X");
    school.bare("赵六", "110105198001011238");
    let report = school.file.validation().report().unwrap();
    let listed: HashSet<&str> = report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.teacher_id.as_str())
        .collect();
    assert_eq!(school.summary().completeness.with_errors, listed.len());
}

#[test]
fn a_signed_sheet_counts_as_current_and_the_others_as_unsigned() {
    let mut school = School::new();
    let zhang = school.complete("张三", 1);
    school.complete("李四", 2);
    school.sign(&zhang);
    let signoffs = school.summary().signoffs;
    assert_eq!(signoffs.teachers, 2);
    assert_eq!(signoffs.current, 1);
    assert_eq!(signoffs.stale, 0);
    assert_eq!(signoffs.unsigned, 1);
}

#[test]
fn a_change_after_signing_makes_the_signoff_stale_not_current() {
    let mut school = School::new();
    let zhang = school.complete("张三", 1);
    school.sign(&zhang);
    school.set_basic(&zhang, "民族", "02");
    let signoffs = school.summary().signoffs;
    assert_eq!(signoffs.current, 0);
    assert_eq!(signoffs.stale, 1);
}

#[test]
fn changes_not_uploaded_are_the_outboxs_unsent_changes() {
    let mut school = School::new();
    school.complete("张三", 1);
    school.bare("王五", "11010519491231002X");
    let outbox = school.file.reporting().outbox_status().unwrap();
    let reporting = school.summary().reporting;
    assert!(reporting.unsent_changes > 0);
    assert_eq!(reporting.unsent_changes, outbox.missing.unsent_changes);
    assert_eq!(reporting.teachers_pending, 2);
}

#[test]
fn a_returned_record_counts_until_a_newer_edit_answers_it() {
    let upstream = Upstream::start();
    let mut school = School::new();
    let keychain = MemorySecretStore::new();
    let keys = KeyAccess::new(Some(&keychain), None);
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
    let zhang = school.complete("张三", 1);
    let options = SubmitOptions {
        change_reason: None,
        sync: fast(),
    };
    let batch = school
        .file
        .reporting()
        .submit(&keys, &options)
        .unwrap()
        .built
        .unwrap();
    let basic = school
        .file
        .teachers()
        .records(&zhang.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .unwrap()
        .id;
    let returned = format!("record:{basic}@{BASIC_VERSION}");
    for record in upstream.records(&batch.id) {
        if record == returned {
            upstream.send_back(&batch.id, &record, "民族与户籍登记不一致，请核对");
        } else {
            upstream.accept(&batch.id, &record);
        }
    }
    school.file.reporting().sync(&keys, &fast()).unwrap();
    let reporting = school.summary().reporting;
    assert!(reporting.enrolled);
    assert_eq!(reporting.returned_records, 1);
    assert_eq!(reporting.teachers_returned, 1);
    assert_eq!(reporting.unsent_changes, 0);

    school.set_basic(&zhang, "民族", "02");
    let reporting = school.summary().reporting;
    assert_eq!(reporting.returned_records, 0);
    assert_eq!(reporting.unsent_changes, 1);
}

#[test]
fn a_viewer_reads_the_same_figures_as_the_clerk() {
    let mut school = School::new();
    school.complete("张三", 1);
    school.bare("王五", "11010519491231002X");
    let clerks = school.summary();
    school.file.close().unwrap();
    let mut file = accounts::open_as(&school.path, &accounts::viewer()).unwrap();
    assert_eq!(file.workbench().summary().unwrap(), clerks);
}

#[test]
fn signed_out_the_summary_is_refused() {
    let school = School::new();
    school.file.close().unwrap();
    let mut file = accounts::open_signed_out(&school.path).unwrap();
    let err = file.workbench().summary().unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::NotSignedIn)),
        "{err}"
    );
}

#[test]
fn a_status_change_waiting_for_the_county_is_counted() {
    let mut school = School::new();
    let teacher = school.complete("张三", 1);
    school
        .file
        .status_changes()
        .change(&taoli_core::status_changes::NewStatusChange {
            teacher_id: teacher.id.clone(),
            status: "306".into(),
            effective_date: "2026-08-31".into(),
            reason: "本人申请辞职".into(),
            evidence: Some("辞职申请书".into()),
        })
        .unwrap();
    let status = school.summary().status;
    assert_eq!(
        (status.pending, status.returned, status.departed),
        (1, 0, 0)
    );
}
