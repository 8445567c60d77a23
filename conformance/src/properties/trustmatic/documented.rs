//! Property: every answer to a generated call (valid or missing credentials, bodies that are
//! no JSON object or not declared JSON, fields of the wrong type, session ids or none, pictures
//! of every kind in every form, unknown fields) is documented and the one docs/trustmatic.md
//! promises: the refusal, the in-band error by its order of precedence, or a score in the
//! range the picture's marker gives (facesim's deterministic matcher: tagged `marker`).

use super::requests::{any_call, check_call};
use crate::properties::context::Context;
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "every answer to a generated Trustmatic call is the documented one",
    tags: &["property", "contract", "marker"],
    scale: 4,
    shards: 2,
    shrink_iterations: 256,
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
                check_call(&context, endpoint, &call).await.map(|_| ())
            },
        )
        .await
    })
}
