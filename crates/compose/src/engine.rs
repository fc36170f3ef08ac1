//! The QuickJS engine that runs a bundle: one runtime per render thread, sandboxed (no file,
//! network or process access exist in it; CPU time and memory are limited), turning frames into
//! element trees.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rquickjs::loader::{Loader, Resolver};
use rquickjs::{
    CatchResultExt, CaughtError, Context, Ctx, Function, Module, Object, Promise, Runtime, Value,
};
use serde::{Deserialize, Serialize};

use crate::builtins;
use crate::bundle::{Bundle, BundleKind};
use crate::compiled::BUILTIN_MODULES;
use crate::error::{ComposeError, ScriptException};
use crate::fetch::{FetchRequest, Fetcher};
use crate::memory::{HeapMeter, LimitedAllocator};
use crate::stack;
use crate::tape;
use crate::tape_reader::TapeReader;
use crate::tree::{FrameTree, Media};

/// Limits that keep composition code from hanging or exhausting the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// CPU time one frame (or loading, or `calculateMetadata`) may take.
    pub cpu_time: Duration,
    /// Size the JavaScript heap may grow to.
    pub memory_bytes: usize,
    /// JavaScript stack size (deep recursion fails with a RangeError past it).
    pub stack_bytes: usize,
    /// Wall-clock time the code's `fetch()` calls may take within one call (loading,
    /// `calculateMetadata`, a frame): a request waiting on the network uses no CPU, so
    /// `cpu_time` does not bound it. Past it, `fetch()` rejects.
    pub fetch_time: Duration,
}

/// The least JavaScript heap an [`Engine`] takes (`Limits::memory_bytes`).
pub const MIN_MEMORY_BYTES: usize = 4 << 20;

impl Default for Limits {
    fn default() -> Self {
        Self {
            cpu_time: Duration::from_secs(10),
            memory_bytes: 512 << 20,
            stack_bytes: 1 << 20,
            // Remotion's default delayRender() timeout.
            fetch_time: Duration::from_secs(30),
        }
    }
}

/// Whether a composition is a video or a still.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CompositionKind {
    Composition,
    Still,
}

/// A composition's resolved metadata (after `calculateMetadata` and input props).
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositionInfo {
    pub id: String,
    pub kind: CompositionKind,
    pub folder: Option<String>,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub duration_in_frames: u32,
    pub default_codec: Option<String>,
    pub default_out_name: Option<String>,
    pub default_props: serde_json::Value,
    /// The props the component receives: default props, overridden by input props, then by
    /// what `calculateMetadata` returned.
    pub props: serde_json::Value,
}

/// A composition's metadata as one engine resolved it (`calculateMetadata` run, `force*` values
/// applied), for another engine to [`Engine::adopt`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedMetadata {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub duration_in_frames: u32,
    #[serde(default)]
    pub default_codec: Option<String>,
    #[serde(default)]
    pub default_out_name: Option<String>,
}

impl From<&CompositionInfo> for ResolvedMetadata {
    fn from(info: &CompositionInfo) -> Self {
        ResolvedMetadata {
            width: info.width,
            height: info.height,
            fps: info.fps,
            duration_in_frames: info.duration_in_frames,
            default_codec: info.default_codec.clone(),
            default_out_name: info.default_out_name.clone(),
        }
    }
}

/// A composition resolved once, for the other engines that render its frames (render threads,
/// farm chunks): they take its metadata and props as they are instead of running
/// `calculateMetadata` again, as Remotion's renderers take the resolved props. So every frame
/// sees the same props even when `calculateMetadata` fetches, reads the clock or draws random
/// numbers, and it runs once per render.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedComposition {
    pub id: String,
    pub metadata: ResolvedMetadata,
    /// The props as Remotion serialises resolved props: JSON, with a `Date` as
    /// `"remotion-date:"` and its ISO string.
    pub props: String,
}

/// Values that replace a composition's own after `calculateMetadata` (Remotion's `forceWidth`,
/// `forceHeight`, `forceFps`, `forceDurationInFrames`); `useVideoConfig()` reports them too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_in_frames: Option<u32>,
}

impl ConfigOverrides {
    /// `info` as these overrides leave it (what [`Engine::select_with`] resolves to).
    pub fn apply(&self, info: &mut CompositionInfo) {
        info.width = self.width.unwrap_or(info.width);
        info.height = self.height.unwrap_or(info.height);
        info.fps = self.fps.unwrap_or(info.fps);
        info.duration_in_frames = self.duration_in_frames.unwrap_or(info.duration_in_frames);
    }
}

