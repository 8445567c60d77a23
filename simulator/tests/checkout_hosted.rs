//! The Checkout.com capture page (`_links.verification_url`) over real sockets: opening it,
//! the selfie form, the outcome buttons, the sandbox convention and the pages of ended links.

mod common;

use common::*;
use reqwest::header::{CACHE_CONTROL, LOCATION, USER_AGENT};
use reqwest::redirect::Policy;
use reqwest::Method;
use serde_json::{json, Value};

/// Where the attempts send the applicant back.
const BACK: &str = REDIRECT;
/// A desktop browser.
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

/// A simulator with a client that does not follow redirects.
struct Page {
    sim: Sim,
    browser: reqwest::Client,
}

/// One attempt, created through the API.
struct Attempt {
    applicant_id: String,
    fa_id: String,
    id: String,
    url: String,
}

impl Page {
    async fn start() -> Page {
        Page::with(Sim::start().await)
    }

    fn with(sim: Sim) -> Page {
        let browser = reqwest::Client::builder()
            .no_proxy()
            .redirect(Policy::none())
            .build()
            .expect("client");
        Page { sim, browser }
    }

    /// A new attempt of a face authentication, back to `back`.
    async fn new_attempt(&self, fa_id: &str, back: &str) -> Value {
        let body = json!({ "redirect_url": back });
        let path = format!("/face-authentications/{fa_id}/attempts");
        self.sim
            .cko(Method::POST, &path, Some(CKO_KEY), Some(&body))
            .await
            .cko_ok(201)
    }

    /// An applicant with these fields, a face authentication and an attempt back to `back`.
    async fn attempt_for(&self, applicant: Value, back: &str) -> Attempt {
        let applicant = self.sim.cko_applicant_with(CKO_KEY, applicant).await;
        let applicant_id = str_at(&applicant, "/id").to_string();
        let fa = self
            .sim
            .cko_face_authentication(CKO_KEY, &applicant_id)
            .await;
        let fa_id = str_at(&fa, "/id").to_string();
        let attempt = self.new_attempt(&fa_id, back).await;
        assert_eq!(status_of(&attempt), "pending_redirection", "{attempt}");
        Attempt {
            applicant_id,
            fa_id,
            id: str_at(&attempt, "/id").to_string(),
            url: str_at(&attempt, "/_links/verification_url/href").to_string(),
        }
    }

    /// An attempt of a named applicant, back to [`BACK`].
    async fn attempt(&self) -> Attempt {
        self.attempt_for(json!({"external_applicant_name": "Ada Lovelace"}), BACK)
            .await
    }

    async fn attempt_body(&self, a: &Attempt) -> Value {
        let path = format!("/face-authentications/{}/attempts/{}", a.fa_id, a.id);
        self.sim.cko_get(&path).await.cko_ok(200)
    }

    /// The attempt's and the face authentication's status and codes.
    async fn outcome(&self, a: &Attempt) -> (String, Vec<u64>, String, Vec<u64>) {
        let attempt = self.attempt_body(a).await;
        let fa = self.sim.cko_fa(CKO_KEY, &a.fa_id).await;
        (
            status_of(&attempt).to_string(),
            codes_of(&attempt),
            status_of(&fa).to_string(),
            codes_of(&fa),
        )
    }

