//! `ProjectFetcher`: what composition code's `fetch()` reaches, locally and on the farm.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use kinema_compose::{FetchRequest, FetchResponse, Fetcher};
use kinema_paint::fetch::ProjectFetcher;
use kinema_paint::resources::ResourceOptions;

fn get(url: &str) -> FetchRequest {
    FetchRequest {
        url: url.to_string(),
        method: "GET".into(),
        headers: Vec::new(),
        body: None,
        timeout: Duration::from_secs(10),
    }
}

/// A scratch project: `public/data.json`, `public/img/` (a folder) and `secret.txt` beside
/// `public/`.
fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kinema-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("public/img")).unwrap();
    std::fs::write(dir.join("public/data.json"), r#"{"a": 1}"#).unwrap();
    std::fs::write(dir.join("secret.txt"), "secret").unwrap();
    dir
}

fn fetcher(dir: &std::path::Path, allow_files: bool, allow_private: bool) -> ProjectFetcher {
    ProjectFetcher::new(ResourceOptions {
        public_dir: Some(dir.join("public")),
        allow_files,
        allow_private_addresses: allow_private,
        ..ResourceOptions::default()
    })
}

fn content_type(response: &FetchResponse) -> &str {
    &response.headers[0].1
}

#[test]
fn project_files_are_served_from_the_public_folder_only() {
    let dir = project("public");
    let fetcher = fetcher(&dir, false, false);
    let found = fetcher.fetch(get("/static/data.json")).unwrap();
    assert_eq!(
        (found.status, found.body.as_slice()),
        (200, &br#"{"a": 1}"#[..])
    );
    assert_eq!(content_type(&found), "application/json");
    assert_eq!(found.url, "/static/data.json");
    // Missing files, folders and every way out of the folder answer the same 404, whether or
    // not the file outside exists: nothing tells what is on the machine.
    for url in [
        "/static/missing.json",
        "/static/img",
        "/static/",
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/..%2Fsecret.txt",
        "/static//etc/passwd",
        "/static/%2Fetc%2Fpasswd",
        "/static/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    ] {
        let answer = fetcher.fetch(get(url)).unwrap();
        assert_eq!(
            (
                answer.status,
                answer.status_text.as_str(),
                answer.body.len()
            ),
            (404, "Not Found", 0),
            "{url}"
        );
    }
    // data: URLs are decoded in place, with their media type.
    let data = fetcher
        .fetch(get("data:text/csv;base64,YSxiCjEsMg=="))
        .unwrap();
    assert_eq!((data.status, data.body.as_slice()), (200, &b"a,b\n1,2"[..]));
    assert_eq!(content_type(&data), "text/csv");
    // Only GET and HEAD read local URLs.
    let mut post = get("/static/data.json");
    post.method = "POST".into();
    assert!(
        fetcher
            .fetch(post)
            .unwrap_err()
            .contains("only GET and HEAD")
    );
    // file:// URLs where files are allowed (local renders), never on the farm.
    let file = format!("file://{}", dir.join("secret.txt").display());
    assert!(
        fetcher
            .fetch(get(&file))
            .unwrap_err()
            .contains("file:// URLs cannot be read here")
    );
    let local = self::fetcher(&dir, true, true);
    assert_eq!(local.fetch(get(&file)).unwrap().body, b"secret");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A server on 127.0.0.1: `/` answers 200, `/moved` redirects to `/final`, `/final` answers 500
/// with a body, anything else never answers. Its port.
fn server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                let _ = reader.read_line(&mut line);
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                        break;
                    }
                }
                let answer = if line.contains(" /moved ") {
                    "HTTP/1.1 302 Found\r\nLocation: /final\r\nContent-Length: 0\r\n\r\n"
                        .to_string()
                } else if line.contains(" / ") {
                    "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nroot"
                        .to_string()
                } else if line.contains(" /final ") {
                    "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\
                     X-Answer: yes\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops"
                        .to_string()
                } else {
                    std::thread::sleep(Duration::from_secs(30));
                    return;
                };
                let _ = stream.write_all(answer.as_bytes());
            });
        }
    });
    port
}

#[test]
fn remote_answers_are_responses_whatever_their_status() {
    let dir = project("remote");
    let port = server();
    let local = fetcher(&dir, true, true);
    let answer = local
        .fetch(get(&format!("http://127.0.0.1:{port}/moved")))
        .unwrap();
    assert_eq!(
        (
            answer.status,
            answer.status_text.as_str(),
            answer.body.as_slice()
        ),
        (500, "Internal Server Error", &b"oops"[..])
    );
    assert!(answer.redirected);
    assert_eq!(answer.url, format!("http://127.0.0.1:{port}/final"));
    assert!(
        answer
            .headers
            .contains(&("x-answer".to_string(), "yes".to_string())),
        "{:?}",
        answer.headers
    );
    // A URL without a path lands on "/": not a redirect.
    let plain = local
        .fetch(get(&format!("http://127.0.0.1:{port}")))
        .unwrap();
    assert_eq!((plain.status, plain.body.as_slice()), (200, &b"root"[..]));
    assert!(!plain.redirected);
    // The engine's time left for fetching bounds the wait.
    let mut slow = get(&format!("http://127.0.0.1:{port}/slow"));
    slow.timeout = Duration::from_millis(300);
    let started = Instant::now();
    assert!(local.fetch(slow).is_err());
    assert!(started.elapsed() < Duration::from_secs(10));
    // Where private addresses are refused (the farm), loopback is not reached.
    let farm = fetcher(&dir, false, false);
    let refused = farm
        .fetch(get(&format!("http://localhost:{port}/final")))
        .unwrap_err();
    assert!(refused.contains("private address"), "{refused}");
    // Nor with remote URLs off (--offline).
    let offline = ProjectFetcher::new(ResourceOptions {
        allow_remote: false,
        ..ResourceOptions::default()
    });
    let refused = offline
        .fetch(get(&format!("http://127.0.0.1:{port}/final")))
        .unwrap_err();
    assert!(refused.contains("remote URLs are disabled"), "{refused}");
    std::fs::remove_dir_all(&dir).unwrap();
}
