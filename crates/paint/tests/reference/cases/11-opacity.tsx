// Opacity, nested opacity, translucent colours over content.
export default function Opacity() {
  return (
    <div style={{position: 'absolute', inset: 0, background: 'linear-gradient(90deg, #0ea5e9, #f97316)'}}>
      <div style={{position: 'absolute', left: 20, top: 20, width: 200, height: 110, backgroundColor: 'black', opacity: 0.5}} />
      <div style={{position: 'absolute', left: 250, top: 20, width: 200, height: 110, backgroundColor: 'white', opacity: 0.7}}>
        <div style={{margin: 20, height: 70, backgroundColor: '#7c3aed', opacity: 0.5}} />
      </div>
      <div style={{position: 'absolute', left: 20, top: 150, width: 430, height: 100, opacity: 0.85, backgroundColor: '#0f172a', fontFamily: 'sans-serif', fontSize: 40, color: 'white', textAlign: 'center', lineHeight: '100px'}}>Fading title</div>
    </div>
  );
}
