//! The element tree: what one frame of a composition looks like, and the contract with the
//! renderer.
//!
//! A [`FrameTree`] is the fully expanded React output for one frame: only host elements (`div`,
//! `span`, `img`, `svg`, `path`, …) and text remain; function components, contexts, sequences and
//! fragments are gone. Everything is already in DOM terms:
//!
//! - attribute names are the DOM's (`class`, `for`, `stroke-width`, `viewBox`, `xlink:href`),
//!   values are strings; boolean attributes that are on have the empty string as value;
//! - inline styles are CSS declarations converted exactly as React DOM converts a style object
//!   (`fontSize: 12` → `font-size: 12px`, unitless properties such as `opacity`, `zIndex`,
//!   `lineHeight` stay bare numbers, custom properties `--x` are kept verbatim);
//! - `<style>` elements keep their CSS text as a text child;
//! - `staticFile("a.png")` URLs are `/static/a.png`, resolved against the project's `public/`
//!   folder by the renderer;
//! - `<Video>`/`<OffthreadVideo>` appear as `video` elements carrying a
//!   `data-kinema-media` attribute that indexes [`FrameTree::media`]; `<Audio>` only appears in
//!   [`FrameTree::media`].
//!
//! The type is serialisable to JSON (see `kinema tree --json`) and back.

use indexmap::IndexMap;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// One frame of one composition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameTree {
    /// Composition id.
    pub composition: String,
    /// Frame number within the composition, starting at 0.
    pub frame: u32,
    pub width: u32,
    pub height: u32,
    /// Top-level nodes, painted in order on a `width`×`height` canvas.
    pub root: Vec<Node>,
    /// Audio and video that play at this frame.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<Media>,
}

/// A node: a host element or a run of text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Node {
    Text(String),
    Element(Element),
}

/// A host element with DOM attribute names and CSS declarations.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Element {
    pub tag: String,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub attributes: IndexMap<String, String>,
    /// Inline style as CSS declarations, in the order of the React style object.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub style: IndexMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// Raw markup from `dangerouslySetInnerHTML`, to be parsed by the renderer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_html: Option<String>,
}

/// What kind of media element a [`Media`] entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MediaKind {
    Audio,
    Video,
}

/// An `<Audio>`, `<Video>` or `<OffthreadVideo>` that is playing at this frame, with the timing
/// later stages need to pick the right media time and mix audio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Media {
    pub kind: MediaKind,
    pub src: String,
    /// Absolute composition frame at which the element's own frame 0 is.
    pub start_frame: f64,
    /// Frames of the media skipped at its start (`trimBefore`, formerly `startFrom`).
    pub trim_before: f64,
    /// Frame of the media at which playback ends (`trimAfter`, formerly `endAt`), if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trim_after: Option<f64>,
    pub playback_rate: f64,
    /// Volume at this frame (a `volume` callback is evaluated for the frame).
    pub volume: f64,
    pub muted: bool,
    #[serde(rename = "loop")]
    pub looped: bool,
    /// The media time in seconds that should be shown/heard at this frame.
    pub media_time: f64,
    /// The composition's frames per second: from one frame to the next, the media time moves
    /// on by `playbackRate / fps` seconds. (0 in trees written before it was recorded.)
    #[serde(default)]
    pub fps: f64,
}

impl Element {
    /// The attribute's value, if set.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    /// Elements below this one (depth first, this one excluded).
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        collect_elements(&self.children, &mut out);
        out
    }
}

impl FrameTree {
    /// All elements of the frame, depth first.
    pub fn elements(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        collect_elements(&self.root, &mut out);
        out
    }

    /// The text content of the frame, in document order, joined by single spaces.
    pub fn text_content(&self) -> String {
        let mut parts = Vec::new();
        collect_text(&self.root, &mut parts);
        parts.join(" ")
    }
}

/// Indented, HTML-like markup of a frame, for reading and debugging (`kinema tree`).
pub fn to_markup(tree: &FrameTree) -> String {
    let mut out = String::new();
    for node in &tree.root {
        write_markup(node, 0, &mut out);
    }
    out
}

fn write_markup(node: &Node, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    match node {
        Node::Text(text) => {
            out.push_str(&indent);
            out.push_str(&escape(text));
            out.push('\n');
        }
        Node::Element(element) => {
            out.push_str(&indent);
            out.push('<');
            out.push_str(&element.tag);
            for (name, value) in &element.attributes {
                out.push_str(&format!(" {name}=\"{}\"", escape(value)));
            }
            if !element.style.is_empty() {
                let css: Vec<String> = element
                    .style
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect();
                out.push_str(&format!(" style=\"{}\"", escape(&css.join("; "))));
            }
            if element.children.is_empty() && element.inner_html.is_none() {
                out.push_str(" />\n");
                return;
            }
            out.push_str(">\n");
            if let Some(html) = &element.inner_html {
                out.push_str(&format!("{indent}  {html}\n"));
            }
            for child in &element.children {
                write_markup(child, depth + 1, out);
            }
            out.push_str(&format!("{indent}</{}>\n", element.tag));
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

fn collect_elements<'a>(nodes: &'a [Node], out: &mut Vec<&'a Element>) {
    for node in nodes {
        if let Node::Element(element) = node {
            out.push(element);
            collect_elements(&element.children, out);
        }
    }
}

fn collect_text<'a>(nodes: &'a [Node], out: &mut Vec<&'a str>) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push(text),
            Node::Element(element) => collect_text(&element.children, out),
        }
    }
}

// A string is text, an object is an element: decoded directly, without serde's buffering
// `untagged` machinery, because this runs for every node of every frame.
impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text string or an element object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
                Ok(Node::Text(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Node, A::Error> {
                Element::deserialize(de::value::MapAccessDeserializer::new(map)).map(Node::Element)
            }
        }
        deserializer.deserialize_any(NodeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let tree = FrameTree {
            composition: "C".into(),
            frame: 3,
            width: 100,
            height: 50,
            root: vec![Node::Element(Element {
                tag: "div".into(),
                attributes: [("class".to_string(), "a".to_string())]
                    .into_iter()
                    .collect(),
                style: [("font-size".to_string(), "12px".to_string())]
                    .into_iter()
                    .collect(),
                children: vec![Node::Text("hi".into())],
                inner_html: None,
            })],
            media: vec![],
        };
        let json = serde_json::to_string(&tree).unwrap();
        assert_eq!(
            json,
            r#"{"composition":"C","frame":3,"width":100,"height":50,"root":[{"tag":"div","attributes":{"class":"a"},"style":{"font-size":"12px"},"children":["hi"]}]}"#
        );
        let back: FrameTree = serde_json::from_str(&json).unwrap();
        assert_eq!(back, tree);
        assert_eq!(back.text_content(), "hi");
        assert_eq!(back.elements()[0].attribute("class"), Some("a"));
    }

    #[test]
    fn rejects_nodes_of_the_wrong_type() {
        let err = serde_json::from_str::<Node>("42").unwrap_err();
        assert!(
            err.to_string()
                .contains("a text string or an element object")
        );
    }
}
