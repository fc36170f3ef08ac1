//! The render farm end to end: real worker processes of the `kinema` binary, the embedded
//! bucket, and ffmpeg. Renders go through `start` → `launch` → `renderer` × N → stitch, and are
//! followed through `status`, as a client would.
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kinema_farm::payload::RenderParams;
use kinema_farm::sites::{self, SiteSource};
use kinema_farm::status::RenderProgress;
use kinema_farm::{Bucket, EmbeddedFarm, FarmConfig, Storage, WorkerCommand, client};
use serde_json::{Value, json};

const MOVING_BOX: &str = r#"
import { AbsoluteFill, interpolate, useCurrentFrame } from 'remotion';
export default function Box() {
  const frame = useCurrentFrame();
  const x = interpolate(frame, [0, 39], [0, 240]);
  if (frame === FAIL_AT) throw new Error('boom at frame ' + frame);
  return (
    <AbsoluteFill style={{ background: 'linear-gradient(90deg, #1e3a8a, #9333ea)' }}>
      <div style={{ position: 'absolute', left: x, top: 60, width: 60, height: 60, background: '#facc15', borderRadius: 12 }} />
      <h1 style={{ color: 'white', fontSize: 28, margin: 8 }}>Frame {frame}</h1>
    </AbsoluteFill>
  );
}
"#;

struct Setup {
    dir: PathBuf,
    farm: EmbeddedFarm,
    bucket: String,
    code: PathBuf,
}

