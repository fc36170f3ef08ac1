//! Kinema's paint stage: per-frame element trees ([`kinema_compose::FrameTree`]) to RGBA
//! [`Frame`]s.
//!
//! The CSS engine is Blitz (Stylo for styles, Taffy for layout, Parley for text) rasterised on
//! the CPU by vello_cpu, behind our own [`FrameRenderer`] trait. Kinema adds what a video
//! renderer needs on top: one long-lived document per thread updated by tree diffs, a font
//! registry that never asks fontconfig, resource loading for `staticFile()`/data/http images,
//! `text-shadow`, and fixes for Blitz's gradient tiling and shadow blur under transforms.

mod backdrop;
mod clock;
pub mod compare;
mod damage;
mod diff;
mod error;
pub mod fetch;
pub mod fonts;
mod frame;
pub mod html;
pub mod media_file;
pub mod public_hosts;
mod raster;
mod renderer;
pub mod resources;
mod scene;
mod shadow_cache;
mod snap;
mod svg;
mod text_shadow;
mod video;

pub use diff::DiffStats;
pub use error::PaintError;
pub use frame::Frame;
pub use renderer::{
    BlitzRenderer, DamageStats, FrameRef, FrameRenderer, MAX_SIDE, PaintOptions, PhaseTimes,
};
