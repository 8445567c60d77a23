//! Generated Trustmatic calls: the credentials, how the body travels (or a field of the wrong
//! JSON type), the session id, the pictures of the endpoint and unknown fields; their body,
//! how they are sent, and the answer docs/trustmatic.md promises for them.

use super::model::{self, Expected};
use super::pictures::{self, Shot};
use crate::properties::checkout::requests::{encoding, Encoding};
use crate::properties::context::{Context, Transcript};
use crate::properties::forms::{self, Key};
use crate::target::{Exchange, Target};
use crate::trustmatic::endpoint::Endpoint;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A picture held in an object (`probe`, `reference`).
#[derive(Clone, Debug)]
pub(super) enum Held {
    /// The object is left out.
    Absent,
    /// The object is `null`.
    NullObject,
    /// The object is `{}`.
    EmptyObject,
    /// `{"imageBase64": null}`.
    NullPicture,
    /// `{"imageBase64": "…"}`.
    Picture(Shot),
}

/// A picture at the top level of the body.
#[derive(Clone, Debug)]
pub(super) enum Loose {
    /// Left out.
    Absent,
    /// `null`.
    Null,
    /// A string.
    Picture(Shot),
}

/// The pictures of a call, by endpoint.
#[derive(Clone, Debug)]
pub(super) enum Pictures {
    /// `probe.imageBase64`, `reference.imageBase64`.
    Verify {
        /// The probe.
        probe: Held,
        /// The reference.
        reference: Held,
    },
    /// `faceImageBase`.
    Face(Loose),
    /// `frontSideImageBase`, `backSideImageBase`, `documentImageBase`.
    Document {
        /// The front side.
        front: Loose,
        /// The back side.
        back: Loose,
        /// The single-picture variant's field, read as the front side.
        document: Loose,
    },
}

/// The `sessionId` of a call.
#[derive(Clone, Debug)]
pub(super) enum Session {
    /// Left out.
    Absent,
    /// `null`.
    Null,
    /// A string.
    Text(String),
}

/// How the body of a call is malformed, if it is.
#[derive(Clone, Debug)]
pub(super) enum Shape {
    /// The JSON object of the fields, in this encoding.
    Encoded(Encoding),
    /// A field replaced by a value of the wrong JSON type, as `application/json`.
    WrongType(&'static str, Value),
}

/// A generated call.
#[derive(Clone, Debug)]
pub(super) struct Call {
    /// The credentials.
    pub key: Key,
    /// How the body travels.
    pub shape: Shape,
    /// The session id.
    pub session: Session,
    /// The pictures.
    pub pictures: Pictures,
    /// Fields no endpoint knows.
    pub unknown: Vec<(String, Value)>,
}

/// Every field some endpoint knows.
const KNOWN: &[&str] = &[
    "sessionId",
    "probe",
    "reference",
    "faceImageBase",
    "frontSideImageBase",
    "backSideImageBase",
    "documentImageBase",
];

/// A session id: mostly UUIDs, sometimes any string, `null` or none.
pub(super) fn session() -> impl Strategy<Value = Session> + Clone {
    prop_oneof![
        6 => "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}".prop_map(Session::Text),
        2 => any::<String>().prop_map(Session::Text),
        1 => Just(Session::Null),
        1 => Just(Session::Absent),
    ]
}

/// Any picture a verification may get: mostly faces, sometimes none, no face or garbage.
fn verification_picture() -> impl Strategy<Value = Shot> + Clone {
    prop_oneof![
        8 => pictures::face(),
        1 => pictures::no_face(),
        2 => pictures::unreadable(),
        1 => pictures::fraction(3).prop_map(|(s, text)| pictures::forcing_similarity(s, &text)),
    ]
}

fn held() -> impl Strategy<Value = Held> + Clone {
    prop_oneof![
        12 => verification_picture().prop_map(Held::Picture),
        1 => Just(Held::Absent),
        1 => Just(Held::NullObject),
        1 => Just(Held::EmptyObject),
        1 => Just(Held::NullPicture),
    ]
}

fn loose(picture: impl Strategy<Value = Shot> + Clone) -> impl Strategy<Value = Loose> + Clone {
    prop_oneof![
        10 => picture.prop_map(Loose::Picture),
        1 => Just(Loose::Absent),
        1 => Just(Loose::Null),
    ]
}

fn face_picture() -> impl Strategy<Value = Shot> + Clone {
    prop_oneof![6 => pictures::face(), 1 => pictures::no_face(), 2 => pictures::unreadable()]
}

fn document_picture() -> impl Strategy<Value = Shot> + Clone {
    prop_oneof![
        6 => pictures::document(),
        2 => pictures::face(),
        1 => pictures::no_face(),
        2 => pictures::unreadable(),
    ]
}

/// The pictures of one endpoint's call.
pub(super) fn pictures_of(endpoint: Endpoint) -> BoxedStrategy<Pictures> {
    match endpoint {
        Endpoint::FaceVerify => (held(), held())
            .prop_map(|(probe, reference)| Pictures::Verify { probe, reference })
            .boxed(),
        Endpoint::FaceLiveness => loose(face_picture()).prop_map(Pictures::Face).boxed(),
        Endpoint::DocumentLiveness => {
            let document = prop_oneof![
                8 => Just(Loose::Absent),
                1 => Just(Loose::Null),
                2 => document_picture().prop_map(Loose::Picture),
            ];
            (
                loose(document_picture()),
                prop_oneof![Just(Loose::Absent), loose(document_picture())],
                document,
            )
                .prop_map(|(front, back, document)| Pictures::Document {
                    front,
                    back,
                    document,
                })
                .boxed()
        }
    }
}

/// A value of another JSON type than `field` takes.
fn wrong_value(field: &'static str) -> impl Strategy<Value = Value> + Clone {
    let object = matches!(field, "probe" | "reference");
    let values = if object {
        vec![json!("abc"), json!(5), json!(true), json!([{}])]
    } else {
        vec![json!(5), json!(1.5), json!(false), json!(["x"]), json!({})]
    };
    proptest::sample::select(values)
}

fn shape(endpoint: Endpoint) -> impl Strategy<Value = Shape> + Clone {
    let fields: &'static [&'static str] = match endpoint {
        Endpoint::FaceVerify => &[
            "sessionId",
            "probe",
            "reference",
            "probe.imageBase64",
            "reference.imageBase64",
        ],
        Endpoint::FaceLiveness => &["sessionId", "faceImageBase"],
        Endpoint::DocumentLiveness => &[
            "sessionId",
            "frontSideImageBase",
            "backSideImageBase",
            "documentImageBase",
        ],
    };
    let wrong = proptest::sample::select(fields)
        .prop_flat_map(|field| wrong_value(field).prop_map(move |v| Shape::WrongType(field, v)));
    prop_oneof![8 => encoding().prop_map(Shape::Encoded), 1 => wrong]
}

