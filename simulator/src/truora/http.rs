//! The HTTP adapter of the Validations API: headers, bodies and status codes around the engine.

use super::engine::ForcedVerdict;
use super::engine::{Caller, Store};
use super::error::{Envelope, TruoraError};
use super::form::{Form, NewEnrollment, NewValidation};
use super::views::{file_claim, upload_claim, EnrollmentBody, ValidationBody};
use crate::body::{describe_size, media_type, read_limited, BodyError};
use crate::scenario::outcome::ForcedOutcome;
use crate::state::{App, ClientAddr};
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use std::sync::Arc;

/// The routes under `{root}/truora/validations`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/v1/enrollments", post(create_enrollment))
        .route(
            "/v1/enrollments/{id}",
            get(get_enrollment).delete(delete_enrollment),
        )
        .route("/v1/validations", post(create_validation))
        .route("/v1/validations/{id}", get(get_validation))
        .route("/v1/uploads/{id}", put(upload))
        .route("/v1/files/{id}", get(file))
        .fallback(|OriginalUri(uri): OriginalUri| async move { not_found(&uri) })
        .method_not_allowed_fallback(
            |method: axum::http::Method, OriginalUri(uri): OriginalUri| async move {
                TruoraError::method_not_allowed(format!(
                    "Method {method} is not allowed on {}",
                    uri.path()
                ))
            },
        )
}

/// The Truora answer for a path that names no endpoint.
pub fn not_found(uri: &Uri) -> TruoraError {
    TruoraError::not_found(format!("No endpoint at {}", uri.path()))
}

impl IntoResponse for TruoraError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.http_code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let envelope = self.envelope();
        let code = envelope.code.to_string();
        crate::journal::VendorErrorCode::attach((status, Json(envelope)).into_response(), code)
    }
}

type Answer<T> = Result<Json<T>, TruoraError>;

const FORM: &str = "application/x-www-form-urlencoded";

fn caller(app: &App, headers: &HeaderMap) -> Result<Caller, TruoraError> {
    let value = headers
        .get("truora-api-key")
        .ok_or_else(|| TruoraError::unauthorized("Missing Truora-API-Key header"))?;
    value
        .to_str()
        .ok()
        .and_then(|key| app.truora_caller(key.trim()))
        .ok_or_else(|| {
            TruoraError::unauthorized("Invalid Truora-API-Key: the key is not recognized")
        })
}

fn body_error(error: BodyError) -> TruoraError {
    match error {
        BodyError::TooLarge { limit } => TruoraError::too_large(format!(
            "The request body is larger than the maximum of {}",
            describe_size(limit)
        )),
        BodyError::Timeout => TruoraError::timeout("The request body was not received in time"),
        BodyError::Broken(why) => {
            TruoraError::bad_request(format!("The request body could not be read: {why}"))
        }
    }
}

async fn read_form(app: &App, headers: &HeaderMap, body: Body) -> Result<Form, TruoraError> {
    match media_type(headers) {
        Some(t) if t == FORM => {}
        other => {
            return Err(TruoraError::unsupported_media_type(format!(
                "Content-Type must be {FORM}, got {}",
                other.as_deref().unwrap_or("none")
            )))
        }
    }
    let bytes = read_limited(
        headers,
        body,
        app.config.server.max_form_body_bytes,
        app.body_timeout(),
    )
    .await
    .map_err(body_error)?;
    Ok(Form::parse(&bytes))
}

/// The `{id}` of a route: the last path segment as sent (percent-encoding kept, so any byte
/// sequence is simply an unknown id).
fn path_id(uri: &Uri) -> String {
    uri.path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn query(uri: &Uri) -> Form {
    Form::parse(uri.query().unwrap_or("").as_bytes())
}

/// The first `X-Forwarded-For` entry when it is an IP address, else the peer's address.
fn client_ip(headers: &HeaderMap, addr: Option<Extension<ClientAddr>>) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
    match (forwarded, addr) {
        (Some(ip), _) => ip.to_string(),
        (None, Some(Extension(ClientAddr(peer)))) => peer.ip().to_string(),
        (None, None) => String::new(),
    }
}

