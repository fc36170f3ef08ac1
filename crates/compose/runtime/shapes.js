// Kinema's built-in `@remotion/shapes`.
//
// Geometry generators (`makeRect`, `makeStar`, ...) return the same objects as the
// upstream package: `path`, `width`, `height`, `transformOrigin` and `instructions`,
// with identical numbers and identical path-string formatting. The components
// (`<Rect>`, `<Star>`, ...) render the same element tree as upstream does outside a
// studio session: an <svg> holding one <path> (plus the optional debug overlay).
//
// Everything is computed with the same floating-point operations in the same order
// as upstream, so results are bit-identical under an engine with the same libm.
// Loaded untransformed by the runtime: plain ES module, no JSX, no host APIs.

import { createElement, forwardRef, Fragment } from 'react';

import { num, serialize, reduce, boundingBox, serializeAtOrigin } from 'kinema:paths';

// ---------------------------------------------------------------------------
// Polyline joining with optional rounded corners / rounded edges.
// `points` is a closed outline: its last point repeats the first.
// ---------------------------------------------------------------------------

function shortenBy([vx, vy], amount) {
  const len = Math.sqrt(vx * vx + vy * vy);
  const f = (len - amount) / len;
  return [vx * f, vy * f];
}

function withLength([vx, vy], target) {
  const len = Math.sqrt(vx * vx + vy * vy);
  const f = target / len;
  return [vx * f, vy * f];
}

function joinPoints(points, edgeRoundness, cornerRadius, cornerStyle) {
  const out = [];
  const count = points.length;
  for (let i = 0; i < count; i++) {
    const [x, y] = points[i];
    const prev = points[i === 0 ? count - 2 : i - 1];
    const next = points[i === count - 1 ? 1 : i + 1];
    const midNext = [(x + next[0]) / 2, (y + next[1]) / 2];
    const midPrev = [(x + prev[0]) / 2, (y + prev[1]) / 2];
    const fromPrev = [x - prev[0], y - prev[1]];
    const toNext = [next[0] - x, next[1] - y];

    if (i === 0) {
      if (edgeRoundness !== null) {
        out.push({ type: 'M', x: midNext[0], y: midNext[1] });
      } else if (cornerRadius !== 0) {
        const s = shortenBy(toNext, cornerRadius);
        out.push({ type: 'M', x: s[0] + x, y: s[1] + y });
      } else {
        out.push({ type: 'M', x, y });
      }
      continue;
    }

    if (cornerRadius && edgeRoundness !== null) {
      throw new Error(`"cornerRadius" and "edgeRoundness" cannot be specified at the same time.`);
    }

    if (edgeRoundness === null) {
      if (cornerRadius === 0) {
        out.push({ type: 'L', x, y });
        continue;
      }
      const approach = shortenBy(fromPrev, cornerRadius);
      const inLeg = withLength(fromPrev, cornerRadius);
      const outLeg = withLength(toNext, cornerRadius);
      const sx = prev[0] + approach[0];
      const sy = prev[1] + approach[1];
      out.push({ type: 'L', x: sx, y: sy });
      if (cornerStyle === 'arc') {
        out.push({
          type: 'a',
          rx: cornerRadius,
          ry: cornerRadius,
          xAxisRotation: 0,
          dx: inLeg[0] + outLeg[0],
          dy: inLeg[1] + outLeg[1],
          largeArcFlag: false,
          sweepFlag: true,
        });
      } else {
        out.push({
          type: 'C',
          x: sx + inLeg[0] + outLeg[0],
          y: sy + inLeg[1] + outLeg[1],
          cp1x: x,
          cp1y: y,
          cp2x: x,
          cp2y: y,
        });
      }
      continue;
    }

    out.push({
      type: 'C',
      cp1x: midPrev[0] + fromPrev[0] * edgeRoundness * 0.5,
      cp1y: midPrev[1] + fromPrev[1] * edgeRoundness * 0.5,
      cp2x: midNext[0] - toNext[0] * edgeRoundness * 0.5,
      cp2y: midNext[1] - toNext[1] * edgeRoundness * 0.5,
      x: midNext[0],
      y: midNext[1],
    });
  }
  return out;
}

