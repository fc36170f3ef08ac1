//! Behaviour of the renderer at its boundary: element tree in, frame or error out.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kinema_compose::{Bundle, CodeComposition, Engine, FrameTree, Limits};
use kinema_paint::{BlitzRenderer, FrameRenderer, PaintError, PaintOptions};

fn public_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/public")
}

fn options() -> PaintOptions {
    let mut options = PaintOptions::for_public_dir(Some(public_dir()));
    options.resources.allow_remote = false;
    options
}

/// Options for comparing a diffed document with fresh ones pixel for pixel: every frame
/// rasterised whole, so the comparison is of the documents (damage tracking, which may round
/// a repainted edge a step differently, has its own tests in tests/damage.rs).
fn whole_frame_options() -> PaintOptions {
    PaintOptions {
        damage_tracking: false,
        ..options()
    }
}

fn engine(code: &str, width: u32, height: u32) -> Engine {
    let bundle = Bundle::from_code(
        code,
        CodeComposition {
            id: "DynamicComp".into(),
            duration_in_frames: 60,
            fps: 30.0,
            width,
            height,
        },
    )
    .unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine
        .select("DynamicComp", &serde_json::json!({}))
        .unwrap();
    engine
}

fn trees(code: &str, frames: std::ops::Range<u32>) -> Vec<FrameTree> {
    let mut engine = engine(code, 320, 180);
    frames.map(|f| engine.render_frame(f).unwrap()).collect()
}

const ANIMATED: &str = r#"
import {AbsoluteFill, interpolate, useCurrentFrame, Sequence} from 'remotion';
export default function Animated() {
  const frame = useCurrentFrame();
  const items = Array.from({length: 1 + (frame % 4)}, (_, i) => i);
  return (
    <AbsoluteFill style={{background: `linear-gradient(${frame * 3}deg, #1e1b4b, #be185d)`}}>
      <div style={{position: 'absolute', left: frame * 4, top: 20, width: 60, height: 60,
        borderRadius: 12, backgroundColor: 'white', boxShadow: '0 8px 16px rgba(0,0,0,0.5)',
        transform: `rotate(${frame * 5}deg)`}} />
      <div style={{position: 'absolute', left: 20, top: 100, fontFamily: 'sans-serif',
        fontSize: 24, color: 'white', textShadow: `0 2px ${frame % 5}px black`,
        opacity: interpolate(frame, [0, 10], [0.2, 1], {extrapolateRight: 'clamp'})}}>
        Frame {frame}
      </div>
      <div style={{position: 'absolute', right: 10, top: 10, display: 'flex', gap: 4}}>
        {items.map((i) => <div key={i} style={{width: 12, height: 12 + i * 6, backgroundColor: '#facc15'}} />)}
      </div>
      <Sequence from={6}><div style={{margin: 140, color: 'white'}}>late</div></Sequence>
    </AbsoluteFill>
  );
}
"#;

#[test]
fn frames_are_identical_across_runs_threads_and_histories() {
    let trees = trees(ANIMATED, 0..12);
    // One renderer walking every frame in order: each frame is a diff from the previous one.
    let mut sequential = BlitzRenderer::new(whole_frame_options()).unwrap();
    let walked: Vec<Vec<u8>> = trees
        .iter()
        .map(|t| sequential.render(t).unwrap().pixels)
        .collect();
    // Fresh renderers on other threads, each frame painted from an empty document.
    let trees = Arc::new(trees);
    let handles: Vec<_> = (0..3)
        .map(|worker| {
            let trees = trees.clone();
            std::thread::spawn(move || {
                let mut out = Vec::new();
                for (index, tree) in trees.iter().enumerate().skip(worker).step_by(3) {
                    let mut fresh = BlitzRenderer::new(options()).unwrap();
                    out.push((index, fresh.render(tree).unwrap().pixels));
                }
                out
            })
        })
        .collect();
    for handle in handles {
        for (index, pixels) in handle.join().unwrap() {
            assert!(
                pixels == walked[index],
                "frame {index} differs between a fresh document and a diffed one"
            );
        }
    }
    // Painting the same tree again in the same document changes nothing.
    let again = sequential.render(&trees[11]).unwrap().pixels;
    assert!(again == walked[11]);
    assert_eq!(sequential.diff_stats().created, 0);
}

