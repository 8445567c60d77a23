//! Steps that force outcomes through the control API (facesim's
//! `POST {control}/trustmatic/outcomes`): arming one for the scenario's session or for any,
//! refusals, listing and disarming.

use super::world::TrustmaticWorld;
use crate::scenarios::steps::{arg, docstring};
use cucumber::step::Context as Step;
use serde_json::{Map, Value};

const OUTCOMES: &str = "/trustmatic/outcomes";

/// The step's doc string as a JSON object, with the scenario's session id when `session`.
fn outcome(world: &mut TrustmaticWorld, step: &Step, session: bool) -> Map<String, Value> {
    let text = docstring(step);
    let mut object: Map<String, Value> = serde_json::from_str(&text)
        .unwrap_or_else(|e| world.fail(None, format!("the outcome is not a JSON object: {e}")));
    if session {
        object.insert("sessionId".into(), Value::String(world.session_id()));
    }
    object
}

async fn arm(world: &mut TrustmaticWorld, outcome: Map<String, Value>) {
    let request = world.control_request("POST", OUTCOMES).text(
        Some("application/json"),
        &Value::Object(outcome.clone()).to_string(),
    );
    let exchange = world.control(request, &[201], "arm the outcome").await;
    let armed = world.json(&exchange);
    if !armed
        .get("id")
        .is_some_and(|id| id.is_string() || id.is_number())
    {
        world.fail(Some(&exchange), "the armed outcome has no id");
    }
    for field in ["operation", "sessionId", "error", "score"] {
        let Some(sent) = outcome.get(field) else {
            continue;
        };
        let shown = armed.get(field);
        let same = match (sent.as_f64(), shown.and_then(Value::as_f64)) {
            (Some(a), Some(b)) => a == b,
            _ => shown == Some(sent),
        };
        if !same {
            world.fail(
                Some(&exchange),
                format!("the armed outcome shows {field} = {shown:?}, {sent} was sent"),
            );
        }
    }
    world.armed.push(armed);
}

pub async fn arm_for_session(world: &mut TrustmaticWorld, step: Step) {
    let outcome = outcome(world, &step, true);
    arm(world, outcome).await;
}

pub async fn arm_for_any_session(world: &mut TrustmaticWorld, step: Step) {
    let outcome = outcome(world, &step, false);
    arm(world, outcome).await;
}

pub async fn refuses_to_arm(world: &mut TrustmaticWorld, step: Step) {
    let outcome = outcome(world, &step, true);
    let request = world.control_request("POST", OUTCOMES).text(
        Some("application/json"),
        &Value::Object(outcome).to_string(),
    );
    let exchange = world
        .control(request, &[400, 422], "refuse the outcome")
        .await;
    let body = world.json(&exchange);
    let said = |field: &str| {
        body.get(field)
            .and_then(Value::as_str)
            .is_some_and(|t| !t.is_empty())
    };
    if !said("error") || !said("message") {
        world.fail(
            Some(&exchange),
            "a refusal of the control API must carry \"error\" and \"message\"",
        );
    }
}

/// The id of the outcome the scenario armed last.
fn last_armed_id(world: &TrustmaticWorld) -> Value {
    world
        .armed
        .last()
        .and_then(|armed| armed.get("id").cloned())
        .unwrap_or_else(|| world.fail(None, "no outcome was armed yet"))
}

/// The id as a path segment.
fn segment(id: &Value) -> String {
    match id {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

pub async fn disarm_it(world: &mut TrustmaticWorld, _: Step) {
    let id = segment(&last_armed_id(world));
    let request = world.control_request("DELETE", &format!("{OUTCOMES}/{id}"));
    world
        .control(request, &[200, 204], "disarm the outcome")
        .await;
}

pub async fn disarm_all(world: &mut TrustmaticWorld, _: Step) {
    let request = world.control_request("DELETE", OUTCOMES);
    world
        .control(request, &[200, 204], "disarm every outcome")
        .await;
}

/// The outcomes a listing shows: the array it is, or the first array it holds.
pub fn listed(body: &Value) -> Option<&Vec<Value>> {
    match body {
        Value::Array(items) => Some(items),
        Value::Object(fields) => fields.values().find_map(Value::as_array),
        _ => None,
    }
}

pub async fn is_listed(world: &mut TrustmaticWorld, step: Step) {
    let wanted = arg(&step, 1).is_empty();
    let id = last_armed_id(world);
    let request = world.control_request("GET", OUTCOMES);
    let exchange = world.control(request, &[200], "list the outcomes").await;
    let body = world.json(&exchange);
    let Some(items) = listed(&body) else {
        world.fail(Some(&exchange), "the listing holds no array of outcomes")
    };
    let found = items.iter().any(|item| item.get("id") == Some(&id));
    if found != wanted {
        let verb = if wanted { "is not" } else { "is still" };
        world.fail(
            Some(&exchange),
            format!("the armed outcome {id} {verb} listed"),
        );
    }
}
