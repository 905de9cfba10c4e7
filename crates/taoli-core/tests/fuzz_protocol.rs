#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! The protocol's decoders as properties (proptest in place of cargo-fuzz,
//! as in `fuzz_readers.rs`), and the hostile protocol corpus
//! (`fixtures/hostile/protocol/`).
//!
//! Every decoder — signed manifest, manifest, payload (decompress + parse),
//! signed receipt, receipt, review page, enrollment request and response,
//! batch status, the batches the upstream holds, refusal — gets arbitrary bytes and mutations of valid
//! encodings (bytes flipped, cut, inserted; manifests and receipts mutated
//! and then signed anew, so the checks behind the signature are reached;
//! payload JSON mutated and compressed anew). Properties: nothing panics;
//! every failure is a [`Refusal`] with one of the codes that decoder may
//! give and a Chinese message of bounded length.
//!
//! Structured too: every string, number and object of every valid document
//! replaced by any value (hostile text from `support/props.rs`, numbers past
//! `u64`, nesting), and signed or compressed anew, so the checks on each
//! field are reached with text no byte mutation makes.
//!
//! Seeded for reproducible runs; `TAOLI_FUZZ_RANDOM=1 TAOLI_FUZZ_SCALE=20`
//! (or `PROPTEST_CASES=N`) hunts longer. `TAOLI_WRITE_FIXTURES=1` rewrites the hostile corpus.

#[path = "support/mutation.rs"]
mod mutation;
use mutation::{mutate, mutation};

#[path = "support/props.rs"]
mod props;
use props::{is_chinese, runner};

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value, json};
use taoli_core::batches::BatchFile;
use taoli_core::protocol::{
    self, BatchHistory, BatchState, BatchStatus, Change, ChangeOp, Decision, EnrollmentRequest,
    EnrollmentResponse, HeldBatch, MAX_PAYLOAD_JSON_BYTES, Manifest, ManifestFields, Payload,
    PublicKeyWire, Receipt, Refusal, RefusalCode, ReviewPage, ReviewResult, SignedManifest,
    SignedReceipt, SigningKey, WarningReason,
};
use taoli_core::secrets::{MemorySecretStore, SecretStore, SigningKeyStore};

const SCHOOL: &str = "2151072201";
const BATCH: &str = "0190f5e4-7a3b-7c4d-8e5f-0123456789ab";
const PREVIOUS: &str = "0190f5e4-7a3b-7c4d-8e5f-00000000000a";
const CREATED_AT: &str = "2026-03-01T08:00:00.000Z";
const RECEIVED_AT: &str = "2026-03-01T08:00:05.123Z";

// ------------------------------------------------------------------ samples

fn school_key() -> SigningKey {
    SigningKey::from_bytes(&[1; 32]).unwrap()
}

fn upstream_key() -> SigningKey {
    SigningKey::from_bytes(&[2; 32]).unwrap()
}

fn forger_key() -> SigningKey {
    SigningKey::from_bytes(&[3; 32]).unwrap()
}

