//! The soundtrack: `<Audio>` and `<Video>` elements mixed into one track, encoded beside the
//! video or as a sound file of its own.
//!
//! Every composed frame lists the media elements it shows, with the media time to play at that
//! frame and the volume there (a `volume` callback evaluated for the frame). Those become
//! [`AudioCue`]s, one per element per frame of the video, which [`mix`] turns into one track
//! (see [`mix`'s module](self::mix)). The track is read a block at a time ([`SampleBlocks`]):
//! [`mux`] encodes it and copies the video's stream beside it, without re-encoding the video;
//! [`encode`] writes it as a sound file.

mod mix;

pub use mix::{AudioCue, Mix, MixWindow, mix, mix_in_blocks, sample_at};

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{Codec, EncodeError, parse_bitrate};

/// Samples per second of the mix.
pub const SAMPLE_RATE: u32 = 48_000;
const CHANNELS: usize = 2;
/// Samples (both channels) in a block of [`Silence`]: ten seconds.
const SILENCE_BLOCK: usize = SAMPLE_RATE as usize * 10 * CHANNELS;

/// Interleaved 48 kHz stereo samples, given a block at a time, so that a long track is never
/// held whole.
pub trait SampleBlocks {
    /// The next block of samples; `None` after the last.
    fn next_block(&mut self) -> Result<Option<Vec<f32>>, EncodeError>;

    /// Every block, end to end (for short tracks: a test, a chunk).
    fn collect_all(&mut self) -> Result<Vec<f32>, EncodeError> {
        let mut samples = Vec::new();
        while let Some(block) = self.next_block()? {
            samples.extend_from_slice(&block);
        }
        Ok(samples)
    }

    /// Writes every block to `path` as raw samples ([`to_bytes`]).
    fn write_raw(&mut self, path: &Path) -> Result<(), EncodeError> {
        let io_error = |e: std::io::Error| EncodeError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(io_error)?);
        while let Some(block) = self.next_block()? {
            file.write_all(&to_bytes(&block)).map_err(io_error)?;
        }
        file.flush().map_err(io_error)
    }
}

/// Samples held whole, given as one block.
impl SampleBlocks for Option<Vec<f32>> {
    fn next_block(&mut self) -> Result<Option<Vec<f32>>, EncodeError> {
        Ok(self.take())
    }
}

/// The soundtrack's codec: Remotion's `audioCodec` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum AudioCodec {
    #[serde(rename = "aac")]
    Aac,
    #[serde(rename = "mp3")]
    Mp3,
    #[serde(rename = "opus")]
    Opus,
    #[serde(rename = "pcm-16")]
    Pcm16,
}

impl AudioCodec {
    pub const NAMES: &str = "aac, mp3, opus or pcm-16";

    pub fn parse(name: &str) -> Result<AudioCodec, EncodeError> {
        match name {
            "aac" => Ok(AudioCodec::Aac),
            "mp3" => Ok(AudioCodec::Mp3),
            "opus" => Ok(AudioCodec::Opus),
            "pcm-16" => Ok(AudioCodec::Pcm16),
            other => Err(EncodeError::Setting {
                field: "audioCodec",
                reason: format!("\"{other}\" is not an audio codec; use {}", Self::NAMES),
            }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AudioCodec::Aac => "aac",
            AudioCodec::Mp3 => "mp3",
            AudioCodec::Opus => "opus",
            AudioCodec::Pcm16 => "pcm-16",
        }
    }

    /// Remotion's default for a video codec: AAC for H.264 and H.265, Opus for VP8 and VP9,
    /// 16-bit PCM for ProRes; GIFs have no sound.
    pub fn default_for(codec: Codec) -> Option<AudioCodec> {
        match codec {
            Codec::H264 | Codec::H265 => Some(AudioCodec::Aac),
            Codec::Vp8 | Codec::Vp9 => Some(AudioCodec::Opus),
            Codec::Prores => Some(AudioCodec::Pcm16),
            Codec::Gif => None,
        }
    }

    /// Whether a file with this extension can hold the codec (one Kinema does not know is left
    /// to ffmpeg).
    pub fn fits(self, extension: &str) -> bool {
        match extension.to_ascii_lowercase().as_str() {
            "webm" => self == AudioCodec::Opus,
            "mp4" | "m4v" => self != AudioCodec::Pcm16,
            // QuickTime's muxer takes Opus in MP4 only.
            "mov" => self != AudioCodec::Opus,
            _ => true,
        }
    }

    /// The containers that hold it, for an error message.
    pub fn containers(self) -> &'static str {
        match self {
            AudioCodec::Aac | AudioCodec::Mp3 => ".mp4, .mov or .mkv",
            AudioCodec::Opus => ".webm, .mp4 or .mkv",
            AudioCodec::Pcm16 => ".mov or .mkv",
        }
    }

