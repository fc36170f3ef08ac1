//! Command-line interface.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use kinema_compose::{CompositionKind, Engine, Limits};

use std::time::Instant;

use kinema_encode::memory::in_megabytes;
use kinema_encode::{ColorSpace, ProresProfile};
use kinema_paint::{BlitzRenderer, FrameRenderer, PaintOptions};

use crate::audio_only;
use crate::input::{CodeOptions, EnvFileOption, PublicDirOption, Reach, load_bundle, parse_props};
use crate::render;
use crate::sequence::{self, SequenceFormat};
use crate::still::{self, StillFormat, StillReport};

/// Kinema renders videos written as React code.
#[derive(Debug, Parser)]
#[command(name = "kinema", version, about)]
pub struct Cli {
    /// More logging (-v info, -vv debug). KINEMA_LOG overrides it.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the compositions of a project (calculateMetadata applied).
    Compositions {
        /// Entry file calling registerRoot(), or a code file exporting one component.
        entry: PathBuf,
        /// Input props: a JSON object, or @file.json.
        #[arg(long)]
        props: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        code: CodeOptions,
        #[command(flatten)]
        env: EnvFileOption,
    },
    /// Print the element tree of one frame.
    Tree {
        entry: PathBuf,
        /// Composition id.
        composition: String,
        /// Frame number.
        #[arg(long, default_value_t = 0)]
        frame: u32,
        #[arg(long)]
        props: Option<String>,
        /// Print JSON (the element tree type) instead of indented markup.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        code: CodeOptions,
        #[command(flatten)]
        env: EnvFileOption,
        #[command(flatten)]
        limits: LimitOptions,
        /// Print the frame as a standalone HTML page (what the painter lays out) instead.
        #[arg(long, conflicts_with = "json")]
        html: bool,
    },
    /// Render a composition to a video (H.264 MP4 by default).
    Render {
        /// Entry file calling registerRoot(), or a code file exporting one component.
        entry: PathBuf,
        /// Composition id.
        composition: String,
        /// Output video (.mp4/.mov/.mkv; .webm for vp8/vp9; .mov for prores; .gif), or with
        /// --sequence the folder for the images.
        output: PathBuf,
        #[command(flatten)]
        images: Box<SequenceOptions>,
        /// Input props: a JSON object, or @file.json.
        #[arg(long)]
        props: Option<String>,
        /// Frames to render: N, A-B (inclusive) or A- (to the end).
        #[arg(long)]
        frames: Option<String>,
        /// Render threads: a number, or a share of the CPU cores such as 50% (default: one per
        /// core, as many as the memory available holds).
        #[arg(long, value_parser = Concurrency::parse)]
        concurrency: Option<Concurrency>,
        /// Render only every Nth frame (GIF only; the GIF plays at fps / N).
        #[arg(long, default_value_t = 1)]
        every_nth_frame: u32,
        /// Frames per chunk (default: planned like a Lambda render, about 20 or more).
        #[arg(long)]
        frames_per_chunk: Option<u32>,
        /// h264, h265, vp8, vp9, prores or gif, or mp3, aac or wav for the sound alone
        /// (default: from the output's extension, as Remotion picks it: .webm vp8, .gif gif,
        /// .mov prores, .mp3 mp3, .aac, .m4a and .m4b aac, .wav wav, else h264).
        #[arg(long)]
        codec: Option<String>,
        /// Constant rate factor (default per codec: h264 18, h265 23, vp8 9, vp9 28).
        #[arg(long)]
        crf: Option<u8>,
        /// Pixel format such as yuv420p (default), yuv444p, yuva420p (vp8/vp9 with
        /// transparency) or yuva444p10le (prores with transparency).
        #[arg(long)]
        pixel_format: Option<String>,
        /// x264 preset, ultrafast … placebo (default medium).
        #[arg(long)]
        x264_preset: Option<String>,
        /// ProRes profile: 4444-xq, 4444, hq, standard, light or proxy (default hq, or 4444
        /// with a 4:4:4 pixel format).
        #[arg(long)]
        prores_profile: Option<String>,
        /// How many times a GIF plays again after the first (default: for ever; 0: once).
        #[arg(long)]
        number_of_gif_loops: Option<u32>,
        /// Target video bitrate such as 4M (instead of --crf).
        #[arg(long)]
        video_bitrate: Option<String>,
        #[command(flatten)]
        tuning: Box<TuningOptions>,
        #[command(flatten)]
        sound: Box<SoundOptions>,
        /// Device pixels per CSS pixel (above 0, at most 16).
        #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
        scale: f64,
        /// Replace an existing output file (default); --overwrite=false refuses to.
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
        overwrite: bool,
        /// The ffmpeg binary to encode with (default: ffmpeg on the PATH; a path given here must
        /// run, there is no fallback).
        #[arg(long)]
        ffmpeg: Option<PathBuf>,
        /// auto (ffmpeg if it runs, else the built-in H.264 encoder), ffmpeg or builtin.
        #[arg(long, default_value = "auto")]
        encoder: String,
        /// Never fetch http(s) URLs: images, fonts, fetch().
        #[arg(long)]
        offline: bool,
        /// Print a JSON summary instead of a progress bar and a line of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        code: CodeOptions,
        #[command(flatten)]
        public: PublicDirOption,
        #[command(flatten)]
        env: EnvFileOption,
        #[command(flatten)]
        limits: LimitOptions,
    },
    /// Serve the HTTP API (Remotion's render routes, the Lambda Invoke API) and the studio
    /// page in front of the render farm.
    Serve(crate::serve::ServeArgs),
    /// Upload projects as sites for the render farm; list and delete them.
    Sites {
        #[command(flatten)]
        farm: FarmOptions,
        #[command(subcommand)]
        command: crate::lambda::SitesCommand,
    },
    /// The render farm (Remotion Lambda's protocol, embedded on this machine): render videos
    /// in parallel worker processes, follow their progress, render stills.
    Lambda {
        #[command(flatten)]
        farm: FarmOptions,
        #[command(subcommand)]
        command: crate::lambda::LambdaCommand,
    },
    /// (internal) A render farm worker process.
    #[command(name = "__farm-worker", hide = true)]
    FarmWorker {
        #[arg(long)]
        pool: Option<String>,
    },
    /// Render one frame to a PNG, JPEG or WebP image.
    Still {
        /// Entry file calling registerRoot(), or a code file exporting one component.
        entry: PathBuf,
        /// Composition id.
        composition: String,
        /// Output image: .png, .jpg/.jpeg or .webp.
        output: PathBuf,
        /// Frame number.
        #[arg(long, default_value_t = 0)]
        frame: u32,
        /// Input props: a JSON object, or @file.json.
        #[arg(long)]
        props: Option<String>,
        /// Device pixels per CSS pixel (2 renders a 1920x1080 composition at 3840x2160; above 0,
        /// at most 16).
        #[arg(long, default_value_t = 1.0, value_parser = parse_scale)]
        scale: f64,
        /// JPEG quality, 0-100 (default 80; .jpg and .jpeg output only).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
        jpeg_quality: Option<u8>,
        /// Never fetch http(s) URLs: images, fonts, fetch().
        #[arg(long)]
        offline: bool,
        /// The ffmpeg that decodes <Video> pictures (default: ffmpeg on the PATH).
        #[arg(long)]
        ffmpeg: Option<PathBuf>,
        /// Print a JSON report instead of a line of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        code: CodeOptions,
        #[command(flatten)]
        public: PublicDirOption,
        #[command(flatten)]
        env: EnvFileOption,
        #[command(flatten)]
        limits: LimitOptions,
    },
}

