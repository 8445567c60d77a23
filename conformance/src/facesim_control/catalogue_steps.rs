//! Steps about the outcome catalogue (`GET {control}/catalogue`): every outcome says how to
//! make it happen, and the examples it gives for Trustmatic face verification make it happen.

use super::world::ControlWorld;
use super::Vendor;
use crate::scenarios::steps::arg;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use cucumber::step::Context as Step;
use serde_json::{Map, Value};

/// The ways a trigger can work, as the catalogue names them.
const HOWS: &[&str] = &["marker", "request", "control", "sandbox", "scenario"];

/// The picture catalogue examples are made from: their markers replace its own.
const BASE_PICTURE: &str = "alice-selfie.jpg";

pub async fn every_outcome_has_a_trigger(world: &mut ControlWorld, _: Step) {
    let request = world.control_request("GET", "/catalogue");
    let answer = world.act(request).await;
    world.expect_status(&answer, 200, "reading the catalogue");
    let body = world.json(&answer);
    let Some(apis) = body.get("apis").and_then(Value::as_object) else {
        world.fail(Some(&answer), "the catalogue has no \"apis\" object")
    };
    let mut problems = Vec::new();
    for wanted in ["truora", "checkout", "trustmatic"] {
        if !apis.contains_key(wanted) {
            problems.push(format!("the catalogue lists no API \"{wanted}\""));
        }
    }
    for (api, entry) in apis {
        let outcomes = entry.get("outcomes").and_then(Value::as_array);
        let Some(outcomes) = outcomes.filter(|o| !o.is_empty()) else {
            problems.push(format!("{api}: no outcomes"));
            continue;
        };
        for outcome in outcomes {
            let name = outcome.get("name").and_then(Value::as_str).unwrap_or("?");
            let triggers = outcome.get("triggers").and_then(Value::as_array);
            let Some(triggers) = triggers.filter(|t| !t.is_empty()) else {
                problems.push(format!("{api} {name}: no trigger"));
                continue;
            };
            for (index, trigger) in triggers.iter().enumerate() {
                let how = trigger.get("how").and_then(Value::as_str).unwrap_or("");
                if !HOWS.contains(&how) {
                    problems.push(format!("{api} {name}: trigger {index} has how {how:?}"));
                }
                if trigger.get("example").is_none_or(Value::is_null) {
                    problems.push(format!("{api} {name}: trigger {index} has no example"));
                }
            }
        }
    }
    if !problems.is_empty() {
        world.fail(Some(&answer), problems.join("\n"));
    }
}

/// The trigger `how` of the face verification outcome `name` in the catalogue.
async fn trigger(world: &mut ControlWorld, how: &str, name: &str) -> Value {
    let request = world.control_request("GET", "/catalogue?api=trustmatic");
    let answer = world.act(request).await;
    world.expect_status(&answer, 200, "reading the catalogue");
    let body = world.json(&answer);
    let outcomes = body
        .pointer("/apis/trustmatic/outcomes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let outcome = outcomes.iter().find(|o| {
        o.get("name").and_then(Value::as_str) == Some(name)
            && o.get("operation").and_then(Value::as_str) == Some("face_verify")
    });
    let Some(outcome) = outcome else {
        world.fail(
            Some(&answer),
            format!("the catalogue has no face verification outcome {name}"),
        )
    };
    let found = outcome
        .get("triggers")
        .and_then(Value::as_array)
        .and_then(|t| {
            t.iter()
                .find(|t| t.get("how").and_then(Value::as_str) == Some(how))
        });
    match found.and_then(|t| t.get("example")) {
        Some(example) => example.clone(),
        None => world.fail(
            Some(&answer),
            format!("the outcome {name} has no \"{how}\" trigger with an example"),
        ),
    }
}

