//! Judging one answer: is it documented at all, and is it the answer the documents promise
//! for this request?

use crate::target::{Exchange, Target};
use std::fmt;

/// What the vendor's documents say about one part of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Verdict {
    /// Documented as valid.
    Valid,
    /// The documents are silent or ambiguous (an empty value, a parser-dependent number): any
    /// documented answer will do.
    Unclear,
    /// Documented as invalid.
    Invalid,
}

impl Verdict {
    /// The verdict of a request made of parts: one invalid part makes it invalid.
    pub fn all(parts: impl IntoIterator<Item = Verdict>) -> Verdict {
        parts.into_iter().max().unwrap_or(Verdict::Valid)
    }

    /// What the whole request deserves when its key is good.
    pub fn expect(self) -> Expect {
        match self {
            Verdict::Valid => Expect::Accepted,
            Verdict::Unclear => Expect::Any,
            Verdict::Invalid => Expect::Rejected,
        }
    }
}

/// The answers a request may get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Expect {
    /// A 2xx answer.
    Accepted,
    /// A 4xx answer with the vendor's error body.
    Rejected,
    /// One of these statuses.
    OneOf(&'static [u16]),
    /// Any documented answer (never a 5xx).
    Any,
}

/// A missing or unknown API key.
pub(super) const UNAUTHORIZED: Expect = Expect::OneOf(&[401]);
/// Something that needs a special authorization the key may lack ("Insufficient permissions").
pub(super) const ACCEPTED_OR_FORBIDDEN: Expect = Expect::OneOf(&[200, 403]);

impl Expect {
    /// Whether `status` is one of the answers.
    pub fn admits(self, status: u16) -> bool {
        match self {
            Expect::Accepted => (200..300).contains(&status),
            Expect::Rejected => (400..500).contains(&status),
            Expect::OneOf(statuses) => statuses.contains(&status),
            Expect::Any => status < 500,
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Accepted => f.write_str("a 2xx answer"),
            Expect::Rejected => f.write_str("a 4xx rejection"),
            Expect::OneOf(statuses) => {
                let list: Vec<String> = statuses.iter().map(u16::to_string).collect();
                f.write_str(&list.join(" or "))
            }
            Expect::Any => f.write_str("any documented answer"),
        }
    }
}

/// Checks what every answer must be: not a server error and, for a request to the API (not
/// to a link it handed out), documented by the contract (status, content type, schema) with,
/// for a 4xx, the vendor's error body (Truora: repeating the status; Checkout: repeating the
/// `Cko-Request-Id` header, and no body at all for 401; Trustmatic: see
/// [`crate::trustmatic::answers`]; facesim's control API: the document's error body).
pub(super) fn documented(target: &Target, exchange: &Exchange) -> Result<(), String> {
    if exchange.status >= 500 {
        return Err(format!("server error {}", exchange.status));
    }
    let under_api = exchange
        .check(target.contract)
        .map_err(|violation| violation.to_string())?;
    if !under_api {
        return Ok(());
    }
    match target.contract.name() {
        name if name == crate::checkout::API => checkout_envelope(exchange),
        name if name == crate::trustmatic::API => crate::trustmatic::answers::check(exchange),
        // The control API's error body `{error, message}` is its document's, checked above.
        name if name == crate::facesim_control::API => Ok(()),
        _ if exchange.status >= 400 => truora_envelope(target, exchange),
        _ => Ok(()),
    }
}

/// A Truora error body: the documented envelope, repeating the HTTP status as `http_code`.
fn truora_envelope(target: &Target, exchange: &Exchange) -> Result<(), String> {
    let body = exchange
        .json()
        .ok_or_else(|| format!("the {} answer is not JSON", exchange.status))?;
    target
        .contract
        .check_component("error.error", &body)
        .map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            format!("not the vendor's error body: {}", lines.join("; "))
        })?;
    if body.get("http_code").and_then(|c| c.as_u64()) != Some(u64::from(exchange.status)) {
        return Err(format!(
            "the error body's http_code {} is not the HTTP status {}",
            body["http_code"], exchange.status
        ));
    }
    Ok(())
}

/// What every Checkout answer carries besides its schema: a `Cko-Request-Id` header, repeated
/// as the error body's `request_id`, and an empty body for 401.
fn checkout_envelope(exchange: &Exchange) -> Result<(), String> {
    use crate::checkout::world::REQUEST_ID;
    let Some(id) = exchange
        .header(REQUEST_ID)
        .filter(|id| !id.trim().is_empty())
    else {
        return Err(format!("the answer has no {REQUEST_ID} header"));
    };
    if exchange.status == 401 && !exchange.body.is_empty() {
        return Err("a 401 answer must have an empty body".into());
    }
    if exchange.status >= 400 && exchange.status != 401 {
        let repeated = exchange.json().and_then(|body| {
            body.get("request_id")
                .and_then(|r| r.as_str().map(str::to_string))
        });
        if repeated.as_deref() != Some(id) {
            return Err(format!(
                "the error's request_id {repeated:?} is not the {REQUEST_ID} header {id:?}"
            ));
        }
    }
    Ok(())
}

/// Checks that an answer is one `expect` admits.
pub(super) fn expected(exchange: &Exchange, expect: Expect) -> Result<(), String> {
    if expect.admits(exchange.status) {
        Ok(())
    } else {
        Err(format!("expected {expect}, got {}", exchange.status))
    }
}

/// [`expected`], with the reason for the expectation (`why`, may be empty) appended to a
/// failure.
pub(super) fn expected_because(
    exchange: &Exchange,
    expect: Expect,
    why: &str,
) -> Result<(), String> {
    expected(exchange, expect).map_err(|problem| {
        if why.is_empty() {
            problem
        } else {
            format!("{problem} ({why})")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_invalid_part_makes_the_request_invalid() {
        assert_eq!(Verdict::all([]), Verdict::Valid);
        assert_eq!(
            Verdict::all([Verdict::Valid, Verdict::Unclear]),
            Verdict::Unclear
        );
        assert_eq!(
            Verdict::all([Verdict::Unclear, Verdict::Invalid, Verdict::Valid]),
            Verdict::Invalid
        );
    }

    #[test]
    fn expectations_admit_their_statuses_only() {
        assert!(Expect::Accepted.admits(200) && !Expect::Accepted.admits(400));
        assert!(Expect::Rejected.admits(404) && !Expect::Rejected.admits(200));
        assert!(!Expect::Rejected.admits(500));
        assert!(UNAUTHORIZED.admits(401) && !UNAUTHORIZED.admits(403));
        assert!(Expect::Any.admits(409) && !Expect::Any.admits(502));
        assert_eq!(ACCEPTED_OR_FORBIDDEN.to_string(), "200 or 403");
    }
}
