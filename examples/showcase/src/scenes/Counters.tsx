import React from 'react';
import { AbsoluteFill, Sequence, interpolate, useCurrentFrame, useVideoConfig, type CalculateMetadataFunction } from 'remotion';
import { formatStat } from '../lib/format';
import { colors, fontFamily } from '../lib/theme';

export type Stat = { label: string; value: number; currency?: boolean; percent?: boolean };
export type CountersProps = { stats: Stat[]; secondsPerStat: number };

export const countersMetadata: CalculateMetadataFunction<CountersProps> = async ({ props }) => {
  return { durationInFrames: Math.max(1, Math.round(props.stats.length * props.secondsPerStat * 30)), props };
};

const Counter: React.FC<{ stat: Stat }> = ({ stat }) => {
  const frame = useCurrentFrame();
  const { fps } = useVideoConfig();
  const value = interpolate(frame, [0, fps], [0, stat.value], { extrapolateRight: 'clamp' });
  return (
    <AbsoluteFill style={{ justifyContent: 'center', alignItems: 'center', backgroundColor: colors.ink }}>
      <div style={{ fontFamily, fontSize: 64, color: '#94a3b8' }}>{stat.label}</div>
      <div style={{ fontFamily, fontSize: 200, fontWeight: 800, color: colors.paper, fontVariantNumeric: 'tabular-nums' }}>{formatStat(value, stat)}</div>
    </AbsoluteFill>
  );
};

export const Counters: React.FC<CountersProps> = ({ stats, secondsPerStat }) => {
  const { fps } = useVideoConfig();
  const each = Math.round(secondsPerStat * fps);
  return (
    <AbsoluteFill>
      {stats.map((stat, i) => (
        <Sequence key={stat.label} from={i * each} durationInFrames={each} name={stat.label}>
          <Counter stat={stat} />
        </Sequence>
      ))}
    </AbsoluteFill>
  );
};
