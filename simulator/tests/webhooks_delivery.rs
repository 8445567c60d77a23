//! Webhook delivery against real local receivers: headers, signatures, retries, failures,
//! filters, ordering and clearing.

mod common;

use common::*;
use facesim::config::WebhooksConfig;
use facesim::webhooks::{
    hmac_sha256_hex, DeliveryFilter, DeliveryStatus, DeliveryView, Outgoing, ReceiverSpec, Vendor,
    Webhooks,
};
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "whsec-test";

fn spec(url: &str) -> ReceiverSpec {
    ReceiverSpec {
        vendor: "checkout".into(),
        url: url.into(),
        signing_key: KEY.into(),
        authorization: None,
        event_types: None,
    }
}

fn webhooks(receivers: Vec<ReceiverSpec>, retry_delays_ms: &[u64]) -> Webhooks {
    Webhooks::new(&WebhooksConfig {
        timeout_ms: 2000,
        retry_delays_ms: retry_delays_ms.to_vec(),
        receivers,
    })
}

fn event(id: &str, event_type: &str) -> Outgoing {
    Outgoing {
        vendor: Vendor::Checkout,
        event_id: id.into(),
        event_type: event_type.into(),
        body: json!({"id": id, "type": event_type, "data": {"note": "ünïcode ✓", "n": 1.5}}),
        namespace: None,
    }
}

const CREATED: &str = "face_authentication_created";
const OPENED: &str = "face_authentication_opened";

/// Polls until every delivery is over, at most 10 s.
async fn settled(webhooks: &Webhooks) -> Vec<DeliveryView> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let deliveries = webhooks.deliveries(&DeliveryFilter::default());
        if deliveries
            .iter()
            .all(|d| d.status != DeliveryStatus::Pending)
        {
            return deliveries;
        }
        assert!(Instant::now() < deadline, "still pending: {deliveries:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_delivery_carries_the_signed_body_and_headers() {
    let receiver = WebhookReceiver::start().await;
    let plain = WebhookReceiver::start().await;
    let mut authorized = spec(&receiver.url);
    authorized.authorization = Some("Bearer hook-token".into());
    let webhooks = webhooks(vec![authorized, spec(&plain.url)], &[]);
    let published = event("evt_1", CREATED);
    let expected_body = serde_json::to_vec(&published.body).unwrap();
    webhooks.publish(published);

    let got = &receiver.wait_for(1).await[0];
    assert_eq!(got.body.as_ref(), expected_body.as_slice());
    assert_eq!(got.header("content-type"), "application/json");
    assert_eq!(got.header("user-agent"), "facesim-webhooks");
    assert_eq!(got.header("authorization"), "Bearer hook-token");
    assert_eq!(got.header("cko-signature"), hmac_sha256_hex(KEY, &got.body));
    assert_ne!(
        got.header("cko-signature"),
        hmac_sha256_hex("other", &got.body)
    );

    let other = &plain.wait_for(1).await[0];
    assert!(other.headers.get("authorization").is_none());
    assert_eq!(
        other.header("cko-signature"),
        hmac_sha256_hex(KEY, &other.body)
    );

    let deliveries = settled(&webhooks).await;
    assert_eq!(deliveries.len(), 2);
    for delivery in &deliveries {
        assert_eq!(delivery.status, DeliveryStatus::Delivered);
        assert_eq!(delivery.event_id, "evt_1");
        assert_eq!(delivery.event_type, CREATED);
        assert_eq!(delivery.tries.len(), 1);
        assert_eq!(delivery.tries[0].status_code, Some(200));
        assert_eq!(delivery.tries[0].error, None);
        assert!(delivery.next_try_at.is_none());
    }
    assert_eq!(deliveries[0].url, receiver.url);
    assert_eq!(
        webhooks.event("evt_1").unwrap().as_ref(),
        expected_body.as_slice()
    );
    assert!(webhooks.event("evt_2").is_none());
}

#[tokio::test]
async fn a_refused_delivery_is_retried_until_it_succeeds() {
    let receiver = WebhookReceiver::scripted(&[500, 503], Duration::ZERO).await;
    let webhooks = webhooks(vec![spec(&receiver.url)], &[150, 150, 150]);
    webhooks.publish(event("evt_1", CREATED));

    let pending = &webhooks.deliveries(&DeliveryFilter::default())[0];
    assert_eq!(pending.status, DeliveryStatus::Pending);
    assert!(pending.next_try_at.is_some());

    let got = receiver.wait_for(3).await;
    assert!(got[1].at - got[0].at >= Duration::from_millis(150));
    assert!(got[2].at - got[1].at >= Duration::from_millis(150));
    assert!(got.iter().all(|r| r.body == got[0].body));
    let delivery = &settled(&webhooks).await[0];
    assert_eq!(delivery.status, DeliveryStatus::Delivered);
    let codes: Vec<_> = delivery.tries.iter().map(|t| t.status_code).collect();
    assert_eq!(codes, [Some(500), Some(503), Some(200)]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 3, "no try after a success");
}

#[tokio::test]
async fn a_delivery_fails_after_its_last_try() {
    let receiver = WebhookReceiver::scripted(&[500, 500, 500, 500], Duration::ZERO).await;
    let webhooks = webhooks(vec![spec(&receiver.url)], &[20, 20]);
    webhooks.publish(event("evt_1", CREATED));

    let delivery = &settled(&webhooks).await[0];
    assert_eq!(delivery.status, DeliveryStatus::Failed);
    assert_eq!(delivery.tries.len(), 3);
    assert!(delivery.tries.iter().all(|t| t.status_code == Some(500)));
    assert!(delivery.next_try_at.is_none());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test]
