//! The `facesim serve` command: its announcement, flags, configuration file and shutdown.

mod common;

use common::{client, str_at, Served, KEY, PREFIX};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Shutdown must not wait out the server's 10-second grace period for idle connections.
const SHUTDOWN_BOUND: Duration = Duration::from_secs(8);

/// Terminates `served` and asserts it exited with status 0.
fn stop_cleanly(served: &mut Served) {
    let status = served.signal("TERM", SHUTDOWN_BOUND);
    assert_eq!(status.code(), Some(0), "{status}");
}

/// Whether process `pid` catches SIGTERM, from `/proc` (`None` where that is unavailable).
fn sigterm_handled(pid: u32) -> Option<bool> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let mask = status
        .lines()
        .find_map(|line| line.strip_prefix("SigCgt:"))?;
    let mask = u64::from_str_radix(mask.trim(), 16).ok()?;
    Some(mask & (1 << (15 - 1)) != 0)
}

/// A file in the temporary directory, unique to this process and `name`.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("facesim-test-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write temp file");
    path
}

/// Creates an enrollment on `base` with `key`.
async fn enroll(client: &reqwest::Client, base: &str, key: &str) -> reqwest::Response {
    client
        .post(format!("{base}{PREFIX}/v1/enrollments"))
        .header("Truora-API-Key", key)
        .form(&[("type", "face-recognition"), ("user_authorized", "true")])
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn serve_announces_its_address_and_stops_cleanly_on_sigterm() {
    let mut served = Served::start(&[]);
    let line = served.first_line.trim_end().to_string();
    let port = line
        .strip_prefix("facesim listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("{line:?}"));
    let port: u16 = port
        .parse()
        .unwrap_or_else(|_| panic!("{line:?} ends with a port"));
    assert_ne!(
        port, 0,
        "the bound port is announced, not the requested one"
    );

    // The client keeps its connection open (idle, keep-alive) across the shutdown.
    let client = client();
    let response = enroll(&client, served.base(), KEY).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let link = str_at(&body, "/file_upload_link");
    assert!(
        link.starts_with(&format!("{}{PREFIX}/v1/uploads/", served.base())),
        "{link}"
    );

    stop_cleanly(&mut served);
    drop(client);
}

#[tokio::test]
async fn public_url_is_written_into_links() {
    let mut served = Served::start(&["--public-url", "http://example.test/base/"]);
    let body: serde_json::Value = enroll(&client(), served.base(), KEY)
        .await
        .json()
        .await
        .unwrap();
    let link = str_at(&body, "/file_upload_link");
    assert!(
        link.starts_with("http://example.test/base/truora/validations/v1/uploads/UPL"),
        "{link}"
    );
    assert!(
        served
            .first_line
            .starts_with("facesim listening on http://127.0.0.1:"),
        "the bound address is still announced"
    );
    stop_cleanly(&mut served);
}

#[tokio::test]
async fn a_config_file_replaces_the_defaults() {
    let config = temp_file(
        "custom.toml",
        "[server]\npublic_url = \"http://configured.test\"\n\n[[truora.api_keys]]\nkey = \"file-key\"\n",
    );
    let mut served = Served::start(&["--config", config.to_str().unwrap()]);
    let accepted = enroll(&client(), served.base(), "file-key").await;
    assert_eq!(accepted.status(), 200);
    let body: serde_json::Value = accepted.json().await.unwrap();
    assert!(
        str_at(&body, "/file_upload_link").starts_with("http://configured.test/truora/"),
        "{body}"
    );
    let refused = enroll(&client(), served.base(), KEY).await;
    assert_eq!(refused.status(), 401, "the embedded keys are not used");
    let envelope: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(envelope["code"], json!(10401));
    let message = envelope["message"].as_str().unwrap_or_default();
    assert!(message.contains("Invalid Truora-API-Key"), "{envelope}");
    stop_cleanly(&mut served);

    // The flag wins over the file.
    let mut flagged = Served::start(&[
        "--config",
        config.to_str().unwrap(),
        "--public-url",
        "http://flag.test",
    ]);
    let body: serde_json::Value = enroll(&client(), flagged.base(), "file-key")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        str_at(&body, "/file_upload_link").starts_with("http://flag.test/truora/"),
        "{body}"
    );
    stop_cleanly(&mut flagged);
    let _ = std::fs::remove_file(config);
}

#[test]
fn a_bad_config_file_stops_serve_with_a_message() {
    let unknown = temp_file("unknown.toml", "[server]\nbogus = 1\n");
    let out_of_range = temp_file(
        "range.toml",
        "[truora]\ndefault_validation_timeout_seconds = 0\n",
    );
    let missing =
        std::env::temp_dir().join(format!("facesim-test-{}-missing.toml", std::process::id()));
    let cases = [
        (&unknown, "bogus"),
        (&out_of_range, "default_validation_timeout_seconds"),
        (&missing, "cannot read"),
    ];
    for (path, needle) in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_facesim"))
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--config",
                path.to_str().unwrap(),
            ])
            .stdin(Stdio::null())
            .output()
            .expect("facesim runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{path:?} should be refused");
        assert!(
            stderr.contains("invalid configuration") && stderr.contains(needle),
            "{path:?}: {stderr}"
        );
        assert!(
            stderr.contains(path.to_str().unwrap()),
            "names the file: {stderr}"
        );
        assert!(
            output.stdout.is_empty(),
            "never announced a listener: {:?}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
    let _ = std::fs::remove_file(unknown);
    let _ = std::fs::remove_file(out_of_range);
}

