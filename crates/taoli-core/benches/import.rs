//! Benchmark: importing a 100,000-row, 13-column messy roster (.xlsx) —
//! parse + map + normalize + validate + commit, as the app's preview and
//! commit and as `taoli import`'s one pass — against calamine alone
//! reading the same file and against the store's floor (SQLite alone
//! inserting the rows the import wrote). Goals (issue #16): the import at
//! most 1.25× the floor, peak memory at most 400 MB on any roster of the size.
//!
//!     cargo bench -p taoli-core --bench import [-- MORE.xlsx …]
//!
//! Each measurement runs in its own process (this binary re-run with a mode
//! argument) so that its peak memory (VmHWM) is its own. The roster is
//! generated once into the target directory; rosters named on the command
//! line are measured the same way after it. `scripts/bench-import.sh` adds
//! the county roster of `taoli_fixtures::messy` (other headers, widths and
//! quirks) and runs Python openpyxl (read-only mode) on both files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "../tests/support/accounts.rs"]
mod accounts;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use calamine::{Data, Reader};
use rand::{Rng, SeedableRng};
use rust_xlsxwriter::{Format, Workbook};
use taoli_core::NewSchool;
use taoli_core::import::{ImportOptions, open};

/// As in the `taoli` binary and the app.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROWS: u32 = 100_000;
const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("generate") => generate(Path::new(&args[1])),
        Some("calamine") => calamine_only(Path::new(&args[1])),
        Some("import") => import(Path::new(&args[1])),
        Some("one-pass") => one_pass(Path::new(&args[1])),
        Some("store-only") => store_only(Path::new(&args[1])),
        // Any other arguments: more rosters to measure beside the benchmark's own.
        _ => compare(&args.iter().map(PathBuf::from).collect::<Vec<_>>()),
    }
}

fn roster_path() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("roster-{ROWS}.xlsx"))
}

fn compare(others: &[PathBuf]) {
    let roster = roster_path();
    if !roster.exists() {
        generate(&roster);
    }
    compare_on(&roster, "the benchmark's own, 13 columns");
    for other in others {
        compare_on(other, "given on the command line");
    }
}

/// Best time (and largest peak) of `RUNS` runs of a mode, each in its own process.
/// Runs this bench binary as `mode` on `roster` in a child process (so each
/// peak is its own) and returns the two numbers it prints.
fn run_child(mode: &str, roster: &Path) -> (f64, f64) {
    let me = std::env::current_exe().unwrap();
    let out = Command::new(&me).arg(mode).arg(roster).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace().map(|x| x.parse::<f64>().unwrap());
    (fields.next().unwrap(), fields.next().unwrap())
}

/// The best time and the highest peak of `RUNS` runs of `mode`.
fn best(mode: &str, roster: &Path) -> (f64, f64) {
    (0..RUNS)
        .map(|_| run_child(mode, roster))
        .fold((f64::MAX, 0.0f64), |(t, m), (s, mb)| (t.min(s), m.max(mb)))
}

fn compare_on(roster: &Path, what: &str) {
    let (cal_s, cal_mb) = best("calamine", roster);
    let (imp_s, imp_mb) = best("import", roster);
    let (one_s, one_mb) = best("one-pass", roster);
    // Both times of the floor, each the best of its runs.
    let (floor, floor_all) = (0..RUNS)
        .map(|_| run_child("store-only", roster))
        .fold((f64::MAX, f64::MAX), |(a, b), (x, y)| (a.min(x), b.min(y)));
    println!("roster: {} ({what})", roster.display());
    println!("  calamine alone (worksheet_range): {cal_s:.2} s, peak {cal_mb:.0} MB");
    println!("  taoli import (plan + commit):      {imp_s:.2} s, peak {imp_mb:.0} MB");
    println!("  taoli import, one pass (pipelined): {one_s:.2} s, peak {one_mb:.0} MB");
    println!(
        "  SQLite alone writing the import's rows: {floor:.2} s; with its change set: {floor_all:.2} s"
    );
    println!(
        "  import / floor: {:.2}× (goal ≤ 1.25×); one pass / floor: {:.2}×; import / calamine: {:.2}×; peak memory goal ≤ 400 MB",
        imp_s / floor,
        one_s / floor,
        imp_s / cal_s
    );
}

