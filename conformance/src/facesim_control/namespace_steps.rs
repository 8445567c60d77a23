//! Steps about namespaces (`Facesim-Namespace`, docs/namespaces.md): which namespace the
//! scenario's requests act in, and which namespace an answer says it came from.

use super::world::ControlWorld;
use crate::scenarios::steps::arg;
use cucumber::step::Context as Step;

/// `I work in the namespace "…"`: every later request carries that `Facesim-Namespace`.
pub async fn works_in(world: &mut ControlWorld, step: Step) {
    let name = world.expand(&arg(&step, 1));
    world.namespace = Some(name);
}

/// `I work in the default namespace`: later requests carry no `Facesim-Namespace`.
pub async fn works_in_default(world: &mut ControlWorld, _: Step) {
    world.namespace = None;
}

/// `the answer names the namespace "…"`: the last control answer's `Facesim-Namespace`.
pub async fn answer_names(world: &mut ControlWorld, step: Step) {
    let expected = world.expand(&arg(&step, 1));
    let answer = world.answer();
    match answer.header("facesim-namespace") {
        Some(name) if name == expected => {}
        Some(name) => world.fail(
            Some(&answer),
            format!("the answer's Facesim-Namespace is {name:?}, expected {expected:?}"),
        ),
        None => world.fail(
            Some(&answer),
            format!("the answer has no Facesim-Namespace header, expected {expected:?}"),
        ),
    }
}

/// `the answer names no namespace`: the last control answer came from the default namespace.
pub async fn answer_names_none(world: &mut ControlWorld, _: Step) {
    let answer = world.answer();
    if let Some(name) = answer.header("facesim-namespace") {
        world.fail(
            Some(&answer),
            format!("the answer names the namespace {name:?}; the default namespace names none"),
        );
    }
}
