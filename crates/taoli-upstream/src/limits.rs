//! What one school, one client and one request may take of the upstream
//! (issue #18, "Limits"): per-school rate limits answered `429
//! rate_limited` with `Retry-After`, a time limit on every request
//! (`408 request_timeout`), a time limit on reading a request's headers, and
//! the body limits (a payload chunk is bounded by its batch's manifest, every
//! other body by [`MAX_REQUEST_BODY_BYTES`]).
//!
//! Rate limits are keyed GCRA buckets (`governor`), one per *who*:
//!
//! - the school a request names: the path of `/v1/schools/{school}/…`, the
//!   `school` of an enrollment request, the `school` of a batch manifest
//!   (read, not yet verified: the route verifies it);
//! - the school of the batch in `/v1/batches/{id}…`, as the database
//!   has it (looked up once a batch and remembered; a batch the database
//!   does not know spends a bucket of its own, and its route answers 404);
//! - the signing key of a signed request that names neither;
//! - else the client's address (the `/review` page, `/v1/upstream-key`,
//!   unknown paths), with a bucket of its own, larger by default, so a county
//!   whose schools share one address (a provincial network's NAT) is
//!   throttled per school and never as one.
//!
//! The school is taken from the request before anything checks it, so a
//! client that names another school spends that school's budget; the limit
//! is about load, and who may do what is still checked by every route.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};
use serde::Deserialize;
use taoli_protocol::{HEADER_KEY_ID, HEADER_RETRY_AFTER, Refusal, RefusalCode, SignedManifest};

use crate::db::Db;
use crate::error::{Error, Result};

/// The largest body of any request but a payload chunk (enrollment,
/// manifest, the /review form, the admin switches).
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

/// How many requests the buckets see between two sweeps of idle keys.
const SWEEP_EVERY: u64 = 4096;

/// Batches whose school is remembered (the most recently used): far more
/// than are ever in flight at once.
const BATCHES_REMEMBERED: usize = 65_536;

/// The limits a server runs with (`serve`'s `--rate-*`, `--request-timeout`
/// and `--header-timeout` flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Requests one school may make per minute, on average; 0 turns the
    /// per-school limit off.
    pub school_per_minute: u32,
    /// Requests one school may make at once, above the average.
    pub school_burst: u32,
    /// Requests per minute from one address for requests that name no
    /// school; 0 turns it off.
    pub address_per_minute: u32,
    /// Requests at once from one address, above the average.
    pub address_burst: u32,
    /// The longest one request may take, its body read included.
    pub request_timeout: Duration,
    /// The longest a client may take to send a request's headers.
    pub header_timeout: Duration,
    /// Read the client's address from the last `X-Forwarded-For` entry (a
    /// reverse proxy on the same machine sets it), not the connection's.
    pub trust_forwarded_for: bool,
}

impl Default for Limits {
    /// Per school 600 a minute (10 a second) with bursts of 120: a sync
    /// pass sends a 16 MiB batch in 64 chunks and reads its reviews in well
    /// under that, and a county of 500 schools behind one address is never
    /// throttled as one. Per address (unnamed requests) 6,000 a minute,
    /// bursts of 1,200. A request may take 120 s (a 256 KiB chunk over a
    /// link of 2 KiB/s), its headers 30 s.
    fn default() -> Limits {
        Limits {
            school_per_minute: 600,
            school_burst: 120,
            address_per_minute: 6_000,
            address_burst: 1_200,
            request_timeout: Duration::from_secs(120),
            header_timeout: Duration::from_secs(30),
            trust_forwarded_for: false,
        }
    }
}

/// The buckets of a running server.
#[derive(Debug)]
pub(crate) struct RateLimits {
    schools: Option<DefaultKeyedRateLimiter<String>>,
    addresses: Option<DefaultKeyedRateLimiter<IpAddr>>,
    request_timeout: Duration,
    trust_forwarded_for: bool,
    seen: AtomicU64,
    /// Where a batch's school is looked up.
    db: Option<Arc<Db>>,
    /// Batch id → school, as the database answered.
    batches: Mutex<lru::LruCache<String, String>>,
}

/// The client's address, as the accept loop saw the connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeerAddr(pub SocketAddr);

fn quota(per_minute: u32, burst: u32, what: &str) -> Result<Option<Quota>> {
    let Some(per_minute) = NonZeroU32::new(per_minute) else {
        return Ok(None);
    };
    let burst = NonZeroU32::new(burst)
        .ok_or_else(|| Error::InvalidLimits(format!("{what}的突发数（burst）至少为 1")))?;
    Ok(Some(Quota::per_minute(per_minute).allow_burst(burst)))
}

