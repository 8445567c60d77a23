//! The vendor APIs facesim simulates, as the control API names them.

use crate::slug_enum;
use crate::state::App;

slug_enum! {
    /// A simulated vendor API.
    pub enum SimulatedVendor {
        Truora = "truora",
        Checkout = "checkout",
        Trustmatic = "trustmatic",
    }
}

impl SimulatedVendor {
    /// Empties this vendor's state: Truora's enrollments, validations and files; Checkout's
    /// applicants, face authentications, attempts, assets and unpublished events; Trustmatic's
    /// armed outcomes. The clock and the webhook receivers, deliveries and events stay.
    pub fn clear(self, app: &App) {
        match self {
            SimulatedVendor::Truora => app.truora.lock().clear(),
            SimulatedVendor::Checkout => app.checkout.lock().clear(),
            SimulatedVendor::Trustmatic => app.trustmatic.lock().clear(),
        }
    }
}
