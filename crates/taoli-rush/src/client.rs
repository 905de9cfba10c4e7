//! A school's side of the wire, as the app's sync worker behaves
//! (docs/protocol.md, "What the client does"): enroll with the code, then
//! for each batch `POST` the manifest and `PUT` the payload from where the
//! upstream stands, trying again with exponential backoff and full jitter
//! after a broken link or a `5xx`, from the offset named after `409
//! offset_mismatch`, after the wait `Retry-After` names on a `429`. Every
//! answer is checked; a receipt counts only once it verifies with the key
//! pinned at enrollment against the batch's own manifest.
//!
//! The schools reach the upstream processes through [`Balancer`], a plain
//! round-robin over their addresses, request by request, as nginx's
//! `upstream` block does by default: a request whose connection is refused
//! (a dead process) goes to the next address at once
//! (`proxy_next_upstream error`, safe for a `POST` because nothing was
//! sent); one that broke after it was sent is the school's to retry.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::{Client, Response, StatusCode};
use taoli_protocol::{
    BatchState, BatchStatus, EnrollmentRequest, EnrollmentResponse, HEADER_UPLOAD_OFFSET,
    PublicKey, Refusal, RefusalCode,
};

use crate::report::Counters;
use crate::roster::{Batch, School};

/// Round-robin over the upstreams' base URLs.
#[derive(Debug)]
pub struct Balancer {
    urls: Vec<String>,
    next: AtomicUsize,
}

impl Balancer {
    pub fn new(urls: Vec<String>) -> Balancer {
        Balancer {
            urls,
            next: AtomicUsize::new(0),
        }
    }

    /// The next upstream's URL of `path`.
    fn url(&self, path: &str) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let base = n
            .checked_rem(self.urls.len())
            .and_then(|i| self.urls.get(i))
            .map_or("", String::as_str);
        format!("{base}{path}")
    }

    /// Sends the request `build` makes for the next upstream's URL of
    /// `path`; a refused connection goes on to the next, each at most once.
    async fn send(
        &self,
        counters: &Counters,
        path: &str,
        build: impl Fn(String) -> reqwest::RequestBuilder,
    ) -> reqwest::Result<Response> {
        let mut tries = self.urls.len().max(1);
        loop {
            let sent = build(self.url(path)).send().await;
            tries = tries.saturating_sub(1);
            match sent {
                Err(e) if e.is_connect() && tries > 0 => {
                    Counters::count(&counters.failed_over);
                }
                other => return other,
            }
        }
    }
}

/// How the schools try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// The first backoff's ceiling; it doubles with each attempt.
    pub base: Duration,
    /// The most any backoff waits.
    pub cap: Duration,
    /// Attempts before a batch is given up (counted as lost).
    pub attempts: u32,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            base: Duration::from_millis(50),
            cap: Duration::from_secs(5),
            attempts: 40,
        }
    }
}

impl Retry {
    /// Full jitter: anywhere from nothing to `base · 2^attempt`, at most `cap`.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base
            .checked_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX))
            .unwrap_or(self.cap)
            .min(self.cap);
        let micros = u64::try_from(ceiling.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(rand::rng().random_range(0..=micros))
    }
}

/// A client as every school of the rush shares it: plain HTTP/1.1, no
/// proxy, bounded waits.
pub fn http_client() -> reqwest::Result<Client> {
    Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(120))
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
}

/// Why a school stopped trying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Refused for good, or an answer that cannot be believed: the code.
    Refused(String),
    /// Still failing after every attempt.
    GaveUp,
}

/// A batch the upstream took: the signed receipt as it came, verified.
#[derive(Debug, Clone)]
pub struct Uploaded {
    pub latency: Duration,
    pub receipt: Vec<u8>,
}

/// What one answer means to a school.
enum Answer {
    /// A batch status (`200`/`201`).
    Status(BatchStatus),
    /// Try again after this wait (a `429`, a `5xx`, a broken link).
    Again(Duration),
    /// `409 offset_mismatch`: continue from here.
    ResumeAt(u64),
    /// Refused for good.
    Refused(String),
}

