// kinema:fonts: the font loaders of `@remotion/fonts` and `@remotion/google-fonts`.
//
// In a browser these fetch each font, wrap it in a FontFace and add it to document.fonts.
// Kinema has no document: a loaded font becomes an `@font-face` rule in a global stylesheet,
// and the painter fetches its file (once per process) before it draws a frame that uses it. So
// every promise here is settled when it is returned, and a font that cannot be fetched fails
// the frame with an error naming its URL, where Remotion would time out.
//
// A Google font's data comes from Kinema's table (crates/compose/data/google-fonts.txt, made
// from the package by tools/google-fonts/gen.mjs); the module made from it for
// `@remotion/google-fonts/Name` calls googleFont() with its entry.

import { addGlobalStyle } from 'kinema:state';

const CSS_API = 'https://fonts.googleapis.com/css2?family=';
// Remotion warns when one loadFont() call makes more requests than this.
const MANY_REQUESTS = 20;

// ---- @font-face rules -------------------------------------------------------------------------

// Newlines, carriage returns and form feeds end a CSS string; they go in as escapes.
const LINE_BREAKS = { '\n': '\\a ', '\r': '\\d ', '\f': '\\c ' };
const cssString = (text) =>
  '"' + String(text).replace(/[\\"]/g, (c) => '\\' + c).replace(/[\n\r\f]/g, (c) => LINE_BREAKS[c]) + '"';

// (descriptor name, rule property) pairs of `@remotion/fonts`' options.
const DESCRIPTORS = [
  ['style', 'font-style'],
  ['weight', 'font-weight'],
  ['stretch', 'font-stretch'],
  ['unicodeRange', 'unicode-range'],
  ['display', 'font-display'],
  ['featureSettings', 'font-feature-settings'],
  ['ascentOverride', 'ascent-override'],
  ['descentOverride', 'descent-override'],
  ['lineGapOverride', 'line-gap-override'],
];

function fontFaceRule(family, url, format, descriptors) {
  let rule = `@font-face { font-family: ${cssString(family)}; src: url(${cssString(url)})`;
  if (format) rule += ` format(${cssString(format)})`;
  rule += ';';
  for (const [key, property] of DESCRIPTORS) {
    const value = descriptors[key];
    if (value !== undefined && value !== null && value !== '') {
      // Descriptor values are CSS, not strings: keep rules intact whatever they hold.
      rule += ` ${property}: ${String(value).replace(/[;{}]/g, '')};`;
    }
  }
  return rule + ' }';
}

// Rules already added, so that a font loaded on every frame is added once.
const loaded = new Set();

// Adds the rules not added before; how many that was.
function addRules(rules) {
  const fresh = [...new Set(rules)].filter((rule) => !loaded.has(rule));
  if (fresh.length === 0) return 0;
  for (const rule of fresh) loaded.add(rule);
  addGlobalStyle(fresh.join('\n'));
  return fresh.length;
}

// ---- @remotion/fonts --------------------------------------------------------------------------

const FORMATS = { woff2: 'woff2', woff: 'woff', otf: 'opentype', ttf: 'truetype' };

function formatOf(url) {
  const extension = url.split(/[?#]/)[0].split('.').pop().toLowerCase();
  const format = FORMATS[extension];
  if (!format) {
    throw new Error(
      `loadFont(): cannot tell the font format from the extension ".${extension}" of ${JSON.stringify(url)}; pass format: 'woff2', 'woff', 'opentype' or 'truetype'`,
    );
  }
  return format;
}

// `loadFont({ family, url, ...descriptors })` of `@remotion/fonts`.
export function loadLocalFont(options) {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `loadFont() takes an object such as { family: 'Bangers', url: staticFile('bangers.woff2') }, got ${typeof options === 'string' ? JSON.stringify(options) : String(options)} (a Google font is loaded from @remotion/google-fonts/<Name>)`,
    );
  }
  const { family, url, format } = options;
  if (typeof family !== 'string' || family.trim() === '') {
    throw new TypeError(`loadFont() needs a "family" name for the font, got ${JSON.stringify(family)}`);
  }
  if (typeof url !== 'string' || url === '') {
    throw new TypeError(
      `loadFont() needs the "url" of the font file (e.g. staticFile('font.woff2')), got ${url === undefined ? 'undefined' : JSON.stringify(url)}`,
    );
  }
  addRules([fontFaceRule(family, url, format ?? formatOf(url), options)]);
  return Promise.resolve();
}

// ---- @remotion/google-fonts -------------------------------------------------------------------

const isChunk = (subset) => /^\[\d+\]$/.test(subset);

// The keys to load for a requested subset: a font split into numbered chunks (CJK fonts) lists
// its script (`japanese`) among its subsets but keeps the files under `[0]`, `[1]`, …
function subsetKeys(available, subsets, requested) {
  if (available.includes(requested) || !subsets.includes(requested)) return [requested];
  const chunks = available.filter(isChunk).sort((a, b) => Number(a.slice(1, -1)) - Number(b.slice(1, -1)));
  return chunks.length === 0 ? [requested] : chunks;
}

const listed = (values) => values.map((v) => JSON.stringify(v)).join(', ');

function warnMany(count, family, variable, options) {
  if (count > MANY_REQUESTS && !options?.ignoreTooManyRequestsWarning) {
    console.warn(
      `loading ${count} files for the ${variable ? 'variable ' : ''}font ${family}; pass the weights and subsets you use to loadFont() (e.g. { weights: ['400'], subsets: ['latin'] }), or ignoreTooManyRequestsWarning: true`,
    );
  }
}

function done(result) {
  return { ...result, waitUntilDone: () => Promise.resolve() };
}

// loadFont(style?, options?) for the font described by `info` (what getInfo() returns).
export function loadFontFromInfo(info, style, options) {
  const rules = [];
  const styles = style ? [style] : Object.keys(info.fonts);
  for (const s of styles) {
    const weights = info.fonts[s];
    if (!weights) {
      throw new Error(`The font ${info.fontFamily} has no style ${JSON.stringify(s)}; it has ${listed(Object.keys(info.fonts))}`);
    }
    for (const weight of options?.weights ?? Object.keys(weights)) {
      const files = weights[weight];
      if (!files) {
        throw new Error(
          `The font ${info.fontFamily} has no weight ${JSON.stringify(weight)} in style ${JSON.stringify(s)}; it has ${listed(Object.keys(weights))}`,
        );
      }
      const available = Object.keys(files);
      const keys = new Set((options?.subsets ?? available).flatMap((subset) => subsetKeys(available, info.subsets, subset)));
      for (const subset of keys) {
        const url = files[subset];
        if (!url) {
          throw new Error(
            `The font ${info.fontFamily} has no subset ${JSON.stringify(subset)} in weight ${weight}; it has ${listed(info.subsets)}`,
          );
        }
        rules.push(
          fontFaceRule(info.fontFamily, url, 'woff2', { style: s, weight, unicodeRange: info.unicodeRanges[subset] }),
        );
      }
    }
  }
  // As in the package, only files not loaded before count towards the warning.
  warnMany(addRules(rules), info.fontFamily, false, options);
  return done({ fontFamily: info.fontFamily, fonts: info.fonts, unicodeRanges: info.unicodeRanges });
}

// loadVariableFont(style, { subsets }) for the font described by `info`.
export function loadVariableFontFromInfo(info, style, options) {
  if (!info.variable) throw new Error(`${info.fontFamily} is not a variable font; use loadFont()`);
  const subsets = options?.subsets;
  if (!Array.isArray(subsets) || subsets.length === 0) {
    throw new Error(
      `loadVariableFont() needs the subsets to load, e.g. loadVariableFont('normal', { subsets: ['latin'] }); ${info.fontFamily} has ${listed(info.subsets)}`,
    );
  }
  const faces = info.variable.fontFaces.filter((face) => face.style === style);
  if (faces.length === 0) {
    const styles = [...new Set(info.variable.fontFaces.map((face) => face.style))];
    throw new Error(`The variable font ${info.fontFamily} has no style ${JSON.stringify(style)}; it has ${listed(styles)}`);
  }
  const available = faces.map((face) => face.subset);
  const keys = new Set(subsets.flatMap((subset) => subsetKeys(available, info.subsets, subset)));
  const rules = [];
  for (const subset of keys) {
    const face = faces.find((f) => f.subset === subset);
    if (!face) {
      throw new Error(`The variable font ${info.fontFamily} has no subset ${JSON.stringify(subset)}; it has ${listed(info.subsets)}`);
    }
    rules.push(fontFaceRule(info.fontFamily, face.src, 'woff2', face));
  }
  warnMany(addRules(rules), info.fontFamily, true, options);
  return done({ fontFamily: info.fontFamily, axes: info.variable.axes });
}

// The exports of `@remotion/google-fonts/Name`, from the font's entry in Kinema's table:
// [family, version, cssQuery, subsets, [[subset, range]...], filePrefix, files, keyLists,
//  [[style, [[weight, keyList, file...]...]]...], variable: null | [cssQuery, axes,
//  [[style, weight, stretch, subset, file]...]]] (see tools/google-fonts/gen.mjs).
// `importName` is the module's name after `@remotion/google-fonts/`; `filesUrl` is where the files are: Google's, or a mirror.
export function googleFont(importName, entry, filesUrl) {
  const [family, version, cssQuery, subsets, ranges, prefix, files, keyLists, styles, variable] = entry;
  const file = (index) => `${filesUrl}${prefix}${files[index]}.woff2`;
  const getInfo = () => {
    const unicodeRanges = Object.fromEntries(ranges);
    const fonts = {};
    for (const [style, weights] of styles) {
      fonts[style] = {};
      for (const [weight, keyList, ...indices] of weights) {
        fonts[style][weight] = Object.fromEntries(keyLists[keyList].map((key, i) => [key, file(indices[i])]));
      }
    }
    const info = {
      fontFamily: family,
      importName,
      version,
      url: CSS_API + cssQuery,
      unicodeRanges,
      fonts,
      subsets: [...subsets],
    };
    if (variable) {
      const [variableQuery, axes, faces] = variable;
      info.variable = {
        axes: JSON.parse(JSON.stringify(axes)),
        fontFaces: faces.map(([style, weight, stretch, subset, index]) => ({
          style,
          weight,
          stretch,
          subset,
          unicodeRange: unicodeRanges[subset],
          src: file(index),
        })),
        url: CSS_API + variableQuery,
      };
    }
    return info;
  };
  return {
    fontFamily: family,
    getInfo,
    loadFont: (style, options) => loadFontFromInfo(getInfo(), style, options),
    loadVariableFont: (style, options) => loadVariableFontFromInfo(getInfo(), style, options),
  };
}
