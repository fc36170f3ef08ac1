//! `@remotion/fonts` and `@remotion/google-fonts`: loading a font puts `@font-face` rules for
//! its files in the frame's stylesheets (the painter fetches them), once per file.

mod common;

use std::sync::Arc;

use common::{engine, first_frame_error};
use kinema_compose::{Bundle, CodeComposition, Element, Engine, Limits, Node};

/// The text of each `<style>` element of frame `frame` of `code`.
fn stylesheets(code: &str, frame: u32) -> Vec<String> {
    let mut engine = engine(code, 2);
    let mut sheets = Vec::new();
    for n in 0..=frame {
        let tree = engine
            .render_frame(n)
            .unwrap_or_else(|e| panic!("frame {n}: {e}"));
        sheets = tree
            .elements()
            .into_iter()
            .filter(|e| e.tag == "style")
            .map(text)
            .collect();
    }
    sheets
}

/// The `@font-face` rules of frame `frame` of `code`.
fn rules(code: &str, frame: u32) -> Vec<String> {
    stylesheets(code, frame)
        .iter()
        .flat_map(|sheet| sheet.lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|line| line.starts_with("@font-face"))
        .collect()
}

/// The package's own `getInfo()` for a few fonts (tools/google-fonts/gen.mjs).
fn package_info(font: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/google-fonts.json"
    ))
    .unwrap();
    let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
    vectors["fonts"][font].clone()
}

#[test]
fn a_google_font_becomes_a_rule_per_file_with_its_range() {
    // Loaded at the module's top level and again on every render, as compositions do: each
    // file's rule is added once.
    let code = r#"import {loadFont} from '@remotion/google-fonts/Inter';
const {fontFamily} = loadFont('normal', {weights: ['400', '700'], subsets: ['latin']});
export default () => {
  loadFont('normal', {weights: ['400'], subsets: ['latin']});
  return <p style={{fontFamily}}>{fontFamily}</p>;
};"#;
    let info = package_info("Inter");
    let found = rules(code, 1);
    assert_eq!(found.len(), 2, "{found:#?}");
    for (rule, weight) in found.iter().zip(["400", "700"]) {
        let url = info["fonts"]["normal"][weight]["latin"].as_str().unwrap();
        let range = info["unicodeRanges"]["latin"].as_str().unwrap();
        assert_eq!(
            rule,
            &format!(
                "@font-face {{ font-family: \"Inter\"; src: url(\"{url}\") format(\"woff2\"); \
                 font-style: normal; font-weight: {weight}; unicode-range: {range}; }}"
            )
        );
    }
    assert_eq!(paragraph(code), "Inter");
}

/// The text of the first `<p>` of the first frame of `code`.
fn paragraph(code: &str) -> String {
    let tree = engine(code, 1).render_frame(0).unwrap();
    text(
        tree.elements()
            .into_iter()
            .find(|e| e.tag == "p")
            .expect("a <p>"),
    )
}

/// The text directly inside `element`.
fn text(element: &Element) -> String {
    element
        .children
        .iter()
        .filter_map(|node| match node {
            Node::Text(text) => Some(text.as_str()),
            Node::Element(_) => None,
        })
        .collect()
}

#[test]
fn every_style_weight_and_subset_loads_by_default() {
    // Inter: 2 styles × 9 weights × 7 subsets, as the package loads without options.
    let code = r#"import {loadFont} from '@remotion/google-fonts/Inter';
loadFont();
export default () => <p>x</p>;"#;
    assert_eq!(rules(code, 0).len(), 126);
    let italic = r#"import {loadFont} from '@remotion/google-fonts/Inter';
loadFont('italic', {subsets: ['latin', 'latin-ext']});
export default () => <p>x</p>;"#;
    let found = rules(italic, 0);
    assert_eq!(found.len(), 18);
    assert!(found.iter().all(|r| r.contains("font-style: italic;")));
    let twice = r#"import {loadFont} from '@remotion/google-fonts/Inter';
loadFont('normal', {weights: ['400', '400'], subsets: ['latin', 'latin']});
export default () => <p>x</p>;"#;
    assert_eq!(rules(twice, 0).len(), 1);
}

#[test]
fn a_script_split_into_chunks_loads_every_chunk() {
    // Kablammo keeps its emoji subset in numbered chunks, as CJK fonts keep their scripts.
    let code = r#"import {loadFont, getInfo} from '@remotion/google-fonts/Kablammo';
loadFont('normal', {weights: ['400'], subsets: ['emoji']});
export default () => <p>x</p>;"#;
    let info = package_info("Kablammo");
    let chunks: Vec<&str> = info["fonts"]["normal"]["400"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with('['))
        .map(String::as_str)
        .collect();
    let found = rules(code, 0);
    assert_eq!(found.len(), chunks.len());
    for chunk in chunks {
        let url = info["fonts"]["normal"]["400"][chunk].as_str().unwrap();
        assert!(found.iter().any(|r| r.contains(url)), "{chunk} not loaded");
    }
}

#[test]
fn a_variable_font_is_one_rule_per_subset_over_its_axes() {
    let code = r#"import {loadVariableFont} from '@remotion/google-fonts/Roboto';
const {axes} = loadVariableFont('normal', {subsets: ['latin']});
export default () => <p>{JSON.stringify(axes)}</p>;"#;
    let found = rules(code, 0);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("font-weight: 100 900; font-stretch: 75% 100%;"),
        "{}",
        found[0]
    );
    let face = &package_info("Roboto")["variable"]["fontFaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["style"] == "normal" && f["subset"] == "latin")
        .unwrap()
        .clone();
    assert!(found[0].contains(face["src"].as_str().unwrap()));
}

