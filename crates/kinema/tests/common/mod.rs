//! Helpers shared by the kinema crate's integration tests.

use std::path::Path;
use std::process::Command;

/// Writes a 1 s, 30 fps, 160x90 video without sound to `path`, picture n filled with
/// rgb(8n, 128, 255 - 8n), stored losslessly (PNG in QuickTime): a frame's picture can be read
/// back from any pixel's red.
pub fn counter_video(path: &Path) {
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("nullsrc=s=160x90:r=30:d=1")
        .args(["-vf", "geq=r='N*8':g=128:b='255-N*8',format=rgb24"])
        .args(["-c:v", "png", "-f", "mov"])
        .arg(path)
        .status()
        .expect("ffmpeg runs");
    assert!(made.success());
}
