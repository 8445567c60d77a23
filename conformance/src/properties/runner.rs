//! Running a property with proptest's `TestRunner`: the cases are spread over a few shards,
//! each a runner on a blocking thread that drives the asynchronous case with the runtime's
//! handle, so that cases waiting for the target's asynchronous processing overlap. Seeds are
//! fixed per run and printed with every failure.

use super::context::Context;
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestError, TestRunner};
use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;

/// The environment variable that fixes the seed of every property (a decimal `u64`).
pub const SEED_VARIABLE: &str = "FACESIM_PROPERTY_SEED";

/// How one property is run.
#[derive(Clone, Copy, Debug)]
pub(super) struct Plan {
    /// Cases in all shards together.
    pub cases: u32,
    /// Runners working at the same time.
    pub shards: u32,
    /// The seed of shard 0; shard `n` uses `seed + n`.
    pub seed: u64,
    /// Most shrinking steps after a failure (each replays a case against the target).
    pub shrink_iterations: u32,
}

impl Plan {
    fn config(&self, shard: u32) -> Config {
        let base = self.cases / self.shards;
        let extra = u32::from(shard < self.cases % self.shards);
        Config {
            cases: base + extra,
            failure_persistence: None,
            fork: false,
            timeout: 0,
            max_shrink_iters: self.shrink_iterations,
            max_shrink_time: 30_000,
            rng_algorithm: RngAlgorithm::ChaCha,
            rng_seed: RngSeed::Fixed(self.seed.wrapping_add(u64::from(shard))),
            verbose: 0,
            ..Config::default()
        }
    }
}

/// The seed of this run: [`SEED_VARIABLE`] when set, else a random one.
pub(super) fn seed() -> Result<u64, String> {
    match std::env::var(SEED_VARIABLE) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{SEED_VARIABLE}={text:?} is not a decimal u64")),
        Err(_) => Ok(super::context::random_u64()),
    }
}

/// Runs `case` on inputs drawn from `strategy` until `plan.cases` pass or one fails; a
/// failure is shrunk and reported with its input, its own message and the seed.
pub(super) async fn check<S, F, Fut>(
    context: &Arc<Context>,
    plan: Plan,
    strategy: S,
    case: F,
) -> Result<(), String>
where
    S: Strategy + Clone + Send + 'static,
    S::Value: Debug,
    F: Fn(Arc<Context>, S::Value) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>>,
{
    let handle = tokio::runtime::Handle::current();
    let shards: Vec<_> = (0..plan.shards)
        .map(|shard| {
            let config = plan.config(shard);
            let (strategy, case, context, handle) = (
                strategy.clone(),
                case.clone(),
                context.clone(),
                handle.clone(),
            );
            tokio::task::spawn_blocking(move || {
                if config.cases == 0 {
                    return Ok(());
                }
                let mut runner = TestRunner::new(config);
                runner
                    .run(&strategy, |input| {
                        handle
                            .block_on(case(context.clone(), input))
                            .map_err(TestCaseError::fail)
                    })
                    .map_err(|error| report(error, plan, shard))
            })
        })
        .collect();
    let mut failures = Vec::new();
    for shard in shards {
        match shard.await {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => failures.push(failure),
            Err(join) => failures.push(format!("a shard of the property panicked: {join}")),
        }
    }
    match failures.into_iter().next() {
        None => Ok(()),
        Some(first) => Err(first),
    }
}

fn report<V: Debug>(error: TestError<V>, plan: Plan, shard: u32) -> String {
    let rerun = format!(
        "seed {} (shard {shard} of {}, {} cases): rerun with {SEED_VARIABLE}={} and the same case count",
        plan.seed.wrapping_add(u64::from(shard)),
        plan.shards,
        plan.cases,
        plan.seed
    );
    match error {
        TestError::Fail(reason, input) => {
            format!("{}\nminimal input: {input:?}\n{rerun}", reason.message())
        }
        TestError::Abort(reason) => format!("gave up: {}\n{rerun}", reason.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_share_the_cases_and_derive_their_seeds() {
        let plan = Plan {
            cases: 10,
            shards: 4,
            seed: 7,
            shrink_iterations: 5,
        };
        let configs: Vec<Config> = (0..4).map(|s| plan.config(s)).collect();
        let cases: Vec<u32> = configs.iter().map(|c| c.cases).collect();
        assert_eq!(cases, [3, 3, 2, 2]);
        assert_eq!(configs[3].rng_seed, RngSeed::Fixed(10));
        assert!(configs.iter().all(|c| c.failure_persistence.is_none()));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failure_is_shrunk_and_names_its_seed() {
        let context = Arc::new(Context::new(
            crate::target::Target::new(
                "http://127.0.0.1:9",
                "k",
                "Truora-API-Key",
                facesim_schemas::contract("truora-validations").unwrap(),
                None,
            ),
            crate::fixtures::Fixtures::embedded(),
        ));
        let plan = Plan {
            cases: 64,
            shards: 2,
            seed: 42,
            shrink_iterations: 1000,
        };
        let failure = check(&context, plan, 0u32..1000, |_, n| async move {
            if n >= 10 {
                Err(format!("{n} is too big"))
            } else {
                Ok(())
            }
        })
        .await
        .unwrap_err();
        assert!(
            failure.starts_with("10 is too big\nminimal input: 10\n"),
            "{failure}"
        );
        assert!(failure.contains("FACESIM_PROPERTY_SEED=42"), "{failure}");
    }
}