/// Measures CPU time of the current thread, so a busy neighbour does not count against a frame.
fn thread_cpu_nanos() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; CLOCK_THREAD_CPUTIME_ID is always
    // available on Linux and macOS.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

#[derive(Default)]
struct Watchdog {
    /// Thread-CPU-time deadline in nanoseconds; 0 = none.
    deadline: AtomicU64,
    fired: AtomicBool,
}

/// A JavaScript runtime with a bundle loaded. Not `Send`: create one per render thread.
pub struct Engine {
    // Owns the heap; the context borrows it for the engine's lifetime.
    _runtime: Runtime,
    context: Context,
    bundle: Arc<Bundle>,
    limits: Limits,
    watchdog: Arc<Watchdog>,
    meter: Arc<HeapMeter>,
    /// When the current call's time for `fetch()` runs out (see [`Limits::fetch_time`]).
    fetch_deadline: Arc<Mutex<Option<Instant>>>,
    /// Promises a frame rejected with no handler, reported when it is done.
    rejections: Arc<Mutex<Rejections>>,
    selected: Option<CompositionInfo>,
    /// Set after a timeout or out-of-memory: the heap may be inconsistent, so refuse more work.
    broken: Option<String>,
    warned_handles: std::collections::HashSet<String>,
    /// Reads frames' tapes; caches rules by atoms of this engine's context.
    tape_reader: TapeReader,
}

impl Drop for Engine {
    fn drop(&mut self) {
        // The reader's cached atoms belong to this context: give them back before it goes.
        let mut reader = std::mem::take(&mut self.tape_reader);
        self.context.with(|ctx| reader.release(&ctx));
    }
}

struct BundleResolver(Arc<Bundle>);

impl Resolver for BundleResolver {
    fn resolve<'js>(
        &mut self,
        _ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _: Option<rquickjs::loader::ImportAttributes<'js>>,
    ) -> rquickjs::Result<String> {
        if let Some(resolved) = self
            .0
            .resolutions
            .get(&(base.to_string(), name.to_string()))
        {
            return Ok(resolved.clone());
        }
        if builtins::is_builtin(name) || self.0.modules.contains_key(name) || name == PRELUDE {
            return Ok(name.to_string());
        }
        Err(rquickjs::Error::new_resolving_message(
            base,
            name,
            "not found: dynamic import() of project files is not supported; use a static import",
        ))
    }
}

struct BundleLoader(Arc<Bundle>);

impl Loader for BundleLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _: Option<rquickjs::loader::ImportAttributes<'js>>,
    ) -> rquickjs::Result<Module<'js, rquickjs::module::Declared>> {
        if name == PRELUDE {
            return BUILTIN_MODULES.declare(ctx, name, PRELUDE_SOURCE);
        }
        if builtins::is_builtin(name) {
            return BUILTIN_MODULES
                .declare_with(ctx, name, || builtins::source(name).unwrap_or_default());
        }
        match self.0.modules.get(name) {
            Some(module) => self.0.compiled.declare(ctx, name, module.code.as_str()),
            None => Err(rquickjs::Error::new_loading_message(name, "no such module")),
        }
    }
}

const PRELUDE: &str = "kinema:prelude";
const PRELUDE_SOURCE: &str = r#"
import * as intl from 'kinema:intl';
import { install as installEvents } from 'kinema:events';
import { install as installFetch } from 'kinema:fetch';
import { install as installTimers, beginWait, fireNext } from 'kinema:timers';
import 'kinema:state';
if (typeof intl.installIntl === 'function') intl.installIntl(globalThis);
const log = globalThis.__kinemaLog;
delete globalThis.__kinemaLog;
installEvents(globalThis);
installFetch(globalThis, globalThis.__kinemaFetch, globalThis.__kinemaDecode);
delete globalThis.__kinemaFetch;
delete globalThis.__kinemaDecode;
installTimers(globalThis);
// The engine fires timers through this when a promise it awaits is stuck (see `settle`).
Object.defineProperty(globalThis, '__kinemaTimers', { value: Object.freeze({ beginWait, fireNext }) });
const show = (v) => {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.stack ? `${v.name}: ${v.message}\n${v.stack}` : `${v.name}: ${v.message}`;
  try { const s = JSON.stringify(v); return s === undefined ? String(v) : s; } catch (_) { return String(v); }
};
const make = (level) => (...args) => log(level, args.map(show).join(' '));
globalThis.console = { log: make('info'), info: make('info'), debug: make('debug'), trace: make('debug'), warn: make('warn'), error: make('error') };
"#;

