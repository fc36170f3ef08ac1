//! Rasterising recorded drawing commands with vello_cpu.
//!
//! Kinema drives vello_cpu itself, through [`Painter`] (an `anyrender` scene), rather than
//! through a generic adapter, for three reasons:
//! - **Clips are not layers.** A clip layer makes the rasteriser fill a layer buffer and
//!   composite it for every pixel under it; CSS clips (`overflow`, rounded corners, the outside
//!   of a box-shadow) do not isolate what they clip, so they become vello_cpu clip paths, which
//!   only narrow each later drawing's coverage.
//! - **Images Kinema rasterised itself** (cached box-shadows and text-shadows) are drawn from
//!   the pixmaps they were rasterised into; other images are converted once and kept while
//!   their data lives.
//! - **One scene for every size**: a repainted rectangle reuses the scene's buffers, resized.

use std::collections::HashMap;
use std::sync::Arc;

use anyrender::{Filter, Glyph, NormalizedCoord, Paint, PaintRef, PaintScene};
use kurbo::{Affine, Rect, Shape, Stroke};
use peniko::{BlendMode, Color, Fill, FontData, ImageAlphaType, ImageData, ImageFormat, StyleRef};
use vello_cpu::{ImageSource, PaintType, PixelMetadata, Pixmap};

/// Curves are flattened to within this distance (device pixels) by vello_cpu; shapes are
/// turned into paths at the same tolerance.
const TOLERANCE: f64 = 0.1;

/// Converted images unused for this many frames are dropped even if their data lives on.
const MAX_IMAGE_IDLE_FRAMES: u64 = 64;

/// Images drawn from a pixmap Kinema already holds, by blob id (see [`pixmap_image`]).
pub(crate) type Prepared<'a> = &'a dyn Fn(u64) -> Option<Arc<Pixmap>>;

/// An image whose pixels are `pixmap`'s own (premultiplied RGBA8), for recording: the
/// rasteriser, asked for this blob's id, is given the pixmap itself and converts nothing.
pub(crate) fn pixmap_image(pixmap: &Arc<Pixmap>) -> ImageData {
    ImageData {
        data: peniko::Blob::new(Arc::new(PixmapBytes(pixmap.clone()))),
        format: ImageFormat::Rgba8,
        alpha_type: ImageAlphaType::AlphaPremultiplied,
        width: pixmap.width() as u32,
        height: pixmap.height() as u32,
    }
}

struct PixmapBytes(Arc<Pixmap>);

impl AsRef<[u8]> for PixmapBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.data_as_u8_slice()
    }
}

/// Images converted for vello_cpu, by the id of their data.
#[derive(Default)]
struct ImageCache {
    entries: HashMap<u64, CachedImage>,
    frame: u64,
}

struct CachedImage {
    pixmap: Arc<Pixmap>,
    source: peniko::WeakBlob<u8>,
    last_used: u64,
}

impl ImageCache {
    fn get(&mut self, image: &ImageData) -> Arc<Pixmap> {
        let frame = self.frame;
        let entry = self
            .entries
            .entry(image.data.id())
            .or_insert_with(|| CachedImage {
                pixmap: Arc::new(convert(image)),
                source: image.data.downgrade(),
                last_used: frame,
            });
        entry.last_used = frame;
        entry.pixmap.clone()
    }

    fn end_frame(&mut self) {
        self.frame += 1;
        let frame = self.frame;
        self.entries.retain(|_, e| {
            e.source.upgrade().is_some() && frame - e.last_used <= MAX_IMAGE_IDLE_FRAMES
        });
    }
}

/// A premultiplied RGBA8 pixmap of `image` (whose sizes fit in u16: images are decoded and
/// shadows rasterised within those limits).
fn convert(image: &ImageData) -> Pixmap {
    let (width, height) = (image.width as u16, image.height as u16);
    let len = width as usize * height as usize * 4;
    let mut bytes = image.data.data().get(..len).map_or_else(
        // Too little data for its size: transparent rather than a panic.
        || vec![0; len],
        <[u8]>::to_vec,
    );
    if image.format == ImageFormat::Bgra8 {
        for pixel in bytes.chunks_exact_mut(4) {
            pixel.swap(0, 2);
        }
    }
    let premultiplied = image.alpha_type == ImageAlphaType::AlphaPremultiplied;
    let may_have_transparency = !premultiplied || bytes.chunks_exact(4).any(|p| p[3] != 255);
    Pixmap::from_parts(
        bytes,
        width,
        height,
        PixelMetadata::new(image.alpha_type, may_have_transparency),
    )
}

/// vello_cpu's scene and resources, reused from frame to frame.
pub(crate) struct Rasterizer {
    ctx: vello_cpu::RenderContext,
    resources: vello_cpu::Resources,
    images: ImageCache,
    /// Per open `push_*` of the scene being drawn: whether it was a clip path (else a layer).
    open: Vec<bool>,
}

