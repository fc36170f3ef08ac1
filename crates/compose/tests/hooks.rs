//! Components keep their state between renders as in a browser tab: state and refs persist
//! from frame to frame on one engine, effects run after each commit and clean up on unmount,
//! a state change renders the frame again, and timers run while delayRender() handles wait.

use std::sync::Arc;

use kinema_compose::{Bundle, BundleKind, Engine, Limits, MemoryFiles};
use serde_json::json;

mod common;
use common::{engine, first_frame_error};

/// The text of each of `frames`, rendered in that order on one engine.
fn texts(code: &str, duration: u32, frames: &[u32]) -> Vec<String> {
    let mut engine = engine(code, duration);
    frames
        .iter()
        .map(|&n| {
            engine
                .render_frame(n)
                .unwrap_or_else(|e| panic!("frame {n}: {e}"))
                .text_content()
        })
        .collect()
}

#[test]
fn data_loaded_in_an_effect_renders_in_the_same_frame() {
    // Remotion's data-fetching pattern: a handle held in state, data set from an effect's
    // promise. The frame renders again with the data before it counts as done, and later
    // frames keep it without the effect running again.
    let code = r#"import {useState, useEffect} from 'react';
import {delayRender, continueRender, useCurrentFrame} from 'remotion';
let loads = 0;
export default () => {
  const frame = useCurrentFrame();
  const [data, setData] = useState(null);
  const [handle] = useState(() => delayRender('data'));
  useEffect(() => {
    loads++;
    Promise.resolve({title: 'Hello'}).then((d) => { setData(d); continueRender(handle); });
  }, [handle]);
  return <p>{data ? data.title : 'loading'} {frame} {loads}</p>;
};"#;
    assert_eq!(
        texts(code, 10, &[0, 1, 5]),
        ["Hello 0 1", "Hello 1 1", "Hello 5 1"]
    );
}

#[test]
fn timers_fire_on_a_virtual_clock_while_handles_wait() {
    // setTimeout after a second of virtual time, with no real waiting; a later frame needs no
    // timers.
    let waits = r#"import {useState, useEffect} from 'react';
import {delayRender, continueRender} from 'remotion';
export default () => {
  const [text, setText] = useState('early');
  const [handle] = useState(() => delayRender());
  useEffect(() => {
    setTimeout((a, b) => { setText(`late ${a}${b}`); continueRender(handle); }, 1000, 'x', 'y');
  }, []);
  return <p>{text}</p>;
};"#;
    assert_eq!(texts(waits, 3, &[0, 1]), ["late xy", "late xy"]);
    // With no handle open nothing waits, so a timer does not fire.
    let idle = r#"import {useState, useEffect} from 'react';
export default () => {
  const [text, setText] = useState('idle');
  useEffect(() => { setTimeout(() => setText('fired'), 10); }, []);
  return <p>{text}</p>;
};"#;
    assert_eq!(texts(idle, 3, &[0, 1]), ["idle", "idle"]);
}

#[test]
fn effects_run_after_commit_and_clean_up_on_unmount() {
    let code = r#"import {useEffect, useLayoutEffect} from 'react';
import {useCurrentFrame, Sequence} from 'remotion';
const log = [];
const Child = ({name}) => {
  useLayoutEffect(() => { log.push(`${name}:layout`); }, []);
  useEffect(() => { log.push(`${name}:mount`); return () => log.push(`${name}:unmount`); }, []);
  return null;
};
const Parent = () => {
  useEffect(() => { log.push('parent'); }, []);
  return <Child name="inner" />;
};
export default () => {
  const frame = useCurrentFrame();
  return <>
    <p>{log.join(',')}</p>
    <Sequence from={0} durationInFrames={2} layout="none"><Parent /></Sequence>
  </>;
};"#;
    assert_eq!(
        texts(code, 5, &[0, 1, 2, 3]),
        [
            "",
            "inner:layout,inner:mount,parent",
            "inner:layout,inner:mount,parent",
            "inner:layout,inner:mount,parent,inner:unmount",
        ]
    );
}

#[test]
fn effects_with_dependencies_rerun_when_they_change() {
    let code = r#"import {useEffect, useRef} from 'react';
import {useCurrentFrame} from 'remotion';
const runs = [];
export default () => {
  const frame = useCurrentFrame();
  const half = Math.floor(frame / 2);
  const renders = useRef(0);
  renders.current++;
  useEffect(() => { runs.push(half); return () => runs.push('x'); }, [half]);
  return <p>{runs.join(',')}|{renders.current}</p>;
};"#;
    assert_eq!(
        texts(code, 10, &[0, 1, 2, 3, 4]),
        ["|1", "0|2", "0|3", "0,x,1|4", "0,x,1|5"]
    );
}

