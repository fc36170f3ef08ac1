//! Loading images, fonts and stylesheets that a frame refers to.
//!
//! Blitz asks for resources through its `NetProvider` seam; this one answers synchronously:
//! - `/static/…` (what `staticFile()` returns) and relative paths read the project's `public/`
//!   folder, never outside it;
//! - `data:` URLs are decoded in place;
//! - `http(s)://` URLs are fetched once per process with a bounded time and size, then cached;
//!   where private addresses are refused (the render farm), from public addresses only;
//! - `file://` URLs read local files where allowed: the CLI's local renders of the user's own
//!   projects, not the render farm, whose sites and code may come from anyone who can call it.
//!
//! Failures are recorded and turned into an error that names the `src` and the frame.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use blitz_traits::net::{Bytes, NetHandler, NetProvider, Request, Url};

/// Why a `file://` URL is refused where files are off limits.
const FILE_URLS_REFUSED: &str = "file:// URLs cannot be read here; put the file in the project's \
                                 public/ folder and use staticFile()";

/// The base URL documents resolve relative URLs against.
pub const BASE_URL: &str = "kinema://project/";

/// Where resources come from and how remote ones are bounded.
#[derive(Debug, Clone)]
pub struct ResourceOptions {
    /// The project's `public/` folder, when it has one.
    pub public_dir: Option<PathBuf>,
    /// Whether `http(s)://` URLs may be fetched.
    pub allow_remote: bool,
    /// Whether `file://` URLs may read this machine's files (outside `public/`).
    pub allow_files: bool,
    /// Whether `http(s)://` URLs may reach private addresses (loopback, the local network,
    /// link-local such as a cloud's metadata service); see [`crate::public_hosts`].
    pub allow_private_addresses: bool,
    /// Time limit for one remote fetch.
    pub remote_timeout: Duration,
    /// Size limit for one resource.
    pub max_bytes: u64,
}

impl Default for ResourceOptions {
    fn default() -> Self {
        ResourceOptions {
            public_dir: None,
            allow_remote: true,
            allow_files: true,
            allow_private_addresses: true,
            remote_timeout: Duration::from_secs(20),
            max_bytes: CACHED_BYTES,
        }
    }
}

/// One resource that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadFailure {
    /// The URL as the document resolved it.
    pub url: String,
    /// Why it failed.
    pub reason: String,
}

/// Where a project URL leads in the `public/` folder.
enum PublicFile {
    Found(PathBuf),
    /// There is no public folder.
    NoFolder,
    /// The folder has no such file (the path as the error names it).
    Missing(String),
}

/// The synchronous resource loader handed to Blitz.
pub struct ResourceLoader {
    options: ResourceOptions,
    public_root: Option<PathBuf>,
    failures: Mutex<Vec<LoadFailure>>,
}

impl ResourceLoader {
    pub fn new(options: ResourceOptions) -> ResourceLoader {
        let public_root = options
            .public_dir
            .as_ref()
            .and_then(|d| d.canonicalize().ok());
        ResourceLoader {
            options,
            public_root,
            failures: Mutex::new(Vec::new()),
        }
    }

