#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Property tests in place of fuzzing (the toolchain is stable, so no
//! cargo-fuzz): arbitrary bytes under every roster extension, committed
//! rosters with bytes flipped, cut and inserted (and workbooks whose XML
//! parts are mutated), arbitrary cell values through every indicator's
//! normalizer, and arbitrary cell text through a whole CSV import.
//!
//! Properties: nothing panics; a roster is planned, or refused with an
//! `Error` of kind `User` and a Chinese message; a refused row's reasons are
//! Chinese; a value the normalizers accept has its field's stored form; and a
//! valid date or ID number, in any form a clerk writes it, comes back as
//! itself.
//!
//! Runs are reproducible: a fixed seed unless `TAOLI_FUZZ_RANDOM=1`, and the
//! case counts (about 20 s in all, debug build) times `TAOLI_FUZZ_SCALE`,
//! e.g. `TAOLI_FUZZ_RANDOM=1 TAOLI_FUZZ_SCALE=20 cargo test -p taoli-core
//! --test fuzz_readers` for a longer hunt (`PROPTEST_CASES=N` runs N of each). No failure file is written into
//! the source tree (`failure_persistence: None`): a failing case is printed
//! in full; make it a named test (or a file in `fixtures/hostile/`).

#[path = "support/accounts.rs"]
mod accounts;

#[path = "support/mutation.rs"]
mod mutation;
use mutation::{mutate, mutation};

#[path = "support/props.rs"]
mod props;
use props::{is_chinese, runner};

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use taoli_core::catalog::{EffectiveCatalog, FieldType, catalog};
use taoli_core::import::cell::convert;
use taoli_core::import::{ImportOptions, RowStatus, open};
use taoli_core::{ErrorKind, NewSchool, SchoolFile};
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

fn effective() -> EffectiveCatalog {
    catalog().unwrap().effective("primary_secondary").unwrap()
}

/// Opens `roster` and plans its import into `file`: either a plan whose
/// refused rows say why in Chinese, or an error for the clerk in Chinese.
fn plan_is_clear(file: &mut SchoolFile, roster: &Path) -> Result<(), TestCaseError> {
    let planned =
        open(roster).and_then(|mut r| file.imports().plan(&mut r, &ImportOptions::default()));
    match planned {
        Ok(plan) => {
            for row in plan
                .preview
                .rows
                .iter()
                .filter(|r| r.status == RowStatus::Refused)
            {
                prop_assert!(
                    !row.messages.is_empty(),
                    "row {} refused without a reason",
                    row.row
                );
                for m in &row.messages {
                    prop_assert!(is_chinese(&m.text), "row {}: {}", row.row, m.text);
                }
            }
        }
        Err(e) => {
            let message = e.to_string();
            prop_assert!(is_chinese(&message), "{}: {}", e.code(), message);
            prop_assert_eq!(e.kind(), ErrorKind::User, "{}: {}", e.code(), message);
        }
    }
    Ok(())
}

const EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xls", "ods", "csv", "txt"];

/// Starts that send the reader down each path: zip, OLE, byte order marks, HTML.
fn prefixes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(b"PK\x03\x04".to_vec()),
        Just(vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
        Just(b"<html>".to_vec()),
        Just("姓名,身份证件号\n".as_bytes().to_vec()),
    ]
}

#[test]
fn arbitrary_bytes_under_every_extension_are_read_or_refused_clearly() {
    let dir = TempDir::new().unwrap();
    let file = std::cell::RefCell::new(accounts::open(&school(&dir)).unwrap());
    let roster = |ext: &str| dir.path().join(format!("roster.{ext}"));
    let strategy = (
        prop::sample::select(EXTENSIONS.to_vec()),
        prefixes(),
        prop::collection::vec(any::<u8>(), 0..2048),
    );
    runner(768)
        .run(&strategy, |(ext, mut bytes, tail)| {
            bytes.extend(tail);
            std::fs::write(roster(ext), &bytes).unwrap();
            plan_is_clear(&mut file.borrow_mut(), &roster(ext))
        })
        .unwrap();
}

