//! The record behind the control API: registered receivers, deliveries with their tries, and
//! the bodies of recently published events.

use super::receiver::Receiver;
use super::Vendor;
use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How many published events stay retrievable.
pub const MAX_EVENTS: usize = 10_000;

/// How many deliveries are kept; the oldest go first (a pending one then stops being retried).
pub const MAX_DELIVERIES: usize = 10_000;

/// A receiver and the queue of its first tries.
pub(super) struct Registered {
    pub receiver: Arc<Receiver>,
    /// Feeds the receiver's worker; `None` until its first delivery.
    pub queue: Option<UnboundedSender<u64>>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// A try is due or under way.
    Pending,
    /// A try got a 2xx answer.
    Delivered,
    /// Every try failed, or its receiver was deleted first.
    Failed,
}

impl DeliveryStatus {
    /// Every status.
    pub const ALL: &'static [DeliveryStatus] = &[Self::Pending, Self::Delivered, Self::Failed];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }
}

/// One attempt to deliver.
#[derive(Debug, Clone)]
pub struct Try {
    /// When the request started (real time).
    pub at: DateTime<Utc>,
    /// The answer's status, when one came.
    pub status_code: Option<u16>,
    /// Why no answer came.
    pub error: Option<String>,
    /// How long the try took.
    pub duration: Duration,
}

impl Try {
    fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// One event on its way to one receiver.
struct Delivery {
    id: String,
    receiver: Arc<Receiver>,
    namespace: Option<String>,
    event_id: String,
    event_type: String,
    body: Bytes,
    signature: String,
    status: DeliveryStatus,
    tries: Vec<Try>,
    next_try_at: Option<DateTime<Utc>>,
}

/// What a try needs to send.
pub(super) struct Due {
    pub receiver: Arc<Receiver>,
    pub namespace: Option<String>,
    pub body: Bytes,
    pub signature: String,
}

/// A delivery as the control API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryView {
    /// `whd_…`.
    pub id: String,
    /// The vendor of the event.
    pub vendor: Vendor,
    /// The receiver's ID.
    pub receiver_id: String,
    /// The receiver's URL.
    pub url: String,
    /// The event's ID.
    pub event_id: String,
    /// The event's type.
    pub event_type: String,
    /// The named namespace whose event it carries; absent for the default namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Where the delivery stands.
    pub status: DeliveryStatus,
    /// Every try so far, oldest first.
    pub tries: Vec<TryView>,
    /// When the next try is due; `null` once the delivery is over.
    pub next_try_at: Option<String>,
}

/// A try as the control API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TryView {
    /// When it started, RFC 3339 with milliseconds (real time).
    pub at: String,
    /// The receiver's status code; `null` when no answer came.
    pub status_code: Option<u16>,
    /// Why no answer came (connection refused, timeout…); `null` when one came.
    pub error: Option<String>,
    /// Milliseconds from the start of the request to the answer or the error.
    pub duration_ms: u64,
}

/// A receiver as the control API shows it (never its signing key or authorization).
#[derive(Debug, Clone, Serialize)]
pub struct ReceiverView {
    /// `whr_…`.
    pub id: String,
    /// The vendor whose events it receives.
    pub vendor: Vendor,
    /// The target URL.
    pub url: String,
    /// The event-type filter; `null` means every type.
    pub event_types: Option<Vec<String>>,
    /// `config` or `control`.
    pub source: super::Source,
    /// The named namespace whose events alone it hears; absent when it hears every namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

impl ReceiverView {
    /// The public view of `receiver`.
    pub fn of(receiver: &Receiver) -> ReceiverView {
        ReceiverView {
            id: receiver.id.clone(),
            vendor: receiver.vendor,
            url: receiver.url.to_string(),
            event_types: receiver.event_types.clone(),
            source: receiver.source,
            namespace: receiver.namespace.clone(),
        }
    }
}

/// Which deliveries a listing shows; `None` matches anything.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only this vendor's.
    pub vendor: Option<Vendor>,
    /// Only this event type's.
    pub event_type: Option<String>,
    /// Only deliveries in this status.
    pub status: Option<DeliveryStatus>,
    /// Only the deliveries of this named namespace's events.
    pub namespace: Option<String>,
}

/// Receivers, deliveries and events; guarded by one mutex.
#[derive(Default)]
pub(super) struct Ledger {
    pub receivers: Vec<Registered>,
    /// By publish sequence number, so iteration is publish order.
    deliveries: BTreeMap<u64, Delivery>,
    events: HashMap<String, Bytes>,
    event_order: VecDeque<String>,
    next_seq: u64,
}

