//! Blurred box-shadows, rasterised once and reused.
//!
//! A blurred rounded rectangle is the most expensive thing a motion-graphics frame draws
//! (about 2 ms for a 220×130 card with a 48px blur), and the same shadow usually appears frame
//! after frame while only its position changes. Each distinct shadow (size, corner radius, blur
//! and colour) is rasterised once into a small premultiplied image by the same rasteriser, then
//! drawn as an image wherever it is needed, transformed like the element.

use std::collections::HashMap;
use std::sync::Arc;

use kurbo::{Rect, Vec2};
use peniko::{Color, ImageAlphaType, ImageData};
use vello_cpu::{PixelMetadata, Pixmap};

/// Shadows not used for this many frames are dropped.
const MAX_IDLE_FRAMES: u64 = 120;
/// Shadows made from a template (see [`Stretch`]) not used for this many frames are dropped.
const STRETCHED_IDLE_FRAMES: u64 = 1;
/// Upper bound on cached pixels (bytes), beyond which the least recently used go first.
const MAX_BYTES: usize = 96 << 20;
/// Shadows larger than this (pixels a side) are drawn directly instead of cached.
const MAX_SIDE: f64 = 4096.0;

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
struct ShadowKey {
    // sizes in 1/16 px: sub-pixel differences below that are invisible in a blur
    width: i64,
    height: i64,
    radius: i64,
    std_dev: i64,
    color: [u32; 4],
}

/// Rasterised shadows by key, with the frame each was last used in. Entries unused for their
/// idle limit are dropped; past [`MAX_BYTES`] the least recently used go first.
struct ImageStore<K> {
    entries: HashMap<K, Cached>,
    /// The pixmap behind each entry's image, by the image's blob id (see [`Self::pixmap`]).
    pixmaps: HashMap<u64, Arc<Pixmap>>,
    frame: u64,
}

/// One rasterised shadow and where its top-left corner goes (see each cache's `get`).
struct Cached {
    /// Drawn through the recording; its bytes are `pixmap`'s own.
    image: ImageData,
    offset: Vec2,
    last_used: u64,
    /// Frames it is kept unused.
    idle_limit: u64,
}

impl<K> Default for ImageStore<K> {
    fn default() -> Self {
        ImageStore {
            entries: HashMap::new(),
            pixmaps: HashMap::new(),
            frame: 0,
        }
    }
}

/// A shadow rasterised by a cache's `make`: its pixels, where they go, and how many frames
/// to keep them unused.
struct Made {
    pixmap: Arc<Pixmap>,
    offset: Vec2,
    idle_limit: u64,
}

impl<K: std::hash::Hash + Eq + Clone> ImageStore<K> {
    /// The entry for `key`, rasterised by `make` on a miss (`None` from `make`: not cached).
    fn get_or_make(&mut self, key: K, make: impl FnOnce() -> Option<Made>) -> Option<&Cached> {
        let frame = self.frame;
        let entry = match self.entries.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let made = make()?;
                let image = crate::raster::pixmap_image(&made.pixmap);
                self.pixmaps.insert(image.data.id(), made.pixmap);
                e.insert(Cached {
                    image,
                    offset: made.offset,
                    last_used: frame,
                    idle_limit: made.idle_limit,
                })
            }
        };
        entry.last_used = frame;
        Some(entry)
    }

    /// The pixmap of an image this store made, by its blob id.
    fn pixmap(&self, blob: u64) -> Option<Arc<Pixmap>> {
        self.pixmaps.get(&blob).cloned()
    }

    fn end_frame(&mut self) {
        self.frame += 1;
        let frame = self.frame;
        let pixmaps = &mut self.pixmaps;
        self.entries.retain(|_, e| {
            let keep = frame - e.last_used <= e.idle_limit;
            if !keep {
                pixmaps.remove(&e.image.data.id());
            }
            keep
        });
        let bytes = |e: &Cached| e.image.data.len();
        let mut total: usize = self.entries.values().map(bytes).sum();
        if total > MAX_BYTES {
            let mut by_age: Vec<(K, u64)> = self
                .entries
                .iter()
                .map(|(k, e)| (k.clone(), e.last_used))
                .collect();
            by_age.sort_by_key(|(_, used)| *used);
            for (key, _) in by_age {
                if total <= MAX_BYTES / 2 {
                    break;
                }
                if let Some(e) = self.entries.remove(&key) {
                    total -= bytes(&e);
                    self.pixmaps.remove(&e.image.data.id());
                }
            }
        }
    }
}

