//! The Truora Validations API (face-recognition flow): its key header and the definitions of
//! every step its features use.

mod clock_steps;
mod enrollment_steps;
mod file_steps;
mod forcing_steps;
mod links;
mod request_steps;
mod upload_steps;
mod validation_steps;
pub mod world;

use crate::scenarios::steps::{arg, def, StepDef, Steps};
use std::sync::OnceLock;
pub use world::TruoraWorld;

/// The API's name on the command line.
pub const API: &str = "truora-validations";
/// The header that carries the API key.
pub const KEY_HEADER: &str = "Truora-API-Key";

const FACE: &str = "face-recognition";
const ENROLLMENTS: &str = "/v1/enrollments";
const VALIDATIONS: &str = "/v1/validations";

/// Every step definition of the Truora features.
pub fn steps() -> &'static Steps<TruoraWorld> {
    static STEPS: OnceLock<Steps<TruoraWorld>> = OnceLock::new();
    STEPS.get_or_init(|| Steps::new(definitions()))
}

fn definitions() -> Vec<StepDef<TruoraWorld>> {
    use clock_steps as clock;
    use enrollment_steps as enrollment;
    use file_steps as files;
    use request_steps as request;
    use upload_steps as upload;
    use validation_steps as validation;
    vec![
        // Accounts and enrollments.
        def!([Given], Target, r"^a new account$", enrollment::new_account),
        def!(
            [Given],
            Target,
            r"^an enrollment for a new account$",
            enrollment::enrollment_for_new_account
        ),
        def!(
            [Given],
            Target,
            r#"^a new account enrolled with "([^"]+)"$"#,
            enrollment::enrolled_with
        ),
        def!(
            [Given],
            Target,
            r#"^a new account enrolled without confirmation with "([^"]+)"$"#,
            enrollment::enrolled_without_confirmation_with
        ),
        def!(
            [Given, When],
            Target,
            r"^I create a face enrollment for the account$",
            enrollment::create_for_account
        ),
        def!(
            [When],
            Target,
            r"^I create a face enrollment without an account id$",
            enrollment::create_without_account
        ),
        def!(
            [Given, When],
            Target,
            r"^I create a face enrollment for the account without confirmation$",
            enrollment::create_without_confirmation
        ),
        def!(
            [When],
            Target,
            r"^I send an enrollment request with the form:$",
            enrollment::send_form
        ),
        def!(
            [When],
            Target,
            r#"^I read the enrollment "([^"]*)"$"#,
            enrollment::read_id
        ),
        def!(
            [Given, When],
            Target,
            r"^I delete the enrollment$",
            enrollment::delete
        ),
        def!(
            [When],
            Target,
            r#"^I delete the enrollment "([^"]*)"$"#,
            enrollment::delete_id
        ),
        def!(
            [Given],
            Target,
            r"^the enrollment was deleted$",
            enrollment::was_deleted
        ),
        def!(
            [Given, Then],
            Target,
            r#"^the enrollment is "([^"]+)" because "([^"]+)"$"#,
            enrollment::is_status_because
        ),
        def!(
            [Given, Then],
            Target,
            r"^the enrollment has succeeded$",
            enrollment::has_succeeded
        ),
        def!(
            [Given, Then],
            Target,
            r#"^the enrollment has failed because "([^"]+)"$"#,
            enrollment::has_failed_because
        ),
        def!(
            [Then],
            Target,
            r"^the enrollment no longer exists$",
            enrollment::no_longer_exists
        ),
        def!(
            [Then],
            Target,
            r"^the enrollment has an upload link$",
            enrollment::has_upload_link
        ),
        def!(
            [Then],
            Target,
            r"^the enrollment has a generated account id$",
            enrollment::has_generated_account
        ),
        def!(
            [Then],
            Target,
            r"^reading the enrollment answers what its creation answered$",
            enrollment::reads_as_created
        ),
        // Uploads.
        def!(
            [When],
            Target,
            r#"^I upload "([^"]+)" to the enrollment's upload link$"#,
            upload::to_enrollment
        ),
        def!(
            [When],
            Target,
            r#"^I upload "([^"]+)" to the enrollment's upload link with (a forged signature|no signature|a postponed expiry|no expiry)$"#,
            upload::to_changed_enrollment_link
        ),
        def!(
            [When],
            Target,
            r"^I upload an empty file to the enrollment's upload link$",
            upload::empty_to_enrollment
        ),
        def!(
            [When],
            Target,
            r"^I upload a file larger than 10 MB to the enrollment's upload link$",
            upload::oversized_to_enrollment
        ),
        def!(
            [Given],
            Target,
            r#"^"([^"]+)" was uploaded to the enrollment's upload link$"#,
            upload::was_uploaded_to_enrollment
        ),
        def!(
            [When],
            Target,
            r#"^I upload "([^"]+)" for the validation$"#,
            upload::for_validation
        ),
        def!(
            [When],
            Target,
            r"^I upload an empty file for the validation$",
            upload::empty_for_validation
        ),
        def!(
            [Given],
            Target,
            r#"^"([^"]+)" was uploaded for the validation$"#,
            upload::was_uploaded_for_validation
        ),
        def!(
            [Then],
            Target,
            r"^the upload is accepted$",
            upload::accepted
        ),
        // Validations.
        def!(
            [Given],
            Target,
            r"^a validation for the account$",
            validation::given
        ),
        def!(
            [Given],
            Target,
            r"^a validation for the account with:$",
            validation::given_with
        ),
        def!(
            [When],
            Target,
            r"^I create a validation for the account$",
            validation::create_for_account
        ),
        def!(
            [When],
            Target,
            r"^I create a validation for the account with:$",
            validation::create_with
        ),
        def!(
            [When],
            Target,
            r"^I send a validation request with the form:$",
            validation::send_form
        ),
        def!([When], Target, r"^I read the validation$", validation::read),
        def!(
            [When],
            Target,
            r#"^I read the validation "([^"]*)"$"#,
            validation::read_id
        ),
        def!(
            [Given, When],
            Target,
            r"^I read the validation with details$",
            validation::read_with_details
        ),
        def!(
            [When],
            Target,
            r"^I read the validation without details$",
            validation::read_without_details
        ),
        def!(
            [When],
            Target,
            r#"^I read the validation with show_details "([^"]*)"$"#,
            validation::read_with_show_details
        ),
        def!(
            [Given, When],
            Target,
            r"^the validation has finished$",
            validation::has_finished
        ),
        def!(
            [Given],
            Target,
            r#"^the validation was declined for "([^"]+)"$"#,
            validation::was_declined_for
        ),
        def!(
            [Given, When],
            Target,
            r"^I retry the (first |second |)validation with:$",
            validation::retry_nth
        ),
        def!(
            [When],
            Target,
            r#"^I retry the validation "([^"]+)" with:$"#,
            validation::retry_id
        ),
        def!(
            [When],
            Target,
            r"^another account retries the validation with:$",
            validation::retry_from_another_account
        ),
        def!(
            [Given, Then],
            Target,
            r"^the validation is pending$",
            validation::is_pending
        ),
        def!(
            [Then],
            Target,
            r"^the validation has succeeded$",
            validation::has_succeeded
        ),
        def!(
            [Then],
            Target,
            r#"^the validation is declined because "([^"]+)"$"#,
            validation::is_declined_because
        ),
        def!(
            [Then],
            Target,
            r#"^the validation has expired because "([^"]+)"$"#,
            validation::has_expired_because
        ),
        def!(
            [Then],
            Target,
            r"^the validation failed with a system error$",
            validation::failed_with_system_error
        ),
        def!(
            [Then],
            Target,
            r#"^the validation's "([^"]+)" is (.+)$"#,
            validation::field_is
        ),
        def!(
            [Then],
            Target,
            r"^the validation belongs to the account$",
            validation::belongs_to_account
        ),
        def!(
            [Then],
            Target,
            r"^the validation refers to the enrollment$",
            validation::refers_to_enrollment
        ),
        def!(
            [Then],
            Target,
            r"^the validation refers to no enrollment$",
            validation::refers_to_no_enrollment
        ),
        def!(
            [Then],
            Target,
            r#"^the validation reports "([^"]+)" as "([^"]+)"$"#,
            validation::reports
        ),
        def!(
            [Then],
            Target,
            r#"^the validation reports no "([^"]+)"$"#,
            validation::reports_no
        ),
        def!(
            [Then],
            Target,
            r"^the confidence score is (at least |at most |)([0-9]+(?:\.[0-9]+)?)$",
            validation::confidence
        ),
        def!(
            [Then],
            Target,
            r"^the validation is a retry of the (first|second) validation$",
            validation::is_retry_of
        ),
        def!(
            [Then],
            Target,
            r"^the validation has an upload link$",
            validation::has_upload_link
        ),
        def!(
            [Then],
            Target,
            r"^reading the validation answers what its creation answered$",
            validation::reads_as_created
        ),
        // File links.
        def!(
            [Then],
            Target,
            r"^the details list (\d+) reference files? and (\d+) user files?$",
            files::list
        ),
        def!(
            [Then],
            Target,
            r#"^the (reference|user) file link downloads "([^"]+)"$"#,
            files::downloads
        ),
        def!(
            [Then],
            Target,
            r"^the (reference|user) file link is (forbidden|gone)$",
            files::refused
        ),
        def!(
            [Then],
            Target,
            r"^the (reference|user) file link with (a forged signature|no signature|a postponed expiry|no expiry) is forbidden$",
            files::changed_is_forbidden
        ),
        def!(
            [Then],
            Target,
            r"^the validation lists no files$",
            files::lists_no_files
        ),
        // Keys, raw requests and answers.
        def!(
            [Given, When],
            Target,
            r"^I use no API key$",
            request::use_no_key
        ),
        def!(
            [Given, When],
            Target,
            r#"^I use the API key "([^"]*)"$"#,
            request::use_key
        ),
        def!(
            [Given, When],
            Target,
            r"^I use the main API key$",
            request::use_main_key
        ),
        def!(
            [Given, When],
            LimitedKey,
            r"^I use the API key without special permissions$",
            request::use_limited_key
        ),
        def!(
            [When],
            Target,
            r"^I send an enrollment request in JSON$",
            request::json_enrollment
        ),
        def!(
            [When],
            Target,
            r#"^I send an enrollment form labelled "([^"]+)"$"#,
            request::labelled_form
        ),
        def!(
            [When],
            Target,
            r"^I send an enrollment form without a content type$",
            request::untyped_form
        ),
        def!(
            [When],
            Target,
            r#"^I send the enrollment form "([^"]*)"$"#,
            request::raw_form
        ),
        def!(
            [When],
            Target,
            r"^I send an enrollment form larger than 1 MB$",
            request::oversized_form
        ),
        def!([Then], Target, r"^the request succeeds$", request::succeeds),
        def!(
            [Then],
            Target,
            r"^the request is refused with status (\d+)$",
            request::refused_with
        ),
        def!(
            [Then],
            Target,
            r#"^the error message mentions "([^"]+)"$"#,
            request::mentions
        ),
        def!(
            [Then],
            Target,
            r"^the error message names the (enrollment|account|first validation|second validation)$",
            request::names
        ),
        // The clock.
        def!(
            [Given],
            Control,
            r"^the service's clock can be moved$",
            clock::can_be_moved
        ),
        def!(
            [Given, When],
            Control,
            r"^(\d+) (seconds?|minutes?|hours?) pass on the service's clock$",
            clock::pass
        ),
        // Outcomes forced through facesim's scenario rules.
        def!(
            [Given],
            Outcomes,
            r#"^the control API forces the account's next validation to end with "([a-z_]+)"$"#,
            forcing_steps::force_next_validation
        ),
        def!(
            [Then],
            Outcomes,
            r"^the control API applied the forced outcome once$",
            forcing_steps::forced_outcome_applied
        ),
    ]
}

#[cfg(test)]
mod tests;
