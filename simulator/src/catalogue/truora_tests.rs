//! Runs every Truora trigger of the catalogue through the Truora engine.

use super::truora::{outcomes, ARM, ENROLL, VALIDATE};
use super::{How, Outcome, Trigger};
use crate::armed::routes::ArmRequest;
use crate::config::TruoraConfig;
use crate::media::{render, DeterministicMatcher, FixtureFormat, FixtureSpec, Marker, Matcher};
use crate::scenario::file::Rule;
use crate::scenario::ScenarioFile;
use crate::truora::engine::{Caller, Enrollment, ForcedVerdict, Settings, Store, Validation};
use crate::truora::form::{Form, NewEnrollment, NewValidation};
use crate::truora::model::{
    DeclinedReason, EnrollmentReason, EnrollmentStatus, ExpiredReason, FailureStatus,
    ValidationStatus,
};
use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

const ACCOUNT: &str = "acc-catalogue";

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

/// The bytes a slot of the example uploads: a marked picture, or a file's text.
fn upload_bytes(example: &Value, slot: &str) -> Option<Bytes> {
    if let Some(marker) = example["pictures"][slot].as_str() {
        let spec = FixtureSpec {
            marker: Marker::parse(marker).unwrap(),
            format: FixtureFormat::Png,
            variant: 0,
        };
        return Some(Bytes::from(render(&spec)));
    }
    example["files"][slot]
        .as_str()
        .map(|text| Bytes::from(text.as_bytes().to_vec()))
}

/// The example's account: the one its control body arms an outcome for, or [`ACCOUNT`].
fn account(example: &Value) -> &str {
    example["body"]["account_id"].as_str().unwrap_or(ACCOUNT)
}

/// The example's form fields as a urlencoded body, with the account.
fn form(example: &Value) -> Form {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("account_id", account(example));
    for (key, value) in example["fields"].as_object().unwrap() {
        match value {
            Value::Array(items) => items.iter().for_each(|i| {
                body.append_pair(key, i.as_str().unwrap());
            }),
            other => {
                body.append_pair(key, other.as_str().unwrap());
            }
        }
    }
    Form::parse(body.finish().as_bytes())
}

fn upload(store: &mut Store, upload_id: &str, bytes: Bytes, now: DateTime<Utc>) {
    let analysis = DeterministicMatcher.analyze(&bytes, true);
    // A refused upload (400) is part of some examples: it leaves the link usable.
    let _ = store.accept_upload(upload_id, bytes, analysis, &DeterministicMatcher, now);
}

/// The one rule of a scenario example, read as the control API reads it.
fn scenario_rule(trigger: &Trigger) -> Rule {
    let file = ScenarioFile::parse(&trigger.example["scenario"].to_string()).unwrap();
    file.rules[0].clone()
}

/// The outcome a scenario example forces on the validation it creates, if any.
fn forced_outcome(trigger: &Trigger) -> Option<ForcedVerdict> {
    if trigger.how != How::Scenario {
        return None;
    }
    let rule = scenario_rule(trigger);
    let name = rule.then.outcome.as_deref()?;
    let operation = rule.when.operation.as_ref().unwrap();
    assert!(operation.matches("POST", "/v1/validations").is_some());
    Some(ForcedVerdict::parse(name).expect("a Truora outcome"))
}

/// How far the example moves the clock after its uploads.
fn clock_step(trigger: &Trigger) -> Duration {
    let example = &trigger.example;
    let seconds = match trigger.how {
        How::Control if example["request"] == ARM => 0.0,
        How::Control => {
            assert_eq!(example["request"], "POST /_facesim/clock/advance");
            example["body"]["seconds"].as_f64().unwrap()
        }
        How::Scenario => {
            let rule = scenario_rule(trigger);
            if rule.then.outcome.is_some() {
                return Duration::zero();
            }
            let operation = rule.when.operation.as_ref().unwrap();
            assert!(operation.matches("GET", "/v1/validations/VLD1").is_some());
            rule.then.advance_clock_seconds.unwrap().0
        }
        How::Marker | How::Request => 0.0,
        How::Sandbox => panic!("Truora has no sandbox convention"),
    };
    Duration::milliseconds((seconds * 1000.0) as i64)
}

/// Arms the outcome of a control body, read by the control API's own parser.
fn arm(store: &mut Store, body: &Value) {
    let request = ArmRequest::read(body.as_object().unwrap(), "account_id").unwrap();
    let forced = ForcedVerdict::from_name(&request.outcome).unwrap();
    store
        .arm_outcome(&request.target, forced, request.times)
        .unwrap();
}

