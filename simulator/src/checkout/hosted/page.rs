//! The HTML of the capture page and of every answer around it, as pure functions.

use crate::checkout::model::{AttemptStatus, CodeFamily, ResponseCode};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

const LAYOUT: &str = include_str!("layout.html");
const CSS: &str = include_str!("page.css");
const CAPTURE: &str = include_str!("capture.html");
const MESSAGE: &str = include_str!("message.html");

/// Seconds a page that sends the applicant back waits before it redirects.
pub const REFRESH_SECONDS: u32 = 2;

/// No script, no external resource: only the inline style sheet.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'";

/// What a page shows of the attempt it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct PageAttempt {
    /// The attempt's ID.
    pub attempt_id: String,
    /// Its face authentication's ID.
    pub face_authentication_id: String,
    /// Where the applicant goes back to.
    pub redirect_url: String,
    /// The applicant's name, when it has one.
    pub applicant_name: Option<String>,
    /// The attempt's status.
    pub status: AttemptStatus,
}

/// Absolute URLs of the capture page and of its forms.
#[derive(Debug, Clone, PartialEq)]
pub struct Urls {
    /// The capture page itself (the verification URL).
    pub page: String,
    /// Where the selfie form posts.
    pub selfie: String,
    /// Where the outcome buttons post.
    pub outcome: String,
}

/// A rendered HTML answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The HTTP status.
    pub status: StatusCode,
    /// The whole document.
    pub html: String,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let headers = [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ];
        (self.status, headers, self.html).into_response()
    }
}

/// Escapes text for HTML content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Replaces each `{{name}}` of `template` with its (already safe) value, in one pass, so a
/// value that contains braces is never expanded again. Unknown names are a programming error.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").expect("a template placeholder is closed");
        let name = &after[..end];
        let value = values
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no value for the placeholder {name}"));
        out.push_str(value.1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A whole document around `main`.
fn document(status: StatusCode, title: &str, main: &str, refresh_to: Option<&str>) -> Page {
    let refresh = refresh_to
        .map(|url| {
            format!(
                "<meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}; url={}\">\n",
                escape(url)
            )
        })
        .unwrap_or_default();
    let html = fill(
        LAYOUT,
        &[
            ("refresh", &refresh),
            ("title", &escape(title)),
            ("css", CSS),
            ("main", main),
        ],
    );
    Page { status, html }
}

/// The redirect URL when it is one a browser may safely be sent to (http or https).
pub fn safe_redirect(attempt: &PageAttempt) -> Option<&str> {
    let url = attempt.redirect_url.as_str();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(url)
}

fn ids(attempt: &PageAttempt) -> String {
    format!(
        "<dl class=\"ids\">\n<dt>Face authentication</dt><dd>{}</dd>\n<dt>Attempt</dt><dd>{}</dd>\n<dt>Status</dt><dd>{}</dd>\n</dl>\n",
        escape(&attempt.face_authentication_id),
        escape(&attempt.attempt_id),
        attempt.status,
    )
}

fn options(family: CodeFamily, selected: ResponseCode) -> String {
    ResponseCode::all_of(family)
        .map(|code| {
            let mark = if code == selected { " selected" } else { "" };
            format!(
                "<option value=\"{0}\"{mark}>{0} {1}</option>\n",
                code.code(),
                code.summary()
            )
        })
        .collect()
}

/// The capture page: the selfie form and the outcome buttons; `error` (a sentence) is shown
/// above them and tied to the file input.
pub fn capture(
    attempt: &PageAttempt,
    urls: &Urls,
    status: StatusCode,
    error: Option<&str>,
) -> Page {
    let greeting = attempt
        .applicant_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|name| format!("<p>Hello {}.</p>\n", escape(name)))
        .unwrap_or_default();
    let error_html = error
        .map(|e| {
            format!(
                "<div class=\"error\" id=\"selfie-error\" role=\"alert\"><p><strong>There is a problem.</strong> {}</p></div>\n",
                escape(e)
            )
        })
        .unwrap_or_default();
    let main = fill(
        CAPTURE,
        &[
            ("greeting", &greeting),
            ("error", &error_html),
            (
                "error_ref",
                if error.is_some() { " selfie-error" } else { "" },
            ),
            (
                "invalid",
                if error.is_some() {
                    " aria-invalid=\"true\""
                } else {
                    ""
                },
            ),
            ("selfie_action", &escape(&urls.selfie)),
            ("outcome_action", &escape(&urls.outcome)),
            (
                "decline_codes",
                &options(CodeFamily::Declined, ResponseCode::FACE_MISMATCH),
            ),
            (
                "abort_codes",
                &options(CodeFamily::RetryRequired, ResponseCode::APPLICANT_DROP),
            ),
            (
                "inconclusive_codes",
                &options(
                    CodeFamily::RetryRequired,
                    ResponseCode::FACE_PARTIALLY_HIDDEN,
                ),
            ),
            ("ids", &ids(attempt)),
        ],
    );
    let title = if error.is_some() {
        "Error: take a selfie"
    } else {
        "Take a selfie"
    };
    document(status, title, &main, None)
}

