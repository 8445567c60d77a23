//! One OpenAPI document turned into a table of operations with compiled response schemas.

use crate::violation::{Problem, SchemaError, Violation};
use jsonschema::{Draft, Validator};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A parsed OpenAPI document.
pub struct Contract {
    name: String,
    document: Value,
    base_path: String,
    operations: Vec<Operation>,
    components: HashMap<String, Arc<Validator>>,
}

/// One documented operation (method and path template).
pub struct Operation {
    method: String,
    template: String,
    segments: Vec<Segment>,
    operation_id: Option<String>,
    responses: BTreeMap<String, Response>,
}

enum Segment {
    Literal(String),
    Parameter,
}

/// The documented answer for one status key (`200`, `4XX`, `default`).
struct Response {
    /// Media type → schema; empty when the answer has no body.
    content: Vec<(String, Option<Checked>)>,
}

/// A compiled schema and the name it is reported under.
#[derive(Clone)]
struct Checked {
    label: String,
    validator: Arc<Validator>,
}

impl Contract {
    /// Parses and compiles a bundled OpenAPI 3.1 document (internal `$ref`s only).
    pub fn parse(name: &str, text: &str) -> Result<Self, String> {
        let document: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let base_path = document
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .map(server_path)
            .unwrap_or_default();
        let mut compiler = Compiler {
            document: &document,
            cache: HashMap::new(),
        };
        let mut operations = Vec::new();
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("no paths")?;
        for (template, item) in paths {
            let item = item
                .as_object()
                .ok_or_else(|| format!("{template}: not an object"))?;
            for (method, op) in item {
                if !is_method(method) {
                    continue;
                }
                operations.push(compiler.operation(method, template, op)?);
            }
        }
        let mut components = HashMap::new();
        if let Some(schemas) = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for key in schemas.keys() {
                let pointer = format!("#/components/schemas/{}", escape_pointer(key));
                components.insert(key.clone(), compiler.compile(&json!({ "$ref": pointer }))?);
            }
        }
        Ok(Contract {
            name: name.to_string(),
            document,
            base_path,
            operations,
            components,
        })
    }

    /// The API's name (`truora-validations`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole OpenAPI document.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// The path of the first server URL (`/truora/validations`), empty when it has none.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Every documented operation.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation for `method` and a concrete `path` relative to the API root
    /// (`/v1/enrollments/ENR123`); a query string is ignored.
    pub fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        self.operations
            .iter()
            .find(|op| op.method.eq_ignore_ascii_case(method) && op.matches(path))
    }

    /// Checks one answer: the status must be documented for the operation, the content
    /// type must be one documented for that status, and a JSON body must be valid against
    /// its schema. Answers the matched operation.
    pub fn check_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<&Operation, Violation> {
        let operation = self.operation(method, path).ok_or_else(|| Violation {
            operation: format!("{} {}", method.to_ascii_uppercase(), path),
            status,
            problem: Problem::UnknownOperation,
        })?;
        operation
            .check(status, content_type, body)
            .map_err(|problem| Violation {
                operation: operation.label(),
                status,
                problem,
            })?;
        Ok(operation)
    }

    /// Validates `value` against the component schema `name` (`enrollment`,
    /// `error.error`); answers every error.
    pub fn check_component(&self, name: &str, value: &Value) -> Result<(), Vec<SchemaError>> {
        let validator = self
            .components
            .get(name)
            .unwrap_or_else(|| panic!("{}: no component schema {name}", self.name));
        let errors = schema_errors(validator, value);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The names of every component schema.
    pub fn component_names(&self) -> impl Iterator<Item = &str> {
        self.components.keys().map(String::as_str)
    }
}

impl Operation {
    /// `METHOD /template`, as reports name it.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// The upper-case HTTP method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path template (`/v1/enrollments/{enrollment_id}`).
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The `operationId`, when documented.
    pub fn operation_id(&self) -> Option<&str> {
        self.operation_id.as_deref()
    }

    /// The documented status keys (`200`, `404`, `4XX`, `default`).
    pub fn statuses(&self) -> impl Iterator<Item = &str> {
        self.responses.keys().map(String::as_str)
    }

    /// Whether the operation documents `status` (exactly, by class or by `default`).
    pub fn documents_status(&self, status: u16) -> bool {
        self.response(status).is_some()
    }

    fn matches(&self, path: &str) -> bool {
        let mut parts = path.trim_start_matches('/').split('/');
        for segment in &self.segments {
            match (segment, parts.next()) {
                (Segment::Literal(want), Some(got)) if want == got => {}
                (Segment::Parameter, Some(got)) if !got.is_empty() => {}
                _ => return false,
            }
        }
        parts.next().is_none()
    }

    fn response(&self, status: u16) -> Option<&Response> {
        let exact = status.to_string();
        let class = format!("{}XX", status / 100);
        self.responses
            .get(&exact)
            .or_else(|| self.responses.get(&class))
            .or_else(|| self.responses.get(&class.to_ascii_lowercase()))
            .or_else(|| self.responses.get("default"))
    }

