// Benchmark scene: 20 cards with large blurred shadows drifting over a gradient, plus a title.
import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';
export default function Shadows() {
  const frame = useCurrentFrame();
  return (
    <AbsoluteFill style={{background: 'linear-gradient(135deg, #0f172a, #312e81)'}}>
      {Array.from({length: 20}, (_, i) => (
        <div key={i} style={{position: 'absolute', left: 120 + (i % 5) * 340, top: 160 + Math.floor(i / 5) * 200,
          width: 220, height: 130, borderRadius: 24, backgroundColor: `hsl(${i * 18}, 70%, 60%)`,
          boxShadow: `0 24px 48px hsla(${i * 18}, 80%, 30%, 0.6)`,
          transform: `translateY(${interpolate(Math.sin((frame + i * 7) / 12), [-1, 1], [-20, 20])}px)`}} />
      ))}
      <div style={{position: 'absolute', left: 120, top: 40, fontFamily: 'sans-serif', fontSize: 80, fontWeight: 800, color: 'white'}}>
        Twenty shadows · frame {frame}
      </div>
    </AbsoluteFill>
  );
}
