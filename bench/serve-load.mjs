// Load test of `kinema serve` (issue 6), loopback only and bounded in time:
//   1. 20 render requests at once, each a different composition; every one must finish
//      with a valid H.264 video of the right length (nothing lost);
//   2. progress polls at a fixed rate (default 500/s, open loop: a request is sent every
//      2 ms whether or not the earlier ones were answered), first while the renders run,
//      then once they are done; p50/p90/p99/max latency and the rate achieved are reported.
// Usage: node bench/serve-load.mjs <server-url> <bucket-folder> [renders] [polls-per-second]
import {execFileSync} from "node:child_process";
import {writeFileSync, mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";

const [url, , rendersArg, rateArg] = process.argv.slice(2);
const RENDERS = Number(rendersArg || 20);
const RATE = Number(rateArg || 500);
const FRAMES = 60;
const DEADLINE_MS = 300_000;

const code = (i) => `import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';
export const Load${i} = () => {
  const frame = useCurrentFrame();
  const x = interpolate(frame, [0, ${FRAMES - 1}], [0, 560]);
  return (
    <AbsoluteFill style={{backgroundColor: 'hsl(${(i * 37) % 360}, 60%, 30%)'}}>
      <div style={{position: 'absolute', left: x, top: 140, width: 80, height: 80, background: 'white', borderRadius: 16}} />
      <div style={{color: 'white', fontSize: 48, margin: 24}}>Render ${i}: {frame}</div>
    </AbsoluteFill>
  );
};
`;

const post = async (path, body) => {
  const response = await fetch(url + path, {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify(body)});
  return {status: response.status, body: await response.json()};
};

function stats(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]};
}

// Open-loop polling at RATE per second until `stop()` is true.
async function poll(targets, stop) {
  const latencies = [];
  let errors = 0, sent = 0;
  const inflight = new Set();
  const started = performance.now();
  while (!stop()) {
    const due = started + (sent * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const target = targets[sent % targets.length];
    sent++;
    const t0 = performance.now();
    const p = post("/api/lambda/progress", target).then((r) => {
      if (r.status !== 200) errors++;
      latencies.push(performance.now() - t0);
    }, () => { errors++; });
    inflight.add(p);
    p.finally(() => inflight.delete(p));
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - started) / 1000;
  return {rate: +(latencies.length / seconds).toFixed(1), seconds: +seconds.toFixed(1), errors, ...stats(latencies).valueOf(),
    latencyMs: Object.fromEntries(Object.entries(stats(latencies)).filter(([k]) => k !== "count").map(([k, v]) => [k, +v.toFixed(2)]))};
}

const t0 = performance.now();
const starts = await Promise.all(Array.from({length: RENDERS}, (_, i) => {
  const s = performance.now();
  return post("/api/lambda/render", {inputProps: {code: code(i), durationInFrames: FRAMES, fps: 30, width: 640, height: 360}})
    .then((r) => ({...r, ms: performance.now() - s}));
}));
const bad = starts.filter((s) => s.status !== 200);
if (bad.length) throw new Error(`render requests refused: ${JSON.stringify(bad.slice(0, 3))}`);
const renders = starts.map((s) => ({id: s.body.renderId, bucketName: s.body.bucketName}));
const startLatency = stats(starts.map((s) => s.ms));

// Watch every render (once a second each) while polling at RATE.
const finished = new Map();
let watching = true;
const watcher = (async () => {
  while (finished.size < renders.length && performance.now() - t0 < DEADLINE_MS) {
    for (const r of renders) {
      if (finished.has(r.id)) continue;
      const {body} = await post("/api/lambda/progress", r);
      if (body.type === "done" || body.type === "error") finished.set(r.id, body);
    }
    await new Promise((res) => setTimeout(res, 500));
  }
  watching = false;
})();
const during = await poll(renders, () => !watching);
await watcher;
const allDoneSeconds = (performance.now() - t0) / 1000;
const endIdle = performance.now() + 10_000;
const after = await poll(renders, () => performance.now() > endIdle);

// Every output: done, downloadable, H.264 with all its frames.
const dir = mkdtempSync(join(tmpdir(), "kinema-load-"));
let valid = 0;
const failures = [];
for (const r of renders) {
  const result = finished.get(r.id);
  if (!result || result.type !== "done") { failures.push({id: r.id, result}); continue; }
  const file = join(dir, `${r.id}.mp4`);
  writeFileSync(file, Buffer.from(await (await fetch(result.url)).arrayBuffer()));
  const probe = execFileSync("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
    "-show_entries", "stream=codec_name,nb_read_frames", "-of", "csv=p=0", file]).toString().trim();
  if (probe === `h264,${FRAMES}`) valid++; else failures.push({id: r.id, probe});
}
const summary = {
  renders: RENDERS, framesEach: FRAMES, size: "640x360", valid, lost: RENDERS - finished.size, failures,
  allDoneSeconds: +allDoneSeconds.toFixed(1),
  renderRequestMs: Object.fromEntries(Object.entries(startLatency).map(([k, v]) => [k, +v.toFixed(1)])),
  pollsDuringRenders: {target: RATE, achieved: during.rate, errors: during.errors, latencyMs: during.latencyMs},
  pollsAfterRenders: {target: RATE, achieved: after.rate, errors: after.errors, latencyMs: after.latencyMs},
};
console.log(JSON.stringify(summary, null, 2));
execFileSync("rm", ["-rf", dir]);
if (valid !== RENDERS || during.errors || after.errors) process.exit(1);
