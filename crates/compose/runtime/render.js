// kinema:render — expands a React element into host nodes for one frame.
//
// The nodes are written to a *tape*: one flat array the engine reads value by value and builds
// into `tree::Node`s (`crates/compose/src/tape.rs`), which costs a fraction of building an
// object per element and per attribute map and turning them into JSON. Tokens:
//   OPEN, tag[, props]   an element starts (its children follow); its props object, whose
//                        attributes and style the engine converts as React DOM does
//                        (`crates/compose/src/tape_reader.rs`) when it reads the tape
//   HTML, markup         its dangerouslySetInnerHTML
//   CLOSE                the element open ends
//   "text"               a text node (adjacent text is merged)

import {
  ELEMENT,
  FRAGMENT,
  MEMO,
  FORWARD_REF,
  CONTEXT,
  CONSUMER,
  LAZY,
  SUSPENSE,
  STRICT_MODE,
  PROFILER,
  INSERTION,
  LAYOUT,
  PASSIVE,
  __setDispatcher,
} from 'react';

const LEGACY_ELEMENT = Symbol.for('react.element');
const LEGACY_PROVIDER = Symbol.for('react.provider');

export const CLOSE = 0;
export const OPEN = 1;
const HTML = 4;

// ---- the render walk ------------------------------------------------------------------------

// Context values form a linked list down the tree: {context, value, next}.
let contexts = null;
let idCounter = 0;

// ---- fibers: what a mounted component keeps between renders ------------------------------
//
// A component that calls a stateful hook (or a class component) gets a fiber the first time,
// found again in later renders by its place in the tree: the path of component types, keys
// and array indices from the root, as React identifies it (host elements do not branch a path
// on their own, so they add nothing). A fiber holds the component's hooks; one its type no
// longer matches, or one a commit did not render, is unmounted (its effect clean-ups run).
// Components with no hooks have no fiber and cost nothing beyond the path.

export class FiberStore {
  constructor() {
    this.fibers = new Map();
    this.commit = 0;
    this.dirty = false;
    this.passes = 0;
    // <Suspense> boundaries that showed their fallback in the last pass, and whether the root
    // suspended (no boundary).
    this.suspended = 0;
    this.suspendedRoot = false;
    // Path keys of suspended boundaries' children in the last pass (see renderSuspense).
    this.hidden = [];
  }
}

let store = null; // null while listing compositions: hooks then keep nothing
const path = [];
let fiber = null; // the fiber of the component being called, once it used a hook
let fiberType = null;
let hookIndex = 0;
let committed = []; // fibers rendered in this pass that have effects or lifecycles, children first
const typeIds = new Map();
const TYPE_ID = Symbol('kinema.typeId');

// Path segments: an array index (a number from 0), a key (a string) or a component type (a
// negative number), so that no two paths read alike. Keys are marked only when a fiber is
// looked up, which few components need.
function typeId(type) {
  // Kept on the type itself (a property read is cheaper than a Map lookup), with the type, as
  // a subclass inherits its parent's static properties; in the Map for frozen types.
  const own = type[TYPE_ID];
  if (own !== undefined && own.type === type) return own.id;
  let id = typeIds.get(type);
  if (id === undefined) {
    id = -1 - typeIds.size;
    typeIds.set(type, id);
    try {
      Object.defineProperty(type, TYPE_ID, { value: { type, id } });
    } catch (_) {
      // frozen: the Map answers
    }
  }
  return id;
}

function pathKey() {
  let key = '';
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    // A key's length goes first, so no key can read as a key and more segments.
    key += typeof segment === 'string' ? '$' + segment.length + ':' + segment + '/' : segment + '/';
  }
  return key;
}

