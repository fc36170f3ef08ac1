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

const dispatcher = {
  readContext(context) {
    for (let node = contexts; node !== null; node = node.next) {
      if (node.context === context) return node.value;
    }
    return context._defaultValue;
  },
  nextId() {
    return ':k' + (idCounter++).toString(36) + ':';
  },
};

export function readContext(context) {
  return dispatcher.readContext(context);
}

function componentName(type) {
  if (typeof type === 'function') return type.displayName || type.name || 'Anonymous';
  if (type && type.$$typeof === MEMO) return componentName(type.type);
  if (type && type.$$typeof === FORWARD_REF) return type.displayName || componentName(type.render);
  if (type && type.$$typeof === CONTEXT) return (type.displayName || 'Context') + '.Provider';
  return String(type);
}

function annotate(error, type) {
  if (error !== null && typeof error === 'object') {
    try {
      if (!Array.isArray(error.__kinemaComponents)) {
        Object.defineProperty(error, '__kinemaComponents', { value: [], enumerable: false, writable: true });
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
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      // Host elements, most of a tree, go straight to renderHost: two calls fewer each.
      if (child !== null && typeof child === 'object' && child.$$typeof === ELEMENT && typeof child.type === 'string') {
        renderHost(child, tape);
      } else {
        renderChildren(child, tape);
      }
    }
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
      for (const child of children) renderChildren(child, tape);
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
  try {
    if (type.prototype && type.prototype.isReactComponent) {
      const instance = new type(props);
      instance.props = props;
      if (type.getDerivedStateFromProps) {
        instance.state = Object.assign({}, instance.state, type.getDerivedStateFromProps(props, instance.state));
      }
      if (type.contextType) instance.context = dispatcher.readContext(type.contextType);
      return instance.render();
    }
    return ref === undefined ? type(props) : type(props, ref);
  } finally {
    __setDispatcher(previous);
  }
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

function renderElement(element, tape) {
  const type = element.type;
  if (typeof type === 'string') {
    renderHost(element, tape);
    return;
  }
  if (type === FRAGMENT || type === STRICT_MODE || type === SUSPENSE || type === PROFILER) {
    renderChildren(element.props.children, tape);
    return;
  }
  try {
    if (typeof type === 'function') {
      renderChildren(callComponent(type, element.props), tape);
      return;
    }
    if (type !== null && typeof type === 'object') {
      switch (type.$$typeof) {
        case MEMO:
          renderElement({ $$typeof: ELEMENT, type: type.type, key: element.key, ref: element.ref, props: element.props }, tape);
          return;
        case FORWARD_REF:
          renderChildren(callComponent(type.render, element.props, element.ref ?? element.props.ref ?? null), tape);
          return;
        case CONTEXT:
          withContext(type, element.props.value, element.props.children, tape);
          return;
        case LEGACY_PROVIDER:
          withContext(type._context, element.props.value, element.props.children, tape);
          return;
        case CONSUMER: {
          const render = element.props.children;
          if (typeof render !== 'function') throw new TypeError('A context Consumer expects a function as its child.');
          renderChildren(render(dispatcher.readContext(type._context)), tape);
          return;
        }
        case LAZY:
          throw new Error('React.lazy() components cannot be rendered: Kinema renders frames synchronously. Import the component statically instead.');
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
 * host nodes (see the top of this file).
 */
export function renderToHost(element, initialContexts) {
  const saved = contexts;
  contexts = null;
  idCounter = 0;
  depth = 0;
  lastText = -1;
  for (const [context, value] of initialContexts) contexts = { context, value, next: contexts };
  try {
    const tape = [];
    renderChildren(element, tape);
    return tape;
  } finally {
    contexts = saved;
  }
}
