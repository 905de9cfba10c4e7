//! An identity correction asked of the county (更正申请): the new name, ID
//! type and number of a teacher whose identity the county holds in effect,
//! with why. It changes the teacher only once the county accepts it
//! (`correction_requests.rs`; `docs/status-changes.md`, "Corrections").

use serde::Serialize;
use ts_rs::TS;

/// Where a correction request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Waiting for the county (待审核); the identity on file is still the
    /// one in effect.
    Pending,
    /// Accepted: the teacher now has the corrected identity.
    Accepted,
    /// Returned by the county with a note; the identity never changed.
    Returned,
    /// Withdrawn by the clerk.
    Withdrawn,
}

impl RequestState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RequestState::Pending => "pending",
            RequestState::Accepted => "accepted",
            RequestState::Returned => "returned",
            RequestState::Withdrawn => "withdrawn",
        }
    }

    pub(crate) fn parse(text: &str) -> RequestState {
        match text {
            "accepted" => RequestState::Accepted,
            "returned" => RequestState::Returned,
            "withdrawn" => RequestState::Withdrawn,
            _ => RequestState::Pending,
        }
    }
}

/// One identity correction asked of the county.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CorrectionRequest {
    pub id: String,
    pub teacher_id: String,
    /// The identity asked for.
    pub name: String,
    pub id_type: String,
    pub id_type_name: String,
    pub id_number: String,
    /// The identity in effect when it was asked for.
    pub old_name: String,
    pub old_id_type: String,
    pub old_id_type_name: String,
    pub old_id_number: String,
    pub reason: String,
    /// Evidence notes: 文号, 证明材料.
    pub evidence: Option<String>,
    pub state: RequestState,
    /// Whether a batch carried it to the county (上传过); a pending one not
    /// yet carried goes in the next batch.
    pub sent: bool,
    /// The reviewer's note on a return.
    pub decision_note: Option<String>,
    pub decided_at: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

impl CorrectionRequest {
    /// The id of the change a batch reports it with.
    pub(crate) fn change_id(&self) -> String {
        change_id(&self.id)
    }
}

/// The id of the change reporting correction request `id`.
pub(crate) fn change_id(id: &str) -> String {
    format!("{CHANGE_PREFIX}{id}")
}

/// The correction request a change's id names.
pub(crate) fn request_of(change_id: &str) -> Option<&str> {
    change_id.strip_prefix(CHANGE_PREFIX)
}

/// How the change ids of correction requests begin.
pub(crate) const CHANGE_PREFIX: &str = "correction:";
