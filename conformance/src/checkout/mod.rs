//! The Checkout.com Identity Verification API (face authentication): how its key travels and
//! the definitions of every step its features use.

mod applicant_steps;
mod asset_steps;
mod attempt_steps;
pub(crate) mod body;
mod capture_steps;
pub mod codes;
mod face_authentication_steps;
mod forcing_steps;
mod list_steps;
mod request_steps;
mod webhook_steps;
pub mod world;

use crate::scenarios::steps::{arg, def, docstring, StepDef, Steps};
use cucumber::step::Context as Step;
use serde_json::Value;
use std::sync::OnceLock;
pub use webhook_steps::unsubscribe;
pub use world::CheckoutWorld;

/// The API's name on the command line.
pub const API: &str = "checkout-identity-verification";
/// The header that carries the secret key.
pub const KEY_HEADER: &str = "Authorization";
/// What comes before the secret key in that header.
pub const KEY_PREFIX: &str = "Bearer ";

const APPLICANTS: &str = "/applicants";
const FACE_AUTHENTICATIONS: &str = "/face-authentications";
/// The user journey (configuration) id face authentications are created with, unless the
/// run gives another (`--user-journey`).
pub const USER_JOURNEY: &str = "usj_aaaaaaaaaaaaaaaaaaaaaaaaaa";

/// The user journey id face authentications are created with at `target`.
pub fn user_journey(target: &crate::target::Target) -> String {
    target
        .configuration
        .clone()
        .unwrap_or_else(|| USER_JOURNEY.to_string())
}
/// Where attempts send the applicant back.
pub const REDIRECT_URL: &str = "https://example.com/facesim-conformance/back";

/// Capture group `index`, or `None` when it is empty or did not take part.
fn optional_arg(step: &Step, index: usize) -> Option<String> {
    Some(arg(step, index)).filter(|value| !value.is_empty())
}

/// The expected response code of `… with <code>` (group `code`) or `… with no response
/// code` (group `none`): `Some(Some(code))`, `Some(None)`, or `None` when the step says
/// nothing about codes.
fn outcome_code(step: &Step, code: usize, none: usize) -> Option<Option<u32>> {
    if let Some(code) = optional_arg(step, code) {
        return Some(Some(code.parse().expect("a code")));
    }
    optional_arg(step, none).map(|_| None)
}

/// `first ` → 1, `second ` → 2, `third ` → 3; nothing means the latest.
fn ordinal(text: &str) -> Option<usize> {
    match text.trim() {
        "first" => Some(1),
        "second" => Some(2),
        "third" => Some(3),
        _ => None,
    }
}

/// The fields of a step's two-column table, in order: `(omitted)` rows are left out and
/// `(the applicant)` stands for the current applicant's id (see [`body::cell_value`]).
fn table_fields(world: &CheckoutWorld, step: &Step) -> Vec<(String, Value)> {
    let rows = step.step.table.iter().flat_map(|table| &table.rows);
    rows.filter(|row| row.len() >= 2)
        .filter_map(|row| {
            let value = match row[1].as_str() {
                "(the applicant)" => Some(Value::String(world.applicant_id())),
                text => body::cell_value(text),
            };
            value.map(|value| (row[0].clone(), value))
        })
        .collect()
}

/// Every step definition of the Checkout features.
pub fn steps() -> &'static Steps<CheckoutWorld> {
    static STEPS: OnceLock<Steps<CheckoutWorld>> = OnceLock::new();
    STEPS.get_or_init(|| Steps::new(definitions()))
}

fn definitions() -> Vec<StepDef<CheckoutWorld>> {
    let mut all = request_definitions();
    all.extend(resource_definitions());
    all.extend(list_definitions());
    all.extend(control_definitions());
    all.extend(forcing_definitions());
    all
}

fn forcing_definitions() -> Vec<StepDef<CheckoutWorld>> {
    vec![
        def!(
            [Given],
            Outcomes,
            r#"^the control API forces the next attempt of the face authentication to end with "(\d{5}[AI]?)"$"#,
            forcing_steps::force_next_attempt
        ),
        def!(
            [Then],
            Outcomes,
            r"^the control API applied the forced outcome once$",
            forcing_steps::forced_outcome_applied
        ),
    ]
}

