import React from 'react';
import { AbsoluteFill, Audio, Easing, Sequence, interpolate, spring, staticFile, useCurrentFrame, useVideoConfig } from 'remotion';
import { colors, fontFamily } from '../lib/theme';

type Props = { title: string; subtitle: string };

export const TitleCard: React.FC<Props> = ({ title, subtitle }) => {
  const frame = useCurrentFrame();
  const { fps, durationInFrames } = useVideoConfig();
  const enter = spring({ frame, fps, config: { damping: 12, stiffness: 120, mass: 0.8 } });
  const underline = spring({ frame: frame - 12, fps, durationInFrames: 25, config: { overshootClamping: true } });
  const fadeOut = interpolate(frame, [durationInFrames - 15, durationInFrames - 1], [1, 0], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
    easing: Easing.in(Easing.cubic),
  });
  const subtitleY = interpolate(frame, [10, 35], [40, 0], { extrapolateLeft: 'clamp', extrapolateRight: 'clamp', easing: Easing.bezier(0.16, 1, 0.3, 1) });
  return (
    <AbsoluteFill style={{ background: `linear-gradient(135deg, ${colors.ink} 0%, #1e1b4b 100%)`, justifyContent: 'center', alignItems: 'center', opacity: fadeOut, fontFamily }}>
      {/* A chime as the underline draws, fading out with the picture. */}
      <Sequence from={12} layout="none">
        <Audio src={staticFile('chime.ogg')} volume={(f) => 0.8 * interpolate(f, [durationInFrames - 27, durationInFrames - 13], [1, 0], { extrapolateLeft: 'clamp', extrapolateRight: 'clamp' })} />
      </Sequence>
      <h1 style={{ color: colors.paper, fontSize: 160, fontWeight: 800, margin: 0, letterSpacing: -4, transform: `scale(${enter}) translateY(${(1 - enter) * 60}px)`, textShadow: '0 8px 32px rgba(0,0,0,0.5)' }}>
        {title}
      </h1>
      <div style={{ height: 10, width: 520 * underline, background: colors.accent, borderRadius: 5, marginTop: 12 }} />
      <p style={{ color: '#cbd5e1', fontSize: 56, marginTop: 36, transform: `translateY(${subtitleY}px)`, opacity: interpolate(frame, [10, 30], [0, 1], { extrapolateRight: 'clamp', extrapolateLeft: 'clamp' }) }}>
        {subtitle}
      </p>
    </AbsoluteFill>
  );
};
