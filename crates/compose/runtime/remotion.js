// `remotion`: Kinema's implementation of the Remotion API for native, one-frame-at-a-time
// rendering. Timing follows Remotion: a <Sequence> shifts the frame its children see by its
// `from`, and hides them outside [from, from + durationInFrames).

import { createContext, createElement, useContext, Fragment, isValidElement, Children } from 'react';
import { readContext } from 'kinema:render';
import * as state from 'kinema:state';
export { interpolate, interpolateColors, spring, measureSpring, Easing, random } from 'kinema:math';

export const VERSION = '4.0.0-kinema';

// ---- contexts -------------------------------------------------------------------------------

/** `{frame}`: the composition frame being rendered (a Freeze replaces it). */
export const TimelineContext = createContext(null);
/** `{cumulatedFrom, relativeFrom, durationInFrames}` of the innermost Sequence, or null. */
export const SequenceContext = createContext(null);
/** The active composition's config, null outside a composition. */
export const VideoConfigContext = createContext(null);
const LoopContext = createContext(null);
const FolderContext = createContext(null);

// ---- hooks ----------------------------------------------------------------------------------

export function useCurrentFrame() {
  const timeline = useContext(TimelineContext);
  if (timeline === null) {
    throw new Error('useCurrentFrame() can only be called inside a component that was registered as a composition.');
  }
  const sequence = useContext(SequenceContext);
  return sequence === null ? timeline.frame : timeline.frame - (sequence.cumulatedFrom + sequence.relativeFrom);
}

export function useVideoConfig() {
  const config = useContext(VideoConfigContext);
  if (config === null) {
    throw new Error('No video config found. You are probably calling useVideoConfig() from a component which has not been registered as a <Composition />.');
  }
  // Inside a <Sequence> (and Series, Loop, TransitionSeries) durationInFrames is the
  // sequence's, as in Remotion: a fade-out written against it ends with the sequence.
  const sequence = useContext(SequenceContext);
  if (sequence === null || sequence.durationInFrames === config.durationInFrames) return config;
  return { ...config, durationInFrames: sequence.durationInFrames };
}

export function getInputProps() {
  return state.inputProps();
}

export function useCurrentScale() {
  return 1;
}

const ENVIRONMENT = Object.freeze({ isStudio: false, isRendering: true, isPlayer: false, isReadOnlyStudio: false, isClientSideRendering: false });
export function getRemotionEnvironment() {
  return ENVIRONMENT;
}
export const useRemotionEnvironment = getRemotionEnvironment;

// ---- delayRender -----------------------------------------------------------------------------
// delayRender() hands out a handle and continueRender(handle) clears it. A frame is done once
// its effects and promise callbacks have run and its state has settled; while handles are
// open, timers (kinema:timers, on a virtual clock) fire too. A handle still open then is
// dropped with one warning per label, as if it had timed out. cancelRender(error) fails the
// frame with that error.

export function delayRender(label, options) {
  if (label !== undefined && typeof label !== 'string') {
    throw new TypeError('The label parameter of delayRender() must be a string or undefined, got: ' + JSON.stringify(label));
  }
  return state.openHandle(label ?? null, options);
}
export function continueRender(handle) {
  if (typeof handle === 'undefined') {
    throw new TypeError('The continueRender() method must be called with a parameter that is the return value of delayRender(). No value was passed.');
  }
  if (typeof handle !== 'number') {
    throw new TypeError('The parameter passed into continueRender() must be the return value of delayRender() which is a number. Got: ' + JSON.stringify(handle));
  }
  state.closeHandle(handle);
}
export function cancelRender(error) {
  if (error instanceof Error) throw error;
  throw new Error(typeof error === 'string' ? error : 'cancelRender() was called: ' + JSON.stringify(error));
}
export function useDelayRender() {
  return { delayRender, continueRender, cancelRender };
}
export function watchStaticFile() {
  return { cancel() {} };
}
export function usePixelDensity() {
  return 1;
}
export function Solid(props) {
  const { color, width, height, style, ...rest } = props;
  return createElement(AbsoluteFill, { ...rest, style: { backgroundColor: color, ...(width ? { width } : {}), ...(height ? { height } : {}), ...style } });
}
export function prefetch(src) {
  return { free() {}, waitUntilDone: () => Promise.resolve(src) };
}
export function useBufferState() {
  return { delayPlayback: () => ({ unblock() {} }) };
}

