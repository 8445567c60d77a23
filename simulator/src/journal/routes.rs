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
    let mut query = JournalQuery::parse(query.as_deref().unwrap_or(""), app.journal.capacity())
        .map_err(|error| ControlError::new(StatusCode::BAD_REQUEST, error.message))?;
    let tenant = app.tenant();
    if let Some(name) = &tenant.name {
        if query
            .filter
            .namespace
            .as_ref()
            .is_some_and(|asked| asked != name)
        {
            return Err(ControlError::new(
                StatusCode::BAD_REQUEST,
                format!("a request in namespace {name:?} reads only that namespace's entries; leave out namespace= or send no Facesim-Namespace header"),
            ));
        }
        query.filter.namespace = Some(name.clone());
    }
    Ok(Json(app.journal.page(&query.filter, query.limit)))
}

/// Empties the journal; in a named namespace, forgets only that namespace's entries.
async fn empty(State(app): State<Arc<App>>) -> StatusCode {
    match &app.tenant().name {
        Some(name) => app.journal.forget_namespace(name),
        None => app.journal.clear(),
    }
    StatusCode::NO_CONTENT
}
