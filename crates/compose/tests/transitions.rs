//! `@remotion/transitions`: TransitionSeries layout, timings, presentations and validation.
//!
//! Expected values (progress numbers, transforms, clip paths, error messages) were taken from the
//! real `@remotion/transitions` 4.0.527 rendered with react-dom/server under node at the same
//! frames.

use std::sync::Arc;

use kinema_compose::{
    Bundle, CodeComposition, ComposeError, Engine, FrameTree, Limits, ScriptException,
};
use serde_json::json;

const PRELUDE: &str = r#"import React from 'react';
import { Easing } from 'remotion';
import { TransitionSeries, linearTiming, springTiming, useTransitionProgress } from '@remotion/transitions';
import { fade } from '@remotion/transitions/fade';
import { slide } from '@remotion/transitions/slide';
import { wipe } from '@remotion/transitions/wipe';
import { flip } from '@remotion/transitions/flip';
import { clockWipe } from '@remotion/transitions/clock-wipe';
import { none } from '@remotion/transitions/none';

// Shows the scene's name and what useTransitionProgress() reports in it.
const Probe = ({ t }: { t: string }) => {
  const p = useTransitionProgress();
  return <p>{`${t} ${p.entering} ${p.exiting} ${p.isInTransitionSeries}`}</p>;
};
const S = (d: number, t: string, extra: object = {}) => (
  <TransitionSeries.Sequence durationInFrames={d} {...extra}><Probe t={t} /></TransitionSeries.Sequence>
);
"#;

fn engine(body: &str, duration: u32) -> Engine {
    let code =
        format!("{PRELUDE}\nexport default function Comp() {{\n  return (\n{body}\n  );\n}}\n");
    let bundle = Bundle::from_code(&code, CodeComposition::new(duration, 30.0)).expect("bundle");
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).expect("engine");
    engine.select("DynamicComp", &json!({})).expect("select");
    engine
}

fn render(engine: &mut Engine, frame: u32) -> FrameTree {
    engine
        .render_frame(frame)
        .unwrap_or_else(|e| panic!("frame {frame}: {e}"))
}

fn render_error(body: &str, frame: u32) -> ScriptException {
    match engine(body, 200).render_frame(frame) {
        Err(ComposeError::Script { exception, .. }) => *exception,
        Err(other) => panic!("expected a script error, got {other}"),
        Ok(tree) => panic!("expected an error, rendered {:?}", tree.text_content()),
    }
}

/// The text of every probe, in paint order: "name entering exiting isInTransitionSeries".
fn probes(tree: &FrameTree) -> Vec<String> {
    tree.elements()
        .into_iter()
        .filter(|e| e.tag == "p")
        .map(|e| text_of(&e.children))
        .collect()
}

fn text_of(nodes: &[kinema_compose::Node]) -> String {
    nodes
        .iter()
        .map(|n| match n {
            kinema_compose::Node::Text(t) => t.clone(),
            kinema_compose::Node::Element(e) => text_of(&e.children),
        })
        .collect()
}

/// Values of one CSS property on every element that sets it, in document order.
fn styles(tree: &FrameTree, property: &str) -> Vec<String> {
    tree.elements()
        .into_iter()
        .filter_map(|e| e.style.get(property).cloned())
        .collect()
}

fn names(tree: &FrameTree) -> Vec<String> {
    probes(tree)
        .iter()
        .map(|p| p.split(' ').next().unwrap().to_string())
        .collect()
}

/// A 40-frame scene A, a 20-frame transition, a 60-frame scene B: B starts at 20, A ends at 40.
fn two(presentation: &str, timing: &str) -> String {
    format!(
        "<TransitionSeries>{{S(40, 'A')}}<TransitionSeries.Transition timing={{{timing}}} presentation={{{presentation}}} />{{S(60, 'B')}}</TransitionSeries>"
    )
}

fn linear20(presentation: &str) -> String {
    two(presentation, "linearTiming({ durationInFrames: 20 })")
}