fn request_definitions() -> Vec<StepDef<CheckoutWorld>> {
    use request_steps as request;
    vec![
        def!(
            [Given, When],
            Target,
            r"^I use no API key$",
            request::use_no_key
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
            r"^I use the main API key$",
            request::use_main_key
        ),
        def!(
            [Given, When],
            SecondKey,
            r"^I use the second account's API key$",
            request::use_second_key
        ),
        def!(
            [Given, When],
            VideosKey,
            r"^I use the videos-enabled account's API key$",
            request::use_videos_key
        ),
        def!(
            [When],
            Target,
            r#"^I send this body as "([^"]+)" to (create an applicant|create a face authentication|create an attempt|update the applicant):$"#,
            request::send_body
        ),
        def!(
            [When],
            Target,
            r"^I send a body without a content type to create an applicant$",
            request::send_untyped
        ),
        def!(
            [When],
            Target,
            r"^I send a body larger than 1 MB to create an applicant$",
            request::send_oversized
        ),
        def!(
            [When],
            Target,
            r#"^I send a ([A-Z]+) request to "([^"]*)"$"#,
            request::send_method_to_path
        ),
        def!(
            [When],
            Target,
            r"^I send a ([A-Z]+) request to the applicant$",
            request::send_method_to_applicant
        ),
        def!(
            [Then],
            Target,
            r"^the request succeeds with status (\d+)$",
            request::succeeds_with
        ),
        def!(
            [Then],
            Target,
            r"^the request is refused with status (\d+)$",
            request::refused_with
        ),
        def!(
            [Then],
            Target,
            r#"^the error codes are "([^"]*)"$"#,
            request::error_codes_are
        ),
        def!(
            [Then],
            Target,
            r#"^the error codes are one of "([^"]*)"$"#,
            request::error_codes_one_of
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
            r#"^the answer's "([^"]+)" starts with "([^"]*)"$"#,
            request::field_starts_with
        ),
        def!(
            [Then],
            Target,
            r#"^the answer has no "([^"]+)"$"#,
            request::has_no_field
        ),
        def!(
            [Then],
            Target,
            r"^the answer's timestamps are UTC with whole seconds$",
            request::timestamps
        ),
        def!(
            [Then],
            Target,
            r"^the answer links to itself$",
            request::links_to_itself
        ),
        def!(
            [Then],
            Target,
            r"^reading the (applicant|face authentication|attempt) answers what (its creation|the last request) answered$",
            request::reads_as
        ),
        def!(
            [Then],
            Target,
            r"^the answer carries a request id$",
            request::carries_request_id
        ),
        def!(
            [Then],
            Target,
            r"^the error repeats the answer's request id$",
            request::error_repeats_request_id
        ),
        def!(
            [Then],
            Target,
            r"^the last two answers carry different request ids$",
            request::different_request_ids
        ),
    ]
}

