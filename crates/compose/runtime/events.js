// kinema:events — Event, CustomEvent, EventTarget, DOMException, AbortController and
// AbortSignal: what code that cancels work expects to find (an effect's clean-up aborting its
// fetch, a library listening for `abort`). There is no DOM, so events only reach the target
// they are dispatched on: no capture, no bubbling.

// Legacy numeric codes browsers still give the named DOMExceptions.
const CODES = {
  IndexSizeError: 1,
  HierarchyRequestError: 3,
  WrongDocumentError: 4,
  InvalidCharacterError: 5,
  NoModificationAllowedError: 7,
  NotFoundError: 8,
  NotSupportedError: 9,
  InvalidStateError: 11,
  SyntaxError: 12,
  InvalidModificationError: 13,
  NamespaceError: 14,
  InvalidAccessError: 15,
  TypeMismatchError: 17,
  SecurityError: 18,
  NetworkError: 19,
  AbortError: 20,
  URLMismatchError: 21,
  QuotaExceededError: 22,
  TimeoutError: 23,
  InvalidNodeTypeError: 24,
  DataCloneError: 25,
};

class KinemaDOMException extends Error {
  constructor(message = '', name = 'Error') {
    super(String(message));
    Object.defineProperty(this, 'name', { value: String(name), writable: true, configurable: true });
  }
  get code() {
    return CODES[this.name] ?? 0;
  }
}

// The engine's own DOMException where it has one, so that `instanceof` holds either way.
export const DOMException = typeof globalThis.DOMException === 'function' ? globalThis.DOMException : KinemaDOMException;

// Internal state is kept under symbols, out of the way of a subclass's own fields.
const CANCELED = Symbol('canceled');
const STOPPED = Symbol('stopped');
const TARGET = Symbol('target');
const CURRENT = Symbol('current');
const LISTENERS = Symbol('listeners');
const ABORTED = Symbol('aborted');
const REASON = Symbol('reason');
const DEPENDENTS = Symbol('dependents');
const HANDLER = Symbol('handler');

const internal = (value) => ({ value, writable: true });

export class Event {
  constructor(type, init) {
    if (arguments.length === 0) throw new TypeError("Event: the 'type' argument is required.");
    const options = init ?? {};
    Object.defineProperties(this, {
      type: { value: String(type), enumerable: true },
      bubbles: { value: Boolean(options.bubbles), enumerable: true },
      cancelable: { value: Boolean(options.cancelable), enumerable: true },
      composed: { value: Boolean(options.composed), enumerable: true },
      isTrusted: { value: false, enumerable: true },
      timeStamp: { value: 0, enumerable: true },
      [CANCELED]: internal(false),
      [STOPPED]: internal(false),
      [TARGET]: internal(null),
      [CURRENT]: internal(null),
    });
  }
  get target() {
    return this[TARGET];
  }
  get currentTarget() {
    return this[CURRENT];
  }
  get srcElement() {
    return this[TARGET];
  }
  get defaultPrevented() {
    return this[CANCELED];
  }
  get eventPhase() {
    return this[CURRENT] === null ? 0 : 2; // NONE, or AT_TARGET while dispatched
  }
  composedPath() {
    return this[CURRENT] === null ? [] : [this[CURRENT]];
  }
  preventDefault() {
    if (this.cancelable) this[CANCELED] = true;
  }
  stopPropagation() {}
  stopImmediatePropagation() {
    this[STOPPED] = true;
  }
}

export class CustomEvent extends Event {
  constructor(type, init) {
    super(type, init);
    Object.defineProperty(this, 'detail', { value: init?.detail ?? null, enumerable: true });
  }
}

function listenerOptions(options) {
  if (typeof options === 'boolean') return { capture: options, once: false, signal: null };
  const given = options ?? {};
  return { capture: Boolean(given.capture), once: Boolean(given.once), signal: given.signal ?? null };
}

export class EventTarget {
  constructor() {
    Object.defineProperty(this, LISTENERS, { value: new Map() });
  }
  addEventListener(type, callback, options) {
    if (callback === null || callback === undefined) return;
    if (typeof callback !== 'function' && typeof callback !== 'object') {
      throw new TypeError('addEventListener: the listener must be a function or an object with a handleEvent() method.');
    }
    const { capture, once, signal } = listenerOptions(options);
    if (signal !== null && signal.aborted) return;
    const name = String(type);
    let list = this[LISTENERS].get(name);
    if (list === undefined) {
      list = [];
      this[LISTENERS].set(name, list);
    }
    if (list.some((entry) => entry.callback === callback && entry.capture === capture)) return;
    list.push({ callback, capture, once, removed: false });
    if (signal !== null && typeof signal.addEventListener === 'function') {
      signal.addEventListener('abort', () => this.removeEventListener(name, callback, { capture }), { once: true });
    }
  }
  removeEventListener(type, callback, options) {
    const list = this[LISTENERS].get(String(type));
    if (list === undefined) return;
    const capture = listenerOptions(options).capture;
    const i = list.findIndex((entry) => entry.callback === callback && entry.capture === capture);
    if (i >= 0) {
      list[i].removed = true;
      list.splice(i, 1);
    }
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new TypeError('dispatchEvent: the argument must be an Event.');
    if (event[CURRENT] !== null) throw new DOMException('The event is already being dispatched.', 'InvalidStateError');
    event[TARGET] = this;
    event[CURRENT] = this;
    event[STOPPED] = false;
    // A copy: listeners added during the dispatch wait for the next one.
    const list = (this[LISTENERS].get(event.type) ?? []).slice();
    try {
      for (const entry of list) {
        if (entry.removed) continue;
        if (entry.once) this.removeEventListener(event.type, entry.callback, { capture: entry.capture });
        call(this, entry.callback, event);
        if (event[STOPPED]) break;
      }
    } finally {
      event[CURRENT] = null;
    }
    return !event[CANCELED];
  }
}

