// A typical animated title card at frame 20: AbsoluteFill, Sequence, interpolate, spring.
import {AbsoluteFill, Sequence, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';
const Title = () => {
  const frame = useCurrentFrame();
  const {fps} = useVideoConfig();
  const s = spring({frame, fps, config: {damping: 200}});
  return (
    <div style={{fontFamily: 'sans-serif', fontSize: 56, fontWeight: 800, color: 'white', transform: `translateY(${interpolate(s, [0, 1], [40, 0])}px)`, opacity: s}}>Hello Kinema</div>
  );
};
export default function TitleCard() {
  const frame = useCurrentFrame();
  return (
    <AbsoluteFill style={{background: 'linear-gradient(160deg, #1e1b4b, #7c3aed)', justifyContent: 'center', alignItems: 'center'}}>
      <Sequence from={5} layout="none"><Title /></Sequence>
      <AbsoluteFill style={{justifyContent: 'flex-end', padding: 24}}>
        <div style={{height: 8, borderRadius: 4, backgroundColor: 'rgba(255,255,255,0.25)'}}>
          <div style={{width: `${interpolate(frame, [0, 60], [0, 100], {extrapolateRight: 'clamp'})}%`, height: '100%', borderRadius: 4, backgroundColor: '#facc15'}} />
        </div>
      </AbsoluteFill>
    </AbsoluteFill>
  );
}