fn fields(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn sample_payload() -> Payload {
    let mut payload = Payload::new(SCHOOL, BATCH);
    payload.changes = vec![
        Change {
            id: "teacher:t-1".into(),
            op: ChangeOp::NewTeacher,
            teacher_id: "t-1".into(),
            record_id: None,
            group: None,
            base_version: None,
            version: Some(1),
            fields: fields(&[
                ("name", json!("张三")),
                ("id_type", json!("1")),
                ("id_number", json!("110105194912310029")),
                ("ethnicity", json!("01")),
            ]),
            reason: None,
            status: None,
            signoff: None,
        },
        Change {
            id: "record:r-1@2".into(),
            op: ChangeOp::UpdateRecord,
            teacher_id: "t-1".into(),
            record_id: Some("r-1".into()),
            group: Some("education".into()),
            base_version: Some(1),
            version: Some(2),
            fields: fields(&[("education_level", json!("21")), ("major", json!("数学"))]),
            reason: None,
            status: None,
            signoff: None,
        },
        Change {
            id: "record:r-2@removed".into(),
            op: ChangeOp::RemoveRecord,
            teacher_id: "t-1".into(),
            record_id: Some("r-2".into()),
            group: Some("work".into()),
            base_version: Some(3),
            version: None,
            fields: Map::new(),
            reason: Some("重复录入".into()),
            status: None,
            signoff: None,
        },
        Change {
            id: "change:t-2@5".into(),
            op: ChangeOp::ChangeRequest,
            teacher_id: "t-2".into(),
            record_id: None,
            group: None,
            base_version: Some(4),
            version: Some(5),
            fields: fields(&[("name", json!("李四"))]),
            reason: Some("姓名登记有误，以户口簿为准".into()),
            status: None,
            signoff: None,
        },
    ];
    payload.warning_reasons = vec![WarningReason {
        teacher_id: "t-1".into(),
        record_id: None,
        rule: "birth_date_matches_id".into(),
        reason: "以人事档案为准".into(),
    }];
    payload
}

fn sample_payload_bytes() -> Vec<u8> {
    sample_payload().encode().unwrap()
}

fn sample_manifest() -> Manifest {
    let payload = sample_payload_bytes();
    Manifest::new(
        &school_key(),
        ManifestFields {
            school: SCHOOL,
            batch_id: BATCH,
            sequence: 2,
            previous_batch: Some(PREVIOUS),
            created_at: CREATED_AT,
            record_count: 4,
            payload: &payload,
        },
    )
    .unwrap()
}

fn sample_receipt() -> Receipt {
    let ids: Vec<String> = sample_payload()
        .changes
        .iter()
        .map(|c| c.id.clone())
        .collect();
    Receipt::new(&sample_manifest(), RECEIVED_AT, &ids)
}

fn sample_review_page() -> ReviewPage {
    protocol::review_page(
        SCHOOL,
        0,
        vec![
            ReviewResult {
                cursor: 3,
                review_id: "0190f5e5-0000-7000-8000-000000000001".into(),
                batch_id: BATCH.into(),
                record: "teacher:t-1".into(),
                decision: Decision::Accepted,
                reason: None,
                reviewed_at: "2026-03-02T09:00:00.000Z".into(),
            },
            ReviewResult {
                cursor: 7,
                review_id: "0190f5e5-0000-7000-8000-000000000002".into(),
                batch_id: BATCH.into(),
                record: "record:r-1@2".into(),
                decision: Decision::Returned,
                reason: Some("毕业年月早于入学年月".into()),
                reviewed_at: "2026-03-02T09:01:00.000Z".into(),
            },
        ],
        false,
    )
}

fn sample_enrollment_request() -> EnrollmentRequest {
    EnrollmentRequest::new(SCHOOL, "ABCD-EFGH-JKMN-PQRS", &school_key())
}

fn sample_enrollment_response() -> EnrollmentResponse {
    EnrollmentResponse {
        protocol: protocol::PROTOCOL_VERSION.into(),
        school: SCHOOL.into(),
        key_id: school_key().key_id(),
        enrolled_at: CREATED_AT.into(),
        upstream_key: upstream_key().public_key().to_wire(),
    }
}

fn sample_batch_status() -> BatchStatus {
    let signed = SignedReceipt::sign(&sample_receipt(), &upstream_key());
    let size = sample_payload_bytes().len() as u64;
    let mut status = BatchStatus::new(BATCH, BatchState::Received, size, size);
    status.receipt = Some(serde_json::from_slice(&signed.encode()).unwrap());
    status
}

/// What the upstream holds after sequence 1: the sample batch (sequence 2).
fn sample_batch_history() -> BatchHistory {
    let signed = SignedReceipt::sign(&sample_receipt(), &upstream_key());
    let held = HeldBatch::new(
        2,
        BATCH,
        &sample_manifest().canonical_bytes(),
        &signed.encode(),
    )
    .unwrap();
    BatchHistory::new(SCHOOL, 2, vec![held])
}

// ------------------------------------------------------------------ decoders

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoder {
    SignedManifest,
    Manifest,
    Payload,
    SignedReceipt,
    Receipt,
    ReviewPage,
    EnrollmentRequest,
    EnrollmentResponse,
    BatchStatus,
    BatchHistory,
    Refusal,
}

const DECODERS: [Decoder; 11] = [
    Decoder::SignedManifest,
    Decoder::Manifest,
    Decoder::Payload,
    Decoder::SignedReceipt,
    Decoder::Receipt,
    Decoder::ReviewPage,
    Decoder::EnrollmentRequest,
    Decoder::EnrollmentResponse,
    Decoder::BatchStatus,
    Decoder::BatchHistory,
    Decoder::Refusal,
];

impl Decoder {
    fn name(self) -> &'static str {
        match self {
            Decoder::SignedManifest => "signed_manifest",
            Decoder::Manifest => "manifest",
            Decoder::Payload => "payload",
            Decoder::SignedReceipt => "signed_receipt",
            Decoder::Receipt => "receipt",
            Decoder::ReviewPage => "review_page",
            Decoder::EnrollmentRequest => "enrollment_request",
            Decoder::EnrollmentResponse => "enrollment_response",
            Decoder::BatchStatus => "batch_status",
            Decoder::BatchHistory => "batch_history",
            Decoder::Refusal => "refusal",
        }
    }

    fn from_name(name: &str) -> Decoder {
        DECODERS
            .into_iter()
            .find(|d| d.name() == name)
            .unwrap_or_else(|| panic!("no decoder {name}"))
    }

    /// Decodes `bytes` as the client or the upstream would, verifying
    /// signatures with the sample keys.
    fn decode(self, bytes: &[u8]) -> Result<(), Refusal> {
        match self {
            Decoder::SignedManifest => SignedManifest::decode(bytes)?
                .verify(&school_key().public_key())
                .map(drop),
            Decoder::Manifest => Manifest::decode(bytes).map(drop),
            Decoder::Payload => Payload::decode(bytes).map(drop),
            Decoder::SignedReceipt => SignedReceipt::decode(bytes)?
                .verify_for(&upstream_key().public_key(), &sample_manifest())
                .map(drop),
            Decoder::Receipt => Receipt::decode(bytes).map(drop),
            Decoder::ReviewPage => ReviewPage::decode(bytes, SCHOOL, 0).map(drop),
            Decoder::EnrollmentRequest => EnrollmentRequest::decode(bytes).map(drop),
            Decoder::EnrollmentResponse => {
                EnrollmentResponse::decode(bytes, &sample_enrollment_request()).map(drop)
            }
            Decoder::BatchStatus => {
                let status = BatchStatus::decode(bytes)?;
                if let Some(signed) = status.signed_receipt()? {
                    signed.verify(&upstream_key().public_key())?;
                }
                Ok(())
            }
            Decoder::BatchHistory => {
                let history = BatchHistory::decode(bytes, SCHOOL, 1)?;
                for held in &history.batches {
                    held.verify(&upstream_key().public_key())?;
                }
                Ok(())
            }
            Decoder::Refusal => Refusal::decode(bytes).map(drop),
        }
    }

    /// The codes this decoder may refuse with.
    fn allowed(self) -> &'static [RefusalCode] {
        use RefusalCode::*;
        match self {
            Decoder::SignedManifest => &[
                MalformedRequest,
                MalformedManifest,
                TooLarge,
                UnsupportedVersion,
                UnsupportedAlgorithm,
                BadSignature,
            ],
            Decoder::Manifest => &[
                MalformedManifest,
                TooLarge,
                UnsupportedVersion,
                UnsupportedAlgorithm,
            ],
            Decoder::Payload => &[MalformedPayload, TooLarge, UnsupportedVersion],
            Decoder::SignedReceipt => &[
                MalformedResponse,
                TooLarge,
                UnsupportedVersion,
                UnsupportedAlgorithm,
                BadSignature,
                ReceiptInvalid,
            ],
            Decoder::Receipt | Decoder::ReviewPage | Decoder::Refusal => {
                &[MalformedResponse, TooLarge, UnsupportedVersion]
            }
            Decoder::EnrollmentRequest => &[
                MalformedRequest,
                TooLarge,
                UnsupportedVersion,
                UnsupportedAlgorithm,
                EnrollmentCodeInvalid,
            ],
            Decoder::EnrollmentResponse => &[
                MalformedResponse,
                TooLarge,
                UnsupportedVersion,
                UnsupportedAlgorithm,
            ],
            Decoder::BatchStatus | Decoder::BatchHistory => &[
                MalformedResponse,
                TooLarge,
                UnsupportedVersion,
                UnsupportedAlgorithm,
                BadSignature,
                ReceiptInvalid,
            ],
        }
    }

    /// A valid encoding for this decoder.
    fn valid(self) -> Vec<u8> {
        match self {
            Decoder::SignedManifest => {
                SignedManifest::sign(&sample_manifest(), &school_key()).encode()
            }
            Decoder::Manifest => sample_manifest().canonical_bytes(),
            Decoder::Payload => sample_payload_bytes(),
            Decoder::SignedReceipt => {
                SignedReceipt::sign(&sample_receipt(), &upstream_key()).encode()
            }
            Decoder::Receipt => sample_receipt().canonical_bytes(),
            Decoder::ReviewPage => sample_review_page().to_json(),
            Decoder::EnrollmentRequest => sample_enrollment_request().to_json(),
            Decoder::EnrollmentResponse => sample_enrollment_response().to_json(),
            Decoder::BatchStatus => sample_batch_status().to_json(),
            Decoder::BatchHistory => sample_batch_history().to_json(),
            Decoder::Refusal => Refusal::with_detail(RefusalCode::SequenceReplayed, "序号 2")
                .to_json()
                .into_bytes(),
        }
    }
}

