//! Applying one frame's element tree to a live Blitz document as DOM mutations.
//!
//! The document keeps a mirror of the tree it currently shows. Each new frame is compared with
//! the mirror, position by position, and only what differs is changed: text, attributes, style
//! declarations, inserted and removed nodes. Rebuilding the page costs ~15 ms a frame; mutating
//! it costs a fraction of a millisecond.

use blitz_dom::{Attribute, DocumentMutator, LocalName, Namespace, NodeId, QualName, ns};
use indexmap::IndexMap;
use kinema_compose::{Element, Node};

use crate::fonts::FontLibrary;
use crate::svg::{self, DetachedSvg};

/// What the document currently shows under one parent, in order.
#[derive(Debug, Default)]
pub(crate) struct Mirror {
    pub(crate) children: Vec<MirrorNode>,
}

// Most nodes are elements; boxing them would only add an allocation each.
#[derive(Debug)]
#[expect(clippy::large_enum_variant)]
pub(crate) enum MirrorNode {
    Text {
        id: NodeId,
        text: String,
    },
    Element {
        id: NodeId,
        tag: String,
        svg: bool,
        attributes: IndexMap<String, String>,
        style: IndexMap<String, String>,
        inner_html: Option<String>,
        children: Vec<MirrorNode>,
        /// For an inline SVG root: its subtree, kept out of the document (see [`crate::svg`]).
        detached: Option<Box<DetachedSvg>>,
    },
}

impl MirrorNode {
    fn id(&self) -> NodeId {
        match self {
            MirrorNode::Text { id, .. } | MirrorNode::Element { id, .. } => *id,
        }
    }
}

/// Counts of what one diff changed, for the benchmark and debugging.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DiffStats {
    pub created: usize,
    pub removed: usize,
    pub text_changes: usize,
    pub attribute_changes: usize,
    pub style_changes: usize,
    /// Inline SVGs whose markup changed (each is parsed again).
    pub svg_changes: usize,
    /// Runs of unchanged SVG children those parses took ready-made from earlier ones.
    pub svg_layers_reused: usize,
}

/// Context for one diff pass.
pub(crate) struct Differ<'a, 'doc> {
    pub(crate) mutator: DocumentMutator<'doc>,
    pub(crate) fonts: &'a FontLibrary,
    pub(crate) stats: DiffStats,
    /// `<img>` nodes whose `src` was set in this pass, to check after loading.
    pub(crate) new_images: Vec<(NodeId, String)>,
    /// `<video>` nodes (images in the document) with their index in the frame's media.
    pub(crate) videos: Vec<(NodeId, usize)>,
}

/// Inherited state while walking down the tree.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'t> {
    pub(crate) svg: bool,
    /// The nearest `font-family` set inline by an HTML ancestor, for SVG text (see
    /// [`svg_font_family`]).
    pub(crate) font_family: Option<&'t str>,
}

impl<'a, 'doc> Differ<'a, 'doc> {
    pub(crate) fn sync_root(&mut self, parent: NodeId, mirror: &mut Mirror, nodes: &[Node]) {
        let scope = Scope {
            svg: false,
            font_family: None,
        };
        self.sync_children(parent, &mut mirror.children, nodes, scope);
    }