async fn create_enrollment(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Answer<EnrollmentBody> {
    let caller = caller(&app, &headers)?;
    let request = NewEnrollment::from_form(&read_form(&app, &headers, body).await?)?;
    let now = app.clock().now();
    let tenant = app.tenant();
    let mut store = tenant.truora.lock();
    let enrollment = store.create_enrollment(request, caller, now)?;
    Ok(Json(EnrollmentBody::new(
        enrollment,
        &app.truora_links(now),
    )))
}

async fn get_enrollment(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer<EnrollmentBody> {
    caller(&app, &headers)?;
    let now = app.clock().now();
    let tenant = app.tenant();
    let mut store = tenant.truora.lock();
    let enrollment = store.enrollment(&path_id(&uri), now)?;
    Ok(Json(EnrollmentBody::new(
        enrollment,
        &app.truora_links(now),
    )))
}

async fn delete_enrollment(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer<Envelope> {
    let caller = caller(&app, &headers)?;
    let deleted =
        app.tenant()
            .truora
            .lock()
            .delete_enrollment(&path_id(&uri), caller, app.clock().now())?;
    Ok(Json(Envelope::new(
        200,
        format!(
            "The enrollment {} was deleted; the account {} has no enrollment now",
            deleted.id, deleted.account_id
        ),
    )))
}

async fn create_validation(
    State(app): State<Arc<App>>,
    addr: Option<Extension<ClientAddr>>,
    forced: Option<Extension<ForcedOutcome>>,
    headers: HeaderMap,
    body: Body,
) -> Answer<ValidationBody> {
    caller(&app, &headers)?;
    let request = NewValidation::from_form(&read_form(&app, &headers, body).await?)?;
    let now = app.clock().now();
    let tenant = app.tenant();
    let mut store = tenant.truora.lock();
    let rule = forced.and_then(|Extension(f)| ForcedVerdict::parse(&f.0));
    let id = store
        .create_forced_validation(request, client_ip(&headers, addr), rule, now)?
        .id
        .clone();
    render_validation(&app, &mut store, &id, false, now)
}

/// The body of a validation as it stands at `now`.
fn render_validation(
    app: &App,
    store: &mut Store,
    id: &str,
    show_details: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Answer<ValidationBody> {
    let (validation, reference) = store.validation_with_reference(id, now)?;
    let links = app.truora_links(now);
    Ok(Json(ValidationBody::new(
        validation,
        reference,
        show_details,
        &links,
    )))
}

async fn get_validation(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer<ValidationBody> {
    caller(&app, &headers)?;
    let show_details = match query(&uri).first("show_details") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(TruoraError::bad_request(format!(
                "invalid show_details {other:?}: use true or false"
            )))
        }
    };
    let now = app.clock().now();
    let tenant = app.tenant();
    let mut store = tenant.truora.lock();
    render_validation(&app, &mut store, &path_id(&uri), show_details, now)
}

/// Checks the `Expires`/`Signature` of a pre-signed link; answers its expiry.
fn check_signature(app: &App, uri: &Uri, claim: &str, what: &str) -> Result<i64, TruoraError> {
    let q = query(uri);
    let expires = q.first("Expires").and_then(|e| e.parse::<i64>().ok());
    let signature = q.first("Signature");
    match (expires, signature) {
        (Some(expires), Some(sig)) if app.signer.verify(claim, expires, sig) => Ok(expires),
        (Some(_), Some(_)) => Err(TruoraError::forbidden(format!(
            "The {what} link is not valid: its signature does not match"
        ))),
        _ => Err(TruoraError::forbidden(format!(
            "The {what} link is not valid: the Expires and Signature parameters are required"
        ))),
    }
}

async fn upload(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Answer<Envelope> {
    let id = path_id(&uri);
    check_signature(&app, &uri, &upload_claim(&id), "file upload")?;
    let allow_video = app
        .tenant()
        .truora
        .lock()
        .prepare_upload(&id, app.clock().now())?;
    let bytes = read_limited(
        &headers,
        body,
        app.config.server.max_media_body_bytes,
        app.body_timeout(),
    )
    .await
    .map_err(body_error)?;
    let matcher = app.matcher.clone();
    let analysed = bytes.clone();
    let analysis = tokio::task::spawn_blocking(move || matcher.analyze(&analysed, allow_video))
        .await
        .map_err(|_| TruoraError::internal("The file could not be analysed"))?;
    let message = app.tenant().truora.lock().accept_upload(
        &id,
        bytes,
        analysis,
        app.matcher.as_ref(),
        app.clock().now(),
    )?;
    Ok(Json(Envelope::new(200, message)))
}

async fn file(State(app): State<Arc<App>>, uri: Uri) -> Result<Response, TruoraError> {
    let id = path_id(&uri);
    let expires = check_signature(&app, &uri, &file_claim(&id), "file")?;
    if app.clock().now().timestamp() > expires {
        return Err(TruoraError::forbidden("The file link has expired"));
    }
    let tenant = app.tenant();
    let store = tenant.truora.lock();
    let file = store
        .file(&id)
        .ok_or_else(|| TruoraError::not_found("The file was not found"))?;
    let mime = HeaderValue::from_static(file.kind.mime());
    Ok(([(header::CONTENT_TYPE, mime)], file.bytes.clone()).into_response())
}
