//! The routines' payloads (reference §2.3), camelCase JSON selected by `type`. Fields Kinema
//! does not use are accepted and ignored, as the function must accept every client's payload.
//! Parse errors name the field path (`frameRange: invalid type …`).

use kinema_compose::EnvVariables;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::FarmError;
use crate::props::SerializedInputProps;

/// Parses a payload, naming the offending field on error.
pub fn parse<T: serde::de::DeserializeOwned>(payload: &Value) -> Result<T, FarmError> {
    serde_path_to_error::deserialize(payload).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "payload".to_string()
        } else {
            path
        };
        FarmError::field(field, e.into_inner().to_string())
    })
}

fn one() -> u32 {
    1
}
fn one_f64() -> f64 {
    1.0
}
fn h264() -> String {
    "h264".into()
}
fn public() -> String {
    "public".into()
}
fn png() -> String {
    "png".into()
}

/// `frameRange`: one frame, or `[start, end]` with `end: null` meaning the last frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(
    untagged,
    expecting = "a frame number or [first, last] (last may be null): frames \
                               are whole numbers from 0"
)]
pub enum FrameRangeInput {
    Single(u32),
    Range(u32, Option<u32>),
}

impl FrameRangeInput {
    pub fn as_pair(self) -> (u32, Option<u32>) {
        match self {
            FrameRangeInput::Single(f) => (f, Some(f)),
            FrameRangeInput::Range(a, b) => (a, b),
        }
    }
}

/// `outName`: a file name under `renders/{renderId}/`, or a bucket and key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OutNameInput {
    Name(String),
    Custom {
        #[serde(rename = "bucketName")]
        bucket_name: String,
        key: String,
    },
}

/// `downloadBehavior`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum DownloadBehavior {
    PlayInBrowser,
    Download {
        #[serde(rename = "fileName", default)]
        file_name: Option<String>,
    },
}

/// `webhook`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookOption {
    pub url: String,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub custom_data: Option<Map<String, Value>>,
}

/// What `start` receives and passes on to `launch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderParams {
    #[serde(default)]
    pub version: Option<String>,
    pub serve_url: String,
    pub composition: String,
    #[serde(default)]
    pub input_props: SerializedInputProps,
    #[serde(default = "h264")]
    pub codec: String,
    #[serde(default)]
    pub crf: Option<u8>,
    #[serde(default)]
    pub pixel_format: Option<String>,
    #[serde(default)]
    pub x264_preset: Option<String>,
    #[serde(default)]
    pub video_bitrate: Option<String>,
    #[serde(default = "one")]
    pub max_retries: u32,
    #[serde(default = "public")]
    pub privacy: String,
    #[serde(default)]
    pub frame_range: Option<FrameRangeInput>,
    #[serde(default)]
    pub out_name: Option<OutNameInput>,
    #[serde(default = "one")]
    pub every_nth_frame: u32,
    #[serde(default = "one_f64")]
    pub scale: f64,
    #[serde(default)]
    pub download_behavior: Option<DownloadBehavior>,
    #[serde(default)]
    pub overwrite: bool,
    #[serde(default)]
    pub webhook: Option<WebhookOption>,
    #[serde(default)]
    pub bucket_name: Option<String>,
    #[serde(default)]
    pub delete_after: Option<String>,
    #[serde(default)]
    pub frames_per_lambda: Option<u32>,
    #[serde(default)]
    pub concurrency: Option<u32>,
    #[serde(default)]
    pub number_of_gif_loops: Option<u32>,
    /// `4444-xq`, `4444`, `hq`, `standard`, `light` or `proxy` (ProRes only).
    #[serde(default)]
    pub pro_res_profile: Option<String>,
    /// `default`, `bt601`, `bt709` (`bt2020-ncl` is refused).
    #[serde(default)]
    pub color_space: Option<String>,
    /// A bitrate ceiling (`-maxrate`) over `encodingBufferSize` bits (`-bufsize`).
    #[serde(default)]
    pub encoding_max_rate: Option<String>,
    #[serde(default)]
    pub encoding_buffer_size: Option<String>,
    #[serde(default)]
    pub muted: bool,
    /// `aac`, `mp3`, `opus` or `pcm-16` (default: the codec's, as Remotion picks it).
    #[serde(default)]
    pub audio_codec: Option<String>,
    /// Remotion's `preferLossless`: pcm-16 sound where `audioCodec` names none (and, without
    /// an `outName`, a file that holds it: `.mkv` for H.264, `.wav` for mp3 and aac).
    #[serde(default)]
    pub prefer_lossless: bool,
    #[serde(default)]
    pub audio_bitrate: Option<String>,
    #[serde(default)]
    pub renderer_function_name: Option<String>,
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// What the composition reads as `process.env` (strings only).
    #[serde(default)]
    pub env_variables: EnvVariables,
    #[serde(default)]
    pub enable_cancellation: Option<bool>,
    #[serde(flatten)]
    pub force: ForceFields,
}