/// Where a message page's one button leads.
enum Link<'a> {
    /// Back to the integrator's `redirect_url`.
    Back,
    /// To this capture page again.
    Capture(&'a str),
}

/// A page of a heading and sentences, with the attempt's IDs when it is known and an optional
/// button; `refresh` also sends the browser back to `redirect_url` on its own.
fn message(
    status: StatusCode,
    heading: &str,
    sentences: &[&str],
    attempt: Option<&PageAttempt>,
    link: Option<Link<'_>>,
    refresh: bool,
) -> Page {
    let paragraphs: String = sentences
        .iter()
        .map(|s| format!("<p>{}</p>\n", escape(s)))
        .collect();
    let back = attempt.and_then(safe_redirect);
    let target = match link {
        Some(Link::Back) => back.map(|url| (url, "Continue")),
        Some(Link::Capture(url)) => Some((url, "Back to the capture page")),
        None => None,
    };
    let action = target
        .map(|(url, label)| {
            format!(
                "<p><a class=\"button\" href=\"{}\">{label}</a></p>\n",
                escape(url)
            )
        })
        .unwrap_or_default();
    let ids = attempt.map(ids).unwrap_or_default();
    let main = fill(
        MESSAGE,
        &[
            ("heading", &escape(heading)),
            ("paragraphs", &paragraphs),
            ("action", &action),
            ("ids", &ids),
        ],
    );
    document(status, heading, &main, back.filter(|_| refresh))
}

/// What the applicant can do once the attempt is over.
fn next_step(attempt: &PageAttempt, waiting: bool) -> &'static str {
    match (safe_redirect(attempt).is_some(), waiting) {
        (true, true) => "You are being taken back now; if nothing happens, use the button below.",
        (true, false) => "Use the button below to go back.",
        (false, _) => "You can close this page.",
    }
}

/// The capture finished as soon as the page opened (the sandbox convention): say so and send
/// the applicant back.
pub fn completed_on_open(attempt: &PageAttempt) -> Page {
    message(
        StatusCode::OK,
        "Your capture is complete",
        &[
            &format!(
                "This sandbox applicant's outcome was chosen in advance, so the capture completed as soon as you opened this page (the attempt is now {}).",
                attempt.status
            ),
            next_step(attempt, true),
        ],
        Some(attempt),
        Some(Link::Back),
        true,
    )
}

/// The attempt is over (captured, checked, aborted or refused): nothing more to do here.
pub fn finished(attempt: &PageAttempt) -> Page {
    message(
        StatusCode::OK,
        "This verification is finished",
        &[
            &format!(
                "This link was already used: the attempt is {}.",
                attempt.status
            ),
            next_step(attempt, false),
        ],
        Some(attempt),
        Some(Link::Back),
        false,
    )
}

/// The answer to a completed capture: 303 See Other to `redirect_url`, with a link for clients
/// that do not follow it. `None` when the URL cannot be a `Location`.
pub fn see_other(attempt: &PageAttempt) -> Option<Response> {
    let url = safe_redirect(attempt)?;
    let location = HeaderValue::from_str(url).ok()?;
    let mut page = message(
        StatusCode::SEE_OTHER,
        "Your capture is complete",
        &["You are being taken back."],
        Some(attempt),
        Some(Link::Back),
        false,
    )
    .into_response();
    page.headers_mut().insert(header::LOCATION, location);
    Some(page)
}

/// The link expired before it was opened.
pub fn expired(attempt: &PageAttempt) -> Page {
    message(
        StatusCode::GONE,
        "This link has expired",
        &[
            "The link was not opened in time, so it no longer works.",
            "Ask the site that sent you here for a new link.",
        ],
        Some(attempt),
        None,
        false,
    )
}

/// The attempt was closed (replaced by a newer one, or closed by the integrator).
pub fn closed(attempt: &PageAttempt) -> Page {
    message(
        StatusCode::GONE,
        "This verification was closed",
        &[
            "This attempt was closed before it was finished, so the link no longer works.",
            "Ask the site that sent you here for a new link.",
        ],
        Some(attempt),
        None,
        false,
    )
}

/// No attempt has this link.
pub fn unknown_link() -> Page {
    message(
        StatusCode::NOT_FOUND,
        "This link is not valid",
        &[
            "No verification has this link. Check that you copied the whole address, or ask the site that sent you here for a new link.",
        ],
        None,
        None,
        false,
    )
}

