//! Our layer between Blitz's painter and the rasteriser.
//!
//! Blitz paints by calling [`PaintScene`] methods; this adapter forwards them and adds what
//! Blitz lacks or gets wrong:
//! - **text-shadow**: Blitz never paints it. Text that has shadows is drawn with a marker
//!   colour (see [`crate::text_shadow`]); when a glyph run arrives in a marker colour, its
//!   shadows are drawn first (offset, blurred through a filter layer), then the glyphs in their
//!   real colour.
//! - **gradients under rotate/scale/skew**: Blitz places the tiles of a gradient background in
//!   device space instead of the element's space, so a transformed element with a border shows
//!   mis-tiled patches. Tiles are recognised (a gradient-filled rect at the origin, right after
//!   the background clip layer was pushed) and re-placed in the element's space.

use std::collections::HashMap;
use std::sync::Arc;

use anyrender::filters::{Filter, FilterEffect};
use anyrender::{Glyph, NormalizedCoord, Paint, PaintRef, PaintScene, RenderContext};
use kurbo::{Affine, Rect, Shape, Stroke, Vec2};
use peniko::{
    BlendMode, Color, Fill, FontData, ImageBrush, ImageData, ImageQuality, ImageSampler, Mix,
    StyleRef,
};

use crate::shadow_cache::{GlyphShadow, GlyphShadowCache, ShadowCache};

/// One CSS text shadow, resolved: offset and blur in CSS pixels, colour with `currentColor`
/// already applied.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextShadow {
    pub(crate) offset: Vec2,
    pub(crate) blur: f64,
    pub(crate) color: Color,
}

/// What a marker colour stands for.
#[derive(Debug, Clone)]
pub(crate) struct ShadowedText {
    pub(crate) color: Color,
    /// In CSS order: the first shadow is on top.
    pub(crate) shadows: Vec<TextShadow>,
}

/// Marker colours (exact bit patterns) to the text they mark.
pub(crate) type ShadowTable = HashMap<[u32; 4], ShadowedText>;

/// Whether glyph outlines are hinted. Chromium on Linux draws with only slight hinting, which
/// the unhinted outlines match more closely than full hinting.
const HINT: bool = true;

pub(crate) fn color_key(color: Color) -> [u32; 4] {
    color.components.map(f32::to_bits)
}

pub(crate) struct KinemaScene<'a, S: PaintScene> {
    inner: &'a mut S,
    shadows: &'a ShadowTable,
    box_shadows: &'a mut ShadowCache,
    text_shadows: &'a mut GlyphShadowCache,
    scale: f64,
    /// The transform of the layer pushed last, while only background tiles have followed it.
    background_layer: Option<Affine>,
    /// Box-shadows of a transformed element, waiting for the element's own transform.
    pending_shadows: Vec<PendingShadow>,
}

/// A box-shadow as Blitz sent it: its offset was applied in device space, which is wrong once
/// the element is rotated, scaled or skewed. The element's transform arrives with the next
/// background, border or clip layer; the shadow is drawn then, with the offset moved into the
/// element's space.
struct PendingShadow {
    transform: Affine,
    rect: Rect,
    color: Color,
    radius: f64,
    std_dev: f64,
}

impl<'a, S: PaintScene> KinemaScene<'a, S> {
    pub(crate) fn new(
        inner: &'a mut S,
        shadows: &'a ShadowTable,
        box_shadows: &'a mut ShadowCache,
        text_shadows: &'a mut GlyphShadowCache,
        scale: f64,
    ) -> Self {
        KinemaScene {
            inner,
            shadows,
            box_shadows,
            text_shadows,
            scale,
            background_layer: None,
            pending_shadows: Vec::new(),
        }
    }
}

impl<S: PaintScene> KinemaScene<'_, S> {
    /// Draw what is still waiting; call after the last command.
    pub(crate) fn finish(&mut self) {
        self.flush_shadows(None);
    }

    /// Draw waiting box-shadows, re-placed in `element`'s space when it is their element's
    /// transform.
    fn flush_shadows(&mut self, element: Option<Affine>) {
        for shadow in std::mem::take(&mut self.pending_shadows) {
            let transform = match element {
                Some(element) if same_linear_part(element, shadow.transform) => {
                    in_element_space(element, shadow.transform)
                }
                _ => shadow.transform,
            };
            self.draw_shadow_now(
                transform,
                shadow.rect,
                shadow.color,
                shadow.radius,
                shadow.std_dev,
            );
        }
    }

    fn draw_shadow_now(
        &mut self,
        transform: Affine,
        rect: Rect,
        color: Color,
        radius: f64,
        std_dev: f64,
    ) {
        match self.box_shadows.get(rect, color, radius, std_dev) {
            Some((image, offset)) => {
                let place = transform * Affine::translate(rect.origin().to_vec2() + offset);
                draw_image(self.inner, image, place);
            }
            None => self
                .inner
                .draw_box_shadow(transform, rect, color, radius, std_dev),
        }
    }
}

