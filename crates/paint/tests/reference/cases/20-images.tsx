// <img> from staticFile(): PNG with alpha, JPEG, WebP, GIF, SVG; sizing, object-fit, radius.
import {Img, staticFile} from 'remotion';
export default function Images() {
  const img: React.CSSProperties = {position: 'absolute', width: 128, height: 128};
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#fdf4ff'}}>
      <Img src={staticFile('picture.png')} style={{...img, left: 10, top: 10}} />
      <Img src={staticFile('picture.jpg')} style={{...img, left: 170, top: 10, borderRadius: 24}} />
      <Img src={staticFile('picture.webp')} style={{...img, left: 330, top: 10, transform: 'rotate(10deg)'}} />
      <Img src={staticFile('picture.gif')} style={{...img, left: 10, top: 150, width: 200, height: 100, objectFit: 'cover'}} />
      <Img src={staticFile('badge.svg')} style={{...img, left: 250, top: 150, width: 100, height: 100}} />
      <img src="picture.png" style={{position: 'absolute', left: 380, top: 170, width: 64, height: 64}} />
    </div>
  );
}