/// Render what `draw` paints into a `w`×`h` premultiplied pixmap.
fn rasterise_image(
    w: u16,
    h: u16,
    draw: impl FnOnce(&mut vello_cpu::RenderContext, &mut vello_cpu::Resources),
) -> Arc<Pixmap> {
    let mut ctx = vello_cpu::RenderContext::new(w, h);
    let mut resources = vello_cpu::Resources::new();
    draw(&mut ctx, &mut resources);
    ctx.flush();
    let mut pixmap = Pixmap::new(w, h);
    ctx.render(pixmap.as_mut(), &mut resources);
    Arc::new(pixmap)
}

/// A blurred rounded rect of `rect`'s size in an image with `margin` on every side.
fn rasterise_shadow(
    rect: Rect,
    margin: f64,
    color: Color,
    radius: f64,
    std_dev: f64,
) -> Arc<Pixmap> {
    let (width, height) = (rect.width(), rect.height());
    let (w, h) = (
        (width + 2.0 * margin).ceil() as u16,
        (height + 2.0 * margin).ceil() as u16,
    );
    rasterise_image(w, h, |ctx, _| {
        ctx.set_paint(color);
        ctx.fill_blurred_rounded_rect(
            &Rect::new(margin, margin, margin + width, margin + height),
            radius as f32,
            std_dev as f32,
            false,
        );
    })
}

#[derive(Default)]
pub(crate) struct ShadowCache {
    store: ImageStore<ShadowKey>,
    /// Shorter or narrower versions of large shadows, which [`Stretch`] widens.
    templates: ImageStore<ShadowKey>,
}

/// A large blurred rounded rect is the same all along its middle: away from the corners (the
/// radius plus three standard deviations, where the blur has faded), every row of its middle
/// band is the same, and so is every column. A bar that grows frame after frame would otherwise
/// be rasterised anew every frame; instead a template with the middle cut down to a few pixels
/// is rasterised once, and each size is made from it by repeating a middle row and column.
/// The cuts are whole pixels, so the template's edges keep their sub-pixel positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stretch {
    /// Pixels taken out of the middle, across and down.
    cut_x: u32,
    cut_y: u32,
    /// The first column and row of the middle band in the image (margin included).
    band_x: u32,
    band_y: u32,
}

/// Middle pixels a template keeps on each stretched axis.
const TEMPLATE_BAND: f64 = 4.0;
/// Shorter cuts are not worth a template.
const MIN_CUT: f64 = 32.0;

impl Stretch {
    fn new(width: f64, height: f64, margin: f64, radius: f64, std_dev: f64) -> Stretch {
        // Where the corners' influence ends, with 2 px to spare (vello's approximation
        // reaches a little past 3 standard deviations).
        let corner = radius.max(0.0) + 3.0 * std_dev + 2.0;
        let axis = |length: f64| -> (u32, u32) {
            let cut = (length - 2.0 * corner - TEMPLATE_BAND).floor();
            if cut < MIN_CUT {
                (0, 0)
            } else {
                (cut as u32, (margin + corner).ceil() as u32)
            }
        };
        let (cut_x, band_x) = axis(width);
        let (cut_y, band_y) = axis(height);
        Stretch {
            cut_x,
            cut_y,
            band_x,
            band_y,
        }
    }

    fn is_none(&self) -> bool {
        self.cut_x == 0 && self.cut_y == 0
    }

