//! The built-in H.264 encoder: openh264 (compiled from its bundled source) writing Annex-B
//! chunks, and an MP4 muxer (muxide) that joins them. A build with no ffmpeg still renders.
//!
//! openh264 writes Constrained Baseline (no B-frames), so a chunk is a plain Annex-B stream
//! that starts with its own SPS, PPS and IDR frame. Kinema puts an access unit delimiter before
//! every frame, which makes the stitch a simple, exact split: frame `i` of the video is the
//! `i`-th access unit across the chunks, shown at `i / fps` seconds. Nothing is re-encoded.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use openh264::OpenH264API;
use openh264::encoder::{
    BitRate, Complexity, Encoder, EncoderConfig, FrameRate, FrameType, IntraFramePeriod,
    MatrixCoefficients, QpRange, RateControlMode, UsageType, VuiConfig,
};
use openh264::formats::YUVSlices;

use crate::encoder::{ChunkFile, RgbaFrame, VideoEncoder};
use crate::ffmpeg::{EncodeError, VideoSettings, parse_bitrate};
use crate::yuv::{ColorMatrix, FrameConverter, I420};

/// An access unit delimiter NAL (any picture type).
const ACCESS_UNIT_DELIMITER: [u8; 6] = [0, 0, 0, 1, 0x09, 0xF0];

/// Keyframe interval, as x264's default.
const KEYFRAME_INTERVAL: u32 = 250;

/// An encode in progress with the built-in encoder.
pub struct OpenH264Encoder {
    encoder: Encoder,
    /// The Annex-B stream (a chunk's file, or a temporary one beside a whole video's output).
    stream: Option<BufWriter<File>>,
    stream_path: PathBuf,
    /// Where a whole video goes once muxed (`None` for a chunk).
    video: Option<PathBuf>,
    settings: VideoSettings,
    converter: FrameConverter,
    /// One access unit's bytes, written to `stream` in one go (openh264's own writer reports a
    /// short write as its own error and drops the I/O error saying why, e.g. a full disk).
    unit: Vec<u8>,
    frames: u64,
    /// `frames`, shared for progress reports (openh264 encodes each frame as it is written).
    encoded: Arc<AtomicU64>,
}

