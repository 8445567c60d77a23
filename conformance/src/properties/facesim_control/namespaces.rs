//! Property: any `Facesim-Namespace` value is accepted exactly when it is 1 to 64 of
//! `A-Z a-z 0-9 . _ : -`, and then names the answer's namespace; anything else is a 400 that
//! says so. The clock of an accepted namespace moves apart from a namespace of its own.

use crate::properties::context::{Context, Transcript};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde_json::json;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "namespace names are accepted exactly by the documented rule and keep clocks apart",
    tags: &["property", "namespaces"],
    scale: 2,
    shards: 1,
    shrink_iterations: 64,
    alone: false,
    check,
};

/// The header naming a namespace.
const HEADER: &str = "Facesim-Namespace";

/// Whether `name` follows the documented rule.
fn valid(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
}

/// Header values: names by the rule, names one character too long, and names with a visible
/// character the rule leaves out.
fn names() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        "[A-Za-z0-9._:-]{1,64}",
        "[a-z]{65}",
        "[A-Za-z0-9]{0,10}[ /@#!,;=+*?()\\[\\]{}<>|~`'\"$%^&][A-Za-z0-9]{0,10}",
        Just("default".to_string()),
    ]
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        runner::check(&context, plan, names(), |context, name| async move {
            let mut transcript = Transcript::default();
            let read = |namespace: &str| {
                context
                    .target
                    .request_with_key("GET", "/clock", None)
                    .header(HEADER, namespace)
            };
            let answer = transcript
                .send(&context, format!("read the clock in {name:?}"), read(&name), None)
                .await?;
            if !valid(&name) {
                let message = answer
                    .json()
                    .and_then(|b| b.get("message")?.as_str().map(str::to_string))
                    .unwrap_or_default();
                if answer.status != 400 || !message.contains("Facesim-Namespace must be") {
                    return Err(transcript.failure(&format!(
                        "{name:?} breaks the rule: expected a 400 whose message says what Facesim-Namespace must be, got {} {message:?}",
                        answer.status
                    )));
                }
                return Ok(());
            }
            if answer.status != 200 {
                return Err(transcript.failure(&format!(
                    "{name:?} follows the rule but was answered {}",
                    answer.status
                )));
            }
            let named = answer.header("facesim-namespace");
            let expected = (name != "default").then_some(name.as_str());
            if named != expected {
                return Err(transcript.failure(&format!(
                    "the answer names the namespace {named:?}, expected {expected:?}"
                )));
            }
            if name == "default" {
                return Ok(());
            }
            let advance = context
                .target
                .request_with_key("POST", "/clock/advance", None)
                .header(HEADER, &name)
                .text(Some("application/json"), &json!({"seconds": 5}).to_string());
            transcript
                .send(&context, format!("advance {name:?}'s clock"), advance, None)
                .await?;
            let other = context.unique_account();
            let apart = transcript
                .send(&context, format!("read the clock in {other:?}"), read(&other), None)
                .await?;
            let offset = apart
                .json()
                .and_then(|b| b.get("offset_seconds")?.as_f64());
            let mut result = Ok(());
            if offset != Some(0.0) {
                result = Err(transcript.failure(&format!(
                    "advancing {name:?}'s clock moved the clock of the new namespace {other:?} to {offset:?}"
                )));
            }
            // Both namespaces are forgotten, so the property leaves no state behind.
            for namespace in [name.as_str(), other.as_str()] {
                let reset = context
                    .target
                    .request_with_key("POST", "/reset", None)
                    .header(HEADER, namespace);
                transcript
                    .send(&context, format!("reset {namespace:?}"), reset, None)
                    .await?;
            }
            result
        })
        .await
    })
}
