// Generates crates/compose/tests/vectors/shapes.json from the REAL @remotion/shapes.
//
//   cd tools/shapes && npm install && node gen.mjs
//
// Every case records its input and the real package's output: the full object
// returned by a make* function (or the message it threw), or the static markup a
// component renders through react-dom/server.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import * as shapes from '@remotion/shapes';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const OUT = join(here, '..', '..', 'crates', 'compose', 'tests', 'vectors', 'shapes.json');

const versionOf = (pkg) => JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;

// ---------------------------------------------------------------------------
// make* cases
// ---------------------------------------------------------------------------

const makeInputs = [];
const add = (fn, input) => makeInputs.push({ fn, input });
const grid = (axes) =>
  Object.entries(axes).reduce(
    (acc, [key, values]) => acc.flatMap((base) => values.map((v) => (v === undefined ? base : { ...base, [key]: v }))),
    [{}],
  );

// Rect
for (const [width, height] of [
  [100, 100],
  [200, 50],
  [50, 200],
  [0.5, 3.3],
  [123.456, 78.9],
  [0, 0],
]) {
  add('makeRect', { width, height });
  for (const edgeRoundness of [0, 0.5, 1, 2, -0.5]) add('makeRect', { width, height, edgeRoundness });
  for (const cornerRadius of [1, 10, 50]) add('makeRect', { width, height, cornerRadius });
}
add('makeRect', { width: 100, height: 100, edgeRoundness: null, cornerRadius: 0 });
add('makeRect', { width: 100, height: 100, edgeRoundness: 0.5, cornerRadius: 10 }); // throws
add('makeRect', { width: 100, height: 100, edgeRoundness: 0, cornerRadius: 0 });

// Circle / Ellipse
for (const radius of [0, 0.5, 1, 10, 33.3, 50, 100, 1234.5678]) add('makeCircle', { radius });
for (const [rx, ry] of [
  [100, 50],
  [50, 100],
  [1, 200],
  [33.3, 7.7],
  [0, 10],
  [0.1, 0.2],
]) {
  add('makeEllipse', { rx, ry });
}

// Triangle
for (const input of grid({
  length: [100, 33.3, 7],
  direction: [undefined, 'up', 'down', 'left', 'right'],
})) {
  add('makeTriangle', input);
  for (const edgeRoundness of [0, 0.5, 1.7, -0.3]) add('makeTriangle', { ...input, edgeRoundness });
  for (const cornerRadius of [1, 12.5]) add('makeTriangle', { ...input, cornerRadius });
}
add('makeTriangle', { length: '100' }); // throws: not a number
add('makeTriangle', { length: undefined }); // throws
add('makeTriangle', { length: 100, edgeRoundness: 0.5, cornerRadius: 3 }); // throws

// Star
for (const points of [3, 4, 5, 6, 8, 20]) {
  for (const [innerRadius, outerRadius] of [
    [50, 100],
    [100, 100],
    [120, 80],
    [3.3, 7.7],
    [0, 50],
  ]) {
    add('makeStar', { points, innerRadius, outerRadius });
  }
  for (const edgeRoundness of [0, 0.3, 1.5]) add('makeStar', { points, innerRadius: 40, outerRadius: 100, edgeRoundness });
  for (const cornerRadius of [2, 10]) add('makeStar', { points, innerRadius: 40, outerRadius: 100, cornerRadius });
}
add('makeStar', { points: 5, innerRadius: 50, outerRadius: 100, cornerRadius: 0, edgeRoundness: null });
add('makeStar', { points: 5, innerRadius: 50, outerRadius: 100, cornerRadius: 5, edgeRoundness: 0.5 }); // throws

// Polygon
for (const points of [3, 4, 5, 6, 7, 9, 12, 30]) {
  for (const radius of [1, 100, 33.3]) add('makePolygon', { points, radius });
  for (const edgeRoundness of [0, 0.4, 2.2]) add('makePolygon', { points, radius: 100, edgeRoundness });
  for (const cornerRadius of [3, 20]) add('makePolygon', { points, radius: 100, cornerRadius });
}
add('makePolygon', { points: 2, radius: 100 }); // throws
add('makePolygon', { points: 0, radius: 100 }); // throws
add('makePolygon', { points: 5, radius: 100, cornerRadius: 5, edgeRoundness: 1 }); // throws

// Heart
for (const input of grid({
  height: [100, 1, 333.3],
  aspectRatio: [undefined, 0.8, 1.5],
  bottomRoundnessAdjustment: [undefined, 0.1, -0.05],
  depthAdjustment: [undefined, -0.1],
})) {
  add('makeHeart', input);
}

