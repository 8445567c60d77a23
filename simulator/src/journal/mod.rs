//! The request journal: one entry per request under a vendor prefix (or outside every prefix),
//! kept in a bounded ring and served by the control API at `{root}/_facesim/journal`.
//!
//! Requests to the control API itself are not recorded. Bodies are never stored or buffered:
//! an entry holds the request line, content types, the body size, the status, the latency and
//! the vendor's error code when the answer carries one ([`VendorErrorCode`]).

mod entry;
pub mod filter;
mod recorder;
mod ring;
mod routes;

pub use entry::{Api, Entry, VendorErrorCode};
pub use filter::{Filter, FilterError, JournalQuery};
pub use recorder::record;
pub use ring::{Journal, Page};
pub use routes::router;

use serde::Deserialize;

/// The `[journal]` section of the configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JournalConfig {
    /// How many entries are kept (the oldest are dropped first); 0 turns the journal off.
    pub capacity: usize,
}

impl JournalConfig {
    /// The largest accepted capacity.
    pub const MAX_CAPACITY: usize = 100_000;

    /// Checks the values; the message names the key.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.capacity > Self::MAX_CAPACITY {
            return Err(format!(
                "journal.capacity must be within 0..={} (0 turns the journal off)",
                Self::MAX_CAPACITY
            ));
        }
        Ok(())
    }
}

impl Default for JournalConfig {
    fn default() -> Self {
        JournalConfig { capacity: 1000 }
    }
}
