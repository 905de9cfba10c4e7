//! Passwords: how strong one must be, and account passwords kept as Argon2id
//! PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$…`).

use argon2::password_hash::Error as HashError;
use argon2::{ARGON2ID_IDENT, Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

use super::wrap::KdfParams;
use crate::error::{Error, Particular, Result};
use crate::error::{InternalError, SecretsError};

/// A password as it is hashed and derived from: Unicode NFKC, so the same
/// password typed through a Chinese input method in full-width form
/// (ＡＢＣ１２３) and in half-width form (ABC123) is one password. Nothing else
/// changes: case and spaces count.
pub(crate) fn canonical(password: &str) -> zeroize::Zeroizing<String> {
    use unicode_normalization::UnicodeNormalization;
    zeroize::Zeroizing::new(password.nfkc().collect())
}

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Refuses a password that is empty (or only spaces) or shorter than
/// [`MIN_PASSWORD_CHARS`] characters (counted as characters, so 8 汉字 pass).
pub fn check_password_strength(password: &str) -> Result<()> {
    if password.trim().is_empty() {
        return Err(SecretsError::EmptyPassword {
            min: MIN_PASSWORD_CHARS,
        }
        .into());
    }
    let len = password.chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Err(SecretsError::WeakPassword {
            len,
            min: MIN_PASSWORD_CHARS,
        }
        .into());
    }
    Ok(())
}

/// The password as an Argon2id PHC string with a random salt and
/// [`KdfParams::RECOMMENDED`]. The password must pass
/// [`check_password_strength`].
pub fn hash_password(password: &str) -> Result<String> {
    check_password_strength(password)?;
    let argon2 = argon2(&KdfParams::RECOMMENDED)?;
    let hash = argon2
        .hash_password(canonical(password).as_bytes())
        .map_err(|e| {
            Error::Internal(InternalError::SecretsFailed(format!(
                "无法计算密码摘要（{e}）"
            )))
        })?;
    Ok(hash.to_string())
}

/// Whether `password` is the one `phc` was made from. A PHC string that is
/// malformed, not Argon2id, or asks for more than [`KdfParams`]' limits is
/// [`SecretsError::PasswordHashInvalid`].
pub fn verify_password(phc: &str, password: &str) -> Result<bool> {
    let invalid = |detail: Particular| Error::Secrets(SecretsError::PasswordHashInvalid { detail });
    let with_detail = |key, e: &dyn std::fmt::Display| {
        invalid(Particular::said(key, vec![("detail", e.to_string())]))
    };
    let hash =
        PasswordHash::new(phc).map_err(|e| with_detail("particular.password_hash.form", &e))?;
    if hash.algorithm != ARGON2ID_IDENT {
        return Err(invalid(Particular::said(
            "particular.password_hash.algorithm",
            vec![("found", hash.algorithm.to_string())],
        )));
    }
    let params = argon2::Params::try_from(&hash)
        .map_err(|e| with_detail("particular.password_hash.parameters", &e))?;
    // Checks the bounds before Argon2 allocates what the string asks for.
    KdfParams {
        memory_kib: params.m_cost(),
        iterations: params.t_cost(),
        parallelism: params.p_cost(),
    }
    .argon2()
    .map_err(invalid)?;
    match Argon2::default().verify_password(canonical(password).as_bytes(), &hash) {
        Ok(()) => Ok(true),
        Err(HashError::PasswordInvalid) => Ok(false),
        Err(e) => Err(with_detail("particular.password_hash.unverifiable", &e)),
    }
}

fn argon2(params: &KdfParams) -> Result<Argon2<'static>> {
    params
        .argon2()
        .map_err(|e| InternalError::SecretsFailed(e.to_string()).into())
}
