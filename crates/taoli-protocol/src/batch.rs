//! Where an upload stands (`GET /v1/batches/{id}`, and the answer to
//! `POST /v1/batches` and to each payload `PUT`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::codec;
use super::receipt::SignedReceipt;
use super::refusal::{Refusal, RefusalCode};
use super::{MAX_PAYLOAD_BYTES, PROTOCOL_VERSION};

/// A batch's state at the upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    /// The manifest is accepted; payload bytes are arriving.
    Receiving,
    /// The whole batch is held and checked; the receipt is signed.
    Received,
    /// The whole payload arrived but was refused (see `refusal`); a new
    /// batch is needed.
    Refused,
}

impl BatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Receiving => "receiving",
            BatchState::Received => "received",
            BatchState::Refused => "refused",
        }
    }
}

/// The upstream's account of one batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchStatus {
    pub protocol: String,
    pub batch_id: String,
    pub state: BatchState,
    /// The compressed payload's length, from the manifest.
    pub payload_size: u64,
    /// How many payload bytes the upstream holds: resume from here.
    pub received_bytes: u64,
    /// The signed receipt envelope (a JSON object) once `received`.
    pub receipt: Option<Value>,
    /// Why, once `refused`.
    pub refusal: Option<Refusal>,
}

/// Largest batch status (the receipt is most of it).
pub const MAX_BATCH_STATUS_BYTES: usize = super::receipt::MAX_RECEIPT_BYTES / 3 * 4 + 4096;

impl BatchStatus {
    pub fn new(batch_id: &str, state: BatchState, payload_size: u64, received: u64) -> BatchStatus {
        BatchStatus {
            protocol: PROTOCOL_VERSION.into(),
            batch_id: batch_id.into(),
            state,
            payload_size,
            received_bytes: received,
            receipt: None,
            refusal: None,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        codec::to_json_bytes(self)
    }

    /// Reads a status the upstream sent.
    pub fn decode(bytes: &[u8]) -> Result<BatchStatus, Refusal> {
        let malformed = RefusalCode::MalformedResponse;
        let what = codec::Named {
            zh: "批次状态",
            en: "batch status",
        };
        let object = codec::open_object(bytes, MAX_BATCH_STATUS_BYTES, what, malformed, None)?;
        let status: BatchStatus = codec::typed(object, what, malformed)?;
        let bad = |zh: &str, en: &str| {
            Err(Refusal::with_details(
                malformed,
                format!("批次状态{zh}"),
                format!("the batch status {en}"),
            ))
        };
        if !codec::is_uuid_v7(&status.batch_id) {
            return bad("的批次编号格式不对", "has a batch id in the wrong form");
        }
        if status.payload_size > MAX_PAYLOAD_BYTES as u64
            || status.received_bytes > status.payload_size
        {
            return bad("的字节数不对", "has the wrong numbers of bytes");
        }
        match (status.state, &status.receipt, &status.refusal) {
            (BatchState::Receiving, None, None)
            | (BatchState::Received, Some(_), None)
            | (BatchState::Refused, None, Some(_)) => {}
            _ => {
                return bad(
                    "与回执或拒收说明对不上",
                    "does not agree with its receipt or refusal",
                );
            }
        }
        if status.state == BatchState::Received && status.received_bytes != status.payload_size {
            return bad(
                "说已收齐，字节数却不够",
                "says the batch is whole, but not all its bytes arrived",
            );
        }
        Ok(status)
    }

    /// The signed receipt, read but not yet verified.
    pub fn signed_receipt(&self) -> Result<Option<SignedReceipt>, Refusal> {
        self.receipt
            .as_ref()
            .map(|value| SignedReceipt::decode(&codec::to_json_bytes(value)))
            .transpose()
    }
}
