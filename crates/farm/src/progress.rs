//! `renders/{renderId}/progress.json` (reference §7): what the launch records as a render goes,
//! and what `status` turns into the progress object.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bucket::{Bucket, PutOptions};
use crate::error::FarmError;

pub fn progress_key(render_id: &str) -> String {
    format!("renders/{render_id}/progress.json")
}

/// One error, in the shape clients read (`EnhancedErrorInfo`, reference §8.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// `renderer`, `browser`, `stitcher`, `webhook` or `artifact`.
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    pub name: String,
    pub stack: String,
    pub frame: Option<u32>,
    pub chunk: Option<usize>,
    pub is_fatal: bool,
    pub attempt: u32,
    pub will_retry: bool,
    pub total_attempts: u32,
    pub tmp_dir: Option<Value>,
    #[serde(default)]
    pub s3_location: String,
    #[serde(default)]
    pub explanation: Option<String>,
}

impl ErrorInfo {
    /// An error of the render as a whole (no chunk or frame), on its first and only attempt.
    pub fn new(kind: &str, name: &str, message: String, is_fatal: bool) -> ErrorInfo {
        ErrorInfo {
            kind: kind.into(),
            stack: format!("{name}: {message}\n    at {kind}"),
            message,
            name: name.into(),
            frame: None,
            chunk: None,
            is_fatal,
            attempt: 1,
            will_retry: false,
            total_attempts: 1,
            tmp_dir: None,
            s3_location: String::new(),
            explanation: None,
        }
    }
}

/// A retried chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryInfo {
    pub chunk: usize,
    pub attempt: u32,
    pub time: u64,
}

/// When a chunk's renderer started and finished (epoch ms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkTiming {
    pub chunk: usize,
    pub start: u64,
    pub rendered: u64,
}

/// Reference §7.2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderMetadata {
    #[serde(rename = "type")]
    pub kind: String,
    pub image_format: String,
    pub codec: Option<String>,
    pub muted: bool,
    pub frame_range: [u32; 2],
    pub every_nth_frame: u32,
    pub site_id: String,
    pub started_date: u64,
    pub total_chunks: usize,
    pub estimated_total_lambda_invokations: usize,
    pub estimated_render_lambda_invokations: usize,
    pub composition_id: String,
    pub audio_codec: Option<String>,
    pub input_props: Value,
    pub frames_per_lambda: u32,
    pub memory_size_in_mb: u32,
    /// Kinema: the disk size the costs are computed with.
    pub disk_size_in_mb: u32,
    pub function_name: String,
    pub renderer_function_name: Option<String>,
    pub lambda_version: String,
    pub region: String,
    pub render_id: String,
    pub out_name: Option<Value>,
    pub output_file_is_conditional: bool,
    pub privacy: String,
    pub delete_after: Option<String>,
    pub number_of_gif_loops: Option<u32>,
    pub audio_bitrate: Option<String>,
    pub download_behavior: Value,
    pub metadata: Option<Value>,
    pub dimensions: Dimensions,
    pub scale: f64,
    /// Kinema: frames rendered (after everyNthFrame), the denominator of the progress.
    pub frame_count: u32,
    /// Kinema: where the output will be written.
    pub out_bucket: String,
    pub out_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

/// Reference §7.3 `cost`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRenderCost {
    pub estimated_cost: f64,
    pub estimated_display_cost: String,
    pub currency: String,
    pub disclaimer: String,
}

/// A chunk's render time, for `mostExpensiveFrameRanges`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpensiveChunk {
    pub chunk: usize,
    pub time_in_milliseconds: u64,
    pub frame_range: [u32; 2],
}

/// Reference §7.3: written once the output is uploaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostRenderData {
    pub cost: PostRenderCost,
    pub output_file: String,
    pub output_size: u64,
    pub render_size: u64,
    pub time_to_finish: u64,
    pub time_to_render_frames: u64,
    pub errors: Vec<ErrorInfo>,
    pub start_time: u64,
    pub end_time: u64,
    pub files_cleaned_up: u64,
    pub time_to_encode: u64,
    pub time_to_clean_up: u64,
    pub time_to_render_chunks: u64,
    pub retries_info: Vec<RetryInfo>,
    pub most_expensive_frame_ranges: Vec<ExpensiveChunk>,
    pub estimated_billing_duration_in_milliseconds: u64,
    pub delete_after: Option<String>,
    pub time_to_combine: Option<u64>,
    pub artifact_progress: Vec<Value>,
    /// Kinema: where the output is.
    pub out_bucket: String,
    pub out_key: String,
}

/// Reference §7.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverallRenderProgress {
    pub cancellation_enabled: Option<bool>,
    /// Index of each completed chunk.
    pub chunks: Vec<usize>,
    pub frames_rendered: u64,
    pub frames_encoded: u64,
    pub combined_frames: u64,
    pub time_to_combine: Option<u64>,
    pub time_to_encode: Option<u64>,
    pub time_to_render_frames: Option<u64>,
    pub lambdas_invoked: u64,
    pub retries: Vec<RetryInfo>,
    pub post_render_data: Option<PostRenderData>,
    pub timings: Vec<ChunkTiming>,
    pub render_metadata: Option<RenderMetadata>,
    pub errors: Vec<ErrorInfo>,
    pub fatal_error_timestamp: Option<u64>,
    pub timeout_timestamp: u64,
    pub function_launched: u64,
    pub serve_url_opened: Option<u64>,
    pub composition_validated: Option<u64>,
    pub received_artifact: Vec<Value>,
    /// Kinema: when the main function finished (success or failure), for its cost.
    #[serde(default)]
    pub launch_finished: Option<u64>,
}

impl OverallRenderProgress {
    /// The first `progress.json` of a render, written by `start`.
    pub fn initial(now: u64, timeout_timestamp: u64, cancellation: bool) -> Self {
        OverallRenderProgress {
            cancellation_enabled: Some(cancellation),
            chunks: Vec::new(),
            frames_rendered: 0,
            frames_encoded: 0,
            combined_frames: 0,
            time_to_combine: None,
            time_to_encode: None,
            time_to_render_frames: None,
            lambdas_invoked: 0,
            retries: Vec::new(),
            post_render_data: None,
            timings: Vec::new(),
            render_metadata: None,
            errors: Vec::new(),
            fatal_error_timestamp: None,
            timeout_timestamp,
            function_launched: now,
            serve_url_opened: None,
            composition_validated: None,
            received_artifact: Vec::new(),
            launch_finished: None,
        }
    }

    pub fn read(bucket: &dyn Bucket, render_id: &str) -> Result<Option<Self>, FarmError> {
        match bucket.get(&progress_key(render_id)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                FarmError::Render(format!("{} is damaged: {e}", progress_key(render_id)))
            }),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes it, retrying twice with 100 ms and 200 ms pauses (reference §7.1).
    pub fn write(&self, bucket: &dyn Bucket, render_id: &str) -> Result<(), FarmError> {
        let body = serde_json::to_vec(self).expect("progress serialises");
        let key = progress_key(render_id);
        let mut last = None;
        for pause in [0, 100, 200] {
            std::thread::sleep(std::time::Duration::from_millis(pause));
            match bucket.put(&key, &body, &PutOptions::default()) {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("tried").into())
    }
}
