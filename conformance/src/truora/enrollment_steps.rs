//! Steps about accounts and enrollments.

use super::world::{table_pairs, text_at, TruoraWorld};
use super::{arg, ENROLLMENTS, FACE};
use cucumber::step::Context as Step;
use serde_json::Value;

/// The enrollment form for the scenario's account.
fn form(world: &TruoraWorld, account: bool, confirmation_none: bool) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("type".to_string(), FACE.to_string()),
        ("user_authorized".to_string(), "true".to_string()),
    ];
    if account {
        pairs.push(("account_id".into(), world.account()));
    }
    if confirmation_none {
        pairs.push(("confirmation".into(), "none".into()));
    }
    pairs
}

/// Sends an enrollment form as an action; a 200 makes the answer the current enrollment.
async fn create(world: &mut TruoraWorld, pairs: Vec<(String, String)>) {
    let exchange = world
        .act(world.request("POST", ENROLLMENTS).form(pairs))
        .await;
    if exchange.status == 200 {
        let body = world.json(&exchange);
        world.account = text_at(&body, "/account_id").or(world.account.clone());
        world.enrollment = Some(body);
    }
}

/// Creates an enrollment that must succeed, optionally uploading `picture` that must be accepted.
async fn enrolled(world: &mut TruoraWorld, picture: Option<&str>, confirmation_none: bool) {
    world.new_account();
    let pairs = form(world, true, confirmation_none);
    create(world, pairs).await;
    let answer = world.answer();
    world.expect_status(&answer, 200, "creating the enrollment");
    if let Some(picture) = picture {
        let link = upload_link(world);
        let exchange = world.send_link(world.upload_request(&link, picture)).await;
        world.expect_status(&exchange, 200, &format!("uploading {picture}"));
    }
}

/// The current enrollment's upload link.
pub fn upload_link(world: &TruoraWorld) -> String {
    let enrollment = world.enrollment();
    text_at(&enrollment, "/file_upload_link").unwrap_or_else(|| {
        world.fail(
            None,
            format!("the enrollment has no file_upload_link: {enrollment}"),
        )
    })
}

pub async fn new_account(world: &mut TruoraWorld, _: Step) {
    world.new_account();
}

pub async fn enrollment_for_new_account(world: &mut TruoraWorld, _: Step) {
    enrolled(world, None, false).await;
}

pub async fn enrolled_with(world: &mut TruoraWorld, step: Step) {
    enrolled(world, Some(&arg(&step, 1)), false).await;
}

pub async fn enrolled_without_confirmation_with(world: &mut TruoraWorld, step: Step) {
    enrolled(world, Some(&arg(&step, 1)), true).await;
}

pub async fn create_for_account(world: &mut TruoraWorld, _: Step) {
    let pairs = form(world, true, false);
    create(world, pairs).await;
}

pub async fn create_without_account(world: &mut TruoraWorld, _: Step) {
    let pairs = form(world, false, false);
    create(world, pairs).await;
}

pub async fn create_without_confirmation(world: &mut TruoraWorld, _: Step) {
    let pairs = form(world, true, true);
    create(world, pairs).await;
}

pub async fn send_form(world: &mut TruoraWorld, step: Step) {
    create(world, table_pairs(&step.step)).await;
}

pub async fn read_id(world: &mut TruoraWorld, step: Step) {
    let path = format!("{ENROLLMENTS}/{}", arg(&step, 1));
    world.act(world.request("GET", &path)).await;
}

pub async fn delete(world: &mut TruoraWorld, _: Step) {
    let path = format!("{ENROLLMENTS}/{}", world.enrollment_id());
    world.act(world.request("DELETE", &path)).await;
}

pub async fn delete_id(world: &mut TruoraWorld, step: Step) {
    let path = format!("{ENROLLMENTS}/{}", arg(&step, 1));
    world.act(world.request("DELETE", &path)).await;
}

pub async fn was_deleted(world: &mut TruoraWorld, _: Step) {
    let path = format!("{ENROLLMENTS}/{}", world.enrollment_id());
    let exchange = world.send(world.request("DELETE", &path)).await;
    world.expect_status(&exchange, 200, "deleting the enrollment");
}

/// Fails unless the enrollment reads with `status` and `reason` (no reason: absent).
async fn expect_state(world: &mut TruoraWorld, status: &str, reason: Option<&str>) {
    let state = |body: &Value| {
        (
            text_at(body, "/status"),
            body.get("reason")
                .filter(|r| !r.is_null())
                .and_then(Value::as_str)
                .map(str::to_string),
        )
    };
    let wanted = (Some(status.to_string()), reason.map(str::to_string));
    let (exchange, body) = world.settled_enrollment(|body| state(body) == wanted).await;
    let (got_status, got_reason) = state(&body);
    if (got_status.clone(), got_reason.clone()) != wanted {
        world.fail(
            Some(&exchange),
            format!(
                "expected the enrollment to be {status} ({}), it is {} ({})",
                reason.unwrap_or("no reason"),
                got_status.as_deref().unwrap_or("without status"),
                got_reason.as_deref().unwrap_or("no reason")
            ),
        );
    }
}

pub async fn is_status_because(world: &mut TruoraWorld, step: Step) {
    expect_state(world, &arg(&step, 1), Some(&arg(&step, 2))).await;
}

pub async fn has_succeeded(world: &mut TruoraWorld, _: Step) {
    expect_state(world, "success", None).await;
}

pub async fn has_failed_because(world: &mut TruoraWorld, step: Step) {
    expect_state(world, "failure", Some(&arg(&step, 1))).await;
}

pub async fn no_longer_exists(world: &mut TruoraWorld, _: Step) {
    let path = format!("{ENROLLMENTS}/{}", world.enrollment_id());
    let exchange = world.send(world.request("GET", &path)).await;
    world.expect_status(&exchange, 404, "reading the deleted enrollment");
}

pub async fn has_upload_link(world: &mut TruoraWorld, _: Step) {
    let link = upload_link(world);
    if !(link.starts_with("https://") || link.starts_with("http://")) {
        world.fail(
            world.answer.as_ref(),
            format!("file_upload_link is not an absolute URL: {link}"),
        );
    }
}

pub async fn has_generated_account(world: &mut TruoraWorld, _: Step) {
    let enrollment = world.enrollment();
    let account = text_at(&enrollment, "/account_id").unwrap_or_default();
    let valid = !account.is_empty()
        && account
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if !valid {
        world.fail(
            world.answer.as_ref(),
            format!("expected a generated account_id matching [a-zA-Z0-9_.-]+, got {account:?}"),
        );
    }
}

pub async fn reads_as_created(world: &mut TruoraWorld, _: Step) {
    let created = world.enrollment();
    let path = format!("{ENROLLMENTS}/{}", world.enrollment_id());
    let (exchange, body) = world.read(&path).await;
    if !super::world::same_json(&created, &body) {
        world.fail(
            Some(&exchange),
            format!("reading the enrollment answered something else than its creation: {created}"),
        );
    }
}
