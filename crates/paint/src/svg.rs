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
//! `color` it inherits (for `currentColor`) changes. The markup of a child of the root whose
//! content (hashed) is what the last frame had at its place is taken from the last markup
//! instead of being written again.
//!
//! A chart whose lines move still has static labels, and laying out their text was most of
//! each re-parse. So when a re-parse finds runs of the root's children unchanged since the
//! last one, each run is parsed once as a document of its own (a *layer*: the same root, less
//! the effects the whole SVG's root applies once, like opacity) and the frame's document
//! shows it through an `<image>`, resolved to the kept tree. A layer's own root maps it into
//! the SVG's user space already, so the `<image>` is placed to undo the root's transform
//! (measured by parsing the root with a unit square once): it then adds nothing, which is also
//! what anyrender_svg assumes when it draws a nested tree's groups in that tree's absolute
//! coordinates. Only SVGs where no element has an `id` and none is a `<style>` are split:
//! nothing in one layer can refer to, or be styled from, another. The root must not set
//! `visibility` or `display` (the `<image>` would inherit them, not the layer's children).
//!
//! An SVG with `dangerouslySetInnerHTML` anywhere inside stays with Blitz: that markup is HTML,
//! not XML, and only Blitz's HTML parser reads it as a browser would.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
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
    /// The markup before the last change: which children stayed the same.
    previous: Option<Markup>,
    /// The inherited `color` the image was parsed for, and the image (`None`: it did not
    /// parse, which was reported).
    parsed: Option<(String, Option<SvgImageData>)>,
    /// Runs of unchanged children parsed on their own, which the last parse used.
    layers: Vec<Layer>,
    /// Where layers go under the root written like this (see [`placement`]).
    placement: Option<(String, Option<Placement>)>,
    /// Whether a failed parse was reported: once per element, not once per frame.
    warned: bool,
}

/// A run of the root's children parsed as a document of its own (see the module docs).
struct Layer {
    /// The run's markup.
    children: String,
    /// The inherited `color` it was parsed with.
    color: String,
    tree: usvg::Tree,
}

impl std::fmt::Debug for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layer")
            .field("children", &self.children.len())
            .field("color", &self.color)
            .finish_non_exhaustive()
    }
}

impl DetachedSvg {
    pub(crate) fn new(markup: Markup) -> DetachedSvg {
        DetachedSvg {
            markup,
            previous: None,
            parsed: None,
            layers: Vec::new(),
            placement: None,
            warned: false,
        }
    }

    /// Take new markup; `false` when it is what the image already shows.
    /// The markup the element has now.
    pub(crate) fn markup(&self) -> &Markup {
        &self.markup
    }

    pub(crate) fn update(&mut self, markup: Markup) -> bool {
        if self.markup == markup {
            return false;
        }
        self.previous = Some(std::mem::replace(&mut self.markup, markup));
        self.parsed = None;
        true
    }

