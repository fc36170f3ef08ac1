// em, rem and % units for sizes, padding and fonts.
export default function Units() {
  return (
    <div style={{position: 'absolute', inset: 0, backgroundColor: '#fff7ed', fontFamily: 'sans-serif', fontSize: 20}}>
      <div style={{position: 'absolute', left: '5%', top: '8%', width: '40%', padding: '1em', fontSize: '0.8em', backgroundColor: '#fed7aa', color: '#7c2d12'}}>Padding of 1em at 16px</div>
      <div style={{position: 'absolute', right: '5%', top: '8%', width: '12em', height: '4em', borderRadius: '1em', backgroundColor: '#fb923c', fontSize: 14}} />
      <div style={{position: 'absolute', left: '5%', bottom: '10%', width: '90%', height: '30%', backgroundColor: '#9a3412', display: 'flex', alignItems: 'center', paddingLeft: '2rem', boxSizing: 'border-box', color: 'white', fontSize: '2em'}}>2em on a 20px parent</div>
    </div>
  );
}
