// Replays the reference vectors in remotion.json (generated from the real
// `remotion` package by tools/vectors/gen.mjs) against an implementation.
//
// Plain ES module without imports or host APIs: it runs under node and
// inside QuickJS. Usage:
//
//   import { checkVectors } from './check.mjs';
//   const failures = checkVectors(mathNamespace, parsedRemotionJson);
//   // [] on success, otherwise one human readable string per failing case
//
// `math` must provide interpolate, interpolateColors, spring, measureSpring,
// Easing and random (remotion's signatures). __clearMathCaches() is called
// before each spring sequence case when present.
//
// File format (remotion.json):
//   { generator, remotion: "<version>", tolerance: 1e-9, counts: {fn: n},
//     cases: [Case, ...] }
//   Case =
//     { fn: "interpolate" | "interpolateColors" | "spring" | "measureSpring"
//           | "random",
//       args: [Value...],                 // positional arguments
//       expected: Value } | { ..., error: { name, message } }
//     { fn: "easing", easing: Desc, t: Value, expected | error }
//     { fn: "springSequence", args: [props without frame], frames: [Value...],
//       expected: [Value...] }           // evaluated in this order
//   Value = any JSON value, where objects of the form
//     { "$": "NaN" | "Infinity" | "-Infinity" | "-0" | "undefined" }
//   stand for those non-JSON values and { "$easing": Desc } for an easing
//   function. Desc =
//     "linear" | "ease" | "quad" | "cubic" | "sin" | "circle" | "exp"
//       | "bounce" | "step0" | "step1"      -> Easing[name] itself
//     [factory, ...args]                     -> Easing[factory](...args)
//       factory "poly" | "elastic" | "back" | "bezier" | "spring": args are
//       Values (numbers, a config object); "in" | "out" | "inOut": the one
//       argument is a nested Desc.
//   Numbers compare with |actual - expected| <= 1e-9 * max(1, |expected|)
//   (NaN equals NaN, infinities must match exactly); strings, booleans and
//   error name + message compare exactly.

const TOLERANCE = 1e-9;
const SPECIALS = {
  NaN: NaN,
  Infinity: Infinity,
  '-Infinity': -Infinity,
  '-0': -0,
  undefined: undefined,
};
const WRAPPERS = ['in', 'out', 'inOut'];

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Decodes a JSON-encoded Value (see file header) into a JS value. */
export function decodeValue(math, v) {
  if (Array.isArray(v)) {
    return v.map((x) => decodeValue(math, x));
  }
  if (!isPlainObject(v)) {
    return v;
  }
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === '$') {
    if (!Object.prototype.hasOwnProperty.call(SPECIALS, v.$)) {
      throw new Error(`unknown special value ${v.$}`);
    }
    return SPECIALS[v.$];
  }
  if (keys.length === 1 && keys[0] === '$easing') {
    return buildEasing(math, v.$easing);
  }
  const out = {};
  for (const k of keys) {
    out[k] = decodeValue(math, v[k]);
  }
  return out;
}

/** Builds the easing function described by `desc` using math.Easing. */
export function buildEasing(math, desc) {
  const E = math.Easing;
  if (typeof desc === 'string') {
    const fn = E[desc];
    if (typeof fn !== 'function') {
      throw new Error(`Easing.${desc} is missing`);
    }
    return fn;
  }
  if (!Array.isArray(desc) || typeof desc[0] !== 'string') {
    throw new Error(`bad easing description ${JSON.stringify(desc)}`);
  }
  const name = desc[0];
  if (typeof E[name] !== 'function') {
    throw new Error(`Easing.${name} is missing`);
  }
  if (WRAPPERS.includes(name)) {
    return E[name](buildEasing(math, desc[1]));
  }
  return E[name](...desc.slice(1).map((a) => decodeValue(math, a)));
}

function show(v) {
  if (typeof v === 'number') {
    if (Object.is(v, -0)) {
      return '-0';
    }
    return String(v);
  }
  if (typeof v === 'string') {
    return JSON.stringify(v);
  }
  if (v === undefined) {
    return 'undefined';
  }
  if (typeof v === 'function') {
    return '[function]';
  }
  try {
    return JSON.stringify(v);
  } catch (e) {
    return String(v);
  }
}

