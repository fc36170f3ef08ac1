// @remotion/noise: seeded simplex noise in 2, 3 and 4 dimensions (noise2D, noise3D, noise4D).
//
// Simplex noise as Stefan Gustavson describes it: skew the input onto a grid of simplices,
// find the simplex holding the point (by ranking its offsets), and sum each corner's
// gradient contribution under a radial kernel (radius² 0.5 in 2D, 0.6 in 3D and 4D), scaled
// into about [-1, 1]. Each corner's gradient is picked through a permutation of 0..255 that
// the seed shuffles. The package feeds its shuffle a "random" source that returns
// `random(seed)` on every call (and `random(random(seed))` for 3D and 4D), so the values
// below follow that too: the same seed gives the same field as in Remotion
// (crates/compose/tests/vectors/noise.json, generated from the package, holds the proof).

import { random } from 'kinema:math';

// Gradients: the 12 edge midpoints of a cube (their first two coordinates serve 2D), and the
// 32 edge midpoints of a tesseract, in the order the reference tables list them.
const CUBE_EDGES = [];
for (const zero of [2, 1, 0]) {
  for (let signs = 0; signs < 4; signs++) {
    const v = [0, 0, 0];
    let bit = 0;
    for (let axis = 0; axis < 3; axis++) {
      if (axis !== zero) v[axis] = (signs >> bit++) & 1 ? -1 : 1;
    }
    CUBE_EDGES.push(v);
  }
}
const TESSERACT_EDGES = [];
for (let zero = 0; zero < 4; zero++) {
  for (let signs = 0; signs < 8; signs++) {
    const v = [0, 0, 0, 0];
    let bit = 2;
    for (let axis = 0; axis < 4; axis++) {
      if (axis !== zero) v[axis] = (signs >> bit--) & 1 ? -1 : 1;
    }
    TESSERACT_EDGES.push(v);
  }
}

// Per dimension: skew and unskew factors, the kernel's radius², the output scale, the
// gradients, whether a tie between two offsets ranks the earlier axis first, and whether a
// corner whose falloff is NaN (a NaN coordinate) adds nothing (2D: the field is 0 there) or
// NaN (3D, 4D), as in the package.
const DIMENSIONS = {
  2: { skew: 0.5 * (Math.sqrt(3) - 1), unskew: (3 - Math.sqrt(3)) / 6, radius: 0.5, scale: 70, gradients: CUBE_EDGES, earlierWinsTies: false, nanAddsNothing: true },
  3: { skew: 1 / 3, unskew: 1 / 6, radius: 0.6, scale: 32, gradients: CUBE_EDGES, earlierWinsTies: true, nanAddsNothing: false },
  4: { skew: (Math.sqrt(5) - 1) / 4, unskew: (5 - Math.sqrt(5)) / 20, radius: 0.6, scale: 27, gradients: TESSERACT_EDGES, earlierWinsTies: false, nanAddsNothing: false },
};

// 0..255 shuffled by `next()`, then repeated, so that lookups past 255 need no wrapping.
function permutation(next) {
  const p = new Uint8Array(512);
  for (let i = 0; i < 256; i++) p[i] = i;
  for (let i = 0; i < 255; i++) {
    const j = i + Math.trunc(next() * (256 - i));
    const swap = p[i];
    p[i] = p[j];
    p[j] = swap;
  }
  p.copyWithin(256, 0, 256);
  return p;
}

function makeField(n, value) {
  const { skew, unskew, radius, scale, gradients, earlierWinsTies, nanAddsNothing } = DIMENSIONS[n];
  const perm = permutation(() => value);
  // The gradient of each table slot, flattened: n numbers per slot.
  const grad = new Float64Array(512 * n);
  for (let slot = 0; slot < 512; slot++) {
    const g = gradients[perm[slot] % gradients.length];
    for (let a = 0; a < n; a++) grad[slot * n + a] = g[a];
  }
  const cell = new Array(n);
  const origin = new Array(n);
  const rank = new Array(n);
  const offset = new Array(n);
  return (point) => {
    let sum = 0;
    for (let a = 0; a < n; a++) sum += point[a];
    const s = sum * skew;
    let cellSum = 0;
    for (let a = 0; a < n; a++) {
      cell[a] = Math.floor(point[a] + s) | 0;
      cellSum += cell[a];
    }
    const t = cellSum * unskew;
    for (let a = 0; a < n; a++) {
      origin[a] = point[a] - (cell[a] - t);
      rank[a] = 0;
    }
    // The simplex holding the point: its corners step along the axes from the largest offset
    // down.
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const earlier = earlierWinsTies ? origin[a] >= origin[b] : origin[a] > origin[b];
        if (earlier) rank[a]++;
        else rank[b]++;
      }
    }
    let total = 0;
    for (let corner = 0; corner <= n; corner++) {
      let falloff = radius;
      for (let a = 0; a < n; a++) {
        // Corner 0 is the cell's origin and corner n the far one; in between, the axes whose
        // rank reaches n - corner have stepped.
        const step = corner === 0 ? 0 : corner === n ? 1 : rank[a] >= n - corner ? 1 : 0;
        offset[a] = step;
        const d = origin[a] - step + corner * unskew;
        falloff -= d * d;
      }
      if (nanAddsNothing ? !(falloff >= 0) : falloff < 0) continue;
      let slot = (cell[n - 1] & 255) + offset[n - 1];
      for (let a = n - 2; a >= 0; a--) slot = (cell[a] & 255) + offset[a] + perm[slot];
      let dot = 0;
      for (let a = 0; a < n; a++) dot += grad[slot * n + a] * (origin[a] - offset[a] + corner * unskew);
      falloff *= falloff;
      total += falloff * falloff * dot;
    }
    return scale * total;
  };
}

// A few fields per dimension are kept, as the package keeps them: building one costs a
// shuffle, and compositions ask for the same seed on every frame.
const KEPT = 10;
const fields = { 2: new Map(), 3: new Map(), 4: new Map() };
function field(n, seed, value) {
  const kept = fields[n];
  let f = kept.get(seed);
  if (!f) {
    if (kept.size > KEPT) kept.delete(kept.keys().next().value);
    f = makeField(n, value);
    kept.set(seed, f);
  }
  return f;
}

function checkSeed(name, seed) {
  if (typeof seed !== 'string' && typeof seed !== 'number') {
    throw new TypeError(`${name}(): the seed must be a string or a number, got ${seed === null ? 'null' : typeof seed}`);
  }
}

export function noise2D(seed, x, y) {
  checkSeed('noise2D', seed);
  return field(2, seed, random(seed))([x, y]);
}

export function noise3D(seed, x, y, z) {
  checkSeed('noise3D', seed);
  const inner = random(seed);
  return field(3, inner, random(inner))([x, y, z]);
}

export function noise4D(seed, x, y, z, w) {
  checkSeed('noise4D', seed);
  const inner = random(seed);
  return field(4, inner, random(inner))([x, y, z, w]);
}
