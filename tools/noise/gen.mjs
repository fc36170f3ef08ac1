// Writes crates/compose/tests/vectors/noise.json: noise2D/3D/4D of the real @remotion/noise
// at points of every kind (random, on cell boundaries, with ties between coordinates, far
// from the origin, negative), for seeds of both kinds. cargo test replays them inside
// Kinema's engine (check-noise.mjs), as does check.mjs here under node.
//
//   cd tools/noise && npm install && node gen.mjs && node check.mjs

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noise2D, noise3D, noise4D } from '@remotion/noise';

const here = dirname(fileURLToPath(import.meta.url));
// A fixed generator, so that the vectors are the same on every run.
let state = 12345;
const next = () => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 2 ** 32;
};
const coordinate = () => {
  switch (Math.floor(next() * 6)) {
    case 0: return Math.round((next() - 0.5) * 40);          // whole numbers: cell corners
    case 1: return Math.round((next() - 0.5) * 80) / 4;      // quarters
    case 2: return (next() - 0.5) * 2000;                     // far out
    default: return (next() - 0.5) * 20;                      // ordinary
  }
};
const SEEDS = ['a', 'hello', 'kinema', '', 0, 1, 42, 0.5, -7, 'x'.repeat(40)];
const cases = [];
for (const seed of SEEDS) {
  for (let k = 0; k < 60; k++) {
    const p = [coordinate(), coordinate(), coordinate(), coordinate()];
    // Ties between coordinates pick between simplices; make some.
    if (k % 5 === 0) p[1] = p[0];
    if (k % 7 === 0) p[2] = p[1];
    if (k % 11 === 0) p[3] = p[0];
    cases.push({ dims: 2, seed, p: p.slice(0, 2), value: noise2D(seed, p[0], p[1]) });
    cases.push({ dims: 3, seed, p: p.slice(0, 3), value: noise3D(seed, p[0], p[1], p[2]) });
    cases.push({ dims: 4, seed, p, value: noise4D(seed, p[0], p[1], p[2], p[3]) });
  }
}
const out = join(here, '..', '..', 'crates', 'compose', 'tests', 'vectors', 'noise.json');
writeFileSync(out, JSON.stringify({ package: '@remotion/noise@4.0.527', cases }) + '\n');
console.log(`${cases.length} cases → ${out}`);