impl Engine {
    /// Starts a runtime and evaluates the bundle's modules (the entry's `registerRoot()` runs).
    pub fn new(bundle: Arc<Bundle>, limits: Limits) -> Result<Engine, ComposeError> {
        // QuickJS cannot even start its runtime in less (and rquickjs then crashes on it).
        if limits.memory_bytes < MIN_MEMORY_BYTES {
            return Err(ComposeError::Engine(format!(
                "the JavaScript memory limit ({} bytes) is below the least an engine needs ({} \
                 MiB)",
                limits.memory_bytes,
                MIN_MEMORY_BYTES >> 20
            )));
        }
        let meter = Arc::new(HeapMeter::default());
        let runtime =
            Runtime::new_with_alloc(LimitedAllocator::new(limits.memory_bytes, meter.clone()))
                .map_err(|e| ComposeError::Engine(e.to_string()))?;
        runtime.set_max_stack_size(limits.stack_bytes);
        let watchdog = Arc::new(Watchdog::default());
        {
            let watchdog = watchdog.clone();
            runtime.set_interrupt_handler(Some(Box::new(move || {
                let deadline = watchdog.deadline.load(Ordering::Relaxed);
                if deadline != 0 && thread_cpu_nanos() > deadline {
                    watchdog.fired.store(true, Ordering::Relaxed);
                    return true;
                }
                false
            })));
        }
        let rejections: Arc<Mutex<Rejections>> = Arc::default();
        {
            let rejections = rejections.clone();
            let bundle = bundle.clone();
            runtime.set_host_promise_rejection_tracker(Some(Box::new(
                move |_ctx, promise, reason, handled| {
                    if lock(&rejections).frame.is_none() {
                        return;
                    }
                    let id = promise_identity(&promise);
                    if handled {
                        lock(&rejections).unhandled.remove(&id);
                        return;
                    }
                    // Read before taking the lock: a getter on the reason is code too.
                    let message = match reason.as_object() {
                        Some(object) => match exception_from_object(&bundle, object) {
                            Failure::Exception(exception) => exception.to_string(),
                            _ => "out of memory".to_string(),
                        },
                        None => display_value(&reason),
                    };
                    lock(&rejections).unhandled.insert(id, message);
                },
            )));
        }
        runtime.set_loader(BundleResolver(bundle.clone()), BundleLoader(bundle.clone()));
        let context = Context::full(&runtime).map_err(|e| ComposeError::Engine(e.to_string()))?;
        let mut engine = Engine {
            _runtime: runtime,
            context,
            bundle,
            limits,
            watchdog,
            meter,
            fetch_deadline: Arc::default(),
            rejections,
            selected: None,
            broken: None,
            warned_handles: Default::default(),
            tape_reader: TapeReader::default(),
        };
        engine.boot()?;
        Ok(engine)
    }

    fn boot(&mut self) -> Result<(), ComposeError> {
        let main = match &self.bundle.kind {
            BundleKind::Project => format!(
                "import '{PRELUDE}';\nimport {{ host }} from 'kinema:host';\nimport {};\nglobalThis.__kinema = host;\n",
                js_string(&self.bundle.entry)
            ),
            BundleKind::Code(c) => format!(
                r#"import '{PRELUDE}';
import {{ host }} from 'kinema:host';
import {{ setDynamic }} from 'kinema:state';
import * as user from {module};
const isComponent = (v) => typeof v === 'function' || (v !== null && typeof v === 'object' && typeof v.$$typeof === 'symbol');
let component = user.default;
if (!isComponent(component)) {{
  const named = Object.keys(user).filter((k) => k !== 'default' && isComponent(user[k]));
  const capitalised = named.filter((k) => /^[A-Z]/.test(k));
  const pick = capitalised.length === 1 ? capitalised : named;
  if (pick.length === 0) throw new Error('The code does not export a React component: add `export default function MyComp() {{ … }}` or a named export.');
  if (pick.length > 1) throw new Error(`The code exports several components (${{pick.join(', ')}}); export the one to render as default.`);
  component = user[pick[0]];
}}
setDynamic({{ id: {id}, kind: 'composition', component, lazyComponent: null, durationInFrames: {duration}, fps: {fps}, width: {width}, height: {height}, defaultProps: {{}}, calculateMetadata: null, schema: null, folder: null }});
globalThis.__kinema = host;
"#,
                module = js_string(&self.bundle.entry),
                id = js_string(&c.id),
                duration = c.duration_in_frames,
                fps = c.fps,
                width = c.width,
                height = c.height,
            ),
        };
        let env = serde_json::to_string(&crate::env::process_env(self.bundle.env()))
            .unwrap_or_else(|_| "{}".into());
        let context = "loading the project".to_string();
        let fetcher = self.bundle.fetcher().cloned();
        let deadline = self.fetch_deadline.clone();
        self.guarded(&context, None, |ctx| {
            let log = Function::new(ctx.clone(), |level: String, message: String| {
                match level.as_str() {
                    "error" => tracing::error!(target: "kinema::console", "{message}"),
                    "warn" => tracing::warn!(target: "kinema::console", "{message}"),
                    "debug" => tracing::debug!(target: "kinema::console", "{message}"),
                    _ => tracing::info!(target: "kinema::console", "{message}"),
                }
            })?;
            ctx.globals().set("__kinemaLog", log)?;
            install_fetch(ctx, fetcher.clone(), deadline.clone())?;
            // `process.env`, as Remotion sets it up in the page before the code runs.
            let process = rquickjs::Object::new(ctx.clone())?;
            process.set("env", ctx.json_parse(env.as_str())?)?;
            ctx.globals().set("process", process)?;
            let promise = Module::evaluate(ctx.clone(), "kinema:main", main.as_str())?;
            settle::<()>(ctx, promise)?;
            Ok(())
        })
    }

