//! Identity document numbers (身份证件号): cleaning and checking.
//!
//! 居民身份证 numbers follow GB 11643-1999: six digits of region, the birth date
//! as YYYYMMDD, a three-digit sequence (odd for men) and a check character
//! computed by ISO 7064 MOD 11-2.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use crate::catalog::{IdNumberForm, IdType};
use crate::error::messages::{self, Locale};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
const GENERAL_MAX_LEN: usize = 18;

/// The gender a resident ID number encodes in its 17th digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdGender {
    Male,
    Female,
}

/// What a valid resident ID number says about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResidentId {
    pub birth_date: NaiveDate,
    pub gender: IdGender,
}

/// Cleans what clerks and spreadsheets do to ID numbers: surrounding and inner
/// spaces, a leading apostrophe (Excel's text marker), full-width characters and
/// a lower-case x.
pub fn normalize(raw: &str) -> String {
    crate::text::to_half_width(raw)
        .trim()
        .trim_start_matches(['\'', '‘', '’'])
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The check character for the first 17 digits of a resident ID number.
/// Returns `None` when the input is not 17 ASCII digits.
pub fn check_character(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // At most 17 × 9 × 10: no overflow, and `% 11` picks one of the 11 characters.
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.saturating_sub(b'0')).saturating_mul(w))
        .fold(0, u32::saturating_add);
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// What is wrong with an ID number: said in the clerk's language from the
/// message catalogs (`id_number.*` keys), Chinese by `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    Empty,
    /// A 15-digit first-generation resident ID.
    OldResidentId,
    ResidentIdLength {
        len: usize,
    },
    NotADigit {
        position: usize,
        found: char,
    },
    BirthDate {
        date: String,
    },
    CheckCharacter {
        expected: char,
        found: char,
    },
    TaiwanPermit {
        id: String,
    },
    ForeignPermanentResidence {
        id: String,
    },
    TooLong {
        max: usize,
        len: usize,
    },
    Character {
        found: char,
    },
}

impl IdProblem {
    /// Its message's key in the catalogs.
    pub fn key(&self) -> &'static str {
        match self {
            IdProblem::Empty => "id_number.empty",
            IdProblem::OldResidentId => "id_number.old_resident_id",
            IdProblem::ResidentIdLength { .. } => "id_number.resident_id_length",
            IdProblem::NotADigit { .. } => "id_number.not_a_digit",
            IdProblem::BirthDate { .. } => "id_number.birth_date",
            IdProblem::CheckCharacter { .. } => "id_number.check_character",
            IdProblem::TaiwanPermit { .. } => "id_number.taiwan_permit",
            IdProblem::ForeignPermanentResidence { .. } => "id_number.foreign_permanent_residence",
            IdProblem::TooLong { .. } => "id_number.too_long",
            IdProblem::Character { .. } => "id_number.character",
        }
    }

    /// Its message's arguments, by the names its templates use.
    pub fn arguments(&self) -> Vec<(&'static str, String)> {
        match self {
            IdProblem::Empty | IdProblem::OldResidentId => vec![],
            IdProblem::ResidentIdLength { len } => vec![("len", len.to_string())],
            IdProblem::NotADigit { position, found } => vec![
                ("position", position.to_string()),
                ("found", found.to_string()),
            ],
            IdProblem::BirthDate { date } => vec![("date", date.clone())],
            IdProblem::CheckCharacter { expected, found } => vec![
                ("expected", expected.to_string()),
                ("found", found.to_string()),
            ],
            IdProblem::TaiwanPermit { id } | IdProblem::ForeignPermanentResidence { id } => {
                vec![("id", id.clone())]
            }
            IdProblem::TooLong { max, len } => {
                vec![("max", max.to_string()), ("len", len.to_string())]
            }
            IdProblem::Character { found } => vec![("found", found.to_string())],
        }
    }

    /// The sentence in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        messages::render(locale, self.key(), &self.arguments())
    }
}

impl std::fmt::Display for IdProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Locale::ZhCn))
    }
}

/// Checks a normalized resident ID number and reads the birth date and gender.
pub fn check_resident_id(id: &str) -> Result<ResidentId, IdProblem> {
    let len = id.chars().count();
    if len == 15 && id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdProblem::OldResidentId);
    }
    if len != 18 {
        return Err(IdProblem::ResidentIdLength { len });
    }
    if let Some((pos, c)) = id
        .chars()
        .take(17)
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(IdProblem::NotADigit {
            position: pos.saturating_add(1),
            found: c,
        });
    }
    // The first 17 characters are ASCII digits (checked above), so these
    // byte ranges fall on character boundaries; `get` keeps that a non-panic
    // even if the check above ever changes.
    let date = id.get(6..14).unwrap_or_default();
    let birth_date =
        NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| IdProblem::BirthDate {
            date: date.to_owned(),
        })?;
    let found = id.chars().nth(17).unwrap_or(' ');
    let expected = id.get(..17).and_then(check_character).unwrap_or('?');
    if found != expected {
        return Err(IdProblem::CheckCharacter { expected, found });
    }
    let sequence_digit = id.chars().nth(16).and_then(|c| c.to_digit(10)).unwrap_or(0);
    let gender = if sequence_digit % 2 == 1 {
        IdGender::Male
    } else {
        IdGender::Female
    };
    Ok(ResidentId { birth_date, gender })
}

