//! Where the school keeps its batch-protocol signing key: in a
//! [`SecretStore`] (the computer's keychain), account
//! [`signing_key_account`]. The key type itself is the protocol's
//! ([`crate::protocol::SigningKey`]); the protocol crate does no I/O, so
//! keeping it is here.

use super::SecretStore;
use crate::error::Result;
use crate::protocol::SigningKey;

/// The keychain account a school's signing key is kept under:
/// `signing-key:<学校标识码>`.
pub fn signing_key_account(school_code: &str) -> String {
    format!("signing-key:{school_code}")
}

/// Keeping a [`SigningKey`] in a [`SecretStore`] and reading it back.
pub trait SigningKeyStore: Sized {
    /// Keeps the key in `store` as the school's signing key (account
    /// [`signing_key_account`]).
    fn save(&self, store: &dyn SecretStore, school_code: &str) -> Result<()>;

    /// The school's signing key from `store`, if one was saved.
    fn load(store: &dyn SecretStore, school_code: &str) -> Result<Option<Self>>;
}

impl SigningKeyStore for SigningKey {
    fn save(&self, store: &dyn SecretStore, school_code: &str) -> Result<()> {
        store.set(&signing_key_account(school_code), &self.to_bytes()[..])
    }

    fn load(store: &dyn SecretStore, school_code: &str) -> Result<Option<SigningKey>> {
        match store.get(&signing_key_account(school_code))? {
            Some(bytes) => Ok(Some(SigningKey::from_bytes(&bytes)?)),
            None => Ok(None),
        }
    }
}
