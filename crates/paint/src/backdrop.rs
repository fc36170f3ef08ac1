//! The backdrop: the bottom of a frame's drawing that stays the same from frame to frame (the
//! background gradient under moving cards), rasterised into a frame-sized image of its own and
//! copied under each repainted rectangle instead of being drawn again.
//!
//! A frame's first drawings, up to the first layer that is drawn, paint straight onto the
//! frame, so the pixels they leave do not depend on anything drawn after them. Those that
//! were the same in the last frame (by hash, in order) make the backdrop. A repainted rectangle
//! starts from the backdrop's pixels and only the drawings after it are rasterised over them
//! (source-over, as they would have been over the same pixels drawn in the same scene).
//! The backdrop is rasterised lazily, tile by tile, the first time a repainted rectangle needs
//! a tile, so it never costs more than drawing those drawings once where they are needed.
//! It is dropped as soon as its drawings change. When more drawings than it holds stay the
//! same (a card has settled), it is rebuilt to hold them only after they have held still for
//! [`GROW_AFTER_FRAMES`] frames: each rebuild rasterises it again from nothing, and cards still
//! settling would otherwise grow and drop it every other frame.

use anyrender::recording::RenderCommand;

use crate::damage::{self, Analysis, Grid, PixelRect, TileRect};
use crate::raster::{Prepared, Rasterizer};

/// The backdrop of a renderer's frames, if the last frames had one.
#[derive(Default)]
pub(crate) struct BackdropTracker {
    /// The hashes of last frame's base drawings (see [`Analysis::base`]).
    last: Vec<u64>,
    backdrop: Option<Backdrop>,
    /// A dropped backdrop's pixel buffer, for the next one: fresh memory costs a page fault
    /// per page at first touch, several milliseconds for a 1080p frame.
    spare: Vec<u8>,
    /// Frames in a row in which more base drawings held still than the backdrop holds, and the
    /// fewest that held still in any of them.
    grow_streak: Option<(u32, usize)>,
}

/// Frames in a row that more base drawings must hold still for before the backdrop is
/// rebuilt to hold them too.
const GROW_AFTER_FRAMES: u32 = 15;

/// Rasterised base drawings.
struct Backdrop {
    /// The hashes of the drawings it holds: the first base drawings of the frames it serves.
    hashes: Vec<u64>,
    grid: Grid,
    /// Premultiplied RGBA8, the frame's size; only `ready` tiles hold pixels.
    pixels: Vec<u8>,
    /// Per tile, row by row: whether it has been rasterised.
    ready: Vec<bool>,
}

impl BackdropTracker {
    /// Forget everything (the frame size changed, or frames are no longer painted in order).
    pub(crate) fn forget(&mut self) {
        self.last.clear();
        self.backdrop = None;
        self.spare = Vec::new();
        self.grow_streak = None;
    }

    /// Take a frame's base drawings; if some of them can be a backdrop, the index of the first
    /// command to draw over it. `None` when no drawing at the bottom of this frame was also at
    /// the bottom of the last one.
    pub(crate) fn select(&mut self, analysis: &Analysis, grid: Grid) -> Option<usize> {
        let base = &analysis.base;
        let common = self
            .last
            .iter()
            .zip(base)
            .take_while(|(last, drawing)| **last == drawing.hash)
            .count();
        self.last.clear();
        self.last.extend(base.iter().map(|drawing| drawing.hash));
        let fits = |b: &Backdrop| {
            b.grid == grid
                && b.hashes.len() <= base.len()
                && b.hashes.iter().zip(base).all(|(a, b)| *a == b.hash)
        };
        let kept = self
            .backdrop
            .as_ref()
            .filter(|b| fits(b))
            .map(|b| b.hashes.len());
        // More drawings held still than the backdrop holds: worth a bigger backdrop only once
        // they have held still for a while, since a backdrop that stops fitting is rasterised
        // again from nothing (cards still settling would rebuild it every other frame).
        // (The streak counts frames and keeps the fewest drawings that held still in any.)
        self.grow_streak = match kept {
            Some(len) if common > len => match self.grow_streak {
                Some((frames, held)) => Some((frames + 1, held.min(common))),
                None => Some((1, common)),
            },
            _ => None,
        };
        // How many drawings a new backdrop would hold, if one is due.
        let rebuild = match (kept, self.grow_streak) {
            (None, _) => Some(common),
            (Some(_), Some((frames, held))) if frames >= GROW_AFTER_FRAMES => Some(held),
            _ => None,
        };
        if let Some(hold) = rebuild {
            self.grow_streak = None;
            if let Some(old) = self.backdrop.take() {
                self.spare = old.pixels;
            }
            // Copying a backdrop in is worth it only over drawings that cost more per pixel.
            let worth = base[..hold].iter().any(|drawing| drawing.costly);
            if worth {
                let mut pixels = std::mem::take(&mut self.spare);
                pixels.resize(grid.width as usize * grid.height as usize * 4, 0);
                self.backdrop = Some(Backdrop {
                    hashes: base[..hold].iter().map(|drawing| drawing.hash).collect(),
                    grid,
                    pixels,
                    ready: vec![false; (grid.cols * grid.rows) as usize],
                });
            }
        }
        let backdrop = self.backdrop.as_ref()?;
        Some(base[backdrop.hashes.len() - 1].index + 1)
    }

