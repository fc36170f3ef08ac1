//! Writes the I420 frames `kinema render` would feed its encoder, for the encoder-only half of
//! `bench/render.sh`: `cargo run --release -p kinema --example dump_frames -- <code.tsx>
//! <frames> <out.yuv>` (1920x1080, 30 fps, composition `DynamicComp`).

use std::io::Write;
use std::sync::Arc;

use kinema_compose::{Bundle, CodeComposition, Engine, Limits};
use kinema_encode::yuv::YuvConverter;
use kinema_paint::{BlitzRenderer, FrameRenderer, PaintOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [code, frames, output] = args.as_slice() else {
        return Err("usage: dump_frames <code.tsx> <frames> <out.yuv>".into());
    };
    let frames: u32 = frames.parse()?;
    let composition = CodeComposition {
        id: "DynamicComp".into(),
        duration_in_frames: frames,
        fps: 30.0,
        width: 1920,
        height: 1080,
    };
    let bundle = Arc::new(Bundle::from_code(
        &std::fs::read_to_string(code)?,
        composition,
    )?);
    let mut engine = Engine::new(bundle, Limits::default())?;
    engine.select("DynamicComp", &serde_json::json!({}))?;
    let mut renderer = BlitzRenderer::new(PaintOptions::default())?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
    let (mut converter, mut yuv) = (YuvConverter::default(), Vec::new());
    for frame in 0..frames {
        let tree = engine.render_frame(frame)?;
        let image = renderer.render(&tree)?;
        converter.convert(
            &image.pixels,
            image.width,
            image.height,
            [0, 0, 0],
            &mut yuv,
        )?;
        out.write_all(&yuv)?;
    }
    out.flush()?;
    Ok(())
}
