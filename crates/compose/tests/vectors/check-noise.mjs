// Compares noise2D/3D/4D with the real package's values (noise.json, from tools/noise/gen.mjs)
// to 1e-12.
export function checkNoise(noise, vectors) {
  const failures = [];
  const fns = { 2: noise.noise2D, 3: noise.noise3D, 4: noise.noise4D };
  for (const c of vectors.cases) {
    const got = fns[c.dims](c.seed, ...c.p);
    if (!(Math.abs(got - c.value) <= 1e-12)) {
      failures.push(`noise${c.dims}D(${JSON.stringify(c.seed)}, ${c.p.join(', ')}): ${got}, package ${c.value}`);
    }
  }
  return failures;
}