impl Default for Rasterizer {
    fn default() -> Self {
        Rasterizer {
            ctx: vello_cpu::RenderContext::new(1, 1),
            resources: vello_cpu::Resources::new(),
            images: ImageCache::default(),
            open: Vec::new(),
        }
    }
}

impl Rasterizer {
    /// Rasterise what `draw` paints into `target`, a `width`×`height` premultiplied RGBA8
    /// image, which is cleared first.
    pub(crate) fn render(
        &mut self,
        width: u16,
        height: u16,
        target: &mut [u8],
        prepared: Prepared<'_>,
        draw: impl FnOnce(&mut Painter<'_>),
    ) {
        self.record(width, height, prepared, draw);
        let pixmap = vello_cpu::PixmapMut::new(width, height, target)
            .expect("the target holds width × height pixels");
        self.ctx.render(pixmap, &mut self.resources);
    }

    /// Rasterise what `draw` paints over the pixels of one rectangle of `target` (a
    /// `target_size` premultiplied RGBA8 image): the scene is the rectangle's `size`, its
    /// origin at the rectangle's corner `at`, and it is composited source-over onto what the
    /// rectangle holds. Pixels outside the rectangle are not touched. Drawing straight into a
    /// kept frame this way saves rasterising into a buffer of the rectangle's size and copying
    /// that in, and lets the rectangle start from pixels kept from before (a backdrop).
    pub(crate) fn render_over(
        &mut self,
        target: &mut [u8],
        target_size: (u16, u16),
        at: (u16, u16),
        size: (u16, u16),
        prepared: Prepared<'_>,
        draw: impl FnOnce(&mut Painter<'_>),
    ) {
        self.record(size.0, size.1, prepared, draw);
        let pixmap = vello_cpu::PixmapMut::new(target_size.0, target_size.1, target)
            .expect("the target holds width × height pixels");
        let settings = vello_cpu::RasterizerSettings {
            target_init: vello_cpu::TargetInit::SrcOver,
            offset: at,
            ..Default::default()
        };
        self.ctx.render_with(pixmap, &mut self.resources, settings);
    }

    /// Reset the scene to `width`×`height` and fill it with what `draw` paints.
    fn record(
        &mut self,
        width: u16,
        height: u16,
        prepared: Prepared<'_>,
        draw: impl FnOnce(&mut Painter<'_>),
    ) {
        self.ctx.reset_and_resize(width, height);
        self.open.clear();
        let mut painter = Painter {
            ctx: &mut self.ctx,
            resources: &mut self.resources,
            images: &mut self.images,
            prepared,
            open: &mut self.open,
        };
        draw(&mut painter);
        // A recording always closes what it opens; close anything left so vello_cpu, which
        // refuses to rasterise with layers open, still draws the frame.
        while let Some(clip) = self.open.pop() {
            if clip {
                self.ctx.pop_clip();
            } else {
                self.ctx.pop_layer();
            }
        }
        self.ctx.flush();
    }

    /// Call once per frame, after its last `render`.
    pub(crate) fn end_frame(&mut self) {
        self.images.end_frame();
    }
}

/// Draws `anyrender` commands into vello_cpu's scene.
pub(crate) struct Painter<'a> {
    ctx: &'a mut vello_cpu::RenderContext,
    resources: &'a mut vello_cpu::Resources,
    images: &'a mut ImageCache,
    prepared: Prepared<'a>,
    open: &'a mut Vec<bool>,
}

impl Painter<'_> {
    fn paint(&mut self, paint: PaintRef<'_>) -> PaintType {
        match paint {
            Paint::Solid(color) => PaintType::Solid(color),
            Paint::Gradient(gradient) => PaintType::Gradient(gradient.clone()),
            Paint::Image(brush) => {
                let image = brush.image;
                let pixmap =
                    (self.prepared)(image.data.id()).unwrap_or_else(|| self.images.get(image));
                PaintType::Image(vello_cpu::Image {
                    image: ImageSource::Pixmap(pixmap),
                    sampler: brush.sampler,
                })
            }
            // Blitz paints neither; draw nothing rather than guess.
            Paint::Resource(_) | Paint::Custom(_) => PaintType::Solid(Color::TRANSPARENT),
        }
    }
}

impl anyrender::RenderContext for Painter<'_> {}

impl PaintScene for Painter<'_> {
    fn reset(&mut self) {
        self.ctx.reset();
        self.open.clear();
    }

