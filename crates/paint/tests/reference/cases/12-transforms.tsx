// 2D transforms: translate, scale, rotate, skew, matrix.
export default function Transforms() {
  const box = (left: number, top: number, transform: string, color: string) => (
    <div style={{position: 'absolute', left, top, width: 80, height: 60, backgroundColor: color, transform}} />
  );
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#f8fafc'}}>
      {box(20, 30, 'translate(20px, 10px)', '#ef4444')}
      {box(150, 30, 'scale(1.3, 0.7)', '#f97316')}
      {box(280, 30, 'rotate(30deg)', '#22c55e')}
      {box(390, 30, 'skewX(20deg)', '#3b82f6')}
      {box(30, 160, 'matrix(0.9, 0.3, -0.3, 0.9, 10, 0)', '#a855f7')}
      {box(160, 160, 'rotate(-15deg) scale(1.2)', '#ec4899')}
      {box(290, 160, 'translateX(30px) rotate(45deg) skewY(10deg)', '#14b8a6')}
    </div>
  );
}
