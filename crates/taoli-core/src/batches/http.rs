//! The HTTP side of the protocol, and the only place Taoli talks to the
//! network: reqwest's blocking client over rustls. Every answer is read
//! bounded and through the protocol's decoders; every failure is either the
//! link ([`Failure::Link`]: no answer at all, said in the clerk's language)
//! or the upstream's refusal ([`Failure::Refused`]: a code, a Chinese
//! message and, where its particulars are words, them in English).

use std::io::Read;
use std::time::Duration;

use super::transport::{self, Pause};

use chrono::{DateTime, Utc};
use reqwest::blocking::{Client, RequestBuilder, Response};

use crate::error::BatchError;
use crate::error::{Error, Particular, Result};
use crate::protocol::{
    self, BatchHistory, BatchStatus, EnrollmentRequest, HEADER_DATE, HEADER_KEY_ID,
    HEADER_RETRY_AFTER, HEADER_SIGNATURE, HEADER_UPLOAD_OFFSET, MAX_BATCH_HISTORY_BYTES,
    MAX_BATCH_STATUS_BYTES, MAX_ENROLLMENT_BYTES, MAX_PAYLOAD_BYTES, MAX_REFUSAL_BYTES,
    MAX_REVIEW_PAGE_BYTES, Refusal, RefusalCode, ReviewPage, SigningKey,
};

/// How long to wait for a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one request may take in all (a payload chunk on a slow link).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a request did not succeed.
#[derive(Debug, Clone)]
pub(crate) enum Failure {
    /// No answer: the connection failed, broke or timed out.
    Link(LinkFailure),
    /// The upstream answered with a refusal (or something unreadable,
    /// read as `malformed_response`).
    Refused {
        refusal: Refusal,
        /// `Upload-Offset` of an `offset_mismatch`: the bytes held.
        upload_offset: Option<u64>,
        /// The upstream's clock, from its `Date` header.
        server_date: Option<DateTime<Utc>>,
        /// How long the upstream asked to be left alone (`Retry-After`).
        retry_after: Option<Duration>,
    },
}

/// How the link failed, for the clerk: which way (a catalog key,
/// `particular.link.*`, said in the message's language) and the library's
/// own words, kept as they are for whoever helps them.
#[derive(Debug, Clone)]
pub(crate) struct LinkFailure {
    key: &'static str,
    detail: String,
}

impl LinkFailure {
    fn new(key: &'static str, detail: String) -> LinkFailure {
        LinkFailure { key, detail }
    }

    /// The particular an `upstream_unreachable` error says.
    pub(crate) fn particular(self) -> Particular {
        Particular::said(self.key, vec![("detail", self.detail)])
    }
}

impl Default for LinkFailure {
    /// No particulars yet: where a failure is kept before the first attempt.
    fn default() -> LinkFailure {
        LinkFailure::new("particular.link.broken", String::new())
    }
}

impl Failure {
    pub(crate) fn refused(refusal: Refusal) -> Failure {
        Failure::Refused {
            refusal,
            upload_offset: None,
            server_date: None,
            retry_after: None,
        }
    }

    /// `429 rate_limited` with the wait still to go: what a request to an
    /// upstream that asked for a pause gets without going out.
    fn paused(wait: Duration) -> Failure {
        Failure::Refused {
            refusal: Refusal::new(RefusalCode::RateLimited),
            upload_offset: None,
            server_date: None,
            retry_after: Some(wait),
        }
    }

    /// How long the upstream asked to wait before the next request, if it did.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Link(_) => None,
            Failure::Refused { retry_after, .. } => *retry_after,
        }
    }

    pub(crate) fn code(&self) -> Option<RefusalCode> {
        match self {
            Failure::Link(_) => None,
            Failure::Refused { refusal, .. } => Some(refusal.code),
        }
    }

    /// The failure as the core's error, for `upstream`.
    pub(crate) fn into_error(self, upstream: &str) -> Error {
        match self {
            Failure::Link(link) => Error::Batch(BatchError::UpstreamUnreachable {
                upstream: upstream.to_owned(),
                detail: link.particular(),
            }),
            Failure::Refused {
                refusal,
                retry_after,
                ..
            } if refusal.code == RefusalCode::RateLimited => {
                let seconds = retry_after.map_or(60, |wait| wait.as_secs());
                Error::Batch(BatchError::UpstreamBusy {
                    upstream: upstream.to_owned(),
                    minutes: seconds.div_ceil(60).max(1),
                })
            }
            Failure::Refused { refusal, .. } => Error::Refused(refusal),
        }
    }
}

