//! Scenarios: ordered rules that make a documented situation happen on purpose — a canned
//! answer, a wait, a dropped connection, a malformed body, a clock step, a vendor outcome forced
//! by name — for requests chosen
//! by API, operation, fields, position and chance. Loaded with `serve --scenario FILE` or
//! through `{root}/_facesim/scenarios/rules`; `facesim check-scenario FILE` validates a file.
//!
//! `file` holds the file format (and the source of its JSON Schema), `rules` the rules in
//! force, `middleware` their effect on requests and `routes` the control routes.

pub mod file;
pub mod middleware;
pub mod outcome;
pub mod routes;
pub mod rules;

pub use file::{ScenarioError, ScenarioFile};
pub use rules::Rules;