/// Decoded, or refused with an allowed code and a clear Chinese message.
fn decoded_or_refused_clearly(decoder: Decoder, bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Err(refusal) = decoder.decode(bytes) {
        prop_assert!(
            decoder.allowed().contains(&refusal.code),
            "{}: {:?} {}",
            decoder.name(),
            refusal.code,
            refusal.message
        );
        prop_assert!(is_chinese(&refusal.message), "{}", refusal.message);
        prop_assert!(
            refusal.message.chars().count() < 1000,
            "{} characters",
            refusal.message.chars().count()
        );
    }
    Ok(())
}

fn decoder() -> impl Strategy<Value = Decoder> {
    prop::sample::select(DECODERS.to_vec())
}

/// Starts that send a decoder down its paths: JSON, our version, gzip.
fn prefixes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        Just(b"{".to_vec()),
        Just(b"{\"protocol\":\"taoli-batch/1\",".to_vec()),
        Just(b"{\"protocol\":\"taoli-batch/1\",\"alg\":\"ed25519\",".to_vec()),
        Just(b"{\"kind\":\"manifest\",\"protocol\":\"taoli-batch/1\",".to_vec()),
        Just(vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]),
        Just(b"[[[[[[[[[[[[[[[[[[[[".to_vec()),
    ]
}

/// What a damaged or hostile document tends to hold.
const TOKENS: [&str; 14] = [
    "\"",
    "{",
    "}",
    ",",
    "null",
    "-1",
    "18446744073709551616",
    "1e400",
    "\"taoli-batch/2\"",
    "\"sm2\"",
    "\\u0000",
    "\\ud800",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "\u{202E}",
];

/// An envelope around `body` signed by `key`, as the wire carries it.
fn envelope(body_field: &str, body: &[u8], key: &SigningKey) -> Vec<u8> {
    use base64ct::{Base64, Encoding};
    serde_json::to_vec(&json!({
        "protocol": protocol::PROTOCOL_VERSION,
        "alg": "ed25519",
        "key_id": key.key_id(),
        body_field: Base64::encode_string(body),
        "signature": Base64::encode_string(&key.sign(body)),
    }))
    .unwrap()
}

