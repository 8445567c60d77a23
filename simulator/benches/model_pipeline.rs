//! `cargo bench -p facesim --bench model_pipeline`: the model matcher on real faces
//! (`fixtures/faces/`). Prints, per stage and end to end, the median latency of verifying one
//! pair; the same two models run bare through ONNX Runtime on the same inputs (the ratio is
//! the overhead facesim adds); and the peak RSS of a `facesim serve --matcher model` process
//! after it verified pairs over HTTP.

use facesim::media::model::{align, cosine, detector, runtime};
use facesim::media::{decode, Matcher, MediaKind, ModelFiles, ModelMatcher};
use fast_image_resize::Resizer;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Timed runs per measurement (after one warm-up).
const RUNS: usize = 30;
/// Interleaved runs of the cold pair and of the bare models.
const PAIRED_RUNS: usize = 60;
/// The pair: two photos of one person, years apart.
const PAIR: [&str; 2] = ["person_b_1.jpg", "person_b_2.jpg"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

/// The median of `RUNS` timed calls of `f`, in milliseconds, after one warm-up call.
fn time<T>(mut f: impl FnMut() -> T) -> f64 {
    std::hint::black_box(f());
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn bare_session(bytes: &[u8]) -> Session {
    let environment = runtime::environment(&runtime::library_path()).expect("runtime");
    Session::builder(environment)
        .and_then(|b| Ok(b.with_optimization_level(GraphOptimizationLevel::All)?))
        .and_then(|b| Ok(b.with_intra_threads(2)?))
        .and_then(|b| Ok(b.with_intra_op_spinning(false)?))
        .and_then(|b| Ok(b.with_quant_qdq(false)?))
        .expect("session options")
        .commit_from_memory(bytes)
        .expect("model loads")
}

fn main() {
    let files = ModelFiles::read(&root().join("models")).expect("models");
    let matcher = ModelMatcher::load(&runtime::library_path(), files).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    });
    let faces = root().join("simulator/fixtures/faces");
    let bytes: Vec<Vec<u8>> = PAIR
        .iter()
        .map(|name| std::fs::read(faces.join(name)).expect("fixture"))
        .collect();

    let mut rows: Vec<(String, f64)> = Vec::new();
    let stage =
        |rows: &mut Vec<(String, f64)>, name: &str, ms: f64| rows.push((name.to_string(), ms));
    let kind = MediaKind::Jpeg;
    let pictures: Vec<_> = bytes
        .iter()
        .map(|b| decode(kind, b).unwrap().into_rgb8())
        .collect();
    stage(
        &mut rows,
        "decode (JPEG → RGB), both pictures",
        time(|| {
            bytes
                .iter()
                .map(|b| decode(kind, b).unwrap().into_rgb8())
                .collect::<Vec<_>>()
        }),
    );
    let mut resizer = Resizer::new();
    let letterbox_ms = time(|| {
        pictures
            .iter()
            .map(|p| detector::letterbox(p, &mut resizer))
            .collect::<Vec<_>>()
    });
    stage(
        &mut rows,
        "letterbox to 640×640 BGR, both",
        time(|| {
            pictures
                .iter()
                .map(|p| detector::letterbox(p, &mut resizer))
                .collect::<Vec<_>>()
        }),
    );
    stage(
        &mut rows,
        "detector inference + box decoding, both",
        time(|| {
            for p in &pictures {
                matcher
                    .run_detector(detector::letterbox(p, &mut Resizer::new()))
                    .unwrap();
            }
        }) - letterbox_ms,
    );
    let largest: Vec<_> = pictures
        .iter()
        .map(|p| matcher.faces(p).unwrap()[0])
        .collect();
    stage(
        &mut rows,
        "align to 112×112, both",
        time(|| {
            pictures
                .iter()
                .zip(&largest)
                .map(|(p, f)| align::crop(p, &f.landmarks))
                .collect::<Vec<_>>()
        }),
    );
    let crops: Vec<Vec<f32>> = pictures
        .iter()
        .zip(&largest)
        .map(|(p, f)| align::crop(p, &f.landmarks))
        .collect();
    stage(
        &mut rows,
        "recogniser inference, both",
        time(|| {
            for c in &crops {
                matcher.run_recognizer(c.clone()).unwrap();
            }
        }),
    );
    let analyses: Vec<_> = bytes
        .iter()
        .map(|b| matcher.analyze(b, false).unwrap())
        .collect();
    stage(
        &mut rows,
        "cosine + calibration",
        time(|| matcher.similarity(&analyses[0], &analyses[1], 0.7)),
    );
    // Warm reference: the reference was seen before (a stored picture sent again).
    matcher.analyze(&bytes[1], false).unwrap();
    let probe_variants: Vec<Vec<u8>> = (0..=RUNS)
        .map(|i| {
            let mut b = bytes[0].clone();
            b.extend_from_slice(format!("{i:08}").as_bytes());
            b
        })
        .collect();
    let mut probes = probe_variants.iter();
    let known_reference = time(|| {
        let p = probes.next().expect("one probe per run");
        let a = matcher.analyze(p, false).unwrap();
        let b = matcher.analyze(&bytes[1], false).unwrap();
        matcher.similarity(&a, &b, 0.7)
    });

    // The same models, bare: session.run on the very same input tensors; interleaved run by
    // run with the cold end-to-end pair so that both see the same machine load.
    let mut bare_detector = bare_session(files.detector);
    let mut bare_recognizer = bare_session(files.recognizer);
    let boxed: Vec<Vec<f32>> = pictures
        .iter()
        .map(|p| detector::letterbox(p, &mut Resizer::new()).tensor)
        .collect();
    let (mut cold, mut bare, mut bare_detect, mut bare_embed) = (vec![], vec![], vec![], vec![]);
    for run in 0..=PAIRED_RUNS {
        let start = Instant::now();
        for t in &boxed {
            let input = Tensor::from_array(([1usize, 3, 640, 640], t.clone())).unwrap();
            bare_detector.run(ort::inputs!["input" => input]).unwrap();
        }
        let detected = start.elapsed();
        for c in &crops {
            let input = Tensor::from_array(([1usize, 3, 112, 112], c.clone())).unwrap();
            bare_recognizer.run(ort::inputs!["data" => input]).unwrap();
        }
        let both = start.elapsed();
        // Cold: both pictures new to the matcher.
        matcher.forget();
        let start = Instant::now();
        let a = matcher.analyze(&bytes[0], false).unwrap();
        let b = matcher.analyze(&bytes[1], false).unwrap();
        std::hint::black_box(matcher.similarity(&a, &b, 0.7));
        let end_to_end = start.elapsed();
        if run > 0 {
            bare_detect.push(detected);
            bare_embed.push(both - detected);
            bare.push(both);
            cold.push(end_to_end);
        }
    }
    let ratios: Vec<Duration> = cold
        .iter()
        .zip(&bare)
        .map(|(c, b)| Duration::from_secs_f64(c.as_secs_f64() / b.as_secs_f64()))
        .collect();
    let ratio = median(ratios) / 1000.0;
    let (end_to_end, bare_detect, bare_embed, bare) = (
        median(cold),
        median(bare_detect),
        median(bare_embed),
        median(bare),
    );

    println!(
        "model matcher, one pair ({} and {}), median of {RUNS} runs per stage",
        PAIR[0], PAIR[1]
    );
    println!();
    println!("| stage | median ms |");
    println!("| --- | ---: |");
    for (name, ms) in &rows {
        println!("| {name} | {ms:.2} |");
    }
    println!("| **end to end: analyse both, compare** | **{end_to_end:.2}** |");
    println!("| end to end, the reference seen before (a new probe) | {known_reference:.2} |");
    println!();
    println!("| bare ONNX Runtime, same inputs | median ms |");
    println!("| --- | ---: |");
    println!("| detector, both | {bare_detect:.2} |");
    println!("| recogniser, both | {bare_embed:.2} |");
    println!("| **both models, both pictures** | **{bare:.2}** |");
    println!();
    println!(
        "overhead: end to end / bare = {ratio:.2}× (median of {PAIRED_RUNS} interleaved runs; target ≤ 1.3×); end to end {end_to_end:.1} ms (target < 30 ms)"
    );
    let c = cosine(
        analyses[0].embedding.as_deref().unwrap(),
        analyses[1].embedding.as_deref().unwrap(),
    );
    println!("cosine of the pair: {c:.3}");
    match serve_and_measure(&bytes) {
        Ok((rss, latency)) => println!(
            "facesim serve --matcher model: peak RSS {:.0} MB after 20 verifications over HTTP, each with a new probe (median {latency:.1} ms)",
            rss as f64 / 1024.0
        ),
        Err(e) => println!("facesim serve --matcher model: not measured ({e})"),
    }
}

