//! The spreadsheet layout the import template, the data workbook and the CSV
//! share: one sheet per information group, named after it; the identity
//! columns first (姓名, 身份证件类型, 身份证件号 — on every sheet, so that a
//! row of a multi-record group can be matched to its teacher), then every
//! field a clerk types, in catalog order. Headers are what the importer
//! recognizes: the field's label, `*` before a required one, and the expected
//! form of a date under it ([`Writing::header`]: Taoli's own, or the national
//! template's).

use super::style::Writing;
use crate::catalog::{EffectiveCatalog, EffectiveField, EffectiveGroup, FieldType};
use crate::error::InternalError;
use crate::error::{Error, Result};
use crate::validate::BASIC_GROUP;

pub use crate::teacher::IDENTITY_FIELDS;

/// What joins the labels of a multi-code value (中共党员、民革会员).
pub const MULTI_CODE_SEPARATOR: &str = "、";

/// Excel's limit on a sheet name's length.
pub const SHEET_NAME_MAX: usize = 31;

/// One column of a sheet.
#[derive(Debug, Clone)]
pub struct Column {
    /// The group the field belongs to: `basic` for the identity columns.
    pub group: String,
    pub field: EffectiveField,
    /// The header as written in row 1.
    pub header: String,
}

impl Column {
    /// The column holds one of the three identity fields.
    pub fn is_identity(&self) -> bool {
        crate::teacher::is_identity_field(&self.group, &self.field.code)
    }

    /// The column takes a label from a code table (and so gets a dropdown).
    pub fn is_code(&self) -> bool {
        matches!(
            self.field.kind,
            FieldType::Code | FieldType::MultiCode | FieldType::YesNo
        )
    }
}

/// One information group's sheet.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub group: EffectiveGroup,
    /// The sheet's name: the group's Chinese name, as Excel allows it.
    pub name: String,
    pub columns: Vec<Column>,
}

/// The form a date column expects, as the header shows it.
pub fn moment_form(kind: FieldType) -> Option<&'static str> {
    match kind {
        FieldType::Date => Some("yyyy-MM-dd"),
        FieldType::YearMonth => Some("yyyy-MM"),
        FieldType::Year => Some("yyyy"),
        _ => None,
    }
}

/// A group's name as a sheet name: without the characters Excel refuses and
/// at most 31 characters long.
pub fn sheet_name(group_name: &str) -> String {
    let name: String = group_name
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c => c,
        })
        .take(SHEET_NAME_MAX)
        .collect();
    name.trim_matches('\'').to_owned()
}

fn column(group: &EffectiveGroup, field: &EffectiveField, writing: &Writing) -> Column {
    Column {
        group: group.id.clone(),
        field: field.clone(),
        header: writing.header(&group.id, field),
    }
}

/// The sheets of a set, in the catalog's group order, headed as `writing` writes.
pub fn sheets(effective: &EffectiveCatalog, writing: &Writing) -> Result<Vec<Sheet>> {
    let basic = effective.group(BASIC_GROUP).ok_or_else(|| {
        Error::Internal(InternalError::Catalog {
            file: "catalog/groups",
            detail: format!("指标体系 {} 没有基本信息", effective.set.id),
        })
    })?;
    let identity: Vec<Column> = IDENTITY_FIELDS
        .iter()
        .map(|code| {
            basic
                .field(code)
                .map(|f| column(basic, f, writing))
                .ok_or_else(|| {
                    Error::Internal(InternalError::Catalog {
                        file: "catalog/groups/01_basic.toml",
                        detail: format!("基本信息缺少身份指标 {code}"),
                    })
                })
        })
        .collect::<Result<_>>()?;
    let mut used: Vec<String> = Vec::new();
    let mut sheets = Vec::new();
    for group in &effective.groups {
        let mut columns = identity.clone();
        columns.extend(
            group
                .fields
                .iter()
                .filter(|f| !f.derived)
                .filter(|f| !crate::teacher::is_identity_field(&group.id, &f.code))
                .map(|f| column(group, f, writing)),
        );
        let base = sheet_name(&group.name);
        let mut name = base.clone();
        let mut n = 2u32;
        while used.contains(&name) {
            let suffix = format!("({n})");
            let keep = SHEET_NAME_MAX.saturating_sub(suffix.chars().count());
            name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
            n = n.saturating_add(1);
        }
        used.push(name.clone());
        sheets.push(Sheet {
            group: group.clone(),
            name,
            columns,
        });
    }
    Ok(sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_lose_the_characters_excel_refuses() {
        assert_eq!(sheet_name("海外研修(访学)"), "海外研修(访学)");
        assert_eq!(sheet_name("研修/访学"), "研修_访学");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
