//! `taoli-protocol`: the batch protocol `taoli-batch/1` (`docs/protocol.md`),
//! the wire types and codecs the school's client (`taoli-core`, which
//! re-exports this crate as `taoli_core::protocol`) and the upstream
//! (`taoli-upstream`) share.
//!
//! - **Enrollment** ([`EnrollmentRequest`], [`EnrollmentResponse`]): the school
//!   registers the public half of its [`SchoolSigningKey`] with a one-time
//!   报送码 and pins the upstream's receipt-signing [`PublicKey`].
//! - **Batch**: a [`Manifest`] whose canonical bytes the school signs
//!   ([`SignedManifest`]), and a gzip-compressed [`Payload`] the manifest
//!   names by size and SHA-256. Its changes ([`Change`], [`ChangeOp`]) include
//!   a teacher's change of 人员状态 ([`StatusEvent`]).
//! - **Receipt** ([`Receipt`], [`SignedReceipt`]): the upstream's signed
//!   statement that it holds the batch, every record pending review.
//! - **Review** ([`ReviewPage`], [`ReviewResult`]): each record accepted (生效)
//!   or returned (退回), pulled by cursor.
//! - **History** ([`BatchHistory`], [`HeldBatch`]): the batches the upstream
//!   received from the school, with their manifests and receipts, for a
//!   school file restored from before some of them.
//! - **Transfers** ([`Transfer`], [`TransferStep`]): 调动's confirmations in
//!   order, each step with its own id (issue #19; not yet on the wire).
//! - **Refusals** ([`Refusal`], [`RefusalCode`]): a machine code and a
//!   Chinese message for everything either side will not take, with its
//!   particulars in English too when they are words.
//!
//! Every decoder bounds its input ([`MAX_MANIFEST_BYTES`],
//! [`MAX_PAYLOAD_BYTES`], [`MAX_PAYLOAD_JSON_BYTES`] …), checks the protocol
//! version and the algorithm before anything else, and ends in a value or a
//! [`Refusal`], never a panic. Signatures are Ed25519 (`ed25519-dalek`,
//! `verify_strict`); no cryptography or compression is written here.
//!
//! The crate does no I/O: no files, no network, no keychain. Its only
//! contact with the system is the clock ([`now`]) and the operating
//! system's random numbers for a new key ([`SigningKey::generate`]); where
//! a school keeps its key is `taoli-core`'s business.

// Unit tests may index and count freely (docs/reliability.md, "Lints");
// the non-test build of this crate is linted in full.
#![cfg_attr(
    test,
    allow(
        clippy::indexing_slicing,
        clippy::string_slice,
        clippy::arithmetic_side_effects
    )
)]

mod batch;
mod codec;
mod enroll;
mod envelope;
mod error;
mod history;
mod keys;
mod manifest;
mod notice;
mod payload;
mod receipt;
mod refusal;
mod retry;
mod review;
mod text;
mod transfer;

pub use batch::{BatchState, BatchStatus, MAX_BATCH_STATUS_BYTES};
pub use codec::{now, sha256_hex, timestamp};
pub use enroll::{
    EnrollmentRequest, EnrollmentResponse, MAX_ENROLLMENT_BYTES, normalize_enrollment_code,
};
pub use error::{Error, Result};
pub use history::{
    BATCH_HISTORY_PAGE_BYTES, BatchHistory, HeldBatch, MAX_BATCH_HISTORY_BATCHES,
    MAX_BATCH_HISTORY_BYTES, VerifiedBatch,
};
pub use keys::{
    ED25519_KEY_LEN, ED25519_SIGNATURE_LEN, HEADER_DATE, HEADER_KEY_ID, HEADER_SIGNATURE,
    PublicKey, PublicKeyWire, REQUEST_WINDOW_SECONDS, RequestSignature, SchoolSigningKey,
    SigningKey, fingerprint_of, key_id_of, request_signing_bytes, verify_request,
};
pub use manifest::{MAX_SIGNED_MANIFEST_BYTES, Manifest, ManifestFields, SignedManifest};
pub use notice::{
    MAX_NOTICE_CHARS, MAX_NOTICE_PAGE_BYTES, MAX_NOTICE_PAGE_NOTICES, Notice, NoticePage,
};
pub use payload::{
    Change, ChangeOp, MAX_REASON_CHARS, Payload, SignoffMark, StatusEvent, WarningReason, compress,
    decompress,
};
pub use receipt::{MAX_RECEIPT_BYTES, Receipt, ReceiptRecord, RecordStatus, SignedReceipt};
pub use refusal::{Refusal, RefusalCode};
pub use retry::{HEADER_RETRY_AFTER, MAX_RETRY_AFTER_SECONDS, retry_after_seconds};
pub use review::{
    Decision, MAX_REVIEW_PAGE_BYTES, MAX_REVIEW_PAGE_RESULTS, ReviewPage, ReviewResult, review_page,
};
pub use transfer::{
    Applied, MAX_TRANSFER_DOCUMENT_CHARS, MAX_TRANSFER_ID_NUMBER_CHARS, MAX_TRANSFER_NAME_CHARS,
    RequestField, Transfer, TransferAction, TransferParty, TransferRefusal, TransferRequest,
    TransferStage, TransferStep,
};

/// The protocol version every document names (`"protocol"`).
pub const PROTOCOL_VERSION: &str = "taoli-batch/1";
/// The one signature algorithm so far (`"alg"`).
pub const ALGORITHM_ED25519: &str = "ed25519";
/// The one payload compression so far (`"compression"`).
pub const COMPRESSION_GZIP: &str = "gzip";

/// Largest manifest (the signed bytes).
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024;
/// Largest compressed payload.
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;
/// Largest payload once decompressed: a decompression bomb stops here.
pub const MAX_PAYLOAD_JSON_BYTES: usize = 64 * 1024 * 1024;
/// Most records (changes to review) in one batch.
pub const MAX_RECORDS: u64 = 200_000;
/// Largest refusal body.
pub const MAX_REFUSAL_BYTES: usize = 16 * 1024;

/// The header a resumable upload names its offset in, and the upstream
/// answers with the bytes it holds.
pub const HEADER_UPLOAD_OFFSET: &str = "upload-offset";
