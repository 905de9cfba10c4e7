//! Finding the table in a sheet: the header row among the first 20 rows
//! (title rows and 「填报单位」 lines above it skipped), two-row headers with
//! merged group cells joined into one name, and the data rows below it up to
//! a 合计/小计 row.

use calamine::Data;

use super::mapping::HeaderMatcher;
use super::source::SheetRow;
use crate::error::ImportError;
use crate::error::Result;

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

/// A sheet's header: where it is and each column's name.
#[derive(Debug, Clone)]
pub struct Header {
    /// First and last header row, as Excel numbers them.
    pub rows: (u32, u32),
    /// Each non-empty header: column index (from column A = 0) and its name.
    pub columns: Vec<(usize, String)>,
    /// The last header row's texts without white space, to spot it repeated.
    squeezed: Vec<String>,
}

/// What a row below the header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Data,
    /// The header repeated (a roster printed page by page), or nothing but spaces.
    Skip,
    /// A 合计/小计 row or the sign-off lines: the table ends above it.
    End,
}

/// The last serial Excel shows as a date: 9999-12-31 23:59:59.
const LAST_SERIAL: f64 = 2_958_465.999_99;

/// The date and time of an Excel date cell; `None` for a serial no calendar
/// has (negative, past 9999-12-31, not a number). calamine's own conversion
/// panics on some of those (`-1E+308` overflows chrono's
/// `TimeDelta::milliseconds`), so it is only asked within Excel's range.
pub fn excel_datetime(d: &calamine::ExcelDateTime) -> Option<chrono::NaiveDateTime> {
    let serial = d.as_f64();
    if serial.is_finite() && (0.0..=LAST_SERIAL).contains(&serial) {
        d.as_datetime()
    } else {
        None
    }
}

/// A cell as text, the way a clerk sees it in the sheet.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(d) => match excel_datetime(d) {
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

fn row_texts(row: &SheetRow, width: usize) -> Vec<String> {
    (0..width)
        .map(|c| cell_text(row.cell(c)).trim().to_owned())
        .collect()
}

/// Column names of a two-row header: a group cell merged across several
/// columns (filled rightwards) above its sub-headers, or a cell merged down
/// over both rows.
fn two_row_names(top: &[String], bottom: &[String], matcher: &HeaderMatcher) -> Vec<String> {
    let mut carried = String::new();
    top.iter()
        .zip(bottom)
        .map(|(t, b)| {
            if !t.is_empty() {
                carried = t.clone();
            } else if b.is_empty() {
                carried.clear();
            }
            let t = if t.is_empty() {
                carried.as_str()
            } else {
                t.as_str()
            };
            if b.is_empty() {
                return t.to_owned();
            }
            if t.is_empty() || t == b {
                return b.clone();
            }
            let joined = format!("{t}{b}");
            if !matcher.candidates(b).is_empty() {
                b.clone()
            } else if !matcher.candidates(&joined).is_empty() {
                joined
            } else if !matcher.candidates(t).is_empty() {
                t.to_owned()
            } else {
                format!("{t}/{b}")
            }
        })
        .collect()
}

/// How many distinct indicators a row of names stands for.
fn score(names: &[String], matcher: &HeaderMatcher) -> usize {
    let mut seen: Vec<&super::mapping::FieldTarget> = Vec::new();
    for name in names.iter().filter(|n| !n.is_empty()) {
        if let Some(target) = matcher.candidates(name).first()
            && !seen.contains(&target)
        {
            seen.push(target);
        }
    }
    seen.len()
}

/// A row holding numbers, dates or long digit strings (an ID, a phone) is
/// data, never a header.
fn looks_like_data(row: &SheetRow) -> bool {
    row.cells.iter().any(|cell| match cell {
        Data::String(s) => s.bytes().filter(u8::is_ascii_digit).count() >= 6,
        Data::Empty => false,
        _ => true,
    })
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Finds the header among a sheet's first rows (those numbered up to
/// [`HEADER_SEARCH_ROWS`] + 1). Returns it and the position in `rows` of the
/// first row below it.
pub fn find_header(
    sheet: &str,
    rows: &[SheetRow],
    matcher: &HeaderMatcher,
) -> Result<(Header, usize)> {
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let texts: Vec<Vec<String>> = rows.iter().map(|r| row_texts(r, width)).collect();
    let data: Vec<bool> = rows.iter().map(looks_like_data).collect();
    let candidate = |i: usize| {
        rows.get(i)
            .is_some_and(|r| r.number as usize <= HEADER_SEARCH_ROWS)
            && data.get(i) == Some(&false)
    };
    // (score, first index, last index, names); a single row wins ties, and an
    // earlier candidate wins over a later one.
    let mut best: Option<(usize, usize, usize, Vec<String>)> = None;
    for (i, row) in texts.iter().enumerate() {
        if !candidate(i) {
            continue;
        }
        let s = score(row, matcher);
        if best.as_ref().is_none_or(|b| s > b.0) {
            best = Some((s, i, i, row.clone()));
        }
    }
    let pairs = texts.windows(2).zip(rows.windows(2)).zip(data.windows(2));
    for (i, ((texts, rows), data)) in pairs.enumerate() {
        let ([upper, lower], [top, below], [_, below_is_data]) = (texts, rows, data) else {
            continue;
        };
        // A group row has several cells; a title row (one merged cell) is not one.
        let filled = upper.iter().filter(|t| !t.is_empty()).count();
        let adjacent = below.number == top.number.saturating_add(1);
        if !candidate(i) || *below_is_data || !adjacent || filled < 2 {
            continue;
        }
        let names = two_row_names(upper, lower, matcher);
        let s = score(&names, matcher);
        if best.as_ref().is_none_or(|b| s > b.0) {
            best = Some((s, i, i.saturating_add(1), names));
        }
    }
    let Some((_, first, last, names)) = best.filter(|b| b.0 >= 2) else {
        return Err(ImportError::NoHeaderRow {
            sheet: sheet.to_owned(),
        }
        .into());
    };
    let header = Header {
        rows: (
            rows.get(first).map_or(0, |r| r.number),
            rows.get(last).map_or(0, |r| r.number),
        ),
        columns: names
            .into_iter()
            .enumerate()
            .filter(|(_, n)| !n.is_empty())
            .collect(),
        squeezed: texts
            .get(last)
            .map(|t| t.iter().map(|t| squeeze(t)).collect())
            .unwrap_or_default(),
    };
    Ok((header, last.saturating_add(1)))
}

impl Header {
    /// Whether a row below the header is data, to be skipped, or the end of the table.
    pub fn classify(&self, row: &SheetRow) -> RowKind {
        let mut blank = true;
        let mut repeats_header = true;
        let mut first_text: Option<String> = None;
        let width = row.cells.len().max(self.squeezed.len());
        for c in 0..width {
            let header = self.squeezed.get(c).map_or("", String::as_str);
            let cell = row.cell(c);
            let text = match cell {
                Data::Empty => String::new(),
                Data::String(s) => squeeze(s),
                other => squeeze(&cell_text(other)),
            };
            if text.is_empty() {
                if !header.is_empty() {
                    repeats_header = false;
                }
                continue;
            }
            blank = false;
            if text != header {
                repeats_header = false;
            }
            if first_text.is_none() {
                first_text = Some(text);
            }
        }
        if blank || repeats_header {
            return RowKind::Skip;
        }
        let ends = first_text.is_some_and(|t| {
            let t = t.trim_start_matches(['(', '（']);
            END_MARKERS.iter().any(|m| t.starts_with(m))
        });
        if ends { RowKind::End } else { RowKind::Data }
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
