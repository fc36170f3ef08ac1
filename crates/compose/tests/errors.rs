//! Every failure is a value naming where it happened — never a panic, never a hang.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kinema_compose::{
    Bundle, BundleKind, CodeComposition, ComposeError, Engine, Limits, MemoryFiles,
};
use serde_json::json;

fn code_engine(code: &str, limits: Limits) -> Result<Engine, ComposeError> {
    let bundle = Bundle::from_code(code, CodeComposition::new(30, 30.0))?;
    Engine::new(Arc::new(bundle), limits)
}

fn render(
    code: &str,
    frame: u32,
    limits: Limits,
) -> Result<kinema_compose::FrameTree, ComposeError> {
    let mut engine = code_engine(code, limits)?;
    engine.select("DynamicComp", &json!({}))?;
    engine.render_frame(frame)
}

fn project(files: &[(&str, &str)]) -> Result<Engine, ComposeError> {
    let files = MemoryFiles {
        files: files
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let bundle = Bundle::from_files(&files, files_entry(&files), BundleKind::Project)?;
    Engine::new(Arc::new(bundle), Limits::default())
}

/// The entry is `src/index.ts` or `src/index.tsx`, whichever the case has.
fn files_entry(files: &MemoryFiles) -> &'static str {
    if files.files.contains_key("src/index.tsx") {
        "src/index.tsx"
    } else {
        "src/index.ts"
    }
}

const ROOT: &str = "import {registerRoot, Composition} from 'remotion';\nimport {Scene} from './Scene';\nregisterRoot(() => <Composition id=\"Main\" component={Scene} durationInFrames={10} fps={30} width={100} height={100} />);\n";

#[test]
fn syntax_error_names_file_line_and_column_with_a_code_frame() {
    let err = project(&[
        ("src/index.ts", "import './Scene';"),
        (
            "src/Scene.tsx",
            "export const Scene = () => {\n  return <div>{1 +}</div>;\n};\n",
        ),
    ])
    .unwrap_err();
    let ComposeError::Syntax {
        location,
        code_frame,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (location.file.as_str(), location.line),
        ("src/Scene.tsx", 2)
    );
    assert_eq!(location.column, 19);
    assert!(
        code_frame.contains("> 2 |   return <div>{1 +}</div>;"),
        "{code_frame}"
    );
    assert!(
        err.to_string()
            .starts_with("syntax error at src/Scene.tsx:2:19"),
        "{err}"
    );
}

