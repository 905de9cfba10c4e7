//! What a valid resident ID number (居民身份证, GB 11643-1999) gives of a
//! teacher's 基本信息: the 出生日期 of its digits 7–14 and the 性别 of its
//! 17th. Which fields, and which 性别 codes, are the catalog's ID-agreement
//! rules (`matches_id_birth_date`, `matches_id_gender`); the import, a new
//! teacher ([`DataEntry::add_teacher`]) and the teacher form fill them
//! from here, and only where they are empty: a value the personnel file
//! (档案) gives differently stays, and the rule's warning asks for its reason.

use serde::Serialize;
use ts_rs::TS;

use crate::catalog::{Catalog, Check, EffectiveCatalog, IdNumberForm, IdType};
use crate::entry::DataEntry;
use crate::error::Result;
use crate::id_number::{IdGender, ResidentId};
use crate::record::Fields;
use crate::validate::BASIC_GROUP;

/// One 基本信息 value a resident ID number gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IdDerivedValue {
    /// The field's code, e.g. `birth_date`.
    pub field: String,
    /// The field's label for the school's set (出生日期).
    pub label: String,
    /// The value as stored: `1985-03-04`, or the 性别 code `1`.
    pub value: String,
    /// The value as the clerk reads it: `1985-03-04`, 男.
    pub shown: String,
}

/// The gender field a resident ID number fills, with its codes and their
/// names as the catalog's `matches_id_gender` rule gives them.
#[derive(Debug, Clone)]
pub struct GenderFromId {
    pub field: String,
    /// (code, name) for a man: odd 17th digit.
    pub male: (String, String),
    /// (code, name) for a woman: even 17th digit.
    pub female: (String, String),
}

/// The 基本信息 fields a resident ID number determines for a set.
#[derive(Debug, Clone, Default)]
pub struct IdFields {
    /// The date field (`birth_date`).
    pub birth: Option<String>,
    pub gender: Option<GenderFromId>,
}

/// The fields a resident ID number determines, as the catalog's
/// ID-agreement rules for the set of `effective` name them.
pub fn id_fields(catalog: &Catalog, effective: &EffectiveCatalog) -> IdFields {
    let basic = effective.group(BASIC_GROUP);
    let name = |field: &str, code: &str| -> String {
        basic
            .and_then(|g| g.field(field))
            .and_then(|f| f.code_table.as_deref())
            .and_then(|t| effective.code_table(t))
            .and_then(|t| t.get(code))
            .map_or_else(|| code.to_owned(), |c| c.name.clone())
    };
    let mut fields = IdFields::default();
    for rule in catalog.rules() {
        if rule.group != BASIC_GROUP || !rule.sets.contains(&effective.set.id) {
            continue;
        }
        match &rule.check {
            Check::MatchesIdBirthDate { field } => fields.birth = Some(field.clone()),
            Check::MatchesIdGender {
                field,
                male,
                female,
            } => {
                fields.gender = Some(GenderFromId {
                    field: field.clone(),
                    male: (male.clone(), name(field, male)),
                    female: (female.clone(), name(field, female)),
                })
            }
            _ => {}
        }
    }
    fields
}

impl IdFields {
    /// The values `resident` gives, in the order 出生日期, 性别.
    pub fn values(
        &self,
        effective: &EffectiveCatalog,
        resident: &ResidentId,
    ) -> Vec<IdDerivedValue> {
        let label = |field: &str| -> String {
            effective
                .group(BASIC_GROUP)
                .and_then(|g| g.field(field))
                .map_or_else(|| field.to_owned(), |f| f.label.clone())
        };
        let mut values = Vec::new();
        if let Some(field) = &self.birth {
            let date = resident.birth_date.to_string();
            values.push(IdDerivedValue {
                field: field.clone(),
                label: label(field),
                value: date.clone(),
                shown: date,
            });
        }
        if let Some(gender) = &self.gender {
            let (code, name) = match resident.gender {
                IdGender::Male => &gender.male,
                IdGender::Female => &gender.female,
            };
            values.push(IdDerivedValue {
                field: gender.field.clone(),
                label: label(&gender.field),
                value: code.clone(),
                shown: name.clone(),
            });
        }
        values
    }
}

