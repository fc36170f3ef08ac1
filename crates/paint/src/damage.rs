//! Damage tracking: after the first frame, only the parts of a frame whose drawing commands
//! changed are rasterised again.
//!
//! A frame's drawing commands are recorded first. Each gets a hash of its content and a
//! conservative device-space box of the pixels it can touch, clipped by the layers around it.
//! The frame is cut into [`TILE`]-pixel tiles, and each tile gets a hash of the commands that
//! can touch it, in order. A tile whose hash equals last frame's has the same pixels, so only
//! the tiles whose hash changed are rasterised — merged into rectangles, each in a scene of its
//! own size holding the commands that can reach it, moved by the rectangle's corner, drawn
//! straight over the rectangle of the kept frame (cleared first, or filled from the
//! [`crate::backdrop`]). (The rasteriser writes every pixel of its scene, so a whole-frame
//! scene clipped to the rectangles would cost a frame's memory traffic.)
//!
//! Moving commands by whole pixels changes floating-point rounding at shape edges, so a
//! repainted pixel can differ from a whole-frame render's by a step or two of 255 (the tests
//! bound it); it is rasterised afresh each time, so nothing builds up, and a frame does not
//! otherwise depend on which frames were painted before it.
//!
//! Filters (`filter: blur(…)`, text-shadow fallbacks) read neighbouring pixels, so a filtered
//! layer is treated as one unit: its whole content is hashed into every tile it reaches, and
//! when any of those tiles is repainted, all of them are — in one whole-frame scene clipped to
//! the changed tiles, since a scene cut to a rectangle would hide the pixels the filter reads.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ops::Range;

use anyrender::recording::RenderCommand;
use anyrender::{Paint, PaintScene};
use kurbo::{Affine, BezPath, Rect, Shape, Stroke};
use peniko::{Fill, FontData, Style};

/// Side of a damage tile, in device pixels. A multiple of the rasteriser's 4-pixel strip rows.
pub(crate) const TILE: u32 = 32;

/// Anti-aliasing and hinting can reach a little past a shape's geometry.
const MARGIN: f64 = 2.0;

/// Above this share of changed tiles the whole frame is rasterised: a clip would cost more
/// than it saves.
const FULL_FRAME_SHARE: f64 = 0.7;

/// A rectangle of tiles: columns `c0..c1`, rows `r0..r1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TileRect {
    pub(crate) c0: u32,
    pub(crate) r0: u32,
    pub(crate) c1: u32,
    pub(crate) r1: u32,
}

impl TileRect {
    pub(crate) fn is_empty(&self) -> bool {
        self.c0 >= self.c1 || self.r0 >= self.r1
    }

    fn intersect(&self, other: &TileRect) -> TileRect {
        TileRect {
            c0: self.c0.max(other.c0),
            r0: self.r0.max(other.r0),
            c1: self.c1.min(other.c1),
            r1: self.r1.min(other.r1),
        }
    }

    fn overlaps(&self, other: &TileRect) -> bool {
        !self.intersect(other).is_empty()
    }
}

/// A rectangle of device pixels, `x0..x1` × `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PixelRect {
    pub(crate) x0: u32,
    pub(crate) y0: u32,
    pub(crate) x1: u32,
    pub(crate) y1: u32,
}

/// The tile grid of one frame size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grid {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) cols: u32,
    pub(crate) rows: u32,
}

impl Grid {
    pub(crate) fn new(width: u32, height: u32) -> Grid {
        Grid {
            width,
            height,
            cols: width.div_ceil(TILE),
            rows: height.div_ceil(TILE),
        }
    }

    pub(crate) fn all(&self) -> TileRect {
        TileRect {
            c0: 0,
            r0: 0,
            c1: self.cols,
            r1: self.rows,
        }
    }

    /// The tiles a device-space box can touch (`None`: unbounded).
    fn tiles_of(&self, bounds: Option<Rect>) -> TileRect {
        let Some(b) = bounds else {
            return self.all();
        };
        let b = b.inflate(MARGIN, MARGIN);
        if !(b.x0.is_finite() && b.y0.is_finite() && b.x1.is_finite() && b.y1.is_finite()) {
            return self.all();
        }
        let tile = TILE as f64;
        let clamp = |v: f64, max: u32| v.clamp(0.0, max as f64) as u32;
        TileRect {
            c0: clamp((b.x0 / tile).floor(), self.cols),
            r0: clamp((b.y0 / tile).floor(), self.rows),
            c1: clamp((b.x1 / tile).ceil(), self.cols),
            r1: clamp((b.y1 / tile).ceil(), self.rows),
        }
    }

    pub(crate) fn pixels_of(&self, t: TileRect) -> PixelRect {
        PixelRect {
            x0: t.c0 * TILE,
            y0: t.r0 * TILE,
            x1: (t.c1 * TILE).min(self.width),
            y1: (t.r1 * TILE).min(self.height),
        }
    }
}

/// What a frame's commands touch.
pub(crate) struct Analysis {
    grid: Grid,
    /// Per command: the tiles it can touch (empty: none, after clipping).
    reach: Vec<TileRect>,
    /// Per tile, row by row: the hash of the commands that can touch it, in order.
    tile_hashes: Vec<u64>,
    /// Filtered layers: repainted whole or not at all.
    units: Vec<TileRect>,
    /// Per command: a push or pop of a layer that changes no pixel (see [`no_op_layers`]).
    no_op: Vec<bool>,
    /// Per command: a clip that must isolate what it clips (see [`clips_around_filters`]).
    isolate: Vec<bool>,
    /// The drawings before the first layer that is drawn (every command up to there draws
    /// straight onto the frame). See [`crate::backdrop`].
    pub(crate) base: Vec<BaseDrawing>,
}

