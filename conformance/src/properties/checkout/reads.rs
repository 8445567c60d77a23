//! Property: every `GET` of an applicant, a face authentication, an attempt, a list of
//! attempts or of assets answers what the documents promise (200 for what exists, 404 with
//! the resource's code for unknown and malformed ids, 401 without a good key), and two GETs
//! in a row, with nothing changed in between, answer the same.
//!
//! Two answers may rightly differ in their request id and in the expiry of signed links
//! (asset links are signed at each GET): both are left out of the comparison.

use super::requests::Outcome;
use super::resources;
use crate::properties::context::{Context, Transcript};
use crate::properties::forms::{self, Key};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde_json::Value;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "two Checkout GETs in a row answer the same, and unknown ids are not found",
    tags: &["property", "idempotence", "lookups"],
    scale: 8,
    shards: 2,
    shrink_iterations: 512,
    alone: false,
    check,
};

/// The kinds of path a GET reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `/applicants/{id}`.
    Applicant,
    /// `/face-authentications/{id}`.
    FaceAuthentication,
    /// `/face-authentications/{id}/attempts`.
    Attempts,
    /// `/face-authentications/{prepared}/attempts/{id}`.
    Attempt,
    /// `/face-authentications/{prepared}/attempts/{id}/assets`.
    Assets,
}

/// What a GET reads.
#[derive(Clone, Debug)]
pub(super) enum Subject {
    /// One of the paths prepared for the property (an index into them).
    Prepared(usize),
    /// An id in the documented format that nothing has.
    Unknown(Kind, String),
    /// Any text as the id (percent-encoded).
    Malformed(Kind, String),
}

/// A generated pair of GETs.
#[derive(Clone, Debug)]
pub(super) struct Read {
    subject: Subject,
    key: Key,
}

fn kind() -> impl Strategy<Value = Kind> + Clone {
    proptest::sample::select(vec![
        Kind::Applicant,
        Kind::FaceAuthentication,
        Kind::Attempts,
        Kind::Attempt,
        Kind::Assets,
    ])
}

fn read(prepared: usize) -> impl Strategy<Value = Read> + Clone {
    let subject = prop_oneof![
        6 => (0..prepared).prop_map(Subject::Prepared),
        1 => (kind(), "[a-z2-7]{26}").prop_map(|(kind, id)| Subject::Unknown(kind, id)),
        1 => (kind(), "[^./]{1,20}").prop_map(|(kind, text)| Subject::Malformed(kind, text)),
    ];
    (subject, forms::key()).prop_map(|(subject, key)| Read { subject, key })
}

/// The prepared paths, and a face authentication whose attempts unknown attempt ids are
/// looked up in.
struct Prepared {
    paths: Vec<String>,
    face_authentication: String,
}

/// Resources in every state that no longer changes by itself: applicants (one anonymized),
/// face authentications created, pending, capturing, approved, declined and requiring a
/// retry, with their attempts and assets.
async fn prepare(context: &Context) -> Result<Prepared, String> {
    let mut transcript = Transcript::default();
    let t = &mut transcript;
    let plain = resources::applicant(context, t, None).await?;
    let anonymized = resources::applicant(context, t, None).await?;
    let request = context
        .target
        .request("POST", &format!("/applicants/{anonymized}/anonymize"));
    t.send(context, "anonymize the applicant", request, None)
        .await?;
    let created = resources::face_authentication(context, t, &plain).await?;
    let mut paths = vec![
        format!("/applicants/{plain}"),
        format!("/applicants/{anonymized}"),
        format!("/face-authentications/{created}"),
        format!("/face-authentications/{created}/attempts"),
    ];
    let sandbox = [
        None,
        Some("ext_capture"),
        Some("eaplt_10000000000000000000000000"),
        Some("eaplt_62402000000000000000000000"),
        Some("eaplt_61411I10000000000000000000"),
    ];
    for external_id in sandbox {
        let external_id = external_id.map(|id| match id {
            "ext_capture" => resources::unique_external_id(context),
            other => other.to_string(),
        });
        let applicant = resources::applicant(context, t, external_id.as_deref()).await?;
        let fa = resources::face_authentication(context, t, &applicant).await?;
        let attempt = resources::attempt(context, t, &fa).await?;
        if let Some(external_id) = &external_id {
            resources::open(context, t, &attempt).await?;
            if external_id.starts_with("eaplt_") {
                resources::settled(context, t, &fa).await?;
            }
        }
        let attempt = resources::id(&attempt);
        paths.push(format!("/face-authentications/{fa}"));
        paths.push(format!("/face-authentications/{fa}/attempts"));
        paths.push(format!("/face-authentications/{fa}/attempts/{attempt}"));
        paths.push(format!(
            "/face-authentications/{fa}/attempts/{attempt}/assets"
        ));
    }
    Ok(Prepared {
        paths,
        face_authentication: created,
    })
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let prepared = Arc::new(
            prepare(&context)
                .await
                .map_err(|e| format!("could not prepare the resources to read: {e}"))?,
        );
        let count = prepared.paths.len();
        runner::check(&context, plan, read(count), move |context, read| {
            let prepared = prepared.clone();
            async move { case(&context, &prepared, read).await }
        })
        .await
    })
}

