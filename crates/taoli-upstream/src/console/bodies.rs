//! The bodies the console API takes and gives that are its own, not the
//! store's: the session answer, small counts, and every form the app
//! sends. Exported with ts-rs into `console/src/bindings.ts` beside the
//! store's types (`tests/console_bindings.rs`), so the app types none of
//! them by hand.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::queue::RecordRef;
use crate::officer::Officer;

/// `GET session` and `POST login`: who is signed in, their role in words,
/// and the session's CSRF token.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionBody {
    pub officer: Officer,
    pub role_label: String,
    pub csrf: String,
}

/// `POST login`.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
}

/// `POST schools`: a school to register under its county.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewSchool {
    pub code: String,
    pub name: String,
    pub county: String,
}

/// `POST schools/{code}/codes`: how long the 报送码 is good for.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct CodeForm {
    /// 30 when absent.
    #[serde(default = "default_valid_days")]
    pub valid_days: u32,
}

fn default_valid_days() -> u32 {
    30
}

/// A 报送码 just issued, shown once.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IssuedCode {
    pub code: String,
    pub valid_days: u32,
}

/// How many were revoked or sent.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Count {
    pub count: u64,
}

/// `POST notices`: a 督促提醒 to each school.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NoticeForm {
    pub schools: Vec<String>,
    pub message: String,
}

/// `POST queue/decide`: accept or return each record; a return needs the
/// reason the school will read.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DecideForm {
    pub items: Vec<RecordRef>,
    /// `accepted` (生效) or `returned` (退回); anything else is refused
    /// with a message, not a parse error.
    #[ts(type = "\"accepted\" | \"returned\"")]
    pub decision: String,
    #[ts(optional)]
    pub reason: Option<String>,
}

/// `POST queue/send-back`: 退回下级重审, with the reason the level below reads.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SendBackForm {
    pub items: Vec<RecordRef>,
    pub reason: String,
}

/// `POST officers`: a new account.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewOfficer {
    pub username: String,
    pub display_name: String,
    pub org: String,
    /// The role's id (`info_admin` …); its Chinese name is taken too.
    #[ts(type = "Role")]
    pub role: String,
    pub password: String,
}

/// `POST officers/{username}/password`: the new password.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PasswordForm {
    pub password: String,
}
