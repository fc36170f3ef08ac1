// kinema:paths — SVG path instructions: parsing, serialising, normalising, reducing to
// M/L/C/Z, bounding boxes, and lengths, points and tangents along a path. `@remotion/paths`
// re-exports its public functions, with the same instruction objects and the same path-string
// formatting as the real package; `@remotion/shapes` builds on it.
// Loaded untransformed by the runtime: plain ES module, no JSX, no host APIs.


const flag = (b) => (b ? 1 : 0);

// Number -> string exactly as ECMAScript's Number::toString (shortest round-trip).
// Engines get this right except QuickJS, whose dtoa prints some exact powers of two
// with one digit too many (2 ** -44 -> "5.6843418860808015e-14" instead of
// "5.684341886080802e-14"), and such residues do show up in shape paths. So a
// 17-digit result for a power of two is re-derived here; anything else is String(x).
export function num(x) {
  const s = String(x);
  if (s.length < 17 || !Number.isFinite(x)) return s;
  if (s.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length < 17) return s;
  const a = Math.abs(x);
  if (2 ** Math.round(Math.log2(a)) !== a) return s;
  const sign = x < 0 ? '-' : '';
  for (let k = 1; k <= 16; k++) {
    const [mantissa, e] = a.toExponential(k - 1).split('e');
    const base = BigInt(mantissa.replace('.', ''));
    // The nearest k-digit decimal, or failing that its upper / lower neighbour
    // (around a power of two the round-trip interval is lopsided).
    for (const delta of [0n, 1n, -1n]) {
      let digits = (base + delta).toString();
      let exp = Number(e);
      if (digits.length > k) exp += 1;
      else if (digits.length < k) exp -= 1;
      if (Number(`${digits[0]}.${digits.slice(1)}e${exp}`) === a) {
        return sign + formatDecimal(digits.replace(/0+$/, ''), exp + 1);
      }
    }
  }
  return s;
}

// Lays out significant `digits` with value 0.digits * 10^n the way Number::toString does.
function formatDecimal(digits, n) {
  const k = digits.length;
  if (k <= n && n <= 21) return digits + '0'.repeat(n - k);
  if (0 < n && n <= 21) return `${digits.slice(0, n)}.${digits.slice(n)}`;
  if (-6 < n && n <= 0) return `0.${'0'.repeat(-n)}${digits}`;
  const e = n - 1;
  return `${digits[0]}${k > 1 ? '.' + digits.slice(1) : ''}e${e < 0 ? '-' : '+'}${Math.abs(e)}`;
}

function serializeOne(ins) {
  switch (ins.type) {
    case 'M':
    case 'L':
    case 'T':
      return `${ins.type} ${num(ins.x)} ${num(ins.y)}`;
    case 'm':
    case 'l':
    case 't':
      return `${ins.type} ${num(ins.dx)} ${num(ins.dy)}`;
    case 'H':
      return `H ${num(ins.x)}`;
    case 'h':
      return `h ${num(ins.dx)}`;
    case 'V':
      return `V ${num(ins.y)}`;
    case 'v':
      return `v ${num(ins.dy)}`;
    case 'C':
      return `C ${num(ins.cp1x)} ${num(ins.cp1y)} ${num(ins.cp2x)} ${num(ins.cp2y)} ${num(ins.x)} ${num(ins.y)}`;
    case 'c':
      return `c ${num(ins.cp1dx)} ${num(ins.cp1dy)} ${num(ins.cp2dx)} ${num(ins.cp2dy)} ${num(ins.dx)} ${num(ins.dy)}`;
    case 'S':
    case 'Q':
      return `${ins.type} ${num(ins.cpx)} ${num(ins.cpy)} ${num(ins.x)} ${num(ins.y)}`;
    case 's':
    case 'q':
      return `${ins.type} ${num(ins.cpdx)} ${num(ins.cpdy)} ${num(ins.dx)} ${num(ins.dy)}`;
    case 'A':
      return `A ${num(ins.rx)} ${num(ins.ry)} ${num(ins.xAxisRotation)} ${flag(ins.largeArcFlag)} ${flag(ins.sweepFlag)} ${num(ins.x)} ${num(ins.y)}`;
    case 'a':
      return `a ${num(ins.rx)} ${num(ins.ry)} ${num(ins.xAxisRotation)} ${flag(ins.largeArcFlag)} ${flag(ins.sweepFlag)} ${num(ins.dx)} ${num(ins.dy)}`;
    case 'Z':
      return 'Z';
    default:
      throw new Error(`Unknown instruction type: ${ins.type}`);
  }
}

export const serialize = (list) => list.map(serializeOne).join(' ');

