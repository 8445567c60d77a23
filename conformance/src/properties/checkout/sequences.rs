//! Property: random sequences of operations on the face authentications of one applicant
//! (create face authentications and attempts, open verification URLs, anonymize, read and
//! list; with a control API also capture actions and clock moves) answer what the reference
//! [`Model`] of docs/checkout.md expects, step by step, and every face authentication and
//! attempt shows the status and response code the model expects.
//!
//! Outcomes come from the sandbox convention (the applicant's external id) and, with a
//! control API, from its actions. With a control API the property moves the target's clock:
//! it then runs alone, after the other properties, one sequence at a time.

use super::model::{sandbox_id, Action, Model, Op, Step, View, FACE_AUTHENTICATIONS};
use super::resources;
use crate::checkout::{user_journey, REDIRECT_URL};
use crate::properties::context::{Context, Transcript};
use crate::properties::runner::{self, Plan};
use crate::properties::Property;
use crate::target::{Exchange, Request};
use futures::future::BoxFuture;
use proptest::prelude::*;
use proptest::strategy::SBoxedStrategy;
use serde_json::{json, Value};
use std::sync::Arc;

/// The property.
pub(in crate::properties) const PROPERTY: Property = Property {
    name: "random face authentication sequences follow the documented states",
    tags: &["property", "model", "face-authentications", "attempts"],
    scale: 1,
    shards: 8,
    shrink_iterations: 48,
    alone: true,
    check,
};

/// Most generated operations in a sequence.
const OPERATIONS: usize = 20;

fn face_authentication() -> impl Strategy<Value = usize> + Clone {
    prop_oneof![4 => Just(0), 1 => Just(FACE_AUTHENTICATIONS - 1)]
}

fn step() -> impl Strategy<Value = Step> + Clone {
    prop_oneof![
        3 => Just(Step::Approve),
        1 => proptest::sample::select(vec![62304, 62402]).prop_map(Step::Decline),
        1 => Just(Step::Refuse),
        2 => proptest::sample::select(vec![61121, 61203]).prop_map(Step::Abort),
        2 => proptest::sample::select(vec![61411, 61402]).prop_map(Step::Inconclusive),
    ]
}

fn action() -> impl Strategy<Value = Action> + Clone {
    prop_oneof![
        3 => Just(Action::Approve),
        1 => proptest::sample::select(vec![62305, 62405]).prop_map(Action::Decline),
        2 => proptest::sample::select(vec![61410, 61901]).prop_map(Action::Inconclusive),
        2 => proptest::sample::select(vec![61113, 61201]).prop_map(Action::Abort),
        1 => Just(Action::Refuse),
        1 => Just(Action::Close),
    ]
}

/// Any operation; capture actions and clock moves only with a control API.
fn op(control: bool) -> SBoxedStrategy<Op> {
    let fa = face_authentication;
    let without = prop_oneof![
        1 => Just(Op::CreateFaceAuthentication),
        4 => fa().prop_map(Op::CreateAttempt),
        4 => fa().prop_map(Op::Open),
        1 => fa().prop_map(Op::Anonymize),
        3 => fa().prop_map(Op::Read),
        2 => fa().prop_map(Op::List),
    ];
    if !control {
        return without.sboxed();
    }
    prop_oneof![
        15 => without,
        4 => (fa(), action()).prop_map(|(fa, action)| Op::Act(fa, action)),
        2 => proptest::sample::select(vec![2u64, 600, 900]).prop_map(Op::Advance),
    ]
    .sboxed()
}

/// A generated sequence: the sandbox outcomes of the applicant, if any, and the operations.
#[derive(Clone, Debug)]
pub(super) struct Sequence {
    sandbox: Option<Vec<Step>>,
    ops: Vec<Op>,
}