function currentFiber() {
  if (fiber !== null) return fiber;
  if (store === null) return null;
  const key = pathKey();
  let found = store.fibers.get(key);
  if (found !== undefined && found.type !== fiberType) {
    unmount(found);
    found = undefined;
  }
  if (found === undefined) {
    found = {
      type: fiberType,
      store,
      hooks: [],
      pending: false,
      instance: null,
      mounted: false,
      unmounted: false,
      commit: 0,
      queue: null,
      callbacks: null,
      prevProps: null,
      prevState: null,
    };
    store.fibers.set(key, found);
  }
  found.commit = store.commit;
  fiber = found;
  return found;
}

function hook(kind) {
  const owner = currentFiber();
  if (owner === null) return null;
  const index = hookIndex++;
  let slot = owner.hooks[index];
  if (slot === undefined) {
    slot = { kind, name: dispatcher.calling };
    owner.hooks[index] = slot;
  } else if (slot.kind !== kind) {
    throw new Error(
      `${componentName(owner.type)} called ${dispatcher.calling}() where its previous render called ${slot.name}(): hooks must be called in the same order on every render (not inside conditions or loops).`,
    );
  }
  return slot;
}

const STATE = 0;
const REF = 1;
const MEMO_HOOK = 2;
const EFFECT = 3;
const STORE = 4;

function sameDeps(previous, next) {
  if (previous === null || next === null || previous.length !== next.length) return false;
  for (let i = 0; i < next.length; i++) if (!Object.is(previous[i], next[i])) return false;
  return true;
}

function basicState(state, action) {
  return typeof action === 'function' ? action(state) : action;
}

const noop = () => {};

// Thrown by use(promise) while the promise is pending, caught by the nearest <Suspense> (or the
// root). Frozen, so the error annotation on its way up leaves it alone.
const SUSPENDED = Object.freeze({ suspended: true });

// React.lazy(): the component once its module loaded; until then the element suspends, as
// use(promise) does, and every fiber store that waited on it renders again when it settles.
function lazyComponent(lazy) {
  if (lazy._status === 'fulfilled') return lazy._result;
  if (lazy._status === 'rejected') throw lazy._result;
  if (store === null) {
    throw new Error('A React.lazy() component cannot load while compositions are listed: import it statically, or use <Composition lazyComponent={...}>.');
  }
  if (lazy._status === 'uninitialized') {
    const loading = lazy._factory();
    if (loading === null || typeof loading !== 'object' || typeof loading.then !== 'function') {
      throw new TypeError('The function given to React.lazy() must return a promise of a module, such as import("./Scene").');
    }
    lazy._status = 'pending';
    lazy._waiting = new Set();
    const settle = (status, result) => {
      if (lazy._status !== 'pending') return;
      lazy._status = status;
      lazy._result = result;
      for (const waiting of lazy._waiting) waiting.dirty = true;
      lazy._waiting = null;
    };
    loading.then(
      (module) => {
        const component = module !== null && typeof module === 'object' ? module.default : undefined;
        if (component === undefined) {
          settle('rejected', new TypeError('The promise React.lazy() loads must resolve to a module with a default export (the component), such as import("./Scene").'));
        } else {
          settle('fulfilled', component);
        }
      },
      (reason) => settle('rejected', reason),
    );
    // A thenable may call back at once.
    if (lazy._status === 'fulfilled') return lazy._result;
    if (lazy._status === 'rejected') throw lazy._result;
  }
  lazy._waiting.add(store);
  throw SUSPENDED;
}

