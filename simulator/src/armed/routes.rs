//! The control routes of armed outcomes, shared by the vendors that arm them per target:
//! `POST`, `GET` and `DELETE {root}/_facesim/<vendor>/outcomes`, `DELETE …/outcomes/{id}`.
//! Bodies are `{<target>, outcome, times?}`; answers are `{id, <target>, outcome, remaining}`.

use super::{ArmError, Armed, MAX_TIMES};
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

/// A vendor whose engine store keeps outcomes armed per target. The implementations are the
/// only places these routes reach the vendor's state.
pub trait ArmingVendor: Send + Sync + 'static {
    /// The outcome the vendor's engine forces.
    type Forced: Copy + Send + 'static;
    /// The body key that names the target: `account_id`, `applicant_id`.
    const TARGET: &'static str;
    /// `name` as an outcome, or why it is none.
    fn outcome(name: &str) -> Result<Self::Forced, String>;
    /// The outcome's name, as a body gives it.
    fn name(forced: Self::Forced) -> String;
    /// Arms `forced` for the next `times` resources of `target` in the running namespace.
    fn arm(
        app: &App,
        target: &str,
        forced: Self::Forced,
        times: u32,
    ) -> Result<Armed<Self::Forced>, ArmError>;
    /// The outcomes armed in the running namespace, oldest first.
    fn list(app: &App) -> Vec<Armed<Self::Forced>>;
    /// Disarms the outcome `id` (all of them when `None`); whether one was disarmed.
    fn disarm(app: &App, id: Option<&str>) -> bool;
}

/// The routes under `{root}/_facesim/<vendor>` for vendor `V`.
pub fn router<V: ArmingVendor>() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/outcomes",
            get(list::<V>).post(arm::<V>).delete(disarm_all::<V>),
        )
        .route("/outcomes/{id}", delete(disarm::<V>))
}

/// An armed outcome as the control API shows it: `{id, <target>, outcome, remaining}`.
pub fn view<V: ArmingVendor>(armed: &Armed<V::Forced>) -> Value {
    let mut body = Map::new();
    body.insert("id".into(), armed.id.clone().into());
    body.insert(V::TARGET.into(), armed.target.clone().into());
    body.insert("outcome".into(), V::name(armed.forced).into());
    body.insert("remaining".into(), armed.remaining.into());
    Value::Object(body)
}

async fn list<V: ArmingVendor>(State(app): State<Arc<App>>) -> Json<Value> {
    let views: Vec<Value> = V::list(&app).iter().map(view::<V>).collect();
    Json(json!({ "outcomes": views }))
}

async fn arm<V: ArmingVendor>(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Value>), ControlError> {
    let body = read_json(&app, &headers, body, MAX_BODY).await?;
    let request = ArmRequest::read(&body, V::TARGET).map_err(unprocessable)?;
    let forced = V::outcome(&request.outcome).map_err(unprocessable)?;
    let armed = V::arm(&app, &request.target, forced, request.times).map_err(|e| match e {
        ArmError::UnknownTarget(message) => ControlError::new(StatusCode::NOT_FOUND, message),
        ArmError::Invalid(message) => unprocessable(message),
    })?;
    Ok((StatusCode::CREATED, Json(view::<V>(&armed))))
}

async fn disarm_all<V: ArmingVendor>(State(app): State<Arc<App>>) -> StatusCode {
    V::disarm(&app, None);
    StatusCode::NO_CONTENT
}

async fn disarm<V: ArmingVendor>(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ControlError> {
    if V::disarm(&app, Some(&id)) {
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

/// What a control body asks to arm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmRequest {
    /// The account or applicant.
    pub target: String,
    /// The outcome's name, not checked yet.
    pub outcome: String,
    /// How many resources it decides (default 1).
    pub times: u32,
}

impl ArmRequest {
    /// Reads `{<target_key>, outcome, times?}`, refusing unknown keys and wrong types.
    pub fn read(body: &Map<String, Value>, target_key: &str) -> Result<ArmRequest, String> {
        let keys = [target_key, "outcome", "times"];
        if let Some(key) = body.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(format!(
                "unknown key {key:?}; the keys are {}",
                keys.join(", ")
            ));
        }
        let text = |key: &str| match body.get(key) {
            None | Some(Value::Null) => Err(format!("{key} is required")),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!("{key} must be a string, not {other}")),
        };
        let target = text(target_key)?;
        let outcome = text("outcome")?;
        let range = || format!("times must be an integer from 1 to {MAX_TIMES}");
        let times = match body.get("times") {
            None | Some(Value::Null) => 1,
            Some(Value::Number(n)) => n
                .as_u64()
                .filter(|t| (1..=u64::from(MAX_TIMES)).contains(t))
                .ok_or_else(range)? as u32,
            Some(_) => return Err(range()),
        };
        Ok(ArmRequest {
            target,
            outcome,
            times,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: Value) -> Result<ArmRequest, String> {
        ArmRequest::read(body.as_object().unwrap(), "account_id")
    }

    #[test]
    fn a_body_names_a_target_an_outcome_and_optionally_times() {
        let request = read(json!({"account_id": "a", "outcome": "x"})).unwrap();
        assert_eq!(request.times, 1);
        let request = read(json!({"account_id": "a", "outcome": "x", "times": 3})).unwrap();
        assert_eq!(request.times, 3);
    }

    #[test]
    fn wrong_bodies_say_what_is_wrong() {
        let cases = [
            (json!({"outcome": "x"}), "account_id is required"),
            (
                json!({"account_id": 1, "outcome": "x"}),
                "account_id must be a string",
            ),
            (json!({"account_id": "a"}), "outcome is required"),
            (
                json!({"account_id": "a", "outcome": ["x"]}),
                "outcome must be a string",
            ),
            (
                json!({"account_id": "a", "outcome": "x", "times": 0}),
                "from 1 to",
            ),
            (
                json!({"account_id": "a", "outcome": "x", "times": 1.5}),
                "from 1 to",
            ),
            (
                json!({"account_id": "a", "outcome": "x", "times": "2"}),
                "from 1 to",
            ),
            (
                json!({"account_id": "a", "outcome": "x", "times": 1001}),
                "from 1 to",
            ),
            (
                json!({"account_id": "a", "outcome": "x", "when": 1}),
                "unknown key",
            ),
        ];
        for (body, needle) in cases {
            let message = read(body.clone()).unwrap_err();
            assert!(message.contains(needle), "{body}: {message}");
        }
    }
}
