//! The validation engine: every indicator of the school's set, for every teacher.
//!
//! One result shape ([`ValidationReport`] of [`Problem`]s) serves the CLI, the
//! UI and the batch builder. Field checks come from the indicator's type and
//! catalog entry (`field`); cross-field and cross-record checks are the
//! catalog's rules, interpreted by `rule`. Nothing here is specific to one
//! field: what to check is data.

mod field;
mod rule;
pub mod value;
mod warnings;

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::catalog::{Catalog, EffectiveCatalog, EffectiveGroup, IdType, Rule, Severity};
use crate::error::Result;
use crate::error::SchoolError;
use crate::record::{Fields, IndicatorRecord};
use crate::store::SchoolFile;
use crate::teacher::Teacher;

/// The group holding a teacher's identity and basic facts.
pub use crate::catalog::BASIC_GROUP;
pub use warnings::WarningRef;

/// One thing wrong with a teacher's record.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Problem {
    pub teacher_id: String,
    pub teacher_name: String,
    pub group: String,
    pub group_name: String,
    pub record_id: Option<String>,
    /// The row within a multi-record group, from 1.
    #[ts(type = "number | null")]
    pub row_order: Option<i64>,
    pub field: Option<String>,
    pub field_label: Option<String>,
    /// The value found, as text.
    pub value: Option<String>,
    pub severity: Severity,
    /// `required`, `format` (type, length, code, range) or a catalog rule's id.
    pub rule: String,
    /// The whole message: teacher · group · field: what is wrong and what is expected.
    pub message: String,
    pub message_en: String,
    /// For a warning: the written reason it was accepted with, if any.
    pub reason: Option<String>,
}

impl Problem {
    /// How a problem is keyed for its reason: rule, record, field.
    pub fn key(&self) -> (String, String, String) {
        (
            self.rule.clone(),
            self.record_id.clone().unwrap_or_default(),
            self.field.clone().unwrap_or_default(),
        )
    }
}

/// Every problem in a school, with counts.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ValidationReport {
    pub set: String,
    #[ts(type = "number")]
    pub teachers: usize,
    #[ts(type = "number")]
    pub errors: usize,
    #[ts(type = "number")]
    pub warnings: usize,
    /// Warnings that carry a written reason.
    #[ts(type = "number")]
    pub explained: usize,
    pub problems: Vec<Problem>,
}

impl ValidationReport {
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}

/// What is wrong, in both languages, without the teacher · group · field prefix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Detail {
    zh: String,
    en: String,
}

impl Detail {
    pub(crate) fn new(zh: impl Into<String>, en: impl Into<String>) -> Detail {
        Detail {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// Validates teachers against one indicator set.
#[derive(Debug)]
pub struct Validator<'c> {
    catalog: &'c Catalog,
    effective: EffectiveCatalog,
    rules: Vec<&'c Rule>,
    /// Code table id → position in `effective.code_tables`.
    tables: HashMap<String, usize>,
    today: value::Moment,
    current_year: i32,
}

/// One row being checked: its fields and where it sits.
pub(crate) struct Row<'a> {
    pub record_id: Option<&'a str>,
    pub row_order: Option<i64>,
    pub fields: &'a Fields,
    /// For 基本信息: the identity fields kept on the teacher row.
    pub identity: Option<&'a Fields>,
}

impl Row<'_> {
    /// A field's value, identity fields included.
    pub(crate) fn get(&self, code: &str) -> Option<&Value> {
        self.identity
            .and_then(|i| i.get(code))
            .or_else(|| self.fields.get(code))
    }
}

