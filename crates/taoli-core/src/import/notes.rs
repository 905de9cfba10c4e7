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

use super::{MessageSeverity, RowPreview, Worded};
use crate::catalog::Form;
use crate::error::Locale;
use crate::error::messages::render;

/// How many example rows a grouped line names.
const EXAMPLES: usize = 5;

/// One way of writing that the import understood, for one column.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportNote {
    pub sheet: String,
    pub column: String,
    /// The indicator's label, in the preview's language.
    pub field: String,
    #[ts(type = "number")]
    pub count: usize,
    /// The first rows (as Excel numbers them).
    pub rows: Vec<u32>,
    /// The first value written this way, and what it was taken as.
    pub example: String,
    pub taken_as: String,
    /// The whole line, in the preview's language: 「民族（F 列）2,314 行写成了
    /// 『汉 族』等带空格的写法：已按『汉族』处理」.
    pub text: String,
}

/// Refusals, errors or warnings of one kind in one column.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProblemGroup {
    pub severity: MessageSeverity,
    pub code: String,
    pub column: Option<String>,
    /// The indicator's label, in the preview's language.
    pub field: Option<String>,
    #[ts(type = "number")]
    pub count: usize,
    /// The first rows: sheet and row number.
    pub rows: Vec<(String, u32)>,
    /// The first row's message, which names what to do.
    pub example: String,
    /// The whole line, with the count and example rows, in the preview's language.
    pub text: String,
}

#[derive(Debug, Default, Clone)]
struct Tally {
    /// The indicator's label in English (the key holds the Chinese one).
    field_en: String,
    count: usize,
    rows: Vec<u32>,
    example: String,
    taken_as: String,
}

/// Where a note's value was: sheet, column letter, field label (in Chinese
/// and in English), row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    pub sheet: &'a str,
    pub column: &'a str,
    pub field: &'a str,
    pub field_en: &'a str,
    pub row: u32,
}

/// Collects the notes while rows are planned.
#[derive(Debug, Default, Clone)]
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
            field_en,
            row,
        } = *at;
        let tally = self
            .seen
            .entry((sheet.to_owned(), column.to_owned(), field.to_owned(), form))
            .or_default();
        if tally.count == 0 {
            tally.field_en = field_en.to_owned();
            tally.example = crate::text::excerpt(written, 30);
            tally.taken_as = crate::text::excerpt(taken_as, 30);
        }
        tally.count = tally.count.saturating_add(1);
        if tally.rows.len() < EXAMPLES {
            tally.rows.push(row);
        }
    }

    /// The notes, worded in `locale`.
    pub(crate) fn finish(self, locale: Locale) -> Vec<ImportNote> {
        self.seen
            .into_iter()
            .map(|((sheet, column, field, form), t)| {
                let text = Worded::said_in("import.note", |l| {
                    let etc = || render(l, "import.note.etc", &[]);
                    let taken = if t.taken_as.is_empty() {
                        render(l, "import.note.taken_empty", &[])
                    } else {
                        render(l, "import.note.taken", &[("value", t.taken_as.clone())])
                    };
                    vec![
                        ("field", pick(l, &field, &t.field_en)),
                        ("column", column.clone()),
                        ("count", thousands(t.count)),
                        ("example", t.example.clone()),
                        ("form", render(l, form.message_key(), &[])),
                        ("taken", taken),
                        ("etc", if t.count > 1 { etc() } else { String::new() }),
                        ("rows", join_rows(l, &t.rows)),
                        (
                            "rows_etc",
                            if t.count > t.rows.len() {
                                etc()
                            } else {
                                String::new()
                            },
                        ),
                    ]
                });
                ImportNote {
                    sheet,
                    column,
                    field: pick(locale, &field, &t.field_en),
                    count: t.count,
                    rows: t.rows,
                    example: t.example,
                    taken_as: t.taken_as,
                    text: text.into_locale(locale),
                }
            })
            .collect()
    }
}

/// The rows' refusals, errors and warnings, one group per kind and column,
/// in order of severity, then of how many rows they concern.
pub fn problem_groups(rows: &[RowPreview], locale: Locale) -> Vec<ProblemGroup> {
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
        let rows: Vec<u32> = group.rows.iter().map(|(_, r)| *r).collect();
        let key = if group.count == 1 {
            "import.problem_group.one"
        } else {
            "import.problem_group.many"
        };
        let field = group.field.clone();
        let text = Worded::said_in(key, |l| {
            let place = match (field.clone(), &group.column) {
                (Some(f), Some(c)) => render(
                    l,
                    "import.problem_group.where",
                    &[("field", f), ("column", c.clone())],
                ),
                (Some(f), None) => f,
                (None, _) => String::new(),
            };
            vec![
                ("where", place),
                ("count", thousands(group.count)),
                ("rows", join_rows(l, &rows)),
                (
                    "rows_etc",
                    if group.count > rows.len() {
                        render(l, "import.note.etc", &[])
                    } else {
                        String::new()
                    },
                ),
                ("example", group.example.clone()),
            ]
        });
        group.text = text.into_locale(locale);
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

/// Row numbers as a list in `locale`: 「2、3、4」, "2, 3, 4".
fn join_rows(locale: Locale, rows: &[u32]) -> String {
    rows.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(&render(locale, "import.row.list_separator", &[]))
}

/// The Chinese or the English of a pair.
fn pick(locale: Locale, zh: &str, en: &str) -> String {
    match locale {
        Locale::ZhCn => zh.to_owned(),
        Locale::En => en.to_owned(),
    }
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
                field_en: "Ethnicity",
                row,
            };
            notes.add(&at, Form::Spaced, "汉 族", "汉族");
        }
        let both = (notes.clone().finish(Locale::ZhCn), notes.finish(Locale::En));
        assert_eq!(both.0.len(), 1);
        assert_eq!(
            both.0[0].text,
            "民族（F 列）2,314 行写成了『汉 族』等带空格或全角字符的写法：已按『汉族』等处理（第 2、3、4、5、6 行等）"
        );
        assert_eq!(
            both.1[0].text,
            "Ethnicity (column F): 2,314 rows written as “汉 族” and the like, a form with spaces or full-width characters: taken as “汉族” and so on (rows 2, 3, 4, 5, 6 and so on)"
        );
    }

    #[test]
    fn values_written_as_the_table_writes_them_make_no_note() {
        let mut notes = Notes::default();
        let at = At {
            sheet: "教师信息",
            column: "F",
            field: "民族",
            field_en: "Ethnicity",
            row: 2,
        };
        notes.add(&at, Form::Exact, "汉族", "汉族");
        assert!(notes.finish(Locale::ZhCn).is_empty());
    }
}
