//! How React DOM turns a host element's props into DOM attributes and its style object into CSS
//! declarations: the naming rules, worked out once per prop name (see [`crate::host_props`] for
//! reading the objects out of QuickJS).

/// What becomes of a prop of a host element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PropRule {
    /// Never an attribute: children, keys, refs, event handlers, …
    Skip,
    /// The style object.
    Style,
    Attribute(AttributeRule),
}

/// How a prop is written as an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttributeRule {
    /// The attribute's name (`className` → `class`, `strokeWidth` → `stroke-width`).
    pub name: String,
    pub booleans: Booleans,
    /// A URL attribute (`src`, `href`): React drops it when empty.
    pub url: bool,
}

/// How a boolean value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Booleans {
    /// Dropped (React warns).
    Dropped,
    /// As the text `true` / `false` (`data-*`, `aria-*`, `draggable`, …).
    Text,
    /// Present and empty when true, absent when false (`disabled`, `hidden`, …).
    Presence,
}

/// How a style property is written as a CSS declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StyleRule {
    /// The CSS property (`fontSize` → `font-size`; custom `--x` as it is).
    pub name: String,
    /// Whether a number other than 0 gets `px`.
    pub px: bool,
}

/// Props React never writes as attributes (beside `style` and event handlers).
const SKIPPED_PROPS: &[&str] = &[
    "children",
    "key",
    "ref",
    "dangerouslySetInnerHTML",
    "suppressContentEditableWarning",
    "suppressHydrationWarning",
    "defaultValue",
    "defaultChecked",
];

/// Props whose attribute is named otherwise.
const RENAMED: &[(&str, &str)] = &[
    ("className", "class"),
    ("htmlFor", "for"),
    ("acceptCharset", "accept-charset"),
    ("httpEquiv", "http-equiv"),
    ("tabIndex", "tabindex"),
    ("readOnly", "readonly"),
    ("crossOrigin", "crossorigin"),
    ("srcSet", "srcset"),
    ("autoPlay", "autoplay"),
    ("playsInline", "playsinline"),
    ("colSpan", "colspan"),
    ("rowSpan", "rowspan"),
    ("contentEditable", "contenteditable"),
    ("referrerPolicy", "referrerpolicy"),
    ("fetchPriority", "fetchpriority"),
    ("xlinkHref", "xlink:href"),
    ("xlinkActuate", "xlink:actuate"),
    ("xlinkArcrole", "xlink:arcrole"),
    ("xlinkRole", "xlink:role"),
    ("xlinkShow", "xlink:show"),
    ("xlinkTitle", "xlink:title"),
    ("xlinkType", "xlink:type"),
    ("xmlBase", "xml:base"),
    ("xmlLang", "xml:lang"),
    ("xmlSpace", "xml:space"),
    ("xmlnsXlink", "xmlns:xlink"),
];

/// SVG presentation attributes React writes hyphenated.
const HYPHENATED_SVG: &[&str] = &[
    "accentHeight",
    "alignmentBaseline",
    "arabicForm",
    "baselineShift",
    "capHeight",
    "clipPath",
    "clipRule",
    "colorInterpolation",
    "colorInterpolationFilters",
    "colorProfile",
    "colorRendering",
    "dominantBaseline",
    "enableBackground",
    "fillOpacity",
    "fillRule",
    "floodColor",
    "floodOpacity",
    "fontFamily",
    "fontSize",
    "fontSizeAdjust",
    "fontStretch",
    "fontStyle",
    "fontVariant",
    "fontWeight",
    "glyphName",
    "glyphOrientationHorizontal",
    "glyphOrientationVertical",
    "horizAdvX",
    "horizOriginX",
    "imageRendering",
    "letterSpacing",
    "lightingColor",
    "markerEnd",
    "markerMid",
    "markerStart",
    "overlinePosition",
    "overlineThickness",
    "paintOrder",
    "panose1",
    "pointerEvents",
    "renderingIntent",
    "shapeRendering",
    "stopColor",
    "stopOpacity",
    "strikethroughPosition",
    "strikethroughThickness",
    "strokeDasharray",
    "strokeDashoffset",
    "strokeLinecap",
    "strokeLinejoin",
    "strokeMiterlimit",
    "strokeOpacity",
    "strokeWidth",
    "textAnchor",
    "textDecoration",
    "textRendering",
    "transformOrigin",
    "underlinePosition",
    "underlineThickness",
    "unicodeBidi",
    "unicodeRange",
    "unitsPerEm",
    "vAlphabetic",
    "vHanging",
    "vIdeographic",
    "vMathematical",
    "vectorEffect",
    "vertAdvY",
    "vertOriginX",
    "vertOriginY",
    "wordSpacing",
    "writingMode",
    "xHeight",
];

