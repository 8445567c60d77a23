//! Steps that call the control API and check its answers: any method and path (with a JSON or
//! a raw body), the status and error body of a refusal, values at JSON pointers, the items of
//! listings, and names kept from an answer for later steps.

use super::world::{at, matches, ControlWorld};
use crate::scenarios::steps::{arg, docstring};
use cucumber::step::Context as Step;
use serde_json::Value;

pub async fn call(world: &mut ControlWorld, step: Step) {
    let request = world.control_request(&arg(&step, 1), &arg(&step, 2));
    world.act(request).await;
}

pub async fn call_with_json(world: &mut ControlWorld, step: Step) {
    let body = world.expand(&docstring(&step));
    let request = world
        .control_request(&arg(&step, 1), &arg(&step, 2))
        .text(Some("application/json"), &body);
    world.act(request).await;
}

pub async fn call_with_typed_body(world: &mut ControlWorld, step: Step) {
    let body = world.expand(&docstring(&step));
    let content_type = arg(&step, 3);
    let content_type = (content_type != "(none)").then_some(content_type);
    let request = world
        .control_request(&arg(&step, 1), &arg(&step, 2))
        .text(content_type.as_deref(), &body);
    world.act(request).await;
}

pub async fn answers(world: &mut ControlWorld, step: Step) {
    let status: u16 = arg(&step, 1).parse().expect("a status");
    let answer = world.answer();
    world.expect_status(&answer, status, "the control API's answer");
}

pub async fn refuses(world: &mut ControlWorld, step: Step) {
    let status: u16 = arg(&step, 1).parse().expect("a status");
    let error = arg(&step, 2);
    let answer = world.answer();
    world.expect_status(&answer, status, "the control API's refusal");
    let body = world.json(&answer);
    let said = body.get("error").and_then(Value::as_str);
    if said != Some(error.as_str()) {
        world.fail(
            Some(&answer),
            format!("the refusal's \"error\" is {said:?}, expected \"{error}\""),
        );
    }
    let message = body.get("message").and_then(Value::as_str).unwrap_or("");
    if message.trim().is_empty() {
        world.fail(Some(&answer), "the refusal has no \"message\" saying why");
    }
}

pub async fn message_mentions(world: &mut ControlWorld, step: Step) {
    let wanted = world.expand(&arg(&step, 1));
    let answer = world.answer();
    let body = world.json(&answer);
    let message = body.get("message").and_then(Value::as_str).unwrap_or("");
    if !message.contains(&wanted) {
        world.fail(
            Some(&answer),
            format!("the message {message:?} does not mention {wanted:?}"),
        );
    }
}

/// The value at `pointer` in the last answer; fails when there is none.
fn value_at(world: &ControlWorld, pointer: &str) -> Value {
    let answer = world.answer();
    let body = world.json(&answer);
    match at(&body, pointer) {
        Some(value) => value.clone(),
        None => world.fail(Some(&answer), format!("the answer has no {pointer}")),
    }
}

pub async fn value_is(world: &mut ControlWorld, step: Step) {
    let pointer = arg(&step, 1);
    let expected = world.expand(&arg(&step, 2));
    let answer = world.answer();
    let body = world.json(&answer);
    if expected == "null" && at(&body, &pointer).is_none() {
        return;
    }
    let value = value_at(world, &pointer);
    if !matches(&value, &expected) {
        world.fail(
            Some(&world.answer()),
            format!("the answer's {pointer} is {value}, expected {expected}"),
        );
    }
}

/// The array at `pointer` in the last answer; fails when it is not one.
fn items_at(world: &ControlWorld, pointer: &str) -> Vec<Value> {
    match value_at(world, pointer) {
        Value::Array(items) => items,
        other => world.fail(
            Some(&world.answer()),
            format!("the answer's {pointer} is {other}, not an array"),
        ),
    }
}

pub async fn count_is(world: &mut ControlWorld, step: Step) {
    let pointer = arg(&step, 1);
    let bound = arg(&step, 2);
    let wanted: usize = arg(&step, 3).parse().expect("a count");
    let count = items_at(world, &pointer).len();
    let holds = match bound.as_str() {
        "at most " => count <= wanted,
        "at least " => count >= wanted,
        _ => count == wanted,
    };
    if !holds {
        world.fail(
            Some(&world.answer()),
            format!("the answer's {pointer} has {count} items, expected {bound}{wanted}"),
        );
    }
}

