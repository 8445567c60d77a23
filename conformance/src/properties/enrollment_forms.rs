//! Property: every answer to a generated `POST /v1/enrollments` is documented; invalid forms
//! are rejected, valid ones create a pending enrollment.

use super::context::{text_at, Context, Transcript};
use super::forms::{self, is_account_id, Assessment, Encoding, Key};
use super::judge::{self, Expect, Verdict, ACCEPTED_OR_FORBIDDEN};
use super::runner::{self, Plan};
use super::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use std::sync::Arc;

/// The property.
pub(super) const PROPERTY: Property = Property {
    name: "every answer to a generated enrollment request is documented",
    tags: &["property", "contract", "enrollments"],
    scale: 8,
    shards: 2,
    shrink_iterations: 512,
    alone: false,
    check,
};

/// Longest account id taken as plainly valid; the documents give no limit, so longer ids
/// may be refused.
const PLAIN_ACCOUNT_ID_LEN: usize = 128;

/// The account id of a generated form.
#[derive(Clone, Debug)]
pub(super) enum Account {
    /// No `account_id`: the service generates one.
    Omitted,
    /// A fresh id: a prefix unique to the case followed by `suffix`.
    Fresh(String),
    /// Exactly this value.
    Literal(String),
}

/// A generated enrollment request.
#[derive(Clone, Debug)]
pub(super) struct EnrollmentRequest {
    key: Key,
    encoding: Encoding,
    kind: Option<String>,
    user_authorized: Option<String>,
    account: Account,
    confirmation: Option<String>,
    unknown: Vec<(String, String)>,
}

fn account() -> impl Strategy<Value = Account> + Clone {
    prop_oneof![
        2 => Just(Account::Omitted),
        6 => "[a-zA-Z0-9_.-]{0,16}".prop_map(Account::Fresh),
        1 => "[a-zA-Z0-9_.-]{120,400}".prop_map(Account::Fresh),
        2 => "[a-z0-9]{0,6}[ /#;@+%?&=:\t\u{e9}\u{f1}][a-z0-9]{0,6}".prop_map(Account::Literal),
        1 => Just(Account::Literal(String::new())),
    ]
}

fn request() -> impl Strategy<Value = EnrollmentRequest> + Clone {
    (
        forms::key(),
        forms::encoding(),
        forms::validation_type(),
        forms::user_authorized(),
        account(),
        forms::field(&["none"], &["always", "NONE", "false"], &[""], 8),
        forms::unknown_fields(),
    )
        .prop_map(
            |(key, encoding, kind, user_authorized, account, confirmation, unknown)| {
                EnrollmentRequest {
                    key,
                    encoding,
                    kind,
                    user_authorized,
                    account,
                    confirmation,
                    unknown,
                }
            },
        )
}

impl EnrollmentRequest {
    /// The form's fields, with a fresh account id made unique.
    fn pairs(&self, context: &Context) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        let mut push = |key: &str, value: &Option<String>| {
            if let Some(value) = value {
                pairs.push((key.to_string(), value.clone()));
            }
        };
        push("type", &self.kind);
        push("user_authorized", &self.user_authorized);
        push(
            "account_id",
            &match &self.account {
                Account::Omitted => None,
                Account::Fresh(suffix) => Some(format!("{}_{suffix}", context.unique_account())),
                Account::Literal(value) => Some(value.clone()),
            },
        );
        push("confirmation", &self.confirmation);
        pairs.extend(self.unknown.iter().cloned());
        pairs
    }
}

/// What the face-validation guide says of an enrollment form (§1 Create enrollment).
pub(super) fn assess(pairs: &[(String, String)]) -> Assessment {
    let mut assessment = Assessment::default();
    assessment.common_fields(pairs);
    match forms::first(pairs, "account_id") {
        None => {}
        Some("") => assessment.note(Verdict::Unclear, "an empty account_id"),
        Some(id) if !is_account_id(id) => assessment.note(
            Verdict::Invalid,
            format!("account_id {id:?} does not match [a-zA-Z0-9_.-]+"),
        ),
        Some(id) if id.len() > PLAIN_ACCOUNT_ID_LEN => assessment.note(
            Verdict::Unclear,
            format!("an account_id of {} characters", id.len()),
        ),
        Some(_) => {}
    }
    match forms::first(pairs, "confirmation") {
        None | Some("none") => {}
        Some("") => assessment.note(Verdict::Unclear, "an empty confirmation"),
        Some(other) => assessment.note(
            Verdict::Invalid,
            format!("confirmation {other:?} is not none"),
        ),
    }
    assessment
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move { runner::check(&context, plan, request(), case).await })
}