#[test]
fn diffs_only_touch_what_changed() {
    let trees = trees(ANIMATED, 2..4);
    let mut renderer = BlitzRenderer::new(options()).unwrap();
    renderer.render(&trees[0]).unwrap();
    let first = renderer.diff_stats();
    renderer.render(&trees[1]).unwrap();
    let second = renderer.diff_stats();
    // fill, box, text block + its text, flex row + 3 bars
    assert_eq!(first.created, 8, "{first:?}");
    // frame 3 adds one bar to the flex row and changes a few styles and the text.
    assert_eq!(second.created, 1, "{second:?}");
    assert_eq!(second.removed, 0, "{second:?}");
    assert_eq!(second.text_changes, 1, "{second:?}");
    assert!(second.style_changes >= 4, "{second:?}");
}

/// An inline SVG whose root and contents change until frame 3, and whose inherited colour
/// changes alone at frame 4.
const MOVING_SVG: &str = r##"
import {useCurrentFrame} from 'remotion';
export default function Chart() {
  const frame = useCurrentFrame();
  const m = Math.min(frame, 3);
  return (
    <div style={{position: 'absolute', left: 0, top: 0, fontFamily: 'sans-serif',
      color: frame < 4 ? 'rgb(255, 0, 0)' : 'rgb(0, 0, 255)'}}>
      <svg width={200 + (m % 3) * 40} height={120} viewBox="0 0 200 120"
        preserveAspectRatio="none">
        <rect x={0} y={0} width={40} height={40} fill="currentColor" />
        <rect x={60 + m * 10} y={0} width={20} height={40} fill="#00ff00" />
        <g style={{color: 'rgb(255, 255, 0)'}}>
          <rect x={0} y={80} width={40} height={40} fill="currentColor" />
        </g>
        <text x={100} y={100} fontSize={20} fill="black">{`tick ${m} <&>`}</text>
      </svg>
    </div>
  );
}
"##;

#[test]
fn inline_svg_follows_its_frames_and_inherited_color() {
    let trees = trees(MOVING_SVG, 0..6);
    let mut walked = BlitzRenderer::new(whole_frame_options()).unwrap();
    for tree in &trees {
        let frame = walked.render(tree).unwrap();
        let fresh = BlitzRenderer::new(options()).unwrap().render(tree).unwrap();
        assert!(
            frame.pixels == fresh.pixels,
            "frame {} differs between a fresh document and a diffed one",
            tree.frame
        );
        // `currentColor` is the colour the SVG inherits from HTML, or one set inside it.
        let expected = if tree.frame < 4 {
            [255, 0, 0, 255]
        } else {
            [0, 0, 255, 255]
        };
        assert_eq!(frame.pixel(10, 10), expected, "frame {}", tree.frame);
        assert_eq!(
            frame.pixel(10, 110),
            [255, 255, 0, 255],
            "frame {}",
            tree.frame
        );
        // The root's width stretches the drawing (preserveAspectRatio none).
        let m = tree.frame.min(3) as f64;
        let scale = (200.0 + (m % 3.0) * 40.0) / 200.0;
        let bar = ((60.0 + m * 10.0 + 10.0) * scale) as u32;
        assert_eq!(
            frame.pixel(bar, 20),
            [0, 255, 0, 255],
            "frame {}",
            tree.frame
        );
        // The text is drawn: dark pixels where it runs.
        let dark = (100..200)
            .flat_map(|x| (80..105).map(move |y| (x, y)))
            .filter(|&(x, y)| frame.pixel(x, y)[0] < 100 && frame.pixel(x, y)[3] == 255)
            .count();
        assert!(dark > 30, "frame {}: {dark} text pixels", tree.frame);
        let changes = walked.diff_stats().svg_changes;
        assert_eq!(
            changes,
            usize::from((1..=3).contains(&tree.frame)),
            "frame {}",
            tree.frame
        );
    }
    // The same tree again: the SVG is neither rewritten nor parsed.
    walked.render(&trees[5]).unwrap();
    assert_eq!(walked.diff_stats().svg_changes, 0);
}

