// Generates crates/compose/tests/vectors/intl.json: what node's real ICU-backed Intl prints for a
// grid of (value, locale, options) cases. crates/compose/runtime/intl.js must reproduce every
// one of them exactly (see check.mjs here and crates/compose/tests/vectors/check-intl.mjs).
//
//   node tools/intl/gen.mjs        (no npm install needed)
//
// Format of intl.json:
//   { generator, node, icu,
//     valueSets: { name: [value, ...] },          shared input lists
//     number:  [{ locale?, options?, values, expect: [string | {error}], parts?, resolved? }],
//     date:    [{ method, locale?, options?, values, expect: [string | {error}], parts?, resolved? }],
//     plural:  [{ locale?, options?, values, expect: [category], resolved? }],
//     collator:[{ locale?, options?, words: [string], expect: "<=>..." }] }
// `values` is a valueSets name or an inline list. A number value is a JSON number, or one of the
// strings "NaN", "Infinity", "-Infinity", "-0"; "123n" is a BigInt; {"s": "1.50"} is a string
// input. Date values are epoch milliseconds (or "NaN"). `method` is "format" (Intl.DateTimeFormat)
// or a Date.prototype method name. `expect[i]` belongs to `values[i]`; {error: "RangeError"}
// means the call throws that error type. A missing locale means `undefined` (the default
// locale); for number groups `options` missing means no options argument. `parts` lists
// formatToParts as [[type, value], ...] per value; `resolved` is resolvedOptions(). For
// collators `expect` has one character per pair (i < j) of `words`, in order, giving the sign of
// compare(words[i], words[j]).

import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.TZ = 'UTC';
const here = dirname(fileURLToPath(import.meta.url));
const outPath = resolve(here, '../../crates/compose/tests/vectors/intl.json');

// ---- value sets ------------------------------------------------------------------------------

const MAIN = [
  0, 1, -1, 0.5, -0.5, 1.005, 1.5, 2.5, -2.5, 0.045, 1234.5678, -1234.5678, 10000, 12345.6789,
  123456789.987, 1e21, 1e15, 2 ** 53, 9.995, 99.995, 999.9995, 999999.5, 0.000123456, 1e-7,
  0.1 + 0.2, 1000, 999, 1500, 1234567, -0, NaN, Infinity, -Infinity,
];
const SHORT = [0, 1, -1, 0.5, 1.005, 1234.5678, -1234.5678, 10000, 123456789.987, 1e21, -0, NaN, Infinity, 0.045, 999999.5];
const TINY = [0, 1, -1234.5678, 0.5, 1234567.891, -0, NaN, -Infinity];
const COMPACT = [
  0, 1, 1.5, 12.345, 999, 999.9, 1000, 1234.5678, 1500, 9999, 9999.5, 12345, 99999, 123456, 999999,
  1e6, 1234567, 12345678, 123456789, 1e9, 1.5e9, 9.9999e9, 1e10, 1.234e11, 1e12, 1.5e13, 1e15, 1.23e17,
  1e21, -1234.5678, -1e6, 0.12345, -0, NaN, Infinity, -Infinity,
];
// Counters as a composition animates them (0..100000), sampled.
const COUNTER = [];
for (let i = 0; i <= 100000; i += 1999) COUNTER.push(i);
for (const v of [100000, 99999, 1000, 999, 10, 9, 0.5, 12345.5, 5000.25]) COUNTER.push(v);
const ROUNDING = [1.25, 1.35, -1.25, -1.35, 1.05, 1.15, 2.45, -2.45, 0.05, -0.05, 1.2, -1.2, 1, -1, 0, -0, 9.95, 9.96];
const INCREMENT = [1.22, 1.225, 1.23, 1.27, 1.275, -1.275, 0.024, 0.025, 0.026, 99.99, 1234.5678, 0, -0.001];
const BIG = ['0n', '1n', '-1n', '1234567n', '-9876543210n', '123456789012345678901234567890n'];
const STRINGS = [{ s: '1234.5678901234567890123' }, { s: '-0' }, { s: '  12  ' }, { s: '' }, { s: '1e3' }, { s: '0x10' }, { s: 'abc' }, { s: '-1.005' }, { s: '.5' }, { s: '+7' }, { s: 'Infinity' }, { s: '-Infinity' }];
const PLURAL = [0, 1, 2, 3, 4, 5, 11, 12, 13, 21, 22, 23, 101, 111, 1000000, 2000000, 1000001, 0.5, 1.5, 1.0, -1, -2, 1.25, 0.001];

