//! Steps about keys, raw requests, and what an answer must be.

use super::world::field_mismatch;
use super::world::{applicant_path, at, attempt_path, face_authentication_path, CheckoutWorld};
use super::world::{Key, REQUEST_ID};
use super::{arg, docstring, APPLICANTS, FACE_AUTHENTICATIONS};
use bytes::Bytes;
use cucumber::step::Context as Step;
use regex::Regex;
use serde_json::Value;
use std::sync::OnceLock;

pub async fn use_no_key(world: &mut CheckoutWorld, _: Step) {
    world.key = Key::Missing;
}

/// `(the main key)` in the header stands for the key given with `--key`.
pub async fn use_header(world: &mut CheckoutWorld, step: Step) {
    let key = world.context().target.key.clone();
    world.key = Key::Header(arg(&step, 1).replace("(the main key)", &key));
}

pub async fn use_main_key(world: &mut CheckoutWorld, _: Step) {
    world.key = Key::Main;
}

pub async fn use_second_key(world: &mut CheckoutWorld, _: Step) {
    world.key = Key::Second;
}

pub async fn use_videos_key(world: &mut CheckoutWorld, _: Step) {
    world.key = Key::Videos;
}

/// The path of the operation a raw body is sent to.
fn operation_path(world: &CheckoutWorld, operation: &str) -> (&'static str, String) {
    match operation {
        "create an applicant" => ("POST", APPLICANTS.to_string()),
        "create a face authentication" => ("POST", FACE_AUTHENTICATIONS.to_string()),
        "create an attempt" => (
            "POST",
            format!(
                "{}/attempts",
                face_authentication_path(&world.face_authentication_id())
            ),
        ),
        _ => ("PATCH", applicant_path(&world.applicant_id())),
    }
}

pub async fn send_body(world: &mut CheckoutWorld, step: Step) {
    let content_type = arg(&step, 1);
    let (method, path) = operation_path(world, &arg(&step, 2));
    let body = docstring(&step);
    let request = world
        .request(method, &path)
        .text(Some(&content_type), body.trim_end_matches('\n'));
    world.act(request).await;
}

pub async fn send_untyped(world: &mut CheckoutWorld, _: Step) {
    let request = world.request("POST", APPLICANTS).text(None, "{}");
    world.act(request).await;
}

pub async fn send_oversized(world: &mut CheckoutWorld, _: Step) {
    let padding = "x".repeat(1024 * 1024);
    let body = format!("{{\"external_applicant_name\": \"{padding}\"}}");
    let request = world.request("POST", APPLICANTS).bytes(
        Some("application/json"),
        Bytes::from(body),
        "large-applicant.json",
    );
    world.act(request).await;
}

pub async fn send_method_to_path(world: &mut CheckoutWorld, step: Step) {
    let request = world.request(&arg(&step, 1), &arg(&step, 2));
    world.act_undocumented(request).await;
}

pub async fn send_method_to_applicant(world: &mut CheckoutWorld, step: Step) {
    let path = applicant_path(&world.applicant_id());
    let request = world.request(&arg(&step, 1), &path);
    world.act_undocumented(request).await;
}

pub async fn succeeds_with(world: &mut CheckoutWorld, step: Step) {
    let status: u16 = arg(&step, 1).parse().expect("a status");
    let answer = world.answer();
    world.expect_status(&answer, status, "the request");
}

/// The documented `error_type` of each error status (docs/checkout.md, Errors).
pub fn error_type(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "request_malformed",
        404 => "resource_not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "request_too_large",
        422 => "request_invalid",
        _ => return None,
    })
}

pub async fn refused_with(world: &mut CheckoutWorld, step: Step) {
    let status: u16 = arg(&step, 1).parse().expect("a status");
    let answer = world.answer();
    world.expect_status(&answer, status, "the request");
    if let Some(expected) = error_type(status) {
        let body = world.json(&answer);
        let shown = body.get("error_type").and_then(Value::as_str);
        if shown != Some(expected) {
            world.fail(
                Some(&answer),
                format!("the error_type is {shown:?}, expected {expected:?} for {status}"),
            );
        }
    }
}

/// The `error_codes` of the last answer.
fn error_codes(world: &CheckoutWorld) -> Vec<String> {
    let answer = world.answer();
    let body = world.json(&answer);
    match body.get("error_codes").and_then(Value::as_array) {
        Some(codes) => codes
            .iter()
            .map(|c| c.as_str().unwrap_or_default().to_string())
            .collect(),
        None => world.fail(Some(&answer), "the answer has no error_codes"),
    }
}

/// The items of a comma-separated list.
pub fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub async fn error_codes_are(world: &mut CheckoutWorld, step: Step) {
    let expected = list(&arg(&step, 1));
    let codes = error_codes(world);
    if codes != expected {
        world.fail(
            world.answers.last(),
            format!("the error codes are {codes:?}, expected {expected:?} in this order"),
        );
    }
}

