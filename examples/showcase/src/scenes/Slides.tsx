import React from 'react';
import { AbsoluteFill, Easing } from 'remotion';
import { TransitionSeries, linearTiming, springTiming } from '@remotion/transitions';
import { fade } from '@remotion/transitions/fade';
import { slide } from '@remotion/transitions/slide';
import { wipe } from '@remotion/transitions/wipe';
import { flip } from '@remotion/transitions/flip';
import { clockWipe } from '@remotion/transitions/clock-wipe';
import { colors, fontFamily, VIDEO } from '../lib/theme';

const Slide: React.FC<{ title: string; background: string }> = ({ title, background }) => (
  <AbsoluteFill style={{ backgroundColor: background, justifyContent: 'center', alignItems: 'center' }}>
    <h2 style={{ fontFamily, fontSize: 140, color: 'white', margin: 0 }}>{title}</h2>
  </AbsoluteFill>
);

export const Slides: React.FC = () => (
  <TransitionSeries>
    <TransitionSeries.Sequence durationInFrames={50}>
      <Slide title="Fade" background={colors.accent} />
    </TransitionSeries.Sequence>
    <TransitionSeries.Transition presentation={fade()} timing={linearTiming({ durationInFrames: 15 })} />
    <TransitionSeries.Sequence durationInFrames={50}>
      <Slide title="Slide" background={colors.warm} />
    </TransitionSeries.Sequence>
    <TransitionSeries.Transition presentation={slide({ direction: 'from-right' })} timing={springTiming({ config: { damping: 200 }, durationInFrames: 20 })} />
    <TransitionSeries.Sequence durationInFrames={50}>
      <Slide title="Wipe" background={colors.mint} />
    </TransitionSeries.Sequence>
    <TransitionSeries.Transition presentation={wipe({ direction: 'from-top-left' })} timing={linearTiming({ durationInFrames: 15, easing: Easing.inOut(Easing.quad) })} />
    <TransitionSeries.Sequence durationInFrames={50}>
      <Slide title="Flip" background={colors.sky} />
    </TransitionSeries.Sequence>
    <TransitionSeries.Transition presentation={flip({ direction: 'from-left' })} timing={linearTiming({ durationInFrames: 15 })} />
    <TransitionSeries.Sequence durationInFrames={50}>
      <Slide title="Clock" background={colors.ink} />
    </TransitionSeries.Sequence>
    <TransitionSeries.Transition presentation={clockWipe({ width: VIDEO.width, height: VIDEO.height })} timing={linearTiming({ durationInFrames: 15 })} />
    <TransitionSeries.Sequence durationInFrames={40}>
      <Slide title="Done" background="#e11d48" />
    </TransitionSeries.Sequence>
  </TransitionSeries>
);
