//! The HTTP side: the routes of `docs/protocol.md`, the /review page, the
//! admin switches for fault injection, and the accept loop (hyper, one task
//! per connection) that lets a handler drop its own connection mid-request.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Form, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use taoli_protocol::{
    self as protocol, BatchState, BatchStatus, Decision, EnrollmentRequest, HEADER_DATE,
    HEADER_KEY_ID, HEADER_SIGNATURE, HEADER_UPLOAD_OFFSET, MAX_REVIEW_PAGE_RESULTS, Refusal,
    RefusalCode, RequestSignature, SignedManifest, SigningKey,
};
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tower::ServiceExt;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::limits::{self, Limits, PeerAddr, RateLimits};
use crate::review_page;
use crate::tls::{Tls, TlsFiles};

/// Faults to inject, for tests of a link that comes and goes and an
/// upstream that fails. Set with `serve`'s `--fault-*` flags or
/// `PUT /admin/faults` (with `--admin`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Drop the connection after this many bytes of a payload upload's body
    /// (the upstream keeps exactly those bytes, as after a real break).
    pub drop_after_bytes: Option<u64>,
    /// How many uploads to drop so; when it reaches 0 the fault is off.
    /// 0 with `drop_after_bytes` set counts as 1.
    pub drop_times: u32,
    /// Answer the next this-many successful writes (enroll, manifest,
    /// payload) with 500 `server_error`, after committing them.
    pub fail_after_commit: u32,
    /// Answer the next this-many writes (any `POST` or `PUT`) with 500
    /// `server_error` before doing anything: nothing is committed, as
    /// when the upstream fails before it reaches its database.
    pub fail_before_commit: u32,
    /// Wait this long before handling every request.
    pub delay_ms: u64,
    /// Queue every review result twice (same `review_id`).
    pub duplicate_reviews: bool,
}

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) db: Arc<Db>,
    key: Arc<SigningKey>,
    faults: Arc<Mutex<Faults>>,
}

impl AppState {
    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether this successful write is to be answered with a 500.
    fn fail_after_commit(&self) -> bool {
        let mut faults = self.faults();
        if faults.fail_after_commit > 0 {
            faults.fail_after_commit = faults.fail_after_commit.saturating_sub(1);
            return true;
        }
        false
    }

    /// Whether this write is to be answered with a 500 before it is handled.
    fn fail_before_commit(&self) -> bool {
        let mut faults = self.faults();
        if faults.fail_before_commit > 0 {
            faults.fail_before_commit = faults.fail_before_commit.saturating_sub(1);
            return true;
        }
        false
    }

    /// The byte count after which to drop an upload, if the fault is on.
    fn drop_after(&self) -> Option<u64> {
        self.faults().drop_after_bytes
    }

    /// Counts one dropped upload; the fault is off after `drop_times`.
    fn count_drop(&self) {
        let mut faults = self.faults();
        if faults.drop_times <= 1 {
            faults.drop_after_bytes = None;
            faults.drop_times = 0;
        } else {
            faults.drop_times = faults.drop_times.saturating_sub(1);
        }
    }
}

/// Runs database work off the async threads.
pub(crate) async fn blocking<T, F>(state: &AppState, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Db, &SigningKey) -> Result<T> + Send + 'static,
{
    let db = state.db.clone();
    let key = state.key.clone();
    tokio::task::spawn_blocking(move || f(&db, &key))
        .await
        .map_err(|e| Error::Io(std::io::Error::other(e)))?
}

/// A failed request as answered: the refusal, and for `offset_mismatch`
/// the bytes held.
struct ApiError {
    refusal: Refusal,
    upload_offset: Option<u64>,
}