// Rewrites relative instructions as absolute ones, keeping their kinds (H stays H).
function toAbsolute(list) {
  const out = [];
  let cx = 0;
  let cy = 0;
  let startX = 0;
  let startY = 0;
  for (const ins of list) {
    switch (ins.type) {
      case 'M':
        startX = ins.x;
        startY = ins.y;
        out.push(ins);
        cx = ins.x;
        cy = ins.y;
        break;
      case 'L':
      case 'C':
      case 'A':
      case 'Q':
      case 'S':
      case 'T':
        out.push(ins);
        cx = ins.x;
        cy = ins.y;
        break;
      case 'q':
      case 's':
        out.push({ type: ins.type.toUpperCase(), cpx: ins.cpdx + cx, cpy: ins.cpdy + cy, x: ins.dx + cx, y: ins.dy + cy });
        cx += ins.dx;
        cy += ins.dy;
        break;
      case 't':
        cx += ins.dx;
        cy += ins.dy;
        out.push({ type: 'T', x: cx, y: cy });
        break;
      case 'm':
        startX += ins.dx;
        startY += ins.dy;
        cx += ins.dx;
        cy += ins.dy;
        out.push({ type: 'M', x: cx, y: cy });
        break;
      case 'l':
        cx += ins.dx;
        cy += ins.dy;
        out.push({ type: 'L', x: cx, y: cy });
        break;
      case 'c': {
        const fromX = cx;
        const fromY = cy;
        cx += ins.dx;
        cy += ins.dy;
        out.push({
          type: 'C',
          cp1x: ins.cp1dx + fromX,
          cp1y: ins.cp1dy + fromY,
          cp2x: ins.cp2dx + fromX,
          cp2y: ins.cp2dy + fromY,
          x: cx,
          y: cy,
        });
        break;
      }
      case 'a':
        cx += ins.dx;
        cy += ins.dy;
        out.push({
          type: 'A',
          largeArcFlag: ins.largeArcFlag,
          rx: ins.rx,
          ry: ins.ry,
          sweepFlag: ins.sweepFlag,
          xAxisRotation: ins.xAxisRotation,
          x: cx,
          y: cy,
        });
        break;
      case 'H':
        out.push(ins);
        cx = ins.x;
        break;
      case 'V':
        out.push(ins);
        cy = ins.y;
        break;
      case 'h':
        cx += ins.dx;
        out.push({ type: 'H', x: cx });
        break;
      case 'v':
        cy += ins.dy;
        out.push({ type: 'V', y: cy });
        break;
      case 'Z':
        out.push(ins);
        cx = startX;
        cy = startY;
        break;
      default:
        throw new Error(`Unsupported instruction type: ${ins.type}`);
    }
  }
  return out;
}

const TAU = Math.PI * 2;

// Signed angle between two unit vectors.
function angleBetween(ux, uy, vx, vy) {
  const sign = ux * vy - uy * vx < 0 ? -1 : 1;
  let dot = ux * vx + uy * vy;
  if (dot > 1) dot = 1;
  if (dot < -1) dot = -1;
  return sign * Math.acos(dot);
}

// One cubic approximating the unit-circle arc from `start` spanning `sweep` radians:
// [x0, y0, c1x, c1y, c2x, c2y, x1, y1].
function unitArcCubic(start, sweep) {
  const k = (4 / 3) * Math.tan(sweep / 4);
  const ax = Math.cos(start);
  const ay = Math.sin(start);
  const bx = Math.cos(start + sweep);
  const by = Math.sin(start + sweep);
  return [ax, ay, ax - ay * k, ay + ax * k, bx + by * k, by - bx * k, bx, by];
}