fn unknown_fields() -> impl Strategy<Value = Vec<(String, Value)>> + Clone {
    let name =
        "[a-z][A-Za-z_]{0,10}".prop_filter("a known field", |n| !KNOWN.contains(&n.as_str()));
    let value = prop_oneof![
        ".{0,12}".prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!({"imageBase64": 5})),
    ];
    proptest::collection::vec((name, value), 0..2)
}

/// A call to `endpoint`.
pub(super) fn call(endpoint: Endpoint) -> impl Strategy<Value = Call> + Clone {
    (
        forms::key(),
        shape(endpoint),
        session(),
        pictures_of(endpoint),
        unknown_fields(),
    )
        .prop_map(|(key, shape, session, pictures, unknown)| Call {
            key,
            shape,
            session,
            pictures,
            unknown,
        })
}

/// An endpoint.
pub(super) fn endpoint() -> impl Strategy<Value = Endpoint> + Clone {
    proptest::sample::select(Endpoint::ALL.to_vec())
}

/// A call to any endpoint.
pub(super) fn any_call() -> impl Strategy<Value = (Endpoint, Call)> + Clone {
    endpoint().prop_flat_map(|endpoint| call(endpoint).prop_map(move |call| (endpoint, call)))
}

impl Call {
    /// A well-formed call with the target's key and a session id.
    pub fn plain(session: String, pictures: Pictures) -> Call {
        Call {
            key: Key::Target,
            shape: Shape::Encoded(Encoding::Json),
            session: Session::Text(session),
            pictures,
            unknown: Vec::new(),
        }
    }

    /// The fields of its body, in order, before a wrong type is put in.
    fn fields(&self, context: &Context) -> Vec<(String, Value)> {
        let mut fields = Vec::new();
        match &self.session {
            Session::Absent => {}
            Session::Null => fields.push(("sessionId".into(), Value::Null)),
            Session::Text(text) => fields.push(("sessionId".into(), Value::from(text.as_str()))),
        }
        let picture = |shot: &Shot| Value::String(shot.value(&context.fixtures));
        let mut held = |name: &str, held: &Held| match held {
            Held::Absent => {}
            Held::NullObject => fields.push((name.into(), Value::Null)),
            Held::EmptyObject => fields.push((name.into(), json!({}))),
            Held::NullPicture => fields.push((format!("{name}.imageBase64"), Value::Null)),
            Held::Picture(shot) => fields.push((format!("{name}.imageBase64"), picture(shot))),
        };
        match &self.pictures {
            Pictures::Verify { probe, reference } => {
                held("probe", probe);
                held("reference", reference);
            }
            Pictures::Face(face) => loose_field(&mut fields, "faceImageBase", face, &picture),
            Pictures::Document {
                front,
                back,
                document,
            } => {
                loose_field(&mut fields, "frontSideImageBase", front, &picture);
                loose_field(&mut fields, "backSideImageBase", back, &picture);
                loose_field(&mut fields, "documentImageBase", document, &picture);
            }
        }
        fields.extend(self.unknown.iter().cloned());
        fields
    }