fn sequence(control: bool) -> impl Strategy<Value = Sequence> + Clone {
    (
        proptest::option::of(proptest::collection::vec(step(), 1..=4)),
        proptest::collection::vec(op(control), 1..=OPERATIONS),
    )
        .prop_map(|(sandbox, ops)| Sequence { sandbox, ops })
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        let control = context.target.control.is_some();
        let plan = Plan {
            shards: if control { 1 } else { plan.shards },
            ..plan
        };
        runner::check(
            &context,
            plan,
            sequence(control),
            |context, sequence| async move {
                Run::new(&context, sequence.sandbox.clone())
                    .sequence(&sequence.ops)
                    .await
            },
        )
        .await
    })
}

/// One execution of a sequence: the model, the target's ids (indexed like the model's face
/// authentications), the latest attempt of each, and what was done so far.
struct Run<'c> {
    context: &'c Context,
    model: Model,
    applicant: Option<String>,
    face_authentications: Vec<String>,
    latest: Vec<Option<Value>>,
    transcript: Transcript,
    done: Vec<String>,
}

impl<'c> Run<'c> {
    fn new(context: &'c Context, sandbox: Option<Vec<Step>>) -> Self {
        Run {
            context,
            model: Model::new(sandbox),
            applicant: None,
            face_authentications: Vec::new(),
            latest: Vec::new(),
            transcript: Transcript::default(),
            done: Vec::new(),
        }
    }

    async fn sequence(mut self, ops: &[Op]) -> Result<(), String> {
        let external_id = self.model_sandbox_id();
        let applicant =
            resources::applicant(self.context, &mut self.transcript, external_id.as_deref())
                .await?;
        self.applicant = Some(applicant);
        self.step(Op::CreateFaceAuthentication).await?;
        for op in ops {
            self.step(*op).await?;
        }
        for fa in 0..self.model.face_authentications() {
            self.settle(fa).await?;
            self.step(Op::Read(fa)).await?;
            self.step(Op::List(fa)).await?;
        }
        Ok(())
    }

    fn model_sandbox_id(&self) -> Option<String> {
        self.model_sandbox().map(|steps| sandbox_id(&steps))
    }

    fn model_sandbox(&self) -> Option<Vec<Step>> {
        self.model.sandbox().map(<[Step]>::to_vec)
    }

    /// A failure after the steps done so far.
    fn mismatch(&self, problem: &str) -> String {
        let external = self
            .model_sandbox_id()
            .map(|id| format!(" (applicant {id})"))
            .unwrap_or_default();
        self.transcript.failure(&format!(
            "after {}{external}: {problem}",
            self.done.join(", ")
        ))
    }

    /// Waits for the checks of `fa` to end: the clock moves 2 s with a control API, else
    /// the face authentication is watched until they are over.
    async fn settle(&mut self, fa: usize) -> Result<(), String> {
        if self.context.target.control.is_some() {
            return self.send(Op::Advance(2)).await;
        }
        let label = format!("wait for the checks of fa-{}", fa + 1);
        self.done.push(label.clone());
        let path = format!("/face-authentications/{}", self.face_authentications[fa]);
        let request = self.context.target.request("GET", &path);
        let exchange = self
            .transcript
            .poll(self.context, &label, request, |body| {
                body.get("status").and_then(Value::as_str) != Some("checks_in_progress")
            })
            .await?;
        self.model.settle(fa);
        self.compare_face_authentication(fa, &exchange)
    }

    async fn step(&mut self, op: Op) -> Result<(), String> {
        if !self.model.applicable(op) {
            return Ok(());
        }
        if let Some(fa) = self.model.wait_before(op) {
            self.settle(fa).await?;
        }
        self.send(op).await
    }

