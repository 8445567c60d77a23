//! Property: two GETs in a row, with nothing changed in between, answer the same status and
//! the same body, for enrollments and validations in settled states and for unknown ids.
//!
//! `show_details=true` is left out: its file links are signed for 15 minutes from the moment
//! of the GET, so two answers may rightly differ in their expiry.

use super::context::{text_at, Context, Transcript};
use super::forms::{self, Key};
use super::resources;
use super::runner::{self, Plan};
use super::Property;
use futures::future::BoxFuture;
use proptest::prelude::*;
use std::sync::Arc;

/// The property.
pub(super) const PROPERTY: Property = Property {
    name: "two GETs in a row answer the same",
    tags: &["property", "idempotence"],
    scale: 8,
    shards: 2,
    shrink_iterations: 512,
    alone: false,
    check,
};

/// What a GET reads.
#[derive(Clone, Debug)]
pub(super) enum Subject {
    /// One of the resources prepared for the property (an index into them).
    Prepared(usize),
    /// An id in the vendor's format that nothing has.
    Unknown { validation: bool, hex: String },
    /// Any text as the id (percent-encoded).
    Malformed { validation: bool, text: String },
}

/// A generated pair of GETs.
#[derive(Clone, Debug)]
pub(super) struct Read {
    subject: Subject,
    key: Key,
    details_false: bool,
}

/// The paths of the prepared resources (`/v1/enrollments/ENR…`), in a stable order.
type Prepared = Vec<String>;

fn read(prepared: usize) -> impl Strategy<Value = Read> + Clone {
    let subject = prop_oneof![
        6 => (0..prepared).prop_map(Subject::Prepared),
        1 => (any::<bool>(), "[0-9a-f]{32}").prop_map(|(validation, hex)| Subject::Unknown { validation, hex }),
        1 => (any::<bool>(), "[^./]{1,30}").prop_map(|(validation, text)| Subject::Malformed { validation, text }),
    ];
    (subject, forms::key(), proptest::bool::weighted(0.3)).prop_map(
        |(subject, key, details_false)| Read {
            subject,
            key,
            details_false,
        },
    )
}

/// Enrollments and validations in every state that no longer changes by itself: waiting for
/// a file, waiting for a face validation, succeeded, failed, and a validation pending
/// without a file.
async fn prepare(context: &Context) -> Result<Prepared, String> {
    let mut transcript = Transcript::default();
    let waiting =
        resources::enrollment(context, &mut transcript, &context.unique_account()).await?;
    let (ready, ready_enrollment) = resources::ready_account(context, &mut transcript).await?;
    let pending =
        resources::validation(context, &mut transcript, &ready, &[("timeout", "21600")]).await?;
    let mut paths = vec![
        format!("/v1/enrollments/{}", waiting.id),
        format!("/v1/enrollments/{}", ready_enrollment.id),
        format!("/v1/validations/{}", pending.id),
    ];
    let mut processing = Vec::new();
    for selfie in ["alice-selfie.jpg", "bob-selfie.jpg"] {
        let (account, enrollment) = resources::ready_account(context, &mut transcript).await?;
        let validation = resources::validation(context, &mut transcript, &account, &[]).await?;
        resources::upload(context, &mut transcript, &validation.link, selfie).await?;
        paths.push(format!("/v1/enrollments/{}", enrollment.id));
        processing.push(format!("/v1/validations/{}", validation.id));
    }
    let no_face =
        resources::enrollment(context, &mut transcript, &context.unique_account()).await?;
    resources::upload(context, &mut transcript, &no_face.link, "no-face.png").await?;
    resources::settled_enrollment(context, &mut transcript, &no_face.id).await?;
    paths.push(format!("/v1/enrollments/{}", no_face.id));
    for path in processing {
        let request = context.target.request("GET", &path);
        transcript
            .poll(
                context,
                "wait for the validation to settle",
                request,
                |body| text_at(body, "/validation_status") != Some("pending"),
            )
            .await?;
        paths.push(path);
    }
    Ok(paths)
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let prepared = Arc::new(
            prepare(&context)
                .await
                .map_err(|e| format!("could not prepare the resources to read: {e}"))?,
        );
        runner::check(
            &context,
            plan,
            read(prepared.len()),
            move |context, read| {
                let prepared = prepared.clone();
                async move { case(&context, &prepared, read).await }
            },
        )
        .await
    })
}

async fn case(context: &Context, prepared: &Prepared, read: Read) -> Result<(), String> {
    let collection = |validation: bool| {
        if validation {
            "validations"
        } else {
            "enrollments"
        }
    };
    let mut path = match &read.subject {
        Subject::Prepared(i) => prepared[*i].clone(),
        Subject::Unknown { validation, hex } => {
            let prefix = if *validation { "VLD" } else { "ENR" };
            format!("/v1/{}/{prefix}{hex}", collection(*validation))
        }
        Subject::Malformed { validation, text } => {
            let encoded: String = text.bytes().map(|b| format!("%{b:02X}")).collect();
            format!("/v1/{}/{encoded}", collection(*validation))
        }
    };
    if read.details_false && path.starts_with("/v1/validations/") {
        path.push_str("?show_details=false");
    }
    let request = read.key.request(&context.target, "GET", &path);
    let mut transcript = Transcript::default();
    let first = transcript
        .send(context, "GET", request.clone(), None)
        .await?;
    let second = transcript
        .send(context, "the same GET again", request, None)
        .await?;
    if (first.status, &first.content_type, &first.body)
        != (second.status, &second.content_type, &second.body)
    {
        return Err(transcript.failure("two GETs in a row answered differently"));
    }
    Ok(())
}
