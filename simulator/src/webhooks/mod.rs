//! Webhook delivery for every vendor: receivers (from the configuration or the control API),
//! signed `POST`s with retries, and the record of deliveries and published events that the
//! control API shows under `{root}/_facesim/webhooks`.

#[cfg(test)]
mod config_tests;
mod ledger;
mod receiver;
pub mod routes;
mod sender;
mod signature;
mod vendor;

pub use ledger::{
    DeliveryFilter, DeliveryStatus, DeliveryView, ReceiverView, TryView, MAX_DELIVERIES, MAX_EVENTS,
};
pub use receiver::{Receiver, ReceiverSpec, Source};
pub use sender::USER_AGENT;
pub use signature::hmac_sha256_hex;
pub use vendor::Vendor;

use crate::config::WebhooksConfig;
use bytes::Bytes;
use ledger::{Ledger, Registered};
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::Duration;

/// An event a vendor module publishes.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The vendor that sends it.
    pub vendor: Vendor,
    /// Its ID; `GET {root}/_facesim/webhooks/events/{event_id}` returns `body`.
    pub event_id: String,
    /// Its type, matched against receivers' `event_types`.
    pub event_type: String,
    /// The JSON sent, serialized once; the signature covers exactly those bytes.
    pub body: serde_json::Value,
    /// The named namespace whose state produced it; `None` for the default namespace.
    pub namespace: Option<String>,
}

/// Webhook receivers, deliveries and published events.
pub struct Webhooks {
    shared: Arc<Shared>,
}

/// What delivery workers share with [`Webhooks`].
struct Shared {
    client: reqwest::Client,
    timeout: Duration,
    retry_delays: Vec<Duration>,
    /// The configured receivers, restored by [`Webhooks::clear`].
    configured: Vec<Arc<Receiver>>,
    ledger: Mutex<Ledger>,
}

impl Webhooks {
    /// Webhooks with `config`'s receivers. Receivers that fail the checks [`crate::config::Config`]
    /// runs at load are logged and left out.
    pub fn new(config: &WebhooksConfig) -> Webhooks {
        let configured: Vec<Arc<Receiver>> = config
            .receivers
            .iter()
            .enumerate()
            .filter_map(|(i, spec)| {
                Receiver::check(spec, format!("whr_config_{}", i + 1), Source::Config)
                    .map_err(|e| tracing::error!("webhooks.receivers[{i}] is ignored: {e}"))
                    .ok()
                    .map(Arc::new)
            })
            .collect();
        let timeout = Duration::from_millis(config.timeout_ms.max(1));
        let mut ledger = Ledger::default();
        ledger.receivers = configured.iter().map(registered).collect();
        Webhooks {
            shared: Arc::new(Shared {
                client: sender::client(timeout),
                timeout,
                retry_delays: config
                    .retry_delays_ms
                    .iter()
                    .map(|&ms| Duration::from_millis(ms))
                    .collect(),
                configured,
                ledger: Mutex::new(ledger),
            }),
        }
    }

    /// Queues `event` for every receiver of its vendor; returns at once (must run inside tokio).
    pub fn publish(&self, event: Outgoing) {
        let body =
            Bytes::from(serde_json::to_vec(&event.body).expect("a JSON value always serializes"));
        let now = chrono::Utc::now();
        let mut ledger = self.shared.ledger.lock();
        ledger.remember_event(&event.event_id, body.clone());
        let targets: Vec<usize> = (0..ledger.receivers.len())
            .filter(|&i| {
                let receiver = &ledger.receivers[i].receiver;
                receiver.wants(event.vendor, &event.event_type)
                    && receiver.hears(event.namespace.as_deref())
            })
            .collect();
        for i in targets {
            let receiver = ledger.receivers[i].receiver.clone();
            let seq = ledger.add_delivery(
                receiver,
                event.namespace.clone(),
                &event.event_id,
                &event.event_type,
                body.clone(),
                now,
            );
            sender::enqueue(&self.shared, &mut ledger.receivers[i], seq);
        }
    }

    /// Forgets deliveries, published events and receivers added at run time (config receivers
    /// stay, and a deleted one comes back).
    pub fn clear(&self) {
        let mut ledger = self.shared.ledger.lock();
        ledger.forget_traffic();
        let mut previous = std::mem::take(&mut ledger.receivers);
        ledger.receivers = self
            .shared
            .configured
            .iter()
            .map(
                |receiver| match previous.iter().position(|r| r.receiver.id == receiver.id) {
                    Some(at) => previous.swap_remove(at),
                    None => registered(receiver),
                },
            )
            .collect();
    }

    /// Registers a receiver at run time that hears only the events of `namespace` when one
    /// is named; the error says what is wrong with `spec`.
    pub fn add_receiver(
        &self,
        spec: &ReceiverSpec,
        namespace: Option<&str>,
    ) -> Result<ReceiverView, String> {
        let mut receiver =
            Receiver::check(spec, crate::ids::prefixed_hex_id("whr_"), Source::Control)?;
        receiver.namespace = namespace.map(str::to_string);
        let view = ReceiverView::of(&receiver);
        self.shared
            .ledger
            .lock()
            .receivers
            .push(registered(&Arc::new(receiver)));
        Ok(view)
    }

    /// Removes receiver `id` as seen from `namespace` (a named namespace removes only the
    /// receivers it registered); its pending deliveries end as failed. False when there is no
    /// such receiver.
    pub fn remove_receiver(&self, id: &str, namespace: Option<&str>) -> bool {
        let mut ledger = self.shared.ledger.lock();
        let Some(at) = ledger.receivers.iter().position(|r| {
            r.receiver.id == id
                && (namespace.is_none() || r.receiver.namespace.as_deref() == namespace)
        }) else {
            return false;
        };
        ledger.receivers.remove(at);
        ledger.abandon(id);
        true
    }

    /// The receivers that hear events of `namespace` (every receiver for `None`), configured
    /// ones first.
    pub fn receivers(&self, namespace: Option<&str>) -> Vec<ReceiverView> {
        let ledger = self.shared.ledger.lock();
        ledger
            .receivers
            .iter()
            .filter(|r| namespace.is_none() || r.receiver.hears(namespace))
            .map(|r| ReceiverView::of(&r.receiver))
            .collect()
    }

    /// The deliveries `filter` selects, in publish order.
    pub fn deliveries(&self, filter: &DeliveryFilter) -> Vec<DeliveryView> {
        self.shared.ledger.lock().deliveries(filter)
    }

    /// The exact body of a recently published event.
    pub fn event(&self, event_id: &str) -> Option<Bytes> {
        self.shared.ledger.lock().event(event_id)
    }
}

fn registered(receiver: &Arc<Receiver>) -> Registered {
    Registered {
        receiver: receiver.clone(),
        queue: None,
    }
}
