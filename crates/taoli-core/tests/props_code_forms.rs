#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Every written form of every code, through the public normalization entry
//! (`entry::normalize_value`, what `FIELD=VALUE`, the form and the import
//! share), for every code table of every indicator set in the catalog.
//!
//! The forms a code is written in, in rosters and in the national system's
//! own templates and exports: the code (`01`), its name (`汉族`), each
//! synonym (`汉`), the templates' 「代码-名称」 (`01-汉族`), 「代码 名称」
//! (`01 汉族`), 「名称(代码)」 and 「名称（代码）」 (`汉族(01)`), the name
//! with spaces between its characters as distributed alignment pads it
//! (`汉 族`, `汉　族`), and the full-width forms an input method types
//! (`０１`, `０１－汉族`). Each must normalize to the code; a 「代码-名称」 whose
//! parts name two different codes is an error naming both.
//!
//! Seeded; `PROPTEST_CASES=N` (each test) or `TAOLI_FUZZ_SCALE=K` runs
//! longer, `TAOLI_FUZZ_RANDOM=1` draws new cases.

#[path = "support/props.rs"]
mod props;

use std::collections::{BTreeMap, BTreeSet};

use props::runner;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Value, json};
use taoli_core::catalog::{Code, CodeTable, EffectiveField, FieldType, catalog};
use taoli_core::{ErrorKind, entry, text};

/// One code table as one set's field sees it: the field normalization is
/// asked for, the set's table, and the codes a clerk may choose.
struct Case {
    set: String,
    field: EffectiveField,
    table: CodeTable,
}

impl Case {
    fn selectable(&self) -> Vec<&Code> {
        self.table.codes.iter().filter(|c| c.selectable).collect()
    }

    fn normalize(&self, raw: &str) -> taoli_core::Result<Value> {
        entry::normalize_value(&self.field, Some(&self.table), raw)
    }

    /// What the field stores for `code`: a multi-code field an array.
    fn stored(&self, code: &str) -> Value {
        if self.field.kind == FieldType::MultiCode {
            json!([code])
        } else {
            json!(code)
        }
    }

    fn at(&self) -> String {
        format!("{} {}（{}）", self.set, self.field.label, self.table.id)
    }
}

