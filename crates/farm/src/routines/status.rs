//! `status` (reference §8): reads `progress.json` and computes the progress object.

use serde_json::Value;

use crate::bucket::Storage;
use crate::config::FarmConfig;
use crate::error::FarmError;
use crate::function::Context;
use crate::payload::{StatusPayload, parse};
use crate::progress::OverallRenderProgress;
use crate::status::{FoundOutput, RenderProgress, StatusInputs, compute};

pub fn run(context: &mut Context<'_>, payload: &Value) -> Result<Value, FarmError> {
    let request: StatusPayload = parse(payload)?;
    context.check_version("getRenderProgress()", request.version.as_deref())?;
    let progress = render_progress(
        context.config,
        context.storage,
        &request.bucket_name,
        &request.render_id,
    )?;
    Ok(serde_json::to_value(progress).expect("progress serialises"))
}

/// The progress object of a render, computed from the bucket alone: what `status` answers.
/// Reading is all it does, so a server next to an embedded bucket may call it directly.
pub fn render_progress(
    config: &FarmConfig,
    storage: &dyn Storage,
    bucket_name: &str,
    render_id: &str,
) -> Result<RenderProgress, FarmError> {
    let progress = read_progress(storage, &config.region, bucket_name, render_id)?;
    if progress
        .render_metadata
        .as_ref()
        .is_some_and(|m| m.kind == "still")
    {
        return Err(FarmError::Render(
            "You don't need to call getRenderProgress() on a still render. Once you have \
             obtained the renderId, the render is already done!"
                .into(),
        ));
    }
    let inputs = StatusInputs {
        render_id: render_id.to_string(),
        bucket: bucket_name.to_string(),
        region: config.region.clone(),
        now: crate::util::now_ms(),
        timeout_ms: config.timeout_in_seconds as u64 * 1000,
        memory_size_in_mb: config.memory_size_in_mb,
        disk_size_in_mb: config.disk_size_in_mb,
    };
    let find_output = |bucket: &str, key: &str| {
        let bucket = storage.bucket(bucket).ok()?;
        let object = bucket.head(key).ok().flatten()?;
        Some(FoundOutput {
            size_in_bytes: object.size,
            url: bucket.url(key),
        })
    };
    Ok(compute(&progress, &inputs, &find_output))
}

/// Reads `progress.json`, waiting up to two seconds for one that `start` is still writing.
fn read_progress(
    storage: &dyn Storage,
    region: &str,
    bucket_name: &str,
    render_id: &str,
) -> Result<OverallRenderProgress, FarmError> {
    let bucket = storage.bucket(bucket_name)?;
    for attempt in 0..3 {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
        if let Some(progress) = OverallRenderProgress::read(bucket.as_ref(), render_id)? {
            return Ok(progress);
        }
    }
    Err(FarmError::NoSuchRender {
        render_id: render_id.into(),
        bucket: bucket_name.into(),
        region: region.to_string(),
    })
}
