import React from 'react';
import { AbsoluteFill, Freeze, Loop, Sequence, Series, interpolateColors, random, useCurrentFrame, useVideoConfig } from 'remotion';
import palette from '../lib/palette.json';
import { fontFamily } from '../lib/theme';

const Label: React.FC<{ text: string; color: string }> = ({ text, color }) => {
  const frame = useCurrentFrame();
  return (
    <AbsoluteFill style={{ justifyContent: 'center', alignItems: 'center', backgroundColor: color }}>
      <span style={{ fontFamily, fontSize: 120, color: 'white', fontWeight: 700 }}>
        {text} · {frame}
      </span>
    </AbsoluteFill>
  );
};

const Pulse: React.FC = () => {
  const frame = useCurrentFrame();
  const loop = Loop.useLoop();
  const size = 80 + frame * 4;
  return (
    <div style={{ position: 'absolute', right: 80, bottom: 80, width: size, height: size, borderRadius: '50%', border: '6px solid white', opacity: 1 - frame / 30 }} data-iteration={loop?.iteration ?? -1} />
  );
};

const Stars: React.FC = () => {
  const { width, height } = useVideoConfig();
  return (
    <>
      {new Array(24).fill(0).map((_, i) => (
        <div key={i} style={{ position: 'absolute', left: random(`x-${i}`) * width, top: random(`y-${i}`) * height, width: 6, height: 6, borderRadius: 3, background: 'white', opacity: 0.3 + random(i) * 0.7 }} />
      ))}
    </>
  );
};

export const Timeline: React.FC = () => {
  const frame = useCurrentFrame();
  const background = interpolateColors(frame, [0, 75, 149], ['#0f172a', '#312e81', '#0f172a']);
  return (
    <AbsoluteFill style={{ backgroundColor: background }}>
      <Series>
        <Series.Sequence durationInFrames={40} name="First">
          <Label text="One" color={palette[0]} />
        </Series.Sequence>
        <Series.Sequence durationInFrames={40} offset={5}>
          <Label text="Two" color={palette[1]} />
        </Series.Sequence>
        <Series.Sequence durationInFrames={40}>
          <Freeze frame={7}>
            <Label text="Frozen" color={palette[2]} />
          </Freeze>
        </Series.Sequence>
      </Series>
      <Sequence from={125} durationInFrames={25} layout="none">
        <Label text="Last" color={palette[3]} />
      </Sequence>
      <Stars />
      <Loop durationInFrames={30} times={4}>
        <Pulse />
      </Loop>
    </AbsoluteFill>
  );
};