const DAY = 86400000;
const DATES = [
  Date.UTC(2024, 0, 5, 15, 4, 5, 123), Date.UTC(2024, 10, 25, 0, 30, 0, 7), Date.UTC(2024, 5, 1, 12, 0, 9, 999),
  Date.UTC(2024, 5, 1, 9, 7, 3, 50), 0, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 11, 59, 0),
  Date.UTC(2000, 2, 4, 5, 6, 7, 8), -1, Date.UTC(2025, 8, 14, 18, 45, 30, 500),
];
{
  const d = new Date(0);
  d.setUTCFullYear(9, 2, 4);
  d.setUTCHours(13, 0, 0, 0);
  DATES.push(d.getTime());
}
const DATES_MORE = DATES.slice();
DATES_MORE.push(Date.UTC(2038, 0, 19, 3, 14, 7), Date.UTC(1969, 6, 20, 20, 17, 40));
for (let t = Date.UTC(2023, 0, 1); DATES_MORE.length < 40; t += 37 * DAY + 3723457) DATES_MORE.push(t);
const DATES_NAN = DATES.concat(['NaN']);

// ---- encoding helpers --------------------------------------------------------------------------

function decode(v) {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') return v.s;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  if (typeof v === 'string' && v.endsWith('n')) return BigInt(v.slice(0, -1));
  throw new Error('bad value ' + v);
}
function encode(v) {
  if (typeof v === 'bigint') return v + 'n';
  if (typeof v === 'string' || (v && typeof v === 'object')) return v;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}
const valueSets = {
  main: MAIN.map(encode), short: SHORT.map(encode), tiny: TINY.map(encode), compact: COMPACT.map(encode), counter: COUNTER.map(encode),
  rounding: ROUNDING.map(encode), increment: INCREMENT.map(encode), bigint: BIG, strings: STRINGS,
  plural: PLURAL.map(encode), dates: DATES, datesMore: DATES_MORE, datesNaN: DATES_NAN,
};
const valuesOf = (vs) => (typeof vs === 'string' ? valueSets[vs] : vs).map(decode);

function attempt(fn) {
  try {
    return fn();
  } catch (e) {
    return { error: e.constructor.name };
  }
}

// ---- number groups -----------------------------------------------------------------------------

const number = [];
let unstable = 0;
function numberGroup(locale, options, values, { parts = false, resolved = false } = {}) {
  const vals = valuesOf(values);
  const make = () => (options === undefined ? new Intl.NumberFormat(locale) : new Intl.NumberFormat(locale, options));
  const ctor = attempt(make);
  const g = {};
  if (locale !== undefined) g.locale = locale;
  if (options !== undefined) g.options = options;
  g.values = values;
  if (ctor && ctor.error) {
    g.expect = vals.map(() => ctor);
    number.push(g);
    return;
  }
  g.expect = vals.map((v) => attempt(() => make().format(v)));
  // ICU formatters are stateful caches: make sure each result is reproducible.
  const again = vals.map((v) => attempt(() => make().format(v)));
  const shared = make();
  const reversed = vals.slice().reverse().map((v) => attempt(() => shared.format(v))).reverse();
  if (JSON.stringify(again) !== JSON.stringify(g.expect) || JSON.stringify(reversed) !== JSON.stringify(g.expect)) {
    unstable++;
    console.warn('unstable ICU output, group dropped:', locale, JSON.stringify(options));
    return;
  }
  if (parts) g.parts = vals.map((v) => make().formatToParts(v).map((p) => [p.type, p.value]));
  if (resolved) g.resolved = make().resolvedOptions();
  number.push(g);
}

