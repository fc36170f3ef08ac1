// Radial and conic gradients.
export default function RadialConic() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#111827'}}>
      <div style={{position: 'absolute', left: 10, top: 10, width: 220, height: 120, background: 'radial-gradient(circle, #fde047, #ea580c 60%, #111827 100%)'}} />
      <div style={{position: 'absolute', left: 250, top: 10, width: 220, height: 120, background: 'radial-gradient(ellipse at 30% 40%, #38bdf8, #1e3a8a)'}} />
      <div style={{position: 'absolute', left: 10, top: 140, width: 120, height: 120, borderRadius: '50%', background: 'conic-gradient(#ef4444, #eab308, #22c55e, #3b82f6, #ef4444)'}} />
      <div style={{position: 'absolute', left: 160, top: 140, width: 120, height: 120, background: 'conic-gradient(from 90deg at 50% 50%, #f472b6 0deg 90deg, #818cf8 90deg 180deg, #34d399 180deg 270deg, #fbbf24 270deg)'}} />
      <div style={{position: 'absolute', left: 300, top: 140, width: 170, height: 120, background: 'radial-gradient(circle at 50% 120%, rgba(167,139,250,0.9), transparent 70%)'}} />
    </div>
  );
}
