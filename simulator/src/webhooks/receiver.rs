//! Receivers: where deliveries go, and the checks a receiver's settings must pass.

use super::Vendor;
use reqwest::header::HeaderValue;
use reqwest::Url;
use serde::{Deserialize, Serialize};

/// A receiver as written in `[[webhooks.receivers]]` or posted to the control API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiverSpec {
    /// Wire name of the vendor whose events it receives (`checkout`).
    pub vendor: String,
    /// An `http://` URL.
    pub url: String,
    /// The key the body signature is made with.
    pub signing_key: String,
    /// Sent verbatim as the `Authorization` header.
    #[serde(default)]
    pub authorization: Option<String>,
    /// Only these event types are delivered; absent means every type.
    #[serde(default)]
    pub event_types: Option<Vec<String>>,
}

/// Where a receiver was registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The configuration file; it survives resets.
    Config,
    /// The control API; a reset forgets it.
    Control,
}

/// A checked receiver.
#[derive(Debug, Clone)]
pub struct Receiver {
    /// `whr_…`.
    pub id: String,
    /// The vendor whose events it receives.
    pub vendor: Vendor,
    /// The target.
    pub url: Url,
    /// The signing key.
    pub signing_key: String,
    /// The `Authorization` header value.
    pub authorization: Option<HeaderValue>,
    /// The event-type filter; `None` accepts every type.
    pub event_types: Option<Vec<String>>,
    /// Where it was registered.
    pub source: Source,
    /// The named namespace it was registered in, whose events alone it hears; `None` hears
    /// every namespace.
    pub namespace: Option<String>,
}

impl Receiver {
    /// Whether it hears the events of `namespace` (`None`: the default namespace).
    pub fn hears(&self, namespace: Option<&str>) -> bool {
        self.namespace.is_none() || self.namespace.as_deref() == namespace
    }

    /// Checks `spec`; the error says what is wrong in a sentence.
    pub fn check(spec: &ReceiverSpec, id: String, source: Source) -> Result<Receiver, String> {
        let vendor = Vendor::parse(&spec.vendor).ok_or_else(|| {
            format!(
                "unknown vendor {:?}; known vendors: {}",
                spec.vendor,
                Vendor::names()
            )
        })?;
        let url = check_url(&spec.url)?;
        if spec.signing_key.is_empty() {
            return Err("signing_key must not be empty".into());
        }
        let authorization = spec
            .authorization
            .as_deref()
            .map(check_authorization)
            .transpose()?;
        let event_types = spec
            .event_types
            .as_deref()
            .map(|types| check_event_types(vendor, types))
            .transpose()?;
        Ok(Receiver {
            id,
            vendor,
            url,
            signing_key: spec.signing_key.clone(),
            authorization,
            event_types,
            source,
            namespace: None,
        })
    }

    /// Whether an event of `vendor` and `event_type` goes to this receiver.
    pub fn wants(&self, vendor: Vendor, event_type: &str) -> bool {
        self.vendor == vendor
            && self
                .event_types
                .as_ref()
                .is_none_or(|types| types.iter().any(|t| t == event_type))
    }
}

/// A sensitive `Authorization` value (kept out of debug output).
fn check_authorization(value: &str) -> Result<HeaderValue, String> {
    if value.is_empty() {
        return Err(
            "authorization must not be empty; omit it to send no Authorization header".into(),
        );
    }
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        "authorization must be a valid header value (visible ASCII, spaces and tabs)".to_string()
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// The event-type filter without duplicates, each a type `vendor` sends.
fn check_event_types(vendor: Vendor, types: &[String]) -> Result<Vec<String>, String> {
    if types.is_empty() {
        return Err("event_types must not be empty; omit it to receive every event type".into());
    }
    let known = vendor.event_types();
    let mut unique: Vec<String> = Vec::with_capacity(types.len());
    for name in types {
        if !known.contains(&name.as_str()) {
            return Err(format!(
                "unknown {vendor} event type {name:?}; known types: {}",
                known.join(", ")
            ));
        }
        if !unique.contains(name) {
            unique.push(name.clone());
        }
    }
    Ok(unique)
}

/// Parses a receiver URL: absolute, `http://`, with a host.
fn check_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("url {text:?} is not an absolute URL: {e}"))?;
    match url.scheme() {
        "http" => {}
        "https" => {
            return Err(format!(
                "url {text:?} uses https, but facesim delivers webhooks over plain HTTP only; \
                 give an http:// URL (put a TLS-terminating proxy in front of an https-only receiver)"
            ))
        }
        other => {
            return Err(format!(
                "url {text:?} has scheme {other:?}; facesim delivers webhooks over plain HTTP only, give an http:// URL"
            ))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("url {text:?} has no host"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(vendor: &str, url: &str) -> ReceiverSpec {
        ReceiverSpec {
            vendor: vendor.into(),
            url: url.into(),
            signing_key: "key".into(),
            authorization: None,
            event_types: None,
        }
    }

    fn check(spec: &ReceiverSpec) -> Result<Receiver, String> {
        Receiver::check(spec, "whr_1".into(), Source::Control)
    }

    #[test]
    fn accepts_http_and_refuses_other_schemes_with_a_reason() {
        let ok = check(&spec("checkout", "http://127.0.0.1:9/hook?x=1")).unwrap();
        assert_eq!(ok.url.as_str(), "http://127.0.0.1:9/hook?x=1");
        assert_eq!(ok.vendor, Vendor::Checkout);
        let https = check(&spec("checkout", "https://example.com/hook")).unwrap_err();
        assert!(https.contains("plain HTTP only"), "{https}");
        assert!(check(&spec("checkout", "ftp://example.com/"))
            .unwrap_err()
            .contains("http://"));
        assert!(check(&spec("checkout", "/relative"))
            .unwrap_err()
            .contains("absolute"));
        assert!(check(&spec("acme", "http://a/"))
            .unwrap_err()
            .contains("known vendors: checkout"));
    }

    #[test]
    fn checks_key_authorization_and_event_types() {
        let mut s = spec("checkout", "http://a/");
        s.signing_key.clear();
        assert!(check(&s).unwrap_err().contains("signing_key"));
        let mut s = spec("checkout", "http://a/");
        s.authorization = Some("Bearer a\nb".into());
        assert!(check(&s).unwrap_err().contains("authorization"));
        s.authorization = Some("Bearer ab".into());
        assert!(check(&s).unwrap().authorization.unwrap().is_sensitive());
        s.event_types = Some(vec!["face_authentication_nope".into()]);
        assert!(check(&s).unwrap_err().contains("face_authentication_nope"));
        s.event_types = Some(vec![]);
        assert!(check(&s).unwrap_err().contains("omit it"));
        s.event_types = Some(vec![
            "face_authentication_created".into(),
            "face_authentication_closed".into(),
            "face_authentication_created".into(),
        ]);
        let filtered = check(&s).unwrap();
        assert_eq!(
            filtered.event_types.as_deref().unwrap(),
            ["face_authentication_created", "face_authentication_closed"]
        );
        assert!(filtered.wants(Vendor::Checkout, "face_authentication_created"));
        assert!(!filtered.wants(Vendor::Checkout, "face_authentication_opened"));
    }
}
