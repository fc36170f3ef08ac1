// Kinema runtime: animation math compatible with the `remotion` package
// (interpolate, interpolateColors, spring, measureSpring, Easing, random).
//
// Plain ES module for QuickJS-ng: no imports, no host APIs, no Intl.
// Behaviour (defaults, validation order, error messages, floating point
// evaluation order) follows remotion 4.0.x so that compositions render the
// same numbers. Verified against vectors generated from the real package:
// see crates/compose/tests/vectors/ and tools/vectors/.
//
// Performance note: remotion simulates a spring frame by frame starting at
// frame 0. Here every simulated trajectory is memoised per (fps, damping,
// mass, stiffness) in a bounded LRU cache, so evaluating frames 0..N in any
// order costs O(N) simulation steps in total while producing exactly the
// numbers of the stepwise simulation.

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

const clampUnit = (t) => Math.min(1, Math.max(0, t));
const identityEasing = (t) => t;

// ---------------------------------------------------------------------------
// Cubic bezier easing (same sampling / Newton / bisection scheme and
// constants as remotion, so that results agree to the last few ulps)
// ---------------------------------------------------------------------------

const BZ_SAMPLES = 11;
const BZ_STEP = 1.0 / (BZ_SAMPLES - 1.0);
const BZ_NEWTON_ITERS = 4;
const BZ_NEWTON_MIN_SLOPE = 0.001;
const BZ_BISECT_PRECISION = 0.0000001;
const BZ_BISECT_MAX_ITERS = 10;

function cubicBezier(x1, y1, x2, y2) {
  if (!(x1 >= 0 && x1 <= 1 && x2 >= 0 && x2 <= 1)) {
    throw new Error('bezier x values must be in [0, 1] range');
  }
  // Polynomial coefficients of one coordinate, evaluated in Horner form.
  const coefA = (p1, p2) => 1.0 - 3.0 * p2 + 3.0 * p1;
  const coefB = (p1, p2) => 3.0 * p2 - 6.0 * p1;
  const coefC = (p1) => 3.0 * p1;
  const at = (t, p1, p2) => ((coefA(p1, p2) * t + coefB(p1, p2)) * t + coefC(p1)) * t;
  const slopeAt = (t, p1, p2) =>
    3.0 * coefA(p1, p2) * t * t + 2.0 * coefB(p1, p2) * t + coefC(p1);

  const isLinear = x1 === y1 && x2 === y2;
  // Sample table of x(t) at t = i/10, stored in single precision.
  const table = new Float32Array(BZ_SAMPLES);
  if (!isLinear) {
    for (let i = 0; i < BZ_SAMPLES; ++i) {
      table[i] = at(i * BZ_STEP, x1, x2);
    }
  }

  const newton = (x, guess) => {
    let t = guess;
    for (let i = 0; i < BZ_NEWTON_ITERS; ++i) {
      const s = slopeAt(t, x1, x2);
      if (s === 0.0) {
        return t;
      }
      t -= (at(t, x1, x2) - x) / s;
    }
    return t;
  };

  const bisect = (x, lo, hi) => {
    let a = lo;
    let b = hi;
    let t;
    let err;
    let n = 0;
    do {
      t = a + (b - a) / 2.0;
      err = at(t, x1, x2) - x;
      if (err > 0.0) {
        b = t;
      } else {
        a = t;
      }
    } while (Math.abs(err) > BZ_BISECT_PRECISION && ++n < BZ_BISECT_MAX_ITERS);
    return t;
  };

  const solveT = (x) => {
    let start = 0.0;
    let idx = 1;
    const last = BZ_SAMPLES - 1;
    while (idx !== last && table[idx] <= x) {
      start += BZ_STEP;
      ++idx;
    }
    --idx;
    const frac = (x - table[idx]) / (table[idx + 1] - table[idx]);
    const guess = start + frac * BZ_STEP;
    const slope = slopeAt(guess, x1, x2);
    if (slope >= BZ_NEWTON_MIN_SLOPE) {
      return newton(x, guess);
    }
    if (slope === 0.0) {
      return guess;
    }
    return bisect(x, start, start + BZ_STEP);
  };

  return function bezierEasing(x) {
    const cx = Math.min(1, Math.max(0, x));
    if (isLinear) {
      return cx;
    }
    if (cx === 0) {
      return 0;
    }
    if (cx === 1) {
      return 1;
    }
    return at(solveT(cx), y1, y2);
  };
}

// ---------------------------------------------------------------------------
// Spring physics with a memoised trajectory cache
// ---------------------------------------------------------------------------

const SPRING_DEFAULT_DAMPING = 10;
const SPRING_DEFAULT_MASS = 1;
const SPRING_DEFAULT_STIFFNESS = 100;
const SPRING_MAX_STEP_MS = 64;

const TRAJECTORY_CACHE_LIMIT = 64;
const MEASURE_CACHE_LIMIT = 1024;
// spring() can be asked for frame +Infinity (durationInFrames together with
// durationRestThreshold: 0 makes the natural duration infinite), where
// remotion loops forever. We look this far for an exact resting state and
// throw otherwise.
const SPRING_SETTLE_SEARCH_LIMIT = 100000;

const trajectories = new Map();
let lastTrajectoryKey = null;
let lastTrajectory = null;
const measureCache = new Map();

function resolveSpringConfig(config) {
  return {
    damping: config.damping ?? SPRING_DEFAULT_DAMPING,
    mass: config.mass ?? SPRING_DEFAULT_MASS,
    stiffness: config.stiffness ?? SPRING_DEFAULT_STIFFNESS,
  };
}

// One closed-form step of a damped oscillator moving towards 1, from
// (pos, vel) at time `from` (ms) to time `to` (ms); the step is capped at
// 64ms exactly like remotion. Writes the new position/velocity into `out`.
// The arithmetic mirrors remotion's evaluation order.
function springStep(traj, pos, vel, from, to, out) {
  const target = 1;
  const dtMs = Math.min(to - from, SPRING_MAX_STEP_MS);
  const { zeta, omega0, omega1 } = traj;
  const v0 = -vel;
  const x0 = target - pos;
  const t = dtMs / 1000;
  if (zeta < 1) {
    const s = Math.sin(omega1 * t);
    const c = Math.cos(omega1 * t);
    const envelope = Math.exp(-zeta * omega0 * t);
    const frag = envelope * (s * ((v0 + zeta * omega0 * x0) / omega1) + x0 * c);
    out[0] = target - frag;
    out[1] = zeta * omega0 * frag - envelope * (c * (v0 + zeta * omega0 * x0) - omega1 * x0 * s);
  } else {
    const envelope = Math.exp(-omega0 * t);
    out[0] = target - envelope * (x0 + (v0 + omega0 * x0) * t);
    out[1] = envelope * (v0 * (t * omega0 - 1) + t * x0 * omega0 * omega0);
  }
}

// Trajectory of one (fps, damping, mass, stiffness) spring, simulated from
// frame 0 exactly like remotion (one closed-form step per integer frame).
// Memory stays small for long renders: only every CHECKPOINT_EVERY-th
// state is kept, plus the frontier (furthest simulated frame) and a cursor
// (last state looked up behind the frontier). Forward sequential access
// costs one step per new frame; random access behind the frontier costs at
// most CHECKPOINT_EVERY - 1 steps. Re-simulating from a stored state is
// deterministic, so all numbers are bit-identical to a single pass.
const CHECKPOINT_EVERY = 8;

function createTrajectory(fps, damping, mass, stiffness) {
  if (damping <= 0) {
    throw new Error(
      'Spring damping must be greater than 0, otherwise the spring() animation will never end, causing an infinite loop.',
    );
  }
  const zeta = damping / (2 * Math.sqrt(stiffness * mass));
  const omega0 = Math.sqrt(stiffness / mass);
  const omega1 = omega0 * Math.sqrt(1 - zeta ** 2);
  return {
    fps,
    zeta,
    omega0,
    omega1,
    // Interleaved [pos, vel] of frames 0, K, 2K, ...
    checkpoints: new Float64Array(64),
    checkpointCount: 0,
    // Furthest simulated frame (-1: only the initial state at rest at 0).
    frontFrame: -1,
    frontPos: 0,
    frontVel: 0,
    cursorFrame: -1,
    cursorPos: 0,
    cursorVel: 0,
    // First frame from which the state is a fixed point (position exactly 1
    // with zero velocity, or NaN), -1 while unknown.
    restFrame: -1,
    restPos: 1,
  };
}