// A listener's error does not stop the dispatch: a browser reports it and goes on, and so does
// this, on the console.
function call(target, callback, event) {
  try {
    if (typeof callback === 'function') {
      callback.call(target, event);
    } else if (typeof callback.handleEvent === 'function') {
      callback.handleEvent(event);
    } else {
      throw new TypeError(`The listener for "${event.type}" has no handleEvent() method.`);
    }
  } catch (error) {
    console.error('Uncaught', error);
  }
}

const CREATING = Symbol('kinema.creatingSignal');

export class AbortSignal extends EventTarget {
  constructor(token) {
    if (token !== CREATING) throw new TypeError('AbortSignal: illegal constructor (make one with new AbortController()).');
    super();
    Object.defineProperties(this, {
      [ABORTED]: internal(false),
      [REASON]: internal(undefined),
      // Signals made by AbortSignal.any() from this one: aborted with it.
      [DEPENDENTS]: internal([]),
      // The `onabort` handler and the listener that calls it.
      [HANDLER]: internal(null),
    });
  }
  get aborted() {
    return this[ABORTED];
  }
  get reason() {
    return this[REASON];
  }
  // As a DOM event handler: a listener added when the handler is first set, so it runs in
  // the order it was set among the listeners.
  get onabort() {
    return this[HANDLER] === null ? null : this[HANDLER].handler;
  }
  set onabort(value) {
    const handler = typeof value === 'function' ? value : null;
    if (handler === null) {
      if (this[HANDLER] !== null) this.removeEventListener('abort', this[HANDLER].listener);
      this[HANDLER] = null;
    } else if (this[HANDLER] === null) {
      const entry = { handler, listener: (event) => entry.handler.call(this, event) };
      this[HANDLER] = entry;
      this.addEventListener('abort', entry.listener);
    } else {
      this[HANDLER].handler = handler;
    }
  }
  throwIfAborted() {
    if (this[ABORTED]) throw this[REASON];
  }
  static abort(reason) {
    const signal = new AbortSignal(CREATING);
    abortSignal(signal, reason);
    return signal;
  }
  // Fires on the engine's virtual clock (kinema:timers), like any timer.
  static timeout(milliseconds) {
    const ms = Number(milliseconds);
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`AbortSignal.timeout: ${milliseconds} is not a valid number of milliseconds.`);
    const signal = new AbortSignal(CREATING);
    globalThis.setTimeout(() => abortSignal(signal, new DOMException('The operation timed out.', 'TimeoutError')), ms);
    return signal;
  }
  static any(signals) {
    const signal = new AbortSignal(CREATING);
    const list = Array.from(signals);
    const aborted = list.find((each) => each.aborted);
    if (aborted !== undefined) {
      signal[ABORTED] = true;
      signal[REASON] = aborted.reason;
      return signal;
    }
    for (const each of list) {
      if (!(each instanceof AbortSignal)) throw new TypeError('AbortSignal.any: every item must be an AbortSignal.');
      each[DEPENDENTS].push(signal);
    }
    return signal;
  }
}

// As the DOM aborts: the signal and the signals that depend on it are all marked aborted
// before any of their `abort` events runs.
function abortSignal(signal, reason) {
  if (signal[ABORTED]) return;
  signal[ABORTED] = true;
  signal[REASON] = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
  const dependents = signal[DEPENDENTS].filter((each) => !each[ABORTED]);
  signal[DEPENDENTS] = [];
  for (const each of dependents) {
    each[ABORTED] = true;
    each[REASON] = signal[REASON];
  }
  signal.dispatchEvent(new Event('abort'));
  for (const each of dependents) each.dispatchEvent(new Event('abort'));
}

export class AbortController {
  constructor() {
    Object.defineProperty(this, 'signal', { value: new AbortSignal(CREATING), enumerable: true });
  }
  abort(reason) {
    abortSignal(this.signal, reason);
  }
}

/** The reason an aborted `signal` (an AbortSignal or any object shaped like one) gives. */
export function abortReason(signal) {
  return signal.reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : signal.reason;
}

export function install(global) {
  if (typeof global.DOMException !== 'function') global.DOMException = DOMException;
  global.Event = Event;
  global.CustomEvent = CustomEvent;
  global.EventTarget = EventTarget;
  global.AbortSignal = AbortSignal;
  global.AbortController = AbortController;
}
