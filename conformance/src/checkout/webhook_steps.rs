//! Steps about webhooks: the run's receiver, registered once through the control API, and
//! the events it got for a face authentication.

use super::user_journey;
use super::world::CheckoutWorld;
use crate::scenarios::Context;
use crate::webhooks::{hmac_sha256_hex, Delivery, Receiver, Subscription};
use cucumber::gherkin;
use cucumber::step::Context as Step;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// How long to wait, once the expected events are in, for events that should not come.
const GRACE: Duration = Duration::from_millis(500);

/// Starts the run's receiver and registers it for the vendor's events.
async fn subscribe(context: &Context) -> Result<Arc<Subscription>, String> {
    let control = context
        .target
        .control
        .as_ref()
        .expect("webhook steps are registered only with a control API");
    let receiver = Receiver::start()
        .await
        .map_err(|e| format!("the webhook receiver could not start: {e}"))?;
    let run = context.unique();
    let signing_key = format!("whsec-{run}");
    let authorization = format!("Bearer hook-{run}");
    let registration = json!({
        "vendor": "checkout",
        "url": receiver.url(),
        "signing_key": signing_key,
        "authorization": authorization,
    });
    let request = control
        .request("POST", "/webhooks")
        .text(Some("application/json"), &registration.to_string());
    let exchange = context
        .target
        .send_link(request)
        .await
        .map_err(|e| e.to_string())?;
    if exchange.status != 201 {
        return Err(format!(
            "the control API did not register the webhook receiver: {}\n  reproduce: {}",
            exchange.summary(),
            exchange.request.curl()
        ));
    }
    let id = exchange
        .json()
        .and_then(|b| b.get("id").and_then(Value::as_str).map(str::to_string));
    Ok(Arc::new(Subscription {
        receiver,
        signing_key,
        authorization,
        id,
    }))
}

/// Removes the run's registration, if one was made; the receiver stops with the context.
pub async fn unsubscribe(context: &Context) {
    let (Some(subscription), Some(control)) = (context.webhooks.get(), &context.target.control)
    else {
        return;
    };
    if let Some(id) = &subscription.id {
        let request = control.request("DELETE", &format!("/webhooks/{id}"));
        let _ = context.target.send_link(request).await;
    }
}

/// The run's subscription.
async fn subscription(world: &CheckoutWorld) -> Arc<Subscription> {
    let context = world.context();
    match context
        .webhooks
        .get_or_try_init(|| subscribe(&context))
        .await
    {
        Ok(subscription) => subscription.clone(),
        Err(message) => world.fail(None, message),
    }
}

pub async fn receives(world: &mut CheckoutWorld, _: Step) {
    subscription(world).await;
}

pub async fn refuse_first_about_applicant(world: &mut CheckoutWorld, _: Step) {
    let applicant = world.applicant_id();
    subscription(world)
        .await
        .receiver
        .refuse_first_delivery_mentioning(&format!("\"{applicant}\""));
}

/// Whether a delivery is about the face authentication `id`.
fn about(delivery: &Delivery, id: &str) -> bool {
    delivery
        .json()
        .and_then(|b| b.pointer("/data/face_authentication_id").cloned())
        .is_some_and(|v| v == id)
}

/// The distinct events of `deliveries` (a retry repeats its event), in arrival order.
fn events(deliveries: &[Delivery]) -> Vec<Value> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for body in deliveries.iter().filter_map(Delivery::json) {
        let id = body.get("id").cloned().unwrap_or(Value::Null);
        if !seen.contains(&id) {
            seen.push(id);
            out.push(body);
        }
    }
    out
}

/// One line per event, for failure messages.
fn describe(events: &[Value]) -> String {
    let lines: Vec<String> = events
        .iter()
        .map(|e| {
            format!(
                "  {} {} {}",
                e["type"].as_str().unwrap_or("?"),
                e.pointer("/data/status")
                    .and_then(Value::as_str)
                    .unwrap_or("?"),
                e.pointer("/data/response_codes")
                    .cloned()
                    .unwrap_or(Value::Null)
            )
        })
        .collect();
    if lines.is_empty() {
        "  (none)".into()
    } else {
        lines.join("\n")
    }
}

/// The expected `(type, status, response_codes)` of each row of a step's table.
fn expected_rows(world: &CheckoutWorld, step: &gherkin::Step) -> Vec<(String, String, Value)> {
    let rows = step.table.iter().flat_map(|t| t.rows.iter().skip(1));
    rows.map(|row| {
        let cell = |i: usize| row.get(i).map(|c| c.trim().to_string()).unwrap_or_default();
        let codes = match cell(2).as_str() {
            "" => json!([]),
            code => {
                let code: u32 = code
                    .parse()
                    .unwrap_or_else(|_| world.fail(None, format!("{code:?} is not a code")));
                super::codes::response_codes(code).unwrap_or_else(|| {
                    world.fail(None, format!("{code} is not a documented response code"))
                })
            }
        };
        (cell(0), cell(1), codes)
    })
    .collect()
}

