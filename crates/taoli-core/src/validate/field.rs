//! Checks of one field's value against its indicator: required-ness, type and
//! format, length, code membership, numeric range, ID numbers.

use serde_json::Value;

use super::Detail;
use super::value::{self, Moment};
use crate::catalog::{CodeTable, EffectiveField, FieldType, IdType, Regions};
use crate::error::Locale;
use crate::id_number;

/// What the field checks need besides the value itself.
pub struct FieldContext<'a> {
    pub table: Option<&'a CodeTable>,
    /// Today, for dates that may not lie in the future.
    pub today: Moment,
    /// The teacher's document type, for `id_number` fields.
    pub id_type: Option<&'a IdType>,
}

/// The problem with a filled-in value, if any: one check per indicator type.
pub fn check(field: &EffectiveField, value: &Value, ctx: &FieldContext<'_>) -> Option<Detail> {
    match field.kind {
        FieldType::Text => check_text(field, value),
        FieldType::Code | FieldType::YesNo => check_single_code(field, value, ctx),
        FieldType::MultiCode => check_codes(field, value, ctx),
        FieldType::YearMonth => {
            check_moment(value, ctx.today, "YYYY-MM", "年-月，如 2005-09", |m| {
                m.month.is_some() && m.day.is_none()
            })
        }
        FieldType::Date => check_moment(
            value,
            ctx.today,
            "YYYY-MM-DD",
            "年-月-日，如 1985-03-04",
            |m| m.day.is_some(),
        ),
        FieldType::Year => check_moment(value, ctx.today, "YYYY", "四位年份，如 2025", |m| {
            m.month.is_none()
        }),
        FieldType::Number => check_number(field, value),
        FieldType::IdNumber => check_id_number(value, ctx),
        FieldType::Phone => check_phone(value),
        FieldType::Email => check_email(value),
        // A warning, not an error: see `check_region`.
        FieldType::Region => None,
    }
}

fn check_text(field: &EffectiveField, value: &Value) -> Option<Detail> {
    let len = value::text(value).chars().count();
    match field.max_len {
        Some(max) if len > max as usize => Some(Detail::new(
            format!("最多 {max} 个字，实为 {len} 个"),
            format!("at most {max} characters, found {len}"),
        )),
        _ => None,
    }
}

/// A code (or 是/否) field holds one code of its table.
fn check_single_code(
    field: &EffectiveField,
    value: &Value,
    ctx: &FieldContext<'_>,
) -> Option<Detail> {
    if let Value::String(s) = value
        && !s.contains([',', '，', '、', ';', '；'])
    {
        return check_code(field, s.trim(), ctx.table);
    }
    let codes = value::codes(value);
    if codes.len() > 1 {
        return Some(Detail::new(
            format!("只能填一个代码，实为「{}」", codes.join("、")),
            format!("takes one code, found \"{}\"", codes.join(", ")),
        ));
    }
    codes.first().and_then(|c| check_code(field, c, ctx.table))
}

/// A multi-code field holds codes of its table, each once.
fn check_codes(field: &EffectiveField, value: &Value, ctx: &FieldContext<'_>) -> Option<Detail> {
    let codes = value::codes(value);
    let mut seen: Vec<&str> = Vec::new();
    for code in &codes {
        if seen.contains(&code.as_str()) {
            return Some(Detail::new(
                format!("代码「{code}」重复"),
                format!("code \"{code}\" appears twice"),
            ));
        }
        seen.push(code);
        if let Some(problem) = check_code(field, code, ctx.table) {
            return Some(problem);
        }
    }
    None
}

/// An ID number of the form the teacher's document type requires.
fn check_id_number(value: &Value, ctx: &FieldContext<'_>) -> Option<Detail> {
    let id = id_number::normalize(&value::text(value));
    let id_type = ctx.id_type?;
    id_number::check(id_type, &id).err().map(|problem| {
        let zh = problem.message(Locale::ZhCn);
        let en = problem.message(Locale::En);
        Detail::new(
            zh.trim_end_matches('。').to_owned(),
            en.trim_end_matches('.').to_owned(),
        )
    })
}

/// A mobile (11 digits) or landline number, hyphens and spaces allowed.
fn check_phone(value: &Value) -> Option<Detail> {
    let text = value::text(value);
    let digits: String = text.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let ok = digits.chars().all(|c| c.is_ascii_digit())
        && (7..=20).contains(&digits.len())
        && (digits.len() != 11 || !digits.starts_with('1') || is_mobile(&digits));
    (!ok).then(|| {
        Detail::new(
            format!("「{text}」不是有效的电话号码（手机 11 位，座机如 0838-1234567）"),
            format!("\"{text}\" is not a valid phone number"),
        )
    })
}

