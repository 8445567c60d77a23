//! The `[webhooks]` section of the configuration file.

use crate::config::Config;

#[test]
fn the_embedded_default_retries_five_times_and_has_no_receivers() {
    let config = Config::load(None).unwrap().webhooks;
    assert_eq!(config.timeout_ms, 5000);
    assert_eq!(config.retry_delays_ms, [1000, 2000, 4000, 8000, 16000]);
    assert!(config.receivers.is_empty());
}

#[test]
fn receivers_are_read_with_their_optional_fields() {
    let config = Config::parse(
        r#"
        [webhooks]
        timeout_ms = 250
        retry_delays_ms = []

        [[webhooks.receivers]]
        vendor = "checkout"
        url = "http://127.0.0.1:8080/hooks"
        signing_key = "whsec"
        authorization = "Bearer t"
        event_types = ["face_authentication_checks_completed"]

        [[webhooks.receivers]]
        vendor = "checkout"
        url = "http://hooks.internal/cko"
        signing_key = "other"
        "#,
    )
    .unwrap()
    .webhooks;
    assert_eq!(config.timeout_ms, 250);
    assert!(config.retry_delays_ms.is_empty());
    let [first, second] = &config.receivers[..] else {
        panic!("two receivers: {:?}", config.receivers);
    };
    assert_eq!(first.authorization.as_deref(), Some("Bearer t"));
    assert_eq!(
        first.event_types.as_deref(),
        Some(&["face_authentication_checks_completed".to_string()][..])
    );
    assert_eq!(second.url, "http://hooks.internal/cko");
    assert!(second.authorization.is_none() && second.event_types.is_none());
}

#[test]
fn bad_receivers_and_timings_are_refused_at_load() {
    let receiver = |fields: &str| format!("[[webhooks.receivers]]\n{fields}");
    let cases = [
        (
            receiver("vendor='checkout'\nurl='https://a.example/'\nsigning_key='k'"),
            "webhooks.receivers[0]: url \"https://a.example/\" uses https, but facesim delivers webhooks over plain HTTP only",
        ),
        (
            receiver("vendor='acme'\nurl='http://a/'\nsigning_key='k'"),
            "known vendors: checkout",
        ),
        (
            receiver("vendor='checkout'\nurl='http://a/'\nsigning_key=''"),
            "signing_key must not be empty",
        ),
        (
            receiver("vendor='checkout'\nurl='http://a/'\nsigning_key='k'\nevent_types=['x']"),
            "unknown checkout event type \"x\"",
        ),
        (
            receiver("vendor='checkout'\nurl='http://a/'\nsigning_key='k'\nsecret='s'"),
            "secret",
        ),
        ("[webhooks]\ntimeout_ms = 0".to_string(), "webhooks.timeout_ms"),
        (
            "[webhooks]\nretry_delays_ms = [3600001]".to_string(),
            "webhooks.retry_delays_ms",
        ),
        ("[webhooks]\nretries = 3".to_string(), "retries"),
    ];
    for (text, needle) in cases {
        let err = Config::parse(&text).unwrap_err();
        assert!(err.contains(needle), "{text}\n=> {err}");
    }
}