/// A chart whose line moves until frame 5 while its labels stay (scaled and centred by its
/// viewBox), with attributes its children
/// inherit from the root and some they must not (opacity applies once, to the whole). Beside
/// it, an SVG whose parts refer to each other by id, which is never split.
const CHART_SVG: &str = r##"
import {useCurrentFrame} from 'remotion';
export default function Chart() {
  const frame = useCurrentFrame();
  const m = Math.min(frame, 5);
  const points = [0, 1, 2, 3, 4, 5].map((i) => `${20 + i * 40},${150 - i * m * 4}`).join(' ');
  return (
    <div style={{position: 'absolute', left: 0, top: 0, display: 'flex', fontFamily: 'sans-serif'}}>
      <svg width={240} height={200} viewBox="0 0 320 240" fill="#334155" fontSize={22}
        opacity={0.9} style={{color: 'rgb(0, 0, 200)'}}>
        {[0, 1, 2, 3].map((i) => (
          <g key={i}>
            <line x1={20} x2={300} y1={40 + i * 50} y2={40 + i * 50} stroke="#cbd5e1" strokeWidth={2} />
            <text x={4} y={46 + i * 50}>{i * 10}</text>
          </g>
        ))}
        <text x={160} y={230} textAnchor="middle" fill="currentColor">Months</text>
        <polyline points={points} fill="none" stroke="#dc2626" strokeWidth={6} />
        <g opacity={0.5}>
          <rect x={200} y={20} width={60} height={40} fill="#16a34a" />
          <rect x={230} y={30} width={60} height={40} fill="#16a34a" />
        </g>
        <text x={300} y={20} textAnchor="end">{frame < 6 ? 'drawing' : 'done'}</text>
      </svg>
      <svg width={80} height={80} viewBox="0 0 80 80">
        <defs>
          <linearGradient id="fade"><stop offset="0" stopColor="#000" /><stop offset="1" stopColor="#f0f" /></linearGradient>
        </defs>
        <rect x={m * 4} y={10} width={40} height={40} fill="url(#fade)" />
        <text x={4} y={76} fontSize={14}>id</text>
      </svg>
    </div>
  );
}
"##;

#[test]
fn unchanged_svg_children_are_reused_and_draw_as_a_whole_parse() {
    let trees = trees(CHART_SVG, 0..8);
    let mut walked = BlitzRenderer::new(whole_frame_options()).unwrap();
    for tree in &trees {
        let frame = walked.render(tree).unwrap();
        let fresh = BlitzRenderer::new(whole_frame_options())
            .unwrap()
            .render(tree)
            .unwrap();
        let differing = frame
            .pixels
            .iter()
            .zip(&fresh.pixels)
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(
            differing, 0,
            "frame {}: bytes differ from a fresh document",
            tree.frame
        );
        // Text is drawn in both SVGs, and the line moved.
        let dark = |x0: u32, x1: u32, y0: u32, y1: u32| {
            (x0..x1)
                .flat_map(|x| (y0..y1).map(move |y| (x, y)))
                .filter(|&(x, y)| frame.pixel(x, y)[1] < 120 && frame.pixel(x, y)[3] > 0)
                .count()
        };
        assert!(dark(0, 20, 20, 170) > 20, "frame {}: labels", tree.frame);
        assert!(
            dark(240, 320, 50, 80) > 10,
            "frame {}: the second SVG's text",
            tree.frame
        );
        // The chart's first run (grid, labels, "Months") and its second (the translucent
        // group and the status) are parsed on their own once they stayed the same across a
        // re-parse (frame 1), then reused while the line moves (frames 2 to 5). At frame 6
        // the line stops and the status changes: one new run, parsed. The SVG with ids is
        // never split.
        let stats = walked.diff_stats();
        let expected = if (2..=5).contains(&tree.frame) { 2 } else { 0 };
        assert_eq!(
            stats.svg_layers_reused, expected,
            "frame {}: {stats:?}",
            tree.frame
        );
    }
}

