//! The server's settings: defaults, then `kinema.toml`, then `KINEMA_*` environment variables,
//! then command-line flags. The render settings default to those of Remotion's
//! prompt-to-motion-graphics template (`config.mjs`), so a client written for it finds the same
//! function name and site.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

/// Where renders run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Worker processes of this binary and buckets in a folder: no cloud account.
    Embedded,
    /// AWS Lambda and S3 (needs credentials).
    Aws,
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub backend: Backend,
    pub region: String,
    /// The function's memory in MB (the template's `RAM`).
    pub ram: u32,
    /// The function's disk in MB (the template's `DISK`).
    pub disk: u32,
    /// Each invocation's limit in seconds (the template's `TIMEOUT`).
    pub timeout: u32,
    pub frames_per_lambda: u32,
    pub codec: String,
    /// The dynamic site that `POST /api/lambda/render` renders from (the template's `SITE_NAME`).
    pub site_name: String,
    /// Folder of the embedded buckets (default: `$KINEMA_STORAGE`, else the user's data folder).
    pub bucket_folder: Option<PathBuf>,
    /// Use this bucket instead of the region's default one.
    pub bucket_name: Option<String>,
    /// Renders at once (default: one per core, fewer while the memory available holds no
    /// more; a number given is used as given).
    pub concurrency: Option<usize>,
    /// Largest request body of the API routes, in bytes (`"2MB"` and `"512KiB"` also work).
    #[serde(deserialize_with = "byte_size")]
    pub body_limit: u64,
    /// Origins allowed to call the API from a browser (`"*"` for any).
    pub cors_origins: Vec<String>,
    /// Bearer token required on every API route (required when bound to a non-loopback host).
    pub token: Option<String>,
    /// The address clients reach this server at, for the links in responses (default: from
    /// the request's `Host`).
    pub public_url: Option<String>,
    /// The ffmpeg program the workers encode with (default: ffmpeg on the PATH, without which
    /// H.264 uses the built-in encoder; a path given must run).
    pub ffmpeg: Option<PathBuf>,
    /// Let compositions fetch images, fonts and sounds from private addresses (loopback, the
    /// local network, link-local such as a cloud's metadata service), and webhooks go there:
    /// off, since the API renders code its callers send.
    pub fetch_private_addresses: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: "127.0.0.1".into(),
            port: 3000,
            backend: Backend::Embedded,
            region: "us-east-1".into(),
            ram: 3009,
            disk: 10240,
            timeout: 240,
            frames_per_lambda: 60,
            codec: "h264".into(),
            site_name: "my-next-app".into(),
            bucket_folder: None,
            bucket_name: None,
            concurrency: None,
            body_limit: 2 * 1024 * 1024,
            cors_origins: Vec::new(),
            token: None,
            public_url: None,
            ffmpeg: None,
            fetch_private_addresses: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
}

/// Each setting's environment variable.
const ENV: &[(&str, &str, Kind)] = &[
    ("KINEMA_HOST", "host", Kind::Text),
    ("KINEMA_PORT", "port", Kind::Integer),
    ("KINEMA_BACKEND", "backend", Kind::Text),
    ("KINEMA_REGION", "region", Kind::Text),
    ("KINEMA_RAM", "ram", Kind::Integer),
    ("KINEMA_DISK", "disk", Kind::Integer),
    ("KINEMA_TIMEOUT", "timeout", Kind::Integer),
    (
        "KINEMA_FRAMES_PER_LAMBDA",
        "frames_per_lambda",
        Kind::Integer,
    ),
    ("KINEMA_CODEC", "codec", Kind::Text),
    ("KINEMA_SITE_NAME", "site_name", Kind::Text),
    ("KINEMA_STORAGE", "bucket_folder", Kind::Text),
    ("KINEMA_BUCKET_NAME", "bucket_name", Kind::Text),
    ("KINEMA_CONCURRENCY", "concurrency", Kind::Integer),
    ("KINEMA_BODY_LIMIT", "body_limit", Kind::Text),
    ("KINEMA_CORS_ORIGINS", "cors_origins", Kind::List),
    ("KINEMA_TOKEN", "token", Kind::Text),
    ("KINEMA_PUBLIC_URL", "public_url", Kind::Text),
    ("KINEMA_FFMPEG", "ffmpeg", Kind::Text),
    (
        "KINEMA_FETCH_PRIVATE_ADDRESSES",
        "fetch_private_addresses",
        Kind::Boolean,
    ),
];

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Integer,
    Boolean,
    List,
}