    /// The full-size image from its template: row (column) `band` repeated `cut` more times.
    fn apply(&self, template: &Pixmap) -> Arc<Pixmap> {
        let (tw, th) = (template.width() as usize, template.height() as usize);
        let (w, h) = (tw + self.cut_x as usize, th + self.cut_y as usize);
        let source = template.data_as_u8_slice();
        // Written row by row, without zeroing first (a tall bar's image is a megabyte or two).
        let mut pixels = Vec::with_capacity(w * h * 4);
        let (band_x, cut_x) = (self.band_x as usize, self.cut_x as usize);
        for y in 0..h {
            let ty = map_axis(y, self.band_y as usize, self.cut_y as usize);
            let from = &source[ty * tw * 4..(ty + 1) * tw * 4];
            if cut_x == 0 {
                pixels.extend_from_slice(from);
                continue;
            }
            pixels.extend_from_slice(&from[..band_x * 4]);
            let middle = &from[band_x * 4..band_x * 4 + 4];
            for _ in 0..cut_x {
                pixels.extend_from_slice(middle);
            }
            pixels.extend_from_slice(&from[band_x * 4..]);
        }
        debug_assert_eq!(pixels.len(), w * h * 4);
        let metadata = PixelMetadata::new(ImageAlphaType::AlphaPremultiplied, true);
        Arc::new(Pixmap::from_parts(pixels, w as u16, h as u16, metadata))
    }
}

/// The template row (column) that full-size row (column) `v` copies.
fn map_axis(v: usize, band: usize, cut: usize) -> usize {
    if v <= band {
        v
    } else if v <= band + cut {
        band
    } else {
        v - cut
    }
}

fn sixteenths(v: f64) -> i64 {
    (v * 16.0).round() as i64
}

impl ShadowCache {
    /// The image of a blurred rounded rect and where its top-left corner goes relative to the
    /// rect's origin; `None` when the shadow should be drawn directly.
    pub(crate) fn get(
        &mut self,
        rect: Rect,
        color: Color,
        radius: f64,
        std_dev: f64,
    ) -> Option<(&ImageData, Vec2)> {
        let margin = (std_dev * 3.0).ceil() + 1.0;
        let (w, h) = (rect.width() + 2.0 * margin, rect.height() + 2.0 * margin);
        if !(w.is_finite() && h.is_finite()) || w > MAX_SIDE || h > MAX_SIDE || w < 1.0 || h < 1.0 {
            return None;
        }
        let key = ShadowKey {
            width: sixteenths(rect.width()),
            height: sixteenths(rect.height()),
            radius: sixteenths(radius),
            std_dev: sixteenths(std_dev),
            color: color.components.map(f32::to_bits),
        };
        let (width, height) = (rect.width(), rect.height());
        let templates = &mut self.templates;
        let entry = self.store.get_or_make(key, || {
            let draw = |width, height| {
                rasterise_shadow(
                    Rect::new(0.0, 0.0, width, height),
                    margin,
                    color,
                    radius,
                    std_dev,
                )
            };
            let stretch = Stretch::new(width, height, margin, radius, std_dev);
            let offset = Vec2::new(-margin, -margin);
            if stretch.is_none() {
                return Some(Made {
                    pixmap: draw(width, height),
                    offset,
                    idle_limit: MAX_IDLE_FRAMES,
                });
            }
            let (tw, th) = (width - stretch.cut_x as f64, height - stretch.cut_y as f64);
            let template_key = ShadowKey {
                width: sixteenths(tw),
                height: sixteenths(th),
                ..key
            };
            let template = templates.get_or_make(template_key, || {
                Some(Made {
                    pixmap: draw(tw, th),
                    offset: Vec2::ZERO,
                    idle_limit: MAX_IDLE_FRAMES,
                })
            })?;
            let blob = template.image.data.id();
            Some(Made {
                pixmap: stretch.apply(&*templates.pixmap(blob)?),
                offset,
                // A growing bar needs a new size every frame, and the template makes any
                // size again with one copy: keep none past the frame after its last use.
                idle_limit: STRETCHED_IDLE_FRAMES,
            })
        })?;
        Some((&entry.image, entry.offset))
    }

    /// Call once per frame: ages entries and enforces the size limit.
    pub(crate) fn end_frame(&mut self) {
        self.store.end_frame();
        self.templates.end_frame();
    }

