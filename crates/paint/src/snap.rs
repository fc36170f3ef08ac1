//! Rounding a frame's drawing commands to a grid far finer than anti-aliasing can show, so that
//! motion too small to see repaints nothing.
//!
//! Springs never quite come to rest: seconds after an element has visibly stopped, its scale or
//! position still changes by millionths of a pixel every frame, and damage tracking, which
//! compares commands exactly, would repaint it every frame of a long hold. So before a frame's
//! commands are compared or rasterised, positions are rounded to 1/256 of a device pixel, the
//! scale/rotation part of transforms to 2⁻²⁰ (under 1/256 px across 4096 px), local geometry to
//! 1/1024 of a unit and opacities to 1/4096: a displacement of at most 0.002 px, an opacity
//! change of at most 0.03 of a colour step. Every frame is rounded the same way, so a frame's
//! pixels still never depend on which frames were painted before it.

use anyrender::recording::RenderCommand;
use kurbo::{Affine, BezPath, PathEl, Point, Rect};

/// Device-space positions: 1/256 px.
const DEVICE_STEP: f64 = 1.0 / 256.0;
/// The linear part of a transform: 2⁻²⁰.
const LINEAR_STEP: f64 = 1.0 / 1_048_576.0;
/// Coordinates in an element's own space: 1/1024 of a unit.
const LOCAL_STEP: f64 = 1.0 / 1024.0;
/// Opacity: 1/4096.
const ALPHA_STEP: f32 = 1.0 / 4096.0;

fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

/// A transform whose translation is rounded to `translation_step`.
fn transform(t: Affine, translation_step: f64) -> Affine {
    let [a, b, c, d, e, f] = t.as_coeffs();
    Affine::new([
        round_to(a, LINEAR_STEP),
        round_to(b, LINEAR_STEP),
        round_to(c, LINEAR_STEP),
        round_to(d, LINEAR_STEP),
        round_to(e, translation_step),
        round_to(f, translation_step),
    ])
}

/// A transform from an element's space to the device.
fn device_transform(t: Affine) -> Affine {
    transform(t, DEVICE_STEP)
}

/// A transform within an element's space (a brush's, a glyph's).
fn local_transform(t: Affine) -> Affine {
    transform(t, LOCAL_STEP)
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
                layer.transform = device_transform(layer.transform);
                path(&mut layer.clip);
            }
            RenderCommand::PushClipLayer(clip) => {
                clip.transform = device_transform(clip.transform);
                path(&mut clip.clip);
            }
            RenderCommand::PopLayer => {}
            RenderCommand::Stroke(stroke) => {
                stroke.transform = device_transform(stroke.transform);
                stroke.brush_transform = stroke.brush_transform.map(local_transform);
                path(&mut stroke.shape);
            }
            RenderCommand::Fill(fill) => {
                fill.transform = device_transform(fill.transform);
                fill.brush_transform = fill.brush_transform.map(local_transform);
                path(&mut fill.shape);
            }
            RenderCommand::GlyphRun(run) => {
                run.transform = device_transform(run.transform);
                run.glyph_transform = run.glyph_transform.map(local_transform);
                run.brush_alpha = alpha(run.brush_alpha);
            }
            RenderCommand::BoxShadow(shadow) => {
                shadow.transform = device_transform(shadow.transform);
                shadow.rect = rect(shadow.rect);
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
        // A spring a few seconds after it has visibly settled: it still moves by ~1e-9.
        let still = snapped(card(1.0, 1.0));
        assert_eq!(snapped(card(1.0 + 3e-9, 1.0 - 1e-6)), still);
        assert_eq!(snapped(card(1.0 - 2e-9, 1.0)), still);
        // Motion that anti-aliasing shows is kept.
        assert_ne!(snapped(card(1.0 + 1e-3, 1.0)), still);
        assert_ne!(snapped(card(1.0, 0.99)), still);
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
            assert!((p - q).hypot() < 0.003, "{p:?} moved to {q:?}");
        }
        let RenderCommand::PushLayer(layer) = &rounded[0] else {
            panic!("the first command is the layer");
        };
        assert!((layer.alpha - 0.333_333).abs() <= ALPHA_STEP / 2.0);
        // Rounding twice changes nothing more.
        assert_eq!(snapped(rounded.clone()), rounded);
    }
}
