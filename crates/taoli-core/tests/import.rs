#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Roster import through the core API: the committed messy rosters give their
//! expected results, and each safety promise of the import holds.

#[path = "support/expected.rs"]
mod expected;

#[path = "support/accounts.rs"]
mod accounts;

use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use taoli_core::error::{AccountError, ImportError};
use taoli_core::import::{
    ImportOptions, MappingOverride, OnConflict, REFUSAL_COLUMN, RowStatus, open,
    refused::write_refused_rows,
};
use taoli_core::{NewSchool, NewTeacher};
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

/// A valid resident ID number for a birth date (YYYYMMDD) and sequence.
fn id(date: &str, seq: u32) -> String {
    let first17 = format!("510722{date}{seq:03}");
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn options() -> ImportOptions {
    ImportOptions::default()
}

fn import(school: &Path, roster: &Path, options: &ImportOptions) -> taoli_core::import::ImportPlan {
    let mut file = accounts::open(school).unwrap();
    let mut roster = open(roster).unwrap();
    let mut plan = file.imports().plan(&mut roster, options).unwrap();
    file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    file.close().unwrap();
    plan
}

fn preview(
    school: &Path,
    roster: &Path,
    options: &ImportOptions,
) -> taoli_core::import::ImportPlan {
    let mut file = accounts::open(school).unwrap();
    let mut roster = open(roster).unwrap();
    file.imports().plan(&mut roster, options).unwrap()
}

fn basic(school: &Path, id_number: &str) -> serde_json::Map<String, serde_json::Value> {
    let file = accounts::open(school).unwrap();
    let teacher = file.teachers().by_id_number(None, id_number).unwrap();
    file.teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .map(|r| r.fields)
        .unwrap_or_default()
}

#[test]
fn every_committed_roster_gives_its_expected_results() {
    for path in expected::expected_files() {
        let want = expected::load(&path);
        let dir = TempDir::new().unwrap();
        let school = school(&dir);
        let options = expected::import_options(&want);
        let roster = expected::rosters_dir().join(want["file"].as_str().unwrap());
        let plan = preview(&school, &roster, &options);
        let got = serde_json::to_value(&plan.preview).unwrap();
        let problems = expected::mismatches(&want, &got);
        assert!(
            problems.is_empty(),
            "{}:\n{}",
            path.display(),
            problems.join("\n")
        );
    }
}

#[test]
fn every_bad_file_is_refused_with_its_message_and_the_school_file_unchanged() {
    let want = expected::load(&expected::rosters_dir().join("expected/bad-files.json"));
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let before = accounts::data_snapshot(&school);
    for (file, code) in want.as_object().unwrap() {
        let path = expected::rosters_dir().join(file);
        let error = match open(&path) {
            Err(e) => e,
            Ok(mut roster) => {
                let mut opened = accounts::open(&school).unwrap();
                let e = opened.imports().plan(&mut roster, &options()).unwrap_err();
                opened.close().unwrap();
                e
            }
        };
        assert_eq!(error.code(), code.as_str().unwrap(), "{file}: {error}");
        assert!(
            error
                .to_string()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{file}: {error}"
        );
    }
    assert_eq!(accounts::data_snapshot(&school), before);
}

#[test]
fn a_sheet_over_a_million_rows_is_refused() {
    let dir = TempDir::new().unwrap();
    let mut text = String::from("姓名,身份证件号\n");
    for i in 0..1_000_001u32 {
        text.push_str(&format!("教师{i},1\n"));
    }
    let roster = write(&dir, "huge.csv", &text);
    let error = open(&roster).unwrap_err();
    assert_eq!(error.code(), "import.too_many_rows");
}

#[test]
fn a_dry_run_leaves_the_school_file_byte_for_byte_unchanged() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let before = accounts::data_snapshot(&school);
    let roster = write(
        &dir,
        "r.csv",
        &format!("姓名,身份证件号\n张三,{}\n", id("19850304", 11)),
    );
    let plan = preview(&school, &roster, &options());
    assert_eq!(plan.preview.counts.new, 1);
    assert_eq!(accounts::data_snapshot(&school), before);
}

