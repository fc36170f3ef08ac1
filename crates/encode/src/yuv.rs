//! RGBA frames to planar YUV 4:2:0 (I420), the input every H.264 encoder takes.
//!
//! Kinema writes **BT.709, limited ("TV") range** — what players assume for HD video — and tags
//! the stream so (`-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv`).
//! VP8 is the exception: its bitstream knows only BT.601, which every decoder applies whatever
//! the container says, so VP8 gets the BT.601 matrix ([`ColorMatrix`]), as does a render asked
//! for `colorSpace: bt601`. The conversion is the
//! `yuv` crate's SIMD path (~0.9 ms per 1080p frame).

use crate::encoder::{Alpha, FrameChanges, RgbaFrame};
use yuv::{BufferStoreMut, YuvConversionMode, YuvPlanarImageMut, YuvRange, YuvStandardMatrix};

/// The matrix between RGB and YUV (limited range either way).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColorMatrix {
    /// ITU-R BT.709: HD video, and what Kinema writes.
    #[default]
    Bt709,
    /// ITU-R BT.601 (625-line; the same coefficients as 525-line): the only matrix VP8's
    /// bitstream knows.
    Bt601,
}

impl ColorMatrix {
    /// ffmpeg's name for it (`-colorspace`).
    pub fn ffmpeg_name(self) -> &'static str {
        match self {
            ColorMatrix::Bt709 => "bt709",
            ColorMatrix::Bt601 => "bt470bg",
        }
    }

    /// The name ffmpeg's `scale` filter takes (`out_color_matrix`), which has no `bt470bg`.
    pub fn swscale_name(self) -> &'static str {
        match self {
            ColorMatrix::Bt709 => "bt709",
            ColorMatrix::Bt601 => "bt601",
        }
    }

    /// The name ffmpeg's `prores_metadata` filter takes (which lacks `bt470bg`; SMPTE 170M has
    /// the same coefficients).
    pub fn prores_name(self) -> &'static str {
        match self {
            ColorMatrix::Bt709 => "bt709",
            ColorMatrix::Bt601 => "smpte170m",
        }
    }

    fn standard(self) -> YuvStandardMatrix {
        match self {
            ColorMatrix::Bt709 => YuvStandardMatrix::Bt709,
            ColorMatrix::Bt601 => YuvStandardMatrix::Bt601,
        }
    }
}

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

/// How a frame handed on differs from the frame handed on before it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Changes<'a> {
    /// Anywhere (or unknown).
    All,
    /// Only inside these rectangles `[x0, y0, x1, y1]` (even coordinates) of an I420 frame of
    /// `width`×`height`.
    I420 {
        width: u32,
        height: u32,
        rects: &'a [[u32; 4]],
    },
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
    matrix: ColorMatrix,
}

impl YuvConverter {
    /// A converter to `matrix` (the default is BT.709).
    pub fn with_matrix(matrix: ColorMatrix) -> YuvConverter {
        YuvConverter {
            flattened: Vec::new(),
            matrix,
        }
    }

    /// Convert `rgba` into `out` (resized to the I420 size; its old contents are replaced).
    pub fn convert(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        background: [u8; 3],
        out: &mut Vec<u8>,
    ) -> Result<(), YuvError> {
        let background = Background::new(background, Alpha::Straight);
        self.convert_composited(rgba, width, height, background, out)
    }

    /// [`convert`](Self::convert) for either kind of alpha.
    fn convert_composited(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        background: Background,
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
        let source = if background.is_noop() || is_opaque(rgba) {
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
            self.matrix.standard(),
            YuvConversionMode::Balanced,
        )
        .map_err(|e| error(e.to_string()))
    }

