//! Errors of the farm's routines. Messages name the field, the chunk or the frame.

use crate::bucket::BucketError;
use crate::invoker::InvokeError;

#[derive(Debug, thiserror::Error)]
pub enum FarmError {
    /// A payload field is missing, mistyped or out of range.
    #[error("{field}: {message}")]
    InvalidField { field: String, message: String },
    /// The client and the function speak different protocol versions (reference §10.10).
    #[error(
        "Version mismatch: When calling {routine}, you passed {function} as the function, which \
         has the version {function_version}, but the client you used to invoke the function has \
         version {client_version}. Deploy a function of version {client_version} (or use a \
         client of version {function_version}). See: https://www.remotion.dev/docs/lambda/upgrading"
    )]
    VersionMismatch {
        routine: String,
        function: String,
        function_version: String,
        client_version: String,
    },
    #[error("No render with ID \"{render_id}\" found in bucket {bucket} and region {region}")]
    NoSuchRender {
        render_id: String,
        bucket: String,
        region: String,
    },
    #[error(
        "site \"{0}\" was not found: create it with `kinema sites create <entry> --site-name {0}`"
    )]
    NoSuchSite(String),
    #[error(transparent)]
    Bucket(#[from] BucketError),
    #[error(transparent)]
    Invoke(#[from] InvokeError),
    #[error(transparent)]
    Compose(#[from] kinema_compose::ComposeError),
    #[error(transparent)]
    Paint(#[from] kinema_paint::PaintError),
    #[error(transparent)]
    Encode(#[from] kinema_encode::EncodeError),
    #[error(transparent)]
    Sound(#[from] crate::soundtrack::SoundError),
    #[error(transparent)]
    Plan(#[from] kinema_encode::PlanError),
    #[error("{0}")]
    Render(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl FarmError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> FarmError {
        FarmError::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> FarmError {
        let context = context.into();
        move |source| FarmError::Io { context, source }
    }

    /// The error's name, as JavaScript would report it (`name` in the error shapes).
    pub fn name(&self) -> &'static str {
        match self {
            FarmError::InvalidField { .. } | FarmError::Plan(_) => "TypeError",
            FarmError::NoSuchRender { .. } => "TypeError",
            _ => "Error",
        }
    }
}