/// Every (set, code table) of the catalog once, with a field that uses it.
fn cases() -> Vec<Case> {
    let catalog = catalog().unwrap();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for set in catalog.sets() {
        let effective = catalog.effective(&set.id).unwrap();
        for group in &effective.groups {
            for field in &group.fields {
                if !matches!(
                    field.kind,
                    FieldType::Code | FieldType::MultiCode | FieldType::YesNo
                ) {
                    continue;
                }
                let Some(table) = field.code_table.as_deref() else {
                    continue;
                };
                if !seen.insert((set.id.clone(), table.to_owned())) {
                    continue;
                }
                out.push(Case {
                    set: set.id.clone(),
                    field: field.clone(),
                    table: effective.code_table(table).unwrap().clone(),
                });
            }
        }
    }
    assert!(out.len() > 30, "only {} code tables found", out.len());
    out
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// The fixed written forms of `code`, each with what it is called.
fn fixed_forms(code: &Code) -> Vec<(String, String)> {
    let (c, n) = (&code.code, &code.name);
    let mut forms = vec![
        ("代码".to_owned(), c.clone()),
        ("名称".to_owned(), n.clone()),
        ("代码-名称".to_owned(), format!("{c}-{n}")),
        ("代码 名称".to_owned(), format!("{c} {n}")),
        ("名称(代码)".to_owned(), format!("{n}({c})")),
        ("名称（代码）".to_owned(), format!("{n}（{c}）")),
        ("全角代码".to_owned(), full_width(c, &[])),
        (
            "全角代码-名称".to_owned(),
            full_width(&format!("{c}-{n}"), &[]),
        ),
        (
            "名称（全角代码）".to_owned(),
            format!("{n}（{}）", full_width(c, &[])),
        ),
    ];
    for s in &code.synonyms {
        forms.push((format!("同义词「{s}」"), s.clone()));
    }
    if n.chars().filter(|c| is_han(*c)).count() >= 2 {
        forms.push(("名称中间加空格".to_owned(), spaced(n, &[], ' ')));
        forms.push(("名称中间加全角空格".to_owned(), spaced(n, &[], '\u{3000}')));
    }
    forms
}

/// `text` with a space (`gap`) between two Han characters at each of the
/// gaps `chosen` picks (every gap when `chosen` is empty).
fn spaced(text: &str, chosen: &[bool], gap: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut g = 0;
    for (i, ch) in chars.iter().enumerate() {
        out.push(*ch);
        if let Some(next) = chars.get(i + 1)
            && is_han(*ch)
            && is_han(*next)
        {
            if chosen.is_empty() || chosen.get(g).copied().unwrap_or(false) {
                out.push(gap);
            }
            g += 1;
        }
    }
    out
}

/// `text` with its ASCII letters, digits and punctuation in full width
/// (those `chosen` picks; all when `chosen` is empty), as NFKC folds back.
fn full_width(text: &str, chosen: &[bool]) -> String {
    text.chars()
        .enumerate()
        .map(|(i, ch)| {
            let widen = chosen.is_empty() || chosen.get(i).copied().unwrap_or(false);
            match ch {
                '!'..='~' if widen => char::from_u32(ch as u32 + 0xFEE0).unwrap(),
                ' ' if widen => '\u{3000}',
                _ => ch,
            }
        })
        .collect()
}

/// Every written form of every selectable code, as (form, raw, expected).
#[test]
fn every_written_form_of_every_selectable_code_normalizes_to_that_code() {
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = 0usize;
    for case in cases() {
        for code in case.selectable() {
            for (form, raw) in fixed_forms(code) {
                checked += 1;
                let want = case.stored(&code.code);
                let got = case.normalize(&raw);
                if got.as_ref().ok() != Some(&want) {
                    failures.entry(form).or_default().push(format!(
                        "{}: 「{raw}」 → {}, expected {want}",
                        case.at(),
                        match got {
                            Ok(v) => v.to_string(),
                            Err(e) => format!("错误「{e}」"),
                        }
                    ));
                }
            }
        }
    }
    let failed: usize = failures.values().map(Vec::len).sum();
    let report: Vec<String> = failures
        .iter()
        .map(|(form, list)| {
            format!(
                "{form}: {} failed, e.g.\n    {}",
                list.len(),
                list.iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n    ")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{failed} of {checked} written forms did not normalize to their code:\n{}",
        report.join("\n")
    );
}

/// A selectable code of some table: (case, code) indexes.
fn pick() -> impl Strategy<Value = (Index, Index)> {
    (any::<Index>(), any::<Index>())
}

#[test]
fn a_name_spaced_between_any_of_its_characters_normalizes_to_its_code() {
    let cases = cases();
    runner(2000)
        .run(
            &(
                pick(),
                prop::collection::vec(any::<bool>(), 12),
                any::<bool>(),
            ),
            |((t, c), gaps, ideographic)| {
                let case = t.get(&cases);
                let codes = case.selectable();
                let code = c.get(&codes);
                if code.name.chars().filter(|c| is_han(*c)).count() < 2 {
                    return Ok(());
                }
                let raw = spaced(
                    &code.name,
                    &gaps,
                    if ideographic { '\u{3000}' } else { ' ' },
                );
                let got = case.normalize(&raw);
                prop_assert_eq!(
                    got.as_ref().ok(),
                    Some(&case.stored(&code.code)),
                    "{}: 「{}」 gave {:?}",
                    case.at(),
                    raw,
                    got
                );
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn full_width_digits_and_letters_in_any_form_normalize_to_the_code() {
    let cases = cases();
    runner(2000)
        .run(
            &(pick(), prop::collection::vec(any::<bool>(), 40), 0..4usize),
            |((t, c), widen, form)| {
                let case = t.get(&cases);
                let codes = case.selectable();
                let code = c.get(&codes);
                let plain = match form {
                    0 => code.code.clone(),
                    1 => format!("{}-{}", code.code, code.name),
                    2 => format!("{} {}", code.code, code.name),
                    _ => format!("{}({})", code.name, code.code),
                };
                let raw = full_width(&plain, &widen);
                let got = case.normalize(&raw);
                prop_assert_eq!(
                    got.as_ref().ok(),
                    Some(&case.stored(&code.code)),
                    "{}: 「{}」 gave {:?}",
                    case.at(),
                    raw,
                    got
                );
                Ok(())
            },
        )
        .unwrap();
}

/// True when `raw`, spaces removed, is itself a code, name or synonym of the table.
fn is_a_written_form(table: &CodeTable, raw: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let raw = squeeze(raw);
    table.codes.iter().any(|c| {
        squeeze(&c.code) == raw
            || squeeze(&c.name) == raw
            || c.synonyms.iter().any(|s| squeeze(s) == raw)
    })
}

/// One code the parent of the other (教职工来源 10 招聘 and 101 应届毕业生):
/// a 「代码-名称」 across them is left to the hierarchy, not called a mismatch.
fn related(a: &Code, b: &Code) -> bool {
    a.parent.as_deref() == Some(b.code.as_str()) || b.parent.as_deref() == Some(a.code.as_str())
}

#[test]
fn a_code_name_pair_whose_parts_name_different_codes_is_an_error_naming_both() {
    let cases = cases();
    runner(2000)
        .run(&(pick(), any::<Index>()), |((t, c), o)| {
            let case = t.get(&cases);
            let codes = case.selectable();
            let code = c.get(&codes);
            let other = o.get(&codes);
            if other.code == code.code
                || other.name == code.name
                || other.name.contains(&code.name)
                || related(code, other)
            {
                return Ok(());
            }
            let raw = format!("{}-{}", code.code, other.name);
            if is_a_written_form(&case.table, &raw) {
                return Ok(());
            }
            match case.normalize(&raw) {
                Ok(v) => prop_assert!(false, "{}: 「{}」 was taken as {}", case.at(), raw, v),
                Err(e) => {
                    prop_assert_eq!(e.kind(), ErrorKind::User, "{}", e);
                    // Both parts and what the code part means: echoing the
                    // raw value alone would name the two parts already.
                    let text = text::to_half_width(&e.to_string());
                    prop_assert!(
                        text.contains(&code.code)
                            && text.contains(&text::to_half_width(&other.name))
                            && text.contains(&text::to_half_width(&code.name)),
                        "{}: the error on 「{}」 does not say that {} is {}: {}",
                        case.at(),
                        raw,
                        code.code,
                        code.name,
                        text
                    );
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_yes_no_field_takes_0_否_1_是_否_and_是() {
    let yes_no: Vec<Case> = cases()
        .into_iter()
        .filter(|c| c.field.kind == FieldType::YesNo)
        .collect();
    assert!(!yes_no.is_empty());
    for case in &yes_no {
        for (raw, want) in [("0-否", "0"), ("1-是", "1"), ("否", "0"), ("是", "1")] {
            let got = case.normalize(raw);
            assert_eq!(
                got.as_ref().ok(),
                Some(&json!(want)),
                "{}: 「{raw}」 gave {got:?}",
                case.at()
            );
        }
    }
}

#[test]
fn a_yes_no_pair_that_contradicts_itself_is_an_error() {
    for case in cases().iter().filter(|c| c.field.kind == FieldType::YesNo) {
        for raw in ["0-是", "1-否"] {
            assert!(
                case.normalize(raw).is_err(),
                "{}: 「{raw}」 was accepted",
                case.at()
            );
        }
    }
}

/// The forms above are only meaningful when no written form names two
/// codes of one table (the catalog's own consistency).
#[test]
fn no_code_name_or_synonym_names_two_codes_of_one_table() {
    let mut clashes = Vec::new();
    for case in cases() {
        let mut owner: BTreeMap<String, &str> = BTreeMap::new();
        for code in case.selectable() {
            let mut mine: BTreeSet<String> = BTreeSet::new();
            mine.insert(code.code.clone());
            mine.insert(code.name.clone());
            mine.extend(code.synonyms.iter().cloned());
            for form in mine {
                if let Some(first) = owner.insert(form.clone(), &code.code)
                    && first != code.code
                {
                    clashes.push(format!(
                        "{}: 「{form}」 is {first} and {}",
                        case.at(),
                        code.code
                    ));
                }
            }
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}
