//! Runs every Checkout trigger of the catalogue through the Checkout engine.

use super::checkout::{outcomes, ACT, ARM, AUDIT};
use super::{How, Outcome, Trigger};
use crate::armed::routes::ArmRequest;
use crate::checkout::control::action;
use crate::checkout::engine::{AccountId, FaceAuthentication, SessionInfo, Settings, Store};
use crate::checkout::model::{CaptureAction, ResponseCode, RiskLabel, RESPONSE_CODES};
use crate::checkout::request::{NewApplicant, NewAttempt, NewFaceAuthentication};
use crate::checkout::sandbox::{self, Step};
use crate::config::Config;
use crate::media::{render, DeterministicMatcher, FixtureFormat, FixtureSpec, Marker, Matcher};
use crate::scenario::ScenarioFile;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

fn picture(marker: &str) -> Vec<u8> {
    render(&FixtureSpec {
        marker: Marker::parse(marker).unwrap(),
        format: FixtureFormat::Png,
        variant: 1,
    })
}

/// A store with an applicant (as the example asks), its face authentication and a first attempt.
struct World {
    store: Store,
    account: AccountId,
    fa: String,
    attempt: String,
    session: SessionInfo,
    now: DateTime<Utc>,
    checks: Duration,
}

impl World {
    fn new(config: &Config, example: &Value) -> World {
        let mut store = Store::new(Settings::from_config(&config.checkout));
        let account = store
            .account(&config.checkout.accounts[0].secret_key)
            .unwrap();
        let applicant = NewApplicant {
            external_applicant_id: example["external_applicant_id"].as_str().map(String::from),
            email: None,
            external_applicant_name: None,
        };
        let applicant = store.create_applicant(account, applicant, t0()).id.clone();
        if example["request"] == ARM {
            arm(&mut store, &example["body"], &applicant);
        }
        if let Some(reference) = example["pictures"]["reference"].as_str() {
            let analysis = DeterministicMatcher
                .analyze(&picture(reference), false)
                .unwrap();
            store.set_reference(&applicant, analysis, t0()).unwrap();
        }
        let fa = NewFaceAuthentication {
            applicant_id: Ok(applicant),
            user_journey_id: Ok("usj_t5bdzsdmi57ehhkrnmp5omjimu".into()),
        };
        let fa = store
            .create_face_authentication(account, fa, t0())
            .unwrap()
            .id
            .clone();
        let attempt = NewAttempt {
            redirect_url: "https://merchant.example/done".into(),
            client_information: None,
            phone_number: None,
        };
        let attempt = store
            .create_attempt(account, &fa, attempt, t0())
            .unwrap()
            .id
            .clone();
        World {
            store,
            account,
            fa,
            attempt,
            session: SessionInfo {
                ip_address: "203.0.113.7".into(),
                user_agent: None,
            },
            now: t0(),
            checks: Duration::seconds(config.checkout.checks_duration_seconds as i64),
        }
    }

    /// A control body, read by the control API's own parser, applied to the attempt.
    fn act(&mut self, body: &Value) {
        let action = action(body.as_object().unwrap()).unwrap();
        self.store
            .act(
                &self.attempt,
                action,
                &self.session,
                &DeterministicMatcher,
                self.now,
            )
            .unwrap();
    }

    fn settle_checks(&mut self) {
        self.now += self.checks;
        self.store.settle(self.now);
    }

    fn face_authentication(&mut self) -> &FaceAuthentication {
        self.store.settle(self.now);
        self.store
            .face_authentication(self.account, &self.fa)
            .unwrap()
    }
}

/// Arms the outcome of a control body for `applicant`, read by the control API's own parser.
fn arm(store: &mut Store, body: &Value, applicant: &str) {
    let body = body.to_string().replace("{applicant_id}", applicant);
    let body: Value = serde_json::from_str(&body).unwrap();
    let request = ArmRequest::read(body.as_object().unwrap(), "applicant_id").unwrap();
    let step = Step::from_name(&request.outcome).unwrap();
    store
        .arm_outcome(&request.target, step, request.times)
        .unwrap();
}

