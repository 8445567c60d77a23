//! The properties against facesim started in-process on a real socket (every one passes), and
//! against servers that answer wrongly on purpose (the property fails, shrinks and prints
//! curl commands that replay the failing exchanges).

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{Response, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use facesim::config::Config;
use facesim::media::DeterministicMatcher;
use facesim::state::App;
use facesim_conformance::fixtures::Fixtures;
use facesim_conformance::outcome::{CaseResult, Status};
use facesim_conformance::properties::{list, run};
use facesim_conformance::target::Target;
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;

const PREFIX: &str = "/truora/validations";
const KEY: &str = "truora-sim-key";

/// Starts facesim on `listener`, writing links under `public` (its own URL, or a proxy's).
fn facesim_on(listener: TcpListener, public: &str) {
    let config = Config::load(None).expect("the embedded configuration");
    let app = Arc::new(App::new(
        config,
        public.to_string(),
        Arc::new(DeterministicMatcher),
    ));
    tokio::spawn(facesim::server::serve(
        listener,
        app,
        std::future::pending(),
    ));
}

/// A listener on a free port and its URL.
async fn listen() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    (listener, url)
}

fn target(root: &str) -> Target {
    let contract = facesim_schemas::contract("truora-validations").expect("the contract");
    Target::new(
        &format!("{root}{PREFIX}"),
        KEY,
        "Truora-API-Key",
        contract,
        None,
    )
}

/// The failure message of the only result, which must be a failure.
fn only_failure(results: &[CaseResult]) -> &str {
    assert_eq!(results.len(), 1, "{results:#?}");
    match &results[0].status {
        Status::Failed { message } => message,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_property_passes_against_facesim() {
    let (listener, root) = listen().await;
    facesim_on(listener, &root);
    let start = Instant::now();
    let results = run(&target(&root), &Fixtures::embedded(), 32, &|_, _| true).await;
    let elapsed = start.elapsed();

    assert_eq!(results.len(), list("truora-validations").count());
    for result in &results {
        eprintln!("{:>6.2} s  {}", result.duration.as_secs_f64(), result.name);
        assert_eq!(result.status, Status::Passed, "{}", result.name);
    }
    eprintln!("{:>6.2} s  in all", elapsed.as_secs_f64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_selected_properties_run() {
    let (listener, root) = listen().await;
    facesim_on(listener, &root);
    let results = run(&target(&root), &Fixtures::embedded(), 4, &|_, tags| {
        tags.contains(&"idempotence")
    })
    .await;
    let names: Vec<&str> = results.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["two GETs in a row answer the same"]);
    assert_eq!(results[0].status, Status::Passed);
}

/// Answers every enrollment request with a pending enrollment that lacks `enrollment_id`.
async fn enrollment_without_id() -> Json<serde_json::Value> {
    Json(json!({
        "account_id": "someone",
        "validation_type": "face-recognition",
        "status": "pending",
        "reason": "waiting_file_upload",
        "file_upload_link": "http://127.0.0.1:9/upload",
        "creation_date": "2024-05-22T23:32:01.272290601Z",
        "update_date": "2024-05-22T23:32:01.272290601Z"
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_missing_a_required_field_fails_with_the_violation_and_curl() {
    let (listener, root) = listen().await;
    let app = Router::new().route(
        &format!("{PREFIX}/v1/enrollments"),
        post(enrollment_without_id),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    let name = "every answer to a generated enrollment request is documented";
    let results = run(&target(&root), &Fixtures::embedded(), 4, &|n, _| n == name).await;
    let message = only_failure(&results);
    assert!(message.contains("POST /v1/enrollments"), "{message}");
    assert!(
        message.contains("enrollment_id"),
        "names the missing field: {message}"
    );
    assert!(
        message.contains(&format!(
            "curl -sS -i -X POST '{root}{PREFIX}/v1/enrollments'"
        )),
        "{message}"
    );
    assert!(
        message.contains("minimal input: EnrollmentRequest"),
        "{message}"
    );
    assert!(message.contains("FACESIM_PROPERTY_SEED="), "{message}");
}

/// Forwards everything to facesim, but answers 200 to every upload facesim refuses with 400.
async fn accepting_proxy(State(upstream): State<Arc<String>>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 64 << 20).await.expect("body");
    let url = format!("{upstream}{}", parts.uri.path_and_query().expect("path"));
    let mut forwarded = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .request(parts.method.clone(), url)
        .body(body);
    for (name, value) in parts.headers.iter().filter(|(n, _)| *n != "host") {
        forwarded = forwarded.header(name, value);
    }
    let answer = forwarded.send().await.expect("facesim answers");
    let status = answer.status();
    let content_type = answer.headers().get("content-type").cloned();
    let bytes = answer.bytes().await.expect("facesim body");
    if parts.method == "PUT" && status == StatusCode::BAD_REQUEST {
        let ack = json!({"code": 10200, "http_code": 200, "message": "The file was uploaded"});
        return Response::new(Body::from(ack.to_string()));
    }
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    if let Some(content_type) = content_type {
        response.headers_mut().insert("content-type", content_type);
    }
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_accepted_against_the_model_fails_with_the_shrunk_sequence() {
    let (facesim_listener, facesim_root) = listen().await;
    let (proxy_listener, proxy_root) = listen().await;
    facesim_on(facesim_listener, &proxy_root);
    let proxy = Router::new()
        .fallback(accepting_proxy)
        .with_state(Arc::new(facesim_root));
    tokio::spawn(async move { axum::serve(proxy_listener, proxy).await });

    let results = run(
        &target(&proxy_root),
        &Fixtures::embedded(),
        64,
        &|_, tags| tags.contains(&"model"),
    )
    .await;
    let message = only_failure(&results);
    let headline = message.lines().next().unwrap_or_default();
    // The shortest sequences are create + upload, or validate (passive liveness) + upload.
    assert!(headline.starts_with("after "), "{message}");
    assert!(
        headline.ends_with("corrupt.png): expected 400, got 200"),
        "{message}"
    );
    assert!(
        message.contains("--data-binary '@corrupt.png'"),
        "one curl per step: {message}"
    );
    assert!(message.contains("minimal input: ["), "{message}");
}
