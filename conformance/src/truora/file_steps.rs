//! Steps about the file links a validation lists with `show_details=true`.

use super::arg;
use super::links::{change_link, Change};
use super::world::TruoraWorld;
use cucumber::step::Context as Step;
use serde_json::Value;

/// Where each kind of file link is listed.
fn pointer(kind: &str) -> &'static str {
    match kind {
        "reference" => "/validation_inputs/validation_input_files",
        _ => "/user_response/input_files",
    }
}

/// The links of `kind` (`reference` or `user`) in the last detailed read.
fn links(world: &TruoraWorld, kind: &str) -> Vec<String> {
    let details = world
        .details
        .clone()
        .unwrap_or_else(|| world.fail(None, "the validation was not read with details yet"));
    details
        .pointer(pointer(kind))
        .and_then(Value::as_array)
        .map(|links| {
            links
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The first link of `kind`; fails when there is none.
fn first_link(world: &TruoraWorld, kind: &str) -> String {
    links(world, kind).into_iter().next().unwrap_or_else(|| {
        world.fail(
            world.answer.as_ref(),
            format!("the details list no {kind} file (at {})", pointer(kind)),
        )
    })
}

pub async fn list(world: &mut TruoraWorld, step: Step) {
    let wanted: (usize, usize) = (
        arg(&step, 1).parse().expect("a count"),
        arg(&step, 2).parse().expect("a count"),
    );
    let found = (links(world, "reference").len(), links(world, "user").len());
    if found != wanted {
        world.fail(
            world.answer.as_ref(),
            format!(
                "expected {} reference and {} user file links, found {} and {}",
                wanted.0, wanted.1, found.0, found.1
            ),
        );
    }
}

pub async fn downloads(world: &mut TruoraWorld, step: Step) {
    let (kind, name) = (arg(&step, 1), arg(&step, 2));
    let link = first_link(world, &kind);
    let fixture = world.fixture(&name);
    let exchange = world
        .send_link(world.context().target.link("GET", &link))
        .await;
    world.expect_status(&exchange, 200, &format!("downloading the {kind} file"));
    if exchange.body != fixture.bytes {
        world.fail(
            Some(&exchange),
            format!(
                "the {kind} file link served {} bytes that are not the {} bytes of {name}",
                exchange.body.len(),
                fixture.bytes.len()
            ),
        );
    }
    let served = exchange
        .content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .map(|ct| ct.trim().to_ascii_lowercase());
    if served.as_deref() != Some(fixture.content_type) {
        world.fail(
            Some(&exchange),
            format!(
                "the {kind} file link served content type {}, expected {}",
                served.as_deref().unwrap_or("(none)"),
                fixture.content_type
            ),
        );
    }
}

pub async fn refused(world: &mut TruoraWorld, step: Step) {
    let (kind, how) = (arg(&step, 1), arg(&step, 2));
    let status = if how == "gone" { 404 } else { 403 };
    let link = first_link(world, &kind);
    let exchange = world
        .send_link(world.context().target.link("GET", &link))
        .await;
    world.expect_status(&exchange, status, &format!("downloading the {kind} file"));
}

pub async fn changed_is_forbidden(world: &mut TruoraWorld, step: Step) {
    let (kind, change) = (arg(&step, 1), Change::parse(&arg(&step, 2)));
    let link =
        change_link(&first_link(world, &kind), change).unwrap_or_else(|e| world.fail(None, e));
    let exchange = world
        .send_link(world.context().target.link("GET", &link))
        .await;
    world.expect_status(
        &exchange,
        403,
        &format!("downloading the changed {kind} file link"),
    );
}

pub async fn lists_no_files(world: &mut TruoraWorld, _: Step) {
    let answer = world.answer();
    let body = world.json(&answer);
    for member in ["validation_inputs", "user_response"] {
        if body.get(member).is_some_and(|v| !v.is_null()) {
            world.fail(
                Some(&answer),
                format!("without details the validation lists {member}"),
            );
        }
    }
}