    /// Remotion's `preferLossless`: 16-bit PCM in place of a default that would lose detail.
    pub fn lossless_if(self, prefer_lossless: bool) -> AudioCodec {
        if prefer_lossless {
            AudioCodec::Pcm16
        } else {
            self
        }
    }

    /// Whether a file with `extension` holds this codec's sound alone.
    pub fn fits_sound_file(self, extension: &str) -> bool {
        self.sound_file_extensions()
            .contains(&extension.to_ascii_lowercase().as_str())
    }

    /// The extensions of [`Self::sound_file_extensions`] for a message: `.aac, .m4a or .m4b`.
    pub fn sound_file_names(self) -> String {
        let names: Vec<String> = self
            .sound_file_extensions()
            .iter()
            .map(|e| format!(".{e}"))
            .collect();
        match names.split_last() {
            None => "no file of its own".into(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }

    /// Extensions of a file holding this codec's sound alone, the usual one first (none for
    /// Opus, which no audio-only codec writes).
    pub fn sound_file_extensions(self) -> &'static [&'static str] {
        match self {
            AudioCodec::Aac => &["aac", "m4a", "m4b"],
            AudioCodec::Mp3 => &["mp3"],
            AudioCodec::Pcm16 => &["wav"],
            AudioCodec::Opus => &[],
        }
    }

    fn ffmpeg_args(self, bitrate: u32) -> Vec<String> {
        let bitrate = bitrate.to_string();
        match self {
            // Above 18 kHz AAC spends bits on what few hear (Remotion cuts there too).
            AudioCodec::Aac => vec!["-c:a", "aac", "-cutoff", "18000", "-b:a", &bitrate],
            AudioCodec::Mp3 => vec!["-c:a", "libmp3lame", "-b:a", &bitrate],
            AudioCodec::Opus => vec!["-c:a", "libopus", "-b:a", &bitrate],
            AudioCodec::Pcm16 => vec!["-c:a", "pcm_s16le"],
        }
        .into_iter()
        .map(String::from)
        .collect()
    }
}

/// Remotion's audio-only codecs (`--codec mp3|aac|wav`): the render is the composition's
/// sound alone, a sound file with no pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioOnlyCodec {
    Mp3,
    Aac,
    Wav,
}

impl AudioOnlyCodec {
    pub const ALL: [AudioOnlyCodec; 3] = [
        AudioOnlyCodec::Mp3,
        AudioOnlyCodec::Aac,
        AudioOnlyCodec::Wav,
    ];

    /// The codec named `name` (Remotion's spelling), if it is an audio-only one.
    pub fn parse(name: &str) -> Option<AudioOnlyCodec> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            AudioOnlyCodec::Mp3 => "mp3",
            AudioOnlyCodec::Aac => "aac",
            AudioOnlyCodec::Wav => "wav",
        }
    }

    /// The codec an output file's extension picks when none is asked for, as Remotion's
    /// render CLI picks it: `.mp3` mp3, `.aac`, `.m4a` and `.m4b` aac, `.wav` wav.
    pub fn for_extension(extension: &str) -> Option<AudioOnlyCodec> {
        match extension.to_ascii_lowercase().as_str() {
            "mp3" => Some(AudioOnlyCodec::Mp3),
            "aac" | "m4a" | "m4b" => Some(AudioOnlyCodec::Aac),
            "wav" => Some(AudioOnlyCodec::Wav),
            _ => None,
        }
    }

    /// Remotion's default sound codec for it: mp3 MP3, aac AAC, wav 16-bit PCM.
    pub fn default_audio_codec(self) -> AudioCodec {
        match self {
            AudioOnlyCodec::Mp3 => AudioCodec::Mp3,
            AudioOnlyCodec::Aac => AudioCodec::Aac,
            AudioOnlyCodec::Wav => AudioCodec::Pcm16,
        }
    }

    /// The sound codecs it may be written in, as Remotion allows: its own, or lossless
    /// pcm-16 (a WAV file).
    pub fn audio_codecs(self) -> &'static [AudioCodec] {
        match self {
            AudioOnlyCodec::Mp3 => &[AudioCodec::Mp3, AudioCodec::Pcm16],
            AudioOnlyCodec::Aac => &[AudioCodec::Aac, AudioCodec::Pcm16],
            AudioOnlyCodec::Wav => &[AudioCodec::Pcm16],
        }
    }
}

