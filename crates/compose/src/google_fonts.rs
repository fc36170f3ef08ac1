//! `@remotion/google-fonts`: the modules `@remotion/google-fonts/<Name>`, made on demand from
//! Kinema's table of Google Fonts.
//!
//! The table (`data/google-fonts.txt`, written by `tools/google-fonts/gen.mjs` from the npm
//! package) holds each font's family, files, styles, weights, subsets and unicode ranges, so a
//! composition loads the same files it would in Remotion. It is read only when a composition
//! imports a Google font; the module for one font is a few lines that hand its entry to
//! `kinema:fonts`.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The package's name; fonts are its sub-paths.
pub(crate) const PACKAGE: &str = "@remotion/google-fonts";
/// The package's index (`getAvailableFonts`), under both of its names.
const INDEX: [&str; 2] = [PACKAGE, "@remotion/google-fonts/index"];
/// The loaders that take a font's `getInfo()`.
const FROM_INFO: &str = "@remotion/google-fonts/from-info";
/// Where Google serves the font files.
const GOOGLE_FILES: &str = "https://fonts.gstatic.com/s/";
/// Names a mirror of Google's font files (a folder or server laid out as `<font>/<version>/…`).
pub(crate) const MIRROR_VARIABLE: &str = "KINEMA_GOOGLE_FONTS_URL";

const TABLE_TEXT: &str = include_str!("../data/google-fonts.txt");

/// The table, split into lines: the unicode ranges, and each font's entry by import name.
struct Table {
    /// JSON array of every distinct unicode range, which entries refer to by index.
    ranges: Vec<String>,
    /// Import name → the entry's JSON, in the package's order.
    fonts: Vec<(&'static str, &'static str)>,
    by_name: HashMap<&'static str, usize>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut lines = TABLE_TEXT.lines();
    let ranges = lines
        .next()
        .and_then(|line| line.strip_prefix("#ranges\t"))
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    let fonts: Vec<(&str, &str)> = lines.filter_map(|line| line.split_once('\t')).collect();
    let by_name = fonts
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (*name, i))
        .collect();
    Table {
        ranges,
        fonts,
        by_name,
    }
});

/// Whether `name` is one of the package's modules.
pub(crate) fn is_module(name: &str) -> bool {
    INDEX.contains(&name) || name == FROM_INFO || font_name(name).is_some()
}

/// The import name of a font module's specifier, when the table has that font.
fn font_name(specifier: &str) -> Option<&str> {
    let name = specifier.strip_prefix(PACKAGE)?.strip_prefix('/')?;
    TABLE.by_name.contains_key(name).then_some(name)
}

/// The source of one of the package's modules.
pub(crate) fn module_source(name: &str) -> Option<String> {
    if INDEX.contains(&name) {
        return Some(index_source());
    }
    if name == FROM_INFO {
        return Some(
            "export { loadFontFromInfo, loadVariableFontFromInfo } from 'kinema:fonts';".into(),
        );
    }
    let font = font_name(name)?;
    Some(font_source(font).unwrap_or_else(|| {
        // The table is generated and tested; this is a damaged build, not bad input.
        format!(
            "throw new Error({});",
            serde_json::Value::from(format!(
                "Kinema's table of Google Fonts has a damaged entry for {font}"
            ))
        )
    }))
}

fn font_source(font: &str) -> Option<String> {
    let table = &*TABLE;
    let (_, entry) = table.fonts[*table.by_name.get(font)?];
    let mut entry: serde_json::Value = serde_json::from_str(entry).ok()?;
    // Ranges are stored once for the whole table; the module gets its own as text.
    for pair in entry.get_mut(4)?.as_array_mut()? {
        let index = pair.get(1)?.as_u64()? as usize;
        pair[1] = serde_json::Value::from(table.ranges.get(index)?.as_str());
    }
    let name = serde_json::Value::from(font);
    let files = serde_json::Value::from(files_url());
    Some(format!(
        "import {{ googleFont }} from 'kinema:fonts';\n\
         const font = googleFont({name}, {entry}, {files});\n\
         export const fontFamily = font.fontFamily;\n\
         export const getInfo = font.getInfo;\n\
         export const loadFont = font.loadFont;\n\
         export const loadVariableFont = font.loadVariableFont;\n"
    ))
}

/// A font entry's family: its first value, read alone rather than with the whole entry.
fn family_of(entry: &str) -> String {
    entry
        .strip_prefix('[')
        .and_then(|rest| {
            serde_json::Deserializer::from_str(rest)
                .into_iter::<String>()
                .next()?
                .ok()
        })
        .unwrap_or_default()
}

