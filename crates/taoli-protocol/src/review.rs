//! Review results (审核结果): the upstream reports each record accepted (生效)
//! or returned (退回) with a reason, and the school pulls them page by page
//! after a cursor.
//!
//! A result may be delivered more than once (a retried page, a duplicate on
//! the upstream's side). Each decision carries a `review_id`; the same
//! decision always has the same `review_id`, so applying results by
//! `review_id` once ([`ReviewPage::decisions`]) makes duplicates harmless.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::PROTOCOL_VERSION;
use super::codec;
use super::payload::MAX_REASON_CHARS;
use super::refusal::{Refusal, RefusalCode};

/// What the reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 生效: in effect upstream.
    Accepted,
    /// 退回: returned, with a reason.
    Returned,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Accepted => "生效",
            Decision::Returned => "退回",
        }
    }
}

/// One delivered review decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewResult {
    /// Position in the school's stream of results; strictly increasing.
    pub cursor: u64,
    /// The decision's own id: the same on every delivery of it.
    pub review_id: String,
    pub batch_id: String,
    /// The change's `id` in the batch payload.
    pub record: String,
    pub decision: Decision,
    /// Why it was returned; `null` when accepted.
    pub reason: Option<String>,
    pub reviewed_at: String,
}

/// A page of results after a cursor
/// (`GET /v1/schools/{school}/reviews?after=N`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewPage {
    pub protocol: String,
    pub school: String,
    pub results: Vec<ReviewResult>,
    /// The cursor to ask after next: the last result's, or `after` when the
    /// page is empty.
    pub next: u64,
    /// Whether more results follow `next` already.
    pub more: bool,
}

/// The most results in one page.
pub const MAX_REVIEW_PAGE_RESULTS: usize = 500;
/// Largest review page on the wire.
pub const MAX_REVIEW_PAGE_BYTES: usize = 4 * 1024 * 1024;

impl ReviewPage {
    pub fn to_json(&self) -> Vec<u8> {
        codec::to_json_bytes(self)
    }

    /// Reads a page the upstream sent in answer to `after`. Refused
    /// ([`RefusalCode::MalformedResponse`]) when it cannot be read, names
    /// another school, or its cursors do not rise from `after`.
    pub fn decode(bytes: &[u8], school: &str, after: u64) -> Result<ReviewPage, Refusal> {
        let malformed = RefusalCode::MalformedResponse;
        let what = codec::Named {
            zh: "审核结果",
            en: "review results",
        };
        let object = codec::open_object(bytes, MAX_REVIEW_PAGE_BYTES, what, malformed, None)?;
        let page: ReviewPage = codec::typed(object, what, malformed)?;
        let bad = |zh: &str, en: &str| {
            Err(Refusal::with_details(
                malformed,
                format!("审核结果{zh}"),
                format!("the review results {en}"),
            ))
        };
        if page.school != school {
            return bad("是另一所学校的", "are another school's");
        }
        if page.results.len() > MAX_REVIEW_PAGE_RESULTS {
            return bad(
                "一页的条数超过上限",
                "hold more results on a page than the limit",
            );
        }
        let mut last = after;
        for result in &page.results {
            if result.cursor <= last {
                return bad(
                    "的顺序号（cursor）没有递增",
                    "have cursors that do not rise",
                );
            }
            last = result.cursor;
            let reason_ok = match (result.decision, &result.reason) {
                (Decision::Accepted, None) => true,
                (Decision::Returned, Some(r)) => {
                    !r.trim().is_empty() && r.chars().count() <= MAX_REASON_CHARS
                }
                _ => false,
            };
            if !codec::is_token(&result.review_id)
                || !codec::is_uuid_v7(&result.batch_id)
                || !codec::is_token(&result.record)
                || codec::parse_timestamp(&result.reviewed_at).is_none()
                || !reason_ok
            {
                return bad(
                    "中有一条的字段格式不对",
                    "hold a result with a field in the wrong form",
                );
            }
        }
        if page.next != last {
            return bad(
                "的下一页位置（next）不对",
                "give the wrong place for the next page (next)",
            );
        }
        Ok(page)
    }

    /// The page's results with repeated deliveries of a decision (same
    /// `review_id`) dropped, and `seen` updated: what to apply.
    pub fn decisions<'a>(&'a self, seen: &mut HashSet<String>) -> Vec<&'a ReviewResult> {
        self.results
            .iter()
            .filter(|r| seen.insert(r.review_id.clone()))
            .collect()
    }
}

/// A new page for `school`.
pub fn review_page(school: &str, after: u64, results: Vec<ReviewResult>, more: bool) -> ReviewPage {
    let next = results.last().map_or(after, |r| r.cursor);
    ReviewPage {
        protocol: PROTOCOL_VERSION.into(),
        school: school.into(),
        results,
        next,
        more,
    }
}
