//! The HTTP adapter of the face-authentication API: authentication, request IDs, bodies and
//! status codes around the engine, and the publication of the engine's events as webhooks.

use super::engine::{AccountId, Event, Store};
use super::error::CheckoutError;
use super::ids::new_request_id;
use super::request::{self, Page};
use super::views::*;
use super::webhook;
use crate::body::{media_type, read_limited, BodyError};
use crate::scenario::outcome::ForcedOutcome;
use crate::state::App;
use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::{DateTime, Duration, Utc};
use futures_util::FutureExt;
use serde_json::{Map, Value};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

/// The response header that carries the request's ID.
pub const REQUEST_ID_HEADER: &str = "cko-request-id";

/// How often the background task looks for due transitions.
pub const SETTLE_INTERVAL: std::time::Duration = std::time::Duration::from_millis(200);

tokio::task_local! {
    /// The `Cko-Request-Id` of the request being answered.
    static REQUEST_ID: String;
}

/// The routes under `{root}/checkout`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/applicants", post(create_applicant))
        .route(
            "/applicants/{applicant_id}",
            get(get_applicant).patch(update_applicant),
        )
        .route(
            "/applicants/{applicant_id}/anonymize",
            post(anonymize_applicant),
        )
        .route("/face-authentications", post(create_face_authentication))
        .route(
            "/face-authentications/{face_authentication_id}",
            get(get_face_authentication),
        )
        .route(
            "/face-authentications/{face_authentication_id}/anonymize",
            post(anonymize_face_authentication),
        )
        .route(
            "/face-authentications/{face_authentication_id}/attempts",
            post(create_attempt).get(list_attempts),
        )
        .route(
            "/face-authentications/{face_authentication_id}/attempts/{attempt_id}",
            get(get_attempt),
        )
        .route(
            "/face-authentications/{face_authentication_id}/attempts/{attempt_id}/assets",
            get(list_assets),
        )
        .route("/assets/{asset_id}", get(asset))
        .nest("/hosted", super::hosted::router())
        .fallback(|| async { not_found() })
        .method_not_allowed_fallback(|| async { CheckoutError::method_not_allowed() })
        .layer(middleware::from_fn(request_context))
}

/// The answer for a path under the prefix that names no endpoint.
pub fn not_found() -> CheckoutError {
    CheckoutError::not_found("resource_not_found")
}

/// Reads a method name under the Checkout prefix without regard to case (`patch` is `PATCH`), as
/// the vendor's servers do: the official Node SDK sends `patch` in lowercase. Runs before routing.
pub async fn canonical_method(mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path
        .strip_prefix(PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    {
        if let Some(known) = canonical(req.method()) {
            *req.method_mut() = known;
        }
    }
    next.run(req).await
}

/// The standard method spelled like `method` in another case, if `method` is not standard itself.
fn canonical(method: &Method) -> Option<Method> {
    const STANDARD: [Method; 7] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];
    STANDARD
        .into_iter()
        .find(|m| m != method && m.as_str().eq_ignore_ascii_case(method.as_str()))
}

/// Gives the request an ID (in the `Cko-Request-Id` header of its answer and in error
/// bodies) and turns a panicking handler into a 500 in the vendor's format.
async fn request_context(req: Request, next: Next) -> Response {
    let id = new_request_id();
    let path = req.uri().path().to_owned();
    let mut response = REQUEST_ID
        .scope(id.clone(), async move {
            match AssertUnwindSafe(next.run(req)).catch_unwind().await {
                Ok(response) => response,
                Err(_) => {
                    tracing::error!(%path, "checkout handler panicked");
                    CheckoutError::internal().into_response()
                }
            }
        })
        .await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

impl IntoResponse for CheckoutError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let id = REQUEST_ID
            .try_with(String::clone)
            .unwrap_or_else(|_| new_request_id());
        let mut response = match self.body(&id) {
            Some(body) => (status, Json(body)).into_response(),
            None => status.into_response(),
        };
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        crate::journal::VendorErrorCode::attach(response, self.error_codes.join(","))
    }
}

/// Locks the store, applies what is due, runs `f`, then publishes the events recorded as
/// webhooks (in order, before the lock is released).
pub fn with_store<T>(app: &App, f: impl FnOnce(&mut Store, DateTime<Utc>) -> T) -> T {
    let now = app.clock().now();
    let tenant = app.tenant();
    let mut store = tenant.checkout.lock();
    store.settle(now);
    let result = f(&mut store, now);
    publish(app, store.drain_events());
    result
}

