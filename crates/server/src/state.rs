//! What every handler shares: the configuration and the farm the API fronts.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use kinema_farm::sites::{self, SiteKind, SiteSource};
use kinema_farm::{EmbeddedFarm, FarmError, Storage, WorkerCommand};
use serde_json::Value;

use crate::config::{Backend, ServerConfig};
use crate::error::ApiError;

/// The embedded farm with the bucket and dynamic site the API renders from.
pub struct Farm {
    pub embedded: EmbeddedFarm,
    pub bucket: String,
    pub function_name: String,
    /// The workers' log, which the `cloudWatchLogs` links read.
    pub log_file: Option<PathBuf>,
}

impl Farm {
    /// A bucket of the embedded storage; 404 when there is none of that name.
    pub fn bucket(&self, name: &str) -> Result<Arc<dyn kinema_farm::Bucket>, ApiError> {
        self.embedded
            .storage
            .bucket(name)
            .map_err(|_| ApiError::not_found(format!("no bucket named \"{name}\"")))
    }
}

pub struct AppState {
    pub config: ServerConfig,
    /// `None` with the AWS backend.
    pub farm: Option<Farm>,
    /// Progress objects of finished renders (done or failed): they never change again.
    pub finished: Mutex<HashMap<RenderKey, Arc<Value>>>,
    /// Progress objects of running renders, with when they were computed.
    pub recent: Mutex<HashMap<RenderKey, (std::time::Instant, Arc<Value>)>>,
    pub started: std::time::Instant,
}

pub type SharedState = Arc<AppState>;

/// A render: its bucket and id.
pub type RenderKey = (String, String);

/// The message the template answers with when no access key is set.
pub const NO_ACCESS_KEY: &str =
    "Set up Remotion Lambda to render videos. See the README.md for how to do so.";
/// The message the template answers with when no secret key is set.
pub const NO_SECRET_KEY: &str =
    "The environment variable REMOTION_AWS_SECRET_ACCESS_KEY is missing. Add it to your .env file.";

impl AppState {
    /// Starts the embedded farm (for that backend) and makes sure its dynamic site exists.
    pub fn start(config: ServerConfig, worker: WorkerCommand) -> Result<AppState, FarmError> {
        let farm = match config.backend {
            Backend::Aws => None,
            Backend::Embedded => Some(start_farm(&config, worker)?),
        };
        Ok(AppState {
            config,
            farm,
            finished: Mutex::new(HashMap::new()),
            recent: Mutex::new(HashMap::new()),
            started: std::time::Instant::now(),
        })
    }

    /// The farm, or why there is none: missing AWS credentials give the template's exact
    /// messages.
    pub fn farm(&self) -> Result<&Farm, ApiError> {
        match &self.farm {
            Some(farm) => Ok(farm),
            None => {
                check_aws_credentials(|name| std::env::var(name).ok())?;
                Err(ApiError::new(
                    axum::http::StatusCode::NOT_IMPLEMENTED,
                    "The AWS backend is not available in this build of Kinema yet: set \
                     backend = \"embedded\" in kinema.toml (or KINEMA_BACKEND=embedded) to \
                     render on this machine.",
                ))
            }
        }
    }
}

/// `AWS_*` and `REMOTION_AWS_*` credentials are both accepted, as in the template.
pub fn check_aws_credentials(env: impl Fn(&str) -> Option<String>) -> Result<(), ApiError> {
    let set = |names: [&str; 2]| names.iter().any(|n| env(n).is_some_and(|v| !v.is_empty()));
    if !set(["AWS_ACCESS_KEY_ID", "REMOTION_AWS_ACCESS_KEY_ID"]) {
        return Err(ApiError::internal(NO_ACCESS_KEY));
    }
    if !set(["AWS_SECRET_ACCESS_KEY", "REMOTION_AWS_SECRET_ACCESS_KEY"]) {
        return Err(ApiError::internal(NO_SECRET_KEY));
    }
    Ok(())
}

fn start_farm(config: &ServerConfig, worker: WorkerCommand) -> Result<Farm, FarmError> {
    let farm_config = config.farm_config();
    let log_file = farm_config
        .storage_root
        .parent()
        .map(|p| p.join("logs").join("farm.log"));
    let embedded = EmbeddedFarm::start(farm_config, worker, config.concurrency, log_file.clone())?;
    let bucket = embedded.bucket_name(config.bucket_name.as_deref())?;
    let handle = embedded.storage.bucket(&bucket)?;
    match sites::read_manifest(handle.as_ref(), &config.site_name) {
        Ok(manifest) if manifest.kind == SiteKind::Dynamic => {}
        Ok(_) => {
            return Err(FarmError::field(
                "site_name",
                format!(
                    "site \"{}\" in bucket {bucket} holds a project, not a dynamic site: set \
                     site_name in kinema.toml to another name",
                    config.site_name
                ),
            ));
        }
        Err(_) => {
            sites::deploy(
                handle.as_ref(),
                &config.site_name,
                SiteSource::Dynamic,
                &embedded.config.version,
            )?;
        }
    }
    let function_name = embedded.function_name();
    Ok(Farm {
        embedded,
        bucket,
        function_name,
        log_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_give_the_templates_messages() {
        let check = |vars: &[(&str, &str)]| {
            let vars: Vec<(String, String)> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            check_aws_credentials(|n| vars.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()))
                .map_err(|e| e.message)
        };
        assert_eq!(check(&[]), Err(NO_ACCESS_KEY.to_string()));
        assert_eq!(
            check(&[("REMOTION_AWS_ACCESS_KEY_ID", "AKIA")]),
            Err(NO_SECRET_KEY.to_string())
        );
        assert_eq!(
            check(&[("AWS_ACCESS_KEY_ID", "AKIA"), ("AWS_SECRET_ACCESS_KEY", "")]),
            Err(NO_SECRET_KEY.to_string())
        );
        assert_eq!(
            check(&[
                ("AWS_ACCESS_KEY_ID", "AKIA"),
                ("REMOTION_AWS_SECRET_ACCESS_KEY", "s")
            ]),
            Ok(())
        );
    }
}
