//! Which column holds which indicator: headers matched to catalog fields by
//! normalized name and the catalog's header synonyms, then the school's
//! remembered corrections for the same header layout, then the clerk's own.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{EffectiveCatalog, EffectiveField, EffectiveGroup};
use crate::error::{EntryError, ImportError};
use crate::error::{Error, Result};
use crate::validate::BASIC_GROUP;

/// An indicator a column can fill: a field of an information group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct FieldTarget {
    /// The group's id, e.g. `basic`.
    pub group: String,
    pub group_name: String,
    /// The field's code, e.g. `school_entry_month`.
    pub field: String,
    pub label: String,
}

impl FieldTarget {
    fn new(group: &EffectiveGroup, field: &EffectiveField) -> FieldTarget {
        FieldTarget {
            group: group.id.clone(),
            group_name: group.name.clone(),
            field: field.code.clone(),
            label: field.label.clone(),
        }
    }

    /// `group.field`, as remembered mappings store it.
    pub fn key(&self) -> String {
        format!("{}.{}", self.group, self.field)
    }
}

/// How a column's target was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// The header is the indicator's name or one of its catalog synonyms.
    Catalog,
    /// The school chose this for the same header before: in a sheet of the
    /// same header layout, or by header name (`import/learned.rs`).
    Remembered,
    /// The clerk set it for this import.
    Corrected,
    /// No indicator has this name; the column is not imported.
    Unknown,
    /// Several indicators have this name; the clerk must choose.
    Ambiguous,
    /// The clerk chose not to import this column.
    Ignored,
}

/// One column of a sheet and the indicator it fills.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ColumnMapping {
    /// 0-based column index in the sheet.
    #[ts(type = "number")]
    pub index: u32,
    /// The column's letter as Excel shows it (A, B, … AA).
    pub letter: String,
    /// The header as written (two-row headers joined with「/」).
    pub header: String,
    pub target: Option<FieldTarget>,
    pub source: MappingSource,
    /// For an ambiguous header, the indicators it could be.
    pub candidates: Vec<FieldTarget>,
    /// The first non-empty values of the column, to help the clerk decide.
    pub samples: Vec<String>,
}

/// A clerk's correction: the column whose header is `header` fills `target`
/// (a field code, label or `信息项.指标`), or nothing when `target` is empty or `-`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MappingOverride {
    pub header: String,
    pub target: Option<String>,
}

impl MappingOverride {
    /// Parses `HEADER=FIELD` as the CLI's `--map` takes it.
    pub fn parse(raw: &str) -> Result<MappingOverride> {
        let (header, target) = raw
            .split_once('=')
            .or_else(|| raw.split_once('＝'))
            .ok_or_else(|| ImportError::BadColumnMapping(raw.to_owned()))?;
        let header = header.trim();
        if header.is_empty() {
            return Err(ImportError::BadColumnMapping(raw.to_owned()).into());
        }
        let target = target.trim();
        Ok(MappingOverride {
            header: header.to_owned(),
            target: (!is_ignore(target)).then(|| target.to_owned()),
        })
    }
}

fn is_ignore(target: &str) -> bool {
    matches!(target, "" | "-" | "—" | "忽略" | "不导入")
}

/// A header as compared: half-width, without white space, `*`, quotes or a
/// trailing colon, ASCII lower-cased.
pub fn normalize_header(raw: &str) -> String {
    crate::text::to_half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '"' | '“' | '”' | '\'' | '‘' | '’'))
        .collect::<String>()
        .trim_end_matches([':', '：'])
        .to_ascii_lowercase()
}

/// The header without its last bracketed part (`出生日期(yyyy-MM-dd)` → `出生日期`).
fn without_suffix(normalized: &str) -> Option<&str> {
    let trimmed = normalized
        .strip_suffix(')')
        .or_else(|| normalized.strip_suffix('】'))?;
    let open = trimmed.rfind(['(', '【'])?;
    normalized.get(..open).filter(|s| !s.is_empty())
}

/// Every name the catalog knows a field by, normalized, and the fields that carry it.
#[derive(Debug)]
pub struct HeaderMatcher {
    names: HashMap<String, Vec<FieldTarget>>,
}

impl HeaderMatcher {
    pub fn new(effective: &EffectiveCatalog) -> HeaderMatcher {
        let mut names: HashMap<String, Vec<FieldTarget>> = HashMap::new();
        for group in &effective.groups {
            for field in group.fields.iter().filter(|f| !f.derived) {
                let target = FieldTarget::new(group, field);
                let mut add = |name: &str| {
                    let entry = names.entry(normalize_header(name)).or_default();
                    if !entry.contains(&target) {
                        entry.push(target.clone());
                    }
                };
                add(&field.label);
                add(&field.code);
                field.header_synonyms.iter().for_each(|s| add(s));
            }
        }
        HeaderMatcher { names }
    }

    /// The fields a header can stand for: by its whole name, then without
    /// trailing bracketed hints.
    pub fn candidates(&self, header: &str) -> &[FieldTarget] {
        let mut name = normalize_header(header);
        loop {
            if let Some(found) = self.names.get(&name) {
                return found;
            }
            match without_suffix(&name) {
                Some(shorter) => name = shorter.to_owned(),
                None => return &[],
            }
        }
    }

