//! The codecs Kinema encodes, with Remotion's names, defaults and limits.

use std::ops::RangeInclusive;

use crate::audio::AudioOnlyCodec;
use crate::ffmpeg::EncodeError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    H264,
    H265,
    Vp8,
    Vp9,
    Prores,
    Gif,
}

impl Codec {
    pub const ALL: [Codec; 6] = [
        Codec::H264,
        Codec::H265,
        Codec::Vp8,
        Codec::Vp9,
        Codec::Prores,
        Codec::Gif,
    ];

    /// The codec named `name` (Remotion's spelling).
    pub fn parse(name: &str) -> Result<Codec, EncodeError> {
        find_named("codec", name, &Codec::ALL, |c| c.name())
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::H264 => "h264",
            Codec::H265 => "h265",
            Codec::Vp8 => "vp8",
            Codec::Vp9 => "vp9",
            Codec::Prores => "prores",
            Codec::Gif => "gif",
        }
    }

    /// Remotion's default CRF (none for ProRes and GIF).
    pub fn default_crf(self) -> Option<u8> {
        match self {
            Codec::H264 => Some(18),
            Codec::H265 => Some(23),
            Codec::Vp8 => Some(9),
            Codec::Vp9 => Some(28),
            Codec::Prores | Codec::Gif => None,
        }
    }

    /// The CRF values the codec accepts.
    pub fn crf_range(self) -> Option<RangeInclusive<u8>> {
        match self {
            Codec::H264 => Some(1..=51),
            Codec::H265 => Some(0..=51),
            Codec::Vp8 => Some(4..=63),
            Codec::Vp9 => Some(0..=63),
            Codec::Prores | Codec::Gif => None,
        }
    }

    /// Whether a target bitrate applies (ProRes has fixed profiles; GIF chunks are lossless).
    pub fn takes_bitrate(self) -> bool {
        self.crf_range().is_some()
    }

    /// The codec an output file's extension picks when none is asked for, as Remotion's render
    /// CLI picks it: `.webm` VP8, `.gif` GIF, `.mov` ProRes, anything else H.264.
    pub fn for_extension(extension: &str) -> Codec {
        match extension.to_ascii_lowercase().as_str() {
            "webm" => Codec::Vp8,
            "gif" => Codec::Gif,
            "mov" => Codec::Prores,
            _ => Codec::H264,
        }
    }

    /// File extensions the output may have; the first is the usual one.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Codec::H264 | Codec::H265 => &["mp4", "mkv", "mov"],
            Codec::Vp8 | Codec::Vp9 => &["webm", "mkv"],
            Codec::Prores => &["mov", "mkv"],
            Codec::Gif => &["gif"],
        }
    }

    /// Container of a chunk encoded by ffmpeg. H.264 and H.265 chunks (and GIF's, which are
    /// lossless H.264 turned into a GIF at the end) are MPEG-TS with continuous timestamps,
    /// joined by byte concatenation; VP8/VP9 and ProRes use their own container and ffmpeg's
    /// concat demuxer.
    pub fn chunk_extension(self) -> &'static str {
        match self {
            Codec::H264 | Codec::H265 | Codec::Gif => "ts",
            Codec::Vp8 | Codec::Vp9 => "webm",
            Codec::Prores => "mov",
        }
    }

    /// Whether chunks are MPEG-TS joined by byte concatenation.
    pub fn chunks_are_transport_stream(self) -> bool {
        self.chunk_extension() == "ts"
    }

    /// The pixel format used when none is asked for (Remotion's `yuv420p`; ProRes has no 4:2:0).
    pub fn default_pixel_format(self) -> PixelFormat {
        match self {
            Codec::Prores => PixelFormat::Yuv422p10le,
            _ => PixelFormat::Yuv420p,
        }
    }

    /// The pixel formats the codec can be written in (none for GIF, which is paletted).
    pub fn pixel_formats(self) -> &'static [PixelFormat] {
        use PixelFormat::*;
        match self {
            Codec::H264 | Codec::H265 => &[
                Yuv420p,
                Yuv422p,
                Yuv444p,
                Yuv420p10le,
                Yuv422p10le,
                Yuv444p10le,
            ],
            Codec::Vp8 => &[Yuv420p, Yuva420p],
            Codec::Vp9 => &[
                Yuv420p,
                Yuva420p,
                Yuv422p,
                Yuv444p,
                Yuv420p10le,
                Yuv422p10le,
                Yuv444p10le,
            ],
            Codec::Prores => &[Yuv422p10le, Yuv444p10le, Yuva444p10le],
            Codec::Gif => &[],
        }
    }
}

/// ProRes profiles, with Remotion's names (`proResProfile`, `--prores-profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProresProfile {
    Proxy,
    Light,
    Standard,
    Hq,
    P4444,
    P4444Xq,
}