#[test]
fn asking_for_what_a_font_lacks_names_what_it_has() {
    let cases = [
        (
            "import {loadFont} from '@remotion/google-fonts/Lobster'; loadFont('italic');",
            "The font Lobster has no style \"italic\"; it has \"normal\"",
        ),
        (
            "import {loadFont} from '@remotion/google-fonts/Lobster'; loadFont('normal', {weights: ['700']});",
            "The font Lobster has no weight \"700\" in style \"normal\"; it has \"400\"",
        ),
        (
            "import {loadFont} from '@remotion/google-fonts/Lobster'; loadFont('normal', {subsets: ['greek']});",
            "The font Lobster has no subset \"greek\" in weight 400; it has \"cyrillic\", ",
        ),
        (
            "import {loadVariableFont} from '@remotion/google-fonts/Lobster'; loadVariableFont('normal', {subsets: ['latin']});",
            "Lobster is not a variable font; use loadFont()",
        ),
        (
            "import {loadVariableFont} from '@remotion/google-fonts/Inter'; loadVariableFont('normal');",
            "loadVariableFont() needs the subsets to load",
        ),
    ];
    for (load, expected) in cases {
        let code = format!("{load}\nexport default () => <p>x</p>;");
        let bundle = Bundle::from_code(&code, CodeComposition::new(1, 30.0)).unwrap();
        let error = Engine::new(Arc::new(bundle), Limits::default())
            .err()
            .unwrap_or_else(|| panic!("{load} loaded"))
            .to_string();
        assert!(error.contains(expected), "{load}:\n{error}");
    }
}

#[test]
fn an_unknown_google_font_names_the_one_meant() {
    let code = "import {loadFont} from '@remotion/google-fonts/opensans';\nloadFont();\nexport default () => <p>x</p>;";
    let error = Bundle::from_code(code, CodeComposition::new(1, 30.0))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.contains("did you mean \"@remotion/google-fonts/OpenSans\"?"),
        "{error}"
    );
}

#[test]
fn the_index_lists_every_font_and_loads_one() {
    let code = r#"import {useState, useEffect} from 'react';
import {getAvailableFonts} from '@remotion/google-fonts';
export default () => {
  const fonts = getAvailableFonts();
  const [family, setFamily] = useState('');
  useEffect(() => {
    fonts.find((f) => f.importName === 'OpenSans').load().then((m) => {
      m.loadFont('normal', {weights: ['400'], subsets: ['latin']});
      setFamily(m.fontFamily);
    });
  }, []);
  return <p>{fonts.length} {fonts[0].fontFamily}/{fonts[0].importName} {family}</p>;
};"#;
    assert_eq!(paragraph(code), "1833 ABeeZee/ABeeZee Open Sans");
    assert!(rules(code, 0)[0].starts_with("@font-face { font-family: \"Open Sans\";"));
}

#[test]
fn a_local_font_becomes_a_rule_with_its_descriptors() {
    let code = r#"import {loadFont} from '@remotion/fonts';
import {staticFile} from 'remotion';
loadFont({family: 'Bangers', url: staticFile('bangers.woff2'), weight: '700', style: 'italic', display: 'block'});
loadFont({family: 'Brand "X"', url: '/static/brand.otf', unicodeRange: 'U+0000-00FF'});
loadFont({family: 'Plain', url: 'https://example.com/font', format: 'truetype'});
loadFont({family: 'A\nB\rC', url: '/static/a.ttf'});
export default () => <p>x</p>;"#;
    assert_eq!(
        rules(code, 0),
        [
            "@font-face { font-family: \"Bangers\"; src: url(\"/static/bangers.woff2\") format(\"woff2\"); font-style: italic; font-weight: 700; font-display: block; }",
            "@font-face { font-family: \"Brand \\\"X\\\"\"; src: url(\"/static/brand.otf\") format(\"opentype\"); unicode-range: U+0000-00FF; }",
            "@font-face { font-family: \"Plain\"; src: url(\"https://example.com/font\") format(\"truetype\"); }",
            "@font-face { font-family: \"A\\a B\\d C\"; src: url(\"/static/a.ttf\") format(\"truetype\"); }",
        ]
    );
}

#[test]
fn a_local_font_without_what_it_needs_says_so() {
    let cases = [
        ("loadFont('Bangers')", "loadFont() takes an object such as"),
        (
            "loadFont({url: '/static/a.ttf'})",
            "loadFont() needs a \"family\" name",
        ),
        (
            "loadFont({family: 'A'})",
            "loadFont() needs the \"url\" of the font file",
        ),
        (
            "loadFont({family: 'A', url: '/static/a.eot'})",
            "cannot tell the font format from the extension \".eot\"",
        ),
    ];
    for (call, expected) in cases {
        let code = format!(
            "import {{loadFont}} from '@remotion/fonts';\nexport default () => {{ {call}; return <p>x</p>; }};"
        );
        let error = first_frame_error(&code);
        assert!(error.contains(expected), "{call}:\n{error}");
    }
}
