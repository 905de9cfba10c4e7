//! What the upstream holds for a school (`GET /v1/schools/{school}/batches`):
//! its received batches after a sequence, each with the manifest's signed
//! bytes and the signed receipt exactly as they were. A school file restored from an
//! old backup reads it to take back the batches it lost (their receipts are
//! its evidence) and to number its next batch after them
//! (`docs/batches.md`, "A school file restored from an old backup").

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::codec;
use super::keys::PublicKey;
use super::manifest::Manifest;
use super::receipt::{MAX_RECEIPT_BYTES, Receipt, SignedReceipt};
use super::refusal::{Refusal, RefusalCode};
use super::{MAX_MANIFEST_BYTES, PROTOCOL_VERSION};

/// The most batches in one answer.
pub const MAX_BATCH_HISTORY_BATCHES: usize = 100;
/// The upstream stops adding batches to an answer once it is about this
/// long (an answer holds at least one batch, whatever its size).
pub const BATCH_HISTORY_PAGE_BYTES: usize = 8 * 1024 * 1024;
/// Largest answer on the wire: a page and one more batch with the largest
/// receipt, in base64 inside its envelope.
pub const MAX_BATCH_HISTORY_BYTES: usize =
    BATCH_HISTORY_PAGE_BYTES + MAX_RECEIPT_BYTES / 3 * 4 + 64 * 1024;

/// One batch the upstream received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldBatch {
    pub sequence: u64,
    pub batch_id: String,
    /// The manifest's signed bytes (the canonical manifest), in base64.
    pub manifest: String,
    /// The signed receipt envelope, as the upstream gave it.
    pub receipt: Value,
}

/// A held batch whose receipt verified with the pinned upstream key and
/// answers exactly its manifest.
#[derive(Debug, Clone)]
pub struct VerifiedBatch {
    pub manifest: Manifest,
    pub receipt: Receipt,
    pub signed_receipt: SignedReceipt,
}

impl HeldBatch {
    /// An entry for a received batch: its manifest's signed bytes and its
    /// signed receipt envelope as kept.
    pub fn new(
        sequence: u64,
        batch_id: &str,
        manifest_bytes: &[u8],
        receipt_envelope: &[u8],
    ) -> Result<HeldBatch, Refusal> {
        let receipt = serde_json::from_slice(receipt_envelope).map_err(|e| {
            Refusal::with_details(
                RefusalCode::ServerError,
                format!("保存的回执无法读取：{e}"),
                format!("a stored receipt cannot be read: {e}"),
            )
        })?;
        Ok(HeldBatch {
            sequence,
            batch_id: batch_id.to_owned(),
            manifest: codec::base64(manifest_bytes),
            receipt,
        })
    }

    /// Reads the manifest and the receipt envelope and checks the receipt
    /// with the `pinned` key against the manifest
    /// (`SignedReceipt::verify_for`: its SHA-256 names the manifest's exact
    /// bytes), and that both name this entry's batch and sequence. The
    /// receipt is what vouches for the manifest; the school's own signature
    /// over it was checked by the upstream when it arrived.
    pub fn verify(&self, pinned: &PublicKey) -> Result<VerifiedBatch, Refusal> {
        let bytes = codec::unbase64(&self.manifest, MAX_MANIFEST_BYTES).map_err(|e| {
            Refusal::with_details(
                RefusalCode::MalformedResponse,
                format!("批次清单{}", e.zh()),
                format!("the batch manifest {}", e.en()),
            )
        })?;
        let manifest = Manifest::decode(&bytes).map_err(as_malformed_response)?;
        let signed_receipt = SignedReceipt::decode(&codec::to_json_bytes(&self.receipt))?;
        let receipt = signed_receipt.verify_for(pinned, &manifest)?;
        if manifest.batch_id != self.batch_id || manifest.sequence != self.sequence {
            return Err(Refusal::with_details(
                RefusalCode::ReceiptInvalid,
                "上级系统列出的批次与它的回执对不上",
                "a batch the upstream listed does not match its receipt",
            ));
        }
        Ok(VerifiedBatch {
            manifest,
            receipt,
            signed_receipt,
        })
    }
}

/// A manifest the upstream hands back is its answer, not the school's request.
fn as_malformed_response(refusal: Refusal) -> Refusal {
    match refusal.code {
        RefusalCode::UnsupportedVersion | RefusalCode::UnsupportedAlgorithm => refusal,
        _ => {
            let english = refusal.message_in_english();
            Refusal::with_details(RefusalCode::MalformedResponse, refusal.message, english)
        }
    }
}

/// The answer to `GET /v1/schools/{school}/batches?after=N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchHistory {
    pub protocol: String,
    pub school: String,
    /// The sequence of the school's last accepted batch (0: none yet).
    pub last_sequence: u64,
    /// Received batches with sequences `after + 1`, `after + 2` …, in order.
    pub batches: Vec<HeldBatch>,
}

impl BatchHistory {
    /// A new answer for `school`.
    pub fn new(school: &str, last_sequence: u64, batches: Vec<HeldBatch>) -> BatchHistory {
        BatchHistory {
            protocol: PROTOCOL_VERSION.into(),
            school: school.into(),
            last_sequence,
            batches,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        codec::to_json_bytes(self)
    }

    /// Reads the answer to `after`. Refused
    /// ([`RefusalCode::MalformedResponse`]) when it cannot be read, names
    /// another school, or its sequences do not follow on from `after`
    /// without a gap up to at most `last_sequence`.
    pub fn decode(bytes: &[u8], school: &str, after: u64) -> Result<BatchHistory, Refusal> {
        let malformed = RefusalCode::MalformedResponse;
        let what = codec::Named {
            zh: "上级系统的批次记录",
            en: "upstream's list of the batches it received",
        };
        let object = codec::open_object(bytes, MAX_BATCH_HISTORY_BYTES, what, malformed, None)?;
        let history: BatchHistory = codec::typed(object, what, malformed)?;
        let bad = |zh: &str, en: &str| {
            Err(Refusal::with_details(
                malformed,
                format!("{}{zh}", what.zh),
                format!("the {} {en}", what.en),
            ))
        };
        if history.school != school {
            return bad("是另一所学校的", "is another school's");
        }
        if history.batches.len() > MAX_BATCH_HISTORY_BATCHES {
            return bad(
                "一次列出的批次超过上限",
                "lists more batches at once than the limit",
            );
        }
        let mut expected = after;
        for batch in &history.batches {
            expected = match expected.checked_add(1) {
                Some(next) if batch.sequence == next => next,
                _ => return bad("的批次序号不连续", "has a gap in its sequence numbers"),
            };
            if !codec::is_uuid_v7(&batch.batch_id)
                || batch.manifest.is_empty()
                || !batch.receipt.is_object()
            {
                return bad(
                    "中有一批的字段格式不对",
                    "holds a batch with a field in the wrong form",
                );
            }
        }
        let listed_past_the_last = !history.batches.is_empty() && expected > history.last_sequence;
        let left_out = history.batches.is_empty() && after < history.last_sequence;
        if listed_past_the_last || left_out {
            return bad(
                "与上级系统最后收到的批次序号对不上",
                "does not agree with the sequence number of the last batch the upstream received",
            );
        }
        Ok(history)
    }
}