/// Attributes present when true and absent when false.
const BOOLEAN_ATTRIBUTES: &[&str] = &[
    "allowFullScreen",
    "async",
    "autoFocus",
    "autoPlay",
    "controls",
    "default",
    "defer",
    "disabled",
    "disablePictureInPicture",
    "disableRemotePlayback",
    "formNoValidate",
    "hidden",
    "loop",
    "noModule",
    "noValidate",
    "open",
    "playsInline",
    "readOnly",
    "required",
    "reversed",
    "scoped",
    "seamless",
    "itemScope",
    "checked",
    "multiple",
    "muted",
    "selected",
];

/// Attributes whose values are the words `true` / `false`.
const ENUMERATED_BOOLEANS: &[&str] = &[
    "draggable",
    "spellCheck",
    "contentEditable",
    "autoCorrect",
    "autoSave",
];

/// Style properties whose numbers get no unit.
const UNITLESS: &[&str] = &[
    "animationIterationCount",
    "aspectRatio",
    "borderImageOutset",
    "borderImageSlice",
    "borderImageWidth",
    "boxFlex",
    "boxFlexGroup",
    "boxOrdinalGroup",
    "columnCount",
    "columns",
    "flex",
    "flexGrow",
    "flexPositive",
    "flexShrink",
    "flexNegative",
    "flexOrder",
    "gridArea",
    "gridRow",
    "gridRowEnd",
    "gridRowSpan",
    "gridRowStart",
    "gridColumn",
    "gridColumnEnd",
    "gridColumnSpan",
    "gridColumnStart",
    "fontWeight",
    "lineClamp",
    "lineHeight",
    "opacity",
    "order",
    "orphans",
    "scale",
    "tabSize",
    "widows",
    "zIndex",
    "zoom",
    "fillOpacity",
    "floodOpacity",
    "stopOpacity",
    "strokeDasharray",
    "strokeDashoffset",
    "strokeMiterlimit",
    "strokeOpacity",
    "strokeWidth",
    "MozAnimationIterationCount",
    "MozBoxFlex",
    "MozBoxFlexGroup",
    "MozLineClamp",
    "msAnimationIterationCount",
    "msFlex",
    "msZoom",
    "msFlexGrow",
    "msFlexNegative",
    "msFlexOrder",
    "msFlexPositive",
    "msFlexShrink",
    "msGridColumn",
    "msGridColumnSpan",
    "msGridRow",
    "msGridRowSpan",
    "WebkitAnimationIterationCount",
    "WebkitBoxFlex",
    "WebKitBoxFlexGroup",
    "WebkitBoxOrdinalGroup",
    "WebkitColumnCount",
    "WebkitColumns",
    "WebkitFlex",
    "WebkitFlexGrow",
    "WebkitFlexPositive",
    "WebkitFlexShrink",
    "WebkitLineClamp",
];

/// What becomes of the prop `key` of a host element.
pub(crate) fn prop_rule(key: &str) -> PropRule {
    if key == "style" {
        return PropRule::Style;
    }
    // `on` and then a capital (or anything before `[`): an event handler, dropped even when
    // not a function, as React drops it (with a warning).
    let bytes = key.as_bytes();
    let handler = bytes.len() > 2 && bytes[0] == b'o' && bytes[1] == b'n' && bytes[2] < b'[';
    if handler || SKIPPED_PROPS.contains(&key) {
        return PropRule::Skip;
    }
    let data_or_aria = key.starts_with("data-") || key.starts_with("aria-");
    let enumerated = ENUMERATED_BOOLEANS.contains(&key);
    let presence = BOOLEAN_ATTRIBUTES.contains(&key);
    let name = if let Some((_, name)) = RENAMED.iter().find(|(prop, _)| *prop == key) {
        (*name).to_string()
    } else if HYPHENATED_SVG.contains(&key) {
        hyphenate(key)
    } else if presence || enumerated {
        key.to_lowercase()
    } else {
        key.to_string()
    };
    PropRule::Attribute(AttributeRule {
        name,
        booleans: if data_or_aria || enumerated {
            Booleans::Text
        } else if presence {
            Booleans::Presence
        } else {
            Booleans::Dropped
        },
        url: key == "src" || key == "href",
    })
}