const dispatcher = {
  calling: '',
  readContext(context) {
    for (let node = contexts; node !== null; node = node.next) {
      if (node.context === context) return node.value;
    }
    return context._defaultValue;
  },
  nextId() {
    return ':k' + (idCounter++).toString(36) + ':';
  },
  useState(initial) {
    const slot = hook(STATE);
    if (slot === null) return [typeof initial === 'function' ? initial() : initial, noop];
    if (slot.dispatch === undefined) {
      slot.value = typeof initial === 'function' ? initial() : initial;
      makeDispatch(slot, fiber);
    }
    slot.reducer = basicState;
    return [slot.value, slot.dispatch];
  },
  useReducer(reducer, initialArg, init) {
    const slot = hook(STATE);
    if (slot === null) return [init ? init(initialArg) : initialArg, noop];
    if (slot.dispatch === undefined) {
      slot.value = init ? init(initialArg) : initialArg;
      makeDispatch(slot, fiber);
    }
    slot.reducer = reducer;
    return [slot.value, slot.dispatch];
  },
  useRef(initial) {
    const slot = hook(REF);
    if (slot === null) return { current: initial };
    if (slot.ref === undefined) slot.ref = { current: initial };
    return slot.ref;
  },
  useMemo(factory, deps) {
    const slot = hook(MEMO_HOOK);
    const list = deps === undefined || deps === null ? null : deps;
    if (slot === null) return factory();
    if (!('value' in slot) || !sameDeps(slot.deps, list)) {
      slot.value = factory();
      slot.deps = list;
    }
    return slot.value;
  },
  // use(promise): its value once settled; until then the component suspends (the nearest
  // <Suspense> shows its fallback) and the settled promise renders the frame again. The
  // promise carries its state as React's convention has it (status, value, reason).
  usePromise(thenable) {
    if (thenable.status === 'fulfilled') return thenable.value;
    if (thenable.status === 'rejected') throw thenable.reason;
    if (store === null) {
      throw new Error('use(promise) cannot wait while compositions are listed: resolve data in calculateMetadata() instead.');
    }
    if (thenable.status !== 'pending') {
      const owner = store;
      thenable.status = 'pending';
      thenable.then(
        (value) => {
          if (thenable.status !== 'pending') return;
          thenable.status = 'fulfilled';
          thenable.value = value;
          owner.dirty = true;
        },
        (reason) => {
          if (thenable.status !== 'pending') return;
          thenable.status = 'rejected';
          thenable.reason = reason;
          owner.dirty = true;
        },
      );
    }
    throw SUSPENDED;
  },
  // An external store's snapshot. Its subscription is an effect of the component's: a change
  // the store reports (from a timer or a settled promise, say) renders the frame again.
  useSyncExternalStore(subscribe, getSnapshot) {
    if (typeof subscribe !== 'function' || typeof getSnapshot !== 'function') {
      throw new TypeError('useSyncExternalStore(subscribe, getSnapshot) expects two functions.');
    }
    const value = getSnapshot();
    if (!Object.is(value, getSnapshot())) {
      throw new Error(
        `The result of getSnapshot should be cached: in ${componentName(fiberType)} it returned a new value on each call, which renders the component again without end. Return the same value while the store has not changed.`,
      );
    }
    const slot = hook(STORE);
    if (slot === null) return value;
    slot.value = value;
    slot.getSnapshot = getSnapshot;
    const owner = fiber;
    this.useEffect(
      PASSIVE,
      () => {
        const changed = () => {
          if (owner.unmounted) return;
          let next;
          try {
            next = slot.getSnapshot();
          } catch (_) {
            // The render that follows throws it where the component's name goes with it.
            owner.store.dirty = true;
            return;
          }
          if (!Object.is(next, slot.value)) owner.store.dirty = true;
        };
        const unsubscribe = subscribe(changed);
        if (unsubscribe !== undefined && typeof unsubscribe !== 'function') {
          throw new TypeError('useSyncExternalStore(): subscribe(callback) must return a function that unsubscribes (or nothing).');
        }
        // The store may have changed between the render and the subscription.
        changed();
        return unsubscribe;
      },
      [subscribe],
    );
    return value;
  },
  useEffect(phase, create, deps) {
    const slot = hook(EFFECT);
    if (slot === null) return;
    const list = deps === undefined || deps === null ? null : deps;
    if (slot.phase === undefined) {
      slot.phase = phase;
      slot.cleanup = undefined;
    } else if (sameDeps(slot.deps, list)) {
      return;
    }
    slot.create = create;
    slot.deps = list;
    fiber.pending = true;
  },
};

