//! `kinema render`: a composition to an H.264 MP4 on this machine.
//!
//! The frames are planned into chunks exactly as the render farm plans them. Each worker thread
//! has its own JavaScript engine and paint document; it takes the next chunk, composes, paints
//! and converts its frames to YUV and feeds them to its own encoder, which writes a
//! self-contained MPEG-TS chunk. The chunks are then joined without re-encoding into a
//! temporary file beside the output, which is renamed into place only when complete.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use kinema_compose::{Bundle, Engine, Limits};
use kinema_encode::{
    ChunkTiming, FfmpegEncoder, PlanOptions, VideoSettings, plan_chunks, rgba_to_i420,
    stitch_chunks,
};
use kinema_paint::{BlitzRenderer, FrameRenderer, PaintOptions};

/// Everything a render needs, resolved from the command line.
pub struct RenderJob {
    pub bundle: Arc<Bundle>,
    pub composition: String,
    pub props: serde_json::Value,
    pub output: PathBuf,
    pub frame_range: Option<(u32, Option<u32>)>,
    pub threads: usize,
    /// Frames per chunk (`None`: the render farm's default planning).
    pub frames_per_chunk: Option<u32>,
    pub scale: f64,
    pub crf: Option<u8>,
    pub x264_preset: Option<String>,
    pub video_bitrate: Option<String>,
    pub ffmpeg: PathBuf,
    pub overwrite: bool,
    pub limits: Limits,
    pub paint: PaintOptions,
    pub progress: bool,
}

/// The result, for `--json`.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderReport {
    pub output: PathBuf,
    pub composition: String,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub frames: u64,
    pub first_frame: u32,
    pub last_frame: u32,
    pub chunks: usize,
    pub threads: usize,
    pub seconds: f64,
    pub frames_per_second: f64,
    pub bytes: u64,
}

/// A temporary output that deletes itself unless kept.
struct TempOutput(Option<PathBuf>);

impl Drop for TempOutput {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn temp_path_for(output: &Path) -> Result<PathBuf> {
    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!("the folder {} does not exist", dir.display());
    }
    let name = output
        .file_name()
        .with_context(|| format!("{} is not a file name", output.display()))?
        .to_string_lossy();
    let ext = output
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_else(|| "mp4".into());
    Ok(dir.join(format!(".{name}.{}.partial.{ext}", std::process::id())))
}

