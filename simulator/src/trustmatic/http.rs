//! The HTTP adapter: Basic authentication, content type, body limits and status codes around
//! the check; picture fields are decoded (and URLs fetched) here, analysed off the async
//! workers, and judged by [`super::check`].

use super::auth;
use super::check::{self, Picture, Verdict};
use super::error::Refusal;
use super::model::{ErrorCode, Operation};
use super::picture::{self, Source};
use super::request::{self, Request};
use super::views::verdict_body;
use crate::body::{media_type, read_limited};
use crate::media::AnalysisError;
use crate::scenario::outcome::ForcedOutcome;
use crate::state::App;
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The response header that says in words why an in-band error was answered.
pub const DETAIL_HEADER: &str = "facesim-detail";

/// Longest `Facesim-Detail` value, in characters.
const MAX_DETAIL_CHARS: usize = 400;

/// The routes under `{root}/trustmatic`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route(
            Operation::FaceVerify.path(),
            post(
                |s: State<Arc<App>>, f: Option<Extension<ForcedOutcome>>, h: HeaderMap, b: Body| {
                    call(Operation::FaceVerify, s, f, h, b)
                },
            ),
        )
        .route(
            Operation::FaceLiveness.path(),
            post(
                |s: State<Arc<App>>, f: Option<Extension<ForcedOutcome>>, h: HeaderMap, b: Body| {
                    call(Operation::FaceLiveness, s, f, h, b)
                },
            ),
        )
        .route(
            Operation::DocumentLiveness.path(),
            post(
                |s: State<Arc<App>>, f: Option<Extension<ForcedOutcome>>, h: HeaderMap, b: Body| {
                    call(Operation::DocumentLiveness, s, f, h, b)
                },
            ),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
}

