//! Writes the image fixtures the reference-image tests load from `public/`:
//! `cargo run -p kinema-paint --example make_fixtures -- <public dir>`.
//! The files are committed; this program documents how they were made.

use std::path::PathBuf;

use image::{Rgba, RgbaImage};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "crates/paint/tests/reference/public".into()),
    );
    std::fs::create_dir_all(&dir)?;
    // A 64×64 picture with a gradient, a diagonal band and a transparent corner.
    let picture = RgbaImage::from_fn(64, 64, |x, y| {
        let band = (x as i32 - y as i32).abs() < 8;
        let alpha = if x + y < 20 { 0 } else { 255 };
        if band {
            Rgba([250, 250, 250, alpha])
        } else {
            Rgba([(x * 4) as u8, 80 + y as u8 * 2, 200 - (x + y) as u8, alpha])
        }
    });
    picture.save(dir.join("picture.png"))?;
    image::DynamicImage::ImageRgba8(picture.clone())
        .to_rgb8()
        .save(dir.join("picture.jpg"))?;
    picture.save(dir.join("picture.webp"))?;
    image::DynamicImage::ImageRgba8(picture)
        .to_rgb8()
        .save(dir.join("picture.gif"))?;
    std::fs::write(
        dir.join("badge.svg"),
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><circle cx="32" cy="32" r="28" fill="#f59e0b"/><rect x="18" y="18" width="28" height="28" rx="6" fill="#1e293b"/></svg>"##,
    )?;
    Ok(())
}
