//! How a change of 人员状态 is handled (`catalog/status_changes.toml`):
//! whether the teacher stays on the active roster, whether the county
//! approves the change before it takes effect, and what the status locks.
//! All of it is inferred; a province pack replaces the list.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The code table of 人员状态.
pub const PERSONNEL_STATUS_TABLE: &str = "personnel_status";

/// Every information group, in [`StatusChange::locks`].
pub const ALL_GROUPS: &str = "*";

/// Who lets a change of status take effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// It takes effect at once.
    School,
    /// It goes upstream as a 变更申请 and takes effect when accepted.
    County,
}

/// How a change to one status, or to every status under a heading, is
/// handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// A 人员状态 code, or a heading (200, 300) for the codes under it.
    pub to: String,
    /// Whether a teacher with this status is on the active roster.
    pub on_roster: bool,
    pub approval: Approval,
    /// Whether the change asks for evidence notes (文号 …).
    #[serde(default)]
    pub evidence: bool,
    /// Information groups that cannot be edited while the status holds
    /// ([`ALL_GROUPS`]: every one).
    #[serde(default)]
    pub locks: Vec<String>,
    #[serde(default = "super::yes")]
    pub confirmed: bool,
}

impl StatusChange {
    /// Whether the status locks `group`.
    pub fn locks_group(&self, group: &str) -> bool {
        self.locks.iter().any(|g| g == group || g == ALL_GROUPS)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StatusChangesFile {
    pub status_change: Vec<StatusChange>,
}
