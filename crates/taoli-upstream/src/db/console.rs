//! The store of the county's console: the organisation tree and the schools
//! registered in it, officers and their sessions, the audit log, what is in
//! effect for each teacher, progress against a deadline, and the review
//! queue. Every officer action is audited in the transaction that does it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Map, Value as Json};
use taoli_protocol::{self as protocol, Change, ChangeOp, Decision, MAX_REASON_CHARS};

use super::sql::{Row, Tx, args};
use super::{Db, code_hash, review_in};
use crate::error::{Error, Result};
use crate::officer::{self, Officer, Permission, Role};
use crate::org::{self, Level, Region};

/// Who did something, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub officer: Option<Officer>,
    /// The username typed (a failed sign-in) or the officer's.
    pub username: String,
    /// The client's address, as the server saw it.
    pub address: String,
}

impl Actor {
    pub fn officer(officer: &Officer, address: &str) -> Actor {
        Actor {
            officer: Some(officer.clone()),
            username: officer.username.clone(),
            address: address.to_owned(),
        }
    }

    /// The operator at the server's own command line.
    pub fn operator() -> Actor {
        Actor {
            officer: None,
            username: "（命令行）".into(),
            address: "localhost".into(),
        }
    }

    /// Refuses what the officer's role does not allow.
    pub fn must(&self, permission: Permission) -> Result<()> {
        match &self.officer {
            None => Ok(()),
            Some(o) if o.role.may(permission) => Ok(()),
            Some(o) => Err(Error::Forbidden {
                role: o.role.label().into(),
                needs: permission.needs().into(),
            }),
        }
    }

    /// Refuses a school outside the officer's subtree.
    pub(crate) fn must_cover(&self, county: &str) -> Result<()> {
        match &self.officer {
            Some(o) if !org::covers(&o.org, o.level, county) => Err(Error::OutsideScope {
                org: o.org_name.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// The `LIKE` pattern of the counties the actor sees.
    pub(crate) fn pattern(&self) -> String {
        match &self.officer {
            Some(o) => org::scope_pattern(&o.org, o.level),
            None => "%".into(),
        }
    }
}

pub(crate) fn audit(
    tx: &mut dyn Tx,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<()> {
    let (id, org) = match &actor.officer {
        Some(o) => (Some(o.id), Some(o.org.clone())),
        None => (None, None),
    };
    tx.execute(
        "INSERT INTO officer_audit (at, officer, username, org, action, target, detail, address)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![
            protocol::now(),
            id,
            &actor.username,
            org,
            action,
            target,
            detail,
            &actor.address
        ],
    )?;
    Ok(())
}

/// A school registered under its county.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// An officer, as the accounts page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficerEntry {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org: String,
    pub org_name: String,
    pub role: Role,
    pub role_label: String,
    pub locked: bool,
    pub disabled: bool,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditLine {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub org: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub address: String,
}

/// A new session's secrets: the cookie's token and the CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSecrets {
    pub token: String,
    pub csrf: String,
}

/// The reporting period the progress page measures: from `opens` to the
/// deadline, with `grace_days` after it still on time (DHIS2's
/// `timelyDays`). Dates are China's (UTC+8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub opens: NaiveDate,
    pub deadline: NaiveDate,
    pub grace_days: u32,
}

impl Period {
    /// The period of the national deadlines (31 March, 30 September) that
    /// `today` falls in or before.
    pub fn current(today: NaiveDate, grace_days: u32) -> Period {
        use chrono::Datelike;
        let year = today.year();
        let march = NaiveDate::from_ymd_opt(year, 3, 31);
        let september = NaiveDate::from_ymd_opt(year, 9, 30);
        let deadline = match (march, september) {
            (Some(m), _) if today <= m => m,
            (_, Some(s)) if today <= s => s,
            _ => NaiveDate::from_ymd_opt(year.saturating_add(1), 3, 31).unwrap_or(today),
        };
        Period::ending(deadline, grace_days)
    }

    /// The period that ends on `deadline`: it opens the day after the
    /// deadline six months before.
    pub fn ending(deadline: NaiveDate, grace_days: u32) -> Period {
        let before = deadline
            .checked_sub_months(chrono::Months::new(6))
            .and_then(|d| d.checked_add_signed(Duration::days(1)))
            .unwrap_or(deadline);
        Period {
            opens: before,
            deadline,
            grace_days,
        }
    }

    fn china_midnight(date: NaiveDate) -> String {
        let at = date
            .and_hms_opt(0, 0, 0)
            .map(|t| shifted(t.and_utc(), Duration::hours(-8)))
            .unwrap_or_else(Utc::now);
        protocol::timestamp(at)
    }

    /// When the period opens, as the protocol's timestamps are written.
    fn opens_at(&self) -> String {
        Period::china_midnight(self.opens)
    }

    /// The last moment that is on time: the end of the deadline's day plus
    /// the grace days.
    fn due_at(&self) -> String {
        let day = self
            .deadline
            .checked_add_signed(Duration::days(i64::from(self.grace_days).saturating_add(1)))
            .unwrap_or(self.deadline);
        Period::china_midnight(day)
    }
}

/// A school's progress in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolProgress {
    pub code: String,
    pub name: String,
    pub county: String,
    pub county_name: String,
    pub city: String,
    pub city_name: String,
    pub enrolled: bool,
    /// When the last batch arrived, ever.
    pub last_batch_at: Option<String>,
    /// Received in the period: at least one batch.
    pub reported: bool,
    /// Its first batch of the period arrived by the deadline plus grace.
    pub on_time: bool,
    pub records_received: u64,
    pub accepted: u64,
    pub returned: u64,
    pub pending: u64,
}

/// Progress rolled up for one unit (a county or a city).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitProgress {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub expected: u64,
    pub enrolled: u64,
    pub reported: u64,
    pub on_time: u64,
    /// DHIS2's REPORTING_RATE: reported / expected, in percent.
    pub reporting_rate: f64,
    /// DHIS2's REPORTING_RATE_ON_TIME: on time / expected, in percent.
    pub on_time_rate: f64,
    pub records_received: u64,
    pub accepted: u64,
    pub returned: u64,
    pub pending: u64,
}

