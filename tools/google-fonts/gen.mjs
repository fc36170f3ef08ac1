// Writes crates/compose/data/google-fonts.txt: every font of the @remotion/google-fonts
// package (family, version, files, styles, weights, subsets, unicode ranges, variable axes),
// one font per line, so that `import { loadFont } from '@remotion/google-fonts/Inter'` loads
// the same files as in Remotion. Only values are taken from the package, none of its code.
//
//   cd tools/google-fonts && npm install && node gen.mjs
//
// Line 1: `#ranges` and a JSON array of every distinct unicode range.
// Then one line per font: its import name, a tab, and a JSON array:
//   [family, version, cssQuery, subsets, ranges, filePrefix, files, keyLists, styles, variable]
// - cssQuery: `url` after `https://fonts.googleapis.com/css2?family=`;
// - ranges: [[subset, index into the range list], ...] in the package's order;
// - filePrefix: the files' URL after `https://fonts.gstatic.com/s/`, up to the file name;
//   files: the file names without `.woff2`;
// - keyLists: the distinct lists of subset keys the weights have;
// - styles: [[style, [[weight, keyList index, file index per key...], ...]], ...];
// - variable: null or [cssQuery, axes, [[style, weight, stretch, subset, file index], ...]].

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const esm = dirname(require.resolve('@remotion/google-fonts/package.json')) + '/dist/esm/';
const CSS = 'https://fonts.googleapis.com/css2?family=';
const FILES = 'https://fonts.gstatic.com/s/';

const { getAvailableFonts } = await import(pathToFileURL(esm + 'index.mjs'));
const ranges = [];
const rangeIndex = new Map();
const lines = [];
const strip = (text, prefix, what) => {
  if (!text.startsWith(prefix)) throw new Error(`${what} does not start with ${prefix}: ${text}`);
  return text.slice(prefix.length);
};
for (const { importName } of getAvailableFonts()) {
  const info = (await import(pathToFileURL(esm + importName + '.mjs'))).getInfo();
  const files = [];
  const fileIndex = new Map();
  let prefix = null;
  const file = (url) => {
    const rest = strip(url, FILES, `a file of ${importName}`);
    const cut = rest.lastIndexOf('/') + 1;
    const [dir, name] = [rest.slice(0, cut), rest.slice(cut)];
    if (prefix === null) prefix = dir;
    if (dir !== prefix || !name.endsWith('.woff2')) throw new Error(`unexpected file URL ${url}`);
    const base = name.slice(0, -'.woff2'.length);
    if (!fileIndex.has(base)) {
      fileIndex.set(base, files.length);
      files.push(base);
    }
    return fileIndex.get(base);
  };
  const range = (text) => {
    if (!rangeIndex.has(text)) {
      rangeIndex.set(text, ranges.length);
      ranges.push(text);
    }
    return rangeIndex.get(text);
  };
  const keyLists = [];
  const styles = Object.entries(info.fonts).map(([style, weights]) => [
    style,
    Object.entries(weights).map(([weight, subsets]) => {
      const keys = JSON.stringify(Object.keys(subsets));
      let k = keyLists.findIndex((l) => JSON.stringify(l) === keys);
      if (k < 0) {
        k = keyLists.length;
        keyLists.push(Object.keys(subsets));
      }
      return [weight, k, ...Object.values(subsets).map(file)];
    }),
  ]);
  const variable = info.variable
    ? [
        strip(info.variable.url, CSS, `the variable url of ${importName}`),
        info.variable.axes,
        info.variable.fontFaces.map((face) => {
          if (info.unicodeRanges[face.subset] !== face.unicodeRange) {
            throw new Error(`${importName}: variable face ${face.subset} has its own range`);
          }
          return [face.style, face.weight, face.stretch, face.subset, file(face.src)];
        }),
      ]
    : null;
  const entry = [
    info.fontFamily,
    info.version,
    strip(info.url, CSS, `the url of ${importName}`),
    info.subsets,
    Object.entries(info.unicodeRanges).map(([subset, text]) => [subset, range(text)]),
    prefix,
    files,
    keyLists,
    styles,
    variable,
  ];
  if (info.importName !== importName) throw new Error(`${importName} names itself ${info.importName}`);
  lines.push(`${importName}\t${JSON.stringify(entry)}`);
}
const compose = join(here, '..', '..', 'crates', 'compose');
const out = join(compose, 'data', 'google-fonts.txt');
writeFileSync(out, `#ranges\t${JSON.stringify(ranges)}\n${lines.join('\n')}\n`);
console.log(`${lines.length} fonts, ${ranges.length} unicode ranges → ${out}`);

// What getInfo() gives for a few fonts of each kind, for the Rust tests (check.mjs checks the
// whole table): a variable font with italics (Inter), one with static weights only (Lobster),
// one with a width axis (Roboto), one split into numbered chunks (Kablammo).
const SAMPLE = ['Inter', 'Lobster', 'Roboto', 'Kablammo'];
const sample = { package: '@remotion/google-fonts@4.0.527', fonts: {} };
for (const name of SAMPLE) {
  sample.fonts[name] = (await import(pathToFileURL(esm + name + '.mjs'))).getInfo();
}
const sampleOut = join(compose, 'tests', 'vectors', 'google-fonts.json');
writeFileSync(sampleOut, JSON.stringify(sample) + '\n');
console.log(`getInfo() of ${SAMPLE.join(', ')} → ${sampleOut}`);
