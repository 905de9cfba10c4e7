//! Enrollment (登记): the school registers its public key with a one-time
//! enrollment code (报送码) the county issued, and pins the upstream's
//! receipt-signing key from the answer.

use serde::{Deserialize, Serialize};

use super::codec;
use super::keys::{PublicKey, PublicKeyWire, SigningKey};
use super::refusal::{Refusal, RefusalCode};
use super::{ALGORITHM_ED25519, PROTOCOL_VERSION};

/// `POST /v1/enroll`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRequest {
    pub protocol: String,
    /// 学校标识码.
    pub school: String,
    /// The 报送码 as the clerk typed it (spaces, dashes and case do not matter).
    pub code: String,
    /// [`ALGORITHM_ED25519`].
    pub alg: String,
    /// base64 of the school's 32-byte public key.
    pub public_key: String,
}

/// The answer to an enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentResponse {
    pub protocol: String,
    pub school: String,
    /// The id of the school's key just registered.
    pub key_id: String,
    pub enrolled_at: String,
    /// The upstream's receipt-signing key: the client pins it.
    pub upstream_key: PublicKeyWire,
}

/// Largest enrollment request or response.
pub const MAX_ENROLLMENT_BYTES: usize = 4096;

/// An enrollment code as typed, reduced to its characters: spaces and dashes
/// dropped, upper case, full-width forms made half-width.
pub fn normalize_enrollment_code(code: &str) -> String {
    crate::text::to_half_width(code)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

impl EnrollmentRequest {
    /// The request to register `key` for `school` with `code`.
    pub fn new(school: &str, code: &str, key: &SigningKey) -> EnrollmentRequest {
        EnrollmentRequest {
            protocol: PROTOCOL_VERSION.into(),
            school: school.into(),
            code: code.into(),
            alg: ALGORITHM_ED25519.into(),
            public_key: key.public_key().to_wire().public_key,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        codec::to_json_bytes(self)
    }

    /// Reads a request (the upstream's side); returns it with the key.
    pub fn decode(bytes: &[u8]) -> Result<(EnrollmentRequest, PublicKey), Refusal> {
        let malformed = RefusalCode::MalformedRequest;
        let what = codec::Named {
            zh: "登记请求",
            en: "enrollment request",
        };
        let object = codec::open_object(bytes, MAX_ENROLLMENT_BYTES, what, malformed, Some("alg"))?;
        let request: EnrollmentRequest = codec::typed(object, what, malformed)?;
        if !codec::is_school_code(&request.school) {
            return Err(Refusal::with_details(
                malformed,
                "学校标识码应为 10 位数字",
                "the school code should be 10 digits",
            ));
        }
        let code = normalize_enrollment_code(&request.code);
        if code.is_empty() || code.len() > 64 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Refusal::new(RefusalCode::EnrollmentCodeInvalid));
        }
        let bytes =
            codec::unbase64(&request.public_key, super::keys::ED25519_KEY_LEN).map_err(|e| {
                Refusal::with_details(
                    malformed,
                    format!("公钥{}", e.zh()),
                    format!("the public key {}", e.en()),
                )
            })?;
        let key = PublicKey::from_bytes(&bytes, malformed)?;
        Ok((request, key))
    }
}

impl EnrollmentResponse {
    pub fn to_json(&self) -> Vec<u8> {
        codec::to_json_bytes(self)
    }

    /// Reads the upstream's answer to the school's `request`: same school, the
    /// key id of the school's own key, a valid upstream key to pin.
    pub fn decode(
        bytes: &[u8],
        request: &EnrollmentRequest,
    ) -> Result<(EnrollmentResponse, PublicKey), Refusal> {
        let malformed = RefusalCode::MalformedResponse;
        let what = codec::Named {
            zh: "登记答复",
            en: "enrollment answer",
        };
        let object = codec::open_object(bytes, MAX_ENROLLMENT_BYTES, what, malformed, None)?;
        let response: EnrollmentResponse = codec::typed(object, what, malformed)?;
        let upstream = PublicKey::from_wire(&response.upstream_key, malformed)?;
        let bad = |zh: &str, en: &str| {
            Err(Refusal::with_details(
                malformed,
                format!("登记答复{zh}"),
                format!("the enrollment answer {en}"),
            ))
        };
        if response.school != request.school {
            return bad(
                "的学校标识码与登记请求的不一致",
                "names another school code than the enrollment request",
            );
        }
        let own = codec::unbase64(&request.public_key, super::keys::ED25519_KEY_LEN)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            .map(|b| super::keys::key_id_of(&b));
        if own.as_deref() != Some(response.key_id.as_str()) {
            return bad(
                "的密钥编号不是本校的公钥",
                "names a key id that is not this school's public key",
            );
        }
        if codec::parse_timestamp(&response.enrolled_at).is_none() {
            return bad(
                "的登记时间格式不对",
                "has an enrollment time in the wrong form",
            );
        }
        Ok((response, upstream))
    }
}
