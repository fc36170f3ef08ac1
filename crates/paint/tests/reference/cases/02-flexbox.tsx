// Flexbox: direction, justify, align, gap, grow, wrap.
const box = (color: string, extra: React.CSSProperties = {}) => (
  <div style={{width: 50, height: 40, backgroundColor: color, ...extra}} />
);
export default function Flex() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: 'white', display: 'flex', flexDirection: 'column', gap: 10, padding: 10}}>
      <div style={{display: 'flex', justifyContent: 'space-between', backgroundColor: '#e2e8f0'}}>
        {box('#ef4444')}{box('#f97316')}{box('#eab308')}{box('#22c55e')}
      </div>
      <div style={{display: 'flex', justifyContent: 'center', alignItems: 'flex-end', gap: 12, height: 70, backgroundColor: '#e0f2fe'}}>
        {box('#3b82f6', {height: 20})}{box('#6366f1', {height: 50})}{box('#a855f7', {height: 35})}
      </div>
      <div style={{display: 'flex', gap: 6, backgroundColor: '#fce7f3'}}>
        {box('#ec4899', {flexGrow: 1})}{box('#be185d', {flexGrow: 2})}{box('#831843')}
      </div>
      <div style={{display: 'flex', flexWrap: 'wrap', gap: 4, width: 200, backgroundColor: '#dcfce7'}}>
        {Array.from({length: 9}, (_, i) => box(i % 2 ? '#15803d' : '#4ade80', {width: 36, height: 12}))}
      </div>
    </div>
  );
}
