//! Signing keys: the school's (it signs manifests and requests) and the
//! upstream's (it signs receipts). Ed25519 through `ed25519-dalek`; every
//! verification is `verify_strict`. The wire always names the algorithm
//! (`"alg":"ed25519"`) so that SM2 can be added beside it.

use std::fmt;

use ed25519_dalek::{Signature, Signer, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::codec::{self, base64, unbase64};
use super::refusal::{Refusal, RefusalCode};
use super::{ALGORITHM_ED25519, PROTOCOL_VERSION};
use crate::error::{Error, Result};

/// Length of an Ed25519 secret key, public key, and signature in bytes.
pub const ED25519_KEY_LEN: usize = 32;
pub const ED25519_SIGNATURE_LEN: usize = 64;

/// A key id: the first 16 bytes of SHA-256 over the raw public key, hex.
pub fn key_id_of(public_key: &[u8; ED25519_KEY_LEN]) -> String {
    let digest = Sha256::digest(public_key);
    let digest = digest.as_slice();
    hex::encode(digest.get(..16).unwrap_or(digest))
}

/// A public key's fingerprint (指纹), as a person compares it by eye with
/// the one the county printed: the SHA-256 of the raw 32-byte public key in
/// upper-case hex, in 16 groups of 4 separated by spaces, e.g.
/// `3F2A 9C01 … 77BE`. The upstream prints the same
/// (`taoli-upstream fingerprint`); the clerk sees it at enrollment.
pub fn fingerprint_of(public_key: &[u8; ED25519_KEY_LEN]) -> String {
    let hex = hex::encode_upper(Sha256::digest(public_key));
    let mut out = String::with_capacity(hex.len().saturating_add(hex.len() / 4));
    for (n, c) in hex.chars().enumerate() {
        if n > 0 && n.checked_rem(4) == Some(0) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// An Ed25519 signing key, wiped from memory when dropped (`ed25519-dalek`'s
/// `zeroize`), never printed. The school's key ([`SchoolSigningKey`]) and the
/// upstream's receipt-signing key are both this type.
pub struct SigningKey {
    inner: ed25519_dalek::SigningKey,
}

/// The school's signing key: made on the school's PC at enrollment and kept
/// in the keychain (by `taoli-core`; this crate keeps nothing).
pub type SchoolSigningKey = SigningKey;

impl SigningKey {
    /// A new key from the operating system's CSPRNG.
    pub fn generate() -> Result<SigningKey> {
        let mut seed = Zeroizing::new([0u8; ED25519_KEY_LEN]);
        getrandom::fill(&mut seed[..]).map_err(|e| Error::Random(e.to_string()))?;
        Ok(SigningKey {
            inner: ed25519_dalek::SigningKey::from_bytes(&seed),
        })
    }

    /// A key from its 32 secret bytes (as kept in a store); the caller wipes its copy.
    pub fn from_bytes(bytes: &[u8]) -> Result<SigningKey> {
        let seed: Zeroizing<[u8; ED25519_KEY_LEN]> =
            Zeroizing::new(bytes.try_into().map_err(|_| Error::KeyLength {
                expected: ED25519_KEY_LEN,
                actual: bytes.len(),
            })?);
        Ok(SigningKey {
            inner: ed25519_dalek::SigningKey::from_bytes(&seed),
        })
    }

    /// The 32 secret bytes, for a store. Wiped when the returned value drops.
    pub fn to_bytes(&self) -> Zeroizing<[u8; ED25519_KEY_LEN]> {
        Zeroizing::new(self.inner.to_bytes())
    }

    /// The public half, as the upstream registers it.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from_verifying(self.inner.verifying_key())
    }

    /// The key id the envelopes name.
    pub fn key_id(&self) -> String {
        key_id_of(self.inner.verifying_key().as_bytes())
    }

    /// The signature over exactly `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; ED25519_SIGNATURE_LEN] {
        self.inner.sign(message).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(ed25519 {}, secret hidden)", self.key_id())
    }
}

/// A public key as the wire carries it:
/// `{"alg":"ed25519","key_id":"…","public_key":"<base64 of 32 bytes>"}`.
///
/// Built only from a valid, non-weak Ed25519 point ([`PublicKey::from_wire`]),
/// so a `PublicKey` can always verify.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    verifying: VerifyingKey,
}

/// The JSON shape of a [`PublicKey`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyWire {
    pub alg: String,
    pub key_id: String,
    pub public_key: String,
}

impl PublicKey {
    fn from_verifying(verifying: VerifyingKey) -> PublicKey {
        PublicKey { verifying }
    }

    /// A public key from its raw 32 bytes. Refused (`malformed`) when not a
    /// valid point, or a weak (small-order) one that would verify forgeries.
    pub fn from_bytes(bytes: &[u8], malformed: RefusalCode) -> Result<PublicKey, Refusal> {
        let raw: [u8; ED25519_KEY_LEN] = bytes.try_into().map_err(|_| {
            Refusal::with_details(
                malformed,
                format!("公钥应为 {ED25519_KEY_LEN} 字节，实为 {} 字节", bytes.len()),
                format!(
                    "the public key should be {ED25519_KEY_LEN} bytes, not {}",
                    bytes.len()
                ),
            )
        })?;
        let verifying = VerifyingKey::from_bytes(&raw).map_err(|_| {
            Refusal::with_details(
                malformed,
                "公钥不是有效的 Ed25519 公钥",
                "the public key is not a valid Ed25519 public key",
            )
        })?;
        if verifying.is_weak() {
            return Err(Refusal::with_details(
                malformed,
                "公钥是弱密钥，不能使用",
                "the public key is a weak key and cannot be used",
            ));
        }
        Ok(PublicKey { verifying })
    }