impl Cli {
    /// Whether the command was given `--json`: its failure is then printed as JSON too.
    pub fn json(&self) -> bool {
        match &self.command {
            Command::Compositions { json, .. }
            | Command::Tree { json, .. }
            | Command::Render { json, .. }
            | Command::Still { json, .. } => *json,
            Command::Sites { command, .. } => command.json(),
            Command::Lambda { command, .. } => command.json(),
            Command::Serve(_) | Command::FarmWorker { .. } => false,
        }
    }
}

/// Remotion's colour-space and rate-control flags of `kinema render`.
#[derive(Debug, Clone, clap::Args)]
pub struct TuningOptions {
    /// The YUV matrix written and tagged: default (= bt709), bt709 or bt601 (bt2020-ncl is
    /// refused: Kinema paints sRGB).
    #[arg(long)]
    pub color_space: Option<String>,
    /// A ceiling on the video bitrate such as 5M (needs --encoding-buffer-size).
    #[arg(long)]
    pub encoding_max_rate: Option<String>,
    /// The buffer, in bits such as 10M, over which the bitrate is kept to its ceiling or target.
    #[arg(long)]
    pub encoding_buffer_size: Option<String>,
    /// A tag of the video, such as title=Launch (repeat for more; MP4 and MOV keep their
    /// formats' own tags, MKV and WebM any).
    #[arg(long, value_name = "KEY=VALUE")]
    pub metadata: Vec<String>,
}

