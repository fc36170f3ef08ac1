//! `start` (reference §4.1): validate, assign a render id, write the first `progress.json`,
//! Event-invoke `launch`, answer `{type:'success', renderId, bucketName}`.

use serde_json::{Value, json};

use crate::error::FarmError;
use crate::function::Context;
use crate::payload::{LaunchPayload, RenderParams, parse};
use crate::progress::OverallRenderProgress;

pub fn run(context: &mut Context<'_>, payload: &Value) -> Result<Value, FarmError> {
    let mut params: RenderParams = parse(payload)?;
    context.check_version("renderMediaOnLambda()", params.version.as_deref())?;
    let codec = super::validate::render_params(&params)?;
    super::validate::encoder(&params, codec, context.config.ffmpeg.as_deref())?;
    super::validate::webhook_address(&params, context.config.fetch_private_addresses)?;
    let bucket = context.bucket_or_default(params.bucket_name.as_deref())?;
    // The site must exist before anything is launched.
    let (site_bucket, site) = crate::sites::resolve_serve_url(&params.serve_url, bucket.name())?;
    crate::sites::read_manifest(context.storage.bucket(&site_bucket)?.as_ref(), &site)?;
    let render_id = match &params.delete_after {
        Some(after) => format!("{after}-{}", crate::util::random_id(10)),
        None => crate::util::random_id(10),
    };
    let now = crate::util::now_ms();
    let timeout_timestamp = now + context.config.timeout_in_seconds as u64 * 1000;
    OverallRenderProgress::initial(
        now,
        timeout_timestamp,
        params.enable_cancellation.unwrap_or(false),
    )
    .write(bucket.as_ref(), &render_id)?;
    params.bucket_name = Some(bucket.name().to_string());
    let launch = LaunchPayload {
        render_id: render_id.clone(),
        params,
    };
    let mut launch_payload = serde_json::to_value(&launch).expect("payload serialises");
    launch_payload["type"] = json!("launch");
    context
        .invoker
        .invoke_event(&context.function_name, launch_payload)?;
    Ok(json!({"type": "success", "renderId": render_id, "bucketName": bucket.name()}))
}
