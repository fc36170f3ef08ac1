//! Helpers shared by the kinema crate's integration tests.

use std::path::Path;
use std::process::Command;

/// Writes a stereo 440 Hz sine of `seconds` (amplitude 1/8: an RMS of 0.088) to `path`.
pub fn tone(path: &Path, seconds: u32) {
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("sine=frequency=440:duration={seconds}"))
        .args(["-ac", "2"])
        .arg(path)
        .status()
        .expect("ffmpeg runs");
    assert!(made.success());
}

/// Writes a 1 s, 30 fps, 160x90 video without sound to `path`, picture n filled with
/// rgb(8n, 128, 255 - 8n), stored losslessly (PNG in QuickTime): a frame's picture can be read
/// back from any pixel's red.
pub fn counter_video(path: &Path) {
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("nullsrc=s=160x90:r=30:d=1")
        .args(["-vf", "geq=r='N*8':g=128:b='255-N*8',format=rgb24"])
        .args(["-c:v", "png", "-f", "mov"])
        .arg(path)
        .status()
        .expect("ffmpeg runs");
    assert!(made.success());
}

/// The profile ffprobe names for the video stream of `path` (`HQ`, `Proxy`, `4444`, …).
pub fn video_profile(path: &Path) -> String {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=profile",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// How many more times the GIF at `path` plays after the first: the loop count of its
/// NETSCAPE2.0 block (0: for ever), or `None` without one (it plays once).
pub fn gif_loops(path: &Path) -> Option<u16> {
    let bytes = std::fs::read(path).unwrap();
    let at = bytes.windows(11).position(|w| w == b"NETSCAPE2.0")?;
    Some(u16::from_le_bytes([bytes[at + 13], bytes[at + 14]]))
}

/// The colour at (`x`, `y`) of every frame of the video or image at `path`, decoded by
/// ffmpeg (through a 2x2 crop: a 1x1 one of 4:2:0 video has no chroma).
pub fn pixels_at(path: &Path, x: u32, y: u32) -> Vec<[u8; 3]> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-vf", &format!("crop=2:2:{x}:{y}")])
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout.chunks(12).map(|p| [p[0], p[1], p[2]]).collect()
}

/// The YUV matrix the video at `path` is tagged with (ffprobe's `color_space`).
pub fn color_matrix(path: &Path) -> String {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
        .args(["stream=color_space", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// x264's VBV ceiling as its settings note in the stream (`vbv_maxrate=N`, kbit/s), if any.
pub fn x264_max_rate(path: &Path) -> Option<u32> {
    let bytes = std::fs::read(path).unwrap();
    let key = b"vbv_maxrate=";
    let at = bytes.windows(key.len()).position(|w| w == key)? + key.len();
    let digits: String = bytes[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| b as char)
        .collect();
    digits.parse().ok()
}

/// The file-level tags of the video at `path`, keys lowercased (Matroska spells them in
/// capitals).
pub fn format_tags(path: &Path) -> std::collections::BTreeMap<String, String> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format_tags", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["format"]["tags"]
        .as_object()
        .map(|tags| {
            tags.iter()
                .map(|(k, v)| (k.to_lowercase(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// An HTTP server on 127.0.0.1 answering every request with `status` and the JSON `body`; its
/// port, and the requests it had, each as `METHOD /path body`.
pub fn json_server(
    status: u16,
    body: &'static str,
) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    http_server(status, "application/json", body.as_bytes().to_vec())
}

/// An HTTP server on 127.0.0.1 answering every request with `status` and `body` of type
/// `content_type`; its port, and the requests it had, each as `METHOD /path body`.
pub fn http_server(
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let request: Vec<&str> = line.split_whitespace().collect();
            let mut length = 0;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let mut sent = vec![0; length];
            let _ = reader.read_exact(&mut sent);
            log.lock().unwrap().push(format!(
                "{} {} {}",
                request.first().unwrap_or(&""),
                request.get(1).unwrap_or(&""),
                String::from_utf8_lossy(&sent)
            ));
            let head = format!(
                "HTTP/1.1 {status} Answer\r\nContent-Type: {content_type}\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (port, seen)
}