    /// Sends `op`, checks its answer against the model's expectation, and applies it.
    async fn send(&mut self, op: Op) -> Result<(), String> {
        let (status, code) = self.model.expect(op);
        let (request, api) = self.request(op);
        self.done.push(op.to_string());
        let label = op.to_string();
        let exchange = if api {
            self.transcript
                .send(self.context, label, request, None)
                .await?
        } else {
            self.transcript
                .send_link(self.context, label, request, None)
                .await?
        };
        if exchange.status != status {
            return Err(self.mismatch(&format!("expected {status}, got {}", exchange.status)));
        }
        if let Some(code) = code {
            let codes = super::requests::error_codes(&exchange);
            if codes != [code.clone()] {
                return Err(
                    self.mismatch(&format!("expected the error code {code}, got {codes:?}"))
                );
            }
        }
        self.model.apply(op, exchange.status);
        self.read(op, &exchange)
    }

    /// The request of `op`, and whether it goes to the API (else to a link or the control API).
    fn request(&self, op: Op) -> (Request, bool) {
        let target = &self.context.target;
        let fa_path =
            |fa: usize| format!("/face-authentications/{}", self.face_authentications[fa]);
        let control = |path: &str, body: Value| {
            let control = target
                .control
                .as_ref()
                .expect("generated only with a control API");
            (
                control
                    .request("POST", path)
                    .text(Some("application/json"), &body.to_string()),
                false,
            )
        };
        let latest = |fa: usize| self.latest[fa].clone().unwrap_or_default();
        match op {
            Op::CreateFaceAuthentication => {
                let body = json!({
                    "applicant_id": self.applicant.as_deref().unwrap_or_default(),
                    "user_journey_id": user_journey(target),
                });
                let request = target
                    .request("POST", "/face-authentications")
                    .text(Some("application/json"), &body.to_string());
                (request, true)
            }
            Op::CreateAttempt(fa) => {
                let body = json!({ "redirect_url": REDIRECT_URL }).to_string();
                let request = target
                    .request("POST", &format!("{}/attempts", fa_path(fa)))
                    .text(Some("application/json"), &body);
                (request, true)
            }
            Op::Open(fa) => {
                let url = latest(fa)
                    .pointer("/_links/verification_url/href")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                (target.link("GET", &url), false)
            }
            Op::Act(fa, action) => {
                let id = resources::id(&latest(fa));
                control(&format!("/checkout/attempts/{id}"), action.body())
            }
            Op::Advance(seconds) => control("/clock/advance", json!({ "seconds": seconds })),
            Op::Anonymize(fa) => (
                target.request("POST", &format!("{}/anonymize", fa_path(fa))),
                true,
            ),
            Op::Read(fa) => (target.request("GET", &fa_path(fa)), true),
            Op::List(fa) => (
                target.request("GET", &format!("{}/attempts?limit=100", fa_path(fa))),
                true,
            ),
        }
    }

    /// Reads what a success says: new ids, and the states the model compares.
    fn read(&mut self, op: Op, exchange: &Exchange) -> Result<(), String> {
        if !(200..300).contains(&exchange.status) {
            return Ok(());
        }
        let body = exchange.json().unwrap_or_default();
        match op {
            Op::CreateFaceAuthentication => {
                self.face_authentications.push(resources::id(&body));
                self.latest.push(None);
                self.compare_face_authentication(self.face_authentications.len() - 1, exchange)
            }
            Op::CreateAttempt(fa) => {
                self.latest[fa] = Some(body.clone());
                self.compare_latest_attempt(fa, &body)
            }
            Op::Act(fa, _) => self.compare_latest_attempt(fa, &body),
            Op::Read(fa) | Op::Anonymize(fa) => self.compare_face_authentication(fa, exchange),
            Op::List(fa) => self.compare_attempts(fa, &body),
            Op::Open(_) | Op::Advance(_) => Ok(()),
        }
    }

    fn compare_face_authentication(&self, fa: usize, exchange: &Exchange) -> Result<(), String> {
        let shown = view(&exchange.json().unwrap_or_default());
        let views = self.model.face_authentication_views(fa);
        if views.iter().any(|v| shown == Some(*v)) {
            Ok(())
        } else {
            Err(self.mismatch(&format!(
                "fa-{} shows {shown:?}, expected one of {views:?}",
                fa + 1
            )))
        }
    }