const scratch = new Float64Array(2);
let simulatedSteps = 0;

function frameTime(frame, fps) {
  return (frame / fps) * 1000;
}

// Simulates integer frame `frame + 1` from the state at `frame` (frame -1
// being the initial state at time 0). Result in scratch.
function stepFrame(traj, frame, pos, vel) {
  const from = frame < 0 ? 0 : frameTime(frame, traj.fps);
  springStep(traj, pos, vel, from, frameTime(frame + 1, traj.fps), scratch);
  simulatedSteps++;
}

function advanceFront(traj, target) {
  while (traj.frontFrame < target && traj.restFrame < 0) {
    stepFrame(traj, traj.frontFrame, traj.frontPos, traj.frontVel);
    const f = traj.frontFrame + 1;
    const p = scratch[0];
    const v = scratch[1];
    if (f % CHECKPOINT_EVERY === 0) {
      const slot = 2 * traj.checkpointCount;
      if (slot + 2 > traj.checkpoints.length) {
        const grown = new Float64Array(traj.checkpoints.length * 2);
        grown.set(traj.checkpoints);
        traj.checkpoints = grown;
      }
      traj.checkpoints[slot] = p;
      traj.checkpoints[slot + 1] = v;
      traj.checkpointCount++;
    }
    traj.frontFrame = f;
    traj.frontPos = p;
    traj.frontVel = v;
    if ((p === 1 && v === 0) || (p !== p && v !== v)) {
      traj.restFrame = f;
      traj.restPos = p;
    }
  }
}

let foundPos = 0;
let foundVel = 0;

// State (foundPos, foundVel) at integer frame f >= 0. Returns false when the
// spring is at rest there (the position then is traj.restPos).
function locateFrame(traj, f) {
  if (traj.restFrame >= 0 && f >= traj.restFrame) {
    return false;
  }
  if (f >= traj.frontFrame) {
    advanceFront(traj, f);
    if (traj.restFrame >= 0 && f >= traj.restFrame) {
      return false;
    }
    foundPos = traj.frontPos;
    foundVel = traj.frontVel;
    return true;
  }
  let frame;
  let pos;
  let vel;
  if (traj.cursorFrame >= 0 && traj.cursorFrame <= f && f - traj.cursorFrame < CHECKPOINT_EVERY) {
    frame = traj.cursorFrame;
    pos = traj.cursorPos;
    vel = traj.cursorVel;
  } else {
    // f < frontFrame, so the checkpoint at or below f has been recorded.
    const index = Math.floor(f / CHECKPOINT_EVERY);
    frame = index * CHECKPOINT_EVERY;
    pos = traj.checkpoints[2 * index];
    vel = traj.checkpoints[2 * index + 1];
  }
  while (frame < f) {
    stepFrame(traj, frame, pos, vel);
    frame++;
    pos = scratch[0];
    vel = scratch[1];
  }
  traj.cursorFrame = f;
  traj.cursorPos = pos;
  traj.cursorVel = vel;
  foundPos = pos;
  foundVel = vel;
  return true;
}

function getTrajectory(fps, config) {
  const { damping, mass, stiffness } = resolveSpringConfig(config);
  const key = `${fps}|${damping}|${mass}|${stiffness}`;
  if (key === lastTrajectoryKey) {
    return lastTrajectory;
  }
  let traj = trajectories.get(key);
  if (traj === undefined) {
    traj = createTrajectory(fps, damping, mass, stiffness);
    trajectories.set(key, traj);
    if (trajectories.size > TRAJECTORY_CACHE_LIMIT) {
      trajectories.delete(trajectories.keys().next().value);
    }
  } else {
    // Refresh the LRU position.
    trajectories.delete(key);
    trajectories.set(key, traj);
  }
  lastTrajectoryKey = key;
  lastTrajectory = traj;
  return traj;
}

// Position (0 -> 1 spring) at integer frame `f` >= 0.
function positionAtIntegerFrame(traj, f) {
  return locateFrame(traj, f) ? foundPos : traj.restPos;
}

// Equivalent of remotion's springCalculation(...).current.
function springPosition(frame, fps, config) {
  const clamped = Math.max(0, frame);
  if (clamped !== clamped) {
    // remotion performs no step at all for NaN and returns the start value.
    return 0;
  }
  const traj = getTrajectory(fps, config);
  if (clamped === Infinity) {
    advanceFront(traj, SPRING_SETTLE_SEARCH_LIMIT);
    if (traj.restFrame < 0) {
      throw new RangeError('spring() cannot be evaluated at an infinite frame: the spring never comes to rest');
    }
    return traj.restPos;
  }
  const whole = Math.floor(clamped);
  if (!(clamped % 1 > 0)) {
    return positionAtIntegerFrame(traj, whole);
  }
  if (!locateFrame(traj, whole)) {
    // A resting (or NaN) state is unchanged by any further step.
    return traj.restPos;
  }
  springStep(traj, foundPos, foundVel, frameTime(whole, fps), frameTime(clamped, fps), scratch);
  return scratch[0];
}

function validateFps(fps, location) {
  if (typeof fps !== 'number') {
    throw new Error(`"fps" must be a number, but you passed a value of type ${typeof fps} ${location}`);
  }
  if (!Number.isFinite(fps)) {
    throw new Error(`"fps" must be a finite, but you passed ${fps} ${location}`);
  }
  if (fps <= 0) {
    throw new TypeError(`"fps" must be positive, but got ${fps} ${location}`);
  }
}

function validateSpringFrame(frame) {
  if (typeof frame === 'undefined') {
    throw new TypeError('Argument missing for parameter "frame"');
  }
  if (typeof frame !== 'number') {
    throw new TypeError(`Argument passed for "frame" is not a number: ${frame}`);
  }
  if (!Number.isFinite(frame)) {
    throw new RangeError(`Frame ${frame} is not finite`);
  }
}

function validateSpringDuration(duration) {
  if (typeof duration === 'undefined') {
    return;
  }
  if (typeof duration !== 'number') {
    throw new TypeError(`A "duration" of a spring must be a "number" but is "${typeof duration}"`);
  }
  if (Number.isNaN(duration)) {
    throw new TypeError('A "duration" of a spring is NaN, which it must not be');
  }
  if (!Number.isFinite(duration)) {
    throw new TypeError('A "duration" of a spring must be finite, but is ' + duration);
  }
  if (duration <= 0) {
    throw new TypeError('A "duration" of a spring must be positive, but is ' + duration);
  }
}

/**
 * Number of frames a spring needs to settle within `threshold` of its
 * target (and stay there for 20 frames).
 */
export function measureSpring({ fps, config = {}, threshold = 0.005 }) {
  if (typeof threshold !== 'number') {
    throw new TypeError(`threshold must be a number, got ${threshold} of type ${typeof threshold}`);
  }
  if (threshold === 0) {
    return Infinity;
  }
  if (threshold === 1) {
    return 0;
  }
  if (Number.isNaN(threshold)) {
    throw new TypeError('Threshold is NaN');
  }
  if (!Number.isFinite(threshold)) {
    throw new TypeError('Threshold is not finite');
  }
  if (threshold < 0) {
    throw new TypeError('Threshold is below 0');
  }
  validateFps(fps, 'to the measureSpring() function');
  const { damping, mass, stiffness } = resolveSpringConfig(config);
  const key = `${fps}|${damping}|${mass}|${stiffness}|${threshold}`;
  const hit = measureCache.get(key);
  if (hit !== undefined) {
    return hit;
  }
  const traj = getTrajectory(fps, config);
  const distance = (f) => Math.abs(positionAtIntegerFrame(traj, f) - 1);

  let frame = 0;
  let diff = distance(frame);
  while (diff >= threshold) {
    frame++;
    diff = distance(frame);
  }
  // Springs bounce: require the value to stay inside the threshold for a
  // run of further frames (the counter restarts on every excursion, and the
  // loop increment then makes the run 19 frames long, as in remotion).
  let settled = frame;
  for (let run = 0; run < 20; run++) {
    frame++;
    diff = distance(frame);
    if (diff >= threshold) {
      run = 0;
      settled = frame + 1;
    }
  }
  measureCache.set(key, settled);
  if (measureCache.size > MEASURE_CACHE_LIMIT) {
    measureCache.delete(measureCache.keys().next().value);
  }
  return settled;
}