#[test]
fn fade_overlaps_the_neighbours_for_the_transition_duration() {
    let mut e = engine(&linear20("fade()"), 100);
    let cases: &[(u32, &[&str], &[&str])] = &[
        (0, &["A 1 0 true"], &["1"]),
        (19, &["A 1 0 true"], &["1"]),
        (20, &["A 1 0 true", "B 0 0 true"], &["1", "0"]),
        (21, &["A 1 0.05 true", "B 0.05 0 true"], &["1", "0.05"]),
        (30, &["A 1 0.5 true", "B 0.5 0 true"], &["1", "0.5"]),
        (39, &["A 1 0.95 true", "B 0.95 0 true"], &["1", "0.95"]),
        (40, &["B 1 0 true"], &["1"]),
        (79, &["B 1 0 true"], &["1"]),
        (80, &[], &[]),
    ];
    for (frame, expected_probes, opacities) in cases {
        let tree = render(&mut e, *frame);
        assert_eq!(probes(&tree), *expected_probes, "frame {frame}");
        assert_eq!(styles(&tree, "opacity"), *opacities, "frame {frame}");
    }
}

#[test]
fn fade_options_fade_out_the_exiting_scene_and_add_styles() {
    let mut e = engine(
        &linear20(
            "fade({ shouldFadeOutExitingScene: true, enterStyle: { color: 'red' }, exitStyle: { color: 'blue' } })",
        ),
        100,
    );
    let tree = render(&mut e, 25);
    assert_eq!(styles(&tree, "opacity"), ["0.75", "0.25"]);
    assert_eq!(styles(&tree, "color"), ["blue", "red"]);
}

#[test]
fn total_duration_is_the_sum_of_sequences_minus_the_transitions() {
    // 30 + 30 + 30 − 10 − 10 = 70 frames.
    let body = "<TransitionSeries>{S(30, 'A')}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 10 })} presentation={fade()} />{S(30, 'B')}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 10 })} presentation={slide()} />{S(30, 'C')}</TransitionSeries>";
    let mut e = engine(body, 100);
    let cases: &[(u32, &[&str])] = &[
        (0, &["A"]),
        (19, &["A"]),
        (20, &["A", "B"]),
        (29, &["A", "B"]),
        (30, &["B"]),
        (39, &["B"]),
        (40, &["B", "C"]),
        (49, &["B", "C"]),
        (50, &["C"]),
        (69, &["C"]),
        (70, &[]),
    ];
    for (frame, expected) in cases {
        assert_eq!(names(&render(&mut e, *frame)), *expected, "frame {frame}");
    }
    // B is wrapped in both presentations: the exiting slide outside the entering fade.
    let tree = render(&mut e, 45);
    assert_eq!(probes(&tree), ["B 1 0.5 true", "C 0.5 0 true"]);
    assert_eq!(
        styles(&tree, "transform"),
        ["translateX(49.99%)", "translateX(-50%)"]
    );
    assert_eq!(styles(&tree, "opacity"), ["1"]);
    let outer = tree
        .elements()
        .into_iter()
        .position(|el| el.style.get("transform").is_some())
        .unwrap();
    let inner = tree
        .elements()
        .into_iter()
        .position(|el| el.style.get("opacity").is_some())
        .unwrap();
    assert!(
        outer < inner,
        "the exiting presentation wraps the entering one"
    );
}

#[test]
fn spring_timing_sets_the_overlap_to_the_spring_s_natural_duration() {
    // springTiming() settles after 28 frames at 30 fps: B starts at 40 − 28 = 12.
    let mut e = engine(&two("fade()", "springTiming()"), 100);
    assert_eq!(names(&render(&mut e, 11)), ["A"]);
    assert_eq!(names(&render(&mut e, 12)), ["A", "B"]);
    assert_eq!(names(&render(&mut e, 39)), ["A", "B"]);
    assert_eq!(names(&render(&mut e, 40)), ["B"]);
    assert_eq!(names(&render(&mut e, 71)), ["B"]);
    assert_eq!(names(&render(&mut e, 72)), Vec::<String>::new());
    // Frame 17 is 5 frames into the spring.
    let opacity: f64 = styles(&render(&mut e, 17), "opacity")[1].parse().unwrap();
    assert!((opacity - 0.6958917272121958).abs() < 1e-9, "{opacity}");
}

fn timing_values(expression: &str) -> Vec<f64> {
    let body = format!("<p>{{JSON.stringify({expression})}}</p>");
    let tree = render(&mut engine(&body, 10), 0);
    let value: serde_json::Value = serde_json::from_str(&tree.text_content()).unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn assert_close(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a - e).abs() <= 1e-9 * e.abs().max(1.0),
            "{actual:?} vs {expected:?}"
        );
    }
}

