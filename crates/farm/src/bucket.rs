//! The Bucket seam: object storage as the farm uses it (S3's subset), and the embedded
//! implementation — one folder per bucket under a storage root, with the same key layout as S3
//! (protocol reference §6).
//!
//! Writes are atomic: the body goes to a temporary file in the bucket's `.kinema-tmp/` folder
//! and is renamed onto its key, so a reader sees either the old object or the whole new one.

use std::io::{Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Prefix of every farm bucket's name (`remotionlambda-{region without dashes}-{10 chars}`).
pub const BUCKET_PREFIX: &str = "remotionlambda-";

/// Folder inside a bucket's directory that holds writes in flight; never a key.
const TMP_DIR: &str = ".kinema-tmp";

#[derive(Debug, thiserror::Error)]
pub enum BucketError {
    #[error("no object \"{key}\" in bucket \"{bucket}\"")]
    NotFound { bucket: String, key: String },
    #[error("bucket \"{0}\" does not exist")]
    NoSuchBucket(String),
    #[error("object \"{key}\" already exists in bucket \"{bucket}\" (conditional write refused)")]
    AlreadyExists { bucket: String, key: String },
    #[error("invalid key \"{key}\": {reason}")]
    InvalidKey { key: String, reason: &'static str },
    #[error(
        "invalid bucket name \"{0}\": use 3-63 lowercase letters, digits, dots and dashes, \
         starting and ending with a letter or digit"
    )]
    InvalidBucketName(String),
    #[error("range {start}-{end} is outside object \"{key}\" of {size} bytes")]
    InvalidRange {
        key: String,
        start: u64,
        end: u64,
        size: u64,
    },
    #[error("bucket \"{bucket}\", key \"{key}\": {source}")]
    Io {
        bucket: String,
        key: String,
        #[source]
        source: std::io::Error,
    },
}

impl BucketError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, BucketError::NotFound { .. })
    }
}

/// What a listing or HEAD says about an object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    /// Epoch milliseconds.
    pub last_modified: u64,
}

/// Options of a write.
#[derive(Debug, Clone, Default)]
pub struct PutOptions {
    /// Refuse the write when the key exists (S3's `If-None-Match: *`).
    pub if_none_match: bool,
}

/// One bucket.
pub trait Bucket: Send + Sync {
    fn name(&self) -> &str;
    fn put(&self, key: &str, body: &[u8], options: &PutOptions) -> Result<(), BucketError>;
    /// Uploads a local file (without holding it in memory where the backend allows).
    fn put_file(&self, key: &str, path: &Path, options: &PutOptions) -> Result<(), BucketError>;
    fn get(&self, key: &str) -> Result<Vec<u8>, BucketError>;
    /// Bytes `range.start..range.end` of an object.
    fn get_range(&self, key: &str, range: Range<u64>) -> Result<Vec<u8>, BucketError>;
    /// Downloads an object into a local file.
    fn get_to_file(&self, key: &str, path: &Path) -> Result<u64, BucketError>;
    fn head(&self, key: &str) -> Result<Option<ObjectInfo>, BucketError>;
    /// Every object whose key starts with `prefix`, sorted by key.
    fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, BucketError>;
    /// Deletes an object; deleting a missing key is not an error (as in S3).
    fn delete(&self, key: &str) -> Result<(), BucketError>;
    /// Where a reader can fetch the object.
    fn url(&self, key: &str) -> String;
    /// Whether reads are local and free, so pollers may poll often.
    fn is_local(&self) -> bool;
}

/// Where the farm's buckets live.
pub trait Storage: Send + Sync {
    fn bucket(&self, name: &str) -> Result<Arc<dyn Bucket>, BucketError>;
    fn list_buckets(&self) -> Result<Vec<String>, BucketError>;
    fn create_bucket(&self, name: &str) -> Result<(), BucketError>;

