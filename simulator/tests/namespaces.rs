//! Namespaces (`Facesim-Namespace`, `[isolation]`): parallel test runs sharing one facesim keep
//! their state, clock, journal and scenario rules apart, over real sockets.

mod common;

use common::*;
use serde_json::{json, Value};

/// The header `name` of an answer ("" when absent).
fn header_of<'r>(reply: &'r Reply, name: &str) -> &'r str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The `Facesim-Namespace` header of an answer ("" when absent).
fn namespace_of(reply: &Reply) -> &str {
    header_of(reply, "facesim-namespace")
}

/// The enrollment IDs `GET /_facesim/state/truora` lists.
async fn enrollment_ids(sim: &Sim) -> Vec<String> {
    let state = sim
        .send(sim.http.get(sim.url("/_facesim/state/truora")))
        .await
        .ok();
    state["enrollments"]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no enrollments: {state}"))
        .iter()
        .map(|e| e["enrollment_id"].as_str().unwrap().to_string())
        .collect()
}

/// `GET /_facesim/journal{query}`.
async fn journal(sim: &Sim, query: &str) -> Reply {
    let url = sim.url(&format!("/_facesim/journal{query}"));
    sim.send(sim.http.get(url)).await
}

/// The rules `GET /_facesim/scenarios/rules` lists.
async fn rules_seen(sim: &Sim) -> Vec<Value> {
    let request = sim.http.get(sim.url("/_facesim/scenarios/rules"));
    sim.send(request).await.ok()["rules"]
        .as_array()
        .unwrap()
        .clone()
}

/// The webhook deliveries `GET /_facesim/webhooks/deliveries` lists.
async fn deliveries(sim: &Sim) -> Vec<Value> {
    let request = sim.http.get(sim.url("/_facesim/webhooks/deliveries"));
    sim.send(request).await.ok()["deliveries"]
        .as_array()
        .unwrap()
        .clone()
}

/// The clock's offset in seconds.
async fn clock_offset(sim: &Sim) -> f64 {
    let clock = sim
        .send(sim.http.get(sim.url("/_facesim/clock")))
        .await
        .ok();
    clock["offset_seconds"].as_f64().unwrap()
}

#[tokio::test]
async fn truora_enrollments_live_in_their_namespace_only() {
    let sim = Sim::start().await;
    let (a, b) = (sim.in_namespace("ci-job-a"), sim.in_namespace("ci-job-b"));
    let created = a.enroll(Some("acc-1")).await;
    let id = str_at(&created, "/enrollment_id");
    let path = format!("/v1/enrollments/{id}");

    let found = a.get(&path, Some(KEY)).await;
    assert_eq!(namespace_of(&found), "ci-job-a");
    assert_eq!(found.ok()["enrollment_id"], json!(id));
    b.get(&path, Some(KEY)).await.truora_error(404, "not found");
    let default = sim.get(&path, Some(KEY)).await;
    assert_eq!(
        namespace_of(&default),
        "",
        "the default namespace is not named"
    );
    default.truora_error(404, "not found");

    assert_eq!(enrollment_ids(&a).await, [id]);
    assert!(enrollment_ids(&b).await.is_empty());
    assert!(enrollment_ids(&sim).await.is_empty());
    // `default` names the default namespace.
    assert!(enrollment_ids(&sim.in_namespace("default"))
        .await
        .is_empty());
}

#[tokio::test]
async fn checkout_and_trustmatic_state_is_per_namespace() {
    let sim = Sim::start().await;
    let (a, b) = (sim.in_namespace("a"), sim.in_namespace("b"));
    let applicant = a.cko_applicant(CKO_KEY, None).await;
    let path = format!("/applicants/{}", applicant["id"].as_str().unwrap());
    a.cko_get(&path).await.cko_ok(200);
    b.cko_get(&path)
        .await
        .cko_error(404, "resource_not_found", &["applicant_not_found"]);

    // An error armed in a's Trustmatic is not consumed by b's call.
    let armed = a
        .http
        .post(a.url("/_facesim/trustmatic/outcomes"))
        .json(&json!({"operation": "face_verify", "error": "PROBE_FACE_NOT_FOUND"}));
    a.send(armed).await.json_with(201);
    let body = verify_body(None, Some(&reference("alice")), Some(&reference("alice")));
    b.tm("/api/v1/face/verify", &body).await.tm_score();
    a.tm("/api/v1/face/verify", &body)
        .await
        .tm_in_band("PROBE_FACE_NOT_FOUND");
}

