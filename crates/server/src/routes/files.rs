//! Objects of the embedded buckets over HTTP: downloads with `Content-Length`, `Range` and the
//! right content type (S3's role), and folder listings (the S3 console's role).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kinema_farm::Bucket;
use serde_json::{Value, json};

use super::api::blocking;
use crate::error::ApiError;
use crate::links;
use crate::state::SharedState;

/// Bytes read from the bucket per piece of a streamed download.
const PIECE: u64 = 1 << 20;

pub use kinema_paint::resources::content_type;

/// The byte range a `Range` header asks for, inclusive. `Err` when it cannot be satisfied;
/// `Ok(None)` when the whole object is served (no header, or one this server ignores, like
/// several ranges).
pub fn parse_range(header: Option<&str>, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((start, end)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (start, end) = (start.trim(), end.trim());
    let range = if start.is_empty() {
        // The last `end` bytes.
        let n: u64 = end.parse().map_err(|_| ())?;
        if n == 0 || size == 0 {
            return Err(());
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let start: u64 = start.parse().map_err(|_| ())?;
        let end = if end.is_empty() {
            size.saturating_sub(1)
        } else {
            end.parse::<u64>()
                .map_err(|_| ())?
                .min(size.saturating_sub(1))
        };
        if start >= size || end < start {
            return Err(());
        }
        (start, end)
    };
    Ok(Some(range))
}

/// `GET|HEAD /files/{bucket}/{*key}`.
pub async fn object(
    State(state): State<SharedState>,
    method: Method,
    headers: HeaderMap,
    Path((bucket_name, key)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.farm()?;
    let shared = state.clone();
    let lookup_key = key.clone();
    let (bucket, info, disposition) = blocking(move || {
        let farm = shared.farm()?;
        let bucket = farm.bucket(&bucket_name)?;
        let info = bucket
            .head(&lookup_key)
            .map_err(|e| ApiError::bad_request(e.to_string()))?
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no object \"{lookup_key}\" in bucket {bucket_name}"
                ))
            })?;
        let disposition = disposition_of(bucket.as_ref(), &lookup_key);
        Ok((bucket, info, disposition))
    })
    .await?;
    let size = info.size;
    let range = headers.get(header::RANGE).and_then(|h| h.to_str().ok());
    let range = match parse_range(range, size) {
        Ok(range) => range,
        Err(()) => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{size}"))],
                axum::Json(
                    json!({"error": format!("the range is outside the object's {size} bytes")}),
                ),
            )
                .into_response());
        }
    };
    let (status, start, end) = match range {
        Some((start, end)) => (StatusCode::PARTIAL_CONTENT, start, end + 1),
        None => (StatusCode::OK, 0, size),
    };
    let mut response = if method == Method::HEAD {
        Response::new(Body::empty())
    } else {
        Response::new(stream(bucket, key.clone(), start, end))
    };
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&key)),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!("bytes {start}-{}/{size}", end - 1)).expect("ascii"),
        );
    }
    if let Some(disposition) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
        h.insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

/// S3 would store the render's `downloadBehavior` on its output: here it is read from the
/// render's `progress.json`.
fn disposition_of(bucket: &dyn Bucket, key: &str) -> Option<String> {
    let id = key.strip_prefix("renders/")?.split('/').next()?;
    let progress: Value =
        serde_json::from_slice(&bucket.get(&kinema_farm::progress::progress_key(id)).ok()?).ok()?;
    let metadata = &progress["renderMetadata"];
    if metadata["outKey"].as_str() != Some(key) {
        return None;
    }
    let behavior = &metadata["downloadBehavior"];
    if behavior["type"] != json!("download") {
        return None;
    }
    Some(match behavior["fileName"].as_str() {
        Some(name) if !name.contains(['"', '\\', '\r', '\n']) => {
            format!("attachment; filename=\"{name}\"")
        }
        _ => "attachment".to_string(),
    })
}

