//! Interpreting the catalog's rules over a teacher's rows.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::value::{self, Moment};
use super::{Detail, Out, Row, Validator};
use crate::catalog::{
    Check, CompareOp, Condition, ConditionOp, EffectiveField, EffectiveGroup, IdNumberForm, IdType,
    Rule,
};
use crate::id_number::{self, IdGender};
use crate::record::{Fields, IndicatorRecord};
use crate::teacher::Teacher;

/// Checks one rule over one group's rows of a teacher: the rules over a
/// group's rows together (open-ended latest row, no overlap, derived values)
/// once, the others on each row their condition holds for.
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
    let ctx = Ctx {
        validator,
        rule,
        group,
        id_type,
        teacher,
    };
    match &rule.check {
        Check::LatestOpenEnded { start, end } => latest_open_ended(&ctx, rows, start, end, out),
        Check::NoOverlap { start, end } => no_overlap(&ctx, rows, start, end, out),
        Check::DerivedHighest { .. } | Check::DerivedLatest { .. } => {
            derived(&ctx, rows, basic, by_group, out);
        }
        _ => {
            for row in rows {
                if rule
                    .when
                    .as_ref()
                    .is_none_or(|when| holds(when, row.fields))
                {
                    ctx.check_row(row, out);
                }
            }
        }
    }
}

/// A rule and the teacher and group it is checked on.
struct Ctx<'a> {
    validator: &'a Validator<'a>,
    rule: &'a Rule,
    group: &'a EffectiveGroup,
    id_type: Option<&'a IdType>,
    teacher: &'a Teacher,
}

