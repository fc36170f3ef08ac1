// kinema:host — the functions the Rust engine calls: list compositions, select one with its
// props (running calculateMetadata), and render frames to tapes of host nodes.

import { createElement } from 'react';
import { renderToHost, unmountAll, FiberStore, OPEN, CLOSE } from 'kinema:render';
import { TimelineContext, VideoConfigContext } from 'remotion';
import * as state from 'kinema:state';
import * as timers from 'kinema:timers';

function registered() {
  const dynamic = state.getDynamic();
  if (dynamic !== null) return [dynamic];
  const root = state.getRoot();
  if (root === null) {
    throw new Error('The entry file did not call registerRoot(). Call registerRoot(Root) with a component that renders your <Composition> elements.');
  }
  state.beginRegistration();
  try {
    renderToHost(createElement(root, {}), []);
  } catch (error) {
    state.endRegistration();
    throw error;
  }
  return state.endRegistration();
}

// Frame counts and sizes must fit the Rust side's u32.
const MAX_INTEGER = 2 ** 31 - 1;

function checkResolved(id, name, value, integer) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && (Math.floor(value) !== value || value > MAX_INTEGER))) {
    throw new TypeError(
      `Composition "${id}": ${name} must be a positive ${integer ? `integer up to ${MAX_INTEGER}` : 'number'} after calculateMetadata(), but got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}.`,
    );
  }
}

// Props cross from one engine to another (render threads, farm chunks) as Remotion serialises
// them: JSON, with a Date as "remotion-date:" and its ISO string. Reading props back turns such
// strings, in input props too, into a Date, and "remotion-file:" and a public file's name into
// the file's static URL.
const DATE_TOKEN = 'remotion-date:';
const FILE_TOKEN = 'remotion-file:';

function serializeProps(props) {
  return JSON.stringify(props, function (key, value) {
    const item = this[key];
    if (item instanceof Date) return DATE_TOKEN + item.toISOString();
    if (item instanceof Map || item instanceof Set) {
      const kind = item instanceof Map ? 'a Map' : 'a Set';
      const where = key === '' ? 'The props are' : `The prop "${key}" is`;
      throw new TypeError(`${where} ${kind}, which JSON cannot carry to the threads and chunks that render frames: pass an array or a plain object instead.`);
    }
    return value;
  });
}

function deserializeProps(json) {
  return JSON.parse(json, (key, value) => {
    if (typeof value !== 'string') return value;
    if (value.startsWith(DATE_TOKEN)) return new Date(value.slice(DATE_TOKEN.length));
    if (value.startsWith(FILE_TOKEN)) return state.STATIC_PREFIX + value.slice(FILE_TOKEN.length);
    return value;
  });
}

async function loadComponent(composition) {
  if (composition.component) return composition.component;
  const loaded = await composition.lazyComponent();
  return loaded && loaded.default ? loaded.default : loaded;
}

function checkComponent(id, component) {
  if (typeof component !== 'function' && (component === null || typeof component !== 'object')) {
    throw new TypeError(`Composition "${id}": "component" is not a React component.`);
  }
}