// Endpoint-parameterized elliptical arc -> list of cubic point arrays (SVG F.6.5).
function arcToCubics(x1, y1, x2, y2, largeArc, sweep, rxIn, ryIn, rotationDeg) {
  const sinR = Math.sin((rotationDeg * TAU) / 360);
  const cosR = Math.cos((rotationDeg * TAU) / 360);
  const hx = (cosR * (x1 - x2)) / 2 + (sinR * (y1 - y2)) / 2;
  const hy = (-sinR * (x1 - x2)) / 2 + (cosR * (y1 - y2)) / 2;
  if (hx === 0 && hy === 0) return [];
  if (rxIn === 0 || ryIn === 0) return [];
  let rx = Math.abs(rxIn);
  let ry = Math.abs(ryIn);
  const scale = (hx * hx) / (rx * rx) + (hy * hy) / (ry * ry);
  if (scale > 1) {
    rx *= Math.sqrt(scale);
    ry *= Math.sqrt(scale);
  }

  // Centre in the rotated frame, then back in user space.
  const rx2 = rx * rx;
  const ry2 = ry * ry;
  const hx2 = hx * hx;
  const hy2 = hy * hy;
  let q = rx2 * ry2 - rx2 * hy2 - ry2 * hx2;
  if (q < 0) q = 0;
  q /= rx2 * hy2 + ry2 * hx2;
  q = Math.sqrt(q) * (largeArc === sweep ? -1 : 1);
  const ccx = ((q * rx) / ry) * hy;
  const ccy = ((q * -ry) / rx) * hx;
  const centerX = cosR * ccx - sinR * ccy + (x1 + x2) / 2;
  const centerY = sinR * ccx + cosR * ccy + (y1 + y2) / 2;

  const ux = (hx - ccx) / rx;
  const uy = (hy - ccy) / ry;
  const vx = (-hx - ccx) / rx;
  const vy = (-hy - ccy) / ry;
  let theta = angleBetween(1, 0, ux, uy);
  let delta = angleBetween(ux, uy, vx, vy);
  if (sweep === false && delta > 0) delta -= TAU;
  if (sweep === true && delta < 0) delta += TAU;

  // Split into pieces of at most a quarter turn each.
  const pieces = Math.max(Math.ceil(Math.abs(delta) / (TAU / 4)), 1);
  delta /= pieces;
  const cubics = [];
  for (let n = 0; n < pieces; n++) {
    cubics.push(unitArcCubic(theta, delta));
    theta += delta;
  }
  for (const c of cubics) {
    for (let j = 0; j < c.length; j += 2) {
      const px = c[j] * rx;
      const py = c[j + 1] * ry;
      c[j] = cosR * px - sinR * py + centerX;
      c[j + 1] = sinR * px + cosR * py + centerY;
    }
  }
  return cubics;
}

// A quadratic curve as the cubic that draws it.
const quadraticAsCubic = (x0, y0, cpx, cpy, x, y) => ({
  type: 'C',
  cp1x: x0 + (2 / 3) * (cpx - x0),
  cp1y: y0 + (2 / 3) * (cpy - y0),
  cp2x: x + (2 / 3) * (cpx - x),
  cp2y: y + (2 / 3) * (cpy - y),
  x,
  y,
});

// Absolute instructions -> only M, L, C and Z.
function flattenToMLCZ(list) {
  const out = [];
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  for (const ins of list) {
    switch (ins.type) {
      case 'Q':
        out.push(quadraticAsCubic(x, y, ins.cpx, ins.cpy, ins.x, ins.y));
        x = ins.x;
        y = ins.y;
        break;
      case 'H':
        out.push({ type: 'L', x: ins.x, y });
        x = ins.x;
        break;
      case 'V':
        out.push({ type: 'L', x, y: ins.y });
        y = ins.y;
        break;
      case 'A': {
        const cubics = arcToCubics(x, y, ins.x, ins.y, ins.largeArcFlag, ins.sweepFlag, ins.rx, ins.ry, ins.xAxisRotation);
        if (cubics.length === 0) {
          out.push({ type: 'L', x: ins.x, y: ins.y });
        } else {
          for (const c of cubics) {
            out.push({ type: 'C', cp1x: c[2], cp1y: c[3], cp2x: c[4], cp2y: c[5], x: c[6], y: c[7] });
          }
        }
        x = ins.x;
        y = ins.y;
        break;
      }
      case 'M':
        startX = ins.x;
        startY = ins.y;
        out.push(ins);
        x = ins.x;
        y = ins.y;
        break;
      case 'L':
      case 'C':
        out.push(ins);
        x = ins.x;
        y = ins.y;
        break;
      case 'Z':
        out.push(ins);
        x = startX;
        y = startY;
        break;
      default:
        throw new Error(`Unsupported instruction type: ${ins.type}`);
    }
  }
  return out;
}

