//! Property: every answer to a generated `GET`/`DELETE` of an enrollment or a validation is
//! documented; existing resources are found, unknown and malformed ids are not.

use super::context::{text_at, Context, Transcript};
use super::forms::{self, Key};
use super::judge::{self, Expect, ACCEPTED_OR_FORBIDDEN};
use super::resources::{self, Resource};
use super::runner::{self, Plan};
use super::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use std::fmt::Write as _;
use std::sync::Arc;

/// The property.
pub(super) const PROPERTY: Property = Property {
    name: "every answer to a generated lookup or delete is documented",
    tags: &["property", "contract", "enrollments", "validations"],
    scale: 8,
    shards: 2,
    shrink_iterations: 512,
    alone: false,
    check,
};

/// The call.
#[derive(Clone, Debug)]
pub(super) enum Call {
    /// `GET /v1/enrollments/{id}`.
    GetEnrollment,
    /// `DELETE /v1/enrollments/{id}`.
    DeleteEnrollment,
    /// `GET /v1/validations/{id}` with an optional `show_details` value.
    GetValidation(Option<String>),
}

/// The id in the path.
#[derive(Clone, Debug)]
pub(super) enum Id {
    /// A resource the target holds.
    Existing,
    /// An id in the vendor's format that nothing has.
    Unknown(String),
    /// An id of the other kind of resource (`VLD…` for an enrollment).
    OtherKind,
    /// Any text, percent-encoded.
    Malformed(String),
}

/// A generated lookup.
#[derive(Clone, Debug)]
pub(super) struct Lookup {
    call: Call,
    id: Id,
    key: Key,
}

fn call() -> impl Strategy<Value = Call> + Clone {
    prop_oneof![
        3 => Just(Call::GetEnrollment),
        2 => Just(Call::DeleteEnrollment),
        3 => forms::field(&["true", "false"], &[], &["yes", "", "TRUE", "1"], 8)
            .prop_map(Call::GetValidation),
    ]
}

fn id() -> impl Strategy<Value = Id> + Clone {
    prop_oneof![
        4 => Just(Id::Existing),
        2 => "[0-9a-f]{32}".prop_map(Id::Unknown),
        1 => Just(Id::OtherKind),
        3 => prop_oneof![
            ".{1,40}",
            "(ENR|VLD)[0-9a-fA-F]{0,40}",
            "[a-f]{3000,4000}",
        ]
        .prop_filter("a dot segment", |s| s != "." && s != "..")
        .prop_map(Id::Malformed),
    ]
}

fn lookup() -> impl Strategy<Value = Lookup> + Clone {
    (call(), id(), forms::key()).prop_map(|(call, id, key)| Lookup { call, id, key })
}

/// Percent-encodes everything but `[A-Za-z0-9_.-]`, so the id is one path segment.
fn path_segment(id: &str) -> String {
    let mut out = String::new();
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'-') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let mut transcript = Transcript::default();
        let (account, _) = resources::ready_account(&context, &mut transcript).await?;
        let validation =
            resources::validation(&context, &mut transcript, &account, &[("timeout", "21600")])
                .await
                .map_err(|e| format!("could not create a validation to look up: {e}"))?;
        let validation = Arc::new(validation);
        runner::check(&context, plan, lookup(), move |context, lookup| {
            let validation = validation.clone();
            async move { case(&context, &validation, lookup).await }
        })
        .await
    })
}

async fn case(context: &Context, validation: &Resource, lookup: Lookup) -> Result<(), String> {
    let mut transcript = Transcript::default();
    let (collection, prefix, other) = match lookup.call {
        Call::GetValidation(_) => ("validations", "VLD", "ENR"),
        _ => ("enrollments", "ENR", "VLD"),
    };
    let existing = match (&lookup.call, &lookup.id) {
        (Call::GetValidation(_), Id::Existing) => Some(validation.id.clone()),
        (_, Id::Existing) => {
            let account = context.unique_account();
            Some(
                resources::enrollment(context, &mut transcript, &account)
                    .await?
                    .id,
            )
        }
        _ => None,
    };
    let segment = match &lookup.id {
        Id::Existing => existing.clone().unwrap_or_default(),
        Id::Unknown(hex) => format!("{prefix}{hex}"),
        Id::OtherKind => format!("{other}{}", "0".repeat(32)),
        Id::Malformed(text) => path_segment(text),
    };
    let mut path = format!("/v1/{collection}/{segment}");
    if let Call::GetValidation(Some(details)) = &lookup.call {
        path = format!("{path}?show_details={}", path_segment(details));
    }
    let delete = matches!(lookup.call, Call::DeleteEnrollment);
    let details_clear = match &lookup.call {
        Call::GetValidation(Some(details)) => details == "true" || details == "false",
        _ => true,
    };
    let expect = match (&lookup.id, lookup.key.refusal(&context.target)) {
        (_, Some(refusal)) => refusal,
        (Id::Existing, None) if delete => ACCEPTED_OR_FORBIDDEN,
        (Id::Existing, None) if details_clear => Expect::Accepted,
        (Id::Unknown(_) | Id::OtherKind, None) if delete => Expect::OneOf(&[403, 404]),
        (Id::Unknown(_) | Id::OtherKind, None) if details_clear => Expect::OneOf(&[404]),
        (Id::Malformed(_), None) => Expect::Rejected,
        _ => Expect::Any,
    };
    let method = if delete { "DELETE" } else { "GET" };
    let request = lookup.key.request(&context.target, method, &path);
    let exchange = transcript
        .send(context, format!("{method} {collection}"), request, None)
        .await?;
    judge::expected(&exchange, expect).map_err(|problem| transcript.failure(&problem))?;
    if exchange.status == 200 && !delete {
        let body = exchange.json().unwrap_or_default();
        let id_at = if prefix == "VLD" {
            "/validation_id"
        } else {
            "/enrollment_id"
        };
        if text_at(&body, id_at) != existing.as_deref() {
            return Err(transcript.failure(&format!(
                "the answer's {id_at} is not the requested {existing:?}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_one_path_segment() {
        assert_eq!(path_segment("ENR1a"), "ENR1a");
        assert_eq!(path_segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(path_segment("ñ"), "%C3%B1");
    }
}