/// The object's bytes `start..end`, read piece by piece.
fn stream(bucket: Arc<dyn Bucket>, key: String, start: u64, end: u64) -> Body {
    let pieces = futures_util::stream::unfold(start, move |at| {
        let bucket = bucket.clone();
        let key = key.clone();
        async move {
            if at >= end {
                return None;
            }
            let to = (at + PIECE).min(end);
            let piece = tokio::task::spawn_blocking(move || bucket.get_range(&key, at..to))
                .await
                .map_err(std::io::Error::other)
                .and_then(|r| r.map_err(std::io::Error::other));
            match piece {
                Ok(bytes) => Some((Ok::<_, std::io::Error>(bytes), to)),
                Err(e) => Some((Err(e), end)),
            }
        }
    });
    Body::from_stream(pieces)
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    prefix: String,
}

/// `GET /files/{bucket}/?prefix=…`: a folder's objects, as HTML for browsers and JSON
/// otherwise.
pub async fn list(
    State(state): State<SharedState>,
    headers: HeaderMap,
    Path(bucket_name): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    state.farm()?;
    let base = super::api::base(&state, &headers);
    let shared = state.clone();
    let prefix = query.prefix.clone();
    let name = bucket_name.clone();
    let objects = blocking(move || {
        let farm = shared.farm()?;
        let bucket = farm.bucket(&name)?;
        Ok(bucket.list(&prefix)?)
    })
    .await?;
    let listing: Vec<Value> = objects
        .iter()
        .map(|o| {
            json!({
                "key": o.key, "size": o.size, "lastModified": o.last_modified,
                "url": links::object(&base, &bucket_name, &o.key),
            })
        })
        .collect();
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if !wants_html {
        return Ok(axum::Json(json!({
            "bucketName": bucket_name, "prefix": query.prefix, "objects": listing,
        }))
        .into_response());
    }
    let mut html = format!(
        "<!DOCTYPE html><meta charset=utf-8><title>{0}/{1}</title>\
         <style>body{{font:14px system-ui;margin:2em}}td{{padding:2px 12px}}</style>\
         <h1>{0}/{1}</h1><table>",
        escape(&bucket_name),
        escape(&query.prefix)
    );
    for object in &listing {
        html.push_str(&format!(
            "<tr><td><a href=\"{}\">{}</a></td><td>{} bytes</td></tr>",
            escape(object["url"].as_str().unwrap_or("")),
            escape(object["key"].as_str().unwrap_or("")),
            object["size"]
        ));
    }
    html.push_str("</table>");
    Ok(Html(html).into_response())
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(parse_range(None, 100), Ok(None));
        assert_eq!(parse_range(Some("bytes=0-9"), 100), Ok(Some((0, 9))));
        assert_eq!(parse_range(Some("bytes=90-"), 100), Ok(Some((90, 99))));
        assert_eq!(parse_range(Some("bytes=-10"), 100), Ok(Some((90, 99))));
        assert_eq!(parse_range(Some("bytes=-500"), 100), Ok(Some((0, 99))));
        assert_eq!(parse_range(Some("bytes=50-5000"), 100), Ok(Some((50, 99))));
        assert_eq!(parse_range(Some("bytes=100-"), 100), Err(()));
        assert_eq!(parse_range(Some("bytes=9-3"), 100), Err(()));
        assert_eq!(parse_range(Some("bytes=x-3"), 100), Err(()));
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), Ok(None));
        assert_eq!(parse_range(Some("items=0-1"), 100), Ok(None));
    }

    #[test]
    fn content_types_follow_extensions() {
        assert_eq!(content_type("renders/a/out.mp4"), "video/mp4");
        assert_eq!(content_type("renders/a/OUT.JPEG"), "image/jpeg");
        assert_eq!(content_type("renders/a/progress.json"), "application/json");
        assert_eq!(content_type("noextension"), "application/octet-stream");
    }
}