/// A path under the capture pages that names nothing.
pub fn not_found() -> Page {
    message(
        StatusCode::NOT_FOUND,
        "Page not found",
        &["There is no page at this address."],
        None,
        None,
        false,
    )
}

/// A method the address does not take.
pub fn method_not_allowed(method: &str) -> Page {
    message(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed",
        &[&format!("This address does not take {method} requests.")],
        None,
        None,
        false,
    )
}

/// The selfie is larger than `limit` (e.g. `10 MB`).
pub fn too_large(attempt: &PageAttempt, urls: &Urls, limit: &str) -> Page {
    message(
        StatusCode::PAYLOAD_TOO_LARGE,
        "The picture is too large",
        &[&format!(
            "The largest picture accepted is {limit}. Choose a smaller picture."
        )],
        Some(attempt),
        Some(Link::Capture(&urls.page)),
        false,
    )
}

/// A form that cannot be read at all (`status`: 400, 408 or 415).
pub fn unreadable(status: StatusCode, attempt: &PageAttempt, urls: &Urls, reason: &str) -> Page {
    message(
        status,
        "The form could not be read",
        &[
            reason,
            "Go back to the capture page and send the form again.",
        ],
        Some(attempt),
        Some(Link::Capture(&urls.page)),
        false,
    )
}

/// Outcome fields that are not valid: `problem` names the allowed values.
pub fn invalid_outcome(attempt: &PageAttempt, urls: &Urls, problem: &str) -> Page {
    message(
        StatusCode::UNPROCESSABLE_ENTITY,
        "The outcome is not valid",
        &[problem, "Go back and use one of the outcome buttons."],
        Some(attempt),
        Some(Link::Capture(&urls.page)),
        false,
    )
}