// ---- staticFile -----------------------------------------------------------------------------

export function staticFile(path) {
  if (path === null) throw new TypeError('null was passed to staticFile()');
  if (path === undefined) throw new TypeError('undefined was passed to staticFile()');
  if (/^(https?:)?\/\//.test(path) || path.startsWith('data:')) {
    throw new TypeError(`staticFile() does not support remote URLs - got "${path}". Instead, pass the URL without wrapping it in staticFile().`);
  }
  if (path.startsWith('../') || path.startsWith('./')) {
    throw new TypeError(`staticFile() does not support relative paths - got "${path}". Instead, pass the name of a file that is inside the public/ folder.`);
  }
  if (path.startsWith('/Users') || path.startsWith('/home') || path.startsWith('/tmp') || path.startsWith('/etc') || /^[A-Za-z]:[\\/]/.test(path)) {
    throw new TypeError(`staticFile() does not support absolute paths - got "${path}". Instead, pass the name of a file that is inside the public/ folder.`);
  }
  if (path.startsWith('public/') || path.startsWith('/public/')) {
    throw new TypeError(`Do not include the public/ prefix when using staticFile() - got "${path}".`);
  }
  if (path.startsWith(state.STATIC_PREFIX)) {
    throw new Error(`The value "${path}" is already prefixed with the static base ${state.STATIC_PREFIX}. You don't need to call staticFile() on it.`);
  }
  const trimmed = path.replace(/^\/+/, '');
  return state.STATIC_PREFIX + trimmed.split('/').map(encodeURIComponent).join('/');
}
export function getStaticFiles() {
  return [];
}

// ---- layout components ----------------------------------------------------------------------

const ABSOLUTE_FILL = Object.freeze({
  position: 'absolute',
  top: 0,
  left: 0,
  right: 0,
  bottom: 0,
  width: '100%',
  height: '100%',
  display: 'flex',
  flexDirection: 'column',
});

function AbsoluteFillElement(props) {
  const { style, children, ...rest } = props;
  return createElement('div', { ...rest, style: style ? { ...ABSOLUTE_FILL, ...style } : ABSOLUTE_FILL }, children);
}

export function AbsoluteFill(props) {
  const { from, durationInFrames, name, premountFor, postmountFor, hidden, showInTimeline, styleWhilePremounted, styleWhilePostmounted, ...rest } = props;
  if (hidden) return null;
  if (from === undefined && durationInFrames === undefined) return createElement(AbsoluteFillElement, rest);
  return createElement(Sequence, { from, durationInFrames, name, layout: 'none' }, createElement(AbsoluteFillElement, rest));
}

function checkFrameNumber(value, prop, component) {
  if (typeof value !== 'number') {
    throw new TypeError(`You passed to the "${prop}" prop of your ${component} an argument of type ${typeof value}, but it must be a number.`);
  }
}