/// What an ID number gives of 基本信息: nothing unless `id_type` is the
/// resident ID card and the number a valid one (after the usual cleaning).
pub fn id_derived_values(
    catalog: &Catalog,
    effective: &EffectiveCatalog,
    id_type: &IdType,
    id_number: &str,
) -> Vec<IdDerivedValue> {
    if id_type.form != IdNumberForm::ResidentId {
        return Vec::new();
    }
    let number = crate::id_number::normalize(id_number);
    match crate::id_number::check_resident_id(&number) {
        Ok(resident) => id_fields(catalog, effective).values(effective, &resident),
        Err(_) => Vec::new(),
    }
}

impl DataEntry<'_> {
    /// What an ID number of `id_type` (code or name) gives of 基本信息 in the
    /// school's indicator set: the values the teacher form fills where its
    /// fields are empty, as the clerk types or opens a teacher.
    pub fn id_derived_values(&self, id_type: &str, id_number: &str) -> Result<Vec<IdDerivedValue>> {
        self.school
            .require(crate::account::Permission::TeachersView)?;
        let catalog = self.school.catalog()?;
        let id_type = catalog.id_type(id_type)?;
        let effective = self.school.effective_catalog()?;
        Ok(id_derived_values(&catalog, &effective, id_type, id_number))
    }
}

/// `fields` with the values an ID number gives added where they are empty;
/// returns the values it added.
pub fn fill_empty(fields: &mut Fields, values: &[IdDerivedValue]) -> Vec<IdDerivedValue> {
    let mut added = Vec::new();
    for value in values {
        let empty = fields
            .get(&value.field)
            .is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()));
        if empty {
            fields.insert(
                value.field.clone(),
                serde_json::Value::String(value.value.clone()),
            );
            added.push(value.clone());
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    fn primary() -> EffectiveCatalog {
        catalog().unwrap().effective("primary_secondary").unwrap()
    }

    fn resident() -> &'static IdType {
        catalog().unwrap().id_type("1").unwrap()
    }

    #[test]
    fn a_valid_resident_id_gives_the_birth_date_and_gender() {
        let values = id_derived_values(
            catalog().unwrap(),
            &primary(),
            resident(),
            "11010519491231002x",
        );
        let got: Vec<(&str, &str, &str)> = values
            .iter()
            .map(|v| (v.field.as_str(), v.value.as_str(), v.shown.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("birth_date", "1949-12-31", "1949-12-31"),
                ("gender", "2", "女")
            ]
        );
        assert_eq!(values[0].label, "出生日期");
    }

    #[test]
    fn an_invalid_resident_id_gives_nothing() {
        let values = id_derived_values(
            catalog().unwrap(),
            &primary(),
            resident(),
            "110105194912310021",
        );
        assert!(values.is_empty());
    }

    #[test]
    fn a_passport_number_gives_nothing() {
        let passport = catalog().unwrap().id_type("A").unwrap();
        let values = id_derived_values(
            catalog().unwrap(),
            &primary(),
            passport,
            "11010519491231002X",
        );
        assert!(values.is_empty());
    }

    #[test]
    fn only_empty_fields_are_filled() {
        let values = id_derived_values(
            catalog().unwrap(),
            &primary(),
            resident(),
            "11010519491231002X",
        );
        let mut fields = Fields::new();
        fields.insert("birth_date".into(), "1950-01-01".into());
        fields.insert("gender".into(), "".into());
        let added = fill_empty(&mut fields, &values);
        assert_eq!(fields["birth_date"], "1950-01-01");
        assert_eq!(fields["gender"], "2");
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].field, "gender");
    }
}
