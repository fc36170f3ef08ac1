//! The progress object (reference §8): `progress.json` turned into every field a client reads,
//! computed as §8.2–8.5 say.
//!
//! Two deliberate differences, both documented in docs/farm.md: costs use the function's real
//! disk size (Remotion always prices 10240 MB), and they include the main function's own
//! running time (Remotion counts only its request).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cost;
use crate::progress::{ErrorInfo, ExpensiveChunk, OverallRenderProgress, RetryInfo};

/// Grace after the timeout before missing chunks are declared timed out (reference §8.2).
pub const TIMEOUT_GRACE_MS: u64 = 20_000;

pub const PROGRESS_DISCLAIMER: &str =
    "Estimated cost only. Does not include charges for other AWS services.";
pub const POST_RENDER_DISCLAIMER: &str = "Estimated cost for function invocations only. Does not include cost for storage and data transfer.";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodingStatus {
    pub frames_encoded: u64,
    pub combined_frames: u64,
    pub time_to_combine: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Costs {
    pub accrued_so_far: f64,
    pub display_cost: String,
    pub currency: String,
    pub disclaimer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cleanup {
    pub done_in: u64,
    pub min_files_to_delete: u64,
    pub files_deleted: u64,
}

/// The progress object (`GenericRenderProgress`, reference §8.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderProgress {
    #[serde(rename = "type")]
    pub kind: String,
    pub overall_progress: f64,
    pub chunks: usize,
    pub done: bool,
    pub encoding_status: EncodingStatus,
    pub costs: Costs,
    pub render_id: String,
    pub bucket: String,
    pub render_metadata: Option<crate::progress::RenderMetadata>,
    pub output_file: Option<String>,
    pub out_key: Option<String>,
    pub out_bucket: Option<String>,
    pub time_to_finish: Option<u64>,
    pub errors: Vec<ErrorInfo>,
    pub fatal_error_encountered: bool,
    pub current_time: u64,
    pub render_size: u64,
    pub output_size_in_bytes: Option<u64>,
    pub lambdas_invoked: u64,
    pub frames_rendered: u64,
    pub cleanup: Cleanup,
    pub time_to_finish_chunks: Option<u64>,
    pub time_to_render_frames: Option<u64>,
    pub time_to_encode: Option<u64>,
    pub time_to_combine: Option<u64>,
    pub combined_frames: u64,
    pub retries_info: Vec<RetryInfo>,
    pub most_expensive_frame_ranges: Option<Vec<ExpensiveChunk>>,
    pub estimated_billing_duration_in_milliseconds: u64,
    pub timeout_timestamp: u64,
    pub function_launched: u64,
    pub serve_url_opened: Option<u64>,
    pub composition_validated: Option<u64>,
    pub artifacts: Vec<Value>,
}

/// What `status` knows besides `progress.json`.
#[derive(Debug, Clone)]
pub struct StatusInputs {
    pub render_id: String,
    pub bucket: String,
    pub region: String,
    pub now: u64,
    /// The function's timeout.
    pub timeout_ms: u64,
    /// Memory and disk to price with when the render has no metadata yet.
    pub memory_size_in_mb: u32,
    pub disk_size_in_mb: u32,
}

/// Reference §8.4.
#[allow(clippy::too_many_arguments)]
pub fn overall_progress(
    lambdas_invoked: u64,
    serve_url_opened: bool,
    composition_validated: bool,
    estimated_render_lambda_invokations: u64,
    frames_rendered: u64,
    frames_encoded: u64,
    combined_frames: u64,
    frame_count: u64,
) -> f64 {
    let evaluation =
        ((lambdas_invoked > 0) as u8 + serve_url_opened as u8 + composition_validated as u8) as f64
            / 3.0;
    let invoking = if estimated_render_lambda_invokations == 0 {
        if lambdas_invoked > 0 { 1.0 } else { 0.0 }
    } else {
        // Retries invoke more renderers than planned; the share stays at most 1.
        (lambdas_invoked as f64 / estimated_render_lambda_invokations as f64).min(1.0)
    };
    let share = |n: u64| {
        if frame_count == 0 {
            0.0
        } else {
            (n as f64 / frame_count as f64).min(1.0)
        }
    };
    0.1 * evaluation
        + 0.1 * invoking
        + 0.6 * share(frames_rendered)
        + 0.1 * share(frames_encoded)
        + 0.1 * share(combined_frames)
}

/// The synthesised error for a main function that ran past its timeout (reference §8.3).
pub fn timeout_error(timeout_ms: u64, missing: &[(usize, [u32; 2])]) -> ErrorInfo {
    let detail = if missing.is_empty() {
        "All chunks have been successfully rendered, but the main function has timed out."
            .to_string()
    } else {
        let listed: Vec<String> = missing
            .iter()
            .take(5)
            .map(|(c, [s, e])| format!("Chunk {c} (Frames {s} - {e})"))
            .collect();
        format!(
            "The following chunks are missing (showing {} out of {}): {}.",
            listed.len(),
            missing.len(),
            listed.join(", ")
        )
    };
    let message = format!(
        "The main function timed out after {timeout_ms}ms. {detail} Consider increasing the \
         timeout of your function (--timeout / timeoutInSeconds), using more chunks \
         (--frames-per-lambda), or check the logs of the chunks above."
    );
    ErrorInfo::new("stitcher", "TimeoutError", message, true)
}

/// The synthesised error for a main function that ran past its timeout before it planned the
/// render (it never got to invoking chunks).
pub fn launch_timeout_error(timeout_ms: u64) -> ErrorInfo {
    let message = format!(
        "The main function timed out after {timeout_ms}ms before it planned the render: \
         opening the site and evaluating the composition (its top-level code, \
         calculateMetadata) took too long, or the function died. Consider increasing the \
         timeout of your function (--timeout / timeoutInSeconds), or check its log."
    );
    ErrorInfo::new("stitcher", "TimeoutError", message, true)
}

/// Adds an `explanation` to errors whose cause is known (reference §8.3).
pub fn explain(mut error: ErrorInfo) -> ErrorInfo {
    if error.explanation.is_some() {
        return error;
    }
    let stack = format!("{}\n{}", error.message, error.stack);
    error.explanation = if stack.contains("ENOSPC") || stack.contains("No space left on device") {
        Some(
            "The render ran out of disk space: a chunk's frames and files, the joined video or \
             the bucket did not fit. Render fewer frames per chunk (--frames-per-lambda), free \
             space where the bucket and the temporary folder (TMPDIR) are, or on AWS give the \
             function more ephemeral storage."
                .into(),
        )
    } else if stack.contains("Runtime exited") {
        Some(
            "The worker process rendering this chunk died (it was killed, crashed or ran out of \
             memory). It is retried if retries are left."
                .into(),
        )
    } else if stack.contains("Task timed out") && error.kind == "renderer" {
        Some("The chunk took longer than the function's timeout. Use smaller chunks or a longer timeout.".into())
    } else if stack.contains("Task timed out") {
        Some(
            "The main function took longer than its timeout (loading the site, evaluating the \
             composition, or following its chunks). Use a longer timeout (--timeout)."
                .into(),
        )
    } else {
        None
    };
    error
}

/// The chunk `index` of a render's plan, from its metadata.
pub fn chunk_range(meta: &crate::progress::RenderMetadata, index: usize) -> [u32; 2] {
    let per = meta.frames_per_lambda * meta.every_nth_frame;
    let start = meta.frame_range[0] + index as u32 * per;
    let end = (start + per - 1).min(meta.frame_range[1]);
    [start, end]
}

/// The top five chunks by render time.
pub fn most_expensive(progress: &OverallRenderProgress) -> Vec<ExpensiveChunk> {
    let Some(meta) = &progress.render_metadata else {
        return Vec::new();
    };
    let mut chunks: Vec<ExpensiveChunk> = progress
        .timings
        .iter()
        .map(|t| ExpensiveChunk {
            chunk: t.chunk,
            time_in_milliseconds: t.rendered.saturating_sub(t.start),
            frame_range: chunk_range(meta, t.chunk),
        })
        .collect();
    chunks.sort_by(|a, b| {
        b.time_in_milliseconds
            .cmp(&a.time_in_milliseconds)
            .then(a.chunk.cmp(&b.chunk))
    });
    chunks.truncate(5);
    chunks
}

/// Billed time and price of a render so far (or in total, once `end` is known).
pub fn billing(progress: &OverallRenderProgress, end: u64) -> (u64, u32, u32) {
    let meta = progress.render_metadata.as_ref();
    let started = meta.map_or(progress.function_launched, |m| m.started_date);
    let completed: Vec<cost::ChunkSpan> = progress
        .timings
        .iter()
        .map(|t| cost::ChunkSpan {
            start: t.start,
            rendered: t.rendered,
        })
        .collect();
    let until = progress.fatal_error_timestamp.unwrap_or(end);
    let renderers = cost::billing_duration_ms(&completed, progress.lambdas_invoked, started, until);
    // Kinema also bills the main function, from its launch until it finished (or now).
    let main_end = progress.launch_finished.unwrap_or(until);
    let main = main_end.saturating_sub(progress.function_launched);
    let (memory, disk) = meta.map_or((0, 0), |m| (m.memory_size_in_mb, m.disk_size_in_mb));
    (renderers + main, memory, disk)
}

/// The expected output, found in its bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundOutput {
    pub size_in_bytes: u64,
    pub url: String,
}

