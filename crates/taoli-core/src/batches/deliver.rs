//! Getting one signed batch to the upstream whole, exactly once
//! (`docs/protocol.md`, "What the client does").
//!
//! An attempt asks where the batch stands (`GET` its status once the
//! manifest may have arrived, `POST` the manifest otherwise or when the
//! upstream does not know it), then sends the payload from the byte the
//! upstream holds, in chunks, until the answer carries the receipt. A
//! failed attempt is retried after a backoff; every retry sends the same
//! batch id with the same bytes, so the upstream never holds the batch twice.

use super::backoff::Backoff;
use super::http::{Failure, LinkFailure, Upstream};
use crate::protocol::{BatchState, BatchStatus, RefusalCode, SignedReceipt};

/// One batch's bytes, exactly as signed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Delivery<'a> {
    pub batch_id: &'a str,
    pub envelope: &'a [u8],
    pub payload: &'a [u8],
}

/// How the attempts go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    pub backoff: Backoff,
    /// Bytes per payload request.
    pub chunk_bytes: usize,
    /// Whether a `payload_hash_mismatch` is worth sending again (the
    /// school's own batch: the bytes broke on the way) or final (a carried
    /// file whose bytes are what they are).
    pub retry_hash_mismatch: bool,
    /// The manifest may already be at the upstream: ask before posting.
    pub maybe_posted: bool,
}

/// How a delivery ended.
#[derive(Debug)]
pub(crate) enum Delivered {
    /// The upstream holds the batch and signed this receipt (not yet verified).
    Received(SignedReceipt),
    /// Refused for good: the batch will never be accepted as it is.
    Refused(crate::protocol::Refusal),
    /// Not this time: the last failure. The batch waits for the next sync.
    NotYet(Failure),
}

/// Whether another attempt may succeed where this one failed.
fn worth_retrying(failure: &Failure, policy: &Policy) -> bool {
    match failure.code() {
        None => true,
        Some(
            RefusalCode::ServerError
            | RefusalCode::OffsetMismatch
            | RefusalCode::RequestExpired
            | RefusalCode::BatchNotFound
            | RefusalCode::RateLimited
            | RefusalCode::RequestTimeout,
        ) => true,
        Some(RefusalCode::PayloadHashMismatch) => policy.retry_hash_mismatch,
        Some(_) => false,
    }
}

/// Whether a refusal means the batch can never be accepted as it is (as
/// opposed to an answer this build could not read, which may pass).
fn final_refusal(code: RefusalCode, policy: &Policy) -> bool {
    match code {
        RefusalCode::MalformedResponse
        | RefusalCode::Unknown
        | RefusalCode::ServerError
        | RefusalCode::OffsetMismatch
        | RefusalCode::RequestExpired
        | RefusalCode::BatchNotFound
        | RefusalCode::RateLimited
        | RefusalCode::RequestTimeout => false,
        RefusalCode::PayloadHashMismatch => !policy.retry_hash_mismatch,
        _ => true,
    }
}

/// Delivers `delivery`, trying up to `policy.backoff.attempts` times.
/// `on_failure(n, failure)` hears of each failed attempt before the wait.
pub(crate) fn deliver(
    upstream: &Upstream,
    delivery: Delivery<'_>,
    policy: Policy,
    on_failure: &mut dyn FnMut(u32, &Failure),
) -> Delivered {
    let attempts = policy.backoff.attempts.max(1);
    let mut maybe_posted = policy.maybe_posted;
    let mut last = Failure::Link(LinkFailure::default());
    for n in 0..attempts {
        match attempt(upstream, delivery, &policy, maybe_posted) {
            Ok(receipt) => return Delivered::Received(receipt),
            Err(failure) => {
                if let Failure::Refused { refusal, .. } = &failure
                    && final_refusal(refusal.code, &policy)
                {
                    return Delivered::Refused(refusal.clone());
                }
                on_failure(n, &failure);
                let wait = worth_retrying(&failure, &policy)
                    .then(|| policy.backoff.wait_after(n, &failure))
                    .flatten();
                last = failure;
                let Some(wait) = wait else {
                    break;
                };
                // After any failure the manifest may have arrived.
                maybe_posted = true;
                if n.saturating_add(1) < attempts {
                    std::thread::sleep(wait);
                }
            }
        }
    }
    Delivered::NotYet(last)
}

/// One attempt: where the batch stands, then the payload from there.
fn attempt(
    upstream: &Upstream,
    delivery: Delivery<'_>,
    policy: &Policy,
    maybe_posted: bool,
) -> Result<SignedReceipt, Failure> {
    let mut status = if maybe_posted {
        match upstream.batch_status(delivery.batch_id) {
            Err(failure) if failure.code() == Some(RefusalCode::BatchNotFound) => {
                upstream.post_manifest(delivery.envelope)?
            }
            other => other?,
        }
    } else {
        upstream.post_manifest(delivery.envelope)?
    };
    let size = delivery.payload.len();
    let chunk = policy.chunk_bytes.max(1);
    // Every round either moves the offset forward or ends; a misbehaving
    // upstream cannot keep it going for ever.
    let mut rounds = size.checked_div(chunk).unwrap_or(size).saturating_add(16);
    loop {
        check_status(&status, delivery)?;
        match status.state {
            BatchState::Received => {
                return status.signed_receipt().map_err(refused)?.ok_or_else(|| {
                    refused(crate::protocol::Refusal::with_details(
                        RefusalCode::MalformedResponse,
                        "批次已收齐，答复中却没有回执",
                        "the batch is whole, but the answer holds no receipt",
                    ))
                });
            }
            BatchState::Refused => {
                return Err(refused(status.refusal.clone().unwrap_or_else(|| {
                    crate::protocol::Refusal::new(RefusalCode::Unknown)
                })));
            }
            BatchState::Receiving => {}
        }
        if rounds == 0 {
            return Err(refused(crate::protocol::Refusal::with_details(
                RefusalCode::MalformedResponse,
                "上级系统一直没有收齐数据",
                "the upstream never received all the data",
            )));
        }
        rounds = rounds.saturating_sub(1);
        let offset = usize::try_from(status.received_bytes).unwrap_or(usize::MAX);
        let end = offset.saturating_add(chunk).min(size);
        match upstream.put_payload(
            delivery.batch_id,
            status.received_bytes,
            // `check_status` keeps `received_bytes` within the payload.
            delivery.payload.get(offset..end).unwrap_or_default(),
        ) {
            Ok(next) => status = next,
            Err(Failure::Refused {
                refusal,
                upload_offset: Some(held),
                ..
            }) if refusal.code == RefusalCode::OffsetMismatch => {
                status.received_bytes = held;
            }
            Err(other) => return Err(other),
        }
    }
}

/// The status is about this batch and within its size.
fn check_status(status: &BatchStatus, delivery: Delivery<'_>) -> Result<(), Failure> {
    if status.batch_id != delivery.batch_id
        || status.payload_size != delivery.payload.len() as u64
        || status.received_bytes > status.payload_size
    {
        return Err(refused(crate::protocol::Refusal::with_details(
            RefusalCode::MalformedResponse,
            "上级系统答复的批次状态与上传的批次对不上",
            "the batch status the upstream answered does not match the batch uploaded",
        )));
    }
    Ok(())
}

fn refused(refusal: crate::protocol::Refusal) -> Failure {
    Failure::refused(refusal)
}
