//! The embedded farm, assembled: buckets in a folder and the function run by a pool of worker
//! processes. This is Kinema's default — no cloud account needed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::bucket::{DiskStorage, Storage};
use crate::config::FarmConfig;
use crate::error::FarmError;
use crate::pool::{PoolOptions, WorkerPool};

/// How to start the worker processes.
#[derive(Debug, Clone)]
pub struct WorkerCommand {
    /// The `kinema` binary.
    pub program: PathBuf,
    /// Arguments that make it a worker (`["__farm-worker"]`).
    pub args: Vec<String>,
}

/// A running embedded farm. Dropping it stops every worker.
pub struct EmbeddedFarm {
    pub config: FarmConfig,
    pub storage: Arc<DiskStorage>,
    pub pool: WorkerPool,
}

impl EmbeddedFarm {
    /// `concurrency`: rendering invocations at once, as given; by default one per core, fewer
    /// while the memory available holds no more (see [`crate::admission`]).
    pub fn start(
        config: FarmConfig,
        worker: WorkerCommand,
        concurrency: Option<usize>,
        log_file: Option<PathBuf>,
    ) -> Result<EmbeddedFarm, FarmError> {
        config.validate()?;
        std::fs::create_dir_all(&config.storage_root).map_err(FarmError::io(format!(
            "cannot create the bucket folder {}",
            config.storage_root.display()
        )))?;
        let storage = Arc::new(DiskStorage::new(config.storage_root.clone()));
        let mut options = PoolOptions::new(worker.program, config.function_name());
        options.args = worker.args;
        options.env = vec![(
            crate::worker::CONFIG_ENV.to_string(),
            serde_json::to_string(&config).expect("config serialises"),
        )];
        match concurrency {
            // Taken as given, as `kinema render --concurrency` is.
            Some(n) => options.concurrency = n.max(1),
            // Rendering invocations hold an encoder each (~430 MB for x264 medium at 1080p): by
            // default the pool starts only as many as the memory available takes, by their
            // estimates.
            None => {
                options.memory_budget =
                    kinema_encode::memory::available_bytes().map(kinema_encode::memory::usable)
            }
        }
        options.timeout = Duration::from_secs(config.timeout_in_seconds as u64);
        options.log_file = log_file;
        let failures = storage.clone();
        options.on_event_failure = Some(Arc::new(move |_, payload, error| {
            crate::routines::renderer::report_failed_invocation(failures.as_ref(), payload, error)
        }));
        let pool = WorkerPool::new(options).map_err(FarmError::io("cannot open the worker log"))?;
        Ok(EmbeddedFarm {
            config,
            storage,
            pool,
        })
    }

    pub fn function_name(&self) -> String {
        self.config.function_name()
    }

    /// The region's bucket (created on first use) or the one named.
    pub fn bucket_name(&self, name: Option<&str>) -> Result<String, FarmError> {
        match name {
            Some(name) => {
                self.storage.bucket(name)?;
                Ok(name.to_string())
            }
            None => Ok(self.storage.get_or_create_bucket(&self.config.region)?),
        }
    }
}
