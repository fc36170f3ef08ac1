// Box shadows: offsets, blur, spread, multiple, coloured.
export default function BoxShadow() {
  const card = (left: number, top: number, shadow: string, radius = 12): React.ReactNode => (
    <div style={{position: 'absolute', left, top, width: 110, height: 80, borderRadius: radius, backgroundColor: 'white', boxShadow: shadow}} />
  );
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#e2e8f0'}}>
      {card(30, 30, '0 10px 20px rgba(0,0,0,0.3)')}
      {card(185, 30, '8px 8px 0 #0f172a', 0)}
      {card(340, 30, '0 0 0 6px #6366f1, 0 0 30px 6px rgba(99,102,241,0.6)')}
      {card(30, 160, '0 20px 40px -10px rgba(15,23,42,0.5)')}
      {card(185, 160, '-12px -12px 24px rgba(236,72,153,0.55), 12px 12px 24px rgba(59,130,246,0.55)')}
      {card(340, 160, '0 4px 6px rgba(0,0,0,0.1), 0 10px 15px rgba(0,0,0,0.1)', 40)}
    </div>
  );
}
