//! The model matcher: real face detection (YuNet) and recognition (SFace) through ONNX
//! Runtime. A picture is decoded, letterboxed into the detector, its faces decoded with
//! non-maximum suppression; the largest face is aligned to 112×112 and embedded; two faces are
//! compared by the cosine of their L2-normalised embeddings, calibrated to the vendors' scale.
//!
//! What the models cannot see still comes from the picture's marker, as with the
//! deterministic matcher: liveness (no permissively licensed liveness model ships in a registry
//! package), blocklist hits, faults and vendor keys such as `document=`. Videos, which facesim
//! does not decode, are analysed by their marker alone.

pub mod align;
pub mod calibration;
pub mod detector;
pub mod runtime;
pub mod worker;

use super::analysis::{decode, AnalysisError, DeterministicMatcher, FaceAnalysis, Matcher};
use super::kind::MediaKind;
use super::marker::{read_marker, FaceCount, Liveness};
use parking_lot::{Mutex, MutexGuard};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
pub use worker::{Detected, Worker};

/// The detector and recogniser files, as bytes.
#[derive(Debug, Clone, Copy)]
pub struct ModelFiles<'a> {
    /// YuNet 2023mar (`models/yunet_2023mar.onnx`).
    pub detector: &'a [u8],
    /// SFace 2021dec (`models/sface_2021dec_int8bq.onnx`).
    pub recognizer: &'a [u8],
}

impl ModelFiles<'static> {
    /// Reads both files from a `models/` directory.
    pub fn read(dir: &Path) -> Result<ModelFiles<'static>, String> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path)
                .map(|b| &*Box::leak(b.into_boxed_slice()))
                .map_err(|e| format!("cannot read the model {}: {e}", path.display()))
        };
        Ok(ModelFiles {
            detector: read("yunet_2023mar.onnx")?,
            recognizer: read("sface_2021dec_int8bq.onnx")?,
        })
    }
}

/// How many analyses the matcher remembers (by the SHA-256 of the file), so that a picture
/// sent again, such as a stored reference, is not run through the models again.
pub const REMEMBERED: usize = 128;

/// How the matcher spreads its work over the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// Workers, each with its own pair of sessions: how many pictures are analysed at once.
    pub workers: usize,
    /// Intra-op threads of each session.
    pub intra_threads: usize,
}

impl Default for Tuning {
    /// Two workers of one thread each: the two pictures of a pair each get a core of a 2-core
    /// machine, which costs less CPU time than running them in turn on two threads each.
    fn default() -> Tuning {
        Tuning {
            workers: 2,
            intra_threads: 1,
        }
    }
}

/// The model matcher (see the module documentation).
pub struct ModelMatcher {
    workers: Vec<Mutex<Worker>>,
    /// The worker to wait for when all are busy (round robin).
    next: AtomicUsize,
    remembered: Mutex<Remembered>,
}

/// The latest analyses, oldest first.
#[derive(Default)]
struct Remembered {
    order: std::collections::VecDeque<[u8; 32]>,
    analyses: std::collections::HashMap<[u8; 32], FaceAnalysis>,
}

impl Remembered {
    fn get(&self, digest: &[u8; 32]) -> Option<FaceAnalysis> {
        self.analyses.get(digest).cloned()
    }

    fn keep(&mut self, digest: [u8; 32], analysis: FaceAnalysis) {
        if self.analyses.insert(digest, analysis).is_none() {
            self.order.push_back(digest);
            if self.order.len() > REMEMBERED {
                let oldest = self.order.pop_front().expect("not empty");
                self.analyses.remove(&oldest);
            }
        }
    }
}

impl std::fmt::Debug for ModelMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ModelMatcher")
    }
}

impl ModelMatcher {
    /// Loads ONNX Runtime from `library` and both models, with the default [`Tuning`]; the
    /// message says what to do when something is missing.
    pub fn load(library: &Path, files: ModelFiles<'_>) -> Result<ModelMatcher, String> {
        ModelMatcher::load_tuned(library, files, Tuning::default())
    }

