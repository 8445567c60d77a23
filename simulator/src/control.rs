//! The control API under `{root}/_facesim`: the virtual clock, resets and the OpenAPI documents.

use crate::body::{media_type, read_limited};
use crate::ids::rfc3339_nanos;
use crate::query_params::{bad_request, QueryParams};
use crate::state::App;
use crate::vendors::SimulatedVendor;
use axum::body::Body;
use axum::extract::{OriginalUri, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The path prefix of the control API.
pub const PREFIX: &str = "/_facesim";

/// Largest total offset of the virtual clock (a hundred years).
const MAX_OFFSET_SECONDS: f64 = 100.0 * 365.0 * 86400.0;

/// Largest clock step accepted in one call (ten years).
const MAX_ADVANCE_SECONDS: f64 = 10.0 * 365.0 * 86400.0;

/// The routes under `{root}/_facesim`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .merge(crate::dashboard::router())
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/clock/set", post(set_clock))
        .route("/reset", post(reset))
        .merge(crate::inspect::router())
        .merge(crate::catalogue::router())
        .route("/openapi/{document}", get(openapi))
        .merge(crate::webhooks::routes::router())
        .merge(crate::journal::router())
        .merge(crate::namespace::routes::router())
        .nest("/truora", crate::truora::armed_routes::router())
        .nest("/checkout", crate::checkout::control::router())
        .nest("/trustmatic", crate::trustmatic::control::router())
        .nest("/scenarios", crate::scenario::routes::router())
        .fallback(|OriginalUri(uri): OriginalUri| async move { not_found(&uri) })
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

/// The control-API answer for an unreadable body.
pub(crate) fn body_error(error: crate::body::BodyError) -> ControlError {
    match error {
        crate::body::BodyError::TooLarge { limit } => ControlError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is larger than the maximum of {}",
                crate::body::describe_size(limit)
            ),
        ),
        crate::body::BodyError::Timeout => ControlError::new(
            StatusCode::REQUEST_TIMEOUT,
            "the body was not received in time",
        ),
        crate::body::BodyError::Broken(why) => ControlError::new(
            StatusCode::BAD_REQUEST,
            format!("the body could not be read: {why}"),
        ),
    }
}

/// Reads a control request's JSON object body of at most `limit` bytes.
pub(crate) async fn read_json(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    limit: u64,
) -> Result<Map<String, Value>, ControlError> {
    if media_type(headers).is_some_and(|t| t != "application/json") {
        return Err(ControlError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    let bytes = read_limited(headers, body, limit, app.body_timeout())
        .await
        .map_err(body_error)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ControlError::new(
            StatusCode::BAD_REQUEST,
            "the body is not a JSON object",
        )),
    }
}

/// The control-API answer for a path that names no endpoint.
pub fn not_found(uri: &Uri) -> ControlError {
    ControlError::new(
        StatusCode::NOT_FOUND,
        format!("No control endpoint at {}", uri.path()),
    )
}

