// Checks Kinema's paths module (crates/compose/runtime/paths.js) against paths.json under
// node, with the same checker the Rust test suite runs inside QuickJS.
//
//   cd tools/paths && node check.mjs

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', 'crates', 'compose');
const vectors = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'paths.json'), 'utf8'));
const { checkPaths } = await import(pathToFileURL(join(root, 'tests', 'vectors', 'check-paths.mjs')));
const paths = await import(pathToFileURL(join(root, 'runtime', 'paths.js')));
const failures = checkPaths(paths, vectors);
console.log(failures.slice(0, 40).join('\n'));
console.log(`${vectors.cases.length - failures.length} of ${vectors.cases.length} cases agree`);
process.exit(failures.length === 0 ? 0 : 1);
