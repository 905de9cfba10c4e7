//! Spreadsheets out: the import template, the workbook filled with the
//! school's teachers, and one group as CSV. Read back with calamine (what the
//! importer uses) and with openpyxl (an independent reader); the filled
//! workbook imports back into an empty school as the same school, for every
//! indicator set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, SheetVisible, Xlsx};
use serde_json::Value;
use taoli_core::catalog::templates::{edition_for, editions};
use taoli_core::catalog::{
    EffectiveCatalog, EffectiveField, FieldType, ProvincePack, SchoolTypeScope, catalog,
};
use taoli_core::export::{CODE_SHEET, ExportFormat, INSTRUCTIONS_SHEET, SheetStyle, write_file};
use taoli_core::import::{ImportOptions, open};
use taoli_core::{NewSchool, NewTeacher, SchoolFile, Teacher};
use tempfile::TempDir;

/// A valid resident ID number for a birth date (YYYYMMDD) and sequence.
fn resident_id(date: &str, seq: u32) -> String {
    let first17 = format!("110105{date}{seq:03}");
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

fn new_school(dir: &TempDir, file: &str, school_type: &str) -> SchoolFile {
    let school = NewSchool {
        code: "2151012345".into(),
        name: "桃李镇中心小学".into(),
        school_type: school_type.into(),
        region_code: Some("510722".into()),
    };
    accounts::create(&dir.path().join(file), &school).unwrap()
}

fn primary_school(dir: &TempDir) -> SchoolFile {
    new_school(dir, "school.taoli", "211")
}

fn add_teacher(file: &mut SchoolFile, name: &str, id_type: &str, id_number: &str) -> Teacher {
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: id_type.into(),
            id_number: id_number.into(),
        })
        .unwrap()
}

fn set(file: &mut SchoolFile, teacher: &Teacher, group: &str, values: &[(&str, &str)]) {
    let values: Vec<(String, String)> = values
        .iter()
        .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
        .collect();
    file.data_entry()
        .set_fields(&teacher.id, group, &values)
        .unwrap();
}

fn add_row(file: &mut SchoolFile, teacher: &Teacher, group: &str, values: &[(&str, &str)]) {
    let values: Vec<(String, String)> = values
        .iter()
        .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
        .collect();
    file.data_entry()
        .add_group_record(&teacher.id, group, &values)
        .unwrap();
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> calamine::Range<Data> {
    book.worksheet_range(name).unwrap()
}

fn row_texts(range: &calamine::Range<Data>, row: usize) -> Vec<String> {
    (0..range.width())
        .map(|c| {
            range
                .get((row, c))
                .map(|d| d.to_string())
                .unwrap_or_default()
        })
        .collect()
}

fn headers(range: &calamine::Range<Data>) -> Vec<String> {
    row_texts(range, 0)
}

/// The cell under `header` in data row `row` (1 = the first under the header).
fn cell<'a>(range: &'a calamine::Range<Data>, header: &str, row: usize) -> &'a Data {
    let col = headers(range)
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header:?} in {:?}", headers(range)));
    range.get((row, col)).unwrap_or(&Data::Empty)
}

// ---------------------------------------------------------------- template

#[test]
fn the_template_has_instructions_then_one_sheet_per_group_then_the_code_sheet() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let effective = file.effective_catalog().unwrap();
    let book = workbook(file.exports().template().unwrap());
    let mut want = vec![INSTRUCTIONS_SHEET.to_owned()];
    want.extend(effective.groups.iter().map(|g| g.name.clone()));
    want.push(CODE_SHEET.to_owned());
    assert_eq!(book.sheet_names(), want);
}

#[test]
fn the_code_sheet_is_hidden_and_every_other_sheet_visible() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let book = workbook(file.exports().template().unwrap());
    for sheet in book.sheets_metadata() {
        let hidden = sheet.visible != SheetVisible::Visible;
        assert_eq!(hidden, sheet.name == CODE_SHEET, "{}", sheet.name);
    }
}

#[test]
fn every_sheet_starts_with_the_identity_columns() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let effective = file.effective_catalog().unwrap();
    let mut book = workbook(file.exports().template().unwrap());
    for group in &effective.groups {
        let range = sheet(&mut book, &group.name);
        assert_eq!(
            headers(&range)[..3],
            ["*姓名", "*身份证件类型", "*身份证件号"],
            "{}",
            group.name
        );
    }
}

/// The header the template should give a field.
fn expected_header(field: &EffectiveField) -> String {
    let star = if field.required { "*" } else { "" };
    let form = match field.kind {
        FieldType::Date => "\n(yyyy-MM-dd)",
        FieldType::YearMonth => "\n(yyyy-MM)",
        FieldType::Year => "\n(yyyy)",
        _ => "",
    };
    format!("{star}{}{form}", field.label)
}

#[test]
fn after_the_identity_come_every_typed_field_of_the_group_in_catalog_order() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let effective = file.effective_catalog().unwrap();
    let mut book = workbook(file.exports().template().unwrap());
    for group in &effective.groups {
        let want: Vec<String> = group
            .fields
            .iter()
            .filter(|f| !f.derived)
            .filter(|f| {
                !(group.id == "basic"
                    && ["name", "id_type", "id_number"].contains(&f.code.as_str()))
            })
            .map(expected_header)
            .collect();
        let range = sheet(&mut book, &group.name);
        assert_eq!(headers(&range)[3..], want, "{}", group.name);
    }
}

#[test]
fn required_headers_carry_a_star_and_date_headers_their_form() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let mut book = workbook(file.exports().template().unwrap());
    let basic = headers(&sheet(&mut book, "基本信息"));
    assert!(
        basic.contains(&"*出生日期\n(yyyy-MM-dd)".to_owned()),
        "{basic:?}"
    );
    assert!(
        basic.contains(&"*参加工作年月\n(yyyy-MM)".to_owned()),
        "{basic:?}"
    );
    assert!(basic.contains(&"曾用名".to_owned()), "{basic:?}");
    let pay = headers(&sheet(&mut book, "基本待遇"));
    assert!(pay.contains(&"*年度\n(yyyy)".to_owned()), "{pay:?}");
}

