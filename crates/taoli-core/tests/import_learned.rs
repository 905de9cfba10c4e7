#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! What the import learns: a clerk's column correction, once an import with
//! it is committed, is used again on later rosters — for the same header
//! layout, and by header name on a roster laid out differently — where it
//! fits the sheet; the preview marks such a column as remembered.

#[path = "support/accounts.rs"]
mod accounts;

use std::path::{Path, PathBuf};

use taoli_core::NewSchool;
use taoli_core::import::{
    ColumnMapping, ImportOptions, ImportPlan, MappingOverride, MappingSource, open,
};
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

fn corrected(map: &[&str]) -> ImportOptions {
    ImportOptions {
        mappings: map
            .iter()
            .map(|m| MappingOverride::parse(m).unwrap())
            .collect(),
        ..ImportOptions::default()
    }
}

fn preview(school: &Path, roster: &Path, options: &ImportOptions) -> ImportPlan {
    let mut file = accounts::open(school).unwrap();
    let mut roster = open(roster).unwrap();
    file.imports().plan(&mut roster, options).unwrap()
}

fn import(school: &Path, roster: &Path, options: &ImportOptions) -> ImportPlan {
    let mut file = accounts::open(school).unwrap();
    let mut roster = open(roster).unwrap();
    let mut plan = file.imports().plan(&mut roster, options).unwrap();
    file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
    file.close().unwrap();
    plan
}

/// The column of the plan's first sheet headed `header`.
fn column<'a>(plan: &'a ImportPlan, header: &str) -> &'a ColumnMapping {
    plan.preview.sheets[0]
        .columns
        .iter()
        .find(|c| c.header == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

fn target(column: &ColumnMapping) -> Option<String> {
    column
        .target
        .as_ref()
        .map(|t| format!("{}.{}", t.group, t.field))
}

/// The first roster: 到校年月 is no name of any indicator, so the clerk
/// maps it to 进本校年月; the import is committed.
fn first_import_maps_到校年月(dir: &TempDir, school: &Path) {
    let first = write(
        dir,
        "1.csv",
        &format!(
            "姓名,身份证件号,到校年月\n张三,{},2005.9\n",
            id("19850304", 11)
        ),
    );
    import(school, &first, &corrected(&["到校年月=进本校年月"]));
}

#[test]
fn a_corrected_header_is_mapped_the_same_way_in_a_roster_laid_out_differently() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    first_import_maps_到校年月(&dir, &school);
    let second = write(
        &dir,
        "2.csv",
        &format!(
            "序号,姓名,性别,身份证件号,民族,到校年月\n1,李四,女,{},汉族,2012.3\n",
            id("19900722", 22)
        ),
    );
    let plan = preview(&school, &second, &ImportOptions::default());
    let column = column(&plan, "到校年月");
    assert_eq!(column.source, MappingSource::Remembered);
    assert_eq!(target(column).as_deref(), Some("basic.school_entry_month"));
    assert!(
        plan.preview.sheets[0]
            .unknown_columns
            .iter()
            .all(|c| !c.contains("到校年月"))
    );
}

#[test]
fn the_remembered_mapping_fills_the_indicator_on_commit() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    first_import_maps_到校年月(&dir, &school);
    let b = id("19900722", 22);
    let second = write(
        &dir,
        "2.csv",
        &format!("身份证件号,到校年月,姓名\n{b},2012.3,李四\n"),
    );
    import(&school, &second, &ImportOptions::default());
    let file = accounts::open(&school).unwrap();
    let teacher = file.teachers().by_id_number(None, &b).unwrap();
    let basic = file
        .teachers()
        .records(&teacher.id)
        .unwrap()
        .into_iter()
        .find(|r| r.group_code == "basic")
        .unwrap();
    assert_eq!(basic.fields["school_entry_month"], "2012-03");
}

#[test]
fn the_header_is_matched_however_it_is_spaced_or_starred() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    first_import_maps_到校年月(&dir, &school);
    let second = write(
        &dir,
        "2.csv",
        &format!(
            "姓名,身份证件号,*到校 年月\n李四,{},2012.3\n",
            id("19900722", 22)
        ),
    );
    let plan = preview(&school, &second, &ImportOptions::default());
    assert_eq!(
        column(&plan, "*到校 年月").source,
        MappingSource::Remembered
    );
}

