// Kinema's Intl: a small, ICU-compatible subset of ECMA-402 for engines without `Intl`
// (QuickJS-ng). `installIntl(global)` returns `global.Intl` untouched when it exists; otherwise it
// installs `Intl` on `global` and patches the prototypes of the constructors `global` has
// (Number, BigInt, Date, String). Plain script-friendly module: no imports, no host APIs.
//
// Outputs match node 20 / ICU 78 byte for byte on tests/vectors/intl.json (tools/intl/gen.mjs,
// tools/intl/check.mjs), including U+00A0 / U+202F spaces.
// - Intl.NumberFormat: style decimal | percent | currency | unit; currencyDisplay symbol |
//   narrowSymbol | code | name; currencySign standard | accounting; notation standard | compact
//   (short, long) | scientific | engineering; minimum/maximum fraction, significant and integer
//   digits, roundingPriority, roundingMode, roundingIncrement, trailingZeroDisplay, useGrouping
//   (true, false, "always", "auto", "min2"), signDisplay; format (bound getter), formatToParts,
//   resolvedOptions. Numbers round half-expand on their shortest decimal form, like ICU
//   (1.005 -> "1.01"); BigInts and decimal strings are formatted exactly.
//   Locales: en-US (default), en-GB, en-IN (lakh grouping), de-DE, fr-FR, es-ES and the bare
//   languages; another region of these languages borrows the language's data; anything else is
//   en-US. Units and names of currencies other than USD/EUR/GBP/JPY are English everywhere.
// - Number.prototype.toLocaleString and BigInt.prototype.toLocaleString, with formatters cached
//   by (locales, options).
// - Intl.DateTimeFormat and Date.prototype.toLocale{,Date,Time}String: en-US patterns for every
//   locale, always in UTC (any timeZone option is accepted and treated as UTC); weekday, year,
//   month, day, hour, minute, second, fractionalSecondDigits, hour12, hourCycle, timeZoneName,
//   dateStyle, timeStyle. Not supported: era, dayPeriod, other calendars and numbering systems.
// - Intl.PluralRules (cardinal and ordinal; en, de, fr, es), Intl.Collator (an approximation of
//   the CLDR root collation: punctuation < digits < letters, accents at the second level, lower
//   case first; sensitivity, numeric, caseFirst, ignorePunctuation). String.prototype.
//   localeCompare is replaced when missing or a plain code-point comparison (as in QuickJS).
// - Intl.getCanonicalLocales and supportedLocalesOf.

const NBSP = '\u00a0';
const NNBSP = '\u202f';
const hasOwn = Object.prototype.hasOwnProperty;

// ---------------------------------------------------------------------------------------------
// Locale data

function one1(o) { return o.i === 1 && o.v === 0 ? 'one' : 'other'; }
function enOrdinal(o) {
  const n = o.n, a = n % 10, b = n % 100;
  if (a === 1 && b !== 11) return 'one';
  if (a === 2 && b !== 12) return 'two';
  if (a === 3 && b !== 13) return 'few';
  return 'other';
}
function isMany(o) { return o.v === 0 && o.i !== 0 && o.is.endsWith('000000'); }
function frCardinal(o) { return o.i === 0 || o.i === 1 ? 'one' : isMany(o) ? 'many' : 'other'; }
function esCardinal(o) { return o.n === 1 ? 'one' : isMany(o) ? 'many' : 'other'; }
function otherOnly() { return 'other'; }
function frOrdinal(o) { return o.n === 1 ? 'one' : 'other'; }

// Compact patterns: [fromMagnitude, divideByPowerOf10, forms] where forms is a suffix string or
// {one, other, exact1} (exact1 replaces the whole number when it displays as exactly 1).
const EN_SHORT = [[3, 3, 'K'], [6, 6, 'M'], [9, 9, 'B'], [12, 12, 'T']];
const EN_LONG = [[3, 3, ' thousand'], [6, 6, ' million'], [9, 9, ' billion'], [12, 12, ' trillion']];

const EN_SYM = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', CAD: 'CA$', AUD: 'A$', CNY: 'CN¥', INR: '₹', KRW: '₩', BRL: 'R$', MXN: 'MX$', ILS: '₪', VND: '₫', NZD: 'NZ$', HKD: 'HK$', TWD: 'NT$', PHP: '₱', XAF: 'FCFA', XOF: 'F\u202fCFA' };
const EN_NAMES = {
  USD: ['US dollar', 'US dollars'], EUR: ['euro', 'euros'], GBP: ['British pound', 'British pounds'],
  JPY: ['Japanese yen', 'Japanese yen'], CAD: ['Canadian dollar', 'Canadian dollars'],
  AUD: ['Australian dollar', 'Australian dollars'], INR: ['Indian rupee', 'Indian rupees'],
  CNY: ['Chinese yuan', 'Chinese yuan'], CHF: ['Swiss franc', 'Swiss francs'],
  KRW: ['South Korean won', 'South Korean won'], BRL: ['Brazilian real', 'Brazilian reals'],
  MXN: ['Mexican peso', 'Mexican pesos'], ILS: ['Israeli new shekel', 'Israeli new shekels'],
  VND: ['Vietnamese dong', 'Vietnamese dong'], NZD: ['New Zealand dollar', 'New Zealand dollars'],
  HKD: ['Hong Kong dollar', 'Hong Kong dollars'], TWD: ['New Taiwan dollar', 'New Taiwan dollars'],
  PHP: ['Philippine peso', 'Philippine pesos'], SEK: ['Swedish krona', 'Swedish kronor'],
  RUB: ['Russian ruble', 'Russian rubles'], TRY: ['Turkish lira', 'Turkish Lira'],
  ZAR: ['South African rand', 'South African rand'], SGD: ['Singapore dollar', 'Singapore dollars'],
  PLN: ['Polish zloty', 'Polish zlotys'], XAF: ['Central African CFA franc', 'Central African CFA francs'],
  XOF: ['West African CFA franc', 'West African CFA francs'],
};

const EN = {
  tag: 'en', dec: '.', grp: ',', g1: 3, g2: 3, minGrp: 1,
  pct: ['N', '%'], pctC: ['N', '%'], cur: ['C', 'N'], acc: ['(', 'C', 'N', ')'],
  sym: EN_SYM, names: EN_NAMES, cs: EN_SHORT, cl: EN_LONG,
  plural: one1, ordinal: enOrdinal, cats: ['one', 'other'], ocats: ['few', 'one', 'two', 'other'],
};
const EN_GB = Object.assign({}, EN, {
  tag: 'en-GB',
  sym: Object.assign({}, EN_SYM, { USD: 'US$', JPY: 'JP¥' }),
  cs: [[3, 3, 'k'], [6, 6, 'm'], [9, 9, 'bn'], [12, 12, 'tn']],
});
const EN_IN = Object.assign({}, EN, {
  tag: 'en-IN', g2: 2, accG2: 3, // the accounting pattern groups by thousands
  sym: Object.assign({}, EN_SYM, { JPY: 'JP¥' }),
  cs: [[3, 3, 'K'], [5, 5, 'L'], [7, 7, 'Cr'], [10, 10, 'KCr'], [12, 12, 'LCr']],
  cl: [[3, 3, ' thousand'], [5, 5, NNBSP + 'lakh'], [7, 7, NNBSP + 'crore'], [12, 12, NNBSP + 'lakh' + NNBSP + 'crore']],
});
const DE = {
  tag: 'de', dec: ',', grp: '.', g1: 3, g2: 3, minGrp: 1,
  pct: ['N', NBSP, '%'], pctC: ['N', ' ', '%'], cur: ['N', NBSP, 'C'], acc: null,
  sym: {
    USD: '$', EUR: '€', GBP: '£', JPY: '¥', CAD: 'CA$', AUD: 'AU$', CNY: 'CN¥', INR: '₹', KRW: '₩', BRL: 'R$',
    MXN: 'MX$', ILS: '₪', VND: '₫', NZD: 'NZ$', HKD: 'HK$', TWD: 'NT$', XAF: 'FCFA', XOF: 'F\u202fCFA',
  },
  names: {
    USD: ['US-Dollar', 'US-Dollar'], EUR: ['Euro', 'Euro'], GBP: ['Britisches Pfund', 'Britische Pfund'],
    JPY: ['Japanischer Yen', 'Japanische Yen'],
  },
  cs: [[6, 6, NBSP + 'Mio.'], [9, 9, NBSP + 'Mrd.'], [12, 12, NBSP + 'Bio.']],
  cl: [[3, 3, ' Tausend'], [6, 6, { one: ' Million', other: ' Millionen' }],
    [9, 9, { one: ' Milliarde', other: ' Milliarden' }], [12, 12, { one: ' Billion', other: ' Billionen' }]],
  plural: one1, ordinal: otherOnly, cats: ['one', 'other'], ocats: ['other'],
};
const FR = {
  tag: 'fr', dec: ',', grp: NNBSP, g1: 3, g2: 3, minGrp: 1,
  pct: ['N', NBSP, '%'], pctC: ['N', ' ', '%'], cur: ['N', NBSP, 'C'], acc: ['(', 'N', NBSP, 'C', ')'],
  sym: {
    USD: '$US', EUR: '€', GBP: '£GB', JPY: 'JPY', CAD: '$CA', AUD: '$AU', INR: '₹', KRW: '₩', BRL: 'R$', MXN: '$MX',
    ILS: '₪', VND: '₫', NZD: '$NZ', SGD: '$SG', XAF: 'FCFA', XOF: 'F\u202fCFA',
  },
  names: {
    USD: ['dollar des États-Unis', 'dollars des États-Unis'], EUR: ['euro', 'euros'],
    GBP: ['livre sterling', 'livres sterling'], JPY: ['yen japonais', 'yens japonais'],
  },
  cs: [[3, 3, NBSP + 'k'], [6, 6, NBSP + 'M'], [9, 9, NBSP + 'Md'], [12, 12, NBSP + 'Bn']],
  cl: [[3, 3, { exact1: 'mille', one: ' millier', other: ' mille' }], [6, 6, { one: ' million', other: ' millions' }],
    [9, 9, { one: ' milliard', other: ' milliards' }], [12, 12, { one: ' billion', other: ' billions' }]],
  plural: frCardinal, ordinal: frOrdinal, cats: ['many', 'one', 'other'], ocats: ['one', 'other'],
};
const ES = {
  tag: 'es', dec: ',', grp: '.', g1: 3, g2: 3, minGrp: 2,
  pct: ['N', NBSP, '%'], pctC: ['N', NBSP, '%'], cur: ['N', NBSP, 'C'], acc: null,
  sym: { USD: 'US$', EUR: '€', GBP: 'GBP', JPY: 'JPY', VND: '₫' },
  names: {
    USD: ['dólar estadounidense', 'dólares estadounidenses'], EUR: ['euro', 'euros'],
    GBP: ['libra esterlina', 'libras esterlinas'], JPY: ['yen japonés', 'yenes japoneses'],
  },
  cs: [[3, 3, NBSP + 'mil'], [6, 6, NBSP + 'M'], [9, 6, NBSP + 'M'], [10, 9, NBSP + 'mil' + NBSP + 'M'], [12, 12, NBSP + 'B']],
  cl: [[3, 3, ' mil'], [6, 6, { one: ' millón', other: ' millones' }], [9, 9, ' mil millones'],
    [12, 12, { one: ' billón', other: ' billones' }]],
  plural: esCardinal, ordinal: otherOnly, cats: ['many', 'one', 'other'], ocats: ['other'],
};