/// What every kind of render (video, sound alone, image sequence) reads from its command line
/// the same way.
struct RenderInput {
    bundle: std::sync::Arc<kinema_compose::Bundle>,
    props: serde_json::Value,
    frame_range: Option<(u32, Option<u32>)>,
    /// `--concurrency`'s threads (`None`: the render's own choice), of `cores`.
    threads: Option<usize>,
    cores: usize,
    /// Paint options with the public folder set.
    paint: PaintOptions,
}

impl RenderInput {
    fn load(
        entry: &std::path::Path,
        code: &CodeOptions,
        reach: Reach,
        env: &EnvFileOption,
        props: Option<&str>,
        frames: Option<&str>,
        concurrency: Option<Concurrency>,
    ) -> Result<RenderInput> {
        let (bundle, public_dir) = load_bundle(entry, code, env, reach)?;
        let props = parse_props(props)?;
        let frame_range = frames.map(render::parse_frame_range).transpose()?;
        let mut paint = PaintOptions::for_public_dir(public_dir);
        paint.resources.allow_remote = !reach.offline;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = concurrency
            .map(|concurrency| concurrency.threads(cores))
            .transpose()
            .map_err(|why| anyhow::anyhow!("invalid --concurrency: {why}"))?;
        Ok(RenderInput {
            bundle,
            props,
            frame_range,
            threads,
            cores,
            paint,
        })
    }
}

/// The sound flags of `kinema render`.
#[derive(Debug, Clone, clap::Args)]
pub struct SoundOptions {
    /// Leave the sound out (the <Audio> and <Video> elements' mix).
    #[arg(long)]
    pub muted: bool,
    /// aac, mp3, opus or pcm-16 (default per codec: h264/h265/aac aac, vp8/vp9 opus,
    /// prores/wav pcm-16, mp3 mp3; GIFs have no sound).
    #[arg(long)]
    pub audio_codec: Option<String>,
    /// Sound bitrate such as 128k (default 320k; not for pcm-16).
    #[arg(long)]
    pub audio_bitrate: Option<String>,
    /// Lossless pcm-16 sound where --audio-codec names none (the file must hold it: .mov or
    /// .mkv for a video, .wav for the sound alone).
    #[arg(long)]
    pub prefer_lossless: bool,
    /// Give the video a silent sound track where nothing plays (some players and editors
    /// want one).
    #[arg(long)]
    pub enforce_audio_track: bool,
    /// Write the sound to this file (.mp3, .aac, .m4a, .m4b or .wav) instead of into the video.
    #[arg(long, value_name = "FILE")]
    pub separate_audio_to: Option<PathBuf>,
}

/// `--metadata key=value` flags as tags.
pub fn parse_metadata(flags: &[String]) -> Result<Vec<(String, String)>> {
    flags
        .iter()
        .map(|flag| match flag.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
            _ => bail!("--metadata takes KEY=VALUE, such as title=Launch; got \"{flag}\""),
        })
        .collect()
}

/// `kinema render --sequence` and the image flags that go with it.
#[derive(Debug, Clone, clap::Args)]
pub struct SequenceOptions {
    /// Write an image per frame into the output folder instead of a video.
    #[arg(long)]
    pub sequence: bool,
    /// The images' format with --sequence: jpeg (default) or png (keeps transparency).
    /// Also taken for videos (jpeg, png or none), as Remotion takes it, where frames reach the
    /// encoder without one.
    #[arg(long)]
    pub image_format: Option<String>,
    /// JPEG quality, 0-100 (default 80), with --sequence --image-format jpeg.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub jpeg_quality: Option<u8>,
    /// The images' file names with --sequence: [frame] is the frame number, zero-padded to
    /// the last frame's digits, [ext] the format (default element-[frame].[ext]).
    #[arg(long)]
    pub image_sequence_pattern: Option<String>,
}

/// Render farm commands share these.
pub use crate::lambda::FarmOptions;

