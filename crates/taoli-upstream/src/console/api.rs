//! The console's JSON API. Every handler but the sign-in takes the
//! signed-in officer ([`SignedIn`], which also checks CSRF on a change);
//! what each may do is the store's to check.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use taoli_protocol::Decision;

use super::bodies::{
    CodeForm, Count, DecideForm, IssuedCode, LoginForm, NewOfficer, NewSchool, NoticeForm,
    PasswordForm, SendBackForm, SessionBody,
};
use super::{ConsoleResult, OverTls, Peer, SignedIn, address, session_cookie};
use crate::db::progress::Period;
use crate::error::Error;
use crate::officer::Role;
use crate::server::{AppState, blocking};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/api/login", post(login))
        .route("/console/api/logout", post(logout))
        .route("/console/api/session", get(session))
        .route("/console/api/schools", get(schools).post(register_school))
        .route(
            "/console/api/schools/{code}/codes",
            post(issue_code).delete(revoke_codes),
        )
        .route("/console/api/schools/{code}/revoke-key", post(revoke_key))
        .route("/console/api/progress", get(progress))
        .route("/console/api/progress.xlsx", get(progress_xlsx))
        .route("/console/api/queue", get(queue))
        .route("/console/api/queue/decide", post(decide))
        .route("/console/api/queue/send-back", post(send_back))
        .route("/console/api/officers", get(officers).post(add_officer))
        .route(
            "/console/api/officers/{username}/password",
            post(reset_password),
        )
        .route("/console/api/audit", get(audit))
        .route("/console/api/notices", post(send_notices))
        .route("/console/api/teachers", get(teachers))
        .route("/console/api/stats", get(stats))
        .route("/console/api/stats.xlsx", get(stats_xlsx))
}

async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<Peer>>,
    tls: Option<Extension<OverTls>>,
    headers: HeaderMap,
    Json(form): Json<LoginForm>,
) -> ConsoleResult<Response> {
    let addr = address(&headers, peer.map(|p| p.0));
    let (officer, secrets) = blocking(&state, move |db, _| {
        db.sign_in(&form.username, &form.password, &addr)
    })
    .await?;
    let body = SessionBody {
        role_label: officer.role.label().to_owned(),
        officer,
        csrf: secrets.csrf,
    };
    let mut response = Json(body).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&secrets.token, &headers, tls.is_some()),
    );
    Ok(response)
}

async fn logout(
    State(state): State<AppState>,
    me: SignedIn,
    tls: Option<Extension<OverTls>>,
    headers: HeaderMap,
) -> ConsoleResult<Response> {
    blocking(&state, move |db, _| db.sign_out(&me.token, &me.actor)).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie("", &headers, tls.is_some()),
    );
    Ok(response)
}

async fn session(me: SignedIn) -> ConsoleResult<Json<SessionBody>> {
    Ok(Json(SessionBody {
        role_label: me.officer.role.label().to_owned(),
        officer: me.officer,
        csrf: me.csrf,
    }))
}

async fn schools(State(state): State<AppState>, me: SignedIn) -> ConsoleResult<Response> {
    let list = me.run(&state, |db, me| db.schools(me)).await?;
    Ok(Json(list).into_response())
}

