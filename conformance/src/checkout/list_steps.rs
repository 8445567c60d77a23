//! Steps about pages of attempts (and of assets): what a page says, what it lists, and where
//! its links lead.

use super::world::{at, attempt_path, face_authentication_path, id_of, CheckoutWorld};
use super::{arg, optional_arg};
use crate::target::Exchange;
use cucumber::step::Context as Step;
use serde_json::Value;

/// `{path}?{query}`, or `path` alone when the query is empty.
pub fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// The attempts path of the current face authentication.
fn attempts_path(world: &CheckoutWorld) -> String {
    format!(
        "{}/attempts",
        face_authentication_path(&world.face_authentication_id())
    )
}

pub async fn list_attempts(world: &mut CheckoutWorld, step: Step) {
    let query = optional_arg(&step, 1).unwrap_or_default();
    let request = world.request("GET", &with_query(&attempts_path(world), &query));
    world.act(request).await;
}

pub async fn list_attempts_of(world: &mut CheckoutWorld, step: Step) {
    let path = format!("{}/attempts", face_authentication_path(&arg(&step, 1)));
    let request = world.request("GET", &path);
    world.act(request).await;
}

/// The last answer, which must be a page, and its body.
fn page(world: &CheckoutWorld) -> (Exchange, Value) {
    let answer = world.answer();
    let body = world.json(&answer);
    if !body.get("data").is_some_and(Value::is_array) {
        world.fail(Some(&answer), "the answer is not a page");
    }
    (answer, body)
}

/// The path (without query) the last answer's request went to.
fn listed_path(answer: &Exchange) -> String {
    let path = answer.api_path.as_deref().unwrap_or_default();
    path.split('?').next().unwrap_or_default().to_string()
}

/// The `skip` and `limit` a link asks for (0 and 10 when it says nothing), after checking
/// that it leads to the listed path.
fn link_query(world: &CheckoutWorld, answer: &Exchange, href: &str) -> (String, u64, u64) {
    let url = reqwest::Url::parse(href)
        .unwrap_or_else(|e| world.fail(Some(answer), format!("the link {href:?}: {e}")));
    let path = listed_path(answer);
    if !url.path().ends_with(&path) {
        world.fail(
            Some(answer),
            format!("the link {href:?} does not lead to {path}"),
        );
    }
    let number = |name: &str, default: u64| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| {
                v.parse().unwrap_or_else(|_| {
                    world.fail(Some(answer), format!("the link's {name} is {v:?}"))
                })
            })
            .unwrap_or(default)
    };
    let (skip, limit) = (number("skip", 0), number("limit", 10));
    (url.query().unwrap_or_default().to_string(), skip, limit)
}

pub async fn follow(world: &mut CheckoutWorld, step: Step) {
    let relation = arg(&step, 1);
    let (answer, body) = page(world);
    let Some(href) = at(&body, &format!("_links.{relation}.href")).and_then(Value::as_str) else {
        world.fail(Some(&answer), format!("the page has no {relation} link"))
    };
    let (query, _, _) = link_query(world, &answer, href);
    let request = world.request("GET", &with_query(&listed_path(&answer), &query));
    world.act(request).await;
}

pub async fn page_says(world: &mut CheckoutWorld, step: Step) {
    let (answer, body) = page(world);
    for (field, group) in [("total_count", 1), ("skip", 2), ("limit", 3)] {
        let expected: u64 = arg(&step, group).parse().expect("a number");
        let shown = body.get(field).and_then(Value::as_u64);
        if shown != Some(expected) {
            world.fail(
                Some(&answer),
                format!("the page's {field} is {shown:?}, expected {expected}"),
            );
        }
    }
    let listed = body["data"].as_array().map_or(0, Vec::len) as u64;
    let total = body["total_count"].as_u64().unwrap_or(0);
    let (skip, limit) = (
        body["skip"].as_u64().unwrap_or(0),
        body["limit"].as_u64().unwrap_or(0),
    );
    let expected = total.saturating_sub(skip).min(limit);
    if listed != expected {
        world.fail(
            Some(&answer),
            format!("the page lists {listed} items, expected {expected} for total_count {total}, skip {skip} and limit {limit}"),
        );
    }
}

pub async fn page_lists(world: &mut CheckoutWorld, step: Step) {
    let (answer, body) = page(world);
    let expected: Vec<String> = super::request_steps::list(&arg(&step, 1))
        .iter()
        .map(|n| {
            let n: usize = n.parse().expect("attempt numbers");
            id_of(&world.attempt(Some(n)).created).unwrap_or_default()
        })
        .collect();
    let listed: Vec<String> = body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| id_of(item).unwrap_or_default())
        .collect();
    if listed != expected {
        world.fail(
            Some(&answer),
            format!("the page lists {listed:?}, expected {expected:?} (newest first)"),
        );
    }
}

pub async fn page_lists_none(world: &mut CheckoutWorld, _: Step) {
    let (answer, body) = page(world);
    if body["data"].as_array().is_some_and(|d| !d.is_empty()) {
        world.fail(Some(&answer), "the page lists attempts, expected none");
    }
}

pub async fn has_no_link(world: &mut CheckoutWorld, step: Step) {
    let relation = arg(&step, 1);
    let (answer, body) = page(world);
    if let Some(link) = at(&body, &format!("_links.{relation}")) {
        world.fail(
            Some(&answer),
            format!("the page has a {relation} link {link}, expected none"),
        );
    }
}

pub async fn link_asks(world: &mut CheckoutWorld, step: Step) {
    let relation = arg(&step, 1);
    let expected: (u64, u64) = (
        arg(&step, 2).parse().expect("a skip"),
        arg(&step, 3).parse().expect("a limit"),
    );
    let (answer, body) = page(world);
    let Some(href) = at(&body, &format!("_links.{relation}.href")).and_then(Value::as_str) else {
        world.fail(Some(&answer), format!("the page has no {relation} link"))
    };
    let (_, skip, limit) = link_query(world, &answer, href);
    if (skip, limit) != expected {
        world.fail(
            Some(&answer),
            format!(
                "the {relation} link asks for skip {skip} and limit {limit}, expected skip {} and limit {}",
                expected.0, expected.1
            ),
        );
    }
}

pub async fn every_listed_reads_the_same(world: &mut CheckoutWorld, _: Step) {
    let (_, body) = page(world);
    let face_authentication = world.face_authentication_id();
    for item in body["data"].as_array().cloned().unwrap_or_default() {
        let id = id_of(&item).unwrap_or_default();
        let (exchange, read) = world.read(&attempt_path(&face_authentication, &id)).await;
        if read != item {
            world.fail(
                Some(&exchange),
                format!("the list shows the attempt as {item}, reading it answers {read}"),
            );
        }
    }
}
