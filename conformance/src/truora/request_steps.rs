//! Steps about keys, raw requests, and what an answer must be.

use super::world::{Key, TruoraWorld};
use super::{arg, ENROLLMENTS};
use cucumber::step::Context as Step;
use serde_json::Value;

const FORM: &str = "type=face-recognition&user_authorized=true";

pub async fn use_no_key(world: &mut TruoraWorld, _: Step) {
    world.key = Key::Missing;
}

pub async fn use_key(world: &mut TruoraWorld, step: Step) {
    world.key = Key::Other(arg(&step, 1));
}

pub async fn use_main_key(world: &mut TruoraWorld, _: Step) {
    world.key = Key::Main;
}

pub async fn use_limited_key(world: &mut TruoraWorld, _: Step) {
    world.key = Key::Limited;
}

pub async fn json_enrollment(world: &mut TruoraWorld, _: Step) {
    let body = r#"{"type":"face-recognition","user_authorized":"true"}"#;
    let request = world
        .request("POST", ENROLLMENTS)
        .text(Some("application/json"), body);
    world.act(request).await;
}

pub async fn labelled_form(world: &mut TruoraWorld, step: Step) {
    let request = world
        .request("POST", ENROLLMENTS)
        .text(Some(&arg(&step, 1)), FORM);
    world.act(request).await;
}

pub async fn untyped_form(world: &mut TruoraWorld, _: Step) {
    let request = world.request("POST", ENROLLMENTS).text(None, FORM);
    world.act(request).await;
}

pub async fn raw_form(world: &mut TruoraWorld, step: Step) {
    let request = world
        .request("POST", ENROLLMENTS)
        .text(Some("application/x-www-form-urlencoded"), &arg(&step, 1));
    world.act(request).await;
}

pub async fn oversized_form(world: &mut TruoraWorld, _: Step) {
    let padding = "x".repeat(1024 * 1024);
    let request = world.request("POST", ENROLLMENTS).form([
        ("type", "face-recognition"),
        ("user_authorized", "true"),
        ("note", padding.as_str()),
    ]);
    world.act(request).await;
}

pub async fn succeeds(world: &mut TruoraWorld, _: Step) {
    let answer = world.answer();
    world.expect_status(&answer, 200, "the request");
}

pub async fn refused_with(world: &mut TruoraWorld, step: Step) {
    let status: u16 = arg(&step, 1).parse().expect("a status");
    let answer = world.answer();
    world.expect_status(&answer, status, "the request");
    let http_code = answer
        .json()
        .and_then(|body| body.get("http_code").and_then(Value::as_u64));
    if http_code.is_some_and(|code| code != u64::from(status)) {
        world.fail(
            Some(&answer),
            format!("the error's http_code is not {status}"),
        );
    }
}

/// The message of the last answer.
fn message(world: &TruoraWorld) -> String {
    let answer = world.answer();
    let body = world.json(&answer);
    match body.get("message").and_then(Value::as_str) {
        Some(message) => message.to_string(),
        None => world.fail(Some(&answer), "the answer has no message"),
    }
}

/// Fails unless the last answer's message contains `needle` (ignoring case).
fn expect_mention(world: &TruoraWorld, needle: &str, what: &str) {
    let message = message(world);
    if !message.to_lowercase().contains(&needle.to_lowercase()) {
        world.fail(
            world.answer.as_ref(),
            format!("the error message {message:?} does not mention {what} ({needle:?})"),
        );
    }
}

pub async fn mentions(world: &mut TruoraWorld, step: Step) {
    let needle = arg(&step, 1);
    expect_mention(world, &needle, "it");
}

pub async fn names(world: &mut TruoraWorld, step: Step) {
    let what = arg(&step, 1);
    let needle = match what.as_str() {
        "enrollment" => world.enrollment_id(),
        "account" => world.account(),
        "first validation" => world.validation_id(Some(0)),
        _ => world.validation_id(Some(1)),
    };
    expect_mention(world, &needle, &format!("the {what}"));
}
