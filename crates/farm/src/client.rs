//! The client side of the protocol (what `@remotion/lambda-client` does): builds payloads,
//! uploads oversized props, invokes the function and turns `{type:'error'}` answers into errors.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::bucket::Storage;
use crate::error::FarmError;
use crate::invoker::Invoker;
use crate::payload::{RenderParams, StillPayload};
use crate::props::{STILL_LIMIT, SerializedInputProps, VIDEO_LIMIT};
use crate::status::RenderProgress;

/// `start`'s answer.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartedRender {
    pub render_id: String,
    pub bucket_name: String,
}

/// Fails with the function's message when it answered `{type:'error'}`.
pub fn check_response(response: Value) -> Result<Value, FarmError> {
    if response.get("type").and_then(Value::as_str) == Some("error") {
        let message = response
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("the function failed without a message");
        return Err(FarmError::Render(message.to_string()));
    }
    Ok(response)
}

/// `renderMediaOnLambda()`: serialises `props` into `params` (uploading them when over the
/// limit) and invokes `start`.
pub fn render_media(
    invoker: &dyn Invoker,
    storage: &dyn Storage,
    function: &str,
    region: &str,
    mut params: RenderParams,
    props: &Value,
) -> Result<StartedRender, FarmError> {
    let bucket_name = match &params.bucket_name {
        Some(name) => name.clone(),
        None => storage.get_or_create_bucket(region)?,
    };
    let bucket = storage.bucket(&bucket_name)?;
    // The environment variables count toward the payload's size, as in Remotion.
    let limit = VIDEO_LIMIT.saturating_sub(env_size(&params.env_variables));
    params.input_props = SerializedInputProps::serialize(props, bucket.as_ref(), limit)?;
    params.bucket_name = Some(bucket_name);
    let mut payload = serde_json::to_value(&params).expect("params serialise");
    payload["type"] = json!("start");
    let response = check_response(invoker.invoke(function, payload)?)?;
    serde_json::from_value(response)
        .map_err(|e| FarmError::Render(format!("unexpected answer from start: {e}")))
}

/// What environment variables add to a payload: their JSON's length.
fn env_size(env: &kinema_compose::EnvVariables) -> usize {
    serde_json::to_string(env).map_or(0, |json| json.len())
}

/// `getRenderProgress()`.
pub fn render_progress(
    invoker: &dyn Invoker,
    function: &str,
    version: &str,
    bucket_name: &str,
    render_id: &str,
) -> Result<RenderProgress, FarmError> {
    let payload = json!({
        "type": "status", "version": version, "bucketName": bucket_name,
        "renderId": render_id, "logLevel": "info",
    });
    let response = check_response(invoker.invoke(function, payload)?)?;
    serde_json::from_value(response)
        .map_err(|e| FarmError::Render(format!("unexpected answer from status: {e}")))
}

/// `renderStillOnLambda()`.
pub fn render_still(
    invoker: &dyn Invoker,
    storage: &dyn Storage,
    function: &str,
    region: &str,
    mut request: StillPayload,
    props: &Value,
) -> Result<Value, FarmError> {
    let bucket_name = match &request.bucket_name {
        Some(name) => name.clone(),
        None => storage.get_or_create_bucket(region)?,
    };
    let bucket = storage.bucket(&bucket_name)?;
    let limit = STILL_LIMIT.saturating_sub(env_size(&request.env_variables));
    request.input_props = SerializedInputProps::serialize(props, bucket.as_ref(), limit)?;
    request.bucket_name = Some(bucket_name);
    let mut payload = serde_json::to_value(&request).expect("request serialises");
    payload["type"] = json!("still");
    check_response(invoker.invoke(function, payload)?)
}

/// `getCompositionsOnLambda()`.
pub fn compositions(
    invoker: &dyn Invoker,
    function: &str,
    version: &str,
    serve_url: &str,
    bucket_name: Option<&str>,
    props: &Value,
    env: &kinema_compose::EnvVariables,
) -> Result<Vec<Value>, FarmError> {
    let payload = json!({
        "type": "compositions", "version": version, "serveUrl": serve_url,
        "bucketName": bucket_name,
        "inputProps": {"type": "payload", "payload": props.to_string()},
        "envVariables": env,
    });
    let response = check_response(invoker.invoke(function, payload)?)?;
    Ok(response
        .get("compositions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}
