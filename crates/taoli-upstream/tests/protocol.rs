#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! The protocol's edge cases against a real server on 127.0.0.1, over HTTP,
//! one behaviour per test (docs/protocol.md). Each test starts its own
//! server (port 0) on its own database.

mod support;

use std::collections::HashSet;
use std::process::Command;

use reqwest::StatusCode;
use support::{
    Batch, Harness, OTHER_SCHOOL, SCHOOL, Store, assert_refused, fixture_changes, receipt_of,
};
use taoli_protocol::{
    self as protocol, BatchState, BatchStatus, Decision, EnrollmentRequest, Manifest, RecordStatus,
    RefusalCode, SignedManifest, SigningKey,
};
use taoli_upstream::Faults;

// ---------------------------------------------------------------- enrollment

async fn enrollment_with_a_code_pins_the_upstream_receipt_key(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let upstream = h
        .client
        .get(h.url("/v1/upstream-key"))
        .send()
        .await
        .unwrap()
        .json::<protocol::PublicKeyWire>()
        .await
        .unwrap();
    assert_eq!(school.pinned.to_wire(), upstream);
}

async fn an_enrollment_code_is_used_up_by_its_first_key(store: Store) {
    let h = Harness::start(store).await;
    let code = h.issue_code(SCHOOL);
    h.enroll_with_code(SCHOOL, &code).await;
    let second = SigningKey::generate().unwrap();
    let response = h
        .post_enroll(&EnrollmentRequest::new(SCHOOL, &code, &second))
        .await;
    assert_refused(response, RefusalCode::EnrollmentCodeInvalid).await;
}

async fn an_enrollment_retried_with_the_same_key_gets_the_same_answer(store: Store) {
    let h = Harness::start(store).await;
    let code = h.issue_code(SCHOOL);
    let key = SigningKey::generate().unwrap();
    let request = EnrollmentRequest::new(SCHOOL, &code, &key);
    h.set_faults(Faults {
        fail_after_commit: 1,
        ..Faults::default()
    });
    assert_refused(h.post_enroll(&request).await, RefusalCode::ServerError).await;
    let retried = h.post_enroll(&request).await;
    assert_eq!(retried.status(), StatusCode::OK);
}

async fn an_enrollment_code_typed_in_lower_case_with_spaces_still_works(store: Store) {
    let h = Harness::start(store).await;
    let code = h.issue_code(SCHOOL).to_lowercase().replace('-', " ");
    h.enroll_with_code(SCHOOL, &code).await;
}

async fn an_enrollment_code_of_another_school_is_refused_wrong_school(store: Store) {
    let h = Harness::start(store).await;
    let code = h.issue_code(OTHER_SCHOOL);
    let key = SigningKey::generate().unwrap();
    let response = h
        .post_enroll(&EnrollmentRequest::new(SCHOOL, &code, &key))
        .await;
    assert_refused(response, RefusalCode::WrongSchool).await;
}

// -------------------------------------------------------------------- upload

async fn an_upload_gets_a_receipt_that_verifies_with_the_pinned_key(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(3);
    let receipt = h.upload_ok(&mut school, &batch).await;
    assert_eq!(receipt.batch_id, batch.id);
    assert_eq!(receipt.payload_sha256, batch.manifest.payload_sha256);
    assert_eq!(receipt.records.len(), 6);
    assert!(
        receipt
            .records
            .iter()
            .all(|r| r.status == RecordStatus::Pending)
    );
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn a_receipt_does_not_verify_with_another_key(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let response = h.upload(&batch).await;
    let status = BatchStatus::decode(&response.bytes().await.unwrap()).unwrap();
    let signed = status.signed_receipt().unwrap().unwrap();
    school.pinned = SigningKey::generate().unwrap().public_key();
    let refusal = signed.verify(&school.pinned).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::ReceiptInvalid);
}