// Updates apply at once (the next render reads the new value); an update that changes nothing
// schedules no render, and one to an unmounted component is dropped, as in React.
function makeDispatch(slot, owner) {
  slot.dispatch = (action) => {
    if (owner.unmounted) return;
    const next = slot.reducer(slot.value, action);
    if (!Object.is(next, slot.value)) {
      slot.value = next;
      owner.store.dirty = true;
    }
  };
}

// A class instance's updater: updates queue until its next render merges them.
function classUpdater(owner) {
  return {
    enqueue(partial, callback) {
      if (owner.unmounted) return;
      (owner.queue ??= []).push({ partial, callback });
      owner.store.dirty = true;
    },
  };
}

function runCleanup(slot) {
  const cleanup = slot.cleanup;
  slot.cleanup = undefined;
  if (typeof cleanup === 'function') cleanup();
}

function unmount(owner) {
  owner.unmounted = true;
  const instance = owner.instance;
  if (instance !== null && owner.mounted && typeof instance.componentWillUnmount === 'function') {
    instance.componentWillUnmount();
  }
  for (const slot of owner.hooks) if (slot.kind === EFFECT) runCleanup(slot);
}

// Unmounts each of `owners`, all of them even when a clean-up throws; then throws the first
// error, naming its component.
function unmountEach(owners) {
  let failure = null;
  for (const owner of owners) {
    try {
      unmount(owner);
    } catch (error) {
      if (failure === null) failure = annotate(error, owner.type);
    }
  }
  if (failure !== null) throw failure;
}

function isHidden(target, key) {
  for (const prefix of target.hidden) if (key.startsWith(prefix)) return true;
  return false;
}

const PHASES = [INSERTION, LAYOUT, PASSIVE];

// After a pass: unmount what it did not render (but what a suspended boundary hides), then run
// effects phase by phase, children before parents: in each phase the clean-ups of the effects
// that re-run, then the effects. Class lifecycles and setState callbacks run with the layout
// effects, as React runs them.
function commitPass(target, rendered) {
  if (target.fibers.size === 0) return;
  let gone = null;
  for (const [key, owner] of target.fibers) {
    if (owner.commit !== target.commit && !isHidden(target, key)) {
      target.fibers.delete(key);
      (gone ??= []).push(owner);
    }
  }
  if (gone !== null) unmountEach(gone);
  if (rendered.length === 0) return;
  for (const phase of PHASES) {
    for (const owner of rendered) {
      if (!owner.pending || owner.instance !== null) continue;
      for (const slot of owner.hooks) {
        if (slot.kind === EFFECT && slot.phase === phase && slot.create !== null) {
          try {
            runCleanup(slot);
          } catch (error) {
            throw annotate(error, owner.type);
          }
        }
      }
    }
    for (const owner of rendered) {
      if (!owner.pending) continue;
      if (owner.instance !== null) {
        if (phase === LAYOUT) classCommitted(owner);
        continue;
      }
      for (const slot of owner.hooks) {
        if (slot.kind !== EFFECT || slot.phase !== phase || slot.create === null) continue;
        const create = slot.create;
        slot.create = null;
        let cleanup;
        try {
          cleanup = create();
        } catch (error) {
          throw annotate(error, owner.type);
        }
        if (cleanup !== undefined && typeof cleanup !== 'function') {
          throw new TypeError(`An effect of ${componentName(owner.type)} returned something other than a clean-up function or undefined.`);
        }
        slot.cleanup = cleanup;
      }
    }
  }
  for (const owner of rendered) owner.pending = false;
}

function classCommitted(owner) {
  const instance = owner.instance;
  try {
    if (!owner.mounted) {
      owner.mounted = true;
      if (typeof instance.componentDidMount === 'function') instance.componentDidMount();
    } else if (typeof instance.componentDidUpdate === 'function') {
      instance.componentDidUpdate(owner.prevProps, owner.prevState);
    }
    const callbacks = owner.callbacks;
    owner.callbacks = null;
    if (callbacks !== null) for (const callback of callbacks) callback.call(instance);
  } catch (error) {
    throw annotate(error, owner.type);
  }
}

