//! facesim: a simulator of face-verification vendor APIs.
//!
//! One listener serves every vendor under its own path prefix; each vendor has a state machine
//! (plain Rust, driven by the virtual [`clock`]) and a thin HTTP adapter.

pub mod armed;
pub mod body;
pub mod catalogue;
pub mod checkout;
pub mod clock;
pub mod config;
pub mod control;
pub mod dashboard;
pub mod ids;
pub mod inspect;
pub mod journal;
pub mod media;
pub mod namespace;
pub mod persistence;
pub mod query_params;
pub mod scenario;
pub mod server;
pub mod signing;
pub mod slug;
pub mod state;
pub mod strict;
pub mod truora;
pub mod trustmatic;
pub mod unread_body;
pub mod vendors;
pub mod webhooks;

#[cfg(test)]
mod schema_drift;