#[test]
fn derived_fields_are_not_columns() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let mut book = workbook(file.exports().template().unwrap());
    let basic = headers(&sheet(&mut book, "基本信息"));
    assert!(!basic.iter().any(|h| h.contains("最高学历")), "{basic:?}");
    assert!(
        !basic.iter().any(|h| h.contains("现任岗位类别")),
        "{basic:?}"
    );
}

#[test]
fn the_template_holds_no_teacher() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    add_teacher(&mut file, "张三", "1", &resident_id("19850304", 123));
    let effective = file.effective_catalog().unwrap();
    let mut book = workbook(file.exports().template().unwrap());
    for group in &effective.groups {
        assert_eq!(sheet(&mut book, &group.name).height(), 1, "{}", group.name);
    }
}

#[test]
fn the_template_follows_the_school_s_indicator_set() {
    let dir = TempDir::new().unwrap();
    let mut file = new_school(&dir, "vocational.taoli", "361");
    let mut book = workbook(file.exports().template().unwrap());
    let basic = headers(&sheet(&mut book, "基本信息"));
    assert!(
        basic.contains(&"*企业工作(实践)时长".to_owned()),
        "{basic:?}"
    );
    assert!(!basic.iter().any(|h| h.contains("是否全日制师范类专业毕业")));
}

#[test]
fn the_template_includes_the_fields_of_the_school_s_province_pack() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let pack_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/province/example-pack.toml");
    let pack = ProvincePack::load(&pack_path).unwrap();
    file.sign_in(&accounts::admin()).unwrap();
    file.province().use_pack(&pack).unwrap();
    file.sign_in(&accounts::clerk()).unwrap();
    let mut book = workbook(file.exports().template().unwrap());
    let basic = headers(&sheet(&mut book, "基本信息"));
    assert!(basic.contains(&"*乡村学校任教类型".to_owned()), "{basic:?}");
    let codes = headers(&sheet(&mut book, CODE_SHEET));
    assert!(codes.contains(&"乡村学校类型".to_owned()), "{codes:?}");
}

/// The code sheet's labels under a table's name.
fn code_sheet_column(book: &mut Xlsx<Cursor<Vec<u8>>>, table_name: &str) -> Vec<String> {
    let range = sheet(book, CODE_SHEET);
    let col = headers(&range)
        .iter()
        .position(|h| h == table_name)
        .unwrap_or_else(|| panic!("no table {table_name} on the code sheet"));
    (1..range.height())
        .map(|r| {
            range
                .get((r, col))
                .map(|d| d.to_string())
                .unwrap_or_default()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn the_code_sheet_lists_the_selectable_labels_of_every_table_the_sheets_use() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let effective = file.effective_catalog().unwrap();
    let mut book = workbook(file.exports().template().unwrap());
    let used: Vec<&str> = effective
        .groups
        .iter()
        .flat_map(|g| &g.fields)
        .filter(|f| !f.derived)
        .filter_map(|f| f.code_table.as_deref())
        .collect();
    for table in effective
        .code_tables
        .iter()
        .filter(|t| used.contains(&t.id.as_str()))
    {
        let want: Vec<String> = table
            .codes
            .iter()
            .filter(|c| c.selectable)
            .map(|c| c.name.clone())
            .collect();
        assert_eq!(
            code_sheet_column(&mut book, &table.name),
            want,
            "{}",
            table.id
        );
    }
}

#[test]
fn the_code_sheet_holds_all_249_nationalities() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let mut book = workbook(file.exports().template().unwrap());
    let nationality = catalog().unwrap().code_table("nationality").unwrap();
    let labels = code_sheet_column(&mut book, &nationality.name);
    assert_eq!(labels.len(), 249);
}

#[test]
fn headings_are_left_out_of_the_code_sheet() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let mut book = workbook(file.exports().template().unwrap());
    let gender = catalog().unwrap().code_table("gender").unwrap();
    let labels = code_sheet_column(&mut book, &gender.name);
    let headings: Vec<&str> = gender
        .codes
        .iter()
        .filter(|c| !c.selectable)
        .map(|c| c.name.as_str())
        .collect();
    assert!(!headings.is_empty());
    assert!(
        labels.iter().all(|l| !headings.contains(&l.as_str())),
        "{labels:?}"
    );
}

#[test]
fn the_instructions_explain_required_marks_dates_rows_dropdowns_and_id_numbers() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let mut book = workbook(file.exports().template().unwrap());
    let range = sheet(&mut book, INSTRUCTIONS_SHEET);
    let text: String = range.rows().flatten().map(|d| d.to_string()).collect();
    for needle in [
        "*",
        "yyyy-MM-dd",
        "yyyy-MM",
        "每位教师填一行",
        "每条记录填一行",
        "下拉列表",
        "「、」",
        "身份证件号",
        "文本格式",
    ] {
        assert!(text.contains(needle), "填写说明 lacks {needle:?}:\n{text}");
    }
}

#[test]
fn the_instructions_sheet_is_not_taken_for_a_roster() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let path = dir.path().join("template.xlsx");
    write_file(&path, &file.exports().template().unwrap()).unwrap();
    let mut roster = open(&path).unwrap();
    let plan = file
        .imports()
        .plan(&mut roster, &ImportOptions::default())
        .unwrap();
    assert!(
        plan.preview
            .sheets
            .iter()
            .all(|s| s.name != INSTRUCTIONS_SHEET && s.name != CODE_SHEET)
    );
    assert!(
        plan.preview
            .sheets
            .iter()
            .all(|s| s.unknown_columns.is_empty()),
        "{:?}",
        plan.preview.sheets
    );
    assert_eq!(plan.preview.counts.total, 0);
}

// ---------------------------------------------------------------- filled workbook

