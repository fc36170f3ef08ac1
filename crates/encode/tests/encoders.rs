//! Every codec through its encoder, chunked and stitched, checked with ffprobe, a full
//! error-free decode, and the decoded frames against the source.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;

use kinema_encode::{
    Alpha, ChunkFile, ChunkTiming, Codec, EncodeError, EncoderBackend, FfmpegEncoder, FrameChanges,
    PixelFormat, RgbaFrame, VideoEncoder, VideoSettings,
};

const W: u32 = 160;
const H: u32 = 90;
const FPS: f64 = 30.0;
const FRAMES: u32 = 45;
/// Four chunks, like a render split four ways.
const CHUNKS: [(u32, u32); 4] = [(0, 12), (12, 24), (24, 36), (36, 45)];

/// This test process's scratch folder (shared by its tests), removed when the process exits.
static SCRATCH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

fn temp(name: &str) -> PathBuf {
    let dir = SCRATCH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kinema-encoders-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        extern "C" fn remove_scratch() {
            if let Some(dir) = SCRATCH.get() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        // SAFETY: registers a plain function to run at exit; it only removes a folder.
        unsafe { libc::atexit(remove_scratch) };
        dir
    });
    dir.join(name)
}

/// A value rising and falling smoothly (no hard edges for chroma subsampling to blur).
fn triangle(v: u32) -> u8 {
    let v = v % 512;
    (if v < 256 { v } else { 511 - v }) as u8
}

/// A smooth moving pattern: easy to compress, but every frame clearly differs from the next.
fn frame(index: u32) -> Vec<u8> {
    let mut rgba = Vec::with_capacity((W * H * 4) as usize);
    for y in 0..H {
        for x in 0..W {
            let r = triangle(x * 2 + index * 9);
            let g = triangle(y * 3);
            let b = triangle(x + y + index * 11);
            rgba.extend_from_slice(&[r, g, b, 255]);
        }
    }
    rgba
}

fn rgb(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect()
}

fn settings(codec: Codec) -> VideoSettings {
    VideoSettings {
        encoder_threads: Some(1),
        ..VideoSettings::new(codec, W, H, FPS)
    }
}

fn ffmpeg() -> EncoderBackend {
    EncoderBackend::Ffmpeg("ffmpeg".into())
}

