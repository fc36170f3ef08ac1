//! H.264 through Debian's ffmpeg, checked with ffprobe and a full decode.

use std::path::{Path, PathBuf};
use std::process::Command;

use kinema_encode::{FfmpegEncoder, VideoSettings, rgba_to_i420};

const W: u32 = 160;
const H: u32 = 90;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kinema-encode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A smooth moving pattern: easy to compress, but every frame differs.
fn frame(index: u32) -> Vec<u8> {
    let mut rgba = Vec::with_capacity((W * H * 4) as usize);
    for y in 0..H {
        for x in 0..W {
            let r = ((x + index * 2) % 256) as u8;
            let g = (y * 2 % 256) as u8;
            let b = (((x + y) / 2 + index * 3) % 256) as u8;
            rgba.extend_from_slice(&[r, g, b, 255]);
        }
    }
    rgba
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

fn decode_rgb(path: &Path, index: u32) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args([
            "-vf",
            &format!("select=eq(n\\,{index}),scale=in_color_matrix=bt709:in_range=tv:out_range=pc"),
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

#[test]
fn encodes_h264_that_probes_and_decodes_cleanly() {
    let output = temp("pattern.mp4");
    let settings = VideoSettings {
        width: W,
        height: H,
        fps: 30.0,
        crf: None,
        x264_preset: Some("veryfast".into()),
        video_bitrate: None,
        encoder_threads: None,
    };
    let mut encoder = FfmpegEncoder::start(Path::new("ffmpeg"), settings, &output).unwrap();
    for i in 0..45 {
        encoder
            .write(&rgba_to_i420(&frame(i), W, H, [0, 0, 0]).unwrap())
            .unwrap();
    }
    assert_eq!(encoder.finish().unwrap(), 45);

    let info = probe(&output);
    let stream = &info["streams"][0];
    assert_eq!(stream["codec_name"], "h264");
    assert_eq!(stream["width"], W);
    assert_eq!(stream["height"], H);
    assert_eq!(stream["r_frame_rate"], "30/1");
    assert_eq!(stream["nb_read_frames"], "45");
    assert_eq!(stream["pix_fmt"], "yuv420p");
    assert_eq!(stream["color_space"], "bt709");
    assert_eq!(stream["color_range"], "tv");
    let duration: f64 = info["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((duration - 1.5).abs() < 0.05, "{duration}");

    let decode = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&output)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(
        decode.status.success() && decode.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&decode.stderr)
    );

    // At CRF 18 a decoded frame is close to what was rendered.
    let source: Vec<u8> = frame(20)
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let decoded = decode_rgb(&output, 20);
    assert_eq!(decoded.len(), source.len());
    let mse: f64 = source
        .iter()
        .zip(&decoded)
        .map(|(a, b)| (*a as f64 - *b as f64).powi(2))
        .sum::<f64>()
        / source.len() as f64;
    let psnr = 10.0 * (255.0f64.powi(2) / mse).log10();
    assert!(
        psnr >= 35.0,
        "decoded frame is {psnr:.1} dB from the source"
    );
    std::fs::remove_file(&output).unwrap();
}

#[test]
fn ffmpeg_failures_carry_its_log() {
    let settings = VideoSettings {
        width: W,
        height: H,
        fps: 30.0,
        crf: None,
        x264_preset: None,
        video_bitrate: None,
        encoder_threads: None,
    };
    let output = Path::new("/nonexistent-dir/out.mp4");
    let mut encoder = FfmpegEncoder::start(Path::new("ffmpeg"), settings, output).unwrap();
    let frame = rgba_to_i420(&frame(0), W, H, [0, 0, 0]).unwrap();
    let mut result = Ok(());
    for _ in 0..200 {
        result = encoder.write(&frame);
        if result.is_err() {
            break;
        }
    }
    let err = match result {
        Err(e) => e,
        Ok(()) => encoder.finish().unwrap_err(),
    };
    let text = err.to_string();
    assert!(text.contains("/nonexistent-dir/out.mp4"), "{text}");
}

fn psnr_rgb(a: &[u8], b: &[u8]) -> f64 {
    let mse = a
        .iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
        .sum::<f64>()
        / a.len() as f64;
    10.0 * (255.0f64.powi(2) / mse).log10()
}

#[test]
fn chunks_stitch_without_re_encoding_and_keep_every_frame() {
    let settings = VideoSettings {
        width: W,
        height: H,
        fps: 30.0,
        crf: None,
        x264_preset: Some("veryfast".into()),
        video_bitrate: None,
        encoder_threads: Some(1),
    };
    let bounds = [(0u32, 12u32), (12, 24), (24, 36), (36, 45)];
    let mut chunks = Vec::new();
    for (i, (start, end)) in bounds.iter().enumerate() {
        let path = temp(&format!("chunk-{i}.ts"));
        let timing = kinema_encode::ChunkTiming {
            start_seconds: *start as f64 / 30.0,
        };
        let mut encoder =
            FfmpegEncoder::start_chunk(Path::new("ffmpeg"), settings.clone(), &path, timing)
                .unwrap();
        for f in *start..*end {
            encoder
                .write(&rgba_to_i420(&frame(f), W, H, [0, 0, 0]).unwrap())
                .unwrap();
        }
        encoder.finish().unwrap();
        chunks.push(path);
    }
    let joined = temp("joined.mp4");
    kinema_encode::stitch_chunks(Path::new("ffmpeg"), &chunks, &joined).unwrap();

    let info = probe(&joined);
    assert_eq!(info["streams"][0]["nb_read_frames"], "45");
    let duration: f64 = info["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((duration - 1.5).abs() < 0.05, "{duration}");
    let decode = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&joined)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(
        decode.status.success() && decode.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&decode.stderr)
    );
    // B-frames survived the join.
    let b = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "frame=pict_type",
            "-of",
            "csv=p=0",
        ])
        .arg(&joined)
        .output()
        .unwrap();
    let types = String::from_utf8_lossy(&b.stdout);
    assert!(
        types.lines().filter(|t| t.starts_with('B')).count() > 5,
        "{types}"
    );
    assert_eq!(
        types.lines().filter(|t| t.starts_with('I')).count(),
        4,
        "one keyframe per chunk"
    );
    // Every frame is the right frame: compare around each boundary with the source.
    for f in [0, 11, 12, 13, 23, 24, 35, 36, 44] {
        let source: Vec<u8> = frame(f)
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        let decoded = decode_rgb(&joined, f);
        let p = psnr_rgb(&source, &decoded);
        assert!(p >= 35.0, "frame {f}: {p:.1} dB");
        // and it is not its neighbour
        let neighbour: Vec<u8> = frame(f + 1)
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        assert!(psnr_rgb(&neighbour, &decoded) < p);
    }
    for c in chunks {
        std::fs::remove_file(c).unwrap();
    }
    std::fs::remove_file(joined).unwrap();
}
