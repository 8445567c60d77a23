//! What every API's world does with its requests: send them (to the API, a link or the control
//! API), failing the step when there is no answer; read the answers (the last one, its JSON, its
//! status); and fail a step with the exchange and a curl command replaying it (keys kept out).

use super::Context;
use crate::target::{Exchange, Request};
use serde_json::Value;
use std::fmt::Display;

/// Fails the step: `message`, then the exchange and a curl command replaying it.
pub fn fail(context: &Context, exchange: Option<&Exchange>, message: impl Display) -> ! {
    let mut text = message.to_string();
    if let Some(exchange) = exchange {
        text.push_str("\n  answer: ");
        text.push_str(&exchange.summary());
        text.push_str("\n  reproduce: ");
        text.push_str(&exchange.request.curl_redacted(&context.secrets()));
    }
    std::panic::panic_any(text)
}

/// Sends `request` to the API (`api`) or to a link it handed out; fails the step, keys kept
/// out, when there is no answer at all.
pub async fn transmit(context: &Context, request: Request, api: bool) -> Exchange {
    let sent = if api {
        context.target.send(request).await
    } else {
        context.target.send_link(request).await
    };
    match sent {
        Ok(exchange) => exchange,
        Err(error) => {
            let redacted = context
                .secrets()
                .iter()
                .fold(error.to_string(), |text, (secret, variable)| {
                    text.replace(secret, &format!("${variable}"))
                });
            fail(context, None, redacted)
        }
    }
}

/// The last of `answers`; fails the step when no action was sent yet.
pub fn last_answer(context: &Context, answers: &[Exchange]) -> Exchange {
    match answers.last() {
        Some(answer) => answer.clone(),
        None => fail(
            context,
            None,
            "no request was sent yet: a `When` step must come first",
        ),
    }
}

/// The JSON body of `exchange`; fails the step when it is not JSON.
pub fn json(context: &Context, exchange: &Exchange) -> Value {
    exchange
        .json()
        .unwrap_or_else(|| fail(context, Some(exchange), "the answer is not JSON"))
}

/// Fails the step unless `exchange` answered `status`.
pub fn expect_status(context: &Context, exchange: &Exchange, status: u16, what: &str) {
    if exchange.status != status {
        fail(
            context,
            Some(exchange),
            format!("{what}: expected status {status}, got {}", exchange.status),
        );
    }
}

/// A request to the control API; steps needing one are registered only when there is one.
pub fn control_request(context: &Context, method: &str, path: &str) -> Request {
    context
        .target
        .control
        .as_ref()
        .expect("control steps are registered only with a control API")
        .request(method, path)
}
