//! How the school's computer may reach the upstream (issue #18,
//! "Transport"; docs/batches.md, "Transport"):
//!
//! - **No plain `http://` to another computer** unless the school allows
//!   it: the `allow_plain_http` school setting, which only the 系统管理员
//!   changes (audited, like the other switches of `school_setting`).
//!   `http://` to this computer itself (127.0.0.1, ::1, localhost: a test
//!   upstream, a local tunnel) is always allowed.
//! - **The upstream's `Retry-After` is obeyed** by the whole process: once
//!   an upstream answers `429 rate_limited` (or any refusal) with a wait,
//!   no request goes to it until the wait is over, whichever operation
//!   asks (a sync pass, the worker's probe, an enrollment), at most an hour
//!   (`MAX_RETRY_AFTER_SECONDS`).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use super::http::Upstream;
use crate::account::Permission;
use crate::batches::Reporting;
use crate::error::{BatchError, Result};
use crate::store::school_settings;

/// The setting's key in `school_setting`.
const PLAIN_HTTP_SETTING: &str = "allow_plain_http";

/// How this school reaches its upstream: what the settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TransportSettings {
    /// Plain `http://` to another computer is allowed (系统管理员, settings).
    pub allow_plain_http: bool,
}

/// Whether the school allows plain `http://` to another computer.
pub(crate) fn plain_http_allowed(conn: &rusqlite::Connection) -> Result<bool> {
    school_settings::is_on(conn, PLAIN_HTTP_SETTING)
}

/// Whether `host` (as a URL names it) is this computer.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Refuses a plain `http://` address of another computer unless allowed.
/// `base` is already a valid `http(s)://` URL (`normalize_url`).
pub(crate) fn check_scheme(base: &str, allow_plain_http: bool) -> Result<()> {
    let Ok(url) = reqwest::Url::parse(base) else {
        return Err(BatchError::InvalidUpstreamUrl(base.to_owned()).into());
    };
    if url.scheme() == "https" || allow_plain_http {
        return Ok(());
    }
    if url.host_str().is_some_and(is_loopback) {
        return Ok(());
    }
    Err(BatchError::PlainHttpRefused {
        upstream: base.to_owned(),
    }
    .into())
}

/// The waits upstreams asked for, by base URL, for this process.
static PAUSES: Mutex<Vec<(String, Instant)>> = Mutex::new(Vec::new());

fn pauses() -> MutexGuard<'static, Vec<(String, Instant)>> {
    PAUSES.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One upstream's pause: until when nothing is sent to it.
#[derive(Debug, Clone)]
pub(crate) struct Pause {
    base: Arc<str>,
}

impl Pause {
    pub(crate) fn of(base: &str) -> Pause {
        Pause { base: base.into() }
    }

    /// No request to this upstream for `wait` from now (a later end than
    /// one already kept wins; an earlier one does not shorten it).
    pub(crate) fn hold_for(&self, wait: Duration) {
        let now = Instant::now();
        let Some(until) = now.checked_add(wait) else {
            return;
        };
        let mut pauses = pauses();
        pauses.retain(|(_, end)| *end > now);
        match pauses.iter_mut().find(|(base, _)| **base == *self.base) {
            Some((_, end)) => *end = (*end).max(until),
            None => pauses.push((self.base.to_string(), until)),
        }
    }

    /// The wait still to go, if any.
    pub(crate) fn remaining(&self) -> Option<Duration> {
        let now = Instant::now();
        pauses()
            .iter()
            .find(|(base, _)| **base == *self.base)
            .map(|(_, end)| end.saturating_duration_since(now))
            .filter(|wait| !wait.is_zero())
    }
}

/// The wait still to go before `base` may be asked again (the sync
/// worker's next pass comes no sooner).
pub(crate) fn paused_for(base: &str) -> Option<Duration> {
    Pause::of(base).remaining()
}

impl Reporting<'_> {
    /// The client of `url`, as this school's setting allows it.
    pub(crate) fn upstream_client(&self, url: &str) -> Result<Upstream> {
        Upstream::new(url, plain_http_allowed(&self.school.conn)?)
    }

    /// How this school reaches its upstream.
    pub fn transport(&self) -> Result<TransportSettings> {
        self.school.require(Permission::TeachersView)?;
        Ok(TransportSettings {
            allow_plain_http: plain_http_allowed(&self.school.conn)?,
        })
    }

    /// Allows or forbids plain `http://` to another computer (系统管理员:
    /// settings), audited. https is always allowed, and http to this
    /// computer itself.
    pub fn set_allow_plain_http(&mut self, allow: bool) -> Result<TransportSettings> {
        let actor = self.school.require(Permission::SettingsManage)?;
        self.school
            .write(|tx| school_settings::set(tx, &actor, PLAIN_HTTP_SETTING, allow))?;
        self.transport()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_always_allowed() {
        assert!(check_scheme("https://jsgl.example.gov.cn", false).is_ok());
    }

    #[test]
    fn plain_http_to_this_computer_is_always_allowed() {
        for local in [
            "http://127.0.0.1:8750",
            "http://localhost:8750",
            "http://[::1]:8750",
            "http://127.0.0.2",
        ] {
            assert!(check_scheme(local, false).is_ok(), "{local}");
        }
    }

    #[test]
    fn plain_http_to_another_computer_is_refused_unless_allowed() {
        let refused = check_scheme("http://jsgl.example.gov.cn", false);
        assert!(matches!(
            refused,
            Err(crate::Error::Batch(BatchError::PlainHttpRefused { .. }))
        ));
        assert!(check_scheme("http://jsgl.example.gov.cn", true).is_ok());
        assert!(check_scheme("http://10.0.0.8", false).is_err());
    }

    #[test]
    fn a_pause_lasts_its_wait_and_a_shorter_one_does_not_cut_it() {
        let pause = Pause::of("http://pause.test");
        assert_eq!(pause.remaining(), None);
        pause.hold_for(Duration::from_secs(60));
        pause.hold_for(Duration::from_secs(1));
        assert!(
            pause
                .remaining()
                .is_some_and(|w| w > Duration::from_secs(50))
        );
        assert_eq!(Pause::of("http://other.test").remaining(), None);
    }
}
