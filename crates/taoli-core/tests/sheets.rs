//! Verification sheets (信息确认表) and their sign-off: what a sheet prints,
//! that the PDF really holds it (read back with poppler's pdftotext and
//! pdftoppm), that its QR code decodes to its fingerprint, and how a sign-off
//! ties a signed paper to one version of the teacher's information.
//!
//! Needs a Chinese font (Debian: fonts-noto-cjk) and poppler-utils.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::slice;

use taoli_core::error::Error;
use taoli_core::error::SheetsError;
use taoli_core::sheets::SignoffState;
use taoli_core::sheets::{TeacherSheet, Template};
use taoli_core::validate::WarningRef;
use taoli_core::{NewSchool, NewTeacher, SchoolFile};

const ZHANG_SAN_ID: &str = "11010519491231002X";
const LI_SI_ID: &str = "110105198001011238";

fn set(file: &mut SchoolFile, id: &str, group: &str, pairs: &[(&str, &str)]) {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    file.data_entry().set_fields(id, group, &pairs).unwrap();
}

fn add(file: &mut SchoolFile, id: &str, group: &str, pairs: &[(&str, &str)]) {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    file.data_entry()
        .add_group_record(id, group, &pairs)
        .unwrap();
}

fn teacher(file: &mut SchoolFile, name: &str, id_number: &str) -> String {
    file.data_entry()
        .add_teacher(&NewTeacher {
            name: name.into(),
            id_type: "1".into(),
            id_number: id_number.into(),
        })
        .unwrap()
        .id
}

/// 桃李镇中心小学 with 张三 (entered as male, female by her ID number: a
/// warning) and 李四, both with records in several groups. Returns the file
/// and the two teachers' ids.
fn school(dir: &tempfile::TempDir) -> (SchoolFile, String, String) {
    let mut file = accounts::create(
        &dir.path().join("school.taoli"),
        &NewSchool {
            code: "2151012345".into(),
            name: "桃李镇中心小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap();
    let zhang = teacher(&mut file, "张三", ZHANG_SAN_ID);
    set(
        &mut file,
        &zhang,
        "基本信息",
        &[
            ("性别", "男"),
            ("民族", "汉族"),
            ("出生日期", "1949-12-31"),
            ("政治面貌", "中共党员"),
            ("参加工作年月", "1970-09"),
            ("籍贯", "绵阳三台"),
        ],
    );
    set(&mut file, &zhang, "联系方式", &[("手机", "13800138000")]);
    add(
        &mut file,
        &zhang,
        "学习经历",
        &[
            ("获得学历", "大学本科"),
            ("学位层次", "学士"),
            ("入学年月", "1966-09"),
            ("毕业年月", "1970-07"),
        ],
    );
    add(
        &mut file,
        &zhang,
        "工作经历",
        &[
            ("任职单位名称", "桃李县第二小学"),
            ("任职开始年月", "1970-09"),
        ],
    );
    let li = teacher(&mut file, "李四", LI_SI_ID);
    set(
        &mut file,
        &li,
        "基本信息",
        &[("性别", "男"), ("民族", "回族"), ("出生日期", "1980-01-01")],
    );
    (file, zhang, li)
}

/// Prints `ids`' sheets (everyone's when empty) with the built-in template.
fn print(file: &mut SchoolFile, dir: &tempfile::TempDir, ids: &[String]) -> PathBuf {
    let path = dir.path().join("sheets.pdf");
    file.sheets()
        .print(ids, &Template::built_in(), &path)
        .unwrap();
    path
}

/// The PDF's text in content order, without white space (so that a value a
/// table cell wraps over two lines reads as one).
fn pdf_text(pdf: &Path, page: Option<usize>) -> String {
    let mut cmd = Command::new("pdftotext");
    cmd.arg("-raw");
    if let Some(page) = page {
        cmd.args(["-f", &page.to_string(), "-l", &page.to_string()]);
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn sheet_of<'a>(sheets: &'a [TeacherSheet], name: &str) -> &'a TeacherSheet {
    sheets.iter().find(|s| s.info.name == name).unwrap()
}

fn value<'a>(sheet: &'a TeacherSheet, group: &str, label: &str) -> &'a str {
    let group = sheet.info.groups.iter().find(|g| g.name == group).unwrap();
    &group
        .fields
        .iter()
        .find(|f| f.label == label)
        .unwrap()
        .value
}

