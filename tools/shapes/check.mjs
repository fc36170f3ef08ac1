// Checks Kinema's crates/compose/runtime/shapes.js against the vectors that
// gen.mjs recorded from the real @remotion/shapes.
//
//   cd tools/shapes && npm install && node gen.mjs && node check.mjs
//
// shapes.js imports 'react'; to resolve that to the real react installed here, the
// file is copied under node_modules/ (git-ignored) and imported from there, with the
// runtime's paths module it imports.
// Exits 1 and lists the failures if anything differs.

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SOURCE = join(root, 'crates', 'compose', 'runtime', 'shapes.js');
const VECTORS = join(root, 'crates', 'compose', 'tests', 'vectors', 'shapes.json');
const CHECKER = join(root, 'crates', 'compose', 'tests', 'vectors', 'check-shapes.mjs');

const stage = join(here, 'node_modules', '.kinema-shapes-check');
mkdirSync(stage, { recursive: true });
const staged = join(stage, 'shapes.mjs');
// shapes.js builds on the runtime's own paths module (kinema:paths), staged beside it.
writeFileSync(staged, readFileSync(SOURCE, 'utf8').replace("from 'kinema:paths'", "from './paths.mjs'"));
copyFileSync(join(root, 'crates', 'compose', 'runtime', 'paths.js'), join(stage, 'paths.mjs'));

const ours = await import(pathToFileURL(staged).href + `?t=${Date.now()}`);
const { checkShapes } = await import(pathToFileURL(CHECKER).href);
const vectors = JSON.parse(readFileSync(VECTORS, 'utf8'));

const failures = [];

// Same public API (names only; what each one does is checked below).
const ourExports = Object.keys(ours).sort();
const missing = vectors.exports.filter((name) => !ourExports.includes(name));
const extra = ourExports.filter((name) => !vectors.exports.includes(name));
if (missing.length) failures.push(`exports: missing ${missing.join(', ')}`);
if (extra.length) failures.push(`exports: not in @remotion/shapes: ${extra.join(', ')}`);

// make* cases: numbers within 1e-9, path strings exact.
const makeFailures = checkShapes(ours, vectors, { exact: true });
failures.push(...makeFailures);

// Components: identical static markup.
let componentFailures = 0;
for (const c of vectors.components) {
  const where = `${c.id} <${c.component} ${JSON.stringify(c.props)}>`;
  const Component = ours[c.component];
  if (!Component) {
    failures.push(`${where}: ${c.component} is not exported`);
    componentFailures++;
    continue;
  }
  let markup;
  try {
    markup = renderToStaticMarkup(createElement(Component, JSON.parse(JSON.stringify(c.props))));
  } catch (err) {
    if ('error' in c && String(err && err.message) === c.error) continue;
    failures.push(`${where}: threw ${err && err.message}`);
    componentFailures++;
    continue;
  }
  if ('error' in c) {
    failures.push(`${where}: expected to throw ${JSON.stringify(c.error)}`);
    componentFailures++;
  } else if (markup !== c.markup) {
    let i = 0;
    while (i < markup.length && markup[i] === c.markup[i]) i++;
    failures.push(
      `${where}: markup differs at ${i}:\n    expected ...${c.markup.slice(Math.max(0, i - 40), i + 80)}\n    actual   ...${markup.slice(Math.max(0, i - 40), i + 80)}`,
    );
    componentFailures++;
  }
}

const total = vectors.make.length + vectors.components.length;
const failedMakeIds = new Set(makeFailures.map((f) => f.split(' ')[0]));
const failed = failedMakeIds.size + componentFailures;
console.log(
  `shapes vectors: @remotion/shapes ${vectors.versions['@remotion/shapes']}, ${vectors.make.length} make* cases, ${vectors.components.length} component cases`,
);
if (failures.length) {
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(`${total - failed} passed, ${failed} failed`);
  process.exit(1);
}
console.log(`${total} passed, 0 failed`);
