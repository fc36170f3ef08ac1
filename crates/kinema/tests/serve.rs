//! `kinema serve` end to end: a real server process with its worker processes, driven over
//! HTTP like the template's front end, an AWS SDK or a browser would. Responses are checked
//! against the server's own OpenAPI document.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const KINEMA: &str = env!("CARGO_BIN_EXE_kinema");

/// A `kinema serve` in a fresh folder, stopped (SIGTERM, then waited for) on drop.
struct Server {
    child: Child,
    url: String,
    info: Value,
    dir: PathBuf,
    agent: ureq::Agent,
    token: Option<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn start(name: &str, env: &[(&str, &str)]) -> Server {
    start_with_args(name, env, &[]).expect("the server starts")
}

fn start_with_args(name: &str, env: &[(&str, &str)], args: &[&str]) -> Result<Server, String> {
    let dir = std::env::temp_dir().join(format!("kinema-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(KINEMA);
    command
        .args(["serve", "--port", "0", "--json"])
        .args(args)
        .current_dir(&dir)
        .env("KINEMA_STORAGE", dir.join("buckets"))
        .env_remove("KINEMA_TOKEN")
        .env_remove("KINEMA_BACKEND")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    if line.is_empty() {
        let output = child.wait_with_output().unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let info: Value = serde_json::from_str(&line).unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    Ok(Server {
        child,
        url: info["url"].as_str().unwrap().to_string(),
        info,
        dir,
        agent,
        token: None,
    })
}

impl Server {
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.url)
        };
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(token) = &self.token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder.body(body.to_vec()).unwrap();
        let mut response = self.agent.run(request).unwrap();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(100 << 20)
            .read_to_vec()
            .unwrap();
        Reply {
            status,
            headers,
            body,
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        self.request(
            "POST",
            path,
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        )
    }

    fn bucket(&self) -> &str {
        self.info["bucketName"].as_str().unwrap()
    }

    fn function(&self) -> &str {
        self.info["functionName"].as_str().unwrap()
    }

    /// Keys under `renders/` in the server's bucket.
    fn render_objects(&self) -> Vec<String> {
        let listing = self
            .get(&format!("/files/{}/?prefix=renders/", self.bucket()))
            .json();
        listing["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["key"].as_str().unwrap().to_string())
            .collect()
    }
}

fn documented_request() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/api/render-request.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn props(code: &str, frames: u32) -> Value {
    json!({"code": code, "durationInFrames": frames, "fps": 30, "width": 320, "height": 180})
}

const SIMPLE: &str = "import {AbsoluteFill, useCurrentFrame} from 'remotion';\n\
    export const A = () => {\n  const frame = useCurrentFrame();\n  \
    return <AbsoluteFill style={{backgroundColor: 'teal', color: 'white'}}>{frame}</AbsoluteFill>;\n};\n";

// ---- OpenAPI: a validator for the subset of JSON Schema the document uses -----------------

struct OpenApi(Value);

impl OpenApi {
    fn load(server: &Server) -> OpenApi {
        let reply = server.get("/api/openapi.json");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let doc = reply.json();
        assert_eq!(doc["openapi"], "3.1.0");
        OpenApi(doc)
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let mut node = &self.0;
                for part in reference.trim_start_matches("#/").split('/') {
                    node = &node[part];
                }
                assert!(!node.is_null(), "dangling $ref {reference}");
                self.resolve(node)
            }
            None => schema,
        }
    }

    fn errors(&self, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
            let matching = options
                .iter()
                .filter(|o| {
                    let mut e = Vec::new();
                    self.errors(o, value, at, &mut e);
                    e.is_empty()
                })
                .count();
            if matching != 1 {
                out.push(format!("{at}: matches {matching} of oneOf"));
            }
            return;
        }
        if let Some(constant) = schema.get("const")
            && constant != value
        {
            out.push(format!("{at}: {value} is not {constant}"));
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            out.push(format!("{at}: {value} is not one of {options:?}"));
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.is_empty() {
            let actual = match value {
                Value::Null => "null",
                Value::Bool(_) => "boolean",
                Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                Value::Number(_) => "number",
                Value::String(_) => "string",
                Value::Array(_) => "array",
                Value::Object(_) => "object",
            };
            let ok = types
                .iter()
                .any(|t| *t == actual || (*t == "number" && actual == "integer"));
            if !ok {
                out.push(format!("{at}: {actual} is not {types:?}"));
                return;
            }
        }
        if let Some(n) = value.as_f64() {
            if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
                && n < min
            {
                out.push(format!("{at}: {n} < {min}"));
            }
            if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
                && n > max
            {
                out.push(format!("{at}: {n} > {max}"));
            }
        }
        if let Value::Object(map) = value {
            for required in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = required.as_str().unwrap();
                if !map.contains_key(key) {
                    out.push(format!("{at}: missing {key}"));
                }
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (key, sub) in properties {
                    if let Some(v) = map.get(key) {
                        self.errors(sub, v, &format!("{at}.{key}"), out);
                    }
                }
            }
        }
        if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
            for (i, item) in items.iter().enumerate() {
                self.errors(item_schema, item, &format!("{at}[{i}]"), out);
            }
        }
    }

    /// Checks a reply against the document's response for this route and status.
    fn check(&self, path: &str, method: &str, reply: &Reply) {
        let operation = &self.0["paths"][path][method];
        assert!(
            operation.is_object(),
            "{method} {path} is not in the document"
        );
        let response = self.resolve(&operation["responses"][reply.status.to_string()]);
        assert!(
            response.is_object(),
            "{method} {path} answered {} which is not documented",
            reply.status
        );
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return;
        };
        let content_type = reply.header("content-type").unwrap_or("");
        let media = content
            .iter()
            .find(|(t, _)| {
                *t == "*/*" || content_type.starts_with(t.split(';').next().unwrap_or(t))
            })
            .unwrap_or_else(|| {
                panic!(
                    "{method} {path} {}: {content_type} not documented",
                    reply.status
                )
            });
        if let Some(schema) = media.1.get("schema") {
            let mut errors = Vec::new();
            self.errors(schema, &reply.json(), "body", &mut errors);
            assert!(
                errors.is_empty(),
                "{method} {path} {}: {errors:?}",
                reply.status
            );
        }
    }

    fn operations(&self) -> BTreeSet<(String, String)> {
        let mut all = BTreeSet::new();
        for (path, item) in self.0["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                all.insert((method.clone(), path.clone()));
            }
        }
        all
    }
}

