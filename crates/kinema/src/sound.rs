//! The soundtrack of `kinema render`: which codec, and the mix of what the frames played muxed
//! into the finished video, or written to a file of its own (`--separate-audio-to`) (see
//! [`kinema_farm::soundtrack`] and [`kinema_encode::audio`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kinema_encode::audio::{self, MixWindow, SampleBlocks};
use kinema_encode::{
    AudioCodec, AudioOnlyCodec, AudioSettings, Codec, EncodeError, EncoderBackend,
};
use kinema_farm::soundtrack::{Heard, HeardMix};
use kinema_paint::resources::ResourceOptions;

/// How a render's sound is written.
#[derive(Debug, Clone)]
pub struct SoundPlan {
    pub settings: AudioSettings,
    /// The ffmpeg that decodes, mixes and muxes (`None`: none runs, so there is no sound).
    ffmpeg: Option<PathBuf>,
    /// A silent track where nothing plays (`--enforce-audio-track`).
    enforce: bool,
    /// The file the sound goes to instead of the video (`--separate-audio-to`).
    pub separate: Option<PathBuf>,
}

/// The sound flags as given.
#[derive(Debug, Clone, Default)]
pub struct SoundFlags {
    pub muted: bool,
    pub codec: Option<String>,
    /// `--prefer-lossless`.
    pub prefer_lossless: bool,
    pub bitrate: Option<String>,
    /// `--enforce-audio-track`.
    pub enforce: bool,
    /// `--separate-audio-to`.
    pub separate: Option<PathBuf>,
}

/// The soundtrack a render of `codec` into `output` gets: `None` for `--muted` and GIFs.
pub fn plan(
    flags: &SoundFlags,
    codec: Codec,
    output: &Path,
    backend: &EncoderBackend,
    ffmpeg: Option<&Path>,
) -> Result<Option<SoundPlan>> {
    if let Some(separate) = &flags.separate {
        return plan_separate(flags, separate, codec, output, backend, ffmpeg).map(Some);
    }
    let extension = output
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let settings = AudioSettings::choose(
        codec,
        flags.codec.as_deref(),
        flags.prefer_lossless,
        flags.bitrate.as_deref(),
        flags.muted,
        &extension,
    )
    .map_err(crate::render::in_flags)?;
    let Some(settings) = settings else {
        if flags.enforce {
            anyhow::bail!(
                "--enforce-audio-track: {}",
                if flags.muted {
                    "the video is muted; give one or the other"
                } else {
                    "a GIF has no sound"
                }
            );
        }
        return Ok(None);
    };
    let ffmpeg = sound_ffmpeg(backend, ffmpeg);
    if flags.enforce && ffmpeg.is_none() {
        anyhow::bail!(
            "--enforce-audio-track: sound is written by ffmpeg, and none runs here (apt-get \
             install ffmpeg, or --ffmpeg PATH)"
        );
    }
    Ok(Some(SoundPlan {
        settings,
        ffmpeg,
        enforce: flags.enforce,
        separate: None,
    }))
}

/// The ffmpeg that writes sound beside a video from `backend` (`None`: none runs here).
fn sound_ffmpeg(backend: &EncoderBackend, ffmpeg: Option<&Path>) -> Option<PathBuf> {
    match backend {
        EncoderBackend::Ffmpeg(path) => Some(path.clone()),
        // The built-in encoder writes the video; an ffmpeg on the PATH can still add sound.
        EncoderBackend::Builtin => {
            let path = ffmpeg.unwrap_or(Path::new(kinema_encode::DEFAULT_FFMPEG));
            EncoderBackend::ffmpeg_found(path).then(|| path.to_path_buf())
        }
    }
}

/// The sound of a video of `codec` written to `separate` instead of into the video: its codec
/// is `--audio-codec`'s, else the one the file's extension names (`.mp3` MP3, `.aac` and
/// `.m4a` AAC, `.wav` 16-bit PCM).
fn plan_separate(
    flags: &SoundFlags,
    separate: &Path,
    codec: Codec,
    output: &Path,
    backend: &EncoderBackend,
    ffmpeg: Option<&Path>,
) -> Result<SoundPlan> {
    let flag = "--separate-audio-to";
    if flags.muted {
        anyhow::bail!("{flag}: the video is muted; give one or the other");
    }
    if codec == Codec::Gif {
        anyhow::bail!("{flag}: a GIF has no sound");
    }
    if names_same_file(separate, output) {
        anyhow::bail!(
            "{flag} {}: that is the video's own file",
            separate.display()
        );
    }
    let extension = separate
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let settings = match flags.codec.as_deref() {
        Some(name) => {
            let chosen = AudioCodec::parse(name).map_err(crate::render::in_flags)?;
            if chosen.sound_file_extensions().is_empty() {
                anyhow::bail!(
                    "{flag}: {} sound has no file of its own here; use aac, mp3 or pcm-16",
                    chosen.name()
                );
            }
            if !chosen.fits_sound_file(&extension) {
                anyhow::bail!(
                    "{flag} {}: {} sound goes in {}",
                    separate.display(),
                    chosen.name(),
                    chosen.sound_file_names()
                );
            }
            AudioSettings::new(chosen, flags.bitrate.as_deref()).map_err(crate::render::in_flags)?
        }
        None if flags.prefer_lossless => {
            if extension != "wav" {
                anyhow::bail!(
                    "--prefer-lossless: pcm-16 sound goes in .wav, not {}",
                    separate.display()
                );
            }
            AudioSettings::new(AudioCodec::Pcm16, flags.bitrate.as_deref())
                .map_err(crate::render::in_flags)?
        }
        None => {
            let Some(sound_file) = AudioOnlyCodec::for_extension(&extension) else {
                anyhow::bail!(
                    "{flag} {}: name a .mp3, .aac, .m4a, .m4b or .wav file",
                    separate.display()
                );
            };
            AudioSettings::new(sound_file.default_audio_codec(), flags.bitrate.as_deref())
                .map_err(crate::render::in_flags)?
        }
    };
    let Some(ffmpeg) = sound_ffmpeg(backend, ffmpeg) else {
        anyhow::bail!(
            "{flag}: sound is written by ffmpeg, and none runs here (apt-get install ffmpeg, or \
             --ffmpeg PATH)"
        );
    };
    Ok(SoundPlan {
        settings,
        ffmpeg: Some(ffmpeg),
        enforce: false,
        separate: Some(separate.to_path_buf()),
    })
}