async fn case(context: Arc<Context>, generated: EnrollmentRequest) -> Result<(), String> {
    let target = &context.target;
    let pairs = generated.pairs(&context);
    let assessment = assess(&pairs);
    let (encoding, encoding_why) = generated.encoding.verdict();
    let verdict = Verdict::all([assessment.verdict(), encoding]);
    let confirmation_none = forms::first(&pairs, "confirmation") == Some("none");
    let (expect, why) = match generated.key.refusal(target) {
        Some(refusal) => (refusal, "the API key is missing or unknown".to_string()),
        None if encoding == Verdict::Invalid => (Expect::Rejected, encoding_why.to_string()),
        None if verdict == Verdict::Valid && confirmation_none => (
            ACCEPTED_OR_FORBIDDEN,
            "confirmation=none needs a special authorization".into(),
        ),
        None => (verdict.expect(), assessment.why()),
    };
    let request = generated.key.request(target, "POST", "/v1/enrollments");
    let (request, source) = generated.encoding.encode(request, &pairs);
    let mut transcript = Transcript::default();
    let exchange = if generated.encoding.oversized() {
        let answer = transcript
            .send_oversized(
                &context,
                "create an enrollment",
                request,
                source.as_deref(),
                true,
            )
            .await?;
        match answer {
            Some(exchange) => exchange,
            None => return Ok(()),
        }
    } else {
        transcript
            .send(&context, "create an enrollment", request, source.as_deref())
            .await?
    };
    judge::expected_because(&exchange, expect, &why)
        .map_err(|problem| transcript.failure(&problem))?;
    if exchange.status != 200 {
        return Ok(());
    }
    let body = exchange.json().unwrap_or_default();
    let sent = forms::first(&pairs, "account_id").filter(|id| !id.is_empty());
    let created = (
        text_at(&body, "/status"),
        text_at(&body, "/reason"),
        sent.and(text_at(&body, "/account_id")),
    );
    if created != (Some("pending"), Some("waiting_file_upload"), sent) {
        return Err(transcript.failure(&format!(
            "a new enrollment must be pending/waiting_file_upload for account {sent:?}, got {created:?}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    fn form(list: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("type".to_string(), "face-recognition".to_string()),
            ("user_authorized".to_string(), "true".to_string()),
        ];
        pairs.extend(list.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        pairs
    }

    #[test]
    fn the_guide_decides_enrollment_forms() {
        assert_eq!(assess(&form(&[])).verdict(), Verdict::Valid);
        assert_eq!(
            assess(&form(&[("account_id", "a.b_c-1")])).verdict(),
            Verdict::Valid
        );
        assert_eq!(
            assess(&form(&[("confirmation", "none")])).verdict(),
            Verdict::Valid
        );
        assert_eq!(
            assess(&form(&[("note", "anything")])).verdict(),
            Verdict::Valid
        );
        let bad = assess(&form(&[("account_id", "a b")]));
        assert_eq!(bad.verdict(), Verdict::Invalid);
        assert!(bad.why().contains("[a-zA-Z0-9_.-]+"), "{}", bad.why());
        assert_eq!(
            assess(&form(&[("confirmation", "always")])).verdict(),
            Verdict::Invalid
        );
        assert_eq!(
            assess(&form(&[("account_id", "")])).verdict(),
            Verdict::Unclear
        );
        let long = "x".repeat(129);
        assert_eq!(
            assess(&form(&[("account_id", &long)])).verdict(),
            Verdict::Unclear
        );
    }

    #[test]
    fn generated_forms_are_valid_and_invalid() {
        let context = Context::new(
            crate::target::Target::new(
                "http://h",
                "k",
                "Truora-API-Key",
                facesim_schemas::contract("truora-validations").unwrap(),
                None,
            ),
            crate::fixtures::Fixtures::embedded(),
        );
        let mut runner = TestRunner::deterministic();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..300 {
            let generated = request().new_tree(&mut runner).unwrap().current();
            seen.insert(assess(&generated.pairs(&context)).verdict());
        }
        assert_eq!(seen.len(), 3, "{seen:?}");
    }
}