    /// Convert the rectangle `[x0, y0, x1, y1]` of `rgba` (even coordinates, inside the frame)
    /// into the I420 frame `out` already holds, leaving the rest of `out` as it is.
    ///
    /// Runs of opaque row pairs are converted in place; pairs with any translucent pixel
    /// (rasterisers leave alpha 254 here and there) are composited over `background` first.
    fn convert_region(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        [x0, y0, x1, y1]: [u32; 4],
        background: Background,
        out: &mut [u8],
    ) -> Result<(), YuvError> {
        if out.len() != I420::byte_len(width, height) {
            return Err(YuvError {
                width,
                height,
                reason: "the previous frame's planes are missing".into(),
            });
        }
        let stride = width as usize * 4;
        let row = |y: u32| &rgba[y as usize * stride + x0 as usize * 4..][..(x1 - x0) as usize * 4];
        let pair_is_opaque =
            |y: u32| background.is_noop() || (is_opaque(row(y)) && is_opaque(row(y + 1)));
        let mut run_start = y0;
        while run_start < y1 {
            let opaque = pair_is_opaque(run_start);
            let mut run_end = run_start + 2;
            while run_end < y1 && pair_is_opaque(run_end) == opaque {
                run_end += 2;
            }
            let band = [x0, run_start, x1, run_end];
            if opaque {
                let start = run_start as usize * stride + x0 as usize * 4;
                convert_band(
                    &rgba[start..],
                    stride,
                    (width, height),
                    band,
                    self.matrix,
                    out,
                )?;
            } else {
                self.flattened.clear();
                for y in run_start..run_end {
                    let at = self.flattened.len();
                    self.flattened.resize(at + row(y).len(), 0);
                    flatten_rows(row(y), background, &mut self.flattened[at..]);
                }
                let tight = (x1 - x0) as usize * 4;
                let matrix = self.matrix;
                convert_band(&self.flattened, tight, (width, height), band, matrix, out)?;
            }
            run_start = run_end;
        }
        Ok(())
    }
}

/// Convert `source` (the band `[x0, y0, x1, y1]` of a frame, rows `source_stride` bytes apart)
/// into its place in the I420 frame `out`.
fn convert_band(
    source: &[u8],
    source_stride: usize,
    (width, height): (u32, u32),
    [x0, y0, x1, y1]: [u32; 4],
    matrix: ColorMatrix,
    out: &mut [u8],
) -> Result<(), YuvError> {
    let error = |reason: String| YuvError {
        width,
        height,
        reason,
    };
    let (w, h) = (x1 - x0, y1 - y0);
    let luma = width as usize * height as usize;
    let (cw, ch) = I420::chroma_size(width, height);
    let (y, rest) = out.split_at_mut(luma);
    let (u, v) = rest.split_at_mut(cw * ch);
    let luma_at = |row: u32| row as usize * width as usize + x0 as usize;
    let chroma_at = |row: u32| (row / 2) as usize * cw + (x0 / 2) as usize;
    // The converter walks whole strides, so a band that does not start at the left edge
    // cannot reach the bottom edge in place: its last row pair goes through a copy.
    let direct = if y1 == height && x0 > 0 { h - 2 } else { h };
    if direct > 0 {
        // The converter goes on for as many row pairs as its slices hold, whatever the
        // height, so each slice ends with the band.
        let (rows, pairs) = (direct as usize, direct as usize / 2);
        let mut image = YuvPlanarImageMut {
            y_plane: BufferStoreMut::Borrowed(&mut y[luma_at(y0)..][..width as usize * rows]),
            y_stride: width,
            u_plane: BufferStoreMut::Borrowed(&mut u[chroma_at(y0)..][..cw * pairs]),
            u_stride: cw as u32,
            v_plane: BufferStoreMut::Borrowed(&mut v[chroma_at(y0)..][..cw * pairs]),
            v_stride: cw as u32,
            width: w,
            height: direct,
        };
        to_yuv420(
            &mut image,
            &source[..source_stride * rows],
            source_stride,
            matrix,
        )
        .map_err(error)?;
    }
    if direct < h {
        let (wu, cwu) = (w as usize, w as usize / 2);
        let last = &source[direct as usize * source_stride..];
        let mut pair = Vec::with_capacity(wu * 8);
        pair.extend_from_slice(&last[..wu * 4]);
        pair.extend_from_slice(&last[source_stride..][..wu * 4]);
        let mut planes = vec![0u8; wu * 2 + cwu * 2];
        let (py, pc) = planes.split_at_mut(wu * 2);
        let (pu, pv) = pc.split_at_mut(cwu);
        let mut image = YuvPlanarImageMut {
            y_plane: BufferStoreMut::Borrowed(py),
            y_stride: w,
            u_plane: BufferStoreMut::Borrowed(pu),
            u_stride: cwu as u32,
            v_plane: BufferStoreMut::Borrowed(pv),
            v_stride: cwu as u32,
            width: w,
            height: 2,
        };
        to_yuv420(&mut image, &pair, wu * 4, matrix).map_err(error)?;
        let row = y0 + direct;
        y[luma_at(row)..][..wu].copy_from_slice(&py[..wu]);
        y[luma_at(row + 1)..][..wu].copy_from_slice(&py[wu..]);
        u[chroma_at(row)..][..cwu].copy_from_slice(pu);
        v[chroma_at(row)..][..cwu].copy_from_slice(pv);
    }
    Ok(())
}

