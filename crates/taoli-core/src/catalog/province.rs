//! Province packs (省级补充包): a file in the catalog's own format that adds
//! sets, fields, code tables and codes, changes required-ness, and changes
//! what the national catalog marks as inferred (`confirmed = false`). It may
//! not contradict the national core: a pack that drops a nationally required
//! field or redefines a national code, field, table, group or confirmed rule
//! is refused with the reason.
//!
//! ```toml
//! [pack]
//! id = "sichuan"                 # stable id
//! name = "四川省补充指标"
//! version = "2026.1"
//!
//! [[set]]          # a new indicator set: id, name, name_en
//! [[school_type]]  # remap an inferred 办学类型 (as in school_types.toml)
//! [[code_table]]   # a new code table (as in codes/*.toml, with its [[code_table.code]])
//! [[codes]]        # codes added to a table: table = "…", then [[codes.code]]
//! [[group]]        # a new information group (as in groups/*.toml)
//! [[field]]        # a field added to a group: group = "basic", then the field's keys
//! [[required]]     # group = "basic", field = "native_place", sets = [...] or "all"
//! [[rule]]         # a new rule, or the replacement of an inferred national one (same id)
//! [[deadline]]     # the province's reporting deadlines: month, day, label, label_en (replace the national list)
//! [[status_change]] # how a change of 人员状态 is handled: to, on_roster, approval, evidence, locks (replace the national list)
//! ```

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{Code, CodeTable, Field, Group, SetScope};
use super::rules::Rule;
use super::{Catalog, Deadline, IndicatorSet, SchoolType, SchoolTypeScope, StatusChange};
use crate::error::SchoolError;
use crate::error::{Error, Result};

/// Which pack a school uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub province: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchoolTypeChange {
    code: String,
    name: String,
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodesAddition {
    table: String,
    code: Vec<Code>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequiredChange {
    group: String,
    field: String,
    sets: SetScope,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    pack: PackInfo,
    #[serde(default)]
    set: Vec<IndicatorSet>,
    #[serde(default)]
    school_type: Vec<SchoolTypeChange>,
    #[serde(default)]
    code_table: Vec<CodeTable>,
    #[serde(default)]
    codes: Vec<CodesAddition>,
    #[serde(default)]
    group: Vec<Group>,
    #[serde(default)]
    field: Vec<toml::Table>,
    #[serde(default)]
    required: Vec<RequiredChange>,
    #[serde(default)]
    rule: Vec<Rule>,
    #[serde(default)]
    deadline: Vec<Deadline>,
    #[serde(default)]
    status_change: Vec<StatusChange>,
}

/// A parsed province pack, with its text kept so a school file can store it.
#[derive(Debug, Clone)]
pub struct ProvincePack {
    pub info: PackInfo,
    pub text: String,
    file: PackFile,
}

impl ProvincePack {
    /// Reads and parses the pack in a file.
    pub fn load(path: &std::path::Path) -> Result<ProvincePack> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        ProvincePack::parse(&text, &path.display().to_string())
    }

    /// Parses a pack; `source` names it in messages (a file name).
    pub fn parse(text: &str, source: &str) -> Result<ProvincePack> {
        let file: PackFile = toml::from_str(text).map_err(|e| {
            Error::School(SchoolError::ProvincePack {
                pack: source.to_owned(),
                reason: format!("格式有误：{e}"),
            })
        })?;
        Ok(ProvincePack {
            info: file.pack.clone(),
            text: text.to_owned(),
            file,
        })
    }
}

/// Why a pack is refused, in words for whoever publishes it.
type Applied = std::result::Result<(), String>;

impl Catalog {
    /// This catalog with a province pack applied, or the reason it is refused.
    pub fn with_pack(&self, pack: &ProvincePack) -> Result<Catalog> {
        let mut c = self.clone();
        c.apply(pack, self.sets())
            .and_then(|()| c.check())
            .map_err(|reason| {
                Error::School(SchoolError::ProvincePack {
                    pack: format!("{}（{} 版）", pack.info.name, pack.info.version),
                    reason,
                })
            })?;
        Ok(c)
    }

    /// Applies each part of a pack in turn; `national_sets` are the sets
    /// before the pack (whose confirmed requirements it may not drop).
    fn apply(&mut self, pack: &ProvincePack, national_sets: &[IndicatorSet]) -> Applied {
        let f = &pack.file;
        self.add_sets(&f.set)?;
        for change in &f.school_type {
            self.change_school_type(change, &pack.info)?;
        }
        self.add_code_tables(&f.code_table)?;
        for addition in &f.codes {
            self.add_codes(addition)?;
        }
        self.add_groups(&f.group)?;
        for raw in &f.field {
            self.add_field(raw)?;
        }
        for change in &f.required {
            self.change_required(change, national_sets)?;
        }
        self.change_rules(&f.rule)?;
        if !f.deadline.is_empty() {
            self.deadlines = f.deadline.clone();
        }
        if !f.status_change.is_empty() {
            self.status_changes = f.status_change.clone();
        }
        Ok(())
    }

    fn add_sets(&mut self, sets: &[IndicatorSet]) -> Applied {
        for set in sets {
            if self.set(&set.id).is_some() {
                return Err(format!("重新定义了全国指标体系「{}」", set.id));
            }
            self.sets.push(set.clone());
        }
        Ok(())
    }

