//! Revisions: who changed what, when, from which value to which.
//!
//! Every write to the school file records one revision in the same transaction
//! as the change itself. Verification sheets, the audit trail and upload
//! batches are built on this history.

use crate::error::messages::{self, Locale};
use serde::Serialize;
use ts_rs::TS;

pub use crate::account::Actor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    School,
    Teacher,
    Record,
    /// A file written out of the school (an export): entity id is the file name.
    Export,
    /// A backup made or restored: entity id is the backup's file name.
    Backup,
    /// An account: added, changed, signed in. Entity id is the account name.
    Account,
    /// Reporting to the upstream (上报): the enrollment, a batch built,
    /// signed, uploaded, its receipt, a review result. Entity id is
    /// `enrollment`, the batch id, or the reviewed change's id.
    Upstream,
    /// A committed roster import (花名册导入), recorded as one entry that
    /// holds its change set (`store/change_sets.rs`). Entity id is the
    /// import's id.
    Import,
}

impl Entity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Entity::School => "school",
            Entity::Teacher => "teacher",
            Entity::Record => "record",
            Entity::Export => "export",
            Entity::Backup => "backup",
            Entity::Account => "account",
            Entity::Upstream => "upstream",
            Entity::Import => "import",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Entity> {
        match s {
            "school" => Some(Entity::School),
            "teacher" => Some(Entity::Teacher),
            "record" => Some(Entity::Record),
            "export" => Some(Entity::Export),
            "backup" => Some(Entity::Backup),
            "account" => Some(Entity::Account),
            "upstream" => Some(Entity::Upstream),
            "import" => Some(Entity::Import),
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
    /// An account signed in.
    SignIn,
    /// A wrong password was given for an account.
    SignInFailed,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::SignIn,
        Action::SignInFailed,
    ];

    /// What the entry did, as the audit log says it (新增, 修改 …).
    pub fn said(self, locale: Locale) -> String {
        messages::word(locale, "action", self.as_str())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::SignIn => "sign_in",
            Action::SignInFailed => "sign_in_failed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Action> {
        match s {
            "create" => Some(Action::Create),
            "update" => Some(Action::Update),
            "delete" => Some(Action::Delete),
            "sign_in" => Some(Action::SignIn),
            "sign_in_failed" => Some(Action::SignInFailed),
            _ => None,
        }
    }
}

/// What an audit entry records, as the audit log groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// 新建学校文件, 修改学校信息, 省级补充包.
    School,
    /// 添加教师, 修改教师身份信息, 删除教师.
    Teacher,
    /// 新增、修改、删除信息记录 (by hand or by an import).
    Record,
    /// 填写提醒理由.
    WarningReason,
    /// 打印确认表.
    SheetPrint,
    /// 登记签字.
    Signoff,
    /// 导出.
    Export,
    /// 备份, 恢复.
    Backup,
    /// 登录, 账号的添加、停用、角色和密码.
    Account,
    /// 上报: 登记, 批次的生成、签名、上传、回执, 审核结果.
    Upload,
    /// 导入花名册: the import, and what it wrote for each teacher.
    Import,
    /// 在职情况变动: a change of 人员状态, and the county's decision on it.
    StatusChange,
}

impl Operation {
    pub const ALL: [Operation; 12] = [
        Operation::School,
        Operation::Teacher,
        Operation::Record,
        Operation::WarningReason,
        Operation::SheetPrint,
        Operation::Signoff,
        Operation::Export,
        Operation::Backup,
        Operation::Account,
        Operation::Upload,
        Operation::Import,
        Operation::StatusChange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Operation::School => "school",
            Operation::Teacher => "teacher",
            Operation::Record => "record",
            Operation::WarningReason => "warning_reason",
            Operation::SheetPrint => "sheet_print",
            Operation::Signoff => "signoff",
            Operation::Export => "export",
            Operation::Backup => "backup",
            Operation::Account => "account",
            Operation::Upload => "upload",
            Operation::Import => "import",
            Operation::StatusChange => "status_change",
        }
    }

    /// The operation's name in the audit log (学校设置, 导入花名册 …).
    pub fn said(self, locale: Locale) -> String {
        messages::word(locale, "operation", self.as_str())
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
    /// The audit chain's hash of this entry (`store/audit.rs`).
    pub hash: String,
}

impl Revision {
    /// What kind of operation the entry records.
    pub fn operation(&self) -> Operation {
        let has = |key: &str| {
            self.new_value
                .as_ref()
                .is_some_and(|v| v.get(key).is_some())
        };
        match self.entity {
            Entity::School => Operation::School,
            Entity::Record => Operation::Record,
            Entity::Export => Operation::Export,
            Entity::Backup => Operation::Backup,
            Entity::Account => Operation::Account,
            Entity::Upstream => Operation::Upload,
            Entity::Import => Operation::Import,
            Entity::Teacher if self.entity_id.starts_with("sheet:") => Operation::SheetPrint,
            Entity::Teacher if self.entity_id.starts_with("signoff:") => Operation::Signoff,
            Entity::Teacher if self.entity_id.starts_with("status:") => Operation::StatusChange,
            Entity::Teacher if has("warning_reason") => Operation::WarningReason,
            Entity::Teacher => Operation::Teacher,
        }
    }
}