/// An answer that was a success.
struct Answer {
    upload_offset: Option<u64>,
    body: Vec<u8>,
}

/// The upstream at one base URL.
#[derive(Debug, Clone)]
pub(crate) struct Upstream {
    base: String,
    client: Client,
    /// Where this process remembers the upstream's `Retry-After`.
    pause: Pause,
}

/// Checks an upstream address: `http://` or `https://` with a host; the
/// base URL kept without a trailing slash.
pub(crate) fn normalize_url(url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let parsed =
        reqwest::Url::parse(trimmed).map_err(|_| BatchError::InvalidUpstreamUrl(url.to_owned()))?;
    let ok = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty())
        && parsed.query().is_none()
        && parsed.fragment().is_none();
    if !ok {
        return Err(BatchError::InvalidUpstreamUrl(url.to_owned()).into());
    }
    Ok(trimmed.to_owned())
}

impl Upstream {
    /// The client of the upstream at `url`. Plain `http://` to another
    /// computer is refused unless `allow_plain_http` (the school's setting,
    /// `transport.rs`); loopback is always allowed.
    pub(crate) fn new(url: &str, allow_plain_http: bool) -> Result<Upstream> {
        let base = normalize_url(url)?;
        transport::check_scheme(&base, allow_plain_http)?;
        let mut builder = Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("taoli/", env!("CARGO_PKG_VERSION")));
        let local = reqwest::Url::parse(&base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .is_some_and(|h| h == "localhost" || h == "127.0.0.1" || h == "[::1]");
        if local {
            // A proxy in the environment must not stand between this
            // computer and itself.
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| {
            Error::Batch(BatchError::UpstreamUnreachable {
                upstream: base.clone(),
                detail: Particular::said(
                    "particular.no_network_client",
                    vec![("detail", e.to_string())],
                ),
            })
        })?;
        let pause = Pause::of(&base);
        Ok(Upstream {
            base,
            client,
            pause,
        })
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The wait the upstream asked for that is still to go, as a failure.
    fn check_pause(&self) -> Result<(), Failure> {
        match self.pause.remaining() {
            Some(wait) => Err(Failure::paused(wait)),
            None => Ok(()),
        }
    }

    /// Keeps the upstream's `Retry-After`, if `response` has one, so no
    /// request goes to it before then; the wait.
    fn keep_retry_after(&self, response: &Response) -> Option<Duration> {
        let seconds = response
            .headers()
            .get(HEADER_RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| protocol::retry_after_seconds(v, Utc::now()))?;
        let wait = Duration::from_secs(seconds);
        self.pause.hold_for(wait);
        Some(wait)
    }

    /// Sends a request and reads its answer, at most `limit` bytes of it.
    /// Nothing is sent while the upstream's `Retry-After` lasts.
    fn call(&self, request: RequestBuilder, limit: usize) -> Result<Answer, Failure> {
        self.check_pause()?;
        let response = request.send().map_err(|e| Failure::Link(link_detail(&e)))?;
        let status = response.status().as_u16();
        let retry_after = if (200..300).contains(&status) {
            None
        } else {
            self.keep_retry_after(&response)
        };
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let upload_offset = header(HEADER_UPLOAD_OFFSET).and_then(|v| v.parse().ok());
        let server_date = header("date").and_then(|d| {
            DateTime::parse_from_rfc2822(&d)
                .ok()
                .map(|d| d.with_timezone(&Utc))
        });
        let success = (200..300).contains(&status);
        let body = read_bounded(response, if success { limit } else { MAX_REFUSAL_BYTES })
            .map_err(|e| {
                Failure::Link(LinkFailure::new(
                    "particular.link.reading_broke",
                    e.to_string(),
                ))
            })?;
        if success {
            return Ok(Answer {
                upload_offset,
                body,
            });
        }
        let refusal = match Refusal::decode(&body) {
            Ok(refusal) => refusal,
            // A proxy's own 429 in front of the upstream.
            Err(_) if status == 429 => Refusal::new(RefusalCode::RateLimited),
            Err(_) if status >= 500 => Refusal::with_details(
                RefusalCode::ServerError,
                format!("HTTP {status}，答复不是上报协议的格式"),
                format!("HTTP {status}; the answer is not in the reporting protocol's form"),
            ),
            Err(unreadable) => unreadable,
        };
        Err(Failure::Refused {
            refusal,
            upload_offset,
            server_date,
            retry_after,
        })
    }

    /// Whether the upstream answers at all, within `within`: `GET
    /// /v1/upstream-key`, any HTTP answer counting. The sync worker asks
    /// this before a pass, so that a link that is down costs one short
    /// request instead of a pass of retries.
    /// An upstream that asked to be left alone (`429` and `Retry-After`,
    /// now or earlier) is not asked.
    pub(crate) fn answers(&self, within: Duration) -> Result<(), Failure> {
        self.check_pause()?;
        let response = self
            .client
            .get(self.url("/v1/upstream-key"))
            .timeout(within)
            .send()
            .map_err(|e| Failure::Link(link_detail(&e)))?;
        if response.status().as_u16() == 429 {
            let wait = self
                .keep_retry_after(&response)
                .unwrap_or(Duration::from_secs(60));
            return Err(Failure::paused(wait));
        }
        Ok(())
    }

    /// `POST /v1/enroll`: the answer's bytes.
    pub(crate) fn enroll(&self, request: &EnrollmentRequest) -> Result<Vec<u8>, Failure> {
        let answer = self.call(
            self.client
                .post(self.url("/v1/enroll"))
                .header("content-type", "application/json")
                .body(request.to_json()),
            MAX_ENROLLMENT_BYTES,
        )?;
        Ok(answer.body)
    }

    /// `POST /v1/batches`: the signed manifest; where the batch stands.
    pub(crate) fn post_manifest(&self, envelope: &[u8]) -> Result<BatchStatus, Failure> {
        let answer = self.call(
            self.client
                .post(self.url("/v1/batches"))
                .header("content-type", "application/json")
                .body(envelope.to_vec()),
            MAX_BATCH_STATUS_BYTES,
        )?;
        status_of(&answer.body)
    }

    /// `GET /v1/batches/{id}`.
    pub(crate) fn batch_status(&self, batch_id: &str) -> Result<BatchStatus, Failure> {
        let answer = self.call(
            self.client
                .get(self.url(&format!("/v1/batches/{batch_id}"))),
            MAX_BATCH_STATUS_BYTES,
        )?;
        status_of(&answer.body)
    }

    /// `PUT /v1/batches/{id}/payload` from `offset`.
    pub(crate) fn put_payload(
        &self,
        batch_id: &str,
        offset: u64,
        bytes: &[u8],
    ) -> Result<BatchStatus, Failure> {
        let answer = self.call(
            self.client
                .put(self.url(&format!("/v1/batches/{batch_id}/payload")))
                .header(HEADER_UPLOAD_OFFSET, offset)
                .header("content-type", "application/octet-stream")
                .body(bytes.to_vec()),
            MAX_BATCH_STATUS_BYTES,
        )?;
        let status = status_of(&answer.body)?;
        if let Some(held) = answer.upload_offset
            && held != status.received_bytes
        {
            return Err(Failure::refused(Refusal::with_details(
                RefusalCode::MalformedResponse,
                "答复的 Upload-Offset 与批次状态中的字节数不一致",
                "the answer's Upload-Offset does not match the number of bytes in the batch status",
            )));
        }
        Ok(status)
    }

    /// A signed `GET` of `path` (the school's own data), dated `now` (this
    /// computer's clock, corrected for a known skew).
    fn signed_get(
        &self,
        path: &str,
        key: &SigningKey,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Answer, Failure> {
        let signature = key.sign_request("GET", path, &protocol::timestamp(now));
        self.call(
            self.client
                .get(self.url(path))
                .header(HEADER_KEY_ID, signature.key_id)
                .header(HEADER_DATE, signature.date)
                .header(HEADER_SIGNATURE, signature.signature),
            limit,
        )
    }

    /// `GET /v1/schools/{school}/reviews?after=N` as a signed request.
    pub(crate) fn reviews(
        &self,
        school: &str,
        after: u64,
        key: &SigningKey,
        now: DateTime<Utc>,
    ) -> Result<ReviewPage, Failure> {
        let path = format!("/v1/schools/{school}/reviews?after={after}");
        let answer = self.signed_get(&path, key, now, MAX_REVIEW_PAGE_BYTES)?;
        ReviewPage::decode(&answer.body, school, after).map_err(Failure::refused)
    }

    /// `GET /v1/schools/{school}/notices?after=N` as a signed request: the
    /// county's 督促提醒 after cursor N.
    pub(crate) fn notices(
        &self,
        school: &str,
        after: u64,
        key: &SigningKey,
        now: DateTime<Utc>,
    ) -> Result<protocol::NoticePage, Failure> {
        let path = format!("/v1/schools/{school}/notices?after={after}");
        let answer = self.signed_get(&path, key, now, protocol::MAX_NOTICE_PAGE_BYTES)?;
        protocol::NoticePage::decode(&answer.body, school, after).map_err(Failure::refused)
    }

    /// `GET /v1/schools/{school}/batches?after=N` as a signed request: the
    /// batches the upstream received after sequence N.
    pub(crate) fn batch_history(
        &self,
        school: &str,
        after: u64,
        key: &SigningKey,
        now: DateTime<Utc>,
    ) -> Result<BatchHistory, Failure> {
        let path = format!("/v1/schools/{school}/batches?after={after}");
        let answer = self.signed_get(&path, key, now, MAX_BATCH_HISTORY_BYTES)?;
        BatchHistory::decode(&answer.body, school, after).map_err(Failure::refused)
    }

    /// `GET /v1/schools/{school}/batches/{id}/payload` as a signed request:
    /// a received batch's payload bytes (not yet checked).
    pub(crate) fn held_payload(
        &self,
        school: &str,
        batch_id: &str,
        key: &SigningKey,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, Failure> {
        let path = format!("/v1/schools/{school}/batches/{batch_id}/payload");
        let answer = self.signed_get(&path, key, now, MAX_PAYLOAD_BYTES)?;
        if answer.body.len() > MAX_PAYLOAD_BYTES {
            return Err(Failure::refused(Refusal::with_details(
                RefusalCode::TooLarge,
                format!("批次 {batch_id} 的数据超过上限"),
                format!("the data of batch {batch_id} is more than the limit"),
            )));
        }
        Ok(answer.body)
    }
}

fn status_of(body: &[u8]) -> Result<BatchStatus, Failure> {
    BatchStatus::decode(body).map_err(Failure::refused)
}

fn read_bounded(response: Response, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    response.take(cap).read_to_end(&mut body)?;
    Ok(body)
}

/// A failed connection, as the clerk reads it (reqwest's own text kept in
/// parentheses for whoever helps them).
fn link_detail(error: &reqwest::Error) -> LinkFailure {
    let key = if error.is_timeout() {
        "particular.link.timed_out"
    } else if error.is_connect() {
        "particular.link.no_connection"
    } else {
        "particular.link.broken"
    };
    let mut detail = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        detail.push_str(": ");
        detail.push_str(&inner.to_string());
        source = inner.source();
    }
    LinkFailure::new(key, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upstream_address_needs_http_or_https_and_a_host() {
        assert_eq!(
            normalize_url(" https://jsgl.example.gov.cn/ ").unwrap_or_default(),
            "https://jsgl.example.gov.cn"
        );
        assert_eq!(
            normalize_url("http://127.0.0.1:8750").unwrap_or_default(),
            "http://127.0.0.1:8750"
        );
        for bad in [
            "jsgl.example.gov.cn",
            "ftp://x",
            "",
            "http://",
            "https://x/?a=1",
        ] {
            assert!(
                matches!(
                    normalize_url(bad),
                    Err(Error::Batch(BatchError::InvalidUpstreamUrl(_)))
                ),
                "{bad}"
            );
        }
    }
}
