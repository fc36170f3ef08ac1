// Box-shadows of rotated and scaled elements follow the element (the offset rotates with it).
export default function ShadowTransform() {
  const card = (left: number, transform: string, background: string) => (
    <div style={{position: 'absolute', left, top: 75, width: 100, height: 100, borderRadius: 14, background,
      boxShadow: '16px 16px 12px rgba(15, 23, 42, 0.55)', transform}} />
  );
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#e2e8f0'}}>
      {card(30, 'none', '#f97316')}
      {card(190, 'rotate(35deg)', '#22c55e')}
      {card(340, 'rotate(-20deg) scale(1.2)', 'rgba(59, 130, 246, 0.6)')}
    </div>
  );
}
