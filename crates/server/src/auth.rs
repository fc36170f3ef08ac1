//! The bearer token on API routes. Browsers' download links may carry it as `?token=`, and
//! AWS SDKs as their access key id (`Credential=<token>/…` in a SigV4 `Authorization`).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::SharedState;

/// Whether the request carries `token`.
pub fn authorised(token: &str, authorization: Option<&str>, query: Option<&str>) -> bool {
    let presented = authorization.and_then(|a| {
        a.strip_prefix("Bearer ").map(str::trim).or_else(|| {
            a.strip_prefix("AWS4-HMAC-SHA256 ")
                .and_then(|rest| rest.split("Credential=").nth(1))
                .and_then(|c| c.split('/').next())
        })
    });
    let from_query = query.and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("token=")));
    presented
        .into_iter()
        .chain(from_query)
        .any(|candidate| constant_time_eq(candidate.as_bytes(), token.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn require_token(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(token) = &state.config.token {
        let authorization = request
            .headers()
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if !authorised(token, authorization, request.uri().query()) {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "this server requires a token: send `Authorization: Bearer <token>`",
            )
            .into_response();
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            return response;
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_three_ways() {
        assert!(authorised("t0k", Some("Bearer t0k"), None));
        assert!(!authorised("t0k", Some("Bearer t0"), None));
        assert!(!authorised("t0k", None, None));
        assert!(authorised("t0k", None, Some("a=1&token=t0k")));
        assert!(authorised(
            "t0k",
            Some(
                "AWS4-HMAC-SHA256 Credential=t0k/20261123/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=ab"
            ),
            None
        ));
        assert!(!authorised(
            "t0k",
            Some("AWS4-HMAC-SHA256 Credential=AKIA/20261123/us-east-1/lambda/aws4_request"),
            None
        ));
    }
}
