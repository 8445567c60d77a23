//! The properties of facesim's control API: advancing the clock is monotonic and additive; the
//! journal never lists more than `limit` entries and only entries its filters match; adding a
//! scenario rule and deleting it leaves the list of rules as it was; namespace names are
//! accepted by the documented rule and keep clocks apart.

mod clock;
mod journal;
mod namespaces;
mod rules;

use super::Property;

/// Every property of the control API, in the order they are reported.
pub(super) const PROPERTIES: &[Property] = &[
    journal::PROPERTY,
    rules::PROPERTY,
    clock::PROPERTY,
    namespaces::PROPERTY,
];
