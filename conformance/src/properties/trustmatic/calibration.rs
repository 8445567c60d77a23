//! Property: a probe forcing the similarity S (`similarity=S`, facesim's marker) scores the
//! calibration of S (docs/trustmatic.md, Calibration), so the score is at least 27 exactly
//! when S is at least 0.70, whatever the reference.

use super::model::{calibrated, MATCH_SIMILARITY};
use super::pictures::{self, forcing_similarity};
use super::requests::{check_call, Call, Held, Pictures};
use crate::properties::context::Context;
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use crate::trustmatic::endpoint::Endpoint;
use futures::future::BoxFuture;
use proptest::prelude::*;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "the verification score reaches 27 exactly when the forced similarity reaches 0.70",
    tags: &["property", "verify", "marker"],
    scale: 4,
    shards: 2,
    shrink_iterations: 256,
    alone: false,
    check,
};

/// Similarities, many of them near the threshold, with how the marker writes them.
fn similarity() -> impl Strategy<Value = (f64, String)> + Clone {
    let near = (690_000u32..=710_000).prop_map(|n| {
        let s = f64::from(n) / 1_000_000.0;
        (s, s.to_string())
    });
    let anywhere = (0.0..=1.0f64).prop_map(|s| (s, s.to_string()));
    let just_below = (1u32..=9).prop_map(|n| {
        let text = format!("0.6999{n}");
        (text.parse().expect("a decimal"), text)
    });
    prop_oneof![
        pictures::fraction(3),
        near,
        anywhere,
        just_below,
        Just((0.7, "0.7".to_string())),
    ]
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let input = (similarity(), pictures::face());
        runner::check(&context, plan, input, |context, ((s, text), reference)| {
            async move {
                let pictures = Pictures::Verify {
                    probe: Held::Picture(forcing_similarity(s, &text)),
                    reference: Held::Picture(reference),
                };
                let call = Call::plain(context.unique_account(), pictures);
                let exchange = check_call(&context, Endpoint::FaceVerify, &call)
                    .await?
                    .ok_or("the verification was not answered")?;
                let score = exchange
                    .json()
                    .and_then(|b| b.get("score").and_then(|s| s.as_f64()))
                    .unwrap_or(f64::NAN);
                let (low, high) = calibrated(s);
                let passes = score >= 27.0;
                if passes != (s >= MATCH_SIMILARITY) || !(low..=high).contains(&score) {
                    return Err(format!(
                        "similarity {text} scored {score}, expected {low} to {high}, passing exactly when it reaches {MATCH_SIMILARITY}"
                    ));
                }
                Ok(())
            }
        })
        .await
    })
}
