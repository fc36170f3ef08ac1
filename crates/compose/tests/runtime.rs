//! Behaviour of Kinema's React and Remotion runtime, through the public API: timing, context,
//! props → DOM conversion, registration.

use std::sync::Arc;

use kinema_compose::{
    Bundle, BundleKind, CodeComposition, Engine, FrameTree, Limits, MemoryFiles, Node,
};
use serde_json::json;

mod common;
use common::engine;

fn frame(code: &str, duration: u32, n: u32) -> FrameTree {
    engine(code, duration)
        .render_frame(n)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn text(code: &str, duration: u32, n: u32) -> String {
    frame(code, duration, n).text_content()
}

/// An element's attributes or style declarations as `(name, value)` pairs, in order.
fn pairs<'a>(map: impl IntoIterator<Item = (&'a String, &'a String)>) -> Vec<(&'a str, &'a str)> {
    map.into_iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn first_element(tree: &FrameTree) -> &kinema_compose::Element {
    match &tree.root[0] {
        Node::Element(e) => e,
        Node::Text(t) => panic!("text {t}"),
    }
}

#[test]
fn style_objects_convert_like_react_dom() {
    let tree = frame(
        "export default () => <div style={{fontSize: 12, opacity: 0.5, zIndex: 3, lineHeight: 1.2, flexGrow: 1, WebkitLineClamp: 2, msTransform: 'none', margin: 0, width: '50%', '--accent': 4, padding: ' 2px ', color: null, top: undefined, left: false, transform: `translateX(${0.1 + 0.2}px)`, strokeWidth: 3, aspectRatio: 1.5}} />;",
        1,
        0,
    );
    let declarations = pairs(&first_element(&tree).style);
    assert_eq!(
        declarations,
        vec![
            ("font-size", "12px"),
            ("opacity", "0.5"),
            ("z-index", "3"),
            ("line-height", "1.2"),
            ("flex-grow", "1"),
            ("-webkit-line-clamp", "2"),
            ("-ms-transform", "none"),
            ("margin", "0"),
            ("width", "50%"),
            ("--accent", "4"),
            ("padding", "2px"),
            ("transform", "translateX(0.30000000000000004px)"),
            ("stroke-width", "3"),
            ("aspect-ratio", "1.5"),
        ]
    );
}

#[test]
fn props_become_dom_attributes() {
    let tree = frame(
        "export default () => <svg viewBox=\"0 0 10 10\" className=\"a b\" xmlnsXlink=\"http://www.w3.org/1999/xlink\"><path d=\"M0 0\" strokeWidth={2} strokeDasharray=\"4 2\" fillOpacity={0.5} onClick={() => 1} data-x={true} aria-hidden={true} hidden={false} /><use xlinkHref=\"#p\" /><input readOnly tabIndex={2} disabled /></svg>;",
        1,
        0,
    );
    let root = first_element(&tree);
    assert_eq!(root.attribute("viewBox"), Some("0 0 10 10"));
    assert_eq!(root.attribute("class"), Some("a b"));
    assert_eq!(
        root.attribute("xmlns:xlink"),
        Some("http://www.w3.org/1999/xlink")
    );
    let elements = root.descendants();
    let path = elements[0];
    let attrs = pairs(&path.attributes);
    assert_eq!(
        attrs,
        vec![
            ("d", "M0 0"),
            ("stroke-width", "2"),
            ("stroke-dasharray", "4 2"),
            ("fill-opacity", "0.5"),
            ("data-x", "true"),
            ("aria-hidden", "true")
        ]
    );
    assert_eq!(elements[1].attribute("xlink:href"), Some("#p"));
    let input = elements[2];
    assert_eq!(
        (
            input.attribute("readonly"),
            input.attribute("tabindex"),
            input.attribute("disabled")
        ),
        (Some(""), Some("2"), Some(""))
    );
}

#[test]
fn booleans_handlers_and_empty_urls_follow_react_dom() {
    let tree = frame(
        "export default () => <img src=\"\" alt=\"x\" draggable={false} onLoad=\"x\" title={true} checked={false} spellCheck={true} data-n={3} id={{toString: () => 'obj'}} href={0} />;",
        1,
        0,
    );
    let attrs = pairs(&first_element(&tree).attributes);
    assert_eq!(
        attrs,
        vec![
            ("alt", "x"),
            ("draggable", "false"),
            ("spellcheck", "true"),
            ("data-n", "3"),
            ("id", "obj"),
            ("href", "0")
        ]
    );
}

#[test]
fn numbers_in_props_print_as_javascript_prints_them() {
    // Doubles of every kind (random bit patterns: subnormals to 1e308; fractions; integers
    // around 2^53; the special values) each as an attribute and a style length, next to
    // JavaScript's own `String(n)` as text: the engine formats prop numbers itself.
    let code = r#"
        export default () => {
          let seed = 12345;
          const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed; };
          const view = new DataView(new ArrayBuffer(8));
          const numbers = [0, -0, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 1e21, 1e-7, 123e-20];
          for (let i = 0; i < 600; i++) {
            view.setUint32(0, next()); view.setUint32(4, next());
            const bits = view.getFloat64(0);
            if (Number.isFinite(bits)) numbers.push(bits);
            numbers.push((next() / 4294967296) * 10 ** ((next() % 40) - 20));
            numbers.push(next() % 100000 / 100 - 500);
          }
          return <div>{numbers.map((n, i) => <i key={i} data-n={n} style={{width: n}}>{String(n)}</i>)}</div>;
        };"#;
    let tree = frame(code, 1, 0);
    let items: Vec<_> = tree
        .elements()
        .into_iter()
        .filter(|e| e.tag == "i")
        .collect();
    assert!(items.len() > 1800, "{}", items.len());
    for item in items {
        let Some(Node::Text(expected)) = item.children.first() else {
            panic!("text")
        };
        assert_eq!(item.attribute("data-n"), Some(expected.as_str()));
        let width = if expected == "0" {
            "0".to_string()
        } else {
            format!("{expected}px")
        };
        assert_eq!(item.style.get("width"), Some(&width), "{expected}");
    }
}