#[test]
fn linear_timing_matches_remotion() {
    assert_close(
        &timing_values(
            "[linearTiming({ durationInFrames: 20 }).getDurationInFrames({ fps: 30 }), ...[-5, 0, 5, 10, 13, 20, 25].map((frame) => linearTiming({ durationInFrames: 20 }).getProgress({ frame, fps: 30 }))]",
        ),
        &[20.0, 0.0, 0.0, 0.25, 0.5, 0.65, 1.0, 1.0],
    );
    assert_close(
        &timing_values(
            "[0, 5, 10, 13, 20].map((frame) => linearTiming({ durationInFrames: 20, easing: Easing.inOut(Easing.ease) }).getProgress({ frame, fps: 30 }))",
        ),
        &[0.0, 0.15767840628626967, 0.5, 0.7225929837356686, 1.0],
    );
}

#[test]
fn spring_timing_matches_remotion() {
    assert_close(
        &timing_values(
            "[springTiming().getDurationInFrames({ fps: 30 }), springTiming().getDurationInFrames({ fps: 60 }), springTiming({ config: { damping: 200 } }).getDurationInFrames({ fps: 30 }), springTiming({ durationRestThreshold: 0.001, config: { mass: 2 } }).getDurationInFrames({ fps: 30 }), springTiming({ durationInFrames: 0 }).getDurationInFrames({ fps: 30 }), springTiming({ durationInFrames: 17 }).getDurationInFrames({ fps: 30 })]",
        ),
        &[28.0, 56.0, 23.0, 78.0, 28.0, 17.0],
    );
    assert_close(
        &timing_values(
            "[-3, 0, 5, 10, 15, 20, 27, 40].map((frame) => springTiming().getProgress({ frame, fps: 30 }))",
        ),
        &[
            0.0,
            0.0,
            0.6958917272121958,
            1.1552855913778497,
            1.0745905665950333,
            0.9789091756620557,
            0.9929342634684902,
            0.9999591053807043,
        ],
    );
    assert_close(
        &timing_values(
            "[0, 10, 20, 29, 30, 35].map((frame) => springTiming({ config: { damping: 200 }, durationInFrames: 30 }).getProgress({ frame, fps: 30 }))",
        ),
        &[
            0.0,
            0.7239143761654193,
            0.9631537895648202,
            0.9949154946372268,
            0.9959424762990092,
            1.0,
        ],
    );
    assert_close(
        &timing_values(
            "[0, 5, 10, 19, 20].map((frame) => springTiming({ reverse: true, durationInFrames: 20 }).getProgress({ frame, fps: 30 }))",
        ),
        &[
            0.003153580527297639,
            0.025641038385769588,
            -0.10414049529181013,
            0.9078792361108888,
            1.0,
        ],
    );
}

#[test]
fn slide_pushes_the_exiting_scene_out() {
    // [direction, exiting transform, entering transform] at progress 0.25 (frame 25).
    let cases = [
        ("from-left", "translateX(24.99%)", "translateX(-75%)"),
        ("from-right", "translateX(-25%)", "translateX(75.01%)"),
        ("from-top", "translateY(24.99%)", "translateY(-75%)"),
        ("from-bottom", "translateY(-25%)", "translateY(75.01%)"),
    ];
    for (direction, exiting, entering) in cases {
        let mut e = engine(
            &linear20(&format!("slide({{ direction: '{direction}' }})")),
            100,
        );
        let tree = render(&mut e, 25);
        assert_eq!(names(&tree), ["A", "B"]);
        assert_eq!(
            styles(&tree, "transform"),
            [exiting, entering],
            "{direction}"
        );
        assert_eq!(styles(&tree, "justify-content"), ["center", "center"]);
    }
    // The default presentation is slide() from the left; the seam overlap is dropped at 1.
    let body = "<TransitionSeries>{S(40, 'A')}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 20 })} />{S(60, 'B')}</TransitionSeries>";
    let mut e = engine(body, 100);
    assert_eq!(
        styles(&render(&mut e, 20), "transform"),
        ["translateX(-0.01%)", "translateX(-100%)"]
    );
    assert_eq!(
        styles(&render(&mut e, 39), "transform"),
        ["translateX(94.99%)", "translateX(-5%)"]
    );
    assert_eq!(styles(&render(&mut e, 40), "transform"), ["translateX(0%)"]);
    let mut e = engine(&linear20("slide({ direction: 'from-right' })"), 100);
    assert_eq!(
        styles(&render(&mut e, 33), "transform"),
        ["translateX(-65%)", "translateX(35.010000000000005%)"]
    );
}

