//! What every decoder shares: bounded JSON reading, the version and
//! algorithm checks that come before anything else, base64, hex, SHA-256,
//! timestamps and ids in their one canonical form.

use base64ct::{Base64, Encoding};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::refusal::{Refusal, RefusalCode};
use super::{ALGORITHM_ED25519, PROTOCOL_VERSION};

/// SHA-256 of `bytes`, lowercase hex (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// True for a SHA-256 in its wire form: 64 lowercase hex digits.
pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub(crate) fn base64(bytes: &[u8]) -> String {
    Base64::encode_string(bytes)
}

/// Why a text is not the base64 it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Base64Error {
    /// Longer than the bytes it may hold: so many characters.
    TooLong(usize),
    /// Not standard base64 with padding: the decoder's words.
    Invalid(String),
}

impl Base64Error {
    /// In Chinese, after the name of what it is (`签名不是有效的 base64（…）`).
    pub(crate) fn zh(&self) -> String {
        match self {
            Base64Error::TooLong(chars) => format!("base64 文本有 {chars} 个字符，超过上限"),
            Base64Error::Invalid(e) => format!("不是有效的 base64（{e}）"),
        }
    }

    /// In English, after the name of what it is (`the signature is not
    /// valid base64 (…)`).
    pub(crate) fn en(&self) -> String {
        match self {
            Base64Error::TooLong(chars) => {
                format!("is {chars} characters of base64, more than the limit")
            }
            Base64Error::Invalid(e) => format!("is not valid base64 ({e})"),
        }
    }
}

/// Standard base64 with padding, refused when not exactly that (base64ct is
/// strict about padding and trailing bits, so one byte string has one text).
pub(crate) fn unbase64(text: &str, max_len: usize) -> Result<Vec<u8>, Base64Error> {
    if text.len() > max_len.div_ceil(3).saturating_mul(4) {
        return Err(Base64Error::TooLong(text.len()));
    }
    Base64::decode_vec(text).map_err(|e| Base64Error::Invalid(e.to_string()))
}

/// The protocol's one timestamp form: RFC 3339, UTC, milliseconds, `Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Now, as [`timestamp`] writes it.
pub fn now() -> String {
    timestamp(Utc::now())
}

/// The instant of a canonical timestamp, or `None` for anything else.
pub(crate) fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let at = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
    (timestamp(at) == s).then_some(at)
}

/// True for a UUIDv7 in its hyphenated lowercase form.
pub(crate) fn is_uuid_v7(s: &str) -> bool {
    Uuid::try_parse(s)
        .map(|u| u.get_version_num() == 7 && u.hyphenated().to_string() == s)
        .unwrap_or(false)
}

/// True for a 学校标识码: 10 ASCII digits.
pub(crate) fn is_school_code(s: &str) -> bool {
    s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit())
}

/// True for a key id: 32 lowercase hex digits.
pub(crate) fn is_key_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// True for an id the client chose (a change's id, a teacher's or record's
/// id): 1–128 characters of `A–Z a–z 0–9 - _ . : @`.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'@'))
}

/// What a decoder reads, named in both languages for its refusals'
/// particulars: `批次状态`, `batch status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Named {
    pub zh: &'static str,
    pub en: &'static str,
}

/// Parses `bytes` (at most `max` of them) as a JSON object and checks, before
/// any other field, that `"protocol"` is [`PROTOCOL_VERSION`] and, when
/// `alg_field` is given, that it names a known algorithm. `malformed` is the
/// code for everything else that is wrong.
pub(crate) fn open_object(
    bytes: &[u8],
    max: usize,
    what: Named,
    malformed: RefusalCode,
    alg_field: Option<&str>,
) -> Result<Map<String, Value>, Refusal> {
    if bytes.len() > max {
        return Err(Refusal::with_details(
            RefusalCode::TooLarge,
            format!("{}有 {} 字节，上限是 {max} 字节", what.zh, bytes.len()),
            format!(
                "the {} has {} bytes, more than the limit of {max}",
                what.en,
                bytes.len()
            ),
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Refusal::with_details(
            malformed,
            format!("{}不是有效的 JSON：{e}", what.zh),
            format!("the {} is not valid JSON: {e}", what.en),
        )
    })?;
    let Value::Object(object) = value else {
        return Err(Refusal::with_details(
            malformed,
            format!("{}应是 JSON 对象", what.zh),
            format!("the {} should be a JSON object", what.en),
        ));
    };
    check_version(&object, what, malformed)?;
    if let Some(field) = alg_field {
        check_algorithm(&object, field, what, malformed)?;
    }
    Ok(object)
}

pub(crate) fn check_version(
    object: &Map<String, Value>,
    what: Named,
    malformed: RefusalCode,
) -> Result<(), Refusal> {
    match object.get("protocol") {
        Some(Value::String(v)) if v == PROTOCOL_VERSION => Ok(()),
        Some(Value::String(v)) => Err(Refusal::with_details(
            RefusalCode::UnsupportedVersion,
            format!("{}的协议版本是「{}」", what.zh, clip(v)),
            format!("the protocol version of the {} is “{}”", what.en, clip(v)),
        )),
        _ => Err(Refusal::with_details(
            malformed,
            format!("{}缺少协议版本（protocol）", what.zh),
            format!("the {} names no protocol version (protocol)", what.en),
        )),
    }
}

pub(crate) fn check_algorithm(
    object: &Map<String, Value>,
    field: &str,
    what: Named,
    malformed: RefusalCode,
) -> Result<(), Refusal> {
    match object.get(field) {
        Some(Value::String(a)) if a == ALGORITHM_ED25519 => Ok(()),
        Some(Value::String(a)) => Err(Refusal::with_details(
            RefusalCode::UnsupportedAlgorithm,
            format!("{}的签名算法是「{}」", what.zh, clip(a)),
            format!(
                "the signature algorithm of the {} is “{}”",
                what.en,
                clip(a)
            ),
        )),
        _ => Err(Refusal::with_details(
            malformed,
            format!("{}缺少签名算法（{field}）", what.zh),
            format!("the {} names no signature algorithm ({field})", what.en),
        )),
    }
}

/// The typed form of an object already opened by [`open_object`]. serde
/// quotes a value of the wrong type whole (`invalid type: string "…"`), so
/// its message is cut to [`MAX_DETAIL_CHARS`]: a megabyte string where a
/// number belongs makes a short refusal, not a megabyte one.
pub(crate) fn typed<T: DeserializeOwned>(
    object: Map<String, Value>,
    what: Named,
    malformed: RefusalCode,
) -> Result<T, Refusal> {
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        let error = detail(&e.to_string());
        Refusal::with_details(
            malformed,
            format!("{}的字段有误：{error}", what.zh),
            format!("a field of the {} is wrong: {error}", what.en),
        )
    })
}

/// The longest text from a parser's error that a message quotes.
pub(crate) const MAX_DETAIL_CHARS: usize = 200;

/// At most [`MAX_DETAIL_CHARS`] characters of a parser's error text.
pub(crate) fn detail(text: &str) -> String {
    crate::text::excerpt(text, MAX_DETAIL_CHARS)
}

/// At most 40 characters of untrusted text, for a message.
pub(crate) fn clip(s: &str) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Compact JSON of a value whose serialization cannot fail (plain structs of
/// strings, numbers and maps with string keys).
pub(crate) fn to_json_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}
