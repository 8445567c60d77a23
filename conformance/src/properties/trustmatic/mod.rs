//! The properties of Trustmatic face verification and liveness: generated calls get the
//! answer docs/trustmatic.md promises (a model of its error precedence and score ranges); the
//! verification score is symmetric; the same call gets the same answer; garbage pictures are
//! in-band "missing image" errors; any session id is repeated exactly; the score passes 27
//! exactly when the forced similarity reaches 0.70.

mod calibration;
mod determinism;
mod documented;
mod garbage;
mod model;
mod pictures;
mod requests;
mod session_ids;
mod symmetry;

use super::Property;

/// Every Trustmatic property, in the order they are reported.
pub(super) const PROPERTIES: &[Property] = &[
    documented::PROPERTY,
    symmetry::PROPERTY,
    determinism::PROPERTY,
    garbage::PROPERTY,
    session_ids::PROPERTY,
    calibration::PROPERTY,
];