#[test]
fn thrown_exception_has_message_mapped_stack_and_components() {
    let scene = "import {useCurrentFrame} from 'remotion';\ntype T = number;\n\nconst explode = (n: T): T => {\n  if (n === 3) throw new TypeError('bad frame ' + n);\n  return n;\n};\nconst Inner = () => <p>{explode(useCurrentFrame())}</p>;\nexport const Scene = () => <div><Inner /></div>;\n";
    let mut engine = project(&[("src/index.tsx", ROOT), ("src/Scene.tsx", scene)]).unwrap();
    engine.select("Main", &json!({})).unwrap();
    assert!(engine.render_frame(2).is_ok());
    let err = engine.render_frame(3).unwrap_err();
    let ComposeError::Script {
        context,
        frame,
        exception,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(context, "composition 'Main', frame 3");
    assert_eq!(*frame, Some(3));
    assert_eq!(exception.name, "TypeError");
    assert_eq!(exception.message, "bad frame 3");
    let top = exception.stack[0].location.as_ref().unwrap();
    assert_eq!(
        (top.file.as_str(), top.line),
        ("src/Scene.tsx", 5),
        "{exception}"
    );
    assert_eq!(exception.component_stack, vec!["Inner", "Scene"]);
    assert!(
        exception
            .code_frame
            .as_ref()
            .unwrap()
            .contains("> 5 |   if (n === 3) throw"),
        "{exception}"
    );
    // The engine stays usable after a user exception.
    assert!(engine.render_frame(4).is_ok());
}

#[test]
fn unknown_import_names_module_and_importer() {
    let err = project(&[
        ("src/index.ts", "import './Scene';"),
        (
            "src/Scene.tsx",
            "import confetti from 'canvas-confetti';\nexport const Scene = () => confetti();",
        ),
    ])
    .unwrap_err();
    let ComposeError::UnresolvedImport {
        specifier,
        importer,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (specifier.as_str(), importer.as_str()),
        ("canvas-confetti", "src/Scene.tsx")
    );
    let err = project(&[("src/index.ts", "import {x} from '../../outside';\nx();")]).unwrap_err();
    assert!(
        err.to_string().contains("leaves the project folder"),
        "{err}"
    );
    let err = project(&[("src/index.ts", "import {x} from './nope';\nx();")]).unwrap_err();
    assert!(
        err.to_string()
            .contains("cannot resolve module './nope' imported from src/index.ts: no such file"),
        "{err}"
    );
}

#[test]
fn asset_imports_explain_static_file() {
    let err = project(&[
        (
            "src/index.ts",
            "import logo from './logo.png';\nconsole.log(logo);",
        ),
        ("src/logo.png", "\u{89}PNG"),
    ])
    .unwrap_err();
    assert!(err.to_string().contains("'.png' files cannot be imported as modules; put the file in public/ and reference it with staticFile()"), "{err}");
}

#[test]
fn missing_default_export_names_the_importer() {
    let err = project(&[
        ("src/index.ts", "import B from './B';\nconsole.log(B);"),
        ("src/B.ts", "export const b = 1;"),
    ])
    .unwrap_err();
    assert!(
        err.to_string().contains(
            "Could not find export 'default' in module 'src/B.ts' (imported by src/index.ts)"
        ),
        "{err}"
    );
}

#[test]
fn missing_named_export_is_an_error() {
    let err = project(&[
        (
            "src/index.ts",
            "import {Nope} from './Scene';\nconsole.log(Nope);",
        ),
        ("src/Scene.tsx", "export const Scene = 1;"),
    ])
    .unwrap_err();
    assert!(
        err.to_string().contains(
            "Could not find export 'Nope' in module 'src/Scene.tsx' (imported by src/index.ts)"
        ),
        "{err}"
    );
    let err = project(&[(
        "src/index.ts",
        "import {fadeOut} from '@remotion/transitions/fade';\nconsole.log(fadeOut);",
    )])
    .unwrap_err();
    assert!(
        err.to_string().contains(
            "'fadeOut' in module '@remotion/transitions/fade' (imported by src/index.ts)"
        ),
        "{err}"
    );
}

#[test]
fn infinite_loop_times_out_naming_composition_and_frame() {
    let limits = Limits {
        cpu_time: Duration::from_millis(300),
        ..Limits::default()
    };
    let start = Instant::now();
    let err = render("import {useCurrentFrame} from 'remotion';\nexport default () => { if (useCurrentFrame() === 2) { for (;;) {} } return null; };", 2, limits)
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(20));
    let ComposeError::Timeout {
        context,
        frame,
        limit_ms,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (context.as_str(), *frame, *limit_ms),
        ("composition 'DynamicComp', frame 2", Some(2), 300)
    );
}

#[test]
fn infinite_loop_at_load_time_times_out() {
    let limits = Limits {
        cpu_time: Duration::from_millis(200),
        ..Limits::default()
    };
    let err = code_engine("while (true) {}\nexport default () => null;", limits)
        .err()
        .unwrap();
    assert!(matches!(err, ComposeError::Timeout { .. }), "{err:?}");
}