#[test]
fn memos_keep_their_value_until_dependencies_change() {
    let code = r#"import {useMemo, useCallback} from 'react';
import {useCurrentFrame} from 'remotion';
let computed = 0;
const callbacks = new Set();
export default () => {
  const frame = useCurrentFrame();
  const table = useMemo(() => { computed++; return [1, 2, 3].map((n) => n * 10); }, []);
  const per = useMemo(() => frame * 2, [frame]);
  callbacks.add(useCallback(() => table, [table]));
  return <p>{table.join('+')} {per} {computed} {callbacks.size}</p>;
};"#;
    assert_eq!(
        texts(code, 10, &[0, 1, 2]),
        ["10+20+30 0 1 1", "10+20+30 2 1 1", "10+20+30 4 1 1"]
    );
}

#[test]
fn keyed_children_keep_their_own_state_when_reordered() {
    let code = r#"import {useState} from 'react';
import {useCurrentFrame} from 'remotion';
const Item = ({label}) => {
  const [first] = useState(label + '@' + useCurrentFrame());
  return <i>{first}</i>;
};
export default () => {
  const frame = useCurrentFrame();
  const order = frame === 0 ? ['a', 'b', 'c'] : ['c', 'a', 'd'];
  return <p>{order.map((k) => <Item key={k} label={k} />)}</p>;
};"#;
    assert_eq!(texts(code, 3, &[0, 1]), ["a@0 b@0 c@0", "c@0 a@0 d@1"]);
}

#[test]
fn a_component_of_another_type_in_the_same_place_starts_afresh() {
    let code = r#"import {useState, useEffect} from 'react';
import {useCurrentFrame} from 'remotion';
const log = [];
const A = () => { const [s] = useState('A' + useCurrentFrame()); useEffect(() => () => log.push('A gone'), []); return <b>{s}</b>; };
const B = () => { const [s] = useState('B' + useCurrentFrame()); return <b>{s}</b>; };
export default () => {
  const frame = useCurrentFrame();
  return <p>{frame < 2 ? <A /> : <B />}<i>{log.join(',')}</i></p>;
};"#;
    assert_eq!(
        texts(code, 4, &[0, 1, 2, 3]),
        ["A0", "A0", "B2", "B2 A gone"]
    );
}

#[test]
fn reducers_and_functional_updates_apply_in_order() {
    let code = r#"import {useReducer, useState, useEffect} from 'react';
const reducer = (state, action) => action === 'add' ? state + 1 : state * 10;
export default () => {
  const [n, dispatch] = useReducer(reducer, 1);
  const [s, setS] = useState(0);
  useEffect(() => {
    dispatch('add'); dispatch('times'); dispatch('add');
    setS((v) => v + 1); setS((v) => v + 1);
  }, []);
  return <p>{n} {s}</p>;
};"#;
    assert_eq!(texts(code, 2, &[0, 1]), ["21 2", "21 2"]);
}

#[test]
fn class_components_keep_state_and_run_lifecycles() {
    let code = r#"import React from 'react';
const log = [];
class Loader extends React.Component {
  constructor(props) { super(props); this.state = {text: 'loading', renders: 0}; }
  componentDidMount() { log.push('mount'); this.setState({text: 'ready'}, () => log.push('applied')); }
  componentDidUpdate(prevProps, prevState) { if (prevState.text !== this.state.text) log.push(`update ${prevState.text}`); }
  componentWillUnmount() { log.push('unmount'); }
  render() { return <b>{this.state.text}</b>; }
}
import {useCurrentFrame} from 'remotion';
export default () => {
  const frame = useCurrentFrame();
  return <p>{frame < 1 ? <Loader /> : null}{log.join(',')}</p>;
};"#;
    assert_eq!(
        texts(code, 3, &[0, 1, 2]),
        [
            "ready mount",
            "mount,update loading,applied",
            "mount,update loading,applied,unmount"
        ]
    );
}

#[test]
fn a_state_change_on_every_render_is_an_error_not_a_hang() {
    let code = r#"import {useState, useEffect} from 'react';
export default () => {
  const [n, setN] = useState(0);
  useEffect(() => { setN(n + 1); });
  return <p>{n}</p>;
};"#;
    let err = first_frame_error(code);
    assert!(err.contains("Too many re-renders"), "{err}");
    assert!(err.contains("frame 0"), "{err}");
}

