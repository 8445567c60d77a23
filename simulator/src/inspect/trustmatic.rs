//! `GET {root}/_facesim/state/trustmatic`: the armed outcomes.

use super::listing::{self, Page, Tally};
use crate::control::ControlError;
use crate::ids::rfc3339_nanos;
use crate::query_params::QueryParams;
use crate::state::App;
use crate::trustmatic::model::Operation;
use crate::trustmatic::outcomes::ArmedView;
use serde::Serialize;

/// The key under which outcomes armed for every operation are counted.
const ANY_OPERATION: &str = "any";

/// The Trustmatic state: nothing in it depends on time.
#[derive(Debug, Serialize)]
pub struct TrustmaticState {
    /// The current virtual time.
    pub now: String,
    /// The armed outcomes, oldest first, as `GET {root}/_facesim/trustmatic/outcomes` shows them.
    pub outcomes: Page<ArmedView>,
}

/// Trustmatic's counts for the summary.
#[derive(Debug, Serialize)]
pub struct TrustmaticCounts {
    outcomes: OutcomeCounts,
}

/// `{"total", "by_operation"}` of the armed outcomes.
#[derive(Debug, Serialize)]
struct OutcomeCounts {
    total: usize,
    by_operation: Tally,
}

/// Lists the armed outcomes as `query` (`limit`) asks; they have no status to filter on.
pub fn state(app: &App, query: Option<&str>) -> Result<TrustmaticState, ControlError> {
    let params = QueryParams::parse(query, &["limit"])?;
    let limit = listing::limit(&params)?;
    let now = app.clock().now();
    let tenant = app.tenant();
    let outcomes = tenant.trustmatic.lock();
    let armed = outcomes.list();
    Ok(TrustmaticState {
        now: rfc3339_nanos(now),
        outcomes: Page {
            total: armed.len(),
            items: armed.iter().take(limit).map(ArmedView::from).collect(),
        },
    })
}

/// Counts the armed outcomes by operation (`any` for those armed for every operation).
pub fn counts(app: &App) -> TrustmaticCounts {
    let mut names: Vec<&'static str> = Operation::ALL.iter().map(|o| o.as_str()).collect();
    names.push(ANY_OPERATION);
    let tenant = app.tenant();
    let outcomes = tenant.trustmatic.lock();
    let armed = outcomes.list();
    TrustmaticCounts {
        outcomes: OutcomeCounts {
            total: armed.len(),
            by_operation: Tally::of(
                &names,
                armed
                    .iter()
                    .map(|a| a.operation.map_or(ANY_OPERATION, Operation::as_str)),
            ),
        },
    }
}
