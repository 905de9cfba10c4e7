#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! The import pipeline end to end over arbitrary text: real rosters written
//! with arbitrary headers and cell text (CSV through the csv crate, .xlsx
//! through rust_xlsxwriter with text, number and boolean cells and any sheet
//! name, UTF-16 text files with lone surrogates as raw bytes), opened,
//! planned with arbitrary sheet choices and column corrections, sometimes
//! committed, and their refused rows written back out.
//!
//! Each roster carries 姓名, 身份证件类型 and 身份证件号 columns holding every
//! ID type of the catalog with valid, nearly valid (a digit swapped for a
//! multi-byte character of the same byte length …) and arbitrary numbers:
//! the combination `taoli import` once panicked on.
//!
//! Properties: nothing panics; a roster ends in a plan whose refused rows
//! say why in Chinese, or in an error of kind `User` with a Chinese message;
//! a committed plan's teachers can be read back.
//!
//! Seeded; `PROPTEST_CASES=N` (each test) or `TAOLI_FUZZ_SCALE=K` runs
//! longer, `TAOLI_FUZZ_RANDOM=1` draws new cases.

#[path = "support/accounts.rs"]
mod accounts;
#[path = "support/props.rs"]
mod props;

use std::path::{Path, PathBuf};

use props::{any_text, hostile_text, is_chinese, near, runner};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use taoli_core::catalog::{IdNumberForm, catalog};
use taoli_core::import::refused::write_refused_rows;
use taoli_core::import::{ImportOptions, MappingOverride, OnConflict, RowStatus, open};
use taoli_core::{ErrorKind, NewSchool, SchoolFile, id_number};
use tempfile::TempDir;

fn school(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    let school = NewSchool {
        code: "2151072201".into(),
        name: "XX县第一小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    accounts::create(&path, &school).unwrap().close().unwrap();
    path
}

/// Every header the 基本信息 and the other groups are known by, as the
/// template writes them.
fn labels() -> Vec<String> {
    let effective = catalog().unwrap().effective("primary_secondary").unwrap();
    effective
        .groups
        .iter()
        .flat_map(|g| g.fields.iter().filter(|f| !f.derived))
        .map(|f| f.label.clone())
        .collect()
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
            let check = id_number::check_character(&first17).unwrap();
            format!("{first17}{check}")
        })
}

/// An ID type (its code or its name) and a number valid, nearly valid or
/// arbitrary for it.
fn identity() -> impl Strategy<Value = (String, String)> {
    let types = catalog().unwrap().id_types().to_vec();
    prop::sample::select(types).prop_flat_map(|t| {
        let valid = match t.form {
            IdNumberForm::ResidentId => resident_id().boxed(),
            IdNumberForm::TaiwanPermit => "[0-9]{8}".boxed(),
            IdNumberForm::ForeignPermanentResidence => prop_oneof![
                "[A-Z]{3}[0-9]{12}",
                "9[0-9]{16}"
                    .prop_map(|f| format!("{f}{}", id_number::check_character(&f).unwrap())),
            ]
            .boxed(),
            IdNumberForm::General => "[A-Z0-9]{6,18}".boxed(),
        };
        let type_text = prop_oneof![Just(t.code.clone()), Just(t.name.clone())];
        (type_text, prop_oneof![4 => near(valid), 1 => any_text()])
    })
}

/// Cell text: names, dates, codes and anything at all.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any_text(),
        1 => near("[\u{4e00}-\u{9fa5}]{2,3}".boxed()),
        2 => near("[0-9]{4}[-./年]?[0-9]{1,2}[-./月]?[0-9]{0,2}日?".boxed()),
        1 => near("(汉族|01|男|女|中共党员|本科|是|否|=SUM\\(A1\\)|@cmd)".boxed()),
    ]
}

/// A header row: the identity columns, then known and unknown headers.
fn headers() -> impl Strategy<Value = Vec<String>> {
    let header = prop_oneof![
        3 => near(prop::sample::select(labels()).boxed()),
        1 => hostile_text(12),
    ];
    prop::collection::vec(header, 0..6).prop_map(|rest| {
        let mut all = vec![
            "姓名".to_owned(),
            "身份证件类型".to_owned(),
            "身份证件号".to_owned(),
        ];
        all.extend(rest);
        all
    })
}

