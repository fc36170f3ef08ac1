//! A project's modules, transpiled and linked before any code runs: every import is resolved
//! here, so an unknown module is reported with its importer up front.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::builtins;
use crate::compiled::CompiledModules;
use crate::env::EnvVariables;
use crate::error::ComposeError;
use crate::fetch::Fetcher;
use crate::google_fonts;
use crate::transpile::{TranspiledModule, transpile};

/// Extensions tried, in order, for an import without one (and for `index` files).
const EXTENSIONS: &[&str] = &["tsx", "ts", "jsx", "js", "mjs", "json"];

/// Virtual file name of a composition given as a code string.
pub const CODE_MODULE: &str = "DynamicComp.tsx";

/// Where a project's files come from: a folder on disk, or files held in memory (a code string,
/// or a site downloaded from a bucket).
pub trait SourceFiles: Send + Sync {
    /// Reads a project-relative path (`src/Scene.tsx`).
    fn read(&self, path: &str) -> std::io::Result<String>;
    /// Whether a project-relative path is a file.
    fn is_file(&self, path: &str) -> bool;
}

/// Project files in a folder on disk.
#[derive(Debug, Clone)]
pub struct DiskFiles {
    pub root: PathBuf,
}

impl SourceFiles for DiskFiles {
    fn read(&self, path: &str) -> std::io::Result<String> {
        std::fs::read_to_string(self.root.join(path))
    }
    fn is_file(&self, path: &str) -> bool {
        self.root.join(path).is_file()
    }
}

/// Project files held in memory, keyed by project-relative path.
#[derive(Debug, Clone, Default)]
pub struct MemoryFiles {
    pub files: BTreeMap<String, String>,
}

impl SourceFiles for MemoryFiles {
    fn read(&self, path: &str) -> std::io::Result<String> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
    fn is_file(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }
}

/// The composition a code string renders as (what `POST /api/lambda/render` describes).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeComposition {
    pub id: String,
    pub duration_in_frames: u32,
    pub fps: f64,
    pub width: u32,
    pub height: u32,
}

impl CodeComposition {
    /// `DynamicComp` at 1920×1080, as the HTTP API renders code by default.
    pub fn new(duration_in_frames: u32, fps: f64) -> Self {
        Self {
            id: "DynamicComp".into(),
            duration_in_frames,
            fps,
            width: 1920,
            height: 1080,
        }
    }
}

/// How the bundle's compositions are registered.
#[derive(Debug, Clone)]
pub enum BundleKind {
    /// An entry file that calls `registerRoot()`.
    Project,
    /// A code string exporting one component, rendered as this composition.
    Code(CodeComposition),
}

/// One project module, ready for the engine.
pub(crate) struct ProjectModule {
    pub code: String,
    /// `(specifier, name)` of the module's named imports.
    pub named_imports: Vec<(String, String)>,
    pub source: String,
    pub source_map: Option<oxc_sourcemap::SourceMap<'static>>,
}

/// All modules of a project, transpiled, with every import resolved.
pub struct Bundle {
    pub(crate) entry: String,
    pub(crate) kind: BundleKind,
    pub(crate) modules: HashMap<String, ProjectModule>,
    /// `(importer, specifier)` → module name.
    pub(crate) resolutions: HashMap<(String, String), String>,
    /// The modules as bytecode, once the first engine compiled them.
    pub(crate) compiled: CompiledModules,
    root: Option<PathBuf>,
    /// What the code reads as `process.env` (with `NODE_ENV`: see [`crate::env`]).
    env: EnvVariables,
    /// What answers the code's `fetch()` (see [`crate::fetch`]); none: it rejects.
    fetcher: Option<Arc<dyn Fetcher>>,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("entry", &self.entry)
            .field("kind", &self.kind)
            .field("modules", &self.module_names())
            .finish()
    }
}

impl Bundle {
    /// Loads a project from its entry file (`src/index.ts`). The project root is the nearest
    /// folder above the entry that holds a `package.json`; without one, the parent of a `src/`
    /// folder, or else the entry's own folder.
    pub fn from_entry(entry: &Path) -> Result<Bundle, ComposeError> {
        let entry = entry.canonicalize().map_err(|source| ComposeError::Read {
            path: entry.display().to_string(),
            source,
        })?;
        let root = project_root(&entry);
        let relative = entry
            .strip_prefix(&root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| entry.display().to_string());
        let mut bundle = Self::from_files(
            &DiskFiles { root: root.clone() },
            &relative,
            BundleKind::Project,
        )?;
        bundle.root = Some(root);
        Ok(bundle)
    }