/// Text a CSV reader trips on: quotes, separators, line ends, NUL, names,
/// digits, direction marks, in UTF-8 or GBK.
#[test]
fn arbitrary_delimited_text_is_read_or_refused_clearly() {
    let dir = TempDir::new().unwrap();
    let file = std::cell::RefCell::new(accounts::open(&school(&dir)).unwrap());
    let path = dir.path().join("roster.csv");
    let text = "(姓名|身份证件号|出生日期|[\",;\t\r\n ，]|[0-9Xx]{1,18}|张三|\u{202E}|\u{0}|\u{FEFF}|é){0,60}";
    let strategy = (text, any::<bool>());
    runner(512)
        .run(&strategy, |(text, gbk)| {
            let bytes = if gbk {
                encoding_rs::GBK.encode(&text).0.into_owned()
            } else {
                text.into_bytes()
            };
            std::fs::write(&path, &bytes).unwrap();
            plan_is_clear(&mut file.borrow_mut(), &path)
        })
        .unwrap();
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(rel),
    )
    .unwrap()
}

/// The committed rosters mutations start from, with their extensions.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("xlsx", fixture("rosters/template.xlsx")),
        ("xlsx", fixture("rosters/legacy-messy.xlsx")),
        ("ods", fixture("rosters/legacy.ods")),
        ("xls", fixture("rosters/legacy.xls")),
        ("csv", fixture("rosters/gbk.csv")),
        ("csv", fixture("rosters/utf8-bom-semicolon.csv")),
        ("txt", fixture("rosters/tab-separated.txt")),
    ]
}

/// What a hand-edited or damaged XML part tends to hold.
const XML_TOKENS: [&str; 12] = [
    "<",
    ">",
    "\"",
    "</row>",
    "<c r=\"XFD1048577\" t=\"s\"><v>99999</v></c>",
    "<c r=\"A2\" s=\"1\"><v>-1E+308</v></c>",
    " uniqueCount=\"99999999999\"",
    " table:number-rows-repeated=\"1048576\"",
    " table:number-columns-repeated=\"16384\"",
    "<v>NaN</v>",
    "&#0;",
    "\u{202E}",
];

#[test]
fn committed_rosters_with_bytes_flipped_cut_or_inserted_are_read_or_refused_clearly() {
    let dir = TempDir::new().unwrap();
    let file = std::cell::RefCell::new(accounts::open(&school(&dir)).unwrap());
    let seeds = seeds();
    let strategy = (
        0..seeds.len(),
        prop::collection::vec(mutation(&XML_TOKENS), 1..4),
    );
    runner(768)
        .run(&strategy, |(seed, mutations)| {
            let (ext, original) = &seeds[seed];
            let mut bytes = original.clone();
            mutate(&mut bytes, &mutations);
            let path = dir.path().join(format!("mutated.{ext}"));
            std::fs::write(&path, &bytes).unwrap();
            plan_is_clear(&mut file.borrow_mut(), &path)
        })
        .unwrap();
}

/// A zip's parts, uncompressed, in order: name and bytes.
type Parts = Vec<(String, Vec<u8>)>;

fn parts(zip: &[u8]) -> Parts {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut part = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            part.read_to_end(&mut data).unwrap();
            (part.name().unwrap().into_owned(), data)
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        out.start_file(name, stored).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Damage inside a workbook's XML, where calamine's parsers see it (flipping
/// bytes of the compressed file mostly breaks the zip before that).
#[test]
fn workbooks_with_mutated_xml_parts_are_read_or_refused_clearly() {
    let dir = TempDir::new().unwrap();
    let file = std::cell::RefCell::new(accounts::open(&school(&dir)).unwrap());
    let books: Vec<(&str, Parts)> = vec![
        ("xlsx", parts(&fixture("rosters/template.xlsx"))),
        ("xlsx", parts(&fixture("rosters/legacy-messy.xlsx"))),
        ("ods", parts(&fixture("rosters/legacy.ods"))),
    ];
    let strategy = (
        0..books.len(),
        any::<Index>(),
        prop::collection::vec(mutation(&XML_TOKENS), 1..4),
    );
    runner(768)
        .run(&strategy, |(book, part, mutations)| {
            let (ext, original) = &books[book];
            let mut changed = original.clone();
            let at = part.index(changed.len());
            mutate(&mut changed[at].1, &mutations);
            let path = dir.path().join(format!("mutated-part.{ext}"));
            std::fs::write(&path, rezip(&changed)).unwrap();
            plan_is_clear(&mut file.borrow_mut(), &path)
        })
        .unwrap();
}

/// Any cell calamine can give: numbers (NaN, infinities, ±1E+308 included),
/// text, booleans, date cells with any serial, ISO texts, error values.
fn cell() -> impl Strategy<Value = Data> {
    let number = prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-1e308),
        -100_000.0..3_000_000.0f64,
        (10_000i64..80_000).prop_map(|n| n as f64),
    ];
    prop_oneof![
        number.clone().prop_map(Data::Float),
        any::<i64>().prop_map(Data::Int),
        any::<String>().prop_map(Data::String),
        "[0-9]{4}[-./年]?[0-9]{1,2}[-./月]?[0-9]{0,2}日?".prop_map(Data::String),
        any::<bool>().prop_map(Data::Bool),
        (number, any::<bool>()).prop_map(|(v, is_1904)| {
            Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, is_1904))
        }),
        any::<String>().prop_map(Data::DateTimeIso),
        any::<String>().prop_map(Data::DurationIso),
        Just(Data::Error(calamine::CellErrorType::Ref)),
    ]
}

