//! Encoding through an `ffmpeg` subprocess fed raw I420 frames on stdin.
//!
//! Debian's ffmpeg brings x264 (and the other codecs). Frames are written in order; `finish`
//! closes stdin and waits, and any failure carries the tail of ffmpeg's own log.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use crate::codec::{Codec, ColorSpace, PixelFormat, ProresProfile};
use crate::encoder::{RgbaFrame, VideoEncoder};
use crate::yuv::{Changes, FrameConverter};

/// Video settings, with Remotion's names and defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoSettings {
    pub codec: Codec,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// Constant rate factor (default: the codec's, e.g. 18 for H.264). Exclusive with
    /// `video_bitrate`.
    pub crf: Option<u8>,
    /// x264 preset (`ultrafast` … `placebo`); Remotion's default is `medium`.
    pub x264_preset: Option<String>,
    /// Target bitrate such as `"4M"`; exclusive with `crf`.
    pub video_bitrate: Option<String>,
    /// Output pixel format (`None`: the codec's default, `yuv420p` except for ProRes).
    pub pixel_format: Option<PixelFormat>,
    /// Encoder threads (`None`: ffmpeg's choice). Parallel chunk encodes use 1 each.
    pub encoder_threads: Option<u32>,
    /// ProRes profile (`None`: HQ, or 4444 for a 4:4:4 pixel format).
    pub prores_profile: Option<ProresProfile>,
    /// How many times a GIF plays again after the first time (Remotion's `numberOfGifLoops`:
    /// `None` for ever, 0 once).
    pub gif_loops: Option<u32>,
    /// Remotion's `colorSpace`: the YUV matrix written and tagged.
    pub color_space: ColorSpace,
    /// Remotion's `encodingMaxRate` and `encodingBufferSize` (`-maxrate`, `-bufsize`): a
    /// ceiling on the bitrate over a buffer of that many bits, as streaming wants; the ceiling
    /// needs the buffer.
    pub max_rate: Option<String>,
    pub buffer_size: Option<String>,
    /// Remotion's `metadata` (`--metadata key=value`): tags of the finished file (ffmpeg's
    /// `-metadata`), in order.
    pub metadata: Vec<(String, String)>,
}

/// The most bytes of tags a render takes: they go on ffmpeg's command line.
pub const MAX_METADATA_BYTES: usize = 64 * 1024;

/// Whether a file named `output` keeps the tag `key`: ffmpeg's MP4 (and M4A), QuickTime and
/// WAV writers keep the tags of their formats only (found by writing every common one), and
/// write `encoder` themselves; Matroska, WebM, MP3 and AAC (an ID3 header) keep any.
pub fn keeps_metadata_key(output: &Path, key: &str) -> bool {
    const MP4: [&str; 17] = [
        "title",
        "artist",
        "album_artist",
        "composer",
        "album",
        "date",
        "comment",
        "genre",
        "copyright",
        "grouping",
        "lyrics",
        "description",
        "synopsis",
        "show",
        "episode_id",
        "network",
        "keywords",
    ];
    const QUICKTIME: [&str; 11] = [
        "title",
        "artist",
        "make",
        "model",
        "author",
        "album",
        "date",
        "comment",
        "genre",
        "copyright",
        "location",
    ];
    let extension = output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    // ffmpeg matches tag names whatever their case.
    let key = key.to_ascii_lowercase();
    // A WAV file's RIFF INFO list, as ffmpeg names its fields.
    const WAV: [&str; 10] = [
        "title",
        "artist",
        "album",
        "comment",
        "copyright",
        "date",
        "genre",
        "language",
        "encoded_by",
        "track",
    ];
    match extension.as_str() {
        _ if key == "encoder" => false,
        "mp4" | "m4v" | "m4a" | "m4b" => MP4.contains(&key.as_str()),
        "mov" => QUICKTIME.contains(&key.as_str()),
        "wav" => WAV.contains(&key.as_str()),
        _ => true,
    }
}

/// That `metadata` (Remotion's `metadata`, `--metadata key=value`) can be written as tags:
/// names without `=` or control characters, values without NUL, and no more than
/// [`MAX_METADATA_BYTES`] in all.
pub fn validate_metadata(metadata: &[(String, String)]) -> Result<(), EncodeError> {
    let setting = |reason: String| {
        Err(EncodeError::Setting {
            field: "metadata",
            reason,
        })
    };
    let bytes: usize = metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
    if bytes > MAX_METADATA_BYTES {
        return setting(format!(
            "{bytes} bytes of tags are more than the {MAX_METADATA_BYTES} a command line \
             carries safely"
        ));
    }
    for (key, value) in metadata {
        let bad = |c: char| c == '=' || c.is_control();
        if key.is_empty() || key.chars().any(bad) {
            return setting(format!(
                "\"{key}\" is not a tag name (it must not be empty, hold = or control characters)"
            ));
        }
        if value.contains('\0') {
            return setting(format!("{key}: a value cannot hold NUL"));
        }
    }
    Ok(())
}

/// Parse a bitrate such as `4M`, `800k` or `2500000` into bits per second (k/K: thousands,
/// m/M: millions). ffmpeg is given the number, since it reads a lowercase `m` as "milli".
pub fn parse_bitrate(text: &str) -> Result<u32, EncodeError> {
    parse_bitrate_of("videoBitrate", text)
}

/// [`parse_bitrate`] for the setting `field` (`encodingMaxRate`, `encodingBufferSize`).
pub fn parse_bitrate_of(field: &'static str, text: &str) -> Result<u32, EncodeError> {
    let invalid = || EncodeError::Setting {
        field,
        reason: format!(
            "\"{text}\" is not a bitrate from 1000 bits/s to 2147M, such as 4M, 800k or \
             2500000"
        ),
    };
    let trimmed = text.trim();
    let (number, factor) = match trimmed.chars().last() {
        Some('k' | 'K') => (&trimmed[..trimmed.len() - 1], 1e3),
        Some('m' | 'M') => (&trimmed[..trimmed.len() - 1], 1e6),
        _ => (trimmed, 1.0),
    };
    let value: f64 = number.parse().map_err(|_| invalid())?;
    let bps = value * factor;
    if !(bps.is_finite() && (1000.0..=i32::MAX as f64).contains(&bps)) {
        return Err(invalid());
    }
    Ok(bps as u32)
}

/// The raw frames Kinema pipes into ffmpeg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawInput {
    /// 4:2:0 converted by Kinema (the fast, common path).
    I420,
    /// Opaque RGB (composited over black); ffmpeg converts with the BT.709 matrix.
    Rgb24,
    /// Straight RGBA, for pixel formats that keep transparency.
    Rgba,
}

/// Where an encode's timestamps start, for chunks that are joined later.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChunkTiming {
    /// Frames of video before this chunk in the final file.
    pub first_frame: u64,
}