/// 张三 with a few values, two 学习经历 and one 基本待遇; 李四 registered only.
fn small_school(dir: &TempDir) -> (SchoolFile, String) {
    let mut file = primary_school(dir);
    let id = resident_id("19850304", 123);
    let zhang = add_teacher(&mut file, "张三", "1", &id);
    set(
        &mut file,
        &zhang,
        "基本信息",
        &[
            ("民族", "汉族"),
            ("出生日期", "1985-03-04"),
            ("政治面貌", "01,04"),
            ("参加工作年月", "2005-09"),
            ("是否在编", "是"),
        ],
    );
    add_row(
        &mut file,
        &zhang,
        "学习经历",
        &[("获得学历", "21"), ("入学年月", "2001-09")],
    );
    add_row(
        &mut file,
        &zhang,
        "学习经历",
        &[("获得学历", "11"), ("入学年月", "2005-09")],
    );
    add_row(
        &mut file,
        &zhang,
        "基本待遇",
        &[("年度", "2024"), ("基本工资", "3210.5")],
    );
    add_teacher(&mut file, "李四", "A", "E12345678");
    (file, id)
}

#[test]
fn basic_information_has_one_row_per_teacher_with_identity_from_the_teacher() {
    let dir = TempDir::new().unwrap();
    let (mut file, id) = small_school(&dir);
    let mut book = workbook(file.exports().workbook().unwrap());
    let basic = sheet(&mut book, "基本信息");
    assert_eq!(basic.height(), 3);
    assert_eq!(cell(&basic, "*姓名", 1), &Data::String("张三".into()));
    assert_eq!(cell(&basic, "*身份证件号", 1), &Data::String(id));
    assert_eq!(cell(&basic, "*姓名", 2), &Data::String("李四".into()));
    assert_eq!(
        cell(&basic, "*身份证件类型", 2),
        &Data::String("护照".into())
    );
}

#[test]
fn other_sheets_have_one_row_per_record_in_row_order() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let mut book = workbook(file.exports().workbook().unwrap());
    let education = sheet(&mut book, "学习经历");
    assert_eq!(education.height(), 3);
    assert_eq!(cell(&education, "*姓名", 2), &Data::String("张三".into()));
    assert_eq!(
        cell(&education, "入学年月\n(yyyy-MM)", 1),
        &Data::String("2001-09".into())
    );
    assert_eq!(
        cell(&education, "入学年月\n(yyyy-MM)", 2),
        &Data::String("2005-09".into())
    );
    assert_eq!(sheet(&mut book, "工作经历").height(), 1);
}

#[test]
fn codes_are_written_as_their_labels() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let mut book = workbook(file.exports().workbook().unwrap());
    let basic = sheet(&mut book, "基本信息");
    assert_eq!(cell(&basic, "*民族", 1), &Data::String("汉族".into()));
    assert_eq!(cell(&basic, "*是否在编", 1), &Data::String("是".into()));
    assert_eq!(
        cell(&basic, "*身份证件类型", 1),
        &Data::String("居民身份证".into())
    );
}

#[test]
fn a_multi_code_value_is_its_labels_joined_with_a_pause_mark() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let table = catalog().unwrap().code_table("political_status").unwrap();
    let label = |code: &str| table.get(code).unwrap().name.clone();
    let mut book = workbook(file.exports().workbook().unwrap());
    let basic = sheet(&mut book, "基本信息");
    assert_eq!(
        cell(&basic, "*政治面貌", 1),
        &Data::String(format!("{}、{}", label("01"), label("04")))
    );
}

#[test]
fn dates_are_text_in_the_stored_form() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let mut book = workbook(file.exports().workbook().unwrap());
    let basic = sheet(&mut book, "基本信息");
    assert_eq!(
        cell(&basic, "*出生日期\n(yyyy-MM-dd)", 1),
        &Data::String("1985-03-04".into())
    );
    let pay = sheet(&mut book, "基本待遇");
    assert_eq!(cell(&pay, "*年度\n(yyyy)", 1), &Data::String("2024".into()));
}

#[test]
fn numbers_are_written_as_numbers() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let mut book = workbook(file.exports().workbook().unwrap());
    let pay = sheet(&mut book, "基本待遇");
    assert_eq!(cell(&pay, "基本工资", 1), &Data::Float(3210.5));
}

#[test]
fn an_unset_value_is_an_empty_cell() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let mut book = workbook(file.exports().workbook().unwrap());
    let basic = sheet(&mut book, "基本信息");
    assert_eq!(cell(&basic, "曾用名", 1), &Data::Empty);
    assert_eq!(cell(&basic, "*民族", 2), &Data::Empty);
}

// ---------------------------------------------------------------- round trip

/// Every indicator set with a school type that reports against it.
fn school_type_per_set() -> Vec<(String, String)> {
    let catalog = catalog().unwrap();
    catalog
        .sets()
        .iter()
        .map(|set| {
            let school_type = catalog
                .school_types()
                .iter()
                .find(|t| matches!(&t.scope, SchoolTypeScope::In { set: s } if s.id == set.id))
                .unwrap_or_else(|| panic!("no school type for {}", set.id));
            (set.id.clone(), school_type.code.clone())
        })
        .collect()
}