/// RFC 3339 with milliseconds and `Z`.
fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Ledger {
    /// Keeps `body` as the event `id` (a republished ID replaces the body).
    pub fn remember_event(&mut self, id: &str, body: Bytes) {
        if self.events.insert(id.to_string(), body).is_none() {
            self.event_order.push_back(id.to_string());
        }
        while self.event_order.len() > MAX_EVENTS {
            if let Some(old) = self.event_order.pop_front() {
                self.events.remove(&old);
            }
        }
    }

    /// The body of a kept event.
    pub fn event(&self, id: &str) -> Option<Bytes> {
        self.events.get(id).cloned()
    }

    /// Records a pending delivery of an event to `receiver`; returns its sequence number.
    pub fn add_delivery(
        &mut self,
        receiver: Arc<Receiver>,
        namespace: Option<String>,
        event_id: &str,
        event_type: &str,
        body: Bytes,
        now: DateTime<Utc>,
    ) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        let signature = super::hmac_sha256_hex(&receiver.signing_key, &body);
        self.deliveries.insert(
            seq,
            Delivery {
                id: crate::ids::prefixed_hex_id("whd_"),
                receiver,
                namespace,
                event_id: event_id.to_string(),
                event_type: event_type.to_string(),
                body,
                signature,
                status: DeliveryStatus::Pending,
                tries: Vec::new(),
                next_try_at: Some(now),
            },
        );
        while self.deliveries.len() > MAX_DELIVERIES {
            self.deliveries.pop_first();
        }
        seq
    }

    /// What to send for delivery `seq`, if it is still pending.
    pub fn due(&self, seq: u64) -> Option<Due> {
        let delivery = self.deliveries.get(&seq)?;
        (delivery.status == DeliveryStatus::Pending).then(|| Due {
            receiver: delivery.receiver.clone(),
            namespace: delivery.namespace.clone(),
            body: delivery.body.clone(),
            signature: delivery.signature.clone(),
        })
    }

    /// Adds a finished try to delivery `seq` and returns the wait before the next one, if any.
    /// `retry_delays[n]` is the wait after the `n+1`-th failed try.
    pub fn record(&mut self, seq: u64, done: Try, retry_delays: &[Duration]) -> Option<Duration> {
        let delivery = self.deliveries.get_mut(&seq)?;
        let succeeded = done.succeeded();
        let finished_at = done.at + chrono::Duration::from_std(done.duration).unwrap_or_default();
        delivery.tries.push(done);
        if succeeded {
            delivery.status = DeliveryStatus::Delivered;
            delivery.next_try_at = None;
            return None;
        }
        if delivery.status != DeliveryStatus::Pending {
            return None;
        }
        match retry_delays.get(delivery.tries.len() - 1) {
            Some(&delay) => {
                delivery.next_try_at =
                    Some(finished_at + chrono::Duration::from_std(delay).unwrap_or_default());
                Some(delay)
            }
            None => {
                delivery.status = DeliveryStatus::Failed;
                delivery.next_try_at = None;
                None
            }
        }
    }

    /// Ends the pending deliveries to receiver `id` as failed.
    pub fn abandon(&mut self, receiver_id: &str) {
        for delivery in self.deliveries.values_mut() {
            if delivery.receiver.id == receiver_id && delivery.status == DeliveryStatus::Pending {
                delivery.status = DeliveryStatus::Failed;
                delivery.next_try_at = None;
            }
        }
    }

    /// Forgets every delivery and event.
    pub fn forget_traffic(&mut self) {
        self.deliveries.clear();
        self.events.clear();
        self.event_order.clear();
    }

    /// The deliveries `filter` selects, in publish order.
    pub fn deliveries(&self, filter: &DeliveryFilter) -> Vec<DeliveryView> {
        self.deliveries
            .values()
            .filter(|d| filter.vendor.is_none_or(|v| d.receiver.vendor == v))
            .filter(|d| {
                filter
                    .event_type
                    .as_ref()
                    .is_none_or(|t| &d.event_type == t)
            })
            .filter(|d| filter.status.is_none_or(|s| d.status == s))
            .filter(|d| filter.namespace.is_none() || d.namespace == filter.namespace)
            .map(|d| DeliveryView {
                id: d.id.clone(),
                vendor: d.receiver.vendor,
                receiver_id: d.receiver.id.clone(),
                url: d.receiver.url.to_string(),
                event_id: d.event_id.clone(),
                event_type: d.event_type.clone(),
                namespace: d.namespace.clone(),
                status: d.status,
                tries: d
                    .tries
                    .iter()
                    .map(|t| TryView {
                        at: timestamp(t.at),
                        status_code: t.status_code,
                        error: t.error.clone(),
                        duration_ms: t.duration.as_millis() as u64,
                    })
                    .collect(),
                next_try_at: d.next_try_at.map(timestamp),
            })
            .collect()
    }
}
