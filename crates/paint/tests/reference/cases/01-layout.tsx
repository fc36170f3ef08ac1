// Absolute positioning, px and % sizes, padding, margin, background colours.
export default function Layout() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#f1f5f9'}}>
      <div style={{position: 'absolute', left: 20, top: 20, width: 200, height: 100, backgroundColor: '#2563eb'}} />
      <div style={{position: 'absolute', right: '5%', top: '10%', width: '30%', height: '40%', backgroundColor: 'rgba(220, 38, 38, 0.8)'}} />
      <div style={{position: 'absolute', left: 40, bottom: 20, padding: 16, backgroundColor: '#16a34a'}}>
        <div style={{width: 120, height: 40, margin: 8, backgroundColor: '#facc15'}} />
      </div>
      <div style={{position: 'absolute', left: '50%', top: '50%', width: 60, height: 60, marginLeft: -30, marginTop: -30, backgroundColor: 'hsl(280, 70%, 50%)'}} />
    </div>
  );
}
