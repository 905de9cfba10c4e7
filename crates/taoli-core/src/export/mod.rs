//! Exports (导出): the whole school as one JSON document (`taoli export
//! --format json`, here), and spreadsheets a clerk can fill in and import
//! (`docs/export-spreadsheets.md`):
//! 1. [`layout`] decides the sheets and columns: one sheet per information
//!    group, identity columns first, headers the importer recognizes;
//! 2. [`cells`] turns stored values into cells (codes as labels, dates as text);
//! 3. [`workbook`] writes the import template and the filled workbook (.xlsx),
//!    with the instructions, the hidden code sheet and the dropdowns;
//! 4. [`csv`] writes one group's sheet as CSV;
//! 5. [`file`] names the formats and writes the result where the clerk asked;
//! 6. [`style`] is how headers and code values are written: Taoli's own, or
//!    the national template's 「代码-名称」 (`catalog/templates.toml`).
//!
//! The JSON shape is documented in `docs/export-json.md`; later capabilities add
//! members but never change or remove one without raising `format_version`.

pub mod cells;
pub mod csv;
pub mod file;
pub mod layout;
pub mod style;
pub mod workbook;

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::record::IndicatorRecord;
use crate::school::School;
use crate::store::SchoolFile;
use crate::teacher::Teacher;

pub use crate::fsio::unused_path;
pub use file::{ExportFormat, write_file};
pub use style::SheetStyle;
pub use workbook::{CODE_SHEET, INSTRUCTIONS_SHEET};

/// Names the document so that a reader can tell it from any other JSON.
pub const EXPORT_FORMAT: &str = "taoli.school";
/// Raised whenever a member changes meaning or disappears.
pub const EXPORT_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, TS)]
pub struct SchoolExport {
    pub format: String,
    pub format_version: u32,
    pub taoli_version: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    pub exported_at: String,
    pub school: School,
    pub teachers: Vec<TeacherExport>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TeacherExport {
    #[serde(flatten)]
    #[ts(flatten)]
    pub teacher: Teacher,
    pub records: Vec<IndicatorRecord>,
    /// The teacher's status history (在职情况变动), oldest first; in the
    /// JSON document only (spreadsheets carry the status on file).
    pub status_events: Vec<crate::status_event::StatusEvent>,
}

/// Exports (导出): the whole school as JSON, the import template, the
/// school's data as a workbook, one group as CSV, and writing them to a file.
///
/// A service of the school file, reached with [`SchoolFile::exports`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Exports<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl Exports<'_> {
    /// Every teacher with their records, as the signed-in role reads them:
    /// masked for a role that reads masked (none of today's roles that may
    /// export does; the rule holds should one).
    pub(crate) fn shown_school(&self) -> Result<Vec<TeacherExport>> {
        Ok(cells::by_teacher(
            self.school
                .stored_teachers()?
                .into_iter()
                .map(|t| self.school.shown(t))
                .collect(),
            self.school
                .shown_records(self.school.stored_all_records()?)?,
        ))
    }

    /// Everything in the school file, teachers in registration order and each
    /// teacher's records by group and row.
    pub fn document(&self) -> Result<SchoolExport> {
        self.school.require(crate::account::Permission::Export)?;
        let teachers = self
            .school
            .stored_teachers()?
            .into_iter()
            .map(|teacher| {
                // Masked as the signed-in role reads them (none of today's
                // roles that may export reads masked; the rule holds should one).
                let records = self
                    .school
                    .shown_records(self.school.stored_records(&teacher.id)?)?;
                let status_events = crate::status_changes::history_of(self.school, &teacher.id)?;
                Ok(TeacherExport {
                    teacher: self.school.shown(teacher),
                    records,
                    status_events,
                })
            })
            .collect::<Result<_>>()?;
        Ok(SchoolExport {
            format: EXPORT_FORMAT.to_owned(),
            format_version: EXPORT_FORMAT_VERSION,
            taoli_version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: self.school.schema_version()?,
            exported_at: crate::time::now(),
            school: self.school.school()?,
            teachers,
        })
    }
}
