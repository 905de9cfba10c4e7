//! The school key: 32 random bytes, wiped from memory when dropped.

use std::fmt;

use zeroize::Zeroize;

use crate::error::InternalError;
use crate::error::{Error, Result};

/// Length of a [`SecretKey`] in bytes (256 bits).
pub const KEY_LEN: usize = 32;

/// A 256-bit key from the operating system's CSPRNG.
///
/// The bytes are zeroized when the key is dropped, and neither `Debug` nor any
/// other formatting shows them. There is deliberately no `Clone`,
/// `PartialEq` or `Serialize`: a key leaves this type only through
/// [`SecretKey::as_bytes`] (to a store or a cipher) or wrapped under a
/// password ([`super::wrap`]).
pub struct SecretKey {
    bytes: [u8; KEY_LEN],
}

impl SecretKey {
    /// A new random key.
    pub fn generate() -> Result<SecretKey> {
        let mut key = SecretKey {
            bytes: [0; KEY_LEN],
        };
        super::random_bytes(&mut key.bytes)?;
        Ok(key)
    }

    /// A key from its bytes (e.g. as read back from the keychain); the slice
    /// must be exactly [`KEY_LEN`] bytes long. The caller should wipe its copy.
    pub fn from_slice(bytes: &[u8]) -> Result<SecretKey> {
        let bytes: [u8; KEY_LEN] = bytes.try_into().map_err(|_| {
            Error::Internal(InternalError::SecretsFailed(format!(
                "密钥应为 {KEY_LEN} 字节，实为 {} 字节",
                bytes.len()
            )))
        })?;
        Ok(SecretKey { bytes })
    }

    /// The key's bytes, for a secret store or a cipher. Do not copy them into
    /// anything that outlives the call without wiping it.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({KEY_LEN} bytes, hidden)")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn generated_keys_differ() {
        let a = SecretKey::generate().unwrap();
        let b = SecretKey::generate().unwrap();
        assert_ne!(a.as_bytes(), b.as_bytes());
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        assert!(SecretKey::from_slice(&[7; 31]).is_err());
        assert!(SecretKey::from_slice(&[7; 33]).is_err());
        assert_eq!(
            SecretKey::from_slice(&[7; 32]).unwrap().as_bytes(),
            &[7; 32]
        );
    }
}
