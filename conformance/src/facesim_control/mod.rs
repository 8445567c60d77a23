//! facesim's own control API (`{root}/_facesim`, docs/control.md, docs/scenarios.md): the
//! definitions of every step of `features/facesim/control/`. Every answer of the control API is
//! checked against `schemas/facesim/control.openapi.json`; to see its effects the steps also
//! call the simulated vendors under the same root with facesim's default credentials.

mod catalogue_steps;
mod clock_steps;
mod control_steps;
mod namespace_steps;
mod vendor_steps;
pub mod world;

use crate::scenarios::steps::{def, StepDef, Steps};
use std::sync::OnceLock;
pub use world::ControlWorld;

/// The API's name on the command line.
pub const API: &str = "facesim-control";

/// facesim's default Truora key with every permission.
pub const TRUORA_KEY: &str = "truora-sim-key";
/// facesim's default Checkout secret key.
pub const CHECKOUT_KEY: &str = "sk_sbox_facesimsandboxsecretkeyaaaa";
/// facesim's default Trustmatic user (`username:password`).
pub const TRUSTMATIC_USER: &str = "facesim:facesim";

/// A simulated vendor the control scenarios call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vendor {
    /// The Truora Validations API, at `{root}/truora/validations`.
    Truora,
    /// Checkout.com face authentication, at `{root}/checkout`.
    Checkout,
    /// Trustmatic, at `{root}/trustmatic`.
    Trustmatic,
}

impl Vendor {
    /// The vendor a step names (`Truora`, `Checkout`, `Trustmatic`).
    pub fn named(name: &str) -> Vendor {
        match name {
            "Checkout" => Vendor::Checkout,
            "Trustmatic" => Vendor::Trustmatic,
            _ => Vendor::Truora,
        }
    }

    /// Its path under the root.
    pub fn prefix(self) -> &'static str {
        match self {
            Vendor::Truora => "/truora/validations",
            Vendor::Checkout => "/checkout",
            Vendor::Trustmatic => "/trustmatic",
        }
    }
}

/// The header and value carrying facesim's default credentials for `vendor`.
pub fn vendor_key(vendor: Vendor) -> (&'static str, String) {
    use base64::Engine as _;
    match vendor {
        Vendor::Truora => ("Truora-API-Key", TRUORA_KEY.to_string()),
        Vendor::Checkout => ("Authorization", format!("Bearer {CHECKOUT_KEY}")),
        Vendor::Trustmatic => (
            "Authorization",
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(TRUSTMATIC_USER)
            ),
        ),
    }
}

/// Every step definition of the control API's features.
pub fn steps() -> &'static Steps<ControlWorld> {
    static STEPS: OnceLock<Steps<ControlWorld>> = OnceLock::new();
    STEPS.get_or_init(|| Steps::new(definitions()))
}

fn definitions() -> Vec<StepDef<ControlWorld>> {
    let mut all = control_definitions();
    all.extend(clock_definitions());
    all.extend(vendor_definitions());
    all.extend(catalogue_definitions());
    all.extend(namespace_definitions());
    all
}

fn namespace_definitions() -> Vec<StepDef<ControlWorld>> {
    use namespace_steps as ns;
    vec![
        def!(
            [Given, When],
            Target,
            r#"^I work in the namespace "([^"]*)"$"#,
            ns::works_in
        ),
        def!(
            [Given, When],
            Target,
            r"^I work in the default namespace$",
            ns::works_in_default
        ),
        def!(
            [Then],
            Target,
            r#"^the answer names the namespace "([^"]*)"$"#,
            ns::answer_names
        ),
        def!(
            [Then],
            Target,
            r"^the answer names no namespace$",
            ns::answer_names_none
        ),
    ]
}