const unit = (from, to) => {
  const dx = to[0] - from[0];
  const dy = to[1] - from[1];
  const len = Math.sqrt(dx * dx + dy * dy);
  return len === 0 ? [0, 0] : [dx / len, dy / len];
};

// ---------------------------------------------------------------------------
// Shape generators
// ---------------------------------------------------------------------------

export const makeRect = ({ width, height, edgeRoundness = null, cornerRadius = 0 }) => {
  const outline = [
    [cornerRadius, 0],
    [width, 0],
    [width, height],
    [0, height],
    [0, 0],
  ];
  const instructions = [...joinPoints(outline, edgeRoundness, cornerRadius, 'arc'), { type: 'Z' }];
  return {
    width,
    height,
    instructions,
    path: serialize(instructions),
    transformOrigin: `${num(width / 2)} ${num(height / 2)}`,
  };
};

export const makeCircle = ({ radius }) => {
  const halfTurn = (dy) => ({
    type: 'a',
    rx: radius,
    ry: radius,
    xAxisRotation: 0,
    largeArcFlag: true,
    sweepFlag: true,
    dx: 0,
    dy,
  });
  const instructions = [{ type: 'M', x: radius, y: 0 }, halfTurn(radius * 2), halfTurn(-radius * 2), { type: 'Z' }];
  return {
    height: radius * 2,
    width: radius * 2,
    path: serialize(instructions),
    instructions,
    transformOrigin: `${num(radius)} ${num(radius)}`,
  };
};

export const makeEllipse = ({ rx, ry }) => {
  const instructions = [
    { type: 'M', x: rx, y: 0 },
    { type: 'a', rx, ry, xAxisRotation: 0, largeArcFlag: true, sweepFlag: false, dx: 1, dy: 0 },
    { type: 'Z' },
  ];
  return {
    width: rx * 2,
    height: ry * 2,
    path: serialize(instructions),
    instructions,
    transformOrigin: `${num(rx)} ${num(ry)}`,
  };
};

export const makeTriangle = ({ length, direction = 'right', edgeRoundness = null, cornerRadius = 0 }) => {
  if (typeof length !== 'number') {
    throw new Error(`"length" of a triangle must be a number, got ${JSON.stringify(length)}`);
  }
  const side = length;
  const depth = Math.sqrt(length ** 2 * 0.75); // height of an equilateral triangle
  let outline;
  let originX;
  let originY;
  switch (direction) {
    case 'up':
      outline = [[side / 2, 0], [0, depth], [side, depth], [side / 2, 0]];
      originX = side / 2;
      originY = (depth / 3) * 2;
      break;
    case 'down':
      outline = [[0, 0], [side, 0], [side / 2, depth], [0, 0]];
      originX = side / 2;
      originY = depth / 3;
      break;
    case 'left':
      outline = [[depth, 0], [depth, side], [0, side / 2], [depth, 0]];
      originX = (depth / 3) * 2;
      originY = side / 2;
      break;
    case 'right':
      outline = [[0, 0], [0, side], [depth, side / 2], [0, 0]];
      originX = depth / 3;
      originY = side / 2;
      break;
    default:
      throw new TypeError(`Invalid triangle direction: ${JSON.stringify(direction)}`);
  }
  const instructions = [...joinPoints(outline, edgeRoundness, cornerRadius, 'bezier'), { type: 'Z' }];
  const vertical = direction === 'up' || direction === 'down';
  return {
    path: serialize(instructions),
    instructions,
    width: vertical ? length : depth,
    height: vertical ? depth : length,
    transformOrigin: `${num(originX)} ${num(originY)}`,
  };
};

