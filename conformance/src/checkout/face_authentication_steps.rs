//! Steps about face authentications.

use super::body::object_text;
use super::world::{applicant_path, at, face_authentication_path, CheckoutWorld};
use super::{arg, optional_arg, outcome_code, table_fields, user_journey, FACE_AUTHENTICATIONS};
use crate::target::Exchange;
use cucumber::step::Context as Step;
use serde_json::{json, Value};

/// Sends a creation body; a 201 makes its answer the current face authentication.
pub async fn create(world: &mut CheckoutWorld, body: &str) -> Exchange {
    let request = world.json_request("POST", FACE_AUTHENTICATIONS, body);
    let exchange = world.act(request).await;
    if exchange.status == 201 {
        let created = world.json(&exchange);
        world.face_authentications.push(created);
    }
    exchange
}

/// The creation body for `applicant` with the run's user journey.
pub fn body_for(world: &CheckoutWorld, applicant: &str) -> String {
    let journey = user_journey(&world.context().target);
    json!({ "applicant_id": applicant, "user_journey_id": journey }).to_string()
}

pub async fn given(world: &mut CheckoutWorld, _: Step) {
    let body = body_for(world, &world.applicant_id());
    let exchange = create(world, &body).await;
    world.expect_status(&exchange, 201, "creating a face authentication");
}

pub async fn create_for_applicant(world: &mut CheckoutWorld, step: Step) {
    let applicant = optional_arg(&step, 1).unwrap_or_else(|| world.applicant_id());
    let body = body_for(world, &applicant);
    create(world, &body).await;
}

pub async fn create_with(world: &mut CheckoutWorld, step: Step) {
    let fields = table_fields(world, &step);
    create(world, &object_text(&fields)).await;
}

/// The face authentication a step names: the id it quotes, else the current one.
fn path(world: &CheckoutWorld, step: &Step) -> String {
    let id = optional_arg(step, 1).unwrap_or_else(|| world.face_authentication_id());
    face_authentication_path(&id)
}

pub async fn read(world: &mut CheckoutWorld, step: Step) {
    let request = world.request("GET", &path(world, &step));
    world.act(request).await;
}

pub async fn anonymize(world: &mut CheckoutWorld, step: Step) {
    let request = world.request("POST", &format!("{}/anonymize", path(world, &step)));
    world.act(request).await;
}

pub async fn is_status(world: &mut CheckoutWorld, step: Step) {
    let status = arg(&step, 1);
    let code = outcome_code(&step, 2, 3);
    let (exchange, body) = world.settled_face_authentication(&status).await;
    world.expect_outcome(&exchange, &body, "the face authentication", &status, code);
}

/// The current face authentication as it reads now.
async fn current(world: &mut CheckoutWorld) -> (Exchange, Value) {
    let path = face_authentication_path(&world.face_authentication_id());
    world.read(&path).await
}

pub async fn has_risk_label(world: &mut CheckoutWorld, step: Step) {
    let label = arg(&step, 1);
    let (exchange, body) = current(world).await;
    let labels = body.get("risk_labels").cloned().unwrap_or(Value::Null);
    if labels != json!([label]) {
        world.fail(
            Some(&exchange),
            format!("the risk labels are {labels}, expected [{label:?}]"),
        );
    }
}

pub async fn has_no_risk_label(world: &mut CheckoutWorld, _: Step) {
    let (exchange, body) = current(world).await;
    let labels = body.get("risk_labels").cloned().unwrap_or(Value::Null);
    if labels != json!([]) {
        world.fail(
            Some(&exchange),
            format!("the risk labels are {labels}, expected []"),
        );
    }
}

pub async fn names_what_was_sent(world: &mut CheckoutWorld, _: Step) {
    let answer = world.answer();
    let body = world.json(&answer);
    let sent = [
        ("applicant_id", world.applicant_id()),
        ("user_journey_id", user_journey(&world.context().target)),
    ];
    for (field, value) in sent {
        if body.get(field).and_then(Value::as_str) != Some(value.as_str()) {
            world.fail(
                Some(&answer),
                format!("the answer's {field} is not the {value} sent"),
            );
        }
    }
}

pub async fn links_to_applicant(world: &mut CheckoutWorld, _: Step) {
    let answer = world.answer();
    let body = world.json(&answer);
    let path = applicant_path(&world.applicant_id());
    let href = at(&body, "_links.applicant.href").and_then(Value::as_str);
    if !href.is_some_and(|h| h.ends_with(&path)) {
        world.fail(
            Some(&answer),
            format!("_links.applicant.href is {href:?}, expected a URL ending with {path}"),
        );
    }
}

pub async fn has_attempts(world: &mut CheckoutWorld, step: Step) {
    let expected: u64 = arg(&step, 1).parse().expect("a count");
    let path = format!(
        "{}/attempts",
        face_authentication_path(&world.face_authentication_id())
    );
    let (exchange, body) = world.read(&path).await;
    let total = body.get("total_count").and_then(Value::as_u64);
    if total != Some(expected) {
        world.fail(
            Some(&exchange),
            format!("the face authentication has {total:?} attempts, expected {expected}"),
        );
    }
}

pub async fn face_image_downloads(world: &mut CheckoutWorld, _: Step) {
    let (exchange, body) = current(world).await;
    let Some(url) = at(&body, "face.image_signed_url").and_then(Value::as_str) else {
        world.fail(
            Some(&exchange),
            "the face authentication has no face.image_signed_url",
        )
    };
    let request = world.context().target.link("GET", url);
    let download = world.send_link(request).await;
    super::asset_steps::expect_file(world, &download, "image/");
}
