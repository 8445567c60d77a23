//! Steps that force a validation's outcome through facesim's scenario rules (needs
//! `--control`): the outcome a picture cannot choose on a real vendor, such as a system error.

use super::arg;
use super::world::TruoraWorld;
use crate::scenarios::rules;
use cucumber::step::Context as Step;
use serde_json::json;

pub async fn force_next_validation(world: &mut TruoraWorld, step: Step) {
    let outcome = arg(&step, 1);
    let account = world.account();
    let context = world.context();
    let id = rules::force(
        &context,
        "truora",
        "POST /v1/validations",
        json!({ "account_id": account }),
        &outcome,
    )
    .await;
    world.forced_rules.push(id);
}

pub async fn forced_outcome_applied(world: &mut TruoraWorld, _: Step) {
    let context = world.context();
    if world.forced_rules.is_empty() {
        world.fail(None, "no outcome was forced in this scenario");
    }
    for id in std::mem::take(&mut world.forced_rules) {
        rules::applied_once_then_removed(&context, &id).await;
    }
}
