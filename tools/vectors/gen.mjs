// Generates crates/compose/tests/vectors/remotion.json: reference values for
// Kinema's runtime/math.js, computed by the real `remotion` package.
//
//   cd tools/vectors && npm install && node gen.mjs
//
// The output is deterministic (seeded sampling, fixed case order). See
// crates/compose/tests/vectors/check.mjs for the format and the replayer.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as remotion from 'remotion';
import { decodeValue, buildEasing } from '../../crates/compose/tests/vectors/check.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = resolve(here, '../../crates/compose/tests/vectors/remotion.json');
const remotionVersion = JSON.parse(
  readFileSync(resolve(here, 'node_modules/remotion/package.json'), 'utf8'),
).version;
// The named color table is not part of remotion's public exports.
const require = createRequire(import.meta.url);
const { colorNames } = require(resolve(here, 'node_modules/remotion/dist/cjs/interpolate-colors.js'));

// ---------------------------------------------------------------------------
// Encoding helpers
// ---------------------------------------------------------------------------

// JSON-safe encoding of a value: NaN, +-Infinity, -0 and undefined become
// {"$": "..."}; everything else is plain JSON. Easing functions are written
// by the case builders as {"$easing": desc} directly.
function enc(v) {
  if (v === undefined) return { $: 'undefined' };
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $: 'NaN' };
    if (v === Infinity) return { $: 'Infinity' };
    if (v === -Infinity) return { $: '-Infinity' };
    if (Object.is(v, -0)) return { $: '-0' };
    return v;
  }
  if (Array.isArray(v)) return v.map(enc);
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = enc(v[k]);
    return o;
  }
  return v;
}

const ENGINE_SPECIFIC = /Cannot read prop|is not a function|is not iterable|undefined is not|null is not|Maximum call stack/;

const cases = [];
const counts = {};

// Runs `thunk` against the real package and records the outcome.
function record(c, thunk) {
  let entry;
  try {
    const value = thunk();
    if (typeof value === 'function') throw new Error('function result');
    entry = { ...c, expected: enc(value) };
  } catch (e) {
    if (ENGINE_SPECIFIC.test(String(e && e.message))) {
      throw new Error(`engine specific error for ${JSON.stringify(c)}: ${e.message}`);
    }
    entry = { ...c, error: { name: e.name, message: e.message } };
  }
  cases.push(entry);
  counts[c.fn] = (counts[c.fn] ?? 0) + 1;
}

// Case builders. Arguments are given already encoded (so they may carry
// {"$easing": ...} markers); the thunk decodes them the same way the
// checker will, which guarantees that what we record is replayable.
const E = (desc) => ({ $easing: desc });

function interpolateCase(args) {
  const encoded = enc(args);
  // enc() turns $easing markers' inner arrays into plain arrays: fine.
  record({ fn: 'interpolate', args: encoded }, () =>
    remotion.interpolate(...decodeValue(remotion, encoded)),
  );
}

function colorsCase(args) {
  const encoded = enc(args);
  record({ fn: 'interpolateColors', args: encoded }, () =>
    remotion.interpolateColors(...decodeValue(remotion, encoded)),
  );
}

function springCase(props) {
  const encoded = enc(props);
  record({ fn: 'spring', args: [encoded] }, () => remotion.spring(decodeValue(remotion, encoded)));
}

function measureCase(props) {
  const encoded = enc(props);
  record({ fn: 'measureSpring', args: [encoded] }, () =>
    remotion.measureSpring(decodeValue(remotion, encoded)),
  );
}

function randomCase(args) {
  const encoded = enc(args);
  record({ fn: 'random', args: encoded }, () => remotion.random(...decodeValue(remotion, encoded)));
}

function easingCase(desc, t) {
  const c = { fn: 'easing', easing: enc(desc), t: enc(t) };
  record(c, () => buildEasing(remotion, c.easing)(t));
}

function springSequenceCase(base, frames) {
  const encBase = enc(base);
  const expected = [];
  for (const frame of frames) {
    expected.push(enc(remotion.spring({ ...decodeValue(remotion, encBase), frame })));
  }
  cases.push({ fn: 'springSequence', args: [encBase], frames: enc(frames), expected });
  counts.springSequence = (counts.springSequence ?? 0) + 1;
}

// ---------------------------------------------------------------------------
// Deterministic sampling
// ---------------------------------------------------------------------------