pub fn render(job: RenderJob) -> Result<RenderReport> {
    let ext = job
        .output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if !matches!(ext.as_deref(), Some("mp4" | "mov" | "mkv")) {
        bail!(
            "{}: H.264 video is written as .mp4 (or .mov/.mkv); choose such a file name",
            job.output.display()
        );
    }
    if job.output.exists() && !job.overwrite {
        bail!(
            "{} already exists; delete it or pass --overwrite",
            job.output.display()
        );
    }
    let started = Instant::now();
    let mut engine = Engine::new(job.bundle.clone(), job.limits)?;
    let info = engine.select(&job.composition, &job.props)?.clone();
    drop(engine);
    let plan = plan_chunks(
        info.duration_in_frames,
        &PlanOptions {
            frame_range: job.frame_range,
            every_nth_frame: 1,
            frames_per_chunk: job.frames_per_chunk,
            ..Default::default()
        },
    )
    .context("invalid --frames")?;
    let width = (info.width as f64 * job.scale).round() as u32;
    let height = (info.height as f64 * job.scale).round() as u32;
    let threads = job.threads.clamp(1, plan.chunks.len());
    let settings = VideoSettings {
        width,
        height,
        fps: info.fps,
        crf: job.crf,
        x264_preset: job.x264_preset.clone(),
        video_bitrate: job.video_bitrate.clone(),
        // Chunks encode in parallel, one per thread: one encoder thread each.
        encoder_threads: (threads > 1).then_some(1),
    };
    settings.validate()?;

    let temp = TempOutput(Some(temp_path_for(&job.output)?));
    let temp_path = temp.0.clone().expect("set above");
    let chunk_dir = TempDir(Some(temp_path.with_extension("chunks")));
    std::fs::create_dir_all(chunk_dir.path())
        .with_context(|| format!("cannot create {}", chunk_dir.path().display()))?;

    let plan = Arc::new(plan);
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let rendered = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel::<Result<()>>();
    let mut workers = Vec::new();
    for worker in 0..threads {
        let (tx, next, stop, rendered, plan) = (
            tx.clone(),
            next.clone(),
            stop.clone(),
            rendered.clone(),
            plan.clone(),
        );
        let (bundle, composition, props, limits) = (
            job.bundle.clone(),
            job.composition.clone(),
            job.props.clone(),
            job.limits,
        );
        let (settings, ffmpeg, dir) = (
            settings.clone(),
            job.ffmpeg.clone(),
            chunk_dir.path().to_path_buf(),
        );
        let mut paint = job.paint.clone();
        paint.scale = job.scale;
        let fps = info.fps;
        workers.push(
            std::thread::Builder::new()
                .name(format!("kinema-render-{worker}"))
                .spawn(move || {
                    let result = (|| -> Result<()> {
                        let mut engine = Engine::new(bundle, limits)?;
                        engine.select(&composition, &props)?;
                        let mut renderer = BlitzRenderer::new(paint)?;
                        loop {
                            let index = next.fetch_add(1, Ordering::SeqCst);
                            if index >= plan.chunks.len() || stop.load(Ordering::SeqCst) {
                                return Ok(());
                            }
                            let chunk = plan.chunks[index];
                            let timing = ChunkTiming {
                                start_seconds: (chunk.start - plan.frame_range.start) as f64 / fps,
                            };
                            let mut encoder = FfmpegEncoder::start_chunk(
                                &ffmpeg,
                                settings.clone(),
                                &chunk_path(&dir, index),
                                timing,
                            )?;
                            for frame in plan.frames_of(index) {
                                if stop.load(Ordering::SeqCst) {
                                    encoder.abort();
                                    return Ok(());
                                }
                                let tree = engine
                                    .render_frame(frame)
                                    .with_context(|| format!("cannot render frame {frame}"))?;
                                let image = renderer
                                    .render(&tree)
                                    .with_context(|| format!("cannot paint frame {frame}"))?;
                                let yuv = rgba_to_i420(
                                    &image.pixels,
                                    image.width,
                                    image.height,
                                    [0, 0, 0],
                                )?;
                                encoder.write(&yuv)?;
                                rendered.fetch_add(1, Ordering::SeqCst);
                            }
                            encoder.finish()?;
                        }
                    })();
                    if let Err(e) = &result {
                        stop.store(true, Ordering::SeqCst);
                        let _ = tx.send(Err(anyhow::anyhow!("{e:#}")));
                    }
                })
                .context("cannot start a render thread")?,
        );
    }
    drop(tx);

    let bar = progress_bar(job.progress, plan.frame_count as u64);
    let mut failure = None;
    loop {
        match rx.recv_timeout(std::time::Duration::from_millis(100)) {
            Ok(Err(e)) => {
                failure.get_or_insert(e);
            }
            Ok(Ok(())) => {}
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if let Some(bar) = &bar {
            bar.set_position(rendered.load(Ordering::SeqCst) as u64);
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(e) = failure {
        return Err(e);
    }
    let count = rendered.load(Ordering::SeqCst) as u64;
    if count != plan.frame_count as u64 {
        bail!("only {count} of {} frames were rendered", plan.frame_count);
    }
    let chunks: Vec<PathBuf> = (0..plan.chunks.len())
        .map(|i| chunk_path(chunk_dir.path(), i))
        .collect();
    stitch_chunks(&job.ffmpeg, &chunks, &temp_path)?;
    std::fs::rename(&temp_path, &job.output)
        .with_context(|| format!("cannot move the video into {}", job.output.display()))?;
    std::mem::forget(temp);
    let seconds = started.elapsed().as_secs_f64();
    Ok(RenderReport {
        bytes: std::fs::metadata(&job.output).map(|m| m.len()).unwrap_or(0),
        output: job.output,
        composition: info.id,
        width,
        height,
        fps: info.fps,
        frames: count,
        first_frame: plan.frame_range.start,
        last_frame: plan.frame_range.end,
        chunks: plan.chunks.len(),
        threads,
        seconds,
        frames_per_second: count as f64 / seconds,
    })
}

fn chunk_path(dir: &Path, index: usize) -> PathBuf {
    dir.join(format!("chunk-{index:05}.ts"))
}

/// A temporary folder removed with everything in it unless kept.
struct TempDir(Option<PathBuf>);

impl TempDir {
    fn path(&self) -> &Path {
        self.0.as_deref().expect("present until dropped")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

fn progress_bar(enabled: bool, frames: u64) -> Option<indicatif::ProgressBar> {
    if !enabled {
        return None;
    }
    let bar = indicatif::ProgressBar::new(frames);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} rendering [{bar:32}] {pos}/{len} frames  {per_sec}  ETA {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    Some(bar)
}

/// Parse `--frames`: `N`, `A-B` or `A-` (to the end).
pub fn parse_frame_range(text: &str) -> Result<(u32, Option<u32>)> {
    let number = |s: &str| -> Result<u32> {
        s.trim()
            .parse()
            .with_context(|| format!("--frames {text}: \"{s}\" is not a frame number"))
    };
    match text.split_once('-') {
        None => {
            let n = number(text)?;
            Ok((n, Some(n)))
        }
        Some((a, "")) => Ok((number(a)?, None)),
        Some((a, b)) => Ok((number(a)?, Some(number(b)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ranges_parse_like_remotion() {
        assert_eq!(parse_frame_range("10").unwrap(), (10, Some(10)));
        assert_eq!(parse_frame_range("0-29").unwrap(), (0, Some(29)));
        assert_eq!(parse_frame_range("30-").unwrap(), (30, None));
        assert!(
            parse_frame_range("a-b")
                .unwrap_err()
                .to_string()
                .contains("not a frame number")
        );
    }
}
