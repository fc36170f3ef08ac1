//! Joining ffmpeg's chunks without re-encoding.
//!
//! - H.264 and H.265 chunks are MPEG-TS files whose timestamps already continue from one to the
//!   next ([`crate::FfmpegEncoder::start_chunk`]), so joining is byte concatenation (ffmpeg's
//!   `concat:` protocol) remuxed into the output. Frames, B-frame order and timestamps are
//!   copied untouched.
//! - VP8/VP9 (WebM) and ProRes (QuickTime) chunks each start at zero; ffmpeg's concat demuxer
//!   places each after the previous one, using the exact duration we give it.
//! - GIF chunks are lossless RGB H.264; the GIF is made once from all of them, with one palette
//!   for the whole animation.
//!
//! MP4 and QuickTime outputs get `faststart` (the index before the media) so they play while
//! downloading.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codec::Codec;
use crate::encoder::ChunkFile;
use crate::ffmpeg::{EncodeError, VideoSettings, is_mp4_family, succeeded, tail, wrote_something};
use crate::ts_delay::first_frame_delay;

/// Join `chunks` (in order) into `output` with ffmpeg.
pub fn stitch_chunks(
    ffmpeg: &Path,
    settings: &VideoSettings,
    chunks: &[ChunkFile],
    output: &Path,
) -> Result<(), EncodeError> {
    // A relative program path (`bin/ffmpeg`) would be looked up from the chunks' folder below.
    let ffmpeg = match ffmpeg.components().count() > 1 && ffmpeg.is_relative() {
        true => std::path::absolute(ffmpeg).unwrap_or_else(|_| ffmpeg.to_path_buf()),
        false => ffmpeg.to_path_buf(),
    };
    let mut command = Command::new(&ffmpeg);
    command.args(["-hide_banner", "-loglevel", "error", "-y"]);
    // ffmpeg runs in the chunks' folder and names them by file name: the concat demuxer reads
    // a list's paths relative to the list, not to ffmpeg's folder, and the concat protocol
    // splits at '|', which the folder (named after the output) may hold.
    let (folder, names) = chunk_names(chunks)?;
    if let Some(folder) = &folder {
        command.current_dir(folder);
    }
    let output = std::path::absolute(output).map_err(|e| EncodeError::Setting {
        field: "output",
        reason: format!("cannot resolve {}: {e}", output.display()),
    })?;
    let mut list_file = None;
    if settings.codec.chunks_are_transport_stream() {
        if let Some(name) = names.iter().find(|n| n.contains('|')) {
            return Err(EncodeError::Setting {
                field: "chunks",
                reason: format!("chunk path {name} contains '|'"),
            });
        }
        let input = format!("concat:{}", names.join("|"));
        // Named, not guessed: ffmpeg 5 does not recognise a chunk of one or two small frames
        // as MPEG-TS ("could not find codec parameters").
        command.args(["-f", "mpegts", "-i", &input]);
        // The chunks' own timestamps, shifted to start at zero: without `-copyts` ffmpeg takes
        // a decode timestamp that steps back by more than 0.1 s (a chunk with B-frames after a
        // chunk of one or two frames, at a low frame rate) for a broken stream, and moves all
        // that follows.
        command.args(["-copyts", "-start_at_zero"]);
        if let Some(filter) = even_decode_delays(chunks) {
            command.args(["-bsf:v", &filter]);
        }
    } else {
        // Named after the first chunk, which belongs to this join alone: other joins may use
        // the same folder at the same time.
        let list_name = format!(
            "{}.concat.txt",
            names[0].rsplit('/').next().unwrap_or("chunks")
        );
        let list = chunks[0].path.with_file_name(&list_name);
        std::fs::write(&list, concat_list(chunks, &names, settings.fps)).map_err(|e| {
            EncodeError::Setting {
                field: "chunks",
                reason: format!("cannot write {}: {e}", list.display()),
            }
        })?;
        let list_name = match &folder {
            Some(_) => PathBuf::from(&list_name),
            None => std::path::absolute(&list).unwrap_or_else(|_| list.clone()),
        };
        command
            .args(["-f", "concat", "-safe", "0", "-i"])
            .arg(list_name);
        list_file = Some(list);
    }
    command.args(["-map", "0:v"]);
    if settings.codec == Codec::Gif {
        command.args([
            "-filter_complex",
            "[0:v]split[a][b];[a]palettegen=stats_mode=full[p];[b][p]paletteuse=dither=sierra2_4a",
            "-loop",
        ]);
        // ffmpeg's -loop: 0 for ever, -1 once, N again N times (Remotion's null, 0 and N).
        command.arg(match settings.gif_loops {
            None => "0".to_string(),
            Some(0) => "-1".to_string(),
            Some(n) => n.to_string(),
        });
    } else {
        command.args(["-c", "copy"]);
        command.args(settings.metadata_args());
        if is_mp4_family(&output) {
            command.args(["-movflags", "+faststart"]);
            if settings.codec == Codec::H265 {
                command.args(["-tag:v", "hvc1"]);
            }
        }
    }
    let result = command.arg(&output).output();
    if let Some(list) = list_file {
        let _ = std::fs::remove_file(list);
    }
    let result = result.map_err(EncodeError::ffmpeg_missing(&ffmpeg))?;
    let log = String::from_utf8_lossy(&result.stderr);
    if !succeeded(result.status, &log) {
        return Err(EncodeError::Join {
            output,
            log: tail(&log),
        });
    }
    if !wrote_something(&output) {
        return Err(EncodeError::Join {
            output,
            log: "it exited without an error but wrote nothing".into(),
        });
    }
    Ok(())
}

