//! Checkout outcomes armed through the control API: for one applicant, the next attempts of its
//! face authentications complete with a response code when opened, as a scenario rule's
//! `outcome` or the sandbox convention would make them. They live in the [`Store`], so a reset
//! of the store disarms them.

use super::Store;
use crate::armed::{ArmError, Armed};
use crate::checkout::ids::is_generated;
use crate::checkout::sandbox::{self, Step};

impl Step {
    /// The step written as the sandbox convention and scenario rules write it: `10000`,
    /// `62304`, `63001`, `61411A`, `61411I`.
    pub fn name(self) -> String {
        match self {
            Step::Approve => "10000".into(),
            Step::Refuse => "63001".into(),
            Step::Decline(code) => code.code().to_string(),
            Step::Abort(code) => format!("{}A", code.code()),
            Step::Inconclusive(code) => format!("{}I", code.code()),
        }
    }

    /// `name` as a step, or why it is none.
    pub fn from_name(name: &str) -> Result<Step, String> {
        sandbox::parse_step(name).ok_or_else(|| {
            format!(
                "outcome {name:?} is not a documented response code: 10000 (approve), 62xxx (decline), 63001 (refuse), or 61xxx followed by A (abort) or I (inconclusive)"
            )
        })
    }
}

impl Store {
    /// Arms `step` for the next `times` attempts created for the face authentications of
    /// applicant `applicant_id`, which must exist (of any account).
    pub fn arm_outcome(
        &mut self,
        applicant_id: &str,
        step: Step,
        times: u32,
    ) -> Result<Armed<Step>, ArmError> {
        if !is_generated(applicant_id, "aplt") {
            return Err(ArmError::Invalid(format!(
                "applicant_id {applicant_id:?} is not an applicant ID (aplt_ and 26 characters of a-z, 2-7)"
            )));
        }
        if !self.applicants.contains_key(applicant_id) {
            return Err(ArmError::UnknownTarget(format!(
                "no applicant {applicant_id}"
            )));
        }
        self.armed.arm(applicant_id, step, times)
    }

    /// The armed outcomes, oldest first.
    pub fn armed_outcomes(&self) -> &[Armed<Step>] {
        self.armed.list()
    }

    /// Disarms the outcome `id` (every outcome when `None`); whether one was disarmed.
    pub fn disarm_outcome(&mut self, id: Option<&str>) -> bool {
        self.armed.disarm_some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::engine::{AccountId, Settings};
    use crate::checkout::model::ResponseCode;
    use crate::checkout::request::{NewApplicant, NewAttempt, NewFaceAuthentication};
    use crate::config::Config;
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    /// A store with one applicant and a face authentication of theirs.
    fn world() -> (Store, AccountId, String, String) {
        let config = Config::load(None).unwrap();
        let mut store = Store::new(Settings::from_config(&config.checkout));
        let account = store
            .account(&config.checkout.accounts[0].secret_key)
            .unwrap();
        let applicant = store
            .create_applicant(account, NewApplicant::default(), now())
            .id
            .clone();
        let fa = NewFaceAuthentication {
            applicant_id: Ok(applicant.clone()),
            user_journey_id: Ok("usj_t5bdzsdmi57ehhkrnmp5omjimu".into()),
        };
        let fa = store
            .create_face_authentication(account, fa, now())
            .unwrap()
            .id
            .clone();
        (store, account, applicant, fa)
    }

    fn attempt(
        store: &mut Store,
        account: AccountId,
        fa: &str,
        rule: Option<Step>,
    ) -> Option<Step> {
        let request = NewAttempt {
            redirect_url: "https://merchant.example/done".into(),
            client_information: None,
            phone_number: None,
        };
        store
            .create_forced_attempt(account, fa, request, rule, now())
            .unwrap()
            .forced
    }

    #[test]
    fn the_next_attempts_of_the_applicant_take_the_armed_code_and_a_rule_wins() {
        let (mut store, account, applicant, fa) = world();
        let decline = Step::from_name("62304").unwrap();
        store.arm_outcome(&applicant, decline, 1).unwrap();
        assert_eq!(
            attempt(&mut store, account, &fa, Some(Step::Refuse)),
            Some(Step::Refuse)
        );
        assert_eq!(store.armed_outcomes()[0].remaining, 1);
        assert_eq!(attempt(&mut store, account, &fa, None), Some(decline));
        assert_eq!(attempt(&mut store, account, &fa, None), None);
    }

    #[test]
    fn names_are_written_in_full_and_applicants_must_exist() {
        let code = ResponseCode::new(61411).unwrap();
        assert_eq!(Step::from_name("61411"), Ok(Step::Inconclusive(code)));
        assert_eq!(Step::Inconclusive(code).name(), "61411I");
        assert_eq!(Step::Abort(code).name(), "61411A");
        assert_eq!(Step::Approve.name(), "10000");
        assert!(Step::from_name("64001").is_err());
        let (mut store, _, applicant, _) = world();
        assert!(matches!(
            store.arm_outcome("fav_aaaaaaaaaaaaaaaaaaaaaaaaaa", Step::Approve, 1),
            Err(ArmError::Invalid(_))
        ));
        assert!(matches!(
            store.arm_outcome("aplt_aaaaaaaaaaaaaaaaaaaaaaaaaa", Step::Approve, 1),
            Err(ArmError::UnknownTarget(_))
        ));
        store.arm_outcome(&applicant, Step::Approve, 1).unwrap();
        assert!(store.disarm_outcome(None));
        assert!(!store.disarm_outcome(None));
    }
}