const LOCALE_DATA = {
  en: EN, 'en-US': EN, 'en-GB': EN_GB, 'en-IN': EN_IN,
  de: DE, 'de-DE': DE, fr: FR, 'fr-FR': FR, es: ES, 'es-ES': ES,
};
// Languages whose other regions borrow these data (an approximation).
const LANGUAGE_DATA = { en: EN, de: DE, fr: FR, es: ES };
const DEFAULT_LOCALE = 'en-US';

const CUR_DIGITS = {
  JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, UGX: 0, PYG: 0, XAF: 0, XOF: 0, XPF: 0, KMF: 0, RWF: 0,
  GNF: 0, DJF: 0, VUV: 0, BIF: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3, LYD: 3,
};
const NARROW_SYM = {
  USD: '$', EUR: '€', GBP: '£', JPY: '¥', CAD: '$', AUD: '$', INR: '₹', KRW: '₩', CNY: '¥', BRL: 'R$', MXN: '$',
  ILS: '₪', PHP: '₱', NZD: '$', HKD: '$', TWD: '$', VND: '₫', SGD: '$', RUB: '₽', TRY: '₺', SEK: 'kr', ZAR: 'R', PLN: 'zł',
  XAF: 'FCFA', XOF: 'F\u202fCFA',
};

// Units (English names for every locale): [short, long, narrow] suffixes, "one|other" where the
// plural matters. An unlisted unit prints as " <unit>".
const UNITS = {
  percent: ['%', ' percent', '%'],
  'kilometer-per-hour': [' km/h', ' kilometer per hour| kilometers per hour', 'km/h'],
  'mile-per-hour': [' mph', ' mile per hour| miles per hour', 'mph'],
  'meter-per-second': [' m/s', ' meter per second| meters per second', 'm/s'],
  meter: [' m', ' meter| meters', 'm'], kilometer: [' km', ' kilometer| kilometers', 'km'],
  centimeter: [' cm', ' centimeter| centimeters', 'cm'], millimeter: [' mm', ' millimeter| millimeters', 'mm'],
  mile: [' mi', ' mile| miles', 'mi'], foot: [' ft', ' foot| feet', '\u2032'], inch: [' in', ' inch| inches', '\u2033'],
  kilogram: [' kg', ' kilogram| kilograms', 'kg'], gram: [' g', ' gram| grams', 'g'], pound: [' lb', ' pound| pounds', '#'],
  millisecond: [' ms', ' millisecond| milliseconds', 'ms'], second: [' sec', ' second| seconds', 's'],
  minute: [' min', ' minute| minutes', 'm'], hour: [' hr', ' hour| hours', 'h'], day: [' day| days', ' day| days', 'd'],
  week: [' wk| wks', ' week| weeks', 'w'], month: [' mth| mths', ' month| months', 'm'], year: [' yr| yrs', ' year| years', 'y'],
  celsius: ['°C', ' degree Celsius| degrees Celsius', '°C'], fahrenheit: ['°F', ' degree Fahrenheit| degrees Fahrenheit', '°'],
  degree: [' deg', ' degree| degrees', '°'], byte: [' byte', ' byte| bytes', 'B'], kilobyte: [' kB', ' kilobyte| kilobytes', 'kB'],
  megabyte: [' MB', ' megabyte| megabytes', 'MB'], gigabyte: [' GB', ' gigabyte| gigabytes', 'GB'],
  terabyte: [' TB', ' terabyte| terabytes', 'TB'], kilobit: [' kb', ' kilobit| kilobits', 'kb'],
  'megabit-per-second': [' Mb/s', ' megabit per second| megabits per second', 'Mb/s'],
  liter: [' L', ' liter| liters', 'L'], milliliter: [' mL', ' milliliter| milliliters', 'mL'],
};
const UNIT_ID = /^[a-z]+(?:-[a-z]+)*$/;
const GB_UNITS = Object.assign({}, UNITS, {
  percent: ['%', ' per cent', '%'],
  'kilometer-per-hour': [' km/h', ' kilometre per hour| kilometres per hour', 'km/h'],
  'meter-per-second': [' m/s', ' metre per second| metres per second', 'm/s'],
  meter: [' m', ' metre| metres', 'm'], kilometer: [' km', ' kilometre| kilometres', 'km'],
  centimeter: [' cm', ' centimetre| centimetres', 'cm'], millimeter: [' mm', ' millimetre| millimetres', 'mm'],
  pound: [' lb', ' pound| pounds', 'lb'], second: [' sec| secs', ' second| seconds', 's'],
  minute: [' min| mins', ' minute| minutes', 'm'], hour: [' hr| hrs', ' hour| hours', 'h'],
  fahrenheit: ['°F', ' degree Fahrenheit| degrees Fahrenheit', '°F'],
  liter: [' l', ' litre| litres', 'l'], milliliter: [' ml', ' millilitre| millilitres', 'ml'],
});
const IN_UNITS = Object.assign({}, GB_UNITS, {
  'kilometer-per-hour': [' kph', ' kilometre per hour| kilometres per hour', 'kph'],
});
EN.units = DE.units = FR.units = ES.units = UNITS;
EN_GB.units = GB_UNITS;
EN_IN.units = IN_UNITS;


// ---------------------------------------------------------------------------------------------
// Locale negotiation

const LANG_TAG = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*$/;
const ALPHA = /^[a-zA-Z]+$/;

function canonTag(tag) {
  if (typeof tag !== 'string' && (typeof tag !== 'object' || tag === null)) {
    throw new TypeError('Language ID should be string or object.');
  }
  const s = String(tag);
  if (!LANG_TAG.test(s)) throw new RangeError('Incorrect locale information provided');
  const parts = s.split('-');
  let out = parts[0].toLowerCase();
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i];
    if (p.length === 1) { out += '-' + parts.slice(i).join('-').toLowerCase(); break; }
    if (p.length === 2 && ALPHA.test(p)) out += '-' + p.toUpperCase();
    else if (p.length === 4 && ALPHA.test(p)) out += '-' + p[0].toUpperCase() + p.slice(1).toLowerCase();
    else out += '-' + p.toLowerCase();
  }
  return out;
}

