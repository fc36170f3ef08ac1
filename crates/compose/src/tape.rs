//! Reading the runtime's *tape* of host nodes into [`Node`]s.
//!
//! The runtime (`runtime/render.js`) writes a frame's host nodes as one flat array of tokens
//! instead of an object per element and per attribute map, and the engine reads that array's
//! values straight out of QuickJS. An object tree turned into JSON and parsed here cost ~30 %
//! of composing a frame: building objects property by property, and QuickJS's `JSON.stringify`
//! (~200 instructions a byte). Tokens:
//!
//! | tokens                    | meaning                                              |
//! |---------------------------|------------------------------------------------------|
//! | `1, tag`                  | an element starts                                    |
//! | `2, name, value`          | an attribute of the element open                     |
//! | `3, name, value`          | a CSS declaration of the element open                |
//! | `4, markup`               | the element's `dangerouslySetInnerHTML`              |
//! | `0`                       | the element open ends                                |
//! | `"text"`                  | a text node                                          |
//!
//! The runtime writes each element's props object after its tag instead of attribute and
//! style tokens; [`crate::tape_reader`] turns it into those as it reads the tape.

use crate::tree::{Element, Node};

const CLOSE: i32 = 0;
const OPEN: i32 = 1;
pub(crate) const ATTR: i32 = 2;
pub(crate) const STYLE: i32 = 3;
const HTML: i32 = 4;

/// One token of a tape: an operation or a string.
#[derive(Debug)]
pub(crate) enum Token {
    Op(i32),
    Text(String),
}

/// Builds the nodes a tape describes; the error says how the tape is malformed.
pub(crate) fn build(tokens: impl IntoIterator<Item = Token>) -> Result<Vec<Node>, String> {
    let mut tokens = tokens.into_iter();
    let mut root = Vec::new();
    // The elements open, innermost last.
    let mut open: Vec<Element> = Vec::new();
    while let Some(token) = tokens.next() {
        match token {
            Token::Text(text) => children(&mut open, &mut root).push(Node::Text(text)),
            Token::Op(OPEN) => open.push(Element {
                tag: string(&mut tokens, "tag")?,
                ..Element::default()
            }),
            Token::Op(op @ (ATTR | STYLE)) => {
                let name = string(&mut tokens, "name")?;
                let value = string(&mut tokens, "value")?;
                let element = innermost(&mut open)?;
                let map = if op == ATTR {
                    &mut element.attributes
                } else {
                    &mut element.style
                };
                map.insert(name, value);
            }
            Token::Op(HTML) => {
                let markup = string(&mut tokens, "markup")?;
                innermost(&mut open)?.inner_html = Some(markup);
            }
            Token::Op(CLOSE) => {
                let element = open.pop().ok_or("tape closes an element never opened")?;
                children(&mut open, &mut root).push(Node::Element(element));
            }
            Token::Op(other) => return Err(format!("unknown tape operation {other}")),
        }
    }
    if let Some(element) = open.last() {
        return Err(format!("tape ends inside <{}>", element.tag));
    }
    Ok(root)
}

fn string(tokens: &mut impl Iterator<Item = Token>, what: &str) -> Result<String, String> {
    match tokens.next() {
        Some(Token::Text(text)) => Ok(text),
        _ => Err(format!("tape has no {what} where one was expected")),
    }
}

/// Where the next node goes: the innermost open element's children, or the top level.
fn children<'a>(open: &'a mut [Element], root: &'a mut Vec<Node>) -> &'a mut Vec<Node> {
    match open.last_mut() {
        Some(element) => &mut element.children,
        None => root,
    }
}

fn innermost(open: &mut [Element]) -> Result<&mut Element, String> {
    open.last_mut()
        .ok_or_else(|| "tape sets an attribute outside any element".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tokens from JSON, for writing tapes in tests as the runtime would.
    fn decode(json: &str) -> Result<Vec<Node>, String> {
        let values: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
        build(values.into_iter().map(|v| match v {
            serde_json::Value::Number(n) => Token::Op(n.as_i64().unwrap() as i32),
            serde_json::Value::String(s) => Token::Text(s),
            other => panic!("not a token: {other}"),
        }))
    }

    #[test]
    fn reads_elements_attributes_styles_and_text() {
        let nodes = decode(
            r#"[1,"div",2,"class","a",3,"font-size","12px","hi",1,"span",4,"<b>x</b>",0,"there",0,"end"]"#,
        )
        .unwrap();
        let json = serde_json::to_string(&nodes).unwrap();
        assert_eq!(
            json,
            r#"[{"tag":"div","attributes":{"class":"a"},"style":{"font-size":"12px"},"children":["hi",{"tag":"span","innerHtml":"<b>x</b>"},"there"]},"end"]"#
        );
    }

    #[test]
    fn a_repeated_name_keeps_its_first_place_and_last_value() {
        let nodes = decode(r#"[1,"p",2,"class","a",2,"id","i",2,"class","b",0]"#).unwrap();
        let Node::Element(p) = &nodes[0] else {
            panic!("an element")
        };
        let attributes: Vec<_> = p.attributes.iter().collect();
        assert_eq!(
            attributes,
            [(&"class".into(), &"b".into()), (&"id".into(), &"i".into())]
        );
    }

    #[test]
    fn rejects_malformed_tapes() {
        for (tape, message) in [
            (r#"[1,"div"]"#, "tape ends inside <div>"),
            ("[0]", "closes an element never opened"),
            (r#"[2,"a","b"]"#, "outside any element"),
            (r#"[1,"div",2,"a"]"#, "no value where one was expected"),
            ("[1]", "no tag where one was expected"),
            ("[1,0]", "no tag where one was expected"),
            ("[9]", "unknown tape operation 9"),
        ] {
            let err = decode(tape).unwrap_err();
            assert!(err.contains(message), "{tape}: {err}");
        }
    }
}
