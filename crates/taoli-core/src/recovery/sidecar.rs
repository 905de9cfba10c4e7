//! The recovery file (恢复文件): the school file's keys sealed under the
//! recovery code, kept beside the school file (`学校.taoli.恢复`) and in every
//! backup folder, because it must be read without the file's key.
//!
//! Stored form, one JSON object (version `v`):
//!
//! ```json
//! {"format":"taoli-recovery","v":1,"file_salt":"<32 hex>","code_id":"<16 hex>",
//!  "kdf":"argon2id","m":19456,"t":2,"p":1,"code_salt":"<base64>",
//!  "aead":"xchacha20poly1305","keys":[{"nonce":"<base64>","ct":"<base64>"}, …],
//!  "made_at":"2026-12-05T21:40:00.000Z"}
//! ```
//!
//! - the wrapping key is `Argon2id(code without dashes, code_salt)` with `m,t,p`;
//! - each entry of `keys` is a 32-byte file key under XChaCha20-Poly1305
//!   with that key, a random nonce and, as associated data,
//!   `taoli recovery file key v1` followed by the file's salt: newest first,
//!   the current key and every key the file was under before (so the code
//!   also opens backups made under an older 系统管理员 password);
//! - `file_salt` says which school file (and its copies) the keys belong to;
//! - `code_id` names the code ([`code_id`]), so a recovery file made for
//!   another code is told apart from a mistyped one before any key is derived.
//!
//! Nothing in it names the school or a teacher.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use chacha20poly1305::{AeadInOut, KeyInit, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::code::RecoveryCode;
use crate::error::{Error, Particular, Result};
use crate::error::{InternalError, RecoveryError};
use crate::secrets::{KEY_LEN, KdfParams, NONCE_LEN, SALT_LEN, SecretKey, derive_key};

/// What a recovery file's name adds to the school file's: `学校.taoli.恢复`.
pub const SIDECAR_SUFFIX: &str = ".恢复";
/// The stored form's `format`.
const FORMAT: &str = "taoli-recovery";
/// The stored form's version.
pub const SIDECAR_VERSION: u32 = 1;
const KDF: &str = "argon2id";
const AEAD: &str = "xchacha20poly1305";
/// Bound into every entry's tag, with the file's salt.
const ASSOCIATED: &[u8] = b"taoli recovery file key v1";
/// The largest recovery file read (a real one is a few KiB).
const MAX_BYTES: u64 = 1024 * 1024;
/// The most keys one holds (a password change adds one).
const MAX_KEYS: usize = 10_000;
const TAG_LEN: usize = 16;

/// The Argon2id cost of the wrapping key. The code has 140 random bits, so
/// the cost is not what protects it; it is the file key's, for one
/// derivation scheme throughout.
pub const CODE_KDF_PARAMS: KdfParams = KdfParams::RECOMMENDED;

/// The recovery file of the school file at `school`: `学校.taoli.恢复`.
pub fn sidecar_path(school: &Path) -> PathBuf {
    sidecar_in(school.parent().unwrap_or(Path::new("")), school)
}

/// The recovery file of the school file at `school`, in `folder` (a backup folder).
pub fn sidecar_in(folder: &Path, school: &Path) -> PathBuf {
    let mut name = school.file_name().unwrap_or_default().to_owned();
    name.push(SIDECAR_SUFFIX);
    folder.join(name)
}

/// The key the file keys are sealed under, derived from the code: wiped
/// when dropped, never shown.
pub(crate) struct WrappingKey {
    pub(crate) key: SecretKey,
    pub(crate) salt: [u8; SALT_LEN],
    pub(crate) params: KdfParams,
    /// The name of the code it was derived from ([`code_id`]).
    pub(crate) code_id: String,
}

impl WrappingKey {
    /// The wrapping key of `code` with a new random salt.
    pub(crate) fn new(code: &RecoveryCode) -> Result<WrappingKey> {
        let mut salt = [0u8; SALT_LEN];
        crate::secrets::random_bytes(&mut salt)?;
        WrappingKey::derive(code, salt, CODE_KDF_PARAMS)
    }

    /// The wrapping key of `code` with this salt and cost (Argon2id).
    pub(crate) fn derive(
        code: &RecoveryCode,
        salt: [u8; SALT_LEN],
        params: KdfParams,
    ) -> Result<WrappingKey> {
        Ok(WrappingKey {
            key: derive_key(&code.canonical(), &salt, params)?,
            salt,
            params,
            code_id: code_id(code),
        })
    }
}

