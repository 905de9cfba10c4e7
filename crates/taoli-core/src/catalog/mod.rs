//! The catalog: which indicators a school reports, with which codes, under
//! which rules.
//!
//! The content lives in `crates/taoli-core/catalog/` (TOML data, not code) and is
//! embedded at build time. This module is the one typed model over it; nothing
//! else parses those files. Loading checks every cross-reference (sets, code
//! tables, rule fields), so a mistake in the data fails the build's tests, not a
//! clerk's session.

pub mod templates;

mod effective;
mod markdown;
mod model;
mod province;
mod rules;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

pub use effective::{EffectiveCatalog, EffectiveField, EffectiveGroup};
pub use model::{AllSets, Code, CodeTable, Field, FieldType, Filler, Group, SetScope};
pub use province::{PackInfo, ProvincePack};
pub use rules::{Check, CompareOp, Condition, ConditionOp, Rule, Severity};

const SETS_TOML: &str = include_str!("../../catalog/sets.toml");
const SCHOOL_TYPES_TOML: &str = include_str!("../../catalog/school_types.toml");
const ID_TYPES_TOML: &str = include_str!("../../catalog/id_types.toml");
const RULES_TOML: &str = include_str!("../../catalog/rules.toml");
const DEADLINES_TOML: &str = include_str!("../../catalog/deadlines.toml");
static CODES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/catalog/codes");
static GROUPS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/catalog/groups");

/// The code table id under which the 身份证件类型 are also offered to fields.
pub const ID_TYPE_TABLE: &str = "id_type";

/// An indicator set (指标体系): the indicators a kind of school reports.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSet {
    /// Stable identifier, e.g. `primary_secondary`.
    pub id: String,
    /// Chinese name, e.g. 中小学.
    pub name: String,
    pub name_en: String,
    /// False where the reference only infers the set's content.
    #[serde(default = "yes")]
    pub confirmed: bool,
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
    /// 台湾居民来往大陆通行证: 8 digits (10 on older permits).
    TaiwanPermit,
    /// 外国人永久居留身份证: 3 letters + 12 digits (before 2023), or 18
    /// characters starting with 9 and ending in a MOD 11-2 check character.
    ForeignPermanentResidence,
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
    /// False where the number's form is inferred.
    #[serde(default = "yes")]
    pub confirmed: bool,
}