#[test]
fn props_objects_read_like_react_dom_reads_them() {
    // Own enumerable string keys only (not inherited, hidden or symbol ones); objects through
    // their own valueOf/toString; JavaScript's trim.
    let tree = frame(
        r#"import {jsx} from 'react/jsx-runtime';
        export default () => {
          const props = Object.create({title: 'inherited'});
          props.id = {valueOf: () => 7, toString: () => 'seven'};
          Object.defineProperty(props, 'lang', {value: 'en', enumerable: false});
          props[Symbol('s')] = 'symbol';
          props.tabIndex = 2n;
          props.style = {color: {toString: () => ' red '}, width: ' ', height: '', margin: -0, padding: NaN, top: '\uFEFF1px\u0085', '--x': 0.1 + 0.2, left: true, right: null};
          return jsx('div', props);
        };"#,
        1,
        0,
    );
    let div = first_element(&tree);
    assert_eq!(pairs(&div.attributes), vec![("id", "7"), ("tabindex", "2")]);
    assert_eq!(
        pairs(&div.style),
        vec![
            ("color", "red"),
            ("width", ""),
            ("margin", "0"),
            ("padding", "NaNpx"),
            ("top", "1px\u{85}"),
            ("--x", "0.30000000000000004"),
        ]
    );
}

#[test]
fn made_up_prop_names_beyond_the_engine_s_rule_cache_still_convert() {
    // More distinct names than the engine caches rules for (4096), changing from frame to
    // frame: the cache empties and fills again mid-frame without mixing names up.
    let mut engine = engine(
        "import {useCurrentFrame} from 'remotion';\nexport default () => { const f = useCurrentFrame(); return <div>{Array.from({length: 5000}, (_, i) => <i key={i} {...{['data-n' + (i + f)]: i}} style={{['--v' + (i * 2 + f)]: i, fontSize: i}} />)}</div>; };",
        2,
    );
    for frame in [0, 1] {
        let tree = engine.render_frame(frame).unwrap_or_else(|e| panic!("{e}"));
        let items: Vec<_> = tree
            .elements()
            .into_iter()
            .filter(|e| e.tag == "i")
            .collect();
        assert_eq!(items.len(), 5000);
        for (i, item) in items.iter().enumerate() {
            let n = i.to_string();
            let attribute = format!("data-n{}", i as u32 + frame);
            let custom = format!("--v{}", i as u32 * 2 + frame);
            let px = if i == 0 {
                "0".to_string()
            } else {
                format!("{i}px")
            };
            assert_eq!(
                pairs(&item.attributes),
                vec![(attribute.as_str(), n.as_str())]
            );
            assert_eq!(
                pairs(&item.style),
                vec![(custom.as_str(), n.as_str()), ("font-size", px.as_str())]
            );
        }
    }
}

#[test]
fn a_prop_that_throws_fails_the_frame_with_its_error() {
    let failing = |body: &str| {
        engine(
            &format!(
                "import {{jsx}} from 'react/jsx-runtime';\nexport default () => {{ {body} }};"
            ),
            1,
        )
        .render_frame(0)
        .unwrap_err()
        .to_string()
    };
    let err = failing(
        "const props = {}; Object.defineProperty(props, 'title', {enumerable: true, get() { throw new Error('no title'); }}); return jsx('p', props);",
    );
    assert!(err.contains("frame 0") && err.contains("no title"), "{err}");
    let err = failing("return jsx('p', {style: {color: Symbol('c')}});");
    assert!(err.contains("TypeError") && err.contains("symbol"), "{err}");
}

#[test]
fn children_render_like_react() {
    let tree = frame(
        "export default () => <p>{'a'}{1}{null}{false}{true}{undefined}{[<b key=\"x\">b</b>, 'c']}{0}{''}<>{'d'}</></p>;",
        1,
        0,
    );
    let p = first_element(&tree);
    assert_eq!(p.children.len(), 3);
    assert_eq!(p.children[0], Node::Text("a1".into()));
    assert_eq!(p.children[2], Node::Text("c0d".into()));
}

#[test]
fn style_and_inner_html_pass_through() {
    let tree = frame(
        "export default () => <div><style>{'.x { color: red; }'}</style><div dangerouslySetInnerHTML={{__html: '<b>hi</b>'}} /></div>;",
        1,
        0,
    );
    let elements = tree.elements();
    assert_eq!(elements[1].tag, "style");
    assert_eq!(
        elements[1].children,
        vec![Node::Text(".x { color: red; }".into())]
    );
    assert_eq!(elements[2].inner_html.as_deref(), Some("<b>hi</b>"));
}

#[test]
fn hooks_context_memo_forward_ref_and_classes() {
    let code = r#"
import React, {createContext, useContext, useMemo, useState, useRef, useCallback, useEffect, memo, forwardRef, Children, useId} from 'react';
const Theme = createContext('light');
const Label = memo(({text}: {text: string}) => { const theme = useContext(Theme); return <span>{text}:{theme}</span>; });
const Fancy = forwardRef<HTMLDivElement, {children: React.ReactNode}>((props, ref) => <div>{props.children}</div>);
class Legacy extends React.Component<{n: number}> { render() { return <i>{this.props.n * 2}</i>; } }
const Count = ({children}) => <b>{Children.count(children)}|{Children.map(children, (c, i) => i).join(',')}</b>;
export default function App() {
  const [s] = useState(() => 'init');
  const r = useRef(5);
  const m = useMemo(() => s.toUpperCase(), [s]);
  const cb = useCallback(() => 1, []);
  let effect = 'no';
  useEffect(() => { effect = 'yes'; });
  return (
    <Theme.Provider value="dark">
      <Label text={m} />
      <Theme.Consumer>{(v) => <u>{v}</u>}</Theme.Consumer>
      <Fancy>{r.current + cb()}</Fancy>
      <Legacy n={21} />
      <Count><a/><a/>{null}<a/></Count>{/* React counts empty nodes too */}
      <em>{effect}</em>
      <Theme value="inner"><Label text="x" /></Theme>
      <Label text="y" />
    </Theme.Provider>
  );
}
"#;
    assert_eq!(
        text(code, 1, 0),
        "INIT:dark dark 6 42 4|0,1,2,3 no x:inner y:dark"
    );
}

#[test]
fn sequences_shift_and_hide_their_children() {
    let code = r#"
import {Sequence, useCurrentFrame} from 'remotion';
const F = ({l}) => <p>{l}{useCurrentFrame()}</p>;
export default () => (
  <>
    <F l="root" />
    <Sequence from={10} durationInFrames={20} layout="none">
      <F l="a" />
      <Sequence from={5} durationInFrames={100} layout="none"><F l="b" /></Sequence>
    </Sequence>
    <Sequence from={-5} durationInFrames={10} layout="none"><F l="neg" /></Sequence>
  </>
);
"#;
    assert_eq!(text(code, 100, 0), "root0 neg5");
    assert_eq!(text(code, 100, 4), "root4 neg9");
    assert_eq!(text(code, 100, 5), "root5");
    assert_eq!(text(code, 100, 12), "root12 a2");
    assert_eq!(text(code, 100, 15), "root15 a5 b0");
    // the inner sequence is cut off by its parent's end
    assert_eq!(text(code, 100, 29), "root29 a19 b14");
    assert_eq!(text(code, 100, 30), "root30");
}

