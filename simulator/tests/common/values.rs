//! Reading responses: JSON pointers, link query parameters, identifiers and timestamps.

use reqwest::Url;
use serde_json::Value;

/// The string at a JSON pointer; panics when absent.
pub fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}: {value}"))
}

/// A validation's `instructions.file_upload_link`.
pub fn upload_link(validation: &Value) -> &str {
    str_at(validation, "/instructions/file_upload_link")
}

/// The first value of a query parameter of `link`.
pub fn query_param(link: &str, name: &str) -> Option<String> {
    let url = Url::parse(link).expect("absolute link");
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// `link` with query parameter `name` set to `value` (or removed when `None`).
pub fn with_param(link: &str, name: &str, value: Option<&str>) -> String {
    let mut url = Url::parse(link).expect("absolute link");
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut pairs = url.query_pairs_mut();
        pairs.clear();
        for (k, v) in &kept {
            pairs.append_pair(k, v);
        }
        if let Some(value) = value {
            pairs.append_pair(name, value);
        }
    }
    url.to_string()
}

/// Asserts `id` is `prefix` followed by 32 lowercase hex digits.
pub fn assert_prefixed_id(id: &str, prefix: &str) {
    let hex = id
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{id} should start with {prefix}"));
    assert_eq!(hex.len(), 32, "{id}");
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{id}"
    );
}

/// Asserts an RFC 3339 UTC timestamp with nine fractional digits; answers it parsed.
pub fn assert_nanos_timestamp(text: &str) -> chrono::DateTime<chrono::Utc> {
    let shape = text.len() == 30
        && text.as_bytes()[10] == b'T'
        && text.as_bytes()[19] == b'.'
        && text.ends_with('Z')
        && text[20..29].bytes().all(|b| b.is_ascii_digit());
    assert!(shape, "{text:?} is not RFC 3339 with nanoseconds");
    chrono::DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .to_utc()
}