fn probe(path: &Path) -> serde_json::Value {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries"])
        .arg("stream=codec_name,width,height,r_frame_rate,nb_read_frames,pix_fmt,color_space,color_range:format=duration")
        .args(["-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs (apt-get install ffmpeg)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_decodes_cleanly(path: &Path) {
    let decode = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(
        decode.status.success() && decode.stderr.is_empty(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&decode.stderr)
    );
}

/// Frame `index` of `path` as RGB, converted as a player would: with the matrix its decoder
/// reports (limited range). For VP8 that is BT.601 whatever the container says.
fn decode_rgb(path: &Path, index: u32) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args([
            "-vf",
            &format!("select=eq(n\\,{index}),scale=in_color_matrix=auto:in_range=tv:out_range=pc"),
        ])
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn psnr(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    let mse = a
        .iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
        .sum::<f64>()
        / a.len() as f64;
    10.0 * (255.0f64.powi(2) / mse.max(1e-9)).log10()
}

/// Write one W×H straight-alpha frame.
fn write_frame(encoder: &mut dyn VideoEncoder, pixels: &[u8]) {
    encoder
        .write(RgbaFrame {
            width: W,
            height: H,
            pixels,
            alpha: Alpha::Straight,
            changes: FrameChanges::Unknown,
        })
        .unwrap();
}

/// Feed frames `range` of the pattern to `encoder` and finish it.
fn write_frames(mut encoder: Box<dyn VideoEncoder>, range: std::ops::Range<u32>) {
    let count = range.len() as u64;
    let encoded = encoder.encoded();
    for f in range {
        write_frame(encoder.as_mut(), &frame(f));
    }
    assert_eq!(encoder.finish().unwrap(), count);
    assert_eq!(encoded.load(Ordering::SeqCst), count, "frames encoded");
}

/// ffmpeg's count of frames encoded reaches the progress counter while it encodes, not only
/// when it is finished.
#[test]
fn ffmpeg_reports_frames_encoded_while_encoding() {
    let path = temp("progress.mp4");
    let mut encoder = ffmpeg().start(settings(Codec::H264), &path).unwrap();
    let encoded = encoder.encoded();
    let pixels = frame(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut written = 0;
    // ffmpeg reports on its first frames and then every half second.
    while encoded.load(Ordering::SeqCst) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no progress after {written} frames"
        );
        write_frame(encoder.as_mut(), &pixels);
        written += 1;
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(encoded.load(Ordering::SeqCst) <= written);
    assert_eq!(encoder.finish().unwrap(), written);
    assert_eq!(encoded.load(Ordering::SeqCst), written);
}

/// Encode the pattern in four chunks and stitch them into `name`.
fn encode_chunked(backend: &EncoderBackend, settings: &VideoSettings, name: &str) -> PathBuf {
    encode_in_chunks(backend, settings, name, &CHUNKS)
}

/// Encode the pattern in chunks of frames `start..end` and stitch them into `name`.
fn encode_in_chunks(
    backend: &EncoderBackend,
    settings: &VideoSettings,
    name: &str,
    spans: &[(u32, u32)],
) -> PathBuf {
    let output = temp(name);
    backend.check(settings, &output).unwrap();
    let mut chunks = Vec::new();
    for (i, (start, end)) in spans.iter().enumerate() {
        let path = temp(&format!(
            "{name}-chunk-{i}.{}",
            backend.chunk_extension(settings.codec)
        ));
        let timing = ChunkTiming {
            first_frame: *start as u64,
        };
        let encoder = backend
            .start_chunk(settings.clone(), &path, timing)
            .unwrap();
        write_frames(encoder, *start..*end);
        chunks.push(ChunkFile {
            path,
            frames: (end - start) as u64,
        });
    }
    backend.stitch(settings, &chunks, &output).unwrap();
    for chunk in chunks {
        std::fs::remove_file(chunk.path).unwrap();
    }
    output
}

/// The checks every output gets: codec, size, rate, exact frame count, duration, a clean
/// decode, and frames on both sides of every chunk boundary matching their source better than
/// their neighbour.
fn check_video(path: &Path, codec_name: &str, min_psnr: f64) -> serde_json::Value {
    let info = probe(path);
    let stream = &info["streams"][0];
    assert_eq!(stream["codec_name"], codec_name, "{info}");
    assert_eq!(stream["width"], W);
    assert_eq!(stream["height"], H);
    assert_eq!(stream["nb_read_frames"], FRAMES.to_string(), "{info}");
    if codec_name != "gif" {
        // GIF delays are in hundredths of a second, so its rate is only approximate.
        assert_eq!(stream["r_frame_rate"], "30/1", "{info}");
        let duration: f64 = info["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((duration - 1.5).abs() < 0.05, "{duration}");
    }
    assert_decodes_cleanly(path);
    for f in [0, 11, 12, 13, 23, 24, 35, 36, 44] {
        let decoded = decode_rgb(path, f);
        let own = psnr(&rgb(&frame(f)), &decoded);
        assert!(
            own >= min_psnr,
            "{}: frame {f} is {own:.1} dB",
            path.display()
        );
        let other = if f == 44 { 43 } else { f + 1 };
        let neighbour = psnr(&rgb(&frame(other)), &decoded);
        assert!(
            neighbour < own,
            "{}: frame {f} looks like frame {other}",
            path.display()
        );
    }
    info
}

#[test]
fn h264_through_ffmpeg_keeps_b_frames_across_chunks() {
    let mut settings = settings(Codec::H264);
    settings.x264_preset = Some("veryfast".into());
    let video = encode_chunked(&ffmpeg(), &settings, "x264.mp4");
    let info = check_video(&video, "h264", 35.0);
    assert_eq!(info["streams"][0]["pix_fmt"], "yuv420p");
    assert_eq!(info["streams"][0]["color_space"], "bt709");
    assert_eq!(info["streams"][0]["color_range"], "tv");
    let types = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "frame=pict_type",
            "-of",
            "csv=p=0",
        ])
        .arg(&video)
        .output()
        .unwrap();
    let types = String::from_utf8_lossy(&types.stdout);
    assert!(
        types.lines().filter(|t| t.starts_with('B')).count() > 5,
        "{types}"
    );
    assert_eq!(
        types.lines().filter(|t| t.starts_with('I')).count(),
        4,
        "one keyframe per chunk"
    );
    std::fs::remove_file(video).unwrap();
}

/// x264 and x265 give a chunk of one or two frames no decode delay (B-frames need more), so
/// its decode timestamps would jump forward at a join (a short last chunk: ffprobe read 28.125
/// fps) or run backwards (a short chunk between others). The join evens them out. At 1 fps the
/// decode delay (two frames) is longer than a second, which once put the first chunk a second
/// late.
#[test]
fn chunks_keep_timestamps_one_frame_apart_at_any_length_and_rate() {
    let spans = [(0, 12), (12, 14), (14, 15), (15, 43), (43, 45)];
    for (codec, name, fps) in [
        (Codec::H264, "h264", 30.0),
        (Codec::H265, "hevc", 30.0),
        (Codec::H264, "h264", 1.0),
        (Codec::H265, "hevc", 1.5),
    ] {
        let settings = VideoSettings {
            fps,
            ..settings(codec)
        };
        let file = format!("short-{name}-{fps}.mp4");
        let video = encode_in_chunks(&ffmpeg(), &settings, &file, &spans);
        if fps == FPS {
            check_video(&video, name, 35.0);
        }
        let packets = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "packet=dts,pts",
                "-show_entries",
            ])
            .args([
                "stream=avg_frame_rate,time_base:format=duration",
                "-of",
                "json",
            ])
            .arg(&video)
            .output()
            .unwrap();
        let info: serde_json::Value = serde_json::from_slice(&packets.stdout).unwrap();
        let rate = if fps == 1.5 {
            "3/2"
        } else {
            &format!("{fps}/1")
        };
        assert_eq!(info["streams"][0]["avg_frame_rate"], rate, "{file}");
        let duration: f64 = info["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (duration - FRAMES as f64 / fps).abs() < 1e-3,
            "{file}: {duration} s"
        );
        let time_base = info["streams"][0]["time_base"].as_str().unwrap();
        let per_second: f64 = time_base.trim_start_matches("1/").parse().unwrap();
        let ticks = (per_second / fps).round() as i64;
        let stamps: Vec<(i64, i64)> = info["packets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["dts"].as_i64().unwrap(), p["pts"].as_i64().unwrap()))
            .collect();
        assert_eq!(stamps.len(), FRAMES as usize);
        for pair in stamps.windows(2) {
            assert_eq!(
                pair[1].0 - pair[0].0,
                ticks,
                "{file}: decode steps {stamps:?}"
            );
        }
        assert!(
            stamps.iter().all(|(dts, pts)| dts <= pts),
            "{file}: {stamps:?}"
        );
        let mut shown: Vec<i64> = stamps.iter().map(|s| s.1).collect();
        shown.sort_unstable();
        for pair in shown.windows(2) {
            assert_eq!(
                pair[1] - pair[0],
                ticks,
                "{file}: frames shown at {shown:?}"
            );
        }
        std::fs::remove_file(video).unwrap();
    }
}