fn check_email(value: &Value) -> Option<Detail> {
    let text = value::text(value);
    let ok = text.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    }) && !text.contains(char::is_whitespace);
    (!ok).then(|| {
        Detail::new(
            format!("「{text}」不是有效的电子信箱"),
            format!("\"{text}\" is not a valid e-mail address"),
        )
    })
}

/// The rule id of a `region` value that is not a division's code.
pub const REGION_RULE: &str = "region_code";

/// A `region` field's stored value that is no division's code: text kept
/// from before the field held codes, or a code of an older edition. Kept
/// and shown as it is, with a warning to pick the division from the list.
pub fn check_region(value: &Value, regions: &Regions) -> Option<Detail> {
    let text = value::text(value);
    if regions.get(&text).is_some() {
        return None;
    }
    if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Detail::new(
            format!(
                "「{text}」不是现行的行政区划代码（{}），可能已撤销或调整，请从行政区划列表中重新选择",
                regions.edition
            ),
            format!(
                "\"{text}\" is not a current administrative division code; choose one from the list"
            ),
        ));
    }
    let hint = regions
        .resolve(&text)
        .map(|r| format!("，它对应「{} {}」", r.code, regions.display(&r.code)))
        .unwrap_or_default();
    Some(Detail::new(
        format!(
            "「{text}」是文字，不是行政区划代码{hint}，请从行政区划列表中选择（选择前原文字保留不变）"
        ),
        format!(
            "\"{text}\" is text, not an administrative division code; choose one from the list (the text is kept until then)"
        ),
    ))
}

fn is_mobile(digits: &str) -> bool {
    digits.len() == 11
        && digits.starts_with('1')
        && matches!(digits.as_bytes().get(1), Some(b'3'..=b'9'))
}

fn check_code(field: &EffectiveField, code: &str, table: Option<&CodeTable>) -> Option<Detail> {
    let table = table?;
    match table.get(code) {
        Some(c) if c.selectable => None,
        Some(c) => Some(Detail::new(
            format!("「{} {}」是分类标题，请选择其下的具体代码", c.code, c.name),
            format!(
                "\"{} {}\" is a heading; choose one of its codes",
                c.code, c.name
            ),
        )),
        None => {
            let hint = table
                .resolve(code)
                .map(|c| format!("（「{code}」应填代码 {}）", c.code))
                .unwrap_or_default();
            Some(Detail::new(
                format!("「{code}」不在「{}」代码表中{hint}", table.name),
                format!(
                    "\"{code}\" is not in the {} code table ({})",
                    table.name_en, field.label_en
                ),
            ))
        }
    }
}

fn check_moment(
    value: &Value,
    today: Moment,
    form: &str,
    form_zh: &str,
    precision_ok: impl Fn(&Moment) -> bool,
) -> Option<Detail> {
    let parsed = match value {
        Value::String(s) => Moment::parse(s),
        _ => None,
    };
    match parsed {
        Some(m) if precision_ok(&m) => {
            let text = value::text(value);
            if today.compare(m) == std::cmp::Ordering::Less {
                Some(Detail::new(
                    format!("「{text}」晚于今天"),
                    format!("\"{text}\" is in the future"),
                ))
            } else if m.year < 1900 {
                Some(Detail::new(
                    format!("「{text}」早于 1900 年，请核对"),
                    format!("\"{text}\" is before 1900"),
                ))
            } else {
                None
            }
        }
        _ => {
            let text = value::text(value);
            Some(Detail::new(
                format!("应为{form_zh}，实为「{text}」"),
                format!("expected {form}, found \"{text}\""),
            ))
        }
    }
}

fn check_number(field: &EffectiveField, value: &Value) -> Option<Detail> {
    let text = value::text(value);
    let Some(n) = value::number(value) else {
        return Some(Detail::new(
            format!("应为数字，实为「{text}」"),
            format!("expected a number, found \"{text}\""),
        ));
    };
    if let Some(min) = field.min
        && n < min
    {
        return Some(Detail::new(
            format!("不能小于 {min}，实为 {text}"),
            format!("must be at least {min}, found {text}"),
        ));
    }
    if let Some(max) = field.max
        && n > max
    {
        return Some(Detail::new(
            format!("不能大于 {max}，实为 {text}"),
            format!("must be at most {max}, found {text}"),
        ));
    }
    match field.decimals {
        Some(d) if value::decimals(value) > d as usize => Some(Detail::new(
            format!("最多 {d} 位小数，实为 {text}"),
            format!("at most {d} decimal places, found {text}"),
        )),
        _ => None,
    }
}
