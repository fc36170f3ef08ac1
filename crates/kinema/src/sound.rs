//! The soundtrack of `kinema render`: which codec, the media elements the frames list, and the
//! mix muxed into the finished video (see [`kinema_encode::audio`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use kinema_compose::Media;
use kinema_encode::{AudioCodec, AudioCue, AudioSettings, Codec, EncoderBackend, audio};
use kinema_paint::resources::{Located, ResourceLoader, ResourceOptions};

/// How a render's sound is written.
#[derive(Debug, Clone)]
pub struct SoundPlan {
    pub settings: AudioSettings,
    /// The ffmpeg that decodes, mixes and muxes (`None`: none runs, so there is no sound).
    ffmpeg: Option<PathBuf>,
}

/// The sound flags as given.
#[derive(Debug, Clone, Default)]
pub struct SoundFlags {
    pub muted: bool,
    pub codec: Option<String>,
    pub bitrate: Option<String>,
}

/// The soundtrack a render of `codec` into `output` gets: `None` for `--muted` and GIFs.
pub fn plan(
    flags: &SoundFlags,
    codec: Codec,
    output: &Path,
    backend: &EncoderBackend,
    ffmpeg: Option<&Path>,
) -> Result<Option<SoundPlan>> {
    let chosen = flags
        .codec
        .as_deref()
        .map(AudioCodec::parse)
        .transpose()
        .map_err(crate::render::in_flags)?;
    if flags.muted {
        if flags.codec.is_some() || flags.bitrate.is_some() {
            bail!(
                "--muted leaves the video without sound: --audio-codec and --audio-bitrate do not apply"
            );
        }
        return Ok(None);
    }
    let Some(default) = AudioCodec::default_for(codec) else {
        if flags.codec.is_some() || flags.bitrate.is_some() {
            bail!("a GIF has no sound: --audio-codec and --audio-bitrate do not apply");
        }
        return Ok(None);
    };
    let audio_codec = chosen.unwrap_or(default);
    let extension = output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let known = ["mp4", "m4v", "mov", "mkv", "webm"].contains(&extension.as_str());
    if known && !audio_codec.fits(&extension) {
        bail!(
            "{} sound cannot go in a .{extension} file: write {} or choose another \
             --audio-codec",
            audio_codec.name(),
            audio_codec.containers()
        );
    }
    let settings = AudioSettings::new(audio_codec, flags.bitrate.as_deref())
        .map_err(crate::render::in_flags)?;
    let ffmpeg = match backend {
        EncoderBackend::Ffmpeg(path) => Some(path.clone()),
        // The built-in encoder writes the video; an ffmpeg on the PATH can still add sound.
        EncoderBackend::Builtin => {
            let path = ffmpeg.unwrap_or(Path::new(kinema_encode::DEFAULT_FFMPEG));
            EncoderBackend::ffmpeg_found(path).then(|| path.to_path_buf())
        }
    };
    Ok(Some(SoundPlan { settings, ffmpeg }))
}

/// What the render's frames had to say about sound: each audible element at each frame.
#[derive(Debug, Default)]
pub struct Heard {
    /// (frame of the video, composition frame, element).
    cues: Vec<(u32, u32, Media)>,
}

impl Heard {
    /// Keeps the audible elements of the frame at `position` (composition frame `frame`).
    pub fn add(&mut self, position: u32, frame: u32, media: &[Media]) {
        for media in media {
            if !media.muted && media.volume > 0.0 {
                self.cues.push((position, frame, media.clone()));
            }
        }
    }

    pub fn extend(&mut self, other: Heard) {
        self.cues.extend(other.cues);
    }
}

/// The video's frames and rate, for the mix.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub fps: f64,
    pub composition_fps: f64,
    pub frames: u32,
}

/// Mixes what was `heard` and muxes it into `video` (rewritten in place, through a file in
/// `scratch`); the codec written, or `None` when there was nothing to hear.
pub fn add_to_video(
    plan: &SoundPlan,
    mut heard: Heard,
    resources: &ResourceOptions,
    timing: Timing,
    video: &Path,
    scratch: &Path,
) -> Result<Option<AudioCodec>> {
    if heard.cues.is_empty() {
        return Ok(None);
    }
    let Some(ffmpeg) = &plan.ffmpeg else {
        tracing::warn!(
            "the video has no sound: its <Audio> and <Video> elements are mixed by ffmpeg, \
             which is not on the PATH (apt-get install ffmpeg, or --ffmpeg PATH)"
        );
        return Ok(None);
    };
    // In frame order: an error names the first frame that plays the sound.
    heard.cues.sort_by_key(|(position, _, _)| *position);
    let files = source_files(&heard, resources, scratch)?;
    let cues: Vec<AudioCue> = heard
        .cues
        .into_iter()
        .map(|(position, _, media)| AudioCue {
            position,
            file: files[&media.src].clone(),
            start_frame: media.start_frame,
            trim_before: media.trim_before,
            trim_after: media.trim_after,
            playback_rate: media.playback_rate,
            looped: media.looped,
            media_time: media.media_time,
            volume: media.volume,
        })
        .collect();
    let mixed = audio::mix(
        ffmpeg,
        &cues,
        timing.fps,
        timing.composition_fps,
        timing.frames,
    );
    // A sound fetched or decoded into the scratch folder is named as the element names it.
    let mixed = mixed.map_err(|error| {
        let named = match &error {
            kinema_encode::EncodeError::Audio { file, .. } => files
                .iter()
                .find(|(_, path)| *path == file)
                .map(|(src, _)| src),
            _ => None,
        };
        let error = anyhow::Error::new(error);
        match named {
            Some(src) => error.context(format!(
                "cannot mix the sound of \"{}\"",
                kinema_paint::resources::display_src(src)
            )),
            None => error,
        }
    })?;
    let Some(samples) = mixed else {
        return Ok(None);
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

/// A file ffmpeg can open for each sound's `src`: the project's own, or the fetched or decoded
/// bytes written into `scratch`.
fn source_files(
    heard: &Heard,
    resources: &ResourceOptions,
    scratch: &Path,
) -> Result<HashMap<String, PathBuf>> {
    let loader = ResourceLoader::new(ResourceOptions {
        // Music outgrows the limit for images.
        max_bytes: 2 << 30,
        ..resources.clone()
    });
    let mut files = HashMap::new();
    for (_, frame, media) in &heard.cues {
        if files.contains_key(&media.src) {
            continue;
        }
        let shown = kinema_paint::resources::display_src(&media.src);
        let located = loader
            .locate(&media.src)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("frame {frame}: cannot load the sound of \"{shown}\""))?;
        let file = match located {
            Located::File(path) => path,
            Located::Bytes(bytes) => {
                let path = scratch.join(format!("sound-{}", files.len()));
                std::fs::write(&path, &bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                path
            }
        };
        files.insert(media.src.clone(), file);
    }
    Ok(files)
}
