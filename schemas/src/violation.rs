//! What is wrong with an answer, worded so that the broken contract is named.

use std::fmt;

/// An answer the contract does not allow.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The operation, `METHOD /template`, or the concrete request line when none matched.
    pub operation: String,
    /// The answer's HTTP status.
    pub status: u16,
    /// What is wrong.
    pub problem: Problem,
}

/// The kinds of contract breach.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// No documented operation has this method and path.
    UnknownOperation,
    /// The operation does not document this status.
    UndocumentedStatus {
        /// The statuses it does document.
        documented: Vec<String>,
    },
    /// The content type is not one the status documents.
    ContentType {
        /// The documented media types.
        expected: Vec<String>,
        /// What the answer declared.
        found: Option<String>,
    },
    /// The media type is JSON but the body does not parse.
    NotJson {
        /// The parser's message.
        error: String,
    },
    /// The body breaks the JSON Schema.
    Schema {
        /// The component the body was checked against, when it is a single one.
        schema: String,
        /// Every error, in the validator's order.
        errors: Vec<SchemaError>,
    },
}

/// One JSON Schema error, with the paths that locate it.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaError {
    /// JSON pointer into the body (`/status`), empty for the whole body.
    pub instance_path: String,
    /// JSON pointer into the schema (`/properties/status/enum`).
    pub schema_path: String,
    /// The validator's message.
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_path.is_empty() {
            "the body"
        } else {
            &self.instance_path
        };
        write!(f, "at {at}: {} (schema {})", self.message, self.schema_path)
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = format!("{} answered {}", self.operation, self.status);
        match &self.problem {
            Problem::UnknownOperation => write!(f, "{}: the API documents no such operation", head),
            Problem::UndocumentedStatus { documented } => write!(
                f,
                "{head}, a status the API does not document for it (documented: {})",
                documented.join(", ")
            ),
            Problem::ContentType { expected, found } => write!(
                f,
                "{head} with content type {}, documented: {}",
                found.as_deref().unwrap_or("(none)"),
                expected.join(", ")
            ),
            Problem::NotJson { error } => write!(f, "{head} with a body that is not JSON: {error}"),
            Problem::Schema { schema, errors } => {
                write!(f, "{head} with a body that breaks schema {schema}")?;
                for error in errors {
                    write!(f, "; {error}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Violation {}