/// Inside a sequence, `useVideoConfig().durationInFrames` is the sequence's (values from
/// Remotion's formula: bounded by the parent, or by the composition from the sequence's start).
#[test]
fn video_config_inside_a_sequence_has_the_sequences_duration() {
    let code = r#"
import {Loop, Sequence, Series, useVideoConfig} from 'remotion';
const D = ({l}) => <p>{l}{useVideoConfig().durationInFrames}</p>;
export default () => (
  <>
    <D l="root" />
    <Sequence from={10} durationInFrames={20} layout="none">
      <D l="a" />
      <Sequence from={5} durationInFrames={100} layout="none"><D l="nested" /></Sequence>
    </Sequence>
    <Sequence from={-5} layout="none"><D l="neg" /></Sequence>
    <Sequence from={8} layout="none"><D l="open" /></Sequence>
    <Series><Series.Sequence durationInFrames={30}><D l="series" /></Series.Sequence></Series>
    <Loop durationInFrames={15}><D l="loop" /></Loop>
  </>
);
"#;
    assert_eq!(
        text(code, 60, 16),
        "root60 a20 nested15 neg65 open52 series30 loop15"
    );
}

#[test]
fn sequence_wraps_in_absolute_fill_unless_layout_none() {
    let tree = frame(
        "import {Sequence} from 'remotion';\nexport default () => <Sequence style={{opacity: 0.5}} className=\"s\"><p/></Sequence>;",
        10,
        0,
    );
    let wrapper = first_element(&tree);
    assert_eq!(wrapper.attribute("class"), Some("s"));
    assert_eq!(
        wrapper.style.get("position").map(String::as_str),
        Some("absolute")
    );
    assert_eq!(wrapper.style.get("flex-direction"), None);
    assert_eq!(
        wrapper.style.get("opacity").map(String::as_str),
        Some("0.5")
    );
}

#[test]
fn series_loop_and_freeze() {
    let code = r#"
import {Series, Loop, Freeze, useCurrentFrame} from 'remotion';
const F = ({l}) => <p>{l}{useCurrentFrame()}</p>;
export default () => (
  <>
    <Series>
      <Series.Sequence durationInFrames={10}><F l="s1-" /></Series.Sequence>
      <Series.Sequence durationInFrames={10} offset={5}><F l="s2-" /></Series.Sequence>
      <Series.Sequence durationInFrames={10} offset={-3}><F l="s3-" /></Series.Sequence>
    </Series>
    <Loop durationInFrames={7} times={3}><F l="loop-" /></Loop>
    <Freeze frame={3}><F l="frozen-" /></Freeze>
  </>
);
"#;
    assert_eq!(text(code, 60, 0), "s1-0 loop-0 frozen-3");
    assert_eq!(text(code, 60, 12), "loop-5 frozen-3");
    assert_eq!(text(code, 60, 16), "s2-1 loop-2 frozen-3");
    assert_eq!(text(code, 60, 23), "s2-8 s3-1 frozen-3");
    assert_eq!(text(code, 60, 20), "s2-5 loop-6 frozen-3");
    let err = engine(
        "import {Series} from 'remotion';\nexport default () => <Series><div/></Series>;",
        10,
    )
    .render_frame(0)
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("only accepts a list of <Series.Sequence /> components"),
        "{err}"
    );
}

#[test]
fn video_config_and_input_props() {
    let code = "import {useVideoConfig, getInputProps} from 'remotion';\nexport default (props) => { const c = useVideoConfig(); return <p>{c.id} {c.width}x{c.height} {c.fps} {c.durationInFrames} {JSON.stringify(getInputProps())} {JSON.stringify(props)}</p>; };";
    let bundle = Bundle::from_code(
        code,
        CodeComposition {
            id: "DynamicComp".into(),
            duration_in_frames: 42,
            fps: 25.0,
            width: 640,
            height: 360,
        },
    )
    .unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine
        .select("DynamicComp", &json!({"name": "Ada"}))
        .unwrap();
    assert_eq!(
        engine.render_frame(0).unwrap().text_content(),
        r#"DynamicComp 640x360 25 42 {"name":"Ada"} {"name":"Ada"}"#
    );
}

#[test]
fn static_files_images_and_media() {
    let code = r#"
import {Img, Audio, Video, Sequence, staticFile} from 'remotion';
export default () => (
  <>
    <Img src={staticFile('logos/my logo.png')} style={{width: 10}} />
    <Sequence from={10}>
      <Audio src={staticFile('a.mp3')} volume={(f) => f / 10} trimBefore={30} playbackRate={2} />
      <Video src="https://x/v.mp4" style={{width: 5}} />
    </Sequence>
  </>
);
"#;
    let tree = frame(code, 100, 15);
    let img = tree.elements()[0];
    assert_eq!(
        (img.tag.as_str(), img.attribute("src")),
        ("img", Some("/static/logos/my%20logo.png"))
    );
    assert_eq!(tree.media.len(), 2);
    let audio = &tree.media[0];
    assert_eq!(
        (
            audio.src.as_str(),
            audio.start_frame,
            audio.volume,
            audio.media_time
        ),
        ("/static/a.mp3", 10.0, 0.5, 40.0 / 30.0)
    );
    let video = tree
        .elements()
        .into_iter()
        .find(|e| e.tag == "video")
        .unwrap();
    assert_eq!(video.attribute("data-kinema-media"), Some("1"));
    let err = engine("import {staticFile} from 'remotion';\nexport default () => <p>{staticFile('../x.png')}</p>;", 1).render_frame(0).unwrap_err();
    assert!(
        err.to_string().contains("does not support relative paths"),
        "{err}"
    );
    // Trims that select nothing are refused, as Remotion refuses them.
    for (props, says) in [
        (
            "trimBefore={-5}",
            "\"trimBefore\" prop of <Audio src=\"a.mp3\"> must not be negative",
        ),
        (
            "trimBefore={10} trimAfter={10} loop",
            "\"trimAfter\" prop of <Audio src=\"a.mp3\"> must be greater",
        ),
    ] {
        let code = format!(
            "import {{Audio}} from 'remotion';\nexport default () => <Audio src=\"a.mp3\" {props} />;"
        );
        let err = engine(&code, 1).render_frame(0).unwrap_err().to_string();
        assert!(err.contains(says), "{err}");
    }
}

