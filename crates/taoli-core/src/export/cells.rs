//! The school's stored values as spreadsheet cells: codes as their labels
//! (or 「代码-名称」 in the national form, [`Writing::code`]; multi-code
//! values joined with 「、」), dates as text in the stored form,
//! numbers as numbers. One row per teacher on 基本信息, one row per record on
//! every other sheet; the importer reads each back to the same stored value.

use std::collections::HashMap;

use serde_json::Value;

use super::TeacherExport;
use super::layout::{Column, MULTI_CODE_SEPARATOR, Sheet};
use super::style::Writing;
use crate::catalog::{EffectiveCatalog, FieldType};
use crate::record::{Fields, IndicatorRecord};
use crate::teacher::Teacher;
use crate::validate::BASIC_GROUP;

/// One cell as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    /// The cell as a CSV field: numbers as Excel's General format shows them.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => crate::import::table::number_text(*n),
        }
    }
}

/// Groups the school's records under their teachers, teachers in registration order.
pub fn by_teacher(teachers: Vec<Teacher>, records: Vec<IndicatorRecord>) -> Vec<TeacherExport> {
    let mut records_of: HashMap<String, Vec<IndicatorRecord>> = HashMap::new();
    for record in records {
        records_of
            .entry(record.teacher_id.clone())
            .or_default()
            .push(record);
    }
    teachers
        .into_iter()
        .map(|teacher| {
            let mut records = records_of.remove(&teacher.id).unwrap_or_default();
            records.sort_by(|a, b| {
                (a.group_code.as_str(), a.row_order).cmp(&(b.group_code.as_str(), b.row_order))
            });
            TeacherExport {
                teacher,
                records,
                status_events: Vec::new(),
            }
        })
        .collect()
}

/// The rows of one sheet: for 基本信息 one per teacher, elsewhere one per record.
pub fn rows(
    effective: &EffectiveCatalog,
    writing: &Writing,
    sheet: &Sheet,
    school: &[TeacherExport],
) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    let empty = Fields::new();
    for person in school {
        let mut records = person
            .records
            .iter()
            .filter(|r| r.group_code == sheet.group.id);
        if sheet.group.id == BASIC_GROUP {
            let fields = records.next().map_or(&empty, |r| &r.fields);
            rows.push(row(effective, writing, sheet, &person.teacher, fields));
        } else {
            rows.extend(
                records.map(|r| row(effective, writing, sheet, &person.teacher, &r.fields)),
            );
        }
    }
    rows
}

fn row(
    effective: &EffectiveCatalog,
    writing: &Writing,
    sheet: &Sheet,
    teacher: &Teacher,
    fields: &Fields,
) -> Vec<Cell> {
    sheet
        .columns
        .iter()
        .map(|column| {
            if column.is_identity() {
                let value = match column.field.code.as_str() {
                    "name" => &teacher.name,
                    "id_type" => &teacher.id_type,
                    _ => &teacher.id_number,
                };
                cell(effective, writing, column, &Value::String(value.clone()))
            } else {
                fields
                    .get(&column.field.code)
                    .map_or(Cell::Empty, |v| cell(effective, writing, column, v))
            }
        })
        .collect()
}

/// A stored value as its column shows it. A code the table does not hold is
/// written as it is stored, so that nothing is lost.
pub fn cell(
    effective: &EffectiveCatalog,
    writing: &Writing,
    column: &Column,
    value: &Value,
) -> Cell {
    let field = &column.field;
    let table = field
        .code_table
        .as_deref()
        .and_then(|t| effective.code_table(t));
    let label = |code: &str| -> String {
        table
            .and_then(|t| t.get(code))
            .map_or_else(|| code.to_owned(), |c| writing.code(c))
    };
    match (field.kind, value) {
        (_, Value::Null) => Cell::Empty,
        (FieldType::Code | FieldType::YesNo | FieldType::MultiCode, Value::Array(codes)) => {
            let labels: Vec<String> = codes
                .iter()
                .map(|c| label(&scalar_text(c)))
                .filter(|l| !l.is_empty())
                .collect();
            text(labels.join(MULTI_CODE_SEPARATOR))
        }
        (FieldType::Code | FieldType::YesNo | FieldType::MultiCode, v) => {
            text(label(&scalar_text(v)))
        }
        // A division's full name (四川省成都市武侯区), which the importer reads
        // back to its code; text stored before the field held codes, as stored.
        (FieldType::Region, v) => {
            let stored = scalar_text(v);
            text(match crate::catalog::catalog() {
                Ok(catalog) => catalog.regions().display(&stored),
                Err(_) => stored,
            })
        }
        (FieldType::Number, Value::Number(n)) => n.as_f64().map_or(Cell::Empty, Cell::Number),
        (FieldType::Number, Value::String(s)) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Cell::Number(n),
            _ => text(s.clone()),
        },
        (_, Value::Array(items)) => text(
            items
                .iter()
                .map(scalar_text)
                .collect::<Vec<_>>()
                .join(MULTI_CODE_SEPARATOR),
        ),
        (_, v) => text(scalar_text(v)),
    }
}

fn text(s: String) -> Cell {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "1".to_owned(),
        Value::Bool(false) => "0".to_owned(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => crate::import::table::number_text(f),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}
