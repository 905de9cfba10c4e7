#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
//! The upstream's limits (`src/limits.rs`) against a real server on
//! 127.0.0.1: per-school rate limits answered `429 rate_limited` with
//! `Retry-After`, the time limits on a request and on its headers, and the
//! body limit of every request but a payload chunk. One behaviour per test.

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use support::{Harness, OTHER_SCHOOL, SCHOOL, Store, assert_refused};
use taoli_protocol::{EnrollmentRequest, HEADER_RETRY_AFTER, RefusalCode, SigningKey};
use taoli_upstream::{Faults, Limits, ServeOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Two requests at once per school, then one a second.
fn tight() -> Limits {
    Limits {
        school_per_minute: 60,
        school_burst: 2,
        ..Limits::default()
    }
}

async fn harness(limits: Limits) -> Harness {
    Harness::start_with_options(
        Store::Sqlite,
        true,
        ServeOptions {
            limits,
            ..ServeOptions::default()
        },
    )
    .await
}

/// An unsigned `GET` of the school's review results: refused before any
/// database work, but counted against the school named in the path.
async fn ask_reviews(h: &Harness, school: &str) -> reqwest::Response {
    h.client
        .get(h.url(&format!("/v1/schools/{school}/reviews?after=0")))
        .send()
        .await
        .unwrap()
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response.headers()[HEADER_RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_over_its_rate_limit_is_answered_429_rate_limited_with_retry_after() {
    let h = harness(tight()).await;
    for _ in 0..2 {
        assert_eq!(
            ask_reviews(&h, SCHOOL).await.status(),
            StatusCode::BAD_REQUEST
        );
    }
    let over = ask_reviews(&h, SCHOOL).await;
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&over);
    assert!((1..=2).contains(&wait), "{wait}");
    let refusal = assert_refused(over, RefusalCode::RateLimited).await;
    assert!(refusal.message.contains("秒后再试"), "{}", refusal.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_may_ask_again_once_retry_after_has_passed() {
    let h = harness(tight()).await;
    for _ in 0..2 {
        ask_reviews(&h, SCHOOL).await;
    }
    let over = ask_reviews(&h, SCHOOL).await;
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
    tokio::time::sleep(Duration::from_secs(retry_after(&over))).await;
    assert_eq!(
        ask_reviews(&h, SCHOOL).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_school_over_its_limit_does_not_slow_another() {
    let h = harness(tight()).await;
    for _ in 0..3 {
        ask_reviews(&h, SCHOOL).await;
    }
    assert_eq!(
        ask_reviews(&h, SCHOOL).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        ask_reviews(&h, OTHER_SCHOOL).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrollment_counts_against_the_school_it_names() {
    let h = harness(tight()).await;
    let key = SigningKey::generate().unwrap();
    let request = EnrollmentRequest::new(SCHOOL, "WRONG-CODE", &key);
    for _ in 0..2 {
        let answer = h.post_enroll(&request).await;
        assert_refused(answer, RefusalCode::EnrollmentCodeInvalid).await;
    }
    assert_refused(h.post_enroll(&request).await, RefusalCode::RateLimited).await;
    // The school's own code still works once the bucket has refilled.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    h.enroll(SCHOOL).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batchs_requests_are_counted_against_its_school() {
    let h = harness(Limits {
        school_per_minute: 60,
        school_burst: 3,
        ..Limits::default()
    })
    .await;
    let school = h.enroll(SCHOOL).await; // the school's first request
    let batch = school.next_batch(20);
    assert!(h.post_manifest(&batch.envelope).await.status().is_success()); // second
    assert_eq!(h.held(&batch.id).await, 0); // third, by the batch's id
    // The school's budget is spent, whichever path names it.
    assert_refused(ask_reviews(&h, SCHOOL).await, RefusalCode::RateLimited).await;
    assert_eq!(
        ask_reviews(&h, OTHER_SCHOOL).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_batchs_requests_are_counted_per_batch() {
    let h = harness(tight()).await;
    let uri = |n: u32| h.url(&format!("/v1/batches/0000000{n}-no-such/payload"));
    for _ in 0..2 {
        let answer = h.client.head(uri(1)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    }
    let over = h.client.head(uri(1)).send().await.unwrap();
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
    let other = h.client.head(uri(2)).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_that_name_no_school_are_limited_per_address() {
    let h = harness(Limits {
        address_per_minute: 60,
        address_burst: 3,
        ..Limits::default()
    })
    .await;
    for _ in 0..3 {
        let answer = h
            .client
            .get(h.url("/v1/upstream-key"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let over = h
        .client
        .get(h.url("/v1/upstream-key"))
        .send()
        .await
        .unwrap();
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&over) >= 1);
    // A school's own requests are not the address's.
    assert_eq!(
        ask_reviews(&h, SCHOOL).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_schools_from_one_address_are_not_throttled_by_default() {
    let h = Harness::start(Store::Sqlite).await;
    let key = SigningKey::generate().unwrap();
    for n in 0..500u32 {
        let school = format!("21510{n:05}");
        for _ in 0..4 {
            let answer = ask_reviews(&h, &school).await;
            assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{school}");
        }
        let enroll = EnrollmentRequest::new(&school, "NO-CODE", &key);
        assert_refused(
            h.post_enroll(&enroll).await,
            RefusalCode::EnrollmentCodeInvalid,
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_slower_than_the_time_limit_is_answered_408_request_timeout() {
    let h = harness(Limits {
        request_timeout: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    h.set_faults(Faults {
        delay_ms: 2_000,
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    let answer = h
        .client
        .get(h.url("/v1/upstream-key"))
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_millis(1_500));
    let refusal = assert_refused(answer, RefusalCode::RequestTimeout).await;
    assert!(refusal.message.contains("秒"), "{}", refusal.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payload_upload_that_stalls_is_cut_at_the_time_limit_and_keeps_nothing() {
    let h = harness(Limits {
        request_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(20);
    assert!(h.post_manifest(&batch.envelope).await.status().is_success());
    // Half the payload, then nothing: the link stalls.
    let half = &batch.payload[..batch.payload.len() / 2];
    let mut stream = tokio::net::TcpStream::connect(h.server.addr())
        .await
        .unwrap();
    let head = format!(
        "PUT /v1/batches/{}/payload HTTP/1.1\r\nhost: x\r\nupload-offset: 0\r\ncontent-length: {}\r\n\r\n",
        batch.id,
        batch.payload.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(half).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("answered within the limit")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert_eq!(h.held(&batch.id).await, 0);
    // The whole upload still goes through.
    h.upload_ok(&mut school, &batch).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_sent_too_slowly_close_the_connection() {
    let h = harness(Limits {
        header_timeout: Duration::from_millis(500),
        ..Limits::default()
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(h.server.addr())
        .await
        .unwrap();
    stream
        .write_all(b"GET /v1/upstream-key HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("closed within the limit");
    assert!(read.is_err() || !String::from_utf8_lossy(&answer).contains("200 OK"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_body_over_64_kib_is_refused_too_large() {
    let h = Harness::start(Store::Sqlite).await;
    let answer = h
        .client
        .post(h.url("/v1/enroll"))
        .body(vec![b' '; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_refused(answer, RefusalCode::TooLarge).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payload_chunk_may_be_larger_than_64_kib() {
    let h = Harness::start(Store::Sqlite).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(8_000);
    assert!(batch.payload.len() > 64 * 1024, "{}", batch.payload.len());
    h.upload_ok(&mut school, &batch).await;
}
