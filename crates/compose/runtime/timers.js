// kinema:timers — setTimeout, setInterval, requestAnimationFrame and their clear functions on
// a virtual clock. A sandboxed engine has no real time to wait on, so timers fire only while
// something waits for them (a frame with delayRender() handles open, or a promise the host
// awaits: calculateMetadata(), a module's top-level await), at once and in the order of their
// virtual times. Waiting is bounded: WAIT_BUDGET_MS of virtual time and MAX_CALLBACKS timers
// per wait, after which the waiter carries on as it would at a real timeout.

const WAIT_BUDGET_MS = 30000;
const MAX_CALLBACKS = 10000;
const MAX_DELAY_MS = 2147483647; // browsers treat longer delays as 1 ms; we clamp
const FRAME_MS = 1000 / 60;

let now = 0;
let nextId = 1;
let order = 0;
// Pending timers sorted by (at, order): few at a time, so an array insertion is enough.
const queue = [];
let waitStart = 0;
let fired = 0;

function delayOf(delay) {
  const ms = Number(delay);
  if (!(ms > 0)) return 0; // NaN, negative and missing delays are 0, as in browsers
  return Math.min(ms, MAX_DELAY_MS);
}

function schedule(callback, at, args, interval) {
  const timer = { id: nextId++, at, order: order++, callback, args, interval };
  let i = queue.length;
  while (i > 0 && (queue[i - 1].at > at || (queue[i - 1].at === at && queue[i - 1].order > timer.order))) i--;
  queue.splice(i, 0, timer);
  return timer;
}

function checkCallback(name, callback) {
  if (typeof callback !== 'function') {
    throw new TypeError(`${name}(): the callback must be a function (strings of code are not evaluated).`);
  }
}

function clear(id) {
  const i = queue.findIndex((timer) => timer.id === id);
  if (i >= 0) queue.splice(i, 1);
}

export function install(global) {
  global.setTimeout = function setTimeout(callback, delay, ...args) {
    checkCallback('setTimeout', callback);
    return schedule(callback, now + delayOf(delay), args, null).id;
  };
  global.setInterval = function setInterval(callback, delay, ...args) {
    checkCallback('setInterval', callback);
    // A zero interval would fire forever at one instant; browsers clamp it too.
    const every = Math.max(delayOf(delay), 1);
    return schedule(callback, now + every, args, every).id;
  };
  global.clearTimeout = function clearTimeout(id) {
    clear(id);
  };
  global.clearInterval = global.clearTimeout;
  global.requestAnimationFrame = function requestAnimationFrame(callback) {
    checkCallback('requestAnimationFrame', callback);
    const timer = schedule(callback, now + FRAME_MS, [], null);
    timer.args = [timer.at];
    return timer.id;
  };
  global.cancelAnimationFrame = global.clearTimeout;
  if (typeof global.queueMicrotask !== 'function') {
    global.queueMicrotask = function queueMicrotask(callback) {
      checkCallback('queueMicrotask', callback);
      Promise.resolve().then(() => callback());
    };
  }
}

/** Starts a wait: the budget counts from here. */
export function beginWait() {
  waitStart = now;
  fired = 0;
}

/**
 * Fires the next timer if it falls within the current wait's budget: true when one ran (its
 * promise callbacks are the caller's to run next).
 */
export function fireNext() {
  if (queue.length === 0 || fired >= MAX_CALLBACKS) return false;
  const timer = queue[0];
  if (timer.at - waitStart > WAIT_BUDGET_MS) return false;
  queue.shift();
  fired++;
  if (timer.at > now) now = timer.at;
  if (timer.interval !== null) {
    // Rescheduled before it runs, so clearInterval() inside the callback stops it.
    const next = schedule(timer.callback, now + timer.interval, timer.args, timer.interval);
    next.id = timer.id;
  }
  timer.callback(...timer.args);
  return true;
}

/** Drops every pending timer (a new composition is selected). */
export function reset() {
  queue.length = 0;
}