    /// Failures since the last call.
    pub fn take_failures(&self) -> Vec<LoadFailure> {
        std::mem::take(&mut *self.failures.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Load the bytes behind a URL.
    pub fn load(&self, url: &Url) -> Result<Bytes, String> {
        let bytes = self.load_bytes(url)?;
        // An SVG image names other images by path, which the SVG decoder reads from this
        // machine's disk: where files are off limits, such an SVG is too.
        if !self.options.allow_files && svg_refers_to_files(&bytes) {
            return Err("an SVG image here may embed other images only as data: URLs".into());
        }
        Ok(bytes)
    }

    fn load_bytes(&self, url: &Url) -> Result<Bytes, String> {
        match url.scheme() {
            "data" => decode_data_url(url.as_str()),
            "kinema" => self.load_project_file(url),
            // Refused before the path is looked at: the error must not tell which files exist.
            "file" if !self.options.allow_files => Err(FILE_URLS_REFUSED.to_string()),
            "file" => {
                let path = url
                    .to_file_path()
                    .map_err(|()| "not a local file path".to_string())?;
                self.read_file(&path)
            }
            "http" | "https" => {
                if self.options.allow_remote {
                    fetch_remote(url, &self.options)
                } else {
                    Err("remote URLs are disabled for this render".to_string())
                }
            }
            other => Err(format!("unsupported URL scheme \"{other}:\"")),
        }
    }

    fn load_project_file(&self, url: &Url) -> Result<Bytes, String> {
        self.read_file(&self.project_path(url)?)
    }

    /// The file a project URL names inside `public/` (never outside it).
    fn project_path(&self, url: &Url) -> Result<PathBuf, String> {
        match self.locate_public_file(url) {
            PublicFile::Found(path) => Ok(path),
            PublicFile::NoFolder => Err(match &self.options.public_dir {
                Some(dir) => format!("the public folder {} does not exist", dir.display()),
                None => "this composition has no public/ folder to load files from".to_string(),
            }),
            PublicFile::Missing(path) => Err(format!("{path} does not exist")),
        }
    }

    /// The file a project URL names inside `public/`, where there is one: not a folder, not
    /// outside it.
    pub(crate) fn public_file(&self, url: &Url) -> Option<PathBuf> {
        match self.locate_public_file(url) {
            PublicFile::Found(path) if path.is_file() => Some(path),
            _ => None,
        }
    }

    fn locate_public_file(&self, url: &Url) -> PublicFile {
        let path = percent_decode(url.path());
        let relative = path
            .strip_prefix("/static/")
            .or_else(|| path.strip_prefix('/'))
            .unwrap_or(&path);
        let Some(root) = &self.public_root else {
            return PublicFile::NoFolder;
        };
        // A path that climbs out (`..`) or starts again from the root is missing without the
        // disk being asked, and one that leads out through a link is missing too: no answer
        // tells which files exist outside the folder.
        let plain = Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !plain {
            return PublicFile::Missing(relative.to_string());
        }
        let candidate = root.join(relative);
        match candidate.canonicalize() {
            Ok(resolved) if resolved.starts_with(root) => PublicFile::Found(resolved),
            _ => PublicFile::Missing(candidate.display().to_string()),
        }
    }

    /// A file's bytes, within the size limit.
    pub(crate) fn read_file(&self, path: &Path) -> Result<Bytes, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.len() > self.options.max_bytes {
            return Err(format!(
                "{} is {} bytes, over the {}-byte limit",
                path.display(),
                meta.len(),
                self.options.max_bytes
            ));
        }
        std::fs::read(path)
            .map(Bytes::from)
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    pub(crate) fn options(&self) -> &ResourceOptions {
        &self.options
    }

    /// The file on this machine a URL names: `Some` for project files and `file://` URLs.
    pub(crate) fn local_file(&self, url: &Url) -> Option<Result<PathBuf, String>> {
        match url.scheme() {
            "kinema" => Some(self.project_path(url)),
            "file" if !self.options.allow_files => Some(Err(FILE_URLS_REFUSED.to_string())),
            "file" => Some(
                url.to_file_path()
                    .map_err(|()| "not a local file path".to_string())
                    .and_then(|path| match path.is_file() {
                        true => Ok(path),
                        false => Err(format!("{} does not exist", path.display())),
                    }),
            ),
            _ => None,
        }
    }
}

impl NetProvider for ResourceLoader {
    fn fetch(&self, _doc_id: usize, request: Request, handler: Box<dyn NetHandler>) {
        let url = request.url.to_string();
        match self.load(&request.url) {
            Ok(bytes) => handler.bytes(url, bytes),
            Err(reason) => {
                tracing::debug!(%url, %reason, "resource failed to load");
                self.failures
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(LoadFailure { url, reason });
            }
        }
    }
}

/// The content type of a file named `name`, from its extension (`application/octet-stream`
/// when unknown): what the farm's file server and `fetch()` of a public file answer.
pub fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("mp4" | "m4v") => "video/mp4",
        Some("webm") => "video/webm",
        Some("mov") => "video/quicktime",
        Some("mkv") => "video/x-matroska",
        Some("gif") => "image/gif",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        Some("mp3") => "audio/mpeg",
        Some("m4a" | "aac") => "audio/aac",
        Some("wav") => "audio/wav",
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        Some("txt" | "log") => "text/plain; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("ts" | "tsx" | "jsx") => "text/plain; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "application/xml",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        _ => "application/octet-stream",
    }
}

