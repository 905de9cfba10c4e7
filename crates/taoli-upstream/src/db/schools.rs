//! 学校管理: the organisation tree's units, the schools registered under
//! their county, their enrollment codes and keys, as a console officer (or
//! the operator) manages them. Every change is audited.

use serde::Serialize;
use taoli_protocol as protocol;

use super::Db;
use super::console::{Actor, audit};
use super::sql::{Tx, args};
use crate::error::{Error, Result};
use crate::officer::Permission;
use crate::org::{self, Level, Region};

/// A school registered under its county.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SchoolEntry {
    pub code: String,
    pub name: String,
    pub county: String,
    pub county_name: String,
    /// Whether a key of the school is enrolled and not revoked.
    pub enrolled: bool,
    pub key_id: Option<String>,
    pub enrolled_at: Option<String>,
    /// Enrollment codes issued, not used, not revoked, not expired.
    pub open_codes: u64,
}

/// Adds `code`'s unit and every unit above it; the unit.
pub(crate) fn ensure_region(tx: &mut dyn Tx, code: &str) -> Result<&'static Region> {
    let unit = org::region(code).ok_or_else(|| Error::UnknownRegion(code.to_owned()))?;
    for region in org::lineage(code) {
        tx.execute(
            "INSERT INTO org_unit (code, name, level, parent) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO NOTHING",
            args![
                &region.code,
                &region.name,
                region.level.as_str(),
                region.parent.as_deref()
            ],
        )?;
    }
    Ok(unit)
}

impl Db {
    /// Registers `school` (10 digits) with `name` under the county
    /// `county`, or renames/moves it.
    pub fn register_school(
        &self,
        actor: &Actor,
        school: &str,
        name: &str,
        county: &str,
    ) -> Result<()> {
        actor.must(Permission::ManageSchools)?;
        if school.len() != 10 || !school.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidSchoolCode(school.to_owned()));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::SchoolNameMissing);
        }
        actor.must_cover(county)?;
        self.write(|tx| {
            let unit = ensure_region(tx, county)?;
            if unit.level != Level::County {
                return Err(Error::NotACounty(county.to_owned()));
            }
            tx.execute(
                "INSERT INTO school (code, name, county, registered_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, county = excluded.county",
                args![school, name, county, protocol::now()],
            )?;
            audit(
                tx,
                actor,
                "登记学校",
                school,
                &format!("{name}（{}）", unit.name),
            )
        })
    }

    /// The schools the actor sees, by county and code.
    pub fn schools(&self, actor: &Actor) -> Result<Vec<SchoolEntry>> {
        let pattern = actor.pattern();
        let now = protocol::now();
        let rows = self.read(|tx| {
            tx.query(
                "SELECT s.code, s.name, s.county, u.name,
                        (SELECT k.key_id FROM school_key k WHERE k.school = s.code
                           AND k.revoked_at IS NULL ORDER BY k.enrolled_at DESC LIMIT 1),
                        (SELECT k.enrolled_at FROM school_key k WHERE k.school = s.code
                           AND k.revoked_at IS NULL ORDER BY k.enrolled_at DESC LIMIT 1),
                        (SELECT count(*) FROM enrollment_code c WHERE c.school = s.code
                           AND c.used_at IS NULL AND c.revoked_at IS NULL AND c.expires_at > $2)
                 FROM school s JOIN org_unit u ON u.code = s.county
                 WHERE s.county LIKE $1 ORDER BY s.county, s.code",
                args![&pattern, &now],
            )
        })?;
        rows.iter()
            .map(|r| {
                let key_id = r.opt_text(4)?;
                Ok(SchoolEntry {
                    code: r.text(0)?,
                    name: r.text(1)?,
                    county: r.text(2)?,
                    county_name: r.text(3)?,
                    enrolled: key_id.is_some(),
                    key_id,
                    enrolled_at: r.opt_text(5)?,
                    open_codes: r.count(6)?,
                })
            })
            .collect()
    }

    /// The county of a registered school.
    pub(crate) fn county_of(tx: &mut dyn Tx, school: &str) -> Result<String> {
        tx.query_opt("SELECT county FROM school WHERE code = $1", args![school])?
            .ok_or_else(|| Error::SchoolNotRegistered(school.to_owned()))?
            .text(0)
    }

    /// Issues `school` an enrollment code from the console: the school must
    /// be registered in the officer's subtree. Audited.
    pub fn issue_code_as(&self, actor: &Actor, school: &str, valid_days: u32) -> Result<String> {
        actor.must(Permission::ManageSchools)?;
        let county = self.read(|tx| Db::county_of(tx, school))?;
        actor.must_cover(&county)?;
        let code = self.issue_enrollment_code(school, valid_days)?;
        self.write(|tx| {
            audit(
                tx,
                actor,
                "签发报送码",
                school,
                &format!("有效 {valid_days} 天"),
            )
        })?;
        Ok(code)
    }

    /// Revokes every open enrollment code of `school` (a code lost with its
    /// paper). Returns how many.
    pub fn revoke_codes(&self, actor: &Actor, school: &str) -> Result<u64> {
        actor.must(Permission::ManageSchools)?;
        self.write(|tx| {
            let county = Db::county_of(tx, school)?;
            actor.must_cover(&county)?;
            let n = tx.execute(
                "UPDATE enrollment_code SET revoked_at = $1
                 WHERE school = $2 AND used_at IS NULL AND revoked_at IS NULL",
                args![protocol::now(), school],
            )?;
            audit(tx, actor, "作废报送码", school, &format!("{n} 个"))?;
            Ok(n)
        })
    }

    /// Revokes the school's enrolled key (a lost or stolen PC): its batches
    /// are refused until it enrolls again with a new code.
    pub fn revoke_school_key(&self, actor: &Actor, school: &str) -> Result<u64> {
        actor.must(Permission::ManageSchools)?;
        self.write(|tx| {
            let county = Db::county_of(tx, school)?;
            actor.must_cover(&county)?;
            let n = tx.execute(
                "UPDATE school_key SET revoked_at = $1 WHERE school = $2 AND revoked_at IS NULL",
                args![protocol::now(), school],
            )?;
            audit(tx, actor, "停用学校密钥", school, &format!("{n} 个"))?;
            Ok(n)
        })
    }
}