/// Runs one trigger; answers the face authentication it ends with.
fn run(trigger: &Trigger) -> FaceAuthentication {
    let config = Config::load(None).unwrap();
    let example = &trigger.example;
    let mut world = World::new(&config, example);
    match trigger.how {
        How::Marker => {
            let selfie = picture(example["pictures"]["selfie"].as_str().unwrap());
            let image = base64::engine::general_purpose::STANDARD.encode(selfie);
            world.act(&json!({ "action": "selfie", "image_base64": image }));
        }
        How::Control if example["request"] == ACT => world.act(&example["body"]),
        How::Control if example["request"] == ARM => world.act(&json!({ "action": "open" })),
        How::Control if example["request"] == AUDIT => {
            world.act(&json!({ "action": "approve" }));
            world.settle_checks();
            let body = &example["body"];
            let code = body["code"]
                .as_u64()
                .map_or(Some(ResponseCode::APPROVED), |c| {
                    ResponseCode::new(c as u32)
                });
            world
                .store
                .audit(&world.fa, code.unwrap(), world.now)
                .unwrap();
        }
        How::Control => {
            assert_eq!(example["request"], "POST /_facesim/clock/advance");
            world.now += Duration::seconds(example["body"]["seconds"].as_i64().unwrap());
        }
        How::Scenario => {
            let file = ScenarioFile::parse(&example["scenario"].to_string()).unwrap();
            let rule = &file.rules[0];
            let operation = rule.when.operation.as_ref().unwrap();
            if let Some(name) = &rule.then.outcome {
                let path = format!("/face-authentications/{}/attempts", world.fa);
                assert!(operation.matches("POST", &path).is_some());
                let step = sandbox::parse_step(name).expect("a Checkout outcome");
                assert!(world.store.force_attempt(&world.attempt, step));
                world.act(&json!({ "action": "open" }));
                world.settle_checks();
                return world.face_authentication().clone();
            }
            assert!(operation
                .matches("GET", &format!("/face-authentications/{}", world.fa))
                .is_some());
            let seconds = rule.then.advance_clock_seconds.unwrap().0;
            world.now += Duration::milliseconds((seconds * 1000.0) as i64);
        }
        How::Sandbox => {
            let open = action(json!({ "action": "open" }).as_object().unwrap()).unwrap();
            assert_eq!(open, CaptureAction::Open);
            world.act(&json!({ "action": "open" }));
        }
        How::Request => panic!("no Checkout trigger is a plain request"),
    }
    world.settle_checks();
    world.face_authentication().clone()
}

fn assert_outcome(outcome: &Outcome, trigger: &Trigger) {
    let fa = run(trigger);
    let context = format!("{} {}: {}", outcome.kind, outcome.name, trigger.example);
    match outcome.kind {
        "response_code" => {
            let codes: Vec<u32> = fa.response_codes.iter().map(|c| c.code()).collect();
            assert_eq!(codes, [outcome.name.parse::<u32>().unwrap()], "{context}");
        }
        "risk_label" => {
            let label = RiskLabel::parse(&outcome.name).unwrap();
            assert!(
                fa.risk_labels.contains(&label),
                "{context}: {:?}",
                fa.risk_labels
            );
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn every_checkout_trigger_produces_its_outcome() {
    let config = Config::load(None).unwrap();
    for outcome in outcomes(&config) {
        for trigger in &outcome.triggers {
            assert_outcome(&outcome, trigger);
        }
    }
}

#[test]
fn every_response_code_and_risk_label_is_catalogued() {
    let config = Config::load(None).unwrap();
    let listed = outcomes(&config);
    for (code, _) in RESPONSE_CODES {
        assert!(
            listed
                .iter()
                .any(|o| o.kind == "response_code" && o.name == code.to_string()),
            "{code}"
        );
    }
    for label in RiskLabel::ALL {
        assert!(listed
            .iter()
            .any(|o| o.kind == "risk_label" && o.name == label.as_str()));
    }
}
