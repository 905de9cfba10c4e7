//! 报送进度: every school's progress in a reporting period, and the
//! roll-ups per county and per city with DHIS2's reporting and on-time
//! rates.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};

use serde::Serialize;
use taoli_protocol as protocol;

use super::Db;
use super::console::Actor;
use super::console::shifted;
use super::sql::args;
use crate::error::Result;
use crate::org::{self, Level};

/// The reporting period the progress page measures: from `opens` to the
/// deadline, with `grace_days` after it still on time (DHIS2's
/// `timelyDays`). Dates are China's (UTC+8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Period {
    #[ts(type = "string")]
    pub opens: NaiveDate,
    #[ts(type = "string")]
    pub deadline: NaiveDate,
    pub grace_days: u32,
}

impl Period {
    /// The period of the national deadlines (31 March, 30 September) that
    /// `today` falls in or before.
    pub fn current(today: NaiveDate, grace_days: u32) -> Period {
        use chrono::Datelike;
        let year = today.year();
        let march = NaiveDate::from_ymd_opt(year, 3, 31);
        let september = NaiveDate::from_ymd_opt(year, 9, 30);
        let deadline = match (march, september) {
            (Some(m), _) if today <= m => m,
            (_, Some(s)) if today <= s => s,
            _ => NaiveDate::from_ymd_opt(year.saturating_add(1), 3, 31).unwrap_or(today),
        };
        Period::ending(deadline, grace_days)
    }

    /// The period that ends on `deadline`: it opens the day after the
    /// deadline six months before.
    pub fn ending(deadline: NaiveDate, grace_days: u32) -> Period {
        let before = deadline
            .checked_sub_months(chrono::Months::new(6))
            .and_then(|d| d.checked_add_signed(Duration::days(1)))
            .unwrap_or(deadline);
        Period {
            opens: before,
            deadline,
            grace_days,
        }
    }

    fn china_midnight(date: NaiveDate) -> String {
        let at = date
            .and_hms_opt(0, 0, 0)
            .map(|t| shifted(t.and_utc(), Duration::hours(-8)))
            .unwrap_or_else(Utc::now);
        protocol::timestamp(at)
    }

    /// When the period opens, as the protocol's timestamps are written.
    fn opens_at(&self) -> String {
        Period::china_midnight(self.opens)
    }

    /// The last moment that is on time: the end of the deadline's day plus
    /// the grace days.
    fn due_at(&self) -> String {
        let day = self
            .deadline
            .checked_add_signed(Duration::days(i64::from(self.grace_days).saturating_add(1)))
            .unwrap_or(self.deadline);
        Period::china_midnight(day)
    }
}

/// A school's progress in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SchoolProgress {
    pub code: String,
    pub name: String,
    pub county: String,
    pub county_name: String,
    pub city: String,
    pub city_name: String,
    pub enrolled: bool,
    /// When the last batch arrived, ever.
    pub last_batch_at: Option<String>,
    /// Received in the period: at least one batch.
    pub reported: bool,
    /// Its first batch of the period arrived by the deadline plus grace.
    pub on_time: bool,
    pub records_received: u64,
    pub accepted: u64,
    pub returned: u64,
    pub pending: u64,
}

/// Progress rolled up for one unit (a county or a city).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct UnitProgress {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub expected: u64,
    pub enrolled: u64,
    pub reported: u64,
    pub on_time: u64,
    /// DHIS2's REPORTING_RATE: reported / expected, in percent.
    pub reporting_rate: f64,
    /// DHIS2's REPORTING_RATE_ON_TIME: on time / expected, in percent.
    pub on_time_rate: f64,
    pub records_received: u64,
    pub accepted: u64,
    pub returned: u64,
    pub pending: u64,
}

/// The progress page: every school of the subtree and the roll-ups.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Progress {
    pub period: Period,
    pub schools: Vec<SchoolProgress>,
    pub counties: Vec<UnitProgress>,
    pub cities: Vec<UnitProgress>,
    pub total: UnitProgress,
}

impl Db {
    /// Every school's progress in `period`, and the roll-ups per county,
    /// per city and in all.
    pub fn progress(&self, actor: &Actor, period: Period) -> Result<Progress> {
        let pattern = actor.pattern();
        let (opens, due) = (period.opens_at(), period.due_at());
        let (schools, counts) = self.read(|tx| {
            let schools = tx.query(
                "SELECT s.code, s.name, s.county, u.name,
                        (SELECT count(*) FROM school_key k WHERE k.school = s.code
                           AND k.revoked_at IS NULL),
                        (SELECT max(b.received_at) FROM batch b WHERE b.school = s.code
                           AND b.state = 'received'),
                        (SELECT min(b.received_at) FROM batch b WHERE b.school = s.code
                           AND b.state = 'received' AND b.received_at >= $2)
                 FROM school s JOIN org_unit u ON u.code = s.county
                 WHERE s.county LIKE $1 ORDER BY s.county, s.code",
                args![&pattern, &opens],
            )?;
            let counts = tx.query(
                "SELECT b.school, r.status, count(*) FROM batch_record r
                 JOIN batch b ON b.batch_id = r.batch_id
                 JOIN school s ON s.code = b.school
                 WHERE s.county LIKE $1 AND b.received_at >= $2
                 GROUP BY b.school, r.status",
                args![&pattern, &opens],
            )?;
            Ok((schools, counts))
        })?;
        let mut by_school: HashMap<String, [u64; 3]> = Default::default();
        for row in &counts {
            let entry = by_school.entry(row.text(0)?).or_default();
            let slot = match row.text(1)?.as_str() {
                "accepted" => 0,
                "returned" => 1,
                _ => 2,
            };
            if let Some(n) = entry.get_mut(slot) {
                *n = n.saturating_add(row.count(2)?);
            }
        }
        let mut rows = Vec::with_capacity(schools.len());
        for r in &schools {
            let code = r.text(0)?;
            let county = r.text(2)?;
            let [accepted, returned, pending] = by_school.get(&code).copied().unwrap_or_default();
            let first = r.opt_text(6)?;
            let city = org::lineage(&county)
                .iter()
                .rev()
                .find(|u| u.level != Level::County)
                .map(|u| (u.code.clone(), u.name.clone()))
                .unwrap_or_default();
            rows.push(SchoolProgress {
                code,
                name: r.text(1)?,
                county_name: r.text(3)?,
                county,
                city: city.0,
                city_name: city.1,
                enrolled: r.count(4)? > 0,
                last_batch_at: r.opt_text(5)?,
                reported: first.is_some(),
                on_time: first.is_some_and(|at| at < due),
                records_received: accepted.saturating_add(returned).saturating_add(pending),
                accepted,
                returned,
                pending,
            });
        }
        let counties = roll_up(&rows, Level::County, |s| (&s.county, &s.county_name));
        let cities = roll_up(&rows, Level::City, |s| (&s.city, &s.city_name));
        let (code, name, level) = match &actor.officer {
            Some(o) => (o.org.clone(), o.org_name.clone(), o.level),
            None => (String::new(), "全部".to_owned(), Level::Province),
        };
        let total = unit(code, name, level, rows.iter());
        Ok(Progress {
            period,
            schools: rows,
            counties,
            cities,
            total,
        })
    }
}

