//! `kinema lambda …` and `kinema sites …`: the render farm from the command line, with flag
//! names from Remotion's `lambda` CLI. The farm is embedded: buckets in a folder, the function
//! run by worker processes of this binary.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use kinema_farm::payload::{OutNameInput, RenderParams, StillPayload, WebhookOption};
use kinema_farm::progress::OverallRenderProgress;
use kinema_farm::sites::{self, SiteSource};
use kinema_farm::status::RenderProgress;
use kinema_farm::{EmbeddedFarm, FarmConfig, Storage, WorkerCommand, client};

use crate::input::{CodeOptions, EnvFileOption, PublicDirOption, parse_props};

/// Where the embedded farm keeps its buckets, and the function's settings.
#[derive(Debug, Clone, clap::Args)]
pub struct FarmOptions {
    /// Folder holding the buckets (default: $KINEMA_STORAGE, else ~/.local/share/kinema/buckets).
    #[arg(long, global = true)]
    pub storage: Option<PathBuf>,
    /// Region (selects the bucket and the price table).
    #[arg(long, global = true, default_value = "us-east-1")]
    pub region: String,
    /// The function's memory in MB (prices only: the embedded farm does not limit memory).
    #[arg(long, global = true, default_value_t = 2048)]
    pub memory: u32,
    /// The function's disk in MB (prices only).
    #[arg(long, global = true, default_value_t = 2048)]
    pub disk: u32,
    /// Each invocation's time limit, in seconds (1-900).
    #[arg(long, global = true, default_value_t = 900)]
    pub timeout: u32,
    /// Worker processes rendering at once (default: one per core, fewer while the memory
    /// available holds no more; a number given is used as given).
    #[arg(long, global = true)]
    pub workers: Option<usize>,
    /// The ffmpeg program workers encode with (default: ffmpeg on the PATH, without which
    /// H.264 uses the built-in encoder; a path given here must run).
    #[arg(long, global = true)]
    pub ffmpeg: Option<PathBuf>,
    /// Use this bucket instead of the region's default one.
    #[arg(long = "force-bucket-name", global = true)]
    pub bucket: Option<String>,
    /// Let compositions fetch images, fonts and sounds from private addresses (loopback, the
    /// local network, link-local such as a cloud's metadata service), and webhooks go there;
    /// refused by default.
    #[arg(long, global = true)]
    pub fetch_private_addresses: bool,
}

impl FarmOptions {
    pub fn config(&self) -> FarmConfig {
        let mut config = FarmConfig {
            region: self.region.clone(),
            memory_size_in_mb: self.memory,
            disk_size_in_mb: self.disk,
            timeout_in_seconds: self.timeout,
            ffmpeg: self.ffmpeg.clone(),
            fetch_private_addresses: self.fetch_private_addresses,
            ..FarmConfig::default()
        };
        if let Some(storage) = &self.storage {
            config.storage_root = absolute(storage);
        }
        config
    }

    /// An `--ffmpeg` given must run (the farm would refuse it too, naming its setting).
    fn check_ffmpeg(&self) -> Result<()> {
        match &self.ffmpeg {
            Some(ffmpeg) if !kinema_encode::EncoderBackend::ffmpeg_found(ffmpeg) => {
                Err(crate::render::ffmpeg_does_not_run(ffmpeg))
            }
            _ => Ok(()),
        }
    }

    fn storage(&self) -> Result<kinema_farm::DiskStorage> {
        self.check_ffmpeg()?;
        let config = self.config();
        config.validate()?;
        Ok(kinema_farm::DiskStorage::new(config.storage_root))
    }

    fn bucket(&self) -> Result<std::sync::Arc<dyn kinema_farm::Bucket>> {
        let config = self.config();
        let storage = self.storage()?;
        std::fs::create_dir_all(&config.storage_root)
            .with_context(|| format!("cannot create {}", config.storage_root.display()))?;
        let name = match &self.bucket {
            Some(name) => name.clone(),
            None => storage.get_or_create_bucket(&config.region)?,
        };
        Ok(storage.bucket(&name)?)
    }

