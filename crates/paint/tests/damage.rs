//! Damage tracking must never change what a frame looks like: every frame painted
//! incrementally (only the regions whose drawing commands changed since the renderer's last
//! frame, each rasterised in a scene of its own size) must equal the same frame painted whole
//! up to the rasteriser's rounding — a channel may differ by [`ROUNDING`] at most, and only in
//! a few pixels — and the incremental path must actually be taken. A region that should have
//! been repainted and was not shows as a difference far larger than that.

use std::path::Path;
use std::sync::Arc;

use kinema_compose::{Bundle, CodeComposition, Engine, FrameTree, Limits};
use kinema_paint::{BlitzRenderer, DamageStats, FrameRenderer, PaintOptions};

fn trees(code: &str, width: u32, height: u32, frames: impl Iterator<Item = u32>) -> Vec<FrameTree> {
    let duration = 300;
    let bundle = Bundle::from_code(
        code,
        CodeComposition {
            id: "DynamicComp".into(),
            duration_in_frames: duration,
            fps: 30.0,
            width,
            height,
        },
    )
    .expect("bundle");
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).expect("engine");
    engine
        .select("DynamicComp", &serde_json::json!({}))
        .expect("select");
    frames
        .map(|f| engine.render_frame(f).expect("frame"))
        .collect()
}

#[derive(Default, Debug)]
struct Counts {
    full: usize,
    unchanged: usize,
    regions: usize,
    /// Frames rasterised over a backdrop.
    over_backdrop: usize,
}

/// How far a channel painted incrementally may be from the whole frame's: a region rasterised
/// on its own sees its coordinates moved by a whole number of pixels, which changes floating-
/// point rounding (not geometry) at the edges of shapes.
const ROUNDING: u8 = 2;
/// At most this share of a frame's bytes may differ at all (it is about 1 in 100,000 in the
/// frames below).
const MAX_DIFFERING_SHARE: f64 = 1e-3;

/// Paint `trees` in order with and without damage tracking; every frame must be the same up
/// to rounding.
fn check(name: &str, trees: &[FrameTree], options: PaintOptions) -> Counts {
    let options = |damage_tracking| PaintOptions {
        damage_tracking,
        ..options.clone()
    };
    let mut incremental = BlitzRenderer::new(options(true)).unwrap();
    let mut whole = BlitzRenderer::new(options(false)).unwrap();
    let mut counts = Counts::default();
    for tree in trees {
        let a = incremental.render(tree).unwrap();
        let b = whole.render(tree).unwrap();
        match incremental.damage_stats() {
            DamageStats::Full => counts.full += 1,
            DamageStats::Unchanged => counts.unchanged += 1,
            DamageStats::Regions { .. } => counts.regions += 1,
        }
        counts.over_backdrop += usize::from(incremental.drew_over_backdrop());
        let differing = a
            .pixels
            .iter()
            .zip(&b.pixels)
            .filter(|(x, y)| x != y)
            .count();
        let worst = a
            .pixels
            .iter()
            .zip(&b.pixels)
            .enumerate()
            .max_by_key(|(_, (x, y))| x.abs_diff(**y));
        if let Some((i, (x, y))) = worst
            && (x.abs_diff(*y) > ROUNDING
                || differing as f64 > a.pixels.len() as f64 * MAX_DIFFERING_SHARE)
        {
            let i = i / 4;
            let (x, y) = (i as u32 % a.width, i as u32 / a.width);
            panic!(
                "{name} frame {}: {differing} bytes differ; pixel ({x}, {y}) is {:?} painted \
                 incrementally ({:?}) but {:?} painted whole",
                tree.frame,
                a.pixel(x, y),
                incremental.damage_stats(),
                b.pixel(x, y)
            );
        }
    }
    counts
}

#[test]
fn the_render_benchmark_paints_the_same_incrementally() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let code = std::fs::read_to_string(root.join("bench/video/promo.tsx")).unwrap();
    // Every other frame, at a quarter of the size: consecutive-enough frames, in reasonable
    // test time.
    let trees = trees(&code, 1920, 1080, (0..300).step_by(2));
    let counts = check("promo", &trees, scaled(0.25));
    println!("promo: {counts:?}");
    assert!(counts.regions > trees.len() / 2, "{counts:?}");
    // The title's and the cards' gradients stay the same under what moves.
    assert!(counts.over_backdrop > trees.len() / 3, "{counts:?}");
}

#[test]
fn the_data_video_benchmark_paints_the_same_incrementally() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let code = std::fs::read_to_string(root.join("bench/video/dataviz.tsx")).unwrap();
    // Its lines draw themselves between frames 20 and 240.
    let trees = trees(&code, 1920, 1080, (10..250).step_by(3));
    let counts = check("dataviz", &trees, scaled(0.5));
    println!("dataviz: {counts:?}");
    assert!(counts.regions > trees.len() / 2, "{counts:?}");
}

