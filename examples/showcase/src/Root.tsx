import React from 'react';
import { Composition, Folder, Still } from 'remotion';
import { TitleCard } from './scenes/TitleCard';
import { Timeline } from './scenes/Timeline';
import { Slides } from './scenes/Slides';
import { ShapesScene } from './scenes/ShapesScene';
import { Counters, countersMetadata, type CountersProps } from './scenes/Counters';
import { Poster } from './scenes/Poster';
import { VIDEO } from './lib/theme';

export const Root: React.FC = () => {
  return (
    <>
      <Composition
        id="TitleCard"
        component={TitleCard}
        durationInFrames={90}
        fps={VIDEO.fps}
        width={VIDEO.width}
        height={VIDEO.height}
        defaultProps={{ title: 'Kinema', subtitle: 'Videos written as code' }}
      />
      <Composition id="Timeline" component={Timeline} durationInFrames={150} fps={VIDEO.fps} width={VIDEO.width} height={VIDEO.height} />
      <Composition id="Slides" component={Slides} durationInFrames={210} fps={VIDEO.fps} width={VIDEO.width} height={VIDEO.height} />
      <Folder name="Data">
        <Composition id="Shapes" component={ShapesScene} durationInFrames={120} fps={VIDEO.fps} width={VIDEO.width} height={VIDEO.height} />
        <Composition
          id="Counters"
          component={Counters}
          fps={VIDEO.fps}
          width={VIDEO.width}
          height={VIDEO.height}
          durationInFrames={1}
          defaultProps={{ stats: [{ label: 'Renders', value: 10000 }, { label: 'Revenue', value: 1234567.89, currency: true }, { label: 'Growth', value: 0.423, percent: true }], secondsPerStat: 2 } satisfies CountersProps}
          calculateMetadata={countersMetadata}
        />
      </Folder>
      <Still id="Poster" component={Poster} width={1080} height={1350} defaultProps={{ headline: 'Made with Kinema' }} />
    </>
  );
};
