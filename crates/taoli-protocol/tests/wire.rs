//! The wire stays byte for byte what it was: the valid encodings committed
//! in `fuzz/corpus/protocol_decoder/valid-*` (written by taoli-core's
//! `tests/fuzz_protocol.rs` with fixed keys) decode here, verify with the
//! same keys, and encode again to exactly the committed bytes. Also the
//! crate's own error, request signatures and enrollment codes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::path::Path;

use taoli_protocol::{
    BatchStatus, EnrollmentRequest, Error, Manifest, Payload, Receipt, Refusal, RefusalCode,
    SignedManifest, SignedReceipt, SigningKey, key_id_of, normalize_enrollment_code, sha256_hex,
    verify_request,
};

/// The fixed keys the seed corpus was signed with.
fn school_key() -> SigningKey {
    SigningKey::from_bytes(&[1; 32]).unwrap()
}

fn upstream_key() -> SigningKey {
    SigningKey::from_bytes(&[2; 32]).unwrap()
}

fn seed(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus/protocol_decoder")
        .join(format!("valid-{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_committed_manifest_encodes_to_its_own_bytes() {
    let bytes = seed("manifest");
    let manifest = Manifest::decode(&bytes).unwrap();
    assert_eq!(manifest.canonical_bytes(), bytes);
}

#[test]
fn a_committed_signed_manifest_verifies_and_signs_to_the_same_bytes() {
    let bytes = seed("signed_manifest");
    let signed = SignedManifest::decode(&bytes).unwrap();
    let manifest = signed.verify(&school_key().public_key()).unwrap();
    assert_eq!(manifest.canonical_bytes(), seed("manifest"));
    // Ed25519 signatures are deterministic: the same key over the same
    // canonical bytes gives the committed envelope exactly.
    assert_eq!(
        SignedManifest::sign(&manifest, &school_key()).encode(),
        bytes
    );
    // Another key's signature is refused.
    let refused = signed.verify(&upstream_key().public_key()).unwrap_err();
    assert_eq!(refused.code, RefusalCode::BadSignature);
}

#[test]
fn a_committed_payload_is_the_one_its_manifest_names() {
    let bytes = seed("payload");
    let manifest = Manifest::decode(&seed("manifest")).unwrap();
    let payload = Payload::decode(&bytes).unwrap();
    payload.check_against(&manifest).unwrap();
    assert_eq!(
        sha256_hex(&bytes),
        "2e453812a620628e9574c67bec70d5eb3928718f13303f511daf98bbdfad1103"
    );
}

#[test]
fn a_committed_signed_receipt_verifies_and_signs_to_the_same_bytes() {
    let bytes = seed("signed_receipt");
    let signed = SignedReceipt::decode(&bytes).unwrap();
    let manifest = Manifest::decode(&seed("manifest")).unwrap();
    let receipt = signed
        .verify_for(&upstream_key().public_key(), &manifest)
        .unwrap();
    assert_eq!(receipt.canonical_bytes(), seed("receipt"));
    assert_eq!(Receipt::decode(&seed("receipt")).unwrap(), receipt);
    assert_eq!(
        SignedReceipt::sign(&receipt, &upstream_key()).encode(),
        bytes
    );
}

#[test]
fn a_committed_enrollment_request_and_refusal_encode_to_their_own_bytes() {
    let bytes = seed("enrollment_request");
    let (request, key) = EnrollmentRequest::decode(&bytes).unwrap();
    assert_eq!(key, school_key().public_key());
    assert_eq!(request.to_json(), bytes);

    let bytes = seed("refusal");
    let refusal = Refusal::decode(&bytes).unwrap();
    assert_eq!(refusal.code, RefusalCode::SequenceReplayed);
    assert_eq!(refusal.to_json().into_bytes(), bytes);
}

#[test]
fn a_key_id_is_the_first_half_of_the_public_keys_sha256() {
    let key = school_key();
    assert_eq!(key.key_id(), "34750f98bd59fcfc946da45aaabe933b");
    assert_eq!(key_id_of(key.public_key().as_bytes()), key.key_id());
    let hash = sha256_hex(key.public_key().as_bytes());
    assert_eq!(hash[..32], key.key_id());
}

#[test]
fn a_kept_key_of_the_wrong_length_is_a_clear_chinese_error() {
    let error = SigningKey::from_bytes(&[7; 31]).unwrap_err();
    assert_eq!(
        error,
        Error::KeyLength {
            expected: 32,
            actual: 31
        }
    );
    assert_eq!(
        error.to_string(),
        "密钥处理失败：签名密钥应为 32 字节，实为 31 字节"
    );
    let key = SigningKey::generate().unwrap();
    let again = SigningKey::from_bytes(&key.to_bytes()[..]).unwrap();
    assert_eq!(again.key_id(), key.key_id());
}

#[test]
fn a_signed_request_verifies_only_as_signed_and_within_the_window() {
    let key = school_key();
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let date = taoli_protocol::timestamp(now);
    let path = "/v1/schools/2151072201/reviews?after=0";
    let signature = key.sign_request("GET", path, &date);
    let public = key.public_key();
    verify_request(&public, "GET", path, &signature, now).unwrap();

    let other_path = verify_request(
        &public,
        "GET",
        "/v1/schools/2151072201/reviews?after=1",
        &signature,
        now,
    )
    .unwrap_err();
    assert_eq!(other_path.code, RefusalCode::BadSignature);

    let late = now + chrono::Duration::seconds(taoli_protocol::REQUEST_WINDOW_SECONDS + 1);
    let expired = verify_request(&public, "GET", path, &signature, late).unwrap_err();
    assert_eq!(expired.code, RefusalCode::RequestExpired);
    let in_time = now + chrono::Duration::seconds(taoli_protocol::REQUEST_WINDOW_SECONDS);
    verify_request(&public, "GET", path, &signature, in_time).unwrap();
}

#[test]
fn an_enrollment_code_typed_full_width_with_dashes_is_read_as_its_characters() {
    assert_eq!(normalize_enrollment_code("ａｂ３－４ｃ\u{3000}d"), "AB34CD");
    assert_eq!(normalize_enrollment_code("AB34-CD"), "AB34CD");
}

#[test]
fn a_parsers_long_error_is_cut_in_a_refusal() {
    // A long string where a number belongs: serde quotes the value whole,
    // the refusal quotes a little of it.
    let long = "九".repeat(1000);
    let text = String::from_utf8(seed("manifest")).unwrap();
    let bytes = text.replace("\"sequence\":2", &format!("\"sequence\":\"{long}\""));
    assert!(bytes.len() < taoli_protocol::MAX_MANIFEST_BYTES);
    let refused = Manifest::decode(bytes.as_bytes()).unwrap_err();
    assert_eq!(refused.code, RefusalCode::MalformedManifest);
    assert!(refused.message.contains("九…"), "{}", refused.message);
    assert!(refused.message.chars().count() < 400, "{}", refused.message);
}

#[test]
fn every_refusal_code_has_an_english_message_without_chinese() {
    for code in RefusalCode::ALL {
        let english = code.message_en();
        assert!(!english.is_empty(), "{code}");
        assert!(
            english.chars().all(|c| c.is_ascii() || "’".contains(c)),
            "{code}: {english}"
        );
    }
}

#[test]
fn a_refusal_in_english_keeps_its_particulars() {
    // Particulars without English (as an older upstream wrote them) are
    // kept as written.
    let refusal = Refusal::with_detail(RefusalCode::SequenceOutOfOrder, "序号 3");
    assert_eq!(
        refusal.message_in_english(),
        format!("{} (序号 3)", RefusalCode::SequenceOutOfOrder.message_en())
    );
    assert_eq!(
        Refusal::new(RefusalCode::KeyRevoked).message_in_english(),
        RefusalCode::KeyRevoked.message_en()
    );
}

/// Chinese characters and the full-width punctuation around them.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    })
}

#[test]
fn a_refusal_with_english_particulars_says_them_in_english() {
    let refusal = Refusal::with_details(
        RefusalCode::SequenceOutOfOrder,
        "序号 3，上级系统最后收到的是第 1 批",
        "sequence number 3; the last batch the upstream received is batch 1",
    );
    assert_eq!(
        refusal.message_in_english(),
        format!(
            "{} (sequence number 3; the last batch the upstream received is batch 1)",
            RefusalCode::SequenceOutOfOrder.message_en()
        )
    );
}

#[test]
fn english_particulars_leave_the_chinese_message_as_it_was() {
    let code = RefusalCode::SequenceOutOfOrder;
    let refusal = Refusal::with_details(code, "序号 3", "sequence number 3");
    assert_eq!(refusal.message, format!("{}（序号 3）", code.message()));
    assert_eq!(
        refusal.message,
        Refusal::with_detail(code, "序号 3").message
    );
    assert_eq!(refusal.to_string(), refusal.message);
}

#[test]
fn a_refusal_without_english_particulars_from_the_wire_reads_as_before() {
    // An older upstream's refusal, as committed before the field existed.
    let refusal = Refusal::decode(&seed("refusal")).unwrap();
    assert_eq!(refusal.detail_en, None);
    assert_eq!(
        refusal.message_in_english(),
        format!("{} (序号 2)", RefusalCode::SequenceReplayed.message_en())
    );
    assert_eq!(refusal.to_json().into_bytes(), seed("refusal"));
}

#[test]
fn english_particulars_survive_encoding_and_decoding() {
    let refusal = Refusal::with_details(
        RefusalCode::OffsetMismatch,
        "上级系统已收到 100 字节",
        "the upstream has received 100 bytes",
    );
    let json = refusal.to_json();
    assert!(
        json.contains(r#""detail_en":"the upstream has received 100 bytes""#),
        "{json}"
    );
    assert_eq!(Refusal::decode(json.as_bytes()).unwrap(), refusal);
}

#[test]
fn a_refusal_without_particulars_carries_no_english_field() {
    let json = Refusal::new(RefusalCode::KeyRevoked).to_json();
    assert!(!json.contains("detail_en"), "{json}");
}

#[test]
fn a_refusal_with_fields_this_build_does_not_know_still_reads() {
    let json = format!(
        r#"{{"code":"batch_not_found","message":"{}","detail_en":"batch 7","hint":"later"}}"#,
        RefusalCode::BatchNotFound.message()
    );
    let refusal = Refusal::decode(json.as_bytes()).unwrap();
    assert_eq!(refusal.code, RefusalCode::BatchNotFound);
    assert_eq!(refusal.detail_en.as_deref(), Some("batch 7"));
}

#[test]
fn a_malformed_batch_status_is_refused_without_chinese_in_english() {
    let status = BatchStatus::new("not-a-uuid", taoli_protocol::BatchState::Receiving, 10, 0);
    let refusal = BatchStatus::decode(&status.to_json()).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::MalformedResponse);
    assert!(
        refusal.message.ends_with("（批次状态的批次编号格式不对）"),
        "{}",
        refusal.message
    );
    let english = refusal.message_in_english();
    assert!(
        english.ends_with("(the batch status has a batch id in the wrong form)"),
        "{english}"
    );
    assert!(!has_chinese(&english), "{english}");
}

#[test]
fn every_decoder_s_refusal_of_unreadable_bytes_has_no_chinese_in_english() {
    let garbage = b"{\"protocol\":\"taoli-batch/1\",\"kind\":7}";
    let refusals = [
        Manifest::decode(garbage).unwrap_err(),
        Manifest::decode(b"[]").unwrap_err(),
        Manifest::decode(b"{").unwrap_err(),
        SignedManifest::decode(garbage).unwrap_err(),
        SignedReceipt::decode(b"{\"protocol\":\"taoli-batch/9\"}").unwrap_err(),
        Receipt::decode(garbage).unwrap_err(),
        BatchStatus::decode(garbage).unwrap_err(),
        EnrollmentRequest::decode(garbage).unwrap_err(),
        Payload::decode(b"not gzip").unwrap_err(),
        Payload::decode(&taoli_protocol::compress(garbage).unwrap()).unwrap_err(),
        Refusal::decode(b"<html>502</html>").unwrap_err(),
    ];
    for refusal in refusals {
        let english = refusal.message_in_english();
        assert!(refusal.detail_en.is_some(), "{}", refusal.message);
        assert!(!has_chinese(&english), "{english}");
    }
}

#[test]
fn a_payload_record_that_breaks_its_rule_is_named_in_english() {
    let text =
        String::from_utf8(taoli_protocol::decompress(&seed("payload"), 1 << 20).unwrap()).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["changes"][0]["version"] = serde_json::json!(0);
    let bytes = taoli_protocol::compress(&serde_json::to_vec(&json).unwrap()).unwrap();
    let refusal = Payload::decode(&bytes).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::MalformedPayload);
    let english = refusal.message_in_english();
    assert!(english.contains("record 1 ("), "{english}");
    assert!(!has_chinese(&english), "{english}");
}

#[test]
fn a_fingerprint_is_the_public_keys_sha256_in_sixteen_groups_of_four() {
    let key = upstream_key().public_key();
    let fingerprint = key.fingerprint();
    let groups: Vec<&str> = fingerprint.split(' ').collect();
    assert_eq!(groups.len(), 16, "{fingerprint}");
    assert!(groups.iter().all(|g| {
        g.len() == 4
            && g.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
    }));
    assert_eq!(
        fingerprint.replace(' ', "").to_lowercase(),
        sha256_hex(key.as_bytes())
    );
}

#[test]
fn rate_limited_is_answered_429_and_request_timeout_408_both_retryable() {
    assert_eq!(RefusalCode::RateLimited.http_status(), 429);
    assert_eq!(RefusalCode::RequestTimeout.http_status(), 408);
    assert!(RefusalCode::RateLimited.is_retryable());
    assert!(RefusalCode::RequestTimeout.is_retryable());
    let wire = Refusal::new(RefusalCode::RateLimited).to_json();
    assert!(wire.contains("\"code\":\"rate_limited\""), "{wire}");
}
