//! Property: any string that is no readable picture (random text, Base64 of random bytes or of
//! text, the first part of a PNG, an empty `data:` URI, white space) in `probe.imageBase64`,
//! `reference.imageBase64`, `faceImageBase`, `frontSideImageBase`, `backSideImageBase` or
//! `documentImageBase`, the other pictures being fine, is the in-band "missing image" error of
//! that field, HTTP 200, never a server error.

use super::pictures::{self, Shot, Source};
use super::requests::{check_call, Call, Held, Loose, Pictures};
use crate::properties::context::Context;
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use crate::trustmatic::endpoint::Endpoint;
use crate::trustmatic::pictures::Form;
use futures::future::BoxFuture;
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "a picture that is no picture is the in-band missing-image error of its field",
    tags: &["property", "pictures"],
    scale: 4,
    shards: 2,
    shrink_iterations: 256,
    alone: false,
    check,
};

/// The picture fields, each with the endpoint it belongs to.
const FIELDS: &[(&str, Endpoint)] = &[
    ("probe.imageBase64", Endpoint::FaceVerify),
    ("reference.imageBase64", Endpoint::FaceVerify),
    ("faceImageBase", Endpoint::FaceLiveness),
    ("frontSideImageBase", Endpoint::DocumentLiveness),
    ("backSideImageBase", Endpoint::DocumentLiveness),
    ("documentImageBase", Endpoint::DocumentLiveness),
];

/// A fine picture for the other field.
fn fine(name: &'static str) -> Shot {
    Shot {
        source: Source::Fixture(name),
        form: Form::Base64,
    }
}

/// The pictures of a call with `garbage` in `field`.
fn pictures(field: &str, garbage: Shot) -> Pictures {
    let document = |front, back, document| Pictures::Document {
        front,
        back,
        document,
    };
    let front = || Loose::Picture(fine("document-front.jpg"));
    match field {
        "probe.imageBase64" => Pictures::Verify {
            probe: Held::Picture(garbage),
            reference: Held::Picture(fine("alice-reference.png")),
        },
        "reference.imageBase64" => Pictures::Verify {
            probe: Held::Picture(fine("alice-selfie.jpg")),
            reference: Held::Picture(garbage),
        },
        "faceImageBase" => Pictures::Face(Loose::Picture(garbage)),
        "frontSideImageBase" => document(
            Loose::Picture(garbage),
            Loose::Picture(fine("document-back.jpg")),
            Loose::Absent,
        ),
        "backSideImageBase" => document(front(), Loose::Picture(garbage), Loose::Absent),
        _ => document(Loose::Absent, Loose::Absent, Loose::Picture(garbage)),
    }
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let input = (proptest::sample::select(FIELDS), pictures::garbage());
        runner::check(
            &context,
            plan,
            input,
            |context, ((field, endpoint), text)| async move {
                let garbage = Shot {
                    source: Source::Garbage(text),
                    form: Form::Base64,
                };
                let call = Call::plain(context.unique_account(), pictures(field, garbage));
                check_call(&context, endpoint, &call).await.map(|_| ())
            },
        )
        .await
    })
}
