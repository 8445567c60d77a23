//! `cargo bench -p facesim --bench model_pipeline`: the model matcher on real faces
//! (`fixtures/faces/`). Prints, per stage and end to end, the median latency of verifying one
//! pair; the same two models run bare through ONNX Runtime on the same inputs and with the same
//! scheduling as the matcher (the two pictures at once, one session pair each, the same session
//! options), so that the ratio is the overhead facesim adds; and the peak RSS of a
//! `facesim serve --matcher model` process after it verified pairs over HTTP.
//!
//! `FACESIM_BENCH_THREADS=n` runs the matcher and the bare models with `n` intra-op threads per
//! session instead of the default.

use facesim::media::model::{align, detector};
use facesim::media::model::{cosine, runtime, Tuning, Worker};
use facesim::media::{decode, Matcher, MediaKind, ModelFiles, ModelMatcher};
use fast_image_resize::Resizer;
use ort::session::Session;
use ort::value::TensorRef;
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

/// CPU time the whole process has used so far, every thread included (`/proc/self/stat`, in
/// clock ticks of 10 ms: only sums over many runs are meaningful).
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// The two models, bare: plain sessions run on ready input tensors.
struct Bare {
    detector: Session,
    recognizer: Session,
}

impl Bare {
    fn new(files: ModelFiles<'_>, threads: usize) -> Bare {
        let environment = runtime::environment(&runtime::library_path()).expect("runtime");
        Bare {
            detector: runtime::session(environment, files.detector, "detector", threads)
                .expect("detector loads"),
            recognizer: runtime::session(environment, files.recognizer, "recognizer", threads)
                .expect("recognizer loads"),
        }
    }

    /// Both models on one picture's inputs; answers the time of each.
    fn run(&mut self, boxed: &[f32], crop: &[f32]) -> (Duration, Duration) {
        let start = Instant::now();
        let input = TensorRef::from_array_view(([1usize, 3, 640, 640], boxed)).unwrap();
        self.detector.run(ort::inputs!["input" => input]).unwrap();
        let detected = start.elapsed();
        let input = TensorRef::from_array_view(([1usize, 3, 112, 112], crop)).unwrap();
        self.recognizer.run(ort::inputs!["data" => input]).unwrap();
        (detected, start.elapsed() - detected)
    }
}

