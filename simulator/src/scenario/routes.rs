//! Control routes under `{root}/_facesim/scenarios`: load a scenario, list, remove and clear
//! rules.

use super::file::ScenarioFile;
use super::rules::ActiveRule;
use crate::body::read_limited;
use crate::control::{body_error, ControlError};
use crate::state::App;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

/// Largest scenario accepted through the control API.
const MAX_SCENARIO_BYTES: u64 = 1024 * 1024;

/// The routes under `{root}/_facesim/scenarios`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/rules", get(list).post(load).delete(clear))
        .route("/rules/{id}", delete(remove))
}

async fn list(State(app): State<Arc<App>>) -> Json<Value> {
    let namespace = app.tenant().name.clone();
    let rules: Vec<ActiveRule> = app.rules.lock().visible_from(namespace.as_deref());
    Json(json!({ "rules": rules }))
}

/// `POST …/rules` with a scenario (YAML or JSON): its rules go after those in force.
async fn load(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ControlError> {
    let bytes = read_limited(&headers, body, MAX_SCENARIO_BYTES, app.body_timeout())
        .await
        .map_err(body_error)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        ControlError::new(StatusCode::BAD_REQUEST, "the scenario is not UTF-8 text")
    })?;
    let file = ScenarioFile::parse(text).map_err(|e| {
        ControlError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("scenario refused: {e}"),
        )
    })?;
    let namespace = app.tenant().name.clone();
    let ids = app
        .rules
        .lock()
        .add("control-api", namespace.as_deref(), file.rules)
        .map_err(|e| ControlError::new(StatusCode::UNPROCESSABLE_ENTITY, e))?;
    Ok((StatusCode::CREATED, Json(json!({ "ids": ids }))))
}

async fn clear(State(app): State<Arc<App>>) -> StatusCode {
    let namespace = app.tenant().name.clone();
    app.rules.lock().clear(namespace.as_deref());
    StatusCode::NO_CONTENT
}

async fn remove(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ControlError> {
    let namespace = app.tenant().name.clone();
    if app.rules.lock().remove(&id, namespace.as_deref()) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no rule {id} is in force"),
        ))
    }
}