/// A `setts` bitstream filter moving the decode timestamps of chunks with less decode delay
/// than the others (chunks of one or two frames: see [`crate::ts_delay`]) earlier by the
/// difference, so that decode timestamps run on one frame at a time across the joins; `None`
/// when every chunk has the same delay, or one cannot be read (ffmpeg then reports the chunk).
fn even_decode_delays(chunks: &[ChunkFile]) -> Option<String> {
    use std::io::Read as _;
    // The first video frame follows the stream's tables within the first few packets.
    const HEAD: u64 = 16 * 1024;
    let mut delays = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        let mut head = Vec::new();
        let read =
            std::fs::File::open(&chunk.path).and_then(|f| f.take(HEAD).read_to_end(&mut head));
        let delay = read.ok().and_then(|_| first_frame_delay(&head));
        let Some(delay) = delay else {
            tracing::warn!(chunk = %chunk.path.display(), "cannot read the chunk's timestamps");
            return None;
        };
        delays.push(delay);
    }
    let most = delays.iter().copied().max()?;
    // Packets are frames, in decode order: chunk i's are N = its first frame .. its last.
    let mut first = 0;
    let mut shifts = Vec::new();
    for (chunk, delay) in chunks.iter().zip(delays) {
        let last = first + chunk.frames.max(1) - 1;
        if delay < most {
            // Commas are escaped: ffmpeg splits a list of bitstream filters at them.
            // The delay is in MPEG-TS's 90 kHz ticks; `TB` is the packets' time base.
            shifts.push(format!(
                "between(N\\,{first}\\,{last})*{}/(90000*TB)",
                most - delay
            ));
        }
        first = last + 1;
    }
    // `pts=PTS` is spelled out: without it ffmpeg 5.1's setts sets PTS to the new DTS.
    (!shifts.is_empty()).then(|| format!("setts=pts=PTS:dts=DTS-({})", shifts.join("+")))
}

/// The folder ffmpeg should run in and what it calls each chunk there: their shared folder
/// and file names, or (chunks in different folders) no folder and absolute paths.
fn chunk_names(chunks: &[ChunkFile]) -> Result<(Option<PathBuf>, Vec<String>), EncodeError> {
    let folder = chunks[0]
        .path
        .parent()
        .filter(|f| chunks.iter().all(|c| c.path.parent() == Some(*f)));
    let absolute = |path: &Path| {
        std::path::absolute(path).map_err(|e| EncodeError::Setting {
            field: "chunks",
            reason: format!("cannot resolve {}: {e}", path.display()),
        })
    };
    match folder {
        Some(folder) => {
            let folder = absolute(if folder.as_os_str().is_empty() {
                Path::new(".")
            } else {
                folder
            })?;
            let names = chunks
                .iter()
                .map(|c| {
                    c.path
                        .file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                })
                .collect();
            Ok((Some(folder), names))
        }
        None => {
            let names = chunks
                .iter()
                .map(|c| absolute(&c.path).map(|p| p.display().to_string()))
                .collect::<Result<_, _>>()?;
            Ok((None, names))
        }
    }
}

/// ffmpeg's concat-demuxer script for chunks called `names`: every chunk with its exact
/// duration, so chunk boundaries fall on frame boundaries whatever the container's own time
/// base.
fn concat_list(chunks: &[ChunkFile], names: &[String], fps: f64) -> String {
    let mut list = String::from("ffconcat version 1.0\n");
    for (chunk, name) in chunks.iter().zip(names) {
        let path = name.replace('\'', r"'\''");
        list.push_str(&format!(
            "file '{path}'\nduration {:.6}\n",
            chunk.frames as f64 / crate::ffmpeg::video_rate(fps)
        ));
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_concat_list_quotes_paths_and_gives_durations() {
        let chunks = [
            ChunkFile {
                path: "/tmp/a'b/chunk-00000.webm".into(),
                frames: 30,
            },
            ChunkFile {
                path: "/tmp/a'b/chunk-00001.webm".into(),
                frames: 15,
            },
        ];
        let (folder, names) = chunk_names(&chunks).unwrap();
        assert_eq!(folder.as_deref(), Some(Path::new("/tmp/a'b")));
        assert_eq!(names, ["chunk-00000.webm", "chunk-00001.webm"]);
        // A relative folder is made absolute: ffmpeg's own folder changes to it.
        let relative = [ChunkFile {
            path: "out/.a.mp4.partial.chunks/chunk-0.webm".into(),
            frames: 1,
        }];
        let (folder, names) = chunk_names(&relative).unwrap();
        let expected = std::env::current_dir()
            .unwrap()
            .join("out/.a.mp4.partial.chunks");
        assert_eq!(folder, Some(expected));
        assert_eq!(names, ["chunk-0.webm"]);
        let apart = [
            ChunkFile {
                path: "/tmp/a/chunk-0.webm".into(),
                frames: 1,
            },
            ChunkFile {
                path: "/tmp/b/chunk-1.webm".into(),
                frames: 1,
            },
        ];
        assert_eq!(
            chunk_names(&apart).unwrap(),
            (
                None,
                vec!["/tmp/a/chunk-0.webm".into(), "/tmp/b/chunk-1.webm".into()]
            )
        );
        let full: Vec<String> = chunks
            .iter()
            .map(|c| c.path.display().to_string())
            .collect();
        assert_eq!(
            concat_list(&chunks, &full, 30.0),
            "ffconcat version 1.0\nfile '/tmp/a'\\''b/chunk-00000.webm'\nduration 1.000000\n\
             file '/tmp/a'\\''b/chunk-00001.webm'\nduration 0.500000\n"
        );
    }
}
