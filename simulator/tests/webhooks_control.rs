//! The webhook control API under `/_facesim/webhooks`, over HTTP.

mod common;

use common::*;
use facesim::webhooks::{hmac_sha256_hex, Outgoing, Vendor};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const CREATED: &str = "face_authentication_created";
const OPENED: &str = "face_authentication_opened";

/// `GET` a control path.
async fn get(sim: &Sim, path: &str) -> Reply {
    sim.send(sim.http.get(sim.url(path))).await
}

/// `POST /_facesim/webhooks` with a JSON body.
async fn register(sim: &Sim, body: &Value) -> Reply {
    sim.send(sim.http.post(sim.url("/_facesim/webhooks")).json(body))
        .await
}

/// `POST /_facesim/webhooks` with a raw body.
async fn register_raw(sim: &Sim, content_type: &str, body: impl Into<reqwest::Body>) -> Reply {
    let request = sim
        .http
        .post(sim.url("/_facesim/webhooks"))
        .header("Content-Type", content_type)
        .body(body);
    sim.send(request).await
}

fn receivers(sim_reply: &Reply) -> Vec<Value> {
    sim_reply.ok()["receivers"].as_array().unwrap().clone()
}

fn publish(sim: &Sim, id: &str, event_type: &str) -> Value {
    let body = json!({"id": id, "type": event_type, "version": "1.2.0", "data": {}});
    sim.app.webhooks.publish(Outgoing {
        vendor: Vendor::Checkout,
        event_id: id.into(),
        event_type: event_type.into(),
        body: body.clone(),
        namespace: None,
    });
    body
}

