// kinema:state — per-engine state shared by the `remotion` module and the host: the registered
// root, the compositions found while rendering it, input props, and per-frame records.

export const STATIC_PREFIX = '/static/';

let root = null;
let dynamic = null;
let registering = null;
let props = {};
let media = [];
let handles = new Map();
let nextHandle = 1;

export function setRoot(component) {
  root = component;
}
export function getRoot() {
  return root;
}
export function setDynamic(composition) {
  dynamic = composition;
}
export function getDynamic() {
  return dynamic;
}

export function beginRegistration() {
  registering = [];
}
export function endRegistration() {
  const found = registering;
  registering = null;
  return found;
}
export function addComposition(composition) {
  if (registering === null) {
    throw new Error('<Composition> and <Still> can only be rendered inside the component passed to registerRoot().');
  }
  if (registering.some((c) => c.id === composition.id)) {
    throw new Error(`Multiple composition with id ${composition.id} are registered.`);
  }
  registering.push(composition);
}

export function setInputProps(next) {
  props = next;
}
export function inputProps() {
  return props;
}

// Math.random is deterministic per frame, so a frame renders the same on every run, machine
// and thread (use remotion's random(seed) for values that must stay fixed across frames).
let randomState = 0x9e3779b9;
Math.random = function random() {
  randomState = (randomState + 0x6d2b79f5) | 0;
  let t = randomState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export function beginFrame(frame) {
  media = [];
  randomState = (Math.imul(frame | 0, 0x2c1b3c6d) ^ 0x9e3779b9) | 0;
}
export function addMedia(record) {
  media.push(record);
  return media.length - 1;
}
export function frameMedia() {
  return media;
}

export function openHandle(label) {
  const handle = nextHandle++;
  handles.set(handle, label);
  return handle;
}
export function closeHandle(handle) {
  handles.delete(handle);
}
export function hasOpenHandles() {
  return handles.size > 0;
}
export function abandonHandles() {
  const labels = Array.from(handles.values());
  handles.clear();
  return labels;
}

// CSS files imported by the project (`import './styles.css'`), emitted as <style> elements.
const globalStyles = [];
export function addGlobalStyle(css) {
  globalStyles.push(css);
}
export function getGlobalStyles() {
  return globalStyles;
}