/// `forceWidth`, `forceHeight`, `forceFps`, `forceDurationInFrames` of renders and stills:
/// composition metadata that replaces the composition's own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForceFields {
    #[serde(default)]
    pub force_width: Option<u32>,
    #[serde(default)]
    pub force_height: Option<u32>,
    #[serde(default)]
    pub force_fps: Option<f64>,
    #[serde(default)]
    pub force_duration_in_frames: Option<u32>,
}

impl ForceFields {
    /// The same values, as the compose stage takes them.
    pub fn overrides(&self) -> kinema_compose::ConfigOverrides {
        kinema_compose::ConfigOverrides {
            width: self.force_width,
            height: self.force_height,
            fps: self.force_fps,
            duration_in_frames: self.force_duration_in_frames,
        }
    }
}

/// `launch`: the render's parameters plus its id (the bucket is resolved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchPayload {
    pub render_id: String,
    #[serde(flatten)]
    pub params: RenderParams,
}

/// `renderer`: one chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RendererPayload {
    pub chunk: usize,
    /// Absolute, inclusive.
    pub frame_range: [u32; 2],
    pub fps: f64,
    pub width: u32,
    pub height: u32,
    pub duration_in_frames: u32,
    pub composition_start: u32,
    pub frames_per_lambda: u32,
    pub progress_every_nth_frame: u32,
    pub retries_left: u32,
    pub attempt: u32,
    pub input_props: SerializedInputProps,
    /// The props as the launch resolved them (its `calculateMetadata` run), which the chunk
    /// renders instead of running `calculateMetadata` again.
    #[serde(default)]
    pub resolved_props: Option<SerializedInputProps>,
    pub render_id: String,
    pub bucket_name: String,
    pub serve_url: String,
    pub composition: String,
    pub codec: String,
    pub crf: Option<u8>,
    pub x264_preset: Option<String>,
    pub pixel_format: Option<String>,
    pub video_bitrate: Option<String>,
    #[serde(default)]
    pub pro_res_profile: Option<String>,
    #[serde(default)]
    pub color_space: Option<String>,
    #[serde(default)]
    pub encoding_max_rate: Option<String>,
    #[serde(default)]
    pub encoding_buffer_size: Option<String>,
    pub scale: f64,
    pub every_nth_frame: u32,
    pub launch_function_config: LaunchFunctionConfig,
    /// Kinema: which encoder the launch chose (`ffmpeg` or `builtin`), so chunks and the
    /// stitch agree.
    pub encoder: String,
    /// Kinema: whether the launch enabled cancellation checks.
    #[serde(default)]
    pub enable_cancellation: bool,
    /// Kinema: the render's `force*` values, applied to the composition like the launch did.
    #[serde(default)]
    pub overrides: kinema_compose::ConfigOverrides,
    /// Kinema: whether the video has a soundtrack (not muted, not a GIF): the chunk then
    /// stores the mix of its frames beside its video.
    #[serde(default)]
    pub sound: bool,
    #[serde(default)]
    pub env_variables: EnvVariables,
    /// Kinema: the composition's metadata as the launch resolved it (`force*` values applied,
    /// before `scale`), taken with `resolvedProps`.
    #[serde(default)]
    pub resolved_metadata: Option<kinema_compose::ResolvedMetadata>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchFunctionConfig {
    pub version: String,
}

/// `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusPayload {
    #[serde(default)]
    pub version: Option<String>,
    pub bucket_name: String,
    pub render_id: String,
}

