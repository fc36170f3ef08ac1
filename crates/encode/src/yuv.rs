//! RGBA frames to planar YUV 4:2:0 (I420), the input every H.264 encoder takes.
//!
//! Kinema writes **BT.709, limited ("TV") range** — what players assume for HD video — and tags
//! the stream so (`-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv`).
//! The conversion is the `yuv` crate's SIMD path (~0.9 ms per 1080p frame).

use yuv::{BufferStoreMut, YuvConversionMode, YuvPlanarImageMut, YuvRange, YuvStandardMatrix};

/// One frame in I420: a full-size luma plane and two quarter-size chroma planes, packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct I420 {
    pub width: u32,
    pub height: u32,
    /// Y (width × height), then U and V (each ⌈width/2⌉ × ⌈height/2⌉).
    pub data: Vec<u8>,
}

impl I420 {
    fn chroma_size(width: u32, height: u32) -> (usize, usize) {
        (width.div_ceil(2) as usize, height.div_ceil(2) as usize)
    }

    /// Size in bytes of an I420 frame.
    pub fn byte_len(width: u32, height: u32) -> usize {
        let (cw, ch) = Self::chroma_size(width, height);
        width as usize * height as usize + 2 * cw * ch
    }

    /// The three planes.
    pub fn planes(&self) -> (&[u8], &[u8], &[u8]) {
        let luma = self.width as usize * self.height as usize;
        let (cw, ch) = Self::chroma_size(self.width, self.height);
        let (y, rest) = self.data.split_at(luma);
        let (u, v) = rest.split_at(cw * ch);
        (y, u, v)
    }
}

/// Conversion failures (only a buffer that does not match its size).
#[derive(Debug, thiserror::Error)]
#[error("cannot convert a {width}x{height} frame to YUV: {reason}")]
pub struct YuvError {
    pub width: u32,
    pub height: u32,
    pub reason: String,
}

/// Convert straight-alpha RGBA to I420. Transparent pixels are composited over `background`
/// first, since 4:2:0 video has no alpha.
pub fn rgba_to_i420(
    rgba: &[u8],
    width: u32,
    height: u32,
    background: [u8; 3],
) -> Result<I420, YuvError> {
    let mut converter = YuvConverter::default();
    let mut data = Vec::new();
    converter.convert(rgba, width, height, background, &mut data)?;
    Ok(I420 {
        width,
        height,
        data,
    })
}

/// RGBA → I420 with reusable buffers: an encoder converts every frame of a video, and fresh
/// 8 MB allocations per 1080p frame cost as much as the conversion (page faults).
#[derive(Debug, Default)]
pub struct YuvConverter {
    flattened: Vec<u8>,
}

impl YuvConverter {
    /// Convert `rgba` into `out` (resized to the I420 size; its old contents are replaced).
    pub fn convert(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        background: [u8; 3],
        out: &mut Vec<u8>,
    ) -> Result<(), YuvError> {
        let error = |reason: String| YuvError {
            width,
            height,
            reason,
        };
        if rgba.len() != width as usize * height as usize * 4 {
            return Err(error(format!(
                "expected {} bytes of RGBA, got {}",
                width as usize * height as usize * 4,
                rgba.len()
            )));
        }
        let source = if is_opaque(rgba) {
            rgba
        } else {
            flatten_into(rgba, background, &mut self.flattened);
            &self.flattened
        };
        out.resize(I420::byte_len(width, height), 0);
        let luma = width as usize * height as usize;
        let (cw, ch) = I420::chroma_size(width, height);
        let (y, rest) = out.split_at_mut(luma);
        let (u, v) = rest.split_at_mut(cw * ch);
        let mut image = YuvPlanarImageMut {
            y_plane: BufferStoreMut::Borrowed(y),
            y_stride: width,
            u_plane: BufferStoreMut::Borrowed(u),
            u_stride: cw as u32,
            v_plane: BufferStoreMut::Borrowed(v),
            v_stride: cw as u32,
            width,
            height,
        };
        yuv::rgba_to_yuv420(
            &mut image,
            source,
            width * 4,
            YuvRange::Limited,
            YuvStandardMatrix::Bt709,
            YuvConversionMode::Balanced,
        )
        .map_err(|e| error(e.to_string()))
    }
}

/// Whether every pixel is opaque (two pixels at a time).
fn is_opaque(rgba: &[u8]) -> bool {
    let mut pairs = rgba.chunks_exact(8);
    pairs.by_ref().all(|pair| {
        u64::from_le_bytes(pair.try_into().expect("8 bytes")) & OPAQUE_PAIR == OPAQUE_PAIR
    }) && pairs.remainder().chunks_exact(4).all(|px| px[3] == 255)
}

