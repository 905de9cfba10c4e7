#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
//! The one-pass import (`Imports::import`, what `taoli import` runs):
//! planning and writing at once leaves the school file, its audit trail
//! and the import's record exactly as a preview and its commit do, and a
//! failure on either side leaves the file as it was.

#[path = "support/expected.rs"]
#[allow(dead_code)] // The answer keys' own checks are import.rs's.
mod expected;

#[path = "support/accounts.rs"]
mod accounts;

#[path = "support/ids.rs"]
mod ids;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;
use taoli_core::Error;
use taoli_core::error::ImportError;
use taoli_core::import::{ImportOptions, MappingOverride, open};
use tempfile::TempDir;

fn school(dir: &Path, name: &str, school_type: &str) -> PathBuf {
    let path = dir.join(name);
    accounts::create_closed(&path, school_type);
    path
}

/// Previews `roster` and commits the preview.
fn preview_and_commit(school: &Path, roster: &Path, options: &ImportOptions) {
    let mut file = accounts::open(school).unwrap();
    let mut roster = open(roster).unwrap();
    let mut plan = file.imports().plan(&mut roster, options).unwrap();
    file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    file.close().unwrap();
}

/// Imports `roster` in one pass.
fn one_pass(school: &Path, roster: &Path, options: &ImportOptions) -> taoli_core::Result<()> {
    let mut file = accounts::open(school).unwrap();
    let mut roster = open(roster).unwrap();
    let result = file.imports().import(&mut roster, options, &mut |_, _| {});
    file.close().unwrap();
    result.map(|_| ())
}