// Pie
for (const input of grid({
  radius: [100, 1, 33.3],
  progress: [0, 0.1, 0.25, 0.3333, 0.5, 0.5001, 0.75, 0.999, 1, -0.5, 1.5],
  counterClockwise: [undefined, true],
})) {
  add('makePie', input);
}
for (const input of grid({
  radius: [42.5],
  progress: [0, 0.2, 0.5, 0.8, 1],
  closePath: [undefined, false, true],
  counterClockwise: [undefined, true],
  rotation: [undefined, Math.PI / 2, 1, -2.5, 10],
})) {
  add('makePie', input);
}

// Arrow
add('makeArrow', {});
for (const input of grid({
  direction: [undefined, 'right', 'left', 'up', 'down'],
  cornerRadius: [undefined, 0, 5, 12.5],
})) {
  add('makeArrow', input);
  add('makeArrow', { ...input, length: 200, headWidth: 100, headLength: 60, shaftWidth: 30 });
  add('makeArrow', { ...input, length: 77.7, headWidth: 40.4, headLength: 77.7, shaftWidth: 40.4 });
}
add('makeArrow', { length: 0 }); // throws
add('makeArrow', { headWidth: 50, shaftWidth: 80 }); // throws
add('makeArrow', { length: 100, headLength: 120 }); // throws

// Callout
add('makeCallout', {});
for (const input of grid({
  pointerDirection: [undefined, 'up', 'down', 'left', 'right'],
  pointerPosition: [undefined, 0, 0.3, 1],
})) {
  add('makeCallout', input);
  add('makeCallout', { ...input, cornerRadius: 12 });
  add('makeCallout', { ...input, edgeRoundness: 0.5 });
  add('makeCallout', { ...input, width: 180, height: 90, pointerLength: 25.5, pointerBaseWidth: 300, cornerRadius: 7 });
}
add('makeCallout', { width: 300, height: 120, pointerBaseWidth: 40, pointerPosition: 0.75, pointerDirection: 'right', cornerRadius: 20 });
add('makeCallout', { width: 0 }); // throws
add('makeCallout', { pointerLength: -5 }); // throws
add('makeCallout', { pointerPosition: 1.2 }); // throws
add('makeCallout', { edgeRoundness: 0.5, cornerRadius: 10 }); // throws

// Spark
for (const input of grid({
  width: [100, 200.5],
  height: [140, 33.3],
  edgeRoundness: [undefined, 0, 0.5, 2],
  cornerRadius: [undefined, 5, 1000, -5],
})) {
  add('makeSpark', input);
}

// JSON has no NaN / Infinity: such numbers (degenerate inputs produce them) are
// written as {"$number": "NaN" | "Infinity" | "-Infinity"}.
const encodeNonFinite = (value) => {
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (Array.isArray(value)) return value.map(encodeNonFinite);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeNonFinite(v)]));
  }
  return value;
};

const make = makeInputs.map(({ fn, input }, index) => {
  const id = `${fn}#${index}`;
  try {
    const output = encodeNonFinite(shapes[fn](input));
    return { id, fn, input, output };
  } catch (err) {
    return { id, fn, input, error: String(err && err.message) };
  }
});

// ---------------------------------------------------------------------------
// Component cases
// ---------------------------------------------------------------------------

const componentInputs = [];
const addC = (component, props) => componentInputs.push({ component, props });

const paint = [
  { fill: 'red' },
  { fill: '#0b84ff', stroke: 'black', strokeWidth: 4 },
  { fill: 'none', stroke: 'rgba(0, 0, 0, 0.5)', strokeWidth: 2.5, strokeDasharray: '4 2', strokeLinejoin: 'round' },
  { fill: 'blue', style: { opacity: 0.5, transform: 'rotate(45deg)' }, pathStyle: { fill: 'green', transformOrigin: 'center' } },
  { fill: 'orange', className: 'shape', id: 'my-shape', opacity: 0.75, 'data-testid': 'x' },
  { fill: 'purple', debug: true },
  { fill: 'teal', style: { overflow: 'hidden' } },
  // Timeline / studio props are consumed by the wrapper and never reach the DOM.
  { fill: 'gray', from: 10, durationInFrames: 30, name: 'My shape', showInTimeline: false, hidden: false, effects: [], pixelDensity: 2, trimBefore: 3, freeze: 5 },
];

