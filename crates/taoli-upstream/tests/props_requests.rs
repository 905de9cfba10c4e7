#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Arbitrary requests against a real server on 127.0.0.1 (`support`): any
//! method on every route with hostile path segments and queries, the
//! signature and upload headers holding any text, bodies of arbitrary bytes
//! or valid documents with bytes flipped, cut and inserted, and requests
//! properly signed by an enrolled school whose queries are hostile (so the
//! handlers behind the signature check are reached).
//!
//! Properties: every request is answered (a panic in a handler drops the
//! connection), with a 4xx, or a 2xx/3xx only where the route may answer
//! one (the public key, the /review page, a correctly signed read); and the
//! server stays up: after all of them an enrollment still succeeds.
//!
//! Seeded; `PROPTEST_CASES=N` runs N of each. The core's text strategies
//! and byte mutations are shared by path.

mod support;

#[path = "../../taoli-core/tests/support/props.rs"]
mod props;

#[path = "../../taoli-core/tests/support/mutation.rs"]
mod mutation;

use props::{any_text, hostile_text, runner};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use support::{Harness, SCHOOL, School, Store};
use taoli_protocol::{self as protocol, EnrollmentRequest, HEADER_UPLOAD_OFFSET, SigningKey};

/// Every byte but unreserved ones percent-encoded: a path segment of any text.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A path segment: ids as the protocol writes them, nearly, and anything.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(SCHOOL.to_owned()),
        "[0-9]{10}",
        "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        any_text().prop_map(|t| encode(&t)),
        prop::sample::select(vec!["%", "%ZZ", "%FF%FE", "..", "%2F", "%00", "a%2Fb"])
            .prop_map(str::to_owned),
    ]
}

/// A query: `after` and `limit` of any size or text.
fn query() -> impl Strategy<Value = String> {
    let number = prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        Just("18446744073709551616".to_owned()),
        Just("-1".to_owned()),
        hostile_text(8).prop_map(|t| encode(&t)),
    ];
    prop_oneof![
        Just(String::new()),
        (number.clone(), number).prop_map(|(a, l)| format!("?after={a}&limit={l}")),
        any_text().prop_map(|t| format!("?{}", encode(&t))),
    ]
}

fn path() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "/v1/enroll",
            "/v1/upstream-key",
            "/v1/batches",
            "/v1/batches/{}",
            "/v1/batches/{}/payload",
            "/v1/batches/{}/receipt",
            "/v1/schools/{}/reviews",
            "/v1/schools/{}/batches",
            "/v1/schools/{}/batches/{}/payload",
            "/review",
            "/admin/faults",
            "/{}",
        ]),
        segment(),
        segment(),
        query(),
    )
        .prop_map(|(template, a, b, query)| {
            format!(
                "{}{query}",
                template.replacen("{}", &a, 1).replacen("{}", &b, 1)
            )
        })
}

fn method() -> impl Strategy<Value = Method> {
    prop::sample::select(vec![
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::HEAD,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
    ])
}

/// Header values of any text (those HTTP cannot carry are left out).
fn headers() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let name = prop::sample::select(vec![
        protocol::HEADER_KEY_ID,
        protocol::HEADER_DATE,
        protocol::HEADER_SIGNATURE,
        HEADER_UPLOAD_OFFSET,
        "content-type",
    ]);
    let value = prop_oneof![
        any_text(),
        any::<u64>().prop_map(|n| n.to_string()),
        Just("2026-03-01T08:00:00.000Z".to_owned()),
        Just("application/x-www-form-urlencoded".to_owned()),
    ];
    prop::collection::vec((name, value), 0..4)
}

/// What a damaged or hostile document tends to hold.
const TOKENS: [&str; 8] = [
    "\"",
    "{",
    "}",
    "null",
    "-1",
    "18446744073709551616",
    "\\ud800",
    "\u{202E}",
];

/// Valid request bodies: an enrollment, a signed manifest, a payload, a
/// review form.
fn valid_bodies() -> Vec<Vec<u8>> {
    let key = SigningKey::from_bytes(&[7; 32]).unwrap();
    let school = School {
        code: SCHOOL.to_owned(),
        key: SigningKey::from_bytes(&[7; 32]).unwrap(),
        pinned: SigningKey::from_bytes(&[8; 32]).unwrap().public_key(),
        last: None,
    };
    let batch = school.next_batch(2);
    vec![
        EnrollmentRequest::new(SCHOOL, "ABCD-EFGH-JKMN-PQRS", &key).to_json(),
        batch.envelope,
        batch.payload,
        b"batch=x&record=y&action=accept&reason=".to_vec(),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let valid = valid_bodies();
    prop_oneof![
        Just(Vec::new()),
        prop::collection::vec(any::<u8>(), 0..2048),
        any_text().prop_map(String::into_bytes),
        (
            prop::sample::select(valid),
            prop::collection::vec(mutation::mutation(&TOKENS), 0..4)
        )
            .prop_map(|(mut bytes, m)| {
                mutation::mutate(&mut bytes, &m);
                bytes
            }),
        (any_text(), any_text(), any_text(), any_text()).prop_map(|(b, r, a, why)| {
            format!(
                "batch={}&record={}&action={}&reason={}",
                encode(&b),
                encode(&r),
                encode(&a),
                encode(&why)
            )
            .into_bytes()
        }),
    ]
}

/// Whether `method` on `path` may be answered with success: the public
/// key, the review page (its form redirects), and reads a school signed.
fn may_succeed(method: &Method, path: &str, signed: bool) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    matches!(
        (method.as_str(), path),
        ("GET" | "HEAD", "/v1/upstream-key" | "/review") | ("POST", "/review")
    ) || (signed && matches!(method.as_str(), "GET" | "HEAD"))
}