    /// Reads the wire form: algorithm first (unknown →
    /// [`RefusalCode::UnsupportedAlgorithm`]), then the key, then that
    /// `key_id` is the key's own.
    pub fn from_wire(wire: &PublicKeyWire, malformed: RefusalCode) -> Result<PublicKey, Refusal> {
        if wire.alg != ALGORITHM_ED25519 {
            let alg = codec::clip(&wire.alg);
            return Err(Refusal::with_details(
                RefusalCode::UnsupportedAlgorithm,
                format!("公钥的算法是「{alg}」"),
                format!("the public key's algorithm is “{alg}”"),
            ));
        }
        let bytes = unbase64(&wire.public_key, ED25519_KEY_LEN).map_err(|e| {
            Refusal::with_details(
                malformed,
                format!("公钥{}", e.zh()),
                format!("the public key {}", e.en()),
            )
        })?;
        let key = PublicKey::from_bytes(&bytes, malformed)?;
        if key.key_id() != wire.key_id {
            return Err(Refusal::with_details(
                malformed,
                "公钥的编号（key_id）与公钥不符",
                "the public key's id (key_id) does not match the key",
            ));
        }
        Ok(key)
    }

    /// The wire form.
    pub fn to_wire(&self) -> PublicKeyWire {
        PublicKeyWire {
            alg: ALGORITHM_ED25519.to_owned(),
            key_id: self.key_id(),
            public_key: base64(self.verifying.as_bytes()),
        }
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; ED25519_KEY_LEN] {
        self.verifying.as_bytes()
    }

    /// This key's id.
    pub fn key_id(&self) -> String {
        key_id_of(self.verifying.as_bytes())
    }

    /// The key's fingerprint for a person to compare by eye ([`fingerprint_of`]).
    pub fn fingerprint(&self) -> String {
        fingerprint_of(self.verifying.as_bytes())
    }

    /// The algorithm, always `ed25519` for now.
    pub fn alg(&self) -> &'static str {
        ALGORITHM_ED25519
    }

    /// Whether `signature` is this key's signature over exactly `message`,
    /// by `verify_strict` (no malleable or small-order signatures).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(raw) = <[u8; ED25519_SIGNATURE_LEN]>::try_from(signature) else {
            return false;
        };
        self.verifying
            .verify_strict(message, &Signature::from_bytes(&raw))
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(ed25519 {})", self.key_id())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_wire().serialize(s)
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let wire = PublicKeyWire::deserialize(d)?;
        PublicKey::from_wire(&wire, RefusalCode::MalformedResponse)
            .map_err(|r| serde::de::Error::custom(r.message))
    }
}

/// How long a signed request stays valid either side of the upstream's clock.
pub const REQUEST_WINDOW_SECONDS: i64 = 15 * 60;

/// The headers of a signed request (reading review results):
/// `Taoli-Key-Id`, `Taoli-Date`, `Taoli-Signature`.
pub const HEADER_KEY_ID: &str = "taoli-key-id";
pub const HEADER_DATE: &str = "taoli-date";
pub const HEADER_SIGNATURE: &str = "taoli-signature";

/// A signed request's three header values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSignature {
    pub key_id: String,
    pub date: String,
    /// base64 of the 64-byte signature.
    pub signature: String,
}

/// The exact bytes a request signature covers:
/// `taoli-batch/1 request\n<METHOD>\n<path and query>\n<date>`.
pub fn request_signing_bytes(method: &str, path_and_query: &str, date: &str) -> Vec<u8> {
    format!("{PROTOCOL_VERSION} request\n{method}\n{path_and_query}\n{date}").into_bytes()
}

impl SigningKey {
    /// Signs a request for `path_and_query` (e.g.
    /// `/v1/schools/2151072201/reviews?after=0`) at `date` ([`codec::now`]).
    pub fn sign_request(&self, method: &str, path_and_query: &str, date: &str) -> RequestSignature {
        RequestSignature {
            key_id: self.key_id(),
            date: date.to_owned(),
            signature: base64(&self.sign(&request_signing_bytes(method, path_and_query, date))),
        }
    }
}

/// Checks a signed request against `key` (the one `signature.key_id` names)
/// and the upstream's clock `now`.
pub fn verify_request(
    key: &PublicKey,
    method: &str,
    path_and_query: &str,
    signature: &RequestSignature,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Refusal> {
    let Some(at) = codec::parse_timestamp(&signature.date) else {
        return Err(Refusal::with_details(
            RefusalCode::MalformedRequest,
            "请求时间（Taoli-Date）格式不对",
            "the request time (Taoli-Date) is in the wrong form",
        ));
    };
    if now.signed_duration_since(at).num_seconds().abs() > REQUEST_WINDOW_SECONDS {
        let upstream_time = codec::timestamp(now);
        return Err(Refusal::with_details(
            RefusalCode::RequestExpired,
            format!("请求时间 {}，上级系统时间 {upstream_time}", signature.date),
            format!(
                "request time {}, upstream time {upstream_time}",
                signature.date
            ),
        ));
    }
    let sig = unbase64(&signature.signature, ED25519_SIGNATURE_LEN).map_err(|e| {
        Refusal::with_details(
            RefusalCode::BadSignature,
            format!("签名{}", e.zh()),
            format!("the signature {}", e.en()),
        )
    })?;
    if !key.verify(
        &request_signing_bytes(method, path_and_query, &signature.date),
        &sig,
    ) {
        return Err(Refusal::new(RefusalCode::BadSignature));
    }
    Ok(())
}