impl From<Error> for ApiError {
    fn from(error: Error) -> ApiError {
        if !matches!(error, Error::Refused(_) | Error::BatchNotFound(_)) {
            eprintln!("taoli-upstream: {error}");
        }
        ApiError {
            refusal: error.refusal(),
            upload_offset: None,
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        ApiError {
            refusal,
            upload_offset: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.refusal.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = json_response(status, self.refusal.to_json().into_bytes());
        if let Some(held) = self.upload_offset {
            response
                .headers_mut()
                .insert(HEADER_UPLOAD_OFFSET, HeaderValue::from(held));
        }
        response
    }
}

type ApiResult = std::result::Result<Response, ApiError>;

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

fn injected_500() -> ApiError {
    ApiError::from(Refusal::with_details(
        RefusalCode::ServerError,
        "测试用的故障注入：已保存，但答复 500",
        "a fault injected for testing: saved, but answered 500",
    ))
}

fn injected_500_before_commit() -> ApiError {
    ApiError::from(Refusal::with_details(
        RefusalCode::ServerError,
        "测试用的故障注入：没有处理，答复 500",
        "a fault injected for testing: not handled, answered 500",
    ))
}

/// The router with every route of `docs/protocol.md`, and `/admin/faults`
/// when `admin`; every request first counted against its school's rate
/// limit, then timed (`limits.rs`).
fn router(state: AppState, admin: bool, limits: Arc<RateLimits>) -> Router {
    let mut app = Router::new()
        .route("/v1/enroll", post(enroll))
        .route("/v1/upstream-key", get(upstream_key))
        .route("/v1/batches", post(create_batch))
        .route("/v1/batches/{id}", get(batch_status))
        .route(
            "/v1/batches/{id}/payload",
            put(put_payload).get(payload_held),
        )
        .route("/v1/batches/{id}/receipt", get(receipt))
        .route("/v1/schools/{school}/reviews", get(reviews))
        .route("/v1/schools/{school}/batches", get(held_batches))
        .route("/v1/schools/{school}/notices", get(notices))
        .route(
            "/v1/schools/{school}/batches/{id}/payload",
            get(held_payload),
        )
        .merge(crate::console::routes());
    if admin {
        // The bare reviewer page of the tests: no sign-in, so never in
        // production (the console reviews there).
        app = app
            .route("/review", get(review_page_get).post(review_page_post))
            .route("/admin/faults", get(get_faults).put(put_faults));
    }
    app.fallback(not_found)
        .layer(DefaultBodyLimit::max(limits::MAX_REQUEST_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), delay))
        .layer(middleware::from_fn_with_state(
            limits.clone(),
            limits::time_limit,
        ))
        .layer(middleware::from_fn_with_state(limits, limits::rate_limit))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::from(Refusal::with_details(
        RefusalCode::MalformedRequest,
        "没有这个地址",
        "there is no such address",
    ))
}

/// The faults every request meets first: the delay, and a write answered
/// with a 500 before it is handled.
async fn delay(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let ms = state.faults().delay_ms;
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let write = matches!(*request.method(), Method::POST | Method::PUT);
    if write && !request.uri().path().starts_with("/admin") && state.fail_before_commit() {
        return injected_500_before_commit().into_response();
    }
    next.run(request).await
}

async fn upstream_key(State(state): State<AppState>) -> Response {
    let wire = state.key.public_key().to_wire();
    json_response(
        StatusCode::OK,
        serde_json::to_vec(&wire).unwrap_or_default(),
    )
}

async fn enroll(State(state): State<AppState>, body: Bytes) -> ApiResult {
    let (request, key) = EnrollmentRequest::decode(&body)?;
    let response = blocking(&state, move |db, server_key| {
        db.enroll(&request, &key, &server_key.public_key())
    })
    .await?;
    if state.fail_after_commit() {
        return Err(injected_500());
    }
    Ok(json_response(StatusCode::OK, response.to_json()))
}

async fn create_batch(State(state): State<AppState>, body: Bytes) -> ApiResult {
    let signed = SignedManifest::decode(&body)?;
    let (status, created) = blocking(&state, move |db, server_key| {
        let Some(school_key) = db.school_key(&signed.key_id)? else {
            return Err(Error::refused(RefusalCode::KeyUnknown));
        };
        if school_key.revoked {
            return Err(Error::refused(RefusalCode::KeyRevoked));
        }
        let manifest = signed.verify(&school_key.key)?;
        if manifest.school != school_key.school {
            return Err(Error::refused_with(
                RefusalCode::WrongSchool,
                format!(
                    "批次写的是 {}，签名密钥登记在 {} 名下",
                    manifest.school, school_key.school
                ),
                format!(
                    "the batch names {}; the signing key is enrolled for {}",
                    manifest.school, school_key.school
                ),
            ));
        }
        db.register_batch(&signed, &manifest, server_key)
    })
    .await?;
    if state.fail_after_commit() {
        return Err(injected_500());
    }
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(status_response(code, &status))
}

fn status_response(code: StatusCode, status: &BatchStatus) -> Response {
    let mut response = json_response(code, status.to_json());
    let headers = response.headers_mut();
    headers.insert(
        HEADER_UPLOAD_OFFSET,
        HeaderValue::from(status.received_bytes),
    );
    headers.insert("upload-length", HeaderValue::from(status.payload_size));
    response
}

async fn batch_status(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let status = blocking(&state, move |db, key| db.batch_status(&id, key)).await?;
    Ok(status_response(StatusCode::OK, &status))
}

/// `GET` (and `HEAD`) of the payload: the bytes held in `Upload-Offset`.
async fn payload_held(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    batch_status(State(state), Path(id)).await
}

async fn receipt(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let status = blocking(&state, move |db, key| db.batch_status(&id, key)).await?;
    match (&status.receipt, &status.refusal) {
        (Some(receipt), _) => Ok(json_response(
            StatusCode::OK,
            serde_json::to_vec(receipt).unwrap_or_default(),
        )),
        (None, Some(refusal)) => Err(ApiError::from(refusal.clone())),
        (None, None) => Err(ApiError::from(Refusal::with_details(
            RefusalCode::BatchNotFound,
            format!(
                "批次 {} 的数据还没有收齐（已收到 {} / {} 字节）",
                status.batch_id, status.received_bytes, status.payload_size
            ),
            format!(
                "not all the data of batch {} has arrived yet ({} of {} bytes received)",
                status.batch_id, status.received_bytes, status.payload_size
            ),
        ))),
    }
}

/// The connection a request came on: a handler notifies it to drop the
/// connection without an answer (the drop-after-N-bytes fault).
#[derive(Clone)]
struct ConnectionKill(Arc<Notify>);

async fn put_payload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    kill: Option<axum::Extension<ConnectionKill>>,
    body: Body,
) -> ApiResult {
    let offset = headers
        .get(HEADER_UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| {
            Refusal::with_details(
                RefusalCode::MalformedRequest,
                "缺少 Upload-Offset（从第几个字节开始）",
                "Upload-Offset (the byte to start from) is missing",
            )
        })?;
    let lookup = id.clone();
    let (batch_state, held, size) = blocking(&state, move |db, _| db.held(&lookup)).await?;
    match batch_state {
        BatchState::Refused => {
            let lookup = id.clone();
            let status = blocking(&state, move |db, key| db.batch_status(&lookup, key)).await?;
            return Err(ApiError::from(
                status
                    .refusal
                    .unwrap_or_else(|| Refusal::new(RefusalCode::MalformedPayload)),
            ));
        }
        BatchState::Received => return replayed_payload(&state, id, offset, size, body).await,
        BatchState::Receiving => {}
    }
    if offset != held {
        return Err(ApiError {
            refusal: Refusal::with_details(
                RefusalCode::OffsetMismatch,
                format!("上级系统已收到 {held} 字节，续传应从这里开始，而不是 {offset}"),
                format!(
                    "the upstream has received {held} bytes; the upload should resume there, not at {offset}"
                ),
            ),
            upload_offset: Some(held),
        });
    }
    let room = size.saturating_sub(held);
    let drop_after = state.drop_after();
    let mut received: Vec<u8> = Vec::new();
    let mut stream = body.into_data_stream();
    let mut broken = false;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            broken = true;
            break;
        };
        received.extend_from_slice(&chunk);
        if received.len() as u64 > room {
            return Err(ApiError::from(Refusal::with_details(
                RefusalCode::TooLarge,
                format!("批次清单写明数据共 {size} 字节，上传的超出了"),
                format!(
                    "the batch manifest says the data has {size} bytes, and more were uploaded"
                ),
            )));
        }
        if let Some(after) = drop_after
            && received.len() as u64 >= after
        {
            received.truncate(usize::try_from(after).unwrap_or(usize::MAX));
            state.count_drop();
            let append_id = id.clone();
            blocking(&state, move |db, _| {
                db.append_payload(&append_id, offset, &received)
            })
            .await?;
            if let Some(axum::Extension(kill)) = kill {
                kill.0.notify_one();
                std::future::pending::<()>().await;
            }
            return Err(ApiError::from(Refusal::new(RefusalCode::ServerError)));
        }
    }
    if broken {
        // Nobody is listening; what arrived is kept for the resume.
        blocking(&state, move |db, _| {
            db.append_payload(&id, offset, &received)
        })
        .await
        .map_err(|e| with_offset(e, held))?;
        return Err(ApiError::from(Refusal::new(RefusalCode::ServerError)));
    }
    let status = blocking(&state, move |db, key| {
        db.receive_payload(&id, offset, &received, key)
    })
    .await
    .map_err(|e| with_offset(e, held))?;
    if state.fail_after_commit() {
        return Err(injected_500());
    }
    Ok(status_response(StatusCode::OK, &status))
}