export function readContext(context) {
  return dispatcher.readContext(context);
}

function componentName(type) {
  if (typeof type === 'function') return type.displayName || type.name || 'Anonymous';
  if (type && type.$$typeof === MEMO) return componentName(type.type);
  if (type && type.$$typeof === FORWARD_REF) return type.displayName || componentName(type.render);
  if (type && type.$$typeof === CONTEXT) return (type.displayName || 'Context') + '.Provider';
  if (type && type.$$typeof === LAZY) return type._status === 'fulfilled' ? componentName(type._result) : 'Lazy';
  return String(type);
}

// Renders so far: an error object thrown again in a later render (a cached rejection, say)
// starts its component chain afresh.
let renders = 0;

function annotate(error, type) {
  if (error !== null && typeof error === 'object' && error !== SUSPENDED) {
    try {
      if (!Array.isArray(error.__kinemaComponents) || error.__kinemaRender !== renders) {
        Object.defineProperty(error, '__kinemaComponents', { value: [], enumerable: false, writable: true, configurable: true });
        Object.defineProperty(error, '__kinemaRender', { value: renders, enumerable: false, writable: true, configurable: true });
      }
      error.__kinemaComponents.push(componentName(type));
    } catch (_) {
      // frozen error objects keep their own stack only
    }
  }
  return error;
}

// A string sliced through an emoji holds a lone surrogate; browsers draw U+FFFD for it. Text is
// made well formed piece by piece, before adjacent pieces merge, as separate DOM text nodes
// would be; other strings are made well formed as the engine reads the tape.
function wellFormed(text) {
  return text.isWellFormed() ? text : text.toWellFormed();
}

// Where the tape's last text token is: text right after it merges into it.
let lastText = -1;

function pushText(tape, text) {
  text = wellFormed(text);
  const last = tape.length - 1;
  if (last >= 0 && last === lastText) {
    tape[last] += text;
  } else {
    tape.push(text);
    lastText = last + 1;
  }
}

function renderChildren(children, tape) {
  if (children === null || children === undefined || typeof children === 'boolean') return;
  const type = typeof children;
  if (type === 'string') {
    if (children !== '') pushText(tape, children);
    return;
  }
  if (type === 'number' || type === 'bigint') {
    pushText(tape, '' + children);
    return;
  }
  if (Array.isArray(children)) {
    // Each item's place in the path: its key, or its index. (A throw leaves the path long;
    // whoever catches it — <Suspense>, or the next render — sets its length back.)
    const at = path.length;
    path.push(0);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      // Host elements, most of a tree, go straight to renderHost: two calls fewer each.
      if (child !== null && typeof child === 'object' && child.$$typeof === ELEMENT) {
        path[at] = child.key === null ? i : child.key;
        if (typeof child.type === 'string') renderHost(child, tape);
        else renderElement(child, tape);
      } else {
        path[at] = i;
        renderChildren(child, tape);
      }
    }
    path.length = at;
    return;
  }
  if (type === 'object') {
    if (children.$$typeof === ELEMENT || children.$$typeof === LEGACY_ELEMENT) {
      if (typeof children.type === 'string') renderHost(children, tape);
      else renderElement(children, tape);
      return;
    }
    if (typeof children.then === 'function') {
      throw new Error('A component returned a Promise (an async component?). Kinema renders frames synchronously: load data in calculateMetadata() and pass it as props.');
    }
    if (typeof children[Symbol.iterator] === 'function') {
      renderChildren(Array.from(children), tape);
      return;
    }
    throw new Error(
      `Objects are not valid as a React child (found: object with keys {${Object.keys(children).join(', ')}}). If you meant to render a collection of children, use an array instead.`,
    );
  }
  if (type === 'function') return; // React warns and renders nothing
  pushText(tape, String(children));
}

