//! The school key wrapped under a password: Argon2id derives a key-encryption
//! key from the 系统管理员 password and a random salt; XChaCha20-Poly1305
//! encrypts the school key under it with a random nonce.
//!
//! Stored form (`docs/secrets.md`), one compact JSON object:
//!
//! ```json
//! {"v":1,"kdf":"argon2id","m":19456,"t":2,"p":1,"salt":"…","aead":"xchacha20poly1305","nonce":"…","ct":"…","check":"…"}
//! ```
//!
//! `check` is a checksum (SHA-256 over the other fields, first 8 bytes) that
//! tells a damaged copy from a wrong password. It is not a security measure:
//! the AEAD tag is what refuses a forged or altered copy.

use std::fmt::Write as _;

use argon2::{Algorithm, Argon2, Params, Version};
use base64ct::{Base64, Encoding};
use chacha20poly1305::{AeadInOut, KeyInit, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::key::{KEY_LEN, SecretKey};
use super::password::{canonical, check_password_strength};
use crate::error::{Error, Particular, Result};
use crate::error::{InternalError, SecretsError};

/// The stored form's version (`"v"`). A different one is refused with
/// [`SecretsError::WrappedKeyUnsupported`].
pub const FORMAT_VERSION: u32 = 1;
/// The key derivation function (`"kdf"`): Argon2id, version 0x13.
pub const KDF_NAME: &str = "argon2id";
/// The cipher (`"aead"`): XChaCha20-Poly1305.
pub const AEAD_NAME: &str = "xchacha20poly1305";
/// Length of the Argon2id salt in bytes.
pub const SALT_LEN: usize = 16;
/// Length of the XChaCha20-Poly1305 nonce in bytes.
pub const NONCE_LEN: usize = 24;
/// The Poly1305 tag after the encrypted key.
const TAG_LEN: usize = 16;
/// Bound into the AEAD tag: this ciphertext is a Taoli school key, format 1.
const ASSOCIATED_DATA: &[u8] = b"taoli wrapped school key v1";
/// Length of `check` in bytes (hex in the stored form).
const CHECK_LEN: usize = 8;

/// Argon2id's cost parameters, kept with each wrapped key so a later Taoli
/// can raise the defaults without losing older files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB (`"m"`).
    pub memory_kib: u32,
    /// Passes over the memory (`"t"`).
    pub iterations: u32,
    /// Lanes (`"p"`).
    pub parallelism: u32,
}

impl KdfParams {
    /// OWASP's first recommended Argon2id setting (Password Storage Cheat
    /// Sheet): 19 MiB, 2 passes, 1 lane. About 15–25 ms a derivation on the
    /// build machine with Argon2 optimized (`docs/secrets.md`).
    pub const RECOMMENDED: KdfParams = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    /// The most memory a stored copy may ask for (1 GiB): a damaged or
    /// hostile copy must not make Taoli allocate more.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    /// The most passes a stored copy may ask for.
    pub const MAX_ITERATIONS: u32 = 16;
    /// The most lanes a stored copy may ask for.
    pub const MAX_PARALLELISM: u32 = 16;

    /// Argon2id with these parameters, or why they are refused.
    pub(super) fn argon2(&self) -> std::result::Result<Argon2<'static>, Particular> {
        let over = |key, value: u32, limit: u32| {
            Particular::said(
                key,
                vec![("value", value.to_string()), ("limit", limit.to_string())],
            )
        };
        if self.memory_kib > Self::MAX_MEMORY_KIB {
            return Err(over(
                "particular.stored.memory_over",
                self.memory_kib,
                Self::MAX_MEMORY_KIB,
            ));
        }
        if self.iterations > Self::MAX_ITERATIONS {
            return Err(over(
                "particular.stored.iterations_over",
                self.iterations,
                Self::MAX_ITERATIONS,
            ));
        }
        if self.parallelism > Self::MAX_PARALLELISM {
            return Err(over(
                "particular.stored.parallelism_over",
                self.parallelism,
                Self::MAX_PARALLELISM,
            ));
        }
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| {
            Particular::said(
                "particular.stored.argon2_invalid",
                vec![("detail", e.to_string())],
            )
        })?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::RECOMMENDED
    }
}

/// A [`SecretKey`] encrypted under a password. Plain data: nothing here is
/// secret without the password. Serializes to the stored form above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    /// How the key-encryption key was derived from the password.
    pub params: KdfParams,
    /// Argon2id salt, random for each wrap.
    pub salt: [u8; SALT_LEN],
    /// XChaCha20-Poly1305 nonce, random for each wrap.
    pub nonce: [u8; NONCE_LEN],
    /// The encrypted key followed by its 16-byte tag.
    pub ciphertext: Vec<u8>,
}

/// Wraps `key` under `password` with [`KdfParams::RECOMMENDED`].
///
/// The password must pass [`check_password_strength`].
pub fn wrap(key: &SecretKey, password: &str) -> Result<WrappedKey> {
    wrap_with(key, password, KdfParams::RECOMMENDED)
}