    /// The bundle this engine runs.
    pub fn bundle(&self) -> &Arc<Bundle> {
        &self.bundle
    }

    /// Ids of the registered compositions, without running `calculateMetadata`.
    pub fn composition_ids(&mut self) -> Result<Vec<String>, ComposeError> {
        let json: String = self.guarded("listing compositions", None, |ctx| {
            call_host(ctx, "ids", ())
        })?;
        serde_json::from_str(&json).map_err(|e| ComposeError::Engine(e.to_string()))
    }

    /// Every composition with its metadata resolved for `input_props`.
    pub fn compositions(
        &mut self,
        input_props: &serde_json::Value,
    ) -> Result<Vec<CompositionInfo>, ComposeError> {
        let props = props_json(input_props)?;
        let json: String = self.guarded("resolving compositions", None, |ctx| {
            let promise: Promise = call_host(ctx, "compositions", (props,))?;
            settle(ctx, promise)
        })?;
        serde_json::from_str(&json).map_err(|e| ComposeError::Engine(e.to_string()))
    }

    /// Selects the composition to render frames of, resolving its metadata for `input_props`.
    pub fn select(
        &mut self,
        id: &str,
        input_props: &serde_json::Value,
    ) -> Result<CompositionInfo, ComposeError> {
        self.select_with(id, input_props, &ConfigOverrides::default())
    }

    /// [`Engine::select`], with some of the composition's metadata replaced by `overrides`.
    pub fn select_with(
        &mut self,
        id: &str,
        input_props: &serde_json::Value,
        overrides: &ConfigOverrides,
    ) -> Result<CompositionInfo, ComposeError> {
        let props = props_json(input_props)?;
        let overrides = serde_json::to_string(overrides).expect("overrides serialise");
        let context = format!("composition '{id}': calculating metadata");
        let json: Option<String> = self.guarded(&context, None, |ctx| {
            let promise: Promise = call_host(ctx, "select", (id.to_string(), props, overrides))?;
            settle(ctx, promise)
        })?;
        self.take_selected(id, json)
    }

    /// [`Engine::select_with`], and the composition as other engines can
    /// [adopt](Engine::adopt) it.
    pub fn resolve(
        &mut self,
        id: &str,
        input_props: &serde_json::Value,
        overrides: &ConfigOverrides,
    ) -> Result<(CompositionInfo, ResolvedComposition), ComposeError> {
        let info = self.select_with(id, input_props, overrides)?;
        let context = format!("composition '{id}': serialising its props");
        let props: String =
            self.guarded(&context, None, |ctx| call_host(ctx, "resolvedProps", ()))?;
        let resolved = ResolvedComposition {
            id: id.to_string(),
            metadata: ResolvedMetadata::from(&info),
            props,
        };
        Ok((info, resolved))
    }

