//! The mix: every element heard, at every frame of the video, added up into one track.
//!
//! Each element's file is decoded once with ffmpeg (the span its cues need, as 48 kHz stereo
//! floats; `playbackRate` through ffmpeg's `atempo`, which keeps the pitch, as browsers do)
//! into a file of its own, then the track is made ten seconds at a time: each frame's samples
//! are read from the element's file, scaled by the volume and added to where that frame sits in
//! the video. Only one block of the track is in memory at once, so an hour of sound takes the
//! memory ten seconds do (a whole hour's mix had been 1.4 GB, and a decoded hour-long file as
//! much again). The decoded files are on disk, in a private folder of the temporary folder, each
//! only while its element plays: 0.38 MB per second of each element's span (where that folder
//! is a tmpfs, that is memory, outside Kinema's own).
//!
//! Frames that follow on in the same element read on where the previous frame stopped, so a
//! sound plays seamlessly rather than being cut into frame-long pieces rounded to whole
//! samples; the volume ramps from one frame's value to the next instead of stepping. The blocks
//! change nothing: the track is the same whatever their length.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{
    CHANNELS, SAMPLE_RATE, SampleBlocks, Silence, atempo_chain, extend_from_bytes, last_lines,
    media_input,
};
use crate::EncodeError;

/// How much of the video one block of the track covers: ten seconds are 3.8 MB of samples.
const BLOCK_SECONDS: f64 = 10.0;

/// One element heard at one frame of the video.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioCue {
    /// The frame of the video (0 is its first).
    pub position: u32,
    /// The media file, as ffmpeg opens it (shared: an element has a cue per frame).
    pub file: Arc<Path>,
    /// What tells this element from another playing the same file: the composition frame of
    /// its own frame 0, and its `trimBefore`, `trimAfter`, `playbackRate` and `loop`.
    pub start_frame: f64,
    pub trim_before: f64,
    pub trim_after: Option<f64>,
    pub playback_rate: f64,
    pub looped: bool,
    /// Seconds into the file to play from at this frame (before looping wraps it).
    pub media_time: f64,
    pub volume: f64,
}

type ElementKey = (Arc<Path>, u64, u64, Option<u64>, u64, bool);

fn element_key(cue: &AudioCue) -> ElementKey {
    (
        cue.file.clone(),
        cue.start_frame.to_bits(),
        cue.trim_before.to_bits(),
        cue.trim_after.map(f64::to_bits),
        cue.playback_rate.to_bits(),
        cue.looped,
    )
}

/// The frames of the video a mix covers, at what rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MixWindow {
    /// The video's frame rate.
    pub fps: f64,
    /// The composition's, which turns `trimBefore` and `trimAfter` into seconds.
    pub composition_fps: f64,
    /// The first frame of the video the mix starts at (a chunk's), and how many it covers.
    pub first: u32,
    pub frames: u32,
}

impl MixWindow {
    fn end(&self) -> u32 {
        self.first.saturating_add(self.frames)
    }
}

/// The first sample of frame `position` of a video at `fps`.
pub fn sample_at(position: u32, fps: f64) -> usize {
    (f64::from(position) * f64::from(SAMPLE_RATE) / fps).round() as usize
}

/// Mixes `cues` into interleaved stereo samples for `window` of the video (cues outside it are
/// left out), given a block at a time; `None` when nothing is audible (no cues, or only files
/// without sound). `ffmpeg` decodes the files. Windows that follow each other mix to samples
/// that follow each other: a video's mix is its chunks' mixes end to end.
pub fn mix(
    ffmpeg: &Path,
    cues: Vec<AudioCue>,
    window: MixWindow,
) -> Result<Option<Mix>, EncodeError> {
    let block_frames = (BLOCK_SECONDS * window.fps).ceil().max(1.0) as u32;
    mix_in_blocks(ffmpeg, cues, window, block_frames)
}

