//! Sounds and videos as files ffmpeg can open.
//!
//! Project and `file://` files are opened where they are. A `data:` URL is written to a new
//! file, and an `http(s)` one is streamed to one (never held whole in memory: media run to
//! gigabytes). A download is shared by every renderer of the process that asks for the same URL
//! while one still holds it, and gone when the last lets go.
//!
//! A written file is unlinked as soon as it is made and named by its descriptor
//! (`/proc/<pid>/fd/<n>`, which the ffmpeg processes open as any file): the kernel frees it
//! when the process closes it or dies, so not even `kill -9` leaves a download behind.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use blitz_traits::net::Url;

use crate::resources::{BASE_URL, ResourceLoader, ResourceOptions, decode_data_url};

/// A media resource as a file on this machine.
#[derive(Debug, Clone)]
pub enum MediaFile {
    /// A file that was there already (the project's, or a `file://` URL's).
    Local(PathBuf),
    /// A file written for it, removed when the last clone is dropped.
    Written(Arc<WrittenFile>),
}

impl MediaFile {
    pub fn path(&self) -> &Path {
        match self {
            MediaFile::Local(path) => path,
            MediaFile::Written(file) => &file.path,
        }
    }
}

/// A file this process wrote, gone when dropped.
#[derive(Debug)]
pub struct WrittenFile {
    /// Where other processes open it.
    path: PathBuf,
    /// Holds an unlinked file; `None` where `/proc` cannot name it and `path` is its name in
    /// the temporary folder, removed on drop.
    _open: Option<std::fs::File>,
}

impl Drop for WrittenFile {
    fn drop(&mut self) {
        if self._open.is_none() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl WrittenFile {
    /// `file`, just made at `path`, unlinked and named by its descriptor where `/proc` can
    /// name it.
    fn unlinked(path: PathBuf, file: &std::fs::File) -> WrittenFile {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::MetadataExt;
        let by_descriptor = PathBuf::from(format!(
            "/proc/{}/fd/{}",
            std::process::id(),
            file.as_raw_fd()
        ));
        let same_file =
            |a: &std::fs::Metadata, b: &std::fs::Metadata| a.dev() == b.dev() && a.ino() == b.ino();
        let reopened = std::fs::File::open(&by_descriptor).ok().filter(|reopened| {
            match (reopened.metadata(), file.metadata()) {
                (Ok(a), Ok(b)) => same_file(&a, &b),
                _ => false,
            }
        });
        match reopened {
            Some(reopened) if std::fs::remove_file(&path).is_ok() => WrittenFile {
                // The reopened descriptor holds it: the writer's may be closed before readers
                // come, and a descriptor number is reused once closed.
                path: PathBuf::from(format!(
                    "/proc/{}/fd/{}",
                    std::process::id(),
                    reopened.as_raw_fd()
                )),
                _open: Some(reopened),
            },
            _ => WrittenFile { path, _open: None },
        }
    }
}

/// The largest sound or video file read or downloaded (images and fonts stop at 64 MB).
pub const MAX_MEDIA_BYTES: u64 = 2 << 30;

/// How long a whole download may take (a remote video may be gigabytes); the options'
/// `remote_timeout` bounds connecting and the wait for an answer.
const DOWNLOAD_TIME_LIMIT: Duration = Duration::from_secs(600);

/// Files written, unique in the process.
static NEXT_FILE: AtomicU64 = AtomicU64::new(0);

impl ResourceLoader {
    /// What `src` (as an element's attribute gives it) names, as a file ffmpeg can open.
    pub fn media_file(&self, src: &str) -> Result<MediaFile, String> {
        let url = Url::parse(BASE_URL)
            .and_then(|base| base.join(src))
            .map_err(|e| format!("not a URL: {e}"))?;
        if let Some(file) = self.local_file(&url) {
            return file.map(MediaFile::Local);
        }
        let options = self.options();
        match url.scheme() {
            "data" => {
                let bytes = decode_data_url(url.as_str())?;
                if bytes.len() as u64 > options.max_bytes {
                    return Err(format!(
                        "the data: URL holds {} bytes, over the {}-byte limit",
                        bytes.len(),
                        options.max_bytes
                    ));
                }
                let (written, mut file) = new_file()?;
                file.write_all(&bytes).map_err(|e| {
                    let folder = std::env::temp_dir();
                    format!("cannot write it to {}: {e}", folder.display())
                })?;
                Ok(MediaFile::Written(Arc::new(written)))
            }
            "http" | "https" if options.allow_remote => shared_download(&url, options),
            "http" | "https" => Err("remote URLs are disabled for this render".to_string()),
            other => Err(format!("unsupported URL scheme \"{other}:\"")),
        }
    }
}

/// The download of `url`, shared while anyone holds it.
fn shared_download(url: &Url, options: &ResourceOptions) -> Result<MediaFile, String> {
    type Downloads = Mutex<HashMap<String, Weak<WrittenFile>>>;
    static DOWNLOADS: OnceLock<Downloads> = OnceLock::new();
    // As for the fetch cache: a download refused to one render is not given to another.
    let key = format!(
        "{} {} {url}",
        u8::from(options.allow_private_addresses),
        options.max_bytes
    );
    // Held through the download, so that renderers starting together download once.
    let mut downloads = DOWNLOADS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(file) = downloads.get(&key).and_then(Weak::upgrade) {
        return Ok(MediaFile::Written(file));
    }
    downloads.retain(|_, file| file.strong_count() > 0);
    let file = Arc::new(download(url, options)?);
    downloads.insert(key, Arc::downgrade(&file));
    Ok(MediaFile::Written(file))
}

/// Streams `url`'s body to a new file.
fn download(url: &Url, options: &ResourceOptions) -> Result<WrittenFile, String> {
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(options.remote_timeout))
        .timeout_recv_response(Some(options.remote_timeout))
        .timeout_global(Some(DOWNLOAD_TIME_LIMIT));
    let agent = crate::public_hosts::agent(config, options.allow_private_addresses);
    let response = agent
        .get(url.as_str())
        .call()
        .map_err(|e| format!("request failed: {e}"))?;
    let (written, mut file) = new_file()?;
    let mut body = response
        .into_body()
        .into_with_config()
        .limit(options.max_bytes)
        .reader();
    std::io::copy(&mut body, &mut file).map_err(|e| format!("reading the response failed: {e}"))?;
    Ok(written)
}

/// A new file in the temporary folder, never one that is there already (a name someone else
/// put there, or a link, is passed over).
fn new_file() -> Result<(WrittenFile, std::fs::File), String> {
    let mut last_error = None;
    for _ in 0..8 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "kinema-media-{}-{}-{nanos:x}",
            std::process::id(),
            NEXT_FILE.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((WrittenFile::unlinked(path, &file), file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(format!("cannot write it to {}: {e}", path.display())),
        }
    }
    Err(format!(
        "cannot make a file for it in {}: {}",
        std::env::temp_dir().display(),
        last_error.map_or_else(String::new, |e| e.to_string())
    ))
}
