//! Benchmark: `taoli export --format xlsx` of a 100,000-teacher school against
//! rust_xlsxwriter writing the same cells raw (no formats, no dropdowns, no
//! code sheet). Goal (issue #5): at most 2× the raw write.
//!
//!     cargo bench -p taoli-core --bench export
//!
//! The school is made by importing a generated CSV roster (the import is not
//! timed); the raw side writes exactly the cells Taoli's workbook holds, read
//! back from it with calamine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "../tests/support/accounts.rs"]
mod accounts;

use std::time::Instant;

use calamine::{Data, Reader};
use taoli_core::NewSchool;
use taoli_core::export::ExportFormat;
use taoli_core::import::{ImportOptions, open};

/// As in the `taoli` binary and the app.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TEACHERS: u32 = 100_000;
const RUNS: usize = 3;

fn id_number(date: &str, seq: u32) -> String {
    let first17 = format!("510722{date}{seq:03}");
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let school_path = dir.path().join("bench.taoli");
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
    let mut csv = String::from(
        "姓名,身份证件号,性别,民族,政治面貌,参加工作年月,进本校年月,是否在编,手机,最高学历\n",
    );
    for i in 0..TEACHERS {
        // A different birth date per thousand teachers, a sequence number
        // within it: every ID number is unique.
        let block = i / 1000;
        let year = 1965 + block % 35;
        let date = format!("{year}{:02}{:02}", 1 + block % 12, 1 + block % 28);
        csv.push_str(&format!(
            "教师{i:06},{},{},汉族,中共党员,{}-09,{}-09,是,138{i:08},大学本科\n",
            id_number(&date, i % 1000),
            if i % 2 == 0 { "男" } else { "女" },
            year + 22,
            year + 24,
        ));
    }
    let roster = dir.path().join("roster.csv");
    std::fs::write(&roster, csv).unwrap();
    let mut file = accounts::open(&school_path).unwrap();
    let mut plan = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &ImportOptions::default())
        .unwrap();
    let run = file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    assert_eq!(
        run.teachers_created, TEACHERS as usize,
        "{:?}",
        plan.preview.counts
    );

    let mut taoli_best = f64::MAX;
    let mut bytes = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        bytes = file.exports().as_format(ExportFormat::Xlsx, None).unwrap();
        taoli_best = taoli_best.min(start.elapsed().as_secs_f64());
    }
    let exported = dir.path().join("export.xlsx");
    std::fs::write(&exported, &bytes).unwrap();

    // The same cells, as calamine reads them back.
    let mut book = calamine::open_workbook_auto(&exported).unwrap();
    let sheets: Vec<(String, calamine::Range<Data>)> = book
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            (name, range)
        })
        .collect();
    let cells: usize = sheets.iter().map(|(_, r)| r.used_cells().count()).sum();
    let mut raw_best = f64::MAX;
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut raw = rust_xlsxwriter::Workbook::new();
        for (name, range) in &sheets {
            let ws = raw.add_worksheet();
            ws.set_name(name).unwrap();
            for (r, c, cell) in range.used_cells() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
                    Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
                    Data::Int(i) => ws.write_number(r, c, *i as f64).map(|_| ()),
                    other => ws.write_string(r, c, other.to_string()).map(|_| ()),
                }
                .unwrap();
            }
        }
        let out = raw.save_to_buffer().unwrap();
        assert!(!out.is_empty());
        raw_best = raw_best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "school: {TEACHERS} teachers (基本信息, 联系方式, 学习经历), {cells} cells in the workbook"
    );
    println!(
        "taoli export --format xlsx:      {taoli_best:.2} s ({} MB)",
        bytes.len() / 1_000_000
    );
    println!("rust_xlsxwriter, same cells raw: {raw_best:.2} s");
    println!("ratio: {:.2}× (goal ≤ 2×)", taoli_best / raw_best);
}
