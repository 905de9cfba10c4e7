//! The batch manifest (批次清单) and its signed envelope.
//!
//! The manifest's canonical bytes are compact JSON with the fields in the
//! order of [`Manifest`] and nothing else: no spaces, every value ASCII.
//! Those are the bytes the school signs; a manifest that is not in this
//! form is refused, so one manifest has exactly one byte string.

use serde::{Deserialize, Serialize};

use super::codec::{self, sha256_hex};
use super::envelope::Envelope;
use super::keys::{PublicKey, SigningKey};
use super::refusal::{Refusal, RefusalCode};
use super::{
    ALGORITHM_ED25519, COMPRESSION_GZIP, MAX_MANIFEST_BYTES, MAX_PAYLOAD_BYTES, MAX_RECORDS,
    PROTOCOL_VERSION,
};

/// What a batch is: who sends it, where it stands in the school's sequence,
/// and the payload it promises (size and SHA-256 of the compressed bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `manifest`: the signed bytes say what they are.
    pub kind: String,
    /// [`PROTOCOL_VERSION`].
    pub protocol: String,
    /// [`ALGORITHM_ED25519`].
    pub alg: String,
    /// The signing key's id.
    pub key_id: String,
    /// 学校标识码.
    pub school: String,
    /// The batch id, a UUIDv7.
    pub batch_id: String,
    /// The school's batch number, from 1, one more than the last accepted batch.
    pub sequence: u64,
    /// The last batch the upstream accepted (gave a receipt for), which this
    /// one builds on; `null` for the first.
    pub previous_batch: Option<String>,
    /// When the batch was made (RFC 3339, UTC, milliseconds).
    pub created_at: String,
    /// How many records (changes to review) the payload holds.
    pub record_count: u64,
    /// [`COMPRESSION_GZIP`].
    pub compression: String,
    /// Length of the compressed payload in bytes.
    pub payload_size: u64,
    /// SHA-256 of the compressed payload bytes, lowercase hex.
    pub payload_sha256: String,
}

/// The particulars of a new manifest; [`Manifest::new`] fills in the rest.
#[derive(Debug, Clone)]
pub struct ManifestFields<'a> {
    pub school: &'a str,
    pub batch_id: &'a str,
    pub sequence: u64,
    pub previous_batch: Option<&'a str>,
    pub created_at: &'a str,
    pub record_count: u64,
    /// The compressed payload ([`super::Payload::encode`]).
    pub payload: &'a [u8],
}

impl Manifest {
    /// The manifest for `fields`, signed later by `key`.
    pub fn new(key: &SigningKey, fields: ManifestFields<'_>) -> Result<Manifest, Refusal> {
        let manifest = Manifest {
            kind: "manifest".into(),
            protocol: PROTOCOL_VERSION.into(),
            alg: ALGORITHM_ED25519.into(),
            key_id: key.key_id(),
            school: fields.school.into(),
            batch_id: fields.batch_id.into(),
            sequence: fields.sequence,
            previous_batch: fields.previous_batch.map(str::to_owned),
            created_at: fields.created_at.into(),
            record_count: fields.record_count,
            compression: COMPRESSION_GZIP.into(),
            payload_size: fields.payload.len() as u64,
            payload_sha256: sha256_hex(fields.payload),
        };
        manifest.check()?;
        Ok(manifest)
    }

