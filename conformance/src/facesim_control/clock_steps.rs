//! Steps about the virtual clock: noting it, comparing the clock an answer shows with the
//! noted one, and setting it relative to the noted time.

use super::world::ControlWorld;
use crate::scenarios::steps::arg;
use cucumber::step::Context as Step;
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// Allowed error when comparing clocks: the clock counts milliseconds.
const TOLERANCE: f64 = 0.002;

/// `(now, offset_seconds)` of a clock body.
fn clock_of(world: &ControlWorld, body: &Value) -> (String, f64) {
    let now = body.get("now").and_then(Value::as_str);
    let offset = body.get("offset_seconds").and_then(Value::as_f64);
    match (now, offset) {
        (Some(now), Some(offset)) => (now.to_string(), offset),
        _ => world.fail(
            Some(&world.answer()),
            "the answer is not a clock: it lacks \"now\" or \"offset_seconds\"",
        ),
    }
}

/// Parses an RFC 3339 UTC time as the clock writes it.
fn parse(world: &ControlWorld, text: &str) -> SystemTime {
    humantime::parse_rfc3339(text)
        .unwrap_or_else(|e| world.fail(None, format!("{text:?} is not an RFC 3339 UTC time: {e}")))
}

/// The noted clock; fails when no step noted one.
fn noted(world: &ControlWorld) -> (String, f64) {
    world
        .noted_clock
        .clone()
        .unwrap_or_else(|| world.fail(None, "no step noted the clock yet"))
}

pub async fn note(world: &mut ControlWorld, _: Step) {
    let request = world.control_request("GET", "/clock");
    let answer = world.act(request).await;
    world.expect_status(&answer, 200, "reading the clock");
    let body = world.json(&answer);
    world.noted_clock = Some(clock_of(world, &body));
}

pub async fn offset_grew(world: &mut ControlWorld, step: Step) {
    let seconds: f64 = arg(&step, 1).parse().expect("seconds");
    let (_, before) = noted(world);
    let answer = world.answer();
    let body = world.json(&answer);
    let (_, after) = clock_of(world, &body);
    if (after - before - seconds).abs() > TOLERANCE {
        world.fail(
            Some(&answer),
            format!(
                "the clock runs {after} s ahead of real time, {before} s were noted: it moved {} s, expected {seconds} s",
                after - before
            ),
        );
    }
}

pub async fn at_noted_plus(world: &mut ControlWorld, step: Step) {
    let seconds: u64 = arg(&step, 1).parse().expect("seconds");
    let (noted_now, _) = noted(world);
    let answer = world.answer();
    let body = world.json(&answer);
    let (now, _) = clock_of(world, &body);
    let expected = parse(world, &noted_now) + Duration::from_secs(seconds);
    let actual = parse(world, &now);
    let gap = match actual.duration_since(expected) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    };
    if gap.abs() > TOLERANCE {
        world.fail(
            Some(&answer),
            format!("the clock shows {now}, expected {seconds} s after the noted {noted_now} (off by {gap} s)"),
        );
    }
}

pub async fn not_moved(world: &mut ControlWorld, _: Step) {
    let request = world.control_request("GET", "/clock");
    let answer = world.act(request).await;
    world.expect_status(&answer, 200, "reading the clock");
    let body = world.json(&answer);
    let (_, offset) = clock_of(world, &body);
    let (_, before) = noted(world);
    if (offset - before).abs() > TOLERANCE {
        world.fail(
            Some(&answer),
            format!(
                "the clock moved: it runs {offset} s ahead of real time, {before} s were noted"
            ),
        );
    }
}

pub async fn set_relative(world: &mut ControlWorld, step: Step) {
    let seconds: u64 = arg(&step, 1).parse().expect("seconds");
    let direction = arg(&step, 2);
    let (noted_now, _) = noted(world);
    let noted_time = parse(world, &noted_now);
    let time = if direction == "after" {
        noted_time + Duration::from_secs(seconds)
    } else {
        noted_time - Duration::from_secs(seconds)
    };
    let body = serde_json::json!({ "now": humantime::format_rfc3339_millis(time).to_string() });
    let request = world
        .control_request("POST", "/clock/set")
        .text(Some("application/json"), &body.to_string());
    world.act(request).await;
}