// Absolute instructions with each smooth curve given its reflected control point: S as C and
// T as Q. The control point reflected is the previous C's or S's second one, or the previous
// Q's or T's; after any other instruction, the current point.
function explicitControls(list) {
  const out = [];
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  let cubicControl = null;
  let quadControl = null;
  for (const ins of list) {
    const lastCubic = cubicControl;
    const lastQuad = quadControl;
    cubicControl = null;
    quadControl = null;
    let made = ins;
    if (ins.type === 'S') {
      const cp1x = lastCubic === null ? x : 2 * x - lastCubic[0];
      const cp1y = lastCubic === null ? y : 2 * y - lastCubic[1];
      made = { type: 'C', cp1x, cp1y, cp2x: ins.cpx, cp2y: ins.cpy, x: ins.x, y: ins.y };
    } else if (ins.type === 'T') {
      const cpx = lastQuad === null ? x : 2 * x - lastQuad[0];
      const cpy = lastQuad === null ? y : 2 * y - lastQuad[1];
      made = { type: 'Q', cpx, cpy, x: ins.x, y: ins.y };
    }
    out.push(made);
    if (made.type === 'C') cubicControl = [made.cp2x, made.cp2y];
    if (made.type === 'Q') quadControl = [made.cpx, made.cpy];
    if (made.type === 'M') {
      startX = made.x;
      startY = made.y;
    }
    if (made.type === 'Z') {
      x = startX;
      y = startY;
    } else {
      if (made.x !== undefined) x = made.x;
      if (made.y !== undefined) y = made.y;
    }
  }
  return out;
}

export const reduce = (list) => flattenToMLCZ(explicitControls(toAbsolute(list)));

const QUADRATIC_EPSILON = 0.00000001;

// Range of a quadratic Bezier coordinate given its three control values.
function quadRange(a, b, c) {
  const lo = Math.min(a, c);
  const hi = Math.max(a, c);
  const monotone = b > a ? c >= b : c <= b;
  if (monotone) return [lo, hi];
  const e = (a * c - b * b) / (a - 2 * b + c);
  return e < lo ? [e, hi] : [lo, e];
}

