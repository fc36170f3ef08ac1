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

/// Key of uploaded resolved props (what `calculateMetadata` made of the input props, which the
/// launch hands to every renderer).
pub fn resolved_props_key(hash: &str) -> String {
    format!("resolved-props/{hash}.json")
}

/// Which props an upload holds, and so where it lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropsKind {
    Input,
    Resolved,
}

impl PropsKind {
    fn key(self, hash: &str) -> String {
        match self {
            PropsKind::Input => input_props_key(hash),
            PropsKind::Resolved => resolved_props_key(hash),
        }
    }

    fn field(self) -> &'static str {
        match self {
            PropsKind::Input => "inputProps",
            PropsKind::Resolved => "resolvedProps",
        }
    }
}

impl SerializedInputProps {
    /// Serialises input props, uploading them to `bucket` when over `limit` bytes.
    pub fn serialize(
        props: &Value,
        bucket: &dyn Bucket,
        limit: usize,
    ) -> Result<SerializedInputProps, FarmError> {
        let text = serde_json::to_string(props).unwrap_or_else(|_| "{}".into());
        Self::from_text(text, PropsKind::Input, bucket, limit)
    }

    /// Props already serialised (`text`), uploaded to `bucket` as `kind` when over `limit`
    /// bytes.
    pub fn from_text(
        text: String,
        kind: PropsKind,
        bucket: &dyn Bucket,
        limit: usize,
    ) -> Result<SerializedInputProps, FarmError> {
        if text.len() <= limit {
            return Ok(SerializedInputProps::Payload { payload: text });
        }
        tracing::warn!(
            "The props are over {}KB ({}KB) in size. Uploading them to the bucket to stay under \
             the function's payload limit.",
            limit / 1000,
            text.len() / 1024
        );
        // A random name, as Remotion's JS client and launch give one: two renders of the same
        // props must not share an upload, which the first to finish deletes.
        let hash = crate::util::random_id(10);
        bucket.put(&kind.key(&hash), text.as_bytes(), &PutOptions::default())?;
        Ok(SerializedInputProps::BucketUrl {
            hash,
            bucket_name: bucket.name().to_string(),
        })
    }

    /// The input props as JSON, downloading them if they were uploaded.
    pub fn resolve(&self, storage: &dyn crate::bucket::Storage) -> Result<Value, FarmError> {
        let text = self.text(PropsKind::Input, storage)?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| FarmError::field("inputProps.payload", format!("not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err(FarmError::field("inputProps", "must be a JSON object"));
        }
        Ok(value)
    }

    /// The serialised props of `kind`, downloaded if they were uploaded.
    pub fn text(
        &self,
        kind: PropsKind,
        storage: &dyn crate::bucket::Storage,
    ) -> Result<String, FarmError> {
        match self {
            SerializedInputProps::Payload { payload } => Ok(payload.clone()),
            SerializedInputProps::BucketUrl { hash, bucket_name } => {
                let bytes = storage.bucket(bucket_name)?.get(&kind.key(hash))?;
                String::from_utf8(bytes)
                    .map_err(|_| FarmError::field(kind.field(), "the uploaded props are not UTF-8"))
            }
        }
    }

    /// How many bytes these props add to a payload: the JSON string's, or the hash's where
    /// uploaded.
    pub fn payload_len(&self) -> usize {
        match self {
            SerializedInputProps::Payload { payload } => payload.len(),
            SerializedInputProps::BucketUrl { hash, .. } => hash.len(),
        }
    }

    /// The uploaded object of `kind` to delete after the render, if any.
    pub fn uploaded_as(&self, kind: PropsKind) -> Option<(&str, String)> {
        match self {
            SerializedInputProps::BucketUrl { hash, bucket_name } => {
                Some((bucket_name.as_str(), kind.key(hash)))
            }
            SerializedInputProps::Payload { .. } => None,
        }
    }

    /// The uploaded input props to delete after the render, if any.
    pub fn uploaded(&self) -> Option<(&str, String)> {
        self.uploaded_as(PropsKind::Input)
    }
}