/// Checks a normalized number against the form its document type requires.
pub fn check(id_type: &IdType, id: &str) -> Result<(), IdProblem> {
    if id.is_empty() {
        return Err(IdProblem::Empty);
    }
    match id_type.form {
        IdNumberForm::ResidentId => check_resident_id(id).map(|_| ()),
        IdNumberForm::TaiwanPermit => {
            let len = id.chars().count();
            if !id.bytes().all(|b| b.is_ascii_digit()) || (len != 8 && len != 10) {
                return Err(IdProblem::TaiwanPermit { id: id.to_owned() });
            }
            Ok(())
        }
        IdNumberForm::ForeignPermanentResidence => {
            // Byte positions are only compared once the whole number is
            // known to be ASCII: a multi-byte character never reaches a slice.
            let chars: Vec<char> = id.chars().collect();
            let old_form = chars.len() == 15
                && chars.iter().take(3).all(char::is_ascii_uppercase)
                && chars.iter().skip(3).all(char::is_ascii_digit);
            let new_form = chars.len() == 18
                && chars.first() == Some(&'9')
                && id
                    .get(..17)
                    .and_then(check_character)
                    .is_some_and(|c| chars.last() == Some(&c));
            if old_form || new_form {
                Ok(())
            } else {
                Err(IdProblem::ForeignPermanentResidence { id: id.to_owned() })
            }
        }
        IdNumberForm::General => {
            let len = id.chars().count();
            if len > GENERAL_MAX_LEN {
                return Err(IdProblem::TooLong {
                    max: GENERAL_MAX_LEN,
                    len,
                });
            }
            if let Some(c) = id.chars().find(|c| !c.is_ascii_alphanumeric() && *c != '-') {
                return Err(IdProblem::Character { found: c });
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_permanent_residence_number_ending_in_a_chinese_character() {
        // 15 ASCII digits and one three-byte character: 18 bytes, as long
        // as a valid new-form number, which once sliced inside the character.
        let id_type = crate::catalog::catalog()
            .unwrap()
            .id_types()
            .iter()
            .find(|t| t.form == IdNumberForm::ForeignPermanentResidence)
            .cloned()
            .unwrap();
        assert!(check(&id_type, "900000000000000中").is_err());
    }

    #[test]
    fn refuses_a_resident_id_whose_check_character_is_chinese() {
        let error = check_resident_id("11010519491231002中").unwrap_err();
        assert!(error.to_string().contains("校验码"), "{error}");
    }

    #[test]
    fn computes_the_standard_example_check_character() {
        // The worked example of GB 11643-1999.
        assert_eq!(check_character("11010519491231002"), Some('X'));
    }

    #[test]
    fn accepts_a_valid_number_and_reads_date_and_gender() {
        let id = check_resident_id("11010519491231002X").unwrap();
        assert_eq!(
            id.birth_date,
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.gender, IdGender::Female);
    }

    #[test]
    fn names_expected_and_found_check_character() {
        let err = check_resident_id("110105194912310020").unwrap_err();
        assert_eq!(
            err,
            IdProblem::CheckCharacter {
                expected: 'X',
                found: '0'
            }
        );
        assert_eq!(err.to_string(), "第18位校验码应为 X，实为 0。");
    }

    #[test]
    fn refuses_an_impossible_date() {
        let err = check_resident_id("110105194902300021").unwrap_err();
        assert!(err.to_string().contains("不是有效日期"), "{err}");
    }

    #[test]
    fn refuses_an_old_fifteen_digit_number() {
        let err = check_resident_id("110105491231002").unwrap_err();
        assert_eq!(err, IdProblem::OldResidentId);
        assert!(err.to_string().contains("15 位"), "{err}");
    }

    fn id_type(code: &str) -> IdType {
        crate::catalog::catalog()
            .unwrap()
            .id_type(code)
            .unwrap()
            .clone()
    }

    #[test]
    fn taiwan_permits_have_eight_or_ten_digits() {
        assert!(check(&id_type("8"), "12345678").is_ok());
        assert!(check(&id_type("8"), "1234567890").is_ok());
        assert!(check(&id_type("8"), "1234567").is_err());
    }

    #[test]
    fn foreign_permanent_residence_cards_take_both_forms() {
        assert!(check(&id_type("9"), "USA123456789012").is_ok());
        let first17 = "91011019800101123";
        let new = format!("{first17}{}", check_character(first17).unwrap());
        assert!(check(&id_type("9"), &new).is_ok());
        assert!(check(&id_type("9"), "911011019800101120X").is_err());
        assert!(check(&id_type("9"), "US1234567890123").is_err());
    }

    #[test]
    fn normalize_cleans_spreadsheet_damage() {
        assert_eq!(normalize(" '11010519491231002x "), "11010519491231002X");
        assert_eq!(
            normalize("１１０１０５ 19491231002ｘ"),
            "11010519491231002X"
        );
    }
}
