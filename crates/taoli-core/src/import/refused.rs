//! The refused-rows workbook: the rows an import did not take, as they were
//! (the same columns, dates still dates), each offending cell highlighted with
//! a note saying what is wrong, and a last column with the row's reasons.
//! Once fixed, it imports like the original roster.

use std::path::Path;

use calamine::Data;
use rust_xlsxwriter::{Color, Format, FormatBorder, Note, Workbook, XlsxError};

use super::REFUSAL_COLUMN;
use super::plan::{ImportPlan, RefusedSheet};
use super::table::cell_text;
use crate::error::{Error, Result};

fn io_error(path: &Path, e: XlsxError) -> Error {
    Error::Io {
        path: path.to_owned(),
        source: match e {
            XlsxError::IoError(io) => io,
            other => std::io::Error::other(other.to_string()),
        },
    }
}

/// Excel's limit on a sheet name's length.
const SHEET_NAME_MAX: usize = 31;

/// Excel's limit on the text of a cell; rust_xlsxwriter refuses longer text.
const CELL_TEXT_MAX: usize = 32_767;

/// Excel's last column index (XFD); the explanation column must fit too.
const LAST_COLUMN: usize = 16_383;

/// Text as a cell can hold it: a roster cell longer than Excel allows (a
/// CSV has no limit) is cut, so writing the refused rows never fails on it.
fn fit(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= CELL_TEXT_MAX {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(crate::text::excerpt(s, CELL_TEXT_MAX - 1))
    }
}

/// Writes the refused rows of `plan` to `out` (whole or not at all,
/// [`crate::fsio::write_atomically`]). Returns how many rows were written.
pub fn write_refused_rows(plan: &ImportPlan, out: &Path) -> Result<usize> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8EEF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let bad_text = Format::new()
        .set_num_format("@")
        .set_background_color(Color::RGB(0xFDE2E1))
        .set_font_color(Color::RGB(0x9F1C1C));
    let bad_date = Format::new()
        .set_num_format("yyyy-mm-dd")
        .set_background_color(Color::RGB(0xFDE2E1))
        .set_font_color(Color::RGB(0x9F1C1C));
    let reason = Format::new()
        .set_font_color(Color::RGB(0x9F1C1C))
        .set_text_wrap();
    let mut written = 0usize;
    let mut used_names: Vec<String> = Vec::new();
    for sheet in &plan.refused {
        let name = sheet_name(sheet, &used_names);
        used_names.push(name.clone());
        let ws = book.add_worksheet();
        ws.set_name(&name).map_err(|e| io_error(out, e))?;
        // The explanation goes right of the widest row, within Excel's columns
        // (a CSV row can be 100,000 cells wide; what lies beyond is left out).
        let widest = sheet.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let width = sheet.headers.len().max(widest).min(LAST_COLUMN) as u16;
        for (j, h) in sheet.headers.iter().take(width as usize).enumerate() {
            ws.write_string_with_format(0, j as u16, fit(h).as_ref(), &header)
                .map_err(|e| io_error(out, e))?;
            ws.set_column_width(j as u16, 14)
                .map_err(|e| io_error(out, e))?;
        }
        ws.write_string_with_format(0, width, REFUSAL_COLUMN, &header)
            .map_err(|e| io_error(out, e))?;
        ws.set_column_width(width, 60)
            .map_err(|e| io_error(out, e))?;
        ws.set_freeze_panes(1, 0).map_err(|e| io_error(out, e))?;
        for (i, row) in sheet.rows.iter().enumerate() {
            let r = (i as u32).saturating_add(1);
            for (j, cell) in row.cells.iter().take(width as usize).enumerate() {
                let c = j as u16;
                let bad = row.bad_cells.iter().find(|(b, _)| *b == j);
                let (tf, df) = if bad.is_some() {
                    (&bad_text, &bad_date)
                } else {
                    (&text, &date)
                };
                let result = match cell {
                    Data::Empty if bad.is_none() => Ok(&mut *ws),
                    Data::Empty => ws.write_blank(r, c, tf),
                    Data::String(s) => ws.write_string_with_format(r, c, fit(s).as_ref(), tf),
                    Data::Float(f) => ws.write_number_with_format(r, c, *f, tf),
                    Data::Int(n) => ws.write_number_with_format(r, c, *n as f64, tf),
                    Data::Bool(b) => ws.write_boolean_with_format(r, c, *b, tf),
                    Data::DateTime(d) => ws.write_number_with_format(r, c, d.as_f64(), df),
                    other => ws.write_string_with_format(r, c, fit(&cell_text(other)).as_ref(), tf),
                };
                result.map_err(|e| io_error(out, e))?;
                if let Some((_, message)) = bad {
                    let note = Note::new(message.as_str())
                        .set_author("桃李")
                        .set_width(320);
                    ws.insert_note(r, c, &note).map_err(|e| io_error(out, e))?;
                }
            }
            let why = format!("原第 {} 行：{}", row.row, row.reason);
            ws.write_string_with_format(r, width, fit(&why).as_ref(), &reason)
                .map_err(|e| io_error(out, e))?;
            written = written.saturating_add(1);
        }
    }
    if !plan.pending.is_empty() {
        write_pending(&mut book, plan, &header, &text, &bad_text, &used_names)
            .map_err(|e| io_error(out, e))?;
    }
    if written == 0 && plan.pending.is_empty() {
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "本次导入没有未通过的行。")
            .map_err(|e| io_error(out, e))?;
    }
    let bytes = book.save_to_buffer().map_err(|e| io_error(out, e))?;
    let wanted = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    crate::fsio::write_bytes_atomically(out, &bytes)
        .map_err(|e| Error::io(out)(e).or_disk_full(crate::fsio::folder_of(out), wanted))?;
    Ok(written)
}

