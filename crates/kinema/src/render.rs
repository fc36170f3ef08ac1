//! `kinema render`: a composition to a video on this machine.
//!
//! The frame range is checked by the planner the render farm uses. Each worker thread has its
//! own JavaScript engine and paint document; it takes a chunk (one per thread to start with,
//! split later where a thread would idle: see [`crate::chunk_queue`]; or the farm's chunks with
//! `--frames-per-chunk`), composes and paints its frames and feeds them to its own encoder,
//! which writes a self-contained chunk file. The chunks are then joined without re-encoding
//! into a temporary file beside the output, which is renamed into place only when complete.
//! Ctrl-C (or SIGTERM) stops the workers and removes every temporary file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use kinema_compose::{Bundle, ConfigOverrides, Engine, Limits, ResolvedComposition};
use kinema_encode::{
    AudioCodec, ChunkFile, ChunkPlan, ChunkTiming, Codec, ColorSpace, EncodeError, EncoderBackend,
    NoFfmpeg, PixelFormat, PlanError, PlanOptions, ProresProfile, VideoSettings, gif_too_fast,
    plan_chunks,
};
use kinema_paint::{BlitzRenderer, MAX_SIDE, PaintOptions};

use crate::chunk_queue::{ChunkQueue, Span, SplitPolicy, even_spans};
use crate::finishing::Finishing;
use crate::memory;
use crate::sound::{self, SoundFlags};
use crate::workers::Workers;
use kinema_farm::soundtrack::Heard;

/// Everything a render needs, resolved from the command line.
pub struct RenderJob {
    pub bundle: Arc<Bundle>,
    pub composition: String,
    /// Values in place of the composition's own (`--width` and the like, for a project).
    pub overrides: ConfigOverrides,
    pub props: serde_json::Value,
    pub output: PathBuf,
    pub frame_range: Option<(u32, Option<u32>)>,
    pub every_nth_frame: u32,
    /// Render threads, from `--concurrency` (`None`: one per core, as many as the memory
    /// available takes; see [`crate::memory`]).
    pub threads: Option<usize>,
    /// This machine's cores (what `--concurrency 50%` was taken of).
    pub cores: usize,
    /// Frames per chunk (`None`: the render farm's default planning).
    pub frames_per_chunk: Option<u32>,
    pub scale: f64,
    pub codec: Codec,
    pub crf: Option<u8>,
    pub pixel_format: Option<PixelFormat>,
    pub x264_preset: Option<String>,
    pub prores_profile: Option<ProresProfile>,
    /// Remotion's `numberOfGifLoops` (`None`: for ever).
    pub gif_loops: Option<u32>,
    pub video_bitrate: Option<String>,
    /// `--color-space`, `--encoding-max-rate`, `--encoding-buffer-size`.
    pub color_space: ColorSpace,
    pub max_rate: Option<String>,
    pub buffer_size: Option<String>,
    /// `--metadata`: the video's tags.
    pub metadata: Vec<(String, String)>,
    /// `--muted`, `--audio-codec`, `--audio-bitrate`.
    pub sound: SoundFlags,
    /// The ffmpeg asked for with `--ffmpeg` (`None`: `ffmpeg` on the PATH, or the built-in
    /// encoder for h264 when there is none).
    pub ffmpeg: Option<PathBuf>,
    pub encoder: EncoderChoice,
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
    pub codec: Codec,
    /// The soundtrack's codec (`null`: no sound, for nothing was audible, `--muted` or a GIF).
    pub audio_codec: Option<AudioCodec>,
    /// The file the sound went to instead of the video (`--separate-audio-to`).
    pub separate_audio_to: Option<PathBuf>,
    /// `ffmpeg` or `builtin`.
    pub encoder: &'static str,
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
    /// CPU time this process spent (composing, painting, converting; encoding too with the
    /// built-in encoder), and what its encoder processes spent.
    pub cpu_seconds: f64,
    pub encoder_cpu_seconds: f64,
    /// The most memory this process held (its peak resident set), and the most one of its
    /// ffmpeg processes held (0 with the built-in encoder): a render on N threads runs N
    /// encoders at once, so it held up to about `peak + N × encoder peak`.
    pub peak_memory_bytes: u64,
    pub encoder_peak_memory_bytes: u64,
    pub bytes: u64,
}

/// Which encoder `--encoder` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncoderChoice {
    /// ffmpeg when it runs, otherwise the built-in H.264 encoder.
    Auto,
    Ffmpeg,
    Builtin,
}

impl EncoderChoice {
    pub fn parse(text: &str) -> Result<EncoderChoice> {
        match text {
            "auto" => Ok(EncoderChoice::Auto),
            "ffmpeg" => Ok(EncoderChoice::Ffmpeg),
            "builtin" => Ok(EncoderChoice::Builtin),
            other => bail!("--encoder {other}: choose auto, ffmpeg or builtin"),
        }
    }

