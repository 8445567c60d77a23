//! Property: every answer to a generated `POST /applicants` or `PATCH /applicants/{id}` is
//! documented; a body with an invalid field is refused with 422 and one `<field>_invalid`
//! code per invalid field in the order of the fields; a valid one is created or applied and
//! echoed.

use super::requests::{self, field, one_of, problem, text, Encoding, Gen, Outcome};
use super::resources;
use crate::properties::context::{Context, Transcript};
use crate::properties::forms::{self, Key};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "every answer to a generated applicant request is documented",
    tags: &["property", "contract", "applicants"],
    scale: 8,
    shards: 2,
    shrink_iterations: 512,
    alone: false,
    check,
};

/// Which call a case makes.
#[derive(Clone, Debug)]
pub(super) enum Call {
    /// `POST /applicants`.
    Create,
    /// `PATCH` of the applicant prepared for the property.
    Update,
    /// `PATCH` of an applicant id in the documented format that nothing has.
    UpdateUnknown(String),
}

/// A generated applicant request.
#[derive(Clone, Debug)]
pub(super) struct ApplicantRequest {
    call: Call,
    key: Key,
    encoding: Encoding,
    external_applicant_id: Gen,
    email: Gen,
    external_applicant_name: Gen,
    unknown: Vec<(String, Value)>,
}

fn external_applicant_id() -> SBoxedStrategy<Gen> {
    field(
        2,
        vec![
            text("ext_[A-Za-z0-9_]{1,24}"),
            text("eaplt_[A-Za-z0-9_]{1,26}"),
        ],
        vec![
            text("[a-z]{1,10}"),
            text("ext_[a-z]{1,5}[ .@/-][a-z]{1,5}"),
            one_of(vec![
                json!("ext_"),
                json!("eaplt_"),
                json!("EXT_abc"),
                json!(42),
            ]),
            one_of(vec![json!(["ext_a"]), json!({"id": "ext_a"}), json!(true)]),
        ],
        vec![one_of(vec![Value::Null]), text("ext_[a-z]{252,260}")],
    )
}

fn email() -> SBoxedStrategy<Gen> {
    field(
        2,
        vec![text(
            "[a-z]{1,10}(\\.[a-z]{1,6})?@[a-z]{1,10}\\.(com|org|example)",
        )],
        vec![
            text("[a-z]{1,12}"),
            text("[a-z]{1,5}@"),
            text("@[a-z]{1,5}\\.com"),
            text("[a-z]{1,4} [a-z]{1,4}@[a-z]{1,4}\\.com"),
            one_of(vec![json!(42), json!(false), json!(["a@b.com"])]),
        ],
        vec![one_of(vec![Value::Null, json!(""), json!("a@b")])],
    )
}

fn name() -> SBoxedStrategy<Gen> {
    field(
        2,
        vec![
            text("[A-Z][a-z]{0,12}( [A-Z][a-z]{0,12}){0,2}"),
            text("[a-zA-Z\u{e9}\u{fc}\u{f1}' -]{0,30}[a-z]"),
            text("[a-z]{200,255}"),
        ],
        vec![
            text("[a-z]{256,300}"),
            one_of(vec![json!(42), json!(["Hannah"]), json!({"first": "H"})]),
        ],
        vec![one_of(vec![Value::Null, json!(""), json!("   ")])],
    )
}

/// Field names the applicant calls document; unknown fields avoid them.
const KNOWN: &[&str] = &[
    "external_applicant_id",
    "email",
    "external_applicant_name",
    "pad",
];

/// Up to two fields no document mentions: the API ignores them.
pub(super) fn unknown_fields() -> impl Strategy<Value = Vec<(String, Value)>> + Clone {
    let name =
        "[a-z][a-z_]{0,10}".prop_filter("a documented field", |n| !KNOWN.contains(&n.as_str()));
    let value = prop_oneof![
        ".{0,12}".prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        Just(Value::Null),
    ];
    proptest::collection::vec((name, value), 0..2)
}