#[test]

fn sigterm_right_after_the_announcement_exits_cleanly() {
    for _ in 0..20 {
        let mut served = Served::start(&[]);
        let handled = sigterm_handled(served.child.id());
        assert_ne!(
            handled,
            Some(false),
            "no SIGTERM handler when ready was announced"
        );
        let status = served.signal("TERM", SHUTDOWN_BOUND);
        assert_eq!(status.code(), Some(0), "{status}");
    }
}

/// Runs `facesim serve` with `extra` arguments, makes one enrollment and one request to an
/// unknown path, stops it and answers its logs.
async fn served_logs(name: &str, extra: &[&str]) -> String {
    let path = temp_file(name, "");
    let log = std::fs::File::create(&path).expect("log file");
    let mut served = Served::start_logging(extra, log);
    assert_eq!(enroll(&client(), served.base(), KEY).await.status(), 200);
    let unknown = client()
        .get(format!("{}{PREFIX}/v1/nothing-here", served.base()))
        .send()
        .await
        .expect("request sent");
    assert_eq!(unknown.status(), 404);
    stop_cleanly(&mut served);
    let logs = std::fs::read_to_string(&path).expect("logs");
    let _ = std::fs::remove_file(path);
    logs
}

const STRICT_ON: &str = "strict mode: every answer is checked";

#[tokio::test]
async fn strict_turns_checking_on_and_a_conforming_server_logs_no_violation() {
    let logs = served_logs("strict.log", &["--strict"]).await;
    assert!(logs.contains(STRICT_ON), "{logs}");
    assert!(!logs.contains("breaks its documented contract"), "{logs}");
    assert!(!logs.contains("ERROR"), "{logs}");

    let off = served_logs("default.log", &[]).await;
    assert!(
        !off.contains(STRICT_ON),
        "strict mode is off by default: {off}"
    );
}

#[tokio::test]
async fn the_strict_flag_overrides_the_config_file() {
    let text = format!("[server]\nstrict = true\n\n[[truora.api_keys]]\nkey = \"{KEY}\"\n");
    let config = temp_file("strict.toml", &text);
    let config = config.to_str().unwrap();
    let on = served_logs("config-on.log", &["--config", config]).await;
    assert!(on.contains(STRICT_ON), "{on}");
    let off = served_logs("config-off.log", &["--config", config, "--strict=false"]).await;
    assert!(!off.contains(STRICT_ON), "{off}");
    let _ = std::fs::remove_file(config);
}

#[test]
fn a_strict_value_that_is_not_a_boolean_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_facesim"))
        .args(["serve", "--addr", "127.0.0.1:0", "--strict=maybe"])
        .stdin(Stdio::null())
        .output()
        .expect("facesim runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("--strict"), "{stderr}");
    assert!(output.stdout.is_empty(), "never announced a listener");
}

#[tokio::test]
async fn scenario_files_given_at_start_are_in_force() {
    let scenario = temp_file(
        "start.yaml",
        "rules:\n  - when: { api: truora, operation: POST /v1/enrollments }\n    then: { respond: { status: 503, body: maintenance } }\n",
    );
    let served = Served::start(&["--scenario", scenario.to_str().unwrap()]);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let answer = enroll(&client, served.base(), "truora-sim-key").await;
    assert_eq!(answer.status(), 503);
    assert_eq!(answer.text().await.unwrap(), "maintenance");
}

#[test]
fn check_scenario_validates_a_file_without_serving() {
    let good = temp_file(
        "good.yaml",
        "rules:\n  - name: slow\n    then: { delay: { ms: 10 } }\n",
    );
    let bad = temp_file(
        "bad.yaml",
        "rules:\n  - when:\n      nth: 0\n    then: { drop_connection: true }\n",
    );
    let run = |path: &PathBuf, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_facesim"))
            .args(extra)
            .arg(path)
            .output()
            .expect("facesim runs")
    };
    let output = run(&good, &["check-scenario"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 rule(s), valid"));
    let output = run(&bad, &["check-scenario"]);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("line 3") && message.contains("from 1"),
        "{message}"
    );
    let output = run(&bad, &["serve", "--addr", "127.0.0.1:0", "--scenario"]);
    assert!(!output.status.success(), "serve refuses a bad scenario");
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 3"));
}

#[test]
fn the_model_matcher_without_its_runtime_says_what_to_run() {
    let output = Command::new(env!("CARGO_BIN_EXE_facesim"))
        .args(["serve", "--addr", "127.0.0.1:0", "--matcher", "model"])
        .env("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so")
        .stdin(Stdio::null())
        .output()
        .expect("facesim runs");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "it never listens");
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("models/install-onnxruntime.sh") && message.contains("ORT_DYLIB_PATH"),
        "{message}"
    );
}