/// The frame rate videos are written at for a composition at `fps`: the NTSC rates that
/// compositions give as 23.976, 29.97, 59.94 or 119.88 fps are exactly 24000/1001, 30000/1001,
/// 60000/1001 and 120000/1001, as players and editors expect them. Every encoder, chunk offset
/// and join uses this one value, so timestamps and the tagged rate agree whatever the codec
/// (29.97 written as given became 2997/100 in WebM and QuickTime, and 30000/1001 in MP4).
pub fn video_rate(fps: f64) -> f64 {
    NTSC_BASES
        .iter()
        .map(|base| base * 1000.0 / 1001.0)
        .find(|ntsc| (fps - ntsc).abs() < 0.005)
        .unwrap_or(fps)
}

/// The integer rates whose NTSC variants (× 1000/1001) are recognised.
const NTSC_BASES: [f64; 6] = [24.0, 30.0, 48.0, 60.0, 120.0, 240.0];

/// The smallest side x265 and openh264 encode (one 16x16 block).
pub(crate) const MIN_SIDE: u32 = 16;

/// The slowest frame rate accepted: a frame of 5 s. Joined MPEG-TS chunks of longer frames lose
/// their last frame's duration (ffmpeg 5 no longer trusts the rate), and much longer ones
/// overflow the containers. A slower video is the same video at 1 fps with frames repeated,
/// which cost next to nothing to paint and to encode.
pub const MIN_FPS: f64 = 0.2;
/// The fastest frame rate accepted, with a margin below 1,000 fps, where ffmpeg stops trusting
/// a stream's frame rate and the joined MPEG-TS chunks lose their last frame's duration.
pub const MAX_FPS: f64 = 500.0;
/// GIF frame delays are in 1/100 s, and browsers play delays under 2/100 s as 1/10 s.
pub const MAX_GIF_FPS: f64 = 50.0;

/// Why a GIF of a composition at `fps`, keeping every `every_nth` frame, would play faster than
/// [`MAX_GIF_FPS`] (`None` when it would not), naming `setting` (`--every-nth-frame` or
/// `everyNthFrame`) and the smallest value of it that fits.
pub fn gif_too_fast(fps: f64, every_nth: u32, setting: &str) -> Option<String> {
    let plays_at = fps / every_nth.max(1) as f64;
    (plays_at > MAX_GIF_FPS).then(|| {
        format!(
            "a GIF plays at most {MAX_GIF_FPS} fps (browsers show a frame shorter than 2/100 s \
             for 1/10 s), and the composition's {fps} fps, every {every_nth} frames, plays at \
             {plays_at} fps: set {setting} to {}",
            (fps / MAX_GIF_FPS).ceil() as u32
        )
    })
}

/// Every chunk's timestamps are shifted by this many frames more (and at least a second), so
/// that no chunk needs ffmpeg's "make DTS non-negative" shift, which only the first chunk would
/// get, putting it out of step with the rest: with B-frames a chunk's decoding starts a few
/// frames (two, with x264's B-pyramid) before its first frame. In seconds that is more than a
/// second below 2 fps, so the shift is counted in frames. The stitch removes it again.
const CHUNK_TIMESTAMP_BASE_FRAMES: f64 = 16.0;

fn chunk_timestamp_base(fps: f64) -> f64 {
    (CHUNK_TIMESTAMP_BASE_FRAMES / fps).max(1.0)
}

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
    #[error("ffmpeg failed joining the chunks into {output}: {log}")]
    Join { output: PathBuf, log: String },
    #[error("the built-in H.264 encoder failed on {output}: {reason}")]
    Builtin { output: PathBuf, reason: String },
    #[error("cannot write {path}: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("ffmpeg cannot decode the sound of {file}: {log}")]
    Audio { file: PathBuf, log: String },
    #[error("ffmpeg cannot decode the pictures of {file}: {log}")]
    Video { file: PathBuf, log: String },
}

impl EncodeError {
    /// For a `spawn` of `ffmpeg` that failed: it is not there, or does not run.
    pub(crate) fn ffmpeg_missing(ffmpeg: &Path) -> impl FnOnce(std::io::Error) -> EncodeError {
        let path = ffmpeg.display().to_string();
        move |e| EncodeError::FfmpegMissing {
            path,
            reason: e.to_string(),
        }
    }
}

impl VideoSettings {
    /// `codec` at this size and rate, everything else at Remotion's defaults (the codec's CRF
    /// and pixel format, x264's `medium`, no bitrate) and the encoder's own thread count.
    pub fn new(codec: Codec, width: u32, height: u32, fps: f64) -> VideoSettings {
        VideoSettings {
            codec,
            width,
            height,
            fps,
            crf: None,
            x264_preset: None,
            video_bitrate: None,
            pixel_format: None,
            encoder_threads: None,
            prores_profile: None,
            gif_loops: None,
            color_space: ColorSpace::Default,
            max_rate: None,
            buffer_size: None,
            metadata: Vec::new(),
        }
    }

