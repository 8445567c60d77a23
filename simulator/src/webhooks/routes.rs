//! The control API of webhooks under `{root}/_facesim/webhooks`: receivers, deliveries and the
//! bodies of published events.

use super::{DeliveryFilter, DeliveryStatus, DeliveryView, ReceiverSpec, ReceiverView, Vendor};
use crate::body::{media_type, read_limited};
use crate::control::{body_error, ControlError};
use crate::state::App;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;

/// Largest registration body.
const MAX_BODY_BYTES: u64 = 64 * 1024;

/// The webhook routes, merged into the control router.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/webhooks", get(list_receivers).post(add_receiver))
        .route("/webhooks/deliveries", get(list_deliveries))
        .route("/webhooks/events/{event_id}", get(event))
        .route("/webhooks/{id}", delete(remove_receiver))
}

/// Body of `GET /webhooks`.
#[derive(Debug, Serialize)]
struct Receivers {
    receivers: Vec<ReceiverView>,
}

async fn list_receivers(State(app): State<Arc<App>>) -> Json<Receivers> {
    Json(Receivers {
        receivers: app.webhooks.receivers(app.tenant().name.as_deref()),
    })
}

async fn add_receiver(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ReceiverView>), ControlError> {
    if media_type(&headers).is_some_and(|t| t != "application/json") {
        return Err(ControlError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    let bytes = read_limited(&headers, body, MAX_BODY_BYTES, app.body_timeout())
        .await
        .map_err(body_error)?;
    let value = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .filter(serde_json::Value::is_object)
        .ok_or_else(|| {
            ControlError::new(
                StatusCode::BAD_REQUEST,
                "the body is not a JSON object; expected {\"vendor\", \"url\", \"signing_key\", \"authorization\"?, \"event_types\"?}",
            )
        })?;
    let unprocessable =
        |message: String| ControlError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    let spec: ReceiverSpec =
        serde_json::from_value(value).map_err(|e| unprocessable(e.to_string()))?;
    let receiver = app
        .webhooks
        .add_receiver(&spec, app.tenant().name.as_deref())
        .map_err(unprocessable)?;
    Ok((StatusCode::CREATED, Json(receiver)))
}

async fn remove_receiver(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ControlError> {
    if app
        .webhooks
        .remove_receiver(&id, app.tenant().name.as_deref())
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!("No webhook receiver {id:?}"),
        ))
    }
}

/// Body of `GET /webhooks/deliveries`.
#[derive(Debug, Serialize)]
struct Deliveries {
    deliveries: Vec<DeliveryView>,
}

async fn list_deliveries(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Deliveries>, ControlError> {
    let mut filter = parse_filter(query.as_deref().unwrap_or(""))
        .map_err(|message| ControlError::new(StatusCode::BAD_REQUEST, message))?;
    filter.namespace = app.tenant().name.clone();
    Ok(Json(Deliveries {
        deliveries: app.webhooks.deliveries(&filter),
    }))
}

/// Reads `vendor`, `event_type` and `status` from a deliveries query.
fn parse_filter(query: &str) -> Result<DeliveryFilter, String> {
    let mut filter = DeliveryFilter::default();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*name {
            "vendor" => {
                filter.vendor = Some(Vendor::parse(&value).ok_or_else(|| {
                    format!(
                        "unknown vendor {value:?}; known vendors: {}",
                        Vendor::names()
                    )
                })?)
            }
            "event_type" => {
                if !Vendor::ALL
                    .iter()
                    .any(|v| v.event_types().contains(&&*value))
                {
                    return Err(format!("unknown event_type {value:?}"));
                }
                filter.event_type = Some(value.into_owned());
            }
            "status" => {
                filter.status = Some(
                    DeliveryStatus::ALL
                        .iter()
                        .copied()
                        .find(|s| s.as_str() == value)
                        .ok_or_else(|| {
                            format!(
                            "unknown status {value:?}; known statuses: pending, delivered, failed"
                        )
                        })?,
                )
            }
            other => {
                return Err(format!(
                    "unknown query parameter {other:?}; filters are vendor, event_type and status"
                ))
            }
        }
    }
    Ok(filter)
}

async fn event(
    State(app): State<Arc<App>>,
    Path(event_id): Path<String>,
) -> Result<Response, ControlError> {
    match app.webhooks.event(&event_id) {
        Some(body) => Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response()),
        None => Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!(
                "No published webhook event {event_id:?} (only the latest {} are kept)",
                super::MAX_EVENTS
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_filters_parse_and_refuse_unknown_values() {
        let filter =
            parse_filter("vendor=checkout&event_type=face_authentication_created&status=failed")
                .unwrap();
        assert_eq!(filter.vendor, Some(Vendor::Checkout));
        assert_eq!(
            filter.event_type.as_deref(),
            Some("face_authentication_created")
        );
        assert_eq!(filter.status, Some(DeliveryStatus::Failed));
        assert!(parse_filter("status=done")
            .unwrap_err()
            .contains("pending, delivered, failed"));
        assert!(parse_filter("vendor=x").unwrap_err().contains("checkout"));
        assert!(parse_filter("event_type=x")
            .unwrap_err()
            .contains("event_type"));
        assert!(parse_filter("limit=3").unwrap_err().contains("limit"));
        assert!(parse_filter("").unwrap().status.is_none());
    }
}