#[test]
fn number_formatting_works_without_browser_intl() {
    let code = "export default () => <p>{(10000).toLocaleString()} {(1234.5).toLocaleString('en-US', {style: 'currency', currency: 'USD'})} {new Intl.NumberFormat('en-US', {style: 'percent'}).format(0.256)} {(0.5).toFixed(1)}</p>;";
    assert_eq!(text(code, 1, 0), "10,000 $1,234.50 26% 0.5");
}

#[test]
fn math_random_is_deterministic_per_frame() {
    let code = "export default () => <p>{Math.random()}</p>;";
    let a = text(code, 10, 3);
    assert_eq!(a, text(code, 10, 3));
    assert_ne!(a, text(code, 10, 4));
}

#[test]
fn projects_register_folders_stills_and_lazy_components() {
    let files = MemoryFiles {
        files: [
            ("src/index.tsx".to_string(), r#"
import {registerRoot, Composition, Still, Folder} from 'remotion';
registerRoot(() => (
  <Folder name="Outer"><Folder name="Inner">
    <Composition id="Lazy" lazyComponent={() => import('./Scene')} durationInFrames={5} fps={24} width={320} height={240} defaultProps={{who: 'world'}} />
  </Folder>
  <Still id="Card" component={() => <p>still</p>} width={100} height={100} /></Folder>
));
"#.to_string()),
            ("src/Scene.tsx".to_string(), "export default ({who}) => <p>hello {who}</p>;".to_string()),
        ]
        .into(),
    };
    let bundle = Bundle::from_files(&files, "src/index.tsx", BundleKind::Project).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    let all = engine.compositions(&json!({"who": "Kinema"})).unwrap();
    let summary: Vec<_> = all
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.folder.as_deref(),
                c.duration_in_frames,
                c.fps,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Lazy", Some("Outer/Inner"), 5, 24.0),
            ("Card", Some("Outer"), 1, 1.0)
        ]
    );
    engine.select("Lazy", &json!({"who": "Kinema"})).unwrap();
    assert_eq!(
        engine.render_frame(4).unwrap().text_content(),
        "hello Kinema"
    );
}

#[test]
fn duplicate_composition_ids_are_rejected() {
    let files = MemoryFiles {
        files: [("src/index.tsx".to_string(), "import {registerRoot, Composition} from 'remotion';\nconst C = () => null;\nregisterRoot(() => <><Composition id=\"A\" component={C} durationInFrames={1} fps={30} width={1} height={1} /><Composition id=\"A\" component={C} durationInFrames={1} fps={30} width={1} height={1} /></>);".to_string())].into(),
    };
    let bundle = Bundle::from_files(&files, "src/index.tsx", BundleKind::Project).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    let err = engine.compositions(&json!({})).unwrap_err();
    assert!(
        err.to_string().contains("Multiple composition with id A"),
        "{err}"
    );
}

#[test]
fn spring_cost_does_not_grow_with_the_frame_number() {
    // Late frames must not re-simulate the spring from frame 0 each time: frame 50_000 renders
    // within a small budget of simulated steps (checked through the math module's counters).
    let code = "import {spring, useCurrentFrame, useVideoConfig} from 'remotion';\nimport {__mathCacheStats} from 'kinema:math';\nexport default () => { const f = useCurrentFrame(); const s = spring({frame: f, fps: useVideoConfig().fps}); return <p>{__mathCacheStats().simulatedSteps}</p>; };";
    let mut engine = engine(code, 60_000);
    engine.render_frame(50_000).unwrap();
    let before: u64 = engine
        .render_frame(50_001)
        .unwrap()
        .text_content()
        .parse()
        .unwrap();
    let after: u64 = engine
        .render_frame(50_002)
        .unwrap()
        .text_content()
        .parse()
        .unwrap();
    assert!(
        after - before <= 8,
        "one more frame simulated {} steps",
        after - before
    );
}

#[test]
fn hooks_outside_components_throw() {
    let err = Engine::new(
        Arc::new(
            Bundle::from_code(
                "import {useState} from 'react';\nuseState(1);\nexport default () => null;",
                CodeComposition::new(1, 30.0),
            )
            .unwrap(),
        ),
        Limits::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("Invalid hook call: useState()"),
        "{err}"
    );
}

#[test]
fn text_sliced_through_an_emoji_renders_a_replacement_character() {
    let code = "import {useCurrentFrame} from 'remotion';\nexport default () => <div title={'😀'.slice(0, 1)} style={{fontFamily: 'a' + '😀'.slice(1)}}>{'Hi 😀 there'.slice(0, useCurrentFrame())}</div>;";
    let tree = frame(code, 10, 4);
    assert_eq!(tree.text_content(), "Hi \u{FFFD}");
    assert_eq!(first_element(&tree).attribute("title"), Some("\u{FFFD}"));
    assert_eq!(
        first_element(&tree)
            .style
            .get("font-family")
            .map(String::as_str),
        Some("a\u{FFFD}")
    );
}

#[test]
fn deep_trees_decode_and_runaway_depth_is_an_error() {
    let deep = "export default () => { let e = <b>leaf</b>; for (let i = 0; i < 200; i++) e = <div>{e}</div>; return e; };";
    // Render on a thread with the default 2 MiB stack, as render workers will.
    let tree = std::thread::spawn(move || frame(deep, 1, 0))
        .join()
        .unwrap();
    assert_eq!(tree.text_content(), "leaf");
    assert_eq!(tree.elements().len(), 201);
    let err = engine("export default () => { let e = <b/>; for (let i = 0; i < 300; i++) e = <div>{e}</div>; return e; };", 1).render_frame(0).unwrap_err();
    assert!(err.to_string().contains("deeper than 256 levels"), "{err}");
}

#[test]
fn hidden_sequences_and_negative_offsets_follow_remotion() {
    let code = r#"
import {Sequence, useCurrentFrame} from 'remotion';
const F = ({l}) => <p>{l}{useCurrentFrame()}</p>;
export default () => (
  <>
    <Sequence from={-30} layout="none"><Sequence from={0} layout="none"><F l="inner" /></Sequence></Sequence>
    <Sequence hidden layout="none"><F l="hidden" /></Sequence>
  </>
);
"#;
    assert_eq!(text(code, 100, 80), "inner110");
    let err = engine("import {Sequence} from 'remotion';\nexport default () => <Sequence playbackRate={2}><p/></Sequence>;", 10).render_frame(0).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"playbackRate\" prop of <Sequence> is not supported"),
        "{err}"
    );
}