    /// [`ModelMatcher::load`] with another [`Tuning`].
    pub fn load_tuned(
        library: &Path,
        files: ModelFiles<'_>,
        tuning: Tuning,
    ) -> Result<ModelMatcher, String> {
        let environment = runtime::environment(library)?;
        let workers = (0..tuning.workers.max(1))
            .map(|_| Worker::new(environment, files, tuning.intra_threads.max(1)).map(Mutex::new))
            .collect::<Result<_, _>>()?;
        Ok(ModelMatcher {
            workers,
            next: AtomicUsize::new(0),
            remembered: Mutex::default(),
        })
    }

    /// Forgets the analyses remembered so far.
    pub fn forget(&self) {
        *self.remembered.lock() = Remembered::default();
    }

    /// A free worker, else the next one in turn once it is free.
    fn worker(&self) -> MutexGuard<'_, Worker> {
        if let Some(free) = self.workers.iter().find_map(|w| w.try_lock()) {
            return free;
        }
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.workers.len();
        self.workers[turn].lock()
    }

    /// Detects the faces of `picture` and embeds the largest, on a free worker.
    pub fn detect(&self, picture: &image::RgbImage) -> Result<Detected, String> {
        self.worker().detect(picture)
    }
}

/// The cosine of two L2-normalised embeddings.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

impl Matcher for ModelMatcher {
    fn name(&self) -> &'static str {
        "model"
    }

    fn analyze(&self, bytes: &[u8], allow_video: bool) -> Result<FaceAnalysis, AnalysisError> {
        if bytes.is_empty() {
            return Err(AnalysisError::Empty);
        }
        let kind = MediaKind::sniff(bytes);
        if kind.is_video() && allow_video {
            return DeterministicMatcher.analyze(bytes, true);
        }
        if !kind.is_image() {
            return Err(AnalysisError::Unsupported { kind });
        }
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        if let Some(known) = self.remembered.lock().get(&digest) {
            return Ok(known);
        }
        let marker = read_marker(kind, bytes).map_err(AnalysisError::BadMarker)?;
        let picture = decode(kind, bytes)?.into_rgb8();
        let detected = self
            .worker()
            .detect(&picture)
            .map_err(|detail| AnalysisError::Failed { detail })?;
        let m = marker.clone().unwrap_or_default();
        let analysis = FaceAnalysis {
            kind,
            width: picture.width(),
            height: picture.height(),
            faces: match detected.faces.len() {
                0 => FaceCount::None,
                1 => FaceCount::One,
                _ => FaceCount::Many,
            },
            liveness: m.liveness.unwrap_or(Liveness::Live),
            blocklisted: m.blocklist.unwrap_or(false),
            forced_similarity: None,
            subject: format!("face-{}", &hex::encode(digest)[..16]),
            digest,
            marker,
            embedding: detected.embedding,
        };
        self.remembered.lock().keep(digest, analysis.clone());
        Ok(analysis)
    }

    /// The uploads after the first each on a thread of their own, so that each picture of a
    /// pair gets a worker.
    fn analyze_all(
        &self,
        uploads: &[&[u8]],
        allow_video: bool,
    ) -> Vec<Result<FaceAnalysis, AnalysisError>> {
        let Some((first, rest)) = uploads.split_first() else {
            return Vec::new();
        };
        if rest.is_empty() || self.workers.len() < 2 {
            return uploads
                .iter()
                .map(|bytes| self.analyze(bytes, allow_video))
                .collect();
        }
        std::thread::scope(|scope| {
            let others: Vec<_> = rest
                .iter()
                .map(|bytes| scope.spawn(move || self.analyze(bytes, allow_video)))
                .collect();
            let mut analyses = vec![self.analyze(first, allow_video)];
            analyses.extend(others.into_iter().map(|other| {
                other.join().unwrap_or_else(|_| {
                    Err(AnalysisError::Failed {
                        detail: "the analysis of a picture panicked".into(),
                    })
                })
            }));
            analyses
        })
    }

    fn similarity(&self, probe: &FaceAnalysis, reference: &FaceAnalysis, threshold: f64) -> f64 {
        match (&probe.embedding, &reference.embedding) {
            (Some(p), Some(r)) => calibration::calibrate(cosine(p, r), threshold),
            // A video, analysed by its marker, against anything: the marker's scoring.
            _ if probe.embedding.is_none() && reference.embedding.is_none() => {
                DeterministicMatcher.similarity(probe, reference, threshold)
            }
            _ => 0.0,
        }
    }
}
