//! Property: random sequences of operations on a few accounts (create, upload a reference,
//! get and delete enrollments; create, upload a selfie to and get validations) answer what
//! the reference [`Model`] of the documented state machine expects, step by step, and end
//! in the states it expects once everything asynchronous has settled.

use super::context::{text_at, Context, Transcript};
use super::judge::Expect;
use super::model::{Model, ValidationView, Wait, ACCOUNTS};
use super::operations::{Checks, Op, Picture, PICTURES};
use super::resources::{self, Resource};
use super::runner::{self, Plan};
use super::Property;
use crate::target::{Exchange, Request};
use futures::future::BoxFuture;
use proptest::prelude::*;
use std::sync::Arc;

/// The property.
pub(super) const PROPERTY: Property = Property {
    name: "random operation sequences follow the documented state machine",
    tags: &["property", "model"],
    scale: 1,
    shards: 32,
    shrink_iterations: 48,
    alone: false,
    check,
};

/// Most flows and single operations in a sequence.
const PARTS: usize = 8;

fn account() -> impl Strategy<Value = usize> + Clone {
    // Skewed towards the first account so that operations meet on the same resources.
    prop_oneof![6 => Just(0), 3 => Just(1), 1 => Just(ACCOUNTS - 1)]
}

fn picture() -> impl Strategy<Value = Picture> + Clone {
    proptest::sample::select(&PICTURES[..])
}

fn checks() -> impl Strategy<Value = Checks> + Clone {
    proptest::sample::select(&[Checks::Similarity, Checks::PassiveLiveness, Checks::Both][..])
}

/// Any single operation.
fn op() -> impl Strategy<Value = Op> + Clone {
    prop_oneof![
        3 => (account(), proptest::bool::weighted(0.2))
            .prop_map(|(account, confirmation_none)| Op::Enroll { account, confirmation_none }),
        4 => (account(), picture()).prop_map(|(account, picture)| Op::UploadReference { account, picture }),
        2 => account().prop_map(|account| Op::GetEnrollment { account }),
        2 => account().prop_map(|account| Op::DeleteEnrollment { account }),
        2 => (account(), checks()).prop_map(|(account, checks)| Op::Validate { account, checks }),
        3 => (account(), picture()).prop_map(|(account, picture)| Op::UploadSelfie { account, picture }),
        2 => account().prop_map(|account| Op::GetValidation { account }),
    ]
}

/// The documented flow of one account (create, upload a reference, validate, upload a
/// selfie, read both), each step kept with a high probability.
fn flow() -> impl Strategy<Value = Vec<Op>> + Clone {
    (
        account(),
        proptest::bool::weighted(0.2),
        picture(),
        checks(),
        picture(),
        proptest::array::uniform6(proptest::bool::weighted(0.85)),
    )
        .prop_map(
            |(account, confirmation_none, reference, checks, selfie, kept)| {
                let steps = [
                    Op::Enroll {
                        account,
                        confirmation_none,
                    },
                    Op::UploadReference {
                        account,
                        picture: reference,
                    },
                    Op::Validate { account, checks },
                    Op::UploadSelfie {
                        account,
                        picture: selfie,
                    },
                    Op::GetValidation { account },
                    Op::GetEnrollment { account },
                ];
                steps
                    .into_iter()
                    .zip(kept)
                    .filter(|(_, kept)| *kept)
                    .map(|(op, _)| op)
                    .collect()
            },
        )
}

/// Flows and single operations, one after the other.
fn sequence() -> impl Strategy<Value = Vec<Op>> + Clone {
    let part = prop_oneof![1 => flow(), 2 => op().prop_map(|op| vec![op])];
    proptest::collection::vec(part, 1..=PARTS).prop_map(|parts| parts.concat())
}

fn check(context: Arc<Context>, plan: Plan) -> BoxFuture<'static, Result<(), String>> {
    Box::pin(async move {
        runner::check(&context, plan, sequence(), |context, ops| async move {
            Run::new(&context).sequence(&ops).await
        })
        .await
    })
}

/// One execution of a sequence: the model, the ids the target handed out (indexed like the
/// model's enrollments and validations), and what was done so far.
struct Run<'c> {
    context: &'c Context,
    accounts: Vec<String>,
    model: Model,
    enrollments: Vec<Resource>,
    validations: Vec<Resource>,
    transcript: Transcript,
    done: Vec<String>,
}

