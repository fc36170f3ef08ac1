//! Kinema's own font registry.
//!
//! Text must look the same on every machine and must never vanish, so nothing here asks
//! fontconfig (AWS Lambda has none). The registry is built from font files we read ourselves:
//! the folders named by `KINEMA_FONT_DIRS`, the usual system font folders, and the project's
//! `public/` folder. Generic families (`sans-serif`, `serif`, …) map to fixed families, chosen
//! to match what Chromium draws on Debian with the fonts `scripts/setup` installs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use parley::FontContext;
use parley::fontique::{
    Blob, Collection, CollectionOptions, FontInfoOverride, GenericFamily, SourceCache,
};

/// Generic CSS families and the installed families they resolve to, first available wins.
/// Chromium on Debian resolves `serif`/`sans-serif` through its own settings (Times New Roman,
/// Arial) and fontconfig's metric aliases (Liberation); `monospace` and `system-ui` through
/// fontconfig's preference lists (DejaVu).
pub const GENERIC_FAMILIES: &[(&str, &[&str])] = &[
    ("sans-serif", &["Liberation Sans", "DejaVu Sans"]),
    ("serif", &["Liberation Serif", "DejaVu Serif"]),
    ("monospace", &["DejaVu Sans Mono", "Liberation Mono"]),
    ("system-ui", &["DejaVu Sans", "Liberation Sans"]),
    ("ui-sans-serif", &["DejaVu Sans", "Liberation Sans"]),
    ("ui-serif", &["DejaVu Serif", "Liberation Serif"]),
    ("ui-monospace", &["DejaVu Sans Mono", "Liberation Mono"]),
    ("ui-rounded", &["DejaVu Sans", "Liberation Sans"]),
    ("cursive", &["DejaVu Sans", "Liberation Sans"]),
    ("fantasy", &["DejaVu Sans", "Liberation Sans"]),
    ("emoji", &["Noto Color Emoji", "DejaVu Sans"]),
];

/// Well-known proprietary families and their metric-compatible free stand-ins (the same
/// substitutions fontconfig makes), used only when the real family is not installed.
pub const FAMILY_ALIASES: &[(&str, &str)] = &[
    ("Arial", "Liberation Sans"),
    ("Helvetica", "Liberation Sans"),
    ("Helvetica Neue", "Liberation Sans"),
    ("-apple-system", "DejaVu Sans"),
    ("BlinkMacSystemFont", "DejaVu Sans"),
    ("Segoe UI", "DejaVu Sans"),
    ("Roboto", "DejaVu Sans"),
    ("Times New Roman", "Liberation Serif"),
    ("Times", "Liberation Serif"),
    ("Courier New", "Liberation Mono"),
    ("Courier", "Liberation Mono"),
    ("Menlo", "DejaVu Sans Mono"),
    ("Consolas", "DejaVu Sans Mono"),
];

/// The family used when nothing else matches, and for text with no `font-family` at all
/// (Chromium's default standard font is Times New Roman).
pub const DEFAULT_FAMILY: &str = "serif";

/// One font file, read once per process and shared by every document.
#[derive(Clone)]
struct FontFile {
    data: Blob<u8>,
    families: Vec<String>,
}

/// All fonts found in the font folders, read once per process.
pub struct FontLibrary {
    files: Vec<FontFile>,
    families: HashSet<String>,
    dirs: Vec<PathBuf>,
    /// The same fonts as usvg wants them, for SVG text (built on first use).
    svg_database: OnceLock<Arc<usvg::fontdb::Database>>,
}

impl FontLibrary {
    /// The process-wide library: scanned on first use.
    pub fn system() -> Arc<FontLibrary> {
        static LIBRARY: OnceLock<Arc<FontLibrary>> = OnceLock::new();
        LIBRARY
            .get_or_init(|| Arc::new(FontLibrary::scan(&font_dirs())))
            .clone()
    }

