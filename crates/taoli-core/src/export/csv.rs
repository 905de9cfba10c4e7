//! One information group's sheet as CSV (`taoli export --format csv --group
//! 基本信息`): the same columns and values as the workbook's sheet, in UTF-8
//! with a byte order mark (without it Excel reads the file as GBK and shows
//! garbage) and CRLF line ends. Text Excel would run as a formula is
//! written so that Excel shows it as text ([`defused`]).

use super::cells::rows;
use super::layout::sheets;
use super::style::{SheetStyle, Writing};
use crate::entry::find_group;
use crate::error::InternalError;
use crate::error::{Error, Result};
use crate::export::Exports;

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell as the CSV holds it. Text starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return is a formula to Excel when it opens a CSV, and a
/// roster can bring such text in as a name or an address (`=cmd|' /C
/// calc'!A0` runs a program through DDE). It gets a leading apostrophe, which
/// Excel shows as text (OWASP's advice on CSV injection); numbers such as
/// `-5` are left as they are.
pub fn defused(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl Exports<'_> {
    /// One group's sheet as CSV; `group` is its id (`basic`) or Chinese name
    /// (基本信息). An unknown group is refused with the valid ones listed.
    pub fn csv(&self, group: &str) -> Result<Vec<u8>> {
        self.csv_in(group, SheetStyle::Taoli)
    }

    /// [`Exports::csv`] in `style` (the national form: 「代码-名称」
    /// values and the template's headers).
    pub fn csv_in(&self, group: &str, style: SheetStyle) -> Result<Vec<u8>> {
        self.school.require(crate::account::Permission::Export)?;
        let effective = self.school.effective_catalog()?;
        let writing = Writing::new(style, &effective)?;
        let group = find_group(&effective, group)?;
        let sheet = sheets(&effective, &writing)?
            .into_iter()
            .find(|s| s.group.id == group.id)
            .ok_or_else(|| {
                Error::Internal(InternalError::ExportFailed(format!(
                    "信息项 {} 没有工作表",
                    group.id
                )))
            })?;
        let school = self.shown_school()?;
        let failed = |e: ::csv::Error| Error::Internal(InternalError::ExportFailed(e.to_string()));
        let mut out = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(BOM.to_vec());
        out.write_record(sheet.columns.iter().map(|c| c.header.as_str()))
            .map_err(failed)?;
        for row in rows(&effective, &writing, &sheet, &school) {
            out.write_record(row.iter().map(|c| defused(&c.text()).into_owned()))
                .map_err(failed)?;
        }
        out.into_inner()
            .map_err(|e| Error::Internal(InternalError::ExportFailed(e.to_string())))
    }
}
