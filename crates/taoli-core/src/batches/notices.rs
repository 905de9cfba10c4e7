//! 督促提醒: the notices the county sends schools that have not reported.
//! Each sync pass reads the new ones by cursor (a signed `GET
//! /v1/schools/{school}/notices?after=N`) and keeps them; the 报送 page
//! shows the unread ones until the clerk says 知道了.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use ts_rs::TS;

use super::Reporting;
use super::outbox::StoredEnrollment;
use super::sync::{SignedCalls, SyncOptions, SyncReport};
use crate::account::Permission;
use crate::error::{ErrorPayload, Result};
use crate::protocol::{NoticePage, SigningKey};
use crate::time::now;

/// The most pages of notices one pass reads.
const MAX_NOTICE_PAGES: usize = 20;

/// A notice from the county, as the school keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UpstreamNotice {
    #[ts(type = "number")]
    pub cursor: u64,
    pub message: String,
    /// Who sent it: the unit and the officer.
    pub from: String,
    pub sent_at: String,
    pub received_at: String,
    /// When a clerk said 知道了; None while unread.
    pub read_at: Option<String>,
}

impl Reporting<'_> {
    /// Reads the notices after the last one kept, page by page, and keeps
    /// them. A failure is the pass's review error's kind: said, not fatal.
    pub(super) fn pull_notices(
        &mut self,
        enrollment: &StoredEnrollment,
        key: &SigningKey,
        options: &SyncOptions,
        report: &mut SyncReport,
    ) -> Result<()> {
        let client = self.upstream_client(&enrollment.upstream)?;
        let mut calls = SignedCalls::new(options);
        for _ in 0..MAX_NOTICE_PAGES {
            let after = self.last_notice()?;
            match calls.call(|now| client.notices(&enrollment.school, after, key, now)) {
                Ok(page) => {
                    report.notices = report.notices.saturating_add(self.keep_notices(&page)?);
                    if !page.more {
                        return Ok(());
                    }
                }
                Err(failure) => {
                    report.notice_error = Some(ErrorPayload::new(
                        &failure.into_error(client.base()),
                        options.locale,
                    ));
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn last_notice(&self) -> Result<u64> {
        let last: Option<i64> = self
            .school
            .conn
            .query_row("SELECT max(cursor) FROM upstream_notice", [], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(last.map_or(0, |c| u64::try_from(c).unwrap_or(0)))
    }

    fn keep_notices(&mut self, page: &NoticePage) -> Result<u32> {
        self.school.write(|tx| {
            let at = now();
            let mut kept = 0u32;
            for notice in &page.notices {
                kept = kept.saturating_add(
                    u32::try_from(tx.execute(
                        "INSERT OR IGNORE INTO upstream_notice
                         (cursor, message, sender, sent_at, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            i64::try_from(notice.cursor).unwrap_or(i64::MAX),
                            notice.message,
                            notice.from,
                            notice.sent_at,
                            at
                        ],
                    )?)
                    .unwrap_or(0),
                );
            }
            Ok(kept)
        })
    }

    /// The county's notices, newest first.
    pub fn notices(&self) -> Result<Vec<UpstreamNotice>> {
        self.school.require(Permission::TeachersView)?;
        let mut stmt = self.school.conn.prepare(
            "SELECT cursor, message, sender, sent_at, received_at, read_at
             FROM upstream_notice ORDER BY cursor DESC",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(UpstreamNotice {
                    cursor: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    message: r.get(1)?,
                    from: r.get(2)?,
                    sent_at: r.get(3)?,
                    received_at: r.get(4)?,
                    read_at: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Marks every unread notice read by the signed-in clerk (知道了); how
    /// many were unread.
    pub fn mark_notices_read(&mut self) -> Result<usize> {
        let actor = self.school.require(Permission::TeachersView)?;
        self.school.write(|tx| {
            Ok(tx.execute(
                "UPDATE upstream_notice SET read_at = ?1, read_by = ?2 WHERE read_at IS NULL",
                params![now(), actor.name()],
            )?)
        })
    }
}