/// Wraps `key` under `password` with the given Argon2id parameters.
pub fn wrap_with(key: &SecretKey, password: &str, params: KdfParams) -> Result<WrappedKey> {
    check_password_strength(password)?;
    let mut salt = [0u8; SALT_LEN];
    super::random_bytes(&mut salt)?;
    let mut nonce = [0u8; NONCE_LEN];
    super::random_bytes(&mut nonce)?;

    let cipher = cipher(&params, &salt, password)
        .map_err(|e| InternalError::SecretsFailed(e.to_string()))?;
    let mut buffer = Zeroizing::new(Vec::with_capacity(KEY_LEN + TAG_LEN));
    buffer.extend_from_slice(key.as_bytes());
    cipher
        .encrypt_in_place(&XNonce::from(nonce), ASSOCIATED_DATA, &mut *buffer)
        .map_err(|_| InternalError::SecretsFailed("加密密钥失败".to_owned()))?;
    Ok(WrappedKey {
        params,
        salt,
        nonce,
        ciphertext: buffer.to_vec(),
    })
}

/// The key inside `wrapped`, given the password it was wrapped under.
///
/// A wrong password (or a copy altered on purpose, which the cipher cannot
/// tell apart from one) is [`SecretsError::WrongPassword`]; parameters out of bounds
/// or a ciphertext of the wrong length are [`SecretsError::WrappedKeyDamaged`].
pub fn unwrap(wrapped: &WrappedKey, password: &str) -> Result<SecretKey> {
    if wrapped.ciphertext.len() != KEY_LEN + TAG_LEN {
        return Err(damaged(ciphertext_length(wrapped.ciphertext.len())));
    }
    let cipher = cipher(&wrapped.params, &wrapped.salt, password).map_err(damaged)?;
    let mut buffer = Zeroizing::new(wrapped.ciphertext.clone());
    cipher
        .decrypt_in_place(&XNonce::from(wrapped.nonce), ASSOCIATED_DATA, &mut *buffer)
        .map_err(|_| SecretsError::WrongPassword)?;
    SecretKey::from_slice(&buffer)
}

/// The 256-bit key Argon2id derives from `password` (as typed: it is
/// normalized to NFKC first, as everywhere else) and `salt` with `params`.
///
/// This is the key-encryption key of [`wrap`], and the school file's own key
/// (`store::FileKey`). The password is not checked for strength here: a key
/// is derived to open as well as to protect, and a later change of the rule
/// must not lock anyone out.
pub fn derive_key(password: &str, salt: &[u8; SALT_LEN], params: KdfParams) -> Result<SecretKey> {
    derive(&params, salt, password).map_err(|e| InternalError::SecretsFailed(e.to_string()).into())
}

fn derive(
    params: &KdfParams,
    salt: &[u8; SALT_LEN],
    password: &str,
) -> std::result::Result<SecretKey, Particular> {
    let argon2 = params.argon2()?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    argon2
        .hash_password_into(canonical(password).as_bytes(), salt, &mut key[..])
        .map_err(|e| {
            Particular::said(
                "particular.stored.derive_failed",
                vec![("detail", e.to_string())],
            )
        })?;
    SecretKey::from_slice(&key[..]).map_err(Particular::from)
}

/// XChaCha20-Poly1305 under the key Argon2id derives from `password`.
fn cipher(
    params: &KdfParams,
    salt: &[u8; SALT_LEN],
    password: &str,
) -> std::result::Result<XChaCha20Poly1305, Particular> {
    let kek = derive(params, salt, password)?;
    XChaCha20Poly1305::new_from_slice(kek.as_bytes()).map_err(|e| {
        Particular::said(
            "particular.stored.key_length_wrong",
            vec![("detail", e.to_string())],
        )
    })
}

fn ciphertext_length(actual: usize) -> Particular {
    Particular::said(
        "particular.stored.ciphertext_length",
        vec![
            ("expected", (KEY_LEN + TAG_LEN).to_string()),
            ("actual", actual.to_string()),
        ],
    )
}

fn damaged(detail: Particular) -> Error {
    Error::Secrets(SecretsError::WrappedKeyDamaged { detail })
}

