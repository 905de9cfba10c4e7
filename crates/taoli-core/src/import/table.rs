//! Finding the table in a sheet: the header row among the first 20 rows
//! (title rows and 「填报单位」 lines above it skipped), two-row headers with
//! merged group cells joined into one name, and the data rows below it up to
//! a 合计/小计 row.

use calamine::Data;

use super::mapping::HeaderMatcher;
use super::source::Grid;
use crate::error::{Error, Result};

/// How far down the header row is looked for.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// Rows that end the table: totals and the sign-off lines under it.
const END_MARKERS: [&str; 9] = [
    "合计",
    "小计",
    "总计",
    "填表人",
    "制表人",
    "审核人",
    "单位负责人",
    "填报日期",
    "制表日期",
];

/// The table found in a sheet.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    /// Index (within the grid) of the first and last header row.
    pub header_rows: (usize, usize),
    /// Each non-empty header: grid column index and its text.
    pub columns: Vec<(usize, String)>,
    /// Grid row indexes of the data rows, blank and repeated-header rows left out.
    pub rows: Vec<usize>,
}

/// A cell as text, the way a clerk sees it in the sheet.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.date().to_string(),
            Some(dt) => dt.to_string(),
            None => number_text(d.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A number as Excel's General format would show it: no trailing `.0`.
pub fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if f.abs() >= 1e15 {
        // Excel's General format: six significant digits, e.g. 5.10722E+17.
        let text = format!("{f:.5E}");
        let (mantissa, exponent) = text.split_once('E').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}E+{exponent}")
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_without_a_trailing_zero() {
        assert_eq!(number_text(1.0), "1");
        assert_eq!(number_text(1985.3), "1985.3");
        assert_eq!(number_text(5.107221985e17), "5.10722E+17");
    }
}
