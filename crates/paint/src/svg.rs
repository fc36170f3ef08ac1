//! Inline `<svg>`: written out and parsed by Kinema, against Kinema's own fonts.
//!
//! Blitz draws an inline SVG by writing its subtree back out as markup and parsing that with
//! usvg, against a private font database of fontconfig's folders whose faces are files: every
//! glyph lookup (about four per glyph while usvg turns text into paths) opens, maps and parses
//! a font file again. A chart with moving lines and static labels spent ~40 % of its frame
//! there, and SVG text could not use `KINEMA_FONT_DIRS` or the project's fonts.
//!
//! So only the root `<svg>` element goes into the document. Its attributes and inline style
//! size and place it exactly as before (an SVG's size depends on nothing but its root). Kinema
//! writes the whole subtree as SVG markup itself, parses it with usvg against a database of
//! the font files it already holds in memory, and installs the result as the element's image
//! once Blitz has laid the document out. An SVG is parsed again only when its markup or the
//! `color` it inherits (for `currentColor`) changes.
//!
//! An SVG with `dangerouslySetInnerHTML` anywhere inside stays with Blitz: that markup is HTML,
//! not XML, and only Blitz's HTML parser reads it as a browser would.

use std::fmt::Write as _;
use std::sync::Arc;

use blitz_dom::node::{ImageData, SpecialElementData, SvgImageData};
use blitz_dom::util::ToColorColor as _;
use blitz_dom::{BaseDocument, NodeId};
use kinema_compose::{Element, Node};
use usvg::fontdb::{Database, Source};

use crate::diff::{Mirror, MirrorNode, Scope, child_scope, wanted_attributes};
use crate::fonts::FontLibrary;

/// An inline SVG kept out of the document: its markup and, once parsed, the image.
#[derive(Debug)]
pub(crate) struct DetachedSvg {
    markup: Markup,
    /// The inherited `color` the image was parsed for, and the image (`None`: it did not
    /// parse, which was reported).
    parsed: Option<(String, Option<SvgImageData>)>,
    /// Whether a failed parse was reported: once per element, not once per frame.
    warned: bool,
}

impl DetachedSvg {
    pub(crate) fn new(markup: Markup) -> DetachedSvg {
        DetachedSvg {
            markup,
            parsed: None,
            warned: false,
        }
    }

    /// Take new markup; `false` when it is what the image already shows.
    pub(crate) fn update(&mut self, markup: Markup) -> bool {
        if self.markup == markup {
            return false;
        }
        self.markup = markup;
        self.parsed = None;
        true
    }
}

/// An SVG subtree as markup, split where the root's inherited `color` goes in.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Markup {
    /// `<svg` and the root's attributes.
    open: String,
    /// From the end of the root's start tag to the end of the SVG.
    rest: String,
}

impl Markup {
    fn with_color(&self, color: &str) -> String {
        let mut out = String::with_capacity(self.open.len() + self.rest.len() + 40);
        out.push_str(&self.open);
        write_attribute(&mut out, "color", color);
        out.push_str(&self.rest);
        out
    }
}

/// Whether Kinema writes this element out itself (see the module docs).
pub(crate) fn is_detached(element: &Element, scope: Scope<'_>) -> bool {
    fn has_inner_html(element: &Element) -> bool {
        element.inner_html.is_some()
            || element.children.iter().any(|child| match child {
                Node::Element(e) => has_inner_html(e),
                Node::Text(_) => false,
            })
    }
    !scope.svg && element.tag == "svg" && !has_inner_html(element)
}

/// The markup of an SVG root element and everything under it, with the same attributes the
/// document would have been given (SVG font families made concrete).
pub(crate) fn markup(root: &Element, scope: Scope<'_>, fonts: &FontLibrary) -> Markup {
    let mut open = String::from("<svg");
    write_attribute(&mut open, "xmlns", "http://www.w3.org/2000/svg");
    write_attribute(&mut open, "xmlns:xlink", "http://www.w3.org/1999/xlink");
    // The root's `color` is the one the document computes, added when parsing.
    write_attributes(&mut open, root, scope, fonts, &["color"]);
    let mut rest = String::from(">");
    let scope = child_scope(root, scope);
    for child in &root.children {
        write_node(&mut rest, child, scope, fonts);
    }
    rest.push_str("</svg>");
    Markup { open, rest }
}

fn write_node(out: &mut String, node: &Node, scope: Scope<'_>, fonts: &FontLibrary) {
    let element = match node {
        Node::Text(text) => return write_escaped(out, text, false),
        Node::Element(element) => element,
    };
    if !is_xml_name(&element.tag) {
        return;
    }
    out.push('<');
    out.push_str(&element.tag);
    write_attributes(out, element, scope, fonts, &[]);
    out.push('>');
    let scope = child_scope(element, scope);
    for child in &element.children {
        write_node(out, child, scope, fonts);
    }
    out.push_str("</");
    out.push_str(&element.tag);
    out.push('>');
}