/// A drawing at the bottom of a frame, under every layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BaseDrawing {
    /// Its command's index.
    pub(crate) index: usize,
    pub(crate) hash: u64,
    /// Whether every pixel it covers costs more to paint than to copy: a gradient or an image
    /// (a box-shadow is one). Filling with one colour costs about what copying does, and
    /// strokes and text cover few of the pixels around them, which the copy would pay for.
    pub(crate) costly: bool,
}

impl Analysis {
    /// Whether a filtered layer (whose filter reads the pixels around each pixel, as a blur
    /// does) reaches any of `tiles`.
    pub(crate) fn filters_reach(&self, tiles: &[TileRect]) -> bool {
        self.units
            .iter()
            .any(|unit| tiles.iter().any(|t| t.overlaps(unit)))
    }

    /// Mix a command's (or a piece of one's) hash into the tiles it can touch.
    fn hash_tiles(&mut self, rect: TileRect, hash: u64) {
        let cols = self.grid.cols;
        for r in rect.r0..rect.r1 {
            let row = (r * cols) as usize;
            for tile in &mut self.tile_hashes[row + rect.c0 as usize..row + rect.c1 as usize] {
                *tile = mix(*tile ^ hash);
            }
        }
    }
}

/// Font-wide glyph boxes (the `head` table's, in em units), by font blob and index.
#[derive(Default)]
pub(crate) struct FontBoxes {
    boxes: HashMap<(u64, u32), Option<Rect>>,
}

impl FontBoxes {
    /// The box every glyph of `font` fits in, in em units with y pointing down.
    fn em_box(&mut self, font: &FontData) -> Option<Rect> {
        *self
            .boxes
            .entry((font.data.id(), font.index))
            .or_insert_with(|| {
                use skrifa::raw::TableProvider;
                let font = skrifa::FontRef::from_index(font.data.data(), font.index).ok()?;
                let head = font.head().ok()?;
                let em = head.units_per_em() as f64;
                if em <= 0.0 {
                    return None;
                }
                Some(Rect::new(
                    head.x_min() as f64 / em,
                    -(head.y_max() as f64) / em,
                    head.x_max() as f64 / em,
                    -(head.y_min() as f64) / em,
                ))
            })
    }
}

/// Work out which tiles every command can touch and hash the tiles.
pub(crate) fn analyse(commands: &[RenderCommand], grid: Grid, fonts: &mut FontBoxes) -> Analysis {
    let tiles = (grid.cols * grid.rows) as usize;
    let mut analysis = Analysis {
        grid,
        reach: Vec::with_capacity(commands.len()),
        tile_hashes: vec![0x9e37_79b9_7f4a_7c15; tiles],
        units: Vec::new(),
        no_op: no_op_layers(commands, grid),
        isolate: clips_around_filters(commands),
        base: Vec::new(),
    };
    let mut in_base = true;
    // Per open layer: the tiles its content can reach, and whether it is (inside) a unit.
    let mut layers: Vec<(TileRect, bool)> = Vec::new();
    for command in commands {
        let (enclosing, in_unit) = layers.last().copied().unwrap_or((grid.all(), false));
        let reach = match command {
            RenderCommand::PushLayer(layer) => {
                let filtered = layer.filter.is_some();
                let reach = if in_unit {
                    enclosing
                } else {
                    let mut bounds = layer
                        .transform
                        .transform_rect_bbox(layer.clip.bounding_box());
                    if let Some(filter) = &layer.filter {
                        let grow = filter.bounds_expansion(&layer.transform);
                        bounds = Rect::new(
                            bounds.x0 + grow.x0.min(0.0),
                            bounds.y0 + grow.y0.min(0.0),
                            bounds.x1 + grow.x1.max(0.0),
                            bounds.y1 + grow.y1.max(0.0),
                        );
                    }
                    grid.tiles_of(Some(bounds)).intersect(&enclosing)
                };
                if filtered && !in_unit && !reach.is_empty() {
                    analysis.units.push(reach);
                }
                layers.push((reach, in_unit || filtered));
                reach
            }
            RenderCommand::PushClipLayer(clip) => {
                let reach = if in_unit {
                    enclosing
                } else {
                    let bounds = clip.transform.transform_rect_bbox(clip.clip.bounding_box());
                    grid.tiles_of(Some(bounds)).intersect(&enclosing)
                };
                layers.push((reach, in_unit));
                reach
            }
            // A pop composites its layer wherever the layer reaches.
            RenderCommand::PopLayer => layers.pop().map_or(enclosing, |(reach, _)| reach),
            // Inside a filtered layer everything is drawn whenever the layer is.
            _ if in_unit => enclosing,
            other => grid
                .tiles_of(draw_bounds(other, fonts))
                .intersect(&enclosing),
        };
        let index = analysis.reach.len();
        let pieces = match command {
            RenderCommand::Stroke(stroke) if !in_unit => stroke_pieces(stroke, grid, reach),
            _ => None,
        };
        let hash = match pieces {
            Some(pieces) => {
                for (rect, hash) in pieces {
                    analysis.hash_tiles(rect, hash);
                }
                None
            }
            None => {
                let hash = command_hash(command);
                analysis.hash_tiles(reach, hash);
                Some(hash)
            }
        };
        if in_base && !analysis.no_op[index] {
            match command {
                RenderCommand::PushLayer(_)
                | RenderCommand::PushClipLayer(_)
                | RenderCommand::PopLayer => in_base = false,
                _ => {
                    let hash = hash.unwrap_or_else(|| command_hash(command));
                    let costly = match command {
                        RenderCommand::Fill(fill) => !matches!(fill.brush, Paint::Solid(_)),
                        RenderCommand::BoxShadow(_) => true,
                        _ => false,
                    };
                    analysis.base.push(BaseDrawing {
                        index,
                        hash,
                        costly,
                    });
                }
            }
        }
        analysis.reach.push(reach);
    }
    analysis
}

