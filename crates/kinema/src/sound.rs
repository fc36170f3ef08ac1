//! The soundtrack of `kinema render`: which codec, and the mix of what the frames played muxed
//! into the finished video (see [`kinema_farm::soundtrack`] and [`kinema_encode::audio`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kinema_encode::audio::{self, MixWindow};
use kinema_encode::{AudioCodec, AudioSettings, Codec, EncoderBackend};
use kinema_farm::soundtrack::Heard;
use kinema_paint::resources::ResourceOptions;

/// How a render's sound is written.
#[derive(Debug, Clone)]
pub struct SoundPlan {
    pub settings: AudioSettings,
    /// The ffmpeg that decodes, mixes and muxes (`None`: none runs, so there is no sound).
    ffmpeg: Option<PathBuf>,
    /// A silent track where nothing plays (`--enforce-audio-track`).
    enforce: bool,
}

/// The sound flags as given.
#[derive(Debug, Clone, Default)]
pub struct SoundFlags {
    pub muted: bool,
    pub codec: Option<String>,
    pub bitrate: Option<String>,
    /// `--enforce-audio-track`.
    pub enforce: bool,
}

/// The soundtrack a render of `codec` into `output` gets: `None` for `--muted` and GIFs.
pub fn plan(
    flags: &SoundFlags,
    codec: Codec,
    output: &Path,
    backend: &EncoderBackend,
    ffmpeg: Option<&Path>,
) -> Result<Option<SoundPlan>> {
    let extension = output
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let settings = AudioSettings::choose(
        codec,
        flags.codec.as_deref(),
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
    let ffmpeg = match backend {
        EncoderBackend::Ffmpeg(path) => Some(path.clone()),
        // The built-in encoder writes the video; an ffmpeg on the PATH can still add sound.
        EncoderBackend::Builtin => {
            let path = ffmpeg.unwrap_or(Path::new(kinema_encode::DEFAULT_FFMPEG));
            EncoderBackend::ffmpeg_found(path).then(|| path.to_path_buf())
        }
    };
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
    }))
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
    let samples = match heard.mix(ffmpeg, resources, window)? {
        Some(samples) => samples,
        // Silence as long as the video: 48 kHz stereo.
        None if plan.enforce => {
            vec![0.0; 2 * audio::sample_at(window.frames, window.fps)]
        }
        None => return Ok(None),
    };
    let extension = video
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "mp4".into());
    let with_sound = scratch.join(format!("with-sound.{extension}"));
    audio::mux(ffmpeg, video, &samples, &plan.settings, &with_sound)?;
    std::fs::rename(&with_sound, video)
        .with_context(|| format!("cannot move {} into place", with_sound.display()))?;
    Ok(Some(plan.settings.codec))
}