#[test]
fn wipe_clips_both_scenes_with_complementary_polygons() {
    // [direction, exiting clip, entering clip] at progress 0.25.
    let cases = [
        (
            "from-left",
            "polygon(100% 100%, 25% 100%, 25% 0%, 100% 0%)",
            "polygon(0% 0%, 25% 0%, 25% 100%, 0% 100%)",
        ),
        (
            "from-top-left",
            "polygon(100% 100%, -50% 100%, 100% -50%)",
            "polygon(0% 0%, 50% 0%, 0% 50%)",
        ),
        (
            "from-top",
            "polygon(100% 100%, 0% 100%, 0% 25%, 100% 25%)",
            "polygon(0% 0%, 100% 0%, 100% 25%, 0% 25%)",
        ),
        (
            "from-top-right",
            "polygon(0% 100%, 150% 100%, 0% -50%)",
            "polygon(100% 0%, 50% 0%, 100% 50%)",
        ),
        (
            "from-right",
            "polygon(0% 0%, 75% 0%, 75% 100%, 0% 100%)",
            "polygon(100% 0%, 100% 100%, 75% 100%, 75% 0%)",
        ),
        (
            "from-bottom-right",
            "polygon(0% 0%, 150% 0%, 0% 150%)",
            "polygon(100% 100%, 50% 100%, 100% 50%)",
        ),
        (
            "from-bottom",
            "polygon(100% 0%, 0% 0%, 0% 75%, 100% 75%)",
            "polygon(0% 100%, 100% 100%, 100% 75%, 0% 75%)",
        ),
        (
            "from-bottom-left",
            "polygon(100% 0%, -50% 0%, 100% 150%)",
            "polygon(0% 100%, 0% 50%, 50% 100%)",
        ),
    ];
    for (direction, exiting, entering) in cases {
        let mut e = engine(
            &linear20(&format!("wipe({{ direction: '{direction}' }})")),
            100,
        );
        let tree = render(&mut e, 25);
        assert_eq!(
            styles(&tree, "clip-path"),
            [exiting, entering],
            "{direction}"
        );
    }
    let mut e = engine(&linear20("wipe({ direction: 'from-top-left' })"), 100);
    assert_eq!(
        styles(&render(&mut e, 39), "clip-path"),
        [
            "polygon(100% 100%, 89.99999999999999% 100%, 100% 89.99999999999999%)",
            "polygon(0% 0%, 190% 0%, 0% 190%)"
        ]
    );
}

#[test]
fn flip_rotates_both_scenes_in_perspective() {
    let cases = [
        ("from-left", "rotateY(45deg)", "rotateY(-135deg)"),
        ("from-right", "rotateY(-45deg)", "rotateY(135deg)"),
        ("from-top", "rotateX(-45deg)", "rotateX(135deg)"),
        ("from-bottom", "rotateX(45deg)", "rotateX(-135deg)"),
    ];
    for (direction, exiting, entering) in cases {
        let mut e = engine(
            &linear20(&format!(
                "flip({{ direction: '{direction}', perspective: 800 }})"
            )),
            100,
        );
        let tree = render(&mut e, 25);
        assert_eq!(
            styles(&tree, "transform"),
            [exiting, entering],
            "{direction}"
        );
        assert_eq!(styles(&tree, "perspective"), ["800px", "800px"]);
        assert_eq!(styles(&tree, "backface-visibility"), ["hidden", "hidden"]);
        assert_eq!(
            styles(&tree, "transform-style"),
            ["preserve-3d", "preserve-3d"]
        );
    }
    let mut e = engine(&linear20("flip()"), 100);
    let tree = render(&mut e, 33);
    assert_eq!(
        styles(&tree, "transform"),
        ["rotateY(117deg)", "rotateY(-63deg)"]
    );
    assert_eq!(styles(&tree, "perspective"), ["1000px", "1000px"]);
}

