//! Transitions of the reference model.

use super::*;

/// Applies `op` after checking that the model allows `status`.
fn run(model: &mut Model, op: Op, status: u16) {
    assert!(model.applicable(op), "{op} is applicable");
    let expect = model.expect(op);
    assert!(
        expect.admits(status),
        "{op}: expected {expect}, not {status}"
    );
    model.apply(op, status);
}

fn enroll(account: usize) -> Op {
    Op::Enroll {
        account,
        confirmation_none: false,
    }
}

fn reference(account: usize, picture: Picture) -> Op {
    Op::UploadReference { account, picture }
}

fn selfie(account: usize, picture: Picture) -> Op {
    Op::UploadSelfie { account, picture }
}

fn validate(account: usize, checks: Checks) -> Op {
    Op::Validate { account, checks }
}

fn view(status: &str, failure: Option<&str>, declined: Option<&str>) -> ValidationView {
    ValidationView {
        status: status.into(),
        failure_status: failure.map(str::to_string),
        declined_reason: declined.map(str::to_string),
    }
}

/// alice enrolled with her reference picture and the check shown.
fn enrolled() -> Model {
    let mut model = Model::default();
    run(&mut model, enroll(0), 200);
    run(&mut model, reference(0, Picture::AliceReference), 200);
    model
        .observe_enrollment(0, "pending", Some("waiting_face_validation"))
        .unwrap();
    model
}

#[test]
fn an_account_has_one_enrollment_until_it_is_deleted() {
    let mut model = Model::default();
    assert!(!model.applicable(Op::GetEnrollment { account: 0 }));
    run(&mut model, enroll(0), 200);
    assert_eq!(model.expect(enroll(0)), CONFLICT);
    assert_eq!(model.expect(enroll(1)), OK);
    run(&mut model, Op::DeleteEnrollment { account: 0 }, 200);
    assert_eq!(model.expect(Op::GetEnrollment { account: 0 }), NOT_FOUND);
    assert_eq!(model.expect(Op::DeleteEnrollment { account: 0 }), NOT_FOUND);
    assert_eq!(
        model.expect(reference(0, Picture::AliceReference)),
        NOT_FOUND
    );
    run(&mut model, enroll(0), 200);
    assert_eq!(model.expect(Op::GetEnrollment { account: 0 }), OK);
}

#[test]
fn permissions_are_learned_from_the_first_answer() {
    let mut model = Model::default();
    let migrated = Op::Enroll {
        account: 0,
        confirmation_none: true,
    };
    assert_eq!(model.expect(migrated), Expect::OneOf(&[200, 403]));
    run(&mut model, migrated, 403);
    assert_eq!(model.expect(migrated), FORBIDDEN);
    assert!(!model.applicable(Op::DeleteEnrollment { account: 0 }));
    run(&mut model, enroll(0), 200);
    assert_eq!(
        model.expect(Op::DeleteEnrollment { account: 0 }),
        Expect::OneOf(&[200, 403])
    );
    run(&mut model, Op::DeleteEnrollment { account: 0 }, 403);
    assert_eq!(model.expect(Op::DeleteEnrollment { account: 0 }), FORBIDDEN);
}

#[test]
fn a_broken_file_is_refused_and_leaves_the_link_usable() {
    let mut model = Model::default();
    run(&mut model, enroll(0), 200);
    assert_eq!(model.expect(reference(0, Picture::Corrupt)), BAD_REQUEST);
    run(&mut model, reference(0, Picture::Corrupt), 400);
    model
        .observe_enrollment(0, "pending", Some("waiting_file_upload"))
        .unwrap();
    run(&mut model, reference(0, Picture::AliceReference), 200);
    assert_eq!(model.expect(reference(0, Picture::AliceSelfie)), CONFLICT);
}