/// Runs one trigger; answers the enrollment and the validation it ends with.
fn run(trigger: &Trigger) -> (Option<Enrollment>, Option<Validation>) {
    let example = &trigger.example;
    let config = TruoraConfig::default();
    let mut store = Store::new(Settings::from_config(&config));
    let all = Caller {
        confirmation_none: true,
        delete_enrollment: true,
    };
    let operation = example["operation"].as_str().unwrap();
    let mut enrollment = None;
    let enrolls = operation == ENROLL;
    if let Some(bytes) = upload_bytes(example, "enrollment") {
        let new = if enrolls {
            NewEnrollment::from_form(&form(example)).unwrap()
        } else {
            NewEnrollment {
                account_id: Some(account(example).into()),
                confirmation_none: false,
            }
        };
        let e = store.create_enrollment(new, all, t0()).unwrap().clone();
        upload(&mut store, &e.upload.id, bytes, t0());
        enrollment = Some(e.id);
    }
    let mut validation = None;
    let mut now = t0();
    if trigger.how == How::Control && example["request"] == ARM {
        arm(&mut store, &example["body"]);
    }
    if operation == VALIDATE {
        let request = NewValidation::from_form(&form(example)).unwrap();
        let v = store
            .create_validation(request, "203.0.113.7".into(), t0())
            .unwrap()
            .clone();
        if let Some(forced) = forced_outcome(trigger) {
            assert!(store.force_validation(&v.id, forced));
        }
        if let Some(bytes) = upload_bytes(example, "validation") {
            upload(&mut store, &v.upload.id, bytes, t0());
        }
        validation = Some(v.id);
        now += clock_step(trigger);
    }
    now += Duration::seconds(config.processing_delay_seconds as i64);
    store.settle(now);
    let enrollment = enrollment.map(|id| store.enrollment(&id, now).unwrap().clone());
    let validation = validation.map(|id| store.validation(&id, now).unwrap().clone());
    (enrollment, validation)
}

/// Asserts that the engine's answer is `outcome`.
fn assert_outcome(outcome: &Outcome, trigger: &Trigger) {
    let (enrollment, validation) = run(trigger);
    let context = format!("{} {}: {}", outcome.kind, outcome.name, trigger.example);
    let v = || {
        validation
            .as_ref()
            .unwrap_or_else(|| panic!("no validation: {context}"))
    };
    match outcome.kind {
        "validation_status" => {
            assert_eq!(
                ValidationStatus::parse(&outcome.name),
                Some(v().status),
                "{context}"
            )
        }
        "declined_reason" => {
            assert_eq!(
                v().failure_status,
                Some(FailureStatus::Declined),
                "{context}"
            );
            assert_eq!(
                v().declined_reason,
                DeclinedReason::parse(&outcome.name),
                "{context}"
            );
        }
        "expired_reason" => {
            assert_eq!(
                v().failure_status,
                Some(FailureStatus::Expired),
                "{context}"
            );
            assert_eq!(
                v().expired_reason,
                ExpiredReason::parse(&outcome.name),
                "{context}"
            );
        }
        "failure_status" => {
            assert_eq!(
                v().failure_status,
                FailureStatus::parse(&outcome.name),
                "{context}"
            )
        }
        "enrollment_reason" => {
            let e = enrollment.unwrap_or_else(|| panic!("no enrollment: {context}"));
            assert_eq!(e.status, EnrollmentStatus::Failure, "{context}");
            assert_eq!(
                e.reason,
                EnrollmentReason::parse(&outcome.name),
                "{context}"
            );
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn every_truora_trigger_produces_its_outcome() {
    let mut ran = 0;
    for outcome in outcomes() {
        for trigger in &outcome.triggers {
            assert_outcome(&outcome, trigger);
            ran += 1;
        }
    }
    assert!(ran >= outcomes().len());
}

#[test]
fn every_truora_reason_is_catalogued() {
    let listed =
        |kind: &str, name: &str| outcomes().iter().any(|o| o.kind == kind && o.name == name);
    for r in DeclinedReason::ALL {
        assert!(listed("declined_reason", r.as_str()), "{r}");
    }
    for r in ExpiredReason::ALL {
        assert!(listed("expired_reason", r.as_str()), "{r}");
    }
    assert!(listed(
        "failure_status",
        FailureStatus::SystemError.as_str()
    ));
    for r in EnrollmentReason::ALL {
        let pending = matches!(
            r,
            EnrollmentReason::WaitingFileUpload | EnrollmentReason::WaitingFaceValidation
        );
        assert_eq!(listed("enrollment_reason", r.as_str()), !pending, "{r}");
    }
}