/// The progress page: every school of the subtree and the roll-ups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub period: Period,
    pub schools: Vec<SchoolProgress>,
    pub counties: Vec<UnitProgress>,
    pub cities: Vec<UnitProgress>,
    pub total: UnitProgress,
}

/// One value of a change, by indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub label: String,
    /// In effect upstream before (None: nothing yet).
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A record waiting for review, readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueItem {
    pub school: String,
    pub school_name: String,
    pub batch_id: String,
    pub sequence: u64,
    pub received_at: String,
    pub record: String,
    pub op: String,
    pub op_label: String,
    pub teacher_id: String,
    pub teacher_name: Option<String>,
    pub group: Option<String>,
    pub group_label: Option<String>,
    pub reason: Option<String>,
    pub changes: Vec<FieldChange>,
}

/// A page of the review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// One record of a bulk decision that was not made, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotDecided {
    pub batch_id: String,
    pub record: String,
    pub why: String,
}

/// What a bulk decision did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decided {
    pub decided: u64,
    pub not_decided: Vec<NotDecided>,
}

/// A record to decide: its batch and id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct RecordRef {
    pub batch_id: String,
    pub record: String,
}

fn officer_from(row: &Row) -> Result<Officer> {
    // id, username, display_name, org, role, level, name
    let level = Level::parse(&row.text(5)?).unwrap_or(Level::County);
    Ok(Officer {
        id: row.int(0)?,
        username: row.text(1)?,
        display_name: row.text(2)?,
        org: row.text(3)?,
        org_name: row.text(6)?,
        level,
        role: Role::parse(&row.text(4)?).unwrap_or(Role::InfoQuery),
    })
}

const OFFICER_COLUMNS: &str = "o.id, o.username, o.display_name, o.org, o.role, u.level, u.name";