    async fn set_reference(&self, a: &Attempt, picture: Vec<u8>) {
        let url = self.sim.url(&format!(
            "/_facesim/checkout/applicants/{}/reference",
            a.applicant_id
        ));
        let reply = self
            .sim
            .send(
                self.sim
                    .http
                    .put(url)
                    .header("Content-Type", "image/png")
                    .body(picture),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
    }

    /// Opens a capture page as a browser would.
    async fn open(&self, url: &str) -> Reply {
        self.sim
            .send(
                self.browser
                    .get(url)
                    .header(USER_AGENT, BROWSER)
                    .header("X-Forwarded-For", "203.0.113.7, 10.0.0.1"),
            )
            .await
    }

    /// Sends the selfie form with `file` as the `selfie` field.
    async fn send_selfie(&self, a: &Attempt, file: &[u8]) -> Reply {
        let (content_type, body) = multipart("selfie", "selfie.jpg", file);
        self.sim
            .send(
                self.browser
                    .post(format!("{}/selfie", a.url))
                    .header(USER_AGENT, BROWSER)
                    .header("Content-Type", content_type)
                    .body(body),
            )
            .await
    }

    /// Sends the outcome form.
    async fn choose(&self, a: &Attempt, fields: Fields<'_>) -> Reply {
        self.sim
            .send(
                self.browser
                    .post(format!("{}/outcome", a.url))
                    .header(USER_AGENT, BROWSER)
                    .form(fields),
            )
            .await
    }
}

/// The fields of a form.
type Fields<'a> = &'a [(&'a str, &'a str)];

/// A `multipart/form-data` body with one file field, as a browser builds it.
fn multipart(field: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----facesimFormBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Asserts an HTML page with `status` that contains every needle; answers the HTML.
fn html(reply: &Reply, status: u16, needles: &[&str]) -> String {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.content_type(), "text/html; charset=utf-8");
    assert_eq!(reply.headers[CACHE_CONTROL], "no-store");
    let text = reply.text();
    assert!(
        text.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{text}"
    );
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    text
}

/// Asserts a 303 to [`BACK`].
fn sent_back(reply: &Reply) {
    sent_back_to(reply, BACK);
}

const SELFIE_FORM: &str = r#"<form method="post" enctype="multipart/form-data" action=""#;
const FILE_INPUT: &str =
    r#"<input type="file" id="selfie" name="selfie" accept="image/*" capture="user""#;

#[tokio::test]
async fn opening_the_page_starts_the_capture_and_records_the_session() {
    let p = Page::start().await;
    let a = p.attempt().await;
    assert!(
        a.url.starts_with(&p.sim.url("/checkout/hosted/")),
        "{}",
        a.url
    );

    let head = p.sim.send(p.browser.head(&a.url)).await;
    assert_eq!(head.status, 200);
    assert_eq!(
        str_at(&p.attempt_body(&a).await, "/status"),
        "pending_redirection",
        "HEAD only looks"
    );

    let page = p.open(&a.url).await;
    let text = html(
        &page,
        200,
        &[
            "<title>Take a selfie",
            &format!("{SELFIE_FORM}{}/selfie\">", a.url),
            FILE_INPUT,
            "<label for=\"selfie\">",
            &format!("action=\"{}/outcome\"", a.url),
            "Hello Ada Lovelace.",
        ],
    );
    assert!(!text.contains("<script"), "the page works without scripts");
    assert!(
        page.headers.contains_key("cko-request-id"),
        "{:?}",
        page.headers
    );

    let attempt = p.attempt_body(&a).await;
    assert_eq!(attempt["status"], json!("capture_in_progress"), "{attempt}");
    let session = &attempt["applicant_session_information"];
    assert_eq!(session["ip_address"], json!("203.0.113.7"), "{attempt}");
    assert_eq!(session["user_agent"], json!(BROWSER), "{attempt}");
    assert_eq!(session["number_of_sessions"], json!(1), "{attempt}");
    assert_eq!(
        status_of(&p.sim.cko_fa(CKO_KEY, &a.fa_id).await),
        "capture_in_progress"
    );

    let reopened = p.open(&a.url).await;
    html(&reopened, 200, &[FILE_INPUT]);
    let attempt = p.attempt_body(&a).await;
    assert_eq!(
        attempt["applicant_session_information"]["number_of_sessions"],
        json!(2),
        "{attempt}"
    );
}

#[tokio::test]
async fn a_selfie_of_the_reference_subject_is_approved() {
    let p = Page::start().await;
    let a = p.attempt().await;
    p.set_reference(&a, fixture("alice-reference.png")).await;
    p.open(&a.url).await;

    sent_back(&p.send_selfie(&a, &fixture("alice-selfie.jpg")).await);
    let (status, _, fa_status, _) = p.outcome(&a).await;
    assert_eq!(
        (status.as_str(), fa_status.as_str()),
        ("checks_in_progress", "checks_in_progress")
    );

    p.sim.advance(2.0).await;
    assert_eq!(
        p.outcome(&a).await,
        (
            "completed".into(),
            vec![10000],
            "approved".into(),
            vec![10000]
        )
    );
    let finished = p.open(&a.url).await;
    html(
        &finished,
        200,
        &[
            "<h1>This verification is finished</h1>",
            &format!("href=\"{BACK}\""),
        ],
    );
}

#[tokio::test]
async fn a_selfie_of_another_subject_is_declined_as_a_mismatch() {
    let p = Page::start().await;
    let a = p.attempt().await;
    p.set_reference(&a, fixture("alice-reference.png")).await;
    p.open(&a.url).await;

    sent_back(&p.send_selfie(&a, &fixture("bob-selfie.jpg")).await);
    p.sim.advance(2.0).await;
    assert_eq!(
        p.outcome(&a).await,
        (
            "completed".into(),
            vec![62321],
            "declined".into(),
            vec![62321]
        )
    );
}

#[tokio::test]
async fn an_unusable_upload_shows_the_form_again_and_changes_nothing() {
    let p = Page::start().await;
    let a = p.attempt().await;
    p.open(&a.url).await;

    for (file, reason) in [
        (fixture("corrupt.png"), "corrupt"),
        (fixture("not-media.txt"), "the file is not a picture"),
        (Vec::new(), "no file was chosen"),
    ] {
        let reply = p.send_selfie(&a, &file).await;
        html(
            &reply,
            422,
            &[
                "role=\"alert\"",
                "This file cannot be used as a selfie",
                reason,
                "aria-invalid=\"true\"",
                SELFIE_FORM,
                FILE_INPUT,
            ],
        );
        let attempt = p.attempt_body(&a).await;
        assert_eq!(attempt["status"], json!("capture_in_progress"), "{attempt}");
        assert_eq!(attempt["response_codes"], json!([]), "{attempt}");
    }

    let not_a_form = p
        .sim
        .send(
            p.browser
                .post(format!("{}/selfie", a.url))
                .header("Content-Type", "image/jpeg")
                .body(fixture("alice-selfie.jpg")),
        )
        .await;
    html(&not_a_form, 415, &["multipart/form-data"]);
    assert_eq!(
        str_at(&p.attempt_body(&a).await, "/status"),
        "capture_in_progress"
    );
}

#[tokio::test]
async fn a_selfie_over_the_media_limit_is_refused_with_413() {
    let p = Page::with(Sim::configured(|c| c.server.max_media_body_bytes = 2048).await);
    let a = p.attempt().await;
    p.open(&a.url).await;

    let picture = fixture("alice-selfie.jpg");
    assert!(picture.len() > 2048, "the picture is larger than the limit");
    let body_far_over = junk(200 * 1024);
    for file in [picture, body_far_over] {
        html(
            &p.send_selfie(&a, &file).await,
            413,
            &["The picture is too large", "2048 bytes"],
        );
        assert_eq!(
            str_at(&p.attempt_body(&a).await, "/status"),
            "capture_in_progress"
        );
    }
}

#[tokio::test]
async fn each_outcome_button_ends_the_attempt_its_way() {
    let p = Page::start().await;
    let cases: [(Fields, &str, u64, &str); 6] = [
        (&[("outcome", "approve")], "completed", 10000, "approved"),
        (
            &[("outcome", "decline"), ("code", "62405")],
            "completed",
            62405,
            "declined",
        ),
        (&[("outcome", "decline")], "completed", 62304, "declined"),
        (
            &[("outcome", "abort"), ("code", "61203")],
            "capture_aborted",
            61203,
            "retry_required",
        ),
        (
            &[("outcome", "inconclusive"), ("code", "61412")],
            "checks_inconclusive",
            61412,
            "retry_required",
        ),
        (
            &[("outcome", "refuse")],
            "capture_refused",
            63001,
            "refused",
        ),
    ];
    for (fields, status, code, fa_status) in cases {
        let a = p.attempt().await;
        p.open(&a.url).await;
        sent_back(&p.choose(&a, fields).await);
        p.sim.advance(2.0).await;
        assert_eq!(
            p.outcome(&a).await,
            (status.into(), vec![code], fa_status.into(), vec![code]),
            "{fields:?}"
        );
    }
}

#[tokio::test]
async fn invalid_outcomes_are_422_and_impossible_ones_409() {
    let p = Page::start().await;
    let a = p.attempt().await;
    p.open(&a.url).await;

    html(
        &p.choose(&a, &[("outcome", "accept")]).await,
        422,
        &["approve, decline, abort, inconclusive, refuse"],
    );
    html(
        &p.choose(&a, &[("outcome", "decline"), ("code", "61121")])
            .await,
        422,
        &["62304, 62305, 62306, 62307, 62321, 62401, 62402, 62403, 62405"],
    );
    html(
        &p.choose(&a, &[("outcome", "abort"), ("code", "62304")])
            .await,
        422,
        &["61101, 61111"],
    );
    let not_urlencoded = p
        .sim
        .send(
            p.browser
                .post(format!("{}/outcome", a.url))
                .header("Content-Type", "text/plain")
                .body("outcome=approve"),
        )
        .await;
    html(&not_urlencoded, 415, &["application/x-www-form-urlencoded"]);
    assert_eq!(
        str_at(&p.attempt_body(&a).await, "/status"),
        "capture_in_progress"
    );

    sent_back(&p.choose(&a, &[("outcome", "refuse")]).await);
    html(
        &p.choose(&a, &[("outcome", "approve")]).await,
        409,
        &["The attempt is capture_refused, so you cannot approve it now."],
    );
    html(
        &p.send_selfie(&a, &fixture("alice-selfie.jpg")).await,
        409,
        &["The attempt is capture_refused, so you cannot send a selfie now."],
    );
}

#[tokio::test]
async fn a_sandbox_applicant_completes_on_opening() {
    let p = Page::start().await;
    let back = "https://shop.example/sandbox";
    let a = p
        .attempt_for(
            json!({"external_applicant_id": "eaplt_62304000000000000000000000"}),
            back,
        )
        .await;

    let page = p.open(&a.url).await;
    let text = html(
        &page,
        200,
        &[
            "<h1>Your capture is complete</h1>",
            "<meta http-equiv=\"refresh\" content=\"2; url=https://shop.example/sandbox\">",
            "<a class=\"button\" href=\"https://shop.example/sandbox\">Continue</a>",
        ],
    );
    assert!(!text.contains(FILE_INPUT), "nothing left to capture");
    assert_eq!(
        str_at(&p.attempt_body(&a).await, "/status"),
        "checks_in_progress"
    );
    p.sim.advance(2.0).await;
    assert_eq!(
        p.outcome(&a).await,
        (
            "completed".into(),
            vec![62304],
            "declined".into(),
            vec![62304]
        )
    );
}

#[tokio::test]
async fn ended_and_unknown_links_say_so() {
    let p = Page::start().await;

    let never_opened = p.attempt().await;
    p.sim.advance(16.0 * 60.0).await;
    let expired = p.open(&never_opened.url).await;
    html(&expired, 410, &["<h1>This link has expired</h1>"]);
    assert_eq!(
        p.outcome(&never_opened).await,
        (
            "expired".into(),
            vec![61101],
            "retry_required".into(),
            vec![61101]
        )
    );
    html(
        &p.choose(&never_opened, &[("outcome", "approve")]).await,
        409,
        &["The attempt is expired"],
    );

    let replaced = p.attempt().await;
    p.open(&replaced.url).await;
    p.new_attempt(&replaced.fa_id, BACK).await;
    html(
        &p.open(&replaced.url).await,
        410,
        &["<h1>This verification was closed</h1>"],
    );

    let unknown = p.open(&p.sim.url("/checkout/hosted/nosuchtoken")).await;
    html(&unknown, 404, &["<h1>This link is not valid</h1>"]);
    let unknown_post = p
        .send_selfie(
            &Attempt {
                applicant_id: String::new(),
                fa_id: String::new(),
                id: String::new(),
                url: p.sim.url("/checkout/hosted/nosuchtoken"),
            },
            b"x",
        )
        .await;
    html(&unknown_post, 404, &["<h1>This link is not valid</h1>"]);
    let elsewhere = p.open(&format!("{}/elsewhere", never_opened.url)).await;
    html(&elsewhere, 404, &["<h1>Page not found</h1>"]);
    let wrong_method = p.open(&format!("{}/selfie", never_opened.url)).await;
    html(
        &wrong_method,
        405,
        &["This address does not take GET requests."],
    );
}

#[tokio::test]
async fn what_the_integrator_provided_is_escaped() {
    let p = Page::start().await;
    let back = "https://shop.example/done?next=%3Cscript%3E&a=1&b='x'";
    let a = p
        .attempt_for(
            json!({"external_applicant_name": "<script>alert(\"name\")</script> & Co"}),
            back,
        )
        .await;

    let page = p.open(&a.url).await;
    let text = html(
        &page,
        200,
        &["Hello &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; Co."],
    );
    assert!(!text.contains("<script"), "{text}");

    sent_back_to(&p.choose(&a, &[("outcome", "approve")]).await, back);
    let finished = p.open(&a.url).await;
    html(
        &finished,
        200,
        &["href=\"https://shop.example/done?next=%3Cscript%3E&amp;a=1&amp;b=&#39;x&#39;\""],
    );
}

/// Asserts a 303 to `url`.
fn sent_back_to(reply: &Reply, url: &str) {
    assert_eq!(reply.status, 303, "{}", reply.text());
    assert_eq!(reply.headers[LOCATION], url);
    assert_eq!(reply.headers[CACHE_CONTROL], "no-store");
}
