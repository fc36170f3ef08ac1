//! Sites: projects uploaded to `sites/{name}/` (reference §10.5), which renderers load from the
//! bucket — never from the user's working copy.
//!
//! A site holds the project's source modules (exactly those its entry imports), its
//! `package.json`, its `public/` folder, a `manifest.json` listing every file with its SHA-256,
//! and an `index.html` naming the protocol version. Uploads are incremental (unchanged files
//! are kept) and the manifest is written last, so a site is complete once it has one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kinema_compose::{Bundle, BundleKind, CodeComposition, EnvVariables, Fetcher};
use kinema_paint::fetch::ProjectFetcher;
use kinema_paint::resources::ResourceOptions;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bucket::{Bucket, PutOptions, Storage};
use crate::error::FarmError;

/// What a site is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum SiteKind {
    /// A project whose entry calls `registerRoot`.
    Project { entry: String },
    /// A code file exporting one component, rendered as one composition.
    Code {
        entry: String,
        composition: CodeComposition,
    },
    /// No files: the composition `DynamicComp` is compiled from the input props' `code`, with
    /// `durationInFrames`, `fps` and optional `width`/`height` (what the HTTP API renders).
    Dynamic,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteManifest {
    pub version: String,
    pub kind: SiteKind,
    pub files: Vec<SiteFile>,
    pub created_at: u64,
}

impl SiteManifest {
    /// Identifies this exact content (renderers cache sites by it).
    pub fn fingerprint(&self) -> String {
        crate::util::sha256_hex(&serde_json::to_vec(self).expect("manifest serialises"))[..16]
            .to_string()
    }
}

/// `kinema sites create`'s result (`deploySite`'s shape).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployedSite {
    pub serve_url: String,
    pub site_name: String,
    pub bucket_name: String,
    pub stats: DeployStats,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeployStats {
    pub uploaded_files: usize,
    pub deleted_files: usize,
    pub untouched_files: usize,
}

/// One site as `sites ls` shows it (`getSites`' shape).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteSummary {
    pub id: String,
    pub bucket_name: String,
    pub serve_url: String,
    pub size_in_bytes: u64,
    pub last_modified: u64,
    pub version: Option<String>,
}

const DYNAMIC_COMPOSITION: &str = "DynamicComp";

pub fn site_prefix(name: &str) -> String {
    format!("sites/{name}/")
}

/// Checks a site name (`^[-0-9a-zA-Z!_.*'()]+$`, not `.` or `..`).
pub fn validate_site_name(name: &str) -> Result<(), FarmError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name.len() <= 200
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-!_.*'()".contains(c));
    if ok {
        Ok(())
    } else {
        Err(FarmError::field(
            "siteName",
            format!("\"{name}\" is not a valid site name: use letters, digits and -!_.*'()"),
        ))
    }
}

/// The serve URL of a site: the location of its `index.html`.
pub fn serve_url(bucket: &dyn Bucket, name: &str) -> String {
    bucket.url(&format!("{}index.html", site_prefix(name)))
}