#[test]
fn codes_are_printed_as_their_labels() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _, _) = school(&dir);
    let sheets = file.sheets().gather(&[]).unwrap();
    let zhang = sheet_of(&sheets.teachers, "张三");
    assert_eq!(value(zhang, "基本信息", "民族"), "汉族");
    assert_eq!(value(zhang, "基本信息", "性别"), "男");
    assert_eq!(value(zhang, "基本信息", "身份证件类型"), "居民身份证");
    let education = zhang
        .info
        .groups
        .iter()
        .find(|g| g.name == "学习经历")
        .unwrap();
    assert!(education.multi);
    assert_eq!(education.columns[0].label, "获得学历");
    assert_eq!(education.rows[0][0], "大学本科毕业");
}

#[test]
fn a_division_is_printed_as_its_full_name_not_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _, _) = school(&dir);
    let sheets = file.sheets().gather(&[]).unwrap();
    let zhang = sheet_of(&sheets.teachers, "张三");
    assert_eq!(value(zhang, "基本信息", "籍贯"), "四川省绵阳市三台县");
}

#[test]
fn a_derived_field_prints_the_value_its_source_group_gives() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _, _) = school(&dir);
    let sheets = file.sheets().gather(&[]).unwrap();
    let zhang = sheet_of(&sheets.teachers, "张三");
    assert!(value(zhang, "基本信息", "最高学历").contains("大学本科"));
}

#[test]
fn every_printed_value_is_in_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _, _) = school(&dir);
    let sheets = file.sheets().gather(&[]).unwrap();
    let pdf = print(&mut file, &dir, &[]);
    let text = pdf_text(&pdf, None);
    for must in [
        "桃李镇中心小学",
        "2151012345",
        "中小学",
        "211小学",
        "教师信息确认表",
    ] {
        assert!(text.contains(must), "{must} missing");
    }
    for sheet in &sheets.teachers {
        assert!(text.contains(&sheet.info.name));
        assert!(text.contains(&sheet.info.id_number));
        for group in &sheet.info.groups {
            let values = group
                .fields
                .iter()
                .map(|f| &f.value)
                .chain(group.rows.iter().flatten());
            for value in values.filter(|v| !v.is_empty()) {
                assert!(
                    text.contains(&squeeze(value)),
                    "{} · {}: 「{value}」 is not in the PDF",
                    sheet.info.name,
                    group.name
                );
            }
        }
    }
    for printed in [
        "汉族",
        "回族",
        "1949-12-31",
        "1970-09",
        "桃李县第二小学",
        "13800138000",
        "四川省绵阳市三台县",
    ] {
        assert!(text.contains(printed), "{printed} missing");
    }
}

#[test]
fn every_label_of_a_single_record_group_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let sheets = file.sheets().gather(slice::from_ref(&zhang)).unwrap();
    let pdf = print(&mut file, &dir, &[zhang]);
    let text = pdf_text(&pdf, None);
    let basic = &sheets.teachers[0].info.groups[0];
    for field in &basic.fields {
        assert!(
            text.contains(&squeeze(&field.label)),
            "{} missing",
            field.label
        );
    }
}

#[test]
fn each_teacher_starts_on_a_new_page_counted_from_one() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _, _) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(&[], &Template::built_in(), &path)
        .unwrap();
    let mut first_pages = Vec::new();
    for page in 1..=printed.pages {
        let text = pdf_text(&path, Some(page));
        let names: Vec<&str> = ["张三", "李四"]
            .into_iter()
            .filter(|n| text.contains(&format!("{n}·指纹")))
            .collect();
        assert_eq!(names.len(), 1, "page {page} has the footer of {names:?}");
        if text.contains("第1页") {
            assert!(text.contains("教师信息确认表"), "page {page}");
            first_pages.push(names[0]);
        }
    }
    assert_eq!(first_pages, ["张三", "李四"]);
}

#[test]
fn the_footer_shows_page_x_of_y_print_time_and_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(&[zhang], &Template::built_in(), &path)
        .unwrap();
    let fingerprint = &printed.sheets[0].fingerprint;
    let pages = printed.pages;
    for page in 1..=pages {
        let text = pdf_text(&path, Some(page));
        assert!(
            text.contains(&format!("第{page}页/共{pages}页")),
            "page {page}: {text}"
        );
        assert!(text.contains(&format!("指纹{fingerprint}")));
        assert!(text.contains("打印时间"));
    }
}

#[test]
fn the_sheet_has_boxes_for_the_signatures_and_the_seal() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let pdf = print(&mut file, &dir, &[zhang]);
    let text = pdf_text(&pdf, None);
    for box_label in ["本人签字", "日期", "学校审核人", "学校盖章"] {
        assert!(text.contains(box_label), "{box_label} missing");
    }
}