export function Sequence(props) {
  const {
    from = 0,
    durationInFrames = Infinity,
    children,
    name,
    layout = 'absolute-fill',
    style,
    className,
    premountFor,
    postmountFor,
    showInTimeline,
    hidden = false,
  } = props;
  for (const unsupported of ['trimBefore', 'playbackRate', 'loop', 'freeze']) {
    if (props[unsupported] !== undefined) {
      throw new TypeError(`The "${unsupported}" prop of <Sequence> is not supported by Kinema yet; use <Loop>, <Freeze> or <Sequence from> instead.`);
    }
  }
  if (layout !== 'absolute-fill' && layout !== 'none') {
    throw new TypeError(`The layout prop of <Sequence /> expects either "absolute-fill" or "none", but you passed: ${layout}`);
  }
  if (layout === 'none' && style !== undefined) {
    throw new TypeError('If layout="none", you may not pass a style. Passed: ' + JSON.stringify(style));
  }
  checkFrameNumber(durationInFrames, 'durationInFrames', '<Sequence>');
  if (durationInFrames <= 0) throw new TypeError(`durationInFrames must be positive, but got ${durationInFrames}`);
  checkFrameNumber(from, 'from', '<Sequence>');
  if (!Number.isFinite(from)) throw new TypeError(`The "from" prop of a sequence must be finite, but got ${from}.`);

  if (hidden) return null;
  const parent = useContext(SequenceContext);
  // Throws outside a composition, like Remotion; inside a sequence, its duration.
  const config = useVideoConfig();
  const timeline = useContext(TimelineContext);
  const cumulatedFrom = parent === null ? 0 : parent.cumulatedFrom + parent.relativeFrom;
  // A sequence ends with its parent, or the composition, counted from its own start (so one
  // starting before frame 0 lasts longer): what useVideoConfig() reports inside it.
  const parentDuration = parent === null ? durationInFrames : Math.min(parent.durationInFrames - from, durationInFrames);
  const actualDuration = Math.max(0, Math.min(config.durationInFrames - from, parentDuration));
  const start = cumulatedFrom + from;
  const frame = timeline.frame;
  if (frame < start || frame >= start + actualDuration) return null;

  const context = { cumulatedFrom, relativeFrom: from, durationInFrames: actualDuration, name: name ?? null };
  const content = createElement(SequenceContext.Provider, { value: context }, children);
  if (layout === 'none') return content;
  // Like Remotion, the wrapper is an AbsoluteFill whose flex direction is left at the default
  // (row), not AbsoluteFill's column.
  return createElement(AbsoluteFillElement, { style: { flexDirection: undefined, ...style }, className }, content);
}

function flattenSeriesChildren(children) {
  const out = [];
  Children.forEach(children, (child) => {
    if (isValidElement(child) && child.type === Fragment) out.push(...flattenSeriesChildren(child.props.children));
    else if (child !== null && child !== undefined && typeof child !== 'boolean') out.push(child);
  });
  return out;
}

function SeriesSequence() {
  throw new Error('<Series.Sequence> can only be used as a direct child of <Series>.');
}

export function Series(props) {
  const items = flattenSeriesChildren(props.children);
  let start = 0;
  const rendered = items.map((child, index) => {
    if (typeof child === 'string' && child.trim() === '') return null;
    if (!isValidElement(child) || child.type !== SeriesSequence) {
      const what = isValidElement(child) ? (child.type.displayName || child.type.name || String(child.type)) : JSON.stringify(child);
      throw new TypeError(`The <Series /> component only accepts a list of <Series.Sequence /> components as its children, but you passed a component of type ${what}`);
    }
    const { durationInFrames, offset = 0, children, ...rest } = child.props;
    const last = index === items.length - 1;
    if (durationInFrames === undefined && !last) {
      throw new TypeError('The "durationInFrames" prop of a <Series.Sequence /> component is required unless it is the last one.');
    }
    const duration = durationInFrames ?? Infinity;
    if (!last && !Number.isFinite(duration)) {
      throw new TypeError(`The "durationInFrames" prop of a <Series.Sequence /> component must be finite, but got ${duration}. Only the last one may be Infinity.`);
    }
    checkFrameNumber(offset, 'offset', '<Series.Sequence />');
    if (!Number.isFinite(offset)) throw new TypeError(`The "offset" property of a <Series.Sequence /> must be finite, but got ${offset}`);
    const from = start + offset;
    start += duration + offset;
    return createElement(Sequence, { key: child.key ?? 'series-' + index, ...rest, from, durationInFrames: duration }, children);
  });
  return createElement(Fragment, null, rendered);
}
Series.Sequence = SeriesSequence;