/**
 * Physics based animation value at `frame`, moving from `from` to `to`.
 */
export function spring({
  frame,
  fps,
  config = {},
  from = 0,
  to = 1,
  durationInFrames,
  durationRestThreshold,
  delay = 0,
  reverse = false,
}) {
  validateSpringDuration(durationInFrames);
  validateSpringFrame(frame);
  validateFps(fps, 'to spring()');

  const needsNaturalDuration = reverse || typeof durationInFrames !== 'undefined';
  const naturalDuration = needsNaturalDuration
    ? measureSpring({ fps, config, threshold: durationRestThreshold })
    : undefined;

  const reversed = reverse ? (durationInFrames ?? naturalDuration) - frame : frame;
  const delayed = reversed + (reverse ? delay : -delay);
  const stretched =
    durationInFrames === undefined ? delayed : delayed / (durationInFrames / naturalDuration);

  if (durationInFrames && delayed > durationInFrames) {
    return to;
  }

  const position = springPosition(stretched, fps, config);
  const inner = config.overshootClamping ? Math.min(position, 1) : position;
  if (from === 0 && to === 1) {
    return inner;
  }
  return interpolate(inner, [0, 1], [from, to]);
}

// ---------------------------------------------------------------------------
// Easing
// ---------------------------------------------------------------------------

const SPRING_EASING_FPS = 30;
let easeCurve = null;

function springEasing({ allowTail = false, durationRestThreshold, ...config } = {}) {
  const fn = (t) => {
    if (t <= 0) {
      return 0;
    }
    if (!allowTail && t >= 1) {
      return 1;
    }
    if (allowTail) {
      const natural = measureSpring({
        fps: SPRING_EASING_FPS,
        config,
        threshold: durationRestThreshold,
      });
      return spring({ fps: SPRING_EASING_FPS, frame: t * natural, config });
    }
    return spring({
      fps: SPRING_EASING_FPS,
      frame: t * SPRING_EASING_FPS,
      config,
      durationInFrames: SPRING_EASING_FPS,
      durationRestThreshold,
    });
  };
  fn.remotionShouldExtendRight = allowTail;
  return fn;
}

function bounceCurve(t) {
  const u = clampUnit(t);
  const k = 7.5625;
  if (u < 1 / 2.75) {
    return k * u * u;
  }
  if (u < 2 / 2.75) {
    const d = u - 1.5 / 2.75;
    return k * d * d + 0.75;
  }
  if (u < 2.5 / 2.75) {
    const d = u - 2.25 / 2.75;
    return k * d * d + 0.9375;
  }
  const d = u - 2.625 / 2.75;
  return k * d * d + 0.984375;
}

export const Easing = {
  step0: (n) => (n > 0 ? 1 : 0),
  step1: (n) => (n >= 1 ? 1 : 0),
  linear: (t) => t,
  ease: (t) => {
    if (easeCurve === null) {
      easeCurve = cubicBezier(0.42, 0, 1, 1);
    }
    return easeCurve(t);
  },
  quad: (t) => t * t,
  cubic: (t) => t * t * t,
  poly: (n) => (t) => t ** n,
  sin: (t) => 1 - Math.cos((t * Math.PI) / 2),
  circle: (t) => {
    const u = clampUnit(t);
    return 1 - Math.sqrt(1 - u * u);
  },
  exp: (t) => 2 ** (10 * (t - 1)),
  elastic: (bounciness = 1) => {
    const p = bounciness * Math.PI;
    return (t) => 1 - Math.cos((t * Math.PI) / 2) ** 3 * Math.cos(t * p);
  },
  back: (s = 1.70158) => (t) => t * t * ((s + 1) * t - s),
  spring: springEasing,
  bounce: bounceCurve,
  bezier: (x1, y1, x2, y2) => cubicBezier(x1, y1, x2, y2),
  in: (easing) => easing,
  out: (easing) => (t) => 1 - easing(1 - t),
  inOut: (easing) => (t) => (t < 0.5 ? easing(t * 2) / 2 : 1 - easing((1 - t) * 2) / 2),
};

// ---------------------------------------------------------------------------
// interpolate
// ---------------------------------------------------------------------------

// Thrown for strings that are not numeric CSS values at all; such output
// ranges may fall back to discrete (Easing.step1) interpolation.
class NonNumericStringError extends TypeError {}

const CSS_NUMBER = /^([+-]?(?:\d+\.?\d*|\.\d+))([a-zA-Z%]+)?$/;
const ANGLE_UNITS = new Set(['deg', 'rad', 'grad', 'turn']);
const LENGTH_UNITS = new Set(
  (
    '% cap ch cm cqb cqh cqi cqmax cqmin cqw dvh dvw em ex ic in lh lvh lvw mm pc pt px q ' +
    'rem rlh svh svw vb vh vi vmax vmin vw'
  ).split(' '),
);
const ORIGIN_KEYWORDS = new Set(['left', 'center', 'right', 'top', 'bottom']);
const PERCENT_50 = { value: 50, unit: '%' };
const NO_UNITS = [null, null, null, null];

// Axis placements a transform-origin keyword can stand for.
function originKeywordPlacements(keyword) {
  switch (keyword) {
    case 'left':
      return [{ axis: 'x', value: { value: 0, unit: '%' } }];
    case 'right':
      return [{ axis: 'x', value: { value: 100, unit: '%' } }];
    case 'top':
      return [{ axis: 'y', value: { value: 0, unit: '%' } }];
    case 'bottom':
      return [{ axis: 'y', value: { value: 100, unit: '%' } }];
    default:
      return [
        { axis: 'x', value: PERCENT_50 },
        { axis: 'y', value: PERCENT_50 },
      ];
  }
}

const roundMicro = (v) => Math.round(v * 1000000) / 1000000;
const numToCss = (v) => String(roundMicro(v));
const splitWords = (s) => s.trim().split(/\s+/);

// Parses one whitespace separated component such as "1.5", "10px", "45deg".
function parseCssComponent(component, whole) {
  const m = CSS_NUMBER.exec(component);
  if (m === null) {
    throw new NonNumericStringError(
      `Cannot interpolate "${whole}" because "${component}" is not a supported scale, translate, or rotate value`,
    );
  }
  const unit = m[2] ?? null;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) {
    throw new TypeError(`Cannot interpolate "${whole}" because "${component}" is not finite`);
  }
  if (unit === null) {
    return { kind: 'scale', value, unit: null };
  }
  if (ANGLE_UNITS.has(unit)) {
    return { kind: 'rotate', value, unit };
  }
  if (LENGTH_UNITS.has(unit)) {
    return { kind: 'translate', value, unit };
  }
  throw new TypeError(`Cannot interpolate "${whole}" because "${unit}" is not a supported translate or rotate unit`);
}

function parseOriginLength(component, whole, allowPercent) {
  const what = allowPercent ? 'length-percentage' : 'z length';
  const fail = () =>
    new TypeError(`Cannot interpolate "${whole}" because "${component}" is not a supported transform-origin ${what}`);
  const m = CSS_NUMBER.exec(component);
  if (m === null) {
    throw fail();
  }
  const unit = m[2] ?? null;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) {
    throw new TypeError(`Cannot interpolate "${whole}" because "${component}" is not finite`);
  }
  if (unit === null || !LENGTH_UNITS.has(unit) || (!allowPercent && unit === '%')) {
    throw fail();
  }
  return { value, unit };
}

function parseOriginToken(component, whole) {
  const lower = component.toLowerCase();
  if (ORIGIN_KEYWORDS.has(lower)) {
    return { keyword: lower, length: null };
  }
  return { keyword: null, length: parseOriginLength(component, whole, true) };
}

