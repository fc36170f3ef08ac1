// Checks Kinema's crates/compose/runtime/noise.js against noise.json under node, with the
// checker cargo test runs inside Kinema's engine. noise.js imports 'kinema:math'; it is staged
// under node_modules/ (git-ignored) beside the runtime's math module.
//
//   cd tools/noise && node check.mjs

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const compose = join(here, '..', '..', 'crates', 'compose');
const stage = join(here, 'node_modules', '.kinema-noise-check');
mkdirSync(stage, { recursive: true });
const source = readFileSync(join(compose, 'runtime', 'noise.js'), 'utf8');
writeFileSync(join(stage, 'noise.mjs'), source.replace("from 'kinema:math'", "from './math.mjs'"));
copyFileSync(join(compose, 'runtime', 'math.js'), join(stage, 'math.mjs'));
const noise = await import(pathToFileURL(join(stage, 'noise.mjs')).href);
const { checkNoise } = await import(pathToFileURL(join(compose, 'tests', 'vectors', 'check-noise.mjs')).href);
const vectors = JSON.parse(readFileSync(join(compose, 'tests', 'vectors', 'noise.json'), 'utf8'));
const failures = checkNoise(noise, vectors);
console.log(failures.slice(0, 30).join('\n'));
console.log(`${vectors.cases.length - failures.length} of ${vectors.cases.length} cases agree`);
process.exit(failures.length === 0 ? 0 : 1);
