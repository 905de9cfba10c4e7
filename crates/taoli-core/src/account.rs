//! Accounts (账号) and roles (角色): who may do what in a school file.
//!
//! The three school-level roles of the national system and the permission
//! matrix between roles and operations come from `catalog/roles.toml`. Every
//! operation of [`crate::SchoolFile`] asks for one [`Permission`] of the
//! signed-in [`Actor`]; a role without [`Permission::TeachersViewFull`] reads
//! ID and phone numbers masked ([`mask`]) and dates of birth as their year
//! ([`year_only`]).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::FieldType;
use crate::error::{AccountError, InternalError};
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
            .ok_or_else(|| Error::Account(AccountError::UnknownRole(wanted.to_owned())))
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
    #[serde(rename = "batches.review")]
    BatchesReview,
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
    pub const ALL: [Permission; 13] = [
        Permission::TeachersView,
        Permission::TeachersViewFull,
        Permission::TeachersEdit,
        Permission::Import,
        Permission::Export,
        Permission::SheetsPrint,
        Permission::BatchesSubmit,
        Permission::BatchesReview,
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

    /// What the permission covers, in English.
    pub fn label_en(self) -> &'static str {
        policy()
            .ok()
            .and_then(|p| p.permission.iter().find(|d| d.code == self))
            .map_or("", |d| d.label_en.as_str())
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
        Err(AccountError::NotPermitted {
            role: self.role,
            permission,
        }
        .into())
    }
}

/// Whether values of `field_type` are masked for a role without full view.
pub fn is_masked_type(field_type: FieldType) -> bool {
    policy().is_ok_and(|p| p.masked_field_types.contains(&field_type))
}

/// Whether the field `field` of the group `group` (a date of birth) is shown
/// as its year only to a role without full view (`roles.toml`'s
/// `year_only_fields`, `group.field`).
pub fn is_year_only_field(group: &str, field: &str) -> bool {
    policy().is_ok_and(|p| {
        p.year_only_fields
            .iter()
            .any(|f| f.split_once('.') == Some((group, field)))
    })
}

/// A value of a masked field type with its middle hidden, for a role
/// without full view: an ID number keeps its first 6 and last 2 characters
/// when it has 18 (513321198503040987 → 513321**********87: the region, not
/// the date of birth); a mobile number its first 3 and last 4
/// (13812345678 → 138****5678). Any other length keeps at most a third of
/// its characters, three quarters of them at the start.
pub fn mask(value: &str, field_type: FieldType) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let (head, tail) = match (field_type, n) {
        (_, 0) => return String::new(),
        (FieldType::IdNumber, 18) => (6, 2),
        (FieldType::Phone, 11) => (3, 4),
        (_, n) => {
            let shown = n / 3;
            let tail = shown.div_ceil(4).min(2);
            (shown.saturating_sub(tail), tail)
        }
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= n.saturating_sub(tail) {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// A date of birth as a role without full view sees it: its year only
/// (1985-03-04 → 1985年). A value that does not start with a four-digit year
/// is hidden entirely.
pub fn year_only(value: &str) -> String {
    let year: String = value.chars().take(4).collect();
    if value.is_empty() {
        String::new()
    } else if year.chars().count() == 4 && year.chars().all(|c| c.is_ascii_digit()) {
        format!("{year}年")
    } else {
        "****".to_owned()
    }
}

/// The permission matrix, as loaded from `roles.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Policy {
    masked_field_types: Vec<FieldType>,
    year_only_fields: Vec<String>,
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
    POLICY.get_or_init(load).as_ref().map_err(|detail| {
        Error::Internal(InternalError::Catalog {
            file: "roles.toml",
            detail: detail.clone(),
        })
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
        return Err(AccountError::EmptyUserName.into());
    }
    if name.chars().count() > USER_NAME_MAX_CHARS
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(AccountError::InvalidUserName {
            name,
            max: USER_NAME_MAX_CHARS,
        }
        .into());
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
    fn an_eighteen_digit_id_keeps_its_region_and_last_two() {
        assert_eq!(
            mask("513321198503040987", FieldType::IdNumber),
            "513321**********87"
        );
    }

    #[test]
    fn a_mobile_number_keeps_three_then_four() {
        assert_eq!(mask("13812345678", FieldType::Phone), "138****5678");
    }

    #[test]
    fn other_lengths_keep_at_most_a_third() {
        for n in 0..40 {
            let value: String = "7".repeat(n);
            let shown = mask(&value, FieldType::IdNumber)
                .chars()
                .filter(|c| *c != '*')
                .count();
            if n != 18 {
                assert!(shown * 3 <= n, "{n}: {shown}");
            }
        }
        assert_eq!(mask("E12345678", FieldType::IdNumber), "E1******8");
        assert_eq!(mask("0851-8888888", FieldType::Phone), "085********8");
    }

    #[test]
    fn a_birth_date_shows_its_year_only() {
        assert_eq!(year_only("1985-03-04"), "1985年");
        assert_eq!(year_only(""), "");
        assert_eq!(year_only("85-3-4"), "****");
    }

    #[test]
    fn roles_parse_from_chinese_names_and_codes() {
        assert_eq!(Role::parse("信息查询员").ok(), Some(Role::InfoViewer));
        assert_eq!(Role::parse("info_manager").ok(), Some(Role::InfoManager));
        assert_eq!(Role::parse("admin").ok(), Some(Role::SystemAdmin));
        assert!(Role::parse("校长").is_err());
    }
}