#[test]
fn a_commit_registers_the_new_teachers_with_their_values() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let (a, b) = (id("19850304", 11), id("19900722", 22));
    let roster = write(
        &dir,
        "r.csv",
        &format!("姓名,身份证件号,民族,来校时间\n张三,{a},汉,2005.9\n李四,{b},回族,2010年3月\n"),
    );
    import(&school, &roster, &options());
    let file = accounts::open(&school).unwrap();
    assert_eq!(file.teachers().all().unwrap().len(), 2);
    file.close().unwrap();
    let fields = basic(&school, &b);
    assert_eq!(fields["ethnicity"], "03");
    assert_eq!(fields["school_entry_month"], "2010-03");
}

#[test]
fn importing_the_same_roster_again_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = write(
        &dir,
        "r.csv",
        &format!("姓名,身份证件号,民族\n张三,{},汉\n", id("19850304", 11)),
    );
    import(&school, &roster, &options());
    let again = preview(&school, &roster, &options());
    assert_eq!(again.preview.rows[0].status, RowStatus::Unchanged);
}

#[test]
fn a_blank_cell_never_overwrites_a_stored_value() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    import(
        &school,
        &write(
            &dir,
            "1.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},回族\n"),
        ),
        &options(),
    );
    let take = ImportOptions {
        on_conflict: OnConflict::Take,
        ..options()
    };
    import(
        &school,
        &write(&dir, "2.csv", &format!("姓名,身份证件号,民族\n张三,{a},\n")),
        &take,
    );
    assert_eq!(basic(&school, &a)["ethnicity"], "03");
}

#[test]
fn a_differing_value_keeps_the_stored_one_by_default_and_shows_the_difference() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    import(
        &school,
        &write(
            &dir,
            "1.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},回族\n"),
        ),
        &options(),
    );
    let plan = import(
        &school,
        &write(
            &dir,
            "2.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},汉族\n"),
        ),
        &options(),
    );
    let change = &plan.preview.rows[0].changes[0];
    assert_eq!(
        (
            change.label.as_str(),
            change.stored.as_str(),
            change.imported.as_str()
        ),
        ("民族", "03", "01")
    );
    assert!(change.conflict && !change.taken);
    assert_eq!(basic(&school, &a)["ethnicity"], "03");
}

#[test]
fn on_conflict_take_stores_the_rosters_value() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    import(
        &school,
        &write(
            &dir,
            "1.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},回族\n"),
        ),
        &options(),
    );
    let take = ImportOptions {
        on_conflict: OnConflict::Take,
        ..options()
    };
    let plan = import(
        &school,
        &write(
            &dir,
            "2.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},汉族\n"),
        ),
        &take,
    );
    assert_eq!(plan.preview.rows[0].status, RowStatus::Update);
    assert_eq!(basic(&school, &a)["ethnicity"], "01");
}

#[test]
fn an_existing_teacher_matched_by_id_type_and_number_is_updated_not_duplicated() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    let mut file = accounts::open(&school).unwrap();
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: "张三".into(),
            id_type: "1".into(),
            id_number: a.clone(),
        })
        .unwrap();
    file.close().unwrap();
    let plan = import(
        &school,
        &write(
            &dir,
            "r.csv",
            &format!("姓名,身份证件类型,身份证件号,民族\n张三,居民身份证,{a},汉\n"),
        ),
        &options(),
    );
    assert_eq!(plan.preview.rows[0].status, RowStatus::Update);
    let file = accounts::open(&school).unwrap();
    assert_eq!(file.teachers().all().unwrap().len(), 1);
}