    /// Parse the markup with `color` as the root's inherited colour, reusing the layers of
    /// children that did not change (see the module docs).
    fn parse(
        &mut self,
        color: &str,
        fontdb: Arc<Database>,
        reused: &mut usize,
    ) -> Result<SvgImageData, usvg::Error> {
        let options = usvg::Options {
            fontdb,
            image_href_resolver: no_file_hrefs(),
            ..Default::default()
        };
        let whole = |options: &usvg::Options| {
            SvgImageData::from_data(self.markup.with_color(color).as_bytes(), options)
        };
        // Layers the last parse used; whatever this one does not reuse is dropped.
        let mut kept = std::mem::take(&mut self.layers);
        let markup = &self.markup;
        let (Some(frame), Some(previous)) = (&markup.layer_frame, &self.previous) else {
            return whole(&options);
        };
        let same_root = previous.open == markup.open;
        let stable = |i: usize| same_root && previous.children.get(i) == Some(&markup.children[i]);
        if !(0..markup.children.len()).any(stable) {
            return whole(&options);
        }
        if self
            .placement
            .as_ref()
            .is_none_or(|(open, _)| *open != frame.open)
        {
            let measured = placement(frame, color, &options);
            self.placement = Some((frame.open.clone(), measured));
        }
        let Some((_, Some([x, y, w, h]))) = self.placement else {
            return whole(&options);
        };
        let mut hits = 0;
        let mut layers = Vec::new();
        let mut document = String::with_capacity(markup.len() + 40);
        document.push_str(&markup.open);
        write_attribute(&mut document, "color", color);
        document.push('>');
        let mut i = 0;
        while i < markup.children.len() {
            if !stable(i) {
                document.push_str(&markup.children[i]);
                i += 1;
                continue;
            }
            let start = i;
            while i < markup.children.len() && stable(i) {
                i += 1;
            }
            let run = &markup.children[start..i];
            // Text between elements draws nothing: not worth a document.
            if !run.iter().any(|child| child.starts_with('<')) {
                run.iter().for_each(|child| document.push_str(child));
                continue;
            }
            let children = run.concat();
            let reuse = kept
                .iter()
                .position(|layer| layer.children == children && layer.color == color)
                .map(|at| kept.swap_remove(at));
            let layer = match reuse {
                Some(layer) => {
                    hits += 1;
                    layer
                }
                None => {
                    let mut source = frame.open.clone();
                    write_attribute(&mut source, "color", color);
                    source.push('>');
                    source.push_str(&children);
                    source.push_str("</svg>");
                    match usvg::Tree::from_str(&source, &options) {
                        Ok(tree) => Layer {
                            children,
                            color: color.to_string(),
                            tree,
                        },
                        // It parses whole or explains why.
                        Err(_) => return whole(&options),
                    }
                }
            };
            let _ = write!(
                document,
                "<image x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" \
                 preserveAspectRatio=\"none\" href=\"{LAYER_HREF}{index}\"/>",
                index = layers.len(),
            );
            layers.push(layer);
        }
        document.push_str("</svg>");
        let layered = usvg::Options {
            fontdb: options.fontdb.clone(),
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
                resolve_string: Box::new(|href, _| {
                    match href.strip_prefix(LAYER_HREF).map(str::parse::<usize>) {
                        Some(Ok(index)) => layers
                            .get(index)
                            .map(|layer| usvg::ImageKind::SVG(layer.tree.clone())),
                        _ => None,
                    }
                }),
            },
            ..Default::default()
        };
        let image = SvgImageData::from_data(document.as_bytes(), &layered);
        drop(layered);
        match image {
            Ok(image) => {
                self.layers = layers;
                *reused += hits;
                Ok(image)
            }
            Err(_) => whole(&options),
        }
    }
}

/// What an `<image>` that shows a layer refers to it by; no file is named like this.
const LAYER_HREF: &str = "kinema-svg-layer:";

/// An SVG subtree as markup: the root's start tag (up to where its inherited `color` goes in)
/// and each of its children.
#[derive(Debug, PartialEq)]
pub(crate) struct Markup {
    /// `<svg` and the root's attributes.
    open: String,
    /// The markup of each child of the root.
    children: Vec<String>,
    /// A hash of each child (and the scope it was written in): a child whose hash is the one
    /// the last markup had at its place is not written again.
    child_keys: Vec<u64>,
    /// How a run of the children is written as a document of its own; `None` when the SVG
    /// cannot be split (see the module docs).
    layer_frame: Option<LayerFrame>,
}

/// The root of a layer's document.
#[derive(Debug, PartialEq)]
struct LayerFrame {
    /// `<svg` and the root's attributes but its group effects and `color`.
    open: String,
}

/// Where an `<image>` showing a layer goes: x, y, width, height in the root's user space.
type Placement = [f64; 4];

/// Where layers go in an SVG with this root, from the transform usvg gives the root's children
/// and the size it gives the root: the rectangle the root's transform maps onto the root's
/// own size, so that the `<image>` undoes it. `None` when the transform is not a positive
/// scale and a move (a rotated or flipped root), which an `<image>` cannot undo.
fn placement(frame: &LayerFrame, color: &str, options: &usvg::Options) -> Option<Placement> {
    fn first_path(group: &usvg::Group) -> Option<usvg::Transform> {
        group.children().iter().find_map(|node| match node {
            usvg::Node::Path(path) => Some(path.abs_transform()),
            usvg::Node::Group(group) => first_path(group),
            _ => None,
        })
    }
    let mut probe = frame.open.clone();
    write_attribute(&mut probe, "color", color);
    probe.push_str("><rect width=\"1\" height=\"1\"/></svg>");
    let tree = usvg::Tree::from_str(&probe, options).ok()?;
    let t = first_path(tree.root())?;
    let size = tree.size();
    let (sx, sy) = (f64::from(t.sx), f64::from(t.sy));
    if t.kx != 0.0 || t.ky != 0.0 || !(sx > 0.0 && sy > 0.0) {
        return None;
    }
    let placement = [
        -f64::from(t.tx) / sx,
        -f64::from(t.ty) / sy,
        f64::from(size.width()) / sx,
        f64::from(size.height()) / sy,
    ];
    placement.iter().all(|v| v.is_finite()).then_some(placement)
}