/// Sets the dotted `field` (`probe.imageBase64`) of `object` to `value`.
fn set_dotted(object: &mut Map<String, Value>, field: &str, value: Value) {
    match field.split_once('.') {
        None => {
            object.insert(field.to_string(), value);
        }
        Some((head, rest)) => {
            let inner = object
                .entry(head.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                set_dotted(inner, rest, value);
            }
        }
    }
}

/// A face verification request body with the example's pictures (`null` ones left out).
fn verification_body(world: &mut ControlWorld, pictures: &Map<String, Value>) -> Value {
    let mut body = Map::new();
    body.insert("sessionId".into(), Value::String(world.name("SESSION")));
    let fixtures = world.context().fixtures.clone();
    for (field, marker) in pictures {
        let Some(marker) = marker.as_str() else {
            continue;
        };
        let picture = fixtures
            .remarked(BASE_PICTURE, marker, "example.jpg")
            .unwrap_or_else(|e| world.fail(None, format!("the marker {marker:?}: {e}")));
        set_dotted(
            &mut body,
            field,
            Value::String(STANDARD.encode(&picture.bytes)),
        );
    }
    Value::Object(body)
}

pub async fn run_example(world: &mut ControlWorld, step: Step) {
    let (how, name) = (arg(&step, 1), arg(&step, 2));
    let example = trigger(world, &how, &name).await;
    let mut pictures: Map<String, Value> = example
        .get("pictures")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if how == "control" {
        let request_line = example.get("request").and_then(Value::as_str).unwrap_or("");
        let Some(path) = request_line
            .strip_prefix("POST /_facesim")
            .filter(|p| !p.contains('{'))
        else {
            world.fail(
                None,
                format!("the control example {request_line:?} is not a POST this step can send"),
            )
        };
        let mut body = example.get("body").cloned().unwrap_or(Value::Null);
        if body.get("sessionId").is_some() {
            body["sessionId"] = Value::String(world.name("SESSION"));
        }
        let request = world
            .control_request("POST", path)
            .text(Some("application/json"), &body.to_string());
        let answer = world.act(request).await;
        world.expect_status(&answer, 201, "arming the catalogue's control example");
        for field in ["probe.imageBase64", "reference.imageBase64"] {
            pictures.insert(field.into(), Value::String("subject=alice".into()));
        }
    }
    let mut rules = Vec::new();
    if let Some(scenario) = example.get("scenario") {
        let request = world
            .control_request("POST", "/scenarios/rules")
            .text(Some("application/json"), &scenario.to_string());
        let answer = world.act(request).await;
        world.expect_status(&answer, 201, "adding the catalogue's scenario example");
        let ids = world.json(&answer);
        rules = ids
            .get("ids")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
    }
    let body = verification_body(world, &pictures);
    let request = world
        .vendor_request(Vendor::Trustmatic, "POST", "/api/v1/face/verify")
        .text(Some("application/json"), &body.to_string());
    world.send_vendor(request).await;
    for id in rules {
        let id = id.as_str().map(str::to_string).unwrap_or(id.to_string());
        let request = world.control_request("DELETE", &format!("/scenarios/rules/{id}"));
        let answer = world.act(request).await;
        world.expect_status(&answer, 204, "removing the example's scenario rule");
    }
}

pub async fn shows_outcome(world: &mut ControlWorld, step: Step) {
    let name = arg(&step, 1);
    let answer = world.vendor_answer();
    world.expect_status(&answer, 200, "the face verification");
    let body = world.json(&answer);
    let error = body.get("error").and_then(Value::as_str);
    let score = body.get("score").and_then(Value::as_f64);
    let shown = match name.as_str() {
        "passed" => error.is_none() && score.is_some_and(|s| s >= 27.0),
        "not_passed" => error.is_none() && score.is_some_and(|s| s < 27.0),
        code => error == Some(code),
    };
    if !shown {
        world.fail(
            Some(&answer),
            format!(
                "the answer does not show the outcome {name}: error {error:?}, score {score:?}"
            ),
        );
    }
}