async fn the_same_batch_id_with_the_same_bytes_returns_the_same_receipt(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(2);
    let first = h.upload_ok(&mut school, &batch).await;

    let again = h.post_manifest(&batch.envelope).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(receipt_of(again, &school, &batch).await, first);
    let payload_again = h.put_payload(&batch.id, 0, &batch.payload).await.unwrap();
    assert_eq!(payload_again.status(), StatusCode::OK);
    assert_eq!(receipt_of(payload_again, &school, &batch).await, first);
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn the_same_batch_id_with_other_bytes_is_refused_409_batch_conflict(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(2);
    h.upload_ok(&mut school, &batch).await;

    let mut other = batch.manifest.clone();
    other.created_at = protocol::timestamp(chrono::Utc::now() + chrono::Duration::seconds(5));
    let other = Batch::signed(other, batch.payload.clone(), &school.key);
    let response = h.post_manifest(&other.envelope).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_refused(response, RefusalCode::BatchConflict).await;
}

async fn other_payload_bytes_for_a_received_batch_are_refused_409_batch_conflict(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(2);
    h.upload_ok(&mut school, &batch).await;
    let mut other = batch.payload.clone();
    other[20] ^= 0xff;
    let response = h.put_payload(&batch.id, 0, &other).await.unwrap();
    assert_refused(response, RefusalCode::BatchConflict).await;
}

async fn a_dropped_upload_resumes_from_the_bytes_held_and_stores_one_batch(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(200);
    assert!(batch.payload.len() > 1500, "{}", batch.payload.len());
    assert_eq!(
        h.post_manifest(&batch.envelope).await.status(),
        StatusCode::CREATED
    );

    h.set_faults(Faults {
        drop_after_bytes: Some(1000),
        ..Faults::default()
    });
    let dropped = h.put_payload(&batch.id, 0, &batch.payload).await;
    assert!(dropped.is_err(), "the connection should have dropped");
    let held = h.held(&batch.id).await;
    assert_eq!(held, 1000);

    let rest = &batch.payload[usize::try_from(held).unwrap()..];
    let response = h.put_payload(&batch.id, held, rest).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    receipt_of(response, &school, &batch).await;
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn a_payload_sent_in_parts_is_completed_by_the_part_that_ends_it(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(200);
    h.post_manifest(&batch.envelope).await;
    let (first, rest) = batch.payload.split_at(batch.payload.len() / 2);

    let part = h.put_payload(&batch.id, 0, first).await.unwrap();
    assert_eq!(part.status(), StatusCode::OK);
    let status: BatchStatus = part.json().await.unwrap();
    assert_eq!(status.state, BatchState::Receiving);
    assert_eq!(status.received_bytes, first.len() as u64);
    assert_eq!(h.received_batches(SCHOOL), 0);

    let last = h
        .put_payload(&batch.id, first.len() as u64, rest)
        .await
        .unwrap();
    assert_eq!(last.status(), StatusCode::OK);
    receipt_of(last, &school, &batch).await;
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn a_payload_held_whole_when_the_link_broke_completes_on_an_empty_resume(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(20);
    h.post_manifest(&batch.envelope).await;
    // Every byte arrived, and the request broke before the batch was
    // completed: what a server that stopped between the two keeps.
    let (id, bytes) = (batch.id.clone(), batch.payload.clone());
    h.with_db(move |db| db.append_payload(&id, 0, &bytes).unwrap());
    let size = batch.payload.len() as u64;
    assert_eq!(h.held(&batch.id).await, size);

    let resumed = h.put_payload(&batch.id, size, &[]).await.unwrap();
    assert_eq!(resumed.status(), StatusCode::OK);
    receipt_of(resumed, &school, &batch).await;
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn an_upload_dropped_again_and_again_still_completes_by_resuming(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(40);
    h.post_manifest(&batch.envelope).await;
    h.set_faults(Faults {
        drop_after_bytes: Some(400),
        drop_times: 1000,
        ..Faults::default()
    });
    let mut attempts = 0;
    let response = loop {
        attempts += 1;
        assert!(attempts < 100);
        let held = h.held(&batch.id).await;
        let rest = &batch.payload[usize::try_from(held).unwrap()..];
        if let Ok(response) = h.put_payload(&batch.id, held, rest).await {
            break response;
        }
    };
    assert_eq!(response.status(), StatusCode::OK);
    receipt_of(response, &school, &batch).await;
    assert!(attempts > 2);
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn a_resume_at_the_wrong_offset_is_refused_with_the_bytes_held(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(10);
    h.post_manifest(&batch.envelope).await;
    let response = h
        .put_payload(&batch.id, 0, &batch.payload[..100])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = h
        .put_payload(&batch.id, 50, &batch.payload[50..])
        .await
        .unwrap();
    assert_eq!(response.headers()[protocol::HEADER_UPLOAD_OFFSET], "100");
    assert_refused(response, RefusalCode::OffsetMismatch).await;
}

async fn a_500_after_committing_the_payload_then_a_retry_stores_exactly_one_batch(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(3);
    h.post_manifest(&batch.envelope).await;
    h.set_faults(Faults {
        fail_after_commit: 1,
        ..Faults::default()
    });
    let failed = h.put_payload(&batch.id, 0, &batch.payload).await.unwrap();
    assert_refused(failed, RefusalCode::ServerError).await;

    // The client does not know what happened: it sends everything again.
    let again = h.post_manifest(&batch.envelope).await;
    assert_eq!(again.status(), StatusCode::OK);
    let retried = h.put_payload(&batch.id, 0, &batch.payload).await.unwrap();
    assert_eq!(retried.status(), StatusCode::OK);
    receipt_of(retried, &school, &batch).await;
    school.last = Some((1, batch.id.clone()));
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn a_500_before_commit_keeps_nothing_of_the_payload_and_the_retry_completes_the_batch(
    store: Store,
) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(3);
    h.post_manifest(&batch.envelope).await;
    h.set_faults(Faults {
        fail_before_commit: 1,
        ..Faults::default()
    });
    let failed = h.put_payload(&batch.id, 0, &batch.payload).await.unwrap();
    assert_refused(failed, RefusalCode::ServerError).await;
    assert_eq!(h.held(&batch.id).await, 0, "nothing of it was kept");

    let retried = h.put_payload(&batch.id, 0, &batch.payload).await.unwrap();
    assert_eq!(retried.status(), StatusCode::OK);
    receipt_of(retried, &school, &batch).await;
    school.last = Some((1, batch.id.clone()));
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn a_500_after_committing_the_manifest_then_a_retry_continues_the_same_batch(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(3);
    h.set_faults(Faults {
        fail_after_commit: 1,
        ..Faults::default()
    });
    assert_refused(
        h.post_manifest(&batch.envelope).await,
        RefusalCode::ServerError,
    )
    .await;
    h.upload_ok(&mut school, &batch).await;
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn a_slow_upstream_still_answers(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    h.set_faults(Faults {
        delay_ms: 300,
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    let batch = school.next_batch(1);
    h.upload_ok(&mut school, &batch).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(600));
}

// ------------------------------------------------------------------ refusals

async fn a_tampered_payload_is_refused_payload_hash_mismatch_and_discarded(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(3);
    h.post_manifest(&batch.envelope).await;
    let mut tampered = batch.payload.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    let response = h.put_payload(&batch.id, 0, &tampered).await.unwrap();
    assert_refused(response, RefusalCode::PayloadHashMismatch).await;
    assert_eq!(h.held(&batch.id).await, 0);
    assert_eq!(h.received_batches(SCHOOL), 0);
    // The right bytes still go through.
    h.upload_ok(&mut school, &batch).await;
}

async fn a_tampered_manifest_is_refused_bad_signature(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(3);
    let mut signed = SignedManifest::decode(&batch.envelope).unwrap();
    let text = String::from_utf8(signed.manifest_bytes.clone()).unwrap();
    signed.manifest_bytes = text
        .replace("\"record_count\":6", "\"record_count\":7")
        .into_bytes();
    assert_ne!(signed.manifest_bytes, batch.manifest.canonical_bytes());
    let response = h.post_manifest(&signed.encode()).await;
    assert_refused(response, RefusalCode::BadSignature).await;
}

async fn a_manifest_signed_by_another_key_under_the_schools_key_id_is_refused_bad_signature(
    store: Store,
) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let stranger = SigningKey::generate().unwrap();
    let mut signed = SignedManifest::decode(&batch.envelope).unwrap();
    signed.signature = stranger.sign(&signed.manifest_bytes);
    let response = h.post_manifest(&signed.encode()).await;
    assert_refused(response, RefusalCode::BadSignature).await;
}

async fn a_batch_signed_by_an_unregistered_key_is_refused_key_unknown(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    school.key = SigningKey::generate().unwrap();
    let batch = school.next_batch(1);
    let response = h.post_manifest(&batch.envelope).await;
    assert_refused(response, RefusalCode::KeyUnknown).await;
}

async fn a_batch_signed_by_a_key_replaced_by_a_new_enrollment_is_refused_key_revoked(store: Store) {
    let h = Harness::start(store).await;
    let old = h.enroll(SCHOOL).await;
    let _new = h.enroll(SCHOOL).await;
    let batch = old.next_batch(1);
    let response = h.post_manifest(&batch.envelope).await;
    assert_refused(response, RefusalCode::KeyRevoked).await;
}

async fn a_replayed_sequence_is_refused_sequence_replayed(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let first = school.next_batch(1);
    h.upload_ok(&mut school, &first).await;
    let replay = school.batch(SCHOOL, 1, None, 1);
    let response = h.post_manifest(&replay.envelope).await;
    assert_refused(response, RefusalCode::SequenceReplayed).await;
}

async fn a_skipped_sequence_is_refused_sequence_out_of_order(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let first = school.next_batch(1);
    h.upload_ok(&mut school, &first).await;
    let third = school.batch(SCHOOL, 3, Some(&first.id), 1);
    let response = h.post_manifest(&third.envelope).await;
    assert_refused(response, RefusalCode::SequenceOutOfOrder).await;
}

async fn a_refusal_s_particulars_reach_the_school_in_chinese_and_in_english(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let first = school.next_batch(1);
    h.upload_ok(&mut school, &first).await;
    let third = school.batch(SCHOOL, 3, Some(&first.id), 1);
    let response = h.post_manifest(&third.envelope).await;
    let refusal = assert_refused(response, RefusalCode::SequenceOutOfOrder).await;
    assert_eq!(
        refusal.message,
        format!(
            "{}（序号 3，上级系统最后收到的是第 1 批）",
            RefusalCode::SequenceOutOfOrder.message()
        )
    );
    assert_eq!(
        refusal.message_in_english(),
        format!(
            "{} (sequence number 3; the last batch the upstream received is batch 1)",
            RefusalCode::SequenceOutOfOrder.message_en()
        )
    );
}

async fn a_batch_built_on_another_base_is_refused_sequence_out_of_order(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let first = school.next_batch(1);
    h.upload_ok(&mut school, &first).await;
    let elsewhere = uuid::Uuid::now_v7().hyphenated().to_string();
    let second = school.batch(SCHOOL, 2, Some(&elsewhere), 1);
    let response = h.post_manifest(&second.envelope).await;
    assert_refused(response, RefusalCode::SequenceOutOfOrder).await;
}

async fn two_batches_racing_for_one_sequence_leave_the_loser_refused(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let a = school.next_batch(1);
    let b = school.next_batch(1);
    assert_eq!(
        h.post_manifest(&a.envelope).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        h.post_manifest(&b.envelope).await.status(),
        StatusCode::CREATED
    );
    let won = h.put_payload(&a.id, 0, &a.payload).await.unwrap();
    assert_eq!(won.status(), StatusCode::OK);
    let lost = h.put_payload(&b.id, 0, &b.payload).await.unwrap();
    assert_refused(lost, RefusalCode::SequenceReplayed).await;
    let status = h
        .client
        .get(h.url(&format!("/v1/batches/{}", b.id)))
        .send()
        .await
        .unwrap();
    let status = BatchStatus::decode(&status.bytes().await.unwrap()).unwrap();
    assert_eq!(status.state, BatchState::Refused);
    assert_eq!(h.received_batches(SCHOOL), 1);
}

async fn a_batch_for_another_school_is_refused_wrong_school(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.batch(OTHER_SCHOOL, 1, None, 1);
    let response = h.post_manifest(&batch.envelope).await;
    assert_refused(response, RefusalCode::WrongSchool).await;
}

async fn a_manifest_of_an_unsupported_version_is_refused_unsupported_version(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let mut manifest: Manifest = batch.manifest.clone();
    manifest.protocol = "taoli-batch/2".into();
    let signed = SignedManifest::sign(&manifest, &school.key);
    let response = h.post_manifest(&signed.encode()).await;
    assert_refused(response, RefusalCode::UnsupportedVersion).await;
}

async fn an_envelope_of_an_unsupported_version_is_refused_unsupported_version(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let text = String::from_utf8(batch.envelope.clone()).unwrap();
    let response = h
        .post_manifest(text.replace("taoli-batch/1", "taoli-batch/9").as_bytes())
        .await;
    assert_refused(response, RefusalCode::UnsupportedVersion).await;
}

async fn an_envelope_of_an_unknown_algorithm_is_refused_unsupported_algorithm(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let text = String::from_utf8(batch.envelope.clone()).unwrap();
    let response = h
        .post_manifest(
            text.replace("\"alg\":\"ed25519\"", "\"alg\":\"sm2\"")
                .as_bytes(),
        )
        .await;
    assert_refused(response, RefusalCode::UnsupportedAlgorithm).await;
}

async fn a_payload_that_disagrees_with_its_manifest_is_refused_malformed_payload(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(2);
    // A manifest that promises one record more than the payload holds.
    let mut manifest = batch.manifest.clone();
    manifest.record_count += 1;
    let lying = Batch::signed(manifest, batch.payload.clone(), &school.key);
    let response = h.upload(&lying).await;
    assert_refused(response, RefusalCode::MalformedPayload).await;
    // Refused for good: the same batch again gets the same refusal.
    let again = h.post_manifest(&lying.envelope).await;
    assert_refused(again, RefusalCode::MalformedPayload).await;
}

async fn garbage_instead_of_an_envelope_is_refused_malformed_request(store: Store) {
    let h = Harness::start(store).await;
    let response = h.post_manifest(b"<html>not json</html>").await;
    assert_refused(response, RefusalCode::MalformedRequest).await;
}

// ------------------------------------------------------------------- reviews

async fn a_returned_record_reaches_the_school_with_its_reason_by_cursor(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let teacher = &receipt.records[0].id;
    let record = &receipt.records[1].id;
    h.with_db(|db| {
        db.review(&batch.id, teacher, Decision::Accepted, None, 1)
            .unwrap();
        db.review(
            &batch.id,
            record,
            Decision::Returned,
            Some("毕业年月早于入学年月，请核对学历证书"),
            1,
        )
        .unwrap();
    });

    let page = h.review_page(&school, 0).await;
    assert_eq!(page.results.len(), 2);
    assert!(!page.more);
    let returned = &page.results[1];
    assert_eq!(returned.record, *record);
    assert_eq!(returned.decision, Decision::Returned);
    assert_eq!(
        returned.reason.as_deref(),
        Some("毕业年月早于入学年月，请核对学历证书")
    );
    assert_eq!(page.results[0].decision, Decision::Accepted);

    let after = h.review_page(&school, page.next).await;
    assert!(after.results.is_empty());
    assert_eq!(after.next, page.next);
}

async fn a_duplicate_review_delivery_is_harmless(store: Store) {
    let h = Harness::start_with(store, true).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let record = receipt.records[0].id.clone();
    // Switched on through the admin endpoint, as a test of the binary would.
    let set = h
        .client
        .put(h.url("/admin/faults"))
        .body(r#"{"duplicate_reviews":true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK);
    let form = h
        .client
        .post(h.url("/review"))
        .form(&[
            ("batch", batch.id.as_str()),
            ("record", record.as_str()),
            ("action", "return"),
            ("reason", "身份证件号与姓名不符"),
        ])
        .send()
        .await
        .unwrap();
    assert!(form.status().is_success(), "{}", form.status());

    let page = h.review_page(&school, 0).await;
    assert_eq!(page.results.len(), 2, "delivered twice");
    assert_eq!(page.results[0].review_id, page.results[1].review_id);
    let mut seen = HashSet::new();
    let applied = page.decisions(&mut seen);
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].reason.as_deref(), Some("身份证件号与姓名不符"));

    // Asking again from the same cursor gives the same page, and nothing new to apply.
    let again = h.review_page(&school, 0).await;
    assert_eq!(again, page);
    assert!(again.decisions(&mut seen).is_empty());
    assert!(h.review_page(&school, page.next).await.results.is_empty());
}

async fn a_record_is_reviewed_only_once(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let record = &receipt.records[0].id;
    let again = h.with_db(|db| {
        db.review(&batch.id, record, Decision::Accepted, None, 1)
            .unwrap();
        db.review(&batch.id, record, Decision::Returned, Some("重复"), 1)
    });
    assert!(matches!(
        again,
        Err(taoli_upstream::Error::AlreadyReviewed { .. })
    ));
}

async fn reviews_are_refused_without_the_schools_signature(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let other = h.enroll(OTHER_SCHOOL).await;
    let unsigned = h
        .client
        .get(h.url(&format!("/v1/schools/{SCHOOL}/reviews?after=0")))
        .send()
        .await
        .unwrap();
    assert_refused(unsigned, RefusalCode::MalformedRequest).await;

    let path = format!("/v1/schools/{SCHOOL}/reviews?after=0");
    let signature = other.key.sign_request("GET", &path, &protocol::now());
    let response = h
        .client
        .get(h.url(&path))
        .header(protocol::HEADER_KEY_ID, signature.key_id)
        .header(protocol::HEADER_DATE, signature.date)
        .header(protocol::HEADER_SIGNATURE, signature.signature)
        .send()
        .await
        .unwrap();
    assert_refused(response, RefusalCode::WrongSchool).await;

    let stale = protocol::timestamp(chrono::Utc::now() - chrono::Duration::hours(1));
    let signature = school.key.sign_request("GET", &path, &stale);
    let response = h
        .client
        .get(h.url(&path))
        .header(protocol::HEADER_KEY_ID, signature.key_id)
        .header(protocol::HEADER_DATE, signature.date)
        .header(protocol::HEADER_SIGNATURE, signature.signature)
        .send()
        .await
        .unwrap();
    assert_refused(response, RefusalCode::RequestExpired).await;
}

async fn the_review_page_lists_pending_records_and_accepts_one(store: Store) {
    let h = Harness::start_with(store, true).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let page = h
        .client
        .get(h.url("/review"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("待审核记录"));
    assert!(page.contains(&batch.id));
    assert!(page.contains("新增教师"));
    assert!(page.contains("教师0"));

    let accepted = h
        .client
        .post(h.url("/review"))
        .form(&[
            ("batch", batch.id.as_str()),
            ("record", receipt.records[0].id.as_str()),
            ("action", "accept"),
        ])
        .send()
        .await
        .unwrap();
    assert!(accepted.status().is_success());
    let results = h.review_page(&school, 0).await.results;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].decision, Decision::Accepted);
}

async fn returning_without_a_reason_on_the_review_page_is_refused_in_chinese(store: Store) {
    let h = Harness::start_with(store, true).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let response = h
        .client
        .post(h.url("/review"))
        .form(&[
            ("batch", batch.id.as_str()),
            ("record", receipt.records[0].id.as_str()),
            ("action", "return"),
            ("reason", "  "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("退回时要写明理由"));
}

// ------------------------------------ status changes and identity corrections

/// The page's HTML.
async fn review_html(h: &Harness) -> String {
    let response = h.client.get(h.url("/review")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// The reviewer's 生效 (`None`) or 退回 (with the reason) on the /review page.
async fn review_on_page(h: &Harness, batch: &str, record: &str, returned: Option<&str>) {
    let mut form = vec![("batch", batch), ("record", record)];
    match returned {
        None => form.push(("action", "accept")),
        Some(reason) => form.extend([("action", "return"), ("reason", reason)]),
    }
    let response = h
        .client
        .post(h.url("/review"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

async fn a_status_change_is_received_and_waits_for_review_in_words(store: Store) {
    let h = Harness::start_with(store, true).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch_of(fixture_changes("status-change-payload.json"));
    let receipt = h.upload_ok(&mut school, &batch).await;
    let ids: Vec<&str> = receipt.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["status:ev-7", "status:ev-8"]);
    assert!(
        receipt
            .records
            .iter()
            .all(|r| r.status == RecordStatus::Pending)
    );

    let page = review_html(&h).await;
    for shown in [
        "在职状态变动",
        "<dd>301</dd>",
        "<dd>2026-02-28</dd>",
        "<dd>达到法定退休年龄</dd>",
        "<dd>县人社局〔2026〕12号</dd>",
        "<dd>203</dd>",
        "<dd>（未提供）</dd>",
    ] {
        assert!(page.contains(shown), "{shown} not on the page");
    }
}

async fn an_accepted_status_change_reaches_the_school_by_its_change_id(store: Store) {
    let h = Harness::start_with(store, true).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch_of(fixture_changes("status-change-payload.json"));
    h.upload_ok(&mut school, &batch).await;
    review_on_page(&h, &batch.id, "status:ev-7", None).await;

    let page = h.review_page(&school, 0).await;
    assert_eq!(page.results.len(), 1);
    let result = &page.results[0];
    assert_eq!(result.batch_id, batch.id);
    assert_eq!(result.record, "status:ev-7");
    assert_eq!(result.decision, Decision::Accepted);
    assert_eq!(result.reason, None);
    // Decided once: the page lists only the other one.
    let html = review_html(&h).await;
    assert!(!html.contains("value=\"status:ev-7\""));
    assert!(html.contains("value=\"status:ev-8\""));
}

async fn a_returned_status_change_reaches_the_school_with_the_reviewers_reason(store: Store) {
    let h = Harness::start_with(store, true).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch_of(fixture_changes("status-change-payload.json"));
    h.upload_ok(&mut school, &batch).await;
    review_on_page(&h, &batch.id, "status:ev-8", Some("请补充医院的病假证明")).await;

    let page = h.review_page(&school, 0).await;
    assert_eq!(page.results.len(), 1);
    let result = &page.results[0];
    assert_eq!(result.record, "status:ev-8");
    assert_eq!(result.decision, Decision::Returned);
    assert_eq!(result.reason.as_deref(), Some("请补充医院的病假证明"));
}

async fn an_identity_correction_is_shown_and_reviewed_as_a_change_request(store: Store) {
    let h = Harness::start_with(store, true).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch_of(fixture_changes("identity-correction-payload.json"));
    h.upload_ok(&mut school, &batch).await;
    let html = review_html(&h).await;
    assert!(html.contains("（身份信息更正）"), "{html}");
    assert!(html.contains("<dt>姓名</dt><dd>改为 李四</dd>"), "{html}");

    review_on_page(&h, &batch.id, "change:t-2@5", None).await;
    let page = h.review_page(&school, 0).await;
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].record, "change:t-2@5");
    assert_eq!(page.results[0].decision, Decision::Accepted);
}

// --------------------------------------------------- what the upstream holds

async fn the_batches_held_after_a_sequence_are_listed_with_receipts_that_verify(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let mut batches = Vec::new();
    for teachers in [1, 2, 3] {
        let batch = school.next_batch(teachers);
        h.upload_ok(&mut school, &batch).await;
        batches.push(batch);
    }
    let history = h.held_batches(&school, 1).await;
    assert_eq!(history.last_sequence, 3);
    assert_eq!(history.batches.len(), 2);
    for (held, batch) in history.batches.iter().zip(&batches[1..]) {
        let verified = held.verify(&school.pinned).unwrap();
        assert_eq!(verified.manifest, batch.manifest);
        assert_eq!(verified.receipt.batch_id, batch.id);
    }
    assert!(h.held_batches(&school, 3).await.batches.is_empty());
}

async fn a_batch_still_arriving_is_not_listed_as_held(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let first = school.next_batch(1);
    h.upload_ok(&mut school, &first).await;
    let arriving = school.next_batch(2);
    h.post_manifest(&arriving.envelope).await;
    h.put_payload(&arriving.id, 0, &arriving.payload[..10])
        .await
        .unwrap();
    let history = h.held_batches(&school, 0).await;
    assert_eq!(history.last_sequence, 1);
    let ids: Vec<&str> = history
        .batches
        .iter()
        .map(|b| b.batch_id.as_str())
        .collect();
    assert_eq!(ids, [first.id.as_str()]);
}

async fn a_held_payload_comes_back_byte_for_byte(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(4);
    h.upload_ok(&mut school, &batch).await;
    let path = format!("/v1/schools/{SCHOOL}/batches/{}/payload", batch.id);
    let response = h.signed_get(&school.key, &path).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), batch.payload);
}

async fn the_payload_of_a_batch_not_received_is_batch_not_found(store: Store) {
    let h = Harness::start(store).await;
    let school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    h.post_manifest(&batch.envelope).await;
    let path = format!("/v1/schools/{SCHOOL}/batches/{}/payload", batch.id);
    let response = h.signed_get(&school.key, &path).await;
    assert_refused(response, RefusalCode::BatchNotFound).await;
}

async fn another_schools_key_cannot_read_what_a_school_sent(store: Store) {
    let h = Harness::start(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let other = h.enroll(OTHER_SCHOOL).await;
    let batch = school.next_batch(1);
    h.upload_ok(&mut school, &batch).await;
    let listing = h
        .signed_get(&other.key, &format!("/v1/schools/{SCHOOL}/batches?after=0"))
        .await;
    assert_refused(listing, RefusalCode::WrongSchool).await;
    let payload = h
        .signed_get(
            &other.key,
            &format!("/v1/schools/{SCHOOL}/batches/{}/payload", batch.id),
        )
        .await;
    assert_refused(payload, RefusalCode::WrongSchool).await;
    // Nor through its own school's address.
    let own = h
        .signed_get(
            &other.key,
            &format!("/v1/schools/{OTHER_SCHOOL}/batches/{}/payload", batch.id),
        )
        .await;
    assert_refused(own, RefusalCode::BatchNotFound).await;
}

async fn the_batches_held_are_refused_without_a_signature(store: Store) {
    let h = Harness::start(store).await;
    h.enroll(SCHOOL).await;
    let unsigned = h
        .client
        .get(h.url(&format!("/v1/schools/{SCHOOL}/batches?after=0")))
        .send()
        .await
        .unwrap();
    assert_refused(unsigned, RefusalCode::MalformedRequest).await;
}

// --------------------------------------------------------------- the binary

async fn the_commands_issue_a_code_and_review_against_the_served_database(store: Store) {
    let h = Harness::start(store).await;
    let exe = env!("CARGO_BIN_EXE_taoli-upstream");
    let issued = Command::new(exe)
        .args(["enroll-code", "--db"])
        .arg(h.database())
        .args(["--school", SCHOOL])
        .output()
        .unwrap();
    assert!(issued.status.success(), "{issued:?}");
    let code = String::from_utf8(issued.stdout).unwrap().trim().to_owned();
    assert_eq!(code.len(), 19, "{code}");
    let mut school = h.enroll_with_code(SCHOOL, &code).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;

    let reviewed = Command::new(exe)
        .args(["review", "--db"])
        .arg(h.database())
        .args(["--batch", &batch.id, "--record", &receipt.records[0].id])
        .args(["--return", "出生日期与身份证件号不一致"])
        .output()
        .unwrap();
    assert!(reviewed.status.success(), "{reviewed:?}");
    let page = h.review_page(&school, 0).await;
    assert_eq!(
        page.results[0].reason.as_deref(),
        Some("出生日期与身份证件号不一致")
    );

    let twice = Command::new(exe)
        .args(["review", "--db"])
        .arg(h.database())
        .args([
            "--batch",
            &batch.id,
            "--record",
            &receipt.records[0].id,
            "--accept",
        ])
        .output()
        .unwrap();
    assert_eq!(twice.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("不能再次审核"));
}

#[test]
fn serve_prints_where_it_listens_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("served.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_taoli-upstream"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let answer = runtime.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .get(format!("{url}/v1/upstream-key"))
            .send()
            .await
            .unwrap()
            .status()
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(answer, StatusCode::OK, "{line}");
}

#[test]
fn an_enrollment_code_valid_past_the_calendar_is_refused_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let issued = Command::new(env!("CARGO_BIN_EXE_taoli-upstream"))
        .args(["enroll-code", "--db"])
        .arg(dir.path().join("upstream.db"))
        .args(["--school", SCHOOL, "--valid-days", &u32::MAX.to_string()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&issued.stderr);
    assert_eq!(issued.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("有效天数"), "{stderr}");
}

on_both_stores!(
    enrollment_with_a_code_pins_the_upstream_receipt_key,
    an_enrollment_code_is_used_up_by_its_first_key,
    an_enrollment_retried_with_the_same_key_gets_the_same_answer,
    an_enrollment_code_typed_in_lower_case_with_spaces_still_works,
    an_enrollment_code_of_another_school_is_refused_wrong_school,
    an_upload_gets_a_receipt_that_verifies_with_the_pinned_key,
    a_receipt_does_not_verify_with_another_key,
    the_same_batch_id_with_the_same_bytes_returns_the_same_receipt,
    the_same_batch_id_with_other_bytes_is_refused_409_batch_conflict,
    other_payload_bytes_for_a_received_batch_are_refused_409_batch_conflict,
    a_dropped_upload_resumes_from_the_bytes_held_and_stores_one_batch,
    a_payload_sent_in_parts_is_completed_by_the_part_that_ends_it,
    a_payload_held_whole_when_the_link_broke_completes_on_an_empty_resume,
    an_upload_dropped_again_and_again_still_completes_by_resuming,
    a_resume_at_the_wrong_offset_is_refused_with_the_bytes_held,
    a_500_after_committing_the_payload_then_a_retry_stores_exactly_one_batch,
    a_500_before_commit_keeps_nothing_of_the_payload_and_the_retry_completes_the_batch,
    a_500_after_committing_the_manifest_then_a_retry_continues_the_same_batch,
    a_slow_upstream_still_answers,
    a_tampered_payload_is_refused_payload_hash_mismatch_and_discarded,
    a_tampered_manifest_is_refused_bad_signature,
    a_manifest_signed_by_another_key_under_the_schools_key_id_is_refused_bad_signature,
    a_batch_signed_by_an_unregistered_key_is_refused_key_unknown,
    a_batch_signed_by_a_key_replaced_by_a_new_enrollment_is_refused_key_revoked,
    a_replayed_sequence_is_refused_sequence_replayed,
    a_skipped_sequence_is_refused_sequence_out_of_order,
    a_refusal_s_particulars_reach_the_school_in_chinese_and_in_english,
    a_batch_built_on_another_base_is_refused_sequence_out_of_order,
    two_batches_racing_for_one_sequence_leave_the_loser_refused,
    a_batch_for_another_school_is_refused_wrong_school,
    a_manifest_of_an_unsupported_version_is_refused_unsupported_version,
    an_envelope_of_an_unsupported_version_is_refused_unsupported_version,
    an_envelope_of_an_unknown_algorithm_is_refused_unsupported_algorithm,
    a_payload_that_disagrees_with_its_manifest_is_refused_malformed_payload,
    garbage_instead_of_an_envelope_is_refused_malformed_request,
    a_returned_record_reaches_the_school_with_its_reason_by_cursor,
    a_duplicate_review_delivery_is_harmless,
    a_record_is_reviewed_only_once,
    reviews_are_refused_without_the_schools_signature,
    the_review_page_lists_pending_records_and_accepts_one,
    returning_without_a_reason_on_the_review_page_is_refused_in_chinese,
    a_status_change_is_received_and_waits_for_review_in_words,
    an_accepted_status_change_reaches_the_school_by_its_change_id,
    a_returned_status_change_reaches_the_school_with_the_reviewers_reason,
    an_identity_correction_is_shown_and_reviewed_as_a_change_request,
    the_batches_held_after_a_sequence_are_listed_with_receipts_that_verify,
    a_batch_still_arriving_is_not_listed_as_held,
    a_held_payload_comes_back_byte_for_byte,
    the_payload_of_a_batch_not_received_is_batch_not_found,
    another_schools_key_cannot_read_what_a_school_sent,
    the_batches_held_are_refused_without_a_signature,
    the_commands_issue_a_code_and_review_against_the_served_database,
);