/// A roster's rows below the header, each as wide as `width`.
fn rows(width: usize) -> impl Strategy<Value = Vec<Vec<String>>> {
    let row = (
        cell_text(),
        identity(),
        prop::collection::vec(cell_text(), width.saturating_sub(3)),
    )
        .prop_map(|(name, (t, n), rest)| {
            let mut row = vec![name, t, n];
            row.extend(rest);
            row
        });
    prop::collection::vec(row, 1..5)
}

fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    headers().prop_flat_map(|h| {
        let width = h.len();
        (Just(h), rows(width))
    })
}

/// What the clerk chose: sheets by arbitrary name or number, corrections
/// from any header to any target.
fn options() -> impl Strategy<Value = ImportOptions> {
    let sheet = prop_oneof![hostile_text(6), "[0-9]{1,3}", Just("1".to_owned())];
    let target = prop_oneof![
        near(prop::sample::select(labels()).boxed()),
        hostile_text(10),
        Just("-".to_owned()),
    ];
    let mapping = (hostile_text(10), prop::option::of(target))
        .prop_map(|(header, target)| MappingOverride { header, target });
    (
        prop::collection::vec(sheet, 0..2),
        prop::collection::vec(mapping, 0..3),
        any::<bool>(),
    )
        .prop_map(|(sheets, mappings, take)| ImportOptions {
            sheets,
            mappings,
            on_conflict: if take {
                OnConflict::Take
            } else {
                OnConflict::Keep
            },
            ..Default::default()
        })
}

/// Plans `roster` into `file`; commits the plan when `commit` and writes
/// its refused rows beside it. Nothing may panic, and every message a clerk
/// sees must be Chinese.
fn imported_or_refused_clearly(
    file: &mut SchoolFile,
    roster: &Path,
    options: &ImportOptions,
    commit: bool,
) -> Result<(), TestCaseError> {
    let planned = open(roster).and_then(|mut r| file.imports().plan(&mut r, options));
    let mut plan = match planned {
        Ok(plan) => plan,
        Err(e) => {
            prop_assert!(is_chinese(&e.to_string()), "{}: {e}", e.code());
            prop_assert_eq!(e.kind(), ErrorKind::User, "{}: {}", e.code(), e);
            return Ok(());
        }
    };
    for row in &plan.preview.rows {
        if row.status == RowStatus::Refused {
            prop_assert!(!row.messages.is_empty(), "row {} refused silently", row.row);
        }
        for m in &row.messages {
            prop_assert!(is_chinese(&m.text), "row {}: {}", row.row, m.text);
        }
    }
    let refused_out = roster.with_extension("refused.xlsx");
    if let Err(e) = write_refused_rows(&plan, &refused_out) {
        prop_assert!(is_chinese(&e.to_string()), "{e}");
    }
    if commit {
        match file.imports().commit(&mut plan, &mut |_, _| {}) {
            Ok(_) => {
                for teacher in file.teachers().all().unwrap() {
                    file.teachers().records(&teacher.id).unwrap();
                }
            }
            Err(e) => prop_assert!(is_chinese(&e.to_string()), "{e}"),
        }
    }
    Ok(())
}

#[test]
fn a_csv_roster_of_arbitrary_text_is_imported_or_refused_in_chinese() {
    let dir = TempDir::new().unwrap();
    let file = std::cell::RefCell::new(accounts::open(&school(&dir)).unwrap());
    let path = dir.path().join("roster.csv");
    let strategy = (table(), options(), prop::bool::weighted(0.2), any::<bool>());
    runner(300)
        .run(&strategy, |((headers, rows), options, commit, gbk)| {
            let mut out = csv::Writer::from_writer(Vec::new());
            out.write_record(&headers).unwrap();
            for row in &rows {
                out.write_record(row).unwrap();
            }
            let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
            let bytes = if gbk {
                encoding_rs::GB18030.encode(&text).0.into_owned()
            } else {
                text.into_bytes()
            };
            std::fs::write(&path, bytes).unwrap();
            imported_or_refused_clearly(&mut file.borrow_mut(), &path, &options, commit)
        })
        .unwrap();
}