impl<'c> Validator<'c> {
    pub fn new(catalog: &'c Catalog, set: &str) -> Result<Validator<'c>> {
        let effective = catalog.effective(set)?;
        let rules = catalog
            .rules()
            .iter()
            .filter(|r| r.sets.contains(&effective.set.id))
            .filter(|r| effective.group(&r.group).is_some())
            .collect();
        let tables = effective
            .code_tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let today = chrono::Local::now().date_naive();
        Ok(Validator {
            catalog,
            effective,
            rules,
            tables,
            today: value::Moment::from_date(today),
            current_year: chrono::Datelike::year(&today),
        })
    }

    /// A code table of the set, by id.
    pub(crate) fn table(&self, id: &str) -> Option<&crate::catalog::CodeTable> {
        self.tables
            .get(id)
            .and_then(|&i| self.effective.code_tables.get(i))
    }

    pub fn effective(&self) -> &EffectiveCatalog {
        &self.effective
    }

    /// Every problem of one teacher. `records` are the teacher's records, in any order.
    pub fn teacher(&self, teacher: &Teacher, records: &[IndicatorRecord]) -> Vec<Problem> {
        self.teacher_problems(teacher, records, false)
    }

    /// [`Validator::teacher`], except that problems of rule `required` carry
    /// no teacher, record, value or message: only group, row, field and rule.
    /// For callers that summarize missing fields (the import preview).
    pub fn teacher_brief(&self, teacher: &Teacher, records: &[IndicatorRecord]) -> Vec<Problem> {
        self.teacher_problems(teacher, records, true)
    }

    fn teacher_problems(
        &self,
        teacher: &Teacher,
        records: &[IndicatorRecord],
        brief: bool,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut by_group: HashMap<&str, Vec<&IndicatorRecord>> = HashMap::new();
        for record in records {
            by_group
                .entry(record.group_code.as_str())
                .or_default()
                .push(record);
        }
        for rows in by_group.values_mut() {
            rows.sort_by_key(|r| r.row_order);
        }
        let empty = Fields::new();
        let basic = by_group
            .get(BASIC_GROUP)
            .and_then(|r| r.first())
            .map_or(&empty, |r| &r.fields);
        let identity = identity_fields(teacher);
        let id_type = self
            .catalog
            .id_types()
            .iter()
            .find(|t| t.code == teacher.id_type);
        let mut out = Out {
            teacher,
            problems: &mut problems,
            brief,
        };
        for group in &self.effective.groups {
            let stored = by_group.get(group.id.as_str());
            let rows: Vec<Row<'_>> = if group.id == BASIC_GROUP {
                vec![Row {
                    record_id: stored.and_then(|r| r.first()).map(|r| r.id.as_str()),
                    row_order: None,
                    fields: basic,
                    identity: Some(&identity),
                }]
            } else {
                stored
                    .into_iter()
                    .flatten()
                    .map(|r| Row {
                        record_id: Some(r.id.as_str()),
                        row_order: group.multi.then_some(r.row_order),
                        fields: &r.fields,
                        identity: None,
                    })
                    .collect()
            };
            if !group.multi
                && let Some(second) = rows.get(1)
            {
                out.push(
                    group,
                    second,
                    None,
                    Severity::Error,
                    "single_record",
                    Detail::new(
                        format!("只能有一条记录，实有 {} 条", rows.len()),
                        format!("holds one record, found {}", rows.len()),
                    ),
                );
            }
            for row in &rows {
                self.check_fields(group, row, id_type, &mut out);
            }
            for rule in self.rules.iter().filter(|r| r.group == group.id) {
                rule::apply(
                    self, rule, group, &rows, basic, &by_group, id_type, teacher, &mut out,
                );
            }
        }
        problems
    }

    fn check_fields(
        &self,
        group: &EffectiveGroup,
        row: &Row<'_>,
        id_type: Option<&IdType>,
        out: &mut Out<'_, '_>,
    ) {
        for field in group.fields.iter().filter(|f| !f.derived) {
            let value = row.get(&field.code);
            if value::is_empty(value) {
                if field.required && !self.must_be_empty(group, field, row) {
                    out.push(
                        group,
                        row,
                        Some(field),
                        Severity::Error,
                        "required",
                        Detail::new("必填，不能为空", "is required"),
                    );
                }
                continue;
            }
            let Some(value) = value else { continue };
            if field.kind == crate::catalog::FieldType::Region {
                if let Some(detail) = field::check_region(value, self.catalog.regions()) {
                    out.push(
                        group,
                        row,
                        Some(field),
                        Severity::Warning,
                        field::REGION_RULE,
                        detail,
                    );
                }
                continue;
            }
            let ctx = field::FieldContext {
                table: field.code_table.as_deref().and_then(|t| self.table(t)),
                today: self.today,
                id_type,
            };
            if let Some(detail) = field::check(field, value, &ctx) {
                out.push(group, row, Some(field), Severity::Error, "format", detail);
            }
        }
    }
}

impl Validator<'_> {
    /// True where a conditional rule says this field must be empty in this row
    /// (用人形式 for staff on the establishment): that overrides `required`.
    fn must_be_empty(
        &self,
        group: &EffectiveGroup,
        field: &crate::catalog::EffectiveField,
        row: &Row<'_>,
    ) -> bool {
        self.rules.iter().any(|rule| {
            rule.group == group.id
                && matches!(&rule.check, crate::catalog::Check::Empty { fields } if fields.contains(&field.code))
                && rule.when.as_ref().is_some_and(|w| rule::holds(w, row.fields))
        })
    }
}

/// The 基本信息 fields kept on the teacher row rather than in the record.
fn identity_fields(teacher: &Teacher) -> Fields {
    let mut fields = Fields::new();
    fields.insert("name".into(), Value::String(teacher.name.clone()));
    fields.insert("id_type".into(), Value::String(teacher.id_type.clone()));
    fields.insert("id_number".into(), Value::String(teacher.id_number.clone()));
    fields
}

/// Collects problems, building their messages.
pub(crate) struct Out<'t, 'p> {
    teacher: &'t Teacher,
    problems: &'p mut Vec<Problem>,
    /// Leave `message`/`message_en` of `required` problems empty: callers
    /// that only list the missing fields (the import preview) skip the cost.
    brief: bool,
}