    /// Rasterise the tiles of `tiles` the backdrop lacks, from the frame's first `end`
    /// commands.
    pub(crate) fn prepare(
        &mut self,
        tiles: TileRect,
        raster: &mut Rasterizer,
        commands: &[RenderCommand],
        analysis: &Analysis,
        end: usize,
        prepared: Prepared<'_>,
    ) {
        let Some(backdrop) = &mut self.backdrop else {
            return;
        };
        let grid = backdrop.grid;
        // The box of the missing tiles: a repainted rectangle usually needs all or none.
        let mut missing: Option<TileRect> = None;
        for r in tiles.r0..tiles.r1 {
            for c in tiles.c0..tiles.c1 {
                if !backdrop.ready[(r * grid.cols + c) as usize] {
                    let tile = TileRect {
                        c0: c,
                        r0: r,
                        c1: c + 1,
                        r1: r + 1,
                    };
                    missing = Some(missing.map_or(tile, |m| TileRect {
                        c0: m.c0.min(c),
                        r0: m.r0.min(r),
                        c1: m.c1.max(c + 1),
                        r1: m.r1.max(r + 1),
                    }));
                }
            }
        }
        let Some(missing) = missing else {
            return;
        };
        let region = grid.pixels_of(missing);
        damage::clear_region(&mut backdrop.pixels, grid.width, region);
        damage::rasterise_region(
            raster,
            &mut backdrop.pixels,
            (grid.width as u16, grid.height as u16),
            commands,
            analysis,
            0..end,
            (region, missing),
            prepared,
        );
        for r in missing.r0..missing.r1 {
            let row = (r * grid.cols) as usize;
            backdrop.ready[row + missing.c0 as usize..row + missing.c1 as usize].fill(true);
        }
    }