    /// The encoder to use, checking that ffmpeg runs when it is needed (`given`: the
    /// `--ffmpeg` path, if any; see [`EncoderBackend::choose`] for when `auto` falls back).
    fn resolve(self, given: Option<&Path>, codec: Codec) -> Result<EncoderBackend> {
        let chosen = match self {
            EncoderChoice::Builtin => {
                if let Some(path) = given {
                    tracing::warn!(
                        "--ffmpeg {} is not used: --encoder builtin encodes without ffmpeg",
                        path.display()
                    );
                }
                return Ok(EncoderBackend::Builtin);
            }
            EncoderChoice::Auto => EncoderBackend::choose(given, codec).inspect(|backend| {
                if *backend == EncoderBackend::Builtin {
                    tracing::warn!("{}", kinema_encode::FALLBACK_WARNING);
                }
            }),
            // No fallback when ffmpeg was asked for.
            EncoderChoice::Ffmpeg => match EncoderBackend::choose(given, codec) {
                Ok(EncoderBackend::Builtin) => Err(NoFfmpeg::Missing { codec }),
                other => other,
            },
        };
        chosen.map_err(|no_ffmpeg| match &no_ffmpeg {
            NoFfmpeg::GivenDoesNotRun(path) => ffmpeg_does_not_run(path),
            NoFfmpeg::Missing { codec } => anyhow::anyhow!(
                "{no_ffmpeg}: install it (apt-get install ffmpeg) or pass its path with \
                 --ffmpeg{}",
                if *codec == Codec::H264 {
                    "; --encoder builtin renders H.264 without it"
                } else {
                    ""
                }
            ),
        })
    }
}

/// The codec the extension of `output` picks when `--codec` is not given, as Remotion's CLI
/// picks it ([`Codec::for_extension`]), except that a `.mov` written without ffmpeg (the
/// built-in encoder asked for, or ffmpeg missing) is H.264, which that encoder writes, rather
/// than ProRes, which it cannot.
pub(crate) fn codec_for_output(
    output: &Path,
    encoder: EncoderChoice,
    ffmpeg: Option<&Path>,
) -> Codec {
    let extension = output.extension().map(|e| e.to_string_lossy());
    let mut codec = Codec::for_extension(extension.as_deref().unwrap_or(""));
    let without_ffmpeg = match encoder {
        EncoderChoice::Builtin => true,
        EncoderChoice::Auto => {
            !EncoderBackend::ffmpeg_found(ffmpeg.unwrap_or(kinema_encode::DEFAULT_FFMPEG.as_ref()))
        }
        EncoderChoice::Ffmpeg => false,
    };
    if without_ffmpeg && codec == Codec::Prores {
        codec = Codec::H264;
    }
    if codec != Codec::H264 {
        tracing::info!(
            "the .{} extension picks {} (--codec chooses another)",
            extension.unwrap_or_default(),
            codec.name()
        );
    }
    codec
}

/// Rename the finished video to `output`. Without `overwrite` a file that appeared there while
/// rendering (another render of the same name) is kept and this one is an error: the check
/// before rendering alone would let the later render replace it.
pub(crate) fn move_into_place(temp: &Path, output: &Path, overwrite: bool) -> Result<()> {
    let context = || format!("cannot move the video into {}", output.display());
    if overwrite {
        return std::fs::rename(temp, output).with_context(context);
    }
    // The finished video is kept under a name of its own rather than thrown away.
    let appeared = || {
        let stem = output.file_stem().unwrap_or_default().to_string_lossy();
        let extension = output.extension().unwrap_or_default().to_string_lossy();
        let kept = output.with_file_name(format!("{stem}.{}.{extension}", std::process::id()));
        let saved = match std::fs::rename(temp, &kept) {
            Ok(()) => format!("this render was saved as {}", kept.display()),
            Err(e) => format!("this render could not be kept ({e})"),
        };
        anyhow::anyhow!(
            "{} appeared while rendering (another render?) and was kept; {saved}; delete one \
             or pass --overwrite",
            output.display()
        )
    };
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let c_path = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes());
        if let (Ok(from), Ok(to)) = (c_path(temp), c_path(output)) {
            // SAFETY: two valid NUL-terminated paths; renameat2 only reads them.
            let result = unsafe {
                libc::renameat2(
                    libc::AT_FDCWD,
                    from.as_ptr(),
                    libc::AT_FDCWD,
                    to.as_ptr(),
                    libc::RENAME_NOREPLACE,
                )
            };
            if result == 0 {
                return Ok(());
            }
            let error = std::io::Error::last_os_error();
            match error.raw_os_error() {
                Some(libc::EEXIST) => return Err(appeared()),
                // A file system without RENAME_NOREPLACE: a hard link also refuses to replace.
                Some(libc::EINVAL | libc::ENOSYS) => {}
                _ => return Err(error).with_context(context),
            }
        }
    }
    match std::fs::hard_link(temp, output) {
        Ok(()) => {
            let _ = std::fs::remove_file(temp);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(appeared()),
        // No hard links either (FAT, some network file systems): the check before rendering.
        Err(_) if output.exists() => Err(appeared()),
        Err(_) => std::fs::rename(temp, output).with_context(context),
    }
}

/// An encoder setting's error in the command line's words: the flag, not the field the
/// library and the farm name (`--pixel-format: …`, not `invalid encoder setting pixelFormat`).
pub(crate) fn in_flags(error: EncodeError) -> anyhow::Error {
    in_flags_for(error, None)
}

