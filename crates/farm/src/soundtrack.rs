//! What the frames say about sound, turned into a mix: shared by `kinema render` (one mix for
//! the whole video) and the farm (a mix per chunk, stored beside its video, laid end to end
//! by the launch). The mixing itself is [`kinema_encode::audio`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use kinema_compose::Media;
use kinema_encode::audio::{self, Mix, MixWindow, SampleBlocks};
use kinema_encode::{AudioCue, EncodeError};
use kinema_paint::media_file::{MAX_MEDIA_BYTES, MediaFile};
use kinema_paint::resources::{ResourceLoader, ResourceOptions, display_src};

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
    /// ffmpeg could not decode a sound, named as its element names it.
    #[error("frame {frame}: cannot decode the sound of \"{src}\": {log}")]
    Decode {
        frame: u32,
        src: String,
        log: String,
    },
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

impl SoundError {
    /// The first frame that plays the sound at fault, where one is.
    pub fn frame(&self) -> Option<u32> {
        match self {
            SoundError::Load { frame, .. } | SoundError::Decode { frame, .. } => Some(*frame),
            _ => None,
        }
    }
}

/// One audible element at one frame, its `src` kept once for all frames (a `data:` URL may be
/// megabytes long, and a video has thousands of frames).
#[derive(Debug, Clone, Copy)]
struct Cue {
    position: u32,
    frame: u32,
    source: usize,
    start_frame: f64,
    trim_before: f64,
    trim_after: Option<f64>,
    playback_rate: f64,
    looped: bool,
    media_time: f64,
    volume: f64,
}

/// Each audible element at each frame of the video.
#[derive(Debug, Default)]
pub struct Heard {
    sources: Vec<String>,
    source_index: HashMap<String, usize>,
    cues: Vec<Cue>,
}

impl Heard {
    /// Keeps the audible elements of the video's frame `position` (composition frame `frame`).
    pub fn add(&mut self, position: u32, frame: u32, media: &[Media]) {
        for media in media {
            if media.muted || media.volume <= 0.0 {
                continue;
            }
            let source = self.source(&media.src);
            self.cues.push(Cue {
                position,
                frame,
                source,
                start_frame: media.start_frame,
                trim_before: media.trim_before,
                trim_after: media.trim_after,
                playback_rate: media.playback_rate,
                looped: media.looped,
                media_time: media.media_time,
                volume: media.volume,
            });
        }
    }

    fn source(&mut self, src: &str) -> usize {
        if let Some(index) = self.source_index.get(src) {
            return *index;
        }
        let index = self.sources.len();
        self.sources.push(src.to_string());
        self.source_index.insert(src.to_string(), index);
        index
    }

    pub fn extend(&mut self, other: Heard) {
        for mut cue in other.cues {
            cue.source = self.source(&other.sources[cue.source]);
            self.cues.push(cue);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cues.is_empty()
    }

    /// Mixes `window` of the video (`None`: nothing audible there), a block at a time as it is
    /// read. Sounds load as images do under `resources` (fetched or decoded ones are written to
    /// files of their own, kept while the mix is); `ffmpeg` decodes them.
    pub fn mix(
        mut self,
        ffmpeg: &Path,
        resources: &ResourceOptions,
        window: MixWindow,
    ) -> Result<Option<HeardMix>, SoundError> {
        if self.cues.is_empty() {
            return Ok(None);
        }
        // In frame order: an error names the first frame that plays the sound.
        self.cues.sort_by_key(|cue| cue.position);
        let files = self.source_files(resources)?;
        let paths: Vec<Arc<Path>> = files.iter().map(|file| Arc::from(file.path())).collect();
        let sources: Vec<(u32, String)> = (0..self.sources.len())
            .map(|source| {
                (
                    self.first_frame_of(source),
                    display_src(&self.sources[source]),
                )
            })
            .collect();
        let cues: Vec<AudioCue> = std::mem::take(&mut self.cues)
            .into_iter()
            .map(|cue| AudioCue {
                position: cue.position,
                file: paths[cue.source].clone(),
                start_frame: cue.start_frame,
                trim_before: cue.trim_before,
                trim_after: cue.trim_after,
                playback_rate: cue.playback_rate,
                looped: cue.looped,
                media_time: cue.media_time,
                volume: cue.volume,
            })
            .collect();
        let named = NamedSources { files, sources };
        match audio::mix(ffmpeg, cues, window) {
            Ok(Some(mix)) => Ok(Some(HeardMix { mix, named })),
            Ok(None) => Ok(None),
            Err(error) => Err(named.explain(error)),
        }
    }

    fn first_frame_of(&self, source: usize) -> u32 {
        self.cues
            .iter()
            .find(|cue| cue.source == source)
            .map_or(0, |cue| cue.frame)
    }

    /// A file ffmpeg can open for each source, in the order of `sources`.
    fn source_files(&self, resources: &ResourceOptions) -> Result<Vec<MediaFile>, SoundError> {
        let loader = ResourceLoader::new(ResourceOptions {
            max_bytes: MAX_MEDIA_BYTES,
            ..resources.clone()
        });
        // The sound first heard first: with several that fail, the earliest is reported.
        let mut order: Vec<usize> = (0..self.sources.len()).collect();
        order.sort_by_key(|index| self.first_frame_of(*index));
        let mut files = vec![None; self.sources.len()];
        for index in order {
            let src = &self.sources[index];
            let file = loader.media_file(src).map_err(|reason| SoundError::Load {
                frame: self.first_frame_of(index),
                src: display_src(src),
                reason,
            })?;
            files[index] = Some(file);
        }
        Ok(files.into_iter().flatten().collect())
    }
}

/// The mix of what was heard, made a block at a time as it is read; its sounds' files are kept
/// until it is dropped.
pub struct HeardMix {
    mix: Mix,
    named: NamedSources,
}

impl HeardMix {
    /// `error` (from reading this mix, perhaps through the encoder it fed) as the sound at
    /// fault names it: its `src` and the first frame that plays it.
    pub fn explain(&self, error: EncodeError) -> SoundError {
        self.named.explain(error)
    }

    /// Writes the whole mix to `path` as raw samples ([`audio::to_bytes`]), a chunk's sound.
    pub fn write_raw(mut self, path: &Path) -> Result<(), SoundError> {
        self.mix.write_raw(path).map_err(|e| self.named.explain(e))
    }
}

impl SampleBlocks for HeardMix {
    fn next_block(&mut self) -> Result<Option<Vec<f32>>, EncodeError> {
        self.mix.next_block()
    }
}

/// Each source's file, and how an error names it: the first frame that plays it and its `src`.
struct NamedSources {
    files: Vec<MediaFile>,
    sources: Vec<(u32, String)>,
}

impl NamedSources {
    fn explain(&self, error: EncodeError) -> SoundError {
        match error {
            EncodeError::Audio { file, log } => {
                let source = self
                    .files
                    .iter()
                    .position(|f| f.path() == file)
                    .unwrap_or(0);
                let (frame, src) = self.sources[source].clone();
                SoundError::Decode { frame, src, log }
            }
            other => SoundError::Encode(other),
        }
    }
}