fn with_offset(error: Error, held: u64) -> ApiError {
    let offset_mismatch =
        matches!(&error, Error::Refused(r) if r.code == RefusalCode::OffsetMismatch);
    let mut api = ApiError::from(error);
    if offset_mismatch {
        api.upload_offset = Some(held);
    }
    api
}

/// A payload `PUT` for a batch already received: the same bytes get the
/// status with the receipt again; other bytes are `batch_conflict`.
async fn replayed_payload(
    state: &AppState,
    id: String,
    offset: u64,
    size: u64,
    body: Body,
) -> ApiResult {
    let limit = usize::try_from(size).unwrap_or(usize::MAX);
    let sent = axum::body::to_bytes(body, limit.saturating_add(1))
        .await
        .map_err(|_| Refusal::new(RefusalCode::BatchConflict))?;
    let (stored, status) = blocking(state, move |db, key| {
        Ok((db.stored_payload(&id)?, db.batch_status(&id, key)?))
    })
    .await?;
    let start = usize::try_from(offset).unwrap_or(usize::MAX);
    let same = stored.as_deref().is_some_and(|stored| {
        start
            .checked_add(sent.len())
            .and_then(|end| stored.get(start..end))
            .is_some_and(|part| part == sent.as_ref())
    });
    if !same {
        return Err(ApiError::from(Refusal::with_details(
            RefusalCode::BatchConflict,
            format!(
                "批次 {} 已经收齐，这次发来的数据与收到的不同",
                status.batch_id
            ),
            format!(
                "batch {} is already whole, and the data sent now differs from what was received",
                status.batch_id
            ),
        )));
    }
    Ok(status_response(StatusCode::OK, &status))
}