/// A stroked line that grows (a chart drawing itself) should repaint where it grew, not its
/// whole box. The pixels of a tile depend only on the stroke outline near it and on what the
/// rasteriser accumulates along the same pixel rows from the left (it sweeps each row left to
/// right, summing coverage in floating point). So each segment of an open subpath is hashed,
/// with its neighbours (the joins) and whether it ends the subpath (the caps), into the tiles
/// from its own box rightwards to the end of the stroke's reach; a closed subpath is one piece.
/// Segments of zero length are left out: the stroker drops them and joins across (a line
/// that grows by whole points passes through one each time it reaches the next point).
/// `None` (hash the stroke as a whole) for dashes, whose pattern runs the length of the path,
/// and for paths too short to gain anything.
fn stroke_pieces(
    stroke: &anyrender::recording::StrokeCommand,
    grid: Grid,
    reach: TileRect,
) -> Option<Vec<(TileRect, u64)>> {
    use kurbo::PathEl;
    const MIN_SEGMENTS: usize = 4;
    if !stroke.style.dash_pattern.is_empty()
        || reach.is_empty()
        || stroke.shape.elements().len() <= MIN_SEGMENTS
    {
        return None;
    }
    let base = {
        let mut h = content_hasher();
        hash_stroke_paint(stroke, &mut h);
        h.finish()
    };
    let grow = stroke.style.width / 2.0 * stroke.style.miter_limit.max(2.0);
    // Segments as (start, element), split into subpaths (and whether each is closed).
    let mut subpaths: Vec<(Vec<(kurbo::Point, PathEl)>, bool)> = Vec::new();
    let mut current = kurbo::Point::ZERO;
    let mut start = kurbo::Point::ZERO;
    let mut dropped = false;
    for element in stroke.shape.elements() {
        let end = match *element {
            PathEl::MoveTo(p) => {
                subpaths.push((Vec::new(), false));
                (current, start) = (p, p);
                continue;
            }
            PathEl::LineTo(p) | PathEl::QuadTo(_, p) | PathEl::CurveTo(_, _, p) => p,
            PathEl::ClosePath => start,
        };
        let (segments, closed) = subpaths.last_mut()?;
        if matches!(element, PathEl::ClosePath) {
            *closed = true;
            if end != current {
                segments.push((current, PathEl::LineTo(end)));
            }
        } else {
            if element_points(element).all(|p| p == current) {
                // The stroker drops it and joins across, as here. (A subpath left with no
                // segment at all is hashed whole, below.)
                dropped = true;
                continue;
            }
            segments.push((current, *element));
        }
        current = end;
    }
    if dropped && subpaths.iter().any(|(segments, _)| segments.is_empty()) {
        return None;
    }
    let hash_segment =
        |segment: Option<&(kurbo::Point, PathEl)>, h: &mut ContentHasher| match segment {
            None => 0u8.hash(h),
            Some((from, element)) => {
                1u8.hash(h);
                [from.x.to_bits(), from.y.to_bits()].hash(h);
                hash_element(element, h);
            }
        };
    let tiles_right_of = |bounds: Rect| {
        let tiles = grid.tiles_of(Some(stroke.transform.transform_rect_bbox(bounds)));
        TileRect {
            c1: reach.c1,
            ..tiles.intersect(&reach)
        }
    };
    // The control points' box holds the curve.
    let segment_box = |(from, element): &(kurbo::Point, PathEl)| {
        element_points(element)
            .fold(Rect::from_points(*from, *from), |b, p| b.union_pt(p))
            .inflate(grow, grow)
    };
    let mut pieces = Vec::new();
    for (index, (segments, closed)) in subpaths.iter().enumerate() {
        if segments.is_empty() {
            continue;
        }
        if *closed {
            let mut h = content_hasher();
            (base, index, true).hash(&mut h);
            let mut bounds = segment_box(&segments[0]);
            for segment in segments {
                hash_segment(Some(segment), &mut h);
                bounds = bounds.union(segment_box(segment));
            }
            pieces.push((tiles_right_of(bounds), h.finish()));
            continue;
        }
        for i in 0..segments.len() {
            let mut h = content_hasher();
            (base, index, false).hash(&mut h);
            hash_segment(i.checked_sub(1).map(|j| &segments[j]), &mut h);
            hash_segment(Some(&segments[i]), &mut h);
            hash_segment(segments.get(i + 1), &mut h);
            pieces.push((tiles_right_of(segment_box(&segments[i])), h.finish()));
        }
    }
    Some(pieces)
}

/// Device-space bounds of a drawing command (`None`: unknown, so anywhere).
fn draw_bounds(command: &RenderCommand, fonts: &mut FontBoxes) -> Option<Rect> {
    match command {
        RenderCommand::Fill(fill) => Some(
            fill.transform
                .transform_rect_bbox(fill.shape.bounding_box()),
        ),
        RenderCommand::Stroke(stroke) => {
            // Miter joins reach furthest: half the width times the miter limit.
            let reach = stroke.style.width / 2.0 * stroke.style.miter_limit.max(2.0);
            let local = stroke.shape.bounding_box().inflate(reach, reach);
            Some(stroke.transform.transform_rect_bbox(local))
        }
        RenderCommand::GlyphRun(run) => {
            let em = fonts.em_box(&run.font_data)?;
            let size = run.font_size as f64;
            let glyph_box = Affine::scale(size).transform_rect_bbox(em);
            let glyph_box = match run.glyph_transform {
                Some(t) => t.transform_rect_bbox(glyph_box),
                None => glyph_box,
            };
            let mut grow = run.embolden.x.abs().max(run.embolden.y.abs());
            if let Style::Stroke(stroke) = &run.style {
                grow += stroke.width / 2.0 * stroke.miter_limit.max(2.0);
            }
            let glyph_box = glyph_box.inflate(grow, grow);
            let mut local: Option<Rect> = None;
            for glyph in &run.glyphs {
                let placed = glyph_box + kurbo::Vec2::new(glyph.x as f64, glyph.y as f64);
                local = Some(local.map_or(placed, |l| l.union(placed)));
            }
            Some(run.transform.transform_rect_bbox(local?))
        }
        RenderCommand::BoxShadow(shadow) => {
            // The rasteriser cuts the blur off at 2.5 standard deviations.
            let grow = shadow.std_dev.abs() * 2.5 + 1.0;
            Some(
                shadow
                    .transform
                    .transform_rect_bbox(shadow.rect.inflate(grow, grow)),
            )
        }
        RenderCommand::PushLayer(_) | RenderCommand::PushClipLayer(_) | RenderCommand::PopLayer => {
            None
        }
    }
}

