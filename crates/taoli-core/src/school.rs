//! The school (学校): its identity and the school type that decides what it reports.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{IndicatorSet, SchoolTypeScope, catalog};
use crate::error::Result;
use crate::error::SchoolError;

const NAME_MAX_CHARS: usize = 100;

/// What a clerk gives to set up a school file.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewSchool {
    /// 学校标识码: ten digits issued by the education authorities.
    pub code: String,
    /// 学校名称.
    pub name: String,
    /// 办学类型代码.
    pub school_type: String,
    /// 县级行政区划代码 (six digits), from which the province and city codes follow.
    #[serde(default)]
    pub region_code: Option<String>,
}

/// A school as stored, with what the catalog says about its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct School {
    pub code: String,
    pub name: String,
    pub school_type: String,
    /// The school type's name, when the catalog knows the code.
    pub school_type_name: Option<String>,
    /// The indicator set the school reports against.
    pub indicator_set: Option<IndicatorSet>,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A [`NewSchool`] whose every field has been checked and normalized.
#[derive(Debug, Clone)]
pub(crate) struct ValidNewSchool {
    pub code: String,
    pub name: String,
    pub school_type: String,
    pub province_code: Option<String>,
    pub city_code: Option<String>,
    pub county_code: Option<String>,
}

impl NewSchool {
    pub(crate) fn validate(&self) -> Result<ValidNewSchool> {
        let code = crate::text::to_half_width(self.code.trim());
        if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SchoolError::InvalidSchoolCode(self.code.trim().to_owned()).into());
        }
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            return Err(SchoolError::EmptySchoolName.into());
        }
        let len = name.chars().count();
        if len > NAME_MAX_CHARS {
            return Err(SchoolError::SchoolNameTooLong {
                len,
                max: NAME_MAX_CHARS,
            }
            .into());
        }
        let school_type = catalog()?
            .collected_school_type(&self.school_type)?
            .code
            .clone();
        let (province_code, city_code, county_code) = match self
            .region_code
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => (None, None, None),
            Some(region) => {
                let region = crate::text::to_half_width(region);
                if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(SchoolError::InvalidRegionCode(region).into());
                }
                (
                    region.get(..2).map(|province| format!("{province}0000")),
                    region.get(..4).map(|city| format!("{city}00")),
                    Some(region),
                )
            }
        };
        Ok(ValidNewSchool {
            code,
            name,
            school_type,
            province_code,
            city_code,
            county_code,
        })
    }
}

impl School {
    pub(crate) fn describe_type(school_type: &str) -> (Option<String>, Option<IndicatorSet>) {
        let Ok(catalog) = catalog() else {
            return (None, None);
        };
        match catalog.school_type(school_type) {
            Some(t) => {
                let set = match &t.scope {
                    SchoolTypeScope::In { set } => Some(set.clone()),
                    SchoolTypeScope::Out { .. } => None,
                };
                (Some(t.name.clone()), set)
            }
            None => (None, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn school(code: &str, school_type: &str) -> NewSchool {
        NewSchool {
            code: code.into(),
            name: "  桃李镇中心小学 ".into(),
            school_type: school_type.into(),
            region_code: Some("510722".into()),
        }
    }

    #[test]
    fn region_code_gives_province_and_city() {
        let valid = school("2151012345", "211").validate().unwrap();
        assert_eq!(valid.province_code.as_deref(), Some("510000"));
        assert_eq!(valid.city_code.as_deref(), Some("510700"));
        assert_eq!(valid.name, "桃李镇中心小学");
    }

    #[test]
    fn school_code_must_be_ten_digits() {
        for bad in ["215101234", "21510123456", "21510A2345", ""] {
            let err = school(bad, "211").validate().unwrap_err();
            assert!(
                matches!(err, Error::School(SchoolError::InvalidSchoolCode(_))),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn full_width_school_code_is_accepted() {
        let valid = school("２１５１０１２３４５", "211").validate().unwrap();
        assert_eq!(valid.code, "2151012345");
    }
}
