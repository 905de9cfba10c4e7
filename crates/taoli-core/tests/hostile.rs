#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! The hostile roster corpus (`fixtures/hostile/`, written by
//! `make_hostile.py`, outcomes in `expected.json`): every file goes through
//! the core API as the app takes it — open the roster, plan the import, commit
//! it when it plans — against a real school file. Each must end in its
//! expected error code with a Chinese message and the school file
//! byte-for-byte unchanged, or in an import whose bad rows are refused with
//! Chinese reasons; never a panic, never a hang.

#[path = "support/accounts.rs"]
mod accounts;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use taoli_core::NewSchool;
use taoli_core::import::refused::write_refused_rows;
use taoli_core::import::{ImportOptions, ImportPlan, RowStatus, open};
use tempfile::TempDir;

/// Longest a file may take to be refused or imported (debug build, 2 cores):
/// well above the slowest (about 1 s), far below a hang.
const PATIENCE: Duration = Duration::from_secs(30);

/// Longest a message may be: a value quoted in it is cut, so a 5 MB cell
/// never makes a 5 MB message.
const MESSAGE_MAX_CHARS: usize = 1_000;

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/hostile")
}

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read(hostile_dir().join("expected.json")).unwrap();
    serde_json::from_slice::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

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

fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Rows in the school file's tables, for comparing before and after.
fn counts(school: &Path) -> (i64, i64, i64, i64) {
    let conn = accounts::raw_connection(school);
    let count = |table: &str| -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    (
        count("teacher"),
        count("record"),
        conn.query_row(
            "SELECT COUNT(*) FROM revision WHERE entity <> 'account'",
            [],
            |r| r.get(0),
        )
        .unwrap(),
        count("import_run"),
    )
}

/// What the app does with a roster: open it, plan the import, and commit the
/// plan. Returns the plan, or the error that refused the roster.
fn import(school: &Path, roster: &Path) -> taoli_core::Result<ImportPlan> {
    let mut roster = open(roster)?;
    let mut file = accounts::open(school).unwrap();
    let plan = file.imports().plan(&mut roster, &ImportOptions::default());
    let mut plan = match plan {
        Ok(plan) => plan,
        Err(e) => {
            file.close().unwrap();
            return Err(e);
        }
    };
    file.imports().commit(&mut plan, &mut |_, _| {})?;
    file.close().unwrap();
    Ok(plan)
}

/// A copy of a corpus file in `dir` (the refused rows are written beside it).
fn roster(dir: &TempDir, name: &str) -> PathBuf {
    let to = dir.path().join(name);
    std::fs::copy(hostile_dir().join(name), &to).unwrap();
    to
}