#[test]
fn the_qr_code_decodes_to_the_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(&[zhang], &Template::built_in(), &path)
        .unwrap();
    // The rendered first page is kept as target/tmp/sheet-page1.png.
    let png = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sheet-page1.png");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(png.with_extension(""))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let page = image::open(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(page);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, printed.sheets[0].fingerprint);
}

#[test]
fn open_warnings_are_listed_on_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let sheets = file.sheets().gather(slice::from_ref(&zhang)).unwrap();
    let warnings = &sheets.teachers[0].warnings;
    assert!(
        warnings.iter().any(|w| w.field.as_deref() == Some("性别")),
        "{warnings:?}"
    );
    let pdf = print(&mut file, &dir, &[zhang]);
    let text = pdf_text(&pdf, None);
    assert!(text.contains("待核实的提醒"));
    assert!(text.contains(&squeeze(&warnings[0].message)));
}

#[test]
fn a_warning_with_a_written_reason_is_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    file.validation()
        .explain_warning(
            &WarningRef {
                teacher_id: &zhang,
                rule: "gender_matches_id",
                field: None,
                row_order: None,
            },
            "以人事档案为准",
        )
        .unwrap();
    let sheets = file.sheets().gather(&[zhang]).unwrap();
    assert!(
        sheets.teachers[0]
            .warnings
            .iter()
            .all(|w| w.field.as_deref() != Some("性别"))
    );
}

#[test]
fn the_fingerprint_is_twelve_hex_digits_and_the_same_for_the_same_information() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let first = file.sheets().current_fingerprints(Some(&zhang)).unwrap()[&zhang].clone();
    let again = file
        .sheets()
        .gather(slice::from_ref(&zhang))
        .unwrap()
        .teachers[0]
        .fingerprint
        .clone();
    assert_eq!(first, again);
    assert_eq!(first.len(), 12);
    assert!(
        first
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
}

#[test]
fn the_fingerprint_changes_with_any_printed_value() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let before = file.sheets().current_fingerprints(Some(&zhang)).unwrap()[&zhang].clone();
    add(
        &mut file,
        &zhang,
        "年度考核",
        &[("考核年度", "2024"), ("考核结果", "合格")],
    );
    let after = file.sheets().current_fingerprints(Some(&zhang)).unwrap()[&zhang].clone();
    assert_ne!(before, after);
}

#[test]
fn the_fingerprint_stays_when_nothing_printed_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let before = file.sheets().current_fingerprints(Some(&zhang)).unwrap()[&zhang].clone();
    // Saving the same values again bumps the record's version, not its information.
    set(&mut file, &zhang, "基本信息", &[("民族", "汉族")]);
    let after = file.sheets().current_fingerprints(Some(&zhang)).unwrap()[&zhang].clone();
    assert_eq!(before, after);
}

#[test]
fn printing_records_each_fingerprint_with_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, li) = school(&dir);
    let revisions = file.audit().revisions().unwrap().len();
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(&[], &Template::built_in(), &path)
        .unwrap();
    for (id, sheet) in [&zhang, &li].into_iter().zip(&printed.sheets) {
        assert_eq!(&sheet.teacher_id, id);
        assert_eq!(
            file.sheets().printed_fingerprints(id).unwrap(),
            slice::from_ref(&sheet.fingerprint)
        );
    }
    assert_eq!(file.audit().revisions().unwrap().len(), revisions + 2);
}

#[test]
fn only_the_named_teachers_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _, li) = school(&dir);
    let pdf = print(&mut file, &dir, &[li]);
    let text = pdf_text(&pdf, None);
    assert!(text.contains("李四"));
    assert!(!text.contains("张三"));
}

#[test]
fn a_school_without_teachers_has_no_sheets_to_print() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = accounts::create(
        &dir.path().join("empty.taoli"),
        &NewSchool {
            code: "2151012345".into(),
            name: "桃李镇中心小学".into(),
            school_type: "211".into(),
            region_code: None,
        },
    )
    .unwrap();
    let path = dir.path().join("sheets.pdf");
    let err = file
        .sheets()
        .print(&[], &Template::built_in(), &path)
        .unwrap_err();
    assert!(
        matches!(err, Error::Sheets(SheetsError::NoSheetsToPrint)),
        "{err}"
    );
    assert!(!path.exists());
}

