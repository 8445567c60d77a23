//! The response types' derived JSON Schemas (`schemars`) against the documented ones
//! (`facesim_schemas`): every property the code can emit is documented, every property the
//! documents require is always emitted, types agree and an enum-valued field emits only
//! documented values. Nested objects and array items are compared the same way.

use crate::truora::error::Envelope;
use crate::truora::views::{EnrollmentBody, ValidationBody};
use facesim_schemas::Contract;
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::Value;
use std::collections::BTreeMap;

/// The schema of what `T` serializes to, with its definitions under `$defs`.
fn derived<T: JsonSchema>() -> Value {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

/// Every way the derived schema of `T` disagrees with the component `name` of `contract`.
fn drift<T: JsonSchema>(contract: &Contract, name: &str) -> Vec<String> {
    let derived = derived::<T>();
    let document = contract.document();
    let doc = document
        .pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("{}: no component {name}", contract.name()));
    let mut comparison = Comparison {
        derived_root: &derived,
        doc_root: document,
        problems: Vec::new(),
    };
    comparison.compare(name, &derived, doc, false);
    comparison.problems
}

struct Comparison<'a> {
    derived_root: &'a Value,
    doc_root: &'a Value,
    problems: Vec<String>,
}

impl<'a> Comparison<'a> {
    /// Compares what `derived` can emit at `at` with what `doc` allows; `optional` when the
    /// field is skipped rather than written as `null` (so `null` is never emitted).
    fn compare(&mut self, at: &str, derived: &'a Value, doc: &'a Value, optional: bool) {
        let mut facets = Vec::new();
        self.doc_facets(doc, &mut facets);
        let mut alternatives = Vec::new();
        self.derived_alternatives(derived, &mut alternatives);
        for alternative in alternatives {
            let Some(schema) = alternative.as_object() else {
                self.problems.push(format!(
                    "{at}: the Rust schema {alternative} cannot be compared"
                ));
                continue;
            };
            let mut types = strings(schema.get("type"));
            let mut values = schema
                .get("enum")
                .and_then(Value::as_array)
                .cloned()
                .or_else(|| schema.get("const").map(|c| vec![c.clone()]));
            if optional {
                if types.as_ref().is_some_and(|t| t == &["null"]) {
                    continue;
                }
                types.iter_mut().for_each(|t| t.retain(|t| t != "null"));
                values.iter_mut().for_each(|v| v.retain(|v| !v.is_null()));
            }
            for facet in &facets {
                self.compare_types(at, types.as_deref(), facet);
                self.compare_values(at, values.as_deref(), facet);
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                let required = strings(schema.get("required")).unwrap_or_default();
                let mut documented: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
                for facet in &facets {
                    for (name, sub) in facet
                        .get("properties")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        documented.entry(name).or_default().push(sub);
                    }
                }
                let mut in_branches = std::collections::BTreeSet::new();
                for facet in &facets {
                    self.branch_properties(facet, &mut in_branches);
                }
                for (name, sub) in properties {
                    let path = format!("{at}/{name}");
                    match documented.get(name.as_str()) {
                        None if in_branches.contains(name.as_str()) => {}
                        None => self.problems.push(format!(
                            "{path}: the Rust type emits this property; the documents do not know it"
                        )),
                        Some(docs) => {
                            for doc in docs {
                                self.compare(&path, sub, doc, !required.contains(name));
                            }
                        }
                    }
                }
                for facet in &facets {
                    for name in strings(facet.get("required")).unwrap_or_default() {
                        if !required.contains(&name) {
                            let how = if properties.contains_key(&name) {
                                "may omit it"
                            } else {
                                "never emits it"
                            };
                            self.problems.push(format!(
                                "{at}/{name}: the documents require this property; the Rust type {how}"
                            ));
                        }
                    }
                }
            }
            if let Some(items) = schema.get("items") {
                for facet in &facets {
                    if let Some(doc_items) = facet.get("items") {
                        self.compare(&format!("{at}/items"), items, doc_items, false);
                    }
                }
            }
        }
    }

    fn compare_types(&mut self, at: &str, types: Option<&[String]>, facet: &Value) {
        let Some(allowed) = strings(facet.get("type")) else {
            return;
        };
        let Some(types) = types else {
            self.problems.push(format!(
                "{at}: the Rust type may emit any JSON; the documents allow only {allowed:?}"
            ));
            return;
        };
        for t in types {
            let ok =
                allowed.contains(t) || (t == "integer" && allowed.iter().any(|a| a == "number"));
            if !ok {
                self.problems.push(format!(
                    "{at}: the Rust type emits type {t}; the documents allow only {allowed:?}"
                ));
            }
        }
    }

    fn compare_values(&mut self, at: &str, values: Option<&[Value]>, facet: &Value) {
        let allowed = match (
            facet.get("enum").and_then(Value::as_array),
            facet.get("const"),
        ) {
            (Some(values), _) => values.clone(),
            (None, Some(value)) => vec![value.clone()],
            (None, None) => return,
        };
        let Some(values) = values else {
            self.problems.push(format!(
                "{at}: the Rust type may emit any value; the documents allow only {}",
                Value::from(allowed)
            ));
            return;
        };
        for value in values {
            if !allowed.contains(value) {
                self.problems.push(format!(
                    "{at}: the Rust type emits {value}; the documents allow only {}",
                    Value::from(allowed.clone())
                ));
            }
        }
    }

    /// The derived schema's alternatives: `$ref`s followed, `anyOf`/`oneOf` flattened.
    fn derived_alternatives(&self, schema: &'a Value, out: &mut Vec<&'a Value>) {
        if let Some(target) = self.follow(self.derived_root, schema) {
            return self.derived_alternatives(target, out);
        }
        match ["anyOf", "oneOf"]
            .iter()
            .find_map(|k| schema.get(k).and_then(Value::as_array))
        {
            Some(branches) => branches
                .iter()
                .for_each(|b| self.derived_alternatives(b, out)),
            None => out.push(schema),
        }
    }

    /// The documented schema and everything it is combined with by `$ref` and `allOf`
    /// (every one of them holds, so each is compared).
    fn doc_facets(&self, schema: &'a Value, out: &mut Vec<&'a Value>) {
        out.push(schema);
        if let Some(target) = self.follow(self.doc_root, schema) {
            self.doc_facets(target, out);
        }
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.doc_facets(member, out);
        }
    }

    /// The properties that some branch of the documented `anyOf`/`oneOf` alternatives of
    /// `facet` knows: a value needs to satisfy only one branch, so each is known but none is
    /// compared (nor required).
    fn branch_properties(&self, facet: &'a Value, out: &mut std::collections::BTreeSet<&'a str>) {
        for branch in ["anyOf", "oneOf"]
            .iter()
            .filter_map(|k| facet.get(k).and_then(Value::as_array))
            .flatten()
        {
            let mut facets = Vec::new();
            self.doc_facets(branch, &mut facets);
            for f in facets {
                if let Some(properties) = f.get("properties").and_then(Value::as_object) {
                    out.extend(properties.keys().map(String::as_str));
                }
                self.branch_properties(f, out);
            }
        }
    }

    /// The target of an internal `$ref` in `schema`, resolved against `root`.
    fn follow(&self, root: &'a Value, schema: &Value) -> Option<&'a Value> {
        let reference = schema.get("$ref")?.as_str()?;
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{reference}: only internal references are compared"));
        Some(
            root.pointer(pointer)
                .unwrap_or_else(|| panic!("{reference}: not found")),
        )
    }
}