/// A valid value for `field` as a clerk would type it; `n` (1, 2 …) makes
/// the rows of a multi-record group differ.
fn value_for(effective: &EffectiveCatalog, field: &EffectiveField, n: usize) -> String {
    let selectable = || -> Vec<String> {
        let table = field
            .code_table
            .as_deref()
            .and_then(|t| effective.code_table(t))
            .unwrap_or_else(|| panic!("{} has no code table", field.code));
        table
            .codes
            .iter()
            .filter(|c| c.selectable)
            .map(|c| c.code.clone())
            .collect()
    };
    match field.kind {
        FieldType::Text => {
            let max = field.max_len.unwrap_or(50) as usize;
            format!("{}{n}", field.label)
                .chars()
                .rev()
                .take(max)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect()
        }
        FieldType::Code => {
            let codes = selectable();
            codes[(n - 1) % codes.len()].clone()
        }
        FieldType::MultiCode => {
            let codes = selectable();
            let first = (n - 1) % codes.len();
            let second = n % codes.len();
            format!("{},{}", codes[first], codes[second])
        }
        FieldType::YesNo => if n % 2 == 1 { "1" } else { "0" }.to_owned(),
        FieldType::Date => format!("2010-07-{:02}", n),
        FieldType::YearMonth => format!("2005-{:02}", n),
        FieldType::Year => format!("{}", 2019 + n),
        FieldType::Number => {
            let (min, max) = (field.min.unwrap_or(0.0), field.max.unwrap_or(1e6));
            let value = if field.decimals.unwrap_or(0) > 0 {
                n as f64 + 0.5
            } else {
                n as f64 + 1.0
            };
            format!("{}", value.clamp(min, max))
        }
        FieldType::Phone => format!("1380013800{n}"),
        FieldType::Email => format!("teacher{n}@example.com"),
        FieldType::IdNumber => resident_id("19850304", 123),
        FieldType::Region => ["510107", "510722", "110105"][(n - 1) % 3].to_owned(),
    }
}

/// Fills every typed field of a group; `skip` leaves fields out.
fn every_value(
    effective: &EffectiveCatalog,
    group: &str,
    n: usize,
    skip: &[&str],
) -> Vec<(String, String)> {
    effective
        .group(group)
        .unwrap()
        .fields
        .iter()
        .filter(|f| !f.derived && !skip.contains(&f.code.as_str()))
        .map(|f| (f.code.clone(), value_for(effective, f, n)))
        .collect()
}

/// A school of `school_type` whose first teacher fills every typed field of
/// every group (two rows in each multi-record group), a second with a
/// passport and a few values, and a third registered only. `groups` limits
/// the groups filled.
fn full_school(dir: &TempDir, school_type: &str, groups: impl Fn(&str) -> bool) -> SchoolFile {
    let mut file = new_school(dir, "full.taoli", school_type);
    let effective = file.effective_catalog().unwrap();
    let id = resident_id("19850304", 123);
    let full = add_teacher(&mut file, "全字段", "1", &id);
    for group in effective.groups.iter().filter(|g| groups(&g.id)) {
        if group.id == "basic" {
            let mut values = every_value(&effective, "basic", 1, &["name", "id_type", "id_number"]);
            for (code, value) in &mut values {
                // As the ID number says, so that nothing is filled in from it.
                match code.as_str() {
                    "birth_date" => *value = "1985-03-04".into(),
                    "gender" => *value = "1".into(),
                    _ => {}
                }
            }
            file.data_entry()
                .set_fields(&full.id, "basic", &values)
                .unwrap();
        } else if group.multi {
            for n in 1..=2 {
                let values = every_value(&effective, &group.id, n, &[]);
                file.data_entry()
                    .add_group_record(&full.id, &group.id, &values)
                    .unwrap();
            }
        } else {
            let values = every_value(&effective, &group.id, 1, &[]);
            file.data_entry()
                .set_fields(&full.id, &group.id, &values)
                .unwrap();
        }
    }
    let sparse = add_teacher(&mut file, "李四", "A", "E12345678");
    set(
        &mut file,
        &sparse,
        "basic",
        &[("gender", "2"), ("remarks", "外籍")],
    );
    if groups("education") {
        add_row(&mut file, &sparse, "education", &[("education", "21")]);
    }
    add_teacher(&mut file, "王五", "A", "E87654321");
    file
}

/// A JSON export without what differs between two files holding the same
/// data: internal ids, timestamps and versions.
fn comparable(file: &mut SchoolFile) -> Value {
    let mut export = serde_json::to_value(file.exports().document().unwrap()).unwrap();
    let strip = |v: &mut Value, keys: &[&str]| {
        if let Some(o) = v.as_object_mut() {
            for k in keys {
                o.remove(*k);
            }
        }
    };
    strip(&mut export, &["exported_at"]);
    strip(&mut export["school"], &["created_at", "updated_at"]);
    for teacher in export["teachers"].as_array_mut().unwrap() {
        strip(teacher, &["id", "version", "created_at", "updated_at"]);
        for record in teacher["records"].as_array_mut().unwrap() {
            strip(record, &["id", "teacher_id", "version", "updated_at"]);
        }
    }
    export
}

/// Exports `file` as the filled workbook, imports it into an empty school of
/// the same type and returns that school.
fn round_trip(dir: &TempDir, file: &mut SchoolFile, school_type: &str) -> SchoolFile {
    round_trip_in(dir, file, school_type, SheetStyle::Taoli)
}

/// [`round_trip`] with the workbook written in `style`.
fn round_trip_in(
    dir: &TempDir,
    file: &mut SchoolFile,
    school_type: &str,
    style: SheetStyle,
) -> SchoolFile {
    let path = dir.path().join("round-trip.xlsx");
    write_file(&path, &file.exports().workbook_in(style).unwrap()).unwrap();
    let mut fresh = new_school(dir, "fresh.taoli", school_type);
    let mut roster = open(&path).unwrap();
    let mut plan = fresh
        .imports()
        .plan(&mut roster, &ImportOptions::default())
        .unwrap();
    let refused: Vec<String> = plan
        .preview
        .rows
        .iter()
        .filter(|r| r.status == taoli_core::import::RowStatus::Refused)
        .map(|r| format!("{} 第 {} 行：{:?}", r.sheet, r.row, r.messages))
        .collect();
    assert!(refused.is_empty(), "refused rows:\n{}", refused.join("\n"));
    let unknown: Vec<String> = plan
        .preview
        .sheets
        .iter()
        .flat_map(|s| {
            s.unknown_columns
                .iter()
                .map(move |c| format!("{}: {c}", s.name))
        })
        .collect();
    assert!(unknown.is_empty(), "unrecognized columns: {unknown:?}");
    fresh.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    fresh
}