const shapeProps = {
  Rect: [
    { width: 100, height: 100 },
    { width: 200, height: 50, cornerRadius: 10 },
    { width: 200, height: 50, edgeRoundness: 0.7 },
    { width: 33.3, height: 77.7, edgeRoundness: 1 },
  ],
  Circle: [{ radius: 50 }, { radius: 12.5 }],
  Ellipse: [{ rx: 100, ry: 50 }, { rx: 7.5, ry: 33 }],
  Triangle: [
    { length: 100 },
    { length: 100, direction: 'up' },
    { length: 80, direction: 'down', edgeRoundness: 0.5 },
    { length: 60, direction: 'left', cornerRadius: 6 },
  ],
  Star: [
    { points: 5, innerRadius: 50, outerRadius: 100 },
    { points: 7, innerRadius: 30, outerRadius: 90, edgeRoundness: 0.6 },
    { points: 6, innerRadius: 40, outerRadius: 100, cornerRadius: 8 },
  ],
  Polygon: [
    { points: 5, radius: 100 },
    { points: 3, radius: 50, edgeRoundness: 1 },
    { points: 8, radius: 70, cornerRadius: 10 },
  ],
  Heart: [
    { height: 100 },
    { height: 80, aspectRatio: 1.3, bottomRoundnessAdjustment: 0.05, depthAdjustment: -0.05 },
  ],
  Pie: [
    { radius: 100, progress: 0.25 },
    { radius: 100, progress: 0.75, counterClockwise: true },
    { radius: 50, progress: 0.6, closePath: false, rotation: 1 },
    { radius: 50, progress: 1 },
    { radius: 50, progress: 0 },
  ],
  Arrow: [{}, { direction: 'up', cornerRadius: 8 }, { length: 150, headWidth: 90, headLength: 50, shaftWidth: 30, direction: 'left' }],
  Callout: [{}, { pointerDirection: 'left', cornerRadius: 16, width: 300, height: 120 }, { pointerDirection: 'up', edgeRoundness: 0.4 }],
  Spark: [
    { width: 100, height: 140 },
    { width: 80, height: 80, edgeRoundness: 0.5, cornerRadius: 6 },
  ],
};

for (const [component, variants] of Object.entries(shapeProps)) {
  variants.forEach((variant, vi) => {
    // Rotate through the paint sets so every shape sees several of them.
    for (let k = 0; k < 3; k++) addC(component, { ...variant, ...paint[(vi * 3 + k) % paint.length] });
  });
  addC(component, { ...variants[0], ...paint[5] }); // debug overlay for every shape
  addC(component, { ...variants[0], ...paint[7] }); // wrapper-only props for every shape
}

// Caller props override generated ones (spread after the shape).
addC('Star', { points: 5, innerRadius: 50, outerRadius: 100, width: 300, fill: 'red' });
addC('Circle', { radius: 40, height: 10, transformOrigin: '0 0', fill: 'red' });
addC('Polygon', { points: 6, radius: 50, d: 'M 0 0 L 10 10 Z', fill: 'red' });
addC('Rect', { width: 10, height: 10, instructions: [], debug: true, fill: 'red' });
addC('Rect', { width: 10, height: 10, children: 'a title', fill: 'red' });
addC('Ellipse', { rx: 20, ry: 10, path: 'M 1 1 Z' });
addC('Heart', { height: 60, debug: true, stroke: 'red', strokeWidth: 1 });
addC('Triangle', { length: 90, direction: 'right', edgeRoundness: 0.9, debug: true });
addC('Spark', { width: 90, height: 130, cornerRadius: 10, debug: true });

const components = componentInputs.map(({ component, props }, index) => {
  const id = `${component}#${index}`;
  try {
    return { id, component, props, markup: renderToStaticMarkup(createElement(shapes[component], props)) };
  } catch (err) {
    return { id, component, props, error: String(err && err.message) };
  }
});

// ---------------------------------------------------------------------------
// Write (one case per line keeps diffs readable)
// ---------------------------------------------------------------------------

const doc = {
  generator: 'tools/shapes/gen.mjs',
  versions: {
    '@remotion/shapes': versionOf('@remotion/shapes'),
    react: versionOf('react'),
    'react-dom': versionOf('react-dom'),
  },
  exports: Object.keys(shapes).sort(),
  make,
  components,
};

const lines = ['{'];
const scalarKeys = ['generator', 'versions', 'exports'];
for (const key of scalarKeys) lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(doc[key])},`);
for (const [i, key] of ['make', 'components'].entries()) {
  lines.push(`  ${JSON.stringify(key)}: [`);
  doc[key].forEach((c, j) => lines.push(`    ${JSON.stringify(c)}${j < doc[key].length - 1 ? ',' : ''}`));
  lines.push(`  ]${i === 0 ? ',' : ''}`);
}
lines.push('}');
const text = lines.join('\n') + '\n';
JSON.parse(text); // sanity
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, text);

const errors = make.filter((c) => 'error' in c).length;
const componentErrors = components.filter((c) => 'error' in c).length;
console.log(
  `wrote ${OUT}: ${make.length} make cases (${errors} throwing), ${components.length} component cases (${componentErrors} throwing), ${(text.length / 1024).toFixed(0)} KiB`,
);
