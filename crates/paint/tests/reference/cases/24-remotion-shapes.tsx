// @remotion/shapes rendered as inline SVG paths.
import {Circle, Rect, Triangle, Star, Pie} from '@remotion/shapes';
export default function Shapes() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#f8fafc', display: 'flex', alignItems: 'center', justifyContent: 'space-around'}}>
      <Circle radius={40} fill="#ef4444" />
      <Rect width={80} height={60} cornerRadius={10} fill="#3b82f6" />
      <Triangle length={90} direction="up" fill="#22c55e" />
      <Star points={5} innerRadius={20} outerRadius={45} fill="#eab308" />
      <Pie radius={40} progress={0.7} fill="#a855f7" />
    </div>
  );
}
