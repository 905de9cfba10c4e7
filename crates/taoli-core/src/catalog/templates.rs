//! The national system's import templates (国家模板) as data
//! (`catalog/templates.toml`): for each indicator set, the template edition
//! whose headers and 「代码-名称」 values the national-form export writes
//! (`export::SheetStyle::National`). The export asks an edition for a
//! column's header and a code's written form; what the templates write is
//! never in code.

use std::sync::OnceLock;

use serde::Deserialize;

use super::FieldType;
use crate::error::InternalError;
use crate::error::{Error, Result};

const TEMPLATES_TOML: &str = include_str!("../../catalog/templates.toml");
const FILE: &str = "catalog/templates.toml";

/// One set's template edition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateEdition {
    /// The indicator set whose template this is.
    pub set: String,
    /// What the template is called (中小学教职工信息导入模板).
    pub name: String,
    /// Which edition (2016).
    pub edition: String,
    pub source: String,
    /// False where no public copy of the set's template was found [I].
    #[serde(default = "yes")]
    pub confirmed: bool,
    /// Written before a required field's header (`*`).
    pub required_mark: String,
    /// Written after a date column's header; `{form}` is the moment form.
    pub hint: String,
    /// A code and its name together; `{code}` and `{name}` (`{code}-{name}`).
    pub code_name: String,
    pub moment_forms: MomentForms,
    /// False where the year-month and year hints are inferred.
    #[serde(default = "yes")]
    pub moment_forms_confirmed: bool,
    /// Fields the template heads other than the catalog's label.
    #[serde(default)]
    pub header: Vec<HeaderText>,
}

/// The form a template writes under a date, year-month and year column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MomentForms {
    pub date: String,
    pub year_month: String,
    pub year: String,
}

/// A field the template heads with its own words (是否心里健康教育教师).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderText {
    /// `group.field`, e.g. `basic.mental_health_teacher`.
    pub field: String,
    /// The template's words, without the `*` and the date hint.
    pub text: String,
    pub note: String,
    #[serde(default = "yes")]
    pub confirmed: bool,
}

fn yes() -> bool {
    true
}

impl TemplateEdition {
    /// The edition as docs and the workbook name it: 中小学教职工信息导入模板（2016）.
    pub fn title(&self) -> String {
        format!("{}（{}）", self.name, self.edition)
    }

    /// The form the template writes under a column of `kind`, if it is a date.
    pub fn moment_form(&self, kind: FieldType) -> Option<&str> {
        match kind {
            FieldType::Date => Some(&self.moment_forms.date),
            FieldType::YearMonth => Some(&self.moment_forms.year_month),
            FieldType::Year => Some(&self.moment_forms.year),
            _ => None,
        }
    }

    /// A column's header as the template writes it: the required mark, the
    /// template's words for the field (else `label`), and a date's form.
    pub fn header(
        &self,
        group: &str,
        field: &str,
        label: &str,
        kind: FieldType,
        required: bool,
    ) -> String {
        let text = self
            .header
            .iter()
            .find(|h| h.field.split_once('.') == Some((group, field)))
            .map_or(label, |h| h.text.as_str());
        let mark = if required {
            self.required_mark.as_str()
        } else {
            ""
        };
        let hint = self
            .moment_form(kind)
            .map(|form| self.hint.replace("{form}", form))
            .unwrap_or_default();
        format!("{mark}{text}{hint}")
    }

    /// A code and its name as the template's dropdowns write them (1-男).
    pub fn code_name(&self, code: &str, name: &str) -> String {
        self.code_name
            .replace("{code}", code)
            .replace("{name}", name)
    }
}

/// Every template edition, parsed and checked once, in the file's order.
pub fn editions() -> Result<&'static [TemplateEdition]> {
    Ok(&templates()?.edition)
}

/// The template edition of an indicator set. A set a province pack adds has
/// no national template: it gets the file's `fallback` set's edition.
pub fn edition_for(set: &str) -> Result<&'static TemplateEdition> {
    let file = templates()?;
    file.edition
        .iter()
        .find(|e| e.set == set)
        .or_else(|| file.edition.iter().find(|e| e.set == file.fallback))
        .ok_or_else(|| {
            Error::Internal(InternalError::Catalog {
                file: FILE,
                detail: format!("指标体系 {set} 没有国家模板的版本"),
            })
        })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplatesFile {
    /// The set whose edition a set without its own (a province's) follows.
    fallback: String,
    edition: Vec<TemplateEdition>,
}

