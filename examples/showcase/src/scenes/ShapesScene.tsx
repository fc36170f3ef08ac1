import React from 'react';
import { AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig } from 'remotion';
import { Circle, Ellipse, Heart, Pie, Polygon, Rect, Star, Triangle, makeCircle } from '@remotion/shapes';
import { colors } from '../lib/theme';

export const ShapesScene: React.FC = () => {
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  const pop = (delay: number) => spring({ frame: frame - delay, fps, config: { damping: 10 } });
  const progress = interpolate(frame, [0, 90], [0, 1], { extrapolateRight: 'clamp' });
  const ring = makeCircle({ radius: 120 });
  const ringLength = 2 * Math.PI * 120;
  return (
    <AbsoluteFill style={{ backgroundColor: colors.paper, flexDirection: 'row', flexWrap: 'wrap', justifyContent: 'space-around', alignItems: 'center', padding: 60 }}>
      <Rect width={220} height={160} cornerRadius={24} fill={colors.accent} style={{ transform: `scale(${pop(0)})` }} />
      <Circle radius={90} fill={colors.warm} stroke={colors.ink} strokeWidth={8} style={{ transform: `scale(${pop(5)})` }} />
      <Triangle length={200} direction="up" fill={colors.mint} style={{ transform: `scale(${pop(10)})` }} />
      <Star points={5} innerRadius={50} outerRadius={110} fill="#facc15" style={{ transform: `rotate(${frame * 2}deg)` }} />
      <Polygon points={6} radius={100} fill={colors.sky} cornerRadius={12} />
      <Ellipse rx={130} ry={70} fill="#a855f7" />
      <Heart height={180} fill="#e11d48" style={{ transform: `scale(${0.9 + 0.1 * Math.sin(frame / 4)})` }} />
      <Pie radius={100} progress={progress} fill={colors.ink} />
      <svg width={ring.width} height={ring.height} viewBox={`0 0 ${ring.width} ${ring.height}`}>
        <defs>
          <linearGradient id="ring" x1="0" y1="0" x2="1" y2="1">
            <stop offset="0%" stopColor={colors.accent} />
            <stop offset="100%" stopColor={colors.warm} />
          </linearGradient>
        </defs>
        <path d={ring.path} fill="none" stroke="url(#ring)" strokeWidth={16} strokeDasharray={ringLength} strokeDashoffset={ringLength * (1 - progress)} strokeLinecap="round" />
        <text x={120} y={135} textAnchor="middle" fontSize={44} fontFamily="sans-serif" fill={colors.ink}>
          {Math.round(progress * 100)}%
        </text>
      </svg>
    </AbsoluteFill>
  );
};
