//! `facesim-conformance`: checks any implementation of a face-verification API at a base URL
//! (the Truora Validations API, Checkout.com face authentication, Trustmatic face verification
//! and liveness) against the contracts derived from the vendors' documents, and facesim's own
//! control API against its document.
//!
//! [`run`] runs the Gherkin features of one API (every exchange checked against its OpenAPI
//! contract) and its properties, applies the known-deviations file and answers a
//! [`RunReport`] that renders the summary, Markdown, JUnit XML and Cucumber JSON reports.

pub mod checkout;
pub mod cli;
pub mod deviations;
pub mod facesim_control;
pub mod feature_files;
pub mod fixtures;
pub mod local_http;
pub mod outcome;
pub mod properties;
pub mod report;
pub mod runner;
pub mod scenarios;
pub mod tags;
pub mod target;
pub mod truora;
pub mod trustmatic;
pub mod webhooks;

pub use report::RunReport;
pub use runner::{run, Options};
