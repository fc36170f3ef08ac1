// Replays the make* cases of shapes.json (generated from the real @remotion/shapes
// by tools/shapes/gen.mjs) against a shapes module and lists every mismatch.
//
// No imports and no host APIs: this runs under node (tools/shapes/check.mjs) and
// inside QuickJS (the Rust test suite).
//
//   checkShapes(shapesModule, vectors[, options]) -> string[]   (empty = all passed)
//
// Numbers must agree within 1e-9 (relative to their magnitude, absolute below 1).
// Path and transform-origin strings are compared token by token: commands must be
// identical, and each number must either be spelled exactly the same or differ by
// float noise only (e.g. a libm that rounds sin/cos differently in the last bit);
// the same value spelled differently is a formatting bug and fails.
// With `options.exact === true` those strings must match character for character.
// Key order of every returned object must match upstream as well.
// NaN / Infinity results are stored as {"$number": "NaN" | "Infinity" | "-Infinity"}.

const TOLERANCE = 1e-9;

const closeEnough = (a, b) => {
  if (a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
};

const show = (v) => {
  if (v === undefined) return 'undefined';
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 200 ? s.slice(0, 200) + '...' : s;
  } catch (_e) {
    return String(v);
  }
};

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;

// Compares two number/command strings such as SVG path data.
function compareNumberString(actual, expected, exact, where, failures) {
  if (typeof actual !== 'string') {
    failures.push(`${where}: expected string ${show(expected)}, got ${show(actual)}`);
    return;
  }
  if (actual === expected) return;
  if (exact) {
    failures.push(`${where}: expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  const a = actual.split(' ');
  const e = expected.split(' ');
  if (a.length !== e.length) {
    failures.push(`${where}: token count ${a.length} != ${e.length}: expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  for (let i = 0; i < e.length; i++) {
    if (a[i] === e[i]) continue;
    if (!NUMBER.test(a[i]) || !NUMBER.test(e[i])) {
      failures.push(`${where}: token ${i}: expected ${show(e[i])}, got ${show(a[i])}`);
      return;
    }
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (x === y) {
      failures.push(`${where}: token ${i}: number formatted as ${show(a[i])}, expected ${show(e[i])}`);
      return;
    }
    if (!closeEnough(x, y)) {
      failures.push(`${where}: token ${i}: expected ${e[i]}, got ${a[i]}`);
      return;
    }
  }
}

// {"$number": "NaN"} etc. stands for a number JSON cannot hold.
const isEncodedNumber = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.$number === 'string';

function compareValue(actual, expected, where, failures) {
  if (isEncodedNumber(expected)) expected = Number(expected.$number);
  if (typeof expected === 'number') {
    if (typeof actual !== 'number' || !closeEnough(actual, expected)) {
      failures.push(`${where}: expected ${show(expected)}, got ${show(actual)}`);
    }
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    if (actual !== expected) failures.push(`${where}: expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      failures.push(`${where}: expected an array, got ${show(actual)}`);
      return;
    }
    if (actual.length !== expected.length) {
      failures.push(`${where}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`);
      return;
    }
    for (let i = 0; i < expected.length; i++) {
      const before = failures.length;
      compareValue(actual[i], expected[i], `${where}[${i}]`, failures);
      if (failures.length > before) return; // first difference is enough
    }
    return;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    failures.push(`${where}: expected an object, got ${show(actual)}`);
    return;
  }
  const ek = Object.keys(expected);
  const ak = Object.keys(actual).filter((k) => actual[k] !== undefined);
  if (ek.join(',') !== ak.join(',')) {
    failures.push(`${where}: keys [${ak.join(', ')}] != expected [${ek.join(', ')}]`);
    return;
  }
  for (const k of ek) compareValue(actual[k], expected[k], `${where}.${k}`, failures);
}

function checkOutput(actual, expected, exact, where, failures) {
  if (actual === null || typeof actual !== 'object') {
    failures.push(`${where}: expected an object, got ${show(actual)}`);
    return;
  }
  const ek = Object.keys(expected);
  const ak = Object.keys(actual);
  if (ek.join(',') !== ak.join(',')) {
    failures.push(`${where}: keys [${ak.join(', ')}] != expected [${ek.join(', ')}]`);
  }
  for (const k of ek) {
    if (k === 'path' || k === 'transformOrigin') {
      compareNumberString(actual[k], expected[k], exact, `${where}.${k}`, failures);
    } else {
      compareValue(actual[k], expected[k], `${where}.${k}`, failures);
    }
  }
}

export function checkShapes(shapesModule, vectors, options) {
  const exact = !!(options && options.exact);
  const failures = [];
  const cases = (vectors && vectors.make) || [];
  if (cases.length === 0) failures.push('no make* cases in the vectors');
  for (const c of cases) {
    const where = `${c.id} ${c.fn}(${show(c.input)})`;
    const fn = shapesModule[c.fn];
    if (typeof fn !== 'function') {
      failures.push(`${where}: ${c.fn} is not exported`);
      continue;
    }
    let out;
    let thrown = null;
    try {
      // A fresh copy, so one case cannot leak state into another.
      out = fn(JSON.parse(JSON.stringify(c.input)));
    } catch (err) {
      thrown = err;
    }
    if ('error' in c) {
      if (thrown === null) {
        failures.push(`${where}: expected to throw ${show(c.error)}, returned ${show(out)}`);
      } else if (String(thrown && thrown.message) !== c.error) {
        failures.push(`${where}: expected error ${show(c.error)}, got ${show(String(thrown && thrown.message))}`);
      }
      continue;
    }
    if (thrown !== null) {
      failures.push(`${where}: threw ${show(String(thrown && thrown.message))}`);
      continue;
    }
    checkOutput(out, c.output, exact, where, failures);
  }
  return failures;
}
