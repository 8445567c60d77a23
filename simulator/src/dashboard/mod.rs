//! A small web page over the control API at `{root}/_facesim/`: live state, the request
//! journal, the catalogue and the clock, with forms for the usual control actions. Plain HTML,
//! a style sheet and a script, all embedded; the script only calls the control API.

use crate::control::ControlError;
use crate::state::App;
use axum::extract::OriginalUri;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use std::sync::Arc;

const HTML: &str = include_str!("page.html");
const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// The page's own path: a nested router's `/` route only matches the prefix without its slash.
pub const PATH: &str = "/_facesim/";

/// Where the page's style sheet and script are served, below the control prefix.
pub const ASSETS: &str = "/dashboard";

/// Only the page's own origin: its style sheet, its script and the control API.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

/// The page and its assets, merged into the control router; [`PATH`] is routed by the server.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(page))
        .route(&format!("{ASSETS}/page.css"), get(css))
        .route(&format!("{ASSETS}/page.js"), get(js))
}

/// The route of [`PATH`]: the page, and the control API's 405 for other methods.
pub fn page_route() -> MethodRouter<Arc<App>> {
    get(page).fallback(|method: Method, OriginalUri(uri): OriginalUri| async move {
        ControlError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("Method {method} is not allowed on {}", uri.path()),
        )
    })
}

/// An embedded file with its content type and the page's headers.
fn asset(content_type: &'static str, text: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    (headers, text).into_response()
}

/// The page. Its links are relative, so it must be read at `…/_facesim/`: without the slash
/// the browser is sent there first.
async fn page(OriginalUri(uri): OriginalUri) -> Response {
    let path = uri.path();
    if !path.ends_with('/') {
        let last = path.rsplit('/').next().unwrap_or_default();
        let location = match uri.query() {
            Some(query) => format!("{last}/?{query}"),
            None => format!("{last}/"),
        };
        return match HeaderValue::from_str(&location) {
            Ok(location) => (
                StatusCode::PERMANENT_REDIRECT,
                [(header::LOCATION, location)],
            )
                .into_response(),
            Err(_) => StatusCode::NOT_FOUND.into_response(),
        };
    }
    asset("text/html; charset=utf-8", HTML)
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}
