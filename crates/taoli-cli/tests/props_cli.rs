#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! The real `taoli` binary on arbitrary input (the core's text strategies,
//! `taoli-core/tests/support/props.rs`): `teacher add` with any name, ID type
//! and number (every type of the catalog, valid, nearly valid and
//! arbitrary), `teacher list --query` with any query, `teacher set` with any
//! `FIELD=VALUE`, and `import` of CSV
//! rosters with arbitrary cells and `--map` corrections.
//!
//! Property: the process exits 0 (done) or 1 (the clerk's input, with a
//! Chinese message on standard error), never 101 (a panic) or 2 (an
//! internal error). A few hundred runs in all, under a minute in a debug
//! build; `PROPTEST_CASES=N` runs N of each.

mod support;

#[path = "../../taoli-core/tests/support/props.rs"]
mod props;

use std::path::Path;

use props::{any_text, hostile_text, is_chinese, near, runner};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use support::{init_school, taoli};
use tempfile::TempDir;

/// An argument as a command line can carry it: no NUL.
fn arg(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

/// Runs `cmd`; it must exit 0, or 1 with a Chinese message (on standard
/// error, or for `import --json`, whose refused rows exit 1, in the JSON).
fn exits_cleanly(cmd: &mut assert_cmd::Command, what: &str) -> Result<(), TestCaseError> {
    let out = cmd.output().unwrap();
    let code = out.status.code();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    prop_assert!(
        matches!(code, Some(0 | 1)),
        "{what}: exit {code:?}\n{stderr}"
    );
    if code == Some(1) {
        prop_assert!(
            is_chinese(&stderr) || is_chinese(&stdout),
            "{what}: {stderr}{stdout}"
        );
    }
    Ok(())
}

fn resident_id() -> impl Strategy<Value = String> {
    (
        110_000u32..=659_999,
        1950i32..=2005,
        1u32..=12,
        1u32..=28,
        0u32..=999,
    )
        .prop_map(|(region, y, m, d, seq)| {
            let first17 = format!("{region:06}{y:04}{m:02}{d:02}{seq:03}");
            let sum: u32 = first17
                .bytes()
                .zip([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            let check = b"10X98765432"[(sum % 11) as usize] as char;
            format!("{first17}{check}")
        })
}

/// An ID type code (every one of the catalog, or any text) and a number.
fn identity() -> impl Strategy<Value = (String, String)> {
    let types = (1..=9)
        .map(|n| n.to_string())
        .chain(["A", "B", "Z"].map(str::to_owned))
        .collect::<Vec<_>>();
    let number = prop_oneof![
        near(resident_id().boxed()),
        near("9[0-9]{17}".boxed()),
        near("[A-Z]{3}[0-9]{12}".boxed()),
        near("[0-9]{8,10}".boxed()),
        any_text(),
    ];
    (
        prop_oneof![4 => prop::sample::select(types), 1 => hostile_text(4)],
        number,
    )
}

fn school(dir: &TempDir) -> std::path::PathBuf {
    let path = dir.path().join("school.taoli");
    init_school(&path);
    path
}

#[test]
fn teacher_add_with_any_name_type_and_number_exits_0_or_1() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let name = prop_oneof!["[\u{4e00}-\u{9fa5}]{2,3}", hostile_text(12), any_text()];
    runner(100)
        .run(&(name, identity()), |(name, (id_type, number))| {
            exits_cleanly(
                taoli()
                    .args(["teacher", "add"])
                    .arg(&path)
                    .args(["--name", &arg(&name)])
                    .args(["--id-type", &arg(&id_type)])
                    .args(["--id-number", &arg(&number)]),
                "teacher add",
            )
        })
        .unwrap();
}

/// The issue's own input: a permanent-residence number ending in 中.
#[test]
fn teacher_add_of_a_permanent_residence_number_ending_in_a_chinese_character_exits_1() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    taoli()
        .args(["teacher", "add"])
        .arg(&path)
        .args(["--name", "测试", "--id-type", "9"])
        .args(["--id-number", "900000000000000中"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("外国人永久居留身份证"));
}

#[test]
fn teacher_list_with_any_query_exits_0() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    support::add_teacher(&path, "张三", "11010519491231002X");
    runner(20)
        .run(&any_text(), |query| {
            let out = taoli()
                .args(["teacher", "list"])
                .arg(&path)
                .args(["--query", &arg(&query)])
                .output()
                .unwrap();
            prop_assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn teacher_set_with_any_assignment_exits_0_or_1() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    support::add_teacher(&path, "张三", "11010519491231002X");
    let field = prop_oneof![
        near("(民族|参加工作年月|政治面貌|出生日期|备注|ethnicity|联系电话)".boxed()),
        hostile_text(6),
    ];
    let value = prop_oneof![
        near("(汉族|01|2005-09|1985年3月4日|中共党员|13812345678)".boxed()),
        any_text(),
    ];
    let group = prop_oneof![4 => Just("基本信息".to_owned()), 1 => hostile_text(6)];
    runner(40)
        .run(&(field, value, group), |(field, value, group)| {
            exits_cleanly(
                taoli()
                    .args(["teacher", "set"])
                    .arg(&path)
                    .args(["--id-number", "11010519491231002X"])
                    .args(["--group", &arg(&group)])
                    .arg(arg(&format!("{field}={value}"))),
                "teacher set",
            )
        })
        .unwrap();
}

fn write_roster(path: &Path, rows: &[Vec<String>]) {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["姓名", "身份证件类型", "身份证件号", "出生日期", "民族"])
        .unwrap();
    for row in rows {
        out.write_record(row).unwrap();
    }
    std::fs::write(path, out.into_inner().unwrap()).unwrap();
}

#[test]
fn import_of_a_csv_with_any_cells_exits_0_or_1() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let roster = dir.path().join("roster.csv");
    let row = (
        prop_oneof!["[\u{4e00}-\u{9fa5}]{2,3}", any_text()],
        identity(),
        prop_oneof![near("[0-9]{4}-[0-9]{2}-[0-9]{2}".boxed()), any_text()],
        prop_oneof![Just("汉族".to_owned()), any_text()],
    )
        .prop_map(|(name, (t, n), born, ethnicity)| vec![name, t, n, born, ethnicity]);
    let map = prop::option::of((hostile_text(6), hostile_text(6)));
    let strategy = (
        prop::collection::vec(row, 1..4),
        map,
        prop::bool::weighted(0.25),
    );
    runner(60)
        .run(&strategy, |(rows, map, commit)| {
            write_roster(&roster, &rows);
            let mut cmd = taoli();
            cmd.arg("import").arg(&path).arg(&roster).arg("--json");
            if !commit {
                cmd.arg("--dry-run");
            }
            if let Some((header, target)) = map {
                cmd.args(["--map", &arg(&format!("{header}={target}"))]);
            }
            exits_cleanly(&mut cmd, "import")
        })
        .unwrap();
}
