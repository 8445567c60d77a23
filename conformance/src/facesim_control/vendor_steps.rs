//! Steps that call the simulated vendors (with facesim's default credentials) so that the
//! control API has something to show, reset or change: Truora enrollments and validations,
//! Checkout applicants, face authentications and attempts, Trustmatic checks, and plain
//! requests to any vendor path.

use super::world::{at, matches, ControlWorld};
use super::Vendor;
use crate::scenarios::steps::arg;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use cucumber::step::Context as Step;
use serde_json::{json, Value};
use std::time::Instant;

/// The field `field` of a vendor answer as text; fails when it is missing.
fn text_field(world: &ControlWorld, body: &Value, field: &str) -> String {
    match body.get(field).and_then(Value::as_str) {
        Some(text) => text.to_string(),
        None => world.fail(
            Some(&world.vendor_answer()),
            format!("the vendor's answer has no \"{field}\""),
        ),
    }
}

/// Sends a vendor request and fails unless it answered `status`; answers its JSON.
async fn expect(
    world: &mut ControlWorld,
    request: crate::target::Request,
    status: u16,
    what: &str,
) -> Value {
    let answer = world.send_vendor(request).await;
    world.expect_status(&answer, status, what);
    world.json(&answer)
}

pub async fn truora_enrollment(world: &mut ControlWorld, _: Step) {
    let account = world.name("ACCOUNT");
    let request = world
        .vendor_request(Vendor::Truora, "POST", "/v1/enrollments")
        .form([
            ("type", "face-recognition"),
            ("user_authorized", "true"),
            ("account_id", account.as_str()),
            ("confirmation", "none"),
        ]);
    let body = expect(world, request, 200, "creating a Truora enrollment").await;
    let id = text_field(world, &body, "enrollment_id");
    world.names.insert("ENROLLMENT".into(), id);
}

pub async fn truora_validation(world: &mut ControlWorld, _: Step) {
    let account = world.name("ACCOUNT");
    let request = world
        .vendor_request(Vendor::Truora, "POST", "/v1/validations")
        .form([
            ("type", "face-recognition"),
            ("user_authorized", "true"),
            ("account_id", account.as_str()),
            ("subvalidations", "passive_liveness"),
        ]);
    let body = expect(world, request, 200, "creating a Truora validation").await;
    let id = text_field(world, &body, "validation_id");
    world.names.insert("VALIDATION".into(), id);
    let link = at(&body, "/instructions/file_upload_link")
        .and_then(Value::as_str)
        .unwrap_or_else(|| {
            world.fail(
                Some(&world.vendor_answer()),
                "the validation has no instructions.file_upload_link",
            )
        })
        .to_string();
    world.names.insert("VALIDATION_UPLOAD".into(), link);
}

pub async fn truora_upload(world: &mut ControlWorld, step: Step) {
    let name = arg(&step, 1);
    let link = world.name("VALIDATION_UPLOAD");
    let context = world.context();
    if !context.fixtures.names().any(|n| n == name) {
        world.fail(None, format!("there is no fixture called {name}"));
    }
    let fixture = context.fixtures.get(&name).clone();
    let request = context.target.link("PUT", &link).bytes(
        Some(fixture.content_type),
        fixture.bytes,
        &fixture.name,
    );
    let answer = world.send_vendor(request).await;
    if !(200..300).contains(&answer.status) {
        world.fail(
            Some(&answer),
            format!("the upload of {name} was refused with {}", answer.status),
        );
    }
}

pub async fn truora_validation_finished(world: &mut ControlWorld, _: Step) {
    let patience = world.context().patience;
    let started = Instant::now();
    loop {
        let request = world.vendor_request(Vendor::Truora, "GET", "/v1/validations/$VALIDATION");
        let body = expect(world, request, 200, "reading the Truora validation").await;
        if body.get("validation_status").and_then(Value::as_str) != Some("pending") {
            return;
        }
        if started.elapsed() > patience {
            world.fail(
                Some(&world.vendor_answer()),
                format!("the validation is still pending after {patience:?}"),
            );
        }
        tokio::time::sleep(world.context().poll_interval).await;
    }
}

