//! The render API of Remotion's prompt-to-motion-graphics template: render, progress, stills,
//! and the studio's frame previews.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kinema_farm::Storage;
use kinema_farm::client;
use kinema_farm::payload::{RenderParams, StillPayload, parse};
use kinema_farm::progress::progress_key;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::links;
use crate::request::{self, DYNAMIC_COMPOSITION};
use crate::state::{AppState, SharedState};

/// Runs farm and compose work off the async threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal(format!("the request's work failed: {e}")))?
}

/// Bodies declared over the limit but at most this large are read and dropped before the 413
/// is sent: a client still writing its body would otherwise see the connection reset instead
/// of the answer. Larger ones are refused at once.
const DRAIN_REFUSED_UP_TO: u64 = 16 * 1024 * 1024;

/// The body, refused with 413 past `limit` bytes.
pub async fn read_body(headers: &HeaderMap, body: Body, limit: u64) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than the limit of {limit} bytes (body_limit)"),
        )
    };
    if let Some(length) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && length > limit
    {
        if length <= DRAIN_REFUSED_UP_TO {
            use futures_util::StreamExt;
            let mut stream = body.into_data_stream();
            while let Some(Ok(_)) = stream.next().await {}
        }
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit as usize)
        .await
        .map_err(|e| {
            if e.to_string().contains("length limit") {
                too_large()
            } else {
                ApiError::bad_request(format!("cannot read the request body: {e}"))
            }
        })
}

/// The base of the links in answers.
pub fn base(state: &AppState, headers: &HeaderMap) -> String {
    let fallback = format!("{}:{}", state.config.host, state.config.port);
    links::base_url(state.config.public_url.as_deref(), headers, &fallback)
}

pub async fn render(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    state.farm()?;
    let body = read_body(&headers, body, state.config.body_limit).await?;
    let request = request::parse_render(&body)?;
    request::check_for_codec(&request.props, &state.config.codec)?;
    let base = base(&state, &headers);
    let shared = state.clone();
    let started = blocking(move || {
        request::preflight(&request.props, state.config.fetch_private_addresses)?;
        let state = shared;
        let farm = state.farm()?;
        let config = &state.config;
        let params: RenderParams = parse(&json!({
            "version": farm.embedded.config.version,
            "serveUrl": config.site_name,
            "composition": DYNAMIC_COMPOSITION,
            "codec": config.codec,
            "framesPerLambda": config.frames_per_lambda,
            "bucketName": farm.bucket,
            "downloadBehavior": {"type": "download", "fileName": format!("video.{}", extension(&config.codec))},
        }))?;
        Ok(client::render_media(
            &farm.embedded.pool,
            farm.embedded.storage.as_ref(),
            &farm.function_name,
            &config.region,
            params,
            &request.props.to_value(),
        )?)
    })
    .await?;
    let (id, bucket) = (&started.render_id, &started.bucket_name);
    tracing::info!("render {id} started in bucket {bucket}");
    Ok(Json(json!({
        "renderId": id,
        "bucketName": bucket,
        "cloudWatchLogs": links::logs(&base, bucket, id, "renderer"),
        "cloudWatchMainLogs": links::logs(&base, bucket, id, "launch"),
        "folderInS3Console": links::folder(&base, bucket, &format!("renders/{id}/")),
        "progressJsonInConsole": links::object(&base, bucket, &progress_key(id)),
        "lambdaInsightsLogs": format!("{base}/healthz"),
        "progressUrl": format!("{base}/api/lambda/progress/{id}?bucketName={bucket}"),
    })))
}

/// The output file's extension for a codec.
fn extension(codec: &str) -> &'static str {
    match codec {
        "vp8" | "vp9" => "webm",
        "prores" => "mov",
        "gif" => "gif",
        _ => "mp4",
    }
}

