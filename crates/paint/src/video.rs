//! The picture each `<Video>` and `<OffthreadVideo>` shows at a frame.
//!
//! A video element's frames step through its file `playbackRate / fps` seconds at a time from
//! its `trimBefore`: a timeline. Each timeline keeps an ffmpeg decoding ahead of it
//! ([`PictureStream`]), so a render that goes frame by frame reads each picture once; a jump
//! back, or far ahead, starts a new stream at the time wanted. Past the file's end a video
//! holds its last picture, and a `loop` starts its segment again. A picture the same as the
//! one before keeps its image, so damage tracking sees nothing to repaint.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use blitz_dom::node::RasterImageData;
use kinema_compose::tree::Media;
use kinema_encode::EncodeError;
use kinema_encode::video_input::{Picture, PictureStream};

use crate::media_file::MediaFile;
use crate::resources::{ResourceLoader, ResourceOptions};

/// How many pictures a stream decodes and drops to reach a later time before a new stream,
/// which seeks, is the cheaper way there.
const READ_ON_LIMIT: u64 = 60;

/// The videos one renderer paints, with their decoders.
pub(crate) struct VideoFrames {
    ffmpeg: PathBuf,
    loader: ResourceLoader,
    /// Each `src` as a file ffmpeg can open (a download shared with the process's other
    /// renderers, removed when the last lets go).
    files: HashMap<String, MediaFile>,
    timelines: HashMap<TimelineKey, Timeline>,
    /// The timelines the current frame showed.
    in_frame: std::collections::HashSet<TimelineKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TimelineKey {
    src: String,
    start: u64,
    step: u64,
}

struct Timeline {
    /// Seconds into the file of picture 0, and between pictures.
    start: f64,
    step: f64,
    /// The stream and the index of the picture it gives next.
    stream: Option<(PictureStream, u64)>,
    /// The picture last shown, with its index.
    shown: Option<(u64, RasterImageData)>,
    /// Pictures from `start` to the file's end, once a stream has reached it.
    length: Option<u64>,
    /// The file's last picture, once needed.
    last: Option<RasterImageData>,
}

impl VideoFrames {
    pub(crate) fn new(ffmpeg: PathBuf, resources: &ResourceOptions) -> VideoFrames {
        VideoFrames {
            ffmpeg,
            loader: ResourceLoader::new(ResourceOptions {
                max_bytes: crate::media_file::MAX_MEDIA_BYTES,
                ..resources.clone()
            }),
            files: HashMap::new(),
            timelines: HashMap::new(),
            in_frame: std::collections::HashSet::new(),
        }
    }

    /// Ends a frame: timelines it did not show stop their decoders and let go of their
    /// pictures (a video that has finished playing would otherwise keep an ffmpeg and a
    /// picture for the rest of the render; one that plays again starts a new decoder).
    pub(crate) fn finish_frame(&mut self) {
        let in_frame = std::mem::take(&mut self.in_frame);
        self.timelines.retain(|key, _| in_frame.contains(key));
    }

    /// The picture `media` shows at its frame; the error is the reason, for the caller to
    /// name the frame and `src`.
    pub(crate) fn picture(&mut self, media: &Media) -> Result<RasterImageData, String> {
        let file = self.file(&media.src)?;
        let fps = if media.fps > 0.0 { media.fps } else { 30.0 };
        let step = media.playback_rate / fps;
        let start = media.trim_before / fps;
        let key = TimelineKey {
            src: media.src.clone(),
            start: start.to_bits(),
            step: step.to_bits(),
        };
        self.in_frame.insert(key.clone());
        let timeline = self.timelines.entry(key).or_insert_with(|| Timeline {
            start,
            step,
            stream: None,
            shown: None,
            length: None,
            last: None,
        });
        let index = ((media.media_time - start) / step).round().max(0.0) as u64;
        // A loop plays up to `trimAfter`, else to the file's end (known once reached).
        let period = media
            .trim_after
            .filter(|_| media.looped)
            .map(|end| (end - media.trim_before) / media.playback_rate);
        // Whole frames, as Remotion's loop lengths are.
        let index = match period.map(f64::floor) {
            Some(period) if period >= 1.0 => index % period as u64,
            _ => index,
        };
        timeline
            .at(&self.ffmpeg, &file, index, media.looped && period.is_none())
            .map_err(|e| e.to_string())
    }

