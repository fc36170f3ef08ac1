// A single-file composition, as sent in `inputProps.code` to POST /api/lambda/render.
import { AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig } from 'remotion';

export default function Hello() {
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  const scale = spring({ frame, fps });
  const opacity = interpolate(frame, [0, 20], [0, 1], { extrapolateRight: 'clamp' });
  return (
    <AbsoluteFill style={{ backgroundColor: '#111827', justifyContent: 'center', alignItems: 'center' }}>
      <h1 style={{ color: 'white', fontSize: 120, opacity, transform: `scale(${scale})` }}>
        Hello, {(10000).toLocaleString()} viewers
      </h1>
    </AbsoluteFill>
  );
}