    /// Copy the backdrop's `region` (whose tiles are ready) into the same place of `frame`.
    pub(crate) fn copy_to(&self, frame: &mut [u8], region: PixelRect) {
        if let Some(backdrop) = &self.backdrop {
            damage::copy_regions(
                &backdrop.pixels,
                frame,
                backdrop.grid.width,
                std::slice::from_ref(&region),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::damage::FontBoxes;
    use anyrender::Paint as Brush;
    use anyrender::recording::{ClipCommand, FillCommand};
    use kurbo::{Affine, Rect, Shape};
    use peniko::{Color, Fill, Gradient};

    const SIZE: (u32, u32) = (256, 128);

    fn fill(rect: Rect, brush: Brush) -> RenderCommand {
        RenderCommand::Fill(FillCommand {
            fill: Fill::NonZero,
            transform: Affine::IDENTITY,
            brush,
            brush_transform: None,
            shape: rect.to_path(0.1),
        })
    }

    fn gradient(to: Color) -> Brush {
        Brush::Gradient(
            Gradient::new_linear((0.0, 0.0), (256.0, 0.0)).with_stops([Color::BLACK, to]),
        )
    }

    /// A frame: `bottom` under a card at `x`, clipped by a rounded box (a layer that is drawn).
    fn frame(bottom: &[Brush], x: f64) -> Vec<RenderCommand> {
        let mut commands: Vec<RenderCommand> = bottom
            .iter()
            .map(|brush| fill(Rect::new(0.0, 0.0, 256.0, 128.0), brush.clone()))
            .collect();
        commands.push(RenderCommand::PushClipLayer(ClipCommand {
            fill: Fill::NonZero,
            transform: Affine::IDENTITY,
            clip: Rect::new(20.0, 20.0, 200.0, 100.0)
                .to_rounded_rect(8.0)
                .to_path(0.1),
        }));
        commands.push(fill(
            Rect::new(x, 30.0, x + 40.0, 90.0),
            Brush::Solid(Color::WHITE),
        ));
        commands.push(RenderCommand::PopLayer);
        commands
    }

    fn select(tracker: &mut BackdropTracker, commands: &[RenderCommand]) -> Option<usize> {
        let grid = Grid::new(SIZE.0, SIZE.1);
        let analysis = damage::analyse(commands, grid, &mut FontBoxes::default());
        tracker.select(&analysis, grid)
    }

    #[test]
    fn a_bottom_kept_from_the_last_frame_becomes_a_backdrop() {
        let mut tracker = BackdropTracker::default();
        let bottom = [gradient(Color::WHITE)];
        // The first frame has nothing to compare with.
        assert_eq!(select(&mut tracker, &frame(&bottom, 30.0)), None);
        // The gradient is the same, the card moved: drawing starts after the gradient.
        assert_eq!(select(&mut tracker, &frame(&bottom, 40.0)), Some(1));
        assert_eq!(select(&mut tracker, &frame(&bottom, 50.0)), Some(1));
    }

    #[test]
    fn a_changed_bottom_drops_the_backdrop_until_it_holds_still() {
        let mut tracker = BackdropTracker::default();
        let (first, second) = ([gradient(Color::WHITE)], [gradient(Color::BLACK)]);
        select(&mut tracker, &frame(&first, 30.0));
        assert_eq!(select(&mut tracker, &frame(&first, 30.0)), Some(1));
        assert_eq!(select(&mut tracker, &frame(&second, 30.0)), None);
        assert_eq!(select(&mut tracker, &frame(&second, 30.0)), Some(1));
    }

    #[test]
    fn only_the_unchanged_part_of_the_bottom_is_a_backdrop() {
        let mut tracker = BackdropTracker::default();
        let wash = |alpha| Brush::Solid(Color::from_rgba8(255, 0, 0, alpha));
        select(
            &mut tracker,
            &frame(&[gradient(Color::WHITE), wash(10)], 30.0),
        );
        // The translucent wash over the gradient changes: only the gradient is kept.
        let end = select(
            &mut tracker,
            &frame(&[gradient(Color::WHITE), wash(20)], 30.0),
        );
        assert_eq!(end, Some(1));
    }

    #[test]
    fn a_backdrop_grows_only_over_drawings_that_hold_still_for_a_while() {
        let mut tracker = BackdropTracker::default();
        let wash = |alpha| Brush::Solid(Color::from_rgba8(255, 0, 0, alpha));
        let bottom = |alpha| frame(&[gradient(Color::WHITE), wash(alpha)], 30.0);
        select(&mut tracker, &bottom(10));
        assert_eq!(select(&mut tracker, &bottom(20)), Some(1));
        // The wash flickers between holding still and changing (a card still settling): the
        // gradient alone stays the backdrop rather than being rebuilt with the wash and again
        // without it every other frame.
        for alpha in [20, 30, 30, 40, 40, 40] {
            assert_eq!(select(&mut tracker, &bottom(alpha)), Some(1));
        }
        // Held still long enough, the wash joins the backdrop.
        for _ in 1..GROW_AFTER_FRAMES {
            assert_eq!(select(&mut tracker, &bottom(50)), Some(1));
        }
        assert_eq!(select(&mut tracker, &bottom(50)), Some(1));
        assert_eq!(select(&mut tracker, &bottom(50)), Some(2));
        assert_eq!(select(&mut tracker, &bottom(50)), Some(2));
        // Once it changes, the backdrop is the gradient again.
        assert_eq!(select(&mut tracker, &bottom(60)), Some(1));
    }

    #[test]
    fn a_bottom_of_solid_colours_and_lines_is_drawn_each_time() {
        // Copying pixels in costs about what filling with one colour does; a line covers few
        // of the pixels a copy would pay for.
        let mut tracker = BackdropTracker::default();
        let mut bottom = frame(&[Brush::Solid(Color::BLACK)], 30.0);
        bottom.insert(
            1,
            RenderCommand::Stroke(anyrender::recording::StrokeCommand {
                style: kurbo::Stroke::new(2.0),
                transform: Affine::IDENTITY,
                brush: Brush::Gradient(
                    Gradient::new_linear((0.0, 0.0), (256.0, 0.0))
                        .with_stops([Color::BLACK, Color::WHITE]),
                ),
                brush_transform: None,
                shape: kurbo::Line::new((0.0, 64.0), (256.0, 64.0)).to_path(0.1),
            }),
        );
        select(&mut tracker, &bottom);
        assert_eq!(select(&mut tracker, &bottom), None);
    }
}
