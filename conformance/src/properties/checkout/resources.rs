//! Creating the applicants, face authentications and attempts that Checkout cases act on,
//! through the documented flow, and waiting for a face authentication to settle.

use crate::checkout::{user_journey, REDIRECT_URL};
use crate::properties::context::{Context, Transcript};
use serde_json::{json, Value};

/// An external applicant id no other applicant of any run has.
pub(super) fn unique_external_id(context: &Context) -> String {
    format!("ext_{}", context.unique_account().replace('-', "_"))
}

/// Posts `body` to `path`; it must be created. Answers the created resource.
pub(super) async fn created(
    context: &Context,
    transcript: &mut Transcript,
    label: &str,
    path: &str,
    body: Value,
) -> Result<Value, String> {
    let request = context
        .target
        .request("POST", path)
        .text(Some("application/json"), &body.to_string());
    let exchange = transcript.send(context, label, request, None).await?;
    match exchange.json() {
        Some(body) if exchange.status == 201 && body.get("id").is_some() => Ok(body),
        _ => Err(transcript.failure(&format!(
            "{label}: expected 201 with an id, got {}",
            exchange.status
        ))),
    }
}

/// The `id` of a created resource.
pub(super) fn id(body: &Value) -> String {
    body.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Creates an applicant with `external_id` (a unique `ext_…` when `None`).
pub(super) async fn applicant(
    context: &Context,
    transcript: &mut Transcript,
    external_id: Option<&str>,
) -> Result<String, String> {
    let external_id = external_id
        .map(str::to_string)
        .unwrap_or_else(|| unique_external_id(context));
    let body = json!({ "external_applicant_id": external_id });
    let label = format!("create an applicant {external_id}");
    Ok(id(&created(
        context,
        transcript,
        &label,
        "/applicants",
        body,
    )
    .await?))
}

/// Creates a face authentication for `applicant`.
pub(super) async fn face_authentication(
    context: &Context,
    transcript: &mut Transcript,
    applicant: &str,
) -> Result<String, String> {
    let journey = user_journey(&context.target);
    let body = json!({ "applicant_id": applicant, "user_journey_id": journey });
    let label = "create a face authentication";
    Ok(id(&created(
        context,
        transcript,
        label,
        "/face-authentications",
        body,
    )
    .await?))
}

/// Creates an attempt of `face_authentication`; answers it.
pub(super) async fn attempt(
    context: &Context,
    transcript: &mut Transcript,
    face_authentication: &str,
) -> Result<Value, String> {
    let path = format!("/face-authentications/{face_authentication}/attempts");
    let body = json!({ "redirect_url": REDIRECT_URL });
    created(context, transcript, "create an attempt", &path, body).await
}

/// Opens an attempt's verification URL; the page must load.
pub(super) async fn open(
    context: &Context,
    transcript: &mut Transcript,
    attempt: &Value,
) -> Result<(), String> {
    let Some(url) = attempt
        .pointer("/_links/verification_url/href")
        .and_then(Value::as_str)
    else {
        return Err(transcript.failure("the attempt has no verification URL"));
    };
    let request = context.target.link("GET", url);
    let page = transcript
        .send_link(context, "open the verification URL", request, None)
        .await?;
    if page.status == 200 {
        Ok(())
    } else {
        Err(transcript.failure(&format!(
            "opening the verification URL: expected 200, got {}",
            page.status
        )))
    }
}

/// Reads a face authentication until it is no longer capturing or checking; answers it.
pub(super) async fn settled(
    context: &Context,
    transcript: &mut Transcript,
    face_authentication: &str,
) -> Result<Value, String> {
    let request = context.target.request(
        "GET",
        &format!("/face-authentications/{face_authentication}"),
    );
    let exchange = transcript
        .poll(context, "wait for the outcome", request, |body| {
            let status = body.get("status").and_then(Value::as_str);
            !matches!(status, Some("capture_in_progress" | "checks_in_progress"))
        })
        .await?;
    match exchange.json() {
        Some(body) if exchange.status == 200 => Ok(body),
        _ => Err(transcript.failure(&format!(
            "reading the face authentication: expected 200, got {}",
            exchange.status
        ))),
    }
}