/// [`in_flags`], for a render of `codec` (which some advice depends on).
fn in_flags_for(error: EncodeError, codec: Option<Codec>) -> anyhow::Error {
    let EncodeError::Setting { field, reason } = &error else {
        return error.into();
    };
    let flag = match *field {
        "codec" => "--codec",
        "pixelFormat" => "--pixel-format",
        "x264Preset" => "--x264-preset",
        "proResProfile" => "--prores-profile",
        "numberOfGifLoops" => "--number-of-gif-loops",
        "videoBitrate" => "--video-bitrate",
        "colorSpace" => "--color-space",
        "encodingMaxRate" => "--encoding-max-rate",
        "encodingBufferSize" => "--encoding-buffer-size",
        "metadata" => "--metadata",
        "audioCodec" => "--audio-codec",
        "preferLossless" => "--prefer-lossless",
        "audioBitrate" => "--audio-bitrate",
        // The library names both by their API names (as the farm's payloads spell them).
        "crf" if reason.contains("videoBitrate") => {
            return anyhow::anyhow!(
                "--crf and --video-bitrate cannot both be given: one sets the quality, the other \
                 the bitrate"
            );
        }
        "crf" => "--crf",
        "size" if reason.contains("needs an even") => {
            return anyhow::anyhow!("the video is {reason}: {}", odd_size_advice(codec));
        }
        "size" => return anyhow::anyhow!("the video's size: {reason}"),
        "output" => return anyhow::anyhow!("{reason}"),
        _ => return error.into(),
    };
    // Reasons that name another setting name it as a flag too.
    let reason = reason
        .replace("encodingBufferSize", "--encoding-buffer-size")
        .replace("encodingMaxRate", "--encoding-max-rate")
        .replace("below videoBitrate", "below --video-bitrate")
        .replace("(videoBitrate)", "(--video-bitrate)");
    anyhow::anyhow!("{flag}: {reason}")
}

/// How to get a video of odd size through `codec`: an even size, or a pixel format without
/// chroma subsampling where the codec has one.
fn odd_size_advice(codec: Option<Codec>) -> String {
    let even = "change the composition's size or --scale to even numbers";
    let whole: Vec<&str> = codec
        .map(|c| c.pixel_formats())
        .unwrap_or_default()
        .iter()
        .filter(|f| !f.halves_width() && !f.halves_height())
        .map(|f| f.name())
        .collect();
    match whole.as_slice() {
        [] => even.to_string(),
        [first, ..] => format!(
            "{even}, or use --pixel-format {first} (no chroma subsampling; through ffmpeg, not \
             the built-in encoder)"
        ),
    }
}

/// The error for an `--ffmpeg` path that does not lead to a program.
pub(crate) fn ffmpeg_does_not_run(path: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "--ffmpeg {} does not run: give the path of an ffmpeg program, or leave --ffmpeg out to \
         use the one on the PATH",
        path.display()
    )
}

/// Frames composed in a row before they are painted: the JavaScript engine's working set
/// stays in cache from one frame to the next instead of being evicted by painting each time
/// (composing costs about a third less this way). Trees are small; a few frames of imbalance
/// between threads at the end of a render cost nothing noticeable.
const COMPOSE_AHEAD: usize = 8;

/// Remove the temporaries a render of `name` into `dir` left when it was killed outright
/// (`kill -9`, the kernel's out-of-memory killer), which no handler could clean up: those of
/// processes that no longer run on this machine. A render of the same name still running here
/// keeps its own (one on another machine sharing the folder cannot be seen).
pub(crate) fn remove_stale_temporaries(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // Outputs whose names are too long for a suffix share the short form.
    let prefixes = [format!(".{name}."), ".kinema.".to_string()];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(rest) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        let Some((pid, suffix)) = rest.split_once('.') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !suffix.starts_with("partial.") || pid == std::process::id() || process_runs(pid) {
            continue;
        }
        let path = entry.path();
        tracing::info!(
            "removing {}, left by a render that was killed",
            path.display()
        );
        let _ = match path.is_dir() {
            true => std::fs::remove_dir_all(&path),
            false => std::fs::remove_file(&path),
        };
    }
}