    /// The region's farm bucket, created on first use (protocol reference §10.4).
    fn get_or_create_bucket(&self, region: &str) -> Result<String, BucketError> {
        let prefix = format!("{BUCKET_PREFIX}{}-", region.replace('-', ""));
        let mut existing: Vec<String> = self
            .list_buckets()?
            .into_iter()
            .filter(|b| b.starts_with(&prefix))
            .collect();
        existing.sort();
        if let Some(first) = existing.into_iter().next() {
            return Ok(first);
        }
        let name = format!("{prefix}{}", crate::util::random_id(10));
        self.create_bucket(&name)?;
        Ok(name)
    }
}

/// Checks a bucket name against S3's rules.
pub fn validate_bucket_name(name: &str) -> Result<(), BucketError> {
    let ok = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..");
    if ok {
        Ok(())
    } else {
        Err(BucketError::InvalidBucketName(name.to_string()))
    }
}

/// Checks a key: relative, `/`-separated, no empty, `.` or `..` segments.
pub fn validate_key(key: &str) -> Result<(), BucketError> {
    let invalid = |reason| {
        Err(BucketError::InvalidKey {
            key: key.to_string(),
            reason,
        })
    };
    if key.is_empty() || key.len() > 1024 {
        return invalid("keys are 1 to 1024 bytes long");
    }
    if key.contains('\0') || key.contains('\\') {
        return invalid("keys cannot contain NUL or backslashes");
    }
    for segment in key.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return invalid("keys cannot have empty, \".\" or \"..\" segments");
        }
    }
    if key.split('/').next() == Some(TMP_DIR) {
        return invalid("the .kinema-tmp/ prefix is reserved");
    }
    Ok(())
}

/// The embedded storage: `{root}/{bucket}/{key}`.
#[derive(Debug, Clone)]
pub struct DiskStorage {
    root: PathBuf,
}

impl DiskStorage {
    pub fn new(root: impl Into<PathBuf>) -> DiskStorage {
        DiskStorage { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The default root: `$KINEMA_STORAGE`, else `$XDG_DATA_HOME/kinema/buckets`, else
    /// `~/.local/share/kinema/buckets`.
    pub fn default_root() -> PathBuf {
        if let Some(dir) = std::env::var_os("KINEMA_STORAGE").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        let data = std::env::var_os("XDG_DATA_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
            })
            .unwrap_or_else(|| std::env::temp_dir().join("kinema-data"));
        data.join("kinema").join("buckets")
    }
}

impl Storage for DiskStorage {
    fn bucket(&self, name: &str) -> Result<Arc<dyn Bucket>, BucketError> {
        validate_bucket_name(name)?;
        let dir = self.root.join(name);
        if !dir.is_dir() {
            return Err(BucketError::NoSuchBucket(name.to_string()));
        }
        Ok(Arc::new(DiskBucket {
            name: name.to_string(),
            dir,
        }))
    }

    fn list_buckets(&self) -> Result<Vec<String>, BucketError> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(BucketError::Io {
                    bucket: String::new(),
                    key: String::new(),
                    source,
                });
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| validate_bucket_name(n).is_ok())
            .collect();
        names.sort();
        Ok(names)
    }

    fn create_bucket(&self, name: &str) -> Result<(), BucketError> {
        validate_bucket_name(name)?;
        std::fs::create_dir_all(self.root.join(name).join(TMP_DIR)).map_err(|source| {
            BucketError::Io {
                bucket: name.to_string(),
                key: String::new(),
                source,
            }
        })
    }
}

/// One bucket folder.
#[derive(Debug, Clone)]
pub struct DiskBucket {
    name: String,
    dir: PathBuf,
}

impl DiskBucket {
    fn path(&self, key: &str) -> Result<PathBuf, BucketError> {
        validate_key(key)?;
        Ok(self.dir.join(key))
    }

