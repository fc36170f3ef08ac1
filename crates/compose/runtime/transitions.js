// `@remotion/transitions`: Kinema's implementation of TransitionSeries, its timings and the
// standard presentations, for one-frame-at-a-time rendering.
//
// Layout follows Remotion: sequences are laid end to end; a <TransitionSeries.Transition>
// between two sequences makes them overlap by the transition's duration (so the series lasts
// the sum of its sequences minus the sum of its transitions). A sequence next to a transition is
// always wrapped in that transition's presentation component, with `presentationDirection`
// 'exiting' (the transition after it) or 'entering' (the transition before it) and a
// `presentationProgress` the timing computes for the current frame (clamped to [0, 1] outside
// the overlap for linear timings). Presentations are plain style transforms, so they come out as
// inline CSS (opacity, transform, clip-path) in the element tree.

import { createElement, createContext, useContext, Children, isValidElement, Fragment } from 'react';
import { Sequence, AbsoluteFill, useCurrentFrame, useVideoConfig, interpolate, spring, measureSpring } from 'remotion';
import { makePie } from '@remotion/shapes';

// ---- timings --------------------------------------------------------------------------------

/** Progress that moves linearly (or along `easing`) from 0 to 1 over `durationInFrames`. */
export function linearTiming(options) {
  const settings = options ?? {};
  return {
    getDurationInFrames() {
      return settings.durationInFrames;
    },
    getProgress({ frame }) {
      return interpolate(frame, [0, settings.durationInFrames], [0, 1], {
        easing: settings.easing,
        extrapolateLeft: 'clamp',
        extrapolateRight: 'clamp',
      });
    },
  };
}

/** Progress driven by a spring; without `durationInFrames` the transition lasts until it settles. */
export function springTiming(options = {}) {
  const settings = options ?? {};
  return {
    getDurationInFrames({ fps }) {
      // A duration of 0 means "natural duration", as in Remotion.
      if (settings.durationInFrames) return settings.durationInFrames;
      return measureSpring({ fps, config: settings.config, threshold: settings.durationRestThreshold });
    },
    getProgress({ frame, fps }) {
      return spring({
        frame,
        fps,
        from: settings.reverse ? 1 : 0,
        to: settings.reverse ? 0 : 1,
        config: settings.config,
        durationInFrames: settings.durationInFrames,
        durationRestThreshold: settings.durationRestThreshold,
        reverse: settings.reverse,
      });
    },
  };
}

// ---- transition progress contexts ------------------------------------------------------------

const EnteringContext = createContext(null);
const ExitingContext = createContext(null);

/**
 * Inside a <TransitionSeries.Sequence>: how far the transition into it (`entering`, 1 when there
 * is none or it is over) and out of it (`exiting`, 0 when there is none or it has not started)
 * has progressed.
 */
export function useTransitionProgress() {
  const entering = useContext(EnteringContext);
  const exiting = useContext(ExitingContext);
  if (entering === null && exiting === null) {
    return { isInTransitionSeries: false, entering: 1, exiting: 0 };
  }
  return {
    isInTransitionSeries: true,
    entering: entering?.enteringProgress ?? 1,
    exiting: exiting?.exitingProgress ?? 0,
  };
}

// ---- presentations ---------------------------------------------------------------------------

function directionalStyle(direction, enter, exit) {
  return direction === 'entering' ? enter : exit;
}

function FadePresentation({ children, presentationDirection, presentationProgress, passedProps }) {
  const entering = presentationDirection === 'entering';
  let opacity = 1;
  if (entering) opacity = presentationProgress;
  else if (passedProps.shouldFadeOutExitingScene) opacity = 1 - presentationProgress;
  const style = { opacity, ...directionalStyle(presentationDirection, passedProps.enterStyle, passedProps.exitStyle) };
  return createElement(AbsoluteFill, { style }, children);
}

/** The entering scene fades in over the exiting one. */
export function fade(props) {
  return { component: FadePresentation, props: props ?? {} };
}

