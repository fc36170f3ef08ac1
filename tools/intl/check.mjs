// Checks crates/compose/runtime/intl.js against crates/compose/tests/vectors/intl.json under
// node. intl.js runs in a fresh realm (node:vm context) whose Intl was deleted, exactly as in
// QuickJS; the checker is the same check-intl.mjs that the Rust test runs inside Kinema's engine.
// Exits non-zero on any failure.
//
//   node tools/intl/gen.mjs && node tools/intl/check.mjs [--bench]

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { checkIntl } from '../../crates/compose/tests/vectors/check-intl.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(readFileSync(resolve(here, '../../crates/compose/tests/vectors/intl.json'), 'utf8'));
const source = readFileSync(resolve(here, '../../crates/compose/runtime/intl.js'), 'utf8');

let failed = 0;
function check(name, ok, details = []) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!ok) {
    failed++;
    for (const line of details.slice(0, Number(process.env.MAXF || 60))) console.log(`     ${line}`);
    if (details.length > 60) console.log(`     ... and ${details.length - 60} more`);
  }
}

// A realm without Intl, with intl.js evaluated as a script (its only `export` stripped).
function freshRealm() {
  const context = vm.createContext({});
  vm.runInContext('delete globalThis.Intl;', context);
  const script = source.replace(/^export function installIntl/m, 'function installIntl') + '\n;globalThis.__installIntl = installIntl;';
  vm.runInContext(script, context, { filename: 'intl.js' });
  const global = vm.runInContext('globalThis', context);
  return { context, global };
}

const cases = (gs) => gs.reduce((n, g) => n + g.expect.length, 0);
const total = cases(vectors.number) + cases(vectors.date) + cases(vectors.plural) + vectors.collator.reduce((n, g) => n + g.expect.length, 0);

// 1. The checker accepts node's own Intl (the vectors and checker agree).
process.env.TZ = 'UTC';
const self = checkIntl(globalThis, vectors);
check(`node ${process.version} (ICU ${process.versions.icu}) passes check-intl.mjs (${total} cases)`, self.length === 0, self);

// 2. The checker notices a wrong implementation.
{
  const { global } = freshRealm();
  global.__installIntl(global);
  // Grouping separators become spaces in NumberFormat.prototype.format.
  const proto = global.Intl.NumberFormat.prototype;
  const realGet = Object.getOwnPropertyDescriptor(proto, 'format').get;
  Object.defineProperty(proto, 'format', {
    configurable: true,
    get() {
      const f = realGet.call(this);
      return (v) => f(v).replace(',', ' ');
    },
  });
  const fails = checkIntl(global, vectors);
  check('check-intl.mjs detects a broken implementation', fails.length > 20);
}

// 3. intl.js matches every vector.
const { global } = freshRealm();
check('installIntl installs Intl into a realm without one', global.__installIntl(global) === global.Intl && typeof global.Intl.NumberFormat === 'function');
const failures = checkIntl(global, vectors);
check(`intl.js matches all ${total} cases`, failures.length === 0, failures);

// 4. installIntl leaves an existing Intl alone.
{
  const context = vm.createContext({});
  const script = source.replace(/^export function installIntl/m, 'function installIntl') + '\n;globalThis.__installIntl = installIntl;';
  vm.runInContext(script, context);
  const g = vm.runInContext('globalThis', context);
  const before = g.Intl;
  g.__installIntl(g);
  check('installIntl keeps a native Intl', g.Intl === before && (12345).toLocaleString() === '12,345');
}

// 5. Speed: format() is called per frame.
if (process.argv.includes('--bench')) {
  const run = vm.runInContext(
    `(() => {
      const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
      let t = Date.now(), s = 0;
      for (let i = 0; i < 200000; i++) s += nf.format(i * 0.37).length;
      const a = Date.now() - t;
      t = Date.now();
      for (let i = 0; i < 200000; i++) s += (i * 1.5).toLocaleString().length;
      const b = Date.now() - t;
      t = Date.now();
      for (let i = 0; i < 200000; i++) s += (i * 1.5).toLocaleString('en-US', { style: 'currency', currency: 'USD' }).length;
      const c = Date.now() - t;
      return [a, b, c];
    })()`,
    (() => {
      const realm = freshRealm();
      realm.global.__installIntl(realm.global);
      return realm.context;
    })(),
  );
  console.log(`bench: 200k format ${run[0]} ms, 200k toLocaleString() ${run[1]} ms, 200k toLocaleString(currency) ${run[2]} ms`);
}

process.exit(failed ? 1 : 0);
