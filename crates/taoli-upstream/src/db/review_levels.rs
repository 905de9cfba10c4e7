//! 逐级审核: which levels review a record, in turn. By default the county
//! alone decides (the national flow: 学校 → 县 审核 → 生效); a province may
//! have the city (and itself) review after the county. A record then waits
//! at each level in turn: the county's approval passes it up, the last
//! level's makes it take effect, and a return at any level goes back to
//! the school. A higher level may send a record back to the level below
//! (退回下级重审) with a reason. The school hears one decision only, the
//! final one, so `taoli-batch/1` needs nothing new.

use serde::Serialize;

use super::Db;
use super::console::{Actor, audit};
use super::sql::args;
use crate::error::{Error, Result};
use crate::org::Level;

const KEY: &str = "review_levels";

/// The levels that review, lowest first: always the county, then any of
/// city and province in that order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewLevels(pub Vec<Level>);

impl Default for ReviewLevels {
    fn default() -> ReviewLevels {
        ReviewLevels(vec![Level::County])
    }
}

impl ReviewLevels {
    /// Reads `county,city` (or 县,市 …).
    pub fn parse(text: &str) -> Result<ReviewLevels> {
        let levels: Vec<Level> = text
            .split([',', '，', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "county" | "县" => Ok(Level::County),
                "city" | "市" => Ok(Level::City),
                "province" | "省" => Ok(Level::Province),
                other => Err(Error::BadRequest(format!(
                    "审核级别「{other}」应为 county（县）、city（市）或 province（省）"
                ))),
            })
            .collect::<Result<_>>()?;
        let rank = |l: &Level| match l {
            Level::County => 0,
            Level::City => 1,
            Level::Province => 2,
        };
        let ascending = levels.windows(2).all(|w| match w {
            [a, b] => rank(a) < rank(b),
            _ => true,
        });
        if levels.first() != Some(&Level::County) || !ascending {
            return Err(Error::BadRequest(
                "审核级别应从县开始、由低到高，如 county 或 county,city".into(),
            ));
        }
        Ok(ReviewLevels(levels))
    }

    pub fn as_text(&self) -> String {
        self.0
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The level after `level`, if it is not the last.
    pub fn after(&self, level: Level) -> Option<Level> {
        let at = self.0.iter().position(|l| *l == level)?;
        self.0.get(at.saturating_add(1)).copied()
    }

    /// The level before `level`, if it is not the first.
    pub fn before(&self, level: Level) -> Option<Level> {
        let at = self.0.iter().position(|l| *l == level)?;
        at.checked_sub(1).and_then(|i| self.0.get(i)).copied()
    }
}

impl Db {
    /// The levels that review.
    pub fn review_levels(&self) -> Result<ReviewLevels> {
        let stored = self.read(|tx| {
            tx.query_opt(
                "SELECT value FROM upstream_setting WHERE key = $1",
                args![KEY],
            )
        })?;
        match stored {
            Some(row) => ReviewLevels::parse(&row.text(0)?),
            None => Ok(ReviewLevels::default()),
        }
    }

    /// Sets the levels that review (the operator's, at the command line).
    /// Records already past a level that is no longer reviewed stay where
    /// they are; those waiting at a level removed wait at the county.
    pub fn set_review_levels(&self, actor: &Actor, levels: &ReviewLevels) -> Result<()> {
        let text = levels.as_text();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO upstream_setting (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                args![KEY, &text],
            )?;
            let kept: Vec<&str> = levels.0.iter().map(|l| l.as_str()).collect();
            for level in ["city", "province"] {
                if !kept.contains(&level) {
                    tx.execute(
                        "UPDATE batch_record SET stage = NULL
                         WHERE status = 'pending' AND stage = $1",
                        args![level],
                    )?;
                }
            }
            audit(tx, actor, "设置审核级别", &text, "")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_start_at_the_county_and_rise() {
        assert_eq!(
            ReviewLevels::parse("county,city").unwrap().0,
            [Level::County, Level::City]
        );
        assert_eq!(ReviewLevels::parse("县，市，省").unwrap().0.len(), 3);
        assert!(ReviewLevels::parse("city").is_err());
        assert!(ReviewLevels::parse("county,province,city").is_err());
        assert!(ReviewLevels::parse("county,town").is_err());
    }

    #[test]
    fn a_level_knows_the_one_after_and_before_it() {
        let levels = ReviewLevels::parse("county,city").unwrap();
        assert_eq!(levels.after(Level::County), Some(Level::City));
        assert_eq!(levels.after(Level::City), None);
        assert_eq!(levels.before(Level::City), Some(Level::County));
        assert_eq!(levels.before(Level::County), None);
    }
}
