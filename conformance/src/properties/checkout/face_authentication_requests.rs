//! Property: every answer to a generated `POST /face-authentications` is documented: a
//! missing or invalid id is refused with 422 and its `<field>_required` / `<field>_invalid`
//! code, in the order of the fields; an applicant that does not exist with
//! `applicant_not_found`; a valid request creates a face authentication "created" for the
//! applicant and the user journey sent.

use super::applicant_requests::unknown_fields;
use super::requests::{self, field, one_of, problem, text, Encoding, Gen, Outcome};
use super::resources;
use crate::properties::context::{Context, Transcript};
use crate::properties::forms::{self, Key};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use crate::target::Target;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "every answer to a generated face authentication request is documented",
    tags: &["property", "contract", "face-authentications"],
    scale: 8,
    shards: 2,
    shrink_iterations: 512,
    alone: false,
    check,
};

/// The `applicant_id` of a generated request.
#[derive(Clone, Debug)]
pub(super) enum Applicant {
    /// The applicant prepared for the property.
    Existing,
    /// An id in the documented format that nothing has.
    Unknown(String),
    /// Anything else (see [`Gen`]).
    Other(Gen),
}

/// A generated face authentication request.
#[derive(Clone, Debug)]
pub(super) struct FaceAuthenticationRequest {
    key: Key,
    encoding: Encoding,
    applicant: Applicant,
    user_journey_id: Gen,
    unknown: Vec<(String, Value)>,
}

fn applicant() -> impl Strategy<Value = Applicant> + Clone {
    let other = field(
        1,
        Vec::new(),
        vec![
            text("[a-z]{1,10}"),
            text("fav_[a-z2-7]{26}"),
            one_of(vec![
                json!("aplt_"),
                json!("aplt-abc"),
                json!("aplt_a b"),
                json!(42),
            ]),
        ],
        vec![one_of(vec![Value::Null, json!("")])],
    );
    prop_oneof![
        6 => Just(Applicant::Existing),
        1 => "[a-z2-7]{26}".prop_map(|id| Applicant::Unknown(format!("aplt_{id}"))),
        3 => other.prop_map(Applicant::Other),
    ]
}

fn user_journey_id() -> SBoxedStrategy<Gen> {
    field(
        1,
        vec![text("usj_[a-z2-7]{26}")],
        vec![
            text("usj_[a-z2-7]{20,25}"),
            text("usj_[a-z2-7]{27,30}"),
            text("usj_[A-Z]{26}"),
            text("usj_[a-z2-7]{10}[0189][a-z2-7]{15}"),
            text("[a-z]{30}"),
            one_of(vec![json!(42), json!(["usj_aaaaaaaaaaaaaaaaaaaaaaaaaa"])]),
        ],
        vec![one_of(vec![Value::Null, json!("")])],
    )
}

fn request() -> impl Strategy<Value = FaceAuthenticationRequest> + Clone {
    (
        forms::key(),
        requests::encoding(),
        applicant(),
        user_journey_id(),
        unknown_fields(),
    )
        .prop_map(|(key, encoding, applicant, user_journey_id, unknown)| {
            FaceAuthenticationRequest {
                key,
                encoding,
                applicant,
                user_journey_id,
                unknown,
            }
        })
}

impl FaceAuthenticationRequest {
    /// The `applicant_id` field as sent, with the prepared applicant's id.
    fn applicant_field(&self, existing: &str) -> Gen {
        match &self.applicant {
            Applicant::Existing => Gen::Valid(json!(existing)),
            Applicant::Unknown(id) => Gen::Valid(json!(id)),
            Applicant::Other(field) => field.clone(),
        }
    }

    fn body(&self, existing: &str) -> Vec<(String, Value)> {
        let applicant = self.applicant_field(existing);
        let mut body = requests::sent(&[
            ("applicant_id", &applicant),
            ("user_journey_id", &self.user_journey_id),
        ]);
        body.extend(self.unknown.iter().cloned());
        body
    }

