//! Rounding a frame's drawing commands to a grid finer than anti-aliasing can show, so that
//! motion too small to see repaints nothing.
//!
//! Springs never quite come to rest: Remotion's default spring still changes a card's scale by
//! a few millionths two seconds after it has visibly settled — a few thousandths of a pixel at
//! its corners, every frame — and damage tracking, which compares commands exactly, would
//! repaint the card every frame of that tail. So before a frame's commands are compared or
//! rasterised they are rounded:
//! - the scale/rotation part of a command's transform to a power of two chosen from the size
//!   of what it draws, so that rounding moves no point of the shape by more than 1/64 px (a
//!   560-px card: steps of 2⁻¹⁵); then the translation so that a point near the shape's
//!   centre (the centre rounded to 64 units) lands on a 1/256 px grid: a transform about the
//!   centre, as CSS's default `transform-origin` is, keeps that point still to far below the
//!   grid however the scale rings, and a shape that grows under an unchanged transform keeps
//!   its rounded transform;
//! - local geometry to 1/1024 of a unit and opacities to 1/4096 (0.03 of a colour step);
//! - a zero that came out negative to zero, so a rotation ringing about zero is one value.
//!
//! Every frame is rounded the same way, so a frame's pixels still never depend on which frames
//! were painted before it.

use anyrender::recording::RenderCommand;
use kurbo::{Affine, BezPath, PathEl, Point, Rect};

/// Device-space positions: 1/256 px.
const DEVICE_STEP: f64 = 1.0 / 256.0;
/// How far rounding a transform's linear part may move a point of what it draws (px).
const LINEAR_BUDGET: f64 = 1.0 / 64.0;
/// The linear part's step lies between these powers of two (2⁻¹⁰: 1/64 px across 16 px;
/// 2⁻²⁰, under 1/256 px across 4096 px: when the extent of what is drawn is unknown, and for
/// transforms within an element's space).
const COARSEST_LINEAR_EXPONENT: i32 = 10;
const FINEST_LINEAR_EXPONENT: i32 = 20;
const FINEST_LINEAR_STEP: f64 = 1.0 / 1_048_576.0;
/// Coordinates in an element's own space: 1/1024 of a unit.
const LOCAL_STEP: f64 = 1.0 / 1024.0;
/// The grid, in an element's own units, that a transform's anchor point is rounded to.
const ANCHOR_STEP: f64 = 64.0;
/// Opacity: 1/4096.
const ALPHA_STEP: f32 = 1.0 / 4096.0;

/// `value` on a grid of `step`; never -0 (whose bits differ from 0's).
fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step + 0.0
}

/// The step for the linear part of a transform drawing something `radius` units around its
/// centre: the largest power of two that moves no point of it by more than [`LINEAR_BUDGET`].
fn linear_step(radius: f64) -> f64 {
    if !(radius.is_finite() && radius > 0.0) {
        return FINEST_LINEAR_STEP;
    }
    let exponent = ((radius / LINEAR_BUDGET).log2().ceil() as i32)
        .clamp(COARSEST_LINEAR_EXPONENT, FINEST_LINEAR_EXPONENT);
    (-exponent as f64).exp2()
}

/// A transform within an element's space (a brush's, a glyph's).
fn local_transform(t: Affine) -> Affine {
    let [a, b, c, d, e, f] = t.as_coeffs();
    Affine::new([
        round_to(a, FINEST_LINEAR_STEP),
        round_to(b, FINEST_LINEAR_STEP),
        round_to(c, FINEST_LINEAR_STEP),
        round_to(d, FINEST_LINEAR_STEP),
        round_to(e, LOCAL_STEP),
        round_to(f, LOCAL_STEP),
    ])
}

/// A transform from an element's space to the device, for something drawn within `bounds`
/// (in the element's space; `None`: unknown, rounded finely about the origin).
fn device_transform(t: Affine, bounds: Option<Rect>) -> Affine {
    let bounds = bounds.filter(|b| [b.x0, b.y0, b.x1, b.y1].iter().all(|v| v.is_finite()));
    // The point kept where the exact transform puts it: the centre of what is drawn, on a
    // coarse grid of the element's space. Near the centre, a scale or rotation ringing about
    // it moves the point by far less than the device grid; on a grid, what is drawn can grow
    // or shrink under an unchanged transform (a chart's line drawing itself) and keep the same
    // rounded transform, so its unchanged parts are not repainted. (A pure translation is
    // rounded the same wherever the point is.)
    let (anchor, radius) = match bounds {
        Some(b) => {
            let centre = b.center();
            let anchor = Point::new(
                round_to(centre.x, ANCHOR_STEP),
                round_to(centre.y, ANCHOR_STEP),
            );
            let radius = 0.5 * b.width().hypot(b.height()) + (centre - anchor).hypot();
            (anchor, radius)
        }
        None => (Point::ORIGIN, 0.0),
    };
    let step = linear_step(radius);
    let [a, b, c, d, _, _] = t.as_coeffs();
    let linear = Affine::new([
        round_to(a, step),
        round_to(b, step),
        round_to(c, step),
        round_to(d, step),
        0.0,
        0.0,
    ]);
    // The anchor goes where the exact transform puts it, rounded to the device grid.
    let exact = t * anchor;
    let target = Point::new(
        round_to(exact.x, DEVICE_STEP),
        round_to(exact.y, DEVICE_STEP),
    );
    let moved = linear * anchor;
    linear.with_translation(kurbo::Vec2::new(
        target.x - moved.x + 0.0,
        target.y - moved.y + 0.0,
    ))
}