/// The `src` as the user wrote it, recovered from the URL the document resolved.
pub fn display_src(url: &str) -> String {
    if let Some(rest) = url.strip_prefix(BASE_URL) {
        let rest = percent_decode(rest);
        if rest.starts_with("static/") {
            return format!("/{rest}");
        }
        return rest;
    }
    if url.starts_with("data:") && url.len() > 60 {
        return format!("{}…", &url[..url.floor_char_boundary(60)]);
    }
    url.to_string()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decode `data:[<mediatype>][;base64],<data>`.
pub fn decode_data_url(url: &str) -> Result<Bytes, String> {
    let rest = url
        .strip_prefix("data:")
        .ok_or_else(|| "not a data: URL".to_string())?;
    let (meta, data) = rest
        .split_once(',')
        .ok_or_else(|| "data: URL has no ',' before its data".to_string())?;
    if meta.split(';').any(|p| p.eq_ignore_ascii_case("base64")) {
        let cleaned: Vec<u8> = percent_decode(data)
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        decode_base64(&cleaned).map(Bytes::from)
    } else {
        Ok(Bytes::from(percent_decode(data).into_bytes()))
    }
}

fn decode_base64(input: &[u8]) -> Result<Vec<u8>, String> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let trimmed: &[u8] = {
        let mut end = input.len();
        while end > 0 && input[end - 1] == b'=' {
            end -= 1;
        }
        &input[..end]
    };
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for (i, &c) in trimmed.iter().enumerate() {
        let v = value(c).ok_or_else(|| format!("invalid base64 character at offset {i}"))?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// The largest body [`fetch_remote`] keeps: the size limit for images and fonts.
const CACHED_BYTES: u64 = 64 * 1024 * 1024;

/// Remote resources, fetched once per process.
fn fetch_remote(url: &Url, options: &ResourceOptions) -> Result<Bytes, String> {
    type Cache = Mutex<HashMap<String, Arc<Result<Bytes, String>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    // A fetch refused to one render must not be answered from another's cache, nor the
    // reverse, nor a body over one loader's size limit given to another.
    let key = format!(
        "{} {} {url}",
        u8::from(options.allow_private_addresses),
        options.max_bytes
    );
    if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return (**hit).clone();
    }
    let result = fetch_remote_uncached(url, options);
    // Images and fonts are kept for the process's next frames and documents; sounds, read
    // once and up to gigabytes, are not.
    let keep = match &result {
        Ok(bytes) => bytes.len() as u64 <= CACHED_BYTES,
        Err(_) => true,
    };
    if keep {
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, Arc::new(result.clone()));
    }
    result
}

fn fetch_remote_uncached(url: &Url, options: &ResourceOptions) -> Result<Bytes, String> {
    let agent = remote_agent(options, options.remote_timeout, true);
    let response = agent
        .get(url.as_str())
        .call()
        .map_err(|e| format!("request failed: {e}"))?;
    read_body(response.into_body(), options).map(Bytes::from)
}