fn templates() -> Result<&'static TemplatesFile> {
    static FILE_PARSED: OnceLock<std::result::Result<TemplatesFile, String>> = OnceLock::new();
    FILE_PARSED
        .get_or_init(|| parse(TEMPLATES_TOML))
        .as_ref()
        .map_err(|detail| {
            Error::Internal(InternalError::Catalog {
                file: FILE,
                detail: detail.clone(),
            })
        })
}

fn parse(text: &str) -> std::result::Result<TemplatesFile, String> {
    let file: TemplatesFile = toml::from_str(text).map_err(|e| e.to_string())?;
    check(&file.edition)?;
    if !file.edition.iter().any(|e| e.set == file.fallback) {
        return Err(format!("fallback 指标体系 {} 没有模板版本", file.fallback));
    }
    Ok(file)
}

/// Every set has exactly one edition, every header names a field the
/// catalog has, and the patterns hold their placeholders.
fn check(editions: &[TemplateEdition]) -> std::result::Result<(), String> {
    let catalog = super::catalog().map_err(|e| e.to_string())?;
    for set in catalog.sets() {
        match editions.iter().filter(|e| e.set == set.id).count() {
            1 => {}
            0 => return Err(format!("指标体系 {} 没有国家模板的版本", set.id)),
            _ => return Err(format!("指标体系 {} 有多个国家模板的版本", set.id)),
        }
    }
    for edition in editions {
        let at = format!("{} 的模板", edition.set);
        if catalog.set(&edition.set).is_none() {
            return Err(format!("{at}：未定义的指标体系 {}", edition.set));
        }
        if !edition.hint.contains("{form}") {
            return Err(format!("{at}：hint 中没有 {{form}}"));
        }
        if !edition.code_name.contains("{code}") || !edition.code_name.contains("{name}") {
            return Err(format!("{at}：code_name 中须有 {{code}} 和 {{name}}"));
        }
        for header in &edition.header {
            let known = header.field.split_once('.').is_some_and(|(group, field)| {
                catalog
                    .group(group)
                    .is_some_and(|g| g.field(field).is_some())
            });
            if !known {
                return Err(format!("{at}：表头 {} 不是指标目录中的指标", header.field));
            }
            if header.text.trim().is_empty() {
                return Err(format!("{at}：{} 的表头为空", header.field));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indicator_set_has_one_template_edition() {
        let catalog = crate::catalog::catalog().unwrap();
        for set in catalog.sets() {
            assert_eq!(edition_for(&set.id).unwrap().set, set.id);
        }
    }

    #[test]
    fn a_required_date_is_headed_with_a_star_and_its_form_on_a_second_line() {
        let edition = edition_for("primary_secondary").unwrap();
        assert_eq!(
            edition.header("basic", "birth_date", "出生日期", FieldType::Date, true),
            "*出生日期\n(yyyy-MM-dd)"
        );
        assert_eq!(
            edition.header("basic", "remarks", "备注", FieldType::Text, false),
            "备注"
        );
    }

    #[test]
    fn the_template_s_own_misspelling_is_its_header() {
        let edition = edition_for("primary_secondary").unwrap();
        assert_eq!(
            edition.header(
                "basic",
                "mental_health_teacher",
                "是否心理健康教育教师",
                FieldType::Code,
                true
            ),
            "*是否心里健康教育教师"
        );
    }

    #[test]
    fn a_code_is_written_with_its_name() {
        let edition = edition_for("primary_secondary").unwrap();
        assert_eq!(edition.code_name("A1", "专任教师"), "A1-专任教师");
    }

    #[test]
    fn a_set_a_province_adds_is_written_like_the_fallback_set() {
        assert_eq!(
            edition_for("sichuan_special").unwrap().set,
            "primary_secondary"
        );
    }

    #[test]
    fn a_header_naming_no_field_of_the_catalog_is_refused() {
        let text = TEMPLATES_TOML.replace("basic.mental_health_teacher", "basic.mental_health");
        let err = parse(&text).unwrap_err();
        assert!(err.contains("basic.mental_health"), "{err}");
    }

    #[test]
    fn a_set_without_an_edition_is_refused() {
        let text = TEMPLATES_TOML.replace("set = \"university\"", "set = \"kindergarten\"");
        let err = parse(&text).unwrap_err();
        assert!(
            err.contains("university") || err.contains("kindergarten"),
            "{err}"
        );
    }
}