impl ServerConfig {
    /// Reads `path` (when given) and the process environment.
    pub fn load(path: Option<&Path>) -> Result<ServerConfig, ConfigError> {
        let file = match path {
            Some(path) => Some((
                path.display().to_string(),
                std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?,
            )),
            None => None,
        };
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::from_sources(file.as_ref().map(|(p, t)| (p.as_str(), t.as_str())), &env)
    }

    /// `file`: its name and text. Environment variables win over the file.
    pub fn from_sources(
        file: Option<(&str, &str)>,
        env: &[(String, String)],
    ) -> Result<ServerConfig, ConfigError> {
        let mut table = match file {
            Some((path, text)) => text
                .parse::<toml::Table>()
                .map_err(|e| ConfigError::Parse {
                    path: path.to_string(),
                    message: e.to_string(),
                })?,
            None => toml::Table::new(),
        };
        for (name, key, kind) in ENV {
            let Some((_, value)) = env.iter().find(|(n, _)| n == name) else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let value = match kind {
                Kind::Text => toml::Value::String(value.clone()),
                Kind::Integer => {
                    toml::Value::Integer(value.trim().parse().map_err(|_| ConfigError::Env {
                        name: name.to_string(),
                        message: format!("\"{value}\" is not a whole number"),
                    })?)
                }
                Kind::Boolean => match value.trim() {
                    "1" | "true" | "yes" => toml::Value::Boolean(true),
                    "0" | "false" | "no" => toml::Value::Boolean(false),
                    _ => {
                        return Err(ConfigError::Env {
                            name: name.to_string(),
                            message: format!("\"{value}\" is not true or false (or 1 or 0)"),
                        });
                    }
                },
                Kind::List => toml::Value::Array(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|s| toml::Value::String(s.to_string()))
                        .collect(),
                ),
            };
            table.insert(key.to_string(), value);
        }
        let source = match file {
            Some((path, _)) => path.to_string(),
            None => "the environment".to_string(),
        };
        let config: ServerConfig =
            ServerConfig::deserialize(table).map_err(|e| ConfigError::Parse {
                path: source,
                message: e.to_string().trim_end().to_string(),
            })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the farm does not check itself.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |field, message: String| Err(ConfigError::Invalid { field, message });
        if !["h264", "h265", "vp8", "vp9", "prores", "gif"].contains(&self.codec.as_str()) {
            return invalid(
                "codec",
                format!(
                    "\"{}\" is not supported: use h264, h265, vp8, vp9, prores or gif",
                    self.codec
                ),
            );
        }
        if !(5..=100_000).contains(&self.frames_per_lambda) {
            return invalid(
                "frames_per_lambda",
                format!("must be at least 5, got {}", self.frames_per_lambda),
            );
        }
        if self.concurrency == Some(0) {
            return invalid("concurrency", "must be at least 1".into());
        }
        if self.body_limit < 1024 {
            return invalid(
                "body_limit",
                format!("must be at least 1KB, got {} bytes", self.body_limit),
            );
        }
        if self.token.as_deref() == Some("") {
            return invalid("token", "must not be empty".into());
        }
        kinema_farm::sites::validate_site_name(&self.site_name).map_err(|e| {
            ConfigError::Invalid {
                field: "site_name",
                message: e.to_string(),
            }
        })?;
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return invalid(
                "public_url",
                format!("must start with http:// or https://, got \"{url}\""),
            );
        }
        if let Some(ffmpeg) = &self.ffmpeg
            && !kinema_encode::EncoderBackend::ffmpeg_found(ffmpeg)
        {
            return invalid(
                "ffmpeg",
                format!(
                    "{} does not run: set `ffmpeg` (KINEMA_FFMPEG) to the path of an ffmpeg \
                     program, or leave it unset to use the one on the PATH",
                    ffmpeg.display()
                ),
            );
        }
        self.farm_config()
            .validate()
            .map_err(|e| ConfigError::Invalid {
                field: "farm",
                message: e.to_string(),
            })?;
        Ok(())
    }

    /// Whether the host only accepts connections from this machine.
    pub fn is_loopback(&self) -> bool {
        match self.host.parse::<IpAddr>() {
            Ok(ip) => ip.is_loopback(),
            Err(_) => self.host == "localhost",
        }
    }

    /// Refuses to serve the API to the network without a token.
    pub fn check_exposure(&self) -> Result<(), ConfigError> {
        if !self.is_loopback() && self.token.is_none() {
            return Err(ConfigError::Invalid {
                field: "token",
                message: format!(
                    "the server would listen on {} (not loopback) without a token: set `token` \
                     in kinema.toml or KINEMA_TOKEN, and send it as `Authorization: Bearer …`",
                    self.host
                ),
            });
        }
        Ok(())
    }

    /// The embedded farm's settings.
    pub fn farm_config(&self) -> kinema_farm::FarmConfig {
        let mut farm = kinema_farm::FarmConfig {
            region: self.region.clone(),
            memory_size_in_mb: self.ram,
            disk_size_in_mb: self.disk,
            timeout_in_seconds: self.timeout,
            ffmpeg: self.ffmpeg.clone(),
            fetch_private_addresses: self.fetch_private_addresses,
            ..kinema_farm::FarmConfig::default()
        };
        if let Some(folder) = &self.bucket_folder {
            farm.storage_root = std::path::absolute(folder).unwrap_or_else(|_| folder.clone());
        }
        farm
    }
}

