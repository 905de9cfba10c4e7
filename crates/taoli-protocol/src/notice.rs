//! Notices (督促提醒): what a county officer sends schools that have not
//! reported, for the school's app to show at its next sync. Read like the
//! review results: a signed `GET /v1/schools/{school}/notices?after=N`,
//! paged by a cursor that only rises.

use serde::{Deserialize, Serialize};

use crate::PROTOCOL_VERSION;
use crate::codec;
use crate::refusal::{Refusal, RefusalCode};

/// The longest notice, in characters.
pub const MAX_NOTICE_CHARS: usize = 500;
/// The most notices in one page.
pub const MAX_NOTICE_PAGE_NOTICES: usize = 100;
/// Largest notice page on the wire.
pub const MAX_NOTICE_PAGE_BYTES: usize = 512 * 1024;

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// Rises with every notice the upstream keeps for the school.
    pub cursor: u64,
    pub message: String,
    /// Who sent it: the unit and the officer (「三台县教育局 张科员」).
    pub from: String,
    pub sent_at: String,
}

/// A page of a school's notices after a cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticePage {
    pub protocol: String,
    pub school: String,
    pub notices: Vec<Notice>,
    /// The cursor to ask after next: the last notice's, or `after`.
    pub next: u64,
    pub more: bool,
}

impl NoticePage {
    pub fn new(school: &str, after: u64, notices: Vec<Notice>, more: bool) -> NoticePage {
        let next = notices.last().map_or(after, |n| n.cursor);
        NoticePage {
            protocol: PROTOCOL_VERSION.into(),
            school: school.into(),
            notices,
            next,
            more,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        codec::to_json_bytes(self)
    }

    /// Reads a page the upstream sent in answer to `after`. Refused
    /// ([`RefusalCode::MalformedResponse`]) when it cannot be read, names
    /// another school, or its cursors do not rise from `after`.
    pub fn decode(bytes: &[u8], school: &str, after: u64) -> Result<NoticePage, Refusal> {
        let malformed = RefusalCode::MalformedResponse;
        let what = codec::Named {
            zh: "督促提醒",
            en: "notices",
        };
        let object = codec::open_object(bytes, MAX_NOTICE_PAGE_BYTES, what, malformed, None)?;
        let page: NoticePage = codec::typed(object, what, malformed)?;
        let bad = |zh: &str, en: &str| {
            Err(Refusal::with_details(
                malformed,
                format!("督促提醒{zh}"),
                format!("the notices {en}"),
            ))
        };
        if page.school != school {
            return bad("是另一所学校的", "are another school's");
        }
        if page.notices.len() > MAX_NOTICE_PAGE_NOTICES {
            return bad("一页的条数超过上限", "hold more on a page than the limit");
        }
        let mut last = after;
        for notice in &page.notices {
            if notice.cursor <= last {
                return bad(
                    "的顺序号（cursor）没有递增",
                    "have cursors that do not rise",
                );
            }
            last = notice.cursor;
            if notice.message.trim().is_empty()
                || notice.message.chars().count() > MAX_NOTICE_CHARS
                || notice.from.chars().count() > 200
                || codec::parse_timestamp(&notice.sent_at).is_none()
            {
                return bad(
                    "中有一条的字段格式不对",
                    "hold a notice with a field in the wrong form",
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(cursor: u64) -> Notice {
        Notice {
            cursor,
            message: "请于3月31日前完成报送".into(),
            from: "三台县 张科员".into(),
            sent_at: "2027-03-25T02:00:00.000Z".into(),
        }
    }

    #[test]
    fn a_page_reads_back_as_sent() {
        let page = NoticePage::new("2151072201", 0, vec![notice(1), notice(2)], false);
        let read = NoticePage::decode(&page.to_json(), "2151072201", 0).unwrap();
        assert_eq!(read, page);
        assert_eq!(read.next, 2);
    }

    #[test]
    fn a_page_of_another_school_is_refused() {
        let page = NoticePage::new("2151072202", 0, vec![notice(1)], false);
        assert!(NoticePage::decode(&page.to_json(), "2151072201", 0).is_err());
    }

    #[test]
    fn cursors_that_do_not_rise_are_refused() {
        let page = NoticePage::new("2151072201", 5, vec![notice(3)], false);
        assert!(NoticePage::decode(&page.to_json(), "2151072201", 5).is_err());
    }
}
