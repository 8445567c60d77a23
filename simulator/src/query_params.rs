//! The query string of a control request: only known parameters, each read once.

use crate::control::ControlError;
use axum::http::StatusCode;

/// The decoded pairs of a query string whose keys were all checked against a list.
#[derive(Debug, Default)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Decodes `query`, refusing (400) a parameter that is not in `known`.
    pub fn parse(query: Option<&str>, known: &[&str]) -> Result<QueryParams, ControlError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .into_owned()
            .collect();
        if let Some((key, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            let accepted = if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            };
            return Err(bad_request(format!(
                "unknown query parameter {key:?}; accepted: {accepted}"
            )));
        }
        Ok(QueryParams { pairs })
    }

    /// Every value of `key`, in order.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of `key`, if given; giving it twice is a 400.
    pub fn one(&self, key: &str) -> Result<Option<&str>, ControlError> {
        match self.all(key).as_slice() {
            [] => Ok(None),
            [value] => Ok(Some(value)),
            _ => Err(bad_request(format!(
                "the query parameter {key} may be given once"
            ))),
        }
    }
}

/// A 400 in the control API's format.
pub fn bad_request(message: impl Into<String>) -> ControlError {
    ControlError::new(StatusCode::BAD_REQUEST, message)
}