/// The differences between two comparable exports: teachers missing or
/// added, and for each teacher the records and fields that differ.
fn differences(want: &Value, got: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if want["school"] != got["school"] {
        out.push(format!("school: {} ≠ {}", want["school"], got["school"]));
    }
    let by_key =
        |v: &Value, key: &dyn Fn(&Value) -> String, list: &str| -> BTreeMap<String, Value> {
            v[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (key(t), t.clone()))
                .collect()
        };
    let teacher_key = |t: &Value| format!("{} {}", t["id_type"], t["id_number"]);
    let record_key = |r: &Value| format!("{} #{}", r["group_code"], r["row_order"]);
    let (w, g) = (
        by_key(want, &teacher_key, "teachers"),
        by_key(got, &teacher_key, "teachers"),
    );
    for (k, teacher) in &w {
        let Some(other) = g.get(k) else {
            out.push(format!("teacher {k} missing"));
            continue;
        };
        for member in ["name", "id_type", "id_number", "id_type_name"] {
            if teacher[member] != other[member] {
                out.push(format!(
                    "{k} {member}: {} ≠ {}",
                    teacher[member], other[member]
                ));
            }
        }
        let (wr, gr) = (
            by_key(teacher, &record_key, "records"),
            by_key(other, &record_key, "records"),
        );
        for (rk, record) in &wr {
            let Some(imported) = gr.get(rk) else {
                out.push(format!("{k} {rk} missing: {}", record["fields"]));
                continue;
            };
            let (wf, gf) = (
                record["fields"].as_object().unwrap(),
                imported["fields"].as_object().unwrap(),
            );
            for field in wf.keys().chain(gf.keys().filter(|f| !wf.contains_key(*f))) {
                if wf.get(field) != gf.get(field) {
                    out.push(format!(
                        "{k} {rk} {field}: exported {:?}, imported {:?}",
                        wf.get(field),
                        gf.get(field)
                    ));
                }
            }
        }
        for rk in gr.keys().filter(|rk| !wr.contains_key(*rk)) {
            out.push(format!("{k} {rk} appeared: {}", gr[rk]["fields"]));
        }
    }
    for k in g.keys().filter(|k| !w.contains_key(*k)) {
        out.push(format!("teacher {k} appeared"));
    }
    if out.is_empty() && want != got {
        out.push("teacher or record order differs".to_owned());
    }
    out
}

fn assert_round_trip(groups: impl Fn(&str) -> bool + Copy) {
    assert_round_trip_in(groups, SheetStyle::Taoli);
}

fn assert_round_trip_in(groups: impl Fn(&str) -> bool + Copy, style: SheetStyle) {
    for (set, school_type) in school_type_per_set() {
        let dir = TempDir::new().unwrap();
        let mut original = full_school(&dir, &school_type, groups);
        let mut imported = round_trip_in(&dir, &mut original, &school_type, style);
        let problems = differences(&comparable(&mut original), &comparable(&mut imported));
        assert!(
            problems.is_empty(),
            "{set} ({school_type}):\n{}",
            problems.join("\n")
        );
    }
}

#[test]
fn every_field_type_of_every_set_but_contact_survives_export_and_import() {
    assert_round_trip(|group| group != "contact");
}

#[test]
fn every_field_of_every_group_of_every_set_survives_export_and_import() {
    assert_round_trip(|_| true);
}

/// A primary school whose one teacher has the two 国内培训 rows given.
fn two_trainings(dir: &TempDir, first: &[(&str, &str)], second: &[(&str, &str)]) -> SchoolFile {
    let mut file = primary_school(dir);
    let teacher = add_teacher(&mut file, "张三", "1", &resident_id("19850304", 123));
    set(
        &mut file,
        &teacher,
        "basic",
        &[("birth_date", "1985-03-04"), ("gender", "1")],
    );
    add_row(&mut file, &teacher, "training", first);
    add_row(&mut file, &teacher, "training", second);
    file
}

fn assert_same_after_round_trip(dir: &TempDir, original: &mut SchoolFile) {
    let mut imported = round_trip(dir, original, "211");
    let problems = differences(&comparable(original), &comparable(&mut imported));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn two_identical_rows_of_a_multi_record_group_survive_export_and_import() {
    let dir = TempDir::new().unwrap();
    let row = [("project_name", "暑期全员培训"), ("year", "2023")];
    let mut original = two_trainings(&dir, &row, &row);
    assert_same_after_round_trip(&dir, &mut original);
}

#[test]
fn a_row_holding_part_of_an_earlier_row_s_values_survives_export_and_import() {
    let dir = TempDir::new().unwrap();
    let mut original = two_trainings(
        &dir,
        &[
            ("project_name", "暑期全员培训"),
            ("year", "2023"),
            ("hours", "24"),
        ],
        &[("project_name", "暑期全员培训"), ("year", "2023")],
    );
    assert_same_after_round_trip(&dir, &mut original);
}

#[test]
fn the_round_trip_covers_every_field_type() {
    let catalog = catalog().unwrap();
    let kinds: Vec<FieldType> = school_type_per_set()
        .iter()
        .flat_map(|(set, _)| catalog.effective(set).unwrap().groups)
        .flat_map(|g| g.fields)
        .filter(|f| !f.derived)
        .map(|f| f.kind)
        .collect();
    for kind in [
        FieldType::Text,
        FieldType::Code,
        FieldType::MultiCode,
        FieldType::YearMonth,
        FieldType::Date,
        FieldType::Year,
        FieldType::Number,
        FieldType::YesNo,
        FieldType::IdNumber,
        FieldType::Phone,
        FieldType::Email,
    ] {
        assert!(
            kinds.contains(&kind),
            "no field of type {kind:?} to round-trip"
        );
    }
}

// ---------------------------------------------------------------- CSV

fn csv_text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn csv_starts_with_a_byte_order_mark() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let bytes = file.exports().csv("基本信息").unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
}