function canonList(locales) {
  if (locales === undefined) return [];
  if (typeof locales === 'string') return [canonTag(locales)];
  if (locales === null) throw new TypeError('Cannot convert undefined or null to object');
  const out = [];
  const len = locales.length >>> 0;
  for (let i = 0; i < len; i++) {
    if (!(i in locales)) continue;
    const t = canonTag(locales[i]);
    if (out.indexOf(t) < 0) out.push(t);
  }
  return out;
}

// Returns [resolvedTag, data] (data is null for a tag we have no data for).
function lookupTag(tag) {
  const ext = tag.indexOf('-u-');
  const base = ext < 0 ? tag : tag.slice(0, ext);
  if (hasOwn.call(LOCALE_DATA, base)) return [base, LOCALE_DATA[base]];
  const lang = base.split('-')[0];
  if (hasOwn.call(LANGUAGE_DATA, lang)) return [lang, LANGUAGE_DATA[lang]];
  return null;
}

const DEFAULT_RESOLUTION = [DEFAULT_LOCALE, EN];
const localeCache = new Map();
function resolveLocale(locales) {
  const key = typeof locales === 'string' ? locales : locales === undefined ? '' : null;
  if (key !== null) {
    const hit = localeCache.get(key);
    if (hit) return hit;
  }
  let res = null;
  for (const t of canonList(locales)) {
    res = lookupTag(t);
    if (res) break;
  }
  if (!res) res = DEFAULT_RESOLUTION;
  if (key !== null) localeCache.set(key, res);
  return res;
}

function supportedLocalesOf(locales) {
  return canonList(locales).filter((t) => lookupTag(t) !== null);
}

// ---------------------------------------------------------------------------------------------
// Option helpers

function toOptions(options) {
  if (options === undefined) return {};
  if (options === null) throw new TypeError('Cannot convert undefined or null to object');
  return Object(options);
}

function getOpt(o, name, allowed, def) {
  let v = o[name];
  if (v === undefined) return def;
  v = String(v);
  if (allowed && allowed.indexOf(v) < 0) {
    throw new RangeError('Value ' + v + ' out of range for options property ' + name);
  }
  return v;
}

function getBool(o, name) {
  const v = o[name];
  return v === undefined ? undefined : Boolean(v);
}

function defaultNumber(v, min, max, def, name) {
  if (v === undefined) return def;
  v = Number(v);
  if (!(v >= min && v <= max)) throw new RangeError(name + ' value is out of range.');
  return Math.floor(v);
}

// ---------------------------------------------------------------------------------------------
// Exact decimal arithmetic. A non-negative decimal is {d, p}: d is the digit string without
// leading or trailing zeros ('' for zero) and the value is 0.d × 10^p.

const ZERO = { d: '', p: 0 };

function parseDec(s) {
  let e = s.indexOf('e');
  if (e < 0) e = s.indexOf('E');
  const mant = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? 0 : parseInt(s.slice(e + 1), 10);
  const dot = mant.indexOf('.');
  const ip = dot < 0 ? mant : mant.slice(0, dot);
  const d = dot < 0 ? ip : ip + mant.slice(dot + 1);
  let a = 0, b = d.length;
  while (a < b && d.charCodeAt(a) === 48) a++;
  while (b > a && d.charCodeAt(b - 1) === 48) b--;
  if (a === b) return ZERO;
  return { d: d.slice(a, b), p: ip.length + exp - a };
}

// Should the digits kept be incremented? rel: sign of (discarded - half unit); the discarded
// part is never zero here.
function roundUp(mode, rel, neg, odd) {
  switch (mode) {
    case 'halfExpand': return rel >= 0;
    case 'halfTrunc': return rel > 0;
    case 'halfEven': return rel > 0 || (rel === 0 && odd);
    case 'halfCeil': return neg ? rel > 0 : rel >= 0;
    case 'halfFloor': return neg ? rel >= 0 : rel > 0;
    case 'ceil': return !neg;
    case 'floor': return neg;
    case 'expand': return true;
    default: return false; // trunc
  }
}

// Keep the first k digits of x (k may be <= 0), rounding by mode.
function roundDigits(x, k, mode, neg) {
  const d = x.d, n = d.length;
  if (k >= n) return x;
  let p = x.p;
  let rel;
  if (k < 0) {
    rel = -1;
    p -= k;
    k = 0;
  } else {
    const c = d.charCodeAt(k) - 48;
    rel = c > 5 ? 1 : c < 5 ? -1 : n > k + 1 ? 1 : 0;
  }
  const odd = k > 0 && (d.charCodeAt(k - 1) & 1) === 1;
  if (!roundUp(mode, rel, neg, odd)) {
    let b = k;
    while (b > 0 && d.charCodeAt(b - 1) === 48) b--;
    return b === 0 ? ZERO : { d: d.slice(0, b), p };
  }
  let i = k - 1;
  while (i >= 0 && d.charCodeAt(i) === 57) i--;
  if (i < 0) return { d: '1', p: p + 1 };
  return { d: d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1), p };
}

function roundIncrement(x, mxfd, inc, mode, neg) {
  if (x.d === '') return x;
  const q = x.p + mxfd; // digits before the rounding point
  const n = x.d.length;
  let ip, fp;
  if (q <= 0) { ip = '0'; fp = '0'.repeat(-q) + x.d; }
  else if (q >= n) { ip = x.d + '0'.repeat(q - n); fp = ''; }
  else { ip = x.d.slice(0, q); fp = x.d.slice(q); }
  const I = BigInt(ip), B = BigInt(inc);
  let quo = I / B;
  const r = I % B;
  if (r !== 0n || fp !== '') {
    const c = 2n * r - B;
    let rel;
    if (fp === '') rel = c > 0n ? 1 : c < 0n ? -1 : 0;
    else if (c >= 0n) rel = 1;
    else if (c <= -2n) rel = -1;
    else {
      const f0 = fp.charCodeAt(0) - 48;
      rel = f0 > 5 ? 1 : f0 < 5 ? -1 : fp.length > 1 ? 1 : 0;
    }
    if (roundUp(mode, rel, neg, (quo & 1n) === 1n)) quo += 1n;
  }
  const v = parseDec(String(quo * B));
  return v.d === '' ? ZERO : { d: v.d, p: v.p - mxfd };
}

// Digits of x with at least minInt integer and minFrac fraction digits.
function intDigits(x, minInt) {
  const d = x.d, p = x.p;
  let s = p <= 0 ? '0' : p >= d.length ? d + '0'.repeat(p - d.length) : d.slice(0, p);
  if (s.length < minInt) s = '0'.repeat(minInt - s.length) + s;
  return s;
}
function fracDigits(x, minFrac) {
  const d = x.d, p = x.p;
  let s = p >= d.length ? '' : p < 0 ? '0'.repeat(-p) + d : d.slice(p);
  if (s.length < minFrac) s += '0'.repeat(minFrac - s.length);
  return s;
}

// Plural operands of a formatted number. Like ICU, the integer operand keeps only the last 18
// digits.
function operands(is, fs) {
  let t = fs.length;
  while (t > 0 && fs.charCodeAt(t - 1) === 48) t--;
  if (is.length > 18) is = is.slice(-18);
  return { n: Number(fs ? is + '.' + fs : is), i: Number(is), is, v: fs.length, f: fs ? Number(fs) : 0, t: t ? Number(fs.slice(0, t)) : 0 };
}

// ---------------------------------------------------------------------------------------------
// NumberFormat

const ROUNDING_MODES = ['ceil', 'floor', 'expand', 'trunc', 'halfCeil', 'halfFloor', 'halfExpand', 'halfTrunc', 'halfEven'];
const INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000];