#[test]
fn a_heap_limit_too_small_to_start_an_engine_is_an_error_not_a_crash() {
    for memory_bytes in [0, 1 << 20] {
        let limits = Limits {
            memory_bytes,
            ..Limits::default()
        };
        let err = code_engine("export default () => null;", limits)
            .err()
            .unwrap();
        let ComposeError::Engine(message) = &err else {
            panic!("{err:?}");
        };
        assert!(
            message.contains("below the least an engine needs (4 MiB)"),
            "{message}"
        );
    }
    // The least it takes does start.
    let limits = Limits {
        memory_bytes: kinema_compose::MIN_MEMORY_BYTES,
        ..Limits::default()
    };
    assert!(code_engine("export default () => null;", limits).is_ok());
}

#[test]
fn memory_bomb_is_stopped_by_the_heap_limit() {
    let limits = Limits {
        memory_bytes: 32 << 20,
        ..Limits::default()
    };
    let mut engine = code_engine(
        "export default () => { const a = []; for (;;) a.push('x'.repeat(1 << 16) + a.length); };",
        limits,
    )
    .unwrap();
    engine.select("DynamicComp", &json!({})).unwrap();
    let err = engine.render_frame(0).unwrap_err();
    let ComposeError::OutOfMemory {
        context, limit_mib, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (context.as_str(), *limit_mib),
        ("composition 'DynamicComp', frame 0", 32)
    );
    // A broken engine refuses further work instead of running on a damaged heap.
    let again = engine.render_frame(1).unwrap_err();
    assert!(again.to_string().contains("start a new one"), "{again}");
}

#[test]
fn runaway_recursion_is_a_range_error_not_a_crash() {
    let err = render(
        "const f = (n: number): number => f(n + 1) + 1;\nexport default () => <div>{f(0)}</div>;",
        0,
        Limits::default(),
    )
    .unwrap_err();
    let ComposeError::Script { exception, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(exception.name, "RangeError", "{exception}");
}

#[test]
fn sandbox_has_no_host_access() {
    // `process` is a plain object holding `env` alone (environment variables), as in a page;
    // `fetch` goes through the caller's fetcher (see kinema_compose::fetch), and its host
    // functions are not left on the global object; timers run on a virtual clock.
    let code = "export default () => <p>{[typeof require, Object.keys(process).join('+'), typeof process.exit, typeof fetch, typeof __kinemaFetch, typeof __kinemaDecode, typeof XMLHttpRequest, typeof setTimeout, Object.keys(globalThis).includes('__kinemaTimers'), typeof Deno, typeof std, typeof os].join(',')}</p>;";
    let tree = render(code, 0, Limits::default()).unwrap();
    assert_eq!(
        tree.text_content(),
        "undefined,env,undefined,function,undefined,undefined,undefined,function,false,undefined,undefined,undefined"
    );
    let err = Bundle::from_code(
        "import * as os from 'os';\nexport default () => os.exit();",
        CodeComposition::new(1, 30.0),
    )
    .unwrap_err();
    assert!(
        matches!(err, ComposeError::UnresolvedImport { .. }),
        "{err:?}"
    );
}

#[test]
fn unknown_composition_lists_the_available_ones() {
    let mut engine = project(&[
        ("src/index.tsx", ROOT),
        ("src/Scene.tsx", "export const Scene = () => null;"),
    ])
    .unwrap();
    let err = engine.select("Mian", &json!({})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no composition with id 'Mian'; available: Main"
    );
}

#[test]
fn frame_out_of_range_is_an_error() {
    let err = render("export default () => null;", 30, Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "frame 30 is out of range for composition 'DynamicComp' (0..=29)"
    );
}

#[test]
fn entry_without_register_root_is_explained() {
    let mut engine = project(&[("src/index.ts", "export const x = 1;")]).unwrap();
    let err = engine.compositions(&json!({})).unwrap_err();
    assert!(
        err.to_string().contains("did not call registerRoot()"),
        "{err}"
    );
}

#[test]
fn code_without_a_component_is_explained() {
    let err = code_engine("export const answer = 42;", Limits::default())
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("does not export a React component"),
        "{err}"
    );
    let err = code_engine(
        "export const A = () => null;\nexport const B = () => null;",
        Limits::default(),
    )
    .err()
    .unwrap();
    assert!(
        err.to_string().contains("several components (A, B)"),
        "{err}"
    );
}

