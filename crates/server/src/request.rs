//! Request bodies, parsed and checked before anything runs: every wrong field is named, and
//! code that does not compile (or throws on its first frame) is refused with its line and
//! column. Pure functions of the bytes, so they are unit-tested and fuzzed.

use std::sync::Arc;
use std::time::Duration;

use kinema_compose::{Bundle, CodeComposition, ComposeError, Engine, Limits};
use serde_json::{Map, Value, json};

use crate::error::{ApiError, FieldError};

/// The id of the composition compiled from `inputProps.code`.
pub const DYNAMIC_COMPOSITION: &str = "DynamicComp";

/// `inputProps` of a dynamic render: the code and its timing, plus whatever else the caller
/// passes (it reaches the code through `getInputProps()`).
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicProps {
    pub code: String,
    pub duration_in_frames: u32,
    pub fps: f64,
    pub width: u32,
    pub height: u32,
    /// All of `inputProps`, as sent.
    pub raw: Map<String, Value>,
}

/// What the server's codec adds to the request's checks: a GIF plays at most
/// [`kinema_farm::MAX_GIF_FPS`] fps, and the HTTP API has no `everyNthFrame` to lower it.
pub fn check_for_codec(props: &DynamicProps, codec: &str) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let Ok(codec) = kinema_encode::Codec::parse(codec) else {
        // The configuration was checked at start; the farm names an unknown codec.
        return Ok(());
    };
    if codec == kinema_encode::Codec::Gif && props.fps > kinema_farm::MAX_GIF_FPS {
        errors.push(FieldError {
            field: "inputProps.fps".into(),
            message: format!(
                "must be at most {} for this server's GIF output (browsers play faster GIFs \
                 slower), got {}",
                kinema_farm::MAX_GIF_FPS,
                props.fps
            ),
        });
    }
    // Chroma subsampling halves the width (4:2:0 and 4:2:2) and the height (4:2:0); GIF has
    // none.
    if codec != kinema_encode::Codec::Gif {
        let format = codec.default_pixel_format();
        for (field, value, halved) in [
            ("inputProps.width", props.width, format.halves_width()),
            ("inputProps.height", props.height, format.halves_height()),
        ] {
            if halved && value % 2 != 0 {
                errors.push(FieldError {
                    field: field.into(),
                    message: format!(
                        "must be even for this server's {} video ({}), got {value}",
                        codec.name(),
                        format.name()
                    ),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::fields(errors))
    }
}

impl DynamicProps {
    pub fn composition(&self) -> CodeComposition {
        CodeComposition {
            id: DYNAMIC_COMPOSITION.into(),
            duration_in_frames: self.duration_in_frames,
            fps: self.fps,
            width: self.width,
            height: self.height,
        }
    }

    /// The props as the farm receives them, with the defaults filled in.
    pub fn to_value(&self) -> Value {
        let mut props = self.raw.clone();
        props.insert("width".into(), json!(self.width));
        props.insert("height".into(), json!(self.height));
        Value::Object(props)
    }
}

/// `POST /api/lambda/render`.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderRequest {
    pub props: DynamicProps,
}

/// `POST /api/lambda/still` and `POST /api/preview`.
#[derive(Debug, Clone, PartialEq)]
pub struct StillRequest {
    pub props: DynamicProps,
    pub frame: u32,
    pub image_format: String,
    pub scale: f64,
}

/// `POST /api/lambda/progress`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressRequest {
    pub id: String,
    pub bucket_name: String,
}

/// The body as a JSON object, or a 400 saying where the JSON breaks.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the request body is empty: send a JSON object",
        ));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(format!(
            "malformed JSON at line {} column {}: {}",
            e.line(),
            e.column(),
            strip_position(&e.to_string())
        ))
        .with("line", json!(e.line()))
        .with("column", json!(e.column()))
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::bad_request(format!(
            "the request body must be a JSON object, got {}",
            type_name(&other)
        ))),
    }
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Collects field errors so one response names them all.
#[derive(Default)]
struct Fields(Vec<FieldError>);