#[test]
fn csv_lines_end_with_crlf() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let bytes = file.exports().csv("基本待遇").unwrap();
    let text = csv_text(&bytes);
    assert!(text.ends_with("\r\n"));
    // One CRLF per record (header and one row); the header's date form
    // sits on a second line inside its quoted cell.
    assert_eq!(text.matches("\r\n").count(), csv_records(&bytes).len());
    assert_eq!(csv_records(&bytes).len(), 2);
}

/// The CSV's records, BOM removed.
fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn csv_has_the_columns_and_values_of_the_workbook_sheet() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let records = csv_records(&file.exports().csv("学习经历").unwrap());
    let mut book = workbook(file.exports().workbook().unwrap());
    let range = sheet(&mut book, "学习经历");
    let want: Vec<Vec<String>> = (0..range.height()).map(|r| row_texts(&range, r)).collect();
    assert_eq!(records, want);
}

#[test]
fn csv_numbers_show_without_a_trailing_zero() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let records = csv_records(&file.exports().csv("基本待遇").unwrap());
    let col = records[0].iter().position(|h| h == "基本工资").unwrap();
    assert_eq!(records[1][col], "3210.5");
}

#[test]
fn csv_takes_the_group_by_id_or_chinese_name() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    assert_eq!(
        file.exports().csv("education").unwrap(),
        file.exports().csv("学习经历").unwrap()
    );
}

#[test]
fn csv_of_an_unknown_group_is_refused_with_the_valid_ones() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let error = file.exports().csv("工资").unwrap_err();
    assert_eq!(error.code(), "entry.unknown_group");
    let message = error.to_string();
    assert!(message.contains("工资"), "{message}");
    assert!(
        message.contains("基本信息、联系方式、学习经历"),
        "{message}"
    );
}

#[test]
fn a_csv_export_imports_back() {
    let dir = TempDir::new().unwrap();
    let (mut file, id) = small_school(&dir);
    let path = dir.path().join("basic.csv");
    write_file(&path, &file.exports().csv("基本信息").unwrap()).unwrap();
    let mut fresh = new_school(&dir, "fresh.taoli", "211");
    let mut roster = open(&path).unwrap();
    let plan = fresh
        .imports()
        .plan(&mut roster, &ImportOptions::default())
        .unwrap();
    assert_eq!(plan.preview.counts.new, 2);
    let zhang = plan
        .preview
        .rows
        .iter()
        .find(|r| r.id_number == id)
        .unwrap();
    assert_eq!(
        zhang.values()["basic"]["political_status"],
        serde_json::json!(["01", "04"])
    );
}

// ---------------------------------------------------------------- formats and files

#[test]
fn a_csv_export_without_a_group_is_refused_with_the_groups_listed() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let error = file
        .exports()
        .as_format(ExportFormat::Csv, None)
        .unwrap_err();
    assert_eq!(error.code(), "export.group_required");
    assert!(error.to_string().contains("基本信息、联系方式"), "{error}");
}

#[test]
fn a_group_is_refused_for_a_workbook_export() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let error = file
        .exports()
        .as_format(ExportFormat::Xlsx, Some("基本信息"))
        .unwrap_err();
    assert_eq!(error.code(), "export.group_not_used");
}

#[test]
fn the_json_format_is_the_whole_school_export() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let bytes = file.exports().as_format(ExportFormat::Json, None).unwrap();
    let json: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["format"], "taoli.school");
    assert_eq!(json["teachers"].as_array().unwrap().len(), 2);
}

#[test]
fn writing_into_a_missing_folder_is_refused_and_says_so() {
    let dir = TempDir::new().unwrap();
    let path: PathBuf = dir.path().join("no-such-folder").join("模板.xlsx");
    let error = write_file(&path, b"x").unwrap_err();
    assert_eq!(error.code(), "export.unwritable");
    assert!(error.to_string().contains("文件夹不存在"), "{error}");
    assert!(!path.exists());
}

#[test]
fn why_a_path_cannot_be_written_is_said_in_english_too() {
    let dir = TempDir::new().unwrap();
    let path: PathBuf = dir.path().join("no-such-folder").join("template.xlsx");
    let error = write_file(&path, b"x").unwrap_err();
    let english = error.message(taoli_core::Locale::En);
    assert!(english.contains("the folder does not exist"), "{english}");
    assert!(!english.contains("文件夹"), "{english}");
}

#[test]
fn writing_replaces_an_existing_file_and_leaves_nothing_beside_it() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("out.csv");
    std::fs::write(&path, b"old").unwrap();
    write_file(&path, b"new").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

// ---------------------------------------------------------------- independent reader

/// What openpyxl sees in a workbook: the code sheet's state, the freeze
/// panes, each data validation of 基本信息 by the header of its column, and
/// the number format of the filled ID number cell.
const OPENPYXL_REPORT: &str = r#"
import json, sys
import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["基本信息"]
headers = {get_column_letter(c.column): c.value for c in ws[1]}
validations = {}
for dv in ws.data_validations.dataValidation:
    for rng in dv.sqref.ranges:
        min_col, min_row, max_col, max_row = range_boundaries(rng.coord)
        for col in range(min_col, max_col + 1):
            validations[headers[get_column_letter(col)]] = {
                "type": dv.type,
                "formula": dv.formula1,
                "show_error": bool(dv.showErrorMessage),
                "first_row": min_row,
                "last_row": max_row,
            }
codes = wb["代码表"]
code_columns = {c.value: sum(1 for r in range(2, codes.max_row + 1)
                             if codes.cell(r, c.column).value is not None)
                for c in codes[1]}
print(json.dumps({
    "sheets": wb.sheetnames,
    "code_sheet_state": codes.sheet_state,
    "freeze": ws.freeze_panes,
    "validations": validations,
    "code_columns": code_columns,
    "id_format": ws["C2"].number_format if ws.max_row > 1 else None,
}, ensure_ascii=False))
"#;

