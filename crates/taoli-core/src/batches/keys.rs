//! Where the school's signing key lives (`docs/batches.md`, "The signing key").
//!
//! Made at enrollment from the operating system's CSPRNG
//! ([`SigningKey::generate`]). Kept in the computer's keychain, account
//! `signing-key:<学校标识码>` ([`SigningKey::save`]); where this computer has
//! no usable keychain, wrapped under the 系统管理员 password
//! ([`crate::secrets::wrap`], Argon2id + XChaCha20-Poly1305) and kept in the
//! school file's `enrollment` row, so that signing needs that password.
//! The school file itself is encrypted under a key derived from the same
//! password; the wrapping makes the key unusable to someone who opens the
//! file on a PC whose keychain remembers the file key.

use std::fmt;

use serde::Serialize;
use ts_rs::TS;

use crate::error::messages::{self, Locale};
use crate::error::{BatchError, SecretsError};
use crate::error::{Error, Particular, Result, Worded};
use crate::protocol::SigningKey;
use crate::secrets::{SecretKey, SecretStore, SigningKeyStore, WrappedKey};

/// Where this computer keeps the school's signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyPlace {
    /// The computer's keychain (密钥环 / 凭据管理器 / 钥匙串).
    Keychain,
    /// The school file, wrapped under the 系统管理员 password.
    SchoolFile,
}

impl KeyPlace {
    pub const ALL: [KeyPlace; 2] = [KeyPlace::Keychain, KeyPlace::SchoolFile];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyPlace::Keychain => "keychain",
            KeyPlace::SchoolFile => "school_file",
        }
    }

    pub(crate) fn parse(text: &str) -> KeyPlace {
        if text == "keychain" {
            KeyPlace::Keychain
        } else {
            KeyPlace::SchoolFile
        }
    }

    /// Where the key is kept, in `locale`.
    pub fn said(self, locale: Locale) -> String {
        messages::word(locale, "key_place", self.as_str())
    }

    /// Where the key is kept, as the audit trail stores it (stored words
    /// never change).
    pub fn label(self) -> &'static str {
        match self {
            KeyPlace::Keychain => "这台电脑的密钥环",
            KeyPlace::SchoolFile => "学校文件（用系统管理员密码加密）",
        }
    }
}

/// How an operation reaches the signing key: the computer's keychain, if it
/// has one, and the 系统管理员 password for the copy kept in the school file.
#[derive(Clone, Copy, Default)]
pub struct KeyAccess<'a> {
    /// The keychain; None on a computer without a usable one.
    pub keychain: Option<&'a dyn SecretStore>,
    /// The 系统管理员 password, for a key kept in the school file.
    pub admin_password: Option<&'a str>,
}

impl<'a> KeyAccess<'a> {
    pub fn new(keychain: Option<&'a dyn SecretStore>, admin_password: Option<&'a str>) -> Self {
        KeyAccess {
            keychain,
            admin_password,
        }
    }
}

impl fmt::Debug for KeyAccess<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyAccess")
            .field("keychain", &self.keychain.is_some())
            .field("admin_password", &self.admin_password.map(|_| "…"))
            .finish()
    }
}

/// A new key kept: where, and the wrapped copy when it is the school file's.
pub(crate) struct KeptKey {
    pub place: KeyPlace,
    pub wrapped: Option<String>,
}

/// Keeps a new signing key: in the keychain when it takes it, else wrapped
/// under the 系统管理员 password, which `is_admin_password` checks first (a
/// key wrapped under a wrong password would be lost).
pub(crate) fn keep_new_key(
    access: &KeyAccess<'_>,
    school: &str,
    key: &SigningKey,
    is_admin_password: &dyn Fn(&str) -> Result<bool>,
) -> Result<KeptKey> {
    if let Some(keychain) = access.keychain {
        match key.save(keychain, school) {
            Ok(()) => {
                return Ok(KeptKey {
                    place: KeyPlace::Keychain,
                    wrapped: None,
                });
            }
            Err(Error::Secrets(SecretsError::KeychainUnavailable { .. })) => {}
            Err(other) => return Err(other),
        }
    }
    let password = access
        .admin_password
        .ok_or(BatchError::AdminPasswordNeeded)?;
    if !is_admin_password(password)? {
        return Err(BatchError::WrongAdminPassword.into());
    }
    let secret = SecretKey::from_slice(&key.to_bytes()[..])?;
    let wrapped = crate::secrets::wrap(&secret, password)?.to_json()?;
    Ok(KeptKey {
        place: KeyPlace::SchoolFile,
        wrapped: Some(wrapped),
    })
}

/// The school's signing key `key_id`, from where enrollment kept it.
pub(crate) fn load_key(
    access: &KeyAccess<'_>,
    school: &str,
    key_id: &str,
    place: KeyPlace,
    wrapped: Option<&str>,
) -> Result<SigningKey> {
    let key = match place {
        KeyPlace::Keychain => {
            let Some(keychain) = access.keychain else {
                return Err(BatchError::SigningKeyMissing {
                    detail: Particular::said("particular.no_keychain", vec![]),
                }
                .into());
            };
            match SigningKey::load(keychain, school) {
                Ok(Some(key)) => key,
                Ok(None) => {
                    return Err(BatchError::SigningKeyMissing {
                        detail: Particular::said("particular.key_not_in_keychain", vec![]),
                    }
                    .into());
                }
                Err(Error::Secrets(SecretsError::KeychainUnavailable { detail })) => {
                    return Err(BatchError::SigningKeyMissing {
                        detail: Particular::from(Worded::said_in(
                            "particular.keychain_unusable",
                            |locale| vec![("detail", detail.message(locale))],
                        )),
                    }
                    .into());
                }
                Err(other) => return Err(other),
            }
        }
        KeyPlace::SchoolFile => {
            let wrapped = wrapped.ok_or_else(|| {
                Error::Batch(BatchError::SigningKeyMissing {
                    detail: Particular::said("particular.no_key_copy_in_file", vec![]),
                })
            })?;
            let password = access
                .admin_password
                .ok_or(BatchError::AdminPasswordNeeded)?;
            let secret = crate::secrets::unwrap(&WrappedKey::from_json(wrapped)?, password)
                .map_err(|e| match e {
                    Error::Secrets(SecretsError::WrongPassword) => {
                        Error::Batch(BatchError::SigningKeyPasswordWrong)
                    }
                    other => other,
                })?;
            SigningKey::from_bytes(secret.as_bytes())?
        }
    };
    if key.key_id() != key_id {
        return Err(BatchError::SigningKeyMissing {
            detail: Particular::said(
                match place {
                    KeyPlace::Keychain => "particular.keychain_key_of_another_enrollment",
                    KeyPlace::SchoolFile => "particular.file_key_of_another_enrollment",
                },
                vec![("found", key.key_id()), ("expected", key_id.to_owned())],
            ),
        }
        .into());
    }
    Ok(key)
}