fn render_one(code: &str) -> Result<kinema_paint::Frame, PaintError> {
    let tree = engine(code, 200, 100).render_frame(3).unwrap();
    BlitzRenderer::new(options()).unwrap().render(&tree)
}

#[test]
fn a_missing_image_names_its_src_and_the_frame() {
    let err = render_one(
        r#"import {Img, staticFile} from 'remotion';
        export default () => <Img src={staticFile('nope/missing.png')} />;"#,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("frame 3"), "{text}");
    assert!(text.contains("/static/nope/missing.png"), "{text}");
    assert!(text.contains("does not exist"), "{text}");
}

#[test]
fn a_file_that_is_not_an_image_is_an_error() {
    let err =
        render_one(r#"export default () => <img src="/static/../../cases/01-layout.tsx" />;"#)
            .unwrap_err()
            .to_string();
    assert!(err.contains("frame 3"), "{err}");
    let err = render_one(
        r#"export default () => <img src="data:image/png;base64,aGVsbG8=" style={{width: 10}} />;"#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not an image Kinema can decode"), "{err}");
}

#[test]
fn data_urls_and_svg_images_paint() {
    let svg = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'%3E%3Crect width='10' height='10' fill='%23ff0000'/%3E%3C/svg%3E";
    let code = format!(
        r#"export default () => <img src="{svg}" style={{{{position: 'absolute', left: 0, top: 0, width: 100, height: 100}}}} />;"#
    );
    let frame = render_one(&code).unwrap();
    assert_eq!(frame.pixel(50, 50), [255, 0, 0, 255]);
    assert_eq!(
        frame.pixel(150, 50)[3],
        0,
        "outside the image nothing is painted"
    );
}

#[test]
fn text_shadows_are_painted_under_the_text() {
    let code = r#"export default () => (
      <div style={{position: 'absolute', left: 10, top: 10, fontFamily: 'sans-serif', fontSize: 60,
        lineHeight: '60px', color: 'rgba(0,0,0,0)', textShadow: '0 40px 0 #00ff00'}}>II</div>
    );"#;
    let frame = render_one(code).unwrap();
    // The glyphs are transparent; their shadow, 40px lower, is green.
    let green = (0..200)
        .flat_map(|x| (0..100).map(move |y| (x, y)))
        .filter(|&(x, y)| frame.pixel(x, y) == [0, 255, 0, 255])
        .count();
    assert!(green > 100, "{green} green pixels");
    assert!(
        (0..200).all(|x| (0..50).all(|y| frame.pixel(x, y)[1] != 255 || frame.pixel(x, y)[3] == 0))
    );
}

#[test]
fn impossible_sizes_are_errors() {
    let tree = engine("export default () => <div />;", 200, 100)
        .render_frame(0)
        .unwrap();
    let mut options = options();
    options.scale = 200.0;
    let err = BlitzRenderer::new(options)
        .unwrap()
        .render(&tree)
        .unwrap_err();
    assert!(matches!(err, PaintError::Size { .. }), "{err}");
    assert!(err.to_string().contains("at scale 200"));
}

#[test]
fn scale_multiplies_the_pixel_size() {
    let tree = engine(
        "export default () => <div style={{width: 50, height: 50, background: 'blue'}} />;",
        200,
        100,
    )
    .render_frame(0)
    .unwrap();
    let mut options = options();
    options.scale = 2.0;
    let frame = BlitzRenderer::new(options).unwrap().render(&tree).unwrap();
    assert_eq!((frame.width, frame.height), (400, 200));
    assert_eq!(frame.pixel(95, 95), [0, 0, 255, 255]);
    assert_eq!(frame.pixel(105, 105)[3], 0);
}

/// A one-request-at-a-time HTTP server on loopback that counts requests.
fn serve(
    body: Vec<u8>,
    delay: std::time::Duration,
) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::thread::sleep(delay);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: image/svg+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (format!("http://{addr}"), hits)
}

const RED_SVG: &str = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10' fill='#ff0000'/></svg>";

#[test]
fn remote_images_are_fetched_once_and_bounded() {
    let (base, hits) = serve(RED_SVG.as_bytes().to_vec(), std::time::Duration::ZERO);
    let code = format!(
        r#"export default () => <img src="{base}/red.svg" style={{{{width: 100, height: 100}}}} />;"#
    );
    let tree = engine(&code, 200, 100).render_frame(0).unwrap();
    let mut options = options();
    options.resources.allow_remote = true;
    for _ in 0..2 {
        // separate renderers (documents), one process-wide cache
        let frame = BlitzRenderer::new(options.clone())
            .unwrap()
            .render(&tree)
            .unwrap();
        assert_eq!(frame.pixel(50, 50), [255, 0, 0, 255]);
    }
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);

    // Too large.
    let (base, _) = serve(vec![b' '; 4096], std::time::Duration::ZERO);
    let code = format!(r#"export default () => <img src="{base}/big.svg" />;"#);
    let tree = engine(&code, 200, 100).render_frame(2).unwrap();
    let mut small = options.clone();
    small.resources.max_bytes = 1024;
    let err = BlitzRenderer::new(small)
        .unwrap()
        .render(&tree)
        .unwrap_err()
        .to_string();
    assert!(err.contains("frame 2") && err.contains("/big.svg"), "{err}");

    // Too slow.
    let (base, _) = serve(
        RED_SVG.as_bytes().to_vec(),
        std::time::Duration::from_secs(3),
    );
    let code = format!(r#"export default () => <img src="{base}/slow.svg" />;"#);
    let tree = engine(&code, 200, 100).render_frame(0).unwrap();
    let mut impatient = options;
    impatient.resources.remote_timeout = std::time::Duration::from_millis(300);
    let err = BlitzRenderer::new(impatient)
        .unwrap()
        .render(&tree)
        .unwrap_err()
        .to_string();
    assert!(err.contains("/slow.svg"), "{err}");
}

#[test]
fn private_addresses_are_not_fetched_where_refused() {
    let (base, hits) = serve(RED_SVG.as_bytes().to_vec(), std::time::Duration::ZERO);
    let port = base.rsplit(':').next().unwrap();
    let mut refusing = options();
    refusing.resources.allow_remote = true;
    refusing.resources.allow_private_addresses = false;
    // By address and by a name that resolves to it.
    for base in [base.clone(), format!("http://localhost:{port}")] {
        let code = format!(r#"export default () => <img src="{base}/inside.svg" />;"#);
        let tree = engine(&code, 200, 100).render_frame(4).unwrap();
        let err = BlitzRenderer::new(refusing.clone())
            .unwrap()
            .render(&tree)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("frame 4")
                && err.contains("/inside.svg")
                && err.contains("private address"),
            "{err}"
        );
    }
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
    // Allowed, the same URL is fetched (not answered from the refusal).
    let code = format!(
        r#"export default () => <img src="{base}/inside.svg" style={{{{width: 100, height: 100}}}} />;"#
    );
    let tree = engine(&code, 200, 100).render_frame(0).unwrap();
    let mut allowing = refusing;
    allowing.resources.allow_private_addresses = true;
    let frame = BlitzRenderer::new(allowing).unwrap().render(&tree).unwrap();
    assert_eq!(frame.pixel(50, 50), [255, 0, 0, 255]);
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn inner_html_is_parsed_and_replaced() {
    let code = r#"import {useCurrentFrame} from 'remotion';
    export default () => {
      const frame = useCurrentFrame();
      const color = frame < 3 ? '#ff0000' : '#0000ff';
      return <div dangerouslySetInnerHTML={{__html: `<div style="width:50px;height:50px;background:${color}"></div>`}} />;
    };"#;
    let mut engine = engine(code, 200, 100);
    let mut renderer = BlitzRenderer::new(options()).unwrap();
    let first = renderer.render(&engine.render_frame(0).unwrap()).unwrap();
    assert_eq!(first.pixel(25, 25), [255, 0, 0, 255]);
    let later = renderer.render(&engine.render_frame(5).unwrap()).unwrap();
    assert_eq!(later.pixel(25, 25), [0, 0, 255, 255]);
}

#[test]
fn svg_namespaces_and_links_written_in_jsx_draw() {
    // What SVG exported from design tools looks like after pasting into JSX.
    let code = r##"export default () => (
      <svg xmlns="http://www.w3.org/2000/svg" xmlnsXlink="http://www.w3.org/1999/xlink"
        width={100} height={100} style={{position: 'absolute', left: 0, top: 0}}>
        <defs><rect id="cell" width={50} height={50} fill="#00ff00" /></defs>
        <use xlinkHref="#cell" x={50} y={50} />
      </svg>
    );"##;
    let frame = render_one(code).unwrap();
    assert_eq!(frame.pixel(75, 75), [0, 255, 0, 255]);
    assert_eq!(
        frame.pixel(25, 25)[3],
        0,
        "the definition itself is not drawn"
    );
}

/// Two lines of `text`, in `left` at x 0 and in `right` at x 100, rendered; the dark pixels
/// of each 100x50 half, relative to that half.
fn ink_side_by_side(text: &str, left: &str, right: &str) -> [Vec<(u32, u32)>; 2] {
    let code = format!(
        r#"export default () => (
      <div style={{{{position: 'absolute', left: 0, top: 0, width: 200, height: 100, background: 'white', fontSize: 40, lineHeight: '50px'}}}}>
        <div style={{{{position: 'absolute', left: 0, top: 0, fontFamily: '{left}'}}}}>{text}</div>
        <div style={{{{position: 'absolute', left: 100, top: 0, fontFamily: '{right}'}}}}>{text}</div>
      </div>
    );"#
    );
    let frame = render_one(&code).unwrap();
    [0, 100].map(|x0| {
        (0..100)
            .flat_map(|x| (0..50).map(move |y| (x, y)))
            .filter(|&(x, y)| frame.pixel(x0 + x, y)[0] < 128)
            .collect()
    })
}

/// `pixels` moved so that their top left is at 0, 0.
fn from_top_left(pixels: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let top = pixels.iter().map(|p| p.1).min().unwrap_or(0);
    let left = pixels.iter().map(|p| p.0).min().unwrap_or(0);
    pixels.iter().map(|&(x, y)| (x - left, y - top)).collect()
}

/// A character the chosen font lacks is drawn with an installed font that has it, as Chromium
/// does through fontconfig: ✓ and ★ in `sans-serif` (Liberation Sans has neither) come out as
/// DejaVu Sans draws them, not as missing-glyph boxes.
#[test]
fn missing_glyphs_fall_back_to_a_font_that_has_them() {
    let [fallback, dejavu] = ink_side_by_side("✓★", "sans-serif", "DejaVu Sans");
    assert!(dejavu.len() > 100, "{} dark pixels", dejavu.len());
    assert_eq!(fallback, dejavu);
    // A family that is not installed at all draws with the default (serif), as the warning
    // about it says and as Chromium does, not with the first fallback. The same glyphs; the
    // line's metrics (no font for the missing family) may move them a pixel, so each is
    // compared from its own top left.
    let [missing, serif] = ink_side_by_side("Ag", "NoSuchFamily", "serif");
    assert_eq!(from_top_left(&missing), from_top_left(&serif));
}

/// An `<svg>`'s own CSS transform and opacity apply once, to its box, as in a browser (they
/// were also written into the SVG's markup, so a `scale(0.5)` drew at a quarter).
#[test]
fn an_svg_styles_own_transform_and_opacity_apply_once() {
    let code = r##"export default () => (
      <div style={{position: 'absolute', left: 0, top: 0, width: 200, height: 100, background: 'white'}}>
        <svg width={100} height={100} viewBox="0 0 100 100"
          style={{position: 'absolute', left: 0, top: 0, transform: 'scale(0.5)'}}>
          <rect width={100} height={100} fill="#ff0000" />
        </svg>
        <svg width={60} height={60} opacity={0.2}
          style={{position: 'absolute', left: 120, top: 20, opacity: 0.5}}>
          <rect width={60} height={60} fill="#ff0000" />
        </svg>
      </div>
    );"##;
    let frame = render_one(code).unwrap();
    // scale(0.5) about the centre: the square spans 25..75 on both axes.
    let red = |x: u32, y: u32| frame.pixel(x, y) == [255, 0, 0, 255];
    assert!(red(26, 26) && red(73, 73), "{:?}", frame.pixel(26, 26));
    assert!(!red(20, 50) && !red(80, 50), "drawn larger than half");
    // Half opacity over white: 255, ~128, ~128 (a quarter's alpha gave ~191). The style's
    // opacity wins over the attribute's, as in a browser.
    let [r, g, b, _] = frame.pixel(150, 50);
    assert_eq!(r, 255);
    assert!(
        (120..=136).contains(&g) && (120..=136).contains(&b),
        "{:?}",
        [r, g, b]
    );
}