/// `still` (reference §9.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StillPayload {
    #[serde(default)]
    pub version: Option<String>,
    pub serve_url: String,
    pub composition: String,
    #[serde(default)]
    pub input_props: SerializedInputProps,
    #[serde(default = "png")]
    pub image_format: String,
    #[serde(default)]
    pub jpeg_quality: Option<u8>,
    #[serde(default)]
    pub frame: i64,
    #[serde(default = "public")]
    pub privacy: String,
    #[serde(default)]
    pub out_name: Option<OutNameInput>,
    #[serde(default = "one_f64")]
    pub scale: f64,
    #[serde(default)]
    pub bucket_name: Option<String>,
    #[serde(default)]
    pub delete_after: Option<String>,
    #[serde(default)]
    pub download_behavior: Option<DownloadBehavior>,
    #[serde(default)]
    pub env_variables: EnvVariables,
    #[serde(flatten)]
    pub force: ForceFields,
}

/// `compositions` (reference §9.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositionsPayload {
    #[serde(default)]
    pub version: Option<String>,
    pub serve_url: String,
    #[serde(default)]
    pub input_props: SerializedInputProps,
    #[serde(default)]
    pub bucket_name: Option<String>,
    #[serde(default)]
    pub env_variables: EnvVariables,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_minimal_start_payload_gets_remotions_defaults() {
        let params: RenderParams = parse(&json!({
            "type": "start", "version": "4.0.527", "serveUrl": "my-site",
            "composition": "Intro", "someFutureField": 1,
        }))
        .unwrap();
        assert_eq!(params.codec, "h264");
        assert_eq!(params.max_retries, 1);
        assert_eq!(params.privacy, "public");
        assert_eq!(params.every_nth_frame, 1);
        assert_eq!(params.scale, 1.0);
        assert!(!params.overwrite);
    }

    #[test]
    fn frame_ranges_and_out_names_take_every_form() {
        let p = |v: Value| parse::<RenderParams>(&v).unwrap();
        let base = json!({"serveUrl": "s", "composition": "c"});
        let with = |k: &str, v: Value| {
            let mut b = base.clone();
            b[k] = v;
            b
        };
        assert_eq!(
            p(with("frameRange", json!(7)))
                .frame_range
                .unwrap()
                .as_pair(),
            (7, Some(7))
        );
        assert_eq!(
            p(with("frameRange", json!([3, null])))
                .frame_range
                .unwrap()
                .as_pair(),
            (3, None)
        );
        for wrong in [json!([-1, 5]), json!(-3), json!([1.5, 2]), json!("all")] {
            let error = parse::<RenderParams>(&with("frameRange", wrong.clone())).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("frameRange: a frame number or [first, last]"),
                "{wrong}: {error}"
            );
        }
        assert_eq!(
            p(with("outName", json!({"bucketName": "b", "key": "k.mp4"}))).out_name,
            Some(OutNameInput::Custom {
                bucket_name: "b".into(),
                key: "k.mp4".into()
            })
        );
        assert_eq!(
            p(with(
                "downloadBehavior",
                json!({"type": "download", "fileName": "v.mp4"})
            ))
            .download_behavior,
            Some(DownloadBehavior::Download {
                file_name: Some("v.mp4".into())
            })
        );
    }

    #[test]
    fn errors_name_the_field() {
        let err =
            parse::<RenderParams>(&json!({"serveUrl": "s", "composition": "c", "frameRange": "x"}))
                .unwrap_err()
                .to_string();
        assert!(err.starts_with("frameRange:"), "{err}");
        let err = parse::<RenderParams>(&json!({"composition": "c"}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("serveUrl"), "{err}");
        let err = parse::<RenderParams>(&json!({"serveUrl": "s", "composition": "c", "crf": 300}))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("crf:"), "{err}");
    }

    #[test]
    fn environment_variables_are_strings() {
        let params: RenderParams = parse(&json!({
            "serveUrl": "s", "composition": "c", "envVariables": {"API": "https://x"},
        }))
        .unwrap();
        assert_eq!(params.env_variables["API"], "https://x");
        let err = parse::<RenderParams>(&json!({
            "serveUrl": "s", "composition": "c", "envVariables": {"PORT": 8080},
        }))
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("envVariables.PORT: invalid type"), "{err}");
    }
}