/// The soundtrack's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioSettings {
    pub codec: AudioCodec,
    /// Bits per second (`--audio-bitrate`; Remotion's default is 320k), for the lossy codecs.
    pub bitrate: u32,
}

impl AudioSettings {
    pub const DEFAULT_BITRATE: u32 = 320_000;

    /// The sound a video of `codec` written to a file with `extension` gets: `audio_codec`
    /// (`audioCodec`, else the codec's default) at `bitrate` (`audioBitrate`); `None` when
    /// `muted` or for a GIF. Settings that cannot apply are refused, naming the setting.
    pub fn choose(
        codec: Codec,
        audio_codec: Option<&str>,
        prefer_lossless: bool,
        bitrate: Option<&str>,
        muted: bool,
        extension: &str,
    ) -> Result<Option<AudioSettings>, EncodeError> {
        let chosen = audio_codec.map(AudioCodec::parse).transpose()?;
        let given = |reason: &str| {
            let field = if audio_codec.is_some() {
                "audioCodec"
            } else {
                "audioBitrate"
            };
            Err(EncodeError::Setting {
                field,
                reason: reason.into(),
            })
        };
        if muted {
            if audio_codec.is_some() || bitrate.is_some() {
                return given("the video is muted: it has no sound to encode");
            }
            return Ok(None);
        }
        let Some(default) = AudioCodec::default_for(codec) else {
            if audio_codec.is_some() || bitrate.is_some() {
                return given("a GIF has no sound");
            }
            return Ok(None);
        };
        let picked_by = picked_by(audio_codec, prefer_lossless, "audioCodec");
        let audio_codec = chosen.unwrap_or(default.lossless_if(prefer_lossless));
        let extension = extension.to_ascii_lowercase();
        if !audio_codec.fits(&extension) {
            return Err(EncodeError::Setting {
                field: picked_by,
                reason: format!(
                    "{} sound cannot go in a .{extension} file: write {}, or choose another \
                     audio codec",
                    audio_codec.name(),
                    audio_codec.containers()
                ),
            });
        }
        AudioSettings::new(audio_codec, bitrate).map(Some)
    }

    /// The sound file an audio-only render of `codec` writes to a file with `extension`:
    /// `audio_codec` (`audioCodec`, else the codec's default; see
    /// [`AudioOnlyCodec::audio_codecs`]) at `bitrate`. A file whose extension does not hold
    /// that sound is refused, naming the setting that chose it.
    pub fn for_audio_only(
        codec: AudioOnlyCodec,
        audio_codec: Option<&str>,
        prefer_lossless: bool,
        bitrate: Option<&str>,
        extension: &str,
    ) -> Result<AudioSettings, EncodeError> {
        let audio = match audio_codec {
            None => codec.default_audio_codec().lossless_if(prefer_lossless),
            Some(name) => {
                let chosen = AudioCodec::parse(name)?;
                if !codec.audio_codecs().contains(&chosen) {
                    return Err(EncodeError::Setting {
                        field: "audioCodec",
                        reason: format!(
                            "{} is not a sound codec of {}: use {}",
                            chosen.name(),
                            codec.name(),
                            codec
                                .audio_codecs()
                                .iter()
                                .map(|c| c.name())
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ),
                    });
                }
                chosen
            }
        };
        let extension = extension.to_ascii_lowercase();
        if !audio.fits_sound_file(&extension) {
            let names = audio.sound_file_names();
            let file = match extension.as_str() {
                "" => "a file with no extension".to_string(),
                other => format!("a .{other} file"),
            };
            return Err(match picked_by(audio_codec, prefer_lossless, "codec") {
                "codec" => EncodeError::Setting {
                    field: "codec",
                    reason: format!("{} writes {names}, not {file}", codec.name()),
                },
                field => EncodeError::Setting {
                    field,
                    reason: format!("{} sound goes in {names}, not {file}", audio.name()),
                },
            });
        }
        AudioSettings::new(audio, bitrate)
    }

