// Borders and border-radius.
export default function Borders() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#fafafa'}}>
      <div style={{position: 'absolute', left: 20, top: 20, width: 100, height: 80, border: '4px solid #0f172a'}} />
      <div style={{position: 'absolute', left: 150, top: 20, width: 100, height: 80, border: '8px solid #2563eb', borderRadius: 16, backgroundColor: '#bfdbfe'}} />
      <div style={{position: 'absolute', left: 280, top: 20, width: 80, height: 80, borderRadius: '50%', backgroundColor: '#f43f5e'}} />
      <div style={{position: 'absolute', left: 20, top: 140, width: 120, height: 90, borderTop: '6px solid #16a34a', borderRight: '2px solid #ca8a04', borderBottom: '10px solid #9333ea', borderLeft: '3px solid #0891b2'}} />
      <div style={{position: 'absolute', left: 170, top: 140, width: 120, height: 90, borderRadius: '30px 4px 30px 4px', backgroundColor: '#14b8a6', border: '3px solid rgba(0,0,0,0.4)'}} />
      <div style={{position: 'absolute', left: 320, top: 140, width: 130, height: 90, borderRadius: 45, border: '12px solid #f59e0b'}} />
    </div>
  );
}