// The two slides overlap by a hair while moving, so no seam shows between them.
const SLIDE_OVERLAP = 0.01;

function slideTransform(direction, presentationDirection, progress) {
  const percent = progress * 100;
  const overlapped = progress === 1 ? percent : percent - SLIDE_OVERLAP;
  const exiting = presentationDirection === 'exiting';
  switch (direction) {
    case 'from-left':
      return exiting ? `translateX(${overlapped}%)` : `translateX(${-100 + percent}%)`;
    case 'from-right':
      return exiting ? `translateX(${-percent}%)` : `translateX(${100 - overlapped}%)`;
    case 'from-top':
      return exiting ? `translateY(${overlapped}%)` : `translateY(${-100 + percent}%)`;
    case 'from-bottom':
      return exiting ? `translateY(${-percent}%)` : `translateY(${100 - overlapped}%)`;
    default:
      throw new Error(`Invalid direction: ${direction}`);
  }
}

function SlidePresentation({ children, presentationDirection, presentationProgress, passedProps }) {
  const { direction = 'from-left', enterStyle, exitStyle } = passedProps;
  const style = {
    width: '100%',
    height: '100%',
    justifyContent: 'center',
    alignItems: 'center',
    transform: slideTransform(direction, presentationDirection, presentationProgress),
    ...directionalStyle(presentationDirection, enterStyle, exitStyle),
  };
  return createElement(AbsoluteFill, { style }, children);
}

/** The entering scene pushes the exiting one out, moving in from `direction` (default 'from-left'). */
export function slide(props) {
  return { component: SlidePresentation, props: props ?? {} };
}

// Wipe: the entering scene is revealed by a growing polygon starting at an edge or a corner; the
// exiting scene keeps the complementary polygon. Points are [x%, y%] pairs.
function wipePolygon(points) {
  return `polygon(${points.map(([x, y]) => `${x}% ${y}%`).join(', ')})`;
}

function wipeEntering(direction, p) {
  const q = p * 2; // corner wipes sweep a triangle twice as long as the side
  switch (direction) {
    case 'from-left':
      return [[0, 0], [p, 0], [p, 100], [0, 100]];
    case 'from-top-left':
      return [[0, 0], [q, 0], [0, q]];
    case 'from-top':
      return [[0, 0], [100, 0], [100, p], [0, p]];
    case 'from-top-right':
      return [[100, 0], [100 - q, 0], [100, q]];
    case 'from-right':
      return [[100, 0], [100, 100], [100 - p, 100], [100 - p, 0]];
    case 'from-bottom-right':
      return [[100, 100], [100 - q, 100], [100, 100 - q]];
    case 'from-bottom':
      return [[0, 100], [100, 100], [100, 100 - p], [0, 100 - p]];
    case 'from-bottom-left':
      return [[0, 100], [0, 100 - q], [q, 100]];
    default:
      throw new Error(`Unknown direction ${JSON.stringify(direction)}`);
  }
}

function wipeExiting(direction, p) {
  const q = p * 2;
  switch (direction) {
    case 'from-left':
      return [[100, 100], [100 - p, 100], [100 - p, 0], [100, 0]];
    case 'from-top-left':
      return [[100, 100], [100 - q, 100], [100, 100 - q]];
    case 'from-top':
      return [[100, 100], [0, 100], [0, 100 - p], [100, 100 - p]];
    case 'from-top-right':
      return [[0, 100], [q, 100], [0, 100 - q]];
    case 'from-right':
      return [[0, 0], [p, 0], [p, 100], [0, 100]];
    case 'from-bottom-right':
      return [[0, 0], [q, 0], [0, q]];
    case 'from-bottom':
      return [[100, 0], [0, 0], [0, p], [100, p]];
    case 'from-bottom-left':
      return [[100, 0], [100 - q, 0], [100, q]];
    default:
      throw new Error(`Unknown direction ${JSON.stringify(direction)}`);
  }
}