fn openpyxl_report(path: &Path) -> Value {
    let check = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .expect("python3 is needed for this test");
    assert!(
        check.status.success(),
        "openpyxl is missing: run `pip install openpyxl`, then run the tests again.\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let out = std::process::Command::new("python3")
        .args(["-c", OPENPYXL_REPORT])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openpyxl could not read {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn openpyxl_sees_the_hidden_code_sheet_and_a_dropdown_on_every_code_column() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let path = dir.path().join("template.xlsx");
    write_file(&path, &file.exports().template().unwrap()).unwrap();
    let report = openpyxl_report(&path);
    assert_eq!(report["code_sheet_state"], "hidden");
    assert_eq!(report["freeze"], "B2");
    let effective = file.effective_catalog().unwrap();
    let basic = effective.group("basic").unwrap();
    for field in basic.fields.iter().filter(|f| !f.derived) {
        let header = expected_header(field);
        let validation = &report["validations"][&header];
        let is_code = matches!(
            field.kind,
            FieldType::Code | FieldType::MultiCode | FieldType::YesNo
        );
        if !is_code {
            assert!(validation.is_null(), "{header}: {validation}");
            continue;
        }
        assert_eq!(validation["type"], "list", "{header}: {validation}");
        assert!(
            validation["formula"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{CODE_SHEET}!$")),
            "{header}: {validation}"
        );
        assert_eq!(validation["first_row"], 2, "{header}");
        assert_eq!(validation["last_row"], 1_048_576, "{header}");
        let multi = field.kind == FieldType::MultiCode;
        assert_eq!(validation["show_error"], !multi, "{header}: {validation}");
    }
}

#[test]
fn openpyxl_sees_the_nationality_dropdown_reach_all_249_labels() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let path = dir.path().join("template.xlsx");
    write_file(&path, &file.exports().template().unwrap()).unwrap();
    let report = openpyxl_report(&path);
    assert_eq!(
        report["code_columns"]["国籍/地区"], 249,
        "{}",
        report["code_columns"]
    );
    let formula = report["validations"]["*国籍/地区"]["formula"]
        .as_str()
        .unwrap();
    assert!(formula.ends_with("$250"), "{formula}");
}

#[test]
fn openpyxl_sees_id_numbers_as_text_cells() {
    let dir = TempDir::new().unwrap();
    let (mut file, _) = small_school(&dir);
    let path = dir.path().join("data.xlsx");
    write_file(&path, &file.exports().workbook().unwrap()).unwrap();
    let report = openpyxl_report(&path);
    assert_eq!(report["id_format"], "@");
}

// ---------------------------------------------------------------- national template form

/// The filled workbook in the national template's form.
fn national_workbook(file: &mut SchoolFile) -> Xlsx<Cursor<Vec<u8>>> {
    workbook(file.exports().workbook_in(SheetStyle::National).unwrap())
}

/// 张三 with a value of each kind the national templates write as
/// 「代码-名称」: 性别, 民族, 政治面貌 (two), 教职工类别, 是否在编, 人员状态.
fn coded_school(dir: &TempDir) -> SchoolFile {
    let mut file = primary_school(dir);
    let zhang = add_teacher(&mut file, "张三", "1", &resident_id("19850304", 123));
    set(
        &mut file,
        &zhang,
        "basic",
        &[
            ("gender", "1"),
            ("ethnicity", "01"),
            ("political_status", "01,04"),
            ("staff_category", "A1"),
            ("on_establishment", "0"),
            ("personnel_status", "100"),
            ("work_start_month", "2005-09"),
        ],
    );
    file
}

#[test]
fn the_national_form_heads_required_fields_with_a_star_and_dates_with_their_form() {
    let dir = TempDir::new().unwrap();
    let mut file = coded_school(&dir);
    let basic = headers(&sheet(&mut national_workbook(&mut file), "基本信息"));
    for header in [
        "*姓名",
        "*性别",
        "*出生日期\n(yyyy-MM-dd)",
        "*参加工作年月\n(yyyy-MM)",
        "曾用名",
    ] {
        assert!(
            basic.contains(&header.to_owned()),
            "{header:?} in {basic:?}"
        );
    }
}

#[test]
fn the_national_form_heads_the_mental_health_column_with_the_template_s_own_misspelling() {
    let dir = TempDir::new().unwrap();
    let mut file = coded_school(&dir);
    let basic = headers(&sheet(&mut national_workbook(&mut file), "基本信息"));
    assert!(
        basic.contains(&"*是否心里健康教育教师".to_owned()),
        "{basic:?}"
    );
    assert!(!basic.iter().any(|h| h.contains("心理健康")), "{basic:?}");
}

#[test]
fn a_kindergarten_s_national_form_heads_its_entry_month_as_进本园年月() {
    let dir = TempDir::new().unwrap();
    let mut file = new_school(&dir, "kindergarten.taoli", "111");
    let book = file.exports().template_in(SheetStyle::National).unwrap();
    let basic = headers(&sheet(&mut workbook(book), "基本信息"));
    assert!(
        basic.contains(&"*进本园年月\n(yyyy-MM)".to_owned()),
        "{basic:?}"
    );
    assert!(!basic.iter().any(|h| h.contains("进本校")), "{basic:?}");
}

#[test]
fn every_set_s_national_headers_are_its_template_edition_s() {
    for (set, school_type) in school_type_per_set() {
        let dir = TempDir::new().unwrap();
        let mut file = new_school(&dir, "school.taoli", &school_type);
        let effective = file.effective_catalog().unwrap();
        let edition = edition_for(&set).unwrap();
        let mut book = workbook(file.exports().template_in(SheetStyle::National).unwrap());
        let basic = effective.group("basic").unwrap();
        let identity = ["name", "id_type", "id_number"];
        // The identity columns first, then the others in catalog order.
        let want: Vec<String> = identity
            .iter()
            .map(|code| basic.field(code).unwrap())
            .chain(
                basic
                    .fields
                    .iter()
                    .filter(|f| !f.derived && !identity.contains(&f.code.as_str())),
            )
            .map(|f| edition.header("basic", &f.code, &f.label, f.kind, f.required))
            .collect();
        assert_eq!(headers(&sheet(&mut book, &basic.name)), want, "{set}");
    }
}

#[test]
fn the_national_form_writes_codes_as_code_dash_name() {
    let dir = TempDir::new().unwrap();
    let mut file = coded_school(&dir);
    let basic = sheet(&mut national_workbook(&mut file), "基本信息");
    for (header, want) in [
        ("*身份证件类型", "1-居民身份证"),
        ("*性别", "1-男"),
        ("*民族", "01-汉族"),
        ("*政治面貌", "01-中共党员、04-民革会员"),
        ("*教职工类别", "A1-专任教师"),
        ("*是否在编", "0-否"),
        ("*人员状态", "100-在本单位任职"),
    ] {
        assert_eq!(
            cell(&basic, header, 1),
            &Data::String(want.into()),
            "{header}"
        );
    }
}

#[test]
fn the_national_form_writes_dates_and_free_text_as_stored() {
    let dir = TempDir::new().unwrap();
    let mut file = coded_school(&dir);
    let basic = sheet(&mut national_workbook(&mut file), "基本信息");
    assert_eq!(
        cell(&basic, "*出生日期\n(yyyy-MM-dd)", 1),
        &Data::String("1985-03-04".into())
    );
    assert_eq!(
        cell(&basic, "*参加工作年月\n(yyyy-MM)", 1),
        &Data::String("2005-09".into())
    );
    assert_eq!(cell(&basic, "*姓名", 1), &Data::String("张三".into()));
}

#[test]
fn the_national_form_s_dropdowns_offer_code_dash_name() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let mut book = workbook(file.exports().template_in(SheetStyle::National).unwrap());
    let gender = catalog().unwrap().code_table("gender").unwrap();
    let want: Vec<String> = gender
        .codes
        .iter()
        .filter(|c| c.selectable)
        .map(|c| format!("{}-{}", c.code, c.name))
        .collect();
    assert_eq!(code_sheet_column(&mut book, &gender.name), want);
    assert!(want.contains(&"1-男".to_owned()));
}

#[test]
fn the_national_form_s_instructions_name_the_template_edition() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let mut book = workbook(file.exports().template_in(SheetStyle::National).unwrap());
    let range = sheet(&mut book, INSTRUCTIONS_SHEET);
    let text: String = range.rows().flatten().map(|d| d.to_string()).collect();
    let edition = edition_for("primary_secondary").unwrap();
    assert!(text.contains(&edition.title()), "{text}");
    assert!(text.contains("「1-男」"), "{text}");
}

