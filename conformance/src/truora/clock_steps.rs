//! Steps that move the target's clock through its control API.

use super::arg;
use super::world::TruoraWorld;
use cucumber::step::Context as Step;

/// The control API of the run; the step is only registered when there is one.
async fn advance(world: &TruoraWorld, seconds: u64) {
    let context = world.context();
    let control = context
        .target
        .control
        .as_ref()
        .expect("clock steps are registered only with a control API");
    if let Err(error) = control.advance(seconds).await {
        world.fail(
            None,
            format!("the control API did not move the clock: {error}"),
        );
    }
}

pub async fn can_be_moved(world: &mut TruoraWorld, _: Step) {
    advance(world, 0).await;
}

pub async fn pass(world: &mut TruoraWorld, step: Step) {
    let amount: u64 = arg(&step, 1).parse().expect("a number of units");
    let unit = match arg(&step, 2).trim_end_matches('s') {
        "minute" => 60,
        "hour" => 3600,
        _ => 1,
    };
    advance(world, amount * unit).await;
}