// Returns [x, y] as {value, unit} for the first one or two origin tokens.
function parseOriginXY(tokens, whole) {
  if (tokens.length === 1) {
    const only = parseOriginToken(tokens[0], whole);
    if (only.keyword === null) {
      return [only.length, PERCENT_50];
    }
    const placement = originKeywordPlacements(only.keyword)[0].value;
    if (only.keyword === 'top' || only.keyword === 'bottom') {
      return [PERCENT_50, placement];
    }
    return [placement, PERCENT_50];
  }
  const first = parseOriginToken(tokens[0], whole);
  const second = parseOriginToken(tokens[1], whole);
  if (first.keyword === null && second.keyword === null) {
    return [first.length, second.length];
  }
  if (first.keyword !== null && second.keyword !== null) {
    for (const a of originKeywordPlacements(first.keyword)) {
      for (const b of originKeywordPlacements(second.keyword)) {
        if (a.axis !== b.axis) {
          return a.axis === 'x' ? [a.value, b.value] : [b.value, a.value];
        }
      }
    }
    throw new TypeError(
      `Cannot interpolate "${whole}" because "${first.keyword} ${second.keyword}" is not a valid transform-origin keyword pair`,
    );
  }
  const keywordFirst = first.keyword !== null;
  const keyword = keywordFirst ? first.keyword : second.keyword;
  const length = keywordFirst ? second.length : first.length;
  if (keyword === 'left' || keyword === 'right') {
    if (!keywordFirst) {
      throw new TypeError(
        `Cannot interpolate "${whole}" because horizontal transform-origin keywords must come before a length-percentage value`,
      );
    }
    return [originKeywordPlacements(keyword)[0].value, length];
  }
  if (keyword === 'top' || keyword === 'bottom') {
    return [length, originKeywordPlacements(keyword)[0].value];
  }
  return keywordFirst ? [PERCENT_50, length] : [length, PERCENT_50];
}

function parseOriginValue(whole, tokens) {
  const [x, y] = parseOriginXY(tokens.slice(0, 2), whole);
  const hasZ = tokens[2] !== undefined;
  const z = hasZ ? parseOriginLength(tokens[2], whole, false) : { value: 0, unit: null };
  return {
    kind: 'translate',
    values: [x.value, y.value, z.value, 0],
    units: [x.unit, y.unit, z.unit, null],
    dimensions: hasZ ? 3 : 2,
    axisRotation: false,
  };
}

// "x 45deg" / "y 1turn" / "z 3rad" or "ax ay az angle"; null when the string
// is not an axis rotation.
function parseAxisRotation(whole) {
  const tokens = splitWords(whole);
  const axisName = tokens.length === 2 ? tokens[0].toLowerCase() : null;
  if (axisName === 'x' || axisName === 'y' || axisName === 'z') {
    const angle = parseCssComponent(tokens[1], whole);
    if (angle.kind !== 'rotate') {
      return null;
    }
    const axis = axisName === 'x' ? [1, 0, 0] : axisName === 'y' ? [0, 1, 0] : [0, 0, 1];
    return {
      kind: 'rotate',
      values: [axis[0], axis[1], axis[2], angle.value],
      units: [null, null, null, angle.unit],
      dimensions: 4,
      axisRotation: true,
    };
  }
  if (tokens.length !== 4) {
    return null;
  }
  const axis = [Number(tokens[0]), Number(tokens[1]), Number(tokens[2])];
  if (!axis.every(Number.isFinite)) {
    return null;
  }
  const angle = parseCssComponent(tokens[3], whole);
  if (angle.kind !== 'rotate') {
    return null;
  }
  return {
    kind: 'rotate',
    values: [axis[0], axis[1], axis[2], angle.value],
    units: [null, null, null, angle.unit],
    dimensions: 4,
    axisRotation: true,
  };
}

const tooManyComponents = (whole) => `String outputRange values must contain 1 to 3 components, but got "${whole}"`;

// Parses a single outputRange entry of a string interpolation.
function parseStringOutput(output, outputType) {
  if (typeof output === 'number') {
    if (!Number.isFinite(output)) {
      throw new Error(`outputRange must contain only finite numbers, but got [${output}]`);
    }
    return { kind: 'scale', values: [output, output, 1, 0], units: NO_UNITS, dimensions: 1, axisRotation: false };
  }
  if (outputType === 'transform-origin') {
    const tokens = splitWords(output);
    if (tokens.length < 1 || tokens.length > 3 || tokens[0] === '') {
      throw new TypeError(tooManyComponents(output));
    }
    return parseOriginValue(output, tokens);
  }
  const axisRotation = parseAxisRotation(output);
  if (axisRotation !== null) {
    if (outputType !== undefined && outputType !== 'rotate') {
      throw new TypeError(`Cannot interpolate "${output}" as ${outputType} because it is a rotate value`);
    }
    return axisRotation;
  }
  const tokens = splitWords(output);
  if (tokens.length < 1 || tokens.length > 3 || tokens[0] === '') {
    // Long free-form text may still be interpolated discretely; malformed
    // numeric transforms must not.
    const looksLikeText =
      outputType === undefined &&
      tokens.some((tok) => !CSS_NUMBER.test(tok) && !ORIGIN_KEYWORDS.has(tok.toLowerCase()));
    const Ctor = looksLikeText ? NonNumericStringError : TypeError;
    throw new Ctor(tooManyComponents(output));
  }
  if (tokens.some((tok) => ORIGIN_KEYWORDS.has(tok.toLowerCase()))) {
    if (outputType !== undefined) {
      throw new TypeError(`Cannot interpolate "${output}" as ${outputType} because it is a transform-origin value`);
    }
    return parseOriginValue(output, tokens);
  }
  const comps = tokens.map((tok) => parseCssComponent(tok, output));
  const kind = comps[0].kind;
  for (const comp of comps) {
    if (comp.kind !== kind) {
      throw new TypeError(`Cannot interpolate "${output}" because it mixes ${kind} and ${comp.kind} values`);
    }
  }
  if (outputType !== undefined && outputType !== kind) {
    throw new TypeError(`Cannot interpolate "${output}" as ${outputType} because it is a ${kind} value`);
  }
  if (kind === 'scale') {
    const x = comps[0].value;
    const y = comps.length > 1 ? comps[1].value : x;
    const z = comps.length > 2 ? comps[2].value : 1;
    return { kind, values: [x, y, z, 0], units: NO_UNITS, dimensions: comps.length, axisRotation: false };
  }
  return {
    kind,
    values: [comps[0].value, comps.length > 1 ? comps[1].value : 0, comps.length > 2 ? comps[2].value : 0, 0],
    units: [comps[0].unit, comps.length > 1 ? comps[1].unit : null, comps.length > 2 ? comps[2].unit : null, null],
    dimensions: comps.length,
    axisRotation: false,
  };
}

function formatStringOutput(kind, values, units, dimensions, axisRotation) {
  if (axisRotation) {
    return `${numToCss(values[0])} ${numToCss(values[1])} ${numToCss(values[2])} ${numToCss(values[3])}${units[3]}`;
  }
  const parts = [];
  for (let i = 0; i < dimensions; i++) {
    parts.push(kind === 'scale' ? numToCss(values[i]) : `${numToCss(values[i])}${units[i]}`);
  }
  return parts.join(' ');
}

// Index of the keyframe segment used for `input`.
function segmentFor(input, inputRange) {
  let i = 1;
  while (i < inputRange.length - 1 && !(inputRange[i] >= input)) {
    i++;
  }
  return i - 1;
}

function easingForSegment(easing, segment) {
  if (easing === undefined) {
    return identityEasing;
  }
  if (typeof easing === 'function') {
    return easing;
  }
  return easing[segment];
}

const extendsRight = (easing) => easing.remotionShouldExtendRight === true;

const wrapInto = (value, lo, hi) => {
  const span = hi - lo;
  return ((((value - lo) % span) + span) % span) + lo;
};

// Applies `posterize`, then wraps the input over the whole keyframe range
// when a 'wrap' extrapolation is active on the side it lies on.
function effectiveInput(input, inputRange, options) {
  const posterize = options?.posterize;
  const value = posterize === undefined ? input : Math.floor(input / posterize) * posterize;
  const lo = inputRange[0];
  const hi = inputRange[inputRange.length - 1];
  if (inputRange.length === 1) {
    return value;
  }
  if ((value < lo && options?.extrapolateLeft === 'wrap') || (value > hi && options?.extrapolateRight === 'wrap')) {
    return wrapInto(value, lo, hi);
  }
  return value;
}