impl Ctx<'_> {
    fn field(&self, code: &str) -> Option<&EffectiveField> {
        self.group.field(code)
    }

    /// Reports the rule's message on `code` of `row`, with `extra` after it.
    fn fail(
        &self,
        out: &mut Out<'_, '_>,
        row: &Row<'_>,
        code: &str,
        extra: String,
        extra_en: String,
    ) {
        let rule = self.rule;
        out.push(
            self.group,
            row,
            self.field(code),
            rule.severity,
            &rule.id,
            Detail::new(
                format!("{}{extra}", rule.message),
                format!("{}{extra_en}", rule.message_en),
            ),
        );
    }

    /// Reports the rule's message alone on `code` of `row`.
    fn flag(&self, out: &mut Out<'_, '_>, row: &Row<'_>, code: &str) {
        self.fail(out, row, code, String::new(), String::new());
    }

    /// The teacher's resident ID, when the ID is one and reads.
    fn resident_id(&self) -> Option<id_number::ResidentId> {
        self.id_type
            .filter(|t| t.form == IdNumberForm::ResidentId)
            .and_then(|_| id_number::check_resident_id(&self.teacher.id_number).ok())
    }

    /// Checks a rule on one row.
    fn check_row(&self, row: &Row<'_>, out: &mut Out<'_, '_>) {
        match &self.rule.check {
            Check::Compare {
                left,
                op,
                right,
                value,
            } => self.compare(row, left, *op, right.as_deref(), value.as_deref(), out),
            Check::BothOrNeither { fields } => self.both_or_neither(row, fields, out),
            Check::NotBoth { fields } => self.not_both(row, fields, out),
            Check::Required { fields } => self.required(row, fields, out),
            Check::Empty { fields } => {
                for f in fields.iter().filter(|f| filled(row.fields, f).is_some()) {
                    self.flag(out, row, f);
                }
            }
            Check::Alone { field, codes } => {
                let found = filled(row.fields, field)
                    .map(value::codes)
                    .unwrap_or_default();
                if found.len() > 1 && found.iter().any(|c| codes.contains(c)) {
                    self.flag(out, row, field);
                }
            }
            Check::NotCodes { field, codes } => self.not_codes(row, field, codes, out),
            Check::ChildOf {
                field,
                parent_field,
                parent_aliases,
            } => self.child_of(row, field, parent_field, parent_aliases, out),
            Check::MatchesIdBirthDate { field } => self.matches_id(row, field, None, out),
            Check::MatchesIdGender {
                field,
                male,
                female,
            } => self.matches_id(row, field, Some((male, female)), out),
            Check::IdRegionKnown { field } => self.id_region_known(row, field, out),
            Check::BeforeCurrentYear { field } => self.before_current_year(row, field, out),
            Check::LatestOpenEnded { .. }
            | Check::NoOverlap { .. }
            | Check::DerivedHighest { .. }
            | Check::DerivedLatest { .. } => {}
        }
    }

    /// `left` compared with the field `right` or the constant `value`.
    fn compare(
        &self,
        row: &Row<'_>,
        left: &str,
        op: CompareOp,
        right: Option<&str>,
        constant: Option<&str>,
        out: &mut Out<'_, '_>,
    ) {
        let Some(l) = filled(row.fields, left) else {
            return;
        };
        let (r, r_label) = match (right, constant) {
            (Some(right), _) => match filled(row.fields, right) {
                Some(v) => (value::text(v), self.field(right).map(|f| f.label.clone())),
                None => return,
            },
            (None, Some(c)) => (c.to_owned(), None),
            (None, None) => return,
        };
        let l = value::text(l);
        if let Some(ordering) = compare(&l, &r)
            && !op.holds(ordering)
        {
            let shown = match r_label {
                Some(label) => format!("（实为 {l}，{label} {r}）"),
                None => format!("（实为 {l}）"),
            };
            self.fail(out, row, left, shown, format!(" (found {l} vs {r})"));
        }
    }

    /// Some of `fields` filled and not all: the first missing one.
    fn both_or_neither(&self, row: &Row<'_>, fields: &[String], out: &mut Out<'_, '_>) {
        let filled_count = fields
            .iter()
            .filter(|f| filled(row.fields, f).is_some())
            .count();
        let missing = fields.iter().find(|f| filled(row.fields, f).is_none());
        if let Some(missing) = missing.filter(|_| filled_count > 0) {
            self.flag(out, row, missing);
        }
    }

    /// All of `fields` filled: reported on the first.
    fn not_both(&self, row: &Row<'_>, fields: &[String], out: &mut Out<'_, '_>) {
        if fields.iter().all(|f| filled(row.fields, f).is_some())
            && let Some(first) = fields.first()
        {
            self.flag(out, row, first);
        }
    }

    fn required(&self, row: &Row<'_>, fields: &[String], out: &mut Out<'_, '_>) {
        // A field the catalog already requires is reported once, by the field check.
        let unreported = |f: &&String| !self.field(f).is_some_and(|ef| ef.required);
        for f in fields
            .iter()
            .filter(unreported)
            .filter(|f| filled(row.fields, f).is_none())
        {
            self.flag(out, row, f);
        }
    }

    fn not_codes(&self, row: &Row<'_>, field: &str, codes: &[String], out: &mut Out<'_, '_>) {
        let found = filled(row.fields, field)
            .map(value::codes)
            .unwrap_or_default();
        if let Some(bad) = found.iter().find(|c| codes.contains(c)) {
            self.fail(
                out,
                row,
                field,
                format!("（实为 {bad}）"),
                format!(" (found {bad})"),
            );
        }
    }

    /// The code of `field` belongs under the code of `parent_field`.
    fn child_of(
        &self,
        row: &Row<'_>,
        field: &str,
        parent_field: &str,
        parent_aliases: &BTreeMap<String, String>,
        out: &mut Out<'_, '_>,
    ) {
        let (Some(child), Some(parent)) =
            (filled(row.fields, field), filled(row.fields, parent_field))
        else {
            return;
        };
        let child = value::text(child);
        let parent = value::text(parent);
        let parent = parent_aliases.get(&parent).cloned().unwrap_or(parent);
        let table = self
            .field(field)
            .and_then(|ef: &EffectiveField| ef.code_table.as_deref())
            .and_then(|t| self.validator.table(t));
        let child_parent = table
            .and_then(|t| t.get(&child))
            .and_then(|c| c.parent.clone());
        if let Some(child_parent) = child_parent
            && child_parent != parent
        {
            self.fail(
                out,
                row,
                field,
                format!("（实为 {child}）"),
                format!(" (found {child})"),
            );
        }
    }

    /// `field` agrees with the resident ID: the birth date, or with
    /// `gender` (male code, female code) the gender.
    fn matches_id(
        &self,
        row: &Row<'_>,
        field: &str,
        gender: Option<(&String, &String)>,
        out: &mut Out<'_, '_>,
    ) {
        let Some(found) = filled(row.fields, field) else {
            return;
        };
        let Some(resident) = self.resident_id() else {
            return;
        };
        let found = value::text(found);
        let (agrees, from_id) = match gender {
            None => {
                let id_date = Moment::from_date(resident.birth_date);
                let agrees =
                    Moment::parse(&found).is_none_or(|m| m.compare(id_date) == Ordering::Equal);
                (agrees, resident.birth_date.format("%Y-%m-%d").to_string())
            }
            Some((male, female)) => {
                let code = match resident.gender {
                    IdGender::Male => male,
                    IdGender::Female => female,
                };
                (found == *code, code.clone())
            }
        };
        if !agrees {
            self.fail(
                out,
                row,
                field,
                format!("（填写 {found}，证件号对应 {from_id}）"),
                format!(" (entered {found}, ID number says {from_id})"),
            );
        }
    }

    /// A resident ID's first six digits name a known region.
    fn id_region_known(&self, row: &Row<'_>, field: &str, out: &mut Out<'_, '_>) {
        let number = &self.teacher.id_number;
        let prefix = number.get(..6).unwrap_or_default();
        if self.resident_id().is_some() && self.validator.catalog.regions().get(prefix).is_none() {
            self.fail(
                out,
                row,
                field,
                format!("（前 6 位 {prefix}）"),
                format!(" (first six digits {prefix})"),
            );
        }
    }

    fn before_current_year(&self, row: &Row<'_>, field: &str, out: &mut Out<'_, '_>) {
        let Some(found) = filled(row.fields, field) else {
            return;
        };
        if let Some(m) = Moment::parse(&value::text(found))
            && m.year >= self.validator.current_year
        {
            self.fail(
                out,
                row,
                field,
                format!("（实为 {}）", m.year),
                format!(" (found {})", m.year),
            );
        }
    }
}