/// Adds `code`'s unit and every unit above it; the unit.
fn ensure_region(tx: &mut dyn Tx, code: &str) -> Result<&'static Region> {
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

    /// Adds an officer account at the unit `org`. The first account (no
    /// officer yet) may be added only by the operator.
    pub fn add_officer(
        &self,
        actor: &Actor,
        username: &str,
        display_name: &str,
        org_code: &str,
        role: Role,
        password: &str,
    ) -> Result<i64> {
        actor.must(Permission::ManageOfficers)?;
        let username = username.trim();
        if username.is_empty()
            || username.chars().count() > 32
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            return Err(Error::InvalidUsername(username.to_owned()));
        }
        officer::check_password(username, password)?;
        if let Some(o) = &actor.officer
            && !org::covers(&o.org, o.level, org_code)
        {
            return Err(Error::OutsideScope {
                org: o.org_name.clone(),
            });
        }
        let hash = officer::hash_password(password)?;
        self.write(|tx| {
            let unit = ensure_region(tx, org_code)?;
            let taken = tx.query_opt(
                "SELECT id FROM officer WHERE username = $1",
                args![username],
            )?;
            if taken.is_some() {
                return Err(Error::UsernameTaken(username.to_owned()));
            }
            let id = tx
                .query_one(
                    "INSERT INTO officer (username, display_name, org, role, password_hash, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    args![
                        username,
                        display_name.trim(),
                        org_code,
                        role.as_str(),
                        &hash,
                        protocol::now()
                    ],
                )?
                .int(0)?;
            audit(
                tx,
                actor,
                "新建账号",
                username,
                &format!("{}，{}{}", role.label(), unit.name, unit.level.label()),
            )?;
            Ok(id)
        })
    }

    /// Sets an officer's password and unlocks the account.
    pub fn reset_password(&self, actor: &Actor, username: &str, password: &str) -> Result<()> {
        actor.must(Permission::ManageOfficers)?;
        officer::check_password(username, password)?;
        let hash = officer::hash_password(password)?;
        self.write(|tx| {
            let row = tx
                .query_opt(
                    "SELECT org FROM officer WHERE username = $1",
                    args![username],
                )?
                .ok_or_else(|| Error::UnknownOfficer(username.to_owned()))?;
            if let Some(o) = &actor.officer
                && !org::covers(&o.org, o.level, &row.text(0)?)
            {
                return Err(Error::OutsideScope {
                    org: o.org_name.clone(),
                });
            }
            tx.execute(
                "UPDATE officer SET password_hash = $1, failed_attempts = 0, locked_until = NULL
                 WHERE username = $2",
                args![&hash, username],
            )?;
            // Every session of the account ends with the old password.
            tx.execute(
                "DELETE FROM officer_session WHERE officer IN
                   (SELECT id FROM officer WHERE username = $1)",
                args![username],
            )?;
            audit(tx, actor, "重设密码", username, "并解除锁定")
        })
    }

    /// The accounts of the actor's subtree.
    pub fn officers(&self, actor: &Actor) -> Result<Vec<OfficerEntry>> {
        actor.must(Permission::ManageOfficers)?;
        let pattern = actor.pattern();
        let now = protocol::now();
        let rows = self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {OFFICER_COLUMNS}, o.locked_until, o.disabled_at FROM officer o
                     JOIN org_unit u ON u.code = o.org
                     WHERE o.org LIKE $1 ORDER BY o.org, o.username"
                ),
                args![&pattern],
            )
        })?;
        rows.iter()
            .map(|r| {
                let o = officer_from(r)?;
                Ok(OfficerEntry {
                    id: o.id,
                    username: o.username,
                    display_name: o.display_name,
                    org: o.org,
                    org_name: o.org_name,
                    role: o.role,
                    role_label: o.role.label().into(),
                    locked: r.opt_text(7)?.is_some_and(|until| until > now),
                    disabled: r.opt_text(8)?.is_some(),
                })
            })
            .collect()
    }

    /// Signs an officer in: the password checked against its Argon2id hash,
    /// [`officer::LOCK_AFTER_FAILURES`] failures in a row locking the
    /// account for [`officer::LOCK_MINUTES`]. Every attempt is audited.
    pub fn sign_in(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> Result<(Officer, SessionSecrets)> {
        let username = username.trim();
        let found = self.read(|tx| {
            tx.query_opt(
                &format!(
                    "SELECT {OFFICER_COLUMNS}, o.password_hash, o.locked_until, o.disabled_at
                     FROM officer o JOIN org_unit u ON u.code = o.org WHERE o.username = $1"
                ),
                args![username],
            )
        })?;
        let typed = Actor {
            officer: None,
            username: username.to_owned(),
            address: address.to_owned(),
        };
        let Some(row) = found else {
            // As long as a known name takes, so a name cannot be probed.
            officer::verify_password(password, officer::decoy_hash());
            self.write(|tx| audit(tx, &typed, "登录失败", username, "无此用户名"))?;
            return Err(Error::SignInFailed);
        };
        let found = officer_from(&row)?;
        let now = protocol::now();
        if row.opt_text(9)?.is_some() {
            self.write(|tx| audit(tx, &typed, "登录失败", username, "账号已停用"))?;
            return Err(Error::AccountDisabled);
        }
        if let Some(until) = row.opt_text(8)?.filter(|until| *until > now) {
            self.write(|tx| audit(tx, &typed, "登录失败", username, "账号锁定中"))?;
            return Err(Error::AccountLocked {
                until: china_time(&until),
            });
        }
        if !officer::verify_password(password, &row.text(7)?) {
            let locked = self.write(|tx| {
                let failures = tx
                    .query_one(
                        "UPDATE officer SET failed_attempts = failed_attempts + 1
                         WHERE id = $1 RETURNING failed_attempts",
                        args![found.id],
                    )?
                    .int(0)?;
                let lock = failures >= officer::LOCK_AFTER_FAILURES;
                if lock {
                    let until = protocol::timestamp(shifted(
                        Utc::now(),
                        Duration::minutes(officer::LOCK_MINUTES),
                    ));
                    tx.execute(
                        "UPDATE officer SET locked_until = $1, failed_attempts = 0 WHERE id = $2",
                        args![&until, found.id],
                    )?;
                    audit(
                        tx,
                        &typed,
                        "账号锁定",
                        username,
                        &format!("密码连续输错 {failures} 次"),
                    )?;
                    return Ok(Some(until));
                }
                audit(
                    tx,
                    &typed,
                    "登录失败",
                    username,
                    &format!("密码不对（第 {failures} 次）"),
                )?;
                Ok(None)
            })?;
            return Err(match locked {
                Some(until) => Error::AccountLocked {
                    until: china_time(&until),
                },
                None => Error::SignInFailed,
            });
        }
        let secrets = SessionSecrets {
            token: officer::new_secret()?,
            csrf: officer::new_secret()?,
        };
        let expires =
            protocol::timestamp(shifted(Utc::now(), Duration::hours(officer::SESSION_HOURS)));
        let actor = Actor::officer(&found, address);
        self.write(|tx| {
            tx.execute(
                "UPDATE officer SET failed_attempts = 0, locked_until = NULL WHERE id = $1",
                args![found.id],
            )?;
            tx.execute(
                "INSERT INTO officer_session (token_hash, officer, csrf_token, created_at,
                                              last_seen_at, expires_at)
                 VALUES ($1, $2, $3, $4, $4, $5)",
                args![
                    code_hash(&secrets.token),
                    found.id,
                    &secrets.csrf,
                    &now,
                    &expires
                ],
            )?;
            audit(tx, &actor, "登录", username, "")
        })?;
        Ok((found, secrets))
    }

    /// The officer a session token belongs to, and its CSRF token; None for
    /// an unknown, idle or expired session (which is removed).
    pub fn session(&self, token: &str) -> Result<Option<(Officer, String)>> {
        let hash = code_hash(token);
        let now = protocol::now();
        let idle_since = protocol::timestamp(shifted(
            Utc::now(),
            Duration::minutes(-officer::SESSION_IDLE_MINUTES),
        ));
        self.write(|tx| {
            let row = tx.query_opt(
                &format!(
                    "SELECT {OFFICER_COLUMNS}, s.csrf_token, s.last_seen_at, s.expires_at,
                            o.disabled_at
                     FROM officer_session s JOIN officer o ON o.id = s.officer
                     JOIN org_unit u ON u.code = o.org WHERE s.token_hash = $1"
                ),
                args![&hash],
            )?;
            let Some(row) = row else {
                return Ok(None);
            };
            if row.text(8)? < idle_since || row.text(9)? < now || row.opt_text(10)?.is_some() {
                tx.execute(
                    "DELETE FROM officer_session WHERE token_hash = $1",
                    args![&hash],
                )?;
                return Ok(None);
            }
            tx.execute(
                "UPDATE officer_session SET last_seen_at = $1 WHERE token_hash = $2",
                args![&now, &hash],
            )?;
            Ok(Some((officer_from(&row)?, row.text(7)?)))
        })
    }

    /// Ends a session.
    pub fn sign_out(&self, token: &str, actor: &Actor) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM officer_session WHERE token_hash = $1",
                args![code_hash(token)],
            )?;
            audit(tx, actor, "退出登录", &actor.username, "")
        })
    }

    /// Records an action the store does not do itself (an export).
    pub fn record_action(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Result<()> {
        self.write(|tx| audit(tx, actor, action, target, detail))
    }

    /// The audit log of the actor's subtree, newest first, before `before`.
    pub fn audit_log(
        &self,
        actor: &Actor,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<AuditLine>> {
        actor.must(Permission::ManageOfficers)?;
        let pattern = actor.pattern();
        let rows = self.read(|tx| {
            tx.query(
                "SELECT id, at, username, org, action, target, detail, address FROM officer_audit
                 WHERE (org LIKE $1 OR org IS NULL) AND id < $2 ORDER BY id DESC LIMIT $3",
                args![&pattern, before.unwrap_or(i64::MAX), limit],
            )
        })?;
        rows.iter()
            .map(|r| {
                Ok(AuditLine {
                    id: r.int(0)?,
                    at: r.text(1)?,
                    username: r.text(2)?,
                    org: r.opt_text(3)?,
                    action: r.text(4)?,
                    target: r.text(5)?,
                    detail: r.text(6)?,
                    address: r.text(7)?,
                })
            })
            .collect()
    }

    /// Every school's progress in `period`, and the roll-ups per county,
    /// per city and in all.
    pub fn progress(&self, actor: &Actor, period: Period) -> Result<Progress> {
        let pattern = actor.pattern();
        let (opens, due) = (period.opens_at(), period.due_at());
        let (schools, counts) = self.read(|tx| {
            let schools = tx.query(
                "SELECT s.code, s.name, s.county, u.name,
                        (SELECT count(*) FROM school_key k WHERE k.school = s.code
                           AND k.revoked_at IS NULL),
                        (SELECT max(b.received_at) FROM batch b WHERE b.school = s.code
                           AND b.state = 'received'),
                        (SELECT min(b.received_at) FROM batch b WHERE b.school = s.code
                           AND b.state = 'received' AND b.received_at >= $2)
                 FROM school s JOIN org_unit u ON u.code = s.county
                 WHERE s.county LIKE $1 ORDER BY s.county, s.code",
                args![&pattern, &opens],
            )?;
            let counts = tx.query(
                "SELECT b.school, r.status, count(*) FROM batch_record r
                 JOIN batch b ON b.batch_id = r.batch_id
                 JOIN school s ON s.code = b.school
                 WHERE s.county LIKE $1 AND b.received_at >= $2
                 GROUP BY b.school, r.status",
                args![&pattern, &opens],
            )?;
            Ok((schools, counts))
        })?;
        let mut by_school: std::collections::HashMap<String, [u64; 3]> = Default::default();
        for row in &counts {
            let entry = by_school.entry(row.text(0)?).or_default();
            let slot = match row.text(1)?.as_str() {
                "accepted" => 0,
                "returned" => 1,
                _ => 2,
            };
            if let Some(n) = entry.get_mut(slot) {
                *n = n.saturating_add(row.count(2)?);
            }
        }
        let mut rows = Vec::with_capacity(schools.len());
        for r in &schools {
            let code = r.text(0)?;
            let county = r.text(2)?;
            let [accepted, returned, pending] = by_school.get(&code).copied().unwrap_or_default();
            let first = r.opt_text(6)?;
            let city = org::lineage(&county)
                .iter()
                .rev()
                .find(|u| u.level != Level::County)
                .map(|u| (u.code.clone(), u.name.clone()))
                .unwrap_or_default();
            rows.push(SchoolProgress {
                code,
                name: r.text(1)?,
                county_name: r.text(3)?,
                county,
                city: city.0,
                city_name: city.1,
                enrolled: r.count(4)? > 0,
                last_batch_at: r.opt_text(5)?,
                reported: first.is_some(),
                on_time: first.is_some_and(|at| at < due),
                records_received: accepted.saturating_add(returned).saturating_add(pending),
                accepted,
                returned,
                pending,
            });
        }
        let counties = roll_up(&rows, Level::County, |s| (&s.county, &s.county_name));
        let cities = roll_up(&rows, Level::City, |s| (&s.city, &s.city_name));
        let (code, name, level) = match &actor.officer {
            Some(o) => (o.org.clone(), o.org_name.clone(), o.level),
            None => (String::new(), "全部".to_owned(), Level::Province),
        };
        let total = unit(code, name, level, rows.iter());
        Ok(Progress {
            period,
            schools: rows,
            counties,
            cities,
            total,
        })
    }

    /// A page of the records waiting for review in the actor's subtree
    /// (of one school if given), oldest batch first, readable: each value
    /// by its indicator's label, what is in effect before → after.
    pub fn review_queue(
        &self,
        actor: &Actor,
        school: Option<&str>,
        page: u64,
        page_size: u64,
    ) -> Result<QueuePage> {
        let pattern = actor.pattern();
        let page_size = page_size.clamp(1, 200);
        let page = page.max(1);
        let offset = page.saturating_sub(1).saturating_mul(page_size);
        let school = school.unwrap_or("").to_owned();
        let (total, rows, states) = self.read(|tx| {
            let total = tx
                .query_one(
                    "SELECT count(*) FROM batch_record r JOIN batch b ON b.batch_id = r.batch_id
                     JOIN school s ON s.code = b.school
                     WHERE r.status = 'pending' AND s.county LIKE $1 AND ($2 = '' OR b.school = $2)",
                    args![&pattern, &school],
                )?
                .count(0)?;
            let rows = tx.query(
                "SELECT b.school, s.name, b.batch_id, b.sequence, b.received_at, r.record, r.content
                 FROM batch_record r JOIN batch b ON b.batch_id = r.batch_id
                 JOIN school s ON s.code = b.school
                 WHERE r.status = 'pending' AND s.county LIKE $1 AND ($2 = '' OR b.school = $2)
                 ORDER BY b.received_at, b.batch_id, r.position LIMIT $3 OFFSET $4",
                args![&pattern, &school, page_size, offset],
            )?;
            let mut states = Vec::with_capacity(rows.len());
            for row in &rows {
                let change: Change = serde_json::from_str(&row.text(6)?)
                    .map_err(|e| Error::Storage(format!("保存的记录无法读取：{e}")))?;
                let before = state_of(
                    tx,
                    &row.text(0)?,
                    &change.teacher_id,
                    change.record_id.as_deref().unwrap_or(""),
                )?;
                let teacher = match state_of(tx, &row.text(0)?, &change.teacher_id, "")? {
                    Some(teacher) => Some(teacher),
                    None => sent_teacher(tx, &row.text(0)?, &change.teacher_id)?,
                };
                states.push((change, before, teacher));
            }
            Ok((total, rows, states))
        })?;
        let labels = crate::labels::Labels::get();
        let mut items = Vec::with_capacity(rows.len());
        for (row, (change, before, teacher)) in rows.iter().zip(states) {
            let after_name = change.fields.get("name").map(json_text);
            let teacher_name =
                after_name.or_else(|| teacher.as_ref().and_then(|t| t.get("name")).map(json_text));
            let removal = matches!(change.op, ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord);
            let mut changes: Vec<FieldChange> = change
                .fields
                .iter()
                .map(|(field, after)| FieldChange {
                    field: field.clone(),
                    label: labels.field(field),
                    before: before
                        .as_ref()
                        .and_then(|b| b.get(field))
                        .map(|v| labels.value(field, &json_text(v))),
                    after: Some(labels.value(field, &json_text(after))),
                })
                .filter(|c| c.before != c.after || before.is_none())
                .collect();
            if removal && let Some(before) = &before {
                {
                    changes = before
                        .iter()
                        .map(|(field, value)| FieldChange {
                            field: field.clone(),
                            label: labels.field(field),
                            before: Some(labels.value(field, &json_text(value))),
                            after: None,
                        })
                        .collect();
                }
            }
            if let Some(status) = &change.status {
                changes.push(FieldChange {
                    field: "status".into(),
                    label: "人员状态变动".into(),
                    before: None,
                    after: Some(serde_json::to_string(status).unwrap_or_default()),
                });
            }
            items.push(QueueItem {
                school: row.text(0)?,
                school_name: row.text(1)?,
                batch_id: row.text(2)?,
                sequence: row.count(3)?,
                received_at: row.text(4)?,
                record: row.text(5)?,
                op: change.op.as_str().to_owned(),
                op_label: op_label(change.op).to_owned(),
                teacher_id: change.teacher_id.clone(),
                teacher_name,
                group_label: change.group.as_deref().map(|g| labels.group(g)),
                group: change.group.clone(),
                reason: change.reason.clone(),
                changes,
            });
        }
        Ok(QueuePage {
            items,
            total,
            page,
            page_size,
        })
    }

    /// Accepts or returns the records `refs` as the console's officer, each
    /// in its own transaction; what was not decided is listed with why (a
    /// record reviewed meanwhile, outside the officer's subtree …).
    pub fn decide(
        &self,
        actor: &Actor,
        refs: &[RecordRef],
        decision: Decision,
        reason: Option<&str>,
    ) -> Result<Decided> {
        actor.must(Permission::Review)?;
        let reason = match (decision, reason.map(str::trim)) {
            (Decision::Returned, Some(r))
                if !r.is_empty() && r.chars().count() <= MAX_REASON_CHARS =>
            {
                Some(r.to_owned())
            }
            (Decision::Returned, _) => {
                return Err(Error::ReasonRequired {
                    max: MAX_REASON_CHARS,
                });
            }
            (Decision::Accepted, _) => None,
        };
        let officer_id = actor.officer.as_ref().map(|o| o.id);
        let mut decided = 0u64;
        let mut not_decided = Vec::new();
        for r in refs {
            let outcome = self.write(|tx| {
                let county = tx
                    .query_opt(
                        "SELECT s.county FROM batch b JOIN school s ON s.code = b.school
                         WHERE b.batch_id = $1",
                        args![&r.batch_id],
                    )?
                    .ok_or_else(|| Error::BatchNotFound(r.batch_id.clone()))?
                    .text(0)?;
                actor.must_cover(&county)?;
                review_in(
                    tx,
                    &r.batch_id,
                    &r.record,
                    decision,
                    reason.as_deref(),
                    1,
                    officer_id,
                )?;
                audit(
                    tx,
                    actor,
                    if decision == Decision::Accepted {
                        "审核生效"
                    } else {
                        "审核退回"
                    },
                    &format!("{} / {}", r.batch_id, r.record),
                    reason.as_deref().unwrap_or(""),
                )
            });
            match outcome {
                Ok(()) => decided = decided.saturating_add(1),
                Err(
                    e @ (Error::AlreadyReviewed { .. }
                    | Error::RecordNotFound { .. }
                    | Error::BatchNotFound(_)
                    | Error::BatchNotReceived(_)
                    | Error::OutsideScope { .. }),
                ) => not_decided.push(NotDecided {
                    batch_id: r.batch_id.clone(),
                    record: r.record.clone(),
                    why: e.to_string(),
                }),
                Err(other) => return Err(other),
            }
        }
        Ok(Decided {
            decided,
            not_decided,
        })
    }
}

fn roll_up<'a>(
    rows: &'a [SchoolProgress],
    level: Level,
    key: impl Fn(&'a SchoolProgress) -> (&'a String, &'a String),
) -> Vec<UnitProgress> {
    let mut order: Vec<(&String, &String)> = Vec::new();
    for row in rows {
        let k = key(row);
        if !order.iter().any(|(code, _)| *code == k.0) {
            order.push(k);
        }
    }
    order
        .into_iter()
        .map(|(code, name)| {
            unit(
                code.clone(),
                name.clone(),
                level,
                rows.iter().filter(|r| key(r).0 == code),
            )
        })
        .collect()
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let tenths = part.saturating_mul(1000).checked_div(whole).unwrap_or(0);
    tenths as f64 / 10.0
}

fn unit<'a>(
    code: String,
    name: String,
    level: Level,
    rows: impl Iterator<Item = &'a SchoolProgress>,
) -> UnitProgress {
    let mut u = UnitProgress {
        code,
        name,
        level,
        expected: 0,
        enrolled: 0,
        reported: 0,
        on_time: 0,
        reporting_rate: 0.0,
        on_time_rate: 0.0,
        records_received: 0,
        accepted: 0,
        returned: 0,
        pending: 0,
    };
    for r in rows {
        u.expected = u.expected.saturating_add(1);
        u.enrolled = u.enrolled.saturating_add(u64::from(r.enrolled));
        u.reported = u.reported.saturating_add(u64::from(r.reported));
        u.on_time = u.on_time.saturating_add(u64::from(r.on_time));
        u.records_received = u.records_received.saturating_add(r.records_received);
        u.accepted = u.accepted.saturating_add(r.accepted);
        u.returned = u.returned.saturating_add(r.returned);
        u.pending = u.pending.saturating_add(r.pending);
    }
    u.reporting_rate = percent(u.reported, u.expected);
    u.on_time_rate = percent(u.on_time, u.expected);
    u
}