impl RateLimits {
    pub(crate) fn new(limits: &Limits) -> Result<RateLimits> {
        if limits.request_timeout.is_zero() || limits.header_timeout.is_zero() {
            return Err(Error::InvalidLimits("时间上限不能为 0 秒".to_owned()));
        }
        let schools = quota(limits.school_per_minute, limits.school_burst, "每校限流")?;
        let addresses = quota(
            limits.address_per_minute,
            limits.address_burst,
            "每个地址限流",
        )?;
        Ok(RateLimits {
            schools: schools.map(DefaultKeyedRateLimiter::keyed),
            addresses: addresses.map(DefaultKeyedRateLimiter::keyed),
            request_timeout: limits.request_timeout,
            trust_forwarded_for: limits.trust_forwarded_for,
            seen: AtomicU64::new(0),
            db: None,
            batches: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(BATCHES_REMEMBERED).unwrap_or(NonZeroUsize::MIN),
            )),
        })
    }

    /// Charges a batch's requests to its school, looked up in `db`.
    pub(crate) fn with_db(mut self, db: Arc<Db>) -> RateLimits {
        self.db = Some(db);
        self
    }

    /// The bucket of batch `id`: its school's when the database knows the
    /// batch (once a batch; remembered after), else the batch's own.
    async fn batch_bucket(&self, id: &str) -> String {
        if self.schools.is_none() {
            return format!("batch:{id}");
        }
        let remembered = self
            .batches
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned();
        if let Some(school) = remembered {
            return format!("school:{school}");
        }
        let Some(db) = self.db.clone() else {
            return format!("batch:{id}");
        };
        let lookup = id.to_owned();
        let school = tokio::task::spawn_blocking(move || db.batch_school(&lookup))
            .await
            .ok()
            .and_then(std::result::Result::ok)
            .flatten();
        match school {
            Some(school) => {
                self.batches
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .put(id.to_owned(), school.clone());
                format!("school:{school}")
            }
            None => format!("batch:{id}"),
        }
    }

    /// Forgets the buckets that are full again, now and then, so a stream
    /// of new keys cannot grow the maps without end.
    fn sweep(&self) {
        let seen = self.seen.fetch_add(1, Ordering::Relaxed);
        if seen.checked_rem(SWEEP_EVERY) == Some(0) {
            if let Some(schools) = &self.schools {
                schools.retain_recent();
            }
            if let Some(addresses) = &self.addresses {
                addresses.retain_recent();
            }
        }
    }

    /// How long `who` must wait, if it is over its limit now.
    fn wait(&self, who: &Who) -> Option<Duration> {
        self.sweep();
        let (result, now) = match who {
            Who::Named(key) => {
                let limiter = self.schools.as_ref()?;
                (limiter.check_key(key), limiter.clock().now())
            }
            Who::Address(addr) => {
                let limiter = self.addresses.as_ref()?;
                (limiter.check_key(addr), limiter.clock().now())
            }
        };
        result.err().map(|not_until| not_until.wait_time_from(now))
    }

    fn address(&self, request: &Request) -> Option<IpAddr> {
        if self.trust_forwarded_for
            && let Some(forwarded) = request
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Some(forwarded);
        }
        request
            .extensions()
            .get::<PeerAddr>()
            .map(|peer| peer.0.ip())
    }
}

/// Whose budget a request spends.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    /// A school, a batch or a signing key (one bucket each, the school quota).
    Named(String),
    /// The client's address (the address quota).
    Address(IpAddr),
}

/// The school (or batch, or key) a request names, from its path and headers.
fn named_in_path(request: &Request) -> Option<String> {
    let path = request.uri().path();
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("v1"), Some("schools"), Some(school)) if !school.is_empty() => {
            Some(format!("school:{school}"))
        }
        (Some("v1"), Some("batches"), Some(batch)) if !batch.is_empty() => {
            Some(format!("batch:{batch}"))
        }
        _ => request
            .headers()
            .get(HEADER_KEY_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(|key| format!("key:{key}")),
    }
}

/// The school an enrollment request or a manifest names (not yet checked).
fn named_in_body(path: &str, body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Named {
        school: String,
    }
    match path {
        "/v1/enroll" => serde_json::from_slice::<Named>(body)
            .ok()
            .map(|named| format!("school:{}", named.school)),
        "/v1/batches" => {
            let signed = SignedManifest::decode(body).ok()?;
            match signed.unverified_manifest() {
                Ok(manifest) => Some(format!("school:{}", manifest.school)),
                Err(_) => Some(format!("key:{}", signed.key_id)),
            }
        }
        _ => None,
    }
}

