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
      _canceled: { value: false, writable: true },
      _stopped: { value: false, writable: true },
      _target: { value: null, writable: true },
      _current: { value: null, writable: true },
    });
  }
  get target() {
    return this._target;
  }
  get currentTarget() {
    return this._current;
  }
  get srcElement() {
    return this._target;
  }
  get defaultPrevented() {
    return this._canceled;
  }
  get eventPhase() {
    return this._current === null ? 0 : 2; // NONE, or AT_TARGET while dispatched
  }
  composedPath() {
    return this._current === null ? [] : [this._current];
  }
  preventDefault() {
    if (this.cancelable) this._canceled = true;
  }
  stopPropagation() {}
  stopImmediatePropagation() {
    this._stopped = true;
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
    Object.defineProperty(this, '_listeners', { value: new Map() });
  }
  addEventListener(type, callback, options) {
    if (callback === null || callback === undefined) return;
    if (typeof callback !== 'function' && (typeof callback !== 'object' || typeof callback.handleEvent !== 'function')) {
      throw new TypeError('addEventListener: the listener must be a function or an object with a handleEvent() method.');
    }
    const { capture, once, signal } = listenerOptions(options);
    if (signal !== null && signal.aborted) return;
    const name = String(type);
    let list = this._listeners.get(name);
    if (list === undefined) {
      list = [];
      this._listeners.set(name, list);
    }
    if (list.some((entry) => entry.callback === callback && entry.capture === capture)) return;
    const entry = { callback, capture, once, removed: false };
    list.push(entry);
    if (signal !== null && typeof signal.addEventListener === 'function') {
      signal.addEventListener('abort', () => this.removeEventListener(name, callback, { capture }), { once: true });
    }
  }
  removeEventListener(type, callback, options) {
    const list = this._listeners.get(String(type));
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
    if (event._current !== null) throw new DOMException('The event is already being dispatched.', 'InvalidStateError');
    event._target = this;
    event._current = this;
    event._stopped = false;
    const handler = this[`on${event.type}`];
    // A copy: listeners added during the dispatch wait for the next one.
    const list = (this._listeners.get(event.type) ?? []).slice();
    try {
      for (const entry of list) {
        if (entry.removed) continue;
        if (entry.once) this.removeEventListener(event.type, entry.callback, { capture: entry.capture });
        call(this, entry.callback, event);
        if (event._stopped) break;
      }
      // An `on…` handler property (onabort) runs after the listeners added before it was set;
      // keeping it last is close enough without a DOM's attribute bookkeeping.
      if (!event._stopped && typeof handler === 'function') call(this, handler, event);
    } finally {
      event._current = null;
    }
    return !event._canceled;
  }
}

// A listener's error does not stop the dispatch: a browser reports it and goes on, and so does
// this, on the console.
function call(target, callback, event) {
  try {
    if (typeof callback === 'function') callback.call(target, event);
    else callback.handleEvent(event);
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
      _aborted: { value: false, writable: true },
      _reason: { value: undefined, writable: true },
    });
    this.onabort = null;
  }
  get aborted() {
    return this._aborted;
  }
  get reason() {
    return this._reason;
  }
  throwIfAborted() {
    if (this._aborted) throw this._reason;
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
      abortSignal(signal, aborted.reason);
      return signal;
    }
    for (const each of list) {
      each.addEventListener('abort', () => abortSignal(signal, each.reason), { once: true, signal });
    }
    return signal;
  }
}

function abortSignal(signal, reason) {
  if (signal._aborted) return;
  signal._aborted = true;
  signal._reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
  signal.dispatchEvent(new Event('abort'));
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