/// Sandbox limits for composition code.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitOptions {
    /// CPU time one frame may take, in milliseconds (1 to 3600000).
    #[arg(long, default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub frame_time_limit_ms: u64,
    /// JavaScript heap limit, in MiB (4 to 1048576).
    #[arg(long, default_value_t = 512,
          value_parser = clap::value_parser!(u64).range(4..=1 << 20))]
    pub memory_limit_mib: u64,
}

impl LimitOptions {
    fn limits(&self) -> Limits {
        Limits {
            cpu_time: std::time::Duration::from_millis(self.frame_time_limit_ms),
            memory_bytes: usize::try_from(self.memory_limit_mib << 20).unwrap_or(usize::MAX),
            ..Limits::default()
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => crate::serve::run(args),
        Command::Sites { farm, command } => crate::lambda::run_sites(&farm, command),
        Command::Lambda { farm, command } => crate::lambda::run_lambda(&farm, command),
        Command::FarmWorker { .. } => std::process::exit(kinema_farm::worker::run()),
        Command::Compositions {
            entry,
            props,
            json,
            code,
            env,
        } => {
            let (bundle, _) = load_bundle(&entry, &code, &env, Reach::default_for_project())?;
            let props = parse_props(props.as_deref())?;
            let overrides = code.overrides(&bundle);
            let mut engine = Engine::new(bundle, Limits::default())?;
            let mut compositions = engine.compositions(&props)?;
            // What `render` and `still` would make of each with the same flags.
            for composition in &mut compositions {
                overrides.apply(composition);
            }
            if json {
                outln!("{}", serde_json::to_string_pretty(&compositions)?);
                return Ok(());
            }
            // The id column holds exactly what `render`, `still` and `tree` take; folders (the
            // studio's grouping) come last.
            outln!(
                "{:<28} {:>6} {:>6} {:>7} {:>9}  {:<11}  folder",
                "id",
                "width",
                "height",
                "fps",
                "frames",
                "kind"
            );
            for c in &compositions {
                let kind = match c.kind {
                    CompositionKind::Composition => "composition",
                    CompositionKind::Still => "still",
                };
                let line = format!(
                    "{:<28} {:>6} {:>6} {:>7} {:>9}  {kind:<11}  {}",
                    c.id,
                    c.width,
                    c.height,
                    c.fps,
                    c.duration_in_frames,
                    c.folder.as_deref().unwrap_or("")
                );
                outln!("{}", line.trim_end());
            }
            Ok(())
        }
        Command::Tree {
            entry,
            composition,
            frame,
            props,
            json,
            code,
            env,
            limits,
            html,
        } => {
            let (bundle, _) = load_bundle(&entry, &code, &env, Reach::default_for_project())?;
            let props = parse_props(props.as_deref())?;
            let overrides = code.overrides(&bundle);
            let mut engine = Engine::new(bundle, limits.limits())?;
            engine.select_with(&composition, &props, &overrides)?;
            let tree = engine
                .render_frame(frame)
                // The error names the composition and the frame.
                ?;
            if html {
                outln!("{}", kinema_paint::html::standalone_html(&tree));
            } else if json {
                outln!("{}", serde_json::to_string_pretty(&tree)?);
            } else {
                out!("{}", kinema_compose::tree::to_markup(&tree));
            }
            Ok(())
        }
        Command::Render {
            entry,
            composition,
            output,
            images,
            props,
            frames,
            concurrency,
            every_nth_frame,
            frames_per_chunk,
            codec,
            crf,
            pixel_format,
            x264_preset,
            prores_profile,
            number_of_gif_loops,
            video_bitrate,
            tuning,
            sound,
            scale,
            overwrite,
            ffmpeg,
            encoder,
            offline,
            json,
            code,
            public,
            env,
            limits,
        } => {
            let SequenceOptions {
                sequence,
                image_format,
                jpeg_quality,
                image_sequence_pattern,
            } = *images;
            let SoundOptions {
                muted,
                audio_codec,
                audio_bitrate,
                prefer_lossless,
                enforce_audio_track,
                separate_audio_to,
            } = *sound;
            // What the code and frames may load, for each kind of output.
            let reach = Reach {
                public: &public,
                offline,
            };
            if sequence {
                let image_format = image_format
                    .as_deref()
                    .map(SequenceFormat::parse)
                    .transpose()?;
                // What only a video takes: refused rather than ignored.
                let video_flags = [
                    ("--codec", codec.is_some()),
                    ("--crf", crf.is_some()),
                    ("--pixel-format", pixel_format.is_some()),
                    ("--x264-preset", x264_preset.is_some()),
                    ("--prores-profile", prores_profile.is_some()),
                    ("--number-of-gif-loops", number_of_gif_loops.is_some()),
                    ("--video-bitrate", video_bitrate.is_some()),
                    ("--color-space", tuning.color_space.is_some()),
                    ("--encoding-max-rate", tuning.encoding_max_rate.is_some()),
                    (
                        "--encoding-buffer-size",
                        tuning.encoding_buffer_size.is_some(),
                    ),
                    ("--metadata", !tuning.metadata.is_empty()),
                    ("--audio-codec", audio_codec.is_some()),
                    ("--audio-bitrate", audio_bitrate.is_some()),
                    ("--prefer-lossless", prefer_lossless),
                    ("--enforce-audio-track", enforce_audio_track),
                    ("--separate-audio-to", separate_audio_to.is_some()),
                    ("--every-nth-frame", every_nth_frame != 1),
                    ("--frames-per-chunk", frames_per_chunk.is_some()),
                    ("--encoder", encoder != "auto"),
                ];
                if let Some((flag, _)) = video_flags.iter().find(|(_, given)| *given) {
                    bail!("{flag} applies to videos, not to an image --sequence");
                }
                let format = image_format.unwrap_or(SequenceFormat::Jpeg);
                if jpeg_quality.is_some() && format != SequenceFormat::Jpeg {
                    bail!(
                        "--jpeg-quality applies to --image-format jpeg, not {}",
                        format.name()
                    );
                }
                let input = RenderInput::load(
                    &entry,
                    &code,
                    reach,
                    &env,
                    props.as_deref(),
                    frames.as_deref(),
                    concurrency,
                )?;
                let mut paint = input.paint;
                paint.ffmpeg = ffmpeg;
                let report = sequence::render_sequence(sequence::SequenceJob {
                    overrides: code.overrides(&input.bundle),
                    bundle: input.bundle,
                    composition,
                    props: input.props,
                    output,
                    frame_range: input.frame_range,
                    threads: input.threads,
                    cores: input.cores,
                    scale,
                    format,
                    jpeg_quality: jpeg_quality.unwrap_or(80),
                    pattern: image_sequence_pattern
                        .unwrap_or_else(|| sequence::DEFAULT_PATTERN.to_string()),
                    overwrite,
                    limits: limits.limits(),
                    paint,
                    progress: !json && std::io::IsTerminal::is_terminal(&std::io::stderr()),
                })?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&report)?);
                } else {
                    outln!(
                        "{} ({} {} images {}x{}, {} to {}, {:.1} MB) in {:.1} s, {:.1} frames/s \
                         on {}, CPU {:.1} s, memory {}",
                        report.output.display(),
                        report.frames,
                        report.image_format.name(),
                        report.width,
                        report.height,
                        report.first_file.file_name().unwrap_or_default().display(),
                        report.last_file.file_name().unwrap_or_default().display(),
                        report.bytes as f64 / 1e6,
                        report.seconds,
                        report.frames_per_second,
                        counted(report.threads as u64, "thread"),
                        report.cpu_seconds,
                        in_megabytes(report.peak_memory_bytes),
                    );
                }
                return Ok(());
            }
            if let Some(pattern) = &image_sequence_pattern {
                bail!("--image-sequence-pattern \"{pattern}\" names the images of --sequence");
            }
            // Frames reach the encoder as pixels: Remotion's capture format and its JPEG
            // quality have nothing to choose here.
            if let Some(format) = image_format.as_deref()
                && !["jpeg", "png", "none"].contains(&format)
            {
                bail!("--image-format must be jpeg, png or none, got \"{format}\"");
            }
            if image_format.is_some() || jpeg_quality.is_some() {
                tracing::debug!("--image-format and --jpeg-quality change nothing in a video");
            }
            let encoder = render::EncoderChoice::parse(&encoder)?;
            let audio_only = match &codec {
                Some(name) => match kinema_encode::MediaCodec::parse(name) {
                    Ok(kinema_encode::MediaCodec::Audio(audio)) => Some(audio),
                    Ok(kinema_encode::MediaCodec::Video(_)) => None,
                    Err(e) => return Err(render::in_flags(e)),
                },
                None => output.extension().and_then(|e| {
                    kinema_encode::AudioOnlyCodec::for_extension(&e.to_string_lossy())
                }),
            };
            if let Some(audio_codec_only) = audio_only {
                // What only pictures take: refused rather than ignored.
                let picture_flags = [
                    ("--crf", crf.is_some()),
                    ("--pixel-format", pixel_format.is_some()),
                    ("--x264-preset", x264_preset.is_some()),
                    ("--prores-profile", prores_profile.is_some()),
                    ("--number-of-gif-loops", number_of_gif_loops.is_some()),
                    ("--video-bitrate", video_bitrate.is_some()),
                    ("--color-space", tuning.color_space.is_some()),
                    ("--encoding-max-rate", tuning.encoding_max_rate.is_some()),
                    (
                        "--encoding-buffer-size",
                        tuning.encoding_buffer_size.is_some(),
                    ),
                    ("--every-nth-frame", every_nth_frame != 1),
                    ("--frames-per-chunk", frames_per_chunk.is_some()),
                    ("--encoder", encoder != render::EncoderChoice::Auto),
                    ("--scale", scale != 1.0),
                ];
                if separate_audio_to.is_some() {
                    bail!(
                        "--separate-audio-to: --codec {} renders the sound alone, into the \
                         output itself",
                        audio_codec_only.name()
                    );
                }
                let name = audio_codec_only.name();
                if let Some((flag, _)) = picture_flags.iter().find(|(_, given)| *given) {
                    bail!("{flag} applies to pictures, and --codec {name} renders the sound alone");
                }
                if muted {
                    bail!(
                        "--muted: --codec {name} renders the sound alone, so there would be \
                         nothing to write"
                    );
                }
                let input = RenderInput::load(
                    &entry,
                    &code,
                    reach,
                    &env,
                    props.as_deref(),
                    frames.as_deref(),
                    concurrency,
                )?;
                let resources = input.paint.resources;
                let report = audio_only::render_audio(audio_only::AudioJob {
                    overrides: code.overrides(&input.bundle),
                    bundle: input.bundle,
                    composition,
                    props: input.props,
                    output,
                    frame_range: input.frame_range,
                    threads: input.threads,
                    codec: audio_codec_only,
                    audio_codec,
                    prefer_lossless,
                    audio_bitrate,
                    metadata: parse_metadata(&tuning.metadata)?,
                    ffmpeg,
                    overwrite,
                    limits: limits.limits(),
                    resources,
                    progress: !json && std::io::IsTerminal::is_terminal(&std::io::stderr()),
                })?;
                if json {
                    outln!("{}", serde_json::to_string_pretty(&report)?);
                } else {
                    outln!(
                        "{} ({} sound, {:.1} s{}, {} at {} fps, {:.1} MB) in {:.1} s, {:.1} \
                         frames/s on {}, CPU {:.1} s + {:.1} s in ffmpeg, memory {}",
                        report.output.display(),
                        report.audio_codec.name(),
                        report.duration_seconds,
                        if report.audible { "" } else { ", silent" },
                        counted(report.frames, "frame"),
                        report.fps,
                        report.bytes as f64 / 1e6,
                        report.seconds,
                        report.frames_per_second,
                        counted(report.threads as u64, "thread"),
                        report.cpu_seconds,
                        report.encoder_cpu_seconds,
                        in_megabytes(report.peak_memory_bytes),
                    );
                }
                return Ok(());
            }
            let codec = match codec {
                Some(codec) => kinema_encode::Codec::parse(&codec).map_err(render::in_flags)?,
                None => render::codec_for_output(&output, encoder, ffmpeg.as_deref()),
            };
            let pixel_format = pixel_format
                .as_deref()
                .map(kinema_encode::PixelFormat::parse)
                .transpose()
                .map_err(render::in_flags)?;
            let input = RenderInput::load(
                &entry,
                &code,
                reach,
                &env,
                props.as_deref(),
                frames.as_deref(),
                concurrency,
            )?;
            let mut paint = input.paint;
            // `<Video>` pictures are decoded by the same ffmpeg.
            paint.ffmpeg = ffmpeg.clone();
            let report = render::render(render::RenderJob {
                overrides: code.overrides(&input.bundle),
                bundle: input.bundle,
                composition,
                props: input.props,
                output,
                frame_range: input.frame_range,
                every_nth_frame,
                threads: input.threads,
                cores: input.cores,
                frames_per_chunk,
                scale,
                codec,
                crf,
                pixel_format,
                x264_preset,
                prores_profile: prores_profile
                    .as_deref()
                    .map(ProresProfile::parse)
                    .transpose()
                    .map_err(render::in_flags)?,
                gif_loops: number_of_gif_loops,
                video_bitrate,
                color_space: tuning
                    .color_space
                    .as_deref()
                    .map(ColorSpace::parse)
                    .transpose()
                    .map_err(render::in_flags)?
                    .unwrap_or_default(),
                metadata: parse_metadata(&tuning.metadata)?,
                max_rate: tuning.encoding_max_rate,
                buffer_size: tuning.encoding_buffer_size,
                sound: crate::sound::SoundFlags {
                    muted,
                    codec: audio_codec,
                    prefer_lossless,
                    bitrate: audio_bitrate,
                    enforce: enforce_audio_track,
                    separate: separate_audio_to,
                },
                ffmpeg,
                encoder,
                overwrite,
                limits: limits.limits(),
                paint,
                progress: !json && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            })?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                let (ffmpeg_cpu, ffmpeg_memory) = match report.encoder {
                    "ffmpeg" => (
                        format!(" + {:.1} s in ffmpeg", report.encoder_cpu_seconds),
                        format!(
                            " + {} per ffmpeg",
                            in_megabytes(report.encoder_peak_memory_bytes)
                        ),
                    ),
                    _ => (String::new(), String::new()),
                };
                let sound = match (report.audio_codec, &report.separate_audio_to) {
                    (Some(codec), Some(file)) => {
                        format!(", its {} sound in {}", codec.name(), file.display())
                    }
                    (Some(codec), None) => format!(" with {} sound", codec.name()),
                    (None, _) => String::new(),
                };
                outln!(
                    "{} ({} {}x{}{sound}, {} at {} fps, {:.1} MB) in {:.1} s, {:.1} frames/s, {} \
                     on {}, {} encoder, CPU {:.1} s{ffmpeg_cpu}, memory {}{ffmpeg_memory}",
                    report.output.display(),
                    report.codec.name(),
                    report.width,
                    report.height,
                    counted(report.frames, "frame"),
                    report.fps,
                    report.bytes as f64 / 1e6,
                    report.seconds,
                    report.frames_per_second,
                    counted(report.chunks as u64, "chunk"),
                    counted(report.threads as u64, "thread"),
                    report.encoder,
                    report.cpu_seconds,
                    in_megabytes(report.peak_memory_bytes),
                );
            }
            Ok(())
        }
        Command::Still {
            entry,
            composition,
            output,
            frame,
            props,
            scale,
            jpeg_quality,
            offline,
            ffmpeg,
            json,
            code,
            public,
            env,
            limits,
        } => {
            let format = StillFormat::from_path(&output)?;
            if jpeg_quality.is_some() && format != StillFormat::Jpeg {
                bail!(
                    "--jpeg-quality applies to .jpg and .jpeg images, not {}",
                    output.display()
                );
            }
            let jpeg_quality = jpeg_quality.unwrap_or(80);
            still::refuse_read_only(&output)?;
            let started = Instant::now();
            let reach = Reach {
                public: &public,
                offline,
            };
            let (bundle, public) = load_bundle(&entry, &code, &env, reach)?;
            let props = parse_props(props.as_deref())?;
            let overrides = code.overrides(&bundle);
            let mut engine = Engine::new(bundle, limits.limits())?;
            engine.select_with(&composition, &props, &overrides)?;
            let tree = engine
                .render_frame(frame)
                // The error names the composition and the frame.
                ?;
            let compose_ms = still::elapsed_ms(started);
            let painting = Instant::now();
            let mut options = PaintOptions::for_public_dir(public);
            options.scale = scale;
            options.resources.allow_remote = !offline;
            options.ffmpeg = ffmpeg;
            let mut renderer = BlitzRenderer::new(options)?;
            let image = renderer
                .render(&tree)
                .with_context(|| format!("cannot paint {composition}"))?;
            let bytes = still::encode(&image, format, jpeg_quality)?;
            let paint_ms = still::elapsed_ms(painting);
            still::write_atomically(&output, &bytes)?;
            let report = StillReport {
                output: output.clone(),
                composition,
                frame,
                width: image.width,
                height: image.height,
                bytes: bytes.len(),
                compose_ms,
                paint_ms,
            };
            if json {
                outln!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                outln!(
                    "{} ({}x{}, frame {}, {:.0} ms)",
                    output.display(),
                    report.width,
                    report.height,
                    frame,
                    compose_ms + paint_ms
                );
            }
            Ok(())
        }
    }
}

