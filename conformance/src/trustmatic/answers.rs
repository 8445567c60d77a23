//! What every Trustmatic answer must be besides its schema (docs/trustmatic.md, Answers and
//! Errors outside the check): a 401 with an empty body and a Basic challenge; an answer of the
//! check with `hasError` and, when it ran, a score of the endpoint's type (an integer written
//! as one for verification, a number with at most 7 decimals for liveness); a refusal with
//! `hasError: true`, an `error` and a `message`; and the request's `sessionId` repeated.
//! Scenarios and properties check every answer with [`check`].

use super::endpoint::Endpoint;
use crate::target::{Body, Exchange, Request};
use serde_json::{Number, Value};

/// The most decimals of a liveness score (Decision 4).
pub const LIVENESS_DECIMALS: usize = 7;

/// The `sessionId` a request sent, when its body is a JSON object that has one (`null`
/// included).
pub fn sent_session_id(request: &Request) -> Option<Value> {
    let Body::Bytes { bytes, .. } = &request.body else {
        return None;
    };
    let body: Value = serde_json::from_slice(bytes).ok()?;
    body.get("sessionId").cloned()
}

/// Checks `exchange` (an answer of the API) as the module documentation says.
pub fn check(exchange: &Exchange) -> Result<(), String> {
    let endpoint = exchange.api_path.as_deref().and_then(Endpoint::at);
    match (exchange.status, endpoint) {
        (401, _) => challenge(exchange)?,
        (200, Some(endpoint)) => {
            let body = json(exchange)?;
            in_band(endpoint, &body)?;
        }
        (status, _) if status >= 400 => refusal(&json(exchange)?)?,
        _ => {}
    }
    repeats_session_id(exchange)
}

/// The answer's JSON body.
fn json(exchange: &Exchange) -> Result<Value, String> {
    exchange
        .json()
        .ok_or_else(|| format!("the {} answer is not JSON", exchange.status))
}

/// A 401: an empty body and a Basic challenge.
fn challenge(exchange: &Exchange) -> Result<(), String> {
    if !exchange.body.is_empty() {
        return Err("a 401 answer must have an empty body".into());
    }
    let scheme = exchange
        .header("WWW-Authenticate")
        .and_then(|value| value.split_whitespace().next());
    if !scheme.is_some_and(|s| s.eq_ignore_ascii_case("Basic")) {
        return Err(format!(
            "a 401 answer must challenge with WWW-Authenticate: Basic, got {:?}",
            exchange.header("WWW-Authenticate")
        ));
    }
    Ok(())
}

/// An answer of the check: `hasError`, then a score of the endpoint's type or an error code.
fn in_band(endpoint: Endpoint, body: &Value) -> Result<(), String> {
    match body.get("hasError") {
        Some(Value::Bool(false)) => score(endpoint, body).map(|_| ()),
        Some(Value::Bool(true)) => match error_code(body) {
            Some(_) => Ok(()),
            None => Err("an answer with \"hasError\": true must name its \"error\"".into()),
        },
        other => Err(format!(
            "the answer's \"hasError\" must be true or false, got {other:?}"
        )),
    }
}

/// A refusal outside the check: the in-band error shape and a message.
fn refusal(body: &Value) -> Result<(), String> {
    if body.get("hasError") != Some(&Value::Bool(true)) {
        return Err("a refusal must say \"hasError\": true".into());
    }
    if error_code(body).is_none() {
        return Err("a refusal must name its \"error\"".into());
    }
    match body.get("message").and_then(Value::as_str) {
        Some(message) if !message.trim().is_empty() => Ok(()),
        _ => Err("a refusal must say why in its \"message\"".into()),
    }
}

/// The `error` code of an answer.
pub fn error_code(body: &Value) -> Option<&str> {
    body.get("error").and_then(Value::as_str)
}

/// The score of an answer of `endpoint`, `None` when it has none; an error when it is not a
/// score of the endpoint's type and range.
pub fn score(endpoint: Endpoint, body: &Value) -> Result<Option<f64>, String> {
    let Some(value) = body.get("score") else {
        return if body.get("hasError") == Some(&Value::Bool(false)) {
            Err("an answer with \"hasError\": false must carry its \"score\"".into())
        } else {
            Ok(None)
        };
    };
    let Value::Number(number) = value else {
        return Err(format!("the score {value} is not a number"));
    };
    let max = endpoint.max_score();
    let score = number.as_f64().unwrap_or(f64::NAN);
    if !(0.0..=max).contains(&score) {
        return Err(format!("the score {number} is not from 0 to {max}"));
    }
    if endpoint.integer_score() && number.as_u64().is_none() {
        return Err(format!(
            "the score {number} of {} is not written as an integer (Decision 4)",
            endpoint.words()
        ));
    }
    if !endpoint.integer_score() && decimals(number) > LIVENESS_DECIMALS {
        return Err(format!(
            "the score {number} of {} has more than {LIVENESS_DECIMALS} decimals (Decision 4)",
            endpoint.words()
        ));
    }
    Ok(Some(score))
}

/// How many decimals a JSON number is written with (`0.9997104` → 7, `1e-8` → 8, `1` → 0).
pub fn decimals(number: &Number) -> usize {
    let text = number.to_string().to_ascii_lowercase();
    let (mantissa, exponent) = match text.split_once('e') {
        Some((mantissa, exponent)) => (mantissa.to_string(), exponent.parse().unwrap_or(0)),
        None => (text, 0i64),
    };
    let fraction = mantissa
        .split_once('.')
        .map(|(_, f)| f.trim_end_matches('0').len())
        .unwrap_or(0);
    usize::try_from(i64::try_from(fraction).unwrap_or(0) - exponent).unwrap_or(0)
}