const signedSquare = (v) => (v === 0 ? 0 : Math.sign(v) * v * v);
const signedRoot = (v) => (v === 0 ? 0 : Math.sign(v) * Math.sqrt(Math.abs(v)));

// Two-keyframe interpolation with extrapolation and easing.
function interpolateOneSegment(input, inMin, inMax, outMin, outMax, easing, left, right, output) {
  let x = input;
  if (x < inMin) {
    if (left === 'identity') {
      return x;
    }
    if (left === 'clamp') {
      x = inMin;
    } else if (left === 'wrap') {
      x = wrapInto(x, inMin, inMax);
    }
  }
  if (x > inMax) {
    if (right === 'identity') {
      return x;
    }
    if (right === 'clamp') {
      x = inMax;
    } else if (right === 'wrap') {
      x = wrapInto(x, inMin, inMax);
    }
  }
  if (outMin === outMax) {
    return outMin;
  }
  x = (x - inMin) / (inMax - inMin);
  x = easing(x);
  if (output === 'perceptual-scale') {
    const a = signedSquare(outMin);
    const b = signedSquare(outMax);
    return signedRoot(x * (b - a) + a);
  }
  return x * (outMax - outMin) + outMin;
}

function interpolateSegment(input, inputRange, outputRange, segment, easing, left, right, output) {
  const inMax = inputRange[segment + 1];
  const effectiveRight = input > inMax && right === 'clamp' && extendsRight(easing) ? 'extend' : right;
  return interpolateOneSegment(
    input,
    inputRange[segment],
    inMax,
    outputRange[segment],
    outputRange[segment + 1],
    easing,
    left,
    effectiveRight,
    output,
  );
}

function interpolateNumbers(input, inputRange, outputRange, options) {
  const output = options?.output ?? 'linear';
  if (inputRange.length === 1) {
    return outputRange[0];
  }
  const easingOption = options?.easing;
  const left = options?.extrapolateLeft !== undefined ? options.extrapolateLeft : 'extend';
  const right = options?.extrapolateRight !== undefined ? options.extrapolateRight : 'extend';
  const x = effectiveInput(input, inputRange, options ?? null);
  const segment = segmentFor(x, inputRange);
  let result = interpolateSegment(
    x,
    inputRange,
    outputRange,
    segment,
    easingForSegment(easingOption, segment),
    left,
    right,
    output,
  );
  // Easings with a tail (spring with allowTail) keep moving after their
  // segment ended; their overshoot past the keyframe value carries over.
  for (let s = 0; s < segment; s++) {
    const prev = easingForSegment(easingOption, s);
    if (!extendsRight(prev)) {
      continue;
    }
    const segEnd = inputRange[s + 1];
    if (x <= segEnd) {
      continue;
    }
    const continued = interpolateSegment(x, inputRange, outputRange, s, prev, left, 'extend', output);
    result += continued - outputRange[s + 1];
  }
  return result;
}

function interpolateStrings(input, inputRange, outputRange, options, outputType) {
  const initial = outputRange.map((o) => parseStringOutput(o, outputType));
  const hasAxisRotation = initial.some((p) => p.axisRotation);
  const x = effectiveInput(input, inputRange, options ?? null);
  const segment = inputRange.length === 1 ? 0 : segmentFor(x, inputRange);
  let parsed = initial;
  if (hasAxisRotation) {
    const lastIndex = initial.length - 1;
    parsed = initial.map((p, index) => {
      if (p.kind !== 'rotate' || p.axisRotation) {
        return p;
      }
      if (p.dimensions !== 1) {
        throw new TypeError('Cannot interpolate a multi-angle rotate value with an axis rotation');
      }
      // A zero angle has no meaningful axis: borrow the neighbour's so the
      // axis does not drift while the angle moves away from zero.
      let neighbour;
      if (p.values[0] === 0) {
        if (index === 0) {
          neighbour = initial.find((c) => c.axisRotation);
        } else if (index === lastIndex) {
          for (let j = lastIndex; j >= 0; j--) {
            if (initial[j].axisRotation) {
              neighbour = initial[j];
              break;
            }
          }
        } else if (index === segment) {
          neighbour = initial[index + 1];
        } else if (index === segment + 1) {
          neighbour = initial[index - 1];
        }
      }
      const axis = neighbour?.axisRotation ? neighbour.values : [0, 0, 1];
      return {
        kind: 'rotate',
        values: [axis[0], axis[1], axis[2], p.values[0]],
        units: [null, null, null, p.units[0]],
        dimensions: 4,
        axisRotation: true,
      };
    });
  }
  const kind = parsed[0]?.kind;
  if (kind === undefined) {
    throw new Error('outputRange must have at least 1 element');
  }
  for (const p of parsed) {
    if (p.kind !== kind) {
      throw new TypeError(`Cannot interpolate ${kind} values with ${p.kind} values`);
    }
  }
  let dimensions = -Infinity;
  for (const p of parsed) {
    dimensions = Math.max(dimensions, p.dimensions);
  }
  const units = [null, null, null, null];
  if (kind !== 'scale') {
    for (let axis = 0; axis < dimensions; axis++) {
      if (hasAxisRotation && axis < 3) {
        continue;
      }
      for (const p of parsed) {
        const unit = p.units[axis];
        if (unit === null) {
          continue;
        }
        if (units[axis] === null) {
          units[axis] = unit;
        } else if (units[axis] !== unit) {
          throw new TypeError(
            `Cannot interpolate ${kind} values with different units on axis ${axis + 1}: ${units[axis]} and ${unit}`,
          );
        }
      }
      if (units[axis] === null) {
        throw new TypeError(`Cannot interpolate ${kind} values because axis ${axis + 1} has no unit`);
      }
    }
  }
  const values = [0, 0, 0, 0];
  for (let axis = 0; axis < dimensions; axis++) {
    values[axis] = interpolateNumbers(
      input,
      inputRange,
      parsed.map((p) => p.values[axis]),
      options,
    );
  }
  return formatStringOutput(kind, values, units, dimensions, hasAxisRotation);
}

function interpolateFontWeight(input, inputRange, outputRange, options) {
  const weights = outputRange.map((o) => {
    if (typeof o === 'string') {
      const lower = o.toLowerCase();
      if (lower === 'normal') {
        return 400;
      }
      if (lower === 'bold') {
        return 700;
      }
    }
    let w = NaN;
    if (typeof o === 'number') {
      w = o;
    } else if (typeof o === 'string') {
      const m = CSS_NUMBER.exec(o);
      if (m !== null && m[2] === undefined) {
        w = Number(m[1]);
      }
    }
    if (!Number.isFinite(w) || w < 1 || w > 1000) {
      throw new TypeError(
        `Cannot interpolate font weight "${o}". Expected "normal", "bold", or a number between 1 and 1000`,
      );
    }
    return w;
  });
  return interpolateNumbers(input, inputRange, weights, options);
}

// Booleans and free-form strings: hold each keyframe (Easing.step1 only).
function interpolateDiscrete(input, inputRange, outputRange, options) {
  if (inputRange.length === 1) {
    return outputRange[0];
  }
  const isBool = typeof outputRange[0] === 'boolean';
  for (let s = 0; s < inputRange.length - 1; s++) {
    if (easingForSegment(options?.easing, s) !== Easing.step1) {
      throw new TypeError(
        isBool
          ? 'Booleans can only be interpolated using Easing.step1'
          : 'Non-numeric strings can only be interpolated using Easing.step1',
      );
    }
  }
  const x = effectiveInput(input, inputRange, options ?? null);
  const what = isBool ? 'booleans' : 'non-numeric strings';
  if (x < inputRange[0]) {
    if (options?.extrapolateLeft === 'identity') {
      throw new TypeError(`extrapolateLeft: "identity" is not supported for ${what}`);
    }
    return outputRange[0];
  }
  if (x > inputRange[inputRange.length - 1]) {
    if (options?.extrapolateRight === 'identity') {
      throw new TypeError(`extrapolateRight: "identity" is not supported for ${what}`);
    }
    return outputRange[outputRange.length - 1];
  }
  const s = segmentFor(x, inputRange);
  return x >= inputRange[s + 1] ? outputRange[s + 1] : outputRange[s];
}

