//! `GET /_facesim/catalogue`: its shape, its filter, and the Trustmatic triggers run as a
//! tester would, over real sockets.

mod common;

use common::*;
use facesim::media::FixtureFormat;
use facesim::trustmatic::model::Operation;
use serde_json::{json, Value};

async fn catalogue(sim: &Sim, query: &str) -> Reply {
    sim.send(
        sim.http
            .get(sim.url(&format!("/_facesim/catalogue{query}"))),
    )
    .await
}

#[tokio::test]
async fn the_catalogue_lists_every_api_with_outcomes_and_runnable_triggers() {
    let sim = Sim::start().await;
    let body = catalogue(&sim, "").await.ok();
    let apis = body["apis"].as_object().unwrap();
    assert_eq!(
        apis.keys().collect::<Vec<_>>(),
        ["checkout", "truora", "trustmatic"]
    );
    for (api, listing) in apis {
        let outcomes = listing["outcomes"].as_array().unwrap();
        assert!(!outcomes.is_empty(), "{api}");
        for outcome in outcomes {
            for key in ["name", "kind", "description"] {
                assert!(outcome[key].is_string(), "{api}: {key} in {outcome}");
            }
            let triggers = outcome["triggers"].as_array().unwrap();
            assert!(
                !triggers.is_empty() || outcome["untriggered"].is_string(),
                "{api}: {outcome}"
            );
            for trigger in triggers {
                let how = trigger["how"].as_str().unwrap();
                assert!(
                    ["marker", "request", "control", "sandbox", "scenario"].contains(&how),
                    "{trigger}"
                );
                assert!(trigger["example"].is_object(), "{trigger}");
                assert!(trigger["description"].is_string(), "{trigger}");
            }
        }
    }
    let declined = &apis["truora"]["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "passive_liveness_verification_not_passed")
        .unwrap()["triggers"][0];
    assert_eq!(declined["how"], "marker");
    assert_eq!(
        declined["example"]["pictures"]["validation"],
        "subject=alice;liveness=spoof"
    );
    let sandbox: Vec<&Value> = apis["checkout"]["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["triggers"].as_array().unwrap())
        .filter(|t| t["how"] == "sandbox")
        .collect();
    assert!(sandbox
        .iter()
        .any(|t| t["example"]["external_applicant_id"] == "eaplt_10000000000000000000000000"));
    let actions: Vec<&str> = body["scenario_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    for action in [
        "respond",
        "delay",
        "drop_connection",
        "malformed_body",
        "advance_clock_seconds",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn the_api_filter_keeps_one_api_and_refuses_unknown_ones() {
    let sim = Sim::start().await;
    let body = catalogue(&sim, "?api=trustmatic").await.ok();
    assert_eq!(
        body["apis"].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["trustmatic"]
    );
    let both = catalogue(&sim, "?api=truora&api=checkout").await.ok();
    assert_eq!(both["apis"].as_object().unwrap().len(), 2);
    catalogue(&sim, "?api=paypal")
        .await
        .control_error(400, "bad_request", "paypal");
    catalogue(&sim, "?vendor=truora")
        .await
        .control_error(400, "bad_request", "vendor");
}

/// The JSON body of a Trustmatic call with these picture fields (marker text, `null`: left out).
fn trustmatic_body(pictures: &Value) -> Value {
    let mut body = json!({ "sessionId": "s-1" });
    for (field, marker) in pictures.as_object().unwrap() {
        let Some(marker) = marker.as_str() else {
            continue;
        };
        let picture = b64(&media(marker, FixtureFormat::Png, 0));
        match field.split_once('.') {
            Some((outer, inner)) => body[outer] = json!({ inner: picture }),
            None => body[field.as_str()] = picture.into(),
        }
    }
    body
}

/// A call of `operation` with plain pictures, for triggers that bring none.
fn plain_call(operation: Operation) -> Value {
    let alice = json!("subject=alice");
    let pictures = match operation {
        Operation::FaceVerify => {
            json!({ "probe.imageBase64": alice, "reference.imageBase64": alice })
        }
        Operation::FaceLiveness => json!({ "faceImageBase": alice }),
        Operation::DocumentLiveness => json!({ "frontSideImageBase": "document=genuine" }),
    };
    trustmatic_body(&pictures)
}

/// Carries out one Trustmatic trigger over HTTP; answers the vendor's answer body.
async fn run(sim: &Sim, operation: Operation, trigger: &Value) -> Value {
    let example = &trigger["example"];
    let body = match trigger["how"].as_str().unwrap() {
        "marker" | "request" => trustmatic_body(&example["pictures"]),
        "control" => {
            assert_eq!(example["request"], "POST /_facesim/trustmatic/outcomes");
            let armed = sim
                .send(
                    sim.http
                        .post(sim.url("/_facesim/trustmatic/outcomes"))
                        .json(&example["body"]),
                )
                .await;
            assert_eq!(armed.status, 201, "{}", armed.text());
            plain_call(operation)
        }
        "scenario" => {
            let added = sim
                .send(
                    sim.http
                        .post(sim.url("/_facesim/scenarios/rules"))
                        .json(&example["scenario"]),
                )
                .await;
            assert_eq!(added.status, 201, "{}", added.text());
            trustmatic_body(&example["pictures"])
        }
        other => panic!("no Trustmatic trigger is {other}"),
    };
    let answer = sim.tm(operation.path(), &body).await.ok();
    sim.send(sim.http.delete(sim.url("/_facesim/scenarios/rules")))
        .await;
    sim.send(sim.http.post(sim.url("/_facesim/reset?vendor=trustmatic")))
        .await;
    answer
}

#[tokio::test]
async fn every_trustmatic_trigger_works_over_http() {
    let sim = Sim::start().await;
    let body = catalogue(&sim, "?api=trustmatic").await.ok();
    let mut ran = 0;
    for outcome in body["apis"]["trustmatic"]["outcomes"].as_array().unwrap() {
        let operation = Operation::parse(outcome["operation"].as_str().unwrap()).unwrap();
        for trigger in outcome["triggers"].as_array().unwrap() {
            let answer = run(&sim, operation, trigger).await;
            let context = format!(
                "{} {}: {trigger} → {answer}",
                outcome["kind"], outcome["name"]
            );
            match outcome["kind"].as_str().unwrap() {
                "error" => {
                    assert_eq!(answer["hasError"], true, "{context}");
                    assert_eq!(answer["error"], outcome["name"], "{context}");
                }
                "score" => {
                    assert_eq!(answer["hasError"], false, "{context}");
                    let passed = answer["score"].as_f64().unwrap() >= operation.default_threshold();
                    assert_eq!(passed, outcome["name"] == "passed", "{context}");
                }
                other => panic!("unknown kind {other}"),
            }
            ran += 1;
        }
    }
    assert!(ran > 20, "{ran} triggers");
}

#[tokio::test]
async fn every_checkout_sandbox_and_attempt_control_trigger_works_over_http() {
    let sim = Sim::start().await;
    let body = catalogue(&sim, "?api=checkout").await.ok();
    let mut ran = 0;
    for outcome in body["apis"]["checkout"]["outcomes"].as_array().unwrap() {
        for trigger in outcome["triggers"].as_array().unwrap() {
            let example = &trigger["example"];
            let context = format!("{}: {trigger}", outcome["name"]);
            let fa = match trigger["how"].as_str().unwrap() {
                "sandbox" => {
                    let external = example["external_applicant_id"].as_str();
                    let fa = sim.cko_fresh(CKO_KEY, external).await;
                    let fa_id = str_at(&fa, "/id").to_string();
                    let attempt = sim.cko_attempt(CKO_KEY, &fa_id).await;
                    sim.cko_act(str_at(&attempt, "/id"), json!({ "action": "open" }))
                        .await;
                    fa_id
                }
                "control"
                    if example["request"] == "POST /_facesim/checkout/attempts/{attempt_id}" =>
                {
                    let fa = sim.cko_fresh(CKO_KEY, None).await;
                    let fa_id = str_at(&fa, "/id").to_string();
                    let attempt = sim.cko_attempt(CKO_KEY, &fa_id).await;
                    sim.cko_act(str_at(&attempt, "/id"), example["body"].clone())
                        .await;
                    fa_id
                }
                _ => continue,
            };
            sim.advance(2.0).await;
            let fa = sim.cko_fa(CKO_KEY, &fa).await;
            assert_eq!(
                fa["response_codes"][0]["code"].to_string(),
                outcome["name"].as_str().unwrap(),
                "{context}: {fa}"
            );
            ran += 1;
        }
    }
    assert!(ran > 50, "{ran} triggers");
}