/// Polls the deliveries listing until none is pending, at most 10 s.
async fn settled(sim: &Sim, query: &str) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let reply = get(sim, &format!("/_facesim/webhooks/deliveries{query}")).await;
        let deliveries = reply.ok()["deliveries"].as_array().unwrap().clone();
        if deliveries.iter().all(|d| d["status"] != "pending") {
            return deliveries;
        }
        assert!(Instant::now() < deadline, "still pending: {deliveries:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn configured_receivers_are_listed_without_secrets() {
    let sim = Sim::from_toml(
        r#"
        [[webhooks.receivers]]
        vendor = "checkout"
        url = "http://127.0.0.1:9/a"
        signing_key = "secret-one"
        authorization = "Bearer secret-two"

        [[webhooks.receivers]]
        vendor = "checkout"
        url = "http://127.0.0.1:9/b"
        signing_key = "secret-three"
        event_types = ["face_authentication_opened"]
        "#,
    )
    .await;
    let reply = get(&sim, "/_facesim/webhooks").await;
    assert!(!reply.text().contains("secret"), "{}", reply.text());
    let listed = receivers(&reply);
    assert_eq!(
        listed,
        [
            json!({"id": "whr_config_1", "vendor": "checkout", "url": "http://127.0.0.1:9/a",
                   "event_types": null, "source": "config"}),
            json!({"id": "whr_config_2", "vendor": "checkout", "url": "http://127.0.0.1:9/b",
                   "event_types": [OPENED], "source": "config"}),
        ]
    );
    assert!(
        get(&sim, "/_facesim/webhooks/deliveries").await.ok()["deliveries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_registered_receiver_is_listed_and_can_be_deleted() {
    let sim = Sim::start().await;
    assert!(receivers(&get(&sim, "/_facesim/webhooks").await).is_empty());
    let reply = register(
        &sim,
        &json!({"vendor": "checkout", "url": "http://localhost:8000/hook", "signing_key": "k",
                "authorization": "Basic dXNlcjpwYXNz", "event_types": [CREATED, OPENED]}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let created = reply.json();
    let id = str_at(&created, "/id").to_string();
    assert!(id.starts_with("whr_"), "{id}");
    assert_eq!(
        created,
        json!({"id": id, "vendor": "checkout", "url": "http://localhost:8000/hook",
               "event_types": [CREATED, OPENED], "source": "control"})
    );
    assert_eq!(receivers(&get(&sim, "/_facesim/webhooks").await), [created]);

    let gone = sim
        .send(
            sim.http
                .delete(sim.url(&format!("/_facesim/webhooks/{id}"))),
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text());
    assert!(gone.bytes.is_empty());
    assert!(receivers(&get(&sim, "/_facesim/webhooks").await).is_empty());
    sim.send(
        sim.http
            .delete(sim.url(&format!("/_facesim/webhooks/{id}"))),
    )
    .await
    .control_error(404, "not_found", &id);
}

#[tokio::test]
async fn bad_registrations_are_refused_with_reasons() {
    let sim = Sim::start().await;
    let base = json!({"vendor": "checkout", "url": "http://127.0.0.1:9/", "signing_key": "k"});
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("vendor", json!("onfido")), "known vendors: checkout"),
        (
            with("url", json!("https://example.com/hook")),
            "plain HTTP only",
        ),
        (with("url", json!("not a url")), "not an absolute URL"),
        (with("url", json!(42)), "invalid type"),
        (
            with("signing_key", json!("")),
            "signing_key must not be empty",
        ),
        (
            with("event_types", json!(["face_authentication_nope"])),
            "face_authentication_nope",
        ),
        (with("event_types", json!([])), "omit it"),
        (with("authorization", json!("a\u{1}b")), "authorization"),
        (with("colour", json!("red")), "unknown field `colour`"),
        (
            json!({"vendor": "checkout", "url": "http://a/"}),
            "missing field `signing_key`",
        ),
    ];
    for (body, needle) in cases {
        register(&sim, &body)
            .await
            .control_error(422, "unprocessable_entity", needle);
    }
    register_raw(&sim, "application/json", "{not json")
        .await
        .control_error(400, "bad_request", "not a JSON object");
    register_raw(&sim, "application/json", "[1]")
        .await
        .control_error(400, "bad_request", "not a JSON object");
    register_raw(&sim, "text/plain", base.to_string())
        .await
        .control_error(415, "unsupported_media_type", "application/json");
    register_raw(&sim, "application/json", vec![b' '; 65 * 1024])
        .await
        .control_error(413, "payload_too_large", "65536 bytes");
    sim.send(sim.http.put(sim.url("/_facesim/webhooks")))
        .await
        .control_error(405, "method_not_allowed", "PUT");
    assert!(receivers(&get(&sim, "/_facesim/webhooks").await).is_empty());
}

#[tokio::test]
async fn deliveries_and_events_can_be_looked_up() {
    let sim = Sim::configured(|c| c.webhooks.retry_delays_ms = vec![50]).await;
    let hook = WebhookReceiver::scripted(&[500], Duration::ZERO).await;
    let refusing = refusing_url().await;
    let ok = register(
        &sim,
        &json!({"vendor": "checkout", "url": hook.url, "signing_key": "k1"}),
    )
    .await
    .json();
    register(
        &sim,
        &json!({"vendor": "checkout", "url": refusing, "signing_key": "k2", "event_types": [OPENED]}),
    )
    .await;

    let first = publish(&sim, "evt_a", CREATED);
    publish(&sim, "evt_b", OPENED);
    let all = settled(&sim, "").await;
    assert_eq!(all.len(), 3);
    assert_eq!(
        all.iter()
            .map(|d| d["event_id"].clone())
            .collect::<Vec<_>>(),
        [json!("evt_a"), json!("evt_b"), json!("evt_b")]
    );
    let a = &all[0];
    let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "id",
        "vendor",
        "receiver_id",
        "url",
        "event_id",
        "event_type",
        "status",
        "tries",
        "next_try_at",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected, "{a}");
    assert!(str_at(a, "/id").starts_with("whd_"));
    assert_eq!(a["receiver_id"], ok["id"]);
    assert_eq!(a["url"], json!(hook.url));
    assert_eq!(a["status"], "delivered", "{a}");
    assert!(a["next_try_at"].is_null());
    let tries = a["tries"].as_array().unwrap();
    let codes: Vec<&Value> = tries.iter().map(|t| &t["status_code"]).collect();
    assert_eq!(codes, [&json!(500), &json!(200)], "retried after the 500");
    let mut started = Vec::new();
    for done in tries {
        assert!(done["error"].is_null());
        assert!(done["duration_ms"].is_u64());
        started.push(chrono::DateTime::parse_from_rfc3339(str_at(done, "/at")).unwrap());
    }
    assert!(started[1] - started[0] >= chrono::Duration::milliseconds(50));

    let refused = &all[2];
    assert_eq!(refused["status"], "failed");
    assert!(refused["tries"][0]["status_code"].is_null());
    assert!(str_at(refused, "/tries/0/error").starts_with("connection failed"));

    assert_eq!(refused["tries"].as_array().unwrap().len(), 2);
    let failed = settled(&sim, "?status=failed&vendor=checkout").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(&failed[0], refused);
    let opened = settled(&sim, &format!("?event_type={OPENED}&status=delivered")).await;
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0]["url"], json!(hook.url));
    get(&sim, "/_facesim/webhooks/deliveries?status=sent")
        .await
        .control_error(400, "bad_request", "pending, delivered, failed");
    get(&sim, "/_facesim/webhooks/deliveries?page=2")
        .await
        .control_error(400, "bad_request", "page");

    let event = get(&sim, "/_facesim/webhooks/events/evt_a").await;
    assert_eq!(event.status, 200);
    assert_eq!(event.content_type(), "application/json");
    assert_eq!(event.json(), first);
    let got = hook.received();
    assert_eq!(
        got[0].body, event.bytes,
        "the event is served byte for byte"
    );
    assert_eq!(
        got[0].header("cko-signature"),
        hmac_sha256_hex("k1", &event.bytes)
    );
    get(&sim, "/_facesim/webhooks/events/evt_zzz")
        .await
        .control_error(404, "not_found", "evt_zzz");
}