// --------------------------------------------------------------- properties

#[test]
fn arbitrary_bytes_into_every_decoder_are_refused_clearly() {
    let strategy = (
        decoder(),
        prefixes(),
        prop::collection::vec(any::<u8>(), 0..1024),
    );
    runner(600)
        .run(&strategy, |(decoder, prefix, tail)| {
            let mut bytes = prefix;
            bytes.extend(tail);
            decoded_or_refused_clearly(decoder, &bytes)
        })
        .unwrap();
}

#[test]
fn arbitrary_bytes_gzip_compressed_are_refused_as_payloads_clearly() {
    let strategy = (prefixes(), prop::collection::vec(any::<u8>(), 0..1024));
    runner(200)
        .run(&strategy, |(prefix, tail)| {
            let mut json = prefix;
            json.extend(tail);
            let compressed = protocol::compress(&json).unwrap();
            decoded_or_refused_clearly(Decoder::Payload, &compressed)
        })
        .unwrap();
}

#[test]
fn valid_encodings_with_bytes_flipped_cut_or_inserted_are_decoded_or_refused_clearly() {
    let valid: Vec<(Decoder, Vec<u8>)> = DECODERS.iter().map(|d| (*d, d.valid())).collect();
    let strategy = (
        0..valid.len(),
        prop::collection::vec(mutation(&TOKENS), 1..4),
    );
    runner(800)
        .run(&strategy, |(which, mutations)| {
            let (decoder, original) = &valid[which];
            let mut bytes = original.clone();
            mutate(&mut bytes, &mutations);
            decoded_or_refused_clearly(*decoder, &bytes)
        })
        .unwrap();
}

#[test]
fn mutated_manifests_signed_anew_are_decoded_or_refused_clearly() {
    let manifest = sample_manifest().canonical_bytes();
    let key = school_key();
    runner(400)
        .run(
            &prop::collection::vec(mutation(&TOKENS), 1..4),
            |mutations| {
                let mut bytes = manifest.clone();
                mutate(&mut bytes, &mutations);
                let signed = envelope("manifest", &bytes, &key);
                decoded_or_refused_clearly(Decoder::SignedManifest, &signed)?;
                decoded_or_refused_clearly(Decoder::Manifest, &bytes)
            },
        )
        .unwrap();
}

#[test]
fn mutated_receipts_signed_anew_are_decoded_or_refused_clearly() {
    let receipt = sample_receipt().canonical_bytes();
    let key = upstream_key();
    runner(300)
        .run(
            &prop::collection::vec(mutation(&TOKENS), 1..4),
            |mutations| {
                let mut bytes = receipt.clone();
                mutate(&mut bytes, &mutations);
                let signed = envelope("receipt", &bytes, &key);
                decoded_or_refused_clearly(Decoder::SignedReceipt, &signed)
            },
        )
        .unwrap();
}

#[test]
fn mutated_payload_json_compressed_anew_is_decoded_or_refused_clearly() {
    let json = serde_json::to_vec(&sample_payload()).unwrap();
    runner(400)
        .run(
            &prop::collection::vec(mutation(&TOKENS), 1..4),
            |mutations| {
                let mut bytes = json.clone();
                mutate(&mut bytes, &mutations);
                let compressed = protocol::compress(&bytes).unwrap();
                decoded_or_refused_clearly(Decoder::Payload, &compressed)
            },
        )
        .unwrap();
}

/// Any JSON value a field may be given: hostile text, numbers past the
/// integer types, nesting, nothing.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => props::any_text().prop_map(Value::String),
        1 => props::near(Just("2026-03-01T08:00:00.000Z".to_owned()).boxed()).prop_map(Value::String),
        1 => props::near(Just(BATCH.to_owned()).boxed()).prop_map(Value::String),
        1 => prop_oneof![
            Just(json!(u64::MAX)),
            Just(json!(i64::MIN)),
            Just(json!(-1)),
            Just(json!(0)),
            Just(json!(1e308)),
            Just(json!(0.5)),
            any::<i64>().prop_map(|n| json!(n)),
        ],
        1 => prop_oneof![
            Just(Value::Null),
            Just(json!(true)),
            Just(json!([])),
            Just(json!({})),
            Just(json!([[["x"]]])),
            Just(json!({"protocol": "taoli-batch/1"})),
        ],
    ]
}

/// The JSON pointer of every value inside `value`, containers included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    if !at.is_empty() {
        out.push(at);
    }
}

/// A valid document of every decoder as JSON, and how its bytes reach the
/// decoder again once a field is changed (signed or compressed anew).
fn documents() -> Vec<(Decoder, Value)> {
    let json_of = |bytes: Vec<u8>| serde_json::from_slice::<Value>(&bytes).unwrap();
    vec![
        (
            Decoder::SignedManifest,
            json_of(sample_manifest().canonical_bytes()),
        ),
        (
            Decoder::Manifest,
            json_of(sample_manifest().canonical_bytes()),
        ),
        (
            Decoder::Payload,
            json_of(serde_json::to_vec(&sample_payload()).unwrap()),
        ),
        (
            Decoder::SignedReceipt,
            json_of(sample_receipt().canonical_bytes()),
        ),
        (
            Decoder::Receipt,
            json_of(sample_receipt().canonical_bytes()),
        ),
        (Decoder::ReviewPage, json_of(sample_review_page().to_json())),
        (
            Decoder::EnrollmentRequest,
            json_of(sample_enrollment_request().to_json()),
        ),
        (
            Decoder::EnrollmentResponse,
            json_of(sample_enrollment_response().to_json()),
        ),
        (
            Decoder::BatchStatus,
            json_of(sample_batch_status().to_json()),
        ),
        (
            Decoder::BatchHistory,
            json_of(sample_batch_history().to_json()),
        ),
        (Decoder::Refusal, json_of(Decoder::Refusal.valid())),
    ]
}