function interpolateTuples(input, inputRange, outputRange, options) {
  const size = outputRange[0]?.length;
  if (size === undefined) {
    throw new Error('outputRange must have at least 1 element');
  }
  if (size === 0) {
    throw new TypeError('outputRange tuples must contain at least 1 number');
  }
  for (const tuple of outputRange) {
    if (tuple.length !== size) {
      throw new TypeError(`outputRange tuples must all have the same length, but got ${size} and ${tuple.length}`);
    }
    for (const v of tuple) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TypeError(`outputRange tuples must contain only finite numbers, but got [${tuple.join(',')}]`);
      }
    }
  }
  const result = [];
  for (let axis = 0; axis < size; axis++) {
    result.push(
      interpolateNumbers(
        input,
        inputRange,
        outputRange.map((t) => t[axis]),
        options,
      ),
    );
  }
  return result;
}

function assertFiniteNumbers(name, arr) {
  if (arr.length < 1) {
    throw new Error(name + ' must have at least 1 element');
  }
  for (const v of arr) {
    if (typeof v !== 'number') {
      throw new Error(`${name} must contain only numbers`);
    }
    if (!Number.isFinite(v)) {
      throw new Error(`${name} must contain only finite numbers, but got [${arr.join(',')}]`);
    }
  }
}

function assertIncreasing(arr) {
  for (let i = 1; i < arr.length; ++i) {
    if (!(arr[i] > arr[i - 1])) {
      throw new Error(`inputRange must be strictly monotonically increasing but got [${arr.join(',')}]`);
    }
  }
}

/** Validates the `easing` option of interpolate(). */
export function assertValidInterpolateEasingOption(easing, inputRangeLength) {
  if (easing === undefined || typeof easing === 'function') {
    return;
  }
  const expected = inputRangeLength - 1;
  if (easing.length !== expected) {
    throw new Error(
      `When easing is an array, it must have one entry per segment between keyframes (length inputRange.length - 1 = ${expected}), but got length ${easing.length}`,
    );
  }
  for (let i = 0; i < easing.length; i++) {
    if (typeof easing[i] !== 'function') {
      throw new Error(`easing[${i}] must be a function`);
    }
  }
}

/** Validates the `posterize` option of interpolate(). */
export function assertValidInterpolatePosterizeOption(posterize) {
  if (posterize === undefined) {
    return;
  }
  if (typeof posterize !== 'number' || !Number.isFinite(posterize) || posterize <= 0) {
    throw new Error(`posterize must be a positive finite number, but got ${posterize}`);
  }
}

const OUTPUT_TYPES = ['font-weight', 'scale', 'translate', 'rotate', 'transform-origin'];

/**
 * Maps `input` from `inputRange` onto `outputRange`.
 * options: { easing, extrapolateLeft, extrapolateRight, output, outputType, posterize }
 */
export function interpolate(input, inputRange, outputRange, options) {
  if (typeof input === 'undefined') {
    throw new Error('input can not be undefined');
  }
  if (typeof inputRange === 'undefined') {
    throw new Error('inputRange can not be undefined');
  }
  if (typeof outputRange === 'undefined') {
    throw new Error('outputRange can not be undefined');
  }
  if (inputRange.length !== outputRange.length) {
    throw new Error(
      'inputRange (' + inputRange.length + ') and outputRange (' + outputRange.length + ') must have the same length',
    );
  }
  assertFiniteNumbers('inputRange', inputRange);
  assertIncreasing(inputRange);
  assertValidInterpolateEasingOption(options?.easing, inputRange.length);
  assertValidInterpolatePosterizeOption(options?.posterize);
  const output = options?.output;
  if (!(output === undefined || output === 'linear' || output === 'perceptual-scale')) {
    throw new Error(`output must be "linear" or "perceptual-scale", but got ${String(output)}`);
  }
  const outputType = options?.outputType;
  if (!(outputType === undefined || OUTPUT_TYPES.includes(outputType))) {
    throw new Error(
      `outputType must be "font-weight", "scale", "translate", "rotate", or "transform-origin", but got ${String(outputType)}`,
    );
  }
  if (typeof input !== 'number') {
    throw new TypeError('Cannot interpolate an input which is not a number');
  }
  if (!Array.isArray(outputRange)) {
    throw new Error('outputRange must contain only numbers');
  }

  if (outputRange.some((o) => typeof o === 'boolean')) {
    if (!outputRange.every((o) => typeof o === 'boolean')) {
      throw new TypeError('Boolean outputRange must contain only booleans');
    }
    if (outputType !== undefined) {
      throw new TypeError('Boolean outputRange cannot use outputType');
    }
    return interpolateDiscrete(input, inputRange, outputRange, options);
  }

  if (outputType === 'font-weight') {
    if (!outputRange.every((o) => typeof o === 'number' || typeof o === 'string')) {
      throw new TypeError('Font weight outputRange must contain only numbers or strings');
    }
    return interpolateFontWeight(input, inputRange, outputRange, options);
  }

  const hasString = outputRange.some((o) => typeof o === 'string');
  if (outputType !== undefined && outputType !== 'scale' && !hasString) {
    throw new TypeError(`${outputType} outputRange must contain strings with the appropriate CSS units`);
  }
  if (hasString) {
    if (!outputRange.every((o) => typeof o === 'string' || typeof o === 'number')) {
      throw new TypeError('outputRange must contain only numbers, or supported scale, translate, and rotate strings');
    }
    try {
      return interpolateStrings(input, inputRange, outputRange, options, outputType);
    } catch (err) {
      if (!outputRange.every((o) => typeof o === 'string')) {
        throw err;
      }
      const anyText = outputRange.some((o) => {
        try {
          parseStringOutput(o, outputType);
          return false;
        } catch (parseErr) {
          return parseErr instanceof NonNumericStringError;
        }
      });
      if (!anyText) {
        throw err;
      }
      return interpolateDiscrete(input, inputRange, outputRange, options);
    }
  }

  if (outputRange.every((o) => Array.isArray(o))) {
    return interpolateTuples(input, inputRange, outputRange, options);
  }
  if (!outputRange.every((o) => typeof o === 'number')) {
    throw new TypeError(
      'outputRange must contain only numbers, numeric tuples, or supported scale, translate, and rotate strings',
    );
  }
  assertFiniteNumbers('outputRange', outputRange);
  return interpolateNumbers(input, inputRange, outputRange, options);
}

// ---------------------------------------------------------------------------
// Colors
// ---------------------------------------------------------------------------