/// The floor under any import: SQLite (SQLCipher) alone inserting exactly
/// the rows Taoli's import of the roster writes — its teachers and records,
/// then also its change set (`import_change`, the audit trail's record of
/// them) — in one transaction into a new school file,
/// with prepared statements and nothing else. The rows are taken, untimed,
/// from a real import of the roster. Prints both times.
fn store_only(roster: &Path) {
    type Row = Vec<rusqlite::types::Value>;
    let dir = tempfile::tempdir().unwrap();
    let school = NewSchool {
        code: "5107220001".into(),
        name: "基准测试小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    let source = dir.path().join("source.taoli");
    let mut file = accounts::create(&source, &school).unwrap();
    let mut opened = open(roster).unwrap();
    let mut plan = file
        .imports()
        .plan(&mut opened, &ImportOptions::default())
        .unwrap();
    file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    drop(plan);
    file.close().unwrap();
    let read = |sql: &str| -> Vec<Row> {
        let conn = accounts::raw_connection(&source);
        let mut stmt = conn.prepare(sql).unwrap();
        let width = stmt.column_count();
        stmt.query_map([], |r| (0..width).map(|i| r.get(i)).collect())
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let teachers =
        read("SELECT id, id_type, id_number, name, version, created_at, updated_at FROM teacher");
    let records = read(
        "SELECT id, teacher_id, group_code, row_order, fields, version, updated_at FROM record",
    );
    let changes = read("SELECT run_id, teacher_id, body FROM import_change ORDER BY id");
    let insert = |n: u32, with_changes: bool| -> f64 {
        let path = dir.path().join(format!("floor-{n}.taoli"));
        accounts::create(&path, &school).unwrap().close().unwrap();
        let mut conn = accounts::raw_connection(&path);
        let start = Instant::now();
        let tx = conn.transaction().unwrap();
        let put = |sql: &str, rows: &[Row]| {
            let mut stmt = tx.prepare(sql).unwrap();
            for row in rows {
                stmt.execute(rusqlite::params_from_iter(row)).unwrap();
            }
        };
        put(
            "INSERT INTO teacher (id, id_type, id_number, name, version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &teachers,
        );
        put(
            "INSERT INTO record (id, teacher_id, group_code, row_order, fields, version, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &records,
        );
        if with_changes {
            put(
                "INSERT INTO import_change (run_id, teacher_id, body) VALUES (?1, ?2, ?3)",
                &changes,
            );
        }
        tx.commit().unwrap();
        start.elapsed().as_secs_f64()
    };
    let data = insert(1, false);
    let all = insert(2, true);
    println!("{data:.3} {all:.3}");
}

/// Peak resident memory of this process so far, in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn calamine_only(roster: &Path) {
    let start = Instant::now();
    let mut book = calamine::open_workbook_auto(roster).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let cells = range
        .used_cells()
        .filter(|(_, _, c)| !matches!(c, Data::Empty))
        .count();
    let secs = start.elapsed().as_secs_f64();
    assert!(
        cells > ROWS as usize * 10,
        "{cells} cells: not a roster of {ROWS} rows"
    );
    println!("{secs:.3} {:.1}", peak_mb());
}

/// A new school file in `dir`, opened (its key derived from the password)
/// before the clock starts, as the floor's connection is: the clerk's file
/// is open already.
fn open_new_school(dir: &Path) -> taoli_core::SchoolFile {
    let school_path = dir.join("bench.taoli");
    let school = NewSchool {
        code: "5107220001".into(),
        name: "基准测试小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    accounts::create(&school_path, &school)
        .unwrap()
        .close()
        .unwrap();
    accounts::open(&school_path).unwrap()
}

fn import(roster: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let mut file = open_new_school(dir.path());
    let start = Instant::now();
    let mut roster = open(roster).unwrap();
    let mut plan = file
        .imports()
        .plan(&mut roster, &ImportOptions::default())
        .unwrap();
    eprintln!(
        "plan: {:.2} s, peak {:.0} MB",
        start.elapsed().as_secs_f64(),
        peak_mb()
    );
    let t = Instant::now();
    let run = file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    eprintln!("commit: {:.2} s", t.elapsed().as_secs_f64());
    let secs = start.elapsed().as_secs_f64();
    assert!(
        run.teachers_created > ROWS as usize * 9 / 10,
        "{:?}",
        plan.preview.counts
    );
    println!("{secs:.3} {:.1}", peak_mb());
}

/// The one-pass import `taoli import` runs (`Imports::import`): planning
/// on one thread, its writes carried out on this one as they come.
fn one_pass(roster: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let mut file = open_new_school(dir.path());
    let start = Instant::now();
    let mut roster = open(roster).unwrap();
    let (plan, run) = file
        .imports()
        .import(&mut roster, &ImportOptions::default(), &mut |_, _| {})
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert!(
        run.teachers_created > ROWS as usize * 9 / 10,
        "{:?}",
        plan.preview.counts
    );
    println!("{secs:.3} {:.1}", peak_mb());
}

/// A valid resident ID number for a person born on `date` (YYYYMMDD).
fn id_number(region: u32, date: &str, seq: u32) -> String {
    let first17 = format!("{region:06}{date}{seq:03}");
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// The messy roster: a title row, a 填报单位 line, a two-row header with a
/// merged group cell, dates in every clerk's style, labels and synonyms,
/// blank rows, about 1% of rows with a cell that must be refused, and a 合计 row.
fn generate(path: &Path) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("教职工花名册").unwrap();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_string(0, 0, "某某县实验小学教职工花名册")
        .unwrap();
    sheet
        .write_string(1, 0, "填报单位：某某县实验小学（盖章）")
        .unwrap();
    let top = [
        "序号",
        "基本情况",
        "",
        "",
        "",
        "",
        "",
        "",
        "工作情况",
        "",
        "",
        "",
        "联系方式",
    ];
    let bottom = [
        "",
        "姓名",
        "性别",
        "身份证号",
        "出生年月",
        "民族",
        "政治面貌",
        "最高学历",
        "参加工作时间",
        "来校时间",
        "职称",
        "备注",
        "手机",
    ];
    for (c, (t, b)) in top.iter().zip(bottom).enumerate() {
        sheet.write_string(2, c as u16, *t).unwrap();
        sheet.write_string(3, c as u16, b).unwrap();
    }
    let genders = ["男", "女", "1", "2"];
    let ethnicities = ["汉", "汉族", "回族", "满", "壮族", "01"];
    let politics = ["党员", "中共党员", "群众", "团员", "中国共产党党员", "民盟"];
    let educations = ["本科", "大学本科", "大专", "专科", "研究生", "中师"];
    let titles = [
        "中学高级",
        "中学一级",
        "小学高级",
        "二级教师",
        "一级教师",
        "小学一级",
    ];
    let mut r = 4u32;
    for i in 0..ROWS {
        if i % 1000 == 999 {
            r += 1; // a blank row now and then
        }
        let year = rng.random_range(1965..2000);
        let month = rng.random_range(1..=12u32);
        let day = rng.random_range(1..=28u32);
        let birth = format!("{year}{month:02}{day:02}");
        let region = [110105, 510722, 440305, 320102][i as usize % 4];
        let id = id_number(region, &birth, i % 1000);
        let (name, id_cell) = (format!("教师{i:06}"), id.clone());
        let c = |k: usize| k as u16;
        sheet.write_number(r, c(0), f64::from(i + 1)).unwrap();
        sheet.write_string(r, c(1), &name).unwrap();
        sheet
            .write_string(r, c(2), genders[(i % 4) as usize])
            .unwrap();
        if i % 100 == 42 {
            // Excel turned the ID into a number: refused.
            sheet
                .write_number(r, c(3), id.parse::<f64>().unwrap_or(0.0))
                .unwrap();
        } else {
            sheet.write_string(r, c(3), &id_cell).unwrap();
        }
        match i % 3 {
            0 => sheet.write_string(r, c(4), format!("{year}.{month:02}")),
            1 => sheet.write_string(r, c(4), format!("{year}年{month}月{day}日")),
            _ => sheet.write_string(r, c(4), &birth),
        }
        .unwrap();
        sheet
            .write_string(r, c(5), ethnicities[(i % 6) as usize])
            .unwrap();
        sheet
            .write_string(r, c(6), politics[(i % 6) as usize])
            .unwrap();
        sheet
            .write_string(r, c(7), educations[(i % 6) as usize])
            .unwrap();
        let work_year = year + 22;
        match i % 4 {
            0 => {
                let serial = days_since_1899(work_year, 9, 1);
                sheet.write_number_with_format(r, c(8), serial, &date_format)
            }
            1 => sheet.write_string(r, c(8), format!("{work_year}.9")),
            2 => sheet.write_string(r, c(8), format!("{work_year}/9/1")),
            _ => sheet.write_string(r, c(8), format!("{work_year}09")),
        }
        .unwrap();
        sheet
            .write_string(r, c(9), format!("{}-{:02}", work_year + 2, 8))
            .unwrap();
        sheet
            .write_string(r, c(10), titles[(i % 6) as usize])
            .unwrap();
        if i % 5 == 0 {
            sheet.write_string(r, c(11), "借调").unwrap();
        }
        sheet
            .write_string(r, c(12), format!("138{:08}", i))
            .unwrap();
        r += 1;
    }
    sheet.write_string(r, 0, "合计").unwrap();
    sheet.write_string(r, 1, format!("{ROWS}人")).unwrap();
    book.save(path).unwrap();
}

fn days_since_1899(year: i32, month: u32, day: u32) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap();
    (date - epoch).num_days() as f64
}