/// Whether process `pid` exists (a signal 0 reaches it, or it is someone else's).
fn process_runs(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

pub(crate) fn temp_path_for(output: &Path) -> Result<PathBuf> {
    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // As Remotion does: `out/video.mp4` needs no `mkdir out` first.
    if !dir.is_dir() {
        if let Some(file) = dir.ancestors().find(|a| a.is_file()) {
            bail!(
                "cannot write {}: {} is a file, not a folder",
                output.display(),
                file.display()
            );
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let name = output
        .file_name()
        .with_context(|| format!("{} is not a file name", output.display()))?
        .to_string_lossy();
    let ext = output
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_else(|| "mp4".into());
    let pid = std::process::id();
    remove_stale_temporaries(&dir, &name);
    let temp = format!(".{name}.{pid}.partial.{ext}");
    // A file name holds at most 255 bytes (ext4, XFS, Btrfs): a long output name's temporaries
    // (the file, and the chunks' folder named after it) get a short one.
    let longest = temp.len() - ext.len() + "chunks".len().max(ext.len());
    let temp = if longest > 255 {
        format!(".kinema.{pid}.partial.{ext}")
    } else {
        temp
    };
    Ok(dir.join(temp))
}

pub fn render(job: RenderJob) -> Result<RenderReport> {
    if job.every_nth_frame > 1 && job.codec != Codec::Gif {
        bail!(
            "--every-nth-frame only applies to gif (it lowers the GIF's frame rate); {} renders \
             every frame",
            job.codec.name()
        );
    }
    if job.output.is_dir() {
        bail!(
            "{} is a folder: give the video's file name, such as {}",
            job.output.display(),
            job.output
                .join(format!("video.{}", job.codec.extensions()[0]))
                .display()
        );
    }
    if job.output.exists() && !job.overwrite {
        bail!(
            "{} already exists; delete it or pass --overwrite",
            job.output.display()
        );
    }
    crate::still::refuse_read_only(&job.output)?;
    if let Some(separate) = &job.sound.separate {
        if separate.is_dir() {
            bail!(
                "--separate-audio-to {} is a folder: give the sound file's name",
                separate.display()
            );
        }
        if separate.exists() && !job.overwrite {
            bail!(
                "--separate-audio-to {} already exists; delete it or pass --overwrite",
                separate.display()
            );
        }
        crate::still::refuse_read_only(separate)?;
    }
    let started = Instant::now();
    // calculateMetadata runs here, once; the render threads adopt what it resolved.
    let mut engine = Engine::new(job.bundle.clone(), job.limits)?;
    let (info, resolved) = engine.resolve(&job.composition, &job.props, &job.overrides)?;
    let resolved = Arc::new(resolved);
    drop(engine);
    let plan_with = |frames_per_chunk, concurrency| {
        plan_chunks(
            info.duration_in_frames,
            &PlanOptions {
                frame_range: job.frame_range,
                every_nth_frame: job.every_nth_frame,
                frames_per_chunk,
                concurrency,
            },
        )
    };
    let plan = plan_with(job.frames_per_chunk, None).map_err(|e| {
        let flag = match e {
            PlanError::FramesPerChunkTooSmall { .. } | PlanError::TooManyChunks { .. } => {
                "--frames-per-chunk"
            }
            PlanError::EveryNthFrame(_) => "--every-nth-frame",
            _ => "--frames",
        };
        anyhow::Error::new(e).context(format!("invalid {flag}"))
    })?;
    let width = (info.width as f64 * job.scale).round() as u32;
    let height = (info.height as f64 * job.scale).round() as u32;
    // Every Nth frame is kept, so the video plays N times slower per frame.
    let fps = info.fps / job.every_nth_frame as f64;
    let mut settings = VideoSettings {
        codec: job.codec,
        width,
        height,
        fps,
        crf: job.crf,
        x264_preset: job.x264_preset.clone(),
        video_bitrate: job.video_bitrate.clone(),
        pixel_format: job.pixel_format,
        encoder_threads: None,
        prores_profile: job.prores_profile,
        gif_loops: job.gif_loops,
        color_space: job.color_space,
        max_rate: job.max_rate.clone(),
        buffer_size: job.buffer_size.clone(),
        metadata: job.metadata.clone(),
    };
    if width == 0 || height == 0 {
        bail!(
            "--scale {} makes the {}x{} composition {width}x{height}",
            job.scale,
            info.width,
            info.height
        );
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        // The largest scale that fits, in hundredths (as a user would type it).
        let fits = (f64::from(MAX_SIDE) / f64::from(info.width.max(info.height)) * 100.0).floor();
        let scale_hint = match fits >= 1.0 {
            true => format!("--scale {} at most fits", fits / 100.0),
            false => "no --scale fits".into(),
        };
        if job.scale == 1.0 {
            bail!(
                "the composition is {width}x{height}, and each side of a video can be at most \
                 {MAX_SIDE} pixels: make it smaller (--width and --height); \
                 {scale_hint}"
            );
        }
        bail!(
            "--scale {} makes the {}x{} composition {width}x{height}, and each side of a video \
             can be at most {MAX_SIDE} pixels; {scale_hint}",
            job.scale,
            info.width,
            info.height,
        );
    }
    if job.codec == Codec::Gif
        && let Some(why) = gif_too_fast(info.fps, job.every_nth_frame, "--every-nth-frame")
    {
        bail!(why);
    }
    if let Err(error) = settings.validate() {
        let about_fps = matches!(&error, EncodeError::Setting { field: "fps", .. });
        let error = in_flags_for(error, Some(job.codec));
        return Err(match (about_fps, job.every_nth_frame) {
            (false, _) => error,
            (true, 1) => error.context(format!("the composition plays at {fps} fps")),
            (true, n) => error.context(format!(
                "the composition's {} fps, every {n} frames, plays at {fps} fps",
                info.fps
            )),
        });
    }
    let backend = job.encoder.resolve(job.ffmpeg.as_deref(), job.codec)?;
    backend.check(&settings, &job.output).map_err(|e| {
        let error = in_flags_for(e, Some(job.codec));
        // The built-in encoder was not asked for: say why it is the one refusing.
        match (job.encoder, &backend) {
            (EncoderChoice::Auto, EncoderBackend::Builtin) => error.context(
                "ffmpeg is not on the PATH, so the built-in encoder was to write this video \
                 (apt-get install ffmpeg, or --ffmpeg PATH)",
            ),
            _ => error,
        }
    })?;
    for (key, _) in &settings.metadata {
        if !kinema_encode::keeps_metadata_key(&job.output, key) {
            tracing::warn!(
                "--metadata {key}: {} does not keep this tag (ffmpeg writes only its format's \
                 own, and its own encoder); a .mkv keeps any",
                job.output.display()
            );
        }
    }
    let sound = sound::plan(
        &job.sound,
        job.codec,
        &job.output,
        &backend,
        job.ffmpeg.as_deref(),
    )?;
    // Each thread's record of the audible elements, merged when it ends.
    let heard = sound
        .as_ref()
        .map(|_| Arc::new(Mutex::new(Heard::default())));
    // With --frames-per-chunk the chunks are the farm's, kept as planned; otherwise one chunk
    // per thread to start with, split while rendering where a thread would otherwise idle.
    let planned = job.frames_per_chunk.map(|_| planned_spans(&plan));
    let most_chunks = planned.as_ref().map_or(plan.frame_count as usize, Vec::len);
    let threads = memory::choose_threads(job.threads, job.cores, most_chunks, &backend, &settings);
    let (spans, split_on_demand) = match planned {
        Some(spans) => (spans, false),
        None => (
            even_spans(
                plan.frame_count,
                u32::try_from(threads.render).unwrap_or(u32::MAX),
            ),
            true,
        ),
    };
    settings.encoder_threads = threads.encoder;
    let threads = threads.render.clamp(1, spans.len());
    let chunk_extension = backend.chunk_extension(job.codec);
    let split = split_on_demand.then(|| SplitPolicy::local(backend.lag_frames(&settings)));

    // From here on Ctrl-C only asks the render to stop, so the guards below can clean up.
    let _interrupt = interrupt::watch();
    let temp = Removed::new(temp_path_for(&job.output)?, Removal::File);
    let temp_path = temp.path().to_path_buf();
    // Creating the temporary output now tells a folder that cannot be written to (read-only,
    // not ours) before any frame is rendered; the encoder or the join writes over it.
    std::fs::File::create(&temp_path)
        .with_context(|| format!("cannot write {}", job.output.display()))?;
    // So does the sound's of --separate-audio-to, beside its own file.
    let separate = match sound.as_ref().and_then(|s| s.separate.clone()) {
        Some(file) => {
            let temp = Removed::new(temp_path_for(&file)?, Removal::File);
            std::fs::File::create(temp.path())
                .with_context(|| format!("cannot write {}", file.display()))?;
            Some((temp, file))
        }
        None => None,
    };
    let chunk_dir = Removed::new(temp_path.with_extension("chunks"), Removal::Tree);
    std::fs::create_dir_all(chunk_dir.path())
        .with_context(|| format!("cannot create {}", chunk_dir.path().display()))?;

    // One thread with one chunk (nothing can split it) encodes straight into the output: no
    // chunk file, no joining. Not GIFs, whose palette is made when the chunks are joined.
    let direct =
        (threads == 1 && spans.len() == 1 && job.codec != Codec::Gif).then(|| temp_path.clone());
    let mut workers = Workers::new(ChunkQueue::new(spans, threads, split));
    let (first_frame, nth) = (plan.frame_range.start, plan.every_nth_frame);
    let rendered = Arc::new(AtomicUsize::new(0));
    // Each encoder's count of frames encoded, summed for the progress bar.
    let encoded = Arc::new(Mutex::new(Vec::<Arc<AtomicU64>>::new()));
    // Each encoder's peak memory, for the report.
    let peaks = Arc::new(Mutex::new(Vec::<Arc<AtomicU64>>::new()));
    for worker in 0..threads {
        let heard = heard.clone();
        let crew = workers.crew();
        let (rendered, encoded, peaks) = (rendered.clone(), encoded.clone(), peaks.clone());
        let (bundle, resolved, props, limits) = (
            job.bundle.clone(),
            resolved.clone(),
            job.props.clone(),
            job.limits,
        );
        let (settings, backend, dir, direct) = (
            settings.clone(),
            backend.clone(),
            chunk_dir.path().to_path_buf(),
            direct.clone(),
        );
        let mut paint = job.paint.clone();
        paint.scale = job.scale;
        // Frames go to a video encoder, which takes premultiplied pixels as they are.
        paint.premultiplied = true;
        workers.start(format!("kinema-render-{worker}"), move || {
            // Encoders still flushing chunks this thread has rendered.
            let mut finishing = Finishing::default();
            // The frame being composed, painted and encoded.
            let mut at_frame = None;
            let mut heard_here = Heard::default();
            let result = (|| -> Result<()> {
                let mut engine = Engine::new(bundle, limits)?;
                engine.adopt(&resolved, &props)?;
                let mut renderer = BlitzRenderer::new(paint)?;
                while let Some(span) = crew.queue.take(worker) {
                    // After a frame failed, a chunk that starts past it is not begun.
                    // One that starts before it is (it may be the rest of a chunk split
                    // off from a thread that was there): its frames past the failure
                    // are cut off below.
                    if crew.past_failure(first_frame + span.first * nth) {
                        break;
                    }
                    let timing = ChunkTiming {
                        first_frame: span.first as u64,
                    };
                    // The previous chunk's flush has run while this one was
                    // claimed; its encoder's memory goes before another's comes.
                    finishing.wait()?;
                    if crew.stopped() {
                        break;
                    }
                    let mut encoder = match &direct {
                        Some(output) => backend.start(settings.clone(), output)?,
                        None => backend.start_chunk(
                            settings.clone(),
                            &chunk_path(&dir, span.first, chunk_extension),
                            timing,
                        )?,
                    };
                    encoded
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(encoder.encoded());
                    peaks
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(encoder.peak_memory());
                    let mut composed = std::collections::VecDeque::new();
                    loop {
                        if crew.stopped() {
                            encoder.abort();
                            return Ok(());
                        }
                        if composed.is_empty() {
                            while composed.len() < COMPOSE_AHEAD {
                                let Some(position) = crew.queue.next_frame(worker) else {
                                    break;
                                };
                                let frame = first_frame + position * nth;
                                let tree = engine.render_frame(frame);
                                let failed = tree.is_err();
                                composed.push_back((frame, tree));
                                if failed {
                                    break;
                                }
                            }
                        }
                        let Some((frame, tree)) = composed.pop_front() else {
                            break;
                        };
                        // A thread whose chunk is at frames before one that failed goes
                        // on: an earlier frame may fail too, and the earliest is the
                        // one to report (it is the one to fix first).
                        if crew.past_failure(frame) {
                            encoder.abort();
                            return Ok(());
                        }
                        at_frame = Some(frame);
                        // Compose and paint errors name the frame themselves.
                        let tree = tree?;
                        if heard.is_some() {
                            heard_here.add((frame - first_frame) / nth, frame, &tree.media);
                        }
                        let image = renderer
                            .paint(&tree)
                            .with_context(|| format!("cannot paint {}", resolved.id))?;
                        encoder
                            .write(image.for_encoder())
                            .with_context(|| format!("cannot encode frame {frame}"))?;
                        rendered.fetch_add(1, Ordering::SeqCst);
                        at_frame = None;
                    }
                    // x264 still holds its lookahead (~40 frames at medium) when
                    // the last frame is written. Flushing it in the background lets
                    // this thread claim frames from a longer chunk at once, so the
                    // last chunks' flushes overlap instead of one core idling.
                    let rendered_span = crew.queue.finish(worker).unwrap_or(span);
                    finishing.start(encoder, rendered_span)?;
                }
                Ok(())
            })();
            // Also after a failure: no encoder outlives the render.
            let result = result.and(finishing.wait());
            if let Some(heard) = &heard {
                sound::keep_heard(heard, heard_here);
            }
            if let Err(e) = result {
                crew.fail((at_frame, e));
            }
        })?;
    }

    let queue = workers.crew().queue;
    let bar = progress_bar(job.progress, plan.frame_count as u64, "0 encoded");
    let outcome = workers.supervise(|| {
        if let Some(bar) = &bar {
            let frames_rendered = rendered.load(Ordering::SeqCst) as u64;
            bar.set_position(frames_rendered);
            let frames_encoded: u64 = encoded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .map(|count| count.load(Ordering::Relaxed))
                .sum::<u64>()
                // Read after `rendered`: a frame counted since must not show as encoded first.
                .min(frames_rendered);
            bar.set_message(format!(
                "{frames_encoded} encoded, {:.1} fps",
                bar.per_sec()
            ));
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Err(e) = outcome {
        // An encoder's error names the temporary file it was writing: say which video.
        return Err(if e.chain().any(|cause| cause.is::<EncodeError>()) {
            e.context(format!("cannot write {}", job.output.display()))
        } else {
            e
        });
    }
    let count = rendered.load(Ordering::SeqCst) as u64;
    if count != plan.frame_count as u64 {
        bail!("only {count} of {} frames were rendered", plan.frame_count);
    }
    let spans = Arc::into_inner(queue)
        .and_then(|queue| queue.into_finished(plan.frame_count))
        .context("the encoded chunks do not cover the render's frames")?;
    let chunks: Vec<ChunkFile> = spans
        .iter()
        .map(|span| ChunkFile {
            path: chunk_path(chunk_dir.path(), span.first, chunk_extension),
            frames: span.len() as u64,
        })
        .collect();
    if let Some(bar) = &bar {
        bar.set_message("joining chunks");
    }
    let stitched = match direct {
        Some(_) => Ok(()),
        None => backend.stitch(&settings, &chunks, &temp_path),
    };
    if let Some(signal) = interrupt::requested_by() {
        return Err(Interrupted(signal).into());
    }
    stitched.with_context(|| format!("cannot write {}", job.output.display()))?;
    let audio_codec = match (&sound, heard) {
        (Some(sound), Some(heard)) => {
            if let Some(bar) = &bar {
                bar.set_message("mixing the sound");
            }
            let heard = Arc::into_inner(heard)
                .map(|heard| heard.into_inner().unwrap_or_else(|e| e.into_inner()))
                .unwrap_or_default();
            let window = kinema_encode::audio::MixWindow {
                fps,
                composition_fps: info.fps,
                first: 0,
                frames: plan.frame_count,
            };
            let (added, written) = match &separate {
                Some((temp, file)) => (
                    sound::write_separate(sound, heard, &job.paint.resources, window, temp.path())
                        .map(Some),
                    file,
                ),
                None => (
                    sound::add_to_video(
                        sound,
                        heard,
                        &job.paint.resources,
                        window,
                        &temp_path,
                        chunk_dir.path(),
                    ),
                    &job.output,
                ),
            };
            if let Some(signal) = interrupt::requested_by() {
                return Err(Interrupted(signal).into());
            }
            added.with_context(|| format!("cannot write {}", written.display()))?
        }
        _ => None,
    };
    // The sound goes first: should the video then fail to move, a sound file this render
    // added is taken away again, and nothing is left half done.
    let moved_sound = match separate {
        Some((sound_temp, file)) => {
            let existed = std::fs::symlink_metadata(&file).is_ok();
            move_into_place(sound_temp.path(), &file, job.overwrite)?;
            sound_temp.keep();
            (!existed).then_some(file)
        }
        None => None,
    };
    if let Err(e) = move_into_place(&temp_path, &job.output, job.overwrite) {
        if let Some(file) = moved_sound {
            let _ = std::fs::remove_file(file);
        }
        return Err(e);
    }
    temp.keep();
    let seconds = started.elapsed().as_secs_f64();
    let (own, children) = (usage(Usage::Own), usage(Usage::Children));
    let encoder_peak = peaks
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|peak| peak.load(Ordering::Relaxed))
        .max()
        .unwrap_or(0);
    Ok(RenderReport {
        bytes: std::fs::metadata(&job.output).map(|m| m.len()).unwrap_or(0),
        output: job.output,
        composition: info.id,
        codec: job.codec,
        audio_codec,
        separate_audio_to: job.sound.separate.clone(),
        encoder: backend.name(),
        width,
        height,
        fps,
        frames: count,
        first_frame: plan.frame_range.start,
        // The last frame rendered (with every Nth frame kept, the range's end may be skipped).
        last_frame: plan.frame_range.start
            + plan.frame_count.saturating_sub(1) * plan.every_nth_frame,
        chunks: chunks.len(),
        threads,
        seconds,
        frames_per_second: count as f64 / seconds,
        cpu_seconds: own.cpu_seconds,
        encoder_cpu_seconds: children.cpu_seconds,
        peak_memory_bytes: own.peak_bytes,
        encoder_peak_memory_bytes: encoder_peak,
    })
}

/// The composition a render selects (resolved once, for its threads to adopt), and the plan of
/// its frames in `frame_range` (`--frames`), every one of them: what an image sequence and the
/// sound alone render.
pub(crate) fn every_frame_of(
    bundle: &Arc<Bundle>,
    limits: Limits,
    (composition, props, overrides): (&str, &serde_json::Value, &ConfigOverrides),
    frame_range: Option<(u32, Option<u32>)>,
) -> Result<(
    kinema_compose::CompositionInfo,
    Arc<ResolvedComposition>,
    ChunkPlan,
)> {
    let mut engine = Engine::new(bundle.clone(), limits)?;
    let (info, resolved) = engine.resolve(composition, props, overrides)?;
    let plan = plan_chunks(
        info.duration_in_frames,
        &PlanOptions {
            frame_range,
            every_nth_frame: 1,
            frames_per_chunk: None,
            concurrency: None,
        },
    )
    .map_err(|e: PlanError| match e {
        PlanError::EmptyComposition => anyhow::Error::new(e),
        _ => anyhow::Error::new(e).context("invalid --frames"),
    })?;
    Ok((info, Arc::new(resolved), plan))
}

/// The farm's chunks as runs of the render's frames (see [`chunk_queue`](crate::chunk_queue)).
fn planned_spans(plan: &ChunkPlan) -> Vec<Span> {
    let (start, n) = (plan.frame_range.start, plan.every_nth_frame);
    plan.chunks
        .iter()
        .map(|chunk| Span {
            first: (chunk.start - start).div_ceil(n),
            last: (chunk.end - start) / n,
        })
        .collect()
}

pub(crate) enum Usage {
    Own,
    Children,
}

/// What a process used, as the kernel counts it.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Used {
    /// User plus system CPU time.
    pub cpu_seconds: f64,
    /// The largest resident set: this process's. (For children the kernel's figure starts
    /// from this process's memory when they were spawned, so encoders report their own.)
    pub peak_bytes: u64,
}

/// What this process used, or its children that have been waited for (the ffmpeg encoders,
/// and the one that joined the chunks); zero where unknown.
pub(crate) fn usage(usage: Usage) -> Used {
    let who = match usage {
        Usage::Own => libc::RUSAGE_SELF,
        Usage::Children => libc::RUSAGE_CHILDREN,
    };
    // SAFETY: a zeroed rusage is a valid value, and getrusage only writes the struct it is
    // given.
    let mut data: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(who, &mut data) } != 0 {
        return Used::default();
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Used {
        cpu_seconds: seconds(data.ru_utime) + seconds(data.ru_stime),
        // Linux counts it in kilobytes.
        peak_bytes: u64::try_from(data.ru_maxrss)
            .unwrap_or(0)
            .saturating_mul(1024),
    }
}

/// A render stopped by a signal; the command exits with 128 + the signal's number, as a
/// shell reports a program the signal killed.
#[derive(Debug)]
pub struct Interrupted(pub i32);

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted; the partial output was removed")
    }
}

impl std::error::Error for Interrupted {}

fn chunk_path(dir: &Path, first: u32, extension: &str) -> PathBuf {
    dir.join(format!("chunk-{first:06}.{extension}"))
}

/// Ctrl-C, SIGTERM and SIGHUP (the terminal closed) during a render: the handler only notes
/// the signal; the render loop sees it, stops the workers and lets the temporary files' guards
/// delete them.
pub(crate) mod interrupt {
    use std::sync::atomic::{AtomicI32, Ordering};

    /// The signal received, 0 for none.
    static RECEIVED: AtomicI32 = AtomicI32::new(0);

    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    extern "C" fn on_signal(signal: libc::c_int) {
        RECEIVED.store(signal, Ordering::SeqCst);
    }

    /// Puts the handlers that were there back when dropped.
    pub struct Watch {
        previous: Vec<(libc::c_int, libc::sighandler_t)>,
    }

    pub fn watch() -> Watch {
        RECEIVED.store(0, Ordering::SeqCst);
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        let mut previous = Vec::new();
        for signal in SIGNALS {
            // SAFETY: an all-zero sigaction is a valid value to be overwritten; reading the
            // current disposition (a null new action) changes nothing.
            let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
            unsafe { libc::sigaction(signal, std::ptr::null(), &mut current) };
            if current.sa_sigaction == libc::SIG_IGN {
                // An ignored signal stays ignored: `nohup kinema render …` must outlive the
                // terminal it was started from.
                continue;
            }
            // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
            let before = unsafe { libc::signal(signal, handler) };
            previous.push((signal, before));
        }
        Watch { previous }
    }

    pub fn requested() -> bool {
        requested_by().is_some()
    }

    /// The signal that asked the render to stop, if one did.
    pub fn requested_by() -> Option<i32> {
        Some(RECEIVED.load(Ordering::SeqCst)).filter(|&s| s != 0)
    }

    impl Drop for Watch {
        fn drop(&mut self) {
            for &(signal, handler) in &self.previous {
                // SAFETY: restoring the disposition found before the render.
                unsafe { libc::signal(signal, handler) };
            }
        }
    }
}

/// How a [`Removed`] path goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Removal {
    /// A file.
    File,
    /// A folder with everything in it.
    Tree,
    /// A folder, only if it is empty.
    IfEmpty,
}

/// A temporary path removed when dropped, unless kept.
pub(crate) struct Removed {
    path: Option<PathBuf>,
    how: Removal,
}

impl Removed {
    pub fn new(path: PathBuf, how: Removal) -> Removed {
        Removed {
            path: Some(path),
            how,
        }
    }

    pub fn path(&self) -> &Path {
        self.path.as_deref().expect("present until kept or dropped")
    }

    /// Leave the path where it is.
    pub fn keep(mut self) {
        self.path = None;
    }
}

impl Drop for Removed {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = match self.how {
                Removal::File => std::fs::remove_file(path),
                Removal::Tree => std::fs::remove_dir_all(path),
                Removal::IfEmpty => std::fs::remove_dir(path),
            };
        }
    }
}