    /// `--audio-bitrate` as text (`128k`, `320000`), for `codec`.
    pub fn new(codec: AudioCodec, bitrate: Option<&str>) -> Result<AudioSettings, EncodeError> {
        let bitrate = match bitrate {
            None => Self::DEFAULT_BITRATE,
            Some(_) if codec == AudioCodec::Pcm16 => {
                return Err(EncodeError::Setting {
                    field: "audioBitrate",
                    reason: "pcm-16 is uncompressed and has no bitrate to set".into(),
                });
            }
            Some(text) => parse_bitrate(text).map_err(|_| EncodeError::Setting {
                field: "audioBitrate",
                reason: format!(
                    "\"{text}\" is not a bitrate from 1000 bits/s up, such as 320k or 128000"
                ),
            })?,
        };
        // What the encoders take for stereo: Opus up to 512 kb/s, MP3 up to 320.
        let most = match codec {
            AudioCodec::Opus => 512_000,
            AudioCodec::Mp3 => 320_000,
            AudioCodec::Aac | AudioCodec::Pcm16 => u32::MAX,
        };
        if bitrate > most || (codec == AudioCodec::Opus && bitrate < 6_000) {
            return Err(EncodeError::Setting {
                field: "audioBitrate",
                reason: format!(
                    "{} takes {} bits/s for stereo, not {bitrate}",
                    codec.name(),
                    match codec {
                        AudioCodec::Opus => "6k to 512k",
                        _ => "up to 320k",
                    }
                ),
            });
        }
        Ok(AudioSettings { codec, bitrate })
    }
}

/// The setting that chose the sound codec, for an error about it: `audioCodec` when one was
/// named, else `preferLossless` when that was asked for, else `otherwise` (the codec's
/// default).
fn picked_by(
    audio_codec: Option<&str>,
    prefer_lossless: bool,
    otherwise: &'static str,
) -> &'static str {
    match (audio_codec, prefer_lossless) {
        (Some(_), _) => "audioCodec",
        (None, true) => "preferLossless",
        (None, false) => otherwise,
    }
}

/// `file` as ffmpeg's input, read as a media file only: a playlist (HLS, DASH, ffconcat) could
/// name other files on this machine for ffmpeg to read, and a sound's or video's file may come
/// from whoever sent the code.
pub(crate) fn media_input(command: &mut Command, file: &Path) {
    command.args([
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        MEDIA_FORMATS,
    ]);
    command.arg("-i").arg(file);
}

/// The demuxers a sound or a video's pictures may be read with: audio and video files, not
/// playlists.
const MEDIA_FORMATS: &str = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,mp3,wav,w64,ogg,flac,aac,\
                             aiff,caf,mpegts,avi,flv,asf";

/// ffmpeg's words for the mix's samples: raw little-endian floats, stereo, at 48 kHz.
fn raw_samples() -> [String; 6] {
    [
        "-f".into(),
        "f32le".into(),
        "-ac".into(),
        CHANNELS.to_string(),
        "-ar".into(),
        SAMPLE_RATE.to_string(),
    ]
}

/// ffmpeg's `atempo` takes 0.5 to 100 a filter: slower rates are chained halvings.
fn atempo_chain(rate: f64) -> Option<String> {
    if (rate - 1.0).abs() < 1e-9 {
        return None;
    }
    let mut filters = Vec::new();
    let mut left = rate;
    while left < 0.5 {
        filters.push("atempo=0.5".to_string());
        left /= 0.5;
    }
    while left > 100.0 {
        filters.push("atempo=100".to_string());
        left /= 100.0;
    }
    filters.push(format!("atempo={left:.9}"));
    Some(filters.join(","))
}