#[test]
fn hooks_called_in_a_different_order_are_named() {
    let code = r#"import {useState, useMemo} from 'react';
import {useCurrentFrame} from 'remotion';
const Fickle = () => {
  const frame = useCurrentFrame();
  if (frame > 0) useMemo(() => 1, []);
  useState(0);
  return null;
};
export default () => <Fickle />;"#;
    let mut engine = engine(code, 2);
    engine.render_frame(0).unwrap();
    let err = engine.render_frame(1).unwrap_err().to_string();
    assert!(
        err.contains("Fickle called useMemo() where its previous render called useState()"),
        "{err}"
    );
}

#[test]
fn errors_thrown_in_effects_and_timers_fail_the_frame() {
    let effect = "import {useEffect} from 'react';\nconst Broken = () => { useEffect(() => { throw new Error('effect broke'); }, []); return null; };\nexport default () => <Broken />;";
    let err = engine(effect, 1).render_frame(0).unwrap_err();
    assert!(err.to_string().contains("effect broke"), "{err}");
    match err {
        kinema_compose::ComposeError::Script { exception, .. } => {
            assert_eq!(exception.component_stack, ["Broken"]);
        }
        other => panic!("{other:?}"),
    }
    let timer = "import {useEffect} from 'react';\nimport {delayRender} from 'remotion';\nexport default () => { useEffect(() => { delayRender(); setTimeout(() => { throw new Error('timer broke'); }, 5); }, []); return null; };";
    let err = first_frame_error(timer);
    assert!(err.contains("timer broke"), "{err}");
}

#[test]
fn handles_left_open_stop_waiting_once_timed_out() {
    // An interval ticks while the never-cleared handle waits (30 s of virtual time), then the
    // handle is dropped: later frames wait on nothing, so the count stays.
    let code = r#"import {useState, useEffect} from 'react';
import {delayRender} from 'remotion';
let ticks = 0;
export default () => {
  useState(() => delayRender('never'));
  useEffect(() => { setInterval(() => { ticks++; }, 1000); }, []);
  return <p>{ticks}</p>;
};"#;
    assert_eq!(texts(code, 3, &[0, 1, 2]), ["0", "30", "30"]);
}

#[test]
fn calculate_metadata_may_wait_on_timers() {
    let files = MemoryFiles {
        files: [(
            "src/index.tsx".to_string(),
            r#"import {registerRoot, Composition} from 'remotion';
const Show = ({n}) => <p>{n}</p>;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
registerRoot(() => <Composition id="Late" component={Show} durationInFrames={1} fps={30} width={10} height={10}
  calculateMetadata={async () => { await sleep(2000); await new Promise(requestAnimationFrame); return {durationInFrames: 7, props: {n: 'slept'}}; }} />);
"#
            .to_string(),
        )]
        .into(),
    };
    let bundle = Bundle::from_files(&files, "src/index.tsx", BundleKind::Project).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    let info = engine
        .select("Late", &json!({}))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.duration_in_frames, 7);
    assert_eq!(engine.render_frame(0).unwrap().text_content(), "slept");
}

#[test]
fn a_promise_waiting_past_the_timer_budget_never_settles() {
    let files = MemoryFiles {
        files: [(
            "src/index.tsx".to_string(),
            r#"import {registerRoot, Composition} from 'remotion';
registerRoot(() => <Composition id="Stuck" component={() => null} durationInFrames={1} fps={30} width={10} height={10}
  calculateMetadata={async () => { await new Promise((resolve) => setTimeout(resolve, 60000)); return {}; }} />);
"#
            .to_string(),
        )]
        .into(),
    };
    let bundle = Bundle::from_files(&files, "src/index.tsx", BundleKind::Project).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    let err = engine.select("Stuck", &json!({})).unwrap_err().to_string();
    assert!(err.contains("never"), "{err}");
}

#[test]
fn use_waits_for_a_promise_under_suspense() {
    // The frame shows the data, not the fallback: the settled promise renders it again. A
    // promise no boundary catches and nothing settles is an error naming use().
    let code = r#"import {use, Suspense} from 'react';
const data = Promise.resolve().then(() => ({title: 'from a promise'}));
const Title = () => <b>{use(data).title}</b>;
export default () => <p><Suspense fallback={<i>loading</i>}><Title /></Suspense></p>;"#;
    assert_eq!(
        texts(code, 2, &[0, 1]),
        ["from a promise", "from a promise"]
    );
    let root = "import {use} from 'react';\nconst data = Promise.resolve('root');\nexport default () => <p>{use(data)}</p>;";
    assert_eq!(texts(root, 1, &[0]), ["root"]);
    let never = "import {use} from 'react';\nconst data = new Promise(() => {});\nexport default () => <p>{use(data)}</p>;";
    let err = first_frame_error(never);
    assert!(
        err.contains("suspended on a promise that never settled (passed to use()"),
        "{err}"
    );
}

