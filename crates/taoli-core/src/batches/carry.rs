//! Offline carry (`docs/batches.md`, "Offline carry"): a signed batch as one
//! file (`.taolibatch`) that any Taoli can upload, with or without the
//! school file, and the receipt as a file (`.taolireceipt`) that comes back
//! and is imported into the school file.
//!
//! A `.taolibatch` is one compact JSON object:
//!
//! ```json
//! {"kind":"taolibatch","protocol":"taoli-batch/1","upstream":"https://…","upstream_key":{"alg":"ed25519","key_id":"…","public_key":"…"},
//!  "envelope":{"alg":"ed25519","key_id":"…","manifest":"…","protocol":"taoli-batch/1","signature":"…"},
//!  "payload":"<base64 of the gzip payload>"}
//! ```
//!
//! `envelope` is the signed manifest envelope exactly as `POST /v1/batches`
//! sends it, `payload` the compressed payload exactly as the `PUT`s send it;
//! `upstream` and `upstream_key` (the pinned receipt key) are the school's
//! enrollment, so the courier knows where to go and can check the receipt.
//! Nothing in the file is trusted for more than that: the upstream checks
//! the signature and the payload's hash, and the school checks the receipt
//! with its own pinned key when it imports it.
//!
//! A `.taolireceipt` is the signed receipt envelope exactly as the upstream
//! sent it (`{"alg":…,"key_id":…,"protocol":…,"receipt":…,"signature":…}`).

use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use serde::Serialize;
use serde_json::{Map, Value};

use super::backoff::Backoff;
use super::deliver::{Delivered, Delivery, Policy, deliver};
use super::http::Upstream;
use crate::error::BatchError;
use crate::error::{Error, Particular, Result};
use crate::protocol::{
    MAX_PAYLOAD_BYTES, Manifest, PROTOCOL_VERSION, PublicKey, PublicKeyWire, RefusalCode,
    SignedManifest, SignedReceipt,
};

/// The extension of a batch file.
pub const BATCH_FILE_EXTENSION: &str = "taolibatch";
/// The extension of a receipt file.
pub const RECEIPT_FILE_EXTENSION: &str = "taolireceipt";
/// `"kind"` of a batch file.
const KIND: &str = "taolibatch";
/// The largest batch file: the payload in base64 and room for the rest.
const MAX_BATCH_FILE_BYTES: usize = MAX_PAYLOAD_BYTES.div_ceil(3) * 4 + 64 * 1024;
/// The largest receipt file.
const MAX_RECEIPT_FILE_BYTES: usize = crate::protocol::MAX_RECEIPT_BYTES.div_ceil(3) * 4 + 4096;

/// A signed batch as carried in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFile {
    /// The upstream the school enrolled with.
    pub upstream: String,
    /// The pinned receipt key of that upstream.
    pub upstream_key: PublicKey,
    /// The signed manifest envelope's wire bytes.
    pub envelope: Vec<u8>,
    /// The compressed payload.
    pub payload: Vec<u8>,
}