/// `moved` is `element` followed by a device-space translation; the same translation applied
/// in the element's own space instead.
fn in_element_space(element: Affine, moved: Affine) -> Affine {
    let offset = moved.translation() - element.translation();
    element * Affine::translate(offset)
}

/// Draw a cached (premultiplied) image with its top-left corner mapped by `place`.
fn draw_image<S: PaintScene>(scene: &mut S, image: &ImageData, place: Affine) {
    let size = Rect::new(0.0, 0.0, image.width as f64, image.height as f64);
    let brush = ImageBrush {
        image,
        sampler: sampler_for(place),
    };
    scene.fill(Fill::NonZero, place, Paint::Image(brush), None, &size);
}

/// How to sample a cached image drawn with `place`: pixel for pixel when it lands on whole
/// pixels (nearest is then exact, and cheaper), bilinear otherwise.
fn sampler_for(place: Affine) -> ImageSampler {
    let t = place.translation();
    let whole = !is_linear_non_identity(place)
        && (t.x - t.x.round()).abs() < 1e-6
        && (t.y - t.y.round()).abs() < 1e-6;
    ImageSampler {
        quality: if whole {
            ImageQuality::Low
        } else {
            ImageQuality::Medium
        },
        ..ImageSampler::default()
    }
}

/// Whether an affine map does more than translate.
fn is_linear_non_identity(t: Affine) -> bool {
    let [a, b, c, d, _, _] = t.as_coeffs();
    (a - 1.0).abs() > 1e-9 || b.abs() > 1e-9 || c.abs() > 1e-9 || (d - 1.0).abs() > 1e-9
}

fn same_linear_part(x: Affine, y: Affine) -> bool {
    let (x, y) = (x.as_coeffs(), y.as_coeffs());
    (0..4).all(|i| (x[i] - y[i]).abs() < 1e-9)
}

impl<S: PaintScene> RenderContext for KinemaScene<'_, S> {}