#[test]
fn clock_wipe_reveals_the_entering_scene_with_a_pie_shaped_path() {
    let mut e = engine(&linear20("clockWipe({ width: 1920, height: 1080 })"), 100);
    let cases = [
        (
            20,
            "path(\"M 960.0000049588509 -561.4535850411492 A 1101.4535850411492 1101.4535850411492 0 0 1 960.0000049588509 -561.4535850411492 Z\")",
        ),
        (
            25,
            "path(\"M 960.0000049588509 -561.4535850411492 A 1101.4535850411492 1101.4535850411492 0 0 1 2061.453584958851 540.0000049588509 L 960 540 Z\")",
        ),
        (
            33,
            "path(\"M 960.0000049588509 -561.4535850411492 A 1101.4535850411492 1101.4535850411492 0 0 1 960.0000049588509 1641.4535849588508 A 1101.4535850411492 1101.4535850411492 0 0 1 68.90533495885086 1187.4181749588508 L 960 540 Z\")",
        ),
        (
            35,
            "path(\"M 960.0000049588509 -561.4535850411492 A 1101.4535850411492 1101.4535850411492 0 0 1 960.0000049588509 1641.4535849588508 A 1101.4535850411492 1101.4535850411492 0 0 1 -141.45358504114915 540.0000049588509 L 960 540 Z\")",
        ),
    ];
    for (frame, path) in cases {
        let tree = render(&mut e, frame);
        assert_eq!(names(&tree), ["A", "B"], "frame {frame}");
        // Only the entering scene is clipped.
        assert_eq!(styles(&tree, "clip-path"), [path], "frame {frame}");
    }
    let mut e = engine(
        &linear20(
            "clockWipe({ width: 300, height: 200, innerEnterStyle: { opacity: 0.5 }, outerExitStyle: { background: 'red' } })",
        ),
        100,
    );
    let tree = render(&mut e, 25);
    assert_eq!(
        styles(&tree, "clip-path"),
        [
            "path(\"M 149.99999622680053 -80.27756377319946 A 180.27756377319946 180.27756377319946 0 0 1 330.27756622680056 99.99999622680053 L 150 100 Z\")"
        ]
    );
    assert_eq!(styles(&tree, "opacity"), ["0.5"]);
    assert_eq!(styles(&tree, "background"), ["red"]);
}

#[test]
fn none_leaves_the_effect_to_use_transition_progress() {
    let mut e = engine(&linear20("none({ enterStyle: { opacity: 0.3 } })"), 100);
    let tree = render(&mut e, 25);
    assert_eq!(probes(&tree), ["A 1 0.25 true", "B 0.25 0 true"]);
    assert_eq!(styles(&tree, "opacity"), ["0.3"]);
    assert!(styles(&tree, "transform").is_empty());
}

#[test]
fn use_transition_progress_outside_and_inside_nested_series() {
    let body = "<div><TransitionSeries.Sequence durationInFrames={10}><Probe t='A' /></TransitionSeries.Sequence><TransitionSeries.Transition timing={linearTiming({ durationInFrames: 5 })} /><Probe t='Z' /></div>";
    assert_eq!(
        probes(&render(&mut engine(body, 30), 20)),
        ["A 1 0 false", "Z 1 0 false"]
    );

    let body = "<TransitionSeries>{S(30, 'A')}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 10 })} presentation={none()} /><TransitionSeries.Sequence durationInFrames={30}><TransitionSeries>{S(15, 'X')}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 4 })} presentation={none()} />{S(15, 'Y')}</TransitionSeries></TransitionSeries.Sequence></TransitionSeries>";
    let mut e = engine(body, 100);
    assert_eq!(
        probes(&render(&mut e, 25)),
        ["A 1 0.5 true", "X 0.5 0 true"]
    );
    assert_eq!(probes(&render(&mut e, 30)), ["X 1 0 true"]);
    assert_eq!(probes(&render(&mut e, 31)), ["X 1 0 true", "Y 0 0 true"]);
    assert_eq!(probes(&render(&mut e, 36)), ["Y 1 0 true"]);
}