/// Computes the progress object. `find_output` answers a HEAD of the expected output in a
/// bucket (used only when chunks are done but `postRenderData` is missing).
pub fn compute(
    progress: &OverallRenderProgress,
    inputs: &StatusInputs,
    find_output: &dyn Fn(&str, &str) -> Option<FoundOutput>,
) -> RenderProgress {
    let now = inputs.now;
    let currency = cost::region_prices(&inputs.region).map_or("USD", |p| p.currency);
    let meta = progress.render_metadata.clone();
    let frame_count = meta.as_ref().map_or(0, |m| m.frame_count as u64);
    let base = RenderProgress {
        kind: "success".into(),
        overall_progress: 0.0,
        chunks: progress.chunks.len(),
        done: false,
        encoding_status: EncodingStatus {
            frames_encoded: progress.frames_encoded,
            combined_frames: progress.combined_frames,
            time_to_combine: progress.time_to_combine,
        },
        costs: Costs {
            accrued_so_far: 0.0,
            display_cost: cost::display_cost(0.0, currency),
            currency: currency.into(),
            disclaimer: PROGRESS_DISCLAIMER.into(),
        },
        render_id: inputs.render_id.clone(),
        bucket: inputs.bucket.clone(),
        render_metadata: meta.clone(),
        output_file: None,
        out_key: None,
        out_bucket: None,
        time_to_finish: None,
        errors: Vec::new(),
        fatal_error_encountered: false,
        current_time: now,
        render_size: 0,
        output_size_in_bytes: None,
        lambdas_invoked: progress.lambdas_invoked,
        frames_rendered: progress.frames_rendered,
        cleanup: Cleanup {
            done_in: 0,
            min_files_to_delete: 0,
            files_deleted: 0,
        },
        time_to_finish_chunks: None,
        time_to_render_frames: progress.time_to_render_frames,
        time_to_encode: progress.time_to_encode,
        time_to_combine: progress.time_to_combine,
        combined_frames: progress.combined_frames,
        retries_info: progress.retries.clone(),
        most_expensive_frame_ranges: None,
        estimated_billing_duration_in_milliseconds: 0,
        timeout_timestamp: progress.timeout_timestamp,
        function_launched: progress.function_launched,
        serve_url_opened: progress.serve_url_opened,
        composition_validated: progress.composition_validated,
        artifacts: progress.received_artifact.clone(),
    };

    // A: finished.
    if let Some(post) = &progress.post_render_data {
        return RenderProgress {
            overall_progress: 1.0,
            done: true,
            chunks: meta
                .as_ref()
                .map_or(progress.chunks.len(), |m| m.total_chunks),
            encoding_status: EncodingStatus {
                frames_encoded: frame_count,
                combined_frames: frame_count,
                time_to_combine: post.time_to_combine,
            },
            costs: Costs {
                accrued_so_far: post.cost.estimated_cost,
                display_cost: post.cost.estimated_display_cost.clone(),
                currency: post.cost.currency.clone(),
                disclaimer: PROGRESS_DISCLAIMER.into(),
            },
            output_file: Some(post.output_file.clone()),
            out_key: Some(post.out_key.clone()),
            out_bucket: Some(post.out_bucket.clone()),
            time_to_finish: Some(post.time_to_finish),
            errors: post.errors.iter().cloned().map(explain).collect(),
            render_size: post.render_size,
            output_size_in_bytes: Some(post.output_size),
            lambdas_invoked: meta
                .as_ref()
                .map_or(progress.lambdas_invoked, |m| m.total_chunks as u64),
            frames_rendered: frame_count,
            combined_frames: frame_count,
            cleanup: Cleanup {
                done_in: post.time_to_clean_up,
                min_files_to_delete: post.files_cleaned_up,
                files_deleted: post.files_cleaned_up,
            },
            time_to_finish_chunks: Some(post.time_to_render_chunks),
            time_to_render_frames: Some(post.time_to_render_frames),
            time_to_encode: Some(post.time_to_encode),
            time_to_combine: post.time_to_combine,
            retries_info: post.retries_info.clone(),
            most_expensive_frame_ranges: Some(post.most_expensive_frame_ranges.clone()),
            estimated_billing_duration_in_milliseconds: post
                .estimated_billing_duration_in_milliseconds,
            ..base
        };
    }

    let mut errors: Vec<ErrorInfo> = progress.errors.iter().cloned().map(explain).collect();
    let (billed, memory, disk) = billing(progress, now);
    let (memory, disk) = if memory == 0 {
        (inputs.memory_size_in_mb, inputs.disk_size_in_mb)
    } else {
        (memory, disk)
    };
    let accrued = cost::price(
        &inputs.region,
        memory,
        disk,
        billed,
        progress.lambdas_invoked + 1,
    )
    .map(cost::to_precision_5)
    .unwrap_or(0.0);
    let costs = Costs {
        accrued_so_far: accrued,
        display_cost: cost::display_cost(accrued, currency),
        currency: currency.into(),
        disclaimer: PROGRESS_DISCLAIMER.into(),
    };

    // B: the launch has not planned the render yet.
    let Some(meta) = meta else {
        // Kinema: a launch that times out (or dies) before planning writes nothing more, so
        // past its timeout the render has failed; Remotion would report progress forever.
        // The render's own deadline, written by `start` (not the timeout of whoever asks).
        if now > progress.timeout_timestamp + TIMEOUT_GRACE_MS {
            let timeout_ms = progress
                .timeout_timestamp
                .saturating_sub(progress.function_launched);
            errors.insert(0, launch_timeout_error(timeout_ms));
        }
        let fatal = errors.iter().any(|e| e.is_fatal && !e.will_retry);
        return RenderProgress {
            overall_progress: overall_progress(
                progress.lambdas_invoked,
                progress.serve_url_opened.is_some(),
                progress.composition_validated.is_some(),
                0,
                0,
                0,
                0,
                0,
            ),
            errors,
            fatal_error_encountered: fatal,
            costs,
            estimated_billing_duration_in_milliseconds: billed,
            ..base
        };
    };

    // C: in progress.
    let missing: Vec<(usize, [u32; 2])> = (0..meta.total_chunks)
        .filter(|c| !progress.chunks.contains(c))
        .map(|c| (c, chunk_range(&meta, c)))
        .collect();
    let all_chunks = missing.is_empty();
    let beyond_timeout = now > meta.started_date + inputs.timeout_ms + TIMEOUT_GRACE_MS;
    let stitch_timeout = now > meta.started_date + 2 * inputs.timeout_ms + TIMEOUT_GRACE_MS;
    let fatal_before = errors.iter().any(|e| e.is_fatal && !e.will_retry);
    // Known as soon as every chunk is in, so also on the done-by-output path.
    let time_to_finish_chunks = (all_chunks && !progress.timings.is_empty()).then(|| {
        let start = progress.timings.iter().map(|t| t.start).min().unwrap_or(0);
        let end = progress
            .timings
            .iter()
            .map(|t| t.rendered)
            .max()
            .unwrap_or(0);
        end.saturating_sub(start)
    });
    if all_chunks
        && !fatal_before
        && (stitch_timeout
            || (progress.combined_frames >= frame_count && progress.time_to_combine.is_some()))
        && let Some(found) = find_output(&meta.out_bucket, &meta.out_key)
    {
        let size = found.size_in_bytes;
        return RenderProgress {
            overall_progress: 1.0,
            done: true,
            output_file: Some(found.url),
            out_key: Some(meta.out_key.clone()),
            out_bucket: Some(meta.out_bucket.clone()),
            time_to_finish: Some(now.saturating_sub(meta.started_date)),
            time_to_finish_chunks,
            render_size: size,
            output_size_in_bytes: Some(size),
            errors,
            costs,
            estimated_billing_duration_in_milliseconds: billed,
            ..base
        };
    }
    if (beyond_timeout && !all_chunks) || (all_chunks && stitch_timeout) {
        errors.insert(0, timeout_error(inputs.timeout_ms, &missing));
    }
    let fatal = errors.iter().any(|e| e.is_fatal && !e.will_retry);
    RenderProgress {
        overall_progress: overall_progress(
            progress.lambdas_invoked,
            progress.serve_url_opened.is_some(),
            progress.composition_validated.is_some(),
            meta.estimated_render_lambda_invokations as u64,
            progress.frames_rendered,
            progress.frames_encoded,
            progress.combined_frames,
            frame_count,
        ),
        errors,
        fatal_error_encountered: fatal,
        costs,
        time_to_finish_chunks,
        estimated_billing_duration_in_milliseconds: billed,
        ..base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_progress_weights_match_the_reference() {
        // Nothing yet.
        assert_eq!(overall_progress(0, false, false, 15, 0, 0, 0, 300), 0.0);
        // Evaluated, all 15 invoked, half the frames rendered, a quarter encoded.
        let p = overall_progress(15, true, true, 15, 150, 75, 0, 300);
        assert!((p - (0.1 + 0.1 + 0.3 + 0.025)).abs() < 1e-12, "{p}");
        // Everything.
        assert!((overall_progress(15, true, true, 15, 300, 300, 300, 300) - 1.0).abs() < 1e-12);
        // Direct mode: no renderers planned, none invoked: tops out below 1 until done.
        let direct = overall_progress(0, true, true, 0, 300, 300, 300, 300);
        assert!((direct - (0.1 * 2.0 / 3.0 + 0.8)).abs() < 1e-12, "{direct}");
        // Retries cannot push the invoking share above 1.
        assert!((overall_progress(20, true, true, 15, 0, 0, 0, 300) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn the_timeout_error_lists_missing_chunks() {
        let e = timeout_error(120_000, &[(3, [60, 79]), (7, [140, 159])]);
        assert_eq!(e.name, "TimeoutError");
        assert!(e.is_fatal && !e.will_retry);
        assert!(
            e.message
                .starts_with("The main function timed out after 120000ms."),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("Chunk 3 (Frames 60 - 79), Chunk 7 (Frames 140 - 159)")
        );
        let all = timeout_error(1000, &[]);
        assert!(
            all.message
                .contains("All chunks have been successfully rendered")
        );
    }

    /// A render whose chunks are in and whose output is stitched, before `postRenderData`.
    fn stitched_not_finalised() -> OverallRenderProgress {
        let meta: crate::progress::RenderMetadata = serde_json::from_value(serde_json::json!({
            "type": "video", "imageFormat": "jpeg", "codec": "h264", "muted": true,
            "frameRange": [0, 19], "everyNthFrame": 1, "siteId": "site", "startedDate": 1_000,
            "totalChunks": 2, "estimatedTotalLambdaInvokations": 3,
            "estimatedRenderLambdaInvokations": 2, "compositionId": "C", "audioCodec": null,
            "inputProps": {}, "framesPerLambda": 10, "memorySizeInMb": 2048,
            "diskSizeInMb": 2048, "functionName": "f", "rendererFunctionName": null,
            "lambdaVersion": "1", "region": "us-east-1", "renderId": "r", "outName": null,
            "outputFileIsConditional": false, "privacy": "public", "deleteAfter": null,
            "numberOfGifLoops": null, "audioBitrate": null, "downloadBehavior": null,
            "metadata": null, "dimensions": {"width": 64, "height": 64}, "scale": 1.0,
            "frameCount": 20, "outBucket": "b", "outKey": "renders/r/out.mp4"
        }))
        .unwrap();
        let mut progress = OverallRenderProgress::initial(1_000, 200_000, false);
        progress.render_metadata = Some(meta);
        progress.lambdas_invoked = 2;
        progress.chunks = vec![1, 0];
        progress.timings = vec![
            crate::progress::ChunkTiming {
                chunk: 0,
                start: 1_100,
                rendered: 1_900,
            },
            crate::progress::ChunkTiming {
                chunk: 1,
                start: 1_050,
                rendered: 2_300,
            },
        ];
        progress.frames_rendered = 20;
        progress.frames_encoded = 20;
        progress.combined_frames = 20;
        progress.time_to_render_frames = Some(1_100);
        progress.time_to_encode = Some(1_200);
        progress.time_to_combine = Some(40);
        progress
    }

    #[test]
    fn a_stitched_output_without_post_render_data_is_done_with_its_timings() {
        let progress = stitched_not_finalised();
        let inputs = StatusInputs {
            render_id: "r".into(),
            bucket: "b".into(),
            region: "us-east-1".into(),
            now: 3_000,
            timeout_ms: 120_000,
            memory_size_in_mb: 2048,
            disk_size_in_mb: 2048,
        };
        let found = |bucket: &str, key: &str| {
            (bucket == "b" && key == "renders/r/out.mp4").then(|| FoundOutput {
                size_in_bytes: 4_096,
                url: "https://b/renders/r/out.mp4".into(),
            })
        };
        let done = compute(&progress, &inputs, &found);
        assert!(done.done && done.overall_progress == 1.0);
        assert_eq!(done.output_size_in_bytes, Some(4_096));
        assert_eq!(
            done.output_file.as_deref(),
            Some("https://b/renders/r/out.mp4")
        );
        assert_eq!(done.time_to_finish, Some(2_000));
        // Every timing known by then is reported, the chunks' span included.
        assert_eq!(done.time_to_finish_chunks, Some(2_300 - 1_050));
        assert_eq!(done.time_to_render_frames, Some(1_100));
        assert_eq!(done.time_to_encode, Some(1_200));
        assert_eq!(done.time_to_combine, Some(40));
        assert!(done.most_expensive_frame_ranges.is_none());

        // Not uploaded yet: still in progress, with the same span.
        let pending = compute(&progress, &inputs, &|_: &str, _: &str| None);
        assert!(pending.output_file.is_none());
        assert!(!pending.done && pending.overall_progress < 1.0);
        assert_eq!(pending.time_to_finish_chunks, Some(1_250));
    }

    /// A launch that never planned the render (stuck evaluating the composition, or dead) is
    /// in progress until its timeout and grace have passed, then a fatal timeout.
    #[test]
    fn a_render_never_planned_fails_after_the_timeout() {
        let progress = OverallRenderProgress::initial(1_000, 121_000, false);
        let at = |now: u64| StatusInputs {
            render_id: "r".into(),
            bucket: "b".into(),
            region: "us-east-1".into(),
            now,
            // The asker's timeout does not matter: the render's deadline is in its progress.
            timeout_ms: 900_000,
            memory_size_in_mb: 2048,
            disk_size_in_mb: 2048,
        };
        let none = |_: &str, _: &str| None;
        let waiting = compute(&progress, &at(1_000 + 120_000 + TIMEOUT_GRACE_MS), &none);
        assert!(!waiting.fatal_error_encountered && waiting.errors.is_empty());
        let failed = compute(&progress, &at(1_001 + 120_000 + TIMEOUT_GRACE_MS), &none);
        assert!(failed.fatal_error_encountered && !failed.done);
        assert_eq!(failed.errors[0].name, "TimeoutError");
        assert!(
            failed.errors[0]
                .message
                .starts_with("The main function timed out after 120000ms before it planned"),
            "{}",
            failed.errors[0].message
        );
    }

    #[test]
    fn a_full_disk_is_explained() {
        let error = ErrorInfo::new(
            "renderer",
            "Error",
            "cannot write chunk-0.ts: No space left on device (os error 28)".into(),
            true,
        );
        let explanation = explain(error).explanation.unwrap();
        assert!(
            explanation.contains("ran out of disk space"),
            "{explanation}"
        );
        assert!(explanation.contains("TMPDIR"), "{explanation}");
    }
}