impl<'c> Run<'c> {
    fn new(context: &'c Context) -> Self {
        let prefix = context.unique_account();
        Run {
            context,
            accounts: (1..=ACCOUNTS).map(|n| format!("{prefix}-acc{n}")).collect(),
            model: Model::default(),
            enrollments: Vec::new(),
            validations: Vec::new(),
            transcript: Transcript::default(),
            done: Vec::new(),
        }
    }

    async fn sequence(mut self, ops: &[Op]) -> Result<(), String> {
        for op in ops {
            self.step(*op).await?;
        }
        for wait in self.model.unsettled() {
            self.settle(wait).await?;
        }
        for account in 0..ACCOUNTS {
            self.step(Op::GetEnrollment { account }).await?;
            self.step(Op::GetValidation { account }).await?;
        }
        Ok(())
    }

    /// A failure after the steps done so far.
    fn mismatch(&self, problem: &str) -> String {
        self.transcript
            .failure(&format!("after {}: {problem}", self.done.join(", ")))
    }

    async fn step(&mut self, op: Op) -> Result<(), String> {
        if !self.model.applicable(op) {
            return Ok(());
        }
        for wait in self.model.waits_before(op) {
            self.settle(wait).await?;
        }
        let expect = self.model.expect(op);
        let (request, label) = self.request(op);
        self.done.push(op.to_string());
        let exchange = match op {
            Op::UploadReference { .. } | Op::UploadSelfie { .. } => {
                self.transcript
                    .send_link(self.context, label, request, None)
                    .await?
            }
            _ => {
                self.transcript
                    .send(self.context, label, request, None)
                    .await?
            }
        };
        if !expect.admits(exchange.status) {
            return Err(self.mismatch(&format!("expected {expect}, got {}", exchange.status)));
        }
        self.model.apply(op, exchange.status);
        if exchange.status == 200 {
            self.read(op, &exchange)?;
        }
        Ok(())
    }

    fn request(&self, op: Op) -> (Request, String) {
        let target = &self.context.target;
        let account = &self.accounts[op.account()];
        let label = op.to_string().replace(
            &format!("acc-{}", op.account() + 1),
            &format!("acc-{} = {account}", op.account() + 1),
        );
        let enrollment =
            || &self.enrollments[self.model.enrollment_of(op.account()).expect("applicable")];
        let validation =
            || &self.validations[self.model.validation_of(op.account()).expect("applicable")];
        let upload = |link: &str, file: &str| {
            let fixture = self.context.fixtures.get(file);
            target
                .link("PUT", link)
                .bytes(Some(fixture.content_type), fixture.bytes.clone(), file)
        };
        let request = match op {
            Op::Enroll {
                confirmation_none, ..
            } => {
                let extra: &[(&str, &str)] = if confirmation_none {
                    &[("confirmation", "none")]
                } else {
                    &[]
                };
                target
                    .request("POST", "/v1/enrollments")
                    .form(resources::face_form(account, extra))
            }
            Op::UploadReference { picture, .. } => upload(&enrollment().link, picture.file()),
            Op::GetEnrollment { .. } => {
                target.request("GET", &format!("/v1/enrollments/{}", enrollment().id))
            }
            Op::DeleteEnrollment { .. } => {
                target.request("DELETE", &format!("/v1/enrollments/{}", enrollment().id))
            }
            Op::Validate { checks, .. } => {
                let mut extra = vec![("timeout", "21600")];
                extra.extend(
                    checks
                        .subvalidations()
                        .iter()
                        .map(|s| ("subvalidations", *s)),
                );
                target
                    .request("POST", "/v1/validations")
                    .form(resources::face_form(account, &extra))
            }
            Op::UploadSelfie { picture, .. } => upload(&validation().link, picture.file()),
            Op::GetValidation { .. } => {
                target.request("GET", &format!("/v1/validations/{}", validation().id))
            }
        };
        (request, label)
    }

