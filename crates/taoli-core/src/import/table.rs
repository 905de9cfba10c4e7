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

fn row_texts(grid: &Grid, row: usize, width: usize) -> Vec<String> {
    (0..width)
        .map(|c| {
            grid.range
                .get((row, c))
                .map(cell_text)
                .map(|t| t.trim().to_owned())
                .unwrap_or_default()
        })
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
fn looks_like_data(grid: &Grid, row: usize, width: usize) -> bool {
    (0..width).any(|c| match grid.range.get((row, c)) {
        Some(Data::String(s)) => s.bytes().filter(u8::is_ascii_digit).count() >= 6,
        Some(Data::Empty) | None => false,
        Some(_) => true,
    })
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Finds the header and the data rows of a sheet.
pub fn find_table(grid: &Grid, matcher: &HeaderMatcher) -> Result<Table> {
    let (height, width) = grid.range.get_size();
    let search = height.min(HEADER_SEARCH_ROWS);
    let texts: Vec<Vec<String>> = (0..(search + 1).min(height))
        .map(|r| row_texts(grid, r, width))
        .collect();
    let data: Vec<bool> = (0..texts.len())
        .map(|r| looks_like_data(grid, r, width))
        .collect();
    // (score, first row, last row, names); a single row wins ties, and an
    // earlier candidate wins over a later one.
    let mut best: Option<(usize, usize, usize, Vec<String>)> = None;
    for (r, row) in texts.iter().enumerate().take(search) {
        if data[r] {
            continue;
        }
        let s = score(row, matcher);
        if best.as_ref().is_none_or(|b| s > b.0) {
            best = Some((s, r, r, row.clone()));
        }
    }
    for r in 0..search {
        // A group row has several cells; a title row (one merged cell) is not one.
        let filled = texts[r].iter().filter(|t| !t.is_empty()).count();
        if r + 1 >= texts.len() || filled < 2 || data[r] || data[r + 1] {
            continue;
        }
        let names = two_row_names(&texts[r], &texts[r + 1], matcher);
        let s = score(&names, matcher);
        if best.as_ref().is_none_or(|b| s > b.0) {
            best = Some((s, r, r + 1, names));
        }
    }
    let Some((_, first, last, names)) = best.filter(|b| b.0 >= 2) else {
        return Err(Error::NoHeaderRow {
            sheet: grid.sheet.clone(),
        });
    };
    let columns: Vec<(usize, String)> = names
        .into_iter()
        .enumerate()
        .filter(|(_, n)| !n.is_empty())
        .collect();
    let header_squeezed: Vec<String> = texts[last].iter().map(|t| squeeze(t)).collect();
    let mut rows = Vec::with_capacity(height.saturating_sub(last + 1));
    for r in last + 1..height {
        let mut blank = true;
        let mut repeats_header = true;
        let mut first_text: Option<String> = None;
        for (c, header) in header_squeezed.iter().enumerate() {
            let cell = grid.range.get((r, c)).unwrap_or(&Data::Empty);
            if matches!(cell, Data::Empty) {
                if !header.is_empty() {
                    repeats_header = false;
                }
                continue;
            }
            let text = match cell {
                Data::String(s) => squeeze(s),
                other => squeeze(&cell_text(other)),
            };
            if text.is_empty() {
                continue;
            }
            blank = false;
            if text != *header {
                repeats_header = false;
            }
            if first_text.is_none() {
                first_text = Some(text);
            }
        }
        if blank || repeats_header {
            continue;
        }
        if first_text.is_some_and(|t| {
            let t = t.trim_start_matches(['(', '（']);
            END_MARKERS.iter().any(|m| t.starts_with(m))
        }) {
            break;
        }
        rows.push(r);
    }
    Ok(Table {
        sheet: grid.sheet.clone(),
        header_rows: (first, last),
        columns,
        rows,
    })
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
