//! Accounts (账号) and roles (角色): who may do what in a school file.
//!
//! The three school-level roles of the national system and the permission
//! matrix between roles and operations come from `catalog/roles.toml`. Every
//! operation of [`crate::SchoolFile`] asks for one [`Permission`] of the
//! signed-in [`Actor`]; a role without [`Permission::TeachersViewFull`] reads
//! ID and phone numbers masked ([`mask`]).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::FieldType;
use crate::error::{Error, Result};

const ROLES_TOML: &str = include_str!("../catalog/roles.toml");

/// The longest account name, in characters.
pub const USER_NAME_MAX_CHARS: usize = 32;

/// A school-level role of the national system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: accounts, keys, settings, restore.
    SystemAdmin,
    /// 信息管理员: enters, imports, prints and submits.
    InfoManager,
    /// 信息查询员: reads only, ID and phone numbers masked.
    InfoViewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::SystemAdmin, Role::InfoManager, Role::InfoViewer];

    pub fn code(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::InfoManager => "info_manager",
            Role::InfoViewer => "info_viewer",
        }
    }

    /// A role from its code or its Chinese or English name (系统管理员, admin …).
    pub fn parse(text: &str) -> Result<Role> {
        let wanted = text.trim();
        let policy = policy()?;
        Role::ALL
            .into_iter()
            .find(|role| {
                let entry = policy.role(*role);
                wanted == role.code()
                    || wanted == entry.label
                    || wanted.eq_ignore_ascii_case(&entry.label_en)
                    || match role {
                        Role::SystemAdmin => wanted.eq_ignore_ascii_case("admin"),
                        Role::InfoManager => wanted.eq_ignore_ascii_case("manager"),
                        Role::InfoViewer => wanted.eq_ignore_ascii_case("viewer"),
                    }
            })
            .ok_or_else(|| Error::UnknownRole(wanted.to_owned()))
    }

    /// The role's name as clerks know it (系统管理员).
    pub fn label(self) -> &'static str {
        policy().map_or(self.code(), |p| p.role(self).label.as_str())
    }

    pub fn label_en(self) -> &'static str {
        policy().map_or(self.code(), |p| p.role(self).label_en.as_str())
    }

    /// Whether the role may do what `permission` covers.
    pub fn allows(self, permission: Permission) -> bool {
        policy().is_ok_and(|p| p.role(self).permissions.contains(&permission))
    }

    /// Everything the role may do, in the order of `roles.toml`.
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.allows(*p))
            .collect()
    }
}

/// One kind of operation a role may be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum Permission {
    #[serde(rename = "teachers.view")]
    TeachersView,
    #[serde(rename = "teachers.view_full")]
    TeachersViewFull,
    #[serde(rename = "teachers.edit")]
    TeachersEdit,
    #[serde(rename = "import")]
    Import,
    #[serde(rename = "export")]
    Export,
    #[serde(rename = "sheets.print")]
    SheetsPrint,
    #[serde(rename = "batches.submit")]
    BatchesSubmit,
    #[serde(rename = "audit.view")]
    AuditView,
    #[serde(rename = "backup")]
    Backup,
    #[serde(rename = "restore")]
    Restore,
    #[serde(rename = "settings.manage")]
    SettingsManage,
    #[serde(rename = "users.manage")]
    UsersManage,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::TeachersView,
        Permission::TeachersViewFull,
        Permission::TeachersEdit,
        Permission::Import,
        Permission::Export,
        Permission::SheetsPrint,
        Permission::BatchesSubmit,
        Permission::AuditView,
        Permission::Backup,
        Permission::Restore,
        Permission::SettingsManage,
        Permission::UsersManage,
    ];

    /// What the permission covers, as clerks read it.
    pub fn label(self) -> &'static str {
        policy()
            .ok()
            .and_then(|p| p.permission.iter().find(|d| d.code == self))
            .map_or("", |d| d.label.as_str())
    }
}

/// Who does something: a signed-in account and its role. Only signing in
/// ([`crate::SchoolFile::sign_in`]) makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    name: String,
    role: Role,
}

impl Actor {
    pub(crate) fn new(name: impl Into<String>, role: Role) -> Actor {
        Actor {
            name: name.into(),
            role,
        }
    }

    /// The account name, as the audit trail records it.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn allows(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }

    /// Whether ID and phone numbers are masked for this account.
    pub fn sees_masked(&self) -> bool {
        !self.allows(Permission::TeachersViewFull)
    }