// Corners of a regular figure around (cx, cy); `radiusAt(i)` gives each corner's
// distance from the centre. The first corner points straight up.
function ring(count, cx, cy, radiusAt) {
  const step = (Math.PI * 2) / count;
  const pts = [];
  for (let i = 0; i < count; i++) {
    const r = radiusAt(i);
    const angle = step * i - Math.PI / 2;
    pts.push([cx + r * Math.cos(angle), cy + r * Math.sin(angle)]);
  }
  return pts;
}

function fitted(instructions, centerX, centerY) {
  const reduced = reduce(instructions);
  const box = boundingBox(reduced);
  return {
    path: serializeAtOrigin(reduced),
    width: box.width,
    height: box.height,
    transformOrigin: `${num(centerX)} ${num(centerY)}`,
    instructions,
  };
}

export const makeStar = ({ points, innerRadius, outerRadius, cornerRadius = 0, edgeRoundness = null }) => {
  const size = outerRadius * 2;
  const centerX = size / 2;
  const centerY = size / 2;
  const corners = ring(points * 2, centerX, centerY, (i) => (i % 2 === 0 ? outerRadius : innerRadius));
  const instructions = [
    ...joinPoints([...corners, corners[0]], edgeRoundness, cornerRadius, cornerRadius > 0 ? 'bezier' : 'arc'),
    { type: 'Z' },
  ];
  return fitted(instructions, centerX, centerY);
};

export const makePolygon = ({ points, radius, cornerRadius = 0, edgeRoundness = null }) => {
  if (points < 3) {
    throw new Error(`"points" should be minimum 3, got ${points}`);
  }
  const size = 2 * radius;
  const centerX = size / 2;
  const centerY = size / 2;
  const corners = ring(points, centerX, centerY, () => radius);
  // Upstream leaves the polygon outline without a trailing Z.
  const instructions = joinPoints([...corners, corners[0]], edgeRoundness, cornerRadius, cornerRadius > 0 ? 'bezier' : 'arc');
  return fitted(instructions, centerX, centerY);
};

export const makeHeart = ({ height, aspectRatio = 1.1, bottomRoundnessAdjustment = 0, depthAdjustment = 0 }) => {
  const width = height * aspectRatio;
  const bottomCpX = (23 / 110) * width + bottomRoundnessAdjustment * width;
  const bottomCpY = (69 / 100) * height;
  const sideCpY = (60 / 100) * height;
  const topSideCpY = (13 / 100) * height;
  const lobeWidth = (29 / 110) * width;
  const innerTopCpX = (15 / 110) * width;
  const notchCpX = (5 / 110) * width;
  const notchCpY = (7 / 100) * height;
  const notchDepth = (17 / 100) * height + depthAdjustment * height;
  const instructions = [
    { type: 'M', x: width / 2, y: height },
    { type: 'C', cp1x: width / 2 - bottomCpX, cp1y: bottomCpY, cp2x: 0, cp2y: sideCpY, x: 0, y: height / 4 },
    { type: 'C', cp1x: 0, cp1y: topSideCpY, cp2x: width / 4 - lobeWidth / 2, cp2y: 0, x: width / 4, y: 0 },
    { type: 'C', cp1x: width / 4 + lobeWidth / 2, cp1y: 0, cp2x: width / 2 - notchCpX, cp2y: notchCpY, x: width / 2, y: notchDepth },
    { type: 'C', cp1x: width / 2 + notchCpX, cp1y: notchCpY, cp2x: width / 2 + innerTopCpX, cp2y: 0, x: (width / 4) * 3, y: 0 },
    { type: 'C', cp1x: (width / 4) * 3 + lobeWidth / 2, cp1y: 0, cp2x: width, cp2y: topSideCpY, x: width, y: height / 4 },
    { type: 'C', x: width / 2, y: height, cp1x: width, cp1y: sideCpY, cp2x: width / 2 + bottomCpX, cp2y: bottomCpY },
    { type: 'Z' },
  ];
  return {
    path: serialize(instructions),
    width,
    height,
    transformOrigin: `${num(width / 2)} ${num(height / 2)}`,
    instructions,
  };
};

