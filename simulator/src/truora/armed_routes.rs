//! Control routes under `{root}/_facesim/truora`: outcomes armed for the next validations of
//! one account (`POST`, `GET`, `DELETE /outcomes`, `DELETE /outcomes/{id}`).

use super::engine::ForcedVerdict;
use crate::armed::routes::{self, ArmingVendor};
use crate::armed::{ArmError, Armed};
use crate::state::App;
use axum::Router;
use std::sync::Arc;

/// Truora as a vendor that arms outcomes per `account_id`.
pub struct TruoraOutcomes;

impl ArmingVendor for TruoraOutcomes {
    type Forced = ForcedVerdict;
    const TARGET: &'static str = "account_id";

    fn outcome(name: &str) -> Result<ForcedVerdict, String> {
        ForcedVerdict::from_name(name)
    }

    fn name(forced: ForcedVerdict) -> String {
        forced.name().to_string()
    }

    fn arm(
        app: &App,
        target: &str,
        forced: ForcedVerdict,
        times: u32,
    ) -> Result<Armed<ForcedVerdict>, ArmError> {
        app.tenant()
            .truora
            .lock()
            .arm_outcome(target, forced, times)
    }

    fn list(app: &App) -> Vec<Armed<ForcedVerdict>> {
        app.tenant().truora.lock().armed_outcomes().to_vec()
    }

    fn disarm(app: &App, id: Option<&str>) -> bool {
        app.tenant().truora.lock().disarm_outcome(id)
    }
}

/// The routes under `{root}/_facesim/truora`.
pub fn router() -> Router<Arc<App>> {
    routes::router::<TruoraOutcomes>()
}
