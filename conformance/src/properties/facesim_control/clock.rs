//! Property: for any sequence of steps, each `POST /clock/advance` moves the clock's offset by
//! exactly its seconds (to the millisecond), the virtual time never goes back, and the final
//! offset is the first plus the sum of the steps.

use crate::properties::context::{Context, Transcript};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "advancing the clock is monotonic and additive",
    tags: &["property", "clock", "serial"],
    scale: 1,
    shards: 1,
    shrink_iterations: 64,
    alone: true,
    check,
};

/// Allowed error: the clock counts milliseconds.
const TOLERANCE: f64 = 0.002;

/// `(now, offset_seconds)` of a clock answer.
fn clock(body: &Value) -> Option<(std::time::SystemTime, f64)> {
    let now = humantime::parse_rfc3339(body.get("now")?.as_str()?).ok()?;
    Some((now, body.get("offset_seconds")?.as_f64()?))
}

/// Steps in milliseconds: up to an hour, zero included.
fn steps() -> impl Strategy<Value = Vec<u32>> + Clone {
    vec(prop_oneof![Just(0u32), 1u32..=3_600_000], 1..5)
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        runner::check(&context, plan, steps(), |context, steps| async move {
            let mut transcript = Transcript::default();
            let read = context.target.request_with_key("GET", "/clock", None);
            let first = transcript
                .send(&context, "read the clock", read, None)
                .await?;
            let Some((mut now, start)) = first.json().as_ref().and_then(clock) else {
                return Err(transcript.failure("GET /clock answered no clock"));
            };
            let mut offset = start;
            for millis in &steps {
                let seconds = f64::from(*millis) / 1000.0;
                let body = json!({ "seconds": seconds }).to_string();
                let request = context
                    .target
                    .request_with_key("POST", "/clock/advance", None)
                    .text(Some("application/json"), &body);
                let label = format!("advance {seconds} s");
                let answer = transcript.send(&context, label, request, None).await?;
                let Some((later, moved)) = answer.json().as_ref().and_then(clock) else {
                    return Err(transcript.failure("POST /clock/advance answered no clock"));
                };
                if (moved - offset - seconds).abs() > TOLERANCE {
                    return Err(transcript.failure(&format!(
                        "advancing {seconds} s moved the offset from {offset} to {moved}"
                    )));
                }
                if later < now {
                    return Err(transcript.failure("the virtual time went back"));
                }
                (now, offset) = (later, moved);
            }
            let total: f64 = steps.iter().map(|m| f64::from(*m) / 1000.0).sum();
            if (offset - start - total).abs() > TOLERANCE {
                return Err(transcript.failure(&format!(
                    "the steps add up to {total} s but the offset went from {start} to {offset}"
                )));
            }
            Ok(())
        })
        .await
    })
}