const LOCALES = ['en-US', 'en-GB', 'en-IN', 'de-DE', 'fr-FR', 'es-ES'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY'];

// en-US: everything, on the main value list.
const EN_OPTIONS = [
  undefined, {}, { maximumFractionDigits: 2 }, { minimumFractionDigits: 2 }, { minimumFractionDigits: 2, maximumFractionDigits: 2 },
  { maximumFractionDigits: 0 }, { minimumFractionDigits: 1, maximumFractionDigits: 4 }, { maximumFractionDigits: 20 },
  { minimumIntegerDigits: 3 }, { minimumIntegerDigits: 2, minimumFractionDigits: 1 },
  { maximumSignificantDigits: 3 }, { minimumSignificantDigits: 5 }, { minimumSignificantDigits: 2, maximumSignificantDigits: 4 },
  { maximumSignificantDigits: 1 }, { maximumSignificantDigits: 21 },
  { useGrouping: false }, { useGrouping: true }, { useGrouping: 'always' }, { useGrouping: 'min2' }, { useGrouping: 'auto' },
  { useGrouping: 'false' },
  { style: 'percent' }, { style: 'percent', maximumFractionDigits: 1 }, { style: 'percent', minimumFractionDigits: 2 },
  { style: 'percent', signDisplay: 'exceptZero' },
  { notation: 'scientific' }, { notation: 'engineering' }, { notation: 'scientific', maximumSignificantDigits: 3 },
  { notation: 'engineering', minimumFractionDigits: 2 },
  { signDisplay: 'always' }, { signDisplay: 'exceptZero' }, { signDisplay: 'never' }, { signDisplay: 'negative' },
  { maximumFractionDigits: 1, maximumSignificantDigits: 2, roundingPriority: 'morePrecision' },
  { maximumFractionDigits: 1, maximumSignificantDigits: 2, roundingPriority: 'lessPrecision' },
  { minimumFractionDigits: 2, trailingZeroDisplay: 'stripIfInteger' },
  { style: 'currency', currency: 'USD', trailingZeroDisplay: 'stripIfInteger' },
  { style: 'currency', currency: 'USD', currencySign: 'accounting', signDisplay: 'always' },
  { style: 'currency', currency: 'USD', currencySign: 'accounting', signDisplay: 'exceptZero' },
  { style: 'currency', currency: 'USD', maximumFractionDigits: 0 },
  { style: 'currency', currency: 'USD', minimumFractionDigits: 0 },
  { style: 'currency', currency: 'JPY', minimumFractionDigits: 2 },
  { style: 'currency', currency: 'CAD' }, { style: 'currency', currency: 'CHF' }, { style: 'currency', currency: 'INR' },
  { style: 'currency', currency: 'AUD' }, { style: 'currency', currency: 'xyz' }, { style: 'currency', currency: 'KWD' },
  { style: 'currency', currency: 'CHF', currencyDisplay: 'name' },
  { style: 'currency', currency: 'CAD', currencyDisplay: 'narrowSymbol' },
];
for (const o of EN_OPTIONS) numberGroup('en-US', o, 'main', { resolved: true });
for (const mode of ['ceil', 'floor', 'expand', 'trunc', 'halfCeil', 'halfFloor', 'halfExpand', 'halfTrunc', 'halfEven']) {
  numberGroup('en-US', { maximumFractionDigits: 1, roundingMode: mode }, 'rounding', { resolved: true });
  numberGroup('en-US', { maximumSignificantDigits: 1, roundingMode: mode }, 'rounding');
}
for (const [inc, fd] of [[5, 2], [25, 2], [50, 0], [2, 1], [5000, 3]]) {
  numberGroup('en-US', { roundingIncrement: inc, minimumFractionDigits: fd, maximumFractionDigits: fd }, 'increment', { resolved: true });
}
numberGroup('en-US', { roundingIncrement: 5, minimumFractionDigits: 2, maximumFractionDigits: 2, roundingMode: 'halfEven' }, 'increment');
numberGroup('en-US', { roundingIncrement: 5, maximumFractionDigits: 2, minimumFractionDigits: 2, roundingMode: 'floor' }, 'increment');

// Every locale: the usual styles.
for (const locale of LOCALES) {
  const full = [
    {}, { maximumFractionDigits: 2 }, { minimumFractionDigits: 2 }, { style: 'percent' }, { style: 'percent', minimumFractionDigits: 1 },
    { notation: 'compact' }, { notation: 'scientific' }, { useGrouping: 'always' }, { useGrouping: 'min2' }, { useGrouping: false },
    { maximumSignificantDigits: 3 }, { signDisplay: 'always' }, { signDisplay: 'exceptZero' },
  ];
  for (const o of full) {
    const basic = Object.keys(o).length === 0;
    numberGroup(locale, o, basic && locale !== 'en-US' ? 'main' : 'short', { resolved: locale !== 'en-US' && (basic || o.style === 'percent') });
  }
  for (const currency of CURRENCIES) {
    const main = currency === 'EUR' && locale !== 'en-US';
    numberGroup(locale, { style: 'currency', currency }, main ? 'main' : 'short', { resolved: main });
    for (const currencyDisplay of ['code', 'name', 'narrowSymbol']) {
      numberGroup(locale, { style: 'currency', currency, currencyDisplay }, 'tiny');
    }
    numberGroup(locale, { style: 'currency', currency, currencySign: 'accounting' }, currency === 'USD' ? 'short' : 'tiny');
  }
  numberGroup(locale, { style: 'currency', currency: 'EUR', currencyDisplay: 'name' }, [1, 2, 0, 1.5, 1000000, 0.01]);
  numberGroup(locale, { style: 'currency', currency: 'JPY', currencyDisplay: 'name' }, [1, 2, 0, 1.5, 1000000, 1e6 + 1]);
  numberGroup(locale, { style: 'currency', currency: 'USD', currencyDisplay: 'name', maximumFractionDigits: 0 }, [1, 2, 0, 1.5, 1000000]);
  // compact
  numberGroup(locale, { notation: 'compact' }, 'compact', { resolved: true });
  numberGroup(locale, { notation: 'compact', compactDisplay: 'long' }, 'compact');
  numberGroup(locale, { notation: 'compact', maximumFractionDigits: 1 }, 'compact');
  numberGroup(locale, { notation: 'compact', maximumSignificantDigits: 3 }, 'compact');
  numberGroup(locale, { notation: 'compact', minimumFractionDigits: 1 }, 'compact');
  numberGroup(locale, { notation: 'compact', style: 'currency', currency: 'USD' }, 'compact');
  numberGroup(locale, { notation: 'compact', style: 'currency', currency: 'EUR', currencyDisplay: 'code' }, 'compact');
  numberGroup(locale, { notation: 'compact', style: 'percent' }, 'compact');
  numberGroup(locale, { notation: 'compact', compactDisplay: 'long', style: 'currency', currency: 'EUR' }, 'compact');
  numberGroup(locale, { notation: 'compact', compactDisplay: 'long', style: 'currency', currency: 'EUR', currencyDisplay: 'name' }, [1, 1000, 1234.5, 1e6, 1.2e6, 2e9, 0.5].map(encode));
  numberGroup(locale, { notation: 'engineering' }, 'compact');
  // counters
  numberGroup(locale, undefined, 'counter');
  numberGroup(locale, { notation: 'compact' }, 'counter');
  numberGroup(locale, { style: 'currency', currency: locale === 'en-US' ? 'USD' : 'EUR', maximumFractionDigits: 0 }, 'counter');
  // formatToParts
  numberGroup(locale, { style: 'currency', currency: 'EUR' }, [-1234.5, 0, NaN, -Infinity].map(encode), { parts: true });
  numberGroup(locale, { style: 'percent', signDisplay: 'always' }, [0.25, -1234.5].map(encode), { parts: true });
  numberGroup(locale, { notation: 'compact', compactDisplay: 'long' }, [1234, 2.5e6, -1e9].map(encode), { parts: true });
  numberGroup(locale, { notation: 'scientific' }, [-0.00012, 123456].map(encode), { parts: true });
  numberGroup(locale, { style: 'currency', currency: 'USD', currencyDisplay: 'code' }, [1234.5, -1].map(encode), { parts: true });
  numberGroup(locale, undefined, 'bigint');
}

// More currencies (symbols in every locale; narrow symbols and English names).
const MORE_CURRENCIES = ['CAD', 'AUD', 'CNY', 'INR', 'KRW', 'BRL', 'MXN', 'ILS', 'VND', 'NZD', 'HKD', 'TWD', 'PHP', 'XAF', 'XOF', 'CHF', 'SEK', 'RUB', 'TRY', 'ZAR', 'SGD', 'PLN'];
for (const currency of MORE_CURRENCIES) {
  for (const locale of ['en-US', 'de-DE', 'fr-FR', 'es-ES']) {
    // Elsewhere the code is shown (already covered by CHF, SEK, ...).
    if (locale === 'en-US' || !new Intl.NumberFormat(locale, { style: 'currency', currency }).format(1).includes(currency)) {
      numberGroup(locale, { style: 'currency', currency }, [-1234.5]);
    }
  }
  numberGroup('en-US', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }, [1]);
  numberGroup('en-US', { style: 'currency', currency, currencyDisplay: 'name' }, [1, 2]);
  numberGroup('en-US', { style: 'currency', currency, currencyDisplay: 'name', maximumFractionDigits: 0 }, [1]);
}

