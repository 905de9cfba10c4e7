//! The import workbook (.xlsx), empty (`taoli export --format template`) or
//! filled with the school's teachers (`--format xlsx`). Its sheets are
//! [`layout`](super::layout)'s: a 填写说明 sheet first, one sheet per
//! information group, and a hidden 代码表 sheet holding the labels every code
//! column's dropdown refers to. Code columns get a list data validation;
//! multi-code columns accept several labels joined with 「、」, so theirs never
//! shows an error. Text, code and date columns are formatted as text, so that
//! Excel keeps ID numbers and dates as typed.

use rust_xlsxwriter::utility::quote_sheet_name;
use rust_xlsxwriter::{
    Color, DataValidation, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};

use super::TeacherExport;
use super::cells::{Cell, rows};
use super::layout::{Column, MULTI_CODE_SEPARATOR, Sheet, sheets};
use super::style::{SheetStyle, Writing};
use crate::catalog::{CodeTable, EffectiveCatalog, FieldType};
use crate::error::InternalError;
use crate::error::{Error, Result};
use crate::export::Exports;
use crate::import::mapping::column_letter;
use crate::school::School;
use crate::validate::BASIC_GROUP;

/// The first sheet: how to fill the workbook in.
pub const INSTRUCTIONS_SHEET: &str = "填写说明";
/// The hidden sheet the dropdowns refer to.
pub const CODE_SHEET: &str = "代码表";

/// Excel's last row, 0-based: dropdowns and formats cover whole columns.
const LAST_ROW: u32 = 1_048_575;
const MIN_WIDTH: f64 = 8.0;
const MAX_WIDTH: f64 = 40.0;

impl Exports<'_> {
    /// The empty import workbook for the school's indicator set (and its
    /// province pack).
    pub fn template(&self) -> Result<Vec<u8>> {
        self.template_in(SheetStyle::Taoli)
    }

    /// [`Exports::template`] in `style`: the national form heads
    /// its columns as the national template does.
    pub fn template_in(&self, style: SheetStyle) -> Result<Vec<u8>> {
        self.school.require(crate::account::Permission::Export)?;
        let effective = self.school.effective_catalog()?;
        let writing = Writing::new(style, &effective)?;
        build(&self.school.school()?, &effective, &writing, None)
    }

    /// The import workbook filled with every teacher of the school. Imported
    /// into an empty school of the same type, it gives the same school.
    pub fn workbook(&self) -> Result<Vec<u8>> {
        self.workbook_in(SheetStyle::Taoli)
    }

    /// [`Exports::workbook`] in `style`: the national form writes
    /// codes as 「代码-名称」 and heads its columns as the national template does.
    pub fn workbook_in(&self, style: SheetStyle) -> Result<Vec<u8>> {
        self.school.require(crate::account::Permission::Export)?;
        let effective = self.school.effective_catalog()?;
        let writing = Writing::new(style, &effective)?;
        let school = self.shown_school()?;
        build(&self.school.school()?, &effective, &writing, Some(&school))
    }
}

fn failed(e: XlsxError) -> Error {
    Error::Internal(InternalError::ExportFailed(e.to_string()))
}

