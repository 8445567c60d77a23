//! Property: any string sent as `sessionId` (any Unicode, control characters, the empty
//! string), to any endpoint, with any pictures, comes back exactly in the answer.

use super::requests::{check_call, endpoint, pictures_of, Call};
use crate::properties::context::Context;
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde_json::Value;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "any session id is repeated exactly",
    tags: &["property", "session"],
    scale: 4,
    shards: 2,
    shrink_iterations: 256,
    alone: false,
    check,
};

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let input = endpoint()
            .prop_flat_map(|endpoint| (Just(endpoint), any::<String>(), pictures_of(endpoint)));
        runner::check(
            &context,
            plan,
            input,
            |context, (endpoint, session, pictures)| async move {
                let call = Call::plain(session.clone(), pictures);
                let Some(exchange) = check_call(&context, endpoint, &call).await? else {
                    return Ok(());
                };
                let shown = exchange.json().and_then(|b| b.get("sessionId").cloned());
                if exchange.status == 200 && shown != Some(Value::String(session.clone())) {
                    return Err(format!("the sessionId {session:?} came back as {shown:?}"));
                }
                Ok(())
            },
        )
        .await
    })
}