// Deeper trees are almost certainly runaway recursion; the cap also keeps the Rust side's
// recursive walks over the tree (diffing, dropping) within a thread's stack.
export const MAX_DEPTH = 256;
let depth = 0;

function renderHost(element, tape) {
  const props = element.props;
  if (typeof props.style === 'string') {
    throw new TypeError(`The \`style\` prop of <${element.type}> expects a mapping from style properties to values, not a string. For example, style={{marginRight: spacing + 'em'}}.`);
  }
  tape.push(OPEN, element.type, props);
  const inner = props.dangerouslySetInnerHTML;
  if (inner != null && inner.__html != null) {
    tape.push(HTML, '' + inner.__html);
  } else if (props.children !== undefined) {
    if (++depth > MAX_DEPTH) {
      depth = 0;
      throw new RangeError(`The element tree is deeper than ${MAX_DEPTH} levels (runaway recursion?).`);
    }
    try {
      renderChildren(props.children, tape);
    } finally {
      depth--;
    }
  }
  tape.push(CLOSE);
}

function callComponent(type, props, ref) {
  const previous = __setDispatcher(dispatcher);
  // Component bodies do not nest (children render after their parent returns), so the hook
  // state needs no saving: the caller reads `fiber` right after the call.
  fiber = null;
  fiberType = type;
  hookIndex = 0;
  try {
    if (type.prototype && type.prototype.isReactComponent) return renderClass(type, props);
    return ref === undefined ? type(props) : type(props, ref);
  } finally {
    __setDispatcher(previous);
  }
}

function renderClass(type, props) {
  const owner = currentFiber();
  const context = type.contextType ? dispatcher.readContext(type.contextType) : undefined;
  let instance = owner === null ? null : owner.instance;
  if (instance === null) {
    instance = new type(props, context);
    if (owner !== null) {
      owner.instance = instance;
      Object.defineProperty(instance, '_reactInternals', { value: classUpdater(owner), configurable: true });
    }
  } else {
    owner.prevProps = instance.props;
    owner.prevState = instance.state;
  }
  let state = instance.state;
  if (owner !== null && owner.queue !== null) {
    // setState callbacks run after the commit of the render that applied their update.
    for (const { partial, callback } of owner.queue) {
      const change = typeof partial === 'function' ? partial.call(instance, state, props) : partial;
      if (change !== null && change !== undefined) state = Object.assign({}, state, change);
      if (typeof callback === 'function') (owner.callbacks ??= []).push(callback);
    }
    owner.queue = null;
  }
  if (type.getDerivedStateFromProps) {
    const derived = type.getDerivedStateFromProps(props, state);
    if (derived !== null && derived !== undefined) state = Object.assign({}, state, derived);
  }
  instance.state = state;
  instance.props = props;
  if (context !== undefined) instance.context = context;
  if (owner !== null) owner.pending = true;
  return instance.render();
}

function withContext(context, value, children, tape) {
  const saved = contexts;
  contexts = { context, value, next: contexts };
  try {
    renderChildren(children, tape);
  } finally {
    contexts = saved;
  }
}

// What a suspended subtree wrote is taken back (the tape, the path, the effects it would
// commit) and the fallback rendered in its place; contexts and depth unwind through their own
// `finally` blocks.
// The children and the fallback have paths of their own under the boundary. Components of the
// hidden children stay mounted, their state kept, as React keeps them: the sweep after the
// pass spares what lies under a suspended boundary's children.
const SUSPENSE_CHILDREN = {};
const SUSPENSE_FALLBACK = {};

function renderSuspense(props, tape) {
  const mark = tape.length;
  const text = lastText;
  const commits = committed.length;
  const at = path.length;
  path.push(typeId(SUSPENSE_CHILDREN));
  try {
    renderChildren(props.children, tape);
    path.length = at;
  } catch (error) {
    if (error !== SUSPENDED) throw error;
    tape.length = mark;
    lastText = text;
    committed.length = commits;
    path.length = at + 1;
    if (store !== null) store.hidden.push(pathKey());
    path[at] = typeId(SUSPENSE_FALLBACK);
    store.suspended++;
    renderChildren(props.fallback, tape);
    path.length = at;
  }
}