/// Starts the facesim binary with the model matcher, verifies the pair 20 times over HTTP and
/// answers its peak RSS (KiB, `VmHWM`) and the median request latency.
fn serve_and_measure(bytes: &[Vec<u8>]) -> Result<(u64, f64), String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_facesim"))
        .args(["serve", "--addr", "127.0.0.1:0", "--matcher", "model"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let addr = line
        .trim()
        .strip_prefix("facesim listening on http://")
        .ok_or_else(|| format!("unexpected first line {line:?}"))?
        .to_string();
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let mut latencies = Vec::new();
    for i in 0..20 {
        // A new probe each time (bytes after the JPEG's end change its digest, not its pixels).
        let mut probe = bytes[0].clone();
        probe.extend_from_slice(format!("{i:08}").as_bytes());
        let body = format!(
            r#"{{"sessionId":"bench","probe":{{"imageBase64":"{}"}},"reference":{{"imageBase64":"{}"}}}}"#,
            b64(&probe),
            b64(&bytes[1])
        );
        let start = Instant::now();
        let answer = post(&addr, "/trustmatic/api/v1/face/verify", &body)?;
        latencies.push(start.elapsed());
        if !answer.contains("\"hasError\":false") {
            return Err(format!("unexpected answer {answer}"));
        }
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .map_err(|e| e.to_string())?;
    let _ = child.kill();
    let _ = child.wait();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or("no VmHWM")?;
    Ok((rss, median(latencies)))
}

/// One HTTP/1.1 POST with Basic facesim:facesim; answers the body.
fn post(addr: &str, path: &str, body: &str) -> Result<String, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic ZmFjZXNpbTpmYWNlc2lt\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body.as_bytes()))
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(answer)
}