/// Bytes as a number or a size with a unit (`512KB`, `2MB`, `1MiB`, `1GB`).
pub fn parse_byte_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" | "k" | "kib" => 1024,
        "mb" | "m" | "mib" => 1024 * 1024,
        "gb" | "g" | "gib" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let bytes = number * factor as f64;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then_some(bytes as u64)
}

fn byte_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Bytes(u64),
        Text(String),
    }
    match Size::deserialize(deserializer)? {
        Size::Bytes(n) => Ok(n),
        Size::Text(text) => parse_byte_size(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{text}\" is not a size: use bytes or a unit, like \"2MB\""
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_the_templates() {
        let config = ServerConfig::from_sources(None, &[]).unwrap();
        assert_eq!(config.frames_per_lambda, 60);
        assert_eq!(config.codec, "h264");
        assert_eq!(
            config.farm_config().function_name(),
            format!(
                "remotion-render-{}-mem3009mb-disk10240mb-240sec",
                kinema_farm::PROTOCOL_VERSION.replace('.', "-")
            )
        );
        assert!(config.is_loopback());
        config.check_exposure().unwrap();
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let file = "region = \"eu-central-1\"\nport = 8000\nbody_limit = \"1MB\"\n\
                    cors_origins = [\"http://a.test\"]\n";
        let config = ServerConfig::from_sources(
            Some(("kinema.toml", file)),
            &env(&[
                ("KINEMA_PORT", "9000"),
                ("KINEMA_CORS_ORIGINS", "http://b.test, *"),
            ]),
        )
        .unwrap();
        assert_eq!(config.region, "eu-central-1");
        assert_eq!(config.port, 9000);
        assert_eq!(config.body_limit, 1024 * 1024);
        assert_eq!(config.cors_origins, vec!["http://b.test", "*"]);
    }

    #[test]
    fn bad_settings_name_their_key() {
        let err = |file: &str, env_pairs: &[(&str, &str)]| {
            ServerConfig::from_sources(Some(("kinema.toml", file)), &env(env_pairs))
                .unwrap_err()
                .to_string()
        };
        let e = err("prot = 1\n", &[]);
        assert!(e.contains("kinema.toml") && e.contains("prot"), "{e}");
        let e = err("port = \"x\"\n", &[]);
        assert!(e.contains("port"), "{e}");
        let e = err("", &[("KINEMA_PORT", "eighty")]);
        assert!(e.contains("KINEMA_PORT"), "{e}");
        let e = err("codec = \"av1\"\n", &[]);
        assert!(e.starts_with("codec:"), "{e}");
        let e = err("region = \"mars-1\"\n", &[]);
        assert!(e.contains("region"), "{e}");
        let e = err("body_limit = \"lots\"\n", &[]);
        assert!(e.contains("body_limit") || e.contains("lots"), "{e}");
        let e = err("backend = \"gcp\"\n", &[]);
        assert!(e.contains("backend") || e.contains("gcp"), "{e}");
        let e = err("port = 3000\nport = 3001\n", &[]);
        assert!(e.contains("kinema.toml"), "{e}");
        // A mistyped ffmpeg stops the server at start, not a render later (and is never
        // quietly replaced by the built-in encoder).
        let e = err("", &[("KINEMA_FFMPEG", "/opt/ffmpg/ffmpeg")]);
        assert!(
            e.starts_with("ffmpeg: /opt/ffmpg/ffmpeg does not run: set `ffmpeg` (KINEMA_FFMPEG)"),
            "{e}"
        );
        let given = ServerConfig::from_sources(None, &env(&[("KINEMA_FFMPEG", "/bin/sh")]));
        assert_eq!(
            given.unwrap().farm_config().ffmpeg_program(),
            Path::new("/bin/sh")
        );
        let e = err("", &[("KINEMA_FETCH_PRIVATE_ADDRESSES", "maybe")]);
        assert!(e.contains("KINEMA_FETCH_PRIVATE_ADDRESSES"), "{e}");
    }

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        let default = ServerConfig::from_sources(None, &[]).unwrap();
        assert!(!default.farm_config().fetch_private_addresses);
        for (file, pairs) in [
            ("fetch_private_addresses = true\n", &[][..]),
            ("", &[("KINEMA_FETCH_PRIVATE_ADDRESSES", "1")][..]),
        ] {
            let config = ServerConfig::from_sources(Some(("kinema.toml", file)), &env(pairs));
            assert!(config.unwrap().farm_config().fetch_private_addresses);
        }
    }

    #[test]
    fn the_network_needs_a_token() {
        let open = ServerConfig::from_sources(None, &env(&[("KINEMA_HOST", "0.0.0.0")])).unwrap();
        let e = open.check_exposure().unwrap_err().to_string();
        assert!(e.contains("KINEMA_TOKEN"), "{e}");
        let guarded = ServerConfig::from_sources(
            None,
            &env(&[("KINEMA_HOST", "0.0.0.0"), ("KINEMA_TOKEN", "s3cret")]),
        )
        .unwrap();
        guarded.check_exposure().unwrap();
        let local = ServerConfig::from_sources(None, &env(&[("KINEMA_HOST", "::1")])).unwrap();
        assert!(local.is_loopback());
    }

    #[test]
    fn sizes_take_units() {
        assert_eq!(parse_byte_size("2048"), Some(2048));
        assert_eq!(parse_byte_size("2MB"), Some(2 * 1024 * 1024));
        assert_eq!(parse_byte_size("1.5 KiB"), Some(1536));
        assert_eq!(parse_byte_size("5 parsecs"), None);
        assert_eq!(parse_byte_size(""), None);
    }
}
