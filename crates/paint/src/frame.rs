//! The paint stage's output: one frame of pixels.

/// One painted frame: `width × height` pixels, 8-bit RGBA with straight (not premultiplied)
/// alpha, rows top to bottom with no padding. Pixels nothing was painted on are transparent.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Frame({}x{})", self.width, self.height)
    }
}

impl Frame {
    /// A transparent frame.
    pub fn new(width: u32, height: u32) -> Frame {
        Frame {
            width,
            height,
            pixels: vec![0; width as usize * height as usize * 4],
        }
    }

    /// The pixel at (x, y) as `[r, g, b, a]`.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let i = (y as usize * self.width as usize + x as usize) * 4;
        [
            self.pixels[i],
            self.pixels[i + 1],
            self.pixels[i + 2],
            self.pixels[i + 3],
        ]
    }

    /// The frame composited over an opaque colour (for formats without alpha).
    pub fn flattened(&self, background: [u8; 3]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pixels.len() / 4 * 3);
        for px in self.pixels.chunks_exact(4) {
            let a = px[3] as u32;
            for c in 0..3 {
                let v = (px[c] as u32 * a + background[c] as u32 * (255 - a) + 127) / 255;
                out.push(v as u8);
            }
        }
        out
    }

    /// Whether every pixel is opaque.
    pub fn is_opaque(&self) -> bool {
        self.pixels.chunks_exact(4).all(|p| p[3] == 255)
    }
}

/// Convert premultiplied RGBA (what the rasteriser writes) to straight alpha in place.
pub(crate) fn unpremultiply(pixels: &mut [u8]) {
    // Frames are mostly opaque: skip runs of 16 opaque pixels with eight 64-bit tests.
    const ALPHA: u64 = 0xFF00_0000_FF00_0000;
    let mut blocks = pixels.chunks_exact_mut(64);
    for block in &mut blocks {
        let opaque = block
            .chunks_exact(8)
            .all(|w| u64::from_le_bytes(w.try_into().expect("8 bytes")) & ALPHA == ALPHA);
        if !opaque {
            unpremultiply_slow(block);
        }
    }
    unpremultiply_slow(blocks.into_remainder());
}

fn unpremultiply_slow(pixels: &mut [u8]) {
    for px in pixels.chunks_exact_mut(4) {
        let a = px[3] as u32;
        if a == 0 || a == 255 {
            continue;
        }
        for c in &mut px[..3] {
            *c = ((*c as u32 * 255 + a / 2) / a).min(255) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpremultiplies_and_flattens() {
        let mut px = vec![64, 0, 32, 128, 10, 20, 30, 255, 0, 0, 0, 0];
        unpremultiply(&mut px);
        assert_eq!(&px[..4], &[128, 0, 64, 128]);
        assert_eq!(&px[4..8], &[10, 20, 30, 255]);
        let frame = Frame {
            width: 3,
            height: 1,
            pixels: px,
        };
        assert!(!frame.is_opaque());
        let flat = frame.flattened([255, 255, 255]);
        assert_eq!(&flat[..3], &[191, 127, 159]);
        assert_eq!(&flat[6..9], &[255, 255, 255]);
        assert_eq!(frame.pixel(1, 0), [10, 20, 30, 255]);
    }
}

#[cfg(test)]
mod block_tests {
    use super::*;

    #[test]
    fn fast_path_matches_the_slow_one() {
        let mut pixels: Vec<u8> = (0..4 * 100)
            .map(|i| {
                if i % 4 == 3 {
                    if i % 36 == 3 { 100 } else { 255 }
                } else {
                    (i % 97) as u8
                }
            })
            .collect();
        for px in pixels.chunks_exact_mut(4) {
            for c in 0..3 {
                px[c] = px[c].min(px[3]);
            }
        }
        let mut expected = pixels.clone();
        unpremultiply_slow(&mut expected);
        unpremultiply(&mut pixels);
        assert_eq!(pixels, expected);
    }
}