fn resource_definitions() -> Vec<StepDef<CheckoutWorld>> {
    use applicant_steps as applicant;
    use attempt_steps as attempt;
    use face_authentication_steps as face;
    vec![
        def!(
            [Given],
            Target,
            r"^an applicant$",
            applicant::given_applicant
        ),
        def!(
            [Given],
            Target,
            r#"^an applicant with the external id "([^"]+)"$"#,
            applicant::given_with_external_id
        ),
        def!(
            [When],
            Target,
            r"^I create an applicant with:$",
            applicant::create_with
        ),
        def!(
            [When],
            Target,
            r"^I create an applicant without any field$",
            applicant::create_without_fields
        ),
        def!(
            [When],
            Target,
            r#"^I read the applicant(?: "([^"]*)")?$"#,
            applicant::read
        ),
        def!(
            [When],
            Target,
            r#"^I update the applicant(?: "([^"]*)")? with:$"#,
            applicant::update_with
        ),
        def!(
            [When],
            Target,
            r#"^I update the applicant "([^"]*)"$"#,
            applicant::update_id
        ),
        def!(
            [When],
            Target,
            r#"^I anonymize the applicant(?: "([^"]*)")?$"#,
            applicant::anonymize
        ),
        def!(
            [Then],
            Target,
            r"^the answer keeps the applicant's id, external id and creation time$",
            applicant::keeps_identity
        ),
        def!(
            [Given],
            Target,
            r"^a face authentication for the applicant$",
            face::given
        ),
        def!(
            [When],
            Target,
            r#"^I create a face authentication for the applicant(?: "([^"]*)")?$"#,
            face::create_for_applicant
        ),
        def!(
            [When],
            Target,
            r"^I create a face authentication with:$",
            face::create_with
        ),
        def!(
            [When],
            Target,
            r#"^I read the face authentication(?: "([^"]*)")?$"#,
            face::read
        ),
        def!(
            [When],
            Target,
            r#"^I anonymize the face authentication(?: "([^"]*)")?$"#,
            face::anonymize
        ),
        def!(
            [Given, Then],
            Target,
            r#"^the face authentication is "([a-z_]+)"(?: with (\d+)|( with no response code))?$"#,
            face::is_status
        ),
        def!(
            [Then],
            Target,
            r#"^the face authentication has the risk label "([^"]+)"$"#,
            face::has_risk_label
        ),
        def!(
            [Then],
            Target,
            r"^the face authentication has no risk label$",
            face::has_no_risk_label
        ),
        def!(
            [Then],
            Target,
            r"^the answer names the applicant and the user journey sent$",
            face::names_what_was_sent
        ),
        def!(
            [Then],
            Target,
            r"^the face authentication links to its applicant$",
            face::links_to_applicant
        ),
        def!(
            [Then],
            Target,
            r"^the face authentication has (\d+) attempts?$",
            face::has_attempts
        ),
        def!(
            [Then],
            Target,
            r"^the face authentication's face image downloads a picture$",
            face::face_image_downloads
        ),
        def!(
            [Given],
            Target,
            r"^an attempt for the face authentication$",
            attempt::given
        ),
        def!(
            [Given],
            Target,
            r"^(\d+) attempts for the face authentication$",
            attempt::given_many
        ),
        def!(
            [When],
            Target,
            r#"^I create an attempt for the face authentication(?: "([^"]*)")?$"#,
            attempt::create_for
        ),
        def!(
            [When],
            Target,
            r"^I create an attempt with:$",
            attempt::create_with
        ),
        def!([When], Target, r"^I read the attempt$", attempt::read),
        def!(
            [When],
            Target,
            r#"^I read the attempt "([^"]*)" of the face authentication(?: "([^"]*)")?$"#,
            attempt::read_id
        ),
        def!(
            [When],
            Target,
            r"^I read the attempt through another face authentication$",
            attempt::read_through_another
        ),
        def!(
            [Given, Then],
            Target,
            r#"^the (first |second |third |)attempt is "([a-z_]+)"(?: with (\d+)|( with no response code))?$"#,
            attempt::is_status
        ),
        def!(
            [Then],
            Target,
            r"^the answer has a verification URL$",
            attempt::has_verification_url
        ),
        def!(
            [Given, When],
            Target,
            r"^the applicant opens the verification URL$",
            attempt::opens_verification_url
        ),
        def!(
            [Given],
            Target,
            r"^the applicant fails (\d+) attempts?$",
            attempt::fails_attempts
        ),
    ]
}

