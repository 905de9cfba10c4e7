//! The store of the county's console: the organisation tree and the schools
//! registered in it, officers and their sessions, the audit log, what is in
//! effect for each teacher, progress against a deadline, and the review
//! queue. Every officer action is audited in the transaction that does it.

use chrono::{DateTime, Duration, Utc};
use taoli_protocol as protocol;

use super::sql::{Tx, args};
use crate::error::{Error, Result};
use crate::officer::{Officer, Permission};
use crate::org;

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

/// `at` moved by `by`, or `at` itself past the calendar's end.
pub(crate) fn shifted(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    at.checked_add_signed(by).unwrap_or(at)
}

/// A protocol timestamp in China's time, for a message.
pub(crate) fn china_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| {
            shifted(t.with_timezone(&Utc), Duration::hours(8))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}