    fn check(&self, status: u16, content_type: Option<&str>, body: &[u8]) -> Result<(), Problem> {
        let response = self
            .response(status)
            .ok_or_else(|| Problem::UndocumentedStatus {
                documented: self.responses.keys().cloned().collect(),
            })?;
        if response.content.is_empty() {
            return Ok(());
        }
        let essence = content_type.map(media_essence);
        let schema = response
            .content
            .iter()
            .find(|(media, _)| essence.as_deref().is_some_and(|e| media_matches(media, e)))
            .map(|(_, schema)| schema)
            .ok_or_else(|| Problem::ContentType {
                expected: response.content.iter().map(|(m, _)| m.clone()).collect(),
                found: content_type.map(str::to_string),
            })?;
        let Some(checked) = schema else {
            return Ok(());
        };
        let value: Value = serde_json::from_slice(body).map_err(|e| Problem::NotJson {
            error: e.to_string(),
        })?;
        let errors = schema_errors(&checked.validator, &value);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Problem::Schema {
                schema: checked.label.clone(),
                errors,
            })
        }
    }
}

/// Compiles schemas against the whole document so internal `$ref`s resolve; identical
/// schemas are compiled once.
struct Compiler<'d> {
    document: &'d Value,
    cache: HashMap<String, Arc<Validator>>,
}

impl<'d> Compiler<'d> {
    fn operation(&mut self, method: &str, template: &str, op: &Value) -> Result<Operation, String> {
        let mut responses = BTreeMap::new();
        let documented = op
            .get("responses")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{method} {template}: no responses"))?;
        for (status, response) in documented {
            let response = self.resolve(response)?;
            let mut content = Vec::new();
            if let Some(media) = response.get("content").and_then(Value::as_object) {
                for (media_type, entry) in media {
                    let checked = match entry.get("schema") {
                        Some(schema) if is_json(media_type) => Some(Checked {
                            label: schema_label(schema),
                            validator: self.compile(schema)?,
                        }),
                        _ => None,
                    };
                    content.push((media_type.to_ascii_lowercase(), checked));
                }
            }
            responses.insert(status.clone(), Response { content });
        }
        Ok(Operation {
            method: method.to_ascii_uppercase(),
            template: template.to_string(),
            segments: template
                .trim_start_matches('/')
                .split('/')
                .map(|s| {
                    if s.starts_with('{') && s.ends_with('}') {
                        Segment::Parameter
                    } else {
                        Segment::Literal(s.to_string())
                    }
                })
                .collect(),
            operation_id: op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_string),
            responses,
        })
    }

    /// Follows a `#/components/...` reference of a response object.
    fn resolve<'v>(&self, value: &'v Value) -> Result<&'v Value, String>
    where
        'd: 'v,
    {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#').ok_or_else(|| {
                    format!("{reference}: only internal references are supported")
                })?;
                self.document
                    .pointer(pointer)
                    .ok_or_else(|| format!("{reference}: not found"))
            }
            None => Ok(value),
        }
    }

    fn compile(&mut self, schema: &Value) -> Result<Arc<Validator>, String> {
        let key = schema.to_string();
        if let Some(validator) = self.cache.get(&key) {
            return Ok(validator.clone());
        }
        // The schema sits at the root of a copy of the document, so `#/components/...`
        // resolves; the document's other members are unknown keywords and are ignored.
        let mut root = self.document.clone();
        let object = root
            .as_object_mut()
            .expect("an OpenAPI document is an object");
        object.insert("allOf".into(), json!([schema]));
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("schema {schema}: {e}"))?;
        let validator = Arc::new(validator);
        self.cache.insert(key, validator.clone());
        Ok(validator)
    }
}

fn schema_errors(validator: &Validator, value: &Value) -> Vec<SchemaError> {
    validator
        .iter_errors(value)
        .map(|e| SchemaError {
            instance_path: e.instance_path().as_str().to_string(),
            schema_path: strip_wrapper(e.schema_path().as_str()),
            message: e.to_string(),
        })
        .collect()
}

/// Drops the `/allOf/0` the compiler wraps every schema in.
fn strip_wrapper(path: &str) -> String {
    path.strip_prefix("/allOf/0").unwrap_or(path).to_string()
}

/// `#/components/schemas/enrollment` → `enrollment`; anything else is described.
fn schema_label(schema: &Value) -> String {
    let reference = schema.get("$ref").or_else(|| {
        schema
            .get("allOf")
            .and_then(Value::as_array)
            .and_then(|all| all.iter().find_map(|s| s.get("$ref")))
    });
    match reference.and_then(Value::as_str) {
        Some(r) => r
            .rsplit('/')
            .next()
            .unwrap_or(r)
            .replace("~1", "/")
            .replace("~0", "~"),
        None => "(inline schema)".into(),
    }
}

fn server_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].trim_end_matches('/').to_string(),
        None => String::new(),
    }
}

fn is_method(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
    )
}

fn is_json(media_type: &str) -> bool {
    let essence = media_essence(media_type);
    essence == "application/json" || essence.ends_with("+json")
}

fn media_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a documented media range (`application/json`, `image/*`, `*/*`) covers `essence`.
fn media_matches(range: &str, essence: &str) -> bool {
    let range = media_essence(range);
    match range.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, "*")) => essence.split('/').next() == Some(kind),
        _ => range == essence,
    }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}
