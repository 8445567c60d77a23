//! Trustmatic face verification and liveness (`/api/v1/face/verify`, `/api/v1/face/liveness`,
//! `/api/v1/document/liveness`), served under `{root}/trustmatic`.
//!
//! `model` holds the wire vocabulary, `picture` the decoding of picture fields, `request` the
//! request parsing, `check` the judgement of the pictures (plain Rust, no HTTP), `outcomes` the
//! outcomes armed through the control API, `views` the JSON bodies, `error` the answers outside
//! the check, `auth` the Basic credentials, `http` the thin adapter and `control` the control
//! routes.

pub mod auth;
pub mod check;
pub mod control;
pub mod error;
pub mod http;
pub mod model;
pub mod outcomes;
pub mod picture;
pub mod request;
pub mod views;