    fn io(&self, key: &str) -> impl Fn(std::io::Error) -> BucketError + '_ {
        let key = key.to_string();
        move |source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                BucketError::NotFound {
                    bucket: self.name.clone(),
                    key: key.clone(),
                }
            } else {
                BucketError::Io {
                    bucket: self.name.clone(),
                    key: key.clone(),
                    source,
                }
            }
        }
    }

    /// Writes through a temporary file, then renames it onto the key.
    fn write_atomically(
        &self,
        key: &str,
        options: &PutOptions,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), BucketError> {
        let target = self.path(key)?;
        let io = self.io(key);
        let tmp_dir = self.dir.join(TMP_DIR);
        std::fs::create_dir_all(&tmp_dir).map_err(&io)?;
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(&io)?;
        }
        let tmp = tmp_dir.join(format!(
            "{}-{}",
            std::process::id(),
            crate::util::random_id(12)
        ));
        let result = (|| {
            let mut file = std::fs::File::create(&tmp)?;
            fill(&mut file)?;
            file.flush()?;
            if options.if_none_match {
                // hard_link fails if the target exists: an atomic create-if-absent.
                std::fs::hard_link(&tmp, &target)?;
                std::fs::remove_file(&tmp)
            } else {
                std::fs::rename(&tmp, &target)
            }
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(BucketError::AlreadyExists {
                    bucket: self.name.clone(),
                    key: key.to_string(),
                })
            }
            other => other.map_err(io),
        }
    }
}

