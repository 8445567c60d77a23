//! Strict mode in the harness: every answer under a documented API is checked, and a
//! simulator that recorded a violation fails the test that dropped it.

mod common;

use common::*;
use facesim::strict::Recorded;
use facesim_schemas::{Problem, Violation};
use std::panic::{catch_unwind, AssertUnwindSafe};

#[tokio::test]
async fn the_harness_checks_every_documented_answer() {
    let sim = Sim::start().await;
    assert!(sim.app.config.server.strict);
    assert_eq!(sim.app.strict.checked(), 0);

    let created = sim.enroll(Some("alice")).await;
    assert_eq!(sim.app.strict.checked(), 1, "the enrollment was checked");
    sim.enrollment(str_at(&created, "/enrollment_id")).await;
    sim.get("/v1/enrollments/ENR0", None)
        .await
        .truora_error(401, "Truora-API-Key");
    assert_eq!(sim.app.strict.checked(), 3, "errors are checked too");

    // Outside the documented operations nothing is checked (nor counted as a violation).
    sim.get("/v1/nothing-here", Some(KEY))
        .await
        .truora_error(404, "No endpoint");
    sim.send(sim.http.patch(sim.api("/v1/enrollments")))
        .await
        .truora_error(405, "PATCH");
    sim.send(sim.http.get(sim.url("/_facesim/nothing-here")))
        .await
        .control_error(404, "not_found", "No control endpoint");
    assert_eq!(sim.app.strict.checked(), 3);
    assert_eq!(sim.app.strict.violation_count(), 0);
}

#[tokio::test]
async fn a_recorded_violation_fails_the_test_when_the_simulator_is_dropped() {
    let sim = Sim::start().await;
    sim.app.strict.violation(Recorded {
        method: "GET".into(),
        path: "/truora/validations/v1/enrollments/ENR1".into(),
        status: 200,
        violation: Violation {
            operation: "GET /v1/enrollments/{enrollment_id}".into(),
            status: 200,
            problem: Problem::NotJson {
                error: "expected value".into(),
            },
        },
    });
    let failure = catch_unwind(AssertUnwindSafe(|| drop(sim))).expect_err("the drop must fail");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("1 answer(s) broke"), "{message}");
    assert!(
        message.contains("GET /truora/validations/v1/enrollments/ENR1 -> 200"),
        "{message}"
    );
    assert!(message.contains("a body that is not JSON"), "{message}");
}