/// Enrolls school `school` (its key `key`) with `code`, through the
/// balancer; the upstream key to pin.
pub async fn enroll(
    client: &Client,
    balancer: &Balancer,
    retry: &Retry,
    counters: &Counters,
    school: &School,
    code: &str,
) -> Result<PublicKey, Failure> {
    let request = EnrollmentRequest::new(&school.code, code, &school.key);
    let body = request.to_json();
    for attempt in 0..retry.attempts {
        if attempt > 0 {
            Counters::count(&counters.retries);
        }
        let sent = balancer
            .send(counters, "/v1/enroll", |url| {
                client.post(url).body(body.clone())
            })
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(_) => {
                Counters::count(&counters.link);
                tokio::time::sleep(retry.backoff(attempt)).await;
                continue;
            }
        };
        let status = response.status();
        if let Some(wait) = wait_before_again(&response, counters, retry, attempt) {
            drop(response);
            tokio::time::sleep(wait).await;
            continue;
        }
        let Ok(bytes) = response.bytes().await else {
            Counters::count(&counters.link);
            tokio::time::sleep(retry.backoff(attempt)).await;
            continue;
        };
        if status != StatusCode::OK {
            return Err(refused(counters, &bytes));
        }
        return match EnrollmentResponse::decode(&bytes, &request) {
            Ok((_, pinned)) => Ok(pinned),
            Err(refusal) => Err(refusal_failure(counters, &refusal)),
        };
    }
    Err(Failure::GaveUp)
}

/// Uploads `batch` until the upstream answers it with a receipt that
/// verifies with `pinned` against the batch's manifest.
pub async fn upload(
    client: &Client,
    balancer: &Balancer,
    retry: &Retry,
    counters: &Counters,
    pinned: &PublicKey,
    batch: &Batch,
) -> Result<Uploaded, Failure> {
    let started = Instant::now();
    let mut attempt: u32 = 0;
    let payload_path = format!("/v1/batches/{}/payload", batch.id);
    'manifest: loop {
        // Where the batch stands: new, partly held, or received.
        let mut offset = match manifest(client, balancer, counters, retry, attempt, batch).await {
            Answer::Status(status) => match settled(counters, pinned, batch, &status) {
                Some(done) => {
                    return done.map(|receipt| Uploaded {
                        latency: started.elapsed(),
                        receipt,
                    });
                }
                None => status.received_bytes,
            },
            Answer::Again(wait) => {
                attempt = next_attempt(counters, retry, attempt)?;
                tokio::time::sleep(wait).await;
                continue 'manifest;
            }
            Answer::ResumeAt(_) => 0,
            Answer::Refused(code) => return Err(Failure::Refused(code)),
        };
        loop {
            let from = usize::try_from(offset).unwrap_or(usize::MAX);
            let body = batch.payload.get(from..).unwrap_or_default().to_vec();
            let sent = balancer
                .send(counters, &payload_path, |url| {
                    client
                        .put(url)
                        .header(HEADER_UPLOAD_OFFSET, offset)
                        .body(body.clone())
                })
                .await;
            match answer(sent, counters, retry, attempt).await {
                Answer::Status(status) => {
                    if let Some(done) = settled(counters, pinned, batch, &status) {
                        return done.map(|receipt| Uploaded {
                            latency: started.elapsed(),
                            receipt,
                        });
                    }
                    // Still receiving after the whole rest was sent: ask
                    // again where it stands.
                    attempt = next_attempt(counters, retry, attempt)?;
                    continue 'manifest;
                }
                Answer::ResumeAt(held) => {
                    attempt = next_attempt(counters, retry, attempt)?;
                    offset = held;
                }
                Answer::Again(wait) => {
                    attempt = next_attempt(counters, retry, attempt)?;
                    tokio::time::sleep(wait).await;
                    // After a break the upstream may hold some bytes, or
                    // all of them and the receipt: the manifest says.
                    continue 'manifest;
                }
                Answer::Refused(code) => return Err(Failure::Refused(code)),
            }
        }
    }
}

fn next_attempt(counters: &Counters, retry: &Retry, attempt: u32) -> Result<u32, Failure> {
    Counters::count(&counters.retries);
    let next = attempt.saturating_add(1);
    if next >= retry.attempts {
        return Err(Failure::GaveUp);
    }
    Ok(next)
}

