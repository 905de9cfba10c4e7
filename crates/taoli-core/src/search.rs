//! Finding a teacher the way clerks type: part of the name, pinyin initials
//! (`zs` finds 张三, also for characters with several readings), or the last
//! digits of the ID number.

use pinyin::ToPinyinMulti;
use serde::Serialize;
use ts_rs::TS;

use crate::catalog::{Catalog, PERSONNEL_STATUS_TABLE, Reading};
use crate::error::{Result, TeacherError};
use crate::status_changes::{Departure, Roster, RosterFilter};
use crate::store::SchoolFile;
use crate::teacher::Teacher;

/// The teachers a search found, and how many the school has in all.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TeacherListing {
    pub teachers: Vec<Teacher>,
    /// The teachers the listing's filter lets through, found or not.
    #[ts(type = "number")]
    pub total: usize,
    /// The teachers off the active roster today (离校教师), listed or not.
    #[ts(type = "number")]
    pub departed: usize,
    /// How each listed teacher off the roster left it, in the listing's
    /// order (read with the same roster, so the 离校教师 view needs no
    /// second read).
    pub departures: Vec<Departure>,
}

/// Finding teachers (查找) by name, pinyin initials or ID ending.
///
/// A service of the school file, reached with [`SchoolFile::search`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Search<'a> {
    pub(crate) school: &'a SchoolFile,
}

impl Search<'_> {
    /// The teachers matching `query` (everyone for an empty one), in
    /// registration order, with the school's total.
    pub fn teachers(&self, query: &str) -> Result<TeacherListing> {
        self.roster(query, RosterFilter::OnRoster)
    }

    /// The teachers matching `query` among those `filter` lets through
    /// (on the active roster today, off it, or everyone).
    pub fn roster(&self, query: &str, filter: RosterFilter) -> Result<TeacherListing> {
        self.roster_in_status(query, filter, None)
    }

    /// As [`Search::roster`], and only the teachers whose 人员状态 today is
    /// `status` (a code or its name, as the code table reads it), or under
    /// it when it is a heading (200 暂未在本单位任职 …). An unknown status is
    /// refused, saying so.
    pub fn roster_in_status(
        &self,
        query: &str,
        filter: RosterFilter,
        status: Option<&str>,
    ) -> Result<TeacherListing> {
        let all = self.school.teachers().all()?;
        let catalog = self.school.catalog()?;
        let roster = Roster::read(self.school)?;
        let today = chrono::Local::now().date_naive();
        let wanted = match status.map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => Some(status_code(&catalog, text)?),
            None => None,
        };
        let in_status = |teacher: &Teacher| match &wanted {
            None => true,
            Some(wanted) => roster
                .status_on(&teacher.id, today)
                .is_some_and(|code| status_within(&catalog, code, wanted)),
        };
        let (on, off): (Vec<Teacher>, Vec<Teacher>) = all
            .into_iter()
            .filter(in_status)
            .partition(|t| roster.on_roster(&catalog, &t.id, today));
        let departed = off.len();
        let listed = match filter {
            RosterFilter::OnRoster => on,
            RosterFilter::Departed => off,
            RosterFilter::All => {
                let mut all = on;
                all.extend(off);
                all.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
                all
            }
        };
        let total = listed.len();
        let query = Query::new(query);
        let teachers: Vec<Teacher> = listed.into_iter().filter(|t| query.matches(t)).collect();
        let departures = if filter == RosterFilter::OnRoster {
            Vec::new()
        } else {
            teachers
                .iter()
                .filter_map(|t| roster.departure(&catalog, &t.id, today))
                .collect()
        };
        Ok(TeacherListing {
            teachers,
            total,
            departed,
            departures,
        })
    }
}

/// The 人员状态 code `text` names (a code, its name or a synonym).
fn status_code(catalog: &Catalog, text: &str) -> Result<String> {
    let unknown = || TeacherError::StatusUnknown(text.to_owned());
    let table = catalog
        .code_table(PERSONNEL_STATUS_TABLE)
        .ok_or_else(unknown)?;
    match table.read(text) {
        Reading::Code(code) => Ok(code.code.clone()),
        _ => Err(unknown().into()),
    }
}

