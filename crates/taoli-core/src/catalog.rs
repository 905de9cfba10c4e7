//! The catalog: code tables that decide what a school reports.
//!
//! The content lives in `catalog/*.toml` (data, not code) and is embedded at build
//! time. This module is the one typed model over it; nothing else parses those files.
//! For now it holds the school types (办学类型) with their indicator sets (指标体系)
//! and the identity document types (身份证件类型); the indicator catalog grows here.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

const SCHOOL_TYPES_TOML: &str = include_str!("../catalog/school_types.toml");
const ID_TYPES_TOML: &str = include_str!("../catalog/id_types.toml");

/// An indicator set (指标体系): the indicators a kind of school reports.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IndicatorSet {
    /// Stable identifier, e.g. `primary_secondary`.
    pub id: String,
    /// Chinese name, e.g. 中小学.
    pub name: String,
    pub name_en: String,
}

/// Whether Taoli collects teachers for a school type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SchoolTypeScope {
    /// Collected, against the named indicator set.
    In { set: IndicatorSet },
    /// Not collected; the reason is for the clerk.
    Out { reason: String },
}

impl PartialEq for IndicatorSet {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for IndicatorSet {}

/// One 办学类型代码 and what it means for the school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SchoolType {
    pub code: String,
    pub name: String,
    pub note: Option<String>,
    pub scope: SchoolTypeScope,
    /// False where the reference marks the mapping as inferred ([I]).
    pub confirmed: bool,
}

/// How an identity document number is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdNumberForm {
    /// GB 11643-1999 citizen identity number.
    ResidentId,
    /// Letters and digits, at most 18 characters.
    General,
}

/// One 身份证件类型.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IdType {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub form: IdNumberForm,
}

#[derive(Debug)]
pub struct Catalog {
    school_types: Vec<SchoolType>,
    id_types: Vec<IdType>,
}

/// The embedded catalog, parsed once.
pub fn catalog() -> Result<&'static Catalog> {
    static CATALOG: OnceLock<std::result::Result<Catalog, (&'static str, String)>> =
        OnceLock::new();
    CATALOG
        .get_or_init(Catalog::parse_embedded)
        .as_ref()
        .map_err(|(file, detail)| Error::Catalog {
            file,
            detail: detail.clone(),
        })
}

impl Catalog {
    fn parse_embedded() -> std::result::Result<Catalog, (&'static str, String)> {
        let school_types = parse_school_types(SCHOOL_TYPES_TOML)
            .map_err(|detail| ("catalog/school_types.toml", detail))?;
        let id_types =
            parse_id_types(ID_TYPES_TOML).map_err(|detail| ("catalog/id_types.toml", detail))?;
        Ok(Catalog {
            school_types,
            id_types,
        })
    }

    /// Every school type, in code order, in scope or not.
    pub fn school_types(&self) -> &[SchoolType] {
        &self.school_types
    }

    pub fn school_type(&self, code: &str) -> Option<&SchoolType> {
        self.school_types.iter().find(|t| t.code == code)
    }

    /// The school type for a code, refusing unknown and out-of-scope codes.
    pub fn collected_school_type(&self, code: &str) -> Result<&SchoolType> {
        let code = code.trim();
        let school_type = self
            .school_type(code)
            .ok_or_else(|| Error::UnknownSchoolType(code.to_owned()))?;
        match &school_type.scope {
            SchoolTypeScope::In { .. } => Ok(school_type),
            SchoolTypeScope::Out { reason } => Err(Error::SchoolTypeOutOfScope {
                code: school_type.code.clone(),
                name: school_type.name.clone(),
                reason: reason.clone(),
            }),
        }
    }

    pub fn id_types(&self) -> &[IdType] {
        &self.id_types
    }