#[tokio::test]
async fn reset_forgets_run_time_receivers_deliveries_and_events() {
    let hook = WebhookReceiver::start().await;
    let sim = Sim::from_toml(&format!(
        "[[webhooks.receivers]]\nvendor = \"checkout\"\nurl = \"{}\"\nsigning_key = \"k\"",
        hook.url
    ))
    .await;
    register(
        &sim,
        &json!({"vendor": "checkout", "url": "http://127.0.0.1:9/", "signing_key": "k"}),
    )
    .await;
    let removed = sim
        .send(sim.http.delete(sim.url("/_facesim/webhooks/whr_config_1")))
        .await;
    assert_eq!(removed.status, 204);
    assert_eq!(receivers(&get(&sim, "/_facesim/webhooks").await).len(), 1);
    publish(&sim, "evt_1", CREATED);
    assert_eq!(
        get(&sim, "/_facesim/webhooks/deliveries").await.ok()["deliveries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let reset = sim.send(sim.http.post(sim.url("/_facesim/reset"))).await;
    assert_eq!(reset.status, 200);
    let listed = receivers(&get(&sim, "/_facesim/webhooks").await);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["id"], "whr_config_1");
    assert_eq!(listed[0]["source"], "config");
    assert!(
        get(&sim, "/_facesim/webhooks/deliveries").await.ok()["deliveries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    get(&sim, "/_facesim/webhooks/events/evt_1")
        .await
        .control_error(404, "not_found", "evt_1");

    publish(&sim, "evt_2", CREATED);
    assert_eq!(hook.wait_for(1).await[0].json()["id"], "evt_2");
    let delivered = settled(&sim, "").await;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0]["status"], "delivered");
}
