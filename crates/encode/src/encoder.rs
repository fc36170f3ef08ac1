//! The encoders behind one interface: ffmpeg (x264 and the other codecs) and the built-in
//! H.264 encoder (openh264), which needs no other program.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use crate::builtin::OpenH264Encoder;
use crate::codec::{Codec, PixelFormat};
use crate::ffmpeg::{ChunkTiming, EncodeError, FfmpegEncoder, VideoSettings, is_mp4_family};
use crate::yuv::FrameConverter;

/// One frame as painted: RGBA, row after row.
#[derive(Debug, Clone, Copy)]
pub struct RgbaFrame<'a> {
    pub width: u32,
    pub height: u32,
    pub pixels: &'a [u8],
    /// Whether the colours are premultiplied by alpha.
    pub alpha: Alpha,
    /// What changed since an earlier frame, when the painter knows.
    pub changes: FrameChanges<'a>,
}

/// How a frame's colours relate to its alpha.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Alpha {
    /// Straight: what PNG and the video formats that keep transparency store.
    #[default]
    Straight,
    /// Premultiplied: what a rasteriser writes. Composited over black such a pixel is just its
    /// RGB, so 4:2:0 video (which has no alpha) is converted from it without a pass over the
    /// pixels; formats that keep transparency get it made straight.
    Premultiplied,
}

impl Alpha {
    /// `Premultiplied` when `premultiplied`, else `Straight`.
    pub fn premultiplied_if(premultiplied: bool) -> Alpha {
        if premultiplied {
            Alpha::Premultiplied
        } else {
            Alpha::Straight
        }
    }
}

/// Straight alpha from premultiplied, in place.
pub(crate) fn unpremultiply(pixels: &mut [u8]) {
    for px in pixels.chunks_exact_mut(4) {
        let a = px[3] as u32;
        if a == 0 || a == 255 {
            continue;
        }
        for c in &mut px[..3] {
            *c = ((*c as u32 * 255 + a / 2) / a).min(255) as u8;
        }
    }
}

/// How a frame differs from the one painted before it, so that converting it can redo only
/// what changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FrameChanges<'a> {
    /// Nothing is known: the frame is converted whole.
    #[default]
    Unknown,
    /// The frame is `id` (unique among the process's frames). When `previous` is set, it
    /// differs from frame `previous` only inside `regions`: disjoint pixel rectangles
    /// `[x0, y0, x1, y1]`, none when nothing changed. Without `previous`, all of it changed.
    Tracked {
        id: u64,
        previous: Option<u64>,
        regions: &'a [[u32; 4]],
    },
}

