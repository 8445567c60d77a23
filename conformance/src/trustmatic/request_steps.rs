//! Steps about credentials, raw requests, and refusals outside the check.

use super::endpoint::Endpoint;
use super::world::{Credentials, TrustmaticWorld};
use crate::checkout::world::{at, field_mismatch};
use crate::scenarios::steps::{arg, docstring};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use cucumber::step::Context as Step;
use serde_json::Value;

/// The body limit of docs/trustmatic.md (`trustmatic.max_body_bytes`, 20 MB).
const BODY_LIMIT: usize = 20 * 1024 * 1024;

pub async fn use_no_credentials(world: &mut TrustmaticWorld, _: Step) {
    world.credentials = Credentials::Missing;
}

pub async fn use_main_credentials(world: &mut TrustmaticWorld, _: Step) {
    world.credentials = Credentials::Main;
}

/// `(the credentials)` in the header stands for the Base64 of `--key`.
pub async fn use_header(world: &mut TrustmaticWorld, step: Step) {
    let encoded = world.context().target.key.clone();
    let header = arg(&step, 1).replace("(the credentials)", &encoded);
    world.credentials = Credentials::Header(header);
}

/// Basic credentials with the `--key` username or password replaced.
pub async fn use_changed_credentials(world: &mut TrustmaticWorld, step: Step) {
    let (username, password) = world.username_and_password();
    let replacement = arg(&step, 2);
    let pair = match arg(&step, 1).as_str() {
        "password" => format!("{username}:{replacement}"),
        _ => format!("{replacement}:{password}"),
    };
    world.credentials = Credentials::Header(format!("Basic {}", STANDARD.encode(pair)));
}

/// The endpoint a step names in words.
pub fn endpoint(world: &TrustmaticWorld, words: &str) -> Endpoint {
    Endpoint::named(words).unwrap_or_else(|| world.fail(None, format!("no endpoint {words:?}")))
}

pub async fn send_body(world: &mut TrustmaticWorld, step: Step) {
    let content_type = arg(&step, 1);
    let endpoint = endpoint(world, &arg(&step, 2));
    let body = docstring(&step);
    let request = world
        .request("POST", endpoint.path())
        .text(Some(&content_type), body.trim_end_matches('\n'));
    world.act(request).await;
}

pub async fn send_untyped(world: &mut TrustmaticWorld, step: Step) {
    let endpoint = endpoint(world, &arg(&step, 1));
    let body = format!("{{\"sessionId\": \"{}\"}}", world.session_id());
    let request = world.request("POST", endpoint.path()).text(None, &body);
    world.act(request).await;
}

pub async fn send_oversized(world: &mut TrustmaticWorld, step: Step) {
    let endpoint = endpoint(world, &arg(&step, 1));
    let padding = "x".repeat(BODY_LIMIT + 1);
    let body = format!("{{\"padding\": \"{padding}\"}}");
    let request = world.request("POST", endpoint.path()).bytes(
        Some("application/json"),
        Bytes::from(body),
        "over-20-mb.json",
    );
    world.act(request).await;
}

pub async fn send_padded(world: &mut TrustmaticWorld, step: Step) {
    let megabytes: usize = arg(&step, 1).parse().expect("a number of megabytes");
    let probe = world.cell("alice-selfie.jpg").await.unwrap_or_default();
    let reference = world.cell("alice-reference.png").await.unwrap_or_default();
    let body = serde_json::json!({
        "sessionId": world.session_id(),
        "probe": {"imageBase64": probe},
        "reference": {"imageBase64": reference},
        "padding": "x".repeat(megabytes * 1024 * 1024),
    });
    let request = world.request("POST", Endpoint::FaceVerify.path()).bytes(
        Some("application/json"),
        Bytes::from(body.to_string()),
        "padded-verification.json",
    );
    world.act(request).await;
}

pub async fn send_method_to_path(world: &mut TrustmaticWorld, step: Step) {
    let request = world.request(&arg(&step, 1), &arg(&step, 2));
    world.act_undocumented(request).await;
}

pub async fn refused_with(world: &mut TrustmaticWorld, step: Step) {
    let status: u16 = arg(&step, 1).parse().expect("a status");
    let code = arg(&step, 2);
    let answer = world.answer();
    world.expect_status(&answer, status, "the request");
    let body = world.json(&answer);
    let shown = body.get("error").and_then(Value::as_str);
    if shown != Some(code.as_str()) {
        world.fail(
            Some(&answer),
            format!("the error is {shown:?}, expected {code:?} with {status}"),
        );
    }
}

pub async fn unauthorized(world: &mut TrustmaticWorld, _: Step) {
    let answer = world.answer();
    world.expect_status(&answer, 401, "the request");
}

pub async fn challenge_names_realm(world: &mut TrustmaticWorld, step: Step) {
    let answer = world.answer();
    let expected = format!("Basic realm=\"{}\"", arg(&step, 1));
    if answer.header("WWW-Authenticate") != Some(expected.as_str()) {
        world.fail(
            Some(&answer),
            format!(
                "WWW-Authenticate is {:?}, expected {expected:?}",
                answer.header("WWW-Authenticate")
            ),
        );
    }
}

pub async fn allows_only_post(world: &mut TrustmaticWorld, _: Step) {
    let answer = world.answer();
    if answer.header("Allow").map(str::trim) != Some("POST") {
        world.fail(
            Some(&answer),
            format!("Allow is {:?}, expected \"POST\"", answer.header("Allow")),
        );
    }
}

pub async fn explains_in_header(world: &mut TrustmaticWorld, step: Step) {
    let answer = world.answer();
    let header = arg(&step, 1);
    if answer.header(&header).is_none_or(|v| v.trim().is_empty()) {
        world.fail(Some(&answer), format!("the answer has no {header} header"));
    }
}

pub async fn field_is(world: &mut TrustmaticWorld, step: Step) {
    let answer = world.answer();
    let body = world.json(&answer);
    if let Some(problem) = field_mismatch(&body, &arg(&step, 1), &arg(&step, 2)) {
        world.fail(Some(&answer), problem);
    }
}

pub async fn has_no_field(world: &mut TrustmaticWorld, step: Step) {
    let field = arg(&step, 1);
    let answer = world.answer();
    let body = world.json(&answer);
    if let Some(value) = at(&body, &field) {
        world.fail(
            Some(&answer),
            format!("the answer has {field:?} = {value}, expected none"),
        );
    }
}