fn call() -> impl Strategy<Value = Call> + Clone {
    prop_oneof![
        6 => Just(Call::Create),
        3 => Just(Call::Update),
        1 => "[a-z2-7]{26}".prop_map(|id| Call::UpdateUnknown(format!("aplt_{id}"))),
    ]
}

fn request() -> impl Strategy<Value = ApplicantRequest> + Clone {
    (
        call(),
        forms::key(),
        requests::encoding(),
        external_applicant_id(),
        email(),
        name(),
        unknown_fields(),
    )
        .prop_map(
            |(
                call,
                key,
                encoding,
                external_applicant_id,
                email,
                external_applicant_name,
                unknown,
            )| {
                let external_applicant_id = match call {
                    Call::Create => external_applicant_id,
                    _ => Gen::Omitted,
                };
                ApplicantRequest {
                    call,
                    key,
                    encoding,
                    external_applicant_id,
                    email,
                    external_applicant_name,
                    unknown,
                }
            },
        )
}

impl ApplicantRequest {
    fn fields(&self) -> [(&'static str, &Gen); 3] {
        [
            ("external_applicant_id", &self.external_applicant_id),
            ("email", &self.email),
            ("external_applicant_name", &self.external_applicant_name),
        ]
    }

    /// The fields sent, in order, unknown ones last.
    fn body(&self) -> Vec<(String, Value)> {
        let mut body = requests::sent(&self.fields());
        body.extend(self.unknown.iter().cloned());
        body
    }

    /// What the documents promise for this request, and why.
    pub fn expected(&self, target: &crate::target::Target) -> (Outcome, String) {
        if let Some(refusal) = requests::key_refusal(&self.key, target, &self.encoding) {
            return refusal;
        }
        let not_found = Outcome::refused(404, &["applicant_not_found"]);
        if let Some(refusal) = self.encoding.refusal() {
            let why = format!("a body sent as {:?}", self.encoding);
            return match self.call {
                Call::UpdateUnknown(_) => (Outcome::Either(vec![not_found, refusal]), why),
                _ => (refusal, why),
            };
        }
        let problems: Vec<String> = self
            .fields()
            .iter()
            .filter_map(|(name, field)| problem(name, field, false))
            .collect();
        let unclear = self.fields().iter().any(|(_, f)| f.is_unclear());
        let valid = problems.is_empty() && !unclear;
        let success = match self.call {
            Call::Create => Outcome::Success(201),
            _ => Outcome::Success(200),
        };
        let why = format!("fields {:?}", self.fields());
        let fields = requests::by_fields(problems, unclear, success);
        match self.call {
            Call::UpdateUnknown(_) if valid => (not_found, why),
            Call::UpdateUnknown(_) => (Outcome::Either(vec![not_found, fields]), why),
            _ => (fields, why),
        }
    }
}

/// The applicant every update case patches.
struct Prepared {
    id: String,
    external_applicant_id: String,
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let mut transcript = Transcript::default();
        let external_applicant_id = resources::unique_external_id(&context);
        let id = resources::applicant(&context, &mut transcript, Some(&external_applicant_id))
            .await
            .map_err(|e| format!("could not prepare an applicant: {e}"))?;
        let prepared = Arc::new(Prepared {
            id,
            external_applicant_id,
        });
        runner::check(&context, plan, request(), move |context, generated| {
            let prepared = prepared.clone();
            async move { case(&context, &prepared, generated).await }
        })
        .await
    })
}