impl<'a> FrameChanges<'a> {
    /// Frame `id`, and when known the frame it follows with the rectangles that changed.
    pub fn tracked(id: u64, since: Option<(u64, &'a [[u32; 4]])>) -> FrameChanges<'a> {
        FrameChanges::Tracked {
            id,
            previous: since.map(|(previous, _)| previous),
            regions: since.map_or(&[], |(_, regions)| regions),
        }
    }
}

impl RgbaFrame<'_> {
    /// Check the frame against the video's size; `index` is the frame's place in the encode.
    pub(crate) fn check(&self, index: u64, width: u32, height: u32) -> Result<(), EncodeError> {
        let expected = self.width as usize * self.height as usize * 4;
        if self.width != width || self.height != height || self.pixels.len() != expected {
            return Err(EncodeError::FrameSize {
                index,
                got_width: self.width,
                got_height: self.height,
                width,
                height,
            });
        }
        Ok(())
    }

    /// Convert to I420, transparent pixels composited over black.
    pub(crate) fn to_i420(self, converter: &mut FrameConverter) -> Result<&[u8], EncodeError> {
        converter
            .convert(self, [0, 0, 0])
            .map_err(|e| EncodeError::Setting {
                field: "frame",
                reason: e.to_string(),
            })
    }

    /// Opaque RGB, transparent pixels composited over black (what 4:2:0 players show).
    pub(crate) fn composite_rgb24_over_black(&self, out: &mut Vec<u8>) {
        out.clear();
        out.reserve(self.pixels.len() / 4 * 3);
        for px in self.pixels.chunks_exact(4) {
            let a = px[3] as u32;
            if a == 255 || self.alpha == Alpha::Premultiplied {
                out.extend_from_slice(&px[..3]);
            } else {
                out.extend(px[..3].iter().map(|&c| ((c as u32 * a + 127) / 255) as u8));
            }
        }
    }

    /// The pixels with straight alpha: the frame's own, or made straight in `scratch`.
    pub(crate) fn straight<'s>(&'s self, scratch: &'s mut Vec<u8>) -> &'s [u8] {
        match self.alpha {
            Alpha::Straight => self.pixels,
            Alpha::Premultiplied => {
                scratch.clear();
                scratch.extend_from_slice(self.pixels);
                unpremultiply(scratch);
                scratch
            }
        }
    }
}

/// An encode in progress: frames go in, in order; `finish` completes the file.
pub trait VideoEncoder: Send {
    /// Append one frame.
    fn write(&mut self, frame: RgbaFrame<'_>) -> Result<(), EncodeError>;
    /// Frames written so far.
    fn frames(&self) -> u64;
    /// Frames encoded so far, for progress bars: a counter the encoder keeps up to date. For
    /// ffmpeg it is ffmpeg's own count (`frame=` of its `-progress` reports, every half second):
    /// frames handed to the codec, which trails the frames written by the pipe's contents.
    fn encoded(&self) -> Arc<AtomicU64>;
    /// The most memory the encoder's own process has held so far, in bytes (its peak resident
    /// set, sampled with each progress report; the last report comes as it exits). 0 for
    /// encoders inside Kinema, whose memory is Kinema's.
    fn peak_memory(&self) -> Arc<AtomicU64> {
        Arc::new(AtomicU64::new(0))
    }
    /// Complete the file; returns the number of frames in it.
    fn finish(self: Box<Self>) -> Result<u64, EncodeError>;
    /// Stop without completing (the partial file is the caller's to delete).
    fn abort(self: Box<Self>);
}

/// A finished chunk, ready to be joined.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkFile {
    pub path: PathBuf,
    /// Frames in the chunk.
    pub frames: u64,
}

/// The largest frame openh264 encodes (its level 5.2 limit), long side by short side.
const BUILTIN_MAX_SIZE: (u32, u32) = (3840, 2160);

/// What to log when H.264 falls back to the built-in encoder.
pub const FALLBACK_WARNING: &str =
    "ffmpeg was not found on the PATH; using the built-in H.264 encoder";

/// The ffmpeg program used when no path is given: looked up in `PATH`.
pub const DEFAULT_FFMPEG: &str = "ffmpeg";

/// Why [`EncoderBackend::choose`] found no encoder. Callers say which flag or setting to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoFfmpeg {
    #[error("the ffmpeg given, {}, does not run", .0.display())]
    GivenDoesNotRun(PathBuf),
    #[error("{} needs ffmpeg, which is not on the PATH", .codec.name())]
    Missing { codec: Codec },
}

/// Which encoder writes the video.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncoderBackend {
    /// An `ffmpeg` program (Debian's has x264, x265, libvpx and ProRes).
    Ffmpeg(PathBuf),
    /// The built-in H.264 encoder (openh264, Constrained Baseline) and MP4 muxer.
    Builtin,
}

/// What one x264 preset holds: the frames it keeps back until flushed (its `rc-lookahead`
/// plus B-frames, from x264's documented presets), and the bytes per pixel of a 1080p yuv420p
/// frame it holds on one thread, process excluded (measured; see
/// [`EncoderBackend::memory_bytes`]).
struct X264Preset {
    name: &'static str,
    held_frames: u32,
    bytes_per_pixel: f64,
}