/// Which bucket and site a serve URL (or a bare site name) points at. A URL is recognised by
/// its `…/sites/{name}/index.html` tail; its bucket is the path segment or host before it.
pub fn resolve_serve_url(
    serve_url: &str,
    default_bucket: &str,
) -> Result<(String, String), FarmError> {
    if serve_url.starts_with("src/") || serve_url.ends_with(".ts") || serve_url.ends_with(".tsx") {
        return Err(FarmError::field(
            "serveUrl",
            format!(
                "\"{serve_url}\" is a local file: the farm renders sites from its bucket. Upload \
                 it with `kinema sites create {serve_url}` and pass the site name or serve URL"
            ),
        ));
    }
    if !serve_url.contains("://") {
        validate_site_name(serve_url).map_err(|_| {
            FarmError::field(
                "serveUrl",
                format!("\"{serve_url}\" is neither a URL nor a site name"),
            )
        })?;
        return Ok((default_bucket.to_string(), serve_url.to_string()));
    }
    let path = serve_url.split(['?', '#']).next().unwrap_or(serve_url);
    let segments: Vec<&str> = path.split('/').collect();
    let sites_at = segments.iter().rposition(|s| *s == "sites");
    let parsed = sites_at.and_then(|i| {
        let name = segments.get(i + 1)?;
        let before = if i >= 1 { segments[i - 1] } else { "" };
        // `https://{bucket}.s3.{region}.amazonaws.com/sites/…` or `…/{bucket}/sites/…`.
        let bucket = match before.split_once(".s3.") {
            Some((bucket, _)) => bucket,
            None => before,
        };
        (!bucket.is_empty() && !name.is_empty()).then(|| (bucket.to_string(), name.to_string()))
    });
    parsed.ok_or_else(|| {
        FarmError::field(
            "serveUrl",
            format!("\"{serve_url}\" is not a site URL (expected …/{{bucket}}/sites/{{name}}/index.html)"),
        )
    })
}

/// Files of a project to upload: its modules, `package.json` and `public/` (`public`, in place
/// of the project's own).
fn project_files(
    bundle: &Bundle,
    public: Option<&Path>,
) -> Result<BTreeMap<String, PathBuf>, FarmError> {
    let root = bundle
        .root()
        .ok_or_else(|| FarmError::Render("the project has no folder on disk".into()))?
        .to_path_buf();
    let mut files = BTreeMap::new();
    for name in bundle.module_names() {
        files.insert(name.to_string(), root.join(name));
    }
    if root.join("package.json").is_file() {
        files.insert("package.json".into(), root.join("package.json"));
    }
    if let Some(public) = public
        .map(Path::to_path_buf)
        .or_else(|| bundle.public_dir())
    {
        add_public_files(&public, &mut files)?;
    }
    Ok(files)
}

/// Adds every file under `public` to `files`, named `public/` and its path from `public`
/// (where the site serves `staticFile()` paths from).
fn add_public_files(public: &Path, files: &mut BTreeMap<String, PathBuf>) -> Result<(), FarmError> {
    let mut stack = vec![public.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(FarmError::io(format!("cannot read {}", dir.display())))?;
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(public) {
                let name = format!("public/{}", relative.to_string_lossy().replace('\\', "/"));
                files.insert(name, path);
            }
        }
    }
    Ok(())
}

/// Uploads a project or code file as site `name` (reference §10.5): validates that it
/// compiles, uploads changed files, deletes stale ones, then writes the manifest.
pub fn deploy(
    bucket: &dyn Bucket,
    name: &str,
    kind_source: SiteSource<'_>,
    version: &str,
) -> Result<DeployedSite, FarmError> {
    deploy_with_public_dir(bucket, name, kind_source, None, version)
}