/// The box the glyphs of a run can cover, in the run's space: their origins, and an em around.
fn glyph_bounds(run: &anyrender::recording::GlyphRunCommand) -> Option<Rect> {
    let mut glyphs = run.glyphs.iter();
    let first = glyphs.next()?;
    let origins = glyphs.fold(
        Rect::new(
            first.x as f64,
            first.y as f64,
            first.x as f64,
            first.y as f64,
        ),
        |r, g| r.union_pt(Point::new(g.x as f64, g.y as f64)),
    );
    let em = run.font_size as f64;
    Some(origins.inflate(em, em))
}

fn point(p: Point) -> Point {
    Point::new(round_to(p.x, LOCAL_STEP), round_to(p.y, LOCAL_STEP))
}

fn path(path: &mut BezPath) {
    for el in path.elements_mut() {
        *el = match *el {
            PathEl::MoveTo(p) => PathEl::MoveTo(point(p)),
            PathEl::LineTo(p) => PathEl::LineTo(point(p)),
            PathEl::QuadTo(p1, p2) => PathEl::QuadTo(point(p1), point(p2)),
            PathEl::CurveTo(p1, p2, p3) => PathEl::CurveTo(point(p1), point(p2), point(p3)),
            PathEl::ClosePath => PathEl::ClosePath,
        };
    }
}

fn rect(r: Rect) -> Rect {
    Rect::from_points(point(r.origin()), point(Point::new(r.x1, r.y1)))
}

fn alpha(a: f32) -> f32 {
    (a / ALPHA_STEP).round() * ALPHA_STEP
}