/// Applies what is due now and publishes pending events, unless nothing is due or waiting.
pub fn settle_due(app: &App) {
    let now = app.clock().now();
    let tenant = app.tenant();
    let mut store = tenant.checkout.lock();
    if store.next_due().is_some_and(|due| due <= now) || store.has_events() {
        store.settle(now);
        publish(app, store.drain_events());
    }
}

/// Settles every namespace's store every [`SETTLE_INTERVAL`], so time-driven transitions send their
/// webhooks without any request. Must run inside tokio; abort the handle to stop it.
pub fn spawn_settler(app: Arc<App>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SETTLE_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            for tenant in app.tenants.all() {
                crate::namespace::Tenants::within(tenant, || settle_due(&app));
            }
        }
    })
}

fn publish(app: &App, events: Vec<Event>) {
    for event in events {
        app.webhooks.publish(crate::webhooks::Outgoing {
            namespace: app.tenant().name.clone(),
            ..webhook::outgoing(&event, &app.public_url)
        });
    }
}

/// Link builder for bodies at `now`.
pub fn links(app: &App, now: DateTime<Utc>) -> Links<'_> {
    Links {
        public_url: &app.public_url,
        signer: &app.signer,
        asset_ttl: Duration::seconds(app.config.checkout.asset_link_ttl_seconds as i64),
        namespace: app.tenant().name.clone(),
        now,
    }
}

/// The account of the request's `Authorization: Bearer <secret key>`.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<AccountId, CheckoutError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(CheckoutError::unauthorized)?;
    let (scheme, key) = value
        .trim()
        .split_once(' ')
        .ok_or_else(CheckoutError::unauthorized)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(CheckoutError::unauthorized());
    }
    app.tenant()
        .checkout
        .lock()
        .account(key.trim())
        .ok_or_else(CheckoutError::unauthorized)
}

fn body_error(error: BodyError) -> CheckoutError {
    match error {
        BodyError::TooLarge { .. } => CheckoutError::too_large(),
        BodyError::Timeout => CheckoutError::timeout(),
        BodyError::Broken(_) => CheckoutError::malformed("request_body_malformed"),
    }
}

