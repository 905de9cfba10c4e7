//! Interpreting the catalog's rules over a teacher's rows.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::Value;

use super::value::{self, Moment};
use super::{Detail, Out, Row, Validator};
use crate::catalog::{
    Check, Condition, ConditionOp, EffectiveField, EffectiveGroup, IdNumberForm, IdType, Rule,
};
use crate::id_number::{self, IdGender};
use crate::record::{Fields, IndicatorRecord};
use crate::teacher::Teacher;

#[allow(clippy::too_many_arguments)]
pub(super) fn apply(
    validator: &Validator<'_>,
    rule: &Rule,
    group: &EffectiveGroup,
    rows: &[Row<'_>],
    basic: &Fields,
    by_group: &HashMap<&str, Vec<&IndicatorRecord>>,
    id_type: Option<&IdType>,
    teacher: &Teacher,
    out: &mut Out<'_, '_>,
) {
    let field = |code: &str| group.field(code);
    let fail =
        |out: &mut Out<'_, '_>, row: &Row<'_>, code: &str, extra: String, extra_en: String| {
            out.push(
                group,
                row,
                field(code),
                rule.severity,
                &rule.id,
                Detail::new(
                    format!("{}{extra}", rule.message),
                    format!("{}{extra_en}", rule.message_en),
                ),
            );
        };
    match &rule.check {
        Check::LatestOpenEnded { start, end } => {
            let mut dated: Vec<(&Row<'_>, Moment)> = rows
                .iter()
                .filter_map(|r| moment(r.fields, start).map(|m| (r, m)))
                .collect();
            dated.sort_by(|a, b| a.1.compare(b.1));
            let last = dated.len().saturating_sub(1);
            for (i, (row, _)) in dated.iter().enumerate() {
                let open = value::is_empty(row.fields.get(end));
                if (i == last) != open {
                    fail(out, row, end, String::new(), String::new());
                }
            }
            return;
        }
        Check::NoOverlap { start, end } => {
            let mut dated: Vec<(&Row<'_>, Moment)> = rows
                .iter()
                .filter_map(|r| moment(r.fields, start).map(|m| (r, m)))
                .collect();
            dated.sort_by(|a, b| a.1.compare(b.1));
            for pair in dated.windows(2) {
                let [prev, next] = pair else { continue };
                if let Some(prev_end) = moment(prev.0.fields, end)
                    && prev_end.compare(next.1) == Ordering::Greater
                {
                    fail(out, next.0, start, String::new(), String::new());
                }
            }
            return;
        }
        Check::DerivedHighest {
            field: derived,
            from_group,
            from_field,
            with,
        }
        | Check::DerivedLatest {
            field: derived,
            from_group,
            from_field,
            with,
            ..
        } => {
            let any_filled = std::iter::once(derived)
                .chain(with.keys())
                .any(|f| filled(basic, f).is_some());
            if !any_filled {
                return;
            }
            let source_rows = by_group
                .get(from_group.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let source = crate::derived::source_row(&rule.check, source_rows.iter().copied());
            let Some(source) = source else { return };
            let source_name = validator
                .effective()
                .group(from_group)
                .map_or(from_group.as_str(), |g| g.name.as_str());
            let pairs = std::iter::once((derived, from_field)).chain(with.iter());
            for (basic_field, source_field) in pairs {
                let (Some(found), Some(expected)) = (
                    filled(basic, basic_field),
                    filled(&source.fields, source_field),
                ) else {
                    continue;
                };
                let (found, expected) = (value::text(found), value::text(expected));
                if found != expected
                    && let Some(row) = rows.first()
                {
                    fail(
                        out,
                        row,
                        basic_field,
                        format!("（按{source_name}应为「{expected}」）"),
                        format!(" (from {from_group}: \"{expected}\")"),
                    );
                }
            }
            return;
        }
        _ => {}
    }
    for row in rows {
        if let Some(when) = &rule.when
            && !holds(when, row.fields)
        {
            continue;
        }
        match &rule.check {
            Check::Compare {
                left,
                op,
                right,
                value: constant,
            } => {
                let Some(l) = filled(row.fields, left) else {
                    continue;
                };
                let (r, r_label) = match (right, constant) {
                    (Some(right), _) => match filled(row.fields, right) {
                        Some(v) => (value::text(v), field(right).map(|f| f.label.clone())),
                        None => continue,
                    },
                    (None, Some(c)) => (c.clone(), None),
                    (None, None) => continue,
                };
                let l = value::text(l);
                if let Some(ordering) = compare(&l, &r)
                    && !op.holds(ordering)
                {
                    let shown = match r_label {
                        Some(label) => format!("（实为 {l}，{label} {r}）"),
                        None => format!("（实为 {l}）"),
                    };
                    fail(out, row, left, shown, format!(" (found {l} vs {r})"));
                }
            }
            Check::BothOrNeither { fields } => {
                let filled_count = fields
                    .iter()
                    .filter(|f| filled(row.fields, f).is_some())
                    .count();
                let missing = fields.iter().find(|f| filled(row.fields, f).is_none());
                if let Some(missing) = missing.filter(|_| filled_count > 0) {
                    fail(out, row, missing, String::new(), String::new());
                }
            }
            Check::NotBoth { fields } => {
                if fields.iter().all(|f| filled(row.fields, f).is_some())
                    && let Some(first) = fields.first()
                {
                    fail(out, row, first, String::new(), String::new());
                }
            }
            Check::Required { fields } => {
                // A field the catalog already requires is reported once, by the field check.
                let unreported = |f: &&String| !field(f).is_some_and(|ef| ef.required);
                for f in fields
                    .iter()
                    .filter(unreported)
                    .filter(|f| filled(row.fields, f).is_none())
                {
                    fail(out, row, f, String::new(), String::new());
                }
            }
            Check::Empty { fields } => {
                for f in fields.iter().filter(|f| filled(row.fields, f).is_some()) {
                    fail(out, row, f, String::new(), String::new());
                }
            }
            Check::Alone { field: f, codes } => {
                let found = filled(row.fields, f).map(value::codes).unwrap_or_default();
                if found.len() > 1 && found.iter().any(|c| codes.contains(c)) {
                    fail(out, row, f, String::new(), String::new());
                }
            }
            Check::NotCodes { field: f, codes } => {
                let found = filled(row.fields, f).map(value::codes).unwrap_or_default();
                if let Some(bad) = found.iter().find(|c| codes.contains(c)) {
                    fail(
                        out,
                        row,
                        f,
                        format!("（实为 {bad}）"),
                        format!(" (found {bad})"),
                    );
                }
            }
            Check::ChildOf {
                field: f,
                parent_field,
                parent_aliases,
            } => {
                let (Some(child), Some(parent)) =
                    (filled(row.fields, f), filled(row.fields, parent_field))
                else {
                    continue;
                };
                let child = value::text(child);
                let parent = value::text(parent);
                let parent = parent_aliases.get(&parent).cloned().unwrap_or(parent);
                let table = field(f)
                    .and_then(|ef: &EffectiveField| ef.code_table.as_deref())
                    .and_then(|t| validator.table(t));
                let child_parent = table
                    .and_then(|t| t.get(&child))
                    .and_then(|c| c.parent.clone());
                if let Some(child_parent) = child_parent
                    && child_parent != parent
                {
                    fail(
                        out,
                        row,
                        f,
                        format!("（实为 {child}）"),
                        format!(" (found {child})"),
                    );
                }
            }
            Check::MatchesIdBirthDate { field: f } | Check::MatchesIdGender { field: f, .. } => {
                let Some(found) = filled(row.fields, f) else {
                    continue;
                };
                let Some(resident) = id_type
                    .filter(|t| t.form == IdNumberForm::ResidentId)
                    .and_then(|_| id_number::check_resident_id(&teacher.id_number).ok())
                else {
                    continue;
                };
                let found = value::text(found);
                let (agrees, from_id) = match &rule.check {
                    Check::MatchesIdBirthDate { .. } => {
                        let id_date = Moment::from_date(resident.birth_date);
                        let agrees = Moment::parse(&found)
                            .is_none_or(|m| m.compare(id_date) == Ordering::Equal);
                        (agrees, resident.birth_date.format("%Y-%m-%d").to_string())
                    }
                    Check::MatchesIdGender { male, female, .. } => {
                        let code = match resident.gender {
                            IdGender::Male => male,
                            IdGender::Female => female,
                        };
                        (found == *code, code.clone())
                    }
                    _ => continue,
                };
                if !agrees {
                    fail(
                        out,
                        row,
                        f,
                        format!("（填写 {found}，证件号对应 {from_id}）"),
                        format!(" (entered {found}, ID number says {from_id})"),
                    );
                }
            }
            Check::IdRegionKnown { field: f } => {
                let resident = id_type
                    .filter(|t| t.form == IdNumberForm::ResidentId)
                    .and_then(|_| id_number::check_resident_id(&teacher.id_number).ok());
                let prefix = teacher.id_number.get(..6).unwrap_or_default();
                if resident.is_some() && validator.catalog.regions().get(prefix).is_none() {
                    fail(
                        out,
                        row,
                        f,
                        format!("（前 6 位 {prefix}）"),
                        format!(" (first six digits {prefix})"),
                    );
                }
            }
            Check::BeforeCurrentYear { field: f } => {
                let Some(found) = filled(row.fields, f) else {
                    continue;
                };
                if let Some(m) = Moment::parse(&value::text(found))
                    && m.year >= validator.current_year
                {
                    fail(
                        out,
                        row,
                        f,
                        format!("（实为 {}）", m.year),
                        format!(" (found {})", m.year),
                    );
                }
            }
            Check::LatestOpenEnded { .. }
            | Check::NoOverlap { .. }
            | Check::DerivedHighest { .. }
            | Check::DerivedLatest { .. } => {}
        }
    }
}

fn filled<'a>(fields: &'a Fields, code: &str) -> Option<&'a Value> {
    fields.get(code).filter(|v| !value::is_empty(Some(v)))
}

fn moment(fields: &Fields, code: &str) -> Option<Moment> {
    filled(fields, code).and_then(|v| Moment::parse(&value::text(v)))
}

pub(super) fn holds(condition: &Condition, fields: &Fields) -> bool {
    let found = filled(fields, &condition.field);
    let value = condition.value.as_deref().unwrap_or_default();
    let has = |wanted: &dyn Fn(&str) -> bool| match found {
        None => false,
        Some(Value::String(s)) if !s.contains([',', '，', '、', ';', '；']) => wanted(s.trim()),
        Some(v) => value::codes(v).iter().any(|c| wanted(c)),
    };
    match condition.op {
        ConditionOp::Present => found.is_some(),
        ConditionOp::Empty => found.is_none(),
        ConditionOp::Eq => has(&|c| c == value),
        ConditionOp::Ne => found.is_some() && !has(&|c| c == value),
        ConditionOp::In => has(&|c| condition.values.iter().any(|v| v == c)),
    }
}

/// Orders two values: as dates when both are dates, as numbers when both are
/// numbers, otherwise only equality is known.
fn compare(left: &str, right: &str) -> Option<Ordering> {
    if let (Some(l), Some(r)) = (Moment::parse(left), Moment::parse(right)) {
        return Some(l.compare(r));
    }
    if let (Ok(l), Ok(r)) = (left.parse::<f64>(), right.parse::<f64>()) {
        return l.partial_cmp(&r);
    }
    Some(if left == right {
        Ordering::Equal
    } else {
        Ordering::Less
    })
}