/// The answer repeats a `sessionId` string the request sent: always when the check answered,
/// and whenever it carries one when the request was refused.
fn repeats_session_id(exchange: &Exchange) -> Result<(), String> {
    let Some(Value::String(sent)) = sent_session_id(&exchange.request) else {
        return Ok(());
    };
    if exchange.status == 401 {
        return Ok(());
    }
    let answered = exchange
        .json()
        .and_then(|body| body.get("sessionId").cloned());
    match answered {
        Some(Value::String(shown)) if shown == sent => Ok(()),
        None if exchange.status != 200 => Ok(()),
        other => Err(format!(
            "the answer's sessionId {} is not the {:?} sent (\"Same as in request\")",
            other.map_or("(none)".to_string(), |v| v.to_string()),
            sent
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn exchange(path: &str, sent: &str, status: u16, answer: &str) -> Exchange {
        let request = Request {
            method: "POST".into(),
            url: format!("http://h/trustmatic{path}"),
            headers: Vec::new(),
            body: Body::Bytes {
                content_type: Some("application/json".into()),
                bytes: Bytes::from(sent.to_string()),
                label: String::new(),
            },
        };
        Exchange {
            request,
            api_path: Some(path.to_string()),
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: Bytes::from(answer.to_string()),
        }
    }

    const VERIFY: &str = "/api/v1/face/verify";
    const LIVENESS: &str = "/api/v1/face/liveness";

    #[test]
    fn verification_scores_are_written_as_integers_from_0_to_100() {
        let sent = r#"{"sessionId": "s"}"#;
        assert!(check(&exchange(
            VERIFY,
            sent,
            200,
            r#"{"sessionId":"s","score":99,"hasError":false}"#
        ))
        .is_ok());
        let float = check(&exchange(
            VERIFY,
            sent,
            200,
            r#"{"sessionId":"s","score":99.0,"hasError":false}"#,
        ));
        assert!(float.unwrap_err().contains("not written as an integer"));
        let high = check(&exchange(
            VERIFY,
            sent,
            200,
            r#"{"sessionId":"s","score":101,"hasError":false}"#,
        ));
        assert!(high.unwrap_err().contains("not from 0 to 100"));
        let missing = check(&exchange(
            VERIFY,
            sent,
            200,
            r#"{"sessionId":"s","hasError":false}"#,
        ));
        assert!(missing.unwrap_err().contains("must carry its \"score\""));
    }

    #[test]
    fn liveness_scores_have_at_most_seven_decimals() {
        let answer = |score: &str| {
            check(&exchange(
                LIVENESS,
                "{}",
                200,
                &format!(r#"{{"score":{score},"hasError":false}}"#),
            ))
        };
        assert!(answer("0.9997104").is_ok() && answer("1").is_ok() && answer("0.002324").is_ok());
        assert!(answer("0.99971041")
            .unwrap_err()
            .contains("more than 7 decimals"));
        assert!(answer("1.5").unwrap_err().contains("not from 0 to 1"));
        let number = |text: &str| serde_json::from_str::<Number>(text).unwrap();
        assert_eq!(decimals(&number("1e-7")), 7);
        assert_eq!(decimals(&number("1.5e-7")), 8);
        assert_eq!(decimals(&number("0.25")), 2);
    }

    #[test]
    fn session_ids_are_repeated_exactly() {
        let sent = r#"{"sessionId": "Zoë 1"}"#;
        assert!(check(&exchange(
            LIVENESS,
            sent,
            200,
            r#"{"sessionId":"Zoë 1","hasError":true,"error":"FACE_NOT_FOUND"}"#
        ))
        .is_ok());
        let other = check(&exchange(
            LIVENESS,
            sent,
            200,
            r#"{"sessionId":"x","score":1,"hasError":false}"#,
        ));
        assert!(other.unwrap_err().contains("is not the \"Zoë 1\" sent"));
        let dropped = check(&exchange(
            LIVENESS,
            sent,
            200,
            r#"{"score":1,"hasError":false}"#,
        ));
        assert!(dropped.unwrap_err().contains("(none)"));
        let refused = r#"{"hasError":true,"error":"INVALID_REQUEST","message":"m"}"#;
        assert!(check(&exchange(LIVENESS, sent, 400, refused)).is_ok());
        assert_eq!(
            sent_session_id(&exchange(LIVENESS, "[1]", 400, "").request),
            None
        );
    }

    #[test]
    fn refusals_and_challenges_have_their_shape() {
        let mut unauthorized = exchange(VERIFY, "{}", 401, "");
        assert!(check(&unauthorized)
            .unwrap_err()
            .contains("WWW-Authenticate"));
        unauthorized.headers = vec![("www-authenticate".into(), "Basic realm=\"t\"".into())];
        assert!(check(&unauthorized).is_ok());
        unauthorized.body = Bytes::from_static(b"{}");
        assert!(check(&unauthorized).unwrap_err().contains("empty body"));
        let silent = check(&exchange(
            VERIFY,
            "{}",
            415,
            r#"{"hasError":true,"error":"X"}"#,
        ));
        assert!(silent.unwrap_err().contains("message"));
    }
}
