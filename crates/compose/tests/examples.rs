//! Snapshots of the examples' element trees at several frames, and the metadata of every
//! composition. Review changes with `cargo insta review`.

use std::path::Path;
use std::sync::Arc;

use kinema_compose::{Bundle, Engine, Limits};
use serde_json::json;

fn showcase() -> Arc<Bundle> {
    let entry = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/showcase/src/index.ts");
    Arc::new(Bundle::from_entry(&entry).expect("showcase loads"))
}

#[test]
fn showcase_compositions() {
    let mut engine = Engine::new(showcase(), Limits::default()).unwrap();
    let compositions = engine.compositions(&json!({})).unwrap();
    insta::assert_json_snapshot!("showcase_compositions", compositions);
}

#[test]
fn input_props_reach_calculate_metadata() {
    let mut engine = Engine::new(showcase(), Limits::default()).unwrap();
    let info = engine
        .select(
            "Counters",
            &json!({"secondsPerStat": 1, "stats": [{"label": "A", "value": 5}]}),
        )
        .unwrap();
    assert_eq!(info.duration_in_frames, 30);
    assert_eq!(info.props["secondsPerStat"], 1);
    let tree = engine.render_frame(29).unwrap();
    assert_eq!(tree.text_content(), "A 5");
}

fn snapshot_frames(id: &str, frames: &[u32]) {
    let mut engine = Engine::new(showcase(), Limits::default()).unwrap();
    engine.select(id, &json!({})).unwrap();
    for &frame in frames {
        let tree = engine.render_frame(frame).unwrap();
        insta::assert_json_snapshot!(format!("{id}_{frame}"), tree);
    }
}

#[test]
fn title_card_trees() {
    snapshot_frames("TitleCard", &[0, 20, 89]);
}

#[test]
fn timeline_trees() {
    snapshot_frames("Timeline", &[0, 42, 90, 130]);
}

#[test]
fn slides_trees() {
    snapshot_frames("Slides", &[0, 42, 80, 200]);
}

#[test]
fn shapes_trees() {
    snapshot_frames("Shapes", &[0, 60]);
}

#[test]
fn counters_trees() {
    snapshot_frames("Counters", &[15, 75, 179]);
}

#[test]
fn poster_tree() {
    snapshot_frames("Poster", &[0]);
}

#[test]
fn code_example_tree() {
    let code = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/code/hello.tsx"),
    )
    .unwrap();
    let bundle = Bundle::from_code(&code, kinema_compose::CodeComposition::new(150, 30.0)).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine.select("DynamicComp", &json!({})).unwrap();
    let tree = engine.render_frame(10).unwrap();
    assert_eq!(tree.text_content(), "Hello, 10,000 viewers");
    insta::assert_json_snapshot!("hello_10", tree);
}

#[test]
fn frames_are_identical_across_engines_and_orders() {
    let bundle = showcase();
    let mut forward = Engine::new(bundle.clone(), Limits::default()).unwrap();
    let mut backward = Engine::new(bundle, Limits::default()).unwrap();
    forward.select("Timeline", &json!({})).unwrap();
    backward.select("Timeline", &json!({})).unwrap();
    let a: Vec<_> = (0..150).map(|f| forward.render_frame(f).unwrap()).collect();
    let mut b: Vec<_> = (0..150)
        .rev()
        .map(|f| backward.render_frame(f).unwrap())
        .collect();
    b.reverse();
    assert_eq!(a, b);
}

#[test]
fn one_bundle_renders_identically_on_many_threads() {
    let bundle = showcase();
    let render = |bundle: Arc<Bundle>, frames: Vec<u32>| {
        std::thread::spawn(move || {
            let mut engine = Engine::new(bundle, Limits::default()).unwrap();
            engine.select("Slides", &json!({})).unwrap();
            frames
                .into_iter()
                .map(|f| (f, engine.render_frame(f).unwrap()))
                .collect::<Vec<_>>()
        })
    };
    let threads: Vec<_> = (0..4)
        .map(|t| render(bundle.clone(), (t..210).step_by(4).collect()))
        .collect();
    let mut parallel: Vec<_> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    parallel.sort_by_key(|(f, _)| *f);
    let mut engine = Engine::new(bundle, Limits::default()).unwrap();
    engine.select("Slides", &json!({})).unwrap();
    for (frame, tree) in parallel {
        assert_eq!(tree, engine.render_frame(frame).unwrap(), "frame {frame}");
    }
}
