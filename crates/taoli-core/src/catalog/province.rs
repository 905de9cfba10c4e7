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
//! ```

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{Code, CodeTable, Field, Group, SetScope};
use super::rules::Rule;
use super::{Catalog, Deadline, IndicatorSet, SchoolType, SchoolTypeScope};
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
        let file: PackFile = toml::from_str(text).map_err(|e| Error::ProvincePack {
            pack: source.to_owned(),
            reason: format!("格式有误：{e}"),
        })?;
        Ok(ProvincePack {
            info: file.pack.clone(),
            text: text.to_owned(),
            file,
        })
    }
}

impl Catalog {
    /// This catalog with a province pack applied, or the reason it is refused.
    pub fn with_pack(&self, pack: &ProvincePack) -> Result<Catalog> {
        let refuse = |reason: String| Error::ProvincePack {
            pack: format!("{}（{} 版）", pack.info.name, pack.info.version),
            reason,
        };
        let mut c = self.clone();
        let f = &pack.file;
        for set in &f.set {
            if c.set(&set.id).is_some() {
                return Err(refuse(format!("重新定义了全国指标体系「{}」", set.id)));
            }
            c.sets.push(set.clone());
        }
        for change in &f.school_type {
            let national = c.school_types.iter().position(|t| t.code == change.code);
            if national
                .and_then(|i| c.school_types.get(i))
                .is_some_and(|t| t.confirmed)
            {
                return Err(refuse(format!(
                    "改动了全国确定的办学类型 {}（只能改动标注为推断的条目）",
                    change.code
                )));
            }
            let scope = match (&change.scope, &change.set, &change.reason) {
                (Some(s), None, Some(reason)) if s == "out" => SchoolTypeScope::Out {
                    reason: reason.clone(),
                },
                (None, Some(set), None) => SchoolTypeScope::In {
                    set: c.set(set).cloned().ok_or_else(|| {
                        refuse(format!(
                            "办学类型 {} 指向不存在的指标体系 {set}",
                            change.code
                        ))
                    })?,
                },
                _ => {
                    return Err(refuse(format!(
                        "办学类型 {} 应写 set，或 scope = \"out\" 加 reason",
                        change.code
                    )));
                }
            };
            let entry = SchoolType {
                code: change.code.clone(),
                name: change.name.clone(),
                note: Some(format!("{}（{}）", pack.info.name, pack.info.version)),
                scope,
                confirmed: false,
            };
            match national.and_then(|i| c.school_types.get_mut(i)) {
                Some(national) => *national = entry,
                None => c.school_types.push(entry),
            }
        }
        for table in &f.code_table {
            if c.code_tables.contains_key(&table.id) {
                return Err(refuse(format!(
                    "重新定义了全国代码表「{}」（向已有代码表添加代码请用 [[codes]]）",
                    table.id
                )));
            }
            c.code_tables
                .insert(table.id.clone(), table.filtered(|_| true));
        }
        for addition in &f.codes {
            let table = c
                .code_tables
                .get(&addition.table)
                .ok_or_else(|| refuse(format!("代码表「{}」不存在", addition.table)))?;
            let mut codes = table.codes.clone();
            for code in &addition.code {
                match table.get(&code.code) {
                    Some(existing) if existing.name != code.name => {
                        return Err(refuse(format!(
                            "重新定义了全国代码 {} {}（全国为「{}」）",
                            addition.table, code.code, existing.name
                        )));
                    }
                    Some(_) => {}
                    None => codes.push(code.clone()),
                }
            }
            let merged = table.with_codes(codes);
            c.code_tables.insert(addition.table.clone(), merged);
        }
        for group in &f.group {
            if c.group(&group.id).is_some() {
                return Err(refuse(format!(
                    "重新定义了全国信息项「{}」（向已有信息项添加指标请用 [[field]]）",
                    group.id
                )));
            }
            c.groups.push(group.clone());
        }
        for raw in &f.field {
            let mut raw = raw.clone();
            let group_id = match raw.remove("group") {
                Some(toml::Value::String(g)) => g,
                _ => return Err(refuse("[[field]] 须写 group = \"信息项 id\"".to_owned())),
            };
            let field: Field = toml::Value::Table(raw)
                .try_into()
                .map_err(|e| refuse(format!("信息项 {group_id} 的新增指标格式有误：{e}")))?;
            let group = c
                .groups
                .iter_mut()
                .find(|g| g.id == group_id)
                .ok_or_else(|| refuse(format!("信息项「{group_id}」不存在")))?;
            if group.field(&field.code).is_some() {
                return Err(refuse(format!(
                    "重新定义了全国指标 {group_id}.{}",
                    field.code
                )));
            }
            group.fields.push(field);
        }
        for change in &f.required {
            let field = c
                .groups
                .iter_mut()
                .find(|g| g.id == change.group)
                .and_then(|g| g.fields.iter_mut().find(|fl| fl.code == change.field))
                .ok_or_else(|| refuse(format!("指标 {}.{} 不存在", change.group, change.field)))?;
            {
                let dropped = self.sets().iter().find(|s| {
                    field.confirmed_in(&s.id)
                        && field.required.contains(&s.id)
                        && !change.sets.contains(&s.id)
                });
                if let Some(set) = dropped {
                    return Err(refuse(format!(
                        "取消了全国必填指标「{}」在{}中的必填要求",
                        field.label, set.name
                    )));
                }
            }
            field.required = change.sets.clone();
        }
        for rule in &f.rule {
            match c.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(national) if national.confirmed => {
                    return Err(refuse(format!(
                        "改动了全国确定的校验规则「{}」（只能改动标注为推断的规则）",
                        rule.id
                    )));
                }
                Some(national) => *national = rule.clone(),
                None => c.rules.push(rule.clone()),
            }
        }
        if !f.deadline.is_empty() {
            c.deadlines = f.deadline.clone();
        }
        c.check().map_err(refuse)?;
        Ok(c)
    }
}