/// A cell as rust_xlsxwriter writes it.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
}

fn xlsx_cell(text: String) -> impl Strategy<Value = Cell> {
    prop_oneof![
        6 => Just(Cell::Text(text)),
        1 => prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            -1e6..1e18f64,
            (10_000i64..80_000).prop_map(|n| n as f64),
        ]
        .prop_map(Cell::Number),
        1 => any::<bool>().prop_map(Cell::Bool),
    ]
}

fn xlsx_bytes(sheet_name: &str, rows: &[Vec<Cell>]) -> Option<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    // An arbitrary name Excel refuses is left as 「Sheet1」.
    let _ = sheet.set_name(sheet_name);
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            let written = match cell {
                Cell::Text(t) => sheet.write_string(r, c, t).map(drop),
                Cell::Number(n) => sheet.write_number(r, c, *n).map(drop),
                Cell::Bool(b) => sheet.write_boolean(r, c, *b).map(drop),
            };
            // Text Excel cannot hold (over 32,767 characters) is not a workbook.
            written.ok()?;
        }
    }
    book.save_to_buffer().ok()
}

#[test]
fn an_xlsx_roster_of_arbitrary_cells_is_imported_or_refused_in_chinese() {
    let dir = TempDir::new().unwrap();
    let file = std::cell::RefCell::new(accounts::open(&school(&dir)).unwrap());
    let path = dir.path().join("roster.xlsx");
    let cells = table().prop_flat_map(|(headers, rows)| {
        let header_row: Vec<_> = headers.into_iter().map(Cell::Text).collect();
        let body: Vec<BoxedStrategy<Vec<Cell>>> = rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(xlsx_cell)
                    .collect::<Vec<_>>()
                    .prop_map(|cells| cells)
                    .boxed()
            })
            .collect();
        (Just(header_row), body)
    });
    let strategy = (
        cells,
        hostile_text(12),
        options(),
        prop::bool::weighted(0.2),
    );
    runner(200)
        .run(
            &strategy,
            |((header, body), sheet_name, options, commit)| {
                let mut all = vec![header];
                all.extend(body);
                let Some(bytes) = xlsx_bytes(&sheet_name, &all) else {
                    return Ok(());
                };
                std::fs::write(&path, bytes).unwrap();
                imported_or_refused_clearly(&mut file.borrow_mut(), &path, &options, commit)
            },
        )
        .unwrap();
}

/// UTF-16 code units, with lone and swapped surrogates among them.
fn utf16_units(text: &str, strays: &[(prop::sample::Index, u16)]) -> Vec<u16> {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    for (at, unit) in strays {
        units.insert(at.index(units.len() + 1), *unit);
    }
    units
}

#[test]
fn a_utf16_roster_with_lone_surrogates_is_imported_or_refused_in_chinese() {
    let dir = TempDir::new().unwrap();
    let file = std::cell::RefCell::new(accounts::open(&school(&dir)).unwrap());
    let surrogate = prop_oneof![
        0xD800u16..=0xDBFF,
        0xDC00u16..=0xDFFF,
        Just(0xFEFF),
        Just(0)
    ];
    let strategy = (
        table(),
        prop::collection::vec((any::<prop::sample::Index>(), surrogate), 0..4),
        any::<bool>(),
        prop::sample::select(vec!["csv", "txt"]),
    );
    runner(200)
        .run(&strategy, |((headers, rows), strays, big_endian, ext)| {
            let mut text = headers.join("\t");
            for row in &rows {
                text.push('\n');
                text.push_str(&row.join("\t"));
            }
            let units = utf16_units(&text, &strays);
            let mut bytes = if big_endian {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            for u in units {
                bytes.extend(if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                });
            }
            let path = dir.path().join(format!("roster.{ext}"));
            std::fs::write(&path, bytes).unwrap();
            imported_or_refused_clearly(
                &mut file.borrow_mut(),
                &path,
                &ImportOptions::default(),
                false,
            )
        })
        .unwrap();
}