pub async fn error_codes_one_of(world: &mut CheckoutWorld, step: Step) {
    let allowed = list(&arg(&step, 1));
    let codes = error_codes(world);
    if codes.len() != 1 || !allowed.contains(&codes[0]) {
        world.fail(
            world.answers.last(),
            format!("the error codes are {codes:?}, expected one of {allowed:?}"),
        );
    }
}

/// The JSON body of the last answer.
fn answer_body(world: &CheckoutWorld) -> Value {
    let answer = world.answer();
    world.json(&answer)
}

pub async fn field_is(world: &mut CheckoutWorld, step: Step) {
    let body = answer_body(world);
    if let Some(problem) = field_mismatch(&body, &arg(&step, 1), &arg(&step, 2)) {
        world.fail(world.answers.last(), problem);
    }
}

pub async fn field_starts_with(world: &mut CheckoutWorld, step: Step) {
    let (field, prefix) = (arg(&step, 1), arg(&step, 2));
    let body = answer_body(world);
    let shown = at(&body, &field).and_then(Value::as_str);
    if !shown.is_some_and(|s| s.starts_with(&prefix)) {
        world.fail(
            world.answers.last(),
            format!("the answer's {field:?} is {shown:?}, expected it to start with {prefix:?}"),
        );
    }
}

pub async fn has_no_field(world: &mut CheckoutWorld, step: Step) {
    let field = arg(&step, 1);
    let body = answer_body(world);
    if let Some(value) = at(&body, &field).filter(|v| !v.is_null()) {
        world.fail(
            world.answers.last(),
            format!("the answer has {field:?} = {value}, expected none"),
        );
    }
}

fn utc_whole_seconds() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$").expect("regex"))
}

pub async fn timestamps(world: &mut CheckoutWorld, _: Step) {
    let body = answer_body(world);
    for field in ["created_on", "modified_on"] {
        let shown = body.get(field).and_then(Value::as_str);
        if !shown.is_some_and(|t| utc_whole_seconds().is_match(t)) {
            world.fail(
                world.answers.last(),
                format!(
                    "{field} is {shown:?}, expected UTC with whole seconds (2025-07-21T17:32:28Z)"
                ),
            );
        }
    }
}

/// The API path of the resource a body describes, from its id's prefix.
fn resource_path(world: &CheckoutWorld, body: &Value) -> String {
    let id = body.get("id").and_then(Value::as_str).unwrap_or_default();
    if id.starts_with("aplt_") {
        applicant_path(id)
    } else if id.starts_with("fav_") {
        face_authentication_path(id)
    } else if id.starts_with("fatp_") {
        attempt_path(&world.face_authentication_id(), id)
    } else {
        world.fail(
            world.answers.last(),
            format!("{id:?} names no known resource"),
        )
    }
}

pub async fn links_to_itself(world: &mut CheckoutWorld, _: Step) {
    let body = answer_body(world);
    let path = resource_path(world, &body);
    let href = at(&body, "_links.self.href").and_then(Value::as_str);
    if !href.is_some_and(|h| h.ends_with(&path)) {
        world.fail(
            world.answers.last(),
            format!("_links.self.href is {href:?}, expected a URL ending with {path}"),
        );
    }
}

pub async fn reads_as(world: &mut CheckoutWorld, step: Step) {
    let what = arg(&step, 1);
    let (path, expected) = match what.as_str() {
        "applicant" => (applicant_path(&world.applicant_id()), world.applicant()),
        "face authentication" => (
            face_authentication_path(&world.face_authentication_id()),
            world.face_authentication(),
        ),
        _ => (world.attempt_path(None), world.attempt(None).created),
    };
    let expected = if arg(&step, 2) == "the last request" {
        answer_body(world)
    } else {
        expected
    };
    let (exchange, body) = world.read(&path).await;
    if body != expected {
        world.fail(
            Some(&exchange),
            format!("reading the {what} answers {body}, expected {expected}"),
        );
    }
}

pub async fn carries_request_id(world: &mut CheckoutWorld, _: Step) {
    let answer = world.answer();
    if answer.header(REQUEST_ID).is_none_or(str::is_empty) {
        world.fail(Some(&answer), format!("no {REQUEST_ID} header"));
    }
}

pub async fn error_repeats_request_id(world: &mut CheckoutWorld, _: Step) {
    let answer = world.answer();
    let body = world.json(&answer);
    let header = answer.header(REQUEST_ID);
    if header.is_none() || body.get("request_id").and_then(Value::as_str) != header {
        world.fail(
            Some(&answer),
            format!("the error's request_id is not the {REQUEST_ID} header"),
        );
    }
}

pub async fn different_request_ids(world: &mut CheckoutWorld, _: Step) {
    let [.., first, second] = world.answers.as_slice() else {
        world.fail(None, "fewer than two requests were sent")
    };
    if first.header(REQUEST_ID) == second.header(REQUEST_ID) {
        world.fail(
            Some(second),
            format!(
                "two answers carry the same {REQUEST_ID} {:?}",
                second.header(REQUEST_ID)
            ),
        );
    }
}