/// `action` (a verb phrase: "take a selfie") is not possible in the attempt's current state.
pub fn conflict(attempt: &PageAttempt, action: &str) -> Page {
    message(
        StatusCode::CONFLICT,
        "This is no longer possible",
        &[&format!(
            "The attempt is {}, so you cannot {action} now.",
            attempt.status
        )],
        Some(attempt),
        Some(Link::Back),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(status: AttemptStatus) -> PageAttempt {
        PageAttempt {
            attempt_id: "fatp_abc".into(),
            face_authentication_id: "fav_def".into(),
            redirect_url: "https://merchant.example/back?a=1&b=2".into(),
            applicant_name: Some("Ada Lovelace".into()),
            status,
        }
    }

    fn urls() -> Urls {
        Urls {
            page: "http://sim/checkout/hosted/tok".into(),
            selfie: "http://sim/checkout/hosted/tok/selfie".into(),
            outcome: "http://sim/checkout/hosted/tok/outcome".into(),
        }
    }

    const BACK: &str = "https://merchant.example/back?a=1&amp;b=2";

    #[test]
    fn escaping_covers_markup_and_both_quotes() {
        assert_eq!(
            escape(r#"<a href="x" title='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(
            fill("a{{x}}b{{y}}", &[("x", "{{y}}"), ("y", "!")]),
            "a{{y}}b!"
        );
    }

    #[test]
    fn the_capture_page_is_a_complete_accessible_form() {
        let page = capture(
            &attempt(AttemptStatus::CaptureInProgress),
            &urls(),
            StatusCode::OK,
            None,
        );
        let html = &page.html;
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.contains("<title>Take a selfie – Checkout.com Identity Verification</title>"));
        assert!(html.contains(
            r#"<form method="post" enctype="multipart/form-data" action="http://sim/checkout/hosted/tok/selfie">"#
        ));
        assert!(html.contains(
            r#"<input type="file" id="selfie" name="selfie" accept="image/*" capture="user" required aria-describedby="selfie-hint">"#
        ));
        assert!(html.contains(r#"<label for="selfie">"#));
        for outcome in ["approve", "decline", "abort", "inconclusive", "refuse"] {
            assert!(html.contains(&format!(
                r#"<input type="hidden" name="outcome" value="{outcome}">"#
            )));
        }
        for id in ["decline-code", "abort-code", "inconclusive-code"] {
            assert!(html.contains(&format!(r#"<label for="{id}">"#)), "{id}");
            assert!(
                html.contains(&format!(r#"<select id="{id}" name="code">"#)),
                "{id}"
            );
        }
        assert_eq!(
            html.matches(r#"action="http://sim/checkout/hosted/tok/outcome""#)
                .count(),
            5
        );
        assert!(html.contains("<option value=\"62304\" selected>62304 face_mismatch</option>"));
        assert!(html.contains("<option value=\"61121\" selected>61121 applicant_drop</option>"));
        assert!(
            html.contains("<option value=\"61411\" selected>61411 face_partially_hidden</option>")
        );
        assert_eq!(html.matches("<option value=\"62").count(), 9);
        assert_eq!(html.matches("<option value=\"61").count(), 30);
        assert!(!html.contains("63001\""), "refusal has no code to choose");
        assert!(html.contains("Hello Ada Lovelace."));
        assert!(html.contains("<dd>fatp_abc</dd>"));
        assert!(!html.contains("{{"), "every placeholder is filled");
        assert!(!html.contains("<script"));
        assert!(!html.contains("http-equiv=\"refresh\""));
    }

    #[test]
    fn an_error_is_announced_and_tied_to_the_input() {
        let page = capture(
            &attempt(AttemptStatus::CaptureInProgress),
            &urls(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("The file <x> is empty."),
        );
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.html.contains("role=\"alert\""));
        assert!(page.html.contains("The file &lt;x&gt; is empty."));
        assert!(page
            .html
            .contains(r#"aria-describedby="selfie-hint selfie-error" aria-invalid="true">"#));
        assert!(page.html.contains("<title>Error: take a selfie"));
    }

    #[test]
    fn user_provided_text_is_escaped_everywhere() {
        let mut hostile = attempt(AttemptStatus::Completed);
        hostile.applicant_name = Some("<script>alert(1)</script>".into());
        hostile.redirect_url = "https://x.example/\"><script>alert(2)</script>".into();
        let pages = [
            capture(&hostile, &urls(), StatusCode::OK, None),
            completed_on_open(&hostile),
            finished(&hostile),
            conflict(&hostile, "take a selfie"),
        ];
        for page in pages {
            assert!(!page.html.contains("<script"), "{}", page.html);
        }
        let done = completed_on_open(&hostile);
        assert!(done
            .html
            .contains("url=https://x.example/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;\">"));
        assert!(capture(&hostile, &urls(), StatusCode::OK, None)
            .html
            .contains("Hello &lt;script&gt;alert(1)&lt;/script&gt;."));
    }

    #[test]
    fn completion_on_open_redirects_with_a_link_and_a_refresh() {
        let page = completed_on_open(&attempt(AttemptStatus::ChecksInProgress));
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains(&format!(
            "<meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}; url={BACK}\">"
        )));
        assert!(page
            .html
            .contains(&format!("<a class=\"button\" href=\"{BACK}\">Continue</a>")));
        assert!(page.html.contains("checks_in_progress"));
    }

    #[test]
    fn a_completed_capture_is_a_see_other() {
        let response = see_other(&attempt(AttemptStatus::ChecksInProgress)).unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[header::LOCATION],
            "https://merchant.example/back?a=1&b=2"
        );
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let mut odd = attempt(AttemptStatus::ChecksInProgress);
        odd.redirect_url = "https://x.example/\u{7f}".into();
        assert!(see_other(&odd).is_none(), "not a header value");
    }

    #[test]
    fn only_web_redirects_become_links() {
        let mut scripted = attempt(AttemptStatus::Completed);
        scripted.redirect_url = "javascript:alert(1)".into();
        let page = finished(&scripted);
        assert!(!page.html.contains("href="));
        assert!(page.html.contains("You can close this page."));
        assert!(!completed_on_open(&scripted).html.contains("http-equiv"));
        assert!(see_other(&scripted).is_none());
    }

    #[test]
    fn ended_links_have_their_own_statuses() {
        let expired_page = expired(&attempt(AttemptStatus::Expired));
        assert_eq!(expired_page.status, StatusCode::GONE);
        assert!(expired_page.html.contains("<h1>This link has expired</h1>"));
        let closed_page = closed(&attempt(AttemptStatus::CaptureAborted));
        assert_eq!(closed_page.status, StatusCode::GONE);
        assert!(closed_page
            .html
            .contains("<h1>This verification was closed</h1>"));
        let done = finished(&attempt(AttemptStatus::Completed));
        assert_eq!(done.status, StatusCode::OK);
        assert!(done.html.contains(&format!("href=\"{BACK}\"")));
        assert!(!done.html.contains("http-equiv"));
        assert_eq!(unknown_link().status, StatusCode::NOT_FOUND);
        let busy = conflict(&attempt(AttemptStatus::Completed), "take a selfie");
        assert_eq!(busy.status, StatusCode::CONFLICT);
        assert!(busy
            .html
            .contains("The attempt is completed, so you cannot take a selfie now."));
        let invalid = invalid_outcome(
            &attempt(AttemptStatus::CaptureInProgress),
            &urls(),
            "The outcome must be one of approve, decline.",
        );
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(invalid
            .html
            .contains("href=\"http://sim/checkout/hosted/tok\">Back to the capture page</a>"));
    }

    #[test]
    fn answers_are_uncached_html() {
        let response = unknown_link().into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        assert!(headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'none'"));
    }
}