#[test]
fn the_same_person_twice_in_a_file_is_imported_once() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    let plan = import(
        &school,
        &write(
            &dir,
            "r.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},汉\n张三,{a},回族\n"),
        ),
        &options(),
    );
    assert_eq!(plan.preview.rows[1].status, RowStatus::Refused);
    assert_eq!(
        plan.preview.rows[1].messages[0].code,
        "import.duplicate_person"
    );
    assert_eq!(basic(&school, &a)["ethnicity"], "01");
}

#[test]
fn undo_removes_the_teachers_an_import_registered() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(
        &school,
        &write(
            &dir,
            "r.csv",
            &format!("姓名,身份证件号,民族\n张三,{},汉\n", id("19850304", 11)),
        ),
        &options(),
    );
    let mut file = accounts::open(&school).unwrap();
    let undone = file.imports().undo(None).unwrap();
    assert_eq!((undone.teachers_removed, undone.records_removed), (1, 1));
    assert!(file.teachers().all().unwrap().is_empty());
    assert!(file.imports().runs().unwrap()[0].undone_at.is_some());
}

#[test]
fn undo_puts_back_the_values_an_import_replaced() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    import(
        &school,
        &write(
            &dir,
            "1.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},回族\n"),
        ),
        &options(),
    );
    let take = ImportOptions {
        on_conflict: OnConflict::Take,
        ..options()
    };
    import(
        &school,
        &write(
            &dir,
            "2.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},汉族\n"),
        ),
        &take,
    );
    let mut file = accounts::open(&school).unwrap();
    let undone = file.imports().undo(None).unwrap();
    file.close().unwrap();
    assert_eq!(undone.records_restored, 1);
    assert_eq!(basic(&school, &a)["ethnicity"], "03");
}

#[test]
fn undoing_a_rename_records_the_teacher_as_now_stored() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    import(
        &school,
        &write(&dir, "1.csv", &format!("姓名,身份证件号\n张三,{a}\n")),
        &options(),
    );
    let take = ImportOptions {
        on_conflict: OnConflict::Take,
        ..options()
    };
    import(
        &school,
        &write(&dir, "2.csv", &format!("姓名,身份证件号\n张叁,{a}\n")),
        &take,
    );
    let mut file = accounts::open(&school).unwrap();
    file.imports().undo(None).unwrap();
    let stored = file.teachers().all().unwrap().remove(0);
    assert_eq!(stored.name, "张三");
    let last = file.teachers().history(&stored.id).unwrap().pop().unwrap();
    let after = last.new_value.unwrap();
    assert_eq!(after["name"], "张三");
    assert_eq!(after["version"], stored.version);
    assert_eq!(last.old_value.unwrap()["name"], "张叁");
}

#[test]
fn undo_stops_and_names_the_teacher_when_a_later_edit_touched_the_import() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    import(
        &school,
        &write(
            &dir,
            "r.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},汉\n"),
        ),
        &options(),
    );
    let mut file = accounts::open(&school).unwrap();
    let teacher = file.teachers().by_id_number(None, &a).unwrap();
    file.data_entry()
        .set_fields(&teacher.id, "basic", &[("民族".into(), "回族".into())])
        .unwrap();
    let error = file.imports().undo(None).unwrap_err();
    assert_eq!(error.code(), "import.undo_blocked");
    assert!(error.to_string().contains("张三"));
    assert_eq!(file.teachers().all().unwrap().len(), 1);
}

#[test]
fn an_import_cannot_be_undone_twice() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(
        &school,
        &write(
            &dir,
            "r.csv",
            &format!("姓名,身份证件号\n张三,{}\n", id("19850304", 11)),
        ),
        &options(),
    );
    let mut file = accounts::open(&school).unwrap();
    let run = file.imports().runs().unwrap().remove(0);
    file.imports().undo(Some(&run.id)).unwrap();
    let error = file.imports().undo(Some(&run.id)).unwrap_err();
    assert_eq!(error.code(), "import.already_undone");
}