/// How long a computed progress object answers later polls of the same render. Progress
/// moves in steps of frames and chunks; pollers (the template polls every second) do not see
/// the difference, and a burst of polls costs one computation.
const FRESH: Duration = Duration::from_millis(250);

/// The full progress object, with the output as a link of this server. Embedded, it is
/// computed here from the bucket by the same code the `status` routine runs (a worker round
/// trip per poll would cost more than the computation); finished renders are answered from
/// memory.
async fn progress_object(
    state: &SharedState,
    headers: &HeaderMap,
    bucket: String,
    id: String,
) -> Result<Arc<Value>, ApiError> {
    let key = (bucket.clone(), id.clone());
    if let Some(done) = state.finished.lock().unwrap().get(&key) {
        return Ok(done.clone());
    }
    if let Some((at, recent)) = state.recent.lock().unwrap().get(&key)
        && at.elapsed() < FRESH
    {
        return Ok(recent.clone());
    }
    state.farm()?;
    let base = base(state, headers);
    let shared = state.clone();
    let progress = blocking(move || {
        let farm = shared.farm()?;
        let storage = farm.embedded.storage.as_ref();
        let handle = farm.bucket(&bucket)?;
        if handle
            .head(&progress_key(&id))
            .map_err(|e| ApiError::internal(e.to_string()))?
            .is_none()
        {
            return Err(ApiError::not_found(format!(
                "No render with ID \"{id}\" found in bucket {bucket}"
            )));
        }
        let progress = kinema_farm::render_progress(&farm.embedded.config, storage, &bucket, &id)?;
        let mut value = serde_json::to_value(&progress).expect("progress serialises");
        if let Some(Value::String(url)) = value.get_mut("outputFile") {
            *url = links::rewrite_file_url(url, storage.root(), &base);
        }
        Ok(value)
    })
    .await?;
    let finished =
        progress["done"] == json!(true) || progress["fatalErrorEncountered"] == json!(true);
    let progress = Arc::new(progress);
    if finished {
        let mut done = state.finished.lock().unwrap();
        if done.len() >= MAX_REMEMBERED {
            done.clear();
        }
        done.insert(key.clone(), progress.clone());
        state.recent.lock().unwrap().remove(&key);
    } else {
        let mut recent = state.recent.lock().unwrap();
        if recent.len() >= MAX_REMEMBERED {
            recent.retain(|_, (at, _)| at.elapsed() < FRESH);
        }
        recent.insert(key, (Instant::now(), progress.clone()));
    }
    Ok(progress)
}

/// Bounds the progress caches.
const MAX_REMEMBERED: usize = 10_000;

/// `POST /api/lambda/progress`: the template's short answer.
pub async fn progress(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let body = read_body(&headers, body, state.config.body_limit).await?;
    let request = request::parse_progress(&body)?;
    let progress = progress_object(&state, &headers, request.bucket_name, request.id).await?;
    Ok(Json(short_progress(&progress)))
}

/// `{type:'error'|'done'|'progress', …}` as the template's route computes it.
pub fn short_progress(progress: &Value) -> Value {
    if progress["fatalErrorEncountered"] == json!(true) {
        let message = progress["errors"]
            .as_array()
            .and_then(|e| e.iter().find(|e| e["isFatal"] == json!(true)).or(e.first()))
            .and_then(|e| e["message"].as_str())
            .unwrap_or("the render failed");
        return json!({"type": "error", "message": message});
    }
    if progress["done"] == json!(true) {
        return json!({
            "type": "done",
            "url": progress["outputFile"],
            "size": progress["outputSizeInBytes"],
        });
    }
    let overall = progress["overallProgress"].as_f64().unwrap_or(0.0);
    json!({"type": "progress", "progress": overall.max(0.03)})
}

#[derive(serde::Deserialize)]
pub struct BucketQuery {
    #[serde(rename = "bucketName")]
    bucket_name: Option<String>,
}