    fn file(&mut self, src: &str) -> Result<PathBuf, String> {
        if let Some(file) = self.files.get(src) {
            return Ok(file.path().to_path_buf());
        }
        let file = self.loader.media_file(src)?;
        let path = file.path().to_path_buf();
        self.files.insert(src.to_string(), file);
        Ok(path)
    }
}

impl Drop for VideoFrames {
    fn drop(&mut self) {
        // The decoders before the files they read.
        self.timelines.clear();
        self.files.clear();
    }
}

impl Timeline {
    /// Picture `index`; `wraps`: a loop whose length is the file's, found at its end.
    fn at(
        &mut self,
        ffmpeg: &Path,
        file: &Path,
        index: u64,
        wraps: bool,
    ) -> Result<RasterImageData, EncodeError> {
        let mut index = match self.length {
            Some(length) if wraps && length > 0 => index % length,
            _ => index,
        };
        loop {
            if let Some((shown, image)) = &self.shown
                && *shown == index
            {
                return Ok(image.clone());
            }
            if let Some(length) = self.length
                && index >= length
            {
                return self.last_picture(ffmpeg, file);
            }
            let reusable = self
                .stream
                .as_ref()
                .is_some_and(|(_, next)| *next <= index && index - *next <= READ_ON_LIMIT);
            let opened = !reusable;
            if opened {
                let at = self.start + index as f64 * self.step;
                self.stream = Some((PictureStream::open(ffmpeg, file, at, self.step)?, index));
            }
            let (stream, next) = self.stream.as_mut().expect("opened above");
            // The latest picture read on past, which is the file's last if it ends first.
            let mut passed = None;
            while let Some(picture) = stream.next_picture()? {
                *next += 1;
                if *next - 1 == index {
                    return Ok(self.keep(index, picture));
                }
                passed = Some(picture);
            }
            // The file ended before `index`.
            let end = *next;
            self.stream = None;
            match passed {
                Some(picture) => {
                    self.length = Some(end);
                    self.last = Some(image_of(picture));
                }
                // A stream read on from the picture shown has just reached the end.
                None if !opened => self.length = Some(end),
                // A stream that starts past the end says only that the end is earlier.
                None if end > 0 => {
                    let (length, last) = self.read_to_end(ffmpeg, file)?;
                    self.length = Some(length);
                    self.last = last.map(image_of);
                }
                None => self.length = Some(0),
            }
            if self.length == Some(0) {
                return Err(no_pictures(file));
            }
            if wraps {
                index %= self.length.unwrap_or(1);
            }
        }
    }

    /// Every picture from `start` on, decoded to count them and keep the last.
    fn read_to_end(
        &mut self,
        ffmpeg: &Path,
        file: &Path,
    ) -> Result<(u64, Option<Picture>), EncodeError> {
        let mut stream = PictureStream::open(ffmpeg, file, self.start, self.step)?;
        let (mut count, mut last) = (0, None);
        while let Some(picture) = stream.next_picture()? {
            count += 1;
            last = Some(picture);
        }
        Ok((count, last))
    }

    /// The file's last picture, shown past its end (once the end is known).
    fn last_picture(&mut self, ffmpeg: &Path, file: &Path) -> Result<RasterImageData, EncodeError> {
        if let Some(last) = &self.last {
            return Ok(last.clone());
        }
        let image = match (&self.shown, self.length) {
            (Some((index, image)), Some(length)) if index + 1 == length => image.clone(),
            _ => {
                let (_, last) = self.read_to_end(ffmpeg, file)?;
                image_of(last.ok_or_else(|| no_pictures(file))?)
            }
        };
        self.last = Some(image.clone());
        Ok(image)
    }

    /// `picture` as the image shown at `index`: the last one's, if the pixels are the same.
    fn keep(&mut self, index: u64, picture: Picture) -> RasterImageData {
        let image = match &self.shown {
            Some((_, shown))
                if shown.width == picture.width
                    && shown.height == picture.height
                    && shown.data.data() == &picture.rgba[..] =>
            {
                shown.clone()
            }
            _ => image_of(picture),
        };
        self.shown = Some((index, image.clone()));
        image
    }
}

fn no_pictures(file: &Path) -> EncodeError {
    EncodeError::Video {
        file: file.to_path_buf(),
        log: "it has no pictures".into(),
    }
}

fn image_of(picture: Picture) -> RasterImageData {
    RasterImageData::new(picture.width, picture.height, Arc::new(picture.rgba))
}