async fn manifest(
    client: &Client,
    balancer: &Balancer,
    counters: &Counters,
    retry: &Retry,
    attempt: u32,
    batch: &Batch,
) -> Answer {
    let sent = balancer
        .send(counters, "/v1/batches", |url| {
            client.post(url).body(batch.envelope.clone())
        })
        .await;
    answer(sent, counters, retry, attempt).await
}

/// A received batch's verified receipt, a refused batch's code, or None
/// while it is still arriving.
fn settled(
    counters: &Counters,
    pinned: &PublicKey,
    batch: &Batch,
    status: &BatchStatus,
) -> Option<Result<Vec<u8>, Failure>> {
    match status.state {
        BatchState::Receiving => None,
        BatchState::Refused => {
            let code = status
                .refusal
                .as_ref()
                .map_or("refused", |r| r.code.as_str());
            counters.refused(code);
            Some(Err(Failure::Refused(code.to_owned())))
        }
        BatchState::Received => {
            let receipt = match status.signed_receipt() {
                Ok(Some(signed)) => signed
                    .verify_for(pinned, &batch.manifest)
                    .map(|_| signed.encode()),
                Ok(None) => Err(Refusal::new(RefusalCode::ReceiptInvalid)),
                Err(refusal) => Err(refusal),
            };
            Some(receipt.map_err(|refusal| refusal_failure(counters, &refusal)))
        }
    }
}

/// What an answer (or its absence) means.
async fn answer(
    sent: reqwest::Result<Response>,
    counters: &Counters,
    retry: &Retry,
    attempt: u32,
) -> Answer {
    let response = match sent {
        Ok(r) => r,
        Err(_) => {
            Counters::count(&counters.link);
            return Answer::Again(retry.backoff(attempt));
        }
    };
    let status = response.status();
    if let Some(wait) = wait_before_again(&response, counters, retry, attempt) {
        return Answer::Again(wait);
    }
    let held = response
        .headers()
        .get(HEADER_UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Ok(bytes) = response.bytes().await else {
        Counters::count(&counters.link);
        return Answer::Again(retry.backoff(attempt));
    };
    if status.is_success() {
        return match BatchStatus::decode(&bytes) {
            Ok(s) => Answer::Status(s),
            Err(refusal) => Answer::Refused(refusal_failure_code(counters, &refusal)),
        };
    }
    match Refusal::decode(&bytes) {
        Ok(r) if r.code == RefusalCode::OffsetMismatch => {
            Counters::count(&counters.offset_mismatch);
            match held {
                Some(held) => Answer::ResumeAt(held),
                None => Answer::Again(retry.backoff(attempt)),
            }
        }
        Ok(r) => Answer::Refused(refusal_failure_code(counters, &r)),
        Err(r) => Answer::Refused(refusal_failure_code(counters, &r)),
    }
}

/// The wait before trying again, for an answer that asks for one: a `429`
/// (its `Retry-After`, in seconds) or a `5xx`.
fn wait_before_again(
    response: &Response,
    counters: &Counters,
    retry: &Retry,
    attempt: u32,
) -> Option<Duration> {
    let status = response.status();
    if status == StatusCode::TOO_MANY_REQUESTS {
        Counters::count(&counters.too_many_requests);
        let seconds = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        return Some(match seconds {
            // What it asks, plus a little jitter so the schools it turned
            // away do not all come back in the same millisecond.
            Some(s) => Duration::from_secs(s.min(300)).saturating_add(retry.backoff(0)),
            None => retry.backoff(attempt),
        });
    }
    if status.is_server_error() {
        Counters::count(&counters.server_error);
        return Some(retry.backoff(attempt));
    }
    None
}

fn refused(counters: &Counters, bytes: &[u8]) -> Failure {
    match Refusal::decode(bytes) {
        Ok(r) | Err(r) => refusal_failure(counters, &r),
    }
}

fn refusal_failure(counters: &Counters, refusal: &Refusal) -> Failure {
    Failure::Refused(refusal_failure_code(counters, refusal))
}

fn refusal_failure_code(counters: &Counters, refusal: &Refusal) -> String {
    let code = refusal.code.as_str().to_owned();
    counters.refused(&code);
    code
}