export const makePie = ({ progress, radius, closePath = true, counterClockwise = false, rotation = 0 }) => {
  const p = Math.min(Math.max(progress, 0), 1);
  // Point on the circle after `t` of a full turn, starting at 12 o'clock, rounded
  // to 5 decimals.
  const at = (t, trig) => {
    const dir = counterClockwise ? -1 : 1;
    const v = trig(dir * t * Math.PI * 2 + Math.PI * 1.5 + rotation) * radius + radius;
    return Math.round(v * 100000) / 100000;
  };
  const endX = at(p, Math.cos);
  const endY = at(p, Math.sin);
  const arc = (x, y) => ({
    type: 'A',
    rx: radius,
    ry: radius,
    xAxisRotation: 0,
    largeArcFlag: false,
    sweepFlag: !counterClockwise,
    x,
    y,
  });
  const instructions = [{ type: 'M', x: at(0, Math.cos), y: at(0, Math.sin) }];
  if (p <= 0.5) {
    instructions.push(arc(endX, endY));
  } else {
    instructions.push(arc(at(0.5, Math.cos), at(0.5, Math.sin)), arc(endX, endY));
  }
  if (p > 0 && p < 1 && closePath) instructions.push({ type: 'L', x: radius, y: radius });
  if (closePath) instructions.push({ type: 'Z' });
  return {
    height: radius * 2,
    width: radius * 2,
    path: serialize(instructions),
    instructions,
    transformOrigin: `${num(radius)} ${num(radius)}`,
  };
};

export const makeArrow = ({
  length = 300,
  headWidth = 185,
  headLength = 120,
  shaftWidth = 80,
  direction = 'right',
  cornerRadius = 0,
}) => {
  if (length <= 0 || headWidth <= 0 || headLength <= 0 || shaftWidth <= 0) {
    throw new Error('All dimension parameters ("length", "headWidth", "headLength", "shaftWidth") must be positive numbers');
  }
  if (headWidth < shaftWidth) {
    throw new Error(`"headWidth" must be greater than or equal to "shaftWidth", got headWidth=${headWidth} and shaftWidth=${shaftWidth}`);
  }
  if (headLength > length) {
    throw new Error(`"headLength" must be less than or equal to "length", got headLength=${headLength} and length=${length}`);
  }
  const top = (headWidth - shaftWidth) / 2;
  const bottom = top + shaftWidth;
  const neck = length - headLength;
  const horizontal = direction === 'right' || direction === 'left';
  let outline;
  if (horizontal) {
    outline = [
      [0, top],
      [neck, top],
      [neck, 0],
      [length, headWidth / 2],
      [neck, headWidth],
      [neck, bottom],
      [0, bottom],
    ];
    if (direction === 'left') outline = outline.map(([x, y]) => [length - x, y]);
  } else if (direction === 'down') {
    outline = [
      [top, 0],
      [bottom, 0],
      [bottom, neck],
      [headWidth, neck],
      [headWidth / 2, length],
      [0, neck],
      [top, neck],
    ];
  } else {
    outline = [
      [top, length],
      [bottom, length],
      [bottom, headLength],
      [headWidth, headLength],
      [headWidth / 2, 0],
      [0, headLength],
      [top, headLength],
    ];
  }
  const width = horizontal ? length : headWidth;
  const height = horizontal ? headWidth : length;
  // Rounded: the two back corners and the three arrowhead corners; the inner
  // shaft/head junctions stay sharp.
  const rounded = horizontal ? [true, false, true, true, true, false, true] : [true, true, false, true, true, true, false];

  const n = outline.length;
  let instructions;
  if (cornerRadius === 0) {
    instructions = [{ type: 'M', x: outline[0][0], y: outline[0][1] }];
    for (let i = 1; i < n; i++) instructions.push({ type: 'L', x: outline[i][0], y: outline[i][1] });
    instructions.push({ type: 'Z' });
  } else {
    const corner = (pt, dIn, dOut) => [
      { type: 'L', x: pt[0] - dIn[0] * cornerRadius, y: pt[1] - dIn[1] * cornerRadius },
      {
        type: 'C',
        cp1x: pt[0],
        cp1y: pt[1],
        cp2x: pt[0],
        cp2y: pt[1],
        x: pt[0] + dOut[0] * cornerRadius,
        y: pt[1] + dOut[1] * cornerRadius,
      },
    ];
    const first = unit(outline[0], outline[1]);
    const startX = outline[0][0] + first[0] * cornerRadius;
    const startY = outline[0][1] + first[1] * cornerRadius;
    instructions = [{ type: 'M', x: startX, y: startY }];
    for (let i = 1; i < n; i++) {
      const pt = outline[i];
      if (rounded[i]) {
        instructions.push(...corner(pt, unit(outline[i - 1], pt), unit(pt, outline[(i + 1) % n])));
      } else {
        instructions.push({ type: 'L', x: pt[0], y: pt[1] });
      }
    }
    const back = unit(outline[n - 1], outline[0]);
    const p0 = outline[0];
    instructions.push(
      { type: 'L', x: p0[0] - back[0] * cornerRadius, y: p0[1] - back[1] * cornerRadius },
      { type: 'C', cp1x: p0[0], cp1y: p0[1], cp2x: p0[0], cp2y: p0[1], x: startX, y: startY },
      { type: 'Z' },
    );
  }
  return {
    path: serialize(instructions),
    instructions,
    width,
    height,
    transformOrigin: `${num(width / 2)} ${num(height / 2)}`,
  };
};