#[test]
fn a_style_element_inside_an_svg_applies_to_it() {
    let code = r##"export default () => (
      <svg width={100} height={100} style={{position: 'absolute', left: 0, top: 0}}>
        <style>{'.on { fill: #0000ff } g > .off { fill: #ff0000 }'}</style>
        <rect className="on" width={50} height={50} fill="black" />
        <g><rect className="off" x={50} width={50} height={50} /></g>
      </svg>
    );"##;
    let frame = render_one(code).unwrap();
    assert_eq!(frame.pixel(25, 25), [0, 0, 255, 255]);
    assert_eq!(frame.pixel(75, 25), [255, 0, 0, 255]);
}

#[test]
fn an_svg_holding_inner_html_is_drawn_from_the_document() {
    // Icon markup pasted in as HTML (unquoted attribute): Blitz's HTML parser reads it.
    let code = r#"export default () => (
      <svg width={100} height={100} style={{position: 'absolute', left: 0, top: 0}}
        dangerouslySetInnerHTML={{__html: '<rect width=100 height=50 fill=lime></rect>'}} />
    );"#;
    let frame = render_one(code).unwrap();
    assert_eq!(frame.pixel(50, 25), [0, 255, 0, 255]);
    assert_eq!(frame.pixel(50, 75)[3], 0);
}