/// Writes `output`: `video`'s streams copied, and `samples` (from [`mix`]) encoded beside them.
pub fn mux(
    ffmpeg: &Path,
    video: &Path,
    samples: &mut dyn SampleBlocks,
    settings: &AudioSettings,
    output: &Path,
) -> Result<(), EncodeError> {
    let mut command = Command::new(ffmpeg);
    command.args(["-v", "error", "-y", "-i"]).arg(video);
    command.args(raw_samples()).args(["-i", "pipe:0"]);
    command.args(["-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy"]);
    command.args(settings.codec.ffmpeg_args(settings.bitrate));
    let extension = output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(extension.as_str(), "mp4" | "m4v" | "mov") {
        command.args(["-movflags", "+faststart"]);
    }
    feed(command, samples, output)
}

/// Writes `output`, a sound file (an audio-only render): `samples` (from [`mix`]) encoded as
/// `settings` say, with `metadata`'s tags. The container follows the file's extension (see
/// [`AudioCodec::sound_file_extensions`]).
pub fn encode(
    ffmpeg: &Path,
    samples: &mut dyn SampleBlocks,
    settings: &AudioSettings,
    metadata: &[(String, String)],
    output: &Path,
) -> Result<(), EncodeError> {
    let mut command = Command::new(ffmpeg);
    command.args(["-v", "error", "-y"]);
    command.args(raw_samples()).args(["-i", "pipe:0"]);
    command.args(settings.codec.ffmpeg_args(settings.bitrate));
    let extension = output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "m4a" | "m4b" => {
            command.args(["-movflags", "+faststart"]);
        }
        // A bare AAC stream keeps tags only in an ID3 header, which ffmpeg leaves out unless
        // asked.
        "aac" if !metadata.is_empty() => {
            command.args(["-write_id3v2", "1"]);
        }
        _ => {}
    }
    for (key, value) in metadata {
        command.arg("-metadata").arg(format!("{key}={value}"));
    }
    feed(command, samples, output)
}

/// Runs `command` (which reads raw samples from its standard input and writes `output`),
/// feeding it `samples`; their failure stops it.
fn feed(
    mut command: Command,
    samples: &mut dyn SampleBlocks,
    output: &Path,
) -> Result<(), EncodeError> {
    let ffmpeg = PathBuf::from(command.get_program());
    let mut child = command
        .arg(output)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(EncodeError::ffmpeg_missing(&ffmpeg))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let log = std::thread::spawn(move || {
        let mut log = String::new();
        let _ = stderr.read_to_string(&mut log);
        log
    });
    // A write that fails means ffmpeg stopped; its log says why.
    let mut failed = None;
    'feeding: loop {
        match samples.next_block() {
            Ok(Some(block)) => {
                for piece in block.chunks(1 << 16) {
                    if stdin.write_all(&to_bytes(piece)).is_err() {
                        break 'feeding;
                    }
                }
            }
            Ok(None) => break,
            Err(error) => {
                failed = Some(error);
                break;
            }
        }
    }
    drop(stdin);
    if let Some(error) = failed {
        // Not a file short of its sound.
        let _ = child.kill();
        let _ = child.wait();
        let _ = log.join();
        let _ = std::fs::remove_file(output);
        return Err(error);
    }
    let status = child.wait().map_err(|e| EncodeError::Io {
        path: output.to_path_buf(),
        reason: e.to_string(),
    })?;
    let log = log.join().unwrap_or_default().trim().to_string();
    // ffmpeg exits 0 when its last write fails (a full disk): any error logged counts.
    if !status.success() || !log.is_empty() {
        return Err(EncodeError::Ffmpeg {
            output: output.to_path_buf(),
            log: last_lines(&log),
        });
    }
    Ok(())
}

/// Silence as long as `frames` frames at `fps`, given as [`mix`] gives a track.
pub fn silence(frames: u32, fps: f64) -> Silence {
    Silence::of(sample_at(frames, fps) * CHANNELS)
}

/// Silence, a block at a time (see [`silence`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Silence {
    /// Samples (both channels) still to give.
    left: usize,
}