    /// A school type added, or an inferred one changed (its set, or out of scope).
    fn change_school_type(&mut self, change: &SchoolTypeChange, info: &PackInfo) -> Applied {
        let national = self.school_types.iter().position(|t| t.code == change.code);
        if national
            .and_then(|i| self.school_types.get(i))
            .is_some_and(|t| t.confirmed)
        {
            return Err(format!(
                "改动了全国确定的办学类型 {}（只能改动标注为推断的条目）",
                change.code
            ));
        }
        let scope = match (&change.scope, &change.set, &change.reason) {
            (Some(s), None, Some(reason)) if s == "out" => SchoolTypeScope::Out {
                reason: reason.clone(),
            },
            (None, Some(set), None) => SchoolTypeScope::In {
                set: self.set(set).cloned().ok_or_else(|| {
                    format!("办学类型 {} 指向不存在的指标体系 {set}", change.code)
                })?,
            },
            _ => {
                return Err(format!(
                    "办学类型 {} 应写 set，或 scope = \"out\" 加 reason",
                    change.code
                ));
            }
        };
        let entry = SchoolType {
            code: change.code.clone(),
            name: change.name.clone(),
            note: Some(format!("{}（{}）", info.name, info.version)),
            scope,
            confirmed: false,
        };
        match national.and_then(|i| self.school_types.get_mut(i)) {
            Some(national) => *national = entry,
            None => self.school_types.push(entry),
        }
        Ok(())
    }

    fn add_code_tables(&mut self, tables: &[CodeTable]) -> Applied {
        for table in tables {
            if self.code_tables.contains_key(&table.id) {
                return Err(format!(
                    "重新定义了全国代码表「{}」（向已有代码表添加代码请用 [[codes]]）",
                    table.id
                ));
            }
            self.code_tables
                .insert(table.id.clone(), table.filtered(|_| true));
        }
        Ok(())
    }

    /// Codes added to an existing table; a national code may not be renamed.
    fn add_codes(&mut self, addition: &CodesAddition) -> Applied {
        let table = self
            .code_tables
            .get(&addition.table)
            .ok_or_else(|| format!("代码表「{}」不存在", addition.table))?;
        let mut codes = table.codes.clone();
        for code in &addition.code {
            match table.get(&code.code) {
                Some(existing) if existing.name != code.name => {
                    return Err(format!(
                        "重新定义了全国代码 {} {}（全国为「{}」）",
                        addition.table, code.code, existing.name
                    ));
                }
                Some(_) => {}
                None => codes.push(code.clone()),
            }
        }
        let merged = table.with_codes(codes);
        self.code_tables.insert(addition.table.clone(), merged);
        Ok(())
    }

    fn add_groups(&mut self, groups: &[Group]) -> Applied {
        for group in groups {
            if self.group(&group.id).is_some() {
                return Err(format!(
                    "重新定义了全国信息项「{}」（向已有信息项添加指标请用 [[field]]）",
                    group.id
                ));
            }
            self.groups.push(group.clone());
        }
        Ok(())
    }

    /// A `[[field]]`: a new indicator in an existing group.
    fn add_field(&mut self, raw: &toml::Table) -> Applied {
        let mut raw = raw.clone();
        let group_id = match raw.remove("group") {
            Some(toml::Value::String(g)) => g,
            _ => return Err("[[field]] 须写 group = \"信息项 id\"".to_owned()),
        };
        let field: Field = toml::Value::Table(raw)
            .try_into()
            .map_err(|e| format!("信息项 {group_id} 的新增指标格式有误：{e}"))?;
        let group = self
            .groups
            .iter_mut()
            .find(|g| g.id == group_id)
            .ok_or_else(|| format!("信息项「{group_id}」不存在"))?;
        if group.field(&field.code).is_some() {
            return Err(format!("重新定义了全国指标 {group_id}.{}", field.code));
        }
        group.fields.push(field);
        Ok(())
    }

    /// Where an indicator is required; a nationally confirmed requirement
    /// may not be dropped.
    fn change_required(
        &mut self,
        change: &RequiredChange,
        national_sets: &[IndicatorSet],
    ) -> Applied {
        let field = self
            .groups
            .iter_mut()
            .find(|g| g.id == change.group)
            .and_then(|g| g.fields.iter_mut().find(|fl| fl.code == change.field))
            .ok_or_else(|| format!("指标 {}.{} 不存在", change.group, change.field))?;
        let dropped = national_sets.iter().find(|s| {
            field.confirmed_in(&s.id)
                && field.required.contains(&s.id)
                && !change.sets.contains(&s.id)
        });
        if let Some(set) = dropped {
            return Err(format!(
                "取消了全国必填指标「{}」在{}中的必填要求",
                field.label, set.name
            ));
        }
        field.required = change.sets.clone();
        Ok(())
    }

    /// Rules added, or inferred ones replaced; a confirmed rule stays.
    fn change_rules(&mut self, rules: &[Rule]) -> Applied {
        for rule in rules {
            match self.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(national) if national.confirmed => {
                    return Err(format!(
                        "改动了全国确定的校验规则「{}」（只能改动标注为推断的规则）",
                        rule.id
                    ));
                }
                Some(national) => *national = rule.clone(),
                None => self.rules.push(rule.clone()),
            }
        }
        Ok(())
    }
}
