//! Steps that call the checks (face verification, face liveness, document liveness) and
//! steps about what the check answered: the score against the threshold or a range, an
//! in-band error, the session id, the pictures fetched.

use super::answers;
use super::endpoint::Endpoint;
use super::request_steps::endpoint;
use super::world::TrustmaticWorld;
use crate::scenarios::steps::arg;
use cucumber::step::Context as Step;
use serde_json::Value;
use std::collections::BTreeSet;

/// `(name, cell)` pairs with the scenario's session id first.
fn with_session(world: &mut TrustmaticWorld, rows: &[(&str, String)]) -> Vec<(String, String)> {
    let mut all = vec![("sessionId".to_string(), world.session_id())];
    all.extend(rows.iter().map(|(n, v)| (n.to_string(), v.clone())));
    all
}

async fn call_with(world: &mut TrustmaticWorld, endpoint: Endpoint, rows: &[(&str, String)]) {
    let rows = with_session(world, rows);
    let fields = world.fields(&rows).await;
    world.call(endpoint, &fields).await;
}

pub async fn verify(world: &mut TrustmaticWorld, step: Step) {
    let rows = [
        ("probe.imageBase64", arg(&step, 1)),
        ("reference.imageBase64", arg(&step, 2)),
    ];
    call_with(world, Endpoint::FaceVerify, &rows).await;
}

pub async fn face_liveness(world: &mut TrustmaticWorld, step: Step) {
    call_with(
        world,
        Endpoint::FaceLiveness,
        &[("faceImageBase", arg(&step, 1))],
    )
    .await;
}

pub async fn document_liveness(world: &mut TrustmaticWorld, step: Step) {
    let mut rows = vec![("frontSideImageBase", arg(&step, 1))];
    let back = arg(&step, 2);
    if !back.is_empty() {
        rows.push(("backSideImageBase", back));
    }
    call_with(world, Endpoint::DocumentLiveness, &rows).await;
}

/// A request every endpoint answers with a score: pictures of the catalogue that pass.
pub async fn valid_request(world: &mut TrustmaticWorld, step: Step) {
    let endpoint = endpoint(world, &arg(&step, 1));
    let rows: Vec<(&str, String)> = match endpoint {
        Endpoint::FaceVerify => vec![
            ("probe.imageBase64", "alice-selfie.jpg".into()),
            ("reference.imageBase64", "alice-reference.png".into()),
        ],
        Endpoint::FaceLiveness => vec![("faceImageBase", "alice-selfie.jpg".into())],
        Endpoint::DocumentLiveness => vec![("frontSideImageBase", "document-front.jpg".into())],
    };
    call_with(world, endpoint, &rows).await;
}

/// A request whose body is the step's two-column table (see [`TrustmaticWorld::cell`]).
pub async fn send_table(world: &mut TrustmaticWorld, step: Step) {
    let endpoint = endpoint(world, &arg(&step, 1));
    let rows: Vec<(String, String)> = step
        .step
        .table
        .iter()
        .flat_map(|table| &table.rows)
        .filter(|row| row.len() >= 2)
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect();
    let fields = world.fields(&rows).await;
    world.call(endpoint, &fields).await;
}

pub async fn send_again(world: &mut TrustmaticWorld, _: Step) {
    let request = world.answer().request;
    world.act(request).await;
}

pub async fn use_new_session_id(world: &mut TrustmaticWorld, _: Step) {
    world.new_session_id();
}

/// The score of the last answer, which must be a check that ran.
fn scored(world: &TrustmaticWorld) -> f64 {
    let answer = world.answer();
    world.expect_status(&answer, 200, "the check");
    let body = world.json(&answer);
    match answers::score(world.endpoint(), &body) {
        Ok(Some(score)) => score,
        Ok(None) => world.fail(
            Some(&answer),
            format!(
                "the check did not run: {}",
                answers::error_code(&body).unwrap_or("(no error code)")
            ),
        ),
        Err(problem) => world.fail(Some(&answer), problem),
    }
}