#[test]
fn a_corrected_mapping_is_remembered_for_the_same_header_layout() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let header = "姓名,身份证件号,到校年月";
    let first = write(
        &dir,
        "1.csv",
        &format!("{header}\n张三,{},2005.9\n", id("19850304", 11)),
    );
    let corrected = ImportOptions {
        mappings: vec![MappingOverride::parse("到校年月=进本校年月").unwrap()],
        ..options()
    };
    import(&school, &first, &corrected);
    let b = id("19900722", 22);
    let second = write(&dir, "2.csv", &format!("{header}\n李四,{b},2012.3\n"));
    let plan = import(&school, &second, &options());
    let column = &plan.preview.sheets[0].columns[2];
    assert_eq!(column.source, taoli_core::import::MappingSource::Remembered);
    assert_eq!(basic(&school, &b)["school_entry_month"], "2012-03");
}

#[test]
fn a_mapping_for_a_header_no_sheet_has_is_refused() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = write(
        &dir,
        "r.csv",
        &format!("姓名,身份证件号\n张三,{}\n", id("19850304", 11)),
    );
    let mut file = accounts::open(&school).unwrap();
    let options = ImportOptions {
        mappings: vec![MappingOverride::parse("调入时间=进本校年月").unwrap()],
        ..options()
    };
    let error = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &options)
        .unwrap_err();
    assert_eq!(error.code(), "import.column_unknown");
}

#[test]
fn a_roster_without_id_numbers_is_refused_naming_the_missing_column() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = write(&dir, "r.csv", "姓名,民族,性别\n张三,汉,男\n");
    let mut file = accounts::open(&school).unwrap();
    let error = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &options())
        .unwrap_err();
    assert_eq!(error.code(), "import.no_identity_column");
    assert!(error.to_string().contains("身份证件号"));
}

#[test]
fn a_keyed_multi_record_row_updates_the_stored_row_of_the_same_year() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    let take = ImportOptions {
        on_conflict: OnConflict::Take,
        ..options()
    };
    import(
        &school,
        &write(
            &dir,
            "1.csv",
            &format!("姓名,身份证件号,考核年度,考核结果\n张三,{a},2024,合格\n"),
        ),
        &take,
    );
    let plan = import(
        &school,
        &write(
            &dir,
            "2.csv",
            &format!("姓名,身份证件号,考核年度,考核结果\n张三,{a},2024,优秀\n"),
        ),
        &take,
    );
    assert_eq!(plan.preview.rows[0].status, RowStatus::Update);
    let file = accounts::open(&school).unwrap();
    let teacher = file.teachers().by_id_number(None, &a).unwrap();
    let assessments: Vec<_> = file
        .teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .filter(|r| r.group_code == "assessment")
        .collect();
    assert_eq!(assessments.len(), 1);
}

#[test]
fn the_refused_rows_workbook_keeps_the_rows_as_they_were_with_the_reasons() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = expected::rosters_dir().join("legacy-messy.xlsx");
    let plan = preview(&school, &roster, &options());
    let out = dir.path().join("refused.xlsx");
    let written = write_refused_rows(&plan, &out).unwrap();
    assert_eq!(written, plan.preview.counts.refused);
    let mut book = calamine::open_workbook_auto(&out).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header.last().map(String::as_str), Some(REFUSAL_COLUMN));
    assert_eq!(range.height(), written + 1);
    // Unfixed, the rows are refused again for the same reasons — except the
    // second 张三, who is no longer a duplicate once alone.
    let duplicates = plan
        .preview
        .rows
        .iter()
        .filter(|r| {
            r.messages
                .iter()
                .any(|m| m.code == "import.duplicate_person")
        })
        .count();
    let again = preview(&school, &out, &options());
    assert_eq!(again.preview.counts.refused, written - duplicates);
    assert_eq!(again.preview.counts.new, duplicates);
}

