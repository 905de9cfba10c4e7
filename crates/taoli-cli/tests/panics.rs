#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! A panic that escapes anyway (docs/reliability.md, "Panics at the
//! boundary"): the real `taoli` binary is made to panic in the middle of a
//! write (`TAOLI_TEST_PANIC_AT=revision.teacher:N` panics while the N-th
//! audit entry about a teacher is written, the earlier ones of the same
//! transaction already in it). It must say 「内部错误」 with a code and the report file,
//! exit 2, and leave the school file as it was.

mod support;

use std::path::Path;

use support::{add_teacher, init_school, taoli};
use tempfile::TempDir;

/// Five valid new teachers: a clean import of it succeeds.
const ROSTER: &str = "fixtures/panic/roster.csv";

/// A copy of [`ROSTER`] in `dir`, so nothing the import writes beside its
/// roster lands in `fixtures/`.
fn roster(dir: &Path) -> std::path::PathBuf {
    let copy = dir.join("roster.csv");
    if !copy.exists() {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(ROSTER);
        std::fs::copy(source, &copy).unwrap();
    }
    copy
}

/// The whole school as the JSON export sees it, and the audit trail's length.
fn snapshot(school: &Path) -> (serde_json::Value, usize) {
    let export = taoli().arg("export").arg(school).output().unwrap();
    assert!(export.status.success(), "{export:?}");
    let mut json: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    // The moment of the export itself is not the school's data.
    if let Some(object) = json.as_object_mut() {
        object.remove("exported_at");
    }
    let log = taoli()
        .args(["audit", "list", "--json"])
        .arg(school)
        .output()
        .unwrap();
    assert!(log.status.success(), "{log:?}");
    let entries: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    let count = entries["entries"]
        .as_array()
        .or_else(|| entries.as_array())
        .map_or(0, Vec::len);
    (json, count)
}

struct Panicked {
    stderr: String,
    code: Option<i32>,
}

/// `taoli` made to panic while it writes its `n`-th audit entry about a
/// teacher, its report going to `reports`.
fn panicking(reports: &Path, n: u32) -> assert_cmd::Command {
    let mut cmd = taoli();
    cmd.env("TAOLI_TEST_PANIC_AT", format!("revision.teacher:{n}"))
        .env("TAOLI_REPORT_DIR", reports);
    cmd
}

/// `taoli import school roster`, panicking mid-import: at its third new
/// teacher, two already written in the import's transaction.
fn import_panicking(reports: &Path, school: &Path) -> Panicked {
    let out = panicking(reports, 3)
        .arg("import")
        .arg(school)
        .arg(roster(reports.parent().unwrap()))
        .output()
        .unwrap();
    Panicked {
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
    }
}

fn school_with_two_teachers(dir: &TempDir) -> std::path::PathBuf {
    let school = dir.path().join("school.taoli");
    init_school(&school);
    add_teacher(&school, "张三", "11010519491231002X");
    add_teacher(&school, "李四", "110105194912310038");
    school
}

fn audit_verifies(school: &Path) {
    taoli()
        .args(["audit", "verify"])
        .arg(school)
        .assert()
        .success();
}

#[test]
fn a_panic_mid_import_says_internal_error_with_a_code_and_exits_2() {
    let dir = TempDir::new().unwrap();
    let school = school_with_two_teachers(&dir);
    let reports = dir.path().join("reports");
    let run = import_panicking(&reports, &school);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("内部错误"), "{}", run.stderr);
    assert!(run.stderr.contains("TL-"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked at"), "{}", run.stderr);
}

#[test]
fn a_panic_mid_import_leaves_the_school_file_as_it_was() {
    let dir = TempDir::new().unwrap();
    let school = school_with_two_teachers(&dir);
    let (before, _) = snapshot(&school);
    let reports = dir.path().join("reports");
    let run = import_panicking(&reports, &school);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let (after, _) = snapshot(&school);
    assert_eq!(before, after);
    audit_verifies(&school);
}

#[test]
fn a_panic_mid_edit_leaves_the_school_file_as_it_was() {
    let dir = TempDir::new().unwrap();
    let school = school_with_two_teachers(&dir);
    let (before, _) = snapshot(&school);
    let reports = dir.path().join("reports");
    let out = panicking(&reports, 1)
        .args(["teacher", "add"])
        .arg(&school)
        .args(["--name", "王五", "--id-number", "110105194912310046"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let (after, _) = snapshot(&school);
    assert_eq!(before, after);
    audit_verifies(&school);
}

#[test]
fn the_report_file_named_in_the_message_holds_the_panic_and_the_code() {
    let dir = TempDir::new().unwrap();
    let school = school_with_two_teachers(&dir);
    let reports = dir.path().join("reports");
    let run = import_panicking(&reports, &school);
    let files: Vec<_> = std::fs::read_dir(&reports)
        .expect("a reports folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    assert!(
        run.stderr.contains(&file.display().to_string()),
        "the message names {file:?}: {}",
        run.stderr
    );
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("injected panic"), "{text}");
    let code = run
        .stderr
        .split("编号 ")
        .nth(1)
        .and_then(|rest| rest.get(..11))
        .expect("a code in the message");
    assert!(text.contains(code), "{code} in {text}");
}

#[test]
fn the_report_holds_nothing_of_the_schools_data() {
    let dir = TempDir::new().unwrap();
    let school = school_with_two_teachers(&dir);
    let reports = dir.path().join("reports");
    import_panicking(&reports, &school);
    for entry in std::fs::read_dir(&reports).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for secret in ["张三", "11010519491231002X", "桃李镇中心小学"] {
            assert!(!text.contains(secret), "{secret} in the report");
        }
    }
}

#[test]
fn after_a_caught_panic_the_same_command_succeeds() {
    let dir = TempDir::new().unwrap();
    let school = school_with_two_teachers(&dir);
    let reports = dir.path().join("reports");
    import_panicking(&reports, &school);
    taoli()
        .arg("import")
        .arg(&school)
        .arg(roster(dir.path()))
        .assert()
        .success();
    audit_verifies(&school);
}

#[test]
fn a_roster_the_reader_panics_on_is_refused_and_writes_no_error_report() {
    let dir = TempDir::new().unwrap();
    let school = school_with_two_teachers(&dir);
    let reports = dir.path().join("reports");
    let roster = dir.path().join("calamine-overflow.xlsx");
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/panic/calamine-overflow.xlsx");
    std::fs::copy(source, &roster).unwrap();
    let out = taoli()
        .arg("import")
        .arg(&school)
        .arg(&roster)
        .env("TAOLI_REPORT_DIR", &reports)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("已损坏"), "{stderr}");
    assert!(!reports.exists(), "an expected panic wrote a report");
}
