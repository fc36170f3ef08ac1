//! Paint-stage benchmark: thread CPU time per 1920x1080 frame on one thread, split into tree
//! diff, style + layout, paint (display list) and raster, for each example composition and a
//! scene with 20 blurred box-shadows. Element trees are computed up front, so only painting is
//! measured.
//!
//! Run: `cargo bench -p kinema-paint --bench paint` (`-- --json` for JSON, `-- --frames N`).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kinema_compose::{Bundle, CodeComposition, Engine, FrameTree, Limits};
use kinema_paint::{BlitzRenderer, DamageStats, FrameRenderer, PaintOptions};

struct Row {
    name: String,
    frames: usize,
    diff: f64,
    layout: f64,
    paint: f64,
    raster: f64,
    total: f64,
    p95: f64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn measure(name: &str, trees: &[FrameTree], options: PaintOptions) -> Row {
    let mut renderer = BlitzRenderer::new(options).expect("renderer");
    // Warm up: the first frame builds the document and loads fonts and images.
    renderer.render(&trees[0]).expect("paint");
    let mut phases = [0.0f64; 4];
    let mut totals = Vec::new();
    // `KINEMA_BENCH_FRAMES=1`: each frame's time, rasterising time and repainted pixels.
    let per_frame = std::env::var_os("KINEMA_BENCH_FRAMES").is_some();
    for tree in trees.iter().skip(1) {
        renderer.render(tree).expect("paint");
        let t = renderer.phase_times();
        let p = [ms(t.diff), ms(t.layout), ms(t.paint), ms(t.raster)];
        for (sum, v) in phases.iter_mut().zip(p) {
            *sum += v;
        }
        totals.push(p.iter().sum::<f64>());
        if per_frame {
            let total: f64 = p.iter().sum();
            let painted = match renderer.damage_stats() {
                DamageStats::Full => "whole".to_string(),
                DamageStats::Unchanged => "none".to_string(),
                DamageStats::Regions { pixels } => format!("{pixels} px"),
            };
            eprintln!(
                "{name} frame {}: {total:.2} ms, rasterising {:.2} ms, repainted {painted}",
                tree.frame, p[3]
            );
        }
    }
    let n = totals.len() as f64;
    totals.sort_by(f64::total_cmp);
    Row {
        name: name.to_string(),
        frames: totals.len(),
        diff: phases[0] / n,
        layout: phases[1] / n,
        paint: phases[2] / n,
        raster: phases[3] / n,
        total: totals.iter().sum::<f64>() / n,
        p95: totals[((n * 0.95) as usize).min(totals.len() - 1)],
    }
}

fn trees_of(engine: &mut Engine, duration: u32, frames: u32) -> Vec<FrameTree> {
    let step = (duration / frames).max(1);
    (0..duration)
        .step_by(step as usize)
        .take(frames as usize + 1)
        .map(|f| engine.render_frame(f).expect("frame"))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let json = args.iter().any(|a| a == "--json");
    let frames: u32 = args
        .iter()
        .position(|a| a == "--frames")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    // `--only NAME`: measure the rows whose name contains NAME (for profiling one of them).
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let wanted = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let entry = root.join("examples/showcase/src/index.ts");
    let bundle = Arc::new(Bundle::from_entry(&entry).expect("showcase bundle"));
    let public = bundle.public_dir();
    let mut rows = Vec::new();
    for id in ["TitleCard", "Timeline", "Slides", "Shapes", "Counters"] {
        if !wanted(id) {
            continue;
        }
        let mut engine = Engine::new(bundle.clone(), Limits::default()).expect("engine");
        let info = engine.select(id, &serde_json::json!({})).expect("select");
        let trees = trees_of(&mut engine, info.duration_in_frames, frames);
        let mut options = PaintOptions::for_public_dir(public.clone());
        options.resources.allow_remote = false;
        rows.push(measure(id, &trees, options));
    }
    if wanted("20 blurred shadows") {
        let code = include_str!("shadows.tsx");
        let bundle = Bundle::from_code(code, CodeComposition::new(120, 30.0)).expect("bundle");
        let mut engine = Engine::new(Arc::new(bundle), Limits::default()).expect("engine");
        engine
            .select("DynamicComp", &serde_json::json!({}))
            .expect("select");
        let trees = trees_of(&mut engine, 120, frames);
        rows.push(measure(
            "20 blurred shadows",
            &trees,
            PaintOptions::default(),
        ));
    }

    // The render benchmark's compositions, every frame in order (as a render thread sees them);
    // `--file PATH` adds a code file of your own (300 frames at 30 fps).
    let own = args
        .iter()
        .position(|a| a == "--file")
        .and_then(|i| args.get(i + 1))
        .map(|path| {
            (
                format!("{path}, 300 in order"),
                std::path::PathBuf::from(path),
            )
        });
    let files = [
        (
            "promo, 300 in order".to_string(),
            root.join("bench/video/promo.tsx"),
        ),
        (
            "dataviz, 300 in order".to_string(),
            root.join("bench/video/dataviz.tsx"),
        ),
    ];
    for (name, file) in files.into_iter().chain(own) {
        if !wanted(&name) {
            continue;
        }
        let code = std::fs::read_to_string(&file).expect("bench composition");
        let bundle = Bundle::from_code(&code, CodeComposition::new(300, 30.0)).expect("bundle");
        let mut engine = Engine::new(Arc::new(bundle), Limits::default()).expect("engine");
        engine
            .select("DynamicComp", &serde_json::json!({}))
            .expect("select");
        let trees: Vec<FrameTree> = (0..300)
            .map(|f| engine.render_frame(f).expect("frame"))
            .collect();
        rows.push(measure(&name, &trees, PaintOptions::default()));
    }

    if json {
        let list: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({"composition": r.name, "frames": r.frames, "diffMs": r.diff,
                "layoutMs": r.layout, "paintMs": r.paint, "rasterMs": r.raster,
                "totalMs": r.total, "p95Ms": r.p95})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list).expect("json"));
        return;
    }
    println!("1920x1080, one thread, thread CPU ms per frame (mean over {frames} frames)");
    println!(
        "{:<20} {:>6} {:>7} {:>8} {:>7} {:>7} {:>7} {:>7}",
        "composition", "frames", "diff", "layout", "paint", "raster", "total", "p95"
    );
    for r in rows {
        println!(
            "{:<20} {:>6} {:>7.3} {:>8.3} {:>7.3} {:>7.3} {:>7.2} {:>7.2}",
            r.name, r.frames, r.diff, r.layout, r.paint, r.raster, r.total, r.p95
        );
    }
}