const X264_PRESET_COSTS: [X264Preset; 10] = [
    X264Preset {
        name: "ultrafast",
        held_frames: 0,
        bytes_per_pixel: 26.0,
    },
    X264Preset {
        name: "superfast",
        held_frames: 3,
        bytes_per_pixel: 58.0,
    },
    X264Preset {
        name: "veryfast",
        held_frames: 13,
        bytes_per_pixel: 80.0,
    },
    X264Preset {
        name: "faster",
        held_frames: 23,
        bytes_per_pixel: 112.0,
    },
    X264Preset {
        name: "fast",
        held_frames: 33,
        bytes_per_pixel: 146.0,
    },
    X264Preset {
        name: "medium",
        held_frames: 43,
        bytes_per_pixel: 180.0,
    },
    X264Preset {
        name: "slow",
        held_frames: 53,
        bytes_per_pixel: 220.0,
    },
    X264Preset {
        name: "slower",
        held_frames: 68,
        bytes_per_pixel: 258.0,
    },
    X264Preset {
        name: "veryslow",
        held_frames: 68,
        bytes_per_pixel: 348.0,
    },
    X264Preset {
        name: "placebo",
        held_frames: 76,
        bytes_per_pixel: 348.0,
    },
];

/// The settings' x264 preset (Remotion's default, medium, when none is given or known).
fn x264_preset(settings: &VideoSettings) -> &'static X264Preset {
    let name = settings.x264_preset.as_deref().unwrap_or("medium");
    X264_PRESET_COSTS
        .iter()
        .find(|preset| preset.name == name)
        .unwrap_or(&X264_PRESET_COSTS[5])
}

impl EncoderBackend {
    /// The encoder [`name`](Self::name) names: `builtin`, else ffmpeg at `ffmpeg` (what a
    /// render-farm payload says, which the launch chose from the same two).
    pub fn from_name(name: &str, ffmpeg: &Path) -> EncoderBackend {
        match name {
            "builtin" => EncoderBackend::Builtin,
            _ => EncoderBackend::Ffmpeg(ffmpeg.to_path_buf()),
        }
    }

