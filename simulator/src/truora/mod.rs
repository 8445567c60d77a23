//! Truora: the Validations API (`api.validations.truora.com`), face-recognition flow.
//!
//! `model` holds the wire vocabulary, `engine` the state machine (plain Rust, driven with an
//! explicit time), `form` the request parsing, `views` the JSON bodies, `http` the thin adapter
//! and `armed_routes` the control routes of outcomes armed per account.

pub mod armed_routes;
pub mod engine;
pub mod error;
pub mod form;
pub mod http;
pub mod model;
pub mod views;

#[cfg(test)]
mod engine_tests;