/// A composition at 29.97 fps is NTSC video: every codec is written at exactly 30000/1001,
/// chunks included (WebM and QuickTime had 2997/100, MP4 30000/1001).
#[test]
fn ntsc_rates_are_exact_in_every_codec() {
    for (backend, codec, file) in [
        (ffmpeg(), Codec::H264, "ntsc.mp4"),
        (ffmpeg(), Codec::Vp9, "ntsc.webm"),
        (ffmpeg(), Codec::Prores, "ntsc.mov"),
        (EncoderBackend::Builtin, Codec::H264, "ntsc-builtin.mp4"),
    ] {
        let settings = VideoSettings {
            fps: 29.97,
            ..settings(codec)
        };
        let video = encode_chunked(&backend, &settings, file);
        let info = probe(&video);
        assert_eq!(info["streams"][0]["r_frame_rate"], "30000/1001", "{file}");
        assert_eq!(info["streams"][0]["nb_read_frames"], FRAMES.to_string());
        let duration: f64 = info["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let exact = FRAMES as f64 * 1001.0 / 30000.0;
        assert!((duration - exact).abs() < 0.002, "{file}: {duration} s");
        std::fs::remove_file(video).unwrap();
    }
}

#[test]
fn h264_through_the_builtin_encoder() {
    let video = encode_chunked(
        &EncoderBackend::Builtin,
        &settings(Codec::H264),
        "openh264.mp4",
    );
    let info = check_video(&video, "h264", 35.0);
    assert_eq!(info["streams"][0]["pix_fmt"], "yuv420p");
    assert_eq!(info["streams"][0]["color_space"], "bt709");
    std::fs::remove_file(video).unwrap();
}

#[test]
fn a_whole_video_through_each_h264_encoder() {
    for backend in [ffmpeg(), EncoderBackend::Builtin] {
        let output = temp(&format!("whole-{}.mp4", backend.name()));
        let encoder = backend.start(settings(Codec::H264), &output).unwrap();
        write_frames(encoder, 0..FRAMES);
        check_video(&output, "h264", 35.0);
        std::fs::remove_file(output).unwrap();
    }
}

#[test]
fn h265_vp8_vp9_prores_and_gif_through_ffmpeg() {
    for (codec, extension, name, min_psnr) in [
        (Codec::H265, "mp4", "hevc", 35.0),
        (Codec::Vp8, "webm", "vp8", 33.0),
        (Codec::Vp9, "webm", "vp9", 33.0),
        (Codec::Prores, "mov", "prores", 40.0),
        (Codec::Gif, "gif", "gif", 25.0),
    ] {
        let video = encode_chunked(
            &ffmpeg(),
            &settings(codec),
            &format!("{}.{extension}", codec.name()),
        );
        let info = check_video(&video, name, min_psnr);
        if codec == Codec::Prores {
            assert_eq!(info["streams"][0]["pix_fmt"], "yuv422p10le");
        }
        std::fs::remove_file(video).unwrap();
    }
}

#[test]
fn pixel_formats_are_honoured() {
    let mut h264 = settings(Codec::H264);
    h264.pixel_format = Some(PixelFormat::Yuv444p);
    let video = encode_chunked(&ffmpeg(), &h264, "x264-444.mp4");
    let info = check_video(&video, "h264", 38.0);
    assert_eq!(info["streams"][0]["pix_fmt"], "yuv444p");
    std::fs::remove_file(video).unwrap();

    let mut prores = settings(Codec::Prores);
    prores.pixel_format = Some(PixelFormat::Yuva444p10le);
    let video = encode_chunked(&ffmpeg(), &prores, "prores-alpha.mov");
    let info = check_video(&video, "prores", 40.0);
    // ProRes 4444 decodes as 12-bit.
    let pix_fmt = info["streams"][0]["pix_fmt"].as_str().unwrap();
    assert!(pix_fmt.starts_with("yuva444p"), "{pix_fmt}");
    std::fs::remove_file(video).unwrap();
}

#[test]
fn impossible_combinations_are_refused_before_encoding() {
    let err = |backend: EncoderBackend, s: VideoSettings, out: &str| {
        backend.check(&s, Path::new(out)).unwrap_err().to_string()
    };
    let text = err(ffmpeg(), settings(Codec::Vp9), "/tmp/x.mp4");
    assert!(text.contains(".webm"), "{text}");
    let mut alpha = settings(Codec::H264);
    alpha.pixel_format = Some(PixelFormat::Yuva420p);
    let text = err(ffmpeg(), alpha, "/tmp/x.mp4");
    assert!(
        text.contains("pixelFormat") && text.contains("yuv420p"),
        "{text}"
    );
    let text = err(EncoderBackend::Builtin, settings(Codec::Vp9), "/tmp/x.webm");
    assert!(text.contains("ffmpeg"), "{text}");
    let mut preset = settings(Codec::H264);
    preset.x264_preset = Some("fast".into());
    let text = err(EncoderBackend::Builtin, preset, "/tmp/x.mp4");
    assert!(text.contains("x264Preset"), "{text}");
    let mut crf = settings(Codec::Prores);
    crf.crf = Some(20);
    let text = err(ffmpeg(), crf, "/tmp/x.mov");
    assert!(text.contains("crf"), "{text}");
    let mut odd = settings(Codec::H264);
    odd.width = 161;
    assert!(err(ffmpeg(), odd.clone(), "/tmp/x.mp4").contains("even width"));
    // 4:4:4 has no subsampling, so odd sizes are fine there.
    odd.pixel_format = Some(PixelFormat::Yuv444p);
    assert!(ffmpeg().check(&odd, Path::new("/tmp/x.mp4")).is_ok());
    // openh264 stops at 3840x2160, either way up; ffmpeg's x264 does not.
    let size = |width, height| VideoSettings {
        width,
        height,
        ..settings(Codec::H264)
    };
    let text = err(EncoderBackend::Builtin, size(4096, 2160), "/tmp/x.mp4");
    assert!(
        text.contains("at most 3840x2160 (or 2160x3840 upright), not 4096x2160"),
        "{text}"
    );
    assert!(err(EncoderBackend::Builtin, size(2160, 3842), "/tmp/x.mp4").contains("size"));
    for (width, height) in [(3840, 2160), (2160, 3840)] {
        let check = EncoderBackend::Builtin.check(&size(width, height), Path::new("/tmp/x.mp4"));
        assert!(check.is_ok(), "{width}x{height}");
    }
    assert!(
        ffmpeg()
            .check(&size(4096, 2160), Path::new("/tmp/x.mp4"))
            .is_ok()
    );
    // Both refuse frames under 16 pixels on a side (openh264 fails, x265 "Image size is too
    // small"), so that is said before anything renders.
    let text = err(EncoderBackend::Builtin, size(16, 14), "/tmp/x.mp4");
    assert!(text.contains("at least 16x16, not 16x14"), "{text}");
    let tiny_hevc = VideoSettings {
        width: 32,
        height: 12,
        ..settings(Codec::H265)
    };
    let text = err(ffmpeg(), tiny_hevc, "/tmp/x.mp4");
    assert!(
        text.contains("32x12: h265 needs at least 16 pixels"),
        "{text}"
    );
    let x264 = ffmpeg().check(&size(8, 8), Path::new("/tmp/x.mp4"));
    assert!(x264.is_ok(), "x264 takes 8x8");
}

/// Write up to `frames` frames into `encoder`, which must fail while writing or finishing;
/// its error.
fn encode_until_it_fails(mut encoder: FfmpegEncoder, frames: u32) -> EncodeError {
    let pixels = frame(0);
    for _ in 0..frames {
        let written = encoder.write(RgbaFrame {
            width: W,
            height: H,
            pixels: &pixels,
            alpha: Alpha::Straight,
            changes: FrameChanges::Unknown,
        });
        if let Err(error) = written {
            return error;
        }
    }
    encoder.finish().unwrap_err()
}

#[test]
fn ffmpeg_failures_carry_its_log() {
    let output = Path::new("/nonexistent-dir/out.mp4");
    let encoder = FfmpegEncoder::start(Path::new("ffmpeg"), settings(Codec::H264), output).unwrap();
    let text = encode_until_it_fails(encoder, 200).to_string();
    assert!(text.contains("/nonexistent-dir/out.mp4"), "{text}");
}

/// A program standing in for ffmpeg that exits 0 must still have written the file, and one
/// that stops reading frames is not said to have failed when its status says otherwise.
#[test]
fn an_encoder_that_exits_0_without_writing_fails() {
    use std::os::unix::fs::PermissionsExt as _;
    let script = |name: &str, body: &str| {
        let path = temp(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let swallow = script("swallow.sh", "cat > /dev/null; exit 0");
    let leave = script("leave.sh", "exit 0");
    let output = temp("never-written.mp4");
    for (program, expected) in [
        (&swallow, "it exited without an error but wrote nothing"),
        (&leave, "it exited without an error after taking"),
    ] {
        let encoder = FfmpegEncoder::start(program, settings(Codec::H264), &output).unwrap();
        // More than the pipe holds, so a program that does not read is noticed while writing.
        let text = encode_until_it_fails(encoder, FRAMES).to_string();
        assert!(text.contains(expected), "{}: {text}", program.display());
        assert!(text.contains("never-written.mp4"), "{text}");
    }
}

#[test]
fn a_missing_ffmpeg_is_explained() {
    let backend = EncoderBackend::Ffmpeg("/nonexistent/ffmpeg".into());
    assert!(!EncoderBackend::ffmpeg_found(Path::new(
        "/nonexistent/ffmpeg"
    )));
    let err = backend
        .start(settings(Codec::H264), &temp("never.mp4"))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("apt-get install ffmpeg"), "{err}");
}

/// A chunk of a couple of small, flat frames is a few hundred bytes of MPEG-TS, too little for
/// ffmpeg to recognise by probing: the join names the format.
#[test]
fn a_tiny_single_chunk_is_joined() {
    let (width, height) = (64, 36);
    let settings = VideoSettings {
        width,
        height,
        ..settings(Codec::H264)
    };
    let backend = ffmpeg();
    let chunk = temp("tiny-chunk.ts");
    let mut encoder = backend
        .start_chunk(settings.clone(), &chunk, ChunkTiming { first_frame: 0 })
        .unwrap();
    let white = vec![255; (width * height * 4) as usize];
    for _ in 0..2 {
        encoder
            .write(RgbaFrame {
                width,
                height,
                pixels: &white,
                alpha: Alpha::Straight,
                changes: FrameChanges::Unknown,
            })
            .unwrap();
    }
    assert_eq!(encoder.finish().unwrap(), 2);
    let output = temp("tiny.mp4");
    let chunks = [ChunkFile {
        path: chunk,
        frames: 2,
    }];
    backend.stitch(&settings, &chunks, &output).unwrap();
    let info = probe(&output);
    assert_eq!(info["streams"][0]["nb_read_frames"], "2", "{info}");
}
