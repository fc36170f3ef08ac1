//! The function's configuration: what a Lambda function's name and settings carry (region,
//! memory, disk, timeout, version), plus where the embedded farm keeps its buckets.

use std::path::{Path, PathBuf};

use kinema_encode::EncoderBackend;

/// The Remotion Lambda protocol version Kinema's function speaks (reference §0). Clients send
/// their version with every call and must match it (§10.10); `KINEMA_REMOTION_VERSION` or
/// `FarmConfig::version` changes it to match older clients.
pub const PROTOCOL_VERSION: &str = "4.0.527";

/// Every AWS region the protocol knows (reference §10.9).
pub const REGIONS: &[&str] = &[
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-north-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-south-1",
    "ap-east-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ca-central-1",
    "cn-north-1",
    "cn-northwest-1",
    "sa-east-1",
];

/// The farm's settings. Serialised into each worker's environment.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FarmConfig {
    pub region: String,
    pub memory_size_in_mb: u32,
    pub disk_size_in_mb: u32,
    /// Each invocation is stopped after this long, like a Lambda function's timeout.
    pub timeout_in_seconds: u32,
    /// The protocol version this function reports and requires.
    pub version: String,
    /// Root folder of the embedded buckets.
    pub storage_root: PathBuf,
    /// The ffmpeg program workers encode with. `None`: `ffmpeg` on the PATH, and without it
    /// H.264 uses the built-in encoder; a path given must run (no quiet fallback).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ffmpeg: Option<PathBuf>,
    /// Whether compositions may fetch images, fonts and sounds from private addresses
    /// (loopback, the local network, a cloud's metadata service), and webhooks go there. Off:
    /// a site's code and webhook URL may come from anyone who can call the farm, and must not
    /// reach what they cannot.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fetch_private_addresses: bool,
}

impl Default for FarmConfig {
    fn default() -> Self {
        FarmConfig {
            region: "us-east-1".into(),
            memory_size_in_mb: 2048,
            disk_size_in_mb: 2048,
            // One machine renders whole videos: allow Lambda's maximum by default.
            timeout_in_seconds: 900,
            version: std::env::var("KINEMA_REMOTION_VERSION")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| PROTOCOL_VERSION.to_string()),
            storage_root: crate::bucket::DiskStorage::default_root(),
            ffmpeg: None,
            fetch_private_addresses: false,
        }
    }
}

impl FarmConfig {
    /// The function's name by Remotion's convention (reference §10.2):
    /// `remotion-render-4-0-527-mem2048mb-disk2048mb-900sec`.
    pub fn function_name(&self) -> String {
        speculate_function_name(
            &self.version,
            self.memory_size_in_mb,
            self.disk_size_in_mb,
            self.timeout_in_seconds,
        )
    }

    /// Checks the settings, naming the one that is wrong.
    pub fn validate(&self) -> Result<(), crate::FarmError> {
        if !REGIONS.contains(&self.region.as_str()) {
            return Err(crate::FarmError::field(
                "region",
                format!(
                    "\"{}\" is not a region; use one of {}",
                    self.region,
                    REGIONS.join(", ")
                ),
            ));
        }
        if !(512..=10240).contains(&self.memory_size_in_mb) {
            return Err(crate::FarmError::field(
                "memorySizeInMb",
                format!(
                    "must be between 512 and 10240, got {}",
                    self.memory_size_in_mb
                ),
            ));
        }
        if !(512..=10240).contains(&self.disk_size_in_mb) {
            return Err(crate::FarmError::field(
                "diskSizeInMb",
                format!(
                    "must be between 512 and 10240, got {}",
                    self.disk_size_in_mb
                ),
            ));
        }
        if !(1..=900).contains(&self.timeout_in_seconds) {
            return Err(crate::FarmError::field(
                "timeoutInSeconds",
                format!("must be between 1 and 900, got {}", self.timeout_in_seconds),
            ));
        }
        if let Some(ffmpeg) = &self.ffmpeg
            && !EncoderBackend::ffmpeg_found(ffmpeg)
        {
            return Err(crate::FarmError::field(
                "ffmpeg",
                format!(
                    "{} does not run: give the path of an ffmpeg program, or leave it unset to \
                     use the one on the PATH",
                    ffmpeg.display()
                ),
            ));
        }
        Ok(())
    }

    /// The ffmpeg program workers run: the one given, else `ffmpeg` on the PATH.
    pub fn ffmpeg_program(&self) -> &Path {
        self.ffmpeg
            .as_deref()
            .unwrap_or(Path::new(kinema_encode::DEFAULT_FFMPEG))
    }
}

/// `remotion-render-{version with dashes, 10 chars}-mem{m}mb-disk{d}mb-{t}sec`.
pub fn speculate_function_name(version: &str, memory: u32, disk: u32, timeout: u32) -> String {
    let version: String = version.replace(['.', '+'], "-").chars().take(10).collect();
    format!("remotion-render-{version}-mem{memory}mb-disk{disk}mb-{timeout}sec")
}

/// Memory, disk and timeout parsed back from a conventional function name.
pub fn parse_function_name(name: &str) -> Option<(u32, u32, u32)> {
    let rest = name.strip_prefix("remotion-render-")?;
    let rest = rest.strip_suffix("sec")?;
    let (rest, timeout) = rest.rsplit_once('-')?;
    let (rest, disk) = rest.rsplit_once("-disk")?;
    let (_, memory) = rest.rsplit_once("-mem")?;
    Some((
        memory.strip_suffix("mb")?.parse().ok()?,
        disk.strip_suffix("mb")?.parse().ok()?,
        timeout.parse().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_follow_the_convention() {
        assert_eq!(
            speculate_function_name("4.0.527", 2048, 2048, 120),
            "remotion-render-4-0-527-mem2048mb-disk2048mb-120sec"
        );
        assert_eq!(
            speculate_function_name("4.1.0-alpha12", 3009, 10240, 240),
            "remotion-render-4-1-0-alph-mem3009mb-disk10240mb-240sec"
        );
        assert_eq!(
            parse_function_name("remotion-render-4-0-527-mem3009mb-disk10240mb-240sec"),
            Some((3009, 10240, 240))
        );
        assert_eq!(parse_function_name("my-function"), None);
    }

    #[test]
    fn settings_are_checked() {
        let config = FarmConfig::default();
        assert!(config.validate().is_ok());
        let bad = FarmConfig {
            region: "mars-1".into(),
            ..config.clone()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .starts_with("region:")
        );
        let bad = FarmConfig {
            memory_size_in_mb: 100,
            ..config.clone()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("memorySizeInMb")
        );
        // A mistyped ffmpeg is refused up front, not replaced by the built-in encoder later.
        let typo = FarmConfig {
            ffmpeg: Some("/opt/ffmpg/ffmpeg".into()),
            ..config.clone()
        };
        assert_eq!(
            typo.validate().unwrap_err().to_string(),
            "ffmpeg: /opt/ffmpg/ffmpeg does not run: give the path of an ffmpeg program, or \
             leave it unset to use the one on the PATH"
        );
        assert_eq!(config.ffmpeg_program(), Path::new("ffmpeg"));
        let given = FarmConfig {
            ffmpeg: Some("/bin/sh".into()),
            ..config
        };
        assert!(given.validate().is_ok());
        assert_eq!(given.ffmpeg_program(), Path::new("/bin/sh"));
    }
}