function WipePresentation({ children, presentationDirection, presentationProgress, passedProps }) {
  const { direction = 'from-left', innerEnterStyle, innerExitStyle, outerEnterStyle, outerExitStyle } = passedProps;
  const entering = presentationDirection === 'entering';
  // The exiting scene keeps what the entering one has not covered yet.
  const visible = (entering ? presentationProgress : 1 - presentationProgress) * 100;
  const points = entering ? wipeEntering(direction, visible) : wipeExiting(direction, visible);
  const inner = {
    width: '100%',
    height: '100%',
    justifyContent: 'center',
    alignItems: 'center',
    clipPath: wipePolygon(points),
    ...directionalStyle(presentationDirection, innerEnterStyle, innerExitStyle),
  };
  return createElement(
    AbsoluteFill,
    { style: directionalStyle(presentationDirection, outerEnterStyle, outerExitStyle) },
    createElement(AbsoluteFill, { style: inner }, children),
  );
}

/** The entering scene is wiped in over the exiting one from `direction` (default 'from-left'). */
export function wipe(props) {
  return { component: WipePresentation, props: props ?? {} };
}

function FlipPresentation({ children, presentationDirection, presentationProgress, passedProps }) {
  const {
    direction = 'from-left',
    perspective = 1000,
    innerEnterStyle,
    innerExitStyle,
    outerEnterStyle,
    outerExitStyle,
  } = passedProps;
  // Scenes turn by half a revolution; from the right or top they turn the other way.
  const half = direction === 'from-right' || direction === 'from-top' ? 180 : -180;
  const angle =
    presentationDirection === 'entering'
      ? interpolate(presentationProgress, [0, 1], [half, 0])
      : interpolate(presentationProgress, [0, 1], [0, -half]);
  const axis = direction === 'from-top' || direction === 'from-bottom' ? 'rotateX' : 'rotateY';
  const inner = {
    width: '100%',
    height: '100%',
    transform: `${axis}(${angle}deg)`,
    backfaceVisibility: 'hidden',
    WebkitBackfaceVisibility: 'hidden',
    ...directionalStyle(presentationDirection, innerEnterStyle, innerExitStyle),
  };
  const outer = {
    perspective,
    transformStyle: 'preserve-3d',
    ...directionalStyle(presentationDirection, outerEnterStyle, outerExitStyle),
  };
  return createElement(AbsoluteFill, { style: outer }, createElement(AbsoluteFill, { style: inner }, children));
}

/** The exiting scene flips over, showing the entering one on its back (default 'from-left'). */
export function flip(props) {
  return { component: FlipPresentation, props: props ?? {} };
}

function pathNumber(value) {
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
}

// The pie's instructions moved by (dx, dy), written as an SVG path.
function movedPath(instructions, dx, dy) {
  const parts = [];
  for (const step of instructions) {
    switch (step.type) {
      case 'M':
      case 'L':
        parts.push(`${step.type} ${pathNumber(step.x + dx)} ${pathNumber(step.y + dy)}`);
        break;
      case 'A':
        parts.push(
          ['A', step.rx, step.ry, step.xAxisRotation, step.largeArcFlag, step.sweepFlag, step.x + dx, step.y + dy]
            .map((v, i) => (i === 0 ? v : pathNumber(v)))
            .join(' '),
        );
        break;
      case 'Z':
        parts.push('Z');
        break;
      default:
        throw new Error(`Unexpected path instruction ${step.type}`);
    }
  }
  return parts.join(' ');
}