/// How the style property `key` is written.
pub(crate) fn style_rule(key: &str) -> StyleRule {
    if key.starts_with("--") {
        return StyleRule {
            name: key.to_string(),
            px: false,
        };
    }
    StyleRule {
        name: hyphenate(key),
        px: !UNITLESS.contains(&key),
    }
}

/// `fontSize` → `font-size`, `msTransform` → `-ms-transform`, `WebkitFlex` → `-webkit-flex`.
fn hyphenate(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
        }
        out.push(c);
    }
    let mut out = out.to_lowercase();
    if out.starts_with("ms-") {
        out.insert(0, '-');
    }
    out
}

/// `String.prototype.trim`: JavaScript's white space and line terminators (not U+0085, which
/// Rust's `trim` also removes; U+FEFF, which it keeps).
pub(crate) fn trim_js(text: &str) -> &str {
    text.trim_matches(|c: char| {
        matches!(
            c,
            '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}'
                    | '\u{2028}'
                    | '\u{2029}'
                    | '\u{202f}'
                    | '\u{205f}'
                    | '\u{3000}'
                    | '\u{feff}'
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(key: &str) -> AttributeRule {
        match prop_rule(key) {
            PropRule::Attribute(rule) => rule,
            other => panic!("{key}: {other:?}"),
        }
    }

    #[test]
    fn names_attributes_as_react_dom_does() {
        for (key, name) in [
            ("className", "class"),
            ("htmlFor", "for"),
            ("strokeWidth", "stroke-width"),
            ("panose1", "panose1"),
            ("xlinkHref", "xlink:href"),
            ("readOnly", "readonly"),
            ("allowFullScreen", "allowfullscreen"),
            ("spellCheck", "spellcheck"),
            ("viewBox", "viewBox"),
            ("data-fooBar", "data-fooBar"),
            ("on", "on"),
            ("one", "one"),
        ] {
            assert_eq!(attribute(key).name, name, "{key}");
        }
        for key in [
            "children",
            "key",
            "ref",
            "onClick",
            "on-x",
            "on1",
            "defaultValue",
        ] {
            assert_eq!(prop_rule(key), PropRule::Skip, "{key}");
        }
        assert_eq!(prop_rule("style"), PropRule::Style);
        assert_eq!(attribute("data-x").booleans, Booleans::Text);
        assert_eq!(attribute("aria-hidden").booleans, Booleans::Text);
        assert_eq!(attribute("draggable").booleans, Booleans::Text);
        assert_eq!(attribute("hidden").booleans, Booleans::Presence);
        assert_eq!(attribute("title").booleans, Booleans::Dropped);
        assert!(attribute("src").url && attribute("href").url && !attribute("alt").url);
    }

    #[test]
    fn names_style_properties_as_react_dom_does() {
        for (key, name, px) in [
            ("fontSize", "font-size", true),
            ("opacity", "opacity", false),
            ("msTransform", "-ms-transform", true),
            ("WebkitLineClamp", "-webkit-line-clamp", false),
            ("--accent", "--accent", false),
            ("--Accent", "--Accent", false),
            ("strokeWidth", "stroke-width", false),
        ] {
            assert_eq!(
                style_rule(key),
                StyleRule {
                    name: name.into(),
                    px
                },
                "{key}"
            );
        }
    }

    #[test]
    fn trims_as_javascript_does() {
        assert_eq!(trim_js(" \t\n\u{feff}a b\u{3000}\u{2029}"), "a b");
        assert_eq!(trim_js("\u{85}a\u{85}"), "\u{85}a\u{85}");
    }
}