    /// Compiles a code string that exports one React component.
    pub fn from_code(code: &str, composition: CodeComposition) -> Result<Bundle, ComposeError> {
        Self::from_code_named(code, CODE_MODULE, composition)
    }

    /// Compiles a code file's text that exports one React component; errors and stacks name
    /// it `file_name` (`intro.tsx`), whose extension selects the dialect (any other name is
    /// read as TSX).
    pub fn from_code_named(
        code: &str,
        file_name: &str,
        composition: CodeComposition,
    ) -> Result<Bundle, ComposeError> {
        let readable = Path::new(file_name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS[..5].contains(&e))
            && !file_name.contains('/');
        let module = if readable { file_name } else { CODE_MODULE };
        if composition.duration_in_frames == 0 {
            return Err(ComposeError::InvalidInput {
                field: "durationInFrames".into(),
                message: "must be a positive integer".into(),
            });
        }
        if !(composition.fps.is_finite() && composition.fps > 0.0) {
            return Err(ComposeError::InvalidInput {
                field: "fps".into(),
                message: "must be a positive number".into(),
            });
        }
        if composition.width == 0 || composition.height == 0 {
            return Err(ComposeError::InvalidInput {
                field: if composition.width == 0 {
                    "width"
                } else {
                    "height"
                }
                .into(),
                message: "must be a positive integer".into(),
            });
        }
        let files = MemoryFiles {
            files: [(module.to_string(), code.to_string())].into(),
        };
        Self::from_files(&files, module, BundleKind::Code(composition))
    }

    /// Loads a project from any file source, starting at `entry` (project-relative).
    pub fn from_files(
        files: &dyn SourceFiles,
        entry: &str,
        kind: BundleKind,
    ) -> Result<Bundle, ComposeError> {
        let mut bundle = Bundle {
            entry: entry.to_string(),
            kind,
            modules: HashMap::new(),
            resolutions: HashMap::new(),
            compiled: CompiledModules::default(),
            root: None,
            env: EnvVariables::new(),
            fetcher: None,
        };
        let code_only = matches!(bundle.kind, BundleKind::Code(_));
        let mut queue = VecDeque::from([entry.to_string()]);
        while let Some(name) = queue.pop_front() {
            if bundle.modules.contains_key(&name) {
                continue;
            }
            let source = files.read(&name).map_err(|source| ComposeError::Read {
                path: name.clone(),
                source,
            })?;
            let module = load_module(&name, &source)?;
            for specifier in &module.imports {
                let resolved = resolve(files, &name, specifier, code_only)?;
                if !builtins::is_builtin(&resolved) {
                    check_importable(&name, specifier, &resolved)?;
                }
                if !builtins::is_builtin(&resolved) {
                    queue.push_back(resolved.clone());
                }
                bundle
                    .resolutions
                    .insert((name.clone(), specifier.clone()), resolved);
            }
            bundle.modules.insert(
                name,
                ProjectModule {
                    code: module.code,
                    named_imports: module.named_imports,
                    source,
                    source_map: module.source_map,
                },
            );
        }
        Ok(bundle)
    }

    /// The bundle with `env` as the environment variables its code reads as `process.env`
    /// (Remotion's `envVariables`); `NODE_ENV` is `production` whatever they say.
    pub fn with_env(mut self, env: EnvVariables) -> Bundle {
        self.env = env;
        self
    }

    /// The bundle with `fetcher` answering its code's `fetch()`.
    pub fn with_fetcher(mut self, fetcher: Arc<dyn Fetcher>) -> Bundle {
        self.fetcher = Some(fetcher);
        self
    }

    /// What answers the code's `fetch()`, if anything does.
    pub fn fetcher(&self) -> Option<&Arc<dyn Fetcher>> {
        self.fetcher.as_ref()
    }

    /// The environment variables given with [`Bundle::with_env`].
    pub fn env(&self) -> &EnvVariables {
        &self.env
    }