/// The name of a code, printed on its sheet and kept in the audit trail:
/// SHA-256 of the code, first 8 bytes, in hex. It tells a recovery file made
/// for another code from a mistyped one, and reveals nothing usable of the
/// code (140 random bits cannot be searched for).
pub fn code_id(code: &RecoveryCode) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"taoli recovery code id v1");
    hasher.update(code.canonical().as_bytes());
    hex::encode(hasher.finalize().get(..8).unwrap_or_default())
}

/// A recovery file's content.
pub(crate) struct Sidecar {
    pub(crate) file_salt: [u8; SALT_LEN],
    pub(crate) code_id: String,
    pub(crate) code_salt: [u8; SALT_LEN],
    pub(crate) params: KdfParams,
    pub(crate) keys: Vec<Sealed>,
}

/// One file key sealed under the wrapping key.
pub(crate) struct Sealed {
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl Sidecar {
    /// Seals `keys` (newest first) of the file with `file_salt` under `wrapping`.
    pub(crate) fn seal(
        wrapping: &WrappingKey,
        file_salt: [u8; SALT_LEN],
        keys: &[&SecretKey],
    ) -> Result<Sidecar> {
        let cipher = cipher(&wrapping.key)?;
        let sealed = keys
            .iter()
            .map(|key| {
                let mut nonce = [0u8; NONCE_LEN];
                crate::secrets::random_bytes(&mut nonce)?;
                let mut buffer = Zeroizing::new(Vec::with_capacity(KEY_LEN + TAG_LEN));
                buffer.extend_from_slice(key.as_bytes());
                cipher
                    .encrypt_in_place(&XNonce::from(nonce), &associated(&file_salt), &mut *buffer)
                    .map_err(|_| {
                        Error::Internal(InternalError::SecretsFailed(
                            "无法为恢复文件加密密钥".to_owned(),
                        ))
                    })?;
                Ok(Sealed {
                    nonce,
                    ciphertext: buffer.to_vec(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Sidecar {
            file_salt,
            code_id: wrapping.code_id.clone(),
            code_salt: wrapping.salt,
            params: wrapping.params,
            keys: sealed,
        })
    }

    /// Every key, newest first, given the wrapping key of the code it was
    /// sealed under; `None` when the code is another one.
    pub(crate) fn open(&self, wrapping: &WrappingKey) -> Result<Option<Vec<SecretKey>>> {
        let cipher = cipher(&wrapping.key)?;
        let mut keys = Vec::with_capacity(self.keys.len());
        for sealed in &self.keys {
            let mut buffer = Zeroizing::new(sealed.ciphertext.clone());
            if cipher
                .decrypt_in_place(
                    &XNonce::from(sealed.nonce),
                    &associated(&self.file_salt),
                    &mut *buffer,
                )
                .is_err()
            {
                return Ok(None);
            }
            keys.push(SecretKey::from_slice(&buffer)?);
        }
        Ok(Some(keys))
    }

    pub(crate) fn to_json(&self) -> Result<String> {
        let stored = Stored {
            format: FORMAT.to_owned(),
            v: SIDECAR_VERSION,
            file_salt: hex::encode(self.file_salt),
            code_id: self.code_id.clone(),
            kdf: KDF.to_owned(),
            m: self.params.memory_kib,
            t: self.params.iterations,
            p: self.params.parallelism,
            code_salt: Base64::encode_string(&self.code_salt),
            aead: AEAD.to_owned(),
            keys: self
                .keys
                .iter()
                .map(|k| StoredKey {
                    nonce: Base64::encode_string(&k.nonce),
                    ct: Base64::encode_string(&k.ciphertext),
                })
                .collect(),
            made_at: crate::time::now(),
        };
        Ok(serde_json::to_string_pretty(&stored)?)
    }

    /// Reads the recovery file at `path`. Anything wrong with it is
    /// [`RecoveryError::RecoverySidecarDamaged`].
    pub(crate) fn read(path: &Path) -> Result<Sidecar> {
        let damaged = |detail: Particular| {
            Error::Recovery(RecoveryError::RecoverySidecarDamaged {
                path: path.to_owned(),
                detail,
            })
        };
        let size = fs::metadata(path).map_err(Error::io(path))?.len();
        if size > MAX_BYTES {
            return Err(damaged(Particular::said(
                "particular.recovery_file.too_large",
                vec![("size", size.to_string())],
            )));
        }
        let text =
            fs::read_to_string(path).map_err(|e| damaged(Particular::Text(e.to_string())))?;
        let stored: Stored = serde_json::from_str(&text).map_err(|e| {
            damaged(Particular::said(
                "particular.stored.not_json",
                vec![("detail", e.to_string())],
            ))
        })?;
        if stored.format != FORMAT {
            return Err(damaged(Particular::said(
                "particular.recovery_file.format",
                vec![("format", stored.format.clone())],
            )));
        }
        if stored.v != SIDECAR_VERSION {
            return Err(damaged(Particular::said(
                "particular.recovery_file.version",
                vec![
                    ("version", stored.v.to_string()),
                    ("supported", SIDECAR_VERSION.to_string()),
                ],
            )));
        }
        if stored.kdf != KDF || stored.aead != AEAD {
            return Err(damaged(Particular::said(
                "particular.recovery_file.algorithms",
                vec![("kdf", stored.kdf.clone()), ("aead", stored.aead.clone())],
            )));
        }
        if stored.keys.is_empty() || stored.keys.len() > MAX_KEYS {
            return Err(damaged(Particular::said(
                "particular.recovery_file.key_count",
                vec![("count", stored.keys.len().to_string())],
            )));
        }
        let params = KdfParams {
            memory_kib: stored.m,
            iterations: stored.t,
            parallelism: stored.p,
        };
        if params.memory_kib < params.parallelism.max(1).saturating_mul(8)
            || params.memory_kib > KdfParams::MAX_MEMORY_KIB
            || params.iterations < 1
            || params.iterations > KdfParams::MAX_ITERATIONS
            || params.parallelism < 1
            || params.parallelism > KdfParams::MAX_PARALLELISM
        {
            return Err(damaged(Particular::said(
                "particular.recovery_file.parameters",
                vec![
                    ("m", stored.m.to_string()),
                    ("t", stored.t.to_string()),
                    ("p", stored.p.to_string()),
                ],
            )));
        }
        let file_salt = hex::decode(&stored.file_salt)
            .ok()
            .and_then(|b| <[u8; SALT_LEN]>::try_from(b.as_slice()).ok())
            .ok_or_else(|| damaged(wrong_field("file_salt")))?;
        let code_salt = fixed::<SALT_LEN>(&stored.code_salt)
            .ok_or_else(|| damaged(wrong_field("code_salt")))?;
        let keys = stored
            .keys
            .iter()
            .map(|k| {
                let nonce = fixed::<NONCE_LEN>(&k.nonce)?;
                let ciphertext = Base64::decode_vec(&k.ct).ok()?;
                (ciphertext.len() == KEY_LEN + TAG_LEN).then_some(Sealed { nonce, ciphertext })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| damaged(Particular::said("particular.recovery_file.keys", vec![])))?;
        Ok(Sidecar {
            file_salt,
            code_id: stored.code_id,
            code_salt,
            params,
            keys,
        })
    }

    /// Writes it to `path` so that `path` always holds a whole recovery
    /// file, the old or the new: written beside it, flushed to the disk,
    /// renamed over it, and the folder flushed.
    pub(crate) fn write(&self, path: &Path) -> Result<()> {
        write_atomically(path, self.to_json()?.as_bytes())
    }
}

/// A field of the recovery file that is not what it should be.
fn wrong_field(name: &str) -> Particular {
    Particular::said(
        "particular.recovery_file.field",
        vec![("name", name.to_owned())],
    )
}

fn fixed<const N: usize>(encoded: &str) -> Option<[u8; N]> {
    let bytes = Base64::decode_vec(encoded).ok()?;
    <[u8; N]>::try_from(bytes.as_slice()).ok()
}

fn associated(file_salt: &[u8; SALT_LEN]) -> Vec<u8> {
    let mut data = ASSOCIATED.to_vec();
    data.extend_from_slice(file_salt);
    data
}

fn cipher(key: &SecretKey) -> Result<XChaCha20Poly1305> {
    XChaCha20Poly1305::new_from_slice(key.as_bytes())
        .map_err(|e| Error::Internal(InternalError::SecretsFailed(format!("密钥长度不对（{e}）"))))
}

/// Writes `bytes` to `path` all or nothing: a temporary file beside it,
/// `fsync`, rename over `path`, `fsync` of the folder (where the platform
/// allows it), so a crash leaves the old file or the new one, never a part.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".writing");
    let temporary = PathBuf::from(temporary);
    let written = (|| -> std::io::Result<()> {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temporary, path)?;
        sync_folder(path);
        Ok(())
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(Error::io(path)(error));
    }
    Ok(())
}

/// Flushes the folder holding `path`, so a rename in it survives a power
/// cut. Windows cannot open a folder this way; there the rename is left to
/// NTFS's own journal.
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    {
        let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(folder) => folder,
            None => Path::new("."),
        };
        if let Ok(dir) = fs::File::open(folder) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: String,
    v: u32,
    file_salt: String,
    code_id: String,
    kdf: String,
    m: u32,
    t: u32,
    p: u32,
    code_salt: String,
    aead: String,
    keys: Vec<StoredKey>,
    made_at: String,
}

#[derive(Serialize, Deserialize)]
struct StoredKey {
    nonce: String,
    ct: String,
}