// CSS named colors (plus `burntsienna`), as 0xRRGGBB; alpha is opaque.
const NAMED_COLOR_HEX = {
  aliceblue: 'f0f8ff', antiquewhite: 'faebd7', aqua: '00ffff', aquamarine: '7fffd4', azure: 'f0ffff',
  beige: 'f5f5dc', bisque: 'ffe4c4', black: '000000', blanchedalmond: 'ffebcd', blue: '0000ff',
  blueviolet: '8a2be2', brown: 'a52a2a', burlywood: 'deb887', burntsienna: 'ea7e5d', cadetblue: '5f9ea0',
  chartreuse: '7fff00', chocolate: 'd2691e', coral: 'ff7f50', cornflowerblue: '6495ed', cornsilk: 'fff8dc',
  crimson: 'dc143c', cyan: '00ffff', darkblue: '00008b', darkcyan: '008b8b', darkgoldenrod: 'b8860b',
  darkgray: 'a9a9a9', darkgreen: '006400', darkgrey: 'a9a9a9', darkkhaki: 'bdb76b', darkmagenta: '8b008b',
  darkolivegreen: '556b2f', darkorange: 'ff8c00', darkorchid: '9932cc', darkred: '8b0000', darksalmon: 'e9967a',
  darkseagreen: '8fbc8f', darkslateblue: '483d8b', darkslategray: '2f4f4f', darkslategrey: '2f4f4f',
  darkturquoise: '00ced1', darkviolet: '9400d3', deeppink: 'ff1493', deepskyblue: '00bfff', dimgray: '696969',
  dimgrey: '696969', dodgerblue: '1e90ff', firebrick: 'b22222', floralwhite: 'fffaf0', forestgreen: '228b22',
  fuchsia: 'ff00ff', gainsboro: 'dcdcdc', ghostwhite: 'f8f8ff', gold: 'ffd700', goldenrod: 'daa520',
  gray: '808080', green: '008000', greenyellow: 'adff2f', grey: '808080', honeydew: 'f0fff0', hotpink: 'ff69b4',
  indianred: 'cd5c5c', indigo: '4b0082', ivory: 'fffff0', khaki: 'f0e68c', lavender: 'e6e6fa',
  lavenderblush: 'fff0f5', lawngreen: '7cfc00', lemonchiffon: 'fffacd', lightblue: 'add8e6', lightcoral: 'f08080',
  lightcyan: 'e0ffff', lightgoldenrodyellow: 'fafad2', lightgray: 'd3d3d3', lightgreen: '90ee90',
  lightgrey: 'd3d3d3', lightpink: 'ffb6c1', lightsalmon: 'ffa07a', lightseagreen: '20b2aa',
  lightskyblue: '87cefa', lightslategray: '778899', lightslategrey: '778899', lightsteelblue: 'b0c4de',
  lightyellow: 'ffffe0', lime: '00ff00', limegreen: '32cd32', linen: 'faf0e6', magenta: 'ff00ff',
  maroon: '800000', mediumaquamarine: '66cdaa', mediumblue: '0000cd', mediumorchid: 'ba55d3',
  mediumpurple: '9370db', mediumseagreen: '3cb371', mediumslateblue: '7b68ee', mediumspringgreen: '00fa9a',
  mediumturquoise: '48d1cc', mediumvioletred: 'c71585', midnightblue: '191970', mintcream: 'f5fffa',
  mistyrose: 'ffe4e1', moccasin: 'ffe4b5', navajowhite: 'ffdead', navy: '000080', oldlace: 'fdf5e6',
  olive: '808000', olivedrab: '6b8e23', orange: 'ffa500', orangered: 'ff4500', orchid: 'da70d6',
  palegoldenrod: 'eee8aa', palegreen: '98fb98', paleturquoise: 'afeeee', palevioletred: 'db7093',
  papayawhip: 'ffefd5', peachpuff: 'ffdab9', peru: 'cd853f', pink: 'ffc0cb', plum: 'dda0dd',
  powderblue: 'b0e0e6', purple: '800080', rebeccapurple: '663399', red: 'ff0000', rosybrown: 'bc8f8f',
  royalblue: '4169e1', saddlebrown: '8b4513', salmon: 'fa8072', sandybrown: 'f4a460', seagreen: '2e8b57',
  seashell: 'fff5ee', sienna: 'a0522d', silver: 'c0c0c0', skyblue: '87ceeb', slateblue: '6a5acd',
  slategray: '708090', slategrey: '708090', snow: 'fffafa', springgreen: '00ff7f', steelblue: '4682b4',
  tan: 'd2b48c', teal: '008080', thistle: 'd8bfd8', tomato: 'ff6347', turquoise: '40e0d0', violet: 'ee82ee',
  wheat: 'f5deb3', white: 'ffffff', whitesmoke: 'f5f5f5', yellow: 'ffff00', yellowgreen: '9acd32',
};

// Ordinary object (with Object.prototype) on purpose: remotion looks names
// up with `table[name] !== undefined`, so e.g. "constructor" resolves to a
// non-number that ends up as transparent black.
const NAMED_COLORS = { transparent: 0x00000000 };
for (const name of Object.keys(NAMED_COLOR_HEX)) {
  NAMED_COLORS[name] = Number.parseInt(NAMED_COLOR_HEX[name] + 'ff', 16);
}

const NUM = '[-+]?\\d*\\.?\\d+';
const PCT = NUM + '%';
const fnCall = (name, ...args) => new RegExp(name + '\\(\\s*(' + args.join(')\\s*,\\s*(') + ')\\s*\\)');
const MODERN = '(?:none|[-+]?\\d*\\.?\\d+(?:%|deg|rad|grad|turn)?)';
const modernCall = (name) =>
  new RegExp(name + '\\(\\s*(' + MODERN + ')\\s+(' + MODERN + ')\\s+(' + MODERN + ')(?:\\s*\\/\\s*(' + MODERN + '))?\\s*\\)');

const RE_HEX3 = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/;
const RE_HEX4 = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/;
const RE_HEX6 = /^#([0-9a-fA-F]{6})$/;
const RE_HEX8 = /^#([0-9a-fA-F]{8})$/;
const RE_RGB = fnCall('rgb', NUM, NUM, NUM);
const RE_RGBA = fnCall('rgba', NUM, NUM, NUM, NUM);
const RE_HSL = fnCall('hsl', NUM, PCT, PCT);
const RE_HSLA = fnCall('hsla', NUM, PCT, PCT, NUM);
const RE_OKLCH = modernCall('oklch');
const RE_OKLAB = modernCall('oklab');
const RE_LAB = modernCall('lab');
const RE_LCH = modernCall('lch');
const RE_HWB = modernCall('hwb');

