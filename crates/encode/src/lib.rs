//! Kinema's encode stage: the chunk planner that local renders and the render farm share
//! (which frames a render covers and how they split into independently encoded chunks), and
//! RGBA → YUV 4:2:0 conversion.

pub mod ffmpeg;
pub mod plan;
pub mod stitch;
pub mod yuv;

pub use ffmpeg::{ChunkTiming, EncodeError, FfmpegEncoder, VideoSettings};
pub use plan::{ChunkPlan, FrameRange, PlanError, PlanOptions, plan_chunks};
pub use stitch::stitch_chunks;
pub use yuv::{I420, YuvError, rgba_to_i420};
