//! The next reporting deadline (报送截止日期): the nearest of the catalog's
//! days of the year (31 March and 30 September nationally; a province pack
//! may give its own list, `catalog/deadlines.toml`) on or after today.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use crate::catalog::Deadline;

/// The next deadline and how far off it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NextDeadline {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// What must be done by then.
    pub label: String,
    pub label_en: String,
    /// Days from today (0 on the day itself).
    #[ts(type = "number")]
    pub days_left: i64,
}

/// The first deadline on or after `today`.
pub fn next_deadline(deadlines: &[Deadline], today: NaiveDate) -> Option<NextDeadline> {
    [today.year(), today.year().saturating_add(1)]
        .into_iter()
        .flat_map(|year| {
            deadlines.iter().filter_map(move |d| {
                NaiveDate::from_ymd_opt(year, d.month, d.day).map(|date| (date, d))
            })
        })
        .filter(|(date, _)| *date >= today)
        .min_by_key(|(date, _)| *date)
        .map(|(date, d)| NextDeadline {
            date: date.format("%Y-%m-%d").to_string(),
            label: d.label.clone(),
            label_en: d.label_en.clone(),
            days_left: date.signed_duration_since(today).num_days(),
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn national() -> Vec<Deadline> {
        crate::catalog::catalog().unwrap().deadlines().to_vec()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn in_winter_the_next_deadline_is_31_march() {
        let next = next_deadline(&national(), day("2026-01-10")).unwrap();
        assert_eq!(next.date, "2026-03-31");
        assert_eq!(next.days_left, 80);
        assert!(next.label.contains("上一年度"));
    }

    #[test]
    fn on_the_day_itself_the_deadline_is_today() {
        let next = next_deadline(&national(), day("2026-09-30")).unwrap();
        assert_eq!(next.date, "2026-09-30");
        assert_eq!(next.days_left, 0);
    }

    #[test]
    fn after_30_september_the_next_is_31_march_of_next_year() {
        let next = next_deadline(&national(), day("2026-10-01")).unwrap();
        assert_eq!(next.date, "2027-03-31");
    }

    #[test]
    fn between_the_two_the_next_is_30_september() {
        let next = next_deadline(&national(), day("2026-04-01")).unwrap();
        assert_eq!(next.date, "2026-09-30");
    }
}