/// An element's attributes and inline style, each name once: XML forbids repeats, and
/// `xlink:href` and `href` are one attribute here, as in the document. The namespaces are
/// declared on the root.
fn write_attributes(
    out: &mut String,
    element: &Element,
    scope: Scope<'_>,
    fonts: &FontLibrary,
    skip: &[&str],
) {
    let mut written: Vec<&str> = vec!["xmlns", "xmlns:xlink"];
    written.extend_from_slice(skip);
    if !element.style.is_empty() {
        written.push("style");
        write_attribute(out, "style", &style_text(element));
    }
    let attributes = wanted_attributes(element, scope, fonts);
    for (name, value) in &attributes {
        if let Some(name) = xml_attribute_name(name)
            && !written.contains(&name)
        {
            written.push(name);
            write_attribute(out, name, value);
        }
    }
}

/// The name to write an attribute under, if XML can carry it. `xlink:href` is written as
/// `href`, as the document would have had it; other prefixes need namespaces nobody declared.
fn xml_attribute_name(name: &str) -> Option<&str> {
    let name = if name == "xlink:href" { "href" } else { name };
    let prefixed_ok = match name.split_once(':') {
        None => true,
        Some((prefix, _)) => matches!(prefix, "xml" | "xlink" | "xmlns"),
    };
    (prefixed_ok && is_xml_name(name)).then_some(name)
}

fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
}

fn style_text(element: &Element) -> String {
    let mut out = String::new();
    for (name, value) in &element.style {
        let _ = write!(out, "{name}: {value};");
    }
    out
}

fn write_attribute(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    write_escaped(out, value, true);
    out.push('"');
}

