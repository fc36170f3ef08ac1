// Stacking: z-index, negative z-index, DOM order, nested stacking contexts.
export default function ZIndex() {
  const sq = (left: number, top: number, color: string, z?: number) => (
    <div style={{position: 'absolute', left, top, width: 110, height: 110, backgroundColor: color, zIndex: z, border: '2px solid white'}} />
  );
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#334155'}}>
      {sq(30, 30, '#ef4444', 3)}{sq(80, 70, '#22c55e', 1)}{sq(130, 110, '#3b82f6', 2)}
      <div style={{position: 'absolute', left: 280, top: 30, width: 160, height: 200, zIndex: 0, backgroundColor: '#e2e8f0'}}>
        <div style={{position: 'absolute', left: 20, top: 20, width: 100, height: 100, backgroundColor: '#f59e0b', zIndex: 10}} />
        <div style={{position: 'absolute', left: 50, top: 70, width: 100, height: 100, backgroundColor: '#8b5cf6', zIndex: 5}} />
      </div>
      <div style={{position: 'absolute', left: 230, top: 150, width: 100, height: 90, backgroundColor: '#ec4899', zIndex: 1}} />
    </div>
  );
}