/// Limited range in `matrix` (BT.709 but for VP8).
fn to_yuv420(
    image: &mut YuvPlanarImageMut<'_, u8>,
    rgba: &[u8],
    rgba_stride: usize,
    matrix: ColorMatrix,
) -> Result<(), String> {
    yuv::rgba_to_yuv420(
        image,
        rgba,
        rgba_stride as u32,
        YuvRange::Limited,
        matrix.standard(),
        YuvConversionMode::Balanced,
    )
    .map_err(|e| e.to_string())
}

/// Whether `frame` has an even size and all its pixels: what converting rectangles of it needs
/// (whole row pairs and column pairs).
pub(crate) fn even_and_whole(frame: &RgbaFrame<'_>) -> bool {
    frame.width.is_multiple_of(2)
        && frame.height.is_multiple_of(2)
        && frame.pixels.len() == frame.width as usize * frame.height as usize * 4
}

/// The frame a conversion of `frame` leaves in its buffer, as (id, width, height), when the
/// frame has an id.
pub(crate) fn frame_id(frame: &RgbaFrame<'_>) -> Option<(u64, u32, u32)> {
    match frame.changes {
        FrameChanges::Tracked { id, .. } => Some((id, frame.width, frame.height)),
        FrameChanges::Unknown => None,
    }
}

/// The rectangles (widened to even coordinates) in which `frame` differs from the frame a
/// buffer `holds`, when the frame says so and converts piecewise; `None`: convert it whole.
pub(crate) fn regions_since(
    frame: &RgbaFrame<'_>,
    holds: Option<(u64, u32, u32)>,
) -> Option<Vec<[u32; 4]>> {
    let FrameChanges::Tracked {
        previous: Some(previous),
        regions,
        ..
    } = frame.changes
    else {
        return None;
    };
    let (width, height) = (frame.width, frame.height);
    let usable = holds == Some((previous, width, height))
        && even_and_whole(frame)
        && regions
            .iter()
            .all(|r| r[0] < r[2] && r[1] < r[3] && r[2] <= width && r[3] <= height);
    usable.then(|| {
        regions
            .iter()
            .map(|r| [r[0] & !1, r[1] & !1, r[2] + (r[2] & 1), r[3] + (r[3] & 1)])
            .collect()
    })
}

/// Converts the frames of one video in order, keeping the last conversion so that a frame
/// which says what changed since the frame before it ([`FrameChanges::Tracked`]) costs only
/// the changed rectangles: the whole-frame conversion of a 1080p frame (about 2 ms with its
/// transparency check) is a large share of a frame's cost when painting is incremental.
///
/// The result is byte-for-byte the whole-frame conversion: rectangles are widened to even
/// pixel coordinates, so each 2×2 chroma block is converted whole, and the converter's SIMD
/// rows give the same bytes for a run of pixels wherever the run starts (a test holds it to
/// that).
#[derive(Debug, Default)]
pub struct FrameConverter {
    converter: YuvConverter,
    data: Vec<u8>,
    /// The frame `data` holds, as (id, width, height), when it came with an id.
    holds: Option<(u64, u32, u32)>,
    /// The rectangles (even coordinates) the last conversion rewrote, when it rewrote only
    /// those; `None` when it rewrote the whole frame.
    changed: Option<Vec<[u32; 4]>>,
    /// Pixels converted and pixels in the frames seen, for reports and tests.
    converted_pixels: u64,
    frame_pixels: u64,
}

impl FrameConverter {
    /// A converter to `matrix` (the default is BT.709).
    pub fn with_matrix(matrix: ColorMatrix) -> FrameConverter {
        FrameConverter {
            converter: YuvConverter::with_matrix(matrix),
            ..FrameConverter::default()
        }
    }