/// [`deploy`], its `staticFile()` paths served from the folder `public` (`--public-dir`)
/// rather than the project's `public/` (or the one beside a code file).
pub fn deploy_with_public_dir(
    bucket: &dyn Bucket,
    name: &str,
    kind_source: SiteSource<'_>,
    public: Option<&Path>,
    version: &str,
) -> Result<DeployedSite, FarmError> {
    validate_site_name(name)?;
    if let Some(dir) = public
        && !dir.is_dir()
    {
        return Err(FarmError::field(
            "publicDir",
            format!("{} is not a folder", dir.display()),
        ));
    }
    let (kind, files): (SiteKind, BTreeMap<String, PathBuf>) = match kind_source {
        SiteSource::Project(entry) => {
            let bundle = Bundle::from_entry(entry)?;
            let files = project_files(&bundle, public)?;
            (
                SiteKind::Project {
                    entry: bundle.entry().to_string(),
                },
                files,
            )
        }
        SiteSource::Code(path, composition) => {
            let code = std::fs::read_to_string(path)
                .map_err(FarmError::io(format!("cannot read {}", path.display())))?;
            // Compiled (and later loaded) under the file's own name, as `kinema render` does:
            // its extension picks the dialect, and errors name the file.
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bundle = Bundle::from_code_named(&code, &file_name, composition.clone())?;
            // Every render of the site would fail on a frame rate no encoder takes.
            let fps = composition.fps;
            if !(kinema_encode::MIN_FPS..=kinema_encode::MAX_FPS).contains(&fps) {
                return Err(FarmError::field(
                    "fps",
                    format!(
                        "{fps} is outside {}-{} frames per second",
                        kinema_encode::MIN_FPS,
                        kinema_encode::MAX_FPS
                    ),
                ));
            }
            let entry = bundle.entry().to_string();
            let mut files: BTreeMap<String, PathBuf> = [(entry.clone(), path.to_path_buf())].into();
            // A `public/` folder beside the file serves its `staticFile()` paths, as it does
            // for `kinema render`.
            let folder = path.parent().unwrap_or(Path::new("."));
            let beside = folder.join("public");
            match public {
                Some(public) => add_public_files(public, &mut files)?,
                None if beside.is_dir() => add_public_files(&beside, &mut files)?,
                None => {}
            }
            (
                SiteKind::Code {
                    entry: entry.clone(),
                    composition,
                },
                files,
            )
        }
        SiteSource::Dynamic => (SiteKind::Dynamic, BTreeMap::new()),
    };
    let prefix = site_prefix(name);
    let previous: Option<SiteManifest> = bucket
        .get(&format!("{prefix}manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let old: BTreeMap<String, String> = previous
        .iter()
        .flat_map(|m| m.files.iter().map(|f| (f.path.clone(), f.sha256.clone())))
        .collect();
    let mut manifest_files = Vec::new();
    let (mut uploaded, mut untouched) = (0, 0);
    for (path, source) in &files {
        let body = std::fs::read(source)
            .map_err(FarmError::io(format!("cannot read {}", source.display())))?;
        let sha256 = crate::util::sha256_hex(&body);
        let key = format!("{prefix}files/{path}");
        if old.get(path) == Some(&sha256) && bucket.head(&key)?.is_some() {
            untouched += 1;
        } else {
            bucket.put(&key, &body, &PutOptions::default())?;
            uploaded += 1;
        }
        manifest_files.push(SiteFile {
            path: path.clone(),
            size: body.len() as u64,
            sha256,
        });
    }
    let mut deleted = 0;
    for stale in old.keys().filter(|p| !files.contains_key(*p)) {
        bucket.delete(&format!("{prefix}files/{stale}"))?;
        deleted += 1;
    }
    let manifest = SiteManifest {
        version: version.to_string(),
        kind,
        files: manifest_files,
        created_at: crate::util::now_ms(),
    };
    let index = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{name}</title>\n\
         <script>window.remotion_version = '{version}';</script></head>\n<body>Kinema site \
         \"{name}\": {} files. Render it with <code>kinema lambda render {name} &lt;composition&gt;</code>.</body></html>\n",
        manifest.files.len()
    );
    bucket.put(
        &format!("{prefix}index.html"),
        index.as_bytes(),
        &PutOptions::default(),
    )?;
    bucket.put(
        &format!("{prefix}manifest.json"),
        &serde_json::to_vec_pretty(&manifest).expect("manifest serialises"),
        &PutOptions::default(),
    )?;
    Ok(DeployedSite {
        serve_url: serve_url(bucket, name),
        site_name: name.to_string(),
        bucket_name: bucket.name().to_string(),
        stats: DeployStats {
            uploaded_files: uploaded,
            deleted_files: deleted,
            untouched_files: untouched,
        },
    })
}

/// What [`deploy`] uploads.
pub enum SiteSource<'a> {
    Project(&'a Path),
    Code(&'a Path, CodeComposition),
    Dynamic,
}

/// Every site in a bucket.
pub fn list(bucket: &dyn Bucket) -> Result<Vec<SiteSummary>, FarmError> {
    let mut sites: BTreeMap<String, SiteSummary> = BTreeMap::new();
    for object in bucket.list("sites/")? {
        let Some(name) = object
            .key
            .strip_prefix("sites/")
            .and_then(|k| k.split('/').next())
        else {
            continue;
        };
        let entry = sites
            .entry(name.to_string())
            .or_insert_with(|| SiteSummary {
                id: name.to_string(),
                bucket_name: bucket.name().to_string(),
                serve_url: serve_url(bucket, name),
                size_in_bytes: 0,
                last_modified: 0,
                version: None,
            });
        entry.size_in_bytes += object.size;
        entry.last_modified = entry.last_modified.max(object.last_modified);
    }
    for site in sites.values_mut() {
        site.version = read_manifest(bucket, &site.id).ok().map(|m| m.version);
    }
    Ok(sites.into_values().collect())
}

/// Deletes a site; returns the bytes freed.
pub fn remove(bucket: &dyn Bucket, name: &str) -> Result<u64, FarmError> {
    validate_site_name(name)?;
    let objects = bucket.list(&site_prefix(name))?;
    if objects.is_empty() {
        return Err(FarmError::NoSuchSite(name.to_string()));
    }
    let mut freed = 0;
    for object in objects {
        bucket.delete(&object.key)?;
        freed += object.size;
    }
    Ok(freed)
}

pub fn read_manifest(bucket: &dyn Bucket, name: &str) -> Result<SiteManifest, FarmError> {
    let bytes = match bucket.get(&format!("{}manifest.json", site_prefix(name))) {
        Ok(b) => b,
        Err(e) if e.is_not_found() => return Err(FarmError::NoSuchSite(name.to_string())),
        Err(e) => return Err(e.into()),
    };
    serde_json::from_slice(&bytes)
        .map_err(|e| FarmError::Render(format!("the manifest of site \"{name}\" is damaged: {e}")))
}

/// A site downloaded into a local folder.
#[derive(Debug, Clone)]
pub struct LoadedSite {
    pub name: String,
    pub dir: PathBuf,
    pub manifest: SiteManifest,
    pub fingerprint: String,
}

/// Downloads site `name` into `cache/{bucket}/{name}-{fingerprint}` unless already there.
pub fn load(
    storage: &dyn Storage,
    bucket_name: &str,
    name: &str,
    cache: &Path,
) -> Result<LoadedSite, FarmError> {
    let bucket = storage.bucket(bucket_name)?;
    let manifest = read_manifest(bucket.as_ref(), name)?;
    let fingerprint = manifest.fingerprint();
    let dir = cache
        .join(bucket_name)
        .join(format!("{name}-{fingerprint}"));
    if dir.is_dir() {
        mark_used(&dir);
    } else {
        prune_cache(cache, SITE_CACHE_IDLE);
        let partial = cache.join(format!(".partial-{}", crate::util::random_id(8)));
        let result = (|| -> Result<(), FarmError> {
            for file in &manifest.files {
                let target = partial.join(&file.path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(FarmError::io(format!("cannot create {}", parent.display())))?;
                }
                bucket.get_to_file(
                    &format!("{}files/{}", site_prefix(name), file.path),
                    &target,
                )?;
            }
            if !partial.join("package.json").exists() {
                // Marks the project root for the module resolver.
                std::fs::create_dir_all(&partial)
                    .and_then(|_| std::fs::write(partial.join("package.json"), "{}"))
                    .map_err(FarmError::io("cannot write the site's package.json"))?;
            }
            if let Some(parent) = dir.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(FarmError::io(format!("cannot create {}", parent.display())))?;
            }
            std::fs::rename(&partial, &dir).map_err(FarmError::io(format!(
                "cannot move the site into {}",
                dir.display()
            )))
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&partial);
            if !dir.is_dir() {
                result?;
            }
        }
    }
    Ok(LoadedSite {
        name: name.to_string(),
        dir,
        manifest,
        fingerprint,
    })
}

/// How long a cached site stays unused before a later download removes it. Workers of other
/// renders may be reading a site, so nothing recently used is removed; sites replaced by a
/// redeploy, and those of buckets long gone, are. (On Lambda the cache shares /tmp's 512 MB.)
const SITE_CACHE_IDLE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Record that a cached site was used now (its folder's modification time).
fn mark_used(dir: &Path) {
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.set_modified(std::time::SystemTime::now());
    }
}

/// Remove the sites (and interrupted downloads) of `cache` unused for longer than `idle`, and
/// bucket folders left empty. Best effort: a folder another worker removes first is skipped.
fn prune_cache(cache: &Path, idle: std::time::Duration) {
    let Some(cutoff) = std::time::SystemTime::now().checked_sub(idle) else {
        return;
    };
    let stale = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < cutoff)
    };
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with(".partial-") {
            if stale(&path) {
                let _ = std::fs::remove_dir_all(&path);
            }
            continue;
        }
        let Ok(sites) = std::fs::read_dir(&path) else {
            continue;
        };
        for site in sites.flatten() {
            if stale(&site.path()) {
                let _ = std::fs::remove_dir_all(site.path());
            }
        }
        // Only an empty folder goes.
        let _ = std::fs::remove_dir(&path);
    }
}

