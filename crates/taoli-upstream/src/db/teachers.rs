//! 查询与统计: the teachers in effect across an officer's subtree (what
//! the accepted changes left in `teacher_state`), found by name, the tail
//! of the ID number or the school, and counted by 性别, age band, 最高学历
//! and 现任专业技术职务 — the dimensions and age bands of the school's own
//! statistics in the desktop app (`crates/taoli-core/src/stats`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::{Map, Value as Json};

use super::Db;
use super::console::Actor;
use super::sql::args;
use crate::error::Result;
use crate::labels::Labels;

/// A teacher in effect, as the query lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeacherRow {
    pub school: String,
    pub school_name: String,
    pub teacher_id: String,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    /// The ID document's type by its name (居民身份证, 护照 …), or 未填.
    pub id_type: String,
    /// The last four characters of the ID number: enough to tell two
    /// teachers apart, no more.
    pub id_tail: String,
    pub education: String,
    pub title: String,
}

/// A page of teachers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TeacherPage {
    pub items: Vec<TeacherRow>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// One bar or slice of a dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Bucket {
    pub label: String,
    pub count: u64,
}

/// The teachers counted by one thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Dimension {
    pub key: String,
    pub label: String,
    pub buckets: Vec<Bucket>,
}

/// The statistics of the subtree (or one school).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Stats {
    pub teachers: u64,
    pub dimensions: Vec<Dimension>,
}

/// The age bands: the youngest age in each, and its label.
const AGE_BANDS: [(u32, &str); 9] = [
    (0, "≤24"),
    (25, "25–29"),
    (30, "30–34"),
    (35, "35–39"),
    (40, "40–44"),
    (45, "45–49"),
    (50, "50–54"),
    (55, "55–59"),
    (60, "≥60"),
];

const MISSING: &str = "未填";

/// What the console lists and counts of a teacher, taken from the `fields`
/// in effect: `teacher_state`'s own columns (migration 0006), which
/// `take_effect` writes whenever it writes `fields`, so that a page, a
/// total and a statistic are SQL and no JSON is read to answer them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    pub(crate) name: String,
    /// Upper-cased (ASCII): a tail typed with x finds an X.
    pub(crate) id_number: String,
    pub(crate) gender: String,
    pub(crate) birth_date: String,
    pub(crate) id_type: String,
    pub(crate) highest_education: String,
    pub(crate) current_title: String,
}

impl Listed {
    /// The values of `fields` the columns hold: a text trimmed, nothing
    /// for a missing or null value, any other value as its JSON (what the
    /// migration's backfill does in SQL).
    pub(crate) fn of(fields: &Map<String, Json>) -> Listed {
        Listed {
            name: text(fields, "name"),
            id_number: text(fields, "id_number").to_ascii_uppercase(),
            gender: text(fields, "gender"),
            birth_date: text(fields, "birth_date"),
            id_type: text(fields, "id_type"),
            highest_education: text(fields, "highest_education"),
            current_title: text(fields, "current_title"),
        }
    }
}