    /// Ok when the role allows `permission`, else a message naming the role
    /// and what it may not do.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.allows(permission) {
            return Ok(());
        }
        Err(Error::NotPermitted {
            role: self.role.label().to_owned(),
            action: permission.label().to_owned(),
            roles: Role::ALL
                .into_iter()
                .filter(|r| r.allows(permission))
                .map(Role::label)
                .collect::<Vec<_>>()
                .join("或"),
        })
    }
}

/// Whether values of `field_type` are masked for a role without full view.
pub fn is_masked_type(field_type: FieldType) -> bool {
    policy().is_ok_and(|p| p.masked_field_types.contains(&field_type))
}

/// A number with its middle hidden: 513321198503040987 → 5133**********0987,
/// 13812345678 → 138****5678. Short values keep only their last characters.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        0 => return String::new(),
        15.. => (4, 4),
        8..=14 => (3, 4),
        4..=7 => (0, 2),
        _ => (0, 0),
    };
    let mut out: String = chars.iter().take(head).collect();
    out.extend(std::iter::repeat_n(
        '*',
        n.saturating_sub(head).saturating_sub(tail),
    ));
    out.extend(chars.iter().skip(n.saturating_sub(tail)));
    out
}

/// The permission matrix, as loaded from `roles.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Policy {
    masked_field_types: Vec<FieldType>,
    permission: Vec<PermissionEntry>,
    #[serde(rename = "role")]
    roles: Vec<RoleEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PermissionEntry {
    code: Permission,
    label: String,
    #[allow(dead_code)]
    label_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleEntry {
    code: Role,
    label: String,
    label_en: String,
    permissions: BTreeSet<Permission>,
}

impl Policy {
    fn role(&self, role: Role) -> &RoleEntry {
        // `load` checked that every role has an entry, so the list is not
        // empty and the fallback is never taken.
        #[allow(clippy::indexing_slicing)]
        let fallback = &self.roles[0];
        self.roles
            .iter()
            .find(|r| r.code == role)
            .unwrap_or(fallback)
    }
}

fn policy() -> Result<&'static Policy> {
    static POLICY: OnceLock<std::result::Result<Policy, String>> = OnceLock::new();
    POLICY
        .get_or_init(load)
        .as_ref()
        .map_err(|detail| Error::Catalog {
            file: "roles.toml",
            detail: detail.clone(),
        })
}

fn load() -> std::result::Result<Policy, String> {
    let policy: Policy = toml::from_str(ROLES_TOML).map_err(|e| e.to_string())?;
    for role in Role::ALL {
        if !policy.roles.iter().any(|r| r.code == role) {
            return Err(format!("没有角色 {}", role.code()));
        }
    }
    for permission in Permission::ALL {
        if !policy.permission.iter().any(|p| p.code == permission) {
            return Err(format!("权限 {permission:?} 没有说明"));
        }
    }
    Ok(policy)
}

/// An account as the school file keeps it (the password hash left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// 系统管理员 / 信息管理员 / 信息查询员.
    pub role_label: String,
    pub disabled: bool,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

/// What a new account needs.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// The signed-in account, as the app shows it and hides what the role lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Session {
    pub name: String,
    pub role: Role,
    pub role_label: String,
    pub permissions: Vec<Permission>,
    /// True when ID and phone numbers are shown masked.
    pub masked: bool,
}

impl Session {
    pub fn of(actor: &Actor) -> Session {
        Session {
            name: actor.name.clone(),
            role: actor.role,
            role_label: actor.role.label().to_owned(),
            permissions: actor.role.permissions(),
            masked: actor.sees_masked(),
        }
    }
}

/// An account name, trimmed and checked.
pub(crate) fn valid_user_name(name: &str) -> Result<String> {
    let name = crate::text::normalize_person_name(name);
    if name.is_empty() {
        return Err(Error::EmptyUserName);
    }
    if name.chars().count() > USER_NAME_MAX_CHARS
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Error::InvalidUserName {
            name,
            max: USER_NAME_MAX_CHARS,
        });
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permission_matrix_loads() {
        assert!(policy().is_ok());
    }

    #[test]
    fn an_eighteen_digit_id_keeps_four_digits_each_end() {
        assert_eq!(mask("513321198503040987"), "5133**********0987");
    }

    #[test]
    fn a_mobile_number_keeps_three_then_four() {
        assert_eq!(mask("13812345678"), "138****5678");
    }

    #[test]
    fn roles_parse_from_chinese_names_and_codes() {
        assert_eq!(Role::parse("信息查询员").ok(), Some(Role::InfoViewer));
        assert_eq!(Role::parse("info_manager").ok(), Some(Role::InfoManager));
        assert_eq!(Role::parse("admin").ok(), Some(Role::SystemAdmin));
        assert!(Role::parse("校长").is_err());
    }
}