    /// Check the settings before anything is started.
    pub fn validate(&self) -> Result<(), EncodeError> {
        let setting = |field, reason: String| Err(EncodeError::Setting { field, reason });
        let codec = self.codec.name();
        if self.width == 0 || self.height == 0 {
            return setting(
                "size",
                format!("{}x{} has no pixels", self.width, self.height),
            );
        }
        if let Some(format) = self.pixel_format
            && !self.codec.pixel_formats().contains(&format)
        {
            let choices = self.codec.pixel_formats();
            return setting(
                "pixelFormat",
                if choices.is_empty() {
                    format!("{codec} has no pixel format setting")
                } else {
                    format!(
                        "{} is not available for {codec}; use one of {}",
                        format.name(),
                        choices
                            .iter()
                            .map(|f| f.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            );
        }
        // x265 refuses smaller frames ("Image size is too small"), after every frame is painted.
        if self.codec == Codec::H265 && (self.width < MIN_SIDE || self.height < MIN_SIDE) {
            return setting(
                "size",
                format!(
                    "{}x{}: h265 needs at least {MIN_SIDE} pixels on each side",
                    self.width, self.height
                ),
            );
        }
        if let Some(format) = self.output_pixel_format() {
            let odd_width = format.halves_width() && !self.width.is_multiple_of(2);
            let odd_height = format.halves_height() && !self.height.is_multiple_of(2);
            if odd_width || odd_height {
                return setting(
                    "size",
                    format!(
                        "{}x{}: {codec} in {} needs an even {}",
                        self.width,
                        self.height,
                        format.name(),
                        if odd_width { "width" } else { "height" }
                    ),
                );
            }
        }
        if !(self.fps.is_finite() && self.fps > 0.0) {
            return setting("fps", format!("{} is not a positive frame rate", self.fps));
        }
        if !(MIN_FPS..=MAX_FPS).contains(&self.fps) {
            return setting(
                "fps",
                format!(
                    "{} is outside {MIN_FPS}-{MAX_FPS} frames per second, the rates every \
                     encoder and join handles",
                    self.fps
                ),
            );
        }
        if self.codec == Codec::Gif && self.fps > MAX_GIF_FPS {
            return setting(
                "fps",
                format!(
                    "a GIF at {} fps would not play at that speed: browsers show a frame \
                     shorter than 2/100 s for 1/10 s, so a GIF plays at most {MAX_GIF_FPS} fps; \
                     lower its rate with --every-nth-frame N (everyNthFrame), which keeps \
                     every Nth frame",
                    self.fps
                ),
            );
        }
        if let Some(crf) = self.crf {
            match self.codec.crf_range() {
                None => return setting("crf", format!("{codec} has no crf setting")),
                Some(range) if !range.contains(&crf) => {
                    return setting(
                        "crf",
                        format!(
                            "{crf} is outside {}-{} for {codec}",
                            range.start(),
                            range.end()
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        if let Some(bitrate) = &self.video_bitrate {
            if !self.codec.takes_bitrate() {
                return setting(
                    "videoBitrate",
                    format!("{codec} takes no bitrate; leave it unset"),
                );
            }
            parse_bitrate(bitrate)?;
        }
        if self.crf.is_some() && self.video_bitrate.is_some() {
            return setting("crf", "crf and videoBitrate cannot both be set".into());
        }
        if let Some(profile) = self.prores_profile {
            if self.codec != Codec::Prores {
                return setting(
                    "proResProfile",
                    format!("only applies to prores, not {codec}"),
                );
            }
            let format = self
                .output_pixel_format()
                .unwrap_or(PixelFormat::Yuv422p10le);
            let four_four_four =
                matches!(format, PixelFormat::Yuv444p10le | PixelFormat::Yuva444p10le);
            if profile.is_444() != four_four_four {
                return setting(
                    "proResProfile",
                    format!(
                        "{} is a {} profile; {} is not (use {})",
                        profile.name(),
                        if profile.is_444() { "4:4:4" } else { "4:2:2" },
                        format.name(),
                        if profile.is_444() {
                            "pixel format yuv444p10le or yuva444p10le"
                        } else {
                            "pixel format yuv422p10le, or profile 4444"
                        }
                    ),
                );
            }
        }
        if let Some(loops) = self.gif_loops {
            if self.codec != Codec::Gif {
                return setting(
                    "numberOfGifLoops",
                    format!("only applies to gif, not {codec}"),
                );
            }
            // A GIF's loop count is 16 bits.
            if loops > u32::from(u16::MAX) {
                return setting(
                    "numberOfGifLoops",
                    format!("{loops} is more than a GIF can hold (at most 65535)"),
                );
            }
        }
        match (self.color_space, self.codec) {
            (ColorSpace::Default, _) => {}
            (ColorSpace::Bt2020Ncl, _) => {
                return setting(
                    "colorSpace",
                    "bt2020-ncl is not supported yet: Kinema paints sRGB, whose colours would \
                     have to be converted to BT.2020's primaries; use bt709 (the default) or \
                     bt601"
                        .into(),
                );
            }
            (_, Codec::Gif) => {
                return setting(
                    "colorSpace",
                    "a GIF is RGB and has no colour space; leave it unset".into(),
                );
            }
            (ColorSpace::Bt709, Codec::Vp8) => {
                return setting(
                    "colorSpace",
                    "vp8's bitstream knows BT.601 only, which every decoder applies; use \
                     bt601 or default"
                        .into(),
                );
            }
            _ => {}
        }
        for (field, value) in [
            ("encodingMaxRate", &self.max_rate),
            ("encodingBufferSize", &self.buffer_size),
        ] {
            if let Some(value) = value {
                if !self.codec.takes_bitrate() {
                    return setting(field, format!("{codec} takes no bitrate; leave it unset"));
                }
                parse_bitrate_of(field, value)?;
            }
        }
        match (&self.max_rate, &self.buffer_size) {
            (Some(_), None) => {
                return setting(
                    "encodingMaxRate",
                    "needs encodingBufferSize too (the buffer the ceiling is kept over, such \
                     as twice the rate)"
                        .into(),
                );
            }
            // The encoders ignore a buffer alone, or (libvpx-vp9) refuse it.
            (None, Some(_)) => {
                return setting(
                    "encodingBufferSize",
                    "needs encodingMaxRate too (the ceiling it keeps the bitrate to)".into(),
                );
            }
            (Some(max_rate), Some(_)) => {
                if let Some(bitrate) = &self.video_bitrate {
                    if matches!(self.codec, Codec::Vp8 | Codec::Vp9) {
                        return setting(
                            "encodingMaxRate",
                            format!(
                                "libvpx keeps to videoBitrate and ignores a ceiling beside it; \
                                 give {codec} one or the other"
                            ),
                        );
                    }
                    let (max, target) = (
                        parse_bitrate_of("encodingMaxRate", max_rate)?,
                        parse_bitrate(bitrate)?,
                    );
                    if max < target {
                        return setting(
                            "encodingMaxRate",
                            format!("{max_rate} is below videoBitrate {bitrate}"),
                        );
                    }
                }
            }
            (None, None) => {}
        }
        if !self.metadata.is_empty() && self.codec == Codec::Gif {
            return setting(
                "metadata",
                "a GIF holds no metadata tags; leave it unset".into(),
            );
        }
        validate_metadata(&self.metadata)?;
        if let Some(preset) = &self.x264_preset {
            if self.codec != Codec::H264 {
                return setting("x264Preset", format!("only applies to h264, not {codec}"));
            }
            if !X264_PRESETS.contains(&preset.as_str()) {
                return setting(
                    "x264Preset",
                    format!("\"{preset}\" is not one of {}", X264_PRESETS.join(", ")),
                );
            }
        }
        Ok(())
    }

    /// The matrix the video's YUV is in: BT.709, but BT.601 when asked (`colorSpace: bt601`)
    /// and for VP8, whose bitstream knows no other (decoders apply it whatever the container
    /// says).
    pub fn color_matrix(&self) -> crate::yuv::ColorMatrix {
        match (self.codec, self.color_space) {
            (Codec::Vp8, _) | (_, ColorSpace::Bt601) => crate::yuv::ColorMatrix::Bt601,
            _ => crate::yuv::ColorMatrix::Bt709,
        }
    }

    /// The pixel format written (none for GIF, which is paletted).
    pub fn output_pixel_format(&self) -> Option<PixelFormat> {
        if self.codec == Codec::Gif {
            return None;
        }
        Some(self.pixel_format.unwrap_or_else(|| {
            match self.prores_profile {
                // A 4:4:4 profile is written in its own sampling.
                Some(profile) if self.codec == Codec::Prores && profile.is_444() => {
                    PixelFormat::Yuv444p10le
                }
                _ => self.codec.default_pixel_format(),
            }
        }))
    }

    fn raw_input(&self) -> RawInput {
        match self.output_pixel_format() {
            Some(PixelFormat::Yuv420p) => RawInput::I420,
            Some(format) if format.has_alpha() => RawInput::Rgba,
            _ => RawInput::Rgb24,
        }
    }

    /// `-metadata key=value` for each tag of the finished file.
    pub(crate) fn metadata_args(&self) -> Vec<String> {
        self.metadata
            .iter()
            .flat_map(|(key, value)| ["-metadata".to_string(), format!("{key}={value}")])
            .collect()
    }

    /// libvpx's `-b:v` in CRF mode: `encodingMaxRate` in bits per second, else `otherwise`.
    fn vpx_ceiling(&self, otherwise: &str) -> String {
        self.max_rate
            .as_deref()
            .and_then(|rate| parse_bitrate_of("encodingMaxRate", rate).ok())
            .map_or_else(|| otherwise.to_string(), |bits| bits.to_string())
    }

    /// The encoder part of ffmpeg's arguments.
    fn codec_args(&self) -> Vec<String> {
        let quality = |args: &mut Vec<String>| match (
            &self.video_bitrate,
            self.crf.or(self.codec.default_crf()),
        ) {
            (Some(bitrate), _) => args.extend([
                "-b:v".into(),
                // Validated before any encoder starts; ffmpeg reads "4m" as 4 millibits.
                parse_bitrate(bitrate).map_or_else(|_| bitrate.clone(), |bps| bps.to_string()),
            ]),
            (None, Some(crf)) => args.extend(["-crf".into(), crf.to_string()]),
            (None, None) => {}
        };
        // Validated before any encoder starts, as the bitrate is.
        let rate_cap = |args: &mut Vec<String>| {
            for (flag, field, value) in [
                ("-maxrate", "encodingMaxRate", &self.max_rate),
                ("-bufsize", "encodingBufferSize", &self.buffer_size),
            ] {
                if let Some(value) = value {
                    let bits = parse_bitrate_of(field, value)
                        .map_or_else(|_| value.clone(), |bits| bits.to_string());
                    args.extend([flag.into(), bits]);
                }
            }
        };
        let mut args: Vec<String> = Vec::new();
        let push = |args: &mut Vec<String>, items: &[&str]| {
            args.extend(items.iter().map(|s| s.to_string()))
        };
        let matrix = self.color_matrix().ffmpeg_name();
        if self.raw_input() != RawInput::I420 && self.codec != Codec::Gif {
            // ffmpeg's own RGB → YUV conversion defaults to BT.601; ask for what we tag.
            args.extend([
                "-vf".into(),
                format!(
                    "scale=out_color_matrix={}:out_range=tv",
                    self.color_matrix().swscale_name()
                ),
            ]);
        }
        let pixel_format = self.output_pixel_format().map(PixelFormat::name);
        match self.codec {
            Codec::H264 => {
                push(&mut args, &["-c:v", "libx264", "-preset"]);
                args.push(self.x264_preset.clone().unwrap_or_else(|| "medium".into()));
                quality(&mut args);
                rate_cap(&mut args);
            }
            // GIF chunks are lossless RGB H.264; the palette is made once, at the stitch.
            Codec::Gif => push(
                &mut args,
                &[
                    "-c:v",
                    "libx264rgb",
                    "-qp",
                    "0",
                    "-preset",
                    "ultrafast",
                    "-pix_fmt",
                    "rgb24",
                ],
            ),
            Codec::H265 => {
                push(
                    &mut args,
                    &["-c:v", "libx265", "-x265-params", "log-level=error"],
                );
                quality(&mut args);
                rate_cap(&mut args);
            }
            Codec::Vp8 => {
                push(
                    &mut args,
                    &["-c:v", "libvpx", "-deadline", "good", "-cpu-used", "2"],
                );
                quality(&mut args);
                rate_cap(&mut args);
                if self.video_bitrate.is_none() {
                    // libvpx's CRF is a quality floor under a bitrate ceiling: the asked one,
                    // or one that never binds.
                    args.extend(["-b:v".into(), self.vpx_ceiling("50000000")]);
                }
            }
            Codec::Vp9 => {
                push(
                    &mut args,
                    &[
                        "-c:v",
                        "libvpx-vp9",
                        "-deadline",
                        "good",
                        "-cpu-used",
                        "4",
                        "-row-mt",
                        "1",
                    ],
                );
                quality(&mut args);
                rate_cap(&mut args);
                if self.video_bitrate.is_none() {
                    // Constant quality (0), or constrained quality under a ceiling (libvpx-vp9
                    // refuses a ceiling without a bitrate).
                    args.extend(["-b:v".into(), self.vpx_ceiling("0")]);
                }
            }
            Codec::Prores => {
                // Unless asked: HQ for 4:2:2, 4444 for 4:4:4 (with alpha when asked).
                let profile = match self.prores_profile {
                    Some(profile) => profile.ffmpeg_profile(),
                    None if pixel_format == Some("yuv422p10le") => 3,
                    None => 4,
                };
                push(&mut args, &["-c:v", "prores_ks", "-profile:v"]);
                args.push(profile.to_string());
                // prores_ks leaves the colour fields of its frame headers unspecified whatever
                // it is told; this filter writes them.
                push(&mut args, &["-bsf:v"]);
                args.push(format!(
                    "prores_metadata=color_primaries=bt709:color_trc=bt709:colorspace={}",
                    self.color_matrix().prores_name()
                ));
            }
        }
        if let Some(format) = pixel_format {
            push(&mut args, &["-pix_fmt", format]);
        }
        if matches!(self.codec, Codec::Vp8 | Codec::Vp9) && self.raw_input() == RawInput::Rgba {
            // libvpx cannot keep alpha with alternate reference frames.
            push(&mut args, &["-auto-alt-ref", "0"]);
        }
        if self.codec != Codec::Gif {
            // The primaries and transfer are sRGB's (BT.709's) whatever the matrix.
            // ProRes' frame headers take SMPTE 170M for BT.601 (the same coefficients): the
            // container says the same.
            let matrix = match self.codec {
                Codec::Prores => self.color_matrix().prores_name(),
                _ => matrix,
            };
            args.extend(["-colorspace".into(), matrix.into()]);
            push(
                &mut args,
                &[
                    "-color_primaries",
                    "bt709",
                    "-color_trc",
                    "bt709",
                    "-color_range",
                    "tv",
                ],
            );
        }
        args
    }

    /// ffmpeg's arguments for encoding into `output` (container from its extension; H.264
    /// chunks are MPEG-TS with continuous timestamps).
    fn args(&self, output: &Path, chunk: Option<ChunkTiming>) -> Vec<String> {
        let mut args: Vec<String> = [
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            // Frames encoded, for progress bars, as key=value lines on stdout.
            "-nostats",
            "-progress",
            "pipe:1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            match self.raw_input() {
                RawInput::I420 => "yuv420p",
                RawInput::Rgb24 => "rgb24",
                RawInput::Rgba => "rgba",
            },
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
        ]);
        args.extend(self.codec_args());
        if let Some(threads) = self.encoder_threads {
            args.extend(["-threads".into(), threads.to_string()]);
        }
        match chunk {
            Some(timing) if self.codec.chunks_are_transport_stream() => args.extend([
                "-output_ts_offset".into(),
                format!(
                    "{:.6}",
                    chunk_timestamp_base(self.fps)
                        + timing.first_frame as f64 / video_rate(self.fps)
                ),
                "-f".into(),
                "mpegts".into(),
            ]),
            _ => {
                if chunk.is_none() {
                    // Tags belong to the finished file.
                    args.extend(self.metadata_args());
                }
                if is_mp4_family(output) {
                    args.extend(["-movflags".into(), "+faststart".into()]);
                }
                if self.codec == Codec::H265 && is_mp4_family(output) {
                    // The tag Apple's players require.
                    args.extend(["-tag:v".into(), "hvc1".into()]);
                }
            }
        }
        args.push(output.display().to_string());
        args
    }
}

/// Whether `path` is an MP4 or QuickTime file (which get `faststart`).
pub(crate) fn is_mp4_family(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mp4") || e.eq_ignore_ascii_case("mov"))
}

/// ffmpeg's spelling of [`video_rate`]`(fps)`: an integer, an NTSC fraction, or a decimal.
pub(crate) fn format_fps(fps: f64) -> String {
    let rate = video_rate(fps);
    let per_1001 = rate * 1001.0;
    if rate.fract() == 0.0 {
        format!("{}", rate as u64)
    } else if (per_1001 - per_1001.round()).abs() < 1e-6 && per_1001.round() % 1000.0 == 0.0 {
        format!("{}/1001", per_1001.round() as u64)
    } else {
        format!("{rate}")
    }
}

/// Pipe capacity asked for ffmpeg's input. Linux pipes hold 64 KiB unless asked, so a 3 MB
/// 1080p frame took some 48 hand-overs between Kinema and ffmpeg, each a context switch
/// when they share a core; 1 MiB is the most an unprivileged process may ask for by default.
const PIPE_BYTES: i32 = 1 << 20;

/// Ask for a larger pipe; where that is refused, the default one works the same, only slower.
#[cfg(target_os = "linux")]
pub(crate) fn widen_pipe(pipe: &impl std::os::fd::AsRawFd) {
    // SAFETY: F_SETPIPE_SZ on a pipe descriptor this process owns; it only sets a capacity.
    let result = unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BYTES) };
    if result < 0 {
        tracing::debug!(error = %std::io::Error::last_os_error(), "cannot widen a pipe to ffmpeg");
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn widen_pipe<T>(_pipe: &T) {}

/// Put one frame into ffmpeg's input: spliced from mapped memory where that works
/// ([`crate::splice`]), written otherwise.
fn send(
    feed: &mut Feed,
    stdin: &mut ChildStdin,
    bytes: &[u8],
    changes: Changes<'_>,
) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use crate::splice::SendError;
        if matches!(feed, Feed::Untried) {
            *feed = Feed::start(bytes.len(), stdin);
        }
        if let Feed::Splice(feeder) = feed {
            if feeder.frame_bytes() == bytes.len() {
                match feeder.send(bytes, changes, stdin) {
                    Ok(()) => return Ok(()),
                    Err(SendError::Pipe(error)) => return Err(error),
                    Err(SendError::Unsupported(error)) => {
                        tracing::debug!(%error, "cannot splice frames to ffmpeg; writing them");
                        *feed = Feed::Write;
                    }
                }
            } else {
                // Frames are one size; should that ever change, plain writes still work.
                *feed = Feed::Write;
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        *feed = Feed::Write;
    }
    stdin.write_all(bytes)
}

/// An encode through ffmpeg in progress.
pub struct FfmpegEncoder {
    child: Child,
    stdin: Option<ChildStdin>,
    log: Option<JoinHandle<String>>,
    /// The thread following ffmpeg's `-progress` reports; joined once ffmpeg has exited, so the
    /// count is final before `finish` returns.
    progress: Option<JoinHandle<()>>,
    settings: VideoSettings,
    input: RawInput,
    converter: FrameConverter,
    /// The converted frame (reused).
    scratch: Vec<u8>,
    /// Frames go into the pipe by reference where the kernel allows (set up by the first frame).
    feed: Feed,
    /// The frame the splice feeder's newest slot holds, as (id, width, height), when known.
    spliced: Option<(u64, u32, u32)>,
    output: PathBuf,
    frames: u64,
    /// Frames ffmpeg has encoded, from its `-progress` reports (read on a thread of its own).
    encoded: Arc<AtomicU64>,
    /// ffmpeg's peak resident set, read with each of its `-progress` reports.
    peak_memory: Arc<AtomicU64>,
}

/// How frames go into ffmpeg's input pipe.
#[derive(Debug)]
enum Feed {
    /// Not decided yet: the first frame tries splicing.
    Untried,
    #[cfg(target_os = "linux")]
    Splice(crate::splice::SpliceFeeder),
    /// Plain writes (other systems, or where splicing from memory fails).
    Write,
}

impl Feed {
    /// Splicing frames of `frame_bytes` into `stdin` where the kernel allows, else writes.
    #[cfg(target_os = "linux")]
    fn start(frame_bytes: usize, stdin: &ChildStdin) -> Feed {
        match crate::splice::SpliceFeeder::new(frame_bytes, stdin) {
            Ok(feeder) => Feed::Splice(feeder),
            Err(error) => {
                tracing::debug!(%error, "cannot splice frames to ffmpeg; writing them");
                Feed::Write
            }
        }
    }
}

impl FfmpegEncoder {
    /// Start ffmpeg writing a whole video to `output`.
    pub fn start(
        ffmpeg: &Path,
        settings: VideoSettings,
        output: &Path,
    ) -> Result<FfmpegEncoder, EncodeError> {
        Self::spawn(ffmpeg, settings, output, None)
    }

    /// Start ffmpeg writing one chunk: a self-contained file (MPEG-TS whose timestamps continue
    /// where the previous chunk's end, for H.264/H.265) that joins the others without
    /// re-encoding ([`crate::stitch`]).
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
            .args(settings.args(output, chunk))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(EncodeError::ffmpeg_missing(ffmpeg))?;
        if let Some(stdin) = &child.stdin {
            widen_pipe(stdin);
        }
        let encoded = Arc::new(AtomicU64::new(0));
        let peak_memory = Arc::new(AtomicU64::new(0));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (counter, peak, pid) = (encoded.clone(), peak_memory.clone(), child.id());
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let readers = spawn_reader("kinema-ffmpeg-progress", move || {
            read_progress(stdout, &counter, || {
                if let Some(bytes) = peak_resident_bytes(pid) {
                    peak.fetch_max(bytes, Ordering::Relaxed);
                }
            })
        })
        .and_then(|progress| {
            let log = spawn_reader("kinema-ffmpeg-log", move || {
                let mut text = String::new();
                let _ = stderr.read_to_string(&mut text);
                text
            })?;
            Ok((progress, log))
        });
        let (progress, log) = match readers {
            Ok(readers) => readers,
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(EncodeError::Io {
                    path: output.to_path_buf(),
                    reason: format!("cannot start a thread to read ffmpeg's output: {e}"),
                });
            }
        };
        let converter = FrameConverter::with_matrix(settings.color_matrix());
        Ok(FfmpegEncoder {
            stdin: child.stdin.take(),
            child,
            log: Some(log),
            progress: Some(progress),
            input: settings.raw_input(),
            settings,
            converter,
            scratch: Vec::new(),
            feed: Feed::Untried,
            spliced: None,
            output: output.to_path_buf(),
            frames: 0,
            encoded,
            peak_memory,
        })
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Append one frame.
    pub fn write(&mut self, frame: RgbaFrame<'_>) -> Result<(), EncodeError> {
        frame.check(self.frames, self.settings.width, self.settings.height)?;
        #[cfg(target_os = "linux")]
        if self.input == RawInput::I420 && crate::yuv::even_and_whole(&frame) {
            if matches!(self.feed, Feed::Untried) {
                let bytes = crate::yuv::I420::byte_len(frame.width, frame.height);
                let stdin = self.stdin.as_ref().expect("stdin is open until finish");
                self.feed = Feed::start(bytes, stdin);
            }
            if let Feed::Splice(feeder) = &mut self.feed
                && feeder.frame_bytes() == crate::yuv::I420::byte_len(frame.width, frame.height)
            {
                return self.write_into_slot(frame);
            }
        }
        // What the newest slot holds is no longer known once a frame goes in another way.
        self.spliced = None;
        let (bytes, changes): (&[u8], Changes<'_>) = match self.input {
            RawInput::I420 => {
                frame.to_i420(&mut self.converter)?;
                let changes = match self.converter.last_changes() {
                    Some(rects) => Changes::I420 {
                        width: frame.width,
                        height: frame.height,
                        rects,
                    },
                    None => Changes::All,
                };
                (self.converter.last_frame(), changes)
            }
            RawInput::Rgb24 => {
                frame.composite_rgb24_over_black(&mut self.scratch);
                (&self.scratch, Changes::All)
            }
            RawInput::Rgba => (frame.straight(&mut self.scratch), Changes::All),
        };
        let stdin = self.stdin.as_mut().expect("stdin is open until finish");
        if send(&mut self.feed, stdin, bytes, changes).is_err() {
            // ffmpeg exited early; its log says why.
            return Err(self.failure());
        }
        self.frames += 1;
        Ok(())
    }

    /// Convert `frame` straight into the splice feeder's next slot (which holds an older frame:
    /// only what changed since is converted or copied) and splice it in.
    #[cfg(target_os = "linux")]
    fn write_into_slot(&mut self, frame: RgbaFrame<'_>) -> Result<(), EncodeError> {
        use crate::splice::SendError;
        let Feed::Splice(feeder) = &mut self.feed else {
            unreachable!("called with a splice feeder");
        };
        let regions = crate::yuv::regions_since(&frame, self.spliced.take());
        let slot = feeder.next_slot(regions.as_deref(), frame.width, frame.height);
        self.converter
            .convert_into(&frame, [0, 0, 0], regions.as_deref(), slot)
            .map_err(|e| EncodeError::Setting {
                field: "frame",
                reason: e.to_string(),
            })?;
        let changes = match &regions {
            Some(rects) => Changes::I420 {
                width: frame.width,
                height: frame.height,
                rects,
            },
            None => Changes::All,
        };
        let stdin = self.stdin.as_mut().expect("stdin is open until finish");
        match feeder.splice_next(changes, stdin) {
            Ok(()) => self.spliced = crate::yuv::frame_id(&frame),
            Err(SendError::Unsupported(error)) => {
                tracing::debug!(%error, "cannot splice frames to ffmpeg; writing them");
                let written = stdin.write_all(feeder.last_frame());
                self.feed = Feed::Write;
                if written.is_err() {
                    return Err(self.failure());
                }
            }
            // ffmpeg exited early; its log says why.
            Err(SendError::Pipe(_)) => return Err(self.failure()),
        }
        self.frames += 1;
        Ok(())
    }

    /// Close the input and wait for ffmpeg to write the file.
    pub fn finish(mut self) -> Result<u64, EncodeError> {
        drop(self.stdin.take());
        let status = self.child.wait();
        let log = self.join_readers();
        match status {
            // A program that exits 0 without writing the file (not ffmpeg, or a wrapper that
            // swallows its failure) must not pass for a finished encode.
            Ok(s) if succeeded(s, &log) && !wrote_something(&self.output) => {
                Err(EncodeError::Ffmpeg {
                    output: self.output.clone(),
                    log: "it exited without an error but wrote nothing".into(),
                })
            }
            Ok(s) if succeeded(s, &log) => {
                self.encoded.store(self.frames, Ordering::Relaxed);
                Ok(self.frames)
            }
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
        self.join_readers();
    }

    /// Wait for the threads reading ffmpeg's output (which end at its exit) and return its log.
    fn join_readers(&mut self) -> String {
        if let Some(progress) = self.progress.take() {
            let _ = progress.join();
        }
        self.log
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    }

    /// The error for ffmpeg having stopped reading frames.
    fn failure(&mut self) -> EncodeError {
        drop(self.stdin.take());
        let status = self.child.wait();
        let log = self.join_readers();
        let log = match status {
            Ok(status) if status.success() && log.trim().is_empty() => format!(
                "it exited without an error after taking {} of the frames, and printed nothing",
                self.frames
            ),
            _ => tail(&log),
        };
        EncodeError::Ffmpeg {
            output: self.output.clone(),
            log,
        }
    }
}

impl VideoEncoder for FfmpegEncoder {
    fn write(&mut self, frame: RgbaFrame<'_>) -> Result<(), EncodeError> {
        FfmpegEncoder::write(self, frame)
    }

    fn frames(&self) -> u64 {
        self.frames
    }

    fn encoded(&self) -> Arc<AtomicU64> {
        self.encoded.clone()
    }

    fn peak_memory(&self) -> Arc<AtomicU64> {
        self.peak_memory.clone()
    }

    fn finish(self: Box<Self>) -> Result<u64, EncodeError> {
        FfmpegEncoder::finish(*self)
    }

    fn abort(self: Box<Self>) {
        FfmpegEncoder::abort(*self)
    }
}

impl Drop for FfmpegEncoder {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            drop(self.stdin.take());
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.join_readers();
        }
    }
}

/// A named thread reading one of ffmpeg's outputs.
fn spawn_reader<T: Send + 'static>(
    name: &str,
    read: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<JoinHandle<T>> {
    std::thread::Builder::new().name(name.into()).spawn(read)
}

/// The peak resident set of process `pid` (`VmHWM`), while it runs. Read from the process
/// itself: the kernel's count for waited-for children (`getrusage`) starts from the memory of
/// the process that spawned them, which is Kinema's.
fn peak_resident_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?;
    let kilobytes: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kilobytes.checked_mul(1024)
}

/// Follow ffmpeg's `-progress` reports (`key=value` lines, a block every half second) until it
/// closes them, keeping `encoded` at the latest `frame=` count, and calling `on_report` at the
/// end of each block (the last comes as ffmpeg finishes).
/// It reads to the end whatever comes: ffmpeg, whose progress pipe closed early, would log a
/// broken pipe, and any log line fails the encode.
fn read_progress(stdout: impl Read, encoded: &AtomicU64, mut on_report: impl FnMut()) {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::new(stdout);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {
                if let Some(frames) = line.strip_prefix(b"frame=")
                    && let Ok(frames) = std::str::from_utf8(frames).unwrap_or("").trim().parse()
                {
                    // ffmpeg's count only grows; never let a late report lower it.
                    encoded.fetch_max(frames, Ordering::Relaxed);
                }
                if line.starts_with(b"progress=") {
                    on_report();
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => {
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
                return;
            }
        }
    }
}

/// Whether an ffmpeg run at `-loglevel error` succeeded: it exited 0 and logged no error.
/// Its exit status alone is not enough: when the output cannot be written in full (a full
/// disk, a file size limit), ffmpeg 5 logs "Error writing trailer … No space left on device"
/// and still exits 0, leaving a truncated file that would otherwise be taken for the video.
pub(crate) fn succeeded(status: ExitStatus, log: &str) -> bool {
    status.success() && log.trim().is_empty()
}

/// Whether `path` is a file with something in it.
pub(crate) fn wrote_something(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
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

    #[test]
    fn ntsc_rates_are_written_as_their_exact_fractions() {
        for (fps, written) in [
            (23.976, "24000/1001"),
            (29.97, "30000/1001"),
            (30000.0 / 1001.0, "30000/1001"),
            (59.94, "60000/1001"),
            (119.88, "120000/1001"),
            (30.0, "30"),
            (12.5, "12.5"),
            (29.5, "29.5"),
            (0.2, "0.2"),
        ] {
            assert_eq!(format_fps(fps), written, "{fps}");
        }
        assert_eq!(video_rate(29.97), 30000.0 / 1001.0);
        assert_eq!(video_rate(25.0), 25.0);
    }

    #[test]
    fn ffmpeg_succeeded_only_when_it_exited_0_and_logged_no_error() {
        use std::os::unix::process::ExitStatusExt;
        let exited = |code: i32| ExitStatus::from_raw(code << 8);
        assert!(succeeded(exited(0), ""));
        assert!(succeeded(exited(0), "\n"));
        assert!(!succeeded(exited(1), ""));
        // What ffmpeg 5 prints, exiting 0, when the disk fills as it writes the trailer.
        let full = "Error writing trailer of out.mp4: No space left on device\n";
        assert!(!succeeded(exited(0), full));
    }

    /// Frames reach the child's input unchanged and in order whether they are spliced (the
    /// first frame sets that up) or written.
    #[test]
    fn frames_reach_the_child_spliced_or_written() {
        for (mut feed, splices) in [
            (Feed::Untried, cfg!(target_os = "linux")),
            (Feed::Write, false),
        ] {
            let mut child = Command::new("cat")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("cat runs");
            let mut stdin = child.stdin.take().unwrap();
            widen_pipe(&stdin);
            let mut stdout = child.stdout.take().unwrap();
            let reader = std::thread::spawn(move || {
                let mut out = Vec::new();
                stdout.read_to_end(&mut out).unwrap();
                out
            });
            let frames: Vec<Vec<u8>> = (0..12u8)
                .map(|i| (0..300_000u32).map(|j| i ^ (j % 251) as u8).collect())
                .collect();
            for frame in &frames {
                send(&mut feed, &mut stdin, frame, Changes::All).unwrap();
            }
            #[cfg(target_os = "linux")]
            assert_eq!(matches!(feed, Feed::Splice(_)), splices, "{feed:?}");
            #[cfg(not(target_os = "linux"))]
            let _ = splices;
            drop(stdin);
            drop(feed);
            assert!(child.wait().unwrap().success());
            let got = reader.join().unwrap();
            assert!(got == frames.concat(), "frames arrived changed");
        }
    }

    fn settings() -> VideoSettings {
        VideoSettings::new(Codec::H264, 64, 32, 30.0)
    }

    #[test]
    fn bitrates_parse_with_suffixes() {
        assert_eq!(parse_bitrate("4M").unwrap(), 4_000_000);
        assert_eq!(parse_bitrate("800k").unwrap(), 800_000);
        assert_eq!(parse_bitrate("2500000").unwrap(), 2_500_000);
        assert_eq!(parse_bitrate("1.5M").unwrap(), 1_500_000);
        assert_eq!(parse_bitrate("4m").unwrap(), 4_000_000);
        for bad in ["", "fast", "-1M", "10", "1e12", "4X", "0", "3000M"] {
            let err = parse_bitrate(bad).unwrap_err().to_string();
            assert!(err.contains("videoBitrate"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_gif_too_fast_names_the_setting_that_fits() {
        assert_eq!(gif_too_fast(60.0, 2, "--every-nth-frame"), None);
        assert_eq!(gif_too_fast(50.0, 1, "--every-nth-frame"), None);
        let why = gif_too_fast(120.0, 2, "everyNthFrame").unwrap();
        assert!(
            why.contains("plays at 60 fps: set everyNthFrame to 3"),
            "{why}"
        );
    }

    #[test]
    fn progress_reports_set_the_frames_encoded() {
        let encoded = AtomicU64::new(0);
        let report = "frame=5\nfps=0.00\nprogress=continue\nframe=12\nbitrate=N/A\n\
                      progress=end\n";
        let mut reports = 0;
        read_progress(report.as_bytes(), &encoded, || reports += 1);
        // One call per report block, the last at `progress=end`.
        assert_eq!(reports, 2);
        // The peak memory is the process's own.
        let own = peak_resident_bytes(std::process::id()).unwrap();
        assert!(own > 1_000_000, "{own}");
        assert_eq!(peak_resident_bytes(u32::MAX), None);
        assert_eq!(encoded.load(Ordering::SeqCst), 12);
        read_progress(&b"frame=oops\n\xff\nframe=3\n"[..], &encoded, || {});
        assert_eq!(encoded.load(Ordering::SeqCst), 12, "never lowered");
        read_progress(&b"\xff\xfe\nframe=20\nprogress=end"[..], &encoded, || {});
        assert_eq!(
            encoded.load(Ordering::SeqCst),
            20,
            "read past a line that is not text"
        );
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
        for fps in [0.19, 1e-6, 500.5, 1000.0] {
            assert!(
                err(VideoSettings { fps, ..settings() }).contains("outside 0.2-500 frames"),
                "{fps}"
            );
        }
        for fps in [MIN_FPS, 23.976, MAX_FPS] {
            assert!(
                VideoSettings { fps, ..settings() }.validate().is_ok(),
                "{fps}"
            );
        }
        let gif = VideoSettings {
            codec: Codec::Gif,
            crf: None,
            ..settings()
        };
        assert!(
            VideoSettings {
                fps: 50.0,
                ..gif.clone()
            }
            .validate()
            .is_ok()
        );
        assert!(err(VideoSettings { fps: 60.0, ..gif }).contains("--every-nth-frame"));
    }

    #[test]
    fn arguments_tag_bt709_and_default_to_crf_18_medium() {
        let args = settings().args(Path::new("/tmp/x.mp4"), None).join(" ");
        assert!(args.contains("-crf 18"), "{args}");
        assert!(args.contains("-preset medium"));
        assert!(
            args.contains(
                "-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv"
            )
        );
        assert!(args.contains("-movflags +faststart"));
        assert!(args.contains("-r 30 "));
        // ffmpeg reads a lowercase m as "milli": it is given the number.
        let bitrate = VideoSettings {
            video_bitrate: Some("4m".into()),
            ..settings()
        };
        assert!(
            bitrate
                .args(Path::new("/tmp/x.mp4"), None)
                .join(" ")
                .contains("-b:v 4000000 "),
            "{bitrate:?}"
        );
        let ts = settings()
            .args(
                Path::new("/tmp/x.ts"),
                Some(ChunkTiming { first_frame: 75 }),
            )
            .join(" ");
        assert!(!ts.contains("faststart"));
        assert!(ts.contains("-output_ts_offset 3.500000 -f mpegts"), "{ts}");
        // VP8 knows only BT.601: its frames are converted and tagged so, in either input.
        for pixel_format in [None, Some(PixelFormat::Yuva420p)] {
            let vp8 = VideoSettings {
                codec: Codec::Vp8,
                pixel_format,
                ..settings()
            };
            assert_eq!(vp8.color_matrix(), crate::yuv::ColorMatrix::Bt601);
            let args = vp8.args(Path::new("/tmp/x.webm"), None).join(" ");
            assert!(
                args.contains("-colorspace bt470bg -color_primaries bt709"),
                "{args}"
            );
            if pixel_format.is_some() {
                assert!(
                    args.contains("scale=out_color_matrix=bt601:out_range=tv"),
                    "{args}"
                );
            }
        }
    }

    #[test]
    fn colour_spaces_and_rate_caps_follow_remotions_settings() {
        let with = |color_space, codec| VideoSettings {
            color_space,
            codec,
            crf: None,
            ..settings()
        };
        let args =
            |settings: &VideoSettings, file: &str| settings.args(Path::new(file), None).join(" ");
        // default and bt709 write the same video.
        for space in [ColorSpace::Default, ColorSpace::Bt709] {
            assert_eq!(
                args(&with(space, Codec::H264), "/t/x.mp4"),
                args(&settings(), "/t/x.mp4")
            );
        }
        let bt601 = with(ColorSpace::Bt601, Codec::H264);
        assert_eq!(bt601.color_matrix(), crate::yuv::ColorMatrix::Bt601);
        assert!(args(&bt601, "/t/x.mp4").contains("-colorspace bt470bg -color_primaries bt709"));
        let prores = with(ColorSpace::Bt601, Codec::Prores);
        assert!(
            args(&prores, "/t/x.mov").contains("colorspace=smpte170m"),
            "{}",
            args(&prores, "/t/x.mov")
        );
        assert!(
            args(&with(ColorSpace::Default, Codec::Prores), "/t/x.mov")
                .contains("colorspace=bt709")
        );
        let refused = |settings: VideoSettings| settings.validate().unwrap_err().to_string();
        assert!(refused(with(ColorSpace::Bt2020Ncl, Codec::H264)).contains("not supported yet"));
        assert!(refused(with(ColorSpace::Bt709, Codec::Vp8)).contains("BT.601 only"));
        assert!(refused(with(ColorSpace::Bt601, Codec::Gif)).contains("no colour space"));
        assert!(with(ColorSpace::Bt601, Codec::Vp8).validate().is_ok());
        assert_eq!(
            ColorSpace::parse("bt2020-ncl").unwrap(),
            ColorSpace::Bt2020Ncl
        );
        assert!(
            ColorSpace::parse("srgb")
                .unwrap_err()
                .to_string()
                .contains("default, bt601")
        );

        let capped = VideoSettings {
            max_rate: Some("2M".into()),
            buffer_size: Some("4m".into()),
            ..settings()
        };
        assert!(args(&capped, "/t/x.mp4").contains("-crf 18 -maxrate 2000000 -bufsize 4000000"));
        let vp9 = VideoSettings {
            codec: Codec::Vp9,
            crf: None,
            ..capped.clone()
        };
        assert!(
            args(&vp9, "/t/x.webm").contains("-maxrate 2000000 -bufsize 4000000 -b:v 2000000"),
            "{}",
            args(&vp9, "/t/x.webm")
        );
        assert!(
            refused(VideoSettings {
                buffer_size: None,
                ..capped.clone()
            })
            .contains("encodingMaxRate: needs encodingBufferSize")
        );
        assert!(
            refused(VideoSettings {
                max_rate: Some("fast".into()),
                ..capped.clone()
            })
            .contains("encodingMaxRate: \"fast\" is not a bitrate")
        );
        assert!(
            refused(VideoSettings {
                codec: Codec::Prores,
                crf: None,
                ..capped
            })
            .contains("encodingMaxRate: prores takes no bitrate")
        );
        // A buffer alone, a ceiling below the target, or one libvpx would ignore: refused.
        let with_rates =
            |codec, bitrate: Option<&str>, max: Option<&str>, buffer: Option<&str>| VideoSettings {
                codec,
                crf: None,
                video_bitrate: bitrate.map(Into::into),
                max_rate: max.map(Into::into),
                buffer_size: buffer.map(Into::into),
                ..settings()
            };
        for (settings, says) in [
            (
                with_rates(Codec::H264, Some("1M"), None, Some("2M")),
                "encodingBufferSize: needs encodingMaxRate",
            ),
            (
                with_rates(Codec::Vp9, None, None, Some("2M")),
                "encodingBufferSize: needs encodingMaxRate",
            ),
            (
                with_rates(Codec::H264, Some("2M"), Some("1M"), Some("2M")),
                "1M is below videoBitrate 2M",
            ),
            (
                with_rates(Codec::Vp8, Some("1M"), Some("2M"), Some("4M")),
                "ignores a ceiling beside it",
            ),
        ] {
            assert!(refused(settings.clone()).contains(says), "{settings:?}");
        }
        assert!(
            with_rates(Codec::H264, Some("1M"), Some("2M"), Some("4M"))
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn metadata_tags_the_finished_file_only() {
        let tagged = VideoSettings {
            metadata: vec![("title".into(), "A = B".into())],
            ..settings()
        };
        let direct = tagged.args(Path::new("/t/x.mp4"), None).join(" ");
        assert!(direct.contains("-metadata title=A = B"), "{direct}");
        let chunk = tagged
            .args(Path::new("/t/x.ts"), Some(ChunkTiming { first_frame: 0 }))
            .join(" ");
        assert!(!chunk.contains("-metadata"), "{chunk}");
        let refused = |metadata: Vec<(String, String)>, codec| {
            VideoSettings {
                metadata,
                codec,
                crf: None,
                ..settings()
            }
            .validate()
            .unwrap_err()
            .to_string()
        };
        let tag = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert!(refused(tag("title", "x"), Codec::Gif).contains("a GIF holds no metadata"));
        assert!(refused(tag("a=b", "x"), Codec::H264).contains("not a tag name"));
        assert!(refused(tag("", "x"), Codec::H264).contains("not a tag name"));
        assert!(refused(tag("title", "a\0b"), Codec::H264).contains("NUL"));
        assert!(keeps_metadata_key(Path::new("a.mp4"), "title"));
        assert!(!keeps_metadata_key(Path::new("a.mp4"), "userId"));
        assert!(keeps_metadata_key(Path::new("a.mov"), "author"));
        assert!(keeps_metadata_key(Path::new("a.mp4"), "Title"));
        let long = VideoSettings {
            metadata: tag("description", &"x".repeat(MAX_METADATA_BYTES)),
            ..settings()
        };
        assert!(
            long.validate()
                .unwrap_err()
                .to_string()
                .contains("bytes of tags")
        );
        assert!(keeps_metadata_key(Path::new("a.mkv"), "userId"));
        assert!(!keeps_metadata_key(Path::new("a.webm"), "encoder"));
    }
}
