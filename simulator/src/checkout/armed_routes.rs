//! Control routes under `{root}/_facesim/checkout/outcomes`: response codes armed for the next
//! attempts of one applicant's face authentications.

use super::sandbox::Step;
use crate::armed::routes::{self, ArmingVendor};
use crate::armed::{ArmError, Armed};
use crate::state::App;
use axum::Router;
use std::sync::Arc;

/// Checkout as a vendor that arms outcomes per `applicant_id`.
pub struct CheckoutOutcomes;

impl ArmingVendor for CheckoutOutcomes {
    type Forced = Step;
    const TARGET: &'static str = "applicant_id";

    fn outcome(name: &str) -> Result<Step, String> {
        Step::from_name(name)
    }

    fn name(forced: Step) -> String {
        forced.name()
    }

    fn arm(app: &App, target: &str, forced: Step, times: u32) -> Result<Armed<Step>, ArmError> {
        app.tenant()
            .checkout
            .lock()
            .arm_outcome(target, forced, times)
    }

    fn list(app: &App) -> Vec<Armed<Step>> {
        app.tenant().checkout.lock().armed_outcomes().to_vec()
    }

    fn disarm(app: &App, id: Option<&str>) -> bool {
        app.tenant().checkout.lock().disarm_outcome(id)
    }
}

/// The `/outcomes` routes, merged into those under `{root}/_facesim/checkout`.
pub fn router() -> Router<Arc<App>> {
    routes::router::<CheckoutOutcomes>()
}