fn write_escaped(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            // XML 1.0 cannot carry most control characters at all, not even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

/// The font database SVG text is drawn from: the library's fonts and the project's (both
/// already in memory), with the generic families the library chose.
pub(crate) fn font_database(library: &FontLibrary, project: &FontLibrary) -> Arc<Database> {
    type SetFamily = fn(&mut Database, &str);
    const GENERICS: [(&str, SetFamily); 5] = [
        ("sans-serif", |db, family| db.set_sans_serif_family(family)),
        ("serif", |db, family| db.set_serif_family(family)),
        ("monospace", |db, family| db.set_monospace_family(family)),
        ("cursive", |db, family| db.set_cursive_family(family)),
        ("fantasy", |db, family| db.set_fantasy_family(family)),
    ];
    let load = |db: &mut Database, fonts: &FontLibrary| {
        for data in fonts.data() {
            db.load_font_source(Source::Binary(Arc::new(data.clone())));
        }
    };
    let base = library.svg_database(|| {
        let mut db = Database::new();
        load(&mut db, library);
        for (generic, set) in GENERICS {
            if let Some(family) = library.generic(generic) {
                set(&mut db, family);
            }
        }
        Arc::new(db)
    });
    if project.data().next().is_none() {
        return base;
    }
    let mut db = (*base).clone();
    load(&mut db, project);
    Arc::new(db)
}

/// Parse what changed and give every detached SVG in the document its image. Runs after
/// layout: Blitz, seeing only the root, gives the element an image of the bare root (the same
/// size) whenever it rebuilds the element's box, and this puts the full one back.
/// `fonts` is asked for the font database only when something needs parsing.
pub(crate) fn install(
    doc: &mut BaseDocument,
    mirror: &mut Mirror,
    frame: u32,
    fonts: &mut dyn FnMut() -> Arc<Database>,
) {
    install_under(doc, &mut mirror.children, frame, fonts);
}

fn install_under(
    doc: &mut BaseDocument,
    nodes: &mut [MirrorNode],
    frame: u32,
    fonts: &mut dyn FnMut() -> Arc<Database>,
) {
    for node in nodes {
        let MirrorNode::Element {
            id,
            children,
            detached,
            ..
        } = node
        else {
            continue;
        };
        match detached {
            Some(svg) => install_one(doc, *id, svg, frame, fonts),
            None => install_under(doc, children, frame, fonts),
        }
    }
}

fn install_one(
    doc: &mut BaseDocument,
    id: NodeId,
    svg: &mut DetachedSvg,
    frame: u32,
    fonts: &mut dyn FnMut() -> Arc<Database>,
) {
    let Some(node) = doc.get_node_mut(id) else {
        return;
    };
    let color = node
        .primary_styles()
        .map(|styles| css_color(styles.clone_color().as_color_color().components))
        .unwrap_or_else(|| "black".to_string());
    if svg.parsed.as_ref().is_none_or(|(c, _)| *c != color) {
        let source = svg.markup.with_color(&color);
        let options = usvg::Options {
            fontdb: fonts(),
            ..Default::default()
        };
        let image = match SvgImageData::from_data(source.as_bytes(), &options) {
            Ok(image) => Some(image),
            // A zero or negative size draws nothing, as in a browser (a chart growing from
            // nothing starts there): not worth a warning.
            Err(usvg::Error::InvalidSize) => None,
            Err(error) => {
                if !std::mem::replace(&mut svg.warned, true) {
                    tracing::warn!(
                        "frame {frame}: an inline <svg> is not drawn, its markup does not \
                         parse as SVG: {error}"
                    );
                }
                None
            }
        };
        svg.parsed = Some((color, image));
    }
    let Some((_, Some(image))) = &svg.parsed else {
        return;
    };
    let Some(element) = node.element_data_mut() else {
        return;
    };
    let current = match &element.special_data {
        SpecialElementData::Image(data) => match data.as_ref() {
            ImageData::Svg(current) => Some(current),
            _ => None,
        },
        _ => None,
    };
    if !current.is_some_and(|current| Arc::ptr_eq(&current.tree, &image.tree)) {
        element.special_data = SpecialElementData::Image(Box::new(ImageData::Svg(image.clone())));
    }
}

/// A color as CSS `rgb()`/`rgba()` from straight sRGB components in 0..=1.
fn css_color([r, g, b, a]: [f32; 4]) -> String {
    let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    if a >= 1.0 {
        format!("rgb({}, {}, {})", byte(r), byte(g), byte(b))
    } else {
        format!(
            "rgba({}, {}, {}, {})",
            byte(r),
            byte(g),
            byte(b),
            a.clamp(0.0, 1.0)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;
    use std::path::PathBuf;

    fn el(tag: &str, attributes: &[(&str, &str)], children: Vec<Node>) -> Element {
        Element {
            tag: tag.into(),
            attributes: attributes
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            style: IndexMap::new(),
            children,
            inner_html: None,
        }
    }

    fn html_scope() -> Scope<'static> {
        Scope {
            svg: false,
            font_family: Some("monospace"),
        }
    }

    #[test]
    fn markup_is_escaped_xml_with_concrete_fonts() {
        let library = FontLibrary::scan(&[]);
        let mut text = el(
            "text",
            &[("x", "1"), ("xlink:href", "#a"), ("sodipodi:x", "1")],
            vec![Node::Text("a < b & \"c\"\u{1}".into())],
        );
        text.style.insert("fill".into(), "red".into());
        let used = el("use", &[("href", "#b"), ("xlink:href", "#a")], vec![]);
        let root = el(
            "svg",
            &[
                ("width", "10"),
                ("color", "blue"),
                ("bad name", "x"),
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
            ],
            vec![Node::Element(text), Node::Element(used)],
        );
        let markup = markup(&root, html_scope(), &library);
        assert_eq!(
            markup.with_color("rgb(1, 2, 3)"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
             width=\"10\" font-family=\"'monospace'\" color=\"rgb(1, 2, 3)\">\
             <text style=\"fill: red;\" x=\"1\" href=\"#a\">a &lt; b &amp; \"c\"</text>\
             <use href=\"#b\"></use></svg>"
        );
        usvg::roxmltree::Document::parse(&markup.with_color("red")).expect("well-formed XML");
    }

    #[test]
    fn only_roots_outside_svg_without_inner_html_are_detached() {
        let root = el("svg", &[], vec![]);
        assert!(is_detached(&root, html_scope()));
        let inside = Scope {
            svg: true,
            font_family: None,
        };
        assert!(!is_detached(&root, inside));
        let mut icon = el("path", &[], vec![]);
        icon.inner_html = Some("<circle r=1>".into());
        let root = el("svg", &[], vec![Node::Element(icon)]);
        assert!(!is_detached(&root, html_scope()));
    }

    #[test]
    fn svg_text_can_use_the_projects_fonts() {
        // Any installed font stands in for a project's font file.
        let installed = FontLibrary::system();
        let mut files = Vec::new();
        for dir in installed.dirs() {
            collect_fonts(dir, &mut files);
        }
        let file = files.first().expect("scripts/setup installs fonts");
        let none = FontLibrary::scan(&[]);
        let without = font_database(&none, &none);
        assert_eq!(without.len(), 0);
        let project = FontLibrary::scan_files(std::slice::from_ref(file));
        let with = font_database(&none, &project);
        let family = &with.faces().next().expect("the file's faces").families[0].0;
        assert!(
            with.query(&usvg::fontdb::Query {
                families: &[usvg::fontdb::Family::Name(family)],
                ..Default::default()
            })
            .is_some()
        );
    }

    fn collect_fonts(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect_fonts(&path, out);
            } else if path.extension().is_some_and(|e| e == "ttf") {
                out.push(path);
            }
        }
    }

    #[test]
    fn colors_are_css() {
        assert_eq!(css_color([1.0, 0.0, 0.5, 1.0]), "rgb(255, 0, 128)");
        assert_eq!(css_color([0.0, 0.0, 0.0, 0.5]), "rgba(0, 0, 0, 0.5)");
    }
}
