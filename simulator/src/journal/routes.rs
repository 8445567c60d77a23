//! `{root}/_facesim/journal`: reading and emptying the journal.

use super::filter::JournalQuery;
use super::ring::Page;
use crate::control::ControlError;
use crate::state::App;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;

/// The journal routes, merged into the control router.
pub fn router() -> Router<Arc<App>> {
    Router::new().route("/journal", get(read).delete(empty))
}

async fn read(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Page>, ControlError> {
    let query = JournalQuery::parse(query.as_deref().unwrap_or(""), app.journal.capacity())
        .map_err(|error| ControlError::new(StatusCode::BAD_REQUEST, error.message))?;
    Ok(Json(app.journal.page(&query.filter, query.limit)))
}

async fn empty(State(app): State<Arc<App>>) -> StatusCode {
    app.journal.clear();
    StatusCode::NO_CONTENT
}
