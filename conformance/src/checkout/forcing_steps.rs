//! Steps that force an attempt's response code through facesim's scenario rules (needs
//! `--control`): any documented code for any applicant, where the sandbox convention needs
//! an `eaplt_` external id.

use super::arg;
use super::world::CheckoutWorld;
use crate::scenarios::rules;
use cucumber::step::Context as Step;
use serde_json::json;

pub async fn force_next_attempt(world: &mut CheckoutWorld, step: Step) {
    let outcome = arg(&step, 1);
    let face_authentication = world.face_authentication_id();
    let context = world.context();
    let id = rules::force(
        &context,
        "checkout",
        "POST /face-authentications/{face_authentication_id}/attempts",
        json!({ "face_authentication_id": face_authentication }),
        &outcome,
    )
    .await;
    world.forced_rules.push(id);
}

pub async fn forced_outcome_applied(world: &mut CheckoutWorld, _: Step) {
    let context = world.context();
    if world.forced_rules.is_empty() {
        world.fail(None, "no outcome was forced in this scenario");
    }
    for id in std::mem::take(&mut world.forced_rules) {
        rules::applied_once_then_removed(&context, &id).await;
    }
}
