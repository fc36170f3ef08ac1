//! The `kinema` binary end to end: commands, JSON output, exit codes and error messages.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kinema(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(args)
        .env("KINEMA_LOG", "warn")
        .output()
        .expect("runs kinema")
}

/// Runs `kinema` on a machine without ffmpeg: nothing on its PATH.
fn kinema_without_ffmpeg(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(args)
        .env("KINEMA_LOG", "warn")
        .env("PATH", "/nonexistent-kinema-path")
        .output()
        .expect("runs kinema")
}

fn example(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(path)
        .display()
        .to_string()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// This test process's scratch folder (shared by its tests), removed when the process exits.
static SCRATCH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

fn scratch_dir() -> &'static Path {
    SCRATCH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kinema-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        extern "C" fn remove_scratch() {
            if let Some(dir) = SCRATCH.get() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        // SAFETY: registers a plain function to run at exit; it only removes a folder.
        unsafe { libc::atexit(remove_scratch) };
        dir
    })
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = scratch_dir().join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn compositions_prints_a_table_and_json() {
    let out = kinema(&["compositions", &example("showcase/src/index.ts")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("Counters ") && l.contains("180") && l.ends_with(" Data")),
        "{table}"
    );
    let out = kinema(&[
        "compositions",
        &example("showcase/src/index.ts"),
        "--json",
        "--props",
        r#"{"secondsPerStat": 1}"#,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let counters = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "Counters")
        .unwrap();
    assert_eq!(counters["durationInFrames"], 90);
    assert_eq!(counters["width"], 1920);
}

/// `kinema … | head -1`: the reader goes away before the results are printed. The command
/// ends quietly with status 141, as Unix tools stopped by SIGPIPE do, instead of panicking on
/// the broken pipe (status 101).
#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(["compositions", &example("showcase/src/index.ts"), "--json"])
        .env("KINEMA_LOG", "warn")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(141), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn props_can_come_from_a_file() {
    let props = temp_file("props.json", r#"{"title": "From a file"}"#);
    let out = kinema(&[
        "tree",
        &example("showcase/src/index.ts"),
        "TitleCard",
        "--frame",
        "40",
        "--props",
        &format!("@{}", props.display()),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("From a file"));
}

#[test]
fn tree_json_is_the_element_tree_type() {
    let out = kinema(&[
        "tree",
        &example("code/hello.tsx"),
        "DynamicComp",
        "--frame",
        "10",
        "--json",
        "--width",
        "640",
        "--height",
        "360",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tree: kinema_compose::FrameTree = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!((tree.width, tree.height, tree.frame), (640, 360, 10));
    assert_eq!(tree.text_content(), "Hello, 10,000 viewers");
}

#[test]
fn errors_exit_non_zero_with_a_clear_message() {
    let out = kinema(&["tree", &example("showcase/src/index.ts"), "Nope"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no composition with id 'Nope'; available: TitleCard, Timeline, Slides, Shapes, Counters, Poster"), "{}", stderr(&out));

    let out = kinema(&["compositions", "/no/such/file.tsx"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot read /no/such/file.tsx"),
        "{}",
        stderr(&out)
    );

    let out = kinema(&[
        "compositions",
        &example("showcase/src/index.ts"),
        "--props",
        "[1]",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--props must be a JSON object"),
        "{}",
        stderr(&out)
    );

    let bad = temp_file("bad.tsx", "export default () => <div>{</div>;\n");
    let out = kinema(&["tree", bad.to_str().unwrap(), "DynamicComp"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("syntax error at bad.tsx:1:29"),
        "{}",
        stderr(&out)
    );
    // An exception names the code file too, with its line and column.
    let throws = temp_file(
        "throws.jsx",
        "export default () => {\n  throw new Error('boom');\n};\n",
    );
    let out = kinema(&["tree", throws.to_str().unwrap(), "DynamicComp"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("throws.jsx:2:"), "{}", stderr(&out));

    let spin = temp_file("spin.tsx", "export default () => { for (;;) {} };\n");
    let out = kinema(&[
        "tree",
        spin.to_str().unwrap(),
        "DynamicComp",
        "--frame-time-limit-ms",
        "200",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out)
            .contains("composition 'DynamicComp', frame 0: exceeded the CPU time limit of 200 ms"),
        "{}",
        stderr(&out)
    );
    // And which flag raises the limit.
    assert!(
        stderr(&out).contains("hint: --frame-time-limit-ms raises"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn console_output_goes_to_stderr() {
    let file = temp_file(
        "log.tsx",
        "export default () => { console.log('hello from', {frame: 1}); return null; };\n",
    );
    let out = kinema(&["tree", file.to_str().unwrap(), "DynamicComp", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let _: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stdout stays pure JSON");
}

#[test]
fn still_writes_png_jpeg_and_webp() {
    let dir = std::env::temp_dir().join(format!("kinema-still-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let example_entry = example("showcase/src/index.ts");
    for (name, format) in [
        ("title.png", image::ImageFormat::Png),
        ("title.jpg", image::ImageFormat::Jpeg),
        ("title.webp", image::ImageFormat::WebP),
    ] {
        let path = dir.join(name);
        let mut args = vec![
            "still",
            &example_entry,
            "TitleCard",
            path.to_str().unwrap(),
            "--frame",
            "40",
            "--scale",
            "0.5",
            "--json",
        ];
        if format == image::ImageFormat::Jpeg {
            args.extend(["--jpeg-quality", "90"]);
        }
        let out = kinema(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(report["width"], 960);
        assert_eq!(report["height"], 540);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(image::guess_format(&bytes).unwrap(), format);
        let decoded = image::load_from_memory(&bytes).unwrap().to_rgba8();
        assert_eq!(decoded.dimensions(), (960, 540));
        // the background is a dark gradient, the title white
        let px = decoded.get_pixel(10, 10);
        assert!(px[0] < 60 && px[3] == 255, "{px:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn still_errors_name_the_image_and_keep_the_old_output() {
    let code = temp_file(
        "broken-image.tsx",
        "import {Img, staticFile} from 'remotion';\n\
         export default () => <Img src={staticFile('missing.png')} />;",
    );
    let output = code.with_file_name("kept.png");
    std::fs::write(&output, b"previous").unwrap();
    let out = kinema(&[
        "still",
        code.to_str().unwrap(),
        "DynamicComp",
        output.to_str().unwrap(),
        "--frame",
        "7",
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("frame 7"), "{err}");
    assert!(err.contains("missing.png"), "{err}");
    assert_eq!(std::fs::read(&output).unwrap(), b"previous");

    let out = kinema(&["still", code.to_str().unwrap(), "DynamicComp", "out.gif"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(".png, .jpg/.jpeg or .webp"),
        "{}",
        stderr(&out)
    );
}

const MOVING: &str = r#"
import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';
export default function Moving() {
  const frame = useCurrentFrame();
  if (frame === 17 && (globalThis as any).__fail) throw new Error('boom');
  return (
    <AbsoluteFill style={{background: 'linear-gradient(90deg, #1e3a8a, #db2777)'}}>
      <div style={{position: 'absolute', left: interpolate(frame, [0, 23], [10, 120]), top: 30,
        width: 30, height: 30, borderRadius: 8, backgroundColor: 'white'}} />
    </AbsoluteFill>
  );
}
"#;

fn render_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kinema-render-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh project folder (`package.json`, `src/index.tsx` holding `index`) from [`render_dir`].
fn project_dir(name: &str, index: &str) -> PathBuf {
    let dir = render_dir(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("package.json"), "{}").unwrap();
    std::fs::write(dir.join("src/index.tsx"), index).unwrap();
    dir
}

fn probe(path: &Path) -> serde_json::Value {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
        ])
        .arg(
            "stream=codec_name,width,height,r_frame_rate,nb_read_frames,color_space,\
             color_primaries,color_transfer,color_range",
        )
        .args(["-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs (apt-get install ffmpeg)");
    assert!(out.status.success());
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["streams"][0].clone()
}

#[test]
fn render_writes_an_h264_mp4_whose_frames_match_stills() {
    let dir = render_dir("ok");
    let code = dir.join("moving.tsx");
    std::fs::write(&code, MOVING).unwrap();
    let video = dir.join("moving.mp4");
    let size = [
        "--width",
        "160",
        "--height",
        "90",
        "--duration",
        "24",
        "--fps",
        "24",
    ];
    let mut args = vec![
        "render",
        code.to_str().unwrap(),
        "DynamicComp",
        video.to_str().unwrap(),
        "--concurrency",
        "2",
        "--json",
    ];
    args.extend(size);
    let out = kinema(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["frames"], 24);
    assert_eq!(report["threads"], 2);
    let stream = probe(&video);
    assert_eq!(stream["codec_name"], "h264");
    assert_eq!(
        (stream["width"].as_u64(), stream["height"].as_u64()),
        (Some(160), Some(90))
    );
    assert_eq!(stream["r_frame_rate"], "24/1");
    assert_eq!(stream["nb_read_frames"], "24");
    let decode = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&video)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(decode.status.success() && decode.stderr.is_empty());

    // Frame 11 of the video against `kinema still` of frame 11.
    let still = dir.join("f11.png");
    let mut args = vec![
        "still",
        code.to_str().unwrap(),
        "DynamicComp",
        still.to_str().unwrap(),
        "--frame",
        "11",
    ];
    args.extend(size);
    assert!(kinema(&args).status.success());
    let expected: Vec<u8> = image::open(&still).unwrap().to_rgb8().into_raw();
    let decoded = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&video)
        .args([
            "-vf",
            "select=eq(n\\,11),scale=in_color_matrix=bt709:in_range=tv:out_range=pc",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(decoded.len(), expected.len());
    let mse = expected
        .iter()
        .zip(&decoded)
        .map(|(a, b)| (*a as f64 - *b as f64).powi(2))
        .sum::<f64>()
        / expected.len() as f64;
    let psnr = 10.0 * (255.0f64.powi(2) / mse).log10();
    assert!(psnr >= 35.0, "frame 11 is {psnr:.1} dB from its still");

    // Five chunks decode to the same frames as one chunk.
    let decode_all = |path: &Path| -> Vec<u8> {
        Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(path)
            .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
            .output()
            .unwrap()
            .stdout
    };
    let mut decoded = Vec::new();
    for (name, fpc) in [("one.mp4", "24"), ("five.mp4", "5")] {
        let path = dir.join(name);
        let mut args = vec![
            "render",
            code.to_str().unwrap(),
            "DynamicComp",
            path.to_str().unwrap(),
            "--frames-per-chunk",
            fpc,
            "--json",
        ];
        args.extend(size);
        let out = kinema(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(report["chunks"], if fpc == "5" { 5 } else { 1 });
        assert_eq!(probe(&path)["nb_read_frames"], "24");
        decoded.push(decode_all(&path));
    }
    let frame_bytes = 160 * 90 * 3;
    assert_eq!(decoded[0].len(), 24 * frame_bytes);
    for (i, (a, b)) in decoded[0]
        .chunks(frame_bytes)
        .zip(decoded[1].chunks(frame_bytes))
        .enumerate()
    {
        let mse = a
            .iter()
            .zip(b)
            .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
            .sum::<f64>()
            / a.len() as f64;
        let psnr = 10.0 * (255.0f64.powi(2) / mse.max(1e-9)).log10();
        assert!(
            psnr >= 35.0,
            "frame {i}: one chunk vs five chunks {psnr:.1} dB"
        );
    }

    // A range renders just those frames.
    let part = dir.join("part.mp4");
    let mut args = vec![
        "render",
        code.to_str().unwrap(),
        "DynamicComp",
        part.to_str().unwrap(),
        "--frames",
        "5-14",
        "--json",
    ];
    args.extend(size);
    assert!(kinema(&args).status.success());
    assert_eq!(probe(&part)["nb_read_frames"], "10");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_errors_leave_no_partial_files() {
    let dir = render_dir("err");
    let code = dir.join("failing.tsx");
    std::fs::write(&code, MOVING.replace("(globalThis as any).__fail", "true")).unwrap();
    let video = dir.join("out.mp4");
    std::fs::write(&video, b"previous").unwrap();
    let size = ["--width", "160", "--height", "90", "--duration", "24"];
    let args_with = |extra: &[&str]| {
        let mut args = vec![
            "render".to_string(),
            code.display().to_string(),
            "DynamicComp".into(),
            video.display().to_string(),
        ];
        args.extend(size.iter().chain(extra).map(|s| s.to_string()));
        args
    };
    let run = |extra: &[&str]| {
        let args = args_with(extra);
        kinema(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let run_without_ffmpeg = |extra: &[&str]| {
        let args = args_with(extra);
        kinema_without_ffmpeg(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("frame 17") && err.contains("boom"), "{err}");
    assert_eq!(std::fs::read(&video).unwrap(), b"previous");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");

    let out = run(&["--frames", "20-30"]);
    assert!(stderr(&out).contains("from 0 to 23"), "{}", stderr(&out));
    let out = run(&["--overwrite=false"]);
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let out = run(&["--crf", "60"]);
    assert!(stderr(&out).contains("crf"), "{}", stderr(&out));
    // No ffmpeg on the PATH: explained, unless the built-in encoder can take over (h264 and
    // --encoder auto, in the codec test).
    let out = run_without_ffmpeg(&["--encoder", "ffmpeg"]);
    assert!(
        stderr(&out).contains("apt-get install ffmpeg"),
        "{}",
        stderr(&out)
    );
    let out = run_without_ffmpeg(&["--codec", "vp9"]);
    assert!(
        stderr(&out).contains("vp9 needs ffmpeg"),
        "{}",
        stderr(&out)
    );
    // An --ffmpeg that does not run is an error, never a quiet switch of encoder.
    for extra in [&[][..], &["--codec", "vp9"], &["--encoder", "ffmpeg"]] {
        let mut flags = vec!["--ffmpeg", "/nonexistent/ffmpeg"];
        flags.extend(extra);
        let out = run(&flags);
        assert!(!out.status.success(), "{flags:?}");
        assert!(
            stderr(&out).contains("--ffmpeg /nonexistent/ffmpeg does not run"),
            "{flags:?}: {}",
            stderr(&out)
        );
    }
    for (flags, expected) in [
        (&["--codec", "av1"][..], "h264, h265, vp8, vp9, prores, gif"),
        (&["--codec", "vp9"][..], ".webm"),
        (&["--every-nth-frame", "2"][..], "only applies to gif"),
        (
            &["--pixel-format", "yuva420p"][..],
            "--pixel-format: yuva420p is not available for h264",
        ),
        (
            &["--scale", "0.5"][..],
            "the video is 80x45: h264 in yuv420p needs an even height: change the \
             composition's size or --scale",
        ),
        (&["--pixel-format", "rgb"][..], "yuv420p"),
        (&["--encoder", "gpu"][..], "auto, ffmpeg or builtin"),
        (
            &["--encoder", "builtin", "--x264-preset", "fast"][..],
            "--x264-preset: x264 presets need ffmpeg",
        ),
        (
            &["--frames-per-chunk", "2"][..],
            "invalid --frames-per-chunk: frames per chunk (framesPerLambda) must be at least 5",
        ),
        (
            &["--scale", "nan"][..],
            "must be above 0 and at most 16, got nan",
        ),
        (
            &["--scale=-1"][..],
            "must be above 0 and at most 16, got -1",
        ),
        (&["--video-bitrate", "4X"][..], "\"4X\" is not a bitrate"),
        (&["--every-nth-frame", "0"][..], "invalid --every-nth-frame"),
        (&["--concurrency", "0"][..], "--concurrency"),
        (
            &["--concurrency", "200%"][..],
            "must be a percentage up to 100%, got 200%",
        ),
        (
            &["--concurrency", "0.0001%"][..],
            "invalid --concurrency: 0.0001% of this machine's",
        ),
        (
            &["--scale", "0.001"][..],
            "--scale 0.001 makes the 160x90 composition 0x0",
        ),
        (&["--fps", "0.1"][..], "outside 0.2-500 frames per second"),
        (&["--fps", "1000"][..], "outside 0.2-500 frames per second"),
        (&["--memory-limit-mib", "0"][..], "--memory-limit-mib"),
        (&["--frame-time-limit-ms", "0"][..], "--frame-time-limit-ms"),
        (
            &["--crf", "20", "--video-bitrate", "4M"][..],
            "--crf and --video-bitrate cannot both be given",
        ),
        (
            &["--concurrency", "4294967297"][..],
            "must be at most 1024 threads",
        ),
    ] {
        let out = run(flags);
        assert!(!out.status.success(), "{flags:?}");
        assert!(
            stderr(&out).contains(expected),
            "{flags:?}: {}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(&video).unwrap(), b"previous");
    }
    // Sizes no frame can have: refused before anything renders, with what fits.
    for (size, expected) in [
        (
            ["--width", "20000", "--scale", "1"],
            "invalid value '20000' for '--width <WIDTH>': 20000 is not in 1..=16384",
        ),
        (
            ["--duration", "0", "--scale", "1"],
            "invalid value '0' for '--duration <DURATION>'",
        ),
        (
            ["--fps", "0", "--scale", "1"],
            "must be a frame rate above 0, got 0",
        ),
        (
            ["--width", "1600", "--scale", "16"],
            "--scale 16 makes the 1600x90 composition 25600x1440, and each side of a video can \
             be at most 16384 pixels; --scale 10.24 at most fits",
        ),
    ] {
        let (code, video) = (code.to_str().unwrap(), video.to_str().unwrap());
        let mut args = vec!["render", code, "DynamicComp", video, "--height", "90"];
        args.extend(size);
        let out = kinema(&args);
        assert!(!out.status.success(), "{size:?}");
        assert!(
            stderr(&out).contains(expected),
            "{size:?}: {}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(video).unwrap(), b"previous");
    }
    // A GIF faster than browsers play one: refused, with the way to slow it down.
    let gif = dir.join("out.gif");
    let out = kinema(&[
        "render",
        code.to_str().unwrap(),
        "DynamicComp",
        gif.to_str().unwrap(),
        "--codec",
        "gif",
        "--fps",
        "60",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--every-nth-frame"),
        "{}",
        stderr(&out)
    );
    assert!(!gif.exists());
    let out = kinema(&[
        "render",
        code.to_str().unwrap(),
        "Nope",
        video.to_str().unwrap(),
        "--code",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("Nope"), "{}", stderr(&out));
    // Destinations that cannot be written: told before any frame is rendered. (/proc takes
    // no new files, even from root.)
    let folder = dir.join("folder.mp4");
    std::fs::create_dir(&folder).unwrap();
    let folder = folder.display().to_string();
    for (destination, expected) in [
        ("/proc/kinema-out.mp4", "cannot write /proc/kinema-out.mp4"),
        (
            "/proc/kinema-missing/out.mp4",
            "cannot create the folder /proc/kinema-missing",
        ),
        (
            &folder,
            "folder.mp4 is a folder: give the video's file name",
        ),
    ] {
        let out = kinema(&["render", code.to_str().unwrap(), "DynamicComp", destination]);
        assert!(!out.status.success(), "{destination}");
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
        assert!(!stderr(&out).contains("frame 17"), "{}", stderr(&out));
    }
    // A long name, valid by itself: its temporaries, named after it, would not be.
    let long = dir.join(format!("{}.mp4", "x".repeat(240)));
    let mut args = vec![
        "render",
        code.to_str().unwrap(),
        "DynamicComp",
        long.to_str().unwrap(),
        "--frames",
        "0-5",
    ];
    args.extend(size);
    let out = kinema(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(long.is_file());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs `kinema` with files limited to `max_bytes` (a full disk fails writes the same way:
/// with SIGXFSZ ignored, a write past the limit fails with EFBIG, "File too large").
fn kinema_with_file_limit(args: &[&str], max_bytes: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(env!("CARGO_BIN_EXE_kinema"));
    command.args(args).env("KINEMA_LOG", "warn");
    // SAFETY: between fork and exec the closure only calls setrlimit(2) and signal(2), which
    // are async-signal-safe, and allocates nothing. Both settings carry over to ffmpeg.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: max_bytes,
                rlim_max: max_bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    command.output().expect("runs kinema")
}

/// Every place a render writes — ffmpeg encoding the whole video or a chunk, joining the
/// chunks, the built-in encoder, a still — fails with the reason when the disk is full, and
/// leaves no temporary files and the old output untouched. (ffmpeg itself exits 0 when its
/// last write fails.)
#[test]
fn a_full_disk_fails_the_render_and_keeps_the_old_output() {
    let dir = render_dir("full");
    let code = dir.join("moving.tsx");
    std::fs::write(&code, MOVING).unwrap();
    let video = dir.join("out.mp4");
    let args = |extra: &[&'static str]| {
        let mut args = vec![
            "render".to_string(),
            code.display().to_string(),
            "DynamicComp".into(),
            video.display().to_string(),
            "--overwrite".into(),
        ];
        args.extend(
            ["--width", "320", "--height", "180", "--duration", "24"]
                .iter()
                .chain(extra)
                .map(|s| s.to_string()),
        );
        args
    };
    let size_of = |extra: &[&'static str]| {
        let args = args(extra);
        let out = kinema(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::metadata(&video).unwrap().len()
    };
    let chunked = ["--frames-per-chunk", "6"];
    let builtin = ["--encoder", "builtin", "--concurrency", "1"];
    // Four chunks of six frames, each starting with a keyframe, each hold about a quarter of
    // the video: half its size lets every chunk be written and fails the join.
    let joined = size_of(&chunked);
    // The built-in encoder's Annex-B stream is smaller than the MP4 made from it (which adds
    // an index): one byte short of the MP4 lets the stream be written and fails the muxing.
    let muxed = size_of(&builtin);
    let output_name = video.display().to_string();
    std::fs::write(&video, b"previous").unwrap();
    let left_over = || {
        let mut left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        left
    };
    for (extra, max_bytes, expected) in [
        (&["--concurrency", "1"][..], 1024, "ffmpeg failed encoding"),
        (&chunked[..], 1024, "ffmpeg failed encoding"),
        (&chunked[..], joined / 2, "ffmpeg failed joining the chunks"),
        (&builtin[..], 1024, ".stream.h264: File too large"),
        (
            &["--encoder", "builtin", "--frames-per-chunk", "6"][..],
            1024,
            ".h264: File too large",
        ),
        (&builtin[..], muxed - 1, ".partial.mp4: File too large"),
    ] {
        let args = args(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = kinema_with_file_limit(&args, max_bytes);
        let err = stderr(&out);
        assert!(!out.status.success(), "{extra:?}: {err}");
        assert!(err.contains(expected), "{extra:?}: {err}");
        // Named by the video the user asked for, not only by the temporary file.
        assert!(
            err.contains(&format!("cannot write {output_name}")),
            "{extra:?}: {err}"
        );
        assert_eq!(std::fs::read(&video).unwrap(), b"previous", "{extra:?}");
        assert_eq!(left_over(), ["moving.tsx", "out.mp4"], "{extra:?}");
    }

    // ffmpeg 5's own behaviour on a full disk, whatever a file size limit does to it: it
    // cannot write the trailer, says so, and exits 0.
    let stub = dir.join("ffmpeg-disk-full");
    std::fs::write(
        &stub,
        "#!/bin/sh\nfor last; do :; done\ncat > /dev/null\nprintf partial > \"$last\"\n\
         echo \"Error writing trailer of $last: No space left on device\" >&2\nexit 0\n",
    )
    .unwrap();
    std::fs::set_permissions(&stub, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut args = args(&["--concurrency", "1", "--ffmpeg"]);
    args.push(stub.display().to_string());
    let out = kinema(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(std::fs::read(&video).unwrap(), b"previous");
    std::fs::remove_file(&stub).unwrap();
    assert_eq!(left_over(), ["moving.tsx", "out.mp4"]);

    // A still too: a limit of half its size.
    let image = dir.join("frame.png");
    let still = [
        "still",
        code.to_str().unwrap(),
        "DynamicComp",
        image.to_str().unwrap(),
        "--width",
        "320",
        "--height",
        "180",
    ];
    let out = kinema(&still);
    assert!(out.status.success(), "{}", stderr(&out));
    let still_size = std::fs::metadata(&image).unwrap().len();
    std::fs::remove_file(&image).unwrap();
    let out = kinema_with_file_limit(&still, still_size / 2);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("cannot write") && err.contains("File too large"),
        "{err}"
    );
    assert_eq!(left_over(), ["moving.tsx", "out.mp4"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_writes_every_codec_and_falls_back_to_the_builtin_encoder() {
    let dir = render_dir("codecs");
    let code = dir.join("moving.tsx");
    std::fs::write(&code, MOVING).unwrap();
    // Renders `name` through `run` (kinema with or without ffmpeg on its PATH), checks that
    // it decodes cleanly and returns the --json report and kinema's log.
    let render_with = |run: fn(&[&str]) -> Output, name: &str, extra: &[&str]| {
        let video = dir.join(name);
        let mut args = vec![
            "render",
            code.to_str().unwrap(),
            "DynamicComp",
            video.to_str().unwrap(),
            "--width",
            "160",
            "--height",
            "90",
            "--duration",
            "24",
            "--json",
        ];
        args.extend(extra);
        let out = run(&args);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let decode = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(&video)
            .args(["-f", "null", "-"])
            .output()
            .unwrap();
        assert!(decode.stderr.is_empty(), "{}", stderr(&decode));
        (report, stderr(&out))
    };
    let render = |name: &str, extra: &[&str]| render_with(kinema, name, extra).0;

    // No ffmpeg: H.264 still renders, with the built-in encoder.
    let (report, log) = render_with(kinema_without_ffmpeg, "builtin.mp4", &[]);
    assert!(log.contains("built-in H.264 encoder"), "{log}");
    assert_eq!(report["encoder"], "builtin");
    assert_eq!(report["codec"], "h264");
    // Memory: Kinema's own peak (its code and fonts alone are more than 10 MB), and no ffmpeg.
    let megabytes = |report: &serde_json::Value, field: &str| {
        report[field]
            .as_u64()
            .unwrap_or_else(|| panic!("{field}: {report}"))
            / 1_000_000
    };
    assert!(megabytes(&report, "peakMemoryBytes") > 10, "{report}");
    assert_eq!(report["encoderPeakMemoryBytes"], 0);
    let stream = probe(&dir.join("builtin.mp4"));
    assert_eq!(stream["codec_name"], "h264");
    assert_eq!(stream["nb_read_frames"], "24");
    // openh264's own log (it warns that a bitrate is not held exactly) goes to Kinema's log,
    // not onto the terminal.
    let (_, log) = render_with(
        kinema,
        "bitrate.mp4",
        &["--encoder", "builtin", "--video-bitrate", "300k"],
    );
    assert!(!log.contains("OpenH264"), "{log}");

    // Without --codec the output's extension picks it, as Remotion's CLI does.
    for (name, codec) in [
        ("derived.webm", "vp8"),
        ("derived.gif", "gif"),
        ("derived.mov", "prores"),
        ("derived.mkv", "h264"),
    ] {
        assert_eq!(render(name, &[])["codec"], codec, "{name}");
    }
    // Without ffmpeg, or with the built-in encoder asked for, a .mov is H.264 (ProRes needs
    // ffmpeg).
    let (report, _) = render_with(kinema_without_ffmpeg, "builtin.mov", &[]);
    assert_eq!(report["codec"], "h264");
    let report = render("builtin-asked.mov", &["--encoder", "builtin"]);
    assert_eq!(
        (&report["codec"], &report["encoder"]),
        (&"h264".into(), &"builtin".into())
    );

    // In chunks, and (one thread, one chunk) straight into the output.
    for (name, codec, probed) in [
        ("h265.mp4", "h265", "hevc"),
        ("vp8.webm", "vp8", "vp8"),
        ("vp9.webm", "vp9", "vp9"),
        ("prores.mov", "prores", "prores"),
    ] {
        for (chunking, chunks) in [
            (["--frames-per-chunk", "6"], 4),
            (["--concurrency", "1"], 1),
        ] {
            let report = render(
                name,
                &["--codec", codec, "--overwrite", chunking[0], chunking[1]],
            );
            assert_eq!(report["chunks"], chunks);
            assert_eq!(report["encoder"], "ffmpeg");
            // ffmpeg maps ~40 MB of libraries before it encodes anything.
            assert!(
                megabytes(&report, "encoderPeakMemoryBytes") > 10,
                "{report}"
            );
            let stream = probe(&dir.join(name));
            assert_eq!(stream["codec_name"], probed, "{name}");
            assert_eq!(stream["nb_read_frames"], "24", "{name}");
            assert_eq!(stream["r_frame_rate"], "30/1", "{name}");
            // VP8 knows only the BT.601 matrix; the primaries and transfer are sRGB's.
            let matrix = if codec == "vp8" { "bt470bg" } else { "bt709" };
            assert_eq!(stream["color_space"], matrix, "{name} {chunking:?}");
            for tag in ["color_primaries", "color_transfer"] {
                assert_eq!(stream[tag], "bt709", "{name} {chunking:?}: {tag}");
            }
            assert_eq!(stream["color_range"], "tv", "{name} {chunking:?}");
        }
    }

    // Relative output paths, into a folder whose name holds a '|' (where ffmpeg's concat
    // protocol splits), for both ways of joining chunks, with ffmpeg given by a relative path.
    std::fs::create_dir_all(dir.join("a|b")).unwrap();
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    let system_ffmpeg = Command::new("sh")
        .args(["-c", "command -v ffmpeg"])
        .output()
        .unwrap();
    std::os::unix::fs::symlink(
        String::from_utf8_lossy(&system_ffmpeg.stdout).trim(),
        dir.join("bin/ffmpeg"),
    )
    .unwrap();
    // A folder that does not exist yet is made, as Remotion does.
    for (name, codec) in [
        ("a|b/relative.webm", "vp9"),
        ("a|b/relative.mp4", "h264"),
        ("made/for/it.mp4", "h264"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_kinema"))
            .current_dir(&dir)
            .args(["render", code.to_str().unwrap(), "DynamicComp", name])
            .args(["--ffmpeg", "bin/ffmpeg"])
            .args(["--width", "160", "--height", "90", "--duration", "24"])
            .args(["--codec", codec, "--frames-per-chunk", "6"])
            .env("KINEMA_LOG", "warn")
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(probe(&dir.join(name))["nb_read_frames"], "24", "{name}");
    }

    // Every 2nd frame of 24 at 30 fps: a 12-frame GIF at 15 fps.
    let report = render(
        "every-2nd.gif",
        &["--codec", "gif", "--every-nth-frame", "2"],
    );
    assert_eq!(report["frames"], 12);
    assert_eq!(report["fps"], 15.0);
    let stream = probe(&dir.join("every-2nd.gif"));
    assert_eq!(stream["codec_name"], "gif");
    assert_eq!(stream["nb_read_frames"], "12");
    assert_eq!(
        report["lastFrame"], 22,
        "the last frame rendered, not the range's end"
    );
    // A 60 fps composition is too fast for a GIF, but every 2nd frame of it is not.
    let report = render(
        "sixty.gif",
        &["--codec", "gif", "--every-nth-frame", "2", "--fps", "60"],
    );
    assert_eq!(report["fps"], 30.0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_interrupted_render_removes_its_temporary_files() {
    let dir = render_dir("sigint");
    let code = dir.join("moving.tsx");
    std::fs::write(&code, MOVING).unwrap();
    let video = dir.join("long.mp4");
    // Ctrl-C; the terminal closing (SIGHUP); and under `nohup` (SIGHUP ignored), a hangup that
    // must not stop the render, then Ctrl-C.
    for (nohup, signals) in [
        (false, &[libc::SIGINT][..]),
        (false, &[libc::SIGHUP]),
        (true, &[libc::SIGHUP, libc::SIGINT]),
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kinema"));
        if nohup {
            use std::os::unix::process::CommandExt as _;
            // SAFETY: between fork and exec only signal(2), which is async-signal-safe.
            unsafe {
                command.pre_exec(|| {
                    libc::signal(libc::SIGHUP, libc::SIG_IGN);
                    Ok(())
                });
            }
        }
        let mut child = command
            .args([
                "render",
                code.to_str().unwrap(),
                "DynamicComp",
                video.to_str().unwrap(),
                "--width",
                "1280",
                "--height",
                "720",
                "--duration",
                "3000",
                "--x264-preset",
                "medium",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until chunk files exist, so the interrupt lands mid-render.
        let started = std::time::Instant::now();
        let chunk_dir_exists = || {
            std::fs::read_dir(&dir).unwrap().any(|e| {
                e.unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".chunks")
            })
        };
        while !chunk_dir_exists() && started.elapsed().as_secs() < 60 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
        for (i, &signal) in signals.iter().enumerate() {
            if i > 0 {
                // The signal before was ignored: the render goes on.
                std::thread::sleep(std::time::Duration::from_millis(500));
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "stopped by {signals:?}"
                );
            }
            // SAFETY: kill(2) on our own child, which has not been waited for yet.
            unsafe {
                libc::kill(child.id() as libc::pid_t, signal);
            }
        }
        let out = child.wait_with_output().unwrap();
        assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
        // As a shell reports a program the signal stopped.
        let last = *signals.last().unwrap();
        assert_eq!(out.status.code(), Some(128 + last), "{}", stderr(&out));
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("moving.tsx")]);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_project_takes_the_size_rate_and_length_flags_in_place_of_its_own() {
    let dir = render_dir("overrides");
    let video = dir.join("small.mp4");
    let entry = example("showcase/src/index.ts");
    let out = kinema(&[
        "render",
        &entry,
        "TitleCard",
        video.to_str().unwrap(),
        "--width",
        "320",
        "--height",
        "180",
        "--fps",
        "60",
        "--duration",
        "6",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stream = probe(&video);
    assert_eq!(stream["width"], 320);
    assert_eq!(stream["height"], 180);
    assert_eq!(stream["r_frame_rate"], "60/1");
    assert_eq!(stream["nb_read_frames"], "6");
    // A still and the element tree see the same composition.
    let still = dir.join("small.png");
    let out = kinema(&[
        "still",
        &entry,
        "TitleCard",
        still.to_str().unwrap(),
        "--width",
        "320",
        "--height",
        "180",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(image::image_dimensions(&still).unwrap(), (320, 180));
    let out = kinema(&["tree", &entry, "TitleCard", "--json", "--width", "320"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tree: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tree["width"], 320, "{tree}");
    // So does the list of compositions.
    let out = kinema(&["compositions", &entry, "--json", "--fps", "60"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let title = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "TitleCard")
        .unwrap();
    assert_eq!(title["fps"], 60.0, "{title}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn with_several_threads_the_earliest_failing_frame_is_reported() {
    let dir = render_dir("earliest");
    let code = dir.join("late.tsx");
    // Frames 5 and on throw; two threads take frames 0-11 and 12-23, so the second fails at
    // once, at frame 12, while the first is still at frames before 5.
    std::fs::write(
        &code,
        "import {useCurrentFrame} from 'remotion';\n\
         export default () => {\n\
           const frame = useCurrentFrame();\n\
           if (frame >= 5) throw new Error('broken from ' + frame);\n\
           return <div style={{width: 10, height: 10, background: 'red'}} />;\n\
         };\n",
    )
    .unwrap();
    let video = dir.join("out.mp4");
    for _ in 0..3 {
        let out = render_tiny(kinema, &code, &video, 24, &["--concurrency", "2"]);
        let err = stderr(&out);
        assert!(!out.status.success());
        // Named once, not "cannot render frame 5: …, frame 5".
        assert!(
            err.contains("composition 'DynamicComp', frame 5: Error: broken from 5"),
            "{err}"
        );
        let error = err
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or_default();
        assert_eq!(error.matches("frame 5").count(), 1, "{err}");
        assert!(!video.exists());
    }
    // With --json the failure is a JSON object on stdout, naming the frame and the line.
    let out = render_tiny(kinema, &code, &video, 24, &["--concurrency", "2", "--json"]);
    assert!(!out.status.success());
    let failure: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(failure["frame"], 5, "{failure}");
    assert_eq!(failure["file"], "late.tsx", "{failure}");
    assert_eq!(failure["line"], 4, "{failure}");
    assert_eq!(
        failure["exception"]["message"], "broken from 5",
        "{failure}"
    );
    assert!(
        failure["error"]
            .as_str()
            .unwrap()
            .contains("frame 5: Error: broken from 5"),
        "{failure}"
    );
    // So are usage errors.
    let out = render_tiny(kinema, &code, &video, 24, &["--crf", "high", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let failure: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        failure["error"].as_str().unwrap().contains("'--crf <CRF>'"),
        "{failure}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn read_only_outputs_are_not_replaced() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = render_dir("read-only");
    let code = red_square(&dir);
    let write = |output: &Path| {
        if output.extension().is_some_and(|e| e == "mp4") {
            return render_tiny(kinema, &code, output, 3, &[]);
        }
        let (code, path) = (code.to_str().unwrap(), output.to_str().unwrap());
        kinema(&[
            "still",
            code,
            "DynamicComp",
            path,
            "--width",
            "64",
            "--height",
            "36",
        ])
    };
    for name in ["kept.mp4", "kept.png"] {
        let output = dir.join(name);
        std::fs::write(&output, b"precious").unwrap();
        std::fs::set_permissions(&output, std::fs::Permissions::from_mode(0o444)).unwrap();
        let out = write(&output);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains(&format!("{} is read-only", output.display())),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(&output).unwrap(), b"precious");
        // Made writable, it is replaced as any output is.
        std::fs::set_permissions(&output, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = write(&output);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_ne!(std::fs::read(&output).unwrap(), b"precious");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `run` renders code file `code` (composition `DynamicComp`) at 64x36 for `frames` frames
/// into `output`, with `extra` flags.
fn render_tiny(
    run: fn(&[&str]) -> Output,
    code: &Path,
    output: &Path,
    frames: u32,
    extra: &[&str],
) -> Output {
    let frames = frames.to_string();
    let (code, output) = (code.to_str().unwrap(), output.to_str().unwrap());
    let mut args = vec!["render", code, "DynamicComp", output];
    args.extend(["--width", "64", "--height", "36", "--duration", &frames]);
    args.extend(extra);
    run(&args)
}

/// A code file in `dir` drawing a small red square: the least a render needs.
fn red_square(dir: &Path) -> PathBuf {
    let code = dir.join("dot.tsx");
    std::fs::write(
        &code,
        "export default () => <div style={{width: 10, height: 10, background: 'red'}} />;\n",
    )
    .unwrap();
    code
}

#[test]
fn temporaries_of_killed_renders_are_removed_by_the_next_render() {
    let dir = render_dir("stale");
    let code = red_square(&dir);
    // What `kill -9` left (a process id no system reaches), and what a render still running
    // (process 1 always runs) has: only the first goes.
    let stale_file = dir.join(".out.mp4.999999999.partial.mp4");
    let stale_chunks = dir.join(".out.mp4.999999999.partial.chunks");
    let running = dir.join(".out.mp4.1.partial.mp4");
    let other_output = dir.join(".other.mp4.999999999.partial.mp4");
    std::fs::write(&stale_file, b"").unwrap();
    std::fs::create_dir_all(&stale_chunks).unwrap();
    std::fs::write(stale_chunks.join("chunk-0.ts"), b"x").unwrap();
    std::fs::write(&running, b"").unwrap();
    std::fs::write(&other_output, b"").unwrap();
    let video = dir.join("out.mp4");
    let out = render_tiny(kinema, &code, &video, 3, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stale_file.exists() && !stale_chunks.exists());
    assert!(running.exists() && other_output.exists());
    // A folder in the output's path that is a file is named.
    let out = kinema(&[
        "render",
        code.to_str().unwrap(),
        "DynamicComp",
        video.join("x.mp4").to_str().unwrap(),
    ]);
    assert!(
        stderr(&out).contains("out.mp4 is a file, not a folder"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn flags_that_would_go_unused_are_pointed_out() {
    let dir = render_dir("unused");
    let code = red_square(&dir);
    // Without ffmpeg an .mkv cannot be written: the error says why the built-in encoder came in.
    let out = render_tiny(kinema_without_ffmpeg, &code, &dir.join("out.mkv"), 3, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("ffmpeg is not on the PATH, so the built-in encoder")
            && stderr(&out).contains("out.mkv"),
        "{}",
        stderr(&out)
    );
    // --ffmpeg beside --encoder builtin is said to be unused.
    let builtin = ["--encoder", "builtin", "--ffmpeg", "/opt/ffmpeg"];
    let out = render_tiny(kinema, &code, &dir.join("out.mp4"), 3, &builtin);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--ffmpeg /opt/ffmpeg is not used"),
        "{}",
        stderr(&out)
    );
    // A JPEG quality for a PNG is refused, as Remotion refuses it.
    let png = dir.join("still.png");
    let out = kinema(&[
        "still",
        code.to_str().unwrap(),
        "DynamicComp",
        png.to_str().unwrap(),
        "--jpeg-quality",
        "50",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--jpeg-quality applies to .jpg and .jpeg images"),
        "{}",
        stderr(&out)
    );
    assert!(!png.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inline_svg_images_never_read_files() {
    // usvg reads an <image href="/path"> from disk by default: a composition could then draw
    // any file of the machine (on the farm, whoever calls it). Only data: URLs are read.
    let dir = render_dir("svg-href");
    let secret = dir.join("secret.png");
    image::RgbaImage::from_pixel(4, 4, image::Rgba([255, 0, 0, 255]))
        .save(&secret)
        .unwrap();
    let code = dir.join("svg.tsx");
    std::fs::write(
        &code,
        format!(
            "export default () => <svg width={{160}} height={{90}}>\
             <image href=\"{}\" width={{160}} height={{90}} /></svg>;\n",
            secret.display()
        ),
    )
    .unwrap();
    let still = dir.join("still.png");
    let out = kinema(&[
        "still",
        code.to_str().unwrap(),
        "DynamicComp",
        still.to_str().unwrap(),
        "--width",
        "160",
        "--height",
        "90",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pixel = *image::open(&still).unwrap().to_rgba8().get_pixel(80, 45);
    assert_ne!(pixel.0, [255, 0, 0, 255], "the file was drawn");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The streams of `path` as ffprobe lists them: (codec_type, codec_name, duration).
fn streams(path: &Path) -> Vec<(String, String, f64)> {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "stream=codec_type,codec_name,duration",
        ])
        .args(["-of", "json"])
        .arg(path)
        .output()
        .unwrap();
    let probe: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    probe["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["codec_type"].as_str().unwrap_or_default().to_string(),
                s["codec_name"].as_str().unwrap_or_default().to_string(),
                s["duration"]
                    .as_str()
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(f64::NAN),
            )
        })
        .collect()
}

/// How long `path`'s sound plays, decoded.
fn decoded_seconds(path: &Path) -> f64 {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-ac", "1", "-ar", "48000", "pipe:1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    (out.stdout.len() / 4) as f64 / 48_000.0
}

/// The loudness (RMS) of `path`'s sound over `seconds` from `at`.
fn loudness(path: &Path, at: f64, seconds: f64) -> f64 {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-ac", "1", "-ar", "48000", "pipe:1"])
        .output()
        .unwrap();
    let samples = kinema_encode::audio::from_bytes(&out.stdout);
    let from = (at * 48_000.0) as usize;
    let to = ((at + seconds) * 48_000.0) as usize;
    let window = &samples[from.min(samples.len())..to.min(samples.len())];
    (window.iter().map(|s| f64::from(s * s)).sum::<f64>() / window.len().max(1) as f64).sqrt()
}

#[test]
fn audio_and_video_elements_are_mixed_into_the_soundtrack() {
    let dir = render_dir("sound");
    std::fs::create_dir_all(dir.join("public")).unwrap();
    let tone = dir.join("public/tone.wav");
    common::tone(&tone, 3);
    // Silent for half a second, then fading in over half a second.
    let code = dir.join("song.tsx");
    std::fs::write(
        &code,
        "import {Audio, Sequence, staticFile, interpolate} from 'remotion';\n\
         export default () => (\n\
           <Sequence from={15}>\n\
             <Audio src={staticFile('tone.wav')}\n\
               volume={(f) => interpolate(f, [0, 15], [0, 1], {extrapolateRight: 'clamp'})} />\n\
           </Sequence>\n\
         );\n",
    )
    .unwrap();
    let video = dir.join("song.mp4");
    let out = render_tiny(kinema, &code, &video, 60, &["--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["audioCodec"], "aac");
    let found = streams(&video);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[1].0.as_str(), found[1].1.as_str()), ("audio", "aac"));
    assert!((found[1].2 - 2.0).abs() < 0.05, "{found:?}");
    // A sine of amplitude 1/8 has an RMS of 0.088.
    assert!(loudness(&video, 0.0, 0.45) < 0.001);
    let fading = loudness(&video, 0.6, 0.1);
    assert!(fading > 0.01 && fading < 0.06, "{fading}");
    assert!((loudness(&video, 1.2, 0.5) - 0.088).abs() < 0.005);

    // Several threads and chunks, a WebM (Opus), and a chunked render agree.
    let webm = dir.join("song.webm");
    let out = render_tiny(kinema, &code, &webm, 60, &["--concurrency", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let found = streams(&webm);
    assert_eq!(found[1].1, "opus", "{found:?}");
    assert!((loudness(&webm, 1.2, 0.5) - 0.088).abs() < 0.01);

    // --muted leaves it out, as does a GIF.
    let out = render_tiny(kinema, &code, &video, 60, &["--muted"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(streams(&video).len(), 1);
    // Flags that cannot apply are refused before rendering.
    for (flags, output, says) in [
        (
            &["--muted", "--audio-codec", "aac"][..],
            "a.mp4",
            "--audio-codec: the video is muted",
        ),
        (
            &["--audio-codec", "pcm-16"][..],
            "a.mp4",
            "pcm-16 sound cannot go in a .mp4 file",
        ),
        (
            &["--audio-codec", "flac"][..],
            "a.mp4",
            "\"flac\" is not an audio codec",
        ),
        (&["--audio-bitrate", "loud"][..], "a.mp4", "--audio-bitrate"),
        (&["--audio-codec", "aac"][..], "a.gif", "a GIF has no sound"),
    ] {
        let out = render_tiny(kinema, &code, &dir.join(output), 60, flags);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(says), "{flags:?}: {}", stderr(&out));
        assert!(!dir.join(output).exists());
    }

    // The built-in encoder's video gets its sound from an ffmpeg on the PATH; with none, the
    // video is written without sound, and says so.
    let builtin = dir.join("builtin.mp4");
    let out = render_tiny(kinema, &code, &builtin, 60, &["--encoder", "builtin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(streams(&builtin)[1].1, "aac");
    let out = render_tiny(kinema_without_ffmpeg, &code, &builtin, 60, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the video has no sound"),
        "{}",
        stderr(&out)
    );

    // A sound that is not there names itself and the first frame that plays it.
    std::fs::write(
        &code,
        "import {Audio, Sequence, staticFile} from 'remotion';\n\
         export default () => <Sequence from={7}><Audio src={staticFile('gone.mp3')} /></Sequence>;\n",
    )
    .unwrap();
    let out = render_tiny(kinema, &code, &dir.join("gone.mp4"), 30, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("frame 7: cannot load the sound of \"/static/gone.mp3\""),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("gone.mp4").exists());
    let out = render_tiny(kinema, &code, &dir.join("gone.mp4"), 30, &["--json"]);
    let failure: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(failure["frame"], 7, "{failure}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn video_elements_show_their_pictures_across_chunks() {
    let dir = render_dir("video-pictures");
    std::fs::create_dir_all(dir.join("public")).unwrap();
    common::counter_video(&dir.join("public/counter.mov"));
    let code = dir.join("clip.tsx");
    std::fs::write(
        &code,
        "import {AbsoluteFill, OffthreadVideo, Sequence, staticFile} from 'remotion';\n\
         export default () => (\n\
           <AbsoluteFill style={{background: 'black'}}>\n\
             <Sequence from={5}>\n\
               <OffthreadVideo src={staticFile('counter.mov')} style={{width: '100%', height: '100%'}} />\n\
             </Sequence>\n\
           </AbsoluteFill>\n\
         );\n",
    )
    .unwrap();
    let video = dir.join("clip.mp4");
    // Small chunks on two threads: each chunk's first frame starts a decoder of its own.
    let out = render_tiny(
        kinema,
        &code,
        &video,
        45,
        &["--concurrency", "2", "--frames-per-chunk", "7", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // A video without a sound track adds no sound.
    assert_eq!(report["audioCodec"], serde_json::Value::Null);
    assert_eq!(streams(&video).len(), 1);
    let decoded = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&video)
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .unwrap();
    let frame_bytes = 64 * 36 * 3;
    assert_eq!(decoded.stdout.len(), 45 * frame_bytes);
    for (f, frame) in decoded.stdout.chunks(frame_bytes).enumerate() {
        let centre = (18 * 64 + 32) * 3;
        let [r, g, b] = [frame[centre], frame[centre + 1], frame[centre + 2]].map(i32::from);
        // Nothing before frame 5; then a picture a frame, holding the last from frame 34.
        let expected = match f {
            0..5 => [0, 0, 0],
            _ => {
                let n = (f as i32 - 5).min(29);
                [8 * n, 128, 255 - 8 * n]
            }
        };
        assert!(
            (r - expected[0]).abs() <= 3
                && (g - expected[1]).abs() <= 3
                && (b - expected[2]).abs() <= 3,
            "frame {f}: {r} {g} {b}, expected {expected:?}"
        );
    }
    // A still decodes its picture with the ffmpeg it is given.
    let (code_arg, size) = (code.to_str().unwrap(), ["--width", "64", "--height", "36"]);
    let still = dir.join("still.png");
    let missing = dir.join("no-ffmpeg");
    let mut args = vec!["still", code_arg, "DynamicComp", still.to_str().unwrap()];
    args.extend(["--frame", "10"]);
    args.extend(size);
    let out = kinema(&[&args[..], &["--ffmpeg", missing.to_str().unwrap()]].concat());
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("frame 10") && stderr(&out).contains("no-ffmpeg"),
        "{}",
        stderr(&out)
    );
    let out = kinema(&[&args[..], &["--ffmpeg", "ffmpeg"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let pixel = common::pixels_at(&still, 32, 18);
    assert_eq!(pixel, [[40, 128, 215]], "picture 5");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn prores_profiles_and_gif_loops_follow_the_flags() {
    let dir = render_dir("profiles");
    let code = red_square(&dir);
    let mov = dir.join("clip.mov");
    for (flags, profile) in [
        (&[][..], "HQ"),
        (&["--prores-profile", "proxy"][..], "Proxy"),
        (&["--prores-profile", "light"][..], "LT"),
        (&["--prores-profile", "4444"][..], "4444"),
        (
            &[
                "--prores-profile",
                "4444-xq",
                "--pixel-format",
                "yuva444p10le",
            ][..],
            "XQ",
        ),
    ] {
        let out = render_tiny(kinema, &code, &mov, 3, &[&["--overwrite"], flags].concat());
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(common::video_profile(&mov), profile, "{flags:?}");
    }
    // How often a GIF plays: the loop count of its NETSCAPE2.0 block, none to play once.
    let gif = dir.join("clip.gif");
    let loops = |flags: &[&str]| {
        let out = render_tiny(kinema, &code, &gif, 3, &[&["--overwrite"], flags].concat());
        assert!(out.status.success(), "{}", stderr(&out));
        common::gif_loops(&gif)
    };
    assert_eq!(loops(&[]), Some(0));
    assert_eq!(loops(&["--number-of-gif-loops", "3"]), Some(3));
    assert_eq!(loops(&["--number-of-gif-loops", "0"]), None);
    // Settings that cannot apply are refused before rendering.
    for (output, flags, says) in [
        (
            "a.mp4",
            &["--prores-profile", "hq"][..],
            "--prores-profile: only applies to prores",
        ),
        (
            "a.mov",
            &["--prores-profile", "ultra"][..],
            "\"ultra\" is not one of 4444-xq",
        ),
        (
            "a.mov",
            &["--prores-profile", "hq", "--pixel-format", "yuva444p10le"][..],
            "hq is a 4:2:2 profile",
        ),
        (
            "a.mp4",
            &["--number-of-gif-loops", "2"][..],
            "only applies to gif",
        ),
        (
            "a.gif",
            &["--number-of-gif-loops", "70000"][..],
            "at most 65535",
        ),
    ] {
        let out = render_tiny(kinema, &code, &dir.join(output), 3, flags);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(says), "{flags:?}: {}", stderr(&out));
        assert!(!dir.join(output).exists());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn enforce_audio_track_adds_silence_where_nothing_plays() {
    let dir = render_dir("enforce-audio");
    let code = red_square(&dir);
    let video = dir.join("quiet.mp4");
    let out = render_tiny(
        kinema,
        &code,
        &video,
        45,
        &["--enforce-audio-track", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["audioCodec"], "aac");
    let found = streams(&video);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[1].0.as_str(), found[1].1.as_str()), ("audio", "aac"));
    assert!((found[1].2 - 1.5).abs() < 0.05, "{found:?}");
    assert!(loudness(&video, 0.0, 1.4) < 1e-4);
    // Without it, no track.
    let out = render_tiny(kinema, &code, &video, 45, &["--overwrite"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(streams(&video).len(), 1);
    for (output, flags, says) in [
        (
            "a.mp4",
            &["--enforce-audio-track", "--muted"][..],
            "the video is muted",
        ),
        (
            "a.gif",
            &["--enforce-audio-track"][..],
            "a GIF has no sound",
        ),
    ] {
        let out = render_tiny(kinema, &code, &dir.join(output), 3, flags);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(says), "{flags:?}: {}", stderr(&out));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The names of the files in `dir`, hidden ones too, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Peak signal-to-noise ratio of two images' RGB, in dB.
fn psnr(a: &image::RgbaImage, b: &image::RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let (mut sum, mut count) = (0.0, 0.0);
    for (p, q) in a.pixels().zip(b.pixels()) {
        for c in 0..3 {
            let d = f64::from(p[c]) - f64::from(q[c]);
            sum += d * d;
            count += 1.0;
        }
    }
    match sum {
        0.0 => f64::INFINITY,
        _ => 10.0 * (255.0 * 255.0 / (sum / count)).log10(),
    }
}

#[test]
fn a_sequence_writes_an_image_per_frame_that_matches_stills() {
    let dir = render_dir("sequence");
    let code = dir.join("moving.tsx");
    std::fs::write(&code, MOVING).unwrap();
    let frames = dir.join("frames");
    let size = ["--width", "160", "--height", "90", "--duration", "24"];
    let sequence = |output: &Path, extra: &[&str]| {
        let mut args = vec![
            "render",
            code.to_str().unwrap(),
            "DynamicComp",
            output.to_str().unwrap(),
            "--sequence",
        ];
        args.extend(size);
        args.extend(extra);
        kinema(&args)
    };
    let out = sequence(
        &frames,
        &[
            "--image-format",
            "png",
            "--frames",
            "3-12",
            "--concurrency",
            "2",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["frames"], 10);
    assert_eq!(report["imageFormat"], "png");
    assert_eq!(report["threads"], 2);
    assert_eq!(
        report["firstFile"],
        frames.join("element-03.png").to_str().unwrap()
    );
    // Frame numbers padded to the last frame's digits, as Remotion names them; nothing else
    // (no temporary folder) is left.
    let expected: Vec<String> = (3..=12).map(|f| format!("element-{f:02}.png")).collect();
    assert_eq!(file_names(&frames), expected);
    // Each image is the frame `kinema still` paints, whichever thread painted it after
    // whichever frame.
    for frame in [3, 7, 12] {
        let still = dir.join(format!("still-{frame}.png"));
        let frame_flag = frame.to_string();
        let mut args = vec![
            "still",
            code.to_str().unwrap(),
            "DynamicComp",
            still.to_str().unwrap(),
            "--frame",
            &frame_flag,
        ];
        args.extend(size);
        let out = kinema(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let still = image::open(&still).unwrap().to_rgba8();
        let image = image::open(frames.join(format!("element-{frame:02}.png")))
            .unwrap()
            .to_rgba8();
        assert_eq!(image.dimensions(), (160, 90));
        assert!(psnr(&image, &still) > 50.0, "frame {frame}");
        if frame == 7 {
            // JPEG (the default) at its default quality, named by a pattern.
            let out = sequence(
                &dir.join("jpeg"),
                &[
                    "--frames",
                    "7",
                    "--image-sequence-pattern",
                    "shot_[frame].[ext]",
                ],
            );
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(file_names(&dir.join("jpeg")), ["shot_7.jpeg"]);
            let bytes = std::fs::read(dir.join("jpeg/shot_7.jpeg")).unwrap();
            assert_eq!(
                image::guess_format(&bytes).unwrap(),
                image::ImageFormat::Jpeg
            );
            let jpeg = image::load_from_memory(&bytes).unwrap().to_rgba8();
            assert!(psnr(&jpeg, &still) > 35.0, "{}", psnr(&jpeg, &still));
        }
    }

    // Transparency: kept in a PNG, white in a JPEG (as `kinema still` flattens it).
    let dot = red_square(&dir);
    for (format, corner) in [("png", [0, 0, 0, 0]), ("jpeg", [255, 255, 255, 255])] {
        let output = dir.join(format!("dot-{format}"));
        let out = render_tiny(
            kinema,
            &dot,
            &output,
            2,
            &["--sequence", "--image-format", format],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let image = image::open(output.join(format!("element-1.{format}")))
            .unwrap()
            .to_rgba8();
        assert_eq!(image.get_pixel(60, 30).0, corner, "{format}");
        let red = image.get_pixel(4, 4).0;
        assert!(
            red[0] > 240 && red[1] < 16 && red[3] == 255,
            "{format}: {red:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_sequence_changes_nothing_in_its_folder() {
    let dir = render_dir("sequence-errors");
    let code = dir.join("moving.tsx");
    std::fs::write(&code, MOVING.replace("(globalThis as any).__fail", "true")).unwrap();
    let frames = dir.join("frames");
    std::fs::create_dir_all(&frames).unwrap();
    std::fs::write(frames.join("element-15.png"), b"previous").unwrap();
    let run = |output: &Path, extra: &[&str]| {
        let mut args = vec![
            "render",
            code.to_str().unwrap(),
            "DynamicComp",
            output.to_str().unwrap(),
            "--width",
            "160",
            "--height",
            "90",
            "--duration",
            "24",
        ];
        args.extend(extra);
        let out = kinema(&args);
        assert!(!out.status.success());
        stderr(&out)
    };
    // Frame 17 throws: the earliest failing frame is named, and the folder is as it was (the
    // frames rendered before it are not moved in, the old image is not replaced).
    let err = run(
        &frames,
        &[
            "--sequence",
            "--image-format",
            "png",
            "--frames",
            "10-20",
            "--concurrency",
            "2",
        ],
    );
    assert!(err.contains("frame 17") && err.contains("boom"), "{err}");
    assert_eq!(file_names(&frames), ["element-15.png"]);
    assert_eq!(
        std::fs::read(frames.join("element-15.png")).unwrap(),
        b"previous"
    );
    // A folder the failed render made is gone again.
    let made = dir.join("made");
    let err = run(&made, &["--sequence", "--frames", "15-20"]);
    assert!(err.contains("frame 17"), "{err}");
    assert!(!made.exists());

    // Without --overwrite an image already there is refused before rendering.
    let err = run(
        &frames,
        &[
            "--sequence",
            "--image-format",
            "png",
            "--frames",
            "12-16",
            "--overwrite=false",
        ],
    );
    assert!(err.contains("element-15.png already exists"), "{err}");
    assert_eq!(file_names(&frames), ["element-15.png"]);

    // Something other than an image in the way is refused before rendering, not when the
    // images are moved in.
    std::fs::create_dir(frames.join("element-13.png")).unwrap();
    let err = run(
        &frames,
        &["--sequence", "--image-format", "png", "--frames", "12-16"],
    );
    assert!(
        err.contains("element-13.png is in the way of frame 13"),
        "{err}"
    );
    std::fs::remove_dir(frames.join("element-13.png")).unwrap();

    let file = dir.join("a-file");
    std::fs::write(&file, b"kept").unwrap();
    for (output, extra, expected) in [
        (
            &file,
            &["--sequence"][..],
            "is a file: --sequence writes its images into a folder",
        ),
        (
            &frames,
            &["--sequence", "--codec", "h264"],
            "--codec applies to videos",
        ),
        (
            &frames,
            &["--sequence", "--crf", "20"],
            "--crf applies to videos",
        ),
        (
            &frames,
            &[
                "--sequence",
                "--image-format",
                "png",
                "--jpeg-quality",
                "50",
            ],
            "--jpeg-quality applies to --image-format jpeg",
        ),
        (
            &frames,
            &["--sequence", "--image-format", "tiff"],
            "must be jpeg or png",
        ),
        (
            &frames,
            &["--sequence", "--image-sequence-pattern", "still.[ext]"],
            "has no [frame]",
        ),
        (
            &file,
            &["--image-sequence-pattern", "f-[frame].[ext]"],
            "names the images of --sequence",
        ),
        (
            &file,
            &["--image-format", "tiff"],
            "must be jpeg, png or none",
        ),
    ] {
        let err = run(output, extra);
        assert!(err.contains(expected), "{extra:?}: {err}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"kept");
    assert_eq!(file_names(&frames), ["element-15.png"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn colour_spaces_and_bitrate_ceilings_reach_the_video() {
    let dir = render_dir("colour");
    let code = dir.join("moving.tsx");
    std::fs::write(&code, MOVING).unwrap();
    let render = |name: &str, run: fn(&[&str]) -> Output, flags: &[&str]| {
        let output = dir.join(name);
        let mut args = vec!["render", code.to_str().unwrap(), "DynamicComp"];
        args.push(output.to_str().unwrap());
        args.extend(["--width", "160", "--height", "90", "--duration", "6"]);
        args.extend(flags);
        let out = run(&args);
        assert!(out.status.success(), "{flags:?}: {}", stderr(&out));
        output
    };
    // The saturated gradient decodes to the same colours whichever matrix it was written in
    // (each is tagged, and ffmpeg converts back by the tag); a matrix written but tagged
    // otherwise would be off by tens of levels.
    let bt709 = render("bt709.mp4", kinema, &[]);
    assert_eq!(common::color_matrix(&bt709), "bt709");
    let reference = common::pixels_at(&bt709, 150, 60);
    for (name, run, flags) in [
        (
            "bt601.mp4",
            kinema as fn(&[&str]) -> Output,
            &["--color-space", "bt601"][..],
        ),
        (
            "builtin-601.mp4",
            kinema,
            &["--color-space", "bt601", "--encoder", "builtin"],
        ),
        ("default.mp4", kinema, &["--color-space", "default"]),
        ("bt601.mov", kinema, &["--color-space", "bt601"]),
    ] {
        let video = render(name, run, flags);
        let expected = match flags.contains(&"bt601") {
            true => "bt470bg",
            false => "bt709",
        };
        if !name.ends_with(".mov") {
            assert_eq!(common::color_matrix(&video), expected, "{name}");
        }
        for (got, want) in common::pixels_at(&video, 150, 60).iter().zip(&reference) {
            for c in 0..3 {
                assert!(got[c].abs_diff(want[c]) <= 6, "{name}: {got:?} vs {want:?}");
            }
        }
    }
    // ProRes carries the matrix in its frame headers.
    let prores_tag = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "frame=color_space",
            "-read_intervals",
            "%+#1",
        ])
        .args(["-of", "csv=p=0"])
        .arg(dir.join("bt601.mov"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&prores_tag.stdout).trim(),
        "smpte170m"
    );

    // A ceiling over a buffer: x264 notes it in the stream; VP9 keeps to it.
    let capped = render(
        "capped.mp4",
        kinema,
        &[
            "--encoding-max-rate",
            "300k",
            "--encoding-buffer-size",
            "600k",
        ],
    );
    assert_eq!(common::x264_max_rate(&capped), Some(300));
    assert_eq!(common::x264_max_rate(&bt709), None);
    let vp9 = |name: &str, flags: &[&str]| {
        let video = render(
            name,
            kinema,
            &[&["--codec", "vp9", "--crf", "4"], flags].concat(),
        );
        std::fs::metadata(video).unwrap().len()
    };
    let uncapped = vp9("uncapped.webm", &[]);
    let capped = vp9(
        "capped.webm",
        &[
            "--encoding-max-rate",
            "20k",
            "--encoding-buffer-size",
            "40k",
        ],
    );
    assert!(capped * 2 < uncapped, "{capped} vs {uncapped} bytes");

    for (output, flags, says) in [
        (
            "a.mp4",
            &["--color-space", "bt2020-ncl"][..],
            "--color-space: bt2020-ncl is not supported yet",
        ),
        (
            "a.mp4",
            &["--color-space", "p3"][..],
            "\"p3\" is not one of default, bt601, bt709",
        ),
        (
            "a.webm",
            &["--codec", "vp8", "--color-space", "bt709"][..],
            "BT.601 only",
        ),
        ("a.gif", &["--color-space", "bt601"][..], "no colour space"),
        (
            "a.mp4",
            &["--encoding-max-rate", "1M"][..],
            "needs --encoding-buffer-size too",
        ),
        (
            "a.mp4",
            &["--encoding-buffer-size", "1M"][..],
            "--encoding-buffer-size: needs --encoding-max-rate too",
        ),
        (
            "a.mov",
            &["--encoding-buffer-size", "1M"][..],
            "prores takes no bitrate",
        ),
        (
            "a.mp4",
            &[
                "--encoder",
                "builtin",
                "--encoding-max-rate",
                "1M",
                "--encoding-buffer-size",
                "2M",
            ][..],
            "needs ffmpeg",
        ),
    ] {
        let mut args = vec!["render", code.to_str().unwrap(), "DynamicComp"];
        let output = dir.join(output);
        args.push(output.to_str().unwrap());
        args.extend(flags);
        let out = kinema(&args);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(says), "{flags:?}: {}", stderr(&out));
        assert!(!output.exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn metadata_tags_the_finished_video_whichever_way_it_was_written() {
    let dir = render_dir("metadata");
    let code = red_square(&dir);
    let render = |name: &str, flags: &[&str]| {
        let output = dir.join(name);
        let out = render_tiny(kinema, &code, &output, 4, flags);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        (common::format_tags(&output), stderr(&out))
    };
    let tags = [
        "--metadata",
        "title=Launch day",
        "--metadata",
        "comment=a=b",
    ];
    // Joined from chunks; written straight by one encoder; with a sound track muxed in.
    for (name, extra) in [
        ("joined.mp4", &["--concurrency", "2"][..]),
        ("direct.mp4", &["--concurrency", "1"]),
        ("sound.mp4", &["--enforce-audio-track"]),
        ("joined.webm", &["--concurrency", "2"]),
    ] {
        let (found, _) = render(name, &[&tags[..], extra].concat());
        assert_eq!(
            found.get("title").map(String::as_str),
            Some("Launch day"),
            "{name}"
        );
        assert_eq!(
            found.get("comment").map(String::as_str),
            Some("a=b"),
            "{name}"
        );
    }
    // MP4 keeps its format's tags only, and says so; Matroska keeps any.
    let (found, warnings) = render("custom.mp4", &["--metadata", "userId=7"]);
    assert!(!found.contains_key("userid"));
    assert!(warnings.contains("--metadata userId"), "{warnings}");
    let (found, warnings) = render("custom.mkv", &["--metadata", "userId=7"]);
    assert_eq!(found.get("userid").map(String::as_str), Some("7"));
    assert!(!warnings.contains("--metadata"), "{warnings}");
    for (name, flags, says) in [
        (
            "a.gif",
            &["--metadata", "title=x"][..],
            "--metadata: a GIF holds no metadata tags",
        ),
        (
            "a.mp4",
            &["--metadata", "title"],
            "--metadata takes KEY=VALUE",
        ),
        ("a.mp4", &["--metadata", "=x"], "--metadata takes KEY=VALUE"),
        (
            "a.mp4",
            &["--metadata", "title=x", "--encoder", "builtin"],
            "tags need ffmpeg",
        ),
    ] {
        let out = render_tiny(kinema, &code, &dir.join(name), 4, flags);
        assert!(!out.status.success());
        assert!(stderr(&out).contains(says), "{flags:?}: {}", stderr(&out));
        assert!(!dir.join(name).exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn audio_only_codecs_write_the_sound_alone() {
    let dir = render_dir("sound-alone");
    std::fs::create_dir_all(dir.join("public")).unwrap();
    common::tone(&dir.join("public/tone.wav"), 3);
    // Silent for half a second, then the tone at full volume.
    let code = dir.join("song.tsx");
    std::fs::write(
        &code,
        "import {Audio, Sequence, staticFile} from 'remotion';\n\
         export default () => <Sequence from={15}><Audio src={staticFile('tone.wav')} /></Sequence>;\n",
    )
    .unwrap();
    // The extension picks the codec, as Remotion's does; or --codec does.
    for (name, extra, codec, audio_codec, stream) in [
        ("song.mp3", &[][..], "mp3", "mp3", "mp3"),
        ("song.aac", &[][..], "aac", "aac", "aac"),
        ("song.m4a", &["--codec", "aac"][..], "aac", "aac", "aac"),
        (
            "song.wav",
            &["--concurrency", "1"][..],
            "wav",
            "pcm-16",
            "pcm_s16le",
        ),
        (
            "lossless.wav",
            &["--codec", "aac", "--audio-codec", "pcm-16"][..],
            "aac",
            "pcm-16",
            "pcm_s16le",
        ),
    ] {
        let output = dir.join(name);
        let mut flags = vec!["--json"];
        flags.extend(extra);
        let out = render_tiny(kinema, &code, &output, 60, &flags);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["codec"], codec, "{report}");
        assert_eq!(report["audioCodec"], audio_codec, "{report}");
        assert_eq!(report["frames"], 60, "{report}");
        assert_eq!(report["audible"], true, "{report}");
        let found = streams(&output);
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(
            (found[0].0.as_str(), found[0].1.as_str()),
            ("audio", stream)
        );
        // Two seconds, give or take an MP3 or AAC frame of padding.
        let seconds = decoded_seconds(&output);
        assert!((seconds - 2.0).abs() < 0.06, "{name}: {seconds}");
        assert!(loudness(&output, 0.0, 0.4) < 0.001, "{name}");
        // A sine of amplitude 1/8 has an RMS of 0.088.
        assert!(
            (loudness(&output, 1.0, 0.5) - 0.088).abs() < 0.005,
            "{name}"
        );
    }
    // --frames takes part of it: frames 15-44 are the tone's first second.
    let part = dir.join("part.mp3");
    let out = render_tiny(kinema, &code, &part, 60, &["--frames", "15-44"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!((loudness(&part, 0.2, 0.5) - 0.088).abs() < 0.005);
    // Tags go in the file.
    let tagged = dir.join("tagged.mp3");
    let out = render_tiny(kinema, &code, &tagged, 30, &["--metadata", "title=Song"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(common::format_tags(&tagged)["title"], "Song");

    // Nothing audible: silence as long as the frames, and a warning.
    let quiet = red_square(&dir);
    let silent = dir.join("silent.wav");
    let out = render_tiny(kinema, &quiet, &silent, 30, &["--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("is silence"), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["audible"], false, "{report}");
    assert_eq!(decoded_seconds(&silent), 1.0);

    // What cannot apply is refused before anything is written, and the old file is kept.
    std::fs::write(dir.join("kept.mp3"), b"old").unwrap();
    for (flags, output, says) in [
        (&["--crf", "20"][..], "a.mp3", "--crf applies to pictures"),
        (
            &["--scale", "2"][..],
            "a.wav",
            "--scale applies to pictures",
        ),
        (
            &["--muted"][..],
            "a.aac",
            "--muted: --codec aac renders the sound alone",
        ),
        (
            &["--codec", "mp3"][..],
            "a.wav",
            "--codec: mp3 writes .mp3, not a .wav file",
        ),
        (
            &["--audio-codec", "opus"][..],
            "a.m4a",
            "--audio-codec: opus is not a sound codec of aac: use aac or pcm-16",
        ),
        (
            &["--audio-bitrate", "128k"][..],
            "a.wav",
            "pcm-16 is uncompressed",
        ),
        (
            &["--codec", "flac"][..],
            "a.flac",
            "\"flac\" is not one of h264",
        ),
        (
            &["--ffmpeg", "/nonexistent/ffmpeg"][..],
            "a.mp3",
            "does not run",
        ),
        (&["--overwrite=false"][..], "kept.mp3", "already exists"),
    ] {
        let out = render_tiny(kinema, &code, &dir.join(output), 60, flags);
        assert!(!out.status.success(), "{flags:?}");
        assert!(stderr(&out).contains(says), "{flags:?}: {}", stderr(&out));
    }
    let out = render_tiny(kinema_without_ffmpeg, &code, &dir.join("a.mp3"), 60, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--codec mp3: the sound is mixed and encoded by ffmpeg"),
        "{}",
        stderr(&out)
    );
    // A frame that throws names itself; a sound that is not there names its first frame.
    let broken = dir.join("broken.tsx");
    std::fs::write(
        &broken,
        "import {useCurrentFrame} from 'remotion';\n\
         export default () => { if (useCurrentFrame() === 20) throw new Error('no tune'); return null; };\n",
    )
    .unwrap();
    let out = render_tiny(kinema, &broken, &dir.join("a.mp3"), 60, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("frame 20") && stderr(&out).contains("no tune"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        &broken,
        "import {Audio, Sequence, staticFile} from 'remotion';\n\
         export default () => <Sequence from={7}><Audio src={staticFile('gone.mp3')} /></Sequence>;\n",
    )
    .unwrap();
    let out = render_tiny(kinema, &broken, &dir.join("a.mp3"), 30, &["--json"]);
    assert!(!out.status.success());
    let failure: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(failure["frame"], 7, "{failure}");
    assert_eq!(std::fs::read(dir.join("kept.mp3")).unwrap(), b"old");
    // None of the failures left a file or a temporary behind.
    let mut left = file_names(&dir);
    left.retain(|name| name.starts_with('.') || name.starts_with("a."));
    assert!(left.is_empty(), "{left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn separate_audio_to_writes_the_sound_beside_a_silent_video() {
    let dir = render_dir("separate-audio");
    std::fs::create_dir_all(dir.join("public")).unwrap();
    common::tone(&dir.join("public/tone.wav"), 3);
    let code = dir.join("song.tsx");
    std::fs::write(
        &code,
        "import {Audio, Sequence, staticFile} from 'remotion';\n\
         export default () => <Sequence from={15}><Audio src={staticFile('tone.wav')} /></Sequence>;\n",
    )
    .unwrap();
    let (video, sound) = (dir.join("song.mp4"), dir.join("song.m4a"));
    let sound_flag = sound.to_str().unwrap();
    let out = render_tiny(
        kinema,
        &code,
        &video,
        60,
        &[
            "--separate-audio-to",
            sound_flag,
            "--concurrency",
            "2",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["audioCodec"], "aac", "{report}");
    assert_eq!(report["separateAudioTo"], sound_flag, "{report}");
    // The video has pictures only; the sound is the one the video would have held.
    let found = streams(&video);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "video");
    assert_eq!(streams(&sound)[0].1, "aac");
    assert!((decoded_seconds(&sound) - 2.0).abs() < 0.06);
    assert!(loudness(&sound, 0.0, 0.4) < 0.001);
    assert!((loudness(&sound, 1.0, 0.5) - 0.088).abs() < 0.005);
    // --audio-codec chooses the codec; the file must hold it.
    let wav = dir.join("song.wav");
    let out = render_tiny(
        kinema,
        &code,
        &video,
        60,
        &[
            "--separate-audio-to",
            wav.to_str().unwrap(),
            "--audio-codec",
            "pcm-16",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(streams(&wav)[0].1, "pcm_s16le");
    std::fs::write(dir.join("kept.mp3"), b"old").unwrap();
    for (flags, output, says) in [
        (
            &["--separate-audio-to", "x.ogg"][..],
            "a.mp4",
            "name a .mp3, .aac, .m4a, .m4b or .wav file",
        ),
        (
            &["--separate-audio-to", "x.mp3", "--audio-codec", "aac"][..],
            "a.mp4",
            "aac sound goes in .aac, .m4a or .m4b",
        ),
        (
            &["--separate-audio-to", "x.mp3", "--muted"][..],
            "a.mp4",
            "the video is muted",
        ),
        (
            &["--separate-audio-to", "x.mp3"][..],
            "a.gif",
            "a GIF has no sound",
        ),
        (
            &["--separate-audio-to", "kept.mp3", "--overwrite=false"][..],
            "a.mp4",
            "kept.mp3 already exists",
        ),
        (
            &["--separate-audio-to", "x.mp3"][..],
            "a.mp3",
            "renders the sound alone",
        ),
    ] {
        let flags: Vec<String> = flags
            .iter()
            .map(|f| match *f {
                "x.ogg" | "x.mp3" | "kept.mp3" => dir.join(f).display().to_string(),
                other => other.to_string(),
            })
            .collect();
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        let out = render_tiny(kinema, &code, &dir.join(output), 60, &flags);
        assert!(!out.status.success(), "{flags:?}");
        assert!(stderr(&out).contains(says), "{flags:?}: {}", stderr(&out));
    }
    assert_eq!(std::fs::read(dir.join("kept.mp3")).unwrap(), b"old");
    let mut left = file_names(&dir);
    left.retain(|name| name.starts_with('.') || name.starts_with("a.") || name.starts_with("x."));
    assert!(left.is_empty(), "{left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn public_dir_names_the_folder_static_files_come_from() {
    let dir = render_dir("public-dir");
    let assets = dir.join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    common::tone(&assets.join("tone.wav"), 1);
    image::RgbaImage::from_pixel(8, 8, image::Rgba([0, 0, 255, 255]))
        .save(assets.join("blue.png"))
        .unwrap();
    let code = dir.join("scene.tsx");
    std::fs::write(
        &code,
        "import {AbsoluteFill, Audio, Img, staticFile} from 'remotion';\n\
         export default () => <AbsoluteFill><Img src={staticFile('blue.png')} \
         style={{width: '100%', height: '100%'}} /><Audio src={staticFile('tone.wav')} /></AbsoluteFill>;\n",
    )
    .unwrap();
    let public = assets.to_str().unwrap();
    // Without it, there is no public/ beside the file: the image is not found.
    let still = dir.join("still.png");
    let (code_arg, still_arg) = (code.to_str().unwrap(), still.to_str().unwrap());
    let small = ["--width", "64", "--height", "36"];
    let mut args = vec!["still", code_arg, "DynamicComp", still_arg];
    args.extend(small);
    let out = kinema(&args);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("blue.png"), "{}", stderr(&out));
    args.extend(["--public-dir", public]);
    let out = kinema(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let pixel = *image::open(&still).unwrap().to_rgba8().get_pixel(32, 18);
    assert_eq!(pixel, image::Rgba([0, 0, 255, 255]));
    // Renders (video and sound alone) take it too.
    let sound = dir.join("scene.wav");
    let out = render_tiny(kinema, &code, &sound, 30, &["--public-dir", public]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!((loudness(&sound, 0.2, 0.5) - 0.088).abs() < 0.005);
    let video = dir.join("scene.mp4");
    let out = render_tiny(kinema, &code, &video, 30, &["--public-dir", public]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(streams(&video).len(), 2);
    let frames = dir.join("frames");
    let out = render_tiny(
        kinema,
        &code,
        &frames,
        2,
        &[
            "--sequence",
            "--image-format",
            "png",
            "--public-dir",
            public,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let first = image::open(frames.join("element-0.png"))
        .unwrap()
        .to_rgba8();
    assert_eq!(*first.get_pixel(32, 18), image::Rgba([0, 0, 255, 255]));
    let missing = dir.join("nowhere");
    let out = render_tiny(
        kinema,
        &code,
        &video,
        30,
        &["--public-dir", missing.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--public-dir") && stderr(&out).contains("is not a folder"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn audio_only_and_separate_sound_renders_clean_up_after_themselves() {
    let dir = render_dir("sound-cleanup");
    // Slow to compose (a busy loop a frame), so an interrupt lands mid-render.
    let code = dir.join("slow.tsx");
    std::fs::write(
        &code,
        "import {useCurrentFrame} from 'remotion';\n\
         export default () => { let x = 0; for (let i = 0; i < 300000; i++) x += i; \
         return <div>{useCurrentFrame() + (x % 2)}</div>; };\n",
    )
    .unwrap();
    let sound = dir.join("long.mp3");
    let child = Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(["render", code.to_str().unwrap(), "DynamicComp"])
        .arg(&sound)
        .args(["--duration", "100000"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for its temporary file, so the interrupt lands while it composes.
    let started = std::time::Instant::now();
    while !file_names(&dir).iter().any(|n| n.contains(".partial."))
        && started.elapsed().as_secs() < 60
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SAFETY: kill(2) on our own child, which has not been waited for yet.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert_eq!(file_names(&dir), vec!["slow.tsx".to_string()]);

    // A sound file that cannot be written is found before any frame is painted, and nothing
    // is left of the video either.
    let quick = red_square(&dir);
    let video = dir.join("quick.mp4");
    let blocked = dir.join("slow.tsx/sound.wav");
    let out = render_tiny(
        kinema,
        &quick,
        &video,
        30,
        &["--separate-audio-to", blocked.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is a file, not a folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        file_names(&dir),
        vec!["dot.tsx".to_string(), "slow.tsx".to_string()]
    );
    // A lossless sound for a video goes where a file holds it.
    let out = render_tiny(kinema, &quick, &video, 30, &["--prefer-lossless"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--prefer-lossless: pcm-16 sound cannot go in a .mp4 file"),
        "{}",
        stderr(&out)
    );
    let mkv = dir.join("quick.mkv");
    let out = render_tiny(
        kinema,
        &quick,
        &mkv,
        30,
        &["--prefer-lossless", "--enforce-audio-track"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(streams(&mkv)[1].1, "pcm_s16le");
    let wav = dir.join("quick.wav");
    let out = render_tiny(
        kinema,
        &quick,
        &wav,
        30,
        &["--codec", "mp3", "--prefer-lossless"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(streams(&wav)[0].1, "pcm_s16le");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs `kinema` in `dir` with `env` added to its environment.
fn kinema_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(args)
        .current_dir(dir)
        .env("KINEMA_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .expect("runs kinema")
}

#[test]
fn environment_variables_reach_process_env() {
    let dir = project_dir(
        "env",
        "import {AbsoluteFill, Composition, registerRoot} from 'remotion';\n\
         const Card = () => <AbsoluteFill style={{background: process.env.COLOR}}>\
         {`${process.env.REMOTION_GREETING}/${process.env.NODE_ENV}`}</AbsoluteFill>;\n\
         registerRoot(() => <Composition id=\"Card\" component={Card} durationInFrames={12} \
         fps={30} width={64} height={36} />);\n",
    );
    // The project's .env is read (a line that is not a variable is pointed out), and
    // REMOTION_ variables of the environment are passed.
    // (A colour is quoted: an unquoted # starts a comment, as dotenv reads it.)
    std::fs::write(
        dir.join(".env"),
        "# colours\nCOLOR='#ff0000'\nnot a variable\n",
    )
    .unwrap();
    let tree = |env: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["tree", "src/index.tsx", "Card", "--json"];
        args.extend(extra);
        let out = kinema_in(&dir, env, &args);
        assert!(out.status.success(), "{}", stderr(&out));
        let tree: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let element = &tree["root"][0];
        (
            element["style"]["background"].as_str().unwrap().to_string(),
            element["children"][0]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            stderr(&out),
        )
    };
    let (colour, text, log) = tree(&[("REMOTION_GREETING", "hi"), ("GREETING", "no")], &[]);
    assert_eq!(
        (colour.as_str(), text.as_str()),
        ("#ff0000", "hi/production")
    );
    assert!(log.contains(".env:3: skipped, not KEY=VALUE"), "{log}");
    // --env-file replaces the project's .env, and its variables win over the environment's.
    std::fs::write(
        dir.join("other.env"),
        "export COLOR=\"#00ff00\"\nREMOTION_GREETING='from the file'\n",
    )
    .unwrap();
    let (colour, text, _) = tree(&[("REMOTION_GREETING", "hi")], &["--env-file", "other.env"]);
    assert_eq!(
        (colour.as_str(), text.as_str()),
        ("#00ff00", "from the file/production")
    );
    // Renders and stills read them too.
    let out = kinema_in(
        &dir,
        &[],
        &["render", "src/index.tsx", "Card", "card.mp4", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Red, away from the text in the top left corner.
    let colours = common::pixels_at(&dir.join("card.mp4"), 60, 32);
    assert_eq!(colours.len(), 12);
    for colour in colours {
        assert!(
            colour[0] > 235 && colour[1] < 20 && colour[2] < 20,
            "{colour:?}"
        );
    }
    let out = kinema_in(
        &dir,
        &[],
        &[
            "still",
            "src/index.tsx",
            "Card",
            "card.png",
            "--env-file",
            "other.env",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let image = image::open(dir.join("card.png")).unwrap().to_rgb8();
    assert_eq!(image.get_pixel(0, 0).0, [0, 255, 0]);
    // A file that is not there fails, naming the flag.
    let out = kinema_in(
        &dir,
        &[],
        &["tree", "src/index.tsx", "Card", "--env-file", "missing.env"],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--env-file missing.env: cannot read it"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn render_threads_take_the_props_calculate_metadata_resolved_once() {
    // calculateMetadata counts its runs in each engine and returns a date. Every render thread
    // must paint the props it resolved once, as they are: blue, where its own run or a date
    // turned into a string would paint red.
    let dir = project_dir(
        "resolved",
        "import {registerRoot, Composition, AbsoluteFill} from 'remotion';\n\
         const Show = ({color, when}) => {\n\
           const adopted = globalThis.runs === undefined && when instanceof Date;\n\
           return <AbsoluteFill style={{background: adopted ? color : '#ff0000'}} />;\n\
         };\n\
         registerRoot(() => <Composition id=\"Meta\" component={Show} durationInFrames={1} \
           fps={30} width={64} height={36} calculateMetadata={({props}) => {\n\
         globalThis.runs = (globalThis.runs ?? 0) + 1;\n\
         return {durationInFrames: 12, props: {color: '#0000ff', when: new Date()}};\n\
           }} />);\n",
    );
    let out = kinema_in(
        &dir,
        &[],
        &[
            "render",
            "src/index.tsx",
            "Meta",
            "out.mp4",
            "--concurrency",
            "2",
            "--frames-per-chunk",
            "5",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let colours = common::pixels_at(&dir.join("out.mp4"), 0, 0);
    assert_eq!(colours.len(), 12);
    for colour in colours {
        assert!(
            colour[0] < 20 && colour[1] < 20 && colour[2] > 230,
            "{colour:?}"
        );
    }
    // An image sequence's threads too.
    let out = kinema_in(
        &dir,
        &[],
        &[
            "render",
            "src/index.tsx",
            "Meta",
            "frames",
            "--sequence",
            "--image-format",
            "png",
            "--concurrency",
            "2",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for frame in ["element-00.png", "element-11.png"] {
        let image = image::open(dir.join("frames").join(frame))
            .unwrap()
            .to_rgb8();
        assert_eq!(image.get_pixel(0, 0).0, [0, 0, 255], "{frame}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn data_loaded_in_effects_shows_in_every_frame_of_every_thread() {
    // Remotion's useEffect + delayRender recipe: each render thread mounts the composition,
    // fetches the data once and renders its first frame with it; no frame shows the loading
    // state, and no handle is left open.
    let dir = render_dir("effects");
    std::fs::create_dir_all(dir.join("public")).unwrap();
    std::fs::write(dir.join("public/style.json"), r##"{"color": "#00ff00"}"##).unwrap();
    std::fs::write(
        dir.join("loader.tsx"),
        "import {useEffect, useState} from 'react';\n\
         import {AbsoluteFill, continueRender, delayRender, staticFile} from 'remotion';\n\
         export default () => {\n\
           const [style, setStyle] = useState(null);\n\
           const [handle] = useState(() => delayRender('style'));\n\
           useEffect(() => {\n\
             fetch(staticFile('style.json')).then((r) => r.json())\n\
               .then((json) => { setStyle(json); continueRender(handle); });\n\
           }, [handle]);\n\
           return <AbsoluteFill style={{background: style ? style.color : '#ff0000'}} />;\n\
         };\n",
    )
    .unwrap();
    let out = kinema_in(
        &dir,
        &[],
        &[
            "render",
            "loader.tsx",
            "DynamicComp",
            "out.mp4",
            "--width",
            "64",
            "--height",
            "36",
            "--duration",
            "20",
            "--concurrency",
            "2",
            "--frames-per-chunk",
            "5",
            "--public-dir",
            "public",
        ],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("delayRender"), "{err}");
    let colours = common::pixels_at(&dir.join("out.mp4"), 0, 0);
    assert_eq!(colours.len(), 20);
    for colour in colours {
        assert!(
            colour[0] < 20 && colour[1] > 230 && colour[2] < 20,
            "{colour:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn calculate_metadata_fetches_data_once_per_render() {
    // An API on this machine and a JSON file in public/: calculateMetadata fetches both, once
    // for the whole render (its threads take what it resolved).
    let (port, seen) = common::json_server(200, r#"{"frames": 6}"#);
    let dir = project_dir(
        "fetch",
        &format!(
            "import {{registerRoot, Composition, AbsoluteFill, staticFile}} from 'remotion';\n\
             const Show = ({{color}}) => <AbsoluteFill style={{{{background: color}}}} />;\n\
             registerRoot(() => <Composition id=\"Data\" component={{Show}} durationInFrames={{1}} \
               fps={{30}} width={{64}} height={{36}} calculateMetadata={{async () => {{\n\
                 const style = await (await fetch(staticFile('style.json'))).json();\n\
                 const api = await fetch('http://127.0.0.1:{port}/frames', \
                   {{method: 'POST', body: JSON.stringify({{region: 'eu'}})}});\n\
                 if (!api.ok) throw new Error(`the API answered ${{api.status}}`);\n\
                 const {{frames}} = await api.json();\n\
                 return {{durationInFrames: frames, props: style}};\n\
               }}}} />);\n"
        ),
    );
    std::fs::create_dir_all(dir.join("public")).unwrap();
    std::fs::write(dir.join("public/style.json"), r##"{"color": "#00ff00"}"##).unwrap();
    let render = |extra: &[&str]| {
        let mut args = vec!["render", "src/index.tsx", "Data", "out.mp4", "--overwrite"];
        args.extend(["--concurrency", "2", "--frames-per-chunk", "5"]);
        args.extend(extra);
        kinema_in(&dir, &[], &args)
    };
    let out = render(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let colours = common::pixels_at(&dir.join("out.mp4"), 0, 0);
    assert_eq!(colours.len(), 6);
    for colour in colours {
        assert!(
            colour[0] < 20 && colour[1] > 230 && colour[2] < 20,
            "{colour:?}"
        );
    }
    assert_eq!(
        *seen.lock().unwrap(),
        vec![r#"POST /frames {"region":"eu"}"#.to_string()]
    );
    // --offline keeps fetch() off the network too, and says so.
    let out = render(&["--offline"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!(
            "fetch http://127.0.0.1:{port}/frames failed: remote URLs are disabled"
        )),
        "{err}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn evolve_path_draws_part_of_a_stroke() {
    // @remotion/paths' evolvePath, painted: at frame 15 of 30 the line is drawn to its middle.
    let code = temp_file(
        "evolve.tsx",
        "import {useCurrentFrame, AbsoluteFill} from 'remotion';\n\
         import {evolvePath} from '@remotion/paths';\n\
         const d = 'M 10 50 L 190 50';\n\
         export default () => {\n\
           const {strokeDasharray, strokeDashoffset} = evolvePath(useCurrentFrame() / 30, d);\n\
           return <AbsoluteFill style={{background: 'black'}}><svg width={200} height={100}>\n\
             <path d={d} stroke=\"white\" strokeWidth={20} strokeDasharray={strokeDasharray} strokeDashoffset={strokeDashoffset} />\n\
           </svg></AbsoluteFill>;\n\
         };",
    );
    let dir = std::env::temp_dir().join(format!("kinema-evolve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("half.png");
    let out = kinema(&[
        "still",
        code.to_str().unwrap(),
        "DynamicComp",
        png.to_str().unwrap(),
        "--frame",
        "15",
        "--width",
        "200",
        "--height",
        "100",
        "--duration",
        "30",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let image = image::open(&png).unwrap().to_rgba8();
    let at = |x| image.get_pixel(x, 50)[0];
    assert!(at(20) > 200 && at(90) > 200, "drawn: {} {}", at(20), at(90));
    assert!(
        at(110) < 40 && at(180) < 40,
        "not yet: {} {}",
        at(110),
        at(180)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A font file installed on this machine, found under /usr/share/fonts.
fn installed_font(file: &str) -> PathBuf {
    fn find(dir: &Path, file: &str) -> Option<PathBuf> {
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if let Some(found) = find(&path, file) {
                    return Some(found);
                }
            } else if path.file_name().is_some_and(|name| name == file) {
                return Some(path);
            }
        }
        None
    }
    find(Path::new("/usr/share/fonts"), file)
        .unwrap_or_else(|| panic!("{file} is not installed (scripts/setup installs it)"))
}

#[test]
fn google_fonts_are_fetched_and_drawn() {
    // A mirror of Google's font files (KINEMA_GOOGLE_FONTS_URL) that answers with DejaVu Sans
    // Mono: text in the loaded family must be drawn from that file, exactly as text set in
    // DejaVu Sans Mono by name, and the file asked for must be Inter's regular Latin one.
    let font = std::fs::read(installed_font("DejaVuSansMono.ttf")).unwrap();
    let (port, seen) = common::http_server(200, "font/woff2", font);
    let dir = render_dir("google-fonts");
    let scene = |family: &str| {
        format!(
            "import {{AbsoluteFill}} from 'remotion';\n\
             import {{loadFont}} from '@remotion/google-fonts/Inter';\n\
             const {{fontFamily}} = loadFont('normal', {{weights: ['400'], subsets: ['latin']}});\n\
             export default () => <AbsoluteFill style={{{{background: 'white', fontSize: 60, \
             fontFamily: {family}}}}}>Kinema 123</AbsoluteFill>;"
        )
    };
    std::fs::write(dir.join("loaded.tsx"), scene("fontFamily")).unwrap();
    std::fs::write(dir.join("named.tsx"), scene("'DejaVu Sans Mono'")).unwrap();
    std::fs::write(dir.join("fallback.tsx"), scene("'sans-serif'")).unwrap();
    let mirror = format!("http://127.0.0.1:{port}/");
    let env = [("KINEMA_GOOGLE_FONTS_URL", mirror.as_str())];
    let still = |name: &str, extra: &[&str]| {
        let mut args = vec!["still", name, "DynamicComp"];
        let out = format!("{}.png", name.trim_end_matches(".tsx"));
        args.push(&out);
        args.extend(["--width", "480", "--height", "90"]);
        args.extend(extra);
        let output = kinema_in(&dir, &env, &args);
        (output, dir.join(&out))
    };
    let mut pictures = Vec::new();
    for name in ["loaded.tsx", "named.tsx", "fallback.tsx"] {
        let (output, png) = still(name, &[]);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        pictures.push(std::fs::read(png).unwrap());
    }
    assert!(
        pictures[0] == pictures[1],
        "the loaded font is not the file served"
    );
    assert!(
        pictures[0] != pictures[2],
        "the loaded font draws as the fallback"
    );
    let info: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../compose/tests/vectors/google-fonts.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let url = info["fonts"]["Inter"]["fonts"]["normal"]["400"]["latin"]
        .as_str()
        .unwrap();
    let path = url.strip_prefix("https://fonts.gstatic.com/s").unwrap();
    let requests = seen.lock().unwrap().clone();
    // Each of the three renders loads Inter once.
    assert_eq!(requests, vec![format!("GET {path} "); 3]);

    // Offline, the render stops, names the file it could not fetch and keeps the old picture.
    let (output, png) = still("loaded.tsx", &["--offline"]);
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(
        error.contains(&format!("{mirror}{}", &path[1..]))
            && error.contains("remote URLs are disabled"),
        "{error}"
    );
    assert!(std::fs::read(png).unwrap() == pictures[0]);
}
