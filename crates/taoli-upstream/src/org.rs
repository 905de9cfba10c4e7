//! The organisation tree the console works in: province → city → county,
//! by GB/T 2260 administrative division code (行政区划代码), from the
//! region table the desktop app's catalog carries
//! (`crates/taoli-core/catalog/regions/regions.tsv`). Schools enroll under
//! their county; an officer of a unit sees the counties whose codes begin
//! with the unit's own (the province's first two digits, the city's first
//! four, the county's six).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const TABLE: &str = include_str!("../../taoli-core/catalog/regions/regions.tsv");

/// The level of a unit of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    City,
    County,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "province" => Some(Level::Province),
            "city" => Some(Level::City),
            "county" => Some(Level::County),
            _ => None,
        }
    }

    /// 省 / 市 / 县.
    pub fn label(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县",
        }
    }

    /// How many leading digits of a county's code its units share.
    fn prefix_len(self) -> usize {
        match self {
            Level::Province => 2,
            Level::City => 4,
            Level::County => 6,
        }
    }
}

/// A unit of the region table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<String>,
}

fn table() -> &'static HashMap<String, Region> {
    static REGIONS: OnceLock<HashMap<String, Region>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        TABLE
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut cols = line.split('\t');
                let code = cols.next()?.to_owned();
                let name = cols.next()?.to_owned();
                let level = match cols.next()? {
                    "1" => Level::Province,
                    "2" => Level::City,
                    "3" => Level::County,
                    _ => return None,
                };
                let parent = cols.next().filter(|p| !p.is_empty()).map(str::to_owned);
                Some((
                    code.clone(),
                    Region {
                        code,
                        name,
                        level,
                        parent,
                    },
                ))
            })
            .collect()
    })
}

/// The unit with `code`, if the table has it.
pub fn region(code: &str) -> Option<&'static Region> {
    table().get(code)
}

/// `code`'s unit and every unit above it, the province first.
pub fn lineage(code: &str) -> Vec<&'static Region> {
    let mut chain = Vec::new();
    let mut next = region(code);
    while let Some(unit) = next {
        chain.push(unit);
        next = unit.parent.as_deref().and_then(region);
    }
    chain.reverse();
    chain
}

/// What a `LIKE` matches of the county codes under the unit `code` of
/// `level`: its leading digits and `%`.
pub fn scope_pattern(code: &str, level: Level) -> String {
    let prefix: String = code.chars().take(level.prefix_len()).collect();
    format!("{prefix}%")
}

/// Whether the unit `code` of `level` covers the county `county`.
pub fn covers(code: &str, level: Level, county: &str) -> bool {
    let prefix: String = code.chars().take(level.prefix_len()).collect();
    county.starts_with(&prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_has_its_city_and_province_above_it() {
        let chain: Vec<&str> = lineage("510722").iter().map(|r| r.code.as_str()).collect();
        assert_eq!(chain, ["510000", "510700", "510722"]);
        assert_eq!(region("510722").map(|r| r.level), Some(Level::County));
    }

    #[test]
    fn a_district_of_a_municipality_sits_directly_under_it() {
        let chain: Vec<&str> = lineage("110101").iter().map(|r| r.code.as_str()).collect();
        assert_eq!(chain, ["110000", "110101"]);
        assert!(covers("110000", Level::Province, "110101"));
    }

    #[test]
    fn a_city_covers_its_counties_and_not_its_neighbours() {
        assert!(covers("510700", Level::City, "510722"));
        assert!(!covers("510700", Level::City, "510801"));
        assert_eq!(scope_pattern("510700", Level::City), "5107%");
    }
}