impl Fields {
    fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::fields(self.0))
        }
    }

    /// A whole number in `range`, or `None` (with the error recorded).
    fn integer(
        &mut self,
        field: &str,
        value: Option<&Value>,
        default: Option<u32>,
        range: std::ops::RangeInclusive<u32>,
    ) -> Option<u32> {
        let value = match value {
            None | Some(Value::Null) => {
                if default.is_none() {
                    self.push(field, "is required (a whole number)");
                }
                return default;
            }
            Some(v) => v,
        };
        let Some(n) = value.as_f64() else {
            self.push(
                field,
                format!("must be a whole number, got {}", type_name(value)),
            );
            return None;
        };
        if n.fract() != 0.0 || n < *range.start() as f64 || n > *range.end() as f64 {
            self.push(
                field,
                format!(
                    "must be a whole number from {} to {}, got {n}",
                    range.start(),
                    range.end()
                ),
            );
            return None;
        }
        Some(n as u32)
    }
}

/// Checks `inputProps` of a dynamic composition.
fn dynamic_props(body: &Map<String, Value>, fields: &mut Fields) -> Option<DynamicProps> {
    let props = match body.get("inputProps") {
        Some(Value::Object(map)) => map,
        None | Some(Value::Null) => {
            fields.push(
                "inputProps",
                "is required (an object with code, durationInFrames and fps)",
            );
            return None;
        }
        Some(other) => {
            fields.push(
                "inputProps",
                format!("must be an object, got {}", type_name(other)),
            );
            return None;
        }
    };
    let code = match props.get("code") {
        Some(Value::String(code)) if code.trim().is_empty() => {
            fields.push(
                "inputProps.code",
                "is empty: send the composition's TSX code",
            );
            None
        }
        Some(Value::String(code)) => Some(code.clone()),
        None | Some(Value::Null) => {
            fields.push("inputProps.code", "is required (a string of TSX code)");
            None
        }
        Some(other) => {
            fields.push(
                "inputProps.code",
                format!("must be a string, got {}", type_name(other)),
            );
            None
        }
    };
    let duration = fields.integer(
        "inputProps.durationInFrames",
        props.get("durationInFrames"),
        None,
        1..=100_000,
    );
    let fps = match props.get("fps") {
        None | Some(Value::Null) => {
            fields.push(
                "inputProps.fps",
                "is required (a number of frames per second)",
            );
            None
        }
        Some(value) => match value.as_f64() {
            Some(fps) if (kinema_farm::MIN_FPS..=240.0).contains(&fps) => Some(fps),
            Some(fps) => {
                fields.push(
                    "inputProps.fps",
                    format!(
                        "must be at least {} and at most 240, got {fps}",
                        kinema_farm::MIN_FPS
                    ),
                );
                None
            }
            None => {
                fields.push(
                    "inputProps.fps",
                    format!("must be a number, got {}", type_name(value)),
                );
                None
            }
        },
    };
    // Whether a size must be even depends on the codec: see `check_for_codec`.
    let mut dimension = |field: &str, value: Option<&Value>, default: u32| {
        fields.integer(field, value, Some(default), 2..=7680)
    };
    let width = dimension("inputProps.width", props.get("width"), 1920);
    let height = dimension("inputProps.height", props.get("height"), 1080);
    Some(DynamicProps {
        code: code?,
        duration_in_frames: duration?,
        fps: fps?,
        width: width?,
        height: height?,
        raw: props.clone(),
    })
}

pub fn parse_render(body: &[u8]) -> Result<RenderRequest, ApiError> {
    let body = json_object(body)?;
    let mut fields = Fields::default();
    let props = dynamic_props(&body, &mut fields);
    fields.finish()?;
    Ok(RenderRequest {
        props: props.expect("no field errors"),
    })
}

