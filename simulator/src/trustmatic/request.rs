//! Reading a request body into the fields of one operation, refusing wrong JSON types.

use super::model::Operation;
use serde_json::{Map, Value};

/// A well-formed request: its `sessionId` and its picture fields, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `sessionId`, when given as a string.
    pub session_id: Option<String>,
    /// The picture fields in the operation's order, with their text when given.
    pub pictures: Vec<PictureField>,
}

/// One picture field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureField {
    /// The field as the docs name it: `probe.imageBase64`, `faceImageBase`, ...
    pub name: &'static str,
    /// Its text; `None` when absent or `null`.
    pub text: Option<String>,
}

/// Why a body is not a request of the operation (a 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// `sessionId`, when it could be read.
    pub session_id: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl Request {
    /// The text of the picture field `name`.
    pub fn picture(&self, name: &str) -> Option<&str> {
        self.pictures
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.text.as_deref())
    }
}

/// Parses the body of `operation`.
pub fn parse(operation: Operation, body: &[u8]) -> Result<Request, Invalid> {
    let invalid = |session_id: Option<String>, message: String| Invalid {
        session_id,
        message,
    };
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| invalid(None, format!("the body is not valid JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(invalid(
            None,
            format!("the body must be a JSON object, not {}", kind(&value)),
        ));
    };
    let session_id = match object.get("sessionId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(invalid(
                None,
                format!("sessionId must be a string, not {}", kind(other)),
            ))
        }
    };
    let fail = |message: String| invalid(session_id.clone(), message);
    let pictures = match operation {
        Operation::FaceVerify => vec![
            nested(&object, "probe", "probe.imageBase64").map_err(fail)?,
            nested(&object, "reference", "reference.imageBase64").map_err(fail)?,
        ],
        Operation::FaceLiveness => vec![top(&object, "faceImageBase").map_err(fail)?],
        Operation::DocumentLiveness => {
            let front = top(&object, "frontSideImageBase").map_err(fail)?;
            let alias = top(&object, "documentImageBase").map_err(fail)?;
            let back = top(&object, "backSideImageBase").map_err(fail)?;
            let front = match (front.text.is_some(), alias.text) {
                (true, Some(_)) => return Err(fail(
                    "give the front side as frontSideImageBase or as documentImageBase, not both"
                        .into(),
                )),
                (false, Some(text)) => PictureField {
                    name: "documentImageBase",
                    text: Some(text),
                },
                (_, None) => front,
            };
            vec![front, back]
        }
    };
    Ok(Request {
        session_id,
        pictures,
    })
}

/// A top-level string field.
fn top(object: &Map<String, Value>, name: &'static str) -> Result<PictureField, String> {
    let text = string_field(object.get(name), name)?;
    Ok(PictureField { name, text })
}

/// `imageBase64` inside the object field `parent`.
fn nested(
    object: &Map<String, Value>,
    parent: &str,
    name: &'static str,
) -> Result<PictureField, String> {
    let text = match object.get(parent) {
        None | Some(Value::Null) => None,
        Some(Value::Object(inner)) => string_field(inner.get("imageBase64"), name)?,
        Some(other) => {
            return Err(format!(
                "{parent} must be an object like {{\"imageBase64\": \"...\"}}, not {}",
                kind(other)
            ))
        }
    };
    Ok(PictureField { name, text })
}

fn string_field(value: Option<&Value>, name: &str) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "{name} must be a string (Base64 of the picture), not {}",
            kind(other)
        )),
    }
}

/// The JSON type of `value`, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(op: Operation, body: &str) -> Request {
        parse(op, body.as_bytes()).unwrap()
    }

    fn err(op: Operation, body: &str) -> Invalid {
        parse(op, body.as_bytes()).unwrap_err()
    }

    #[test]
    fn verify_fields_are_read_and_unknown_ones_ignored() {
        let r = ok(
            Operation::FaceVerify,
            r#"{"sessionId":"s","probe":{"imageBase64":"AA"},"reference":null,"extra":1}"#,
        );
        assert_eq!(r.session_id.as_deref(), Some("s"));
        assert_eq!(r.picture("probe.imageBase64"), Some("AA"));
        assert_eq!(r.picture("reference.imageBase64"), None);
        assert_eq!(ok(Operation::FaceVerify, "{}").session_id, None);
    }

    #[test]
    fn wrong_types_name_the_field_and_keep_the_session() {
        let e = err(Operation::FaceVerify, r#"{"sessionId":"s","probe":"AA"}"#);
        assert_eq!(e.session_id.as_deref(), Some("s"));
        assert!(
            e.message.starts_with("probe must be an object"),
            "{}",
            e.message
        );
        let e = err(Operation::FaceVerify, r#"{"probe":{"imageBase64":5}}"#);
        assert!(e.message.contains("probe.imageBase64 must be a string"));
        let e = err(Operation::FaceLiveness, r#"{"sessionId":5}"#);
        assert_eq!(e.session_id, None);
        assert!(e
            .message
            .contains("sessionId must be a string, not a number"));
        assert!(err(Operation::FaceLiveness, "[1]")
            .message
            .contains("not an array"));
        assert!(err(Operation::FaceLiveness, "{")
            .message
            .contains("not valid JSON"));
    }

    #[test]
    fn document_alias_reads_as_the_front_side() {
        let r = ok(Operation::DocumentLiveness, r#"{"documentImageBase":"AA"}"#);
        assert_eq!(r.pictures[0].name, "documentImageBase");
        assert_eq!(r.pictures[0].text.as_deref(), Some("AA"));
        let both = r#"{"frontSideImageBase":"AA","documentImageBase":"AA"}"#;
        assert!(err(Operation::DocumentLiveness, both)
            .message
            .contains("not both"));
        let r = ok(
            Operation::DocumentLiveness,
            r#"{"frontSideImageBase":"AA"}"#,
        );
        assert_eq!(r.pictures[1].name, "backSideImageBase");
        assert_eq!(r.pictures[1].text, None);
    }
}