pub(crate) fn progress_bar(
    enabled: bool,
    frames: u64,
    first_message: &str,
) -> Option<indicatif::ProgressBar> {
    if !enabled {
        return None;
    }
    let bar = indicatif::ProgressBar::new(frames);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{bar:32}] {pos}/{len} frames rendered, {msg}, ETA {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    // The first draw comes before any count is in.
    bar.set_message(first_message.to_string());
    Some(bar)
}

/// Parse `--frames`: `N`, `A-B` or `A-` (to the end).
pub fn parse_frame_range(text: &str) -> Result<(u32, Option<u32>)> {
    let forms = "frames count from 0; give one frame (10), a range (0-29) or a start (30-)";
    let number = |s: &str| -> Result<u32> {
        if s.trim().is_empty() {
            bail!("--frames {text}: {forms}");
        }
        s.trim()
            .parse()
            .with_context(|| format!("--frames {text}: \"{s}\" is not a frame number; {forms}"))
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
    fn without_overwrite_a_file_that_appeared_meanwhile_is_kept() {
        let dir = std::env::temp_dir().join(format!("kinema-move-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (temp, output) = (dir.join(".out.partial.mp4"), dir.join("out.mp4"));
        std::fs::write(&temp, "new").unwrap();
        std::fs::write(&output, "theirs").unwrap();
        let err = move_into_place(&temp, &output, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("appeared while rendering"), "{err}");
        assert_eq!(std::fs::read_to_string(&output).unwrap(), "theirs");
        // The finished render is not thrown away.
        let kept = dir.join(format!("out.{}.mp4", std::process::id()));
        assert!(err.contains(&kept.display().to_string()), "{err}");
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "new");
        std::fs::rename(&kept, &temp).unwrap();
        move_into_place(&temp, &output, true).unwrap();
        assert_eq!(std::fs::read_to_string(&output).unwrap(), "new");
        std::fs::write(&temp, "newer").unwrap();
        let fresh = dir.join("fresh.mp4");
        move_into_place(&temp, &fresh, false).unwrap();
        assert_eq!(std::fs::read_to_string(&fresh).unwrap(), "newer");
        assert!(!temp.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn odd_sizes_are_advised_only_formats_the_codec_has() {
        assert!(odd_size_advice(Some(Codec::H264)).contains("--pixel-format yuv444p "));
        assert!(odd_size_advice(Some(Codec::Prores)).contains("--pixel-format yuv444p10le "));
        // VP8 has no format without chroma subsampling.
        assert!(!odd_size_advice(Some(Codec::Vp8)).contains("--pixel-format"));
    }

    #[test]
    fn temporary_names_fit_a_file_system_whatever_the_output_name() {
        for length in 200..=251 {
            for extension in ["mp4", "webm"] {
                let output = PathBuf::from(format!("/tmp/{}.{extension}", "x".repeat(length)));
                let temp = temp_path_for(&output).unwrap();
                for derived in [temp.clone(), temp.with_extension("chunks")] {
                    let name = derived.file_name().unwrap().len();
                    assert!(name <= 255, "{length}: {} bytes", name);
                }
            }
        }
    }

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
        for negative in ["-5", "-1", "5--1"] {
            let text = parse_frame_range(negative).unwrap_err().to_string();
            assert!(text.contains("frames count from 0"), "{negative}: {text}");
        }
    }
}
