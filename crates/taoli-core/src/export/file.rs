//! Where an export goes: the formats `taoli export` offers, the file a
//! workbook is written to when the clerk names none, and writing it so that a
//! failed export never leaves half a file behind.

use std::path::Path;

use super::style::SheetStyle;
use crate::error::ExportError;
use crate::error::{Error, Particular, Result};
use crate::export::Exports;

/// What `taoli export` (and the app's 导出 menu) writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// The whole school as JSON (`docs/export-json.md`).
    Json,
    /// The empty import workbook of the school's indicator set.
    Template,
    /// The import workbook filled with the school's teachers.
    Xlsx,
    /// One information group's sheet as CSV.
    Csv,
}

impl ExportFormat {
    /// The format's name for the clerk.
    /// The format as the audit trail and JSON name it: `json`, `template`, `xlsx`, `csv`.
    pub fn code(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Template => "template",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "JSON 导出",
            ExportFormat::Template => "导入模板",
            ExportFormat::Xlsx => "Excel 工作簿",
            ExportFormat::Csv => "CSV",
        }
    }

    /// The file a workbook is written to when no path is given
    /// (`桃李镇中心小学-导入模板.xlsx`, `桃李镇中心小学-教师数据.xlsx`); none for
    /// the formats that go to standard output.
    pub fn default_file_name(self, school_name: &str) -> Option<String> {
        self.default_file_name_in(school_name, SheetStyle::Taoli)
    }

    /// [`ExportFormat::default_file_name`] for a workbook in `style`: the
    /// national form's says so (`桃李镇中心小学-教师数据-国家模板格式.xlsx`).
    pub fn default_file_name_in(self, school_name: &str, style: SheetStyle) -> Option<String> {
        let what = match self {
            ExportFormat::Template => "导入模板",
            ExportFormat::Xlsx => "教师数据",
            ExportFormat::Json | ExportFormat::Csv => return None,
        };
        Some(format!(
            "{}-{what}{}.xlsx",
            file_safe(school_name),
            style_suffix(style)
        ))
    }

    /// The name a save dialog proposes for this export: the workbook name,
    /// `学校-基本信息.csv` for a CSV, `学校.json` for JSON.
    pub fn suggested_file_name(self, school_name: &str) -> String {
        self.suggested_file_name_in(school_name, SheetStyle::Taoli)
    }

    /// [`ExportFormat::suggested_file_name`] for an export in `style`.
    pub fn suggested_file_name_in(self, school_name: &str, style: SheetStyle) -> String {
        match self {
            ExportFormat::Csv => format!(
                "{}-基本信息{}.csv",
                file_safe(school_name),
                style_suffix(style)
            ),
            ExportFormat::Json => format!("{}.json", file_safe(school_name)),
            other => other
                .default_file_name_in(school_name, style)
                .unwrap_or_else(|| format!("{}.xlsx", file_safe(school_name))),
        }
    }
}

/// What a file name adds for a style: nothing for Taoli's own.
fn style_suffix(style: SheetStyle) -> String {
    match style {
        SheetStyle::Taoli => String::new(),
        other => format!("-{}", other.name()),
    }
}

/// A school name as part of a file name: the characters file systems refuse
/// replaced.
fn file_safe(name: &str) -> String {
    let clean = crate::text::file_name_safe(name.trim());
    if clean.is_empty() {
        "学校".to_owned()
    } else {
        clean
    }
}

