// Replays paths.json (generated from the real @remotion/paths by tools/paths/gen.mjs) against
// a paths module and lists every mismatch.
//
// No imports and no host APIs: this runs under node (tools/paths/check.mjs) and inside
// QuickJS (the Rust test suite).
//
//   checkPaths(pathsModule, vectors) -> string[]   (empty = all passed)
//
// Instructions and path strings must agree within 1e-9 (relative to the magnitude, absolute
// below 1), commands identical. Lengths are measured differently (the real package walks an
// arc as 300 chords, integrates a cubic with one 20-point rule, which misses up to 0.05 % of a
// looping one, and finds a distance along a curve to 0.1 % of its length; Kinema integrates
// in pieces, as close to the true length as Chromium), so lengths agree within 1e-3 relative,
// points within 0.2 % of the path's
// length, tangents within 0.02 (see below for where a curve's derivative vanishes), and
// bounding boxes within 1e-6 of the path's size. A case
// that threw must throw (the wording is Kinema's own).

const close = (a, b, tolerance) => {
  if (a === b) return true;
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
};

const show = (v) => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 240 ? s.slice(0, 240) + '...' : s;
};

function sameString(actual, expected, tolerance) {
  if (typeof actual !== 'string') return false;
  const a = actual.trim().split(/[\s,]+/);
  const e = expected.trim().split(/[\s,]+/);
  if (a.length !== e.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(e[i]);
    if (Number.isNaN(y)) {
      if (a[i] !== e[i]) return false;
    } else if (!close(x, y, tolerance)) {
      return false;
    }
  }
  return true;
}

function sameValue(actual, expected, tolerance) {
  if (typeof expected === 'number') return close(actual, expected, tolerance);
  if (typeof expected === 'string') return actual === expected || sameString(actual, expected, tolerance);
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected) !== Array.isArray(actual)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  return keys.every((key) => sameValue(actual[key], expected[key], tolerance));
}

function call(paths, fn, args) {
  if (fn === 'serializeReduced') return paths.serializeInstructions(paths.reduceInstructions(paths.parsePath(args[0])));
  if (fn === 'serializeParsed') return paths.serializeInstructions(paths.parsePath(args[0]));
  return paths[fn](...args);
}

export function checkPaths(paths, vectors) {
  const failures = [];
  const lengths = new Map();
  for (const c of vectors.cases) if (c.fn === 'getLength' && !c.throws) lengths.set(c.args[0], c.result);
  for (const c of vectors.cases) {
    const where = `${c.fn}(${show(c.args)})`;
    let actual;
    try {
      actual = call(paths, c.fn, c.args);
    } catch (error) {
      if (!c.throws) failures.push(`${where} threw ${error && error.message}`);
      continue;
    }
    if (c.throws) {
      failures.push(`${where} returned ${show(actual)}, expected it to throw`);
      continue;
    }
    const d = typeof c.args[0] === 'string' ? c.args[0] : c.args[1];
    const scale = Math.max(1, lengths.get(d) ?? 1);
    let ok;
    switch (c.fn) {
      case 'getLength':
        ok = close(actual, c.result, 1e-3);
        break;
      case 'evolvePath':
        ok = sameValue(actual, c.result, 1e-3);
        break;
      case 'getPointAtLength':
        ok = c.result === null ? actual === null : actual !== null && Math.hypot(actual.x - c.result.x, actual.y - c.result.y) <= 2e-3 * scale;
        break;
      case 'getTangentAtLength':
        // Where a curve's derivative vanishes (its control point on its end) the real package
        // gives (0, 0); Kinema gives the direction the curve leaves in.
        ok =
          c.result === null
            ? actual === null
            : actual !== null &&
              (Math.hypot(actual.x - c.result.x, actual.y - c.result.y) <= 0.02 ||
                (c.result.x === 0 && c.result.y === 0 && Math.abs(Math.hypot(actual.x, actual.y) - 1) < 1e-9));
        break;
      case 'getBoundingBox':
        ok = sameValue(actual, c.result, 1e-6);
        break;
      default:
        ok = sameValue(actual, c.result, 1e-9);
    }
    if (!ok) failures.push(`${where}: got ${show(actual)}, expected ${show(c.result)}`);
  }
  return failures;
}