impl BatchFile {
    /// The file's bytes.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let envelope: Value = serde_json::from_slice(&self.envelope)?;
        let mut object = Map::new();
        object.insert("kind".into(), KIND.into());
        object.insert("protocol".into(), PROTOCOL_VERSION.into());
        object.insert("upstream".into(), self.upstream.clone().into());
        object.insert(
            "upstream_key".into(),
            serde_json::to_value(self.upstream_key.to_wire())?,
        );
        object.insert("envelope".into(), envelope);
        object.insert(
            "payload".into(),
            Base64::encode_string(&self.payload).into(),
        );
        Ok(serde_json::to_vec(&Value::Object(object))?)
    }

    /// Reads a file's bytes; `path` names it in messages. Checks the form,
    /// the envelope (not its signature: that is the upstream's to check) and
    /// that the payload has the size the manifest names.
    pub fn decode(bytes: &[u8], path: &Path) -> Result<BatchFile> {
        let bad = |detail: Particular| {
            Error::Batch(BatchError::BatchFileUnreadable {
                path: path.to_owned(),
                detail,
            })
        };
        if bytes.len() > MAX_BATCH_FILE_BYTES {
            return Err(bad(Particular::said(
                "particular.batch_file.too_large",
                vec![("bytes", bytes.len().to_string())],
            )));
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            bad(Particular::said(
                "particular.batch_file.not_json",
                vec![("detail", e.to_string())],
            ))
        })?;
        let Value::Object(mut object) = value else {
            return Err(bad(Particular::said(
                "particular.batch_file.not_an_object",
                vec![],
            )));
        };
        match object.get("kind").and_then(Value::as_str) {
            Some(KIND) => {}
            _ => {
                return Err(bad(Particular::said(
                    "particular.batch_file.not_a_batch_file",
                    vec![],
                )));
            }
        }
        match object.get("protocol").and_then(Value::as_str) {
            Some(PROTOCOL_VERSION) => {}
            Some(other) => {
                return Err(bad(Particular::said(
                    "particular.batch_file.newer_protocol",
                    vec![
                        ("found", other.chars().take(40).collect()),
                        ("known", PROTOCOL_VERSION.to_owned()),
                    ],
                )));
            }
            None => {
                return Err(bad(Particular::said(
                    "particular.batch_file.no_protocol",
                    vec![],
                )));
            }
        }
        let mut text = |field: &str| match object.remove(field) {
            Some(Value::String(s)) => Ok(s),
            _ => Err(bad(missing(field))),
        };
        let upstream = text("upstream")?;
        let payload = text("payload")?;
        let upstream_key: PublicKeyWire = object
            .remove("upstream_key")
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| {
                bad(Particular::said(
                    "particular.batch_file.upstream_key_wrong",
                    vec![("detail", crate::text::excerpt(&e.to_string(), 200))],
                ))
            })?
            .ok_or_else(|| bad(missing("upstream_key")))?;
        let upstream_key = PublicKey::from_wire(&upstream_key, RefusalCode::MalformedRequest)
            .map_err(|r| bad(Error::from(r).into()))?;
        let envelope = object
            .remove("envelope")
            .ok_or_else(|| bad(missing("envelope")))?;
        let envelope = serde_json::to_vec(&envelope)?;
        let signed = SignedManifest::decode(&envelope).map_err(|r| bad(Error::from(r).into()))?;
        let manifest = signed
            .unverified_manifest()
            .map_err(|r| bad(Error::from(r).into()))?;
        if payload.len() > MAX_PAYLOAD_BYTES.div_ceil(3).saturating_mul(4) {
            return Err(bad(Particular::said(
                "particular.batch_file.payload_too_large",
                vec![],
            )));
        }
        let payload = Base64::decode_vec(&payload).map_err(|e| {
            bad(Particular::said(
                "particular.batch_file.payload_not_base64",
                vec![("detail", e.to_string())],
            ))
        })?;
        if payload.len() as u64 != manifest.payload_size {
            return Err(bad(Particular::said(
                "particular.batch_file.payload_size_mismatch",
                vec![
                    ("bytes", payload.len().to_string()),
                    ("declared", manifest.payload_size.to_string()),
                ],
            )));
        }
        Ok(BatchFile {
            upstream,
            upstream_key,
            envelope,
            payload,
        })
    }

    /// Reads a batch file.
    pub fn read(path: &Path) -> Result<BatchFile> {
        let bytes = read_limited(path, MAX_BATCH_FILE_BYTES).map_err(|detail| {
            Error::Batch(BatchError::BatchFileUnreadable {
                path: path.to_owned(),
                detail,
            })
        })?;
        BatchFile::decode(&bytes, path)
    }

    /// The manifest, as the file states it (its signature not checked here).
    pub fn manifest(&self) -> Result<Manifest> {
        Ok(SignedManifest::decode(&self.envelope).and_then(|s| s.unverified_manifest())?)
    }
}