#[test]
fn a_settled_plan_still_writes_its_refused_rows_workbook() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = expected::rosters_dir().join("legacy-messy.xlsx");
    let mut plan = import(&school, &roster, &options());
    assert!(plan.preview.counts.refused > 0);
    plan.settle();
    let out = dir.path().join("refused.xlsx");
    let written = write_refused_rows(&plan, &out).unwrap();
    assert_eq!(written, plan.preview.counts.refused);
    assert_eq!(plan.preview.rows.len(), plan.preview.counts.total);
}

#[test]
fn a_committed_plan_is_settled_and_not_committed_a_second_time() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = expected::rosters_dir().join("legacy-messy.xlsx");
    let mut plan = import(&school, &roster, &options());
    assert!(plan.is_settled());
    let mut file = accounts::open(&school).unwrap();
    let teachers = file.teachers().all().unwrap().len();
    let err = file
        .imports()
        .commit(&mut plan, &mut |_, _| {})
        .unwrap_err();
    assert!(
        matches!(
            err,
            taoli_core::Error::Import(ImportError::ImportAlreadyCommitted)
        ),
        "{err}"
    );
    assert_eq!(err.code(), "import.already_committed");
    assert!(err.to_string().contains("已经提交过了"), "{err}");
    assert_eq!(file.teachers().all().unwrap().len(), teachers);
    assert_eq!(file.imports().runs().unwrap().len(), 1);
}

#[test]
fn a_failed_commit_keeps_the_plan_whole_to_commit_again() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = expected::rosters_dir().join("legacy-messy.xlsx");
    let mut plan = preview(&school, &roster, &options());
    let mut viewer = accounts::open_as(&school, &accounts::viewer()).unwrap();
    let refused = viewer.imports().commit(&mut plan, &mut |_, _| {});
    assert!(
        matches!(
            refused,
            Err(taoli_core::Error::Account(
                AccountError::NotPermitted { .. }
            ))
        ),
        "{refused:?}"
    );
    assert!(!plan.is_settled());
    viewer.close().unwrap();
    let mut file = accounts::open(&school).unwrap();
    let run = file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    assert!(run.teachers_created > 0);
    assert!(plan.is_settled());
}

#[test]
fn a_fixed_refused_row_imports_cleanly_and_its_dates_stay_dates() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let good = id("19850304", 11);
    let roster = dir.path().join("r.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["姓名", "身份证件号", "出生日期"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "张三").unwrap();
    ws.write_number(1, 1, 5.107_221_985e17).unwrap();
    ws.write_number_with_format(1, 2, 31_110.0, &date).unwrap();
    book.save(&roster).unwrap();
    let plan = preview(&school, &roster, &options());
    assert_eq!(plan.preview.counts.refused, 1);
    let refused = dir.path().join("refused.xlsx");
    write_refused_rows(&plan, &refused).unwrap();
    // The clerk retypes the ID as text; everything else stays as written out.
    let mut fixed = calamine::open_workbook_auto(&refused).unwrap();
    let sheet = fixed.sheet_names()[0].clone();
    let range = fixed.worksheet_range(&sheet).unwrap();
    assert!(
        matches!(range.get((1, 2)), Some(Data::DateTime(_))),
        "the date is still a date cell"
    );
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Data::DateTime(d) => ws
                    .write_number_with_format(r, c, d.as_f64(), &date)
                    .map(|_| ()),
                Data::Float(_) if c == 1 => ws.write_string(r, c, &good).map(|_| ()),
                Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
                Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
                _ => Ok(()),
            }
            .unwrap();
        }
    }
    let fixed_path = dir.path().join("fixed.xlsx");
    book.save(&fixed_path).unwrap();
    import(&school, &fixed_path, &options());
    assert_eq!(basic(&school, &good)["birth_date"], "1985-03-04");
}

#[test]
fn hidden_sheets_are_skipped_unless_named() {
    let roster = expected::rosters_dir().join("legacy-messy.xlsx");
    let file = open(&roster).unwrap();
    let chosen = file.choose_sheets(&[]).unwrap();
    assert!(chosen.iter().all(|s| !s.hidden));
    let hidden = file.choose_sheets(&["旧数据".into()]).unwrap();
    assert!(hidden[0].hidden);
}