impl ControlError {
    /// An error with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ControlError {
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
        now: rfc3339_nanos(app.clock().now()),
        offset_seconds: app.clock().offset().num_milliseconds() as f64 / 1000.0,
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
        .map_err(body_error)?;
    let request: Advance = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .filter(serde_json::Value::is_object)
        .ok_or_else(|| "the body is not a JSON object".to_string())
        .and_then(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
        .map_err(|e| {
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
    let total = app.clock().offset().num_seconds() as f64 + request.seconds;
    if total > MAX_OFFSET_SECONDS {
        return Err(ControlError::new(
            StatusCode::BAD_REQUEST,
            format!("the virtual clock may run at most {MAX_OFFSET_SECONDS} seconds (100 years) ahead; reset it first"),
        ));
    }
    app.clock().advance(chrono::Duration::milliseconds(
        (request.seconds * 1000.0).round() as i64,
    ));
    Ok(Json(clock_body(&app)))
}

/// Body of `POST /clock/set`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    now: String,
}

/// Moves the virtual clock forward to the time given. An earlier time than the virtual time is
/// a 409: the vendors' state machines assume that time never goes back.
async fn set_clock(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<ClockBody>, ControlError> {
    let expected =
        |why: String| bad_request(format!("expected {{\"now\": <RFC 3339 time>}}: {why}"));
    let body = read_json(&app, &headers, body, 64 * 1024).await?;
    let request: SetClock =
        serde_json::from_value(Value::Object(body)).map_err(|e| expected(e.to_string()))?;
    let target = chrono::DateTime::parse_from_rfc3339(&request.now)
        .map_err(|e| expected(format!("{:?} is not an RFC 3339 time ({e})", request.now)))?
        .to_utc();
    let now = app.clock().now();
    if target < now {
        return Err(ControlError::new(
            StatusCode::CONFLICT,
            format!(
                "{} is before the virtual time {}; the clock only moves forward ({PREFIX}/reset returns it to real time)",
                request.now,
                rfc3339_nanos(now)
            ),
        ));
    }
    let max_offset = chrono::Duration::seconds(MAX_OFFSET_SECONDS as i64);
    if app.clock().offset() + (target - now) > max_offset {
        return Err(bad_request(format!(
            "the virtual clock may run at most {MAX_OFFSET_SECONDS} seconds (100 years) ahead; reset it first"
        )));
    }
    app.clock().advance_to(target);
    Ok(Json(clock_body(&app)))
}

/// Body of `POST /reset`.
#[derive(Debug, Serialize)]
pub struct ResetBody {
    /// Always true.
    pub reset: bool,
    /// The vendors whose state was emptied.
    pub vendors: Vec<&'static str>,
    /// Whether webhook deliveries, events and receivers added at run time were forgotten.
    pub webhooks: bool,
    /// Whether the clock returned to real time.
    pub clock_reset: bool,
    /// The clock after the reset.
    pub clock: ClockBody,
    /// The namespace reset (`default` for the default namespace).
    pub namespace: String,
}

/// Without a query, empties everything and returns the clock to real time; with `?vendor=`
/// (repeatable), empties only those vendors' state. In a named namespace (`Facesim-Namespace`),
/// only that namespace is touched: without a query it is forgotten, clock included.
async fn reset(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Json<ResetBody>, ControlError> {
    let params = QueryParams::parse(query.as_deref(), &["vendor"])?;
    let chosen = params
        .all("vendor")
        .into_iter()
        .map(|name| {
            SimulatedVendor::parse(name).ok_or_else(|| {
                bad_request(format!(
                    "unknown vendor {name:?}; vendor must be one of {}",
                    SimulatedVendor::names()
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let everything = chosen.is_empty();
    let tenant = app.tenant();
    let named = tenant.name.is_some();
    match (everything, named) {
        (true, false) => app.reset(),
        (true, true) => app.tenants.drop_tenant(&tenant),
        (false, _) => chosen.iter().for_each(|vendor| vendor.clear(&app)),
    }
    Ok(Json(ResetBody {
        reset: true,
        vendors: SimulatedVendor::ALL
            .iter()
            .filter(|v| everything || chosen.contains(v))
            .map(|v| v.as_str())
            .collect(),
        webhooks: everything && !named,
        clock_reset: everything,
        clock: clock_body(&app),
        namespace: tenant.label().to_string(),
    }))
}

async fn openapi(
    axum::extract::Path(document): axum::extract::Path<String>,
) -> Result<Response, ControlError> {
    let name = document.strip_suffix(".json").unwrap_or(&document);
    match facesim_schemas::openapi_text(name) {
        Some(text) => Ok((
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            text,
        )
            .into_response()),
        None => {
            let known: Vec<String> = facesim_schemas::api_names()
                .map(|n| format!("{n}.json"))
                .collect();
            Err(ControlError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "No OpenAPI document {document:?}; known documents: {}",
                    known.join(", ")
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn served_openapi_documents_are_openapi_3_1_json() {
        for name in facesim_schemas::api_names() {
            let text = facesim_schemas::openapi_text(name).unwrap();
            let doc: serde_json::Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                doc["openapi"].as_str().map(|v| &v[..3]),
                Some("3.1"),
                "{name}"
            );
            assert!(
                doc["paths"].as_object().is_some_and(|p| !p.is_empty()),
                "{name} has no paths"
            );
        }
    }
}
