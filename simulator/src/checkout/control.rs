//! Control actions for face authentication under `{root}/_facesim/checkout`: capture actions
//! on an attempt, an applicant's reference picture and manual audits. No key is needed; IDs
//! are unique across accounts.

use super::engine::{ActError, AuditError, SessionInfo};
use super::http::{links, with_store};
use super::model::{CaptureAction, CodeFamily, ResponseCode};
use super::preanalyzed::Preanalyzed;
use super::views::{AttemptBody, FaceAuthenticationBody};
use crate::body::{media_type, read_limited};
use crate::control::{body_error, read_json, ControlError};
use crate::media::FaceCount;
use crate::state::{App, ClientAddr};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::routing::{post, put};
use axum::{Extension, Json, Router};
use base64::Engine;
use bytes::Bytes;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The routes under `{root}/_facesim/checkout`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/attempts/{attempt_id}", post(act))
        .route("/applicants/{applicant_id}/reference", put(reference))
        .route(
            "/face-authentications/{face_authentication_id}/audit",
            post(audit),
        )
        .merge(super::armed_routes::router())
}

/// The ID in a control path (its second segment), as sent.
fn path_id(uri: &Uri) -> String {
    uri.path()
        .trim_start_matches('/')
        .split('/')
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

fn unprocessable(message: impl Into<String>) -> ControlError {
    ControlError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// The largest JSON body carrying a base64 picture of up to `server.max_media_body_bytes`.
fn base64_limit(app: &App) -> u64 {
    app.config.server.max_media_body_bytes / 3 * 4 + 64 * 1024
}

/// The optional `code` field, as a documented code of `family`.
fn code_field(
    body: &Map<String, Value>,
    action: &str,
    family: CodeFamily,
    expected: &str,
    default: ResponseCode,
) -> Result<ResponseCode, ControlError> {
    let Some(value) = body.get("code").filter(|v| !v.is_null()) else {
        return Ok(default);
    };
    let number = value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| unprocessable(format!("code must be an integer, got {value}")))?;
    let code = ResponseCode::new(number).ok_or_else(|| {
        unprocessable(format!(
            "{number} is no documented response code; {action} takes one of {}",
            codes_of(family)
        ))
    })?;
    if code.family() != family {
        return Err(unprocessable(format!(
            "{number} cannot end `{action}`: it takes a {expected} code ({})",
            codes_of(family)
        )));
    }
    Ok(code)
}

fn codes_of(family: CodeFamily) -> String {
    ResponseCode::all_of(family)
        .map(|c| c.code().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Decodes `image_base64` (standard or URL-safe alphabet, padding optional, a `data:` URL
/// prefix allowed).
fn image_field(body: &Map<String, Value>) -> Result<Bytes, ControlError> {
    let text = match body.get("image_base64") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(unprocessable(format!(
                "image_base64 must be a string, got {other}"
            )))
        }
        None => return Err(unprocessable("image_base64 is required")),
    };
    let text = match text.split_once(";base64,") {
        Some((prefix, data)) if prefix.starts_with("data:") => data,
        _ => text,
    };
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|e| e.decode(&compact).ok())
        .map(Bytes::from)
        .ok_or_else(|| unprocessable("image_base64 is not valid base64"))
}

/// Reads the capture action of a control request.
pub(crate) fn action(body: &Map<String, Value>) -> Result<CaptureAction, ControlError> {
    let name = match body.get("action") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(unprocessable(format!(
                "action must be a string, got {other}"
            )))
        }
        None => {
            return Err(unprocessable(format!(
                "action is required: one of {ACTIONS}"
            )))
        }
    };
    let no_code = |action: CaptureAction| {
        if body.get("code").is_some_and(|c| !c.is_null()) {
            Err(unprocessable(format!("`{name}` takes no code")))
        } else {
            Ok(action)
        }
    };
    match name {
        "open" => no_code(CaptureAction::Open),
        "approve" => no_code(CaptureAction::Approve),
        "refuse" => no_code(CaptureAction::Refuse),
        "close" => no_code(CaptureAction::Close),
        "selfie" => {
            let image = image_field(body)?;
            no_code(CaptureAction::Selfie(image))
        }
        "decline" => code_field(
            body,
            name,
            CodeFamily::Declined,
            "62xxx",
            ResponseCode::FACE_MISMATCH,
        )
        .map(CaptureAction::Decline),
        "abort" => code_field(
            body,
            name,
            CodeFamily::RetryRequired,
            "61xxx",
            ResponseCode::APPLICANT_DROP,
        )
        .map(CaptureAction::Abort),
        "inconclusive" => code_field(
            body,
            name,
            CodeFamily::RetryRequired,
            "61xxx",
            ResponseCode::FACE_PARTIALLY_HIDDEN,
        )
        .map(CaptureAction::Inconclusive),
        other => Err(unprocessable(format!(
            "unknown action {other:?}: use one of {ACTIONS}"
        ))),
    }
}

