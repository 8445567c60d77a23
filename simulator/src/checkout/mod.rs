//! Checkout.com Identity Verification: face authentication
//! (`identity-verification.sandbox.checkout.com`).
//!
//! `model` holds the wire vocabulary, `engine` the state machine (plain Rust, driven with an
//! explicit time), `request` the request parsing, `sandbox` the vendor's sandbox convention,
//! `verdict` the judgement of selfies, `preanalyzed` the decoding of selfies off the store's
//! lock, `views` the JSON bodies, `webhook` the event envelope, `http` the thin adapter,
//! `hosted` the capture page, `control` the control actions and `armed_routes` the outcomes
//! armed per applicant.

pub mod armed_routes;
pub mod control;
pub mod engine;
pub mod error;
pub mod hosted;
pub mod http;
pub mod ids;
pub mod model;
pub mod preanalyzed;
pub mod request;
pub mod sandbox;
pub mod verdict;
pub mod views;
pub mod webhook;

#[cfg(test)]
mod engine_tests;
