//! What the frames say about sound, turned into a mix: shared by `kinema render` (one mix for
//! the whole video) and the farm (a mix per chunk, stored beside its video, laid end to end
//! by the launch). The mixing itself is [`kinema_encode::audio`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use kinema_compose::Media;
use kinema_encode::audio::{self, MixWindow};
use kinema_encode::{AudioCue, EncodeError};
use kinema_paint::resources::{Located, ResourceLoader, ResourceOptions, display_src};

/// Why the sound could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SoundError {
    /// A sound's `src` could not be loaded; `frame` is the first that plays it.
    #[error("frame {frame}: cannot load the sound of \"{src}\": {reason}")]
    Load {
        frame: u32,
        src: String,
        reason: String,
    },
    #[error("cannot write {path}: {reason}")]
    Write { path: PathBuf, reason: String },
    /// ffmpeg could not decode a sound (named as its element names it) or write the mix.
    #[error("cannot mix the sound of \"{src}\": {source}")]
    Decode {
        src: String,
        #[source]
        source: EncodeError,
    },
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// Each audible element at each frame of the video.
#[derive(Debug, Default)]
pub struct Heard {
    /// (frame of the video, composition frame, element).
    cues: Vec<(u32, u32, Media)>,
}

impl Heard {
    /// Keeps the audible elements of the video's frame `position` (composition frame `frame`).
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

    pub fn is_empty(&self) -> bool {
        self.cues.is_empty()
    }

    /// Mixes `window` of the video (`None`: nothing audible there). Sounds load as images do
    /// under `resources` (fetched or decoded ones are written into `scratch`); `ffmpeg`
    /// decodes them.
    pub fn mix(
        mut self,
        ffmpeg: &Path,
        resources: &ResourceOptions,
        window: MixWindow,
        scratch: &Path,
    ) -> Result<Option<Vec<f32>>, SoundError> {
        if self.cues.is_empty() {
            return Ok(None);
        }
        // In frame order: an error names the first frame that plays the sound.
        self.cues.sort_by_key(|(position, _, _)| *position);
        let files = self.source_files(resources, scratch)?;
        let cues: Vec<AudioCue> = self
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
        audio::mix(ffmpeg, &cues, window).map_err(|error| {
            let src = match &error {
                EncodeError::Audio { file, .. } => files
                    .iter()
                    .find(|(_, path)| *path == file)
                    .map(|(src, _)| display_src(src)),
                _ => None,
            };
            match src {
                Some(src) => SoundError::Decode { src, source: error },
                None => SoundError::Encode(error),
            }
        })
    }

    /// A file ffmpeg can open for each sound's `src`.
    fn source_files(
        &self,
        resources: &ResourceOptions,
        scratch: &Path,
    ) -> Result<HashMap<String, PathBuf>, SoundError> {
        let loader = ResourceLoader::new(ResourceOptions {
            // Music outgrows the limit for images.
            max_bytes: 2 << 30,
            ..resources.clone()
        });
        let mut files = HashMap::new();
        for (_, frame, media) in &self.cues {
            if files.contains_key(&media.src) {
                continue;
            }
            let located = loader
                .locate(&media.src)
                .map_err(|reason| SoundError::Load {
                    frame: *frame,
                    src: display_src(&media.src),
                    reason,
                })?;
            let file = match located {
                Located::File(path) => path,
                Located::Bytes(bytes) => {
                    let path = scratch.join(format!("sound-{}", files.len()));
                    std::fs::write(&path, &bytes).map_err(|e| SoundError::Write {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?;
                    path
                }
            };
            files.insert(media.src.clone(), file);
        }
        Ok(files)
    }
}