#[test]
fn a_matching_fingerprint_marks_the_sheet_signed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(slice::from_ref(&zhang), &Template::built_in(), &path)
        .unwrap();
    let fingerprint = printed.sheets[0].fingerprint.to_uppercase();
    let state = file.sheets().signoff(&zhang, &fingerprint).unwrap();
    assert!(
        matches!(&state, SignoffState::Signed { current, signed_by, .. }
            if *current == printed.sheets[0].fingerprint && signed_by == "王老师"),
        "{state:?}"
    );
    assert_eq!(file.sheets().signoff_state(&zhang).unwrap(), state);
}

#[test]
fn a_fingerprint_never_printed_for_the_teacher_is_refused_and_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, li) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(&[], &Template::built_in(), &path)
        .unwrap();
    let school_path = file.path().to_owned();
    file.close().unwrap();
    let before = accounts::data_snapshot(&school_path);

    let mut file = accounts::open(&school_path).unwrap();
    // 李四's fingerprint is not one printed for 张三.
    let err = file
        .sheets()
        .signoff(&zhang, &printed.sheets[1].fingerprint)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Sheets(SheetsError::FingerprintNotPrinted { .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("张三"), "{err}");
    assert_eq!(
        file.sheets().signoff_state(&zhang).unwrap(),
        SignoffState::None
    );
    assert_eq!(
        file.sheets().signoff_state(&li).unwrap(),
        SignoffState::None
    );
    file.close().unwrap();
    assert_eq!(accounts::data_snapshot(&school_path), before);
}

#[test]
fn a_fingerprint_that_is_not_twelve_hex_digits_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let err = file.sheets().signoff(&zhang, "12345").unwrap_err();
    assert!(
        matches!(err, Error::Sheets(SheetsError::InvalidFingerprint(_))),
        "{err}"
    );
}

#[test]
fn a_change_after_signoff_makes_it_stale() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(slice::from_ref(&zhang), &Template::built_in(), &path)
        .unwrap();
    let signed = printed.sheets[0].fingerprint.clone();
    file.sheets().signoff(&zhang, &signed).unwrap();
    set(&mut file, &zhang, "基本信息", &[("民族", "回族")]);
    let state = file.sheets().signoff_state(&zhang).unwrap();
    let current = file.sheets().current_fingerprints(Some(&zhang)).unwrap()[&zhang].clone();
    assert_eq!(
        state,
        SignoffState::Stale {
            signed,
            current,
            signed_by: "王老师".into(),
            signed_at: match &state {
                SignoffState::Stale { signed_at, .. } => signed_at.clone(),
                _ => String::new(),
            },
        }
    );
    assert_eq!(state.label(), "签字后有改动");
}

#[test]
fn signing_a_sheet_printed_before_a_change_is_recorded_but_stale() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(slice::from_ref(&zhang), &Template::built_in(), &path)
        .unwrap();
    set(&mut file, &zhang, "基本信息", &[("民族", "回族")]);
    let state = file
        .sheets()
        .signoff(&zhang, &printed.sheets[0].fingerprint)
        .unwrap();
    assert!(matches!(state, SignoffState::Stale { .. }), "{state:?}");
}

#[test]
fn every_teacher_has_a_signoff_state() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, li) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(slice::from_ref(&zhang), &Template::built_in(), &path)
        .unwrap();
    file.sheets()
        .signoff(&zhang, &printed.sheets[0].fingerprint)
        .unwrap();
    let states = file.sheets().signoff_states().unwrap();
    assert_eq!(states[&zhang].label(), "已签字");
    assert_eq!(states[&li], SignoffState::None);
    assert_eq!(states[&li].label(), "未签字");
}

#[test]
fn a_province_template_replaces_the_layout_and_reads_files_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let pack = dir.path().join("province");
    std::fs::create_dir(&pack).unwrap();
    std::fs::write(pack.join("note.txt"), "本省补充说明").unwrap();
    std::fs::write(
        pack.join("sheet.typ"),
        "#let data = json(\"/data.json\")\n\
         #set text(font: data.font)\n\
         省级模板 #data.teacher.name 指纹 #data.teacher.fingerprint\n\n\
         #read(\"note.txt\")\n\n\
         #image(data.teacher.qr, width: 3cm)\n",
    )
    .unwrap();
    let template = Template::load(&pack.join("sheet.typ")).unwrap();
    let path = dir.path().join("sheets.pdf");
    let printed = file.sheets().print(&[zhang], &template, &path).unwrap();
    let text = pdf_text(&path, None);
    assert!(text.contains(&format!(
        "省级模板张三指纹{}",
        printed.sheets[0].fingerprint
    )));
    assert!(text.contains("本省补充说明"));
}

