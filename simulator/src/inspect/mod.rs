//! State inspection under `{root}/_facesim/state`: a summary of every vendor's state and a
//! listing per vendor. State is settled against the virtual clock first, exactly as the vendor
//! APIs settle it when they are read; nothing else changes.

mod checkout;
mod listing;
mod truora;
mod trustmatic;

pub use listing::{DEFAULT_LIMIT, MAX_LIMIT};

use crate::control::ControlError;
use crate::ids::rfc3339_nanos;
use crate::query_params::QueryParams;
use crate::state::App;
use crate::vendors::SimulatedVendor;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;

/// The routes `/state` and `/state/{vendor}`, to be nested under `{root}/_facesim`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/state", get(summary))
        .route("/state/{vendor}", get(vendor_state))
}

/// `GET /state`: how many resources each vendor holds, by status.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// The virtual time the state was settled at.
    pub now: String,
    /// Enrollments and validations by status.
    pub truora: truora::TruoraCounts,
    /// Applicants; face authentications and attempts by status.
    pub checkout: checkout::CheckoutCounts,
    /// Armed outcomes by operation.
    pub trustmatic: trustmatic::TrustmaticCounts,
}

async fn summary(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Summary>, ControlError> {
    QueryParams::parse(query.as_deref(), &[])?;
    let now = app.clock().now();
    Ok(Json(Summary {
        now: rfc3339_nanos(now),
        truora: truora::counts(&app, now),
        checkout: checkout::counts(&app),
        trustmatic: trustmatic::counts(&app),
    }))
}

async fn vendor_state(
    State(app): State<Arc<App>>,
    Path(vendor): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ControlError> {
    let query = query.as_deref();
    match SimulatedVendor::parse(&vendor) {
        Some(SimulatedVendor::Truora) => Ok(Json(truora::state(&app, query)?).into_response()),
        Some(SimulatedVendor::Checkout) => Ok(Json(checkout::state(&app, query)?).into_response()),
        Some(SimulatedVendor::Trustmatic) => {
            Ok(Json(trustmatic::state(&app, query)?).into_response())
        }
        None => Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!(
                "No vendor {vendor:?}; the state of {} is listed",
                SimulatedVendor::names()
            ),
        )),
    }
}
