// Damage-tracking torture test: filters, text shadows, blend modes, clips, rotation, SVG and
// images, some moving and some still, so that frames repaint only parts of themselves.
import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';

const dot = 'data:image/svg+xml;utf8,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#0ea5e9"/></svg>');

export default function Effects() {
  const frame = useCurrentFrame();
  const x = interpolate(frame, [0, 40], [20, 300], {extrapolateRight: 'clamp'});
  return (
    <AbsoluteFill style={{background: 'linear-gradient(90deg, #fef3c7, #e0e7ff)'}}>
      <div style={{position: 'absolute', left: 30, top: 30, width: 120, height: 80, background: '#ef4444',
        filter: `blur(${frame % 10 < 5 ? 2 : 4}px)`}} />
      <div style={{position: 'absolute', left: 200, top: 30, width: 120, height: 80, background: '#22c55e',
        filter: 'blur(3px)'}} />
      <div style={{position: 'absolute', left: x, top: 140, fontFamily: 'sans-serif', fontSize: 36,
        fontWeight: 700, color: 'white', textShadow: '2px 2px 6px rgba(0,0,0,0.8), 0 0 2px #f00'}}>Shadowed</div>
      <div style={{position: 'absolute', left: 40, top: 200, fontFamily: 'serif', fontSize: 28, color: '#1e293b',
        WebkitTextStroke: '1px #f97316'}}>Still text {frame > 20 ? 'late' : 'early'}</div>
      <div style={{position: 'absolute', left: 300, top: 190, width: 100, height: 60, borderRadius: 20,
        overflow: 'hidden', transform: `rotate(${frame * 3}deg)`, background: '#a855f7'}}>
        <div style={{width: 50, height: 120, background: '#facc15', mixBlendMode: 'multiply'}} />
      </div>
      <div style={{position: 'absolute', left: 380, top: 40, opacity: 0.5 + 0.5 * Math.sin(frame / 5)}}>
        <svg width="60" height="60"><rect x="5" y="5" width="50" height="50" rx="8" fill="#14b8a6" stroke="#000" strokeWidth="3"/></svg>
      </div>
      <img src={dot} style={{position: 'absolute', left: 20 + (frame % 30) * 4, top: 100, width: 40, height: 40}} />
      <div style={{position: 'absolute', left: 420, top: 200, width: 40, height: 40, background: '#0f172a',
        boxShadow: `0 ${frame % 8}px 12px rgba(0,0,0,0.5)`}} />
    </AbsoluteFill>
  );
}
