// Checks every font of Kinema's Google Fonts table against the @remotion/google-fonts
// package: getInfo() of the module Kinema makes from the table (with kinema:fonts, the
// runtime's own code) must equal the package's, key order included.
//
//   cd tools/google-fonts && npm install && node gen.mjs && node check.mjs
//
// fonts.js imports 'kinema:state'; it is staged under node_modules/ (git-ignored) with that
// import pointing at a stand-in that records the stylesheets loadFont() adds.
// Exits 1 and lists the failures if anything differs.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const esm = dirname(require.resolve('@remotion/google-fonts/package.json')) + '/dist/esm/';

const stage = join(here, 'node_modules', '.kinema-fonts-check');
mkdirSync(stage, { recursive: true });
const source = readFileSync(join(root, 'crates', 'compose', 'runtime', 'fonts.js'), 'utf8');
writeFileSync(join(stage, 'fonts.mjs'), source.replace("from 'kinema:state'", "from './state.mjs'"));
writeFileSync(join(stage, 'state.mjs'), 'export const styles = []; export function addGlobalStyle(css) { styles.push(css); }\n');
const { googleFont } = await import(pathToFileURL(join(stage, 'fonts.mjs')).href);

const [first, ...lines] = readFileSync(join(root, 'crates', 'compose', 'data', 'google-fonts.txt'), 'utf8')
  .trimEnd()
  .split('\n');
const ranges = JSON.parse(first.slice('#ranges\t'.length));
const { getAvailableFonts } = await import(pathToFileURL(esm + 'index.mjs'));
const names = getAvailableFonts().map((font) => font.importName);

const failures = [];
if (lines.length !== names.length) failures.push(`the table has ${lines.length} fonts, the package ${names.length}`);
for (const line of lines) {
  const [name, json] = line.split('\t');
  const entry = JSON.parse(json);
  entry[4] = entry[4].map(([subset, index]) => [subset, ranges[index]]);
  const ours = JSON.stringify(googleFont(name, entry, 'https://fonts.gstatic.com/s/').getInfo());
  const theirs = JSON.stringify((await import(pathToFileURL(esm + name + '.mjs'))).getInfo());
  if (ours !== theirs) {
    let at = 0;
    while (ours[at] === theirs[at]) at++;
    failures.push(`${name}: differs at ${at}: ours …${ours.slice(at - 40, at + 40)}… theirs …${theirs.slice(at - 40, at + 40)}…`);
  }
}
console.log(failures.slice(0, 20).join('\n'));
console.log(`${lines.length - failures.length} of ${names.length} fonts agree`);
process.exit(failures.length === 0 ? 0 : 1);