#[tokio::test]
async fn each_namespace_has_its_own_clock() {
    let sim = Sim::start().await;
    let (a, b) = (sim.in_namespace("a"), sim.in_namespace("b"));
    a.advance(3600.0).await;
    assert_eq!(clock_offset(&a).await, 3600.0);
    assert_eq!(clock_offset(&b).await, 0.0);
    assert_eq!(clock_offset(&sim).await, 0.0);

    // A validation link in b does not expire when a's clock moves.
    b.enrolled("acc").await;
    let validation = b.validate("acc", &[]).await;
    a.advance(86_400.0).await;
    let id = str_at(&validation, "/validation_id");
    assert_eq!(
        b.validation(id).await["validation_status"],
        json!("pending")
    );

    let listed = sim
        .send(sim.http.get(sim.url("/_facesim/namespaces")))
        .await
        .ok();
    let names: Vec<&str> = listed["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["default", "a", "b"], "{listed}");
    assert_eq!(
        listed["namespaces"][1]["clock_offset_seconds"],
        json!(90_000.0)
    );
}

#[tokio::test]
async fn a_reset_in_a_namespace_forgets_only_that_namespace() {
    let sim = Sim::start().await;
    let (a, b) = (sim.in_namespace("a"), sim.in_namespace("b"));
    a.enroll(None).await;
    a.advance(60.0).await;
    b.enroll(None).await;
    sim.enroll(None).await;

    let reset = a.send(a.http.post(a.url("/_facesim/reset"))).await.ok();
    assert_eq!(reset["namespace"], json!("a"), "{reset}");
    assert_eq!(reset["webhooks"], json!(false), "{reset}");
    assert_eq!(reset["clock_reset"], json!(true), "{reset}");
    assert!(enrollment_ids(&a).await.is_empty());
    assert_eq!(clock_offset(&a).await, 0.0);
    assert_eq!(enrollment_ids(&b).await.len(), 1);
    assert_eq!(enrollment_ids(&sim).await.len(), 1);

    // Without the header a reset empties every namespace.
    let reset = sim
        .send(sim.http.post(sim.url("/_facesim/reset")))
        .await
        .ok();
    assert_eq!(reset["namespace"], json!("default"), "{reset}");
    assert!(enrollment_ids(&b).await.is_empty());
    assert!(enrollment_ids(&sim).await.is_empty());
}

#[tokio::test]
async fn the_journal_shows_a_namespace_its_own_requests() {
    let sim = Sim::start().await;
    let (a, b) = (sim.in_namespace("a"), sim.in_namespace("b"));
    a.get("/v1/enrollments/ENR_in_a", Some(KEY)).await;
    b.get("/v1/enrollments/ENR_in_b", Some(KEY)).await;
    let paths = |page: &Value| -> Vec<(String, String)> {
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let namespace = e["namespace"].as_str().unwrap().to_string();
                (namespace, e["path"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let seen = paths(&journal(&a, "").await.ok());
    assert_eq!(
        seen,
        [(
            "a".into(),
            "/truora/validations/v1/enrollments/ENR_in_a".into()
        )]
    );
    assert_eq!(paths(&journal(&sim, "").await.ok()).len(), 2);
    assert_eq!(paths(&journal(&sim, "?namespace=b").await.ok())[0].0, "b");
    journal(&a, "?namespace=b").await.control_error(
        400,
        "bad_request",
        "reads only that namespace's entries",
    );
    journal(&sim, "?namespace=no%20way").await.control_error(
        400,
        "bad_request",
        "namespace takes a namespace name",
    );

    let emptied = a.send(a.http.delete(a.url("/_facesim/journal"))).await;
    assert_eq!(emptied.status, 204);
    assert!(paths(&journal(&a, "").await.ok()).is_empty());
    assert_eq!(
        paths(&journal(&sim, "").await.ok()).len(),
        1,
        "b's entry stays"
    );
}

#[tokio::test]
async fn scenario_rules_added_in_a_namespace_apply_there_only() {
    let sim = Sim::start().await;
    let (a, b) = (sim.in_namespace("a"), sim.in_namespace("b"));
    let scenario = "rules:\n  - when: { api: truora }\n    then: { respond: { status: 418 } }\n";
    let added = a
        .http
        .post(a.url("/_facesim/scenarios/rules"))
        .header("Content-Type", "application/yaml")
        .body(scenario);
    let ids = a.send(added).await.json_with(201);
    let id = ids["ids"][0].as_str().unwrap().to_string();

    assert_eq!(a.get("/v1/enrollments/ENR_x", Some(KEY)).await.status, 418);
    assert_eq!(b.get("/v1/enrollments/ENR_x", Some(KEY)).await.status, 404);
    assert_eq!(
        sim.get("/v1/enrollments/ENR_x", Some(KEY)).await.status,
        404
    );

    assert_eq!(rules_seen(&a).await[0]["namespace"], json!("a"));
    assert!(rules_seen(&b).await.is_empty());
    assert_eq!(
        rules_seen(&sim).await.len(),
        1,
        "the default namespace sees every rule"
    );

    // b can neither remove a's rule one by one nor all at once.
    let one = b
        .send(
            b.http
                .delete(b.url(&format!("/_facesim/scenarios/rules/{id}"))),
        )
        .await;
    one.control_error(404, "not_found", &id);
    let all = b
        .send(b.http.delete(b.url("/_facesim/scenarios/rules")))
        .await;
    assert_eq!(all.status, 204);
    assert_eq!(rules_seen(&a).await.len(), 1);
    let removed = a
        .send(
            a.http
                .delete(a.url(&format!("/_facesim/scenarios/rules/{id}"))),
        )
        .await;
    assert_eq!(removed.status, 204);
    assert_eq!(a.get("/v1/enrollments/ENR_x", Some(KEY)).await.status, 404);
}

#[tokio::test]
async fn a_bad_namespace_name_is_refused_in_each_api_format() {
    let sim = Sim::start().await;
    let bad = sim.in_namespace("no spaces allowed");

    let truora = bad.get("/v1/enrollments/ENR_x", Some(KEY)).await;
    truora.truora_error(400, "Facesim-Namespace must be 1 to 64 characters");
    let checkout = bad.cko_get("/applicants/aplt_x").await;
    checkout.cko_error(400, "request_malformed", &["facesim_namespace_invalid"]);
    assert!(
        header_of(&checkout, "facesim-detail").contains("Facesim-Namespace"),
        "{:?}",
        checkout.headers
    );
    let body = verify_body(None, Some(&reference("alice")), Some(&reference("alice")));
    bad.tm("/api/v1/face/verify", &body).await.tm_refused(
        400,
        "INVALID_REQUEST",
        "Facesim-Namespace",
    );
    let control = bad.send(bad.http.get(bad.url("/_facesim/state"))).await;
    control.control_error(400, "bad_request", "Facesim-Namespace");

    let too_long = sim.in_namespace(&"n".repeat(65));
    too_long
        .get("/v1/enrollments/ENR_x", Some(KEY))
        .await
        .truora_error(400, "got \"nnnn");
    // Nothing was created by the refused requests.
    let listed = sim
        .send(sim.http.get(sim.url("/_facesim/namespaces")))
        .await
        .ok();
    assert_eq!(
        listed["namespaces"].as_array().unwrap().len(),
        1,
        "{listed}"
    );
}

#[tokio::test]
async fn more_namespaces_than_allowed_are_refused_until_one_is_reset() {
    let sim = Sim::configured(|c| c.isolation.max_namespaces = 2).await;
    sim.in_namespace("one").enroll(None).await;
    sim.in_namespace("two").enroll(None).await;
    let third = sim.in_namespace("three");
    third
        .get("/v1/enrollments/ENR_x", Some(KEY))
        .await
        .truora_error(400, "already holds 2 namespaces");
    let one = sim.in_namespace("one");
    one.send(one.http.post(one.url("/_facesim/reset")))
        .await
        .ok();
    third.enroll(None).await;
}

#[tokio::test]
async fn with_namespace_per_key_each_credential_has_its_own_state() {
    let sim = Sim::configured(|c| c.isolation.namespace_per_key = true).await;
    let created = sim.enroll(Some("acc")).await;
    let id = str_at(&created, "/enrollment_id");
    let path = format!("/v1/enrollments/{id}");
    let own = sim.get(&path, Some(KEY)).await;
    assert_eq!(namespace_of(&own), KEY);
    own.ok();
    // The limited key lives in another namespace.
    sim.get(&path, Some(LIMITED_KEY))
        .await
        .truora_error(404, "not found");
    // The control API reaches the key's namespace by naming it.
    assert_eq!(enrollment_ids(&sim.in_namespace(KEY)).await, [id]);
    assert!(enrollment_ids(&sim).await.is_empty());
    // An explicit header wins over the key.
    let shared = sim.in_namespace("shared");
    assert_eq!(namespace_of(&shared.get(&path, Some(KEY)).await), "shared");

    // Checkout's secret key and Trustmatic's user name name their namespaces too.
    let applicant = sim.cko_applicant(CKO_KEY, None).await;
    let reply = sim
        .cko_get(&format!(
            "/applicants/{}",
            applicant["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(namespace_of(&reply), CKO_KEY);
    let body = verify_body(None, Some(&reference("alice")), Some(&reference("alice")));
    assert_eq!(
        namespace_of(&sim.tm("/api/v1/face/verify", &body).await),
        TM_USER.0
    );
}

#[tokio::test]
async fn concurrent_runs_in_many_namespaces_stay_apart() {
    let sim = Sim::start().await;
    let runs = (0..12).map(|i| {
        let ns = sim.in_namespace(&format!("run-{i}"));
        async move {
            let created = ns.enroll(Some(&format!("acc-{i}"))).await;
            ns.advance(i as f64).await;
            let id = str_at(&created, "/enrollment_id").to_string();
            assert_eq!(enrollment_ids(&ns).await, [id], "run {i}");
            assert_eq!(clock_offset(&ns).await, i as f64, "run {i}");
        }
    });
    futures_util::future::join_all(runs).await;
    let listed = sim
        .send(sim.http.get(sim.url("/_facesim/namespaces")))
        .await
        .ok();
    assert_eq!(
        listed["namespaces"].as_array().unwrap().len(),
        13,
        "{listed}"
    );
}

#[tokio::test]
async fn a_receiver_registered_in_a_namespace_hears_only_its_events() {
    let sim = Sim::start().await;
    let (a, b) = (sim.in_namespace("a"), sim.in_namespace("b"));
    let (heard_a, heard_b) = (
        WebhookReceiver::start().await,
        WebhookReceiver::start().await,
    );
    for (name, ns, receiver) in [("a", &a, &heard_a), ("b", &b, &heard_b)] {
        let spec = json!({"vendor": "checkout", "url": receiver.url, "signing_key": "whsec-ns"});
        let added = ns
            .send(ns.http.post(ns.url("/_facesim/webhooks")).json(&spec))
            .await;
        assert_eq!(added.json_with(201)["namespace"], json!(name));
    }
    // One face authentication in a: a's receiver hears its creation, b's hears nothing.
    a.cko_fresh(CKO_KEY, None).await;
    let received = heard_a.wait_for(1).await;
    assert_eq!(received[0].header("facesim-namespace"), "a");
    assert_eq!(
        received[0].json()["type"],
        json!("face_authentication_created")
    );

    let in_a = deliveries(&a).await;
    assert_eq!(in_a.len(), 1, "{in_a:?}");
    assert_eq!(in_a[0]["namespace"], json!("a"));
    assert!(deliveries(&b).await.is_empty());
    assert!(heard_b.received().is_empty());

    // b sees only the receivers that hear it, and cannot remove a's.
    let listed = b.send(b.http.get(b.url("/_facesim/webhooks"))).await.ok();
    let ids: Vec<&str> = listed["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["namespace"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["b"], "{listed}");
    let all = sim
        .send(sim.http.get(sim.url("/_facesim/webhooks")))
        .await
        .ok();
    let a_id = all["receivers"][0]["id"].as_str().unwrap().to_string();
    let refused = b
        .send(b.http.delete(b.url(&format!("/_facesim/webhooks/{a_id}"))))
        .await;
    refused.control_error(404, "not_found", &a_id);
}

/// The `action` URL of the form of a capture page that posts to `ending`.
fn form_action(html: &str, ending: &str) -> String {
    html.split("action=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].replace("&amp;", "&"))
        .find(|action| action.split('?').next().unwrap().ends_with(ending))
        .unwrap_or_else(|| panic!("no form posting to {ending} in {html}"))
}

#[tokio::test]
async fn links_handed_out_in_a_namespace_lead_back_to_it_without_the_header() {
    let sim = Sim::configured(|c| c.isolation.namespace_per_key = true).await;
    // A Truora upload link made in the key's namespace works from a client that sends no key
    // and no header, as a phone uploading a picture would.
    let created = sim.enroll(Some("acc-links")).await;
    let link = str_at(&created, "/file_upload_link").to_string();
    assert!(
        link.ends_with(&format!("&facesim_namespace={KEY}")),
        "{link}"
    );
    sim.upload(&link, reference("alice")).await;
    let id = str_at(&created, "/enrollment_id");
    assert_eq!(
        sim.in_namespace(KEY)
            .get(&format!("/v1/enrollments/{id}"), Some(KEY))
            .await
            .ok()["reason"],
        json!("waiting_face_validation")
    );

    // A Checkout capture page, and the forms it shows, stay in the secret key's namespace.
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let attempt = sim.cko_attempt(CKO_KEY, fa["id"].as_str().unwrap()).await;
    let page_url = attempt["_links"]["verification_url"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        page_url.ends_with(&format!("?facesim_namespace={CKO_KEY}")),
        "{page_url}"
    );
    let page = sim.send(client().get(&page_url)).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let outcome = form_action(&page.text(), "/outcome");
    assert!(
        outcome.ends_with(&format!("/outcome?facesim_namespace={CKO_KEY}")),
        "{outcome}"
    );
    // A browser that stays on facesim: the answer sends it on to the integrator's redirect_url.
    let browser = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let chosen = sim
        .send(browser.post(&outcome).form(&[("outcome", "approve")]))
        .await;
    assert!(chosen.status < 400, "{}: {}", chosen.status, chosen.text());
    let attempt_id = attempt["id"].as_str().unwrap();
    let seen = sim
        .cko_get(&format!(
            "/face-authentications/{}/attempts/{attempt_id}",
            fa["id"].as_str().unwrap()
        ))
        .await
        .cko_ok(200);
    assert_eq!(seen["status"], json!("checks_in_progress"), "{seen}");

    // The default namespace's links carry no parameter.
    let plain = Sim::start().await;
    let link = str_at(&plain.enroll(None).await, "/file_upload_link").to_string();
    assert!(!link.contains("facesim_namespace"), "{link}");
}

#[tokio::test]
async fn a_header_wins_over_a_link_parameter_and_a_bad_parameter_is_refused() {
    let sim = Sim::start().await;
    let a = sim.in_namespace("a");
    let created = a.enroll(Some("acc")).await;
    let link = str_at(&created, "/file_upload_link").to_string();
    assert!(link.ends_with("&facesim_namespace=a"), "{link}");
    // Sent with another namespace's header, the link's upload slot is not found there.
    let elsewhere = sim.in_namespace("b").put(&link, reference("alice")).await;
    assert_eq!(elsewhere.status, 404, "{}", elsewhere.text());
    let bad = link.replace("facesim_namespace=a", "facesim_namespace=no%20way");
    sim.put(&bad, reference("alice"))
        .await
        .truora_error(400, "Facesim-Namespace must be");
    sim.put(&link, reference("alice")).await.ok();
}