fn poll_until_done(server: &Server, api: &OpenApi, id: &str, bucket: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut last = 0.0;
    loop {
        let reply = server.post(
            "/api/lambda/progress",
            &json!({"id": id, "bucketName": bucket}),
        );
        assert_eq!(reply.status, 200);
        api.check("/api/lambda/progress", "post", &reply);
        let body = reply.json();
        match body["type"].as_str().unwrap() {
            "progress" => {
                let p = body["progress"].as_f64().unwrap();
                assert!(p >= last && (0.03..=1.0).contains(&p), "{p} after {last}");
                last = p;
            }
            "done" => return body,
            other => panic!("render ended with {other}: {body}"),
        }
        assert!(Instant::now() < deadline, "render {id} did not finish");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn ffprobe(path: &Path) -> Value {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=codec_name,width,height,nb_read_frames,r_frame_rate:format=duration,format_name"])
        .args(["-of", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_documented_request_renders_a_video() {
    let server = start("render", &[]);
    let api = OpenApi::load(&server);
    let request = documented_request();
    let reply = server.post("/api/lambda/render", &request);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    api.check("/api/lambda/render", "post", &reply);
    let started = reply.json();
    let id = started["renderId"].as_str().unwrap().to_string();
    let bucket = started["bucketName"].as_str().unwrap().to_string();
    assert_eq!(bucket, server.bucket());
    assert!(id.len() == 10, "{id}");
    for link in [
        "cloudWatchLogs",
        "folderInS3Console",
        "progressJsonInConsole",
    ] {
        assert!(
            started[link].as_str().unwrap().starts_with(&server.url),
            "{link} points into this server: {started}"
        );
    }

    let done = poll_until_done(&server, &api, &id, &bucket);
    let url = done["url"].as_str().unwrap();
    assert!(url.starts_with(&server.url), "{url}");

    // The download: type, length, disposition, then the bytes decode to the right video.
    let video = server.get(url);
    assert_eq!(video.status, 200);
    api.check("/files/{bucket}/{key}", "get", &video);
    assert_eq!(video.header("content-type"), Some("video/mp4"));
    assert_eq!(
        video.header("content-length"),
        Some(video.body.len().to_string().as_str())
    );
    assert_eq!(done["size"], json!(video.body.len()));
    assert_eq!(
        video.header("content-disposition"),
        Some("attachment; filename=\"video.mp4\"")
    );
    let file = server.dir.join("video.mp4");
    std::fs::write(&file, &video.body).unwrap();
    let probe = ffprobe(&file);
    let stream = &probe["streams"][0];
    assert_eq!(stream["codec_name"], "h264", "{probe}");
    assert_eq!(
        (stream["width"].clone(), stream["height"].clone()),
        (json!(640), json!(360))
    );
    assert_eq!(stream["nb_read_frames"], "90", "{probe}");
    assert_eq!(stream["r_frame_rate"], "30/1");
    let duration: f64 = probe["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((duration - 3.0).abs() < 0.05, "{duration}");
    let decode = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&file)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(decode.status.success() && decode.stderr.is_empty());

    // Ranges and HEAD.
    let part = server.request("GET", url, &[("range", "bytes=100-199")], b"");
    assert_eq!(part.status, 206);
    api.check("/files/{bucket}/{key}", "get", &part);
    assert_eq!(part.body, video.body[100..200]);
    let size = video.body.len();
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 100-199/{size}").as_str())
    );
    let tail = server.request("GET", url, &[("range", "bytes=-10")], b"");
    assert_eq!(tail.body, video.body[size - 10..]);
    let outside = server.request("GET", url, &[("range", &format!("bytes={size}-"))], b"");
    assert_eq!(outside.status, 416);
    assert_eq!(
        outside.header("content-range"),
        Some(format!("bytes */{size}").as_str())
    );
    let head = server.request("HEAD", url, &[], b"");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(size.to_string().as_str())
    );

    // The full progress object, the logs and the folder the links point at.
    let full = server.get(&format!("/api/lambda/progress/{id}?bucketName={bucket}"));
    assert_eq!(full.status, 200);
    api.check("/api/lambda/progress/{renderId}", "get", &full);
    let full = full.json();
    assert_eq!(full["done"], true);
    assert_eq!(full["overallProgress"], 1.0);
    assert_eq!(full["framesRendered"], 90);
    assert_eq!(full["outputFile"], done["url"]);
    assert_eq!(full["renderMetadata"]["compositionId"], "DynamicComp");
    assert_eq!(full["renderMetadata"]["framesPerLambda"], 60);
    assert_eq!(full["renderMetadata"]["codec"], "h264");
    assert_eq!(full["chunks"], 2);
    let logs = server.get(started["cloudWatchLogs"].as_str().unwrap());
    assert_eq!(logs.status, 200);
    let logs = String::from_utf8(logs.body).unwrap();
    assert!(
        logs.contains(&format!("method=renderer,renderId={id},chunk=1")),
        "{logs}"
    );
    assert!(!logs.contains("method=launch"), "{logs}");
    let main_logs = server.get(started["cloudWatchMainLogs"].as_str().unwrap());
    assert!(
        String::from_utf8(main_logs.body)
            .unwrap()
            .contains("method=launch")
    );
    let folder = server.get(started["folderInS3Console"].as_str().unwrap());
    api.check("/files/{bucket}/", "get", &folder);
    let keys: Vec<String> = folder.json()["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["key"].as_str().unwrap().to_string())
        .collect();
    assert!(keys.contains(&format!("renders/{id}/out.mp4")), "{keys:?}");
    let html = server.request(
        "GET",
        started["folderInS3Console"].as_str().unwrap(),
        &[("accept", "text/html")],
        b"",
    );
    assert!(
        String::from_utf8(html.body)
            .unwrap()
            .contains("out.mp4</a>")
    );

    // A still of the same code, downloadable as PNG.
    let mut still = request.clone();
    still["frame"] = json!(45);
    let reply = server.post("/api/lambda/still", &still);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    api.check("/api/lambda/still", "post", &reply);
    let still = reply.json();
    let png = server.get(still["url"].as_str().unwrap());
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert_eq!(still["size"], json!(png.body.len()));
    let image = image::load_from_memory(&png.body).unwrap();
    assert_eq!((image.width(), image.height()), (640, 360));

    // A preview answers with the image itself and keeps nothing.
    let before = server.render_objects().len();
    let mut preview = request.clone();
    preview["frame"] = json!(10);
    preview["scale"] = json!(0.5);
    let reply = server.post("/api/preview", &preview);
    assert_eq!(reply.status, 200);
    api.check("/api/preview", "post", &reply);
    assert_eq!(reply.header("content-type"), Some("image/jpeg"));
    let image = image::load_from_memory(&reply.body).unwrap();
    assert_eq!((image.width(), image.height()), (320, 180));
    assert_eq!(server.render_objects().len(), before);

    let health = server.get("/healthz");
    api.check("/healthz", "get", &health);
    assert_eq!(health.json()["farm"]["functionName"], server.function());
    let studio = server.get("/");
    api.check("/", "get", &studio);
    assert!(
        String::from_utf8(studio.body)
            .unwrap()
            .contains("Kinema Studio")
    );
    for asset in ["/studio/app.js", "/studio/app.css"] {
        assert_eq!(server.get(asset).status, 200, "{asset}");
    }
}

#[test]
fn bad_requests_are_refused_before_any_render() {
    let server = start("errors", &[("KINEMA_BODY_LIMIT", "64KB")]);
    let api = OpenApi::load(&server);
    let render = |body: &[u8]| {
        let reply = server.request(
            "POST",
            "/api/lambda/render",
            &[("content-type", "application/json")],
            body,
        );
        api.check("/api/lambda/render", "post", &reply);
        (reply.status, reply.json())
    };
    let (status, body) = render(b"{\"inputProps\": {\"code\": ");
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON at line 1"),
        "{body}"
    );
    let (status, body) = render(b"{}");
    assert_eq!(
        (status, body["error"].as_str().unwrap()),
        (
            400,
            "inputProps is required (an object with code, durationInFrames and fps)"
        )
    );
    let (status, body) = render(br#"{"inputProps": {"durationInFrames": 0, "fps": "30"}}"#);
    assert_eq!(status, 400);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "inputProps.code",
            "inputProps.durationInFrames",
            "inputProps.fps"
        ]
    );
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("inputProps.fps must be a number, got a string")
    );

    let broken = json!({"inputProps": props("export const A = () => {\n  const x = ;\n  return null;\n};\n", 30)});
    let (status, body) = render(broken.to_string().as_bytes());
    assert_eq!(status, 400);
    assert_eq!(
        (body["line"].clone(), body["column"].clone()),
        (json!(2), json!(13)),
        "{body}"
    );
    assert!(
        body["error"].as_str().unwrap().ends_with("(line 2:13)"),
        "{body}"
    );
    let throws =
        json!({"inputProps": props("export const A = () => {\n  return nothing.here;\n};\n", 30)});
    let (status, body) = render(throws.to_string().as_bytes());
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("ReferenceError"),
        "{body}"
    );
    assert_eq!(body["line"], 2);

    let huge = json!({"inputProps": props(&"x".repeat(70_000), 30)});
    let (status, body) = render(huge.to_string().as_bytes());
    assert_eq!(status, 413);
    assert!(
        body["error"].as_str().unwrap().contains("65536 bytes"),
        "{body}"
    );

    // None of it started a render.
    assert_eq!(server.render_objects(), Vec::<String>::new());

    let progress = server.post(
        "/api/lambda/progress",
        &json!({"id": "abcdefghij", "bucketName": server.bucket()}),
    );
    assert_eq!(progress.status, 404);
    api.check("/api/lambda/progress", "post", &progress);
    assert_eq!(
        progress.json()["error"],
        format!(
            "No render with ID \"abcdefghij\" found in bucket {}",
            server.bucket()
        )
    );
    let progress = server.post(
        "/api/lambda/progress",
        &json!({"id": "abcdefghij", "bucketName": "remotionlambda-nowhere"}),
    );
    assert_eq!(progress.status, 404);
    let progress = server.post("/api/lambda/progress", &json!({"bucketName": 5}));
    assert_eq!(progress.status, 400);
    assert_eq!(
        progress.json()["error"],
        "id is required (a string); bucketName must be a non-empty string, got a number"
    );
    let full = server.get("/api/lambda/progress/abcdefghij");
    assert_eq!(full.status, 404);
    api.check("/api/lambda/progress/{renderId}", "get", &full);
    let missing = server.get(&format!("/files/{}/renders/nope/out.mp4", server.bucket()));
    assert_eq!(missing.status, 404);
    api.check("/files/{bucket}/{key}", "get", &missing);
    let escape = server.get(&format!("/files/{}/..%2F..%2Fsecret", server.bucket()));
    assert!(
        escape.status == 400 || escape.status == 404,
        "{}",
        escape.status
    );
    let unknown = server.get("/api/nothing");
    assert_eq!(
        (unknown.status, unknown.json()["error"].clone()),
        (404, json!("no route for GET /api/nothing"))
    );
    let still = server.post(
        "/api/lambda/still",
        &json!({"inputProps": props(SIMPLE, 30), "frame": 30}),
    );
    assert_eq!(still.status, 400);
    api.check("/api/lambda/still", "post", &still);
    assert!(
        still.json()["error"]
            .as_str()
            .unwrap()
            .contains("frames 0 to 29")
    );
}