    /// Selects a composition another engine [resolved](Engine::resolve), with its metadata and
    /// props as they are: `calculateMetadata` does not run. `input_props` are what
    /// `getInputProps()` returns.
    pub fn adopt(
        &mut self,
        resolved: &ResolvedComposition,
        input_props: &serde_json::Value,
    ) -> Result<CompositionInfo, ComposeError> {
        let input = props_json(input_props)?;
        let metadata = serde_json::to_string(&resolved.metadata).expect("metadata serialises");
        let id = resolved.id.as_str();
        let context = format!("composition '{id}': taking its resolved props");
        let json: Option<String> = self.guarded(&context, None, |ctx| {
            let promise: Promise = call_host(
                ctx,
                "adopt",
                (id.to_string(), input, metadata, resolved.props.clone()),
            )?;
            settle(ctx, promise)
        })?;
        self.take_selected(id, json)
    }

    /// The composition the runtime selected (its description as JSON; `None`: there is no
    /// composition `id`).
    fn take_selected(
        &mut self,
        id: &str,
        json: Option<String>,
    ) -> Result<CompositionInfo, ComposeError> {
        let Some(json) = json else {
            return Err(ComposeError::UnknownComposition {
                id: id.to_string(),
                available: self.composition_ids()?,
            });
        };
        let info: CompositionInfo =
            serde_json::from_str(&json).map_err(|e| ComposeError::Engine(e.to_string()))?;
        self.selected = Some(info.clone());
        Ok(info)
    }

    /// The selected composition.
    pub fn selected(&self) -> Option<&CompositionInfo> {
        self.selected.as_ref()
    }

    /// Renders one frame of the selected composition into its element tree.
    pub fn render_frame(&mut self, frame: u32) -> Result<FrameTree, ComposeError> {
        let (id, width, height, duration) = match &self.selected {
            Some(info) => (
                info.id.clone(),
                info.width,
                info.height,
                info.duration_in_frames,
            ),
            None => return Err(ComposeError::Engine("no composition selected".into())),
        };
        if frame >= duration {
            return Err(ComposeError::FrameOutOfRange {
                id,
                frame: frame.into(),
                last: i64::from(duration) - 1,
            });
        }
        let context = format!("composition '{id}', frame {frame}");
        let mut reader = std::mem::take(&mut self.tape_reader);
        lock(&self.rejections).frame = Some(context.clone());
        let result = self.guarded(&context, Some(frame), |ctx| {
            // A frame is done once its effects and promise callbacks have run and its state
            // stopped changing; each change renders it again (the host bounds the passes).
            let mut pass = 0u32;
            let (output, open) = loop {
                let output: Object = call_host(ctx, "frame", (frame, pass))?;
                let waiting: bool = output.get("waiting")?;
                let mut ran = false;
                while ctx.execute_pending_job() {
                    ran = true;
                }
                // Most frames: no promise callback ran and nothing waits, so nothing changed.
                if !ran && !waiting {
                    break (output, false);
                }
                match frame_settled(ctx)? {
                    Settled::Again => pass += 1,
                    Settled::Done { open } => break (output, open),
                }
            };
            let tokens = reader.read(ctx, &output.get("root")?)?;
            let media: String = output.get("media")?;
            let open_handles: Option<String> = if open {
                Some(call_host(ctx, "abandonHandles", ())?)
            } else {
                None
            };
            Ok((tokens, media, open_handles))
        });
        self.report_rejections();
        self.tape_reader = reader;
        let (tokens, media, open_handles) = result?;
        let root =
            tape::build(tokens).map_err(|e| ComposeError::Engine(format!("{context}: {e}")))?;
        let media: Vec<Media> = serde_json::from_str(&media)
            .map_err(|e| ComposeError::Engine(format!("{context}: {e}")))?;
        let open: Vec<Option<String>> = open_handles
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        for label in open {
            let label = label.unwrap_or_else(|| "(no label)".into());
            if self.warned_handles.insert(label.clone()) {
                tracing::warn!(
                    "{context}: delayRender({label}) was still open when the frame settled (its effects, promise callbacks and timers had run); continued as if it had timed out"
                );
            }
        }
        Ok(FrameTree {
            composition: id,
            frame,
            width,
            height,
            root,
            media,
        })
    }

    /// Logs, as a browser's console would and once per message, the promises the frame just
    /// rendered rejected and left without a handler (an effect's async function that threw,
    /// say).
    fn report_rejections(&self) {
        let mut rejections = lock(&self.rejections);
        let Some(context) = rejections.frame.take() else {
            return;
        };
        let unhandled = std::mem::take(&mut rejections.unhandled);
        for message in unhandled.into_values() {
            if rejections.warned.insert(message.clone()) {
                tracing::warn!(
                    target: "kinema::console",
                    "{context}: Uncaught (in promise) {message}"
                );
            }
        }
    }