impl Silence {
    /// `samples` samples (both channels counted) of silence.
    pub fn of(samples: usize) -> Silence {
        Silence { left: samples }
    }

    /// Samples still to give.
    pub fn left(&self) -> usize {
        self.left
    }
}

impl SampleBlocks for Silence {
    fn next_block(&mut self) -> Result<Option<Vec<f32>>, EncodeError> {
        if self.left == 0 {
            return Ok(None);
        }
        let length = self.left.min(SILENCE_BLOCK);
        self.left -= length;
        Ok(Some(vec![0.0; length]))
    }
}

/// Samples as the bytes of raw 32-bit little-endian floats (ffmpeg's `f32le`), to store a
/// chunk's mix.
pub fn to_bytes(samples: &[f32]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// The samples [`to_bytes`] stored.
pub fn from_bytes(bytes: &[u8]) -> Vec<f32> {
    let mut samples = Vec::with_capacity(bytes.len() / 4);
    extend_from_bytes(&mut samples, bytes);
    samples
}

/// Adds the samples [`to_bytes`] stored to `samples`.
pub(crate) fn extend_from_bytes(samples: &mut Vec<f32>, bytes: &[u8]) {
    samples.extend(
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
    );
}

pub(crate) fn last_lines(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecs_follow_remotion_defaults_and_containers() {
        assert_eq!(AudioCodec::default_for(Codec::H264), Some(AudioCodec::Aac));
        assert_eq!(AudioCodec::default_for(Codec::Vp9), Some(AudioCodec::Opus));
        assert_eq!(
            AudioCodec::default_for(Codec::Prores),
            Some(AudioCodec::Pcm16)
        );
        assert_eq!(AudioCodec::default_for(Codec::Gif), None);
        assert!(AudioCodec::Aac.fits("mp4") && !AudioCodec::Aac.fits("webm"));
        assert!(AudioCodec::Opus.fits("webm") && AudioCodec::Pcm16.fits("MOV"));
        assert!(!AudioCodec::Pcm16.fits("mp4"));
        assert!(AudioCodec::Opus.fits("mp4") && !AudioCodec::Opus.fits("mov"));
        assert!(AudioCodec::parse("flac").is_err());
        assert_eq!(AudioCodec::parse("pcm-16").unwrap(), AudioCodec::Pcm16);
    }

    #[test]
    fn the_sound_follows_the_codec_and_the_file() {
        let choose = |codec, audio: Option<&str>, bitrate: Option<&str>, muted, ext: &str| {
            AudioSettings::choose(codec, audio, false, bitrate, muted, ext)
                .map_err(|e| e.to_string())
        };
        let aac = choose(Codec::H264, None, None, false, "mp4")
            .unwrap()
            .unwrap();
        assert_eq!(aac.codec, AudioCodec::Aac);
        assert_eq!(choose(Codec::H264, None, None, true, "mp4"), Ok(None));
        assert_eq!(choose(Codec::Gif, None, None, false, "gif"), Ok(None));
        let muted = choose(Codec::H264, Some("aac"), None, true, "mp4").unwrap_err();
        assert!(muted.contains("audioCodec: the video is muted"), "{muted}");
        let gif = choose(Codec::Gif, None, Some("128k"), false, "gif").unwrap_err();
        assert!(gif.contains("audioBitrate: a GIF has no sound"), "{gif}");
        let misfit = choose(Codec::H264, Some("pcm-16"), None, false, "MP4").unwrap_err();
        assert!(
            misfit.contains("pcm-16 sound cannot go in a .mp4 file"),
            "{misfit}"
        );
        // A file name Kinema does not know is left to ffmpeg.
        assert!(choose(Codec::H264, Some("pcm-16"), None, false, "").is_ok());
    }

    #[test]
    fn audio_only_codecs_follow_remotion() {
        assert_eq!(AudioOnlyCodec::parse("wav"), Some(AudioOnlyCodec::Wav));
        assert_eq!(AudioOnlyCodec::parse("h264"), None);
        assert_eq!(
            AudioOnlyCodec::for_extension("M4A"),
            Some(AudioOnlyCodec::Aac)
        );
        assert_eq!(AudioOnlyCodec::for_extension("mp4"), None);
        let choose = |codec, audio: Option<&str>, bitrate: Option<&str>, ext: &str| {
            AudioSettings::for_audio_only(codec, audio, false, bitrate, ext)
                .map_err(|e| e.to_string())
        };
        let wav = choose(AudioOnlyCodec::Wav, None, None, "wav").unwrap();
        assert_eq!(wav.codec, AudioCodec::Pcm16);
        let mp3 = choose(AudioOnlyCodec::Mp3, None, Some("128k"), "mp3").unwrap();
        assert_eq!((mp3.codec, mp3.bitrate), (AudioCodec::Mp3, 128_000));
        // Lossless sound for an aac render is a WAV file, as Remotion writes it.
        let lossless = choose(AudioOnlyCodec::Aac, Some("pcm-16"), None, "wav").unwrap();
        assert_eq!(lossless.codec, AudioCodec::Pcm16);
        let err = choose(AudioOnlyCodec::Aac, Some("pcm-16"), None, "aac").unwrap_err();
        assert!(
            err.contains("audioCodec: pcm-16 sound goes in .wav, not a .aac file"),
            "{err}"
        );
        let err = choose(AudioOnlyCodec::Wav, Some("opus"), None, "wav").unwrap_err();
        assert!(
            err.contains("opus is not a sound codec of wav: use pcm-16"),
            "{err}"
        );
        let err = choose(AudioOnlyCodec::Aac, None, None, "").unwrap_err();
        assert!(
            err.contains("aac writes .aac, .m4a or .m4b, not a file with no extension"),
            "{err}"
        );
        let err = choose(AudioOnlyCodec::Wav, None, Some("128k"), "wav").unwrap_err();
        assert!(err.contains("pcm-16 is uncompressed"), "{err}");
        // Remotion's preferLossless: pcm-16 unless a codec is named, and it says so.
        let lossless = AudioSettings::for_audio_only(AudioOnlyCodec::Mp3, None, true, None, "wav");
        assert_eq!(lossless.unwrap().codec, AudioCodec::Pcm16);
        let named =
            AudioSettings::for_audio_only(AudioOnlyCodec::Mp3, Some("mp3"), true, None, "mp3");
        assert_eq!(named.unwrap().codec, AudioCodec::Mp3);
        let err = AudioSettings::for_audio_only(AudioOnlyCodec::Mp3, None, true, None, "mp3")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("preferLossless: pcm-16 sound goes in .wav"),
            "{err}"
        );
        let video = AudioSettings::choose(Codec::H264, None, true, None, false, "mkv").unwrap();
        assert_eq!(video.unwrap().codec, AudioCodec::Pcm16);
        let err = AudioSettings::choose(Codec::H264, None, true, None, false, "mp4")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("preferLossless: pcm-16 sound cannot go in a .mp4 file"),
            "{err}"
        );
        // A GIF has no sound to make lossless.
        assert_eq!(
            AudioSettings::choose(Codec::Gif, None, true, None, false, "gif").unwrap(),
            None
        );
    }

    #[test]
    fn bitrates_are_checked_per_codec() {
        let aac = AudioSettings::new(AudioCodec::Aac, None).unwrap();
        assert_eq!(aac.bitrate, 320_000);
        assert_eq!(
            AudioSettings::new(AudioCodec::Opus, Some("128k"))
                .unwrap()
                .bitrate,
            128_000
        );
        assert!(AudioSettings::new(AudioCodec::Mp3, Some("500k")).is_err());
        assert!(AudioSettings::new(AudioCodec::Pcm16, Some("128k")).is_err());
        assert!(AudioSettings::new(AudioCodec::Aac, Some("loud")).is_err());
    }

    #[test]
    fn slow_rates_chain_atempo() {
        assert_eq!(atempo_chain(1.0), None);
        assert_eq!(atempo_chain(2.0).unwrap(), "atempo=2.000000000");
        assert_eq!(
            atempo_chain(0.125).unwrap(),
            "atempo=0.5,atempo=0.5,atempo=0.500000000"
        );
    }

    #[test]
    fn frames_start_at_rounded_samples() {
        assert_eq!(sample_at(1, 30.0), 1600);
        assert_eq!(sample_at(3, 30000.0 / 1001.0), 4805);
    }
}