async function resolve(composition, inputProps) {
  const component = await loadComponent(composition);
  let props = { ...composition.defaultProps, ...inputProps };
  const meta = {
    durationInFrames: composition.durationInFrames,
    fps: composition.fps,
    width: composition.width,
    height: composition.height,
    defaultCodec: null,
    defaultOutName: null,
  };
  if (composition.calculateMetadata) {
    const result = await composition.calculateMetadata({
      defaultProps: composition.defaultProps,
      props,
      // Nothing cancels a render's metadata once it started.
      abortSignal: new AbortController().signal,
      compositionId: composition.id,
      isRendering: true,
    });
    if (result) {
      for (const key of ['durationInFrames', 'fps', 'width', 'height', 'defaultCodec', 'defaultOutName']) {
        if (result[key] !== undefined) meta[key] = result[key];
      }
      if (result.props !== undefined) props = result.props;
    }
  }
  checkResolved(composition.id, 'durationInFrames', meta.durationInFrames, true);
  checkResolved(composition.id, 'fps', meta.fps, false);
  checkResolved(composition.id, 'width', meta.width, true);
  checkResolved(composition.id, 'height', meta.height, true);
  if (composition.schema && typeof composition.schema.safeParse === 'function') {
    const parsed = composition.schema.safeParse(props);
    if (!parsed.success) {
      throw new TypeError(`Composition "${composition.id}": props do not match its schema: ${String(parsed.error && parsed.error.message)}`);
    }
  }
  checkComponent(composition.id, component);
  return {
    id: composition.id,
    kind: composition.kind,
    folder: composition.folder ?? null,
    component,
    width: meta.width,
    height: meta.height,
    fps: meta.fps,
    durationInFrames: meta.durationInFrames,
    defaultCodec: meta.defaultCodec,
    defaultOutName: meta.defaultOutName,
    defaultProps: composition.defaultProps,
    props,
  };
}

function describe(resolved) {
  const { component, ...info } = resolved;
  return info;
}

let active = null;

// How many times one frame may re-render because its state changed (React gives up on an
// update loop at 50 too).
const MAX_PASSES = 50;

// Whether the frame waits on something timers may bring: an open delayRender() handle or a
// component suspended in use().
function waitsOnSomething(fibers) {
  return state.hasOpenHandles() || fibers.suspended > 0 || fibers.suspendedRoot;
}

// Whether a frame started and has not settled (it failed, if the next one finds it so).
let frameOpen = false;

function activate(resolved) {
  const previous = active;
  active = {
    fibers: new FiberStore(),
    resolved,
    config: Object.freeze({
      id: resolved.id,
      width: resolved.width,
      height: resolved.height,
      fps: resolved.fps,
      durationInFrames: resolved.durationInFrames,
      defaultProps: resolved.defaultProps,
      props: resolved.props,
      defaultCodec: resolved.defaultCodec,
      defaultOutName: resolved.defaultOutName,
      defaultVideoImageFormat: null,
      defaultPixelFormat: null,
    }),
  };
  // The previous composition's timers go with it (the first keeps those the modules set);
  // its components unmount (a clean-up that throws fails this selection, with the new
  // composition already in place).
  if (previous !== null) {
    timers.reset();
    unmountAll(previous.fibers);
  }
}