#[test]
fn continue_render_in_a_microtask_counts() {
    // The frame's promise callbacks run before open delayRender() handles are checked; here the
    // handle is cleared in a microtask and the frame still renders.
    let code = "import {delayRender, continueRender} from 'remotion';\nexport default () => { const h = delayRender('data'); Promise.resolve().then(() => continueRender(h)); return <p>ok</p>; };";
    assert_eq!(text(code, 1, 0), "ok");
}

#[test]
fn caught_allocation_failures_do_not_mislabel_later_errors() {
    let limits = Limits {
        memory_bytes: 64 << 20,
        ..Limits::default()
    };
    let code = "export default () => { try { new ArrayBuffer(1e9); } catch (e) {} throw new Error('real problem'); };";
    let bundle = Bundle::from_code(code, CodeComposition::new(1, 30.0)).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), limits).unwrap();
    engine.select("DynamicComp", &json!({})).unwrap();
    let err = engine.render_frame(0).unwrap_err();
    assert!(err.to_string().contains("Error: real problem"), "{err}");
}

#[test]
fn style_strings_are_rejected_like_react() {
    let err = engine("export default () => <div style=\"color: red\" />;", 1)
        .render_frame(0)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("expects a mapping from style properties to values, not a string"),
        "{err}"
    );
}

#[test]
fn config_overrides_replace_the_metadata_the_component_sees() {
    let code = r#"
        import {useVideoConfig} from 'remotion';
        export default function Size() {
            const {width, height, fps, durationInFrames} = useVideoConfig();
            return <div>{`${width}x${height}@${fps}/${durationInFrames}`}</div>;
        }
    "#;
    let bundle = Bundle::from_code(code, CodeComposition::new(90, 30.0)).unwrap();
    let mut engine = Engine::new(std::sync::Arc::new(bundle), Limits::default()).unwrap();
    let overrides = kinema_compose::ConfigOverrides {
        width: Some(640),
        height: Some(360),
        fps: Some(25.0),
        duration_in_frames: Some(10),
    };
    let info = engine
        .select_with("DynamicComp", &serde_json::json!({}), &overrides)
        .unwrap();
    assert_eq!(
        (info.width, info.height, info.fps, info.duration_in_frames),
        (640, 360, 25.0, 10)
    );
    let tree = engine.render_frame(9).unwrap();
    assert_eq!((tree.width, tree.height), (640, 360));
    assert!(
        serde_json::to_string(&tree.root)
            .unwrap()
            .contains("640x360@25/10")
    );
    assert!(engine.render_frame(10).is_err());
}