/// The bytes `decoder` reads for `document`.
fn encoded(decoder: Decoder, document: &Value) -> Vec<u8> {
    let bytes = serde_json::to_vec(document).unwrap();
    match decoder {
        Decoder::SignedManifest => envelope("manifest", &bytes, &school_key()),
        Decoder::SignedReceipt => envelope("receipt", &bytes, &upstream_key()),
        Decoder::Payload => protocol::compress(&bytes).unwrap(),
        _ => bytes,
    }
}

#[test]
fn every_field_of_every_document_given_any_value_is_decoded_or_refused_clearly() {
    let documents: Vec<(Decoder, Value, Vec<String>)> = documents()
        .into_iter()
        .map(|(d, v)| {
            let mut at = Vec::new();
            pointers(&v, String::new(), &mut at);
            (d, v, at)
        })
        .collect();
    let edits = prop::collection::vec((any::<prop::sample::Index>(), any_value()), 1..4);
    runner(800)
        .run(&(0..documents.len(), edits), |(which, edits)| {
            let (decoder, original, at) = &documents[which];
            let mut document = original.clone();
            for (i, value) in edits {
                if let Some(slot) = document.pointer_mut(&at[i.index(at.len())]) {
                    *slot = value;
                }
            }
            decoded_or_refused_clearly(*decoder, &encoded(*decoder, &document))
        })
        .unwrap();
}

/// A `.taolibatch` of the sample batch.
fn sample_batch_file() -> Vec<u8> {
    BatchFile {
        upstream: "http://127.0.0.1:8080".into(),
        upstream_key: upstream_key().public_key(),
        envelope: SignedManifest::sign(&sample_manifest(), &school_key()).encode(),
        payload: sample_payload_bytes(),
    }
    .encode()
    .unwrap()
}

/// `.taolibatch` files (the courier's copy of a batch): arbitrary bytes,
/// the sample file with bytes flipped, cut and inserted, and with any of
/// its fields given any value. Read, or refused for the clerk in Chinese.
#[test]
fn a_batch_file_of_any_bytes_or_fields_is_read_or_refused_in_chinese() {
    let valid = sample_batch_file();
    let document: Value = serde_json::from_slice(&valid).unwrap();
    let mut at = Vec::new();
    pointers(&document, String::new(), &mut at);
    let bytes = prop_oneof![
        (prefixes(), prop::collection::vec(any::<u8>(), 0..1024)).prop_map(|(mut p, t)| {
            p.extend(t);
            p
        }),
        prop::collection::vec(mutation(&TOKENS), 1..4).prop_map(move |m| {
            let mut bytes = valid.clone();
            mutate(&mut bytes, &m);
            bytes
        }),
        prop::collection::vec((any::<prop::sample::Index>(), any_value()), 1..4).prop_map(
            move |edits| {
                let mut changed = document.clone();
                for (i, value) in edits {
                    if let Some(slot) = changed.pointer_mut(&at[i.index(at.len())]) {
                        *slot = value;
                    }
                }
                serde_json::to_vec(&changed).unwrap()
            }
        ),
    ];
    runner(500)
        .run(&bytes, |bytes| {
            if let Err(e) = BatchFile::decode(&bytes, Path::new("批次.taolibatch")) {
                let message = e.to_string();
                prop_assert_eq!(e.kind(), taoli_core::ErrorKind::User, "{}", message);
                prop_assert!(is_chinese(&message), "{message}");
                prop_assert!(message.chars().count() < 1000, "{message}");
            }
            Ok(())
        })
        .unwrap();
}

/// A field of the wrong type once came back quoted whole in the refusal
/// (serde's `invalid type: string "000…"`): a 1,000-character message for
/// a 1,000-character string where a payload's `version` number belongs.
#[test]
fn a_long_string_where_a_number_belongs_is_refused_with_a_short_message() {
    let mut document = serde_json::to_value(sample_payload()).unwrap();
    document["changes"][0]["version"] = Value::String("0".repeat(100_000));
    let compressed = protocol::compress(&serde_json::to_vec(&document).unwrap()).unwrap();
    let refusal = Payload::decode(&compressed).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::MalformedPayload);
    assert!(
        refusal.message.chars().count() < 1000,
        "{}",
        refusal.message
    );
}

#[test]
fn the_sample_batch_file_is_read_back() {
    let file = BatchFile::decode(&sample_batch_file(), Path::new("批次.taolibatch")).unwrap();
    assert_eq!(file.payload, sample_payload_bytes());
}

/// Text as a clerk or a hostile file might hold it.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        Just(String::new()),
        Just("\u{202E}\u{0000}\"\\".to_owned()),
        Just("张三".repeat(30)),
    ]
}