#[test]
fn components_a_suspended_boundary_hides_keep_their_state() {
    // Frame 2 suspends on new data; the counter after it is hidden, not unmounted: it mounts
    // once and keeps its state, and the fallback has state of its own.
    let code = r#"import {use, useEffect, useState, Suspense} from 'react';
import {useCurrentFrame} from 'remotion';
const log = [];
const cache = new Map();
const dataFor = (key) => {
  if (!cache.has(key)) cache.set(key, new Promise((resolve) => setTimeout(() => resolve(key), 50)));
  return cache.get(key);
};
const Title = ({name}) => <b>{use(dataFor(name))}</b>;
const Counter = () => {
  const [first] = useState(() => 'counter@' + useCurrentFrame());
  useEffect(() => { log.push('mount'); return () => log.push('unmount'); }, []);
  return <i>{first}</i>;
};
const Wait = () => { const [s] = useState('fallback-state'); return <u>{s}</u>; };
export default () => {
  const frame = useCurrentFrame();
  return <p><Suspense fallback={<Wait />}><Title name={frame < 2 ? 'a' : 'b'} /><Counter /></Suspense><s>{log.join(',')}</s></p>;
};"#;
    assert_eq!(
        texts(code, 4, &[0, 1, 2, 3]),
        [
            "a counter@0",
            "a counter@0 mount",
            "b counter@0 mount",
            "b counter@0 mount"
        ]
    );
}

#[test]
fn keys_that_look_like_paths_do_not_share_state() {
    let code = r#"import {useState} from 'react';
const S = ({label}) => { const [s] = useState(label); return <i>{s}</i>; };
export default ({}) => <p>{[
  <div key="a">{[<S label="one" />]}</div>,
  <div key="a/0"><S label="two" /></div>,
]}</p>;"#;
    assert_eq!(texts(code, 2, &[0, 1]), ["one two", "one two"]);
}

#[test]
fn timer_driven_updates_are_not_a_render_loop() {
    // A countdown ticking 60 times while its handle waits: each tick renders, none is a loop.
    let code = r#"import {useState, useEffect} from 'react';
import {delayRender, continueRender} from 'remotion';
export default () => {
  const [n, setN] = useState(0);
  const [handle] = useState(() => delayRender('countdown'));
  useEffect(() => {
    const id = setInterval(() => setN((v) => {
      if (v + 1 === 60) { clearInterval(id); continueRender(handle); }
      return v + 1;
    }), 100);
  }, []);
  return <p>{n}</p>;
};"#;
    assert_eq!(texts(code, 1, &[0]), ["60"]);
}

#[test]
fn class_lifecycles_run_with_layout_effects_children_first() {
    let code = r#"import React, {useEffect, useLayoutEffect} from 'react';
const log = [];
class Child extends React.Component {
  componentDidMount() { log.push('child didMount'); }
  render() { return null; }
}
const Parent = () => {
  useLayoutEffect(() => { log.push('parent layout'); }, []);
  useEffect(() => { log.push('parent effect'); }, []);
  return <Child />;
};
export default () => <><Parent /><p>{log.join(', ')}</p></>;"#;
    assert_eq!(
        texts(code, 2, &[0, 1]),
        ["", "child didMount, parent layout, parent effect"]
    );
}

