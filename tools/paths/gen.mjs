// Generates crates/compose/tests/vectors/paths.json from the REAL @remotion/paths.
//
//   cd tools/paths && npm install && node gen.mjs && node check.mjs
//
// Every case records a function, its arguments and the real package's result (or that it
// threw). Three deliberate differences stay out: a T after a T that followed no Q (see
// reflectsTheOrigin), points and tangents along arcs (below), and an
// arc with a zero radius, which SVG and Chromium draw as a line and the real package as
// nothing. Paths: hand-written ones covering every command in both cases, and seeded random
// ones mixing them.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as paths from '@remotion/paths';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const OUT = join(here, '..', '..', 'crates', 'compose', 'tests', 'vectors', 'paths.json');
const version = JSON.parse(readFileSync(require.resolve('@remotion/paths/package.json'), 'utf8')).version;

const written = [
  'M 0 0 L 100 0',
  'M 10 10 H 90 V 90 H 10 Z',
  'M10 10 h 20 v 5 l 5 5 20 0 q 5 5 10 0 t 10 0 c 1 2 3 4 5 6 s 2 2 4 0 a 5 5 0 0 1 10 0 z',
  'M 15 15 H 3 V 4 L 1 1 Q 2 2 3 3 T 5 5 C 1 1 2 2 3 3 S 4 4 5 5 A 3 4 30 1 0 7 7 Z',
  'M 0 0 A 10 10 0 0 1 20 0',
  'M 0 0 A 10 20 45 1 1 30 10',
  'M 0 0 a 50 25 -30 0 0 80 40',
  'M 0 0 Q 10 10 20 0',
  'M 0 0 C 0 10 20 10 20 0',
  'M 0 0 C 100 0 0 100 100 100',
  'M 0 0 L 10 0 M 20 0 L 30 0',
  'M 0 0 L 1 1 m 5 5 l 2 2 M 9 9',
  'M 5 5 M 0 0 L 10 0',
  'M1 2l3-4a1 1 0 0110 10',
  'm 10 10 l 10 0 l 0 10 z m 20 0 l 5 5',
  'M 0,0 L 10,10 L 20,0 Z',
  'M 1e1 2E1 L -3.5 .5',
  'M 250 50 Q 300 150 250 250 T 250 450',
  'M 100 200 C 100 100 250 100 250 200 S 400 300 400 200',
  'M 0 0 A 1 1 0 0 1 40 0',
];

// A seeded generator, so the vectors are the same on every run.
let seed = 20261125;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const coordinate = () => Math.round((random() * 200 - 100) * 4) / 4;
const positive = () => Math.round((1 + random() * 60) * 4) / 4;

function randomPath() {
  const parts = [`M ${coordinate()} ${coordinate()}`];
  const count = 2 + Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    const kinds = ['L', 'l', 'H', 'h', 'V', 'v', 'C', 'c', 'S', 's', 'Q', 'q', 'T', 't', 'A', 'a', 'Z'];
    const kind = kinds[Math.floor(random() * kinds.length)];
    const n = () => coordinate();
    switch (kind.toUpperCase()) {
      case 'L':
      case 'T':
        parts.push(`${kind} ${n()} ${n()}`);
        break;
      case 'H':
      case 'V':
        parts.push(`${kind} ${n()}`);
        break;
      case 'C':
        parts.push(`${kind} ${n()} ${n()} ${n()} ${n()} ${n()} ${n()}`);
        break;
      case 'S':
      case 'Q':
        parts.push(`${kind} ${n()} ${n()} ${n()} ${n()}`);
        break;
      case 'A':
        parts.push(`${kind} ${positive()} ${positive()} ${Math.round(random() * 90)} ${random() < 0.5 ? 1 : 0} ${random() < 0.5 ? 1 : 0} ${n()} ${n()}`);
        break;
      default:
        parts.push('Z');
    }
  }
  return parts.join(' ');
}

const parses = (d) => {
  try {
    paths.parsePath(d);
    return true;
  } catch (_) {
    return false;
  }
};
// A T whose T before it followed no Q: the real package reflects the origin there, where
// SVG (and Chromium) reflect the first T's control point, the point it started from.
const reflectsTheOrigin = (d) => {
  let chain = null; // null: not in a T chain; true/false: whether the chain began with a Q
  for (const { type } of paths.parsePath(d)) {
    const kind = type.toUpperCase();
    if (kind === 'T') {
      if (chain === false) return true;
      if (chain === null) chain = false;
    } else {
      chain = kind === 'Q' ? true : null;
    }
  }
  return false;
};

// Only paths the real parser reads (this version does not read arc flags written without
// separators, which Kinema's does, as SVG allows).
const corpus = written.filter(parses);
while (corpus.length < written.length + 40) {
  const d = randomPath();
  if (!reflectsTheOrigin(d)) corpus.push(d);
}

const cases = [];
const record = (fn, args) => {
  try {
    const result = fn === 'serializeReduced'
      ? paths.serializeInstructions(paths.reduceInstructions(paths.parsePath(args[0])))
      : fn === 'serializeParsed'
        ? paths.serializeInstructions(paths.parsePath(args[0]))
        : paths[fn](...args);
    cases.push({ fn, args, result: result === undefined ? null : result });
  } catch (error) {
    cases.push({ fn, args, throws: true });
  }
};

for (const d of corpus) {
  record('parsePath', [d]);
  record('serializeParsed', [d]);
  record('normalizePath', [d]);
  record('serializeReduced', [d]);
  record('getLength', [d]);
  record('getBoundingBox', [d]);
  record('resetPath', [d]);
  record('translatePath', [d, 3.5, -7]);
  record('getSubpaths', [d]);
  record('evolvePath', [0, d]);
  record('evolvePath', [0.37, d]);
  record('evolvePath', [1, d]);
  // The real package walks an elliptical arc off the ellipse and turns arc tangents around;
  // Kinema follows Chromium there (its arc points are checked against Chromium's in
  // crates/compose/tests/runtime.rs), so arcs' points and tangents are left out.
  if (/[Aa]/.test(d)) continue;
  const length = paths.getLength(d);
  for (const share of [0, 0.1, 0.25, 0.5, 0.77, 0.999, 1]) {
    record('getPointAtLength', [d, length * share]);
    record('getTangentAtLength', [d, length * share]);
  }
}
// Movetos only, drawing before any moveto, and a distance past the end.
record('getPointAtLength', ['M 5 5', 0]);
record('getPointAtLength', ['M 5 5', 1]);
record('getSubpaths', ['L 10 10']);
record('getSubpaths', ['L 10 10 M 1 1 L 2 2']);
record('getPointAtLength', ['M 0 0 L 10 0', 100]);
for (const bad of ['', '   ', 'X 1 2', 'M 1', 'M 1 2 3', 'M 0 0 L 1', 'M 0 0 C 1 2 3 4 5']) record('parsePath', [bad]);
record('getPointAtLength', ['M 0 0 L 10 0', -1]);

writeFileSync(OUT, JSON.stringify({ package: '@remotion/paths', version, cases }, null, 1) + '\n');
console.log(`wrote ${cases.length} cases to ${OUT}`);
