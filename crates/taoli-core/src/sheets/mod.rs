//! Verification sheets (信息确认表): one teacher's information, printed for
//! them to check and sign. Each sheet carries a fingerprint of exactly the
//! information it prints (`fingerprint`); printing records it, and a sign-off
//! names it (`sheets/signoffs.rs`), so a signed paper is tied to one version of
//! the record and a later change shows as 签字后有改动.
//!
//! `content` builds what is printed, `template` finds the layout (a Typst
//! file a province may replace), `font` the Chinese font, `qr` draws the
//! fingerprint as a QR code and `typeset` makes the PDF. The data the template
//! receives is [`SheetData`], documented in `docs/sheets.md`.

pub(crate) mod content;
pub mod fingerprint;
pub mod font;
pub(crate) mod qr;
mod signoffs;
pub mod template;
pub(crate) mod typeset;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

pub use content::{SheetColumn, SheetField, SheetGroup, TeacherInfo};
pub use fingerprint::FINGERPRINT_LEN;
pub(crate) use signoffs::held_for_signoff;
pub use signoffs::{SheetPrint, SignoffGaps, SignoffGate, SignoffInfo, SignoffLack, SignoffState};
pub use template::Template;

/// How many teachers' sheets a preview shows; a printing of more previews
/// the first ones and says how many it holds in all.
pub const PREVIEW_TEACHERS: usize = 10;

use crate::account::Permission;
use crate::catalog::Severity;
use crate::error::SheetsError;
use crate::error::{Error, Result};
use crate::record::IndicatorRecord;
use crate::school::School;
use crate::store::SchoolFile;
use crate::teacher::Teacher;

/// The school as a sheet's heading shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchoolHeading {
    pub name: String,
    /// 学校标识码.
    pub code: String,
    /// 办学类型: code and name (211 小学).
    pub school_type: String,
    /// 指标体系 (中小学).
    pub indicator_set: String,
}

/// An open warning (提醒 without a written reason) the sheet asks the teacher to check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetWarning {
    /// The information group's name.
    pub group: String,
    /// The indicator's label, when the warning names one.
    pub field: Option<String>,
    /// The row of a multi-record group, from 1.
    pub row: Option<i64>,
    /// The whole message, as `taoli validate` shows it.
    pub message: String,
}

/// One teacher's sheet: the information printed, its fingerprint, and the
/// warnings to check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeacherSheet {
    #[serde(skip)]
    pub teacher_id: String,
    pub fingerprint: String,
    /// The QR code of the fingerprint, as a file the template reads (`/qr.png`).
    pub qr: String,
    #[serde(flatten)]
    pub info: TeacherInfo,
    pub warnings: Vec<SheetWarning>,
}

/// What the template receives as `/data.json`: one teacher's sheet.
#[derive(Debug, Clone, Serialize)]
pub struct SheetData<'a> {
    /// The font family the sheet is set in (found on this computer).
    pub font: &'a str,
    /// When the sheets were printed, local time (2026-11-22 18:40).
    pub printed_at: &'a str,
    pub school: &'a SchoolHeading,
    pub teacher: &'a TeacherSheet,
}

/// The sheets of one printing, before they are typeset.
#[derive(Debug, Clone)]
pub struct Sheets {
    pub school: SchoolHeading,
    pub printed_at: String,
    pub teachers: Vec<TeacherSheet>,
}

/// A sheet as printed: whose, and with which fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PrintedSheet {
    pub teacher_id: String,
    pub name: String,
    pub id_number: String,
    pub fingerprint: String,
}

impl From<TeacherSheet> for PrintedSheet {
    fn from(sheet: TeacherSheet) -> PrintedSheet {
        PrintedSheet {
            teacher_id: sheet.teacher_id,
            name: sheet.info.name,
            id_number: sheet.info.id_number,
            fingerprint: sheet.fingerprint,
        }
    }
}

/// A preview of a printing: the first teachers' pages, as SVG images.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SheetsPreview {
    /// Each page previewed, an SVG document.
    pub pages: Vec<String>,
    /// The teachers previewed, in order.
    pub sheets: Vec<PrintedSheet>,
    /// How many teachers the printing would hold in all.
    #[ts(type = "number")]
    pub teachers: usize,
    /// The font family the sheets are set in.
    pub font: String,
}

/// Sheets typeset into one PDF.
#[derive(Debug, Clone)]
pub struct RenderedSheets {
    pub pdf: Vec<u8>,
    /// Pages in all.
    pub pages: usize,
    pub sheets: Vec<PrintedSheet>,
    /// The font family used, and its file.
    pub font: String,
    pub font_path: PathBuf,
}

/// A printing: the PDF written and the fingerprints recorded.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PrintedSheets {
    pub path: String,
    #[ts(type = "number")]
    pub pages: usize,
    #[ts(type = "number")]
    pub bytes: usize,
    pub font: String,
    pub sheets: Vec<PrintedSheet>,
}