    fn push_layer(
        &mut self,
        fill: Fill,
        blend: impl Into<BlendMode>,
        alpha: f32,
        transform: Affine,
        clip: &impl Shape,
        filter: Option<Arc<Filter>>,
        _backdrop_filter: Option<Arc<Filter>>,
    ) {
        self.ctx.set_transform(transform);
        self.ctx.set_fill_rule(fill);
        self.ctx.push_layer(
            Some(&clip.into_path(TOLERANCE)),
            Some(blend.into()),
            Some(alpha),
            None,
            filter.as_deref().and_then(filter_of),
        );
        self.open.push(false);
    }

    fn push_clip_layer(&mut self, fill: Fill, transform: Affine, clip: &impl Shape) {
        self.ctx.set_transform(transform);
        self.ctx.set_fill_rule(fill);
        self.ctx.push_clip_path(&clip.into_path(TOLERANCE));
        self.open.push(true);
    }

    fn pop_layer(&mut self) {
        match self.open.pop() {
            Some(true) => self.ctx.pop_clip(),
            Some(false) => self.ctx.pop_layer(),
            None => {}
        }
    }

    fn stroke<'b>(
        &mut self,
        style: &Stroke,
        transform: Affine,
        paint: impl Into<PaintRef<'b>>,
        brush_transform: Option<Affine>,
        shape: &impl Shape,
    ) {
        let paint = self.paint(paint.into());
        self.ctx.set_transform(transform);
        self.ctx.set_stroke(style.clone());
        self.ctx.set_paint(paint);
        self.ctx
            .set_paint_transform(brush_transform.unwrap_or(Affine::IDENTITY));
        self.ctx.stroke_path(&shape.into_path(TOLERANCE));
    }

    fn fill<'b>(
        &mut self,
        style: Fill,
        transform: Affine,
        paint: impl Into<PaintRef<'b>>,
        brush_transform: Option<Affine>,
        shape: &impl Shape,
    ) {
        let paint = self.paint(paint.into());
        self.ctx.set_transform(transform);
        self.ctx.set_fill_rule(style);
        self.ctx.set_paint(paint);
        self.ctx
            .set_paint_transform(brush_transform.unwrap_or(Affine::IDENTITY));
        self.ctx.fill_path(&shape.into_path(TOLERANCE));
    }

    fn draw_glyphs<'b, 's: 'b>(
        &'s mut self,
        font: &'b FontData,
        font_size: f32,
        hint: bool,
        normalized_coords: &'b [NormalizedCoord],
        embolden: kurbo::Vec2,
        style: impl Into<StyleRef<'b>>,
        paint: impl Into<PaintRef<'b>>,
        // Blitz always passes 1 (a colour's alpha travels in the colour).
        _brush_alpha: f32,
        transform: Affine,
        glyph_transform: Option<Affine>,
        glyphs: impl Iterator<Item = Glyph> + Clone,
    ) {
        let paint = self.paint(paint.into());
        self.ctx.set_transform(transform);
        self.ctx.set_paint(paint);
        self.ctx.reset_paint_transform();
        let glyphs = glyphs.map(|g| vello_cpu::Glyph {
            id: g.id,
            x: g.x,
            y: g.y,
        });
        let style: StyleRef<'_> = style.into();
        let filled = match style {
            StyleRef::Fill(fill) => {
                self.ctx.set_fill_rule(fill);
                true
            }
            StyleRef::Stroke(stroke) => {
                self.ctx.set_stroke(stroke.clone());
                false
            }
        };
        let run = self
            .ctx
            .glyph_run(self.resources, font)
            .font_size(font_size)
            .hint(hint)
            .normalized_coords(normalized_coords)
            .glyph_transform(glyph_transform.unwrap_or_default());
        // A glyph the font cannot outline is left out, as a browser leaves it. Synthetic bold
        // widens filled outlines only.
        let _ = if filled {
            run.font_embolden(glifo::FontEmbolden::new(kurbo::Diagonal2::new(
                embolden.x, embolden.y,
            )))
            .fill_glyphs(glyphs)
        } else {
            run.stroke_glyphs(glyphs)
        };
    }

    fn draw_box_shadow(
        &mut self,
        transform: Affine,
        rect: Rect,
        color: Color,
        radius: f64,
        std_dev: f64,
    ) {
        self.ctx.set_transform(transform);
        self.ctx.set_paint(PaintType::Solid(color));
        self.ctx.reset_paint_transform();
        self.ctx
            .fill_blurred_rounded_rect(&rect, radius as f32, std_dev as f32, false);
    }
}

