//! The receipt (回执): the upstream's signed statement that it holds a batch,
//! with every record pending review. The school keeps it as evidence that it
//! reported, and when.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::codec::{self, sha256_hex};
use super::envelope::Envelope;
use super::keys::{PublicKey, SigningKey};
use super::manifest::Manifest;
use super::refusal::{Refusal, RefusalCode};
use super::{MAX_RECORDS, PROTOCOL_VERSION};

/// A receipt, named in both languages for its refusals.
const RECEIPT: codec::Named = codec::Named {
    zh: "回执",
    en: "receipt",
};

/// Where a record stands with the reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// 待审核: received, not yet reviewed.
    Pending,
    /// 生效: accepted by the reviewer; in effect upstream.
    Accepted,
    /// 退回: returned with a reason; fix it and report it again.
    Returned,
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Pending => "pending",
            RecordStatus::Accepted => "accepted",
            RecordStatus::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordStatus::Pending => "待审核",
            RecordStatus::Accepted => "生效",
            RecordStatus::Returned => "退回",
        }
    }
}

/// One record of the batch as the receipt lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRecord {
    /// The change's `id` in the payload.
    pub id: String,
    /// Always `pending` in a receipt.
    pub status: RecordStatus,
}

/// What the upstream signs when it holds a whole, checked batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Always `receipt`.
    pub kind: String,
    pub protocol: String,
    pub school: String,
    pub batch_id: String,
    pub sequence: u64,
    /// SHA-256 of the signed manifest bytes.
    pub manifest_sha256: String,
    /// SHA-256 of the compressed payload.
    pub payload_sha256: String,
    /// When the upstream had the whole batch (RFC 3339, UTC, milliseconds).
    pub received_at: String,
    pub records: Vec<ReceiptRecord>,
}

impl Receipt {
    /// The receipt for a batch whose payload's records are `record_ids`.
    pub fn new(manifest: &Manifest, received_at: &str, record_ids: &[String]) -> Receipt {
        Receipt {
            kind: "receipt".into(),
            protocol: PROTOCOL_VERSION.into(),
            school: manifest.school.clone(),
            batch_id: manifest.batch_id.clone(),
            sequence: manifest.sequence,
            manifest_sha256: manifest.sha256(),
            payload_sha256: manifest.payload_sha256.clone(),
            received_at: received_at.into(),
            records: record_ids
                .iter()
                .map(|id| ReceiptRecord {
                    id: id.clone(),
                    status: RecordStatus::Pending,
                })
                .collect(),
        }
    }

    /// The exact bytes the upstream signs: compact JSON, fields in order.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        codec::to_json_bytes(self)
    }

    /// Reads receipt bytes (already verified to be signed).
    pub fn decode(bytes: &[u8]) -> Result<Receipt, Refusal> {
        let malformed = RefusalCode::MalformedResponse;
        let object = codec::open_object(bytes, MAX_RECEIPT_BYTES, RECEIPT, malformed, None)?;
        let receipt: Receipt = codec::typed(object, RECEIPT, malformed)?;
        let bad = |zh: &str, en: &str| {
            Err(Refusal::with_details(
                malformed,
                format!("回执{zh}"),
                format!("the receipt {en}"),
            ))
        };
        if receipt.kind != "receipt" {
            return bad("的 kind 应为 receipt", "should have the kind receipt");
        }
        if !codec::is_school_code(&receipt.school)
            || !codec::is_uuid_v7(&receipt.batch_id)
            || receipt.sequence == 0
            || !codec::is_sha256_hex(&receipt.manifest_sha256)
            || !codec::is_sha256_hex(&receipt.payload_sha256)
            || codec::parse_timestamp(&receipt.received_at).is_none()
        {
            return bad("的字段格式不对", "has a field in the wrong form");
        }
        if receipt.records.is_empty() || receipt.records.len() as u64 > MAX_RECORDS {
            return bad("的记录数不对", "has the wrong number of records");
        }
        let mut ids = HashSet::with_capacity(receipt.records.len());
        for record in &receipt.records {
            if !codec::is_token(&record.id) || !ids.insert(record.id.as_str()) {
                return bad(
                    "中的记录编号格式不对或重复",
                    "holds a record id in the wrong form, or twice",
                );
            }
            if record.status != RecordStatus::Pending {
                return bad(
                    "中的记录应为待审核",
                    "should hold records pending review only",
                );
            }
        }
        Ok(receipt)
    }

    /// Whether this receipt answers exactly the batch `manifest` (and its
    /// canonical bytes) describes; refused as [`RefusalCode::ReceiptInvalid`].
    pub fn check_matches(&self, manifest: &Manifest) -> Result<(), Refusal> {
        let mismatch = |zh: &str, en: &str| {
            Err(Refusal::with_details(
                RefusalCode::ReceiptInvalid,
                format!("回执的{zh}与上报的批次不一致"),
                format!("the receipt's {en} is not the reported batch's"),
            ))
        };
        if self.batch_id != manifest.batch_id {
            return mismatch("批次编号", "batch id");
        }
        if self.school != manifest.school {
            return mismatch("学校标识码", "school code");
        }
        if self.sequence != manifest.sequence {
            return mismatch("批次序号", "sequence number");
        }
        if self.manifest_sha256 != manifest.sha256() {
            return mismatch("批次清单校验值", "batch manifest check value");
        }
        if self.payload_sha256 != manifest.payload_sha256 {
            return mismatch("数据校验值", "data check value");
        }
        if self.records.len() as u64 != manifest.record_count {
            return mismatch("记录数", "number of records");
        }
        Ok(())
    }
}

