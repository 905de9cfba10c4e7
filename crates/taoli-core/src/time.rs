//! Timestamps as stored in the school file: RFC 3339, UTC, millisecond precision.

use chrono::{SecondsFormat, Utc};

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}