#[test]
fn a_national_form_csv_has_the_template_s_headers_and_code_dash_name_values() {
    let dir = TempDir::new().unwrap();
    let mut file = coded_school(&dir);
    let records = csv_records(
        &file
            .exports()
            .csv_in("基本信息", SheetStyle::National)
            .unwrap(),
    );
    let col = |header: &str| records[0].iter().position(|h| h == header).unwrap();
    assert_eq!(records[1][col("*性别")], "1-男");
    assert_eq!(records[1][col("*是否在编")], "0-否");
    assert!(records[0].contains(&"*是否心里健康教育教师".to_owned()));
}

#[test]
fn taoli_s_own_form_is_unchanged_by_the_national_one() {
    let dir = TempDir::new().unwrap();
    let mut file = coded_school(&dir);
    assert_eq!(
        file.exports()
            .as_format_in(ExportFormat::Csv, Some("基本信息"), SheetStyle::Taoli)
            .unwrap(),
        file.exports().csv("基本信息").unwrap()
    );
    let basic = sheet(
        &mut workbook(file.exports().workbook().unwrap()),
        "基本信息",
    );
    assert_eq!(cell(&basic, "*性别", 1), &Data::String("男".into()));
}

#[test]
fn the_national_form_is_refused_for_a_json_export() {
    let dir = TempDir::new().unwrap();
    let mut file = primary_school(&dir);
    let error = file
        .exports()
        .as_format_in(ExportFormat::Json, None, SheetStyle::National)
        .unwrap_err();
    assert_eq!(error.code(), "export.style_not_used");
    assert!(error.to_string().contains("国家模板格式"), "{error}");
}

#[test]
fn a_national_form_export_names_its_style_in_the_audit_trail() {
    use taoli_core::audit::AuditQuery;
    use taoli_core::revision::Operation;
    let dir = TempDir::new().unwrap();
    let mut file = coded_school(&dir);
    let out = dir.path().join("教师数据.xlsx");
    file.exports()
        .to_file_in(ExportFormat::Xlsx, None, SheetStyle::National, &out)
        .unwrap();
    let page = file
        .audit()
        .log(&AuditQuery {
            operation: Some(Operation::Export),
            ..AuditQuery::default()
        })
        .unwrap();
    let entry = &page.entries[0];
    assert!(
        entry
            .changes
            .iter()
            .any(|c| c.path == "写法" && c.after.as_deref() == Some("national")),
        "{:?}",
        entry.changes
    );
}

/// Needs the importer to read 「代码-名称」 values (issue #15, taught in
/// parallel): until then every code column is refused.
#[test]
fn every_field_of_every_group_of_every_set_survives_the_national_form_export_and_import() {
    assert_round_trip_in(|_| true, SheetStyle::National);
}

#[test]
fn the_export_docs_name_each_set_s_template_edition() {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/export-spreadsheets.md"),
    )
    .unwrap();
    let catalog = catalog().unwrap();
    for edition in editions().unwrap() {
        let set = catalog.set(&edition.set).unwrap();
        let line = docs
            .lines()
            .find(|l| l.starts_with(&format!("| {} |", set.name)))
            .unwrap_or_else(|| panic!("no row for {} in docs/export-spreadsheets.md", set.name));
        assert!(line.contains(&edition.title()), "{line}");
    }
}