/// The name of the sheet listing the 待修正 cells.
pub const PENDING_SHEET: &str = "待修正";

/// The 待修正 sheet's header. It names 姓名 and 身份证件号, so an import of
/// the workbook recognises the sheet by this header and passes over it: its
/// cells are already in the school file.
pub const PENDING_HEADERS: [&str; 8] = [
    "工作表",
    "行",
    "列",
    "姓名",
    "身份证件号",
    "指标",
    "原文",
    "问题（已导入，这一项先空着；请在教师信息中填写）",
];

/// Whether a sheet's header is the 待修正 sheet's.
pub fn is_pending_header(headers: &[&str]) -> bool {
    headers.len() == PENDING_HEADERS.len()
        && headers
            .iter()
            .zip(PENDING_HEADERS)
            .all(|(h, want)| h.trim() == want)
}

/// One line per cell imported empty and kept as 待修正: where it was, whose
/// it is, what it said and why it was not taken.
fn write_pending(
    book: &mut Workbook,
    plan: &ImportPlan,
    header: &Format,
    text: &Format,
    bad: &Format,
    used: &[String],
) -> std::result::Result<(), XlsxError> {
    let mut name = PENDING_SHEET.to_owned();
    let mut n = 2u32;
    while used.contains(&name) {
        name = format!("{PENDING_SHEET}({n})");
        n = n.saturating_add(1);
    }
    let ws = book.add_worksheet();
    ws.set_name(&name)?;
    let widths = [14.0, 6.0, 5.0, 10.0, 21.0, 16.0, 20.0, 70.0];
    for (j, (title, width)) in PENDING_HEADERS.iter().zip(widths).enumerate() {
        let c = j as u16;
        ws.write_string_with_format(0, c, *title, header)?;
        ws.set_column_width(c, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (i, cell) in plan.pending.iter().enumerate() {
        let r = (i as u32).saturating_add(1);
        let (who, id) = plan
            .persons
            .get(cell.person)
            .map(|p| (p.name.clone(), p.id_number.clone()))
            .or_else(|| cell.owner.as_deref().cloned())
            .unwrap_or_default();
        ws.write_string_with_format(r, 0, fit(&cell.sheet).as_ref(), text)?;
        ws.write_number(r, 1, f64::from(cell.row))?;
        ws.write_string_with_format(r, 2, &cell.column, text)?;
        ws.write_string_with_format(r, 3, fit(&who).as_ref(), text)?;
        ws.write_string_with_format(r, 4, fit(&id).as_ref(), text)?;
        ws.write_string_with_format(r, 5, fit(&cell.label).as_ref(), text)?;
        ws.write_string_with_format(r, 6, fit(&cell.raw).as_ref(), bad)?;
        ws.write_string_with_format(r, 7, fit(&cell.problem).as_ref(), text)?;
    }
    Ok(())
}

/// The original sheet name, shortened and made unique as Excel requires.
fn sheet_name(sheet: &RefusedSheet, used: &[String]) -> String {
    let base: String = sheet
        .name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(SHEET_NAME_MAX - 3)
        .collect();
    let base = if base.trim().is_empty() {
        "未通过".to_owned()
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2u32;
    while used.contains(&name) {
        name = format!("{base}({n})");
        n = n.saturating_add(1);
    }
    name
}