function renderElement(element, tape) {
  const type = element.type;
  if (typeof type === 'string') {
    renderHost(element, tape);
    return;
  }
  if (type === FRAGMENT || type === STRICT_MODE || type === PROFILER) {
    renderChildren(element.props.children, tape);
    return;
  }
  if (type === SUSPENSE) {
    renderSuspense(element.props, tape);
    return;
  }
  const at = path.length;
  path.push(typeId(type));
  if (element.key !== null) path.push(element.key);
  try {
    if (typeof type === 'function') {
      const output = callComponent(type, element.props);
      const owner = fiber;
      renderChildren(output, tape);
      if (owner !== null && owner.pending) committed.push(owner);
      path.length = at;
      return;
    }
    if (type !== null && typeof type === 'object') {
      switch (type.$$typeof) {
        case MEMO:
          renderElement({ $$typeof: ELEMENT, type: type.type, key: element.key, ref: element.ref, props: element.props }, tape);
          path.length = at;
          return;
        case FORWARD_REF: {
          const output = callComponent(type.render, element.props, element.ref ?? element.props.ref ?? null);
          const owner = fiber;
          renderChildren(output, tape);
          if (owner !== null && owner.pending) committed.push(owner);
          path.length = at;
          return;
        }
        case CONTEXT:
          withContext(type, element.props.value, element.props.children, tape);
          path.length = at;
          return;
        case LEGACY_PROVIDER:
          withContext(type._context, element.props.value, element.props.children, tape);
          path.length = at;
          return;
        case CONSUMER: {
          const render = element.props.children;
          if (typeof render !== 'function') throw new TypeError('A context Consumer expects a function as its child.');
          renderChildren(render(dispatcher.readContext(type._context)), tape);
          path.length = at;
          return;
        }
        case LAZY:
          renderElement({ $$typeof: ELEMENT, type: lazyComponent(type), key: element.key, ref: element.ref, props: element.props }, tape);
          path.length = at;
          return;
        default:
          break;
      }
    }
  } catch (error) {
    throw annotate(error, type);
  }
  throw new TypeError(
    `Element type is invalid: expected a string (for built-in elements) or a component, but got: ${type === null ? 'null' : typeof type}.`,
  );
}

/**
 * Renders `element` with the given initial contexts (`[[context, value], …]`) into a tape of
 * host nodes (see the top of this file). With a fiber store, this is a commit: components keep
 * their state in it, what the pass did not render unmounts, and effects run before it returns.
 * Without one (listing compositions), hooks keep nothing and effects do not run.
 */
export function renderToHost(element, initialContexts, fibers = null) {
  const savedContexts = contexts;
  const savedStore = store;
  contexts = null;
  idCounter = 0;
  depth = 0;
  lastText = -1;
  path.length = 0;
  committed = [];
  store = fibers;
  renders++;
  if (store !== null) {
    store.commit++;
    store.suspended = 0;
    store.suspendedRoot = false;
    store.hidden = [];
  }
  for (const [context, value] of initialContexts) contexts = { context, value, next: contexts };
  try {
    const tape = [];
    try {
      renderChildren(element, tape);
    } catch (error) {
      if (error !== SUSPENDED) throw error;
      // Suspended with no boundary: nothing commits; the frame waits for the promise.
      store.suspendedRoot = true;
      return [];
    }
    contexts = savedContexts;
    if (store !== null) commitPass(store, committed);
    return tape;
  } finally {
    contexts = savedContexts;
    store = savedStore;
    committed = [];
  }
}

/** Unmounts every fiber of `fibers` (its composition is being replaced). */
export function unmountAll(fibers) {
  const owners = Array.from(fibers.fibers.values());
  fibers.fibers.clear();
  unmountEach(owners);
}