    /// Read every font file under `dirs` (sorted, so the result never depends on directory
    /// order).
    pub fn scan(dirs: &[PathBuf]) -> FontLibrary {
        let mut paths = Vec::new();
        for dir in dirs {
            collect_font_files(dir, 0, &mut paths);
        }
        paths.sort();
        paths.dedup();
        // The same font installed twice (e.g. Debian's fonts-liberation and fonts-liberation2
        // both ship LiberationSans-Regular.ttf): keep the copy whose path sorts last, so the
        // newer package wins and the choice never depends on directory order.
        let mut by_name: HashMap<std::ffi::OsString, PathBuf> = HashMap::new();
        for path in paths {
            if let Some(name) = path.file_name() {
                by_name.insert(name.to_ascii_lowercase(), path);
            }
        }
        let mut paths: Vec<PathBuf> = by_name.into_values().collect();
        paths.sort();
        let mut probe = Collection::new(CollectionOptions {
            shared: false,
            system_fonts: false,
        });
        let mut files = Vec::new();
        let mut families = HashSet::new();
        for path in paths {
            match read_font_file(&path, &mut probe) {
                Some(file) => {
                    families.extend(file.families.iter().cloned());
                    files.push(file);
                }
                None => tracing::debug!(path = %path.display(), "not a usable font file"),
            }
        }
        tracing::debug!(
            files = files.len(),
            families = families.len(),
            "font library scanned"
        );
        FontLibrary {
            files,
            families,
            dirs: dirs.to_vec(),
            svg_database: OnceLock::new(),
        }
    }

    /// A library of just these files (e.g. a project's fonts).
    pub fn scan_files(paths: &[PathBuf]) -> FontLibrary {
        let mut probe = Collection::new(CollectionOptions {
            shared: false,
            system_fonts: false,
        });
        let files: Vec<FontFile> = paths
            .iter()
            .filter_map(|p| read_font_file(p, &mut probe))
            .collect();
        let families = files
            .iter()
            .flat_map(|f| f.families.iter().cloned())
            .collect();
        FontLibrary {
            files,
            families,
            dirs: Vec::new(),
            svg_database: OnceLock::new(),
        }
    }

    /// The font files' contents, in the library's order.
    pub(crate) fn data(&self) -> impl Iterator<Item = &Blob<u8>> {
        self.files.iter().map(|f| &f.data)
    }

    /// The library's font database for SVG text, built on first use.
    pub(crate) fn svg_database(
        &self,
        build: impl FnOnce() -> Arc<usvg::fontdb::Database>,
    ) -> Arc<usvg::fontdb::Database> {
        self.svg_database.get_or_init(build).clone()
    }

