//! A video file's pictures, decoded by ffmpeg, for painting `<Video>` and `<OffthreadVideo>`.
//!
//! A [`PictureStream`] reads the pictures showing at evenly spaced media times (a composition's
//! frames, times the playback rate) from one place in a file onwards: ffmpeg's `fps` filter
//! picks, for each time, the picture on screen then, and writes it as a PAM image (a short text
//! header with its size, then RGBA bytes) to a pipe. Reading on is cheap; going back means a
//! new stream.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;

use crate::audio::{last_lines, media_input};
use crate::ffmpeg::EncodeError;

/// One decoded picture: straight RGBA, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// The pictures at `start`, `start + step`, `start + 2 step`, … seconds of a file.
pub struct PictureStream {
    child: Child,
    stdout: BufReader<ChildStdout>,
    stderr: Option<JoinHandle<String>>,
    file: PathBuf,
}

/// Pictures larger than this (8K and a little more) are refused rather than allocated.
const MAX_PIXELS: u64 = 8192 * 8192;

/// How much earlier than asked a stream seeks (longer than any picture is on screen, at 1 fps
/// or more).
const PREROLL_SECONDS: f64 = 1.0;

impl PictureStream {
    /// Starts decoding `file`'s first video stream at `start` seconds, one picture every
    /// `step` seconds of media time.
    pub fn open(
        ffmpeg: &Path,
        file: &Path,
        start: f64,
        step: f64,
    ) -> Result<PictureStream, EncodeError> {
        // ffmpeg's exact seek drops a picture that went on screen just before the seek point,
        // so seek a little earlier and let the `fps` filter start at `start` itself: a stream
        // opened anywhere shows what one read from the beginning shows there.
        let seek = (start - PREROLL_SECONDS).max(0.0);
        let mut seek_args = Vec::new();
        if seek > 0.0 {
            seek_args = vec!["-ss".to_string(), format!("{seek:.6}")];
        }
        // Each time takes the picture on screen then (`round=up`: a picture counts from the
        // first time at or after its own). The start is a hair early, so that rounding it up
        // to the filter's time base cannot skip a time; the rate is the inverse of the step,
        // as ffmpeg reads a decimal rate.
        let filter = format!(
            "fps=fps={}:start_time={:.6}:round=up,format=rgba",
            1.0 / step,
            (start - seek - 1e-6).max(0.0)
        );
        let seek_args: Vec<&str> = seek_args.iter().map(String::as_str).collect();
        PictureStream::spawn(ffmpeg, file, &seek_args, &filter)
    }

    fn spawn(
        ffmpeg: &Path,
        file: &Path,
        seek: &[&str],
        filter: &str,
    ) -> Result<PictureStream, EncodeError> {
        let mut command = Command::new(ffmpeg);
        // One decoding thread: each render thread has its decoders, and the render threads
        // already share the cores (ffmpeg's own choice held ~20 MB more at 1080p).
        command
            .args(["-v", "error", "-nostdin", "-threads", "1"])
            .args(seek);
        media_input(&mut command, file);
        command.args(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf", filter]);
        command.args(["-f", "image2pipe", "-c:v", "pam", "pipe:1"]);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(EncodeError::ffmpeg_missing(ffmpeg))?;
        let stdout = child.stdout.take().expect("piped");
        // A picture is megabytes: a wide pipe takes it in a few wake-ups, not a hundred.
        crate::ffmpeg::widen_pipe(&stdout);
        let stdout = BufReader::with_capacity(1 << 20, stdout);
        let mut stderr = child.stderr.take().expect("piped");
        // Read the log as it comes, so that a chatty ffmpeg never blocks on a full pipe.
        let stderr = std::thread::spawn(move || {
            let mut log = String::new();
            let _ = stderr.read_to_string(&mut log);
            log
        });
        Ok(PictureStream {
            child,
            stdout,
            stderr: Some(stderr),
            file: file.to_path_buf(),
        })
    }

    /// The next picture; `None` once the file has no more.
    pub fn next_picture(&mut self) -> Result<Option<Picture>, EncodeError> {
        match read_pam(&mut self.stdout) {
            Ok(Some(picture)) => Ok(Some(picture)),
            Ok(None) => {
                let status = self.child.wait();
                let log = self.log();
                match status {
                    Ok(status) if status.success() => Ok(None),
                    _ => Err(self.error(if log.is_empty() {
                        "ffmpeg stopped without a message".into()
                    } else {
                        log
                    })),
                }
            }
            Err(reason) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let log = self.log();
                Err(self.error(if log.is_empty() { reason } else { log }))
            }
        }
    }

    fn log(&mut self) -> String {
        let log = self
            .stderr
            .take()
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default();
        last_lines(log.trim())
    }

    fn error(&self, log: String) -> EncodeError {
        EncodeError::Video {
            file: self.file.clone(),
            log,
        }
    }
}

impl Drop for PictureStream {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One PAM image from `reader`, or `None` at its end.
fn read_pam(reader: &mut impl BufRead) -> Result<Option<Picture>, String> {
    let (mut width, mut height, mut depth, mut max) = (0u64, 0u64, 0u64, 0u64);
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| format!("reading ffmpeg's pictures failed: {e}"))?;
        if read == 0 {
            return if first {
                Ok(None)
            } else {
                Err("ffmpeg's picture ended inside its header".into())
            };
        }
        let text = line.trim();
        if first {
            if text != "P7" {
                return Err(format!("ffmpeg wrote {text:?} where a PAM picture starts"));
            }
            first = false;
            continue;
        }
        let (key, value) = text.split_once(' ').unwrap_or((text, ""));
        let number = || value.trim().parse::<u64>().unwrap_or(0);
        match key {
            "WIDTH" => width = number(),
            "HEIGHT" => height = number(),
            "DEPTH" => depth = number(),
            "MAXVAL" => max = number(),
            "ENDHDR" => break,
            _ => {}
        }
    }
    let pixels = width.saturating_mul(height);
    if depth != 4 || max != 255 || pixels == 0 || pixels > MAX_PIXELS {
        return Err(format!(
            "ffmpeg wrote a {width}x{height} picture of depth {depth} and maximum {max}, not RGBA"
        ));
    }
    let mut rgba = vec![0; (width * height * 4) as usize];
    reader
        .read_exact(&mut rgba)
        .map_err(|e| format!("ffmpeg's picture ended early: {e}"))?;
    Ok(Some(Picture {
        width: width as u32,
        height: height as u32,
        rgba,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pam_pictures_are_read_one_after_another() {
        let mut bytes = Vec::new();
        for value in [10u8, 20] {
            bytes.extend_from_slice(
                b"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n",
            );
            bytes.extend_from_slice(&[value; 8]);
        }
        let mut reader = &bytes[..];
        let first = read_pam(&mut reader).unwrap().unwrap();
        assert_eq!((first.width, first.height, first.rgba), (2, 1, vec![10; 8]));
        assert_eq!(read_pam(&mut reader).unwrap().unwrap().rgba, vec![20; 8]);
        assert_eq!(read_pam(&mut reader).unwrap(), None);
    }

    #[test]
    fn bad_pictures_are_errors() {
        for bytes in [
            &b"P6\n2 1\n255\n"[..],
            b"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nENDHDR\n",
            b"P7\nWIDTH 100000\nHEIGHT 100000\nDEPTH 4\nMAXVAL 255\nENDHDR\n",
            b"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nENDHDR\n\x01\x02",
            b"P7\nWIDTH 2\n",
        ] {
            assert!(read_pam(&mut &bytes[..]).is_err(), "{bytes:?}");
        }
    }
}
