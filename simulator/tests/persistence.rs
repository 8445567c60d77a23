//! `facesim serve --state FILE` with the real binary over real sockets: the state survives a
//! SIGTERM restart (IDs, statuses, files, armed outcomes, clocks, namespaces), a `kill -9`
//! after an interval save loses nothing saved, and a bad file stops `serve` with a message.

mod common;

use common::{client, reference, str_at, Served, CKO_KEY, JOURNEY, KEY, PREFIX, REDIRECT};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Links name this base URL whatever port a run listens on, so answers compare across restarts.
const PUBLIC_URL: &str = "http://facesim.test";

/// A generous bound for start-up and shutdown.
const PATIENCE: Duration = Duration::from_secs(20);

/// Starts `facesim serve --public-url PUBLIC_URL --state <state>` with `extra` arguments.
fn serve_with_state(state: &Path, extra: &[&str]) -> Served {
    let state = state.to_str().expect("a UTF-8 path");
    let mut args = vec!["--public-url", PUBLIC_URL, "--state", state];
    args.extend_from_slice(extra);
    Served::start(&args)
}

/// Requests to a served facesim.
trait Requests {
    /// A request to `path`, in namespace `namespace` when given.
    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        namespace: Option<&str>,
    ) -> reqwest::RequestBuilder;
}

impl Requests for Served {
    fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        namespace: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let request = client().request(method, format!("{}{path}", self.base()));
        match namespace {
            Some(name) => request.header("Facesim-Namespace", name),
            None => request,
        }
    }
}

