//! Outcomes armed through the control API: the next matching calls answer them instead of
//! the check of their pictures.

use super::check::{Score, Verdict};
use super::model::{ErrorCode, Operation};
use serde::Serialize;

/// Most calls one armed outcome may answer.
pub const MAX_TIMES: u32 = 1000;
/// Most outcomes armed at once.
pub const MAX_ARMED: usize = 10_000;

/// What an armed outcome answers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub enum Forced {
    /// `hasError: true` with this code.
    Error(ErrorCode),
    /// `hasError: false` with this score.
    Score(Score),
}

/// One armed outcome.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Armed {
    /// Its ID, for disarming.
    pub id: String,
    /// Only calls of this operation; `None`: any.
    pub operation: Option<Operation>,
    /// Only calls with this `sessionId`; `None`: any.
    pub session_id: Option<String>,
    /// The answer.
    pub forced: Forced,
    /// How many more calls it answers.
    pub remaining: u32,
}

/// What a control request asks to arm.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmRequest {
    /// `operation`.
    pub operation: Option<Operation>,
    /// `sessionId`.
    pub session_id: Option<String>,
    /// `error`.
    pub error: Option<String>,
    /// `score`.
    pub score: Option<f64>,
    /// `times` (default 1).
    pub times: Option<u64>,
}

/// The armed outcomes, oldest first.
#[derive(Debug, Default, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Outcomes {
    armed: Vec<Armed>,
    next_id: u64,
}

impl Outcomes {
    /// Arms `request`, or says in words why it cannot be.
    pub fn arm(&mut self, request: ArmRequest) -> Result<Armed, String> {
        let forced = forced(request.operation, request.error.as_deref(), request.score)?;
        let times = request.times.unwrap_or(1);
        if !(1..=u64::from(MAX_TIMES)).contains(&times) {
            return Err(format!("times must be an integer from 1 to {MAX_TIMES}"));
        }
        if self.armed.len() >= MAX_ARMED {
            return Err(format!(
                "{MAX_ARMED} outcomes are armed already; disarm some first"
            ));
        }
        self.next_id += 1;
        let armed = Armed {
            id: format!("outcome_{}", self.next_id),
            operation: request.operation,
            session_id: request.session_id,
            forced,
            remaining: times as u32,
        };
        self.armed.push(armed.clone());
        Ok(armed)
    }

    /// Takes the oldest outcome armed for a call of `operation` with `session_id`.
    pub fn take(&mut self, operation: Operation, session_id: Option<&str>) -> Option<Verdict> {
        let index = self.armed.iter().position(|a| {
            a.operation.is_none_or(|op| op == operation)
                && a.session_id
                    .as_deref()
                    .is_none_or(|s| Some(s) == session_id)
        })?;
        let armed = &mut self.armed[index];
        armed.remaining -= 1;
        let verdict = match armed.forced {
            Forced::Error(code) => Verdict::Failed {
                code,
                detail: format!("forced by the control API ({})", armed.id),
            },
            Forced::Score(score) => Verdict::Scored(score),
        };
        if armed.remaining == 0 {
            self.armed.remove(index);
        }
        Some(verdict)
    }

    /// What is armed, oldest first.
    pub fn list(&self) -> &[Armed] {
        &self.armed
    }

    /// Disarms the outcome `id`; whether there was one.
    pub fn disarm(&mut self, id: &str) -> bool {
        let before = self.armed.len();
        self.armed.retain(|a| a.id != id);
        self.armed.len() != before
    }

    /// Disarms everything.
    pub fn clear(&mut self) {
        self.armed.clear();
    }
}

/// Checks `error` / `score` against the operation.
fn forced(
    operation: Option<Operation>,
    error: Option<&str>,
    score: Option<f64>,
) -> Result<Forced, String> {
    match (error, score) {
        (Some(_), Some(_)) | (None, None) => Err("give exactly one of error and score".into()),
        (Some(text), None) => {
            let code = ErrorCode::parse(text)
                .ok_or_else(|| format!("error {text:?} is not one of {}", ErrorCode::names()))?;
            match operation {
                None if code != ErrorCode::InternalError => Err(format!(
                    "error {text} needs an operation; without one only INTERNAL_ERROR applies to every operation"
                )),
                Some(op) if !op.errors().contains(&code) => Err(format!(
                    "{op} does not answer {text}; it answers {}",
                    names(op.errors())
                )),
                _ => Ok(Forced::Error(code)),
            }
        }
        (None, Some(value)) => {
            let op = operation.ok_or("a score needs an operation (its range depends on it)")?;
            let max = op.max_score();
            if !(0.0..=max).contains(&value) {
                return Err(format!("the score of {op} must be from 0 to {max}"));
            }
            Ok(Forced::Score(match op {
                Operation::FaceVerify if value.fract() != 0.0 => {
                    return Err("the score of face_verify is an integer".into())
                }
                Operation::FaceVerify => Score::Points(value as u8),
                _ => Score::Fraction(value),
            }))
        }
    }
}