/// `--scale`: above 0 and at most 16, as Remotion's and the farm's `scale`.
fn parse_scale(text: &str) -> Result<f64, String> {
    let scale: f64 = text
        .parse()
        .map_err(|_| format!("\"{text}\" is not a number"))?;
    if scale.is_finite() && scale > 0.0 && scale <= 16.0 {
        Ok(scale)
    } else {
        Err(format!("must be above 0 and at most 16, got {text}"))
    }
}

/// The most render threads `--concurrency` takes.
const MAX_THREADS: usize = 1024;

/// `--concurrency`: a number of threads, or a share of the cores as Remotion takes it ("50%").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Concurrency {
    Threads(usize),
    Percent(f64),
}

impl Concurrency {
    fn parse(text: &str) -> Result<Self, String> {
        let not_valid = || format!("\"{text}\" is not a number of threads or a percentage (50%)");
        let concurrency = match text.strip_suffix('%') {
            Some(percent) => {
                // Digits and one point only: no signs, exponents, "inf" or "NaN".
                let digits = percent.chars().all(|c| c.is_ascii_digit() || c == '.');
                let percent: f64 = percent.parse().map_err(|_| not_valid())?;
                if !digits || percent > 100.0 {
                    return Err(format!("must be a percentage up to 100%, got {text}"));
                }
                Self::Percent(percent)
            }
            None => Self::Threads(text.parse().map_err(|_| not_valid())?),
        };
        match concurrency {
            Self::Threads(0) => Err("must be 1 or more".into()),
            Self::Threads(n) if n > MAX_THREADS => Err(format!(
                "must be at most {MAX_THREADS} threads (each holds an engine and an encoder), \
                 got {n}"
            )),
            Self::Percent(percent) if percent <= 0.0 => Err("must be above 0%".into()),
            valid => Ok(valid),
        }
    }

