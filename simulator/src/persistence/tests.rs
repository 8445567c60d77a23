//! Round trips of every store through the state file's JSON, and the refusals of bad files.

use super::file::{parse, temp_path, LoadError};
use super::format::{NamespaceState, StateFile};
use super::saver::encode_for_tests;
use super::*;
use crate::checkout::engine as co;
use crate::checkout::model::{CaptureAction, ResponseCode};
use crate::checkout::request::{NewApplicant, NewAttempt, NewFaceAuthentication, PhoneNumber};
use crate::checkout::sandbox::Step;
use crate::config::Config;
use crate::media::{DeterministicMatcher, FixtureFormat, FixtureSpec, Marker, Matcher};
use crate::truora::engine as tr;
use crate::truora::form::{NewEnrollment, NewValidation};
use crate::truora::model::{DeclinedReason, Subvalidation, DEFAULT_THRESHOLD};
use crate::trustmatic::model::Operation;
use crate::trustmatic::outcomes::{ArmRequest, Outcomes};
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use std::path::PathBuf;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn picture(marker: &str, variant: u32) -> Bytes {
    Bytes::from(crate::media::render(&FixtureSpec {
        marker: Marker::parse(marker).unwrap(),
        format: FixtureFormat::Png,
        variant,
    }))
}

