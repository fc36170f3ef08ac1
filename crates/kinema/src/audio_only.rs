//! `kinema render --codec mp3|aac|wav`: a composition's sound alone, as a sound file.
//!
//! Remotion's audio-only codecs. Nothing is painted: threads with their own engine compose
//! the frames (split where a thread would idle, as a video render's are: see
//! [`crate::chunk_queue`]) only to learn which `<Audio>`, `<Video>` and `<OffthreadVideo>`
//! elements each frame plays, and how loud. That is mixed as a video's soundtrack is
//! ([`kinema_farm::soundtrack`]) and encoded into a temporary file beside the output, renamed
//! into place when complete. A composition that plays nothing gives silence as long as the
//! frames, as Remotion writes it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use kinema_compose::{Bundle, ConfigOverrides, Engine, Limits};
use kinema_encode::audio::{self, MixWindow};
use kinema_encode::{AudioCodec, AudioOnlyCodec, AudioSettings, EncoderBackend};
use kinema_farm::soundtrack::Heard;
use kinema_paint::resources::ResourceOptions;

use crate::chunk_queue::{ChunkQueue, SplitPolicy, even_spans};
use crate::render::{
    Interrupted, Removal, Removed, Usage, in_flags, interrupt, progress_bar, usage,
};
use crate::workers::Workers;

/// Everything an audio-only render needs, resolved from the command line.
pub struct AudioJob {
    pub bundle: Arc<Bundle>,
    pub composition: String,
    pub overrides: ConfigOverrides,
    pub props: serde_json::Value,
    pub output: PathBuf,
    pub frame_range: Option<(u32, Option<u32>)>,
    /// Composing threads (`None`: one per core).
    pub threads: Option<usize>,
    pub codec: AudioOnlyCodec,
    /// `--audio-codec`, `--prefer-lossless` and `--audio-bitrate`, as given.
    pub audio_codec: Option<String>,
    pub prefer_lossless: bool,
    pub audio_bitrate: Option<String>,
    /// `--metadata`: the file's tags.
    pub metadata: Vec<(String, String)>,
    /// `--ffmpeg` (`None`: the one on the PATH), which decodes, mixes and encodes.
    pub ffmpeg: Option<PathBuf>,
    pub overwrite: bool,
    pub limits: Limits,
    /// Where sounds load from (the project's public folder; remote ones allowed or not).
    pub resources: ResourceOptions,
    pub progress: bool,
}

/// The result, for `--json`.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioReport {
    pub output: PathBuf,
    pub composition: String,
    pub codec: AudioOnlyCodec,
    pub audio_codec: AudioCodec,
    pub fps: f64,
    pub frames: u64,
    pub first_frame: u32,
    pub last_frame: u32,
    /// How long the sound plays: the frames' duration.
    pub duration_seconds: f64,
    /// Whether any frame played a sound (`false`: the file is silence).
    pub audible: bool,
    pub threads: usize,
    pub seconds: f64,
    pub frames_per_second: f64,
    /// CPU time this process spent (composing), and what its ffmpeg processes spent (decoding
    /// the sounds and encoding the file).
    pub cpu_seconds: f64,
    pub encoder_cpu_seconds: f64,
    pub peak_memory_bytes: u64,
    pub bytes: u64,
}