/// The actions the control API takes.
const ACTIONS: &str = "open, selfie, approve, decline, abort, refuse, inconclusive, close";

/// The caller as the capture page would see it.
fn session(headers: &HeaderMap, addr: Option<Extension<ClientAddr>>) -> SessionInfo {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
    let ip_address = match (forwarded, addr) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(Extension(ClientAddr(peer)))) => peer.ip().to_string(),
        (None, None) => String::new(),
    };
    SessionInfo {
        ip_address,
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

fn act_error(error: ActError) -> ControlError {
    let status = match &error {
        ActError::UnknownAttempt(_) => StatusCode::NOT_FOUND,
        ActError::NotAllowed { .. } => StatusCode::CONFLICT,
        ActError::UnusableSelfie(_) | ActError::WrongCode { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    ControlError::new(status, error.to_string())
}

/// `POST /attempts/{attempt_id}`: what the applicant does on the capture page.
async fn act(
    State(app): State<Arc<App>>,
    uri: Uri,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AttemptBody>, ControlError> {
    let attempt_id = path_id(&uri);
    let body = read_json(&app, &headers, body, base64_limit(&app)).await?;
    let action = action(&body)?;
    let session = session(&headers, addr);
    let matcher: Arc<dyn crate::media::Matcher> = match &action {
        CaptureAction::Selfie(bytes) => {
            Arc::new(Preanalyzed::picture(app.matcher.clone(), bytes.clone()).await)
        }
        _ => app.matcher.clone(),
    };
    with_store(&app, |store, now| {
        let attempt = store
            .act(&attempt_id, action, &session, matcher.as_ref(), now)
            .map_err(act_error)?;
        Ok(Json(AttemptBody::new(attempt, &links(&app, now))))
    })
}

/// `PUT /applicants/{applicant_id}/reference`: a raw picture, or `{"image_base64": …}`.
async fn reference(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ControlError> {
    let applicant_id = path_id(&uri);
    let image = if media_type(&headers).as_deref() == Some("application/json") {
        image_field(&read_json(&app, &headers, body, base64_limit(&app)).await?)?
    } else {
        read_limited(
            &headers,
            body,
            app.config.server.max_media_body_bytes,
            app.body_timeout(),
        )
        .await
        .map_err(body_error)?
    };
    if app
        .tenant()
        .checkout
        .lock()
        .any_applicant(&applicant_id)
        .is_none()
    {
        return Err(ControlError::new(
            StatusCode::NOT_FOUND,
            format!("No applicant {applicant_id}"),
        ));
    }
    let matcher = app.matcher.clone();
    let analysis = tokio::task::spawn_blocking(move || matcher.analyze(&image, false))
        .await
        .map_err(|_| {
            ControlError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the picture could not be analysed",
            )
        })?
        .map_err(|e| unprocessable(format!("the picture cannot be a reference: {e}")))?;
    if analysis.faces == FaceCount::None {
        return Err(unprocessable(
            "the picture cannot be a reference: it shows no face",
        ));
    }
    let answer = json!({
        "applicant_id": applicant_id,
        "reference": {
            "media_type": analysis.kind.mime(),
            "subject": analysis.subject,
            "faces": analysis.faces.as_str(),
        }
    });
    with_store(&app, |store, now| {
        store
            .set_reference(&applicant_id, analysis, now)
            .map(|_| Json(answer))
            .ok_or_else(|| {
                ControlError::new(
                    StatusCode::NOT_FOUND,
                    format!("No applicant {applicant_id}"),
                )
            })
    })
}

/// `POST /face-authentications/{id}/audit`: `{"status": "approved"|"declined", "code"?}`.
async fn audit(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<FaceAuthenticationBody>, ControlError> {
    let id = path_id(&uri);
    let body = read_json(&app, &headers, body, 64 * 1024).await?;
    let code = match body.get("status").and_then(Value::as_str) {
        Some("approved") => code_field(
            &body,
            "an approving audit",
            CodeFamily::Approved,
            "10000",
            ResponseCode::APPROVED,
        )?,
        Some("declined") => code_field(
            &body,
            "a declining audit",
            CodeFamily::Declined,
            "62xxx",
            ResponseCode::FACE_MISMATCH,
        )?,
        _ => {
            return Err(unprocessable(
                "status is required: \"approved\" or \"declined\"",
            ))
        }
    };
    with_store(&app, |store, now| {
        let fa = store.audit(&id, code, now).map_err(|e| {
            let status = match e {
                AuditError::Unknown => StatusCode::NOT_FOUND,
                AuditError::NotFinished(_) => StatusCode::CONFLICT,
                AuditError::WrongCode(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            ControlError::new(status, format!("{id}: {e}"))
        })?;
        Ok(Json(FaceAuthenticationBody::new(fa, &links(&app, now))))
    })
}