    /// The pixmap of a shadow image this cache made, by the image's blob id.
    pub(crate) fn pixmap(&self, blob: u64) -> Option<Arc<Pixmap>> {
        self.store.pixmap(blob)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.store.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_identical_shadows_and_forgets_idle_ones() {
        let mut cache = ShadowCache::default();
        let black = Color::new([0.0, 0.0, 0.0, 0.5]);
        let rect = Rect::new(0.0, 0.0, 100.0, 50.0);
        let id = cache.get(rect, black, 8.0, 10.0).unwrap().0.data.id();
        let moved = Rect::new(30.0, 40.0, 130.0, 90.0);
        assert_eq!(cache.get(moved, black, 8.0, 10.0).unwrap().0.data.id(), id);
        assert_eq!(cache.len(), 1);
        cache.get(rect, black, 8.0, 12.0).unwrap();
        assert_eq!(cache.len(), 2);
        for _ in 0..=MAX_IDLE_FRAMES + 1 {
            cache.end_frame();
        }
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn stretched_shadows_match_shadows_rasterised_whole() {
        let color = Color::new([0.06, 0.09, 0.16, 0.25]);
        // A growing bar, a wide strip, a large card, and one too small to stretch.
        for (width, height, radius, std_dev, stretched) in [
            (230.0, 547.3, 16.0, 20.0, true),
            (600.4, 40.0, 8.0, 4.0, true),
            (500.0, 420.6, 28.0, 10.0, true),
            (120.0, 90.0, 40.0, 20.0, false),
        ] {
            let margin = (std_dev * 3.0f64).ceil() + 1.0;
            let stretch = Stretch::new(width, height, margin, radius, std_dev);
            assert_eq!(!stretch.is_none(), stretched, "{width}x{height}");
            let mut cache = ShadowCache::default();
            let (image, _) = cache
                .get(Rect::new(0.0, 0.0, width, height), color, radius, std_dev)
                .unwrap();
            let whole = rasterise_shadow(
                Rect::new(0.0, 0.0, width, height),
                margin,
                color,
                radius,
                std_dev,
            );
            assert_eq!(
                (image.width, image.height),
                (whole.width() as u32, whole.height() as u32)
            );
            let worst = image
                .data
                .data()
                .iter()
                .zip(whole.data_as_u8_slice())
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            assert!(worst <= 2, "{width}x{height}: off by {worst}");
        }
    }

    #[test]
    fn a_growing_bar_rasterises_one_template() {
        let mut cache = ShadowCache::default();
        let color = Color::new([0.0, 0.0, 0.0, 0.3]);
        for frame in 0..10 {
            let rect = Rect::new(0.0, 0.0, 200.0, 300.0 + 7.0 * frame as f64);
            cache.get(rect, color, 16.0, 20.0).unwrap();
            cache.end_frame();
        }
        // Each size is dropped once a frame has passed without it, pixmap and all.
        assert_eq!((cache.len(), cache.templates.entries.len()), (1, 1));
        assert_eq!(cache.store.pixmaps.len(), 1);
    }

    #[test]
    fn the_image_holds_a_soft_shadow() {
        let mut cache = ShadowCache::default();
        let (image, offset) = cache
            .get(
                Rect::new(0.0, 0.0, 40.0, 40.0),
                Color::new([0.0, 0.0, 1.0, 1.0]),
                0.0,
                4.0,
            )
            .unwrap();
        assert_eq!(offset, Vec2::new(-13.0, -13.0));
        let px = |x: u32, y: u32| image.data.data()[((y * image.width + x) * 4 + 3) as usize];
        assert_eq!(px(33, 33), 255, "centre is solid");
        assert!(px(13, 33) > 90 && px(13, 33) < 165, "edge is half covered");
        assert_eq!(px(0, 0), 0, "corner of the margin is empty");
    }
}

/// A glyph run to blur into a shadow, in the terms the scene adapter receives it.
pub(crate) struct GlyphShadow<'a, I> {
    pub(crate) font: &'a peniko::FontData,
    pub(crate) font_size: f32,
    pub(crate) hint: bool,
    pub(crate) normalized_coords: &'a [anyrender::NormalizedCoord],
    pub(crate) glyph_transform: Option<kurbo::Affine>,
    pub(crate) glyphs: I,
    /// Box around the glyphs in the run's own coordinates.
    pub(crate) bounds: Rect,
    pub(crate) color: Color,
    pub(crate) std_dev: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct GlyphShadowKey {
    font: (u64, u32),
    font_size: u32,
    hint: bool,
    coords: Vec<i16>,
    glyphs: u64,
    glyph_transform: Option<[u64; 6]>,
    linear: [u64; 4],
    // sub-pixel part of the translation, in quarter pixels
    fraction: (i8, i8),
    color: [u32; 4],
    std_dev: i64,
}

/// Blurred text shadows, keyed by everything that shapes their pixels except whole-pixel
/// translation: a title that slides keeps hitting the cache.
#[derive(Default)]
pub(crate) struct GlyphShadowCache {
    store: ImageStore<GlyphShadowKey>,
}

impl GlyphShadowCache {
    /// The blurred shadow image and the device transform that places it.
    pub(crate) fn get<I>(
        &mut self,
        run: GlyphShadow<'_, I>,
        transform: kurbo::Affine,
    ) -> Option<(&ImageData, kurbo::Affine)>
    where
        I: Iterator<Item = anyrender::Glyph> + Clone,
    {
        use std::hash::{Hash, Hasher};
        let [a, b, c, d, tx, ty] = transform.as_coeffs();
        // Scale and rotation to 1/512: a settling spring (0.9998, 0.9999, …) reuses one image,
        // and the geometry error stays far below the blur.
        let [a, b, c, d] = [a, b, c, d].map(|v| (v * 512.0).round() / 512.0);
        let whole = (tx.floor(), ty.floor());
        let fraction = (
            ((tx - whole.0) * 4.0).round() as i8,
            ((ty - whole.1) * 4.0).round() as i8,
        );
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for g in run.glyphs.clone() {
            (g.id, g.x.to_bits(), g.y.to_bits()).hash(&mut hasher);
        }
        let key = GlyphShadowKey {
            font: (run.font.data.id(), run.font.index),
            font_size: run.font_size.to_bits(),
            hint: run.hint,
            coords: run.normalized_coords.to_vec(),
            glyphs: hasher.finish(),
            glyph_transform: run.glyph_transform.map(|t| t.as_coeffs().map(f64::to_bits)),
            linear: [a, b, c, d].map(f64::to_bits),
            fraction,
            color: run.color.components.map(f32::to_bits),
            std_dev: sixteenths(run.std_dev),
        };
        let entry = self.store.get_or_make(key, || {
            let local =
                kurbo::Affine::new([a, b, c, d, fraction.0 as f64 / 4.0, fraction.1 as f64 / 4.0]);
            let margin = (run.std_dev * 3.0).ceil() + 2.0;
            let area = local
                .transform_rect_bbox(run.bounds)
                .inflate(margin, margin);
            let origin = Vec2::new(area.x0.floor(), area.y0.floor());
            let (w, h) = ((area.x1 - origin.x).ceil(), (area.y1 - origin.y).ceil());
            if !(w >= 1.0 && h >= 1.0 && w <= MAX_SIDE && h <= MAX_SIDE) {
                return None;
            }
            let pixmap = rasterise_image(w as u16, h as u16, |ctx, resources| {
                ctx.push_filter_layer(vello_cpu::filter_effects::Filter::from_primitive(
                    vello_cpu::filter_effects::FilterPrimitive::GaussianBlur {
                        std_deviation: run.std_dev as f32,
                        edge_mode: vello_cpu::filter_effects::EdgeMode::None,
                    },
                ));
                ctx.set_transform(kurbo::Affine::translate(-origin) * local);
                ctx.set_paint(run.color);
                let _ = ctx
                    .glyph_run(resources, run.font)
                    .font_size(run.font_size)
                    .hint(run.hint)
                    .normalized_coords(run.normalized_coords)
                    .glyph_transform(run.glyph_transform.unwrap_or_default())
                    .fill_glyphs(run.glyphs.map(|g| vello_cpu::Glyph {
                        id: g.id,
                        x: g.x,
                        y: g.y,
                    }));
                ctx.pop_layer();
            });
            Some(Made {
                pixmap,
                offset: origin,
                idle_limit: MAX_IDLE_FRAMES,
            })
        })?;
        let place = kurbo::Affine::translate(Vec2::new(whole.0, whole.1) + entry.offset);
        Some((&entry.image, place))
    }

    /// Call once per frame: ages entries and enforces the size limit.
    pub(crate) fn end_frame(&mut self) {
        self.store.end_frame();
    }

    /// The pixmap of a shadow image this cache made, by the image's blob id.
    pub(crate) fn pixmap(&self, blob: u64) -> Option<Arc<Pixmap>> {
        self.store.pixmap(blob)
    }
}