/// The Invoke API runs the routines exactly as a Lambda client's invocations would.
#[test]
fn the_invoke_api_drives_start_and_status() {
    let server = start("invoke", &[]);
    let api = OpenApi::load(&server);
    let invoke_path = "/2015-03-31/functions/{FunctionName}/invocations";
    let invoke = |function: &str, kind: Option<&str>, payload: &Value| {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(kind) = kind {
            headers.push(("x-amz-invocation-type", kind));
        }
        let reply = server.request(
            "POST",
            &format!("/2015-03-31/functions/{function}/invocations"),
            &headers,
            payload.to_string().as_bytes(),
        );
        api.check(invoke_path, "post", &reply);
        reply
    };
    let function = server.function().to_string();
    let version = server.info["functionName"].as_str().unwrap();
    assert!(version.starts_with("remotion-render-"));
    let info = invoke(&function, None, &json!({"type": "info"}));
    assert_eq!(info.status, 200);
    assert_eq!(info.header("x-amz-executed-version"), Some("$LATEST"));
    let protocol = info.json()["version"].as_str().unwrap().to_string();

    let start_payload = json!({
        "type": "start", "version": protocol, "serveUrl": "my-next-app", "composition": "DynamicComp",
        "codec": "h264", "framesPerLambda": 10, "bucketName": server.bucket(),
        "inputProps": {"type": "payload", "payload": props(SIMPLE, 30).to_string()},
    });
    let arn = format!("arn:aws:lambda:us-east-1:123456789012:function:{function}");
    let started = invoke(&arn, Some("RequestResponse"), &start_payload).json();
    assert_eq!(started["type"], "success", "{started}");
    let id = started["renderId"].as_str().unwrap().to_string();
    let status_payload = json!({"type": "status", "version": protocol, "bucketName": server.bucket(), "renderId": id});
    let deadline = Instant::now() + Duration::from_secs(120);
    let progress = loop {
        let reply = invoke(&function, None, &status_payload);
        assert_eq!(reply.status, 200);
        let progress = reply.json();
        if progress["done"] == true {
            break progress;
        }
        assert_eq!(progress["fatalErrorEncountered"], false, "{progress}");
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(200));
    };
    // The same routine behind the progress route (which only swaps the file URL for a link).
    let route = server
        .get(&format!(
            "/api/lambda/progress/{id}?bucketName={}",
            server.bucket()
        ))
        .json();
    for field in [
        "renderId",
        "chunks",
        "framesRendered",
        "outputSizeInBytes",
        "outKey",
        "errors",
        "lambdasInvoked",
        "renderMetadata",
        "timeToFinish",
    ] {
        assert_eq!(progress[field], route[field], "{field}");
    }
    assert_eq!(progress["chunks"], 3);
    // The embedded bucket's file:// link becomes this server's download link, which a client
    // on another machine can fetch, as from the progress route.
    assert_eq!(progress["outputFile"], route["outputFile"]);
    assert!(
        progress["outputFile"]
            .as_str()
            .unwrap()
            .starts_with("http://"),
        "{progress}"
    );

    assert_eq!(
        invoke(&function, Some("Event"), &json!({"type": "info"})).status,
        202
    );
    assert_eq!(
        invoke(&function, Some("DryRun"), &json!({"type": "info"})).status,
        204
    );
    let unknown = invoke("remotion-render-nope", None, &json!({"type": "info"}));
    assert_eq!(unknown.status, 404);
    assert_eq!(
        unknown.header("x-amzn-errortype"),
        Some("ResourceNotFoundException")
    );
    let bad_kind = invoke(&function, Some("Sometimes"), &json!({}));
    assert_eq!(bad_kind.status, 400);
    let not_json = server.request(
        "POST",
        &format!("/2015-03-31/functions/{function}/invocations"),
        &[],
        b"{nope",
    );
    assert_eq!(not_json.status, 400);
    assert_eq!(
        not_json.header("x-amzn-errortype"),
        Some("InvalidRequestContentException")
    );
    let too_big = invoke(
        &function,
        Some("Event"),
        &json!({"type": "info", "pad": "x".repeat(300_000)}),
    );
    assert_eq!(too_big.status, 413);
    assert_eq!(
        too_big.header("x-amzn-errortype"),
        Some("RequestEntityTooLargeException")
    );
    // Handler errors are payloads, as on Lambda.
    let mut old_client = start_payload.clone();
    old_client["version"] = json!("1.0.0");
    let refused = invoke(&function, None, &old_client).json();
    assert_eq!(refused["type"], "error");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("Version mismatch"),
        "{refused}"
    );
}