/// The alpha bytes of two RGBA pixels read as a little-endian u64.
const OPAQUE_PAIR: u64 = 0xFF00_0000_FF00_0000;

/// Composite over `background`. Runs of eight opaque pixels (nearly all of them in most frames)
/// are copied, runs of eight transparent ones filled; the others get
/// `(c·a + bg·(255 − a)) / 255`, rounded.
fn flatten_into(rgba: &[u8], background: [u8; 3], out: &mut Vec<u8>) {
    out.resize(rgba.len(), 0);
    let composite = |src: &[u8], dst: &mut [u8]| {
        for (src, dst) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
            let a = src[3] as u32;
            for c in 0..3 {
                dst[c] = ((src[c] as u32 * a + background[c] as u32 * (255 - a) + 127) / 255) as u8;
            }
            dst[3] = 255;
        }
    };
    let [r, g, b] = background;
    let clear_block: [u8; 32] = std::array::from_fn(|i| [r, g, b, 255][i % 4]);
    let mut blocks = rgba.chunks_exact(32);
    let mut out_blocks = out.chunks_exact_mut(32);
    for (src, dst) in (&mut blocks).zip(&mut out_blocks) {
        let alpha = src
            .chunks_exact(8)
            .map(|pair| u64::from_le_bytes(pair.try_into().expect("8 bytes")) & OPAQUE_PAIR)
            .fold(OPAQUE_PAIR, |acc, a| acc & a);
        let any_alpha = src
            .chunks_exact(8)
            .any(|pair| u64::from_le_bytes(pair.try_into().expect("8 bytes")) & OPAQUE_PAIR != 0);
        if alpha == OPAQUE_PAIR {
            dst.copy_from_slice(src);
        } else if !any_alpha {
            dst.copy_from_slice(&clear_block);
        } else {
            composite(src, dst);
        }
    }
    composite(blocks.remainder(), out_blocks.into_remainder());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solid(rgba: [u8; 4], w: u32, h: u32) -> Vec<u8> {
        rgba.repeat((w * h) as usize)
    }

    fn yuv_of(rgba: [u8; 4]) -> (u8, u8, u8) {
        let frame = rgba_to_i420(&solid(rgba, 4, 4), 4, 4, [0, 0, 0]).unwrap();
        let (y, u, v) = frame.planes();
        (y[5], u[1], v[1])
    }

    #[test]
    fn bt709_limited_range_values() {
        let close = |a: (u8, u8, u8), b: (u8, u8, u8)| {
            (a.0 as i32 - b.0 as i32).abs() <= 1
                && (a.1 as i32 - b.1 as i32).abs() <= 1
                && (a.2 as i32 - b.2 as i32).abs() <= 1
        };
        assert!(
            close(yuv_of([255, 255, 255, 255]), (235, 128, 128)),
            "{:?}",
            yuv_of([255, 255, 255, 255])
        );
        assert!(close(yuv_of([0, 0, 0, 255]), (16, 128, 128)));
        // Y' = 0.2126, Cb = 128 − 224·0.2126/1.8556, Cr = 128 + 112
        assert!(
            close(yuv_of([255, 0, 0, 255]), (63, 102, 240)),
            "{:?}",
            yuv_of([255, 0, 0, 255])
        );
    }

    #[test]
    fn compositing_matches_the_formula_for_every_alpha() {
        let rgba: Vec<u8> = (0..=255u8)
            .flat_map(|a| [200, 100, a, a])
            .chain([7, 8, 9, 255]) // an odd pixel count leaves a remainder
            .collect();
        let mut out = Vec::new();
        flatten_into(&rgba, [10, 20, 30], &mut out);
        for (src, dst) in rgba.chunks_exact(4).zip(out.chunks_exact(4)) {
            let a = src[3] as u32;
            let expected: Vec<u8> = (0..3)
                .map(|c| ((src[c] as u32 * a + [10, 20, 30][c] * (255 - a) + 127) / 255) as u8)
                .chain([255])
                .collect();
            assert_eq!(dst, expected.as_slice(), "{src:?}");
        }
    }

    #[test]
    fn transparency_is_composited_and_odd_sizes_work() {
        assert_eq!(yuv_of([255, 255, 255, 0]), yuv_of([0, 0, 0, 255]));
        let frame = rgba_to_i420(&solid([10, 20, 30, 255], 5, 3), 5, 3, [0, 0, 0]).unwrap();
        assert_eq!(frame.data.len(), 15 + 2 * 3 * 2);
        assert!(rgba_to_i420(&[0; 10], 5, 3, [0, 0, 0]).is_err());
    }
}
