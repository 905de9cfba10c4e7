//! 督促提醒: notices an officer sends the schools of their subtree (those
//! that have not reported, as the progress page lists them), kept per school
//! and read by the school's app at its next sync (`NoticePage`).

use taoli_protocol::{self as protocol, MAX_NOTICE_CHARS, Notice, NoticePage};

use super::Db;
use super::console::{Actor, audit};
use super::sql::args;
use crate::error::{Error, Result};
use crate::officer::Permission;

impl Db {
    /// Sends `message` to each of `schools`; how many were sent. Every
    /// school must be registered in the actor's subtree.
    pub fn send_notices(&self, actor: &Actor, schools: &[String], message: &str) -> Result<u64> {
        actor.must(Permission::ManageSchools)?;
        let message = message.trim();
        if message.is_empty() || message.chars().count() > MAX_NOTICE_CHARS {
            return Err(Error::NoticeLength {
                max: MAX_NOTICE_CHARS,
            });
        }
        if schools.is_empty() {
            return Err(Error::BadRequest("请至少选一所学校".into()));
        }
        let from = match &actor.officer {
            Some(o) => format!("{} {}", o.org_name, o.display_name),
            None => "上级教育行政部门".to_owned(),
        };
        self.write(|tx| {
            let now = protocol::now();
            for school in schools {
                let county = Db::county_of(tx, school)?;
                actor.must_cover(&county)?;
                tx.execute(
                    "INSERT INTO school_notice (school, message, sent_by, officer, sent_at)
                     VALUES ($1, $2, $3, $4, $5)",
                    args![
                        school,
                        message,
                        &from,
                        actor.officer.as_ref().map(|o| o.id),
                        &now
                    ],
                )?;
            }
            audit(tx, actor, "发送督促提醒", &schools.join("、"), message)?;
            Ok(schools.len() as u64)
        })
    }

    /// The school's notices after `after`, at most `limit`.
    pub fn notices(&self, school: &str, after: u64, limit: usize) -> Result<NoticePage> {
        let rows = self.read(|tx| {
            tx.query(
                "SELECT cursor, message, sent_by, sent_at FROM school_notice
                 WHERE school = $1 AND cursor > $2 ORDER BY cursor LIMIT $3",
                args![school, after, limit.saturating_add(1) as u64],
            )
        })?;
        let mut notices = rows
            .iter()
            .map(|r| {
                Ok(Notice {
                    cursor: r.count(0)?,
                    message: r.text(1)?,
                    from: r.text(2)?,
                    sent_at: r.text(3)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let more = notices.len() > limit;
        notices.truncate(limit);
        Ok(NoticePage::new(school, after, notices, more))
    }
}