function channel255(str) {
  const v = Math.round(Number.parseFloat(str));
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function alphaByte(str) {
  const v = Number.parseFloat(str);
  if (v < 0) {
    return 0;
  }
  if (v > 1) {
    return 255;
  }
  return Math.round(v * 255);
}

function hueFraction(str) {
  const v = Number.parseFloat(str);
  return (((v % 360) + 360) % 360) / 360;
}

function percentFraction(str) {
  const v = Number.parseFloat(str);
  return v < 0 ? 0 : v > 100 ? 1 : v / 100;
}

function hueToChannel(p, q, h) {
  let t = h;
  if (t < 0) {
    t += 1;
  }
  if (t > 1) {
    t -= 1;
  }
  if (t < 1 / 6) {
    return p + (q - p) * 6 * t;
  }
  if (t < 1 / 2) {
    return q;
  }
  if (t < 2 / 3) {
    return p + (q - p) * (2 / 3 - t) * 6;
  }
  return p;
}

// HSL (all in 0..1) to 0xRRGGBB00.
function hslBits(h, s, l) {
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const r = hueToChannel(p, q, h + 1 / 3);
  const g = hueToChannel(p, q, h);
  const b = hueToChannel(p, q, h - 1 / 3);
  return (Math.round(r * 255) << 24) | (Math.round(g * 255) << 16) | (Math.round(b * 255) << 8);
}

function modernComponent(str, fullScale) {
  if (str === 'none') {
    return 0;
  }
  if (str.endsWith('%')) {
    return (Number.parseFloat(str) / 100) * fullScale;
  }
  return Number.parseFloat(str);
}

function modernHueDegrees(str) {
  if (str === 'none') {
    return 0;
  }
  let deg = Number.parseFloat(str);
  if (str.endsWith('grad')) {
    deg *= 0.9;
  } else if (str.endsWith('rad')) {
    deg = (deg * 180) / Math.PI;
  } else if (str.endsWith('turn')) {
    deg *= 360;
  }
  const m = deg % 360;
  return m < 0 ? (m + 360) % 360 : m;
}

function modernAlpha(str) {
  if (str === undefined || str === 'none') {
    return 1;
  }
  const v = str.endsWith('%') ? Number.parseFloat(str) / 100 : Number.parseFloat(str);
  return Math.max(0, Math.min(1, v));
}

const linearToGamma = (c) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const unit01 = (v) => Math.max(0, Math.min(1, v));

function floatRgbaBits(r, g, b, a) {
  const to8 = (v) => Math.round(unit01(v) * 255);
  return ((to8(r) << 24) | (to8(g) << 16) | (to8(b) << 8) | to8(a)) >>> 0;
}

function oklabToRgb(L, a, b) {
  const l1 = L + 0.3963377774 * a + 0.2158037573 * b;
  const m1 = L - 0.1055613458 * a - 0.0638541728 * b;
  const s1 = L - 0.0894841775 * a - 1.291485548 * b;
  const l = l1 * l1 * l1;
  const m = m1 * m1 * m1;
  const s = s1 * s1 * s1;
  return [
    linearToGamma(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    linearToGamma(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    linearToGamma(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}

function labToRgb(L, a, b) {
  // CIE Lab (D65) -> XYZ -> linear sRGB -> sRGB.
  const eps = 216 / 24389;
  const kappa = 24389 / 27;
  const fy = (L + 16) / 116;
  const fx = a / 500 + fy;
  const fz = fy - b / 200;
  const fx3 = fx * fx * fx;
  const fz3 = fz * fz * fz;
  const xr = fx3 > eps ? fx3 : (116 * fx - 16) / kappa;
  const yr = L > kappa * eps ? ((L + 16) / 116) ** 3 : L / kappa;
  const zr = fz3 > eps ? fz3 : (116 * fz - 16) / kappa;
  const X = xr * 0.95047;
  const Y = yr * 1.0;
  const Z = zr * 1.08883;
  return [
    linearToGamma(3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z),
    linearToGamma(-0.969266 * X + 1.8760108 * Y + 0.041556 * Z),
    linearToGamma(0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z),
  ];
}

function hwbToRgb(hue, white, black) {
  if (white + black >= 1) {
    const gray = white / (white + black);
    return [gray, gray, gray];
  }
  const scale = 1 - white - black;
  return [
    hueToChannel(0, 1, hue + 1 / 3) * scale + white,
    hueToChannel(0, 1, hue) * scale + white,
    hueToChannel(0, 1, hue - 1 / 3) * scale + white,
  ];
}

const polarToAb = (chroma, hueDeg) => {
  const rad = (hueDeg * Math.PI) / 180;
  return [chroma * Math.cos(rad), chroma * Math.sin(rad)];
};

// Ordered list of [pattern, decoder(match) -> 0xRRGGBBAA]. Named colors are
// checked right after #rrggbb, as in remotion.
const COLOR_PARSERS = [
  [RE_HEX6, (m) => Number.parseInt(m[1] + 'ff', 16) >>> 0],
  ['named', null],
  [RE_RGB, (m) => ((channel255(m[1]) << 24) | (channel255(m[2]) << 16) | (channel255(m[3]) << 8) | 0xff) >>> 0],
  [
    RE_RGBA,
    (m) => ((channel255(m[1]) << 24) | (channel255(m[2]) << 16) | (channel255(m[3]) << 8) | alphaByte(m[4])) >>> 0,
  ],
  [RE_HEX3, (m) => Number.parseInt(m[1] + m[1] + m[2] + m[2] + m[3] + m[3] + 'ff', 16) >>> 0],
  [RE_HEX8, (m) => Number.parseInt(m[1], 16) >>> 0],
  [RE_HEX4, (m) => Number.parseInt(m[1] + m[1] + m[2] + m[2] + m[3] + m[3] + m[4] + m[4], 16) >>> 0],
  [RE_HSL, (m) => (hslBits(hueFraction(m[1]), percentFraction(m[2]), percentFraction(m[3])) | 0xff) >>> 0],
  [
    RE_HSLA,
    (m) => (hslBits(hueFraction(m[1]), percentFraction(m[2]), percentFraction(m[3])) | alphaByte(m[4])) >>> 0,
  ],
  [
    RE_OKLCH,
    (m) => {
      const [a, b] = polarToAb(modernComponent(m[2], 0.4), modernHueDegrees(m[3]));
      return floatRgbaBits(...oklabToRgb(modernComponent(m[1], 1), a, b), modernAlpha(m[4]));
    },
  ],
  [
    RE_OKLAB,
    (m) =>
      floatRgbaBits(
        ...oklabToRgb(modernComponent(m[1], 1), modernComponent(m[2], 0.4), modernComponent(m[3], 0.4)),
        modernAlpha(m[4]),
      ),
  ],
  [
    RE_LAB,
    (m) =>
      floatRgbaBits(
        ...labToRgb(modernComponent(m[1], 100), modernComponent(m[2], 125), modernComponent(m[3], 125)),
        modernAlpha(m[4]),
      ),
  ],
  [
    RE_LCH,
    (m) => {
      const [a, b] = polarToAb(modernComponent(m[2], 150), modernHueDegrees(m[3]));
      return floatRgbaBits(...labToRgb(modernComponent(m[1], 100), a, b), modernAlpha(m[4]));
    },
  ],
  [
    RE_HWB,
    (m) =>
      floatRgbaBits(
        ...hwbToRgb(modernHueDegrees(m[1]) / 360, modernComponent(m[2], 1), modernComponent(m[3], 1)),
        modernAlpha(m[4]),
      ),
  ],
];

// Color string -> 0xRRGGBBAA (unsigned).
function colorToRgba(color) {
  for (const entry of COLOR_PARSERS) {
    if (entry[0] === 'named') {
      if (NAMED_COLORS[color] !== undefined) {
        return NAMED_COLORS[color];
      }
      continue;
    }
    const m = entry[0].exec(color);
    if (m) {
      return entry[1](m);
    }
  }
  throw new Error(`invalid color string ${color} provided`);
}

// 0xRRGGBBAA -> 0xAARRGGBB
const colorToArgb = (color) => {
  const n = colorToRgba(color);
  return ((n << 24) | (n >>> 8)) >>> 0;
};

const ARGB_CHANNELS = [
  (c) => (c >> 16) & 255,
  (c) => (c >> 8) & 255,
  (c) => c & 255,
  (c) => ((c >> 24) & 255) / 255,
];

/**
 * Maps `input` onto a color from `outputRange`; returns "rgba(r, g, b, a)".
 * options: { easing, posterize }
 */
export function interpolateColors(input, inputRange, outputRange, options) {
  if (typeof input === 'undefined') {
    throw new TypeError('input can not be undefined');
  }
  if (typeof inputRange === 'undefined') {
    throw new TypeError('inputRange can not be undefined');
  }
  if (typeof outputRange === 'undefined') {
    throw new TypeError('outputRange can not be undefined');
  }
  if (inputRange.length !== outputRange.length) {
    throw new TypeError(
      'inputRange (' +
        inputRange.length +
        ' values provided) and outputRange (' +
        outputRange.length +
        ' values provided) must have the same length',
    );
  }
  const argb = outputRange.map(colorToArgb);
  const opts = {
    easing: options?.easing,
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
    posterize: options?.posterize,
  };
  const out = ARGB_CHANNELS.map((get, i) => {
    const v = interpolate(input, inputRange, argb.map(get), opts);
    return i === 3 ? Number(v.toFixed(3)) : Math.round(v);
  });
  return `rgba(${out[0]}, ${out[1]}, ${out[2]}, ${out[3]})`;
}

// ---------------------------------------------------------------------------
// random
// ---------------------------------------------------------------------------

// mulberry32 finaliser on a 32-bit state.
function mulberry32(seed) {
  let t = seed + 0x6d2b79f5;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

// Java-style 31 multiplier string hash over UTF-16 code units.
function stringHash(str) {
  let h = 0;
  for (let i = 0; i < str.length; i++) {
    h = (h << 5) - h + str.charCodeAt(i);
    h |= 0;
  }
  return h;
}

/**
 * Deterministic pseudo random number in [0, 1) for a number or string seed;
 * `null` gives a non-deterministic Math.random() value.
 */
export function random(seed, dummy) {
  if (dummy !== undefined) {
    throw new TypeError('random() takes only one argument');
  }
  if (seed === null) {
    return Math.random();
  }
  if (typeof seed === 'string') {
    return mulberry32(stringHash(seed));
  }
  if (typeof seed === 'number') {
    return mulberry32(seed * 10000000000);
  }
  throw new Error('random() argument must be a number or a string');
}

// ---------------------------------------------------------------------------
// Cache control (for tests and long-running hosts)
// ---------------------------------------------------------------------------

/** Drops all memoised spring trajectories and measureSpring results. */
export function __clearMathCaches() {
  trajectories.clear();
  measureCache.clear();
  lastTrajectoryKey = null;
  lastTrajectory = null;
  easeCurve = null;
  simulatedSteps = 0;
}

/**
 * Cache statistics, for tests: memoised trajectories, spring steps simulated
 * since the last __clearMathCaches(), stored checkpoints, measureSpring
 * results.
 */
export function __mathCacheStats() {
  let checkpoints = 0;
  for (const t of trajectories.values()) {
    checkpoints += t.checkpointCount;
  }
  return {
    trajectories: trajectories.size,
    simulatedSteps,
    checkpoints,
    measurements: measureCache.size,
  };
}
