//! The capture page an attempt's `_links.verification_url` points at (`{root}/checkout/hosted`):
//! the applicant opens it, then sends a selfie or picks an outcome, and is sent back to the
//! attempt's `redirect_url`. Plain HTML forms, no script; `page` renders, `form` reads what the
//! forms send, and this module is the HTTP adapter around the engine.

mod form;
mod page;

use super::engine::{ActError, HostedAttempt, SessionInfo, Store};
use super::http::with_store;
use super::model::{AttemptStatus, CaptureAction, ResponseCode};
use super::preanalyzed::Preanalyzed;
use super::views::PREFIX;
use crate::body::{describe_size, media_type, read_limited, BodyError};
use crate::media::Matcher;
use crate::state::{App, ClientAddr};
use axum::body::Body;
use axum::extract::{RawPathParams, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use form::SelfieFormError;
use page::{PageAttempt, Urls};
use std::sync::Arc;

/// Where the capture pages are served, below the Checkout prefix.
pub const PATH: &str = "/hosted";

/// Room for the multipart framing around the selfie: boundaries, part headers, other fields.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The routes under `{root}/checkout/hosted`.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/{token}", get(open))
        .route("/{token}/selfie", post(selfie))
        .route("/{token}/outcome", post(outcome))
        .fallback(|| async { page::not_found() })
        .method_not_allowed_fallback(|method: Method| async move {
            page::method_not_allowed(method.as_str())
        })
}

/// The verification URL of a token and the URLs of its forms, naming the namespace of the
/// request (if named) so the browser's next requests stay in it.
fn urls(public_url: &str, token: &str, namespace: Option<&str>) -> Urls {
    let page = format!("{public_url}{PREFIX}{PATH}/{token}");
    let tag = |url: String| crate::namespace::tag_link(url, namespace);
    Urls {
        selfie: tag(format!("{page}/selfie")),
        outcome: tag(format!("{page}/outcome")),
        page: tag(page),
    }
}

/// The `{token}` of the route, as sent (percent-encoding kept, so any byte sequence is simply
/// an unknown token).
fn token(params: &RawPathParams) -> String {
    params
        .iter()
        .find(|(name, _)| *name == "token")
        .map(|(_, value)| value.to_string())
        .unwrap_or_default()
}

/// Who is on the page: the first `X-Forwarded-For` entry when it is an IP address, else the
/// peer's address; and the browser's `User-Agent`.
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
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    SessionInfo {
        ip_address,
        user_agent,
    }
}

fn page_attempt(hosted: &HostedAttempt, status: AttemptStatus) -> PageAttempt {
    PageAttempt {
        attempt_id: hosted.attempt_id.clone(),
        face_authentication_id: hosted.face_authentication_id.clone(),
        redirect_url: hosted.redirect_url.clone(),
        applicant_name: hosted.applicant_name.clone(),
        status,
    }
}

/// Whether the attempt ended with `64001 forcibly_closed` (replaced or closed).
fn forcibly_closed(store: &Store, attempt_id: &str) -> bool {
    store
        .any_attempt(attempt_id)
        .is_some_and(|a| a.response_codes.contains(&ResponseCode::FORCIBLY_CLOSED))
}

/// The page for an attempt as it stands, without acting on it.
fn current_page(store: &Store, hosted: &HostedAttempt, urls: &Urls) -> Response {
    let view = page_attempt(hosted, hosted.status);
    match hosted.status {
        AttemptStatus::PendingRedirection | AttemptStatus::CaptureInProgress => {
            page::capture(&view, urls, StatusCode::OK, None).into_response()
        }
        AttemptStatus::Expired | AttemptStatus::CaptureAborted
            if forcibly_closed(store, &hosted.attempt_id) =>
        {
            page::closed(&view).into_response()
        }
        AttemptStatus::Expired => page::expired(&view).into_response(),
        _ => page::finished(&view).into_response(),
    }
}