export const host = {
  async compositions(inputPropsJson) {
    const inputProps = deserializeProps(inputPropsJson);
    state.setInputProps(inputProps);
    const out = [];
    for (const composition of registered()) {
      try {
        out.push(describe(await resolve(composition, inputProps)));
      } catch (error) {
        if (error instanceof Error && !error.message.includes(`"${composition.id}"`)) {
          error.message = `Composition "${composition.id}": ${error.message}`;
        }
        throw error;
      }
    }
    return JSON.stringify(out);
  },

  ids() {
    return JSON.stringify(registered().map((c) => c.id));
  },

  async select(id, inputPropsJson, overridesJson) {
    const inputProps = deserializeProps(inputPropsJson);
    state.setInputProps(inputProps);
    const composition = registered().find((c) => c.id === id);
    if (composition === undefined) return null;
    const resolved = await resolve(composition, inputProps);
    // forceWidth/forceHeight/forceFps/forceDurationInFrames win over calculateMetadata.
    const overrides = overridesJson ? JSON.parse(overridesJson) : {};
    for (const key of ['width', 'height', 'fps', 'durationInFrames']) {
      if (overrides[key] != null) resolved[key] = overrides[key];
    }
    activate(resolved);
    return JSON.stringify(describe(resolved));
  },

  // The selected composition's props, serialised for another engine to adopt.
  resolvedProps() {
    if (active === null) throw new Error('No composition selected.');
    return serializeProps(active.resolved.props);
  },

  // Select a composition another engine resolved: its metadata (force* values applied) and
  // serialised props, without running calculateMetadata again.
  async adopt(id, inputPropsJson, metadataJson, propsJson) {
    state.setInputProps(deserializeProps(inputPropsJson));
    const composition = registered().find((c) => c.id === id);
    if (composition === undefined) return null;
    const component = await loadComponent(composition);
    checkComponent(id, component);
    const metadata = JSON.parse(metadataJson);
    checkResolved(id, 'durationInFrames', metadata.durationInFrames, true);
    checkResolved(id, 'fps', metadata.fps, false);
    checkResolved(id, 'width', metadata.width, true);
    checkResolved(id, 'height', metadata.height, true);
    const resolved = {
      id,
      kind: composition.kind,
      folder: composition.folder ?? null,
      component,
      width: metadata.width,
      height: metadata.height,
      fps: metadata.fps,
      durationInFrames: metadata.durationInFrames,
      defaultCodec: metadata.defaultCodec ?? null,
      defaultOutName: metadata.defaultOutName ?? null,
      defaultProps: composition.defaultProps,
      props: deserializeProps(propsJson),
    };
    activate(resolved);
    return JSON.stringify(describe(resolved));
  },

  // One render pass of a frame: pass 0 starts the frame, later passes re-render it after its
  // state changed (see settle). Effects have run when this returns.
  frame(frame, pass) {
    if (active === null) throw new Error('No composition selected.');
    if (pass === 0) {
      // A frame that failed never settled: its handles are not this frame's to wait on.
      if (frameOpen) state.abandonHandles();
      frameOpen = true;
      active.fibers.passes = 0;
      timers.beginWait();
    }
    active.fibers.dirty = false;
    state.beginFrame(frame);
    const element = createElement(active.resolved.component, active.resolved.props);
    const root = renderToHost(
      element,
      [
        [VideoConfigContext, active.config],
        [TimelineContext, { frame }],
      ],
      active.fibers,
    );
    const media = JSON.stringify(state.frameMedia());
    // Whether the frame may not be done even if no promise callback runs (see settle).
    const fibers = active.fibers;
    const waiting = fibers.dirty || waitsOnSomething(fibers);
    const styles = state.getGlobalStyles();
    if (styles.length === 0) return { root, media, waiting };
    // Global stylesheets come first, each as a <style> element.
    const head = [];
    for (const css of styles) head.push(OPEN, 'style', css, CLOSE);
    return { root: head.concat(root), media, waiting };
  },

  // Called once the frame's promise callbacks have run: 1 when its state changed and it must
  // render again, 2 when a timer ran for open delayRender() handles (run the promise
  // callbacks, then ask again), 0 when the frame is done, 3 when it is done with handles still
  // open (see abandonHandles).
  settle() {
    const fibers = active.fibers;
    if (fibers.dirty) {
      if (++fibers.passes >= MAX_PASSES) {
        throw new Error(
          `Too many re-renders: the state changed on each of ${MAX_PASSES} renders of this frame. An effect or a component body that sets state every time it runs never lets the frame finish (give the effect dependencies or set the state conditionally), as does a promise passed to use() that is made anew on every render (make it once, outside the component or in useMemo).`,
        );
      }
      return 1;
    }
    if (waitsOnSomething(fibers) && timers.fireNext()) {
      // Renders a timer caused are not a loop: the timers have their own budget.
      fibers.passes = 0;
      return 2;
    }
    if (fibers.suspendedRoot) {
      throw new Error('A component suspended on a promise that never settled (passed to use(), or a React.lazy() module), and no <Suspense> boundary above it has a fallback.');
    }
    frameOpen = false;
    return state.hasOpenHandles() ? 3 : 0;
  },

  // `'' + value` for a prop the engine reads that is not a string, number or boolean (an
  // object's own valueOf/toString decide).
  text(value) {
    return '' + value;
  },

  // Called once the frame is done: the labels of delayRender() handles still open, which are
  // then dropped (as if they had timed out) so later frames do not wait on them again.
  abandonHandles() {
    return JSON.stringify(state.abandonHandles());
  },
};
