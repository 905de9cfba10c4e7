//! Cross-field and cross-record rules, as declared in `catalog/rules.toml`.
//!
//! A small rule form in the spirit of DHIS2's validation rules: compare two
//! fields or a field and a constant, "both or neither", "not both", "if A is …
//! then B is required / must be empty", plus a few record-set forms. Rules are
//! data; the engine (`crate::validate`) interprets them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::SetScope;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Allowed, with a written reason kept with the record.
    Warning,
    /// Blocks submission.
    Error,
}

fn error() -> Severity {
    Severity::Error
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "≠",
            CompareOp::Lt => "<",
            CompareOp::Le => "≤",
            CompareOp::Gt => ">",
            CompareOp::Ge => "≥",
        }
    }

    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CompareOp::Eq => ordering == Equal,
            CompareOp::Ne => ordering != Equal,
            CompareOp::Lt => ordering == Less,
            CompareOp::Le => ordering != Greater,
            CompareOp::Gt => ordering == Greater,
            CompareOp::Ge => ordering != Less,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOp {
    /// The field holds `value` (for a multi-code field: among its codes).
    Eq,
    /// The field is filled and does not hold `value`.
    Ne,
    /// The field holds one of `values`.
    In,
    /// The field is filled.
    Present,
    /// The field is empty.
    Empty,
}

/// When a rule applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    pub op: ConditionOp,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
}

/// What a rule checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    /// `left op right` (another field) or `left op value` (a constant). Dates
    /// compare at the coarser of the two precisions; numbers as numbers.
    Compare {
        left: String,
        op: CompareOp,
        #[serde(default)]
        right: Option<String>,
        #[serde(default)]
        value: Option<String>,
    },
    /// All of the fields are filled, or none.
    BothOrNeither { fields: Vec<String> },
    /// Not all of the fields are filled.
    NotBoth { fields: Vec<String> },
    /// The fields must be filled (usually with `when`).
    Required { fields: Vec<String> },
    /// The fields must be empty (usually with `when`).
    Empty { fields: Vec<String> },
    /// In a multi-code field, these codes must stand alone.
    Alone { field: String, codes: Vec<String> },
    /// The field may not hold these codes.
    NotCodes { field: String, codes: Vec<String> },
    /// The field's code must be a child of the code in `parent_field`
    /// (`parent_aliases` maps a parent value to the one whose children it shares).
    ChildOf {
        field: String,
        parent_field: String,
        #[serde(default)]
        parent_aliases: BTreeMap<String, String>,
    },
    /// The date agrees with the birth date in a resident ID number.
    MatchesIdBirthDate { field: String },
    /// The gender code agrees with the 17th digit of a resident ID number:
    /// `male` for an odd digit, `female` for an even one (codes of the field's table).
    MatchesIdGender {
        field: String,
        male: String,
        female: String,
    },
    /// The first six digits of a resident ID number are a division of the
    /// region table (reported on `field`, the ID number).
    IdRegionKnown { field: String },
    /// A year before the current one.
    BeforeCurrentYear { field: String },
    /// Across a multi-record group: the row with the latest start has no end,
    /// and every earlier row has one.
    LatestOpenEnded { start: String, end: String },
    /// Across a multi-record group: no two rows' periods overlap.
    NoOverlap { start: String, end: String },
    /// A derived field agrees with the highest code (the smallest code number)
    /// of a field across another group's rows.
    DerivedHighest {
        field: String,
        from_group: String,
        from_field: String,
        /// More derived fields taken from the same row: 基本信息 field → source field.
        #[serde(default)]
        with: BTreeMap<String, String>,
    },
    /// A derived field agrees with the row of another group with the latest `order_by`.
    DerivedLatest {
        field: String,
        from_group: String,
        from_field: String,
        order_by: String,
        #[serde(default)]
        with: BTreeMap<String, String>,
    },
}

impl Check {
    /// Every field the check reads, for cross-checking the catalog.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Check::Compare { left, right, .. } => {
                let mut v = vec![left.as_str()];
                v.extend(right.as_deref());
                v
            }
            Check::BothOrNeither { fields }
            | Check::NotBoth { fields }
            | Check::Required { fields }
            | Check::Empty { fields } => fields.iter().map(String::as_str).collect(),
            Check::Alone { field, .. }
            | Check::NotCodes { field, .. }
            | Check::MatchesIdBirthDate { field }
            | Check::IdRegionKnown { field }
            | Check::MatchesIdGender { field, .. }
            | Check::BeforeCurrentYear { field } => vec![field],
            Check::ChildOf {
                field,
                parent_field,
                ..
            } => vec![field, parent_field],
            Check::LatestOpenEnded { start, end } | Check::NoOverlap { start, end } => {
                vec![start, end]
            }
            Check::DerivedHighest { field, with, .. }
            | Check::DerivedLatest { field, with, .. } => std::iter::once(field.as_str())
                .chain(with.keys().map(String::as_str))
                .collect(),
        }
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Rule {
    pub id: String,
    /// The information group whose records the rule reads.
    pub group: String,
    #[serde(default = "error")]
    pub severity: Severity,
    #[serde(default)]
    pub sets: SetScope,
    #[serde(default)]
    pub when: Option<Condition>,
    #[serde(flatten)]
    pub check: Check,
    /// What is expected, in Chinese, for the clerk.
    pub message: String,
    pub message_en: String,
    #[serde(default = "yes")]
    pub confirmed: bool,
}
