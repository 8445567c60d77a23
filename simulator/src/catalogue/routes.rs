//! `GET {root}/_facesim/catalogue[?api=truora|checkout|trustmatic]`.

use super::{build, Catalogue};
use crate::control::ControlError;
use crate::query_params::{bad_request, QueryParams};
use crate::state::App;
use crate::vendors::SimulatedVendor;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;

/// The route of the catalogue, to merge into the control API.
pub fn router() -> Router<Arc<App>> {
    Router::new().route("/catalogue", get(catalogue))
}

/// The catalogue, of the APIs named by `api` (repeatable) or of all of them.
async fn catalogue(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Catalogue>, ControlError> {
    let params = QueryParams::parse(query.as_deref(), &["api"])?;
    let vendors = params
        .all("api")
        .into_iter()
        .map(|name| {
            SimulatedVendor::parse(name).ok_or_else(|| {
                bad_request(format!(
                    "unknown api {name:?}; api must be one of {}",
                    SimulatedVendor::names()
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(build(&app.config, &vendors)))
}
