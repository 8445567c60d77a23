//! Outcomes armed through the control API for one target (a Truora account, a Checkout
//! applicant): the next resources created for that target end with them. This module is
//! vendor-neutral and free of HTTP types; each vendor's engine store keeps one
//! [`ArmedOutcomes`] of its own forced outcome type, so resets, inspection and snapshots of the
//! store include what is armed. [`routes`] holds the control routes.

pub mod routes;

/// Most resources one armed outcome may decide.
pub const MAX_TIMES: u32 = 1000;
/// Most outcomes armed at once per vendor.
pub const MAX_ARMED: usize = 10_000;

/// One armed outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Armed<F> {
    /// Its ID, for disarming (`outcome_<n>`).
    pub id: String,
    /// The account or applicant it applies to.
    pub target: String,
    /// The outcome it forces.
    pub forced: F,
    /// How many more resources it decides.
    pub remaining: u32,
}

/// Why an outcome cannot be armed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArmError {
    /// The target is well formed but does not exist.
    UnknownTarget(String),
    /// The request cannot be armed as it stands.
    Invalid(String),
}

/// The armed outcomes of one vendor, oldest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArmedOutcomes<F> {
    armed: Vec<Armed<F>>,
    next_id: u64,
}

impl<F> Default for ArmedOutcomes<F> {
    fn default() -> Self {
        ArmedOutcomes {
            armed: Vec::new(),
            next_id: 0,
        }
    }
}

impl<F: Copy> ArmedOutcomes<F> {
    /// Arms `forced` for the next `times` resources of `target`.
    pub fn arm(&mut self, target: &str, forced: F, times: u32) -> Result<Armed<F>, ArmError> {
        if !(1..=MAX_TIMES).contains(&times) {
            return Err(ArmError::Invalid(format!(
                "times must be an integer from 1 to {MAX_TIMES}"
            )));
        }
        if self.armed.len() >= MAX_ARMED {
            return Err(ArmError::Invalid(format!(
                "{MAX_ARMED} outcomes are armed already; disarm some first"
            )));
        }
        self.next_id += 1;
        let armed = Armed {
            id: format!("outcome_{}", self.next_id),
            target: target.to_string(),
            forced,
            remaining: times,
        };
        self.armed.push(armed.clone());
        Ok(armed)
    }

    /// Takes one use of the oldest outcome armed for `target`.
    pub fn take(&mut self, target: &str) -> Option<F> {
        let index = self.armed.iter().position(|a| a.target == target)?;
        let armed = &mut self.armed[index];
        armed.remaining -= 1;
        let forced = armed.forced;
        if armed.remaining == 0 {
            self.armed.remove(index);
        }
        Some(forced)
    }

    /// What is armed, oldest first.
    pub fn list(&self) -> &[Armed<F>] {
        &self.armed
    }

    /// Disarms the outcome `id`; whether there was one.
    pub fn disarm(&mut self, id: &str) -> bool {
        let before = self.armed.len();
        self.armed.retain(|a| a.id != id);
        self.armed.len() != before
    }

    /// Disarms the outcome `id`, or every outcome when `None`; whether one was disarmed.
    pub fn disarm_some(&mut self, id: Option<&str>) -> bool {
        match id {
            Some(id) => self.disarm(id),
            None => {
                let any = !self.armed.is_empty();
                self.clear();
                any
            }
        }
    }

    /// Disarms everything.
    pub fn clear(&mut self) {
        self.armed.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_decides_its_targets_resources_as_often_as_armed() {
        let mut armed = ArmedOutcomes::default();
        armed.arm("a", 'x', 2).unwrap();
        assert_eq!(armed.take("b"), None);
        assert_eq!(armed.take("a"), Some('x'));
        assert_eq!(armed.list()[0].remaining, 1);
        assert_eq!(armed.take("a"), Some('x'));
        assert_eq!(armed.take("a"), None);
        assert!(armed.list().is_empty());
    }

    #[test]
    fn the_oldest_goes_first_and_ids_are_never_reused() {
        let mut armed = ArmedOutcomes::default();
        let first = armed.arm("a", 1, 1).unwrap();
        let second = armed.arm("a", 2, 1).unwrap();
        assert_ne!(first.id, second.id);
        assert!(armed.disarm(&first.id));
        assert!(!armed.disarm(&first.id));
        assert_eq!(armed.arm("a", 3, 1).unwrap().id, "outcome_3");
        assert_eq!(armed.take("a"), Some(2));
        armed.clear();
        assert_eq!(armed.take("a"), None);
    }

    #[test]
    fn times_must_be_in_range() {
        let mut armed = ArmedOutcomes::default();
        for times in [0, MAX_TIMES + 1] {
            assert!(matches!(
                armed.arm("a", (), times),
                Err(ArmError::Invalid(m)) if m.contains("times")
            ));
        }
        assert!(armed.arm("a", (), MAX_TIMES).is_ok());
    }
}