struct Formats {
    header: Format,
    required: Format,
    text: Format,
    title: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xE8EEF7))
            .set_border(FormatBorder::Thin);
        Formats {
            required: header.clone().set_font_color(Color::RGB(0xC00000)),
            header,
            text: Format::new().set_num_format("@"),
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// The code tables the sheets' code columns use, in order of first use, and
/// where each one's labels (names, or 「代码-名称」) sit on the code sheet.
struct CodeSheet<'a> {
    tables: Vec<(&'a CodeTable, Vec<String>)>,
}

impl<'a> CodeSheet<'a> {
    fn new(effective: &'a EffectiveCatalog, writing: &Writing, sheets: &[Sheet]) -> CodeSheet<'a> {
        let mut tables: Vec<(&CodeTable, Vec<String>)> = Vec::new();
        for column in sheets.iter().flat_map(|s| &s.columns) {
            let Some(table) = column
                .field
                .code_table
                .as_deref()
                .and_then(|t| effective.code_table(t))
            else {
                continue;
            };
            if column.is_code() && !tables.iter().any(|(t, _)| t.id == table.id) {
                let labels = table
                    .codes
                    .iter()
                    .filter(|c| c.selectable)
                    .map(|c| writing.code(c))
                    .collect();
                tables.push((table, labels));
            }
        }
        CodeSheet { tables }
    }

    /// The list formula of a table's labels, e.g. `=代码表!$C$2:$C$58`.
    fn range(&self, table_id: &str) -> Option<(String, &[String])> {
        let (j, (_, labels)) = self
            .tables
            .iter()
            .enumerate()
            .find(|(_, (t, _))| t.id == table_id)?;
        if labels.is_empty() {
            return None;
        }
        let letter = column_letter(j as u32);
        Some((
            format!(
                "={}!${letter}$2:${letter}${}",
                quote_sheet_name(CODE_SHEET),
                labels.len().saturating_add(1)
            ),
            labels,
        ))
    }

    fn write(&self, book: &mut Workbook, formats: &Formats) -> Result<(), XlsxError> {
        let ws = book.add_worksheet();
        ws.set_name(CODE_SHEET)?;
        for (j, (table, labels)) in self.tables.iter().enumerate() {
            let col = j as u16;
            ws.write_string_with_format(0, col, &table.name, &formats.header)?;
            for (i, label) in labels.iter().enumerate() {
                ws.write_string_with_format(
                    (i as u32).saturating_add(1),
                    col,
                    label,
                    &formats.text,
                )?;
            }
            let widest = labels
                .iter()
                .map(|l| display_width(l))
                .chain([display_width(&table.name)])
                .max()
                .unwrap_or(0);
            ws.set_column_width(col, column_width(widest as f64 + 2.0))?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_hidden(true);
        Ok(())
    }
}

fn build(
    school: &School,
    effective: &EffectiveCatalog,
    writing: &Writing,
    data: Option<&[TeacherExport]>,
) -> Result<Vec<u8>> {
    let sheets = sheets(effective, writing)?;
    let codes = CodeSheet::new(effective, writing, &sheets);
    let formats = Formats::new();
    let mut book = Workbook::new();
    instructions(
        &mut book, &formats, school, effective, writing, &sheets, data,
    )
    .map_err(failed)?;
    for sheet in &sheets {
        let rows = data
            .map(|d| rows(effective, writing, sheet, d))
            .unwrap_or_default();
        let ws = book.add_worksheet();
        group_sheet(ws, &formats, &codes, sheet, &rows).map_err(failed)?;
        if data.is_some() && sheet.group.id == BASIC_GROUP {
            ws.set_active(true);
        }
    }
    codes.write(&mut book, &formats).map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

fn group_sheet(
    ws: &mut Worksheet,
    formats: &Formats,
    codes: &CodeSheet<'_>,
    sheet: &Sheet,
    rows: &[Vec<Cell>],
) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    let mut header_lines = 1;
    for (j, column) in sheet.columns.iter().enumerate() {
        let col = j as u16;
        let format = if column.field.required {
            &formats.required
        } else {
            &formats.header
        };
        ws.write_string_with_format(0, col, &column.header, format)?;
        let width = width_of(column, rows.iter().filter_map(|r| r.get(j)));
        ws.set_column_width(col, width)?;
        header_lines = header_lines.max(lines(&column.header, width));
        if column.field.kind != FieldType::Number {
            ws.set_column_format(col, &formats.text)?;
        }
        if let Some(validation) = dropdown(codes, column)? {
            ws.add_data_validation(1, col, LAST_ROW, col, &validation)?;
        }
    }
    ws.set_row_height(0, 15.0 * header_lines as f64 + 6.0)?;
    ws.set_freeze_panes(1, 1)?;
    for (i, row) in rows.iter().enumerate() {
        let r = (i as u32).saturating_add(1);
        for (j, cell) in row.iter().enumerate() {
            let col = j as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string_with_format(r, col, s, &formats.text)?;
                }
                Cell::Number(n) => {
                    ws.write_number(r, col, *n)?;
                }
            }
        }
    }
    Ok(())
}

/// The dropdown of a code column: a list of the code sheet's labels. A
/// multi-code column takes several labels joined with 「、」, which no list
/// holds, so it explains that instead of refusing.
fn dropdown(codes: &CodeSheet<'_>, column: &Column) -> Result<Option<DataValidation>, XlsxError> {
    if !column.is_code() {
        return Ok(None);
    }
    let Some((formula, labels)) = column
        .field
        .code_table
        .as_deref()
        .and_then(|t| codes.range(t))
    else {
        return Ok(None);
    };
    let label = &column.field.label;
    let validation = DataValidation::new().allow_list_formula(Formula::new(formula));
    Ok(Some(if column.field.kind == FieldType::MultiCode {
        let example = labels
            .iter()
            .take(2)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(MULTI_CODE_SEPARATOR);
        validation
            .show_error_message(false)
            .set_input_title("可多选")?
            .set_input_message(short(&format!(
                "「{label}」可以填写多个选项，用「{MULTI_CODE_SEPARATOR}」分隔，如「{example}」。单选时直接从下拉列表中选择。"
            )))?
    } else {
        validation
            .set_error_title("请从下拉列表中选择")?
            .set_error_message(short(&format!(
                "「{label}」只能填写下拉列表中的选项。请点单元格右侧的箭头选择。"
            )))?
    }))
}

/// Excel's limit on validation messages is 255 characters.
fn short(text: &str) -> String {
    text.chars().take(250).collect()
}

fn instructions(
    book: &mut Workbook,
    formats: &Formats,
    school: &School,
    effective: &EffectiveCatalog,
    writing: &Writing,
    sheets: &[Sheet],
    data: Option<&[TeacherExport]>,
) -> Result<(), XlsxError> {
    let set = &effective.set.name;
    let style = match writing.edition() {
        Some(edition) => format!("，{}：{}", SheetStyle::National.name(), edition.title()),
        None => String::new(),
    };
    let title = match data {
        None => format!("{} 教师信息导入模板（{set}{style}）", school.name),
        Some(teachers) => format!(
            "{} 教师信息（{set}，{} 位教师，导出于 {}{style}）",
            school.name,
            teachers.len(),
            chrono::Local::now().format("%Y-%m-%d")
        ),
    };
    // The first code of the first two tables the sheets use (1-男, 1-中国 …).
    let mut examples: Vec<String> = Vec::new();
    for column in sheets.iter().flat_map(|s| &s.columns) {
        let first = column
            .field
            .code_table
            .as_deref()
            .filter(|_| column.is_code() && !column.is_identity())
            .and_then(|t| effective.code_table(t))
            .and_then(|t| t.codes.iter().find(|c| c.selectable))
            .map(|c| format!("「{}」", writing.code(c)));
        if let Some(first) = first
            && !examples.contains(&first)
            && examples.len() < 2
        {
            examples.push(first);
        }
    }
    let multi: Vec<&Column> = sheets
        .iter()
        .flat_map(|s| &s.columns)
        .filter(|c| c.field.kind == FieldType::MultiCode)
        .collect();
    let mut lines = vec![
        format!(
            "本工作簿按「{set}」指标体系生成，每个信息项一张工作表。请不要修改工作表名称和表头，也不要删除或调换列；不需要的列留空即可。"
        ),
        "表头前带「*」（红字）的是必填项。".to_owned(),
        "「基本信息」表每位教师填一行。其他表每条记录填一行：一位教师有三段学习经历，就在「学习经历」表填三行。每一行都要填写这位教师的姓名、身份证件类型和身份证件号，导入时据此找到教师。".to_owned(),
        "日期按表头括号中的格式填写：日期 yyyy-MM-dd（如 1985-03-04），年月 yyyy-MM（如 2005-09），年份 yyyy（如 2025）。这些列已设为文本格式，请直接输入，不要改成日期格式。".to_owned(),
        "带下拉箭头的列（代码和「是/否」）请从下拉列表中选择，不要自己输入其他写法。".to_owned(),
    ];
    if let Some(edition) = writing.edition() {
        lines.push(format!(
            "本工作簿按国家系统导入模板「{}」的写法：代码和「是/否」写作「代码-名称」，如{}；表头与模板一致（必填项前带「*」，日期列在第二行注明格式）。",
            edition.title(),
            examples.concat(),
        ));
    }
    if let Some(first) = multi.first() {
        let example = first
            .field
            .code_table
            .as_deref()
            .and_then(|t| effective.code_table(t))
            .map(|t| {
                t.codes
                    .iter()
                    .filter(|c| c.selectable)
                    .take(2)
                    .map(|c| writing.code(c))
                    .collect::<Vec<_>>()
                    .join(MULTI_CODE_SEPARATOR)
            })
            .unwrap_or_default();
        let names: Vec<String> = multi
            .iter()
            .map(|c| format!("「{}」", c.field.label))
            .collect();
        lines.push(format!(
            "{}可以多选：多个选项之间用「{MULTI_CODE_SEPARATOR}」分隔，如「{example}」；只选一项时直接从下拉列表中选择。",
            names.join("")
        ));
    }
    lines.extend([
        "身份证件号请按证件原样填写（末位 X 照写）。这一列已设为文本格式，请不要改成数字格式，否则超过 15 位的部分会丢失、末几位变成 0。".to_owned(),
        "「代码表」工作表已隐藏，供下拉列表使用，请不要修改。".to_owned(),
        "填好后用桃李导入：运行 `taoli import 学校文件 本文件.xlsx`（或在桃李中选择「导入」），先预览，再确认导入。".to_owned(),
    ]);
    let ws = book.add_worksheet();
    ws.set_name(INSTRUCTIONS_SHEET)?;
    ws.set_column_width(0, 110)?;
    ws.write_string_with_format(0, 0, &title, &formats.title)?;
    let mut r = 2;
    for (i, line) in lines.iter().enumerate() {
        let line = format!("{}. {line}", i.saturating_add(1));
        ws.write_string_with_format(r, 0, &line, &formats.note)?;
        ws.set_row_height(r, 15.0 * lines_at(&line, 110.0) as f64 + 4.0)?;
        r = r.saturating_add(1);
    }
    r = r.saturating_add(1);
    ws.write_string_with_format(r, 0, "各工作表：", &formats.title)?;
    r = r.saturating_add(1);
    for sheet in sheets {
        let how = if sheet.group.id == BASIC_GROUP {
            "每位教师一行".to_owned()
        } else if sheet.group.multi {
            "每条记录一行".to_owned()
        } else {
            "每位教师最多一行".to_owned()
        };
        let fields: Vec<&Column> = sheet.columns.iter().filter(|c| !c.is_identity()).collect();
        let required = fields.iter().filter(|c| c.field.required).count();
        let line = format!(
            "「{}」：{how}；姓名、身份证件类型、身份证件号之后有 {} 项，其中 {required} 项必填",
            sheet.name,
            fields.len()
        );
        ws.write_string_with_format(r, 0, &line, &formats.note)?;
        r = r.saturating_add(1);
    }
    Ok(())
}

/// Characters as Excel's column width counts them: a Chinese character is two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn column_width(width: f64) -> f64 {
    width.clamp(MIN_WIDTH, MAX_WIDTH)
}