#[test]
fn a_field_the_roster_has_no_column_for_gets_the_catalogs_default() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    let plan = import(
        &school,
        &write(&dir, "r.csv", &format!("姓名,身份证件号\n张三,{a}\n")),
        &options(),
    );
    assert_eq!(basic(&school, &a)["nationality"], "156");
    assert_eq!(plan.preview.sheets[0].defaults, ["基本信息·国籍/地区 中国"]);
}

#[test]
fn an_empty_cell_in_a_column_the_roster_has_stays_empty() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    import(
        &school,
        &write(
            &dir,
            "r.csv",
            &format!("姓名,身份证件号,国籍/地区\n张三,{a},\n"),
        ),
        &options(),
    );
    assert!(!basic(&school, &a).contains_key("nationality"));
}

// ----- the import on the audit trail: one entry and its change set -----

/// A roster of three teachers, each with 民族.
fn three_teachers(dir: &TempDir) -> PathBuf {
    write(
        dir,
        "three.csv",
        &format!(
            "姓名,身份证件号,民族\n张三,{},汉\n李四,{},回族\n王五,{},汉\n",
            id("19850304", 11),
            id("19860405", 12),
            id("19870506", 13)
        ),
    )
}

/// How many entries of the audit chain name `entity`.
fn chain_entries(school: &Path, entity: &str) -> i64 {
    accounts::raw_connection(school)
        .query_row(
            "SELECT COUNT(*) FROM revision WHERE entity = ?1",
            [entity],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_committed_import_is_one_entry_on_the_audit_chain() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(&school, &three_teachers(&dir), &options());
    assert_eq!(chain_entries(&school, "import"), 1);
    assert_eq!(chain_entries(&school, "teacher"), 0);
    assert_eq!(chain_entries(&school, "record"), 0);
    let file = accounts::open(&school).unwrap();
    assert!(file.audit().verify().unwrap().intact());
}

#[test]
fn the_audit_log_shows_what_an_import_wrote_for_each_teacher() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(&school, &three_teachers(&dir), &options());
    let file = accounts::open(&school).unwrap();
    let query = taoli_core::audit::AuditQuery {
        operation: Some(taoli_core::revision::Operation::Import),
        ..Default::default()
    };
    let page = file.audit().log(&query).unwrap();
    // The import itself, then one entry per teacher under it.
    assert_eq!(page.total, 4);
    assert_eq!(page.entries[0].subject, "three.csv");
    let li_si = page
        .entries
        .iter()
        .find(|e| e.teacher_name.as_deref() == Some("李四"))
        .unwrap();
    assert_eq!(li_si.action, taoli_core::revision::Action::Create);
    assert_eq!(li_si.number(), format!("{}-2", li_si.id));
    let ethnicity = li_si
        .changes
        .iter()
        .find(|c| c.path.ends_with("民族"))
        .unwrap();
    assert_eq!(ethnicity.before, None);
    assert_eq!(ethnicity.after.as_deref(), Some("回族"));
}

#[test]
fn a_teachers_history_holds_what_an_import_wrote() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(&school, &three_teachers(&dir), &options());
    let file = accounts::open(&school).unwrap();
    let teacher = file
        .teachers()
        .by_id_number(None, &id("19860405", 12))
        .unwrap();
    let history = file.teachers().history(&teacher.id).unwrap();
    let registered = history
        .iter()
        .find(|r| r.entity == taoli_core::revision::Entity::Teacher)
        .unwrap();
    assert_eq!(registered.new_value.as_ref().unwrap()["name"], "李四");
    let basic = history
        .iter()
        .find(|r| r.entity == taoli_core::revision::Entity::Record)
        .unwrap();
    assert_eq!(
        basic.new_value.as_ref().unwrap()["fields"]["ethnicity"],
        "03"
    );
}