    /// Starts the embedded farm with this binary as the worker.
    pub fn start(&self) -> Result<EmbeddedFarm> {
        self.check_ffmpeg()?;
        let config = self.config();
        let log = config
            .storage_root
            .parent()
            .map(|p| p.join("logs").join("farm.log"));
        let program = std::env::current_exe().context("cannot find the kinema binary")?;
        Ok(EmbeddedFarm::start(
            config,
            WorkerCommand {
                program,
                args: vec!["__farm-worker".into()],
            },
            self.workers,
            log,
        )?)
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum SitesCommand {
    /// Upload a project (or a code file) as a site and print its serve URL.
    Create {
        /// Entry file calling registerRoot(), or a code file exporting one component.
        /// Omit it with --dynamic.
        entry: Option<PathBuf>,
        /// Site name (default: a random one). Uploading to an existing name updates it.
        #[arg(long)]
        site_name: Option<String>,
        /// A site without files whose composition DynamicComp is compiled from the input
        /// props' `code`, `durationInFrames`, `fps`, `width` and `height` (as the HTTP API does).
        #[arg(long, conflicts_with = "entry")]
        dynamic: bool,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        code: CodeOptions,
        #[command(flatten)]
        public: PublicDirOption,
    },
    /// List the sites.
    Ls {
        #[arg(long)]
        json: bool,
    },
    /// Delete a site.
    Rm { site_name: String },
}

impl SitesCommand {
    pub fn json(&self) -> bool {
        match self {
            Self::Create { json, .. } | Self::Ls { json } => *json,
            Self::Rm { .. } => false,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum LambdaCommand {
    /// Render a video on the farm: chunks render in parallel worker processes.
    Render(Box<RenderArgs>),
    /// Print a render's progress object.
    Progress {
        render_id: String,
        /// The bucket the render is in (printed by `lambda render`).
        #[arg(long)]
        bucket: String,
        #[arg(long)]
        json: bool,
    },
    /// Render one frame to an image in the bucket.
    Still {
        /// Serve URL or site name.
        serve_url: String,
        composition: String,
        #[arg(long)]
        props: Option<String>,
        /// Frame number (negative counts from the end).
        #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
        frame: i64,
        /// png, jpeg or webp.
        #[arg(long, default_value = "png")]
        image_format: String,
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
        jpeg_quality: Option<u8>,
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Output key under renders/{renderId}/.
        #[arg(long)]
        out_name: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        env: EnvFileOption,
    },
    /// List a site's compositions.
    Compositions {
        /// Serve URL or site name.
        serve_url: String,
        #[arg(long)]
        props: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        env: EnvFileOption,
    },
}

impl LambdaCommand {
    pub fn json(&self) -> bool {
        match self {
            Self::Render(args) => args.json,
            Self::Progress { json, .. }
            | Self::Still { json, .. }
            | Self::Compositions { json, .. } => *json,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Serve URL or site name (see `kinema sites create`).
    pub serve_url: String,
    /// Composition id.
    pub composition: String,
    /// Input props: a JSON object, or @file.json.
    #[arg(long)]
    pub props: Option<String>,
    /// Frames each chunk renders (at least 5; default: planned like Remotion Lambda).
    #[arg(long, conflicts_with = "concurrency")]
    pub frames_per_lambda: Option<u32>,
    /// Number of chunks to split the render into (1-200).
    #[arg(long)]
    pub concurrency: Option<u32>,
    /// h264, h265, vp8, vp9, prores or gif, or mp3, aac or wav for the sound alone.
    #[arg(long, default_value = "h264")]
    pub codec: String,
    #[arg(long)]
    pub crf: Option<u8>,
    #[arg(long)]
    pub pixel_format: Option<String>,
    #[arg(long)]
    pub x264_preset: Option<String>,
    /// 4444-xq, 4444, hq, standard, light or proxy (prores only).
    #[arg(long)]
    pub prores_profile: Option<String>,
    /// How many times a GIF plays again after the first (default: for ever; 0: once).
    #[arg(long)]
    pub number_of_gif_loops: Option<u32>,
    #[arg(long)]
    pub video_bitrate: Option<String>,
    // --color-space, --encoding-max-rate, --encoding-buffer-size and --metadata, as for
    // `kinema render`.
    #[command(flatten)]
    pub tuning: crate::cli::TuningOptions,
    /// Leave the sound out (the <Audio> and <Video> elements' mix).
    #[arg(long)]
    pub muted: bool,
    /// aac, mp3, opus or pcm-16 (default per codec, as for `kinema render`).
    #[arg(long)]
    pub audio_codec: Option<String>,
    /// Sound bitrate such as 128k (default 320k).
    #[arg(long)]
    pub audio_bitrate: Option<String>,
    /// Lossless pcm-16 sound where --audio-codec names none (in a .mkv for h264, a .wav for
    /// mp3 and aac).
    #[arg(long)]
    pub prefer_lossless: bool,
    /// Frames to render: N, A-B or A-.
    #[arg(long)]
    pub frames: Option<String>,
    /// Keep every Nth frame (GIF only).
    #[arg(long, default_value_t = 1)]
    pub every_nth_frame: u32,
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Retries of a chunk that fails with a flaky error (a crashed worker).
    #[arg(long, default_value_t = 1)]
    pub max_retries: u32,
    /// Output file name under renders/{renderId}/ (default out.{ext}).
    #[arg(long)]
    pub out_name: Option<String>,
    /// Replace an existing output.
    #[arg(long)]
    pub overwrite: bool,
    /// public, private or no-acl.
    #[arg(long, default_value = "public")]
    pub privacy: String,
    /// 1-day, 3-days, 7-days or 30-days (prefixes the render id).
    #[arg(long)]
    pub delete_after: Option<String>,
    /// URL to POST to when the render succeeds, fails or times out.
    #[arg(long)]
    pub webhook: Option<String>,
    /// Secret the webhook's X-Remotion-Signature is signed with.
    #[arg(long, requires = "webhook")]
    pub webhook_secret: Option<String>,
    /// Custom data (a JSON object) sent with the webhook.
    #[arg(long, requires = "webhook")]
    pub webhook_custom_data: Option<String>,
    /// Print the render id and bucket and return; the render goes on in the background.
    #[arg(long)]
    pub no_wait: bool,
    /// Print the final progress object as JSON.
    #[arg(long)]
    pub json: bool,
    /// (internal) write the render id and bucket to this file once started.
    #[arg(long, hide = true)]
    pub announce: Option<PathBuf>,
    #[command(flatten)]
    pub env: EnvFileOption,
}

/// The environment variables a farm render's code reads, gathered as `kinema render` gathers
/// them; the default `.env` is that of the project the command is run in.
fn env_variables(env: &EnvFileOption) -> Result<kinema_compose::EnvVariables> {
    let here = std::env::current_dir().context("cannot read the current folder")?;
    env.variables(&kinema_compose::project_root_of(&here))
}

pub fn run_sites(farm: &FarmOptions, command: SitesCommand) -> Result<()> {
    let config = farm.config();
    match command {
        SitesCommand::Create {
            entry,
            site_name,
            dynamic,
            json,
            code,
            public,
        } => {
            let bucket = farm.bucket()?;
            let name = site_name.unwrap_or_else(|| kinema_farm::util::random_id(10));
            let deployed = match (&entry, dynamic) {
                (_, true) => {
                    if public.public_dir.is_some() {
                        bail!("--public-dir: a --dynamic site has no files");
                    }
                    sites::deploy(bucket.as_ref(), &name, SiteSource::Dynamic, &config.version)?
                }
                (Some(entry), false) => {
                    let public_dir = public.folder()?;
                    let text = std::fs::read_to_string(entry)
                        .with_context(|| format!("cannot read {}", entry.display()))?;
                    let source = if code.code || !text.contains("registerRoot") {
                        SiteSource::Code(entry, code.composition())
                    } else if code.any_given() {
                        bail!(
                            "--width, --height, --fps and --duration describe a code file's \
                             composition; {} is a project (it calls registerRoot), whose \
                             compositions set their own",
                            entry.display()
                        );
                    } else {
                        SiteSource::Project(entry)
                    };
                    sites::deploy_with_public_dir(
                        bucket.as_ref(),
                        &name,
                        source,
                        public_dir,
                        &config.version,
                    )
                    .with_context(|| format!("cannot upload {}", entry.display()))?
                }
                (None, false) => bail!("give the entry file to upload, or --dynamic"),
            };
            if json {
                outln!("{}", serde_json::to_string_pretty(&deployed)?);
            } else {
                outln!(
                    "site \"{}\" in bucket {} ({} uploaded, {} unchanged, {} deleted)\nserve URL: {}",
                    deployed.site_name,
                    deployed.bucket_name,
                    deployed.stats.uploaded_files,
                    deployed.stats.untouched_files,
                    deployed.stats.deleted_files,
                    deployed.serve_url
                );
            }
        }
        SitesCommand::Ls { json } => {
            let bucket = farm.bucket()?;
            let sites = sites::list(bucket.as_ref())?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&sites)?);
            } else if sites.is_empty() {
                outln!("no sites in bucket {}", bucket.name());
            } else {
                outln!(
                    "{:<24} {:>10}  {:<10}  serve URL",
                    "site",
                    "size",
                    "version"
                );
                for site in sites {
                    outln!(
                        "{:<24} {:>10}  {:<10}  {}",
                        site.id,
                        site.size_in_bytes,
                        site.version.as_deref().unwrap_or("?"),
                        site.serve_url
                    );
                }
            }
        }
        SitesCommand::Rm { site_name } => {
            let bucket = farm.bucket()?;
            let freed = sites::remove(bucket.as_ref(), &site_name)?;
            outln!("deleted site \"{site_name}\" ({freed} bytes)");
        }
    }
    Ok(())
}

pub fn run_lambda(farm_options: &FarmOptions, command: LambdaCommand) -> Result<()> {
    match command {
        LambdaCommand::Render(args) => render(farm_options, *args),
        LambdaCommand::Progress {
            render_id,
            bucket,
            json,
        } => {
            let farm = farm_options.start()?;
            let progress = client::render_progress(
                &farm.pool,
                &farm.function_name(),
                &farm.config.version,
                &bucket,
                &render_id,
            )?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&progress)?);
            } else {
                outln!("{}", describe(&progress));
            }
            Ok(())
        }
        LambdaCommand::Still {
            serve_url,
            composition,
            props,
            frame,
            image_format,
            jpeg_quality,
            scale,
            out_name,
            json,
            env,
        } => {
            let env_variables = env_variables(&env)?;
            let farm = farm_options.start()?;
            let props = parse_props(props.as_deref())?;
            let request = StillPayload {
                version: Some(farm.config.version.clone()),
                serve_url,
                composition,
                input_props: Default::default(),
                image_format,
                jpeg_quality,
                frame,
                privacy: "public".into(),
                out_name: out_name.map(OutNameInput::Name),
                scale,
                bucket_name: farm_options.bucket.clone(),
                delete_after: None,
                download_behavior: None,
                env_variables,
                force: Default::default(),
            };
            let result = client::render_still(
                &farm.pool,
                farm.storage.as_ref(),
                &farm.function_name(),
                &farm.config.region,
                request,
                &props,
            )?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&result)?);
            } else {
                outln!(
                    "{} ({} bytes, {})",
                    result["url"].as_str().unwrap_or(""),
                    result["sizeInBytes"],
                    result["estimatedPrice"]["displayCost"]
                        .as_str()
                        .unwrap_or("")
                );
            }
            Ok(())
        }
        LambdaCommand::Compositions {
            serve_url,
            props,
            json,
            env,
        } => {
            let env_variables = env_variables(&env)?;
            let farm = farm_options.start()?;
            let props = parse_props(props.as_deref())?;
            let compositions = client::compositions(
                &farm.pool,
                &farm.function_name(),
                &farm.config.version,
                &serve_url,
                farm_options.bucket.as_deref(),
                &props,
                &env_variables,
            )?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&compositions)?);
            } else {
                for c in compositions {
                    outln!(
                        "{:<28} {:>5}x{:<5} {:>6} fps {:>7} frames",
                        c["id"].as_str().unwrap_or(""),
                        c["width"],
                        c["height"],
                        c["fps"],
                        c["durationInFrames"]
                    );
                }
            }
            Ok(())
        }
    }
}