#[test]
fn input_props_must_be_an_object() {
    let mut engine = code_engine("export default () => null;", Limits::default()).unwrap();
    let err = engine.select("DynamicComp", &json!([1, 2])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid inputProps: must be a JSON object, got an array"
    );
}

#[test]
fn invalid_composition_props_are_reported() {
    let root = "import {registerRoot, Composition} from 'remotion';\nregisterRoot(() => <Composition id=\"Bad\" component={() => null} durationInFrames={0} fps={30} width={100} height={100} />);";
    let mut engine = project(&[("src/index.tsx", root)]).unwrap();
    let err = engine.compositions(&json!({})).unwrap_err();
    assert!(
        err.to_string().contains(
            "\"durationInFrames\" prop of composition \"Bad\" must be a positive integer"
        ),
        "{err}"
    );
    let root = "import {registerRoot, Composition} from 'remotion';\nregisterRoot(() => <Composition id=\"bad id\" component={() => null} durationInFrames={1} fps={30} width={100} height={100} />);";
    let mut engine = project(&[("src/index.tsx", root)]).unwrap();
    let err = engine.compositions(&json!({})).unwrap_err();
    assert!(
        err.to_string().contains("Composition id can only contain"),
        "{err}"
    );
}

#[test]
fn calculate_metadata_errors_name_the_composition() {
    let root = "import {registerRoot, Composition} from 'remotion';\nregisterRoot(() => <Composition id=\"Meta\" component={() => null} fps={30} width={100} height={100} calculateMetadata={async () => ({durationInFrames: -5})} />);";
    let mut engine = project(&[("src/index.tsx", root)]).unwrap();
    let err = engine.select("Meta", &json!({})).unwrap_err();
    assert!(err.to_string().contains("Composition \"Meta\": durationInFrames must be a positive integer up to 2147483647 after calculateMetadata(), but got -5"), "{err}");
    // A NaN is named as one (JSON would print null).
    let root = "import {registerRoot, Composition} from 'remotion';\nregisterRoot(() => <Composition id=\"Meta\" component={() => null} fps={30} width={100} height={100} calculateMetadata={async () => ({durationInFrames: NaN})} />);";
    let mut engine = project(&[("src/index.tsx", root)]).unwrap();
    let err = engine.select("Meta", &json!({})).unwrap_err();
    assert!(err.to_string().contains("but got NaN"), "{err}");
    let root = "import {registerRoot, Composition} from 'remotion';\nregisterRoot(() => <Composition id=\"Hang\" component={() => null} fps={30} width={100} height={100} calculateMetadata={() => new Promise(() => {})} />);";
    let mut engine = project(&[("src/index.tsx", root)]).unwrap();
    let err = engine.select("Hang", &json!({})).unwrap_err();
    assert!(err.to_string().contains("never settled"), "{err}");
    // The composition's fault, not the engine's.
    assert!(
        matches!(err, kinema_compose::ComposeError::NeverSettled { .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("internal"), "{err}");
}

#[test]
fn invalid_code_composition_settings_are_rejected() {
    let err =
        Bundle::from_code("export default () => null;", CodeComposition::new(0, 30.0)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid durationInFrames: must be a positive integer"
    );
    let err = Bundle::from_code(
        "export default () => null;",
        CodeComposition::new(10, f64::NAN),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "invalid fps: must be a positive number");
}

#[test]
fn objects_as_children_are_explained() {
    let err = render(
        "export default () => <div>{{a: 1}}</div>;",
        0,
        Limits::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("Objects are not valid as a React child (found: object with keys {a})"),
        "{err}"
    );
}

#[test]
fn non_error_throws_are_reported() {
    let err = render(
        "export default () => { throw 'plain string'; };",
        0,
        Limits::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("plain string"), "{err}");
}
