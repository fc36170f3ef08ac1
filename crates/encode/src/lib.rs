//! Kinema's encode stage. So far: the chunk planner that local renders and the render farm
//! share — which frames a render covers and how they split into independently encoded chunks.

pub mod plan;

pub use plan::{ChunkPlan, FrameRange, PlanError, PlanOptions, plan_chunks};
