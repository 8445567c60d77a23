//! Property: after a few vendor requests, `GET /journal` with any combination of the `api`,
//! `method`, `status` and `limit` filters lists at most `limit` entries, newest first, and only
//! entries every given filter matches.

use crate::properties::context::{Context, Transcript};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde_json::Value;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "the journal honours its limit and filters",
    tags: &["property", "journal"],
    scale: 2,
    shards: 2,
    shrink_iterations: 64,
    alone: false,
    check,
};

/// One journal query.
#[derive(Clone, Debug)]
struct Query {
    api: Option<&'static str>,
    method: Option<&'static str>,
    status: Option<&'static str>,
    limit: Option<u32>,
}

impl Query {
    fn text(&self) -> String {
        let mut pairs = Vec::new();
        pairs.extend(self.api.map(|a| format!("api={a}")));
        pairs.extend(self.method.map(|m| format!("method={m}")));
        pairs.extend(self.status.map(|s| format!("status={s}")));
        pairs.extend(self.limit.map(|l| format!("limit={l}")));
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

fn queries() -> impl Strategy<Value = Query> + Clone {
    let api = proptest::option::of(prop_oneof![
        Just("truora-validations"),
        Just("checkout"),
        Just("trustmatic"),
        Just("unknown"),
    ]);
    let method = proptest::option::of(prop_oneof![Just("GET"), Just("POST"), Just("DELETE")]);
    let status = proptest::option::of(prop_oneof![
        Just("2xx"),
        Just("4xx"),
        Just("404"),
        Just("401"),
    ]);
    let limit = proptest::option::of(1u32..8);
    (api, method, status, limit).prop_map(|(api, method, status, limit)| Query {
        api,
        method,
        status,
        limit,
    })
}

/// The vendor requests each case sends first, so that the journal has entries of each kind.
const REQUESTS: &[(&str, &str)] = &[
    ("GET", "/truora/validations/v1/enrollments/ENRproperty"),
    ("DELETE", "/checkout/applicants/aplt_property"),
    ("POST", "/trustmatic/api/v1/face/verify"),
    ("GET", "/nowhere"),
];

/// Whether an entry's status fits a `status` filter (`404` or a class such as `4xx`).
fn status_fits(status: u64, filter: &str) -> bool {
    match filter.strip_suffix("xx") {
        Some(class) => status / 100 == class.parse::<u64>().unwrap_or(0),
        None => filter.parse::<u64>() == Ok(status),
    }
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        runner::check(&context, plan, queries(), |context, query| async move {
            let mut transcript = Transcript::default();
            let root = context
                .target
                .base
                .strip_suffix("/_facesim")
                .unwrap_or(&context.target.base)
                .to_string();
            for (method, path) in REQUESTS {
                let request = context.target.link(method, &format!("{root}{path}"));
                transcript
                    .send_link(&context, format!("{method} {path}"), request, None)
                    .await?;
            }
            let path = format!("/journal{}", query.text());
            let request = context.target.request_with_key("GET", &path, None);
            let answer = transcript
                .send(&context, format!("GET {path}"), request, None)
                .await?;
            let body: Value = answer.json().unwrap_or(Value::Null);
            let Some(entries) = body.get("entries").and_then(Value::as_array) else {
                return Err(transcript.failure("the journal has no \"entries\" array"));
            };
            let limit = query.limit.unwrap_or(100) as usize;
            if entries.len() > limit {
                return Err(transcript.failure(&format!(
                    "{} entries listed with a limit of {limit}",
                    entries.len()
                )));
            }
            let mut previous: Option<u64> = None;
            for (index, entry) in entries.iter().enumerate() {
                let text = |field: &str| entry.get(field).and_then(Value::as_str).unwrap_or("");
                let status = entry.get("status").and_then(Value::as_u64).unwrap_or(0);
                let mismatch = if query.api.is_some_and(|a| text("api") != a) {
                    Some("api")
                } else if query.method.is_some_and(|m| text("method") != m) {
                    Some("method")
                } else if query.status.is_some_and(|s| !status_fits(status, s)) {
                    Some("status")
                } else {
                    None
                };
                if let Some(filter) = mismatch {
                    return Err(transcript.failure(&format!(
                        "entry {index} does not match the {filter} filter: {entry}"
                    )));
                }
                let seq = entry.get("seq").and_then(Value::as_u64).unwrap_or(0);
                if previous.is_some_and(|p| seq >= p) {
                    return Err(transcript.failure(&format!(
                        "entry {index} (seq {seq}) is not older than the one before it"
                    )));
                }
                previous = Some(seq);
            }
            Ok(())
        })
        .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_filters_take_codes_and_classes() {
        assert!(status_fits(404, "4xx"));
        assert!(status_fits(404, "404"));
        assert!(!status_fits(401, "404"));
        assert!(!status_fits(200, "4xx"));
    }
}