const requirePositive = (name, value) => {
  if (typeof value !== 'number' || value <= 0) {
    throw new Error(`"${name}" must be a positive number, got ${value}`);
  }
};

const samePoint = (a, b) => a[0] === b[0] && a[1] === b[1];

// Merges consecutive duplicate corners and makes sure the outline is closed
// (last corner == first corner).
function closeOutline(corners) {
  const merged = [];
  for (const c of corners) {
    const last = merged[merged.length - 1];
    if (last && samePoint(last.point, c.point)) {
      merged[merged.length - 1] = { point: last.point, round: last.round && c.round };
    } else {
      merged.push(c);
    }
  }
  if (merged.length === 0) return merged;
  const head = merged[0];
  const tail = merged[merged.length - 1];
  if (samePoint(head.point, tail.point)) {
    const joined = { point: head.point, round: head.round && tail.round };
    return [joined, ...merged.slice(1, -1), joined];
  }
  return [...merged, head];
}

function calloutInstructions(corners, edgeRoundness, cornerRadius) {
  if (edgeRoundness !== null || cornerRadius === 0) {
    return [
      ...joinPoints(
        corners.map((c) => c.point),
        edgeRoundness,
        cornerRadius,
        'arc',
      ),
      { type: 'Z' },
    ];
  }
  const unique = samePoint(corners[0].point, corners[corners.length - 1].point) ? corners.slice(0, -1) : corners;
  const head = unique[0];
  const leave = head.round ? unit(unique[0].point, unique[1].point) : null;
  const start = leave
    ? [head.point[0] + leave[0] * cornerRadius, head.point[1] + leave[1] * cornerRadius]
    : head.point;
  const roundCorner = (pt, dIn, dOut) => [
    { type: 'L', x: pt[0] - dIn[0] * cornerRadius, y: pt[1] - dIn[1] * cornerRadius },
    {
      type: 'a',
      rx: cornerRadius,
      ry: cornerRadius,
      xAxisRotation: 0,
      dx: dIn[0] * cornerRadius + dOut[0] * cornerRadius,
      dy: dIn[1] * cornerRadius + dOut[1] * cornerRadius,
      largeArcFlag: false,
      sweepFlag: true,
    },
  ];
  const out = [{ type: 'M', x: start[0], y: start[1] }];
  for (let i = 1; i < unique.length; i++) {
    const c = unique[i];
    if (!c.round) {
      out.push({ type: 'L', x: c.point[0], y: c.point[1] });
      continue;
    }
    const before = unique[i - 1].point;
    const after = unique[(i + 1) % unique.length].point;
    out.push(...roundCorner(c.point, unit(before, c.point), unit(c.point, after)));
  }
  if (head.round) {
    out.push(...roundCorner(head.point, unit(unique[unique.length - 1].point, head.point), leave));
  }
  out.push({ type: 'Z' });
  return out;
}

