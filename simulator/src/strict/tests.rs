use super::*;
use crate::config::Config;
use crate::media::DeterministicMatcher;
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use facesim_schemas::Problem;
use serde_json::{json, Value};
use std::io::Write;
use tower::ServiceExt;

const JSON: Option<&str> = Some("application/json");
const ENROLLMENT: &str = "/truora/validations/v1/enrollments/ENR0123456789abcdef0123456789abcdef";

fn enrollment() -> Value {
    json!({
        "enrollment_id": "ENR0123456789abcdef0123456789abcdef",
        "account_id": "acc-1",
        "validation_type": "face-recognition",
        "status": "pending",
        "reason": "waiting_file_upload",
        "file_upload_link": "http://127.0.0.1:7700/truora/validations/v1/uploads/UPL1?Expires=1&Signature=x",
        "creation_date": "2026-01-02T03:04:05.123456789Z",
        "update_date": "2026-01-02T03:04:05.123456789Z"
    })
}

fn check_json(path: &str, status: u16, body: &Value) -> Verdict {
    check("GET", path, status, JSON, Some(body.to_string().as_bytes()))
}

#[test]
fn a_documented_answer_conforms() {
    let verdict = check_json(ENROLLMENT, 200, &enrollment());
    assert!(
        matches!(&verdict, Verdict::Conforms(op) if op == "GET /v1/enrollments/{enrollment_id}"),
        "{verdict:?}"
    );
}

#[test]
fn a_mutated_body_breaks_the_contract() {
    let mut body = enrollment();
    body["status"] = json!("approved");
    let Verdict::Breaks(violation) = check_json(ENROLLMENT, 200, &body) else {
        panic!("a wrong status value must be caught");
    };
    let Problem::Schema { schema, errors } = &violation.problem else {
        panic!("{violation}");
    };
    assert_eq!(schema, "enrollment");
    assert!(
        errors.iter().any(|e| e.instance_path == "/status"),
        "{violation}"
    );

    body.as_object_mut().unwrap().remove("account_id");
    let text = match check_json(ENROLLMENT, 200, &body) {
        Verdict::Breaks(violation) => violation.to_string(),
        other => panic!("{other:?}"),
    };
    assert!(
        text.contains("\"account_id\" is a required property"),
        "{text}"
    );
}

#[test]
fn status_and_content_type_are_checked_without_a_body() {
    let verdict = check("GET", ENROLLMENT, 200, Some("text/html"), None);
    assert!(
        matches!(&verdict, Verdict::Breaks(v) if matches!(v.problem, Problem::ContentType { .. })),
        "{verdict:?}"
    );
    let envelope = json!({"code": 10418, "http_code": 418, "message": "teapot"});
    let verdict = check_json(ENROLLMENT, 418, &envelope);
    assert!(
        matches!(&verdict, Verdict::Breaks(v) if matches!(v.problem, Problem::UndocumentedStatus { .. })),
        "{verdict:?}"
    );
}

#[test]
fn undocumented_operations_and_other_prefixes_are_skipped() {
    let not_found = json!({"code": 10404, "http_code": 404, "message": "No endpoint"});
    for (method, path) in [
        ("GET", "/truora/validations/v1/nothing"),
        ("GET", "/truora/validations"),
        ("PATCH", "/truora/validations/v1/enrollments"),
        ("GET", "/_facesim/nothing"),
        ("GET", "/_facesimX/clock"),
        ("GET", "/truora/validationsX/v1/enrollments/ENR1"),
    ] {
        let verdict = check(
            method,
            path,
            404,
            JSON,
            Some(not_found.to_string().as_bytes()),
        );
        assert!(
            matches!(verdict, Verdict::Skipped(_)),
            "{method} {path}: {verdict:?}"
        );
    }
    let verdict = check("GET", ENROLLMENT, 200, JSON, None);
    assert!(
        matches!(&verdict, Verdict::Skipped(why) if why.contains("larger")),
        "{verdict:?}"
    );
}