/// `default_format`: png for stills, jpeg for previews.
pub fn parse_still(body: &[u8], default_format: &str) -> Result<StillRequest, ApiError> {
    let body = json_object(body)?;
    let mut fields = Fields::default();
    let props = dynamic_props(&body, &mut fields);
    let frame = fields.integer("frame", body.get("frame"), Some(0), 0..=99_999);
    if let (Some(props), Some(frame)) = (&props, frame)
        && frame >= props.duration_in_frames
    {
        fields.push(
            "frame",
            format!(
                "{frame} is outside the composition, which has frames 0 to {}",
                props.duration_in_frames - 1
            ),
        );
    }
    let image_format = match body.get("imageFormat") {
        None | Some(Value::Null) => Some(default_format.to_string()),
        Some(Value::String(f)) if ["png", "jpeg", "webp"].contains(&f.as_str()) => Some(f.clone()),
        Some(other) => {
            fields.push(
                "imageFormat",
                format!("must be \"png\", \"jpeg\" or \"webp\", got {other}"),
            );
            None
        }
    };
    let scale = match body.get("scale") {
        None | Some(Value::Null) => Some(1.0),
        Some(value) => match value.as_f64() {
            Some(s) if (0.05..=4.0).contains(&s) => Some(s),
            _ => {
                fields.push(
                    "scale",
                    format!("must be a number from 0.05 to 4, got {value}"),
                );
                None
            }
        },
    };
    fields.finish()?;
    Ok(StillRequest {
        props: props.expect("checked"),
        frame: frame.expect("checked"),
        image_format: image_format.expect("checked"),
        scale: scale.expect("checked"),
    })
}

pub fn parse_progress(body: &[u8]) -> Result<ProgressRequest, ApiError> {
    let body = json_object(body)?;
    let mut fields = Fields::default();
    let mut text = |field: &str| match body.get(field) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        None | Some(Value::Null) => {
            fields.push(field, "is required (a string)");
            None
        }
        Some(other) => {
            fields.push(
                field,
                format!("must be a non-empty string, got {}", type_name(other)),
            );
            None
        }
    };
    let id = text("id");
    let bucket_name = text("bucketName");
    if let Some(id) = &id
        && !is_render_id(id)
    {
        fields.push("id", format!("\"{}\" is not a render id", truncate(id, 80)));
    }
    if let Some(bucket) = &bucket_name
        && kinema_farm::bucket::validate_bucket_name(bucket).is_err()
    {
        fields.push(
            "bucketName",
            format!("\"{}\" is not a bucket name", truncate(bucket, 80)),
        );
    }
    fields.finish()?;
    Ok(ProgressRequest {
        id: id.expect("checked"),
        bucket_name: bucket_name.expect("checked"),
    })
}

/// Render ids are `[deleteAfter-]` and ten characters `[a-z0-9]`.
pub fn is_render_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Compiles the code and renders its first frame's element tree, so broken code is refused
/// before a render starts. Runs for at most a few seconds of CPU; the code's `fetch()` reaches
/// what it will on the farm (`allow_private_addresses` as the farm's setting says).
pub fn preflight(props: &DynamicProps, allow_private_addresses: bool) -> Result<(), ApiError> {
    let bundle = Bundle::from_code(&props.code, props.composition())
        .map_err(code_error)?
        .with_fetcher(kinema_farm::sites::fetcher(None, allow_private_addresses));
    let limits = Limits {
        cpu_time: Duration::from_secs(5),
        ..Limits::default()
    };
    let mut engine = Engine::new(Arc::new(bundle), limits).map_err(code_error)?;
    engine
        .select(DYNAMIC_COMPOSITION, &props.to_value())
        .map_err(code_error)?;
    engine.render_frame(0).map_err(code_error)?;
    Ok(())
}

