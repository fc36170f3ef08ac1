//! Joining chunks without re-encoding.
//!
//! H.264 chunks are MPEG-TS files whose timestamps already continue from one to the next
//! ([`crate::FfmpegEncoder::start_chunk`]), so joining is byte concatenation (ffmpeg's `concat:`
//! protocol) remuxed into a progressive MP4 with the index at the front (`faststart`). Frames,
//! B-frame order and timestamps are copied untouched.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::ffmpeg::{EncodeError, tail};

/// Join `chunks` (in order) into `output`.
pub fn stitch_chunks(ffmpeg: &Path, chunks: &[PathBuf], output: &Path) -> Result<(), EncodeError> {
    if chunks.is_empty() {
        return Err(EncodeError::Setting {
            field: "chunks",
            reason: "there is nothing to stitch".into(),
        });
    }
    for chunk in chunks {
        if chunk.to_string_lossy().contains('|') {
            return Err(EncodeError::Setting {
                field: "chunks",
                reason: format!("chunk path {} contains '|'", chunk.display()),
            });
        }
    }
    let input = format!(
        "concat:{}",
        chunks
            .iter()
            .map(|c| c.display().to_string())
            .collect::<Vec<_>>()
            .join("|")
    );
    let mut command = Command::new(ffmpeg);
    command
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            &input,
            "-map",
            "0:v",
        ])
        .args(["-c", "copy"]);
    if output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mp4") || e.eq_ignore_ascii_case("mov"))
    {
        command.args(["-movflags", "+faststart"]);
    }
    let result = command
        .arg(output)
        .output()
        .map_err(|e| EncodeError::FfmpegMissing {
            path: ffmpeg.display().to_string(),
            reason: e.to_string(),
        })?;
    if !result.status.success() {
        return Err(EncodeError::Ffmpeg {
            output: output.to_path_buf(),
            log: tail(&String::from_utf8_lossy(&result.stderr)),
        });
    }
    Ok(())
}
