//! The county's web console: a JSON API under `/console/api` for the Vue
//! app (`crates/taoli-upstream/console`) served under `/console/`.
//!
//! Officers sign in with a password ([`crate::officer`]); the session is a
//! random token in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS),
//! of which the database keeps only the SHA-256. Every request that changes
//! something carries the session's CSRF token in `X-CSRF-Token` and, when
//! the browser sends one, an `Origin` of this server. Everything an officer
//! does is audited by the store.

mod api;
mod assets;
pub mod bodies;
mod export;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::db::console::Actor;
use crate::error::Error;
use crate::officer::{Officer, SESSION_HOURS};
use crate::server::{AppState, blocking};

/// The cookie that holds the session token.
const COOKIE: &str = "taoli_console";

/// The address a connection came from (set by the accept loop).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub(crate) SocketAddr);

/// Set by the accept loop on a request that came over this server's own TLS.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OverTls;

/// The console's routes: the API and the app's files.
pub(crate) fn routes() -> Router<AppState> {
    api::routes().merge(assets::routes())
}

/// A failed console request: its status and the store's message.
pub(crate) struct ConsoleError(Error);

impl From<Error> for ConsoleError {
    fn from(error: Error) -> ConsoleError {
        ConsoleError(error)
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: String,
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        let (status, code) = match &self.0 {
            Error::SignInFailed | Error::NotSignedIn => (StatusCode::UNAUTHORIZED, "not_signed_in"),
            Error::AccountLocked { .. } => (StatusCode::LOCKED, "account_locked"),
            Error::AccountDisabled => (StatusCode::FORBIDDEN, "account_disabled"),
            Error::CsrfMismatch => (StatusCode::FORBIDDEN, "csrf_mismatch"),
            Error::Forbidden { .. } | Error::OutsideScope { .. } => {
                (StatusCode::FORBIDDEN, "forbidden")
            }
            Error::UsernameTaken(_) => (StatusCode::CONFLICT, "conflict"),
            Error::SchoolNotRegistered(_)
            | Error::UnknownOfficer(_)
            | Error::BatchNotFound(_)
            | Error::RecordNotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            Error::AlreadyReviewed { .. } | Error::WaitingElsewhere { .. } => {
                (StatusCode::CONFLICT, "already_reviewed")
            }
            Error::UnknownRegion(_)
            | Error::NotACounty(_)
            | Error::SchoolNameMissing
            | Error::InvalidSchoolCode(_)
            | Error::InvalidValidDays(_)
            | Error::InvalidUsername(_)
            | Error::WeakPassword { .. }
            | Error::ReasonRequired { .. }
            | Error::BadRequest(_)
            | Error::NoticeLength { .. }
            | Error::NothingBelow { .. } => (StatusCode::BAD_REQUEST, "invalid"),
            Error::Pool(_) => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            other => {
                eprintln!("taoli-upstream console: {other}");
                (StatusCode::INTERNAL_SERVER_ERROR, "server_error")
            }
        };
        let message = if code == "server_error" {
            "服务器出错了，已记下详情。请稍后再试；一直如此请联系系统运维人员。".to_owned()
        } else {
            self.0.to_string()
        };
        (status, axum::Json(ErrorBody { code, message })).into_response()
    }
}

pub(crate) type ConsoleResult<T> = Result<T, ConsoleError>;

/// The signed-in officer of a request, and its session.
pub(crate) struct SignedIn {
    pub(crate) officer: Officer,
    pub(crate) csrf: String,
    pub(crate) token: String,
    pub(crate) actor: Actor,
}

/// A handler that takes a [`SignedIn`] runs only for a signed-in officer
/// (401 otherwise) and, for a request that changes something, only with the
/// session's CSRF token and an origin of this server (403 otherwise).
impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ConsoleResult<SignedIn> {
        let peer = parts.extensions.get::<Peer>().copied();
        signed_in(state, &parts.method, &parts.headers, peer).await
    }
}

impl SignedIn {
    /// Runs `work` on the store as this officer (the store checks what
    /// their role and unit allow, and audits it).
    pub(crate) async fn run<T, F>(self, state: &AppState, work: F) -> ConsoleResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&crate::Db, &Actor) -> crate::Result<T> + Send + 'static,
    {
        let actor = self.actor;
        Ok(blocking(state, move |db, _| work(db, &actor)).await?)
    }
}

/// The session token the request's cookie carries.
fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The client's address: the connection's, or what a reverse proxy on
/// loopback says it was (`X-Forwarded-For`).
pub(crate) fn address(headers: &HeaderMap, peer: Option<Peer>) -> String {
    let direct = peer.map(|p| p.0);
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_owned());
    match (direct, forwarded) {
        (Some(addr), Some(f)) if addr.ip().is_loopback() => f,
        (Some(addr), _) => addr.ip().to_string(),
        (None, Some(f)) => f,
        (None, None) => "未知".into(),
    }
}

/// Whether the request reached us over HTTPS (a reverse proxy says so).
fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Whether an `Origin` the browser sent is this server (by its `Host`).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

/// The officer the request's session belongs to; for a request that
/// changes something, also its CSRF token and origin checked.
pub(crate) async fn signed_in(
    state: &AppState,
    method: &Method,
    headers: &HeaderMap,
    peer: Option<Peer>,
) -> ConsoleResult<SignedIn> {
    let token = session_token(headers).ok_or(Error::NotSignedIn)?;
    let lookup = token.clone();
    let (officer, csrf) = blocking(state, move |db, _| db.session(&lookup))
        .await?
        .ok_or(Error::NotSignedIn)?;
    if !matches!(*method, Method::GET | Method::HEAD) {
        let sent = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let matches: bool = sent.as_bytes().ct_eq(csrf.as_bytes()).into();
        if !matches || !same_origin(headers) {
            return Err(Error::CsrfMismatch.into());
        }
    }
    let actor = Actor::officer(&officer, &address(headers, peer));
    Ok(SignedIn {
        officer,
        csrf,
        token,
        actor,
    })
}

/// The `Set-Cookie` that starts a session (or, with an empty token, ends
/// it): `Secure` over this server's TLS or a proxy's HTTPS.
pub(crate) fn session_cookie(token: &str, headers: &HeaderMap, tls: bool) -> HeaderValue {
    let secure = if tls || over_https(headers) {
        "; Secure"
    } else {
        ""
    };
    let max_age = if token.is_empty() {
        0
    } else {
        SESSION_HOURS.saturating_mul(3600)
    };
    let value =
        format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}