export const makeCallout = ({
  width = 500,
  height = 200,
  pointerLength = 40,
  pointerBaseWidth = 60,
  pointerPosition = 0.5,
  pointerDirection = 'down',
  edgeRoundness = null,
  cornerRadius = 0,
}) => {
  requirePositive('width', width);
  requirePositive('height', height);
  requirePositive('pointerLength', pointerLength);
  requirePositive('pointerBaseWidth', pointerBaseWidth);
  if (typeof pointerPosition !== 'number' || pointerPosition < 0 || pointerPosition > 1) {
    throw new Error(`"pointerPosition" must be a number between 0 and 1, got ${pointerPosition}`);
  }
  // Where the pointer's base sits along a side of the given length.
  const span = (sideLength) => {
    const center = sideLength * pointerPosition;
    const half = pointerBaseWidth / 2;
    return { center, start: Math.max(0, center - half), end: Math.min(sideLength, center + half) };
  };
  const h = span(width);
  const v = span(height);
  const P = pointerLength;
  const c = (x, y, round) => ({ point: [x, y], round });
  let corners;
  switch (pointerDirection) {
    case 'up':
      corners = [
        c(0, P, true),
        c(h.start, P, false),
        c(h.center, 0, false),
        c(h.end, P, false),
        c(width, P, true),
        c(width, height + P, true),
        c(0, height + P, true),
        c(0, P, true),
      ];
      break;
    case 'down':
      corners = [
        c(0, 0, true),
        c(width, 0, true),
        c(width, height, true),
        c(h.end, height, false),
        c(h.center, height + P, false),
        c(h.start, height, false),
        c(0, height, true),
        c(0, 0, true),
      ];
      break;
    case 'left':
      corners = [
        c(P, 0, true),
        c(width + P, 0, true),
        c(width + P, height, true),
        c(P, height, true),
        c(P, v.end, false),
        c(0, v.center, false),
        c(P, v.start, false),
        c(P, 0, true),
      ];
      break;
    case 'right':
      corners = [
        c(0, 0, true),
        c(width, 0, true),
        c(width, v.start, false),
        c(width + P, v.center, false),
        c(width, v.end, false),
        c(width, height, true),
        c(0, height, true),
        c(0, 0, true),
      ];
      break;
    default:
      throw new TypeError(`Invalid callout pointerDirection: ${JSON.stringify(pointerDirection)}`);
  }
  const instructions = calloutInstructions(closeOutline(corners), edgeRoundness, cornerRadius);
  const sideways = pointerDirection === 'left' || pointerDirection === 'right';
  const bodyX = pointerDirection === 'left' ? P : 0;
  const bodyY = pointerDirection === 'up' ? P : 0;
  return {
    width: sideways ? width + P : width,
    height: sideways ? height : height + P,
    instructions,
    path: serialize(instructions),
    transformOrigin: `${num(bodyX + width / 2)} ${num(bodyY + height / 2)}`,
  };
};

const KAPPA = 0.5522847498307936;
const CAP_HANDLE = 4 / 3;

const cubicTo = (to, c1, c2) => ({ type: 'C', cp1x: c1[0], cp1y: c1[1], cp2x: c2[0], cp2y: c2[1], x: to[0], y: to[1] });