function numbersMatch(actual, expected) {
  if (typeof actual !== 'number') {
    return false;
  }
  if (Number.isNaN(expected)) {
    return Number.isNaN(actual);
  }
  if (!Number.isFinite(expected)) {
    return actual === expected;
  }
  if (!Number.isFinite(actual)) {
    return false;
  }
  return Math.abs(actual - expected) <= TOLERANCE * Math.max(1, Math.abs(expected));
}

// Returns null when `actual` matches `expected`, else a description.
function compare(actual, expected) {
  if (typeof expected === 'number') {
    return numbersMatch(actual, expected) ? null : `expected ${show(expected)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return `expected ${show(expected)}, got ${show(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const d = compare(actual[i], expected[i]);
      if (d !== null) {
        return `[${i}]: ${d}`;
      }
    }
    return null;
  }
  return actual === expected ? null : `expected ${show(expected)}, got ${show(actual)}`;
}

function describe(c) {
  let text;
  if (c.fn === 'easing') {
    text = `easing ${JSON.stringify(c.easing)} t=${JSON.stringify(c.t)}`;
  } else {
    text = `${c.fn}(${JSON.stringify(c.args).slice(1, -1)})`;
  }
  return text.length > 300 ? text.slice(0, 297) + '...' : text;
}

function outcome(thunk) {
  try {
    return { ok: true, value: thunk() };
  } catch (e) {
    return { ok: false, error: e };
  }
}

function judge(c, result) {
  if (c.error !== undefined) {
    if (result.ok) {
      return `expected ${c.error.name}: ${c.error.message}; got value ${show(result.value)}`;
    }
    const e = result.error;
    const name = e && e.name;
    const message = e && e.message;
    if (name !== c.error.name || message !== c.error.message) {
      return `expected ${c.error.name}: ${show(c.error.message)}; got ${name}: ${show(message)}`;
    }
    return null;
  }
  if (!result.ok) {
    const e = result.error;
    return `expected ${show(decodeValue(null, c.expected))}; threw ${e && e.name}: ${e && e.message}`;
  }
  return compare(result.value, decodeValue(null, c.expected));
}

function runCase(math, c) {
  switch (c.fn) {
    case 'interpolate':
    case 'interpolateColors':
    case 'random': {
      const fn = math[c.fn];
      return judge(
        c,
        outcome(() => fn(...decodeValue(math, c.args))),
      );
    }
    case 'spring':
    case 'measureSpring': {
      const fn = math[c.fn];
      return judge(
        c,
        outcome(() => fn(decodeValue(math, c.args[0]))),
      );
    }
    case 'easing': {
      const t = decodeValue(math, c.t);
      return judge(
        c,
        outcome(() => buildEasing(math, c.easing)(t)),
      );
    }
    case 'springSequence': {
      if (typeof math.__clearMathCaches === 'function') {
        math.__clearMathCaches();
      }
      const base = decodeValue(math, c.args[0]);
      const frames = decodeValue(math, c.frames);
      for (let i = 0; i < frames.length; i++) {
        const props = Object.assign({}, base, { frame: frames[i] });
        const d = judge({ expected: c.expected[i] }, outcome(() => math.spring(props)));
        if (d !== null) {
          return `frame ${show(frames[i])} (step ${i}): ${d}`;
        }
      }
      return null;
    }
    default:
      return `unknown case kind ${show(c.fn)}`;
  }
}

/**
 * Replays every case of `vectors` (the parsed remotion.json, or its `cases`
 * array) against `math`. Returns an array of failure descriptions.
 */
export function checkVectors(math, vectors) {
  const cases = Array.isArray(vectors) ? vectors : vectors && vectors.cases;
  if (!Array.isArray(cases) || cases.length === 0) {
    return ['no vector cases given'];
  }
  const failures = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    let d;
    try {
      d = runCase(math, c);
    } catch (e) {
      d = `harness error: ${e && e.name}: ${e && e.message}`;
    }
    if (d !== null) {
      failures.push(`#${i} ${describe(c)}: ${d}`);
    }
  }
  return failures;
}