/// splitmix64's finaliser: a bijection that spreads every input bit over the output.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Hashes what a frame draws (drawing commands; an SVG's children) to tell it from the last
/// frame's. A 64-bit hash that mixes well is all that takes (a collision would need two
/// different things in one place); SipHash, built to resist chosen keys, cost ~3x as much and
/// was half of the damage analysis.
pub(crate) type ContentHasher = foldhash::quality::FoldHasher<'static>;

pub(crate) fn content_hasher() -> ContentHasher {
    foldhash::quality::FixedState::with_seed(0x6b69_6e65_6d61).build_hasher()
}

fn command_hash(command: &RenderCommand) -> u64 {
    let mut h = content_hasher();
    match command {
        RenderCommand::PushLayer(layer) => {
            0u8.hash(&mut h);
            hash_fill(layer.fill, &mut h);
            (layer.blend.mix as u8, layer.blend.compose as u8).hash(&mut h);
            layer.alpha.to_bits().hash(&mut h);
            hash_affine(layer.transform, &mut h);
            hash_path(&layer.clip, &mut h);
            // Filters are rare: their debug form is precise enough (floats print exactly).
            format!("{:?}", layer.filter).hash(&mut h);
            format!("{:?}", layer.backdrop_filter).hash(&mut h);
        }
        RenderCommand::PushClipLayer(clip) => {
            1u8.hash(&mut h);
            hash_fill(clip.fill, &mut h);
            hash_affine(clip.transform, &mut h);
            hash_path(&clip.clip, &mut h);
        }
        RenderCommand::PopLayer => 2u8.hash(&mut h),
        RenderCommand::Stroke(stroke) => {
            3u8.hash(&mut h);
            hash_stroke_paint(stroke, &mut h);
            hash_path(&stroke.shape, &mut h);
        }
        RenderCommand::Fill(fill) => {
            4u8.hash(&mut h);
            hash_fill(fill.fill, &mut h);
            hash_affine(fill.transform, &mut h);
            hash_paint(&fill.brush, &mut h);
            fill.brush_transform.map(hash_affine_bits).hash(&mut h);
            hash_path(&fill.shape, &mut h);
        }
        RenderCommand::GlyphRun(run) => {
            5u8.hash(&mut h);
            run.font_data.data.id().hash(&mut h);
            run.font_data.index.hash(&mut h);
            run.font_size.to_bits().hash(&mut h);
            run.hint.hash(&mut h);
            run.normalized_coords.hash(&mut h);
            run.embolden.x.to_bits().hash(&mut h);
            run.embolden.y.to_bits().hash(&mut h);
            match &run.style {
                Style::Fill(fill) => hash_fill(*fill, &mut h),
                Style::Stroke(stroke) => hash_stroke_style(stroke, &mut h),
            }
            hash_paint(&run.brush, &mut h);
            run.brush_alpha.to_bits().hash(&mut h);
            hash_affine(run.transform, &mut h);
            run.glyph_transform.map(hash_affine_bits).hash(&mut h);
            for glyph in &run.glyphs {
                glyph.id.hash(&mut h);
                glyph.x.to_bits().hash(&mut h);
                glyph.y.to_bits().hash(&mut h);
            }
        }
        RenderCommand::BoxShadow(shadow) => {
            6u8.hash(&mut h);
            hash_affine(shadow.transform, &mut h);
            for v in [
                shadow.rect.x0,
                shadow.rect.y0,
                shadow.rect.x1,
                shadow.rect.y1,
            ] {
                v.to_bits().hash(&mut h);
            }
            hash_color(shadow.brush, &mut h);
            shadow.radius.to_bits().hash(&mut h);
            shadow.std_dev.to_bits().hash(&mut h);
        }
    }
    h.finish()
}

/// Everything about a stroke but its path.
fn hash_stroke_paint(stroke: &anyrender::recording::StrokeCommand, h: &mut ContentHasher) {
    hash_stroke_style(&stroke.style, h);
    hash_affine(stroke.transform, h);
    hash_paint(&stroke.brush, h);
    stroke.brush_transform.map(hash_affine_bits).hash(h);
}

fn hash_stroke_style(style: &Stroke, h: &mut ContentHasher) {
    [style.width, style.miter_limit, style.dash_offset]
        .map(f64::to_bits)
        .hash(h);
    [style.join as u8, style.start_cap as u8, style.end_cap as u8].hash(h);
    style.dash_pattern.len().hash(h);
    for dash in style.dash_pattern.iter() {
        dash.to_bits().hash(h);
    }
}

fn hash_fill(fill: Fill, h: &mut ContentHasher) {
    matches!(fill, Fill::NonZero).hash(h);
}

fn hash_affine_bits(t: Affine) -> [u64; 6] {
    t.as_coeffs().map(f64::to_bits)
}

fn hash_affine(t: Affine, h: &mut ContentHasher) {
    hash_affine_bits(t).hash(h);
}