export const makeSpark = ({ width, height, edgeRoundness = 1, cornerRadius = 0 }) => {
  const centerX = width / 2;
  const centerY = height / 2;
  const r = Math.min(Math.max(cornerRadius, 0), width / 2, height / 2);
  const sharp = r === 0;
  const topR = sharp ? [centerX, 0] : [centerX + r, r];
  const rightT = sharp ? [width, centerY] : [width - r, centerY - r];
  const rightB = sharp ? [width, centerY] : [width - r, centerY + r];
  const bottomR = sharp ? [centerX, height] : [centerX + r, height - r];
  const bottomL = sharp ? [centerX, height] : [centerX - r, height - r];
  const leftB = sharp ? [0, centerY] : [r, centerY + r];
  const leftT = sharp ? [0, centerY] : [r, centerY - r];
  const topL = sharp ? [centerX, 0] : [centerX - r, r];

  // Inward-curving edge between two tips. `sx`/`sy`: which handle leaves `from`
  // vertically (+1 down / -1 up) or horizontally (+1 right / -1 left).
  const edge = (from, to, fromVertical, s1, s2) => {
    const hx = Math.abs(to[0] - from[0]) * KAPPA * edgeRoundness;
    const hy = Math.abs(to[1] - from[1]) * KAPPA * edgeRoundness;
    return fromVertical
      ? cubicTo(to, [from[0], from[1] + s1 * hy], [to[0] + s2 * hx, to[1]])
      : cubicTo(to, [from[0] + s1 * hx, from[1]], [to[0], to[1] + s2 * hy]);
  };
  // Rounded tip between two points, bulging along (ax, ay).
  const cap = (from, to, ax, ay) => {
    const k = r * CAP_HANDLE;
    const off = (p) => [ax === 0 ? p[0] : ax > 0 ? p[0] + k : p[0] - k, ay === 0 ? p[1] : ay > 0 ? p[1] + k : p[1] - k];
    return cubicTo(to, off(from), off(to));
  };

  const instructions = [{ type: 'M', x: topR[0], y: topR[1] }, edge(topR, rightT, true, 1, -1)];
  if (r > 0) instructions.push(cap(rightT, rightB, 1, 0));
  instructions.push(edge(rightB, bottomR, false, -1, -1));
  if (r > 0) instructions.push(cap(bottomR, bottomL, 0, 1));
  instructions.push(edge(bottomL, leftB, true, -1, 1));
  if (r > 0) instructions.push(cap(leftB, leftT, -1, 0));
  instructions.push(edge(leftT, topL, false, 1, 1));
  if (r > 0) instructions.push(cap(topL, topR, 0, -1));
  instructions.push({ type: 'Z' });
  return {
    path: serialize(instructions),
    width,
    height,
    transformOrigin: `${num(centerX)} ${num(centerY)}`,
    instructions,
  };
};

// ---------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------

// Props consumed by the shape wrapper itself (timeline / studio / effect options
// upstream handles outside of the SVG); they never reach the <path>.
const WRAPPER_PROPS = new Set([
  'defaultName',
  'documentationLink',
  'width',
  'height',
  'path',
  'style',
  'pathStyle',
  'transformOrigin',
  'debug',
  'effects',
  'instructions',
  'pixelDensity',
  'durationInFrames',
  'from',
  'trimBefore',
  'freeze',
  'hidden',
  'name',
  'showInTimeline',
  'controls',
  '_remotionInternalStack',
  'ref',
]);

// Instruction types that carry no absolute end point usable as the start of a
// debug handle line.
const NO_ANCHOR = new Set(['V', 'H', 'a', 'Z', 't', 'q', 'l', 'c', 'm', 'h', 's', 'v']);