#[test]
fn a_correction_only_previewed_is_not_remembered() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let first = write(
        &dir,
        "1.csv",
        &format!(
            "姓名,身份证件号,到校年月\n张三,{},2005.9\n",
            id("19850304", 11)
        ),
    );
    preview(&school, &first, &corrected(&["到校年月=进本校年月"]));
    let second = write(
        &dir,
        "2.csv",
        &format!(
            "序号,姓名,身份证件号,到校年月\n1,李四,{},2012.3\n",
            id("19900722", 22)
        ),
    );
    let plan = preview(&school, &second, &ImportOptions::default());
    assert_eq!(column(&plan, "到校年月").source, MappingSource::Unknown);
}

#[test]
fn the_latest_correction_of_a_header_is_the_one_used() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    first_import_maps_到校年月(&dir, &school);
    let second = write(
        &dir,
        "2.csv",
        &format!(
            "身份证件号,姓名,到校年月\n{},李四,2012.3\n",
            id("19900722", 22)
        ),
    );
    import(&school, &second, &corrected(&["到校年月=参加工作年月"]));
    let third = write(
        &dir,
        "3.csv",
        &format!(
            "姓名,到校年月,身份证件号\n王五,2015.9,{}\n",
            id("19920101", 33)
        ),
    );
    let plan = preview(&school, &third, &ImportOptions::default());
    assert_eq!(
        target(column(&plan, "到校年月")).as_deref(),
        Some("basic.work_start_month")
    );
}

#[test]
fn a_column_the_clerk_chose_not_to_import_stays_out_of_a_differently_laid_out_roster() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let first = write(
        &dir,
        "1.csv",
        &format!("姓名,身份证件号,备用栏\n张三,{},x\n", id("19850304", 11)),
    );
    import(&school, &first, &corrected(&["备用栏=-"]));
    let second = write(
        &dir,
        "2.csv",
        &format!(
            "序号,备用栏,姓名,身份证件号\n1,y,李四,{}\n",
            id("19900722", 22)
        ),
    );
    let plan = preview(&school, &second, &ImportOptions::default());
    assert_eq!(column(&plan, "备用栏").source, MappingSource::Ignored);
    assert!(
        plan.preview.sheets[0]
            .unknown_columns
            .iter()
            .all(|c| !c.contains("备用栏"))
    );
}

#[test]
fn a_choice_made_for_one_group_s_sheet_is_not_used_on_another_group_s_sheet() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    let a = id("19850304", 11);
    let education = write(
        &dir,
        "学习经历.csv",
        &format!("姓名,身份证件号,获得学历,开始时间\n张三,{a},21,2001.9\n"),
    );
    import(
        &school,
        &education,
        &corrected(&["开始时间=学习经历.入学年月"]),
    );
    let work = write(
        &dir,
        "工作经历.csv",
        &format!("姓名,身份证件号,任职单位名称,开始时间\n张三,{a},县二小,2005.9\n"),
    );
    let plan = preview(&school, &work, &ImportOptions::default());
    let column = column(&plan, "开始时间");
    assert_ne!(column.source, MappingSource::Remembered);
    assert_ne!(
        target(column).as_deref(),
        Some("education.enrollment_month")
    );
}

#[test]
fn the_clerk_s_correction_in_this_import_overrides_a_remembered_one() {
    let dir = TempDir::new().unwrap();
    let school = school(&dir);
    first_import_maps_到校年月(&dir, &school);
    let second = write(
        &dir,
        "2.csv",
        &format!(
            "序号,姓名,身份证件号,到校年月\n1,李四,{},2012.3\n",
            id("19900722", 22)
        ),
    );
    let plan = preview(&school, &second, &corrected(&["到校年月=参加工作年月"]));
    let column = column(&plan, "到校年月");
    assert_eq!(column.source, MappingSource::Corrected);
    assert_eq!(target(column).as_deref(), Some("basic.work_start_month"));
}