    /// Reads what a 200 answer says: new ids, and the states the model compares.
    fn read(&mut self, op: Op, exchange: &Exchange) -> Result<(), String> {
        let body = exchange.json().unwrap_or_default();
        match op {
            Op::Enroll { .. } => {
                let (id, link) = (
                    text_at(&body, "/enrollment_id"),
                    text_at(&body, "/file_upload_link"),
                );
                let (Some(id), Some(link)) = (id, link) else {
                    return Err(
                        self.mismatch("the enrollment has no enrollment_id or file_upload_link")
                    );
                };
                self.enrollments.push(Resource {
                    id: id.into(),
                    link: link.into(),
                });
                let e = self.enrollments.len() - 1;
                self.compare_enrollment(e, &body)
            }
            Op::Validate { .. } => {
                let (id, link) = (
                    text_at(&body, "/validation_id"),
                    text_at(&body, "/instructions/file_upload_link"),
                );
                let (Some(id), Some(link)) = (id, link) else {
                    return Err(
                        self.mismatch("the validation has no validation_id or file_upload_link")
                    );
                };
                self.validations.push(Resource {
                    id: id.into(),
                    link: link.into(),
                });
                let v = self.validations.len() - 1;
                self.compare_validation(v, &body)
            }
            Op::GetEnrollment { account } => {
                let e = self.model.enrollment_of(account).expect("applicable");
                self.compare_enrollment(e, &body)
            }
            Op::GetValidation { account } => {
                let v = self.model.validation_of(account).expect("applicable");
                self.compare_validation(v, &body)
            }
            _ => Ok(()),
        }
    }

    fn compare_enrollment(&mut self, e: usize, body: &serde_json::Value) -> Result<(), String> {
        let status = text_at(body, "/status").unwrap_or("(none)");
        self.model
            .observe_enrollment(e, status, text_at(body, "/reason"))
            .map_err(|problem| self.mismatch(&problem))
    }

    fn compare_validation(&mut self, v: usize, body: &serde_json::Value) -> Result<(), String> {
        let view = ValidationView {
            status: text_at(body, "/validation_status")
                .unwrap_or("(none)")
                .into(),
            failure_status: text_at(body, "/failure_status").map(str::to_string),
            declined_reason: text_at(body, "/declined_reason").map(str::to_string),
        };
        self.model
            .observe_validation(v, &view)
            .map_err(|problem| self.mismatch(&problem))
    }

    /// Polls until the target shows the result of an upload, then compares it.
    async fn settle(&mut self, wait: Wait) -> Result<(), String> {
        let target = &self.context.target;
        let (label, request) = match wait {
            Wait::Enrollment(e) => (
                format!(
                    "wait for the reference check of acc-{}",
                    self.model.enrollment_account(e) + 1
                ),
                target.request(
                    "GET",
                    &format!("/v1/enrollments/{}", self.enrollments[e].id),
                ),
            ),
            Wait::Validation(v) => (
                format!(
                    "wait for the validation of acc-{}",
                    self.model.validation_account(v) + 1
                ),
                target.request(
                    "GET",
                    &format!("/v1/validations/{}", self.validations[v].id),
                ),
            ),
        };
        self.done.push(label.clone());
        let exchange = self
            .transcript
            .poll(self.context, &label, request, |body| match wait {
                Wait::Enrollment(_) => text_at(body, "/reason") != Some("waiting_file_upload"),
                Wait::Validation(_) => text_at(body, "/validation_status") != Some("pending"),
            })
            .await?;
        if !Expect::OneOf(&[200]).admits(exchange.status) {
            return Err(self.mismatch(&format!("expected 200, got {}", exchange.status)));
        }
        let body = exchange.json().unwrap_or_default();
        match wait {
            Wait::Enrollment(e) => self.compare_enrollment(e, &body),
            Wait::Validation(v) => self.compare_validation(v, &body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;

    #[test]
    fn generated_sequences_reach_every_operation() {
        let mut runner = TestRunner::deterministic();
        let mut applicable = BTreeMap::new();
        let mut selfies_taken = 0;
        for _ in 0..100 {
            let ops = sequence().new_tree(&mut runner).unwrap().current();
            assert!(!ops.is_empty() && ops.len() <= PARTS * 6, "{ops:?}");
            let mut model = Model::default();
            for op in ops {
                if !model.applicable(op) {
                    continue;
                }
                let kind = op
                    .to_string()
                    .split('(')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                *applicable.entry(kind).or_insert(0) += 1;
                // A target that always gives the first answer the model allows.
                let status = match model.expect(op) {
                    Expect::OneOf(statuses) => statuses[0],
                    _ => 200,
                };
                if matches!(op, Op::UploadSelfie { .. }) && status == 200 {
                    selfies_taken += 1;
                }
                model.apply(op, status);
            }
        }
        assert_eq!(applicable.len(), 7, "{applicable:?}");
        assert!(applicable.values().all(|n| *n >= 5), "{applicable:?}");
        assert!(
            selfies_taken >= 20,
            "{selfies_taken} selfies taken: {applicable:?}"
        );
    }
}
