//! Officers: their accounts, signing in (Argon2id, lockout), sessions, and
//! the audit log they read.

use chrono::{DateTime, Duration, Utc};

use serde::Serialize;
use taoli_protocol as protocol;

use super::Db;
use super::code_hash;
use super::console::{Actor, audit};
use super::console::{china_time, shifted};
use super::schools::ensure_region;
use super::sql::{Row, args};
use crate::error::{Error, Result};
use crate::officer::{self, Officer, Permission, Role};
use crate::org::{self, Level};

/// An officer, as the accounts page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
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

/// A session's `last_seen_at` is written again only when it is at least
/// this old: a page's burst of requests reads the session without writing.
pub const SESSION_TOUCH_SECONDS: i64 = 60;

/// A new session's secrets: the cookie's token and the CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSecrets {
    pub token: String,
    pub csrf: String,
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

impl Db {
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
        self.session_at(token, Utc::now())
    }

    /// [`Db::session`] as of `now`. A session ends
    /// [`officer::SESSION_IDLE_MINUTES`] after the request that last
    /// recorded it: a request records itself only when the session was last
    /// recorded [`SESSION_TOUCH_SECONDS`] or more before, so most requests
    /// only read; the idle limit is never longer than 30 minutes.
    pub fn session_at(&self, token: &str, now: DateTime<Utc>) -> Result<Option<(Officer, String)>> {
        let hash = code_hash(token);
        let at = protocol::timestamp(now);
        let idle_since = protocol::timestamp(shifted(
            now,
            Duration::minutes(-officer::SESSION_IDLE_MINUTES),
        ));
        let touch_before =
            protocol::timestamp(shifted(now, Duration::seconds(-SESSION_TOUCH_SECONDS)));
        let found = self.read(|tx| {
            let row = tx.query_opt(
                &format!(
                    "SELECT {OFFICER_COLUMNS}, s.csrf_token, s.last_seen_at, s.expires_at,
                            o.disabled_at
                     FROM officer_session s JOIN officer o ON o.id = s.officer
                     JOIN org_unit u ON u.code = o.org WHERE s.token_hash = $1"
                ),
                args![&hash],
            )?;
            row.map(|row| {
                let last_seen = row.text(8)?;
                let ended =
                    last_seen < idle_since || row.text(9)? < at || row.opt_text(10)?.is_some();
                Ok((officer_from(&row)?, row.text(7)?, last_seen, ended))
            })
            .transpose()
        })?;
        let Some((officer, csrf, last_seen, ended)) = found else {
            return Ok(None);
        };
        if ended {
            self.write(|tx| {
                tx.execute(
                    "DELETE FROM officer_session WHERE token_hash = $1",
                    args![&hash],
                )?;
                Ok(())
            })?;
            return Ok(None);
        }
        if last_seen < touch_before {
            self.write(|tx| {
                tx.execute(
                    "UPDATE officer_session SET last_seen_at = $1
                     WHERE token_hash = $2 AND last_seen_at < $1",
                    args![&at, &hash],
                )?;
                Ok(())
            })?;
        }
        Ok(Some((officer, csrf)))
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
}