    /// Convert `frame` (transparent pixels composited over `background`) and lend its I420
    /// bytes.
    pub fn convert(
        &mut self,
        frame: RgbaFrame<'_>,
        background: [u8; 3],
    ) -> Result<&[u8], YuvError> {
        let incremental = regions_since(&frame, self.holds);
        // Forget what `data` holds until this conversion succeeds.
        self.holds = None;
        let mut changed = self.changed.take().unwrap_or_default();
        changed.clear();
        let (width, height) = (frame.width, frame.height);
        match &incremental {
            Some(regions) => {
                changed.extend_from_slice(regions);
                let mut data = std::mem::take(&mut self.data);
                let converted = self.convert_regions(&frame, background, regions, &mut data);
                self.data = data;
                converted?;
            }
            None if even_and_whole(&frame) => {
                // Whole, but only the row pairs with translucent pixels pay for compositing.
                let mut data = std::mem::take(&mut self.data);
                data.resize(I420::byte_len(width, height), 0);
                let converted =
                    self.convert_regions(&frame, background, &[[0, 0, width, height]], &mut data);
                self.data = data;
                converted?;
            }
            None => {
                let background = Background::new(background, frame.alpha);
                self.converter.convert_composited(
                    frame.pixels,
                    width,
                    height,
                    background,
                    &mut self.data,
                )?;
                self.frame_pixels += width as u64 * height as u64;
                self.converted_pixels += width as u64 * height as u64;
            }
        }
        self.holds = frame_id(&frame);
        self.changed = incremental.is_some().then_some(changed);
        Ok(&self.data)
    }

    /// Convert `frame` into `out`, an I420 buffer of its size: only `regions` (from
    /// [`regions_since`] for the frame `out` holds) when given, else all of it. For frames of
    /// even size ([`even_and_whole`]), which convert piecewise.
    pub(crate) fn convert_into(
        &mut self,
        frame: &RgbaFrame<'_>,
        background: [u8; 3],
        regions: Option<&[[u32; 4]]>,
        out: &mut [u8],
    ) -> Result<(), YuvError> {
        // `data` is not what `out` holds: its next conversion is whole.
        self.holds = None;
        let whole = [[0, 0, frame.width, frame.height]];
        self.convert_regions(frame, background, regions.unwrap_or(&whole), out)
    }

    /// Convert the rectangles `regions` (even coordinates) of `frame` into `out`.
    fn convert_regions(
        &mut self,
        frame: &RgbaFrame<'_>,
        background: [u8; 3],
        regions: &[[u32; 4]],
        out: &mut [u8],
    ) -> Result<(), YuvError> {
        let background = Background::new(background, frame.alpha);
        self.frame_pixels += frame.width as u64 * frame.height as u64;
        for &region in regions {
            self.converter.convert_region(
                frame.pixels,
                frame.width,
                frame.height,
                region,
                background,
                out,
            )?;
            self.converted_pixels +=
                (region[2] - region[0]) as u64 * (region[3] - region[1]) as u64;
        }
        Ok(())
    }

    /// What the last [`convert`](Self::convert) rewrote: `Some(rectangles)` (even pixel
    /// coordinates; none when nothing changed) when the frame it lent differs from the one
    /// lent before it only there, `None` when all of it may differ.
    pub fn last_changes(&self) -> Option<&[[u32; 4]]> {
        self.changed.as_deref()
    }

    /// The frame the last successful [`convert`](Self::convert) lent.
    pub(crate) fn last_frame(&self) -> &[u8] {
        &self.data
    }

    /// The share of pixels converted, of all the frames' pixels (1.0 when nothing was skipped).
    pub fn converted_share(&self) -> f64 {
        if self.frame_pixels == 0 {
            1.0
        } else {
            self.converted_pixels as f64 / self.frame_pixels as f64
        }
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

/// What transparent pixels are composited over, and how the frame stores alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Background {
    color: [u8; 3],
    alpha: Alpha,
}

impl Background {
    fn new(color: [u8; 3], alpha: Alpha) -> Background {
        Background { color, alpha }
    }

    /// Premultiplied pixels over black are their own RGB: nothing to composite.
    fn is_noop(&self) -> bool {
        self.alpha == Alpha::Premultiplied && self.color == [0, 0, 0]
    }

