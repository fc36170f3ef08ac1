//! The Invoker seam: calling the farm's function by name with a JSON payload, synchronously
//! (`RequestResponse`) or fire-and-forget (`Event`), with Lambda's limits and error types.

use serde_json::Value;

/// Largest payload of a synchronous invocation (Lambda: 6 MB).
pub const MAX_SYNC_PAYLOAD: usize = 6 * 1024 * 1024;
/// Largest payload of an Event invocation (Lambda: 256 KB).
pub const MAX_EVENT_PAYLOAD: usize = 256 * 1024;

/// How an invocation is made (Lambda's `X-Amz-Invocation-Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum InvocationType {
    RequestResponse,
    Event,
    DryRun,
}

impl InvocationType {
    pub fn parse(text: &str) -> Option<InvocationType> {
        match text {
            "RequestResponse" => Some(InvocationType::RequestResponse),
            "Event" => Some(InvocationType::Event),
            "DryRun" => Some(InvocationType::DryRun),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum InvokeError {
    /// No function of that name (Lambda's `ResourceNotFoundException`).
    #[error("Function not found: {0}")]
    FunctionNotFound(String),
    /// The payload is over Lambda's limit for the invocation type.
    #[error("Payload is too big: {size} bytes. Maximum size is {limit} bytes.")]
    PayloadTooLarge { size: usize, limit: usize },
    /// The function ran but failed outside its handler: it crashed, timed out or raised
    /// (what Lambda reports with `X-Amz-Function-Error`).
    #[error("{message}")]
    Function { error_type: String, message: String },
    /// The invoker cannot run anything (shut down, or the worker cannot start).
    #[error("the function could not be invoked: {0}")]
    Unavailable(String),
}

impl InvokeError {
    /// Lambda's `errorType` for this failure.
    pub fn error_type(&self) -> &str {
        match self {
            InvokeError::FunctionNotFound(_) => "ResourceNotFoundException",
            InvokeError::PayloadTooLarge { .. } => "RequestEntityTooLargeException",
            InvokeError::Function { error_type, .. } => error_type,
            InvokeError::Unavailable(_) => "ServiceException",
        }
    }
}

/// Calls functions by name.
pub trait Invoker: Send + Sync {
    /// Runs the function and waits for its response payload.
    fn invoke(&self, function: &str, payload: Value) -> Result<Value, InvokeError>;
    /// Queues the function to run and returns at once; it is never dropped.
    fn invoke_event(&self, function: &str, payload: Value) -> Result<(), InvokeError>;
}

/// Checks a payload against the limit of its invocation type.
pub fn check_payload_size(payload: &Value, kind: InvocationType) -> Result<usize, InvokeError> {
    let size = serde_json::to_vec(payload).map(|v| v.len()).unwrap_or(0);
    let limit = match kind {
        InvocationType::Event => MAX_EVENT_PAYLOAD,
        _ => MAX_SYNC_PAYLOAD,
    };
    if size > limit {
        return Err(InvokeError::PayloadTooLarge { size, limit });
    }
    Ok(size)
}