function makeRng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
}
const rng = makeRng(20240531);
const uniform = (lo, hi, digits = 3) => {
  const p = 10 ** digits;
  return Math.round((lo + (hi - lo) * rng()) * p) / p;
};
const pick = (arr) => arr[Math.floor(rng() * arr.length)];
const shuffle = (arr) => {
  const a = arr.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

// ---------------------------------------------------------------------------
// Easing
// ---------------------------------------------------------------------------

const PLAIN_EASINGS = ['linear', 'ease', 'quad', 'cubic', 'sin', 'circle', 'exp', 'bounce', 'step0', 'step1'];
const BEZIERS = [
  [0.25, 0.1, 0.25, 1],
  [0.42, 0, 1, 1],
  [0, 0, 0.58, 1],
  [0.42, 0, 0.58, 1],
  [0.4, 0, 0.2, 1],
  [0.68, -0.55, 0.265, 1.55],
  [0.5, 0.5, 0.5, 0.5],
  [0, 0, 1, 1],
  [1, 0, 0, 1],
  [0, 1, 1, 0],
  [0.1, 0.9, 0.9, 0.1],
  [0.7, -0.4, 0.4, 1.4],
  [0.05, 0.7, 0.1, 1],
  [0.9, 0, 0.1, 1],
];
for (let i = 0; i < 10; i++) {
  BEZIERS.push([uniform(0, 1), uniform(-0.6, 1.6), uniform(0, 1), uniform(-0.6, 1.6)]);
}
const FACTORY_EASINGS = [
  ['poly', 0.5],
  ['poly', 2],
  ['poly', 3],
  ['poly', 4],
  ['poly', 5],
  ['elastic'],
  ['elastic', 0.5],
  ['elastic', 2],
  ['back'],
  ['back', 0],
  ['back', 3],
  ...BEZIERS.map((b) => ['bezier', ...b]),
];
const SPRING_EASINGS = [
  ['spring'],
  ['spring', { damping: 200 }],
  ['spring', { mass: 2, stiffness: 50, damping: 5 }],
  ['spring', { allowTail: true }],
  ['spring', { allowTail: true, damping: 4, durationRestThreshold: 0.01 }],
  ['spring', { overshootClamping: true, damping: 5 }],
];

const T_GRID = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const T_OUTSIDE = [-0.5, -0.1, 1.1, 1.5, 2];

function easingTs() {
  return [...T_GRID, uniform(0, 1, 4), uniform(0, 1, 4), uniform(0, 1, 4), ...T_OUTSIDE];
}

for (const base of [...PLAIN_EASINGS, ...FACTORY_EASINGS]) {
  for (const mode of [null, 'in', 'out', 'inOut']) {
    const desc = mode === null ? base : [mode, base];
    const ts = mode === null ? easingTs() : [0, 0.25, 0.5, 0.75, 1, uniform(0, 1, 4), -0.2, 1.3];
    for (const t of ts) easingCase(desc, t);
  }
}
for (const desc of SPRING_EASINGS) {
  for (const mode of [null, 'out', 'inOut']) {
    const d = mode === null ? desc : [mode, desc];
    for (const t of [0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1, -0.2, 1.2, 2]) easingCase(d, t);
  }
}
// Nested composition and odd inputs.
easingCase(['inOut', ['out', ['bezier', 0.3, 0.1, 0.6, 1.2]]], 0.33);
easingCase(['out', ['inOut', ['poly', 3]]], 0.8);
easingCase(['in', ['elastic', 1.5]], 0.45);
for (const d of ['linear', 'quad', 'ease', 'bounce', 'circle', ['bezier', 0.3, 0.2, 0.7, 0.9], ['back']]) {
  easingCase(d, NaN);
  easingCase(d, Infinity);
  easingCase(d, -Infinity);
}
easingCase('quad', -0);
// Factory errors.
easingCase(['bezier', 1.5, 0, 0, 1], 0.5);
easingCase(['bezier', -0.1, 0, 0.5, 1], 0.5);
easingCase(['bezier', 0.5, 0, 1.0001, 1], 0.5);
easingCase(['bezier', NaN, 0, 0.5, 1], 0.5);
easingCase(['spring', { damping: 0 }], 0.5);

// ---------------------------------------------------------------------------
// interpolate
// ---------------------------------------------------------------------------

const EXTRAPOLATIONS = [undefined, 'extend', 'clamp', 'identity', 'wrap'];
const NUMERIC_RANGES = [
  [[0, 1], [0, 1]],
  [[0, 100], [0, 1]],
  [[0, 1], [1, 0]],
  [[-50, 50], [200, -200]],
  [[0, 10, 20], [0, 100, 50]],
  [[0, 0.5, 1], [0, 1, 0]],
  [[0, 30, 60, 90], [0, 1, 1, 0]],
  [[1, 2, 4, 8], [10, -10, 10, -10]],
  [[10, 20], [5, 5]],
  [[-100, -10, 0], [3, 7, -2]],
];

function inputsFor(inputRange) {
  const lo = inputRange[0];
  const hi = inputRange[inputRange.length - 1];
  const span = hi - lo;
  const xs = new Set([lo - 2.5 * span, lo - 0.3 * span, ...inputRange, hi + 0.4 * span, hi + 3.7 * span]);
  for (let i = 0; i + 1 < inputRange.length; i++) {
    xs.add((inputRange[i] + inputRange[i + 1]) / 2);
  }
  xs.add(uniform(lo, hi, 4));
  return [...xs];
}

// Full extrapolation grid on some ranges.
for (const [inR, outR] of NUMERIC_RANGES.slice(0, 8)) {
  for (const left of EXTRAPOLATIONS) {
    for (const right of EXTRAPOLATIONS) {
      const options = {};
      if (left !== undefined) options.extrapolateLeft = left;
      if (right !== undefined) options.extrapolateRight = right;
      const opts = left === undefined && right === undefined ? [] : [options];
      const xs = inputsFor(inR);
      // Keep the grid compact: all inputs for a few combos, a sample otherwise.
      const chosen = left === right || left === undefined ? xs : shuffle(xs).slice(0, 4);
      for (const x of chosen) interpolateCase([x, inR, outR, ...opts]);
    }
  }
}
for (const [inR, outR] of NUMERIC_RANGES.slice(8)) {
  for (const x of inputsFor(inR)) {
    interpolateCase([x, inR, outR]);
    interpolateCase([x, inR, outR, { extrapolateLeft: 'clamp', extrapolateRight: 'clamp' }]);
    interpolateCase([x, inR, outR, { extrapolateLeft: 'identity', extrapolateRight: 'wrap' }]);
  }
}
// Random multi-segment ranges.
for (let n = 0; n < 40; n++) {
  const len = 2 + Math.floor(rng() * 5);
  const inR = [uniform(-100, 100, 2)];
  for (let i = 1; i < len; i++) inR.push(Math.round((inR[i - 1] + uniform(0.01, 50, 2)) * 100) / 100);
  const outR = inR.map(() => uniform(-1000, 1000, 2));
  const options = { extrapolateLeft: pick(EXTRAPOLATIONS.slice(1)), extrapolateRight: pick(EXTRAPOLATIONS.slice(1)) };
  const easing = rng() < 0.5 ? undefined : pick([...PLAIN_EASINGS.slice(0, 8), ...FACTORY_EASINGS]);
  if (easing !== undefined) options.easing = E(easing);
  for (let k = 0; k < 6; k++) {
    const lo = inR[0];
    const hi = inR[inR.length - 1];
    interpolateCase([uniform(lo - (hi - lo), hi + (hi - lo), 3), inR, outR, options]);
  }
}
// Every easing through interpolate, with clamping and extension.
for (const desc of [...PLAIN_EASINGS, ...FACTORY_EASINGS.slice(0, 16), ...SPRING_EASINGS]) {
  for (const x of [-5, 0, 2.5, 5, 7.5, 10, 13]) {
    interpolateCase([x, [0, 10], [100, -100], { easing: E(desc) }]);
    interpolateCase([x, [0, 10], [100, -100], { easing: E(['out', desc]), extrapolateLeft: 'clamp', extrapolateRight: 'clamp' }]);
  }
}
// Per-segment easing arrays (including spring tails carried into later segments).
const ARRAY_EASINGS = [
  [E('linear'), E('quad')],
  [E(['bezier', 0.4, 0, 0.2, 1]), E(['out', 'cubic'])],
  [E(['spring', { allowTail: true, damping: 6 }]), E('linear')],
  [E(['spring', { allowTail: true }]), E(['spring', { allowTail: true, mass: 2 }])],
  [E(['spring', { damping: 8 }]), E('ease')],
];
for (const easing of ARRAY_EASINGS) {
  for (const right of [undefined, 'clamp', 'extend']) {
    for (const x of [-3, 0, 4, 10, 12, 16, 20, 25, 40]) {
      const options = { easing };
      if (right !== undefined) options.extrapolateRight = right;
      interpolateCase([x, [0, 10, 20], [0, 50, 80], options]);
    }
  }
}
interpolateCase([5, [0, 10, 20], [0, 1, 2], { easing: [E('linear')] }]);
interpolateCase([5, [0, 10, 20], [0, 1, 2], { easing: [E('linear'), E('quad'), E('cubic')] }]);
interpolateCase([5, [0, 10, 20], [0, 1, 2], { easing: [E('linear'), 5] }]);
interpolateCase([5, [0, 10], [0, 1], { easing: [] }]);
interpolateCase([5, [0, 10], [0, 1], { easing: 'foo' }]);
interpolateCase([5, [0, 10], [0, 1], { easing: 'x' }]);
// posterize
for (const posterize of [1, 2.5, 5, 0.3]) {
  for (const x of [-7, 0, 1.2, 3.7, 9.99, 12, 27]) {
    interpolateCase([x, [0, 10, 20], [0, 100, 0], { posterize }]);
    interpolateCase([x, [0, 10], [0, 1], { posterize, extrapolateLeft: 'wrap', extrapolateRight: 'wrap' }]);
  }
}
for (const posterize of [0, -1, NaN, Infinity, '2']) {
  interpolateCase([3, [0, 10], [0, 1], { posterize }]);
}
// perceptual-scale output
for (const outR of [[0.5, 2], [1, 4], [-1, 4], [0, 3], [2, -2], [1, 1]]) {
  for (const x of [-0.5, 0, 0.25, 0.5, 0.75, 1, 1.5]) {
    interpolateCase([x, [0, 1], outR, { output: 'perceptual-scale' }]);
  }
}
interpolateCase([0.5, [0, 1], [0, 1], { output: 'linear' }]);
interpolateCase([0.5, [0, 1], [0, 1], { output: 'log' }]);
interpolateCase([0.5, [0, 1], [0, 1], { outputType: 'color' }]);
// Non-finite / odd inputs.
for (const x of [NaN, Infinity, -Infinity, -0]) {
  interpolateCase([x, [0, 1], [0, 1]]);
  interpolateCase([x, [0, 1], [3, 3]]);
  interpolateCase([x, [0, 1, 2], [0, 10, 5], { extrapolateLeft: 'clamp', extrapolateRight: 'clamp' }]);
  interpolateCase([x, [0, 1], [0, 1], { extrapolateLeft: 'identity', extrapolateRight: 'identity' }]);
  interpolateCase([x, [0, 1], [0, 1], { extrapolateLeft: 'wrap', extrapolateRight: 'wrap' }]);
}
// Single keyframe.
interpolateCase([5, [3], [7]]);
interpolateCase([5, [3], ['10px']]);
interpolateCase([5, [3], [true]]);
interpolateCase([5, [3], [[1, 2]]]);
// Validation errors.
interpolateCase([undefined, [0, 1], [0, 1]]);
interpolateCase([0.5, undefined, [0, 1]]);
interpolateCase([0.5, [0, 1], undefined]);
interpolateCase([0.5, [0, 1], [0, 1, 2]]);
interpolateCase([0.5, [0, 1, 2], [0, 1]]);
interpolateCase([0.5, [], []]);
interpolateCase([0.5, [0, 0], [0, 1]]);
interpolateCase([0.5, [1, 0], [0, 1]]);
interpolateCase([0.5, [0, 2, 1], [0, 1, 2]]);
interpolateCase([0.5, [0, 1, 1, 2], [0, 1, 2, 3]]);
interpolateCase([0.5, [0, Infinity], [0, 1]]);
interpolateCase([0.5, [NaN, 1], [0, 1]]);
interpolateCase([0.5, [-Infinity, 0, 1], [0, 1, 2]]);
interpolateCase([0.5, ['0', 1], [0, 1]]);
interpolateCase([0.5, [0, 1], [0, NaN]]);
interpolateCase([0.5, [0, 1], [Infinity, 1]]);
interpolateCase(['0.5', [0, 1], [0, 1]]);
interpolateCase([null, [0, 1], [0, 1]]);
interpolateCase([0.5, [0, 1], 'ab']);
interpolateCase([0.5, [0, 1], [0, null]]);
interpolateCase([0.5, [0, 1], [0, {}]]);
interpolateCase([0.5, [0, 1], [0, '1']]);
interpolateCase([0.5, [0, 1], [0, [1]]]);
interpolateCase([0.5, [0, 1], [0, true]]);
// Unknown extrapolation types act like 'extend'.
interpolateCase([2, [0, 1], [0, 10], { extrapolateRight: 'bogus' }]);
interpolateCase([-2, [0, 1], [0, 10], { extrapolateLeft: null }]);

// Tuples.
for (const x of [-1, 0, 0.3, 0.5, 1, 2]) {
  interpolateCase([x, [0, 1], [[0, 0], [100, 200]]]);
  interpolateCase([x, [0, 0.5, 1], [[0, 0, 0], [1, 2, 3], [0, -2, 9]], { extrapolateRight: 'clamp' }]);
}
interpolateCase([0.5, [0, 1], [[], []]]);
interpolateCase([0.5, [0, 1], [[0, 1], [2]]]);
interpolateCase([0.5, [0, 1], [[0, NaN], [2, 3]]]);
interpolateCase([0.5, [0, 1], [[0, '1'], [2, 3]]]);

// Booleans and discrete strings.
for (const x of [-1, 0, 0.5, 0.999, 1, 1.5, 2, 3]) {
  interpolateCase([x, [0, 1, 2], [true, false, true], { easing: E('step1') }]);
  interpolateCase([x, [0, 1, 2], ['start', 'middle', 'end'], { easing: E(['in', 'step1']) }]);
  interpolateCase([x, [0, 1, 2], ['pointer', 'grab', 'auto'], { easing: [E('step1'), E('step1')], extrapolateLeft: 'wrap', extrapolateRight: 'wrap' }]);
}
interpolateCase([0.5, [0, 1], [true, false]]);
interpolateCase([0.5, [0, 1], [true, false], { easing: E('step0') }]);
interpolateCase([-1, [0, 1], [true, false], { easing: E('step1'), extrapolateLeft: 'identity' }]);
interpolateCase([2, [0, 1], [true, false], { easing: E('step1'), extrapolateRight: 'identity' }]);
interpolateCase([2, [0, 1], ['a', 'b'], { easing: E('step1'), extrapolateRight: 'identity' }]);
interpolateCase([-2, [0, 1], ['a', 'b'], { easing: E('step1'), extrapolateLeft: 'identity' }]);
interpolateCase([0.5, [0, 1], ['a', 'b']]);
interpolateCase([0.5, [0, 1], [true, 1]]);
interpolateCase([0.5, [0, 1], [true, false], { outputType: 'scale' }]);
interpolateCase([0.5, [0, 1], ['url(a.png) center', 'url(b.png) left top'], { easing: E('step1') }]);

// Font weights.
for (const outR of [['normal', 'bold'], [100, '900'], ['Bold', 300], ['250', 'NORMAL']]) {
  for (const x of [-1, 0, 0.4, 1, 2]) {
    interpolateCase([x, [0, 1], outR, { outputType: 'font-weight', extrapolateLeft: 'clamp' }]);
  }
}
for (const bad of ['bolder', 0, 1001, '400px', ' 400', true]) {
  interpolateCase([0.5, [0, 1], [400, bad], { outputType: 'font-weight' }]);
}

// CSS transform strings.
const STRING_RANGES = [
  [[0, 1], ['0px', '100px'], undefined],
  [[0, 1], ['10px 20px', '30px 40px'], undefined],
  [[0, 1], ['10px', '30px 40px 50px'], undefined],
  [[0, 1], ['-1.5em', '.5em'], undefined],
  [[0, 1], ['0deg', '360deg'], undefined],
  [[0, 1], ['0turn', '0.25turn'], 'rotate'],
  [[0, 1], ['x 0deg', 'x 90deg'], undefined],
  [[0, 1], ['y 45deg', 'Y 135deg'], undefined],
  [[0, 1], ['0 0 1 0deg', '1 0 0 90deg'], undefined],
  [[0, 1, 2], ['0deg', 'y 90deg', '0deg'], undefined],
  [[0, 1, 2], ['z 10deg', '0deg', 'x 30deg'], undefined],
  [[0, 1], ['1', '2'], undefined],
  [[0, 1], ['1 2', '3'], undefined],
  [[0, 1], ['1 2 3', '4 5 6'], 'scale'],
  [[0, 1], [0, '2'], undefined],
  [[0, 1], ['1', 2], undefined],
  [[0, 1], ['0.333333333', '1'], undefined],
  [[0, 10, 20], ['0%', '50%', '25%'], 'translate'],
  [[0, 1], ['left', 'right'], undefined],
  [[0, 1], ['center', 'top 10px'], 'transform-origin'],
  [[0, 1], ['left top', 'right bottom'], 'transform-origin'],
  [[0, 1], ['10px 20px', '30px 40px 5px'], 'transform-origin'],
  [[0, 1], ['center left', 'bottom'], 'transform-origin'],
  [[0, 1], ['top', '20% center'], 'transform-origin'],
  [[0, 1], ['left 10%', 'right 30%'], 'transform-origin'],
];
for (const [inR, outR, outputType] of STRING_RANGES) {
  const xs = inR.length === 2 ? [-0.5, 0, 0.25, 0.5, 1, 1.5] : [-1, 0, 0.5, 1, 1.5, 2, 3];
  for (const x of xs) {
    const options = {};
    if (outputType !== undefined) options.outputType = outputType;
    interpolateCase([x, inR, outR, options]);
  }
  interpolateCase([0.3, inR, outR, { outputType, easing: E('ease'), extrapolateLeft: 'clamp', extrapolateRight: 'clamp' }]);
}
// String errors.
const BAD_STRINGS = [
  [['0px', '10em'], undefined],
  [['0px', '10deg'], undefined],
  [['0px', 0], undefined],
  [['10px 5deg', '0px'], undefined],
  [['10foo', '0px'], undefined],
  [['1 2 3 4 5', '0'], undefined],
  [['a b c d', 'e'], undefined],
  [['', '1'], undefined],
  [['0px', '10px'], 'rotate'],
  [['0deg', '10deg'], 'scale'],
  [['x 10deg', 'x 20deg'], 'translate'],
  [['left', 'right'], 'translate'],
  [['0', '10px'], 'transform-origin'],
  [['left right', 'top'], 'transform-origin'],
  [['10px left', 'top'], 'transform-origin'],
  [['10px 20px 5%', 'top'], 'transform-origin'],
  [['10px 20px 5px 1px', 'top'], 'transform-origin'],
  [['0deg 10deg', 'x 20deg'], undefined],
  [['1' + '0'.repeat(400) + 'px', '0px'], undefined],
  [[0, 1], 'translate'],
  [[0, 1], 'rotate'],
  [['0px', NaN], undefined],
  [['0px', true], undefined],
  [['0px', [1]], undefined],
  [['10px', '20px'], 'font-weight'],
];
for (const [outR, outputType] of BAD_STRINGS) {
  interpolateCase([0.5, [0, 1], outR, outputType === undefined ? {} : { outputType }]);
}

// ---------------------------------------------------------------------------
// interpolateColors
// ---------------------------------------------------------------------------

const COLORS = [
  '#f00', '#0F0', '#abc', '#f008', '#0f08', '#ABCD',
  '#ff0000', '#00FF00', '#123456', '#abcdef', '#ff000080', '#00000000', '#FFFFFFFF', '#12345678',
  'rgb(255, 0, 0)', 'rgb(0,128,255)', 'rgb( 10 , 20 , 30 )', 'rgb(300, -5, 127.5)', 'rgb(12.4, 12.5, 12.6)',
  'rgba(255, 0, 0, 0.5)', 'rgba(0,0,0,0)', 'rgba(10, 20, 30, 1.5)', 'rgba(10, 20, 30, -1)', 'rgba(1, 2, 3, .25)',
  'hsl(0, 100%, 50%)', 'hsl(120, 100%, 25%)', 'hsl(240, 50%, 75%)', 'hsl(-120, 150%, 50%)', 'hsl(390, 40%, 60%)',
  'hsl(200.5, 33.3%, 10%)', 'hsla(300, 80%, 40%, 0.3)', 'hsla(60, 100%, 50%, 1)', 'hsla(0, 0%, 100%, 0.75)',
  'red', 'transparent', 'rebeccapurple', 'burntsienna', 'white', 'black', 'cornflowerblue',
  'oklch(0.7 0.1 200)', 'oklch(70% 0.15 120deg / 50%)', 'oklch(0.5 40% 0.5turn)', 'oklch(0.8 0.2 1.2rad / 0.4)',
  'oklch(60% 0.25 400grad)', 'oklch(none none none)', 'oklch(0.9 0.05 -30)',
  'oklab(0.6 0.1 -0.1)', 'oklab(50% 20% -30% / 0.8)', 'oklab(1 0 0)',
  'lab(50 20 -30)', 'lab(75% 40% 10% / 25%)', 'lab(10 -50 60)', 'lab(100 0 0)',
  'lch(50 30 120)', 'lch(70% 50% 300deg / 0.6)', 'lch(30 80 0.75turn)',
  'hwb(120 20% 30%)', 'hwb(0 0% 0%)', 'hwb(240 60% 60%)', 'hwb(90deg 10% 10% / 50%)', 'hwb(none 50% 0%)',
];
for (let i = 0; i < 70; i++) {
  const a = pick(COLORS);
  const b = pick(COLORS);
  for (const x of [0, 0.25, 0.5, uniform(0, 1, 4), 1]) colorsCase([x, [0, 1], [a, b]]);
}
for (const c of COLORS) colorsCase([0, [0, 1], [c, 'black']]);
for (let i = 0; i < 20; i++) {
  const stops = [pick(COLORS), pick(COLORS), pick(COLORS)];
  for (const x of [-10, 0, 20, 50, 70, 100, 130]) colorsCase([x, [0, 50, 100], stops]);
}
// Every named color, exactly.
const NAMES = Object.keys(colorNames);
NAMES.forEach((name, i) => colorsCase([0.37, [0, 1], [name, NAMES[(i + 1) % NAMES.length]]]));
// Options.
for (const x of [0, 3, 5, 7.5, 10]) {
  colorsCase([x, [0, 10], ['#000000', '#ffffff'], { easing: E('quad') }]);
  colorsCase([x, [0, 10], ['red', 'blue'], { easing: E(['bezier', 0.4, 0, 0.2, 1]), posterize: 2 }]);
  colorsCase([x, [0, 5, 10], ['red', 'lime', 'blue'], { easing: [E('linear'), E(['out', 'cubic'])] }]);
}
colorsCase([0.5, [0, 1], ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 1)']]);
colorsCase([0.3337, [0, 1], ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 1)']]);
colorsCase([0.5, [0], ['red']]);
// Quirks and errors.
for (const weird of [
  'constructor', 'toString', '__proto__', 'xrgb(1, 2, 3)', 'rgb(1, 2, 3) trailing', 'RED', 'Red', '#12', '#12345',
  'notacolor', 'rgb(1, 2)', 'rgb(255 0 0)', 'hsl(0, 100, 50)', 'hsla(0, 100%, 50%)', '', ' red', 'oklch(0.5, 0.1, 20)',
]) {
  colorsCase([0.5, [0, 1], [weird, 'white']]);
}
colorsCase([undefined, [0, 1], ['red', 'blue']]);
colorsCase([0.5, undefined, ['red', 'blue']]);
colorsCase([0.5, [0, 1], undefined]);
colorsCase([0.5, [0, 1], ['red']]);
colorsCase([0.5, [1, 0], ['red', 'blue']]);
colorsCase([0.5, [], []]);
colorsCase([0.5, [0, 1], ['red', 'blue'], { posterize: 0 }]);
colorsCase(['0.5', [0, 1], ['red', 'blue']]);

// ---------------------------------------------------------------------------
// spring / measureSpring
// ---------------------------------------------------------------------------

const SPRING_CONFIGS = [
  {},
  { damping: 200 },
  { damping: 10, mass: 1, stiffness: 100 },
  { mass: 0.5 },
  { mass: 3, damping: 20 },
  { stiffness: 1000, damping: 5 },
  { stiffness: 10 },
  { damping: 1 },
  { damping: 20, mass: 1, stiffness: 100 },
  { damping: 50 },
  { overshootClamping: true },
  { overshootClamping: true, damping: 3 },
  { damping: 0.5, stiffness: 50 },
  { damping: 12, mass: 0.3, stiffness: 180 },
  { damping: undefined, mass: undefined, stiffness: undefined },
];
for (let i = 0; i < 12; i++) {
  const cfg = { damping: uniform(0.5, 60, 2), mass: uniform(0.1, 5, 2), stiffness: uniform(5, 600, 1) };
  if (rng() < 0.3) cfg.overshootClamping = true;
  SPRING_CONFIGS.push(cfg);
}
const FPS_VALUES = [30, 60, 24, 29.97, 10, 1, 120];
const SPRING_FRAMES = [
  0, 1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 45, 60, 90, 120, 200, 300, 500, 1000, 2000,
  -1, -10, 0.5, 2.5, 10.25, 33.333,
];
SPRING_CONFIGS.forEach((config, i) => {
  for (const fps of [FPS_VALUES[i % FPS_VALUES.length], FPS_VALUES[(i + 3) % FPS_VALUES.length]]) {
    for (const frame of SPRING_FRAMES) springCase({ frame, fps, config });
  }
});
const SPRING_VARIANTS = [
  { from: 100, to: 0 },
  { from: -50, to: 50 },
  { from: 5, to: 5 },
  { from: 0, to: 360 },
  { delay: 10 },
  { delay: -5 },
  { delay: 7.5, from: 1, to: 2 },
  { durationInFrames: 30 },
  { durationInFrames: 90 },
  { durationInFrames: 45.5 },
  { durationInFrames: 30, delay: 10 },
  { durationInFrames: 60, durationRestThreshold: 0.001 },
  { durationRestThreshold: 0.05, durationInFrames: 20 },
  { reverse: true },
  { reverse: true, durationInFrames: 40 },
  { reverse: true, delay: 10 },
  { reverse: true, durationInFrames: 40, delay: 5, from: 10, to: 20 },
  { reverse: true, durationRestThreshold: 0.01 },
];
const VARIANT_FRAMES = [-5, 0, 1, 5, 10, 15, 20, 29, 30, 31, 40, 45, 60, 90, 100, 200, 12.5];
for (const variant of SPRING_VARIANTS) {
  for (const config of [{}, { damping: 200 }, { mass: 2, damping: 8, overshootClamping: true }, pick(SPRING_CONFIGS)]) {
    for (const fps of [30, 60]) {
      for (const frame of VARIANT_FRAMES) springCase({ frame, fps, config, ...variant });
    }
  }
}
// NaN producing configs and validation errors.
springCase({ frame: 10, fps: 30, config: { mass: 0 } });
springCase({ frame: 10, fps: 30, config: { stiffness: 0 } });
springCase({ frame: 10, fps: 30, config: { damping: 0 } });
springCase({ frame: 10, fps: 30, config: { damping: -1 } });
springCase({ frame: undefined, fps: 30 });
springCase({ frame: '5', fps: 30 });
springCase({ frame: NaN, fps: 30 });
springCase({ frame: Infinity, fps: 30 });
springCase({ frame: 5, fps: 0 });
springCase({ frame: 5, fps: -30 });
springCase({ frame: 5, fps: '30' });
springCase({ frame: 5, fps: NaN });
springCase({ frame: 5, fps: Infinity });
springCase({ frame: 5, fps: undefined });
springCase({ frame: 5, fps: 30, durationInFrames: 0 });
springCase({ frame: 5, fps: 30, durationInFrames: -5 });
springCase({ frame: 5, fps: 30, durationInFrames: '30' });
springCase({ frame: 5, fps: 30, durationInFrames: NaN });
springCase({ frame: 5, fps: 30, durationInFrames: Infinity });
springCase({ frame: 5, fps: 30, from: NaN, to: 1 });
springCase({ frame: 5, fps: 30, durationInFrames: 30, durationRestThreshold: NaN });
springCase({ frame: 5, fps: 30, reverse: true, durationRestThreshold: -1 });
springCase({ frame: 5, fps: 30, durationInFrames: 30, durationRestThreshold: 1 });

// Cache / ordering sequences.
springSequenceCase({ fps: 30, config: {} }, Array.from({ length: 301 }, (_, i) => 300 - i));
springSequenceCase(
  { fps: 60, config: { damping: 7, mass: 1.3 } },
  shuffle([...Array.from({ length: 150 }, (_, i) => i), 12.5, 99.9, 0.25, -3, 149.5]),
);
springSequenceCase({ fps: 30, config: { damping: 15 }, durationInFrames: 45 }, shuffle(Array.from({ length: 80 }, (_, i) => i - 5)));
springSequenceCase({ fps: 24, config: { stiffness: 300 }, reverse: true, from: 1, to: 0 }, Array.from({ length: 60 }, (_, i) => 59 - i));
springSequenceCase({ fps: 10, config: { damping: 3 } }, [1800, 0, 900, 1, 1799, 2, 450.5]);

const MEASURE_CONFIGS = SPRING_CONFIGS.slice(0, 20);
MEASURE_CONFIGS.forEach((config, i) => {
  for (const fps of [30, 60, FPS_VALUES[i % FPS_VALUES.length]]) {
    for (const threshold of [undefined, 0.01, 0.0001]) {
      const props = { fps, config };
      if (threshold !== undefined) props.threshold = threshold;
      measureCase(props);
    }
  }
});
for (const threshold of [0, 1, 2, 0.5, 1e-9, NaN, Infinity, -0.1, '0.1', null]) {
  measureCase({ fps: 30, config: {}, threshold });
}
measureCase({ fps: 30 });
measureCase({ fps: 0, config: {} });
// (a string fps equal to an fps measured before hits remotion's cache instead)
measureCase({ fps: '30', config: { damping: 11.5 } });
measureCase({ fps: NaN, config: {} });
measureCase({ fps: 30, config: { damping: 0 } });
measureCase({ fps: 30, config: { mass: 0 } });
measureCase({ fps: 30, config: { damping: 200 }, threshold: 0 });

// ---------------------------------------------------------------------------
// random
// ---------------------------------------------------------------------------

const NUMERIC_SEEDS = [
  0, 1, 2, 3, 42, 100, 12345, -1, -42, 0.5, 0.1, 0.123456789, 1e-10, 1e-11, 1e6, 1e12, 1e300, -1e300, 2 ** 31,
  2 ** 32, -(2 ** 31), 123.456, -0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE,
];
for (let i = 0; i < 60; i++) NUMERIC_SEEDS.push(i < 30 ? i + 4 : uniform(-1e4, 1e4, 5));
for (const seed of NUMERIC_SEEDS) randomCase([seed]);
const STRING_SEEDS = ['', 'a', 'b', 'hello', 'Hello', 'remotion', 'kinema', 'seed-1', 'seed-2', '0', '1',
  '日本語', '😀', 'é', 'a much longer seed string with spaces and punctuation!?', 'x'.repeat(500)];
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ ';
for (let i = 0; i < 50; i++) {
  const len = 1 + Math.floor(rng() * 24);
  let s = '';
  for (let k = 0; k < len; k++) s += ALPHABET[Math.floor(rng() * ALPHABET.length)];
  STRING_SEEDS.push(s);
}
for (const seed of STRING_SEEDS) randomCase([seed]);
randomCase([undefined]);
randomCase([true]);
randomCase([{}]);
randomCase([1, 2]);
randomCase(['a', null]);

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

const doc = {
  generator: 'tools/vectors/gen.mjs',
  remotion: remotionVersion,
  tolerance: 1e-9,
  counts,
  cases,
};
// One case per line: compact but diff friendly.
const body = cases.map((c) => JSON.stringify(c)).join(',\n');
const header = JSON.stringify({ ...doc, cases: undefined });
const text = header.slice(0, -1) + ',"cases":[\n' + body + '\n]}\n';
JSON.parse(text); // sanity
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, text);
console.log(`remotion ${remotionVersion}: wrote ${cases.length} cases (${(text.length / 1024).toFixed(0)} KiB) to ${outFile}`);
console.log(counts);