fn list_definitions() -> Vec<StepDef<CheckoutWorld>> {
    use asset_steps as asset;
    use list_steps as page;
    vec![
        def!(
            [When],
            Target,
            r#"^I list the attempts(?: with "([^"]*)")?$"#,
            page::list_attempts
        ),
        def!(
            [When],
            Target,
            r#"^I list the attempts of the face authentication "([^"]*)"$"#,
            page::list_attempts_of
        ),
        def!(
            [When],
            Target,
            r"^I follow the page's (next|previous) link$",
            page::follow
        ),
        def!(
            [Then],
            Target,
            r"^the page says total_count (\d+), skip (\d+) and limit (\d+)$",
            page::page_says
        ),
        def!(
            [Then],
            Target,
            r"^the page lists attempts? ([\d, ]+)$",
            page::page_lists
        ),
        def!(
            [Then],
            Target,
            r"^the page lists no attempt$",
            page::page_lists_none
        ),
        def!(
            [Then],
            Target,
            r"^the page has no (next|previous) link$",
            page::has_no_link
        ),
        def!(
            [Then],
            Target,
            r"^the page's (next|previous|self) link asks for skip (\d+) and limit (\d+)$",
            page::link_asks
        ),
        def!(
            [Then],
            Target,
            r"^every attempt listed reads the same on its own$",
            page::every_listed_reads_the_same
        ),
        def!(
            [When],
            Target,
            r#"^I list the assets of the attempt(?: with "([^"]*)")?$"#,
            asset::list
        ),
        def!(
            [When],
            Target,
            r#"^I list the assets of the attempt "([^"]*)" of the face authentication "([^"]*)"$"#,
            asset::list_of
        ),
        def!(
            [When],
            Target,
            r"^I list the assets of the attempt through another face authentication$",
            asset::list_through_another
        ),
        def!(
            [Given, Then],
            Target,
            r#"^the attempt has the assets "([^"]*)"$"#,
            asset::has_assets
        ),
        def!(
            [Then],
            Target,
            r"^the attempt has no asset$",
            asset::has_no_asset
        ),
        def!(
            [Given, Then],
            Target,
            r"^every asset link downloads its file$",
            asset::every_link_downloads
        ),
        def!(
            [Then],
            Target,
            r"^a changed asset link is refused$",
            asset::changed_link_refused
        ),
        def!(
            [Then],
            Target,
            r"^the asset links read before are refused$",
            asset::earlier_links_refused
        ),
    ]
}

fn control_definitions() -> Vec<StepDef<CheckoutWorld>> {
    use capture_steps as capture;
    use webhook_steps as webhooks;
    vec![
        def!(
            [Given],
            Control,
            r"^the service's clock can be moved$",
            capture::clock_can_be_moved
        ),
        def!(
            [Given, When],
            Control,
            r"^(\d+) (seconds?|minutes?) pass on the service's clock$",
            capture::clock_passes
        ),
        def!(
            [Given],
            Driver,
            r#"^the applicant's reference picture is "([^"]+)"$"#,
            capture::reference_picture
        ),
        def!(
            [Given, When],
            Driver,
            r#"^the control API takes the selfie "([^"]+)" for the attempt$"#,
            capture::takes_selfie
        ),
        def!(
            [Then],
            Driver,
            r#"^the control API refuses the selfie "([^"]+)" for the attempt$"#,
            capture::refuses_selfie
        ),
        def!(
            [Given, When],
            Driver,
            r"^the control API (approves|declines|aborts|refuses|closes) the attempt(?: with (\d+))?$",
            capture::drives
        ),
        def!(
            [Given, When],
            Driver,
            r"^the control API makes the attempt inconclusive(?: with (\d+))?$",
            capture::makes_inconclusive
        ),
        def!(
            [Then],
            Driver,
            r#"^the control API answered the attempt as "([a-z_]+)"$"#,
            capture::answered_attempt_as
        ),
        def!(
            [When],
            Driver,
            r#"^the control API audits the face authentication as "(approved|declined)"(?: with (\d+))?$"#,
            capture::audits
        ),
        def!(
            [Given],
            Driver,
            r"^the applicant fails (\d+) attempts? through the control API$",
            capture::fails_attempts
        ),
        def!(
            [Given],
            Driver,
            r"^the suite receives the webhooks$",
            webhooks::receives
        ),
        def!(
            [Given],
            Driver,
            r"^the receiver refuses the first delivery of each webhook about the applicant$",
            webhooks::refuse_first_about_applicant
        ),
        def!(
            [Then],
            Driver,
            r"^the webhooks of the face authentication are:$",
            webhooks::are
        ),
        def!(
            [Then],
            Driver,
            r"^the last webhook of the face authentication is:$",
            webhooks::last_is
        ),
        def!(
            [Then],
            Driver,
            r"^every webhook of the face authentication was delivered twice$",
            webhooks::delivered_twice
        ),
    ]
}

#[cfg(test)]
mod tests;