/// Render `job`'s sound into its file.
pub fn render_audio(job: AudioJob) -> Result<AudioReport> {
    let extension = job
        .output
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    if job.output.is_dir() {
        let usual = job.codec.default_audio_codec().sound_file_extensions()[0];
        bail!(
            "{} is a folder: give the sound file's name, such as {}",
            job.output.display(),
            job.output.join(format!("sound.{usual}")).display()
        );
    }
    let settings = AudioSettings::for_audio_only(
        job.codec,
        job.audio_codec.as_deref(),
        job.prefer_lossless,
        job.audio_bitrate.as_deref(),
        &extension,
    )
    .map_err(in_flags)?;
    kinema_encode::validate_metadata(&job.metadata).map_err(in_flags)?;
    for (key, _) in &job.metadata {
        if !kinema_encode::keeps_metadata_key(&job.output, key) {
            tracing::warn!(
                "--metadata {key}: {} does not keep this tag (ffmpeg writes only its format's \
                 own); an .mp3 keeps any",
                job.output.display()
            );
        }
    }
    if job.output.exists() && !job.overwrite {
        bail!(
            "{} already exists; delete it or pass --overwrite",
            job.output.display()
        );
    }
    crate::still::refuse_read_only(&job.output)?;
    let ffmpeg = job
        .ffmpeg
        .clone()
        .unwrap_or_else(|| PathBuf::from(kinema_encode::DEFAULT_FFMPEG));
    if !EncoderBackend::ffmpeg_found(&ffmpeg) {
        if let Some(given) = &job.ffmpeg {
            return Err(crate::render::ffmpeg_does_not_run(given));
        }
        bail!(
            "--codec {}: the sound is mixed and encoded by ffmpeg, which is not on the PATH \
             (apt-get install ffmpeg, or --ffmpeg PATH)",
            job.codec.name()
        );
    }

    let started = Instant::now();
    let (info, resolved, plan) = crate::render::every_frame_of(
        &job.bundle,
        job.limits,
        (&job.composition, &job.props, &job.overrides),
        job.frame_range,
    )?;
    let (first_frame, last_frame) = (plan.frame_range.start, plan.frame_range.end);

    let _interrupt = interrupt::watch();
    let temp = Removed::new(crate::render::temp_path_for(&job.output)?, Removal::File);
    // Creating it now tells a folder that cannot be written to before any frame is composed.
    std::fs::File::create(temp.path())
        .with_context(|| format!("cannot write {}", job.output.display()))?;

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = job
        .threads
        .unwrap_or(cores)
        .clamp(1, plan.frame_count as usize);
    let spans = even_spans(plan.frame_count, u32::try_from(threads).unwrap_or(u32::MAX));
    let mut workers = Workers::new(ChunkQueue::new(spans, threads, Some(SplitPolicy::local(0))));
    let composed = Arc::new(AtomicUsize::new(0));
    let heard = Arc::new(Mutex::new(Heard::default()));
    for worker in 0..threads {
        let crew = workers.crew();
        let (composed, heard) = (composed.clone(), heard.clone());
        let (bundle, resolved, props, limits) = (
            job.bundle.clone(),
            resolved.clone(),
            job.props.clone(),
            job.limits,
        );
        workers.start(format!("kinema-sound-{worker}"), move || {
            let mut at_frame = None;
            let mut heard_here = Heard::default();
            let result = (|| -> Result<()> {
                let mut engine = Engine::new(bundle, limits)?;
                engine.adopt(&resolved, &props)?;
                crew.each_frame(worker, first_frame, &mut at_frame, |frame, position| {
                    // Compose errors name the frame themselves.
                    let tree = engine.render_frame(frame)?;
                    heard_here.add(position, frame, &tree.media);
                    composed.fetch_add(1, Ordering::SeqCst);
                    Ok(())
                })
            })();
            crate::sound::keep_heard(&heard, heard_here);
            if let Err(e) = result {
                crew.fail((at_frame, e));
            }
        })?;
    }

    let bar = progress_bar(job.progress, plan.frame_count as u64, "composing");
    let outcome = workers.supervise(|| {
        if let Some(bar) = &bar {
            bar.set_position(composed.load(Ordering::SeqCst) as u64);
        }
    });
    outcome.inspect_err(|_| {
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
    })?;
    let count = composed.load(Ordering::SeqCst) as u64;
    if count != plan.frame_count as u64 {
        bail!("only {count} of {} frames were composed", plan.frame_count);
    }
    if let Some(bar) = &bar {
        bar.set_message("mixing the sound");
    }
    let heard = Arc::into_inner(heard)
        .map(|heard| heard.into_inner().unwrap_or_else(|e| e.into_inner()))
        .unwrap_or_default();
    let window = MixWindow {
        fps: info.fps,
        composition_fps: info.fps,
        first: 0,
        frames: plan.frame_count,
    };
    // Mixed as the encoder reads it: the sound is never held whole.
    let mixed = heard.mix(&ffmpeg, &job.resources, window);
    if let Some(signal) = interrupt::requested_by() {
        return Err(Interrupted(signal).into());
    }
    let mixed = mixed?;
    let audible = mixed.is_some();
    if !audible {
        tracing::warn!(
            "nothing in {} plays a sound in frames {first_frame}-{last_frame}: {} is silence",
            info.id,
            job.output.display()
        );
    }
    if let Some(bar) = &bar {
        bar.set_message(format!("encoding {}", settings.codec.name()));
    }
    let encoded = crate::sound::write_mix_or_silence(mixed, window, |sound| {
        audio::encode(&ffmpeg, sound, &settings, &job.metadata, temp.path())
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(signal) = interrupt::requested_by() {
        return Err(Interrupted(signal).into());
    }
    encoded.with_context(|| format!("cannot write {}", job.output.display()))?;
    crate::render::move_into_place(temp.path(), &job.output, job.overwrite)?;
    temp.keep();
    let seconds = started.elapsed().as_secs_f64();
    let (own, children) = (usage(Usage::Own), usage(Usage::Children));
    Ok(AudioReport {
        bytes: std::fs::metadata(&job.output).map(|m| m.len()).unwrap_or(0),
        output: job.output,
        composition: info.id,
        codec: job.codec,
        audio_codec: settings.codec,
        fps: info.fps,
        frames: count,
        first_frame,
        last_frame,
        duration_seconds: count as f64 / info.fps,
        audible,
        threads,
        seconds,
        frames_per_second: count as f64 / seconds,
        cpu_seconds: own.cpu_seconds,
        encoder_cpu_seconds: children.cpu_seconds,
        peak_memory_bytes: own.peak_bytes,
    })
}