    /// Channel `channel` (value `c`) of a pixel with alpha `a`, composited.
    fn composite(&self, c: u8, a: u32, channel: usize) -> u8 {
        let under = self.color[channel] as u32 * (255 - a);
        match self.alpha {
            Alpha::Straight => ((c as u32 * a + under + 127) / 255) as u8,
            Alpha::Premultiplied => (c as u32 + (under + 127) / 255).min(255) as u8,
        }
    }
}

/// Composite over `background`. Runs of eight opaque pixels (nearly all of them in most frames)
/// are copied, runs of eight transparent ones filled; the others get `(c·a + bg·(255 − a)) /
/// 255` (straight alpha) or `c + bg·(255 − a) / 255` (premultiplied), rounded.
fn flatten_into(rgba: &[u8], background: Background, out: &mut Vec<u8>) {
    out.resize(rgba.len(), 0);
    flatten_rows(rgba, background, out);
}

/// [`flatten_into`] into a slice of the same length.
fn flatten_rows(rgba: &[u8], background: Background, out: &mut [u8]) {
    let composite = |src: &[u8], dst: &mut [u8]| {
        for (src, dst) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
            let a = src[3] as u32;
            for c in 0..3 {
                dst[c] = background.composite(src[c], a, c);
            }
            dst[3] = 255;
        }
    };
    let [r, g, b] = background.color;
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
        flatten_into(
            &rgba,
            Background::new([10, 20, 30], Alpha::Straight),
            &mut out,
        );
        for (src, dst) in rgba.chunks_exact(4).zip(out.chunks_exact(4)) {
            let a = src[3] as u32;
            let expected: Vec<u8> = (0..3)
                .map(|c| ((src[c] as u32 * a + [10, 20, 30][c] * (255 - a) + 127) / 255) as u8)
                .chain([255])
                .collect();
            assert_eq!(dst, expected.as_slice(), "{src:?}");
        }
    }

    /// `straight` premultiplied, rounded as a rasteriser does.
    fn premultiply(straight: &[u8]) -> Vec<u8> {
        straight
            .chunks_exact(4)
            .flat_map(|px| {
                let a = px[3] as u32;
                let c = |i: usize| ((px[i] as u32 * a + 127) / 255) as u8;
                [c(0), c(1), c(2), px[3]]
            })
            .collect()
    }

    #[test]
    fn premultiplied_frames_convert_like_straight_ones() {
        let (w, h) = (64, 48);
        let straight = noise(w, h, 7);
        let premultiplied = premultiply(&straight);
        let convert = |pixels: &[u8], alpha, background| {
            let mut converter = FrameConverter::default();
            let frame = RgbaFrame {
                alpha,
                ..frame(w, h, pixels, FrameChanges::Unknown)
            };
            converter.convert(frame, background).unwrap().to_vec()
        };
        for background in [[0, 0, 0], [200, 40, 90]] {
            let a = convert(&straight, Alpha::Straight, background);
            let b = convert(&premultiplied, Alpha::Premultiplied, background);
            // Premultiplying rounds once: at most one step apart, and only where translucent.
            let worst = a.iter().zip(&b).map(|(x, y)| x.abs_diff(*y)).max();
            assert!(worst <= Some(1), "{background:?}: {worst:?}");
            assert_ne!(a, convert(&straight, Alpha::Premultiplied, background));
        }
    }

    /// Pseudo-random pixels; in every seventh row some are translucent, the rest opaque.
    fn frame<'a>(
        width: u32,
        height: u32,
        pixels: &'a [u8],
        changes: FrameChanges<'a>,
    ) -> RgbaFrame<'a> {
        RgbaFrame {
            width,
            height,
            pixels,
            alpha: Alpha::Straight,
            changes,
        }
    }

    fn noise(width: u32, height: u32, seed: u64) -> Vec<u8> {
        let mut state = seed;
        (0..width * height * 4)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let byte = (state >> 33) as u8;
                let translucent_row = (i / 4 / width) % 7 == 3;
                if i % 4 == 3 && !(translucent_row && byte < 60) {
                    255
                } else {
                    byte
                }
            })
            .collect()
    }

    fn whole(rgba: &[u8], width: u32, height: u32) -> Vec<u8> {
        rgba_to_i420(rgba, width, height, [0, 0, 0]).unwrap().data
    }

    /// Copy `regions` of `from` into `into` (both RGBA frames of `width`).
    fn paste(from: &[u8], into: &mut [u8], width: u32, regions: &[[u32; 4]]) {
        for r in regions {
            for y in r[1]..r[3] {
                let row = (y * width) as usize * 4;
                let span = row + r[0] as usize * 4..row + r[2] as usize * 4;
                into[span.clone()].copy_from_slice(&from[span]);
            }
        }
    }

    #[test]
    fn converting_changed_regions_gives_the_whole_frame_conversion() {
        // Sizes with and without a whole number of SIMD blocks per row; regions on the tile
        // grid, odd ones, ones at the edges, and translucent pixels inside them.
        for (width, height) in [(1920, 1080), (1080, 1920), (854, 480), (100, 38), (34, 2)] {
            let first = noise(width, height, 1);
            let second_source = noise(width, height, 2);
            let regions: Vec<[u32; 4]> = [
                [0, 0, 32, 32],
                [32, 64, 96, 96],
                [width - 2, height - 2, width, height],
                [5, 1, 27, 2],
                [width / 2 + 1, height / 2 - 1, width - 3, height / 2 + 1],
            ]
            .into_iter()
            .filter(|r| r[0] < r[2] && r[1] < r[3] && r[2] <= width && r[3] <= height)
            .collect();
            let mut second = first.clone();
            paste(&second_source, &mut second, width, &regions);
            let mut converter = FrameConverter::default();
            let frame = |pixels, changes| frame(width, height, pixels, changes);
            let converted = converter
                .convert(frame(&first, FrameChanges::tracked(10, None)), [0, 0, 0])
                .unwrap()
                .to_vec();
            assert_eq!(converted, whole(&first, width, height));
            assert_eq!(
                converter.last_changes(),
                None,
                "the first frame is new everywhere"
            );
            let changes = FrameChanges::tracked(11, Some((10, &regions)));
            converter
                .convert(frame(&second, changes), [0, 0, 0])
                .unwrap();
            // What the converter says it rewrote covers what changed, on even coordinates.
            let rewritten = converter
                .last_changes()
                .expect("only regions were rewritten");
            assert_eq!(rewritten.len(), regions.len());
            for (even, r) in rewritten.iter().zip(&regions) {
                assert!(even.iter().all(|v| v % 2 == 0), "{even:?}");
                assert!(even[0] <= r[0] && even[1] <= r[1] && even[2] >= r[2] && even[3] >= r[3]);
            }
            let converted = converter.last_frame();
            let expected = whole(&second, width, height);
            let differing = converted
                .iter()
                .zip(&expected)
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(
                differing, 0,
                "{width}x{height}: incremental conversion differs"
            );
            if width * height > 10_000 {
                assert!(
                    converter.converted_share() < 0.6,
                    "{}",
                    converter.converted_share()
                );
            }
            // unchanged
            let changes = FrameChanges::tracked(12, Some((11, &[])));
            let converted = converter
                .convert(frame(&second, changes), [0, 0, 0])
                .unwrap();
            assert!(converted == whole(&second, width, height).as_slice());
            assert_eq!(converter.last_changes(), Some(&[][..]));
        }
    }

    #[test]
    fn changes_relative_to_another_frame_are_not_trusted() {
        let (width, height) = (64, 64);
        let (a, b) = (noise(width, height, 3), noise(width, height, 4));
        let mut converter = FrameConverter::default();
        let frame = |pixels, changes| frame(width, height, pixels, changes);
        converter
            .convert(frame(&a, FrameChanges::tracked(1, None)), [0, 0, 0])
            .unwrap();
        // claims "nothing changed since frame 7", which this converter never saw
        let converted = converter
            .convert(
                frame(&b, FrameChanges::tracked(2, Some((7, &[])))),
                [0, 0, 0],
            )
            .unwrap();
        assert!(converted == whole(&b, width, height).as_slice());
        assert_eq!(converter.last_changes(), None, "rewritten whole");
        // unknown changes: whole
        let converted = converter
            .convert(frame(&a, FrameChanges::Unknown), [0, 0, 0])
            .unwrap();
        assert!(converted == whole(&a, width, height).as_slice());
        assert_eq!(converter.last_changes(), None, "rewritten whole");
        // a rectangle outside the frame: whole
        let converted = converter
            .convert(
                frame(&b, FrameChanges::tracked(3, Some((2, &[[0, 0, 65, 2]])))),
                [0, 0, 0],
            )
            .unwrap();
        assert!(converted == whole(&b, width, height).as_slice());
    }

    #[test]
    fn transparency_is_composited_and_odd_sizes_work() {
        assert_eq!(yuv_of([255, 255, 255, 0]), yuv_of([0, 0, 0, 255]));
        let frame = rgba_to_i420(&solid([10, 20, 30, 255], 5, 3), 5, 3, [0, 0, 0]).unwrap();
        assert_eq!(frame.data.len(), 15 + 2 * 3 * 2);
        assert!(rgba_to_i420(&[0; 10], 5, 3, [0, 0, 0]).is_err());
    }
}
