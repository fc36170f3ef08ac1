//! The one function: dispatch on the payload's `type` to a routine (reference §1.2), with the
//! invocation's context (configuration, storage, invoker, deadline) and what stays warm between
//! invocations of the same worker.

use serde_json::{Value, json};

use crate::bucket::{Bucket, Storage};
use crate::config::FarmConfig;
use crate::error::FarmError;
use crate::invoker::Invoker;
use crate::routines;

/// What one invocation runs with.
pub struct Context<'a> {
    pub config: &'a FarmConfig,
    pub storage: &'a dyn Storage,
    pub invoker: &'a dyn Invoker,
    /// The function this invocation belongs to (routines invoke it again by this name).
    pub function_name: String,
    pub request_id: String,
    /// Epoch ms at which the invocation is stopped.
    pub deadline_ms: u64,
    /// When the invocation reached this process (for a cold worker: when the process
    /// started), to measure how soon the first frame is rendered.
    pub received: std::time::Instant,
    pub warm: &'a mut WarmState,
}

/// What a worker keeps between invocations (like a warm Lambda container).
#[derive(Default)]
pub struct WarmState {
    /// Invocations this worker has run before the current one.
    pub invocations: u64,
    pub(crate) scene: Option<routines::renderer::WarmScene>,
}

impl Context<'_> {
    /// Milliseconds left before the invocation is stopped.
    pub fn remaining_ms(&self) -> u64 {
        self.deadline_ms.saturating_sub(crate::util::now_ms())
    }

    /// The client's version must equal the function's (reference §10.10).
    pub fn check_version(&self, api: &str, version: Option<&str>) -> Result<(), FarmError> {
        match version {
            Some(v) if v == self.config.version => Ok(()),
            Some(v) => Err(FarmError::VersionMismatch {
                routine: api.into(),
                function: self.function_name.clone(),
                function_version: self.config.version.clone(),
                client_version: v.into(),
            }),
            None => Err(FarmError::field(
                "version",
                format!(
                    "is missing: the client sent an incompatible payload. Expected it to contain \
                     {{\"version\": \"{}\"}}",
                    self.config.version
                ),
            )),
        }
    }

    /// The bucket a payload names, or the region's farm bucket.
    pub fn bucket_or_default(
        &self,
        name: Option<&str>,
    ) -> Result<std::sync::Arc<dyn Bucket>, FarmError> {
        let name = match name {
            Some(name) => name.to_string(),
            None => self.storage.get_or_create_bucket(&self.config.region)?,
        };
        Ok(self.storage.bucket(&name)?)
    }
}

/// Runs one invocation and returns its response payload. Routine errors become
/// `{type:'error', message, stack}` (reference §2.1).
pub fn handle(context: &mut Context<'_>, payload: Value) -> Value {
    let routine = payload
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    // The grep helper line of reference §1.3, for finding an invocation's logs.
    let mut helper = format!("method={routine}");
    if let Some(id) = payload.get("renderId").and_then(Value::as_str) {
        helper.push_str(&format!(",renderId={id}"));
    }
    if let Some(chunk) = payload.get("chunk").and_then(Value::as_u64) {
        helper.push_str(&format!(",chunk={chunk}"));
    }
    let warm = context.warm.invocations > 0;
    eprintln!("{helper},isWarm={warm},requestId={}", context.request_id);
    let result = match routine.as_str() {
        "info" => Ok(json!({"type": "success", "version": context.config.version})),
        "start" => routines::start::run(context, &payload),
        "launch" => routines::launch::run(context, &payload),
        "renderer" => routines::renderer::run(context, &payload),
        "status" => routines::status::run(context, &payload),
        "still" => routines::still::run(context, &payload),
        "compositions" => routines::compositions::run(context, &payload),
        "" => Err(FarmError::field(
            "type",
            "is missing: set it to one of info, start, launch, renderer, status, still, compositions",
        )),
        other => Err(FarmError::field(
            "type",
            format!(
                "\"{other}\" is not a routine: use info, start, launch, renderer, status, still \
                 or compositions"
            ),
        )),
    };
    context.warm.invocations += 1;
    match result {
        Ok(value) => value,
        Err(error) => {
            eprintln!("{helper}: error: {error}");
            error_payload(&error)
        }
    }
}

/// `{type:'error', message, stack}`.
pub fn error_payload(error: &FarmError) -> Value {
    json!({
        "type": "error",
        "message": error.to_string(),
        "stack": format!("{}: {error}\n    at kinema-farm", error.name()),
    })
}
