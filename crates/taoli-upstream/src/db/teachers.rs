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
use crate::error::{Error, Result};
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

impl Db {
    /// Every teacher in effect in the actor's subtree (one school if given).
    fn teachers_in_effect(
        &self,
        actor: &Actor,
        school: Option<&str>,
        contains: &str,
    ) -> Result<Vec<(TeacherRow, String)>> {
        let pattern = actor.pattern();
        let school = school.unwrap_or("").to_owned();
        let like = format!("%{}%", contains.replace(['%', '_'], ""));
        let rows = self.read(|tx| {
            tx.query(
                "SELECT t.school, s.name, t.teacher_id, t.fields FROM teacher_state t
                 JOIN school s ON s.code = t.school
                 WHERE t.record_id = '' AND t.removed = 0 AND s.county LIKE $1
                   AND ($2 = '' OR t.school = $2) AND (t.fields LIKE $3 OR s.name LIKE $3)
                 ORDER BY t.school, t.teacher_id",
                args![&pattern, &school, &like],
            )
        })?;
        let labels = Labels::get();
        rows.iter()
            .map(|r| {
                let fields: Map<String, Json> = serde_json::from_str(&r.text(3)?)
                    .map_err(|e| Error::Storage(format!("保存的在用信息无法读取：{e}")))?;
                let id = text(&fields, "id_number");
                let tail: String = {
                    let chars: Vec<char> = id.chars().collect();
                    chars
                        .get(chars.len().saturating_sub(4)..)
                        .map(|t| t.iter().collect())
                        .unwrap_or_default()
                };
                let row = TeacherRow {
                    school: r.text(0)?,
                    school_name: r.text(1)?,
                    teacher_id: r.text(2)?,
                    name: text(&fields, "name"),
                    gender: named(labels, "gender", &text(&fields, "gender")),
                    birth_date: text(&fields, "birth_date"),
                    id_type: named(labels, "id_type", &text(&fields, "id_type")),
                    id_tail: tail,
                    education: named(
                        labels,
                        "highest_education",
                        &text(&fields, "highest_education"),
                    ),
                    title: named(labels, "current_title", &text(&fields, "current_title")),
                };
                Ok((row, id))
            })
            .collect()
    }

    /// Teachers whose name contains `q`, whose ID number ends with `q`, or
    /// whose school's name contains `q` (everyone when `q` is empty), a
    /// page at a time.
    pub fn find_teachers(
        &self,
        actor: &Actor,
        q: &str,
        school: Option<&str>,
        page: u64,
        page_size: u64,
    ) -> Result<TeacherPage> {
        let q = q.trim();
        let id_tail = !q.is_empty()
            && q.chars().count() <= 6
            && q.chars()
                .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x');
        // An ID number's tail is matched against the whole number, which
        // the LIKE of the query cannot know: look at everyone in scope.
        let contains = if id_tail { "" } else { q };
        let found: Vec<TeacherRow> = self
            .teachers_in_effect(actor, school, contains)?
            .into_iter()
            .filter(|(t, id)| {
                q.is_empty()
                    || t.name.contains(q)
                    || t.school_name.contains(q)
                    || (id_tail && id.to_uppercase().ends_with(&q.to_uppercase()))
            })
            .map(|(t, _)| t)
            .collect();
        let page_size = page_size.clamp(1, 200);
        let page = page.max(1);
        let skip =
            usize::try_from(page.saturating_sub(1).saturating_mul(page_size)).unwrap_or(usize::MAX);
        let take = usize::try_from(page_size).unwrap_or(200);
        Ok(TeacherPage {
            total: found.len() as u64,
            items: found.into_iter().skip(skip).take(take).collect(),
            page,
            page_size,
        })
    }

    /// The teachers in effect counted by 性别, age band (on `today`),
    /// 最高学历 and 现任专业技术职务.
    pub fn teacher_stats(
        &self,
        actor: &Actor,
        school: Option<&str>,
        today: NaiveDate,
    ) -> Result<Stats> {
        let teachers: Vec<TeacherRow> = self
            .teachers_in_effect(actor, school, "")?
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        let count = |key: &str, label: &str, value: &dyn Fn(&TeacherRow) -> String| {
            let mut buckets: BTreeMap<String, u64> = BTreeMap::new();
            for t in &teachers {
                let b = buckets.entry(value(t)).or_default();
                *b = b.saturating_add(1);
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
        let mut age = count("age_band", "年龄段", &|t| {
            age_band(&t.birth_date, today).to_owned()
        });
        age.buckets.sort_by_key(|b| {
            AGE_BANDS
                .iter()
                .position(|(_, l)| *l == b.label)
                .unwrap_or(AGE_BANDS.len())
        });
        Ok(Stats {
            teachers: teachers.len() as u64,
            dimensions: vec![
                count("gender", "性别", &|t| t.gender.clone()),
                age,
                count("education", "最高学历", &|t| t.education.clone()),
                count("title", "现任专业技术职务", &|t| t.title.clone()),
            ],
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
}