/// A value as the console shows it.
fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn op_label(op: ChangeOp) -> &'static str {
    match op {
        ChangeOp::NewTeacher => "新增教师",
        ChangeOp::NewRecord => "新增记录",
        ChangeOp::UpdateTeacher => "修改教师信息",
        ChangeOp::UpdateRecord => "修改记录",
        ChangeOp::RemoveTeacher => "删除教师",
        ChangeOp::RemoveRecord => "删除记录",
        ChangeOp::ChangeRequest => "变更申请",
        ChangeOp::StatusChange => "人员状态变动",
        #[allow(unreachable_patterns)]
        _ => "其他变动",
    }
}

/// What is in effect for a teacher (`record_id` '') or one of their
/// records; None when nothing is.
fn state_of(
    tx: &mut dyn Tx,
    school: &str,
    teacher: &str,
    record_id: &str,
) -> Result<Option<Map<String, Json>>> {
    let row = tx.query_opt(
        "SELECT fields FROM teacher_state
         WHERE school = $1 AND teacher_id = $2 AND record_id = $3 AND removed = 0",
        args![school, teacher, record_id],
    )?;
    row.map(|r| {
        serde_json::from_str(&r.text(0)?)
            .map_err(|e| Error::Storage(format!("保存的在用信息无法读取：{e}")))
    })
    .transpose()
}