    fn compare_latest_attempt(&self, fa: usize, body: &Value) -> Result<(), String> {
        let shown = view(body);
        let views: Vec<View> = self
            .model
            .attempt_views(fa)
            .into_iter()
            .filter_map(|attempts| attempts.first().copied())
            .collect();
        if views.iter().any(|v| shown == Some(*v)) {
            Ok(())
        } else {
            Err(self.mismatch(&format!(
                "the latest attempt of fa-{} shows {shown:?}, expected one of {views:?}",
                fa + 1
            )))
        }
    }

    fn compare_attempts(&self, fa: usize, body: &Value) -> Result<(), String> {
        let shown: Vec<Option<View>> = body["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(view)
            .collect();
        let alternatives = self.model.attempt_views(fa);
        let matches = alternatives.iter().any(|views| {
            views.len() == shown.len() && views.iter().zip(&shown).all(|(v, s)| Some(*v) == *s)
        });
        if matches {
            Ok(())
        } else {
            Err(self.mismatch(&format!(
                "the attempts of fa-{} show {shown:?} (newest first), expected one of {alternatives:?}",
                fa + 1
            )))
        }
    }
}

/// The `(status, response code)` a body shows; `None` when it shows no status or more than
/// one code.
fn view(body: &Value) -> Option<View> {
    let status = body.get("status").and_then(Value::as_str)?;
    let status = STATUSES.iter().find(|s| **s == status)?;
    let codes = body.get("response_codes").and_then(Value::as_array)?;
    match codes.as_slice() {
        [] => Some((status, None)),
        [only] => {
            let code = only.get("code").and_then(Value::as_u64)?;
            Some((status, u32::try_from(code).ok()))
        }
        _ => None,
    }
}

/// Every status of face authentications and attempts.
const STATUSES: &[&str] = &[
    "created",
    "pending",
    "capture_in_progress",
    "checks_in_progress",
    "approved",
    "declined",
    "retry_required",
    "refused",
    "inconclusive",
    "pending_redirection",
    "completed",
    "expired",
    "capture_aborted",
    "capture_refused",
    "checks_inconclusive",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeSet;

    #[test]
    fn views_read_status_and_code() {
        assert_eq!(
            view(
                &json!({"status": "approved", "response_codes": [{"code": 10000, "summary": "approved"}]})
            ),
            Some(("approved", Some(10000)))
        );
        assert_eq!(
            view(&json!({"status": "pending", "response_codes": []})),
            Some(("pending", None))
        );
        assert_eq!(view(&json!({"status": "odd", "response_codes": []})), None);
    }

    #[test]
    fn generated_sequences_reach_every_operation_and_outcome() {
        let mut runner = TestRunner::deterministic();
        let mut kinds = BTreeSet::new();
        let mut outcomes = BTreeSet::new();
        for _ in 0..200 {
            let generated = sequence(true).new_tree(&mut runner).unwrap().current();
            let mut model = Model::new(generated.sandbox.clone());
            let ops = std::iter::once(Op::CreateFaceAuthentication).chain(generated.ops);
            for op in ops {
                if !model.applicable(op) {
                    continue;
                }
                if let Some(fa) = model.wait_before(op) {
                    model.settle(fa);
                }
                kinds.insert(
                    op.to_string()
                        .split(' ')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
                let (status, _) = model.expect(op);
                model.apply(op, status);
                if let Op::Read(fa) = op {
                    outcomes.insert(model.face_authentication_views(fa)[1].0);
                }
            }
        }
        assert!(kinds.len() >= 7, "{kinds:?}");
        for status in [
            "approved",
            "declined",
            "refused",
            "retry_required",
            "inconclusive",
        ] {
            assert!(
                outcomes.contains(status),
                "{status} never reached: {outcomes:?}"
            );
        }
    }
}