impl Markup {
    fn len(&self) -> usize {
        self.open.len() + self.children.iter().map(String::len).sum::<usize>() + 6
    }

    fn with_color(&self, color: &str) -> String {
        let mut out = String::with_capacity(self.len() + 40);
        out.push_str(&self.open);
        write_attribute(&mut out, "color", color);
        out.push('>');
        self.children.iter().for_each(|child| out.push_str(child));
        out.push_str("</svg>");
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
/// document would have been given (SVG font families made concrete). Children unchanged since
/// `previous` (the same content at the same place) take their markup from it: a chart redraws
/// its lines every frame, but not its grid and labels.
pub(crate) fn markup(
    root: &Element,
    scope: Scope<'_>,
    fonts: &FontLibrary,
    previous: Option<&Markup>,
) -> Markup {
    let mut open = String::from("<svg");
    write_attribute(&mut open, "xmlns", "http://www.w3.org/2000/svg");
    write_attribute(&mut open, "xmlns:xlink", "http://www.w3.org/1999/xlink");
    // The root's `color` is the one the document computes, added when parsing.
    let skip = root_skips(root, &["color"]);
    write_attributes(&mut open, root, scope, fonts, &skip, |name, value| {
        !is_box_effect(name, value)
    });
    let layer_frame = layer_frame(root, scope, fonts);
    let scope = child_scope(root, scope);
    let mut children = Vec::with_capacity(root.children.len());
    let mut child_keys = Vec::with_capacity(root.children.len());
    for (index, child) in root.children.iter().enumerate() {
        let key = child_key(child, scope);
        let kept = previous.filter(|p| p.child_keys.get(index) == Some(&key));
        children.push(match kept {
            Some(previous) => previous.children[index].clone(),
            None => {
                let mut out = String::new();
                write_node(&mut out, child, scope, fonts);
                out
            }
        });
        child_keys.push(key);
    }
    Markup {
        open,
        children,
        child_keys,
        layer_frame,
    }
}

/// A hash of everything a child's markup is written from: the node and the scope around it.
fn child_key(node: &Node, scope: Scope<'_>) -> u64 {
    fn hash_node(node: &Node, h: &mut impl Hasher) {
        match node {
            Node::Text(text) => {
                0u8.hash(h);
                text.hash(h);
            }
            Node::Element(element) => {
                1u8.hash(h);
                element.tag.hash(h);
                for map in [&element.attributes, &element.style] {
                    map.len().hash(h);
                    for (name, value) in map {
                        name.hash(h);
                        value.hash(h);
                    }
                }
                element.inner_html.hash(h);
                element.children.len().hash(h);
                for child in &element.children {
                    hash_node(child, h);
                }
            }
        }
    }
    let mut h = crate::damage::content_hasher();
    (scope.svg, scope.font_family).hash(&mut h);
    hash_node(node, &mut h);
    h.finish()
}

/// CSS declarations of the root `<svg>`'s style that the document applies to its box, as to
/// any element's: written into the markup too, usvg would apply them a second time (a
/// `scale(0.5)` drew at a quarter, `opacity: 0.5` at a quarter's alpha). Presentation
/// attributes (`opacity="0.5"`) are not CSS to the document and stay with usvg, unless the
/// style sets the same property (which wins in a browser). `mix-blend-mode` and `url()`
/// references stay with usvg: the document does not draw them.
const BOX_EFFECTS: [&str; 8] = [
    "transform",
    "transform-origin",
    "translate",
    "rotate",
    "scale",
    "opacity",
    "filter",
    "isolation",
];

/// Whether the root's style declaration `name: value` is applied by the document to the box.
fn is_box_effect(name: &str, value: &str) -> bool {
    let referenced = value.trim_start().starts_with("url(");
    BOX_EFFECTS.contains(&name) || (matches!(name, "clip-path" | "mask") && !referenced)
}

/// Root attributes not to write: `skip`, and those the root's style overrides with a box
/// effect (the document applies the style's).
fn root_skips<'a>(root: &'a Element, skip: &[&'a str]) -> Vec<&'a str> {
    let mut all = skip.to_vec();
    all.extend(
        root.style
            .iter()
            .filter(|(name, value)| is_box_effect(name, value))
            .map(|(name, _)| name.as_str()),
    );
    all
}

/// Root attributes that apply to the SVG as a whole, once: a layer's root leaves them out.
/// (`color` is added when parsing.)
const NOT_FOR_LAYERS: [&str; 7] = [
    "color",
    "opacity",
    "filter",
    "mask",
    "clip-path",
    "mix-blend-mode",
    "isolation",
];

/// The root of a layer's document, when the SVG can be split (see the module docs).
fn layer_frame(root: &Element, scope: Scope<'_>, fonts: &FontLibrary) -> Option<LayerFrame> {
    fn refers_or_styles(element: &Element) -> bool {
        element.tag == "style"
            || element.attributes.contains_key("id")
            || element.attributes.contains_key("xml:id")
            || element.children.iter().any(|child| match child {
                Node::Element(e) => refers_or_styles(e),
                Node::Text(_) => false,
            })
    }
    let set = |name: &str| root.attributes.contains_key(name) || root.style.contains_key(name);
    if set("visibility") || set("display") || refers_or_styles(root) {
        return None;
    }
    let mut open = String::from("<svg");
    write_attribute(&mut open, "xmlns", "http://www.w3.org/2000/svg");
    write_attribute(&mut open, "xmlns:xlink", "http://www.w3.org/1999/xlink");
    let skip = root_skips(root, &NOT_FOR_LAYERS);
    write_attributes(&mut open, root, scope, fonts, &skip, |name, value| {
        !NOT_FOR_LAYERS.contains(&name) && !is_box_effect(name, value)
    });
    Some(LayerFrame { open })
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
    write_attributes(out, element, scope, fonts, &[], |_, _| true);
    out.push('>');
    let scope = child_scope(element, scope);
    for child in &element.children {
        write_node(out, child, scope, fonts);
    }
    out.push_str("</");
    out.push_str(&element.tag);
    out.push('>');
}

/// An element's attributes (but those in `skip`) and the inline style declarations `keep`
/// accepts, each name once: XML forbids repeats, and `xlink:href` and `href` are one
/// attribute here, as in the document. The namespaces are declared on the root.
fn write_attributes(
    out: &mut String,
    element: &Element,
    scope: Scope<'_>,
    fonts: &FontLibrary,
    skip: &[&str],
    keep: impl Fn(&str, &str) -> bool,
) {
    let mut written: Vec<&str> = vec!["xmlns", "xmlns:xlink"];
    written.extend_from_slice(skip);
    let style = style_text(element, keep);
    if !style.is_empty() {
        written.push("style");
        write_attribute(out, "style", &style);
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

fn style_text(element: &Element, keep: impl Fn(&str, &str) -> bool) -> String {
    let mut out = String::new();
    for (name, value) in element
        .style
        .iter()
        .filter(|(name, value)| keep(name, value))
    {
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
/// `fonts` is asked for the font database only when something needs parsing. Returns how
/// many layers the parses reused.
pub(crate) fn install(
    doc: &mut BaseDocument,
    mirror: &mut Mirror,
    frame: u32,
    fonts: &mut dyn FnMut() -> Arc<Database>,
) -> usize {
    let mut reused = 0;
    install_under(doc, &mut mirror.children, frame, fonts, &mut reused);
    reused
}

fn install_under(
    doc: &mut BaseDocument,
    nodes: &mut [MirrorNode],
    frame: u32,
    fonts: &mut dyn FnMut() -> Arc<Database>,
    reused: &mut usize,
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
            Some(svg) => install_one(doc, *id, svg, frame, fonts, reused),
            None => install_under(doc, children, frame, fonts, reused),
        }
    }
}

fn install_one(
    doc: &mut BaseDocument,
    id: NodeId,
    svg: &mut DetachedSvg,
    frame: u32,
    fonts: &mut dyn FnMut() -> Arc<Database>,
    reused: &mut usize,
) {
    let Some(node) = doc.get_node_mut(id) else {
        return;
    };
    let color = node
        .primary_styles()
        .map(|styles| css_color(styles.clone_color().as_color_color().components))
        .unwrap_or_else(|| "black".to_string());
    if svg.parsed.as_ref().is_none_or(|(c, _)| *c != color) {
        let image = match svg.parse(&color, fonts(), reused) {
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

/// usvg's image resolver for inline SVG: `data:` URLs only. usvg's default reads any other
/// `href` as a path on this machine (`<image href="/etc/…">`), which would let a composition read
/// files outside its `public/` folder, and the render farm's code comes from whoever calls it.
pub(crate) fn no_file_hrefs<'a>() -> usvg::ImageHrefResolver<'a> {
    usvg::ImageHrefResolver {
        resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
        resolve_string: Box::new(|href, _| {
            tracing::debug!("an SVG <image> refers to {href}: only data: URLs are read");
            None
        }),
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
    fn markup_kept_from_the_last_frame_equals_markup_written_afresh() {
        let library = FontLibrary::scan(&[]);
        let label = |t: &str| Node::Element(el("text", &[("x", "1")], vec![Node::Text(t.into())]));
        let line = |d: &str| Node::Element(el("path", &[("d", d)], vec![]));
        let svg = |children: Vec<Node>| el("svg", &[("width", "10")], children);
        let serif = Scope {
            svg: false,
            font_family: Some("serif"),
        };
        // A line that grows under static labels; then a label inserted before the others
        // (every later child moves); then the inherited font family changes.
        let frames = [
            (
                svg(vec![label("a"), label("b"), line("M0 0 L1 1")]),
                html_scope(),
            ),
            (
                svg(vec![label("a"), label("b"), line("M0 0 L1 2")]),
                html_scope(),
            ),
            (
                svg(vec![label("z"), label("a"), label("b"), line("M0 0 L1 2")]),
                html_scope(),
            ),
            (
                svg(vec![label("z"), label("a"), label("b"), line("M0 0 L1 2")]),
                serif,
            ),
        ];
        let mut last: Option<Markup> = None;
        for (root, scope) in &frames {
            let kept = markup(root, *scope, &library, last.as_ref());
            assert_eq!(kept, markup(root, *scope, &library, None));
            last = Some(kept);
        }
        assert!(last.unwrap().open.contains("'serif'"));
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
        let markup = markup(&root, html_scope(), &library, None);
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
    fn only_svgs_whose_parts_cannot_refer_to_each_other_are_split() {
        let library = FontLibrary::scan(&[]);
        let shape = || Node::Element(el("rect", &[("width", "1")], vec![]));
        let mut root = el(
            "svg",
            &[
                ("viewBox", "0 0 10 10"),
                ("fill", "red"),
                ("opacity", "0.5"),
            ],
            vec![shape(), shape()],
        );
        root.style.insert("filter".into(), "blur(1px)".into());
        root.style.insert("stroke".into(), "blue".into());
        let frame = layer_frame(&root, html_scope(), &library).expect("splittable");
        // Inherited attributes and declarations carry over; effects on the whole SVG do not.
        assert!(frame.open.contains("fill=\"red\"") && frame.open.contains("viewBox"));
        assert!(frame.open.contains("stroke: blue;"), "{}", frame.open);
        assert!(!frame.open.contains("opacity") && !frame.open.contains("filter"));
        let with = |attribute: (&str, &str)| {
            let mut child = el("g", &[attribute], vec![shape()]);
            child.tag = if attribute.0 == "style-element" {
                "style".into()
            } else {
                "g".into()
            };
            let mut root = root.clone();
            root.children.push(Node::Element(child));
            layer_frame(&root, html_scope(), &library)
        };
        assert!(
            with(("id", "a")).is_none(),
            "ids can be referred to across runs"
        );
        assert!(
            with(("style-element", "")).is_none(),
            "a <style> reaches every run"
        );
        assert!(with(("class", "a")).is_some());
        let mut hidden = root.clone();
        hidden
            .attributes
            .insert("visibility".into(), "hidden".into());
        assert!(layer_frame(&hidden, html_scope(), &library).is_none());
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
