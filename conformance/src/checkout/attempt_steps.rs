//! Steps about attempts: creating, reading and opening them.

use super::body::object_text;
use super::face_authentication_steps;
use super::world::{at, attempt_path, face_authentication_path, id_of, Attempt, CheckoutWorld};
use super::{arg, optional_arg, ordinal, outcome_code, table_fields, REDIRECT_URL};
use crate::target::Exchange;
use cucumber::step::Context as Step;
use serde_json::{json, Value};

/// `/face-authentications/{id}/attempts` of the face authentication a step names (the id it
/// quotes in group `group`, else the current one).
fn attempts_path(world: &CheckoutWorld, step: &Step, group: usize) -> String {
    let id = optional_arg(step, group).unwrap_or_else(|| world.face_authentication_id());
    format!("{}/attempts", face_authentication_path(&id))
}

/// Sends a creation body to `path`; a 201 records the attempt.
async fn create(world: &mut CheckoutWorld, path: &str, body: &str) -> Exchange {
    let request = world.json_request("POST", path, body);
    let exchange = world.act(request).await;
    if exchange.status == 201 {
        let created = world.json(&exchange);
        let face_authentication = path
            .trim_start_matches("/face-authentications/")
            .trim_end_matches("/attempts")
            .to_string();
        world.attempts.push(Attempt {
            face_authentication,
            created,
        });
    }
    exchange
}

fn default_body() -> String {
    json!({ "redirect_url": REDIRECT_URL }).to_string()
}

/// Creates an attempt for the current face authentication that must be created.
pub async fn create_one(world: &mut CheckoutWorld) {
    let path = format!(
        "{}/attempts",
        face_authentication_path(&world.face_authentication_id())
    );
    let exchange = create(world, &path, &default_body()).await;
    world.expect_status(&exchange, 201, "creating an attempt");
}

pub async fn given(world: &mut CheckoutWorld, _: Step) {
    create_one(world).await;
}

pub async fn given_many(world: &mut CheckoutWorld, step: Step) {
    let count: usize = arg(&step, 1).parse().expect("a count");
    for _ in 0..count {
        create_one(world).await;
    }
}

pub async fn create_for(world: &mut CheckoutWorld, step: Step) {
    let path = attempts_path(world, &step, 1);
    create(world, &path, &default_body()).await;
}

pub async fn create_with(world: &mut CheckoutWorld, step: Step) {
    let fields = table_fields(world, &step);
    let path = format!(
        "{}/attempts",
        face_authentication_path(&world.face_authentication_id())
    );
    create(world, &path, &object_text(&fields)).await;
}

pub async fn read(world: &mut CheckoutWorld, _: Step) {
    let request = world.request("GET", &world.attempt_path(None));
    world.act(request).await;
}

pub async fn read_id(world: &mut CheckoutWorld, step: Step) {
    let face_authentication =
        optional_arg(&step, 2).unwrap_or_else(|| world.face_authentication_id());
    let request = world.request("GET", &attempt_path(&face_authentication, &arg(&step, 1)));
    world.act(request).await;
}

/// Creates another face authentication for the current applicant and answers its id, leaving
/// the current face authentication as it was.
pub async fn another_face_authentication(world: &mut CheckoutWorld) -> String {
    let body = face_authentication_steps::body_for(world, &world.applicant_id());
    let exchange = face_authentication_steps::create(world, &body).await;
    world.expect_status(&exchange, 201, "creating another face authentication");
    let other = world
        .face_authentications
        .pop()
        .expect("the face authentication just created");
    world.answers.pop();
    id_of(&other).unwrap_or_else(|| world.fail(Some(&exchange), "it has no id"))
}

pub async fn read_through_another(world: &mut CheckoutWorld, _: Step) {
    let attempt = id_of(&world.attempt(None).created).unwrap_or_default();
    let other = another_face_authentication(world).await;
    let request = world.request("GET", &attempt_path(&other, &attempt));
    world.act(request).await;
}

pub async fn is_status(world: &mut CheckoutWorld, step: Step) {
    let which = ordinal(&arg(&step, 1));
    let status = arg(&step, 2);
    let code = outcome_code(&step, 3, 4);
    let (exchange, body) = world.settled_attempt(which, &status).await;
    world.expect_outcome(&exchange, &body, "the attempt", &status, code);
}

pub async fn has_verification_url(world: &mut CheckoutWorld, _: Step) {
    let answer = world.answer();
    let body = world.json(&answer);
    let href = at(&body, "_links.verification_url.href").and_then(Value::as_str);
    let absolute = href.is_some_and(|h| reqwest::Url::parse(h).is_ok_and(|u| u.has_host()));
    if !absolute {
        world.fail(
            Some(&answer),
            format!("_links.verification_url.href is {href:?}, expected an absolute URL"),
        );
    }
}

/// Opens the latest attempt's verification URL as a browser would: the page must load.
pub async fn open(world: &mut CheckoutWorld) {
    let created = world.attempt(None).created;
    let Some(url) = at(&created, "_links.verification_url.href").and_then(Value::as_str) else {
        world.fail(
            None,
            format!("the attempt has no verification URL: {created}"),
        )
    };
    let request = world
        .context()
        .target
        .link("GET", url)
        .header("Accept", "text/html");
    let page = world.send_link(request).await;
    world.expect_status(&page, 200, "opening the verification URL");
    let html = page
        .content_type
        .as_deref()
        .is_some_and(|t| t.starts_with("text/html"));
    if !html {
        world.fail(Some(&page), "the verification URL is not an HTML page");
    }
}

pub async fn opens_verification_url(world: &mut CheckoutWorld, _: Step) {
    open(world).await;
}

/// Waits until the current face authentication leaves the capture and the checks, and
/// answers its status.
pub async fn outcome(world: &mut CheckoutWorld) -> String {
    let (exchange, body) = world.settled_face_authentication("").await;
    let status = body
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !["retry_required", "inconclusive"].contains(&status) {
        world.fail(
            Some(&exchange),
            format!("the attempt should have failed, but the face authentication is {status:?}"),
        );
    }
    status.to_string()
}

pub async fn fails_attempts(world: &mut CheckoutWorld, step: Step) {
    let count: usize = arg(&step, 1).parse().expect("a count");
    for _ in 0..count {
        create_one(world).await;
        open(world).await;
        outcome(world).await;
    }
}