// ES2023 SetNumberFormatDigitOptions.
function digitOptions(r, o, mnfdDefault, mxfdDefault, notation) {
  r.minimumIntegerDigits = defaultNumber(o.minimumIntegerDigits, 1, 21, 1, 'minimumIntegerDigits');
  // ES2023 allows up to 100 fraction digits (node 20 still stops at 20).
  const mnfd = o.minimumFractionDigits, mxfd = o.maximumFractionDigits;
  const mnsd = o.minimumSignificantDigits, mxsd = o.maximumSignificantDigits;
  const inc = defaultNumber(o.roundingIncrement, 1, 5000, 1, 'roundingIncrement');
  if (INCREMENTS.indexOf(inc) < 0) throw new RangeError('roundingIncrement value is out of range.');
  r.roundingMode = getOpt(o, 'roundingMode', ROUNDING_MODES, 'halfExpand');
  const priority = getOpt(o, 'roundingPriority', ['auto', 'morePrecision', 'lessPrecision'], 'auto');
  r.trailingZeroDisplay = getOpt(o, 'trailingZeroDisplay', ['auto', 'stripIfInteger'], 'auto');
  if (inc !== 1) mxfdDefault = mnfdDefault;
  r.roundingIncrement = inc;
  const hasSd = mnsd !== undefined || mxsd !== undefined;
  const hasFd = mnfd !== undefined || mxfd !== undefined;
  let needSd = true, needFd = true;
  if (priority === 'auto') {
    needSd = hasSd;
    if (needSd || (!hasFd && notation === 'compact')) needFd = false;
  }
  if (needSd) {
    if (hasSd) {
      r.mnsd = defaultNumber(mnsd, 1, 21, 1, 'minimumSignificantDigits');
      r.mxsd = defaultNumber(mxsd, r.mnsd, 21, 21, 'maximumSignificantDigits');
    } else {
      r.mnsd = 1;
      r.mxsd = 21;
    }
  }
  if (needFd) {
    if (hasFd) {
      let a = defaultNumber(mnfd, 0, 100, undefined, 'minimumFractionDigits');
      let b = defaultNumber(mxfd, 0, 100, undefined, 'maximumFractionDigits');
      if (a === undefined) a = Math.min(mnfdDefault, b);
      else if (b === undefined) b = Math.max(mxfdDefault, a);
      else if (a > b) throw new RangeError('maximumFractionDigits value is out of range.');
      r.mnfd = a;
      r.mxfd = b;
    } else {
      r.mnfd = mnfdDefault;
      r.mxfd = mxfdDefault;
    }
  }
  if (!needSd && !needFd) {
    r.mnfd = 0; r.mxfd = 0; r.mnsd = 1; r.mxsd = 2;
    r.rt = 'more';
    r.roundingPriority = 'morePrecision';
  } else if (priority === 'auto') {
    r.rt = needSd ? 'sig' : 'frac';
    r.roundingPriority = 'auto';
  } else {
    r.rt = priority === 'morePrecision' ? 'more' : 'less';
    r.roundingPriority = priority;
  }
  if (inc !== 1) {
    if (r.rt !== 'frac') throw new TypeError('roundingIncrement requires fraction digit rounding');
    if (r.mxfd !== r.mnfd) throw new RangeError('maximumFractionDigits value is out of range.');
  }
}

// Round x per r; returns [rounded, minFrac].
function roundNumber(r, x, neg) {
  const rt = r.rt;
  if (rt === 'frac') {
    const y = r.roundingIncrement !== 1
      ? roundIncrement(x, r.mxfd, r.roundingIncrement, r.roundingMode, neg)
      : roundDigits(x, x.p + r.mxfd, r.roundingMode, neg);
    return [y, r.mnfd];
  }
  const s = roundDigits(x, r.mxsd, r.roundingMode, neg);
  const sMin = Math.max(0, r.mnsd - (s.d === '' ? 1 : s.p));
  if (rt === 'sig') return [s, sMin];
  const f = roundDigits(x, x.p + r.mxfd, r.roundingMode, neg);
  const sMag = (x.d === '' ? 1 : x.p) - r.mxsd;
  const fMag = -r.mxfd;
  const useSig = rt === 'more' ? sMag <= fMag : sMag > fMag;
  return useSig ? [s, sMin] : [f, r.mnfd];
}

function compactEntry(table, mag) {
  let e = null;
  for (let i = 0; i < table.length; i++) {
    if (table[i][0] <= mag) e = table[i];
    else break;
  }
  return e;
}

function pushInteger(out, s, r) {
  const g1 = r.L.g1, minGrp = r.minGrp, grp = r.L.grp;
  if (!minGrp || s.length < g1 + minGrp) {
    out.push('integer', s);
    return;
  }
  const g2 = r.g2;
  let end = s.length - g1;
  let first = end % g2;
  if (first === 0) first = g2;
  out.push('integer', s.slice(0, first));
  for (let i = first; i < end; i += g2) out.push('group', grp, 'integer', s.slice(i, i + g2));
  out.push('group', grp, 'integer', s.slice(end));
}

const STRING_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRIM_WS = /^[\s\uFEFF\xA0]+|[\s\uFEFF\xA0]+$/g;

// Converts a format() argument to [neg, decimal | 'nan' | 'inf'].
function toMathValue(v) {
  if (typeof v === 'bigint') {
    const neg = v < 0n;
    return [neg, parseDec(String(neg ? -v : v))];
  }
  if (typeof v === 'string') {
    const s = v.replace(TRIM_WS, '');
    if (s === '') return [false, ZERO];
    if (STRING_NUMBER.test(s)) {
      const neg = s.charCodeAt(0) === 45;
      const c = s.charCodeAt(0);
      return [neg, parseDec(c === 43 || c === 45 ? s.slice(1) : s)];
    }
    v = Number(s);
  } else if (typeof v !== 'number') {
    v = Number(v);
  }
  if (v !== v) return [false, 'nan'];
  const neg = v < 0 || (v === 0 && 1 / v < 0);
  if (v === Infinity || v === -Infinity) return [neg, 'inf'];
  if (v === 0) return [neg, ZERO];
  return [neg, parseDec(String(neg ? -v : v))];
}

// Formats v into a flat [type, value, type, value, ...] list.
function formatNumberToList(r, v) {
  const L = r.L;
  const mv = toMathValue(v);
  const neg = mv[0];
  let x = mv[1];
  const body = [];
  let isZero = false;
  let plural = null; // operands of the displayed number, when needed
  let wholePlural = null; // ... of the whole value, exponent applied (for currency and unit names)
  if (x === 'nan') {
    body.push('nan', 'NaN');
  } else if (x === 'inf') {
    body.push('infinity', '∞');
  } else {
    if (r.style === 'percent' && x.d !== '') x = { d: x.d, p: x.p + 2 };
    let rounded, minFrac, shift = 0, compact = null;
    const notation = r.notation;
    if (notation === 'standard' || x.d === '') {
      [rounded, minFrac] = roundNumber(r, x, neg);
    } else if (notation === 'compact') {
      const table = r.compactDisplay === 'long' && !r.currencyText ? L.cl : L.cs;
      const mag = x.p - 1;
      compact = compactEntry(table, mag);
      shift = compact ? compact[1] : 0;
      [rounded, minFrac] = roundNumber(r, { d: x.d, p: x.p - shift }, neg);
      if (rounded.d !== '' && rounded.p - 1 !== mag - shift) {
        const c2 = compactEntry(table, mag + 1);
        const shift2 = c2 ? c2[1] : 0;
        if (shift2 !== shift) {
          compact = c2;
          [rounded, minFrac] = roundNumber(r, { d: rounded.d, p: rounded.p - (shift2 - shift) }, neg);
          shift = shift2;
        }
      }
    } else {
      const eng = notation === 'engineering';
      const mag = x.p - 1;
      shift = eng ? Math.floor(mag / 3) * 3 : mag;
      [rounded, minFrac] = roundNumber(r, { d: x.d, p: x.p - shift }, neg);
      if (rounded.d !== '' && rounded.p - 1 !== mag - shift) {
        const s2 = eng ? Math.floor((mag + 1) / 3) * 3 : mag + 1;
        if (s2 !== shift) {
          [rounded, minFrac] = roundNumber(r, { d: rounded.d, p: rounded.p - (s2 - shift) }, neg);
          shift = s2;
        }
      }
    }
    isZero = rounded.d === '';
    if (r.trailingZeroDisplay === 'stripIfInteger' && rounded.p >= rounded.d.length) minFrac = 0;
    const is = intDigits(rounded, r.minimumIntegerDigits);
    const fs = fracDigits(rounded, minFrac);
    const forms = compact && compact[2];
    if (r.needPlural || (forms && typeof forms === 'object')) {
      plural = wholePlural = operands(is, fs);
      if (shift) {
        const whole = { d: rounded.d, p: rounded.p + shift };
        wholePlural = operands(intDigits(whole, 1), fracDigits(whole, 0));
        if (!compact) plural = wholePlural;
      }
    }
    if (forms && forms.exact1 && is === '1' && fs === '' && r.minimumIntegerDigits === 1) {
      body.push('compact', forms.exact1);
    } else {
      pushInteger(body, is, r);
      if (fs) body.push('decimal', L.dec, 'fraction', fs);
      if (notation === 'scientific' || notation === 'engineering') {
        body.push('exponentSeparator', 'E');
        if (shift < 0) body.push('exponentMinusSign', '-');
        body.push('exponentInteger', String(shift < 0 ? -shift : shift));
      } else if (forms) {
        let suffix = typeof forms === 'string' ? forms
          : L.plural(plural) === 'one' && forms.one !== undefined ? forms.one : forms.other;
        let sp = 0;
        while (sp < suffix.length && (suffix[sp] === ' ' || suffix[sp] === NBSP || suffix[sp] === NNBSP)) sp++;
        if (sp) body.push('literal', suffix.slice(0, sp));
        body.push('compact', suffix.slice(sp));
      }
    }
  }

  let sign = '';
  const nan = x === 'nan';
  switch (r.signDisplay) {
    case 'auto': if (neg) sign = '-'; break;
    case 'always': sign = neg ? '-' : '+'; break;
    case 'exceptZero': if (!isZero && !nan) sign = neg ? '-' : '+'; break;
    case 'negative': if (neg && !isZero) sign = '-'; break;
    default: break;
  }

  const out = [];
  let pat = r.pattern;
  if (sign === '-' && r.accPattern) pat = r.accPattern;
  else if (sign) out.push(sign === '-' ? 'minusSign' : 'plusSign', sign);
  let cur = r.currencyText;
  if (r.names) cur = wholePlural && L.plural(wholePlural) === 'one' ? r.names[0] : r.names[1];
  for (let i = 0; i < pat.length; i++) {
    const t = pat[i];
    if (t === 'N') {
      for (let j = 0; j < body.length; j++) out.push(body[j]);
    } else if (t === 'C') {
      out.push('currency', cur);
      if (r.curSpace && pat[i + 1] === 'N' && (body[0] === 'integer')) out.push('literal', NBSP);
    } else if (t === '%') {
      out.push('percentSign', '%');
    } else if (t === 'U') {
      let u = r.unitText;
      if (u === null) u = wholePlural && L.plural(wholePlural) === 'one' ? r.unitForms[0] : r.unitForms[1];
      let sp = 0;
      while (sp < u.length && u[sp] === ' ') sp++;
      if (sp) out.push('literal', u.slice(0, sp));
      out.push('unit', u.slice(sp));
    } else {
      out.push('literal', t);
    }
  }
  return out;
}

