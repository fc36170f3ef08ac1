// Strokes that change in parts: damage tracking hashes stroke segments one by one.
import {AbsoluteFill, useCurrentFrame} from 'remotion';

const wave = (frame: number, n: number, moving: number) =>
  Array.from({length: n}, (_, i) => {
    const lift = i === moving ? Math.sin(frame / 3) * 40 : 0;
    return `${i === 0 ? 'M' : 'L'} ${40 + i * 37} ${300 + Math.sin(i) * 60 + lift}`;
  }).join(' ');

export default function Strokes() {
  const frame = useCurrentFrame();
  const n = 3 + frame;
  // Grows rightwards, its last point sliding in (as a chart drawing itself).
  const right = Array.from({length: n}, (_, i) => [30 + i * 14 + (i === n - 1 ? (frame % 3) * 3.3 : 0),
    120 - ((i * 37) % 90)]);
  // Grows leftwards, sharp miters, repeating its last point now and then.
  const left = Array.from({length: n}, (_, i) => [900 - i * 12, 200 + ((i * 53) % 70)]);
  if (frame % 4 === 0) left.push(left[left.length - 1]);
  // Curves, crossing themselves.
  const curve = Array.from({length: 2 + (frame >> 1)}, (_, i) =>
    `C ${100 + i * 30} ${400 + (i % 2) * 120}, ${60 + i * 30} ${520 - (i % 3) * 40}, ${90 + i * 28} ${460}`).join(' ');
  const pts = (p: number[][]) => p.map(([x, y], i) => `${i ? 'L' : 'M'} ${x.toFixed(2)} ${y}`).join(' ');
  // A point repeated inside a line now and then (the stroker joins across it), its end
  // moving, and a subpath that is one point, there every other frame.
  const mid = Array.from({length: 8}, (_, i) => [300 + i * 40, 40 + ((i * 29) % 40) + (i === 7 ? frame % 5 : 0)]);
  if (frame % 3 === 1) mid.splice(4, 0, mid[4]);
  const dot = frame % 2 ? ' M 700 50 L 700 50' : '';
  // A closed shape with one moving corner, then a second subpath.
  const closed = `M 600 380 L 700 ${380 + (frame % 7) * 5} L 760 470 L 650 520 L 590 460 Z M 800 400 L 850 420 L 900 400 L 950 430 L 990 410`;
  return (
    <AbsoluteFill style={{background: 'white'}}>
      <svg width={1000} height={560} style={{position: 'absolute', left: 0, top: 0}}>
        <path d={pts(right)} fill="none" stroke="#2563eb" strokeWidth={6} strokeLinejoin="round" strokeLinecap="round" />
        <path d={pts(left)} fill="none" stroke="#dc2626" strokeWidth={5} strokeLinejoin="miter" strokeMiterlimit={10} />
        <path d={wave(frame, 24, 7 + (frame % 5))} fill="none" stroke="#16a34a" strokeWidth={3} />
        <path d={`M 80 460 ${curve}`} fill="none" stroke="#9333ea" strokeWidth={4} strokeLinecap="square" />
        <path d={pts(mid) + dot} fill="none" stroke="#0891b2" strokeWidth={8} strokeLinecap="square" strokeLinejoin="miter" />
        <path d={closed} fill="rgba(250, 200, 0, 0.4)" stroke="#0f172a" strokeWidth={7} strokeLinejoin="bevel" />
        <path d={pts(right.map(([x, y]) => [x, y + 30]))} fill="none" stroke="#f97316" strokeWidth={4} strokeDasharray="12 6" />
      </svg>
      <div style={{position: 'absolute', left: 1010, top: 90, fontSize: 40, fontFamily: 'sans-serif'}}>{frame}</div>
    </AbsoluteFill>
  );
}
