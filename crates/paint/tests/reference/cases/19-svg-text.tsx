// SVG text through the same font registry: generic families, anchors, weights.
export default function SvgText() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#f0fdf4', fontFamily: 'sans-serif'}}>
      <svg width={480} height={270}>
        <text x={20} y={50} fontSize={36} fill="#14532d">Inherited sans</text>
        <text x={460} y={110} fontSize={30} fontFamily="serif" textAnchor="end" fill="#166534">Serif, anchored end</text>
        <text x={240} y={170} fontSize={28} fontFamily="monospace" textAnchor="middle" fontWeight="bold" fill="#15803d">mono bold</text>
        <text x={20} y={240} fontSize={34} fontFamily="Arial" fill="none" stroke="#16a34a" strokeWidth={1.5}>Outlined Arial</text>
      </svg>
    </div>
  );
}
