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

use super::analysis::{decode, AnalysisError, DeterministicMatcher, FaceAnalysis, Matcher};
use super::kind::MediaKind;
use super::marker::{read_marker, FaceCount, Liveness};
use detector::{Face, Level};
use fast_image_resize::Resizer;
use image::RgbImage;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

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

/// One face found in a picture, with its embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// Every face the detector kept, best score first.
    pub faces: Vec<Face>,
    /// The L2-normalised embedding of the largest face, when there is one.
    pub embedding: Option<Arc<[f32]>>,
}

/// How many analyses the matcher remembers (by the SHA-256 of the file), so that a picture
/// sent again, such as a stored reference, is not run through the models again.
pub const REMEMBERED: usize = 128;

/// The model matcher (see the module documentation).
pub struct ModelMatcher {
    detector: Mutex<Session>,
    recognizer: Mutex<Session>,
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
    /// Loads ONNX Runtime from `library` and both models; the message says what to do when
    /// something is missing.
    pub fn load(library: &Path, files: ModelFiles<'_>) -> Result<ModelMatcher, String> {
        let environment = runtime::environment(library)?;
        let session = |bytes: &[u8], name: &str| {
            let configured = || -> ort::Result<_> {
                Ok(Session::builder(environment)?
                    .with_optimization_level(GraphOptimizationLevel::All)?
                    .with_intra_threads(2)?
                    .with_intra_op_spinning(false)?
                    .with_quant_qdq(false)?)
            };
            configured()
                .map_err(|e| format!("cannot configure the {name} session: {e}"))?
                .commit_from_memory(bytes)
                .map_err(|e| format!("cannot load the {name} model: {e}"))
        };
        Ok(ModelMatcher {
            detector: Mutex::new(session(files.detector, "detector")?),
            recognizer: Mutex::new(session(files.recognizer, "recognizer")?),
            remembered: Mutex::default(),
        })
    }

    /// Forgets the analyses remembered so far.
    pub fn forget(&self) {
        *self.remembered.lock() = Remembered::default();
    }

    /// Detects the faces of `picture` and embeds the largest.
    pub fn detect(&self, picture: &RgbImage) -> Result<Detected, String> {
        let faces = self.faces(picture)?;
        let largest = faces.iter().max_by(|a, b| a.area().total_cmp(&b.area()));
        let embedding = match largest {
            Some(face) => Some(self.embed(picture, face)?),
            None => None,
        };
        Ok(Detected { faces, embedding })
    }

    /// Runs the detector.
    pub fn faces(&self, picture: &RgbImage) -> Result<Vec<Face>, String> {
        self.run_detector(detector::letterbox(picture, &mut Resizer::new()))
    }

    /// Detector inference on a letterboxed picture, and the decoding of its outputs.
    pub fn run_detector(&self, boxed: detector::Letterbox) -> Result<Vec<Face>, String> {
        let side = detector::INPUT_SIDE as usize;
        let input = Tensor::from_array(([1usize, 3, side, side], boxed.tensor))
            .map_err(|e| format!("detector input: {e}"))?;
        let mut session = self.detector.lock();
        let outputs = session
            .run(ort::inputs!["input" => input])
            .map_err(|e| format!("detector: {e}"))?;
        let output = |name: String| -> Result<&[f32], String> {
            outputs
                .get(&name)
                .ok_or_else(|| format!("detector: no output {name}"))?
                .try_extract_tensor::<f32>()
                .map(|(_, data)| data)
                .map_err(|e| format!("detector output {name}: {e}"))
        };
        let mut levels = Vec::with_capacity(detector::STRIDES.len());
        for stride in detector::STRIDES {
            levels.push(Level {
                stride,
                cls: output(format!("cls_{stride}"))?,
                obj: output(format!("obj_{stride}"))?,
                bbox: output(format!("bbox_{stride}"))?,
                kps: output(format!("kps_{stride}"))?,
            });
        }
        Ok(detector::decode(&levels, boxed.scale))
    }

    /// Aligns `face` and answers its L2-normalised embedding.
    pub fn embed(&self, picture: &RgbImage, face: &Face) -> Result<Arc<[f32]>, String> {
        self.run_recognizer(align::crop(picture, &face.landmarks))
    }

    /// Recogniser inference on an aligned crop ([`align::crop`]), L2-normalised.
    pub fn run_recognizer(&self, crop: Vec<f32>) -> Result<Arc<[f32]>, String> {
        let side = align::SIDE;
        let input = Tensor::from_array(([1usize, 3, side, side], crop))
            .map_err(|e| format!("recognizer input: {e}"))?;
        let mut session = self.recognizer.lock();
        let outputs = session
            .run(ort::inputs!["data" => input])
            .map_err(|e| format!("recognizer: {e}"))?;
        let (_, raw) = outputs[0]
            .try_extract_tensor::<f32>()
            .map_err(|e| format!("recognizer output: {e}"))?;
        Ok(normalised(raw).into())
    }
}

/// `v / |v|` (zeros stay zeros).
fn normalised(v: &[f32]) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter().map(|x| x / norm).collect()
    } else {
        v.to_vec()
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