#[test]
fn an_edited_change_set_breaks_the_audit_chain_at_the_import() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(&school, &three_teachers(&dir), &options());
    let entry: i64 = accounts::raw_connection(&school)
        .query_row("SELECT id FROM revision WHERE entity = 'import'", [], |r| {
            r.get(0)
        })
        .unwrap();
    accounts::raw_connection(&school)
        .execute(
            "UPDATE import_change SET body = body || X'00' WHERE id = (SELECT MIN(id) FROM import_change)",
            [],
        )
        .unwrap();
    let check = accounts::open(&school).unwrap().audit().verify().unwrap();
    let broken = check.broken.unwrap();
    assert_eq!(broken.id, entry);
    assert_eq!(
        broken.reason,
        taoli_core::store::AuditBreakReason::ChangeSetAltered
    );
}

#[test]
fn a_removed_change_set_row_breaks_the_audit_chain() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(&school, &three_teachers(&dir), &options());
    accounts::raw_connection(&school)
        .execute(
            "DELETE FROM import_change WHERE id = (SELECT MAX(id) FROM import_change)",
            [],
        )
        .unwrap();
    let check = accounts::open(&school).unwrap().audit().verify().unwrap();
    let broken = check.broken.unwrap();
    assert_eq!(
        broken.reason,
        taoli_core::store::AuditBreakReason::ChangeSetRows {
            expected: 3,
            found: 2
        }
    );
    assert!(
        broken.reason.to_string().contains("应有 3 条，现有 2 条"),
        "{}",
        broken.reason
    );
}

#[test]
fn undo_stops_when_a_later_import_changed_what_the_import_wrote() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    import(
        &school,
        &write(
            &dir,
            "1.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},回族\n"),
        ),
        &options(),
    );
    let take = ImportOptions {
        on_conflict: OnConflict::Take,
        ..options()
    };
    import(
        &school,
        &write(
            &dir,
            "2.csv",
            &format!("姓名,身份证件号,民族\n张三,{a},汉族\n"),
        ),
        &take,
    );
    let mut file = accounts::open(&school).unwrap();
    let first = file.imports().runs().unwrap().pop().unwrap();
    let error = file.imports().undo(Some(&first.id)).unwrap_err();
    assert_eq!(error.code(), "import.undo_blocked");
    assert!(error.to_string().contains("张三"), "{error}");
}

#[test]
fn the_log_pages_through_an_import_newest_first() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    import(&school, &three_teachers(&dir), &options());
    let mut file = accounts::open(&school).unwrap();
    let zhang = file
        .teachers()
        .by_id_number(None, &id("19850304", 11))
        .unwrap();
    file.data_entry()
        .set_fields(&zhang.id, "basic", &[("民族".into(), "回族".into())])
        .unwrap();
    let page = |offset: usize| {
        let query = taoli_core::audit::AuditQuery {
            offset,
            limit: 2,
            ..Default::default()
        };
        let page = file.audit().log(&query).unwrap();
        let shown: Vec<(String, Option<String>)> = page
            .entries
            .iter()
            .map(|e| {
                (
                    e.operation.said(taoli_core::Locale::ZhCn),
                    e.teacher_name.clone(),
                )
            })
            .collect();
        (page.total, shown)
    };
    let (total, first) = page(0);
    let (_, second) = page(2);
    let (_, third) = page(4);
    let name = |n: &str| Some(n.to_owned());
    // The edit, and signing in to make it; then the import's teachers,
    // newest first, and the import's own entry after them.
    assert_eq!(
        first,
        [
            ("信息记录".to_owned(), name("张三")),
            ("账号".to_owned(), None),
        ]
    );
    assert_eq!(
        second,
        [
            ("导入花名册".to_owned(), name("王五")),
            ("导入花名册".to_owned(), name("李四")),
        ]
    );
    assert_eq!(
        third,
        [
            ("导入花名册".to_owned(), name("张三")),
            ("导入花名册".to_owned(), None),
        ]
    );
    assert!(total > 5, "{total}");
}

