//! Reference-image tests: every case in tests/reference/cases.json is painted by Kinema and
//! compared with the image headless Chromium drew for the same element tree
//! (tests/reference/generate.sh). Each case has its own PSNR and SSIM floor; a table of every
//! case's scores is printed (`cargo test -p kinema-paint --test reference -- --nocapture`), and
//! Kinema's images are written to `$CARGO_TARGET_TMPDIR/reference/` for inspection.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kinema_compose::{Bundle, CodeComposition, Engine, Limits};
use kinema_paint::compare::{psnr, ssim};
use kinema_paint::{BlitzRenderer, FrameRenderer, PaintOptions};
use serde_json::Value;

const WIDTH: u32 = 480;
const HEIGHT: u32 = 270;

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference")
}

struct Case {
    name: String,
    frame: u32,
    min_psnr: f64,
    min_ssim: f64,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(reference_dir().join("cases.json")).unwrap();
    let list: Vec<Value> = serde_json::from_str(&text).unwrap();
    list.iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().to_string(),
            frame: c["frame"].as_u64().unwrap() as u32,
            min_psnr: c["minPsnr"].as_f64().unwrap(),
            min_ssim: c["minSsim"].as_f64().unwrap(),
        })
        .collect()
}

/// Kinema's image of a case, flattened on white like the browser page.
fn paint_case(case: &Case, renderer: &mut BlitzRenderer) -> Vec<u8> {
    let path = reference_dir()
        .join("cases")
        .join(format!("{}.tsx", case.name));
    let code = std::fs::read_to_string(&path).unwrap();
    let bundle = Bundle::from_code(
        &code,
        CodeComposition {
            id: "DynamicComp".into(),
            duration_in_frames: 60,
            fps: 30.0,
            width: WIDTH,
            height: HEIGHT,
        },
    )
    .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine
        .select("DynamicComp", &serde_json::json!({}))
        .unwrap();
    let tree = engine.render_frame(case.frame).unwrap();
    let frame = renderer
        .render(&tree)
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    frame.flattened([255, 255, 255])
}

fn expected_image(name: &str) -> Vec<u8> {
    let path = reference_dir().join("expected").join(format!("{name}.png"));
    let image = image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run tests/reference/generate.sh)", path.display()))
        .to_rgb8();
    assert_eq!(
        image.dimensions(),
        (WIDTH, HEIGHT),
        "{name}: reference size"
    );
    image.into_raw()
}

#[test]
fn paints_like_chromium() {
    let fonts = kinema_paint::fonts::FontLibrary::system();
    for family in [
        "Liberation Sans",
        "Liberation Serif",
        "DejaVu Sans",
        "DejaVu Sans Mono",
    ] {
        assert!(
            fonts.has_family(family),
            "the font family {family} is not installed: run ./scripts/setup (it installs \
             fonts-dejavu-core and fonts-liberation2)"
        );
    }
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reference");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut options = PaintOptions::for_public_dir(Some(reference_dir().join("public")));
    options.resources.allow_remote = false;
    // One renderer for every case, as a render thread would use it: each case is a diff from
    // the previous one.
    let mut renderer = BlitzRenderer::new(options).unwrap();
    let mut failures = Vec::new();
    let mut table =
        String::from("\ncase                               PSNR dB (min)    SSIM (min)\n");
    for case in cases() {
        let actual = paint_case(&case, &mut renderer);
        let expected = expected_image(&case.name);
        let p = psnr(&actual, &expected);
        let s = ssim(&actual, &expected, WIDTH as usize, HEIGHT as usize);
        let ok = p >= case.min_psnr && s >= case.min_ssim;
        table.push_str(&format!(
            "{:<34} {:>6.2} ({:>5.1})   {:.4} ({:.3}) {}\n",
            case.name,
            p,
            case.min_psnr,
            s,
            case.min_ssim,
            if ok { "" } else { "FAIL" }
        ));
        image::RgbImage::from_raw(WIDTH, HEIGHT, actual)
            .unwrap()
            .save(out_dir.join(format!("{}.png", case.name)))
            .unwrap();
        if !ok {
            failures.push(case.name.clone());
        }
    }
    println!("{table}");
    assert!(
        failures.is_empty(),
        "below threshold: {failures:?} (Kinema's images are in {})\n{table}",
        out_dir.display()
    );
}

#[test]
fn there_are_at_least_twenty_cases_with_references() {
    let cases = cases();
    assert!(cases.len() >= 20);
    for case in &cases {
        assert!(
            reference_dir()
                .join("expected")
                .join(format!("{}.png", case.name))
                .is_file()
        );
        assert!(
            case.min_psnr >= 27.0,
            "{}: floors never go below 27 dB",
            case.name
        );
        assert!(
            case.min_ssim >= 0.97,
            "{}: SSIM floors never go below 0.97",
            case.name
        );
    }
}
