// Replays tests/vectors/intl.json (node's ICU output, from tools/intl/gen.mjs) against the Intl
// of `global` (on which installIntl already ran, or a real ICU Intl) and returns a list of
// failure strings. Plain ES module with no imports: runs under node and inside Kinema's engine.

function decode(v) {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') return v.s;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  if (typeof v === 'string' && v.charAt(v.length - 1) === 'n') return BigInt(v.slice(0, -1));
  throw new Error('bad vector value ' + v);
}

function ascii(s) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x20 || c > 0x7e ? '\\u' + (c + 0x10000).toString(16).slice(1) : s[i];
  }
  return out;
}

function show(v) {
  if (typeof v === 'string') return '"' + ascii(v) + '"';
  if (typeof v === 'bigint') return v + 'n';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return v === undefined ? 'undefined' : ascii(JSON.stringify(v));
}

function run(fn) {
  try {
    return fn();
  } catch (e) {
    return { error: (e && e.constructor && e.constructor.name) || 'Error' };
  }
}

function same(a, b) {
  if (a && typeof a === 'object' && b && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !same(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

function args(g) {
  return show(g.locale) + ', ' + (g.options === undefined ? 'undefined' : JSON.stringify(g.options));
}

export function checkIntl(global, vectors) {
  const failures = [];
  const Intl = global.Intl;
  const sets = vectors.valueSets;
  const valuesOf = (vs) => (typeof vs === 'string' ? sets[vs] : vs).map(decode);
  const expectEq = (label, got, want) => {
    if (!same(got, want)) failures.push(label + ': got ' + show(got) + ', want ' + show(want));
  };

  const numToLocale = global.Number.prototype.toLocaleString;
  const bigToLocale = global.BigInt ? global.BigInt.prototype.toLocaleString : null;
  for (const g of vectors.number) {
    const values = valuesOf(g.values);
    const make = () => (g.options === undefined ? new Intl.NumberFormat(g.locale) : new Intl.NumberFormat(g.locale, g.options));
    const nf = run(make);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const want = g.expect[i];
      const label = 'NumberFormat(' + args(g) + ').format(' + show(v) + ')';
      expectEq(label, nf && nf.error ? nf : run(() => nf.format(v)), want);
      if (typeof v === 'number') {
        const got = run(() => (g.options === undefined ? numToLocale.call(v, g.locale) : numToLocale.call(v, g.locale, g.options)));
        expectEq('(' + show(v) + ').toLocaleString(' + args(g) + ')', got, want);
      } else if (typeof v === 'bigint' && bigToLocale) {
        const got = run(() => (g.options === undefined ? bigToLocale.call(v, g.locale) : bigToLocale.call(v, g.locale, g.options)));
        expectEq('(' + show(v) + ').toLocaleString(' + args(g) + ')', got, want);
      }
      if (g.parts && !(nf && nf.error)) {
        const got = run(() => nf.formatToParts(v).map((p) => [p.type, p.value]));
        expectEq(label.replace('.format(', '.formatToParts('), got, g.parts[i]);
      }
    }
    if (g.resolved && !(nf && nf.error)) {
      expectEq('NumberFormat(' + args(g) + ').resolvedOptions()', run(() => nf.resolvedOptions()), g.resolved);
    }
  }

  const DateCtor = global.Date;
  for (const g of vectors.date) {
    const values = valuesOf(g.values);
    if (g.method === 'format') {
      const dtf = run(() => new Intl.DateTimeFormat(g.locale, g.options));
      for (let i = 0; i < values.length; i++) {
        const t = values[i];
        const label = 'DateTimeFormat(' + args(g) + ').format(' + show(t) + ')';
        expectEq(label, dtf && dtf.error ? dtf : run(() => dtf.format(t)), g.expect[i]);
        if (g.parts && !(dtf && dtf.error)) {
          const got = run(() => dtf.formatToParts(t).map((p) => [p.type, p.value]));
          expectEq(label.replace('.format(', '.formatToParts('), got, g.parts[i]);
        }
      }
      if (g.resolved && !(dtf && dtf.error)) {
        expectEq('DateTimeFormat(' + args(g) + ').resolvedOptions()', run(() => dtf.resolvedOptions()), g.resolved);
      }
    } else {
      const method = DateCtor.prototype[g.method];
      for (let i = 0; i < values.length; i++) {
        const t = values[i];
        const got = run(() => method.call(new DateCtor(t), g.locale, g.options));
        expectEq('new Date(' + show(t) + ').' + g.method + '(' + args(g) + ')', got, g.expect[i]);
      }
    }
  }

  for (const g of vectors.plural) {
    const values = valuesOf(g.values);
    const pr = run(() => new Intl.PluralRules(g.locale, g.options));
    for (let i = 0; i < values.length; i++) {
      const got = pr && pr.error ? pr : run(() => pr.select(values[i]));
      expectEq('PluralRules(' + args(g) + ').select(' + show(values[i]) + ')', got, g.expect[i]);
    }
    if (g.resolved && !(pr && pr.error)) {
      expectEq('PluralRules(' + args(g) + ').resolvedOptions()', run(() => pr.resolvedOptions()), g.resolved);
    }
  }

  const localeCompare = global.String.prototype.localeCompare;
  for (const g of vectors.collator) {
    const co = new Intl.Collator(g.locale, g.options);
    const w = g.words;
    let k = 0;
    for (let i = 0; i < w.length; i++) {
      for (let j = i + 1; j < w.length; j++, k++) {
        const want = g.expect[k];
        const r = co.compare(w[i], w[j]);
        const got = r < 0 ? '<' : r > 0 ? '>' : '=';
        if (got !== want) failures.push('Collator(' + args(g) + ').compare(' + show(w[i]) + ', ' + show(w[j]) + '): got ' + got + ', want ' + want);
        const r2 = localeCompare.call(w[i], w[j], g.locale, g.options);
        const got2 = r2 < 0 ? '<' : r2 > 0 ? '>' : '=';
        if (got2 !== want) failures.push(show(w[i]) + '.localeCompare(' + show(w[j]) + ', ' + args(g) + '): got ' + got2 + ', want ' + want);
      }
    }
  }
  return failures;
}
