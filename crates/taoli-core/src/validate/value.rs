//! Reading field values as the school file stores them (JSON): strings for
//! text, codes and dates; arrays of strings for multi-code fields; numbers as
//! JSON numbers or numeric strings.

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

/// True for a value that counts as not filled in.
pub fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.iter().all(|v| is_empty(Some(v))),
        Some(_) => false,
    }
}

/// The value as text, for messages and comparisons.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The codes of a code or multi-code value.
pub fn codes(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(text).filter(|s| !s.is_empty()).collect(),
        Value::String(s) => s
            .split([',', '，', '、', ';', '；'])
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect(),
        Value::Number(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Decimal places written in a number's text.
pub fn decimals(value: &Value) -> usize {
    let text = text(value);
    text.split_once('.').map_or(0, |(_, frac)| frac.len())
}

/// A point in time at the precision it was written: year, year-month or date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl Moment {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that it is a real date.
    pub fn parse(s: &str) -> Option<Moment> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| -> Option<u32> {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        match parts.as_slice() {
            [y] => Some(Moment {
                year: num(y, 4)? as i32,
                month: None,
                day: None,
            }),
            [y, m] => {
                let (year, month) = (num(y, 4)? as i32, num(m, 2)?);
                (1..=12).contains(&month).then_some(Moment {
                    year,
                    month: Some(month),
                    day: None,
                })
            }
            [y, m, d] => {
                let (year, month, day) = (num(y, 4)? as i32, num(m, 2)?, num(d, 2)?);
                NaiveDate::from_ymd_opt(year, month, day).map(|_| Moment {
                    year,
                    month: Some(month),
                    day: Some(day),
                })
            }
            _ => None,
        }
    }

    pub fn from_date(date: NaiveDate) -> Moment {
        Moment {
            year: date.year(),
            month: Some(date.month()),
            day: Some(date.day()),
        }
    }

    /// Compares at the coarser of the two precisions: 2005-09 equals 2005-09-01.
    pub fn compare(self, other: Moment) -> std::cmp::Ordering {
        let key = |m: Moment, month: bool, day: bool| {
            (
                m.year,
                if month { m.month.unwrap_or(0) } else { 0 },
                if day { m.day.unwrap_or(0) } else { 0 },
            )
        };
        let month = self.month.is_some() && other.month.is_some();
        let day = month && self.day.is_some() && other.day.is_some();
        key(self, month, day).cmp(&key(other, month, day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn moments_compare_at_the_coarser_precision() {
        let a = Moment::parse("2005-09").unwrap();
        let b = Moment::parse("2005-09-30").unwrap();
        assert_eq!(a.compare(b), Ordering::Equal);
        let c = Moment::parse("1985-03-04").unwrap();
        assert_eq!(a.compare(c), Ordering::Greater);
    }

    #[test]
    fn impossible_dates_do_not_parse() {
        assert!(Moment::parse("2023-02-29").is_none());
        assert!(Moment::parse("2023-13").is_none());
        assert!(Moment::parse("85-03").is_none());
    }

    #[test]
    fn empty_means_missing_blank_or_no_codes() {
        assert!(is_empty(None));
        assert!(is_empty(Some(&Value::String("  ".into()))));
        assert!(is_empty(Some(&serde_json::json!([]))));
        assert!(!is_empty(Some(&serde_json::json!("0"))));
    }
}
