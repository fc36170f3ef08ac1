//! `launch`, the main function (reference §4.2): evaluates the composition, plans chunks,
//! Event-invokes one `renderer` per chunk, follows them through the bucket (retrying failed
//! chunks), stitches without re-encoding, uploads the output, writes the post-render data,
//! cleans up and sends the webhook. It stops itself one second before its deadline.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kinema_compose::{Engine, Limits};
use kinema_encode::audio::{SampleBlocks, Silence};
use kinema_encode::{
    AudioSettings, ChunkFile, Codec, EncodeError, EncoderBackend, MediaCodec, PixelFormat,
    PlanOptions, VideoSettings, plan_chunks,
};
use serde_json::{Value, json};

use crate::bucket::{Bucket, BucketError, PutOptions};
use crate::error::FarmError;
use crate::function::Context;
use crate::payload::{DownloadBehavior, LaunchPayload, OutNameInput, RendererPayload, parse};
use crate::progress::{
    ChunkTiming, Dimensions, ErrorInfo, OverallRenderProgress, PostRenderCost, PostRenderData,
    RenderMetadata, RetryInfo,
};
use crate::props::{PropsKind, SerializedInputProps, VIDEO_LIMIT};

use super::renderer::{TransportStatus, status_key, video_key};

/// What the launch writes.
enum Deliverable {
    /// A video, stitched from the chunks' files, with their sound beside it (`None`: muted,
    /// a GIF, or no ffmpeg to mix it).
    Video {
        codec: Codec,
        settings: VideoSettings,
        backend: EncoderBackend,
        sound: Option<AudioSettings>,
    },
    /// A sound file (codec mp3, aac or wav): the chunks' mixes laid end to end, encoded.
    Sound(AudioSettings),
}

/// How a launch ended without an output.
enum Failure {
    /// An error not yet recorded in `progress.json`.
    Fatal(FarmError),
    /// A chunk failed for good; its error is recorded.
    ChunkFailed(String),
    /// The function is about to be stopped.
    TimedOut,
}

impl From<FarmError> for Failure {
    fn from(e: FarmError) -> Self {
        Failure::Fatal(e)
    }
}

impl From<BucketError> for Failure {
    fn from(e: BucketError) -> Self {
        Failure::Fatal(e.into())
    }
}

/// `progress.json`, written when changed and at most every 250 ms (reference §7.1).
struct Tracker {
    bucket: Arc<dyn Bucket>,
    render_id: String,
    progress: OverallRenderProgress,
    dirty: bool,
    last_write: Instant,
}

impl Tracker {
    fn flush(&mut self) -> Result<(), FarmError> {
        self.progress.write(self.bucket.as_ref(), &self.render_id)?;
        self.dirty = false;
        self.last_write = Instant::now();
        Ok(())
    }

    fn flush_if_due(&mut self) -> Result<(), FarmError> {
        if self.dirty && self.last_write.elapsed() >= Duration::from_millis(250) {
            self.flush()?;
        }
        Ok(())
    }
}

/// What the launch created and must remove, whatever happens.
struct Leftovers {
    /// Uploaded props (bucket, key): the input props, and the resolved props once uploaded.
    props: Vec<(String, String)>,
    local_dir: PathBuf,
}