/// The path of an id of `kind`, and the code of its 404.
fn lookup(kind: Kind, id: &str, prepared: &Prepared) -> (String, &'static str) {
    let fa = &prepared.face_authentication;
    match kind {
        Kind::Applicant => (format!("/applicants/{id}"), "applicant_not_found"),
        Kind::FaceAuthentication => (
            format!("/face-authentications/{id}"),
            "face_authentication_not_found",
        ),
        Kind::Attempts => (
            format!("/face-authentications/{id}/attempts"),
            "face_authentication_not_found",
        ),
        Kind::Attempt => (
            format!("/face-authentications/{fa}/attempts/{id}"),
            "attempt_not_found",
        ),
        Kind::Assets => (
            format!("/face-authentications/{fa}/attempts/{id}/assets"),
            "attempt_not_found",
        ),
    }
}

/// The prefix of the ids of `kind`.
fn prefix(kind: Kind) -> &'static str {
    match kind {
        Kind::Applicant => "aplt_",
        Kind::FaceAuthentication | Kind::Attempts => "fav_",
        Kind::Attempt | Kind::Assets => "fatp_",
    }
}

/// The answer with what may rightly change between two GETs left out.
fn comparable(exchange: &crate::target::Exchange) -> (u16, Option<String>, Value) {
    let mut body = exchange
        .json()
        .unwrap_or_else(|| Value::String(exchange.text()));
    if let Value::Object(object) = &mut body {
        object.remove("request_id");
    }
    unsign(&mut body);
    (exchange.status, exchange.content_type.clone(), body)
}

/// Cuts the query of every signed link in `value`.
fn unsign(value: &mut Value) {
    match value {
        Value::String(text) if text.contains("signature=") => {
            if let Some(at) = text.find('?') {
                text.truncate(at);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unsign),
        Value::Object(fields) => fields.values_mut().for_each(unsign),
        _ => {}
    }
}

async fn case(context: &Context, prepared: &Prepared, read: Read) -> Result<(), String> {
    let (path, expected) = match &read.subject {
        Subject::Prepared(i) => (prepared.paths[*i].clone(), Outcome::Success(200)),
        Subject::Unknown(kind, id) => {
            let (path, code) = lookup(*kind, &format!("{}{id}", prefix(*kind)), prepared);
            (path, Outcome::refused(404, &[code]))
        }
        Subject::Malformed(kind, text) => {
            let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
            let (path, code) = lookup(*kind, &encoded, prepared);
            (path, Outcome::refused(404, &[code]))
        }
    };
    let (expected, why) = match read.key.refusal(&context.target) {
        Some(_) => (Outcome::unauthorized(), "the key is missing or unknown"),
        None => (expected, ""),
    };
    let request = read.key.request(&context.target, "GET", &path);
    let mut transcript = Transcript::default();
    let first = transcript
        .send(context, "GET", request.clone(), None)
        .await?;
    expected
        .check(&first, why)
        .map_err(|problem| transcript.failure(&problem))?;
    let second = transcript
        .send(context, "the same GET again", request, None)
        .await?;
    if comparable(&first) != comparable(&second) {
        return Err(transcript.failure("two GETs in a row answered differently"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signed_links_and_request_ids_are_left_out() {
        let mut value = json!({"a": ["http://h/assets/x?expires=1&signature=ab"], "b": "c?d"});
        unsign(&mut value);
        assert_eq!(value, json!({"a": ["http://h/assets/x"], "b": "c?d"}));
        let prepared = Prepared {
            paths: Vec::new(),
            face_authentication: "fav_p".into(),
        };
        assert_eq!(
            lookup(Kind::Assets, "fatp_x", &prepared),
            (
                "/face-authentications/fav_p/attempts/fatp_x/assets".to_string(),
                "attempt_not_found"
            )
        );
    }
}
