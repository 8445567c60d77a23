//! Truora outcomes armed through the control API: for one account, the next validations end
//! with a `declined_reason` or `system_error`, whatever file they get. They live in the
//! [`Store`], so a reset of the store disarms them.

use super::{ForcedVerdict, Store};
use crate::armed::{ArmError, Armed};
use crate::truora::form::{is_valid_account_id, MAX_ACCOUNT_ID_LEN};
use crate::truora::model::{DeclinedReason, FailureStatus};

impl ForcedVerdict {
    /// The outcome's name: the `declined_reason`, or `system_error`.
    pub fn name(self) -> &'static str {
        match self {
            ForcedVerdict::Declined(reason) => reason.as_str(),
            ForcedVerdict::SystemError => FailureStatus::SystemError.as_str(),
        }
    }

    /// `name` as a forced verdict, or why it is none.
    pub fn from_name(name: &str) -> Result<ForcedVerdict, String> {
        ForcedVerdict::parse(name).ok_or_else(|| {
            format!(
                "outcome {name:?} is not a declined_reason ({}) or system_error",
                DeclinedReason::names()
            )
        })
    }
}

impl Store {
    /// Arms `forced` for the next `times` validations of `account_id` (an account need not be
    /// enrolled, or known at all, yet).
    pub fn arm_outcome(
        &mut self,
        account_id: &str,
        forced: ForcedVerdict,
        times: u32,
    ) -> Result<Armed<ForcedVerdict>, ArmError> {
        if !is_valid_account_id(account_id) {
            return Err(ArmError::Invalid(format!(
                "account_id {account_id:?} is not a Truora account id ([a-zA-Z0-9_.-], at most {MAX_ACCOUNT_ID_LEN} characters)"
            )));
        }
        self.armed.arm(account_id, forced, times)
    }

    /// The armed outcomes, oldest first.
    pub fn armed_outcomes(&self) -> &[Armed<ForcedVerdict>] {
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
    use crate::config::TruoraConfig;
    use crate::truora::engine::Settings;
    use crate::truora::form::NewValidation;
    use crate::truora::model::Subvalidation;
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn store() -> Store {
        Store::new(Settings::from_config(&TruoraConfig::default()))
    }

    fn request(account: &str) -> NewValidation {
        NewValidation {
            account_id: account.into(),
            threshold: 0.65,
            liveness: None,
            subvalidations: vec![Subvalidation::PassiveLiveness],
            minimum_precision: None,
            timeout_seconds: None,
            retry_of_id: None,
        }
    }

    fn forced(
        store: &mut Store,
        account: &str,
        rule: Option<ForcedVerdict>,
    ) -> Option<ForcedVerdict> {
        store
            .create_forced_validation(request(account), "203.0.113.7".into(), rule, now())
            .unwrap()
            .forced
    }

    const BLOCKLIST: ForcedVerdict = ForcedVerdict::Declined(DeclinedReason::FaceInBlocklist);

    #[test]
    fn the_next_validations_of_the_account_take_the_armed_outcome() {
        let mut store = store();
        store.arm_outcome("acc-1", BLOCKLIST, 2).unwrap();
        assert_eq!(forced(&mut store, "acc-2", None), None);
        assert_eq!(forced(&mut store, "acc-1", None), Some(BLOCKLIST));
        assert_eq!(store.armed_outcomes()[0].remaining, 1);
        assert_eq!(forced(&mut store, "acc-1", None), Some(BLOCKLIST));
        assert_eq!(forced(&mut store, "acc-1", None), None);
    }

    #[test]
    fn a_scenario_rule_wins_and_leaves_the_armed_outcome_armed() {
        let mut store = store();
        store.arm_outcome("acc-1", BLOCKLIST, 1).unwrap();
        let rule = Some(ForcedVerdict::SystemError);
        assert_eq!(forced(&mut store, "acc-1", rule), rule);
        assert_eq!(store.armed_outcomes()[0].remaining, 1);
        assert_eq!(forced(&mut store, "acc-1", None), Some(BLOCKLIST));
    }

    #[test]
    fn names_and_account_ids_are_checked_and_a_clear_disarms() {
        assert_eq!(
            ForcedVerdict::from_name("system_error"),
            Ok(ForcedVerdict::SystemError)
        );
        assert_eq!(BLOCKLIST.name(), "face_in_blocklist");
        assert!(ForcedVerdict::from_name("expired")
            .unwrap_err()
            .contains("declined_reason"));
        let mut store = store();
        assert!(matches!(
            store.arm_outcome("acc 1", BLOCKLIST, 1),
            Err(ArmError::Invalid(m)) if m.contains("account id")
        ));
        let armed = store.arm_outcome("acc-1", BLOCKLIST, 1).unwrap();
        assert!(!store.disarm_outcome(Some("outcome_9")));
        assert!(store.disarm_outcome(Some(&armed.id)));
        store.arm_outcome("acc-1", BLOCKLIST, 1).unwrap();
        store.clear();
        assert!(store.armed_outcomes().is_empty());
    }
}