/// A `type` or `required` keyword as a list of strings.
fn strings(value: Option<&Value>) -> Option<Vec<String>> {
    match value? {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

fn truora() -> &'static Contract {
    facesim_schemas::contract("truora-validations").expect("embedded")
}

#[test]
fn the_enrollment_body_matches_the_documented_enrollment() {
    let problems = drift::<EnrollmentBody>(truora(), "enrollment");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_validation_body_matches_the_documented_validation() {
    let problems = drift::<ValidationBody>(truora(), "validation");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_error_envelope_matches_the_documented_envelope() {
    let problems = drift::<Envelope>(truora(), "error.envelope");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn checkout() -> &'static Contract {
    facesim_schemas::contract("checkout-identity-verification").expect("embedded")
}

#[test]
fn the_checkout_bodies_match_the_documented_ones() {
    use crate::checkout::views::*;
    let problems = [
        drift::<ApplicantBody>(checkout(), "applicant"),
        drift::<FaceAuthenticationBody>(checkout(), "face-authentication"),
        drift::<AttemptBody>(checkout(), "attempt"),
        drift::<AttemptListBody>(checkout(), "attempt.list"),
        drift::<AssetListBody>(checkout(), "attempt.asset_list"),
    ]
    .concat();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn checkout_error_bodies_match_the_document() {
    use crate::checkout::error::ErrorBody;
    let problems = drift::<ErrorBody>(checkout(), "error");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn trustmatic() -> &'static Contract {
    facesim_schemas::contract("trustmatic-verification").expect("embedded")
}

#[test]
fn the_trustmatic_bodies_match_the_documented_ones() {
    use crate::trustmatic::views::{Failed, Refused, Scored};
    // `Failed.error` holds every operation's codes; which ones each operation answers is
    // compared with the document by the next test.
    let failed = |answer: &str| {
        let any_code = format!("{answer}/error: the Rust type may emit any value");
        let mut problems = drift::<Failed>(trustmatic(), answer);
        problems.retain(|p| !p.starts_with(&any_code));
        problems
    };
    let problems = [
        drift::<Scored<u8>>(trustmatic(), "face-verify.answer"),
        failed("face-verify.answer"),
        drift::<Scored<f64>>(trustmatic(), "face-liveness.answer"),
        failed("face-liveness.answer"),
        drift::<Scored<f64>>(trustmatic(), "document-liveness.answer"),
        failed("document-liveness.answer"),
        drift::<Refused>(trustmatic(), "common.transport_error"),
    ]
    .concat();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_trustmatic_operation_answers_exactly_its_documented_codes() {
    use crate::trustmatic::model::Operation;
    for operation in Operation::ALL {
        let answer = match operation {
            Operation::FaceVerify => "face-verify.answer",
            Operation::FaceLiveness => "face-liveness.answer",
            Operation::DocumentLiveness => "document-liveness.answer",
        };
        let pointer = format!("/components/schemas/{answer}/properties/error/enum");
        let documented = strings(trustmatic().document().pointer(&pointer))
            .unwrap_or_else(|| panic!("no {pointer}"));
        let answered: Vec<String> = operation.errors().iter().map(|c| c.to_string()).collect();
        assert_eq!(answered, documented, "{operation}");
    }
}

/// Types that drift from the documents in every way the comparison knows (only their
/// schemas are used).
#[allow(dead_code)]
mod drifted {
    use schemars::JsonSchema;
    use serde::Serialize;

    #[derive(Serialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Status {
        Pending,
        Approved,
    }

    #[derive(Serialize, JsonSchema)]
    pub struct Enrollment {
        pub enrollment_id: String,
        pub validation_type: String,
        pub status: Status,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
        pub file_upload_link: String,
        pub creation_date: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub update_date: Option<String>,
        pub nickname: Option<String>,
    }

    #[derive(Serialize, JsonSchema)]
    pub struct Checks {
        pub similarity_status: Status,
        pub confidence_score: String,
    }

    #[derive(Serialize, JsonSchema)]
    pub struct Details {
        pub face_recognition_validations: Checks,
    }

    #[derive(Serialize, JsonSchema)]
    pub struct Validation {
        pub subvalidations: Vec<String>,
        pub details: Details,
        pub threshold: Option<f64>,
    }
}

#[test]
fn drift_is_reported_where_it_is() {
    let problems = drift::<drifted::Enrollment>(truora(), "enrollment");
    let expected = [
        "enrollment/account_id: the documents require this property; the Rust type never emits it",
        "enrollment/update_date: the documents require this property; the Rust type may omit it",
        "enrollment/nickname: the Rust type emits this property; the documents do not know it",
        "enrollment/status: the Rust type emits \"approved\"",
        "enrollment/validation_type: the Rust type may emit any value; the documents allow only [\"face-recognition\"]",
        "enrollment/reason: the Rust type may emit any value",
        "enrollment/creation_date: the Rust type emits type integer; the documents allow only [\"string\"]",
    ];
    for needle in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(needle)),
            "missing {needle:?} in:\n{}",
            problems.join("\n")
        );
    }
    assert_eq!(problems.len(), expected.len(), "{}", problems.join("\n"));

    let problems = drift::<drifted::Validation>(truora(), "validation");
    for needle in [
        "validation/subvalidations/items: the Rust type may emit any value",
        "validation/details/face_recognition_validations/similarity_status: the Rust type emits \"pending\"",
        "validation/details/face_recognition_validations/confidence_score: the Rust type emits type string",
        "validation/threshold: the Rust type emits type null",
        "validation/validation_id: the documents require this property; the Rust type never emits it",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(needle)),
            "missing {needle:?} in:\n{}",
            problems.join("\n")
        );
    }
}
