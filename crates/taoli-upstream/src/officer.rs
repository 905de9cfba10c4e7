//! The county, city and province officers who sign in to the console: the
//! national system's three roles, what each may do, their passwords
//! (Argon2id, PHC strings), and the secrets of their sessions.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64ct::{Base64UrlUnpadded, Encoding};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::org::Level;

/// Consecutive failed sign-ins that lock an account.
pub const LOCK_AFTER_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// A session ends after this long without a request …
pub const SESSION_IDLE_MINUTES: i64 = 30;
/// … and after this long in any case.
pub const SESSION_HOURS: i64 = 12;
/// The shortest password.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The national roles (系统管理员, 信息管理员, 信息查询员).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: the accounts of the unit and those under it.
    SystemAdmin,
    /// 信息管理员: schools, enrollment codes and keys, and review.
    InfoAdmin,
    /// 信息查询员: reads progress, teachers and statistics.
    InfoQuery,
}

/// What an officer may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See progress, the queue, teachers and statistics of the subtree.
    View,
    /// Accept or return records.
    Review,
    /// Register schools, issue and revoke enrollment codes, revoke keys.
    ManageSchools,
    /// Create, unlock and reset the accounts of the subtree.
    ManageOfficers,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::InfoAdmin => "info_admin",
            Role::InfoQuery => "info_query",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "system_admin" | "系统管理员" => Some(Role::SystemAdmin),
            "info_admin" | "信息管理员" => Some(Role::InfoAdmin),
            "info_query" | "信息查询员" => Some(Role::InfoQuery),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::SystemAdmin => "系统管理员",
            Role::InfoAdmin => "信息管理员",
            Role::InfoQuery => "信息查询员",
        }
    }

    pub fn may(self, permission: Permission) -> bool {
        match permission {
            Permission::View => true,
            Permission::Review => self == Role::InfoAdmin,
            Permission::ManageSchools => matches!(self, Role::InfoAdmin | Role::SystemAdmin),
            Permission::ManageOfficers => self == Role::SystemAdmin,
        }
    }
}

impl Permission {
    /// The role that has it, for the message of a refusal.
    pub fn needs(self) -> &'static str {
        match self {
            Permission::View => "任一角色",
            Permission::Review => "信息管理员",
            Permission::ManageSchools => "信息管理员或系统管理员",
            Permission::ManageOfficers => "系统管理员",
        }
    }
}

/// A signed-in officer, as the console shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Officer {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org: String,
    pub org_name: String,
    pub level: Level,
    pub role: Role,
}

/// Checks a new password: long enough, letters and digits, not the
/// username.
pub fn check_password(username: &str, password: &str) -> Result<()> {
    let long = password.chars().count() >= MIN_PASSWORD_CHARS;
    let letters = password.chars().any(char::is_alphabetic);
    let digits = password.chars().any(|c| c.is_ascii_digit());
    if !long || !letters || !digits || password.eq_ignore_ascii_case(username) {
        return Err(Error::WeakPassword {
            min: MIN_PASSWORD_CHARS,
        });
    }
    Ok(())
}

/// The password's Argon2id hash, as a PHC string.
pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Storage(e.to_string()))
}

/// Whether `password` matches the stored hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash no password matches, verified against for an unknown username so
/// that it takes as long as a known one.
pub fn decoy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U"
}

/// A new random secret: 32 bytes, URL-safe base64.
pub fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Protocol(taoli_protocol::Error::Random(e.to_string())))?;
    Ok(Base64UrlUnpadded::encode_string(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("县教育局2027").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("县教育局2027", &hash));
        assert!(!verify_password("县教育局2028", &hash));
        assert!(!verify_password("县教育局2027", decoy_hash()));
    }

    #[test]
    fn a_short_or_letterless_password_is_weak() {
        assert!(check_password("lisi", "abc123").is_err());
        assert!(check_password("lisi", "1234567890").is_err());
        assert!(check_password("lisi2026ab", "LISI2026AB").is_err());
        assert!(check_password("lisi", "county2026a").is_ok());
    }

    #[test]
    fn only_an_info_admin_reviews_and_only_a_system_admin_manages_accounts() {
        assert!(Role::InfoAdmin.may(Permission::Review));
        assert!(!Role::SystemAdmin.may(Permission::Review));
        assert!(!Role::InfoQuery.may(Permission::ManageSchools));
        assert!(Role::SystemAdmin.may(Permission::ManageOfficers));
        assert!(!Role::InfoAdmin.may(Permission::ManageOfficers));
    }
}
