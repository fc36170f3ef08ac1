// Text layout: alignment, letter-spacing, line-height, wrapping, em sizes.
export default function TextLayout() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#fffbeb', fontFamily: 'sans-serif', color: '#451a03', fontSize: 16}}>
      <div style={{position: 'absolute', left: 10, top: 10, width: 220, textAlign: 'left', lineHeight: '22px'}}>Left aligned text that wraps across several lines in a narrow column.</div>
      <div style={{position: 'absolute', left: 250, top: 10, width: 220, textAlign: 'right', lineHeight: 1.6}}>Right aligned text that also wraps across lines.</div>
      <div style={{position: 'absolute', left: 10, top: 140, width: 460, textAlign: 'center', letterSpacing: 6, fontSize: '1.5em', fontWeight: 700}}>LETTER SPACING</div>
      <div style={{position: 'absolute', left: 10, top: 190, width: 460, textAlign: 'center', letterSpacing: '-0.02em', fontSize: 40, lineHeight: 1}}>Tight headline</div>
    </div>
  );
}