#[test]
fn payload_values_of_any_text_round_trip_exactly() {
    let strategy = (
        prop::collection::btree_map("[a-z_]{1,20}", any_text(), 1..6),
        "[\\PC&&[^\\s]][\\PC]{0,30}",
    );
    runner(200)
        .run(&strategy, |(values, reason)| {
            let mut payload = sample_payload();
            payload.changes[0].fields = values
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            payload.changes[2].reason = Some(reason.chars().take(500).collect());
            let bytes = payload.encode().unwrap();
            prop_assert_eq!(Payload::decode(&bytes).unwrap(), payload);
            Ok(())
        })
        .unwrap();
}

// ------------------------------------------------------------ named checks

#[test]
fn every_valid_encoding_decodes() {
    for decoder in DECODERS {
        if let Err(refusal) = decoder.decode(&decoder.valid()) {
            panic!("{}: {:?} {}", decoder.name(), refusal.code, refusal.message);
        }
    }
}

#[test]
fn a_signed_manifest_verifies_to_the_manifest_it_signed() {
    let manifest = sample_manifest();
    let signed = SignedManifest::sign(&manifest, &school_key());
    let decoded = SignedManifest::decode(&signed.encode()).unwrap();
    assert_eq!(
        decoded.verify(&school_key().public_key()).unwrap(),
        manifest
    );
    assert_eq!(
        decoded.verify(&forger_key().public_key()).unwrap_err().code,
        RefusalCode::BadSignature
    );
}

#[test]
fn a_receipt_verifies_only_with_the_pinned_key_and_for_its_own_batch() {
    let signed = SignedReceipt::sign(&sample_receipt(), &upstream_key());
    let pinned = upstream_key().public_key();
    assert_eq!(
        signed.verify_for(&pinned, &sample_manifest()).unwrap(),
        sample_receipt()
    );
    let forged = SignedReceipt::sign(&sample_receipt(), &forger_key());
    assert_eq!(
        forged.verify(&pinned).unwrap_err().code,
        RefusalCode::ReceiptInvalid
    );
    let mut other = sample_manifest();
    other.sequence = 3;
    assert_eq!(
        signed.verify_for(&pinned, &other).unwrap_err().code,
        RefusalCode::ReceiptInvalid
    );
}

#[test]
fn a_decompression_bomb_stops_at_the_limit() {
    let bomb = protocol::compress(&vec![b' '; 4 * 1024 * 1024]).unwrap();
    assert!(bomb.len() < 16 * 1024, "{}", bomb.len());
    let refusal = Payload::decode_with_limit(&bomb, 1024 * 1024).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::TooLarge);
    assert!(is_chinese(&refusal.message));
}

#[test]
fn json_nested_far_deeper_than_a_stack_allows_is_refused_not_overflowed() {
    let depth = 200_000;
    let mut json = String::from("{\"protocol\":\"taoli-batch/1\",\"x\":");
    json.push_str(&"[".repeat(depth));
    json.push_str(&"]".repeat(depth));
    json.push('}');
    let refusal = Payload::decode(&protocol::compress(json.as_bytes()).unwrap()).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::MalformedPayload);
}

#[test]
fn every_refusal_code_has_a_chinese_message_a_status_and_a_stable_name() {
    let mut names = HashSet::new();
    for code in RefusalCode::ALL {
        assert!(is_chinese(code.message()), "{code}");
        assert!((400..600).contains(&code.http_status()), "{code}");
        assert!(names.insert(code.as_str()), "{code} twice");
        assert_eq!(code.error_code(), format!("protocol.{}", code.as_str()));
        let json = Refusal::new(code).to_json();
        assert_eq!(Refusal::decode(json.as_bytes()).unwrap().code, code);
        let error = taoli_core::Error::from(Refusal::new(code));
        assert_eq!(error.code(), code.error_code());
        assert_eq!(error.to_string(), code.message());
    }
}

#[test]
fn a_refusal_code_from_a_newer_upstream_is_read_as_unknown_with_its_message() {
    let refusal =
        Refusal::decode(r#"{"code":"quota_exceeded","message":"本月上报次数已满。"}"#.as_bytes())
            .unwrap();
    assert_eq!(refusal.code, RefusalCode::Unknown);
    assert_eq!(refusal.message, "本月上报次数已满。");
}

#[test]
fn the_school_signing_key_is_kept_in_a_secret_store_and_read_back() {
    let store = MemorySecretStore::new();
    assert!(SigningKey::load(&store, SCHOOL).unwrap().is_none());
    let key = SigningKey::generate().unwrap();
    key.save(&store, SCHOOL).unwrap();
    let loaded = SigningKey::load(&store, SCHOOL).unwrap().unwrap();
    assert_eq!(loaded.key_id(), key.key_id());
    assert_eq!(loaded.sign(b"x"), key.sign(b"x"));
    let kept = store
        .get(&protocol::signing_key_account(SCHOOL))
        .unwrap()
        .unwrap();
    assert_eq!(kept.len(), 32);
}

#[test]
fn a_signing_key_never_prints_its_secret() {
    let key = SigningKey::from_bytes(&[0xab; 32]).unwrap();
    let shown = format!("{key:?}");
    assert!(shown.contains("hidden"), "{shown}");
    assert!(!shown.contains("abab"), "{shown}");
}

#[test]
fn a_public_key_whose_id_does_not_match_is_refused() {
    let mut wire: PublicKeyWire = upstream_key().public_key().to_wire();
    wire.key_id = school_key().key_id();
    let refusal =
        protocol::PublicKey::from_wire(&wire, RefusalCode::MalformedResponse).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::MalformedResponse);
}

