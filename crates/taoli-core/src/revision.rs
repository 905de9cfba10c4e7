//! Revisions: who changed what, when, from which value to which.
//!
//! Every write to the school file records one revision in the same transaction
//! as the change itself. Verification sheets, the audit trail and upload
//! batches are built on this history.

use serde::Serialize;
use ts_rs::TS;

/// Who makes a change. Until accounts exist this is the operating system user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    pub fn new(name: impl Into<String>) -> Actor {
        Actor(name.into())
    }

    /// The person logged in to this computer, or 本机用户 when unknown.
    pub fn local_user() -> Actor {
        let name = ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(|| "本机用户".to_owned());
        Actor(name)
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    School,
    Teacher,
    Record,
}

impl Entity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Entity::School => "school",
            Entity::Teacher => "teacher",
            Entity::Record => "record",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Entity> {
        match s {
            "school" => Some(Entity::School),
            "teacher" => Some(Entity::Teacher),
            "record" => Some(Entity::Record),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Action> {
        match s {
            "create" => Some(Action::Create),
            "update" => Some(Action::Update),
            "delete" => Some(Action::Delete),
            _ => None,
        }
    }
}

/// One change, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Revision {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub entity: Entity,
    pub entity_id: String,
    pub teacher_id: Option<String>,
    pub action: Action,
    #[ts(type = "unknown")]
    pub old_value: Option<serde_json::Value>,
    #[ts(type = "unknown")]
    pub new_value: Option<serde_json::Value>,
}
