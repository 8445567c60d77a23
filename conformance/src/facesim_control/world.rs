//! The state of one scenario of facesim's control API: the answers of the control API (each
//! checked against `schemas/facesim/control.openapi.json`), the vendor requests the scenario
//! sent to see the control API's effect, and the names (`$ACCOUNT`, `$RULE`, …) its steps
//! write into paths and bodies.

use super::{vendor_key, Vendor};
use crate::scenarios::{sending, Context, Exclusivity};
use crate::target::{Exchange, Request};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The header naming the namespace a request acts in.
pub const NAMESPACE_HEADER: &str = "Facesim-Namespace";

/// One scenario's world.
#[derive(Debug, Default)]
pub struct ControlWorld {
    context: Option<Arc<Context>>,
    exclusivity: Option<Exclusivity>,
    /// The control API's answers, oldest first; `Then` steps check the last one.
    pub answers: Vec<Exchange>,
    /// The answers of the vendor requests, oldest first.
    pub vendor_answers: Vec<Exchange>,
    /// The values `$NAME` stands for in paths, bodies and expected values.
    pub names: BTreeMap<String, String>,
    /// The clock as a step noted it: `(now, offset_seconds)`.
    pub noted_clock: Option<(String, f64)>,
    /// The ids of the scenario rules the scenario added, removed when it ends.
    pub added_rules: Vec<String>,
    /// The namespace every request is sent in (`Facesim-Namespace`); `None` for the default.
    pub namespace: Option<String>,
}

crate::suite_world!(ControlWorld);

impl ControlWorld {
    /// The value of `$name`, made unique to the run on first use for `ACCOUNT`, `SESSION`
    /// and names starting with `NS` (namespaces); fails for another name no step set.
    pub fn name(&mut self, name: &str) -> String {
        if let Some(value) = self.names.get(name) {
            return value.clone();
        }
        let value = match name {
            "ACCOUNT" => self.context().unique(),
            "SESSION" => session_id(&self.context().unique()),
            n if n.starts_with("NS") => self.context().unique(),
            _ => self.fail(None, format!("${name} was not set by an earlier step")),
        };
        self.names.insert(name.to_string(), value.clone());
        value
    }

    /// `text` with every `$NAME` (capitals, digits, `_`) replaced by its value.
    pub fn expand(&mut self, text: &str) -> String {
        let pattern = regex::Regex::new(r"\$([A-Z][A-Z0-9_]*)").expect("a pattern");
        let wanted: Vec<String> = pattern
            .captures_iter(text)
            .map(|c| c[1].to_string())
            .collect();
        let mut out = text.to_string();
        // Longest names first, so that `$RULE_2` is not read as `$RULE` and `_2`.
        let mut sorted = wanted;
        sorted.sort_by_key(|n| std::cmp::Reverse(n.len()));
        sorted.dedup();
        for name in sorted {
            let value = self.name(&name);
            out = out.replace(&format!("${name}"), &value);
        }
        out
    }

    /// A request to `path` (with `$NAME`s expanded) under the control API.
    pub fn control_request(&mut self, method: &str, path: &str) -> Request {
        let path = self.expand(path);
        let request = self.context().target.request_with_key(method, &path, None);
        self.in_namespace(request)
    }

    /// `request` with the scenario's `Facesim-Namespace`, if it works in a named one.
    fn in_namespace(&self, request: Request) -> Request {
        match &self.namespace {
            Some(name) => request.header(NAMESPACE_HEADER, name),
            None => request,
        }
    }

    /// Sends a request to the control API and keeps the answer for `Then` steps; fails the
    /// step when there is no answer, or the answer breaks the control API's contract.
    pub async fn act(&mut self, request: Request) -> Exchange {
        let context = self.context();
        let exchange = sending::transmit(&context, request, true).await;
        if let Err(violation) = exchange.check(context.target.contract) {
            self.fail(
                Some(&exchange),
                format!("The answer breaks the control API's contract: {violation}"),
            );
        }
        self.answers.push(exchange.clone());
        exchange
    }

    /// The answer to the last control request.
    pub fn answer(&self) -> Exchange {
        sending::last_answer(&self.context(), &self.answers)
    }

    /// The root the control API and the vendors share (the control base without `/_facesim`).
    pub fn root(&self) -> String {
        let base = self.context().target.base.clone();
        match base.strip_suffix("/_facesim") {
            Some(root) => root.to_string(),
            None => self.fail(
                None,
                format!(
                    "--target {base} does not end with /_facesim: the vendors' root is unknown"
                ),
            ),
        }
    }

    /// A request to `path` of `vendor`'s API carrying facesim's default credentials.
    pub fn vendor_request(&mut self, vendor: Vendor, method: &str, path: &str) -> Request {
        let path = self.expand(path);
        let url = format!("{}{}{path}", self.root(), vendor.prefix());
        let (header, value) = vendor_key(vendor);
        let request = self
            .context()
            .target
            .link(method, &url)
            .header(header, &value);
        self.in_namespace(request)
    }

    /// Sends a vendor request and keeps its answer.
    pub async fn send_vendor(&mut self, request: Request) -> Exchange {
        let exchange = sending::transmit(&self.context(), request, false).await;
        self.vendor_answers.push(exchange.clone());
        exchange
    }

    /// The answer to the last vendor request.
    pub fn vendor_answer(&self) -> Exchange {
        match self.vendor_answers.last() {
            Some(answer) => answer.clone(),
            None => self.fail(None, "no vendor request was sent yet"),
        }
    }
}

/// A session id shaped like a UUID, made from a name unique to the run.
fn session_id(unique: &str) -> String {
    use sha2::Digest as _;
    let hex = hex::encode(&sha2::Sha256::digest(unique.as_bytes())[..16]);
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The value at `pointer` (a JSON pointer, `/a/0/b`) in `body`.
pub fn at<'v>(body: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() || pointer == "/" {
        return Some(body);
    }
    body.pointer(pointer)
}

/// Whether `actual` is what a step's `expected` text says: JSON (`5`, `null`, `"text"`,
/// `true`) compared as JSON, numbers by value; any other text compared with a string.
pub fn matches(actual: &Value, expected: &str) -> bool {
    match serde_json::from_str::<Value>(expected) {
        Ok(Value::Number(n)) => actual.as_f64() == n.as_f64(),
        Ok(value) => *actual == value,
        Err(_) => actual.as_str() == Some(expected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expected_values_compare_as_json_or_text() {
        assert!(matches(&json!(5.0), "5"));
        assert!(matches(&json!("abc"), "abc"));
        assert!(matches(&json!("abc"), "\"abc\""));
        assert!(matches(&Value::Null, "null"));
        assert!(!matches(&json!("5"), "5"));
        assert!(!matches(&json!(4), "5"));
        assert_eq!(at(&json!({"a": [1, {"b": 2}]}), "/a/1/b"), Some(&json!(2)));
        assert_eq!(at(&json!(3), ""), Some(&json!(3)));
    }

    #[test]
    fn session_ids_are_uuid_shaped() {
        let id = session_id("conf-x-1");
        assert_eq!(id.len(), 36, "{id}");
        assert_eq!(&id[14..15], "4");
    }
}