export function Loop(props) {
  const { durationInFrames, times = Infinity, children, name, layout, style, className } = props;
  checkFrameNumber(durationInFrames, 'durationInFrames', '<Loop />');
  if (!(durationInFrames > 0) || !Number.isFinite(durationInFrames)) {
    throw new TypeError(`The "durationInFrames" prop of <Loop /> must be a positive number, but got ${durationInFrames}.`);
  }
  if (typeof times !== 'number' || times < 0 || (Number.isFinite(times) && Math.floor(times) !== times)) {
    throw new TypeError(`The "times" prop of <Loop /> must be a positive integer or Infinity, but got ${times}.`);
  }
  const frame = useCurrentFrame();
  const config = useVideoConfig();
  const maxTimes = Math.ceil(config.durationInFrames / durationInFrames);
  const actualTimes = Math.min(maxTimes, times);
  const iteration = Math.max(0, Math.floor(frame / durationInFrames));
  if (iteration >= actualTimes) return null;
  return createElement(
    LoopContext.Provider,
    { value: { iteration, durationInFrames } },
    createElement(Sequence, { from: iteration * durationInFrames, durationInFrames, name, layout, style, className }, children),
  );
}
Loop.useLoop = function useLoop() {
  return useContext(LoopContext);
};

export function Freeze(props) {
  const { frame, active = true, children } = props;
  checkFrameNumber(frame, 'frame', '<Freeze />');
  if (!Number.isFinite(frame)) throw new TypeError(`The 'frame' prop of <Freeze /> must be a finite number, but it is ${frame}.`);
  const current = useCurrentFrame();
  const isActive = typeof active === 'function' ? active(current) : active;
  if (!isActive) return children ?? null;
  const sequence = useContext(SequenceContext);
  const relativeFrom = sequence === null ? 0 : sequence.relativeFrom;
  return createElement(
    TimelineContext.Provider,
    { value: { frame: frame + relativeFrom } },
    createElement(SequenceContext.Provider, { value: sequence === null ? null : { ...sequence, cumulatedFrom: 0 } }, children),
  );
}

// ---- media ----------------------------------------------------------------------------------

export function Img(props) {
  const { src, onError, pauseWhenLoading, maxRetries, delayRenderTimeoutInMilliseconds, delayRenderRetries, from, durationInFrames, name, showInTimeline, hidden, ...rest } = props;
  if (hidden) return null;
  if (!src) throw new Error('No "src" prop was passed to <Img>.');
  return createElement('img', { ...rest, src });
}

function mediaRecord(kind, props) {
  const frame = useCurrentFrame();
  const config = useVideoConfig();
  const timeline = useContext(TimelineContext);
  const { src, volume = 1, playbackRate = 1, muted = false, loop = false } = props;
  if (typeof src !== 'string' || src === '') {
    throw new TypeError(`No "src" prop was passed to <${kind === 'audio' ? 'Audio' : 'Video'}>.`);
  }
  const trimBefore = props.trimBefore ?? props.startFrom ?? 0;
  const trimAfter = props.trimAfter ?? props.endAt ?? null;
  const tag = kind === 'audio' ? 'Audio' : 'Video';
  for (const [prop, value] of [['trimBefore', trimBefore], ['trimAfter', trimAfter ?? 0], ['playbackRate', playbackRate]]) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TypeError(`The "${prop}" prop of <${tag} src="${src}"> must be a finite number, but got ${JSON.stringify(value)}.`);
    }
  }
  if (trimBefore < 0) throw new TypeError(`The "trimBefore" prop of <${tag} src="${src}"> must not be negative, but got ${trimBefore}.`);
  if (trimAfter !== null && trimAfter <= trimBefore) {
    throw new TypeError(`The "trimAfter" prop of <${tag} src="${src}"> must be greater than "trimBefore" (${trimBefore}), but got ${trimAfter}.`);
  }
  if (!(playbackRate > 0)) throw new TypeError(`The "playbackRate" prop of <${tag} src="${src}"> must be positive, but got ${playbackRate}.`);
  const level = typeof volume === 'function' ? volume(frame) : volume;
  if (typeof level !== 'number' || !Number.isFinite(level) || level < 0) {
    throw new TypeError(`The volume of <${kind === 'audio' ? 'Audio' : 'Video'} src="${src}"> must be a number, but it is ${level}.`);
  }
  const mediaFrame = trimBefore + frame * playbackRate;
  if (trimAfter !== null && mediaFrame >= trimAfter && !loop) return null;
  return state.addMedia({
    kind,
    src,
    startFrame: timeline.frame - frame,
    trimBefore,
    trimAfter: trimAfter ?? undefined,
    playbackRate,
    volume: muted ? 0 : level,
    muted: Boolean(muted),
    loop: Boolean(loop),
    mediaTime: mediaFrame / config.fps,
    fps: config.fps,
  });
}