/// Runs one corpus file and checks the outcome `expected.json` gives it.
fn check(name: &str) {
    let outcome = expected()
        .get(name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} is not in expected.json"));
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = roster(&dir, name);
    let data_before = accounts::data_snapshot(&school);
    let before = counts(&school);
    let started = Instant::now();
    let result = import(&school, &roster);
    let took = started.elapsed();
    assert!(took < PATIENCE, "{name} took {took:?}");
    if let Some(code) = outcome.get("error").and_then(Value::as_str) {
        let error = match result {
            Err(error) => error,
            Ok(plan) => panic!("{name} was imported: {:?}", plan.preview.counts),
        };
        let message = error.to_string();
        assert_eq!(error.code(), code, "{name}: {message}");
        assert!(is_chinese(&message), "{name}: {message}");
        assert!(
            message.chars().count() <= MESSAGE_MAX_CHARS,
            "{name}: a message of {} characters",
            message.chars().count()
        );
        assert!(
            accounts::data_snapshot(&school) == data_before,
            "{name}: the school file changed"
        );
        return;
    }
    let plan = result.unwrap_or_else(|e| panic!("{name} was refused: {} {e}", e.code()));
    let got = serde_json::to_value(plan.preview.counts).unwrap();
    assert_eq!(got, outcome["counts"], "{name}: counts");
    let allowed: Vec<&str> = outcome["refusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for row in plan
        .preview
        .rows
        .iter()
        .filter(|r| r.status == RowStatus::Refused)
    {
        let reasons: Vec<_> = row
            .messages
            .iter()
            .filter(|m| m.severity == taoli_core::import::MessageSeverity::Refusal)
            .collect();
        assert!(
            reasons.iter().any(|m| allowed.contains(&&*m.code)),
            "{name} row {}: {:?}",
            row.row,
            reasons.iter().map(|m| &m.code).collect::<Vec<_>>()
        );
        for m in &reasons {
            assert!(is_chinese(&m.text), "{name} row {}: {}", row.row, m.text);
            assert!(
                m.text.chars().count() <= MESSAGE_MAX_CHARS,
                "{name} row {}",
                row.row
            );
        }
    }
    // Every row of a file that expects warnings carries one of them.
    if let Some(wanted) = outcome.get("warnings").and_then(Value::as_array) {
        let wanted: Vec<&str> = wanted.iter().filter_map(Value::as_str).collect();
        for row in &plan.preview.rows {
            assert!(
                row.messages.iter().any(|m| {
                    m.severity == taoli_core::import::MessageSeverity::Warning
                        && wanted.contains(&&*m.code)
                }),
                "{name} row {}: {:?}",
                row.row,
                row.messages.iter().map(|m| &m.code).collect::<Vec<_>>()
            );
        }
    }
    if let Some(values) = outcome.get("values").and_then(Value::as_object) {
        for (row, groups) in values {
            let preview = plan
                .preview
                .rows
                .iter()
                .find(|r| r.row.to_string() == *row)
                .unwrap_or_else(|| panic!("{name}: no row {row}"));
            let stored = preview.values();
            for (group, fields) in groups.as_object().unwrap() {
                for (field, want) in fields.as_object().unwrap() {
                    assert_eq!(
                        stored.get(group).and_then(|g| g.get(field)),
                        Some(want),
                        "{name} row {row}: {group}.{field}"
                    );
                }
            }
        }
    }
    // Exactly the new teachers were written, in one recorded import.
    let after = counts(&school);
    assert_eq!(
        after.0 - before.0,
        plan.preview.counts.new as i64,
        "{name}: teachers"
    );
    assert_eq!(after.3 - before.3, 1, "{name}: import runs");
    if plan.preview.counts.refused > 0 {
        let out = dir.path().join("refused.xlsx");
        let written = write_refused_rows(&plan, &out)
            .unwrap_or_else(|e| panic!("{name}: refused rows not written: {e}"));
        assert_eq!(written, plan.preview.counts.refused, "{name}");
        open(&out).unwrap_or_else(|e| panic!("{name}: refused rows unreadable: {e}"));
    }
}

macro_rules! corpus {
    ($($test:ident => $file:literal,)*) => {
        /// The corpus files the tests below cover.
        const COVERED: &[&str] = &[$($file),*];
        $(
            #[test]
            fn $test() {
                check($file);
            }
        )*
    };
}

corpus! {
    a_zero_byte_file_is_refused_as_empty => "zero-bytes.xlsx",
    a_file_of_white_space_is_refused_as_empty => "whitespace-only.csv",
    random_bytes_named_xlsx_are_refused_as_not_a_spreadsheet => "random-bytes.xlsx",
    random_bytes_named_csv_are_refused_as_not_a_spreadsheet => "random-bytes.csv",
    a_csv_holding_nul_bytes_is_refused_as_not_a_spreadsheet => "nul-bytes.csv",
    a_zip_that_is_not_a_workbook_is_refused_as_corrupt => "zip-not-a-workbook.xlsx",
    a_truncated_xlsx_is_refused_as_corrupt => "truncated.xlsx",
    an_xlsx_whose_sheet_xml_is_cut_off_is_refused_as_corrupt => "malformed-sheet-xml.xlsx",
    an_xlsx_missing_its_sheet_part_is_refused_as_corrupt => "missing-sheet-part.xlsx",
    an_xlsx_whose_cells_point_into_a_missing_shared_string_table_is_refused_as_corrupt => "missing-shared-strings.xlsx",
    an_xlsx_whose_cell_points_past_the_shared_strings_is_refused_as_corrupt => "shared-string-index-out-of-range.xlsx",
    an_xlsx_declaring_trillions_of_shared_strings_is_refused_before_anything_is_allocated => "shared-strings-count-bomb.xlsx",
    an_xlsx_part_declaring_four_gigabytes_is_read_as_it_is => "declared-size-lie.xlsx",
    an_xlsx_part_with_a_wrong_checksum_is_read_as_it_is => "crc-mismatch.xlsx",
    an_xlsx_sheet_inflating_to_24_megabytes_imports_in_bounded_memory => "deflate-bomb.xlsx",
    an_xlsx_cell_below_excels_last_row_is_refused_as_corrupt => "cell-beyond-excel-limits.xlsx",
    an_xlsx_cell_right_of_column_xfd_is_refused_as_corrupt => "column-beyond-xfd.xlsx",
    an_xlsx_cell_reference_that_overflows_is_refused_as_corrupt => "cell-reference-overflow.xlsx",
    an_xlsx_with_a_header_16384_columns_wide_imports => "header-16384-columns.xlsx",
    xlsx_formulas_are_read_as_their_cached_values_never_evaluated => "formula-cells.xlsx",
    xlsx_date_cells_no_calendar_has_are_replaced_by_the_birth_date_the_id_states => "date-cells-out-of-range.xlsx",
    an_xlsx_named_xls_imports_as_the_workbook_it_is => "xlsx-renamed.xls",
    an_xlsx_named_csv_imports_as_the_workbook_it_is => "xlsx-renamed.csv",
    an_ods_repeating_a_cell_into_98_million_is_refused_as_too_large => "ods-repeated-cell-bomb.ods",
    an_ods_with_librecalcs_repeated_empty_tail_imports => "ods-empty-tail.ods",
    a_web_page_saved_as_xls_is_refused_as_a_web_page => "webpage.xls",
    a_web_page_starting_with_a_comment_is_refused_as_a_web_page => "webpage-with-comment.xls",
    a_web_page_starting_with_its_head_is_refused_as_a_web_page => "webpage-head-first.xls",
    utf16_little_endian_unicode_text_imports => "utf16le-bom.txt",
    utf16_big_endian_text_imports => "utf16be-bom.csv",
    a_csv_mixing_utf8_and_gbk_lines_is_refused_as_mixed_encodings => "utf8-mixed-with-gbk.csv",
    a_csv_with_an_unterminated_quote_is_refused_with_its_line => "unterminated-quote.csv",
    a_csv_row_10000_columns_wide_imports => "ten-thousand-columns.csv",
    a_csv_with_one_line_100000_columns_wide_above_5000_rows_is_read_as_rows => "wide-and-long-csv.csv",
    a_refused_row_with_a_cell_longer_than_excel_allows_is_written_back => "oversized-cell.csv",
    formula_text_in_a_csv_is_stored_as_plain_text => "formula-injection.csv",
    names_with_control_or_direction_characters_are_refused => "control-characters-in-names.csv",
    id_numbers_made_of_emoji_are_refused => "emoji-id-numbers.csv",
    dates_no_calendar_has_are_replaced_by_the_birth_date_the_id_states => "impossible-dates.csv",
}

fn corpus_files() -> BTreeSet<String> {
    std::fs::read_dir(hostile_dir())
        .unwrap()
        .map(|e| e.unwrap())
        // `protocol/` is the batch protocol's corpus (tests/fuzz_protocol.rs).
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            !matches!(
                n.as_str(),
                "expected.json" | "README.md" | "make_hostile.py"
            )
        })
        .collect()
}