function listToString(list) {
  let s = '';
  for (let i = 1; i < list.length; i += 2) s += list[i];
  return s;
}

function listToParts(list) {
  const parts = [];
  for (let i = 0; i < list.length; i += 2) parts.push({ type: list[i], value: list[i + 1] });
  return parts;
}

const CURRENCY_CODE = /^[A-Za-z]{3}$/;
const SYMBOL_END = /[\p{S}]$/u;

function NumberFormat(locales, options) {
  if (!new.target) return new NumberFormat(locales, options);
  const [locale, L] = resolveLocale(locales);
  const o = toOptions(options);
  const r = { locale, L };
  getOpt(o, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  const style = getOpt(o, 'style', ['decimal', 'percent', 'currency', 'unit'], 'decimal');
  let currency = getOpt(o, 'currency', null, undefined);
  if (currency !== undefined) {
    if (!CURRENCY_CODE.test(currency)) throw new RangeError('Invalid currency code : ' + currency);
    currency = currency.toUpperCase();
  }
  const currencyDisplay = getOpt(o, 'currencyDisplay', ['code', 'symbol', 'narrowSymbol', 'name'], 'symbol');
  const currencySign = getOpt(o, 'currencySign', ['standard', 'accounting'], 'standard');
  let unit = getOpt(o, 'unit', null, undefined);
  if (unit !== undefined && !UNIT_ID.test(unit)) throw new RangeError('Invalid unit argument for Intl.NumberFormat() \'' + unit + '\'');
  const unitDisplay = getOpt(o, 'unitDisplay', ['short', 'narrow', 'long'], 'short');
  if (style === 'currency' && currency === undefined) throw new TypeError('Currency code is required with currency style.');
  if (style === 'unit' && unit === undefined) throw new TypeError('Unit is required with unit style.');
  const notation = getOpt(o, 'notation', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
  let mnfdDefault = 0, mxfdDefault = style === 'percent' ? 0 : 3;
  if (style === 'currency') { // V8 uses the currency's digits for every notation
    mnfdDefault = mxfdDefault = hasOwn.call(CUR_DIGITS, currency) ? CUR_DIGITS[currency] : 2;
  }
  digitOptions(r, o, mnfdDefault, mxfdDefault, notation);
  const compactDisplay = getOpt(o, 'compactDisplay', ['short', 'long'], 'short');
  const defaultGrouping = notation === 'compact' ? 'min2' : 'auto';
  let ug = o.useGrouping;
  if (ug === undefined) ug = defaultGrouping;
  else if (ug === true) ug = 'always';
  else if (!ug) ug = false;
  else {
    ug = String(ug);
    if (ug === 'true' || ug === 'false') ug = defaultGrouping;
    else if (ug !== 'min2' && ug !== 'auto' && ug !== 'always') throw new RangeError('Value ' + ug + ' out of range for Intl.NumberFormat options property useGrouping');
  }
  const signDisplay = getOpt(o, 'signDisplay', ['auto', 'never', 'always', 'exceptZero', 'negative'], 'auto');

  r.style = style;
  r.currency = currency;
  r.currencyDisplay = currencyDisplay;
  r.currencySign = currencySign;
  r.notation = notation;
  r.compactDisplay = compactDisplay;
  r.useGrouping = ug;
  r.minGrp = ug === false ? 0 : ug === 'always' ? 1 : ug === 'min2' ? 2 : L.minGrp;
  r.signDisplay = signDisplay;
  r.g2 = style === 'currency' && currencySign === 'accounting' && L.accG2 ? L.accG2 : L.g2;
  r.needPlural = false;
  r.names = null;
  r.accPattern = null;
  r.curSpace = false;
  r.currencyText = null;
  if (style === 'percent') {
    r.pattern = notation === 'compact' ? L.pctC : L.pct;
  } else if (style === 'currency') {
    if (currencyDisplay === 'name') {
      r.pattern = ['N', ' ', 'C'];
      const nm = L.names[currency] || EN_NAMES[currency] || [currency, currency];
      r.names = nm;
      r.needPlural = true;
    } else {
      let text = currency;
      if (currencyDisplay === 'symbol') text = L.sym[currency] || currency;
      else if (currencyDisplay === 'narrowSymbol') text = NARROW_SYM[currency] || L.sym[currency] || currency;
      r.currencyText = text;
      r.pattern = L.cur;
      r.curSpace = !SYMBOL_END.test(text);
      if (currencySign === 'accounting' && notation !== 'compact' && L.acc) r.accPattern = L.acc;
    }
  } else if (style === 'unit') {
    r.unit = unit;
    r.unitDisplay = unitDisplay;
    const forms = L.units[unit];
    let text = forms ? forms[unitDisplay === 'long' ? 1 : unitDisplay === 'narrow' ? 2 : 0] : ' ' + unit;
    const bar = text.indexOf('|');
    if (bar >= 0) {
      r.unitForms = [text.slice(0, bar), text.slice(bar + 1)];
      r.needPlural = true;
      text = null;
    }
    r.unitText = text;
    r.pattern = ['N', 'U'];
  } else {
    r.pattern = ['N'];
  }
  this._nf = r;
}

function nfState(nf) {
  if (!nf || !nf._nf) throw new TypeError('Method called on incompatible receiver (expected Intl.NumberFormat)');
  return nf._nf;
}

Object.defineProperty(NumberFormat.prototype, 'format', {
  configurable: true,
  get() {
    const r = nfState(this);
    if (!r.bound) r.bound = (v) => listToString(formatNumberToList(r, v));
    return r.bound;
  },
});

function defineMethods(proto, methods) {
  for (const k of Object.keys(methods)) {
    Object.defineProperty(proto, k, { value: methods[k], writable: true, configurable: true });
  }
}

defineMethods(NumberFormat.prototype, {
  formatToParts(v) {
    return listToParts(formatNumberToList(nfState(this), v));
  },
  resolvedOptions() {
    const r = nfState(this);
    const o = { locale: r.locale, numberingSystem: 'latn', style: r.style };
    if (r.style === 'currency') {
      o.currency = r.currency;
      o.currencyDisplay = r.currencyDisplay;
      o.currencySign = r.currencySign;
    }
    if (r.style === 'unit') {
      o.unit = r.unit;
      o.unitDisplay = r.unitDisplay;
    }
    o.minimumIntegerDigits = r.minimumIntegerDigits;
    if (r.rt !== 'frac') {
      o.minimumSignificantDigits = r.mnsd;
      o.maximumSignificantDigits = r.mxsd;
    }
    if (r.rt !== 'sig') {
      o.minimumFractionDigits = r.mnfd;
      o.maximumFractionDigits = r.mxfd;
    }
    o.useGrouping = r.useGrouping;
    o.notation = r.notation;
    if (r.notation === 'compact') o.compactDisplay = r.compactDisplay;
    o.signDisplay = r.signDisplay;
    o.roundingMode = r.roundingMode;
    o.roundingIncrement = r.roundingIncrement;
    o.trailingZeroDisplay = r.trailingZeroDisplay;
    o.roundingPriority = r.roundingPriority;
    return o;
  },
});

// ---------------------------------------------------------------------------------------------
// PluralRules

function PluralRules(locales, options) {
  if (!new.target) throw new TypeError("Constructor Intl.PluralRules requires 'new'");
  const res = resolveLocale(locales);
  const L = res[1];
  // Plural rules are per language (but the default locale is reported as is).
  const locale = res === DEFAULT_RESOLUTION ? DEFAULT_LOCALE : L.tag.split('-')[0];
  const o = toOptions(options);
  getOpt(o, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  const type = getOpt(o, 'type', ['cardinal', 'ordinal'], 'cardinal');
  const r = { locale, L, type };
  digitOptions(r, o, 0, 3, 'standard');
  this._pr = r;
}

function prState(p) {
  if (!p || !p._pr) throw new TypeError('Method called on incompatible receiver (expected Intl.PluralRules)');
  return p._pr;
}

defineMethods(PluralRules.prototype, {
  select(v) {
    const r = prState(this);
    const n = Number(v);
    if (!isFinite(n)) return 'other';
    const neg = n < 0;
    const [x, minFrac] = roundNumber(r, n === 0 ? ZERO : parseDec(String(neg ? -n : n)), neg);
    const op = operands(intDigits(x, 1), fracDigits(x, minFrac));
    return r.type === 'ordinal' ? r.L.ordinal(op) : r.L.plural(op);
  },
  resolvedOptions() {
    const r = prState(this);
    const o = { locale: r.locale, type: r.type, minimumIntegerDigits: r.minimumIntegerDigits };
    if (r.rt !== 'sig') {
      o.minimumFractionDigits = r.mnfd;
      o.maximumFractionDigits = r.mxfd;
    }
    if (r.rt !== 'frac') {
      o.minimumSignificantDigits = r.mnsd;
      o.maximumSignificantDigits = r.mxsd;
    }
    o.pluralCategories = (r.type === 'ordinal' ? r.L.ocats : r.L.cats).slice();
    return o;
  },
});

// ---------------------------------------------------------------------------------------------
// DateTimeFormat (en-US patterns, UTC)

const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAYS_SHORT = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const TZ_NAMES = {
  short: 'UTC', long: 'Coordinated Universal Time', shortOffset: 'GMT+0', longOffset: 'GMT+00:00',
  shortGeneric: 'GMT+0', longGeneric: 'GMT+00:00',
};

const DATE_FIELDS = ['weekday', 'era', 'year', 'month', 'day', 'dayPeriod', 'hour', 'minute', 'second', 'fractionalSecondDigits', 'timeZoneName'];
const NUM2 = ['2-digit', 'numeric'];
const TEXT3 = ['narrow', 'short', 'long'];
const FIELD_VALUES = {
  weekday: TEXT3, era: TEXT3, year: NUM2, month: ['2-digit', 'numeric', 'narrow', 'short', 'long'], day: NUM2,
  dayPeriod: TEXT3, hour: NUM2, minute: NUM2, second: NUM2,
  timeZoneName: ['short', 'long', 'shortOffset', 'longOffset', 'shortGeneric', 'longGeneric'],
};
const STYLES = ['full', 'long', 'medium', 'short'];

function pad2(n) { return n < 10 ? '0' + n : String(n); }

// Builds the token list: strings are literals, arrays are [field, style].
function datePattern(f) {
  const w = f.weekday, y = f.year, m = f.month, d = f.day;
  let core = null;
  const Y = ['year', y], M = ['month', m], D = ['day', d];
  if (m === 'long' || m === 'short' || m === 'narrow') {
    if (d && y) core = [M, ' ', D, ', ', Y];
    else if (d) core = [M, ' ', D];
    else if (y) core = [M, ' ', Y];
    else core = [M];
  } else if (m) {
    core = [M];
    if (d) core.push('/', D);
    if (y) core.push('/', Y);
  } else if (y && d) {
    core = [D, ' ', Y];
  } else if (y) {
    core = [Y];
  } else if (d) {
    core = [D];
  }
  if (!w) return core;
  const W = ['weekday', w];
  if (!core) return [W];
  if (d) return [W, ', '].concat(core);
  return core.concat(' ', [W]);
}

function timePattern(f, hc) {
  const h = f.hour, mi = f.minute, s = f.second, fsd = f.fractionalSecondDigits;
  const twelve = hc === 'h11' || hc === 'h12';
  const t = [];
  const sec = () => {
    t.push(['second', mi ? '2-digit' : 'numeric']);
    if (fsd) t.push('.', ['fractionalSecond', fsd]);
  };
  if (h) {
    t.push(['hour', twelve ? h : '2-digit']);
    if (mi) {
      t.push(':', ['minute', '2-digit']);
      if (s) { t.push(':'); sec(); }
    } else if (s) {
      t.push(' '); sec();
    }
    if (twelve) t.push(' ', ['dayPeriod', 'short']);
  } else if (mi) {
    t.push(['minute', s ? '2-digit' : 'numeric']);
    if (s) { t.push(':'); sec(); }
  } else if (s) {
    sec();
  } else if (fsd) {
    t.push(['fractionalSecond', fsd]);
  }
  return t.length ? t : null;
}

function DateTimeFormat(locales, options) {
  if (!new.target) return new DateTimeFormat(locales, options);
  this._dtf = makeDateTimeFormat(locales, options, 'any', 'date');
}

function makeDateTimeFormat(locales, options, required, defaults) {
  resolveLocale(locales); // validates the tags; every locale formats as en-US
  const o = toOptions(options);
  getOpt(o, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  getOpt(o, 'calendar', null, undefined);
  getOpt(o, 'numberingSystem', null, undefined);
  const hour12 = getBool(o, 'hour12');
  let hourCycle = getOpt(o, 'hourCycle', ['h11', 'h12', 'h23', 'h24'], undefined);
  if (hour12 !== undefined) hourCycle = undefined;
  if (o.timeZone !== undefined) String(o.timeZone); // any time zone is formatted as UTC
  const f = {};
  for (const k of DATE_FIELDS) {
    if (k === 'fractionalSecondDigits') {
      const v = o[k];
      f[k] = v === undefined ? undefined : defaultNumber(v, 1, 3, undefined, k);
    } else {
      f[k] = getOpt(o, k, FIELD_VALUES[k], undefined);
    }
  }
  getOpt(o, 'formatMatcher', ['basic', 'best fit'], 'best fit');
  const dateStyle = getOpt(o, 'dateStyle', STYLES, undefined);
  const timeStyle = getOpt(o, 'timeStyle', STYLES, undefined);
  const r = { locale: DEFAULT_LOCALE, timeZone: 'UTC', dateStyle, timeStyle };
  if (dateStyle || timeStyle) {
    for (const k of DATE_FIELDS) {
      if (f[k] !== undefined) throw new TypeError("Can't set option " + k + ' when ' + (dateStyle ? 'dateStyle' : 'timeStyle') + ' is used');
    }
    if (required === 'date' && timeStyle) throw new TypeError('Invalid option : timeStyle');
    if (required === 'time' && dateStyle) throw new TypeError('Invalid option : dateStyle');
    if (dateStyle === 'full') { f.weekday = 'long'; f.month = 'long'; f.day = f.year = 'numeric'; }
    else if (dateStyle === 'long') { f.month = 'long'; f.day = f.year = 'numeric'; }
    else if (dateStyle === 'medium') { f.month = 'short'; f.day = f.year = 'numeric'; }
    else if (dateStyle === 'short') { f.month = f.day = 'numeric'; f.year = '2-digit'; }
    if (timeStyle) {
      f.hour = 'numeric';
      f.minute = '2-digit';
      if (timeStyle !== 'short') f.second = '2-digit';
      if (timeStyle === 'full') f.timeZoneName = 'long';
      else if (timeStyle === 'long') f.timeZoneName = 'short';
    }
  } else {
    let need = true;
    if (required !== 'time' && (f.weekday || f.year || f.month || f.day)) need = false;
    if (required !== 'date' && (f.dayPeriod || f.hour || f.minute || f.second || f.fractionalSecondDigits)) need = false;
    if (need && (defaults === 'date' || defaults === 'all')) f.year = f.month = f.day = 'numeric';
    if (need && (defaults === 'time' || defaults === 'all')) f.hour = f.minute = f.second = 'numeric';
  }
  let hc;
  if (f.hour) {
    // hour12: false means h24 for en-US in V8 (Chrome and node print "24:30", not "00:30").
    if (hour12 !== undefined) hc = hour12 ? 'h12' : 'h24';
    else hc = hourCycle || 'h12';
    r.hourCycle = hc;
  }
  const dp = datePattern(f);
  let tp = timePattern(f, hc);
  if (f.timeZoneName) {
    const z = ['timeZoneName', f.timeZoneName];
    // CLDR's "HH'h' v": a lone 24-hour hour with a zone gets an "h".
    const lone24 = tp && tp.length === 1 && tp[0][0] === 'hour' && !(hc === 'h11' || hc === 'h12');
    tp = tp ? tp.concat(lone24 ? 'h ' : ' ', [z]) : null;
    if (!tp && !dp) tp = [z];
    else if (!tp) r.tzTail = z;
  }
  let tokens;
  if (dp && tp) {
    const onlyWeekday = f.weekday && !f.year && !f.month && !f.day;
    const long = dateStyle ? dateStyle === 'full' || dateStyle === 'long' : f.month === 'long';
    // CLDR has "E h:mm:ss a" skeletons; adding fractions or a zone falls back to "{date}, {time}".
    const plain = onlyWeekday && !f.fractionalSecondDigits && !f.timeZoneName;
    tokens = dp.concat(plain ? ' ' : long ? ' at ' : ', ', tp);
  } else {
    tokens = dp || tp || [];
    if (r.tzTail) tokens = tokens.concat(', ', [r.tzTail]);
  }
  r.tokens = tokens;
  // Resolved field styles, as the pattern shows them.
  const shown = {};
  for (const t of tokens) if (typeof t !== 'string') shown[t[0]] = t[1];
  r.fields = {};
  for (const k of DATE_FIELDS) {
    const key = k === 'fractionalSecondDigits' ? 'fractionalSecond' : k;
    if (shown[key] !== undefined && k !== 'dayPeriod') r.fields[k] = shown[key];
  }
  return r;
}

function dtfState(d) {
  if (!d || !d._dtf) throw new TypeError('Method called on incompatible receiver (expected Intl.DateTimeFormat)');
  return d._dtf;
}

function toTime(date) {
  let t = date === undefined ? Date.now() : typeof date === 'number' ? date : Number(date);
  if (!isFinite(t) || Math.abs(t) > 8.64e15) throw new RangeError('Invalid time value');
  return t;
}

function formatDateToList(r, t) {
  const dt = new Date(t);
  const out = [];
  for (const tok of r.tokens) {
    if (typeof tok === 'string') { out.push('literal', tok); continue; }
    const st = tok[1];
    let v;
    switch (tok[0]) {
      case 'weekday': {
        const wd = dt.getUTCDay();
        v = st === 'long' ? DAYS_LONG[wd] : st === 'short' ? DAYS_SHORT[wd] : DAYS_LONG[wd][0];
        break;
      }
      case 'year': {
        let y = dt.getUTCFullYear();
        if (y <= 0) y = 1 - y;
        v = st === '2-digit' ? pad2(y % 100) : String(y);
        break;
      }
      case 'month': {
        const m = dt.getUTCMonth();
        v = st === 'numeric' ? String(m + 1) : st === '2-digit' ? pad2(m + 1)
          : st === 'long' ? MONTHS_LONG[m] : st === 'short' ? MONTHS_SHORT[m] : MONTHS_LONG[m][0];
        break;
      }
      case 'day': v = st === '2-digit' ? pad2(dt.getUTCDate()) : String(dt.getUTCDate()); break;
      case 'hour': {
        const h = dt.getUTCHours();
        const hc = r.hourCycle;
        const hv = hc === 'h12' ? h % 12 || 12 : hc === 'h11' ? h % 12 : hc === 'h24' ? h || 24 : h;
        v = st === '2-digit' ? pad2(hv) : String(hv);
        break;
      }
      case 'minute': v = st === '2-digit' ? pad2(dt.getUTCMinutes()) : String(dt.getUTCMinutes()); break;
      case 'second': v = st === '2-digit' ? pad2(dt.getUTCSeconds()) : String(dt.getUTCSeconds()); break;
      case 'fractionalSecond': {
        const ms = dt.getUTCMilliseconds();
        v = String(ms + 1000).slice(1, 1 + st);
        break;
      }
      case 'dayPeriod': v = dt.getUTCHours() < 12 ? 'AM' : 'PM'; break;
      case 'timeZoneName': v = TZ_NAMES[st]; break;
      default: v = '';
    }
    out.push(tok[0], v);
  }
  return out;
}

Object.defineProperty(DateTimeFormat.prototype, 'format', {
  configurable: true,
  get() {
    const r = dtfState(this);
    if (!r.bound) r.bound = (date) => listToString(formatDateToList(r, toTime(date)));
    return r.bound;
  },
});

defineMethods(DateTimeFormat.prototype, {
  formatToParts(date) {
    // ICU puts U+202F before the day period; V8's format() turns it into a space, formatToParts
    // keeps it.
    const list = formatDateToList(dtfState(this), toTime(date));
    for (let i = 2; i < list.length; i += 2) {
      if (list[i] === 'dayPeriod' && list[i - 1] === ' ') list[i - 1] = NNBSP;
    }
    return listToParts(list);
  },
  resolvedOptions() {
    const r = dtfState(this);
    const o = { locale: r.locale, calendar: 'gregory', numberingSystem: 'latn', timeZone: r.timeZone };
    if (r.hourCycle) {
      o.hourCycle = r.hourCycle;
      o.hour12 = r.hourCycle === 'h11' || r.hourCycle === 'h12';
    }
    if (r.dateStyle || r.timeStyle) {
      if (r.dateStyle) o.dateStyle = r.dateStyle;
      if (r.timeStyle) o.timeStyle = r.timeStyle;
    } else {
      for (const k of DATE_FIELDS) if (r.fields[k] !== undefined) o[k] = r.fields[k];
    }
    return o;
  },
});

// ---------------------------------------------------------------------------------------------
// Collator (an approximation of the CLDR root collation)

// Whitespace, punctuation and symbols in root-collation order; the first VARIABLE_END entries
// are "variable" (ignored with ignorePunctuation).
const PUNCT_ORDER = '\t\n\v\f\r \u2028\u2029_-\u2010\u2011\u2012\u2013\u2014\u2015,;:!\u00a1?\u00bf.\u2026\u00b7\'\u2018\u2019\u201a\u2039\u203a"\u201c\u201d\u201e\u00ab\u00bb()[]{}\u00a7\u00b6@*/\\&#%\u2030\u2020\u2021\u2022`\u00b4\u02dc^\u00af\u00a8\u00b8\u00b0\u00a9\u00ae+\u00b1\u00f7\u00d7<=>\u00ac|\u00a6~\u00a4\u00a2$\u00a3\u00a5\u20ac';
const VARIABLE_END = PUNCT_ORDER.indexOf('`');
// Secondary (accent) order of combining marks.
const MARK_ORDER = [0x301, 0x300, 0x306, 0x302, 0x30c, 0x30a, 0x308, 0x30b, 0x303, 0x307, 0x327, 0x328, 0x304, 0x323, 0x331];
const STROKE = 40;
const SPECIAL_LETTERS = {
  'ß': ['s', 's'], 'æ': ['a', 'e'], 'Æ': ['A', 'E'], 'œ': ['o', 'e'], 'Œ': ['O', 'E'],
  'ø': ['o', STROKE], 'Ø': ['O', STROKE], 'ł': ['l', STROKE], 'Ł': ['L', STROKE], 'đ': ['d', STROKE],
  'Đ': ['D', STROKE], 'ħ': ['h', STROKE], 'Ħ': ['H', STROKE],
};
const DIGIT_BASE = 0x200000;
const LETTER_BASE = 0x300000;
const OTHER_LETTER_BASE = 0x400000;
const LETTER_RE = /\p{L}/u;
const MARK_RE = /\p{M}/u;
const DIGIT_RE = /\p{Nd}/u;
const SPACE_RE = /\s/;

function markRank(cp) {
  const i = MARK_ORDER.indexOf(cp);
  return i >= 0 ? i + 1 : STROKE + 1 + (cp & 0xff);
}

// Collation elements of s: parallel arrays of primary, secondary and tertiary weights.
function collationKey(s, numeric, ignorePunct) {
  const P = [], S = [], T = [];
  const push = (p, t) => { P.push(p); S.push(0); T.push(t); };
  const addMark = (rank) => {
    if (S.length) S[S.length - 1] = S[S.length - 1] * 64 + rank;
  };
  const chars = Array.from(s);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const c = ch.codePointAt(0);
    // ASCII fast paths
    if (c >= 97 && c <= 122) { push(LETTER_BASE + (c - 97) * 2, 0); continue; }
    if (c >= 65 && c <= 90) { push(LETTER_BASE + (c - 65) * 2, 1); continue; }
    if (c >= 48 && c <= 57) {
      if (numeric) {
        let j = i;
        while (j < chars.length && chars[j] >= '0' && chars[j] <= '9') j++;
        let k = i;
        while (k < j - 1 && chars[k] === '0') k++;
        push(DIGIT_BASE + 16 + (j - k), 0);
        for (let q = k; q < j; q++) push(DIGIT_BASE + chars[q].charCodeAt(0) - 48, 0);
        i = j - 1;
      } else {
        push(DIGIT_BASE + c - 48, 0);
      }
      continue;
    }
    const pi = PUNCT_ORDER.indexOf(ch);
    if (pi >= 0) {
      if (!(ignorePunct && pi < VARIABLE_END)) push(1 + pi, 0);
      continue;
    }
    if (c < 128) { push(1000 + c, 0); continue; }
    const special = SPECIAL_LETTERS[ch];
    if (special) {
      const upper = ch !== ch.toLowerCase() ? 1 : 0;
      if (typeof special[1] === 'number') {
        push(LETTER_BASE + (special[0].toLowerCase().charCodeAt(0) - 97) * 2, upper);
        addMark(special[1]);
      } else {
        // Expansions (æ = ae, ß = ss) differ from the spelled-out letters at the accent level.
        const first = S.length;
        for (const b of special) push(LETTER_BASE + (b.toLowerCase().charCodeAt(0) - 97) * 2, b === b.toLowerCase() ? 0 : 1);
        S[first] = STROKE;
      }
      continue;
    }
    if (ch === 'þ' || ch === 'Þ') { push(LETTER_BASE + 52, ch === 'Þ' ? 1 : 0); continue; }
    const nfd = ch.normalize('NFD');
    const nfkd = ch.normalize('NFKD');
    const compat = nfd !== nfkd ? 2 : 0;
    for (const b of nfkd) {
      const bc = b.codePointAt(0);
      if (MARK_RE.test(b)) { addMark(markRank(bc)); continue; }
      if (bc < 128 && b !== ch) {
        // recurse on the ASCII base character
        const k = collationKey(b, false, ignorePunct);
        for (let q = 0; q < k[0].length; q++) { P.push(k[0][q]); S.push(k[1][q]); T.push(k[2][q] + compat); }
        continue;
      }
      if (LETTER_RE.test(b)) {
        const lower = b.toLowerCase();
        push(OTHER_LETTER_BASE + lower.codePointAt(0), (b !== lower ? 1 : 0) + compat);
      } else if (DIGIT_RE.test(b)) {
        push(DIGIT_BASE + (Number(b) || 0), compat);
      } else if (SPACE_RE.test(b)) {
        if (!ignorePunct) push(1 + PUNCT_ORDER.indexOf(' '), compat + 2);
      } else {
        push(1000 + bc, compat);
      }
    }
  }
  return [P, S, T];
}

function cmpArrays(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function Collator(locales, options) {
  if (!new.target) return new Collator(locales, options);
  const [locale] = resolveLocale(locales);
  const o = toOptions(options);
  const usage = getOpt(o, 'usage', ['sort', 'search'], 'sort');
  getOpt(o, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  getOpt(o, 'collation', null, undefined);
  const numeric = getBool(o, 'numeric') || false;
  const caseFirst = getOpt(o, 'caseFirst', ['upper', 'lower', 'false'], 'false');
  const sensitivity = getOpt(o, 'sensitivity', ['base', 'accent', 'case', 'variant'], 'variant');
  const ignorePunctuation = getBool(o, 'ignorePunctuation') || false;
  this._co = { locale, usage, sensitivity, ignorePunctuation, numeric, caseFirst, keys: new Map() };
}

function coState(c) {
  if (!c || !c._co) throw new TypeError('Method called on incompatible receiver (expected Intl.Collator)');
  return c._co;
}

// Sorting compares each string many times: keep the keys of recently seen strings.
function cachedKey(r, s) {
  let k = r.keys.get(s);
  if (k === undefined) {
    k = collationKey(s, r.numeric, r.ignorePunctuation);
    if (r.keys.size >= 2000) r.keys.clear();
    r.keys.set(s, k);
  }
  return k;
}

function compareStrings(r, a, b) {
  a = String(a);
  b = String(b);
  if (a === b) return 0;
  const ka = cachedKey(r, a);
  const kb = cachedKey(r, b);
  let c = cmpArrays(ka[0], kb[0]);
  if (c || r.sensitivity === 'base') return c;
  if (r.sensitivity !== 'case') {
    c = cmpArrays(ka[1], kb[1]);
    if (c) return c;
  }
  if (r.sensitivity === 'accent') return 0;
  let ta = ka[2], tb = kb[2];
  if (r.caseFirst === 'upper' || r.sensitivity === 'case') {
    const flip = r.caseFirst === 'upper' ? 1 : 0;
    const mask = r.sensitivity === 'case' ? 1 : -1;
    ta = ta.map((t) => (t ^ flip) & mask);
    tb = tb.map((t) => (t ^ flip) & mask);
  }
  return cmpArrays(ta, tb);
}

Object.defineProperty(Collator.prototype, 'compare', {
  configurable: true,
  get() {
    const r = coState(this);
    if (!r.bound) r.bound = (a, b) => compareStrings(r, a, b);
    return r.bound;
  },
});

defineMethods(Collator.prototype, {
  resolvedOptions() {
    const r = coState(this);
    return {
      locale: r.locale, usage: r.usage, sensitivity: r.sensitivity, ignorePunctuation: r.ignorePunctuation,
      collation: 'default', numeric: r.numeric, caseFirst: r.caseFirst,
    };
  },
});

// ---------------------------------------------------------------------------------------------
// Installation

// Formatter caches for the toLocaleString family (keyed by locales and options).
function makeCache(create) {
  const map = new Map();
  return (locales, options) => {
    let key;
    if (options === undefined && (locales === undefined || typeof locales === 'string')) {
      key = locales === undefined ? '' : locales;
    } else if (options !== undefined && (options === null || Object.getPrototypeOf(options) !== Object.prototype)) {
      return create(locales, options); // only plain option bags are keyed by their JSON
    } else {
      try {
        key = JSON.stringify([locales === undefined ? null : locales, options === undefined ? null : options]);
      } catch (e) {
        return create(locales, options);
      }
      if (key === undefined) return create(locales, options);
    }
    let f = map.get(key);
    if (!f) {
      f = create(locales, options);
      if (map.size > 256) map.clear();
      map.set(key, f);
    }
    return f;
  };
}

function setMethod(obj, name, fn) {
  Object.defineProperty(obj, name, { value: fn, writable: true, configurable: true, enumerable: false });
}

function setStatic(ctor, name) {
  Object.defineProperty(ctor, 'supportedLocalesOf', {
    value: function supportedLocalesOf_(locales) { return supportedLocalesOf(locales); },
    writable: true, configurable: true,
  });
  Object.defineProperty(ctor.prototype, Symbol.toStringTag, { value: 'Intl.' + name, configurable: true });
}

export function installIntl(global) {
  if (!global) global = globalThis;
  if (global.Intl) return global.Intl;

  setStatic(NumberFormat, 'NumberFormat');
  setStatic(DateTimeFormat, 'DateTimeFormat');
  setStatic(PluralRules, 'PluralRules');
  setStatic(Collator, 'Collator');
  const Intl = {};
  setMethod(Intl, 'NumberFormat', NumberFormat);
  setMethod(Intl, 'DateTimeFormat', DateTimeFormat);
  setMethod(Intl, 'PluralRules', PluralRules);
  setMethod(Intl, 'Collator', Collator);
  setMethod(Intl, 'getCanonicalLocales', function getCanonicalLocales(locales) { return canonList(locales); });
  Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
  setMethod(global, 'Intl', Intl);

  // Only the constructors `global` has get their prototypes patched: installIntl({}) just
  // returns a fresh Intl.
  const nfCache = makeCache((l, o) => new NumberFormat(l, o));
  const Num = global.Number;
  if (Num) {
    const numValue = Num.prototype.valueOf;
    setMethod(Num.prototype, 'toLocaleString', function toLocaleString(locales, options) {
      const v = numValue.call(this);
      return listToString(formatNumberToList(nfState(nfCache(locales, options)), v));
    });
  }
  const Big = global.BigInt;
  if (Big) {
    const bigValue = Big.prototype.valueOf;
    setMethod(Big.prototype, 'toLocaleString', function toLocaleString(locales, options) {
      const v = bigValue.call(this);
      return listToString(formatNumberToList(nfState(nfCache(locales, options)), v));
    });
  }

  const D = global.Date;
  if (D) {
    const getTime = D.prototype.getTime;
    const dateMethod = (name, required, defaults) => {
      const cache = makeCache((l, o) => makeDateTimeFormat(l, o, required, defaults));
      setMethod(D.prototype, name, {
        [name](locales, options) {
          const t = getTime.call(this);
          if (t !== t) return 'Invalid Date';
          return listToString(formatDateToList(cache(locales, options), t));
        },
      }[name]);
    };
    dateMethod('toLocaleString', 'any', 'all');
    dateMethod('toLocaleDateString', 'date', 'date');
    dateMethod('toLocaleTimeString', 'time', 'time');
  }

  // QuickJS's localeCompare compares code points ('a' > 'B'); replace it by the collator.
  const Str = global.String;
  const lc = Str && Str.prototype.localeCompare;
  let broken = typeof lc !== 'function';
  if (!broken) {
    try {
      broken = lc.call('a', 'B') >= 0 || lc.call('a', 'á') >= 0;
    } catch (e) {
      broken = true;
    }
  }
  if (Str && broken) {
    const coCache = makeCache((l, o) => new Collator(l, o));
    setMethod(Str.prototype, 'localeCompare', function localeCompare(that, locales, options) {
      if (this === null || this === undefined) throw new TypeError('String.prototype.localeCompare called on null or undefined');
      return compareStrings(coState(coCache(locales, options)), String(this), that);
    });
  }
  return Intl;
}