/// A column wide enough for its header's longest line and its values.
fn width_of<'a>(column: &Column, cells: impl Iterator<Item = &'a Cell>) -> f64 {
    let header = column.header.lines().map(display_width).max().unwrap_or(0);
    let typical = match column.field.kind {
        FieldType::IdNumber => 20,
        FieldType::Date => 12,
        FieldType::YearMonth | FieldType::Year => 10,
        FieldType::Phone => 14,
        FieldType::Email => 22,
        _ => 0,
    };
    let values = cells
        .map(|c| display_width(&c.text()))
        .max()
        .unwrap_or(0)
        .min(MAX_WIDTH as usize);
    column_width(header.max(typical).max(values) as f64 + 2.0)
}

/// How many lines a header takes in a column of `width`.
fn lines(header: &str, width: f64) -> usize {
    header.lines().map(|line| lines_at(line, width)).sum()
}

fn lines_at(line: &str, width: f64) -> usize {
    let usable = (width - 1.0).max(1.0);
    ((display_width(line) as f64) / usable).ceil().max(1.0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_character_is_two_columns_wide() {
        assert_eq!(display_width("出生日期"), 8);
        assert_eq!(display_width("(yyyy-MM-dd)"), 12);
    }

    #[test]
    fn a_long_header_takes_several_lines() {
        assert_eq!(lines("*出生日期\n(yyyy-MM-dd)", 14.0), 2);
        assert_eq!(lines(&"是".repeat(20), 14.0), 4);
    }
}
