//! Property: adding any valid scenario rule (scoped to an account of its own, so that it
//! affects no other check) and deleting it by the id it got leaves `GET /scenarios/rules` as
//! it was before, and the rule is listed in between.

use crate::properties::context::{Context, Transcript};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "adding then deleting a scenario rule leaves the rules as before",
    tags: &["property", "rules"],
    scale: 2,
    shards: 1,
    shrink_iterations: 64,
    alone: false,
    check,
};

/// What a generated rule does.
#[derive(Clone, Debug)]
enum Action {
    Respond(u16),
    Delay(u32),
    Outcome(&'static str),
    Malformed,
}

fn actions() -> impl Strategy<Value = (Action, Option<u32>, Option<u32>)> + Clone {
    let action = prop_oneof![
        (400u16..600).prop_map(Action::Respond),
        (1u32..50).prop_map(Action::Delay),
        Just(Action::Outcome("no_face_detected")),
        Just(Action::Outcome("face_in_blocklist")),
        Just(Action::Malformed),
    ];
    (
        action,
        proptest::option::of(1u32..5),
        proptest::option::of(1u32..4),
    )
}

/// The ids of a listing, in order.
fn ids(body: &Value) -> Option<Vec<Value>> {
    let rules = body.get("rules")?.as_array()?;
    Some(rules.iter().map(|r| r["id"].clone()).collect())
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        runner::check(
            &context,
            plan,
            actions(),
            |context, (action, times, nth)| async move {
                let mut transcript = Transcript::default();
                let account = context.unique_account();
                let mut then = match action {
                    Action::Respond(status) => json!({ "respond": { "status": status } }),
                    Action::Delay(ms) => json!({ "delay": { "ms": ms } }),
                    Action::Outcome(name) => json!({ "outcome": name }),
                    Action::Malformed => json!({ "malformed_body": true }),
                };
                if let Some(times) = times {
                    then["times"] = json!(times);
                }
                let mut when = json!({ "api": "truora", "fields": { "account_id": account } });
                if let Some(nth) = nth {
                    when["nth"] = json!(nth);
                }
                let scenario = json!({ "rules": [{ "when": when, "then": then }] });
                let list = || {
                    context
                        .target
                        .request_with_key("GET", "/scenarios/rules", None)
                };
                let before = transcript
                    .send(&context, "list the rules", list(), None)
                    .await?;
                let Some(before) = before.json().as_ref().and_then(ids) else {
                    return Err(transcript.failure("the listing has no \"rules\" array"));
                };
                let add = context
                    .target
                    .request_with_key("POST", "/scenarios/rules", None)
                    .text(Some("application/json"), &scenario.to_string());
                let added = transcript.send(&context, "add the rule", add, None).await?;
                if added.status != 201 {
                    return Err(transcript.failure(&format!("a valid rule got {}", added.status)));
                }
                let id = added
                    .json()
                    .and_then(|b| b.pointer("/ids/0").cloned())
                    .unwrap_or(Value::Null);
                let during = transcript
                    .send(&context, "list the rules", list(), None)
                    .await?;
                if !during
                    .json()
                    .as_ref()
                    .and_then(ids)
                    .is_some_and(|l| l.contains(&id))
                {
                    return Err(transcript.failure(&format!("the added rule {id} is not listed")));
                }
                let segment = id.as_str().map(str::to_string).unwrap_or(id.to_string());
                let delete = context.target.request_with_key(
                    "DELETE",
                    &format!("/scenarios/rules/{segment}"),
                    None,
                );
                let deleted = transcript
                    .send(&context, "delete the rule", delete, None)
                    .await?;
                if deleted.status != 204 {
                    return Err(transcript.failure(&format!("deleting it got {}", deleted.status)));
                }
                let after = transcript
                    .send(&context, "list the rules", list(), None)
                    .await?;
                if after.json().as_ref().and_then(ids) != Some(before.clone()) {
                    return Err(transcript.failure("the rules differ from those listed before"));
                }
                Ok(())
            },
        )
        .await
    })
}