    /// The number of threads on a machine with `cores` cores: a share rounds down, as
    /// Remotion's does, and must come to at least one thread.
    fn threads(self, cores: usize) -> Result<usize, String> {
        match self {
            Self::Threads(threads) => Ok(threads),
            Self::Percent(percent) => match (percent * cores as f64 / 100.0).floor() as usize {
                0 => Err(format!(
                    "{percent}% of this machine's {} is less than one thread",
                    counted(cores as u64, "core")
                )),
                threads => Ok(threads),
            },
        }
    }
}

/// `1 frame`, `2 frames`.
pub(crate) fn counted(count: u64, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_takes_threads_or_a_share_of_the_cores() {
        let threads = |text: &str, cores| Concurrency::parse(text)?.threads(cores);
        assert_eq!(threads("3", 8), Ok(3));
        assert_eq!(threads("50%", 8), Ok(4));
        assert_eq!(threads("50%", 5), Ok(2), "a share rounds down");
        assert_eq!(threads("100%", 2), Ok(2));
        assert_eq!(threads("12.5%", 16), Ok(2));
        assert_eq!(
            threads("25%", 2),
            Err("25% of this machine's 2 cores is less than one thread".into())
        );
        for (text, why) in [
            ("0", "must be 1 or more"),
            ("0%", "must be above 0%"),
            ("150%", "must be a percentage up to 100%, got 150%"),
            ("-5%", "must be a percentage up to 100%, got -5%"),
            ("1e2%", "must be a percentage up to 100%, got 1e2%"),
            (
                "-1",
                "\"-1\" is not a number of threads or a percentage (50%)",
            ),
            (
                "half",
                "\"half\" is not a number of threads or a percentage (50%)",
            ),
            (
                "%",
                "\"%\" is not a number of threads or a percentage (50%)",
            ),
            (
                "4294967297",
                "must be at most 1024 threads (each holds an engine and an encoder), got \
                 4294967297",
            ),
        ] {
            assert_eq!(Concurrency::parse(text), Err(why.into()), "{text}");
        }
    }
}
