//! Derived 基本信息 fields (推算指标): 最高学历 from 学习经历, 现任专业技术职务
//! from 专业技术职务聘任 … Which field comes from which group, and how, is the
//! catalog's `derived_highest` / `derived_latest` rules; this module only knows
//! those two forms. The validation engine checks a stored value against the
//! row chosen here; the statistics count the value found here.

use serde_json::Value;

use crate::catalog::{Check, Rule};
use crate::record::{Fields, IndicatorRecord};
use crate::validate::value::{self, Moment};

/// The rule that derives `field`, among `rules`.
pub fn rule_for<'c>(rules: impl IntoIterator<Item = &'c Rule>, field: &str) -> Option<&'c Rule> {
    rules.into_iter().find(|rule| match &rule.check {
        Check::DerivedHighest {
            field: derived,
            with,
            ..
        }
        | Check::DerivedLatest {
            field: derived,
            with,
            ..
        } => derived == field || with.contains_key(field),
        _ => false,
    })
}

/// The source group a derivation reads (`education` for 最高学历), if `check` is one.
pub fn source_group(check: &Check) -> Option<&str> {
    match check {
        Check::DerivedHighest { from_group, .. } | Check::DerivedLatest { from_group, .. } => {
            Some(from_group)
        }
        _ => None,
    }
}

/// The row the derived fields come from: the highest code of `from_field`
/// (the smallest number; 0 means none) or the latest row by `order_by`.
/// `rows` are the source group's rows of one teacher.
pub fn source_row<'r>(
    check: &Check,
    rows: impl IntoIterator<Item = &'r IndicatorRecord>,
) -> Option<&'r IndicatorRecord> {
    match check {
        Check::DerivedHighest { from_field, .. } => rows
            .into_iter()
            .filter_map(|r| filled(&r.fields, from_field).map(|v| (r, value::text(v))))
            .filter(|(_, c)| c != "0")
            .min_by_key(|(_, c)| c.parse::<u32>().unwrap_or(u32::MAX))
            .map(|(r, _)| r),
        Check::DerivedLatest { order_by, .. } => rows
            .into_iter()
            .filter_map(|r| {
                filled(&r.fields, order_by)
                    .and_then(|v| Moment::parse(&value::text(v)))
                    .map(|m| (r, m))
            })
            .max_by(|a, b| a.1.compare(b.1))
            .map(|(r, _)| r),
        _ => None,
    }
}

/// The source field a derived 基本信息 field takes its value from, under `check`.
pub fn source_field<'c>(check: &'c Check, field: &str) -> Option<&'c str> {
    match check {
        Check::DerivedHighest {
            field: derived,
            from_field,
            with,
            ..
        }
        | Check::DerivedLatest {
            field: derived,
            from_field,
            with,
            ..
        } => {
            if derived == field {
                Some(from_field)
            } else {
                with.get(field).map(String::as_str)
            }
        }
        _ => None,
    }
}

/// A derived 基本信息 field's value for one teacher: the stored one when it is
/// filled, else the one `rule` takes from the teacher's `records` (any group,
/// any order).
pub fn value_of<'a>(
    rule: &Rule,
    field: &str,
    basic: &'a Fields,
    records: &[&'a IndicatorRecord],
) -> Option<&'a Value> {
    if let Some(stored) = filled(basic, field) {
        return Some(stored);
    }
    let group = source_group(&rule.check)?;
    let from = source_field(&rule.check, field)?;
    let rows = records.iter().copied().filter(|r| r.group_code == group);
    source_row(&rule.check, rows).and_then(|row| filled(&row.fields, from))
}

fn filled<'a>(fields: &'a Fields, code: &str) -> Option<&'a Value> {
    fields.get(code).filter(|v| !value::is_empty(Some(v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;
    use serde_json::json;

    fn row(group: &str, order: i64, fields: Value) -> IndicatorRecord {
        IndicatorRecord {
            id: format!("{group}-{order}"),
            teacher_id: "t1".into(),
            group_code: group.into(),
            row_order: order,
            fields: fields.as_object().unwrap().clone(),
            version: 1,
            updated_at: String::new(),
        }
    }

    /// `field` of a teacher with 基本信息 `basic` and `rows`, as the catalog's rule derives it.
    fn derive(field: &str, basic: Value, rows: &[IndicatorRecord]) -> Option<Value> {
        let rule = rule_for(catalog().unwrap().rules(), field).unwrap();
        let refs: Vec<&IndicatorRecord> = rows.iter().collect();
        value_of(rule, field, basic.as_object().unwrap(), &refs).cloned()
    }

    #[test]
    fn the_highest_education_is_the_smallest_code_and_0_is_none() {
        let rows = [
            row("education", 1, json!({ "education": "0" })),
            row("education", 2, json!({ "education": "31" })),
            row("education", 3, json!({ "education": "21" })),
        ];
        assert_eq!(
            derive("highest_education", json!({}), &rows),
            Some(json!("21"))
        );
    }

    #[test]
    fn the_current_title_is_the_latest_by_start_month_not_by_row_order() {
        let rows = [
            row(
                "title",
                1,
                json!({ "title": "053", "start_month": "2018-09" }),
            ),
            row(
                "title",
                2,
                json!({ "title": "054", "start_month": "2010-09" }),
            ),
        ];
        assert_eq!(
            derive("current_title", json!({}), &rows),
            Some(json!("053"))
        );
    }

    #[test]
    fn a_field_taken_with_the_derived_one_comes_from_the_same_row() {
        let rows = [
            row(
                "education",
                1,
                json!({ "education": "31", "education_institution": "师专" }),
            ),
            row(
                "education",
                2,
                json!({ "education": "21", "education_institution": "师大" }),
            ),
        ];
        assert_eq!(
            derive("highest_education_school", json!({}), &rows),
            Some(json!("师大"))
        );
    }

    #[test]
    fn a_stored_value_wins_over_the_source_rows() {
        let rows = [row("education", 1, json!({ "education": "21" }))];
        let basic = json!({ "highest_education": "14" });
        assert_eq!(derive("highest_education", basic, &rows), Some(json!("14")));
    }

    #[test]
    fn rows_of_other_groups_are_not_read() {
        let rows = [row("work", 1, json!({ "education": "21" }))];
        assert_eq!(derive("highest_education", json!({}), &rows), None);
    }
}