fn modified_ms(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl Bucket for DiskBucket {
    fn name(&self) -> &str {
        &self.name
    }

    fn put(&self, key: &str, body: &[u8], options: &PutOptions) -> Result<(), BucketError> {
        self.write_atomically(key, options, |file| file.write_all(body))
    }

    fn put_file(&self, key: &str, path: &Path, options: &PutOptions) -> Result<(), BucketError> {
        self.write_atomically(key, options, |file| {
            let mut source = std::fs::File::open(path)?;
            std::io::copy(&mut source, file).map(|_| ())
        })
    }

    fn get(&self, key: &str) -> Result<Vec<u8>, BucketError> {
        std::fs::read(self.path(key)?).map_err(self.io(key))
    }

    fn get_range(&self, key: &str, range: Range<u64>) -> Result<Vec<u8>, BucketError> {
        let io = self.io(key);
        let mut file = std::fs::File::open(self.path(key)?).map_err(&io)?;
        let size = file.metadata().map_err(&io)?.len();
        if range.start > range.end || range.end > size {
            return Err(BucketError::InvalidRange {
                key: key.to_string(),
                start: range.start,
                end: range.end,
                size,
            });
        }
        file.seek(SeekFrom::Start(range.start)).map_err(&io)?;
        let mut body = vec![0; (range.end - range.start) as usize];
        file.read_exact(&mut body).map_err(&io)?;
        Ok(body)
    }

    fn get_to_file(&self, key: &str, path: &Path) -> Result<u64, BucketError> {
        let io = self.io(key);
        let mut source = std::fs::File::open(self.path(key)?).map_err(&io)?;
        let mut target = std::fs::File::create(path).map_err(|source| BucketError::Io {
            bucket: self.name.clone(),
            key: format!("{key} (writing {})", path.display()),
            source,
        })?;
        std::io::copy(&mut source, &mut target).map_err(io)
    }

    fn head(&self, key: &str) -> Result<Option<ObjectInfo>, BucketError> {
        match std::fs::metadata(self.path(key)?) {
            Ok(meta) if meta.is_file() => Ok(Some(ObjectInfo {
                key: key.to_string(),
                size: meta.len(),
                last_modified: modified_ms(&meta),
            })),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io(key)(e)),
        }
    }

    fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, BucketError> {
        // Walk only the deepest folder the prefix names.
        let folder = match prefix.rfind('/') {
            Some(i) => &prefix[..i],
            None => "",
        };
        let start = if folder.is_empty() {
            self.dir.clone()
        } else {
            validate_key(folder)?;
            self.dir.join(folder)
        };
        let mut objects = Vec::new();
        let mut stack = vec![start];
        while let Some(dir) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(self.io(prefix)(e)),
            };
            for entry in entries.filter_map(|e| e.ok()) {
                let path = entry.path();
                let Ok(relative) = path.strip_prefix(&self.dir) else {
                    continue;
                };
                let key = relative.to_string_lossy().replace('\\', "/");
                if key == TMP_DIR || key.starts_with(&format!("{TMP_DIR}/")) {
                    continue;
                }
                let Ok(meta) = entry.metadata() else { continue };
                if meta.is_dir() {
                    stack.push(path);
                } else if key.starts_with(prefix) {
                    objects.push(ObjectInfo {
                        key,
                        size: meta.len(),
                        last_modified: modified_ms(&meta),
                    });
                }
            }
        }
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(objects)
    }

    fn delete(&self, key: &str) -> Result<(), BucketError> {
        let path = self.path(key)?;
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(self.io(key)(e)),
        }
        // Drop folders the delete emptied, as S3 has no folders to leave behind.
        let mut dir = path.parent().map(Path::to_path_buf);
        while let Some(d) = dir {
            if d == self.dir || std::fs::remove_dir(&d).is_err() {
                break;
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        Ok(())
    }

    fn url(&self, key: &str) -> String {
        format!("file://{}", self.dir.join(key).display())
    }

    fn is_local(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage() -> (DiskStorage, PathBuf) {
        let root =
            std::env::temp_dir().join(format!("kinema-bucket-{}", crate::util::random_id(8)));
        (DiskStorage::new(&root), root)
    }

    #[test]
    fn objects_round_trip_and_list_by_prefix() {
        let (storage, root) = storage();
        let name = storage.get_or_create_bucket("us-east-1").unwrap();
        assert!(name.starts_with("remotionlambda-useast1-"), "{name}");
        assert_eq!(storage.get_or_create_bucket("us-east-1").unwrap(), name);
        let bucket = storage.bucket(&name).unwrap();
        bucket
            .put("renders/a/progress.json", b"{}", &PutOptions::default())
            .unwrap();
        bucket
            .put("renders/a/out.mp4", b"0123456789", &PutOptions::default())
            .unwrap();
        bucket
            .put("renders/b/progress.json", b"{}", &PutOptions::default())
            .unwrap();
        let keys: Vec<String> = bucket
            .list("renders/a/")
            .unwrap()
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(keys, ["renders/a/out.mp4", "renders/a/progress.json"]);
        assert_eq!(bucket.list("renders/").unwrap().len(), 3);
        assert_eq!(bucket.get_range("renders/a/out.mp4", 2..5).unwrap(), b"234");
        assert!(bucket.get_range("renders/a/out.mp4", 8..11).is_err());
        assert_eq!(bucket.head("renders/a/out.mp4").unwrap().unwrap().size, 10);
        assert!(bucket.head("renders/a/missing").unwrap().is_none());
        assert!(bucket.get("renders/a/missing").unwrap_err().is_not_found());
        bucket.delete("renders/b/progress.json").unwrap();
        bucket.delete("renders/b/progress.json").unwrap();
        assert!(
            !root.join(&name).join("renders/b").exists(),
            "empty folders are removed"
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn conditional_writes_refuse_existing_keys() {
        let (storage, root) = storage();
        storage.create_bucket("remotionlambda-test").unwrap();
        let bucket = storage.bucket("remotionlambda-test").unwrap();
        let conditional = PutOptions {
            if_none_match: true,
        };
        bucket.put("out.mp4", b"first", &conditional).unwrap();
        let err = bucket.put("out.mp4", b"second", &conditional).unwrap_err();
        assert!(matches!(err, BucketError::AlreadyExists { .. }), "{err}");
        assert_eq!(bucket.get("out.mp4").unwrap(), b"first");
        assert!(
            bucket
                .list("")
                .unwrap()
                .iter()
                .all(|o| !o.key.contains("kinema-tmp"))
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn keys_cannot_escape_the_bucket() {
        for key in [
            "",
            "/etc/passwd",
            "a/../../b",
            "a//b",
            ".kinema-tmp/x",
            "a\\b",
        ] {
            assert!(validate_key(key).is_err(), "{key:?}");
        }
        assert!(validate_key("renders/abc/out.mp4").is_ok());
        for name in ["A", "ab", "-abc", "abc-", "a..b", "UPPER"] {
            assert!(validate_bucket_name(name).is_err(), "{name:?}");
        }
        let (storage, _) = storage();
        assert!(matches!(
            storage.bucket("remotionlambda-missing"),
            Err(BucketError::NoSuchBucket(_))
        ));
    }
}