fn hash_color(color: peniko::Color, h: &mut ContentHasher) {
    color.components.map(f32::to_bits).hash(h);
}

fn hash_path(path: &BezPath, h: &mut ContentHasher) {
    path.elements().len().hash(h);
    for element in path.elements() {
        hash_element(element, h);
    }
}

fn hash_element(element: &kurbo::PathEl, h: &mut ContentHasher) {
    use kurbo::PathEl;
    let tag: u8 = match element {
        PathEl::MoveTo(_) => 0,
        PathEl::LineTo(_) => 1,
        PathEl::QuadTo(..) => 2,
        PathEl::CurveTo(..) => 3,
        PathEl::ClosePath => 4,
    };
    tag.hash(h);
    for p in element_points(element) {
        [p.x.to_bits(), p.y.to_bits()].hash(h);
    }
}

/// The points a path element names (control points, then the end point).
fn element_points(element: &kurbo::PathEl) -> impl Iterator<Item = kurbo::Point> {
    use kurbo::PathEl;
    let (points, count) = match *element {
        PathEl::MoveTo(p) | PathEl::LineTo(p) => ([p, p, p], 1),
        PathEl::QuadTo(a, b) => ([a, b, b], 2),
        PathEl::CurveTo(a, b, c) => ([a, b, c], 3),
        PathEl::ClosePath => ([kurbo::Point::ZERO; 3], 0),
    };
    points.into_iter().take(count)
}

fn hash_paint(paint: &Paint, h: &mut ContentHasher) {
    match paint {
        Paint::Solid(color) => {
            0u8.hash(h);
            hash_color(*color, h);
        }
        Paint::Gradient(gradient) => {
            1u8.hash(h);
            format!("{gradient:?}").hash(h);
        }
        Paint::Image(image) => {
            2u8.hash(h);
            let data = &image.image;
            data.data.id().hash(h);
            (data.width, data.height).hash(h);
            format!(
                "{:?} {:?} {:?}",
                data.format, data.alpha_type, image.sampler
            )
            .hash(h);
        }
        Paint::Resource(image) => {
            3u8.hash(h);
            format!("{image:?}").hash(h);
        }
        // The recorder turns custom paints into transparent ones; nothing to tell apart.
        Paint::Custom(_) => 4u8.hash(h),
    }
}

/// What to rasterise for a frame.
#[derive(Debug, PartialEq)]
pub(crate) enum Plan {
    /// Everything (no earlier frame, another size, or most of it changed).
    Full,
    /// Nothing changed: last frame's pixels are this frame's.
    Unchanged,
    /// Only these rectangles (disjoint, in device pixels).
    Regions(Vec<PixelRect>),
}

/// Last frame's tile hashes, per renderer.
#[derive(Default)]
pub(crate) struct DamageTracker {
    last: Option<(Grid, Vec<u64>)>,
}

impl DamageTracker {
    /// Forget the last frame (its pixels are gone or stale).
    pub(crate) fn forget(&mut self) {
        self.last = None;
    }

    /// Decide what to rasterise for a frame, and remember its tiles for the next one.
    pub(crate) fn plan(&mut self, analysis: &Analysis) -> (Plan, Vec<TileRect>) {
        let grid = analysis.grid;
        let previous = self.last.replace((grid, analysis.tile_hashes.clone()));
        let Some((last_grid, last_hashes)) = previous else {
            return (Plan::Full, Vec::new());
        };
        if last_grid != grid {
            return (Plan::Full, Vec::new());
        }
        let mut dirty: Vec<bool> = last_hashes
            .iter()
            .zip(&analysis.tile_hashes)
            .map(|(a, b)| a != b)
            .collect();
        // A filtered layer touching a changed tile is repainted whole.
        loop {
            let mut grew = false;
            for unit in &analysis.units {
                let touched = (unit.r0..unit.r1)
                    .any(|r| (unit.c0..unit.c1).any(|c| dirty[(r * grid.cols + c) as usize]));
                if !touched {
                    continue;
                }
                for r in unit.r0..unit.r1 {
                    for c in unit.c0..unit.c1 {
                        let tile = &mut dirty[(r * grid.cols + c) as usize];
                        grew |= !*tile;
                        *tile = true;
                    }
                }
            }
            if !grew {
                break;
            }
        }
        let changed = dirty.iter().filter(|d| **d).count();
        tracing::trace!(
            changed,
            tiles = dirty.len(),
            filtered_layers = analysis.units.len(),
            "damage"
        );
        if changed == 0 {
            return (Plan::Unchanged, Vec::new());
        }
        if changed as f64 > dirty.len() as f64 * FULL_FRAME_SHARE {
            return (Plan::Full, Vec::new());
        }
        let tiles = merge_tiles(&dirty, grid);
        let pixels = tiles.iter().map(|t| grid.pixels_of(*t)).collect();
        (Plan::Regions(pixels), tiles)
    }
}

/// Cover the dirty tiles with few disjoint rectangles: runs along each row, then runs with the
/// same columns stacked across rows.
fn merge_tiles(dirty: &[bool], grid: Grid) -> Vec<TileRect> {
    let mut done: Vec<TileRect> = Vec::new();
    let mut open: Vec<TileRect> = Vec::new();
    for r in 0..grid.rows {
        let mut runs = Vec::new();
        let mut c = 0;
        while c < grid.cols {
            if dirty[(r * grid.cols + c) as usize] {
                let start = c;
                while c < grid.cols && dirty[(r * grid.cols + c) as usize] {
                    c += 1;
                }
                runs.push((start, c));
            } else {
                c += 1;
            }
        }
        let mut next_open = Vec::new();
        for (c0, c1) in runs {
            match open.iter().position(|o| o.c0 == c0 && o.c1 == c1) {
                Some(i) => {
                    let mut grown = open.swap_remove(i);
                    grown.r1 = r + 1;
                    next_open.push(grown);
                }
                None => next_open.push(TileRect {
                    c0,
                    r0: r,
                    c1,
                    r1: r + 1,
                }),
            }
        }
        done.append(&mut open);
        open = next_open;
    }
    done.append(&mut open);
    done
}

