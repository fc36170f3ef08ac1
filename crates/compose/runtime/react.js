// Kinema's React: the element model and hooks of React. The hooks ask the renderer's dispatcher
// (kinema:render), which keeps each mounted component's state between renders and runs its
// effects after each commit.

export const ELEMENT = Symbol.for('react.transitional.element');
const LEGACY_ELEMENT = Symbol.for('react.element');
export const FRAGMENT = Symbol.for('react.fragment');
export const MEMO = Symbol.for('react.memo');
export const FORWARD_REF = Symbol.for('react.forward_ref');
export const CONTEXT = Symbol.for('react.context');
export const CONSUMER = Symbol.for('react.consumer');
export const LAZY = Symbol.for('react.lazy');
export const SUSPENSE = Symbol.for('react.suspense');
export const STRICT_MODE = Symbol.for('react.strict_mode');
export const PROFILER = Symbol.for('react.profiler');

export const Fragment = FRAGMENT;
export const StrictMode = STRICT_MODE;
export const Suspense = SUSPENSE;
export const Profiler = PROFILER;
export const version = '19.0.0-kinema';

const hasOwn = Object.prototype.hasOwnProperty;

// QuickJS keeps an object shape only while some object has it and builds an object literal's
// shape property by property: one object of each prefix of an element's shape, kept for good,
// lets every element find its shape instead of making it anew (~5 % of composing a frame).
// (The engine does the same for the props and style objects it reads.)
const ELEMENT_SHAPES = [
  { $$typeof: null },
  { $$typeof: null, type: null },
  { $$typeof: null, type: null, key: null },
  { $$typeof: null, type: null, key: null, ref: null },
  { $$typeof: null, type: null, key: null, ref: null, props: null },
  { $$typeof: null, type: null, key: null, ref: null, props: null, _owner: null },
];

function makeElement(type, key, ref, props) {
  return { $$typeof: ELEMENT, type, key, ref, props, _owner: null };
}

export function createElement(type, config, ...children) {
  if (type === undefined || type === null) {
    throw new TypeError(
      `Element type is invalid: expected a string (for built-in elements) or a component, but got: ${type}. ` +
        'You likely forgot to export your component from the file it is defined in, or mixed up default and named imports.',
    );
  }
  const props = {};
  let key = null;
  let ref = null;
  if (config != null) {
    if (config.key !== undefined) key = '' + config.key;
    if (config.ref !== undefined) ref = config.ref;
    for (const name in config) {
      if (hasOwn.call(config, name) && name !== 'key' && name !== '__self' && name !== '__source') {
        props[name] = config[name];
      }
    }
  }
  if (children.length === 1) props.children = children[0];
  else if (children.length > 1) props.children = children;
  applyDefaultProps(type, props);
  return makeElement(type, key, ref, props);
}

// The automatic JSX runtime: children are already in props, the key is passed apart.
export function jsx(type, config, maybeKey) {
  if (type === undefined || type === null) return createElement(type, config);
  let props = config;
  let key = maybeKey === undefined ? null : '' + maybeKey;
  if (config != null && (config.key !== undefined || config.ref !== undefined)) {
    props = {};
    for (const name in config) {
      if (name !== 'key') props[name] = config[name];
    }
    if (config.key !== undefined) key = '' + config.key;
  }
  props = props ?? {};
  applyDefaultProps(type, props);
  return makeElement(type, key, props.ref ?? null, props);
}

function applyDefaultProps(type, props) {
  const defaults = type && type.defaultProps;
  if (defaults) {
    for (const name in defaults) {
      if (props[name] === undefined) props[name] = defaults[name];
    }
  }
}

export function isValidElement(object) {
  return typeof object === 'object' && object !== null && (object.$$typeof === ELEMENT || object.$$typeof === LEGACY_ELEMENT);
}