/// The schools rolled up into their units (counties or cities, by `key`)
/// in one pass, each unit where its first school comes.
fn roll_up<'a>(
    rows: &'a [SchoolProgress],
    level: Level,
    key: impl Fn(&'a SchoolProgress) -> (&'a String, &'a String),
) -> Vec<UnitProgress> {
    let mut units: Vec<UnitProgress> = Vec::new();
    let mut index: HashMap<&String, usize> = HashMap::new();
    for row in rows {
        let (code, name) = key(row);
        let at = *index.entry(code).or_insert_with(|| {
            units.push(UnitProgress::empty(code.clone(), name.clone(), level));
            units.len().saturating_sub(1)
        });
        if let Some(unit) = units.get_mut(at) {
            unit.add(row);
        }
    }
    for unit in &mut units {
        unit.rate();
    }
    units
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let tenths = part.saturating_mul(1000).checked_div(whole).unwrap_or(0);
    tenths as f64 / 10.0
}

fn unit<'a>(
    code: String,
    name: String,
    level: Level,
    rows: impl Iterator<Item = &'a SchoolProgress>,
) -> UnitProgress {
    let mut u = UnitProgress::empty(code, name, level);
    for r in rows {
        u.add(r);
    }
    u.rate();
    u
}

impl UnitProgress {
    fn empty(code: String, name: String, level: Level) -> UnitProgress {
        UnitProgress {
            code,
            name,
            level,
            expected: 0,
            enrolled: 0,
            reported: 0,
            on_time: 0,
            reporting_rate: 0.0,
            on_time_rate: 0.0,
            records_received: 0,
            accepted: 0,
            returned: 0,
            pending: 0,
        }
    }

    /// Counts one more school of the unit.
    fn add(&mut self, r: &SchoolProgress) {
        self.expected = self.expected.saturating_add(1);
        self.enrolled = self.enrolled.saturating_add(u64::from(r.enrolled));
        self.reported = self.reported.saturating_add(u64::from(r.reported));
        self.on_time = self.on_time.saturating_add(u64::from(r.on_time));
        self.records_received = self.records_received.saturating_add(r.records_received);
        self.accepted = self.accepted.saturating_add(r.accepted);
        self.returned = self.returned.saturating_add(r.returned);
        self.pending = self.pending.saturating_add(r.pending);
    }

    /// The rates of the schools counted.
    fn rate(&mut self) {
        self.reporting_rate = percent(self.reported, self.expected);
        self.on_time_rate = percent(self.on_time, self.expected);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(code: &str, county: &str, city: &str, reported: bool) -> SchoolProgress {
        SchoolProgress {
            code: code.into(),
            name: code.into(),
            county: county.into(),
            county_name: county.into(),
            city: city.into(),
            city_name: city.into(),
            enrolled: true,
            last_batch_at: None,
            reported,
            on_time: reported,
            records_received: 0,
            accepted: 0,
            returned: 0,
            pending: 0,
        }
    }

    #[test]
    fn each_unit_counts_its_own_schools_in_the_order_they_come() {
        let rows = [
            school("a", "510703", "510700", true),
            school("b", "510722", "510700", false),
            school("c", "510722", "510700", true),
            school("d", "510802", "510800", false),
        ];
        let counties = roll_up(&rows, Level::County, |s| (&s.county, &s.county_name));
        let seen: Vec<(&str, u64, u64, f64)> = counties
            .iter()
            .map(|u| (u.code.as_str(), u.expected, u.reported, u.reporting_rate))
            .collect();
        assert_eq!(
            seen,
            [
                ("510703", 1, 1, 100.0),
                ("510722", 2, 1, 50.0),
                ("510802", 1, 0, 0.0)
            ]
        );
        let cities = roll_up(&rows, Level::City, |s| (&s.city, &s.city_name));
        let seen: Vec<(&str, u64)> = cities
            .iter()
            .map(|u| (u.code.as_str(), u.expected))
            .collect();
        assert_eq!(seen, [("510700", 3), ("510800", 1)]);
    }
}
