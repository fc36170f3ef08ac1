// Inline SVG shapes: rect, circle, ellipse, line, polyline, polygon, path, viewBox scaling.
export default function SvgShapes() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: 'white'}}>
      <svg width={480} height={270} viewBox="0 0 240 135">
        <rect x={10} y={10} width={60} height={40} rx={8} fill="#3b82f6" />
        <circle cx={110} cy={30} r={22} fill="#ef4444" stroke="#7f1d1d" strokeWidth={3} />
        <ellipse cx={180} cy={30} rx={40} ry={18} fill="#22c55e" fillOpacity={0.7} />
        <line x1={10} y1={70} x2={110} y2={120} stroke="#0f172a" strokeWidth={4} strokeLinecap="round" />
        <polyline points="120,120 140,70 160,110 180,75 200,120" fill="none" stroke="#a855f7" strokeWidth={3} strokeLinejoin="round" />
        <polygon points="215,70 235,110 195,110" fill="#f59e0b" />
        <path d="M 20 128 C 60 95, 100 135, 140 100 S 200 90, 230 128" fill="none" stroke="#0891b2" strokeWidth={2} />
      </svg>
    </div>
  );
}
