// Browser test of the studio page: loads it, edits the code (a compile error shows inline
// with its line, the fix previews), scrubs and plays, renders, watches the progress bar
// finish and downloads the video. Usage: node studio.mjs <server-url> <artifacts-dir>
import {createRequire} from "node:module";
import {mkdirSync} from "node:fs";
import {join} from "node:path";

const [url, artifacts] = process.argv.slice(2);
const require = createRequire(join(process.env.PLAYWRIGHT_DIR, "node_modules") + "/");
const {chromium} = require("playwright-core");
mkdirSync(artifacts, {recursive: true});

const BROKEN = `import {AbsoluteFill} from 'remotion';
export const Broken = () => {
  return <AbsoluteFill style={{backgroundColor: 'red'}>;
};
`;
const FIXED = `import {AbsoluteFill, useCurrentFrame} from 'remotion';
export const Fixed = () => {
  const frame = useCurrentFrame();
  return (
    <AbsoluteFill style={{backgroundColor: 'rgb(220, 30, 40)', justifyContent: 'center', alignItems: 'center'}}>
      <div style={{color: 'white', fontSize: 60}}>Frame {frame}</div>
    </AbsoluteFill>
  );
};
`;

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
const report = {};
try {
  const context = await browser.newContext({acceptDownloads: true, viewport: {width: 1400, height: 860}});
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById("preview").dataset.frame === "0", null, {timeout: 60000});
  report.firstPreview = true;

  for (const [id, value] of [["duration", "60"], ["width", "640"], ["height", "360"]]) {
    await page.fill(`#${id}`, value);
  }

  // A compile error shows inline, pointing at its line.
  await page.fill("#code", BROKEN);
  await page.waitForSelector("#error:not([hidden])", {timeout: 30000});
  const errorLine = await page.getAttribute("#error", "data-line");
  const message = await page.textContent("#error-message");
  check(errorLine === "3", `error on line 3, got ${errorLine}: ${message}`);
  check(/line 3:/.test(message), `message names line 3: ${message}`);
  check(await page.isVisible("#gutter .bad"), "the gutter marks the line");
  report.compileError = message;

  // The fix previews: the error goes, and the frame is the new code's red.
  const before = Number(await page.getAttribute("#preview", "data-version"));
  await page.fill("#code", FIXED);
  await page.waitForFunction(
    (v) => Number(document.getElementById("preview").dataset.version) > v &&
      document.getElementById("error").hidden,
    before, {timeout: 30000});
  const pixel = await page.$eval("#preview", (img) => {
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    return {size: [img.naturalWidth, img.naturalHeight], rgb: Array.from(ctx.getImageData(10, 10, 1, 1).data.slice(0, 3))};
  });
  check(pixel.size[0] === 640 && pixel.size[1] === 360, `preview is 640x360: ${pixel.size}`);
  check(pixel.rgb[0] > 180 && pixel.rgb[1] < 80 && pixel.rgb[2] < 90, `preview is red: ${pixel.rgb}`);
  report.previewPixel = pixel;

  // Scrubbing previews the chosen frame; playing moves on by itself.
  await page.$eval("#frame", (el) => { el.value = "30"; el.dispatchEvent(new Event("input")); });
  await page.waitForFunction(() => document.getElementById("preview").dataset.frame === "30", null, {timeout: 30000});
  await page.click("#play");
  await page.waitForFunction(() => Number(document.getElementById("preview").dataset.frame) >= 40, null, {timeout: 30000});
  report.played = true;
  if ((await page.getAttribute("#play", "aria-label")) === "Pause") await page.click("#play");

  // Render: the progress bar fills and the download link appears.
  const seen = new Set();
  await page.click("#render");
  const started = Date.now();
  while (Date.now() - started < 180000) {
    const now = await page.getAttribute("#progress", "aria-valuenow");
    seen.add(Number(now));
    if (!(await page.isHidden("#download"))) break;
    if ((await page.getAttribute("#progress", "class")) === "failed") {
      throw new Error(`render failed: ${await page.textContent("#error-message")}`);
    }
    await page.waitForTimeout(100);
  }
  check(await page.isVisible("#download"), "the download link appears");
  check((await page.getAttribute("#progress", "aria-valuenow")) === "100", "the bar is full");
  report.progressSeen = [...seen].sort((a, b) => a - b);
  const video = join(artifacts, "studio-render.mp4");
  // Headless Chromium now and then cancels a download it has just started (seen once in ~20
  // CI runs, with the file served in full); a second click is what a user would do.
  let download;
  for (let attempt = 1; ; attempt++) {
    [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    try {
      await download.saveAs(video);
      break;
    } catch (e) {
      if (attempt === 2 || !String(e.message).includes("canceled")) throw e;
    }
  }
  report.download = {file: video, suggested: download.suggestedFilename()};
  await page.screenshot({path: join(artifacts, "studio.png"), fullPage: true});
  report.screenshot = join(artifacts, "studio.png");
  check(consoleErrors.length === 0, `no page errors: ${consoleErrors.join("; ")}`);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