/// The answer for a path under the prefix that names no endpoint (after authentication).
pub async fn unknown_path(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Refusal {
    match authenticate(&app, &headers) {
        Err(refusal) => refusal,
        Ok(()) => Refusal::not_found(uri.path()),
    }
}

async fn wrong_method(State(app): State<Arc<App>>, headers: HeaderMap, method: Method) -> Refusal {
    match authenticate(&app, &headers) {
        Err(refusal) => refusal,
        Ok(()) => Refusal::method_not_allowed(method.as_str()),
    }
}

fn authenticate(app: &App, headers: &HeaderMap) -> Result<(), Refusal> {
    let header = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
    if auth::authorized(header, &app.config.trustmatic.users) {
        Ok(())
    } else {
        Err(Refusal::unauthorized())
    }
}

async fn call(
    operation: Operation,
    State(app): State<Arc<App>>,
    forced: Option<Extension<ForcedOutcome>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // A scenario rule's outcome applies when it is one of this operation's codes.
    let forced = forced
        .and_then(|Extension(f)| ErrorCode::parse(&f.0))
        .filter(|code| operation.errors().contains(code));
    match answer(operation, &app, forced, &headers, body).await {
        Ok(response) => response,
        Err(refusal) => refusal.into_response(),
    }
}

async fn answer(
    operation: Operation,
    app: &Arc<App>,
    forced: Option<ErrorCode>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    authenticate(app, headers)?;
    if !media_type(headers).is_some_and(|t| is_json(&t)) {
        let declared = headers
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        return Err(Refusal::unsupported_media_type(declared.as_deref()));
    }
    let limit = app.config.trustmatic.max_body_bytes;
    let bytes = read_limited(headers, body, limit, app.body_timeout())
        .await
        .map_err(Refusal::body)?;
    let request = request::parse(operation, &bytes)
        .map_err(|invalid| Refusal::invalid(invalid.message, invalid.session_id))?;
    let armed = match forced {
        Some(code) => Some(Verdict::Failed {
            code,
            detail: "forced by a scenario rule".into(),
        }),
        None => app
            .tenant()
            .trustmatic
            .lock()
            .take(operation, request.session_id.as_deref()),
    };
    let verdict = match armed {
        Some(verdict) => verdict,
        None => judge(operation, app, &request).await,
    };
    Ok(respond(operation, request.session_id, &verdict))
}

/// `application/json` or any `…+json`.
fn is_json(media_type: &str) -> bool {
    media_type == "application/json"
        || media_type.starts_with("application/") && media_type.ends_with("+json")
}

/// Loads every picture, analyses them off the async workers and judges them.
async fn judge(operation: Operation, app: &Arc<App>, request: &Request) -> Verdict {
    let urls = operation != Operation::FaceVerify;
    let mut loaded = Vec::with_capacity(request.pictures.len());
    for field in &request.pictures {
        let bytes = match &field.text {
            None => None,
            Some(text) => Some(load(app, field.name, text, urls).await),
        };
        loaded.push((field.name, bytes));
    }
    let app = app.clone();
    let judged = tokio::task::spawn_blocking(move || {
        // Every loaded picture at once (the model matcher analyses a pair concurrently).
        let uploads: Vec<&[u8]> = loaded
            .iter()
            .filter_map(|(_, bytes)| bytes.as_ref()?.as_deref().ok())
            .collect();
        let mut analyses = app.matcher.analyze_all(&uploads, false).into_iter();
        let mut pictures: Vec<(&'static str, Option<Picture>)> = Vec::new();
        for (name, bytes) in loaded {
            let picture = match bytes {
                None => None,
                Some(Err(why)) => Some(Err(why)),
                Some(Ok(_)) => match analyses.next().expect("one analysis per upload") {
                    Err(AnalysisError::Failed { detail }) => return matcher_failed(&detail),
                    analysed => Some(analysed.map_err(|e| format!("{name}: {e}"))),
                },
            };
            pictures.push((name, picture));
        }
        check::judge(
            operation,
            pictures,
            app.matcher.as_ref(),
            app.config.trustmatic.match_similarity,
        )
    })
    .await;
    judged.unwrap_or_else(|_| matcher_failed("the check of the pictures panicked"))
}

/// `INTERNAL_ERROR` for a matcher that failed (logged).
fn matcher_failed(detail: &str) -> Verdict {
    tracing::error!(%detail, "the face matcher failed");
    Verdict::Failed {
        code: ErrorCode::InternalError,
        detail: format!("the face matcher failed inside facesim: {detail}"),
    }
}

/// The bytes of one picture field, or why there are none.
async fn load(app: &App, name: &str, text: &str, urls: bool) -> Result<Vec<u8>, String> {
    match picture::read(name, text, urls)? {
        Source::Bytes(bytes) => Ok(bytes),
        Source::Url(url) => fetch(app, &url)
            .await
            .map_err(|why| format!("{name}: {url} {why}")),
    }
}

/// Downloads a picture within the media size limit and the configured time.
async fn fetch(app: &App, url: &str) -> Result<Vec<u8>, String> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    let client = CLIENT.get_or_init(reqwest::Client::new);
    let limit = app.config.server.max_media_body_bytes;
    let timeout = Duration::from_millis(app.config.trustmatic.image_url_timeout_ms);
    let mut response = client
        .get(url)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| format!("could not be fetched: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("answered {}", response.status()));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("could not be read: {e}"))?
    {
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Err(format!(
                "is larger than {}",
                crate::body::describe_size(limit)
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The 200 answer of a verdict, with `Facesim-Detail` on errors.
fn respond(operation: Operation, session_id: Option<String>, verdict: &Verdict) -> Response {
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        verdict_body(session_id, verdict),
    )
        .into_response();
    if let Verdict::Failed { code, detail } = verdict {
        tracing::info!(%operation, %code, detail, "in-band error");
        response
            .headers_mut()
            .insert(DETAIL_HEADER, detail_value(detail));
        return crate::journal::VendorErrorCode::attach(response, code.to_string());
    }
    response
}

/// `detail` as a header value: printable ASCII, at most [`MAX_DETAIL_CHARS`] characters.
fn detail_value(detail: &str) -> HeaderValue {
    let text: String = detail
        .chars()
        .take(MAX_DETAIL_CHARS)
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect();
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("see the log"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/json"));
        assert!(!is_json("application/x-www-form-urlencoded"));
    }

    #[test]
    fn details_become_printable_header_values() {
        let value = detail_value("caf\u{e9}\nbar");
        assert_eq!(value.to_str().unwrap(), "caf??bar");
        assert_eq!(detail_value(&"x".repeat(1000)).len(), MAX_DETAIL_CHARS);
    }
}
