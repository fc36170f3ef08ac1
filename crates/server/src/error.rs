//! The API's errors: `{"error": "…"}` with a status, plus the details a client can act on
//! (the failing fields, the line and column of a compile error).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// One field's problem.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    /// Extra members of the body (`errors`, `line`, `column`, …).
    pub details: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            details: Map::new(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 400 naming every field that is wrong: the message has one sentence per field.
    pub fn fields(errors: Vec<FieldError>) -> ApiError {
        let message = errors
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError::bad_request(message).with("errors", json!(errors))
    }

    pub fn with(mut self, key: &str, value: Value) -> ApiError {
        self.details.insert(key.to_string(), value);
        self
    }

    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("error".into(), Value::String(self.message.clone()));
        body.extend(self.details.clone());
        Value::Object(body)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// The farm's errors: the caller's mistakes are 400s, the rest 500s.
impl From<kinema_farm::FarmError> for ApiError {
    fn from(error: kinema_farm::FarmError) -> ApiError {
        use kinema_farm::FarmError;
        match &error {
            FarmError::InvalidField { .. } | FarmError::Compose(_) | FarmError::Plan(_) => {
                ApiError::bad_request(error.to_string())
            }
            FarmError::NoSuchRender { .. } | FarmError::NoSuchSite(_) => {
                ApiError::not_found(error.to_string())
            }
            FarmError::Bucket(b) if b.is_not_found() => ApiError::not_found(error.to_string()),
            _ => ApiError::internal(error.to_string()),
        }
    }
}

impl From<kinema_farm::BucketError> for ApiError {
    fn from(error: kinema_farm::BucketError) -> ApiError {
        kinema_farm::FarmError::from(error).into()
    }
}
