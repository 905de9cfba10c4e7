//! The catalog's consistency: every cross-reference in the data (indicator
//! sets, code tables, groups, fields, deadlines, rules), checked once at load
//! and again for every province pack. A failure names the place in Chinese,
//! for whoever edits the data files.

use std::collections::BTreeSet;

use super::{
    ALL_GROUPS, Catalog, Check, Field, FieldType, Group, PERSONNEL_STATUS_TABLE, SetScope, written,
};

type Checked = std::result::Result<(), String>;

impl Catalog {
    /// Every cross-reference in the data, checked once at load.
    pub(crate) fn check(&self) -> Checked {
        written::check_value_forms()?;
        self.check_code_tables()?;
        for group in &self.groups {
            self.check_group(group)?;
        }
        self.check_deadlines()?;
        self.check_status_changes()?;
        self.check_rules()
    }

    /// Each entry names a 人员状态 code and groups that exist, and every
    /// code a clerk can choose has an entry (its own or its heading's).
    fn check_status_changes(&self) -> Checked {
        let Some(table) = self.code_table(PERSONNEL_STATUS_TABLE) else {
            return Err(format!("代码表 {PERSONNEL_STATUS_TABLE} 不存在"));
        };
        for change in &self.status_changes {
            if table.get(&change.to).is_none() {
                return Err(format!(
                    "人员状态变动 to = \"{}\" 不是人员状态代码",
                    change.to
                ));
            }
            if let Some(group) = change
                .locks
                .iter()
                .find(|g| *g != ALL_GROUPS && self.group(g).is_none())
            {
                return Err(format!(
                    "人员状态变动 {} 锁定的信息项 {group} 不存在",
                    change.to
                ));
            }
        }
        match table
            .codes
            .iter()
            .find(|c| c.selectable && self.status_change(&c.code).is_none())
        {
            Some(code) => Err(format!(
                "人员状态 {} 没有对应的变动规则（status_changes）",
                code.code
            )),
            None => Ok(()),
        }
    }

    fn known_set(&self, id: &str) -> bool {
        self.sets.iter().any(|s| s.id == id)
    }

    /// Every set a scope names is defined; `at` says where the scope is.
    fn check_scope(&self, scope: &SetScope, at: &str) -> Checked {
        match scope.ids().iter().find(|id| !self.known_set(id)) {
            Some(id) => Err(format!("{at}：未定义的指标体系 {id}")),
            None => Ok(()),
        }
    }

    /// Each table's none-code is its own, codes are unique, their sets
    /// defined and their parents present.
    fn check_code_tables(&self) -> Checked {
        for table in self.code_tables.values() {
            if let Some(none) = table.none_code.as_deref().filter(|c| !c.is_empty())
                && table.get(none).is_none()
            {
                return Err(format!(
                    "代码表 {} 的 none_code {none} 不是它的代码",
                    table.id
                ));
            }
            let mut seen = BTreeSet::new();
            for code in &table.codes {
                if !seen.insert(code.code.as_str()) {
                    return Err(format!("代码表 {} 中代码 {} 重复", table.id, code.code));
                }
                self.check_scope(
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
        Ok(())
    }

    /// A group's sets, its row key in every set it is in, and its fields.
    fn check_group(&self, group: &Group) -> Checked {
        self.check_scope(&group.sets, &format!("信息项 {}", group.id))?;
        if let Some(set) = group.key_by_set.keys().find(|id| !self.known_set(id)) {
            return Err(format!(
                "信息项 {} 的行标识：未定义的指标体系 {set}",
                group.id
            ));
        }
        for set in self.sets.iter().filter(|s| group.sets.contains(&s.id)) {
            let missing = group.key_for(&set.id).iter().find(|k| {
                group
                    .field(k)
                    .is_none_or(|field| !field.sets.contains(&set.id))
            });
            if let Some(k) = missing {
                return Err(format!(
                    "信息项 {} 在{}中的行标识 {k} 不是它在该指标体系中的指标",
                    group.id, set.name
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for field in &group.fields {
            let at = format!("信息项 {} 指标 {}", group.id, field.code);
            if !seen.insert(field.code.as_str()) {
                return Err(format!("{at} 重复"));
            }
            self.check_field(group, field, &at)?;
        }
        Ok(())
    }

    /// A field's sets (also those of its per-set labels, tables and
    /// confirmations), that it is in every set that requires it, and its
    /// code tables.
    fn check_field(&self, group: &Group, field: &Field, at: &str) -> Checked {
        self.check_scope(&field.sets, at)?;
        self.check_scope(&field.required, at)?;
        let by_set = field
            .labels_by_set
            .keys()
            .chain(field.code_table_by_set.keys())
            .chain(field.confirmed_by_set.keys());
        for set in by_set {
            if !self.known_set(set) {
                return Err(format!("{at}：未定义的指标体系 {set}"));
            }
        }
        let absent = self.sets.iter().find(|s| {
            group.sets.contains(&s.id)
                && field.required.contains(&s.id)
                && !field.sets.contains(&s.id)
        });
        if let Some(set) = absent {
            return Err(format!(
                "{at}：在{}中必填，但{}没有这个指标",
                set.name, set.name
            ));
        }
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
        Ok(())
    }

    /// At least one deadline, each a day every year has.
    fn check_deadlines(&self) -> Checked {
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
        Ok(())
    }

    /// Each rule's group and fields exist in every set it applies to, and
    /// a derived rule's source fields exist.
    fn check_rules(&self) -> Checked {
        for rule in &self.rules {
            let at = format!("规则 {}", rule.id);
            self.check_scope(&rule.sets, &at)?;
            let group = self
                .group(&rule.group)
                .ok_or_else(|| format!("{at}：信息项 {} 不存在", rule.group))?;
            let when = rule.when.as_ref().map(|w| w.field.as_str());
            for field in rule.check.fields().into_iter().chain(when) {
                let Some(found) = group.field(field) else {
                    return Err(format!("{at}：信息项 {} 中没有指标 {field}", rule.group));
                };
                let lacking = self.sets.iter().find(|s| {
                    rule.sets.contains(&s.id)
                        && group.sets.contains(&s.id)
                        && !found.sets.contains(&s.id)
                });
                if let Some(set) = lacking {
                    return Err(format!(
                        "{at}：适用于{}，但{}没有指标 {}.{field}（请用 sets 限定规则）",
                        set.name, set.name, rule.group
                    ));
                }
            }
            self.check_derived_source(&rule.check, &at)?;
        }
        Ok(())
    }

    /// A derived rule's source group and fields exist.
    fn check_derived_source(&self, check: &Check, at: &str) -> Checked {
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
        } = check
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
        Ok(())
    }
}
