// filter: blur on shapes and text.
export default function FilterBlur() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#0f172a'}}>
      <div style={{position: 'absolute', left: 40, top: 40, width: 160, height: 160, borderRadius: '50%', backgroundColor: '#6366f1', filter: 'blur(20px)'}} />
      <div style={{position: 'absolute', left: 260, top: 60, width: 180, height: 80, backgroundColor: '#f43f5e', filter: 'blur(6px)'}} />
      <div style={{position: 'absolute', left: 250, top: 170, fontFamily: 'sans-serif', fontSize: 40, color: 'white', filter: 'blur(2px)'}}>Blurred</div>
    </div>
  );
}