#[derive(Debug, Deserialize)]
struct ReviewsQuery {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
}

/// The three headers of a signed request.
fn request_signature(headers: &HeaderMap) -> std::result::Result<RequestSignature, Refusal> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| {
                Refusal::with_details(
                    RefusalCode::MalformedRequest,
                    format!("缺少签名请求头 {name}"),
                    format!("the signature header {name} is missing"),
                )
            })
    };
    Ok(RequestSignature {
        key_id: header(HEADER_KEY_ID)?,
        date: header(HEADER_DATE)?,
        signature: header(HEADER_SIGNATURE)?,
    })
}

/// A signed request about `school`'s own data, as it arrived: the
/// extractor of every `/v1/schools/{school}/…` route.
struct SignedRequest {
    school: String,
    method: Method,
    path_and_query: String,
    signature: RequestSignature,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedRequest {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> std::result::Result<SignedRequest, ApiError> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| Refusal::new(RefusalCode::MalformedRequest))?;
        let school = params
            .get("school")
            .cloned()
            .ok_or_else(|| Refusal::new(RefusalCode::MalformedRequest))?;
        Ok(SignedRequest {
            school,
            method: parts.method.clone(),
            path_and_query: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            signature: request_signature(&parts.headers)?,
        })
    }
}

impl SignedRequest {
    /// Runs `read` for the school once the request checks out
    /// ([`SignedRequest::check`]); `what` names the data as `check` does.
    async fn read<T, F>(
        self,
        state: &AppState,
        what: (&'static str, &'static str),
        read: F,
    ) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Db, &str) -> Result<T> + Send + 'static,
    {
        blocking(state, move |db, _| {
            self.check(db, what)?;
            read(db, &self.school)
        })
        .await
    }

    /// The key it names is registered, not revoked and the school's own,
    /// and its signature covers this method, path and query and a date
    /// within the window of the upstream's clock. `what` names the data
    /// for the refusal of another school's key, in Chinese and in English.
    fn check(&self, db: &Db, what: (&str, &str)) -> Result<()> {
        let Some(school_key) = db.school_key(&self.signature.key_id)? else {
            return Err(Error::refused(RefusalCode::KeyUnknown));
        };
        if school_key.revoked {
            return Err(Error::refused(RefusalCode::KeyRevoked));
        }
        if school_key.school != self.school {
            let (what, what_en) = what;
            return Err(Error::refused_with(
                RefusalCode::WrongSchool,
                format!(
                    "签名密钥登记在 {} 名下，不能读取 {} 的{what}",
                    school_key.school, self.school
                ),
                format!(
                    "the signing key is enrolled for {}, and cannot read the {what_en} of {}",
                    school_key.school, self.school
                ),
            ));
        }
        protocol::verify_request(
            &school_key.key,
            self.method.as_str(),
            &self.path_and_query,
            &self.signature,
            chrono::Utc::now(),
        )?;
        Ok(())
    }
}