    /// Bytes of JavaScript heap in use.
    pub fn heap_bytes(&self) -> usize {
        self.meter.used.load(Ordering::Relaxed)
    }

    /// Runs `f` in the context under the CPU-time watchdog, turning failures into errors that
    /// name `context` (and `frame`, when one is being rendered).
    fn guarded<T>(
        &mut self,
        context: &str,
        frame: Option<u32>,
        f: impl for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<T>,
    ) -> Result<T, ComposeError> {
        if let Some(reason) = &self.broken {
            return Err(ComposeError::Engine(format!(
                "{context}: the engine stopped after an earlier error ({reason}); start a new one"
            )));
        }
        self.watchdog.fired.store(false, Ordering::Relaxed);
        self.meter.limit_hit.store(false, Ordering::Relaxed);
        let limit = self.limits.cpu_time.as_nanos().min(u64::MAX as u128) as u64;
        self.watchdog
            .deadline
            .store(thread_cpu_nanos().saturating_add(limit), Ordering::Relaxed);
        *lock(&self.fetch_deadline) = Instant::now().checked_add(self.limits.fetch_time);
        let bundle = self.bundle.clone();
        let result = self.context.with(|ctx| match f(&ctx).catch(&ctx) {
            Ok(value) => Ok(value),
            Err(caught) => Err(convert(&bundle, caught)),
        });
        self.watchdog.deadline.store(0, Ordering::Relaxed);
        *lock(&self.fetch_deadline) = None;
        match result {
            Ok(value) => Ok(value),
            Err(failure) => {
                if self.watchdog.fired.load(Ordering::Relaxed) {
                    self.broken = Some("CPU time limit".into());
                    return Err(ComposeError::Timeout {
                        context: context.to_string(),
                        frame,
                        limit_ms: self.limits.cpu_time.as_millis() as u64,
                    });
                }
                // QuickJS throws `null` when it cannot even allocate its out-of-memory error.
                let limit_hit = self.meter.limit_hit.load(Ordering::Relaxed);
                let mut exception = match failure {
                    Failure::Exception(exception) => exception,
                    Failure::NullThrown if !limit_hit => non_error_thrown("null"),
                    Failure::NullThrown | Failure::OutOfMemory => {
                        self.broken = Some("memory limit".into());
                        return Err(ComposeError::OutOfMemory {
                            context: context.to_string(),
                            frame,
                            limit_mib: self.limits.memory_bytes >> 20,
                        });
                    }
                    Failure::NeverSettled => {
                        return Err(ComposeError::NeverSettled {
                            context: context.to_string(),
                            frame,
                        });
                    }
                    Failure::Other(message) => {
                        return Err(ComposeError::Engine(format!("{context}: {message}")));
                    }
                };
                name_link_error_importer(&self.bundle, &mut exception);
                Err(ComposeError::Script {
                    context: context.to_string(),
                    frame,
                    exception,
                })
            }
        }
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("entry", &self.bundle.entry())
            .field("selected", &self.selected.as_ref().map(|c| &c.id))
            .field("broken", &self.broken)
            .finish_non_exhaustive()
    }
}

enum Failure {
    Exception(Box<ScriptException>),
    /// `throw null`, which is also what QuickJS throws when it runs out of memory mid-throw.
    NullThrown,
    OutOfMemory,
    /// The code waited on a promise nothing will ever settle.
    NeverSettled,
    Other(String),
}

fn convert(bundle: &Bundle, caught: CaughtError<'_>) -> Failure {
    match caught {
        CaughtError::Exception(exception) => {
            let object: &Object = exception.as_object();
            exception_from_object(bundle, object)
        }
        CaughtError::Value(value) => {
            if let Some(object) = value.as_object() {
                return exception_from_object(bundle, object);
            }
            if value.is_null() {
                return Failure::NullThrown;
            }
            Failure::Exception(non_error_thrown(&display_value(&value)))
        }
        CaughtError::Error(rquickjs::Error::Allocation) => Failure::OutOfMemory,
        CaughtError::Error(rquickjs::Error::WouldBlock) => Failure::NeverSettled,
        CaughtError::Error(other) => Failure::Other(other.to_string()),
    }
}

/// The exception for `throw <value>` where the value is not an object.
fn non_error_thrown(value: &str) -> Box<ScriptException> {
    Box::new(ScriptException {
        name: String::new(),
        message: format!("a non-Error value was thrown: {value}"),
        stack: vec![],
        component_stack: vec![],
        code_frame: None,
    })
}