fn io_error(path: &Path, e: std::io::Error) -> EncodeError {
    EncodeError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

fn encoder_error(output: &Path, log: String) -> EncodeError {
    EncodeError::Builtin {
        output: output.to_path_buf(),
        reason: log,
    }
}

impl OpenH264Encoder {
    /// Encode one chunk into `output` (an Annex-B `.h264` file).
    pub fn start_chunk(settings: VideoSettings, output: &Path) -> Result<Self, EncodeError> {
        Self::open(settings, output.to_path_buf(), None)
    }

    /// Encode a whole video into `output` (an MP4 file).
    pub fn start(settings: VideoSettings, output: &Path) -> Result<Self, EncodeError> {
        let stream = output.with_extension("stream.h264");
        Self::open(settings, stream, Some(output.to_path_buf()))
    }

    fn open(
        settings: VideoSettings,
        stream_path: PathBuf,
        video: Option<PathBuf>,
    ) -> Result<Self, EncodeError> {
        settings.validate()?;
        let config = encoder_config(&settings)?;
        let mut encoder = Encoder::with_api_config(OpenH264API::from_source(), config)
            .map_err(|e| encoder_error(&stream_path, e.to_string()))?;
        route_log(&mut encoder);
        let file = File::create(&stream_path).map_err(|e| io_error(&stream_path, e))?;
        Ok(OpenH264Encoder {
            encoder,
            stream: Some(BufWriter::new(file)),
            stream_path,
            video,
            converter: FrameConverter::with_matrix(settings.color_matrix()),
            settings,
            unit: Vec::new(),
            frames: 0,
            encoded: Arc::default(),
        })
    }
}

/// Sends openh264's log to `tracing` instead of stderr, where it would break into the progress
/// bar: it warns, for one, that a `--video-bitrate` is not held exactly without dropping frames
/// (which Kinema never lets it do). Set before the first frame, as the encoder's settings are
/// checked (and warned about) then.
fn route_log(encoder: &mut Encoder) {
    use openh264_sys2::{
        ENCODER_OPTION_TRACE_CALLBACK, ENCODER_OPTION_TRACE_LEVEL, WELS_LOG_WARNING,
        WelsTraceCallback,
    };
    unsafe extern "C" fn log(
        _context: *mut std::ffi::c_void,
        level: std::ffi::c_int,
        message: *const std::ffi::c_char,
    ) {
        if message.is_null() {
            return;
        }
        // SAFETY: openh264 passes a NUL-terminated message that lives for the call.
        let message = unsafe { std::ffi::CStr::from_ptr(message) }.to_string_lossy();
        let message = openh264_message(&message);
        if level <= openh264_sys2::WELS_LOG_ERROR as std::ffi::c_int {
            tracing::warn!("openh264: {message}");
        } else {
            tracing::debug!("openh264: {message}");
        }
    }
    // The openh264 crate sets the level to quiet once the encoder is initialised, so only the
    // settings check's messages come through; later failures come back as error codes.
    let mut callback: WelsTraceCallback = Some(log);
    let mut level = WELS_LOG_WARNING as std::ffi::c_int;
    // SAFETY: both options are read by openh264 from the pointers during the call (the trace
    // options are accepted before the encoder is initialised); `log` is a plain function that
    // outlives the encoder. A failure only leaves openh264 printing as before.
    unsafe {
        let api = encoder.raw_api();
        api.set_option(ENCODER_OPTION_TRACE_CALLBACK, (&raw mut callback).cast());
        api.set_option(ENCODER_OPTION_TRACE_LEVEL, (&raw mut level).cast());
    }
}

/// An openh264 log line without its "[OpenH264] this = 0x…, Warning:" preamble (the level is
/// the log's own).
fn openh264_message(line: &str) -> &str {
    let line = line.trim();
    let Some(rest) = line.strip_prefix("[OpenH264]") else {
        return line;
    };
    // "this = 0x0x7f…, Warning:message": the object's address, then the level.
    let rest = rest.split_once(", ").map_or(rest, |(_, message)| message);
    let rest = ["Error:", "Warning:", "Info:", "Debug:", "Detail:"]
        .iter()
        .find_map(|level| rest.strip_prefix(level))
        .unwrap_or(rest);
    rest.trim()
}

/// openh264's settings for Kinema's: a constant quality from the CRF (openh264 has no CRF; its
/// quantiser is held in a narrow band around the same number), or a target bitrate.
fn encoder_config(settings: &VideoSettings) -> Result<EncoderConfig, EncodeError> {
    let threads = settings.encoder_threads.unwrap_or(0).min(u16::MAX as u32) as u16;
    let config = EncoderConfig::new()
        .usage_type(UsageType::CameraVideoRealTime)
        .complexity(Complexity::Medium)
        .max_frame_rate(FrameRate::from_hz(settings.fps as f32))
        .skip_frames(false)
        .intra_frame_period(IntraFramePeriod::from_num_frames(KEYFRAME_INTERVAL))
        // sRGB's primaries and transfer (BT.709's), with the matrix the frames are in.
        .vui(
            VuiConfig::bt709().matrix_coefficients(match settings.color_matrix() {
                ColorMatrix::Bt709 => MatrixCoefficients::Bt709,
                ColorMatrix::Bt601 => MatrixCoefficients::Bt470Bg,
            }),
        )
        .num_threads(threads);
    Ok(match &settings.video_bitrate {
        Some(bitrate) => config
            .rate_control_mode(RateControlMode::Bitrate)
            .bitrate(BitRate::from_bps(parse_bitrate(bitrate)?)),
        None => {
            let crf = settings.crf.or(settings.codec.default_crf()).unwrap_or(18);
            config
                .rate_control_mode(RateControlMode::Bufferbased)
                // A ceiling high enough never to be the limit at this size and rate.
                .bitrate(BitRate::from_bps(ceiling_bitrate(settings)))
                .qp(QpRange::new(crf.saturating_sub(2), (crf + 2).min(51)))
        }
    })
}

fn ceiling_bitrate(settings: &VideoSettings) -> u32 {
    let bits = settings.width as f64 * settings.height as f64 * settings.fps * 0.5;
    bits.clamp(1e6, i32::MAX as f64) as u32
}

impl VideoEncoder for OpenH264Encoder {
    fn write(&mut self, frame: RgbaFrame<'_>) -> Result<(), EncodeError> {
        frame.check(self.frames, self.settings.width, self.settings.height)?;
        let yuv = frame.to_i420(&mut self.converter)?;
        let (w, h) = (frame.width as usize, frame.height as usize);
        debug_assert_eq!(yuv.len(), I420::byte_len(frame.width, frame.height));
        let (y, chroma) = yuv.split_at(w * h);
        let (u, v) = chroma.split_at(w / 2 * (h / 2));
        let source = YUVSlices::new((y, u, v), (w, h), (w, w / 2, w / 2));
        let bitstream = self
            .encoder
            .encode(&source)
            .map_err(|e| encoder_error(&self.stream_path, e.to_string()))?;
        if matches!(bitstream.frame_type(), FrameType::Skip | FrameType::Invalid) {
            return Err(encoder_error(
                &self.stream_path,
                format!("openh264 dropped frame {}", self.frames),
            ));
        }
        self.unit.clear();
        self.unit.extend_from_slice(&ACCESS_UNIT_DELIMITER);
        bitstream.write_vec(&mut self.unit);
        let stream = self.stream.as_mut().expect("open until finished");
        stream
            .write_all(&self.unit)
            .map_err(|e| io_error(&self.stream_path, e))?;
        self.frames += 1;
        self.encoded.store(self.frames, Ordering::Relaxed);
        Ok(())
    }

    fn frames(&self) -> u64 {
        self.frames
    }

    fn encoded(&self) -> Arc<AtomicU64> {
        self.encoded.clone()
    }

    fn finish(mut self: Box<Self>) -> Result<u64, EncodeError> {
        let stream = self.stream.take().expect("open until finished");
        let file = stream
            .into_inner()
            .map_err(|e| io_error(&self.stream_path, e.into_error()))?;
        // A chunk is kept (and uploaded by the farm): on disk before it is reported done. A
        // whole video's stream is read back at once and deleted, so syncing it is wasted.
        if self.video.is_none() {
            file.sync_all()
                .map_err(|e| io_error(&self.stream_path, e))?;
        }
        drop(file);
        if let Some(video) = self.video.clone() {
            let chunk = ChunkFile {
                path: self.stream_path.clone(),
                frames: self.frames,
            };
            stitch(&self.settings, std::slice::from_ref(&chunk), &video)?;
        }
        Ok(self.frames)
    }

    fn abort(self: Box<Self>) {
        // Dropping removes a whole video's temporary stream; a chunk's file is the caller's.
    }
}

impl Drop for OpenH264Encoder {
    /// A whole video's Annex-B stream is temporary: it goes whether the video was muxed, the
    /// encode failed (a full disk) or it was abandoned.
    fn drop(&mut self) {
        if self.video.is_some() {
            // Unflushed bytes are discarded rather than written into a file about to go.
            if let Some(stream) = self.stream.take() {
                drop(stream.into_parts());
            }
            let _ = std::fs::remove_file(&self.stream_path);
        }
    }
}

/// The NAL units of an Annex-B stream, start codes removed.
fn nal_units(stream: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= stream.len() {
        if stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|&next| {
            // The unit ends before the next start code (and its optional leading zero).
            let mut end = next - 3;
            while end > 0 && stream[end - 1] == 0 {
                end -= 1;
            }
            end
        })
        .chain(std::iter::once(stream.len()))
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .map(move |(start, end)| &stream[start..end.max(start)])
        .filter(|nal| !nal.is_empty())
}

/// One frame of a chunk: its NAL units in Annex-B form, and whether it is a keyframe.
struct AccessUnit {
    data: Vec<u8>,
    keyframe: bool,
}

/// Split a chunk into frames at Kinema's access unit delimiters (which are dropped).
fn access_units(stream: &[u8]) -> Vec<AccessUnit> {
    let mut units: Vec<AccessUnit> = Vec::new();
    for nal in nal_units(stream) {
        let kind = nal[0] & 0x1F;
        if kind == 9 {
            units.push(AccessUnit {
                data: Vec::new(),
                keyframe: false,
            });
            continue;
        }
        let Some(unit) = units.last_mut() else {
            // Bytes before the first delimiter: not a Kinema chunk; keep them in frame 0.
            units.push(AccessUnit {
                data: Vec::new(),
                keyframe: false,
            });
            let unit = units.last_mut().expect("just pushed");
            unit.data.extend_from_slice(&[0, 0, 0, 1]);
            unit.data.extend_from_slice(nal);
            unit.keyframe |= kind == 5;
            continue;
        };
        unit.data.extend_from_slice(&[0, 0, 0, 1]);
        unit.data.extend_from_slice(nal);
        unit.keyframe |= kind == 5;
    }
    units.retain(|u| !u.data.is_empty());
    units
}

/// Join built-in chunks into a progressive MP4 (index first).
pub fn stitch(
    settings: &VideoSettings,
    chunks: &[ChunkFile],
    output: &Path,
) -> Result<(), EncodeError> {
    let file = File::create(output).map_err(|e| io_error(output, e))?;
    let mut muxer = muxide::api::MuxerBuilder::new(BufWriter::new(file))
        .video(
            muxide::api::VideoCodec::H264,
            settings.width,
            settings.height,
            crate::ffmpeg::video_rate(settings.fps),
        )
        .with_fast_start(true)
        .build()
        .map_err(|e| encoder_error(output, e.to_string()))?;
    let mut index = 0u64;
    for chunk in chunks {
        let stream = std::fs::read(&chunk.path).map_err(|e| io_error(&chunk.path, e))?;
        let units = access_units(&stream);
        if units.len() as u64 != chunk.frames {
            return Err(encoder_error(
                output,
                format!(
                    "{} holds {} frames, {} were expected",
                    chunk.path.display(),
                    units.len(),
                    chunk.frames
                ),
            ));
        }
        for unit in units {
            let seconds = index as f64 / crate::ffmpeg::video_rate(settings.fps);
            muxer
                .write_video(seconds, &unit.data, unit.keyframe)
                .map_err(|e| {
                    encoder_error(
                        output,
                        format!("{} (frame {index}): {e}", chunk.path.display()),
                    )
                })?;
            index += 1;
        }
    }
    muxer
        .finish_in_place()
        .map_err(|e| encoder_error(output, e.to_string()))?;
    // The muxer leaves the buffer's last bytes unwritten, and a writer dropped unflushed
    // loses the error: a full disk would pass for a finished video.
    muxer
        .into_writer()
        .into_inner()
        .map_err(|e| io_error(output, e.into_error()))?
        .sync_all()
        .map_err(|e| io_error(output, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openh264_log_lines_lose_their_preamble() {
        assert_eq!(
            openh264_message(
                "[OpenH264] this = 0x0x7f78c00e3b30, Warning:bEnableFrameSkip = 0,bitrate \
                 can't be controlled without enabling skip frame.\n"
            ),
            "bEnableFrameSkip = 0,bitrate can't be controlled without enabling skip frame."
        );
        assert_eq!(
            openh264_message("[OpenH264] this = 0x1, Error:WelsInitEncoderExt failed"),
            "WelsInitEncoderExt failed"
        );
        assert_eq!(openh264_message("plain line\n"), "plain line");
    }

    #[test]
    fn access_units_split_at_delimiters_and_mark_keyframes() {
        let mut stream = Vec::new();
        stream.extend_from_slice(&ACCESS_UNIT_DELIMITER);
        stream.extend_from_slice(&[0, 0, 0, 1, 0x67, 1, 2]); // SPS
        stream.extend_from_slice(&[0, 0, 1, 0x68, 3]); // PPS, 3-byte start code
        stream.extend_from_slice(&[0, 0, 0, 1, 0x65, 4, 5, 0]); // IDR slice with a trailing zero
        stream.extend_from_slice(&ACCESS_UNIT_DELIMITER);
        stream.extend_from_slice(&[0, 0, 0, 1, 0x41, 6]); // P slice
        let units = access_units(&stream);
        assert_eq!(units.len(), 2);
        assert!(units[0].keyframe);
        assert_eq!(
            units[0].data,
            [
                0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5
            ]
        );
        assert!(!units[1].keyframe);
        assert_eq!(units[1].data, [0, 0, 0, 1, 0x41, 6]);
        assert!(access_units(&[]).is_empty());
        assert_eq!(access_units(&[0, 0, 1, 0x41, 9]).len(), 1);
    }
}
