// A 300-frame, 1080p motion-graphics piece for the render benchmarks: a title card, an
// animated bar chart and a grid of cards, with gradients, shadows, text and springs.
import {AbsoluteFill, Sequence, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';

const palette = ['#f97316', '#22c55e', '#3b82f6', '#a855f7', '#ef4444', '#eab308'];

function Title() {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  const rise = spring({frame, fps, config: {damping: 12}});
  return (
    <AbsoluteFill style={{background: 'linear-gradient(135deg, #0f172a, #1e3a8a)', justifyContent: 'center', alignItems: 'center'}}>
      <div style={{fontFamily: 'sans-serif', fontSize: 140, fontWeight: 800, color: 'white',
        transform: `translateY(${(1 - rise) * 200}px)`, opacity: rise}}>Quarterly Review</div>
      <div style={{fontFamily: 'sans-serif', fontSize: 54, color: '#93c5fd', marginTop: 30,
        opacity: interpolate(frame, [20, 45], [0, 1], {extrapolateLeft: 'clamp', extrapolateRight: 'clamp'})}}>
        Growth across every region
      </div>
    </AbsoluteFill>
  );
}

function Chart() {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  const values = [42, 68, 55, 91, 77, 63];
  return (
    <AbsoluteFill style={{background: '#f8fafc', padding: 100, flexDirection: 'row', alignItems: 'flex-end', gap: 40}}>
      {values.map((v, i) => {
        const grow = spring({frame: frame - i * 6, fps, config: {damping: 200}});
        return (
          <div key={i} style={{flex: 1, display: 'flex', flexDirection: 'column', alignItems: 'center'}}>
            <div style={{fontFamily: 'sans-serif', fontSize: 48, fontWeight: 700, color: '#0f172a', marginBottom: 16}}>
              {Math.round(v * grow)}%
            </div>
            <div style={{width: '100%', height: v * 6 * grow, borderRadius: 16,
              background: `linear-gradient(180deg, ${palette[i]}, #0f172a)`,
              boxShadow: '0 20px 40px rgba(15, 23, 42, 0.25)'}} />
            <div style={{fontFamily: 'sans-serif', fontSize: 36, color: '#475569', marginTop: 20}}>Q{i + 1}</div>
          </div>
        );
      })}
    </AbsoluteFill>
  );
}

function Cards() {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  return (
    <AbsoluteFill style={{background: 'radial-gradient(circle at 30% 30%, #312e81, #020617)', padding: 100,
      flexDirection: 'row', flexWrap: 'wrap', gap: 50, alignContent: 'center'}}>
      {palette.map((color, i) => {
        const pop = spring({frame: frame - i * 5, fps, config: {damping: 10}});
        return (
          <div key={i} style={{width: 520, height: 330, borderRadius: 28, background: 'rgba(255,255,255,0.08)',
            border: `4px solid ${color}`, transform: `scale(${pop}) rotate(${(1 - pop) * 20}deg)`,
            padding: 40, boxSizing: 'border-box'}}>
            <div style={{width: 90, height: 90, borderRadius: 45, background: color}} />
            <div style={{fontFamily: 'sans-serif', fontSize: 46, color: 'white', marginTop: 30}}>Region {i + 1}</div>
            <div style={{fontFamily: 'sans-serif', fontSize: 30, color: '#cbd5e1', marginTop: 10}}>
              {(1200 + i * 340 + frame * 7).toLocaleString()} customers
            </div>
          </div>
        );
      })}
    </AbsoluteFill>
  );
}

export default function Promo() {
  return (
    <AbsoluteFill>
      <Sequence durationInFrames={100}><Title /></Sequence>
      <Sequence from={100} durationInFrames={100}><Chart /></Sequence>
      <Sequence from={200}><Cards /></Sequence>
    </AbsoluteFill>
  );
}
