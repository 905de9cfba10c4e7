//! Status events (在职情况变动): one change of a teacher's 人员状态, with its
//! effective date, reason and evidence notes. The events of a teacher are
//! their status history; how each is handled is the catalog's
//! ([`crate::catalog::StatusChange`]), what it does the service's
//! ([`crate::status_changes::StatusChanges`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The status a teacher had when their history began, dated the day
    /// they were registered.
    Initial,
    /// A change the clerk made (变动).
    Change,
    /// A status entered as a plain value (the form's first value, a roster
    /// import) and not as a change: read from the 基本信息 record, never
    /// stored as an event.
    Entered,
}

impl EventKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EventKind::Initial => "initial",
            EventKind::Change => "change",
            EventKind::Entered => "entered",
        }
    }

    pub(crate) fn parse(text: &str) -> EventKind {
        match text {
            "initial" => EventKind::Initial,
            "entered" => EventKind::Entered,
            _ => EventKind::Change,
        }
    }
}

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EventState {
    /// In effect: the teacher's 人员状态 is (or was, from its date) this one.
    InEffect,
    /// Waiting for the county's approval (变更申请); the status on file is
    /// still the one before.
    Pending,
    /// The county returned it, with a note; the status on file never changed.
    Returned,
    /// The clerk withdrew it before the county decided.
    Withdrawn,
}

impl EventState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EventState::InEffect => "in_effect",
            EventState::Pending => "pending",
            EventState::Returned => "returned",
            EventState::Withdrawn => "withdrawn",
        }
    }

    pub(crate) fn parse(text: &str) -> EventState {
        match text {
            "pending" => EventState::Pending,
            "returned" => EventState::Returned,
            "withdrawn" => EventState::Withdrawn,
            _ => EventState::InEffect,
        }
    }
}

/// One event of a teacher's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StatusEvent {
    pub id: String,
    pub teacher_id: String,
    /// The 人员状态 code (`personnel_status`).
    pub status: String,
    /// From when it holds (YYYY-MM-DD).
    pub effective_date: String,
    /// Why (empty for an initial or entered status).
    pub reason: String,
    /// Evidence notes: 文号, 证明材料.
    pub evidence: Option<String>,
    pub kind: EventKind,
    pub state: EventState,
    /// The reviewer's note on a returned change.
    pub decision_note: Option<String>,
    pub decided_at: Option<String>,
    pub created_at: String,
    /// The account that made it (empty for the first event a migration made).
    pub created_by: String,
}