    /// The project root on disk, for projects loaded from a folder.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The project's `public/` folder, when it has one.
    pub fn public_dir(&self) -> Option<PathBuf> {
        self.root
            .as_ref()
            .map(|r| r.join("public"))
            .filter(|p| p.is_dir())
    }

    /// The entry module's name.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// How compositions are registered.
    pub fn kind(&self) -> &BundleKind {
        &self.kind
    }

    /// Project modules that import `name` from the module `resolved` (for link errors, which
    /// QuickJS reports without the importer).
    pub fn importers_of(&self, resolved: &str, name: &str) -> Vec<&str> {
        let mut found: Vec<&str> = self
            .modules
            .iter()
            .filter(|(importer, module)| {
                module.named_imports.iter().any(|(specifier, imported)| {
                    imported == name
                        && self
                            .resolutions
                            .get(&((*importer).clone(), specifier.clone()))
                            .map(String::as_str)
                            == Some(resolved)
                })
            })
            .map(|(importer, _)| importer.as_str())
            .collect();
        found.sort_unstable();
        found
    }

    /// Names of the project's own modules, sorted.
    pub fn module_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.modules.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

fn load_module(name: &str, source: &str) -> Result<TranspiledModule, ComposeError> {
    if name.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(source).map_err(|e| ComposeError::Json {
            path: name.to_string(),
            message: format!("{} (line {}, column {})", e, e.line(), e.column()),
        })?;
        return Ok(TranspiledModule {
            code: format!("export default {source};"),
            imports: vec![],
            named_imports: vec![],
            source_map: None,
        });
    }
    if name.ends_with(".css") {
        let css = serde_json::to_string(source).unwrap_or_default();
        return Ok(TranspiledModule {
            code: format!(
                "import {{ addGlobalStyle }} from 'kinema:state';\naddGlobalStyle({css});"
            ),
            imports: vec!["kinema:state".into()],
            named_imports: vec![],
            source_map: None,
        });
    }
    transpile(name, source)
}

/// Extensions of files the engine can load as modules.
const MODULE_EXTENSIONS: &[&str] = &[
    "tsx", "ts", "jsx", "js", "mjs", "cjs", "mts", "cts", "json", "css",
];

/// Rejects imports of files that are not code (images, fonts, media), with what to do instead.
fn check_importable(importer: &str, specifier: &str, resolved: &str) -> Result<(), ComposeError> {
    let extension = Path::new(resolved)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    if MODULE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()) {
        return Ok(());
    }
    Err(ComposeError::UnresolvedImport {
        specifier: specifier.to_string(),
        importer: importer.to_string(),
        reason: format!(
            "'.{extension}' files cannot be imported as modules; put the file in public/ and reference it with staticFile()"
        ),
    })
}

fn resolve(
    files: &dyn SourceFiles,
    importer: &str,
    specifier: &str,
    code_only: bool,
) -> Result<String, ComposeError> {
    let fail = |reason: String| ComposeError::UnresolvedImport {
        specifier: specifier.to_string(),
        importer: importer.to_string(),
        reason,
    };
    if builtins::is_builtin(specifier) {
        return Ok(specifier.to_string());
    }
    let relative = specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier == "."
        || specifier == "..";
    if !relative {
        if specifier.starts_with('/') {
            return Err(fail(
                "absolute paths cannot be imported; use a path relative to the importing file"
                    .into(),
            ));
        }
        if let Some(why) = google_fonts::unknown_font(specifier) {
            return Err(fail(why));
        }
        return Err(fail(format!(
            "it is not one of the modules Kinema provides ({}); other npm packages are not bundled",
            builtins::public_names().join(", ")
        )));
    }
    if code_only {
        return Err(fail(
            "a composition given as a code string cannot import files; inline the code".into(),
        ));
    }
    let base = importer.rsplit_once('/').map_or("", |(dir, _)| dir);
    let joined = normalize(base, specifier)
        .ok_or_else(|| fail("the path leaves the project folder".into()))?;
    let mut tried = Vec::new();
    let has_extension = Path::new(&joined).extension().is_some();
    if has_extension {
        tried.push(joined.clone());
    }
    for ext in EXTENSIONS {
        tried.push(format!("{joined}.{ext}"));
    }
    for ext in EXTENSIONS {
        tried.push(if joined.is_empty() {
            format!("index.{ext}")
        } else {
            format!("{joined}/index.{ext}")
        });
    }
    // TypeScript projects import `./x.js` meaning `./x.ts`.
    if let Some(stem) = joined.strip_suffix(".js") {
        tried.push(format!("{stem}.ts"));
        tried.push(format!("{stem}.tsx"));
    }
    tried
        .iter()
        .find(|candidate| files.is_file(candidate))
        .cloned()
        .ok_or_else(|| fail(format!("no such file (tried {})", tried.join(", "))))
}