fn too_large() -> Response {
    refusal_response(
        &Refusal::with_details(
            RefusalCode::TooLarge,
            format!("请求超过 {MAX_REQUEST_BODY_BYTES} 字节"),
            format!("the request is more than {MAX_REQUEST_BODY_BYTES} bytes"),
        ),
        None,
    )
}

fn refusal_response(refusal: &Refusal, retry_after: Option<u64>) -> Response {
    let status =
        StatusCode::from_u16(refusal.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        refusal.to_json(),
    )
        .into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(HEADER_RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// `429 rate_limited` with `Retry-After` in whole seconds (at least 1).
fn rate_limited(wait: Duration) -> Response {
    let mut seconds = wait.as_secs();
    if wait.subsec_nanos() > 0 || seconds == 0 {
        seconds = seconds.saturating_add(1);
    }
    refusal_response(
        &Refusal::with_details(
            RefusalCode::RateLimited,
            format!("请 {seconds} 秒后再试"),
            format!("try again in {seconds} seconds"),
        ),
        Some(seconds),
    )
}

/// Counts the request against its school's (or its address's) bucket and
/// answers `429` when it is over. A body that names the school (an
/// enrollment, a manifest) is read first, at most
/// [`MAX_REQUEST_BODY_BYTES`]; a larger one is `413 too_large`.
pub(crate) async fn rate_limit(
    State(limits): State<Arc<RateLimits>>,
    request: Request,
    next: Next,
) -> Response {
    let mut request = request;
    let mut who = match named_in_path(&request) {
        Some(named) => match named.strip_prefix("batch:") {
            Some(batch) => Some(Who::Named(limits.batch_bucket(batch).await)),
            None => Some(Who::Named(named)),
        },
        None => None,
    };
    if who.is_none() && request.method() == Method::POST {
        let path = request.uri().path().to_owned();
        if path == "/v1/enroll" || path == "/v1/batches" {
            let (parts, body) = request.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, MAX_REQUEST_BODY_BYTES).await else {
                return too_large();
            };
            who = named_in_body(&path, &bytes).map(Who::Named);
            request = Request::from_parts(parts, Body::from(bytes));
        }
    }
    let who = who.or_else(|| limits.address(&request).map(Who::Address));
    if let Some(wait) = who.as_ref().and_then(|who| limits.wait(who)) {
        return rate_limited(wait);
    }
    next.run(request).await
}

/// Answers `408 request_timeout` for a request not answered within the
/// limit (its body read included: a slow upload is cut, and the bytes of
/// a payload chunk not yet stored are not kept, so the client resumes from
/// what the upstream holds).
pub(crate) async fn time_limit(
    State(limits): State<Arc<RateLimits>>,
    request: Request,
    next: Next,
) -> Response {
    let within = limits.request_timeout;
    match tokio::time::timeout(within, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let seconds = within.as_secs().max(1);
            refusal_response(
                &Refusal::with_details(
                    RefusalCode::RequestTimeout,
                    format!("超过 {seconds} 秒"),
                    format!("more than {seconds} seconds"),
                ),
                None,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: Method, path: &str) -> Request {
        Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap_or_default()
    }

    #[test]
    fn a_schools_path_names_the_school() {
        let named = named_in_path(&request(
            Method::GET,
            "/v1/schools/2151072201/reviews?after=3",
        ));
        assert_eq!(named.as_deref(), Some("school:2151072201"));
    }

    #[test]
    fn a_batchs_path_names_the_batch() {
        let named = named_in_path(&request(Method::PUT, "/v1/batches/abc/payload"));
        assert_eq!(named.as_deref(), Some("batch:abc"));
        assert_eq!(named_in_path(&request(Method::POST, "/v1/batches")), None);
    }

    #[test]
    fn an_enrollment_names_its_school() {
        let body = br#"{"school":"2151072201","code":"x"}"#;
        assert_eq!(
            named_in_body("/v1/enroll", body).as_deref(),
            Some("school:2151072201")
        );
        assert_eq!(named_in_body("/v1/enroll", b"not json"), None);
    }

    #[test]
    fn a_wait_under_a_second_is_answered_as_one_second() {
        let response = rate_limited(Duration::from_millis(20));
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response.headers().get(HEADER_RETRY_AFTER),
            Some(&HeaderValue::from(1u64))
        );
    }
}