/// A function that runs past its timeout fails outside its handler: 200 with
/// `X-Amz-Function-Error`, as Lambda answers.
#[test]
fn function_errors_carry_the_lambda_header() {
    let server = start("timeout", &[("KINEMA_TIMEOUT", "2")]);
    let info = server
        .post(
            &format!("/2015-03-31/functions/{}/invocations", server.function()),
            &json!({"type": "info"}),
        )
        .json();
    let spin = "export const A = () => {\n  while (true) {}\n};\n";
    let payload = json!({
        "type": "still", "version": info["version"], "serveUrl": "my-next-app", "composition": "DynamicComp",
        "inputProps": {"type": "payload", "payload": json!({"code": spin, "durationInFrames": 10, "fps": 30, "width": 64, "height": 64}).to_string()},
    });
    let reply = server.post(
        &format!("/2015-03-31/functions/{}/invocations", server.function()),
        &payload,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-amz-function-error"), Some("Unhandled"));
    let body = reply.json();
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("Task timed out after 2"),
        "{body}"
    );
    // The worker was replaced: the function still answers.
    let again = server.post(
        &format!("/2015-03-31/functions/{}/invocations", server.function()),
        &json!({"type": "info"}),
    );
    assert_eq!(again.status, 200);
    assert!(again.header("x-amz-function-error").is_none());
}

