//! Steps about validations: creating, reading, waiting for them, retrying them, and what they
//! report.

use super::world::{same_json, table_pairs, text_at, TruoraWorld};
use super::{arg, FACE, VALIDATIONS};
use crate::target::Exchange;
use cucumber::step::Context as Step;
use serde_json::Value;

/// The base validation form for `account`, followed by `extra` pairs.
fn form(account: String, extra: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("type".to_string(), FACE.to_string()),
        ("user_authorized".to_string(), "true".to_string()),
        ("account_id".to_string(), account),
    ];
    pairs.extend(extra);
    pairs
}

/// Sends a validation form as an action; a 200 makes the answer the current validation.
async fn create(world: &mut TruoraWorld, pairs: Vec<(String, String)>) -> Exchange {
    let exchange = world
        .act(world.request("POST", VALIDATIONS).form(pairs))
        .await;
    if exchange.status == 200 {
        let body = world.json(&exchange);
        world.validations.push(body);
        world.details = None;
    }
    exchange
}

/// Creates a validation that must succeed.
async fn created(world: &mut TruoraWorld, extra: Vec<(String, String)>) {
    let pairs = form(world.account(), extra);
    let exchange = create(world, pairs).await;
    world.expect_status(&exchange, 200, "creating the validation");
}

pub async fn given(world: &mut TruoraWorld, _: Step) {
    created(world, Vec::new()).await;
}

pub async fn given_with(world: &mut TruoraWorld, step: Step) {
    created(world, table_pairs(&step.step)).await;
}

pub async fn create_for_account(world: &mut TruoraWorld, _: Step) {
    let pairs = form(world.account(), Vec::new());
    create(world, pairs).await;
}

pub async fn create_with(world: &mut TruoraWorld, step: Step) {
    let pairs = form(world.account(), table_pairs(&step.step));
    create(world, pairs).await;
}

pub async fn send_form(world: &mut TruoraWorld, step: Step) {
    create(world, table_pairs(&step.step)).await;
}

/// Reads the current validation as an action, with `query` after its path.
async fn read_with(world: &mut TruoraWorld, query: &str) -> Exchange {
    let path = format!("{VALIDATIONS}/{}{query}", world.validation_id(None));
    world.act(world.request("GET", &path)).await
}

pub async fn read(world: &mut TruoraWorld, _: Step) {
    read_with(world, "").await;
}

pub async fn read_id(world: &mut TruoraWorld, step: Step) {
    let path = format!("{VALIDATIONS}/{}", arg(&step, 1));
    world.act(world.request("GET", &path)).await;
}

pub async fn read_with_details(world: &mut TruoraWorld, _: Step) {
    let exchange = read_with(world, "?show_details=true").await;
    world.expect_status(&exchange, 200, "reading the validation with details");
    world.details = Some(world.json(&exchange));
}

pub async fn read_without_details(world: &mut TruoraWorld, _: Step) {
    read_with(world, "?show_details=false").await;
}

pub async fn read_with_show_details(world: &mut TruoraWorld, step: Step) {
    read_with(world, &format!("?show_details={}", arg(&step, 1))).await;
}

pub async fn has_finished(world: &mut TruoraWorld, _: Step) {
    world.finished_validation().await;
}

pub async fn was_declined_for(world: &mut TruoraWorld, step: Step) {
    let link = super::upload_steps::validation_link(world);
    let name = arg(&step, 1);
    let exchange = world.send_link(world.upload_request(&link, &name)).await;
    world.expect_status(&exchange, 200, &format!("uploading {name}"));
    let (exchange, body) = world.finished_validation().await;
    if text_at(&body, "/failure_status").as_deref() != Some("declined") {
        world.fail(
            Some(&exchange),
            format!("expected the validation to be declined for {name}"),
        );
    }
}

/// The index of the validation a step names (`first `, `second `, or `` for the current one).
fn ordinal(text: &str) -> Option<usize> {
    match text.trim() {
        "first" => Some(0),
        "second" => Some(1),
        "third" => Some(2),
        _ => None,
    }
}

/// Creates a retry of `retried` for `account` with the step's table.
async fn retry(world: &mut TruoraWorld, account: String, retried: String, step: &Step) {
    let mut extra = table_pairs(&step.step);
    extra.push(("retry_of_id".into(), retried));
    create(world, form(account, extra)).await;
}

pub async fn retry_nth(world: &mut TruoraWorld, step: Step) {
    let retried = world.validation_id(ordinal(&arg(&step, 1)));
    let account = world.account();
    retry(world, account, retried, &step).await;
}

pub async fn retry_id(world: &mut TruoraWorld, step: Step) {
    let account = world.account();
    retry(world, account, arg(&step, 1), &step).await;
}

pub async fn retry_from_another_account(world: &mut TruoraWorld, step: Step) {
    let retried = world.validation_id(None);
    let stranger = world.context().unique();
    retry(world, stranger, retried, &step).await;
}

/// The current validation as it reads now; fails unless `check` accepts it.
async fn expect(world: &mut TruoraWorld, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let (exchange, body) = world.current_validation().await;
    if !check(&body) {
        world.fail(
            Some(&exchange),
            format!("expected the validation {what}; it is {}", state(&body)),
        );
    }
    body
}

/// A validation's outcome in a few words: `failure/declined (no_face_detected)`.
fn state(body: &Value) -> String {
    let mut text = field(body, "validation_status")
        .unwrap_or("without validation_status")
        .to_string();
    if let Some(failure) = field(body, "failure_status") {
        text.push('/');
        text.push_str(failure);
    }
    let reason = field(body, "declined_reason").or_else(|| field(body, "expired_reason"));
    if let Some(reason) = reason {
        text.push_str(&format!(" ({reason})"));
    }
    text
}