    /// A target named by a clerk: `信息项.指标`, or a field's code, label or synonym.
    pub fn resolve(&self, effective: &EffectiveCatalog, target: &str) -> Result<FieldTarget> {
        let unknown = || {
            Error::Import(ImportError::UnknownMappingTarget {
                target: target.to_owned(),
            })
        };
        if let Some((group, field)) = target.split_once(['.', '。', '·']) {
            let group = crate::entry::find_group(effective, group).map_err(|_| unknown())?;
            let field = crate::entry::find_field(group, field).map_err(|_| unknown())?;
            if field.derived {
                return Err(EntryError::DerivedField(field.worded_label()).into());
            }
            return Ok(FieldTarget::new(group, field));
        }
        let found = self.candidates(target);
        match found {
            [] => Err(unknown()),
            [one] => Ok(one.clone()),
            many => prefer(many, None)
                .or_else(|| many.first().cloned())
                .ok_or_else(unknown),
        }
    }
}

/// Among several fields with one name: the sheet's own group first, then
/// 基本信息, then the groups other columns of the sheet already fill.
fn prefer(candidates: &[FieldTarget], context: Option<&Context>) -> Option<FieldTarget> {
    if let Some(ctx) = context {
        if let Some(group) = &ctx.sheet_group
            && let Some(t) = candidates.iter().find(|t| &t.group == group)
        {
            return Some(t.clone());
        }
        let in_context: Vec<&FieldTarget> = candidates
            .iter()
            .filter(|t| ctx.groups.contains(&t.group))
            .collect();
        if let [one] = in_context.as_slice() {
            return Some((*one).clone());
        }
    }
    let single: Vec<&FieldTarget> = candidates
        .iter()
        .filter(|t| t.group == BASIC_GROUP || t.group == "contact")
        .collect();
    match single.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

struct Context {
    sheet_group: Option<String>,
    groups: Vec<String>,
}

/// Proposes a target for every header of a sheet. `sheet` is the sheet's name;
/// a sheet named after an information group (as in the official template)
/// prefers that group's fields.
pub fn propose(
    effective: &EffectiveCatalog,
    matcher: &HeaderMatcher,
    sheet: &str,
    headers: &[(u32, String)],
) -> Vec<ColumnMapping> {
    let sheet_group = effective
        .groups
        .iter()
        .find(|g| normalize_header(&g.name) == normalize_header(sheet))
        .map(|g| g.id.clone());
    let groups: Vec<String> = headers
        .iter()
        .filter_map(|(_, h)| match matcher.candidates(h) {
            [one] => Some(one.group.clone()),
            _ => None,
        })
        .collect();
    let context = Context {
        sheet_group,
        groups,
    };
    headers
        .iter()
        .map(|(index, header)| {
            let candidates = matcher.candidates(header);
            let (target, source, candidates) = match candidates {
                [] => (None, MappingSource::Unknown, Vec::new()),
                [one] => (Some(one.clone()), MappingSource::Catalog, Vec::new()),
                many => match prefer(many, Some(&context)) {
                    Some(t) => (Some(t), MappingSource::Catalog, Vec::new()),
                    None => (None, MappingSource::Ambiguous, many.to_vec()),
                },
            };
            ColumnMapping {
                index: *index,
                letter: column_letter(*index),
                header: header.clone(),
                target,
                source,
                candidates,
                samples: Vec::new(),
            }
        })
        .collect()
}

/// The key under which a sheet's corrections are remembered: its normalized headers in order.
pub fn layout_key(columns: &[ColumnMapping]) -> String {
    columns
        .iter()
        .map(|c| normalize_header(&c.header))
        .collect::<Vec<_>>()
        .join("|")
}

/// Excel's name for a 0-based column index.
pub fn column_letter(index: u32) -> String {
    // Counted in u64: the last index (u32::MAX) has no successor in u32.
    // Bijective base 26: each step takes the letter of n % 26 (A for 0) and
    // goes on with n / 26 - 1, until nothing is left.
    let mut n = u64::from(index);
    let mut letters = Vec::new();
    loop {
        let letter = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            .get(usize::try_from(n % 26).unwrap_or_default())
            .copied()
            .unwrap_or(b'A');
        letters.push(char::from(letter));
        match (n / 26).checked_sub(1) {
            Some(rest) => n = rest,
            None => break,
        }
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_lose_stars_spaces_and_full_width_forms() {
        assert_eq!(normalize_header("*姓　名"), "姓名");
        assert_eq!(
            normalize_header("出生日期\n(yyyy-MM-dd)"),
            "出生日期(yyyy-mm-dd)"
        );
        assert_eq!(normalize_header("国籍（地区）："), "国籍(地区)");
    }

    #[test]
    fn a_trailing_bracketed_hint_is_dropped_when_matching() {
        assert_eq!(without_suffix("出生日期(yyyy-mm-dd)"), Some("出生日期"));
        assert_eq!(without_suffix("姓名"), None);
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn the_last_column_index_has_a_letter_instead_of_overflowing() {
        // u32::MAX + 1 overflowed when counted in u32.
        assert_eq!(column_letter(u32::MAX), "MWLQKWV");
    }

    #[test]
    fn a_mapping_override_may_ignore_a_column() {
        let o = MappingOverride::parse("序号=-").unwrap();
        assert_eq!((o.header.as_str(), o.target), ("序号", None));
        assert!(MappingOverride::parse("来校时间").is_err());
    }
}