/// Verification sheets (信息确认表): gathering, previewing, rendering and
/// printing them, and the sign-offs (签字确认) of printed sheets.
///
/// A service of the school file, reached with [`SchoolFile::sheets`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct VerificationSheets<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl VerificationSheets<'_> {
    /// The sheets of the teachers with these ids, in the order given (every
    /// teacher, in registration order, when none is given).
    pub fn gather(&self, teacher_ids: &[String]) -> Result<Sheets> {
        self.school.require(Permission::SheetsPrint)?;
        let (school, printed) = printed_information(self.school, teacher_ids)?;
        let report = crate::validate::validation_report(self.school)?;
        let mut warnings: HashMap<String, Vec<SheetWarning>> = HashMap::new();
        for problem in report
            .problems
            .into_iter()
            .filter(|p| p.severity == Severity::Warning && p.reason.is_none())
        {
            warnings
                .entry(problem.teacher_id)
                .or_default()
                .push(SheetWarning {
                    group: problem.group_name,
                    field: problem.field_label,
                    row: problem.row_order,
                    message: problem.message,
                });
        }
        let teachers = printed
            .into_iter()
            .map(|(teacher, info)| {
                Ok(TeacherSheet {
                    fingerprint: fingerprint::of(&info)?,
                    qr: typeset::QR_FILE.to_owned(),
                    warnings: warnings.remove(&teacher.id).unwrap_or_default(),
                    teacher_id: teacher.id,
                    info,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Sheets {
            school: heading(&school),
            printed_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            teachers,
        })
    }

    /// The fingerprint each teacher's information has now, by teacher id
    /// (only `teacher_id`'s when given).
    pub fn current_fingerprints(
        &self,
        teacher_id: Option<&str>,
    ) -> Result<HashMap<String, String>> {
        self.school.require(Permission::TeachersView)?;
        fingerprints(self.school, teacher_id)
    }

    /// Typesets the sheets of these teachers (every teacher when none is
    /// given) into one PDF, each teacher starting on a new page. Records nothing.
    pub fn render(&self, teacher_ids: &[String], template: &Template) -> Result<RenderedSheets> {
        let sheets = self.gather(teacher_ids)?;
        if sheets.teachers.is_empty() {
            return Err(SheetsError::NoSheetsToPrint.into());
        }
        let font = font::find()?;
        let inputs = typeset_inputs(&sheets, &font.family)?;
        let (pdf, pages) = typeset::pdf(template, &font, &inputs)?;
        let printed = sheets
            .teachers
            .into_iter()
            .map(PrintedSheet::from)
            .collect();
        Ok(RenderedSheets {
            pdf,
            pages,
            sheets: printed,
            font: font.family,
            font_path: font.path,
        })
    }

    /// A preview of the sheets of these teachers (every teacher when none is
    /// given): the pages of the first `max_teachers` of them as SVG images.
    /// Records nothing; the fingerprints are those a printing now would carry.
    pub fn preview(
        &self,
        teacher_ids: &[String],
        template: &Template,
        max_teachers: usize,
    ) -> Result<SheetsPreview> {
        let mut sheets = self.gather(teacher_ids)?;
        if sheets.teachers.is_empty() {
            return Err(SheetsError::NoSheetsToPrint.into());
        }
        let teachers = sheets.teachers.len();
        sheets.teachers.truncate(max_teachers.max(1));
        let font = font::find()?;
        let inputs = typeset_inputs(&sheets, &font.family)?;
        let pages = typeset::svg_pages(template, &font, &inputs)?;
        Ok(SheetsPreview {
            pages,
            sheets: sheets
                .teachers
                .into_iter()
                .map(PrintedSheet::from)
                .collect(),
            teachers,
            font: font.family,
        })
    }

    /// Prints the sheets of these teachers (every teacher when none is given)
    /// to a PDF at `path`, replacing it, and records each fingerprint printed
    /// (one transaction, a revision per teacher). Nothing is recorded when the
    /// file cannot be written.
    pub fn print(
        &mut self,
        teacher_ids: &[String],
        template: &Template,
        path: &Path,
    ) -> Result<PrintedSheets> {
        let actor = &self.school.require(Permission::SheetsPrint)?;
        let rendered = self.render(teacher_ids, template)?;
        write_pdf(path, &rendered.pdf)?;
        if let Err(error) = self.record_prints(&rendered.sheets, actor) {
            let _ = std::fs::remove_file(path);
            return Err(error);
        }
        Ok(PrintedSheets {
            path: path.display().to_string(),
            pages: rendered.pages,
            bytes: rendered.pdf.len(),
            font: rendered.font,
            sheets: rendered.sheets,
        })
    }
}

/// The information each chosen teacher's sheet prints (every teacher, in
/// registration order, when none is chosen). A teacher with a change of
/// status waiting for the county, or an identity correction waiting for it,
/// is printed as asked for: the sheet is the teacher's word that it is
/// right, so it is signed before it goes upstream, and stays signed once
/// the county puts it in effect.
pub(crate) fn printed_information(
    school_file: &SchoolFile,
    teacher_ids: &[String],
) -> Result<(School, Vec<(Teacher, TeacherInfo)>)> {
    let school = school_file.school()?;
    let effective = school_file.effective_catalog()?;
    let catalog = school_file.catalog()?;
    let printer = content::Printer::new(&effective, &catalog);
    let mut teachers = chosen_teachers(school_file, teacher_ids)?;
    let corrections = crate::correction_requests::awaiting_county(school_file)?;
    if !corrections.is_empty() {
        for teacher in &mut teachers {
            if let Some(asked) = corrections.get(&teacher.id) {
                teacher.name.clone_from(&asked.name);
                teacher.id_type.clone_from(&asked.id_type);
                teacher.id_type_name.clone_from(&asked.id_type_name);
                teacher.id_number.clone_from(&asked.id_number);
            }
        }
    }
    let mut records: Vec<IndicatorRecord> = match teachers.as_slice() {
        [one] => school_file.stored_records(&one.id)?,
        _ => school_file.stored_all_records()?,
    };
    let asked = crate::status_changes::awaiting_county(school_file)?;
    if !asked.is_empty() {
        for record in records
            .iter_mut()
            .filter(|r| r.group_code == crate::catalog::BASIC_GROUP)
        {
            if let Some(status) = asked.get(&record.teacher_id) {
                record.fields.insert(
                    crate::status_changes::PERSONNEL_STATUS_FIELD.to_owned(),
                    serde_json::Value::String(status.clone()),
                );
            }
        }
    }
    let mut by_teacher: HashMap<&str, Vec<&IndicatorRecord>> = HashMap::new();
    for record in &records {
        by_teacher
            .entry(record.teacher_id.as_str())
            .or_default()
            .push(record);
    }
    let printed = teachers
        .into_iter()
        .map(|teacher| {
            let mine = by_teacher
                .get(teacher.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let info = printer.teacher(&teacher, mine);
            (teacher, info)
        })
        .collect();
    Ok((school, printed))
}

fn chosen_teachers(school: &SchoolFile, teacher_ids: &[String]) -> Result<Vec<Teacher>> {
    if teacher_ids.is_empty() {
        return school.stored_teachers();
    }
    let mut chosen: Vec<Teacher> = Vec::with_capacity(teacher_ids.len());
    for id in teacher_ids {
        if !chosen.iter().any(|t| &t.id == id) {
            chosen.push(school.stored_teacher(id)?);
        }
    }
    Ok(chosen)
}

/// The fingerprint each teacher's information has now, by teacher id
/// (only `teacher_id`'s when given). Unchecked: the core's own read.
pub(crate) fn fingerprints(
    school: &SchoolFile,
    teacher_id: Option<&str>,
) -> Result<HashMap<String, String>> {
    let ids: Vec<String> = teacher_id.map(str::to_owned).into_iter().collect();
    let (_, printed) = printed_information(school, &ids)?;
    printed
        .into_iter()
        .map(|(teacher, info)| Ok((teacher.id, fingerprint::of(&info)?)))
        .collect()
}

/// A file name for a school's sheets: `桃李镇中心小学-信息确认表.pdf`.
pub fn default_file_name(school_name: &str) -> String {
    format!(
        "{}-信息确认表.pdf",
        crate::text::file_name_safe(school_name.trim())
    )
}

/// Each teacher's sheet as the template reads it: the data and the QR code.
fn typeset_inputs(sheets: &Sheets, font: &str) -> Result<Vec<typeset::SheetInput>> {
    sheets
        .teachers
        .iter()
        .map(|teacher| {
            let data = SheetData {
                font,
                printed_at: &sheets.printed_at,
                school: &sheets.school,
                teacher,
            };
            Ok(typeset::SheetInput {
                data: serde_json::to_vec(&data)?,
                qr: qr::png(&teacher.fingerprint)?,
            })
        })
        .collect()
}

fn heading(school: &School) -> SchoolHeading {
    SchoolHeading {
        name: school.name.clone(),
        code: school.code.clone(),
        school_type: match &school.school_type_name {
            Some(name) => format!("{} {name}", school.school_type),
            None => school.school_type.clone(),
        },
        indicator_set: school
            .indicator_set
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
    }
}

/// Writes the PDF with [`crate::fsio::write_atomically`], so a failure
/// leaves no half file; a full disk is [`FileError::DiskFull`].
fn write_pdf(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::fsio::write_bytes_atomically(path, bytes).map_err(|e| {
        if crate::fsio::is_storage_full(&e) {
            let wanted = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            return Error::disk_full(crate::fsio::folder_of(path), wanted);
        }
        Error::Sheets(SheetsError::SheetsUnwritable {
            path: path.to_owned(),
            detail: e.to_string(),
        })
    })
}
