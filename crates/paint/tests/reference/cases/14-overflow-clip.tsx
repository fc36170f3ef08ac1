// overflow: hidden with and without rounded corners, nested.
export default function Overflow() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#ecfeff'}}>
      <div style={{position: 'absolute', left: 20, top: 20, width: 180, height: 110, overflow: 'hidden', backgroundColor: '#0e7490'}}>
        <div style={{position: 'absolute', left: 100, top: 50, width: 150, height: 100, backgroundColor: '#fde047'}} />
      </div>
      <div style={{position: 'absolute', left: 240, top: 20, width: 200, height: 200, overflow: 'hidden', borderRadius: 40, backgroundColor: '#1e1b4b'}}>
        <div style={{position: 'absolute', left: -30, top: -30, width: 140, height: 140, backgroundColor: '#f472b6', transform: 'rotate(20deg)'}} />
        <div style={{position: 'absolute', left: 100, top: 120, width: 160, height: 120, borderRadius: '50%', backgroundColor: '#a3e635'}} />
      </div>
      <div style={{position: 'absolute', left: 20, top: 160, width: 180, height: 80, overflow: 'hidden', borderRadius: '50%', backgroundColor: '#fb923c'}}>
        <div style={{width: 90, height: 80, backgroundColor: '#7c2d12'}} />
      </div>
    </div>
  );
}
