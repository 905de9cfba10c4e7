//! Teachers (教师): identity as the national system keys it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{IdType, catalog};
use crate::error::TeacherError;
use crate::error::{Error, Locale, Result, Worded};
use crate::id_number;

/// 姓名 holds at most this many characters (reference §3).
pub const NAME_MAX_CHARS: usize = 20;

/// The 基本信息 fields kept on the teacher row itself rather than in a record
/// (姓名, 身份证件类型, 身份证件号), in the order sheets and forms show them.
pub const IDENTITY_FIELDS: [&str; 3] = ["name", "id_type", "id_number"];

/// Whether `group.field` is one of the [`IDENTITY_FIELDS`].
pub fn is_identity_field(group: &str, field: &str) -> bool {
    group == crate::catalog::BASIC_GROUP && IDENTITY_FIELDS.contains(&field)
}

/// What a clerk gives to register a teacher.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewTeacher {
    /// 姓名.
    pub name: String,
    /// 身份证件类型 code (or its name), e.g. `1` for 居民身份证.
    pub id_type: String,
    /// 身份证件号.
    pub id_number: String,
}

/// A teacher as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Teacher {
    /// Stable internal id; never shown to clerks.
    pub id: String,
    pub name: String,
    pub id_type: String,
    pub id_type_name: String,
    pub id_number: String,
    #[ts(type = "number")]
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A [`NewTeacher`] checked and normalized.
#[derive(Debug, Clone)]
pub(crate) struct ValidNewTeacher {
    pub name: String,
    pub id_type: &'static IdType,
    pub id_number: String,
}

impl NewTeacher {
    pub(crate) fn validate(&self) -> Result<ValidNewTeacher> {
        let name = crate::text::normalize_person_name(&self.name);
        if name.is_empty() {
            return Err(TeacherError::EmptyTeacherName.into());
        }
        invisible_characters(&name)?;
        let len = name.chars().count();
        if len > NAME_MAX_CHARS {
            return Err(TeacherError::TeacherNameTooLong {
                name: crate::text::excerpt(&name, NAME_MAX_CHARS),
                len,
                max: NAME_MAX_CHARS,
            }
            .into());
        }
        let id_type = catalog()?.id_type(&self.id_type)?;
        let id_number = id_number::normalize(&self.id_number);
        id_number::check(id_type, &id_number).map_err(|problem| {
            Error::Teacher(TeacherError::InvalidIdNumber {
                id_number: crate::text::excerpt(&id_number, 40),
                problem,
            })
        })?;
        Ok(ValidNewTeacher {
            name,
            id_type,
            id_number,
        })
    }
}

/// Refuses a name holding control characters, bidirectional overrides,
/// zero-width characters or U+FFFD (see [`crate::text::invisible_kind`]):
/// they make a name display as something else (a roster cell 「王\u{202E}五六」
/// shows as 王六五), or hide in it so that two teachers' names look the same.
fn invisible_characters(name: &str) -> Result<()> {
    let mut found: Vec<char> = name
        .chars()
        .filter(|&c| crate::text::invisible_kind(c).is_some())
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    found.dedup();
    let shown: String = name
        .chars()
        .map(|c| match crate::text::invisible_kind(c) {
            Some(_) => format!("[U+{:04X}]", c as u32),
            None => c.to_string(),
        })
        .collect();
    let chars = Worded::list(|locale| {
        found.iter().map(move |&c| {
            let kind = crate::text::invisible_kind(c).unwrap_or_default();
            let kind = crate::error::messages::word(locale, "invisible", kind);
            format!("U+{:04X} {kind}", c as u32)
        })
    });
    Err(TeacherError::InvalidTeacherName {
        name: crate::text::excerpt(&shown, 60),
        chars: Box::new(chars),
    }
    .into())
}

/// What is wrong with an ID number for a document type, as the clerk types it,
/// said in `locale` (`None` when it is acceptable). The same check
/// [`NewTeacher`] applies on save.
pub fn id_number_problem(id_type: &str, raw: &str, locale: Locale) -> Result<Option<String>> {
    let id_type = catalog()?.id_type(id_type)?;
    Ok(id_number::check(id_type, &id_number::normalize(raw))
        .err()
        .map(|problem| problem.message(locale)))
}

pub(crate) fn id_type_name(code: &str) -> String {
    catalog()
        .ok()
        .and_then(|c| c.id_types().iter().find(|t| t.code == code))
        .map_or_else(|| code.to_owned(), |t| t.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str, id_type: &str, id_number: &str) -> NewTeacher {
        NewTeacher {
            name: name.into(),
            id_type: id_type.into(),
            id_number: id_number.into(),
        }
    }

    #[test]
    fn resident_id_is_normalized_and_checked() {
        let valid = new("张 三", "1", "11010519491231002x").validate().unwrap();
        assert_eq!(valid.id_number, "11010519491231002X");
        assert_eq!(valid.name, "张三");
    }

    #[test]
    fn bad_check_character_is_refused_with_the_expected_one() {
        let err = new("张三", "1", "110105194912310021")
            .validate()
            .unwrap_err();
        assert!(
            err.to_string().contains("第18位校验码应为 X，实为 1"),
            "{err}"
        );
    }

    #[test]
    fn passport_numbers_take_letters() {
        let valid = new("John Smith", "A", "e1234567").validate().unwrap();
        assert_eq!(valid.id_number, "E1234567");
    }

    #[test]
    fn id_number_problem_names_the_expected_check_character() {
        let problem = id_number_problem("1", "110105194912310020", Locale::ZhCn).unwrap();
        assert_eq!(problem.as_deref(), Some("第18位校验码应为 X，实为 0。"));
        let valid = id_number_problem("1", "11010519491231002x", Locale::ZhCn).unwrap();
        assert_eq!(valid, None);
    }

    #[test]
    fn id_number_problem_is_said_in_the_locale_asked_for() {
        let problem = id_number_problem("1", "110105194912310020", Locale::En).unwrap();
        assert_eq!(
            problem.as_deref(),
            Some("The check character (the 18th) should be X, not 0.")
        );
    }

    #[test]
    fn empty_name_is_refused() {
        let err = new("  ", "1", "11010519491231002X").validate().unwrap_err();
        assert!(matches!(
            err,
            Error::Teacher(TeacherError::EmptyTeacherName)
        ));
    }

    #[test]
    fn overlong_name_is_refused() {
        let err = new(&"张".repeat(21), "1", "11010519491231002X")
            .validate()
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Teacher(TeacherError::TeacherNameTooLong { len: 21, .. })
        ));
    }
}