/// A batch file's field that is not there.
fn missing(field: &str) -> Particular {
    Particular::said(
        "particular.batch_file.field_missing",
        vec![("field", field.to_owned())],
    )
}

fn read_limited(path: &Path, limit: usize) -> std::result::Result<Vec<u8>, Particular> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Particular::said("particular.file_not_found", vec![]),
        _ => Particular::said(
            "particular.file_not_opened",
            vec![("detail", e.to_string())],
        ),
    })?;
    let mut bytes = Vec::new();
    file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Particular::said(
                "particular.file_read_failed",
                vec![("detail", e.to_string())],
            )
        })?;
    if bytes.len() > limit {
        return Err(Particular::said(
            "particular.file_over_limit",
            vec![("limit", limit.to_string())],
        ));
    }
    Ok(bytes)
}

/// Reads a receipt file: the signed receipt envelope (not yet verified).
pub fn read_receipt_file(path: &Path) -> Result<SignedReceipt> {
    let bytes = read_limited(path, MAX_RECEIPT_FILE_BYTES).map_err(|detail| {
        Error::Batch(BatchError::ReceiptFileUnreadable {
            path: path.to_owned(),
            detail,
        })
    })?;
    SignedReceipt::decode(&bytes).map_err(|r| {
        Error::Batch(BatchError::ReceiptFileUnreadable {
            path: path.to_owned(),
            detail: Error::from(r).into(),
        })
    })
}

/// What uploading a carried batch gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadedFile {
    pub school: String,
    pub batch_id: String,
    pub sequence: u64,
    pub record_count: u64,
    /// The upstream it went to.
    pub upstream: String,
    /// By the upstream's clock.
    pub received_at: String,
    /// Where the receipt was written.
    pub receipt_path: String,
    pub receipt_sha256: String,
}

/// Uploads a `.taolibatch` (no school file needed), to `upstream` or the one
/// the file names; checks the receipt against the manifest and the file's
/// upstream key, and writes it to `receipt_path` (beside the batch file,
/// `<name>.taolireceipt`, when None). Import that file into the school file
/// with [`crate::batches::Reporting::import_receipt`].
pub fn upload_file(
    path: &Path,
    upstream: Option<&str>,
    receipt_path: Option<&Path>,
    backoff: Backoff,
) -> Result<UploadedFile> {
    let file = BatchFile::read(path)?;
    let manifest = file.manifest()?;
    let url = upstream.unwrap_or(&file.upstream);
    // No school file, so no school setting: https, or http to this computer.
    let client = Upstream::new(url, false)?;
    let delivery = Delivery {
        batch_id: &manifest.batch_id,
        envelope: &file.envelope,
        payload: &file.payload,
    };
    let policy = Policy {
        backoff,
        chunk_bytes: super::sync::DEFAULT_CHUNK_BYTES,
        retry_hash_mismatch: false,
        maybe_posted: false,
    };
    let signed = match deliver(&client, delivery, policy, &mut |_, _| {}) {
        Delivered::Received(receipt) => receipt,
        Delivered::Refused(refusal) => return Err(Error::Refused(refusal)),
        Delivered::NotYet(failure) => return Err(failure.into_error(client.base())),
    };
    let receipt = signed.verify_for(&file.upstream_key, &manifest)?;
    let receipt_path = receipt_path.map_or_else(
        || path.with_extension(RECEIPT_FILE_EXTENSION),
        PathBuf::from,
    );
    let bytes = signed.encode();
    crate::export::write_file(&receipt_path, &bytes)?;
    Ok(UploadedFile {
        school: manifest.school,
        batch_id: manifest.batch_id,
        sequence: manifest.sequence,
        record_count: manifest.record_count,
        upstream: client.base().to_owned(),
        received_at: receipt.received_at,
        receipt_path: receipt_path.display().to_string(),
        receipt_sha256: crate::protocol::sha256_hex(&bytes),
    })
}