/// The form a stored value of a field takes.
fn has_stored_form(kind: &FieldType, value: &serde_json::Value) -> bool {
    let text = value.as_str().unwrap_or_default();
    let date = |format: &str| chrono::NaiveDate::parse_from_str(text, format).is_ok();
    match kind {
        FieldType::Date => text.len() == 10 && date("%Y-%m-%d"),
        FieldType::YearMonth => text.len() == 7 && date_of_month(text),
        FieldType::Year => text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()),
        FieldType::IdNumber => !text.is_empty() && !text.chars().any(char::is_whitespace),
        FieldType::Region => text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()),
        _ => true,
    }
}

fn date_of_month(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").is_ok()
}

#[test]
fn any_cell_in_any_field_is_converted_or_refused_in_chinese() {
    let effective = effective();
    let fields: Vec<_> = effective
        .groups
        .iter()
        .flat_map(|g| g.fields.iter())
        .collect();
    let strategy = (0..fields.len(), cell());
    runner(6000)
        .run(&strategy, |(i, cell)| {
            let field = fields[i];
            let table = field
                .code_table
                .as_deref()
                .and_then(|t| effective.code_table(t));
            let _shown = taoli_core::import::table::cell_text(&cell);
            match convert(field, table, &cell) {
                Ok(Some(value)) => prop_assert!(
                    has_stored_form(&field.kind, &value),
                    "{} ({:?}) stored {value} from {cell:?}",
                    field.code,
                    field.kind
                ),
                Ok(None) => {}
                Err(problem) => {
                    prop_assert!(problem.code.starts_with("import."), "{}", problem.code);
                    prop_assert!(is_chinese(&problem.text), "{}", problem.text);
                }
            }
            Ok(())
        })
        .unwrap();
}

/// A real date between 1901 and 2099.
fn date() -> impl Strategy<Value = chrono::NaiveDate> {
    (1901i32..=2099, 1u32..=12, 1u32..=31).prop_filter_map("a real date", |(y, m, d)| {
        chrono::NaiveDate::from_ymd_opt(y, m, d)
    })
}

#[test]
fn a_valid_date_in_any_form_a_clerk_writes_comes_back_as_itself() {
    let effective = effective();
    let field = effective
        .group("basic")
        .unwrap()
        .field("birth_date")
        .unwrap();
    let forms = vec![
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%Y年%m月%d日",
        "%Y%m%d",
        "%Y-%-m-%-d",
        "%Y年%-m月%-d日",
    ];
    let strategy = (date(), prop::sample::select(forms), any::<bool>());
    runner(512)
        .run(&strategy, |(date, form, as_cell)| {
            let cell = if as_cell {
                let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
                let serial = (date - epoch).num_days() as f64;
                Data::DateTime(ExcelDateTime::new(
                    serial,
                    ExcelDateTimeType::DateTime,
                    false,
                ))
            } else {
                Data::String(date.format(form).to_string())
            };
            let stored = convert(field, None, &cell);
            prop_assert_eq!(
                stored,
                Ok(Some(serde_json::Value::String(date.to_string()))),
                "{:?}",
                cell
            );
            Ok(())
        })
        .unwrap();
}

