//! The control API under `{root}/_facesim`: the virtual clock and resets.

use crate::body::{media_type, read_limited};
use crate::ids::rfc3339_nanos;
use crate::state::App;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The path prefix of the control API.
pub const PREFIX: &str = "/_facesim";

/// Largest clock step accepted in one call (ten years).
const MAX_ADVANCE_SECONDS: f64 = 10.0 * 365.0 * 86400.0;

/// The routes under `{root}/_facesim`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/reset", post(reset))
        .fallback(|uri: Uri| async move {
            ControlError::new(
                StatusCode::NOT_FOUND,
                format!("No control endpoint at {}", uri.path()),
            )
        })
        .method_not_allowed_fallback(|method: axum::http::Method, uri: Uri| async move {
            ControlError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("Method {method} is not allowed on {}", uri.path()),
            )
        })
}

/// A control-API error: `{"error": <status name>, "message": …}`.
#[derive(Debug)]
pub struct ControlError {
    status: StatusCode,
    message: String,
}

impl ControlError {
    fn new(status: StatusCode, message: impl Into<String>) -> ControlError {
        ControlError {
            status,
            message: message.into(),
        }
    }
}

/// The body of a control-API error.
#[derive(Debug, Serialize)]
pub struct ControlErrorBody {
    /// Snake-case status name, e.g. `bad_request`.
    pub error: String,
    /// What is wrong.
    pub message: String,
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let error = self
            .status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase()
            .replace([' ', '-'], "_");
        (
            self.status,
            Json(ControlErrorBody {
                error,
                message: self.message,
            }),
        )
            .into_response()
    }
}

/// The clock as the control API reports it.
#[derive(Debug, Serialize)]
pub struct ClockBody {
    /// Current virtual time, RFC 3339.
    pub now: String,
    /// Seconds the virtual clock runs ahead of real time.
    pub offset_seconds: f64,
}

fn clock_body(app: &App) -> ClockBody {
    ClockBody {
        now: rfc3339_nanos(app.clock.now()),
        offset_seconds: app.clock.offset().num_milliseconds() as f64 / 1000.0,
    }
}

async fn clock(State(app): State<Arc<App>>) -> Json<ClockBody> {
    Json(clock_body(&app))
}

/// Body of `POST /clock/advance`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: f64,
}

async fn advance(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ClockBody>, ControlError> {
    if media_type(&headers).is_some_and(|t| t != "application/json") {
        return Err(ControlError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    let bytes = read_limited(&headers, body, 64 * 1024, app.body_timeout())
        .await
        .map_err(|e| {
            ControlError::new(
                StatusCode::BAD_REQUEST,
                format!("the body could not be read: {e:?}"),
            )
        })?;
    let request: Advance = serde_json::from_slice(&bytes).map_err(|e| {
        ControlError::new(
            StatusCode::BAD_REQUEST,
            format!("expected {{\"seconds\": <number>}}: {e}"),
        )
    })?;
    if !(request.seconds.is_finite() && (0.0..=MAX_ADVANCE_SECONDS).contains(&request.seconds)) {
        return Err(ControlError::new(
            StatusCode::BAD_REQUEST,
            format!("seconds must be a number from 0 to {MAX_ADVANCE_SECONDS}; the clock only moves forward"),
        ));
    }
    app.clock.advance(chrono::Duration::milliseconds(
        (request.seconds * 1000.0).round() as i64,
    ));
    Ok(Json(clock_body(&app)))
}

/// Body of `POST /reset`.
#[derive(Debug, Serialize)]
pub struct ResetBody {
    /// Always true.
    pub reset: bool,
    /// The clock after the reset.
    pub clock: ClockBody,
}

async fn reset(State(app): State<Arc<App>>) -> Json<ResetBody> {
    app.reset();
    Json(ResetBody {
        reset: true,
        clock: clock_body(&app),
    })
}
