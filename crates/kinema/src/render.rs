//! `kinema render`: a composition to an H.264 MP4 on this machine.
//!
//! Frames are rendered in parallel: each worker thread has its own JavaScript engine and paint
//! document, takes the next frame number, composes, paints and converts it to YUV, and sends it
//! to the encoder, which writes frames in order. The video goes to a temporary file beside the
//! output and is renamed into place only when complete.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use kinema_compose::{Bundle, Engine, Limits};
use kinema_encode::{FfmpegEncoder, I420, PlanOptions, VideoSettings, plan_chunks, rgba_to_i420};
use kinema_paint::{BlitzRenderer, FrameRenderer, PaintOptions};

/// Everything a render needs, resolved from the command line.
pub struct RenderJob {
    pub bundle: Arc<Bundle>,
    pub composition: String,
    pub props: serde_json::Value,
    pub output: PathBuf,
    pub frame_range: Option<(u32, Option<u32>)>,
    pub threads: usize,
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
            concurrency: Some(1),
            ..Default::default()
        },
    )
    .context("invalid --frames")?;
    let frames: Arc<Vec<u32>> = Arc::new(plan.frames_of(0).collect());
    let width = (info.width as f64 * job.scale).round() as u32;
    let height = (info.height as f64 * job.scale).round() as u32;
    let settings = VideoSettings {
        width,
        height,
        fps: info.fps,
        crf: job.crf,
        x264_preset: job.x264_preset.clone(),
        video_bitrate: job.video_bitrate.clone(),
    };
    settings.validate()?;

    let temp = TempOutput(Some(temp_path_for(&job.output)?));
    let temp_path = temp.0.clone().expect("set above");
    let mut encoder = FfmpegEncoder::start(&job.ffmpeg, settings, &temp_path)?;

    let threads = job.threads.clamp(1, frames.len().max(1));
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    // Bounded, so fast workers cannot pile up frames faster than the encoder takes them.
    let (tx, rx) = mpsc::sync_channel::<Result<(usize, I420)>>(threads * 2);
    let mut workers = Vec::new();
    for worker in 0..threads {
        let (tx, next, stop, frames) = (tx.clone(), next.clone(), stop.clone(), frames.clone());
        let (bundle, composition, props, limits) = (
            job.bundle.clone(),
            job.composition.clone(),
            job.props.clone(),
            job.limits,
        );
        let mut paint = job.paint.clone();
        paint.scale = job.scale;
        workers.push(
            std::thread::Builder::new()
                .name(format!("kinema-render-{worker}"))
                .spawn(move || {
                    let result = (|| -> Result<()> {
                        let mut engine = Engine::new(bundle, limits)?;
                        engine.select(&composition, &props)?;
                        let mut renderer = BlitzRenderer::new(paint)?;
                        loop {
                            if stop.load(Ordering::SeqCst) {
                                return Ok(());
                            }
                            let index = next.fetch_add(1, Ordering::SeqCst);
                            let Some(&frame) = frames.get(index) else {
                                return Ok(());
                            };
                            let tree = engine
                                .render_frame(frame)
                                .with_context(|| format!("cannot render frame {frame}"))?;
                            let image = renderer
                                .render(&tree)
                                .with_context(|| format!("cannot paint frame {frame}"))?;
                            let yuv =
                                rgba_to_i420(&image.pixels, image.width, image.height, [0, 0, 0])?;
                            if tx.send(Ok((index, yuv))).is_err() {
                                return Ok(());
                            }
                        }
                    })();
                    if let Err(e) = result {
                        let _ = tx.send(Err(e));
                    }
                })
                .context("cannot start a render thread")?,
        );
    }
    drop(tx);

    let bar = progress_bar(job.progress, frames.len() as u64);
    let mut pending = BTreeMap::new();
    let mut written = 0usize;
    let mut failure = None;
    for message in rx {
        match message {
            Ok((index, yuv)) => {
                pending.insert(index, yuv);
                while let Some(yuv) = pending.remove(&written) {
                    if let Err(e) = encoder.write(&yuv) {
                        failure = Some(anyhow::Error::new(e));
                        break;
                    }
                    written += 1;
                    if let Some(bar) = &bar {
                        bar.set_position(written as u64);
                    }
                }
            }
            Err(e) => failure = Some(e),
        }
        if failure.is_some() {
            stop.store(true, Ordering::SeqCst);
            break;
        }
    }
    for worker in workers {
        let _ = worker.join();
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(e) = failure {
        encoder.abort();
        return Err(e);
    }
    if written != frames.len() {
        encoder.abort();
        bail!("only {written} of {} frames were rendered", frames.len());
    }
    let count = encoder.finish()?;
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
        threads,
        seconds,
        frames_per_second: count as f64 / seconds,
    })
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