async fn reviews(
    State(state): State<AppState>,
    request: SignedRequest,
    Query(query): Query<ReviewsQuery>,
) -> ApiResult {
    let limit = query.limit.unwrap_or(100).clamp(1, MAX_REVIEW_PAGE_RESULTS);
    let page = request
        .read(
            &state,
            ("审核结果", "review results"),
            move |db, school| db.reviews(school, query.after, limit),
        )
        .await?;
    Ok(json_response(StatusCode::OK, page.to_json()))
}

/// `GET /v1/schools/{school}/notices?after=N`: the county's notices
/// (督促提醒) after cursor N, signed by the school as for its reviews.
async fn notices(
    State(state): State<AppState>,
    request: SignedRequest,
    Query(query): Query<ReviewsQuery>,
) -> ApiResult {
    let limit = query
        .limit
        .unwrap_or(50)
        .clamp(1, protocol::MAX_NOTICE_PAGE_NOTICES);
    let page = request
        .read(&state, ("督促提醒", "notices"), move |db, school| {
            db.notices(school, query.after, limit)
        })
        .await?;
    Ok(json_response(StatusCode::OK, page.to_json()))
}

#[derive(Debug, Deserialize)]
struct HistoryQuery {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
}

/// `GET /v1/schools/{school}/batches?after=N`: the received batches after
/// sequence N, with their manifests and receipts.
async fn held_batches(
    State(state): State<AppState>,
    request: SignedRequest,
    Query(query): Query<HistoryQuery>,
) -> ApiResult {
    let limit = query
        .limit
        .unwrap_or(20)
        .clamp(1, protocol::MAX_BATCH_HISTORY_BATCHES);
    let history = request
        .read(
            &state,
            ("批次记录", "list of batches"),
            move |db, school| db.held_batches(school, query.after, limit),
        )
        .await?;
    Ok(json_response(StatusCode::OK, history.to_json()))
}

