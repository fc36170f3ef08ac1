//! `kinema render --sequence`: a composition to a folder of images, one per frame.
//!
//! Threads with their own engine and paint document take runs of frames as a video render's
//! do (split where a thread would idle: [`crate::chunk_queue`]). Each frame is written as a
//! JPEG or PNG into a hidden folder inside the output folder; only when every frame is there
//! are they moved in under their names, so a failed or interrupted render changes nothing in
//! the folder.
//!
//! Files are named as Remotion names them: `element-[frame].[ext]` by default, the frame
//! number zero-padded to the digits of the range's last frame, `[ext]` the format's name
//! (`jpeg`, `png`).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use kinema_compose::{Bundle, ConfigOverrides, Engine, Limits};
use kinema_paint::{BlitzRenderer, FrameRenderer, MAX_SIDE, PaintOptions};

use crate::chunk_queue::{ChunkQueue, SplitPolicy, even_spans};
use crate::render::{Removal, Removed, Usage, interrupt, progress_bar, usage};
use crate::still::{self, StillFormat};
use crate::workers::Workers;

/// Remotion's default `--image-sequence-pattern`.
pub const DEFAULT_PATTERN: &str = "element-[frame].[ext]";

/// The image formats of a sequence (Remotion's `--image-format` for sequences).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SequenceFormat {
    Jpeg,
    Png,
}

impl SequenceFormat {
    pub fn parse(text: &str) -> Result<SequenceFormat> {
        match text {
            "jpeg" => Ok(SequenceFormat::Jpeg),
            "png" => Ok(SequenceFormat::Png),
            "jpg" => bail!("--image-format: say jpeg (the files are named .jpeg, as Remotion's)"),
            other => bail!("--image-format must be jpeg or png, got \"{other}\""),
        }
    }

    /// What `[ext]` becomes.
    pub fn name(self) -> &'static str {
        match self {
            SequenceFormat::Jpeg => "jpeg",
            SequenceFormat::Png => "png",
        }
    }

    fn still_format(self) -> StillFormat {
        match self {
            SequenceFormat::Jpeg => StillFormat::Jpeg,
            SequenceFormat::Png => StillFormat::Png,
        }
    }
}

/// The names of a sequence's files.
#[derive(Debug, Clone)]
pub struct FileNames {
    pattern: String,
    digits: usize,
    extension: &'static str,
}

impl FileNames {
    /// Names after `pattern` for frames up to `last_frame`. The pattern must hold `[frame]`
    /// (else every frame would write the same file) and name a file in the output folder.
    pub fn new(pattern: &str, last_frame: u32, format: SequenceFormat) -> Result<FileNames> {
        let flag = "--image-sequence-pattern";
        if !pattern.contains("[frame]") {
            bail!(
                "{flag} \"{pattern}\" has no [frame], so every frame would be written to the same \
                 file; such as {DEFAULT_PATTERN}"
            );
        }
        if pattern.contains('/') || pattern.contains('\0') {
            bail!("{flag} \"{pattern}\" names a file in the output folder, without a /");
        }
        let names = FileNames {
            pattern: pattern.to_string(),
            digits: last_frame.to_string().len(),
            extension: format.name(),
        };
        // Frame numbers are padded to one width, so the last frame's name is the longest.
        let longest = names.name(last_frame);
        if longest.len() > 255 {
            bail!(
                "{flag} makes file names of {} bytes, over the 255 a file system takes",
                longest.len()
            );
        }
        if longest.starts_with(".kinema.") {
            bail!("{flag} \"{pattern}\": names starting .kinema. are Kinema's temporary files");
        }
        Ok(names)
    }

    /// The file name of `frame`.
    pub fn name(&self, frame: u32) -> String {
        let frame = format!("{frame:0width$}", width = self.digits);
        self.pattern
            .replace("[frame]", &frame)
            .replace("[ext]", self.extension)
    }
}

/// Everything a sequence render needs, resolved from the command line.
pub struct SequenceJob {
    pub bundle: Arc<Bundle>,
    pub composition: String,
    pub overrides: ConfigOverrides,
    pub props: serde_json::Value,
    /// The folder the images go into (made if missing).
    pub output: PathBuf,
    pub frame_range: Option<(u32, Option<u32>)>,
    /// Render threads (`None`: one per core).
    pub threads: Option<usize>,
    pub cores: usize,
    pub scale: f64,
    pub format: SequenceFormat,
    pub jpeg_quality: u8,
    pub pattern: String,
    pub overwrite: bool,
    pub limits: Limits,
    pub paint: PaintOptions,
    pub progress: bool,
}

