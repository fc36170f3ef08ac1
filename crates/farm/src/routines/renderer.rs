//! `renderer` (reference §4.4, S3 transport of §2.5): renders and encodes one chunk, reporting
//! to the bucket as it goes — a status object per attempt (`running` with frame counts, then
//! `completed` with the chunk file's key, or `failed` with the error).

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use kinema_compose::{
    CompositionInfo, ConfigOverrides, Engine, EnvVariables, Limits, ResolvedComposition,
};
use kinema_encode::audio::MixWindow;
use kinema_encode::{ChunkTiming, EncoderBackend, MediaCodec, PixelFormat, VideoSettings};
use kinema_paint::resources::ResourceOptions;
use kinema_paint::{BlitzRenderer, PaintOptions};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::bucket::{Bucket, PutOptions, Storage};
use crate::error::FarmError;
use crate::function::Context;
use crate::payload::{RendererPayload, parse};
use crate::progress::ErrorInfo;
use crate::props::PropsKind;
use crate::soundtrack::Heard;

/// A composition ready to render frames, kept while the worker is warm.
pub struct WarmScene {
    key: String,
    pub(crate) engine: Engine,
    pub(crate) renderer: BlitzRenderer,
    pub(crate) info: CompositionInfo,
    /// Where the site's images and sounds come from, and what they may reach.
    resources: ResourceOptions,
}

/// What a scene is made of: a site's composition, with its props, scale, `force*` values and
/// environment variables.
pub(crate) struct SceneSpec<'a> {
    pub bucket_name: &'a str,
    pub serve_url: &'a str,
    pub composition: &'a str,
    pub props: &'a Value,
    pub scale: f64,
    pub overrides: &'a ConfigOverrides,
    pub env: &'a EnvVariables,
    /// The composition as the launch resolved it, taken as it is; `None`: resolved here.
    pub resolved: Option<&'a ResolvedComposition>,
}

impl<'a> SceneSpec<'a> {
    /// The scene a chunk renders: its payload's, with its input props and what the launch
    /// resolved.
    fn of_chunk(
        task: &'a RendererPayload,
        props: &'a Value,
        resolved: Option<&'a ResolvedComposition>,
    ) -> SceneSpec<'a> {
        SceneSpec {
            bucket_name: &task.bucket_name,
            serve_url: &task.serve_url,
            composition: &task.composition,
            props,
            scale: task.scale,
            overrides: &task.overrides,
            env: &task.env_variables,
            resolved,
        }
    }
}

/// Loads site + composition (reusing the warm one when it is the same) and returns it.
pub(crate) fn prepare_scene<'w>(
    context: &'w mut Context<'_>,
    spec: &SceneSpec,
) -> Result<&'w mut WarmScene, FarmError> {
    let SceneSpec {
        bucket_name,
        serve_url,
        composition,
        props,
        scale,
        overrides,
        env,
        resolved,
    } = *spec;
    let site = super::load_site(context.storage, serve_url, bucket_name)?;
    // The site's folder names its bucket, name and content fingerprint.
    let key = format!(
        "{}/{}/{}/{scale}/{overrides:?}/{}/{}",
        site.dir.display(),
        composition,
        crate::util::sha256_hex(props.to_string().as_bytes()),
        crate::util::sha256_hex(&serde_json::to_vec(env).unwrap_or_default()),
        resolved.map_or_else(String::new, |r| crate::util::sha256_hex(
            format!("{:?}\n{}", r.metadata, r.props).as_bytes()
        )),
    );
    let reuse = context.warm.scene.as_ref().is_some_and(|s| s.key == key);
    if !reuse {
        context.warm.scene = None;
        let bundle =
            crate::sites::bundle(&site, props, env, context.config.fetch_private_addresses)?;
        let public_dir = Some(site.dir.join("public")).filter(|p| p.is_dir());
        let mut engine = Engine::new(bundle, Limits::default())?;
        let info = match resolved {
            Some(resolved) => engine.adopt(resolved, props)?,
            None => engine.select_with(composition, props, overrides)?,
        };
        let mut paint = PaintOptions::for_public_dir(public_dir.clone());
        paint.resources = crate::sites::reach(public_dir, context.config.fetch_private_addresses);
        paint.scale = scale;
        paint.ffmpeg = context.config.ffmpeg.clone();
        // Frames go to a video encoder, which takes premultiplied pixels as they are.
        paint.premultiplied = true;
        let resources = paint.resources.clone();
        let renderer = BlitzRenderer::new(paint)?;
        context.warm.scene = Some(WarmScene {
            key,
            engine,
            renderer,
            info,
            resources,
        });
    }
    Ok(context.warm.scene.as_mut().expect("set above"))
}

