// Benchmark composition: ~60 host elements per frame, springs, interpolate, sequences and
// formatted numbers, like a typical generated motion-graphics scene.
import React from 'react';
import { AbsoluteFill, Sequence, interpolate, interpolateColors, spring, useCurrentFrame, useVideoConfig } from 'remotion';

const stats = [
  { label: 'Views', value: 128400, color: '#6366f1' },
  { label: 'Likes', value: 20931, color: '#f97316' },
  { label: 'Shares', value: 4410, color: '#10b981' },
  { label: 'Comments', value: 1803, color: '#0ea5e9' },
  { label: 'Saves', value: 977, color: '#e11d48' },
  { label: 'Follows', value: 12004, color: '#a855f7' },
  { label: 'Clicks', value: 55120, color: '#facc15' },
  { label: 'Minutes', value: 903311, color: '#14b8a6' },
  { label: 'Replies', value: 312, color: '#f43f5e' },
  { label: 'Mentions', value: 87, color: '#84cc16' },
];

const Card: React.FC<{ index: number; label: string; value: number; color: string }> = ({ index, label, value, color }) => {
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  const enter = spring({ frame: frame - index * 4, fps, config: { damping: 14, stiffness: 110 } });
  const counted = Math.round(interpolate(frame, [index * 4, index * 4 + 45], [0, value], { extrapolateLeft: 'clamp', extrapolateRight: 'clamp' }));
  return (
    <div style={{ width: 520, height: 260, margin: 20, borderRadius: 24, backgroundColor: 'rgba(255,255,255,0.08)', border: `2px solid ${color}`, padding: 32, display: 'flex', flexDirection: 'column', transform: `translateY(${(1 - enter) * 80}px) scale(${0.9 + enter * 0.1})`, opacity: enter, boxShadow: '0 20px 40px rgba(0,0,0,0.35)' }}>
      <span style={{ fontSize: 56, fontWeight: 700, color }}>{counted.toLocaleString()}</span>
      <span style={{ fontSize: 28, color: '#cbd5e1', marginTop: 8 }}>{label}</span>
      <div style={{ marginTop: 'auto', height: 8, borderRadius: 4, backgroundColor: 'rgba(255,255,255,0.1)' }}>
        <div style={{ width: `${Math.min(100, (counted / value) * 100)}%`, height: 8, borderRadius: 4, backgroundColor: color }} />
      </div>
    </div>
  );
};

export default function Dashboard() {
  const frame = useCurrentFrame();
  const { fps, durationInFrames } = useVideoConfig();
  const title = spring({ frame, fps, config: { mass: 0.6 } });
  const bg = interpolateColors(frame % 300, [0, 150, 299], ['#0f172a', '#1e1b4b', '#0f172a']);
  const progress = (frame % durationInFrames) / durationInFrames;
  return (
    <AbsoluteFill style={{ backgroundColor: bg, fontFamily: 'Inter, sans-serif', padding: 60 }}>
      <h1 style={{ color: 'white', fontSize: 84, margin: 0, transform: `translateX(${(1 - title) * -200}px)` }}>Weekly report</h1>
      <p style={{ color: '#94a3b8', fontSize: 32, marginTop: 12 }}>Generated for {'Ada'} · week {Math.floor(frame / (fps * 7)) + 1}</p>
      <div style={{ display: 'flex', flexWrap: 'wrap', marginTop: 40 }}>
        {stats.map((s, i) => (
          <Card key={s.label} index={i} {...s} />
        ))}
      </div>
      <Sequence from={30} layout="none">
        <svg width={200} height={200} viewBox="0 0 200 200" style={{ position: 'absolute', right: 80, top: 60 }}>
          <circle cx={100} cy={100} r={80} fill="none" stroke="#334155" strokeWidth={16} />
          <circle cx={100} cy={100} r={80} fill="none" stroke="#6366f1" strokeWidth={16} strokeDasharray={502} strokeDashoffset={502 * (1 - progress)} />
          <text x={100} y={112} textAnchor="middle" fontSize={36} fill="white">{Math.round(progress * 100)}%</text>
        </svg>
      </Sequence>
      <div style={{ position: 'absolute', bottom: 40, left: 60, right: 60, height: 6, backgroundColor: '#1e293b' }}>
        <div style={{ width: `${progress * 100}%`, height: 6, backgroundColor: '#f97316' }} />
      </div>
    </AbsoluteFill>
  );
}