pub fn run(context: &mut Context<'_>, payload: &Value) -> Result<Value, FarmError> {
    let launch: LaunchPayload = parse(payload)?;
    let launched_at = crate::util::now_ms();
    let bucket_name = launch
        .params
        .bucket_name
        .clone()
        .ok_or_else(|| FarmError::field("bucketName", "is required"))?;
    let bucket = context.storage.bucket(&bucket_name)?;
    let progress = OverallRenderProgress::read(bucket.as_ref(), &launch.render_id)?
        .unwrap_or_else(|| OverallRenderProgress::initial(launched_at, context.deadline_ms, false));
    let mut tracker = Tracker {
        bucket: bucket.clone(),
        render_id: launch.render_id.clone(),
        progress,
        dirty: true,
        last_write: Instant::now(),
    };
    let mut leftovers = Leftovers {
        props: launch
            .params
            .input_props
            .uploaded()
            .map(|(b, k)| (b.to_string(), k))
            .into_iter()
            .collect(),
        local_dir: super::scratch_dir(),
    };
    let _ = std::fs::remove_dir_all(&leftovers.local_dir);
    let outcome = orchestrate(context, &launch, &mut tracker, &mut leftovers, launched_at);
    let webhook = launch.params.webhook.clone();
    let hook_body = |kind: &str| {
        json!({
            "type": kind,
            "renderId": launch.render_id,
            "expectedBucketOwner": "local",
            "bucketName": bucket_name,
            "customData": webhook.as_ref().and_then(|w| w.custom_data.clone()),
        })
    };
    match outcome {
        Ok(()) => {}
        Err(failure) => {
            let message = match failure {
                Failure::Fatal(error) => {
                    let message = error.to_string();
                    let now = crate::util::now_ms();
                    tracker.progress.errors.push(ErrorInfo::new(
                        "stitcher",
                        error.name(),
                        message.clone(),
                        true,
                    ));
                    tracker.progress.fatal_error_timestamp.get_or_insert(now);
                    Some(message)
                }
                Failure::ChunkFailed(message) => Some(message),
                Failure::TimedOut => None,
            };
            // Stop renderers still working on this render.
            let _ = bucket.put(
                &super::cancel_key(&launch.render_id),
                json!({"cancelledAt": crate::util::now_ms()})
                    .to_string()
                    .as_bytes(),
                &PutOptions::default(),
            );
            wait_for_renderers(bucket.as_ref(), &launch.render_id);
            clean_up(context, &launch.render_id, bucket.as_ref(), &leftovers);
            if let Some(hook) = &webhook {
                let body = match &message {
                    Some(message) => {
                        let mut body = hook_body("error");
                        body["errors"] =
                            json!([{"message": message, "name": "Error", "stack": message}]);
                        body
                    }
                    None => hook_body("timeout"),
                };
                if let Err(e) =
                    crate::webhook::send(hook, &body, context.config.fetch_private_addresses)
                {
                    tracker.progress.errors.push(webhook_error(e));
                }
            }
        }
    }
    // The last write of the launch: whoever hosts the farm waits for it before stopping.
    tracker.progress.launch_finished = Some(crate::util::now_ms());
    if let Some(post) = &mut tracker.progress.post_render_data {
        // The webhook ran after the post-render data was first written.
        post.errors = tracker.progress.errors.clone();
    }
    tracker.flush()?;
    Ok(json!({}))
}

fn webhook_error(message: String) -> ErrorInfo {
    ErrorInfo::new("webhook", "Error", message, false)
}