#[test]
fn the_log_keeps_counts_and_the_most_recent_violations() {
    let log = StrictLog::default();
    log.conforming();
    let Verdict::Breaks(violation) = check_json(ENROLLMENT, 200, &json!({})) else {
        panic!("an empty body breaks the enrollment schema");
    };
    for i in 0..KEPT_VIOLATIONS + 5 {
        log.violation(Recorded {
            method: "GET".into(),
            path: format!("/p/{i}"),
            status: 200,
            violation: violation.clone(),
        });
    }
    assert_eq!(log.violation_count(), KEPT_VIOLATIONS + 5);
    assert_eq!(log.checked(), KEPT_VIOLATIONS + 6);
    let recent = log.violations();
    assert_eq!(recent.len(), KEPT_VIOLATIONS);
    assert_eq!(recent[0].path, "/p/5");
    assert_eq!(
        recent.last().unwrap().path,
        format!("/p/{}", KEPT_VIOLATIONS + 4)
    );
}

/// A `tracing` writer that keeps everything written.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A router that answers broken enrollments, a valid one and a file, behind the strict layer.
fn strict_router(app: Arc<App>) -> Router {
    let broken = || async {
        let mut body = enrollment();
        body["status"] = json!("approved");
        Json(body)
    };
    let valid = || async { Json(enrollment()) };
    let picture = || async {
        let mut response = b"\x89PNG....".to_vec().into_response();
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("image/png"));
        response
    };
    Router::new()
        .route("/truora/validations/v1/enrollments/{id}", get(broken))
        .route("/truora/validations/v1/enrollments", post(valid))
        .route("/truora/validations/v1/validations/{id}", get(valid))
        .route("/truora/validations/v1/files/{id}", get(picture))
        .layer(middleware::from_fn_with_state(app.clone(), check_answers))
        .with_state(app)
}

async fn call(router: &Router, path: &str) -> (StatusCode, Option<HeaderValue>, Vec<u8>) {
    send(router, Request::get(path)).await
}

async fn send(
    router: &Router,
    request: axum::http::request::Builder,
) -> (StatusCode, Option<HeaderValue>, Vec<u8>) {
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response.headers().get(CONTENT_TYPE).cloned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, bytes.to_vec())
}

#[tokio::test]
async fn the_layer_logs_and_records_a_breach_and_sends_the_answer_unchanged() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = Arc::new(App::new(
        Config::load(None).unwrap(),
        "http://127.0.0.1:7700".into(),
        Arc::new(DeterministicMatcher),
    ));
    let router = strict_router(app.clone());

    let (status, content_type, bytes) = call(&router, ENROLLMENT).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.unwrap(), "application/json");
    let mut expected = enrollment();
    expected["status"] = json!("approved");
    assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap(), expected);
    assert_eq!(app.strict.violation_count(), 1);
    let recorded = &app.strict.violations()[0];
    assert_eq!(
        (
            recorded.method.as_str(),
            recorded.path.as_str(),
            recorded.status
        ),
        ("GET", ENROLLMENT, 200)
    );
    assert!(matches!(recorded.violation.problem, Problem::Schema { .. }));

    // A conforming answer is counted; an undocumented path is not checked; a file answer
    // goes out unchanged. The validation route answers an enrollment: a breach too, which
    // shows that the operation's own schema is used.
    let (status, _, _) = send(&router, Request::post("/truora/validations/v1/enrollments")).await;
    assert_eq!(status, 200);
    assert_eq!(app.strict.checked(), 2);
    let (status, _, _) = call(&router, "/truora/validations/v1/unknown").await;
    assert_eq!(status, 404);
    assert_eq!(app.strict.checked(), 2);
    let (_, content_type, bytes) = call(&router, "/truora/validations/v1/files/FIL1").await;
    assert_eq!(content_type.unwrap(), "image/png");
    assert_eq!(bytes, b"\x89PNG....");
    assert_eq!(app.strict.violation_count(), 1);
    call(&router, "/truora/validations/v1/validations/VLD1").await;
    assert_eq!(app.strict.violation_count(), 2);

    let text = String::from_utf8(log.0.lock().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("ERROR") && l.contains(ENROLLMENT))
        .unwrap_or_else(|| panic!("no error line for the enrollment: {text}"));
    assert!(line.contains("method=GET"), "{line}");
    assert!(line.contains("status=200"), "{line}");
    assert!(line.contains(&recorded.violation.to_string()), "{line}");
    assert!(
        text.lines()
            .any(|l| l.contains("DEBUG") && l.contains("/v1/unknown") && l.contains("not checked")),
        "{text}"
    );
}
