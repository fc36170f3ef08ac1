// Kinema Studio: edit a composition, preview frames rendered by the server, render the video
// through the farm. Plain browser JavaScript: no build step.
"use strict";

const DEFAULT_CODE = `import {AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';

export const MyAnimation = () => {
  const frame = useCurrentFrame();
  const {fps, width} = useVideoConfig();
  const TITLE = 'Hello from Kinema';
  const rise = spring({frame, fps, config: {damping: 14}});
  const opacity = interpolate(frame, [0, 20], [0, 1], {extrapolateRight: 'clamp'});
  const hue = interpolate(frame, [0, 150], [220, 320]);
  return (
    <AbsoluteFill style={{
      background: \`linear-gradient(135deg, hsl(\${hue}, 70%, 18%), #0b0d12)\`,
      justifyContent: 'center', alignItems: 'center',
    }}>
      <div style={{
        color: 'white', fontFamily: 'Inter, sans-serif', fontWeight: 800,
        fontSize: Math.round(width * 0.06), opacity,
        transform: \`translateY(\${(1 - rise) * 120}px) scale(\${0.8 + rise * 0.2})\`,
      }}>{TITLE}</div>
      <div style={{color: '#9fb3ff', fontSize: Math.round(width * 0.02), marginTop: 24, opacity}}>
        frame {frame}
      </div>
    </AbsoluteFill>
  );
};
`;

const $ = (id) => document.getElementById(id);
const els = {
  code: $("code"), gutter: $("gutter"), error: $("error"), errorMessage: $("error-message"),
  errorFrame: $("error-frame"), preview: $("preview"), stageStatus: $("stage-status"),
  stage: $("stage"), play: $("play"), frame: $("frame"), frameLabel: $("frame-label"),
  duration: $("duration"), fps: $("fps"), width: $("width"), height: $("height"),
  render: $("render"), progress: $("progress"), progressFill: $("progress-fill"),
  renderStatus: $("render-status"), download: $("download"), tokenBox: $("token-box"),
  token: $("token"), serverInfo: $("server-info"),
};

const state = {
  previewBusy: false, previewWanted: false, previewVersion: 0, playing: false,
  objectUrl: null, renderPoll: null, errorLine: null,
};

// ---- API calls -------------------------------------------------------------------------

function token() {
  return localStorage.getItem("kinema-token") || "";
}

async function api(path, body) {
  const headers = {"content-type": "application/json"};
  if (token()) headers.authorization = `Bearer ${token()}`;
  const response = await fetch(path, {method: "POST", headers, body: JSON.stringify(body)});
  if (response.status === 401) {
    els.tokenBox.hidden = false;
    els.token.focus();
  }
  return response;
}

async function errorOf(response) {
  try {
    return await response.json();
  } catch (_) {
    return {error: `${response.status} ${response.statusText}`};
  }
}

function inputProps() {
  return {
    code: els.code.value,
    durationInFrames: Number(els.duration.value),
    fps: Number(els.fps.value),
    width: Number(els.width.value),
    height: Number(els.height.value),
  };
}

// ---- Editor ---------------------------------------------------------------------------

function drawGutter() {
  const lines = els.code.value.split("\n").length;
  const parts = [];
  for (let i = 1; i <= lines; i++) {
    parts.push(i === state.errorLine ? `<span class="bad">${i}</span>` : String(i));
  }
  els.gutter.innerHTML = parts.join("\n");
  els.gutter.scrollTop = els.code.scrollTop;
}

function showError(body) {
  state.errorLine = Number.isInteger(body.line) && body.field === "inputProps.code" ? body.line : null;
  els.errorMessage.textContent = body.error || "Unknown error";
  els.errorFrame.textContent = body.codeFrame || "";
  els.error.hidden = false;
  els.error.dataset.line = state.errorLine ?? "";
  drawGutter();
}

function clearError() {
  if (els.error.hidden && state.errorLine === null) return;
  state.errorLine = null;
  els.error.hidden = true;
  els.error.dataset.line = "";
  drawGutter();
}

// ---- Preview --------------------------------------------------------------------------

function currentFrame() {
  return Number(els.frame.value);
}

function syncTransport() {
  const last = Math.max(0, Number(els.duration.value) - 1);
  els.frame.max = String(last);
  if (currentFrame() > last) els.frame.value = String(last);
  els.frameLabel.textContent = `${currentFrame()} / ${last}`;
  const w = Number(els.width.value) || 16, h = Number(els.height.value) || 9;
  els.stage.style.aspectRatio = `${w} / ${h}`;
}

// One preview request at a time; the newest wish wins.
function requestPreview() {
  state.previewWanted = true;
  if (!state.previewBusy) fetchPreview();
}

async function fetchPreview() {
  state.previewBusy = true;
  state.previewWanted = false;
  const frame = currentFrame();
  const props = inputProps();
  const scale = Math.min(1, 960 / Math.max(1, props.width));
  const version = ++state.previewVersion;
  try {
    const response = await api("/api/preview", {inputProps: props, frame, scale, imageFormat: "jpeg"});
    if (response.ok) {
      const blob = await response.blob();
      if (state.objectUrl) URL.revokeObjectURL(state.objectUrl);
      state.objectUrl = URL.createObjectURL(blob);
      await new Promise((resolve) => {
        els.preview.onload = resolve;
        els.preview.onerror = resolve;
        els.preview.src = state.objectUrl;
      });
      els.preview.dataset.frame = String(frame);
      els.preview.dataset.version = String(version);
      els.stageStatus.textContent = "";
      clearError();
    } else {
      stopPlaying();
      showError(await errorOf(response));
      els.stageStatus.textContent = els.preview.src ? "" : "No preview: see the error";
    }
  } catch (e) {
    stopPlaying();
    els.stageStatus.textContent = `Cannot reach the server: ${e.message}`;
  } finally {
    state.previewBusy = false;
    if (state.playing) advance();
    else if (state.previewWanted) fetchPreview();
  }
}

