//! What the import learns (记住的列对应): the clerk's column corrections,
//! kept when an import is committed (`import_mapping`: the sheet's header
//! layout, the header, the chosen indicator or none) and used again on later
//! rosters:
//! 1. for a sheet with the same header layout as before, every correction
//!    made for it;
//! 2. for any other sheet, by header name alone: a column headed as one the
//!    clerk corrected before gets that choice (the newest one), where it fits
//!    the sheet — its group is the sheet's own (a sheet named after a group)
//!    or one the sheet's other columns fill — so that a 「开始时间」 chosen on
//!    a 学习经历 sheet is not taken for a 工作经历 sheet's. A choice not to
//!    import a column always applies.
//!
//! Such a column's source is [`MappingSource::Remembered`]; the wizard and the
//! CLI say which columns they are. The header is compared as
//! [`normalize_header`] gives it now, so a remembered header still matches
//! after the normalization changes.

use std::collections::HashSet;

use super::mapping::{ColumnMapping, FieldTarget, MappingSource, normalize_header};
use crate::catalog::EffectiveCatalog;

/// One remembered correction.
#[derive(Debug, Clone)]
struct Choice {
    layout: String,
    /// The header, normalized.
    header: String,
    /// The indicator chosen; none when the clerk chose not to import the column.
    target: Option<FieldTarget>,
}

/// Every correction the school remembers, newest first
/// (`Imports::remembered_choices`).
#[derive(Debug, Clone, Default)]
pub struct Remembered {
    choices: Vec<Choice>,
}

/// The indicator a remembered `group.field` names in the school's catalog;
/// none when the catalog no longer has it (after a province pack change).
pub(crate) fn target_of(effective: &EffectiveCatalog, key: &str) -> Option<FieldTarget> {
    let (group, field) = key.split_once('.')?;
    let g = effective.group(group)?;
    let f = g.field(field)?;
    Some(FieldTarget {
        group: g.id.clone(),
        group_name: g.name.clone(),
        field: f.code.clone(),
        label: f.label.clone(),
    })
}

impl Remembered {
    /// `(layout, header, target)` rows, newest first.
    pub(crate) fn new(
        effective: &EffectiveCatalog,
        rows: impl IntoIterator<Item = (String, String, Option<String>)>,
    ) -> Remembered {
        let choices = rows
            .into_iter()
            .filter_map(|(layout, header, target)| {
                let target = match target {
                    None => None,
                    // A target the catalog no longer has is forgotten.
                    Some(key) => Some(target_of(effective, &key)?),
                };
                Some(Choice {
                    layout,
                    header: normalize_header(&header),
                    target,
                })
            })
            .collect();
        Remembered { choices }
    }