#[test]
fn offsets_and_fractional_durations_shift_later_sequences() {
    let body = "<TransitionSeries>{S(30, 'A')}{S(30, 'B', { offset: 5 })}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 10 })} presentation={fade()} />{S(30, 'C', { offset: -5 })}</TransitionSeries>";
    let mut e = engine(body, 100);
    let cases: &[(u32, &[&str])] = &[
        (29, &["A 1 0 false"]),
        (30, &[]),
        (34, &[]),
        (35, &["B 1 0 true"]),
        (50, &["B 1 0 true", "C 0 0 true"]),
        (55, &["B 1 0 true", "C 0.5 0 true"]),
        (60, &["B 1 0.5 true", "C 1 0 true"]),
        (64, &["B 1 0.9 true", "C 1 0 true"]),
        (65, &["C 1 0 true"]),
        (79, &["C 1 0 true"]),
        (80, &[]),
    ];
    for (frame, expected) in cases {
        assert_eq!(probes(&render(&mut e, *frame)), *expected, "frame {frame}");
    }

    let body = "<TransitionSeries>{S(10.5, 'A')}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 5 })} presentation={fade()} />{S(10, 'B')}</TransitionSeries>";
    let mut e = engine(body, 100);
    assert_eq!(probes(&render(&mut e, 5)), ["A 1 0 true"]);
    assert_eq!(probes(&render(&mut e, 6)), ["A 1 0.1 true", "B 0.1 0 true"]);
    assert_eq!(
        probes(&render(&mut e, 10)),
        ["A 1 0.9 true", "B 0.9 0 true"]
    );
    assert_eq!(probes(&render(&mut e, 11)), ["B 1 0 true"]);
    assert_eq!(probes(&render(&mut e, 16)), Vec::<String>::new());
}

#[test]
fn a_transition_first_or_last_animates_the_lone_neighbour_like_remotion() {
    // Remotion does not reject these: a leading transition fades the first scene in without
    // shifting anything, a trailing one fades the last scene out over its final frames.
    let body = "<TransitionSeries><TransitionSeries.Transition timing={linearTiming({ durationInFrames: 10 })} presentation={fade()} />{S(30, 'A')}{S(30, 'B')}</TransitionSeries>";
    let mut e = engine(body, 100);
    let tree = render(&mut e, 0);
    assert_eq!(probes(&tree), ["A 0 0 true"]);
    assert_eq!(styles(&tree, "opacity"), ["0"]);
    assert_eq!(styles(&render(&mut e, 5), "opacity"), ["0.5"]);
    assert_eq!(probes(&render(&mut e, 29)), ["A 1 0 true"]);
    assert_eq!(probes(&render(&mut e, 30)), ["B 1 0 false"]);
    assert_eq!(probes(&render(&mut e, 60)), Vec::<String>::new());

    let body = "<TransitionSeries>{S(30, 'A')}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 10 })} presentation={fade({ shouldFadeOutExitingScene: true })} /></TransitionSeries>";
    let mut e = engine(body, 100);
    assert_eq!(styles(&render(&mut e, 20), "opacity"), ["1"]);
    assert_eq!(probes(&render(&mut e, 25)), ["A 1 0.5 true"]);
    assert_eq!(
        styles(&render(&mut e, 29), "opacity"),
        ["0.09999999999999998"]
    );
    assert_eq!(probes(&render(&mut e, 30)), Vec::<String>::new());
}

#[test]
fn overlays_are_centred_on_the_cut_and_painted_on_top() {
    let body = "<TransitionSeries>{S(30, 'A')}<TransitionSeries.Overlay durationInFrames={10}><p>O</p></TransitionSeries.Overlay>{S(30, 'B')}<TransitionSeries.Overlay durationInFrames={6} offset={2}><p>P</p></TransitionSeries.Overlay>{S(30, 'C')}</TransitionSeries>";
    let mut e = engine(body, 100);
    let cases: &[(u32, &[&str])] = &[
        (24, &["A 1 0 false"]),
        (25, &["A 1 0 false", "O"]),
        (30, &["B 1 0 false", "O"]),
        (34, &["B 1 0 false", "O"]),
        (35, &["B 1 0 false"]),
        (58, &["B 1 0 false"]),
        (59, &["B 1 0 false", "P"]),
        (60, &["C 1 0 false", "P"]),
        (64, &["C 1 0 false", "P"]),
        (65, &["C 1 0 false"]),
        (90, &[]),
    ];
    for (frame, expected) in cases {
        assert_eq!(probes(&render(&mut e, *frame)), *expected, "frame {frame}");
    }
}

