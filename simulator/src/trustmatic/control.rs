//! Control routes under `{root}/_facesim/trustmatic`: arming, listing and disarming outcomes.

use super::model::Operation;
use super::outcomes::{ArmRequest, ArmedView};
use crate::control::{read_json, ControlError};
use crate::state::App;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// Largest control request body.
const MAX_BODY: u64 = 64 * 1024;

/// The routes under `{root}/_facesim/trustmatic`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/outcomes", get(list).post(arm).delete(disarm_all))
        .route("/outcomes/{id}", delete(disarm))
}

async fn list(State(app): State<Arc<App>>) -> Json<Value> {
    let tenant = app.tenant();
    let outcomes = tenant.trustmatic.lock();
    let views: Vec<ArmedView> = outcomes.list().iter().map(ArmedView::from).collect();
    Json(json!({ "outcomes": views }))
}

async fn arm(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ArmedView>), ControlError> {
    let body = read_json(&app, &headers, body, MAX_BODY).await?;
    let request = arm_request(&body).map_err(unprocessable)?;
    let armed = app
        .tenant()
        .trustmatic
        .lock()
        .arm(request)
        .map_err(unprocessable)?;
    Ok((StatusCode::CREATED, Json(ArmedView::from(&armed))))
}

async fn disarm_all(State(app): State<Arc<App>>) -> StatusCode {
    app.tenant().trustmatic.lock().clear();
    StatusCode::NO_CONTENT
}

async fn disarm(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ControlError> {
    if app.tenant().trustmatic.lock().disarm(&id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!("no outcome {id} is armed"),
        ))
    }
}

fn unprocessable(message: String) -> ControlError {
    ControlError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// Reads `{operation?, sessionId?, error? | score?, times?}`, refusing unknown keys.
pub(crate) fn arm_request(body: &Map<String, Value>) -> Result<ArmRequest, String> {
    const KEYS: [&str; 5] = ["operation", "sessionId", "error", "score", "times"];
    if let Some(key) = body.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown key {key:?}; the keys are {}",
            KEYS.join(", ")
        ));
    }
    let text = |key: &str| match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key} must be a string")),
    };
    let operation = text("operation")?
        .map(|name| {
            Operation::parse(&name)
                .ok_or_else(|| format!("operation {name:?} is not one of {}", Operation::names()))
        })
        .transpose()?;
    let score = match body.get("score") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => n.as_f64(),
        Some(_) => return Err("score must be a number".into()),
    };
    let times = match body.get("times") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_u64().ok_or("times must be a positive integer")?),
        Some(_) => return Err("times must be a positive integer".into()),
    };
    Ok(ArmRequest {
        operation,
        session_id: text("sessionId")?,
        error: text("error")?,
        score,
        times,
    })
}
