//! The catalog as one indicator set sees it: only its groups and fields, with
//! required-ness, labels and code tables resolved. This is what the teacher
//! form, `taoli catalog --set` and the validation engine work from.

use serde::Serialize;
use ts_rs::TS;

use super::model::{CodeTable, FieldType, Filler};

use super::{Catalog, IndicatorSet};
use crate::error::SchoolError;
use crate::error::messages::named_code;
use crate::error::{Error, Locale, Result, Worded};

/// The table every yes/no field uses.
pub const YES_NO_TABLE: &str = "yes_no";

#[derive(Debug, Clone, Serialize, TS)]
pub struct EffectiveField {
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub kind: FieldType,
    pub code_table: Option<String>,
    pub required: bool,
    pub max_len: Option<u32>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub decimals: Option<u32>,
    pub filled_by: Vec<Filler>,
    pub derived: bool,
    pub help: Option<String>,
    pub default: Option<String>,
    pub header_synonyms: Vec<String>,
    pub confirmed: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EffectiveGroup {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub multi: bool,
    pub filled_by: Vec<Filler>,
    pub help: Option<String>,
    /// The fields that identify a row of a multi-record group (may be empty).
    pub key: Vec<String>,
    pub fields: Vec<EffectiveField>,
}

impl EffectiveGroup {
    pub fn field(&self, code: &str) -> Option<&EffectiveField> {
        self.fields.iter().find(|f| f.code == code)
    }

    /// The group's name in both languages.
    pub fn worded_name(&self) -> Worded {
        Worded {
            zh: self.name.clone(),
            en: self.name_en.clone(),
        }
    }
}

impl EffectiveField {
    /// The indicator's label in both languages.
    pub fn worded_label(&self) -> Worded {
        Worded {
            zh: self.label.clone(),
            en: self.label_en.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EffectiveCatalog {
    pub set: IndicatorSet,
    pub groups: Vec<EffectiveGroup>,
    /// The code tables the set's fields use, holding only the set's codes.
    pub code_tables: Vec<CodeTable>,
}

impl EffectiveCatalog {
    pub fn group(&self, id: &str) -> Option<&EffectiveGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn code_table(&self, id: &str) -> Option<&CodeTable> {
        self.code_tables.iter().find(|t| t.id == id)
    }
}

impl Catalog {
    /// The catalog for one indicator set (by id or Chinese name).
    pub fn effective(&self, set: &str) -> Result<EffectiveCatalog> {
        let set = self.set(set).ok_or_else(|| {
            Error::School(SchoolError::UnknownIndicatorSet {
                given: set.to_owned(),
                valid: Box::new(Worded::list(|locale| {
                    self.sets().iter().map(move |s| {
                        let name = match locale {
                            Locale::ZhCn => &s.name,
                            Locale::En => &s.name_en,
                        };
                        named_code(locale, name, &s.id)
                    })
                })),
            })
        })?;
        let mut table_ids: Vec<String> = Vec::new();
        let groups = self
            .groups()
            .iter()
            .filter(|g| g.sets.contains(&set.id))
            .map(|g| EffectiveGroup {
                id: g.id.clone(),
                name: g.name.clone(),
                name_en: g.name_en.clone(),
                multi: g.multi,
                filled_by: g.filled_by.clone(),
                help: g.help.clone(),
                key: g.key_for(&set.id).to_vec(),
                fields: g
                    .fields
                    .iter()
                    .filter(|f| f.sets.contains(&set.id))
                    .map(|f| {
                        let code_table = f
                            .code_table_for(&set.id)
                            .or((f.kind == FieldType::YesNo).then_some(YES_NO_TABLE))
                            .map(str::to_owned);
                        if let Some(t) = &code_table
                            && !table_ids.contains(t)
                        {
                            table_ids.push(t.clone());
                        }
                        EffectiveField {
                            code: f.code.clone(),
                            label: f.label_for(&set.id).to_owned(),
                            label_en: f.label_en.clone(),
                            kind: f.kind,
                            code_table,
                            required: f.required.contains(&set.id),
                            max_len: f.max_len,
                            min: f.min,
                            max: f.max,
                            decimals: f.decimals,
                            filled_by: f.filled_by.clone().unwrap_or_else(|| g.filled_by.clone()),
                            derived: f.derived,
                            help: f.help.clone(),
                            default: f.default.clone(),
                            header_synonyms: f.header_synonyms.clone(),
                            confirmed: f.confirmed_in(&set.id),
                        }
                    })
                    .collect(),
            })
            .collect();
        let code_tables = table_ids
            .iter()
            .filter_map(|id| self.code_table(id))
            .map(|t| t.filtered(|c| c.sets.contains(&set.id)))
            .collect();
        Ok(EffectiveCatalog {
            set: set.clone(),
            groups,
            code_tables,
        })
    }
}