/// Checks what every delivery must be: a signed POST of a documented envelope about the
/// scenario's applicant and face authentication.
fn check_delivery(world: &CheckoutWorld, subscription: &Subscription, delivery: &Delivery) {
    let problem = |message: String| -> ! {
        world.fail(
            None,
            format!(
                "{message}\n  delivery: {} {} {}",
                delivery.method,
                delivery.path,
                String::from_utf8_lossy(&delivery.body)
            ),
        )
    };
    if delivery.method != "POST" {
        problem(format!(
            "a webhook came as {}, expected POST",
            delivery.method
        ));
    }
    let content_type = delivery.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        problem(format!("a webhook's Content-Type is {content_type:?}"));
    }
    let signature = hmac_sha256_hex(subscription.signing_key.as_bytes(), &delivery.body);
    if delivery.header("cko-signature") != Some(signature.as_str()) {
        problem(format!(
            "a webhook's Cko-Signature is {:?}, expected {signature} (HMAC-SHA256 of the body)",
            delivery.header("cko-signature")
        ));
    }
    if delivery.header("authorization") != Some(subscription.authorization.as_str()) {
        problem(format!(
            "a webhook's Authorization is {:?}, expected the registered value",
            delivery.header("authorization")
        ));
    }
    let Some(body) = delivery.json() else {
        problem("a webhook's body is not JSON".into())
    };
    let contract = world.context().target.contract;
    if let Err(errors) = contract.check_component("webhook", &body) {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        problem(format!(
            "a webhook breaks schema webhook: {}",
            lines.join("; ")
        ));
    }
    let applicant = world.applicant();
    let expected = [
        ("/data/applicant_id", applicant.get("id").cloned()),
        (
            "/data/external_applicant_id",
            applicant.get("external_applicant_id").cloned(),
        ),
        (
            "/data/user_journey_id",
            Some(json!(user_journey(&world.context().target))),
        ),
    ];
    for (pointer, value) in expected {
        if body.pointer(pointer) != value.as_ref() {
            problem(format!(
                "a webhook's {pointer} is {:?}, expected {value:?}",
                body.pointer(pointer)
            ));
        }
    }
}

/// The deliveries about the current face authentication once `done` holds (or the patience
/// runs out), each checked.
async fn deliveries(
    world: &CheckoutWorld,
    done: impl Fn(&[Value]) -> bool,
) -> (Arc<Subscription>, Vec<Delivery>) {
    let subscription = subscription(world).await;
    let id = world.face_authentication_id();
    let patience = world.context().patience;
    subscription
        .receiver
        .wait_for(|d| about(d, &id), |d| done(&events(d)), patience)
        .await;
    tokio::time::sleep(GRACE).await;
    let all: Vec<Delivery> = subscription
        .receiver
        .deliveries()
        .into_iter()
        .filter(|d| about(d, &id))
        .collect();
    for delivery in &all {
        check_delivery(world, &subscription, delivery);
    }
    (subscription, all)
}

/// `(type, status, response_codes)` of an event.
fn shape(event: &Value) -> (String, String, Value) {
    (
        event["type"].as_str().unwrap_or_default().to_string(),
        event
            .pointer("/data/status")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        event
            .pointer("/data/response_codes")
            .cloned()
            .unwrap_or(Value::Null),
    )
}

pub async fn are(world: &mut CheckoutWorld, step: Step) {
    let expected = expected_rows(world, &step.step);
    let count = expected.len();
    let (_, all) = deliveries(world, |events| events.len() >= count).await;
    let events = events(&all);
    let shapes: Vec<_> = events.iter().map(shape).collect();
    if shapes != expected {
        world.fail(
            None,
            format!(
                "the webhooks of the face authentication are:\n{}\nexpected:\n{}",
                describe(&events),
                expected
                    .iter()
                    .map(|(t, s, c)| format!("  {t} {s} {c}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        );
    }
    let times: Vec<&str> = events
        .iter()
        .filter_map(|e| e["created_on"].as_str())
        .collect();
    if times.windows(2).any(|w| w[0] > w[1]) {
        world.fail(
            None,
            format!("the webhooks arrived out of their created_on order: {times:?}"),
        );
    }
}

pub async fn last_is(world: &mut CheckoutWorld, step: Step) {
    let expected = expected_rows(world, &step.step);
    let Some(wanted) = expected.last().cloned() else {
        world.fail(None, "the table names no event")
    };
    let (_, all) = deliveries(world, |events| {
        events.last().is_some_and(|e| shape(e).0 == wanted.0)
    })
    .await;
    let events = events(&all);
    if events.last().map(shape).as_ref() != Some(&wanted) {
        world.fail(
            None,
            format!(
                "the last webhook of the face authentication is not {} {} {}:\n{}",
                wanted.0,
                wanted.1,
                wanted.2,
                describe(&events)
            ),
        );
    }
}

pub async fn delivered_twice(world: &mut CheckoutWorld, _: Step) {
    let id = world.face_authentication_id();
    let subscription = subscription(world).await;
    let patience = world.context().patience;
    let twice = |deliveries: &[Delivery]| {
        let events = events(deliveries);
        !events.is_empty()
            && events.iter().all(|e| {
                deliveries
                    .iter()
                    .filter(|d| d.json().is_some_and(|b| b["id"] == e["id"]))
                    .count()
                    >= 2
            })
    };
    let all = subscription
        .receiver
        .wait_for(|d| about(d, &id), twice, patience)
        .await;
    for event in events(&all) {
        let answered: Vec<u16> = all
            .iter()
            .filter(|d| d.json().is_some_and(|b| b["id"] == event["id"]))
            .map(|d| d.answered)
            .collect();
        if answered != [500, 200] {
            world.fail(
                None,
                format!(
                    "the webhook {} was answered {answered:?}, expected one refused try and one retry",
                    event["type"]
                ),
            );
        }
    }
}
