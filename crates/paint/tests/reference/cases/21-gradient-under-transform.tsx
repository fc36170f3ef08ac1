// Gradient backgrounds on bordered elements that are rotated or scaled (a Blitz tiling bug
// Kinema fixes).
export default function GradientTransform() {
  const card = (left: number, transform: string) => (
    <div style={{position: 'absolute', left, top: 70, width: 110, height: 110, borderRadius: 18, border: '6px solid rgba(255,255,255,0.5)', background: 'linear-gradient(135deg, #f43f5e, #8b5cf6)', transform}} />
  );
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#0b1120'}}>
      {card(20, 'none')}
      {card(180, 'rotate(20deg)')}
      {card(340, 'scale(1.15) rotate(-12deg)')}
    </div>
  );
}