/// The module that loads the Google font of family `family` (any case), if there is one:
/// `Open Sans` → `@remotion/google-fonts/OpenSans`. For telling users where a font they name
/// but have not loaded can come from.
pub fn google_font_module(family: &str) -> Option<String> {
    static FAMILIES: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
        TABLE
            .fonts
            .iter()
            .map(|(name, entry)| (family_of(entry).to_lowercase(), *name))
            .collect()
    });
    let name = FAMILIES.get(&family.trim().to_lowercase())?;
    Some(format!("{PACKAGE}/{name}"))
}

/// `getAvailableFonts()`: every font's family and import name, and a loader for its module.
fn index_source() -> String {
    let mut fonts = Vec::with_capacity(TABLE.fonts.len());
    for (name, entry) in &TABLE.fonts {
        fonts.push(serde_json::json!([family_of(entry), name]));
    }
    format!(
        "const FONTS = {};\n\
         export const getAvailableFonts = () => FONTS.map(([fontFamily, importName]) => \
         ({{ fontFamily, importName, load: () => import('{PACKAGE}/' + importName) }}));\n",
        serde_json::Value::from(fonts)
    )
}

/// Where the font files are: Google, or the mirror `KINEMA_GOOGLE_FONTS_URL` names. Read once:
/// modules made from it are compiled once per process.
fn files_url() -> &'static str {
    static URL: LazyLock<String> = LazyLock::new(read_files_url);
    &URL
}

fn read_files_url() -> String {
    match std::env::var(MIRROR_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => {
            let url = url.trim();
            if url.ends_with('/') {
                url.to_string()
            } else {
                format!("{url}/")
            }
        }
        _ => GOOGLE_FILES.to_string(),
    }
}

/// Why `specifier` (under the package) names no font, with the font it probably meant.
pub(crate) fn unknown_font(specifier: &str) -> Option<String> {
    let name = specifier.strip_prefix(PACKAGE)?.strip_prefix('/')?;
    let key = |text: &str| {
        text.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    let wanted = key(name);
    let meant = TABLE
        .fonts
        .iter()
        .map(|(font, _)| *font)
        .find(|font| key(font) == wanted);
    Some(match meant {
        Some(font) => {
            format!("there is no Google font \"{name}\"; did you mean \"{PACKAGE}/{font}\"?")
        }
        None => format!(
            "there is no Google font \"{name}\" (a font's module is its family name without \
             spaces, e.g. \"{PACKAGE}/OpenSans\"; `getAvailableFonts()` from \"{PACKAGE}\" \
             lists them)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_every_font_once() {
        assert!(TABLE.fonts.len() > 1800, "{} fonts", TABLE.fonts.len());
        assert_eq!(TABLE.by_name.len(), TABLE.fonts.len());
        assert!(TABLE.ranges.len() > 500);
    }

    #[test]
    fn every_entry_makes_a_module() {
        for (name, _) in &TABLE.fonts {
            let source = font_source(name).unwrap_or_else(|| panic!("{name} has no module"));
            assert!(source.contains("googleFont("), "{name}");
        }
    }

    #[test]
    fn names_resolve_only_to_fonts_in_the_table() {
        assert!(is_module("@remotion/google-fonts/Inter"));
        assert!(is_module("@remotion/google-fonts"));
        assert!(is_module("@remotion/google-fonts/from-info"));
        assert!(!is_module("@remotion/google-fonts/Intr"));
        assert!(!is_module("@remotion/google-fonts/"));
        assert!(!is_module("@remotion/google-fontsInter"));
    }

    #[test]
    fn families_lead_to_their_modules() {
        assert_eq!(
            google_font_module("open sans").as_deref(),
            Some("@remotion/google-fonts/OpenSans")
        );
        assert_eq!(
            google_font_module("Inter").as_deref(),
            Some("@remotion/google-fonts/Inter")
        );
        assert_eq!(google_font_module("Helvetica"), None);
    }

    #[test]
    fn a_misspelt_font_is_named_with_the_one_meant() {
        let why = unknown_font("@remotion/google-fonts/opensans").unwrap();
        assert!(
            why.contains("did you mean \"@remotion/google-fonts/OpenSans\""),
            "{why}"
        );
        let why = unknown_font("@remotion/google-fonts/NoSuchFont").unwrap();
        assert!(
            why.contains("OpenSans") && !why.contains("did you mean"),
            "{why}"
        );
        assert_eq!(unknown_font("@remotion/shapes"), None);
    }
}
