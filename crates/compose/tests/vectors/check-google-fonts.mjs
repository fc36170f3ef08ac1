// Compares getInfo() of Kinema's @remotion/google-fonts modules with what the package gave
// (google-fonts.json, written by tools/google-fonts/gen.mjs): equal JSON, key order included.
export function checkGoogleFonts(modules, vectors) {
  const failures = [];
  for (const [name, expected] of Object.entries(vectors.fonts)) {
    const module = modules[name];
    if (!module) {
      failures.push(`${name}: no module`);
      continue;
    }
    const ours = JSON.stringify(module.getInfo());
    const theirs = JSON.stringify(expected);
    if (ours !== theirs) {
      let at = 0;
      while (ours[at] === theirs[at]) at++;
      failures.push(`${name}: differs at ${at}: ours ${ours.slice(at, at + 60)}, package ${theirs.slice(at, at + 60)}`);
    }
    if (module.fontFamily !== expected.fontFamily) failures.push(`${name}: fontFamily ${module.fontFamily}`);
  }
  return failures;
}
