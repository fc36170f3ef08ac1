// Text: generic families, sizes, weights, styles, colours.
export default function TextFonts() {
  const row: React.CSSProperties = {margin: 0, lineHeight: 1.2};
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: 'white', padding: 12, color: '#0f172a'}}>
      <p style={{...row, fontFamily: 'sans-serif', fontSize: 28}}>Sans-serif 28px</p>
      <p style={{...row, fontFamily: 'sans-serif', fontSize: 28, fontWeight: 700, color: '#2563eb'}}>Bold sans-serif</p>
      <p style={{...row, fontFamily: 'serif', fontSize: 26, fontStyle: 'italic'}}>Italic serif text</p>
      <p style={{...row, fontFamily: 'monospace', fontSize: 22, color: '#16a34a'}}>monospace() =&gt; 42</p>
      <p style={{...row, fontSize: 24}}>Default family</p>
      <p style={{...row, fontFamily: 'Arial, Helvetica, sans-serif', fontSize: 20, fontWeight: 300}}>Arial falls back metric-compatibly</p>
      <p style={{...row, fontFamily: 'system-ui', fontSize: 18, color: 'rgba(15, 23, 42, 0.6)'}}>system-ui at 60% opacity colour</p>
    </div>
  );
}