/// A reporting deadline (报送截止日期): a day of every year by which the
/// upstream expects the school's data (`catalog/deadlines.toml`; a province
/// pack may replace the list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// 1–12.
    pub month: u32,
    /// 1–31, a day the month has in every year (no 29 February).
    pub day: u32,
    /// What must be done by then, as clerks read it.
    pub label: String,
    pub label_en: String,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    sets: Vec<IndicatorSet>,
    school_types: Vec<SchoolType>,
    id_types: Vec<IdType>,
    code_tables: BTreeMap<String, CodeTable>,
    groups: Vec<Group>,
    rules: Vec<Rule>,
    deadlines: Vec<Deadline>,
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
        let sets = parse_sets(SETS_TOML).map_err(|detail| ("catalog/sets.toml", detail))?;
        let school_types = parse_school_types(SCHOOL_TYPES_TOML, &sets)
            .map_err(|detail| ("catalog/school_types.toml", detail))?;
        let id_types =
            parse_id_types(ID_TYPES_TOML).map_err(|detail| ("catalog/id_types.toml", detail))?;
        let mut code_tables = BTreeMap::new();
        for file in CODES.files() {
            let table: CodeTable = parse_file(file).map_err(|d| ("catalog/codes", d))?;
            code_tables.insert(table.id.clone(), table);
        }
        code_tables.insert(ID_TYPE_TABLE.to_owned(), id_type_table(&id_types));
        let mut groups: Vec<Group> = GROUPS
            .files()
            .map(parse_file)
            .collect::<std::result::Result<_, _>>()
            .map_err(|d| ("catalog/groups", d))?;
        groups.sort_by_key(|g| g.order);
        let rules: RulesFile =
            toml::from_str(RULES_TOML).map_err(|e| ("catalog/rules.toml", e.to_string()))?;
        let deadlines: DeadlinesFile = toml::from_str(DEADLINES_TOML)
            .map_err(|e| ("catalog/deadlines.toml", e.to_string()))?;
        let catalog = Catalog {
            sets,
            school_types,
            id_types,
            code_tables,
            groups,
            rules: rules.rule,
            deadlines: deadlines.deadline,
        };
        catalog.check().map_err(|d| ("catalog", d))?;
        Ok(catalog)
    }

    /// Every cross-reference in the data, checked once at load.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        let known_set = |id: &str| self.sets.iter().any(|s| s.id == id);
        let check_scope = |scope: &SetScope, at: &str| -> std::result::Result<(), String> {
            match scope.ids().iter().find(|id| !known_set(id)) {
                Some(id) => Err(format!("{at}：未定义的指标体系 {id}")),
                None => Ok(()),
            }
        };
        for table in self.code_tables.values() {
            let mut seen = std::collections::BTreeSet::new();
            for code in &table.codes {
                if !seen.insert(code.code.as_str()) {
                    return Err(format!("代码表 {} 中代码 {} 重复", table.id, code.code));
                }
                check_scope(
                    &code.sets,
                    &format!("代码表 {} 代码 {}", table.id, code.code),
                )?;
            }
            for code in &table.codes {
                if let Some(parent) = &code.parent
                    && table.get(parent).is_none()
                {
                    return Err(format!(
                        "代码表 {} 中代码 {} 的上级 {parent} 不存在",
                        table.id, code.code
                    ));
                }
            }
        }
        for group in &self.groups {
            check_scope(&group.sets, &format!("信息项 {}", group.id))?;
            if let Some(k) = group.key.iter().find(|k| group.field(k).is_none()) {
                return Err(format!("信息项 {} 的行标识 {k} 不是它的指标", group.id));
            }
            let mut seen = std::collections::BTreeSet::new();
            for field in &group.fields {
                let at = format!("信息项 {} 指标 {}", group.id, field.code);
                if !seen.insert(field.code.as_str()) {
                    return Err(format!("{at} 重复"));
                }
                check_scope(&field.sets, &at)?;
                check_scope(&field.required, &at)?;
                let tables = field
                    .code_table
                    .iter()
                    .chain(field.code_table_by_set.values());
                for table in tables {
                    if !self.code_tables.contains_key(table) {
                        return Err(format!("{at}：代码表 {table} 不存在"));
                    }
                }
                let needs_table = matches!(field.kind, FieldType::Code | FieldType::MultiCode);
                if needs_table && field.code_table.is_none() {
                    return Err(format!("{at}：代码型指标须指定 code_table"));
                }
            }
        }
        if self.deadlines.is_empty() {
            return Err("没有任何报送截止日期".to_owned());
        }
        for deadline in &self.deadlines {
            // 2023 is not a leap year: a day valid in it is valid every year.
            if chrono::NaiveDate::from_ymd_opt(2023, deadline.month, deadline.day).is_none() {
                return Err(format!(
                    "报送截止日期 {} 月 {} 日不是每年都有的日期",
                    deadline.month, deadline.day
                ));
            }
        }
        for rule in &self.rules {
            let at = format!("规则 {}", rule.id);
            check_scope(&rule.sets, &at)?;
            let group = self
                .group(&rule.group)
                .ok_or_else(|| format!("{at}：信息项 {} 不存在", rule.group))?;
            let when = rule.when.as_ref().map(|w| w.field.as_str());
            for field in rule.check.fields().into_iter().chain(when) {
                if group.field(field).is_none() {
                    return Err(format!("{at}：信息项 {} 中没有指标 {field}", rule.group));
                }
            }
            if let Check::DerivedHighest {
                from_group,
                from_field,
                with,
                ..
            }
            | Check::DerivedLatest {
                from_group,
                from_field,
                with,
                ..
            } = &rule.check
            {
                let source = self
                    .group(from_group)
                    .ok_or_else(|| format!("{at}：信息项 {from_group} 不存在"))?;
                for field in std::iter::once(from_field).chain(with.values()) {
                    if source.field(field).is_none() {
                        return Err(format!("{at}：{from_group}.{field} 不存在"));
                    }
                }
            }
        }
        Ok(())
    }

    /// The indicator sets, in the order the catalog lists them.
    pub fn sets(&self) -> &[IndicatorSet] {
        &self.sets
    }

    /// A set by id or by Chinese name (中小学).
    pub fn set(&self, id_or_name: &str) -> Option<&IndicatorSet> {
        let wanted = id_or_name.trim();
        self.sets
            .iter()
            .find(|s| s.id == wanted || s.name == wanted)
    }

    pub fn code_table(&self, id: &str) -> Option<&CodeTable> {
        self.code_tables.get(id)
    }

    pub fn code_tables(&self) -> impl Iterator<Item = &CodeTable> {
        self.code_tables.values()
    }

    /// Every information group, in tab order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// A group by id (`education`) or Chinese name (学习经历).
    pub fn group(&self, id_or_name: &str) -> Option<&Group> {
        let wanted = id_or_name.trim();
        self.groups
            .iter()
            .find(|g| g.id == wanted || g.name == wanted)
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The reporting deadlines, every year (`catalog/deadlines.toml`, or the
    /// province pack's own list).
    pub fn deadlines(&self) -> &[Deadline] {
        &self.deadlines
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
struct SetsFile {
    set: Vec<IndicatorSet>,
}

fn parse_sets(text: &str) -> std::result::Result<Vec<IndicatorSet>, String> {
    let file: SetsFile = toml::from_str(text).map_err(|e| e.to_string())?;
    Ok(file.set)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeadlinesFile {
    deadline: Vec<Deadline>,
}

#[derive(Deserialize)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<Rule>,
}

fn parse_file<T: serde::de::DeserializeOwned>(
    file: &include_dir::File<'_>,
) -> std::result::Result<T, String> {
    let name = file.path().display().to_string();
    let text = file
        .contents_utf8()
        .ok_or_else(|| format!("{name} 不是 UTF-8 文本"))?;
    toml::from_str(text).map_err(|e| format!("{name}：{e}"))
}

fn id_type_table(id_types: &[IdType]) -> CodeTable {
    CodeTable::new(
        ID_TYPE_TABLE.to_owned(),
        "身份证件类型".to_owned(),
        "ID document type".to_owned(),
        Some("catalog/id_types.toml".to_owned()),
        id_types
            .iter()
            .map(|t| Code {
                code: t.code.clone(),
                name: t.name.clone(),
                name_en: Some(t.name_en.clone()),
                synonyms: Vec::new(),
                parent: None,
                selectable: true,
                sets: SetScope::all(),
                confirmed: true,
            })
            .collect(),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchoolTypesFile {
    school_type: Vec<SchoolTypeEntry>,
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

fn parse_school_types(
    text: &str,
    sets: &[IndicatorSet],
) -> std::result::Result<Vec<SchoolType>, String> {
    let file: SchoolTypesFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut types = Vec::with_capacity(file.school_type.len());
    for entry in file.school_type {
        if entry.code.len() != 3 || !entry.code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("办学类型代码「{}」应为 3 位数字", entry.code));
        }
        let scope = match (entry.scope.as_deref(), entry.set, entry.reason) {
            (Some("out"), None, Some(reason)) => SchoolTypeScope::Out { reason },
            (None | Some("in"), Some(set_id), None) => {
                let set = sets
                    .iter()
                    .find(|s| s.id == set_id)
                    .ok_or_else(|| format!("{} 指向未定义的指标体系 {set_id}", entry.code))?;
                SchoolTypeScope::In { set: set.clone() }
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