/// `GET /v1/schools/{school}/batches/{id}/payload`: a received batch's
/// payload, exactly as it arrived.
async fn held_payload(
    State(state): State<AppState>,
    request: SignedRequest,
    Path((_, id)): Path<(String, String)>,
) -> ApiResult {
    let payload = request
        .read(&state, ("批次数据", "batch data"), move |db, school| {
            db.held_payload(school, &id)?.ok_or_else(|| {
                Error::refused_with(
                    RefusalCode::BatchNotFound,
                    format!("本校没有已收齐的批次 {id}"),
                    format!("the school has no batch {id} received whole"),
                )
            })
        })
        .await?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/gzip")],
        payload,
    )
        .into_response())
}

async fn review_page_get(State(state): State<AppState>) -> Response {
    match blocking(&state, |db, _| db.pending_records()).await {
        Ok(records) => Html(review_page::render(&records, None)).into_response(),
        Err(e) => review_error(&e),
    }
}

#[derive(Debug, Deserialize)]
struct ReviewForm {
    batch: String,
    record: String,
    action: String,
    #[serde(default)]
    reason: String,
}

async fn review_page_post(State(state): State<AppState>, Form(form): Form<ReviewForm>) -> Response {
    let decision = match form.action.as_str() {
        "accept" => Decision::Accepted,
        "return" => Decision::Returned,
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Html(review_page::message_page("请选择「生效」或「退回」。")),
            )
                .into_response();
        }
    };
    let deliveries = if state.faults().duplicate_reviews {
        2
    } else {
        1
    };
    let reason = Some(form.reason).filter(|r| !r.trim().is_empty());
    let result = blocking(&state, move |db, _| {
        db.review(
            &form.batch,
            &form.record,
            decision,
            reason.as_deref(),
            deliveries,
        )
    })
    .await;
    match result {
        Ok(_) => Redirect::to("/review").into_response(),
        Err(e) => review_error(&e),
    }
}