#[test]
fn tokens_origins_and_backends_are_configured() {
    // A token guards every API route, in any of its three forms.
    let mut server = start(
        "auth",
        &[
            ("KINEMA_TOKEN", "t0ps3cret"),
            ("KINEMA_CORS_ORIGINS", "http://app.test"),
        ],
    );
    let api = OpenApi::load(&server);
    let denied = server.post("/api/lambda/progress", &json!({}));
    assert_eq!(denied.status, 401);
    api.check("/api/lambda/progress", "post", &denied);
    assert_eq!(denied.header("www-authenticate"), Some("Bearer"));
    assert_eq!(
        server.get(&format!("/files/{}/", server.bucket())).status,
        401
    );
    assert_eq!(
        server
            .get(&format!("/files/{}/?token=t0ps3cret", server.bucket()))
            .status,
        200
    );
    assert_eq!(server.get("/healthz").status, 200);
    let sigv4 = server.request(
        "POST",
        &format!("/2015-03-31/functions/{}/invocations", server.function()),
        &[("authorization", "AWS4-HMAC-SHA256 Credential=t0ps3cret/20261123/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00")],
        br#"{"type":"info"}"#,
    );
    assert_eq!(sigv4.status, 200);
    server.token = Some("t0ps3cret".into());
    assert_eq!(server.post("/api/lambda/progress", &json!({})).status, 400);
    // CORS: the allowed origin gets its preflight answered, others do not.
    let preflight = server.request(
        "OPTIONS",
        "/api/lambda/render",
        &[
            ("origin", "http://app.test"),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "content-type,authorization",
            ),
        ],
        b"",
    );
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some("http://app.test")
    );
    let other = server.request(
        "OPTIONS",
        "/api/lambda/render",
        &[
            ("origin", "http://evil.test"),
            ("access-control-request-method", "POST"),
        ],
        b"",
    );
    assert_eq!(other.header("access-control-allow-origin"), None);
    drop(server);

    // The network needs a token.
    let refused = start_with_args("exposed", &[], &["--host", "0.0.0.0"])
        .err()
        .expect("refused");
    assert!(refused.contains("KINEMA_TOKEN"), "{refused}");
    // A bad kinema.toml names the file and the key.
    let dir = std::env::temp_dir().join(format!("kinema-serve-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml = dir.join("kinema.toml");
    std::fs::write(&toml, "framesPerLambda = 60\n").unwrap();
    let refused = start_with_args("badtoml", &[], &["--config", toml.to_str().unwrap()])
        .err()
        .expect("refused");
    assert!(
        refused.contains("kinema.toml") && refused.contains("framesPerLambda"),
        "{refused}"
    );
    std::fs::write(
        &toml,
        "frames_per_lambda = 20\nsite_name = \"studio-site\"\n",
    )
    .unwrap();
    let configured =
        start_with_args("goodtoml", &[], &["--config", toml.to_str().unwrap()]).unwrap();
    assert_eq!(configured.info["siteName"], "studio-site");
    drop(configured);
    let _ = std::fs::remove_dir_all(&dir);

    // The AWS backend without credentials answers with the template's exact messages.
    let aws_env = [
        ("KINEMA_BACKEND", "aws"),
        ("AWS_ACCESS_KEY_ID", ""),
        ("REMOTION_AWS_ACCESS_KEY_ID", ""),
        ("AWS_SECRET_ACCESS_KEY", ""),
        ("REMOTION_AWS_SECRET_ACCESS_KEY", ""),
    ];
    let aws = start("aws", &aws_env);
    let request = documented_request();
    let reply = aws.post("/api/lambda/render", &request);
    assert_eq!(
        (reply.status, reply.json()["error"].clone()),
        (
            500,
            json!("Set up Remotion Lambda to render videos. See the README.md for how to do so.")
        )
    );
    drop(aws);
    let mut with_key = aws_env.to_vec();
    with_key[3] = ("REMOTION_AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
    let aws = start("aws-key", &with_key);
    let reply = aws.post("/api/lambda/render", &request);
    assert_eq!(
        (reply.status, reply.json()["error"].clone()),
        (
            500,
            json!(
                "The environment variable REMOTION_AWS_SECRET_ACCESS_KEY is missing. Add it to your .env file."
            )
        )
    );
}

/// Every operation in the document answers from the router (never the fallback's "no route").
#[test]
fn the_openapi_document_matches_the_routes() {
    let server = start("openapi", &[]);
    let api = OpenApi::load(&server);
    let operations = api.operations();
    let expected: BTreeSet<(String, String)> = [
        ("post", "/api/lambda/render"),
        ("post", "/api/lambda/progress"),
        ("get", "/api/lambda/progress/{renderId}"),
        ("post", "/api/lambda/still"),
        ("post", "/api/preview"),
        ("get", "/api/renders/{renderId}/logs"),
        ("get", "/files/{bucket}/"),
        ("get", "/files/{bucket}/{key}"),
        ("post", "/2015-03-31/functions/{FunctionName}/invocations"),
        ("get", "/healthz"),
        ("get", "/api/openapi.json"),
        ("get", "/"),
    ]
    .iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    assert_eq!(operations, expected);
    for (method, path) in &operations {
        let concrete = path
            .replace("{renderId}", "abcdefghij")
            .replace("{bucket}", server.bucket())
            .replace("{key}", "renders/x/out.mp4")
            .replace("{FunctionName}", server.function());
        let reply = server.request(
            &method.to_uppercase(),
            &concrete,
            &[("x-amz-invocation-type", "DryRun")],
            b"{}",
        );
        assert_ne!(reply.status, 405, "{method} {path}");
        if reply.status == 404 {
            let body = reply.json();
            assert!(
                !body["error"].as_str().unwrap_or("").starts_with("no route"),
                "{method} {path}: {body}"
            );
        }
        api.check(path, method, &reply);
    }
}

/// Hostile bodies (broken JSON, wrong types, deep nesting, huge strings, random bytes) get
/// 4xx answers; the server never falls over and keeps serving.
#[test]
fn hostile_bodies_never_break_the_server() {
    let server = start("fuzz", &[]);
    let mut rng = fastrand::Rng::with_seed(0x6b696e656d61);
    let valid = json!({"inputProps": props(SIMPLE, 30), "frame": 3, "id": "abcdefghij", "bucketName": server.bucket()});
    let junk = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1e308),
        json!("x"),
        json!([]),
        json!({}),
        json!("\u{0}\u{ffff}\u{1F600}"),
        json!([[[[[]]]]]),
        json!({"a": {"b": {"c": null}}}),
        json!(4_294_967_297u64),
        json!(0.5),
        json!(-0.0),
    ];
    let routes = [
        "/api/lambda/render",
        "/api/lambda/progress",
        "/api/lambda/still",
        "/api/preview",
    ];
    for round in 0..160 {
        let route = routes[round % routes.len()];
        let body: Vec<u8> = match round % 6 {
            0 => (0..rng.usize(0..400)).map(|_| rng.u8(..)).collect(),
            1 => {
                let text = valid.to_string();
                text.as_bytes()[..rng.usize(0..text.len())].to_vec()
            }
            2 => format!("{}{}", "[".repeat(rng.usize(1..5000)), "]".repeat(rng.usize(0..3))).into_bytes(),
            3 => json!({"inputProps": {"code": "y".repeat(rng.usize(0..1_500_000)), "durationInFrames": 1, "fps": 1}}).to_string().into_bytes(),
            _ => {
                // A valid body with one field replaced by junk.
                let mut body = valid.clone();
                let field = ["code", "durationInFrames", "fps", "width", "height"][rng.usize(0..5)];
                let value = junk[rng.usize(0..junk.len())].clone();
                if rng.bool() {
                    body["inputProps"][field] = value;
                } else {
                    let top = ["inputProps", "frame", "id", "bucketName", "imageFormat", "scale"][rng.usize(0..6)];
                    body[top] = value;
                }
                body.to_string().into_bytes()
            }
        };
        let reply = server.request(
            "POST",
            route,
            &[("content-type", "application/json")],
            &body,
        );
        assert!(
            (200..500).contains(&reply.status),
            "{route} round {round}: {} {}",
            reply.status,
            String::from_utf8_lossy(&reply.body)
        );
        if reply.status >= 400 {
            assert!(reply.json()["error"].is_string(), "{route} round {round}");
        }
    }
    let health = server.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
}
