//! The vendor API contracts facesim and its conformance suite share: the bundled OpenAPI
//! documents of `schemas/`, embedded at build time, and a checker that says whether an HTTP
//! answer is one the document allows (documented status, documented content type, body valid
//! against the JSON Schema), naming the broken contract when it is not.

mod contract;
mod violation;

pub use contract::{Contract, Operation};
pub use violation::{Problem, SchemaError, Violation};

use std::sync::OnceLock;

/// One embedded OpenAPI document: the API name used on the command line and in
/// `{root}/_facesim/openapi/<name>.json`, and the bundled document's text.
struct Embedded {
    name: &'static str,
    text: &'static str,
}

const EMBEDDED: &[Embedded] = &[
    Embedded {
        name: "truora-validations",
        text: include_str!("../truora/validations.openapi.bundled.json"),
    },
    Embedded {
        name: "truora-files",
        text: include_str!("../truora/files.openapi.bundled.json"),
    },
    Embedded {
        name: "checkout-identity-verification",
        text: include_str!("../checkout/identity-verification.openapi.bundled.json"),
    },
    Embedded {
        name: "trustmatic-verification",
        text: include_str!("../trustmatic/verification.openapi.bundled.json"),
    },
    Embedded {
        name: "facesim-control",
        text: include_str!("../facesim/control.openapi.bundled.json"),
    },
];

/// The names of every embedded API, in a stable order.
pub fn api_names() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|e| e.name)
}

/// The bundled OpenAPI document of `api` as committed, byte for byte.
pub fn openapi_text(api: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|e| e.name == api).map(|e| e.text)
}

/// The parsed contract of `api`, built once per process.
pub fn contract(api: &str) -> Option<&'static Contract> {
    static CONTRACTS: OnceLock<Vec<Contract>> = OnceLock::new();
    CONTRACTS
        .get_or_init(|| {
            EMBEDDED
                .iter()
                .map(|e| {
                    Contract::parse(e.name, e.text)
                        .unwrap_or_else(|err| panic!("embedded OpenAPI {}: {err}", e.name))
                })
                .collect()
        })
        .iter()
        .find(|c| c.name() == api)
}

#[cfg(test)]
mod tests;