    fn sync_children<'t>(
        &mut self,
        parent: NodeId,
        old: &mut Vec<MirrorNode>,
        new: &'t [Node],
        scope: Scope<'t>,
    ) {
        let common = old.len().min(new.len());
        for (index, node) in new.iter().enumerate().take(common) {
            if !self.update(&mut old[index], node, scope) {
                let replacement = self.create(node, scope);
                let replacement_id = replacement.id();
                let old_id = old[index].id();
                self.mutator.insert_nodes_before(old_id, &[replacement_id]);
                self.mutator.remove_and_drop_node(old_id);
                self.stats.removed += 1;
                old[index] = replacement;
            }
        }
        for stale in old.drain(common..) {
            self.mutator.remove_and_drop_node(stale.id());
            self.stats.removed += 1;
        }
        if new.len() > common {
            let created: Vec<MirrorNode> = new[common..]
                .iter()
                .map(|n| self.create(n, scope))
                .collect();
            let ids: Vec<NodeId> = created.iter().map(MirrorNode::id).collect();
            self.mutator.append_children(parent, &ids);
            old.extend(created);
        }
    }

    /// Bring `old` up to date with `new` in place; `false` when it must be replaced instead.
    fn update<'t>(&mut self, old: &mut MirrorNode, new: &'t Node, scope: Scope<'t>) -> bool {
        match (old, new) {
            (MirrorNode::Text { id, text }, Node::Text(new_text)) => {
                if text != new_text {
                    self.mutator.set_node_text(*id, new_text);
                    *text = new_text.clone();
                    self.stats.text_changes += 1;
                }
                true
            }
            (
                MirrorNode::Element {
                    id,
                    tag,
                    svg,
                    attributes,
                    style,
                    inner_html,
                    children,
                    detached,
                },
                Node::Element(element),
            ) => {
                let element_svg = scope.svg || element.tag == "svg";
                if *tag != element.tag
                    || *svg != element_svg
                    || detached.is_some() != svg::is_detached(element, scope)
                {
                    return false;
                }
                let id = *id;
                let wanted = wanted_attributes(element, scope, self.fonts);
                let src_changed = self.sync_attributes(id, attributes, wanted, element_svg);
                self.sync_style(id, style, &element.style);
                if element.tag == "img"
                    && src_changed
                    && let Some(src) = attributes.get("src")
                {
                    self.new_images.push((id, src.clone()));
                }
                self.note_video(id, element);
                if let Some(detached) = detached {
                    let markup = svg::markup(element, scope, self.fonts, Some(detached.markup()));
                    if detached.update(markup) {
                        self.stats.svg_changes += 1;
                    }
                    return true;
                }
                if *inner_html != element.inner_html {
                    for child in children.drain(..) {
                        self.mutator.remove_and_drop_node(child.id());
                    }
                    self.mutator
                        .set_inner_html(id, element.inner_html.as_deref().unwrap_or(""));
                    *inner_html = element.inner_html.clone();
                }
                if element.inner_html.is_none() {
                    let scope = child_scope(element, scope);
                    self.sync_children(id, children, &element.children, scope);
                }
                true
            }
            _ => false,
        }
    }

    fn note_video(&mut self, id: NodeId, element: &Element) {
        if element.tag == "video"
            && let Some(index) = element
                .attribute("data-kinema-media")
                .and_then(|i| i.parse().ok())
        {
            self.videos.push((id, index));
        }
    }

    fn create<'t>(&mut self, node: &'t Node, scope: Scope<'t>) -> MirrorNode {
        self.stats.created += 1;
        match node {
            Node::Text(text) => MirrorNode::Text {
                id: self.mutator.create_text_node(text),
                text: text.clone(),
            },
            Node::Element(element) => {
                let svg = scope.svg || element.tag == "svg";
                let attributes = wanted_attributes(element, scope, self.fonts);
                let mut attrs: Vec<Attribute> = attributes
                    .iter()
                    .map(|(name, value)| Attribute {
                        name: attribute_name(name, svg),
                        value: value.clone(),
                    })
                    .collect();
                if !element.style.is_empty() {
                    attrs.push(Attribute {
                        name: attribute_name("style", svg),
                        value: style_text(&element.style),
                    });
                }
                let id = self
                    .mutator
                    .create_element(element_name(&element.tag, svg), attrs);
                if element.tag == "img"
                    && let Some(src) = attributes.get("src")
                {
                    self.new_images.push((id, src.clone()));
                }
                self.note_video(id, element);
                let mut children = Vec::new();
                let detached = svg::is_detached(element, scope).then(|| {
                    Box::new(DetachedSvg::new(svg::markup(
                        element, scope, self.fonts, None,
                    )))
                });
                if detached.is_some() {
                    // The subtree is drawn from the markup alone.
                } else if let Some(html) = &element.inner_html {
                    self.mutator.set_inner_html(id, html);
                } else {
                    let scope = child_scope(element, scope);
                    children = element
                        .children
                        .iter()
                        .map(|c| self.create(c, scope))
                        .collect();
                    let ids: Vec<NodeId> = children.iter().map(MirrorNode::id).collect();
                    if !ids.is_empty() {
                        self.mutator.append_children(id, &ids);
                    }
                }
                MirrorNode::Element {
                    id,
                    tag: element.tag.clone(),
                    svg,
                    attributes,
                    style: element.style.clone(),
                    inner_html: element.inner_html.clone(),
                    children,
                    detached,
                }
            }
        }
    }

    fn sync_attributes(
        &mut self,
        id: NodeId,
        old: &mut IndexMap<String, String>,
        new: IndexMap<String, String>,
        svg: bool,
    ) -> bool {
        if *old == new {
            return false;
        }
        let mut src_changed = false;
        for name in old.keys() {
            if !new.contains_key(name) {
                self.mutator.clear_attribute(id, attribute_name(name, svg));
                self.stats.attribute_changes += 1;
            }
        }
        for (name, value) in &new {
            if old.get(name) != Some(value) {
                self.mutator
                    .set_attribute(id, attribute_name(name, svg), value);
                self.stats.attribute_changes += 1;
                src_changed |= name == "src";
            }
        }
        *old = new;
        src_changed
    }

    /// Inline styles: changed declarations are set one by one. Because a later declaration can
    /// override an earlier one (`margin` then `margin-top`), everything after the first change
    /// is re-applied in order; a removed or reordered declaration rewrites the whole attribute.
    fn sync_style(
        &mut self,
        id: NodeId,
        old: &mut IndexMap<String, String>,
        new: &IndexMap<String, String>,
    ) {
        if old == new {
            return;
        }
        let same_keys = old.len() <= new.len() && old.keys().zip(new.keys()).all(|(a, b)| a == b);
        if same_keys {
            let first_change = new
                .iter()
                .enumerate()
                .position(|(i, (k, v))| old.get_index(i) != Some((k, v)))
                .unwrap_or(new.len());
            for (name, value) in new.iter().skip(first_change) {
                self.mutator.set_style_property(id, name, value);
                self.stats.style_changes += 1;
            }
        } else {
            self.mutator
                .set_attribute(id, attribute_name("style", false), &style_text(new));
            self.stats.style_changes += 1;
        }
        *old = new.clone();
    }
}