// Playback steps as fast as the server answers, keeping to the composition's time.
function advance() {
  const last = Number(els.frame.max);
  const now = performance.now();
  const elapsed = (now - state.playStart) / 1000;
  let next = state.playFrom + Math.round(elapsed * Number(els.fps.value));
  if (next > last) {
    next = last;
    stopPlaying();
  }
  if (next === currentFrame() && state.playing) next = Math.min(last, next + 1);
  els.frame.value = String(next);
  syncTransport();
  requestPreview();
}

function startPlaying() {
  if (currentFrame() >= Number(els.frame.max)) els.frame.value = "0";
  state.playing = true;
  state.playStart = performance.now();
  state.playFrom = currentFrame();
  els.play.textContent = "⏸";
  els.play.setAttribute("aria-label", "Pause");
  if (!state.previewBusy) advance();
}

function stopPlaying() {
  state.playing = false;
  els.play.textContent = "▶";
  els.play.setAttribute("aria-label", "Play");
}

// ---- Render ---------------------------------------------------------------------------

function setProgress(fraction, cls) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  els.progressFill.style.width = `${pct}%`;
  els.progress.setAttribute("aria-valuenow", String(pct));
  els.progress.className = cls || "";
}

function resetRender() {
  if (state.renderPoll) clearTimeout(state.renderPoll);
  state.renderPoll = null;
  els.render.disabled = false;
  els.download.hidden = true;
  els.renderStatus.textContent = "";
  setProgress(0);
}

async function startRender() {
  resetRender();
  els.render.disabled = true;
  els.renderStatus.textContent = "Starting…";
  let response;
  try {
    response = await api("/api/lambda/render", {inputProps: inputProps()});
  } catch (e) {
    els.renderStatus.textContent = `Cannot reach the server: ${e.message}`;
    els.render.disabled = false;
    return;
  }
  if (!response.ok) {
    const body = await errorOf(response);
    showError(body);
    els.renderStatus.textContent = "Not started: see the error";
    setProgress(1, "failed");
    els.render.disabled = false;
    return;
  }
  clearError();
  const started = await response.json();
  els.renderStatus.textContent = `Rendering ${started.renderId}…`;
  pollProgress(started.renderId, started.bucketName);
}

async function pollProgress(id, bucketName) {
  let body;
  try {
    const response = await api("/api/lambda/progress", {id, bucketName});
    body = response.ok ? await response.json() : {type: "error", message: (await errorOf(response)).error};
  } catch (e) {
    body = {type: "retry", message: e.message};
  }
  if (body.type === "progress" || body.type === "retry") {
    if (body.type === "progress") setProgress(body.progress);
    state.renderPoll = setTimeout(() => pollProgress(id, bucketName), 500);
    return;
  }
  els.render.disabled = false;
  if (body.type === "done") {
    setProgress(1, "done");
    const url = token() ? `${body.url}?token=${encodeURIComponent(token())}` : body.url;
    els.download.href = url;
    els.download.setAttribute("download", "video.mp4");
    els.download.textContent = `Download video (${(body.size / 1024).toFixed(0)} KB)`;
    els.download.hidden = false;
    els.renderStatus.textContent = "Done";
  } else {
    setProgress(1, "failed");
    els.renderStatus.textContent = "Failed";
    showError({error: body.message});
  }
}

// ---- Wiring ---------------------------------------------------------------------------

let editTimer = null;
function edited() {
  drawGutter();
  resetRender();
  clearTimeout(editTimer);
  editTimer = setTimeout(() => {
    localStorage.setItem("kinema-code", els.code.value);
    requestPreview();
  }, 350);
}

els.code.addEventListener("input", edited);
els.code.addEventListener("scroll", () => { els.gutter.scrollTop = els.code.scrollTop; });
els.code.addEventListener("keydown", (event) => {
  if (event.key === "Tab") {
    event.preventDefault();
    els.code.setRangeText("  ", els.code.selectionStart, els.code.selectionEnd, "end");
    edited();
  }
});
for (const input of [els.duration, els.fps, els.width, els.height]) {
  input.addEventListener("input", () => { syncTransport(); edited(); });
}
els.frame.addEventListener("input", () => { stopPlaying(); syncTransport(); requestPreview(); });
els.play.addEventListener("click", () => (state.playing ? stopPlaying() : startPlaying()));
els.render.addEventListener("click", startRender);
els.token.addEventListener("change", () => {
  localStorage.setItem("kinema-token", els.token.value);
  requestPreview();
});

els.code.value = localStorage.getItem("kinema-code") || DEFAULT_CODE;
els.token.value = token();
drawGutter();
syncTransport();
requestPreview();
fetch("/healthz").then((r) => r.json()).then((h) => {
  els.serverInfo.textContent = h.farm
    ? `${h.backend} farm · ${h.farm.functionName} · ${h.farm.bucketName}`
    : `${h.backend} backend`;
}).catch(() => {});
