//! Finding text that has `text-shadow` and marking it for the scene adapter.
//!
//! After styles are resolved, every element whose computed `text-shadow` is not `none` and that
//! holds text directly gets an inline `color` that differs from its real colour by a few units
//! in the last places of the red channel — invisible, but unique. The scene adapter
//! ([`crate::scene`]) recognises glyph runs in such a colour, draws their shadows and then draws
//! the glyphs in the real colour. Marks are removed before the next frame's diff so they never
//! leak into the cascade the composition sees.

use blitz_dom::util::ToColorColor;
use blitz_dom::{BaseDocument, NodeId};
use kurbo::Vec2;
use peniko::Color;

use crate::scene::{ShadowTable, ShadowedText, TextShadow, color_key};

/// One element currently carrying a marker colour.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    pub(crate) node: NodeId,
    /// The element's own inline `color`, restored when the mark is removed.
    pub(crate) inline_color: Option<String>,
}

/// Elements that hold text directly and have a computed text-shadow, with their real colour
/// and shadows.
pub(crate) fn find_shadowed_text(doc: &BaseDocument) -> Vec<(NodeId, ShadowedText)> {
    let mut found = Vec::new();
    for (id, node) in doc.tree().iter() {
        if !node.is_element() {
            continue;
        }
        let Some(style) = node.primary_styles() else {
            continue;
        };
        let shadows = &style.get_inherited_text().text_shadow.0;
        if shadows.is_empty() {
            continue;
        }
        let holds_text = node
            .children
            .iter()
            .any(|c| doc.get_node(*c).is_some_and(|c| c.is_text_node()));
        if !holds_text {
            continue;
        }
        let current = style.clone_color();
        let shadows = shadows
            .iter()
            .map(|s| TextShadow {
                offset: Vec2::new(s.horizontal.px() as f64, s.vertical.px() as f64),
                blur: s.blur.px() as f64,
                color: s.color.resolve_to_absolute(&current).as_color_color(),
            })
            .collect();
        found.push((
            id,
            ShadowedText {
                color: current.as_color_color(),
                shadows,
            },
        ));
    }
    found
}

/// The marker colour for the `index`-th shadowed element: the real colour with its red channel
/// moved by `index + 1` steps of 2⁻¹⁸ (well below one 8-bit level), as a CSS `color()` value
/// that keeps full precision.
pub(crate) fn marker_css(real: Color, index: usize) -> String {
    let [r, g, b, a] = real.components;
    let step = (index as f32 + 1.0) / 262_144.0;
    let r = if r + step <= 1.0 { r + step } else { r - step };
    format!("color(srgb {r} {g} {b} / {a})")
}

/// The table the scene adapter uses, keyed by the colour each marked element actually
/// computed to. Elements whose marker collided with another's are left out (drawn without
/// shadows) rather than given the wrong shadows.
pub(crate) fn build_table(doc: &BaseDocument, marked: &[(NodeId, ShadowedText)]) -> ShadowTable {
    let mut table = ShadowTable::new();
    let mut collided = Vec::new();
    for (id, text) in marked {
        let Some(style) = doc.get_node(*id).and_then(|n| n.primary_styles()) else {
            continue;
        };
        let key = color_key(style.clone_color().as_color_color());
        if table.insert(key, text.clone()).is_some() {
            collided.push(key);
        }
    }
    for key in collided {
        tracing::debug!("text-shadow marker colours collided; drawing those runs unshadowed");
        table.remove(&key);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_unique_and_invisible() {
        let white = Color::new([1.0, 1.0, 1.0, 1.0]);
        let a = marker_css(white, 0);
        let b = marker_css(white, 1);
        assert_ne!(a, b);
        assert!(a.starts_with("color(srgb 0.99999"), "{a}");
        let black = Color::new([0.0, 0.0, 0.0, 0.0]);
        assert!(marker_css(black, 0).starts_with("color(srgb 0.0000038"));
    }
}