    /// Applies what the school remembers to the proposed `columns` of the
    /// sheet named `sheet`: the corrections of the same `layout`, then by
    /// header name those that fit the sheet.
    pub fn apply(
        &self,
        effective: &EffectiveCatalog,
        sheet: &str,
        columns: &mut [ColumnMapping],
        layout: &str,
    ) {
        // A sheet named after a group (as in the official template) is that group's.
        let sheet_group = effective
            .groups
            .iter()
            .find(|g| normalize_header(&g.name) == normalize_header(sheet))
            .map(|g| g.id.as_str());
        // The groups the sheet's columns fill as the catalog matched them.
        let context: HashSet<String> = columns
            .iter()
            .filter(|c| c.source == MappingSource::Catalog)
            .filter_map(|c| c.target.as_ref().map(|t| t.group.clone()))
            .chain(sheet_group.map(str::to_owned))
            .collect();
        let fits = |target: &Option<FieldTarget>| match target {
            None => true,
            Some(t) => context.is_empty() || context.contains(&t.group),
        };
        for column in columns.iter_mut() {
            let header = normalize_header(&column.header);
            let same_layout = self
                .choices
                .iter()
                .find(|c| c.layout == layout && c.header == header);
            let chosen = same_layout.or_else(|| {
                self.choices
                    .iter()
                    .find(|c| c.header == header && fits(&c.target))
            });
            if let Some(choice) = chosen {
                column.target = choice.target.clone();
                column.candidates.clear();
                column.source = if choice.target.is_some() {
                    MappingSource::Remembered
                } else {
                    MappingSource::Ignored
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;
    use crate::import::mapping::column_letter;

    fn effective() -> EffectiveCatalog {
        catalog().unwrap().effective("primary_secondary").unwrap()
    }

    fn column(index: u32, header: &str, target: Option<&str>) -> ColumnMapping {
        let target = target.and_then(|key| target_of(&effective(), key));
        ColumnMapping {
            index,
            letter: column_letter(index),
            header: header.to_owned(),
            source: if target.is_some() {
                MappingSource::Catalog
            } else {
                MappingSource::Unknown
            },
            target,
            candidates: Vec::new(),
            samples: Vec::new(),
        }
    }

    fn remembered(rows: &[(&str, &str, Option<&str>)]) -> Remembered {
        Remembered::new(
            &effective(),
            rows.iter()
                .map(|(l, h, t)| ((*l).to_owned(), (*h).to_owned(), t.map(str::to_owned))),
        )
    }

    #[test]
    fn a_choice_applies_to_the_same_header_in_another_layout() {
        let memory = remembered(&[(
            "姓名|来校日期",
            "来校日期",
            Some("basic.school_entry_month"),
        )]);
        let mut columns = vec![
            column(0, "序号", None),
            column(1, "姓名", Some("basic.name")),
            column(2, "来校日期", None),
        ];
        memory.apply(&effective(), "教师", &mut columns, "序号|姓名|来校日期");
        assert_eq!(columns[2].source, MappingSource::Remembered);
        assert_eq!(
            columns[2].target.as_ref().unwrap().field,
            "school_entry_month"
        );
        assert_eq!(columns[0].source, MappingSource::Unknown);
    }

    #[test]
    fn the_newest_choice_for_a_header_wins() {
        let memory = remembered(&[
            ("b", "来校日期", Some("basic.work_start_month")),
            ("a", "来校日期", Some("basic.school_entry_month")),
        ]);
        let mut columns = vec![
            column(0, "姓名", Some("basic.name")),
            column(1, "来校日期", None),
        ];
        memory.apply(&effective(), "教师", &mut columns, "c");
        assert_eq!(
            columns[1].target.as_ref().unwrap().field,
            "work_start_month"
        );
    }

    #[test]
    fn the_same_layout_s_choice_comes_before_a_newer_one_of_another_layout() {
        let memory = remembered(&[
            ("other", "来校日期", Some("basic.work_start_month")),
            ("this", "来校日期", Some("basic.school_entry_month")),
        ]);
        let mut columns = vec![
            column(0, "姓名", Some("basic.name")),
            column(1, "来校日期", None),
        ];
        memory.apply(&effective(), "教师", &mut columns, "this");
        assert_eq!(
            columns[1].target.as_ref().unwrap().field,
            "school_entry_month"
        );
    }

    #[test]
    fn a_choice_of_another_group_does_not_fit_a_sheet_of_its_own_group() {
        let memory = remembered(&[("edu", "开始时间", Some("education.enrollment_month"))]);
        let mut columns = vec![
            column(0, "姓名", Some("basic.name")),
            column(1, "开始时间", None),
        ];
        memory.apply(&effective(), "工作经历", &mut columns, "work");
        assert_eq!(columns[1].source, MappingSource::Unknown);
        assert!(columns[1].target.is_none());
    }

    #[test]
    fn a_choice_not_to_import_a_column_applies_to_any_sheet() {
        let memory = remembered(&[("a", "备用", None)]);
        let mut columns = vec![
            column(0, "姓名", Some("basic.name")),
            column(1, "*备 用", None),
        ];
        memory.apply(&effective(), "教师", &mut columns, "b");
        assert_eq!(columns[1].source, MappingSource::Ignored);
    }

    #[test]
    fn a_choice_the_catalog_no_longer_has_is_forgotten() {
        let memory = remembered(&[("a", "来校日期", Some("basic.no_such_field"))]);
        let mut columns = vec![column(0, "来校日期", None)];
        memory.apply(&effective(), "教师", &mut columns, "b");
        assert_eq!(columns[0].source, MappingSource::Unknown);
    }
}