fn names(codes: &[ErrorCode]) -> String {
    codes
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An armed outcome as the control API shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmedView {
    id: String,
    operation: Option<&'static str>,
    session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<serde_json::Value>,
    remaining: u32,
}

impl From<&Armed> for ArmedView {
    fn from(armed: &Armed) -> Self {
        let (error, score) = match armed.forced {
            Forced::Error(code) => (Some(code.as_str()), None),
            Forced::Score(Score::Points(p)) => (None, Some(p.into())),
            Forced::Score(Score::Fraction(f)) => (None, Some(f.into())),
        };
        ArmedView {
            id: armed.id.clone(),
            operation: armed.operation.map(Operation::as_str),
            session_id: armed.session_id.clone(),
            error,
            score,
            remaining: armed.remaining,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(op: Option<Operation>, session: Option<&str>) -> ArmRequest {
        ArmRequest {
            operation: op,
            session_id: session.map(String::from),
            error: Some("INTERNAL_ERROR".into()),
            score: None,
            times: None,
        }
    }

    #[test]
    fn an_outcome_answers_matching_calls_as_many_times_as_armed() {
        let mut outcomes = Outcomes::default();
        let mut twice = request(Some(Operation::FaceVerify), Some("s1"));
        twice.times = Some(2);
        outcomes.arm(twice).unwrap();
        assert_eq!(outcomes.take(Operation::FaceVerify, Some("other")), None);
        assert_eq!(outcomes.take(Operation::FaceLiveness, Some("s1")), None);
        assert!(outcomes.take(Operation::FaceVerify, Some("s1")).is_some());
        assert!(outcomes.take(Operation::FaceVerify, Some("s1")).is_some());
        assert_eq!(outcomes.take(Operation::FaceVerify, Some("s1")), None);
        assert!(outcomes.list().is_empty());
    }

    #[test]
    fn the_oldest_matching_outcome_goes_first_and_can_be_disarmed() {
        let mut outcomes = Outcomes::default();
        let any = outcomes.arm(request(None, None)).unwrap();
        let mut score = request(Some(Operation::FaceLiveness), None);
        (score.error, score.score) = (None, Some(0.25));
        outcomes.arm(score).unwrap();
        assert!(outcomes.disarm(&any.id));
        assert!(!outcomes.disarm(&any.id));
        assert_eq!(
            outcomes.take(Operation::FaceLiveness, None),
            Some(Verdict::Scored(Score::Fraction(0.25)))
        );
    }

    #[test]
    fn codes_and_scores_must_suit_the_operation() {
        let mut outcomes = Outcomes::default();
        let mut r = request(Some(Operation::FaceLiveness), None);
        r.error = Some("PROBE_FACE_NOT_FOUND".into());
        assert!(outcomes.arm(r).unwrap_err().contains("FACE_NOT_FOUND"));
        let mut r = request(None, None);
        r.error = Some("FACE_NOT_FOUND".into());
        assert!(outcomes.arm(r).unwrap_err().contains("needs an operation"));
        let mut r = request(Some(Operation::FaceVerify), None);
        (r.error, r.score) = (None, Some(27.5));
        assert!(outcomes.arm(r).unwrap_err().contains("integer"));
        let mut r = request(Some(Operation::DocumentLiveness), None);
        (r.error, r.score) = (None, Some(1.5));
        assert!(outcomes.arm(r).unwrap_err().contains("from 0 to 1"));
        let mut r = request(None, None);
        r.times = Some(0);
        assert!(outcomes.arm(r).unwrap_err().contains("times"));
        let mut r = request(None, None);
        r.score = Some(1.0);
        assert!(outcomes.arm(r).unwrap_err().contains("exactly one"));
    }
}