/// The composition as the launch resolved it, when the payload carries it.
fn resolved_composition(
    task: &RendererPayload,
    storage: &dyn Storage,
) -> Result<Option<ResolvedComposition>, FarmError> {
    let (Some(props), Some(metadata)) = (&task.resolved_props, &task.resolved_metadata) else {
        return Ok(None);
    };
    Ok(Some(ResolvedComposition {
        id: task.composition.clone(),
        metadata: metadata.clone(),
        props: props.text(PropsKind::Resolved, storage)?,
    }))
}

/// A chunk attempt's status object (reference §2.5, schema 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransportStatus {
    pub schema: u32,
    pub chunk: usize,
    pub attempt: u32,
    pub lambda_invoked: bool,
    pub rendered_frames: u64,
    pub encoded_frames: u64,
    pub started_at: u64,
    /// `running`, `completed` or `failed`.
    pub state: String,
    #[serde(default)]
    pub completed_at: Option<u64>,
    #[serde(default)]
    pub video_key: Option<String>,
    #[serde(default)]
    pub audio_key: Option<String>,
    #[serde(default)]
    pub artifacts: Vec<Value>,
    #[serde(default)]
    pub failed_at: Option<u64>,
    #[serde(default)]
    pub error_info: Option<ErrorInfo>,
    #[serde(default)]
    pub should_retry: bool,
}

pub fn status_key(render_id: &str, chunk: usize, attempt: u32) -> String {
    format!(
        "{}status.json",
        super::attempt_prefix(render_id, chunk, attempt)
    )
}

/// Where a chunk's mix of its frames' sound goes: raw 48 kHz stereo `f32le` samples, laid end
/// to end with the other chunks' by the launch.
pub fn audio_key(render_id: &str, chunk: usize, attempt: u32) -> String {
    format!(
        "{}/audio",
        super::attempt_prefix(render_id, chunk, attempt).trim_end_matches('/')
    )
}

pub fn video_key(render_id: &str, chunk: usize, attempt: u32) -> String {
    format!("{}video", super::attempt_prefix(render_id, chunk, attempt))
}

impl TransportStatus {
    pub fn write(&self, bucket: &dyn Bucket, render_id: &str) -> Result<(), FarmError> {
        bucket.put(
            &status_key(render_id, self.chunk, self.attempt),
            &serde_json::to_vec(self).expect("status serialises"),
            &PutOptions::default(),
        )?;
        Ok(())
    }
}

/// Errors worth another attempt (reference §4.6, plus Kinema's own worker crashes).
pub fn is_flaky(stack: &str) -> bool {
    const PATTERNS: &[&str] = &[
        "FATAL:zygote_communication_linux.cc",
        "error while loading shared libraries: libnss3.so",
        "but the server sent no data",
        "Compositor panicked",
        "We encountered an internal error.",
        "while trying to connect to the browser",
        "RequestTimeout: Your socket connection to the server",
        "getaddrinfo",
        "ECONNRESET",
        "ERR_CONNECTION_TIMED_OUT",
        "ERR_NETWORK_CHANGED",
        "A network error occurred",
        "socket hang up",
        "Target closed",
        "Session closed",
        "SIGKILL",
        "ServiceException: We currently do not have sufficient capacity",
        "Page crashed!",
        // Kinema: the worker process died (killed, crashed, out of memory).
        "Runtime exited with",
    ];
    PATTERNS.iter().any(|p| stack.contains(p))
}