fn exception_from_object(bundle: &Bundle, object: &Object<'_>) -> Failure {
    let name: String = object
        .get::<_, Option<String>>("name")
        .ok()
        .flatten()
        .unwrap_or_default();
    let message: String = object
        .get::<_, Option<String>>("message")
        .ok()
        .flatten()
        .unwrap_or_else(|| {
            object
                .as_value()
                .clone()
                .get::<rquickjs::Coerced<String>>()
                .map(|c| c.0)
                .unwrap_or_default()
        });
    if message == "out of memory" || (name == "InternalError" && message.contains("out of memory"))
    {
        return Failure::OutOfMemory;
    }
    let raw_stack: String = object
        .get::<_, Option<String>>("stack")
        .ok()
        .flatten()
        .unwrap_or_default();
    let components: Vec<String> = object
        .get::<_, Option<Vec<String>>>("__kinemaComponents")
        .ok()
        .flatten()
        .unwrap_or_default();
    let (stack, code_frame) = stack::map_stack(bundle, &raw_stack);
    Failure::Exception(Box::new(ScriptException {
        name,
        message,
        stack,
        component_stack: components,
        code_frame,
    }))
}

/// QuickJS says "Could not find export 'X' in module 'M'" without naming who imports it; add
/// the importing files from the bundle's import records.
fn name_link_error_importer(bundle: &Bundle, exception: &mut ScriptException) {
    let Some(rest) = exception.message.strip_prefix("Could not find export '") else {
        return;
    };
    let Some((name, rest)) = rest.split_once("' in module '") else {
        return;
    };
    let Some(module) = rest.strip_suffix('\'') else {
        return;
    };
    let importers = bundle.importers_of(module, name);
    if !importers.is_empty() {
        exception.message = format!(
            "{} (imported by {})",
            exception.message,
            importers.join(", ")
        );
    }
}

fn display_value(value: &Value<'_>) -> String {
    value
        .clone()
        .get::<rquickjs::Coerced<String>>()
        .map(|c| c.0)
        .unwrap_or_else(|_| "<unprintable>".into())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// `f` as a host function whose answer lives as long as the context it is given (a closure
/// alone cannot say so).
fn fetch_host<F>(f: F) -> F
where
    F: for<'js> Fn(
        Ctx<'js>,
        String,
        String,
        String,
        rquickjs::function::Opt<Value<'js>>,
    ) -> rquickjs::Result<Object<'js>>,
{
    f
}

/// The host side of `fetch()` (`runtime/fetch.js`): `__kinemaFetch(url, method, headers as
/// JSON pairs, body as a string or ArrayBuffer)` answers `{url, redirected, status, statusText,
/// headers as JSON pairs, body: ArrayBuffer}` or throws a `TypeError`; `__kinemaDecode(buffer)`
/// decodes UTF-8 as `TextDecoder` does.
fn install_fetch(
    ctx: &Ctx<'_>,
    fetcher: Option<Arc<dyn Fetcher>>,
    deadline: Arc<Mutex<Option<Instant>>>,
) -> rquickjs::Result<()> {
    let fetch = Function::new(
        ctx.clone(),
        fetch_host(move |ctx, url, method, headers, body| {
            let failed = |reason: &str| {
                rquickjs::Exception::throw_type(&ctx, &format!("fetch {url} failed: {reason}"))
            };
            let Some(fetcher) = &fetcher else {
                return Err(failed("this engine has no network access"));
            };
            let headers: Vec<(String, String)> =
                serde_json::from_str(&headers).map_err(|e| failed(&e.to_string()))?;
            let body = match body.0 {
                None => None,
                Some(value) if value.is_undefined() || value.is_null() => None,
                Some(value) if value.is_string() => Some(
                    value
                        .as_string()
                        .map(|s| s.to_string())
                        .transpose()?
                        .unwrap_or_default()
                        .into_bytes(),
                ),
                Some(value) => match rquickjs::ArrayBuffer::from_value(value) {
                    // SAFETY: the bytes are copied before any JavaScript runs that could
                    // detach or resize the buffer.
                    Some(buffer) => Some(unsafe { buffer.as_bytes() }.unwrap_or_default().to_vec()),
                    None => return Err(failed("the body is neither a string nor bytes")),
                },
            };
            // No deadline outside a call: there is no time for fetching at all.
            let timeout = lock(&deadline)
                .map(|deadline| deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_default();
            if timeout.is_zero() {
                return Err(failed(
                    "the time for fetching in this call (Limits::fetch_time) ran out",
                ));
            }
            let request = FetchRequest {
                url: url.clone(),
                method,
                headers,
                body,
                timeout,
            };
            let response = fetcher.fetch(request).map_err(|reason| failed(&reason))?;
            let answer = Object::new(ctx.clone())?;
            answer.set("redirected", response.redirected)?;
            answer.set("url", response.url)?;
            answer.set("status", response.status)?;
            answer.set("statusText", response.status_text)?;
            let headers = serde_json::to_string(&response.headers).expect("pairs serialise");
            answer.set("headers", headers)?;
            // Copied into the JavaScript heap, where the memory limit counts it.
            answer.set(
                "body",
                rquickjs::ArrayBuffer::new_copy(ctx.clone(), &response.body)?,
            )?;
            Ok(answer)
        }),
    )?;
    ctx.globals().set("__kinemaFetch", fetch)?;
    let decode = Function::new(ctx.clone(), |buffer: rquickjs::ArrayBuffer<'_>| -> String {
        // SAFETY: read and copied before any JavaScript runs that could detach the buffer.
        let bytes = unsafe { buffer.as_bytes() }.unwrap_or_default();
        // TextDecoder drops a byte-order mark.
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        String::from_utf8_lossy(bytes).into_owned()
    })?;
    ctx.globals().set("__kinemaDecode", decode)?;
    Ok(())
}