/// Compiles a loaded site (dynamic sites compile the `code` of the input props), its code
/// reading `env` as `process.env`.
pub fn bundle(
    site: &LoadedSite,
    props: &Value,
    env: &EnvVariables,
    allow_private_addresses: bool,
) -> Result<Arc<Bundle>, FarmError> {
    let bundle = match &site.manifest.kind {
        SiteKind::Project { entry } => {
            let bundle = Bundle::from_entry(&site.dir.join(entry))?;
            debug_assert!(matches!(bundle.kind(), BundleKind::Project));
            bundle
        }
        SiteKind::Code { entry, composition } => {
            let code = std::fs::read_to_string(site.dir.join(entry))
                .map_err(FarmError::io(format!("cannot read the site's {entry}")))?;
            Bundle::from_code_named(&code, entry, composition.clone())?
        }
        SiteKind::Dynamic => {
            let code = props.get("code").and_then(Value::as_str).ok_or_else(|| {
                FarmError::field(
                    "inputProps.code",
                    "is required (a string of TSX code) for a dynamic site",
                )
            })?;
            Bundle::from_code(code, dynamic_composition(props)?)?
        }
    };
    let public_dir = Some(site.dir.join("public")).filter(|p| p.is_dir());
    Ok(Arc::new(bundle.with_env(env.clone()).with_fetcher(
        fetcher(public_dir, allow_private_addresses),
    )))
}