    /// The exact bytes that are signed.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        codec::to_json_bytes(self)
    }

    /// Reads canonical manifest bytes: size, version, algorithm, fields,
    /// their values, then that the bytes are the canonical form.
    pub fn decode(bytes: &[u8]) -> Result<Manifest, Refusal> {
        let malformed = RefusalCode::MalformedManifest;
        let what = codec::Named {
            zh: "批次清单",
            en: "batch manifest",
        };
        let object = codec::open_object(bytes, MAX_MANIFEST_BYTES, what, malformed, Some("alg"))?;
        let manifest: Manifest = codec::typed(object, what, malformed)?;
        manifest.check()?;
        if manifest.canonical_bytes() != bytes {
            return Err(Refusal::with_details(
                malformed,
                "批次清单不是规范格式（字段顺序、空格或转义与协议规定的不同）",
                "the batch manifest is not in its canonical form (the order of its fields, its spaces or its escapes differ from what the protocol lays down)",
            ));
        }
        Ok(manifest)
    }

    /// Every field's own rule.
    fn check(&self) -> Result<(), Refusal> {
        let bad = |zh: &str, en: &str| {
            Err(Refusal::with_details(
                RefusalCode::MalformedManifest,
                zh,
                en,
            ))
        };
        if self.kind != "manifest" {
            return bad("kind 应为 manifest", "kind should be manifest");
        }
        if self.protocol != PROTOCOL_VERSION {
            let version = codec::clip(&self.protocol);
            return Err(Refusal::with_details(
                RefusalCode::UnsupportedVersion,
                format!("批次清单的协议版本是「{version}」"),
                format!("the protocol version of the batch manifest is “{version}”"),
            ));
        }
        if self.alg != ALGORITHM_ED25519 {
            let alg = codec::clip(&self.alg);
            return Err(Refusal::with_details(
                RefusalCode::UnsupportedAlgorithm,
                format!("批次清单的签名算法是「{alg}」"),
                format!("the signature algorithm of the batch manifest is “{alg}”"),
            ));
        }
        if !codec::is_key_id(&self.key_id) {
            return bad(
                "密钥编号（key_id）格式不对",
                "the key id (key_id) is in the wrong form",
            );
        }
        if !codec::is_school_code(&self.school) {
            return bad(
                "学校标识码应为 10 位数字",
                "the school code should be 10 digits",
            );
        }
        if !codec::is_uuid_v7(&self.batch_id) {
            return bad(
                "批次编号应为小写的 UUIDv7",
                "the batch id should be a lower-case UUIDv7",
            );
        }
        if self.sequence == 0 {
            return bad("批次序号从 1 开始", "batch sequence numbers start at 1");
        }
        match &self.previous_batch {
            None if self.sequence != 1 => {
                return bad(
                    "只有第 1 批可以没有前一批次",
                    "only batch 1 may have no previous batch",
                );
            }
            Some(_) if self.sequence == 1 => {
                return bad(
                    "第 1 批不能有前一批次",
                    "batch 1 cannot have a previous batch",
                );
            }
            Some(p) if !codec::is_uuid_v7(p) => {
                return bad(
                    "前一批次的编号应为小写的 UUIDv7",
                    "the previous batch's id should be a lower-case UUIDv7",
                );
            }
            Some(p) if *p == self.batch_id => {
                return bad(
                    "前一批次不能是它自己",
                    "the previous batch cannot be the batch itself",
                );
            }
            _ => {}
        }
        if codec::parse_timestamp(&self.created_at).is_none() {
            return bad(
                "生成时间应为 UTC 的 RFC 3339 时间，精确到毫秒",
                "the time it was made should be an RFC 3339 time in UTC, to the millisecond",
            );
        }
        if self.record_count == 0 || self.record_count > MAX_RECORDS {
            return bad(
                "记录数应在 1 到 200000 之间",
                "the number of records should be between 1 and 200000",
            );
        }
        if self.compression != COMPRESSION_GZIP {
            return bad("压缩方式应为 gzip", "the compression should be gzip");
        }
        if self.payload_size == 0 {
            return bad("数据大小不能为 0", "the data size cannot be 0");
        }
        if self.payload_size > MAX_PAYLOAD_BYTES as u64 {
            return Err(Refusal::with_details(
                RefusalCode::TooLarge,
                format!(
                    "压缩后的数据有 {} 字节，上限是 {MAX_PAYLOAD_BYTES} 字节",
                    self.payload_size
                ),
                format!(
                    "the compressed data has {} bytes, more than the limit of {MAX_PAYLOAD_BYTES}",
                    self.payload_size
                ),
            ));
        }
        if !codec::is_sha256_hex(&self.payload_sha256) {
            return bad(
                "数据校验值应为 64 位小写十六进制的 SHA-256",
                "the data's check value should be a SHA-256 in 64 lower-case hex digits",
            );
        }
        Ok(())
    }

    /// SHA-256 of the canonical bytes (how a receipt names the manifest).
    pub fn sha256(&self) -> String {
        sha256_hex(&self.canonical_bytes())
    }
}

/// A manifest with the school's signature over its canonical bytes. On the
/// wire: the envelope with the body field `manifest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedManifest {
    pub key_id: String,
    /// The exact signed bytes (the canonical manifest).
    pub manifest_bytes: Vec<u8>,
    pub signature: [u8; 64],
}

/// Largest envelope: the manifest in base64 and the rest.
pub const MAX_SIGNED_MANIFEST_BYTES: usize = MAX_MANIFEST_BYTES.div_ceil(3) * 4 + 512;

impl SignedManifest {
    /// Signs the manifest's canonical bytes.
    pub fn sign(manifest: &Manifest, key: &SigningKey) -> SignedManifest {
        let envelope = Envelope::seal(key, manifest.canonical_bytes());
        SignedManifest {
            key_id: envelope.key_id,
            manifest_bytes: envelope.body,
            signature: envelope.signature,
        }
    }

    /// The envelope's wire bytes (what `POST /v1/batches` sends).
    pub fn encode(&self) -> Vec<u8> {
        self.envelope().encode("manifest")
    }

    fn envelope(&self) -> Envelope {
        Envelope {
            key_id: self.key_id.clone(),
            body: self.manifest_bytes.clone(),
            signature: self.signature,
        }
    }

    /// Reads an envelope without verifying it (the verifier needs `key_id`
    /// to find the key first). Bounded, version and algorithm checked first.
    pub fn decode(bytes: &[u8]) -> Result<SignedManifest, Refusal> {
        let envelope = Envelope::decode(
            bytes,
            "manifest",
            MAX_MANIFEST_BYTES,
            codec::Named {
                zh: "批次信封",
                en: "batch envelope",
            },
            RefusalCode::MalformedRequest,
        )?;
        Ok(SignedManifest {
            key_id: envelope.key_id,
            manifest_bytes: envelope.body,
            signature: envelope.signature,
        })
    }

    /// Verifies the signature with `key` (`verify_strict`) over the exact
    /// manifest bytes, then reads the manifest and checks it names the same
    /// key. Only then is anything in the manifest believed.
    pub fn verify(&self, key: &PublicKey) -> Result<Manifest, Refusal> {
        self.envelope().verify(key)?;
        let manifest = Manifest::decode(&self.manifest_bytes)?;
        if manifest.key_id != self.key_id {
            return Err(Refusal::with_details(
                RefusalCode::MalformedManifest,
                "批次清单中的密钥编号与信封上的不一致",
                "the key id in the batch manifest is not the one on its envelope",
            ));
        }
        Ok(manifest)
    }

    /// The manifest, read but not verified (for messages and lookups).
    pub fn unverified_manifest(&self) -> Result<Manifest, Refusal> {
        Manifest::decode(&self.manifest_bytes)
    }
}