impl<S: PaintScene> PaintScene for KinemaScene<'_, S> {
    fn reset(&mut self) {
        self.pending_shadows.clear();
        self.background_layer = None;
        self.inner.reset();
    }

    fn push_layer(
        &mut self,
        fill: Fill,
        blend: impl Into<BlendMode>,
        alpha: f32,
        transform: Affine,
        clip: &impl Shape,
        filter: Option<Arc<Filter>>,
        backdrop_filter: Option<Arc<Filter>>,
    ) {
        self.flush_shadows(Some(transform));
        self.background_layer = Some(transform);
        self.inner
            .push_layer(fill, blend, alpha, transform, clip, filter, backdrop_filter);
    }

    fn push_clip_layer(&mut self, fill: Fill, transform: Affine, clip: &impl Shape) {
        self.flush_shadows(Some(transform));
        self.background_layer = Some(transform);
        self.inner.push_clip_layer(fill, transform, clip);
    }

    fn pop_layer(&mut self) {
        self.flush_shadows(None);
        self.background_layer = None;
        self.inner.pop_layer();
    }

    fn stroke<'b>(
        &mut self,
        style: &Stroke,
        transform: Affine,
        brush: impl Into<PaintRef<'b>>,
        brush_transform: Option<Affine>,
        shape: &impl Shape,
    ) {
        self.flush_shadows(Some(transform));
        self.background_layer = None;
        self.inner
            .stroke(style, transform, brush, brush_transform, shape);
    }

    fn fill<'b>(
        &mut self,
        style: Fill,
        transform: Affine,
        brush: impl Into<PaintRef<'b>>,
        brush_transform: Option<Affine>,
        shape: &impl Shape,
    ) {
        self.flush_shadows(Some(transform));
        let brush = brush.into();
        let mut transform = transform;
        let is_tile = matches!(brush, Paint::Gradient(_))
            && shape.as_rect().is_some_and(|r| r.x0 == 0.0 && r.y0 == 0.0);
        match self.background_layer {
            Some(layer) if is_tile => {
                if is_linear_non_identity(layer) && same_linear_part(layer, transform) {
                    // Blitz applied the tile offset after the element transform; apply it
                    // before, in the element's own space.
                    transform = in_element_space(layer, transform);
                }
            }
            _ => self.background_layer = None,
        }
        self.inner
            .fill(style, transform, brush, brush_transform, shape);
    }

    fn draw_glyphs<'b, 's: 'b>(
        &'s mut self,
        font: &'b FontData,
        font_size: f32,
        _hint: bool,
        normalized_coords: &'b [NormalizedCoord],
        embolden: kurbo::Vec2,
        style: impl Into<StyleRef<'b>>,
        brush: impl Into<PaintRef<'b>>,
        brush_alpha: f32,
        transform: Affine,
        glyph_transform: Option<Affine>,
        glyphs: impl Iterator<Item = Glyph> + Clone,
    ) {
        self.flush_shadows(None);
        self.background_layer = None;
        let brush = brush.into();
        let style = style.into();
        let marked = match brush {
            Paint::Solid(color) => self.shadows.get(&color_key(color)),
            _ => None,
        };
        let Some(marked) = marked else {
            self.inner.draw_glyphs(
                font,
                font_size,
                HINT,
                normalized_coords,
                embolden,
                style,
                brush,
                brush_alpha,
                transform,
                glyph_transform,
                glyphs,
            );
            return;
        };
        let bounds = glyph_bounds(glyphs.clone(), font_size as f64);
        for shadow in marked.shadows.iter().rev() {
            if shadow.color.components[3] <= 0.0 {
                continue;
            }
            let shadow_transform = transform * Affine::translate(shadow.offset * self.scale);
            let std_dev = shadow.blur * self.scale / 2.0;
            let blurred = std_dev > 0.01;
            let filled = matches!(style, StyleRef::Fill(_));
            if blurred && filled && embolden == kurbo::Vec2::ZERO {
                let run = GlyphShadow {
                    font,
                    font_size,
                    hint: HINT,
                    normalized_coords,
                    glyph_transform,
                    glyphs: glyphs.clone(),
                    bounds,
                    color: shadow.color,
                    std_dev,
                };
                if let Some((image, place)) = self.text_shadows.get(run, shadow_transform) {
                    draw_image(self.inner, image, place);
                    continue;
                }
            }
            if blurred {
                let clip = bounds.inflate(std_dev * 3.0 + 1.0, std_dev * 3.0 + 1.0);
                let filter =
                    Filter::linear_list(std::iter::once(FilterEffect::blur(std_dev as f32)));
                self.inner.push_layer(
                    Fill::NonZero,
                    Mix::Normal,
                    1.0,
                    shadow_transform,
                    &clip,
                    Some(Arc::new(filter)),
                    None,
                );
            }
            self.inner.draw_glyphs(
                font,
                font_size,
                HINT,
                normalized_coords,
                embolden,
                style,
                Paint::Solid(shadow.color),
                brush_alpha,
                shadow_transform,
                glyph_transform,
                glyphs.clone(),
            );
            if blurred {
                self.inner.pop_layer();
            }
        }
        self.inner.draw_glyphs(
            font,
            font_size,
            HINT,
            normalized_coords,
            embolden,
            style,
            Paint::Solid(marked.color),
            brush_alpha,
            transform,
            glyph_transform,
            glyphs,
        );
    }

    fn draw_box_shadow(
        &mut self,
        transform: Affine,
        rect: Rect,
        brush: Color,
        radius: f64,
        std_dev: f64,
    ) {
        // CSS blurs a shadow with a standard deviation of half its blur radius; Blitz passes the
        // whole radius, in CSS pixels.
        let std_dev = std_dev * self.scale / 2.0;
        if !is_linear_non_identity(transform) {
            self.draw_shadow_now(transform, rect, brush, radius, std_dev);
            return;
        }
        // A shadow clipped to the outside of its element is drawn inside a layer pushed with
        // the element's transform; otherwise the transform comes with the next command.
        match self.background_layer {
            Some(layer) if same_linear_part(layer, transform) => self.draw_shadow_now(
                in_element_space(layer, transform),
                rect,
                brush,
                radius,
                std_dev,
            ),
            _ => self.pending_shadows.push(PendingShadow {
                transform,
                rect,
                color: brush,
                radius,
                std_dev,
            }),
        }
    }
}

/// A generous box around a glyph run, in the run's own coordinates.
fn glyph_bounds(glyphs: impl Iterator<Item = Glyph>, font_size: f64) -> Rect {
    let mut bounds: Option<Rect> = None;
    for glyph in glyphs {
        let (x, y) = (glyph.x as f64, glyph.y as f64);
        let glyph_box = Rect::new(
            x - font_size * 0.5,
            y - font_size * 1.2,
            x + font_size * 1.5,
            y + font_size * 0.5,
        );
        bounds = Some(bounds.map_or(glyph_box, |b| b.union(glyph_box)));
    }
    bounds.unwrap_or(Rect::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_transforms_that_only_translate() {
        assert!(!is_linear_non_identity(Affine::translate((5.0, 3.0))));
        assert!(is_linear_non_identity(Affine::rotate(0.3)));
        assert!(is_linear_non_identity(Affine::scale(1.2)));
        assert!(same_linear_part(
            Affine::rotate(0.3),
            Affine::translate((4.0, 1.0)) * Affine::rotate(0.3)
        ));
    }

    #[test]
    fn glyph_bounds_cover_every_glyph() {
        let glyphs = [
            Glyph {
                id: 1,
                x: 0.0,
                y: 20.0,
            },
            Glyph {
                id: 2,
                x: 50.0,
                y: 20.0,
            },
        ];
        let b = glyph_bounds(glyphs.into_iter(), 20.0);
        assert!(b.x0 <= 0.0 && b.x1 >= 70.0 && b.y0 <= 0.0 && b.y1 >= 20.0);
    }
}