/// Whether two paths name the same file (`a.mp4`, `./a.mp4`, `out/../a.mp4`), as far as their
/// folders can be resolved.
fn names_same_file(a: &Path, b: &Path) -> bool {
    let resolved = |path: &Path| {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let folder = folder
            .canonicalize()
            .unwrap_or_else(|_| folder.to_path_buf());
        folder.join(path.file_name().unwrap_or_default())
    };
    a == b || resolved(a) == resolved(b)
}

/// Mixes what was `heard` over the video's `window` into `file`, a sound file of its own
/// (`--separate-audio-to`): silence as long as the video where nothing was heard. Its codec.
pub fn write_separate(
    plan: &SoundPlan,
    heard: Heard,
    resources: &ResourceOptions,
    window: MixWindow,
    file: &Path,
) -> Result<AudioCodec> {
    let ffmpeg = plan
        .ffmpeg
        .as_deref()
        .context("no ffmpeg to write the sound with")?;
    let mixed = heard.mix(ffmpeg, resources, window)?;
    if mixed.is_none() {
        tracing::warn!("nothing in the video plays a sound: the separate sound is silence");
    }
    write_mix_or_silence(mixed, window, |sound| {
        audio::encode(ffmpeg, sound, &plan.settings, &[], file)
    })?;
    Ok(plan.settings.codec)
}

/// Mixes what was `heard` over the video's `window` and muxes it into `video` (rewritten in
/// place, through a file in `scratch`); the codec written, or `None` when there was nothing to
/// hear.
pub fn add_to_video(
    plan: &SoundPlan,
    heard: Heard,
    resources: &ResourceOptions,
    window: MixWindow,
    video: &Path,
    scratch: &Path,
) -> Result<Option<AudioCodec>> {
    if heard.is_empty() && !plan.enforce {
        return Ok(None);
    }
    let Some(ffmpeg) = &plan.ffmpeg else {
        tracing::warn!(
            "the video has no sound: its <Audio> and <Video> elements are mixed by ffmpeg, \
             which is not on the PATH (apt-get install ffmpeg, or --ffmpeg PATH)"
        );
        return Ok(None);
    };
    let extension = video
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "mp4".into());
    let with_sound = scratch.join(format!("with-sound.{extension}"));
    let mixed = heard.mix(ffmpeg, resources, window)?;
    if mixed.is_none() && !plan.enforce {
        return Ok(None);
    }
    write_mix_or_silence(mixed, window, |sound| {
        audio::mux(ffmpeg, video, sound, &plan.settings, &with_sound)
    })?;
    std::fs::rename(&with_sound, video)
        .with_context(|| format!("cannot move {} into place", with_sound.display()))?;
    Ok(Some(plan.settings.codec))
}

/// Hands `write` the mix, or silence as long as `window` where nothing was heard; a sound that
/// fails while it is read is named with its frame.
pub fn write_mix_or_silence(
    mixed: Option<HeardMix>,
    window: MixWindow,
    write: impl FnOnce(&mut dyn SampleBlocks) -> Result<(), EncodeError>,
) -> Result<()> {
    match mixed {
        Some(mut mix) => write(&mut mix).map_err(|e| mix.explain(e).into()),
        None => Ok(write(&mut audio::silence(window.frames, window.fps))?),
    }
}

/// Adds what one render thread heard to the render's record (a thread that panicked while
/// holding it leaves it as it was).
pub(crate) fn keep_heard(record: &std::sync::Mutex<Heard>, heard: Heard) {
    record
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(heard);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_is_found_under_other_spellings() {
        assert!(names_same_file(Path::new("a.mp4"), Path::new("./a.mp4")));
        assert!(names_same_file(
            Path::new("a.mp4"),
            &std::env::current_dir().unwrap().join("a.mp4")
        ));
        assert!(!names_same_file(Path::new("a.mp4"), Path::new("a.wav")));
    }
}