pub async fn passes(world: &mut TrustmaticWorld, _: Step) {
    let (score, threshold) = (scored(world), world.endpoint().threshold());
    if score < threshold {
        world.fail(
            world.answers.last(),
            format!("the score {score} is below the threshold {threshold}, expected it to pass"),
        );
    }
}

pub async fn below_threshold(world: &mut TrustmaticWorld, _: Step) {
    let (score, threshold) = (scored(world), world.endpoint().threshold());
    if score >= threshold {
        world.fail(
            world.answers.last(),
            format!("the score {score} passes the threshold {threshold}, expected it below"),
        );
    }
}

/// A number of a step.
fn number(world: &TrustmaticWorld, text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| world.fail(None, format!("{text} is not a number")))
}

pub async fn score_is(world: &mut TrustmaticWorld, step: Step) {
    let expected = number(world, &arg(&step, 1));
    let score = scored(world);
    if score != expected {
        world.fail(
            world.answers.last(),
            format!("the score is {score}, expected exactly {expected}"),
        );
    }
}

pub async fn score_between(world: &mut TrustmaticWorld, step: Step) {
    let (low, high) = (number(world, &arg(&step, 1)), number(world, &arg(&step, 2)));
    let score = scored(world);
    if !(low..=high).contains(&score) {
        world.fail(
            world.answers.last(),
            format!("the score is {score}, expected from {low} to {high}"),
        );
    }
}

pub async fn score_below(world: &mut TrustmaticWorld, step: Step) {
    let limit = number(world, &arg(&step, 1));
    let score = scored(world);
    if score >= limit {
        world.fail(
            world.answers.last(),
            format!("the score is {score}, expected below {limit}"),
        );
    }
}

pub async fn is_error(world: &mut TrustmaticWorld, step: Step) {
    let code = arg(&step, 1);
    let answer = world.answer();
    world.expect_status(&answer, 200, "an in-band error");
    let body = world.json(&answer);
    if body.get("hasError") != Some(&Value::Bool(true)) || answers::error_code(&body) != Some(&code)
    {
        world.fail(
            Some(&answer),
            format!("expected \"hasError\": true with the error {code:?}"),
        );
    }
    if body.get("score").is_some() {
        world.fail(Some(&answer), "an in-band error must carry no score");
    }
}

pub async fn repeats_session_id(world: &mut TrustmaticWorld, _: Step) {
    let expected = world.session_id();
    let answer = world.answer();
    let body = world.json(&answer);
    if body.get("sessionId").and_then(Value::as_str) != Some(expected.as_str()) {
        world.fail(
            Some(&answer),
            format!("the answer does not repeat the session id {expected:?}"),
        );
    }
}

/// The last two answers.
fn last_two(world: &TrustmaticWorld) -> (Value, Value) {
    match world.answers.as_slice() {
        [.., first, second] => (world.json(first), world.json(second)),
        _ => world.fail(None, "fewer than two requests were sent"),
    }
}

pub async fn same_answers(world: &mut TrustmaticWorld, _: Step) {
    let (first, second) = last_two(world);
    if first != second {
        world.fail(
            world.answers.last(),
            format!("the same request got {first} and then {second}"),
        );
    }
}

pub async fn same_scores(world: &mut TrustmaticWorld, _: Step) {
    let (first, second) = last_two(world);
    if first.get("score").is_none() || first.get("score") != second.get("score") {
        world.fail(
            world.answers.last(),
            format!(
                "the scores differ: {:?} and {:?}",
                first.get("score"),
                second.get("score")
            ),
        );
    }
}

pub async fn pictures_fetched(world: &mut TrustmaticWorld, step: Step) {
    let expected: usize = match arg(&step, 1).as_str() {
        "no picture was" => 0,
        "the picture was" => 1,
        count => count
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| world.fail(None, format!("{count:?} is no count"))),
    };
    let fetched = world.fetched_pictures();
    let distinct: BTreeSet<&String> = fetched.iter().collect();
    if distinct.len() != expected {
        world.fail(
            world.answers.last(),
            format!(
                "the service fetched {} pictures ({fetched:?}), expected {expected}",
                distinct.len()
            ),
        );
    }
}