fn main() {
    let files = ModelFiles::read(&root().join("models")).expect("models");
    let mut tuning = Tuning::default();
    if let Some(threads) = std::env::var("FACESIM_BENCH_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        tuning.intra_threads = threads;
    }
    let matcher =
        ModelMatcher::load_tuned(&runtime::library_path(), files, tuning).unwrap_or_else(|e| {
            eprintln!("{e}");
            std::process::exit(2)
        });
    let environment = runtime::environment(&runtime::library_path()).expect("runtime");
    let mut worker = Worker::new(environment, files, tuning.intra_threads).expect("worker");
    let faces = root().join("simulator/fixtures/faces");
    let bytes: Vec<Vec<u8>> = PAIR
        .iter()
        .map(|name| std::fs::read(faces.join(name)).expect("fixture"))
        .collect();

    let mut rows: Vec<(String, f64)> = Vec::new();
    let kind = MediaKind::Jpeg;
    let pictures: Vec<_> = bytes
        .iter()
        .map(|b| decode(kind, b).unwrap().into_rgb8())
        .collect();
    let decode_ms = time(|| {
        bytes
            .iter()
            .map(|b| decode(kind, b).unwrap().into_rgb8())
            .collect::<Vec<_>>()
    });
    rows.push(("decode (JPEG → RGB8)".into(), decode_ms));
    rows.push((
        "letterbox to 640×640 BGR planes".into(),
        time(|| pictures.iter().for_each(|p| worker.letterbox(p))),
    ));
    rows.push((
        "detector inference + box decoding".into(),
        time(|| {
            for p in &pictures {
                worker.letterbox(p);
                worker.run_detector().unwrap();
            }
        }) - rows[1].1,
    ));
    let largest: Vec<_> = pictures
        .iter()
        .map(|p| worker.faces(p).unwrap()[0])
        .collect();
    let align_ms = time(|| {
        for (p, f) in pictures.iter().zip(&largest) {
            worker.align(p, f);
        }
    });
    rows.push(("align to 112×112".into(), align_ms));
    rows.push((
        "recogniser inference".into(),
        time(|| {
            for (p, f) in pictures.iter().zip(&largest) {
                worker.embed(p, f).unwrap();
            }
        }) - align_ms,
    ));
    let analyses: Vec<_> = bytes
        .iter()
        .map(|b| matcher.analyze(b, false).unwrap())
        .collect();
    rows.push((
        "cosine + calibration".into(),
        time(|| matcher.similarity(&analyses[0], &analyses[1], 0.7)),
    ));
    drop(worker);
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
        let both = matcher.analyze_all(&[p, &bytes[1]], false);
        let (a, b) = (both[0].as_ref().unwrap(), both[1].as_ref().unwrap());
        matcher.similarity(a, b, 0.7)
    });

    // The same models, bare, on the very same input tensors: `concurrent` schedules them as the
    // matcher does (each picture on its own thread with its own sessions), `sequential` runs
    // both pictures one after the other on sessions of 2 threads. Interleaved run by run with
    // the cold end-to-end pair, alternating which goes first, so all see the same load.
    let inputs: Vec<(Vec<f32>, Vec<f32>)> = pictures
        .iter()
        .zip(&largest)
        .map(|(p, f)| {
            let boxed = detector::letterbox(p, &mut Resizer::new());
            (boxed.tensor().to_vec(), align::crop(p, &f.landmarks))
        })
        .collect();
    let mut concurrent: Vec<Bare> = (0..2)
        .map(|_| Bare::new(files, tuning.intra_threads))
        .collect();
    let mut sequential = Bare::new(files, 2);
    let (mut cold, mut bare, mut bare_detect, mut bare_embed, mut one_by_one) =
        (vec![], vec![], vec![], vec![], vec![]);
    // CPU time used by each kind of run, summed over the counted runs.
    let (mut cpu_cold, mut cpu_bare, mut cpu_one_by_one) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let cpu = |f: &mut dyn FnMut()| {
        let before = process_cpu();
        f();
        process_cpu().saturating_sub(before)
    };
    let run_bare = |concurrent: &mut [Bare]| {
        let start = Instant::now();
        let (first, second) = concurrent.split_at_mut(1);
        let (a, _) = std::thread::scope(|scope| {
            let other = scope.spawn(|| second[0].run(&inputs[1].0, &inputs[1].1));
            let mine = first[0].run(&inputs[0].0, &inputs[0].1);
            (mine, other.join().unwrap())
        });
        (start.elapsed(), a)
    };
    for run in 0..=PAIRED_RUNS {
        let end_to_end = || {
            // Cold: both pictures new to the matcher.
            matcher.forget();
            let start = Instant::now();
            let both = matcher.analyze_all(&[&bytes[0], &bytes[1]], false);
            let (a, b) = (both[0].as_ref().unwrap(), both[1].as_ref().unwrap());
            std::hint::black_box(matcher.similarity(a, b, 0.7));
            start.elapsed()
        };
        let (mut b, mut e, mut seq) = (None, None, Duration::ZERO);
        let (mut bare_cpu, mut e2e_cpu) = (Duration::ZERO, Duration::ZERO);
        for turn in [run % 2, 1 - run % 2] {
            if turn == 0 {
                bare_cpu = cpu(&mut || b = Some(run_bare(&mut concurrent)));
            } else {
                e2e_cpu = cpu(&mut || e = Some(end_to_end()));
            }
        }
        let ((pair, (detect, embed)), e2e) = (b.expect("ran"), e.expect("ran"));
        let seq_cpu = cpu(&mut || {
            let start = Instant::now();
            for (boxed, crop) in &inputs {
                sequential.run(boxed, crop);
            }
            seq = start.elapsed();
        });
        if run > 0 {
            cpu_bare += bare_cpu;
            cpu_cold += e2e_cpu;
            cpu_one_by_one += seq_cpu;
            bare_detect.push(detect);
            bare_embed.push(embed);
            bare.push(pair);
            cold.push(e2e);
            one_by_one.push(seq);
        }
    }
    let ratios: Vec<Duration> = cold
        .iter()
        .zip(&bare)
        .map(|(c, b)| Duration::from_secs_f64(c.as_secs_f64() / b.as_secs_f64()))
        .collect();
    let ratio = median(ratios) / 1000.0;
    let (end_to_end, bare_detect, bare_embed, bare, one_by_one) = (
        median(cold),
        median(bare_detect),
        median(bare_embed),
        median(bare),
        median(one_by_one),
    );

    println!(
        "model matcher, one pair ({} and {}), {} workers × {} intra-op thread(s)",
        PAIR[0], PAIR[1], tuning.workers, tuning.intra_threads
    );
    println!();
    println!("| stage (both pictures, one after the other, one worker) | median ms |");
    println!("| --- | ---: |");
    for (name, ms) in &rows {
        println!("| {name} | {ms:.2} |");
    }
    println!("| **end to end: analyse both at once, compare** | **{end_to_end:.2}** |");
    println!("| end to end, the reference seen before (a new probe) | {known_reference:.2} |");
    println!();
    println!("| bare ONNX Runtime, same inputs | median ms |");
    println!("| --- | ---: |");
    println!("| detector, one picture (while the other runs) | {bare_detect:.2} |");
    println!("| recogniser, one picture (while the other runs) | {bare_embed:.2} |");
    println!("| **both models, both pictures at once (as the matcher)** | **{bare:.2}** |");
    println!("| both models, both pictures one after the other, 2 threads per session | {one_by_one:.2} |");
    println!();
    let per_pair = |total: Duration| total.as_secs_f64() * 1000.0 / PAIRED_RUNS as f64;
    println!("| CPU time per pair (all threads, mean of {PAIRED_RUNS} runs) | ms |");
    println!("| --- | ---: |");
    println!("| end to end, both new | {:.1} |", per_pair(cpu_cold));
    println!("| bare, both at once | {:.1} |", per_pair(cpu_bare));
    println!(
        "| bare, one after the other, 2 threads per session | {:.1} |",
        per_pair(cpu_one_by_one)
    );
    println!();
    println!(
        "overhead: end to end / bare = {ratio:.2}× wall (median of {PAIRED_RUNS} interleaved runs; target ≤ 1.3×), {:.2}× CPU time; end to end {end_to_end:.1} ms (target < 30 ms)",
        cpu_cold.as_secs_f64() / cpu_bare.as_secs_f64()
    );
    let c = cosine(
        analyses[0].embedding.as_deref().unwrap(),
        analyses[1].embedding.as_deref().unwrap(),
    );
    println!("cosine of the pair: {c:.3}");
    match serve_and_measure(&bytes) {
        Ok((rss, latency)) => println!(
            "facesim serve --matcher model: peak RSS {:.0} MB after 20 verifications over HTTP, both pictures new each time (median {latency:.1} ms)",
            rss as f64 / 1024.0
        ),
        Err(e) => println!("facesim serve --matcher model: not measured ({e})"),
    }
}

/// Starts the facesim binary with the model matcher, verifies the pair 20 times over HTTP (both
/// pictures new each time) and answers its peak RSS (KiB, `VmHWM`) and the median request latency.
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
        // New pictures each time (bytes after the JPEG's end change its digest, not its pixels).
        let (mut probe, mut reference) = (bytes[0].clone(), bytes[1].clone());
        probe.extend_from_slice(format!("{i:08}").as_bytes());
        reference.extend_from_slice(format!("{i:08}").as_bytes());
        let body = format!(
            r#"{{"sessionId":"bench","probe":{{"imageBase64":"{}"}},"reference":{{"imageBase64":"{}"}}}}"#,
            b64(&probe),
            b64(&reference)
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