/// Replay the recorded commands in `range` into `scene`, skipping those that cannot touch
/// `regions` (`None`: everywhere), with the device origin moved to `origin` (so that a scene
/// smaller than the frame holds the frame's pixels from `origin` on).
pub(crate) fn replay<S: PaintScene>(
    scene: &mut S,
    commands: &[RenderCommand],
    analysis: &Analysis,
    range: Range<usize>,
    regions: Option<&[TileRect]>,
    origin: (u32, u32),
) {
    let shift =
        (origin != (0, 0)).then(|| Affine::translate((-(origin.0 as f64), -(origin.1 as f64))));
    let per_command = analysis.reach[range.clone()]
        .iter()
        .zip(&analysis.no_op[range.clone()])
        .zip(&analysis.isolate[range.clone()]);
    for (command, ((reach, no_op), isolate)) in commands[range].iter().zip(per_command) {
        if *no_op {
            continue;
        }
        if let Some(regions) = regions
            && !regions.iter().any(|r| r.overlaps(reach))
        {
            continue;
        }
        match command {
            // A clip layer of the scene is a clip path of the rasteriser (which does not
            // isolate); one with a filter inside stays a layer, see `clips_around_filters`.
            RenderCommand::PushClipLayer(clip) if *isolate => scene.push_layer(
                clip.fill,
                peniko::BlendMode::default(),
                1.0,
                shift.map_or(clip.transform, |shift| shift * clip.transform),
                &clip.clip,
                None,
                None,
            ),
            _ => replay_one(scene, command, shift),
        }
    }
}

/// Which clips must be layers. The rasteriser narrows every drawing under a clip path to the
/// clip, including drawings inside a filtered layer; but a filter (a blur) applies to its
/// content unclipped, and only the filtered result is clipped. So a clip with a filtered layer
/// inside it is drawn as a layer, which clips what is composited out of it instead.
fn clips_around_filters(commands: &[RenderCommand]) -> Vec<bool> {
    let mut isolate = vec![false; commands.len()];
    // Per open layer: where it was pushed, if it is a clip.
    let mut open: Vec<Option<usize>> = Vec::new();
    for (index, command) in commands.iter().enumerate() {
        match command {
            RenderCommand::PushClipLayer(_) => open.push(Some(index)),
            RenderCommand::PushLayer(layer) => {
                if layer.filter.is_some() {
                    for clip in open.iter().flatten() {
                        isolate[*clip] = true;
                    }
                }
                open.push(None);
            }
            RenderCommand::PopLayer => {
                open.pop();
            }
            _ => {}
        }
    }
    isolate
}

/// Which layer pushes and pops change no pixel and need not be drawn. Layout wraps a whole
/// composition in clips the size of the frame (the root's and each full-frame container's
/// overflow clip): each costs the rasteriser a layer buffer to fill and composite for every
/// pixel. A layer is a no-op when it only clips (a clip layer, or a layer at full opacity
/// with normal blending and no filter), its clip is an axis-aligned rectangle covering the
/// whole frame, and nothing inside it blends with what is below (which a layer would isolate).
/// It is decided per frame, the same for every rectangle of it, so repainting a part of a
/// frame draws what painting the whole frame draws.
fn no_op_layers(commands: &[RenderCommand], grid: Grid) -> Vec<bool> {
    let frame = Rect::new(0.0, 0.0, grid.width as f64, grid.height as f64);
    let mut no_op = vec![false; commands.len()];
    // Per open layer: where it was pushed and whether it can still be left out.
    let mut open: Vec<(usize, bool)> = Vec::new();
    for (index, command) in commands.iter().enumerate() {
        match command {
            RenderCommand::PushClipLayer(clip) => {
                let covers =
                    device_rect(&clip.clip, clip.transform).is_some_and(|r| r.contains_rect(frame));
                open.push((index, covers));
            }
            RenderCommand::PushLayer(layer) => {
                let plain = layer.alpha == 1.0
                    && layer.blend == peniko::BlendMode::default()
                    && layer.filter.is_none()
                    && layer.backdrop_filter.is_none();
                let covers = plain
                    && device_rect(&layer.clip, layer.transform)
                        .is_some_and(|r| r.contains_rect(frame));
                // A layer that blends (or filters what is behind it) would reach through the
                // layers around it once they were gone.
                if layer.blend != peniko::BlendMode::default() || layer.backdrop_filter.is_some() {
                    for (_, removable) in &mut open {
                        *removable = false;
                    }
                }
                open.push((index, covers));
            }
            RenderCommand::PopLayer => {
                if let Some((push, removable)) = open.pop()
                    && removable
                {
                    no_op[push] = true;
                    no_op[index] = true;
                }
            }
            _ => {}
        }
    }
    no_op
}

