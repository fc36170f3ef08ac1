// transform-origin with rotation and scale, and transformed text.
export default function TransformOrigin() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#fefce8'}}>
      <div style={{position: 'absolute', left: 40, top: 40, width: 100, height: 60, backgroundColor: 'rgba(234,88,12,0.3)'}} />
      <div style={{position: 'absolute', left: 40, top: 40, width: 100, height: 60, backgroundColor: 'rgba(234,88,12,0.8)', transform: 'rotate(25deg)', transformOrigin: '0 0'}} />
      <div style={{position: 'absolute', left: 200, top: 40, width: 100, height: 60, backgroundColor: 'rgba(37,99,235,0.8)', transform: 'rotate(-20deg)', transformOrigin: '100% 100%'}} />
      <div style={{position: 'absolute', left: 340, top: 40, width: 100, height: 60, backgroundColor: 'rgba(22,163,74,0.8)', transform: 'scale(0.6)', transformOrigin: 'right top'}} />
      <div style={{position: 'absolute', left: 60, top: 170, fontFamily: 'sans-serif', fontSize: 36, fontWeight: 700, color: '#7c2d12', transform: 'rotate(-6deg) scale(1.1)', transformOrigin: 'left center'}}>Rotated headline</div>
    </div>
  );
}