#[test]
fn reference_checks_may_show_late_but_not_wrong() {
    for (picture, state) in [
        (Picture::AliceReference, "waiting_face_validation"),
        (Picture::NoFace, "no_face_detected"),
        (Picture::Blocklisted, "face_in_blocklist"),
        (Picture::Bitmap, "file_format_not_supported"),
        (Picture::AliceVideo, "file_format_not_supported"),
        (Picture::Text, "file_format_not_supported"),
    ] {
        let mut model = Model::default();
        run(&mut model, enroll(0), 200);
        run(&mut model, reference(0, picture), 200);
        assert_eq!(
            model.waits_before(Op::GetEnrollment { account: 0 }),
            [Wait::Enrollment(0)]
        );
        model
            .observe_enrollment(0, "pending", Some("waiting_file_upload"))
            .unwrap();
        let status = if state.starts_with("waiting") {
            "pending"
        } else {
            "failure"
        };
        model.observe_enrollment(0, status, Some(state)).unwrap();
        assert!(model
            .waits_before(Op::GetEnrollment { account: 0 })
            .is_empty());
        let late = model.observe_enrollment(0, "pending", Some("waiting_file_upload"));
        assert!(late.unwrap_err().contains(state), "{picture:?}");
    }
}

#[test]
fn confirmation_none_succeeds_with_the_upload() {
    let mut model = Model::default();
    let migrated = Op::Enroll {
        account: 0,
        confirmation_none: true,
    };
    run(&mut model, migrated, 200);
    run(&mut model, reference(0, Picture::AliceSpoof), 200);
    model.observe_enrollment(0, "success", None).unwrap();
    assert_eq!(model.expect(validate(0, Checks::Both)), OK);
}

#[test]
fn similarity_needs_a_usable_enrollment() {
    let mut model = Model::default();
    assert_eq!(model.expect(validate(0, Checks::Similarity)), NOT_FOUND);
    assert_eq!(model.expect(validate(0, Checks::PassiveLiveness)), OK);
    run(&mut model, enroll(0), 200);
    assert_eq!(model.expect(validate(0, Checks::Both)), CONFLICT);
    run(&mut model, reference(0, Picture::NoFace), 200);
    model
        .observe_enrollment(0, "failure", Some("no_face_detected"))
        .unwrap();
    assert_eq!(model.expect(validate(0, Checks::Similarity)), CONFLICT);
    run(&mut model, Op::DeleteEnrollment { account: 0 }, 200);
    assert_eq!(model.expect(validate(0, Checks::Similarity)), NOT_FOUND);
    assert_eq!(enrolled().expect(validate(0, Checks::Similarity)), OK);
}

#[test]
fn a_passed_validation_completes_the_enrollment() {
    let mut model = enrolled();
    run(&mut model, validate(0, Checks::Both), 200);
    model
        .observe_validation(0, &view("pending", None, None))
        .unwrap();
    run(&mut model, selfie(0, Picture::AliceVideo), 200);
    assert_eq!(
        model.waits_before(Op::GetEnrollment { account: 0 }),
        [Wait::Validation(0)]
    );
    model
        .observe_validation(0, &view("pending", None, None))
        .unwrap();
    model
        .observe_validation(0, &view("success", None, None))
        .unwrap();
    model.observe_enrollment(0, "success", None).unwrap();
    assert_eq!(model.expect(selfie(0, Picture::AliceSelfie)), CONFLICT);
    let pending = model.observe_validation(0, &view("pending", None, None));
    assert!(pending
        .unwrap_err()
        .contains("expected the validation success"));
}

#[test]
fn a_declined_validation_fails_a_waiting_enrollment() {
    let mut model = enrolled();
    run(&mut model, validate(0, Checks::Similarity), 200);
    run(&mut model, selfie(0, Picture::BobSelfie), 200);
    let declined = view(
        "failure",
        Some("declined"),
        Some("similarity_threshold_not_passed"),
    );
    let wrong = view("failure", Some("declined"), Some("no_face_detected"));
    assert!(model.observe_validation(0, &wrong).is_err());
    model.observe_validation(0, &declined).unwrap();
    model
        .observe_enrollment(0, "failure", Some("face_validation_failed"))
        .unwrap();
    assert_eq!(model.expect(validate(0, Checks::Similarity)), CONFLICT);
    assert_eq!(model.expect(validate(0, Checks::PassiveLiveness)), OK);
}