impl ProresProfile {
    pub const ALL: [ProresProfile; 6] = [
        ProresProfile::P4444Xq,
        ProresProfile::P4444,
        ProresProfile::Hq,
        ProresProfile::Standard,
        ProresProfile::Light,
        ProresProfile::Proxy,
    ];

    pub fn parse(name: &str) -> Result<ProresProfile, EncodeError> {
        find_named("proResProfile", name, &ProresProfile::ALL, |p| p.name())
    }

    pub fn name(self) -> &'static str {
        match self {
            ProresProfile::Proxy => "proxy",
            ProresProfile::Light => "light",
            ProresProfile::Standard => "standard",
            ProresProfile::Hq => "hq",
            ProresProfile::P4444 => "4444",
            ProresProfile::P4444Xq => "4444-xq",
        }
    }

    /// `prores_ks`'s number for it.
    pub fn ffmpeg_profile(self) -> u8 {
        match self {
            ProresProfile::Proxy => 0,
            ProresProfile::Light => 1,
            ProresProfile::Standard => 2,
            ProresProfile::Hq => 3,
            ProresProfile::P4444 => 4,
            ProresProfile::P4444Xq => 5,
        }
    }

    /// Whether it is one of the 4:4:4 profiles (which alone keep alpha); the others are 4:2:2.
    pub fn is_444(self) -> bool {
        matches!(self, ProresProfile::P4444 | ProresProfile::P4444Xq)
    }
}

/// Remotion's `colorSpace` (`--color-space`): the matrix between the painted (sRGB) pixels and
/// the video's YUV. `default` and `bt709` are the same here: Kinema writes BT.709 unless asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColorSpace {
    #[default]
    Default,
    Bt601,
    Bt709,
    Bt2020Ncl,
}

impl ColorSpace {
    pub const ALL: [ColorSpace; 4] = [
        ColorSpace::Default,
        ColorSpace::Bt601,
        ColorSpace::Bt709,
        ColorSpace::Bt2020Ncl,
    ];

    pub fn parse(name: &str) -> Result<ColorSpace, EncodeError> {
        find_named("colorSpace", name, &ColorSpace::ALL, |c| c.name())
    }

    pub fn name(self) -> &'static str {
        match self {
            ColorSpace::Default => "default",
            ColorSpace::Bt601 => "bt601",
            ColorSpace::Bt709 => "bt709",
            ColorSpace::Bt2020Ncl => "bt2020-ncl",
        }
    }
}

/// Output pixel formats, with ffmpeg's (and Remotion's) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PixelFormat {
    Yuv420p,
    Yuva420p,
    Yuv422p,
    Yuv444p,
    Yuv420p10le,
    Yuv422p10le,
    Yuv444p10le,
    Yuva444p10le,
}

impl PixelFormat {
    pub const ALL: [PixelFormat; 8] = [
        PixelFormat::Yuv420p,
        PixelFormat::Yuva420p,
        PixelFormat::Yuv422p,
        PixelFormat::Yuv444p,
        PixelFormat::Yuv420p10le,
        PixelFormat::Yuv422p10le,
        PixelFormat::Yuv444p10le,
        PixelFormat::Yuva444p10le,
    ];

    pub fn parse(name: &str) -> Result<PixelFormat, EncodeError> {
        find_named("pixelFormat", name, &PixelFormat::ALL, |f| f.name())
    }

    pub fn name(self) -> &'static str {
        match self {
            PixelFormat::Yuv420p => "yuv420p",
            PixelFormat::Yuva420p => "yuva420p",
            PixelFormat::Yuv422p => "yuv422p",
            PixelFormat::Yuv444p => "yuv444p",
            PixelFormat::Yuv420p10le => "yuv420p10le",
            PixelFormat::Yuv422p10le => "yuv422p10le",
            PixelFormat::Yuv444p10le => "yuv444p10le",
            PixelFormat::Yuva444p10le => "yuva444p10le",
        }
    }

    /// Whether the video keeps the frames' transparency.
    pub fn has_alpha(self) -> bool {
        matches!(self, PixelFormat::Yuva420p | PixelFormat::Yuva444p10le)
    }

    /// Bytes a frame of this format takes per pixel in memory (16-bit samples above 8 bits).
    pub fn bytes_per_pixel(self) -> f64 {
        let samples = match (self.halves_width(), self.halves_height()) {
            (true, true) => 1.5,
            (true, false) => 2.0,
            _ => 3.0,
        } + if self.has_alpha() { 1.0 } else { 0.0 };
        let high_depth = self.name().ends_with("10le");
        samples * if high_depth { 2.0 } else { 1.0 }
    }

    /// Whether chroma is subsampled horizontally (so the width must be even).
    pub fn halves_width(self) -> bool {
        !matches!(
            self,
            PixelFormat::Yuv444p | PixelFormat::Yuv444p10le | PixelFormat::Yuva444p10le
        )
    }

    /// Whether chroma is subsampled vertically (so the height must be even).
    pub fn halves_height(self) -> bool {
        matches!(
            self,
            PixelFormat::Yuv420p | PixelFormat::Yuva420p | PixelFormat::Yuv420p10le
        )
    }
}