/// [`mix`] with blocks of `block_frames` frames of the video (which change nothing but how much
/// is held at once).
pub fn mix_in_blocks(
    ffmpeg: &Path,
    cues: Vec<AudioCue>,
    window: MixWindow,
    block_frames: u32,
) -> Result<Option<Mix>, EncodeError> {
    let range = window.first..window.end();
    let mut elements: HashMap<ElementKey, Element> = HashMap::new();
    for cue in cues {
        if cue.volume > 0.0 && range.contains(&cue.position) {
            elements
                .entry(element_key(&cue))
                .or_default()
                .cues
                .push(cue);
        }
    }
    if elements.is_empty() {
        return Ok(None);
    }
    let mut elements: Vec<Element> = elements.into_values().collect();
    for element in &mut elements {
        element.cues.sort_by(|a, b| {
            (a.position, a.media_time)
                .partial_cmp(&(b.position, b.media_time))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    // A fixed order, so that the sums (and the file) come out the same every time.
    elements.sort_by(|a, b| {
        let (a, b) = (&a.cues[0], &b.cues[0]);
        (element_key(a), a.position).cmp(&(element_key(b), b.position))
    });
    let mut mix = Mix {
        ffmpeg: ffmpeg.to_path_buf(),
        window,
        block_frames: block_frames.max(1),
        elements,
        next_frame: window.first,
        heard: false,
        silence: Silence::of(0),
        held: None,
        scratch: Scratch::new()?,
    };
    // The blocks before the first one heard are silence, given as such; where nothing is ever
    // heard, there is no track at all.
    while mix.next_frame < window.end() {
        let block = mix.mix_block()?;
        if mix.heard {
            mix.held = Some(block);
            return Ok(Some(mix));
        }
        mix.silence = Silence::of(mix.silence.left() + block.len());
    }
    Ok(None)
}

/// A window's mix, made a block at a time as it is read (see [`SampleBlocks`]).
pub struct Mix {
    ffmpeg: PathBuf,
    window: MixWindow,
    block_frames: u32,
    /// The elements still to play, in the order their samples are added.
    elements: Vec<Element>,
    /// The first frame of the video not mixed yet.
    next_frame: u32,
    /// Whether any element has had sound.
    heard: bool,
    /// Silence to give before `held`: the blocks before the first heard one.
    silence: Silence,
    held: Option<Vec<f32>>,
    scratch: Scratch,
}

impl Mix {
    fn mix_block(&mut self) -> Result<Vec<f32>, EncodeError> {
        let first = self.next_frame;
        let last = first
            .saturating_add(self.block_frames)
            .min(self.window.end());
        let base = sample_at(first, self.window.fps);
        let mut out = vec![0.0f32; (sample_at(last, self.window.fps) - base) * CHANNELS];
        for element in &mut self.elements {
            let place = Place {
                ffmpeg: &self.ffmpeg,
                scratch: &self.scratch,
                window: self.window,
                last,
                base,
            };
            self.heard |= element.play(&place, &mut out)?;
        }
        self.elements.retain(|element| !element.finished());
        self.next_frame = last;
        Ok(out)
    }
}

impl SampleBlocks for Mix {
    fn next_block(&mut self) -> Result<Option<Vec<f32>>, EncodeError> {
        if let Some(block) = self.silence.next_block()? {
            return Ok(Some(block));
        }
        if let Some(block) = self.held.take() {
            return Ok(Some(block));
        }
        if self.next_frame >= self.window.end() {
            return Ok(None);
        }
        self.mix_block().map(Some)
    }
}

/// One element's cues, all of one file at one rate, and where it is in them.
#[derive(Default)]
struct Element {
    cues: Vec<AudioCue>,
    /// The first cue not mixed yet.
    next: usize,
    /// The sample of `source` the previous cue stopped at.
    read: usize,
    /// Decoded when its first cue is mixed, dropped (and its file removed) after its last.
    source: Option<Decoded>,
    /// Samples read from `source` and their bytes, kept to save allocations per frame.
    piece: Vec<f32>,
    bytes: Vec<u8>,
}

/// Where a block is mixed: up to frame `last` of `window`, from the video's sample `base`.
struct Place<'a> {
    ffmpeg: &'a Path,
    scratch: &'a Scratch,
    window: MixWindow,
    last: u32,
    base: usize,
}

impl Element {
    fn finished(&self) -> bool {
        self.next >= self.cues.len()
    }

    /// Adds the element's cues before `place.last` to `out` (whose first sample is the video's
    /// `place.base`); whether its file was decoded here and had sound.
    fn play(&mut self, place: &Place, out: &mut [f32]) -> Result<bool, EncodeError> {
        let (window, last, base) = (place.window, place.last, place.base);
        if self.finished() || self.cues[self.next].position >= last {
            return Ok(false);
        }
        let mut decoded_here = false;
        if self.source.is_none() {
            match Decoded::new(place.ffmpeg, place.scratch, &self.cues, window)? {
                Some(source) => self.source = Some(source),
                None => {
                    // Silent: a video without a sound track, or a span past the file's end.
                    self.next = self.cues.len();
                    return Ok(false);
                }
            }
            decoded_here = true;
        }
        let Some(source) = &self.source else {
            return Ok(false);
        };
        let fps = window.fps;
        let rate = source.rate;
        let frames_out = out.len() / CHANNELS;
        while self.next < self.cues.len() && self.cues[self.next].position < last {
            let index = self.next;
            let cue = &self.cues[index];
            let continues = index.checked_sub(1).is_some_and(|previous| {
                let p = &self.cues[previous];
                p.position + 1 == cue.position
                    && (p.media_time + rate / fps - cue.media_time).abs()
                        < 0.5 / f64::from(SAMPLE_RATE)
            });
            if !continues {
                self.read = source.offset_of(cue.media_time);
            }
            let from = (sample_at(cue.position, fps) - base).min(frames_out);
            let to = (sample_at(cue.position + 1, fps) - base).min(frames_out);
            let next_volume = self
                .cues
                .get(index + 1)
                .filter(|next| next.position == cue.position + 1)
                .map_or(cue.volume, |next| next.volume);
            let length = (to - from).max(1) as f64;
            let mut at = from;
            while at < to {
                if self.read >= source.available {
                    if !source.looped {
                        break;
                    }
                    self.read = 0;
                }
                let run = (to - at).min(source.available - self.read);
                source.read(self.read, run, &mut self.bytes, &mut self.piece)?;
                for (offset, pair) in self.piece.chunks_exact(CHANNELS).enumerate() {
                    let step = at + offset - from;
                    let volume =
                        (cue.volume + (next_volume - cue.volume) * step as f64 / length) as f32;
                    let sample = (at + offset) * CHANNELS;
                    for (channel, value) in pair.iter().enumerate() {
                        out[sample + channel] += value * volume;
                    }
                }
                at += run;
                self.read += run;
            }
            self.next += 1;
        }
        if self.finished() {
            self.source = None;
        }
        Ok(decoded_here)
    }
}

/// An element's span of its file, decoded to raw samples in a file of its own.
struct Decoded {
    file: File,
    path: PathBuf,
    /// Seconds into the media file the samples start at.
    start: f64,
    rate: f64,
    looped: bool,
    /// Samples (per channel) there are to play: a loop's whole frames, else the file's.
    available: usize,
}

impl Decoded {
    fn new(
        ffmpeg: &Path,
        scratch: &Scratch,
        cues: &[AudioCue],
        window: MixWindow,
    ) -> Result<Option<Decoded>, EncodeError> {
        let (fps, composition_fps) = (window.fps, window.composition_fps);
        let first = &cues[0];
        let rate = first.playback_rate;
        // The span of the file to decode: a loop's whole segment, else what the cues reach.
        let (start, duration) = if first.looped {
            let start = first.trim_before / composition_fps;
            (
                start,
                first.trim_after.map(|end| end / composition_fps - start),
            )
        } else {
            let (low, high) = cues.iter().fold((f64::MAX, f64::MIN), |(lo, hi), c| {
                (lo.min(c.media_time), hi.max(c.media_time))
            });
            // One frame's worth past the last cue, and a little for rounding.
            (low, Some(high - low + rate / fps + 0.05))
        };
        let path = scratch.next_file();
        decode(ffmpeg, &first.file, start, duration, rate, &path)?;
        let io_error = |e: std::io::Error| EncodeError::Io {
            path: path.clone(),
            reason: e.to_string(),
        };
        let file = match File::open(&path) {
            Ok(file) => file,
            // A file without sound leaves nothing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(e)),
        };
        let bytes = file.metadata().map_err(io_error)?.len() as usize;
        let mut available = bytes / (CHANNELS * 4);
        if first.looped
            && let Some(end) = first.trim_after
        {
            // A loop lasts whole frames of the composition, as Remotion's do.
            let frames = ((end - first.trim_before) / rate).floor().max(1.0);
            available =
                available.min((frames / composition_fps * f64::from(SAMPLE_RATE)).round() as usize);
        }
        let decoded = Decoded {
            file,
            path,
            start,
            rate,
            looped: first.looped,
            available,
        };
        // Dropping it removes the file.
        Ok((available > 0).then_some(decoded))
    }

    /// Where `media_time` is in the samples, which start at `start` and play `rate` times as
    /// fast; a loop wraps around its segment.
    fn offset_of(&self, media_time: f64) -> usize {
        let at = ((media_time - self.start) / self.rate * f64::from(SAMPLE_RATE))
            .round()
            .max(0.0) as usize;
        if self.looped { at % self.available } else { at }
    }

    /// Samples `at..at + count` (per channel, within `available`) into `piece`, through
    /// `bytes`.
    fn read(
        &self,
        at: usize,
        count: usize,
        bytes: &mut Vec<u8>,
        piece: &mut Vec<f32>,
    ) -> Result<(), EncodeError> {
        bytes.resize(count * CHANNELS * 4, 0);
        self.file
            .read_exact_at(bytes, (at * CHANNELS * 4) as u64)
            .map_err(|e| EncodeError::Io {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        piece.clear();
        extend_from_bytes(piece, bytes);
        Ok(())
    }
}

impl Drop for Decoded {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Decodes `duration` seconds of `file` (to its end for `None`) from `start`, played at `rate`,
/// into `output` as raw interleaved 48 kHz stereo floats; no file when `file` has no sound.
fn decode(
    ffmpeg: &Path,
    file: &Path,
    start: f64,
    duration: Option<f64>,
    rate: f64,
    output: &Path,
) -> Result<(), EncodeError> {
    let mut command = Command::new(ffmpeg);
    command.args(["-v", "error", "-nostdin", "-y"]);
    if start > 0.0 {
        command.args(["-ss", &format!("{start:.6}")]);
    }
    if let Some(duration) = duration {
        command.args(["-t", &format!("{:.6}", duration.max(0.001))]);
    }
    media_input(&mut command, file);
    // The first audio stream, if there is one (`?`: a silent video is not an error).
    command.args(["-map", "0:a:0?", "-vn"]);
    if let Some(filter) = atempo_chain(rate) {
        command.args(["-af", &filter]);
    }
    command.args(super::raw_samples()).arg(output);
    let result = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(EncodeError::ffmpeg_missing(ffmpeg))?;
    let log = String::from_utf8_lossy(&result.stderr).trim().to_string();
    if !result.status.success() {
        let _ = std::fs::remove_file(output);
        // A file without sound leaves ffmpeg nothing to write.
        if log.contains("does not contain any stream") {
            return Ok(());
        }
        return Err(EncodeError::Audio {
            file: file.to_path_buf(),
            log: last_lines(&log),
        });
    }
    Ok(())
}

/// A folder for the decoded elements of one mix, removed with it.
struct Scratch {
    folder: PathBuf,
    files: AtomicUsize,
}

impl Scratch {
    /// A new folder of the temporary folder that only this user can enter: one made here, never
    /// one that was there (whose files ffmpeg, which overwrites, could be made to write through
    /// links placed in it).
    fn new() -> Result<Scratch, EncodeError> {
        use std::os::unix::fs::DirBuilderExt as _;
        static MIXES: AtomicUsize = AtomicUsize::new(0);
        let mut attempt = 0u32;
        loop {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let folder = std::env::temp_dir().join(format!(
                "kinema-mix-{}-{}-{nanos:08x}",
                std::process::id(),
                MIXES.fetch_add(1, Ordering::Relaxed)
            ));
            match std::fs::DirBuilder::new().mode(0o700).create(&folder) {
                Ok(()) => {
                    return Ok(Scratch {
                        folder,
                        files: AtomicUsize::new(0),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => {
                    attempt += 1;
                }
                Err(e) => {
                    return Err(EncodeError::Io {
                        path: folder,
                        reason: e.to_string(),
                    });
                }
            }
        }
    }

    fn next_file(&self) -> PathBuf {
        let index = self.files.fetch_add(1, Ordering::Relaxed);
        self.folder.join(format!("{index}.f32"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}