/// A compose error as a 400 naming `inputProps.code`, with the line and column when known.
pub fn code_error(error: ComposeError) -> ApiError {
    let (summary, code_frame) = match &error {
        ComposeError::Syntax {
            message,
            code_frame,
            ..
        } => (
            format!("does not compile: {message}"),
            Some(code_frame.clone()),
        ),
        ComposeError::Script { exception, .. } => (
            format!(
                "throws: {}",
                if exception.name.is_empty() {
                    exception.message.clone()
                } else {
                    format!("{}: {}", exception.name, exception.message)
                }
            ),
            exception.code_frame.clone(),
        ),
        other => (format!("cannot be rendered: {other}"), None),
    };
    let location = error.location().cloned();
    let message = match &location {
        Some(at) => format!("inputProps.code {summary} (line {}:{})", at.line, at.column),
        None => format!("inputProps.code {summary}"),
    };
    let mut api = ApiError::bad_request(message).with("field", json!("inputProps.code"));
    if let Some(at) = location {
        api = api
            .with("line", json!(at.line))
            .with("column", json!(at.column));
    }
    if let Some(frame) = code_frame {
        api = api.with("codeFrame", json!(frame));
    }
    api
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "import {AbsoluteFill, useCurrentFrame} from 'remotion';\n\
        export const MyAnimation = () => {\n  const frame = useCurrentFrame();\n  \
        return <AbsoluteFill style={{backgroundColor: 'navy'}}>{frame}</AbsoluteFill>;\n};\n";

    fn body(value: Value) -> Vec<u8> {
        serde_json::to_vec(&value).unwrap()
    }

    #[test]
    fn a_template_request_parses() {
        let request = parse_render(&body(
            json!({"inputProps": {"code": CODE, "durationInFrames": 150, "fps": 30}}),
        ))
        .unwrap();
        assert_eq!(request.props.duration_in_frames, 150);
        assert_eq!((request.props.width, request.props.height), (1920, 1080));
        preflight(&request.props, false).unwrap();
    }

    #[test]
    fn every_wrong_field_is_named() {
        let error = parse_render(&body(json!({"inputProps": {
            "code": 5, "durationInFrames": "150", "width": 1
        }})))
        .unwrap_err();
        insta::assert_json_snapshot!(error.body(), @r#"
        {
          "error": "inputProps.code must be a string, got a number; inputProps.durationInFrames must be a whole number, got a string; inputProps.fps is required (a number of frames per second); inputProps.width must be a whole number from 2 to 7680, got 1",
          "errors": [
            {
              "field": "inputProps.code",
              "message": "must be a string, got a number"
            },
            {
              "field": "inputProps.durationInFrames",
              "message": "must be a whole number, got a string"
            },
            {
              "field": "inputProps.fps",
              "message": "is required (a number of frames per second)"
            },
            {
              "field": "inputProps.width",
              "message": "must be a whole number from 2 to 7680, got 1"
            }
          ]
        }
        "#);
    }

    #[test]
    fn odd_sizes_are_refused_only_where_the_codec_subsamples() {
        let sized = |width: u32, height: u32| {
            parse_render(&body(json!({"inputProps": {
                "code": CODE, "durationInFrames": 30, "fps": 30, "width": width, "height": height
            }})))
            .unwrap()
            .props
        };
        let e = check_for_codec(&sized(161, 91), "h264").unwrap_err();
        assert_eq!(
            e.message,
            "inputProps.width must be even for this server's h264 video (yuv420p), got 161; \
             inputProps.height must be even for this server's h264 video (yuv420p), got 91"
        );
        assert!(check_for_codec(&sized(161, 91), "gif").is_ok());
        // ProRes 4:2:2 halves the width only.
        assert!(check_for_codec(&sized(160, 91), "prores").is_ok());
        assert!(check_for_codec(&sized(161, 90), "prores").is_err());
        assert!(check_for_codec(&sized(160, 90), "h264").is_ok());
    }

    #[test]
    fn a_gif_server_takes_at_most_50_fps() {
        let at = |fps: f64| {
            parse_render(&body(
                json!({"inputProps": {"code": CODE, "durationInFrames": 30, "fps": fps}}),
            ))
            .unwrap()
            .props
        };
        assert!(check_for_codec(&at(60.0), "h264").is_ok());
        assert!(check_for_codec(&at(50.0), "gif").is_ok());
        let e = check_for_codec(&at(60.0), "gif").unwrap_err();
        assert_eq!(e.status, 400);
        assert!(
            e.message
                .starts_with("inputProps.fps must be at most 50 for this server's GIF output"),
            "{}",
            e.message
        );
    }

    #[test]
    fn fps_must_be_one_videos_can_have() {
        let fps = |fps: Value| {
            parse_render(&body(
                json!({"inputProps": {"code": CODE, "durationInFrames": 30, "fps": fps}}),
            ))
        };
        for ok in [json!(0.2), json!(23.976), json!(240)] {
            assert!(fps(ok.clone()).is_ok(), "{ok}");
        }
        for bad in [json!(0), json!(0.1), json!(241), json!(-30)] {
            let e = fps(bad.clone()).unwrap_err();
            assert!(
                e.message
                    .starts_with("inputProps.fps must be at least 0.2 and at most 240"),
                "{bad}: {}",
                e.message
            );
        }
    }

    #[test]
    fn malformed_json_says_where() {
        let error = parse_render(b"{\"inputProps\": {\"code\": }").unwrap_err();
        assert_eq!(error.status, 400);
        assert!(
            error
                .message
                .starts_with("malformed JSON at line 1 column 25"),
            "{}",
            error.message
        );
        assert!(parse_render(b"").unwrap_err().message.contains("empty"));
        assert!(
            parse_render(b"[1]")
                .unwrap_err()
                .message
                .contains("an array")
        );
        let e = parse_render(b"{}").unwrap_err();
        assert!(
            e.message.starts_with("inputProps is required"),
            "{}",
            e.message
        );
    }

    #[test]
    fn compile_errors_carry_line_and_column() {
        let props = parse_render(&body(json!({"inputProps": {
            "code": "export const A = () => {\n  const x = ;\n  return null;\n};\n",
            "durationInFrames": 10, "fps": 30
        }})))
        .unwrap()
        .props;
        let error = preflight(&props, false).unwrap_err();
        assert_eq!(error.details["line"], json!(2), "{}", error.message);
        assert!(error.message.contains("(line 2:"), "{}", error.message);
        assert!(
            error
                .message
                .starts_with("inputProps.code does not compile")
        );
    }

    #[test]
    fn first_frame_exceptions_are_refused() {
        let props = parse_render(&body(json!({"inputProps": {
            "code": "export const A = () => {\n  const x = undefinedThing.y;\n  return null;\n};\n",
            "durationInFrames": 10, "fps": 30
        }})))
        .unwrap()
        .props;
        let error = preflight(&props, false).unwrap_err();
        assert!(
            error.message.contains("throws: ReferenceError"),
            "{}",
            error.message
        );
        assert_eq!(error.details["line"], json!(2), "{}", error.message);
    }

    /// Lines are the user's: an error thrown inside Kinema's runtime points at the user's
    /// call, and one with no frame of the user's (no component exported) has no line at all.
    #[test]
    fn error_lines_are_in_the_users_code() {
        let error = |code: &str| {
            let props = parse_render(&body(json!({"inputProps": {
                "code": code, "durationInFrames": 10, "fps": 30
            }})))
            .unwrap()
            .props;
            preflight(&props, false).unwrap_err()
        };
        let bad_range = error(
            "import {interpolate} from 'remotion';\n\
             export const A = () => {\n  interpolate(0, [1, 0], [0, 1]);\n  return null;\n};\n",
        );
        assert_eq!(bad_range.details["line"], json!(3), "{}", bad_range.message);
        let no_export = error("const x = 1;");
        assert!(
            no_export
                .message
                .contains("does not export a React component")
                && !no_export.message.contains("(line"),
            "{}",
            no_export.message
        );
        assert!(
            no_export.details.get("line").is_none(),
            "{:?}",
            no_export.details
        );
    }

    #[test]
    fn stills_check_the_frame() {
        let still = |extra: Value| {
            let mut b = json!({"inputProps": {"code": CODE, "durationInFrames": 30, "fps": 30}});
            b.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            parse_still(&body(b), "png")
        };
        let ok = still(json!({"frame": 29, "imageFormat": "jpeg"})).unwrap();
        assert_eq!((ok.frame, ok.image_format.as_str()), (29, "jpeg"));
        let e = still(json!({"frame": 30})).unwrap_err();
        assert!(e.message.contains("frames 0 to 29"), "{}", e.message);
        let e = still(json!({"imageFormat": "bmp", "scale": 9})).unwrap_err();
        assert!(
            e.message.contains("imageFormat") && e.message.contains("scale"),
            "{}",
            e.message
        );
    }

    #[test]
    fn progress_requests_name_their_fields() {
        let ok = parse_progress(br#"{"id":"ab12cd34ef","bucketName":"remotionlambda-useast1-x"}"#)
            .unwrap();
        assert_eq!(ok.id, "ab12cd34ef");
        let e = parse_progress(br#"{"id":"../etc","bucketName":7}"#).unwrap_err();
        assert!(
            e.message.contains("id \"../etc\" is not a render id")
                && e.message.contains("bucketName must be a non-empty string"),
            "{}",
            e.message
        );
    }
}