    /// Every family name in the library, sorted.
    pub fn family_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.families.iter().cloned().collect();
        names.sort();
        names
    }

    /// Whether a family of this name is installed.
    pub fn has_family(&self, name: &str) -> bool {
        self.families.iter().any(|f| f.eq_ignore_ascii_case(name))
    }

    /// The folders that were scanned.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The installed family a generic CSS family resolves to, if any candidate is installed.
    pub fn generic(&self, generic: &str) -> Option<&'static str> {
        GENERIC_FAMILIES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(generic))
            .and_then(|(_, candidates)| candidates.iter().copied().find(|c| self.has_family(c)))
    }

    /// The installed family that actually draws a CSS family name: itself when installed,
    /// else its alias, else the generic family's choice. `None` when nothing matches.
    pub fn concrete(&self, family: &str) -> Option<String> {
        let family = family.trim().trim_matches(|c| c == '"' || c == '\'');
        if let Some(generic) = self.generic(family) {
            return Some(generic.to_string());
        }
        if self.has_family(family) {
            return Some(family.to_string());
        }
        FAMILY_ALIASES
            .iter()
            .find(|(alias, _)| alias.eq_ignore_ascii_case(family))
            .filter(|(_, target)| self.has_family(target))
            .map(|(_, target)| target.to_string())
    }

    /// A parley font context holding these fonts, the project's own font files, the aliases
    /// and the fixed generic families. Each document gets its own, so project fonts never leak
    /// between projects rendered by one process.
    pub fn font_context(&self, project_fonts: &[PathBuf]) -> FontContext {
        let mut collection = Collection::new(CollectionOptions {
            shared: false,
            system_fonts: false,
        });
        for file in &self.files {
            collection.register_fonts(file.data.clone(), None);
        }
        let mut probe = Collection::new(CollectionOptions {
            shared: false,
            system_fonts: false,
        });
        for path in project_fonts {
            match read_font_file(path, &mut probe) {
                Some(file) => {
                    collection.register_fonts(file.data, None);
                }
                None => tracing::warn!(path = %path.display(), "skipping unreadable font file"),
            }
        }
        for (alias, target) in FAMILY_ALIASES {
            if collection.family_id(alias).is_some() {
                continue;
            }
            for file in self
                .files
                .iter()
                .filter(|f| f.families.iter().any(|n| n == target))
            {
                collection.register_fonts(
                    file.data.clone(),
                    Some(FontInfoOverride {
                        family_name: Some(alias),
                        ..Default::default()
                    }),
                );
            }
        }
        for (name, generic) in GENERIC_KINDS {
            if let Some(family) = self.generic(name)
                && let Some(id) = collection.family_id(family)
            {
                collection.set_generic_families(*generic, std::iter::once(id));
            }
        }
        // Per-glyph fallback, which Chromium gets from fontconfig: a character the chosen font
        // lacks (✓ or ★ in Liberation Sans, Greek in a Latin-only font) is drawn with the first
        // installed family that has it, DejaVu's broad coverage first, instead of a missing-glyph
        // box. Parley looks fallbacks up by the script of each run of text.
        // The default family leads, so text whose family is missing altogether (no stack left)
        // is drawn as the warning about it says, with the default, not with DejaVu.
        let default = self.generic(DEFAULT_FAMILY);
        let mut fallbacks: Vec<_> = default
            .iter()
            .chain(FALLBACK_FIRST.iter())
            .filter_map(|name| collection.family_id(name))
            .collect();
        fallbacks.dedup();
        for name in self.family_names() {
            if let Some(id) = collection.family_id(&name)
                && !fallbacks.contains(&id)
            {
                fallbacks.push(id);
            }
        }
        for script in FALLBACK_SCRIPTS {
            collection.set_fallbacks(
                parley::fontique::FallbackKey::new(
                    parley::fontique::Script::from_bytes(*script),
                    None,
                ),
                fallbacks.iter().copied(),
            );
        }
        FontContext {
            collection,
            source_cache: SourceCache::default(),
        }
    }
}

/// Families tried first for characters the chosen font does not have (see `font_context`).
const FALLBACK_FIRST: [&str; 4] = [
    "DejaVu Sans",
    "DejaVu Serif",
    "DejaVu Sans Mono",
    "Noto Sans",
];

/// Scripts (ISO 15924) given fallback families: symbols and punctuation (Common, Inherited) and
/// the scripts the installed fonts cover.
const FALLBACK_SCRIPTS: [&[u8; 4]; 12] = [
    b"Zyyy", b"Zinh", b"Latn", b"Grek", b"Cyrl", b"Armn", b"Geor", b"Hebr", b"Arab", b"Hani",
    b"Thai", b"Deva",
];

const GENERIC_KINDS: &[(&str, GenericFamily)] = &[
    ("sans-serif", GenericFamily::SansSerif),
    ("serif", GenericFamily::Serif),
    ("monospace", GenericFamily::Monospace),
    ("system-ui", GenericFamily::SystemUi),
    ("ui-sans-serif", GenericFamily::UiSansSerif),
    ("ui-serif", GenericFamily::UiSerif),
    ("ui-monospace", GenericFamily::UiMonospace),
    ("ui-rounded", GenericFamily::UiRounded),
    ("cursive", GenericFamily::Cursive),
    ("fantasy", GenericFamily::Fantasy),
    ("emoji", GenericFamily::Emoji),
];

