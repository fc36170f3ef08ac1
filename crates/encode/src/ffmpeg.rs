//! Encoding through an `ffmpeg` subprocess fed raw I420 frames on stdin.
//!
//! Debian's ffmpeg brings x264 (and the other codecs). Frames are written in order; `finish`
//! closes stdin and waits, and any failure carries the tail of ffmpeg's own log.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread::JoinHandle;

use crate::yuv::I420;

/// Video settings, with Remotion's names and defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoSettings {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// Constant rate factor; H.264's default is 18 (Remotion's). Exclusive with `bitrate`.
    pub crf: Option<u8>,
    /// x264 preset (`ultrafast` … `placebo`); Remotion's default is `medium`.
    pub x264_preset: Option<String>,
    /// Target bitrate such as `"4M"`; exclusive with `crf`.
    pub video_bitrate: Option<String>,
    /// Encoder threads (`None`: ffmpeg's choice). Parallel chunk encodes use 1 each.
    pub encoder_threads: Option<u32>,
}

/// Where an encode's timestamps start, for chunks that are joined later.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChunkTiming {
    /// Seconds of video before this chunk in the final file.
    pub start_seconds: f64,
}

/// Every chunk's timestamps are shifted by this much more, so no chunk ever needs ffmpeg's
/// "make DTS non-negative" shift (which only the first chunk would get, breaking continuity
/// with B-frames). The stitch removes it again.
const CHUNK_TIMESTAMP_BASE: f64 = 1.0;

pub const DEFAULT_H264_CRF: u8 = 18;
pub const X264_PRESETS: &[&str] = &[
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
];

/// Encoder failures.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error(
        "ffmpeg was not found at \"{path}\" ({reason}); install it (apt-get install ffmpeg) or \
         pass its path with --ffmpeg"
    )]
    FfmpegMissing { path: String, reason: String },
    #[error("invalid encoder setting {field}: {reason}")]
    Setting { field: &'static str, reason: String },
    #[error("frame {index} is {got_width}x{got_height}, the video is {width}x{height}")]
    FrameSize {
        index: u64,
        got_width: u32,
        got_height: u32,
        width: u32,
        height: u32,
    },
    #[error("ffmpeg failed encoding {output}: {log}")]
    Ffmpeg { output: PathBuf, log: String },
}

impl VideoSettings {
    /// Check the settings before anything is started.
    pub fn validate(&self) -> Result<(), EncodeError> {
        let setting = |field, reason: String| Err(EncodeError::Setting { field, reason });
        if !self.width.is_multiple_of(2) || !self.height.is_multiple_of(2) {
            return setting(
                "size",
                format!(
                    "{}x{}: H.264 with 4:2:0 chroma needs even width and height",
                    self.width, self.height
                ),
            );
        }
        if !(self.fps.is_finite() && self.fps > 0.0) {
            return setting("fps", format!("{} is not a positive frame rate", self.fps));
        }
        if let Some(crf) = self.crf
            && !(1..=51).contains(&crf)
        {
            return setting("crf", format!("{crf} is outside 1-51 for H.264"));
        }
        if self.crf.is_some() && self.video_bitrate.is_some() {
            return setting("crf", "crf and videoBitrate cannot both be set".into());
        }
        if let Some(preset) = &self.x264_preset
            && !X264_PRESETS.contains(&preset.as_str())
        {
            return setting(
                "x264Preset",
                format!("\"{preset}\" is not one of {}", X264_PRESETS.join(", ")),
            );
        }
        Ok(())
    }

