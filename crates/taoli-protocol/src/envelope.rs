//! The signed envelope both signed documents travel in:
//!
//! ```json
//! {"alg":"ed25519","key_id":"…","<body>":"<base64 of the exact signed bytes>","protocol":"taoli-batch/1","signature":"<base64 of 64 bytes>"}
//! ```
//!
//! The envelope itself is not signed: its keys may come in any order (they
//! are written sorted) and no other key is allowed.
//! `<body>` is `manifest` (signed by the school) or `receipt` (signed by the
//! upstream). The signed bytes travel as base64 so that no JSON re-encoding
//! along the way can change them: the signature is over exactly those bytes.

use serde_json::{Map, Value};

use super::codec::{self, base64, unbase64};
use super::keys::{ED25519_SIGNATURE_LEN, PublicKey, SigningKey};
use super::refusal::{Refusal, RefusalCode};
use super::{ALGORITHM_ED25519, PROTOCOL_VERSION};

/// An envelope as read: who signed (`key_id`), the signed bytes, the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    pub key_id: String,
    pub body: Vec<u8>,
    pub signature: [u8; ED25519_SIGNATURE_LEN],
}

impl Envelope {
    pub fn seal(key: &SigningKey, body: Vec<u8>) -> Envelope {
        let signature = key.sign(&body);
        Envelope {
            key_id: key.key_id(),
            body,
            signature,
        }
    }

    /// The envelope's wire bytes (keys sorted).
    pub fn encode(&self, body_field: &str) -> Vec<u8> {
        let mut object = Map::new();
        object.insert("protocol".into(), PROTOCOL_VERSION.into());
        object.insert("alg".into(), ALGORITHM_ED25519.into());
        object.insert("key_id".into(), self.key_id.clone().into());
        object.insert(body_field.into(), base64(&self.body).into());
        object.insert("signature".into(), base64(&self.signature).into());
        codec::to_json_bytes(&Value::Object(object))
    }

    /// Reads an envelope: size, then version, then algorithm, then the
    /// fields. `max_body` bounds the decoded signed bytes.
    pub fn decode(
        bytes: &[u8],
        body_field: &str,
        max_body: usize,
        what: codec::Named,
        malformed: RefusalCode,
    ) -> Result<Envelope, Refusal> {
        let max = max_body.div_ceil(3).saturating_mul(4).saturating_add(512);
        let mut object = codec::open_object(bytes, max, what, malformed, Some("alg"))?;
        let (zh, en) = (what.zh, what.en);
        let bad =
            |detail: String, english: String| Refusal::with_details(malformed, detail, english);
        let mut text = |field: &str| match object.remove(field) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(bad(
                format!("{zh}的「{field}」应是文本"),
                format!("“{field}” in the {en} should be text"),
            )),
            None => Err(bad(
                format!("{zh}缺少「{field}」"),
                format!("the {en} has no “{field}”"),
            )),
        };
        let key_id = text("key_id")?;
        let body = text(body_field)?;
        let signature = text("signature")?;
        object.remove("protocol");
        object.remove("alg");
        if let Some(extra) = object.keys().next() {
            let extra = codec::clip(extra);
            return Err(bad(
                format!("{zh}有多余的字段「{extra}」"),
                format!("the {en} has a field too many: “{extra}”"),
            ));
        }
        if !codec::is_key_id(&key_id) {
            return Err(bad(
                format!("{zh}的密钥编号（key_id）格式不对"),
                format!("the key id (key_id) of the {en} is in the wrong form"),
            ));
        }
        let body = unbase64(&body, max_body).map_err(|e| {
            bad(
                format!("{zh}的内容{}", e.zh()),
                format!("the contents of the {en} {}", e.en()),
            )
        })?;
        if body.len() > max_body {
            return Err(Refusal::with_details(
                RefusalCode::TooLarge,
                format!("{zh}的内容有 {} 字节，上限是 {max_body} 字节", body.len()),
                format!(
                    "the contents of the {en} have {} bytes, more than the limit of {max_body}",
                    body.len()
                ),
            ));
        }
        let signature = unbase64(&signature, ED25519_SIGNATURE_LEN).map_err(|e| {
            Refusal::with_details(
                RefusalCode::BadSignature,
                format!("签名{}", e.zh()),
                format!("the signature {}", e.en()),
            )
        })?;
        let signature: [u8; ED25519_SIGNATURE_LEN] =
            signature.as_slice().try_into().map_err(|_| {
                Refusal::with_details(
                    RefusalCode::BadSignature,
                    format!(
                        "签名应为 {ED25519_SIGNATURE_LEN} 字节，实为 {} 字节",
                        signature.len()
                    ),
                    format!(
                        "the signature should be {ED25519_SIGNATURE_LEN} bytes, not {}",
                        signature.len()
                    ),
                )
            })?;
        Ok(Envelope {
            key_id,
            body,
            signature,
        })
    }

    /// Whether `key` made the signature over exactly the body, and is the key
    /// the envelope names.
    pub fn verify(&self, key: &PublicKey) -> Result<(), Refusal> {
        if key.key_id() != self.key_id {
            return Err(Refusal::with_details(
                RefusalCode::BadSignature,
                "签名密钥的编号与登记的不一致",
                "the signing key's id is not the one enrolled",
            ));
        }
        if !key.verify(&self.body, &self.signature) {
            return Err(Refusal::new(RefusalCode::BadSignature));
        }
        Ok(())
    }
}
