//! `POST /2015-03-31/functions/{FunctionName}/invocations`: AWS Lambda's Invoke API for the
//! embedded function, so any AWS SDK drives the embedded farm when its Lambda endpoint points
//! here.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kinema_farm::invoker::{InvocationType, InvokeError, MAX_SYNC_PAYLOAD};
use serde_json::{Value, json};

use super::api::blocking;
use crate::links;
use crate::state::SharedState;

/// An AWS error: the type in `x-amzn-ErrorType`, the message in the body.
fn aws_error(status: StatusCode, kind: &str, message: &str) -> Response {
    let mut response = (
        status,
        axum::Json(json!({"Type": "User", "Message": message, "message": message})),
    )
        .into_response();
    if let Ok(kind) = HeaderValue::from_str(kind) {
        response.headers_mut().insert("x-amzn-ErrorType", kind);
    }
    response
}

/// `name`, `name:qualifier` or `arn:aws:lambda:region:account:function:name[:qualifier]`.
pub fn function_name(text: &str) -> &str {
    let text = match text.strip_prefix("arn:") {
        Some(arn) => arn.splitn(6, ':').nth(5).unwrap_or(""),
        None => text,
    };
    text.split(':').next().unwrap_or(text)
}

pub async fn invoke(
    State(state): State<SharedState>,
    Path(function): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let farm = match state.farm() {
        Ok(farm) => farm,
        Err(error) => return error.into_response(),
    };
    let kind = match headers
        .get("x-amz-invocation-type")
        .map(|v| v.to_str().unwrap_or(""))
    {
        None => InvocationType::RequestResponse,
        Some(text) => match InvocationType::parse(text) {
            Some(kind) => kind,
            None => {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidParameterValueException",
                    &format!(
                        "X-Amz-Invocation-Type \"{text}\" is not one of RequestResponse, Event, DryRun"
                    ),
                );
            }
        },
    };
    let name = function_name(&function).to_string();
    if name != farm.function_name {
        return aws_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!(
                "Function not found: arn:aws:lambda:{}:000000000000:function:{name} (this server \
                 hosts {})",
                state.config.region, farm.function_name
            ),
        );
    }
    // Lambda's own limit, not the API's body limit: a payload just over it still gets
    // Lambda's error type.
    let body = match super::api::read_body(&headers, body, MAX_SYNC_PAYLOAD as u64 + 1).await {
        Ok(body) => body,
        Err(error) if error.status == StatusCode::PAYLOAD_TOO_LARGE => {
            return aws_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLargeException",
                &format!(
                    "Request must be smaller than {MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation"
                ),
            );
        }
        Err(error) => return error.into_response(),
    };
    let payload: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(e) => {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidRequestContentException",
                    &format!("Could not parse request body into json: {e}"),
                );
            }
        }
    };
    let base = super::api::base(&state, &headers);
    let shared = state.clone();
    let result = blocking(move || {
        let farm = shared.farm()?;
        let mut answer = farm.embedded.pool.invoke_as(&name, payload, kind);
        // An embedded bucket's `file://` links (a status's `outputFile`, a still's `output`)
        // become this server's download links, which an SDK client elsewhere can fetch.
        if let Ok(Some(Value::Object(fields))) = &mut answer {
            for value in fields.values_mut() {
                if let Value::String(url) = value {
                    *url = links::rewrite_file_url(url, farm.embedded.storage.root(), &base);
                }
            }
        }
        Ok(answer)
    })
    .await;
    let result = match result {
        Ok(result) => result,
        Err(error) => return error.into_response(),
    };
    let request_id = kinema_farm::util::random_id(16);
    let mut response = match result {
        Ok(Some(payload)) => (StatusCode::OK, axum::Json(payload)).into_response(),
        Ok(None) => match kind {
            InvocationType::Event => StatusCode::ACCEPTED.into_response(),
            _ => StatusCode::NO_CONTENT.into_response(),
        },
        Err(error @ InvokeError::Function { .. }) => {
            let mut response = (
                StatusCode::OK,
                axum::Json(json!({
                    "errorType": error.error_type(),
                    "errorMessage": error.to_string(),
                    "trace": [],
                })),
            )
                .into_response();
            response.headers_mut().insert(
                "x-amz-function-error",
                HeaderValue::from_static("Unhandled"),
            );
            response
        }
        Err(error @ InvokeError::PayloadTooLarge { .. }) => aws_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            error.error_type(),
            &error.to_string(),
        ),
        Err(error @ InvokeError::FunctionNotFound(_)) => aws_error(
            StatusCode::NOT_FOUND,
            error.error_type(),
            &error.to_string(),
        ),
        Err(error @ InvokeError::Unavailable(_)) => aws_error(
            StatusCode::SERVICE_UNAVAILABLE,
            error.error_type(),
            &error.to_string(),
        ),
    };
    let ok = response.status() == StatusCode::OK;
    let h = response.headers_mut();
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        h.insert("x-amzn-requestid", id);
    }
    if ok {
        h.insert(
            "x-amz-executed-version",
            HeaderValue::from_static("$LATEST"),
        );
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_come_bare_qualified_or_as_arns() {
        assert_eq!(function_name("remotion-render-x"), "remotion-render-x");
        assert_eq!(
            function_name("remotion-render-x:$LATEST"),
            "remotion-render-x"
        );
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:123456789012:function:remotion-render-x"),
            "remotion-render-x"
        );
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:123456789012:function:remotion-render-x:3"),
            "remotion-render-x"
        );
    }
}
