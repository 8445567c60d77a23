//! The properties of Checkout.com face authentication: generated applicant, face
//! authentication and attempt requests get the documented answers; GETs are idempotent and
//! unknown ids are not found; pages partition the attempts; random sequences of operations
//! follow a model of docs/checkout.md's state table.

mod applicant_requests;
mod attempt_requests;
mod face_authentication_requests;
mod model;
mod pagination;
mod reads;
pub(super) mod requests;
mod resources;
mod sequences;

use super::Property;

/// Every Checkout property, in the order they are reported.
pub(super) const PROPERTIES: &[Property] = &[
    applicant_requests::PROPERTY,
    face_authentication_requests::PROPERTY,
    attempt_requests::PROPERTY,
    reads::PROPERTY,
    pagination::PROPERTY,
    sequences::PROPERTY,
];
