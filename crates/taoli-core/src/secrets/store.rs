//! Where secrets are kept outside the school file: the keychain (密钥环).
//!
//! Every secret is named by the service [`SERVICE`] and an account string,
//! such as [`school_key_account`]`("2151012345")`. [`KeychainSecretStore`] is
//! the computer's own store; [`MemorySecretStore`] stands in for it in tests.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use zeroize::Zeroizing;

use crate::error::SecretsError;
use crate::error::{Error, Particular, Result};

/// The service name every Taoli secret is kept under.
pub const SERVICE: &str = "taoli";

/// The account name of a school's file key: `school-key:<学校标识码>`.
pub fn school_key_account(school_code: &str) -> String {
    format!("school-key:{school_code}")
}

/// A place to keep secrets (bytes) by account name, under [`SERVICE`].
///
/// `get` of a name never set (or deleted) is `Ok(None)`; `delete` of such a
/// name is `Ok(())`. A store that cannot be reached is an error
/// ([`SecretsError::KeychainUnavailable`] for the keychain), never a panic.
pub trait SecretStore: Send + Sync {
    /// The secret kept under `account`, if any. Wiped from memory when dropped.
    fn get(&self, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>>;
    /// Keeps `secret` under `account`, replacing any earlier one.
    fn set(&self, account: &str, secret: &[u8]) -> Result<()>;
    /// Removes the secret kept under `account`; nothing to remove is fine.
    fn delete(&self, account: &str) -> Result<()>;
}

/// Secrets in memory, for tests: thread-safe, gone when dropped (and wiped).
#[derive(Default)]
pub struct MemorySecretStore {
    secrets: Mutex<HashMap<String, Zeroizing<Vec<u8>>>>,
}

impl MemorySecretStore {
    pub fn new() -> MemorySecretStore {
        MemorySecretStore::default()
    }

    fn secrets(&self) -> MutexGuard<'_, HashMap<String, Zeroizing<Vec<u8>>>> {
        // A panic elsewhere while holding the lock leaves the map itself whole.
        self.secrets.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemorySecretStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut accounts: Vec<String> = self.secrets().keys().cloned().collect();
        accounts.sort();
        f.debug_struct("MemorySecretStore")
            .field("accounts", &accounts)
            .finish_non_exhaustive()
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        Ok(self.secrets().get(account).cloned())
    }

    fn set(&self, account: &str, secret: &[u8]) -> Result<()> {
        self.secrets()
            .insert(account.to_owned(), Zeroizing::new(secret.to_vec()));
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.secrets().remove(account);
        Ok(())
    }
}

/// The computer's keychain, through the `keyring` crate: the Secret Service
/// (GNOME Keyring, KWallet) on Linux, the Credential Manager on Windows, the
/// Keychain on macOS.
///
/// A missing, locked or refusing keychain is [`SecretsError::KeychainUnavailable`];
/// the caller then falls back to the password-protected copy of the key.
#[derive(Debug, Clone, Copy)]
pub struct KeychainSecretStore {
    _private: (),
}

impl KeychainSecretStore {
    /// The keychain, if this computer has one that can be reached.
    ///
    /// `keyring` connects to the platform's store once per process; when that
    /// fails, every later call fails the same way until Taoli restarts.
    pub fn new() -> Result<KeychainSecretStore> {
        keyring::Entry::store_status()
            .as_ref()
            .map_err(unavailable)?;
        Ok(KeychainSecretStore { _private: () })
    }

    fn entry(account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, account).map_err(|e| unavailable(&e))
    }
}

impl SecretStore for KeychainSecretStore {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        match Self::entry(account)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(&e)),
        }
    }

    fn set(&self, account: &str, secret: &[u8]) -> Result<()> {
        Self::entry(account)?
            .set_secret(secret)
            .map_err(|e| unavailable(&e))
    }

    fn delete(&self, account: &str) -> Result<()> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(&e)),
        }
    }
}

/// A keyring failure as the clerk reads it. The keyring's own text (English,
/// from the platform) is kept as the detail for whoever helps them.
fn unavailable(error: &keyring::Error) -> Error {
    let with_detail =
        |key, e: &dyn std::fmt::Display| Particular::said(key, vec![("detail", e.to_string())]);
    let detail = match error {
        keyring::Error::NoDefaultStore => {
            Particular::said("particular.keychain.no_service", vec![])
        }
        keyring::Error::NoStorageAccess(e) => with_detail("particular.keychain.locked", e),
        keyring::Error::PlatformFailure(e) => with_detail("particular.keychain.failed", e),
        other => with_detail("particular.keychain.failed", other),
    };
    Error::Secrets(SecretsError::KeychainUnavailable { detail })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn a_locked_keychain_is_a_chinese_message_naming_the_fallback() {
        let locked = keyring::Error::NoStorageAccess(Box::new(std::io::Error::other(
            "collection is locked",
        )));
        let error = unavailable(&locked);
        assert_eq!(error.code(), "secrets.keychain_unavailable");
        assert_eq!(error.kind(), ErrorKind::User);
        let message = error.to_string();
        for words in [
            "密钥环",
            "凭据管理器",
            "已锁定",
            "系统管理员密码",
            "collection is locked",
        ] {
            assert!(message.contains(words), "{words}: {message}");
        }
    }

    #[test]
    fn a_missing_keychain_is_a_chinese_message() {
        let message = unavailable(&keyring::Error::NoDefaultStore).to_string();
        assert!(message.contains("没有找到可用的密钥环服务"), "{message}");
    }
}