/// What code the farm runs may load, its frames' images and its `fetch()` alike. The code may
/// come from anyone who can call the farm (the HTTP API takes it in the request), so it reads
/// its own `public_dir`, not the machine's files, and reaches public addresses only, unless
/// the farm's operator allows private ones too.
pub fn reach(public_dir: Option<PathBuf>, allow_private_addresses: bool) -> ResourceOptions {
    ResourceOptions {
        public_dir,
        allow_files: false,
        allow_private_addresses,
        ..ResourceOptions::default()
    }
}

/// What answers the `fetch()` of code the farm runs (see [`reach`]).
pub fn fetcher(public_dir: Option<PathBuf>, allow_private_addresses: bool) -> Arc<dyn Fetcher> {
    Arc::new(ProjectFetcher::new(reach(
        public_dir,
        allow_private_addresses,
    )))
}

/// The composition a dynamic site's props describe.
pub fn dynamic_composition(props: &Value) -> Result<CodeComposition, FarmError> {
    let positive = |field: &str, default: Option<f64>| -> Result<f64, FarmError> {
        match props.get(field) {
            None | Some(Value::Null) => default
                .ok_or_else(|| FarmError::field(format!("inputProps.{field}"), "is required")),
            Some(Value::Number(n)) => {
                n.as_f64()
                    .filter(|v| *v > 0.0 && v.is_finite())
                    .ok_or_else(|| {
                        FarmError::field(format!("inputProps.{field}"), "must be a positive number")
                    })
            }
            Some(other) => Err(FarmError::field(
                format!("inputProps.{field}"),
                format!("must be a number, got {other}"),
            )),
        }
    };
    let integer = |field: &str, default: Option<f64>| -> Result<u32, FarmError> {
        let v = positive(field, default)?;
        if v.fract() != 0.0 || v > 100_000.0 {
            return Err(FarmError::field(
                format!("inputProps.{field}"),
                format!("must be a whole number up to 100000, got {v}"),
            ));
        }
        Ok(v as u32)
    };
    Ok(CodeComposition {
        id: DYNAMIC_COMPOSITION.into(),
        duration_in_frames: integer("durationInFrames", None)?,
        fps: positive("fps", None)?,
        width: integer("width", Some(1920.0))?,
        height: integer("height", Some(1080.0))?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_site_cache_drops_what_was_not_used_for_a_while() {
        use std::time::{Duration, SystemTime};
        let cache = std::env::temp_dir().join(format!("kinema-site-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&cache);
        let make = |path: &str, age_s: u64| {
            let dir = cache.join(path);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("index.tsx"), "x").unwrap();
            let when = SystemTime::now() - Duration::from_secs(age_s);
            std::fs::File::open(&dir)
                .unwrap()
                .set_modified(when)
                .unwrap();
            dir
        };
        let fresh = make("bucket-a/site-1", 10);
        let old = make("bucket-a/site-0", 7200);
        let gone_bucket = make("bucket-b/site-0", 7200);
        let crashed = make(".partial-abc", 7200);
        let downloading = make(".partial-def", 10);
        // Using a site makes it fresh again.
        let used = make("bucket-c/site-2", 7200);
        super::mark_used(&used);
        super::prune_cache(&cache, super::SITE_CACHE_IDLE);
        let exists = |p: &std::path::Path| p.exists();
        let result = (
            exists(&fresh),
            exists(&old),
            exists(&gone_bucket),
            exists(gone_bucket.parent().unwrap()),
            exists(&crashed),
            exists(&downloading),
            exists(&used),
        );
        std::fs::remove_dir_all(&cache).unwrap();
        assert_eq!(result, (true, false, false, false, false, true, true));
    }

    use super::*;

    #[test]
    fn serve_urls_name_their_bucket_and_site() {
        let r = |u: &str| resolve_serve_url(u, "remotionlambda-default").unwrap();
        assert_eq!(
            r("my-site"),
            ("remotionlambda-default".into(), "my-site".into())
        );
        assert_eq!(
            r(
                "https://remotionlambda-useast1-abc.s3.us-east-1.amazonaws.com/sites/my-site/index.html"
            ),
            ("remotionlambda-useast1-abc".into(), "my-site".into())
        );
        assert_eq!(
            r("file:///home/u/.local/share/kinema/buckets/remotionlambda-x/sites/s1/index.html"),
            ("remotionlambda-x".into(), "s1".into())
        );
        let err = resolve_serve_url("src/index.ts", "b")
            .unwrap_err()
            .to_string();
        assert!(err.contains("kinema sites create"), "{err}");
        assert!(resolve_serve_url("https://example.com/video", "b").is_err());
        assert!(resolve_serve_url("bad name", "b").is_err());
    }

    #[test]
    fn dynamic_props_describe_the_composition() {
        let c = dynamic_composition(
            &serde_json::json!({"code": "x", "durationInFrames": 90, "fps": 30}),
        )
        .unwrap();
        assert_eq!(
            (c.duration_in_frames, c.fps, c.width, c.height),
            (90, 30.0, 1920, 1080)
        );
        let err = dynamic_composition(&serde_json::json!({"fps": 30}))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "inputProps.durationInFrames: is required");
        let err = dynamic_composition(&serde_json::json!({"durationInFrames": "90", "fps": 30}))
            .unwrap_err()
            .to_string();
        assert!(err.contains("must be a number"), "{err}");
    }
}
