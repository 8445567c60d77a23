//! Creating the enrollments and validations that cases act on, through the documented flow.

use super::context::{text_at, Context, Transcript};
use crate::target::Request;
use serde_json::Value;

/// An enrollment or validation the target created.
#[derive(Clone, Debug)]
pub(super) struct Resource {
    /// `enrollment_id` or `validation_id`.
    pub id: String,
    /// Its `file_upload_link`.
    pub link: String,
}

/// The form of a face-recognition create call for `account`, followed by `extra`.
pub(super) fn face_form(account: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("type".to_string(), "face-recognition".to_string()),
        ("user_authorized".to_string(), "true".to_string()),
        ("account_id".to_string(), account.to_string()),
    ];
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    pairs
}

/// Creates an enrollment for `account`; it must be created.
pub(super) async fn enrollment(
    context: &Context,
    transcript: &mut Transcript,
    account: &str,
) -> Result<Resource, String> {
    let request = context
        .target
        .request("POST", "/v1/enrollments")
        .form(face_form(account, &[]));
    let label = format!("create an enrollment for {account}");
    created(
        transcript,
        &label,
        "/enrollment_id",
        "/file_upload_link",
        context,
        request,
    )
    .await
}

/// Uploads the catalogue file `picture` to `link`; it must be accepted.
pub(super) async fn upload(
    context: &Context,
    transcript: &mut Transcript,
    link: &str,
    picture: &str,
) -> Result<(), String> {
    let fixture = context.fixtures.get(picture);
    let request = context.target.link("PUT", link).bytes(
        Some(fixture.content_type),
        fixture.bytes.clone(),
        &fixture.name,
    );
    let label = format!("upload {picture}");
    let exchange = transcript.send_link(context, &label, request, None).await?;
    if exchange.status == 200 {
        Ok(())
    } else {
        Err(transcript.failure(&format!("{label}: expected 200, got {}", exchange.status)))
    }
}

/// Polls an enrollment until its reference upload is processed; answers its body.
pub(super) async fn settled_enrollment(
    context: &Context,
    transcript: &mut Transcript,
    id: &str,
) -> Result<Value, String> {
    let request = context
        .target
        .request("GET", &format!("/v1/enrollments/{id}"));
    let exchange = transcript
        .poll(context, "get the enrollment", request, |body| {
            text_at(body, "/reason") != Some("waiting_file_upload")
        })
        .await?;
    exchange
        .json()
        .ok_or_else(|| transcript.failure("the enrollment is not JSON"))
}

/// A fresh account enrolled with `alice-reference.png` and waiting for its face validation
/// (or already successful); answers the account id and the enrollment.
pub(super) async fn ready_account(
    context: &Context,
    transcript: &mut Transcript,
) -> Result<(String, Resource), String> {
    let account = context.unique_account();
    let enrollment = enrollment(context, transcript, &account).await?;
    upload(context, transcript, &enrollment.link, "alice-reference.png").await?;
    let body = settled_enrollment(context, transcript, &enrollment.id).await?;
    match (text_at(&body, "/status"), text_at(&body, "/reason")) {
        (Some("pending"), Some("waiting_face_validation")) | (Some("success"), _) => {
            Ok((account, enrollment))
        }
        other => Err(transcript.failure(&format!(
            "an enrollment with alice-reference.png must wait for its face validation, got {other:?}"
        ))),
    }
}

/// Creates a validation for `account` with `extra` fields; it must be created.
pub(super) async fn validation(
    context: &Context,
    transcript: &mut Transcript,
    account: &str,
    extra: &[(&str, &str)],
) -> Result<Resource, String> {
    let request = context
        .target
        .request("POST", "/v1/validations")
        .form(face_form(account, extra));
    let label = format!("create a validation for {account}");
    created(
        transcript,
        &label,
        "/validation_id",
        "/instructions/file_upload_link",
        context,
        request,
    )
    .await
}

async fn created(
    transcript: &mut Transcript,
    label: &str,
    id_at: &str,
    link_at: &str,
    context: &Context,
    request: Request,
) -> Result<Resource, String> {
    let exchange = transcript.send(context, label, request, None).await?;
    let body = exchange.json().unwrap_or_default();
    match (
        exchange.status,
        text_at(&body, id_at),
        text_at(&body, link_at),
    ) {
        (200, Some(id), Some(link)) => Ok(Resource {
            id: id.to_string(),
            link: link.to_string(),
        }),
        (status, ..) => Err(transcript.failure(&format!(
            "{label}: expected 200 with {id_at} and {link_at}, got {status}"
        ))),
    }
}
