import React from 'react';
import { AbsoluteFill, Audio, Img, OffthreadVideo, staticFile, delayRender, continueRender } from 'remotion';
import { colors, fontFamily } from '../lib/theme';

export const Poster: React.FC<{ headline: string }> = ({ headline }) => {
  const handle = delayRender('loading poster');
  continueRender(handle);
  return (
    <AbsoluteFill style={{ backgroundColor: colors.paper, alignItems: 'center', justifyContent: 'center', gap: 48 }}>
      <style>{`.headline { font-family: ${fontFamily}; font-size: 96px; color: ${colors.ink}; }`}</style>
      <Img src={staticFile('logo.png')} style={{ width: 320, height: 320 }} />
      <h1 className="headline">{headline}</h1>
      <Audio src={staticFile('chime.ogg')} volume={0.5} />
      {/* public/clip.mp4: 2 s of ffmpeg's `gradients` source, 480x270 H.264. */}
      <OffthreadVideo src={staticFile('clip.mp4')} style={{ width: 480, height: 270 }} muted />
    </AbsoluteFill>
  );
};