/// Whether status `code` is `wanted`, or under it in the code table.
fn status_within(catalog: &Catalog, code: &str, wanted: &str) -> bool {
    let Some(table) = catalog.code_table(PERSONNEL_STATUS_TABLE) else {
        return code == wanted;
    };
    let mut current = Some(code);
    // A code table is a shallow tree; the bound guards a malformed one.
    for _ in 0..8 {
        match current {
            Some(c) if c == wanted => return true,
            Some(c) => current = table.get(c).and_then(|entry| entry.parent.as_deref()),
            None => return false,
        }
    }
    false
}

/// Teachers whose name, pinyin initials or ID number ending match `query`,
/// in their original order. An empty query matches everyone.
pub fn filter<'a>(teachers: &'a [Teacher], query: &str) -> Vec<&'a Teacher> {
    let query = Query::new(query);
    teachers.iter().filter(|t| query.matches(t)).collect()
}

#[derive(Debug)]
struct Query {
    text: String,
    lower: String,
}

impl Query {
    fn new(raw: &str) -> Query {
        let text: String = crate::text::to_half_width(raw)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let lower = text.to_lowercase();
        Query { text, lower }
    }

    fn matches(&self, teacher: &Teacher) -> bool {
        if self.text.is_empty() {
            return true;
        }
        if teacher
            .name
            .to_lowercase()
            .replace(' ', "")
            .contains(&self.lower)
        {
            return true;
        }
        let upper = self.text.to_ascii_uppercase();
        if upper.len() >= 2
            && upper.bytes().all(|b| b.is_ascii_digit() || b == b'X')
            && teacher.id_number.ends_with(&upper)
        {
            return true;
        }
        self.lower.bytes().all(|b| b.is_ascii_lowercase())
            && initials_contain(&teacher.name, self.lower.as_bytes())
    }
}

/// The possible initials of each character of a name: every reading's first
/// letter for Chinese characters, the letter itself for Latin ones.
fn initials(name: &str) -> Vec<Vec<u8>> {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            let mut set: Vec<u8> = match c.to_pinyin_multi() {
                Some(readings) => readings
                    .into_iter()
                    .filter_map(|p| p.first_letter().bytes().next())
                    .collect(),
                None => c
                    .to_lowercase()
                    .next()
                    .filter(char::is_ascii_lowercase)
                    .map(|l| vec![l as u8])
                    .unwrap_or_default(),
            };
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect()
}

/// True when `query` matches a run of consecutive characters' initials.
fn initials_contain(name: &str, query: &[u8]) -> bool {
    let sets = initials(name);
    if query.len() > sets.len() {
        return false;
    }
    (0..=sets.len().saturating_sub(query.len())).any(|start| {
        query
            .iter()
            .zip(sets.iter().skip(start))
            .all(|(q, set)| set.contains(q))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teacher(name: &str, id_number: &str) -> Teacher {
        Teacher {
            id: name.into(),
            name: name.into(),
            id_type: "1".into(),
            id_type_name: "居民身份证".into(),
            id_number: id_number.into(),
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn names(found: Vec<&Teacher>) -> Vec<&str> {
        found.into_iter().map(|t| t.name.as_str()).collect()
    }

    fn roster() -> Vec<Teacher> {
        vec![
            teacher("张三", "11010519491231002X"),
            teacher("李四", "110105198001011234"),
            teacher("曾小明", "110105198502024321"),
        ]
    }

    #[test]
    fn initials_find_the_teacher() {
        assert_eq!(names(filter(&roster(), "zs")), ["张三"]);
    }

    #[test]
    fn initials_cover_every_reading_of_a_character() {
        // 曾 reads zēng as a surname and céng otherwise.
        assert_eq!(names(filter(&roster(), "zxm")), ["曾小明"]);
        assert_eq!(names(filter(&roster(), "cxm")), ["曾小明"]);
    }

    #[test]
    fn part_of_the_name_finds_the_teacher() {
        assert_eq!(names(filter(&roster(), "小明")), ["曾小明"]);
    }

    #[test]
    fn last_digits_of_the_id_number_find_the_teacher() {
        assert_eq!(names(filter(&roster(), "002x")), ["张三"]);
        assert_eq!(names(filter(&roster(), "1234")), ["李四"]);
    }

    #[test]
    fn empty_query_finds_everyone() {
        assert_eq!(filter(&roster(), "  ").len(), 3);
    }
}
