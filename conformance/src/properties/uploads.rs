//! Property: every generated upload (catalogue files, truncated files, random bytes, empty
//! and oversized bodies, tampered links, a second upload) gets the answer the documents
//! promise, and never a server error. Upload links are no operations of the API (docs/truora.md,
//! Decision 26), so their answers are judged by status only.

use super::context::{Context, Transcript};
use super::judge::{self, Expect};
use super::payload::{self, Upload};
use super::resources::{self, Resource};
use super::runner::{self, Plan};
use super::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use std::sync::Arc;

/// The property.
pub(super) const PROPERTY: Property = Property {
    name: "every answer to a generated upload is documented",
    tags: &["property", "contract", "uploads"],
    scale: 4,
    shards: 2,
    shrink_iterations: 256,
    alone: false,
    check,
};

/// Whose `file_upload_link` is used.
#[derive(Clone, Copy, Debug)]
pub(super) enum Owner {
    /// A new enrollment's (a reference picture).
    Enrollment,
    /// A new validation's (a selfie or a video).
    Validation,
}

/// What is done to the link before the upload.
#[derive(Clone, Debug)]
pub(super) enum Tamper {
    /// Nothing.
    None,
    /// Its signature is replaced by these hex digits.
    Forged(String),
    /// Its query (expiry and signature) is dropped.
    Unsigned,
}

/// The `Content-Type` of the upload.
#[derive(Clone, Debug)]
pub(super) enum Declared {
    /// The one the file's name implies.
    Matching,
    /// This one.
    Other(&'static str),
    /// None.
    Missing,
}

/// A generated upload.
#[derive(Clone, Debug)]
pub(super) struct UploadCase {
    owner: Owner,
    tamper: Tamper,
    upload: Upload,
    declared: Declared,
    twice: bool,
}

fn upload_case() -> impl Strategy<Value = UploadCase> + Clone {
    (
        prop_oneof![Just(Owner::Enrollment), Just(Owner::Validation)],
        prop_oneof![
            8 => Just(Tamper::None),
            1 => "[0-9a-f]{64}".prop_map(Tamper::Forged),
            1 => Just(Tamper::Unsigned),
        ],
        payload::upload(),
        prop_oneof![
            6 => Just(Declared::Matching),
            1 => proptest::sample::select(&["application/octet-stream", "text/plain", "image/gif"][..])
                .prop_map(Declared::Other),
            1 => Just(Declared::Missing),
        ],
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(owner, tamper, upload, declared, twice)| UploadCase {
            owner,
            tamper,
            upload,
            declared,
            twice,
        })
}

/// The link with its signature replaced or its query dropped; `None` when the link has no
/// signature to tamper with.
fn tampered(link: &str, tamper: &Tamper) -> Option<String> {
    let (path, query) = link.split_once('?')?;
    match tamper {
        Tamper::None => Some(link.to_string()),
        Tamper::Unsigned => Some(path.to_string()),
        Tamper::Forged(hex) => {
            let mut forged = false;
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _))
                        if name.eq_ignore_ascii_case("signature") || name == "X-Amz-Signature" =>
                    {
                        forged = true;
                        format!("{name}={hex}")
                    }
                    _ => pair.to_string(),
                })
                .collect();
            forged.then(|| format!("{path}?{}", pairs.join("&")))
        }
    }
}

/// What the face-validation guide says of an upload through an intact link: pictures in
/// jpeg, png or webp are taken (whether they show a face is decided later), videos in webm
/// or mp4 too for a validation, and nothing over 10 MB; it says nothing of other bytes.
fn expect_intact(owner: Owner, upload: &Upload) -> Expect {
    match upload {
        Upload::Oversized => Expect::Rejected,
        Upload::Fixture(name) if payload::PICTURES.contains(name) => Expect::Accepted,
        Upload::Fixture(name)
            if payload::VIDEOS.contains(name) && matches!(owner, Owner::Validation) =>
        {
            Expect::Accepted
        }
        _ => Expect::Any,
    }
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        runner::check(&context, plan, upload_case(), |c, u| async move {
            case(&c, u).await
        })
        .await
    })
}

async fn owner_link(
    context: &Context,
    transcript: &mut Transcript,
    owner: Owner,
) -> Result<Resource, String> {
    match owner {
        Owner::Enrollment => {
            resources::enrollment(context, transcript, &context.unique_account()).await
        }
        Owner::Validation => {
            let (account, _) = resources::ready_account(context, transcript).await?;
            resources::validation(context, transcript, &account, &[("timeout", "21600")]).await
        }
    }
}

async fn case(context: &Context, generated: UploadCase) -> Result<(), String> {
    let mut transcript = Transcript::default();
    let resource = owner_link(context, &mut transcript, generated.owner).await?;
    let (link, expect) = match tampered(&resource.link, &generated.tamper) {
        Some(link) if !matches!(generated.tamper, Tamper::None) => (link, Expect::Rejected),
        _ => (
            resource.link.clone(),
            expect_intact(generated.owner, &generated.upload),
        ),
    };
    let body = generated.upload.body(&context.fixtures);
    let content_type = match generated.declared {
        Declared::Matching => Some(
            generated
                .upload
                .fixture()
                .map_or("application/octet-stream", |name| {
                    context.fixtures.get(name).content_type
                }),
        ),
        Declared::Other(other) => Some(other),
        Declared::Missing => None,
    };
    let request =
        context
            .target
            .link("PUT", &link)
            .bytes(content_type, body.bytes.clone(), &body.label);
    let source = body.source.as_deref();
    for label in ["upload", "upload again"]
        .into_iter()
        .take(1 + usize::from(generated.twice))
    {
        let answer = if matches!(generated.upload, Upload::Oversized) {
            transcript
                .send_oversized(context, label, request.clone(), source, false)
                .await?
        } else {
            Some(
                transcript
                    .send_link(context, label, request.clone(), source)
                    .await?,
            )
        };
        // A second upload through the same link has no documented answer.
        if let (Some(answer), "upload") = (answer, label) {
            judge::expected(&answer, expect).map_err(|problem| transcript.failure(&problem))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_tampered_in_their_signature_only() {
        let link = "http://h/v1/uploads/UPL1?Expires=9&Signature=ab";
        assert_eq!(
            tampered(link, &Tamper::Forged("cd".into())).as_deref(),
            Some("http://h/v1/uploads/UPL1?Expires=9&Signature=cd")
        );
        assert_eq!(
            tampered(link, &Tamper::Unsigned).as_deref(),
            Some("http://h/v1/uploads/UPL1")
        );
        assert_eq!(
            tampered("http://h/u?x=1", &Tamper::Forged("cd".into())),
            None
        );
        assert_eq!(tampered("http://h/u", &Tamper::Unsigned), None);
    }

    #[test]
    fn only_documented_uploads_have_a_required_answer() {
        let picture = Upload::Fixture("alice-selfie.jpg");
        let video = Upload::Fixture("alice-selfie.mp4");
        assert_eq!(expect_intact(Owner::Enrollment, &picture), Expect::Accepted);
        assert_eq!(expect_intact(Owner::Validation, &video), Expect::Accepted);
        assert_eq!(expect_intact(Owner::Enrollment, &video), Expect::Any);
        assert_eq!(
            expect_intact(Owner::Validation, &Upload::Oversized),
            Expect::Rejected
        );
        assert_eq!(
            expect_intact(Owner::Validation, &Upload::Empty),
            Expect::Any
        );
    }
}