pub async fn checkout_face_authentication(world: &mut ControlWorld, _: Step) {
    let external = format!("ext_{}", world.context().unique().replace('-', "_"));
    let applicant = json!({ "external_applicant_id": external, "external_applicant_name": "Conformance Applicant" });
    let request = world
        .vendor_request(Vendor::Checkout, "POST", "/applicants")
        .text(Some("application/json"), &applicant.to_string());
    let body = expect(world, request, 201, "creating a Checkout applicant").await;
    let applicant = text_field(world, &body, "id");
    world.names.insert("APPLICANT".into(), applicant.clone());
    let journey = world
        .context()
        .target
        .configuration
        .clone()
        .unwrap_or_else(|| crate::checkout::USER_JOURNEY.to_string());
    let face = json!({ "applicant_id": applicant, "user_journey_id": journey });
    let request = world
        .vendor_request(Vendor::Checkout, "POST", "/face-authentications")
        .text(Some("application/json"), &face.to_string());
    let body = expect(
        world,
        request,
        201,
        "creating a Checkout face authentication",
    )
    .await;
    let id = text_field(world, &body, "id");
    world.names.insert("FACE_AUTHENTICATION".into(), id);
}

pub async fn checkout_attempt(world: &mut ControlWorld, _: Step) {
    let body = json!({ "redirect_url": crate::checkout::REDIRECT_URL });
    let request = world
        .vendor_request(
            Vendor::Checkout,
            "POST",
            "/face-authentications/$FACE_AUTHENTICATION/attempts",
        )
        .text(Some("application/json"), &body.to_string());
    let body = expect(world, request, 201, "creating a Checkout attempt").await;
    let id = text_field(world, &body, "id");
    world.names.insert("ATTEMPT".into(), id);
}

pub async fn trustmatic_verify(world: &mut ControlWorld, step: Step) {
    let (probe, reference) = (arg(&step, 1), arg(&step, 2));
    let context = world.context();
    let picture = |name: &str| {
        if !context.fixtures.names().any(|n| n == name) {
            world.fail(None, format!("there is no fixture called {name}"));
        }
        STANDARD.encode(&context.fixtures.get(name).bytes)
    };
    let (probe, reference) = (picture(&probe), picture(&reference));
    let session = world.name("SESSION");
    let body = json!({
        "sessionId": session,
        "probe": { "imageBase64": probe },
        "reference": { "imageBase64": reference },
    });
    let request = world
        .vendor_request(Vendor::Trustmatic, "POST", "/api/v1/face/verify")
        .text(Some("application/json"), &body.to_string());
    world.send_vendor(request).await;
}

pub async fn vendor_path(world: &mut ControlWorld, step: Step) {
    let method = arg(&step, 1);
    let vendor = Vendor::named(&arg(&step, 2));
    let request = world.vendor_request(vendor, &method, &arg(&step, 3));
    world.send_vendor(request).await;
}

pub async fn vendor_answered(world: &mut ControlWorld, step: Step) {
    let status: u16 = arg(&step, 1).parse().expect("a status");
    let answer = world.vendor_answer();
    world.expect_status(&answer, status, "the vendor's answer");
}

pub async fn vendor_value_is(world: &mut ControlWorld, step: Step) {
    let pointer = arg(&step, 1);
    let expected = world.expand(&arg(&step, 2));
    let answer = world.vendor_answer();
    let body = world.json(&answer);
    let actual = at(&body, &pointer).cloned().unwrap_or(Value::Null);
    if !matches(&actual, &expected) {
        world.fail(
            Some(&answer),
            format!("the vendor's answer has {pointer} = {actual}, expected {expected}"),
        );
    }
}