    /// The ID type for a code (or its Chinese name), refusing unknown ones.
    pub fn id_type(&self, code_or_name: &str) -> Result<&IdType> {
        let wanted = code_or_name.trim();
        self.id_types
            .iter()
            .find(|t| t.code.eq_ignore_ascii_case(wanted) || t.name == wanted)
            .ok_or_else(|| {
                let valid = self
                    .id_types
                    .iter()
                    .map(|t| format!("{} {}", t.code, t.name))
                    .collect::<Vec<_>>()
                    .join("、");
                Error::UnknownIdType(wanted.to_owned(), valid)
            })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchoolTypesFile {
    sets: BTreeMap<String, SetEntry>,
    school_type: Vec<SchoolTypeEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetEntry {
    name: String,
    name_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchoolTypeEntry {
    code: String,
    name: String,
    note: Option<String>,
    set: Option<String>,
    scope: Option<String>,
    reason: Option<String>,
    #[serde(default = "yes")]
    confirmed: bool,
}

fn yes() -> bool {
    true
}

fn parse_school_types(text: &str) -> std::result::Result<Vec<SchoolType>, String> {
    let file: SchoolTypesFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut types = Vec::with_capacity(file.school_type.len());
    for entry in file.school_type {
        if entry.code.len() != 3 || !entry.code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("办学类型代码「{}」应为 3 位数字", entry.code));
        }
        let scope = match (entry.scope.as_deref(), entry.set, entry.reason) {
            (Some("out"), None, Some(reason)) => SchoolTypeScope::Out { reason },
            (None | Some("in"), Some(set_id), None) => {
                let set = file
                    .sets
                    .get(&set_id)
                    .ok_or_else(|| format!("{} 指向未定义的指标体系 {set_id}", entry.code))?;
                SchoolTypeScope::In {
                    set: IndicatorSet {
                        id: set_id,
                        name: set.name.clone(),
                        name_en: set.name_en.clone(),
                    },
                }
            }
            _ => {
                return Err(format!(
                    "{}：应写 set（采集）或 scope = \"out\" 加 reason（不采集）",
                    entry.code
                ));
            }
        };
        if types.iter().any(|t: &SchoolType| t.code == entry.code) {
            return Err(format!("办学类型代码 {} 重复", entry.code));
        }
        types.push(SchoolType {
            code: entry.code,
            name: entry.name,
            note: entry.note,
            scope,
            confirmed: entry.confirmed,
        });
    }
    types.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(types)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdTypesFile {
    id_type: Vec<IdType>,
}

fn parse_id_types(text: &str) -> std::result::Result<Vec<IdType>, String> {
    let file: IdTypesFile = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(file.id_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_parses() {
        let catalog = catalog().unwrap();
        assert!(catalog.school_types().len() > 40);
        assert_eq!(catalog.id_types().len(), 12);
    }

    #[test]
    fn primary_school_reports_the_primary_secondary_set() {
        let t = catalog().unwrap().collected_school_type("211").unwrap();
        match &t.scope {
            SchoolTypeScope::In { set } => assert_eq!(set.name, "中小学"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn technical_school_is_refused_with_its_reason() {
        let err = catalog().unwrap().collected_school_type("366").unwrap_err();
        assert!(err.to_string().contains("人力资源和社会保障"), "{err}");
    }

    #[test]
    fn unknown_school_type_says_where_to_find_valid_codes() {
        let err = catalog().unwrap().collected_school_type("999").unwrap_err();
        assert!(err.to_string().contains("taoli school-types"), "{err}");
    }

    #[test]
    fn id_type_is_found_by_code_or_name() {
        let c = catalog().unwrap();
        assert_eq!(c.id_type("1").unwrap().name, "居民身份证");
        assert_eq!(c.id_type("护照").unwrap().code, "A");
        assert_eq!(c.id_type("a").unwrap().code, "A");
    }

    #[test]
    fn unknown_id_type_lists_the_valid_ones() {
        let err = catalog().unwrap().id_type("X").unwrap_err();
        assert!(err.to_string().contains("1 居民身份证"), "{err}");
    }
}