// Range of a cubic Bezier coordinate given its four control values.
function cubicRange(p0, p1, p2, p3) {
  const k = p0 - 3 * p1 + 3 * p2 - p3;
  if (Math.abs(k) < QUADRATIC_EPSILON) {
    if (p0 === p3 && p0 === p1) return [p0, p3];
    return quadRange(p0, -0.5 * p0 + 1.5 * p1, p0 - 3 * p1 + 3 * p2);
  }
  const disc = -p0 * p2 + p0 * p3 - p1 * p2 - p1 * p3 + p1 * p1 + p2 * p2;
  if (disc <= 0) return [Math.min(p0, p3), Math.max(p0, p3)];
  const root = Math.sqrt(disc);
  let lo = Math.min(p0, p3);
  let hi = Math.max(p0, p3);
  const l = p0 - 2 * p1 + p2;
  for (const t of [(l + root) / k, (l - root) / k]) {
    if (t > 0 && t < 1) {
      const u = 1 - t;
      const v = p0 * u * u * u + p1 * 3 * u * u * t + p2 * 3 * u * t * t + p3 * t * t * t;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

// Bounding box of M/L/C/Z instructions.
export function boundingBox(list) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  const takeX = (lo, hi) => {
    if (lo < minX) minX = lo;
    if (hi > maxX) maxX = hi;
  };
  const takeY = (lo, hi) => {
    if (lo < minY) minY = lo;
    if (hi > maxY) maxY = hi;
  };
  for (const ins of list) {
    if (ins.type === 'M' || ins.type === 'L') {
      if (ins.type === 'M') {
        startX = ins.x;
        startY = ins.y;
      }
      takeX(ins.x, ins.x);
      takeY(ins.y, ins.y);
      x = ins.x;
      y = ins.y;
    } else if (ins.type === 'C') {
      const rx = cubicRange(x, ins.cp1x, ins.cp2x, ins.x);
      takeX(rx[0], rx[1]);
      const ry = cubicRange(y, ins.cp1y, ins.cp2y, ins.y);
      takeY(ry[0], ry[1]);
      x = ins.x;
      y = ins.y;
    } else if (ins.type === 'Z') {
      x = startX;
      y = startY;
    } else {
      throw new Error(`Unknown instruction ${ins.type}`);
    }
  }
  return { x1: minX, y1: minY, x2: maxX, y2: maxY, width: maxX - minX, height: maxY - minY };
}

// Shifts M/L/C/Z instructions by (dx, dy).
function translate(list, dx, dy) {
  return list.map((ins) => {
    switch (ins.type) {
      case 'M':
      case 'L':
        return { type: ins.type, x: ins.x + dx, y: ins.y + dy };
      case 'C':
        return {
          type: 'C',
          cp1x: ins.cp1x + dx,
          cp1y: ins.cp1y + dy,
          cp2x: ins.cp2x + dx,
          cp2y: ins.cp2y + dy,
          x: ins.x + dx,
          y: ins.y + dy,
        };
      default:
        return ins;
    }
  });
}

// Serializes reduced instructions moved so that their bounding box starts at 0 0.
// Coordinates are first round-tripped through their decimal form, as a serialize /
// parse cycle would do (this only ever turns -0 into 0).
export function serializeAtOrigin(reduced) {
  const roundTrip = reduced.map((ins) => {
    const copy = {};
    for (const key of Object.keys(ins)) {
      copy[key] = typeof ins[key] === 'number' ? Number(String(ins[key])) : ins[key];
    }
    return copy;
  });
  const box = boundingBox(roundTrip);
  return serialize(translate(roundTrip, -box.x1, -box.y1));
}


// ---------------------------------------------------------------------------
// Parsing.
// ---------------------------------------------------------------------------

// Numbers each command takes, and the fields they fill.
const FIELDS = {
  M: ['x', 'y'],
  L: ['x', 'y'],
  T: ['x', 'y'],
  m: ['dx', 'dy'],
  l: ['dx', 'dy'],
  t: ['dx', 'dy'],
  H: ['x'],
  h: ['dx'],
  V: ['y'],
  v: ['dy'],
  C: ['cp1x', 'cp1y', 'cp2x', 'cp2y', 'x', 'y'],
  c: ['cp1dx', 'cp1dy', 'cp2dx', 'cp2dy', 'dx', 'dy'],
  S: ['cpx', 'cpy', 'x', 'y'],
  Q: ['cpx', 'cpy', 'x', 'y'],
  s: ['cpdx', 'cpdy', 'dx', 'dy'],
  q: ['cpdx', 'cpdy', 'dx', 'dy'],
  A: ['rx', 'ry', 'xAxisRotation', 'largeArcFlag', 'sweepFlag', 'x', 'y'],
  a: ['rx', 'ry', 'xAxisRotation', 'largeArcFlag', 'sweepFlag', 'dx', 'dy'],
  Z: [],
  z: [],
};

// Sticky: matched where the reader is, without copying the rest of the string.
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

// The numbers after one command letter. Arc flags are single digits and may be written
// without separators ("a1 1 0 01 10 10"), as SVG allows.
function readNumbers(text, command) {
  const fields = FIELDS[command];
  const numbers = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === ',' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    const slot = fields.length === 0 ? -1 : numbers.length % fields.length;
    if ((command === 'A' || command === 'a') && (slot === 3 || slot === 4)) {
      if (c !== '0' && c !== '1') throw new Error(`Malformed path data: the arc flag of ${command} must be 0 or 1, not "${text.slice(i, i + 8)}".`);
      numbers.push(c === '1');
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (match === null) throw new Error(`Malformed path data: "${text.slice(i, i + 12)}" after ${command} is not a number.`);
    numbers.push(Number(match[0]));
    i += match[0].length;
  }
  return numbers;
}

/** An SVG path string as instruction objects, relative ones kept relative. */
export function parsePath(path) {
  if (typeof path !== 'string' || path.trim() === '') throw new Error('No path provided');
  const parts = path.match(/[MLHVCSQTAZmlhvcsqtaz][^MLHVCSQTAZmlhvcsqtaz]*/g);
  const leading = path.slice(0, path.search(/[MLHVCSQTAZmlhvcsqtaz]/));
  if (parts === null || leading.trim() !== '') {
    throw new Error(`No path elements found in string ${path}`);
  }
  const out = [];
  for (const part of parts) {
    let command = part[0];
    const fields = FIELDS[command];
    const numbers = readNumbers(part.slice(1), command);
    if (fields.length === 0) {
      if (numbers.length > 0) throw new Error(`Malformed path data: ${command} takes no numbers, but got "${part.trim()}".`);
      out.push({ type: 'Z' });
      continue;
    }
    if (numbers.length === 0 || numbers.length % fields.length !== 0) {
      throw new Error(`Malformed path data: ${command} was expected to have a multiple of ${fields.length} numbers, but got "${part.trim()}".`);
    }
    for (let at = 0; at < numbers.length; at += fields.length) {
      const instruction = { type: command };
      fields.forEach((field, k) => {
        instruction[field] = numbers[at + k];
      });
      out.push(instruction);
      // Pairs after a moveto are linetos.
      if (command === 'M') command = 'L';
      if (command === 'm') command = 'l';
    }
  }
  return out;
}

const instructionsOf = (path) => (typeof path === 'string' ? parsePath(path) : path);

// ---------------------------------------------------------------------------
// The public functions of `@remotion/paths`.
// ---------------------------------------------------------------------------

export const serializeInstructions = (instructions) => serialize(instructions);

/** The path with every instruction absolute (their kinds kept). */
export const normalizePath = (path) => serialize(toAbsolute(parsePath(path)));

/** The instructions as M, L, C and Z only. */
export const reduceInstructions = (instructions) => reduce(instructions);

/** Moves the absolute instructions (relative ones move with them). */
function translateInstructions(list, dx, dy) {
  return list.map((ins) => {
    const moved = { ...ins };
    for (const key of Object.keys(ins)) {
      if (key === 'x' || key === 'cpx' || key === 'cp1x' || key === 'cp2x') moved[key] = ins[key] + dx;
      if (key === 'y' || key === 'cpy' || key === 'cp1y' || key === 'cp2y') moved[key] = ins[key] + dy;
    }
    return moved;
  });
}

export const translatePath = (path, x, y) => serialize(translateInstructions(parsePath(path), x, y));

export function getBoundingBox(path) {
  const box = boundingBox(reduce(parsePath(path)));
  return { ...box, viewBox: `${num(box.x1)} ${num(box.y1)} ${num(box.width)} ${num(box.height)}` };
}

/** The path moved so that its bounding box starts at 0 0. */
export function resetPath(path) {
  const instructions = parsePath(path);
  const box = boundingBox(reduce(instructions));
  return serialize(translateInstructions(instructions, -box.x1, -box.y1));
}

/** Each subpath (from one moveto to the next) as a path of its own, starting absolute. */
export function getSubpaths(path) {
  const subpaths = [];
  let current = null;
  for (const ins of toAbsoluteMoves(parsePath(path))) {
    if (ins.type === 'M') {
      current = [ins];
      subpaths.push(current);
    } else if (current !== null) {
      current.push(ins);
    }
    // Drawing before the first moveto belongs to no subpath, as in the real package.
  }
  return subpaths.map(serialize);
}

// The instructions with each relative moveto made absolute (the rest kept).
function toAbsoluteMoves(list) {
  const absolute = toAbsolute(list);
  return list.map((ins, i) => (ins.type === 'm' ? absolute[i] : ins));
}

// ---------------------------------------------------------------------------
// Lengths, points and tangents.
// ---------------------------------------------------------------------------

// Gauss–Legendre nodes and weights on [-1, 1], from Newton's method on the Legendre
// polynomial: cubic lengths integrate with 20 points.
function gaussLegendre(n) {
  const nodes = [];
  const weights = [];
  for (let i = 1; i <= n; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let derivative = 0;
    for (let step = 0; step < 100; step++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    nodes.push(x);
    weights.push(2 / ((1 - x * x) * derivative * derivative));
  }
  return { nodes, weights };
}

let quadrature = null;

// ∫ from 0 to t of |velocity(u)| du.
function integrate(speed, t) {
  quadrature ??= gaussLegendre(20);
  const half = t / 2;
  let sum = 0;
  for (let i = 0; i < quadrature.nodes.length; i++) sum += quadrature.weights[i] * speed(half * quadrature.nodes[i] + half);
  return half * sum;
}

// A segment: its length, and its point and unit tangent at a parameter t in [0, 1].
function lineSegment(x0, y0, x1, y1) {
  const length = Math.hypot(x1 - x0, y1 - y0);
  const tangent = length > 0 ? { x: (x1 - x0) / length, y: (y1 - y0) / length } : { x: 0, y: 0 };
  return {
    length,
    at: (distance) => {
      const t = length > 0 ? distance / length : 0;
      return { point: { x: x0 + (x1 - x0) * t, y: y0 + (y1 - y0) * t }, tangent: { ...tangent } };
    },
  };
}

// A curve given by its point and derivative at t: the length integrates the derivative, and
// a distance along it finds its t by bisection.
function curveSegment(point, derivative, pieces) {
  const speed = (t) => {
    const d = derivative(t);
    return Math.hypot(d.x, d.y);
  };
  // Integrated in equal pieces of t, so the rule stays accurate on long arcs and loops; the
  // length up to each piece is kept for the bisection.
  const before = [0];
  for (let k = 0; k < pieces; k++) before.push(before[k] + integrate((u) => speed(k / pieces + u), 1 / pieces));
  const lengthTo = (t) => {
    const whole = Math.min(Math.floor(t * pieces), pieces);
    const rest = t - whole / pieces;
    return before[whole] + (rest > 0 && whole < pieces ? integrate((u) => speed(whole / pieces + u), rest) : 0);
  };
  const length = before[pieces];
  return {
    length,
    at: (distance) => {
      // Newton's method on the length, kept inside a shrinking bracket (bisecting where a
      // step would leave it, as near a cusp).
      let lo = 0;
      let hi = 1;
      let t = length > 0 ? Math.min(Math.max(distance / length, 0), 1) : 0;
      for (let i = 0; i < 100 && length > 0; i++) {
        const error = lengthTo(t) - distance;
        if (Math.abs(error) <= 1e-10 * Math.max(1, length) || hi - lo < 1e-15) break;
        if (error < 0) lo = t;
        else hi = t;
        const rate = speed(t);
        const next = rate > 0 ? t - error / rate : NaN;
        t = next > lo && next < hi ? next : (lo + hi) / 2;
      }
      let d = derivative(t);
      let size = Math.hypot(d.x, d.y);
      if (size === 0) {
        // A control point on the end: the direction the curve leaves (or arrives) in.
        d = derivative(t < 1 ? t + 1e-7 : t - 1e-7);
        size = Math.hypot(d.x, d.y);
      }
      return { point: point(t), tangent: size > 0 ? { x: d.x / size, y: d.y / size } : { x: 0, y: 0 } };
    },
  };
}

function cubicSegment(x0, y0, x1, y1, x2, y2, x3, y3) {
  return curveSegment(
    (t) => {
      const u = 1 - t;
      return {
        x: u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3,
        y: u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3,
      };
    },
    (t) => {
      const u = 1 - t;
      return {
        x: 3 * u * u * (x1 - x0) + 6 * u * t * (x2 - x1) + 3 * t * t * (x3 - x2),
        y: 3 * u * u * (y1 - y0) + 6 * u * t * (y2 - y1) + 3 * t * t * (y3 - y2),
      };
    },
    // One 20-point rule over a whole cubic misses 0.04 % of a looping one; eight pieces
    // measure it as Chromium does.
    8,
  );
}

function quadraticSegment(x0, y0, x1, y1, x2, y2) {
  return curveSegment(
    (t) => {
      const u = 1 - t;
      return { x: u * u * x0 + 2 * u * t * x1 + t * t * x2, y: u * u * y0 + 2 * u * t * y1 + t * t * y2 };
    },
    (t) => ({ x: 2 * (1 - t) * (x1 - x0) + 2 * t * (x2 - x1), y: 2 * (1 - t) * (y1 - y0) + 2 * t * (y2 - y1) }),
    4,
  );
}

// An elliptical arc from its endpoint form (SVG's implementation notes, F.6.5), measured as
// the ellipse itself; a degenerate one is the line between its ends.
function arcSegment(x1, y1, ins) {
  const rotation = (ins.xAxisRotation * TAU) / 360;
  const sin = Math.sin(rotation);
  const cos = Math.cos(rotation);
  const hx = (cos * (x1 - ins.x)) / 2 + (sin * (y1 - ins.y)) / 2;
  const hy = (-sin * (x1 - ins.x)) / 2 + (cos * (y1 - ins.y)) / 2;
  let rx = Math.abs(ins.rx);
  let ry = Math.abs(ins.ry);
  if ((hx === 0 && hy === 0) || rx === 0 || ry === 0) return lineSegment(x1, y1, ins.x, ins.y);
  const scale = (hx * hx) / (rx * rx) + (hy * hy) / (ry * ry);
  if (scale > 1) {
    rx *= Math.sqrt(scale);
    ry *= Math.sqrt(scale);
  }
  let q = rx * rx * ry * ry - rx * rx * hy * hy - ry * ry * hx * hx;
  if (q < 0) q = 0;
  q = Math.sqrt(q / (rx * rx * hy * hy + ry * ry * hx * hx)) * (ins.largeArcFlag === ins.sweepFlag ? -1 : 1);
  const ccx = ((q * rx) / ry) * hy;
  const ccy = ((q * -ry) / rx) * hx;
  const cx = cos * ccx - sin * ccy + (x1 + ins.x) / 2;
  const cy = sin * ccx + cos * ccy + (y1 + ins.y) / 2;
  const start = angleBetween(1, 0, (hx - ccx) / rx, (hy - ccy) / ry);
  let sweep = angleBetween((hx - ccx) / rx, (hy - ccy) / ry, (-hx - ccx) / rx, (-hy - ccy) / ry);
  if (!ins.sweepFlag && sweep > 0) sweep -= TAU;
  if (ins.sweepFlag && sweep < 0) sweep += TAU;
  return curveSegment(
    (t) => {
      const angle = start + sweep * t;
      const ex = rx * Math.cos(angle);
      const ey = ry * Math.sin(angle);
      return { x: cos * ex - sin * ey + cx, y: sin * ex + cos * ey + cy };
    },
    (t) => {
      const angle = start + sweep * t;
      const ex = -rx * Math.sin(angle) * sweep;
      const ey = ry * Math.cos(angle) * sweep;
      return { x: cos * ex - sin * ey, y: sin * ex + cos * ey };
    },
    Math.max(1, Math.ceil(Math.abs(sweep) / (TAU / 8))),
  );
}

// The path's drawn segments in order, each with the point it starts from; movetos draw
// nothing, and a Z draws the line back to its subpath's start.
function segmentsOf(path) {
  // A composition measures the same few paths every frame: they are measured once. What is
  // kept is bounded by segments, not paths (a long path changing every frame, a waveform say,
  // would otherwise fill the engine's memory).
  let found = measured.get(path);
  if (found === undefined) {
    found = measure(path);
    const size = found.segments.length + 1;
    if (size <= MEASURED_SEGMENTS) {
      while (keptSegments + size > MEASURED_SEGMENTS) {
        const [oldest, entry] = measured.entries().next().value;
        measured.delete(oldest);
        keptSegments -= entry.segments.length + 1;
      }
      measured.set(path, found);
      keptSegments += size;
    }
  }
  return found;
}

const MEASURED_SEGMENTS = 10000;
const measured = new Map();
let keptSegments = 0;

function measure(path) {
  const list = explicitControls(toAbsolute(parsePath(path)));
  const segments = [];
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  let first = null;
  let drawnFrom = null;
  for (const ins of list) {
    if (ins.type !== 'M') drawnFrom ??= { x, y };
    let segment = null;
    switch (ins.type) {
      case 'M':
        startX = ins.x;
        startY = ins.y;
        first ??= { x: ins.x, y: ins.y };
        x = ins.x;
        y = ins.y;
        continue;
      case 'L':
        segment = lineSegment(x, y, ins.x, ins.y);
        break;
      case 'H':
        segment = lineSegment(x, y, ins.x, y);
        segments.push(segment);
        x = ins.x;
        continue;
      case 'V':
        segment = lineSegment(x, y, x, ins.y);
        segments.push(segment);
        y = ins.y;
        continue;
      case 'C':
        segment = cubicSegment(x, y, ins.cp1x, ins.cp1y, ins.cp2x, ins.cp2y, ins.x, ins.y);
        break;
      case 'Q':
        segment = quadraticSegment(x, y, ins.cpx, ins.cpy, ins.x, ins.y);
        break;
      case 'A':
        segment = arcSegment(x, y, ins);
        break;
      case 'Z':
        segments.push(lineSegment(x, y, startX, startY));
        x = startX;
        y = startY;
        continue;
      default:
        throw new Error(`Unsupported instruction type: ${ins.type}`);
    }
    segments.push(segment);
    x = ins.x;
    y = ins.y;
  }
  let total = 0;
  for (const segment of segments) total += segment.length;
  return { segments, first, drawnFrom, total };
}

/** The length of the path as drawn. */
export function getLength(path) {
  return segmentsOf(path).total;
}

// The point and tangent `length` along the path: null past its end, as the real package has it.
function along(path, length) {
  if (length < 0) throw new Error('Length less than 0 was passed');
  const { segments, first, drawnFrom, total } = segmentsOf(path);
  // Measured paths are kept: what is returned is a copy.
  if (segments.length === 0) return first === null || length > 0 ? null : { point: { ...first }, tangent: { x: 0, y: 0 } };
  // Past the end: null, as in the real package. Its lengths differ from these by up to 0.1 %
  // (see getLength), so a distance within that of the end (its own total length, say) is at
  // the end.
  if (length > total + 1e-3 * Math.max(1, total)) return null;
  // At 0 a path is at its first point, also where movetos follow it before anything is drawn
  // (as in Chromium).
  if (length === 0 && (drawnFrom.x !== first.x || drawnFrom.y !== first.y)) return { point: { ...first }, tangent: { x: 0, y: 0 } };
  let rest = length;
  for (let i = 0; i < segments.length - 1; i++) {
    if (rest <= segments[i].length) return segments[i].at(rest);
    rest -= segments[i].length;
  }
  // The last segment takes what is left, rounding included.
  const last = segments[segments.length - 1];
  return last.at(Math.min(rest, last.length));
}

export function getPointAtLength(path, length) {
  const found = along(path, length);
  return found === null ? null : found.point;
}

export function getTangentAtLength(path, length) {
  const found = along(path, length);
  return found === null ? null : found.tangent;
}

/**
 * The stroke dash values that draw `progress` (0 to 1) of the path: at 0 the dash gap is made
 * longer than the path, so rounding cannot leave a dot showing.
 */
export function evolvePath(progress, path) {
  const length = getLength(path);
  if (progress === 0) {
    const hidden = length * 1.5;
    return { strokeDasharray: `${hidden} ${hidden}`, strokeDashoffset: hidden };
  }
  return { strokeDasharray: `${length} ${length}`, strokeDashoffset: length - progress * length };
}