/// The error record of a failed chunk attempt.
pub fn chunk_error(
    chunk: usize,
    frame: Option<u32>,
    attempt: u32,
    retries_left: u32,
    name: &str,
    message: String,
) -> (ErrorInfo, bool) {
    let stack = format!("{name}: {message}\n    at renderer (chunk {chunk}, attempt {attempt})");
    let should_retry = is_flaky(&stack) && retries_left > 0;
    (
        crate::status::explain(ErrorInfo {
            kind: "renderer".into(),
            message,
            name: name.into(),
            stack,
            frame,
            chunk: Some(chunk),
            is_fatal: !should_retry,
            attempt,
            will_retry: should_retry,
            total_attempts: retries_left + attempt,
            tmp_dir: None,
            s3_location: String::new(),
            explanation: None,
        }),
        should_retry,
    )
}

pub fn run(context: &mut Context<'_>, payload: &Value) -> Result<Value, FarmError> {
    let task: RendererPayload = parse(payload)?;
    if task.launch_function_config.version != context.config.version {
        return Err(FarmError::Render(format!(
            "The main function has version {} but this renderer has version {}: the main and \
             renderer functions must be the same version",
            task.launch_function_config.version, context.config.version
        )));
    }
    let bucket = context.storage.bucket(&task.bucket_name)?;
    let cancelled = |bucket: &dyn Bucket| {
        task.enable_cancellation
            && bucket
                .head(&super::cancel_key(&task.render_id))
                .ok()
                .flatten()
                .is_some()
    };
    if cancelled(bucket.as_ref()) {
        // The render already ended (a sibling failed fatally, or it timed out).
        return Ok(json!({"type": "success", "chunk": task.chunk, "cancelled": true}));
    }
    let mut status = TransportStatus {
        schema: 1,
        chunk: task.chunk,
        attempt: task.attempt,
        lambda_invoked: true,
        rendered_frames: 0,
        encoded_frames: 0,
        started_at: crate::util::now_ms(),
        state: "running".into(),
        completed_at: None,
        video_key: None,
        audio_key: None,
        artifacts: Vec::new(),
        failed_at: None,
        error_info: None,
        should_retry: false,
    };
    status.write(bucket.as_ref(), &task.render_id)?;
    let scratch = super::scratch_dir();
    let _ = std::fs::remove_dir_all(&scratch);
    let result = render_chunk(context, &task, bucket.as_ref(), &mut status, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    if cancelled(bucket.as_ref()) {
        // Nobody will collect this attempt: remove what it wrote.
        if let Ok(objects) = bucket.list(&super::attempt_prefix(
            &task.render_id,
            task.chunk,
            task.attempt,
        )) {
            for object in objects {
                let _ = bucket.delete(&object.key);
            }
        }
        return Ok(json!({"type": "success", "chunk": task.chunk, "cancelled": true}));
    }
    match result {
        Ok((key, audio)) => {
            status.state = "completed".into();
            status.completed_at = Some(crate::util::now_ms());
            status.video_key = key;
            status.audio_key = audio;
            status.write(bucket.as_ref(), &task.render_id)?;
            Ok(json!({"type": "success", "chunk": task.chunk}))
        }
        Err((frame, error)) => {
            let (range_start, range_end) = (task.frame_range[0], task.frame_range[1]);
            let message = match frame {
                Some(f) => format!(
                    "Chunk {} (frames {range_start}-{range_end}) failed at frame {f}: {error}",
                    task.chunk
                ),
                None => format!(
                    "Chunk {} (frames {range_start}-{range_end}) failed: {error}",
                    task.chunk
                ),
            };
            let (info, should_retry) = chunk_error(
                task.chunk,
                frame,
                task.attempt,
                task.retries_left,
                error.name(),
                message,
            );
            status.state = "failed".into();
            status.failed_at = Some(crate::util::now_ms());
            status.error_info = Some(info);
            status.should_retry = should_retry;
            status.write(bucket.as_ref(), &task.render_id)?;
            Err(error)
        }
    }
}

/// The chunk's video key (none for an audio-only codec), and its sound's when its frames
/// played any.
type ChunkResult = Result<(Option<String>, Option<String>), (Option<u32>, FarmError)>;

fn render_chunk(
    context: &mut Context<'_>,
    task: &RendererPayload,
    bucket: &dyn Bucket,
    status: &mut TransportStatus,
    scratch: &std::path::Path,
) -> ChunkResult {
    let whole = |e: FarmError| (None, e);
    let props = task.input_props.resolve(context.storage).map_err(whole)?;
    let resolved = resolved_composition(task, context.storage).map_err(whole)?;
    let codec = match MediaCodec::parse(&task.codec).map_err(|e| whole(e.into()))? {
        MediaCodec::Video(codec) => codec,
        MediaCodec::Audio(_) => {
            let inputs = (&props, resolved.as_ref());
            return compose_chunk_sound(context, task, bucket, status, inputs, scratch);
        }
    };
    let pixel_format = task
        .pixel_format
        .as_deref()
        .map(PixelFormat::parse)
        .transpose()
        .map_err(|e| whole(e.into()))?;
    let backend = EncoderBackend::from_name(&task.encoder, context.config.ffmpeg_program());
    std::fs::create_dir_all(scratch)
        .map_err(|e| whole(FarmError::io("cannot create the scratch folder")(e)))?;
    let cancel_key = super::cancel_key(&task.render_id);
    let (received, warm) = (context.received, context.warm.invocations > 0);
    let scene = prepare_scene(
        context,
        &SceneSpec::of_chunk(task, &props, resolved.as_ref()),
    )
    .map_err(whole)?;
    let settings = VideoSettings {
        codec,
        width: task.width,
        height: task.height,
        fps: task.fps,
        crf: task.crf,
        x264_preset: task.x264_preset.clone(),
        video_bitrate: task.video_bitrate.clone(),
        pixel_format,
        encoder_threads: Some(1),
        prores_profile: super::validate::prores_profile(task.pro_res_profile.as_deref())
            .map_err(whole)?,
        gif_loops: None,
        color_space: super::validate::color_space(task.color_space.as_deref()).map_err(whole)?,
        max_rate: task.encoding_max_rate.clone(),
        buffer_size: task.encoding_buffer_size.clone(),
        // Tags belong to the finished file, which the launch writes.
        metadata: Vec::new(),
    };
    let path: PathBuf = scratch.join(format!("chunk.{}", backend.chunk_extension(codec)));
    let timing = ChunkTiming {
        first_frame: task.chunk as u64 * task.frames_per_lambda as u64,
    };
    let mut encoder = backend
        .start_chunk(settings, &path, timing)
        .map_err(|e| whole(e.into()))?;
    let every = task.progress_every_nth_frame.max(1) as u64;
    // ffmpeg's own count (frames handed to its codec, reported every half second).
    let encoded = encoder.encoded();
    let mut last_cancel_check = std::time::Instant::now();
    let first = task.composition_start;
    let nth = task.every_nth_frame.max(1);
    let mut heard = Heard::default();
    for frame in task.frame_range[0]..=task.frame_range[1] {
        if !(frame - first).is_multiple_of(task.every_nth_frame.max(1)) {
            continue;
        }
        if task.enable_cancellation && last_cancel_check.elapsed().as_millis() >= 1000 {
            last_cancel_check = std::time::Instant::now();
            if bucket.head(&cancel_key).ok().flatten().is_some() {
                encoder.abort();
                return Err((None, FarmError::Render("the render was cancelled".into())));
            }
        }
        let at = |e: FarmError| (Some(frame), e);
        let tree = scene.engine.render_frame(frame).map_err(|e| at(e.into()))?;
        if task.sound {
            heard.add((frame - first) / nth, frame, &tree.media);
        }
        let image = scene.renderer.paint(&tree).map_err(|e| at(e.into()))?;
        if status.rendered_frames == 0 {
            // Read by bench/farm.sh: invocation (or process start, when cold) to the first
            // frame painted.
            eprintln!(
                "first-frame chunk={} ms={:.1} warm={}",
                task.chunk,
                received.elapsed().as_secs_f64() * 1000.0,
                warm
            );
        }
        encoder
            .write(image.for_encoder())
            .map_err(|e| at(e.into()))?;
        status.rendered_frames += 1;
        status.encoded_frames = encoded.load(Ordering::Relaxed);
        if status.rendered_frames.is_multiple_of(every) {
            status.write(bucket, &task.render_id).map_err(whole)?;
        }
    }
    encoder.finish().map_err(|e| whole(e.into()))?;
    status.encoded_frames = status.rendered_frames;
    let audio = chunk_sound(context, task, heard, bucket, scratch)?;
    let key = video_key(&task.render_id, task.chunk, task.attempt);
    bucket
        .put_file(&key, &path, &PutOptions::default())
        .map_err(|e| whole(e.into()))?;
    Ok((Some(key), audio))
}

/// A chunk of an audio-only render (codec mp3, aac or wav): its frames are composed, not
/// painted, to learn what they play; the mix is the chunk's whole output.
fn compose_chunk_sound(
    context: &mut Context<'_>,
    task: &RendererPayload,
    bucket: &dyn Bucket,
    status: &mut TransportStatus,
    (props, resolved): (&Value, Option<&ResolvedComposition>),
    scratch: &std::path::Path,
) -> ChunkResult {
    let whole = |e: FarmError| (None, e);
    let cancel_key = super::cancel_key(&task.render_id);
    let scene =
        prepare_scene(context, &SceneSpec::of_chunk(task, props, resolved)).map_err(whole)?;
    let every = task.progress_every_nth_frame.max(1) as u64;
    let mut last_cancel_check = std::time::Instant::now();
    let first = task.composition_start;
    let mut heard = Heard::default();
    for frame in task.frame_range[0]..=task.frame_range[1] {
        if task.enable_cancellation && last_cancel_check.elapsed().as_millis() >= 1000 {
            last_cancel_check = std::time::Instant::now();
            if bucket.head(&cancel_key).ok().flatten().is_some() {
                return Err((None, FarmError::Render("the render was cancelled".into())));
            }
        }
        let tree = scene
            .engine
            .render_frame(frame)
            .map_err(|e| (Some(frame), e.into()))?;
        heard.add(frame - first, frame, &tree.media);
        // Composed is all there is to render and encode of a frame here.
        status.rendered_frames += 1;
        status.encoded_frames = status.rendered_frames;
        if status.rendered_frames.is_multiple_of(every) {
            status.write(bucket, &task.render_id).map_err(whole)?;
        }
    }
    let audio = chunk_sound(context, task, heard, bucket, scratch)?;
    Ok((None, audio))
}

/// Mixes the sound the chunk's frames played and stores it; its key, or `None` when nothing
/// was audible (or no ffmpeg runs, which the launch has checked and warned about).
fn chunk_sound(
    context: &mut Context<'_>,
    task: &RendererPayload,
    heard: Heard,
    bucket: &dyn Bucket,
    scratch: &std::path::Path,
) -> Result<Option<String>, (Option<u32>, FarmError)> {
    if heard.is_empty() {
        return Ok(None);
    }
    let ffmpeg = context.config.ffmpeg_program().to_path_buf();
    if !EncoderBackend::ffmpeg_found(&ffmpeg) {
        return Ok(None);
    }
    let resources = match &context.warm.scene {
        Some(scene) => scene.resources.clone(),
        None => return Ok(None),
    };
    let nth = task.every_nth_frame.max(1);
    let window = MixWindow {
        fps: task.fps,
        composition_fps: task.fps * f64::from(nth),
        first: (task.frame_range[0] - task.composition_start).div_ceil(nth),
        frames: (task.frame_range[0]..=task.frame_range[1])
            .filter(|f| (f - task.composition_start).is_multiple_of(nth))
            .count() as u32,
    };
    let mixed = heard.mix(&ffmpeg, &resources, window);
    let Some(mix) = mixed.map_err(|e| (e.frame(), e.into()))? else {
        return Ok(None);
    };
    std::fs::create_dir_all(scratch)
        .map_err(|e| (None, FarmError::io("cannot create the scratch folder")(e)))?;
    // Raw samples, as the launch lays them end to end.
    let file = scratch.join("chunk-sound.f32");
    mix.write_raw(&file).map_err(|e| (e.frame(), e.into()))?;
    let key = audio_key(&task.render_id, task.chunk, task.attempt);
    let stored = bucket.put_file(&key, &file, &PutOptions::default());
    let _ = std::fs::remove_file(&file);
    stored.map_err(|e| (None, e.into()))?;
    Ok(Some(key))
}

/// Failure destination for Event invocations of the embedded pool: a renderer whose worker
/// died (or timed out) never wrote its failure, so the pool reports it here, as the renderer
/// would have, and the launch retries the chunk.
pub fn report_failed_invocation(
    storage: &dyn Storage,
    payload: &Value,
    error: &crate::invoker::InvokeError,
) {
    match payload.get("type").and_then(Value::as_str) {
        Some("renderer") => {}
        Some("launch") => return report_failed_launch(storage, payload, error),
        _ => return,
    }
    let Ok(task) = parse::<RendererPayload>(payload) else {
        return;
    };
    let Ok(bucket) = storage.bucket(&task.bucket_name) else {
        return;
    };
    if bucket
        .head(&super::cancel_key(&task.render_id))
        .ok()
        .flatten()
        .is_some()
    {
        // The render is over; nobody will read this chunk's status.
        return;
    }
    let previous: Option<TransportStatus> = bucket
        .get(&status_key(&task.render_id, task.chunk, task.attempt))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    if previous.as_ref().is_some_and(|s| s.state != "running") {
        return;
    }
    let message = format!(
        "Chunk {} (frames {}-{}) failed: {error}",
        task.chunk, task.frame_range[0], task.frame_range[1]
    );
    let (info, should_retry) = chunk_error(
        task.chunk,
        None,
        task.attempt,
        task.retries_left,
        error.error_type(),
        message,
    );
    let now = crate::util::now_ms();
    let status = TransportStatus {
        schema: 1,
        chunk: task.chunk,
        attempt: task.attempt,
        lambda_invoked: true,
        rendered_frames: previous.as_ref().map_or(0, |s| s.rendered_frames),
        encoded_frames: previous.as_ref().map_or(0, |s| s.encoded_frames),
        started_at: previous.as_ref().map_or(now, |s| s.started_at),
        state: "failed".into(),
        completed_at: None,
        video_key: None,
        audio_key: None,
        artifacts: Vec::new(),
        failed_at: Some(now),
        error_info: Some(info),
        should_retry,
    };
    if let Err(e) = status.write(bucket.as_ref(), &task.render_id) {
        tracing::warn!("cannot report the failed chunk {}: {e}", task.chunk);
    }
}

/// A main function whose worker died or ran past its timeout wrote nothing more: its render
/// gets the fatal error now (clients would otherwise wait for the render's deadline) and is
/// marked finished, so that whoever hosts the farm stops waiting for it.
fn report_failed_launch(
    storage: &dyn Storage,
    payload: &Value,
    error: &crate::invoker::InvokeError,
) {
    let Ok(launch) = parse::<crate::payload::LaunchPayload>(payload) else {
        return;
    };
    let Some(bucket) = launch
        .params
        .bucket_name
        .as_deref()
        .and_then(|name| storage.bucket(name).ok())
    else {
        return;
    };
    let Ok(Some(mut progress)) =
        crate::progress::OverallRenderProgress::read(bucket.as_ref(), &launch.render_id)
    else {
        return;
    };
    if progress.launch_finished.is_some() {
        return;
    }
    let now = crate::util::now_ms();
    progress.errors.push(crate::progress::ErrorInfo::new(
        "stitcher",
        error.error_type(),
        format!("The main function failed: {error}"),
        true,
    ));
    progress.fatal_error_timestamp.get_or_insert(now);
    progress.launch_finished = Some(now);
    if let Err(e) = progress.write(bucket.as_ref(), &launch.render_id) {
        tracing::warn!("cannot report the failed main function: {e}");
    }
}