#[test]
fn series_and_sequence_props_reach_the_sequences() {
    let body = "<TransitionSeries from={10} style={{ color: 'red' }}>{S(30, 'A', { className: 'first', style: { fontSize: 3 } })}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 10 })} presentation={fade()} />{S(30, 'B', { layout: 'none' })}</TransitionSeries>";
    let mut e = engine(body, 100);
    assert_eq!(probes(&render(&mut e, 9)), Vec::<String>::new());
    let tree = render(&mut e, 35);
    assert_eq!(probes(&tree), ["A 1 0.5 true", "B 0.5 0 true"]);
    assert_eq!(styles(&tree, "color"), ["red"]);
    assert_eq!(styles(&tree, "font-size"), ["3px"]);
    let classes: Vec<&str> = tree
        .elements()
        .into_iter()
        .filter_map(|el| el.attribute("class"))
        .collect();
    assert_eq!(classes, ["first"]);
    // layout="none": B's presentation is not wrapped in a Sequence fill.
    let series = match &tree.root[0] {
        kinema_compose::Node::Element(el) => el,
        other => panic!("{other:?}"),
    };
    let second = match &series.children[1] {
        kinema_compose::Node::Element(el) => el,
        other => panic!("{other:?}"),
    };
    assert_eq!(second.style.get("opacity").map(String::as_str), Some("0.5"));
    assert_eq!(probes(&render(&mut e, 59)), ["B 1 0 true"]);
    assert_eq!(probes(&render(&mut e, 60)), Vec::<String>::new());
}

#[test]
fn fragments_arrays_and_empty_children_are_flattened() {
    let body = "<TransitionSeries><>{S(30, 'A')}<TransitionSeries.Transition timing={linearTiming({ durationInFrames: 10 })} presentation={fade()} /></>{[S(30, 'B')]}{null}{false}</TransitionSeries>";
    let mut e = engine(body, 100);
    assert_eq!(
        probes(&render(&mut e, 25)),
        ["A 1 0.5 true", "B 0.5 0 true"]
    );
    assert_eq!(probes(&render(&mut e, 45)), ["B 1 0 true"]);
}