/// `GET /hosted/{token}`: the applicant opens the link. The capture starts (and, for a sandbox
/// applicant, completes at once); opening it again counts another session. `HEAD` only looks.
async fn open(
    State(app): State<Arc<App>>,
    method: Method,
    params: RawPathParams,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
) -> Response {
    let token = token(&params);
    let urls = urls(&app.public_url, &token, app.tenant().name.as_deref());
    let session = session(&headers, addr);
    with_store(&app, |store, now| {
        let Some(hosted) = store.hosted_attempt(&token, now) else {
            return page::unknown_link().into_response();
        };
        let open = matches!(
            hosted.status,
            AttemptStatus::PendingRedirection | AttemptStatus::CaptureInProgress
        );
        if method != Method::GET || !open {
            return current_page(store, &hosted, &urls);
        }
        let was_pending = hosted.status == AttemptStatus::PendingRedirection;
        match store.act(
            &hosted.attempt_id,
            CaptureAction::Open,
            &session,
            app.matcher.as_ref(),
            now,
        ) {
            Ok(attempt) if attempt.status == AttemptStatus::CaptureInProgress => page::capture(
                &page_attempt(&hosted, attempt.status),
                &urls,
                StatusCode::OK,
                None,
            )
            .into_response(),
            Ok(attempt) if was_pending => {
                page::completed_on_open(&page_attempt(&hosted, attempt.status)).into_response()
            }
            Ok(attempt) => page::finished(&page_attempt(&hosted, attempt.status)).into_response(),
            Err(error) => act_failed(&hosted, &urls, error),
        }
    })
}

/// The page for an action the engine refused.
fn act_failed(hosted: &HostedAttempt, urls: &Urls, error: ActError) -> Response {
    let view = page_attempt(hosted, hosted.status);
    match error {
        ActError::UnknownAttempt(_) => page::unknown_link().into_response(),
        ActError::NotAllowed { action, status } => {
            page::conflict(&page_attempt(hosted, status), &describe(action)).into_response()
        }
        ActError::UnusableSelfie(why) => page::capture(
            &view,
            urls,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&unusable_sentence(&why)),
        )
        .into_response(),
        error @ ActError::WrongCode { .. } => {
            page::invalid_outcome(&view, urls, &capitalised(&error.to_string())).into_response()
        }
    }
}

