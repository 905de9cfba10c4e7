//! Secrets: keys (密钥), where they are kept, and passwords (密码).
//!
//! [`derive_key`] is the one Argon2id derivation from a password. The school
//! file's SQLCipher key is derived with it from the 系统管理员 password and
//! the file's salt (`store::FileKey`, `docs/encryption.md`), and cached in
//! the computer's keychain (密钥环: Secret Service on Linux, Credential Manager
//! on Windows, Keychain on macOS) through a [`SecretStore`], so the file opens
//! on its own PC without a password.
//!
//! A random 256-bit [`SecretKey`] kept somewhere that has room for it (the
//! upstream signing key, later) is wrapped under a password as a
//! [`WrappedKey`] (Argon2id + XChaCha20-Poly1305).
//!
//! Account passwords are kept as Argon2id PHC strings ([`hash_password`],
//! [`verify_password`]). Every password that protects something first passes
//! [`check_password_strength`].
//!
//! No cryptography is written here: Argon2id comes from `argon2`,
//! XChaCha20-Poly1305 from `chacha20poly1305`, randomness from the operating
//! system through `getrandom`, and key bytes are wiped with `zeroize`.
//! See `docs/secrets.md`.

mod key;
mod password;
mod signing_key;
mod store;
mod wrap;

pub use key::{KEY_LEN, SecretKey};
pub use password::{MIN_PASSWORD_CHARS, check_password_strength, hash_password, verify_password};
pub use signing_key::{SigningKeyStore, signing_key_account};
pub use store::{KeychainSecretStore, MemorySecretStore, SERVICE, SecretStore, school_key_account};
pub use wrap::{
    AEAD_NAME, FORMAT_VERSION, KDF_NAME, KdfParams, NONCE_LEN, SALT_LEN, WrappedKey, derive_key,
    unwrap, wrap, wrap_with,
};

pub use zeroize::Zeroizing;

use crate::error::InternalError;
use crate::error::{Error, Result};

/// Fills `buf` from the operating system's CSPRNG.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| {
        Error::Internal(InternalError::SecretsFailed(format!(
            "无法从操作系统取得随机数（{e}）"
        )))
    })
}