/// Whether `text` reads as English: Latin words, once what it quotes of the
/// roster (“…”) is left out.
fn reads_as_english(text: &str) -> bool {
    let mut outside = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '“' => quoted = true,
            '”' => quoted = false,
            c if !quoted => outside.push(c),
            _ => {}
        }
    }
    outside
        .split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        .count()
        >= 3
}

fn english() -> ImportOptions {
    ImportOptions {
        locale: taoli_core::Locale::En,
        ..ImportOptions::default()
    }
}

#[test]
fn a_preview_asked_for_in_english_words_every_message_note_and_group_in_english() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let mut seen = 0;
    for file in ["legacy-messy.xlsx", "gbk.csv", "legacy.xls"] {
        let roster = expected::rosters_dir().join(file);
        let chinese = preview(&school, &roster, &options());
        let plan = preview(&school, &roster, &english());
        let p = &plan.preview;
        for (m, zh) in p
            .rows
            .iter()
            .flat_map(|r| &r.messages)
            .zip(chinese.preview.rows.iter().flat_map(|r| &r.messages))
        {
            assert_eq!(m.code, zh.code, "{file}: the same messages either way");
            assert_ne!(m.text, zh.text, "{file}: {}", m.code);
            assert!(reads_as_english(&m.text), "{file}: {} {}", m.code, m.text);
            seen += 1;
        }
        for n in &p.notes {
            assert!(reads_as_english(&n.text), "{file}: {}", n.text);
        }
        for g in &p.problem_groups {
            assert!(reads_as_english(&g.text), "{file}: {}", g.text);
        }
        for s in &p.skipped_sheets {
            assert!(reads_as_english(&s.reason), "{file}: {}", s.reason);
        }
        assert_eq!(p.counts, chinese.preview.counts, "{file}");
    }
    assert!(
        seen > 10,
        "only {seen} messages: the rosters should have more"
    );
}

/// One teacher whose 进本校年月 is written 85.3: a two-digit year.
fn two_digit_year_roster(dir: &TempDir) -> PathBuf {
    write(
        dir,
        "two-digit.csv",
        &format!(
            "姓名,身份证件号,进本校年月\n张三,{},85.3\n",
            id("19850304", 1)
        ),
    )
}

#[test]
fn a_two_digit_year_is_told_in_the_preview_s_language() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = two_digit_year_roster(&dir);
    let message = |options: &ImportOptions| {
        let plan = preview(&school, &roster, options);
        let m = plan.preview.rows[0]
            .messages
            .iter()
            .find(|m| m.code == "import.pending_correction")
            .unwrap()
            .clone();
        (m.field.unwrap(), m.text.to_string())
    };
    assert_eq!(
        message(&options()),
        (
            "进本校年月".to_owned(),
            "进本校年月「85.3」的年份只有两位，无法确定世纪，应为年月，如 2005-09。这一项先空着导入，原文「85.3」记为待修正".to_owned()
        )
    );
    assert_eq!(
        message(&english()),
        (
            "Month joined this school".to_owned(),
            "Month joined this school “85.3” has a two-digit year, so its century cannot be told; it should be a year and month, such as 2005-09. The field is imported empty for now, and the cell's text “85.3” is kept as a value to correct (待修正)".to_owned()
        )
    );
}

#[test]
fn what_the_school_file_keeps_of_a_cell_to_correct_is_chinese_whatever_the_preview_s_language() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let roster = two_digit_year_roster(&dir);
    let mut file = accounts::open(&school).unwrap();
    let mut opened = open(&roster).unwrap();
    file.imports()
        .import(&mut opened, &english(), &mut |_, _| {})
        .unwrap();
    let kept = file.pending().values(None).unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].problem,
        "进本校年月「85.3」的年份只有两位，无法确定世纪，应为年月，如 2005-09"
    );
    file.close().unwrap();
}
