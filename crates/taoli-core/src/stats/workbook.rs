//! The statistics as a workbook (`taoli stats --xlsx`): one sheet, 统计, with
//! a table per dimension (人数 and 占比, a 合计 row) and beside each table a
//! native Excel chart of it: a pie for shares of a whole (性别, 民族, 是否在编),
//! columns for the others.

use std::path::Path;

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartLegendPosition, Color, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

use super::{ChartKind, SchoolStats, StatsDimension};
use crate::error::{Error, Result};
use crate::error::{ExportError, InternalError};

/// The one sheet.
pub const SHEET: &str = "统计";

/// The first row of the first table (0-based): below the title and its note.
const FIRST_TABLE_ROW: u32 = 3;
/// The rows a chart covers at its default height (288 px at 20 px a row), plus one.
const CHART_ROWS: u32 = 16;
/// Where the charts go: column E, one empty column after the tables.
const CHART_COLUMN: u16 = 4;
const CHART_WIDTH: u32 = 520;
const MIN_LABEL_WIDTH: f64 = 14.0;
const MAX_LABEL_WIDTH: f64 = 40.0;
/// Under the table of a multi-code dimension (政治面貌).
const MULTI_NOTE: &str = "一人有多项的，每项各计一次，各项人数之和可能大于合计。";

fn failed(e: XlsxError) -> Error {
    Error::Internal(InternalError::StatsFailed(e.to_string()))
}

/// The workbook's bytes.
pub fn build(stats: &SchoolStats) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_sheet(sheet, stats).map_err(failed)?;
    workbook.save_to_buffer().map_err(failed)
}

/// Writes the workbook to `path`, replacing what is there (never half a file).
pub fn write(stats: &SchoolStats, path: &Path) -> Result<()> {
    let bytes = build(stats)?;
    crate::export::write_file(path, &bytes).map_err(|e| match e {
        Error::Export(ExportError::ExportUnwritable { path, detail }) => {
            Error::Export(ExportError::StatsUnwritable { path, detail })
        }
        other => other,
    })
}

struct Formats {
    title: Format,
    note: Format,
    header: Format,
    label: Format,
    count: Format,
    share: Format,
    total_label: Format,
    total_count: Format,
    total_share: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin);
        let total = cell
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(0xF2F2F2));
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_font_color(Color::RGB(0x595959)),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xE8EEF7)),
            label: cell.clone(),
            count: cell.clone().set_num_format("0"),
            share: cell.clone().set_num_format("0.0%"),
            total_label: total.clone(),
            total_count: total.clone().set_num_format("0"),
            total_share: total.set_num_format("0.0%"),
        }
    }
}

fn write_sheet(sheet: &mut Worksheet, stats: &SchoolStats) -> Result<(), XlsxError> {
    let f = Formats::new();
    sheet.set_name(SHEET)?;
    sheet.write_string_with_format(0, 0, format!("{} 教师统计", stats.school_name), &f.title)?;
    sheet.write_string_with_format(
        1,
        0,
        format!(
            "截至 {}，共 {} 位教师。年龄按出生日期计算，未填出生日期的按居民身份证号。",
            stats.as_of, stats.teachers
        ),
        &f.note,
    )?;
    let mut row = FIRST_TABLE_ROW;
    for dimension in &stats.dimensions {
        let rows = write_table(sheet, row, dimension, &f)?;
        sheet.insert_chart(row, CHART_COLUMN, &chart(dimension, row))?;
        row = row.saturating_add(rows.max(CHART_ROWS)).saturating_add(1);
    }
    let widest = stats
        .dimensions
        .iter()
        .flat_map(|d| {
            d.buckets
                .iter()
                .map(|b| b.label.as_str())
                .chain([d.name.as_str()])
        })
        .map(display_width)
        .fold(0.0, f64::max);
    sheet.set_column_width(0, (widest + 2.0).clamp(MIN_LABEL_WIDTH, MAX_LABEL_WIDTH))?;
    sheet.set_column_width(1, 10)?;
    sheet.set_column_width(2, 10)?;
    sheet.set_column_width(3, 4)?;
    Ok(())
}

/// The dimension's table at `top`: header, one row per bucket, 合计 (and a
/// note for a multi-code dimension). Returns its rows.
fn write_table(
    sheet: &mut Worksheet,
    top: u32,
    dimension: &StatsDimension,
    f: &Formats,
) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(top, 0, &dimension.name, &f.header)?;
    sheet.write_string_with_format(top, 1, "人数", &f.header)?;
    sheet.write_string_with_format(top, 2, "占比", &f.header)?;
    let total = dimension.total;
    let share = |count: usize| {
        if total == 0 {
            0.0
        } else {
            count as f64 / total as f64
        }
    };
    let mut row = top.saturating_add(1);
    for bucket in &dimension.buckets {
        sheet.write_string_with_format(row, 0, &bucket.label, &f.label)?;
        sheet.write_number_with_format(row, 1, bucket.count as f64, &f.count)?;
        sheet.write_number_with_format(row, 2, share(bucket.count), &f.share)?;
        row = row.saturating_add(1);
    }
    sheet.write_string_with_format(row, 0, "合计", &f.total_label)?;
    sheet.write_number_with_format(row, 1, total as f64, &f.total_count)?;
    sheet.write_number_with_format(row, 2, share(total), &f.total_share)?;
    if dimension.multi {
        row = row.saturating_add(1);
        sheet.write_string_with_format(row, 0, MULTI_NOTE, &f.note)?;
    }
    Ok(row.saturating_sub(top).saturating_add(1))
}

/// The chart of the table at `top`: its buckets, not its 合计.
fn chart(dimension: &StatsDimension, top: u32) -> Chart {
    let first = top.saturating_add(1);
    let last = top.saturating_add(dimension.buckets.len() as u32);
    let mut chart = match dimension.chart {
        ChartKind::Pie => Chart::new_pie(),
        ChartKind::Column => Chart::new_column(),
    };
    let mut labels = ChartDataLabel::new();
    labels.show_value();
    chart
        .add_series()
        .set_name(dimension.name.as_str())
        .set_categories((SHEET, first, 0, last, 0))
        .set_values((SHEET, first, 1, last, 1))
        .set_data_label(&labels);
    chart.title().set_name(dimension.name.as_str());
    chart.set_width(CHART_WIDTH);
    match dimension.chart {
        ChartKind::Pie => {
            chart.legend().set_position(ChartLegendPosition::Right);
        }
        ChartKind::Column => {
            chart.legend().set_hidden();
            chart.y_axis().set_name("人数");
        }
    }
    chart
}

/// Excel's column width for `text`: two units for a CJK character, one for the others.
fn display_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}
