// A 300-frame, 1080p data video for the render benchmarks: an SVG line chart that draws itself,
// a running total, a legend and a ticker of figures, on a plain background. The other kind of
// video users make next to motion graphics (bench/video/promo.tsx).
import {AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';

const series = [
  {name: 'Revenue', color: '#2563eb', values: [12, 18, 15, 24, 29, 27, 35, 41, 38, 47, 53, 60]},
  {name: 'Costs', color: '#f97316', values: [10, 11, 13, 14, 16, 17, 19, 20, 22, 24, 25, 27]},
  {name: 'Margin', color: '#16a34a', values: [2, 7, 2, 10, 13, 10, 16, 21, 16, 23, 28, 33]},
];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const chart = {left: 120, top: 60, width: 1300, height: 640, max: 70};

function point(i: number, v: number) {
  const x = chart.left + (i / (months.length - 1)) * chart.width;
  const y = chart.top + chart.height - (v / chart.max) * chart.height;
  return [x, y];
}

function Line({values, color, progress}: {values: number[]; color: string; progress: number}) {
  // Drawn up to where the progress has reached, between two months as much as on one.
  const shown = progress * (values.length - 1);
  const whole = Math.floor(shown);
  const points = values.slice(0, whole + 1).map((v, i) => point(i, v));
  if (whole < values.length - 1) {
    const t = shown - whole;
    points.push(point(shown, values[whole] + (values[whole + 1] - values[whole]) * t));
  }
  const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x} ${y}`).join(' ');
  const [x, y] = points[points.length - 1];
  return (
    <g>
      <path d={d} fill="none" stroke={color} strokeWidth={6} strokeLinecap="round" strokeLinejoin="round" />
      <circle cx={x} cy={y} r={12} fill="white" stroke={color} strokeWidth={6} />
    </g>
  );
}

export default function DataViz() {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  const progress = interpolate(frame, [20, 240], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'});
  const title = spring({frame, fps, config: {damping: 200}});
  const month = Math.floor(progress * (months.length - 1));
  const total = series[0].values.slice(0, month + 1).reduce((a, b) => a + b, 0);
  return (
    <AbsoluteFill style={{background: '#f8fafc', fontFamily: 'sans-serif', padding: 60}}>
      <div style={{fontSize: 64, fontWeight: 800, color: '#0f172a', opacity: title,
        transform: `translateY(${(1 - title) * 40}px)`}}>Revenue, 2026</div>
      <div style={{display: 'flex', flexDirection: 'row', marginTop: 30}}>
        <svg width={1500} height={760} viewBox="0 0 1500 760">
          {[0, 10, 20, 30, 40, 50, 60, 70].map((v) => {
            const [, y] = point(0, v);
            return (
              <g key={v}>
                <line x1={chart.left} x2={chart.left + chart.width} y1={y} y2={y} stroke="#e2e8f0" strokeWidth={2} />
                <text x={chart.left - 20} y={y + 10} fontSize={28} fill="#64748b" textAnchor="end">{v}</text>
              </g>
            );
          })}
          {months.map((m, i) => (
            <text key={m} x={point(i, 0)[0]} y={chart.top + chart.height + 50} fontSize={28} fill="#64748b"
              textAnchor="middle">{m}</text>
          ))}
          {series.map((s) => <Line key={s.name} values={s.values} color={s.color} progress={progress} />)}
        </svg>
        <div style={{display: 'flex', flexDirection: 'column', gap: 28, marginLeft: 20, marginTop: 40}}>
          <div style={{fontSize: 30, color: '#64748b'}}>Year to date</div>
          <div style={{fontSize: 96, fontWeight: 800, color: '#2563eb'}}>${total}k</div>
          <div style={{fontSize: 30, color: '#64748b'}}>{months[month]}</div>
          {series.map((s) => (
            <div key={s.name} style={{display: 'flex', flexDirection: 'row', alignItems: 'center', gap: 16}}>
              <div style={{width: 28, height: 28, borderRadius: 14, background: s.color}} />
              <div style={{fontSize: 34, color: '#0f172a'}}>{s.name}: {s.values[month]}k</div>
            </div>
          ))}
        </div>
      </div>
    </AbsoluteFill>
  );
}