// Units (English names).
const UNITS = ['percent', 'kilometer-per-hour', 'mile-per-hour', 'meter', 'kilometer', 'centimeter', 'millimeter', 'mile', 'foot', 'inch',
  'kilogram', 'gram', 'pound', 'second', 'minute', 'hour', 'day', 'week', 'month', 'year', 'millisecond', 'celsius', 'fahrenheit',
  'degree', 'byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'liter', 'milliliter', 'meter-per-second', 'kilobit', 'megabit-per-second'];
for (const unit of UNITS) {
  for (const unitDisplay of ['short', 'long', 'narrow']) {
    numberGroup('en-US', { style: 'unit', unit, unitDisplay }, unit === 'meter' ? [1, 2.5, -1, 1234.5] : [1, 2.5], { resolved: unit === 'meter' });
  }
}
numberGroup('en-US', { style: 'unit', unit: 'kilometer-per-hour', notation: 'compact' }, [1234.5, 2.5e6].map(encode), { parts: true });
numberGroup('en-US', { style: 'unit' }, [1]);
numberGroup('en-US', { style: 'unit', unit: 'Meter' }, [1]);

// Locale negotiation and inputs.
for (const locale of [undefined, 'en', 'de', 'fr', 'es', 'EN-us', 'de-de', ['xx-XX', 'fr-FR'], ['de-DE', 'en-US'], 'zz', 'en-US-u-nu-latn']) {
  numberGroup(locale, { style: 'currency', currency: 'EUR' }, 'short', { resolved: typeof locale !== 'string' || !/^z|-u-/.test(locale) });
}
numberGroup(undefined, undefined, 'main');
numberGroup('en-US', undefined, 'strings');
numberGroup('de-DE', { maximumFractionDigits: 20 }, 'strings');
numberGroup('en-US', { style: 'currency', currency: 'USD' }, 'bigint');
numberGroup('en-US', { notation: 'compact' }, 'bigint');
numberGroup('en-US', { maximumFractionDigits: 20, minimumFractionDigits: 20 }, [1 / 3, 5e-324, 1e-7, 2 / 3].map(encode));
numberGroup('en-US', { maximumSignificantDigits: 21 }, [5e-324, 1.7976931348623157e308, 2 ** 70].map(encode));
numberGroup('en-US', undefined, [1e100, 1.7976931348623157e308, -1.5e300].map(encode));
// Errors.
numberGroup('en-US', { style: 'currency' }, [1]);
numberGroup('en-US', { minimumFractionDigits: 5, maximumFractionDigits: 2 }, [1]);
numberGroup('en-US', { maximumFractionDigits: 101 }, [1]);
numberGroup('en-US', { maximumSignificantDigits: 0 }, [1]);
numberGroup('en-US', { minimumIntegerDigits: 22 }, [1]);
numberGroup('en-US', { style: 'bogus' }, [1]);
numberGroup('en-US', { roundingIncrement: 3 }, [1]);
numberGroup('en-US', { roundingIncrement: 5, maximumFractionDigits: 2 }, [1]);
numberGroup('en-US', { useGrouping: 'sometimes' }, [1]);
numberGroup('en_US', undefined, [1]);

// ---- date groups -------------------------------------------------------------------------------

const date = [];
function dateGroup(method, locale, options, values, { parts = false, resolved = false } = {}) {
  const vals = valuesOf(values);
  const g = { method };
  if (locale !== undefined) g.locale = locale;
  if (options !== undefined) g.options = options;
  g.values = values;
  if (method === 'format') {
    const make = () => new Intl.DateTimeFormat(locale, options);
    const ctor = attempt(make);
    if (ctor && ctor.error) {
      g.expect = vals.map(() => ctor);
    } else {
      g.expect = vals.map((t) => attempt(() => make().format(t)));
      if (parts) g.parts = vals.map((t) => make().formatToParts(t).map((p) => [p.type, p.value]));
      if (resolved) g.resolved = make().resolvedOptions();
    }
  } else {
    g.expect = vals.map((t) => attempt(() => new Date(t)[method](locale, options)));
  }
  date.push(g);
}

const DATE_COMBOS = [];
for (const weekday of [undefined, 'long', 'short']) {
  for (const year of [undefined, 'numeric', '2-digit']) {
    for (const month of [undefined, 'numeric', '2-digit', 'long', 'short', 'narrow']) {
      for (const day of [undefined, 'numeric', '2-digit']) {
        // Field sets with a CLDR skeleton pattern; others get ICU's "(field: value)" fallbacks.
        if (year && day && !month) continue;
        if (weekday && (year || month) && !day) continue;
        if (weekday && day && !month) continue;
        if (weekday && (day === '2-digit' || month === '2-digit' || month === 'narrow')) continue; // keep the file small
        const o = {};
        if (weekday) o.weekday = weekday;
        if (year) o.year = year;
        if (month) o.month = month;
        if (day) o.day = day;
        DATE_COMBOS.push(o);
      }
    }
  }
}
const TIME_COMBOS = [];
for (const hour12 of [undefined, false]) {
  for (const hour of [undefined, 'numeric', '2-digit']) {
    for (const minute of [undefined, 'numeric', '2-digit']) {
      for (const second of [undefined, 'numeric', '2-digit']) {
        if (!hour && !minute && !second) continue;
        if (hour && second && !minute) continue;
        if (hour12 === false && (minute === 'numeric' || second === 'numeric')) continue; // keep the file small
        const o = {};
        if (hour) o.hour = hour;
        if (minute) o.minute = minute;
        if (second) o.second = second;
        if (hour12 !== undefined) o.hour12 = hour12;
        TIME_COMBOS.push(o);
      }
    }
  }
}
const UTC = { timeZone: 'UTC' };
for (const o of DATE_COMBOS) dateGroup('format', 'en-US', { ...UTC, ...o }, 'dates', { resolved: !o.weekday && o.year !== '2-digit' });
for (const o of TIME_COMBOS) dateGroup('format', 'en-US', { ...UTC, ...o }, 'dates', { resolved: true });
for (const o of [{ weekday: 'narrow' }, { weekday: 'narrow', year: 'numeric', month: 'short', day: 'numeric' }, { weekday: 'narrow', month: 'numeric', day: '2-digit' }]) {
  dateGroup('format', 'en-US', { ...UTC, ...o }, 'dates');
}
for (const o of [{ hour: 'numeric', hour12: true }, { hour: '2-digit', minute: '2-digit', hour12: true }, { hour: 'numeric', minute: 'numeric', second: 'numeric', hour12: true }]) {
  dateGroup('format', 'en-US', { ...UTC, ...o }, 'dates', { resolved: true });
}
for (const hourCycle of ['h11', 'h12', 'h23', 'h24']) {
  dateGroup('format', 'en-US', { ...UTC, hour: 'numeric', minute: '2-digit', hourCycle }, 'dates', { resolved: true });
  dateGroup('format', 'en-US', { ...UTC, hour: 'numeric', minute: '2-digit', hourCycle, hour12: true }, 'dates');
  dateGroup('format', 'en-US', { ...UTC, timeStyle: 'medium', hourCycle }, 'dates');
}
for (const ds of [undefined, 'full', 'long', 'medium', 'short']) {
  for (const ts of [undefined, 'full', 'long', 'medium', 'short']) {
    const o = { ...UTC };
    if (ds) o.dateStyle = ds;
    if (ts) o.timeStyle = ts;
    dateGroup('format', 'en-US', o, 'dates', { resolved: true });
  }
}
dateGroup('format', 'en-US', { ...UTC, timeStyle: 'short', hour12: false }, 'dates');
dateGroup('format', 'en-US', { ...UTC, dateStyle: 'medium', timeStyle: 'short', hour12: false }, 'dates');
const MIXED = [
  { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' },
  { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: 'numeric' },
  { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: 'numeric' },
  { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: 'numeric' },
  { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' },
  { weekday: 'long', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric' },
  { weekday: 'short', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric' },
  { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  { month: 'long', day: 'numeric', hour: 'numeric' },
  { month: 'long', year: 'numeric', hour: 'numeric' },
  { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
  { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
  { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', timeZoneName: 'short' },
  { month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  { weekday: 'short', hour: 'numeric' },
  { weekday: 'long', hour: 'numeric', minute: '2-digit' },
  { hour: 'numeric', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 },
  { minute: '2-digit', second: '2-digit', fractionalSecondDigits: 2 },
  { second: 'numeric', fractionalSecondDigits: 1 },
  { hour: 'numeric', timeZoneName: 'short' },
  { hour: 'numeric', minute: 'numeric', timeZoneName: 'long' },
  { year: 'numeric', month: 'numeric', day: 'numeric', timeZoneName: 'short' },
  { hour: 'numeric', timeZoneName: 'shortOffset' },
  { hour: 'numeric', timeZoneName: 'longOffset' },
];
for (const o of MIXED) dateGroup('format', 'en-US', { ...UTC, ...o }, 'dates', { resolved: true });
dateGroup('format', 'en-US', { ...UTC }, 'dates', { parts: true });
dateGroup('format', 'en-US', { ...UTC, dateStyle: 'full', timeStyle: 'long' }, 'dates', { parts: true });
dateGroup('format', 'en-US', { ...UTC, hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false }, 'dates', { parts: true });
dateGroup('format', undefined, undefined, 'datesNaN');
dateGroup('format', 'en-US', { ...UTC, dateStyle: 'full', timeStyle: 'full' }, 'datesMore');
dateGroup('format', 'en-US', { ...UTC, weekday: 'short', year: '2-digit', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 2 }, 'datesMore');
dateGroup('toLocaleString', undefined, undefined, 'datesMore');
dateGroup('format', 'en-US', { ...UTC, dateStyle: 'long', year: 'numeric' }, [0]);
dateGroup('format', 'en-US', { ...UTC, month: 'huge' }, [0]);
for (const method of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) {
  dateGroup(method, undefined, undefined, 'datesNaN');
  dateGroup(method, 'en-US', undefined, 'datesNaN');
  dateGroup(method, 'en-US', { ...UTC }, 'dates');
  dateGroup(method, 'en-US', { ...UTC, hour: 'numeric', minute: '2-digit' }, 'dates');
  dateGroup(method, 'en-US', { ...UTC, month: 'long', day: 'numeric' }, 'dates');
  dateGroup(method, 'en-US', { ...UTC, dateStyle: 'medium' }, 'dates');
  dateGroup(method, 'en-US', { ...UTC, timeStyle: 'short' }, 'dates');
  dateGroup(method, 'en-US', { ...UTC, hour12: false }, 'dates');
  dateGroup(method, 'en-US', { ...UTC, weekday: 'long' }, 'dates');
}

// ---- plural groups -----------------------------------------------------------------------------

const plural = [];
for (const locale of [undefined, ...LOCALES, 'en', 'fr', 'es']) {
  const all = [undefined, { type: 'ordinal' }, { minimumFractionDigits: 1 }, { maximumFractionDigits: 0 }, { maximumSignificantDigits: 1 }];
  for (const options of locale && locale.length === 2 ? [undefined] : all) {
    const pr = new Intl.PluralRules(locale, options);
    const g = {};
    if (locale !== undefined) g.locale = locale;
    if (options !== undefined) g.options = options;
    g.values = 'plural';
    g.expect = valuesOf('plural').map((v) => pr.select(v));
    g.resolved = pr.resolvedOptions();
    plural.push(g);
  }
}

// ---- collator groups ---------------------------------------------------------------------------

const WORDS = [
  '', 'a', 'A', 'á', 'Á', 'à', 'â', 'ä', 'b', 'B', 'ab', 'Ab', 'aB', 'a b', 'a-b', 'a_b', 'a.b', 'ae', 'æ',
  'z', 'Z', 'zebra', 'Zebra', 'apple', 'Apple', 'banana', 'cote', 'coté', 'côte', 'côté', 'résumé', 'resume',
  'Resume', 'ß', 'ss', 'ø', 'o', 'ö', '1', '2', '10', 'item2', 'item10', 'Item1', 'item01', '#tag', '@user', '$5',
  ' space', 'hello world', 'hello-world', 'Ωmega', 'Привет', 'été', 'x11', 'x2',
];
const collator = [];
for (const options of [undefined, { numeric: true }, { sensitivity: 'base' }, { sensitivity: 'accent' }, { sensitivity: 'case' }, { caseFirst: 'upper' }, { ignorePunctuation: true }]) {
  const c = new Intl.Collator('en', options);
  let expect = '';
  for (let i = 0; i < WORDS.length; i++) {
    for (let j = i + 1; j < WORDS.length; j++) {
      const r = c.compare(WORDS[i], WORDS[j]);
      expect += r < 0 ? '<' : r > 0 ? '>' : '=';
    }
  }
  const g = { locale: 'en' };
  if (options !== undefined) g.options = options;
  g.words = WORDS;
  g.expect = expect;
  collator.push(g);
}

// ---- write -------------------------------------------------------------------------------------

const doc = {
  generator: 'tools/intl/gen.mjs',
  node: process.version,
  icu: process.versions.icu,
  valueSets,
  number,
  date,
  plural,
  collator,
};
const text = JSON.stringify(doc);
writeFileSync(outPath, text + '\n');
const count = (gs) => gs.reduce((n, g) => n + g.expect.length, 0);
const pairs = collator.reduce((n, g) => n + g.expect.length, 0);
console.log(
  `wrote ${outPath}: ${(text.length / 1024).toFixed(0)} KiB; number ${number.length} groups / ${count(number)} cases, ` +
    `date ${date.length} / ${count(date)}, plural ${plural.length} / ${count(plural)}, collator ${collator.length} / ${pairs} pairs` +
    (unstable ? `; ${unstable} unstable groups dropped` : ''),
);