#[test]
fn an_enrollment_code_is_read_however_it_was_typed() {
    assert_eq!(
        protocol::normalize_enrollment_code(" abcd-efgh ＪＫＭＮ pqrs "),
        "ABCDEFGHJKMNPQRS"
    );
}

// ---------------------------------------------------------- hostile corpus

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/hostile/protocol")
}

/// Each hostile file: its name, the decoder it goes to, its bytes, and the
/// refusal it must get. The corpus is written from here
/// (`TAOLI_WRITE_FIXTURES=1`), so it is deterministic: fixed keys, ids and
/// times; Ed25519 signatures are deterministic.
fn hostile_corpus() -> Vec<(&'static str, Decoder, Vec<u8>, RefusalCode)> {
    let school = school_key();
    let manifest = sample_manifest();
    let canonical = String::from_utf8(manifest.canonical_bytes()).unwrap();
    let pretty = serde_json::to_vec_pretty(&manifest).unwrap();
    let with_extra = canonical.replacen('{', "{\"priority\":\"high\",", 1);
    let version_2 = canonical.replace("taoli-batch/1", "taoli-batch/2");
    let good_envelope = SignedManifest::sign(&manifest, &school).encode();
    let good_text = String::from_utf8(good_envelope.clone()).unwrap();
    let mut tampered = SignedManifest::decode(&good_envelope).unwrap();
    tampered.manifest_bytes = canonical
        .replace("\"sequence\":2", "\"sequence\":3")
        .into_bytes();
    let short_signature = {
        let signed = SignedManifest::decode(&good_envelope).unwrap();
        use base64ct::{Base64, Encoding};
        good_text.replace(
            &Base64::encode_string(&signed.signature),
            &Base64::encode_string(&signed.signature[..63]),
        )
    };
    let oversized = good_text.replacen(
        "\"key_id\"",
        &format!("\"padding\":\"{}\",\"key_id\"", "x".repeat(9000)),
        1,
    );

    let payload_json = serde_json::to_vec(&sample_payload()).unwrap();
    let gz = protocol::compress(&payload_json).unwrap();
    let mut trailing = gz.clone();
    trailing.extend_from_slice(b"PK\x03\x04 more");
    let mut duplicate = sample_payload();
    duplicate.changes[1].id = duplicate.changes[0].id.clone();
    let deep = {
        let mut json = String::from("{\"protocol\":\"taoli-batch/1\",\"x\":");
        json.push_str(&"[".repeat(50_000));
        json.push_str(&"]".repeat(50_000));
        json.push('}');
        protocol::compress(json.as_bytes()).unwrap()
    };
    let bomb = protocol::compress(&vec![b' '; MAX_PAYLOAD_JSON_BYTES + 1]).unwrap();

    let forged_receipt = SignedReceipt::sign(&sample_receipt(), &forger_key()).encode();
    let mut backwards = sample_review_page();
    backwards.results.swap(0, 1);
    backwards.next = 7;
    let mut weak = sample_enrollment_response();
    // The identity point: a small-order "key" under which forgeries verify.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    {
        use base64ct::{Base64, Encoding};
        weak.upstream_key.public_key = Base64::encode_string(&identity);
        weak.upstream_key.key_id = protocol::key_id_of(&identity);
    }

    vec![
        (
            "manifest-not-canonical.json",
            Decoder::SignedManifest,
            envelope("manifest", &pretty, &school),
            RefusalCode::MalformedManifest,
        ),
        (
            "manifest-unknown-field.json",
            Decoder::SignedManifest,
            envelope("manifest", with_extra.as_bytes(), &school),
            RefusalCode::MalformedManifest,
        ),
        (
            "manifest-version-2.json",
            Decoder::SignedManifest,
            envelope("manifest", version_2.as_bytes(), &school),
            RefusalCode::UnsupportedVersion,
        ),
        (
            "envelope-algorithm-sm2.json",
            Decoder::SignedManifest,
            good_text.replace("\"ed25519\"", "\"sm2\"").into_bytes(),
            RefusalCode::UnsupportedAlgorithm,
        ),
        (
            "envelope-tampered-manifest.json",
            Decoder::SignedManifest,
            tampered.encode(),
            RefusalCode::BadSignature,
        ),
        (
            "envelope-signature-63-bytes.json",
            Decoder::SignedManifest,
            short_signature.into_bytes(),
            RefusalCode::BadSignature,
        ),
        (
            "envelope-oversized.json",
            Decoder::SignedManifest,
            oversized.into_bytes(),
            RefusalCode::TooLarge,
        ),
        (
            "payload-truncated.gz",
            Decoder::Payload,
            gz[..gz.len() / 2].to_vec(),
            RefusalCode::MalformedPayload,
        ),
        (
            "payload-trailing-bytes.gz",
            Decoder::Payload,
            trailing,
            RefusalCode::MalformedPayload,
        ),
        (
            "payload-not-json.gz",
            Decoder::Payload,
            protocol::compress("姓名,身份证件号\n张三,110105194912310029\n".as_bytes()).unwrap(),
            RefusalCode::MalformedPayload,
        ),
        (
            "payload-duplicate-record-ids.gz",
            Decoder::Payload,
            protocol::compress(&serde_json::to_vec(&duplicate).unwrap()).unwrap(),
            RefusalCode::MalformedPayload,
        ),
        (
            "payload-nested-50000-deep.gz",
            Decoder::Payload,
            deep,
            RefusalCode::MalformedPayload,
        ),
        (
            "payload-decompression-bomb.gz",
            Decoder::Payload,
            bomb,
            RefusalCode::TooLarge,
        ),
        (
            "receipt-signed-by-another-key.json",
            Decoder::SignedReceipt,
            forged_receipt,
            RefusalCode::ReceiptInvalid,
        ),
        (
            "review-page-cursor-backwards.json",
            Decoder::ReviewPage,
            backwards.to_json(),
            RefusalCode::MalformedResponse,
        ),
        (
            "enrollment-response-weak-key.json",
            Decoder::EnrollmentResponse,
            weak.to_json(),
            RefusalCode::MalformedResponse,
        ),
        (
            "refusal-html-error-page.html",
            Decoder::Refusal,
            b"<html><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
            RefusalCode::MalformedResponse,
        ),
    ]
}