function ClockWipePresentation({ children, presentationDirection, presentationProgress, passedProps }) {
  const { width, height, innerEnterStyle, innerExitStyle, outerEnterStyle, outerExitStyle } = passedProps;
  // A pie centred on the canvas whose radius reaches the corners sweeps clockwise from 12 o'clock.
  const radius = Math.sqrt(width ** 2 + height ** 2) / 2;
  const pie = makePie({ radius, progress: presentationProgress });
  const path = movedPath(pie.instructions, -(radius * 2 - width) / 2, -(radius * 2 - height) / 2);
  const inner = {
    width: '100%',
    height: '100%',
    clipPath: presentationDirection === 'exiting' ? undefined : `path("${path}")`,
    ...directionalStyle(presentationDirection, innerEnterStyle, innerExitStyle),
  };
  return createElement(
    AbsoluteFill,
    { style: directionalStyle(presentationDirection, outerEnterStyle, outerExitStyle) },
    createElement(AbsoluteFill, { style: inner }, children),
  );
}

/** The entering scene is revealed by a clock hand sweeping over a `width`×`height` canvas. */
export function clockWipe(props) {
  return { component: ClockWipePresentation, props: props ?? {} };
}

function NonePresentation({ children, presentationDirection, passedProps }) {
  return createElement(
    AbsoluteFill,
    { style: { ...directionalStyle(presentationDirection, passedProps.enterStyle, passedProps.exitStyle) } },
    children,
  );
}

/** No visual effect: both scenes show, driven by useTransitionProgress() if wanted. */
export function none(props) {
  return { component: NonePresentation, props: props ?? {} };
}

// ---- TransitionSeries -------------------------------------------------------------------------

function TransitionSeriesSequence(props) {
  // Outside a <TransitionSeries> a sequence just shows its children.
  return props.children ?? null;
}
TransitionSeriesSequence.displayName = 'TransitionSeries.Sequence';

function TransitionSeriesTransition() {
  return null;
}
TransitionSeriesTransition.displayName = 'TransitionSeries.Transition';

function TransitionSeriesOverlay() {
  return null;
}
TransitionSeriesOverlay.displayName = 'TransitionSeries.Overlay';

function flattenSeries(children) {
  const out = [];
  for (const child of Children.toArray(children)) {
    if (isValidElement(child) && child.type === Fragment) out.push(...flattenSeries(child.props.children));
    else out.push(child);
  }
  return out;
}

function kindOf(item) {
  if (item === undefined || typeof item === 'string' || item === null || typeof item !== 'object') return null;
  if (item.type === TransitionSeriesTransition) return 'transition';
  if (item.type === TransitionSeriesOverlay) return 'overlay';
  if (item.type === TransitionSeriesSequence) return 'sequence';
  return null;
}

function checkDuration(value, component, allowFloats) {
  if (value === undefined) throw new Error(`The "durationInFrames" prop ${component} is missing.`);
  if (typeof value !== 'number') {
    throw new Error(`The "durationInFrames" prop ${component} must be a number, but you passed a value of type ${typeof value}`);
  }
  if (value <= 0) throw new TypeError(`The "durationInFrames" prop ${component} must be positive, but got ${value}.`);
  if (!allowFloats && value % 1 !== 0) {
    throw new TypeError(`The "durationInFrames" prop ${component} must be an integer, but got ${value}.`);
  }
  if (!Number.isFinite(value)) throw new TypeError(`The "durationInFrames" prop ${component} must be finite, but got ${value}.`);
}

function checkOffset(offset, what, suffix, integerMessage) {
  if (Number.isNaN(offset)) throw new TypeError(`The "offset" property of ${what} must not be NaN, but got NaN${suffix}.`);
  if (!Number.isFinite(offset)) throw new TypeError(`The "offset" property of ${what} must be finite, but got ${offset}${suffix}.`);
  if (offset % 1 !== 0) throw new TypeError(`The "offset" property of ${what} must be ${integerMessage}, but got ${offset}${suffix}.`);
}

function timingOf(transition, index) {
  const timing = transition.props.timing;
  if (timing === null || typeof timing !== 'object' || typeof timing.getDurationInFrames !== 'function') {
    throw new TypeError(
      `The "timing" prop of a <TransitionSeries.Transition /> must be a timing such as linearTiming() or springTiming(), but got ${timing} (nth child = ${index}).`,
    );
  }
  return timing;
}

const noop = () => {};

