//! Applying the rules to requests under the vendor prefixes: canned answers, waits, dropped
//! connections, malformed bodies and clock steps.

use super::file::{Api, Delay, Respond, Then};
use super::outcome::ForcedOutcome;
use super::rules::{json_fields, Facts};
use crate::body::{media_type, read_limited};
use crate::state::App;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;

/// Marks an answer whose connection the server closes without sending it.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// Largest vendor answer a `malformed_body` rule cuts.
const MAX_CUT_BODY: usize = 32 * 1024 * 1024;

/// The middleware: tries the rules on every request under a vendor prefix.
pub async fn apply_rules(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let Some((api, rest)) = Api::of(request.uri().path()) else {
        return next.run(request).await;
    };
    let (reads_fields, empty) = {
        let rules = app.rules.lock();
        (rules.reads_fields(), rules.is_empty())
    };
    if empty {
        return next.run(request).await;
    }
    let mut facts = Facts {
        api: Some(api),
        method: request.method().as_str().to_ascii_uppercase(),
        path: rest.to_string(),
        fields: request
            .uri()
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default(),
        namespace: app.tenant().name.clone(),
    };
    let request = if reads_fields {
        read_fields(&app, request, &mut facts).await
    } else {
        request
    };
    let decided = app
        .rules
        .lock()
        .decide(&facts, || rand::thread_rng().gen::<f64>());
    let Some((id, then)) = decided else {
        return next.run(request).await;
    };
    tracing::info!(rule = %id, method = %facts.method, path = %request.uri().path(), "scenario rule applies");
    act(&app, then, request, next).await
}

/// Reads the fields of a JSON or form body of a known, acceptable length into `facts`, and
/// gives the request its body back.
async fn read_fields(app: &App, request: Request, facts: &mut Facts) -> Request {
    let kind = media_type(request.headers());
    let json = kind
        .as_deref()
        .is_some_and(|t| t == "application/json" || t.ends_with("+json"));
    let form = kind.as_deref() == Some("application/x-www-form-urlencoded");
    let limit = app
        .config
        .trustmatic
        .max_body_bytes
        .max(app.config.server.max_form_body_bytes);
    let length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let readable = (json || form) && length.is_some_and(|n| n <= limit);
    if !readable {
        return request;
    }
    let (parts, body) = request.into_parts();
    let bytes = match read_limited(&parts.headers, body, limit, app.body_timeout()).await {
        Ok(bytes) => bytes,
        // The vendor adapter reports the broken body as it always does.
        Err(_) => return Request::from_parts(parts, Body::empty()),
    };
    if json {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            json_fields(&value, "", &mut facts.fields);
        }
    } else {
        facts
            .fields
            .extend(form_urlencoded::parse(&bytes).into_owned());
    }
    Request::from_parts(parts, Body::from(bytes))
}

/// Carries out `then` for `request`.
async fn act(app: &App, then: Then, mut request: Request, next: Next) -> Response {
    if let Some(seconds) = then.advance_clock_seconds {
        app.clock()
            .advance(chrono::Duration::milliseconds((seconds.0 * 1000.0) as i64));
    }
    if let Some(delay) = then.delay {
        tokio::time::sleep(wait(delay)).await;
    }
    if let Some(respond) = then.respond {
        return canned(respond);
    }
    if then.drop_connection {
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response.extensions_mut().insert(DropConnection);
        return response;
    }
    if let Some(name) = then.outcome {
        request.extensions_mut().insert(ForcedOutcome(name));
    }
    let response = next.run(request).await;
    if then.malformed_body {
        return cut(response).await;
    }
    response
}

/// How long `delay` waits this time.
fn wait(delay: Delay) -> Duration {
    let ms = match delay.max_ms {
        Some(max) if max.0 > delay.ms.0 => rand::thread_rng().gen_range(delay.ms.0..=max.0),
        _ => delay.ms.0,
    };
    Duration::from_millis(ms)
}

/// The canned answer of a rule.
fn canned(respond: Respond) -> Response {
    let status =
        StatusCode::from_u16(respond.status.0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match respond.body {
        None => status.into_response(),
        Some(serde_json::Value::String(text)) => (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text,
        )
            .into_response(),
        Some(value) => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            value.to_string(),
        )
            .into_response(),
    };
    for (name, value) in respond.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// The vendor's answer with the second half of its body cut off.
async fn cut(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_CUT_BODY).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}