fn hostile_expected(corpus: &[(&str, Decoder, Vec<u8>, RefusalCode)]) -> Vec<u8> {
    let map: BTreeMap<&str, Value> = corpus
        .iter()
        .map(|(name, decoder, _, code)| {
            (
                *name,
                json!({"decoder": decoder.name(), "refusal": code.as_str()}),
            )
        })
        .collect();
    let mut text = serde_json::to_vec_pretty(&map).unwrap();
    text.push(b'\n');
    text
}

#[test]
fn the_committed_protocol_corpus_is_what_this_test_writes() {
    let corpus = hostile_corpus();
    let dir = hostile_dir();
    let expected = hostile_expected(&corpus);
    if std::env::var_os("TAOLI_WRITE_FIXTURES").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, _, bytes, _) in &corpus {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        std::fs::write(dir.join("expected.json"), &expected).unwrap();
    }
    let mut stale = Vec::new();
    for (name, _, bytes, _) in &corpus {
        if std::fs::read(dir.join(name)).ok().as_ref() != Some(bytes) {
            stale.push(*name);
        }
    }
    if std::fs::read(dir.join("expected.json")).ok() != Some(expected) {
        stale.push("expected.json");
    }
    assert!(
        stale.is_empty(),
        "stale (TAOLI_WRITE_FIXTURES=1 rewrites them): {stale:?}"
    );
}

/// The cargo-fuzz target `protocol_decoder` starts from every valid
/// encoding and a `.taolibatch` (`fuzz/corpus/protocol_decoder/valid-*`), written from here
/// with `TAOLI_WRITE_FIXTURES=1`, as the hostile corpus is.
#[test]
fn the_fuzz_seed_corpus_holds_every_valid_encoding() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/protocol_decoder");
    let mut stale = Vec::new();
    let seeds = DECODERS
        .iter()
        .map(|d| (d.name(), d.valid()))
        .chain([("taolibatch", sample_batch_file())]);
    for (name, bytes) in seeds {
        let path = dir.join(format!("valid-{name}"));
        if std::env::var_os("TAOLI_WRITE_FIXTURES").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        if std::fs::read(&path).ok() != Some(bytes) {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "stale (TAOLI_WRITE_FIXTURES=1 rewrites them): {stale:?}"
    );
}

#[test]
fn every_hostile_protocol_file_is_refused_with_its_code() {
    let dir = hostile_dir();
    let expected: BTreeMap<String, Value> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    for (name, outcome) in &expected {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let decoder = Decoder::from_name(outcome["decoder"].as_str().unwrap());
        let started = std::time::Instant::now();
        let Err(refusal) = decoder.decode(&bytes) else {
            panic!("{name} was decoded");
        };
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{name} took {:?}",
            started.elapsed()
        );
        assert_eq!(
            refusal.code.as_str(),
            outcome["refusal"].as_str().unwrap(),
            "{name}: {}",
            refusal.message
        );
        assert!(is_chinese(&refusal.message), "{name}: {}", refusal.message);
    }
}

#[test]
fn every_hostile_protocol_file_is_refused_in_english_without_chinese() {
    let dir = hostile_dir();
    let expected: BTreeMap<String, Value> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    for (name, outcome) in &expected {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let decoder = Decoder::from_name(outcome["decoder"].as_str().unwrap());
        let Err(refusal) = decoder.decode(&bytes) else {
            panic!("{name} was decoded");
        };
        let english = refusal.message_in_english();
        assert!(!is_chinese(&english), "{name}: {english}");
    }
}

#[test]
fn every_hostile_protocol_file_has_an_outcome_and_a_line_in_the_readme() {
    let dir = hostile_dir();
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.json" && n != "README.md")
        .collect();
    let expected: BTreeMap<String, Value> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let listed: BTreeSet<String> = expected.keys().cloned().collect();
    assert_eq!(files, listed);
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for f in &files {
        assert!(readme.contains(&format!("`{f}`")), "README.md lacks {f}");
    }
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(dir.join(f)).unwrap().len())
        .sum();
    assert!(total < 512 * 1024, "{total} bytes");
}