impl Exports<'_> {
    /// Writes the export in `format` to `path` and records it in the audit
    /// trail. When it cannot be recorded, the file is removed again: no
    /// export leaves the school unrecorded.
    pub fn to_file(
        &mut self,
        format: ExportFormat,
        group: Option<&str>,
        path: &Path,
    ) -> Result<()> {
        self.to_file_in(format, group, SheetStyle::Taoli, path)
    }

    /// [`Exports::to_file`] in `style`; the audit entry names a style
    /// other than Taoli's own.
    pub fn to_file_in(
        &mut self,
        format: ExportFormat,
        group: Option<&str>,
        style: SheetStyle,
        path: &Path,
    ) -> Result<()> {
        let actor = &self.school.require(crate::account::Permission::Export)?;
        let bytes = self.as_format_in(format, group, style)?;
        write_file(path, &bytes)?;
        let logged = self.school.log_styled_export(
            actor,
            format.code(),
            style_code(style),
            group,
            Some(path),
            bytes.len(),
        );
        if let Err(error) = logged {
            let _ = std::fs::remove_file(path);
            return Err(error);
        }
        Ok(())
    }

    /// The export in `format`. `group` names the information group of a CSV
    /// export and must be absent for the others.
    pub fn as_format(&self, format: ExportFormat, group: Option<&str>) -> Result<Vec<u8>> {
        self.as_format_in(format, group, SheetStyle::Taoli)
    }

    /// [`Exports::as_format`] in `style`. The national form is a
    /// spreadsheet's: a JSON export with it is refused.
    pub fn as_format_in(
        &self,
        format: ExportFormat,
        group: Option<&str>,
        style: SheetStyle,
    ) -> Result<Vec<u8>> {
        self.school.require(crate::account::Permission::Export)?;
        if format == ExportFormat::Json && style != SheetStyle::Taoli {
            return Err(ExportError::ExportStyleNotUsed {
                style: style.name().to_owned(),
            }
            .into());
        }
        match (format, group) {
            (ExportFormat::Csv, Some(group)) => self.csv_in(group, style),
            (ExportFormat::Csv, None) => Err(Error::Export(ExportError::ExportGroupRequired {
                valid: self
                    .school
                    .effective_catalog()?
                    .groups
                    .iter()
                    .map(|g| g.name.clone())
                    .collect::<Vec<_>>()
                    .join("、"),
            })),
            (other, Some(_)) => Err(ExportError::ExportGroupNotUsed {
                format: other.name().to_owned(),
            }
            .into()),
            (ExportFormat::Json, None) => {
                let mut bytes = serde_json::to_vec_pretty(&self.document()?)?;
                bytes.push(b'\n');
                Ok(bytes)
            }
            (ExportFormat::Template, None) => self.template_in(style),
            (ExportFormat::Xlsx, None) => self.workbook_in(style),
        }
    }

    /// [`Exports::as_format_in`] for the screen or a pipe (`taoli export`
    /// without a file): the bytes, with the export recorded in the audit
    /// log as leaving to the screen.
    pub fn for_screen_in(
        &mut self,
        format: ExportFormat,
        group: Option<&str>,
        style: SheetStyle,
    ) -> Result<Vec<u8>> {
        let actor = self.school.require(crate::account::Permission::Export)?;
        let bytes = self.as_format_in(format, group, style)?;
        self.school.log_styled_export(
            &actor,
            format.code(),
            style_code(style),
            group,
            None,
            bytes.len(),
        )?;
        Ok(bytes)
    }
}

/// The style as the audit entry names it: none for Taoli's own, so that
/// its entries read as before.
pub fn style_code(style: SheetStyle) -> Option<&'static str> {
    (style != SheetStyle::Taoli).then(|| style.code())
}

/// Writes an export to `path`, replacing what is there, with
/// [`crate::fsio::write_atomically`]: never half a file, and the old one kept
/// when writing fails. A path that cannot be written is refused with the
/// reason; a full disk is [`FileError::DiskFull`].
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let unwritable = |e: std::io::Error| {
        if crate::fsio::is_storage_full(&e) {
            let wanted = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            return Error::disk_full(crate::fsio::folder_of(path), wanted);
        }
        Error::Export(ExportError::ExportUnwritable {
            path: path.to_owned(),
            detail: io_reason(&e),
        })
    };
    if path.is_dir() {
        return Err(ExportError::ExportUnwritable {
            path: path.to_owned(),
            detail: Particular::said("particular.a_folder", vec![]),
        }
        .into());
    }
    crate::fsio::write_bytes_atomically(path, bytes).map_err(unwritable)
}

/// Why a path cannot be written, in the clerk's language where Taoli
/// knows the cause; the system's own words otherwise.
fn io_reason(e: &std::io::Error) -> Particular {
    use std::io::ErrorKind;
    let key = match e.kind() {
        ErrorKind::NotFound => "particular.folder_missing",
        ErrorKind::PermissionDenied => "particular.no_write_permission",
        ErrorKind::IsADirectory => "particular.a_folder",
        ErrorKind::NotADirectory => "particular.path_through_a_file",
        ErrorKind::ReadOnlyFilesystem => "particular.read_only_disk",
        ErrorKind::StorageFull => "particular.disk_full",
        _ => return Particular::Text(e.to_string()),
    };
    Particular::said(key, vec![])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_file_name_replaces_what_file_systems_refuse() {
        assert_eq!(
            ExportFormat::Template
                .default_file_name("桃李/中心:小学")
                .as_deref(),
            Some("桃李_中心_小学-导入模板.xlsx")
        );
        assert_eq!(ExportFormat::Csv.default_file_name("桃李小学"), None);
    }

    #[test]
    fn a_national_form_workbook_says_so_in_its_name() {
        assert_eq!(
            ExportFormat::Xlsx
                .default_file_name_in("桃李小学", SheetStyle::National)
                .as_deref(),
            Some("桃李小学-教师数据-国家模板格式.xlsx")
        );
        assert_eq!(
            ExportFormat::Csv.suggested_file_name_in("桃李小学", SheetStyle::National),
            "桃李小学-基本信息-国家模板格式.csv"
        );
    }
}
