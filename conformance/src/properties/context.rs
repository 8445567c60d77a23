//! What every property case shares: the target, the fixtures, unique account ids, and a
//! transcript of the exchanges of the case that becomes the failure report.

use super::judge;
use crate::fixtures::Fixtures;
use crate::target::{Exchange, Request, Target, TransportError};
use serde_json::Value;
use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The shell variable curl commands read the target's key from, so reports never hold it.
const KEY_VARIABLE: &str = "API_KEY";
/// How long an asynchronous result may take to settle before the case fails.
const SETTLE_BOUND: Duration = Duration::from_secs(15);
/// The pause between two polls of a result that has not settled.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// The target and what cases need to build requests for it.
pub(super) struct Context {
    /// The implementation under test.
    pub target: Target,
    /// Pictures to upload.
    pub fixtures: Fixtures,
    run: String,
    counter: AtomicU64,
}

impl Context {
    /// A context whose account ids start with a prefix unique to this run.
    pub fn new(target: Target, fixtures: Fixtures) -> Self {
        Context {
            target,
            fixtures,
            run: format!("pt{:08x}", random_u64() as u32),
            counter: AtomicU64::new(0),
        }
    }

    /// An account id (matching `[a-zA-Z0-9_.-]+`) used by no other case of any run.
    pub fn unique_account(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("{}-{n}", self.run)
    }
}

/// A random number from the standard library's per-process hasher keys and the clock.
pub(super) fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.write_u32(std::process::id());
    hasher.finish()
}

/// One request of a case: what it was for, how to replay it, and its answer.
struct Entry {
    label: String,
    curl: String,
    answer: String,
}

/// Every exchange of one case, in order.
#[derive(Default)]
pub(super) struct Transcript {
    entries: Vec<Entry>,
}

impl Transcript {
    /// Sends `request` to the API (its body produced by the shell command `source` when
    /// given), records it under `label`, and checks that the answer is documented.
    pub async fn send(
        &mut self,
        context: &Context,
        label: impl Into<String>,
        request: Request,
        source: Option<&str>,
    ) -> Result<Exchange, String> {
        self.answered(context, label.into(), request, source, true)
            .await
    }

    /// Sends `request` to a link the API handed out (a pre-signed upload link), which is no
    /// operation of the API (docs/truora.md, Decision 26): its answer must only not be a
    /// server error.
    pub async fn send_link(
        &mut self,
        context: &Context,
        label: impl Into<String>,
        request: Request,
        source: Option<&str>,
    ) -> Result<Exchange, String> {
        self.answered(context, label.into(), request, source, false)
            .await
    }

    /// Sends a request whose body is over a size limit, to the `api` or to a link. A server
    /// may refuse such a body by closing the connection (RFC 9110, 413 Content Too Large):
    /// that answers `None`.
    pub async fn send_oversized(
        &mut self,
        context: &Context,
        label: impl Into<String>,
        request: Request,
        source: Option<&str>,
        api: bool,
    ) -> Result<Option<Exchange>, String> {
        let label = label.into();
        Ok(self
            .attempt(context, &label, request, source, api)
            .await?
            .ok())
    }

    /// Sends and records `request`; an answer must be documented (see [`judge::documented`]).
    /// [`Self::attempt`], with no answer at all turned into a failure.
    async fn answered(
        &mut self,
        context: &Context,
        label: String,
        request: Request,
        source: Option<&str>,
        api: bool,
    ) -> Result<Exchange, String> {
        let answer = self.attempt(context, &label, request, source, api).await?;
        answer.map_err(|error| self.failure(&format!("{label}: no answer ({})", error.message)))
    }

    async fn attempt(
        &mut self,
        context: &Context,
        label: &str,
        request: Request,
        source: Option<&str>,
        api: bool,
    ) -> Result<Result<Exchange, TransportError>, String> {
        let target = &context.target;
        let replay = request.curl_redacted(&[(target.key.as_str(), KEY_VARIABLE)]);
        let curl = match source {
            Some(source) => format!("{source} | {replay}"),
            None => replay,
        };
        let answer = if api {
            target.send(request).await
        } else {
            target.send_link(request).await
        };
        self.entries.push(Entry {
            label: label.to_string(),
            curl,
            answer: match &answer {
                Ok(exchange) => answer_line(exchange),
                Err(error) => format!("no answer: {}", error.message),
            },
        });
        if let Ok(exchange) = &answer {
            judge::documented(&context.target, exchange)
                .map_err(|problem| self.failure(&format!("{label}: {problem}")))?;
        }
        Ok(answer)
    }

    /// Polls `request` until `settled` holds for its JSON body (or the answer is not a 200),
    /// recording only the last poll. Fails after [`SETTLE_BOUND`].
    pub async fn poll(
        &mut self,
        context: &Context,
        label: &str,
        request: Request,
        settled: impl Fn(&Value) -> bool,
    ) -> Result<Exchange, String> {
        let start = Instant::now();
        let mut polls = 0;
        loop {
            if polls > 0 {
                self.entries.pop();
            }
            polls += 1;
            let exchange = self.send(context, label, request.clone(), None).await?;
            let done = exchange.status != 200 || exchange.json().is_some_and(|b| settled(&b));
            if done || start.elapsed() >= SETTLE_BOUND {
                let last = self.entries.len() - 1;
                if polls > 1 {
                    let waited = start.elapsed().as_secs_f32();
                    self.entries[last].label = format!("{label} ({polls} polls, {waited:.1} s)");
                }
                if !done {
                    return Err(self.failure(&format!(
                        "{label}: still not settled after {} s",
                        SETTLE_BOUND.as_secs()
                    )));
                }
                return Ok(exchange);
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }

    /// A failure report: the problem, then every exchange as a curl command and its answer.
    pub fn failure(&self, problem: &str) -> String {
        let mut out = format!("{problem}\nreproduce:");
        for (i, entry) in self.entries.iter().enumerate() {
            let _ = write!(
                out,
                "\n  # {}. {}\n  {}\n  # → {}",
                i + 1,
                entry.label,
                entry.curl,
                entry.answer
            );
        }
        out
    }
}

/// `STATUS content-type body` of an answer, the body cut to a readable length.
fn answer_line(exchange: &Exchange) -> String {
    let body = exchange.excerpt(400);
    format!(
        "{} {} {}",
        exchange.status,
        exchange
            .content_type
            .as_deref()
            .unwrap_or("(no content type)"),
        body
    )
}

/// The string at `pointer` in a JSON body.
pub(super) fn text_at<'v>(body: &'v Value, pointer: &str) -> Option<&'v str> {
    body.pointer(pointer).and_then(Value::as_str)
}
