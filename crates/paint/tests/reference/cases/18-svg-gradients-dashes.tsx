// SVG gradients, stroke-dasharray and stroke-dashoffset (progress rings), transforms.
export default function SvgGradients() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#0f172a'}}>
      <svg width={480} height={270}>
        <defs>
          <linearGradient id="lg" x1="0" y1="0" x2="1" y2="0">
            <stop offset="0%" stopColor="#22d3ee" />
            <stop offset="100%" stopColor="#a855f7" />
          </linearGradient>
          <radialGradient id="rg">
            <stop offset="0%" stopColor="#fde68a" />
            <stop offset="100%" stopColor="#ea580c" />
          </radialGradient>
        </defs>
        <rect x={20} y={20} width={200} height={60} rx={12} fill="url(#lg)" />
        <circle cx={340} cy={70} r={50} fill="url(#rg)" />
        <circle cx={110} cy={180} r={60} fill="none" stroke="#1e293b" strokeWidth={14} />
        <circle cx={110} cy={180} r={60} fill="none" stroke="url(#lg)" strokeWidth={14} strokeDasharray={377} strokeDashoffset={120} strokeLinecap="round" transform="rotate(-90 110 180)" />
        <line x1={220} y1={200} x2={460} y2={200} stroke="#f472b6" strokeWidth={6} strokeDasharray="20 10" strokeDashoffset={5} />
        <g transform="translate(300 230) rotate(15)">
          <rect x={-40} y={-12} width={80} height={24} fill="#4ade80" />
        </g>
      </svg>
    </div>
  );
}