#[test]
fn a_broken_template_is_refused_with_its_line_and_nothing_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let broken = dir.path().join("broken.typ");
    std::fs::write(
        &broken,
        "#let data = json(\"/data.json\")\n#data.teacher.no_such_field\n",
    )
    .unwrap();
    let path = dir.path().join("sheets.pdf");
    let err = file
        .sheets()
        .print(
            slice::from_ref(&zhang),
            &Template::load(&broken).unwrap(),
            &path,
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::Sheets(SheetsError::SheetTemplate { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("第 2 行"), "{err}");
    assert!(!path.exists());
    assert!(
        file.sheets()
            .printed_fingerprints(&zhang)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_missing_font_message_names_the_package_to_install() {
    let message = Error::Sheets(SheetsError::NoChineseFont).to_string();
    assert!(message.contains("apt install fonts-noto-cjk"), "{message}");
    assert!(message.contains("TAOLI_FONT"), "{message}");
}

#[test]
fn the_preview_shows_each_page_as_svg_with_the_printed_values() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _, _) = school(&dir);
    let preview = file
        .sheets()
        .preview(&[], &Template::built_in(), 10)
        .unwrap();
    assert_eq!(preview.teachers, 2);
    assert_eq!(
        preview
            .sheets
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["张三", "李四"]
    );
    assert!(preview.pages.len() >= 2, "{} pages", preview.pages.len());
    for page in &preview.pages {
        assert!(page.starts_with("<svg"), "{}", &page[..40.min(page.len())]);
        assert!(page.trim_end().ends_with("</svg>"));
    }
}

#[test]
fn the_preview_carries_the_fingerprints_a_printing_would() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let preview = file
        .sheets()
        .preview(slice::from_ref(&zhang), &Template::built_in(), 10)
        .unwrap();
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(slice::from_ref(&zhang), &Template::built_in(), &path)
        .unwrap();
    assert_eq!(preview.sheets, printed.sheets);
}

#[test]
fn the_preview_of_a_large_printing_stops_at_its_limit_and_says_how_many_in_all() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, _, li) = school(&dir);
    let preview = file
        .sheets()
        .preview(&[], &Template::built_in(), 1)
        .unwrap();
    assert_eq!(preview.teachers, 2);
    assert_eq!(preview.sheets.len(), 1);
    let alone = file
        .sheets()
        .preview(slice::from_ref(&li), &Template::built_in(), 1)
        .unwrap();
    assert_eq!(alone.sheets[0].teacher_id, li);
}

#[test]
fn previewing_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let revisions = file.audit().revisions().unwrap().len();
    file.sheets()
        .preview(&[], &Template::built_in(), 10)
        .unwrap();
    assert_eq!(file.audit().revisions().unwrap().len(), revisions);
    assert!(
        file.sheets()
            .printed_fingerprints(&zhang)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_signoff_info_lists_printed_versions_latest_first_marking_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    print(&mut file, &dir, slice::from_ref(&zhang));
    let old = file.sheets().printed_fingerprints(&zhang).unwrap()[0].clone();
    set(&mut file, &zhang, "基本信息", &[("民族", "回族")]);
    print(&mut file, &dir, slice::from_ref(&zhang));
    let info = file.sheets().signoff_info(&zhang).unwrap();
    assert_eq!(info.state, SignoffState::None);
    assert_eq!(info.prints.len(), 2);
    assert!(info.prints[0].current);
    assert!(!info.prints[1].current);
    assert_eq!(info.prints[1].fingerprint, old);
    assert_eq!(info.prints[0].printed_by, "王老师");
}

#[test]
fn the_signoff_info_of_a_teacher_never_printed_has_no_versions() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, _) = school(&dir);
    let info = file.sheets().signoff_info(&zhang).unwrap();
    assert_eq!(info.state, SignoffState::None);
    assert!(info.prints.is_empty());
}

#[test]
fn the_gaps_list_the_unsigned_and_the_stale_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let (mut file, zhang, li) = school(&dir);
    let path = dir.path().join("sheets.pdf");
    let printed = file
        .sheets()
        .print(slice::from_ref(&zhang), &Template::built_in(), &path)
        .unwrap();
    file.sheets()
        .signoff(&zhang, &printed.sheets[0].fingerprint)
        .unwrap();
    set(&mut file, &zhang, "基本信息", &[("民族", "回族")]);
    let gaps = file.sheets().gaps().unwrap();
    let ids = |teachers: &[taoli_core::Teacher]| {
        teachers.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&gaps.stale), [zhang]);
    assert_eq!(ids(&gaps.unsigned), [li]);
}