#[test]
fn imported_css_comes_first_and_adjacent_text_merges_within_its_parent_only() {
    let files = MemoryFiles {
        files: [
            ("src/index.tsx".to_string(), r#"
import {registerRoot, Composition} from 'remotion';
import './a.css';
import './b.css';
const Nothing = () => null;
const Scene = () => (
  <>
    {'top'}{1}
    <div id="d" className="c" style={{fontSize: 2}}>
      {'a'}{null}<Nothing />{2}{false}{'b'}
      <span>in</span>
      {'c'}
      <i dangerouslySetInnerHTML={{__html: '<b>x</b>'}} />
    </div>
    {'after'}
  </>
);
registerRoot(() => <Composition id="C" component={Scene} durationInFrames={1} fps={30} width={10} height={10} />);
"#.to_string()),
            ("src/a.css".to_string(), ".a { color: red; }".to_string()),
            ("src/b.css".to_string(), ".b { color: blue; }".to_string()),
        ]
        .into(),
    };
    let bundle = Bundle::from_files(&files, "src/index.tsx", BundleKind::Project).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine.select("C", &json!({})).unwrap();
    let tree = engine.render_frame(0).unwrap();
    assert_eq!(
        serde_json::to_string(&tree.root).unwrap(),
        concat!(
            r#"[{"tag":"style","children":[".a { color: red; }"]},"#,
            r#"{"tag":"style","children":[".b { color: blue; }"]},"#,
            r#""top1","#,
            r#"{"tag":"div","attributes":{"id":"d","class":"c"},"style":{"font-size":"2px"},"#,
            r#""children":["a2b",{"tag":"span","children":["in"]},"c","#,
            r#"{"tag":"i","innerHtml":"<b>x</b>"}]},"#,
            r#""after"]"#
        )
    );
}

#[test]
fn engines_after_the_first_run_the_kept_bytecode_alike() {
    // The first engine compiles the modules; later ones on the same bundle (the other render
    // threads) load the bytecode it kept. Frames and error stacks must not tell them apart.
    let code = "import {useCurrentFrame} from 'remotion';\nconst Inner = () => {\n  const f = useCurrentFrame();\n  if (f === 3) throw new Error('boom');\n  return <p title={`t${f}`}>{f}</p>;\n};\nexport default () => <Inner />;";
    let bundle = Arc::new(Bundle::from_code(code, CodeComposition::new(10, 30.0)).unwrap());
    let run = || {
        let mut engine = Engine::new(bundle.clone(), Limits::default()).unwrap();
        engine.select("DynamicComp", &json!({})).unwrap();
        let tree = engine.render_frame(2).unwrap();
        let error = engine.render_frame(3).unwrap_err().to_string();
        (tree, error)
    };
    let first = run();
    let second = run();
    assert_eq!(first, second);
    assert!(first.1.contains("DynamicComp.tsx:4:"), "{}", first.1);
}

#[test]
fn process_env_holds_the_variables_given_and_node_env() {
    let code = "const at = process.env.API_URL;\n\
                export default () => <div>{String(at)} {process.env.NODE_ENV} {String(process.env.MISSING)} {Object.keys(process.env).join(',')}</div>;";
    // Without variables, the code still finds process.env (NODE_ENV alone).
    assert_eq!(text(code, 1, 0), "undefined production undefined NODE_ENV");
    let mut env = kinema_compose::EnvVariables::new();
    env.insert("API_URL".into(), "https://example.com".into());
    env.insert("NODE_ENV".into(), "development".into());
    let bundle = Bundle::from_code(code, CodeComposition::new(1, 30.0))
        .unwrap()
        .with_env(env);
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine.select("DynamicComp", &json!({})).unwrap();
    assert_eq!(
        engine.render_frame(0).unwrap().text_content(),
        "https://example.com production undefined API_URL,NODE_ENV"
    );
}

/// A project whose `calculateMetadata` counts its runs (per engine) and returns special props.
fn metadata_project() -> Arc<Bundle> {
    let files = MemoryFiles {
        files: [("src/index.tsx".to_string(), r#"import {registerRoot, Composition, getInputProps, staticFile} from 'remotion';
const Show = ({runs, when, file, list}) => {
  const input = getInputProps();
  return <p>{`${runs}/${globalThis.metadataRuns ?? 0} ${when instanceof Date ? when.toISOString() : typeof when} ${file} ${list.join('+')} ${input.at instanceof Date ? input.at.getUTCFullYear() : typeof input.at}`}</p>;
};
registerRoot(() => <Composition id="Meta" component={Show} durationInFrames={1} fps={30} width={10} height={10} defaultProps={{list: ['a']}}
  calculateMetadata={async ({props}) => {
    globalThis.metadataRuns = (globalThis.metadataRuns ?? 0) + 1;
    if (props.map) return {props: {...props, map: new Map()}};
    return {durationInFrames: 7, width: 320, props: {...props, runs: globalThis.metadataRuns, when: new Date(Date.UTC(2024, 0, 2)), file: staticFile('a b.png'), list: [...props.list, 'b']}};
  }} />);"#.to_string())].into(),
    };
    Arc::new(Bundle::from_files(&files, "src/index.tsx", BundleKind::Project).unwrap())
}

#[test]
fn other_engines_adopt_a_resolved_composition_without_running_calculate_metadata() {
    let bundle = metadata_project();
    let input = json!({"at": "remotion-date:2031-05-06T00:00:00.000Z"});
    let mut first = Engine::new(bundle.clone(), Limits::default()).unwrap();
    let (info, resolved) = first
        .resolve("Meta", &input, &Default::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((info.duration_in_frames, info.width), (7, 320));
    // Input props read "remotion-date:" strings back as dates, as Remotion's do.
    let expected = "1/1 2024-01-02T00:00:00.000Z /static/a%20b.png a+b 2031";
    assert_eq!(first.render_frame(0).unwrap().text_content(), expected);
    // Dates travel as Remotion serialises them.
    assert!(
        resolved
            .props
            .contains(r#""when":"remotion-date:2024-01-02T00:00:00.000Z""#),
        "{}",
        resolved.props
    );

    // Another engine renders the same props and metadata; its calculateMetadata never runs.
    let mut other = Engine::new(bundle.clone(), Limits::default()).unwrap();
    let adopted = other
        .adopt(&resolved, &input)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(adopted, info);
    assert_eq!(
        other.render_frame(0).unwrap().text_content(),
        expected.replacen("1/1", "1/0", 1)
    );
    // Frames past the resolved duration are out of range there too.
    assert!(other.render_frame(7).is_err());

    // A composition the bundle does not have is named with the ones it has.
    let mut unknown = resolved.clone();
    unknown.id = "Missing".into();
    let err = other.adopt(&unknown, &input).unwrap_err();
    assert!(
        matches!(err, kinema_compose::ComposeError::UnknownComposition { .. }),
        "{err}"
    );
    // Props JSON cannot carry are refused with the prop named, not silently emptied.
    let err = first
        .resolve("Meta", &json!({"map": true}), &Default::default())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("The prop \"map\" is a Map, which JSON cannot carry"),
        "{err}"
    );
}

/// Answers fetches from a table of `(method url, status, body)`, recording each request.
struct TableFetcher {
    answers: Vec<(&'static str, u16, &'static str)>,
    seen: std::sync::Mutex<Vec<kinema_compose::FetchRequest>>,
}

impl kinema_compose::Fetcher for TableFetcher {
    fn fetch(
        &self,
        request: kinema_compose::FetchRequest,
    ) -> Result<kinema_compose::FetchResponse, String> {
        let key = format!("{} {}", request.method, request.url);
        self.seen.lock().unwrap().push(request.clone());
        let (_, status, body) = self
            .answers
            .iter()
            .find(|(k, _, _)| *k == key)
            .ok_or_else(|| format!("connection refused ({key})"))?;
        Ok(kinema_compose::FetchResponse {
            url: request.url.replace("/moved", "/final"),
            redirected: request.url.contains("/moved"),
            status: *status,
            status_text: kinema_compose::fetch::status_text(*status).into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        })
    }
}

/// Selects composition `id` of the project `files`, whose fetches `fetcher` answers.
fn select_fetching(
    files: &MemoryFiles,
    fetcher: Arc<TableFetcher>,
    id: &str,
) -> kinema_compose::CompositionInfo {
    let bundle = Bundle::from_files(files, "src/index.tsx", BundleKind::Project)
        .unwrap()
        .with_fetcher(fetcher);
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine
        .select(id, &json!({}))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn fetch_answers_calculate_metadata_and_frames_through_the_bundles_fetcher() {
    let code = r#"import {staticFile, useCurrentFrame} from 'remotion';
export default ({data, post, missing, failure, extras}) => <p>{JSON.stringify({data, post, missing, failure, extras})}</p>;
"#;
    let files = MemoryFiles {
        files: [("src/index.tsx".to_string(), r#"import {registerRoot, Composition, staticFile} from 'remotion';
import Show from './show';
registerRoot(() => <Composition id="Data" component={Show} durationInFrames={1} fps={30} width={10} height={10}
  calculateMetadata={async () => {
    const response = await fetch(staticFile('data.json'));
    const data = await response.json();
    const posted = await fetch('https://api.example/moved', {method: 'post', headers: {'X-Key': ' k1 ', Host: 'elsewhere', 'Content-Length': '1'}, body: JSON.stringify({q: 'héllo ✓'})});
    const post = {status: posted.status, ok: posted.ok, redirected: posted.redirected, url: posted.url, type: posted.headers.get('Content-Type'), text: await posted.text()};
    let reread;
    try { await posted.text(); } catch (e) { reread = e.message; }
    const gone = await fetch('/static/missing.json');
    const missing = {status: gone.status, ok: gone.ok, statusText: gone.statusText};
    let failure;
    try { await fetch('https://down.example/'); } catch (e) { failure = `${e.name}: ${e.message}`; }
    const headers = new Headers([['B', '2'], ['a', '1']]);
    headers.append('b', '3');
    const bytes = await new Response('✓').arrayBuffer();
    const trace = await fetch('https://api.example/', {method: 'trace'}).catch((e) => e.message);
    const extras = {reread, trace, headers: [...headers], bytes: [...new Uint8Array(bytes)], made: await Response.json({x: 1}).json()};
    return {durationInFrames: data.frames, props: {data, post, missing, failure, extras}};
  }} />);
"#.to_string()), ("src/show.tsx".to_string(), code.to_string())].into(),
    };
    let fetcher = Arc::new(TableFetcher {
        answers: vec![
            (
                "GET /static/data.json",
                200,
                r#"{"frames": 4, "title": "Q3"}"#,
            ),
            ("POST https://api.example/moved", 201, "créé"),
            ("GET /static/missing.json", 404, ""),
        ],
        seen: Default::default(),
    });
    let info = select_fetching(&files, fetcher.clone(), "Data");
    assert_eq!(info.duration_in_frames, 4);
    assert_eq!(
        info.props,
        json!({
            "data": {"frames": 4, "title": "Q3"},
            "post": {"status": 201, "ok": true, "redirected": true, "url": "https://api.example/final", "type": "application/json", "text": "créé"},
            "missing": {"status": 404, "ok": false, "statusText": "Not Found"},
            "failure": "TypeError: fetch https://down.example/ failed: connection refused (GET https://down.example/)",
            "extras": {
                "reread": "Body is unusable: Body has already been read",
                "trace": "fetch: the TRACE method is not allowed.",
                "headers": [["a", "1"], ["b", "2, 3"]],
                "bytes": [226, 156, 147],
                "made": {"x": 1},
            },
        })
    );
    // The request as sent: the method upper case, headers trimmed and lower case (those the
    // connection sets dropped), the body as UTF-8 with the content type a string body implies.
    let seen = fetcher.seen.lock().unwrap();
    let post = seen.iter().find(|r| r.method == "POST").unwrap();
    assert_eq!(
        post.headers,
        vec![
            ("x-key".to_string(), "k1".to_string()),
            (
                "content-type".to_string(),
                "text/plain;charset=UTF-8".to_string()
            ),
        ]
    );
    assert_eq!(
        String::from_utf8(post.body.clone().unwrap()).unwrap(),
        r#"{"q":"héllo ✓"}"#
    );
}

#[test]
fn fetch_without_a_fetcher_rejects_saying_so() {
    let bundle = Bundle::from_code(
        "export let reason = 'none';\nawait fetch('https://example.com/').catch((e) => { reason = e.message; });\nexport default () => <p>{reason}</p>;",
        CodeComposition::new(1, 30.0),
    )
    .unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine.select("DynamicComp", &json!({})).unwrap();
    assert_eq!(
        engine.render_frame(0).unwrap().text_content(),
        "fetch https://example.com/ failed: this engine has no network access"
    );
}

#[test]
fn fetch_in_an_effect_with_delay_render_loads_once_per_engine() {
    // Remotion's data-fetching recipe, as its docs write it.
    let code = r#"import {useCallback, useEffect, useState} from 'react';
import {continueRender, delayRender, useCurrentFrame} from 'remotion';
export default () => {
  const frame = useCurrentFrame();
  const [data, setData] = useState(null);
  const [handle] = useState(() => delayRender('Fetching data'));
  const fetchData = useCallback(async () => {
    const response = await fetch('https://api.example/data');
    const json = await response.json();
    setData(json);
    continueRender(handle);
  }, [handle]);
  useEffect(() => { fetchData(); }, [fetchData]);
  return <p>{data ? `${data.title} ${frame}` : 'no data'}</p>;
};"#;
    let fetcher = Arc::new(TableFetcher {
        answers: vec![("GET https://api.example/data", 200, r#"{"title": "Q4"}"#)],
        seen: Default::default(),
    });
    let bundle = Bundle::from_code(code, CodeComposition::new(3, 30.0))
        .unwrap()
        .with_fetcher(fetcher.clone());
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine.select("DynamicComp", &json!({})).unwrap();
    let texts: Vec<String> = (0..3)
        .map(|n| engine.render_frame(n).unwrap().text_content())
        .collect();
    assert_eq!(texts, ["Q4 0", "Q4 1", "Q4 2"]);
    assert_eq!(fetcher.seen.lock().unwrap().len(), 1);
}

#[test]
fn fetching_has_a_time_limit_per_call() {
    // A request waiting on the network uses no CPU: the engine bounds fetching by wall-clock
    // time per call, and tells the fetcher what is left.
    struct Slow(std::sync::Mutex<Vec<std::time::Duration>>);
    impl kinema_compose::Fetcher for Slow {
        fn fetch(
            &self,
            request: kinema_compose::FetchRequest,
        ) -> Result<kinema_compose::FetchResponse, String> {
            self.0.lock().unwrap().push(request.timeout);
            std::thread::sleep(std::time::Duration::from_millis(150));
            Ok(kinema_compose::FetchResponse {
                url: request.url,
                redirected: false,
                status: 200,
                status_text: "OK".into(),
                headers: Vec::new(),
                body: b"1".to_vec(),
            })
        }
    }
    let slow = Arc::new(Slow(Default::default()));
    let files = MemoryFiles {
        files: [("src/index.tsx".to_string(), r#"import {registerRoot, Composition} from 'remotion';
registerRoot(() => <Composition id="Slow" component={() => null} durationInFrames={1} fps={30} width={10} height={10}
  calculateMetadata={async () => {
    await fetch('https://a.example/');
    const second = await fetch('https://a.example/').then(() => 'answered', (e) => e.message);
    return {props: {second}};
  }} />);"#.to_string())].into(),
    };
    let bundle = Bundle::from_files(&files, "src/index.tsx", BundleKind::Project)
        .unwrap()
        .with_fetcher(slow.clone());
    let limits = Limits {
        fetch_time: std::time::Duration::from_millis(100),
        ..Limits::default()
    };
    let mut engine = Engine::new(Arc::new(bundle), limits).unwrap();
    let info = engine.select("Slow", &json!({})).unwrap();
    assert_eq!(
        info.props["second"],
        "fetch https://a.example/ failed: the time for fetching in this call (Limits::fetch_time) ran out"
    );
    assert_eq!(slow.0.lock().unwrap().len(), 1);
    assert!(slow.0.lock().unwrap()[0] <= std::time::Duration::from_millis(100));
    // The next call has its own time: its first fetch is made.
    engine.select("Slow", &json!({})).unwrap();
    assert_eq!(slow.0.lock().unwrap().len(), 2);
}

#[test]
fn an_abort_after_fetch_fails_the_body_and_one_before_sends_nothing() {
    // fetch() makes its request at once, so an abort can only come once the response is in:
    // reading its body then rejects, as a body a browser still streams would. calculateMetadata
    // gets a real AbortSignal.
    let files = MemoryFiles {
        files: [("src/index.tsx".to_string(), r#"import {registerRoot, Composition} from 'remotion';
registerRoot(() => <Composition id="Data" component={({out}) => <p>{out}</p>} durationInFrames={1} fps={30} width={10} height={10}
  calculateMetadata={async ({abortSignal}) => {
    const out = [abortSignal instanceof AbortSignal, abortSignal.aborted];
    const controller = new AbortController();
    const response = await fetch('https://api.example/data', {signal: controller.signal});
    const copy = response.clone();
    controller.abort(new Error('user left'));
    out.push(await response.json().catch((e) => e.message));
    out.push(await copy.text().catch((e) => e.message));
    out.push(await fetch('https://api.example/data', {signal: controller.signal}).catch((e) => e.message));
    out.push(await fetch('https://api.example/data', {signal: abortSignal}).then((r) => r.json()).then((d) => d.ok));
    const late = new AbortController();
    const pending = fetch('https://api.example/data', {signal: late.signal});
    late.abort();
    out.push(await pending.then(() => 'resolved', (e) => e.name));
    return {props: {out: out.join(',')}};
  }} />);
"#.to_string())].into(),
    };
    let fetcher = Arc::new(TableFetcher {
        answers: vec![("GET https://api.example/data", 200, r#"{"ok": "read"}"#)],
        seen: Default::default(),
    });
    let info = select_fetching(&files, fetcher.clone(), "Data");
    assert_eq!(
        info.props,
        json!({"out": "true,false,user left,user left,user left,read,AbortError"})
    );
    assert_eq!(fetcher.seen.lock().unwrap().len(), 3);
}

#[test]
fn paths_along_arcs_and_smooth_curves_follow_chromium() {
    // Where the real @remotion/paths strays (points along an elliptical arc, a zero radius, a
    // T chain that began with no Q), Kinema measures as Chromium's SVGPathElement does; the
    // expected values are Chromium's getTotalLength()/getPointAtLength() (float precision).
    let code = r#"import {getLength, getPointAtLength, evolvePath} from '@remotion/paths';
const at = (d, l) => { const p = getPointAtLength(d, l); return [p.x, p.y]; };
const out = {
  ellipse: [getLength('M 0 0 A 10 20 45 1 1 30 10'), ...at('M 0 0 A 10 20 45 1 1 30 10', 7.06157717241966), ...at('M 0 0 A 10 20 45 1 1 30 10', 35.307885862098296)],
  relative: [getLength('M 0 0 a 50 25 -30 0 0 80 40'), ...at('M 0 0 a 50 25 -30 0 0 80 40', 95.19242815328448)],
  circle: [getLength('M 0 0 A 10 10 0 0 1 20 0'), ...at('M 0 0 A 10 10 0 0 1 20 0', 7.853945747129365)],
  flat: [getLength('M 0 0 A 0 10 0 0 1 20 0'), ...at('M 0 0 A 0 10 0 0 1 20 0', 5)],
  moves: at('M 5 5 M 0 0 L 10 0', 0),
  smooth: [getLength('M 4.25 76.5 v -71.5 L -90.75 -85.5 V -5.75 T -57.75 24.5 t 68.5 9.25 c 91 28.25 -83.5 32.25 57.5 29.25 q 93.5 -99 -10.25 88.5')],
  evolve: evolvePath(0.25, 'M 0 0 L 100 0'),
};
export default () => <p>{JSON.stringify(out)}</p>;"#;
    let bundle = Bundle::from_code(code, CodeComposition::new(1, 30.0)).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine.select("DynamicComp", &json!({})).unwrap();
    let out: serde_json::Value =
        serde_json::from_str(&engine.render_frame(0).unwrap().text_content()).unwrap();
    let chromium = json!({
        "ellipse": [70.62641143798828, 4.670298099517822, -5.290652751922607, 29.139373779296875, -18.050134658813477],
        "relative": [190.3714599609375, -7.395820140838623, 71.35138702392578],
        "circle": [31.420352935791016, 2.928126096725464, -7.0702595710754395],
        "flat": [20, 5, 0],
        "moves": [5, 5],
        "smooth": [716.1251831054688],
    });
    for (name, expected) in chromium.as_object().unwrap() {
        let got = out[name].as_array().unwrap();
        for (g, e) in got.iter().zip(expected.as_array().unwrap()) {
            let (g, e) = (g.as_f64().unwrap(), e.as_f64().unwrap());
            // Chromium measures in single precision and with its own approximations: within
            // 0.02 units on these paths of 20 to 720.
            assert!(
                (g - e).abs() <= 2e-4 * e.abs().max(100.0),
                "{name}: {g} vs Chromium's {e}"
            );
        }
    }
    assert_eq!(
        out["evolve"],
        json!({"strokeDasharray": "100 100", "strokeDashoffset": 75})
    );
}

#[test]
fn noise_is_the_same_field_on_every_frame_and_checks_its_seed() {
    // The values themselves are checked against the package in vectors.rs; here the field a
    // composition draws from is stable across frames and seeds are told apart.
    let code = r#"import {noise2D, noise3D} from '@remotion/noise';
import {useCurrentFrame} from 'remotion';
export default () => {
  useCurrentFrame();
  return <p>{[noise2D('a', 0.3, 0.7), noise2D('b', 0.3, 0.7), noise3D(1, 0.1, 0.2, 0.3)].map((v) => v.toFixed(12)).join(' ')}</p>;
};"#;
    let first = text(code, 3, 0);
    assert_eq!(first, text(code, 3, 2));
    let values: Vec<f64> = first.split(' ').map(|v| v.parse().unwrap()).collect();
    assert!(
        values.iter().all(|v| v.abs() <= 1.0 && *v != 0.0),
        "{first}"
    );
    assert_ne!(values[0], values[1]);

    // A NaN coordinate (or a forgotten one) gives 0 in 2D and NaN in 3D, as in the package.
    let nan = "import {noise2D, noise3D} from '@remotion/noise';\nexport default () => <p>{String(noise2D('a', NaN, 1))} {String(noise2D('a', 1))} {String(noise3D('a', 1, NaN, 2))}</p>;";
    assert_eq!(text(nan, 1, 0), "0 0 NaN");

    let bad = "import {noise2D} from '@remotion/noise';\nexport default () => <p>{noise2D(null, 1, 2)}</p>;";
    let error = engine(bad, 1).render_frame(0).unwrap_err().to_string();
    assert!(
        error.contains("noise2D(): the seed must be a string or a number, got null"),
        "{error}"
    );
}
