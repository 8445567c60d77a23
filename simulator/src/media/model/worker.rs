//! One analysing worker: its own detector and recogniser sessions, and the input buffers it
//! reuses from picture to picture (the 640×640 letterbox, the 112×112 crop). The matcher keeps
//! several, so that the pictures of a pair are analysed at the same time.

use super::align;
use super::detector::{self, Face, Letterbox, Level};
use super::{runtime, ModelFiles};
use fast_image_resize::Resizer;
use image::RgbImage;
use ort::environment::Environment;
use ort::session::Session;
use ort::value::TensorRef;
use std::sync::Arc;

/// The faces found in one picture, and the embedding of the largest.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// Every face the detector kept, best score first.
    pub faces: Vec<Face>,
    /// The L2-normalised embedding of the largest face, when there is one.
    pub embedding: Option<Arc<[f32]>>,
}

/// A detector session, a recogniser session and their reused inputs.
pub struct Worker {
    detector: Session,
    recognizer: Session,
    resizer: Resizer,
    boxed: Letterbox,
    crop: Vec<f32>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Worker")
    }
}

impl Worker {
    /// Loads both models, each session with `intra_threads` intra-op threads.
    pub fn new(
        environment: &Environment,
        files: ModelFiles<'_>,
        intra_threads: usize,
    ) -> Result<Worker, String> {
        Ok(Worker {
            detector: runtime::session(environment, files.detector, "detector", intra_threads)?,
            recognizer: runtime::session(
                environment,
                files.recognizer,
                "recognizer",
                intra_threads,
            )?,
            resizer: Resizer::new(),
            boxed: Letterbox::new(),
            crop: vec![0.0; 3 * align::SIDE * align::SIDE],
        })
    }

    /// Detects the faces of `picture` and embeds the largest.
    pub fn detect(&mut self, picture: &RgbImage) -> Result<Detected, String> {
        let faces = self.faces(picture)?;
        let largest = faces.iter().max_by(|a, b| a.area().total_cmp(&b.area()));
        let embedding = match largest {
            Some(face) => Some(self.embed(picture, face)?),
            None => None,
        };
        Ok(Detected { faces, embedding })
    }

    /// Letterboxes `picture` and runs the detector.
    pub fn faces(&mut self, picture: &RgbImage) -> Result<Vec<Face>, String> {
        self.letterbox(picture);
        self.run_detector()
    }

    /// Letterboxes `picture` into the detector's input.
    pub fn letterbox(&mut self, picture: &RgbImage) {
        self.boxed.fill(picture, &mut self.resizer);
    }

    /// Detector inference on the last letterboxed picture, and the decoding of its outputs.
    pub fn run_detector(&mut self) -> Result<Vec<Face>, String> {
        let side = detector::INPUT_SIDE as usize;
        let input = TensorRef::from_array_view(([1usize, 3, side, side], self.boxed.tensor()))
            .map_err(|e| format!("detector input: {e}"))?;
        let outputs = self
            .detector
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
        Ok(detector::decode(&levels, self.boxed.scale()))
    }

    /// Aligns `face` and answers its L2-normalised embedding.
    pub fn embed(&mut self, picture: &RgbImage, face: &Face) -> Result<Arc<[f32]>, String> {
        self.align(picture, face);
        self.run_recognizer()
    }

    /// Aligns `face` into the recogniser's input.
    pub fn align(&mut self, picture: &RgbImage, face: &Face) {
        align::crop_into(picture, &face.landmarks, &mut self.crop);
    }

    /// Recogniser inference on the last aligned crop, L2-normalised.
    pub fn run_recognizer(&mut self) -> Result<Arc<[f32]>, String> {
        let side = align::SIDE;
        let input = TensorRef::from_array_view(([1usize, 3, side, side], self.crop.as_slice()))
            .map_err(|e| format!("recognizer input: {e}"))?;
        let outputs = self
            .recognizer
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