/// A valid resident ID number and its birth date.
fn resident_id() -> impl Strategy<Value = (String, chrono::NaiveDate)> {
    (110_000u32..=659_999, date(), 0u32..=999).prop_map(|(region, born, seq)| {
        let first17 = format!("{region:06}{}{seq:03}", born.format("%Y%m%d"));
        let check = taoli_core::id_number::check_character(&first17).unwrap();
        (format!("{first17}{check}"), born)
    })
}

/// What spreadsheets and input methods do to an ID number.
fn disguise(id: &str, how: u8) -> String {
    match how {
        0 => format!("'{id}"),
        1 => format!(" {} {} ", &id[..6], &id[6..]),
        2 => id
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                c => c,
            })
            .collect(),
        3 => id.to_ascii_lowercase(),
        _ => id.to_owned(),
    }
}

#[test]
fn a_valid_id_number_however_disguised_comes_back_as_itself() {
    let effective = effective();
    let field = effective
        .group("basic")
        .unwrap()
        .field("id_number")
        .unwrap();
    runner(512)
        .run(&(resident_id(), 0u8..5), |((id, _), how)| {
            let cell = Data::String(disguise(&id, how));
            prop_assert_eq!(
                convert(field, None, &cell),
                Ok(Some(serde_json::Value::String(id.clone())))
            );
            Ok(())
        })
        .unwrap();
}

/// The headers of the 基本信息 fields a roster can fill.
fn basic_headers() -> Vec<String> {
    effective()
        .group("basic")
        .unwrap()
        .fields
        .iter()
        .filter(|f| !f.derived)
        .map(|f| f.label.clone())
        .collect()
}

/// Cell text from everywhere: any Unicode, dates, codes, ID-like strings.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{0,20}",
        "[0-9]{2,4}[-./年]?[0-9]{1,2}[-./月]?[0-9]{0,2}日?",
        "[0-9Xx '０-９Ｘ]{14,20}",
        "(汉|汉族|回族|男|女|党员|群众|本科|是|否|=cmd|@SUM|\u{202E}|\u{0}|\"|,)*",
    ]
}

#[test]
fn a_csv_roster_of_arbitrary_cells_is_planned_with_chinese_reasons() {
    let dir = TempDir::new().unwrap();
    let file = std::cell::RefCell::new(accounts::open(&school(&dir)).unwrap());
    let path = dir.path().join("roster.csv");
    let headers = basic_headers();
    let width = headers.len();
    let rows = prop::collection::vec(prop::collection::vec(cell_text(), width), 1..6);
    runner(256)
        .run(&rows, |rows| {
            let mut out = csv::Writer::from_writer(Vec::new());
            out.write_record(&headers).unwrap();
            for row in &rows {
                out.write_record(row).unwrap();
            }
            std::fs::write(&path, out.into_inner().unwrap()).unwrap();
            plan_is_clear(&mut file.borrow_mut(), &path)
        })
        .unwrap();
}

#[test]
fn a_valid_row_imports_with_its_id_number_and_birth_date_unchanged() {
    let strategy = ("[\u{4e00}-\u{9fa5}]{2,4}", resident_id(), "[-/.年]");
    runner(24)
        .run(&strategy, |(name, (id, born), separator)| {
            let dir = TempDir::new().unwrap();
            let school = school(&dir);
            let roster = dir.path().join("roster.csv");
            let written = born
                .format(&format!("%Y{separator}%m{separator}%d"))
                .to_string();
            std::fs::write(
                &roster,
                format!("姓名,身份证件号,出生日期\n{name},'{id},{written}\n"),
            )
            .unwrap();
            let mut file = accounts::open(&school).unwrap();
            let mut plan = file
                .imports()
                .plan(&mut open(&roster).unwrap(), &ImportOptions::default())
                .unwrap();
            prop_assert_eq!(
                plan.preview.counts.new,
                1,
                "{:?}",
                plan.preview.rows[0].messages
            );
            file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
            let teacher = file.teachers().by_id_number(None, &id).unwrap();
            prop_assert_eq!(&teacher.name, &name);
            let basic = file
                .teachers()
                .records(&teacher.id)
                .unwrap()
                .into_iter()
                .find(|r| r.group_code == "basic")
                .unwrap();
            prop_assert_eq!(
                &basic.fields["birth_date"],
                &serde_json::json!(born.to_string())
            );
            Ok(())
        })
        .unwrap();
}