#[test]
fn odd_trees_paint_without_panicking() {
    use kinema_compose::{Element, Node};
    fn el(tag: &str, attrs: &[(&str, &str)], style: &[(&str, &str)], children: Vec<Node>) -> Node {
        Node::Element(Element {
            tag: tag.into(),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            style: style
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            children,
            inner_html: None,
        })
    }
    let mut deep = Node::Text("deep".into());
    for _ in 0..300 {
        deep = el("div", &[], &[("padding-left", "1px")], vec![deep]);
    }
    let roots = vec![
        vec![el(
            "my-widget",
            &[("data-x", "1"), ("x y", "z")],
            &[
                ("color", "not a colour"),
                ("--v", "3"),
                ("width", "calc(100% - 10px)"),
            ],
            vec![Node::Text("<&>".into())],
        )],
        vec![el(
            "svg",
            &[("viewBox", "nonsense"), ("width", "-5")],
            &[],
            vec![
                el("path", &[("d", "M 0 0 L")], &[], vec![]),
                el(
                    "text",
                    &[("font-family", "'\"")],
                    &[],
                    vec![Node::Text("x".into())],
                ),
            ],
        )],
        vec![el("img", &[("src", "")], &[("width", "1e9px")], vec![])],
        vec![el(
            "style",
            &[],
            &[],
            vec![Node::Text(
                "@font-face { font-family: X; src: url(data:,) } div { color: red".into(),
            )],
        )],
        vec![deep],
        vec![el(
            "div",
            &[],
            &[
                ("transform", "scale(0)"),
                ("filter", "blur(1000px)"),
                ("box-shadow", "0 0 500px 50px red"),
                ("text-shadow", "0 0 300px blue"),
            ],
            vec![Node::Text("x".repeat(5000))],
        )],
        vec![],
    ];
    let mut renderer = BlitzRenderer::new(options()).unwrap();
    for (frame, root) in roots.into_iter().enumerate() {
        let tree = FrameTree {
            composition: "Odd".into(),
            frame: frame as u32,
            width: 120,
            height: 80,
            root,
            media: vec![],
        };
        let _ = renderer.render(&tree);
        let _ = BlitzRenderer::new(options()).unwrap().render(&tree);
    }
}