export function cloneElement(element, config, ...children) {
  if (!isValidElement(element)) throw new TypeError('React.cloneElement(...): The argument must be a React element, but you passed ' + element);
  const props = Object.assign({}, element.props);
  let key = element.key;
  let ref = element.ref;
  if (config != null) {
    if (config.key !== undefined) key = '' + config.key;
    if (config.ref !== undefined) ref = config.ref;
    for (const name in config) {
      if (hasOwn.call(config, name) && name !== 'key') props[name] = config[name];
    }
  }
  if (children.length === 1) props.children = children[0];
  else if (children.length > 1) props.children = children;
  return makeElement(element.type, key, ref, props);
}

export function memo(type, compare) {
  return { $$typeof: MEMO, type, compare: compare ?? null };
}

export function forwardRef(render) {
  return { $$typeof: FORWARD_REF, render };
}

export function lazy(factory) {
  if (typeof factory !== 'function') {
    throw new TypeError('React.lazy() expects a function that returns a promise of a module, such as () => import("./Scene").');
  }
  return { $$typeof: LAZY, _factory: factory, _status: 'uninitialized', _result: null, _waiting: null };
}

export function createContext(defaultValue) {
  const context = { $$typeof: CONTEXT, _defaultValue: defaultValue, _currentValue: defaultValue };
  context.Provider = context; // React 19: the context itself is its provider
  context.Consumer = { $$typeof: CONSUMER, _context: context };
  context.displayName = undefined;
  return context;
}

// ---- hooks ---------------------------------------------------------------------------------
// The renderer sets the dispatcher while it calls a component; hooks outside a component throw
// like React's do.

let dispatcher = null;

export function __setDispatcher(next) {
  const previous = dispatcher;
  dispatcher = next;
  return previous;
}

function current(name) {
  if (dispatcher === null) {
    throw new Error(
      `Invalid hook call: ${name}() can only be called inside the body of a function component.`,
    );
  }
  dispatcher.calling = name; // names the hook in the renderer's errors
  return dispatcher;
}

const noop = () => {};

// Effect phases, in the order a commit runs them.
export const INSERTION = 0;
export const LAYOUT = 1;
export const PASSIVE = 2;

export function useContext(context) {
  return current('useContext').readContext(context);
}
export function use(usable) {
  if (usable && usable.$$typeof === CONTEXT) return useContext(usable);
  if (usable && typeof usable.then === 'function') return current('use').usePromise(usable);
  throw new Error('use() expects a context or a promise.');
}
export function useState(initial) {
  return current('useState').useState(initial);
}
export function useReducer(reducer, initialArg, init) {
  return current('useReducer').useReducer(reducer, initialArg, init);
}
export function useRef(initial) {
  return current('useRef').useRef(initial);
}
export function useMemo(factory, deps) {
  return current('useMemo').useMemo(factory, deps);
}
export function useCallback(callback, deps) {
  return current('useCallback').useMemo(() => callback, deps);
}
export function useEffect(create, deps) {
  current('useEffect').useEffect(PASSIVE, create, deps);
}
export function useLayoutEffect(create, deps) {
  current('useLayoutEffect').useEffect(LAYOUT, create, deps);
}
export function useInsertionEffect(create, deps) {
  current('useInsertionEffect').useEffect(INSERTION, create, deps);
}
export function useImperativeHandle(ref, create, deps) {
  current('useImperativeHandle').useEffect(
    LAYOUT,
    () => {
      if (typeof ref === 'function') {
        ref(create());
        return () => ref(null);
      }
      if (ref !== null && ref !== undefined) {
        ref.current = create();
        return () => {
          ref.current = null;
        };
      }
      return undefined;
    },
    deps === null || deps === undefined ? null : deps.concat([ref]),
  );
}
export function useDebugValue() {}
export function useId() {
  return current('useId').nextId();
}
export function useTransition() {
  current('useTransition');
  return [false, (fn) => fn()];
}
export function useDeferredValue(value) {
  return value;
}
export function useSyncExternalStore(subscribe, getSnapshot) {
  return current('useSyncExternalStore').useSyncExternalStore(subscribe, getSnapshot);
}
export function useOptimistic(state) {
  return [state, noop];
}
export function startTransition(fn) {
  fn();
}