/// `GET /api/lambda/progress/{renderId}?bucketName=…`: the full progress object.
pub async fn progress_by_id(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<BucketQuery>,
) -> Result<Response, ApiError> {
    if !request::is_render_id(&id) {
        return Err(ApiError::not_found(format!(
            "\"{}\" is not a render id",
            request::truncate(&id, 80)
        )));
    }
    let bucket = match query.bucket_name {
        Some(b) => b,
        None => state.farm()?.bucket.clone(),
    };
    if kinema_farm::bucket::validate_bucket_name(&bucket).is_err() {
        return Err(ApiError::bad_request(format!(
            "bucketName \"{}\" is not a bucket name",
            request::truncate(&bucket, 80)
        )));
    }
    let progress = progress_object(&state, &headers, bucket, id).await?;
    Ok(Json(progress.as_ref().clone()).into_response())
}

/// Renders one frame through the farm's `still` routine. When the farm refuses the code, the
/// preflight explains where it breaks.
async fn still_through_farm(
    state: &SharedState,
    request: request::StillRequest,
) -> Result<Value, ApiError> {
    let shared = state.clone();
    blocking(move || {
        let farm = shared.farm()?;
        let config = &shared.config;
        let payload: StillPayload = parse(&json!({
            "version": farm.embedded.config.version,
            "serveUrl": config.site_name,
            "composition": DYNAMIC_COMPOSITION,
            "frame": request.frame,
            "imageFormat": request.image_format,
            "scale": request.scale,
            "bucketName": farm.bucket,
        }))?;
        let result = client::render_still(
            &farm.embedded.pool,
            farm.embedded.storage.as_ref(),
            &farm.function_name,
            &config.region,
            payload,
            &request.props.to_value(),
        );
        match result {
            Ok(value) => Ok(value),
            Err(error) => {
                request::preflight(&request.props, config.fetch_private_addresses)?;
                Err(error.into())
            }
        }
    })
    .await
}

/// `POST /api/lambda/still`.
pub async fn still(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    let root = state.farm()?.embedded.storage.root().to_path_buf();
    let body = read_body(&headers, body, state.config.body_limit).await?;
    let request = request::parse_still(&body, "png")?;
    let result = still_through_farm(&state, request).await?;
    let base = base(&state, &headers);
    let url = result["url"]
        .as_str()
        .map(|u| links::rewrite_file_url(u, &root, &base));
    Ok(Json(json!({
        "url": url,
        "size": result["sizeInBytes"],
        "sizeInBytes": result["sizeInBytes"],
        "estimatedPrice": result["estimatedPrice"],
        "renderId": result["renderId"],
        "bucketName": result["bucketName"],
        "outKey": result["outKey"],
        "renderInfo": result["renderInfo"],
    })))
}

/// `POST /api/preview`: a frame as an image in the response, nothing kept in the bucket.
pub async fn preview(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    state.farm()?;
    let body = read_body(&headers, body, state.config.body_limit).await?;
    let request = request::parse_still(&body, "jpeg")?;
    let format = request.image_format.clone();
    let result = still_through_farm(&state, request).await?;
    let shared = state.clone();
    let image = blocking(move || {
        let farm = shared.farm()?;
        let (Some(bucket), Some(key), Some(id)) = (
            result["outBucket"].as_str(),
            result["outKey"].as_str(),
            result["renderId"].as_str(),
        ) else {
            return Err(ApiError::internal(
                "the still routine answered without its output",
            ));
        };
        let storage = farm.embedded.storage.as_ref();
        let image = storage
            .bucket(bucket)?
            .get(key)
            .map_err(kinema_farm::FarmError::from)?;
        let render_bucket = storage.bucket(result["bucketName"].as_str().unwrap_or(bucket))?;
        for object in render_bucket
            .list(&format!("renders/{id}/"))
            .map_err(kinema_farm::FarmError::from)?
        {
            let _ = render_bucket.delete(&object.key);
        }
        Ok(image)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, format!("image/{format}")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        image,
    )
        .into_response())
}