/// The folders fonts are read from: `KINEMA_FONT_DIRS` (`:`-separated) first, then the usual
/// system and user font folders that exist.
pub fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("KINEMA_FONT_DIRS")
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    dirs.push(PathBuf::from("/usr/share/fonts"));
    dirs.push(PathBuf::from("/usr/local/share/fonts"));
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
    }
    dirs.retain(|d| d.is_dir());
    dirs
}

/// Font files directly in a project folder (e.g. `public/`, not recursive into `node_modules`).
pub fn project_font_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    collect_font_files(dir, 6, &mut paths);
    paths.sort();
    paths
}

fn collect_font_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > 8 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "node_modules") {
                collect_font_files(&path, depth + 1, out);
            }
        } else if is_font_file(&path) {
            out.push(path);
        }
    }
}

fn is_font_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "ttf" | "otf" | "ttc" | "otc"
        )
    })
}

fn read_font_file(path: &Path, probe: &mut Collection) -> Option<FontFile> {
    let file = std::fs::File::open(path).ok()?;
    // Mapped, not read: a machine with large font packages (CJK, emoji) only pays memory for
    // the pages text actually uses.
    // SAFETY: font files are installed packages or project assets that are not modified while
    // Kinema runs; a file truncated underneath us is the same hazard every font stack accepts.
    let data = match unsafe { memmap2::Mmap::map(&file) } {
        Ok(map) => Blob::new(Arc::new(map)),
        Err(_) => Blob::new(Arc::new(std::fs::read(path).ok()?)),
    };
    let registered = probe.register_fonts(data.clone(), None);
    if registered.is_empty() {
        return None;
    }
    let families = registered
        .iter()
        .filter_map(|(id, _)| probe.family_name(*id).map(str::to_string))
        .collect();
    Some(FontFile { data, families })
}

/// Remembers which font families were reported missing, so each is warned about once per
/// process.
pub(crate) fn warn_missing_family(family: &str, fallback: &str) {
    static WARNED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let warned = WARNED.get_or_init(Default::default);
    let mut warned = warned.lock().unwrap_or_else(|e| e.into_inner());
    if warned.insert(family.to_ascii_lowercase()) {
        tracing::warn!(
            "font family \"{family}\" is not installed; drawing with \"{fallback}\" instead ({})",
            how_to_load(family)
        );
    }
}

/// How a composition gets the font family it names.
fn how_to_load(family: &str) -> String {
    match kinema_compose::google_font_module(family) {
        Some(module) => format!(
            "it is a Google font: `import {{loadFont}} from '{module}'` and call `loadFont()`"
        ),
        None => "add the font to public/ or load it with @remotion/fonts or @font-face".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_google_font_says_where_it_comes_from() {
        assert!(how_to_load("Inter").contains("from '@remotion/google-fonts/Inter'"));
        assert!(how_to_load("My Brand").contains("add the font to public/"));
    }

    #[test]
    fn generic_families_resolve_to_installed_fonts() {
        let library = FontLibrary::system();
        if library.files.is_empty() {
            return; // no fonts installed: covered by the reference tests' setup check
        }
        let sans = library.concrete("sans-serif").expect("sans-serif resolves");
        assert!(library.has_family(&sans));
        assert_eq!(library.concrete("SANS-SERIF"), Some(sans));
        assert_eq!(library.concrete("No Such Family 123"), None);
    }

    #[test]
    fn aliases_only_apply_when_the_target_is_installed() {
        let empty = FontLibrary::scan(&[]);
        assert_eq!(empty.concrete("Arial"), None);
        assert_eq!(empty.generic("serif"), None);
    }
}