// ---- class components ----------------------------------------------------------------------

export function Component(props, context) {
  this.props = props;
  this.context = context;
  this.state = this.state ?? null;
}
Component.prototype.isReactComponent = {};
// The renderer gives each instance it keeps an updater (`_reactInternals`); an instance outside
// a render (or made while listing compositions) has none and its updates do nothing.
Component.prototype.setState = function setState(partial, callback) {
  if (partial !== null && typeof partial !== 'object' && typeof partial !== 'function') {
    throw new TypeError('setState(...): takes an object of state variables to update or a function which returns an object of state variables.');
  }
  const updater = this._reactInternals;
  if (updater) updater.enqueue(partial, callback);
};
Component.prototype.forceUpdate = function forceUpdate(callback) {
  const updater = this._reactInternals;
  if (updater) updater.enqueue(null, callback);
};

export function PureComponent(props, context) {
  Component.call(this, props, context);
}
PureComponent.prototype = Object.create(Component.prototype);
PureComponent.prototype.constructor = PureComponent;
PureComponent.prototype.isPureReactComponent = true;

export function createRef() {
  return { current: null };
}

// ---- Children ------------------------------------------------------------------------------

function flattenChildren(children, out, prefix) {
  if (children === null || children === undefined || typeof children === 'boolean') {
    out.push({ child: null, key: prefix });
    return;
  }
  if (Array.isArray(children)) {
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      const key = isValidElement(child) && child.key != null ? '$' + child.key : '' + i;
      flattenChildren(child, out, prefix === '' ? '.' + key : prefix + ':' + key);
    }
    return;
  }
  if (typeof children === 'object' && typeof children[Symbol.iterator] === 'function' && !isValidElement(children)) {
    flattenChildren(Array.from(children), out, prefix);
    return;
  }
  out.push({ child: children, key: prefix === '' ? (isValidElement(children) && children.key != null ? '.$' + children.key : '.0') : prefix });
}

function mapChildren(children, fn, context) {
  if (children === null || children === undefined) return children;
  const flat = [];
  flattenChildren(children, flat, '');
  const result = [];
  let index = 0;
  for (const { child, key } of flat) {
    const mapped = fn.call(context, child, index++);
    if (mapped === null || mapped === undefined || typeof mapped === 'boolean') continue;
    if (Array.isArray(mapped)) {
      for (const m of mapped) result.push(m);
    } else if (isValidElement(mapped)) {
      result.push(mapped.key === child?.key ? cloneWithKey(mapped, key) : mapped);
    } else {
      result.push(mapped);
    }
  }
  return result;
}

function cloneWithKey(element, key) {
  return makeElement(element.type, key, element.ref, element.props);
}

export const Children = {
  map: mapChildren,
  forEach(children, fn, context) {
    mapChildren(children, function (child, i) {
      fn.call(context, child, i);
    });
  },
  count(children) {
    if (children === null || children === undefined) return 0;
    const flat = [];
    flattenChildren(children, flat, '');
    return flat.length;
  },
  toArray(children) {
    return mapChildren(children, (child) => child) ?? [];
  },
  only(children) {
    if (!isValidElement(children)) throw new Error('React.Children.only expected to receive a single React element child.');
    return children;
  },
};

const React = {
  Children,
  Component,
  PureComponent,
  Fragment,
  StrictMode,
  Suspense,
  Profiler,
  createElement,
  cloneElement,
  createContext,
  createRef,
  forwardRef,
  isValidElement,
  lazy,
  memo,
  startTransition,
  use,
  useCallback,
  useContext,
  useDebugValue,
  useDeferredValue,
  useEffect,
  useId,
  useImperativeHandle,
  useInsertionEffect,
  useLayoutEffect,
  useMemo,
  useOptimistic,
  useReducer,
  useRef,
  useState,
  useSyncExternalStore,
  useTransition,
  version,
};
export default React;