#[test]
fn frames_can_be_lent_premultiplied() {
    // Translucent shapes over a transparent page: alpha is neither 0 nor 255 in places.
    let code = r#"
import {AbsoluteFill, useCurrentFrame} from 'remotion';
export default function Translucent() {
  const frame = useCurrentFrame();
  return (
    <AbsoluteFill>
      <div style={{position: 'absolute', left: 20 + frame * 7, top: 30, width: 120, height: 80,
        borderRadius: 20, backgroundColor: 'rgba(250, 200, 40, 0.6)'}} />
      <div style={{position: 'absolute', left: 90, top: 60, width: 100, height: 100,
        backgroundColor: 'rgba(30, 120, 250, 0.3)'}} />
    </AbsoluteFill>
  );
}
"#;
    let mut straight = BlitzRenderer::new(options()).unwrap();
    let mut premultiplied = BlitzRenderer::new(PaintOptions {
        premultiplied: true,
        ..options()
    })
    .unwrap();
    for tree in trees(code, 0..4) {
        let expected = straight.paint(&tree).unwrap().pixels.to_vec();
        let frame = premultiplied.paint(&tree).unwrap();
        assert!(frame.premultiplied);
        let mut translucent = 0;
        for (s, p) in expected.chunks_exact(4).zip(frame.pixels.chunks_exact(4)) {
            assert_eq!(s[3], p[3]);
            if s[3] > 0 && s[3] < 255 {
                translucent += 1;
            }
            for c in 0..3 {
                let want = (s[c] as u32 * s[3] as u32 + 127) / 255;
                assert!(want.abs_diff(p[c] as u32) <= 1, "{s:?} vs {p:?}");
            }
        }
        assert!(translucent > 1000, "{translucent} translucent pixels");
        // A frame handed out whole is straight either way.
        let whole = premultiplied.render(&tree).unwrap();
        let worst = whole
            .pixels
            .iter()
            .zip(straight.render(&tree).unwrap().pixels.iter())
            .map(|(a, b)| a.abs_diff(*b))
            .max();
        assert!(worst <= Some(2), "{worst:?}");
    }
}
