//! The middleware that puts each request in its namespace, and names that namespace in the
//! answer. The `Facesim-Namespace` header wins; then the `facesim_namespace` query parameter
//! of the links facesim hands out; then, with `namespace_per_key`, the request's credential.

use super::name::{for_credential, parse_name, HEADER, QUERY_PARAM};
use super::Tenants;
use crate::state::App;
use crate::vendors::SimulatedVendor;
use crate::{checkout, control, truora, trustmatic};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use std::sync::Arc;

/// Header carrying the reason of a refusal in answers whose vendor body has no message.
const DETAIL_HEADER: &str = "facesim-detail";

/// Middleware: resolves the request's namespace and runs the request inside it.
pub async fn enter(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let vendor = SimulatedVendor::of(request.uri().path()).map(|(vendor, _)| vendor);
    let named = match (request.headers().get(HEADER), linked(request.uri())) {
        (Some(value), _) => parse_name(value.as_bytes()).map_err(|e| e.to_string()),
        (None, Some(value)) => parse_name(value.as_bytes()).map_err(|e| e.to_string()),
        (None, None) if app.config.isolation.namespace_per_key => {
            Ok(vendor.and_then(|v| credential(v, request.headers()).map(|c| for_credential(&c))))
        }
        (None, None) => Ok(None),
    };
    let tenant = named.and_then(|name| {
        app.tenants
            .get_or_create(name.as_deref())
            .map_err(|e| e.to_string())
    });
    let tenant = match tenant {
        Ok(tenant) => tenant,
        Err(message) => return refuse(vendor, request.uri().path(), &message),
    };
    let mut response = Tenants::scope(tenant.clone(), next.run(request)).await;
    if let Some(value) = tenant
        .name
        .as_deref()
        .and_then(|n| HeaderValue::from_str(n).ok())
    {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

/// The namespace a link facesim handed out names in its query (`facesim_namespace=`).
fn linked(uri: &axum::http::Uri) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(name, _)| name == QUERY_PARAM)
        .map(|(_, value)| value.into_owned())
}

/// The credential a vendor request carries: Truora's API key, Checkout's secret key,
/// Trustmatic's user name.
fn credential(vendor: SimulatedVendor, headers: &HeaderMap) -> Option<String> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let authorization = text(header::AUTHORIZATION.as_str()).unwrap_or("");
    let (scheme, value) = authorization.split_once(' ').unwrap_or(("", ""));
    let found = match vendor {
        SimulatedVendor::Truora => text("truora-api-key").map(str::to_string),
        SimulatedVendor::Checkout => scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| value.trim().to_string()),
        SimulatedVendor::Trustmatic => scheme
            .eq_ignore_ascii_case("basic")
            .then(|| {
                base64::engine::general_purpose::STANDARD
                    .decode(value.trim())
                    .ok()
            })
            .flatten()
            .and_then(|decoded| {
                let decoded = String::from_utf8(decoded).ok()?;
                Some(decoded.split_once(':')?.0.to_string())
            }),
    };
    found.filter(|c| !c.is_empty())
}

/// A namespace the request cannot use, answered in the format of the API called.
fn refuse(vendor: Option<SimulatedVendor>, path: &str, message: &str) -> Response {
    let mut response = match vendor {
        Some(SimulatedVendor::Truora) => {
            truora::error::TruoraError::bad_request(message).into_response()
        }
        Some(SimulatedVendor::Checkout) => {
            checkout::error::CheckoutError::malformed("facesim_namespace_invalid").into_response()
        }
        Some(SimulatedVendor::Trustmatic) => {
            trustmatic::error::Refusal::invalid(message, None).into_response()
        }
        None if path.starts_with(control::PREFIX) => {
            control::ControlError::new(StatusCode::BAD_REQUEST, message).into_response()
        }
        None => (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"error": "bad_request", "message": message})),
        )
            .into_response(),
    };
    if let Ok(value) = HeaderValue::from_str(&message.replace(['\r', '\n'], " ")) {
        response.headers_mut().insert(DETAIL_HEADER, value);
    }
    response
}
