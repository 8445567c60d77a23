//! The request journal under `/_facesim/journal`.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// `GET /_facesim/journal?{query}`.
async fn journal_reply(sim: &Sim, query: &str) -> Reply {
    sim.send(sim.http.get(sim.url(&format!("/_facesim/journal?{query}"))))
        .await
}

/// The journal's answer for `query`, which must succeed.
async fn journal(sim: &Sim, query: &str) -> Value {
    let body = journal_reply(sim, query).await.ok();
    let keys: BTreeSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["capacity", "dropped", "entries"]));
    body
}

/// The entries answered for `query`, newest first.
async fn entries(sim: &Sim, query: &str) -> Vec<Value> {
    journal(sim, query).await["entries"]
        .as_array()
        .unwrap()
        .clone()
}

/// A field of every entry, as text.
fn column(entries: &[Value], field: &str) -> Vec<String> {
    entries
        .iter()
        .map(|e| match &e[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

fn seqs(entries: &[Value]) -> Vec<u64> {
    entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect()
}

/// `GET` a path on the listener without credentials.
async fn get(sim: &Sim, path: &str) -> Reply {
    sim.send(sim.http.get(sim.url(path))).await
}

/// Asserts an RFC 3339 UTC time with exactly three fraction digits; answers it.
fn millis_time(text: &str) -> chrono::DateTime<chrono::Utc> {
    let fraction = text
        .strip_suffix('Z')
        .and_then(|t| t.rsplit_once('.'))
        .map(|(_, f)| f);
    assert_eq!(fraction.map(str::len), Some(3), "{text}");
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .into()
}

#[tokio::test]
async fn each_vendor_prefix_is_recorded_with_its_api() {
    let sim = Sim::start().await;
    sim.get("/v1/enrollments/enr_missing?show_details=true", Some(KEY))
        .await
        .truora_error(404, "");
    let upload = sim
        .put(&sim.api("/v1/uploads/nothing"), b"abc".to_vec())
        .await;
    assert!((400..500).contains(&upload.status), "{}", upload.text());
    let applicant =
        json!({"email": "hannah.bret@example.com", "external_applicant_name": "Hannah Bret"});
    sim.cko_post("/applicants", &applicant).await.cko_ok(201);
    sim.cko_get("/applicants/aplt_doesnotexist")
        .await
        .cko_error(404, "resource_not_found", &["applicant_not_found"]);
    sim.tm(VERIFY, &json!({"sessionId": "s-1"}))
        .await
        .tm_in_band("MISSING_PROBE_IMAGE");
    let unauthorized = sim.send(sim.http.post(sim.tm_url(VERIFY))).await;
    assert_eq!(unauthorized.status, 401);
    get(&sim, "/nowhere").await;

    let all = entries(&sim, "").await;
    assert_eq!(seqs(&all), [7, 6, 5, 4, 3, 2, 1], "newest first");
    assert_eq!(
        column(&all, "api"),
        [
            "unknown",
            "trustmatic",
            "trustmatic",
            "checkout",
            "checkout",
            "truora-files",
            "truora-validations"
        ]
    );
    assert_eq!(
        column(&all, "method"),
        ["GET", "POST", "POST", "GET", "POST", "PUT", "GET"]
    );
    assert_eq!(
        column(&all, "status"),
        [
            "404",
            "401",
            "200",
            "404",
            "201",
            upload.status.to_string().as_str(),
            "404"
        ]
    );
    assert_eq!(
        column(&all, "error_code"),
        [
            "null",
            "null",
            "MISSING_PROBE_IMAGE",
            "applicant_not_found",
            "null",
            &format!("{}", 10000 + upload.status),
            "10404"
        ]
    );

    let truora = &all[6];
    assert_eq!(
        truora["path"],
        json!("/truora/validations/v1/enrollments/enr_missing")
    );
    assert_eq!(truora["query"], json!("show_details=true"));
    assert_eq!(truora["request_content_type"], json!(null));
    assert_eq!(truora["request_body_bytes"], json!(0));
    assert_eq!(truora["response_content_type"], json!("application/json"));
    assert!(
        truora["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{truora}"
    );
    let time = millis_time(truora["time"].as_str().unwrap());
    let virtual_time = millis_time(truora["virtual_time"].as_str().unwrap());
    assert!(
        (virtual_time - time).num_milliseconds().abs() <= 1,
        "{truora}"
    );
    assert!((chrono::Utc::now() - time).num_seconds() < 60, "{truora}");

    let created = &all[4];
    assert_eq!(created["query"], json!(null));
    assert_eq!(created["request_content_type"], json!("application/json"));
    assert_eq!(
        created["request_body_bytes"],
        json!(applicant.to_string().len())
    );
    assert_eq!(all[5]["request_body_bytes"], json!(3));
    assert_eq!(
        all[5]["path"],
        json!("/truora/validations/v1/uploads/nothing")
    );
}

#[tokio::test]
async fn virtual_time_follows_the_clock() {
    let sim = Sim::start().await;
    sim.advance(3600.0).await;
    get(&sim, "/checkout/nothing").await;
    let entry = &entries(&sim, "").await[0];
    let time = millis_time(entry["time"].as_str().unwrap());
    let virtual_time = millis_time(entry["virtual_time"].as_str().unwrap());
    let ahead = (virtual_time - time).num_milliseconds();
    assert!((3_599_999..=3_600_001).contains(&ahead), "{entry}");
}

#[tokio::test]
async fn control_api_calls_are_not_recorded() {
    let sim = Sim::start().await;
    sim.advance(1.0).await;
    get(&sim, "/_facesim/clock").await.ok();
    get(&sim, "/_facesim/nothing").await;
    get(&sim, "/_facesim/openapi/truora-files.json").await.ok();
    journal(&sim, "").await;
    journal(&sim, "api=unknown").await;
    let body = journal(&sim, "").await;
    assert_eq!(body["entries"], json!([]), "{body}");
    assert_eq!(body["capacity"], json!(1000));
    assert_eq!(body["dropped"], json!(0));

    get(&sim, "/_facesimulator").await;
    let recorded = entries(&sim, "").await;
    assert_eq!(column(&recorded, "path"), ["/_facesimulator"]);
    assert_eq!(column(&recorded, "api"), ["unknown"]);
}

#[tokio::test]
async fn each_filter_narrows_the_entries() {
    let sim = Sim::start().await;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    sim.get("/v1/enrollments/enr_1", Some(KEY)).await; // 1: GET 404 truora-validations
    sim.cko_post("/applicants", &json!({"email": "a@b.cc"})) // 2: POST 201 checkout
        .await
        .cko_ok(201);
    sim.cko_get("/applicants/aplt_nothere").await; // 3: GET 404 checkout
    sim.tm(VERIFY, &json!({})).await; // 4: POST 200 trustmatic
    sim.cko(Method::DELETE, "/applicants", Some(CKO_KEY), None) // 5: DELETE 405 checkout
        .await;
    let after = chrono::Utc::now() + chrono::Duration::seconds(1);

    let cases: &[(&str, &[u64])] = &[
        ("", &[5, 4, 3, 2, 1]),
        ("api=checkout", &[5, 3, 2]),
        ("api=truora-validations", &[1]),
        ("api=truora-files", &[]),
        ("method=POST", &[4, 2]),
        ("method=delete", &[5]),
        ("path=/checkout/applicants", &[5, 3, 2]),
        ("path=/checkout/applicants/", &[3]),
        ("path=/checkout/*/aplt_*", &[3]),
        ("path=*/v1/*", &[4, 1]),
        ("status=404", &[3, 1]),
        ("status=4xx", &[5, 3, 1]),
        ("status=2XX", &[4, 2]),
        ("status=500", &[]),
        ("api=checkout&status=4xx&method=GET", &[3]),
        ("limit=2", &[5, 4]),
        ("status=4xx&limit=1", &[5]),
    ];
    for (query, expected) in cases {
        assert_eq!(seqs(&entries(&sim, query).await), *expected, "{query}");
    }

    let all = entries(&sim, "").await;
    let third = all[2]["time"].as_str().unwrap().to_string();
    let encoded = |t: &str| t.replace('+', "%2B");
    let window = format!(
        "since={}&until={}",
        encoded(&before.to_rfc3339()),
        encoded(&after.to_rfc3339())
    );
    assert_eq!(seqs(&entries(&sim, &window).await), [5, 4, 3, 2, 1]);
    let since_third = entries(&sim, &format!("since={third}")).await;
    assert!(seqs(&since_third).contains(&3), "since is inclusive");
    assert!(since_third
        .iter()
        .all(|e| e["time"].as_str().unwrap() >= third.as_str()));
    let until_third = entries(&sim, &format!("until={third}")).await;
    assert!(seqs(&until_third).contains(&3), "until is inclusive");
    assert!(until_third
        .iter()
        .all(|e| e["time"].as_str().unwrap() <= third.as_str()));
    let future = encoded(&after.to_rfc3339());
    assert_eq!(
        entries(&sim, &format!("since={future}")).await,
        Vec::<Value>::new()
    );
    let past = encoded(&before.to_rfc3339());
    assert_eq!(
        entries(&sim, &format!("until={past}")).await,
        Vec::<Value>::new()
    );
}

#[tokio::test]
async fn bad_filters_are_refused_with_what_they_take() {
    let sim = Sim::start().await;
    let cases = [
        ("api=stripe", "api takes one of truora-validations, truora-files, checkout, trustmatic, unknown"),
        ("method=G%20T", "method takes an HTTP method name"),
        ("path=checkout", "path takes a path prefix such as /checkout"),
        ("status=4x", "status takes a status such as 404 (100 to 599) or a class such as 4xx"),
        ("status=99", "status takes a status such as 404"),
        ("since=yesterday", "since takes an RFC 3339 time"),
        ("until=2024-13-01T00:00:00Z", "until takes an RFC 3339 time"),
        ("limit=0", "limit takes an integer from 1 to 1000"),
        ("limit=1001", "limit takes an integer from 1 to 1000"),
        ("limit=many", "got \"many\""),
        ("colour=red", "unknown query parameter \"colour\"; the journal takes api, namespace, method, path, status, since, until and limit"),
        ("status=404&status=500", "status is given more than once"),
        ("since=2024-01-02T00:00:00Z&until=2024-01-01T00:00:00Z", "since is later than until"),
    ];
    for (query, needle) in cases {
        journal_reply(&sim, query)
            .await
            .control_error(400, "bad_request", needle);
    }
}

#[tokio::test]
async fn the_capacity_bounds_the_journal_and_counts_what_it_drops() {
    let sim = Sim::configured(|c| c.journal.capacity = 3).await;
    for i in 0..5 {
        get(&sim, &format!("/checkout/nothing?i={i}")).await;
    }
    let body = journal(&sim, "").await;
    assert_eq!(body["capacity"], json!(3));
    assert_eq!(body["dropped"], json!(2));
    let kept = body["entries"].as_array().unwrap();
    assert_eq!(seqs(kept), [5, 4, 3]);
    assert_eq!(column(kept, "query"), ["i=4", "i=3", "i=2"]);
    journal_reply(&sim, "limit=4").await.control_error(
        400,
        "bad_request",
        "an integer from 1 to 3",
    );
    assert_eq!(seqs(&entries(&sim, "limit=3").await), [5, 4, 3]);
}

#[tokio::test]
async fn delete_and_reset_empty_the_journal() {
    let sim = Sim::configured(|c| c.journal.capacity = 2).await;
    for _ in 0..3 {
        get(&sim, "/trustmatic/nothing").await;
    }
    assert_eq!(journal(&sim, "").await["dropped"], json!(1));

    let deleted = sim
        .send(sim.http.delete(sim.url("/_facesim/journal")))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    assert!(deleted.bytes.is_empty());
    let body = journal(&sim, "").await;
    assert_eq!(
        (body["dropped"].clone(), body["entries"].clone()),
        (json!(0), json!([]))
    );

    get(&sim, "/trustmatic/nothing").await;
    assert_eq!(
        seqs(&entries(&sim, "").await),
        [4],
        "numbers are not reused"
    );
    sim.send(sim.http.post(sim.url("/_facesim/reset")))
        .await
        .ok();
    assert_eq!(entries(&sim, "").await, Vec::<Value>::new());

    let wrong = sim.send(sim.http.post(sim.url("/_facesim/journal"))).await;
    wrong.control_error(405, "method_not_allowed", "POST");
}

#[tokio::test]
async fn concurrent_requests_are_each_recorded_once() {
    let sim = &Sim::start().await;
    const REQUESTS: u64 = 64;
    let sends = (0..REQUESTS).map(|i| {
        let path = match i % 3 {
            0 => format!("/checkout/nothing?n={i}"),
            1 => format!("/truora/validations/v1/nothing?n={i}"),
            _ => format!("/elsewhere?n={i}"),
        };
        let request = sim.http.get(sim.url(&path));
        async move { sim.send(request).await.status }
    });
    let statuses = futures::future::join_all(sends).await;
    assert!(statuses.iter().all(|&s| s == 404), "{statuses:?}");

    let recorded = entries(sim, "limit=1000").await;
    let mut numbers = seqs(&recorded);
    assert!(numbers.windows(2).all(|w| w[0] > w[1]), "newest first");
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=REQUESTS).collect::<Vec<_>>());
    let queries: BTreeSet<String> = column(&recorded, "query").into_iter().collect();
    let expected: BTreeSet<String> = (0..REQUESTS).map(|i| format!("n={i}")).collect();
    assert_eq!(queries, expected);
}

#[tokio::test]
async fn capacity_zero_turns_the_journal_off() {
    let sim = Sim::configured(|c| c.journal.capacity = 0).await;
    get(&sim, "/checkout/nothing").await;
    sim.get("/v1/enrollments/enr_1", Some(KEY)).await;
    let body = journal(&sim, "").await;
    assert_eq!(body, json!({"capacity": 0, "dropped": 0, "entries": []}));
    journal_reply(&sim, "status=oops")
        .await
        .control_error(400, "bad_request", "status takes");
}

#[tokio::test]
async fn a_body_sent_without_a_length_is_counted_as_read() {
    let sim = Sim::start().await;
    let request = sim
        .http
        .post(sim.tm_url(VERIFY))
        .basic_auth(TM_USER.0, Some(TM_USER.1))
        .header("Content-Type", "application/json")
        .body(chunked(5000, 700));
    let reply = sim.send(request).await;
    assert_eq!(reply.status, 400, "{}", reply.text());
    let entry = &entries(&sim, "").await[0];
    assert_eq!(entry["request_body_bytes"], json!(5000), "{entry}");
    assert_eq!(entry["error_code"], json!("INVALID_REQUEST"), "{entry}");
}

#[tokio::test]
async fn the_configuration_checks_the_capacity() {
    let err = facesim::config::Config::parse("[journal]\ncapacity = 100001").unwrap_err();
    assert!(
        err.contains("journal.capacity must be within 0..=100000"),
        "{err}"
    );
    let config = facesim::config::Config::parse("[journal]\ncapacity = 100000").unwrap();
    assert_eq!(config.journal.capacity, 100_000);
    assert_eq!(
        facesim::config::Config::load(None)
            .unwrap()
            .journal
            .capacity,
        1000
    );
    assert!(facesim::config::Config::parse("[journal]\nsize = 1").is_err());
}