/// A value with what differs from one run to the next left out: the ids
/// Taoli makes up and the times.
fn steady(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "id" | "teacher_id" | "updated_at" | "created_at"
                    )
                })
                .map(|(k, v)| (k.clone(), steady(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// What the school file holds, ids and times left out: each teacher (by ID
/// number) with their records, their history and their 待修正 values; the
/// imports' records; the audit chain's check.
fn outcome(school: &Path, with_history: bool) -> String {
    let mut file = accounts::open(school).unwrap();
    let pending = file.pending().values(None).unwrap();
    let mut out = String::new();
    let mut teachers = file.teachers().all().unwrap();
    teachers.sort_by(|a, b| a.id_number.cmp(&b.id_number));
    for t in &teachers {
        writeln!(
            out,
            "teacher {} {} {} v{}",
            t.id_type, t.id_number, t.name, t.version
        )
        .unwrap();
        for r in file.teachers().records(&t.id).unwrap() {
            writeln!(
                out,
                "  record {} #{} v{} {}",
                r.group_code,
                r.row_order,
                r.version,
                Value::Object(r.fields)
            )
            .unwrap();
        }
        let history = if with_history {
            file.teachers().history(&t.id).unwrap()
        } else {
            Vec::new()
        };
        for h in history {
            writeln!(
                out,
                "  change {:?} {:?} {:?} -> {:?}",
                h.entity,
                h.action,
                h.old_value.as_ref().map(steady),
                h.new_value.as_ref().map(steady)
            )
            .unwrap();
        }
        for p in pending.iter().filter(|p| p.teacher_id == t.id) {
            writeln!(
                out,
                "  pending {}.{} 「{}」 {} @ {}",
                p.group, p.field, p.raw, p.problem, p.source
            )
            .unwrap();
        }
    }
    for run in file.imports().runs().unwrap() {
        writeln!(
            out,
            "import {} {:?} {:?} created {} written {}",
            run.file_name, run.sheets, run.counts, run.teachers_created, run.records_written
        )
        .unwrap();
    }
    assert!(file.audit().verify().unwrap().intact());
    out
}

/// Imports `roster` into two copies of `school`, one by a preview and its
/// commit, one in one pass, and gives back what each copy then holds.
fn both_ways(
    school: &Path,
    roster: &Path,
    options: &ImportOptions,
    with_history: bool,
) -> (String, String) {
    let dir = school.parent().unwrap();
    let previewed = dir.join("previewed.taoli");
    let passed = dir.join("one-pass.taoli");
    for copy in [&previewed, &passed] {
        let file = accounts::open(school).unwrap();
        file.close().unwrap();
        std::fs::copy(school, copy).unwrap();
    }
    preview_and_commit(&previewed, roster, options);
    one_pass(&passed, roster, options).unwrap();
    (
        outcome(&previewed, with_history),
        outcome(&passed, with_history),
    )
}

#[test]
fn every_committed_roster_imports_in_one_pass_as_its_preview_commits() {
    for path in expected::expected_files() {
        let want = expected::load(&path);
        let Some(file) = want.get("file").and_then(Value::as_str) else {
            continue;
        };
        let dir = TempDir::new().unwrap();
        let school = school(dir.path(), "school.taoli", "211");
        let roster = expected::rosters_dir().join(file);
        let (previewed, passed) =
            both_ways(&school, &roster, &expected::import_options(&want), true);
        assert!(previewed.contains("teacher "), "{file}: nothing imported");
        assert_eq!(previewed, passed, "{file}");
    }
}

#[test]
fn every_national_template_imports_in_one_pass_as_its_preview_commits() {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/templates");
    for entry in std::fs::read_dir(templates.join("expected")).unwrap() {
        let want = expected::load(&entry.unwrap().path());
        let file = want["file"].as_str().unwrap();
        let school_type = want["school_type"].as_str().unwrap();
        let dir = TempDir::new().unwrap();
        let school = school(dir.path(), "school.taoli", school_type);
        let (previewed, passed) = both_ways(
            &school,
            &templates.join(file),
            &expected::import_options(&want),
            true,
        );
        assert!(previewed.contains("teacher "), "{file}: nothing imported");
        assert_eq!(previewed, passed, "{file}");
    }
}

/// The `n`th teacher's resident ID number (`n` below 10,800).
fn person_id(n: u32) -> String {
    ids::resident_id(&format!("1985{:02}01", n / 900 + 1), n % 900 + 1)
}

/// A roster of `teachers` rows (姓名, 身份证件号, 手机号码), then `more`
/// rows giving the same teachers' 民族 and nothing else, in the same sheet.
fn roster_with_late_rows(dir: &Path, name: &str, teachers: u32, more: u32) -> PathBuf {
    let mut text = String::from("姓名,身份证件号,手机号码,民族,学历\n");
    for n in 0..teachers {
        writeln!(text, "教师{n},{},1380000{n:04},,", person_id(n)).unwrap();
    }
    for n in 0..more {
        writeln!(text, "教师{n},{},,汉族,", person_id(n)).unwrap();
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_record_a_later_row_changes_after_its_batch_went_is_written_as_the_plan_leaves_it() {
    let dir = TempDir::new().unwrap();
    let school = school(dir.path(), "school.taoli", "211");
    // The first 1,000 rows go down the pipe before the late rows are planned.
    let roster = roster_with_late_rows(dir.path(), "late.csv", 1_200, 3);
    let (previewed, passed) = both_ways(&school, &roster, &ImportOptions::default(), false);
    assert_eq!(previewed, passed);
    let file = accounts::open(&dir.path().join("one-pass.taoli")).unwrap();
    let first = file.teachers().by_id_number(None, &person_id(0)).unwrap();
    let basic = file
        .teachers()
        .records(&first.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .unwrap();
    assert_eq!(basic.fields["ethnicity"], "01", "{:?}", basic.fields);
    assert!(
        basic.fields.contains_key("birth_date"),
        "{:?}",
        basic.fields
    );
    assert_eq!(basic.version, 1, "one write of the import");
}

#[test]
fn a_record_written_over_in_one_pass_shows_in_the_trail_as_written_then_corrected() {
    let dir = TempDir::new().unwrap();
    let school = school(dir.path(), "school.taoli", "211");
    let roster = roster_with_late_rows(dir.path(), "late.csv", 1_200, 1);
    one_pass(&school, &roster, &ImportOptions::default()).unwrap();
    let mut file = accounts::open(&school).unwrap();
    let first = file.teachers().by_id_number(None, &person_id(0)).unwrap();
    let basic: Vec<_> = file
        .teachers()
        .history(&first.id)
        .unwrap()
        .into_iter()
        .filter(|h| {
            h.new_value
                .as_ref()
                .is_some_and(|v| v["group_code"] == "basic")
        })
        .collect();
    let actions: Vec<String> = basic.iter().map(|h| format!("{:?}", h.action)).collect();
    assert_eq!(actions, ["Create", "Update"], "{basic:?}");
    assert_eq!(
        basic[0].id, basic[1].id,
        "both under the import's one entry"
    );
    assert!(
        basic[0].new_value.as_ref().unwrap()["fields"]
            .get("ethnicity")
            .is_none()
    );
    assert_eq!(
        basic[1].new_value.as_ref().unwrap()["fields"]["ethnicity"],
        "01"
    );
    assert!(file.audit().verify().unwrap().intact());
    // Undone as a whole, correction and all.
    let undone = file.imports().undo(None).unwrap();
    assert_eq!(undone.teachers_removed, 1_200);
    assert!(file.teachers().all().unwrap().is_empty());
    assert!(file.audit().verify().unwrap().intact());
    file.close().unwrap();
}

#[test]
fn a_one_pass_import_refused_after_its_first_writes_leaves_the_file_as_it_was() {
    let dir = TempDir::new().unwrap();
    let school = school(dir.path(), "school.taoli", "211");
    let roster = roster_with_late_rows(dir.path(), "staff.csv", 1_500, 0);
    let before = accounts::data_snapshot(&school);
    // A correction for a column the roster does not have is found once every
    // row is planned, after the first thousand rows were written.
    let options = ImportOptions {
        mappings: vec![MappingOverride::parse("到校年月=进本校年月").unwrap()],
        ..ImportOptions::default()
    };
    let error = one_pass(&school, &roster, &options).unwrap_err();
    assert!(
        matches!(error, Error::Import(ImportError::UnknownColumn(ref h)) if h == "到校年月"),
        "{error:?}"
    );
    assert_eq!(accounts::data_snapshot(&school), before);
}

#[test]
fn a_one_pass_import_whose_writing_fails_stops_its_planning_and_leaves_the_file_as_it_was() {
    let dir = TempDir::new().unwrap();
    let school = school(dir.path(), "school.taoli", "211");
    // Enough rows that the planner, far ahead, waits on a full pipe.
    let roster = roster_with_late_rows(dir.path(), "staff.csv", 9_000, 0);
    // A write that fails as a full disk or a broken file would: SQLite
    // refuses the tenth teacher's contact record.
    let conn = accounts::raw_connection(&school);
    conn.execute_batch(
        "CREATE TRIGGER refuse_tenth BEFORE INSERT ON record
         WHEN NEW.fields LIKE '%13800000009%'
         BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;",
    )
    .unwrap();
    drop(conn);
    let before = accounts::data_snapshot(&school);
    let error = one_pass(&school, &roster, &ImportOptions::default()).unwrap_err();
    // The writing's own error is the one reported, not the planner's stop.
    assert!(
        matches!(&error, Error::Database(e) if e.to_string().contains("refused for the test")),
        "{error:?}"
    );
    assert_eq!(accounts::data_snapshot(&school), before);
}

#[test]
fn a_one_pass_import_tells_its_progress_up_to_every_write() {
    let dir = TempDir::new().unwrap();
    let school = school(dir.path(), "school.taoli", "211");
    let roster = roster_with_late_rows(dir.path(), "staff.csv", 2_500, 0);
    let mut file = accounts::open(&school).unwrap();
    let mut roster = open(&roster).unwrap();
    let mut told = Vec::new();
    let (plan, run) = file
        .imports()
        .import(&mut roster, &ImportOptions::default(), &mut |done, all| {
            told.push((done, all))
        })
        .unwrap();
    file.close().unwrap();
    assert!(plan.is_settled());
    assert_eq!(run.teachers_created, 2_500);
    assert!(told.len() >= 3, "{told:?}");
    assert!(told.windows(2).all(|w| w[0].0 <= w[1].0), "{told:?}");
    let (done, all) = *told.last().unwrap();
    assert_eq!(done, all);
    // A teacher, their 基本信息 from the ID and their 联系方式.
    assert_eq!(done, 2_500 * 3);
}
