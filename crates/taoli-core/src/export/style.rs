//! How a spreadsheet export writes its headers and code values:
//! - [`SheetStyle::Taoli`], Taoli's own: codes as their names (男, 汉族,
//!   专任教师), headers as the catalog labels the fields;
//! - [`SheetStyle::National`], the national system's import template: codes
//!   as 「代码-名称」 (1-男, 01-中共党员, A1-专任教师, 0-否), headers as the
//!   set's template edition writes them (`*` before a required field, a date's
//!   form on a second line, the template's own words such as
//!   是否心里健康教育教师). The edition is data: `catalog/templates.toml`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::layout::moment_form;
use crate::catalog::templates::{TemplateEdition, edition_for};
use crate::catalog::{Code, EffectiveCatalog, EffectiveField};
use crate::error::Result;

/// The form a spreadsheet export writes values and headers in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SheetStyle {
    /// Names for codes (男), the catalog's labels for headers.
    #[default]
    Taoli,
    /// The national template's 「代码-名称」 values (1-男) and its headers.
    National,
}

impl SheetStyle {
    /// The style as the audit trail and JSON name it: `taoli`, `national`.
    pub fn code(self) -> &'static str {
        match self {
            SheetStyle::Taoli => "taoli",
            SheetStyle::National => "national",
        }
    }

    /// The style's name for the clerk.
    pub fn name(self) -> &'static str {
        match self {
            SheetStyle::Taoli => "桃李格式",
            SheetStyle::National => "国家模板格式",
        }
    }
}

/// A style resolved for one indicator set: what the sheets' headers and
/// cells ask when they write.
#[derive(Debug, Clone, Copy)]
pub struct Writing {
    edition: Option<&'static TemplateEdition>,
}

impl Writing {
    /// Taoli's own form.
    pub fn taoli() -> Writing {
        Writing { edition: None }
    }

    /// `style` for the set of `effective`.
    pub fn new(style: SheetStyle, effective: &EffectiveCatalog) -> Result<Writing> {
        Ok(match style {
            SheetStyle::Taoli => Writing::taoli(),
            SheetStyle::National => Writing {
                edition: Some(edition_for(&effective.set.id)?),
            },
        })
    }

    pub fn style(&self) -> SheetStyle {
        match self.edition {
            None => SheetStyle::Taoli,
            Some(_) => SheetStyle::National,
        }
    }

    /// The national template edition written like, if any.
    pub fn edition(&self) -> Option<&'static TemplateEdition> {
        self.edition
    }

    /// A column's header: `*` before a required field's label, and a date's
    /// expected form on a second line (`*出生日期\n(yyyy-MM-dd)`); in the
    /// national form, as the template edition writes it.
    pub fn header(&self, group: &str, field: &EffectiveField) -> String {
        match self.edition {
            Some(edition) => {
                edition.header(group, &field.code, &field.label, field.kind, field.required)
            }
            None => {
                let star = if field.required { "*" } else { "" };
                match moment_form(field.kind) {
                    Some(form) => format!("{star}{}\n({form})", field.label),
                    None => format!("{star}{}", field.label),
                }
            }
        }
    }

    /// A code as its cell and its dropdown show it: 男, or 1-男.
    pub fn code(&self, code: &Code) -> String {
        match self.edition {
            Some(edition) => edition.code_name(&code.code, &code.name),
            None => code.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    fn writing(style: SheetStyle, set: &str) -> (Writing, EffectiveCatalog) {
        let effective = catalog().unwrap().effective(set).unwrap();
        (Writing::new(style, &effective).unwrap(), effective)
    }

    fn field<'a>(effective: &'a EffectiveCatalog, code: &str) -> &'a EffectiveField {
        effective.group("basic").unwrap().field(code).unwrap()
    }

    #[test]
    fn taoli_headers_are_the_catalog_s_labels() {
        let (taoli, effective) = writing(SheetStyle::Taoli, "primary_secondary");
        let mental = field(&effective, "mental_health_teacher");
        assert_eq!(taoli.header("basic", mental), "*是否心理健康教育教师");
        let birth = field(&effective, "birth_date");
        assert_eq!(taoli.header("basic", birth), "*出生日期\n(yyyy-MM-dd)");
    }

    #[test]
    fn national_headers_are_the_template_s() {
        let (national, effective) = writing(SheetStyle::National, "primary_secondary");
        let mental = field(&effective, "mental_health_teacher");
        assert_eq!(national.header("basic", mental), "*是否心里健康教育教师");
    }

    #[test]
    fn a_kindergarten_s_entry_month_is_headed_as_its_template_writes_it() {
        let (national, effective) = writing(SheetStyle::National, "kindergarten");
        let entry = field(&effective, "school_entry_month");
        assert_eq!(national.header("basic", entry), "*进本园年月\n(yyyy-MM)");
    }

    #[test]
    fn national_codes_carry_their_code() {
        let (national, effective) = writing(SheetStyle::National, "primary_secondary");
        let gender = effective.code_table("gender").unwrap().get("1").unwrap();
        assert_eq!(national.code(gender), "1-男");
        assert_eq!(Writing::taoli().code(gender), "男");
    }
}
