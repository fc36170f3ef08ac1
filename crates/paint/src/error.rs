//! Errors of the paint stage. Each names the frame and, where one is to blame, the resource.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PaintError {
    /// An image, font or stylesheet the frame refers to could not be loaded or decoded.
    #[error("frame {frame}: could not load \"{src}\": {reason}")]
    Resource {
        frame: u32,
        src: String,
        reason: String,
    },
    /// The composition's size cannot be painted.
    #[error(
        "frame {frame}: cannot paint {width}x{height} at scale {scale}: each side must be 1 to {max} pixels"
    )]
    Size {
        frame: u32,
        width: u32,
        height: u32,
        scale: f64,
        max: u32,
    },
    /// A font file named by the caller could not be read.
    #[error("font file {path}: {reason}")]
    Font { path: PathBuf, reason: String },
}

impl PaintError {
    /// The frame that failed, when the error arose painting one.
    pub fn frame(&self) -> Option<u32> {
        match self {
            Self::Resource { frame, .. } | Self::Size { frame, .. } => Some(*frame),
            Self::Font { .. } => None,
        }
    }
}