fn review_error(error: &Error) -> Response {
    let status = match error {
        Error::Database(_) | Error::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    (status, Html(review_page::message_page(&error.to_string()))).into_response()
}

async fn get_faults(State(state): State<AppState>) -> Response {
    let faults = state.faults().clone();
    json_response(
        StatusCode::OK,
        serde_json::to_vec(&faults).unwrap_or_default(),
    )
}

async fn put_faults(State(state): State<AppState>, body: Bytes) -> ApiResult {
    let faults: Faults = serde_json::from_slice(&body).map_err(|e| {
        Refusal::with_details(
            RefusalCode::MalformedRequest,
            format!("故障设置有误：{e}"),
            format!("the fault settings are wrong: {e}"),
        )
    })?;
    *state.faults() = faults.clone();
    Ok(json_response(
        StatusCode::OK,
        serde_json::to_vec(&faults).unwrap_or_default(),
    ))
}

/// How a server runs beyond its database and address: its limits, and its
/// own HTTPS when given a certificate.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    pub limits: Limits,
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    pub tls: Option<TlsFiles>,
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    https: bool,
    db: Arc<Db>,
    faults: Arc<Mutex<Faults>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Binds `listen` (port 0 picks a free port), makes the receipt key on
    /// first start, and serves until [`Server::stop`] (or the process ends).
    pub async fn start(db: Db, listen: SocketAddr, admin: bool, faults: Faults) -> Result<Server> {
        Server::start_with(db, listen, admin, faults, ServeOptions::default()).await
    }

    /// [`Server::start`] with its limits and TLS given.
    pub async fn start_with(
        db: Db,
        listen: SocketAddr,
        admin: bool,
        faults: Faults,
        options: ServeOptions,
    ) -> Result<Server> {
        let db = Arc::new(db);
        let rate_limits = Arc::new(RateLimits::new(&options.limits)?.with_db(db.clone()));
        let tls = options.tls.as_ref().map(Tls::load).transpose()?;
        let https = tls.is_some();
        let key_db = db.clone();
        let key = tokio::task::spawn_blocking(move || key_db.server_key())
            .await
            .map_err(|e| Error::Io(std::io::Error::other(e)))??;
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| Error::Bind {
                addr: listen,
                source,
            })?;
        let addr = listener.local_addr()?;
        let faults = Arc::new(Mutex::new(faults));
        let state = AppState {
            db: db.clone(),
            key: Arc::new(key),
            faults: faults.clone(),
        };
        let app = router(state, admin, rate_limits);
        let (shutdown, stop) = oneshot::channel();
        let connections = Connections {
            tls,
            header_timeout: options.limits.header_timeout,
        };
        let task = tokio::spawn(accept_loop(listener, app, connections, stop));
        Ok(Server {
            addr,
            https,
            db,
            faults,
            shutdown: Some(shutdown),
            task,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, or `https://ADDR` when it serves TLS.
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Its database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Replaces the faults to inject.
    pub fn set_faults(&self, faults: Faults) {
        *self.faults.lock().unwrap_or_else(PoisonError::into_inner) = faults;
    }

    /// The faults now set (counters as left by the requests so far).
    pub fn faults(&self) -> Faults {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Serves until the accept loop ends (Ctrl-C ends the process).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// How each accepted connection is served: TLS first when configured, and
/// the time its request headers may take.
#[derive(Debug, Clone)]
struct Connections {
    tls: Option<Tls>,
    header_timeout: Duration,
}

/// One task per connection. Each request carries its connection's
/// [`ConnectionKill`] and the client's address ([`PeerAddr`], for the rate
/// limits); notifying the kill drops the connection (no answer, the socket
/// closed) as a broken link would.
async fn accept_loop(
    listener: TcpListener,
    app: Router,
    connections: Connections,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => return,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("taoli-upstream: 接受连接失败：{e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        let connections = connections.clone();
        tokio::spawn(async move {
            match &connections.tls {
                Some(tls) => {
                    // A failed handshake (plain HTTP, an untrusted
                    // certificate) just closes the connection.
                    if let Some(stream) = tls.accept(stream).await {
                        serve_connection(stream, peer, true, app, connections.header_timeout).await;
                    }
                }
                None => {
                    serve_connection(stream, peer, false, app, connections.header_timeout).await
                }
            }
        });
    }
}

/// Serves one connection's requests until it closes or a handler kills it.
async fn serve_connection<S>(
    stream: S,
    peer: SocketAddr,
    tls: bool,
    app: Router,
    header_timeout: Duration,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let conn_kill = ConnectionKill(kill.clone());
    let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
        let mut request = request.map(Body::new);
        request
            .extensions_mut()
            .insert(axum::Extension(conn_kill.clone()).0);
        request.extensions_mut().insert(PeerAddr(peer));
        request.extensions_mut().insert(crate::console::Peer(peer));
        if tls {
            request.extensions_mut().insert(crate::console::OverTls);
        }
        let app = app.clone();
        async move { Ok::<_, Infallible>(app.oneshot(request).await.into_response()) }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = kill.notified() => {}
    }
}