pub async fn has_item(world: &mut ControlWorld, step: Step) {
    let pointer = arg(&step, 1);
    let wanted = arg(&step, 2) == "has";
    let field = arg(&step, 3);
    let expected = world.expand(&arg(&step, 4));
    let items = items_at(world, &pointer);
    let found = items
        .iter()
        .any(|item| at(item, &field).is_some_and(|v| matches(v, &expected)));
    if found != wanted {
        let verb = if wanted { "has no" } else { "still has an" };
        world.fail(
            Some(&world.answer()),
            format!("the answer's {pointer} {verb} item whose {field} is {expected}"),
        );
    }
}

pub async fn item_field_is(world: &mut ControlWorld, step: Step) {
    let pointer = arg(&step, 1);
    let key = arg(&step, 2);
    let key_value = world.expand(&arg(&step, 3));
    let field = arg(&step, 4);
    let expected = world.expand(&arg(&step, 5));
    let items = items_at(world, &pointer);
    let Some(item) = items
        .iter()
        .find(|item| at(item, &key).is_some_and(|v| matches(v, &key_value)))
    else {
        world.fail(
            Some(&world.answer()),
            format!("the answer's {pointer} has no item whose {key} is {key_value}"),
        )
    };
    let actual = at(item, &field).cloned().unwrap_or(Value::Null);
    if !matches(&actual, &expected) {
        world.fail(
            Some(&world.answer()),
            format!(
                "the item of {pointer} whose {key} is {key_value} has {field} = {actual}, expected {expected}"
            ),
        );
    }
}

pub async fn every_item(world: &mut ControlWorld, step: Step) {
    let pointer = arg(&step, 1);
    let field = arg(&step, 2);
    let how = arg(&step, 3);
    let expected = world.expand(&arg(&step, 4));
    let items = items_at(world, &pointer);
    for (index, item) in items.iter().enumerate() {
        let actual = at(item, &field).cloned().unwrap_or(Value::Null);
        let holds = match how.as_str() {
            "starts with" => actual
                .as_str()
                .map(str::to_string)
                .or_else(|| actual.as_u64().map(|n| n.to_string()))
                .is_some_and(|text| text.starts_with(&expected)),
            _ => matches(&actual, &expected),
        };
        if !holds {
            world.fail(
                Some(&world.answer()),
                format!("item {index} of {pointer} has {field} = {actual}, expected it {how} {expected}"),
            );
        }
    }
}

pub async fn remember(world: &mut ControlWorld, step: Step) {
    let pointer = arg(&step, 1);
    let name = arg(&step, 2);
    let value = match value_at(world, &pointer) {
        Value::String(text) => text,
        other => other.to_string(),
    };
    world.names.insert(name, value);
}

pub async fn adds_rule(world: &mut ControlWorld, step: Step) {
    let body = world.expand(&docstring(&step));
    let request = world
        .control_request("POST", "/scenarios/rules")
        .text(Some("application/json"), &body);
    let answer = world.act(request).await;
    world.expect_status(&answer, 201, "adding the scenario rule");
    let ids = world.json(&answer);
    let Some(ids) = ids
        .get("ids")
        .and_then(Value::as_array)
        .filter(|i| !i.is_empty())
    else {
        world.fail(Some(&answer), "the answer names no rule id in \"ids\"")
    };
    for (index, id) in ids.iter().enumerate() {
        let id = match id {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let name = if index == 0 {
            "RULE".to_string()
        } else {
            format!("RULE_{}", index + 1)
        };
        world.names.insert(name, id.clone());
        world.added_rules.push(id);
    }
}

pub async fn removes_added_rules(world: &mut ControlWorld, _: Step) {
    for id in std::mem::take(&mut world.added_rules) {
        let request = world.control_request("DELETE", &format!("/scenarios/rules/{id}"));
        let answer = world.act(request).await;
        world.expect_status(&answer, 204, &format!("removing the scenario rule {id}"));
    }
}