fn config() -> Config {
    Config::load(None).unwrap()
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("facesim-persistence-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A short stand-in for file contents in compared answers.
fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Asserts two multi-line answers are equal, showing the first line that differs.
fn same_answers(restored: &str, original: &str) {
    for (n, (r, o)) in restored.lines().zip(original.lines()).enumerate() {
        assert_eq!(r, o, "line {n} differs");
    }
    assert_eq!(restored.lines().count(), original.lines().count());
}

/// Serializes a value, reads it back, and serializes the copy: both texts must be equal.
fn through_json<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> T {
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    back
}

// ----- Truora -----

fn truora_settings() -> tr::Settings {
    tr::Settings::from_config(&config().truora)
}

fn upload(store: &mut tr::Store, upload_id: &str, bytes: Bytes, now: DateTime<Utc>) {
    let matcher = DeterministicMatcher;
    let analysis = matcher.analyze(&bytes, true);
    store
        .accept_upload(upload_id, bytes, analysis, &matcher, now)
        .unwrap();
}

fn enrollment(store: &mut tr::Store, account: &str) -> tr::Enrollment {
    let request = NewEnrollment {
        account_id: Some(account.into()),
        confirmation_none: false,
    };
    store
        .create_enrollment(request, tr::Caller::default(), t0())
        .unwrap()
        .clone()
}

fn validation(store: &mut tr::Store, account: &str) -> tr::Validation {
    let request = NewValidation {
        account_id: account.into(),
        threshold: DEFAULT_THRESHOLD,
        liveness: None,
        subvalidations: vec![Subvalidation::Similarity, Subvalidation::PassiveLiveness],
        minimum_precision: None,
        timeout_seconds: Some(600),
        retry_of_id: None,
    };
    store
        .create_validation(request, "203.0.113.9".into(), t0())
        .unwrap()
        .clone()
}

/// Enrollments waiting for a file, waiting for a validation, failed and successful;
/// validations pending without a file, processing, succeeded and declined; an armed outcome.
fn truora_store() -> tr::Store {
    let mut s = tr::Store::new(truora_settings());
    enrollment(&mut s, "waiting-file");
    let failed = enrollment(&mut s, "no-face");
    upload(
        &mut s,
        &failed.upload.id,
        picture("subject=x;face=none", 0),
        t0(),
    );
    for account in ["alice", "bob", "carol"] {
        let e = enrollment(&mut s, account);
        upload(
            &mut s,
            &e.upload.id,
            picture(&format!("subject={account}"), 0),
            t0(),
        );
    }
    validation(&mut s, "alice");
    let success = validation(&mut s, "bob");
    upload(&mut s, &success.upload.id, picture("subject=bob", 1), t0());
    s.settle(t0() + Duration::seconds(30));
    let declined = validation(&mut s, "carol");
    upload(
        &mut s,
        &declined.upload.id,
        picture("subject=mallory", 1),
        t0(),
    );
    s.arm_outcome(
        "dave",
        tr::ForcedVerdict::Declined(DeclinedReason::FaceInBlocklist),
        2,
    )
    .unwrap();
    s.arm_outcome("erin", tr::ForcedVerdict::SystemError, 1)
        .unwrap();
    s
}

/// Everything the Truora API would answer about the store at `at`, as text.
fn truora_answers(store: &mut tr::Store, at: DateTime<Utc>) -> String {
    store.settle(at);
    let mut enrollments: Vec<_> = store.all_enrollments().map(|e| format!("{e:?}")).collect();
    let mut validations: Vec<_> = store.all_validations().map(|v| format!("{v:?}")).collect();
    enrollments.sort();
    validations.sort();
    let files = store
        .all_enrollments()
        .map(|e| e.upload.file_id.clone())
        .chain(store.all_validations().map(|v| v.upload.file_id.clone()))
        .flatten()
        .map(|id| format!("{:?}", store.file(&id).map(|f| (f.kind, digest(&f.bytes)))))
        .collect::<std::collections::BTreeSet<_>>();
    format!(
        "{enrollments:#?}\n{validations:#?}\n{files:?}\n{:?}",
        store.armed_outcomes()
    )
}

#[test]
fn a_truora_store_round_trips_with_identical_answers() {
    let mut original = truora_store();
    let snapshot = through_json(&original.snapshot());
    let mut restored = tr::Store::restore(truora_settings(), snapshot);
    assert_eq!(
        serde_json::to_string(&restored.snapshot()).unwrap(),
        serde_json::to_string(&original.snapshot()).unwrap()
    );
    for at in [t0(), t0() + Duration::seconds(5), t0() + Duration::hours(2)] {
        let answers = truora_answers(&mut original, at);
        same_answers(&truora_answers(&mut restored, at), &answers);
    }
    assert!(truora_answers(&mut restored, t0()).contains("FaceInBlocklist"));
    // The armed outcome still decides the next validation of its account.
    let dave = enrollment(&mut restored, "dave");
    upload(
        &mut restored,
        &dave.upload.id,
        picture("subject=dave", 0),
        t0(),
    );
    let forced = validation(&mut restored, "dave");
    assert_eq!(
        forced.forced,
        Some(tr::ForcedVerdict::Declined(DeclinedReason::FaceInBlocklist))
    );
    assert_eq!(restored.armed_outcomes()[0].remaining, 1);
}

// ----- Checkout -----

fn checkout_settings() -> co::Settings {
    co::Settings::from_config(&config().checkout)
}

fn new_attempt() -> NewAttempt {
    NewAttempt {
        redirect_url: "https://merchant.example/done".into(),
        client_information: None,
        phone_number: Some(PhoneNumber {
            country_code: "+33".into(),
            number: "612345678".into(),
        }),
    }
}

/// Applicants with and without a reference; attempts pending redirection, in progress,
/// with checks running, approved, declined, aborted; events in the outbox; armed outcomes.
fn checkout_store() -> co::Store {
    let settings = checkout_settings();
    let mut s = co::Store::new(settings);
    let account = s
        .account(&checkout_settings().accounts[0].secret_key)
        .unwrap();
    let session = co::SessionInfo {
        ip_address: "203.0.113.7".into(),
        user_agent: Some("Mozilla/5.0 (iPhone) Mobile".into()),
    };
    let mut fas = Vec::new();
    for n in 0..6 {
        let applicant = s
            .create_applicant(
                account,
                NewApplicant {
                    external_applicant_id: Some(format!("ext_{n}")),
                    email: Some(format!("a{n}@example.com")),
                    external_applicant_name: Some(format!("Applicant {n}")),
                },
                t0(),
            )
            .id
            .clone();
        let fa = s
            .create_face_authentication(
                account,
                NewFaceAuthentication {
                    applicant_id: Ok(applicant.clone()),
                    user_journey_id: Ok("usj_t5bdzsdmi57ehhkrnmp5omjimu".into()),
                },
                t0(),
            )
            .unwrap()
            .id
            .clone();
        fas.push((applicant, fa));
    }
    let actions = [
        None,
        Some(CaptureAction::Open),
        Some(CaptureAction::Selfie(picture("subject=zoe", 0))),
        Some(CaptureAction::Approve),
        Some(CaptureAction::Decline(ResponseCode::FACE_MISMATCH)),
        Some(CaptureAction::Abort(ResponseCode::APPLICANT_DROP)),
    ];
    for ((_, fa), action) in fas.iter().zip(actions) {
        let attempt = s
            .create_attempt(account, fa, new_attempt(), t0())
            .unwrap()
            .id
            .clone();
        if let Some(action) = action {
            s.act(&attempt, action, &session, &DeterministicMatcher, t0())
                .unwrap();
        }
    }
    s.settle(t0());
    s.arm_outcome(&fas[0].0, Step::Decline(ResponseCode::FACE_NOT_LIVE), 3)
        .unwrap();
    s.arm_outcome(&fas[1].0, Step::Approve, 1).unwrap();
    s
}

/// Everything the Checkout API would answer about the store at `at`, as text (the outbox
/// drained).
fn checkout_answers(store: &mut co::Store, at: DateTime<Utc>) -> String {
    store.settle(at);
    let mut applicants: Vec<_> = store.all_applicants().map(|a| format!("{a:?}")).collect();
    let mut fas: Vec<_> = store
        .all_face_authentications()
        .map(|f| format!("{f:?}"))
        .collect();
    let attempt_ids: Vec<String> = store
        .all_face_authentications()
        .flat_map(|f| f.attempts.clone())
        .collect();
    let mut attempts: Vec<_> = attempt_ids
        .iter()
        .map(|id| {
            let attempt = store.any_attempt(id).unwrap();
            let assets: Vec<_> = attempt
                .assets
                .iter()
                .map(|a| {
                    let asset = store.asset(a).unwrap();
                    let content = digest(&asset.bytes);
                    format!(
                        "{} {} {:?} {:?} {content}",
                        asset.id, asset.attempt_id, asset.kind, asset.media
                    )
                })
                .collect();
            format!("{attempt:?} {assets:?}")
        })
        .collect();
    applicants.sort();
    fas.sort();
    attempts.sort();
    format!(
        "{applicants:#?}\n{fas:#?}\n{attempts:#?}\n{:?}\n{:?}\n{:?}",
        // Events of transitions after the restore get fresh IDs on each store.
        store
            .drain_events()
            .into_iter()
            .map(|e| {
                let id = if e.at <= t0() { e.id } else { String::new() };
                (
                    id,
                    e.kind,
                    e.at,
                    e.face_authentication_id,
                    e.status,
                    e.response_codes,
                )
            })
            .collect::<Vec<_>>(),
        store.armed_outcomes(),
        store.next_due()
    )
}

#[test]
fn a_checkout_store_round_trips_with_identical_answers() {
    let mut original = checkout_store();
    assert!(original.has_events());
    let snapshot = through_json(&original.snapshot());
    let mut restored = co::Store::restore(checkout_settings(), snapshot).unwrap();
    assert_eq!(
        serde_json::to_string(&restored.snapshot()).unwrap(),
        serde_json::to_string(&original.snapshot()).unwrap()
    );
    let first = checkout_answers(&mut original, t0());
    same_answers(&checkout_answers(&mut restored, t0()), &first);
    for status in [
        "PendingRedirection",
        "CaptureInProgress",
        "Approved",
        "Declined",
        "CaptureAborted",
        "mobile",
    ] {
        assert!(first.contains(status), "{status} missing from {first}");
    }
    // Checks that were running finish, and links expire, the same way after the restore.
    for at in [t0() + Duration::seconds(10), t0() + Duration::hours(3)] {
        same_answers(
            &checkout_answers(&mut restored, at),
            &checkout_answers(&mut original, at),
        );
    }
}

#[test]
fn checkout_resources_of_an_account_the_configuration_lacks_are_refused() {
    let snapshot = checkout_store().snapshot();
    let mut settings = checkout_settings();
    settings.accounts.clear();
    let err = co::Store::restore(settings, snapshot).unwrap_err();
    assert!(
        err.contains("account 1") && err.contains("0 account"),
        "{err}"
    );
}

// ----- Trustmatic -----

#[test]
fn trustmatic_outcomes_round_trip() {
    let mut outcomes = Outcomes::default();
    outcomes
        .arm(ArmRequest {
            operation: Some(Operation::FaceVerify),
            session_id: Some("s1".into()),
            error: None,
            score: Some(12.0),
            times: Some(2),
        })
        .unwrap();
    outcomes
        .arm(ArmRequest {
            operation: None,
            session_id: None,
            error: Some("INTERNAL_ERROR".into()),
            score: None,
            times: None,
        })
        .unwrap();
    outcomes
        .arm(ArmRequest {
            operation: Some(Operation::FaceLiveness),
            session_id: None,
            error: None,
            score: Some(0.1234567),
            times: None,
        })
        .unwrap();
    let mut restored = through_json(&outcomes);
    assert_eq!(restored, outcomes);
    let next = restored.arm(ArmRequest {
        operation: None,
        session_id: None,
        error: Some("INTERNAL_ERROR".into()),
        score: None,
        times: None,
    });
    assert_eq!(
        next.unwrap().id,
        "outcome_4",
        "IDs continue after a restore"
    );
    assert_eq!(
        restored.take(Operation::FaceVerify, Some("s1")),
        outcomes.take(Operation::FaceVerify, Some("s1"))
    );
}

// ----- the whole state and the file -----

fn app() -> App {
    App::new(
        config(),
        "http://127.0.0.1:1".into(),
        Arc::new(DeterministicMatcher),
    )
}

/// An app with state in the default namespace and in `team-a` (its clock 90 minutes ahead).
fn app_with_state() -> App {
    let app = app();
    *app.tenants.default_tenant().truora.lock() = truora_store();
    let named = app.tenants.get_or_create(Some("team-a")).unwrap();
    *named.checkout.lock() = checkout_store();
    named
        .trustmatic
        .lock()
        .arm(ArmRequest {
            operation: None,
            session_id: None,
            error: Some("INTERNAL_ERROR".into()),
            score: None,
            times: Some(5),
        })
        .unwrap();
    named.clock.advance(Duration::minutes(90));
    app
}

#[test]
fn saving_and_loading_restores_every_namespace_and_clock() {
    let dir = scratch("whole");
    let path = dir.join("state.json");
    let original = app_with_state();
    assert!(matches!(
        save(&path, &original).unwrap(),
        Saved::Written { namespaces: 2, .. }
    ));
    let mut restored = app();
    assert_eq!(
        load(&path, &mut restored).unwrap(),
        Loaded::Restored { namespaces: 2 }
    );
    assert_eq!(
        restored.signer.key(),
        original.signer.key(),
        "links stay valid"
    );
    let named = restored.tenants.get_or_create(Some("team-a")).unwrap();
    assert_eq!(named.clock.offset(), Duration::minutes(90));
    assert_eq!(
        restored.tenants.default_tenant().clock.offset(),
        Duration::zero()
    );
    assert_eq!(named.trustmatic.lock().list()[0].remaining, 5);
    let at = chrono::Utc::now();
    assert_eq!(
        encode_for_tests(&StateFile::capture(&restored, at)),
        encode_for_tests(&StateFile::capture(&original, at)),
        "the same state gives the same bytes"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_file_is_the_state_serialized_deterministically() {
    let app = app_with_state();
    let state = StateFile::capture(&app, t0());
    let mut expected = serde_json::to_vec(&state).unwrap();
    expected.push(b'\n');
    let bytes = encode_for_tests(&state);
    assert_eq!(bytes, expected);
    assert_eq!(encode_for_tests(&StateFile::capture(&app, t0())), bytes);
    let text = String::from_utf8(bytes).unwrap();
    let key = hex::encode(app.signer.key());
    let head = format!(
        "{{\"format\":1,\"saved_at\":\"2027-01-15T08:00:00Z\",\"link_signing_key\":\"{key}\",\"namespaces\":[{{\"name\":null,"
    );
    assert!(text.starts_with(&head), "{}", &text[..120]);
    assert!(text.contains("\"name\":\"team-a\",\"clock_offset_ms\":5400000"));
}

#[test]
fn a_saver_skips_unchanged_state_but_a_forced_save_writes() {
    let dir = scratch("unchanged");
    let saver = Saver::new(dir.join("state.json"));
    let app = app_with_state();
    assert!(matches!(
        saver.save(&app, false).unwrap(),
        Saved::Written { .. }
    ));
    assert_eq!(saver.save(&app, false).unwrap(), Saved::Unchanged);
    assert!(matches!(
        saver.save(&app, true).unwrap(),
        Saved::Written { .. }
    ));
    app.tenants
        .default_tenant()
        .clock
        .advance(Duration::seconds(1));
    assert!(matches!(
        saver.save(&app, false).unwrap(),
        Saved::Written { .. }
    ));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_missing_file_starts_empty() {
    let dir = scratch("missing");
    let mut app = app();
    assert_eq!(
        load(&dir.join("none.json"), &mut app).unwrap(),
        Loaded::NoFile
    );
    assert_eq!(app.tenants.all().len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_leftover_temporary_file_does_not_matter() {
    let dir = scratch("leftover");
    let path = dir.join("state.json");
    std::fs::write(temp_path(&path), b"{half a file").unwrap();
    assert_eq!(load(&path, &mut app()).unwrap(), Loaded::NoFile);
    save(&path, &app_with_state()).unwrap();
    assert!(
        !temp_path(&path).exists(),
        "the save renamed its temporary file"
    );
    std::fs::write(temp_path(&path), b"{half a file").unwrap();
    assert_eq!(
        load(&path, &mut app()).unwrap(),
        Loaded::Restored { namespaces: 2 }
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_failed_save_keeps_the_previous_file() {
    let dir = scratch("failed");
    let path = dir.join("state.json");
    save(&path, &app()).unwrap();
    let before = std::fs::read(&path).unwrap();
    // A directory where the temporary file should go makes the write fail.
    std::fs::create_dir(temp_path(&path)).unwrap();
    let err = save(&path, &app_with_state()).unwrap_err().to_string();
    assert!(err.contains("state.json"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    std::fs::remove_dir_all(dir).unwrap();
}

fn refusal(bytes: &[u8]) -> String {
    let err = parse(std::path::Path::new("/tmp/s.json"), bytes).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("/tmp/s.json"), "{text}");
    text
}

#[test]
fn bad_files_are_refused_with_what_is_wrong() {
    let good = encode_for_tests(&StateFile::capture(&app_with_state(), t0()));
    let good = String::from_utf8(good).unwrap();
    assert!(parse(std::path::Path::new("s.json"), good.as_bytes()).is_ok());

    let text = refusal(&good.as_bytes()[..good.len() / 2]);
    assert!(
        text.contains("not a valid facesim state file") && text.contains("line 1"),
        "{text}"
    );
    let text = refusal(b"");
    assert!(text.contains("empty"), "{text}");
    let text = refusal(b"[1, 2]");
    assert!(text.contains("invalid JSON"), "{text}");
    let text = refusal(b"{\"namespaces\": []}");
    assert!(text.contains("no \"format\""), "{text}");

    let newer = good.replacen("\"format\":1", "\"format\":2", 1);
    let err = parse(std::path::Path::new("s.json"), newer.as_bytes()).unwrap_err();
    assert!(matches!(err, LoadError::Version { .. }));
    let text = err.to_string();
    assert!(
        text.contains("format version 2") && text.contains("reads version 1"),
        "{text}"
    );

    let unknown = good.replacen("\"saved_at\"", "\"extra\":true,\"saved_at\"", 1);
    assert!(refusal(unknown.as_bytes()).contains("unknown field `extra`"));
    let status = good.replacen("\"status\":\"success\"", "\"status\":\"sucess\"", 1);
    assert!(refusal(status.as_bytes()).contains("sucess"));
}

#[test]
fn a_state_that_does_not_fit_the_configuration_is_refused() {
    let dir = scratch("misfit");
    let path = dir.join("state.json");
    save(&path, &app_with_state()).unwrap();
    let mut small = config();
    small.isolation.max_namespaces = 0;
    let mut app = App::new(
        small,
        "http://127.0.0.1:1".into(),
        Arc::new(DeterministicMatcher),
    );
    let err = load(&path, &mut app).unwrap_err().to_string();
    assert!(
        err.contains("cannot be restored") && err.contains("team-a"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_default_namespace_may_be_named_default_but_only_once() {
    let app = app_with_state();
    let mut state = StateFile::capture(&app, t0());
    state.namespaces[0].name = Some("default".into());
    let text = serde_json::to_vec(&state).unwrap();
    let mut restored = self::app();
    restore(
        std::path::Path::new("s.json"),
        parse(std::path::Path::new("s.json"), &text).unwrap(),
        &mut restored,
    )
    .unwrap();
    assert_eq!(restored.tenants.all().len(), 2);
    let twice: NamespaceState = state.namespaces[0].clone();
    state.namespaces.push(NamespaceState {
        name: None,
        ..twice
    });
    let err = restore(std::path::Path::new("s.json"), state, &mut self::app())
        .unwrap_err()
        .to_string();
    assert!(err.contains("appears twice"), "{err}");
}
