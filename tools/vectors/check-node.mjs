// Checks crates/compose/runtime/math.js against the reference vectors under
// node, and sanity-checks the checker itself against the real remotion
// package. Exits non-zero on any failure.
//
//   cd tools/vectors && npm install && node gen.mjs && node check-node.mjs

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as remotion from 'remotion';
import { checkVectors } from '../../crates/compose/tests/vectors/check.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const vectorsPath = resolve(here, '../../crates/compose/tests/vectors/remotion.json');
const mathPath = resolve(here, '../../crates/compose/runtime/math.js');
const vectors = JSON.parse(readFileSync(vectorsPath, 'utf8'));
const math = await import(pathToFileURL(mathPath).href);

let passed = 0;
let failed = 0;
function check(name, ok, details = []) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}`);
    for (const line of details.slice(0, 40)) console.log(`     ${line}`);
    if (details.length > 40) console.log(`     ... and ${details.length - 40} more`);
  }
}

// 1. The checker accepts the package the vectors were generated from.
const selfFailures = checkVectors(remotion, vectors);
check(`real remotion ${vectors.remotion} passes check.mjs (${vectors.cases.length} cases)`, selfFailures.length === 0, selfFailures);

// 2. The checker notices wrong results (mutation smoke test).
const broken = {
  ...remotion,
  interpolate: (...args) => {
    const v = remotion.interpolate(...args);
    return typeof v === 'number' ? v + 1e-6 : v;
  },
  random: () => 0.5,
};
const brokenFailures = checkVectors(broken, vectors);
check('check.mjs detects a broken implementation', brokenFailures.length > 100);

// 3. math.js matches every vector.
const mathFailures = checkVectors(math, vectors);
check(`math.js matches all ${vectors.cases.length} vectors`, mathFailures.length === 0, mathFailures);

// 4. Exports.
const expectedExports = [
  'Easing',
  '__clearMathCaches',
  'interpolate',
  'interpolateColors',
  'measureSpring',
  'random',
  'spring',
];
const missing = expectedExports.filter((k) => !(k in math));
check('math.js exports', missing.length === 0, missing.map((k) => `missing export ${k}`));

// 5. Memoised spring is bit-identical to remotion's stepwise simulation,
//    whatever the evaluation order.
function makeRng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}
const rng = makeRng(7);
const bitFailures = [];
const CONFIGS = [{}, { damping: 200 }, { damping: 3, mass: 2 }, { stiffness: 700, damping: 9 }, { damping: 20 }, { damping: 0.3 }];
for (const fps of [30, 59.94, 8]) {
  for (const config of CONFIGS) {
    math.__clearMathCaches();
    const frames = [];
    for (let i = 0; i < 400; i++) frames.push(Math.floor(rng() * 3000) + (rng() < 0.2 ? rng() : 0));
    for (const frame of frames) {
      const mine = math.spring({ frame, fps, config });
      const ref = remotion.spring({ frame, fps, config });
      if (!Object.is(mine, ref)) {
        bitFailures.push(`fps ${fps} ${JSON.stringify(config)} frame ${frame}: ${mine} !== ${ref}`);
      }
    }
    for (const threshold of [0.005, 0.0001]) {
      const mine = math.measureSpring({ fps, config, threshold });
      const ref = remotion.measureSpring({ fps, config, threshold });
      if (mine !== ref) bitFailures.push(`measureSpring fps ${fps} ${JSON.stringify(config)}: ${mine} !== ${ref}`);
    }
  }
}
check('spring() bit-identical to remotion in random frame order', bitFailures.length === 0, bitFailures);

// 6. Cost of spring() does not grow with the frame number.
const slowConfig = { damping: 0.05, stiffness: 20, mass: 1 }; // far from rest for the whole range
const N = 200000;
// 6a. A render (frames 0..N in order) simulates each frame exactly once.
math.__clearMathCaches();
let t0 = performance.now();
for (let frame = 0; frame < N; frame++) math.spring({ frame, fps: 60, config: slowConfig });
let elapsed = performance.now() - t0;
let stats = math.__mathCacheStats();
check(
  `sequential render: ${N} frames in ${elapsed.toFixed(0)} ms, ${stats.simulatedSteps} steps, ${stats.checkpoints} checkpoints`,
  stats.simulatedSteps === N && stats.checkpoints <= N / 8 + 1,
);
// 6b. Any order: O(N) in total (at most 8 steps per call behind the frontier).
math.__clearMathCaches();
const order = Array.from({ length: N }, (_, i) => i);
for (let i = N - 1; i > 0; i--) {
  const j = Math.floor(rng() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
t0 = performance.now();
for (const frame of order) math.spring({ frame, fps: 60, config: slowConfig });
for (let frame = N - 1; frame >= 0; frame -= 7) math.spring({ frame: frame + 0.5, fps: 60, config: slowConfig });
elapsed = performance.now() - t0;
stats = math.__mathCacheStats();
check(
  `shuffled render: ${N} frames in ${elapsed.toFixed(0)} ms, ${stats.simulatedSteps} steps`,
  stats.simulatedSteps <= 9 * N,
);
// 6c. A single late lookup after warm-up costs a bounded number of steps.
const before = math.__mathCacheStats().simulatedSteps;
math.spring({ frame: 123457, fps: 60, config: slowConfig });
math.spring({ frame: 77.25, fps: 60, config: slowConfig });
const perCall = math.__mathCacheStats().simulatedSteps - before;
check(`lookups behind the frontier cost ${perCall} steps`, perCall <= 16);

// 7. Bounded cache.
math.__clearMathCaches();
for (let i = 0; i < 1000; i++) math.spring({ frame: 10, fps: 30, config: { damping: 1 + i / 100 } });
const bounded = math.__mathCacheStats();
check(`trajectory cache is bounded (${bounded.trajectories} trajectories)`, bounded.trajectories <= 64);

// 8. Results do not depend on cache state (cache cleared vs warm).
math.__clearMathCaches();
const warmA = [5, 50, 500].map((frame) => math.spring({ frame, fps: 30, config: { damping: 4 }, durationInFrames: 60 }));
const warmB = [500, 50, 5].map((frame) => math.spring({ frame, fps: 30, config: { damping: 4 }, durationInFrames: 60 })).reverse();
check('cache state does not change results', warmA.every((v, i) => Object.is(v, warmB[i])));

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
