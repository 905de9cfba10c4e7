//! Bytes → every decoder of the batch protocol (`taoli_core::protocol`) and
//! the `.taolibatch` file reader (`batches::BatchFile`), three ways: as they are; as the body of a manifest and a receipt
//! envelope signed anew (so the checks behind the signature are reached);
//! and gzip-compressed as a payload. Every decoder must end in a value or
//! a `Refusal`.
#![no_main]

use base64ct::{Base64, Encoding};
use libfuzzer_sys::fuzz_target;
use taoli_core::batches::BatchFile;
use taoli_core::protocol::{
    self, BatchHistory, BatchStatus, EnrollmentRequest, EnrollmentResponse, Manifest, Payload,
    Receipt, Refusal, ReviewPage, SignedManifest, SignedReceipt, SigningKey,
};

const SCHOOL: &str = "2151072201";

struct Keys {
    school: SigningKey,
    upstream: SigningKey,
}

fn keys() -> Option<Keys> {
    Some(Keys {
        school: SigningKey::from_bytes(&[1; 32]).ok()?,
        upstream: SigningKey::from_bytes(&[2; 32]).ok()?,
    })
}

/// An envelope around `body` signed by `key`, as the wire carries it.
fn envelope(body_field: &str, body: &[u8], key: &SigningKey) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "protocol": protocol::PROTOCOL_VERSION,
        "alg": "ed25519",
        "key_id": key.key_id(),
        body_field: Base64::encode_string(body),
        "signature": Base64::encode_string(&key.sign(body)),
    }))
    .unwrap_or_default()
}

fn every_decoder(bytes: &[u8], keys: &Keys) {
    let manifest = SignedManifest::decode(bytes)
        .and_then(|signed| signed.verify(&keys.school.public_key()))
        .or_else(|_| Manifest::decode(bytes));
    if let Ok(manifest) = &manifest {
        let _ = manifest.sha256();
        if let Ok(payload) = Payload::decode(bytes) {
            let _ = payload.check_against(manifest);
        }
    }
    let _ = Payload::decode(bytes);
    if let Ok(signed) = SignedReceipt::decode(bytes) {
        let _ = signed.verify(&keys.upstream.public_key());
        if let Ok(manifest) = &manifest {
            let _ = signed.verify_for(&keys.upstream.public_key(), manifest);
        }
    }
    if let (Ok(receipt), Ok(manifest)) = (Receipt::decode(bytes), &manifest) {
        let _ = receipt.check_matches(manifest);
    }
    if let Ok(page) = ReviewPage::decode(bytes, SCHOOL, 0) {
        let _ = page.decisions(&mut Default::default());
    }
    if let Ok((request, _)) = EnrollmentRequest::decode(bytes) {
        let _ = EnrollmentResponse::decode(bytes, &request);
    }
    let request = EnrollmentRequest::new(SCHOOL, "ABCD-EFGH-JKMN-PQRS", &keys.school);
    let _ = EnrollmentResponse::decode(bytes, &request);
    if let Ok(status) = BatchStatus::decode(bytes)
        && let Ok(Some(signed)) = status.signed_receipt()
    {
        let _ = signed.verify(&keys.upstream.public_key());
    }
    if let Ok(history) = BatchHistory::decode(bytes, SCHOOL, 1) {
        for held in &history.batches {
            let _ = held.verify(&keys.upstream.public_key());
        }
    }
    let _ = Refusal::decode(bytes);
    if let Ok(file) = BatchFile::decode(bytes, std::path::Path::new("fuzz.taolibatch")) {
        let _ = file.manifest();
        let _ = file.encode();
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(keys) = keys() else {
        return;
    };
    every_decoder(data, &keys);
    every_decoder(&envelope("manifest", data, &keys.school), &keys);
    every_decoder(&envelope("receipt", data, &keys.upstream), &keys);
    if let Ok(compressed) = protocol::compress(data) {
        let _ = Payload::decode(&compressed);
    }
});
