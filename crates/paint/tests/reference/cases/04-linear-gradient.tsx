// Linear gradients: angles, keywords, multiple stops, transparency.
export default function Linear() {
  return (
    <div style={{position: 'absolute', inset: 0, background: 'linear-gradient(135deg, #0f172a, #4338ca)'}}>
      <div style={{position: 'absolute', left: 20, top: 20, width: 200, height: 100, background: 'linear-gradient(to right, #f43f5e, #fbbf24)'}} />
      <div style={{position: 'absolute', left: 250, top: 20, width: 200, height: 100, background: 'linear-gradient(45deg, red 0%, yellow 30%, lime 60%, cyan 100%)'}} />
      <div style={{position: 'absolute', left: 20, top: 150, width: 200, height: 100, borderRadius: 20, background: 'linear-gradient(to bottom, rgba(255,255,255,0.9), rgba(255,255,255,0))'}} />
      <div style={{position: 'absolute', left: 250, top: 150, width: 200, height: 100, background: 'linear-gradient(200deg, #22d3ee 20%, #a855f7 20%, #a855f7 60%, #f472b6 60%)'}} />
    </div>
  );
}