/// The choice called `name`, or an error for `field` listing every choice.
/// What `--codec` (Remotion's `codec`) names: a video codec, or an audio-only one whose
/// render is a sound file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaCodec {
    Video(Codec),
    Audio(AudioOnlyCodec),
}

impl MediaCodec {
    /// The codec named `name`; the error lists every codec.
    pub fn parse(name: &str) -> Result<MediaCodec, EncodeError> {
        if let Some(audio) = AudioOnlyCodec::parse(name) {
            return Ok(MediaCodec::Audio(audio));
        }
        Codec::parse(name).map(MediaCodec::Video).map_err(|_| {
            let names: Vec<&str> = Codec::ALL
                .iter()
                .map(|c| c.name())
                .chain(AudioOnlyCodec::ALL.iter().map(|c| c.name()))
                .collect();
            EncodeError::Setting {
                field: "codec",
                reason: format!("\"{name}\" is not one of {}", names.join(", ")),
            }
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            MediaCodec::Video(codec) => codec.name(),
            MediaCodec::Audio(codec) => codec.name(),
        }
    }

    /// The codec an output file's extension picks when none is asked for, as Remotion's
    /// render CLI picks it (see [`Codec::for_extension`] and
    /// [`AudioOnlyCodec::for_extension`]).
    pub fn for_extension(extension: &str) -> MediaCodec {
        match AudioOnlyCodec::for_extension(extension) {
            Some(audio) => MediaCodec::Audio(audio),
            None => MediaCodec::Video(Codec::for_extension(extension)),
        }
    }
}

fn find_named<T: Copy>(
    field: &'static str,
    name: &str,
    choices: &[T],
    name_of: impl Fn(T) -> &'static str,
) -> Result<T, EncodeError> {
    choices
        .iter()
        .copied()
        .find(|c| name_of(*c) == name)
        .ok_or_else(|| EncodeError::Setting {
            field,
            reason: format!(
                "\"{name}\" is not one of {}",
                choices
                    .iter()
                    .map(|c| name_of(*c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_codecs_are_video_or_sound_alone() {
        assert_eq!(
            MediaCodec::parse("mp3").unwrap(),
            MediaCodec::Audio(AudioOnlyCodec::Mp3)
        );
        assert_eq!(
            MediaCodec::parse("vp9").unwrap(),
            MediaCodec::Video(Codec::Vp9)
        );
        let err = MediaCodec::parse("av1").unwrap_err().to_string();
        assert!(
            err.contains("\"av1\" is not one of h264, h265, vp8, vp9, prores, gif, mp3, aac, wav"),
            "{err}"
        );
        assert_eq!(
            MediaCodec::for_extension("wav"),
            MediaCodec::Audio(AudioOnlyCodec::Wav)
        );
        assert_eq!(
            MediaCodec::for_extension("webm"),
            MediaCodec::Video(Codec::Vp8)
        );
        assert_eq!(
            MediaCodec::for_extension(""),
            MediaCodec::Video(Codec::H264)
        );
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for codec in Codec::ALL {
            assert_eq!(Codec::parse(codec.name()).unwrap(), codec);
        }
        let err = Codec::parse("av1").unwrap_err().to_string();
        assert!(err.contains("h264, h265, vp8, vp9, prores, gif"), "{err}");
        for format in PixelFormat::ALL {
            assert_eq!(PixelFormat::parse(format.name()).unwrap(), format);
        }
        assert!(
            PixelFormat::parse("rgb24")
                .unwrap_err()
                .to_string()
                .contains("pixelFormat")
        );
    }

    #[test]
    fn every_codec_can_use_its_default_pixel_format() {
        for codec in Codec::ALL.into_iter().filter(|c| *c != Codec::Gif) {
            assert!(
                codec
                    .pixel_formats()
                    .contains(&codec.default_pixel_format())
            );
        }
        // Transparency only where the codec has it, as in Remotion.
        assert!(Codec::H264.pixel_formats().iter().all(|f| !f.has_alpha()));
        assert!(Codec::Vp9.pixel_formats().contains(&PixelFormat::Yuva420p));
        assert!(
            Codec::Prores
                .pixel_formats()
                .contains(&PixelFormat::Yuva444p10le)
        );
    }
}