/// The result, for `--json`.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SequenceReport {
    pub output: PathBuf,
    pub composition: String,
    pub image_format: SequenceFormat,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub frames: u64,
    pub first_frame: u32,
    pub last_frame: u32,
    /// The first and last frames' files.
    pub first_file: PathBuf,
    pub last_file: PathBuf,
    pub threads: usize,
    pub seconds: f64,
    pub frames_per_second: f64,
    pub cpu_seconds: f64,
    pub peak_memory_bytes: u64,
    /// All the images together.
    pub bytes: u64,
}

/// Render `job` into its folder.
pub fn render_sequence(job: SequenceJob) -> Result<SequenceReport> {
    if job.output.exists() && !job.output.is_dir() {
        bail!(
            "{} is a file: --sequence writes its images into a folder",
            job.output.display()
        );
    }
    let started = Instant::now();
    let (info, resolved, plan) = crate::render::every_frame_of(
        &job.bundle,
        job.limits,
        (&job.composition, &job.props, &job.overrides),
        job.frame_range,
    )?;
    let width = (info.width as f64 * job.scale).round() as u32;
    let height = (info.height as f64 * job.scale).round() as u32;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        bail!(
            "--scale {} makes the {}x{} composition {width}x{height}; each side must be 1 to \
             {MAX_SIDE} pixels",
            job.scale,
            info.width,
            info.height
        );
    }
    let (first_frame, last_frame) = (plan.frame_range.start, plan.frame_range.end);
    let names = FileNames::new(&job.pattern, last_frame, job.format)?;
    let destination = |frame: u32| job.output.join(names.name(frame));
    let frames = || first_frame..=last_frame;
    if !job.overwrite {
        refuse_existing(frames().map(destination))?;
    }
    for frame in frames() {
        let path = destination(frame);
        // Only an image can be replaced: a folder (or anything else) of the same name would
        // fail the move after every frame has rendered.
        if let Ok(meta) = std::fs::symlink_metadata(&path)
            && !(meta.is_file() || meta.file_type().is_symlink())
        {
            bail!(
                "{} is in the way of frame {frame}'s image and is not a file; move it or pick \
                 other names (--image-sequence-pattern)",
                path.display()
            );
        }
        still::refuse_read_only(&path)?;
    }

    let created = !job.output.exists();
    std::fs::create_dir_all(&job.output)
        .with_context(|| format!("cannot create the folder {}", job.output.display()))?;
    // An empty folder this render made goes again if it fails.
    let made_folder = created.then(|| Removed::new(job.output.clone(), Removal::IfEmpty));
    crate::render::remove_stale_temporaries(&job.output, "kinema");
    let _interrupt = interrupt::watch();
    let temp = Removed::new(
        job.output
            .join(format!(".kinema.{}.partial.frames", std::process::id())),
        Removal::Tree,
    );
    std::fs::create_dir(temp.path())
        .with_context(|| format!("cannot write into {}", job.output.display()))?;

    // One thread per core, as many as the memory available holds: each holds its frame, a
    // copy, and the image being encoded (a large --scale makes them big).
    let per_thread = kinema_encode::memory::thread_bytes(0, width, height)
        .saturating_add(u64::from(width) * u64::from(height) * 8);
    let threads = job
        .threads
        .unwrap_or_else(|| match kinema_encode::memory::available_bytes() {
            Some(available) => crate::memory::threads_that_fit(available, per_thread, job.cores),
            None => job.cores,
        })
        .clamp(1, plan.frame_count as usize);
    let spans = even_spans(plan.frame_count, u32::try_from(threads).unwrap_or(u32::MAX));
    let mut workers = Workers::new(ChunkQueue::new(spans, threads, Some(SplitPolicy::local(0))));
    let rendered = Arc::new(AtomicUsize::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    for worker in 0..threads {
        let crew = workers.crew();
        let (rendered, bytes) = (rendered.clone(), bytes.clone());
        let (bundle, resolved, props, limits) = (
            job.bundle.clone(),
            resolved.clone(),
            job.props.clone(),
            job.limits,
        );
        let (names, dir, output) = (names.clone(), temp.path().to_path_buf(), job.output.clone());
        let (format, jpeg_quality) = (job.format, job.jpeg_quality);
        let mut paint = job.paint.clone();
        paint.scale = job.scale;
        workers.start(format!("kinema-sequence-{worker}"), move || {
            let mut at_frame = None;
            let result = (|| -> Result<()> {
                let mut engine = Engine::new(bundle, limits)?;
                engine.adopt(&resolved, &props)?;
                let mut renderer = BlitzRenderer::new(paint)?;
                crew.each_frame(worker, first_frame, &mut at_frame, |frame, _| {
                    // Compose and paint errors name the frame themselves.
                    let tree = engine.render_frame(frame)?;
                    let image = renderer
                        .render(&tree)
                        .with_context(|| format!("cannot paint {}", resolved.id))?;
                    let name = names.name(frame);
                    let encoded = still::encode(&image, format.still_format(), jpeg_quality)
                        .with_context(|| format!("cannot encode frame {frame}"))?;
                    std::fs::write(dir.join(&name), &encoded).with_context(|| {
                        format!("cannot write {}", output.join(&name).display())
                    })?;
                    bytes.fetch_add(encoded.len() as u64, Ordering::SeqCst);
                    rendered.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                })
            })();
            if let Err(e) = result {
                crew.fail((at_frame, e));
            }
        })?;
    }

    let bar = progress_bar(job.progress, plan.frame_count as u64, "0.0 fps");
    let outcome = workers.supervise(|| {
        if let Some(bar) = &bar {
            bar.set_position(rendered.load(Ordering::SeqCst) as u64);
            bar.set_message(format!("{:.1} fps", bar.per_sec()));
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    outcome?;
    let count = rendered.load(Ordering::SeqCst) as u64;
    if count != plan.frame_count as u64 {
        bail!("only {count} of {} frames were rendered", plan.frame_count);
    }
    if !job.overwrite {
        // Another render may have written some meanwhile.
        refuse_existing(frames().map(destination))?;
    }
    move_in(&names, frames(), temp.path(), &job.output)?;
    if let Some(folder) = made_folder {
        folder.keep();
    }
    drop(temp);
    let seconds = started.elapsed().as_secs_f64();
    let own = usage(Usage::Own);
    Ok(SequenceReport {
        first_file: destination(first_frame),
        last_file: destination(last_frame),
        output: job.output,
        composition: info.id,
        image_format: job.format,
        width,
        height,
        fps: info.fps,
        frames: count,
        first_frame,
        last_frame,
        threads,
        seconds,
        frames_per_second: count as f64 / seconds,
        cpu_seconds: own.cpu_seconds,
        peak_memory_bytes: own.peak_bytes,
        bytes: bytes.load(Ordering::SeqCst),
    })
}

/// Move the rendered images from `temp` into `output`, all or none: an image replaced is kept
/// aside in `temp` until every one is in, and put back, with the new ones taken out again, if
/// one cannot be moved.
fn move_in(
    names: &FileNames,
    frames: impl Iterator<Item = u32>,
    temp: &std::path::Path,
    output: &std::path::Path,
) -> Result<()> {
    let aside = temp.join("replaced");
    std::fs::create_dir(&aside).with_context(|| format!("cannot write into {}", temp.display()))?;
    // The images moved in so far, and whether each replaced one.
    let mut moved: Vec<(String, bool)> = Vec::new();
    let mut result = Ok(());
    for frame in frames {
        let name = names.name(frame);
        let destination = output.join(&name);
        let replaces = std::fs::symlink_metadata(&destination).is_ok();
        if replaces && let Err(e) = std::fs::rename(&destination, aside.join(&name)) {
            result = Err(e).with_context(|| format!("cannot replace {}", destination.display()));
            break;
        }
        if let Err(e) = std::fs::rename(temp.join(&name), &destination) {
            if replaces {
                let _ = std::fs::rename(aside.join(&name), &destination);
            }
            result = Err(e).with_context(|| {
                format!(
                    "cannot move frame {frame}'s image to {}",
                    destination.display()
                )
            });
            break;
        }
        moved.push((name, replaces));
    }
    if result.is_err() {
        for (name, replaced) in moved.into_iter().rev() {
            let destination = output.join(&name);
            let _ = std::fs::rename(&destination, temp.join(&name));
            if replaced {
                let _ = std::fs::rename(aside.join(&name), &destination);
            }
        }
    }
    result
}

/// Without `--overwrite`, images already there are an error naming them.
fn refuse_existing(paths: impl Iterator<Item = PathBuf>) -> Result<()> {
    // A link counts, even one to nothing.
    let existing: Vec<PathBuf> = paths
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    match existing.as_slice() {
        [] => Ok(()),
        [one] => bail!(
            "{} already exists; delete it or pass --overwrite",
            one.display()
        ),
        [first, rest @ ..] => bail!(
            "{} and {} more of this sequence's images already exist; delete them or pass \
             --overwrite",
            first.display(),
            rest.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_as_remotion_names_them() {
        let names = FileNames::new(DEFAULT_PATTERN, 149, SequenceFormat::Jpeg).unwrap();
        assert_eq!(names.name(7), "element-007.jpeg");
        assert_eq!(names.name(149), "element-149.jpeg");
        let names = FileNames::new("shot_[frame]_[frame].[ext]", 9, SequenceFormat::Png).unwrap();
        assert_eq!(names.name(3), "shot_3_3.png");
        let names = FileNames::new("f[frame]", 1000, SequenceFormat::Png).unwrap();
        assert_eq!(names.name(0), "f0000");
    }

    #[test]
    fn patterns_that_cannot_name_every_frame_are_refused() {
        let refused = |pattern: &str| {
            FileNames::new(pattern, 99, SequenceFormat::Png)
                .unwrap_err()
                .to_string()
        };
        assert!(refused("frame.png").contains("has no [frame]"));
        assert!(refused("sub/[frame].png").contains("without a /"));
        assert!(refused(&format!("{}[frame]", "x".repeat(260))).contains("over the 255"));
        assert!(refused(".kinema.[frame]").contains("temporary files"));
    }

    #[test]
    fn images_move_in_all_or_none() {
        let dir = std::env::temp_dir().join(format!("kinema-move-in-{}", std::process::id()));
        let (temp, output) = (dir.join("temp"), dir.join("out"));
        std::fs::create_dir_all(&temp).unwrap();
        std::fs::create_dir_all(&output).unwrap();
        let names = FileNames::new("f[frame].png", 3, SequenceFormat::Png).unwrap();
        for frame in 0..=3 {
            std::fs::write(temp.join(names.name(frame)), format!("new {frame}")).unwrap();
        }
        std::fs::write(output.join("f1.png"), "old 1").unwrap();
        // Frame 3's new image has gone missing: frames 0-2 were moved in first.
        std::fs::remove_file(temp.join("f3.png")).unwrap();
        let err = move_in(&names, 0..=3, &temp, &output).unwrap_err();
        assert!(format!("{err:#}").contains("frame 3"), "{err:#}");
        let mut left: Vec<_> = std::fs::read_dir(&output)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["f1.png"]);
        assert_eq!(
            std::fs::read_to_string(output.join("f1.png")).unwrap(),
            "old 1"
        );
        // And with every image there, all move in, replacing the old one.
        std::fs::write(temp.join("f3.png"), "new 3").unwrap();
        std::fs::remove_dir_all(temp.join("replaced")).unwrap();
        move_in(&names, 0..=3, &temp, &output).unwrap();
        for frame in 0..=3 {
            let image = std::fs::read_to_string(output.join(names.name(frame))).unwrap();
            assert_eq!(image, format!("new {frame}"));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn formats_parse_by_remotion_names() {
        assert_eq!(SequenceFormat::parse("png").unwrap(), SequenceFormat::Png);
        assert_eq!(SequenceFormat::parse("jpeg").unwrap(), SequenceFormat::Jpeg);
        assert!(
            SequenceFormat::parse("jpg")
                .unwrap_err()
                .to_string()
                .contains("say jpeg")
        );
        assert!(
            SequenceFormat::parse("webp")
                .unwrap_err()
                .to_string()
                .contains("must be jpeg or png")
        );
    }
}
