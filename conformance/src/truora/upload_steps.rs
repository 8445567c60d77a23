//! Steps that upload files to the pre-signed links of enrollments and validations.

use super::arg;
use super::enrollment_steps::upload_link as enrollment_link;
use super::links::{change_link, Change};
use super::world::{text_at, TruoraWorld};
use bytes::Bytes;
use cucumber::step::Context as Step;

/// One byte over the documented 10 MB upload limit.
const OVERSIZED: usize = 10 * 1024 * 1024 + 1;

/// The current validation's upload link.
pub fn validation_link(world: &TruoraWorld) -> String {
    let validation = world.validation(None);
    text_at(&validation, "/instructions/file_upload_link").unwrap_or_else(|| {
        world.fail(
            None,
            format!("the validation has no instructions.file_upload_link: {validation}"),
        )
    })
}

pub async fn to_enrollment(world: &mut TruoraWorld, step: Step) {
    let link = enrollment_link(world);
    world
        .act_link(world.upload_request(&link, &arg(&step, 1)))
        .await;
}

pub async fn to_changed_enrollment_link(world: &mut TruoraWorld, step: Step) {
    let change = Change::parse(&arg(&step, 2));
    let link = change_link(&enrollment_link(world), change).unwrap_or_else(|e| world.fail(None, e));
    world
        .act_link(world.upload_request(&link, &arg(&step, 1)))
        .await;
}

pub async fn empty_to_enrollment(world: &mut TruoraWorld, _: Step) {
    let link = enrollment_link(world);
    let request = world.context().target.link("PUT", &link).bytes(
        Some("image/png"),
        Bytes::new(),
        "/dev/null",
    );
    world.act_link(request).await;
}

pub async fn oversized_to_enrollment(world: &mut TruoraWorld, _: Step) {
    let link = enrollment_link(world);
    let request = world.context().target.link("PUT", &link).bytes(
        Some("image/png"),
        Bytes::from(vec![0x42; OVERSIZED]),
        "oversized.bin",
    );
    world.act_link(request).await;
}

pub async fn was_uploaded_to_enrollment(world: &mut TruoraWorld, step: Step) {
    let link = enrollment_link(world);
    let name = arg(&step, 1);
    let exchange = world.send_link(world.upload_request(&link, &name)).await;
    world.expect_status(&exchange, 200, &format!("uploading {name}"));
}

pub async fn for_validation(world: &mut TruoraWorld, step: Step) {
    let link = validation_link(world);
    world
        .act_link(world.upload_request(&link, &arg(&step, 1)))
        .await;
}

pub async fn empty_for_validation(world: &mut TruoraWorld, _: Step) {
    let link = validation_link(world);
    let request = world.context().target.link("PUT", &link).bytes(
        Some("image/jpeg"),
        Bytes::new(),
        "/dev/null",
    );
    world.act_link(request).await;
}

pub async fn was_uploaded_for_validation(world: &mut TruoraWorld, step: Step) {
    let link = validation_link(world);
    let name = arg(&step, 1);
    let exchange = world.send_link(world.upload_request(&link, &name)).await;
    world.expect_status(&exchange, 200, &format!("uploading {name}"));
}

pub async fn accepted(world: &mut TruoraWorld, _: Step) {
    let answer = world.answer();
    world.expect_status(&answer, 200, "the upload");
}
