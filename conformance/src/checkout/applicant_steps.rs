//! Steps about applicants.

use super::body::object_text;
use super::world::{applicant_path, CheckoutWorld};
use super::{arg, optional_arg, table_fields, APPLICANTS};
use crate::target::Exchange;
use cucumber::step::Context as Step;
use serde_json::Value;

/// An external applicant id no other applicant of any run has (`ext_conf_<run>_<n>`).
pub fn unique_external_id(world: &CheckoutWorld) -> String {
    format!("ext_{}", world.context().unique().replace('-', "_"))
}

/// Sends a creation body; a 201 makes its answer the current applicant.
async fn create(world: &mut CheckoutWorld, body: &str) -> Exchange {
    let request = world.json_request("POST", APPLICANTS, body);
    let exchange = world.act(request).await;
    if exchange.status == 201 {
        let created = world.json(&exchange);
        world.applicants.push(created);
    }
    exchange
}

/// Creates an applicant that must be created.
async fn given(world: &mut CheckoutWorld, external_id: &str) {
    let body = serde_json::json!({
        "external_applicant_id": external_id,
        "email": "conformance@example.com",
        "external_applicant_name": "Conformance Applicant",
    });
    let exchange = create(world, &body.to_string()).await;
    world.expect_status(&exchange, 201, "creating an applicant");
}

pub async fn given_applicant(world: &mut CheckoutWorld, _: Step) {
    let external_id = unique_external_id(world);
    given(world, &external_id).await;
}

pub async fn given_with_external_id(world: &mut CheckoutWorld, step: Step) {
    given(world, &arg(&step, 1)).await;
}

pub async fn create_with(world: &mut CheckoutWorld, step: Step) {
    let fields = table_fields(world, &step);
    create(world, &object_text(&fields)).await;
}

pub async fn create_without_fields(world: &mut CheckoutWorld, _: Step) {
    create(world, "{}").await;
}

/// The applicant a step names: the id it quotes, else the current applicant.
fn path(world: &CheckoutWorld, step: &Step) -> String {
    let id = optional_arg(step, 1).unwrap_or_else(|| world.applicant_id());
    applicant_path(&id)
}

pub async fn read(world: &mut CheckoutWorld, step: Step) {
    let request = world.request("GET", &path(world, &step));
    world.act(request).await;
}

pub async fn update_with(world: &mut CheckoutWorld, step: Step) {
    let fields = table_fields(world, &step);
    let request = world.json_request("PATCH", &path(world, &step), &object_text(&fields));
    world.act(request).await;
}

pub async fn update_id(world: &mut CheckoutWorld, step: Step) {
    let body = object_text(&[("email".to_string(), Value::from("someone@example.com"))]);
    let request = world.json_request("PATCH", &path(world, &step), &body);
    world.act(request).await;
}

pub async fn anonymize(world: &mut CheckoutWorld, step: Step) {
    let request = world.request("POST", &format!("{}/anonymize", path(world, &step)));
    world.act(request).await;
}

pub async fn keeps_identity(world: &mut CheckoutWorld, _: Step) {
    let created = world.applicant();
    let answer = world.answer();
    let body = world.json(&answer);
    for field in ["id", "external_applicant_id", "created_on"] {
        let (before, now) = (created.get(field), body.get(field));
        if before != now {
            world.fail(
                Some(&answer),
                format!("the applicant's {field} was {before:?} and is now {now:?}"),
            );
        }
    }
    let modified = body.get("modified_on").and_then(Value::as_str);
    let created_on = body.get("created_on").and_then(Value::as_str);
    if modified < created_on {
        world.fail(
            Some(&answer),
            format!("modified_on {modified:?} is before created_on {created_on:?}"),
        );
    }
}