impl WrappedKey {
    /// The stored form as compact JSON.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string(self)?)
    }

    /// Reads the stored form. An unknown version is
    /// [`SecretsError::WrappedKeyUnsupported`]; anything else wrong with it
    /// (not JSON, a missing field, an unknown algorithm, a bad length, a
    /// checksum that does not match) is [`SecretsError::WrappedKeyDamaged`].
    pub fn from_json(text: &str) -> Result<WrappedKey> {
        let value: Value = serde_json::from_str(text).map_err(|e| damaged(not_json(&e)))?;
        WrappedKey::from_stored(&value)
    }

    fn stored(&self) -> StoredFields<'static> {
        let mut fields = StoredFields {
            v: u64::from(FORMAT_VERSION),
            kdf: KDF_NAME,
            m: u64::from(self.params.memory_kib),
            t: u64::from(self.params.iterations),
            p: u64::from(self.params.parallelism),
            salt: Base64::encode_string(&self.salt),
            aead: AEAD_NAME,
            nonce: Base64::encode_string(&self.nonce),
            ct: Base64::encode_string(&self.ciphertext),
            check: String::new(),
        };
        fields.check = fields.checksum();
        fields
    }

    fn from_stored(value: &Value) -> Result<WrappedKey> {
        let Some(object) = value.as_object() else {
            return Err(damaged(Particular::said(
                "particular.stored.not_an_object",
                vec![],
            )));
        };
        let version = number(object, "v")?;
        if version != u64::from(FORMAT_VERSION) {
            return Err(SecretsError::WrappedKeyUnsupported {
                version,
                supported: FORMAT_VERSION,
            }
            .into());
        }
        let fields = StoredFields {
            v: version,
            kdf: text(object, "kdf")?,
            m: number(object, "m")?,
            t: number(object, "t")?,
            p: number(object, "p")?,
            salt: text(object, "salt")?.to_owned(),
            aead: text(object, "aead")?,
            nonce: text(object, "nonce")?.to_owned(),
            ct: text(object, "ct")?.to_owned(),
            check: text(object, "check")?.to_owned(),
        };
        if fields.check != fields.checksum() {
            return Err(damaged(Particular::said(
                "particular.stored.checksum_mismatch",
                vec![],
            )));
        }
        if fields.kdf != KDF_NAME {
            return Err(damaged(Particular::said(
                "particular.stored.unknown_kdf",
                vec![("name", fields.kdf.to_owned())],
            )));
        }
        if fields.aead != AEAD_NAME {
            return Err(damaged(Particular::said(
                "particular.stored.unknown_cipher",
                vec![("name", fields.aead.to_owned())],
            )));
        }
        let params = KdfParams {
            memory_kib: small(fields.m, "m")?,
            iterations: small(fields.t, "t")?,
            parallelism: small(fields.p, "p")?,
        };
        params.argon2().map_err(damaged)?;
        let ciphertext = bytes(&fields.ct, "ct")?;
        if ciphertext.len() != KEY_LEN + TAG_LEN {
            return Err(damaged(ciphertext_length(ciphertext.len())));
        }
        Ok(WrappedKey {
            params,
            salt: fixed(&fields.salt, "salt")?,
            nonce: fixed(&fields.nonce, "nonce")?,
            ciphertext,
        })
    }
}

/// The stored form's fields, in the order they are written; `check` is
/// computed over the others.
#[derive(Serialize)]
struct StoredFields<'a> {
    v: u64,
    kdf: &'a str,
    m: u64,
    t: u64,
    p: u64,
    salt: String,
    aead: &'a str,
    nonce: String,
    ct: String,
    check: String,
}

impl StoredFields<'_> {
    fn checksum(&self) -> String {
        let canonical = format!(
            "v={};kdf={};m={};t={};p={};salt={};aead={};nonce={};ct={}",
            self.v, self.kdf, self.m, self.t, self.p, self.salt, self.aead, self.nonce, self.ct
        );
        let digest = Sha256::digest(canonical.as_bytes());
        digest
            .iter()
            .take(CHECK_LEN)
            .fold(String::new(), |mut hex, byte| {
                let _ = write!(hex, "{byte:02x}");
                hex
            })
    }
}

fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a Value> {
    object
        .get(name)
        .ok_or_else(|| damaged(of_field("particular.stored.field_missing", name)))
}

fn number(object: &Map<String, Value>, name: &str) -> Result<u64> {
    field(object, name)?
        .as_u64()
        .ok_or_else(|| damaged(of_field("particular.stored.field_not_count", name)))
}

fn text<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a str> {
    field(object, name)?
        .as_str()
        .ok_or_else(|| damaged(of_field("particular.stored.field_not_text", name)))
}

fn small(value: u64, name: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| {
        damaged(Particular::said(
            "particular.stored.field_too_big",
            vec![("name", name.to_owned()), ("value", value.to_string())],
        ))
    })
}

fn bytes(encoded: &str, name: &str) -> Result<Vec<u8>> {
    Base64::decode_vec(encoded)
        .map_err(|_| damaged(of_field("particular.stored.field_not_base64", name)))
}

fn fixed<const N: usize>(encoded: &str, name: &str) -> Result<[u8; N]> {
    let decoded = bytes(encoded, name)?;
    decoded.as_slice().try_into().map_err(|_| {
        damaged(Particular::said(
            "particular.stored.field_length",
            vec![
                ("name", name.to_owned()),
                ("expected", N.to_string()),
                ("actual", decoded.len().to_string()),
            ],
        ))
    })
}

impl Serialize for WrappedKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.stored().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WrappedKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        WrappedKey::from_stored(&value).map_err(serde::de::Error::custom)
    }
}

/// A stored field named in a particular.
fn of_field(key: &'static str, name: &str) -> Particular {
    Particular::said(key, vec![("name", name.to_owned())])
}

/// Text that should have been JSON.
fn not_json(error: &serde_json::Error) -> Particular {
    Particular::said(
        "particular.stored.not_json",
        vec![("detail", error.to_string())],
    )
}
