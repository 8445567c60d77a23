//! Concurrent requests against one face authentication leave a consistent state.

mod common;

use common::*;
use futures::future::join_all;
use serde_json::{json, Value};
use std::collections::HashSet;

fn id(body: &Value) -> &str {
    str_at(body, "/id")
}

#[tokio::test]
async fn concurrent_attempts_leave_exactly_one_open() {
    let sim = Sim::start().await;
    let fa = sim.cko_fresh(CKO_KEY, None).await;
    let fa_id = id(&fa).to_string();
    let replies = join_all((0..20).map(|_| sim.cko_create_attempt(CKO_KEY, &fa_id))).await;
    let created: Vec<String> = replies
        .iter()
        .map(|r| id(&r.cko_ok(201)).to_string())
        .collect();
    assert_eq!(
        created.iter().collect::<HashSet<_>>().len(),
        20,
        "distinct IDs"
    );

    let list = sim
        .cko_get(&format!("/face-authentications/{fa_id}/attempts?limit=100"))
        .await
        .cko_ok(200);
    assert_eq!(list["total_count"], json!(20));
    let data = list["data"].as_array().unwrap();
    let open: Vec<&Value> = data
        .iter()
        .filter(|a| status_of(a) == "pending_redirection")
        .collect();
    assert_eq!(open.len(), 1, "{list}");
    assert_eq!(id(open[0]), id(&data[0]), "the newest is the open one");
    for closed in &data[1..] {
        assert_eq!(
            (status_of(closed), codes_of(closed)),
            ("expired", vec![64001])
        );
    }
    assert_eq!(status_of(&sim.cko_fa(CKO_KEY, &fa_id).await), "pending");
}

#[tokio::test]
async fn concurrent_creations_and_actions_stay_consistent() {
    let sim = Sim::start().await;
    let applicants = join_all((0..10).map(|_| sim.cko_applicant(CKO_KEY, None))).await;
    let ids: HashSet<&str> = applicants.iter().map(id).collect();
    assert_eq!(ids.len(), 10);
    let fas = join_all(
        applicants
            .iter()
            .map(|a| sim.cko_face_authentication(CKO_KEY, id(a))),
    )
    .await;
    assert_eq!(fas.iter().map(id).collect::<HashSet<_>>().len(), 10);

    let fa = &fas[0];
    let attempt = sim.cko_attempt(CKO_KEY, id(fa)).await;
    let actions = ["approve", "refuse", "abort", "close", "approve", "decline"];
    let bodies: Vec<Value> = actions.iter().map(|a| json!({"action": a})).collect();
    let replies = join_all(
        bodies
            .iter()
            .map(|body| sim.cko_control(id(&attempt), body)),
    )
    .await;
    let winners = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        winners, 1,
        "one action ends the capture; the others find it ended"
    );
    assert!(replies.iter().all(|r| r.status == 200 || r.status == 409));
}