    /// ffmpeg's arguments for H.264 into `output` (container from its extension; chunks are
    /// MPEG-TS with continuous timestamps).
    fn h264_args(&self, output: &Path, chunk: Option<ChunkTiming>) -> Vec<String> {
        let mut args: Vec<String> = [
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend([
            "-s".into(),
            format!("{}x{}", self.width, self.height),
            "-r".into(),
            format_fps(self.fps),
            "-i".into(),
            "-".into(),
            "-c:v".into(),
            "libx264".into(),
            "-preset".into(),
            self.x264_preset.clone().unwrap_or_else(|| "medium".into()),
        ]);
        match &self.video_bitrate {
            Some(bitrate) => args.extend(["-b:v".into(), bitrate.clone()]),
            None => args.extend([
                "-crf".into(),
                self.crf.unwrap_or(DEFAULT_H264_CRF).to_string(),
            ]),
        }
        args.extend(
            [
                "-pix_fmt",
                "yuv420p",
                "-colorspace",
                "bt709",
                "-color_primaries",
                "bt709",
                "-color_trc",
                "bt709",
                "-color_range",
                "tv",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        if let Some(threads) = self.encoder_threads {
            args.extend(["-threads".into(), threads.to_string()]);
        }
        match chunk {
            Some(timing) => args.extend([
                "-output_ts_offset".into(),
                format!("{:.6}", CHUNK_TIMESTAMP_BASE + timing.start_seconds),
                "-f".into(),
                "mpegts".into(),
            ]),
            None => {
                if output
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("mp4") || e.eq_ignore_ascii_case("mov"))
                {
                    args.extend(["-movflags".into(), "+faststart".into()]);
                }
            }
        }
        args.push(output.display().to_string());
        args
    }
}

fn format_fps(fps: f64) -> String {
    if fps.fract() == 0.0 {
        format!("{}", fps as u64)
    } else {
        format!("{fps}")
    }
}

/// An H.264 encode in progress.
pub struct FfmpegEncoder {
    child: Child,
    stdin: Option<ChildStdin>,
    log: Option<JoinHandle<String>>,
    settings: VideoSettings,
    output: PathBuf,
    frames: u64,
}

impl FfmpegEncoder {
    /// Start ffmpeg writing H.264 to `output`.
    pub fn start(
        ffmpeg: &Path,
        settings: VideoSettings,
        output: &Path,
    ) -> Result<FfmpegEncoder, EncodeError> {
        Self::spawn(ffmpeg, settings, output, None)
    }

    /// Start ffmpeg writing one chunk: a self-contained MPEG-TS file whose timestamps continue
    /// where the previous chunk's end, so chunks join without re-encoding ([`crate::stitch`]).
    pub fn start_chunk(
        ffmpeg: &Path,
        settings: VideoSettings,
        output: &Path,
        timing: ChunkTiming,
    ) -> Result<FfmpegEncoder, EncodeError> {
        Self::spawn(ffmpeg, settings, output, Some(timing))
    }

    fn spawn(
        ffmpeg: &Path,
        settings: VideoSettings,
        output: &Path,
        chunk: Option<ChunkTiming>,
    ) -> Result<FfmpegEncoder, EncodeError> {
        settings.validate()?;
        let mut child = Command::new(ffmpeg)
            .args(settings.h264_args(output, chunk))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| EncodeError::FfmpegMissing {
                path: ffmpeg.display().to_string(),
                reason: e.to_string(),
            })?;
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let log = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Ok(FfmpegEncoder {
            stdin: child.stdin.take(),
            child,
            log: Some(log),
            settings,
            output: output.to_path_buf(),
            frames: 0,
        })
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Append one frame.
    pub fn write(&mut self, frame: &I420) -> Result<(), EncodeError> {
        if frame.width != self.settings.width || frame.height != self.settings.height {
            return Err(EncodeError::FrameSize {
                index: self.frames,
                got_width: frame.width,
                got_height: frame.height,
                width: self.settings.width,
                height: self.settings.height,
            });
        }
        let stdin = self.stdin.as_mut().expect("stdin is open until finish");
        if stdin.write_all(&frame.data).is_err() {
            // ffmpeg exited early; its log says why.
            return Err(self.failure());
        }
        self.frames += 1;
        Ok(())
    }

    /// Close the input and wait for ffmpeg to write the file.
    pub fn finish(mut self) -> Result<u64, EncodeError> {
        drop(self.stdin.take());
        let status = self.child.wait();
        let log = self
            .log
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        match status {
            Ok(s) if s.success() => Ok(self.frames),
            _ => Err(EncodeError::Ffmpeg {
                output: self.output.clone(),
                log: tail(&log),
            }),
        }
    }

    /// Stop ffmpeg without finishing (the partial output is the caller's to delete).
    pub fn abort(mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn failure(&mut self) -> EncodeError {
        drop(self.stdin.take());
        let _ = self.child.wait();
        let log = self
            .log
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        EncodeError::Ffmpeg {
            output: self.output.clone(),
            log: tail(&log),
        }
    }
}

impl Drop for FfmpegEncoder {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            drop(self.stdin.take());
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub(crate) fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(8);
    let text = lines[start..].join("\n");
    if text.is_empty() {
        "ffmpeg exited with an error and printed nothing".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> VideoSettings {
        VideoSettings {
            width: 64,
            height: 32,
            fps: 30.0,
            crf: None,
            x264_preset: None,
            video_bitrate: None,
            encoder_threads: None,
        }
    }

    #[test]
    fn settings_are_validated_with_field_names() {
        assert!(settings().validate().is_ok());
        let err = |s: VideoSettings| s.validate().unwrap_err().to_string();
        assert!(
            err(VideoSettings {
                width: 63,
                ..settings()
            })
            .contains("even width")
        );
        assert!(
            err(VideoSettings {
                crf: Some(0),
                ..settings()
            })
            .contains("crf")
        );
        assert!(
            err(VideoSettings {
                crf: Some(20),
                video_bitrate: Some("1M".into()),
                ..settings()
            })
            .contains("both")
        );
        assert!(
            err(VideoSettings {
                x264_preset: Some("quick".into()),
                ..settings()
            })
            .contains("ultrafast")
        );
        assert!(
            err(VideoSettings {
                fps: 0.0,
                ..settings()
            })
            .contains("fps")
        );
    }

    #[test]
    fn arguments_tag_bt709_and_default_to_crf_18_medium() {
        let args = settings()
            .h264_args(Path::new("/tmp/x.mp4"), None)
            .join(" ");
        assert!(args.contains("-crf 18"), "{args}");
        assert!(args.contains("-preset medium"));
        assert!(
            args.contains(
                "-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv"
            )
        );
        assert!(args.contains("-movflags +faststart"));
        assert!(args.contains("-r 30 "));
        let ts = settings()
            .h264_args(
                Path::new("/tmp/x.ts"),
                Some(ChunkTiming { start_seconds: 2.5 }),
            )
            .join(" ");
        assert!(!ts.contains("faststart"));
        assert!(ts.contains("-output_ts_offset 3.500000 -f mpegts"), "{ts}");
    }

    #[test]
    fn a_missing_ffmpeg_is_explained() {
        let err = FfmpegEncoder::start(
            Path::new("/nonexistent/ffmpeg"),
            settings(),
            Path::new("/tmp/x.mp4"),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("apt-get install ffmpeg"), "{err}");
    }
}