    /// The fields of its body, a wrong type put in.
    pub fn body(&self, context: &Context) -> Vec<(String, Value)> {
        let mut fields = self.fields(context);
        if let Shape::WrongType(field, value) = &self.shape {
            let (parent, _) = field.split_once('.').unwrap_or((field, ""));
            if field.contains('.') {
                fields.retain(|(name, _)| name != parent);
            } else {
                fields.retain(|(name, _)| name.split('.').next() != Some(*field));
            }
            fields.retain(|(name, _)| name != field);
            fields.push((field.to_string(), value.clone()));
        }
        fields
    }

    /// Sends it to `endpoint`, recorded in `transcript`; `None` when an oversized body was
    /// refused by closing the connection.
    pub async fn send(
        &self,
        context: &Context,
        transcript: &mut Transcript,
        endpoint: Endpoint,
    ) -> Result<Option<Exchange>, String> {
        let request = self.key.request(&context.target, "POST", endpoint.path());
        let encoding = match &self.shape {
            Shape::Encoded(encoding) => encoding.clone(),
            Shape::WrongType(..) => Encoding::Json,
        };
        let label = endpoint.words();
        let body = self.body(context);
        encoding
            .send(context, transcript, label, request, &body)
            .await
    }

    /// What docs/trustmatic.md promises for it at `target`, and why.
    pub fn expected(&self, target: &Target) -> (Expected, String) {
        if self.key.refusal(target).is_some() {
            return (
                Expected::Unauthorized,
                "credentials that are not valid".into(),
            );
        }
        match &self.shape {
            Shape::Encoded(Encoding::TextPlain | Encoding::Untyped) => {
                let why = "a body not declared application/json".into();
                return (Expected::Refused(415, "UNSUPPORTED_MEDIA_TYPE"), why);
            }
            Shape::Encoded(Encoding::Truncated | Encoding::Array) => {
                let why = "a body that is no JSON object".into();
                return (Expected::Refused(400, "INVALID_REQUEST"), why);
            }
            Shape::WrongType(field, value) => {
                let why = format!("{field} of the wrong JSON type ({value})");
                return (Expected::Refused(400, "INVALID_REQUEST"), why);
            }
            Shape::Encoded(_) => {}
        }
        let why = format!("pictures {:?}", self.pictures);
        let shown = |loose: &Loose| match loose {
            Loose::Picture(shot) => Some(shot.shows()),
            _ => None,
        };
        let expected = match &self.pictures {
            Pictures::Verify { probe, reference } => {
                let shows = |held: &Held| match held {
                    Held::Picture(shot) => Some(shot.shows()),
                    _ => None,
                };
                let same = matches!((probe, reference), (Held::Picture(p), Held::Picture(r)) if p.source == r.source);
                model::verify(shows(probe).as_ref(), shows(reference).as_ref(), same)
            }
            Pictures::Face(face) => model::face_liveness(shown(face).as_ref()),
            Pictures::Document {
                front,
                back,
                document,
            } => {
                if let (Loose::Picture(_), Loose::Picture(_)) = (front, document) {
                    let why = "both frontSideImageBase and documentImageBase".into();
                    return (Expected::Refused(400, "INVALID_REQUEST"), why);
                }
                let front = shown(front).or_else(|| shown(document));
                model::document_liveness(front.as_ref(), shown(back).as_ref())
            }
        };
        (expected, why)
    }

    /// Whether it sends a `sessionId` string.
    pub fn has_session_id(&self) -> bool {
        matches!(self.session, Session::Text(_))
    }
}

fn loose_field(
    fields: &mut Vec<(String, Value)>,
    name: &str,
    loose: &Loose,
    picture: &dyn Fn(&Shot) -> Value,
) {
    match loose {
        Loose::Absent => {}
        Loose::Null => fields.push((name.into(), Value::Null)),
        Loose::Picture(shot) => fields.push((name.into(), picture(shot))),
    }
}

/// Sends `call` to `endpoint` and checks the answer is documented, the one `call` deserves, and
/// without a `sessionId` when the call sent none (Decision 5).
pub(super) async fn check_call(
    context: &Context,
    endpoint: Endpoint,
    call: &Call,
) -> Result<Option<Exchange>, String> {
    let mut transcript = Transcript::default();
    let Some(exchange) = call.send(context, &mut transcript, endpoint).await? else {
        return Ok(None);
    };
    let (expected, why) = call.expected(&context.target);
    expected
        .check(endpoint, &exchange)
        .map_err(|problem| transcript.failure(&format!("{problem} ({why})")))?;
    let answered = exchange.json().and_then(|b| b.get("sessionId").cloned());
    if !call.has_session_id() && exchange.status == 200 && answered.is_some() {
        return Err(transcript.failure(&format!(
            "the request had no sessionId but the answer has {} (Decision 5)",
            answered.unwrap_or_default()
        )));
    }
    Ok(Some(exchange))
}