#[test]
fn every_corpus_file_has_an_expected_outcome_a_test_and_a_line_in_the_readme() {
    let files = corpus_files();
    let listed: BTreeSet<String> = expected().keys().cloned().collect();
    let covered: BTreeSet<String> = COVERED.iter().map(|s| s.to_string()).collect();
    assert_eq!(files, listed, "files vs expected.json");
    assert_eq!(files, covered, "files vs the tests in hostile.rs");
    let readme = std::fs::read_to_string(hostile_dir().join("README.md")).unwrap();
    for f in &files {
        assert!(readme.contains(&format!("`{f}`")), "README.md lacks {f}");
    }
}

#[test]
fn the_corpus_stays_under_one_megabyte() {
    let total: u64 = corpus_files()
        .iter()
        .map(|f| std::fs::metadata(hostile_dir().join(f)).unwrap().len())
        .sum();
    assert!(total < 1024 * 1024, "{total} bytes");
}

#[test]
fn the_committed_corpus_is_what_the_generator_writes() {
    let out = TempDir::new().unwrap();
    let script = hostile_dir().join("make_hostile.py");
    let run = std::process::Command::new("python3")
        .arg(&script)
        .arg("--out")
        .arg(out.path())
        .output();
    let run = match run {
        Ok(run) => run,
        // Python is part of the test setup (scripts/test.sh); without it
        // the corpus cannot be regenerated, only used.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("python3 not found: the corpus was not compared with its generator");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut stale = Vec::new();
    for f in corpus_files().iter().chain([&"expected.json".to_owned()]) {
        let made = std::fs::read(out.path().join(f)).ok();
        if made != std::fs::read(hostile_dir().join(f)).ok() {
            stale.push(f.clone());
        }
    }
    assert!(
        stale.is_empty(),
        "fixtures/hostile is stale ({stale:?}): run `python3 fixtures/hostile/make_hostile.py`"
    );
}

/// A valid resident ID number for a birth date (YYYYMMDD) and sequence.
fn id(date: &str, seq: u32) -> String {
    let first17 = format!("510722{date}{seq:03}");
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

#[test]
fn a_five_megabyte_name_on_one_line_is_refused_quickly_with_a_short_message() {
    // Made here rather than committed: 5 MB would dwarf the corpus.
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = dir.path().join("long-line.csv");
    let name = "张".repeat(5 * 1024 * 1024 / 3);
    std::fs::write(
        &roster,
        format!("姓名,身份证件号\n{name},{}\n", id("19850304", 11)),
    )
    .unwrap();
    let started = Instant::now();
    let plan = import(&school, &roster).unwrap();
    assert!(started.elapsed() < PATIENCE);
    let row = &plan.preview.rows[0];
    assert_eq!(row.status, RowStatus::Refused);
    let reason = row
        .messages
        .iter()
        .find(|m| m.code == "teacher.name_too_long");
    let reason = reason.expect("refused for its length");
    assert!(reason.text.chars().count() < 200, "{}", reason.text.len());
    assert_eq!(counts(&school).0, 0);
}

#[test]
fn a_formula_brought_in_by_a_roster_is_exported_to_csv_as_text() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(&school, &roster(&dir, "formula-injection.csv")).unwrap();
    let mut file = accounts::open(&school).unwrap();
    let bytes = file.exports().csv("基本信息").unwrap();
    let mut names: Vec<String> = csv::Reader::from_reader(bytes.as_slice())
        .records()
        .map(|r| r.unwrap()[0].to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["'-2+3", "'=cmd|' /C calc'!A0", "'@SUM(1+1)"]);
}

/// The error adding a teacher named 王\u{202E}五六 by hand gives.
fn right_to_left_override_refused() -> taoli_core::Error {
    let dir = TempDir::new().unwrap();
    let mut file = accounts::open(&school(&dir)).unwrap();
    file.data_entry()
        .add_teacher(&taoli_core::NewTeacher {
            name: "王\u{202E}五六".into(),
            id_type: "1".into(),
            id_number: id("19850304", 11),
        })
        .unwrap_err()
}

#[test]
fn a_name_with_a_right_to_left_override_cannot_be_added_by_hand_either() {
    let error = right_to_left_override_refused();
    assert_eq!(error.code(), "teacher.name_invalid");
    assert!(error.to_string().contains("U+202E"), "{error}");
}

#[test]
fn a_name_with_a_right_to_left_override_is_refused_in_english_in_english() {
    let error = right_to_left_override_refused();
    let english = error.message(taoli_core::Locale::En);
    assert!(english.contains("U+202E text direction mark"), "{english}");
    assert!(error.to_string().contains("U+202E 文字方向符"), "{error}");
}