impl Out<'_, '_> {
    pub(crate) fn push(
        &mut self,
        group: &EffectiveGroup,
        row: &Row<'_>,
        field: Option<&crate::catalog::EffectiveField>,
        severity: Severity,
        rule: &str,
        detail: Detail,
    ) {
        if self.brief && rule == "required" {
            self.problems.push(Problem {
                teacher_id: String::new(),
                teacher_name: String::new(),
                group: group.id.clone(),
                group_name: group.name.clone(),
                record_id: None,
                row_order: row.row_order,
                field: field.map(|f| f.code.clone()),
                field_label: field.map(|f| f.label.clone()),
                value: None,
                severity,
                rule: rule.to_owned(),
                message: String::new(),
                message_en: String::new(),
                reason: None,
            });
            return;
        }
        let value = field
            .and_then(|f| row.get(&f.code))
            .filter(|v| !value::is_empty(Some(v)))
            .map(value::text);
        let (row_zh, row_en) = match row.row_order {
            Some(n) => (format!(" 第{n}条"), format!(" #{n}")),
            None => (String::new(), String::new()),
        };
        let (field_zh, field_en) = match field {
            Some(f) => (format!(" · {}", f.label), format!(" · {}", f.label_en)),
            None => (String::new(), String::new()),
        };
        self.problems.push(Problem {
            teacher_id: self.teacher.id.clone(),
            teacher_name: self.teacher.name.clone(),
            group: group.id.clone(),
            group_name: group.name.clone(),
            record_id: row.record_id.map(str::to_owned),
            row_order: row.row_order,
            field: field.map(|f| f.code.clone()),
            field_label: field.map(|f| f.label.clone()),
            value,
            severity,
            rule: rule.to_owned(),
            message: format!(
                "{} · {}{row_zh}{field_zh}：{}",
                self.teacher.name, group.name, detail.zh
            ),
            message_en: format!(
                "{} · {}{row_en}{field_en}: {}",
                self.teacher.name, group.name_en, detail.en
            ),
            reason: None,
        });
    }
}

/// Validation (校验): the school's report and the written reasons of
/// accepted warnings (提醒理由).
///
/// A service of the school file, reached with [`SchoolFile::validation`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Validation<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl Validation<'_> {
    /// Validates every teacher of the school against its indicator set. For
    /// a role that reads masked, ID and phone numbers in the problems are
    /// masked and dates of birth shown as their year.
    pub fn report(&self) -> Result<ValidationReport> {
        self.school
            .require(crate::account::Permission::TeachersView)?;
        let mut report = validation_report(self.school)?;
        if self.school.masked() {
            // Every value the role may not see in full, wherever a message
            // quotes it (a rule on one field may name another's value).
            let hidden = self.school.masked_values()?;
            for problem in &mut report.problems {
                let Some(pairs) = hidden.get(&problem.teacher_id) else {
                    continue;
                };
                for (full, shown) in pairs {
                    if let Some(value) = problem.value.as_mut() {
                        if value == full {
                            value.clone_from(shown);
                        } else if full.chars().count() >= 4 {
                            *value = value.replace(full.as_str(), shown);
                        }
                    }
                    // A value of a few characters would match ordinary text.
                    if full.chars().count() >= 4 {
                        problem.message = problem.message.replace(full.as_str(), shown);
                        problem.message_en = problem.message_en.replace(full.as_str(), shown);
                    }
                }
            }
        }
        Ok(report)
    }
}

/// [`Validation::report`] on the stored values, for the core's own use.
pub(crate) fn validation_report(file: &SchoolFile) -> Result<ValidationReport> {
    let school = file.school()?;
    let set = school
        .indicator_set
        .ok_or_else(|| SchoolError::UnknownSchoolType(school.school_type.clone()))?;
    let catalog = file.catalog()?;
    let validator = Validator::new(&catalog, &set.id)?;
    let teachers = file.stored_teachers()?;
    let mut records_by_teacher: HashMap<String, Vec<IndicatorRecord>> = HashMap::new();
    for record in file.stored_all_records()? {
        records_by_teacher
            .entry(record.teacher_id.clone())
            .or_default()
            .push(record);
    }
    let reasons = file.stored_warning_reasons()?;
    let mut problems = Vec::new();
    for teacher in &teachers {
        let records = records_by_teacher
            .get(&teacher.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut found = validator.teacher(teacher, records);
        if let Some(given) = reasons.get(&teacher.id) {
            for p in found.iter_mut().filter(|p| p.severity == Severity::Warning) {
                p.reason = given.get(&p.key()).cloned();
            }
        }
        problems.extend(found);
    }
    let pending = crate::pending::stored_pending(file, None)?;
    if !pending.is_empty() {
        problems.extend(crate::pending::problems(
            &pending,
            &teachers,
            &records_by_teacher,
            validator.effective(),
        ));
    }
    Ok(report(&set.id, teachers.len(), problems))
}

/// Counts the problems into a report.
pub fn report(set: &str, teachers: usize, problems: Vec<Problem>) -> ValidationReport {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let explained = problems.iter().filter(|p| p.reason.is_some()).count();
    ValidationReport {
        set: set.to_owned(),
        teachers,
        errors,
        warnings: problems.len().saturating_sub(errors),
        explained,
        problems,
    }
}