/// Promises rejected with no handler while a frame renders. QuickJS reports a rejection before
/// a `.catch()` or an `await` can attach a handler, and again when one is attached: a rejection
/// counts as unhandled only if it is still here when the frame is done.
#[derive(Default)]
struct Rejections {
    /// The frame being rendered; outside frames the host awaits the promises and reports their
    /// errors itself.
    frame: Option<String>,
    /// Promise identity → the reason, as text.
    unhandled: std::collections::HashMap<u64, String>,
    warned: std::collections::HashSet<String>,
}

/// An identity for a promise while it is alive (its value's bits).
fn promise_identity(promise: &Value<'_>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    promise.hash(&mut hasher);
    hasher.finish()
}

/// What a rendered frame came to once its promise callbacks ran.
enum Settled {
    /// Its state changed: render it again.
    Again,
    /// It is done; `open`: with `delayRender()` handles still open.
    Done { open: bool },
}

/// Runs a rendered frame's promise callbacks (and, while `delayRender()` handles are open, its
/// timers) until it settles.
fn frame_settled(ctx: &Ctx<'_>) -> rquickjs::Result<Settled> {
    loop {
        while ctx.execute_pending_job() {}
        match call_host::<_, u8>(ctx, "settle", ())? {
            1 => return Ok(Settled::Again),
            2 => continue,
            3 => return Ok(Settled::Done { open: true }),
            _ => return Ok(Settled::Done { open: false }),
        }
    }
}

/// Drives `promise` to its result. When nothing else can run, due timers fire (on the virtual
/// clock of `kinema:timers`, within its budget); a promise still pending then never settles.
fn settle<'js, T: rquickjs::FromJs<'js>>(
    ctx: &Ctx<'js>,
    promise: Promise<'js>,
) -> rquickjs::Result<T> {
    let timers: Option<Object> = ctx.globals().get("__kinemaTimers")?;
    if let Some(timers) = &timers {
        timers.get::<_, Function>("beginWait")?.call::<_, ()>(())?;
    }
    loop {
        match promise.finish::<T>() {
            Err(rquickjs::Error::WouldBlock) => {
                let fired = match &timers {
                    Some(timers) => timers.get::<_, Function>("fireNext")?.call::<_, bool>(())?,
                    None => false,
                };
                if !fired {
                    return Err(rquickjs::Error::WouldBlock);
                }
            }
            other => return other,
        }
    }
}

fn call_host<'js, A, R>(ctx: &Ctx<'js>, name: &str, args: A) -> rquickjs::Result<R>
where
    A: rquickjs::function::IntoArgs<'js>,
    R: rquickjs::FromJs<'js>,
{
    let host: Object = ctx.globals().get("__kinema")?;
    let function: Function = host.get(name)?;
    function.call(args)
}

fn props_json(props: &serde_json::Value) -> Result<String, ComposeError> {
    match props {
        serde_json::Value::Object(_) => Ok(props.to_string()),
        serde_json::Value::Null => Ok("{}".into()),
        other => Err(ComposeError::InvalidInput {
            field: "inputProps".into(),
            message: format!("must be a JSON object, got {}", json_type(other)),
        }),
    }
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A JavaScript string literal for `s`.
fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "''".into())
}