/// The device-space rectangle a clip path covers, if it is an axis-aligned rectangle under an
/// axis-aligned transform.
fn device_rect(path: &BezPath, transform: Affine) -> Option<Rect> {
    use kurbo::PathEl;
    let [_, b, c, _, _, _] = transform.as_coeffs();
    if b != 0.0 || c != 0.0 {
        return None;
    }
    let mut points = Vec::with_capacity(5);
    for (i, element) in path.elements().iter().enumerate() {
        match (i, element) {
            (0, PathEl::MoveTo(p)) => points.push(*p),
            (1..=4, PathEl::LineTo(p)) => points.push(*p),
            (3.., PathEl::ClosePath) => {}
            _ => return None,
        }
    }
    if points.len() == 5 && points[4] == points[0] {
        points.pop();
    }
    if points.len() != 4 {
        return None;
    }
    // Each side is horizontal or vertical, alternating.
    for i in 0..4 {
        let (p, q, r) = (points[i], points[(i + 1) % 4], points[(i + 2) % 4]);
        let along_x = p.y == q.y && p.x != q.x;
        let along_y = p.x == q.x && p.y != q.y;
        let next_x = q.y == r.y && q.x != r.x;
        if !(along_x || along_y) || along_x == next_x {
            return None;
        }
    }
    let bounds = points
        .iter()
        .skip(1)
        .fold(Rect::from_points(points[0], points[0]), |r, p| {
            r.union_pt(*p)
        });
    Some(transform.transform_rect_bbox(bounds))
}

fn replay_one<S: PaintScene>(scene: &mut S, command: &RenderCommand, shift: Option<Affine>) {
    // Brush and glyph transforms are relative to the command's own, so only that one moves.
    let moved = |transform: Affine| shift.map_or(transform, |shift| shift * transform);
    match command {
        RenderCommand::PushLayer(layer) => scene.push_layer(
            layer.fill,
            layer.blend,
            layer.alpha,
            moved(layer.transform),
            &layer.clip,
            layer.filter.clone(),
            layer.backdrop_filter.clone(),
        ),
        RenderCommand::PushClipLayer(clip) => {
            scene.push_clip_layer(clip.fill, moved(clip.transform), &clip.clip)
        }
        RenderCommand::PopLayer => scene.pop_layer(),
        RenderCommand::Stroke(stroke) => scene.stroke(
            &stroke.style,
            moved(stroke.transform),
            stroke.brush.as_ref(),
            stroke.brush_transform,
            &stroke.shape,
        ),
        RenderCommand::Fill(fill) => scene.fill(
            fill.fill,
            moved(fill.transform),
            fill.brush.as_ref(),
            fill.brush_transform,
            &fill.shape,
        ),
        RenderCommand::GlyphRun(run) => scene.draw_glyphs(
            &run.font_data,
            run.font_size,
            run.hint,
            &run.normalized_coords,
            run.embolden,
            &run.style,
            run.brush.as_ref(),
            run.brush_alpha,
            moved(run.transform),
            run.glyph_transform,
            run.glyphs.iter().copied(),
        ),
        RenderCommand::BoxShadow(shadow) => scene.draw_box_shadow(
            moved(shadow.transform),
            shadow.rect,
            shadow.brush,
            shadow.radius,
            shadow.std_dev,
        ),
    }
}

/// The clip that limits rasterising to `regions`.
pub(crate) fn clip_path(regions: &[PixelRect]) -> BezPath {
    let mut path = BezPath::new();
    for r in regions {
        let rect = Rect::new(r.x0 as f64, r.y0 as f64, r.x1 as f64, r.y1 as f64);
        path.extend(rect.path_elements(0.1));
    }
    path
}

/// Rasterise the commands in `range` that can reach `tiles` over the pixels `region` (which
/// covers them) of `pixels`, a premultiplied image of `size`, in a scene of the region's size.
#[allow(clippy::too_many_arguments)]
pub(crate) fn rasterise_region(
    raster: &mut crate::raster::Rasterizer,
    pixels: &mut [u8],
    size: (u16, u16),
    commands: &[RenderCommand],
    analysis: &Analysis,
    range: Range<usize>,
    (region, tiles): (PixelRect, TileRect),
    prepared: crate::raster::Prepared<'_>,
) {
    raster.render_over(
        pixels,
        size,
        (region.x0 as u16, region.y0 as u16),
        (
            (region.x1 - region.x0) as u16,
            (region.y1 - region.y0) as u16,
        ),
        prepared,
        |scene| {
            replay(
                scene,
                commands,
                analysis,
                range,
                Some(std::slice::from_ref(&tiles)),
                (region.x0, region.y0),
            )
        },
    );
}

/// Make `region` of a `width`-pixel-wide RGBA image transparent.
pub(crate) fn clear_region(pixels: &mut [u8], width: u32, region: PixelRect) {
    for y in region.y0..region.y1 {
        let start = (y as usize * width as usize + region.x0 as usize) * 4;
        let end = (y as usize * width as usize + region.x1 as usize) * 4;
        pixels[start..end].fill(0);
    }
}