    /// Short name, for reports.
    pub fn name(&self) -> &'static str {
        match self {
            EncoderBackend::Ffmpeg(_) => "ffmpeg",
            EncoderBackend::Builtin => "builtin",
        }
    }

    /// Whether an `ffmpeg` executable is there: a path, or a bare name looked up in `PATH` as
    /// a shell would. It is not run to find out: starting ffmpeg links ~100 shared libraries,
    /// ~0.1 s of CPU, a share of a short render the encoder-only baseline does not pay. One
    /// that is there but broken fails when its encoder starts, with its own message.
    pub fn ffmpeg_found(ffmpeg: &Path) -> bool {
        use std::os::unix::fs::PermissionsExt as _;
        let executable = |path: &Path| {
            std::fs::metadata(path)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        };
        if ffmpeg.as_os_str().is_empty() {
            return false;
        }
        if ffmpeg.components().count() > 1 || ffmpeg.is_absolute() {
            return executable(ffmpeg);
        }
        std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| {
                // An empty entry means the current folder, as in a shell.
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    &dir
                };
                executable(&dir.join(ffmpeg))
            })
        })
    }

    /// The encoder for `codec` when the user has not picked one: ffmpeg (the path `given`,
    /// else `ffmpeg` on the PATH) when it is there. Without it H.264 falls back to the
    /// built-in encoder, but only when no path was given: a mistyped path must not quietly
    /// turn into another encoder (Constrained Baseline, no x264 settings).
    pub fn choose(given: Option<&Path>, codec: Codec) -> Result<EncoderBackend, NoFfmpeg> {
        let ffmpeg = given.unwrap_or(Path::new(DEFAULT_FFMPEG));
        if EncoderBackend::ffmpeg_found(ffmpeg) {
            return Ok(EncoderBackend::Ffmpeg(ffmpeg.to_path_buf()));
        }
        match given {
            Some(path) => Err(NoFfmpeg::GivenDoesNotRun(path.to_path_buf())),
            // Callers that take the fallback say so (`FALLBACK_WARNING`).
            None if codec == Codec::H264 => Ok(EncoderBackend::Builtin),
            None => Err(NoFfmpeg::Missing { codec }),
        }
    }

    /// Check that this encoder can write `settings` into `output` before any work starts.
    pub fn check(&self, settings: &VideoSettings, output: &Path) -> Result<(), EncodeError> {
        settings.validate()?;
        let extension = output
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let codec = settings.codec;
        if !codec.extensions().contains(&extension.as_str()) {
            return Err(EncodeError::Setting {
                field: "output",
                reason: format!(
                    "{} cannot hold {} video; use a .{} file name",
                    output.display(),
                    codec.name(),
                    codec.extensions().join(" or .")
                ),
            });
        }
        if let EncoderBackend::Builtin = self {
            let unsupported = |field, reason: String| Err(EncodeError::Setting { field, reason });
            if codec != Codec::H264 {
                return unsupported(
                    "codec",
                    format!(
                        "the built-in encoder writes h264 only; {} needs ffmpeg \
                         (apt-get install ffmpeg)",
                        codec.name()
                    ),
                );
            }
            if settings.output_pixel_format() != Some(PixelFormat::Yuv420p) {
                return unsupported(
                    "pixelFormat",
                    "the built-in encoder writes yuv420p only; other formats need ffmpeg".into(),
                );
            }
            if settings.x264_preset.is_some() {
                return unsupported(
                    "x264Preset",
                    "x264 presets need ffmpeg; the built-in encoder is not x264".into(),
                );
            }
            if !settings.metadata.is_empty() {
                return unsupported(
                    "metadata",
                    "tags need ffmpeg; the built-in encoder's MP4 writer has none".into(),
                );
            }
            if settings.max_rate.is_some() || settings.buffer_size.is_some() {
                return unsupported(
                    match settings.max_rate {
                        Some(_) => "encodingMaxRate",
                        None => "encodingBufferSize",
                    },
                    "a bitrate ceiling over a buffer needs ffmpeg; the built-in encoder takes \
                     a target bitrate (videoBitrate) only"
                        .into(),
                );
            }
            let (long, short) = (
                settings.width.max(settings.height),
                settings.width.min(settings.height),
            );
            if short < crate::ffmpeg::MIN_SIDE {
                return unsupported(
                    "size",
                    format!(
                        "the built-in encoder needs at least {0}x{0}, not {1}x{2}; smaller videos \
                         need ffmpeg",
                        crate::ffmpeg::MIN_SIDE,
                        settings.width,
                        settings.height
                    ),
                );
            }
            if long > BUILTIN_MAX_SIZE.0 || short > BUILTIN_MAX_SIZE.1 {
                return unsupported(
                    "size",
                    format!(
                        "the built-in encoder writes at most {}x{} (or {}x{} upright), not \
                         {}x{}; larger videos need ffmpeg",
                        BUILTIN_MAX_SIZE.0,
                        BUILTIN_MAX_SIZE.1,
                        BUILTIN_MAX_SIZE.1,
                        BUILTIN_MAX_SIZE.0,
                        settings.width,
                        settings.height
                    ),
                );
            }
            if !is_mp4_family(output) {
                return unsupported(
                    "output",
                    format!(
                        "the built-in encoder writes .mp4 or .mov, not {}",
                        output.display()
                    ),
                );
            }
        }
        Ok(())
    }

    /// About how many frames this encoder holds back before encoding them: x264's lookahead
    /// plus B-frames, libvpx's and x265's lag. They are encoded only when the encoder is
    /// flushed, so a chunk's last frames take that much longer than writing them did. A hint
    /// for scheduling (from the encoders' documented defaults), not a promise.
    pub fn lag_frames(&self, settings: &VideoSettings) -> u32 {
        if matches!(self, EncoderBackend::Builtin) {
            // openh264 encodes each frame as it is written.
            return 0;
        }
        match settings.codec {
            Codec::H264 => x264_preset(settings).held_frames,
            // x265 medium: rc-lookahead 20 + 4 B-frames.
            Codec::H265 => 24,
            // libvpx's default lag-in-frames (VP8's is zero).
            Codec::Vp9 => 25,
            Codec::Vp8 | Codec::Prores | Codec::Gif => 0,
        }
    }

    /// About how much memory one encoder of this backend holds for `settings`, in bytes: for
    /// ffmpeg, its process with the codec's frame buffers and lookahead. Each chunk encoding
    /// at once has one, so this bounds how many threads a machine's memory can take. Measured
    /// with Debian's ffmpeg 5.1 (libx264 0.164, libx265 3.5, libvpx 1.12) on one thread at
    /// 1920x1080 yuv420p (x264: 105 MB at ultrafast, 216 at veryfast, 425 at medium, 771 at
    /// veryslow; yuv444p takes 1.9x, 3840x2160 3.9x the frame buffers), rounded up; with
    /// `encoder_threads: None` (ffmpeg's choice) as if on one thread. A hint for scheduling, not
    /// a promise.
    pub fn memory_bytes(&self, settings: &VideoSettings) -> u64 {
        const FFMPEG_PROCESS: f64 = 55e6;
        let pixels = settings.width as f64 * settings.height as f64;
        // Frame buffers scale with the samples a pixel has, against yuv420p's 1.5 bytes.
        let format = settings
            .output_pixel_format()
            .map_or(1.0, |format| format.bytes_per_pixel() / 1.5);
        let bytes = match (self, settings.codec) {
            // openh264 inside Kinema: its reference and work frames.
            (EncoderBackend::Builtin, _) => 10.0 * pixels,
            (EncoderBackend::Ffmpeg(_), codec) => {
                let per_pixel = match codec {
                    Codec::H264 => x264_preset(settings).bytes_per_pixel,
                    Codec::H265 => 184.0,
                    Codec::Vp9 => 153.0,
                    Codec::Vp8 => 42.0,
                    Codec::Prores => 12.0,
                    // Lossless RGB x264 chunks (the pixel format is not the output's).
                    Codec::Gif => 104.0,
                };
                // Each encoder thread past the first holds another frame in flight (x264:
                // 425 MB on one thread, 521 on four, 803 on sixteen at 1080p medium).
                let threads = settings.encoder_threads.unwrap_or(1).max(1);
                let per_pixel = per_pixel + 12.0 * f64::from(threads - 1);
                FFMPEG_PROCESS + per_pixel * format * pixels
            }
        };
        bytes as u64
    }

    /// The extension of this encoder's chunk files for `codec`.
    pub fn chunk_extension(&self, codec: Codec) -> &'static str {
        match self {
            EncoderBackend::Ffmpeg(_) => codec.chunk_extension(),
            // Annex-B H.264 elementary stream.
            EncoderBackend::Builtin => "h264",
        }
    }

    /// Start encoding a whole video into `output`.
    pub fn start(
        &self,
        settings: VideoSettings,
        output: &Path,
    ) -> Result<Box<dyn VideoEncoder>, EncodeError> {
        match self {
            EncoderBackend::Ffmpeg(ffmpeg) => {
                Ok(Box::new(FfmpegEncoder::start(ffmpeg, settings, output)?))
            }
            EncoderBackend::Builtin => Ok(Box::new(OpenH264Encoder::start(settings, output)?)),
        }
    }

    /// Start encoding one chunk, which [`EncoderBackend::stitch`] joins to the others without
    /// re-encoding.
    pub fn start_chunk(
        &self,
        settings: VideoSettings,
        output: &Path,
        timing: ChunkTiming,
    ) -> Result<Box<dyn VideoEncoder>, EncodeError> {
        match self {
            EncoderBackend::Ffmpeg(ffmpeg) => Ok(Box::new(FfmpegEncoder::start_chunk(
                ffmpeg, settings, output, timing,
            )?)),
            EncoderBackend::Builtin => {
                Ok(Box::new(OpenH264Encoder::start_chunk(settings, output)?))
            }
        }
    }

    /// Join `chunks` (in order) into `output`.
    pub fn stitch(
        &self,
        settings: &VideoSettings,
        chunks: &[ChunkFile],
        output: &Path,
    ) -> Result<(), EncodeError> {
        if chunks.is_empty() {
            return Err(EncodeError::Setting {
                field: "chunks",
                reason: "there is nothing to stitch".into(),
            });
        }
        match self {
            EncoderBackend::Ffmpeg(ffmpeg) => {
                crate::stitch::stitch_chunks(ffmpeg, settings, chunks, output)
            }
            EncoderBackend::Builtin => crate::builtin::stitch(settings, chunks, output),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_ffmpeg_path_is_used_or_refused_never_replaced() {
        // Any executable file counts as there (it is not run to find out).
        let sh = Path::new("/bin/sh");
        for codec in [Codec::H264, Codec::Vp9] {
            assert_eq!(
                EncoderBackend::choose(Some(sh), codec),
                Ok(EncoderBackend::Ffmpeg(sh.to_path_buf()))
            );
        }
        // A mistyped path is an error even for H.264, which could fall back.
        let typo = Path::new("/opt/ffmpg/bin/ffmpeg");
        let refused = EncoderBackend::choose(Some(typo), Codec::H264);
        assert_eq!(refused, Err(NoFfmpeg::GivenDoesNotRun(typo.to_path_buf())));
        assert_eq!(
            refused.unwrap_err().to_string(),
            "the ffmpeg given, /opt/ffmpg/bin/ffmpeg, does not run"
        );
    }

    #[test]
    fn every_x264_preset_has_its_costs() {
        let names: Vec<_> = X264_PRESET_COSTS.iter().map(|preset| preset.name).collect();
        assert_eq!(names, crate::ffmpeg::X264_PRESETS);
        assert_eq!(X264_PRESET_COSTS[5].name, "medium");
    }

    #[test]
    fn encoder_memory_follows_the_size_codec_preset_and_format() {
        let settings = |codec, preset: Option<&str>, width, height, format| VideoSettings {
            x264_preset: preset.map(str::to_string),
            pixel_format: format,
            ..VideoSettings::new(codec, width, height, 30.0)
        };
        let ffmpeg = EncoderBackend::Ffmpeg(PathBuf::from("ffmpeg"));
        let megabytes =
            |backend: &EncoderBackend, settings| backend.memory_bytes(&settings) / 1_000_000;
        let hd = |preset| settings(Codec::H264, preset, 1920, 1080, None);
        // Within a few percent of what x264 held (425 MB at medium, 216 at veryfast), never
        // below it.
        assert_eq!(megabytes(&ffmpeg, hd(None)), 428);
        assert_eq!(megabytes(&ffmpeg, hd(Some("veryfast"))), 220);
        assert!(megabytes(&ffmpeg, hd(Some("ultrafast"))) >= 105);
        assert!(megabytes(&ffmpeg, hd(Some("veryslow"))) >= 771);
        // 4:4:4 holds twice the samples of 4:2:0, 10 bits twice the bytes; 4K four times the
        // pixels (the process itself does not grow).
        let yuv444 = settings(Codec::H264, None, 1920, 1080, Some(PixelFormat::Yuv444p));
        assert_eq!(megabytes(&ffmpeg, yuv444), 55 + 2 * 373);
        let deep = settings(
            Codec::H264,
            None,
            1920,
            1080,
            Some(PixelFormat::Yuv420p10le),
        );
        assert_eq!(megabytes(&ffmpeg, deep), 55 + 2 * 373);
        let uhd = settings(Codec::H264, None, 3840, 2160, None);
        assert_eq!(megabytes(&ffmpeg, uhd), 55 + 4 * 373);
        // More encoder threads, more frames in flight.
        let threaded = VideoSettings {
            encoder_threads: Some(4),
            ..hd(None)
        };
        assert_eq!(megabytes(&ffmpeg, threaded), 502);
        // The built-in encoder is no process of its own.
        assert_eq!(megabytes(&EncoderBackend::Builtin, hd(None)), 20);
    }

    #[test]
    fn encoder_lag_follows_the_codec_and_preset() {
        let settings = |codec, preset: Option<&str>| VideoSettings {
            x264_preset: preset.map(str::to_string),
            ..VideoSettings::new(codec, 64, 64, 30.0)
        };
        let ffmpeg = EncoderBackend::Ffmpeg(PathBuf::from("ffmpeg"));
        // Remotion's default preset is medium: lookahead 40 plus 3 B-frames.
        assert_eq!(ffmpeg.lag_frames(&settings(Codec::H264, None)), 43);
        assert_eq!(
            ffmpeg.lag_frames(&settings(Codec::H264, Some("veryfast"))),
            13
        );
        assert_eq!(
            ffmpeg.lag_frames(&settings(Codec::H264, Some("ultrafast"))),
            0
        );
        assert_eq!(ffmpeg.lag_frames(&settings(Codec::Vp9, None)), 25);
        assert_eq!(ffmpeg.lag_frames(&settings(Codec::Prores, None)), 0);
        // openh264 holds nothing back.
        assert_eq!(
            EncoderBackend::Builtin.lag_frames(&settings(Codec::H264, None)),
            0
        );
    }

    #[test]
    fn transparent_pixels_are_composited_over_black() {
        let pixels = [255, 128, 0, 255, 255, 255, 255, 0, 200, 100, 50, 128];
        let frame = RgbaFrame {
            width: 3,
            height: 1,
            pixels: &pixels,
            alpha: Alpha::Straight,
            changes: FrameChanges::Unknown,
        };
        let mut rgb = Vec::new();
        frame.composite_rgb24_over_black(&mut rgb);
        assert_eq!(rgb, [255, 128, 0, 0, 0, 0, 100, 50, 25]);
        // The same pixels premultiplied: over black they are their own RGB; formats that keep
        // transparency get them straight again.
        let premultiplied = [255, 128, 0, 255, 0, 0, 0, 0, 100, 50, 25, 128];
        let frame = RgbaFrame {
            pixels: &premultiplied,
            alpha: Alpha::Premultiplied,
            ..frame
        };
        frame.composite_rgb24_over_black(&mut rgb);
        assert_eq!(rgb, [255, 128, 0, 0, 0, 0, 100, 50, 25]);
        let mut scratch = Vec::new();
        assert_eq!(
            frame.straight(&mut scratch),
            [255, 128, 0, 255, 0, 0, 0, 0, 199, 100, 50, 128]
        );
    }

    #[test]
    fn a_frame_of_the_wrong_size_is_refused() {
        let pixels = [0u8; 16];
        let frame = RgbaFrame {
            width: 2,
            height: 2,
            pixels: &pixels,
            alpha: Alpha::Straight,
            changes: FrameChanges::Unknown,
        };
        assert!(frame.check(0, 2, 2).is_ok());
        let err = frame.check(7, 4, 2).unwrap_err().to_string();
        assert!(err.contains("frame 7 is 2x2"), "{err}");
        let short = RgbaFrame {
            pixels: &pixels[..12],
            ..frame
        };
        assert!(short.check(0, 2, 2).is_err());
    }

    #[test]
    fn ffmpeg_is_found_as_a_shell_would_find_it() {
        use std::os::unix::fs::PermissionsExt as _;
        // `sh` is on every PATH a test runs under; found by name and by path.
        assert!(EncoderBackend::ffmpeg_found(Path::new("sh")));
        assert!(EncoderBackend::ffmpeg_found(Path::new("/bin/sh")));
        assert!(!EncoderBackend::ffmpeg_found(Path::new(
            "kinema-no-such-program"
        )));
        assert!(!EncoderBackend::ffmpeg_found(Path::new("")));
        assert!(!EncoderBackend::ffmpeg_found(Path::new("/")));
        let dir = std::env::temp_dir().join(format!("kinema-found-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ffmpeg");
        std::fs::write(&file, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let plain = EncoderBackend::ffmpeg_found(&file);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        let executable = EncoderBackend::ffmpeg_found(&file);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!plain, "a file without execute permission is not a program");
        assert!(executable);
    }
}
