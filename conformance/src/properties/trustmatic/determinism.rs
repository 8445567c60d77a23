//! Property: a generated call sent twice gets the same answer twice: the same status and the
//! same body ("the same picture always gets the same score").

use super::requests::any_call;
use crate::properties::context::{Context, Transcript};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "the same Trustmatic call gets the same answer",
    tags: &["property", "determinism"],
    scale: 2,
    shards: 2,
    shrink_iterations: 128,
    alone: false,
    check,
};

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        runner::check(
            &context,
            plan,
            any_call(),
            |context, (endpoint, call)| async move {
                let mut transcript = Transcript::default();
                let first = call.send(&context, &mut transcript, endpoint).await?;
                let second = call.send(&context, &mut transcript, endpoint).await?;
                let (Some(first), Some(second)) = (first, second) else {
                    return Ok(());
                };
                if (first.status, &first.body) != (second.status, &second.body) {
                    return Err(transcript.failure("the same call got two different answers"));
                }
                Ok(())
            },
        )
        .await
    })
}