#[test]
fn an_error_thrown_again_names_its_components_once() {
    let code = r#"import {use} from 'react';
const failed = Promise.reject(new Error('no data'));
failed.catch(() => {});
const U = () => <b>{use(failed)}</b>;
const Outer = () => <U />;
export default () => <Outer />;"#;
    let mut engine = engine(code, 3);
    for n in 0..3 {
        match engine.render_frame(n).unwrap_err() {
            kinema_compose::ComposeError::Script { exception, .. } => {
                assert_eq!(exception.message, "no data");
                assert_eq!(
                    exception.component_stack,
                    ["U", "Outer", "default"],
                    "frame {n}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn lazy_components_load_under_suspense_and_at_the_root() {
    // The module loads before the frame counts as done, so no frame shows the fallback; the
    // loaded component keeps its state like any other.
    let files = MemoryFiles {
        files: [
            (
                "src/index.tsx".to_string(),
                r#"import {lazy, Suspense, memo} from 'react';
import {registerRoot, Composition, useCurrentFrame} from 'remotion';
const Scene = lazy(() => import('./Scene'));
const Plain = memo(lazy(() => Promise.resolve({default: ({n}) => <i>plain {n}</i>})));
const Main = () => {
  const frame = useCurrentFrame();
  return <p><Suspense fallback={<i>loading</i>}><Scene frame={frame} /></Suspense><Plain n={frame} /></p>;
};
registerRoot(() => <Composition id="Main" component={Main} durationInFrames={3} fps={30} width={10} height={10} />);
"#
                .to_string(),
            ),
            (
                "src/Scene.tsx".to_string(),
                r#"import {useState} from 'react';
export default ({frame}) => { const [first] = useState(frame); return <b>scene {frame} since {first}</b>; };"#
                    .to_string(),
            ),
        ]
        .into(),
    };
    let bundle = Bundle::from_files(&files, "src/index.tsx", BundleKind::Project).unwrap();
    let mut engine = Engine::new(Arc::new(bundle), Limits::default()).unwrap();
    engine.select("Main", &json!({})).unwrap();
    let shown: Vec<_> = (0..3)
        .map(|n| engine.render_frame(n).unwrap().text_content())
        .collect();
    assert_eq!(
        shown,
        [
            "scene 0 since 0 plain 0",
            "scene 1 since 0 plain 1",
            "scene 2 since 0 plain 2"
        ]
    );
}

#[test]
fn lazy_components_that_cannot_load_say_why() {
    let rejected = "import {lazy, Suspense} from 'react';\nconst Scene = lazy(() => Promise.reject(new Error('chunk missing')));\nexport default () => <Suspense fallback={null}><Scene /></Suspense>;";
    let err = first_frame_error(rejected);
    assert!(err.contains("chunk missing"), "{err}");
    let no_default = "import {lazy} from 'react';\nconst Scene = lazy(() => Promise.resolve(() => null));\nexport default () => <Scene />;";
    let err = first_frame_error(no_default);
    assert!(err.contains("default export"), "{err}");
    let not_a_promise = "import {lazy} from 'react';\nconst Scene = lazy(() => () => null);\nexport default () => <Scene />;";
    let err = first_frame_error(not_a_promise);
    assert!(err.contains("must return a promise of a module"), "{err}");
}

#[test]
fn external_stores_render_again_when_they_change() {
    // A store a timer updates while a handle waits: the frame shows the value it ends with.
    // The subscription is made once and dropped when the component unmounts.
    let code = r#"import {useSyncExternalStore, useState, useEffect} from 'react';
import {delayRender, continueRender, Sequence} from 'remotion';
let value = 'initial';
const listeners = new Set();
const log = [];
const store = {
  subscribe(listener) { log.push('subscribe'); listeners.add(listener); return () => { log.push('unsubscribe'); listeners.delete(listener); }; },
  get: () => value,
};
const Reader = () => {
  const [handle] = useState(() => delayRender());
  useEffect(() => {
    setTimeout(() => { value = 'updated'; listeners.forEach((l) => l()); continueRender(handle); }, 100);
  }, []);
  return <b>{useSyncExternalStore(store.subscribe, store.get)}</b>;
};
export default () => <p><Sequence durationInFrames={2}><Reader /></Sequence>{log.join(',')}</p>;"#;
    assert_eq!(
        texts(code, 3, &[0, 1, 2, 2]),
        [
            "updated subscribe",
            "updated subscribe",
            "subscribe",
            "subscribe,unsubscribe"
        ]
    );
    let uncached = "import {useSyncExternalStore} from 'react';\nconst Reader = () => useSyncExternalStore(() => () => {}, () => ({}));\nexport default () => <Reader />;";
    let err = first_frame_error(uncached);
    assert!(
        err.contains("getSnapshot should be cached") && err.contains("in Reader"),
        "{err}"
    );
}

#[test]
fn effects_abort_on_clean_up() {
    // The AbortController recipe: a clean-up aborts (its listeners run), and a fetch given an
    // aborted signal rejects with its reason, a DOMException named AbortError.
    let code = r#"import {useEffect, useState} from 'react';
import {Sequence} from 'remotion';
const seen = [];
const Loader = () => {
  useEffect(() => {
    const controller = new AbortController();
    controller.signal.addEventListener('abort', (event) => seen.push(`${event.type} ${event.target === controller.signal}`), {once: true});
    return () => controller.abort();
  }, []);
  return null;
};
const Late = () => {
  const [text, setText] = useState('');
  useEffect(() => {
    const controller = new AbortController();
    controller.abort();
    fetch('https://example.com/', {signal: controller.signal}).catch((e) => setText(`${e.name} ${e instanceof DOMException} ${e.code}`));
  }, []);
  return <i>{text}</i>;
};
export default () => <p><Sequence durationInFrames={1}><Loader /></Sequence><Late /><b>{seen.join(',')}</b></p>;"#;
    assert_eq!(
        texts(code, 2, &[0, 1, 1]),
        [
            "AbortError true 20",
            "AbortError true 20",
            "AbortError true 20 abort true"
        ]
    );
}

#[test]
fn abort_signals_follow_the_dom() {
    let code = r#"const out = [];
const reason = new Error('stop');
const controller = new AbortController();
const target = new EventTarget();
target.addEventListener('ping', (e) => out.push(`ping ${e.detail}`), {signal: controller.signal});
target.dispatchEvent(new CustomEvent('ping', {detail: 1}));
controller.signal.onabort = () => out.push('onabort');
controller.abort(reason);
controller.abort(new Error('again'));
target.dispatchEvent(new CustomEvent('ping', {detail: 2}));
out.push(controller.signal.reason === reason);
try { controller.signal.throwIfAborted(); } catch (e) { out.push(e.message); }
out.push(AbortSignal.abort().reason.name);
out.push(AbortSignal.any([new AbortController().signal, AbortSignal.abort('why')]).reason);
try { new AbortSignal(); } catch (e) { out.push(e.name); }
const event = new Event('x', {cancelable: true});
target.addEventListener('x', (e) => e.preventDefault());
target.addEventListener('x', () => { throw new Error('listener broke'); });
target.addEventListener('x', () => out.push('after'));
out.push(target.dispatchEvent(event));
let timedOut = 'pending';
AbortSignal.timeout(5000).addEventListener('abort', (e) => { timedOut = e.target.reason.name; });
await new Promise((resolve) => setTimeout(resolve, 6000));
out.push(timedOut);
export default () => <p>{out.join(',')}</p>;"#;
    assert_eq!(
        texts(code, 1, &[0]),
        ["ping 1,onabort,true,stop,AbortError,why,TypeError,after,false,TimeoutError"]
    );
}

#[test]
fn abort_signals_abort_their_dependents_first_and_handlers_keep_their_place() {
    let code = r#"const out = [];
const controller = new AbortController();
let combined;
controller.signal.addEventListener('abort', () => out.push(`combined ${combined.aborted}`));
combined = AbortSignal.any([controller.signal]);
combined.addEventListener('abort', () => out.push('dependent event'));
controller.signal.onabort = () => out.push('handler');
controller.signal.addEventListener('abort', () => out.push('listener after'));
controller.signal.addEventListener('abort', {});
controller.abort();
class Own extends EventTarget { _listeners = 'mine'; onping() { out.push('never'); } }
const own = new Own();
own.addEventListener('ping', () => out.push(`own ${own._listeners}`));
own.dispatchEvent(new Event('ping'));
export default () => <p>{out.join(',')}</p>;"#;
    assert_eq!(
        texts(code, 1, &[0]),
        ["combined true,handler,listener after,dependent event,own mine"]
    );
}

#[test]
fn lazy_thenables_that_call_back_at_once_and_stores_without_unsubscribe() {
    let code = r#"import {lazy, useSyncExternalStore} from 'react';
const Now = lazy(() => ({then(resolve) { resolve({default: () => <b>at once</b>}); }}));
const Store = () => useSyncExternalStore(() => undefined, () => 'store');
export default () => <p><Now /><Store /></p>;"#;
    assert_eq!(texts(code, 2, &[0, 1]), ["at once store", "at once store"]);
    let failed = "import {lazy, Suspense} from 'react';\nconst Scene = lazy(() => Promise.reject(new Error('gone')));\nexport default () => <Suspense fallback={null}><Scene /></Suspense>;";
    match engine(failed, 1).render_frame(0).unwrap_err() {
        kinema_compose::ComposeError::Script { exception, .. } => {
            assert_eq!(exception.component_stack, ["Lazy", "default"]);
        }
        other => panic!("{other:?}"),
    }
}