fn text(fields: &Map<String, Json>, key: &str) -> String {
    match fields.get(key) {
        Some(Json::String(s)) => s.trim().to_owned(),
        Some(Json::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A coded value by its name alone (「本科」), or 未填.
fn named(labels: &Labels, field: &str, value: &str) -> String {
    if value.is_empty() {
        return MISSING.into();
    }
    let said = labels.value(field, value);
    said.strip_prefix(value)
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map_or(said.clone(), str::to_owned)
}

/// The age band on `today` of a teacher born on `birth` (YYYY-MM-DD).
fn age_band(birth: &str, today: NaiveDate) -> &'static str {
    let Ok(born) = NaiveDate::parse_from_str(birth, "%Y-%m-%d") else {
        return "未知";
    };
    let Some(mut age) = today.year().checked_sub(born.year()) else {
        return "未知";
    };
    if (today.month(), today.day()) < (born.month(), born.day()) {
        age = age.saturating_sub(1);
    }
    let age = u32::try_from(age).unwrap_or(0);
    AGE_BANDS
        .iter()
        .rev()
        .find(|(youngest, _)| age >= *youngest)
        .map_or("未知", |(_, label)| label)
}

/// A `LIKE` pattern for the rows containing `words` as typed: `%`, `_`
/// and the escape `\` itself stand for themselves (with `ESCAPE '\'`).
fn containing(words: &str) -> String {
    let mut pattern = String::with_capacity(words.len().saturating_add(2));
    pattern.push('%');
    for c in words.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Whether `q` is the tail of an ID number: up to six digits or X.
fn is_id_tail(q: &str) -> bool {
    !q.is_empty()
        && q.chars().count() <= 6
        && q.chars()
            .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x')
}

/// The teachers in effect in a subtree: `$1` the pattern of its county
/// codes, `$2` one school or '' for all. The index `teacher_state_in_effect`
/// holds exactly these rows, in school order, with every column read here.
const IN_EFFECT: &str = "FROM teacher_state t JOIN school s ON s.code = t.school
     WHERE t.record_id = '' AND t.removed = 0 AND s.county LIKE $1
       AND ($2 = '' OR t.school = $2)";

/// Of those, the ones a query finds: `$3` the words ('' for everyone) in
/// the name or the school's name, `$4` them as a `LIKE` pattern, `$5` the
/// ID tail's pattern ('' when the words are no tail). SQLite's `LIKE`
/// ignores the case of ASCII letters and PostgreSQL's does not: `replace`
/// (case-sensitive in both) keeps the two engines' answers alike.
const FOUND: &str = r"AND ($3 = ''
            OR (t.name LIKE $4 ESCAPE '\' AND replace(t.name, $3, '') <> t.name)
            OR (s.name LIKE $4 ESCAPE '\' AND replace(s.name, $3, '') <> s.name)
            OR ($5 <> '' AND t.id_number LIKE $5))";

impl Db {
    /// Teachers whose name contains `q`, whose ID number ends with `q`, or
    /// whose school's name contains `q` (everyone when `q` is empty), a
    /// page at a time, by school and teacher. The database filters, counts
    /// and pages; only the page's rows come back.
    pub fn find_teachers(
        &self,
        actor: &Actor,
        q: &str,
        school: Option<&str>,
        page: u64,
        page_size: u64,
    ) -> Result<TeacherPage> {
        let q = q.trim();
        let pattern = actor.pattern();
        let school = school.unwrap_or("");
        let words = containing(q);
        let tail = if is_id_tail(q) {
            format!("%{}", q.to_ascii_uppercase())
        } else {
            String::new()
        };
        let page_size = page_size.clamp(1, 200);
        let page = page.max(1);
        let offset = page.saturating_sub(1).saturating_mul(page_size);
        let (total, rows) = self.read(|tx| {
            let total = tx
                .query_one(
                    &format!("SELECT count(*) {IN_EFFECT} {FOUND}"),
                    args![&pattern, school, q, &words, &tail],
                )?
                .count(0)?;
            let rows = tx.query(
                &format!(
                    "SELECT t.school, s.name, t.teacher_id, t.name, t.gender, t.birth_date,
                            t.id_type, t.id_number, t.highest_education, t.current_title
                     {IN_EFFECT} {FOUND}
                     ORDER BY t.school, t.teacher_id LIMIT $6 OFFSET $7"
                ),
                args![&pattern, school, q, &words, &tail, page_size, offset],
            )?;
            Ok((total, rows))
        })?;
        let labels = Labels::get();
        let items = rows
            .iter()
            .map(|r| {
                let id: Vec<char> = r.text(7)?.chars().collect();
                Ok(TeacherRow {
                    school: r.text(0)?,
                    school_name: r.text(1)?,
                    teacher_id: r.text(2)?,
                    name: r.text(3)?,
                    gender: named(labels, "gender", &r.text(4)?),
                    birth_date: r.text(5)?,
                    id_type: named(labels, "id_type", &r.text(6)?),
                    id_tail: id
                        .get(id.len().saturating_sub(4)..)
                        .map(|t| t.iter().collect())
                        .unwrap_or_default(),
                    education: named(labels, "highest_education", &r.text(8)?),
                    title: named(labels, "current_title", &r.text(9)?),
                })
            })
            .collect::<Result<Vec<TeacherRow>>>()?;
        Ok(TeacherPage {
            items,
            total,
            page,
            page_size,
        })
    }

    /// The teachers in effect counted by 性别, age band (on `today`),
    /// 最高学历 and 现任专业技术职务: each counted by its stored value in
    /// the database (by birth date for the age), the values then named
    /// and banded here.
    pub fn teacher_stats(
        &self,
        actor: &Actor,
        school: Option<&str>,
        today: NaiveDate,
    ) -> Result<Stats> {
        let pattern = actor.pattern();
        let school = school.unwrap_or("");
        let columns = ["gender", "birth_date", "highest_education", "current_title"];
        let counted = self.read(|tx| {
            columns
                .iter()
                .map(|column| {
                    tx.query(
                        &format!("SELECT t.{column}, count(*) {IN_EFFECT} GROUP BY t.{column}"),
                        args![&pattern, school],
                    )?
                    .iter()
                    .map(|r| Ok((r.text(0)?, r.count(1)?)))
                    .collect::<Result<Vec<(String, u64)>>>()
                })
                .collect::<Result<Vec<_>>>()
        })?;
        let labels = Labels::get();
        let count = |key: &str, label: &str, column: usize, bucket: &dyn Fn(&str) -> String| {
            let mut buckets: BTreeMap<String, u64> = BTreeMap::new();
            for (value, n) in counted.get(column).into_iter().flatten() {
                let b = buckets.entry(bucket(value)).or_default();
                *b = b.saturating_add(*n);
            }
            let mut buckets: Vec<Bucket> = buckets
                .into_iter()
                .map(|(label, count)| Bucket { label, count })
                .collect();
            // The missing values last, as the desktop app shows them.
            buckets.sort_by_key(|b| b.label == MISSING || b.label == "未知");
            Dimension {
                key: key.into(),
                label: label.into(),
                buckets,
            }
        };
        let gender = count("gender", "性别", 0, &|v| named(labels, "gender", v));
        let mut age = count("age_band", "年龄段", 1, &|v| {
            age_band(v, today).to_owned()
        });
        age.buckets.sort_by_key(|b| {
            AGE_BANDS
                .iter()
                .position(|(_, l)| *l == b.label)
                .unwrap_or(AGE_BANDS.len())
        });
        let education = count("education", "最高学历", 2, &|v| {
            named(labels, "highest_education", v)
        });
        let title = count("title", "现任专业技术职务", 3, &|v| {
            named(labels, "current_title", v)
        });
        Ok(Stats {
            teachers: gender
                .buckets
                .iter()
                .fold(0u64, |all, b| all.saturating_add(b.count)),
            dimensions: vec![gender, age, education, title],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_age_band_counts_a_birthday_not_yet_reached() {
        let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(age_band("1997-03-02", today), "25–29");
        assert_eq!(age_band("2002-03-01", today), "25–29");
        assert_eq!(age_band("2002-03-02", today), "≤24");
        assert_eq!(age_band("1960-01-01", today), "≥60");
        assert_eq!(age_band("", today), "未知");
    }

    #[test]
    fn a_search_pattern_takes_percent_underscore_and_backslash_literally() {
        assert_eq!(containing("王芳"), "%王芳%");
        assert_eq!(containing(r"1_0%\"), r"%1\_0\%\\%");
    }

    #[test]
    fn the_listed_columns_are_the_trimmed_texts_of_the_fields() {
        let fields: Map<String, Json> = serde_json::from_value(serde_json::json!({
            "name": "\u{3000}王芳 ",
            "id_number": "51072219850101123x",
            "gender": null,
            "birth_date": 19850101,
        }))
        .unwrap();
        let listed = Listed::of(&fields);
        assert_eq!(listed.name, "王芳");
        assert_eq!(listed.id_number, "51072219850101123X");
        assert_eq!(listed.gender, "");
        assert_eq!(listed.birth_date, "19850101");
        assert_eq!(listed.current_title, "");
    }

    #[test]
    fn only_up_to_six_digits_or_x_are_an_id_tail() {
        assert!(is_id_tail("123x"));
        assert!(is_id_tail("000123"));
        assert!(!is_id_tail("1234567"));
        assert!(!is_id_tail("王1"));
        assert!(!is_id_tail(""));
    }
}
