//! Links into this server: downloads, folders and logs of renders, standing in for S3 and
//! CloudWatch console links in embedded mode.

use axum::http::HeaderMap;

/// `http://host:port` as the client reached us (or the configured public URL).
pub fn base_url(public_url: Option<&str>, headers: &HeaderMap, fallback_host: &str) -> String {
    if let Some(url) = public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or(fallback_host);
    format!("http://{host}")
}

/// Percent-encodes a query value or a path (keeping `/` when `path`).
pub fn encode(text: &str, path: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep =
            byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) || (path && byte == b'/');
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub fn object(base: &str, bucket: &str, key: &str) -> String {
    format!("{base}/files/{bucket}/{}", encode(key, true))
}

pub fn folder(base: &str, bucket: &str, prefix: &str) -> String {
    format!("{base}/files/{bucket}/?prefix={}", encode(prefix, false))
}

pub fn logs(base: &str, bucket: &str, render_id: &str, method: &str) -> String {
    format!("{base}/api/renders/{render_id}/logs?bucketName={bucket}&method={method}")
}

/// An embedded bucket's `file://` URL as a download link of this server.
pub fn rewrite_file_url(url: &str, storage_root: &std::path::Path, base: &str) -> String {
    let root = format!("file://{}/", storage_root.display());
    match url
        .strip_prefix(&root)
        .and_then(|rest| rest.split_once('/'))
    {
        Some((bucket, key)) => object(base, bucket, key),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_point_into_this_server() {
        let mut headers = HeaderMap::new();
        headers.insert("host", "127.0.0.1:8123".parse().unwrap());
        let base = base_url(None, &headers, "localhost:3000");
        assert_eq!(base, "http://127.0.0.1:8123");
        headers.insert("host", "evil.test/<script>".parse().unwrap());
        assert_eq!(base_url(None, &headers, "h:1"), "http://h:1");
        assert_eq!(
            base_url(Some("https://k.example/"), &headers, "h:1"),
            "https://k.example"
        );
        assert_eq!(
            rewrite_file_url(
                "file:///data/buckets/b1/renders/x/out name.mp4",
                "/data/buckets".as_ref(),
                "http://h"
            ),
            "http://h/files/b1/renders/x/out%20name.mp4"
        );
        assert_eq!(
            folder("http://h", "b", "renders/x/"),
            "http://h/files/b/?prefix=renders%2Fx%2F"
        );
    }
}