/// Round every command of a frame in place (see the module documentation).
pub(crate) fn snap_commands(commands: &mut [RenderCommand]) {
    for command in commands {
        match command {
            RenderCommand::PushLayer(layer) => {
                layer.alpha = alpha(layer.alpha);
                path(&mut layer.clip);
                let bounds = Some(layer.clip.control_box());
                layer.transform = device_transform(layer.transform, bounds);
            }
            RenderCommand::PushClipLayer(clip) => {
                path(&mut clip.clip);
                let bounds = Some(clip.clip.control_box());
                clip.transform = device_transform(clip.transform, bounds);
            }
            RenderCommand::PopLayer => {}
            RenderCommand::Stroke(stroke) => {
                stroke.brush_transform = stroke.brush_transform.map(local_transform);
                path(&mut stroke.shape);
                let half = stroke.style.width / 2.0;
                let bounds = Some(stroke.shape.control_box().inflate(half, half));
                stroke.transform = device_transform(stroke.transform, bounds);
            }
            RenderCommand::Fill(fill) => {
                fill.brush_transform = fill.brush_transform.map(local_transform);
                path(&mut fill.shape);
                let bounds = Some(fill.shape.control_box());
                fill.transform = device_transform(fill.transform, bounds);
            }
            RenderCommand::GlyphRun(run) => {
                run.transform = device_transform(run.transform, glyph_bounds(run));
                run.glyph_transform = run.glyph_transform.map(local_transform);
                run.brush_alpha = alpha(run.brush_alpha);
            }
            RenderCommand::BoxShadow(shadow) => {
                shadow.rect = rect(shadow.rect);
                let reach = 3.0 * shadow.std_dev;
                let bounds = Some(shadow.rect.inflate(reach, reach));
                shadow.transform = device_transform(shadow.transform, bounds);
                shadow.radius = round_to(shadow.radius, LOCAL_STEP);
                shadow.std_dev = round_to(shadow.std_dev, LOCAL_STEP);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyrender::recording::{FillCommand, LayerCommand};
    use kurbo::Shape;
    use peniko::{BlendMode, Color, Fill};

    fn card(scale: f64, opacity: f32) -> Vec<RenderCommand> {
        let transform = Affine::translate((960.0, 540.0))
            * Affine::scale(scale)
            * Affine::rotate((1.0 - scale) * 0.3)
            * Affine::translate((-260.0, -165.0));
        vec![
            RenderCommand::PushLayer(LayerCommand {
                fill: Fill::NonZero,
                blend: BlendMode::default(),
                alpha: opacity,
                transform,
                clip: Rect::new(0.0, 0.0, 520.0, 330.0).to_path(0.1),
                filter: None,
                backdrop_filter: None,
            }),
            RenderCommand::Fill(FillCommand {
                fill: Fill::NonZero,
                transform,
                brush: Color::WHITE.into(),
                brush_transform: None,
                shape: Rect::new(0.0, 0.0, 520.0 * scale.min(1.0), 330.0).to_path(0.1),
            }),
            RenderCommand::PopLayer,
        ]
    }

    fn snapped(mut commands: Vec<RenderCommand>) -> Vec<RenderCommand> {
        snap_commands(&mut commands);
        commands
    }

    #[test]
    fn a_spring_ringing_below_a_pixel_fraction_paints_the_same_commands() {
        // Remotion's default spring (damping 10) two seconds in: it still rings by ~7e-6,
        // under 1/200 px at the card's corners, and its rotation crosses zero.
        let still = snapped(card(1.0, 1.0));
        assert_eq!(snapped(card(1.0 + 7e-6, 1.0 - 1e-6)), still);
        assert_eq!(snapped(card(1.0 + 3e-6, 1.0)), still);
        assert_eq!(snapped(card(1.0 - 2e-9, 1.0)), still);
        // Motion that anti-aliasing shows is kept.
        assert_ne!(snapped(card(1.0 + 1e-3, 1.0)), still);
        assert_ne!(snapped(card(1.0, 0.99)), still);
    }

    #[test]
    fn a_line_growing_under_an_unchanged_transform_keeps_its_rounded_transform() {
        // A chart's line drawing itself, in an SVG placed at a fractional offset, unscaled or
        // scaled by its viewBox: only the path grows from frame to frame.
        for transform in [
            Affine::translate((60.000_3, 163.999_8)),
            Affine::translate((60.000_3, 163.999_8)) * Affine::scale(0.75),
        ] {
            let line = |end: f64| {
                let mut path = BezPath::new();
                path.move_to((120.0, 590.29));
                path.line_to((238.18, 535.43));
                path.line_to((120.0 + end, 520.0 - end / 10.0));
                RenderCommand::Fill(FillCommand {
                    fill: Fill::NonZero,
                    transform,
                    brush: Color::WHITE.into(),
                    brush_transform: None,
                    shape: path,
                })
            };
            let transform_of = |end: f64| match &snapped(vec![line(end)])[0] {
                RenderCommand::Fill(fill) => fill.transform,
                _ => unreachable!(),
            };
            // The box's centre moves 5.9 px a frame; it crosses a 64-unit cell every ~11.
            let frames: Vec<Affine> = (0..12)
                .map(|f| transform_of(140.0 + 11.8 * f as f64))
                .collect();
            let changes = frames.windows(2).filter(|w| w[0] != w[1]).count();
            assert!(
                changes <= 2,
                "{transform:?}: {changes} changes in {frames:?}"
            );
            if transform.as_coeffs()[0] == 1.0 {
                assert_eq!(
                    changes, 0,
                    "a translation rounds the same wherever the anchor is"
                );
            }
        }
    }

    #[test]
    fn the_linear_step_keeps_large_shapes_within_the_budget() {
        assert_eq!(linear_step(310.0), (-15f64).exp2());
        assert!(linear_step(310.0) * 310.0 <= LINEAR_BUDGET);
        assert_eq!(linear_step(2.0), (-10f64).exp2());
        assert_eq!(linear_step(1e9), FINEST_LINEAR_STEP);
        assert_eq!(linear_step(f64::NAN), FINEST_LINEAR_STEP);
        assert_eq!(round_to(-1e-9, DEVICE_STEP).to_bits(), 0f64.to_bits());
    }

    #[test]
    fn rounding_moves_nothing_by_more_than_a_fraction_of_a_pixel() {
        let original = card(0.987_654_321, 0.333_333);
        let rounded = snapped(original.clone());
        let (RenderCommand::Fill(a), RenderCommand::Fill(b)) = (&original[1], &rounded[1]) else {
            panic!("the second command is the fill");
        };
        let corners = [(0.0, 0.0), (513.58, 0.0), (0.0, 330.0), (513.58, 330.0)];
        for (x, y) in corners {
            let p = a.transform * Point::new(x, y);
            let q = b.transform * Point::new(x, y);
            let moved = (p - q).hypot();
            assert!(moved <= LINEAR_BUDGET + DEVICE_STEP, "{p:?} moved to {q:?}");
        }
        let RenderCommand::PushLayer(layer) = &rounded[0] else {
            panic!("the first command is the layer");
        };
        assert!((layer.alpha - 0.333_333).abs() <= ALPHA_STEP / 2.0);
        // Rounding twice changes nothing more.
        assert_eq!(snapped(rounded.clone()), rounded);
    }
}
