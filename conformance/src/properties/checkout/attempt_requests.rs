//! Property: every answer to a generated `POST /face-authentications/{id}/attempts` is
//! documented: a missing or invalid field is refused with 422 and its code (nested fields
//! named with dots), in the order of the fields; a valid request creates an attempt
//! "pending_redirection" that echoes what was sent and makes the face authentication
//! "pending".

use super::applicant_requests::unknown_fields;
use super::requests::{self, field, one_of, problem, text, Encoding, Gen, Outcome};
use super::resources;
use crate::checkout::body::object_text;
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
    name: "every answer to a generated attempt request is documented",
    tags: &["property", "contract", "attempts"],
    scale: 4,
    shards: 2,
    shrink_iterations: 256,
    alone: false,
    check,
};

/// An object field made of fields, or a value that is no object.
#[derive(Clone, Debug)]
pub(super) enum Object {
    /// Not in the body.
    Omitted,
    /// An object with these fields.
    Fields(Vec<(&'static str, Gen)>),
    /// A value that is no object.
    Malformed(Value),
}

/// A generated attempt request.
#[derive(Clone, Debug)]
pub(super) struct AttemptRequest {
    key: Key,
    encoding: Encoding,
    unknown_face_authentication: Option<String>,
    redirect_url: Gen,
    client_information: Object,
    phone_number: Object,
    unknown: Vec<(String, Value)>,
}

fn redirect_url() -> SBoxedStrategy<Gen> {
    field(
        1,
        vec![
            text("https://[a-z]{1,10}\\.(com|example)(/[a-z0-9]{1,8}){0,3}(\\?[a-z]=[0-9]{1,3})?"),
            text("http://[a-z]{1,8}\\.[a-z]{2,3}:[0-9]{2,4}/[a-z]{0,5}"),
        ],
        vec![
            text("[a-z ]{1,12}"),
            text("ftp://[a-z]{1,8}\\.com"),
            one_of(vec![
                json!("https://"),
                json!("//example.com/x"),
                json!("https://exa mple.com"),
            ]),
            one_of(vec![json!(42), json!(["https://example.com"])]),
        ],
        vec![one_of(vec![
            Value::Null,
            json!(""),
            json!("https://b\u{fc}cher.example"),
        ])],
    )
}

fn client_information() -> impl Strategy<Value = Object> + Clone {
    let country = field(
        2,
        vec![text("[A-Za-z]{2}")],
        vec![
            text("[A-Za-z]{3}"),
            text("[0-9]{2}"),
            text("[A-Z]"),
            one_of(vec![json!(42)]),
        ],
        vec![one_of(vec![Value::Null])],
    );
    let language = field(
        2,
        vec![one_of(
            ["en", "en-US", "fr-FR", "pt-BR", "zh-Hant-TW", "de"]
                .iter()
                .map(|l| json!(l))
                .collect(),
        )],
        vec![one_of(vec![
            json!("en_US"),
            json!("e"),
            json!("123"),
            json!("en-"),
            json!(7),
        ])],
        vec![one_of(vec![Value::Null, json!("english")])],
    );
    prop_oneof![
        3 => Just(Object::Omitted),
        5 => (country, language).prop_map(|(c, l)| Object::Fields(vec![
            ("pre_selected_residence_country", c),
            ("pre_selected_language", l),
        ])),
        1 => prop_oneof![Just(json!("FR")), Just(json!(["FR"])), Just(json!(1))].prop_map(Object::Malformed),
    ]
}

fn phone_number() -> impl Strategy<Value = Object> + Clone {
    let country_code = field(
        1,
        vec![text("\\+[0-9]{1,3}")],
        vec![
            text("[0-9]{1,3}"),
            text("\\+[a-z]{1,3}"),
            one_of(vec![json!("+"), json!(33)]),
        ],
        vec![text("\\+[0-9]{5,6}"), one_of(vec![Value::Null, json!("")])],
    );
    let number = field(
        1,
        vec![text("[0-9]{1,14}")],
        vec![
            text("[0-9]{15,18}"),
            text("[0-9]{3}[ -][0-9]{3}"),
            one_of(vec![json!(612345678)]),
        ],
        vec![one_of(vec![Value::Null, json!("")])],
    );
    prop_oneof![
        6 => Just(Object::Omitted),
        3 => (country_code, number).prop_map(|(c, n)| Object::Fields(vec![("country_code", c), ("number", n)])),
        1 => prop_oneof![Just(json!("+33612345678")), Just(json!(33))].prop_map(Object::Malformed),
    ]
}

fn request() -> impl Strategy<Value = AttemptRequest> + Clone {
    (
        forms::key(),
        requests::encoding(),
        proptest::option::weighted(0.1, "[a-z2-7]{26}".prop_map(|id| format!("fav_{id}"))),
        redirect_url(),
        client_information(),
        phone_number(),
        unknown_fields(),
    )
        .prop_map(
            |(
                key,
                encoding,
                unknown_face_authentication,
                redirect_url,
                client_information,
                phone_number,
                unknown,
            )| {
                AttemptRequest {
                    key,
                    encoding,
                    unknown_face_authentication,
                    redirect_url,
                    client_information,
                    phone_number,
                    unknown,
                }
            },
        )
}

impl Object {
    /// The value sent, if any (sent fields in order).
    fn value(&self) -> Option<Value> {
        match self {
            Object::Omitted => None,
            Object::Malformed(value) => Some(value.clone()),
            Object::Fields(fields) => {
                let sent: Vec<(String, Value)> = fields
                    .iter()
                    .filter_map(|(n, f)| f.value().map(|v| (n.to_string(), v.clone())))
                    .collect();
                Some(serde_json::from_str(&object_text(&sent)).expect("an object"))
            }
        }
    }
}

impl AttemptRequest {
    fn body(&self) -> Vec<(String, Value)> {
        let mut body = Vec::new();
        body.extend(
            self.redirect_url
                .value()
                .map(|v| ("redirect_url".to_string(), v.clone())),
        );
        body.extend(
            self.client_information
                .value()
                .map(|v| ("client_information".to_string(), v)),
        );
        body.extend(
            self.phone_number
                .value()
                .map(|v| ("phone_number".to_string(), v)),
        );
        body.extend(self.unknown.iter().cloned());
        body
    }

    /// What the documents promise for this request, and why.
    pub fn expected(&self, target: &Target) -> (Outcome, String) {
        if let Some(refusal) = requests::key_refusal(&self.key, target, &self.encoding) {
            return refusal;
        }
        let not_found = Outcome::refused(404, &["face_authentication_not_found"]);
        let unknown = self.unknown_face_authentication.is_some();
        if let Some(refusal) = self.encoding.refusal() {
            let why = format!("a body sent as {:?}", self.encoding);
            return match unknown {
                true => (Outcome::Either(vec![not_found, refusal]), why),
                false => (refusal, why),
            };
        }
        let (mut problems, mut unclear) = (Vec::new(), false);
        let mut judge = |name: &str, field: &Gen, required: bool| {
            problems.extend(problem(name, field, required));
            unclear |= field.is_unclear();
        };
        judge("redirect_url", &self.redirect_url, true);
        let objects = [
            ("client_information", &self.client_information, false),
            ("phone_number", &self.phone_number, true),
        ];
        for (name, object, required) in objects {
            match object {
                Object::Omitted => {}
                Object::Malformed(_) => judge(name, &Gen::Invalid(Value::Null), false),
                Object::Fields(fields) => {
                    for (field, gen) in fields {
                        judge(&format!("{name}.{field}"), gen, required);
                    }
                }
            }
        }
        let why = format!(
            "redirect_url {:?}, client_information {:?}, phone_number {:?}",
            self.redirect_url, self.client_information, self.phone_number
        );
        let valid = problems.is_empty() && !unclear;
        let fields = requests::by_fields(problems, unclear, Outcome::Success(201));
        match (unknown, valid) {
            (true, true) => (not_found, why),
            (true, false) => (Outcome::Either(vec![not_found, fields]), why),
            (false, _) => (fields, why),
        }
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

async fn case(context: &Context, applicant: &str, generated: AttemptRequest) -> Result<(), String> {
    let target = &context.target;
    let mut transcript = Transcript::default();
    let face_authentication = match &generated.unknown_face_authentication {
        Some(id) => id.clone(),
        None => resources::face_authentication(context, &mut transcript, applicant).await?,
    };
    let path = format!("/face-authentications/{face_authentication}/attempts");
    let request = generated.key.request(target, "POST", &path);
    let sent = generated
        .encoding
        .send(
            context,
            &mut transcript,
            "create an attempt",
            request,
            &generated.body(),
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
    let shown = (answer.get("status"), answer.get("response_codes"));
    if shown != (Some(&json!("pending_redirection")), Some(&json!([]))) {
        return Err(transcript.failure(&format!(
            "a new attempt must be pending_redirection without codes, got {shown:?}"
        )));
    }
    if let Gen::Valid(url) = &generated.redirect_url {
        if answer.get("redirect_url") != Some(url) {
            return Err(transcript.failure("the attempt's redirect_url is not the one sent"));
        }
    }
    if let Some(sent) = generated.client_information.value() {
        let non_null: serde_json::Map<String, Value> = sent
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let shown = answer
            .get("client_information")
            .cloned()
            .unwrap_or(json!({}));
        if !non_null.is_empty() && shown != Value::Object(non_null.clone()) {
            return Err(transcript.failure(&format!(
                "the attempt's client_information is {shown}, expected {}",
                Value::Object(non_null)
            )));
        }
    }
    if answer.pointer("/_links/verification_url/href").is_none() {
        return Err(transcript.failure("the new attempt has no verification URL"));
    }
    let read = target.request(
        "GET",
        &format!("/face-authentications/{face_authentication}"),
    );
    let exchange = transcript
        .send(context, "read the face authentication", read, None)
        .await?;
    let status = exchange.json().and_then(|b| b.get("status").cloned());
    if status != Some(json!("pending")) {
        return Err(transcript.failure(&format!(
            "after a first attempt the face authentication must be pending, got {status:?}"
        )));
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

    fn request(
        redirect_url: Gen,
        client_information: Object,
        phone_number: Object,
    ) -> AttemptRequest {
        AttemptRequest {
            key: Key::Target,
            encoding: Encoding::Json,
            unknown_face_authentication: None,
            redirect_url,
            client_information,
            phone_number,
            unknown: Vec::new(),
        }
    }

    #[test]
    fn nested_problems_are_named_with_dots_in_field_order() {
        let info = Object::Fields(vec![
            ("pre_selected_residence_country", Gen::Invalid(json!("FRA"))),
            ("pre_selected_language", Gen::Valid(json!("en"))),
        ]);
        let phone = Object::Fields(vec![
            ("country_code", Gen::Omitted),
            ("number", Gen::Invalid(json!(1))),
        ]);
        let generated = request(Gen::Omitted, info, phone);
        assert_eq!(
            generated.expected(&target()).0,
            Outcome::refused(
                422,
                &[
                    "redirect_url_required",
                    "client_information.pre_selected_residence_country_invalid",
                    "phone_number.country_code_required",
                    "phone_number.number_invalid",
                ]
            )
        );
        let valid = request(
            Gen::Valid(json!("https://e.com")),
            Object::Omitted,
            Object::Omitted,
        );
        assert_eq!(valid.expected(&target()).0, Outcome::Success(201));
        assert_eq!(
            request(
                Gen::Valid(json!("https://e.com")),
                Object::Malformed(json!(1)),
                Object::Omitted
            )
            .expected(&target())
            .0,
            Outcome::refused(422, &["client_information_invalid"])
        );
    }
}
