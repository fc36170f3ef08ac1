// 20 cards with large blurred shadows (the expensive case of the benchmark).
export default function ManyShadows() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#1e293b'}}>
      {Array.from({length: 20}, (_, i) => (
        <div key={i} style={{position: 'absolute', left: 20 + (i % 5) * 92, top: 20 + Math.floor(i / 5) * 62, width: 64, height: 40, borderRadius: 10, backgroundColor: `hsl(${i * 18}, 70%, 60%)`, boxShadow: `0 8px 24px hsla(${i * 18}, 80%, 50%, 0.7)`}} />
      ))}
    </div>
  );
}
