// text-shadow: hard, blurred, multiple, glow, inherited.
export default function TextShadow() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#312e81', fontFamily: 'sans-serif', color: 'white', padding: 16}}>
      <div style={{fontSize: 44, fontWeight: 800, textShadow: '3px 3px 0 #f43f5e'}}>Hard shadow</div>
      <div style={{fontSize: 40, fontWeight: 700, textShadow: '0 4px 12px rgba(0,0,0,0.8)'}}>Soft shadow</div>
      <div style={{fontSize: 36, color: '#fef08a', textShadow: '0 0 8px #facc15, 0 0 20px #f59e0b'}}>Glowing text</div>
      <div style={{fontSize: 28, textShadow: '2px 2px 2px black'}}>Parent <span style={{color: '#67e8f9'}}>inherits</span> shadow</div>
    </div>
  );
}