/// vello_cpu's form of a filter: its first effect (vello_cpu applies one primitive per
/// layer); `None` for effects it cannot apply, whose layer is then drawn unfiltered.
fn filter_of(filter: &Filter) -> Option<vello_cpu::filter_effects::Filter> {
    use anyrender::filters::{EdgeMode, FilterEffect};
    use vello_cpu::filter_effects::{EdgeMode as Edge, Filter as CpuFilter, FilterPrimitive};
    let edge = |mode: EdgeMode| match mode {
        EdgeMode::Duplicate => Edge::Duplicate,
        EdgeMode::Wrap => Edge::Wrap,
        EdgeMode::Mirror => Edge::Mirror,
        EdgeMode::None => Edge::None,
    };
    let primitive = match &filter.nodes().first()?.effect {
        FilterEffect::Flood(color) => FilterPrimitive::Flood { color: *color },
        FilterEffect::GaussianBlur(blur) => FilterPrimitive::GaussianBlur {
            std_deviation: blur.std_deviation,
            edge_mode: edge(blur.edge_mode),
        },
        FilterEffect::DropShadow(shadow) => FilterPrimitive::DropShadow {
            dx: shadow.dx,
            dy: shadow.dy,
            std_deviation: shadow.std_deviation,
            color: shadow.color,
            edge_mode: edge(shadow.edge_mode),
        },
        FilterEffect::Offset(offset) => FilterPrimitive::Offset {
            dx: offset.x as f32,
            dy: offset.y as f32,
        },
        FilterEffect::ColorMatrix(matrix) => FilterPrimitive::ColorMatrix { matrix: matrix.0 },
        FilterEffect::Blend(mode) => FilterPrimitive::Blend { mode: *mode },
        _ => return None,
    };
    Some(CpuFilter::from_primitive(primitive))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kurbo::BezPath;

    fn pixel(buffer: &[u8], width: usize, x: usize, y: usize) -> [u8; 4] {
        let i = (y * width + x) * 4;
        buffer[i..i + 4].try_into().unwrap()
    }

    #[test]
    fn clips_follow_their_fill_rule_and_end_at_their_pop() {
        let ring = BezPath::from_svg("M0 0H100V100H0Z M25 25H75V75H25Z").unwrap();
        for rule in [Fill::NonZero, Fill::EvenOdd] {
            let mut raster = Rasterizer::default();
            let mut buffer = vec![0u8; 100 * 100 * 4];
            raster.render(100, 100, &mut buffer, &|_| None, |scene| {
                scene.push_clip_layer(rule, Affine::IDENTITY, &ring);
                let red = Color::from_rgb8(255, 0, 0);
                scene.fill(
                    Fill::NonZero,
                    Affine::IDENTITY,
                    red,
                    None,
                    &ring.bounding_box(),
                );
                scene.pop_layer();
                // After the pop nothing is clipped.
                let blue = Color::from_rgb8(0, 0, 255);
                let corner = Rect::new(90.0, 90.0, 100.0, 100.0);
                scene.fill(Fill::NonZero, Affine::IDENTITY, blue, None, &corner);
            });
            assert_eq!(pixel(&buffer, 100, 10, 10), [255, 0, 0, 255]);
            let hole = if rule == Fill::EvenOdd {
                [0, 0, 0, 0]
            } else {
                [255, 0, 0, 255]
            };
            assert_eq!(pixel(&buffer, 100, 50, 50), hole, "{rule:?}");
            assert_eq!(pixel(&buffer, 100, 95, 95), [0, 0, 255, 255]);
        }
    }

    #[test]
    fn a_prepared_pixmap_draws_as_its_bytes_would() {
        // A translucent gradient of premultiplied pixels.
        let (w, h) = (16u16, 8u16);
        let mut bytes = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let a = (x * 16) as u8;
                bytes.extend([a / 2, (y * 8).min(a as u16) as u8, 0, a]);
            }
        }
        let metadata = PixelMetadata::new(ImageAlphaType::AlphaPremultiplied, true);
        let pixmap = Arc::new(Pixmap::from_parts(bytes.clone(), w, h, metadata));
        let prepared_image = pixmap_image(&pixmap);
        let plain_image = ImageData {
            data: peniko::Blob::new(Arc::new(bytes)),
            ..prepared_image.clone()
        };
        let draw = |image: &ImageData, prepared: Prepared<'_>| {
            let mut raster = Rasterizer::default();
            let mut buffer = vec![0u8; 32 * 16 * 4];
            raster.render(32, 16, &mut buffer, prepared, |scene| {
                let brush = peniko::ImageBrush {
                    image,
                    sampler: peniko::ImageSampler::default(),
                };
                let place = Affine::translate((4.0, 3.0));
                let area = Rect::new(0.0, 0.0, w as f64, h as f64);
                scene.fill(Fill::NonZero, place, brush, None, &area);
            });
            buffer
        };
        let blob = prepared_image.data.id();
        let from_pixmap = draw(&prepared_image, &|id| (id == blob).then(|| pixmap.clone()));
        let converted = draw(&plain_image, &|_| None);
        assert_eq!(from_pixmap, converted);
        assert!(from_pixmap.iter().any(|b| *b != 0), "the image was drawn");
    }
}