export function Audio(props) {
  mediaRecord('audio', props);
  return null;
}

export function Video(props) {
  const index = mediaRecord('video', props);
  if (index === null) return null;
  const { src, style, className, id } = props;
  return createElement('video', { src, style, className, id, 'data-kinema-media': String(index) });
}
export const OffthreadVideo = Video;
export const Html5Video = Video;
export const Html5Audio = Audio;

export function IFrame(props) {
  return createElement('iframe', props);
}
export function AnimatedImage(props) {
  const { src, style, className, width, height } = props;
  return createElement('img', { src, style, className, width, height });
}
export function Artifact() {
  return null;
}

// ---- compositions ---------------------------------------------------------------------------

export function registerRoot(root) {
  if (!root) throw new Error('You must pass a React component to registerRoot(), but got ' + root);
  state.setRoot(root);
}

const COMPOSITION_ID = /^([a-zA-Z0-9-\u4E00-\u9FFF])+$/;
const FOLDER_NAME = /^([a-zA-Z0-9-\u4E00-\u9FFF])+$/;

function checkPositive(value, name, id, integer) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && Math.floor(value) !== value)) {
    throw new TypeError(`The "${name}" prop of composition "${id}" must be a positive ${integer ? 'integer' : 'number'}, but got ${JSON.stringify(value)}.`);
  }
}

export function Composition(props) {
  const { id, component, lazyComponent, durationInFrames, fps, width, height, defaultProps, calculateMetadata, schema } = props;
  if (typeof id !== 'string' || !COMPOSITION_ID.test(id)) {
    throw new Error(`Composition id can only contain a-z, A-Z, 0-9, CJK characters and -. You passed ${id}`);
  }
  if (!component && !lazyComponent) throw new Error(`No "component" prop was passed to <Composition id="${id}">.`);
  if (calculateMetadata === undefined || calculateMetadata === null) {
    checkPositive(durationInFrames, 'durationInFrames', id, true);
    checkPositive(fps, 'fps', id, false);
    checkPositive(width, 'width', id, true);
    checkPositive(height, 'height', id, true);
  }
  if (defaultProps !== undefined && (defaultProps === null || typeof defaultProps !== 'object' || Array.isArray(defaultProps))) {
    throw new TypeError(`The "defaultProps" of composition "${id}" must be an object, but got ${JSON.stringify(defaultProps)}.`);
  }
  state.addComposition({
    id,
    kind: props.__still ? 'still' : 'composition',
    component: component ?? null,
    lazyComponent: lazyComponent ?? null,
    durationInFrames,
    fps,
    width,
    height,
    defaultProps: defaultProps ?? {},
    calculateMetadata: calculateMetadata ?? null,
    schema: schema ?? null,
    folder: readContext(FolderContext),
  });
  return null;
}

export function Still(props) {
  return createElement(Composition, { ...props, fps: 1, durationInFrames: 1, __still: true });
}

export function Folder(props) {
  const { name, children } = props;
  if (typeof name !== 'string' || !FOLDER_NAME.test(name)) {
    throw new Error(`Folder name can only contain a-z, A-Z, 0-9 and -. You passed ${JSON.stringify(name)}`);
  }
  const parent = useContext(FolderContext);
  return createElement(FolderContext.Provider, { value: parent ? parent + '/' + name : name }, children);
}
