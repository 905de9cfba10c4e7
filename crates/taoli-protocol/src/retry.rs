//! `Retry-After` (RFC 9110 §10.2.3): how long the upstream asks a client to
//! wait before its next request, on a `rate_limited` (429) answer and
//! possibly on a `server_error` (503). Either a number of seconds or an
//! HTTP date; read here so the client and the tests read it the same way.

use chrono::{DateTime, Utc};

/// The header's name.
pub const HEADER_RETRY_AFTER: &str = "retry-after";

/// The longest wait a client takes from `Retry-After`: an hour. A longer
/// (or absurd) value is read as this, so a wrong header cannot stop a
/// school from reporting for days.
pub const MAX_RETRY_AFTER_SECONDS: u64 = 60 * 60;

/// The seconds `value` asks to wait from `now`, at most
/// [`MAX_RETRY_AFTER_SECONDS`]: `"120"` is 120, an HTTP date
/// (`Wed, 21 Oct 2026 07:28:00 GMT`) the seconds until then (0 once past).
/// None when it is neither.
pub fn retry_after_seconds(value: &str, now: DateTime<Utc>) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: too many of them is still "a long time".
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(seconds.min(MAX_RETRY_AFTER_SECONDS));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&Utc).signed_duration_since(now);
    let seconds = u64::try_from(wait.num_seconds()).unwrap_or(0);
    // A date within the second counts as a second, not as "now".
    let seconds = if wait.subsec_nanos() > 0 {
        seconds.saturating_add(1)
    } else {
        seconds
    };
    Some(seconds.min(MAX_RETRY_AFTER_SECONDS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, 21, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn seconds_are_read_as_seconds() {
        assert_eq!(retry_after_seconds("120", noon()), Some(120));
        assert_eq!(retry_after_seconds(" 0 ", noon()), Some(0));
    }

    #[test]
    fn an_http_date_is_the_seconds_until_it() {
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2026 12:05:00 GMT", noon()),
            Some(300)
        );
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2026 11:00:00 GMT", noon()),
            Some(0)
        );
    }

    #[test]
    fn a_wait_longer_than_an_hour_is_an_hour() {
        assert_eq!(retry_after_seconds("86400", noon()), Some(3600));
        assert_eq!(
            retry_after_seconds("99999999999999999999999999", noon()),
            Some(3600)
        );
        assert_eq!(
            retry_after_seconds("Fri, 23 Oct 2026 12:00:00 GMT", noon()),
            Some(3600)
        );
    }

    #[test]
    fn anything_else_is_no_wait_given() {
        for bad in ["", "soon", "-5", "1.5", "12 s"] {
            assert_eq!(retry_after_seconds(bad, noon()), None, "{bad}");
        }
    }
}