/// Gives renderers still running up to three seconds to see the cancellation and remove
/// their own transport objects.
fn wait_for_renderers(bucket: &dyn Bucket, render_id: &str) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        let running = bucket
            .list(&super::transport_prefix(render_id))
            .unwrap_or_default()
            .iter()
            .filter(|o| o.key.ends_with("/status.json"))
            .filter_map(|o| bucket.get(&o.key).ok())
            .filter_map(|b| serde_json::from_slice::<TransportStatus>(&b).ok())
            .any(|s| s.state == "running");
        if !running {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Deletes uploaded props, transport objects and local files; returns how many objects went.
fn clean_up(
    context: &Context<'_>,
    render_id: &str,
    bucket: &dyn Bucket,
    leftovers: &Leftovers,
) -> u64 {
    let mut deleted = 0;
    for (props_bucket, key) in &leftovers.props {
        if let Ok(b) = context.storage.bucket(props_bucket)
            && b.delete(key).is_ok()
        {
            deleted += 1;
        }
    }
    if let Ok(objects) = bucket.list(&super::transport_prefix(render_id)) {
        for object in objects {
            if bucket.delete(&object.key).is_ok() {
                deleted += 1;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&leftovers.local_dir);
    deleted
}

/// Chunk bookkeeping in the launch.
struct ChunkState {
    attempt: u32,
    retries_left: u32,
    rendered: u64,
    encoded: u64,
    done: bool,
    invoked_attempts: Vec<u32>,
}

fn orchestrate(
    context: &mut Context<'_>,
    launch: &LaunchPayload,
    tracker: &mut Tracker,
    leftovers: &mut Leftovers,
    launched_at: u64,
) -> Result<(), Failure> {
    let params = &launch.params;
    let render_id = &launch.render_id;
    let bucket = tracker.bucket.clone();
    let props = params.input_props.resolve(context.storage)?;

    // Evaluate the composition.
    let site = super::load_site(context.storage, &params.serve_url, bucket.name())?;
    tracker.progress.serve_url_opened = Some(crate::util::now_ms());
    tracker.dirty = true;
    let bundle = crate::sites::bundle(
        &site,
        &props,
        &params.env_variables,
        context.config.fetch_private_addresses,
    )?;
    // calculateMetadata runs here, once; every chunk renders the props it resolved.
    let (info, resolved) = Engine::new(bundle, Limits::default())
        .and_then(|mut engine| {
            engine.resolve(&params.composition, &props, &params.force.overrides())
        })
        .map_err(FarmError::from)?;
    tracker.progress.composition_validated = Some(crate::util::now_ms());
    tracker.flush()?;
    // Uploaded when, with the input props and the environment variables, they would push a
    // renderer's payload over the limit.
    let env_len = serde_json::to_string(&params.env_variables).map_or(0, |t| t.len());
    let room = VIDEO_LIMIT.saturating_sub(params.input_props.payload_len() + env_len);
    let resolved_props = SerializedInputProps::from_text(
        resolved.props,
        PropsKind::Resolved,
        bucket.as_ref(),
        room,
    )?;
    if let Some((b, key)) = resolved_props.uploaded_as(PropsKind::Resolved) {
        leftovers.props.push((b.to_string(), key));
    }
    let resolved_metadata = resolved.metadata;

    // Plan.
    let media_codec = MediaCodec::parse(&params.codec).map_err(FarmError::from)?;
    let plan = plan_chunks(
        info.duration_in_frames,
        &PlanOptions {
            frame_range: params.frame_range.map(|r| r.as_pair()),
            every_nth_frame: params.every_nth_frame,
            frames_per_chunk: params.frames_per_lambda,
            concurrency: params.concurrency,
        },
    )
    .map_err(FarmError::from)?;
    let width = (info.width as f64 * params.scale).round() as u32;
    let height = (info.height as f64 * params.scale).round() as u32;
    let fps = info.fps / params.every_nth_frame as f64;
    let (deliverable, extension) = match media_codec {
        MediaCodec::Video(codec) => {
            video_deliverable(context, params, codec, &info, (width, height))?
        }
        MediaCodec::Audio(codec) => {
            let (settings, extension) = super::validate::sound_file(params, codec)?;
            // `start` checked that the farm has an ffmpeg to mix and encode with.
            (Deliverable::Sound(settings), extension)
        }
    };
    let (out_bucket_name, out_key) = match &params.out_name {
        None => (
            bucket.name().to_string(),
            format!("renders/{render_id}/out.{extension}"),
        ),
        Some(OutNameInput::Name(name)) => (
            bucket.name().to_string(),
            format!("renders/{render_id}/{name}"),
        ),
        Some(OutNameInput::Custom { bucket_name, key }) => (bucket_name.clone(), key.clone()),
    };
    let sound = match &deliverable {
        Deliverable::Video { sound, .. } => sound.clone(),
        Deliverable::Sound(settings) => Some(settings.clone()),
    };
    let out_bucket = context.storage.bucket(&out_bucket_name)?;
    if !params.overwrite && out_bucket.head(&out_key)?.is_some() {
        return Err(FarmError::Render(format!(
            "Output file \"{out_key}\" in bucket \"{out_bucket_name}\" in region \"{}\" already \
             exists. Delete it before re-rendering, or set the 'overwrite' option to overwrite it.",
            context.config.region
        ))
        .into());
    }
    let chunk_count = plan.chunks.len();
    let frame_count = plan.frame_count as u64;
    let started_date = crate::util::now_ms();
    tracker.progress.render_metadata = Some(RenderMetadata {
        kind: "video".into(),
        image_format: "none".into(),
        codec: Some(media_codec.name().into()),
        muted: params.muted,
        frame_range: [plan.frame_range.start, plan.frame_range.end],
        every_nth_frame: plan.every_nth_frame,
        site_id: params.serve_url.clone(),
        started_date,
        total_chunks: chunk_count,
        estimated_total_lambda_invokations: chunk_count + 1,
        estimated_render_lambda_invokations: chunk_count,
        composition_id: info.id.clone(),
        audio_codec: sound.as_ref().map(|s| s.codec.name().to_string()),
        input_props: serde_json::to_value(&params.input_props).unwrap_or(Value::Null),
        frames_per_lambda: plan.frames_per_chunk,
        memory_size_in_mb: context.config.memory_size_in_mb,
        disk_size_in_mb: context.config.disk_size_in_mb,
        function_name: context.function_name.clone(),
        renderer_function_name: None,
        lambda_version: context.config.version.clone(),
        region: context.config.region.clone(),
        render_id: render_id.clone(),
        out_name: params
            .out_name
            .as_ref()
            .map(|o| serde_json::to_value(o).unwrap_or(Value::Null)),
        output_file_is_conditional: !params.overwrite,
        privacy: params.privacy.clone(),
        delete_after: params.delete_after.clone(),
        number_of_gif_loops: params.number_of_gif_loops,
        audio_bitrate: sound.as_ref().and(params.audio_bitrate.clone()),
        download_behavior: serde_json::to_value(
            params
                .download_behavior
                .clone()
                .unwrap_or(DownloadBehavior::PlayInBrowser),
        )
        .unwrap_or(Value::Null),
        metadata: params.metadata.clone().map(Value::Object),
        dimensions: Dimensions { width, height },
        scale: params.scale,
        frame_count: plan.frame_count,
        out_bucket: out_bucket_name.clone(),
        out_key: out_key.clone(),
    });
    tracker.flush()?;

    // Fan out, one renderer per chunk.
    let progress_every = chunk_count.div_ceil(15).max(1) as u32;
    let renderer_payload = |chunk: usize, attempt: u32, retries_left: u32| {
        let range = plan.chunks[chunk];
        let payload = RendererPayload {
            chunk,
            frame_range: [range.start, range.end],
            fps,
            width,
            height,
            duration_in_frames: info.duration_in_frames,
            composition_start: plan.frame_range.start,
            frames_per_lambda: plan.frames_per_chunk,
            progress_every_nth_frame: progress_every,
            retries_left,
            attempt,
            input_props: params.input_props.clone(),
            resolved_props: Some(resolved_props.clone()),
            render_id: render_id.clone(),
            bucket_name: bucket.name().to_string(),
            serve_url: params.serve_url.clone(),
            composition: params.composition.clone(),
            overrides: params.force.overrides(),
            codec: media_codec.name().into(),
            crf: params.crf,
            x264_preset: params.x264_preset.clone(),
            pixel_format: params.pixel_format.clone(),
            pro_res_profile: params.pro_res_profile.clone(),
            color_space: params.color_space.clone(),
            encoding_max_rate: params.encoding_max_rate.clone(),
            encoding_buffer_size: params.encoding_buffer_size.clone(),
            video_bitrate: params.video_bitrate.clone(),
            scale: params.scale,
            every_nth_frame: params.every_nth_frame,
            launch_function_config: crate::payload::LaunchFunctionConfig {
                version: context.config.version.clone(),
            },
            // Sound is mixed and encoded by ffmpeg.
            encoder: match &deliverable {
                Deliverable::Video { backend, .. } => backend.name().into(),
                Deliverable::Sound(_) => "ffmpeg".into(),
            },
            enable_cancellation: true,
            sound: sound.is_some(),
            env_variables: params.env_variables.clone(),
            resolved_metadata: Some(resolved_metadata.clone()),
        };
        let mut value = serde_json::to_value(payload).expect("payload serialises");
        value["type"] = json!("renderer");
        value
    };
    let mut chunks: Vec<ChunkState> = (0..chunk_count)
        .map(|_| ChunkState {
            attempt: 1,
            retries_left: params.max_retries,
            rendered: 0,
            encoded: 0,
            done: false,
            invoked_attempts: Vec::new(),
        })
        .collect();
    for chunk in 0..chunk_count {
        context
            .invoker
            .invoke_event(
                &context.function_name,
                renderer_payload(chunk, 1, params.max_retries),
            )
            .map_err(FarmError::from)?;
    }

    // Follow the renderers.
    let chunk_extension = match &deliverable {
        Deliverable::Video { backend, codec, .. } => backend.chunk_extension(*codec),
        // A sound chunk is its mix alone (see `local_sound`).
        Deliverable::Sound(_) => "none",
    };
    std::fs::create_dir_all(&leftovers.local_dir)
        .map_err(FarmError::io("cannot create the launch's scratch folder"))?;
    let local_chunk = |c: usize| {
        leftovers
            .local_dir
            .join(format!("chunk-{c:05}.{chunk_extension}"))
    };
    let local_sound = |c: usize| leftovers.local_dir.join(format!("chunk-{c:05}.f32"));
    let (base, cap) = if bucket.is_local() {
        (Duration::from_millis(25), Duration::from_millis(200))
    } else {
        (Duration::from_millis(250), Duration::from_millis(2000))
    };
    let mut interval = base;
    let mut first_rendered: Option<u64> = None;
    let mut first_encoded: Option<u64> = None;
    while chunks.iter().any(|c| !c.done) {
        if crate::util::now_ms() + 1000 >= context.deadline_ms {
            tracker.flush()?;
            return Err(Failure::TimedOut);
        }
        let mut changed = false;
        for (index, state) in chunks.iter_mut().enumerate().filter(|(_, c)| !c.done) {
            let key = status_key(render_id, index, state.attempt);
            let status: TransportStatus = match bucket.get(&key) {
                Ok(bytes) => match serde_json::from_slice(&bytes) {
                    Ok(s) => s,
                    Err(_) => continue,
                },
                Err(e) if e.is_not_found() => continue,
                Err(e) => return Err(e.into()),
            };
            if status.lambda_invoked && !state.invoked_attempts.contains(&status.attempt) {
                state.invoked_attempts.push(status.attempt);
                tracker.progress.lambdas_invoked += 1;
                changed = true;
            }
            match status.state.as_str() {
                "completed" => {
                    if let Deliverable::Video { .. } = deliverable {
                        let source = status
                            .video_key
                            .clone()
                            .unwrap_or_else(|| video_key(render_id, index, state.attempt));
                        bucket.get_to_file(&source, &local_chunk(index))?;
                        bucket.delete(&source)?;
                    }
                    if let Some(sound) = &status.audio_key {
                        bucket.get_to_file(sound, &local_sound(index))?;
                        bucket.delete(sound)?;
                    }
                    bucket.delete(&key)?;
                    let frames = plan.frames_of(index).count() as u64;
                    state.rendered = frames;
                    state.encoded = frames;
                    state.done = true;
                    tracker.progress.chunks.push(index);
                    tracker.progress.timings.push(ChunkTiming {
                        chunk: index,
                        start: status.started_at,
                        rendered: status.completed_at.unwrap_or_else(crate::util::now_ms),
                    });
                    changed = true;
                }
                "failed" => {
                    bucket.delete(&key)?;
                    let error = status.error_info.clone().unwrap_or_else(|| {
                        super::renderer::chunk_error(
                            index,
                            None,
                            state.attempt,
                            state.retries_left,
                            "Error",
                            format!("Chunk {index} failed without an error"),
                        )
                        .0
                    });
                    let retry = status.should_retry && state.retries_left > 0;
                    let message = error.message.clone();
                    tracker.progress.errors.push(ErrorInfo {
                        will_retry: retry,
                        is_fatal: !retry,
                        ..error
                    });
                    changed = true;
                    if !retry {
                        tracker.progress.fatal_error_timestamp = Some(crate::util::now_ms());
                        tracker.flush()?;
                        return Err(Failure::ChunkFailed(message));
                    }
                    state.attempt += 1;
                    state.retries_left -= 1;
                    tracker.progress.retries.push(RetryInfo {
                        chunk: index,
                        attempt: state.attempt,
                        time: crate::util::now_ms(),
                    });
                    context
                        .invoker
                        .invoke_event(
                            &context.function_name,
                            renderer_payload(index, state.attempt, state.retries_left),
                        )
                        .map_err(FarmError::from)?;
                }
                _ => {
                    // A retry starts from zero; keep the counts monotonic.
                    if status.rendered_frames > state.rendered
                        || status.encoded_frames > state.encoded
                    {
                        state.rendered = state.rendered.max(status.rendered_frames);
                        state.encoded = state.encoded.max(status.encoded_frames);
                        changed = true;
                    }
                }
            }
        }
        if changed {
            let now = crate::util::now_ms();
            let progress = &mut tracker.progress;
            progress.frames_rendered = chunks.iter().map(|c| c.rendered).sum();
            progress.frames_encoded = chunks.iter().map(|c| c.encoded).sum();
            if progress.frames_rendered > 0 {
                first_rendered.get_or_insert(now);
            }
            if progress.frames_encoded > 0 {
                first_encoded.get_or_insert(now);
            }
            if progress.frames_rendered >= frame_count && progress.time_to_render_frames.is_none() {
                progress.time_to_render_frames = Some(now - first_rendered.unwrap_or(now));
            }
            tracker.dirty = true;
            interval = base;
        } else {
            interval = (interval.mul_f64(1.5)).min(cap);
        }
        tracker.flush_if_due()?;
        if chunks.iter().any(|c| !c.done) {
            std::thread::sleep(interval);
        }
    }
    let all_done = crate::util::now_ms();
    tracker.progress.time_to_encode = Some(all_done - first_encoded.unwrap_or(all_done));
    tracker
        .progress
        .time_to_render_frames
        .get_or_insert(all_done - first_rendered.unwrap_or(all_done));
    tracker.flush()?;

    // Stitch without re-encoding (or, for a sound file, lay the mixes end to end and encode
    // them) and upload.
    let mixes: Vec<(u32, PathBuf)> = (0..chunk_count)
        .map(|c| {
            (
                plan.chunks[c].start - plan.frame_range.start,
                local_sound(c),
            )
        })
        .filter(|(_, path)| path.exists())
        .collect();
    let stitched = leftovers.local_dir.join(format!("out.{extension}"));
    let stitch_start = crate::util::now_ms();
    let stitched = match &deliverable {
        Deliverable::Video {
            settings,
            backend,
            sound,
            ..
        } => {
            let files: Vec<ChunkFile> = (0..chunk_count)
                .map(|c| ChunkFile {
                    path: local_chunk(c),
                    frames: plan.frames_of(c).count() as u64,
                })
                .collect();
            backend
                .stitch(settings, &files, &stitched)
                .map_err(FarmError::from)?;
            for file in &files {
                let _ = std::fs::remove_file(&file.path);
            }
            match sound {
                Some(sound) if !mixes.is_empty() => {
                    let mut samples = laid_end_to_end(mixes, fps, plan.frame_count);
                    let with_sound = stitched.with_file_name(format!("with-sound.{extension}"));
                    kinema_encode::audio::mux(
                        context.config.ffmpeg_program(),
                        &stitched,
                        &mut samples,
                        sound,
                        &with_sound,
                    )
                    .map_err(FarmError::from)?;
                    with_sound
                }
                _ => stitched,
            }
        }
        Deliverable::Sound(settings) => {
            if mixes.is_empty() {
                tracing::warn!(
                    "nothing in {} plays a sound: render {render_id} is silence",
                    info.id
                );
            }
            let mut samples = laid_end_to_end(mixes, fps, plan.frame_count);
            let metadata = super::validate::metadata(params)?;
            kinema_encode::audio::encode(
                context.config.ffmpeg_program(),
                &mut samples,
                settings,
                &metadata,
                &stitched,
            )
            .map_err(FarmError::from)?;
            stitched
        }
    };
    let time_to_combine = crate::util::now_ms() - stitch_start;
    tracker.progress.combined_frames = frame_count;
    tracker.progress.time_to_combine = Some(time_to_combine);
    tracker.flush()?;
    upload_output(
        out_bucket.as_ref(),
        &out_key,
        &stitched,
        params.overwrite,
        &context.config.region,
    )?;
    let size = std::fs::metadata(&stitched).map(|m| m.len()).unwrap_or(0);

    let cleanup_start = crate::util::now_ms();
    let deleted = clean_up(context, render_id, bucket.as_ref(), leftovers);
    let end = crate::util::now_ms();
    // Priced up to here; `launch_finished` itself is written once the webhook has been sent
    // too, as the mark that the launch has nothing left to do.
    let (billed, memory, disk) = crate::status::billing(&tracker.progress, end);
    let region = &context.config.region;
    let estimated = crate::cost::price(
        region,
        memory,
        disk,
        billed,
        tracker.progress.lambdas_invoked + 1,
    )
    .map(crate::cost::to_fixed_5)
    .unwrap_or(0.0);
    let currency = crate::cost::region_prices(region).map_or("USD", |p| p.currency);
    let timings = &tracker.progress.timings;
    let chunks_span = timings.iter().map(|t| t.rendered).max().unwrap_or(0)
        - timings.iter().map(|t| t.start).min().unwrap_or(0);
    let post = PostRenderData {
        cost: PostRenderCost {
            estimated_cost: estimated,
            estimated_display_cost: crate::cost::display_cost(estimated, currency),
            currency: currency.into(),
            disclaimer: crate::status::POST_RENDER_DISCLAIMER.into(),
        },
        output_file: out_bucket.url(&out_key),
        output_size: size,
        render_size: size,
        time_to_finish: end - launched_at,
        time_to_render_frames: tracker.progress.time_to_render_frames.unwrap_or(0),
        errors: tracker.progress.errors.clone(),
        start_time: started_date,
        end_time: end,
        files_cleaned_up: deleted,
        time_to_encode: tracker.progress.time_to_encode.unwrap_or(0),
        time_to_clean_up: end - cleanup_start,
        time_to_render_chunks: chunks_span,
        retries_info: tracker.progress.retries.clone(),
        most_expensive_frame_ranges: crate::status::most_expensive(&tracker.progress),
        estimated_billing_duration_in_milliseconds: billed,
        delete_after: params.delete_after.clone(),
        time_to_combine: Some(time_to_combine),
        artifact_progress: Vec::new(),
        out_bucket: out_bucket_name.clone(),
        out_key: out_key.clone(),
    };
    tracker.progress.post_render_data = Some(post.clone());
    tracker.flush()?;

    if let Some(hook) = &params.webhook {
        let body = json!({
            "type": "success",
            "renderId": render_id,
            "expectedBucketOwner": "local",
            "bucketName": bucket.name(),
            "customData": hook.custom_data,
            "outputUrl": post.output_file,
            "outputFile": post.output_file,
            "lambdaErrors": post.errors,
            "timeToFinish": post.time_to_finish,
            "costs": post.cost,
        });
        if let Err(e) = crate::webhook::send(hook, &body, context.config.fetch_private_addresses) {
            tracker.progress.errors.push(webhook_error(e));
        }
    }
    Ok(())
}

/// The chunks' mixes laid end to end, as long as the render's `frames` (each starts at its
/// chunk's first frame and runs at most to the next one's; chunks that played nothing are
/// silence), read a chunk at a time.
struct LaidEndToEnd {
    /// Each chunk's first frame and its mix's file, in frame order.
    mixes: std::collections::VecDeque<(u32, PathBuf)>,
    fps: f64,
    /// Samples (both channels) given so far, and in all.
    given: usize,
    total: usize,
}

fn laid_end_to_end(mixes: Vec<(u32, PathBuf)>, fps: f64, frames: u32) -> LaidEndToEnd {
    LaidEndToEnd {
        mixes: mixes.into(),
        fps,
        given: 0,
        total: kinema_encode::audio::sample_at(frames, fps) * 2,
    }
}

impl LaidEndToEnd {
    fn starts_at(&self, first: u32) -> usize {
        (kinema_encode::audio::sample_at(first, self.fps) * 2).min(self.total)
    }
}

impl SampleBlocks for LaidEndToEnd {
    fn next_block(&mut self) -> Result<Option<Vec<f32>>, EncodeError> {
        let next_start = self
            .mixes
            .front()
            .map_or(self.total, |(first, _)| self.starts_at(*first));
        if self.given < next_start {
            // Silence up to the next mix, a block at a time.
            let block = Silence::of(next_start - self.given)
                .next_block()?
                .unwrap_or_default();
            self.given += block.len();
            return Ok(Some(block));
        }
        let Some((_, path)) = self.mixes.pop_front() else {
            return Ok(None);
        };
        let bytes = std::fs::read(&path).map_err(|e| EncodeError::Io {
            path: path.clone(),
            reason: format!("cannot read a chunk's sound: {e}"),
        })?;
        let _ = std::fs::remove_file(&path);
        let mut mix = kinema_encode::audio::from_bytes(&bytes);
        let end = self
            .mixes
            .front()
            .map_or(self.total, |(first, _)| self.starts_at(*first));
        mix.truncate(end.saturating_sub(self.given));
        self.given += mix.len();
        Ok(Some(mix))
    }
}

fn upload_output(
    bucket: &dyn Bucket,
    key: &str,
    file: &Path,
    overwrite: bool,
    region: &str,
) -> Result<(), FarmError> {
    match bucket.put_file(
        key,
        file,
        &PutOptions {
            if_none_match: !overwrite,
        },
    ) {
        Err(BucketError::AlreadyExists { bucket, key }) => Err(FarmError::Render(format!(
            "Output file \"{key}\" in bucket \"{bucket}\" in region \"{region}\" already exists. \
             Delete it before re-rendering, or set the 'overwrite' option to overwrite it."
        ))),
        other => other.map_err(FarmError::from),
    }
}

/// The video a render of `codec` writes: its settings, the encoder, and its sound; and the
/// extension of its file.
fn video_deliverable(
    context: &Context<'_>,
    params: &crate::payload::RenderParams,
    codec: Codec,
    info: &kinema_compose::CompositionInfo,
    (width, height): (u32, u32),
) -> Result<(Deliverable, String), Failure> {
    let fps = info.fps / params.every_nth_frame as f64;
    let pixel_format = params
        .pixel_format
        .as_deref()
        .map(PixelFormat::parse)
        .transpose()
        .map_err(FarmError::from)?;
    let settings = VideoSettings {
        codec,
        width,
        height,
        fps,
        crf: params.crf,
        x264_preset: params.x264_preset.clone(),
        video_bitrate: params.video_bitrate.clone(),
        pixel_format,
        encoder_threads: Some(1),
        prores_profile: super::validate::prores_profile(params.pro_res_profile.as_deref())?,
        gif_loops: params.number_of_gif_loops,
        color_space: super::validate::color_space(params.color_space.as_deref())?,
        max_rate: params.encoding_max_rate.clone(),
        buffer_size: params.encoding_buffer_size.clone(),
        metadata: super::validate::metadata(params)?,
    };
    if codec == Codec::Gif
        && let Some(why) =
            kinema_encode::gif_too_fast(info.fps, params.every_nth_frame, "everyNthFrame")
    {
        return Err(FarmError::field("everyNthFrame", why).into());
    }
    settings.validate().map_err(FarmError::from)?;
    // The farm's settings were checked when it started, so a path given is there; without
    // one, H.264 falls back to the built-in encoder where ffmpeg is missing.
    let backend =
        EncoderBackend::choose(context.config.ffmpeg.as_deref(), codec).map_err(|no_ffmpeg| {
            FarmError::Render(format!(
                "{no_ffmpeg}: install ffmpeg where the farm runs, or give its path (`kinema \
                 lambda --ffmpeg`, or `ffmpeg` in kinema.toml or KINEMA_FFMPEG for `kinema serve`)"
            ))
        })?;
    if backend == EncoderBackend::Builtin {
        tracing::warn!("{}", kinema_encode::FALLBACK_WARNING);
    }
    let mut sound = super::validate::sound(params, codec)?;
    if sound.is_some() && !EncoderBackend::ffmpeg_found(context.config.ffmpeg_program()) {
        tracing::warn!(
            "the video will have no sound: <Audio> and <Video> elements are mixed by ffmpeg, \
             which the farm does not have"
        );
        sound = None;
    }
    // The video is muxed into the container its name asks for (`start` checked that the codec
    // fits it: .mkv and .mov for H.264 hold Matroska and QuickTime, not MP4 under that name).
    let extension = super::validate::video_extension(params, codec);
    backend
        .check(&settings, std::path::Path::new(&format!("out.{extension}")))
        .map_err(FarmError::from)?;
    Ok((
        Deliverable::Video {
            codec,
            settings,
            backend,
            sound,
        },
        extension,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_mixes_are_laid_end_to_end_with_silence_between() {
        let dir = std::env::temp_dir().join(format!("kinema-laid-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, value: f32, samples: usize| {
            let path = dir.join(name);
            std::fs::write(
                &path,
                kinema_encode::audio::to_bytes(&vec![value; samples * 2]),
            )
            .unwrap();
            path
        };
        // At 30 fps a frame is 1600 samples. Chunk 0 (frames 0-9) played nothing; chunk 1
        // (10-19) ran a frame long, which chunk 2 (20-29) cuts off; chunk 2 stops short.
        let mixes = vec![
            (10, write("one", 1.0, 11 * 1600)),
            (20, write("two", 2.0, 5 * 1600)),
        ];
        let samples = laid_end_to_end(mixes, 30.0, 30).collect_all().unwrap();
        assert_eq!(samples.len(), 30 * 1600 * 2);
        let frame = |f: usize| samples[f * 1600 * 2];
        assert_eq!((frame(0), frame(9)), (0.0, 0.0));
        assert_eq!((frame(10), frame(19)), (1.0, 1.0));
        assert_eq!((frame(20), frame(24)), (2.0, 2.0));
        assert_eq!((frame(25), frame(29)), (0.0, 0.0));
        // Read once, a chunk's mix is not kept.
        assert!(!dir.join("one").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