async fn refused_connections_and_timeouts_are_failed_tries() {
    let refusing = refusing_url().await;
    let slow = WebhookReceiver::scripted(&[], Duration::from_millis(1500)).await;
    let webhooks = Webhooks::new(&WebhooksConfig {
        timeout_ms: 200,
        retry_delays_ms: vec![10],
        receivers: vec![spec(&refusing), spec(&slow.url)],
    });
    webhooks.publish(event("evt_1", CREATED));

    let deliveries = settled(&webhooks).await;
    let refused = deliveries.iter().find(|d| d.url == refusing).unwrap();
    assert_eq!(refused.status, DeliveryStatus::Failed);
    assert_eq!(refused.tries.len(), 2);
    for done in &refused.tries {
        assert_eq!(done.status_code, None);
        let error = done.error.as_deref().unwrap();
        assert!(error.starts_with("connection failed"), "{error}");
    }
    let timed_out = deliveries.iter().find(|d| d.url == slow.url).unwrap();
    assert_eq!(timed_out.status, DeliveryStatus::Failed);
    assert_eq!(timed_out.tries.len(), 2);
    for done in &timed_out.tries {
        assert_eq!(done.status_code, None);
        assert_eq!(done.error.as_deref(), Some("timed out after 200 ms"));
        assert!((200..1500).contains(&done.duration_ms), "{done:?}");
    }
    assert_eq!(slow.received().len(), 2);
}

#[tokio::test]
async fn event_type_filters_choose_what_a_receiver_gets() {
    let everything = WebhookReceiver::start().await;
    let only_opened = WebhookReceiver::start().await;
    let mut filtered = spec(&only_opened.url);
    filtered.event_types = Some(vec![OPENED.into()]);
    let webhooks = webhooks(vec![spec(&everything.url), filtered], &[]);
    webhooks.publish(event("evt_1", CREATED));
    webhooks.publish(event("evt_2", OPENED));
    webhooks.publish(event("evt_3", CREATED));

    let all: Vec<_> = everything
        .wait_for(3)
        .await
        .iter()
        .map(|r| r.json()["id"].clone())
        .collect();
    assert_eq!(all, [json!("evt_1"), json!("evt_2"), json!("evt_3")]);
    let deliveries = settled(&webhooks).await;
    assert_eq!(deliveries.len(), 4);
    let got = only_opened.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["id"], "evt_2");
    let filter = DeliveryFilter {
        event_type: Some(CREATED.into()),
        ..DeliveryFilter::default()
    };
    assert_eq!(webhooks.deliveries(&filter).len(), 2);
    assert!(webhooks.event("evt_3").is_some(), "every event is kept");
}

#[tokio::test]
async fn first_tries_keep_publish_order_and_a_retry_blocks_nothing() {
    let receiver = WebhookReceiver::scripted(&[500], Duration::ZERO).await;
    let webhooks = webhooks(vec![spec(&receiver.url)], &[300]);
    let ids: Vec<String> = (0..30).map(|i| format!("evt_{i}")).collect();
    for id in &ids {
        webhooks.publish(event(id, CREATED));
    }
    let got = receiver.wait_for(31).await;
    let order: Vec<String> = got
        .iter()
        .map(|r| r.json()["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order[..30], ids[..], "first tries in publish order");
    assert_eq!(order[30], "evt_0", "the retry comes after the newer events");
    let listed: Vec<String> = settled(&webhooks)
        .await
        .into_iter()
        .map(|d| d.event_id)
        .collect();
    assert_eq!(listed, ids, "deliveries are listed in publish order");
}

#[tokio::test]
async fn clear_forgets_traffic_and_run_time_receivers_but_keeps_configured_ones() {
    let configured = WebhookReceiver::scripted(&[500], Duration::ZERO).await;
    let added = WebhookReceiver::start().await;
    let webhooks = webhooks(vec![spec(&configured.url)], &[300]);
    let view = webhooks.add_receiver(&spec(&added.url), None).unwrap();
    assert!(view.id.starts_with("whr_"));
    webhooks.publish(event("evt_1", CREATED));
    configured.wait_for(1).await;
    added.wait_for(1).await;

    webhooks.clear();
    assert!(webhooks.deliveries(&DeliveryFilter::default()).is_empty());
    assert!(webhooks.event("evt_1").is_none());
    let receivers = webhooks.receivers(None);
    assert_eq!(receivers.len(), 1);
    assert_eq!(receivers[0].url, configured.url);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        configured.received().len(),
        1,
        "a cleared delivery is not retried"
    );

    webhooks.publish(event("evt_2", OPENED));
    assert_eq!(configured.wait_for(2).await[1].json()["id"], "evt_2");
    assert_eq!(added.received().len(), 1);
    assert_eq!(settled(&webhooks).await.len(), 1);
}

#[tokio::test]
async fn removing_a_receiver_ends_its_pending_deliveries() {
    let receiver = WebhookReceiver::scripted(&[500], Duration::ZERO).await;
    let webhooks = webhooks(vec![], &[300]);
    let view = webhooks.add_receiver(&spec(&receiver.url), None).unwrap();
    webhooks.publish(event("evt_1", CREATED));
    receiver.wait_for(1).await;
    assert!(webhooks.remove_receiver(&view.id, None));
    assert!(!webhooks.remove_receiver(&view.id, None));
    let delivery = &webhooks.deliveries(&DeliveryFilter::default())[0];
    assert_eq!(delivery.status, DeliveryStatus::Failed);
    assert!(delivery.next_try_at.is_none());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 1);
    webhooks.publish(event("evt_2", CREATED));
    assert_eq!(webhooks.deliveries(&DeliveryFilter::default()).len(), 1);
}
