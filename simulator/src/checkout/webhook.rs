//! The version 1.2.0 webhook envelope of face-authentication events.

use super::engine::Event;
use super::views::response_codes;
use crate::webhooks::{Outgoing, Vendor};
use serde_json::{json, Map, Value};

/// The envelope `version`.
pub const VERSION: &str = "1.2.0";

/// `created_on` of an event: RFC 3339 UTC with microseconds.
fn created_on(event: &Event) -> String {
    event.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The JSON body of `event`; its `_links.self` points at
/// `{public_url}/_facesim/webhooks/events/{id}`.
pub fn envelope(event: &Event, public_url: &str) -> Value {
    let mut data = Map::new();
    data.insert("applicant_id".into(), json!(event.applicant_id));
    if let Some(external) = &event.external_applicant_id {
        data.insert("external_applicant_id".into(), json!(external));
    }
    data.insert(
        "face_authentication_id".into(),
        json!(event.face_authentication_id),
    );
    data.insert("status".into(), json!(event.status.as_str()));
    data.insert(
        "response_codes".into(),
        json!(response_codes(&event.response_codes)),
    );
    data.insert("user_journey_id".into(), json!(event.user_journey_id));
    json!({
        "id": event.id,
        "type": event.kind.as_str(),
        "version": VERSION,
        "created_on": created_on(event),
        "data": data,
        "_links": {
            "self": {"href": format!("{public_url}/_facesim/webhooks/events/{}", event.id)}
        }
    })
}

/// The outgoing webhook of `event`.
pub fn outgoing(event: &Event, public_url: &str) -> Outgoing {
    Outgoing {
        vendor: Vendor::Checkout,
        event_id: event.id.clone(),
        event_type: event.kind.as_str().to_string(),
        body: envelope(event, public_url),
        namespace: None,
    }
}