#[test]
fn misuse_fails_with_remotion_s_errors() {
    let t = |d: u32| {
        format!(
            "<TransitionSeries.Transition timing={{linearTiming({{ durationInFrames: {d} }})}} presentation={{fade()}} />"
        )
    };
    let series = |inner: String| format!("<TransitionSeries>{inner}</TransitionSeries>");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            series(format!("{{S(40, 'A')}}{}{}{{S(40, 'B')}}", t(10), t(10))),
            "TypeError",
            "A <TransitionSeries.Transition /> component must not be followed by another <TransitionSeries.Transition /> component (nth children = 1 and 2)",
        ),
        (
            series(format!("{{S(5, 'A')}}{}{{S(40, 'B')}}", t(10))),
            "Error",
            "The duration of a <TransitionSeries.Sequence /> must not be shorter than the duration of the next <TransitionSeries.Transition />. The transition is 10 frames long, but the sequence is only 5 frames long (index = 0, duration = 5)",
        ),
        (
            series(format!("{{S(40, 'A')}}{}{{S(5, 'B')}}", t(10))),
            "Error",
            "The duration of a <TransitionSeries.Sequence /> must not be shorter than the duration of the previous <TransitionSeries.Transition />. The transition is 10 frames long, but the sequence is only 5 frames long (index = 2, duration = 5)",
        ),
        (
            series("{S(40, 'A')}<div>x</div>".into()),
            "TypeError",
            "The <TransitionSeries /> component only accepts a list of <TransitionSeries.Sequence />, <TransitionSeries.Transition />, and <TransitionSeries.Overlay /> components as its children, but got [object Object] instead",
        ),
        (
            series("{S(40, 'A')}{5}".into()),
            "TypeError",
            "The <TransitionSeries /> component only accepts a list of <TransitionSeries.Sequence />, <TransitionSeries.Transition />, and <TransitionSeries.Overlay /> components as its children, but got 5 instead",
        ),
        (
            series("{S(40, 'A')}hello".into()),
            "TypeError",
            "The <TransitionSeries /> component only accepts a list of <TransitionSeries.Sequence /> components as its children, but you passed a string \"hello\"",
        ),
        (
            series("<TransitionSeries.Sequence>x</TransitionSeries.Sequence>".into()),
            "Error",
            "The \"durationInFrames\" prop of a <TransitionSeries.Sequence /> component is missing.",
        ),
        (
            series("{S('10' as any, 'A')}".into()),
            "Error",
            "The \"durationInFrames\" prop of a <TransitionSeries.Sequence /> component must be a number, but you passed a value of type string",
        ),
        (
            series("{S(0, 'A')}".into()),
            "TypeError",
            "The \"durationInFrames\" prop of a <TransitionSeries.Sequence /> component must be positive, but got 0.",
        ),
        (
            series("{S(Infinity, 'A')}".into()),
            "TypeError",
            "The \"durationInFrames\" prop of a <TransitionSeries.Sequence /> component must be finite, but got Infinity.",
        ),
        (
            series("{S(10, 'A', { offset: 1.5 })}".into()),
            "TypeError",
            "The \"offset\" property of a <TransitionSeries.Sequence /> must be finite, but got 1.5 (index = 0, duration = 10).",
        ),
        (
            series("{S(10, 'A', { offset: NaN })}".into()),
            "TypeError",
            "The \"offset\" property of a <TransitionSeries.Sequence /> must not be NaN, but got NaN (index = 0, duration = 10).",
        ),
        (
            series("{S(30, 'A')}<TransitionSeries.Overlay durationInFrames={10} /><TransitionSeries.Overlay durationInFrames={10} />{S(30, 'B')}".into()),
            "TypeError",
            "A <TransitionSeries.Overlay /> component must not be followed by another <TransitionSeries.Overlay /> component (nth children = 1 and 2)",
        ),
        (
            series(format!("{{S(30, 'A')}}{}<TransitionSeries.Overlay durationInFrames={{10}} />{{S(30, 'B')}}", t(10))),
            "TypeError",
            "A <TransitionSeries.Transition /> component must not be followed by a <TransitionSeries.Overlay /> component (nth children = 1 and 2)",
        ),
        (
            series(format!("{{S(30, 'A')}}<TransitionSeries.Overlay durationInFrames={{10}} />{}{{S(30, 'B')}}", t(10))),
            "TypeError",
            "A <TransitionSeries.Overlay /> component must not be followed by a <TransitionSeries.Transition /> component (nth children = 1 and 2)",
        ),
        (
            series("<TransitionSeries.Overlay durationInFrames={10} />{S(30, 'B')}".into()),
            "TypeError",
            "A <TransitionSeries.Overlay /> extends before frame 0. The overlay starts at frame -5. Reduce the duration or adjust the offset.",
        ),
        (
            series("{S(30, 'A')}{S(4, 'B')}<TransitionSeries.Overlay durationInFrames={10} />{S(30, 'C')}".into()),
            "TypeError",
            "A <TransitionSeries.Overlay /> extends beyond the previous sequence. The overlay needs 5 frames before the cut, but the previous sequence is only 4 frames long.",
        ),
        (
            series("{S(30, 'A')}<TransitionSeries.Overlay durationInFrames={10} offset={2} />{S(6, 'B')}".into()),
            "TypeError",
            "A <TransitionSeries.Overlay /> extends beyond the next sequence. The overlay needs 7 frames after the cut, but the next sequence is only 6 frames long.",
        ),
        (
            series("{S(30, 'A')}<TransitionSeries.Overlay durationInFrames={10.5} />{S(30, 'B')}".into()),
            "TypeError",
            "The \"durationInFrames\" prop of a <TransitionSeries.Overlay /> component must be an integer, but got 10.5.",
        ),
        (
            series("{S(30, 'A')}<TransitionSeries.Overlay durationInFrames={10} offset={0.5} />{S(30, 'B')}".into()),
            "TypeError",
            "The \"offset\" property of a <TransitionSeries.Overlay /> must be an integer, but got 0.5.",
        ),
        (linear20("slide({ direction: 'up' as any })"), "Error", "Invalid direction: up"),
        (linear20("wipe({ direction: 'up' as any })"), "Error", "Unknown direction \"up\""),
    ];
    for (body, name, message) in cases {
        let error = render_error(&body, 25);
        assert_eq!(
            (error.name.as_str(), error.message.as_str()),
            (name, message),
            "{body}"
        );
    }
}

#[test]
fn whitespace_children_are_ignored() {
    let body = "<TransitionSeries>{' '}{S(30, 'A')}{'\\n  '}</TransitionSeries>";
    assert_eq!(probes(&render(&mut engine(body, 100), 3)), ["A 1 0 false"]);
}