/// A capture action as a verb phrase: "send a selfie".
fn describe(action: &str) -> String {
    match action {
        "open" => "open this page".into(),
        "selfie" => "send a selfie".into(),
        "inconclusive" => "end it as inconclusive".into(),
        "refuse" => "refuse".into(),
        other => format!("{other} it"),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn unusable_sentence(why: &str) -> String {
    format!("This file cannot be used as a selfie: {why}. Choose a picture of your face.")
}

/// What a request for a page that needs an attempt found.
enum Lookup {
    Found(Box<HostedAttempt>),
    Answered(Response),
}

/// The attempt behind `token`, or the 404 page.
fn find(app: &App, token: &str) -> Lookup {
    match with_store(app, |store, now| store.hosted_attempt(token, now)) {
        Some(hosted) => Lookup::Found(Box::new(hosted)),
        None => Lookup::Answered(page::unknown_link().into_response()),
    }
}

/// The page for a body that could not be read; `limit` is the largest accepted content.
fn body_failed(hosted: &HostedAttempt, urls: &Urls, limit: u64, error: BodyError) -> Response {
    let view = page_attempt(hosted, hosted.status);
    match error {
        BodyError::TooLarge { .. } => {
            page::too_large(&view, urls, &describe_size(limit)).into_response()
        }
        BodyError::Timeout => page::unreadable(
            StatusCode::REQUEST_TIMEOUT,
            &view,
            urls,
            "The form did not arrive in time.",
        )
        .into_response(),
        BodyError::Broken(_) => page::unreadable(
            StatusCode::BAD_REQUEST,
            &view,
            urls,
            "The form arrived incomplete.",
        )
        .into_response(),
    }
}

/// Applies a capture action from the page, judged by `matcher`, and answers 303 to
/// `redirect_url`, or the page that says why not.
fn act_and_redirect(
    app: &App,
    token: &str,
    urls: &Urls,
    (action, matcher): (CaptureAction, &dyn Matcher),
    session: &SessionInfo,
) -> Response {
    with_store(app, |store, now| {
        let Some(hosted) = store.hosted_attempt(token, now) else {
            return page::unknown_link().into_response();
        };
        match store.act(&hosted.attempt_id, action, session, matcher, now) {
            Ok(attempt) => {
                let view = page_attempt(&hosted, attempt.status);
                page::see_other(&view).unwrap_or_else(|| page::finished(&view).into_response())
            }
            Err(error) => act_failed(&hosted, urls, error),
        }
    })
}

/// `POST /hosted/{token}/selfie`: the selfie form (`multipart/form-data`, field `selfie`).
async fn selfie(
    State(app): State<Arc<App>>,
    params: RawPathParams,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let token = token(&params);
    let urls = urls(&app.public_url, &token, app.tenant().name.as_deref());
    let hosted = match find(&app, &token) {
        Lookup::Found(hosted) => hosted,
        Lookup::Answered(response) => return response,
    };
    let limit = app.config.server.max_media_body_bytes;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if media_type(&headers).as_deref() != Some("multipart/form-data") {
        return not_multipart(&hosted, &urls);
    }
    let bytes = match read_limited(
        &headers,
        body,
        limit.saturating_add(MULTIPART_OVERHEAD),
        app.body_timeout(),
    )
    .await
    {
        Ok(bytes) => bytes,
        Err(error) => return body_failed(&hosted, &urls, limit, error),
    };
    let view = page_attempt(&hosted, hosted.status);
    let file = match form::selfie_file(content_type.as_deref(), bytes, limit).await {
        Ok(file) => file,
        Err(SelfieFormError::TooLarge) => {
            return body_failed(&hosted, &urls, limit, BodyError::TooLarge { limit })
        }
        Err(SelfieFormError::NotMultipart) => return not_multipart(&hosted, &urls),
        Err(SelfieFormError::Malformed(_)) => {
            return body_failed(&hosted, &urls, limit, BodyError::Broken(String::new()))
        }
        Err(SelfieFormError::NoFile) => {
            if !matches!(
                hosted.status,
                AttemptStatus::PendingRedirection | AttemptStatus::CaptureInProgress
            ) {
                return page::conflict(&view, &describe("selfie")).into_response();
            }
            return page::capture(
                &view,
                &urls,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&unusable_sentence(
                    "no file was chosen, or the file is empty",
                )),
            )
            .into_response();
        }
    };
    let session = session(&headers, addr);
    // The picture is decoded off the async workers, before the store is locked.
    let matcher = Preanalyzed::picture(app.matcher.clone(), file.clone()).await;
    act_and_redirect(
        &app,
        &token,
        &urls,
        (CaptureAction::Selfie(file), &matcher),
        &session,
    )
}

fn not_multipart(hosted: &HostedAttempt, urls: &Urls) -> Response {
    page::unreadable(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        &page_attempt(hosted, hosted.status),
        urls,
        "The selfie must be sent as multipart/form-data, as the page's form does.",
    )
    .into_response()
}

/// `POST /hosted/{token}/outcome`: the outcome buttons (URL-encoded `outcome` and `code`).
async fn outcome(
    State(app): State<Arc<App>>,
    params: RawPathParams,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let token = token(&params);
    let urls = urls(&app.public_url, &token, app.tenant().name.as_deref());
    let hosted = match find(&app, &token) {
        Lookup::Found(hosted) => hosted,
        Lookup::Answered(response) => return response,
    };
    let view = page_attempt(&hosted, hosted.status);
    if media_type(&headers).as_deref() != Some("application/x-www-form-urlencoded") {
        return page::unreadable(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &view,
            &urls,
            "The outcome must be sent as application/x-www-form-urlencoded, as the page's buttons do.",
        )
        .into_response();
    }
    let limit = app.config.server.max_form_body_bytes;
    let bytes = match read_limited(&headers, body, limit, app.body_timeout()).await {
        Ok(bytes) => bytes,
        Err(error) => return body_failed(&hosted, &urls, limit, error),
    };
    let action = match form::outcome_action(&bytes) {
        Ok(action) => action,
        Err(problem) => return page::invalid_outcome(&view, &urls, &problem).into_response(),
    };
    let session = session(&headers, addr);
    act_and_redirect(
        &app,
        &token,
        &urls,
        (action, app.matcher.as_ref()),
        &session,
    )
}
