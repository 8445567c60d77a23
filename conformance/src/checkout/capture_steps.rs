//! Steps that drive a capture, or the clock, through the control API (facesim's
//! `{root}/_facesim`): the applicant's reference picture, selfies, outcome actions, manual
//! audits and virtual time.

use super::attempt_steps::{create_one, open, outcome};
use super::world::{id_of, CheckoutWorld};
use super::{arg, optional_arg};
use base64::Engine as _;
use cucumber::step::Context as Step;
use serde_json::{json, Value};

/// Moves the target's clock.
async fn advance(world: &CheckoutWorld, seconds: u64) {
    let context = world.context();
    let control = context
        .target
        .control
        .as_ref()
        .expect("clock steps are registered only with a control API");
    if let Err(error) = control.advance(seconds).await {
        world.fail(
            None,
            format!("the control API did not move the clock: {error}"),
        );
    }
}

pub async fn clock_can_be_moved(world: &mut CheckoutWorld, _: Step) {
    advance(world, 0).await;
}

pub async fn clock_passes(world: &mut CheckoutWorld, step: Step) {
    let amount: u64 = arg(&step, 1).parse().expect("a number of units");
    let unit = if arg(&step, 2).starts_with("minute") {
        60
    } else {
        1
    };
    advance(world, amount * unit).await;
}

pub async fn reference_picture(world: &mut CheckoutWorld, step: Step) {
    let name = arg(&step, 1);
    let fixture = fixture(world, &name);
    let path = format!("/checkout/applicants/{}/reference", world.applicant_id());
    let request = world.control_request("PUT", &path).bytes(
        Some(fixture.content_type),
        fixture.bytes,
        &fixture.name,
    );
    world
        .control(request, 200, "set the reference picture")
        .await;
}

/// The catalogue file called `name`.
fn fixture(world: &CheckoutWorld, name: &str) -> crate::fixtures::Fixture {
    let context = world.context();
    if !context.fixtures.names().any(|n| n == name) {
        world.fail(None, format!("there is no fixture called {name}"));
    }
    context.fixtures.get(name).clone()
}

/// Sends an action on the latest attempt; answers the control API's status.
async fn act_on_attempt(world: &mut CheckoutWorld, action: Value, expected: u16, what: &str) {
    let attempt = id_of(&world.attempt(None).created).unwrap_or_default();
    let request = world
        .control_request("POST", &format!("/checkout/attempts/{attempt}"))
        .text(Some("application/json"), &action.to_string());
    let exchange = world.control(request, expected, what).await;
    if expected == 200 {
        let body = world.json(&exchange);
        let contract = world.context().target.contract;
        if let Err(errors) = contract.check_component("attempt", &body) {
            let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            world.fail(
                Some(&exchange),
                format!(
                    "the control API's attempt breaks schema attempt: {}",
                    lines.join("; ")
                ),
            );
        }
    }
}

/// The `image_base64` action of a fixture.
fn selfie_action(world: &CheckoutWorld, name: &str) -> Value {
    let fixture = fixture(world, name);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&fixture.bytes);
    json!({ "action": "selfie", "image_base64": encoded })
}

pub async fn takes_selfie(world: &mut CheckoutWorld, step: Step) {
    let action = selfie_action(world, &arg(&step, 1));
    act_on_attempt(world, action, 200, "take the selfie").await;
}

pub async fn refuses_selfie(world: &mut CheckoutWorld, step: Step) {
    let action = selfie_action(world, &arg(&step, 1));
    act_on_attempt(world, action, 422, "refuse the file").await;
}

/// The control action a step's verb stands for.
fn action_name(verb: &str) -> &'static str {
    match verb {
        "approves" => "approve",
        "declines" => "decline",
        "aborts" => "abort",
        "refuses" => "refuse",
        _ => "close",
    }
}

/// Sends `action` with the optional code of capture group `code`.
async fn act_with_code(world: &mut CheckoutWorld, step: &Step, action: &str, code: usize) {
    let mut body = json!({ "action": action });
    if let Some(code) = optional_arg(step, code) {
        body["code"] = json!(code.parse::<u32>().expect("a code"));
    }
    act_on_attempt(world, body, 200, &format!("{action} the attempt")).await;
}

pub async fn drives(world: &mut CheckoutWorld, step: Step) {
    let action = action_name(&arg(&step, 1));
    act_with_code(world, &step, action, 2).await;
}

pub async fn makes_inconclusive(world: &mut CheckoutWorld, step: Step) {
    act_with_code(world, &step, "inconclusive", 1).await;
}

pub async fn answered_attempt_as(world: &mut CheckoutWorld, step: Step) {
    let expected = arg(&step, 1);
    let Some(exchange) = world.control_answer.clone() else {
        world.fail(None, "the control API was not called yet")
    };
    let body = world.json(&exchange);
    let status = body.get("status").and_then(Value::as_str);
    if status != Some(expected.as_str()) {
        world.fail(
            Some(&exchange),
            format!("the control API answered the attempt as {status:?}, expected {expected:?}"),
        );
    }
}

pub async fn audits(world: &mut CheckoutWorld, step: Step) {
    let mut audit = json!({ "status": arg(&step, 1) });
    if let Some(code) = optional_arg(&step, 2) {
        audit["code"] = json!(code.parse::<u32>().expect("a code"));
    }
    let path = format!(
        "/checkout/face-authentications/{}/audit",
        world.face_authentication_id()
    );
    let request = world
        .control_request("POST", &path)
        .text(Some("application/json"), &audit.to_string());
    world.control(request, 200, "record the audit").await;
}

pub async fn fails_attempts(world: &mut CheckoutWorld, step: Step) {
    let count: usize = arg(&step, 1).parse().expect("a count");
    for _ in 0..count {
        create_one(world).await;
        open(world).await;
        act_on_attempt(
            world,
            json!({ "action": "abort" }),
            200,
            "abort the attempt",
        )
        .await;
        outcome(world).await;
    }
}
