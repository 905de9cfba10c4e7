//! What a verification sheet prints for one teacher: every information group
//! of the school's set, in catalog order, each indicator with its label and
//! its value as a clerk reads it (codes as their labels, several codes joined
//! with 「、」, divisions as their full names, dates as stored). Derived 基本信息 fields (最高学历 …) show the
//! value the catalog's rule takes from the source group when none is stored.

use serde::Serialize;
use serde_json::Value;

use crate::catalog::{
    Catalog, EffectiveCatalog, EffectiveField, EffectiveGroup, FieldType, Regions, Rule,
};
use crate::record::{Fields, IndicatorRecord};
use crate::teacher::Teacher;
use crate::validate::{BASIC_GROUP, value};

/// How the values of a multi-code field are joined on the sheet.
const CODE_SEPARATOR: &str = "、";

/// A teacher's information as the sheet prints it. Its canonical JSON is what
/// the fingerprint is taken of (`fingerprint`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeacherInfo {
    /// 姓名.
    pub name: String,
    /// 身份证件类型, by its name (居民身份证).
    pub id_type: String,
    /// 身份证件号.
    pub id_number: String,
    /// Every information group of the school's set, in catalog order.
    pub groups: Vec<SheetGroup>,
}

/// One information group on the sheet. A single-record group fills `fields`;
/// a multi-record group fills `columns` and `rows` (one row per record, its
/// values in column order). The other lists are empty, never missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetGroup {
    pub id: String,
    pub name: String,
    pub multi: bool,
    pub fields: Vec<SheetField>,
    pub columns: Vec<SheetColumn>,
    pub rows: Vec<Vec<String>>,
}

/// One indicator of a single-record group, with its value ("" when empty).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetField {
    pub code: String,
    pub label: String,
    pub value: String,
}

/// One column of a multi-record group's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetColumn {
    pub code: String,
    pub label: String,
}

/// Builds teachers' printed information from the catalog of the school's set.
#[derive(Debug)]
pub(crate) struct Printer<'c> {
    effective: &'c EffectiveCatalog,
    rules: &'c [Rule],
    regions: &'c Regions,
}

impl<'c> Printer<'c> {
    pub(crate) fn new(effective: &'c EffectiveCatalog, catalog: &'c Catalog) -> Printer<'c> {
        Printer {
            effective,
            rules: catalog.rules(),
            regions: catalog.regions(),
        }
    }

    /// `records` are the teacher's records, in any order.
    pub(crate) fn teacher(&self, teacher: &Teacher, records: &[&IndicatorRecord]) -> TeacherInfo {
        let mut records = records.to_vec();
        records.sort_by_key(|r| r.row_order);
        let empty = Fields::new();
        let basic = records
            .iter()
            .find(|r| r.group_code == BASIC_GROUP)
            .map_or(&empty, |r| &r.fields);
        let groups = self
            .effective
            .groups
            .iter()
            .map(|group| {
                if group.multi {
                    self.multi_group(group, &records)
                } else if group.id == BASIC_GROUP {
                    self.basic_group(group, teacher, basic, &records)
                } else {
                    let fields = records
                        .iter()
                        .find(|r| r.group_code == group.id)
                        .map_or(&empty, |r| &r.fields);
                    self.single_group(group, |field| self.text(field, fields.get(&field.code)))
                }
            })
            .collect();
        TeacherInfo {
            name: teacher.name.clone(),
            id_type: teacher.id_type_name.clone(),
            id_number: teacher.id_number.clone(),
            groups,
        }
    }

    fn basic_group(
        &self,
        group: &EffectiveGroup,
        teacher: &Teacher,
        basic: &Fields,
        records: &[&IndicatorRecord],
    ) -> SheetGroup {
        self.single_group(group, |field| match field.code.as_str() {
            "name" => teacher.name.clone(),
            "id_type" => teacher.id_type_name.clone(),
            "id_number" => teacher.id_number.clone(),
            code if field.derived => {
                let derived = crate::derived::rule_for(self.rules, code)
                    .and_then(|rule| crate::derived::value_of(rule, code, basic, records));
                self.text(field, derived.or_else(|| basic.get(code)))
            }
            code => self.text(field, basic.get(code)),
        })
    }

    fn single_group(
        &self,
        group: &EffectiveGroup,
        value_of: impl Fn(&EffectiveField) -> String,
    ) -> SheetGroup {
        SheetGroup {
            id: group.id.clone(),
            name: group.name.clone(),
            multi: false,
            fields: group
                .fields
                .iter()
                .map(|field| SheetField {
                    code: field.code.clone(),
                    label: field.label.clone(),
                    value: value_of(field),
                })
                .collect(),
            columns: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn multi_group(&self, group: &EffectiveGroup, records: &[&IndicatorRecord]) -> SheetGroup {
        SheetGroup {
            id: group.id.clone(),
            name: group.name.clone(),
            multi: true,
            fields: Vec::new(),
            columns: group
                .fields
                .iter()
                .map(|field| SheetColumn {
                    code: field.code.clone(),
                    label: field.label.clone(),
                })
                .collect(),
            rows: records
                .iter()
                .filter(|r| r.group_code == group.id)
                .map(|r| {
                    group
                        .fields
                        .iter()
                        .map(|field| self.text(field, r.fields.get(&field.code)))
                        .collect()
                })
                .collect(),
        }
    }

    /// A stored value as the sheet prints it. A code its table does not hold
    /// is printed as stored, so that nothing is hidden from the teacher.
    pub(crate) fn text(&self, field: &EffectiveField, value: Option<&Value>) -> String {
        let Some(value) = value.filter(|v| !value::is_empty(Some(v))) else {
            return String::new();
        };
        match field.kind {
            FieldType::Code | FieldType::MultiCode | FieldType::YesNo => {
                let table = field
                    .code_table
                    .as_deref()
                    .and_then(|t| self.effective.code_table(t));
                value::codes(value)
                    .iter()
                    .map(|code| {
                        table
                            .and_then(|t| t.get(code))
                            .map_or_else(|| code.clone(), |c| c.name.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(CODE_SEPARATOR)
            }
            // The division's full name; text stored before the field held codes, as stored.
            FieldType::Region => self.regions.display(&value::text(value)),
            _ => value::text(value),
        }
    }
}