/// Reads a JSON object body. An empty body reads as `{}`; a body that is not
/// `application/json` or not a JSON object is a 400.
async fn read_object(
    app: &App,
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, CheckoutError> {
    let bytes = read_body(app, headers, body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match media_type(headers) {
        Some(t) if t == "application/json" || t.ends_with("+json") => {}
        _ => return Err(CheckoutError::malformed("content_type_invalid")),
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(CheckoutError::malformed("request_body_malformed")),
    }
}

/// Reads a body of at most `server.max_form_body_bytes`.
async fn read_body(
    app: &App,
    headers: &HeaderMap,
    body: Body,
) -> Result<bytes::Bytes, CheckoutError> {
    read_limited(
        headers,
        body,
        app.config.server.max_form_body_bytes,
        app.body_timeout(),
    )
    .await
    .map_err(body_error)
}

/// The `index`-th segment of the path below the prefix, as sent (percent-encoding kept, so any
/// byte sequence is simply an unknown ID).
fn segment(uri: &Uri, index: usize) -> String {
    uri.path()
        .trim_start_matches('/')
        .split('/')
        .nth(index)
        .unwrap_or_default()
        .to_string()
}

type Answer<T> = Result<Json<T>, CheckoutError>;
type Created<T> = Result<(StatusCode, Json<T>), CheckoutError>;

async fn create_applicant(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Created<ApplicantBody> {
    let account = authenticate(&app, &headers)?;
    let body = read_object(&app, &headers, body).await?;
    let req = request::new_applicant(&body).map_err(CheckoutError::invalid)?;
    let applicant = with_store(&app, |store, now| {
        ApplicantBody::new(store.create_applicant(account, req, now), &links(&app, now))
    });
    Ok((StatusCode::CREATED, Json(applicant)))
}

async fn get_applicant(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer<ApplicantBody> {
    let account = authenticate(&app, &headers)?;
    let id = segment(&uri, 1);
    with_store(&app, |store, now| {
        let applicant = store.applicant(account, &id)?;
        Ok(Json(ApplicantBody::new(applicant, &links(&app, now))))
    })
}

async fn update_applicant(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Answer<ApplicantBody> {
    let account = authenticate(&app, &headers)?;
    let id = segment(&uri, 1);
    app.tenant().checkout.lock().applicant(account, &id)?;
    let body = read_object(&app, &headers, body).await?;
    let update = request::applicant_update(&body).map_err(CheckoutError::invalid)?;
    with_store(&app, |store, now| {
        let applicant = store.update_applicant(account, &id, update, now)?;
        Ok(Json(ApplicantBody::new(applicant, &links(&app, now))))
    })
}

async fn anonymize_applicant(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Answer<ApplicantBody> {
    let account = authenticate(&app, &headers)?;
    read_body(&app, &headers, body).await?;
    let id = segment(&uri, 1);
    with_store(&app, |store, now| {
        let applicant = store.anonymize_applicant(account, &id, now)?;
        Ok(Json(ApplicantBody::new(applicant, &links(&app, now))))
    })
}

async fn create_face_authentication(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Created<FaceAuthenticationBody> {
    let account = authenticate(&app, &headers)?;
    let body = read_object(&app, &headers, body).await?;
    let req = request::new_face_authentication(&body);
    let fa = with_store(&app, |store, now| {
        let fa = store.create_face_authentication(account, req, now)?;
        Ok::<_, CheckoutError>(FaceAuthenticationBody::new(fa, &links(&app, now)))
    })?;
    Ok((StatusCode::CREATED, Json(fa)))
}

async fn get_face_authentication(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer<FaceAuthenticationBody> {
    let account = authenticate(&app, &headers)?;
    let id = segment(&uri, 1);
    with_store(&app, |store, now| {
        let fa = store.face_authentication(account, &id)?;
        Ok(Json(FaceAuthenticationBody::new(fa, &links(&app, now))))
    })
}

async fn anonymize_face_authentication(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Answer<FaceAuthenticationBody> {
    let account = authenticate(&app, &headers)?;
    read_body(&app, &headers, body).await?;
    let id = segment(&uri, 1);
    with_store(&app, |store, now| {
        let fa = store.anonymize_face_authentication(account, &id, now)?;
        Ok(Json(FaceAuthenticationBody::new(fa, &links(&app, now))))
    })
}

async fn create_attempt(
    State(app): State<Arc<App>>,
    uri: Uri,
    forced: Option<Extension<ForcedOutcome>>,
    headers: HeaderMap,
    body: Body,
) -> Created<AttemptBody> {
    let account = authenticate(&app, &headers)?;
    let fa_id = segment(&uri, 1);
    app.tenant()
        .checkout
        .lock()
        .face_authentication(account, &fa_id)?;
    let body = read_object(&app, &headers, body).await?;
    let req = request::new_attempt(&body).map_err(CheckoutError::invalid)?;
    let step = forced.and_then(|Extension(f)| super::sandbox::parse_step(&f.0));
    let attempt = with_store(&app, |store, now| {
        let id = store
            .create_forced_attempt(account, &fa_id, req, step, now)?
            .id
            .clone();
        let attempt = store.any_attempt(&id).expect("just created");
        Ok::<_, CheckoutError>(AttemptBody::new(attempt, &links(&app, now)))
    })?;
    Ok((StatusCode::CREATED, Json(attempt)))
}

/// The page a list request asks for (422 `skip_invalid` / `limit_invalid`).
fn page(uri: &Uri) -> Result<Page, CheckoutError> {
    request::page(uri.query()).map_err(CheckoutError::invalid)
}

async fn list_attempts(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer<AttemptListBody> {
    let account = authenticate(&app, &headers)?;
    let fa_id = segment(&uri, 1);
    with_store(&app, |store, now| {
        let attempts = store.attempts(account, &fa_id)?;
        let page = page(&uri)?;
        let links = links(&app, now);
        let total = attempts.len();
        Ok(Json(AttemptListBody {
            total_count: total,
            skip: page.skip,
            limit: page.limit,
            data: page_of(attempts, page)
                .into_iter()
                .map(|a| AttemptBody::new(a, &links))
                .collect(),
            _links: ListLinks::new(
                &links,
                &format!("/face-authentications/{fa_id}/attempts"),
                page,
                total,
            ),
        }))
    })
}

async fn get_attempt(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer<AttemptBody> {
    let account = authenticate(&app, &headers)?;
    let (fa_id, id) = (segment(&uri, 1), segment(&uri, 3));
    with_store(&app, |store, now| {
        let attempt = store.attempt(account, &fa_id, &id)?;
        Ok(Json(AttemptBody::new(attempt, &links(&app, now))))
    })
}

async fn list_assets(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
) -> Answer<AssetListBody> {
    let account = authenticate(&app, &headers)?;
    let (fa_id, id) = (segment(&uri, 1), segment(&uri, 3));
    with_store(&app, |store, now| {
        let assets = store.attempt_assets(account, &fa_id, &id)?;
        let page = page(&uri)?;
        let links = links(&app, now);
        let total = assets.len();
        Ok(Json(AssetListBody {
            total_count: total,
            skip: page.skip,
            limit: page.limit,
            data: page_of(assets, page)
                .into_iter()
                .map(|a| AssetBody::new(a, &links))
                .collect(),
            _links: ListLinks::new(
                &links,
                &format!("/face-authentications/{fa_id}/attempts/{id}/assets"),
                page,
                total,
            ),
        }))
    })
}

/// `GET /assets/{id}?expires=…&signature=…`: a pre-signed asset link.
async fn asset(
    State(app): State<Arc<App>>,
    OriginalUri(original): OriginalUri,
    uri: Uri,
) -> Result<Response, CheckoutError> {
    let id = segment(&uri, 1);
    let query: Vec<(String, String)> =
        form_urlencoded::parse(original.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let expires = param("expires").and_then(|e| e.parse::<i64>().ok());
    let (Some(expires), Some(signature)) = (expires, param("signature")) else {
        return Err(CheckoutError::forbidden("signature_required"));
    };
    if !app.signer.verify(&asset_claim(&id), expires, signature) {
        return Err(CheckoutError::forbidden("signature_invalid"));
    }
    if app.clock().now().timestamp() > expires {
        return Err(CheckoutError::forbidden("signature_expired"));
    }
    let tenant = app.tenant();
    let store = tenant.checkout.lock();
    let asset = store
        .asset(&id)
        .ok_or_else(|| CheckoutError::not_found("asset_not_found"))?;
    let mime = HeaderValue::from_static(asset.media.mime());
    Ok(([(header::CONTENT_TYPE, mime)], asset.bytes.clone()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::media::DeterministicMatcher;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn body_json(response: Response) -> Value {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    fn header(response: &Response) -> String {
        response.headers()[REQUEST_ID_HEADER]
            .to_str()
            .unwrap()
            .to_string()
    }

    async fn boom() -> &'static str {
        panic!("handler bug")
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_500_in_the_vendor_format() {
        let router: Router = Router::new()
            .route("/boom", get(boom))
            .layer(middleware::from_fn(request_context));
        let request = Request::builder().uri("/boom").body(Body::empty()).unwrap();
        let response = router.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let id = header(&response);
        let body = body_json(response).await;
        assert_eq!(body["request_id"], Value::from(id));
        assert_eq!(body["error_type"], Value::from("internal_server_error"));
    }

    #[tokio::test]
    async fn errors_outside_a_request_still_carry_an_id() {
        let response = CheckoutError::not_found("resource_not_found").into_response();
        let id = header(&response);
        assert_eq!(body_json(response).await["request_id"], Value::from(id));
        let response = CheckoutError::unauthorized().into_response();
        assert!(response.headers().contains_key(REQUEST_ID_HEADER));
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        assert!(bytes.is_empty());
    }

    #[tokio::test]
    async fn the_store_is_settled_before_and_drained_after() {
        let app = App::new(
            Config::load(None).unwrap(),
            "http://sim".into(),
            Arc::new(DeterministicMatcher),
        );
        let account = app
            .tenant()
            .checkout
            .lock()
            .account("sk_sbox_facesimsandboxsecretkeyaaaa")
            .unwrap();
        let fa = with_store(&app, |store, now| {
            let applicant = store
                .create_applicant(account, Default::default(), now)
                .id
                .clone();
            let req = request::NewFaceAuthentication {
                applicant_id: Ok(applicant),
                user_journey_id: Ok("usj_t5bdzsdmi57ehhkrnmp5omjimu".into()),
            };
            let fa = store.create_face_authentication(account, req, now).unwrap();
            let fa = fa.id.clone();
            let attempt = request::NewAttempt {
                redirect_url: "https://x.example/".into(),
                client_information: None,
                phone_number: None,
            };
            store.create_attempt(account, &fa, attempt, now).unwrap();
            assert!(store.has_events());
            fa
        });
        assert!(!app.tenant().checkout.lock().has_events(), "published");
        app.clock().advance(Duration::seconds(900));
        settle_due(&app);
        let tenant = app.tenant();
        let store = tenant.checkout.lock();
        assert_eq!(
            store.face_authentication(account, &fa).unwrap().status,
            super::super::model::FaceAuthenticationStatus::RetryRequired,
            "the link expired without a request"
        );
        assert!(!store.has_events());
        assert_eq!(store.next_due(), None);
    }
}