fn control_definitions() -> Vec<StepDef<ControlWorld>> {
    use control_steps as control;
    vec![
        def!(
            [Given, When],
            Target,
            r#"^I (GET|POST|DELETE|PUT|PATCH) "([^"]*)"$"#,
            control::call
        ),
        def!(
            [Given, When],
            Target,
            r#"^I (POST|DELETE|PUT|PATCH) "([^"]*)" with:$"#,
            control::call_with_json
        ),
        def!(
            [When],
            Target,
            r#"^I (POST|PUT) "([^"]*)" as "([^"]*)" with:$"#,
            control::call_with_typed_body
        ),
        def!(
            [Given, When],
            Target,
            r"^I add the scenario rules:$",
            control::adds_rule
        ),
        def!(
            [Given, When, Then],
            Target,
            r"^I remove the scenario rules I added$",
            control::removes_added_rules
        ),
        def!(
            [Then],
            Target,
            r"^the control API answers (\d+)$",
            control::answers
        ),
        def!(
            [Then],
            Target,
            r#"^the control API refuses with (\d+) "([a-z_]+)"$"#,
            control::refuses
        ),
        def!(
            [Then],
            Target,
            r#"^the message mentions "([^"]*)"$"#,
            control::message_mentions
        ),
        def!(
            [Then],
            Target,
            r#"^the answer's "([^"]*)" is (.+)$"#,
            control::value_is
        ),
        def!(
            [Then],
            Target,
            r#"^the answer's "([^"]*)" has (at most |at least |)(\d+) items?$"#,
            control::count_is
        ),
        def!(
            [Then],
            Target,
            r#"^the answer's "([^"]*)" (has|lacks) an item whose "([^"]*)" is (.+)$"#,
            control::has_item
        ),
        def!(
            [Then],
            Target,
            r#"^in the answer's "([^"]*)" the item whose "([^"]*)" is (\S+) has "([^"]*)" = (.+)$"#,
            control::item_field_is
        ),
        def!(
            [Then],
            Target,
            r#"^every item of the answer's "([^"]*)" has "([^"]*)" that (is|starts with) (.+)$"#,
            control::every_item
        ),
        def!(
            [Given, When, Then],
            Target,
            r#"^I remember the answer's "([^"]*)" as "([A-Z][A-Z0-9_]*)"$"#,
            control::remember
        ),
    ]
}

fn clock_definitions() -> Vec<StepDef<ControlWorld>> {
    use clock_steps as clock;
    vec![
        def!([Given], Target, r"^I note the clock$", clock::note),
        def!(
            [Then],
            Target,
            r"^the clock runs (\d+(?:\.\d+)?) seconds further ahead than noted$",
            clock::offset_grew
        ),
        def!(
            [Then],
            Target,
            r"^the clock shows the noted time plus (\d+) seconds$",
            clock::at_noted_plus
        ),
        def!(
            [Then],
            Target,
            r"^the clock has not moved since noted$",
            clock::not_moved
        ),
        def!(
            [When],
            Target,
            r"^I set the clock (\d+) seconds (after|before) the noted time$",
            clock::set_relative
        ),
    ]
}

fn vendor_definitions() -> Vec<StepDef<ControlWorld>> {
    use vendor_steps as vendor;
    vec![
        def!(
            [Given, When],
            Target,
            r"^a Truora enrollment for a new account$",
            vendor::truora_enrollment
        ),
        def!(
            [Given, When],
            Target,
            r"^a Truora passive liveness validation for the account$",
            vendor::truora_validation
        ),
        def!(
            [Given, When],
            Target,
            r#"^"([^"]+)" was uploaded for the Truora validation$"#,
            vendor::truora_upload
        ),
        def!(
            [Given, When],
            Target,
            r"^the Truora validation has finished$",
            vendor::truora_validation_finished
        ),
        def!(
            [Given, When],
            Target,
            r"^a Checkout face authentication for a new applicant$",
            vendor::checkout_face_authentication
        ),
        def!(
            [Given, When],
            Target,
            r"^a Checkout attempt for the face authentication$",
            vendor::checkout_attempt
        ),
        def!(
            [Given, When],
            Target,
            r#"^I verify "([^"]+)" against "([^"]+)" with Trustmatic$"#,
            vendor::trustmatic_verify
        ),
        def!(
            [Given, When],
            Target,
            r#"^I send a (GET|POST|DELETE) request to the (Truora|Checkout|Trustmatic) path "([^"]*)"$"#,
            vendor::vendor_path
        ),
        def!(
            [Then],
            Target,
            r"^the vendor answered (\d+)$",
            vendor::vendor_answered
        ),
        def!(
            [Then],
            Target,
            r#"^the vendor's answer has "([^"]*)" = (.+)$"#,
            vendor::vendor_value_is
        ),
    ]
}

fn catalogue_definitions() -> Vec<StepDef<ControlWorld>> {
    use catalogue_steps as catalogue;
    vec![
        def!(
            [Then],
            Target,
            r"^every outcome of the catalogue has a trigger with an example$",
            catalogue::every_outcome_has_a_trigger
        ),
        def!(
            [When],
            Target,
            r#"^I run the catalogue's "(marker|request|control|scenario)" example of the face verification outcome "([A-Za-z_]+)"$"#,
            catalogue::run_example
        ),
        def!(
            [Then],
            Target,
            r#"^the face verification shows the outcome "([A-Za-z_]+)"$"#,
            catalogue::shows_outcome
        ),
    ]
}

#[cfg(test)]
mod tests;