/// Copy `regions` of a `width`-pixel-wide RGBA image from `from` to `to`.
pub(crate) fn copy_regions(from: &[u8], to: &mut [u8], width: u32, regions: &[PixelRect]) {
    for r in regions {
        for y in r.y0..r.y1 {
            let start = (y as usize * width as usize + r.x0 as usize) * 4;
            let end = (y as usize * width as usize + r.x1 as usize) * 4;
            to[start..end].copy_from_slice(&from[start..end]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_a_box_with_margin() {
        let grid = Grid::new(100, 70);
        assert_eq!((grid.cols, grid.rows), (4, 3));
        let t = grid.tiles_of(Some(Rect::new(33.0, 10.0, 40.0, 20.0)));
        // The 2-pixel margin reaches into the first column.
        assert_eq!(
            t,
            TileRect {
                c0: 0,
                r0: 0,
                c1: 2,
                r1: 1
            }
        );
        assert_eq!(grid.tiles_of(None), grid.all());
        assert_eq!(
            grid.pixels_of(TileRect {
                c0: 3,
                r0: 2,
                c1: 4,
                r1: 3
            }),
            PixelRect {
                x0: 96,
                y0: 64,
                x1: 100,
                y1: 70
            }
        );
    }

    #[test]
    fn merged_rectangles_cover_exactly_the_dirty_tiles() {
        let grid = Grid::new(6 * TILE, 4 * TILE);
        let pattern = [".xx..x", ".xx...", "xxxx..", "....xx"];
        let dirty: Vec<bool> = pattern
            .iter()
            .flat_map(|row| row.chars().map(|c| c == 'x'))
            .collect();
        let rects = merge_tiles(&dirty, grid);
        let mut covered = vec![0; dirty.len()];
        for r in &rects {
            for row in r.r0..r.r1 {
                for c in r.c0..r.c1 {
                    covered[(row * grid.cols + c) as usize] += 1;
                }
            }
        }
        let expected: Vec<i32> = dirty.iter().map(|d| *d as i32).collect();
        assert_eq!(covered, expected);
        // The two-row block is one rectangle.
        assert!(rects.contains(&TileRect {
            c0: 1,
            r0: 0,
            c1: 3,
            r1: 2
        }));
        assert_eq!(rects.len(), 4);
    }

    #[test]
    fn clips_covering_the_frame_are_left_out() {
        use anyrender::recording::{ClipCommand, FillCommand, LayerCommand};
        use peniko::{BlendMode, Color, Mix};
        let grid = Grid::new(200, 100);
        let clip = |rect: Rect, transform: Affine| {
            RenderCommand::PushClipLayer(ClipCommand {
                fill: Fill::NonZero,
                transform,
                clip: rect.to_path(0.1),
            })
        };
        let layer = |rect: Rect, alpha: f32, blend: BlendMode| {
            RenderCommand::PushLayer(LayerCommand {
                fill: Fill::NonZero,
                blend,
                alpha,
                transform: Affine::IDENTITY,
                clip: rect.to_path(0.1),
                filter: None,
                backdrop_filter: None,
            })
        };
        let fill = RenderCommand::Fill(FillCommand {
            fill: Fill::NonZero,
            transform: Affine::IDENTITY,
            brush: Color::WHITE.into(),
            brush_transform: None,
            shape: Rect::new(10.0, 10.0, 50.0, 50.0).to_path(0.1),
        });
        let frame = Rect::new(0.0, 0.0, 200.0, 100.0);
        let larger = Rect::new(-20.0, -20.0, 220.0, 120.0);
        let normal = BlendMode::default();
        let commands = vec![
            clip(frame, Affine::IDENTITY), // 0: left out
            layer(larger, 1.0, normal),    // 1: left out
            clip(Rect::new(0.0, 0.0, 100.0, 100.0), Affine::IDENTITY), // 2: smaller
            clip(Rect::new(0.0, 0.0, 2.0, 1.0), Affine::scale(100.0)), // 3: scaled to cover
            layer(frame, 0.5, normal),     // 4: translucent
            clip(frame, Affine::rotate(0.1)), // 5: rotated
            fill.clone(),
            RenderCommand::PopLayer, // 5
            RenderCommand::PopLayer, // 4
            RenderCommand::PopLayer, // 3
            RenderCommand::PopLayer, // 2
            RenderCommand::PopLayer, // 1
            RenderCommand::PopLayer, // 0
        ];
        let no_op = no_op_layers(&commands, grid);
        let expected = [
            true, true, false, true, false, false, false, false, false, true, false, true, true,
        ];
        assert_eq!(no_op, expected);

        // A layer inside that blends with what is below keeps the layers around it.
        let blending = vec![
            clip(frame, Affine::IDENTITY),
            layer(Rect::new(0.0, 0.0, 50.0, 50.0), 1.0, Mix::Multiply.into()),
            fill,
            RenderCommand::PopLayer,
            RenderCommand::PopLayer,
        ];
        assert!(no_op_layers(&blending, grid).iter().all(|n| !n));
        // Rounded corners are not a rectangle.
        let rounded = kurbo::RoundedRect::from_rect(larger, 8.0).to_path(0.1);
        assert!(device_rect(&rounded, Affine::IDENTITY).is_none());
    }

    #[test]
    fn only_clips_around_a_filter_stay_layers() {
        use anyrender::recording::{ClipCommand, LayerCommand};
        use peniko::BlendMode;
        let clip = RenderCommand::PushClipLayer(ClipCommand {
            fill: Fill::NonZero,
            transform: Affine::IDENTITY,
            clip: Rect::new(0.0, 0.0, 10.0, 10.0).to_path(0.1),
        });
        let layer = |filter: Option<std::sync::Arc<anyrender::Filter>>| {
            RenderCommand::PushLayer(LayerCommand {
                fill: Fill::NonZero,
                blend: BlendMode::default(),
                alpha: 0.5,
                transform: Affine::IDENTITY,
                clip: Rect::new(0.0, 0.0, 10.0, 10.0).to_path(0.1),
                filter,
                backdrop_filter: None,
            })
        };
        let blur = std::sync::Arc::new(anyrender::Filter::single(
            anyrender::filters::FilterEffect::blur(4.0),
        ));
        let commands = vec![
            clip.clone(),            // 0: a blur inside
            clip.clone(),            // 1: closed before the blur
            RenderCommand::PopLayer, // 1
            layer(None),             // 3
            clip.clone(),            // 4: a blur inside
            layer(Some(blur)),       // 5
            RenderCommand::PopLayer, // 5
            RenderCommand::PopLayer, // 4
            RenderCommand::PopLayer, // 3
            clip,                    // 9: after it
            RenderCommand::PopLayer, // 9
            RenderCommand::PopLayer, // 0
        ];
        let isolate = clips_around_filters(&commands);
        let expected: Vec<usize> = (0..commands.len()).filter(|i| isolate[*i]).collect();
        assert_eq!(expected, [0, 4]);
    }

    #[test]
    fn mixing_depends_on_order() {
        let a = mix(mix(1) ^ 2);
        let b = mix(mix(2) ^ 1);
        assert_ne!(a, b);
    }
}
