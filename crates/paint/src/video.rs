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
use std::sync::atomic::{AtomicU64, Ordering};

use blitz_dom::node::RasterImageData;
use kinema_compose::tree::Media;
use kinema_encode::video_input::{Picture, PictureStream, last_picture};

use crate::resources::{Located, ResourceLoader, ResourceOptions};

/// The largest video file read or downloaded, as for sounds.
const MAX_VIDEO_BYTES: u64 = 2 << 30;

/// How many pictures a stream decodes and drops to reach a later time before a new stream,
/// which seeks, is the cheaper way there.
const READ_ON_LIMIT: u64 = 60;

/// Downloaded videos' files, unique in the process.
static NEXT_DOWNLOAD: AtomicU64 = AtomicU64::new(0);

/// The videos one renderer paints, with their decoders.
pub(crate) struct VideoFrames {
    ffmpeg: PathBuf,
    loader: ResourceLoader,
    /// Each `src` as a file ffmpeg can open.
    files: HashMap<String, PathBuf>,
    /// Files written for downloaded videos, removed with the renderer.
    downloads: Vec<PathBuf>,
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
                max_bytes: MAX_VIDEO_BYTES,
                ..resources.clone()
            }),
            files: HashMap::new(),
            downloads: Vec::new(),
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
        let index = match period {
            Some(period) if period >= 1.0 => (index as f64 % period).floor() as u64,
            _ => index,
        };
        timeline
            .at(&self.ffmpeg, &file, index, media.looped && period.is_none())
            .map_err(|e| e.to_string())
    }

    fn file(&mut self, src: &str) -> Result<PathBuf, String> {
        if let Some(path) = self.files.get(src) {
            return Ok(path.clone());
        }
        let path = match self.loader.locate(src)? {
            Located::File(path) => path,
            Located::Bytes(bytes) => {
                let path = std::env::temp_dir().join(format!(
                    "kinema-video-{}-{}",
                    std::process::id(),
                    NEXT_DOWNLOAD.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::write(&path, &bytes)
                    .map_err(|e| format!("cannot write it to {}: {e}", path.display()))?;
                self.downloads.push(path.clone());
                path
            }
        };
        self.files.insert(src.to_string(), path.clone());
        Ok(path)
    }
}

impl Drop for VideoFrames {
    fn drop(&mut self) {
        // Streams first: ffmpeg may hold the downloads open.
        self.timelines.clear();
        for path in &self.downloads {
            let _ = std::fs::remove_file(path);
        }
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
    ) -> Result<RasterImageData, kinema_encode::EncodeError> {
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
            if !reusable {
                let at = self.start + index as f64 * self.step;
                self.stream = Some((PictureStream::open(ffmpeg, file, at, self.step)?, index));
            }
            let (stream, next) = self.stream.as_mut().expect("opened above");
            let started_at = *next;
            let mut found = None;
            while let Some(picture) = stream.next_picture()? {
                *next += 1;
                if *next - 1 == index {
                    found = Some(picture);
                    break;
                }
            }
            if let Some(picture) = found {
                let image = self.keep(index, picture);
                return Ok(image);
            }
            // The file ended before `index`.
            let end = *next;
            self.stream = None;
            if end == started_at && started_at > 0 {
                // A stream that starts past the end says only that the end is earlier.
                self.length = Some(self.count(ffmpeg, file)?);
            } else {
                self.length = Some(end);
            }
            let length = self.length.unwrap_or(0);
            if length == 0 {
                return Err(kinema_encode::EncodeError::Video {
                    file: file.to_path_buf(),
                    log: "it has no pictures".into(),
                });
            }
            if wraps {
                index %= length;
            }
        }
    }

    /// Pictures from `start` to the file's end, counted by decoding them.
    fn count(&mut self, ffmpeg: &Path, file: &Path) -> Result<u64, kinema_encode::EncodeError> {
        let mut stream = PictureStream::open(ffmpeg, file, self.start, self.step)?;
        let mut count = 0;
        while stream.next_picture()?.is_some() {
            count += 1;
        }
        Ok(count)
    }

    fn last_picture(
        &mut self,
        ffmpeg: &Path,
        file: &Path,
    ) -> Result<RasterImageData, kinema_encode::EncodeError> {
        if let Some(last) = &self.last {
            return Ok(last.clone());
        }
        let image = match (&self.shown, self.length) {
            (Some((index, image)), Some(length)) if index + 1 == length => image.clone(),
            _ => {
                let picture = last_picture(ffmpeg, file)?.ok_or_else(|| {
                    kinema_encode::EncodeError::Video {
                        file: file.to_path_buf(),
                        log: "it has no pictures".into(),
                    }
                })?;
                image_of(picture)
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

fn image_of(picture: Picture) -> RasterImageData {
    RasterImageData::new(picture.width, picture.height, Arc::new(picture.rgba))
}