async fn register_school(
    State(state): State<AppState>,
    me: SignedIn,
    Json(form): Json<NewSchool>,
) -> ConsoleResult<Response> {
    me.run(&state, move |db, me| {
        db.register_school(me, form.code.trim(), &form.name, form.county.trim())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn issue_code(
    State(state): State<AppState>,
    me: SignedIn,
    Path(school): Path<String>,
    Json(form): Json<CodeForm>,
) -> ConsoleResult<Response> {
    let days = form.valid_days;
    let code = me
        .run(&state, move |db, me| db.issue_code_as(me, &school, days))
        .await?;
    Ok(Json(IssuedCode {
        code,
        valid_days: days,
    })
    .into_response())
}

async fn revoke_codes(
    State(state): State<AppState>,
    me: SignedIn,
    Path(school): Path<String>,
) -> ConsoleResult<Response> {
    let count = me
        .run(&state, move |db, me| db.revoke_codes(me, &school))
        .await?;
    Ok(Json(Count { count }).into_response())
}

async fn revoke_key(
    State(state): State<AppState>,
    me: SignedIn,
    Path(school): Path<String>,
) -> ConsoleResult<Response> {
    let count = me
        .run(&state, move |db, me| db.revoke_school_key(me, &school))
        .await?;
    Ok(Json(Count { count }).into_response())
}

#[derive(Deserialize)]
pub(super) struct PeriodQuery {
    /// The deadline, `YYYY-MM-DD`; the national one ahead when absent.
    deadline: Option<String>,
    /// Days after the deadline still on time.
    #[serde(default)]
    grace: u32,
}

impl PeriodQuery {
    pub(super) fn period(&self) -> crate::Result<Period> {
        match self.deadline.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map(|d| Period::ending(d, self.grace.min(366)))
                .map_err(|_| {
                    Error::BadRequest(format!("截止日期「{text}」应写成 2027-03-31 这样"))
                }),
            None => Ok(Period::current(china_today(), self.grace.min(366))),
        }
    }
}

async fn progress(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<PeriodQuery>,
) -> ConsoleResult<Response> {
    let period = query.period()?;
    let progress = me
        .run(&state, move |db, me| db.progress(me, period))
        .await?;
    Ok(Json(progress).into_response())
}

async fn progress_xlsx(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<PeriodQuery>,
) -> ConsoleResult<Response> {
    let period = query.period()?;
    let bytes = me
        .run(&state, move |db, me| {
            let progress = db.progress(me, period)?;
            let bytes = super::export::progress_workbook(&progress)?;
            db.record_action(
                me,
                "导出进度表",
                &progress.total.name,
                &format!("截止 {}", period.deadline),
            )?;
            Ok(bytes)
        })
        .await?;
    Ok(workbook(
        bytes,
        &format!("报送进度-{}.xlsx", period.deadline),
    ))
}

/// A workbook to download, named in Chinese.
fn workbook(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"export.xlsx\"; filename*=UTF-8''{}",
                    percent_encode(name)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// China's date today.
fn china_today() -> NaiveDate {
    Utc::now()
        .checked_add_signed(chrono::Duration::hours(8))
        .unwrap_or_else(Utc::now)
        .date_naive()
}

async fn send_notices(
    State(state): State<AppState>,
    me: SignedIn,
    Json(form): Json<NoticeForm>,
) -> ConsoleResult<Response> {
    let count = me
        .run(&state, move |db, me| {
            db.send_notices(me, &form.schools, &form.message)
        })
        .await?;
    Ok(Json(Count { count }).into_response())
}

#[derive(Deserialize)]
struct TeacherQuery {
    #[serde(default)]
    q: String,
    school: Option<String>,
    #[serde(default = "first_page")]
    page: u64,
    #[serde(default = "default_page_size")]
    size: u64,
}

async fn teachers(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<TeacherQuery>,
) -> ConsoleResult<Response> {
    let page = me
        .run(&state, move |db, me| {
            db.find_teachers(
                me,
                &query.q,
                query.school.as_deref().filter(|s| !s.is_empty()),
                query.page,
                query.size,
            )
        })
        .await?;
    Ok(Json(page).into_response())
}

#[derive(Deserialize)]
struct StatsQuery {
    school: Option<String>,
}

async fn stats(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<StatsQuery>,
) -> ConsoleResult<Response> {
    let stats = me
        .run(&state, move |db, me| {
            db.teacher_stats(
                me,
                query.school.as_deref().filter(|s| !s.is_empty()),
                china_today(),
            )
        })
        .await?;
    Ok(Json(stats).into_response())
}

async fn stats_xlsx(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<StatsQuery>,
) -> ConsoleResult<Response> {
    let bytes = me
        .run(&state, move |db, me| {
            let school = query.school.as_deref().filter(|s| !s.is_empty());
            let stats = db.teacher_stats(me, school, china_today())?;
            let bytes = super::export::stats_workbook(&stats)?;
            db.record_action(me, "导出统计表", school.unwrap_or("全部"), "")?;
            Ok(bytes)
        })
        .await?;
    Ok(workbook(bytes, &format!("教师统计-{}.xlsx", china_today())))
}

/// RFC 5987's percent-encoding of a file name.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[derive(Deserialize)]
struct QueueQuery {
    school: Option<String>,
    #[serde(default = "first_page")]
    page: u64,
    #[serde(default = "default_page_size")]
    size: u64,
}

fn first_page() -> u64 {
    1
}

fn default_page_size() -> u64 {
    20
}

async fn queue(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<QueueQuery>,
) -> ConsoleResult<Response> {
    let page = me
        .run(&state, move |db, me| {
            db.review_queue(
                me,
                query.school.as_deref().filter(|s| !s.is_empty()),
                query.page,
                query.size,
            )
        })
        .await?;
    Ok(Json(page).into_response())
}

async fn decide(
    State(state): State<AppState>,
    me: SignedIn,
    Json(form): Json<DecideForm>,
) -> ConsoleResult<Response> {
    let decision = match form.decision.as_str() {
        "accepted" => Decision::Accepted,
        "returned" => Decision::Returned,
        other => {
            return Err(Error::BadRequest(format!(
                "审核结论「{other}」应为 accepted（生效）或 returned（退回）"
            ))
            .into());
        }
    };
    if form.items.is_empty() || form.items.len() > 500 {
        return Err(Error::BadRequest("一次审核 1–500 条记录".into()).into());
    }
    let decided = me
        .run(&state, move |db, me| {
            db.decide(me, &form.items, decision, form.reason.as_deref())
        })
        .await?;
    Ok(Json(decided).into_response())
}

async fn send_back(
    State(state): State<AppState>,
    me: SignedIn,
    Json(form): Json<SendBackForm>,
) -> ConsoleResult<Response> {
    if form.items.is_empty() || form.items.len() > 500 {
        return Err(Error::BadRequest("一次退回 1–500 条记录".into()).into());
    }
    let done = me
        .run(&state, move |db, me| {
            db.send_back(me, &form.items, &form.reason)
        })
        .await?;
    Ok(Json(done).into_response())
}

async fn officers(State(state): State<AppState>, me: SignedIn) -> ConsoleResult<Response> {
    let list = me.run(&state, |db, me| db.officers(me)).await?;
    Ok(Json(list).into_response())
}

async fn add_officer(
    State(state): State<AppState>,
    me: SignedIn,
    Json(form): Json<NewOfficer>,
) -> ConsoleResult<Response> {
    let role = Role::parse(&form.role).ok_or_else(|| {
        Error::BadRequest(format!(
            "角色「{}」应为系统管理员、信息管理员或信息查询员",
            form.role
        ))
    })?;
    me.run(&state, move |db, me| {
        db.add_officer(
            me,
            &form.username,
            &form.display_name,
            form.org.trim(),
            role,
            &form.password,
        )
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn reset_password(
    State(state): State<AppState>,
    me: SignedIn,
    Path(username): Path<String>,
    Json(form): Json<PasswordForm>,
) -> ConsoleResult<Response> {
    me.run(&state, move |db, me| {
        db.reset_password(me, &username, &form.password)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
}

async fn audit(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<AuditQuery>,
) -> ConsoleResult<Response> {
    let lines = me
        .run(&state, move |db, me| db.audit_log(me, query.before, 100))
        .await?;
    Ok(Json(lines).into_response())
}
