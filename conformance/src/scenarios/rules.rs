//! Outcomes forced through facesim's scenario rules (`POST {control}/scenarios/rules` with a
//! `then.outcome`, docs/scenarios.md), for the vendor scenarios that need an outcome no
//! ordinary request can choose: the rule is scoped to the scenario's own resources, and a
//! later step checks that it applied exactly once and removes it. Every answer of the control
//! API is checked against its own contract (`schemas/facesim/control.openapi.json`).

use super::{sending, Context};
use crate::target::Exchange;
use serde_json::{json, Value};

/// The contract of facesim's control API.
fn contract() -> &'static facesim_schemas::Contract {
    facesim_schemas::contract("facesim-control").expect("the control API's contract is embedded")
}

/// Sends a request to the control API and checks its answer against the control API's
/// contract; fails the step when it breaks it or does not answer `expected`.
async fn control(
    context: &Context,
    method: &str,
    path: &str,
    body: Option<&Value>,
    expected: u16,
    what: &str,
) -> Exchange {
    let mut request = sending::control_request(context, method, path);
    if let Some(body) = body {
        request = request.text(Some("application/json"), &body.to_string());
    }
    let exchange = sending::transmit(context, request, false).await;
    if let Err(violation) = contract().check_response(
        method,
        path,
        exchange.status,
        exchange.content_type.as_deref(),
        &exchange.body,
    ) {
        sending::fail(
            context,
            Some(&exchange),
            format!("The control API's answer breaks its contract: {violation}"),
        );
    }
    if exchange.status != expected {
        sending::fail(
            context,
            Some(&exchange),
            format!(
                "the control API did not {what}: expected status {expected}, got {}",
                exchange.status
            ),
        );
    }
    exchange
}

/// Adds a rule forcing `outcome` once on the `api` requests of `operation` whose fields are
/// `fields`; answers the rule's id.
pub async fn force(
    context: &Context,
    api: &str,
    operation: &str,
    fields: Value,
    outcome: &str,
) -> String {
    let scenario = json!({ "rules": [{
        "name": format!("conformance: {outcome}"),
        "when": { "api": api, "operation": operation, "fields": fields },
        "then": { "outcome": outcome, "times": 1 },
    }]});
    let what = format!("accept a rule forcing {outcome}");
    let exchange = control(
        context,
        "POST",
        "/scenarios/rules",
        Some(&scenario),
        201,
        &what,
    )
    .await;
    let id = exchange
        .json()
        .and_then(|body| body.pointer("/ids/0").cloned());
    match id {
        Some(id) if !id.is_null() => id_text(&id),
        _ => sending::fail(context, Some(&exchange), "the answer names no rule id"),
    }
}

/// A rule id as text: a string as it is, a number in decimal.
fn id_text(id: &Value) -> String {
    match id {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Fails unless the rule `id` applied exactly once (the listing's `applied`), then removes it.
pub async fn applied_once_then_removed(context: &Context, id: &str) {
    let listing = control(
        context,
        "GET",
        "/scenarios/rules",
        None,
        200,
        "list the rules",
    )
    .await;
    let body = listing.json().unwrap_or(Value::Null);
    let rule = body
        .get("rules")
        .and_then(Value::as_array)
        .and_then(|rules| rules.iter().find(|r| id_text(&r["id"]) == id));
    let Some(rule) = rule else {
        sending::fail(
            context,
            Some(&listing),
            format!("the rule {id} is not listed"),
        )
    };
    let applied = rule.get("applied").and_then(Value::as_u64);
    if applied != Some(1) {
        sending::fail(
            context,
            Some(&listing),
            format!("the rule {id} applied {applied:?} times, expected once"),
        );
    }
    let path = format!("/scenarios/rules/{id}");
    control(context, "DELETE", &path, None, 204, "remove the rule").await;
}
