//! The console app's files, embedded at build time (`build.rs`), under
//! `/console/`. Any path that is not a file is the app's own route and
//! gets `index.html`.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use include_dir::{Dir, include_dir};

use crate::server::AppState;

static DIST: Dir<'_> = include_dir!("$TAOLI_CONSOLE_DIST");

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/console/") }))
        .route("/console", get(|| async { Redirect::to("/console/") }))
        .route("/console/", get(|| async { file("index.html") }))
        .route(
            "/console/{*path}",
            get(|Path(path): Path<String>| async move { file(&path) }),
        )
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

fn file(path: &str) -> Response {
    if path.starts_with("api/") {
        // An API path no route has: say so, never the app's page.
        return super::ConsoleError::from(crate::error::Error::BadRequest(format!(
            "控制台没有这个接口：/console/{path}"
        )))
        .into_response();
    }
    let (path, found) = match DIST.get_file(path) {
        Some(found) => (path, found),
        None if path.starts_with("assets/") => return StatusCode::NOT_FOUND.into_response(),
        None => match DIST.get_file("index.html") {
            Some(index) => ("index.html", index),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let cache = if path.starts_with("assets/") {
        // Vite names them by their hash.
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type(path)),
            (header::CACHE_CONTROL, cache),
        ],
        found.contents(),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}