pub(crate) fn child_scope<'t>(element: &'t Element, scope: Scope<'t>) -> Scope<'t> {
    let svg = (scope.svg || element.tag == "svg") && element.tag != "foreignObject";
    let font_family = if scope.svg {
        scope.font_family
    } else {
        element
            .style
            .get("font-family")
            .map(String::as_str)
            .or(scope.font_family)
    };
    Scope { svg, font_family }
}

/// The attributes Blitz should see for an element. SVG text is drawn by usvg, which has its own
/// font database and knows nothing about CSS generic families, aliases or inheritance from HTML,
/// so SVG font families are rewritten to the concrete family Kinema's registry chose.
pub(crate) fn wanted_attributes(
    element: &Element,
    scope: Scope<'_>,
    fonts: &FontLibrary,
) -> IndexMap<String, String> {
    let svg = scope.svg || element.tag == "svg";
    if element.tag == "video" {
        // Painted as an image whose pixels the renderer sets: a `src` would have the
        // document fetch the video file as an image.
        let mut attributes = element.attributes.clone();
        attributes.shift_remove("src");
        return attributes;
    }
    if !svg {
        return element.attributes.clone();
    }
    let mut attributes = element.attributes.clone();
    if let Some(family) = attributes.get_mut("font-family") {
        *family = svg_font_family(family, fonts);
    } else if element.tag == "svg" {
        let inherited = element
            .style
            .get("font-family")
            .map(String::as_str)
            .or(scope.font_family)
            .unwrap_or(crate::fonts::DEFAULT_FAMILY);
        attributes.insert("font-family".into(), svg_font_family(inherited, fonts));
    }
    attributes
}

/// A CSS font-family list with every name replaced by the installed family that draws it.
pub(crate) fn svg_font_family(list: &str, fonts: &FontLibrary) -> String {
    let names: Vec<String> = list
        .split(',')
        .map(|name| {
            let concrete = fonts
                .concrete(name)
                .unwrap_or_else(|| name.trim().to_string());
            format!("'{}'", concrete.trim_matches(|c| c == '"' || c == '\''))
        })
        .collect();
    names.join(", ")
}

fn style_text(style: &IndexMap<String, String>) -> String {
    let mut out = String::new();
    for (name, value) in style {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push(';');
    }
    out
}

fn element_name(tag: &str, svg: bool) -> QualName {
    let ns: Namespace = if svg { ns!(svg) } else { ns!(html) };
    // A video is an image of its picture at the frame (see `video.rs`).
    let tag = if tag == "video" && !svg { "img" } else { tag };
    QualName::new(None, ns, LocalName::from(tag))
}

fn attribute_name(name: &str, _svg: bool) -> QualName {
    // `xlink:href` is the legacy spelling of `href`; both mean the same to Blitz.
    let name = if name == "xlink:href" { "href" } else { name };
    QualName::new(None, ns!(), LocalName::from(name))
}