// The presentation of `transition` around `content`, plus the progress context for the scene.
function present(transition, direction, progress, fps, both, content) {
  const presentation = transition.props.presentation ?? slide();
  const ProgressContext = direction === 'entering' ? EnteringContext : ExitingContext;
  const value = direction === 'entering' ? { enteringProgress: progress } : { exitingProgress: progress };
  return createElement(
    presentation.component,
    {
      passedProps: presentation.props ?? {},
      presentationDirection: direction,
      presentationProgress: progress,
      presentationDurationInFrames: transition.props.timing.getDurationInFrames({ fps }),
      bothEnteringAndExiting: both,
      onElementImage: noop,
      onUnmount: noop,
    },
    createElement(ProgressContext.Provider, { value }, content),
  );
}

function SeriesContent({ items }) {
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();

  const rendered = [];
  const overlays = [];
  // Where the next sequence would start without transitions, and how far transitions have
  // pulled everything after them earlier (always ≤ 0).
  let startFrame = 0;
  let transitionOffsets = 0;
  const sequenceDurations = [];
  let pendingOverlay = null;

  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === 'string') {
      if (item.trim() === '') continue; // stray whitespace between elements
      throw new TypeError(
        `The <TransitionSeries /> component only accepts a list of <TransitionSeries.Sequence /> components as its children, but you passed a string "${item}"`,
      );
    }
    const kind = kindOf(item);
    const previousKind = kindOf(items[i - 1]);
    const nextKind = kindOf(items[i + 1]);

    if (kind === 'overlay') {
      if (previousKind === 'overlay') {
        throw new TypeError(`A <TransitionSeries.Overlay /> component must not be followed by another <TransitionSeries.Overlay /> component (nth children = ${i - 1} and ${i})`);
      }
      if (previousKind === 'transition') {
        throw new TypeError(`A <TransitionSeries.Transition /> component must not be followed by a <TransitionSeries.Overlay /> component (nth children = ${i - 1} and ${i})`);
      }
      if (nextKind === 'transition') {
        throw new TypeError(`A <TransitionSeries.Overlay /> component must not be followed by a <TransitionSeries.Transition /> component (nth children = ${i} and ${i + 1})`);
      }
      const { durationInFrames, children } = item.props;
      const offset = item.props.offset ?? 0;
      checkDuration(durationInFrames, 'of a <TransitionSeries.Overlay /> component', false);
      checkOffset(offset, 'a <TransitionSeries.Overlay />', '', 'an integer');
      // The overlay is centred on the cut between the sequences around it.
      const cut = startFrame + transitionOffsets;
      const half = durationInFrames / 2;
      const from = cut - half + offset;
      if (from < 0) {
        throw new TypeError(`A <TransitionSeries.Overlay /> extends before frame 0. The overlay starts at frame ${from}. Reduce the duration or adjust the offset.`);
      }
      if (sequenceDurations.length > 0) {
        const before = half - offset;
        const previousDuration = sequenceDurations[sequenceDurations.length - 1];
        if (before > previousDuration) {
          throw new TypeError(`A <TransitionSeries.Overlay /> extends beyond the previous sequence. The overlay needs ${before} frames before the cut, but the previous sequence is only ${previousDuration} frames long.`);
        }
      }
      pendingOverlay = { half, offset };
      overlays.push(
        createElement(Sequence, { key: 'overlay-' + i, from: Math.round(from), durationInFrames, name: '<TS.Overlay>', layout: 'absolute-fill' }, children),
      );
      continue;
    }

    if (kind === 'transition') {
      if (previousKind === 'transition') {
        throw new TypeError(`A <TransitionSeries.Transition /> component must not be followed by another <TransitionSeries.Transition /> component (nth children = ${i - 1} and ${i})`);
      }
      if (previousKind === 'overlay') {
        throw new TypeError(`A <TransitionSeries.Overlay /> component must not be followed by a <TransitionSeries.Transition /> component (nth children = ${i - 1} and ${i})`);
      }
      timingOf(item, i).getDurationInFrames({ fps });
      continue;
    }

    if (kind !== 'sequence') {
      throw new TypeError(
        `The <TransitionSeries /> component only accepts a list of <TransitionSeries.Sequence />, <TransitionSeries.Transition />, and <TransitionSeries.Overlay /> components as its children, but got ${item} instead`,
      );
    }

    const previous = previousKind === 'transition' ? items[i - 1] : null;
    const next = nextKind === 'transition' ? items[i + 1] : null;
    const { durationInFrames, children, offset: offsetProp, from: _from, controls: _controls, className, ...passed } = item.props;
    const debug = `index = ${i}, duration = ${durationInFrames}`;
    checkDuration(durationInFrames, 'of a <TransitionSeries.Sequence /> component', true);
    const offset = offsetProp ?? 0;
    checkOffset(offset, 'a <TransitionSeries.Sequence />', ` (${debug})`, 'finite');

    const previousDuration = previous === null ? 0 : timingOf(previous, i - 1).getDurationInFrames({ fps });
    transitionOffsets -= previousDuration;
    let from = startFrame + offset + transitionOffsets;
    startFrame += durationInFrames + offset;
    // A transition before the first sequence cannot pull it before frame 0.
    if (from < 0) {
      startFrame -= from;
      from = 0;
    }
    sequenceDurations.push(durationInFrames);

    if (pendingOverlay !== null) {
      const after = pendingOverlay.half + pendingOverlay.offset;
      pendingOverlay = null;
      if (after > durationInFrames) {
        throw new TypeError(`A <TransitionSeries.Overlay /> extends beyond the next sequence. The overlay needs ${after} frames after the cut, but the next sequence is only ${durationInFrames} frames long.`);
      }
    }

    const nextDuration = next === null ? 0 : timingOf(next, i + 1).getDurationInFrames({ fps });
    const exitingProgress =
      next === null ? null : next.props.timing.getProgress({ frame: frame - from - durationInFrames + nextDuration, fps });
    const enteringProgress = previous === null ? null : previous.props.timing.getProgress({ frame: frame - from, fps });

    if (next !== null && durationInFrames < nextDuration) {
      throw new Error(
        `The duration of a <TransitionSeries.Sequence /> must not be shorter than the duration of the next <TransitionSeries.Transition />. The transition is ${nextDuration} frames long, but the sequence is only ${durationInFrames} frames long (${debug})`,
      );
    }
    if (previous !== null && durationInFrames < previousDuration) {
      throw new Error(
        `The duration of a <TransitionSeries.Sequence /> must not be shorter than the duration of the previous <TransitionSeries.Transition />. The transition is ${previousDuration} frames long, but the sequence is only ${durationInFrames} frames long (${debug})`,
      );
    }

    let content = children;
    if (previous !== null) content = present(previous, 'entering', enteringProgress, fps, next !== null, content);
    if (next !== null) content = present(next, 'exiting', exitingProgress, fps, previous !== null, content);

    rendered.push(
      createElement(
        Sequence,
        { key: String(i), from, durationInFrames, ...passed, className: className || undefined, name: passed.name || '<TS.Sequence>' },
        content,
      ),
    );
  }
  for (const overlay of overlays) rendered.push(overlay);
  return rendered;
}

/**
 * Sequences played one after another, with transitions between them. Accepts the props of a
 * <Sequence> (from, durationInFrames, name, layout, style, className) for the whole series.
 */
export function TransitionSeries(props) {
  const { children, name, layout, controls: _controls, ...rest } = props;
  return createElement(
    Sequence,
    { name: name ?? '<TransitionSeries>', layout: layout ?? 'absolute-fill', ...rest },
    createElement(SeriesContent, { items: flattenSeries(children) }),
  );
}
TransitionSeries.Sequence = TransitionSeriesSequence;
TransitionSeries.Transition = TransitionSeriesTransition;
TransitionSeries.Overlay = TransitionSeriesOverlay;