/// Whether a member is missing or null.
fn absent(value: Option<&Value>) -> bool {
    matches!(value, None | Some(Value::Null))
}

fn field<'v>(body: &'v Value, name: &str) -> Option<&'v str> {
    body.get(name).and_then(Value::as_str)
}

pub async fn is_pending(world: &mut TruoraWorld, _: Step) {
    expect(world, "to be pending", |b| {
        field(b, "validation_status") == Some("pending")
    })
    .await;
}

pub async fn has_succeeded(world: &mut TruoraWorld, _: Step) {
    expect(world, "to have succeeded", |b| {
        field(b, "validation_status") == Some("success") && absent(b.get("failure_status"))
    })
    .await;
}

pub async fn is_declined_because(world: &mut TruoraWorld, step: Step) {
    let reason = arg(&step, 1);
    expect(world, &format!("to be declined because {reason}"), |b| {
        field(b, "validation_status") == Some("failure")
            && field(b, "failure_status") == Some("declined")
            && field(b, "declined_reason") == Some(reason.as_str())
    })
    .await;
}

pub async fn has_expired_because(world: &mut TruoraWorld, step: Step) {
    let reason = arg(&step, 1);
    expect(world, &format!("to have expired because {reason}"), |b| {
        field(b, "validation_status") == Some("failure")
            && field(b, "failure_status") == Some("expired")
            && field(b, "expired_reason") == Some(reason.as_str())
    })
    .await;
}

pub async fn failed_with_system_error(world: &mut TruoraWorld, _: Step) {
    expect(
        world,
        "to have failed with a system error (and no declined_reason)",
        |b| {
            field(b, "validation_status") == Some("failure")
                && field(b, "failure_status") == Some("system_error")
                && absent(b.get("declined_reason"))
        },
    )
    .await;
}

pub async fn field_is(world: &mut TruoraWorld, step: Step) {
    let (name, literal) = (arg(&step, 1), arg(&step, 2));
    let wanted: Value = serde_json::from_str(&literal)
        .unwrap_or_else(|e| world.fail(None, format!("{literal} is not a JSON value: {e}")));
    expect(world, &format!("to have {name} = {literal}"), |b| {
        b.get(&name).is_some_and(|v| same_json(v, &wanted))
    })
    .await;
}

pub async fn belongs_to_account(world: &mut TruoraWorld, _: Step) {
    let account = world.account();
    expect(world, &format!("to have account_id {account}"), |b| {
        field(b, "account_id") == Some(account.as_str())
    })
    .await;
}

/// `details.face_recognition_validations` of a validation body.
fn checks(body: &Value) -> Option<&Value> {
    body.pointer("/details/face_recognition_validations")
}

pub async fn refers_to_enrollment(world: &mut TruoraWorld, _: Step) {
    let id = world.enrollment_id();
    expect(world, &format!("to refer to enrollment {id}"), |b| {
        checks(b)
            .and_then(|c| c.get("enrollment_id"))
            .and_then(Value::as_str)
            == Some(id.as_str())
    })
    .await;
}

pub async fn refers_to_no_enrollment(world: &mut TruoraWorld, _: Step) {
    expect(world, "to refer to no enrollment", |b| {
        absent(checks(b).and_then(|c| c.get("enrollment_id")))
    })
    .await;
}

pub async fn reports(world: &mut TruoraWorld, step: Step) {
    let (name, value) = (arg(&step, 1), arg(&step, 2));
    expect(world, &format!("to report {name} = {value}"), |b| {
        checks(b).and_then(|c| c.get(&name)).and_then(Value::as_str) == Some(value.as_str())
    })
    .await;
}

pub async fn reports_no(world: &mut TruoraWorld, step: Step) {
    let name = arg(&step, 1);
    expect(world, &format!("to report no {name}"), |b| {
        absent(checks(b).and_then(|c| c.get(&name)))
    })
    .await;
}

pub async fn confidence(world: &mut TruoraWorld, step: Step) {
    let (how, literal) = (arg(&step, 1), arg(&step, 2));
    let bound: f64 = literal
        .parse()
        .unwrap_or_else(|_| world.fail(None, format!("{literal} is not a number")));
    let how = how.trim().to_string();
    expect(
        world,
        &format!("to have a confidence_score {how} {literal}"),
        |b| {
            let Some(score) = checks(b)
                .and_then(|c| c.get("confidence_score"))
                .and_then(Value::as_f64)
            else {
                return false;
            };
            match how.as_str() {
                "at least" => score >= bound,
                "at most" => score <= bound,
                _ => score == bound,
            }
        },
    )
    .await;
}

pub async fn is_retry_of(world: &mut TruoraWorld, step: Step) {
    let retried = world.validation_id(ordinal(&arg(&step, 1)));
    expect(world, &format!("to be a retry of {retried}"), |b| {
        field(b, "retry_of_id") == Some(retried.as_str())
    })
    .await;
}

pub async fn has_upload_link(world: &mut TruoraWorld, _: Step) {
    let link = super::upload_steps::validation_link(world);
    if !(link.starts_with("https://") || link.starts_with("http://")) {
        world.fail(
            world.answer.as_ref(),
            format!("file_upload_link is not an absolute URL: {link}"),
        );
    }
}

pub async fn reads_as_created(world: &mut TruoraWorld, _: Step) {
    let created = world.validation(None);
    let (exchange, body) = world.current_validation().await;
    if !same_json(&created, &body) {
        world.fail(
            Some(&exchange),
            format!("reading the validation answered something else than its creation: {created}"),
        );
    }
}