impl Drop for Setup {
    fn drop(&mut self) {
        self.farm.pool.shutdown();
        if std::thread::panicking() {
            eprintln!("kept {} for inspection", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A farm in a fresh folder with site `box` (a 320x180 composition of `frames` frames).
fn setup(name: &str, frames: u32, fail_at: i64, timeout: u32, workers: usize) -> Setup {
    setup_with(name, frames, fail_at, timeout, workers, |_| {})
}

/// `setup` with the farm's configuration changed by `configure`.
fn setup_with(
    name: &str,
    frames: u32,
    fail_at: i64,
    timeout: u32,
    workers: usize,
    configure: impl FnOnce(&mut FarmConfig),
) -> Setup {
    let dir = std::env::temp_dir().join(format!("kinema-farm-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let code = dir.join("box.tsx");
    std::fs::write(&code, MOVING_BOX.replace("FAIL_AT", &fail_at.to_string())).unwrap();
    let mut config = FarmConfig {
        storage_root: dir.join("buckets"),
        timeout_in_seconds: timeout,
        ..FarmConfig::default()
    };
    configure(&mut config);
    let farm = EmbeddedFarm::start(
        config,
        WorkerCommand {
            program: env!("CARGO_BIN_EXE_kinema").into(),
            args: vec!["__farm-worker".into()],
        },
        Some(workers),
        Some(dir.join("farm.log")),
    )
    .unwrap();
    let bucket = farm.bucket_name(None).unwrap();
    let composition = kinema_compose::CodeComposition {
        id: "DynamicComp".into(),
        duration_in_frames: frames,
        fps: 30.0,
        width: 320,
        height: 180,
    };
    sites::deploy(
        farm.storage.bucket(&bucket).unwrap().as_ref(),
        "box",
        SiteSource::Code(&code, composition),
        &farm.config.version,
    )
    .unwrap();
    Setup {
        dir,
        farm,
        bucket,
        code,
    }
}

fn params(setup: &Setup, frames_per_lambda: u32) -> RenderParams {
    kinema_farm::payload::parse(&json!({
        "version": setup.farm.config.version,
        "serveUrl": "box",
        "composition": "DynamicComp",
        "framesPerLambda": frames_per_lambda,
        "crf": 18,
    }))
    .unwrap()
}

/// Follows a render until it is done or failed; returns every progress object seen.
fn follow(setup: &Setup, render_id: &str, limit: Duration) -> Vec<RenderProgress> {
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let progress = client::render_progress(
            &setup.farm.pool,
            &setup.farm.function_name(),
            &setup.farm.config.version,
            &setup.bucket,
            render_id,
        )
        .unwrap();
        let finished = progress.done || progress.fatal_error_encountered;
        seen.push(progress);
        if finished {
            return seen;
        }
        assert!(
            started.elapsed() < limit,
            "the render did not finish within {limit:?}: {:#?}",
            seen.last()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn bucket(setup: &Setup) -> std::sync::Arc<dyn Bucket> {
    setup.farm.storage.bucket(&setup.bucket).unwrap()
}

fn file_of(url: &str) -> PathBuf {
    PathBuf::from(url.strip_prefix("file://").expect("a file URL"))
}

/// Asserts that the top-left pixel of each of the 10 frames of a finished render's video is
/// `colour`, as `is` tells.
fn assert_every_frame_is(progress: &serde_json::Value, colour: &str, is: impl Fn([u8; 3]) -> bool) {
    let video = file_of(progress["outputFile"].as_str().unwrap());
    let colours = common::pixels_at(&video, 0, 0);
    assert_eq!(colours.len(), 10);
    for pixel in colours {
        assert!(is(pixel), "not {colour}: {pixel:?}");
    }
}

/// MD5 of every decoded frame.
fn frame_hashes(video: &Path) -> Vec<String> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(video)
        .args(["-f", "framemd5", "-"])
        .output()
        .expect("runs ffmpeg");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit(',').next().unwrap().trim().to_string())
        .collect()
}

/// The farm's worker processes still alive (found by the pool id on their command line).
fn live_workers(pool_id: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().filter_map(|e| e.ok()) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let zombie = state
            .rsplit(')')
            .next()
            .is_some_and(|s| s.trim_start().starts_with('Z'));
        if cmdline.contains("__farm-worker") && cmdline.contains(pool_id) && !zombie {
            pids.push(pid);
        }
    }
    pids
}

#[test]
fn a_farm_render_matches_a_local_render_and_reports_every_field() {
    let setup = setup("e2e", 40, -1, 900, 2);
    // Props over the inline limit are uploaded and removed after the render.
    let props = json!({"padding": "x".repeat(200_000)});
    let started = client::render_media(
        &setup.farm.pool,
        setup.farm.storage.as_ref(),
        &setup.farm.function_name(),
        &setup.farm.config.region,
        params(&setup, 10),
        &props,
    )
    .unwrap();
    assert_eq!(started.bucket_name, setup.bucket);
    assert_eq!(started.render_id.len(), 10);
    let mut seen = follow(&setup, &started.render_id, Duration::from_secs(240));
    // "Done" may first be seen from the uploaded output, before the main function writes its
    // post-render data (reference §8.2); it stays done, and the post-render data follows.
    let waiting = Instant::now();
    while seen.last().unwrap().most_expensive_frame_ranges.is_none() {
        let early = seen.last().unwrap();
        assert!(early.done && early.output_file.is_some() && early.time_to_finish_chunks.is_some());
        assert!(waiting.elapsed() < Duration::from_secs(30), "{early:#?}");
        std::thread::sleep(Duration::from_millis(100));
        seen.extend(follow(&setup, &started.render_id, Duration::from_secs(30)));
    }

    // Progress never goes backwards.
    for pair in seen.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            b.overall_progress >= a.overall_progress,
            "{} then {}",
            a.overall_progress,
            b.overall_progress
        );
        assert!(b.frames_rendered >= a.frames_rendered);
        assert!(b.chunks >= a.chunks);
    }
    // At least once mid-render: planned, partly rendered, not done.
    let mid = seen
        .iter()
        .find(|p| p.render_metadata.is_some() && !p.done && p.frames_rendered > 0)
        .expect("a progress object taken mid-render");
    assert!(mid.overall_progress > 0.0 && mid.overall_progress < 1.0);
    assert!(mid.output_file.is_none() && mid.output_size_in_bytes.is_none());
    assert!(
        mid.lambdas_invoked >= 1
            && mid.serve_url_opened.is_some()
            && mid.composition_validated.is_some()
    );
    assert!(!mid.fatal_error_encountered && mid.errors.is_empty());
    assert!(mid.most_expensive_frame_ranges.is_none());
    assert!(mid.timeout_timestamp > mid.function_launched);

    // At the end, every field.
    let done = seen.last().unwrap();
    assert!(done.done, "{done:#?}");
    assert_eq!(done.kind, "success");
    assert_eq!(done.overall_progress, 1.0);
    assert_eq!(done.chunks, 4);
    assert_eq!(done.lambdas_invoked, 4);
    assert_eq!(done.frames_rendered, 40);
    assert_eq!(done.encoding_status.frames_encoded, 40);
    assert_eq!(done.encoding_status.combined_frames, 40);
    assert_eq!(done.combined_frames, 40);
    assert!(done.time_to_combine.is_some() && done.encoding_status.time_to_combine.is_some());
    assert!(done.time_to_finish.unwrap() > 0);
    assert!(
        done.time_to_finish_chunks.is_some()
            && done.time_to_render_frames.is_some()
            && done.time_to_encode.is_some()
    );
    assert!(done.errors.is_empty() && !done.fatal_error_encountered);
    assert!(done.retries_info.is_empty());
    assert_eq!(done.render_id, started.render_id);
    assert_eq!(done.bucket, setup.bucket);
    assert_eq!(done.costs.currency, "USD");
    assert!(
        done.costs.accrued_so_far > 0.0 && done.costs.display_cost.contains('$'),
        "{:?}",
        done.costs
    );
    assert!(done.estimated_billing_duration_in_milliseconds > 0);
    let meta = done.render_metadata.as_ref().unwrap();
    assert_eq!(
        (meta.total_chunks, meta.frames_per_lambda, meta.frame_count),
        (4, 10, 40)
    );
    assert_eq!(
        (
            meta.estimated_render_lambda_invokations,
            meta.estimated_total_lambda_invokations
        ),
        (4, 5)
    );
    assert_eq!(meta.frame_range, [0, 39]);
    assert_eq!(meta.dimensions.width, 320);
    assert_eq!(meta.composition_id, "DynamicComp");
    assert_eq!(meta.codec.as_deref(), Some("h264"));
    let ranges = done.most_expensive_frame_ranges.as_ref().unwrap();
    assert_eq!(ranges.len(), 4);
    let mut covered: Vec<[u32; 2]> = ranges.iter().map(|r| r.frame_range).collect();
    covered.sort();
    assert_eq!(covered, [[0, 9], [10, 19], [20, 29], [30, 39]]);
    let out_key = format!("renders/{}/out.mp4", started.render_id);
    assert_eq!(done.out_key.as_deref(), Some(out_key.as_str()));
    let output = file_of(done.output_file.as_ref().unwrap());
    assert_eq!(
        std::fs::metadata(&output).unwrap().len(),
        done.output_size_in_bytes.unwrap()
    );
    assert_eq!(done.render_size, done.output_size_in_bytes.unwrap());

    // Nothing temporary is left: no transport objects, no uploaded props.
    let bucket = bucket(&setup);
    assert!(
        bucket
            .list(&format!("renders/{}/transport/", started.render_id))
            .unwrap()
            .is_empty()
    );
    assert!(bucket.list("input-props/").unwrap().is_empty());

    // The same frames as `kinema render` with the same chunks.
    let local = setup.dir.join("local.mp4");
    let out = Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(["render"])
        .arg(&setup.code)
        .args(["DynamicComp"])
        .arg(&local)
        .args([
            "--duration",
            "40",
            "--width",
            "320",
            "--height",
            "180",
            "--frames-per-chunk",
            "10",
            "--concurrency",
            "2",
            "--crf",
            "18",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let farm_frames = frame_hashes(&output);
    assert_eq!(farm_frames.len(), 40);
    assert_eq!(farm_frames, frame_hashes(&local));
}

#[test]
fn a_killed_worker_is_replaced_and_its_chunk_retried() {
    let setup = setup("kill", 60, -1, 900, 2);
    let started = client::render_media(
        &setup.farm.pool,
        setup.farm.storage.as_ref(),
        &setup.farm.function_name(),
        &setup.farm.config.region,
        params(&setup, 10),
        &json!({}),
    )
    .unwrap();
    // Kill a worker while it encodes a chunk (it has an ffmpeg child then).
    let pool_id = setup.farm.pool.id().to_string();
    let deadline = Instant::now() + Duration::from_secs(120);
    let killed = loop {
        let busy = live_workers(&pool_id)
            .into_iter()
            .find(|pid| has_ffmpeg_child(*pid));
        if let Some(pid) = busy {
            // SAFETY: killing a worker process of this test's own pool.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            break pid;
        }
        assert!(
            Instant::now() < deadline,
            "no worker was ever seen encoding"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let seen = follow(&setup, &started.render_id, Duration::from_secs(240));
    let done = seen.last().unwrap();
    assert!(
        done.done,
        "killing worker {killed} failed the render: {done:#?}"
    );
    assert_eq!(done.retries_info.len(), 1, "{done:#?}");
    let retry = &done.retries_info[0];
    assert_eq!(retry.attempt, 2);
    let error = &done.errors[0];
    assert_eq!(error.chunk, Some(retry.chunk));
    assert!(error.will_retry && !error.is_fatal, "{error:#?}");
    assert!(
        error.message.contains("Runtime exited with signal: killed"),
        "{}",
        error.message
    );
    assert!(error.explanation.is_some());
    assert_eq!(
        frame_hashes(&file_of(done.output_file.as_ref().unwrap())).len(),
        60
    );
    for p in seen.windows(2) {
        assert!(p[1].overall_progress >= p[0].overall_progress);
    }
    assert!(
        bucket(&setup)
            .list(&format!("renders/{}/transport/", started.render_id))
            .unwrap()
            .is_empty()
    );
}

fn has_ffmpeg_child(pid: u32) -> bool {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|entry| {
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // pid (comm) state ppid …
            let Some((head, tail)) = stat.rsplit_once(')') else {
                return false;
            };
            let ppid = tail
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok());
            // An encoding ffmpeg (reads raw frames), not a quick `ffmpeg -version` check.
            let encoding = std::fs::read(entry.path().join("cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains("rawvideo"));
            ppid == Some(pid) && head.contains("(ffmpeg") && encoding
        })
}

#[test]
fn a_chunk_that_always_fails_stops_the_render_with_its_frame() {
    let setup = setup("fail", 40, 23, 900, 2);
    let started = client::render_media(
        &setup.farm.pool,
        setup.farm.storage.as_ref(),
        &setup.farm.function_name(),
        &setup.farm.config.region,
        params(&setup, 10),
        &json!({}),
    )
    .unwrap();
    let seen = follow(&setup, &started.render_id, Duration::from_secs(120));
    let failed = seen.last().unwrap();
    assert!(
        failed.fatal_error_encountered && !failed.done,
        "{failed:#?}"
    );
    let error = failed.errors.iter().find(|e| e.is_fatal).unwrap();
    assert_eq!(error.chunk, Some(2));
    assert_eq!(error.frame, Some(23));
    assert!(
        error
            .message
            .contains("Chunk 2 (frames 20-29) failed at frame 23"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("boom at frame 23"),
        "{}",
        error.message
    );
    assert!(!error.will_retry, "a script error is not retried");
    assert!(failed.retries_info.is_empty());

    // The launch finishes its clean-up; then nothing temporary is left.
    let bucket = bucket(&setup);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let progress: Value = serde_json::from_slice(
            &bucket
                .get(&format!("renders/{}/progress.json", started.render_id))
                .unwrap(),
        )
        .unwrap();
        if !progress["launchFinished"].is_null() {
            break;
        }
        assert!(Instant::now() < deadline, "the launch never finished");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        bucket
            .list(&format!("renders/{}/transport/", started.render_id))
            .unwrap()
            .is_empty()
    );
    assert!(
        bucket
            .head(&format!("renders/{}/out.mp4", started.render_id))
            .unwrap()
            .is_none()
    );
    // No worker outlives the pool, and no worker's scratch folder either.
    let pool_id = setup.farm.pool.id().to_string();
    let workers = live_workers(&pool_id);
    setup.farm.pool.shutdown();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !live_workers(&pool_id).is_empty() {
        assert!(
            Instant::now() < deadline,
            "workers leaked: {:?}",
            live_workers(&pool_id)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for pid in workers {
        let scratch = std::env::temp_dir().join(format!("kinema-worker-{pid}"));
        assert!(!scratch.exists(), "{} was left behind", scratch.display());
    }
}

#[test]
fn a_main_function_past_its_timeout_gets_the_timeout_error() {
    // A 3 s function with one worker cannot render 40 chunks in time.
    let setup = setup("timeout", 200, -1, 3, 1);
    let start = Instant::now();
    let started = client::render_media(
        &setup.farm.pool,
        setup.farm.storage.as_ref(),
        &setup.farm.function_name(),
        &setup.farm.config.region,
        params(&setup, 5),
        &json!({}),
    )
    .unwrap();
    let seen = follow(&setup, &started.render_id, Duration::from_secs(60));
    let failed = seen.last().unwrap();
    assert!(
        failed.fatal_error_encountered && !failed.done,
        "{failed:#?}"
    );
    let error = &failed.errors[0];
    assert_eq!(error.name, "TimeoutError");
    assert!(
        error
            .message
            .starts_with("The main function timed out after 3000ms."),
        "{}",
        error.message
    );
    assert!(error.message.contains("Chunk "), "{}", error.message);
    // Within the timeout plus the 20 s grace (and a little polling).
    assert!(
        start.elapsed() < Duration::from_secs(3 + 20 + 5),
        "{:?}",
        start.elapsed()
    );
    let bucket = bucket(&setup);
    assert!(
        bucket
            .list(&format!("renders/{}/transport/", started.render_id))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn start_refuses_bad_payloads_before_launching() {
    let setup = setup("bad", 10, -1, 900, 1);
    let function = setup.farm.function_name();
    let call = |payload: Value| {
        let response = kinema_farm::Invoker::invoke(&setup.farm.pool, &function, payload).unwrap();
        assert_eq!(response["type"], "error", "{response}");
        response["message"].as_str().unwrap().to_string()
    };
    let base = json!({"type": "start", "version": setup.farm.config.version, "serveUrl": "box", "composition": "DynamicComp"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let m = call(with("version", json!("4.0.1")));
    assert!(
        m.contains("Version mismatch") && m.contains("4.0.1") && m.contains("4.0.527"),
        "{m}"
    );
    assert!(call(with("codec", json!("av1"))).starts_with("codec:"));
    assert!(call(with("crf", json!(60))).starts_with("crf:"));
    let m = call(with("videoBitrate", json!("4X")));
    assert!(
        m.starts_with("videoBitrate:") && m.contains("\"4X\""),
        "{m}"
    );
    let mut prores = with("codec", json!("prores"));
    prores["videoBitrate"] = json!("4M");
    let m = call(prores);
    assert!(
        m.starts_with("videoBitrate: prores takes no bitrate"),
        "{m}"
    );
    assert!(
        call(with("serveUrl", json!("missing-site")))
            .contains("site \"missing-site\" was not found")
    );
    let m = call(
        json!({"type": "start", "version": setup.farm.config.version, "serveUrl": "box", "composition": "DynamicComp", "framesPerLambda": 10, "concurrency": 2}),
    );
    assert!(
        m.contains("Both 'framesPerLambda' and 'concurrency'"),
        "{m}"
    );
    assert!(call(with("outName", json!("video.webm"))).starts_with("outName:"));
    assert!(call(with("frameRange", json!("all"))).starts_with("frameRange:"));
    let m = call(with("frameRange", json!([12, 5])));
    assert!(m.starts_with("frameRange: [12, 5] is backwards"), "{m}");
    let m = call(with("x264Preset", json!("bogus")));
    assert!(m.starts_with("x264Preset: \"bogus\" is not one of"), "{m}");
    // The sound is checked against the file the launch writes (QuickTime takes no Opus).
    let mut opus = with("audioCodec", json!("opus"));
    opus["outName"] = json!("video.mov");
    let m = call(opus);
    assert!(
        m.starts_with("audioCodec: opus sound cannot go in a .mov file"),
        "{m}"
    );
    let m = call(with("audioBitrate", json!("loud")));
    assert!(m.starts_with("audioBitrate:"), "{m}");
    let mut muted = with("audioCodec", json!("aac"));
    muted["muted"] = json!(true);
    assert!(call(muted).starts_with("audioCodec: the video is muted"));
    assert!(call(json!({"type": "nope"})).starts_with("type:"));
    // Nothing was started.
    assert!(bucket(&setup).list("renders/").unwrap().is_empty());
    // info answers the version.
    let info =
        kinema_farm::Invoker::invoke(&setup.farm.pool, &function, json!({"type": "info"})).unwrap();
    assert_eq!(
        info,
        json!({"type": "success", "version": setup.farm.config.version})
    );
    // Unknown functions are not found.
    let err =
        kinema_farm::Invoker::invoke(&setup.farm.pool, "other-function", json!({"type": "info"}))
            .unwrap_err();
    assert_eq!(err.error_type(), "ResourceNotFoundException");
}

#[test]
fn stills_and_compositions_come_from_the_site() {
    let setup = setup("still", 40, -1, 900, 1);
    let function = setup.farm.function_name();
    let version = setup.farm.config.version.clone();
    let compositions = client::compositions(
        &setup.farm.pool,
        &function,
        &version,
        "box",
        None,
        &json!({}),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(compositions.len(), 1);
    assert_eq!(compositions[0]["id"], "DynamicComp");
    assert_eq!(compositions[0]["durationInFrames"], 40);
    let request: kinema_farm::payload::StillPayload = kinema_farm::payload::parse(&json!({
        "version": version, "serveUrl": "box", "composition": "DynamicComp", "frame": -1, "imageFormat": "png",
    }))
    .unwrap();
    let still = client::render_still(
        &setup.farm.pool,
        setup.farm.storage.as_ref(),
        &function,
        &setup.farm.config.region,
        request,
        &json!({}),
    )
    .unwrap();
    assert_eq!(still["frame"], 39);
    assert_eq!(still["renderInfo"]["compositionId"], "DynamicComp");
    let path = file_of(still["url"].as_str().unwrap());
    let image = image::open(&path).unwrap();
    assert_eq!((image.width(), image.height()), (320, 180));
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        still["sizeInBytes"].as_u64().unwrap()
    );
    assert!(still["estimatedPrice"]["accruedSoFar"].as_f64().unwrap() > 0.0);
    // force* replace the composition's size and length (frame -1 is then the forced last one).
    let forced = |fields: serde_json::Value| {
        let mut payload = json!({
            "version": version, "serveUrl": "box", "composition": "DynamicComp", "frame": -1,
        });
        payload
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        client::render_still(
            &setup.farm.pool,
            setup.farm.storage.as_ref(),
            &function,
            &setup.farm.config.region,
            kinema_farm::payload::parse(&payload).unwrap(),
            &json!({}),
        )
    };
    let small =
        forced(json!({"forceWidth": 160, "forceHeight": 90, "forceDurationInFrames": 10})).unwrap();
    assert_eq!(
        (small["width"].as_u64(), small["height"].as_u64()),
        (Some(160), Some(90))
    );
    assert_eq!(small["frame"], 9);
    let image = image::open(file_of(small["url"].as_str().unwrap())).unwrap();
    assert_eq!((image.width(), image.height()), (160, 90));
    let err = forced(json!({"forceWidth": 0})).unwrap_err();
    assert!(
        err.to_string()
            .contains("forceWidth: must be a positive integer"),
        "{err}"
    );
    let render_id = still["renderId"].as_str().unwrap();
    // A still's progress is not something to poll.
    let err = client::render_progress(
        &setup.farm.pool,
        &function,
        &version,
        &setup.bucket,
        render_id,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("don't need to call getRenderProgress()"),
        "{err}"
    );
}

/// Runs the `kinema` binary with the farm in `storage`.
fn kinema_farm(storage: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(args)
        .arg("--storage")
        .arg(storage)
        .env("KINEMA_LOG", "warn")
        .output()
        .expect("runs kinema")
}

/// Runs `kinema … --json` against the farm in `storage`, which must succeed; its JSON answer.
fn kinema_farm_json(storage: &Path, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = kinema_farm(storage, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A scratch folder with `code` uploaded as site `name` (`sites create … extra`) into its
/// `buckets` storage: (the folder, the storage).
fn cli_site(name: &str, code: &str, extra: &[&str]) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("kinema-farm-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.tsx"));
    std::fs::write(&file, code).unwrap();
    let storage = dir.join("buckets");
    let mut args = vec![
        "sites",
        "create",
        file.to_str().unwrap(),
        "--site-name",
        name,
    ];
    args.extend(extra);
    let out = kinema_farm(&storage, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, storage)
}

#[test]
fn the_cli_uploads_sites_and_renders_in_the_background() {
    let dir = std::env::temp_dir().join(format!("kinema-farm-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let code = dir.join("box.tsx");
    std::fs::write(&code, MOVING_BOX.replace("FAIL_AT", "-1")).unwrap();
    let storage = dir.join("buckets");
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };

    let out = kinema_farm(
        &storage,
        &[
            "sites",
            "create",
            code.to_str().unwrap(),
            "--site-name",
            "cli-box",
            "--duration",
            "20",
            "--width",
            "160",
            "--height",
            "90",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let site: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(site["siteName"], "cli-box");
    assert!(
        site["serveUrl"]
            .as_str()
            .unwrap()
            .ends_with("/sites/cli-box/index.html")
    );
    let out = kinema_farm(&storage, &["sites", "ls", "--json"]);
    let sites: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sites[0]["id"], "cli-box");

    // --no-wait returns at once with the ids; the render goes on in the background.
    let serve_url = site["serveUrl"].as_str().unwrap();
    let out = kinema_farm(
        &storage,
        &[
            "lambda",
            "render",
            serve_url,
            "DynamicComp",
            "--frames-per-lambda",
            "5",
            "--no-wait",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let started: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (render_id, bucket) = (
        started["renderId"].as_str().unwrap(),
        started["bucketName"].as_str().unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    let done = loop {
        let out = kinema_farm(
            &storage,
            &[
                "lambda", "progress", render_id, "--bucket", bucket, "--json",
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
        let progress: Value = serde_json::from_slice(&out.stdout).unwrap();
        if progress["done"] == true {
            break progress;
        }
        assert!(progress["fatalErrorEncountered"] == false, "{progress:#}");
        assert!(
            Instant::now() < deadline,
            "the background render never finished"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(done["chunks"], 4);
    assert_eq!(
        frame_hashes(&file_of(done["outputFile"].as_str().unwrap())).len(),
        20
    );
    // An output named .mkv holds Matroska, as `kinema render` writes (it was MP4 bytes).
    let out = kinema_farm(
        &storage,
        &[
            "lambda",
            "render",
            serve_url,
            "DynamicComp",
            "--frames-per-lambda",
            "10",
            "--out-name",
            "clip.mkv",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let finished: Value = serde_json::from_slice(&out.stdout).unwrap();
    let clip = file_of(finished["outputFile"].as_str().unwrap());
    assert!(clip.ends_with("clip.mkv"), "{}", clip.display());
    let format = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=format_name",
            "-of",
            "default=noprint_wrappers=1:nokey=1",
        ])
        .arg(&clip)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&format.stdout).trim(),
        "matroska,webm"
    );
    assert_eq!(frame_hashes(&clip).len(), 20);

    // Errors name what is wrong and exit non-zero.
    let out = kinema_farm(
        &storage,
        &["lambda", "render", "no-such-site", "DynamicComp"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("site \"no-such-site\" was not found"),
        "{}",
        text(&out)
    );
    let out = kinema_farm(
        &storage,
        &["lambda", "progress", "nosuchid00", "--bucket", bucket],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("No render with ID \"nosuchid00\""),
        "{}",
        text(&out)
    );
    // A site whose frame rate no render could use is refused when it is uploaded.
    let out = kinema_farm(
        &storage,
        &[
            "sites",
            "create",
            code.to_str().unwrap(),
            "--site-name",
            "too-fast",
            "--fps",
            "1000",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("fps: 1000 is outside 0.2-500 frames per second"),
        "{}",
        text(&out)
    );
    // Without ffmpeg (none on the PATH) the built-in encoder takes H.264, and what it cannot
    // write is refused up front, not dropped.
    for (flags, expected) in [
        (
            &["--pixel-format", "yuv444p"][..],
            "pixelFormat: the farm has no ffmpeg (none on its PATH), and its built-in H.264 \
             encoder writes yuv420p only",
        ),
        (
            &["--x264-preset", "veryslow"][..],
            "x264Preset: the farm has no ffmpeg",
        ),
        (&["--codec", "vp9"][..], "codec: vp9 needs ffmpeg"),
        (
            &["--out-name", "clip.mkv"][..],
            "outName: the farm has no ffmpeg (none on its PATH), and its built-in H.264 encoder \
             writes .mp4 or .mov, not \"clip.mkv\"",
        ),
    ] {
        let mut args = vec!["lambda", "render", serve_url, "DynamicComp"];
        args.extend(flags);
        let out = Command::new(env!("CARGO_BIN_EXE_kinema"))
            .args(&args)
            .arg("--storage")
            .arg(&storage)
            .env("KINEMA_LOG", "warn")
            .env("PATH", "/nonexistent-kinema-path")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{flags:?}");
        assert!(text(&out).contains(expected), "{flags:?}: {}", text(&out));
    }
    // A mistyped --ffmpeg stops the render before it starts, never a quiet switch to the
    // built-in encoder.
    let out = kinema_farm(
        &storage,
        &[
            "lambda",
            "render",
            serve_url,
            "DynamicComp",
            "--ffmpeg",
            "/nonexistent/ffmpeg",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("--ffmpeg /nonexistent/ffmpeg does not run"),
        "{}",
        text(&out)
    );

    let out = kinema_farm(&storage, &["sites", "rm", "cli-box"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = kinema_farm(&storage, &["sites", "rm", "cli-box"]);
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_webhook_is_signed_and_carries_the_custom_data() {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            headers.push(line.trim().to_string());
        }
        let header = |name: &str| {
            headers
                .iter()
                .find_map(|h| {
                    h.split_once(':')
                        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.trim().to_string())
                })
                .unwrap_or_default()
        };
        let mut body = vec![0; header("content-length").parse().unwrap()];
        reader.read_exact(&mut body).unwrap();
        let mut stream = stream;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .unwrap();
        (
            header("x-remotion-signature"),
            header("x-remotion-status"),
            body,
        )
    });
    // The receiver is on loopback, which a farm calls only when allowed to.
    let setup = setup_with("webhook", 10, -1, 900, 2, |config| {
        config.fetch_private_addresses = true
    });
    let mut params = params(&setup, 5);
    params.webhook = Some(kinema_farm::payload::WebhookOption {
        url: format!("http://127.0.0.1:{port}/hook"),
        secret: Some("s3cret".into()),
        custom_data: Some(json!({"orderId": 42}).as_object().unwrap().clone()),
    });
    let started = client::render_media(
        &setup.farm.pool,
        setup.farm.storage.as_ref(),
        &setup.farm.function_name(),
        &setup.farm.config.region,
        params,
        &json!({}),
    )
    .unwrap();
    let done = follow(&setup, &started.render_id, Duration::from_secs(120));
    assert!(done.last().unwrap().done);
    let (signature, status, body) = server.join().unwrap();
    assert!(
        kinema_farm::webhook::verify("s3cret", &body, &signature),
        "{signature}"
    );
    assert_eq!(status, "success");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["type"], "success");
    assert_eq!(body["renderId"], started.render_id.as_str());
    assert_eq!(body["customData"], json!({"orderId": 42}));
    assert!(body["outputUrl"].as_str().unwrap().ends_with("/out.mp4"));
    assert!(body["costs"]["estimatedCost"].is_number());
}

/// `kinema lambda render` waits for the main function after the render is done: it calls the
/// webhook (here refused every time, so all three attempts) before the farm shuts down, and
/// the report includes what that added.
#[test]
fn the_cli_waits_for_the_webhook_after_the_render() {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut stream = stream;
            let _ = stream.write_all(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let (dir, storage) = cli_site(
        "hook-box",
        &MOVING_BOX.replace("FAIL_AT", "-1"),
        &["--duration", "10", "--width", "160", "--height", "90"],
    );
    let hook = format!("http://127.0.0.1:{port}/hook");
    let mut args = vec![
        "lambda",
        "render",
        "hook-box",
        "DynamicComp",
        "--frames-per-lambda",
        "5",
        "--webhook",
        &hook,
        "--timeout",
        "60",
        "--json",
    ];
    // A webhook on a private address is refused before anything renders…
    let out = kinema_farm(&storage, &args);
    let refused = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        refused.contains("webhook.url") && refused.contains("127.0.0.1 is a private address"),
        "{refused}"
    );
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 0);
    // …unless the farm allows private addresses.
    args.push("--fetch-private-addresses");
    let out = kinema_farm(&storage, &args);
    // A failed webhook is not a failed render.
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);
    let progress: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(progress["done"], true);
    let errors = progress["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("answered HTTP 500")),
        "{progress:#}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A main function that runs past its timeout before it planned the render (here the site's
/// top-level code is slow) fails the render at once, with the timeout, instead of leaving it
/// in progress.
#[test]
fn a_launch_past_its_timeout_fails_the_render() {
    let (dir, storage) = cli_site(
        "slow",
        "import {AbsoluteFill} from 'remotion';\n\
         const t0 = Date.now();\n\
         while (Date.now() - t0 < 6000) {}\n\
         export default function Slow() { return <AbsoluteFill />; }\n",
        &["--duration", "10"],
    );
    let out = kinema_farm(
        &storage,
        &[
            "lambda",
            "render",
            "slow",
            "DynamicComp",
            "--timeout",
            "2",
            "--json",
        ],
    );
    assert!(!out.status.success());
    let progress: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(progress["fatalErrorEncountered"], true);
    // The invocation's own error, reported when it was killed: not the one `status` makes up
    // once the render's deadline and 20 s have passed.
    let error = &progress["errors"][0];
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("Task timed out after 2.00 seconds"),
        "{progress:#}"
    );
    assert!(
        error["explanation"]
            .as_str()
            .unwrap()
            .contains("main function"),
        "{progress:#}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_farm_refuses_file_urls_whether_or_not_the_file_exists() {
    // A site's code may come from whoever calls the farm: it must not read the machine's
    // files, nor learn which exist. (`kinema still` renders the same code locally.)
    let secret = std::env::temp_dir().join(format!("kinema-secret-{}.png", std::process::id()));
    let png = image::RgbaImage::from_pixel(4, 4, image::Rgba([255, 0, 0, 255]));
    png.save(&secret).unwrap();
    for (name, path) in [
        ("fileurl-existing", secret.to_str().unwrap()),
        ("fileurl-missing", "/nonexistent/kinema.png"),
    ] {
        let code = format!(
            "import {{Img}} from 'remotion';\n\
             export default () => <Img src=\"file://{path}\" style={{{{width: 160}}}} />;\n"
        );
        let (dir, storage) = cli_site(
            name,
            &code,
            &["--duration", "5", "--width", "160", "--height", "90"],
        );
        let out = kinema_farm(&storage, &["lambda", "still", name, "DynamicComp"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: {err}");
        assert!(
            err.contains("file:// URLs cannot be read here"),
            "{name}: {err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
    // Locally the same code is the user's own, and reads the file.
    let dir = std::env::temp_dir().join(format!("kinema-fileurl-local-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let code = dir.join("local.tsx");
    std::fs::write(
        &code,
        format!(
            "import {{Img}} from 'remotion';\n\
             export default () => <Img src=\"file://{}\" style={{{{width: 160}}}} />;\n",
            secret.display()
        ),
    )
    .unwrap();
    let still = dir.join("still.png");
    let out = Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(["still", code.to_str().unwrap(), "DynamicComp"])
        .arg(&still)
        .args(["--width", "160", "--height", "90"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_file(&secret).unwrap();
}

#[test]
fn the_farm_fetches_from_public_addresses_only() {
    // An image on this machine's loopback stands for a cloud's metadata service or a host on
    // the office network: the farm must not fetch it for whoever sent the code.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(4, 4, image::Rgba([255, 0, 0, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let _ = stream.read(&mut [0u8; 4096]);
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                png.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&png);
        }
    });
    let code = format!(
        "import {{Img}} from 'remotion';\n\
         export default () => <Img src=\"http://localhost:{port}/logo.png\" style={{{{width: 160}}}} />;\n"
    );
    let (dir, storage) = cli_site(
        "private-fetch",
        &code,
        &["--duration", "5", "--width", "160", "--height", "90"],
    );
    let out = kinema_farm(
        &storage,
        &["lambda", "still", "private-fetch", "DynamicComp"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains(&format!("http://localhost:{port}/logo.png"))
            && err.contains("private address"),
        "{err}"
    );
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
    // Its operator may allow them.
    let out = kinema_farm(
        &storage,
        &[
            "lambda",
            "still",
            "private-fetch",
            "DynamicComp",
            "--fetch-private-addresses",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_project_site_refuses_the_code_file_flags() {
    let dir = std::env::temp_dir().join(format!("kinema-farm-flags-{}", std::process::id()));
    let entry = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/showcase/src/index.ts");
    let out = kinema_farm(
        &dir.join("buckets"),
        &["sites", "create", entry.to_str().unwrap(), "--width", "320"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("describe a code file's composition") && err.contains("is a project"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `path`'s sound as mono 48 kHz samples.
fn sound_of(path: &Path) -> Vec<f32> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-ac", "1", "-ar", "48000", "pipe:1"])
        .output()
        .unwrap();
    kinema_encode::audio::from_bytes(&out.stdout)
}

#[test]
fn farm_renders_have_the_sound_a_local_render_has() {
    // The showcase's title card chimes from frame 12; its chunks of 20 frames each mix their
    // own frames, and the launch lays the mixes end to end.
    let dir = std::env::temp_dir().join(format!("kinema-farm-sound-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let storage = dir.join("buckets");
    let entry = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/showcase/src/index.ts");
    let entry = entry.to_str().unwrap();
    let out = kinema_farm(
        &storage,
        &["sites", "create", entry, "--site-name", "chime"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let farm = |extra: &[&str]| {
        let mut args = vec!["lambda", "render", "chime", "TitleCard", "--scale", "0.25"];
        args.extend(["--frames-per-lambda", "20", "--json"]);
        args.extend(extra);
        let out = kinema_farm(&storage, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let progress: Value = serde_json::from_slice(&out.stdout).unwrap();
        (file_of(progress["outputFile"].as_str().unwrap()), progress)
    };
    let (video, progress) = farm(&[]);
    assert_eq!(progress["renderMetadata"]["audioCodec"], "aac");
    let local = dir.join("local.mp4");
    let out = Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(["render", entry, "TitleCard"])
        .arg(&local)
        .args(["--scale", "0.25"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (farm_sound, local_sound) = (sound_of(&video), sound_of(&local));
    assert_eq!(farm_sound.len(), local_sound.len());
    let loud = |s: &[f32]| (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt();
    // Silent before the chime, loud at it.
    assert!(loud(&farm_sound[..19_000]) < 1e-3);
    assert!(loud(&farm_sound[20_000..30_000]) > 0.1);
    let difference: Vec<f32> = farm_sound
        .iter()
        .zip(&local_sound)
        .map(|(a, b)| a - b)
        .collect();
    assert!(loud(&difference) < 1e-3, "{}", loud(&difference));

    // Muted: no sound track, and the metadata says so.
    let (video, progress) = farm(&["--muted", "--out-name", "muted.mp4"]);
    assert_eq!(progress["renderMetadata"]["audioCodec"], Value::Null);
    assert!(sound_of(&video).is_empty());
    // Lossless sound (named, or Remotion's preferLossless) goes in a Matroska file when no
    // name is given, as Remotion writes it; a name that cannot hold it is refused before
    // anything renders, naming the field.
    let codec_of = |path: &Path| {
        let out = Command::new("ffprobe")
            .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
            .args(["stream=codec_name", "-of", "csv=p=0"])
            .arg(path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    for flags in [&["--audio-codec", "pcm-16"][..], &["--prefer-lossless"][..]] {
        let (video, progress) = farm(flags);
        assert!(video.extension().is_some_and(|e| e == "mkv"), "{video:?}");
        assert_eq!(progress["renderMetadata"]["audioCodec"], "pcm-16");
        assert_eq!(codec_of(&video), "pcm_s16le");
    }
    for (flags, says) in [
        (
            &["--audio-codec", "pcm-16", "--out-name", "x.mp4"][..],
            "audioCodec: pcm-16 sound cannot go in a .mp4 file",
        ),
        (
            &["--prefer-lossless", "--out-name", "x.mp4"][..],
            "preferLossless: pcm-16 sound cannot go in a .mp4 file",
        ),
    ] {
        let mut args = vec!["lambda", "render", "chime", "TitleCard"];
        args.extend(flags);
        let out = kinema_farm(&storage, &args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{flags:?}: {err}");
    }

    // The sound alone (Remotion's audio-only codecs): the chunks compose their frames and mix
    // them, and the launch encodes the mixes laid end to end into the file. It sounds as the
    // local render of the same codec does.
    let (sound, progress) = farm(&["--codec", "mp3"]);
    assert!(sound.extension().is_some_and(|e| e == "mp3"), "{sound:?}");
    assert_eq!(progress["renderMetadata"]["codec"], "mp3");
    assert_eq!(progress["renderMetadata"]["audioCodec"], "mp3");
    assert_eq!(progress["framesRendered"], 90, "{progress}");
    let local = dir.join("local.mp3");
    let out = Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(["render", entry, "TitleCard"])
        .arg(&local)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (farm_sound, local_sound) = (sound_of(&sound), sound_of(&local));
    assert_eq!(farm_sound.len(), local_sound.len());
    assert!(loud(&farm_sound[20_000..30_000]) > 0.1);
    let difference: Vec<f32> = farm_sound
        .iter()
        .zip(&local_sound)
        .map(|(a, b)| a - b)
        .collect();
    assert!(loud(&difference) < 1e-3, "{}", loud(&difference));
    // Lossless, under the name asked for, or as a .wav for aac with preferLossless; AAC in
    // an MP4 audio file.
    let (wav, _) = farm(&["--codec", "wav", "--out-name", "chime.wav"]);
    assert!(wav.ends_with("chime.wav"), "{wav:?}");
    assert_eq!(codec_of(&wav), "pcm_s16le");
    let (wav, progress) = farm(&["--codec", "aac", "--prefer-lossless"]);
    assert!(wav.extension().is_some_and(|e| e == "wav"), "{wav:?}");
    assert_eq!(progress["renderMetadata"]["audioCodec"], "pcm-16");
    assert_eq!(codec_of(&wav), "pcm_s16le");
    let (m4a, _) = farm(&["--codec", "aac", "--out-name", "chime.m4a"]);
    assert!(m4a.ends_with("chime.m4a"), "{m4a:?}");
    assert_eq!(codec_of(&m4a), "aac");
    assert!((sound_of(&m4a).len() as i64 - 144_000).abs() < 3_000);
    // What only pictures take, and a name that cannot hold the sound, are refused.
    for (flags, says) in [
        (
            &["--codec", "aac", "--crf", "20"][..],
            "crf: applies to pictures",
        ),
        (
            &["--codec", "aac", "--muted"][..],
            "muted: codec aac renders the sound alone",
        ),
        (
            &["--codec", "mp3", "--out-name", "chime.wav"][..],
            "outName: \"chime.wav\" must end in .mp3 for codec mp3",
        ),
    ] {
        let mut args = vec!["lambda", "render", "chime", "TitleCard"];
        args.extend(flags);
        let out = kinema_farm(&storage, &args);
        assert!(!out.status.success(), "{flags:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{flags:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn farm_renders_paint_video_pictures_from_the_site() {
    let dir = std::env::temp_dir().join(format!("kinema-farm-video-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("public")).unwrap();
    common::counter_video(&dir.join("public/counter.mov"));
    let code = dir.join("clip.tsx");
    std::fs::write(
        &code,
        "import {OffthreadVideo, staticFile} from 'remotion';\n\
         export default () => <OffthreadVideo src={staticFile('counter.mov')} trimBefore={10} \
           style={{width: '100%', height: '100%'}} />;\n",
    )
    .unwrap();
    let storage = dir.join("buckets");
    let site = [
        "sites",
        "create",
        code.to_str().unwrap(),
        "--site-name",
        "clip",
        "--width",
        "64",
        "--height",
        "36",
        "--duration",
        "24",
    ];
    let out = kinema_farm(&storage, &site);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let render = [
        "lambda",
        "render",
        "clip",
        "DynamicComp",
        "--frames-per-lambda",
        "8",
        "--json",
    ];
    let out = kinema_farm(&storage, &render);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let progress: Value = serde_json::from_slice(&out.stdout).unwrap();
    let output = file_of(progress["outputFile"].as_str().unwrap());
    // Three chunks, each starting its decoder at its own first picture: 10, 18, 26, holding
    // the last (29) from frame 19.
    let reds: Vec<i32> = common::pixels_at(&output, 32, 18)
        .iter()
        .map(|p| i32::from(p[0]))
        .collect();
    assert_eq!(reds.len(), 24);
    for (f, red) in reds.iter().enumerate() {
        let expected = 8 * (10 + f as i32).min(29);
        assert!(
            (red - expected).abs() <= 3,
            "frame {f}: red {red}, expected {expected}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn farm_renders_take_prores_profiles_gif_loops_colour_spaces_rate_ceilings_and_tags() {
    let (dir, storage) = cli_site(
        "profiles",
        &MOVING_BOX.replace("FAIL_AT", "-1"),
        &["--duration", "10", "--width", "160", "--height", "90"],
    );
    let render = |extra: &[&str]| {
        let mut args = vec!["lambda", "render", "profiles", "DynamicComp"];
        args.extend(["--frames-per-lambda", "5", "--json"]);
        args.extend(extra);
        let out = kinema_farm(&storage, &args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let progress: Value = serde_json::from_slice(&out.stdout).unwrap();
        file_of(progress["outputFile"].as_str().unwrap())
    };
    let mov = render(&["--codec", "prores", "--prores-profile", "proxy"]);
    assert_eq!(common::video_profile(&mov), "Proxy");
    let gif = render(&["--codec", "gif", "--number-of-gif-loops", "2"]);
    assert_eq!(common::gif_loops(&gif), Some(2));
    // colorSpace and the bitrate ceiling reach every chunk's encoder.
    let mp4 = render(&[
        "--color-space",
        "bt601",
        "--encoding-max-rate",
        "300k",
        "--encoding-buffer-size",
        "600k",
        "--metadata",
        "title=From the farm",
    ]);
    assert_eq!(common::color_matrix(&mp4), "bt470bg");
    assert_eq!(
        common::format_tags(&mp4).get("title").map(String::as_str),
        Some("From the farm")
    );
    assert_eq!(common::x264_max_rate(&mp4), Some(300));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_site_takes_its_static_files_from_the_public_dir_given() {
    let (dir, storage) = cli_site("bare", "export default () => null;\n", &[]);
    let assets = dir.join("sounds");
    std::fs::create_dir_all(assets.join("nested")).unwrap();
    common::tone(&assets.join("nested/tone.wav"), 1);
    let code = dir.join("beep.tsx");
    std::fs::write(
        &code,
        "import {Audio, staticFile} from 'remotion';\n\
         export default () => <Audio src={staticFile('nested/tone.wav')} />;\n",
    )
    .unwrap();
    let (code, assets) = (code.to_str().unwrap(), assets.to_str().unwrap());
    let out = kinema_farm(
        &storage,
        &[
            "sites",
            "create",
            code,
            "--site-name",
            "beep",
            "--public-dir",
            assets,
            "--duration",
            "30",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kinema_farm(
        &storage,
        &[
            "lambda",
            "render",
            "beep",
            "DynamicComp",
            "--codec",
            "wav",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let progress: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sound = sound_of(&file_of(progress["outputFile"].as_str().unwrap()));
    assert_eq!(sound.len(), 48_000);
    let loud = (sound.iter().map(|x| x * x).sum::<f32>() / sound.len() as f32).sqrt();
    assert!((loud - 0.088).abs() < 0.005, "{loud}");
    // A folder that is not there, and a dynamic site, which has no files, are refused.
    for args in [
        &[
            "sites",
            "create",
            code,
            "--public-dir",
            "/nonexistent/kinema",
        ][..],
        &["sites", "create", "--dynamic", "--public-dir", assets][..],
    ] {
        let out = kinema_farm(&storage, args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("public"), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn farm_renders_read_the_environment_variables_sent() {
    let (dir, storage) = cli_site(
        "env",
        "import {AbsoluteFill} from 'remotion';\n\
         export default () => <AbsoluteFill style={{background: process.env.COLOR}} />;\n",
        &["--width", "64", "--height", "36", "--duration", "10"],
    );
    let vars = dir.join("vars.env");
    std::fs::write(&vars, "COLOR='#00ff00'\n").unwrap();
    let vars = vars.to_str().unwrap();
    // Two chunks: each renderer gets the variables from the launch.
    let progress = kinema_farm_json(
        &storage,
        &[
            "lambda",
            "render",
            "env",
            "DynamicComp",
            "--frames-per-lambda",
            "5",
            "--env-file",
            vars,
        ],
    );
    assert_eq!(progress["chunks"], 2, "{progress}");
    assert_every_frame_is(&progress, "green", |[r, g, b]| r < 20 && g > 230 && b < 20);
    let still = kinema_farm_json(
        &storage,
        &["lambda", "still", "env", "DynamicComp", "--env-file", vars],
    );
    let image = image::open(file_of(still["url"].as_str().unwrap()))
        .unwrap()
        .to_rgb8();
    assert_eq!(image.get_pixel(0, 0).0, [0, 255, 0]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn farm_chunks_render_the_props_the_launch_resolved() {
    // calculateMetadata counts its runs in each engine and returns a date and props too big
    // for a renderer's payload (the pool refuses Event payloads over 256 KB, as Lambda does).
    // Every chunk must take the launch's props as they are (its own calculateMetadata never
    // runs, and the date is still a date), fetched from the bucket, which keeps none of them
    // after the render.
    let dir = std::env::temp_dir().join(format!("kinema-farm-resolved-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("project/src")).unwrap();
    std::fs::write(dir.join("project/package.json"), "{}").unwrap();
    std::fs::write(
        dir.join("project/src/index.tsx"),
        "import {registerRoot, Composition, AbsoluteFill} from 'remotion';\n\
         const Show = ({color, when, padding}) => {\n\
           const adopted = globalThis.runs === undefined && when instanceof Date \
             && when.getUTCFullYear() === 2030 && padding.length === 300000;\n\
           return <AbsoluteFill style={{background: adopted ? color : '#ff0000'}} />;\n\
         };\n\
         registerRoot(() => <Composition id=\"Meta\" component={Show} durationInFrames={1} \
           fps={30} width={64} height={36} calculateMetadata={({props}) => {\n\
             globalThis.runs = (globalThis.runs ?? 0) + 1;\n\
             return {durationInFrames: 10, props: {...props, color: '#0000ff', \
               when: new Date(Date.UTC(2030, 0, 1)), padding: 'x'.repeat(300000)}};\n\
           }} />);\n",
    )
    .unwrap();
    let storage = dir.join("buckets");
    let entry = dir.join("project/src/index.tsx");
    kinema_farm_json(
        &storage,
        &[
            "sites",
            "create",
            entry.to_str().unwrap(),
            "--site-name",
            "meta",
        ],
    );
    let progress = kinema_farm_json(
        &storage,
        &[
            "lambda",
            "render",
            "meta",
            "Meta",
            "--frames-per-lambda",
            "5",
        ],
    );
    assert_eq!(progress["chunks"], 2, "{progress}");
    assert_every_frame_is(&progress, "blue", |[r, g, b]| r < 20 && g < 20 && b > 230);
    let leftovers: Vec<_> = walk(&storage)
        .into_iter()
        .filter(|path| path.to_string_lossy().contains("resolved-props"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn farm_code_fetches_from_public_addresses_only() {
    // fetch() on the farm has the reach its images have: an API on this machine's loopback
    // stands for a host only the farm could reach, refused unless its operator allows it.
    let (port, seen) = common::json_server(200, r##"{"color": "#0000ff"}"##);
    let code = format!(
        "import {{AbsoluteFill}} from 'remotion';\n\
         const {{color}} = await (await fetch('http://localhost:{port}/style')).json();\n\
         export default () => <AbsoluteFill style={{{{background: color}}}} />;\n"
    );
    let (dir, storage) = cli_site(
        "fetch-api",
        &code,
        &["--duration", "5", "--width", "64", "--height", "36"],
    );
    let out = kinema_farm(&storage, &["lambda", "still", "fetch-api", "DynamicComp"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains(&format!("fetch http://localhost:{port}/style failed"))
            && err.contains("private address"),
        "{err}"
    );
    assert!(seen.lock().unwrap().is_empty());
    let still = kinema_farm_json(
        &storage,
        &[
            "lambda",
            "still",
            "fetch-api",
            "DynamicComp",
            "--fetch-private-addresses",
        ],
    );
    let image = image::open(file_of(still["url"].as_str().unwrap()))
        .unwrap()
        .to_rgb8();
    assert_eq!(image.get_pixel(0, 0).0, [0, 0, 255]);
    assert_eq!(*seen.lock().unwrap(), vec!["GET /style ".to_string()]);
    std::fs::remove_dir_all(&dir).unwrap();
}