/// Sends one request; it must be answered with a 4xx, or a success where
/// the route may give one; never a 5xx or a dropped connection.
async fn answered(
    h: &Harness,
    method: Method,
    path: &str,
    headers: &[(HeaderName, HeaderValue)],
    body: Vec<u8>,
    signed: bool,
) -> Result<(), TestCaseError> {
    // A connection of its own per request: a pooled connection the server
    // closed after an earlier answer (one whose body it did not read) can be
    // picked before the client sees the close, and that race is the
    // client's, not a request the server dropped.
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .build()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut request = client.request(method.clone(), h.url(path)).body(body);
    for (name, value) in headers {
        request = request.header(name.clone(), value.clone());
    }
    let response = request.send().await;
    let response = match response {
        Ok(r) => r,
        Err(e) if e.is_builder() => return Ok(()),
        Err(e) => {
            return Err(TestCaseError::fail(format!(
                "{method} {path}: no answer: {e}"
            )));
        }
    };
    let status = response.status();
    prop_assert!(
        status.is_client_error() || (may_succeed(&method, path, signed) && status.as_u16() < 400),
        "{method} {path}: {status}"
    );
    Ok(())
}

fn header_pairs(raw: &[(&'static str, String)]) -> Vec<(HeaderName, HeaderValue)> {
    raw.iter()
        .filter_map(|(name, value)| {
            Some((
                HeaderName::from_static(name),
                HeaderValue::from_bytes(value.as_bytes()).ok()?,
            ))
        })
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// After the storm the server still enrolls a school.
fn still_serves(rt: &tokio::runtime::Runtime, h: &Harness) {
    rt.block_on(async {
        let answer = h
            .client
            .get(h.url("/v1/upstream-key"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        h.enroll("2151079999").await;
    });
}

#[test]
fn any_method_path_header_and_body_is_answered_with_a_4xx() {
    let rt = runtime();
    let h = rt.block_on(Harness::start(Store::Sqlite));
    let strategy = (method(), path(), headers(), body());
    runner(400)
        .run(&strategy, |(method, path, headers, body)| {
            rt.block_on(answered(
                &h,
                method,
                &path,
                &header_pairs(&headers),
                body,
                false,
            ))
        })
        .unwrap();
    still_serves(&rt, &h);
}

/// Requests an enrolled school signs correctly, with hostile queries and
/// segments, reach the handlers behind the signature check.
#[test]
fn signed_reads_with_any_query_are_answered_without_a_server_error() {
    let rt = runtime();
    let h = rt.block_on(Harness::start(Store::Sqlite));
    let school = rt.block_on(h.enroll(SCHOOL));
    let path = (
        prop::sample::select(vec![
            "/v1/schools/{}/reviews",
            "/v1/schools/{}/batches",
            "/v1/schools/{}/batches/{}/payload",
        ]),
        prop_oneof![3 => Just(SCHOOL.to_owned()), 1 => segment()],
        segment(),
        query(),
    )
        .prop_map(|(template, a, b, query)| {
            format!(
                "{}{query}",
                template.replacen("{}", &a, 1).replacen("{}", &b, 1)
            )
        });
    runner(200)
        .run(&(path, any::<bool>()), |(path, head)| {
            let method = if head { Method::HEAD } else { Method::GET };
            // Signed over the path and query as the server will see them.
            let url = reqwest::Url::parse(&h.url(&path)).unwrap();
            let sent = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            };
            let signature = school
                .key
                .sign_request(method.as_str(), &sent, &protocol::now());
            let headers = header_pairs(&[
                (protocol::HEADER_KEY_ID, signature.key_id),
                (protocol::HEADER_DATE, signature.date),
                (protocol::HEADER_SIGNATURE, signature.signature),
            ]);
            rt.block_on(answered(&h, method, &sent, &headers, Vec::new(), true))
        })
        .unwrap();
    still_serves(&rt, &h);
}

/// `taoli-upstream enroll-code --valid-days 4000000000` once panicked
/// (chrono's `DateTime + TimeDelta` overflowed past the year 262143).
#[test]
fn an_enrollment_code_valid_for_four_billion_days_is_refused_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = taoli_upstream::Db::open(&dir.path().join("upstream.db")).unwrap();
    let error = db.issue_enrollment_code(SCHOOL, 4_000_000_000).unwrap_err();
    assert!(error.to_string().contains("有效天数"), "{error}");
}