function debugHandles(instructions) {
  return instructions.map((ins, index) => {
    if (ins.type !== 'C') return null;
    const prev = index === 0 ? instructions[instructions.length - 1] : instructions[index - 1];
    if (NO_ANCHOR.has(prev.type)) return null;
    const line = { strokeWidth: 2, stroke: 'rgba(0, 0, 0, 0.4)' };
    return createElement(
      Fragment,
      { key: index },
      createElement('path', { d: `M ${num(prev.x)} ${num(prev.y)} ${num(ins.cp1x)} ${num(ins.cp1y)}`, ...line }),
      createElement('path', { d: `M ${num(ins.x)} ${num(ins.y)} ${num(ins.cp2x)} ${num(ins.cp2y)}`, ...line }),
      createElement('circle', { cx: ins.cp1x, cy: ins.cp1y, r: 3, fill: 'white', strokeWidth: 2, stroke: 'black' }),
      createElement('circle', { cx: ins.cp2x, cy: ins.cp2y, r: 3, strokeWidth: 2, fill: 'white', stroke: 'black' }),
    );
  });
}

// `props` = the generated shape merged with the caller's remaining props (the
// caller's win, as upstream spreads them last).
function renderShape(props, ref) {
  const { width, height, path, style, pathStyle, transformOrigin, debug, instructions } = props;
  const pathProps = { transformOrigin, d: path, style: { transformBox: 'fill-box', ...(pathStyle ?? {}) } };
  for (const key of Object.keys(props)) {
    if (!WRAPPER_PROPS.has(key)) pathProps[key] = props[key];
  }
  if (ref != null) pathProps.ref = ref;
  return createElement(
    'svg',
    {
      width,
      height,
      viewBox: `0 0 ${num(width)} ${num(height)}`,
      xmlns: 'http://www.w3.org/2000/svg',
      style: { overflow: 'visible', ...(style ?? {}) },
    },
    createElement('path', pathProps),
    debug ? debugHandles(instructions) : null,
  );
}

// `shapeKeys`: the props routed to the generator (not forwarded to the <path>).
function shapeComponent(displayName, make, shapeKeys, defaults = {}) {
  const keys = new Set(shapeKeys);
  const Shape = forwardRef((props, ref) => {
    const args = {};
    const rest = {};
    for (const key of Object.keys(props)) {
      if (keys.has(key)) args[key] = props[key];
      else rest[key] = props[key];
    }
    for (const key of Object.keys(defaults)) {
      if (args[key] === undefined) args[key] = defaults[key];
    }
    const forwarded = ref ?? props.ref ?? null;
    return renderShape({ ...make(args), ...rest }, forwarded);
  });
  Shape.displayName = displayName;
  return Shape;
}

export const Rect = shapeComponent('Rect', makeRect, ['width', 'height', 'edgeRoundness', 'cornerRadius']);
export const Circle = shapeComponent('Circle', makeCircle, ['radius']);
export const Ellipse = shapeComponent('Ellipse', makeEllipse, ['rx', 'ry']);
export const Triangle = shapeComponent('Triangle', makeTriangle, ['length', 'direction', 'edgeRoundness', 'cornerRadius']);
export const Star = shapeComponent('Star', makeStar, ['points', 'innerRadius', 'outerRadius', 'cornerRadius', 'edgeRoundness']);
export const Polygon = shapeComponent('Polygon', makePolygon, ['points', 'radius', 'cornerRadius', 'edgeRoundness']);
export const Heart = shapeComponent('Heart', makeHeart, ['height', 'aspectRatio', 'bottomRoundnessAdjustment', 'depthAdjustment'], {
  bottomRoundnessAdjustment: 0,
  depthAdjustment: 0,
});
export const Pie = shapeComponent('Pie', makePie, ['radius', 'progress', 'closePath', 'counterClockwise', 'rotation']);
export const Arrow = shapeComponent('Arrow', makeArrow, ['length', 'headWidth', 'headLength', 'shaftWidth', 'direction', 'cornerRadius']);
export const Callout = shapeComponent('Callout', makeCallout, [
  'width',
  'height',
  'pointerLength',
  'pointerBaseWidth',
  'pointerPosition',
  'pointerDirection',
  'edgeRoundness',
  'cornerRadius',
]);
export const Spark = shapeComponent('Spark', makeSpark, ['width', 'height', 'edgeRoundness', 'cornerRadius']);