#[test]
fn a_renderer_lays_out_each_frame_as_a_fresh_renderer_does() {
    // A renderer keeps its document from frame to frame; a frame whose figures change must
    // still lay out as it would from scratch. (The legend's "Year to date", a sibling of the
    // changing total, once wrapped word by word on such frames.) Frames 59-61 change month;
    // 36 → 74 is the jump a render thread makes when it takes another chunk.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let code = std::fs::read_to_string(root.join("bench/video/dataviz.tsx")).unwrap();
    let trees = trees(&code, 1920, 1080, [58, 59, 60, 61, 36, 74].into_iter());
    let options = scaled(0.5);
    let mut kept = BlitzRenderer::new(options.clone()).unwrap();
    for tree in &trees {
        let a = kept.render(tree).unwrap();
        let b = BlitzRenderer::new(options.clone())
            .unwrap()
            .render(tree)
            .unwrap();
        let differing = a
            .pixels
            .iter()
            .zip(&b.pixels)
            .filter(|(x, y)| x.abs_diff(**y) > ROUNDING)
            .count();
        assert!(
            differing < 50,
            "frame {}: {differing} bytes differ from a fresh renderer's",
            tree.frame
        );
    }
}

#[test]
fn strokes_that_change_in_parts_paint_the_same_incrementally() {
    let code = include_str!("damage/strokes.tsx");
    let trees = trees(code, 1200, 600, 0..50);
    let counts = check("strokes", &trees, scaled(1.0));
    println!("strokes: {counts:?}");
    assert!(counts.regions > 40, "{counts:?}");
}

#[test]
fn filters_shadows_blends_and_clips_paint_the_same_incrementally() {
    let code = include_str!("damage/effects.tsx");
    let trees = trees(code, 960, 540, 0..60);
    let counts = check("effects", &trees, scaled(1.0));
    println!("effects: {counts:?}");
    assert!(counts.regions > 30, "{counts:?}");
}

#[test]
fn the_showcase_paints_the_same_incrementally() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bundle =
        Arc::new(Bundle::from_entry(&root.join("examples/showcase/src/index.ts")).unwrap());
    let mut options = PaintOptions::for_public_dir(bundle.public_dir());
    options.resources.allow_remote = false;
    options.scale = 0.25;
    for id in ["TitleCard", "Timeline", "Slides", "Shapes", "Counters"] {
        let mut engine = Engine::new(bundle.clone(), Limits::default()).unwrap();
        let info = engine.select(id, &serde_json::json!({})).unwrap();
        let trees: Vec<FrameTree> = (0..info.duration_in_frames)
            .step_by(2)
            .map(|f| engine.render_frame(f).unwrap())
            .collect();
        let counts = check(id, &trees, options.clone());
        println!("{id}: {counts:?}");
    }
}

fn scaled(scale: f64) -> PaintOptions {
    PaintOptions {
        scale,
        ..PaintOptions::default()
    }
}

#[test]
fn a_spring_that_looks_settled_repaints_nothing() {
    // A spring rings for ever: at frame 100 this one still scales by a few millionths a frame,
    // far below what a pixel shows. Those frames must be recognised as unchanged, and frames
    // with visible motion must not.
    let code = r#"
import {AbsoluteFill, spring, useCurrentFrame, useVideoConfig} from 'remotion';
export default function Settle() {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  const pop = spring({frame, fps, config: {damping: 10}});
  return (
    <AbsoluteFill style={{background: '#0f172a', justifyContent: 'center', alignItems: 'center'}}>
      <div style={{width: 400, height: 240, borderRadius: 24, background: '#22c55e',
        transform: `scale(${pop}) rotate(${(1 - pop) * 20}deg)`}} />
    </AbsoluteFill>
  );
}
"#;
    let moving = trees(code, 960, 540, 10..14);
    let counts = check("moving", &moving, scaled(1.0));
    assert_eq!(counts.unchanged, 0, "{counts:?}");
    let settled = trees(code, 960, 540, 150..160);
    let counts = check("settled", &settled, scaled(1.0));
    // The first frame is painted whole; every later one is the same.
    assert_eq!(counts.unchanged, settled.len() - 1, "{counts:?}");
    // Seven seconds earlier it still scales by up to 1e-5 a frame and its rotation swings
    // either side of zero: under 1/200 px at the corners, so nothing is repainted either.
    let tail = trees(code, 960, 540, 70..80);
    let counts = check("tail", &tail, scaled(1.0));
    assert_eq!(counts.unchanged, tail.len() - 1, "{counts:?}");
}