fn render(farm_options: &FarmOptions, args: RenderArgs) -> Result<()> {
    if args.no_wait {
        // A bad --env-file is reported here, not lost in the background render.
        env_variables(&args.env)?;
        return render_in_background(&args);
    }
    let started = Instant::now();
    let props = parse_props(args.props.as_deref())?;
    let env_variables = env_variables(&args.env)?;
    let frame_range = args
        .frames
        .as_deref()
        .map(crate::render::parse_frame_range)
        .transpose()?
        .map(|(a, b)| kinema_farm::payload::FrameRangeInput::Range(a, b));
    let custom_data = args
        .webhook_custom_data
        .as_deref()
        .map(
            |text| -> Result<serde_json::Map<String, serde_json::Value>> {
                match serde_json::from_str(text)
                    .context("--webhook-custom-data is not valid JSON")?
                {
                    serde_json::Value::Object(map) => Ok(map),
                    _ => bail!("--webhook-custom-data must be a JSON object"),
                }
            },
        )
        .transpose()?;
    let farm = farm_options.start()?;
    let params = RenderParams {
        version: Some(farm.config.version.clone()),
        serve_url: args.serve_url.clone(),
        composition: args.composition.clone(),
        input_props: Default::default(),
        codec: args.codec.clone(),
        crf: args.crf,
        pixel_format: args.pixel_format.clone(),
        x264_preset: args.x264_preset.clone(),
        video_bitrate: args.video_bitrate.clone(),
        max_retries: args.max_retries,
        privacy: args.privacy.clone(),
        frame_range,
        out_name: args.out_name.clone().map(OutNameInput::Name),
        every_nth_frame: args.every_nth_frame,
        scale: args.scale,
        download_behavior: None,
        overwrite: args.overwrite,
        webhook: args.webhook.clone().map(|url| WebhookOption {
            url,
            secret: args.webhook_secret.clone(),
            custom_data,
        }),
        bucket_name: farm_options.bucket.clone(),
        delete_after: args.delete_after.clone(),
        frames_per_lambda: args.frames_per_lambda,
        concurrency: args.concurrency,
        number_of_gif_loops: args.number_of_gif_loops,
        pro_res_profile: args.prores_profile.clone(),
        color_space: args.tuning.color_space.clone(),
        encoding_max_rate: args.tuning.encoding_max_rate.clone(),
        encoding_buffer_size: args.tuning.encoding_buffer_size.clone(),
        muted: args.muted,
        audio_codec: args.audio_codec.clone(),
        prefer_lossless: args.prefer_lossless,
        audio_bitrate: args.audio_bitrate.clone(),
        renderer_function_name: None,
        metadata: match args.tuning.metadata.is_empty() {
            true => None,
            false => Some(
                crate::cli::parse_metadata(&args.tuning.metadata)?
                    .into_iter()
                    .map(|(key, value)| (key, serde_json::Value::String(value)))
                    .collect(),
            ),
        },
        env_variables,
        enable_cancellation: None,
        force: Default::default(),
    };
    let function = farm.function_name();
    let started_render = client::render_media(
        &farm.pool,
        farm.storage.as_ref(),
        &function,
        &farm.config.region,
        params,
        &props,
    )?;
    if let Some(path) = &args.announce {
        std::fs::write(path, serde_json::to_vec(&started_render)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let quiet = args.json || args.announce.is_some();
    if !quiet {
        eprintln!(
            "render {} in bucket {} ({function})",
            started_render.render_id, started_render.bucket_name
        );
    }
    let bar = (!quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let bar = indicatif::ProgressBar::new(1000);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{bar:32}] {percent:>3}%  {msg}  {elapsed}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    });
    let read_progress = || {
        client::render_progress(
            &farm.pool,
            &function,
            &farm.config.version,
            &started_render.bucket_name,
            &started_render.render_id,
        )
    };
    let progress = loop {
        let progress = read_progress()?;
        if let Some(bar) = &bar {
            bar.set_position((progress.overall_progress * 1000.0) as u64);
            bar.set_message(format!(
                "{}/{} chunks, {}/{} frames, {}",
                progress.chunks,
                progress
                    .render_metadata
                    .as_ref()
                    .map_or(0, |m| m.total_chunks),
                progress.frames_rendered,
                progress
                    .render_metadata
                    .as_ref()
                    .map_or(0, |m| m.frame_count),
                progress.costs.display_cost
            ));
        }
        if progress.done || progress.fatal_error_encountered {
            break progress;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    // The main function goes on after the render is done or has failed: it waits for chunks
    // still running, cleans up and calls the webhook. Shutting the farm down kills its
    // workers, so wait for its last write (until the render's deadline at most), then report
    // what it added (a failed webhook, the post-render data).
    if let Some(bar) = &bar {
        bar.set_message("finishing");
    }
    if !wait_for_launch(
        &farm,
        &started_render.bucket_name,
        &started_render.render_id,
    ) {
        tracing::warn!("the render's main function has not finished; stopping it");
    }
    let progress = read_progress().unwrap_or_else(|e| {
        tracing::warn!("cannot read the render's final progress: {e}");
        progress
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    drop(farm);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&progress)?);
    }
    if progress.fatal_error_encountered {
        let message = progress
            .errors
            .iter()
            .find(|e| e.is_fatal && !e.will_retry)
            .map(|e| e.message.clone())
            .unwrap_or_else(|| "the render failed".into());
        bail!("render {} failed: {message}", started_render.render_id);
    }
    if !args.json && args.announce.is_none() {
        outln!(
            "{}\n{} bytes in {:.1} s, {} chunks, cost {} (render id {}, bucket {})",
            progress.output_file.as_deref().unwrap_or(""),
            progress.output_size_in_bytes.unwrap_or(0),
            started.elapsed().as_secs_f64(),
            progress.chunks,
            progress.costs.display_cost,
            started_render.render_id,
            started_render.bucket_name
        );
    }
    Ok(())
}

/// Waits until the render's main function has written its last progress (`launchFinished`),
/// at most until the render's deadline and a few seconds; whether it did.
fn wait_for_launch(farm: &EmbeddedFarm, bucket: &str, render_id: &str) -> bool {
    let Ok(bucket) = farm.storage.bucket(bucket) else {
        return false;
    };
    loop {
        let progress = match OverallRenderProgress::read(bucket.as_ref(), render_id) {
            Ok(Some(progress)) => progress,
            _ => return false,
        };
        if progress.launch_finished.is_some() {
            return true;
        }
        let deadline = progress.timeout_timestamp + 5_000;
        if kinema_farm::util::now_ms() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `--no-wait`: the embedded farm lives in a process, so a detached copy of this command hosts
/// the render and reports its id back through a file.
fn render_in_background(args: &RenderArgs) -> Result<()> {
    let announce = std::env::temp_dir().join(format!(
        "kinema-announce-{}-{}.json",
        std::process::id(),
        kinema_farm::util::random_id(6)
    ));
    let mut forwarded: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--no-wait")
        .collect();
    forwarded.push("--announce".into());
    forwarded.push(announce.display().to_string());
    let program = std::env::current_exe().context("cannot find the kinema binary")?;
    let mut command = std::process::Command::new(program);
    command
        .args(&forwarded)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: setsid only detaches the child from this terminal's session.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .context("cannot start the background render")?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(text) = std::fs::read_to_string(&announce)
            && let Ok(started) = serde_json::from_str::<client::StartedRender>(&text)
        {
            let _ = std::fs::remove_file(&announce);
            if args.json {
                outln!("{}", serde_json::to_string_pretty(&started)?);
            } else {
                outln!(
                    "render {} in bucket {}\nfollow it with: kinema lambda progress {} --bucket {}",
                    started.render_id,
                    started.bucket_name,
                    started.render_id,
                    started.bucket_name
                );
            }
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!(
                "the render could not start ({status}); run it without --no-wait to see the error"
            );
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("the render did not start within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One line describing a progress object.
fn describe(progress: &RenderProgress) -> String {
    if progress.done {
        return format!(
            "done: {} ({} bytes), {} chunks, {} ms, cost {}",
            progress.output_file.as_deref().unwrap_or(""),
            progress.output_size_in_bytes.unwrap_or(0),
            progress.chunks,
            progress.time_to_finish.unwrap_or(0),
            progress.costs.display_cost
        );
    }
    if progress.fatal_error_encountered {
        let message = progress
            .errors
            .iter()
            .find(|e| e.is_fatal)
            .map_or("unknown error", |e| e.message.as_str());
        return format!("failed: {message}");
    }
    format!(
        "{:.0}%: {}/{} chunks, {} frames rendered, cost so far {}",
        progress.overall_progress * 100.0,
        progress.chunks,
        progress
            .render_metadata
            .as_ref()
            .map_or(0, |m| m.total_chunks),
        progress.frames_rendered,
        progress.costs.display_cost
    )
}
