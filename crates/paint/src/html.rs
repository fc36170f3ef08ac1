//! The page a frame is painted in, as standalone HTML: what Kinema's document holds, for
//! rendering the same frame in a browser (reference images, debugging).

use kinema_compose::{FrameTree, Node};

/// The CSS of the page around every frame. Transitions and animations are off because a frame
/// must depend only on its own tree, never on the frames painted before it.
pub(crate) fn page_css(width: u32, height: u32) -> String {
    format!(
        "html,body{{margin:0;padding:0;width:{width}px;height:{height}px;overflow:hidden}}\
         *,*::before,*::after{{transition:none!important;animation:none!important}}"
    )
}

/// The empty page with its `#kinema-root` container, like Remotion's composition container.
pub(crate) fn page_html(width: u32, height: u32, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>{}</style></head><body>\
         <div id=\"kinema-root\" style=\"position:relative;width:{width}px;height:{height}px;\
         overflow:hidden\">{body}</div></body></html>",
        page_css(width, height)
    )
}

/// A frame as a complete HTML page.
pub fn standalone_html(tree: &FrameTree) -> String {
    let mut body = String::new();
    for node in &tree.root {
        write_node(node, &mut body);
    }
    page_html(tree.width, tree.height, &body)
}

const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Text(text) => escape_into(text, false, out),
        Node::Element(element) => {
            out.push('<');
            out.push_str(&element.tag);
            for (name, value) in &element.attributes {
                out.push(' ');
                out.push_str(name);
                out.push_str("=\"");
                escape_into(value, true, out);
                out.push('"');
            }
            if !element.style.is_empty() {
                out.push_str(" style=\"");
                for (name, value) in &element.style {
                    escape_into(&format!("{name}:{value};"), true, out);
                }
                out.push('"');
            }
            out.push('>');
            if VOID_ELEMENTS.contains(&element.tag.as_str()) {
                return;
            }
            if let Some(html) = &element.inner_html {
                out.push_str(html);
            } else if matches!(element.tag.as_str(), "style" | "script") {
                for child in &element.children {
                    if let Node::Text(text) = child {
                        out.push_str(text);
                    }
                }
            } else {
                for child in &element.children {
                    write_node(child, out);
                }
            }
            out.push_str("</");
            out.push_str(&element.tag);
            out.push('>');
        }
    }
}

fn escape_into(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kinema_compose::Element;

    #[test]
    fn serialises_without_adding_whitespace() {
        let tree = FrameTree {
            composition: "C".into(),
            frame: 0,
            width: 10,
            height: 20,
            root: vec![Node::Element(Element {
                tag: "div".into(),
                attributes: [("title".to_string(), "a\"b".to_string())]
                    .into_iter()
                    .collect(),
                style: [("color".to_string(), "red".to_string())]
                    .into_iter()
                    .collect(),
                children: vec![
                    Node::Text("x < y".into()),
                    Node::Element(Element {
                        tag: "img".into(),
                        attributes: Default::default(),
                        style: Default::default(),
                        children: vec![],
                        inner_html: None,
                    }),
                ],
                inner_html: None,
            })],
            media: vec![],
        };
        let html = standalone_html(&tree);
        assert!(html.contains(
            "<div title=\"a&quot;b\" style=\"color:red;\">x &lt; y<img></div></div></body>"
        ));
        assert!(html.contains("width:10px;height:20px"));
    }
}
