//! Input props on the wire (reference §2.2): inline as a JSON string, or uploaded to the bucket
//! when they would push the payload over Lambda's limit.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::bucket::{Bucket, PutOptions};
use crate::error::FarmError;

/// Room left in a payload for everything but the props (5000 + the webhook's custom data).
pub const MARGIN: usize = 5000 + 1024;
/// Props larger than this are uploaded (video renders).
pub const VIDEO_LIMIT: usize = 200_000 - MARGIN;
/// Props larger than this are uploaded (stills).
pub const STILL_LIMIT: usize = 5_000_000 - MARGIN;

/// `{type:'payload', payload}` or `{type:'bucket-url', hash, bucketName}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum SerializedInputProps {
    Payload {
        payload: String,
    },
    BucketUrl {
        hash: String,
        #[serde(rename = "bucketName")]
        bucket_name: String,
    },
}

impl Default for SerializedInputProps {
    fn default() -> Self {
        SerializedInputProps::Payload {
            payload: "{}".into(),
        }
    }
}

/// Key of uploaded input props.
pub fn input_props_key(hash: &str) -> String {
    format!("input-props/{hash}.json")
}

impl SerializedInputProps {
    /// Serialises props, uploading them to `bucket` when over `limit` bytes.
    pub fn serialize(
        props: &Value,
        bucket: &dyn Bucket,
        limit: usize,
    ) -> Result<SerializedInputProps, FarmError> {
        let text = serde_json::to_string(props).unwrap_or_else(|_| "{}".into());
        if text.len() <= limit {
            return Ok(SerializedInputProps::Payload { payload: text });
        }
        tracing::warn!(
            "The props are over {}KB ({}KB) in size. Uploading them to the bucket to stay under \
             the function's payload limit.",
            limit / 1000,
            text.len() / 1024
        );
        let hash = crate::util::sha256_hex(text.as_bytes());
        bucket.put(
            &input_props_key(&hash),
            text.as_bytes(),
            &PutOptions::default(),
        )?;
        Ok(SerializedInputProps::BucketUrl {
            hash,
            bucket_name: bucket.name().to_string(),
        })
    }

    /// The props as JSON, downloading them if they were uploaded.
    pub fn resolve(&self, storage: &dyn crate::bucket::Storage) -> Result<Value, FarmError> {
        let text = match self {
            SerializedInputProps::Payload { payload } => payload.clone(),
            SerializedInputProps::BucketUrl { hash, bucket_name } => {
                let bytes = storage.bucket(bucket_name)?.get(&input_props_key(hash))?;
                String::from_utf8(bytes).map_err(|_| {
                    FarmError::field("inputProps", "the uploaded props are not UTF-8")
                })?
            }
        };
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| FarmError::field("inputProps.payload", format!("not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err(FarmError::field("inputProps", "must be a JSON object"));
        }
        Ok(value)
    }

    /// The uploaded object to delete after the render, if any.
    pub fn uploaded(&self) -> Option<(&str, String)> {
        match self {
            SerializedInputProps::BucketUrl { hash, bucket_name } => {
                Some((bucket_name.as_str(), input_props_key(hash)))
            }
            SerializedInputProps::Payload { .. } => None,
        }
    }
}