/// Joins a relative specifier onto a folder, resolving `.` and `..`; `None` if it climbs above
/// the project root.
fn normalize(base: &str, specifier: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in specifier.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn project_root(entry: &Path) -> PathBuf {
    project_root_of(entry.parent().unwrap_or(Path::new("/")))
}

/// The root of the project `dir` is in: the nearest folder at or above it holding a
/// `package.json`; without one, the parent of a `src/` folder, or else `dir` itself.
pub fn project_root_of(dir: &Path) -> PathBuf {
    for ancestor in dir.ancestors() {
        if ancestor.join("package.json").is_file() {
            return ancestor.to_path_buf();
        }
    }
    if dir.file_name().is_some_and(|n| n == "src")
        && let Some(parent) = dir.parent()
    {
        return parent.to_path_buf();
    }
    dir.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> MemoryFiles {
        MemoryFiles {
            files: list
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn imports_used_only_as_types_are_dropped() {
        // TypeScript semantics: `import {FC} from 'react'` used only in types must not reach
        // the engine, where `react` has no `FC` export.
        let f = files(&[(
            "src/index.ts",
            "import {FC} from 'react'; import {Helper} from './missing'; export const x: FC | Helper = null;",
        )]);
        assert!(Bundle::from_files(&f, "src/index.ts", BundleKind::Project).is_ok());
    }

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(
            normalize("src/scenes", "../lib/colors").as_deref(),
            Some("src/lib/colors")
        );
        assert_eq!(normalize("src", "./a/./b").as_deref(), Some("src/a/b"));
        assert_eq!(normalize("", "../x"), None);
    }

    #[test]
    fn resolves_extensions_index_files_and_json() {
        let f = files(&[
            (
                "src/index.ts",
                "import {A} from './A'; import c from '../data/c.json'; import * as l from './lib'; console.log(A, c, l);",
            ),
            ("src/A.tsx", "export const A = () => <div/>;"),
            ("data/c.json", "{\"x\": 1}"),
            ("src/lib/index.js", "export const y = 2;"),
        ]);
        let bundle = Bundle::from_files(&f, "src/index.ts", BundleKind::Project).unwrap();
        assert_eq!(
            bundle.module_names(),
            vec![
                "data/c.json",
                "src/A.tsx",
                "src/index.ts",
                "src/lib/index.js"
            ]
        );
        assert_eq!(
            bundle.resolutions[&("src/index.ts".to_string(), "./lib".to_string())],
            "src/lib/index.js"
        );
    }

    #[test]
    fn unknown_modules_name_the_importer() {
        let f = files(&[
            ("src/index.ts", "import './B';"),
            ("src/B.ts", "import _ from 'lodash'; _();"),
        ]);
        let err = Bundle::from_files(&f, "src/index.ts", BundleKind::Project).unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("cannot resolve module 'lodash' imported from src/B.ts"),
            "{text}"
        );
        let f = files(&[("src/index.ts", "import './Missing';")]);
        let err = Bundle::from_files(&f, "src/index.ts", BundleKind::Project).unwrap_err();
        assert!(
            err.to_string()
                .contains("no such file (tried src/Missing.tsx"),
            "{err}"
        );
    }

    #[test]
    fn code_strings_cannot_import_files() {
        let err = Bundle::from_code(
            "import x from './x';\nexport default () => x;",
            CodeComposition::new(10, 30.0),
        )
        .unwrap_err();
        assert!(err.to_string().contains("cannot import files"), "{err}");
    }

    #[test]
    fn invalid_json_modules_are_reported() {
        let f = files(&[
            ("src/index.ts", "import d from './d.json'; console.log(d);"),
            ("src/d.json", "{oops}"),
        ]);
        let err = Bundle::from_files(&f, "src/index.ts", BundleKind::Project).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid JSON in src/d.json"),
            "{err}"
        );
    }
}
