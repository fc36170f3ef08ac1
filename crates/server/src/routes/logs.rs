//! `GET /api/renders/{renderId}/logs`: a render's lines of the workers' log (CloudWatch's
//! role). Each invocation starts with the grep helper line `method=…,renderId=…`; the lines a
//! worker writes after it belong to that invocation.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::api::blocking;
use crate::error::ApiError;
use crate::request::is_render_id;
use crate::state::SharedState;

#[derive(serde::Deserialize)]
pub struct LogQuery {
    /// `renderer`, `launch`, …: only that routine's invocations.
    method: Option<String>,
}

/// The lines of `log` that belong to render `id` (and routine `method`, when given).
pub fn render_lines(log: &str, id: &str, method: Option<&str>) -> String {
    let mut current: HashMap<&str, bool> = HashMap::new();
    let mut out = String::new();
    for line in log.lines() {
        let Some((worker, text)) = line
            .strip_prefix("[worker ")
            .and_then(|rest| rest.split_once("] "))
        else {
            continue;
        };
        if let Some(helper) = text.strip_prefix("method=")
            && !text.contains(": error: ")
        {
            let mut parts = helper.split(',');
            let routine = parts.next().unwrap_or("");
            let belongs =
                parts.any(|p| p == format!("renderId={id}")) && method.is_none_or(|m| m == routine);
            current.insert(worker, belongs);
        }
        if current.get(worker).copied().unwrap_or(false) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub async fn logs(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Query(query): Query<LogQuery>,
) -> Result<Response, ApiError> {
    if !is_render_id(&id) {
        return Err(ApiError::not_found(format!("\"{id}\" is not a render id")));
    }
    let farm = state.farm()?;
    let Some(path) = farm.log_file.clone() else {
        return Err(ApiError::not_found("this server keeps no worker log"));
    };
    let text = blocking(move || {
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        Ok(render_lines(&log, &id, query.method.as_deref()))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_their_invocation() {
        let log = "[worker 1] method=launch,renderId=aaa,isWarm=false,requestId=r1\n\
                   [worker 2] method=renderer,renderId=bbb,chunk=0,isWarm=false,requestId=r2\n\
                   [worker 1] planned 2 chunks\n\
                   [worker 2] first-frame chunk=0 ms=12 warm=false\n\
                   [worker 1] method=status,renderId=aaaa,isWarm=true,requestId=r3\n\
                   [worker 1] not this one\n";
        assert_eq!(
            render_lines(log, "aaa", None),
            "[worker 1] method=launch,renderId=aaa,isWarm=false,requestId=r1\n\
             [worker 1] planned 2 chunks\n"
        );
        assert_eq!(render_lines(log, "aaa", Some("renderer")), "");
        assert!(render_lines(log, "bbb", Some("renderer")).contains("first-frame"));
    }
}