/// Largest receipt body: a record id of 128 characters and its status, for
/// every record a batch may hold.
pub const MAX_RECEIPT_BYTES: usize = 32 * 1024 * 1024;

/// A receipt with the upstream's signature over its canonical bytes. On the
/// wire: the envelope with the body field `receipt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedReceipt {
    pub key_id: String,
    /// The exact signed bytes.
    pub receipt_bytes: Vec<u8>,
    pub signature: [u8; 64],
}

impl SignedReceipt {
    /// The upstream signs `receipt`.
    pub fn sign(receipt: &Receipt, key: &SigningKey) -> SignedReceipt {
        let envelope = Envelope::seal(key, receipt.canonical_bytes());
        SignedReceipt {
            key_id: envelope.key_id,
            receipt_bytes: envelope.body,
            signature: envelope.signature,
        }
    }

    /// The wire bytes.
    pub fn encode(&self) -> Vec<u8> {
        self.envelope().encode("receipt")
    }

    fn envelope(&self) -> Envelope {
        Envelope {
            key_id: self.key_id.clone(),
            body: self.receipt_bytes.clone(),
            signature: self.signature,
        }
    }

    /// Reads the wire bytes without verifying.
    pub fn decode(bytes: &[u8]) -> Result<SignedReceipt, Refusal> {
        let envelope = Envelope::decode(
            bytes,
            "receipt",
            MAX_RECEIPT_BYTES,
            RECEIPT,
            RefusalCode::MalformedResponse,
        )?;
        Ok(SignedReceipt {
            key_id: envelope.key_id,
            receipt_bytes: envelope.body,
            signature: envelope.signature,
        })
    }

    /// Verifies the signature with the pinned upstream key (`verify_strict`)
    /// and reads the receipt. A signature that does not verify, or another
    /// key, is [`RefusalCode::ReceiptInvalid`].
    pub fn verify(&self, pinned: &PublicKey) -> Result<Receipt, Refusal> {
        if self.key_id != pinned.key_id() {
            return Err(Refusal::with_details(
                RefusalCode::ReceiptInvalid,
                "回执不是用登记时记下的上级系统密钥签的",
                "the receipt was not signed with the upstream key recorded at enrollment",
            ));
        }
        if !pinned.verify(&self.receipt_bytes, &self.signature) {
            return Err(Refusal::with_details(
                RefusalCode::ReceiptInvalid,
                "回执的签名与内容不符",
                "the receipt's signature does not match its contents",
            ));
        }
        Receipt::decode(&self.receipt_bytes)
    }

    /// [`SignedReceipt::verify`] and [`Receipt::check_matches`] in one: what
    /// the client does with the answer to its upload.
    pub fn verify_for(&self, pinned: &PublicKey, manifest: &Manifest) -> Result<Receipt, Refusal> {
        let receipt = self.verify(pinned)?;
        receipt.check_matches(manifest)?;
        Ok(receipt)
    }

    /// SHA-256 of the wire bytes, for naming a kept receipt.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.encode())
    }
}
