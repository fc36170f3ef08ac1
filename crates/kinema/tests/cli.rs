//! The `kinema` binary end to end: commands, JSON output, exit codes and error messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kinema(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kinema"))
        .args(args)
        .env("KINEMA_LOG", "warn")
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

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kinema-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
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
            .any(|l| l.starts_with("Data/Counters") && l.contains("180")),
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
        stderr(&out).contains("syntax error at DynamicComp.tsx:1:29"),
        "{}",
        stderr(&out)
    );

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
    for (name, format) in [
        ("title.png", image::ImageFormat::Png),
        ("title.jpg", image::ImageFormat::Jpeg),
        ("title.webp", image::ImageFormat::WebP),
    ] {
        let path = dir.join(name);
        let out = kinema(&[
            "still",
            &example("showcase/src/index.ts"),
            "TitleCard",
            path.to_str().unwrap(),
            "--frame",
            "40",
            "--scale",
            "0.5",
            "--jpeg-quality",
            "90",
            "--json",
        ]);
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