/// The teacher's values as the school last sent them, when none are in
/// effect yet (a new teacher waiting in the queue beside their records).
fn sent_teacher(tx: &mut dyn Tx, school: &str, teacher: &str) -> Result<Option<Map<String, Json>>> {
    let row = tx.query_opt(
        "SELECT r.content FROM batch_record r JOIN batch b ON b.batch_id = r.batch_id
         WHERE b.school = $1 AND r.teacher_id = $2
           AND r.op IN ('new_teacher', 'update_teacher')
         ORDER BY b.sequence DESC, r.position DESC LIMIT 1",
        args![school, teacher],
    )?;
    Ok(row
        .and_then(|r| r.text(0).ok())
        .and_then(|text| serde_json::from_str::<Change>(&text).ok())
        .map(|change| change.fields))
}

/// Puts an accepted change in effect: a new or updated teacher or record
/// takes its values, a change request merges the changed ones, a removal
/// marks it removed.
pub(crate) fn take_effect(
    tx: &mut dyn Tx,
    school: &str,
    content: &str,
    accepted_at: &str,
) -> Result<()> {
    let change: Change = serde_json::from_str(content)
        .map_err(|e| Error::Storage(format!("保存的记录无法读取：{e}")))?;
    let record_id = change.record_id.clone().unwrap_or_default();
    let group = change.group.clone().unwrap_or_default();
    let (fields, removed) = match change.op {
        ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord => (
            state_of(tx, school, &change.teacher_id, &record_id)?.unwrap_or_default(),
            1,
        ),
        ChangeOp::ChangeRequest | ChangeOp::StatusChange => {
            let mut merged =
                state_of(tx, school, &change.teacher_id, &record_id)?.unwrap_or_default();
            for (k, v) in &change.fields {
                merged.insert(k.clone(), v.clone());
            }
            (merged, 0)
        }
        _ => (change.fields.clone(), 0),
    };
    let fields = serde_json::to_string(&fields).unwrap_or_default();
    tx.execute(
        "INSERT INTO teacher_state (school, teacher_id, record_id, grp, fields, version, removed,
                                    accepted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (school, teacher_id, record_id) DO UPDATE SET
             grp = excluded.grp, fields = excluded.fields, version = excluded.version,
             removed = excluded.removed, accepted_at = excluded.accepted_at",
        args![
            school,
            &change.teacher_id,
            &record_id,
            &group,
            &fields,
            change.version,
            removed as i64,
            accepted_at
        ],
    )?;
    Ok(())
}

/// `at` moved by `by`, or `at` itself past the calendar's end.
fn shifted(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    at.checked_add_signed(by).unwrap_or(at)
}

/// A protocol timestamp in China's time, for a message.
fn china_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| {
            shifted(t.with_timezone(&Utc), Duration::hours(8))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}
