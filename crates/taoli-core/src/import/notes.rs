//! What a clerk reads about an import: repeated things said once.
//!
//! A county roster repeats the same quirk thousands of times (民族 written
//! 「汉 族」, 职称 written 「未评」). Listing it per row buries the one row that
//! matters, so the preview carries two grouped views: [`ImportNote`]s, the
//! ways values were written that the import understood (one line per column
//! and way of writing, with a count and example rows), and
//! [`ProblemGroup`]s, the refusals, errors and warnings grouped by column and
//! kind. Every row's own messages stay in the preview (the CLI's `--json`).

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::{MessageSeverity, RowPreview};
use crate::catalog::Form;

/// How many example rows a grouped line names.
const EXAMPLES: usize = 5;

/// One way of writing that the import understood, for one column.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportNote {
    pub sheet: String,
    pub column: String,
    pub field: String,
    #[ts(type = "number")]
    pub count: usize,
    /// The first rows (as Excel numbers them).
    pub rows: Vec<u32>,
    /// The first value written this way, and what it was taken as.
    pub example: String,
    pub taken_as: String,
    /// The whole line: 「民族（F 列）2,314 行写成了『汉 族』等带空格的写法：已按『汉族』处理」.
    pub text: String,
}

/// Refusals, errors or warnings of one kind in one column.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProblemGroup {
    pub severity: MessageSeverity,
    pub code: String,
    pub column: Option<String>,
    pub field: Option<String>,
    #[ts(type = "number")]
    pub count: usize,
    /// The first rows: sheet and row number.
    pub rows: Vec<(String, u32)>,
    /// The first row's message, which names what to do.
    pub example: String,
    /// The whole line, with the count and example rows.
    pub text: String,
}

#[derive(Debug, Default)]
struct Tally {
    count: usize,
    rows: Vec<u32>,
    example: String,
    taken_as: String,
}

/// Where a note's value was: sheet, column letter, field label, row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    pub sheet: &'a str,
    pub column: &'a str,
    pub field: &'a str,
    pub row: u32,
}

/// Collects the notes while rows are planned.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    seen: BTreeMap<(String, String, String, Form), Tally>,
}

impl Notes {
    /// Notes that `written` in `field` at `at` was read as `taken_as`.
    pub(crate) fn add(&mut self, at: &At<'_>, form: Form, written: &str, taken_as: &str) {
        if form == Form::Exact {
            return;
        }
        let At {
            sheet,
            column,
            field,
            row,
        } = *at;
        let tally = self
            .seen
            .entry((sheet.to_owned(), column.to_owned(), field.to_owned(), form))
            .or_default();
        if tally.count == 0 {
            tally.example = crate::text::excerpt(written, 30);
            tally.taken_as = crate::text::excerpt(taken_as, 30);
        }
        tally.count = tally.count.saturating_add(1);
        if tally.rows.len() < EXAMPLES {
            tally.rows.push(row);
        }
    }

    pub(crate) fn finish(self) -> Vec<ImportNote> {
        self.seen
            .into_iter()
            .map(|((sheet, column, field, form), t)| {
                let taken = if t.taken_as.is_empty() {
                    "空值".to_owned()
                } else {
                    format!("『{}』", t.taken_as)
                };
                let text = format!(
                    "{field}（{column} 列）{} 行写成了『{}』等{}：已按{taken}{}处理（第 {} 行{}）",
                    thousands(t.count),
                    t.example,
                    form.describe(),
                    if t.count > 1 { "等" } else { "" },
                    join_rows(&t.rows),
                    if t.count > t.rows.len() { "等" } else { "" },
                );
                ImportNote {
                    sheet,
                    column,
                    field,
                    count: t.count,
                    rows: t.rows,
                    example: t.example,
                    taken_as: t.taken_as,
                    text,
                }
            })
            .collect()
    }
}

/// The rows' refusals, errors and warnings, one group per kind and column,
/// in order of severity, then of how many rows they concern.
pub fn problem_groups(rows: &[RowPreview]) -> Vec<ProblemGroup> {
    let mut groups: Vec<ProblemGroup> = Vec::new();
    let mut index: BTreeMap<(u8, String, Option<String>, Option<String>), usize> = BTreeMap::new();
    for row in rows {
        for m in &row.messages {
            let rank = match m.severity {
                MessageSeverity::Refusal => 0,
                MessageSeverity::Error => 1,
                MessageSeverity::Warning => 2,
                MessageSeverity::Info => continue,
            };
            let key = (rank, m.code.to_string(), m.column.clone(), m.field.clone());
            let at = *index.entry(key).or_insert_with(|| {
                groups.push(ProblemGroup {
                    severity: m.severity,
                    code: m.code.to_string(),
                    column: m.column.clone(),
                    field: m.field.clone(),
                    count: 0,
                    rows: Vec::new(),
                    example: m.text.to_string(),
                    text: String::new(),
                });
                groups.len().saturating_sub(1)
            });
            if let Some(group) = groups.get_mut(at) {
                group.count = group.count.saturating_add(1);
                if group.rows.len() < EXAMPLES {
                    group.rows.push((row.sheet.to_string(), row.row));
                }
            }
        }
    }
    for group in &mut groups {
        let what = match (&group.field, &group.column) {
            (Some(f), Some(c)) => format!("{f}（{c} 列）"),
            (Some(f), None) => f.clone(),
            (None, _) => String::new(),
        };
        let rows: Vec<u32> = group.rows.iter().map(|(_, r)| *r).collect();
        group.text = if group.count == 1 {
            format!("{what}第 {} 行：{}", join_rows(&rows), group.example)
        } else {
            format!(
                "{what}{} 行，如第 {} 行{}：{}",
                thousands(group.count),
                join_rows(&rows),
                if group.count > rows.len() { "等" } else { "" },
                group.example
            )
        };
    }
    groups.sort_by_key(|g| {
        (
            match g.severity {
                MessageSeverity::Refusal => 0,
                MessageSeverity::Error => 1,
                MessageSeverity::Warning => 2,
                MessageSeverity::Info => 3,
            },
            std::cmp::Reverse(g.count),
        )
    });
    groups
}

fn join_rows(rows: &[u32]) -> String {
    rows.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join("、")
}

/// 2314 → 「2,314」.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len().saturating_add(digits.len() / 3));
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len().saturating_sub(i)) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_written_with_thousands_separators() {
        assert_eq!(thousands(2_314), "2,314");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn one_way_of_writing_in_one_column_is_one_note_with_its_count() {
        let mut notes = Notes::default();
        for row in 2..=2_315 {
            let at = At {
                sheet: "教师信息",
                column: "F",
                field: "民族",
                row,
            };
            notes.add(&at, Form::Spaced, "汉 族", "汉族");
        }
        let notes = notes.finish();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            notes[0].text,
            "民族（F 列）2,314 行写成了『汉 族』等带空格或全角字符的写法：已按『汉族』等处理（第 2、3、4、5、6 行等）"
        );
    }

    #[test]
    fn values_written_as_the_table_writes_them_make_no_note() {
        let mut notes = Notes::default();
        let at = At {
            sheet: "教师信息",
            column: "F",
            field: "民族",
            row: 2,
        };
        notes.add(&at, Form::Exact, "汉族", "汉族");
        assert!(notes.finish().is_empty());
    }
}
