//! The catalog's typed model: what the TOML files say, checked.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which indicator sets something applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum SetScope {
    /// `"all"`.
    All(AllSets),
    /// A list of set ids.
    Only(Vec<String>),
}

/// The literal string `"all"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum AllSets {
    #[serde(rename = "all")]
    All,
}

impl SetScope {
    pub fn none() -> SetScope {
        SetScope::Only(Vec::new())
    }

    pub fn all() -> SetScope {
        SetScope::All(AllSets::All)
    }

    pub fn contains(&self, set: &str) -> bool {
        match self {
            SetScope::All(_) => true,
            SetScope::Only(sets) => sets.iter().any(|s| s == set),
        }
    }

    pub(crate) fn ids(&self) -> &[String] {
        match self {
            SetScope::All(_) => &[],
            SetScope::Only(sets) => sets,
        }
    }
}

impl Default for SetScope {
    fn default() -> Self {
        SetScope::all()
    }
}

fn scope_none() -> SetScope {
    SetScope::none()
}

fn yes() -> bool {
    true
}

/// Who may fill a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Filler {
    Teacher,
    School,
    Bureau,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Code,
    MultiCode,
    YearMonth,
    Date,
    Year,
    Number,
    YesNo,
    IdNumber,
    Phone,
    Email,
    /// An administrative division (行政区划, GB/T 2260): its six-digit code,
    /// from the catalog's region table.
    Region,
}

/// One code of a code table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Code {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default = "yes")]
    pub selectable: bool,
    #[serde(default)]
    pub sets: SetScope,
    #[serde(default = "yes")]
    pub confirmed: bool,
}

/// A code table (代码表).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CodeTable {
    pub id: String,
    pub name: String,
    pub name_en: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default = "yes")]
    pub confirmed: bool,
    /// The code that "none" (无, 未评, / …) stands for; unset: the code named
    /// 无, if any; empty: none, so those words leave the value empty.
    #[serde(default)]
    pub none_code: Option<String>,
    /// This table's own ways of saying "none", instead of the catalog's
    /// (`catalog/value_forms.toml`).
    #[serde(default)]
    pub none_words: Option<Vec<String>>,
    #[serde(rename = "code")]
    pub codes: Vec<Code>,
    /// Code → position in `codes`, built on first lookup.
    #[serde(skip)]
    #[ts(skip)]
    index: OnceLock<HashMap<String, usize>>,
    /// Comparison form (`written::squeeze`) of every code, label and synonym →
    /// position in `codes`, built on first lookup.
    #[serde(skip)]
    #[ts(skip)]
    pub(super) keys: OnceLock<HashMap<String, usize>>,
}

impl CodeTable {
    pub fn new(
        id: String,
        name: String,
        name_en: String,
        source: Option<String>,
        codes: Vec<Code>,
    ) -> CodeTable {
        CodeTable {
            id,
            name,
            name_en,
            source,
            confirmed: true,
            none_code: None,
            none_words: None,
            codes,
            index: OnceLock::new(),
            keys: OnceLock::new(),
        }
    }

    /// The same table holding only the codes `keep` accepts.
    pub fn filtered(&self, keep: impl Fn(&Code) -> bool) -> CodeTable {
        CodeTable {
            codes: self.codes.iter().filter(|c| keep(c)).cloned().collect(),
            index: OnceLock::new(),
            keys: OnceLock::new(),
            ..self.clone()
        }
    }

    /// The same table holding `codes` instead.
    pub fn with_codes(&self, codes: Vec<Code>) -> CodeTable {
        CodeTable {
            codes,
            index: OnceLock::new(),
            keys: OnceLock::new(),
            ..self.clone()
        }
    }

    pub fn get(&self, code: &str) -> Option<&Code> {
        let index = self.index.get_or_init(|| {
            self.codes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.code.clone(), i))
                .collect()
        });
        index.get(code).and_then(|&i| self.codes.get(i))
    }

    /// The code a clerk's value stands for, in any form [`CodeTable::read`]
    /// accepts; `None` for a mismatch, a "none" without a code, or nothing.
    pub fn resolve(&self, value: &str) -> Option<&Code> {
        match self.read(value) {
            super::written::Reading::Code(code) => Some(code),
            _ => None,
        }
    }
}

/// One indicator (指标) of an information group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub code: String,
    pub label: String,
    pub label_en: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub code_table: Option<String>,
    #[serde(default)]
    pub code_table_by_set: BTreeMap<String, String>,
    #[serde(default = "scope_none")]
    pub required: SetScope,
    #[serde(default)]
    pub sets: SetScope,
    #[serde(default)]
    pub max_len: Option<u32>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    #[serde(default)]
    pub decimals: Option<u32>,
    #[serde(default)]
    pub filled_by: Option<Vec<Filler>>,
    #[serde(default)]
    pub derived: bool,
    #[serde(default)]
    pub labels_by_set: BTreeMap<String, String>,
    #[serde(default)]
    pub header_synonyms: Vec<String>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default = "yes")]
    pub confirmed: bool,
    /// Where the field's shape or required-ness is confirmed in some sets and
    /// only inferred in others: `{ university = false }` marks it inferred in
    /// 高校 while `confirmed` speaks for the other sets.
    #[serde(default)]
    pub confirmed_by_set: BTreeMap<String, bool>,
}

impl Field {
    /// The code table this field uses in `set`.
    pub fn code_table_for(&self, set: &str) -> Option<&str> {
        self.code_table_by_set
            .get(set)
            .or(self.code_table.as_ref())
            .map(String::as_str)
    }

    /// The label this field carries in `set`.
    pub fn label_for(&self, set: &str) -> &str {
        self.labels_by_set.get(set).unwrap_or(&self.label)
    }

    /// Whether the field is confirmed (not only inferred) in `set`.
    pub fn confirmed_in(&self, set: &str) -> bool {
        self.confirmed_by_set
            .get(set)
            .copied()
            .unwrap_or(self.confirmed)
    }
}

/// An information group (信息项).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub multi: bool,
    pub order: u32,
    #[serde(default)]
    pub sets: SetScope,
    pub filled_by: Vec<Filler>,
    #[serde(default)]
    pub help: Option<String>,
    /// For a multi-record group: the fields that tell one row from another
    /// (e.g. 年度 of 年度考核). An imported row with the same key updates the
    /// stored row instead of adding one.
    #[serde(default)]
    pub key: Vec<String>,
    /// The row key where a set identifies rows by other fields (e.g. 高校
    /// 教育教学 rows by 年度 and 学期 instead of 学年 and 学期).
    #[serde(default)]
    pub key_by_set: BTreeMap<String, Vec<String>>,
    #[serde(rename = "field")]
    pub fields: Vec<Field>,
}

impl Group {
    pub fn field(&self, code: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.code == code)
    }

    /// The fields that identify a row of this group in `set`.
    pub fn key_for(&self, set: &str) -> &[String] {
        self.key_by_set.get(set).unwrap_or(&self.key)
    }
}
