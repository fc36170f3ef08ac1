//! Compose-stage benchmark: module load + first frame, and per-frame cost (JS render plus
//! conversion into the Rust element tree) at early and late frame numbers, on one thread.
//! Times are thread CPU time, so a busy machine does not inflate them.
//!
//! Run: `cargo bench -p kinema-compose --bench frame` (prints a table; `--json` for JSON;
//! `-- --code FILE` for another code composition, e.g. `bench/video/dataviz.tsx`).

use std::hint::black_box;
use std::sync::Arc;
/// Thread CPU time in ms: the cost on one core, unaffected by other load on the machine.
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
}

use kinema_compose::{Bundle, CodeComposition, Engine, Limits};

const CODE: &str = include_str!("sixty.tsx");
const DURATION: u32 = 30 * 60 * 5; // five minutes at 30 fps
const SAMPLES: u32 = 200;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let json = args.iter().any(|a| a == "--json");
    let code = match args.iter().position(|a| a == "--code") {
        Some(i) => {
            let path = std::path::Path::new(args.get(i + 1).expect("--code takes a file"));
            // Cargo runs benches in the crate's folder; a path from the workspace root works too.
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            let path = if path.exists() {
                path.to_path_buf()
            } else {
                root.join(path)
            };
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        }
        None => CODE.to_string(),
    };
    let code = code.as_str();
    // Start: transpile, evaluate modules, resolve metadata, first frame. Kinema's own modules
    // are compiled by the first load only (the process keeps their bytecode), so the median is
    // a start as every render thread after the first sees it.
    let mut loads = Vec::new();
    for _ in 0..10 {
        let start = cpu_ms();
        let bundle = Bundle::from_code(code, CodeComposition::new(DURATION, 30.0)).expect("bundle");
        let mut engine = Engine::new(Arc::new(bundle), Limits::default()).expect("engine");
        engine
            .select("DynamicComp", &serde_json::json!({}))
            .expect("select");
        black_box(engine.render_frame(0).expect("frame"));
        loads.push(cpu_ms() - start);
    }

    let bundle =
        Arc::new(Bundle::from_code(code, CodeComposition::new(DURATION, 30.0)).expect("bundle"));
    let mut engine = Engine::new(bundle, Limits::default()).expect("engine");
    engine
        .select("DynamicComp", &serde_json::json!({}))
        .expect("select");
    let elements = engine.render_frame(100).expect("frame").elements().len();

    let mut rows = Vec::new();
    for start in [0, 1_000, 5_000, DURATION - SAMPLES] {
        // A fresh engine per window, so a late window does not profit from earlier frames.
        let bundle = Arc::new(
            Bundle::from_code(code, CodeComposition::new(DURATION, 30.0)).expect("bundle"),
        );
        let mut engine = Engine::new(bundle, Limits::default()).expect("engine");
        engine
            .select("DynamicComp", &serde_json::json!({}))
            .expect("select");
        let mut times = Vec::new();
        for frame in start..start + SAMPLES {
            let t = cpu_ms();
            black_box(engine.render_frame(frame).expect("frame"));
            times.push(cpu_ms() - t);
        }
        rows.push((
            start,
            median(&mut times.clone()),
            mean(&times),
            p95(&mut times),
        ));
    }

    let load = median(&mut loads);
    if json {
        let windows: Vec<_> = rows
            .iter()
            .map(|(s, med, avg, p)| serde_json::json!({"firstFrame": s, "medianMs": med, "meanMs": avg, "p95Ms": p}))
            .collect();
        println!(
            "{}",
            serde_json::json!({"elementsPerFrame": elements, "loadAndFirstFrameMs": load, "windows": windows})
        );
        return;
    }
    println!("elements per frame: {elements}");
    println!("module load + first frame: {load:.2} ms (median of 10)");
    println!(
        "{:>12} {:>10} {:>10} {:>10}",
        "frames", "median ms", "mean ms", "p95 ms"
    );
    for (start, med, avg, p) in rows {
        println!(
            "{:>12} {med:>10.3} {avg:>10.3} {p:>10.3}",
            format!("{start}..{}", start + SAMPLES)
        );
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn p95(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() * 95 / 100).min(v.len() - 1)]
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}
