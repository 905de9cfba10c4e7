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
    #[serde(rename = "code")]
    pub codes: Vec<Code>,
    /// Code → position in `codes`, built on first lookup.
    #[serde(skip)]
    #[ts(skip)]
    index: OnceLock<HashMap<String, usize>>,
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
            codes,
            index: OnceLock::new(),
        }
    }

    /// The same table holding only the codes `keep` accepts.
    pub fn filtered(&self, keep: impl Fn(&Code) -> bool) -> CodeTable {
        CodeTable {
            codes: self.codes.iter().filter(|c| keep(c)).cloned().collect(),
            index: OnceLock::new(),
            ..self.clone()
        }
    }

    /// The same table holding `codes` instead.
    pub fn with_codes(&self, codes: Vec<Code>) -> CodeTable {
        CodeTable {
            codes,
            index: OnceLock::new(),
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

    /// The code a clerk's value stands for: a code, a label or a synonym.
    pub fn resolve(&self, value: &str) -> Option<&Code> {
        let value = value.trim();
        self.get(value)
            .or_else(|| self.codes.iter().find(|c| c.name == value))
            .or_else(|| {
                self.codes
                    .iter()
                    .find(|c| c.synonyms.iter().any(|s| s == value))
            })
            .or_else(|| {
                self.codes.iter().find(|c| {
                    c.name_en
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(value))
                })
            })
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
    #[serde(rename = "field")]
    pub fields: Vec<Field>,
}

impl Group {
    pub fn field(&self, code: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.code == code)
    }
}