#[test]
fn declined_reasons_follow_the_documented_order() {
    let cases = [
        (
            Checks::Both,
            Picture::AliceSpoof,
            "passive_liveness_verification_not_passed",
        ),
        (Checks::Both, Picture::NoFace, "no_face_detected"),
        (
            Checks::Similarity,
            Picture::Blocklisted,
            "face_in_blocklist",
        ),
        (
            Checks::PassiveLiveness,
            Picture::Bitmap,
            "file_format_not_supported",
        ),
        (
            Checks::Similarity,
            Picture::Text,
            "file_format_not_supported",
        ),
    ];
    for (checks, picture, reason) in cases {
        let mut model = enrolled();
        run(&mut model, validate(0, checks), 200);
        run(&mut model, selfie(0, picture), 200);
        let shown = view("failure", Some("declined"), Some(reason));
        assert_eq!(model.observe_validation(0, &shown), Ok(()), "{picture:?}");
    }
    let mut spoof_without_liveness = enrolled();
    run(
        &mut spoof_without_liveness,
        validate(0, Checks::Similarity),
        200,
    );
    run(
        &mut spoof_without_liveness,
        selfie(0, Picture::AliceSpoof),
        200,
    );
    spoof_without_liveness
        .observe_validation(0, &view("success", None, None))
        .unwrap();
}

#[test]
fn liveness_alone_leaves_the_enrollment_alone() {
    let mut model = enrolled();
    run(&mut model, validate(0, Checks::PassiveLiveness), 200);
    run(&mut model, selfie(0, Picture::BobSelfie), 200);
    assert!(model
        .waits_before(Op::GetEnrollment { account: 0 })
        .is_empty());
    assert_eq!(model.unsettled(), [Wait::Validation(0)]);
    model
        .observe_validation(0, &view("success", None, None))
        .unwrap();
    model
        .observe_enrollment(0, "pending", Some("waiting_face_validation"))
        .unwrap();
}

#[test]
fn a_deleted_enrollment_leaves_the_outcome_open() {
    let mut model = enrolled();
    run(&mut model, validate(0, Checks::Similarity), 200);
    run(&mut model, Op::DeleteEnrollment { account: 0 }, 200);
    run(&mut model, selfie(0, Picture::AliceSelfie), 200);
    let any = view(
        "failure",
        Some("declined"),
        Some("similarity_threshold_not_passed"),
    );
    model.observe_validation(0, &any).unwrap();
    assert!(model
        .waits_before(Op::GetEnrollment { account: 0 })
        .is_empty());
}

#[test]
fn a_shown_result_settles_earlier_uploads() {
    let mut model = enrolled();
    run(&mut model, enroll(1), 200);
    run(&mut model, reference(1, Picture::AliceReference), 200);
    model
        .observe_enrollment(1, "pending", Some("waiting_face_validation"))
        .unwrap();
    run(&mut model, validate(0, Checks::Similarity), 200);
    run(&mut model, validate(1, Checks::Similarity), 200);
    run(&mut model, selfie(0, Picture::BobSelfie), 200);
    run(&mut model, selfie(1, Picture::AliceSelfie), 200);
    model
        .observe_validation(1, &view("success", None, None))
        .unwrap();
    assert!(model.unsettled().is_empty());
    model
        .observe_enrollment(0, "failure", Some("face_validation_failed"))
        .unwrap();
}

#[test]
fn operations_read_like_the_guide() {
    assert_eq!(
        reference(0, Picture::Corrupt).to_string(),
        "upload(acc-1, corrupt.png)"
    );
    assert_eq!(
        validate(2, Checks::Both).to_string(),
        "validate(acc-3, similarity+passive_liveness)"
    );
}
