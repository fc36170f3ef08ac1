//! Kinema's encode stage: frames to video.
//!
//! - [`audio`]: the soundtrack, mixed from the frames' media elements and muxed beside the
//!   video, or encoded alone (the audio-only codecs);
//! - [`plan`]: the chunk planner that local renders and the render farm share (which frames a
//!   render covers and how they split into independently encoded chunks);
//! - [`encoder`]: the encoders behind one trait — ffmpeg ([`ffmpeg`]: x264, x265, libvpx,
//!   ProRes, GIF) and the built-in H.264 encoder ([`builtin`]: openh264 + an MP4 muxer);
//! - [`memory`]: what a render holds, and what this machine has for it;
//! - [`stitch`]: joining chunks without re-encoding;
//! - [`yuv`]: RGBA → YUV 4:2:0 (BT.709, limited range).

pub mod audio;
pub mod builtin;
pub mod codec;
pub mod encoder;
pub mod ffmpeg;
pub mod memory;
pub mod plan;
#[cfg(target_os = "linux")]
mod splice;
pub mod stitch;
mod ts_delay;
pub mod video_input;
pub mod yuv;

pub use audio::{AudioCodec, AudioCue, AudioOnlyCodec, AudioSettings};
pub use codec::{Codec, ColorSpace, MediaCodec, PixelFormat, ProresProfile};
pub use encoder::{
    Alpha, ChunkFile, DEFAULT_FFMPEG, EncoderBackend, FALLBACK_WARNING, FrameChanges, NoFfmpeg,
    RgbaFrame, VideoEncoder,
};
pub use ffmpeg::{
    ChunkTiming, EncodeError, FfmpegEncoder, MAX_FPS, MAX_GIF_FPS, MIN_FPS, VideoSettings,
    X264_PRESETS, gif_too_fast, keeps_metadata_key, parse_bitrate, parse_bitrate_of,
    validate_metadata,
};
pub use plan::{ChunkPlan, FrameRange, MAX_CHUNKS, PlanError, PlanOptions, plan_chunks};
pub use yuv::{ColorMatrix, FrameConverter, I420, YuvError, rgba_to_i420};
