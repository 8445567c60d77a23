//! Trustmatic face verification and liveness (docs/trustmatic.md): how the credentials
//! travel and the definitions of every step its features use.

pub mod answers;
mod check_steps;
pub mod endpoint;
mod outcome_steps;
mod picture_host;
pub mod pictures;
mod request_steps;
pub mod world;

use crate::scenarios::steps::{def, StepDef, Steps};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::sync::OnceLock;
pub use world::TrustmaticWorld;

/// The API's name on the command line.
pub const API: &str = "trustmatic-verification";
/// The header that carries the credentials.
pub const KEY_HEADER: &str = "Authorization";
/// What comes before the credentials in that header.
pub const KEY_PREFIX: &str = "Basic ";

/// The `--key` of Trustmatic (`username:password`) as the `Basic` scheme sends it: its Base64.
pub fn basic_credentials(key: &str) -> Result<String, String> {
    match key.split_once(':') {
        Some((username, _)) if !username.is_empty() => Ok(STANDARD.encode(key)),
        _ => Err(format!(
            "--key for {API} is username:password (facesim's: facesim:facesim)"
        )),
    }
}

/// Every step definition of the Trustmatic features.
pub fn steps() -> &'static Steps<TrustmaticWorld> {
    static STEPS: OnceLock<Steps<TrustmaticWorld>> = OnceLock::new();
    STEPS.get_or_init(|| Steps::new(definitions()))
}

fn definitions() -> Vec<StepDef<TrustmaticWorld>> {
    let mut all = request_definitions();
    all.extend(check_definitions());
    all.extend(outcome_definitions());
    all
}

fn request_definitions() -> Vec<StepDef<TrustmaticWorld>> {
    use request_steps as request;
    vec![
        def!(
            [Given, When],
            Target,
            r"^I use no credentials$",
            request::use_no_credentials
        ),
        def!(
            [Given, When],
            Target,
            r"^I use the main credentials$",
            request::use_main_credentials
        ),
        def!(
            [Given, When],
            Target,
            r#"^I use the authorization header "([^"]*)"$"#,
            request::use_header
        ),
        def!(
            [Given, When],
            Target,
            r#"^I use Basic credentials with the (username|password) "([^"]*)"$"#,
            request::use_changed_credentials
        ),
        def!(
            [When],
            Target,
            r#"^I send this body as "([^"]+)" to (face verification|face liveness|document liveness):$"#,
            request::send_body
        ),
        def!(
            [When],
            Target,
            r"^I send a body without a content type to (face verification|face liveness|document liveness)$",
            request::send_untyped
        ),
        def!(
            [When],
            Target,
            r"^I send a body larger than 20 MB to (face verification|face liveness|document liveness)$",
            request::send_oversized
        ),
        def!(
            [When],
            Target,
            r"^I send a face verification request padded to (\d+) MB$",
            request::send_padded
        ),
        def!(
            [When],
            Target,
            r#"^I send a ([A-Z]+) request to "([^"]*)"$"#,
            request::send_method_to_path
        ),
        def!(
            [Then],
            Target,
            r#"^the request is refused with status (\d+) and the error "([A-Z_]+)"$"#,
            request::refused_with
        ),
        def!(
            [Then],
            Target,
            r"^the request is unauthorized with a Basic challenge$",
            request::unauthorized
        ),
        def!(
            [Then],
            Target,
            r#"^the challenge names the realm "([^"]+)"$"#,
            request::challenge_names_realm
        ),
        def!(
            [Then],
            Target,
            r"^the answer allows only POST$",
            request::allows_only_post
        ),
        def!(
            [Then],
            Target,
            r#"^the answer explains the error in the "([^"]+)" header$"#,
            request::explains_in_header
        ),
        def!(
            [Then],
            Target,
            r#"^the answer's "([^"]+)" is (.+)$"#,
            request::field_is
        ),
        def!(
            [Then],
            Target,
            r#"^the answer has no "([^"]+)"$"#,
            request::has_no_field
        ),
    ]
}

fn check_definitions() -> Vec<StepDef<TrustmaticWorld>> {
    use check_steps as check;
    vec![
        def!(
            [Given, When],
            Target,
            r#"^I verify "([^"]*)" against "([^"]*)"$"#,
            check::verify
        ),
        def!(
            [Given, When],
            Target,
            r#"^I check the liveness of the face "([^"]*)"$"#,
            check::face_liveness
        ),
        def!(
            [Given, When],
            Target,
            r#"^I check the liveness of the document "([^"]*)"(?: with the back "([^"]*)")?$"#,
            check::document_liveness
        ),
        def!(
            [Given, When],
            Target,
            r"^I send a valid (face verification|face liveness|document liveness) request$",
            check::valid_request
        ),
        def!(
            [When],
            Target,
            r"^I send this (face verification|face liveness|document liveness) request:$",
            check::send_table
        ),
        def!(
            [When],
            Target,
            r"^I send the same request again$",
            check::send_again
        ),
        def!(
            [Given, When],
            Target,
            r"^I use a new session id$",
            check::use_new_session_id
        ),
        def!(
            [Then],
            Target,
            r"^the score passes the threshold$",
            check::passes
        ),
        def!(
            [Then],
            Target,
            r"^the score is below the threshold$",
            check::below_threshold
        ),
        def!(
            [Then],
            Target,
            r"^the score is (\d+(?:\.\d+)?)$",
            check::score_is
        ),
        def!(
            [Then],
            Target,
            r"^the score is from (\d+(?:\.\d+)?) to (\d+(?:\.\d+)?)$",
            check::score_between
        ),
        def!(
            [Then],
            Target,
            r"^the score is below (\d+(?:\.\d+)?)$",
            check::score_below
        ),
        def!(
            [Then],
            Target,
            r#"^the answer is the error "([A-Z_]+)"$"#,
            check::is_error
        ),
        def!(
            [Then],
            Target,
            r"^the answer repeats the session id$",
            check::repeats_session_id
        ),
        def!(
            [Then],
            Target,
            r"^the last two answers are the same$",
            check::same_answers
        ),
        def!(
            [Then],
            Target,
            r"^the last two scores are the same$",
            check::same_scores
        ),
        def!(
            [Then],
            Target,
            r"^(no picture was|the picture was|\d+ pictures were) fetched$",
            check::pictures_fetched
        ),
    ]
}

fn outcome_definitions() -> Vec<StepDef<TrustmaticWorld>> {
    use outcome_steps as outcome;
    vec![
        def!(
            [Given, When],
            Outcomes,
            r"^the control API arms for the session:$",
            outcome::arm_for_session
        ),
        def!(
            [Given, When],
            Outcomes,
            r"^the control API arms for any session:$",
            outcome::arm_for_any_session
        ),
        def!(
            [Then],
            Outcomes,
            r"^the control API refuses to arm:$",
            outcome::refuses_to_arm
        ),
        def!(
            [When],
            Outcomes,
            r"^I disarm the armed outcome$",
            outcome::disarm_it
        ),
        def!(
            [When],
            Outcomes,
            r"^I disarm every outcome$",
            outcome::disarm_all
        ),
        def!(
            [Then],
            Outcomes,
            r"^the armed outcome is( not)? listed$",
            outcome::is_listed
        ),
    ]
}

#[cfg(test)]
mod tests;
