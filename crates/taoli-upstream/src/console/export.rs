//! The progress page as a workbook: the schools, and the roll-ups per
//! county and per city, with the rates as percentages.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::db::progress::{Progress, UnitProgress};
use crate::db::teachers::Stats;
use crate::error::{Error, Result};

fn failed(e: XlsxError) -> Error {
    Error::Storage(format!("无法生成表格：{e}"))
}

fn yes(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

fn headers(sheet: &mut Worksheet, bold: &Format, names: &[&str]) -> Result<()> {
    for (col, name) in names.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet
            .write_string_with_format(0, col, *name, bold)
            .map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    Ok(())
}

fn units(sheet: &mut Worksheet, bold: &Format, rows: &[UnitProgress]) -> Result<()> {
    headers(
        sheet,
        bold,
        &[
            "代码",
            "名称",
            "应报学校",
            "已登记密钥",
            "已报送",
            "按时报送",
            "报送率%",
            "按时报送率%",
            "收到记录",
            "已生效",
            "已退回",
            "待审核",
        ],
    )?;
    for (i, u) in rows.iter().enumerate() {
        let row = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        sheet.write_string(row, 0, &u.code).map_err(failed)?;
        sheet.write_string(row, 1, &u.name).map_err(failed)?;
        let numbers = [
            u.expected as f64,
            u.enrolled as f64,
            u.reported as f64,
            u.on_time as f64,
            u.reporting_rate,
            u.on_time_rate,
            u.records_received as f64,
            u.accepted as f64,
            u.returned as f64,
            u.pending as f64,
        ];
        for (j, n) in numbers.iter().enumerate() {
            let col = u16::try_from(j).unwrap_or(u16::MAX).saturating_add(2);
            sheet.write_number(row, col, *n).map_err(failed)?;
        }
    }
    sheet.autofit();
    Ok(())
}

/// The workbook's bytes.
pub(super) fn progress_workbook(progress: &Progress) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("学校").map_err(failed)?;
    headers(
        sheet,
        &bold,
        &[
            "学校标识码",
            "学校名称",
            "所在县",
            "所在市",
            "已登记密钥",
            "最近报送",
            "本期已报送",
            "按时",
            "收到记录",
            "已生效",
            "已退回",
            "待审核",
        ],
    )?;
    for (i, s) in progress.schools.iter().enumerate() {
        let row = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        let texts = [
            s.code.as_str(),
            s.name.as_str(),
            s.county_name.as_str(),
            s.city_name.as_str(),
            yes(s.enrolled),
            s.last_batch_at.as_deref().unwrap_or(""),
            yes(s.reported),
            yes(s.on_time),
        ];
        for (j, t) in texts.iter().enumerate() {
            let col = u16::try_from(j).unwrap_or(u16::MAX);
            sheet.write_string(row, col, *t).map_err(failed)?;
        }
        for (j, n) in [s.records_received, s.accepted, s.returned, s.pending]
            .iter()
            .enumerate()
        {
            let col = u16::try_from(j).unwrap_or(u16::MAX).saturating_add(8);
            sheet.write_number(row, col, *n as f64).map_err(failed)?;
        }
    }
    sheet.autofit();
    let counties = book.add_worksheet();
    counties.set_name("按县汇总").map_err(failed)?;
    units(counties, &bold, &progress.counties)?;
    let cities = book.add_worksheet();
    cities.set_name("按市汇总").map_err(failed)?;
    units(cities, &bold, &progress.cities)?;
    book.save_to_buffer().map_err(failed)
}

/// The statistics as a workbook: one sheet a dimension.
pub(super) fn stats_workbook(stats: &Stats) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for dimension in &stats.dimensions {
        let sheet = book.add_worksheet();
        sheet.set_name(&dimension.label).map_err(failed)?;
        headers(sheet, &bold, &[dimension.label.as_str(), "人数"])?;
        for (i, bucket) in dimension.buckets.iter().enumerate() {
            let row = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
            sheet.write_string(row, 0, &bucket.label).map_err(failed)?;
            sheet
                .write_number(row, 1, bucket.count as f64)
                .map_err(failed)?;
        }
        let total = u32::try_from(dimension.buckets.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        sheet
            .write_string_with_format(total, 0, "合计", &bold)
            .map_err(failed)?;
        sheet
            .write_number_with_format(total, 1, stats.teachers as f64, &bold)
            .map_err(failed)?;
        sheet.autofit();
    }
    book.save_to_buffer().map_err(failed)
}
