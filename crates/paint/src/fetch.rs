//! The answer to composition code's `fetch()` ([`kinema_compose::fetch`]), with the reach a
//! frame's images have ([`ResourceOptions`]):
//! - `/static/…` (what `staticFile()` returns) and other project-relative URLs read the
//!   `public/` folder, never outside it; a file that is not there is a 404 response, as a
//!   server of the folder would answer;
//! - `data:` URLs are decoded in place; `file://` URLs read this machine's files where allowed;
//! - `http(s)://` URLs are requested with the code's method, headers and body, within the
//!   time and size limits; any status is an answer (a 500 is a response, not an error); where
//!   private addresses are refused (the render farm), from public addresses only, redirects
//!   included ([`crate::public_hosts`]).
//!
//! Nothing is cached: code that fetches data expects the data as it is now.

use blitz_traits::net::Url;
use kinema_compose::fetch::status_text;
use kinema_compose::{FetchRequest, FetchResponse, Fetcher};
use ureq::ResponseExt;

use crate::resources::{
    BASE_URL, ResourceLoader, ResourceOptions, content_type, decode_data_url, read_body,
    remote_agent,
};

/// Answers `fetch()` as a project's frames load their resources.
pub struct ProjectFetcher {
    loader: ResourceLoader,
}

impl ProjectFetcher {
    pub fn new(options: ResourceOptions) -> ProjectFetcher {
        ProjectFetcher {
            loader: ResourceLoader::new(options),
        }
    }
}

impl Fetcher for ProjectFetcher {
    fn fetch(&self, request: FetchRequest) -> Result<FetchResponse, String> {
        let base = Url::parse(BASE_URL).expect("the base URL parses");
        let url = base
            .join(&request.url)
            .map_err(|e| format!("invalid URL: {e}"))?;
        match url.scheme() {
            "http" | "https" => self.remote(&url, request),
            "data" | "kinema" | "file" => {
                if request.method != "GET" && request.method != "HEAD" {
                    return Err(format!(
                        "{} requests cannot read {}: URLs, only GET and HEAD",
                        request.method,
                        url.scheme()
                    ));
                }
                self.local(&url, &request.url)
            }
            other => Err(format!("unsupported URL scheme \"{other}:\"")),
        }
    }
}

impl ProjectFetcher {
    fn local(&self, url: &Url, given: &str) -> Result<FetchResponse, String> {
        let answer = |status: u16, content_type: &str, body: Vec<u8>| FetchResponse {
            url: given.to_string(),
            redirected: false,
            status,
            status_text: status_text(status).to_string(),
            headers: vec![("content-type".to_string(), content_type.to_string())],
            body,
        };
        if url.scheme() == "data" {
            let body = decode_data_url(url.as_str())?;
            return Ok(answer(200, &data_url_type(url.as_str()), body.to_vec()));
        }
        let path = if url.scheme() == "kinema" {
            match self.loader.public_file(url) {
                Some(path) => path,
                // What a server of the folder answers; outside it, the same.
                None => return Ok(answer(404, "text/plain; charset=utf-8", Vec::new())),
            }
        } else {
            self.loader
                .local_file(url)
                .unwrap_or_else(|| Err("not a local file".to_string()))?
        };
        let body = self.loader.read_file(&path)?;
        let name = path.to_string_lossy();
        Ok(answer(200, content_type(&name), body.to_vec()))
    }

    fn remote(&self, url: &Url, request: FetchRequest) -> Result<FetchResponse, String> {
        let options = self.loader.options();
        if !options.allow_remote {
            return Err("remote URLs are disabled for this render".to_string());
        }
        let timeout = options.remote_timeout.min(request.timeout);
        let agent = remote_agent(options, timeout, false);
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(url.as_str());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let invalid = |e: ureq::http::Error| format!("invalid request: {e}");
        let response = match request.body {
            Some(body) => agent.run(builder.body(body).map_err(invalid)?),
            None => agent.run(builder.body(()).map_err(invalid)?),
        }
        .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status();
        let final_url = response.get_uri().to_string();
        // Compared as parsed URLs: `https://host` and `https://host/` are one.
        let redirected = Url::parse(&final_url).map_or(true, |landed| landed != *url);
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_string(), value)
            })
            .collect();
        let body = read_body(response.into_body(), options)?;
        Ok(FetchResponse {
            url: final_url,
            redirected,
            status: status.as_u16(),
            status_text: status.canonical_reason().unwrap_or("").to_string(),
            headers,
            body,
        })
    }
}

/// The media type a `data:` URL declares (`text/plain;charset=US-ASCII` when none).
fn data_url_type(url: &str) -> String {
    let header = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split(',').next())
        .unwrap_or("");
    let media = header.trim_end_matches(";base64");
    if media.is_empty() {
        "text/plain;charset=US-ASCII".to_string()
    } else {
        media.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_name_their_media_type() {
        assert_eq!(
            data_url_type("data:application/json,{}"),
            "application/json"
        );
        assert_eq!(data_url_type("data:text/csv;base64,YSxi"), "text/csv");
        assert_eq!(data_url_type("data:,hi"), "text/plain;charset=US-ASCII");
    }
}