/// The rows dated by `start`, in order.
fn dated<'r, 'f>(rows: &'r [Row<'f>], start: &str) -> Vec<(&'r Row<'f>, Moment)> {
    let mut dated: Vec<(&Row<'_>, Moment)> = rows
        .iter()
        .filter_map(|r| moment(r.fields, start).map(|m| (r, m)))
        .collect();
    dated.sort_by(|a, b| a.1.compare(b.1));
    dated
}

/// Only the latest row (by `start`) is open-ended (no `end`).
fn latest_open_ended(
    ctx: &Ctx<'_>,
    rows: &[Row<'_>],
    start: &str,
    end: &str,
    out: &mut Out<'_, '_>,
) {
    let dated = dated(rows, start);
    let last = dated.len().saturating_sub(1);
    for (i, (row, _)) in dated.iter().enumerate() {
        let open = value::is_empty(row.fields.get(end));
        if (i == last) != open {
            ctx.flag(out, row, end);
        }
    }
}

/// No row starts before the previous one (by `start`) ends.
fn no_overlap(ctx: &Ctx<'_>, rows: &[Row<'_>], start: &str, end: &str, out: &mut Out<'_, '_>) {
    for pair in dated(rows, start).windows(2) {
        let [prev, next] = pair else { continue };
        if let Some(prev_end) = moment(prev.0.fields, end)
            && prev_end.compare(next.1) == Ordering::Greater
        {
            ctx.flag(out, next.0, start);
        }
    }
}

/// A 基本信息 field derived from another group's rows (the highest degree,
/// the latest title …) agrees with the row it derives from, once filled.
fn derived(
    ctx: &Ctx<'_>,
    rows: &[Row<'_>],
    basic: &Fields,
    by_group: &HashMap<&str, Vec<&IndicatorRecord>>,
    out: &mut Out<'_, '_>,
) {
    let (Check::DerivedHighest {
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
    }) = &ctx.rule.check
    else {
        return;
    };
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
    let source = crate::derived::source_row(&ctx.rule.check, source_rows.iter().copied());
    let Some(source) = source else { return };
    let source_name = ctx
        .validator
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
            ctx.fail(
                out,
                row,
                basic_field,
                format!("（按{source_name}应为「{expected}」）"),
                format!(" (from {from_group}: \"{expected}\")"),
            );
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
