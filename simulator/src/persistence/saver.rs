//! Saving the state: one [`Saver`] per state file, so that saves never overlap and a save
//! whose state did not change since the last one can be skipped; and the background task that
//! saves at the configured interval.

use super::file::write_atomically;
use super::format::{StateFile, FORMAT_VERSION};
use crate::state::App;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a save failed; the previous file is intact.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The state could not be serialized.
    #[error("cannot serialize the state: {0}")]
    Serialize(#[from] serde_json::Error),
    /// The file could not be written.
    #[error("cannot write the state file {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// The file was written.
    Written {
        /// Its size in bytes.
        bytes: usize,
        /// How many namespaces it holds.
        namespaces: usize,
    },
    /// Nothing changed since the last save; the file was left alone.
    Unchanged,
}

/// Saves the state to one file.
#[derive(Debug)]
pub struct Saver {
    path: PathBuf,
    /// SHA-256 of the namespaces last written; held for the whole save, so saves never overlap.
    last: Mutex<Option<[u8; 32]>>,
}

impl Saver {
    /// A saver for `path`; its first save always writes.
    pub fn new(path: PathBuf) -> Saver {
        Saver {
            path,
            last: Mutex::new(None),
        }
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Saves `app`'s state; unless `always`, skips the write when the state is the one last
    /// written. Blocks on file I/O: call it off the async workers.
    pub fn save(&self, app: &App, always: bool) -> Result<Saved, SaveError> {
        let mut last = self.last.lock();
        let state = StateFile::capture(app, chrono::Utc::now());
        let (bytes, digest) = encode(&state)?;
        if !always && *last == Some(digest) {
            return Ok(Saved::Unchanged);
        }
        write_atomically(&self.path, &bytes).map_err(|source| SaveError::Write {
            path: self.path.clone(),
            source,
        })?;
        *last = Some(digest);
        Ok(Saved::Written {
            bytes: bytes.len(),
            namespaces: state.namespaces.len(),
        })
    }

    /// Saves off the async workers and logs the result: debug when written, warn on failure.
    pub async fn save_logged(self: &Arc<Self>, app: &Arc<App>, always: bool) {
        let (saver, app) = (self.clone(), app.clone());
        let result = tokio::task::spawn_blocking(move || saver.save(&app, always)).await;
        let path = self.path.display();
        match result {
            Ok(Ok(Saved::Written { bytes, namespaces })) => {
                tracing::debug!(%path, bytes, namespaces, "state saved")
            }
            Ok(Ok(Saved::Unchanged)) => tracing::debug!(%path, "state unchanged; not saved"),
            Ok(Err(e)) => tracing::warn!(error = %e, "state not saved; the previous file is kept"),
            Err(e) => {
                tracing::warn!(%path, error = %e, "state save panicked; the previous file is kept")
            }
        }
    }
}

/// The file's bytes and the digest of its namespaces (what decides whether anything changed).
/// The bytes are exactly `serde_json::to_vec(state)` plus a newline; the namespaces are
/// serialized once.
fn encode(state: &StateFile) -> Result<(Vec<u8>, [u8; 32]), serde_json::Error> {
    let namespaces = serde_json::to_vec(&state.namespaces)?;
    let digest: [u8; 32] = Sha256::digest(&namespaces).into();
    let mut bytes = format!(
        "{{\"format\":{FORMAT_VERSION},\"saved_at\":{},\"link_signing_key\":\"{}\",\"namespaces\":",
        serde_json::to_string(&state.saved_at)?,
        hex::encode(state.link_signing_key)
    )
    .into_bytes();
    bytes.reserve(namespaces.len() + 2);
    bytes.extend_from_slice(&namespaces);
    bytes.extend_from_slice(b"}\n");
    Ok((bytes, digest))
}

/// Saves every `every` (skipping unchanged state) until the task is aborted.
pub fn spawn_interval_saves(
    saver: Arc<Saver>,
    app: Arc<App>,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            saver.save_logged(&app, false).await;
        }
    })
}

#[cfg(test)]
pub(super) fn encode_for_tests(state: &StateFile) -> Vec<u8> {
    encode(state).expect("serializable").0
}