/// An agent for `http(s)` requests within `timeout`, reaching private addresses only where
/// `options` allow; `statuses_as_errors`: whether an answer outside 2xx is an error (a
/// resource) or an answer (`fetch()`).
pub(crate) fn remote_agent(
    options: &ResourceOptions,
    timeout: Duration,
    statuses_as_errors: bool,
) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(statuses_as_errors)
        .allow_non_standard_methods(true);
    crate::public_hosts::agent(config, options.allow_private_addresses)
}

/// A response's body, within the size limit.
pub(crate) fn read_body(body: ureq::Body, options: &ResourceOptions) -> Result<Vec<u8>, String> {
    body.into_with_config()
        .limit(options.max_bytes)
        .read_to_vec()
        .map_err(|e| format!("reading the response failed: {e}"))
}

/// Whether `bytes` are an SVG document with an `<image>` whose `href` is not a `data:` URL: a
/// path the SVG decoder would read from disk. (SVG images nested in it are decoded with
/// external images ignored.)
fn svg_refers_to_files(bytes: &[u8]) -> bool {
    // Gzipped SVG (.svgz) is decoded too.
    let gzip = bytes.starts_with(&[0x1f, 0x8b]);
    if !gzip && !String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).contains("<svg") {
        return false;
    }
    let found = std::sync::atomic::AtomicBool::new(false);
    let options = usvg::Options {
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| {
                found.store(true, std::sync::atomic::Ordering::Relaxed);
                None
            }),
        },
        ..Default::default()
    };
    // A document that does not parse refers to nothing; the image decoder reports it.
    let _ = usvg::Tree::from_data(bytes, &options);
    found.load(std::sync::atomic::Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_data_urls() {
        assert_eq!(
            decode_data_url("data:text/plain;base64,aGVsbG8=").unwrap(),
            Bytes::from_static(b"hello")
        );
        assert_eq!(
            decode_data_url("data:image/svg+xml,%3Csvg%3E").unwrap(),
            Bytes::from_static(b"<svg>")
        );
        assert!(
            decode_data_url("data:;base64,a*b")
                .unwrap_err()
                .contains("offset 1")
        );
        assert!(decode_data_url("data:nocomma").is_err());
    }

    #[test]
    fn project_files_stay_inside_public() {
        let dir = std::env::temp_dir().join(format!("kinema-res-{}", std::process::id()));
        let public = dir.join("public");
        std::fs::create_dir_all(public.join("img")).unwrap();
        std::fs::write(public.join("img/a b.txt"), "A").unwrap();
        std::fs::write(dir.join("secret.txt"), "S").unwrap();
        let loader = ResourceLoader::new(ResourceOptions {
            public_dir: Some(public.clone()),
            ..Default::default()
        });
        let base = Url::parse(BASE_URL).unwrap();
        let ok = base.join("/static/img/a%20b.txt").unwrap();
        assert_eq!(loader.load(&ok).unwrap(), Bytes::from_static(b"A"));
        let relative = base.join("img/a%20b.txt").unwrap();
        assert_eq!(loader.load(&relative).unwrap(), Bytes::from_static(b"A"));
        let escape = base.join("/static/%2E%2E/secret.txt").unwrap();
        assert!(loader.load(&escape).is_err());
        let missing = base.join("/static/nope.png").unwrap();
        assert!(
            loader
                .load(&missing)
                .unwrap_err()
                .contains("does not exist")
        );
        assert_eq!(display_src(ok.as_str()), "/static/img/a b.txt");
        // Media files for readers that open files themselves: the file, never outside
        // public/; a data: URL written to a file of its own while it is held.
        let inside = public.join("img/a b.txt").canonicalize().unwrap();
        let path_of = |src: &str| loader.media_file(src).map(|f| f.path().to_path_buf());
        assert_eq!(path_of("/static/img/a%20b.txt"), Ok(inside.clone()));
        assert_eq!(path_of("img/a b.txt"), Ok(inside));
        assert!(path_of("/static/../secret.txt").is_err());
        // Unlinked at once (nothing in the temporary folder to leave behind), read by its
        // descriptor's name until dropped.
        let data = loader.media_file("data:text/plain;base64,SGk=").unwrap();
        assert_eq!(std::fs::read(data.path()).unwrap(), b"Hi");
        assert!(data.path().starts_with("/proc"), "{:?}", data.path());
        use std::os::unix::fs::MetadataExt;
        let inode = |path: &Path| std::fs::metadata(path).map(|m| (m.dev(), m.ino())).ok();
        let written = (data.path().to_path_buf(), inode(data.path()));
        assert!(written.1.is_some());
        drop(data);
        assert_ne!(inode(&written.0), written.1);
        let secret = dir.join("secret.txt");
        let file_url = format!("file://{}", secret.display());
        assert_eq!(path_of(&file_url), Ok(secret));
        let farm = ResourceLoader::new(ResourceOptions {
            public_dir: Some(public.clone()),
            allow_files: false,
            ..Default::default()
        });
        assert!(
            farm.media_file(&file_url)
                .unwrap_err()
                .contains("file:// URLs cannot be read")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn remote_can_be_disabled() {
        let loader = ResourceLoader::new(ResourceOptions {
            allow_remote: false,
            ..Default::default()
        });
        let err = loader
            .load(&Url::parse("https://example.invalid/a.png").unwrap())
            .unwrap_err();
        assert!(err.contains("disabled"));
    }

    #[test]
    fn svg_images_that_name_files_are_refused_where_files_are() {
        let file = std::env::temp_dir().join(format!("kinema-svg-href-{}.png", std::process::id()));
        let svg = format!(
            "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'>\
             <image href='{}' width='4' height='4'/></svg>",
            file.display()
        );
        let url = |svg: &str| {
            Url::parse(&format!("data:image/svg+xml,{}", svg.replace('#', "%23"))).unwrap()
        };
        let refused = ResourceLoader::new(ResourceOptions {
            allow_files: false,
            ..Default::default()
        });
        let err = refused.load(&url(&svg)).unwrap_err();
        assert!(err.contains("only as data: URLs"), "{err}");
        // An SVG inside an SVG is parsed with external images ignored: nothing to refuse.
        let nested = format!(
            "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'><image width='4' \
             height='4' href='data:image/svg+xml;base64,{}'/></svg>",
            base64_encode(svg.as_bytes())
        );
        assert!(refused.load(&url(&nested)).is_ok());
        // Shapes alone, and embedded data, are fine; where files are allowed, all of it is.
        let shapes = "<svg xmlns='http://www.w3.org/2000/svg'><rect width='4' height='4'/></svg>";
        assert!(refused.load(&url(shapes)).is_ok());
        let allowed = ResourceLoader::new(ResourceOptions::default());
        assert!(allowed.load(&url(&svg)).is_ok());
    }

    fn base64_encode(bytes: &[u8]) -> String {
        const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |n, &b| n << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
            for i in 0..4 {
                out.push(match i <= chunk.len() {
                    true => TABLE[(n >> (18 - 6 * i) & 63) as usize] as char,
                    false => '=',
                });
            }
        }
        out
    }

    #[test]
    fn files_can_be_refused_without_saying_whether_they_exist() {
        let file = std::env::temp_dir().join(format!("kinema-file-url-{}.txt", std::process::id()));
        std::fs::write(&file, b"local").unwrap();
        let url = Url::from_file_path(&file).unwrap();
        let allowed = ResourceLoader::new(ResourceOptions::default());
        assert_eq!(&allowed.load(&url).unwrap()[..], b"local");
        let refused = ResourceLoader::new(ResourceOptions {
            allow_files: false,
            ..Default::default()
        });
        let missing = Url::parse("file:///nonexistent/kinema.png").unwrap();
        let (existing, absent) = (refused.load(&url), refused.load(&missing));
        assert_eq!(existing, absent);
        assert!(
            existing
                .unwrap_err()
                .contains("file:// URLs cannot be read here")
        );
        std::fs::remove_file(&file).unwrap();
    }
}