    /// What the documents promise for this request, and why.
    pub fn expected(&self, target: &Target) -> (Outcome, String) {
        if let Some(refusal) = requests::key_refusal(&self.key, target, &self.encoding) {
            return refusal;
        }
        if let Some(refusal) = self.encoding.refusal() {
            return (refusal, format!("a body sent as {:?}", self.encoding));
        }
        let applicant = self.applicant_field("aplt_prepared");
        let fields = [
            ("applicant_id", &applicant),
            ("user_journey_id", &self.user_journey_id),
        ];
        let problems: Vec<String> = fields
            .iter()
            .filter_map(|(name, field)| problem(name, field, true))
            .collect();
        let unclear = fields.iter().any(|(_, f)| f.is_unclear());
        let why = format!(
            "applicant {:?}, user journey {:?}",
            self.applicant, self.user_journey_id
        );
        let unknown = matches!(self.applicant, Applicant::Unknown(_));
        let outcome = if unknown && problems.is_empty() && !unclear {
            Outcome::refused(422, &["applicant_not_found"])
        } else if unknown {
            let mut with_applicant = vec!["applicant_not_found".to_string()];
            with_applicant.extend(problems.iter().cloned());
            Outcome::Either(vec![
                requests::by_fields(problems, unclear, Outcome::Success(201)),
                requests::by_fields(with_applicant, unclear, Outcome::Success(201)),
            ])
        } else {
            requests::by_fields(problems, unclear, Outcome::Success(201))
        };
        (outcome, why)
    }
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let mut transcript = Transcript::default();
        let applicant = resources::applicant(&context, &mut transcript, None)
            .await
            .map_err(|e| format!("could not prepare an applicant: {e}"))?;
        let applicant = Arc::new(applicant);
        runner::check(&context, plan, request(), move |context, generated| {
            let applicant = applicant.clone();
            async move { case(&context, &applicant, generated).await }
        })
        .await
    })
}

async fn case(
    context: &Context,
    applicant: &str,
    generated: FaceAuthenticationRequest,
) -> Result<(), String> {
    let target = &context.target;
    let request = generated
        .key
        .request(target, "POST", "/face-authentications");
    let mut transcript = Transcript::default();
    let sent = generated
        .encoding
        .send(
            context,
            &mut transcript,
            "create a face authentication",
            request,
            &generated.body(applicant),
        )
        .await?;
    let Some(exchange) = sent else {
        return Ok(());
    };
    let (expected, why) = generated.expected(target);
    expected
        .check(&exchange, &why)
        .map_err(|problem| transcript.failure(&problem))?;
    if exchange.status != 201 {
        return Ok(());
    }
    let answer = exchange.json().unwrap_or_default();
    let shown = (
        answer.get("status"),
        answer.get("applicant_id"),
        answer.get("response_codes"),
    );
    let wanted = (
        Some(&json!("created")),
        Some(&json!(applicant)),
        Some(&json!([])),
    );
    if shown != wanted {
        return Err(transcript.failure(&format!(
            "a new face authentication must be created for {applicant} without codes, got {shown:?}"
        )));
    }
    if let Gen::Valid(journey) = &generated.user_journey_id {
        if answer.get("user_journey_id") != Some(journey) {
            return Err(transcript.failure(&format!(
                "the face authentication's user_journey_id is not the {journey} sent"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target::new(
            "http://h/checkout",
            "sk_sbox_k",
            crate::checkout::KEY_HEADER,
            facesim_schemas::contract(crate::checkout::API).unwrap(),
            None,
        )
    }

    fn request(applicant: Applicant, user_journey_id: Gen) -> FaceAuthenticationRequest {
        FaceAuthenticationRequest {
            key: Key::Target,
            encoding: Encoding::Json,
            applicant,
            user_journey_id,
            unknown: Vec::new(),
        }
    }

    #[test]
    fn the_documents_decide_face_authentication_requests() {
        let journey = Gen::Valid(json!("usj_aaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert_eq!(
            request(Applicant::Existing, journey.clone())
                .expected(&target())
                .0,
            Outcome::Success(201)
        );
        assert_eq!(
            request(Applicant::Other(Gen::Omitted), Gen::Omitted)
                .expected(&target())
                .0,
            Outcome::refused(422, &["applicant_id_required", "user_journey_id_required"])
        );
        assert_eq!(
            request(Applicant::Unknown("aplt_x".into()), journey)
                .expected(&target())
                .0,
            Outcome::refused(422, &["applicant_not_found"])
        );
        let both = request(Applicant::Unknown("aplt_x".into()), Gen::Invalid(json!(1)));
        assert!(matches!(both.expected(&target()).0, Outcome::Either(_)));
    }
}
