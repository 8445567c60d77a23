//! Property: for two pictures of faces without a `similarity=` marker, verifying one against
//! the other scores the same as the other way round.

use super::pictures::{self, Shot};
use super::requests::{check_call, Call, Held, Pictures};
use crate::properties::context::Context;
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use crate::trustmatic::endpoint::Endpoint;
use futures::future::BoxFuture;
use serde_json::Value;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "the verification score is symmetric in probe and reference",
    tags: &["property", "verify"],
    scale: 2,
    shards: 2,
    shrink_iterations: 128,
    alone: false,
    check,
};

/// The score of verifying `probe` against `reference`.
async fn score(context: &Context, probe: &Shot, reference: &Shot) -> Result<Value, String> {
    let pictures = Pictures::Verify {
        probe: Held::Picture(probe.clone()),
        reference: Held::Picture(reference.clone()),
    };
    let call = Call::plain(context.unique_account(), pictures);
    let exchange = check_call(context, Endpoint::FaceVerify, &call)
        .await?
        .ok_or("the verification was not answered")?;
    let body = exchange.json().unwrap_or_default();
    Ok(body.get("score").cloned().unwrap_or_default())
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let pair = (pictures::face(), pictures::face());
        runner::check(&context, plan, pair, |context, (a, b)| async move {
            let forward = score(&context, &a, &b).await?;
            let backward = score(&context, &b, &a).await?;
            if forward != backward {
                return Err(format!(
                    "verifying A against B scores {forward}, B against A {backward}"
                ));
            }
            Ok(())
        })
        .await
    })
}