/// Sends a request and answers its status and JSON body (`null` when it has none).
async fn exchange(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Sends a request that must answer `expected`; answers the JSON body.
async fn expect(request: reqwest::RequestBuilder, expected: u16) -> Value {
    let (status, body) = exchange(request).await;
    assert_eq!(status, expected, "{body}");
    body
}

/// A fresh directory for one test's state file.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("facesim-state-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The state file parsed as JSON, checked for its format.
fn saved(path: &Path) -> Value {
    let bytes = std::fs::read(path).expect("the state file exists");
    let file: Value = serde_json::from_slice(&bytes).expect("the state file parses");
    assert_eq!(file["format"], json!(1));
    file
}

/// What the test created before the restart.
struct Created {
    enrollment_id: String,
    upload_link: String,
    fa_id: String,
    attempt_id: String,
}

/// A Truora enrollment with its reference picture uploaded, a Checkout applicant with a face
/// authentication and an attempt, in the default namespace.
async fn create(served: &Served) -> Created {
    let enrollment = expect(
        served
            .request(
                reqwest::Method::POST,
                &format!("{PREFIX}/v1/enrollments"),
                None,
            )
            .header("Truora-API-Key", KEY)
            .form(&[
                ("type", "face-recognition"),
                ("user_authorized", "true"),
                ("account_id", "acc-kept"),
            ]),
        200,
    )
    .await;
    let upload_link = str_at(&enrollment, "/file_upload_link").to_string();
    let uploaded = client()
        .put(upload_link.replace(PUBLIC_URL, served.base()))
        .body(reference("alice"))
        .send()
        .await
        .expect("upload sent");
    assert_eq!(uploaded.status(), 200);

    let applicant = expect(
        served
            .request(reqwest::Method::POST, "/checkout/applicants", None)
            .bearer_auth(CKO_KEY)
            .json(&json!({"email": "hannah.bret@example.com", "external_applicant_name": "Hannah Bret"})),
        201,
    )
    .await;
    let fa = expect(
        served
            .request(
                reqwest::Method::POST,
                "/checkout/face-authentications",
                None,
            )
            .bearer_auth(CKO_KEY)
            .json(&json!({"applicant_id": applicant["id"], "user_journey_id": JOURNEY})),
        201,
    )
    .await;
    let fa_id = str_at(&fa, "/id").to_string();
    let attempt = expect(
        served
            .request(
                reqwest::Method::POST,
                &format!("/checkout/face-authentications/{fa_id}/attempts"),
                None,
            )
            .bearer_auth(CKO_KEY)
            .json(&json!({"redirect_url": REDIRECT})),
        201,
    )
    .await;
    Created {
        enrollment_id: str_at(&enrollment, "/enrollment_id").to_string(),
        upload_link,
        fa_id,
        attempt_id: str_at(&attempt, "/id").to_string(),
    }
}

/// What the vendor and control APIs answer about the created state.
async fn observe(served: &Served, created: &Created) -> Value {
    let get =
        |path: &str, namespace: Option<&str>| served.request(reqwest::Method::GET, path, namespace);
    let enrollment = expect(
        get(
            &format!("{PREFIX}/v1/enrollments/{}", created.enrollment_id),
            None,
        )
        .header("Truora-API-Key", KEY),
        200,
    )
    .await;
    let fa = expect(
        get(
            &format!("/checkout/face-authentications/{}", created.fa_id),
            None,
        )
        .bearer_auth(CKO_KEY),
        200,
    )
    .await;
    let attempt = expect(
        get(
            &format!(
                "/checkout/face-authentications/{}/attempts/{}",
                created.fa_id, created.attempt_id
            ),
            None,
        )
        .bearer_auth(CKO_KEY),
        200,
    )
    .await;
    let clock = expect(get("/_facesim/clock", None), 200).await;
    let clock_x = expect(get("/_facesim/clock", Some("x")), 200).await;
    let outcomes_x = expect(get("/_facesim/truora/outcomes", Some("x")), 200).await;
    let outcomes_default = expect(get("/_facesim/truora/outcomes", None), 200).await;
    json!({
        "enrollment": enrollment,
        "face_authentication": fa,
        "attempt": attempt,
        "offset": clock["offset_seconds"],
        "offset_x": clock_x["offset_seconds"],
        "outcomes_x": outcomes_x,
        "outcomes_default": outcomes_default,
    })
}

#[tokio::test]
async fn state_survives_a_sigterm_restart() {
    let dir = scratch("sigterm");
    let state = dir.join("state.json");
    let mut served = serve_with_state(&state, &["--state-interval", "3600"]);
    let created = create(&served).await;
    expect(
        served
            .request(reqwest::Method::POST, "/_facesim/clock/advance", None)
            .json(&json!({"seconds": 120})),
        200,
    )
    .await;
    let armed = expect(
        served
            .request(
                reqwest::Method::POST,
                "/_facesim/truora/outcomes",
                Some("x"),
            )
            .json(&json!({"account_id": "acc-x", "outcome": "face_in_blocklist", "times": 2})),
        201,
    )
    .await;
    expect(
        served
            .request(reqwest::Method::POST, "/_facesim/clock/advance", Some("x"))
            .json(&json!({"seconds": 7200})),
        200,
    )
    .await;
    let before = observe(&served, &created).await;
    assert_eq!(
        before["enrollment"]["reason"],
        json!("waiting_face_validation"),
        "{before}"
    );
    assert_eq!(before["offset"], json!(120.0), "{before}");
    assert_eq!(before["offset_x"], json!(7200.0), "{before}");
    assert_eq!(
        before["outcomes_default"]["outcomes"],
        json!([]),
        "{before}"
    );
    assert_eq!(
        before["outcomes_x"]["outcomes"][0]["id"], armed["id"],
        "{before}"
    );

    let status = served.signal("TERM", PATIENCE);
    assert_eq!(status.code(), Some(0), "{status}");
    let file = saved(&state);
    let names: Vec<&Value> = file["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["name"])
        .collect();
    assert_eq!(names, [&Value::Null, &json!("x")]);

    let mut served = serve_with_state(&state, &[]);
    let after = observe(&served, &created).await;
    assert_eq!(
        after, before,
        "the same IDs, statuses, outcomes and clock offsets"
    );
    // The upload link handed out before the restart is still signed correctly: it answers
    // that the file was already received, not that the signature is wrong.
    let link = created.upload_link.replace(PUBLIC_URL, served.base());
    let again = client()
        .put(&link)
        .body(reference("alice"))
        .send()
        .await
        .expect("upload sent");
    let answer = again.status().as_u16();
    assert!(
        answer != 403 && answer != 404,
        "the link's signature and upload slot are still valid: {answer}"
    );
    // The armed outcome still decides the next validations of its account in namespace x.
    let listed = after["outcomes_x"]["outcomes"][0].clone();
    assert_eq!(listed["remaining"], json!(2), "{listed}");
    assert_eq!(served.signal("TERM", PATIENCE).code(), Some(0));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_kill_after_an_interval_save_keeps_the_saved_state() {
    let dir = scratch("kill");
    let state = dir.join("state.json");
    let mut served = serve_with_state(&state, &["--state-interval", "1"]);
    let created = create(&served).await;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let text = std::fs::read_to_string(&state).unwrap_or_default();
        if text.contains(&created.attempt_id) && text.contains(&created.enrollment_id) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no interval save within {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = observe(&served, &created).await;
    let status = served.signal("KILL", PATIENCE);
    assert_eq!(status.code(), None, "killed by the signal");
    saved(&state);

    let mut served = serve_with_state(&state, &[]);
    let after = observe(&served, &created).await;
    assert_eq!(after, before);
    assert_eq!(served.signal("TERM", PATIENCE).code(), Some(0));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Runs `serve --state <state>` expecting it to refuse to start; answers its stderr.
fn refused(state: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_facesim"))
        .args(["serve", "--addr", "127.0.0.1:0", "--state"])
        .arg(state)
        .stdin(Stdio::null())
        .output()
        .expect("facesim runs");
    assert!(!output.status.success(), "{:?}", output.status);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("listening"), "it never listens: {stdout}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_corrupt_or_foreign_file_stops_serve_and_is_left_alone() {
    let dir = scratch("corrupt");
    let state = dir.join("state.json");
    std::fs::write(&state, b"{\"format\":1,\"saved_at\":").unwrap();
    let stderr = refused(&state);
    assert!(
        stderr.contains(&state.display().to_string())
            && stderr.contains("not a valid facesim state file"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&state).unwrap(),
        b"{\"format\":1,\"saved_at\":"
    );

    std::fs::write(&state, b"{\"format\": 7, \"namespaces\": []}").unwrap();
    let stderr = refused(&state);
    assert!(stderr.contains("format version 7"), "{stderr}");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        b"{\"format\": 7, \"namespaces\": []}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_missing_file_starts_empty_and_shutdown_creates_it() {
    let dir = scratch("missing");
    let state = dir.join("state.json");
    let mut served = serve_with_state(&state, &[]);
    assert!(!state.exists());
    assert_eq!(served.signal("TERM", PATIENCE).code(), Some(0));
    let file = saved(&state);
    assert_eq!(file["namespaces"].as_array().unwrap().len(), 1, "{file}");
    std::fs::remove_dir_all(dir).unwrap();
}