async fn case(
    context: &Context,
    prepared: &Prepared,
    generated: ApplicantRequest,
) -> Result<(), String> {
    let target = &context.target;
    let (method, path, label) = match &generated.call {
        Call::Create => ("POST", "/applicants".to_string(), "create an applicant"),
        Call::Update => (
            "PATCH",
            format!("/applicants/{}", prepared.id),
            "update the applicant",
        ),
        Call::UpdateUnknown(id) => (
            "PATCH",
            format!("/applicants/{id}"),
            "update an unknown applicant",
        ),
    };
    let request = generated.key.request(target, method, &path);
    let mut transcript = Transcript::default();
    let sent = generated
        .encoding
        .send(context, &mut transcript, label, request, &generated.body())
        .await?;
    let Some(exchange) = sent else {
        return Ok(());
    };
    let (expected, why) = generated.expected(target);
    expected
        .check(&exchange, &why)
        .map_err(|problem| transcript.failure(&problem))?;
    if !(200..300).contains(&exchange.status) {
        return Ok(());
    }
    let answer = exchange.json().unwrap_or_default();
    for (name, field) in generated.fields() {
        if let Gen::Valid(value) = field {
            if answer.get(name) != Some(value) {
                return Err(transcript.failure(&format!(
                    "the applicant's {name} is {:?}, expected the {value} sent",
                    answer.get(name)
                )));
            }
        }
    }
    if matches!(generated.call, Call::Update) {
        let kept = answer.get("external_applicant_id").and_then(Value::as_str);
        if kept != Some(prepared.external_applicant_id.as_str()) {
            return Err(transcript.failure(&format!(
                "an update changed external_applicant_id to {kept:?}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    fn target() -> crate::target::Target {
        crate::target::Target::new(
            "http://h/checkout",
            "sk_sbox_k",
            crate::checkout::KEY_HEADER,
            facesim_schemas::contract(crate::checkout::API).unwrap(),
            None,
        )
        .with_key_prefix(crate::checkout::KEY_PREFIX)
    }

    fn create(fields: [Gen; 3]) -> ApplicantRequest {
        let [external_applicant_id, email, external_applicant_name] = fields;
        ApplicantRequest {
            call: Call::Create,
            key: Key::Target,
            encoding: Encoding::Json,
            external_applicant_id,
            email,
            external_applicant_name,
            unknown: Vec::new(),
        }
    }

    #[test]
    fn invalid_fields_are_listed_in_the_order_of_the_fields() {
        let request = create([
            Gen::Invalid(json!("x")),
            Gen::Valid(json!("a@b.com")),
            Gen::Invalid(json!(42)),
        ]);
        let (outcome, _) = request.expected(&target());
        assert_eq!(
            outcome,
            Outcome::refused(
                422,
                &[
                    "external_applicant_id_invalid",
                    "external_applicant_name_invalid"
                ]
            )
        );
        let valid = create([Gen::Omitted, Gen::Valid(json!("a@b.com")), Gen::Omitted]);
        assert_eq!(valid.expected(&target()).0, Outcome::Success(201));
        let wrong_key = ApplicantRequest {
            key: Key::Missing,
            ..valid.clone()
        };
        assert_eq!(wrong_key.expected(&target()).0, Outcome::unauthorized());
        let text = ApplicantRequest {
            encoding: Encoding::TextPlain,
            ..valid
        };
        assert_eq!(
            text.expected(&target()).0,
            Outcome::refused(400, &["content_type_invalid"])
        );
    }

    #[test]
    fn generated_requests_are_valid_invalid_and_unclear() {
        let mut runner = TestRunner::deterministic();
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..300 {
            let generated = request().new_tree(&mut runner).unwrap().current();
            let problems = generated
                .fields()
                .iter()
                .filter(|(_, f)| matches!(f, Gen::Invalid(_)))
                .count();
            let unclear = generated.fields().iter().any(|(_, f)| f.is_unclear());
            seen.insert((problems > 0, unclear));
            if !matches!(generated.call, Call::Create) {
                assert!(matches!(generated.external_applicant_id, Gen::Omitted));
            }
        }
        assert_eq!(seen.len(), 4, "{seen:?}");
    }
}
